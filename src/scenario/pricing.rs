//! What a scenario implies for pricing: the value map (economic value from its value drivers
//! beside what the customer pays today, WTP and cost) and the recommended prices — one list
//! price per product with each segment's net-price target beside it, or the segment × product
//! targets alone — each with its evidence, the constraint that binds and what it costs.

use super::baseline::{Baseline, BaselineCell, Confidence, Estimate};
use super::decision::{Decision, Limits, Member, members, product_groups};
use super::drivers::DriverValue;
use super::elements::{ElementRole, roles};
use super::evaluate::{CellPlan, columns};
use super::file::{Scenario, ValueDriver};
use crate::model::competitor::CompetitorPrice;
use crate::model::parallel::map_cells;
use crate::model::recommend::{Binding, Bounds, Optimum, Rung, ladder, prob_gain_all};
use crate::model::value::{Differentiator, EconomicValue, capture_ratio, economic_value};
use crate::model::{DemandModel, FitStatus};
use serde::Serialize;
use std::collections::BTreeMap;

/// One row of the value map, per unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueRow {
    pub segment_id: String,
    pub product_id: String,
    pub family: Option<String>,
    /// The next-best alternative, as the scenario names it (for a competitor reference without
    /// a name: the competitor and its product).
    pub alternative: Option<String>,
    /// The competitor price that is the reference value, when the driver's reference is one.
    pub reference_competitor: Option<CompetitorPrice>,
    /// `None` where the scenario gives no value drivers for the cell.
    pub value: Option<EconomicValue>,
    pub pocket_price: f64,
    /// What the customer pays today: invoice price less the off-invoice money returned to
    /// them (rebates, co-op; see `elements`).
    pub customer_net_price: f64,
    pub wtp_median: Option<f64>,
    pub unit_cost: f64,
    /// Customer net price / economic value.
    pub capture_ratio: Option<f64>,
}

/// The last value driver of the file that matches the cell.
fn driver_for<'a>(s: &'a Scenario, cell: &BaselineCell) -> Option<&'a ValueDriver> {
    s.value_drivers.iter().map(|v| v.get_ref()).rev().find(|v| {
        v.selector()
            .matches(&cell.segment_id, &cell.product_id, cell.family.as_deref())
    })
}

/// The driver's reference value: its `reference_price`, or the competitor price its
/// `reference` names in the baseline (`None` when there is none: `prepare` rejects that).
fn reference_of(v: &ValueDriver, baseline: &Baseline) -> Option<(f64, Option<CompetitorPrice>)> {
    if let Some(p) = &v.reference_price {
        return Some((*p.get_ref(), None));
    }
    let period = (baseline.from.as_str(), baseline.to.as_str());
    let c = v
        .reference
        .as_ref()?
        .get_ref()
        .resolve(&baseline.competitors, period)
        .ok()?;
    Some((c.price, Some(c.clone())))
}

fn value_of(v: &ValueDriver, reference_value: f64) -> EconomicValue {
    let named = |(name, amount): (&String, &toml::Spanned<DriverValue>), sign: f64| {
        let value = amount.get_ref();
        Differentiator {
            name: name.clone(),
            amount: sign * value.amount(),
            formula: value.formula().map(|f| f.formula.get_ref().clone()),
            inputs: value.formula().map_or(Vec::new(), |f| {
                f.inputs
                    .iter()
                    .map(|(k, v)| (k.clone(), *v.get_ref()))
                    .collect()
            }),
        }
    };
    let drivers = v
        .positive
        .iter()
        .map(|d| named(d, 1.0))
        .chain(v.negative.iter().map(|d| named(d, -1.0)))
        .collect();
    economic_value(reference_value, drivers)
}

/// Today's customer net price of a cell: list − on-invoice − off-invoice returned to them.
fn customer_net_today(cell: &BaselineCell, roles: &[ElementRole]) -> f64 {
    let given: f64 = cell
        .elements
        .iter()
        .zip(roles)
        .filter(|(_, r)| r.on_invoice || r.returns_to_customer)
        .map(|(e, _)| e)
        .sum();
    cell.list_price - given
}

