//! View 0, Evidence: every method side by side for one segment × product — today's list,
//! invoice and pocket price, the elasticity optimum of the cell and panel models, the WTP median
//! and max-margin price, the Van Westendorp range and points, and the economic value of the
//! loaded scenario — each with its interval, drawn as a strip on one price axis (the invoice
//! price), with a note for each pair of methods whose intervals do not overlap.
//!
//! The worker computes every cell at once (`pricebench evidence`); the view asks again when the
//! scenario loaded in view 8 changes, since its value drivers give the economic value.

use super::{boxed, opt};
use crate::model::evidence::{CellEvidence, Method, MethodPrice, Source};
use crate::report::fmt_num;
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::list;
use crate::tui::widgets::sorted::{Outcome, SortKey, SortedTable};
use crate::tui::widgets::strip::{self, Strip};
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Row, Table};
use std::path::{Path, PathBuf};

/// Columns of the methods table before the strip: method, value, interval.
const LABEL_W: u16 = 16;
const VALUE_W: u16 = 8;
const INTERVAL_W: u16 = 17;

/// The Evidence view's state.
#[derive(Debug, Default)]
pub struct EvidenceState {
    /// The workspace's reporting currency (the Overview reads it), named in the title.
    pub currency: Option<String>,
    pub cells: Option<Vec<CellEvidence>>,
    /// The scenario whose value drivers gave the cells' economic values.
    pub scenario: Option<PathBuf>,
    /// The request out, with the scenario it asked with.
    pub loading: Pending<Option<PathBuf>>,
    /// The scenario of the last answer, success or not: not asked for again by itself.
    answered_for: Option<Option<PathBuf>>,
    /// Show only the cells where methods disagree.
    pub only_disagreements: bool,
    /// The cells `f` lets through (indices into `cells`): the rows the table sorts and filters.
    candidates: Vec<usize>,
    /// The list's sort (`s`: segment, product, disagreements), text filter (`/`) and selection.
    pub table: SortedTable,
    /// Indices into `cells`, in list order.
    pub visible: Vec<usize>,
}

impl EvidenceState {
    /// Asks the worker for every cell's evidence, with `scenario`'s economic values.
    pub fn load(&mut self, scenario: Option<PathBuf>, ctx: &mut Ctx) {
        let request = Request::Evidence {
            scenario: scenario.clone(),
        };
        self.loading.ask(ctx, request, scenario);
    }

    /// Computes on first show, and again when the loaded scenario is another than the one the
    /// cells were computed with.
    pub fn ensure_loaded(&mut self, scenario: Option<&Path>, ctx: &mut Ctx) {
        let wanted = scenario.map(Path::to_path_buf);
        let asking = self.loading.what().is_some_and(|w| *w == wanted);
        let answered = self.answered_for.as_ref().is_some_and(|a| *a == wanted);
        if !asking && !answered {
            self.load(wanted, ctx);
        }
    }

    /// What the status line says while the methods are computed.
    pub fn busy_text(&self) -> Option<String> {
        let text = "weighing every method for every cell…";
        self.loading.what().map(|_| text.to_string())
    }

    /// Takes the worker's answer to this view's request.
    pub fn loaded(&mut self, seq: u64, answer: Answer, ctx: &mut Ctx) {
        let Answer::Evidence(result) = answer else {
            return;
        };
        let Some(scenario) = self.loading.answered(seq) else {
            return;
        };
        self.answered_for = Some(scenario.clone());
        match result {
            Ok(cells) => {
                self.cells = Some(cells);
                self.scenario = scenario;
            }
            Err(e) => ctx.error(format!("evidence: {e}")),
        }
        self.refresh();
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx) {
        match self.table.update(&action, LIST_COLUMNS.len()) {
            Outcome::Reorder => self.refresh(),
            Outcome::Moved => {}
            Outcome::Ignored => match action {
                Action::Refit => self.load(self.scenario.clone(), ctx),
                Action::CycleFlagFilter => {
                    self.only_disagreements = !self.only_disagreements;
                    self.table.rewind();
                    self.refresh();
                }
                _ => {}
            },
        }
    }

