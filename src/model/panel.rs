//! The panel elasticity of one segment × product cell, pooled over its customers: customer
//! fixed effects, month-of-year effects, a linear trend and the elasticity, so the estimate
//! comes from price changes within a customer over time, not from differences between
//! customers (larger accounts buy more *and* pay less).
//!
//! ```text
//! ln q(c, m) = α(c) + δ(month of year of m) + γ·years(m) + e·ln p(c, m) + u(c, m)
//! ```
//!
//! Within estimator: every variable is demeaned by customer, then OLS of ln q on the month
//! dummies (one month of year is the reference), the trend and ln p. Standard errors are
//! cluster-robust by customer (CR1, as statsmodels' `cov_type="cluster"` on the same design
//! with customer dummies): V = c·(X'X)⁻¹·(Σ_g s_g s_g')·(X'X)⁻¹ with s_g = Σ x̃·û over the
//! customer's months and c = G/(G − 1)·(N − 1)/(N − K), K counting the G customer effects.
//! The 95% interval uses Student t with G − 1 degrees of freedom. Customers with a single usable
//! month carry no within information and are left out (they would only inflate G).

use super::elasticity::{FitStatus, WIDE_INTERVAL_WIDTH, status_from_flags, t_quantile_975};
use super::normal_equations::{Cholesky, sandwich};
use serde::{Deserialize, Serialize};

/// Fewer customers than this (with two or more usable months) are flagged `few_customers`:
/// cluster-robust errors rest on the number of clusters, and below about ten even the CR1
/// correction and t(G − 1) leave intervals too narrow (Cameron & Miller 2015).
pub const FEW_CUSTOMERS: usize = 10;

/// Eleven month dummies, the trend and the price.
const MAX_COLUMNS: usize = 13;

/// Below this mean square of within-customer ln price the cell has no price variation.
const MIN_WITHIN_PRICE_VARIANCE: f64 = 1e-14;

/// One customer's month in a cell.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct PanelObs {
    /// The customer's index within the cell (its cluster and fixed effect).
    pub customer: u32,
    /// Month number, year·12 + month − 1 (so month of year = month mod 12).
    pub month: i32,
    /// Net units in the month (used when > 0).
    pub quantity: f64,
    /// Net revenue on the chosen price basis (Σ quantity × price per unit); the month's price is
    /// revenue / quantity, used when > 0.
    pub revenue: f64,
}

impl PanelObs {
    /// The quantity-weighted price per unit, when quantity and revenue are positive and finite.
    pub fn price(&self) -> Option<f64> {
        let p = self.revenue / self.quantity;
        (self.quantity > 0.0 && self.revenue > 0.0 && p.is_finite()).then_some(p)
    }
}

/// What the regression includes besides the customer effects and the price.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PanelOptions {
    /// Month-of-year dummies.
    pub seasonality: bool,
    /// A linear trend in years (dropped by itself when the data cannot tell it from the
    /// month-of-year effects, i.e. spans at most twelve months).
    pub trend: bool,
}

impl Default for PanelOptions {
    fn default() -> Self {
        PanelOptions {
            seasonality: true,
            trend: true,
        }
    }
}

/// The panel fit of one cell. Absent numbers are `None`, never NaN.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PanelFit {
    /// Most important flag: too_few_periods / no_price_variation, few_customers, then as the
    /// cell model (positive_slope, not_significant, wide_interval, ok).
    pub status: FitStatus,
    /// Customer-months used (customers with two or more usable months).
    pub n_obs: usize,
    /// G: customers with two or more usable months (the clusters).
    pub n_customers: usize,
    /// Customers left out because they have a single usable month.
    pub n_singletons: usize,
    /// Customer-months ignored because Q ≤ 0, revenue ≤ 0 or a value was not finite.
    pub n_dropped: usize,
    /// Coefficient of ln p: % change in a customer's quantity per 1% change in its price.
    pub elasticity: Option<f64>,
    /// Cluster-robust (CR1) standard error; needs G ≥ 2 and N > K.
    pub std_error: Option<f64>,
    /// 95% interval, elasticity ± t(0.975, G − 1)·SE.
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    /// Degrees of freedom of the interval, G − 1.
    pub df: Option<usize>,
    /// Within R²: share of the within-customer variance of ln q explained.
    pub r_squared: Option<f64>,
    /// Trend in ln q per year, when the design kept it.
    pub trend_per_year: Option<f64>,
    /// Residual standard deviation, √(SSE / (N − K)).
    pub residual_sd: Option<f64>,
    pub positive_slope: bool,
    pub not_significant: bool,
    pub wide_interval: bool,
    pub few_customers: bool,
}

