//! Backtesting a demand model: fit on the whole months up to a cut, predict each cell's volume
//! in the following months from the prices actually charged ([`super::forecast`]), and compare
//! with what was sold — WAPE, bias and the empirical coverage of the 95% prediction intervals,
//! per cell and overall. Rolling: refit at every month-end from the first cut on.
//!
//! The cell model is fitted on the cell's monthly totals (log-log OLS, as `elasticity --model
//! cell --period month`), the panel on its customers' months (as `elasticity --model panel`).
//! A cell-month is predicted when the cell sold in it; months without a line are not scored.

use super::cells::{DemandModel, PanelCell};
use super::elasticity::PeriodPoint;
use super::forecast::{CellForecaster, Forecast, NoForecast, PanelForecaster};
use super::panel::{PanelObs, PanelOptions, estimate_panel};
use super::parallel::map_cells;
use std::collections::BTreeMap;

/// What to backtest.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BacktestOptions {
    pub model: DemandModel,
    /// The last month of the (first) training window, year·12 + month − 1.
    pub train_until: i32,
    /// Months predicted after each cut (≥ 1).
    pub horizon: usize,
    /// Refit at every month-end after the first cut, up to the month before the last.
    pub rolling: bool,
}

/// Why a backtest cannot run at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BacktestError {
    #[error("there are no transactions to backtest on")]
    NoData,
    /// The cut is before the first month with data.
    #[error("no data up to the cut: the data starts in month {first_month}")]
    NoTrainingData { first_month: i32 },
    /// The cut is at or after the last month with data.
    #[error("no month after the cut: the data ends in month {last_month}")]
    NothingToPredict { last_month: i32 },
}

/// One predicted cell-month.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Prediction {
    /// Index of the cell in the input.
    pub cell: usize,
    pub month: i32,
    /// Months after the cut (1 = the first month predicted).
    pub step: usize,
    /// Net units sold in the cell that month (every customer).
    pub actual: f64,
    pub forecast: Result<Forecast, NoForecast>,
}

/// WAPE, bias and coverage over a set of predicted cell-months. Absent numbers are `None`,
/// never NaN.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Accuracy {
    /// Cell-months with a forecast.
    pub predicted: usize,
    /// Cell-months with sales and no forecast, and the commonest reason among them.
    pub skipped: usize,
    pub reason: Option<NoForecast>,
    /// First and last month predicted (or skipped).
    pub first_month: Option<i32>,
    pub last_month: Option<i32>,
    /// Σ actual and Σ forecast (units) over the predicted cell-months.
    pub actual: f64,
    pub forecast: f64,
    /// Weighted absolute percentage error, Σ|actual − forecast| / Σ actual, in %.
    pub wape_pct: Option<f64>,
    /// (Σ forecast − Σ actual) / Σ actual, in % (positive: the model predicts too much).
    pub bias_pct: Option<f64>,
    /// Share of predicted cell-months whose actual volume lies in the 95% interval, in %.
    pub coverage_pct: Option<f64>,
    /// Median of (high − low) / forecast, in %: how wide the intervals are for that coverage
    /// (the median, as a few cells fitted on three months have intervals a hundred times wider
    /// than the rest).
    pub width_pct: Option<f64>,
}

impl Accuracy {
    /// The accuracy of `predictions`.
    pub fn of<'a>(predictions: impl IntoIterator<Item = &'a Prediction>) -> Accuracy {
        let mut acc = Accuracy::default();
        let (mut abs_err, mut covered, mut widths) = (0.0, 0usize, Vec::new());
        let mut reasons: BTreeMap<NoForecast, usize> = BTreeMap::new();
        for p in predictions {
            acc.first_month = Some(acc.first_month.map_or(p.month, |m| m.min(p.month)));
            acc.last_month = Some(acc.last_month.map_or(p.month, |m| m.max(p.month)));
            let f = match p.forecast {
                Ok(f) => f,
                Err(why) => {
                    acc.skipped += 1;
                    *reasons.entry(why).or_default() += 1;
                    continue;
                }
            };
            acc.predicted += 1;
            acc.actual += p.actual;
            acc.forecast += f.volume;
            abs_err += (p.actual - f.volume).abs();
            widths.push((f.high - f.low) / f.volume);
            covered += usize::from(f.covers(p.actual));
        }
        // The commonest reason; on a tie the first in the enum's order.
        acc.reason = reasons
            .into_iter()
            .rev()
            .max_by_key(|(_, n)| *n)
            .map(|(r, _)| r);
        if acc.actual > 0.0 {
            acc.wape_pct = Some(100.0 * abs_err / acc.actual);
            acc.bias_pct = Some(100.0 * (acc.forecast - acc.actual) / acc.actual);
        }
        if acc.predicted > 0 {
            acc.coverage_pct = Some(100.0 * covered as f64 / acc.predicted as f64);
        }
        acc.width_pct = median(&mut widths).map(|w| 100.0 * w);
        acc
    }
}

