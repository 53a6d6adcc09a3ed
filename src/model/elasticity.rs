//! Price elasticity per segment × product: log-log OLS per cell and partial pooling per segment.

use serde::{Deserialize, Serialize};
use statrs::distribution::{ContinuousCDF, StudentsT};
use std::fmt;
use std::sync::OnceLock;

/// A 95% interval whose width (in elasticity units) exceeds this is flagged `wide_interval`.
pub const WIDE_INTERVAL_WIDTH: f64 = 2.0;

/// Two-sided 95% normal quantile, used for the pooled (approximately normal) intervals.
const Z_975: f64 = 1.959_963_984_540_054;

/// Below this variance of ln price (about a 0.00001% spread) the cell has no price variation.
const MIN_LOG_PRICE_VARIANCE: f64 = 1e-14;

/// Degrees of freedom for which the Student t quantile is tabulated once per process.
const T_TABLE_DF: usize = 512;

/// One aggregated period of a segment × product cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PeriodPoint {
    /// Units sold in the period (must be > 0 to be used).
    pub quantity: f64,
    /// Quantity-weighted net price per unit in the period (must be > 0 to be used).
    pub price: f64,
}

/// Why an elasticity is (or is not) trustworthy. Text forms are stable (CSV/JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum FitStatus {
    /// At least 3 periods, price varies, negative slope whose 95% interval excludes 0,
    /// interval not wide.
    Ok,
    /// n = 2: slope only (no standard error or interval); n < 2: no estimate.
    TooFewPeriods,
    /// All usable periods have the same price: no estimate.
    NoPriceVariation,
    /// Estimated, but demand rises with price (elasticity > 0) and the 95% interval lies above
    /// 0 (or there is no interval).
    PositiveSlope,
    /// Estimated, but the 95% interval includes 0: the data cannot tell the response from no
    /// response (whatever the sign of the estimate).
    NotSignificant,
    /// Estimated, but the 95% interval is wider than [`WIDE_INTERVAL_WIDTH`].
    WideInterval,
    /// Panel model: fewer than [`crate::model::panel::FEW_CUSTOMERS`] customers with two or
    /// more months, too few clusters for a trustworthy cluster-robust interval.
    FewCustomers,
}

impl FitStatus {
    /// The stable lowercase text form (`ok`, `too_few_periods`, `no_price_variation`,
    /// `positive_slope`, `not_significant`, `wide_interval`, `few_customers`).
    pub fn as_str(self) -> &'static str {
        match self {
            FitStatus::Ok => "ok",
            FitStatus::TooFewPeriods => "too_few_periods",
            FitStatus::NoPriceVariation => "no_price_variation",
            FitStatus::PositiveSlope => "positive_slope",
            FitStatus::NotSignificant => "not_significant",
            FitStatus::WideInterval => "wide_interval",
            FitStatus::FewCustomers => "few_customers",
        }
    }

    /// Every status, in the order of its variants.
    pub const ALL: [FitStatus; 7] = [
        FitStatus::Ok,
        FitStatus::TooFewPeriods,
        FitStatus::NoPriceVariation,
        FitStatus::PositiveSlope,
        FitStatus::NotSignificant,
        FitStatus::WideInterval,
        FitStatus::FewCustomers,
    ];

    /// The status whose text form is `text` (see [`FitStatus::as_str`]).
    pub fn parse(text: &str) -> Option<FitStatus> {
        FitStatus::ALL.into_iter().find(|s| s.as_str() == text)
    }
}

impl fmt::Display for FitStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What an estimated elasticity's status is read from (see [`status_from_flags`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Flags {
    /// There is an estimate.
    pub estimated: bool,
    /// It has a standard error and a 95% interval.
    pub has_interval: bool,
    pub few_customers: bool,
    /// The estimate is above 0.
    pub positive_slope: bool,
    /// The interval includes 0.
    pub not_significant: bool,
    pub wide_interval: bool,
}

