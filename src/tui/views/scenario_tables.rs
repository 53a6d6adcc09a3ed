//! View 8's right panel: the loaded file, its baseline and the comparison's (with a warning
//! when they differ), the cell table with volume, pocket revenue and pocket margin before and
//! after, and the totals. Numbers are compact (`699.8k`, `1.20M`) so that a column never cuts
//! them; on a narrow terminal columns give way by rank, and ids are never cut.

use super::scenarios::{Session, money0};
use crate::report::{fmt_money, fmt_pct};
use crate::scenario::evaluate::change;
use crate::scenario::{Evaluation, Outcome, Prepared};
use crate::tui::theme;
use crate::tui::widgets::list::{self, Column, fitted_table, number, text};
use crate::tui::widgets::sorted::{SortKey, SortedTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph};
use std::path::PathBuf;

/// The comparison: its file, what it evaluates, and its evaluation.
pub type Comparison = (PathBuf, Prepared, Evaluation);

/// The cell table's columns: what `O` sorts by, in this order.
pub const CELL_COLUMNS: usize = 13;

/// Orders and filters the evaluated cells (after a load and after every edit, which moves
/// the numbers sorted by).
pub fn apply(table: &mut SortedTable, s: &Session) {
    table.apply(
        &s.evaluation.cells,
        |c| format!("{} {}", c.segment_id, c.product_id),
        |c, column| {
            let (b, a) = (&c.outcome.before, &c.outcome.after);
            let num = |v: f64| SortKey::Num(Some(v));
            match column {
                0 => SortKey::Text(c.segment_id.clone()),
                1 => SortKey::Text(c.product_id.clone()),
                2 => num(c.list_before),
                3 => num(c.list_after),
                4 => num(b.quantity),
                5 => num(a.quantity),
                6 => SortKey::Num(change(b.quantity, a.quantity).1),
                7 => num(b.revenue),
                8 => num(a.revenue),
                9 => num(b.margin),
                10 => num(a.margin),
                11 => num(a.margin - b.margin),
                _ => SortKey::Text(c.confidence.as_str().to_string()),
            }
        },
    );
}

/// `parts` joined by " · " into lines of at most `width` characters, a part never split
/// across lines (one longer than `width` gets a line of its own, which the paragraph wraps).
fn pack(parts: &[String], width: usize) -> Vec<String> {
    let mut lines: Vec<String> = Vec::new();
    for part in parts {
        match lines.last_mut() {
            Some(line) if line.chars().count() + 3 + part.chars().count() <= width => {
                line.push_str(" · ");
                line.push_str(part);
            }
            _ => lines.push(part.clone()),
        }
    }
    lines
}

/// The panel's head (file, baseline, comparison), its cell table and its totals, in `area`.
fn split(area: Rect, s: &Session, b: Option<&Comparison>) -> ([Rect; 3], Vec<Line<'static>>) {
    let inner = Block::bordered().inner(area);
    // Packed whole parts to the panel's width: a narrow terminal moves the baseline to the
    // next line instead of cutting its dates.
    let width = usize::from(inner.width.max(1));
    let a = [
        format!("A: {}", s.path.display()),
        format!(
            "baseline {} – {}",
            s.prepared.baseline.from, s.prepared.baseline.to
        ),
        format!(
            "demand {} ({})",
            s.prepared.scenario.demand.source.as_str(),
            s.prepared.scenario.demand.model.as_str()
        ),
    ];
    let mut head: Vec<Line> = pack(&a, width).into_iter().map(Line::raw).collect();
    if let Some((path, p, _)) = b {
        let parts = [
            format!("B: {}", path.display()),
            format!("baseline {} – {}", p.baseline.from, p.baseline.to),
            p.scenario.name.clone(),
        ];
        head.extend(pack(&parts, width).into_iter().map(Line::raw));
        if let Some(w) = s.prepared.baseline_warning(p) {
            head.push(Line::styled(w, theme::ERROR));
        }
    }
    let n_totals = s.evaluation.segments.len() as u16 + 2;
    // What is still longer than the panel (a long path, the warning) wraps.
    let head_rows: usize = head.iter().map(|l| l.width().max(1).div_ceil(width)).sum();
    let areas = Layout::vertical([
        Constraint::Length(head_rows as u16),
        Constraint::Min(4),
        Constraint::Length(n_totals.min(inner.height / 2)),
    ])
    .areas(inner);
    (areas, head)
}

/// Where the cell table is drawn when the panel is drawn in `area` (for mouse clicks).
pub fn cells_area(area: Rect, s: &Session, b: Option<&Comparison>) -> Rect {
    split(area, s, b).0[1]
}

