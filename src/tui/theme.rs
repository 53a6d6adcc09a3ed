//! Colours and styles, in one place.

use ratatui::style::{Color, Modifier, Style};

pub const TITLE: Style = Style::new().fg(Color::Black).bg(Color::Cyan);
pub const TAB: Style = Style::new().fg(Color::Gray);
pub const TAB_SELECTED: Style = Style::new().fg(Color::Yellow).add_modifier(Modifier::BOLD);
pub const HEADER: Style = Style::new().fg(Color::Cyan).add_modifier(Modifier::BOLD);
pub const SELECTED_ROW: Style = Style::new()
    .bg(Color::DarkGray)
    .add_modifier(Modifier::BOLD);
pub const LABEL: Style = Style::new().fg(Color::Gray);
pub const VALUE: Style = Style::new().fg(Color::White);
pub const BAR: Style = Style::new().fg(Color::Green);
pub const ERROR: Style = Style::new().fg(Color::Red).add_modifier(Modifier::BOLD);
pub const BUSY: Style = Style::new().fg(Color::Yellow);
pub const INFO: Style = Style::new().fg(Color::Gray);
pub const KEY: Style = Style::new().fg(Color::Yellow);
pub const HINT: Style = Style::new().fg(Color::DarkGray);
pub const PROMPT: Style = Style::new().fg(Color::Yellow);
/// What leaks out of the price: the waterfall's element bars.
pub const LEAK: Style = Style::new().fg(Color::Red);
/// Guides on a chart: the bounds of an interval, a marked price.
pub const GUIDE: Style = Style::new().fg(Color::DarkGray);
/// The WTP models' win curves, in the order the models are listed.
pub const MODEL_CURVES: [Style; 3] = [
    Style::new().fg(Color::Green),
    Style::new().fg(Color::Cyan),
    Style::new().fg(Color::Magenta),
];
/// The median WTP marked on a chart.
pub const MEDIAN: Style = Style::new().fg(Color::Yellow);
/// The price that maximises expected margin, marked on a chart.
pub const BEST_PRICE: Style = Style::new().fg(Color::Red);
/// The Evidence view's methods, by where their evidence comes from: today's prices, sales,
/// quotes, the survey, the scenario's value drivers.
pub const EVIDENCE: [Style; 5] = [
    Style::new().fg(Color::Gray),
    Style::new().fg(Color::Green),
    Style::new().fg(Color::Yellow),
    Style::new().fg(Color::Cyan),
    Style::new().fg(Color::Magenta),
];
/// Today's price, marked on a chart.
pub const TODAY: Style = Style::new().fg(Color::Cyan);
/// Van Westendorp's curves: too cheap, not cheap, not expensive, too expensive.
pub const PSM_CURVES: [Style; 4] = [
    Style::new().fg(Color::Blue),
    Style::new().fg(Color::Cyan),
    Style::new().fg(Color::Magenta),
    Style::new().fg(Color::Red),
];