/// What a fitted panel needs to predict: the kept columns, coefficients, their covariance and
/// each customer's effect.
#[derive(Debug, Clone, PartialEq)]
pub struct PanelModel {
    /// Kept regressors, in coefficient order (the price last, when kept).
    pub columns: Vec<Column>,
    pub beta: Vec<f64>,
    /// Cluster-robust covariance of `beta`, row-major (zeros unless `clustered`).
    pub cov: Vec<f64>,
    /// True when the covariance could be estimated (two or more customers, N > K).
    pub clustered: bool,
    /// Month number where the trend is 0.
    pub first_month: i32,
    /// The months of year (0 = January) whose effect the fit knows: every month when the design
    /// has no seasonality, else the reference month and those with a kept dummy. A month of
    /// year absent from the data has no effect to predict with.
    pub known_months: [bool; 12],
    /// Per customer index, for customers seen with a usable month: its effect.
    pub effects: Vec<Option<CustomerEffect>>,
    /// Residual variance σ² = SSE / (N − K).
    pub sigma2: f64,
}

/// A customer's fixed effect α̂ = mean(ln q) − mean(x)'β over its usable months. A prediction
/// α̂ + x'β = mean(ln q) + (x − mean(x))'β moves with β̂ only through x − mean(x).
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerEffect {
    pub alpha: f64,
    /// Usable months.
    pub months: usize,
    /// Mean regressors over those months, in coefficient order.
    pub mean_x: Vec<f64>,
}

/// A regressor of the panel design.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Column {
    /// Dummy for this month of year (0 = January).
    Month(usize),
    Trend,
    Price,
}

/// A panel fit and, when any customer has two usable months, the model behind it (without the
/// price column when the price does not vary within customers).
#[derive(Debug, Clone, PartialEq)]
pub struct PanelEstimate {
    pub fit: PanelFit,
    pub model: Option<PanelModel>,
}

impl PanelFit {
    fn empty(status: FitStatus) -> PanelFit {
        PanelFit {
            status,
            n_obs: 0,
            n_customers: 0,
            n_singletons: 0,
            n_dropped: 0,
            elasticity: None,
            std_error: None,
            ci_low: None,
            ci_high: None,
            df: None,
            r_squared: None,
            trend_per_year: None,
            residual_sd: None,
            positive_slope: false,
            not_significant: false,
            wide_interval: false,
            few_customers: false,
        }
    }
}

/// Fits the panel elasticity of one cell (see the module docs for the estimator).
pub fn fit_panel(obs: &[PanelObs], opts: &PanelOptions) -> PanelFit {
    estimate_panel(obs, opts).fit
}

/// [`fit_panel`], keeping the model for predictions.
pub fn estimate_panel(obs: &[PanelObs], opts: &PanelOptions) -> PanelEstimate {
    let data = Data::new(obs);
    let mut fit = PanelFit::empty(FitStatus::TooFewPeriods);
    fit.n_dropped = obs.len() - data.rows.len();
    fit.n_singletons = data.singletons();
    let groups = data.groups();
    fit.n_customers = groups.len();
    fit.n_obs = groups.iter().map(|g| g.len()).sum();
    fit.few_customers = groups.len() < FEW_CUSTOMERS;
    if groups.is_empty() {
        return PanelEstimate { fit, model: None };
    }
    let design = Design::new(&data, &groups, opts);
    let sums: Vec<Sums> = groups
        .iter()
        .map(|g| design.sums(&data.rows[g.clone()]))
        .collect();
    let k = design.k();
    let mut total = Sums::total(&sums);
    if total.a[k * k - 1] / fit.n_obs as f64 <= MIN_WITHIN_PRICE_VARIANCE {
        // Rounding noise, not variation: the factorisation below drops the column.
        total.a[k * k - 1] = 0.0;
    }
    let chol = Cholesky::new(&total.a[..k * k], k);
    let model = solve(&design, &chol, &total, &sums, &data, &mut fit);
    fit.status = match chol.kept.last() == Some(&(k - 1)) {
        true => status_from_flags(&panel_flags(&fit)),
        // No price variation within customers beyond the month-of-year effects and trend; the
        // model without the price still predicts.
        false => FitStatus::NoPriceVariation,
    };
    PanelEstimate {
        fit,
        model: Some(model),
    }
}