/// The median of finite values; `None` when there are none.
fn median(values: &mut [f64]) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    let n = values.len();
    match n {
        0 => None,
        _ if n % 2 == 1 => Some(values[n / 2]),
        _ => Some((values[n / 2 - 1] + values[n / 2]) / 2.0),
    }
}

/// The cuts and every cell-month predicted after them.
#[derive(Debug, Clone, PartialEq)]
pub struct Backtest {
    /// Last training month of each refit, in order.
    pub cuts: Vec<i32>,
    /// By cell (input order), then cut, then month.
    pub predictions: Vec<Prediction>,
}

impl Backtest {
    /// Accuracy per cell with a predicted month (in input order, with its index) and over all.
    pub fn accuracy(&self) -> (Vec<(usize, Accuracy)>, Accuracy) {
        let mut by_cell: BTreeMap<usize, Vec<&Prediction>> = BTreeMap::new();
        for p in &self.predictions {
            by_cell.entry(p.cell).or_default().push(p);
        }
        let cells = by_cell
            .into_iter()
            .map(|(c, ps)| (c, Accuracy::of(ps)))
            .collect();
        (cells, Accuracy::of(&self.predictions))
    }

    /// Accuracy per months-ahead step, 1 to the longest.
    pub fn accuracy_by_step(&self) -> Vec<(usize, Accuracy)> {
        let steps = self.predictions.iter().map(|p| p.step).max().unwrap_or(0);
        (1..=steps)
            .map(|s| {
                (
                    s,
                    Accuracy::of(self.predictions.iter().filter(|p| p.step == s)),
                )
            })
            .collect()
    }
}

/// Runs the backtest over every cell's customer-months (each cell sorted by customer and
/// month, as the store reads them).
pub fn backtest(cells: &[PanelCell], opts: &BacktestOptions) -> Result<Backtest, BacktestError> {
    let months = cells.iter().flat_map(|c| c.obs.iter().map(|o| o.month));
    let (first, last) = months.fold((i32::MAX, i32::MIN), |(a, b), m| (a.min(m), b.max(m)));
    if first > last {
        return Err(BacktestError::NoData);
    }
    if opts.train_until < first {
        return Err(BacktestError::NoTrainingData { first_month: first });
    }
    if opts.train_until >= last {
        return Err(BacktestError::NothingToPredict { last_month: last });
    }
    let cuts: Vec<i32> = match opts.rolling {
        true => (opts.train_until..last).collect(),
        false => vec![opts.train_until],
    };
    let by_cell = map_cells(cells, |i, cell| backtest_cell(i, cell, &cuts, opts));
    let predictions = by_cell.into_iter().flatten().collect();
    Ok(Backtest { cuts, predictions })
}

/// One cell's predictions after each cut.
fn backtest_cell(
    index: usize,
    cell: &PanelCell,
    cuts: &[i32],
    opts: &BacktestOptions,
) -> Vec<Prediction> {
    let sales = month_sales(&cell.obs);
    let mut out = Vec::new();
    for &cut in cuts {
        let horizon = (cut + 1)..=(cut.saturating_add(opts.horizon as i32));
        let test: Vec<(i32, &MonthSales)> = sales.range(horizon).map(|(m, s)| (*m, s)).collect();
        if test.is_empty() {
            continue;
        }
        let fitted = Fitted::new(opts.model, cell, &sales, cut);
        out.extend(test.into_iter().map(|(month, s)| Prediction {
            cell: index,
            month,
            step: (month - cut) as usize,
            actual: s.quantity,
            forecast: fitted.predict(month, s),
        }));
    }
    out
}

/// One month of a cell: its total net units and revenue, and who bought at what price.
#[derive(Debug, Default)]
struct MonthSales {
    quantity: f64,
    revenue: f64,
    buyers: Vec<(u32, f64)>,
}

impl MonthSales {
    /// The quantity-weighted price, when the month's net quantity and revenue are positive.
    fn price(&self) -> Option<f64> {
        let obs = PanelObs {
            customer: 0,
            month: 0,
            quantity: self.quantity,
            revenue: self.revenue,
        };
        obs.price()
    }
}

fn month_sales(obs: &[PanelObs]) -> BTreeMap<i32, MonthSales> {
    let mut months: BTreeMap<i32, MonthSales> = BTreeMap::new();
    for o in obs {
        let m = months.entry(o.month).or_default();
        m.quantity += o.quantity;
        m.revenue += o.revenue;
        if let Some(p) = o.price() {
            m.buyers.push((o.customer, p));
        }
    }
    months
}

/// A model fitted on one cell's training months, or why there is none.
enum Fitted {
    Cell(Result<CellForecaster, NoForecast>),
    Panel(Result<Box<PanelForecaster>, NoForecast>),
}

