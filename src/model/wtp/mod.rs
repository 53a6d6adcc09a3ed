//! Willingness-to-pay from won/lost quotes: binary-choice maximum likelihood and the price that
//! maximises expected margin per quote.

use argmin::core::{CostFunction, Error, Executor, State};
use argmin::solver::brent::BrentOpt;
use likelihood::{
    Estimate, logistic_terms, maximise_likelihood, normal_cdf, normal_quantile, probit_terms,
};
use serde::{Deserialize, Serialize};
use std::fmt;

mod likelihood;

/// Two-sided 95% normal quantile (delta-method intervals).
const Z_975: f64 = 1.959_963_984_540_054;
/// Win probability at the upper end of the margin search bracket.
const BRACKET_TAIL: f64 = 1e-4;
/// Grid points scanned before Brent refines the best margin.
const MARGIN_GRID: usize = 64;

/// One quote: the price offered (currency per unit, > 0) and whether it was won.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Quote {
    pub price: f64,
    pub won: bool,
}

/// Distribution of willingness-to-pay; P(win | p) = P(WTP ≥ p) = G(α + β·x).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WtpModel {
    /// Logistic WTP: G = logistic cdf, x = p.
    Logistic,
    /// Normal WTP: G = Φ, x = p (probit on price).
    Normal,
    /// Log-normal WTP: G = Φ, x = ln p (probit on ln price).
    LogNormal,
}

impl WtpModel {
    /// All models in a stable order.
    pub const ALL: [WtpModel; 3] = [WtpModel::Logistic, WtpModel::Normal, WtpModel::LogNormal];

    /// Stable lowercase text form: `logistic`, `normal`, `log_normal`.
    pub fn as_str(self) -> &'static str {
        match self {
            WtpModel::Logistic => "logistic",
            WtpModel::Normal => "normal",
            WtpModel::LogNormal => "log_normal",
        }
    }

    fn x(self, price: f64) -> f64 {
        match self {
            WtpModel::LogNormal => price.ln(),
            _ => price,
        }
    }

    /// ln G(η) and its first two derivatives with respect to η for outcome `won`
    /// (ln(1 − G(η)) = ln G(−η) for a loss: both links are symmetric).
    fn log_lik_terms(self, eta: f64, won: bool) -> (f64, f64, f64) {
        let sign = if won { 1.0 } else { -1.0 };
        let t = sign * eta;
        let (ll, d1, d2) = match self {
            WtpModel::Logistic => logistic_terms(t),
            _ => probit_terms(t),
        };
        (ll, sign * d1, d2)
    }

    /// G(η) = P(win).
    fn win_probability(self, eta: f64) -> f64 {
        match self {
            WtpModel::Logistic => 1.0 / (1.0 + (-eta).exp()),
            _ => normal_cdf(eta),
        }
    }

    /// G⁻¹(q), used for starting values and the search bracket.
    fn inverse_link(self, q: f64) -> f64 {
        match self {
            WtpModel::Logistic => (q / (1.0 - q)).ln(),
            _ => normal_quantile(q),
        }
    }
}

