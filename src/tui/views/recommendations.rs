//! View 9, Recommendations: the recommended list price of every segment × product under the
//! loaded scenario, the constraint that binds and why, and `e` to export the table as CSV.

use super::scenarios::{ScenarioState, Session};
use crate::report::{fmt_money, fmt_num, fmt_pct};
use crate::tui::theme;
use crate::tui::widgets::list;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

/// Draws view 9. The recommendations are computed before drawing (`App::update` makes them
/// current whenever this view is shown).
pub fn render(frame: &mut Frame, area: Rect, state: &ScenarioState) {
    let Some(s) = &state.session else {
        let text = "No scenario loaded: pick one in view 8 (Scenarios) and press Enter.";
        frame.render_widget(
            Paragraph::new(text).block(Block::bordered().title(" Recommendations ")),
            area,
        );
        return;
    };
    let [table, why] = Layout::vertical([Constraint::Min(3), Constraint::Length(1)]).areas(area);
    render_table(frame, table, s, state.selected);
    let text = s
        .cached_recommendations()
        .and_then(|r| r.cells.get(state.selected))
        .map_or(String::new(), |r| {
            format!(" {} × {}: {}", r.segment_id, r.product_id, r.reason)
        });
    frame.render_widget(Paragraph::new(text).style(theme::LABEL), why);
    super::scenarios::render_prompt(frame, area, state);
}

fn render_table(frame: &mut Frame, area: Rect, s: &Session, selected: usize) {
    let header = Row::new([
        "segment",
        "prod.",
        "list",
        "new list",
        "new pocket",
        "change",
        "Δ vol",
        "Δ margin",
        "binding",
        "conf",
    ])
    .style(theme::HEADER);
    let recs = s.cached_recommendations().map_or(&[][..], |r| &r.cells[..]);
    // The elasticity is in the reason line below; the current pocket price in views 7 and 8.
    let rows = recs.iter().map(|r| {
        Row::new(vec![
            r.segment_id.clone(),
            r.product_id.clone(),
            fmt_money(r.current_list_price),
            fmt_money(r.list_price),
            fmt_money(r.expected_pocket_price),
            fmt_pct(Some(r.change_pct)),
            fmt_pct(r.evidence.volume_change_pct),
            r.evidence
                .pocket_margin_change
                .map_or("–".to_string(), |m| fmt_num(m, 0)),
            r.binding.as_str().to_string(),
            r.evidence.confidence.as_str().to_string(),
        ])
    });
    let widths = [7, 5, 9, 9, 10, 6, 6, 9, 19, 6].map(Constraint::Length);
    let title = format!(" recommended prices · {} ", s.prepared.scenario.name);
    let table = Table::new(rows, widths)
        .header(header)
        .block(Block::new().borders(Borders::TOP).title(title));
    list::render_table(frame, area, table, selected);
}
