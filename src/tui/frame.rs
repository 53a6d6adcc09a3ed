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

/// The smallest terminal the views are laid out for.
pub const MIN_SIZE: (u16, u16) = (80, 24);

/// Draws the whole screen.
pub fn render(frame: &mut Frame, app: &App) {
    let area = frame.area();
    if area.width < MIN_SIZE.0 || area.height < MIN_SIZE.1 {
        render_too_small(frame, app);
        replace_unsafe_symbols(frame.buffer_mut());
        return;
    }
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
        let help = HelpOverlay {
            view: app.view,
            scroll: app.help_scroll,
        };
        frame.render_widget(help, frame.area());
    }
    if app.asking_quit {
        render_quit_question(frame, body, app);
    }
    replace_unsafe_symbols(frame.buffer_mut());
}

/// Below 80×24 the views would cut numbers: the title, and what to do, instead.
fn render_too_small(frame: &mut Frame, app: &App) {
    let area = frame.area();
    let [title, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    render_title(frame, title, app);
    let (w, h) = MIN_SIZE;
    let text = vec![
        Line::styled(format!("terminal too small (need {w}x{h})"), theme::ERROR),
        Line::raw(format!(
            "this one is {}x{}; enlarge it, or q quits",
            area.width, area.height
        )),
    ];
    let y = body.y + body.height.saturating_sub(2) / 2;
    let centre = Rect::new(body.x, y, body.width, body.height.min(2));
    let para = Paragraph::new(text)
        .alignment(ratatui::layout::Alignment::Center)
        .wrap(ratatui::widgets::Wrap { trim: true });
    frame.render_widget(para, centre);
}

/// The question `q` asks when the scenario has unsaved edits.
fn render_quit_question(frame: &mut Frame, body: Rect, app: &App) {
    let name = app
        .scenarios
        .session
        .as_ref()
        .map_or(String::new(), |s| s.path.display().to_string());
    let lines = vec![
        Line::raw(format!("The scenario {name} has unsaved edits.")),
        Line::raw(""),
        Line::from(vec![
            Span::styled("s", theme::KEY),
            Span::raw(" save and quit   "),
            Span::styled("d", theme::KEY),
            Span::raw(" discard and quit   "),
            Span::styled("Esc", theme::KEY),
            Span::raw(" cancel"),
        ]),
    ];
    let width = body.width.min(64);
    let popup = Rect::new(
        body.x + (body.width - width) / 2,
        body.y + body.height.saturating_sub(5) / 2,
        width,
        body.height.min(5),
    );
    frame.render_widget(ratatui::widgets::Clear, popup);
    let block = ratatui::widgets::Block::bordered().title(" quit? ");
    frame.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: true }),
        popup,
    );
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
    let mut tail = String::new();
    if app.elasticity.stored.as_ref().is_some_and(|s| s.stale) {
        tail.push_str(" · STALE fits: R refits");
    }
    let period = app.period();
    tail.push_str(&match (period.is_all(), app.view.follows_period()) {
        (true, _) => " · all dates".to_string(),
        (false, true) => format!(" · period {}", period.label()),
        (false, false) => format!(" · period {} (not this view: all dates)", period.label()),
    });
    // The workspace's name gives way (cut with …) so that the period always shows.
    let head = " pricebench · ";
    let room = usize::from(area.width)
        .saturating_sub(head.chars().count() + tail.chars().count())
        .max(1);
    let origin = match app.origin_label.chars().count() > room {
        true => {
            let cut: String = app.origin_label.chars().take(room - 1).collect();
            format!("{cut}…")
        }
        false => app.origin_label.clone(),
    };
    let text = format!("{head}{origin}{tail}");
    frame.render_widget(Paragraph::new(text).style(theme::TITLE), area);
}

fn render_tabs(frame: &mut Frame, area: Rect, app: &App) {
    let (titles, tight) = tab_titles(app.view, usize::from(area.width));
    let mut tabs = Tabs::new(titles)
        .select(app.view.index())
        .style(theme::TAB)
        .highlight_style(theme::TAB_SELECTED);
    if tight {
        tabs = tabs.padding("", "").divider("│");
    }
    frame.render_widget(tabs, area);
}

