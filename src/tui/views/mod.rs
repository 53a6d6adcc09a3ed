//! The views (one file each) and the frame around them: title, view tabs, status line, key hints
//! and the help overlay. Rendering reads `&App` only.

pub mod data;
pub mod elasticity;
pub mod overview;
pub mod psm;
pub mod realization;
pub mod recommendations;
pub mod scenarios;
pub mod value;
pub mod wtp;

use super::app::App;
use super::widgets::help::HelpOverlay;
use super::{keymap, theme};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Tabs};

/// The views, in PRODUCT.md's order. A new view is a new file plus a variant here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum View {
    Overview,
    Data,
    Elasticity,
    Wtp,
    Psm,
    Realization,
    Value,
    Scenarios,
    Recommendations,
}

impl View {
    /// Every view that exists, in tab order.
    pub const ALL: &'static [View] = &[
        View::Overview,
        View::Data,
        View::Elasticity,
        View::Wtp,
        View::Psm,
        View::Realization,
        View::Value,
        View::Scenarios,
        View::Recommendations,
    ];

    pub fn title(self) -> &'static str {
        match self {
            View::Overview => "Overview",
            View::Data => "Data",
            View::Elasticity => "Elasticity",
            View::Wtp => "Willingness-to-pay",
            View::Psm => "Price sensitivity",
            View::Realization => "Realization",
            View::Value => "Value",
            View::Scenarios => "Scenarios",
            View::Recommendations => "Recommendations",
        }
    }

    /// The short name on the tab bar (the full title is in the help).
    pub fn tab_title(self) -> &'static str {
        match self {
            View::Wtp => "WTP",
            View::Psm => "Sensitivity",
            v => v.title(),
        }
    }

    /// The digit that shows this view (fixed by the product, so views added later keep theirs).
    pub fn digit(self) -> u8 {
        match self {
            View::Overview => 1,
            View::Data => 2,
            View::Elasticity => 3,
            View::Wtp => 4,
            View::Psm => 5,
            View::Realization => 6,
            View::Value => 7,
            View::Scenarios => 8,
            View::Recommendations => 9,
        }
    }

    pub fn from_digit(digit: u8) -> Option<View> {
        View::ALL.iter().copied().find(|v| v.digit() == digit)
    }

    fn index(self) -> usize {
        View::ALL.iter().position(|v| *v == self).unwrap_or(0)
    }

    /// The next view, wrapping around.
    pub fn next(self) -> View {
        View::ALL[(self.index() + 1) % View::ALL.len()]
    }

    /// The previous view, wrapping around.
    pub fn prev(self) -> View {
        View::ALL[(self.index() + View::ALL.len() - 1) % View::ALL.len()]
    }
}

/// A bordered block with a title.
pub fn boxed(title: String) -> Block<'static> {
    Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
}

/// A number with `decimals` places and thousands separators, or "–" when absent.
pub fn opt(v: Option<f64>, decimals: usize) -> String {
    v.map_or_else(|| "–".to_string(), |v| crate::report::fmt_num(v, decimals))
}

/// Where a list selection goes for a movement key: arrows one row, pages ten, Home and End to
/// the ends; `None` when the action moves no selection.
pub fn moved_selection(
    selected: usize,
    len: usize,
    action: &super::action::Action,
) -> Option<usize> {
    use super::action::Action;
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -10,
        Action::PageDown => 10,
        Action::Home => -(len as isize),
        Action::End => len as isize,
        _ => return None,
    };
    let last = len.saturating_sub(1) as isize;
    Some((selected as isize + delta).clamp(0, last) as usize)
}

/// Rows the frame takes around a view's body: title, tabs, status, footer.
pub const CHROME_ROWS: u16 = 4;

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
    }
    render_status(frame, status, app);
    render_footer(frame, footer, app);
    if app.show_help {
        frame.render_widget(HelpOverlay, frame.area());
    }
    replace_unsafe_symbols(frame.buffer_mut());
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
        super::app::Status::Busy(t) => (t, theme::BUSY),
        super::app::Status::Error(t) => (t, theme::ERROR),
        super::app::Status::Info(t) => (t, theme::INFO),
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
