//! The views, one file each. Each holds its state (what it loaded, what is selected), its
//! `update` for the actions meant for it, and `render`, which reads that state only.

pub mod bridge;
pub mod data;
pub mod elasticity;
pub mod elasticity_time;
pub mod evidence;
pub mod guidance;
pub mod increase;
pub mod overview;
pub mod psm;
pub mod realization;
pub mod recommendations;
pub mod scenario_tables;
pub mod scenarios;
pub mod value;
pub mod wtp;

use ratatui::widgets::{Block, Borders};

/// ` (EUR)`: the reporting currency a view's amounts are in, after the name in its title;
/// empty when the workspace has none (the title as it always was).
pub fn currency_note(currency: Option<&str>) -> String {
    currency.map_or(String::new(), |c| format!(" ({c})"))
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
