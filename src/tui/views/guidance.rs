//! The Realization view's Guidance sub-view (`d`): every segment × product's floor / target /
//! stretch and what it is worth (the `guidance` command's numbers, default options, all dates),
//! the selected cell's band as a histogram with the corridor's lines and its quotes as points on
//! the same axis, and — Enter — the cell's customers below the floor.
//!
//! The table is computed once on the worker; the selected cell's customers and quotes are read
//! as the selection moves (`agg_customer` and `quotes` through their cell indexes).

use super::boxed;
use crate::analysis::guidance::CellDetail;
use crate::realization::band::{Observation, observation};
use crate::realization::guidance::{GuidanceRow, Source};
use crate::realization::{MIN_VOLUME, pct};
use crate::report::{fmt_money, fmt_num, fmt_pct};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::corridor::CorridorChart;
use crate::tui::widgets::list::{self, Column, fitted_table, number, text};
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// A customer of the selected cell below its floor.
#[derive(Debug, Clone, PartialEq)]
pub struct BelowFloor {
    pub customer_id: String,
    pub pocket_pct: f64,
    pub volume: f64,
    /// (floor − pocket %) / 100 × list revenue, in currency.
    pub to_floor: f64,
}

/// The sub-view's state.
#[derive(Debug, Default)]
pub struct GuidanceState {
    /// The workspace's reporting currency (the Overview reads it), named in the title.
    pub currency: Option<String>,
    pub open: bool,
    pub rows: Option<Vec<GuidanceRow>>,
    pub loading: Pending<()>,
    pub selected: usize,
    /// The selected cell's customers and quotes, once read.
    pub cell: Option<CellDetail>,
    pub cell_loading: Pending<(String, String)>,
    /// Showing the customers below the floor (Enter), with their own selection.
    pub drilled: bool,
    pub selected_customer: usize,
    /// Derived from `cell` and the selected row by `refresh`.
    pub observations: Vec<Observation>,
    pub quotes: Vec<(f64, bool)>,
    pub below_floor: Vec<BelowFloor>,
}

impl GuidanceState {
    /// Opens the sub-view (reading the table the first time), or closes it.
    pub fn toggle(&mut self, ctx: &mut Ctx) {
        self.open = !self.open;
        self.drilled = false;
        if self.open && self.rows.is_none() && !self.loading.is_loading() {
            self.loading.ask(ctx, Request::Guidance, ());
        }
        self.refresh(ctx);
    }

    pub fn busy_text(&self) -> Option<String> {
        if self.loading.is_loading() {
            Some("computing deal guidance…".to_string())
        } else if self.cell_loading.is_loading() {
            Some("loading the cell's customers and quotes…".to_string())
        } else {
            None
        }
    }

    /// Takes the worker's answer to one of the sub-view's requests; `false` when it is not one.
    pub fn loaded(&mut self, seq: u64, answer: &Answer, ctx: &mut Ctx) -> bool {
        let result = match answer {
            Answer::Guidance(r) => match self.loading.answered(seq) {
                Some(()) => r.clone().map(|rows| self.rows = Some(rows)),
                None => return true,
            },
            Answer::GuidanceCell(r) => match self.cell_loading.answered(seq) {
                Some(_) => r.clone().map(|cell| self.cell = Some(cell)),
                None => return true,
            },
            _ => return false,
        };
        if let Err(e) = result {
            ctx.error(format!("guidance: {e}"));
        }
        self.refresh(ctx);
        true
    }

    /// Moves the selection, drills into the customers below the floor, backs out (Esc, ←, h:
    /// from the customers to the table, from the table out of the sub-view).
    pub fn update(&mut self, action: Action, ctx: &mut Ctx) {
        let (selected, len) = match self.drilled {
            true => (self.selected_customer, self.below_floor.len()),
            false => (self.selected, self.rows.as_ref().map_or(0, Vec::len)),
        };
        if let Some(moved) = list::moved(selected, len, &action) {
            match self.drilled {
                true => self.selected_customer = moved,
                false => self.selected = moved,
            }
        } else {
            match action {
                Action::Drill => {
                    self.drilled = true;
                    self.selected_customer = 0;
                }
                Action::Back | Action::Left if self.drilled => self.drilled = false,
                Action::Back | Action::Left | Action::OpenGuidance => self.open = false,
                _ => return,
            }
        }
        self.refresh(ctx);
    }

    /// The selected row.
    pub fn row(&self) -> Option<&GuidanceRow> {
        self.rows.as_ref()?.get(self.selected)
    }

    fn cell_of_row(&self) -> Option<&CellDetail> {
        let row = self.row()?;
        self.cell.as_ref().filter(|c| {
            Some(c.segment_id.as_str()) == row.segment_id.as_deref()
                && c.product_id == row.product_id
        })
    }

