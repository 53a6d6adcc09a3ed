//! Van Westendorp price sensitivity meter: cumulative answer curves and their intersections.

use serde::{Deserialize, Serialize};
use std::fmt;

/// One respondent's four Van Westendorp answers (currency per unit).
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct SurveyAnswer {
    pub too_cheap: f64,
    pub cheap: f64,
    pub expensive: f64,
    pub too_expensive: f64,
}

impl SurveyAnswer {
    /// Valid when finite, ≥ 0 and strictly increasing too_cheap < cheap < expensive <
    /// too_expensive.
    pub fn is_consistent(&self) -> bool {
        let a = [
            self.too_cheap,
            self.cheap,
            self.expensive,
            self.too_expensive,
        ];
        a.iter().all(|v| v.is_finite() && *v >= 0.0) && a.windows(2).all(|w| w[0] < w[1])
    }
}

/// Whether the price points could be computed. Text forms are stable (CSV/JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum PsmStatus {
    Ok,
    /// Fewer than 2 consistent respondents: no curves, no points.
    TooFewRespondents,
    /// At least one pair of curves does not cross; the points that exist are still given.
    NoIntersection,
    /// PMC lies above PME, so there is no acceptable range.
    InvertedRange,
}

impl PsmStatus {
    /// Stable lowercase text form.
    pub fn as_str(self) -> &'static str {
        match self {
            PsmStatus::Ok => "ok",
            PsmStatus::TooFewRespondents => "too_few_respondents",
            PsmStatus::NoIntersection => "no_intersection",
            PsmStatus::InvertedRange => "inverted_range",
        }
    }
}

impl fmt::Display for PsmStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// The cumulative shares (0..1) of consistent respondents at one price, for a chart.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PsmCurvePoint {
    pub price: f64,
    /// Share with too_cheap ≥ price (falls with price).
    pub too_cheap: f64,
    /// Share with cheap ≥ price.
    pub cheap: f64,
    /// 1 − cheap.
    pub not_cheap: f64,
    /// Share with expensive ≤ price (rises with price).
    pub expensive: f64,
    /// 1 − expensive.
    pub not_expensive: f64,
    /// Share with too_expensive ≤ price.
    pub too_expensive: f64,
}

/// Van Westendorp price points (currency per unit) and the curves they come from.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PsmResult {
    pub status: PsmStatus,
    pub n_respondents: usize,
    /// Respondents whose answers were strictly increasing (the only ones used).
    pub n_valid: usize,
    /// Point of marginal cheapness: too cheap ∩ not cheap.
    pub pmc: Option<f64>,
    /// Optimal price point: too cheap ∩ too expensive.
    pub opp: Option<f64>,
    /// Indifference price point: cheap ∩ expensive.
    pub ipp: Option<f64>,
    /// Point of marginal expensiveness: not expensive ∩ too expensive.
    pub pme: Option<f64>,
    /// Range of acceptable prices [PMC, PME].
    pub range_low: Option<f64>,
    pub range_high: Option<f64>,
    /// Curves at the sorted distinct answer prices.
    pub curves: Vec<PsmCurvePoint>,
}

/// Computes the Van Westendorp price points from survey answers.
///
/// Curves are evaluated at the sorted distinct answer prices of the consistent respondents.
/// Each point is the first crossing, scanning upward in price, of d = falling − rising curve:
/// where d changes sign between two neighbouring prices, linear interpolation between them;
/// where d is exactly 0 (touching or a flat equal stretch), the midpoint of that run of zeros.
pub fn compute_psm(answers: &[SurveyAnswer]) -> PsmResult {
    let valid: Vec<&SurveyAnswer> = answers.iter().filter(|a| a.is_consistent()).collect();
    let mut result = PsmResult {
        status: PsmStatus::TooFewRespondents,
        n_respondents: answers.len(),
        n_valid: valid.len(),
        pmc: None,
        opp: None,
        ipp: None,
        pme: None,
        range_low: None,
        range_high: None,
        curves: Vec::new(),
    };
    if valid.len() < 2 {
        return result;
    }
    result.curves = build_curves(&valid);
    let c = &result.curves;
    result.pmc = first_crossing(c, |p| p.too_cheap - p.not_cheap);
    result.opp = first_crossing(c, |p| p.too_cheap - p.too_expensive);
    result.ipp = first_crossing(c, |p| p.cheap - p.expensive);
    result.pme = first_crossing(c, |p| p.not_expensive - p.too_expensive);
    result.status = match (result.pmc, result.opp, result.ipp, result.pme) {
        (Some(low), Some(_), Some(_), Some(high)) if low <= high => {
            result.range_low = Some(low);
            result.range_high = Some(high);
            PsmStatus::Ok
        }
        (Some(_), Some(_), Some(_), Some(_)) => PsmStatus::InvertedRange,
        _ => PsmStatus::NoIntersection,
    };
    result
}

