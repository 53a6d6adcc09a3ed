//! The whole screen: title, view tabs, the shown view's body, status line, key hints and the
//! help overlay. Drawing reads `&App` only.

use super::app::App;
use super::ctx::Status;
use super::view::View;
use super::views::{
    data, elasticity, evidence, overview, psm, realization, recommendations, scenarios, value, wtp,
};
use super::widgets::help::HelpOverlay;
use super::{keymap, theme};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Tabs};

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App) {
    let [title, tabs, body, status, footer] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(1),
        Constraint::Min(0),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(frame.area());
    render_title(frame, title, app);
    render_tabs(frame, tabs, app);
    render_view(frame, body, app);
    render_status(frame, status, app);
    render_footer(frame, footer, app);
    if app.show_help {
        frame.render_widget(HelpOverlay, frame.area());
    }
    replace_unsafe_symbols(frame.buffer_mut());
}

fn render_view(frame: &mut Frame, body: Rect, app: &App) {
    match app.view {
        View::Overview => overview::render(frame, body, &app.overview),
        View::Data => data::render(frame, body, &app.data),
        View::Elasticity => elasticity::render(frame, body, &app.elasticity),
        View::Wtp => wtp::render(frame, body, &app.wtp),
        View::Psm => psm::render(frame, body, &app.psm),
        View::Realization => realization::render(frame, body, &app.realization),
        View::Value => value::render(frame, body, &app.scenarios),
        View::Scenarios => scenarios::render(frame, body, &app.scenarios),
        View::Recommendations => recommendations::render(frame, body, &app.scenarios),
        View::Evidence => evidence::render(frame, body, &app.evidence),
    }
}

/// Ratatui drops control characters, but a bidi override from an id can still end up alone in a
/// cell, and the terminal would then reverse the rest of the line: such a cell shows U+FFFD.
fn replace_unsafe_symbols(buf: &mut ratatui::buffer::Buffer) {
    for cell in &mut buf.content {
        if cell
            .symbol()
            .chars()
            .any(crate::report::is_unsafe_on_terminal)
        {
            cell.set_symbol("\u{fffd}");
        }
    }
}

fn render_title(frame: &mut Frame, area: Rect, app: &App) {
    let text = format!(" pricebench · {}", app.origin_label);
    frame.render_widget(Paragraph::new(text).style(theme::TITLE), area);
}

fn render_tabs(frame: &mut Frame, area: Rect, app: &App) {
    let titles = tab_titles(app.view, usize::from(area.width));
    let tabs = Tabs::new(titles)
        .select(app.view.index())
        .style(theme::TAB)
        .highlight_style(theme::TAB_SELECTED);
    frame.render_widget(tabs, area);
}

/// "digit title" for every view when they fit; otherwise the view on screen keeps its title and
/// the others get theirs from the left while room remains, the rest only their digit.
fn tab_titles(current: View, width: usize) -> Vec<String> {
    let full = |v: &View| format!("{} {}", v.digit(), v.tab_title());
    // Each tab takes its title, a space either side and a divider.
    let cost = |t: &str| t.chars().count() + 3;
    let mut titles: Vec<String> = View::ALL
        .iter()
        .map(|v| match *v == current {
            true => full(v),
            false => v.digit().to_string(),
        })
        .collect();
    let mut used: usize = titles.iter().map(|t| cost(t)).sum();
    for (i, v) in View::ALL.iter().enumerate() {
        let extra = cost(&full(v)) - cost(&titles[i]);
        if used + extra <= width {
            used += extra;
            titles[i] = full(v);
        }
    }
    titles
}

fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    let (text, style) = match app.status() {
        Status::Busy(t) => (t, theme::BUSY),
        Status::Error(t) => (t, theme::ERROR),
        Status::Info(t) => (t, theme::INFO),
    };
    frame.render_widget(Paragraph::new(format!(" {text}")).style(style), area);
}

fn render_footer(frame: &mut Frame, area: Rect, app: &App) {
    let mut spans = vec![Span::raw(" ")];
    for (keys, hint) in keymap::footer(app.key_context()) {
        spans.push(Span::styled(keys, theme::KEY));
        spans.push(Span::styled(format!(" {hint}  "), theme::HINT));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}