/// The flags in order of importance, as the cell model's status rules read them.
fn panel_flags(fit: &PanelFit) -> super::elasticity::Flags {
    super::elasticity::Flags {
        estimated: fit.elasticity.is_some(),
        has_interval: fit.std_error.is_some(),
        few_customers: fit.few_customers,
        positive_slope: fit.positive_slope,
        not_significant: fit.not_significant,
        wide_interval: fit.wide_interval,
    }
}

/// One usable customer-month: customer, month, ln p, ln q.
#[derive(Debug, Clone, Copy)]
struct Row {
    customer: u32,
    month: i32,
    x: f64,
    y: f64,
}

/// The usable rows sorted by customer and month.
struct Data {
    rows: Vec<Row>,
}

impl Data {
    fn new(obs: &[PanelObs]) -> Data {
        let mut rows: Vec<Row> = obs
            .iter()
            .filter_map(|o| {
                let price = o.price().filter(|_| o.quantity.is_finite())?;
                Some(Row {
                    customer: o.customer,
                    month: o.month,
                    x: price.ln(),
                    y: o.quantity.ln(),
                })
            })
            .collect();
        if !rows
            .windows(2)
            .all(|w| (w[0].customer, w[0].month) <= (w[1].customer, w[1].month))
        {
            rows.sort_by_key(|r| (r.customer, r.month));
        }
        Data { rows }
    }

    /// Ranges of rows of each customer with two or more usable months.
    fn groups(&self) -> Vec<std::ops::Range<usize>> {
        self.runs().filter(|r| r.len() >= 2).collect()
    }

    fn singletons(&self) -> usize {
        self.runs().filter(|r| r.len() == 1).count()
    }

    fn runs(&self) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
        let mut start = 0;
        (1..=self.rows.len()).filter_map(move |i| {
            let end = i == self.rows.len() || self.rows[i].customer != self.rows[start].customer;
            end.then(|| {
                let r = start..i;
                start = i;
                r
            })
        })
    }
}

/// Which column each month of year maps to, and where the trend and price columns are.
struct Design {
    /// Column of each month of year; `None` for the reference month or an absent one.
    month_column: [Option<usize>; 12],
    /// Months of year present in the rows of customers with two or more usable months.
    present: [bool; 12],
    seasonality: bool,
    n_months: usize,
    trend: bool,
    first_month: i32,
}

impl Design {
    fn new(data: &Data, groups: &[std::ops::Range<usize>], opts: &PanelOptions) -> Design {
        let mut present = [false; 12];
        let mut first_month = i32::MAX;
        for g in groups {
            for r in &data.rows[g.clone()] {
                present[r.month.rem_euclid(12) as usize] = true;
                first_month = first_month.min(r.month);
            }
        }
        let mut month_column = [None; 12];
        let mut n_months = 0;
        if opts.seasonality {
            // The first month of year present is the reference.
            for m in (0..12).filter(|&m| present[m]).skip(1) {
                month_column[m] = Some(n_months);
                n_months += 1;
            }
        }
        Design {
            month_column,
            present,
            seasonality: opts.seasonality,
            n_months,
            trend: opts.trend,
            first_month,
        }
    }

    /// Columns: the month dummies, the trend (if any), the price.
    fn k(&self) -> usize {
        self.n_months + usize::from(self.trend) + 1
    }

    fn years(&self, month: i32) -> f64 {
        f64::from(month - self.first_month) / 12.0
    }