impl fmt::Display for WtpModel {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a WTP fit produced numbers. Text forms are stable (CSV/JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WtpStatus {
    Ok,
    /// Fitted, but β > 0: win probability rises with price.
    IncreasingWinCurve,
    /// Fewer than 2 usable quotes: no MLE.
    TooFewQuotes,
    /// Every quote was won: no MLE.
    AllWon,
    /// Every quote was lost: no MLE.
    AllLost,
    /// All quotes at one price: slope not identified.
    NoPriceVariation,
    /// Won and lost prices are (quasi-)completely separated: no finite MLE.
    Separated,
    /// The optimiser did not reach a stationary point.
    DidNotConverge,
}

impl WtpStatus {
    /// Stable lowercase text form.
    pub fn as_str(self) -> &'static str {
        match self {
            WtpStatus::Ok => "ok",
            WtpStatus::IncreasingWinCurve => "increasing_win_curve",
            WtpStatus::TooFewQuotes => "too_few_quotes",
            WtpStatus::AllWon => "all_won",
            WtpStatus::AllLost => "all_lost",
            WtpStatus::NoPriceVariation => "no_price_variation",
            WtpStatus::Separated => "separated",
            WtpStatus::DidNotConverge => "did_not_converge",
        }
    }
}

impl fmt::Display for WtpStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Maximum-likelihood fit of one WTP model to one cell's quotes.
///
/// P(win | p) = G(α + β·x), x = p (or ln p for log-normal). Median WTP = −α/β (exp(−α/β) for
/// log-normal, in currency per unit); scale = 1/|β| (on the ln-price scale for log-normal).
/// Standard errors come from the observed information (inverse of minus the analytic Hessian);
/// the median's 95% interval is by the delta method (for log-normal, on ln median, then
/// exponentiated). All numbers are `None` unless the status is `ok` or `increasing_win_curve`.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct WtpFit {
    pub model: WtpModel,
    pub status: WtpStatus,
    /// Quotes used (price > 0 and finite).
    pub n_quotes: usize,
    pub n_won: usize,
    /// Quotes ignored because the price was ≤ 0 or not finite.
    pub n_dropped: usize,
    pub alpha: Option<f64>,
    pub beta: Option<f64>,
    pub alpha_std_error: Option<f64>,
    pub beta_std_error: Option<f64>,
    /// Median willingness-to-pay (currency per unit).
    pub median_wtp: Option<f64>,
    /// Delta-method standard error of the median.
    pub median_std_error: Option<f64>,
    pub median_ci_low: Option<f64>,
    pub median_ci_high: Option<f64>,
    /// 1/|β|: currency per unit (logistic, normal) or ln-price units (log-normal).
    pub scale: Option<f64>,
    pub log_likelihood: Option<f64>,
    /// 2k − 2·LL with k = 2.
    pub aic: Option<f64>,
    /// Quoted price maximising (pocket(p) − unit_cost)·P(win | p), pocket(p) the quoted price
    /// less the off-invoice costs it brings (see [`QuoteCosts`]); `None` for an increasing win
    /// curve or when no price inside the search range maximises it.
    pub optimal_price: Option<f64>,
    /// P(win) at the optimal price.
    pub win_probability_at_optimum: Option<f64>,
    /// Expected margin per quote at the optimal price (currency per unit quoted).
    pub expected_margin_at_optimum: Option<f64>,
    /// True when the optimal price lies outside [min quoted price, max quoted price].
    pub optimal_price_extrapolated: bool,
    /// True when the expected margin still rises at the top of the search range (the price
    /// where P(win) falls to 1e-4, or 100× the top quote): the data show no interior optimum,
    /// and no price is given.
    pub no_interior_optimum: bool,
    /// True for the model with the lowest AIC in [`fit_wtp_all`].
    pub best_by_aic: bool,
}

impl WtpFit {
    fn empty(model: WtpModel, status: WtpStatus, n_quotes: usize, n_won: usize) -> Self {
        WtpFit {
            model,
            status,
            n_quotes,
            n_won,
            n_dropped: 0,
            alpha: None,
            beta: None,
            alpha_std_error: None,
            beta_std_error: None,
            median_wtp: None,
            median_std_error: None,
            median_ci_low: None,
            median_ci_high: None,
            scale: None,
            log_likelihood: None,
            aic: None,
            optimal_price: None,
            win_probability_at_optimum: None,
            expected_margin_at_optimum: None,
            optimal_price_extrapolated: false,
            no_interior_optimum: false,
            best_by_aic: false,
        }
    }
}

impl WtpFit {
    /// The fitted P(win | price) = G(α + β·x); `None` without a fit or for a price ≤ 0.
    pub fn win_probability_at(&self, price: f64) -> Option<f64> {
        let (alpha, beta) = (self.alpha?, self.beta?);
        (price > 0.0).then(|| {
            self.model
                .win_probability(alpha + beta * self.model.x(price))
        })
    }