fn build_curves(valid: &[&SurveyAnswer]) -> Vec<PsmCurvePoint> {
    let sorted = |f: fn(&SurveyAnswer) -> f64| {
        let mut v: Vec<f64> = valid.iter().map(|a| f(a)).collect();
        v.sort_by(f64::total_cmp);
        v
    };
    let too_cheap = sorted(|a| a.too_cheap);
    let cheap = sorted(|a| a.cheap);
    let expensive = sorted(|a| a.expensive);
    let too_expensive = sorted(|a| a.too_expensive);
    let mut prices: Vec<f64> = [&too_cheap, &cheap, &expensive, &too_expensive]
        .into_iter()
        .flatten()
        .copied()
        .collect();
    prices.sort_by(f64::total_cmp);
    prices.dedup();
    let n = valid.len() as f64;
    let at_least = |v: &[f64], x: f64| (v.len() - v.partition_point(|&a| a < x)) as f64 / n;
    let at_most = |v: &[f64], x: f64| v.partition_point(|&a| a <= x) as f64 / n;
    prices
        .into_iter()
        .map(|price| {
            let cheap_share = at_least(&cheap, price);
            let expensive_share = at_most(&expensive, price);
            PsmCurvePoint {
                price,
                too_cheap: at_least(&too_cheap, price),
                cheap: cheap_share,
                not_cheap: 1.0 - cheap_share,
                expensive: expensive_share,
                not_expensive: 1.0 - expensive_share,
                too_expensive: at_most(&too_expensive, price),
            }
        })
        .collect()
}

/// First price where `diff` reaches zero or changes sign (see [`compute_psm`] for the rule).
fn first_crossing(curves: &[PsmCurvePoint], diff: impl Fn(&PsmCurvePoint) -> f64) -> Option<f64> {
    // Shares are count/n, so differences that should be 0 may be off by rounding.
    let snap = |v: f64| if v.abs() < 1e-12 { 0.0 } else { v };
    let d: Vec<f64> = curves.iter().map(|p| snap(diff(p))).collect();
    for k in 0..d.len() {
        if d[k] == 0.0 {
            let end = (k..d.len())
                .take_while(|&j| d[j] == 0.0)
                .last()
                .unwrap_or(k);
            return Some(0.5 * (curves[k].price + curves[end].price));
        }
        if k > 0 && (d[k - 1] > 0.0) != (d[k] > 0.0) {
            let (x0, x1) = (curves[k - 1].price, curves[k].price);
            return Some(x0 + d[k - 1] * (x1 - x0) / (d[k - 1] - d[k]));
        }
    }
    None
}

/// Resamples [`bootstrap_psm`] draws by default.
pub const BOOTSTRAP_RESAMPLES: usize = 400;

/// Share of resamples that must give a point for it to get an interval.
const BOOTSTRAP_MIN_SHARE: f64 = 0.95;

/// 95% percentile-bootstrap intervals of the optimal and indifference price points.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct PsmIntervals {
    pub opp: Option<(f64, f64)>,
    pub ipp: Option<(f64, f64)>,
    /// Resamples the intervals come from.
    pub resamples: usize,
}

