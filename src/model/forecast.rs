//! A cell's volume in a month predicted from a fitted demand model at the prices actually
//! charged, with a 95% prediction interval that carries both the parameters' uncertainty and
//! the residual variance.
//!
//! Both models predict ln volume; the predictive distribution of the volume is log-normal with
//! location μ and log variance s². The point forecast is its **mean**, exp(μ + s²/2), so that
//! forecasts add up over months and cells and the bias measures what a plan would miss by (the
//! median exp(μ) would understate every volume by the factor exp(s²/2)); the interval is its
//! 2.5% and 97.5% quantiles, exp(μ ± q·s).
//!
//! **Cell model** (log-log OLS on the cell's monthly totals, n months): μ = a + e·ln P at the
//! month's quantity-weighted price P, s² = σ̂²·(1 + 1/n + (ln P − x̄)²/Sxx) and q = t(0.975,
//! n − 2): the exact OLS prediction interval on the log scale. (The mean uses the normal
//! approximation; a Student t has no exponential moment.)
//!
//! **Panel model**: each customer c that bought in the month gets ln q = α̂(c) + δ̂(month of
//! year) + γ̂·years + ê·ln p(c), p(c) its own price that month, with residual variance
//! v(c) = σ̂²·(1 + 1/T(c)) — the month's own disturbance plus the noise in α̂(c), a mean over
//! its T(c) training months. A customer new since the fit takes the customers' mean α̂, with
//! v = σ̂² plus the variance of the α̂ across customers. The cell's volume, a sum of independent
//! log-normals given the parameters, is matched to one log-normal with the same mean and
//! variance (Fenton–Wilkinson). The parameters' uncertainty is added to its log variance by the
//! delta method: g'·V·g, with V the cluster-robust covariance of (δ̂, γ̂, ê) and g the gradient
//! of ln volume, the volume-weighted mean of z − z̄(c) (α̂(c) moves with the coefficients
//! through the customer's mean regressors z̄(c)). q = t(0.975, G − 1), G the customers with
//! two or more training months, as for the elasticity's interval: with few customers neither σ̂²
//! nor the clustered covariance is well determined (with many, q is 1.96). The errors are
//! treated as normal and independent between customers and months.
//!
//! Who orders in a month is taken as given for the panel (the prices charged exist only for
//! those who bought); the cell model predicts the cell's total at its average price, so the
//! month-to-month turnover of buyers is part of its residual variance.

use super::elasticity::{PeriodPoint, t_quantile_975};
use super::panel::{Column, CustomerEffect, PanelEstimate, PanelModel};
use serde::Serialize;

/// The most regressors a panel has: eleven month dummies, the trend and the price.
const MAX_COLUMNS: usize = 13;

/// A predicted volume (units) and its 95% prediction interval.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Forecast {
    /// The mean of the predictive distribution.
    pub volume: f64,
    /// Its 2.5% and 97.5% quantiles.
    pub low: f64,
    pub high: f64,
}

/// Why a cell-month has no forecast. Text forms are stable (CSV, JSON).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoForecast {
    /// The cell has no usable month (quantity and price > 0) up to the cut.
    NoTrainingData,
    /// Cell model: fewer than three usable training months. Panel: no customer with two.
    TooFewPeriods,
    /// Panel: fewer than two customers with two usable months, or no residual degrees of
    /// freedom, so no residual variance or covariance to build an interval on.
    FewCustomers,
    /// Panel: the month of year never occurs in the training data; its seasonal effect is
    /// unknown.
    UnseenMonth,
    /// Nobody bought at a positive price that month (returns only, or free goods).
    NoPrice,
    /// The prediction overflowed (a price far outside what the model was fitted on).
    NotFinite,
}

impl NoForecast {
    pub fn as_str(self) -> &'static str {
        match self {
            NoForecast::NoTrainingData => "no_training_data",
            NoForecast::TooFewPeriods => "too_few_periods",
            NoForecast::FewCustomers => "few_customers",
            NoForecast::UnseenMonth => "unseen_month",
            NoForecast::NoPrice => "no_price",
            NoForecast::NotFinite => "not_finite",
        }
    }
}

impl Forecast {
    /// The log-normal with location `mu` and log variance `var`; `q` is the quantile of the
    /// interval in standard deviations.
    fn log_normal(mu: f64, var: f64, q: f64) -> Result<Forecast, NoForecast> {
        let var = var.max(0.0);
        let half = q * var.sqrt();
        let f = Forecast {
            volume: (mu + var / 2.0).exp(),
            low: (mu - half).exp(),
            high: (mu + half).exp(),
        };
        match f.volume.is_finite() && f.high.is_finite() && f.low.is_finite() {
            true => Ok(f),
            false => Err(NoForecast::NotFinite),
        }
    }

    /// True when `actual` lies within the interval.
    pub fn covers(&self, actual: f64) -> bool {
        self.low <= actual && actual <= self.high
    }
}

