//! View 7, Value: the loaded scenario's value map — per segment × product the economic value
//! (reference + differentiation) beside what the customer pays today (the customer net price:
//! invoice less the off-invoice money returned to them, as `pricebench value` computes it),
//! with the value-capture ratio of that price, our pocket price, the WTP median and the unit
//! cost; the selected cell drawn as bars on one scale, or (`m`) the value map of its segment ×
//! family: our products and the competitors' at price against perceived benefit with the
//! value-equivalence line and each offer's gap from it (see `scenario::value_map`).

use super::scenarios::{ScenarioState, Session};
use crate::report::{fmt_money, fmt_pct};
use crate::scenario::ValueRow;
use crate::scenario::value_map::{Offer, ValueMapGroup, value_map};
use crate::tui::action::Action;
use crate::tui::theme;
use crate::tui::widgets::curve::{CurveChart, Mark, Scale, Series};
use crate::tui::widgets::list::{self, Column, number, text};
use crate::tui::widgets::sorted::{Outcome, SortKey, SortedTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

/// View 7's keys: its table's (move, sort, filter). The selected cell is the one view 8
/// edits, so it follows the table's selection.
pub fn update(state: &mut ScenarioState, action: &Action) {
    if *action == Action::ToggleValueMap {
        state.value_map = !state.value_map;
        return;
    }
    if state.value_table.update(action, COLUMNS.len()) == Outcome::Reorder {
        refresh(state);
    }
    if let Some(i) = state.value_table.current() {
        state.selected = i;
    }
}

/// Sorts and filters the value map (its rows change with every edit in view 8), selects the
/// cell view 8 has selected when the table shows it, and on the first showing after a load
/// opens on a cell with value drivers when the selected one has none.
pub fn refresh(state: &mut ScenarioState) {
    let Some(s) = &state.session else {
        return;
    };
    let values = &s.values;
    state.value_table.apply(
        values,
        |r| format!("{} {}", r.segment_id, r.product_id),
        |r, column| {
            let v = r.value.as_ref();
            match column {
                0 => SortKey::Text(r.segment_id.clone()),
                1 => SortKey::Text(r.product_id.clone()),
                2 => SortKey::Num(v.map(|v| v.reference_value)),
                3 => SortKey::Num(v.map(|v| v.differentiation_value)),
                4 => SortKey::Num(v.map(|v| v.economic_value)),
                5 => SortKey::Num(Some(r.customer_net_price)),
                6 => SortKey::Num(r.capture_ratio),
                7 => SortKey::Num(Some(r.pocket_price)),
                8 => SortKey::Num(r.wtp_median),
                _ => SortKey::Num(Some(r.unit_cost)),
            }
        },
    );
    if !state.value_opened {
        state.value_opened = true;
        let bare = values.get(state.selected).is_none_or(|r| r.value.is_none());
        let first = state
            .value_table
            .order()
            .iter()
            .copied()
            .find(|&i| values[i].value.is_some());
        if let (true, Some(i)) = (bare, first) {
            state.selected = i;
        }
    }
    if state.value_table.current() != Some(state.selected)
        && !state.value_table.select_row(state.selected)
        && let Some(i) = state.value_table.current()
    {
        // The filter hides view 8's cell: the table's own selection stands.
        state.selected = i;
    }
}

/// The table and the panel below it (the cell's value ladder, or the taller value map), drawn
/// in `area`.
fn split(area: Rect, map: bool) -> [Rect; 2] {
    let panel = match map {
        true => (area.height * 3 / 5).max(9),
        false => 9,
    };
    Layout::vertical([Constraint::Min(3), Constraint::Length(panel)]).areas(area)
}

/// Where the table is drawn when the view is drawn in `area` (for mouse clicks).
pub fn table_area(area: Rect, state: &ScenarioState) -> Option<Rect> {
    state
        .session
        .as_ref()
        .map(|_| split(area, state.value_map)[0])
}

/// Draws view 7.
pub fn render(frame: &mut Frame, area: Rect, state: &ScenarioState) {
    let Some(s) = &state.session else {
        let text = "No scenario loaded: pick one in view 8 (Scenarios) and press Enter.";
        frame.render_widget(
            Paragraph::new(text).block(Block::bordered().title(" Value ")),
            area,
        );
        return;
    };
    let [table, map] = split(area, state.value_map);
    render_table(frame, table, s, &state.value_table);
    let Some(row) = state.value_table.current().and_then(|i| s.values.get(i)) else {
        return;
    };
    match state.value_map {
        true => render_value_map(frame, map, s, row),
        false => render_map(frame, map, row),
    }
}

fn opt_money(v: Option<f64>) -> String {
    v.map_or("–".to_string(), fmt_money)
}

/// The value map's columns: economic value beside what the customer pays (invoice less the
/// off-invoice money returned to them), our pocket price, WTP and cost.
const COLUMNS: [Column; 10] = [
    text("segment", 8, 0),
    text("product", 7, 0),
    number("reference", 9, 4),
    number("differ.", 9, 5),
    number("econ. value", 11, 0),
    number("cust. net", 10, 0),
    number("capture", 8, 1),
    number("pocket", 10, 2),
    number("WTP", 10, 3),
    number("cost", 10, 3),
];

fn render_table(frame: &mut Frame, area: Rect, s: &Session, sorted: &SortedTable) {
    let order = sorted.order();
    let (shown, at) = list::window(order.len(), sorted.selected(), area.height);
    let rows = order[shown]
        .iter()
        .map(|&i| {
            let r = &s.values[i];
            let v = r.value.as_ref();
            vec![
                r.segment_id.clone(),
                r.product_id.clone(),
                opt_money(v.map(|v| v.reference_value)),
                opt_money(v.map(|v| v.differentiation_value)),
                opt_money(v.map(|v| v.economic_value)),
                fmt_money(r.customer_net_price),
                fmt_pct(r.capture_ratio.map(|c| c * 100.0)),
                fmt_money(r.pocket_price),
                opt_money(r.wtp_median),
                fmt_money(r.unit_cost),
            ]
        })
        .collect();
    let (n, all) = (order.len(), s.values.len());
    let (name, cur) = (
        &s.prepared.scenario.name,
        super::currency_note(s.prepared.currency()),
    );
    let title = match n == all {
        true => format!(" value map{cur} · {name} "),
        false => format!(" value map{cur} · {name} · {n} of {all} cells "),
    };
    let table = list::fitted_sorted_table(&COLUMNS, rows, area.width, Some(sorted))
        .block(Block::new().borders(Borders::TOP).title(title));
    list::render_table(frame, area, table, at);
}

/// The value map of one cell: cost floor, pocket price, WTP, reference and economic value as
/// bars from zero on one scale.
fn render_map(frame: &mut Frame, area: Rect, r: &ValueRow) {
    let v = r.value.as_ref();
    let marks: Vec<(&str, Option<f64>, Style)> = vec![
        ("cost floor", Some(r.unit_cost), theme::LEAK),
        ("pocket price", Some(r.pocket_price), theme::BAR),
        ("customer net", Some(r.customer_net_price), theme::VALUE),
        ("WTP median", r.wtp_median, theme::KEY),
        ("reference", v.map(|v| v.reference_value), theme::LABEL),
        ("economic value", v.map(|v| v.economic_value), theme::HEADER),
    ];
    let title = format!(
        " {} × {}{} ",
        r.segment_id,
        r.product_id,
        r.alternative
            .as_ref()
            .map_or(String::new(), |a| format!(" vs {a}"))
    );
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    let area = match v {
        Some(v) => {
            let [bars, drivers] =
                Layout::horizontal([Constraint::Min(0), Constraint::Length(DRIVERS_WIDTH)])
                    .areas(inner);
            render_drivers(frame, drivers, v);
            bars
        }
        None => inner,
    };
    let top = marks.iter().filter_map(|m| m.1).fold(0.0_f64, f64::max);
    let bar_width = area.width.saturating_sub(28) as f64;
    let lines: Vec<Line> = marks
        .iter()
        .map(|(label, value, style)| {
            let (bar, text) = match value {
                Some(x) if top > 0.0 => {
                    let n = (x.max(0.0) / top * bar_width).round() as usize;
                    ("█".repeat(n), fmt_money(*x))
                }
                _ => (String::new(), "–".to_string()),
            };
            Line::from(vec![
                Span::styled(format!(" {label:<15}"), theme::LABEL),
                Span::styled(bar, *style),
                Span::raw(format!(" {text}")),
            ])
        })
        .collect();
    frame.render_widget(Paragraph::new(lines), area);
}

/// Columns of the value breakdown beside the bars.
const DRIVERS_WIDTH: u16 = 36;

/// How the economic value is built: the reference value, each differentiator (positive ones
/// add, negative ones subtract) with its amount per unit, and the sum.
fn render_drivers(frame: &mut Frame, area: Rect, v: &crate::model::value::EconomicValue) {
    let line = |label: String, amount: f64, style: Style| {
        Row::new([
            Line::styled(label, style),
            Line::raw(fmt_money(amount)).right_aligned(),
        ])
    };
    let mut rows = vec![line("reference".into(), v.reference_value, theme::LABEL)];
    // Rows for the drivers; when they do not all fit, the last shown says how many more.
    let room = usize::from(area.height.saturating_sub(3));
    let n = v.drivers.len();
    for (k, d) in v.drivers.iter().enumerate() {
        if n > room && k + 1 == room {
            let rest: f64 = v.drivers[k..].iter().map(|d| d.amount).sum();
            rows.push(line(format!("  {} more drivers", n - k), rest, theme::HINT));
            break;
        }
        let sign = if d.amount < 0.0 { "−" } else { "+" };
        let style = if d.amount < 0.0 {
            theme::LEAK
        } else {
            theme::VALUE
        };
        rows.push(line(format!("{sign} {}", d.name), d.amount, style));
    }
    rows.push(line(
        "= differentiation".into(),
        v.differentiation_value,
        theme::LABEL,
    ));
    rows.push(line(
        "= economic value".into(),
        v.economic_value,
        theme::HEADER,
    ));
    let widths = [Constraint::Fill(1), Constraint::Length(10)];
    let table = Table::new(rows, widths).block(Block::new().borders(Borders::LEFT));
    frame.render_widget(table, area);
}

/// Columns of the point list beside the value map.
const POINTS_WIDTH: u16 = 52;

/// The value map of the selected cell's segment × family: every offer at price (x) against
/// perceived benefit (y), the value-equivalence line benefit = price, and beside it each
/// point's gap from the line (price − benefit: + over-priced, − under-priced).
fn render_value_map(frame: &mut Frame, area: Rect, s: &Session, row: &ValueRow) {
    let map = value_map(&s.values, &s.prepared.baseline.competitors);
    let group = map
        .groups
        .iter()
        .find(|g| g.segment_id == row.segment_id && g.family == row.family);
    let family = row.family.as_deref().unwrap_or("no family");
    let cur = super::currency_note(s.prepared.currency());
    let title = format!("value map{cur} · {} × {family}", row.segment_id);
    let Some(group) = group else {
        let text = format!(
            " {} × {} has no value drivers: no value map (m: the value ladder)",
            row.segment_id, row.product_id
        );
        let block = Block::bordered().title(format!(" {title} "));
        frame.render_widget(Paragraph::new(text).block(block), area);
        return;
    };
    let [chart, list] =
        Layout::horizontal([Constraint::Min(20), Constraint::Length(POINTS_WIDTH)]).areas(area);
    let top = group
        .points
        .iter()
        .flat_map(|p| [p.price, p.benefit])
        .filter(|v| v.is_finite())
        .fold(0.0_f64, f64::max)
        * 1.1;
    let top = if top > 0.0 { top } else { 1.0 };
    let of = |offer: Offer| -> Vec<(f64, f64)> {
        group
            .points
            .iter()
            .filter(|p| p.offer == offer)
            .map(|p| (p.price, p.benefit))
            .collect()
    };
    let series = vec![
        Series::new(
            "benefit = price",
            vec![(0.0, 0.0), (top, top)],
            theme::GUIDE,
            Mark::Line,
        ),
        Series::new(
            "competitors",
            of(Offer::Competitor),
            theme::LEAK,
            Mark::Blocks,
        ),
        Series::new(
            "alternatives",
            of(Offer::Alternative),
            theme::LABEL,
            Mark::Blocks,
        ),
        Series::new("ours", of(Offer::Ours), theme::BAR, Mark::Blocks),
    ];
    let chart_widget = CurveChart {
        title,
        series,
        x: Scale::new("price", [0.0, top], 0),
        y: Scale::new("benefit", [0.0, top], 0),
    };
    frame.render_widget(chart_widget, chart);
    render_points(frame, list, group, &row.product_id);
}

/// Each point of the map: label, price, benefit and gap %, ours first; the selected
/// product's rows marked.
fn render_points(frame: &mut Frame, area: Rect, group: &ValueMapGroup, product: &str) {
    let header = Row::new(["offer", "price", "benefit", "gap"]).style(theme::HEADER);
    let rows = group.points.iter().map(|p| {
        let style = match p.offer {
            Offer::Ours => theme::BAR,
            Offer::Competitor => theme::LEAK,
            Offer::Alternative => theme::LABEL,
        };
        let mark = if p.product_id == product { "▸" } else { " " };
        let reference = if p.is_reference { "*" } else { "" };
        Row::new([
            Line::styled(format!("{mark}{}{reference}", p.label), style),
            Line::raw(fmt_money(p.price)).right_aligned(),
            Line::raw(fmt_money(p.benefit)).right_aligned(),
            Line::raw(fmt_pct(p.gap_pct)).right_aligned(),
        ])
    });
    let widths = [
        Constraint::Fill(1),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Length(7),
    ];
    let block = Block::bordered().title(" gap = price − benefit · * reference ");
    frame.render_widget(Table::new(rows, widths).header(header).block(block), area);
}
