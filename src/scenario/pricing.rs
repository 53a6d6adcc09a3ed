//! What a scenario implies for pricing: the value map (economic value from its value drivers
//! beside today's pocket price, WTP and cost) and the recommended list price of every cell.

use super::baseline::{Baseline, BaselineCell, Confidence, Estimate};
use super::evaluate::{CellPlan, project};
use super::file::{Scenario, ValueDriver};
use crate::model::recommend::{Binding, Limits, PriceInput, PriceOptimum, recommend_all};
use crate::model::value::{Differentiator, EconomicValue, capture_ratio, economic_value};
use serde::Serialize;

/// One row of the value map, per unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueRow {
    pub segment_id: String,
    pub product_id: String,
    /// The next-best alternative, as the scenario names it.
    pub alternative: Option<String>,
    /// `None` where the scenario gives no value drivers for the cell.
    pub value: Option<EconomicValue>,
    pub pocket_price: f64,
    pub wtp_median: Option<f64>,
    pub unit_cost: f64,
    /// Pocket price / economic value.
    pub capture_ratio: Option<f64>,
}

/// The last value driver of the file that matches the cell.
fn driver_for<'a>(s: &'a Scenario, cell: &BaselineCell) -> Option<&'a ValueDriver> {
    s.value_drivers.iter().map(|v| v.get_ref()).rev().find(|v| {
        v.selector()
            .matches(&cell.segment_id, &cell.product_id, cell.family.as_deref())
    })
}

fn value_of(v: &ValueDriver) -> EconomicValue {
    let named = |(name, amount): (&String, &toml::Spanned<f64>), sign: f64| Differentiator {
        name: name.clone(),
        amount: sign * amount.get_ref(),
    };
    let drivers = v
        .positive
        .iter()
        .map(|d| named(d, 1.0))
        .chain(v.negative.iter().map(|d| named(d, -1.0)))
        .collect();
    economic_value(*v.reference_price.get_ref(), drivers)
}

/// The value map of every baseline cell (today's prices; the scenario's unit costs).
pub fn value_rows(s: &Scenario, baseline: &Baseline, plans: &[CellPlan]) -> Vec<ValueRow> {
    baseline
        .cells
        .iter()
        .zip(plans)
        .map(|(cell, plan)| {
            let driver = driver_for(s, cell);
            let value = driver.map(value_of);
            let pocket_price = cell.pocket_price();
            ValueRow {
                segment_id: cell.segment_id.clone(),
                product_id: cell.product_id.clone(),
                alternative: driver.and_then(|d| d.alternative.clone()),
                capture_ratio: value
                    .as_ref()
                    .and_then(|v| capture_ratio(pocket_price, v.economic_value)),
                value,
                pocket_price,
                wtp_median: cell.demand.wtp_median,
                unit_cost: plan.unit_cost,
            }
        })
        .collect()
}

/// One row of the recommended price table.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub segment_id: String,
    pub product_id: String,
    pub current_list_price: f64,
    pub current_pocket_price: f64,
    pub recommended_list_price: f64,
    pub expected_pocket_price: f64,
    pub change_pct: f64,
    pub estimate: Option<Estimate>,
    pub wtp_median: Option<f64>,
    pub economic_value: Option<f64>,
    /// Projected change of volume, in % of the baseline volume.
    pub volume_change_pct: Option<f64>,
    /// Projected pocket margin − baseline pocket margin over the baseline period (currency).
    pub pocket_margin_change: f64,
    pub binding: Binding,
    pub confidence: Confidence,
}

/// The guardrails of the scenario as the optimiser's limits.
pub fn limits(s: &Scenario) -> Limits {
    let g = &s.guardrails;
    Limits {
        max_increase_pct: g.max_increase(),
        max_decrease_pct: g.max_decrease(),
        min_pocket_margin_pct: g.min_margin(),
        cap_at_economic_value: g.cap_at_economic_value,
        price_ladder: g.price_ladder,
    }
}

