//! Widgets shared by the views.

pub mod help;
pub mod share_bar;