    /// The fitted P(win) at `points` + 1 evenly spaced prices from `x[0]` to `x[1]` (prices
    /// where it is undefined left out): the curve the charts draw.
    pub fn win_curve(&self, x: [f64; 2], points: usize) -> Vec<(f64, f64)> {
        let points = points.max(1);
        (0..=points)
            .filter_map(|i| {
                let p = x[0] + (x[1] - x[0]) * i as f64 / points as f64;
                let y = self.win_probability_at(p)?;
                (p.is_finite() && y.is_finite()).then_some((p, y))
            })
            .collect()
    }
}

/// The three WTP models fitted to one cell, the best (lowest AIC) marked.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WtpComparison {
    /// Logistic, normal, log-normal, in that order.
    pub fits: Vec<WtpFit>,
    /// Lowest AIC among fits with status `ok` (or, failing that, `increasing_win_curve`).
    pub best: Option<WtpModel>,
}

/// What a won quote costs per unit besides the product: quotes are invoice prices, and a
/// quoted price p leaves a pocket price p · (1 − off_share) − off_fixed after the off-invoice
/// elements (payment terms scale with the invoice; rebates, freight and co-op do not move with
/// the quoted price).
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct QuoteCosts {
    /// Unit cost, currency per unit.
    pub unit_cost: f64,
    /// Off-invoice elements that scale with the invoice, as a share of it.
    pub off_share: f64,
    /// Other off-invoice elements, currency per unit.
    pub off_fixed: f64,
}

impl QuoteCosts {
    /// Only a unit cost: the quoted price is the pocket price.
    pub fn unit(unit_cost: f64) -> QuoteCosts {
        QuoteCosts {
            unit_cost,
            ..QuoteCosts::default()
        }
    }

    /// The pocket price a quoted (invoice) price leaves.
    pub fn pocket(&self, quoted: f64) -> f64 {
        quoted * (1.0 - self.off_share) - self.off_fixed
    }

    /// The quoted price at which the pocket price covers the unit cost.
    fn break_even(&self) -> f64 {
        (self.unit_cost + self.off_fixed) / (1.0 - self.off_share).max(1e-9)
    }
}

/// Fits all three WTP models and marks the one with the lowest AIC.
pub fn fit_wtp_all(quotes: &[Quote], unit_cost: f64) -> WtpComparison {
    fit_wtp_all_costs(quotes, &QuoteCosts::unit(unit_cost))
}

/// [`fit_wtp_all`] with off-invoice costs.
pub fn fit_wtp_all_costs(quotes: &[Quote], costs: &QuoteCosts) -> WtpComparison {
    let mut fits: Vec<WtpFit> = WtpModel::ALL
        .iter()
        .map(|&m| fit_wtp_costs(quotes, m, costs))
        .collect();
    let pick = |status: WtpStatus, fits: &[WtpFit]| {
        fits.iter()
            .enumerate()
            .filter(|(_, f)| f.status == status)
            .filter_map(|(i, f)| Some((i, f.aic?)))
            .min_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(i, _)| i)
    };
    let best = pick(WtpStatus::Ok, &fits).or_else(|| pick(WtpStatus::IncreasingWinCurve, &fits));
    if let Some(i) = best {
        fits[i].best_by_aic = true;
    }
    WtpComparison {
        best: best.map(|i| fits[i].model),
        fits,
    }
}

/// Fits one WTP model to a cell's quotes by maximum likelihood (argmin's L-BFGS with the
/// analytic gradient on standardised x, finished by Newton steps with the analytic Hessian),
/// then finds the expected-margin-maximising price by
/// a grid scan refined with Brent's method. `unit_cost` is in currency per unit.
pub fn fit_wtp(quotes: &[Quote], model: WtpModel, unit_cost: f64) -> WtpFit {
    fit_wtp_costs(quotes, model, &QuoteCosts::unit(unit_cost))
}