/// The 2.5th and 97.5th percentiles of OPP and IPP over `resamples` resamples of the
/// respondents, drawn with replacement by a generator seeded with `seed` (splitmix64: the same
/// answers always give the same intervals). A point absent from more than 5% of the resamples
/// gets no interval; neither does any point with fewer than 2 consistent respondents.
pub fn bootstrap_psm(answers: &[SurveyAnswer], resamples: usize, seed: u64) -> PsmIntervals {
    let valid: Vec<SurveyAnswer> = answers
        .iter()
        .filter(|a| a.is_consistent())
        .copied()
        .collect();
    let mut out = PsmIntervals {
        resamples,
        ..PsmIntervals::default()
    };
    if valid.len() < 2 || resamples == 0 {
        return out;
    }
    let sorted = SortedAnswers::new(&valid);
    let mut state = seed;
    let (mut opp, mut ipp) = (Vec::with_capacity(resamples), Vec::with_capacity(resamples));
    let mut counts = vec![0u32; valid.len()];
    for _ in 0..resamples {
        counts.fill(0);
        for _ in 0..valid.len() {
            counts[(splitmix64(&mut state) % valid.len() as u64) as usize] += 1;
        }
        let curves = sorted.curves(&counts);
        opp.extend(first_crossing(&curves, |p| p.too_cheap - p.too_expensive));
        ipp.extend(first_crossing(&curves, |p| p.cheap - p.expensive));
    }
    out.opp = percentile_interval(opp, resamples);
    out.ipp = percentile_interval(ipp, resamples);
    out
}

/// The consistent answers with, per question, the respondents in the order of their answer:
/// a resample's curves are then a walk over those orders (no sort per resample).
struct SortedAnswers<'a> {
    valid: &'a [SurveyAnswer],
    /// Respondent indices by too cheap, cheap, expensive, too expensive answer.
    order: [Vec<usize>; 4],
}

impl<'a> SortedAnswers<'a> {
    fn new(valid: &'a [SurveyAnswer]) -> Self {
        let by = |f: fn(&SurveyAnswer) -> f64| {
            let mut idx: Vec<usize> = (0..valid.len()).collect();
            idx.sort_by(|&a, &b| f(&valid[a]).total_cmp(&f(&valid[b])));
            idx
        };
        SortedAnswers {
            order: QUESTIONS.map(by),
            valid,
        }
    }

    /// The curves of the resample holding respondent i `counts[i]` times: the same numbers
    /// [`build_curves`] gives for that resample written out (the same grid of distinct answer
    /// prices, the same count / n shares).
    fn curves(&self, counts: &[u32]) -> Vec<PsmCurvePoint> {
        let drawn = |q: usize| -> Vec<(f64, u32)> {
            self.order[q]
                .iter()
                .filter(|&&i| counts[i] > 0)
                .map(|&i| (QUESTIONS[q](&self.valid[i]), counts[i]))
                .collect()
        };
        let answers: [Vec<(f64, u32)>; 4] = [drawn(0), drawn(1), drawn(2), drawn(3)];
        let n = counts.iter().sum::<u32>();
        // Walk the four sorted lists together: the next price of the grid is the lowest answer
        // not yet passed; per question, `below` counts the answers under it and `at_most` those
        // at or under it.
        let (mut below, mut at_most, mut next) = ([0u32; 4], [0u32; 4], [0usize; 4]);
        let mut out = Vec::with_capacity(answers.iter().map(Vec::len).sum());
        while let Some(price) = (0..4)
            .filter_map(|q| answers[q].get(next[q]).map(|a| a.0))
            .min_by(f64::total_cmp)
        {
            for q in 0..4 {
                below[q] = at_most[q];
                while let Some(&(_, c)) = answers[q].get(next[q]).filter(|a| a.0 <= price) {
                    at_most[q] += c;
                    next[q] += 1;
                }
            }
            let share = |k: u32| f64::from(k) / f64::from(n);
            let (cheap, expensive) = (share(n - below[1]), share(at_most[2]));
            out.push(PsmCurvePoint {
                price,
                too_cheap: share(n - below[0]),
                cheap,
                not_cheap: 1.0 - cheap,
                expensive,
                not_expensive: 1.0 - expensive,
                too_expensive: share(at_most[3]),
            });
        }
        out
    }
}

