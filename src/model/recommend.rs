//! The recommended-price engine, over plain functions of one price: the price in a box of
//! guardrail bounds that maximises a margin function (a grid, then argmin's Brent around the
//! best grid point, so that a sum of several segments' curves with more than one peak is still
//! maximised), the name of the bound that binds, the price ladder solved jointly by
//! pool-adjacent-violators, and the evidence on a change: break-even volume and the
//! probability that it gains margin.

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::brent::BrentOpt;
use serde::Serialize;
use statrs::distribution::{ContinuousCDF, Normal, StudentsT};

/// Which constraint decided a recommended price. Text forms are stable (CSV/JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Binding {
    /// The margin-maximising price lies strictly inside the bounds.
    None,
    MaxIncrease,
    MaxDecrease,
    MarginFloor,
    EconomicValue,
    /// `stay_within_observed`: the range of pocket prices the baseline saw.
    ObservedRange,
    PriceLadder,
    /// No usable demand response: today's price is kept.
    NoDemandEvidence,
    /// No positive pocket price to work from: today's price is kept.
    NoPocketPrice,
    /// The lower bounds lie above the upper bounds; the upper bound is used.
    GuardrailsConflict,
}

impl Binding {
    pub const ALL: [Binding; 10] = [
        Binding::None,
        Binding::MaxIncrease,
        Binding::MaxDecrease,
        Binding::MarginFloor,
        Binding::EconomicValue,
        Binding::ObservedRange,
        Binding::PriceLadder,
        Binding::NoDemandEvidence,
        Binding::NoPocketPrice,
        Binding::GuardrailsConflict,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Binding::None => "none",
            Binding::MaxIncrease => "max_increase",
            Binding::MaxDecrease => "max_decrease",
            Binding::MarginFloor => "margin_floor",
            Binding::EconomicValue => "economic_value",
            Binding::ObservedRange => "observed_range",
            Binding::PriceLadder => "price_ladder",
            Binding::NoDemandEvidence => "no_demand_evidence",
            Binding::NoPocketPrice => "no_pocket_price",
            Binding::GuardrailsConflict => "guardrails_conflict",
        }
    }

    /// True for the guardrails an analyst sets (what a guardrail cost is charged to).
    pub fn is_guardrail(self) -> bool {
        matches!(
            self,
            Binding::MaxIncrease
                | Binding::MaxDecrease
                | Binding::MarginFloor
                | Binding::EconomicValue
                | Binding::ObservedRange
                | Binding::PriceLadder
                | Binding::GuardrailsConflict
        )
    }
}

/// One end of the feasible range of a price and the constraint that sets it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bound {
    pub value: f64,
    pub by: Binding,
}

/// The feasible range of a price: the tightest lower and upper bounds.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Bounds {
    pub lo: Bound,
    pub hi: Bound,
}

impl Bounds {
    /// Between `lo` (set by `lo_by`) and `hi` (set by `hi_by`).
    pub fn new(lo: f64, lo_by: Binding, hi: f64, hi_by: Binding) -> Bounds {
        Bounds {
            lo: Bound {
                value: lo,
                by: lo_by,
            },
            hi: Bound {
                value: hi,
                by: hi_by,
            },
        }
    }

    /// Raises the lower bound to `value` when that is tighter.
    pub fn at_least(&mut self, value: f64, by: Binding) {
        if value.is_finite() && value > self.lo.value {
            self.lo = Bound { value, by };
        }
    }

    /// Lowers the upper bound to `value` when that is tighter.
    pub fn at_most(&mut self, value: f64, by: Binding) {
        if value.is_finite() && value < self.hi.value {
            self.hi = Bound { value, by };
        }
    }

    /// True when some price satisfies every bound.
    pub fn feasible(&self) -> bool {
        self.lo.value <= self.hi.value
    }

    /// The intersection of two ranges.
    pub fn meet(&self, other: &Bounds) -> Bounds {
        let mut b = *self;
        b.at_least(other.lo.value, other.lo.by);
        b.at_most(other.hi.value, other.hi.by);
        b
    }
}

/// A recommended price and what decided it.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Optimum {
    pub price: f64,
    pub binding: Binding,
}

/// Evaluations of the grid that brackets the maximum before Brent refines it.
const GRID: usize = 48;

struct Negated<'a>(&'a dyn Fn(f64) -> f64);

impl CostFunction for Negated<'_> {
    type Param = f64;
    type Output = f64;

    fn cost(&self, x: &f64) -> Result<f64, Error> {
        // Brent can loop on non-finite costs: refuse them instead.
        let v = (self.0)(*x);
        match v.is_finite() && x.is_finite() {
            true => Ok(-v),
            false => Err(Error::msg("the objective is not finite at this price")),
        }
    }
}