/// The cell model fitted to a cell's monthly totals, ready to predict.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct CellForecaster {
    n: usize,
    mean_x: f64,
    mean_y: f64,
    slope: f64,
    sxx: f64,
    s2: f64,
    /// No price variation: the slope is 0 and only the level is estimated.
    flat: bool,
}

impl CellForecaster {
    /// Fits ln Q on ln P over the points with Q > 0 and P > 0 (log-log OLS, as
    /// [`super::elasticity::fit_elasticity`]). Without price variation the slope is 0 and the
    /// forecast is the mean level. Needs three usable points.
    pub fn fit(points: &[PeriodPoint]) -> Result<CellForecaster, NoForecast> {
        let xy: Vec<(f64, f64)> = points
            .iter()
            .filter(|p| p.quantity > 0.0 && p.price > 0.0)
            .map(|p| (p.price.ln(), p.quantity.ln()))
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        let n = xy.len();
        match n {
            0 => return Err(NoForecast::NoTrainingData),
            1 | 2 => return Err(NoForecast::TooFewPeriods),
            _ => {}
        }
        let mean_x = xy.iter().map(|p| p.0).sum::<f64>() / n as f64;
        let mean_y = xy.iter().map(|p| p.1).sum::<f64>() / n as f64;
        let sxx: f64 = xy.iter().map(|p| (p.0 - mean_x).powi(2)).sum();
        let sxy: f64 = xy.iter().map(|p| (p.0 - mean_x) * (p.1 - mean_y)).sum();
        let syy: f64 = xy.iter().map(|p| (p.1 - mean_y).powi(2)).sum();
        let flat = sxx / n as f64 <= 1e-14;
        let slope = if flat { 0.0 } else { sxy / sxx };
        let params = if flat { 1 } else { 2 };
        let s2 = (syy - slope * sxy).max(0.0) / (n - params) as f64;
        Ok(CellForecaster {
            n,
            mean_x,
            mean_y,
            slope,
            sxx,
            s2,
            flat,
        })
    }

    /// The month's volume at the cell's quantity-weighted price `price`.
    pub fn forecast(&self, price: f64) -> Result<Forecast, NoForecast> {
        if price.is_nan() || price <= 0.0 {
            return Err(NoForecast::NoPrice);
        }
        let x = price.ln();
        let (lever, params) = match self.flat {
            false => ((x - self.mean_x).powi(2) / self.sxx, 2),
            true => (0.0, 1),
        };
        let var = self.s2 * (1.0 + 1.0 / self.n as f64 + lever);
        let mu = self.mean_y + self.slope * (x - self.mean_x);
        Forecast::log_normal(mu, var, t_quantile_975(self.n - params))
    }
}

/// A fitted panel (with its cluster-robust covariance), ready to predict.
#[derive(Debug, Clone)]
pub struct PanelForecaster {
    model: PanelModel,
    /// t(0.975, G − 1).
    quantile: f64,
    /// What a customer new since the fit takes: the mean effect and mean regressors over the
    /// customers.
    newcomer: CustomerEffect,
    /// Variance of the customers' effects around their mean.
    effect_var: f64,
}

impl PanelForecaster {
    /// The forecaster of a panel fit; a fit without a cluster-robust covariance (fewer than two
    /// customers with two usable months) cannot give an interval. A model without the price
    /// (no price variation within customers) predicts from the customer, month and trend
    /// effects alone.
    pub fn new(estimate: PanelEstimate) -> Result<PanelForecaster, NoForecast> {
        let quantile = t_quantile_975(estimate.fit.n_customers.saturating_sub(1));
        let model = match estimate.model {
            None => return Err(NoForecast::TooFewPeriods),
            Some(m) if !m.clustered => return Err(NoForecast::FewCustomers),
            Some(m) => m,
        };
        let known: Vec<&CustomerEffect> = model.effects.iter().flatten().collect();
        let n = known.len() as f64;
        let alpha = known.iter().map(|e| e.alpha).sum::<f64>() / n;
        let mean_x = (0..model.columns.len())
            .map(|i| known.iter().map(|e| e.mean_x[i]).sum::<f64>() / n)
            .collect();
        let effect_var = known.iter().map(|e| (e.alpha - alpha).powi(2)).sum::<f64>() / (n - 1.0);
        Ok(PanelForecaster {
            model,
            quantile,
            newcomer: CustomerEffect {
                alpha,
                months: 0,
                mean_x,
            },
            effect_var,
        })
    }