/// The value map of every baseline cell (today's prices; the scenario's unit costs).
pub fn value_rows(s: &Scenario, baseline: &Baseline, plans: &[CellPlan]) -> Vec<ValueRow> {
    let roles = roles(&s.elements, &columns(baseline));
    baseline
        .cells
        .iter()
        .zip(plans)
        .map(|(cell, plan)| {
            let driver = driver_for(s, cell);
            let reference = driver.and_then(|d| Some((d, reference_of(d, baseline)?)));
            let value = reference.as_ref().map(|(d, (r, _))| value_of(d, *r));
            let reference_competitor = reference.and_then(|(_, (_, c))| c);
            let alternative = driver.and_then(|d| d.alternative.clone()).or_else(|| {
                let c = reference_competitor.as_ref()?;
                Some(format!("{} {}", c.competitor, c.competitor_product))
            });
            let customer_net_price = customer_net_today(cell, &roles);
            ValueRow {
                segment_id: cell.segment_id.clone(),
                product_id: cell.product_id.clone(),
                family: cell.family.clone(),
                alternative,
                reference_competitor,
                capture_ratio: value
                    .as_ref()
                    .and_then(|v| capture_ratio(customer_net_price, v.economic_value)),
                value,
                pocket_price: cell.pocket_price(),
                customer_net_price,
                wtp_median: cell.demand.wtp_median,
                unit_cost: plan.unit_cost,
            }
        })
        .collect()
}

/// How the recommended prices are set.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Level {
    /// One list price per product, maximising its pocket margin over all its segments, with
    /// each segment's net-price target beside it.
    #[default]
    Product,
    /// Per segment × product net-price targets only (not list prices).
    SegmentProduct,
}

impl Level {
    pub fn as_str(self) -> &'static str {
        match self {
            Level::Product => "product",
            Level::SegmentProduct => "segment-product",
        }
    }
}

/// The evidence on a recommended change and its projected outcome (members with demand
/// evidence only: the others are not projected).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Evidence {
    /// Projected volume change, in % of the baseline volume.
    pub volume_change_pct: Option<f64>,
    /// Projected pocket margin − baseline pocket margin over the baseline period.
    pub pocket_margin_change: Option<f64>,
    /// The volume change (in %) at which the change adds no pocket margin.
    pub break_even_volume_pct: Option<f64>,
    /// The probability that the change gains pocket margin under the elasticities' sampling
    /// distributions.
    pub prob_gain: Option<f64>,
    /// From `prob_gain`: high ≥ 0.9, medium ≥ 0.7, else low; none without evidence or change.
    pub confidence: Confidence,
    /// Pocket margin the binding guardrail costs: the margin at the optimum without
    /// guardrails (within the observed price range) less the recommendation's (≥ 0).
    pub guardrail_cost: Option<f64>,
}

/// One segment × product row: at level product, what the product's recommended list price
/// does to this segment, beside the segment's own net-price target; at level
/// segment-product, the target itself.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendation {
    pub segment_id: String,
    pub product_id: String,
    pub current_list_price: f64,
    pub current_pocket_price: f64,
    /// The list price the row assumes: the product's recommended list (level product) or
    /// today's list (level segment-product).
    pub list_price: f64,
    /// Level product: list price change; level segment-product: target pocket price change
    /// (both in %).
    pub change_pct: f64,
    /// The pocket price at `list_price` under the scenario's discount policy (level
    /// segment-product: the target).
    pub expected_pocket_price: f64,
    /// The segment's margin-maximising pocket price within the guardrails: its net-price
    /// target (`None` without demand evidence).
    pub target_pocket_price: Option<f64>,
    /// The on-invoice discount, in % of `list_price`, that reaching the target implies.
    pub target_discount_pct: Option<f64>,
    pub estimate: Option<Estimate>,
    /// The demand fit's flag (`ok`, `not_significant`, ...).
    pub elasticity_flag: Option<FitStatus>,
    /// The elasticity model the estimate comes from (`cell` or `panel`).
    pub elasticity_model: Option<DemandModel>,
    pub wtp_median: Option<f64>,
    pub economic_value: Option<f64>,
    /// Invoice price less off-invoice money returned to the customer, at `list_price`.
    pub customer_net_price: f64,
    /// Customer net price / economic value.
    pub capture_ratio: Option<f64>,
    /// The customer net price exceeds the economic value (flagged, not cut, unless the
    /// scenario enforces economic value).
    pub above_value: bool,
    pub evidence: Evidence,
    /// The pocket price lies outside the range the baseline observed.
    pub extrapolated: bool,
    pub binding: Binding,
    pub reason: String,
}

