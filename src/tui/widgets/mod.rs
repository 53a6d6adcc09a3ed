//! Widgets shared by the views.

pub mod band;
pub mod corridor;
pub mod curve;
pub mod help;
pub mod list;
pub mod prompt;
pub mod share_bar;
pub mod sorted;
pub mod strip;
pub mod waterfall;
