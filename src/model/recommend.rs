//! The recommended list price: the price that maximises pocket margin under constant-elasticity
//! demand, a fixed realization (pocket / list) and the guardrails as bounds — a bounded 1-D
//! optimisation (argmin's Brent) per cell, then the price-ladder rule across a family.

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::brent::BrentOpt;
use serde::Serialize;

/// Which constraint decided the recommended price. Text forms are stable (CSV/JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// The unconstrained optimum lies inside the bounds.
    None,
    MaxIncrease,
    MaxDecrease,
    MarginFloor,
    EconomicValue,
    PriceLadder,
    /// Demand is inelastic (elasticity ≥ −1): margin rises with price up to the upper bound.
    InelasticDemand,
    /// No usable elasticity: today's list price is kept.
    NoDemandModel,
    /// No positive pocket price to work from: today's list price is kept.
    NoPocketPrice,
    /// The lower bounds lie above the upper bounds; the upper bound is used.
    GuardrailsConflict,
}

impl Binding {
    pub fn as_str(self) -> &'static str {
        match self {
            Binding::None => "none",
            Binding::MaxIncrease => "max_increase",
            Binding::MaxDecrease => "max_decrease",
            Binding::MarginFloor => "margin_floor",
            Binding::EconomicValue => "economic_value",
            Binding::PriceLadder => "price_ladder",
            Binding::InelasticDemand => "inelastic_demand",
            Binding::NoDemandModel => "no_demand_model",
            Binding::NoPocketPrice => "no_pocket_price",
            Binding::GuardrailsConflict => "guardrails_conflict",
        }
    }
}

/// The guardrails as numbers (percentages in %).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Limits {
    pub max_increase_pct: f64,
    pub max_decrease_pct: f64,
    /// Minimum (pocket − cost) / pocket, in %.
    pub min_pocket_margin_pct: Option<f64>,
    pub cap_at_economic_value: bool,
    pub price_ladder: bool,
}

/// One cell's inputs, per unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PriceInput {
    /// Group of the price ladder (segment and family); `None` = not on a ladder.
    pub ladder_group: Option<(String, String)>,
    /// Today's list price (the guardrails' reference).
    pub list_price: f64,
    /// Today's pocket price (demand's reference point P0).
    pub pocket_price: f64,
    /// Pocket / list under the scenario's discount policy.
    pub realization: f64,
    /// Unit cost under the scenario.
    pub unit_cost: f64,
    pub elasticity: Option<f64>,
    /// Ceiling on the pocket price when the economic value is defined.
    pub economic_value: Option<f64>,
}

/// The optimum for one cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PriceOptimum {
    pub list_price: f64,
    pub pocket_price: f64,
    pub binding: Binding,
}

/// Pocket margin per unit of baseline volume: (P/P0)^e · (P − c), with P = ρ·L.
#[derive(Clone, Copy)]
struct NegMargin {
    realization: f64,
    pocket0: f64,
    cost: f64,
    elasticity: f64,
}

impl NegMargin {
    fn margin(&self, list: f64) -> f64 {
        let p = self.realization * list;
        (p / self.pocket0).powf(self.elasticity) * (p - self.cost)
    }
}

impl CostFunction for NegMargin {
    type Param = f64;
    type Output = f64;

    fn cost(&self, list: &f64) -> Result<f64, Error> {
        // Brent can loop on non-finite costs: refuse them instead.
        let m = self.margin(*list);
        match m.is_finite() && list.is_finite() {
            true => Ok(-m),
            false => Err(Error::msg("margin is not finite at this price")),
        }
    }
}

/// The bounds on the list price and which constraint sets each: (lo, lo_by, hi, hi_by).
fn bounds(x: &PriceInput, limits: &Limits) -> (f64, Binding, f64, Binding) {
    let mut lo = (
        x.list_price * (1.0 - limits.max_decrease_pct / 100.0),
        Binding::MaxDecrease,
    );
    if let Some(m) = limits.min_pocket_margin_pct {
        let floor = x.unit_cost / (1.0 - m / 100.0) / x.realization;
        if floor > lo.0 {
            lo = (floor, Binding::MarginFloor);
        }
    }
    let mut hi = (
        x.list_price * (1.0 + limits.max_increase_pct / 100.0),
        Binding::MaxIncrease,
    );
    if let (true, Some(ev)) = (limits.cap_at_economic_value, x.economic_value) {
        let ceiling = ev / x.realization;
        if ceiling < hi.0 {
            hi = (ceiling, Binding::EconomicValue);
        }
    }
    (lo.0, lo.1, hi.0, hi.1)
}