/// One product's recommended list price (level product).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ProductPrice {
    pub product_id: String,
    pub family: Option<String>,
    pub segments: usize,
    pub segments_with_evidence: usize,
    /// Quantity-weighted over the product's segments.
    pub current_list_price: f64,
    pub recommended_list_price: f64,
    pub change_pct: f64,
    /// Quantity-weighted elasticity of the segments with evidence.
    pub elasticity: Option<f64>,
    pub evidence: Evidence,
    pub extrapolated: bool,
    pub binding: Binding,
    pub reason: String,
}

/// What one kind of binding constraint costs, summed over the rows it binds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct GuardrailCost {
    pub binding: Binding,
    pub rows: usize,
    /// Pocket margin given up to it (`None` for constraints that are not guardrails).
    pub pocket_margin: Option<f64>,
}

/// The recommended prices of a scenario.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Recommendations {
    pub level: Level,
    /// Level product: one row per product; empty at level segment-product.
    pub products: Vec<ProductPrice>,
    /// One row per segment × product, in baseline order.
    pub cells: Vec<Recommendation>,
    /// Per binding constraint of the level's rows, in `Binding` order.
    pub costs: Vec<GuardrailCost>,
}

/// The guardrails of the scenario as the optimiser's limits.
pub fn limits(s: &Scenario) -> Limits {
    let g = &s.guardrails;
    Limits {
        max_increase_pct: g.max_increase(),
        max_decrease_pct: g.max_decrease(),
        min_pocket_margin_pct: g.min_margin(),
        flag_economic_value: g.cap_at_economic_value || g.enforce_economic_value,
        enforce_economic_value: g.enforce_economic_value,
        stay_within_observed: g.stay_within_observed,
        price_ladder: g.price_ladder,
    }
}

/// A decision's answer: the price, what bound it, and the free optimum for the cost.
#[derive(Debug, Clone, Copy)]
struct Solved {
    optimum: Optimum,
    free: Option<f64>,
}

/// The recommended prices of every baseline cell (and product, at level product).
pub fn recommendations(
    s: &Scenario,
    baseline: &Baseline,
    plans: &[CellPlan],
    level: Level,
) -> Recommendations {
    let limits = limits(s);
    let values = value_rows(s, baseline, plans);
    let members = members(baseline, plans, &values);
    let cell_decisions: Vec<Decision> = members.iter().map(Decision::of_cell).collect();
    let ladder_cells = level == Level::SegmentProduct && limits.price_ladder;
    let cell_key = |d: &Decision| {
        let c = d.members[0].cell;
        c.family.clone().map(|f| (c.segment_id.clone(), f))
    };
    let targets = solve_all(&cell_decisions, &limits, ladder_cells.then_some(&cell_key));
    match level {
        Level::SegmentProduct => {
            let cells = map_cells(&cell_decisions, |i, d| {
                target_row(d, &targets[i], None, &limits)
            });
            let costs = costs(cells.iter().map(|c| (c.binding, c.evidence.guardrail_cost)));
            Recommendations {
                level,
                products: Vec::new(),
                cells,
                costs,
            }
        }
        Level::Product => by_product(&members, &cell_decisions, &targets, &limits),
    }
}

