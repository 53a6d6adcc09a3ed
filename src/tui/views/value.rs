//! View 7, Value: the loaded scenario's value map — per segment × product the economic value
//! (reference + differentiation) beside today's pocket price, the WTP median and the unit cost,
//! with the value-capture ratio; the selected cell drawn as bars on one scale.

use super::scenarios::{ScenarioState, Session};
use crate::report::{fmt_money, fmt_pct};
use crate::scenario::ValueRow;
use crate::tui::theme;
use crate::tui::widgets::list;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

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
    let [table, map] = Layout::vertical([Constraint::Min(3), Constraint::Length(8)]).areas(area);
    render_table(frame, table, s, state.selected);
    if let Some(row) = s.values.get(state.selected) {
        render_map(frame, map, row);
    }
}

fn opt_money(v: Option<f64>) -> String {
    v.map_or("–".to_string(), fmt_money)
}

fn render_table(frame: &mut Frame, area: Rect, s: &Session, selected: usize) {
    let header = Row::new([
        "segment",
        "product",
        "reference",
        "differ.",
        "econ. value",
        "pocket",
        "WTP",
        "cost",
        "capture",
    ])
    .style(theme::HEADER);
    let rows = s.values.iter().map(|r| {
        let v = r.value.as_ref();
        Row::new(vec![
            r.segment_id.clone(),
            r.product_id.clone(),
            opt_money(v.map(|v| v.reference_value)),
            opt_money(v.map(|v| v.differentiation_value)),
            opt_money(v.map(|v| v.economic_value)),
            fmt_money(r.pocket_price),
            opt_money(r.wtp_median),
            fmt_money(r.unit_cost),
            fmt_pct(r.capture_ratio.map(|c| c * 100.0)),
        ])
    });
    let widths = [8, 7, 10, 9, 11, 10, 10, 10, 8].map(Constraint::Length);
    let title = format!(" value map · {} ", s.prepared.scenario.name);
    let table = Table::new(rows, widths)
        .header(header)
        .block(Block::new().borders(Borders::TOP).title(title));
    list::render_table(frame, area, table, selected);
}

/// The value map of one cell: cost floor, pocket price, WTP, reference and economic value as
/// bars from zero on one scale.
fn render_map(frame: &mut Frame, area: Rect, r: &ValueRow) {
    let v = r.value.as_ref();
    let marks: Vec<(&str, Option<f64>, Style)> = vec![
        ("cost floor", Some(r.unit_cost), theme::LEAK),
        ("pocket price", Some(r.pocket_price), theme::BAR),
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
