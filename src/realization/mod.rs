//! Price realization: where the list price goes before it reaches the pocket — the pocket price
//! waterfall, the pocket price band across customers, and the leakage by element and customer.
//!
//! Pure functions over plain data: the types in [`sums`], which the store reads and this module
//! owns; no SQLite, no terminal.
//! Every ratio is `Option<f64>`: `None` when it cannot be computed (no net volume, no list
//! revenue), never NaN or inf.

pub mod band;
pub mod bridge;
pub mod guidance;
pub mod increase;
pub mod leakage;
pub mod price_changes;
pub mod sums;
pub mod waterfall;

/// Net volume below this counts as none (returns that cancel their sales exactly).
pub const MIN_VOLUME: f64 = 1e-9;

/// `part / whole × 100`, or `None` when `whole` is zero or the result is not finite.
pub fn pct(part: f64, whole: f64) -> Option<f64> {
    let v = part / whole * 100.0;
    (whole != 0.0 && v.is_finite()).then_some(v)
}

/// `total / quantity` (a quantity-weighted per-unit amount), or `None` without positive net volume.
pub fn per_unit(total: f64, quantity: f64) -> Option<f64> {
    let v = total / quantity;
    (quantity > MIN_VOLUME && v.is_finite()).then_some(v)
}