/// The most important flag, the same rule for every model: too_few_periods (no estimate, or no
/// interval), few_customers, not_significant (the interval includes 0), positive_slope (the
/// interval lies above 0), wide_interval, ok. A positive estimate whose interval includes 0 is
/// `not_significant`: the data cannot tell its sign; `positive_slope` says demand rises with
/// price beyond doubt, the mark of a confounded estimate.
pub fn status_from_flags(f: &Flags) -> FitStatus {
    match () {
        _ if !f.estimated => FitStatus::TooFewPeriods,
        _ if f.few_customers => FitStatus::FewCustomers,
        _ if !f.has_interval => FitStatus::TooFewPeriods,
        _ if f.not_significant => FitStatus::NotSignificant,
        _ if f.positive_slope => FitStatus::PositiveSlope,
        _ if f.wide_interval => FitStatus::WideInterval,
        _ => FitStatus::Ok,
    }
}

/// Log-log OLS fit of one cell: ln Q = intercept + elasticity · ln P.
///
/// `status` is the most important flag ([`status_from_flags`]: too_few_periods /
/// no_price_variation, not_significant, positive_slope, wide_interval, ok); `positive_slope`,
/// `not_significant` and `wide_interval` are also given as booleans because several can hold
/// at once. Absent numbers are `None`, never NaN.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct ElasticityFit {
    pub status: FitStatus,
    /// Periods used (Q > 0 and P > 0, both finite).
    pub n_periods: usize,
    /// Periods ignored because Q ≤ 0, P ≤ 0 or a value was not finite.
    pub n_dropped: usize,
    /// OLS slope of ln Q on ln P: % change in quantity per 1% change in price.
    pub elasticity: Option<f64>,
    /// OLS intercept (ln Q at P = 1).
    pub intercept: Option<f64>,
    /// Standard error of the slope, sqrt(SSE / (n − 2) / Sxx); needs n ≥ 3.
    pub std_error: Option<f64>,
    /// Lower end of the 95% interval, slope ± t(0.975, n − 2) · SE.
    pub ci_low: Option<f64>,
    /// Upper end of the 95% interval.
    pub ci_high: Option<f64>,
    /// Share of the variance of ln Q explained; needs n ≥ 3 and ln Q not constant.
    pub r_squared: Option<f64>,
    pub positive_slope: bool,
    /// The 95% interval includes 0.
    pub not_significant: bool,
    pub wide_interval: bool,
}

impl ElasticityFit {
    fn empty(status: FitStatus, n_periods: usize, n_dropped: usize) -> Self {
        ElasticityFit {
            status,
            n_periods,
            n_dropped,
            elasticity: None,
            intercept: None,
            std_error: None,
            ci_low: None,
            ci_high: None,
            r_squared: None,
            positive_slope: false,
            not_significant: false,
            wide_interval: false,
        }
    }
}

/// Running centred sums of (x, y) = (ln P, ln Q), updated in one pass (Welford).
#[derive(Default)]
struct Moments {
    n: usize,
    mean_x: f64,
    mean_y: f64,
    sxx: f64,
    sxy: f64,
    syy: f64,
}

impl Moments {
    fn push(&mut self, x: f64, y: f64) {
        self.n += 1;
        let n = self.n as f64;
        let dx = x - self.mean_x;
        let dy = y - self.mean_y;
        self.mean_x += dx / n;
        self.mean_y += dy / n;
        self.sxx += dx * (x - self.mean_x);
        self.sxy += dx * (y - self.mean_y);
        self.syy += dy * (y - self.mean_y);
    }
}

/// Fits the elasticity of one cell by log-log OLS; slope = elasticity; 95% CI with Student t,
/// n − 2 df. One pass over the points, no allocation. Points with Q ≤ 0 or P ≤ 0 are ignored
/// and counted in `n_dropped`.
pub fn fit_elasticity(points: &[PeriodPoint]) -> ElasticityFit {
    let mut m = Moments::default();
    for p in points {
        if p.quantity > 0.0 && p.price > 0.0 && p.quantity.is_finite() && p.price.is_finite() {
            m.push(p.price.ln(), p.quantity.ln());
        }
    }
    let n = m.n;
    let dropped = points.len() - n;
    if n < 2 {
        return ElasticityFit::empty(FitStatus::TooFewPeriods, n, dropped);
    }
    if m.sxx / n as f64 <= MIN_LOG_PRICE_VARIANCE {
        return ElasticityFit::empty(FitStatus::NoPriceVariation, n, dropped);
    }
    let slope = m.sxy / m.sxx;
    let mut fit = ElasticityFit::empty(FitStatus::TooFewPeriods, n, dropped);
    fit.elasticity = Some(slope);
    fit.intercept = Some(m.mean_y - slope * m.mean_x);
    fit.positive_slope = slope > 0.0;
    if n >= 3 {
        add_inference(&mut fit, &m, slope);
    }
    fit
}