/// The list price in [lo, hi] that maximises pocket margin, by Brent's method on −margin, with
/// the two bounds also tried (the optimum of a monotone margin is a bound).
fn maximise(f: NegMargin, lo: f64, hi: f64) -> Result<f64, Error> {
    let solver = BrentOpt::new(lo, hi).set_tolerance(f64::EPSILON.sqrt(), 1e-9 * hi.max(1.0));
    let result = Executor::new(f, solver)
        .configure(|s| s.max_iters(200))
        .run()?;
    let inner = result.state().get_best_param().copied().unwrap_or(lo);
    let best = [inner, lo, hi]
        .into_iter()
        .filter(|p| f.margin(*p).is_finite())
        .max_by(|a, b| f.margin(*a).total_cmp(&f.margin(*b)))
        .unwrap_or(inner);
    Ok(best)
}

/// The recommended list price of one cell, ignoring the price ladder.
pub fn optimise(x: &PriceInput, limits: &Limits) -> PriceOptimum {
    let keep = |binding| PriceOptimum {
        list_price: x.list_price,
        pocket_price: x.list_price * x.realization,
        binding,
    };
    let valid = |v: f64| v.is_finite() && v > 0.0;
    let inputs_ok = valid(x.pocket_price)
        && valid(x.realization)
        && valid(x.list_price)
        && x.unit_cost.is_finite();
    if !inputs_ok {
        return keep(Binding::NoPocketPrice);
    }
    let Some(e) = x.elasticity.filter(|e| e.is_finite()) else {
        return keep(Binding::NoDemandModel);
    };
    let (lo, lo_by, hi, hi_by) = bounds(x, limits);
    if !(lo.is_finite() && hi.is_finite()) {
        return keep(Binding::NoPocketPrice);
    }
    let at = |list: f64, binding| PriceOptimum {
        list_price: list,
        pocket_price: list * x.realization,
        binding,
    };
    if lo > hi {
        return at(hi, Binding::GuardrailsConflict);
    }
    let f = NegMargin {
        realization: x.realization,
        pocket0: x.pocket_price,
        cost: x.unit_cost,
        elasticity: e,
    };
    let Ok(list) = maximise(f, lo, hi) else {
        return keep(Binding::NoPocketPrice);
    };
    let near = |bound: f64| (list - bound).abs() <= 1e-6 * bound.abs().max(1.0);
    let binding = if near(hi) && e >= -1.0 {
        Binding::InelasticDemand
    } else if near(hi) {
        hi_by
    } else if near(lo) {
        lo_by
    } else {
        Binding::None
    };
    at(list, binding)
}

/// The recommended list price of every cell: each optimised alone, then, with the price-ladder
/// guardrail, each family's prices within a segment raised where needed so that they keep
/// today's order of list prices (never above the cell's upper bound).
pub fn recommend_all(inputs: &[PriceInput], limits: &Limits) -> Vec<PriceOptimum> {
    let mut out: Vec<PriceOptimum> = inputs.iter().map(|x| optimise(x, limits)).collect();
    if limits.price_ladder {
        apply_ladder(inputs, limits, &mut out);
    }
    out
}

fn apply_ladder(inputs: &[PriceInput], limits: &Limits, out: &mut [PriceOptimum]) {
    let mut order: Vec<usize> = (0..inputs.len())
        .filter(|&i| inputs[i].ladder_group.is_some())
        .collect();
    order.sort_by(|&a, &b| {
        (&inputs[a].ladder_group, inputs[a].list_price)
            .partial_cmp(&(&inputs[b].ladder_group, inputs[b].list_price))
            .unwrap_or(std::cmp::Ordering::Equal)
    });
    for pair in order.windows(2) {
        let (prev, i) = (pair[0], pair[1]);
        if inputs[prev].ladder_group != inputs[i].ladder_group {
            continue;
        }
        let floor = out[prev].list_price;
        if out[i].list_price < floor {
            // Raised to the step below it, unless its own ceiling stops it first.
            let (_, _, hi, hi_by) = bounds(&inputs[i], limits);
            let (list, binding) = match floor <= hi {
                true => (floor, Binding::PriceLadder),
                false => (hi, hi_by),
            };
            out[i] = PriceOptimum {
                list_price: list,
                pocket_price: list * inputs[i].realization,
                binding,
            };
        }
    }
}