/// [`fit_wtp`] with off-invoice costs: the max-margin price is on the quoted (invoice) basis
/// and maximises the pocket margin.
pub fn fit_wtp_costs(quotes: &[Quote], model: WtpModel, costs: &QuoteCosts) -> WtpFit {
    let data = QuoteData::new(quotes, model);
    let mut fit = match data.identification() {
        Err(status) => WtpFit::empty(model, status, data.x.len(), data.n_won),
        Ok(()) => estimate(&data, model, costs),
    };
    fit.n_dropped = quotes.len() - data.x.len();
    fit
}

/// Usable quotes in model coordinates.
struct QuoteData {
    x: Vec<f64>,
    won: Vec<bool>,
    n_won: usize,
    min_price: f64,
    max_price: f64,
}

impl QuoteData {
    fn new(quotes: &[Quote], model: WtpModel) -> Self {
        let usable = quotes
            .iter()
            .filter(|q| q.price > 0.0 && q.price.is_finite());
        let (mut x, mut won) = (Vec::with_capacity(quotes.len()), Vec::new());
        let (mut min_price, mut max_price) = (f64::INFINITY, f64::NEG_INFINITY);
        for q in usable {
            x.push(model.x(q.price));
            won.push(q.won);
            min_price = min_price.min(q.price);
            max_price = max_price.max(q.price);
        }
        let n_won = won.iter().filter(|&&w| w).count();
        QuoteData {
            x,
            won,
            n_won,
            min_price,
            max_price,
        }
    }

    /// Whether a finite, unique MLE exists. With one regressor and an intercept it fails
    /// exactly when all quotes share an outcome, x is constant, or some threshold c has all
    /// wins on one side and all losses on the other (ties at c allowed: quasi-complete).
    fn identification(&self) -> Result<(), WtpStatus> {
        let n = self.x.len();
        if n < 2 {
            return Err(WtpStatus::TooFewQuotes);
        }
        if self.n_won == n {
            return Err(WtpStatus::AllWon);
        }
        if self.n_won == 0 {
            return Err(WtpStatus::AllLost);
        }
        if self.min_price == self.max_price {
            return Err(WtpStatus::NoPriceVariation);
        }
        let range = |won: bool| {
            self.x
                .iter()
                .zip(&self.won)
                .filter(|(_, w)| **w == won)
                .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), (x, _)| {
                    (lo.min(*x), hi.max(*x))
                })
        };
        let (won_lo, won_hi) = range(true);
        let (lost_lo, lost_hi) = range(false);
        if won_hi <= lost_lo || lost_hi <= won_lo {
            return Err(WtpStatus::Separated);
        }
        Ok(())
    }
}

fn estimate(data: &QuoteData, model: WtpModel, costs: &QuoteCosts) -> WtpFit {
    let mut fit = WtpFit::empty(model, WtpStatus::Ok, data.x.len(), data.n_won);
    let Some(est) = maximise_likelihood(&data.x, &data.won, model) else {
        fit.status = WtpStatus::DidNotConverge;
        return fit;
    };
    let se = |v: f64| v.max(0.0).sqrt();
    fit.alpha = Some(est.alpha);
    fit.beta = Some(est.beta);
    fit.alpha_std_error = Some(se(est.cov[0]));
    fit.beta_std_error = Some(se(est.cov[2]));
    fit.scale = Some(1.0 / est.beta.abs()).filter(|s| s.is_finite());
    fit.log_likelihood = Some(est.log_likelihood);
    fit.aic = Some(2.0 * 2.0 - 2.0 * est.log_likelihood);
    add_median(&mut fit, &est, model);
    if est.beta > 0.0 {
        fit.status = WtpStatus::IncreasingWinCurve;
    } else {
        add_optimal_price(&mut fit, &est, data, costs);
    }
    fit
}