    /// One customer's within-demeaned cross products.
    fn sums(&self, rows: &[Row]) -> Sums {
        let k = self.k();
        let n = rows.len() as f64;
        let mean = |f: &dyn Fn(&Row) -> f64| rows.iter().map(f).sum::<f64>() / n;
        let (mx, my, mt) = (
            mean(&|r| r.x),
            mean(&|r| r.y),
            mean(&|r| self.years(r.month)),
        );
        let mut count = [0.0; MAX_COLUMNS];
        let mut s = Sums::zero();
        for r in rows {
            // A row has at most three regressors that are not 0: its month, the trend, the price.
            let mut z = [(0, 0.0); 3];
            let mut m = 0;
            if let Some(c) = self.month_column[r.month.rem_euclid(12) as usize] {
                z[m] = (c, 1.0);
                m += 1;
                count[c] += 1.0;
            }
            if self.trend {
                z[m] = (self.n_months, self.years(r.month) - mt);
                m += 1;
            }
            z[m] = (k - 1, r.x - mx);
            s.add(&z[..=m], r.y - my, k);
        }
        // Dummies are not demeaned above: Σ (d − d̄)(z − z̄)' = Σ d z' − n·d̄·z̄' with z̄ = 0 for
        // the centred columns and d̄ = count / n for the dummies.
        for a in 0..self.n_months {
            for b in 0..self.n_months {
                s.a[a * k + b] -= count[a] * count[b] / n;
            }
        }
        s
    }
}

/// X̃'X̃ (k × k, row-major in the first k² places), X̃'ỹ and ỹ'ỹ of one customer or of all;
/// fixed-size, so that a panel of thousands of customers does not allocate for each.
#[derive(Debug, Clone)]
struct Sums {
    a: [f64; MAX_COLUMNS * MAX_COLUMNS],
    b: [f64; MAX_COLUMNS],
    yy: f64,
}

impl Sums {
    fn zero() -> Sums {
        Sums {
            a: [0.0; MAX_COLUMNS * MAX_COLUMNS],
            b: [0.0; MAX_COLUMNS],
            yy: 0.0,
        }
    }

    /// Adds a row whose regressors are 0 but at the (column, value) pairs of `z`.
    fn add(&mut self, z: &[(usize, f64)], y: f64, k: usize) {
        for &(i, zi) in z.iter().filter(|(_, v)| *v != 0.0) {
            for &(j, zj) in z {
                self.a[i * k + j] += zi * zj;
            }
            self.b[i] += zi * y;
        }
        self.yy += y * y;
    }

    fn total(all: &[Sums]) -> Sums {
        let mut t = Sums::zero();
        for s in all {
            t.a.iter_mut().zip(&s.a).for_each(|(x, v)| *x += v);
            t.b.iter_mut().zip(&s.b).for_each(|(x, v)| *x += v);
            t.yy += s.yy;
        }
        t
    }
}

/// β, the cluster-robust covariance and the fit's numbers, written into `fit`.
fn solve(
    design: &Design,
    chol: &Cholesky,
    total: &Sums,
    sums: &[Sums],
    data: &Data,
    fit: &mut PanelFit,
) -> PanelModel {
    let k = design.k();
    let m = chol.kept.len();
    let beta = chol.solve(&total.b[..k]);
    let price_at = (chol.kept.last() == Some(&(k - 1))).then(|| m - 1);
    fit.elasticity = price_at.map(|i| beta[i]);
    fit.positive_slope = fit.elasticity.is_some_and(|e| e > 0.0);
    let trend_at = chol
        .kept
        .iter()
        .position(|&c| design.trend && c == design.n_months);
    fit.trend_per_year = trend_at.map(|i| beta[i]);
    let bx: f64 = chol
        .kept
        .iter()
        .zip(&beta)
        .map(|(&c, b)| b * total.b[c])
        .sum();
    let sse = (total.yy - bx).max(0.0);
    if total.yy > 0.0 {
        fit.r_squared = Some((1.0 - sse / total.yy).clamp(0.0, 1.0));
    }
    let (n, g) = (fit.n_obs, fit.n_customers);
    let k_total = g + m;
    let sigma2 = match n > k_total {
        true => sse / (n - k_total) as f64,
        false => 0.0,
    };
    let clustered = g >= 2 && n > k_total;
    let mut cov = vec![0.0; m * m];
    if clustered {
        fit.residual_sd = Some(sigma2.sqrt());
        let meat = cluster_meat(chol, &beta, sums, k);
        let c = g as f64 / (g - 1) as f64 * (n - 1) as f64 / (n - k_total) as f64;
        cov = sandwich(&chol.inverse(), &meat, m, c);
        if let Some(i) = price_at {
            add_interval(fit, beta[i], cov[i * m + i].max(0.0).sqrt(), g - 1);
        }
    }
    PanelModel {
        columns: chol.kept.iter().map(|&c| design.column(c)).collect(),
        effects: customer_effects(design, chol, &beta, data),
        beta,
        cov,
        clustered,
        first_month: design.first_month,
        known_months: design.known_months(chol),
        sigma2,
    }
}