/// The x in [lo, hi] that maximises `f`: the best of a grid of [`GRID`] + 1 points, refined by
/// Brent's method between its neighbours, the bounds themselves also tried. A constant or
/// non-finite `f` gives `lo`.
pub fn maximise(f: &dyn Fn(f64) -> f64, lo: f64, hi: f64) -> f64 {
    // Also false for NaN bounds.
    if lo.partial_cmp(&hi) != Some(std::cmp::Ordering::Less) {
        return lo;
    }
    let step = (hi - lo) / GRID as f64;
    let value = |x: f64| Some(f(x)).filter(|v| v.is_finite());
    let best_at = (0..=GRID)
        .filter_map(|i| value(lo + step * i as f64).map(|v| (i, v)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0, |(i, _)| i);
    let (a, b) = (
        lo + step * best_at.saturating_sub(1) as f64,
        (lo + step * (best_at + 1) as f64).min(hi),
    );
    let inner = brent(f, a, b).unwrap_or(lo + step * best_at as f64);
    [inner, lo + step * best_at as f64, lo, hi]
        .into_iter()
        .filter_map(|x| value(x).map(|v| (x, v)))
        .max_by(|p, q| p.1.total_cmp(&q.1))
        .map_or(lo, |(x, _)| x)
}

fn brent(f: &dyn Fn(f64) -> f64, a: f64, b: f64) -> Option<f64> {
    if a.partial_cmp(&b) != Some(std::cmp::Ordering::Less) {
        return None;
    }
    let solver = BrentOpt::new(a, b).set_tolerance(f64::EPSILON.sqrt(), 1e-10 * b.abs().max(1.0));
    let result = Executor::new(Negated(f), solver)
        .configure(|s| s.max_iters(200))
        .run()
        .ok()?;
    result.state().get_best_param().copied()
}

/// True when `x` sits at `bound` (to a relative 1e-7).
fn near(x: f64, bound: f64) -> bool {
    (x - bound).abs() <= 1e-7 * bound.abs().max(1.0)
}

/// The price in `bounds` that maximises `f`, and the bound that binds (`None` inside). When
/// the bounds conflict, the upper bound is used and named `guardrails_conflict`.
pub fn optimise(f: &dyn Fn(f64) -> f64, bounds: &Bounds) -> Optimum {
    if !bounds.feasible() {
        return conflict(bounds);
    }
    bound_by(maximise(f, bounds.lo.value, bounds.hi.value), bounds)
}

/// As [`optimise`], for an `f` whose maximum in `bounds` is known to lie at a bound or at one
/// of `candidates` (its stationary points, clamped into the bounds): the best of those, ties
/// going to the upper bound as in [`maximise`].
pub fn optimise_among(f: &dyn Fn(f64) -> f64, bounds: &Bounds, candidates: &[f64]) -> Optimum {
    if !bounds.feasible() {
        return conflict(bounds);
    }
    let (lo, hi) = (bounds.lo.value, bounds.hi.value);
    let price = candidates
        .iter()
        .map(|x| x.clamp(lo, hi))
        .chain([lo, hi])
        .filter_map(|x| Some((x, f(x))).filter(|(_, v)| v.is_finite()))
        .max_by(|p, q| p.1.total_cmp(&q.1))
        .map_or(lo, |(x, _)| x);
    bound_by(price, bounds)
}

fn conflict(bounds: &Bounds) -> Optimum {
    Optimum {
        price: bounds.hi.value,
        binding: Binding::GuardrailsConflict,
    }
}

/// The optimum at `price`, named by the bound it sits at (`None` inside).
fn bound_by(price: f64, bounds: &Bounds) -> Optimum {
    let binding = match price {
        p if near(p, bounds.hi.value) && bounds.hi.value > bounds.lo.value => bounds.hi.by,
        p if near(p, bounds.lo.value) => bounds.lo.by,
        _ => Binding::None,
    };
    Optimum { price, binding }
}

/// One price of a ladder: its margin function, its own bounds, its optimum alone within them
/// (`optimise(margin, bounds).price`, which the caller has already solved) and today's price
/// (which sets its place in the ladder).
pub struct Rung<'a> {
    pub margin: &'a dyn Fn(f64) -> f64,
    pub bounds: Bounds,
    pub alone: f64,
    pub today: f64,
}

/// A block of adjacent rungs that share one price.
struct Block {
    members: Vec<usize>,
    bounds: Bounds,
    price: f64,
}