    /// The cell's volume in `month` from the customers that bought, each (customer index,
    /// price per unit); buyers without a positive price are left out.
    pub fn forecast(&self, month: i32, buyers: &[(u32, f64)]) -> Result<Forecast, NoForecast> {
        let m = &self.model;
        if !m.known_months[month.rem_euclid(12) as usize] {
            return Err(NoForecast::UnseenMonth);
        }
        let k = m.columns.len();
        let (mut mean, mut var, mut g) = (0.0, 0.0, [0.0; MAX_COLUMNS]);
        for &(customer, price) in buyers.iter().filter(|b| b.1 > 0.0) {
            let z = self.regressors(month, price);
            let fixed: f64 = z[..k].iter().zip(&m.beta).map(|(a, b)| a * b).sum();
            let (effect, v) = match m.effects.get(customer as usize).and_then(Option::as_ref) {
                Some(e) => (e, m.sigma2 * (1.0 + 1.0 / e.months as f64)),
                None => (&self.newcomer, m.sigma2 + self.effect_var),
            };
            let expected = (effect.alpha + fixed + v / 2.0).exp();
            mean += expected;
            var += expected * expected * v.exp_m1();
            for ((gi, zi), zbar) in g.iter_mut().zip(&z[..k]).zip(&effect.mean_x) {
                *gi += expected * (zi - zbar);
            }
        }
        if mean.is_nan() || mean <= 0.0 {
            return Err(NoForecast::NoPrice);
        }
        let g: Vec<f64> = g[..k].iter().map(|gi| gi / mean).collect();
        let param: f64 = (0..k)
            .map(|i| (0..k).map(|j| g[i] * m.cov[i * k + j] * g[j]).sum::<f64>())
            .sum();
        let log_var = (var / (mean * mean)).ln_1p();
        let mu = mean.ln() - log_var / 2.0;
        Forecast::log_normal(mu, log_var + param.max(0.0), self.quantile)
    }

    /// The kept regressors for `month` at `price`, in coefficient order.
    fn regressors(&self, month: i32, price: f64) -> [f64; MAX_COLUMNS] {
        let mut z = [0.0; MAX_COLUMNS];
        for (zi, c) in z.iter_mut().zip(&self.model.columns) {
            *zi = match c {
                Column::Price => price.ln(),
                Column::Trend => f64::from(month - self.model.first_month) / 12.0,
                Column::Month(moy) => f64::from(u8::from(month.rem_euclid(12) as usize == *moy)),
            };
        }
        z
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(price: f64, ln_q: f64) -> PeriodPoint {
        PeriodPoint {
            quantity: ln_q.exp(),
            price,
        }
    }

    #[test]
    fn the_cell_interval_is_the_ols_prediction_interval_by_hand() {
        // ln Q = ln 100 + e·ln P ± 0.1 at prices 1, 1, 2, 2: the slope is e exactly, the
        // residuals are ±0.1, so σ̂² = 4·0.01 / 2 = 0.02, x̄ = ln 2 / 2, Sxx = (ln 2)²; at P = 1
        // the leverage is (ln 2 / 2)² / (ln 2)² = 1/4 and s² = 0.02·(1 + 1/4 + 1/4) = 0.03.
        let (a, e) = (100f64.ln(), -1.5);
        let pts = [
            point(1.0, a + 0.1),
            point(1.0, a - 0.1),
            point(2.0, a + e * 2f64.ln() + 0.1),
            point(2.0, a + e * 2f64.ln() - 0.1),
        ];
        let f = CellForecaster::fit(&pts).and_then(|c| c.forecast(1.0));
        let Ok(f) = f else {
            panic!("{f:?}");
        };
        let half = 4.302_652_729_749_464 * 0.03f64.sqrt();
        assert!((f.volume - 100.0 * 0.015f64.exp()).abs() < 1e-9, "{f:?}");
        assert!((f.low - 100.0 * (-half).exp()).abs() < 1e-9, "{f:?}");
        assert!((f.high - 100.0 * half.exp()).abs() < 1e-9, "{f:?}");
        assert!(f.covers(100.0) && !f.covers(f.high * 1.001) && !f.covers(f.low * 0.999));
    }

    #[test]
    fn cell_fits_that_cannot_predict_say_why() {
        assert_eq!(CellForecaster::fit(&[]), Err(NoForecast::NoTrainingData));
        let two = [point(1.0, 2.0), point(2.0, 1.0)];
        assert_eq!(CellForecaster::fit(&two), Err(NoForecast::TooFewPeriods));
        let three = [point(1.0, 2.0), point(2.0, 1.0), point(3.0, 0.5)];
        let fit = CellForecaster::fit(&three).map(|c| c.forecast(0.0));
        assert_eq!(fit, Ok(Err(NoForecast::NoPrice)));
    }

    #[test]
    fn a_cell_without_price_variation_predicts_its_mean_level() {
        // ln Q = 3, 4, 5 at one price: mean 4, σ̂² = 2 / 2 = 1, s² = 1·(1 + 1/3), t(0.975, 2).
        let pts = [point(5.0, 3.0), point(5.0, 4.0), point(5.0, 5.0)];
        let f = CellForecaster::fit(&pts).and_then(|c| c.forecast(7.0));
        let Ok(f) = f else {
            panic!("{f:?}");
        };
        let s2: f64 = 4.0 / 3.0;
        assert!((f.volume - (4.0 + s2 / 2.0).exp()).abs() < 1e-9 * f.volume);
        let high = (4.0 + 4.302_652_729_749_464 * s2.sqrt()).exp();
        assert!((f.high - high).abs() < 1e-9 * high);
    }
}