    /// Asks for the selected cell's customers and quotes, and recomputes what is drawn.
    fn refresh(&mut self, ctx: &mut Ctx) {
        let len = self.rows.as_ref().map_or(0, Vec::len);
        self.selected = list::within(self.selected, len);
        let wanted = self
            .row()
            .and_then(|r| Some((r.segment_id.clone()?, r.product_id.clone())));
        if let Some((segment, product)) = wanted.filter(|_| self.open) {
            let loaded = self.cell_of_row().is_some();
            let asked = self.cell_loading.what() == Some(&(segment.clone(), product.clone()));
            if !loaded && !asked {
                let request = Request::GuidanceCell {
                    segment: segment.clone(),
                    product: product.clone(),
                };
                self.cell_loading.ask(ctx, request, (segment, product));
            }
        }
        self.derive();
        self.selected_customer = list::within(self.selected_customer, self.below_floor.len());
    }

    /// The histogram's observations, the quote points and the customers below the floor of the
    /// selected row, from the loaded cell.
    fn derive(&mut self) {
        let (Some(row), Some(cell)) = (self.row(), self.cell_of_row()) else {
            self.observations.clear();
            self.quotes.clear();
            self.below_floor.clear();
            return;
        };
        let observations = cell
            .customers
            .iter()
            .filter(|c| c.quantity > MIN_VOLUME)
            .map(observation)
            .filter(|o| o.pocket_pct.is_finite())
            .collect();
        let off = row.off_invoice_pct.unwrap_or(0.0);
        let quotes = match row.list_price.filter(|l| *l > 0.0) {
            Some(list) => cell
                .quotes
                .iter()
                .map(|q| (q.quoted_price / list * 100.0 - off, q.won))
                .collect(),
            None => Vec::new(),
        };
        let mut below: Vec<BelowFloor> = match row.pocket {
            Some(c) => cell
                .customers
                .iter()
                .filter(|x| x.quantity > MIN_VOLUME)
                .filter_map(|x| {
                    let p = pct(x.pocket_revenue, x.list_revenue)?;
                    (p < c.floor).then(|| BelowFloor {
                        customer_id: x.customer_id.to_string(),
                        pocket_pct: p,
                        volume: x.quantity,
                        to_floor: (c.floor - p) / 100.0 * x.list_revenue,
                    })
                })
                .collect(),
            None => Vec::new(),
        };
        below.sort_by(|a, b| b.to_floor.total_cmp(&a.to_floor));
        (self.observations, self.quotes, self.below_floor) = (observations, quotes, below);
    }
}

/// Draws the sub-view.
pub fn render(frame: &mut Frame, area: Rect, state: &GuidanceState) {
    let Some(rows) = &state.rows else {
        let text = match state.loading.is_loading() {
            true => "computing deal guidance…",
            false => "no guidance",
        };
        frame.render_widget(
            Paragraph::new(text).block(boxed("Deal guidance".into())),
            area,
        );
        return;
    };
    let top_height = (area.height / 2).clamp(6, 14);
    let [top, bottom] =
        Layout::vertical([Constraint::Length(top_height), Constraint::Min(3)]).areas(area);
    // The corridor panel as wide as its longest line needs (label, three percentages or
    // prices, or a margin with its count); the chart takes what is left.
    let panel = (area.width * 2 / 5).max(SUMMARY_WIDTH).min(area.width);
    let [chart, summary] =
        Layout::horizontal([Constraint::Min(0), Constraint::Length(panel)]).areas(top);
    render_chart(frame, chart, state);
    render_summary(frame, summary, state);
    match state.drilled {
        true => render_below_floor(frame, bottom, state),
        false => render_table(frame, bottom, rows, state),
    }
}

fn cell_name(r: &GuidanceRow) -> String {
    format!(
        "{} × {}",
        r.segment_id.as_deref().unwrap_or("all"),
        r.product_id
    )
}

fn render_chart(frame: &mut Frame, area: Rect, state: &GuidanceState) {
    let name = state.row().map_or_else(String::new, cell_name);
    let block = boxed(format!("{name} · pocket % of list · quotes ● won ○ lost"));
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.cell_loading.is_loading() {
        frame.render_widget(Paragraph::new("loading…"), inner);
        return;
    }
    let chart = CorridorChart {
        observations: &state.observations,
        corridor: state.row().and_then(|r| r.pocket),
        quotes: &state.quotes,
    };
    frame.render_widget(chart, inner);
}

