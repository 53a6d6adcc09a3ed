//! The one place that reads the store and computes with `model`, `realization` and `scenario`
//! (persisting a result only when asked); the commands and the TUI worker both call it.

pub mod realization;