fn by_product(
    members: &[Member],
    cell_decisions: &[Decision],
    targets: &[Solved],
    limits: &Limits,
) -> Recommendations {
    let groups = product_groups(members);
    let decisions: Vec<Decision> = groups
        .values()
        .map(|idx| Decision::of_product(members, idx))
        .collect();
    let family_of = |d: &Decision| d.members[0].cell.family.clone().map(|f| (String::new(), f));
    let solved = solve_all(
        &decisions,
        limits,
        limits.price_ladder.then_some(&family_of),
    );
    let products: Vec<ProductPrice> = map_cells(&decisions, |i, d| product_row(d, &solved[i]));
    // Each cell at the list ratio its product's price sets.
    let mut at = vec![1.0; members.len()];
    for ((idx, d), p) in groups.values().zip(&decisions).zip(&products) {
        for &i in idx {
            at[i] = p.recommended_list_price / d.anchor;
        }
    }
    let cells = map_cells(cell_decisions, |i, d| {
        target_row(d, &targets[i], Some(at[i]), limits)
    });
    let costs = costs(
        products
            .iter()
            .map(|p| (p.binding, p.evidence.guardrail_cost)),
    );
    Recommendations {
        level: Level::Product,
        products,
        cells,
        costs,
    }
}

type LadderKey<'k> = &'k dyn Fn(&Decision) -> Option<(String, String)>;

/// Every decision optimised within its bounds; with a ladder key, the decisions of each
/// ladder solved jointly (`model::recommend::ladder`). Decisions without evidence or a
/// positive pocket price keep today's price.
fn solve_all(decisions: &[Decision], limits: &Limits, key: Option<LadderKey>) -> Vec<Solved> {
    let bounds: Vec<Bounds> = decisions.iter().map(|d| d.bounds(limits)).collect();
    let mut out: Vec<Solved> = map_cells(decisions, |i, d| solve(d, &bounds[i]));
    let Some(key) = key else {
        return out;
    };
    let mut ladders: BTreeMap<(String, String), Vec<usize>> = BTreeMap::new();
    for (i, d) in decisions.iter().enumerate() {
        if let Some(k) = key(d) {
            ladders.entry(k).or_default().push(i);
        }
    }
    for idx in ladders.values().filter(|idx| idx.len() > 1) {
        apply_ladder(decisions, &bounds, idx, &mut out);
    }
    out
}

fn apply_ladder(decisions: &[Decision], bounds: &[Bounds], idx: &[usize], out: &mut [Solved]) {
    let margins: Vec<Box<dyn Fn(f64) -> f64 + '_>> = idx
        .iter()
        .map(|&i| Box::new(move |x: f64| decisions[i].margin(x)) as Box<dyn Fn(f64) -> f64>)
        .collect();
    let rungs: Vec<Rung> = idx
        .iter()
        .zip(&margins)
        .map(|(&i, margin)| Rung {
            margin: margin.as_ref(),
            bounds: match kept(&decisions[i]) {
                Some(_) => Bounds::new(
                    decisions[i].anchor,
                    Binding::NoDemandEvidence,
                    decisions[i].anchor,
                    Binding::NoDemandEvidence,
                ),
                None => bounds[i],
            },
            alone: out[i].optimum.price,
            today: decisions[i].anchor,
        })
        .collect();
    for (&i, (price, moved)) in idx.iter().zip(ladder(&rungs)) {
        if moved {
            out[i].optimum = Optimum {
                price,
                binding: Binding::PriceLadder,
            };
        }
    }
}

/// Why a decision keeps today's price, if it does: no positive pocket price, or no evidence.
pub(super) fn kept(d: &Decision) -> Option<Binding> {
    if d.members
        .iter()
        .any(|m| !(m.pocket_today() > 0.0 && m.pocket_before() > 0.0))
    {
        return Some(Binding::NoPocketPrice);
    }
    (!d.has_evidence()).then_some(Binding::NoDemandEvidence)
}

fn solve(d: &Decision, bounds: &Bounds) -> Solved {
    if let Some(binding) = kept(d) {
        return Solved {
            optimum: Optimum {
                price: d.anchor,
                binding,
            },
            free: None,
        };
    }
    Solved {
        optimum: d.optimise(bounds),
        free: free_optimum(d),
    }
}

/// The price that maximises the decision's margin without the guardrails, within the range of
/// prices its baseline observed (what a guardrail's cost is measured from); `None` without
/// such a range.
pub(super) fn free_optimum(d: &Decision) -> Option<f64> {
    d.observed().map(|b| d.optimise(&b).price)
}