/// The recommended list price of every baseline cell, in baseline order: pocket margin
/// maximised under the cell's demand estimate, the plan's realization and unit cost, and the
/// scenario's guardrails (see `model::recommend`).
pub fn recommendations(
    s: &Scenario,
    baseline: &Baseline,
    plans: &[CellPlan],
) -> Vec<Recommendation> {
    let values = value_rows(s, baseline, plans);
    let ev = |v: &ValueRow| v.value.as_ref().map(|v| v.economic_value);
    let inputs: Vec<PriceInput> = baseline
        .cells
        .iter()
        .zip(plans)
        .zip(&values)
        .map(|((cell, plan), value)| price_input(cell, plan, ev(value)))
        .collect();
    let optima = recommend_all(&inputs, &limits(s));
    baseline
        .cells
        .iter()
        .zip(plans)
        .zip(values.iter().zip(optima))
        .map(|((cell, plan), (value, opt))| recommendation(cell, plan, ev(value), &opt))
        .collect()
}

/// The optimiser's view of a cell: today's prices, the plan's realization and cost.
fn price_input(cell: &BaselineCell, plan: &CellPlan, economic_value: Option<f64>) -> PriceInput {
    PriceInput {
        ladder_group: cell
            .family
            .as_ref()
            .map(|f| (cell.segment_id.clone(), f.clone())),
        list_price: cell.list_price,
        pocket_price: cell.pocket_price(),
        realization: plan.realization(),
        unit_cost: plan.unit_cost,
        elasticity: plan.estimate.map(|e| e.elasticity),
        economic_value,
    }
}

/// A cell's row of the table: the optimum with its projected volume and margin change.
fn recommendation(
    cell: &BaselineCell,
    plan: &CellPlan,
    economic_value: Option<f64>,
    opt: &PriceOptimum,
) -> Recommendation {
    let p0 = cell.pocket_price();
    let e = plan.estimate.map(|e| e.elasticity);
    let q1 = project(cell.quantity, p0, opt.pocket_price, e);
    Recommendation {
        segment_id: cell.segment_id.clone(),
        product_id: cell.product_id.clone(),
        current_list_price: cell.list_price,
        current_pocket_price: p0,
        recommended_list_price: opt.list_price,
        expected_pocket_price: opt.pocket_price,
        change_pct: (opt.list_price / cell.list_price - 1.0) * 100.0,
        estimate: plan.estimate,
        wtp_median: cell.demand.wtp_median,
        economic_value,
        volume_change_pct: e.map(|_| (q1 / cell.quantity - 1.0) * 100.0),
        pocket_margin_change: q1 * (opt.pocket_price - plan.unit_cost)
            - cell.quantity * (p0 - cell.unit_cost),
        binding: opt.binding,
        confidence: plan.confidence,
    }
}

/// Why the price is what it is, in a sentence for the TUI.
pub fn reason(r: &Recommendation) -> String {
    let e = r.estimate.map_or("no elasticity".to_string(), |e| {
        format!("e = {:.2}", e.elasticity)
    });
    match r.binding {
        Binding::None => format!("margin-maximising price inside the guardrails ({e})"),
        Binding::MaxIncrease => format!("held at the maximum increase ({e})"),
        Binding::MaxDecrease => format!("held at the maximum decrease ({e})"),
        Binding::MarginFloor => format!("raised to keep the minimum pocket margin ({e})"),
        Binding::EconomicValue => format!("capped at the economic value ({e})"),
        Binding::PriceLadder => "raised to keep the family's price ladder".to_string(),
        Binding::InelasticDemand => format!("inelastic demand ({e}) pushes it to the upper bound"),
        Binding::NoDemandModel => "no usable elasticity: list price unchanged".to_string(),
        Binding::NoPocketPrice => "no positive pocket price: list price unchanged".to_string(),
        Binding::GuardrailsConflict => {
            "the margin floor lies above the upper bound: upper bound used".to_string()
        }
    }
}