impl Fitted {
    fn new(
        model: DemandModel,
        cell: &PanelCell,
        sales: &BTreeMap<i32, MonthSales>,
        cut: i32,
    ) -> Fitted {
        match model {
            DemandModel::Cell => {
                let points: Vec<PeriodPoint> = sales
                    .range(..=cut)
                    .filter_map(|(_, s)| {
                        s.price().map(|price| PeriodPoint {
                            quantity: s.quantity,
                            price,
                        })
                    })
                    .collect();
                Fitted::Cell(CellForecaster::fit(&points))
            }
            DemandModel::Panel => {
                let train: Vec<PanelObs> = cell
                    .obs
                    .iter()
                    .filter(|o| o.month <= cut)
                    .copied()
                    .collect();
                if !train.iter().any(|o| o.price().is_some()) {
                    return Fitted::Panel(Err(NoForecast::NoTrainingData));
                }
                let estimate = estimate_panel(&train, &PanelOptions::default());
                Fitted::Panel(PanelForecaster::new(estimate).map(Box::new))
            }
        }
    }

    /// The month's volume at the prices charged: the cell's average price (cell model), each
    /// buying customer's own (panel).
    fn predict(&self, month: i32, s: &MonthSales) -> Result<Forecast, NoForecast> {
        match self {
            Fitted::Cell(fitted) => {
                let fitted = fitted.as_ref().map_err(|e| *e)?;
                fitted.forecast(s.price().ok_or(NoForecast::NoPrice)?)
            }
            Fitted::Panel(forecaster) => {
                let forecaster = forecaster.as_ref().map_err(|e| *e)?;
                forecaster.forecast(month, &s.buyers)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn prediction(actual: f64, forecast: Result<(f64, f64, f64), NoForecast>) -> Prediction {
        Prediction {
            cell: 0,
            month: 24_300,
            step: 1,
            actual,
            forecast: forecast.map(|(volume, low, high)| Forecast { volume, low, high }),
        }
    }

    #[test]
    fn accuracy_by_hand() {
        // |90 − 100| + |120 − 100| = 30 over 210 sold; 200 forecast against 210: −4.76%; 90
        // lies outside [95, 130], 120 inside; widths 35% and 45%, median 40%.
        let ps = [
            prediction(90.0, Ok((100.0, 95.0, 130.0))),
            prediction(120.0, Ok((100.0, 90.0, 135.0))),
            prediction(50.0, Err(NoForecast::NoPrice)),
        ];
        let a = Accuracy::of(&ps);
        assert_eq!((a.predicted, a.skipped), (2, 1));
        assert_eq!(a.reason, Some(NoForecast::NoPrice));
        assert!((a.wape_pct.unwrap_or(0.0) - 100.0 * 30.0 / 210.0).abs() < 1e-12);
        assert!((a.bias_pct.unwrap_or(0.0) + 100.0 * 10.0 / 210.0).abs() < 1e-12);
        assert_eq!(a.coverage_pct, Some(50.0));
        assert!((a.width_pct.unwrap_or(0.0) - 40.0).abs() < 1e-12);
    }

    #[test]
    fn nothing_predicted_gives_no_numbers() {
        let ps = [
            prediction(50.0, Err(NoForecast::FewCustomers)),
            prediction(50.0, Err(NoForecast::UnseenMonth)),
            prediction(50.0, Err(NoForecast::UnseenMonth)),
        ];
        let a = Accuracy::of(&ps);
        assert_eq!((a.predicted, a.skipped), (0, 3));
        assert_eq!(a.reason, Some(NoForecast::UnseenMonth));
        assert_eq!((a.wape_pct, a.bias_pct, a.coverage_pct), (None, None, None));
        assert_eq!(a.width_pct, None);
    }

    #[test]
    fn cuts_outside_the_data_are_errors() {
        let obs = |month| PanelObs {
            customer: 0,
            month,
            quantity: 1.0,
            revenue: 1.0,
        };
        let cells = [PanelCell {
            segment_id: "S".into(),
            product_id: "P".into(),
            obs: vec![obs(100), obs(105)],
        }];
        let opts = |train_until| BacktestOptions {
            model: DemandModel::Cell,
            train_until,
            horizon: 3,
            rolling: true,
        };
        let before = backtest(&cells, &opts(99));
        assert_eq!(
            before,
            Err(BacktestError::NoTrainingData { first_month: 100 })
        );
        let after = backtest(&cells, &opts(105));
        assert_eq!(
            after,
            Err(BacktestError::NothingToPredict { last_month: 105 })
        );
        assert_eq!(backtest(&[], &opts(100)), Err(BacktestError::NoData));
        let Ok(run) = backtest(&cells, &opts(100)) else {
            panic!("a cut within the data runs");
        };
        assert_eq!(run.cuts, vec![100, 101, 102, 103, 104]);
        // Month 105 is 3 months after cut 102, 2 after 103 and 1 after 104; one month of
        // training data is not enough for the cell model.
        let steps: Vec<usize> = run.predictions.iter().map(|p| p.step).collect();
        assert_eq!(steps, vec![3, 2, 1]);
        assert!(
            run.predictions
                .iter()
                .all(|p| p.forecast == Err(NoForecast::TooFewPeriods))
        );
    }
}
