//! The views, one file each. Each holds its state (what it loaded, what is selected), its
//! `update` for the actions meant for it, and `render`, which reads that state only.

pub mod data;
pub mod elasticity;
pub mod overview;
pub mod psm;
pub mod realization;
pub mod recommendations;
pub mod scenarios;
pub mod value;
pub mod wtp;

use ratatui::widgets::{Block, Borders};

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
