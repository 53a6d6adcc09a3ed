//! View 7, Value: the loaded scenario's value map — per segment × product the economic value
//! (reference + differentiation) beside what the customer pays today (the customer net price:
//! invoice less the off-invoice money returned to them, as `pricebench value` computes it),
//! with the value-capture ratio of that price, our pocket price, the WTP median and the unit
//! cost; the selected cell drawn as bars on one scale.

use super::scenarios::{ScenarioState, Session};
use crate::report::{fmt_money, fmt_pct};
use crate::scenario::ValueRow;
use crate::tui::theme;
use crate::tui::widgets::list::{self, Column, number, text};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};

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
    let [table, map] = Layout::vertical([Constraint::Min(3), Constraint::Length(9)]).areas(area);
    render_table(frame, table, s, state.selected);
    if let Some(row) = s.values.get(state.selected) {
        render_map(frame, map, row);
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

fn render_table(frame: &mut Frame, area: Rect, s: &Session, selected: usize) {
    let (shown, at) = list::window(s.values.len(), selected, area.height);
    let rows = s.values[shown]
        .iter()
        .map(|r| {
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
    let title = format!(" value map · {} ", s.prepared.scenario.name);
    let table = list::fitted_table(&COLUMNS, rows, area.width)
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
    let top = marks.iter().filter_map(|m| m.1).fold(0.0_f64, f64::max);
    let bar_width = area.width.saturating_sub(30) as f64;
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
    let title = format!(
        " {} × {}{} ",
        r.segment_id,
        r.product_id,
        r.alternative
            .as_ref()
            .map_or(String::new(), |a| format!(" vs {a}"))
    );
    frame.render_widget(
        Paragraph::new(lines).block(Block::bordered().title(title)),
        area,
    );
}