/// The prices that maximise the ladder's total margin subject to keeping today's order (a rung
/// priced below another today is not priced above it), each within its own bounds: pool-
/// adjacent-violators, where a pooled block's common price maximises the sum of its members'
/// margins over the intersection of their bounds. Returns each rung's price and whether the
/// ladder moved it off its own optimum. Rungs whose bounds cannot meet keep their own optima.
pub fn ladder(rungs: &[Rung]) -> Vec<(f64, bool)> {
    let mut order: Vec<usize> = (0..rungs.len()).collect();
    order.sort_by(|&a, &b| rungs[a].today.total_cmp(&rungs[b].today));
    let alone: Vec<f64> = rungs.iter().map(|r| r.alone).collect();
    let mut blocks: Vec<Block> = Vec::new();
    for i in order {
        blocks.push(Block {
            members: vec![i],
            bounds: rungs[i].bounds,
            price: alone[i],
        });
        while blocks.len() >= 2 {
            let n = blocks.len();
            if blocks[n - 2].price <= blocks[n - 1].price {
                break;
            }
            let Some(merged) = merge(rungs, &blocks[n - 2], &blocks[n - 1]) else {
                break;
            };
            blocks.truncate(n - 2);
            blocks.push(merged);
        }
    }
    let mut out: Vec<(f64, bool)> = alone.iter().map(|&p| (p, false)).collect();
    for b in blocks {
        for &i in &b.members {
            out[i] = (b.price, b.members.len() > 1 && !near(b.price, alone[i]));
        }
    }
    out
}

fn merge(rungs: &[Rung], a: &Block, b: &Block) -> Option<Block> {
    let bounds = a.bounds.meet(&b.bounds);
    if !bounds.feasible() {
        return None;
    }
    let members: Vec<usize> = a.members.iter().chain(&b.members).copied().collect();
    let total = |x: f64| members.iter().map(|&i| (rungs[i].margin)(x)).sum::<f64>();
    let price = maximise(&total, bounds.lo.value, bounds.hi.value);
    Some(Block {
        members,
        bounds,
        price,
    })
}

/// Before and after of one segment's sales under a price change, per unit, with its demand
/// estimate: Q1 = Q0 · (P1 / P0)^e.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Change {
    pub quantity: f64,
    pub pocket_before: f64,
    pub cost_before: f64,
    pub pocket_after: f64,
    pub cost_after: f64,
    pub elasticity: f64,
    /// Standard error of the elasticity (0: known exactly).
    pub std_error: f64,
    /// Student t degrees of freedom of its sampling distribution; `None`: normal.
    pub df: Option<f64>,
}

impl Change {
    /// Pocket margin after − before at elasticity `e`.
    pub fn margin_change(&self, e: f64) -> f64 {
        let after = match self.pocket_after > 0.0 {
            true => {
                self.quantity
                    * (self.pocket_after / self.pocket_before).powf(e)
                    * (self.pocket_after - self.cost_after)
            }
            false => 0.0,
        };
        after - self.quantity * (self.pocket_before - self.cost_before)
    }

    /// The volume change, in % of the baseline, at which the change adds no pocket margin:
    /// Q1 / Q0 = (P0 − c0) / (P1 − c1). `None` when the new unit margin is not positive.
    pub fn break_even_volume_pct(&self) -> Option<f64> {
        let new = self.pocket_after - self.cost_after;
        (new > 0.0).then(|| ((self.pocket_before - self.cost_before) / new - 1.0) * 100.0)
    }

    /// P(e > x) or P(e < x) under the estimate's sampling distribution.
    fn tail(&self, x: f64, above: bool) -> f64 {
        if self.std_error <= 0.0 {
            let hit = match above {
                true => self.elasticity > x,
                false => self.elasticity < x,
            };
            return f64::from(u8::from(hit));
        }
        let z = (x - self.elasticity) / self.std_error;
        let below = match self.df {
            Some(df) => StudentsT::new(0.0, 1.0, df.max(1.0)).map_or(f64::NAN, |t| t.cdf(z)),
            None => Normal::standard().cdf(z),
        };
        match above {
            true => 1.0 - below,
            false => below,
        }
    }

