//! The value map of a scenario against the workspace: our products and the competitors' at
//! price (x) against perceived benefit in money (y), per segment × product family, with the
//! value-equivalence line and each offer's distance from it. The computation is
//! [`crate::scenario::value_map`] (pure; its module doc defines benefit, the line and the gap).
//!
//! ```no_run
//! # fn f(ws: &pricebench::store::Workspace) -> anyhow::Result<()> {
//! let map = pricebench::analysis::value_map::value_map(ws, "scenarios/value-based.toml".as_ref())?;
//! for g in &map.groups {
//!     for p in &g.points {
//!         // x = p.price, y = p.benefit; the line is y = g.line.slope · x + g.line.intercept;
//!         // p.gap = price − benefit (> 0 over-priced), p.position, p.offer, p.is_reference.
//!         println!("{} {:?} {} {} {}", g.segment_id, g.family, p.label, p.price, p.benefit);
//!     }
//! }
//! # Ok(()) }
//! ```

pub use crate::scenario::value_map::{
    EquivalenceLine, Offer, Position, ValueMap, ValueMapGroup, ValuePoint,
};
use crate::store::Workspace;
use std::path::Path;

/// Reads and checks the scenario at `path` against the workspace and computes its value map
/// (with a prepared scenario already in hand: [`crate::scenario::Prepared::value_map`]).
pub fn value_map(ws: &Workspace, path: &Path) -> anyhow::Result<ValueMap> {
    Ok(super::scenario::prepare(ws, path)?.value_map())
}
