//! Evaluating a scenario against its baseline: the rules become a plan per segment × product
//! (new list price, new element shares of list, new unit cost), and the plan becomes projected
//! volume, pocket revenue and pocket margin with constant-elasticity demand on the pocket price,
//! Q1 = Q0 · (P1 / P0)^e, plus a low / high range from the elasticity's 95% interval.

use super::baseline::{Baseline, BaselineCell, Confidence, Estimate};
use super::elements::{ElementRole, roles};
use super::file::Scenario;
use super::money::{CellMoney, PolicyStep};
use crate::model::parallel::map_cells;
use serde::Serialize;

/// What the scenario does to one cell, before demand responds (per unit).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellPlan {
    pub list_price: f64,
    /// The new list price / the baseline's.
    pub ratio: f64,
    /// Each element's share of the new list price after the discount policy (the cell's
    /// quantity-weighted average), in element order.
    pub element_shares: Vec<f64>,
    pub unit_cost: f64,
    pub estimate: Option<Estimate>,
    pub confidence: Confidence,
    /// The cell's money under the scenario's element roles and discount policy, at any list.
    pub money: CellMoney,
    /// Pocket price per unit at the planned list price.
    pub pocket: f64,
}

impl CellPlan {
    /// Pocket / list.
    pub fn realization(&self) -> f64 {
        self.pocket / self.list_price
    }

    pub fn pocket_price(&self) -> f64 {
        self.pocket
    }
}

/// The element columns of a baseline, in order.
pub fn columns(baseline: &Baseline) -> Vec<String> {
    baseline.elements.iter().map(|e| e.column.clone()).collect()
}

/// The plan of one cell: every matching rule in file order, each applied to the result of the
/// ones before it. The discount rules act on each customer's amounts at the new list price
/// (see `money`); elements follow a list-price change by their roles.
pub fn plan_cell(
    s: &Scenario,
    cell: &BaselineCell,
    roles: &[ElementRole],
    columns: &[String],
) -> CellPlan {
    let matches = |sel: super::file::Selector| {
        sel.matches(&cell.segment_id, &cell.product_id, cell.family.as_deref())
    };
    let mut list_price = cell.list_price;
    for c in s.price_changes.iter().map(|c| c.get_ref()) {
        if matches(c.selector()) {
            list_price = c.apply(list_price);
        }
    }
    let mut unit_cost = cell.unit_cost;
    for c in s.cost_changes.iter().map(|c| c.get_ref()) {
        if matches(c.selector()) {
            unit_cost = c.apply(unit_cost);
        }
    }
    let mut steps: Vec<Vec<PolicyStep>> = vec![Vec::new(); columns.len()];
    for d in s.discounts.iter().map(|d| d.get_ref()) {
        if let Some(i) = columns.iter().position(|e| e == d.element.get_ref())
            && matches(d.selector())
        {
            steps[i].push(d.step());
        }
    }
    let money = CellMoney::new(cell, roles, steps);
    let ratio = list_price / cell.list_price;
    let at = money.at(ratio);
    let (estimate, confidence) = cell.demand.pick(s.demand.source);
    CellPlan {
        list_price,
        ratio,
        element_shares: at.elements.iter().map(|e| e / list_price).collect(),
        unit_cost,
        estimate,
        confidence,
        pocket: at.pocket,
        money,
    }
}

/// The plan of every cell, in baseline order.
pub fn plan(s: &Scenario, baseline: &Baseline) -> Vec<CellPlan> {
    let columns = columns(baseline);
    let roles = roles(&s.elements, &columns);
    map_cells(&baseline.cells, |_, c| plan_cell(s, c, &roles, &columns))
}

/// Volume, pocket revenue and pocket margin, with the range from the elasticity interval.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Measures {
    pub quantity: f64,
    pub revenue: f64,
    pub margin: f64,
}

impl Measures {
    fn add(&mut self, o: &Measures) {
        self.quantity += o.quantity;
        self.revenue += o.revenue;
        self.margin += o.margin;
    }

    fn at(quantity: f64, pocket: f64, cost: f64) -> Measures {
        Measures {
            quantity,
            revenue: quantity * pocket,
            margin: quantity * (pocket - cost),
        }
    }
}

