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