/// The outcome and evidence of moving decision `d` to list price `x`.
fn evidence(d: &Decision, x: f64, free: Option<f64>) -> Evidence {
    if !d.has_evidence() {
        return Evidence::default();
    }
    let r = d.ratio(x);
    let with: Vec<&Member> = d
        .members
        .iter()
        .filter(|m| m.estimate().is_some())
        .collect();
    let q0: f64 = with.iter().filter_map(|m| m.quantity_before()).sum();
    let q1: f64 = with.iter().filter_map(|m| m.quantity(r)).sum();
    let before = d.margin_before();
    let after = d.margin(x);
    let unit_after: f64 = with
        .iter()
        .filter_map(|m| Some(m.quantity_before()? * (m.plan.money.pocket(r) - m.plan.unit_cost)))
        .sum();
    let prob_gain = prob_gain_all(&d.changes(x));
    Evidence {
        volume_change_pct: Some((q1 / q0 - 1.0) * 100.0),
        pocket_margin_change: Some(after - before),
        break_even_volume_pct: (unit_after > 0.0).then(|| (before / unit_after - 1.0) * 100.0),
        prob_gain,
        confidence: confidence(prob_gain),
        guardrail_cost: free.map(|f| (d.margin(f) - after).max(0.0)),
    }
}

/// Confidence from the probability of a margin gain: high ≥ 0.9, medium ≥ 0.7, else low.
pub fn confidence(prob_gain: Option<f64>) -> Confidence {
    match prob_gain {
        Some(p) if p >= 0.9 => Confidence::High,
        Some(p) if p >= 0.7 => Confidence::Medium,
        Some(_) => Confidence::Low,
        None => Confidence::None,
    }
}

/// A segment × product row. `at`: the list ratio the product's price sets (level product);
/// `None`: the target itself is the recommendation (level segment-product).
fn target_row(d: &Decision, t: &Solved, at: Option<f64>, limits: &Limits) -> Recommendation {
    let m = &d.members[0];
    let cell = m.cell;
    let target_r = d.ratio(t.optimum.price);
    let r = at.unwrap_or(target_r);
    let money = m.plan.money.at(r);
    let has = d.has_evidence();
    let target = has.then(|| m.plan.money.at(target_r));
    let list_price = match at {
        Some(r) => cell.list_price * r,
        None => cell.list_price,
    };
    let target_discount_pct = target.as_ref().map(|t| {
        let off: f64 = t.invoice - t.pocket;
        (list_price - (t.pocket + off)) / list_price * 100.0
    });
    let change_pct = match at {
        Some(r) => (r - 1.0) * 100.0,
        None => (money.pocket / cell.pocket_price() - 1.0) * 100.0,
    };
    let (x, binding) = match at {
        Some(r) => (r * d.anchor, t.optimum.binding),
        None => (t.optimum.price, t.optimum.binding),
    };
    let ev = m.economic_value;
    let above =
        limits.flag_economic_value && ev.is_some_and(|v| money.customer_net > v * 1.000_001);
    // At level product the row shows what the product's price does to the segment; what a
    // guardrail costs is the product's, on its own row.
    let free = if at.is_some() { None } else { t.free };
    let evidence = evidence(d, x, free);
    let e = m.estimate().map(|e| e.elasticity);
    Recommendation {
        segment_id: cell.segment_id.clone(),
        product_id: cell.product_id.clone(),
        current_list_price: cell.list_price,
        current_pocket_price: cell.pocket_price(),
        list_price,
        change_pct,
        expected_pocket_price: money.pocket,
        target_pocket_price: target.as_ref().map(|t| t.pocket),
        target_discount_pct,
        estimate: m.estimate(),
        elasticity_flag: cell.demand.flag,
        elasticity_model: cell.demand.model,
        wtp_median: cell.demand.wtp_median,
        economic_value: ev,
        customer_net_price: money.customer_net,
        capture_ratio: ev.and_then(|v| capture_ratio(money.customer_net, v)),
        above_value: above,
        extrapolated: has && m.extrapolated(r),
        reason: reason(binding, e, cell.demand.flag, evidence.guardrail_cost),
        binding,
        evidence,
    }
}

