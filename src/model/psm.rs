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
