//! One pricing decision over a scenario's cells: a segment × product's net-price target, or a
//! product's list price over all its segments (each segment's list moving by the same %). The
//! decision's price x is a list price; each member cell sees the list ratio x / anchor, its
//! pocket price from its money under the scenario (`money`), and its volume from its own
//! demand estimate, Q1 = Q0 · (P1 / P0)^e. Members without demand evidence are not projected:
//! they never steer the price and their volume is never guessed.
//!
//! A change is judged against keeping today's list price under the scenario (its discount
//! policy and cost changes): the reference pocket price is the cell's at list ratio 1, its
//! volume Q0 · (Pref / P0)^e. So the margin change, break-even volume and P(margin gain) are
//! the price change's own, not the scenario's cost or policy changes.

use super::baseline::{Baseline, BaselineCell, Estimate};
use super::evaluate::{CellPlan, project};
use super::pricing::ValueRow;
use crate::model::recommend::{Binding, Bounds, Change, Optimum, optimise, optimise_among};
use serde::Serialize;
use std::collections::BTreeMap;

/// The guardrails as numbers (percentages in %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    pub max_increase_pct: f64,
    pub max_decrease_pct: f64,
    /// Minimum (pocket − cost) / pocket, in %.
    pub min_pocket_margin_pct: Option<f64>,
    /// Flag a customer net price above the economic value.
    pub flag_economic_value: bool,
    /// Bound the customer net price by the economic value.
    pub enforce_economic_value: bool,
    /// Bound the pocket price by the range the baseline observed.
    pub stay_within_observed: bool,
    pub price_ladder: bool,
}

/// One cell of a decision.
#[derive(Debug, Clone, Copy)]
pub struct Member<'a> {
    pub cell: &'a BaselineCell,
    pub plan: &'a CellPlan,
    pub economic_value: Option<f64>,
}

impl Member<'_> {
    pub fn estimate(&self) -> Option<Estimate> {
        self.plan.estimate
    }

    /// Today's pocket price, before the scenario.
    pub fn pocket_today(&self) -> f64 {
        self.cell.pocket_price()
    }

    /// The reference: the pocket price at today's list under the scenario.
    pub fn pocket_before(&self) -> f64 {
        self.plan.money.pocket(1.0)
    }

    /// Projected volume at list ratio `r`; `None` without demand evidence.
    pub fn quantity(&self, r: f64) -> Option<f64> {
        self.quantity_at_pocket(self.plan.money.pocket(r))
    }

    fn quantity_at_pocket(&self, p: f64) -> Option<f64> {
        let e = self.estimate()?.elasticity;
        Some(project(self.cell.quantity, self.pocket_today(), p, Some(e)))
    }

    /// Pocket margin over the period at list ratio `r` (0 without evidence: not projected).
    pub fn margin(&self, r: f64) -> f64 {
        let p = self.plan.money.pocket(r);
        self.quantity_at_pocket(p).map_or(0.0, |q| match p > 0.0 {
            true => q * (p - self.plan.unit_cost),
            false => 0.0,
        })
    }

    /// The reference's pocket margin over the period (today's list under the scenario).
    pub fn margin_before(&self) -> f64 {
        self.margin(1.0)
    }

    /// The reference volume (today's list under the scenario).
    pub fn quantity_before(&self) -> Option<f64> {
        self.quantity(1.0)
    }

    /// The change from the reference to list ratio `r`, with the estimate's distribution.
    pub fn change(&self, r: f64) -> Option<Change> {
        let e = self.estimate()?;
        Some(Change {
            quantity: self.quantity_before()?,
            pocket_before: self.pocket_before(),
            cost_before: self.plan.unit_cost,
            pocket_after: self.plan.money.pocket(r),
            cost_after: self.plan.unit_cost,
            elasticity: e.elasticity,
            std_error: e.std_error,
            df: e.df,
        })
    }

    /// True when the pocket price at `r` lies outside what the baseline observed (to 0.1%).
    pub fn extrapolated(&self, r: f64) -> bool {
        let p = self.plan.money.pocket(r);
        self.cell
            .observed_pocket
            .is_some_and(|(lo, hi)| p < lo * 0.999 || p > hi * 1.001)
    }
}

/// A decision: its member cells and the list price its ratios are taken from.
#[derive(Debug, Clone)]
pub struct Decision<'a> {
    pub members: Vec<Member<'a>>,
    /// Today's list price of the decision (a product's: quantity-weighted over its segments).
    pub anchor: f64,
}