fn product_row(d: &Decision, s: &Solved) -> ProductPrice {
    let first = d.members[0].cell;
    let x = s.optimum.price;
    let r = d.ratio(x);
    let with: Vec<&Member> = d
        .members
        .iter()
        .filter(|m| m.estimate().is_some())
        .collect();
    let q: f64 = with.iter().map(|m| m.cell.quantity).sum();
    let elasticity = (!with.is_empty()).then(|| {
        with.iter()
            .filter_map(|m| m.estimate().map(|e| e.elasticity * m.cell.quantity))
            .sum::<f64>()
            / q
    });
    let evidence = evidence(d, x, s.free);
    let flag = match d.has_evidence() {
        true => None,
        false => d.members.iter().find_map(|m| m.cell.demand.flag),
    };
    ProductPrice {
        product_id: first.product_id.clone(),
        family: first.family.clone(),
        segments: d.members.len(),
        segments_with_evidence: with.len(),
        current_list_price: d.anchor,
        recommended_list_price: x,
        change_pct: (r - 1.0) * 100.0,
        elasticity,
        extrapolated: with.iter().any(|m| m.extrapolated(r)),
        reason: reason(s.optimum.binding, elasticity, flag, evidence.guardrail_cost),
        binding: s.optimum.binding,
        evidence,
    }
}

/// A number for a sentence, two decimals, never `-0.00`.
fn two(v: f64) -> String {
    format!("{:.2}", (v * 100.0).round() / 100.0 + 0.0)
}

/// Why the price is what it is, in words.
pub fn reason(
    binding: Binding,
    elasticity: Option<f64>,
    flag: Option<FitStatus>,
    cost: Option<f64>,
) -> String {
    let e = elasticity.map_or("no elasticity".to_string(), |e| format!("e = {}", two(e)));
    let inelastic = elasticity.is_some_and(|e| e >= -1.0);
    let costs = cost.filter(|c| *c > 0.005).map_or(String::new(), |c| {
        format!("; it costs {} of pocket margin", two(c))
    });
    match binding {
        Binding::None => format!("margin-maximising price inside the guardrails ({e})"),
        b @ (Binding::MaxIncrease | Binding::EconomicValue | Binding::ObservedRange)
            if inelastic =>
        {
            format!(
                "demand inelastic ({e}): margin rises all the way to the {} bound{costs}",
                b.as_str()
            )
        }
        b @ (Binding::MaxIncrease
        | Binding::MaxDecrease
        | Binding::EconomicValue
        | Binding::ObservedRange) => format!(
            "held at the {} bound; the margin-maximising price lies beyond it ({e}){costs}",
            b.as_str()
        ),
        Binding::MarginFloor => format!("raised to keep the minimum pocket margin ({e}){costs}"),
        Binding::PriceLadder => {
            format!("moved to keep the family's price ladder, solved jointly ({e}){costs}")
        }
        Binding::NoDemandEvidence => {
            let why = flag.map_or("no fit".to_string(), |f| f.as_str().to_string());
            format!("no demand evidence ({why}): today's price kept, volume not projected")
        }
        Binding::NoPocketPrice => "no positive pocket price: today's price kept".to_string(),
        Binding::GuardrailsConflict => {
            "the guardrails conflict (a lower bound lies above an upper bound): upper bound used"
                .to_string()
        }
    }
}

fn costs(rows: impl Iterator<Item = (Binding, Option<f64>)>) -> Vec<GuardrailCost> {
    let mut by: BTreeMap<Binding, GuardrailCost> = BTreeMap::new();
    for (binding, cost) in rows {
        let entry = by.entry(binding).or_insert(GuardrailCost {
            binding,
            rows: 0,
            pocket_margin: binding.is_guardrail().then_some(0.0),
        });
        entry.rows += 1;
        if let (Some(total), Some(c)) = (entry.pocket_margin.as_mut(), cost) {
            *total += c;
        }
    }
    by.into_values().collect()
}