/// Median −α/β with its delta-method SE: gradient (−1/β, α/β²) against Cov(α, β).
fn add_median(fit: &mut WtpFit, est: &Estimate, model: WtpModel) {
    let m = -est.alpha / est.beta;
    let (da, db) = (-1.0 / est.beta, est.alpha / est.beta.powi(2));
    let var = da * da * est.cov[0] + 2.0 * da * db * est.cov[1] + db * db * est.cov[2];
    let se = var.max(0.0).sqrt();
    let (median, median_se, low, high) = match model {
        WtpModel::LogNormal => {
            let median = m.exp();
            (
                median,
                median * se,
                (m - Z_975 * se).exp(),
                (m + Z_975 * se).exp(),
            )
        }
        _ => (m, se, m - Z_975 * se, m + Z_975 * se),
    };
    if [median, median_se, low, high].iter().all(|v| v.is_finite()) {
        fit.median_wtp = Some(median);
        fit.median_std_error = Some(median_se);
        fit.median_ci_low = Some(low);
        fit.median_ci_high = Some(high);
    }
}

/// Expected margin per quote as a cost for argmin (negated, to minimise).
#[derive(Clone, Copy)]
struct NegMargin {
    model: WtpModel,
    alpha: f64,
    beta: f64,
    costs: QuoteCosts,
}

impl NegMargin {
    fn win_probability(&self, price: f64) -> f64 {
        self.model
            .win_probability(self.alpha + self.beta * self.model.x(price))
    }
    fn margin(&self, price: f64) -> f64 {
        (self.costs.pocket(price) - self.costs.unit_cost) * self.win_probability(price)
    }
}

impl CostFunction for NegMargin {
    type Param = f64;
    type Output = f64;
    fn cost(&self, price: &f64) -> Result<f64, Error> {
        Ok(-self.margin(*price))
    }
}

/// Bracket [the break-even quoted price, price where P(win) = 1e-4] scanned on a grid, then
/// Brent's method between the neighbours of the best grid point. An optimum at the top of the
/// bracket is no optimum: the margin still rises there.
fn add_optimal_price(fit: &mut WtpFit, est: &Estimate, data: &QuoteData, costs: &QuoteCosts) {
    let model = fit.model;
    let margin = NegMargin {
        model,
        alpha: est.alpha,
        beta: est.beta,
        costs: *costs,
    };
    let x_tail = (model.inverse_link(BRACKET_TAIL) - est.alpha) / est.beta;
    let tail_price = match model {
        WtpModel::LogNormal => x_tail.exp(),
        _ => x_tail,
    };
    let lo = costs.break_even().max(0.0);
    // The tail price can overflow for a nearly flat curve; 100× the top quote is far enough.
    let hi = tail_price.min(100.0 * data.max_price).max(data.max_price);
    if !(hi > lo && hi.is_finite()) {
        return;
    }
    let step = (hi - lo) / MARGIN_GRID as f64;
    let best_k = (0..=MARGIN_GRID)
        .map(|k| (k, margin.margin(lo + step * k as f64)))
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map_or(0, |(k, _)| k);
    let a = lo + step * best_k.saturating_sub(1) as f64;
    let b = (lo + step * (best_k + 1) as f64).min(hi);
    let price = refine_with_brent(&margin, a, b).unwrap_or(lo + step * best_k as f64);
    if margin.margin(price) <= 0.0 {
        return;
    }
    if price >= hi * (1.0 - 1e-6) {
        fit.no_interior_optimum = true;
        return;
    }
    fit.optimal_price = Some(price);
    fit.win_probability_at_optimum = Some(margin.win_probability(price));
    fit.expected_margin_at_optimum = Some(margin.margin(price));
    fit.optimal_price_extrapolated = price < data.min_price || price > data.max_price;
}

fn refine_with_brent(margin: &NegMargin, a: f64, b: f64) -> Option<f64> {
    let solver = BrentOpt::new(a, b);
    let result = Executor::new(*margin, solver)
        .configure(|state| state.max_iters(100))
        .run()
        .ok()?;
    result.state().get_best_param().copied()
}