impl<'a> Decision<'a> {
    /// A segment × product's own decision: its net-price target, anchored at its list price.
    pub fn of_cell(m: &Member<'a>) -> Decision<'a> {
        Decision {
            members: vec![*m],
            anchor: m.cell.list_price,
        }
    }

    /// A product's decision: its segment cells `idx` of `members`, anchored at their
    /// quantity-weighted list price.
    pub fn of_product(members: &[Member<'a>], idx: &[usize]) -> Decision<'a> {
        let ms: Vec<Member> = idx.iter().map(|&i| members[i]).collect();
        let q: f64 = ms.iter().map(|m| m.cell.quantity).sum();
        let anchor = ms
            .iter()
            .map(|m| m.cell.quantity * m.cell.list_price)
            .sum::<f64>()
            / q;
        Decision {
            members: ms,
            anchor,
        }
    }

    pub fn ratio(&self, x: f64) -> f64 {
        x / self.anchor
    }

    /// True when some member has demand evidence.
    pub fn has_evidence(&self) -> bool {
        self.members.iter().any(|m| m.estimate().is_some())
    }

    /// Total pocket margin of the members with evidence at list price `x`.
    pub fn margin(&self, x: f64) -> f64 {
        let r = self.ratio(x);
        self.members.iter().map(|m| m.margin(r)).sum()
    }

    /// The list price in `bounds` that maximises the decision's margin, and what binds. A
    /// single cell whose pocket price p is a rising line in its list price has margin
    /// Q0 · (p / P0)^e · (p − c), whose derivative in p has the sign of (1 + e) · p − e · c:
    /// one stationary point, p* = e · c / (1 + e), so the maximum lies at a bound or at p*
    /// and is found exactly from those three. Anything else (several segments, kinked money)
    /// goes through the grid and Brent's method of `model::recommend::optimise`.
    pub fn optimise(&self, bounds: &Bounds) -> Optimum {
        let margin = |x: f64| self.margin(x);
        match self.stationary(bounds) {
            Some(candidates) => optimise_among(&margin, bounds, &candidates),
            None => optimise(&margin, bounds),
        }
    }

    /// The closed form's candidates (the stationary list price, when there is one with a
    /// positive pocket price), or `None` where it does not apply.
    fn stationary(&self, bounds: &Bounds) -> Option<Vec<f64>> {
        let [m] = self.members.as_slice() else {
            return None;
        };
        let e = m.estimate()?.elasticity;
        let (slope, intercept) = m.plan.money.pocket_line()?;
        let pocket = |x: f64| slope * self.ratio(x) + intercept;
        if !(slope > 0.0 && bounds.feasible() && pocket(bounds.lo.value) > 0.0) {
            return None;
        }
        let p = e * m.plan.unit_cost / (1.0 + e);
        let x = (p - intercept) / slope * self.anchor;
        Some(match p > 0.0 && x.is_finite() {
            true => vec![x],
            false => Vec::new(),
        })
    }

    /// Baseline pocket margin of the members with evidence.
    pub fn margin_before(&self) -> f64 {
        self.members
            .iter()
            .filter(|m| m.estimate().is_some())
            .map(Member::margin_before)
            .sum()
    }

    /// The changes of the members with evidence, moving to list price `x`.
    pub fn changes(&self, x: f64) -> Vec<Change> {
        let r = self.ratio(x);
        self.members.iter().filter_map(|m| m.change(r)).collect()
    }

    /// The guardrail bounds on the list price: increase and decrease around the anchor, then
    /// per member the margin floor, an enforced economic value and the observed range.
    pub fn bounds(&self, limits: &Limits) -> Bounds {
        let a = self.anchor;
        let mut b = Bounds::new(
            a * (1.0 - limits.max_decrease_pct / 100.0),
            Binding::MaxDecrease,
            a * (1.0 + limits.max_increase_pct / 100.0),
            Binding::MaxIncrease,
        );
        for m in &self.members {
            member_bounds(&mut b, m, a, limits);
        }
        b
    }

    /// The list prices at which every member with evidence sits inside its observed pocket
    /// range; `None` when a member has none or the ranges do not meet.
    pub fn observed(&self) -> Option<Bounds> {
        let mut b = Bounds::new(
            f64::MIN,
            Binding::ObservedRange,
            f64::MAX,
            Binding::ObservedRange,
        );
        for m in self.members.iter().filter(|m| m.estimate().is_some()) {
            let (lo, hi) = m.cell.observed_pocket?;
            let money = &m.plan.money;
            b.at_least(
                money.ratio_for_pocket(lo).unwrap_or(f64::MAX) * self.anchor,
                Binding::ObservedRange,
            );
            b.at_most(
                money.ratio_for_pocket(hi).unwrap_or(f64::MAX) * self.anchor,
                Binding::ObservedRange,
            );
        }
        (b.feasible() && b.lo.value > f64::MIN && b.hi.value < f64::MAX).then_some(b)
    }
}

/// Every baseline cell as a decision member, with the economic value of its value drivers.
pub fn members<'a>(
    baseline: &'a Baseline,
    plans: &'a [CellPlan],
    values: &[ValueRow],
) -> Vec<Member<'a>> {
    baseline
        .cells
        .iter()
        .zip(plans)
        .zip(values)
        .map(|((cell, plan), v)| Member {
            cell,
            plan,
            economic_value: v.value.as_ref().map(|v| v.economic_value),
        })
        .collect()
}

/// The members of each product, products in id order (the order of the price list's rows).
pub fn product_groups<'m>(members: &'m [Member]) -> BTreeMap<&'m str, Vec<usize>> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, m) in members.iter().enumerate() {
        groups.entry(&m.cell.product_id).or_default().push(i);
    }
    groups
}

fn member_bounds(b: &mut Bounds, m: &Member, anchor: f64, limits: &Limits) {
    let money = &m.plan.money;
    if let Some(pct) = limits.min_pocket_margin_pct {
        let floor = m.plan.unit_cost / (1.0 - pct / 100.0);
        let r = money.ratio_for_pocket(floor).unwrap_or(f64::MAX);
        b.at_least(r * anchor, Binding::MarginFloor);
    }
    if let (true, Some(ev)) = (limits.enforce_economic_value, m.economic_value)
        && let Some(r) = money.ratio_for_customer_net(ev)
    {
        b.at_most(r * anchor, Binding::EconomicValue);
    }
    if let (true, Some((lo, hi))) = (limits.stay_within_observed, m.cell.observed_pocket) {
        b.at_least(
            money.ratio_for_pocket(lo).unwrap_or(f64::MAX) * anchor,
            Binding::ObservedRange,
        );
        if let Some(r) = money.ratio_for_pocket(hi) {
            b.at_most(r * anchor, Binding::ObservedRange);
        }
    }
}