    /// The probability that the change gains pocket margin, exactly from the estimate's
    /// distribution: the margin after, Q0 · (P1/P0)^e · (P1 − c1), is monotone in e, so the
    /// change gains when e lies beyond the threshold ln((P0 − c0)/(P1 − c1)) / ln(P1/P0) on the
    /// side the signs give. `None` without a price change (nothing to learn from demand) or
    /// without a positive P0.
    pub fn prob_gain(&self) -> Option<f64> {
        let (p0, p1) = (self.pocket_before, self.pocket_after);
        if p0.is_nan() || p0 <= 0.0 || near(p1, p0) {
            return None;
        }
        let (old, new) = (p0 - self.cost_before, p1 - self.cost_after);
        let certain = |gain: bool| Some(f64::from(u8::from(gain)));
        if p1 <= 0.0 || new == 0.0 {
            return certain(0.0 > old);
        }
        // Gain ⟺ (P1/P0)^e · new > old; dividing by `new` flips the inequality when new < 0.
        let ratio = old / new;
        if ratio <= 0.0 {
            return certain(new > 0.0);
        }
        let rising = p1 > p0;
        let threshold = ratio.ln() / (p1 / p0).ln();
        Some(self.tail(threshold, rising == (new > 0.0)))
    }
}

/// Points of the quasi-Monte-Carlo estimate of a multi-segment [`prob_gain_all`].
pub const QMC_POINTS: usize = 512;

/// The probability that the changes together gain pocket margin, their elasticities taken as
/// independent: exact ([`Change::prob_gain`]) for one change; for several, conditional
/// quasi-Monte-Carlo: the segments but one are drawn on an Owen-scrambled Sobol sequence of
/// [`QMC_POINTS`] points, each elasticity as estimate + SE · Φ⁻¹(u), and for each point the
/// probability that the remaining segment's draw makes the total positive is exact (its
/// margin is monotone in its elasticity). Deterministic; the normal stands in for Student t,
/// close for the usual 50+ degrees of freedom. Integrating that smooth conditional
/// probability instead of the 0/1 "gains or not" of each point is what lets 512 points be
/// more accurate than 2,048 indicator points were (`tests/recommend.rs` checks both against
/// 100k pseudo-random draws), at a quarter of the `exp` calls that were most of the time of
/// a price list (`benches/scenario.rs`).
pub fn prob_gain_all(changes: &[Change]) -> Option<f64> {
    match changes {
        [] => None,
        [one] => one.prob_gain(),
        _ if changes
            .iter()
            .all(|c| near(c.pocket_after, c.pocket_before)) =>
        {
            None
        }
        _ => Some(qmc_share(changes)),
    }
}

/// One change's margin after at a standard normal draw z of its elasticity:
/// a · exp(k · z), with a = q0 · (P1 − c1) · exp(e · ln(P1/P0)) and k = SE · ln(P1/P0).
#[derive(Debug, Clone, Copy)]
struct Term {
    a: f64,
    k: f64,
}

fn qmc_share(changes: &[Change]) -> f64 {
    let terms: Vec<Term> = changes
        .iter()
        .map(|c| match c.pocket_after > 0.0 {
            true => {
                let ln_ratio = (c.pocket_after / c.pocket_before).ln();
                Term {
                    a: c.quantity
                        * (c.pocket_after - c.cost_after)
                        * (c.elasticity * ln_ratio).exp(),
                    k: c.std_error * ln_ratio,
                }
            }
            false => Term { a: 0.0, k: 0.0 },
        })
        .collect();
    let before: f64 = changes
        .iter()
        .map(|c| c.quantity * (c.pocket_before - c.cost_before))
        .sum();
    // The segment integrated exactly: the one whose margin varies most with its draw.
    let (pivot, spread) = terms
        .iter()
        .map(|t| (t.a * t.k).abs())
        .enumerate()
        .max_by(|p, q| p.1.total_cmp(&q.1))
        .unwrap_or((0, 0.0));
    let others: Vec<Term> = (0..terms.len())
        .filter(|&d| d != pivot)
        .map(|d| terms[d])
        .collect();
    // Each other dimension's Sobol quantiles: the kept table, else computed for this call.
    let quantiles: Vec<std::borrow::Cow<[f64]>> = (0..others.len())
        .map(|d| match QUANTILES.get(d) {
            Some(z) => std::borrow::Cow::Borrowed(z.as_slice()),
            None => std::borrow::Cow::Owned(sobol_quantiles(d)),
        })
        .collect();
    let normal = Normal::standard();
    let mut total = 0.0;
    for i in 0..QMC_POINTS {
        let rest: f64 = others
            .iter()
            .zip(&quantiles)
            .map(|(t, z)| t.a * (t.k * z[i]).exp())
            .sum::<f64>()
            - before;
        total += match spread > 0.0 {
            true => pivot_gain(terms[pivot], rest, &normal),
            false => f64::from(u8::from(rest + terms[pivot].a > 0.0)),
        };
    }
    total / QMC_POINTS as f64
}