impl Design {
    /// See [`PanelModel::known_months`].
    fn known_months(&self, chol: &Cholesky) -> [bool; 12] {
        if !self.seasonality {
            return [true; 12];
        }
        std::array::from_fn(|m| match self.month_column[m] {
            Some(c) => chol.kept.contains(&c),
            None => self.present[m],
        })
    }

    fn column(&self, c: usize) -> Column {
        if c + 1 == self.k() {
            return Column::Price;
        }
        if self.trend && c == self.n_months {
            return Column::Trend;
        }
        let moy = self.month_column.iter().position(|&x| x == Some(c));
        Column::Month(moy.unwrap_or(0))
    }
}

/// Σ_g s_g s_g' with s_g = b_g − A_g·β over the kept columns.
fn cluster_meat(chol: &Cholesky, beta: &[f64], sums: &[Sums], k: usize) -> Vec<f64> {
    let m = chol.kept.len();
    let mut meat = vec![0.0; m * m];
    for s in sums {
        let score: Vec<f64> = chol
            .kept
            .iter()
            .map(|&i| {
                let ab: f64 = chol
                    .kept
                    .iter()
                    .zip(beta)
                    .map(|(&j, b)| s.a[i * k + j] * b)
                    .sum();
                s.b[i] - ab
            })
            .collect();
        for i in 0..m {
            for j in 0..m {
                meat[i * m + j] += score[i] * score[j];
            }
        }
    }
    meat
}

fn add_interval(fit: &mut PanelFit, e: f64, se: f64, df: usize) {
    let half = t_quantile_975(df) * se;
    fit.std_error = Some(se);
    fit.df = Some(df);
    fit.ci_low = Some(e - half);
    fit.ci_high = Some(e + half);
    fit.not_significant = e - half <= 0.0 && e + half >= 0.0;
    fit.wide_interval = 2.0 * half > WIDE_INTERVAL_WIDTH;
}

