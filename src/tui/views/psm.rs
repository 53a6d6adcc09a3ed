//! View 5, Price sensitivity (Van Westendorp): per cell the four price points; for the selected
//! cell the cumulative curves (too cheap, not cheap, not expensive, too expensive) with PMC,
//! OPP, IPP and PME marked and the range of acceptable prices.

use super::{boxed, opt};
use crate::model::{PsmCurvePoint, PsmRow};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::curve::{CurveChart, Mark, Scale, Series};
use crate::tui::widgets::list;
use crate::tui::widgets::sorted::{Outcome, SortKey, SortedTable};
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// The Price sensitivity view's state.
#[derive(Debug, Default)]
pub struct PsmState {
    /// The workspace's reporting currency (the Overview reads it), named in the title.
    pub currency: Option<String>,
    pub rows: Option<Vec<PsmRow>>,
    pub loading: Pending<()>,
    /// Sort, filter and selection of the table (`s`, `S`, `/`).
    pub table: SortedTable,
}

impl PsmState {
    pub fn load(&mut self, ctx: &mut Ctx) {
        self.loading.ask(ctx, Request::Psm, ());
    }

    /// Computes on first show.
    pub fn ensure_loaded(&mut self, ctx: &mut Ctx) {
        if self.rows.is_none() && !self.loading.is_loading() {
            self.load(ctx);
        }
    }

    /// What the status line says while the price points are computed.
    pub fn busy_text(&self) -> Option<String> {
        let text = "computing price sensitivity…";
        self.loading.what().map(|_| text.to_string())
    }

    /// Takes the worker's answer to this view's request.
    pub fn loaded(&mut self, seq: u64, answer: Answer, ctx: &mut Ctx) {
        let Answer::Psm(result) = answer else {
            return;
        };
        if self.loading.answered(seq).is_some() {
            match result {
                Ok(rows) => {
                    self.rows = Some(rows);
                    self.reorder();
                }
                Err(e) => ctx.error(format!("psm: {e}")),
            }
        }
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx) {
        match self.table.update(&action, COLUMNS.len()) {
            Outcome::Reorder => self.reorder(),
            Outcome::Moved => {}
            Outcome::Ignored => {
                if action == Action::Refit {
                    self.load(ctx);
                }
            }
        }
    }

    /// Sorts and filters the rows again (new rows, or a new sort or filter).
    fn reorder(&mut self) {
        let rows = self.rows.as_deref().unwrap_or_default();
        self.table.apply(
            rows,
            |r| format!("{} {}", r.segment_id, r.product_id),
            |r, column| {
                let p = &r.result;
                match column {
                    0 => SortKey::Text(r.segment_id.clone()),
                    1 => SortKey::Text(r.product_id.clone()),
                    2 => SortKey::Num(Some(p.n_valid as f64)),
                    3 => SortKey::Num(p.pmc),
                    4 => SortKey::Num(p.opp),
                    5 => SortKey::Num(p.ipp),
                    _ => SortKey::Num(p.pme),
                }
            },
        );
    }

    pub fn selected_row(&self) -> Option<&PsmRow> {
        self.rows.as_ref()?.get(self.table.current()?)
    }
}

/// The table (left) and the chart and info (right) of the view drawn in `area`.
fn split(area: Rect) -> [Rect; 2] {
    Layout::horizontal([Constraint::Percentage(60), Constraint::Percentage(40)]).areas(area)
}

/// Where the table is drawn when the view is drawn in `area` (for mouse clicks).
pub fn table_area(area: Rect) -> Rect {
    split(area)[0]
}

/// Draws the Price sensitivity view into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &PsmState) {
    let Some(rows) = state.rows.as_ref().filter(|r| !r.is_empty()) else {
        let text = match state.loading.is_loading() {
            true => "computing…",
            false => {
                "no survey answers: import survey.csv (respondent_id, segment_id, product_id, too_cheap, cheap, expensive, too_expensive) with pricebench import"
            }
        };
        let wrap = ratatui::widgets::Wrap { trim: true };
        frame.render_widget(Paragraph::new(text).wrap(wrap), area);
        return;
    };
    let [table, side] = split(area);
    let [chart, info] = Layout::vertical([Constraint::Min(5), Constraint::Length(4)]).areas(side);
    render_table(frame, table, state, rows);
    if let Some(row) = state.selected_row() {
        render_chart(frame, chart, row);
        render_info(frame, info, row);
    }
}