/// Before, after and the after range of one cell or total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Outcome {
    pub before: Measures,
    pub after: Measures,
    /// Each measure's lowest value over the elasticity's 95% interval.
    pub low: Measures,
    pub high: Measures,
}

impl Outcome {
    fn add(&mut self, o: &Outcome) {
        self.before.add(&o.before);
        self.after.add(&o.after);
        self.low.add(&o.low);
        self.high.add(&o.high);
    }
}

/// One cell's evaluation.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellResult {
    pub segment_id: String,
    pub product_id: String,
    pub list_before: f64,
    pub list_after: f64,
    pub pocket_before: f64,
    pub pocket_after: f64,
    pub cost_before: f64,
    pub cost_after: f64,
    pub elasticity: Option<f64>,
    pub confidence: Confidence,
    pub outcome: Outcome,
}

/// A scenario's evaluation: the cells in baseline order, per segment and overall totals.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Evaluation {
    pub cells: Vec<CellResult>,
    /// (segment_id, totals) in segment order.
    pub segments: Vec<(String, Outcome)>,
    pub total: Outcome,
}

/// Q1 = Q0 · (P1 / P0)^e; no demand response without an elasticity or a positive P0; no sales
/// at a pocket price of zero or less.
pub fn project(q0: f64, p0: f64, p1: f64, elasticity: Option<f64>) -> f64 {
    match elasticity {
        Some(e) if p0 > 0.0 && p1 > 0.0 => q0 * (p1 / p0).powf(e),
        Some(_) if p0 > 0.0 => 0.0,
        _ => q0,
    }
}

/// Evaluates one cell under its plan.
pub fn evaluate_cell(cell: &BaselineCell, plan: &CellPlan) -> CellResult {
    let (p0, p1) = (cell.pocket_price(), plan.pocket_price());
    let e = plan.estimate.map(|e| e.elasticity);
    let after = Measures::at(project(cell.quantity, p0, p1, e), p1, plan.unit_cost);
    let ends = match plan.estimate {
        Some(est) => [est.ci_low, est.ci_high]
            .map(|e| Measures::at(project(cell.quantity, p0, p1, Some(e)), p1, plan.unit_cost)),
        None => [after, after],
    };
    let pick = |f: fn(f64, f64) -> f64| Measures {
        quantity: f(ends[0].quantity, ends[1].quantity),
        revenue: f(ends[0].revenue, ends[1].revenue),
        margin: f(ends[0].margin, ends[1].margin),
    };
    CellResult {
        segment_id: cell.segment_id.clone(),
        product_id: cell.product_id.clone(),
        list_before: cell.list_price,
        list_after: plan.list_price,
        pocket_before: p0,
        pocket_after: p1,
        cost_before: cell.unit_cost,
        cost_after: plan.unit_cost,
        elasticity: e,
        confidence: plan.confidence,
        outcome: Outcome {
            before: Measures::at(cell.quantity, p0, cell.unit_cost),
            after,
            low: pick(f64::min),
            high: pick(f64::max),
        },
    }
}

/// Evaluates every cell and sums the totals. The range of a total is the sum of the cells'
/// ranges (as if every cell's elasticity were at the same end of its interval).
pub fn evaluate(baseline: &Baseline, plans: &[CellPlan]) -> Evaluation {
    let cells: Vec<CellResult> = baseline
        .cells
        .iter()
        .zip(plans)
        .map(|(c, p)| evaluate_cell(c, p))
        .collect();
    let mut segments: Vec<(String, Outcome)> = Vec::new();
    let mut total = Outcome::default();
    for c in &cells {
        total.add(&c.outcome);
        match segments.iter_mut().find(|(s, _)| *s == c.segment_id) {
            Some((_, o)) => o.add(&c.outcome),
            None => segments.push((c.segment_id.clone(), c.outcome)),
        }
    }
    segments.sort_by(|a, b| a.0.cmp(&b.0));
    Evaluation {
        cells,
        segments,
        total,
    }
}

/// Change after − before, and in % of before (`None` when before is zero).
pub fn change(before: f64, after: f64) -> (f64, Option<f64>) {
    let pct = (before != 0.0).then(|| (after - before) / before.abs() * 100.0);
    (after - before, pct)
}