/// Each customer's [`CustomerEffect`] (singletons included).
fn customer_effects(
    design: &Design,
    chol: &Cholesky,
    beta: &[f64],
    data: &Data,
) -> Vec<Option<CustomerEffect>> {
    let n_customers = data
        .rows
        .iter()
        .map(|r| r.customer as usize + 1)
        .max()
        .unwrap_or(0);
    let mut effects: Vec<Option<CustomerEffect>> = vec![None; n_customers];
    let k = design.k();
    for run in data.runs() {
        let rows = &data.rows[run];
        let n = rows.len() as f64;
        // Means of every design column (uncentred), then of the kept ones in order.
        let mut mean = [0.0; MAX_COLUMNS];
        let mut mean_y = 0.0;
        for r in rows {
            if let Some(c) = design.month_column[r.month.rem_euclid(12) as usize] {
                mean[c] += 1.0 / n;
            }
            if design.trend {
                mean[design.n_months] += design.years(r.month) / n;
            }
            mean[k - 1] += r.x / n;
            mean_y += r.y / n;
        }
        let mean_x: Vec<f64> = chol.kept.iter().map(|&c| mean[c]).collect();
        let fitted: f64 = mean_x.iter().zip(beta).map(|(x, b)| x * b).sum();
        effects[rows[0].customer as usize] = Some(CustomerEffect {
            alpha: mean_y - fitted,
            months: rows.len(),
            mean_x,
        });
    }
    effects
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A deterministic uniform in [0, 1) for test data.
    fn uniform(state: &mut u64) -> f64 {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (*state >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Customers × months with ln q = α + season + 0.05·years + e·ln p + noise·u, prices that
    /// vary within customers and levels that differ between them.
    fn panel(customers: u32, months: i32, e: f64, noise: f64) -> Vec<PanelObs> {
        let mut s = 7;
        let mut obs = Vec::new();
        for c in 0..customers {
            let alpha = 3.0 + 2.0 * uniform(&mut s);
            let level = 50.0 * (1.0 + uniform(&mut s));
            for m in 0..months {
                let price = level * (1.0 + 0.2 * (uniform(&mut s) - 0.5));
                let season = [0.1, -0.2, 0.3][(m % 3) as usize];
                let ln_q = alpha
                    + season
                    + 0.05 * f64::from(m) / 12.0
                    + e * price.ln()
                    + noise * (uniform(&mut s) - 0.5);
                obs.push(PanelObs {
                    customer: c,
                    month: 2024 * 12 + m,
                    quantity: ln_q.exp(),
                    revenue: ln_q.exp() * price,
                });
            }
        }
        obs
    }

    #[test]
    fn noise_free_data_gives_the_exact_elasticity_and_trend() {
        let fit = fit_panel(&panel(12, 24, -1.7, 0.0), &PanelOptions::default());
        let e = fit.elasticity.unwrap_or(f64::NAN);
        assert!((e + 1.7).abs() < 1e-9, "{fit:?}");
        let trend = fit.trend_per_year.unwrap_or(f64::NAN);
        assert!((trend - 0.05).abs() < 1e-9, "{fit:?}");
        assert_eq!((fit.n_customers, fit.n_obs, fit.df), (12, 288, Some(11)));
    }

    #[test]
    fn noisy_data_recovers_the_elasticity_within_its_interval() {
        let fit = fit_panel(&panel(40, 24, -1.2, 0.4), &PanelOptions::default());
        let (lo, hi) = (fit.ci_low.unwrap_or(0.0), fit.ci_high.unwrap_or(0.0));
        assert!(lo < -1.2 && -1.2 < hi, "{fit:?}");
        assert!(hi - lo < 0.5, "{fit:?}");
        assert_eq!(fit.status, FitStatus::Ok);
    }

    #[test]
    fn cells_that_cannot_be_estimated_say_why() {
        let one = fit_panel(&panel(1, 24, -1.0, 0.2), &PanelOptions::default());
        assert_eq!(one.status, FitStatus::FewCustomers);
        assert!(
            one.elasticity.is_some() && one.std_error.is_none(),
            "{one:?}"
        );
        let few = fit_panel(&panel(5, 24, -1.0, 0.2), &PanelOptions::default());
        assert_eq!(few.status, FitStatus::FewCustomers);
        assert!(few.std_error.is_some() && few.few_customers);
        let mut flat = panel(20, 12, -1.0, 0.2);
        for o in &mut flat {
            o.revenue = 10.0 * o.quantity;
        }
        let fit = fit_panel(&flat, &PanelOptions::default());
        assert_eq!(
            (fit.status, fit.elasticity),
            (FitStatus::NoPriceVariation, None)
        );
        let singletons: Vec<PanelObs> = panel(30, 1, -1.0, 0.2);
        let fit = fit_panel(&singletons, &PanelOptions::default());
        assert_eq!((fit.n_singletons, fit.n_customers), (30, 0));
        assert_eq!(fit.status, FitStatus::TooFewPeriods);
        let mut bad = panel(2, 3, -1.0, 0.2);
        bad[0].quantity = 0.0;
        bad[1].revenue = f64::NAN;
        assert_eq!(fit_panel(&bad, &PanelOptions::default()).n_dropped, 2);
    }

    #[test]
    fn a_trend_within_one_year_is_dropped_not_confused_with_the_months() {
        let fit = fit_panel(&panel(15, 12, -1.4, 0.0), &PanelOptions::default());
        assert_eq!(fit.trend_per_year, None);
        let e = fit.elasticity.unwrap_or(f64::NAN);
        assert!((e + 1.4).abs() < 1e-9, "{fit:?}");
    }
}
