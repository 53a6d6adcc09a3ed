//! `pricebench backtest`: fit a demand model on the whole months up to `--train-until`, predict
//! each cell's volume in the following `--horizon` months from the prices actually charged, and
//! compare with what was sold — per cell, per months-ahead step and in total.

use super::elasticity::settings_price;
use super::num;
use crate::analysis::demand::{self as analysis, BacktestFailure, BacktestRun};
use crate::cli::{BacktestArgs, ModelArg};
use crate::date::Date;
use crate::model::DemandModel;
use crate::model::backtest::{Accuracy, BacktestError, BacktestOptions};
use crate::report::{Cell, Report};
use crate::store::Workspace;
use anyhow::{Context, Result};
use std::io::Write;

/// The columns, in order. `level` is `cell`, `step` (months after the cut, in `step`) or
/// `total`; `from_month` and `to_month` span the months with sales after a cut; `months` counts
/// the predicted cell-months, `skipped` those with sales and no forecast (`reason` says why, the
/// commonest reason when there are several). `actual` and `forecast` are units summed over the
/// predicted cell-months; the percentages are empty when nothing was predicted.
pub const COLUMNS: [&str; 16] = [
    "level",
    "step",
    "segment_id",
    "product_id",
    "model",
    "from_month",
    "to_month",
    "months",
    "skipped",
    "reason",
    "actual",
    "forecast",
    "wape_pct",
    "bias_pct",
    "coverage_pct",
    "width_pct",
];

/// Prints one row per cell with sales after a cut, one per months-ahead step, and the total.
pub fn run(args: &BacktestArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let model = match args.model {
        ModelArg::Cell => DemandModel::Cell,
        ModelArg::Panel => DemandModel::Panel,
    };
    let opts = BacktestOptions {
        model,
        train_until: train_until(&args.train_until)?,
        horizon: usize::from(args.horizon),
        rolling: args.rolling,
    };
    let run = match analysis::backtest(ws, &opts, settings_price(args.price)) {
        Ok(run) => run,
        Err(BacktestFailure::Backtest(e)) => anyhow::bail!(explain(e, &args.train_until)),
        Err(BacktestFailure::Store(e)) => {
            return Err(e).context("cannot read the customer-months to backtest");
        }
    };
    report(&run, model).write(args.format.format, out)
}

/// The last whole calendar month up to the date, as year·12 + month − 1.
fn train_until(text: &str) -> Result<i32> {
    let date: Date = text.parse().context("--train-until")?;
    let (y, m, _) = date.ymd();
    let month = y * 12 + m as i32 - 1;
    let month_end = date.add_days(1).month_start() != date.month_start();
    Ok(if month_end { month } else { month - 1 })
}

/// `YYYY-MM` of a month number.
fn month_label(month: i32) -> String {
    format!("{}-{:02}", month.div_euclid(12), month.rem_euclid(12) + 1)
}

/// The message for a cut that leaves nothing to fit on or to predict.
fn explain(e: BacktestError, date: &str) -> String {
    match e {
        BacktestError::NoData => {
            "the workspace holds no transactions to backtest: run 'pricebench import DIR' first"
                .to_string()
        }
        BacktestError::NoTrainingData { first_month } => format!(
            "--train-until '{date}' leaves no whole month to fit on: the transactions start in \
             {first}; choose the end of {first} or later",
            first = month_label(first_month)
        ),
        BacktestError::NothingToPredict { last_month } => format!(
            "--train-until '{date}' leaves no month to predict: the transactions end in {last}; \
             choose a date before the end of {last}, such as the end of {before}",
            last = month_label(last_month),
            before = month_label(last_month - 1)
        ),
    }
}

/// The report: cells in segment, product order, then each step, then the total.
pub fn report(run: &BacktestRun, model: DemandModel) -> Report {
    let mut r = Report::new(&COLUMNS);
    let (cells, total) = run.backtest.accuracy();
    for (i, acc) in cells {
        let (segment, product) = &run.cells[i];
        r.push(row(("cell", None), Some((segment, product)), model, &acc));
    }
    for (step, acc) in run.backtest.accuracy_by_step() {
        r.push(row(("step", Some(step)), None, model, &acc));
    }
    r.push(row(("total", None), None, model, &total));
    r
}

fn row(
    (level, step): (&str, Option<usize>),
    cell: Option<(&String, &String)>,
    model: DemandModel,
    a: &Accuracy,
) -> Vec<Cell> {
    vec![
        Cell::Text(level.to_string()),
        step.map_or(Cell::Empty, |s| Cell::Int(s as i64)),
        Cell::opt_text(cell.map(|c| c.0.as_str())),
        Cell::opt_text(cell.map(|c| c.1.as_str())),
        Cell::Text(model.as_str().to_string()),
        Cell::opt_text(a.first_month.map(month_label).as_deref()),
        Cell::opt_text(a.last_month.map(month_label).as_deref()),
        Cell::Int(a.predicted as i64),
        Cell::Int(a.skipped as i64),
        Cell::opt_text(a.reason.map(|r| r.as_str())),
        num((a.predicted > 0).then_some(a.actual), 1),
        num((a.predicted > 0).then_some(a.forecast), 1),
        Cell::pct(a.wape_pct),
        Cell::pct(a.bias_pct),
        Cell::pct(a.coverage_pct),
        Cell::pct(a.width_pct),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn train_until_keeps_whole_months_only() {
        let at = |s: &str| train_until(s).ok();
        assert_eq!(at("2024-12-31"), Some(2024 * 12 + 11));
        assert_eq!(at("2024-12-30"), Some(2024 * 12 + 10));
        assert_eq!(at("2024-02-29"), Some(2024 * 12 + 1));
        assert_eq!(at("2024-03-01"), Some(2024 * 12 + 1));
        assert_eq!(month_label(2024 * 12), "2024-01");
        assert_eq!(month_label(2025 * 12 + 11), "2025-12");
        let err = train_until("2024-13-01").err().map(|e| format!("{e:#}"));
        assert_eq!(
            err.as_deref(),
            Some("--train-until: '2024-13-01' is not a date (expected YYYY-MM-DD)")
        );
    }
}