fn add_inference(fit: &mut ElasticityFit, m: &Moments, slope: f64) {
    let sse = (m.syy - slope * m.sxy).max(0.0);
    let se = (sse / (m.n - 2) as f64 / m.sxx).sqrt();
    let half = t_quantile_975(m.n - 2) * se;
    fit.std_error = Some(se);
    fit.ci_low = Some(slope - half);
    fit.ci_high = Some(slope + half);
    if m.syy > 0.0 {
        fit.r_squared = Some((1.0 - sse / m.syy).clamp(0.0, 1.0));
    }
    fit.wide_interval = 2.0 * half > WIDE_INTERVAL_WIDTH;
    fit.not_significant = slope - half <= 0.0 && slope + half >= 0.0;
    fit.status = status_from_flags(&Flags {
        estimated: true,
        has_interval: true,
        few_customers: false,
        positive_slope: fit.positive_slope,
        not_significant: fit.not_significant,
        wide_interval: fit.wide_interval,
    });
}

/// The 0.975 quantile of Student t with `df` ≥ 1 degrees of freedom; tabulated once for
/// df ≤ 512 so that fitting many cells does not re-invert the t distribution.
pub fn t_quantile_975(df: usize) -> f64 {
    static TABLE: OnceLock<Vec<f64>> = OnceLock::new();
    let table = TABLE.get_or_init(|| (0..=T_TABLE_DF).map(t_quantile_uncached).collect());
    table
        .get(df)
        .copied()
        .unwrap_or_else(|| t_quantile_uncached(df))
}

fn t_quantile_uncached(df: usize) -> f64 {
    match StudentsT::new(0.0, 1.0, df.max(1) as f64) {
        Ok(t) => t.inverse_cdf(0.975),
        Err(_) => Z_975,
    }
}

/// A cell's elasticity after partial pooling toward its segment.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct PooledElasticity {
    /// The cell's own OLS estimate, if any.
    pub raw: Option<f64>,
    /// Shrunken estimate B·raw + (1 − B)·μ (μ alone when the cell has no standard error).
    pub elasticity: Option<f64>,
    /// sqrt(B·se² + (1 − B)²·SE(μ)²); for cells without SE, sqrt(τ² + SE(μ)²).
    pub std_error: Option<f64>,
    /// Lower end of the approximate 95% interval, pooled ± 1.96 · std_error.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Weight B = τ² / (τ² + se²) kept on the cell's own estimate (0 = fully pooled).
    pub own_weight: f64,
}

/// Partial pooling of the cells of one segment (random-effects meta-analysis).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentPooling {
    /// Random-effects mean μ = Σ wᵢ eᵢ / Σ wᵢ, wᵢ = 1 / (seᵢ² + τ²), over cells with an SE.
    pub mean: Option<f64>,
    /// Standard error of μ, sqrt(1 / Σ wᵢ).
    pub mean_std_error: Option<f64>,
    /// Between-cell variance τ² (DerSimonian–Laird; 0 with fewer than 2 cells with SE).
    pub tau_squared: Option<f64>,
    /// Cells that carried a standard error into the estimate of μ and τ².
    pub n_cells_with_se: usize,
    /// One entry per input fit, in input order.
    pub cells: Vec<PooledElasticity>,
}

/// Smallest variance used for a cell's slope, so a perfect fit (SE = 0) cannot divide by zero.
const MIN_VARIANCE: f64 = 1e-12;