/// A label for every view: "digit title" when all fit; otherwise short names ("3 Elast"), with
/// the view on screen, then the others from the left, given their full title while room
/// remains; true when the tabs must be drawn without padding to fit.
pub fn tab_titles(current: View, width: usize) -> (Vec<String>, bool) {
    let full = |v: &View| format!("{} {}", v.digit(), v.tab_title());
    let short = |v: &View| format!("{} {}", v.digit(), v.short_title());
    // Padded: a space either side and a divider; tight: only the divider.
    let padded: usize = View::ALL.iter().map(|v| full(v).chars().count() + 3).sum();
    if padded <= width {
        return (View::ALL.iter().map(full).collect(), false);
    }
    let cost = |t: &str| t.chars().count() + 1;
    let mut titles: Vec<String> = View::ALL.iter().map(short).collect();
    let mut used: usize = titles.iter().map(|t| cost(t)).sum();
    let order = std::iter::once(current.index()).chain(0..View::ALL.len());
    for i in order {
        let extra = cost(&full(&View::ALL[i])).saturating_sub(cost(&titles[i]));
        if used + extra <= width {
            used += extra;
            titles[i] = full(&View::ALL[i]);
        }
    }
    (titles, true)
}

/// The view whose tab is at column `x` of the tab row, at terminal width `width`.
pub fn tab_at(current: View, width: u16, x: u16) -> Option<View> {
    let (titles, tight) = tab_titles(current, usize::from(width));
    let pad = if tight { 0 } else { 1 };
    let mut left = 0usize;
    for (i, t) in titles.iter().enumerate() {
        let right = left + pad + t.chars().count() + pad;
        if usize::from(x) < right {
            return View::ALL.get(i).copied();
        }
        left = right + 1;
    }
    None
}

fn render_status(frame: &mut Frame, area: Rect, app: &App) {
    if let Some(text) = app.period_prompt.as_deref() {
        let mut spans = vec![Span::raw(" ")];
        spans.extend(super::widgets::prompt::spans("period", text));
        // A period it could not read is said here, where the text is being fixed.
        spans.push(match &app.message {
            Some(Status::Error(e)) => Span::styled(format!("  {e}"), theme::ERROR),
            _ => Span::styled(
                "  2024-02-03..2025-01-15 · 2024-Q3 · 2024-05 · 2024 · empty: all · Enter set · Esc cancel",
                theme::HINT,
            ),
        });
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    // A table's filter prompt is typed on the status line (the views keep their layout).
    if let Some(text) = app.table().and_then(|t| t.prompt.as_deref()) {
        let mut spans = vec![Span::raw(" ")];
        spans.extend(super::widgets::prompt::spans("filter", text));
        spans.push(Span::styled("  Enter apply · Esc cancel", theme::HINT));
        frame.render_widget(Paragraph::new(Line::from(spans)), area);
        return;
    }
    let (text, style) = match app.status() {
        Status::Busy(t) => (t, theme::BUSY),
        Status::Error(t) => (t, theme::ERROR),
        Status::Info(t) => (t, theme::INFO),
    };
    frame.render_widget(Paragraph::new(format!(" {text}")).style(style), area);
}

fn render_footer(frame: &mut Frame, area: Rect, app: &App) {
    let mut spans = vec![Span::raw(" ")];
    for (keys, hint) in footer_hints(app, usize::from(area.width)) {
        spans.push(Span::styled(keys, theme::KEY));
        spans.push(Span::styled(format!(" {hint}  "), theme::HINT));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), area);
}

/// The footer's hints that fit in `width`, in the keymap's order, always keeping `? help` (the
/// way to every other key) when the help is not open.
fn footer_hints(app: &App, width: usize) -> Vec<(&'static str, &'static str)> {
    let all = keymap::footer(app.key_context());
    let cost = |(k, h): &(&str, &str)| k.chars().count() + h.chars().count() + 3;
    let help = all.iter().copied().find(|(k, _)| *k == "?");
    let mut used = 1 + help.as_ref().map_or(0, cost);
    let mut shown: Vec<_> = Vec::new();
    for hint in all.iter().copied().filter(|(k, _)| *k != "?") {
        if used + cost(&hint) <= width {
            used += cost(&hint);
            shown.push(hint);
        }
    }
    shown.extend(help);
    shown
}
