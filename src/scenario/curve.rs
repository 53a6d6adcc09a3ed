//! The margin curve behind one recommendation: the pocket margin of the decision (a product's
//! list price over its segments, or a segment × product's net-price target) across prices
//! around it, with today's price, the optimum without guardrails, the guardrail bounds and the
//! recommended price — what the Recommendations view draws when a row is opened.

use super::decision::{Decision, members, product_groups};
use super::pricing::{Level, Recommendations, free_optimum, kept, limits, value_rows};
use super::{Baseline, CellPlan, Scenario};
use crate::model::recommend::{Binding, Bound, Bounds};
use serde::Serialize;

/// Which price the curve runs over.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum CurveAxis {
    /// A product's list price (level product).
    ListPrice,
    /// A segment × product's pocket price (level segment-product: the net-price target).
    PocketPrice,
}

impl CurveAxis {
    pub fn as_str(self) -> &'static str {
        match self {
            CurveAxis::ListPrice => "list price",
            CurveAxis::PocketPrice => "pocket price",
        }
    }
}

/// One recommendation's pocket margin over price, every price on the curve's axis.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MarginCurve {
    pub axis: CurveAxis,
    /// (price, projected pocket margin over the baseline period of the members with demand
    /// evidence), in price order.
    pub points: Vec<(f64, f64)>,
    /// Today's list price (a product's: quantity-weighted), or the pocket price it gives under
    /// the scenario's discount policy.
    pub today: f64,
    /// The margin-maximising price without guardrails, within the observed price range
    /// (`None` without one).
    pub optimum: Option<f64>,
    /// The guardrails' bounds and what sets each.
    pub bounds: Bounds,
    pub recommended: f64,
    /// What decided the recommended price.
    pub binding: Binding,
}

/// Points of a curve.
const POINTS: usize = 121;

/// The margin curve of row `row` of `recs` (a product at level product, a segment × product at
/// level segment-product, in the rows' order); `Err` with the row's reason when it keeps
/// today's price for want of evidence (no curve to draw), or when there is no such row.
pub fn margin_curve(
    s: &Scenario,
    baseline: &Baseline,
    plans: &[CellPlan],
    recs: &Recommendations,
    row: usize,
) -> Result<MarginCurve, String> {
    let values = value_rows(s, baseline, plans);
    let members = members(baseline, plans, &values);
    let limits = limits(s);
    let (decision, recommended, binding, reason) = match recs.level {
        Level::Product => {
            let p = recs.products.get(row).ok_or("no such row")?;
            let groups = product_groups(&members);
            let idx = groups.get(p.product_id.as_str()).ok_or("no such product")?;
            let d = Decision::of_product(&members, idx);
            (d, p.recommended_list_price, p.binding, &p.reason)
        }
        Level::SegmentProduct => {
            let c = recs.cells.get(row).ok_or("no such row")?;
            let m = members.get(row).ok_or("no such row")?;
            (
                Decision::of_cell(m),
                c.expected_pocket_price,
                c.binding,
                &c.reason,
            )
        }
    };
    if kept(&decision).is_some() {
        return Err(reason.clone());
    }
    let bounds = decision.bounds(&limits);
    let optimum = free_optimum(&decision);
    let curve = match recs.level {
        Level::Product => list_curve(&decision, recommended, bounds, optimum),
        Level::SegmentProduct => pocket_curve(&decision, recommended, bounds, optimum),
    };
    Ok(MarginCurve { binding, ..curve })
}

/// The list prices the curve spans: every marked price with 10% either side, above zero.
fn span(marks: &[f64]) -> (f64, f64) {
    let finite = marks.iter().copied().filter(|x| x.is_finite() && *x > 0.0);
    let lo = finite.clone().fold(f64::INFINITY, f64::min);
    let hi = finite.fold(f64::NEG_INFINITY, f64::max);
    (lo * 0.9, hi * 1.1)
}

/// The decision's margin at list prices across `(lo, hi)`, each price shown as `show(x)`.
fn points(d: &Decision, (lo, hi): (f64, f64), show: &dyn Fn(f64) -> f64) -> Vec<(f64, f64)> {
    if !(lo.is_finite() && hi > lo) {
        return Vec::new();
    }
    (0..POINTS)
        .map(|k| lo + (hi - lo) * k as f64 / (POINTS - 1) as f64)
        .map(|x| (show(x), d.margin(x)))
        .filter(|(x, y)| x.is_finite() && y.is_finite())
        .collect()
}

fn list_curve(d: &Decision, recommended: f64, bounds: Bounds, optimum: Option<f64>) -> MarginCurve {
    let marks = [
        d.anchor,
        recommended,
        bounds.lo.value,
        bounds.hi.value,
        optimum.unwrap_or(f64::NAN),
    ];
    MarginCurve {
        axis: CurveAxis::ListPrice,
        points: points(d, span(&marks), &|x| x),
        today: d.anchor,
        optimum,
        bounds,
        recommended,
        binding: Binding::None,
    }
}

/// A segment × product's curve over its pocket price: each list price x gives the pocket
/// price of its list ratio x / anchor under the scenario's discount policy.
fn pocket_curve(
    d: &Decision,
    recommended: f64,
    bounds: Bounds,
    optimum: Option<f64>,
) -> MarginCurve {
    let m = &d.members[0];
    let pocket = |x: f64| m.plan.money.pocket(x / d.anchor);
    // The recommended pocket price back on the list axis, to span the curve over it.
    let at_list = m
        .plan
        .money
        .ratio_for_pocket(recommended)
        .map_or(f64::NAN, |r| r * d.anchor);
    let marks = [
        d.anchor,
        at_list,
        bounds.lo.value,
        bounds.hi.value,
        optimum.unwrap_or(f64::NAN),
    ];
    let bound = |b: Bound| Bound {
        value: pocket(b.value),
        by: b.by,
    };
    MarginCurve {
        axis: CurveAxis::PocketPrice,
        points: points(d, span(&marks), &pocket),
        today: pocket(d.anchor),
        optimum: optimum.map(pocket),
        bounds: Bounds {
            lo: bound(bounds.lo),
            hi: bound(bounds.hi),
        },
        recommended,
        binding: Binding::None,
    }
}