fn render_summary(frame: &mut Frame, area: Rect, state: &GuidanceState) {
    let block = boxed("Corridor · floor / target / stretch".into());
    let Some(r) = state.row() else {
        frame.render_widget(Paragraph::new("").block(block), area);
        return;
    };
    let three = |c: Option<crate::realization::guidance::Corridor>, money: bool| match c {
        Some(c) if money => format!(
            "{} / {} / {}",
            fmt_money(c.floor),
            fmt_money(c.target),
            fmt_money(c.stretch)
        ),
        Some(c) => format!(
            "{} / {} / {}",
            fmt_pct(Some(c.floor)),
            fmt_pct(Some(c.target)),
            fmt_pct(Some(c.stretch))
        ),
        None => "–".to_string(),
    };
    let at_list = |c: Option<crate::realization::guidance::Corridor>| {
        c.zip(r.list_price).map(|(c, l)| c.prices(l))
    };
    let source = match r.source {
        Source::Own => format!("{} customers", r.customers),
        Source::BorrowedProduct => format!("borrowed: product ({} customers)", r.pool_customers),
        Source::BorrowedSegment => format!("borrowed: segment ({} customers)", r.pool_customers),
        Source::None => "too few customers: no corridor".to_string(),
    };
    let line = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<15}"), theme::LABEL),
            Span::styled(value, theme::VALUE),
        ])
    };
    let w = r.worth;
    let lines = vec![
        line("Source", source),
        line("Pocket", three(r.pocket, false)),
        line("Pocket price", three(at_list(r.pocket), true)),
        line("Invoice", three(r.invoice(), false)),
        line("Invoice price", three(at_list(r.invoice()), true)),
        line("Off-invoice", fmt_pct(r.off_invoice_pct)),
        line(
            "To floor ≤",
            format!("{} ({} below)", fmt_money(w.to_floor), w.below_floor),
        ),
        line(
            "To target ≤",
            format!("{} ({} below)", fmt_money(w.to_target), w.below_target),
        ),
    ];
    // Wrapped at spaces, never cut: a long borrowed-from line goes on to the next row.
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: false })
            .block(block),
        area,
    );
}

/// Columns of the corridor panel: a 15-column label, `69.3% / 71.7% / 78.6%` or
/// `2,674,930.64 (999 below)`, and its borders.
const SUMMARY_WIDTH: u16 = 15 + 26 + 2;

const COLUMNS: [Column; 8] = [
    text("Cell", 0, 0),
    number("Cust.", 5, 4),
    number("Floor", 7, 1),
    number("Target", 7, 1),
    number("Stretch", 7, 2),
    number("→ floor", 12, 3),
    number("→ target", 12, 5),
    text("Status", 9, 6),
];

fn render_table(frame: &mut Frame, area: Rect, rows: &[GuidanceRow], state: &GuidanceState) {
    let selected = state.selected;
    let total: f64 = rows.iter().map(|r| r.worth.to_floor).sum();
    let title = format!(
        "Deal guidance{} · {} cells · to floor ≤ {} (constant volume) · Enter: below floor, d: close",
        super::currency_note(state.currency.as_deref()),
        rows.len(),
        fmt_money(total)
    );
    let pct1 = |v: Option<f64>| v.map_or("–".to_string(), |v| fmt_num(v, 1));
    let cells: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let c = r.pocket;
            vec![
                cell_name(r),
                r.customers.to_string(),
                pct1(c.map(|c| c.floor)),
                pct1(c.map(|c| c.target)),
                pct1(c.map(|c| c.stretch)),
                fmt_money(r.worth.to_floor),
                fmt_money(r.worth.to_target),
                r.source.status().to_string(),
            ]
        })
        .collect();
    let table = fitted_table(&COLUMNS, cells, area.width.saturating_sub(2)).block(boxed(title));
    list::render_table(frame, area, table, selected);
}

const BELOW: [Column; 4] = [
    text("Customer", 0, 0),
    number("Pocket%", 8, 1),
    number("Volume", 10, 3),
    number("To floor", 12, 2),
];

fn render_below_floor(frame: &mut Frame, area: Rect, state: &GuidanceState) {
    let name = state.row().map_or_else(String::new, cell_name);
    let title = format!(
        "{name} · {} customers below the floor · Esc: back",
        state.below_floor.len()
    );
    let cells: Vec<Vec<String>> = state
        .below_floor
        .iter()
        .map(|b| {
            vec![
                b.customer_id.clone(),
                fmt_pct(Some(b.pocket_pct)),
                fmt_num(b.volume, 0),
                fmt_money(b.to_floor),
            ]
        })
        .collect();
    let table = fitted_table(&BELOW, cells, area.width.saturating_sub(2)).block(boxed(title));
    list::render_table(frame, area, table, state.selected_customer);
}