/// The four answers of a respondent, in the order too cheap, cheap, expensive, too expensive.
const QUESTIONS: [fn(&SurveyAnswer) -> f64; 4] = [
    |a| a.too_cheap,
    |a| a.cheap,
    |a| a.expensive,
    |a| a.too_expensive,
];

/// Steele's splitmix64: a small, well-mixed generator for reproducible resampling.
fn splitmix64(state: &mut u64) -> u64 {
    *state = state.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// The 2.5th and 97.5th percentiles (linear between order statistics) of `values`, when at
/// least [`BOOTSTRAP_MIN_SHARE`] of the `resamples` gave one.
fn percentile_interval(mut values: Vec<f64>, resamples: usize) -> Option<(f64, f64)> {
    if values.is_empty() || (values.len() as f64) < BOOTSTRAP_MIN_SHARE * resamples as f64 {
        return None;
    }
    values.sort_by(f64::total_cmp);
    let at = |q: f64| {
        let x = q * (values.len() - 1) as f64;
        let (i, frac) = (x.floor() as usize, x.fract());
        let next = values[(i + 1).min(values.len() - 1)];
        values[i] + frac * (next - values[i])
    };
    Some((at(0.025), at(0.975)))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `n` consistent respondents whose answers spread evenly around a value level of 100.
    fn survey(n: usize) -> Vec<SurveyAnswer> {
        (0..n)
            .map(|i| {
                let b = 70.0 + 60.0 * (i as f64 + 0.5) / n as f64;
                let wobble = 1.0 + 0.05 * ((i * 7 % 11) as f64 / 10.0 - 0.5);
                SurveyAnswer {
                    too_cheap: 0.55 * b * wobble,
                    cheap: 0.75 * b,
                    expensive: 1.25 * b * wobble,
                    too_expensive: 1.6 * b,
                }
            })
            .collect()
    }

    #[test]
    fn bootstrap_intervals_hold_the_point_shrink_with_more_respondents_and_repeat() {
        let small = survey(40);
        let point = compute_psm(&small);
        let b = bootstrap_psm(&small, BOOTSTRAP_RESAMPLES, 7);
        let (opp, ipp) = (b.opp.unwrap_or_default(), b.ipp.unwrap_or_default());
        let (p_opp, p_ipp) = (point.opp.unwrap_or(0.0), point.ipp.unwrap_or(0.0));
        assert!(opp.0 < p_opp && p_opp < opp.1, "{opp:?} vs {p_opp}");
        assert!(ipp.0 < p_ipp && p_ipp < ipp.1, "{ipp:?} vs {p_ipp}");
        assert_eq!(bootstrap_psm(&small, BOOTSTRAP_RESAMPLES, 7), b);
        // Ten times the respondents: about a third of the width (1/√10 ≈ 0.32).
        let big = bootstrap_psm(&survey(400), BOOTSTRAP_RESAMPLES, 7);
        let width = |i: Option<(f64, f64)>| i.map_or(f64::NAN, |(lo, hi)| hi - lo);
        let ratio = width(big.ipp) / width(b.ipp);
        assert!((0.15..0.55).contains(&ratio), "{ratio}");
    }

    #[test]
    fn a_resamples_curves_are_those_of_the_resample_written_out() {
        let answers = survey(25);
        let counts: Vec<u32> = (0..25).map(|i| [0, 1, 2, 1, 1][i % 5]).collect();
        let written: Vec<&SurveyAnswer> = answers
            .iter()
            .zip(&counts)
            .flat_map(|(a, &c)| std::iter::repeat_n(a, c as usize))
            .collect();
        assert_eq!(written.len(), 25);
        let fast = SortedAnswers::new(&answers).curves(&counts);
        assert_eq!(fast, build_curves(&written));
    }

    #[test]
    fn bootstrap_of_too_few_respondents_has_no_interval() {
        let b = bootstrap_psm(&survey(1), BOOTSTRAP_RESAMPLES, 7);
        assert_eq!((b.opp, b.ipp), (None, None));
        assert_eq!(percentile_interval(vec![1.0; 10], 100), None, "90% missing");
        assert_eq!(
            percentile_interval((0..=100).map(f64::from).collect(), 101),
            Some((2.5, 97.5))
        );
    }
}