    /// Re-filters (by `f`, then by the table's text) and re-sorts the list, keeping the
    /// selection on its cell while it is shown.
    fn refresh(&mut self) {
        let only = self.only_disagreements;
        let Some(cells) = &self.cells else {
            self.candidates.clear();
            self.visible.clear();
            return;
        };
        self.candidates = (0..cells.len())
            .filter(|&i| !only || !cells[i].disagreements.is_empty())
            .collect();
        self.table.apply(
            &self.candidates,
            |&i| format!("{} {}", cells[i].segment_id, cells[i].product_id),
            |&i, column| match column {
                0 => SortKey::Text(cells[i].segment_id.clone()),
                1 => SortKey::Text(cells[i].product_id.clone()),
                _ => SortKey::Num(Some(cells[i].disagreements.len() as f64)),
            },
        );
        self.visible = self
            .table
            .order()
            .iter()
            .map(|&at| self.candidates[at])
            .collect();
    }

    pub fn selected_cell(&self) -> Option<&CellEvidence> {
        self.cells
            .as_ref()?
            .get(*self.visible.get(self.table.selected())?)
    }
}

/// The list's columns: what `s` sorts by.
const LIST_COLUMNS: [&str; 3] = ["Segment", "Product", "!"];

/// The list and the detail beside it, in `area`.
fn split(area: Rect) -> [Rect; 2] {
    let list_w = match area.width >= 60 {
        true => Constraint::Length(24),
        false => Constraint::Percentage(35),
    };
    Layout::horizontal([list_w, Constraint::Min(0)]).areas(area)
}

/// Where the list is drawn when the view is drawn in `area` (for mouse clicks).
pub fn table_area(area: Rect) -> Rect {
    split(area)[0]
}

/// Draws the Evidence view into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &EvidenceState) {
    let Some(cells) = &state.cells else {
        let text = match state.loading.is_loading() {
            true => "weighing the methods…",
            false => "no evidence yet",
        };
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    let [list, detail] = split(area);
    render_list(frame, list, state, cells);
    let Some(cell) = state.selected_cell() else {
        let text = match state.only_disagreements {
            true => "no cell where methods disagree",
            false => "no cell with sales, quotes or survey answers",
        };
        frame.render_widget(Paragraph::new(text).block(boxed("Evidence".into())), detail);
        return;
    };
    let rows = cell.methods.len() as u16 + 4;
    let [methods, notes] =
        Layout::vertical([Constraint::Length(rows), Constraint::Min(0)]).areas(detail);
    render_methods(frame, methods, state, cell);
    render_notes(frame, notes, cell);
}

fn render_list(frame: &mut Frame, area: Rect, state: &EvidenceState, cells: &[CellEvidence]) {
    // Only the rows that can be drawn are formatted.
    let (shown, at) = list::window(state.visible.len(), state.table.selected(), area.height);
    let rows = state.visible[shown].iter().map(|&i| {
        let c = &cells[i];
        let n = c.disagreements.len();
        let flag = match n {
            0 => Line::raw(""),
            n => Line::styled(format!("!{n}"), theme::LEAK).right_aligned(),
        };
        Row::new(vec![
            Line::raw(c.segment_id.clone()),
            Line::raw(c.product_id.clone()),
            flag,
        ])
    });
    let widths = [
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(3),
    ];
    let headers = LIST_COLUMNS
        .iter()
        .enumerate()
        .map(|(i, h)| state.table.header(i, h));
    let header = Row::new(headers).style(theme::HEADER);
    let cur = super::currency_note(state.currency.as_deref());
    let title = match (state.only_disagreements, state.table.is_filtered()) {
        (true, _) => format!("Disagree{cur} · {}", state.visible.len()),
        (false, true) => format!("Cells{cur} · {} of {}", state.visible.len(), cells.len()),
        (false, false) => format!("Cells{cur} · {}", cells.len()),
    };
    let table = Table::new(rows, widths).header(header).block(boxed(title));
    list::render_table(frame, area, table, at);
}

/// The colour a method's bar is drawn in: by where its evidence comes from.
fn style_of(method: Method) -> Style {
    let i = match method.source() {
        Source::Today => 0,
        Source::Transactions => 1,
        Source::Quotes => 2,
        Source::Survey => 3,
        Source::Scenario => 4,
    };
    theme::EVIDENCE[i]
}