/// Pools the fits of one segment's cells by empirical-Bayes shrinkage.
///
/// Estimator: from cells with a standard error (n ≥ 3, any flag), the fixed-effect mean
/// μ_FE = Σ vᵢ eᵢ / Σ vᵢ (vᵢ = 1/seᵢ²), Cochran's Q = Σ vᵢ (eᵢ − μ_FE)², and the
/// DerSimonian–Laird moment estimator τ² = max(0, (Q − (k − 1)) / (Σ vᵢ − Σ vᵢ² / Σ vᵢ)).
/// Each such cell becomes B·eᵢ + (1 − B)·μ with B = τ² / (τ² + seᵢ²) — the same as
/// (τ²·eᵢ + seᵢ²·μ) / (τ² + seᵢ²). Its SE, sqrt(B·seᵢ² + (1 − B)²·SE(μ)²), is the conditional
/// posterior variance plus the uncertainty of μ (τ² is taken as known). Cells without an SE
/// (n = 2, or no estimate) get μ with SE sqrt(τ² + SE(μ)²), the spread of a new cell.
pub fn pool_elasticities(fits: &[ElasticityFit]) -> SegmentPooling {
    let estimates: Vec<Estimate> = fits
        .iter()
        .map(|f| Estimate {
            elasticity: f.elasticity,
            std_error: f.std_error,
        })
        .collect();
    pool_estimates(&estimates)
}

/// A cell's own estimate and its standard error, as pooling reads it (any model).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Estimate {
    pub elasticity: Option<f64>,
    pub std_error: Option<f64>,
}

/// [`pool_elasticities`] over plain estimates: the same shrinkage for the cell and the panel
/// model.
pub fn pool_estimates(fits: &[Estimate]) -> SegmentPooling {
    let with_se: Vec<(f64, f64)> = fits
        .iter()
        .filter_map(|f| Some((f.elasticity?, f.std_error?.powi(2).max(MIN_VARIANCE))))
        .collect();
    let Some((mean, mean_var, tau2)) = random_effects_mean(&with_se) else {
        let cells = fits.iter().map(|f| unpooled(f.elasticity)).collect();
        return SegmentPooling {
            mean: None,
            mean_std_error: None,
            tau_squared: None,
            n_cells_with_se: 0,
            cells,
        };
    };
    let cells = fits
        .iter()
        .map(|f| shrink(f, mean, mean_var, tau2))
        .collect();
    SegmentPooling {
        mean: Some(mean),
        mean_std_error: Some(mean_var.sqrt()),
        tau_squared: Some(tau2),
        n_cells_with_se: with_se.len(),
        cells,
    }
}

/// (μ, Var μ, τ²) from (estimate, variance) pairs; `None` without any pair.
fn random_effects_mean(cells: &[(f64, f64)]) -> Option<(f64, f64, f64)> {
    if cells.is_empty() {
        return None;
    }
    let sum_v: f64 = cells.iter().map(|&(_, var)| 1.0 / var).sum();
    let sum_v2: f64 = cells.iter().map(|&(_, var)| (1.0 / var).powi(2)).sum();
    let mean_fe = cells.iter().map(|&(e, var)| e / var).sum::<f64>() / sum_v;
    let q: f64 = cells
        .iter()
        .map(|&(e, var)| (e - mean_fe).powi(2) / var)
        .sum();
    let c = sum_v - sum_v2 / sum_v;
    let k = cells.len() as f64;
    let tau2 = if cells.len() >= 2 && c > 0.0 {
        ((q - (k - 1.0)) / c).max(0.0)
    } else {
        0.0
    };
    let sum_w: f64 = cells.iter().map(|&(_, var)| 1.0 / (var + tau2)).sum();
    let mean = cells.iter().map(|&(e, var)| e / (var + tau2)).sum::<f64>() / sum_w;
    Some((mean, 1.0 / sum_w, tau2))
}

fn shrink(fit: &Estimate, mean: f64, mean_var: f64, tau2: f64) -> PooledElasticity {
    let (estimate, var, own_weight) = match (fit.elasticity, fit.std_error) {
        (Some(e), Some(se)) => {
            let se2 = se.powi(2).max(MIN_VARIANCE);
            let b = tau2 / (tau2 + se2);
            let var = b * se2 + (1.0 - b).powi(2) * mean_var;
            (b * e + (1.0 - b) * mean, var, b)
        }
        _ => (mean, tau2 + mean_var, 0.0),
    };
    let se = var.sqrt();
    PooledElasticity {
        raw: fit.elasticity,
        elasticity: Some(estimate),
        std_error: Some(se),
        ci_low: Some(estimate - Z_975 * se),
        ci_high: Some(estimate + Z_975 * se),
        own_weight,
    }
}

fn unpooled(raw: Option<f64>) -> PooledElasticity {
    PooledElasticity {
        raw,
        elasticity: None,
        std_error: None,
        ci_low: None,
        ci_high: None,
        own_weight: 1.0,
    }
}