/// Draws the boxed right panel of view 8 for a loaded scenario.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    s: &Session,
    table: &SortedTable,
    b: Option<&Comparison>,
) {
    let dirty = if s.dirty { " (edited)" } else { "" };
    let block = Block::bordered().title(format!(
        " {}{dirty}{} ",
        s.prepared.scenario.name,
        super::currency_note(s.prepared.currency())
    ));
    frame.render_widget(block, area);
    let ([top, cells, totals], head) = split(area, s, b);
    let wrap = ratatui::widgets::Wrap { trim: false };
    frame.render_widget(Paragraph::new(head).style(theme::HEADER).wrap(wrap), top);
    render_cells(frame, cells, s, table);
    render_totals(frame, totals, s, b.map(|c| &c.2));
}

/// Width of the longest of `ids` (at least `min`): ids are shown whole.
fn id_width<'a>(ids: impl Iterator<Item = &'a str>, min: u16) -> u16 {
    ids.map(|i| i.chars().count() as u16)
        .max()
        .unwrap_or(0)
        .max(min)
}

fn pct(before: f64, after: f64) -> String {
    fmt_pct(change(before, after).1)
}

fn render_cells(frame: &mut Frame, area: Rect, s: &Session, sorted: &SortedTable) {
    let cells = &s.evaluation.cells;
    let seg = id_width(cells.iter().map(|c| c.segment_id.as_str()), 7);
    let prod = id_width(cells.iter().map(|c| c.product_id.as_str()), 7);
    let columns: [Column; 13] = [
        text("segment", seg, 0),
        text("product", prod, 0),
        number("list", 9, 5),
        number("new list", 9, 0),
        number("vol", 7, 4),
        number("vol→", 7, 2),
        number("Δ vol", 7, 1),
        number("p.rev", 7, 6),
        number("p.rev→", 7, 3),
        number("p.mgn", 7, 4),
        number("p.mgn→", 7, 1),
        number("Δ p.mgn", 7, 0),
        text("conf", 6, 2),
    ];
    let order = sorted.order();
    let (shown, at) = list::window(order.len(), sorted.selected(), area.height);
    let rows = order[shown]
        .iter()
        .map(|&i| {
            let c = &cells[i];
            let (b, a) = (&c.outcome.before, &c.outcome.after);
            vec![
                c.segment_id.clone(),
                c.product_id.clone(),
                fmt_money(c.list_before),
                fmt_money(c.list_after),
                money0(b.quantity),
                money0(a.quantity),
                pct(b.quantity, a.quantity),
                money0(b.revenue),
                money0(a.revenue),
                money0(b.margin),
                money0(a.margin),
                money0(a.margin - b.margin),
                c.confidence.as_str().to_string(),
            ]
        })
        .collect();
    let title = match order.len() == cells.len() {
        true => format!(" cells · {} ", cells.len()),
        false => format!(" cells · {} of {} ", order.len(), cells.len()),
    };
    let table = list::fitted_sorted_table(&columns, rows, area.width, Some(sorted))
        .block(Block::new().borders(Borders::TOP).title(title));
    list::render_table(frame, area, table, at);
}

fn render_totals(frame: &mut Frame, area: Rect, s: &Session, b: Option<&Evaluation>) {
    let segs = &s.evaluation.segments;
    let label = id_width(segs.iter().map(|(x, _)| x.as_str()), 7);
    let mut columns = vec![
        text("totals", label, 0),
        number("vol", 7, 4),
        number("vol→", 7, 2),
        number("Δ vol", 7, 1),
        number("p.rev", 7, 5),
        number("p.rev→", 7, 3),
        number("p.mgn", 7, 4),
        number("p.mgn→", 7, 1),
        number("Δ p.mgn", 8, 0),
    ];
    match b {
        Some(_) => columns.extend([number("B p.mgn→", 8, 0), number("B − A", 8, 0)]),
        None => columns.push(number("95% range", 15, 2)),
    }
    let row = |name: &str, o: &Outcome, other: Option<&Outcome>| {
        let mut r = vec![
            name.to_string(),
            money0(o.before.quantity),
            money0(o.after.quantity),
            pct(o.before.quantity, o.after.quantity),
            money0(o.before.revenue),
            money0(o.after.revenue),
            money0(o.before.margin),
            money0(o.after.margin),
            money0(o.after.margin - o.before.margin),
        ];
        match (b, other) {
            (Some(_), Some(x)) => r.extend([
                money0(x.after.margin),
                money0(x.after.margin - o.after.margin),
            ]),
            (Some(_), None) => r.extend(["–".into(), "–".into()]),
            (None, _) => {
                let p = |m: f64| fmt_pct(change(o.before.margin, m).1);
                r.push(format!("{} … {}", p(o.low.margin), p(o.high.margin)));
            }
        }
        r
    };
    let mut rows: Vec<Vec<String>> = segs
        .iter()
        .map(|(seg, o)| {
            let other = b.and_then(|b| b.segments.iter().find(|(x, _)| x == seg).map(|x| &x.1));
            row(seg, o, other)
        })
        .collect();
    rows.push(row("TOTAL", &s.evaluation.total, b.map(|b| &b.total)));
    let table = fitted_table(&columns, rows, area.width);
    frame.render_widget(table, area);
}