/// `lo–hi`, or what the method says instead of a number (nothing for today's prices, which
/// are charged, not estimated).
fn interval_text(m: &MethodPrice) -> Span<'static> {
    match (m.interval, m.answers()) {
        (Some((lo, hi)), _) => Span::raw(format!("{}–{}", fmt_num(lo, 2), fmt_num(hi, 2))),
        (None, true) if m.method.source() == Source::Today => Span::raw(""),
        (None, true) => Span::styled("no interval", theme::GUIDE),
        (None, false) => Span::styled(m.status, theme::LEAK),
    }
}

fn render_methods(frame: &mut Frame, area: Rect, state: &EvidenceState, cell: &CellEvidence) {
    let inner = area.width.saturating_sub(2);
    let strip_w = inner.saturating_sub(LABEL_W + VALUE_W + INTERVAL_W + 3);
    let strip = cell.axis.map(|axis| Strip {
        axis,
        width: usize::from(strip_w),
    });
    let today = |m: Method| cell.get(m).and_then(|p| p.value);
    let marks: Vec<(f64, char)> = [
        (Method::ListPrice, 'L'),
        (Method::InvoicePrice, 'I'),
        (Method::PocketPrice, 'P'),
    ]
    .into_iter()
    .filter_map(|(m, letter)| Some((today(m)?, letter)))
    .collect();
    let guides: Vec<f64> = marks.iter().map(|(x, _)| *x).collect();
    let mut rows: Vec<Row> = cell
        .methods
        .iter()
        .map(|m| {
            let drawn = match (&strip, m.answers()) {
                (Some(s), true) => {
                    strip::spans(&s.line(m.interval, m.value, &guides), style_of(m.method))
                }
                // The TUI's scenario is the one loaded in view 8, not a flag.
                _ if m.status == "no_scenario" => Line::styled(
                    "load a scenario in view 8 for its value drivers",
                    theme::GUIDE,
                ),
                _ => Line::styled(m.note.clone(), theme::GUIDE),
            };
            Row::new(vec![
                Line::styled(m.method.label(), style_of(m.method)),
                Line::raw(opt(m.value, 2)).right_aligned(),
                Line::from(interval_text(m)),
                drawn,
            ])
        })
        .collect();
    if let Some(s) = &strip {
        rows.push(Row::new(vec![
            Line::raw(""),
            Line::raw(""),
            Line::styled("today L I P", theme::GUIDE).right_aligned(),
            Line::styled(s.axis_line(&marks), theme::GUIDE),
        ]));
    }
    let header = Row::new(vec![
        Line::raw("method"),
        Line::raw("value").right_aligned(),
        Line::raw("interval"),
        axis_header(cell.axis, strip_w),
    ])
    .style(theme::HEADER);
    let widths = [
        Constraint::Length(LABEL_W),
        Constraint::Length(VALUE_W),
        Constraint::Length(INTERVAL_W),
        Constraint::Length(strip_w),
    ];
    let mut title = format!(
        "{} × {} · invoice price per unit",
        cell.segment_id, cell.product_id
    );
    if let Some(path) = &state.scenario {
        let name = path.file_name().unwrap_or(path.as_os_str());
        title.push_str(&format!(" · value from {}", name.to_string_lossy()));
    }
    let table = Table::new(rows, widths).header(header).block(boxed(title));
    frame.render_widget(table, area);
}

/// The axis' lowest price at the left of the strip column and its highest at the right.
fn axis_header(axis: Option<(f64, f64)>, width: u16) -> Line<'static> {
    let Some((lo, hi)) = axis else {
        return Line::raw("");
    };
    let (lo, hi) = (fmt_num(lo, 2), fmt_num(hi, 2));
    let gap = usize::from(width).saturating_sub(lo.chars().count() + hi.chars().count());
    match gap {
        0 => Line::raw(""),
        g => Line::raw(format!("{lo}{}{hi}", " ".repeat(g))),
    }
}

fn render_notes(frame: &mut Frame, area: Rect, cell: &CellEvidence) {
    let n = cell.disagreements.len();
    let lines: Vec<Line> = match n {
        0 => vec![Line::styled(
            "no disagreement: every pair of methods with an interval overlaps",
            theme::VALUE,
        )],
        _ => cell
            .disagreements
            .iter()
            .map(|d| Line::styled(format!("! {}", d.note()), theme::LEAK))
            .collect(),
    };
    let title = format!("Disagreements · {n}");
    frame.render_widget(Paragraph::new(lines).block(boxed(title)), area);
}