/// P(rest + a · exp(k · z) > 0) for a standard normal z (a, k ≠ 0).
fn pivot_gain(t: Term, rest: f64, normal: &Normal) -> f64 {
    // a · exp(k z) > −rest. For a > 0: exp(k z) > −rest / a; for a < 0: exp(k z) < rest / |a|.
    let bound = -rest / t.a;
    let above = t.a > 0.0;
    if bound <= 0.0 {
        // exp is positive: always above a non-positive bound, never below it.
        return f64::from(u8::from(above));
    }
    // k z > ln(bound) (or <): z beyond ln(bound) / k, the side flipping with the sign of k.
    let z = bound.ln() / t.k;
    match above == (t.k > 0.0) {
        true => 1.0 - normal.cdf(z),
        false => normal.cdf(z),
    }
}

/// Dimensions whose Sobol quantiles are computed once and kept (a product sold in more
/// segments than this computes the rest on each call).
const CACHED_DIMENSIONS: usize = 32;

/// Φ⁻¹ of the Sobol points' coordinates, per dimension: the same for every call, and the
/// inverse normal CDF was most of the time of [`prob_gain_all`] (`benches/scenario.rs`).
static QUANTILES: std::sync::LazyLock<Vec<Vec<f64>>> =
    std::sync::LazyLock::new(|| (0..CACHED_DIMENSIONS).map(sobol_quantiles).collect());

/// The standard normal quantiles of dimension `d` of the first [`QMC_POINTS`] points of an
/// Owen-scrambled Sobol sequence (`sobol_burley`: 256 dimensions, then a new seed per 256).
fn sobol_quantiles(d: usize) -> Vec<f64> {
    let normal = Normal::standard();
    let (dim, seed) = ((d % 256) as u32, (d / 256) as u32);
    (0..QMC_POINTS as u32)
        .map(|i| {
            // f32 coordinates: keep Φ⁻¹ off 0 and 1.
            let u = f64::from(sobol_burley::sample(i, dim, seed)).clamp(1e-9, 1.0 - 1e-9);
            normal.inverse_cdf(u)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn maximise_finds_the_closed_form_optimum_of_constant_elasticity_margin() {
        // Margin (p − c)·p^e peaks at p* = c·e / (1 + e).
        let (c, e) = (4.0, -2.5);
        let f = |p: f64| (p - c) * p.powf(e);
        let p = maximise(&f, 1.0, 100.0);
        assert!((p - c * e / (1.0 + e)).abs() < 1e-6, "{p}");
    }

    #[test]
    fn optimise_names_the_bound_that_binds() {
        let rising = |p: f64| p;
        let b = Bounds::new(5.0, Binding::MaxDecrease, 7.0, Binding::EconomicValue);
        assert_eq!(optimise(&rising, &b).binding, Binding::EconomicValue);
        let falling = |p: f64| -p;
        assert_eq!(optimise(&falling, &b).binding, Binding::MaxDecrease);
        let peak = |p: f64| -(p - 6.0).powi(2);
        let inside = optimise(&peak, &b);
        assert_eq!(inside.binding, Binding::None);
        assert!((inside.price - 6.0).abs() < 1e-6);
        let conflict = Bounds::new(8.0, Binding::MarginFloor, 7.0, Binding::MaxIncrease);
        assert_eq!(
            optimise(&peak, &conflict),
            Optimum {
                price: 7.0,
                binding: Binding::GuardrailsConflict
            }
        );
    }

    #[test]
    fn break_even_and_prob_gain_of_a_single_change() {
        let c = Change {
            quantity: 100.0,
            pocket_before: 10.0,
            cost_before: 6.0,
            pocket_after: 11.0,
            cost_after: 6.0,
            elasticity: -1.5,
            std_error: 0.5,
            df: Some(50.0),
        };
        // (10 − 6) / (11 − 6) = 0.8: a 20% volume loss is break-even.
        assert!((c.break_even_volume_pct().unwrap_or(0.0) + 20.0).abs() < 1e-12);
        // Threshold e* = ln(0.8) / ln(1.1) = −2.3412; P(e > e*) with e ~ −1.5 + 0.5·t(50).
        let t = StudentsT::new(0.0, 1.0, 50.0).map_or(0.0, |t| t.cdf((-2.3412 + 1.5) / 0.5));
        let p = c.prob_gain().unwrap_or(f64::NAN);
        assert!((p - (1.0 - t)).abs() < 1e-4, "{p}");
        assert!(c.margin_change(-2.0) > 0.0 && c.margin_change(-2.5) < 0.0);
        let same = Change {
            pocket_after: 10.0,
            ..c
        };
        assert_eq!(same.prob_gain(), None);
    }
}