/// The table's columns: ids (sized to the longest when drawn), then the price points; the ones
/// that do not fit give way, IPP and PMC first, instead of cutting an id to "SEG- P000".
const COLUMNS: [list::Column; 7] = [
    list::text("Segment", 7, 0),
    list::text("Product", 7, 0),
    list::number("n", 4, 2),
    list::number("PMC", 8, 1),
    list::number("OPP", 8, 0),
    list::number("IPP", 8, 1),
    list::number("PME", 8, 0),
];

fn render_table(frame: &mut Frame, area: Rect, state: &PsmState, rows: &[PsmRow]) {
    let width = |ids: &mut dyn Iterator<Item = &str>, min: u16| {
        ids.map(|i| i.chars().count() as u16)
            .max()
            .unwrap_or(0)
            .max(min)
    };
    let mut columns = COLUMNS;
    columns[0].width = width(&mut rows.iter().map(|r| r.segment_id.as_str()), 7);
    columns[1].width = width(&mut rows.iter().map(|r| r.product_id.as_str()), 7);
    let order = state.table.order();
    let (shown, at) = list::window(order.len(), state.table.selected(), area.height);
    let cells = order[shown]
        .iter()
        .map(|&i| {
            let r = &rows[i];
            let p = &r.result;
            vec![
                r.segment_id.clone(),
                r.product_id.clone(),
                p.n_valid.to_string(),
                opt(p.pmc, 2),
                opt(p.opp, 2),
                opt(p.ipp, 2),
                opt(p.pme, 2),
            ]
        })
        .collect();
    let cur = super::currency_note(state.currency.as_deref());
    let title = match order.len() == rows.len() {
        true => format!("Price sensitivity{cur} · {} cells", rows.len()),
        false => format!(
            "Price sensitivity{cur} · {} of {} cells",
            order.len(),
            rows.len()
        ),
    };
    let width = area.width.saturating_sub(2);
    let table = list::fitted_sorted_table(&columns, cells, width, Some(&state.table));
    list::render_table(frame, area, table.block(boxed(title)), at);
}

fn render_chart(frame: &mut Frame, area: Rect, row: &PsmRow) {
    let title = format!("Van Westendorp · {} × {}", row.segment_id, row.product_id);
    let c = &row.result.curves;
    let (Some(first), Some(last)) = (c.first(), c.last()) else {
        let text = Paragraph::new(row.result.status.as_str()).block(boxed(title));
        frame.render_widget(text, area);
        return;
    };
    let series = |f: fn(&PsmCurvePoint) -> f64| -> Vec<(f64, f64)> {
        c.iter().map(|p| (p.price, f(p))).collect()
    };
    let curves = [
        ("too cheap", series(|p| p.too_cheap)),
        ("not cheap", series(|p| p.not_cheap)),
        ("not expensive", series(|p| p.not_expensive)),
        ("too expensive", series(|p| p.too_expensive)),
    ];
    let p = &row.result;
    let mut lines: Vec<Series> = curves
        .into_iter()
        .zip(theme::PSM_CURVES)
        .map(|((name, points), style)| Series::new(name, points, style, Mark::Line))
        .collect();
    let marks = [p.pmc, p.opp, p.ipp, p.pme];
    lines.extend(marks.map(|x| Series::vertical(None, x, [0.0, 1.0], theme::GUIDE)));
    // Around the acceptable range: the answers' long tails would squash the crossings.
    let lo = p.pmc.map_or(first.price, |v| (v * 0.6).max(first.price));
    let hi = p.pme.map_or(last.price, |v| (v * 1.4).min(last.price));
    let hi = hi.max(lo + 1e-9);
    let chart = CurveChart {
        title,
        series: lines,
        x: Scale::new("price", [lo, hi], 2),
        y: Scale::share("share"),
    };
    frame.render_widget(chart, area);
}

fn render_info(frame: &mut Frame, area: Rect, row: &PsmRow) {
    let p = &row.result;
    let lines = vec![
        Line::raw(format!(
            "PMC {}  OPP {}  IPP {}  PME {}",
            opt(p.pmc, 2),
            opt(p.opp, 2),
            opt(p.ipp, 2),
            opt(p.pme, 2)
        )),
        Line::raw(format!(
            "acceptable {} – {} · {} of {} valid · {}",
            opt(p.range_low, 2),
            opt(p.range_high, 2),
            p.n_valid,
            p.n_respondents,
            p.status.as_str()
        )),
    ];
    frame.render_widget(
        Paragraph::new(lines).block(boxed("Price points".into())),
        area,
    );
}
