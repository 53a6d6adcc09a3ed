//! The one place that reads the workspace and computes with `model`, `realization` and
//! `scenario`, persisting a result only when asked. Commands and the TUI's worker call it; the
//! store below it only reads and writes data.

pub mod bridge;
pub mod competitors;
pub mod demand;
pub mod evidence;
pub mod guidance;
pub mod realization;
pub mod scenario;
pub mod value_map;
