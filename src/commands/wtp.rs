//! `pricebench wtp`: willingness-to-pay per segment × product and per product over all
//! segments (segment_id `*`), each model's fit, the best by AIC marked, the max-margin price.

use super::{cell_filter, num};
use crate::cli::{WtpArgs, WtpModelArg};
use crate::model::{WtpModel, WtpRow};
use crate::report::{Cell, Report};
use crate::store::Workspace;
use anyhow::{Context, Result};
use std::io::Write;

/// The CSV columns, in order.
pub const COLUMNS: [&str; 14] = [
    "segment_id",
    "product_id",
    "model",
    "n_quotes",
    "win_rate",
    "median_wtp",
    "ci_low",
    "ci_high",
    "scale",
    "log_likelihood",
    "aic",
    "best",
    "max_margin_price",
    "flag",
];

/// Prints one row per cell and model.
pub fn run(args: &WtpArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let rows = compute(args, ws)?;
    // `scale` is currency per unit for two models and ln-price units for the third: unnamed.
    report(&rows)
        .with_currency(
            crate::store::query::reporting_currency(ws)?,
            &["median_wtp", "ci_low", "ci_high", "max_margin_price"],
        )
        .write(args.format.format, out)
}

/// The model the arguments ask for; `None` means all three.
pub fn model(arg: WtpModelArg) -> Option<WtpModel> {
    match arg {
        WtpModelArg::Logistic => Some(WtpModel::Logistic),
        WtpModelArg::Normal => Some(WtpModel::Normal),
        WtpModelArg::LogNormal => Some(WtpModel::LogNormal),
        WtpModelArg::All => None,
    }
}

/// Reads the quotes of the cells that pass the filter and fits them.
pub fn compute(args: &WtpArgs, ws: &Workspace) -> Result<Vec<WtpRow>> {
    crate::analysis::demand::wtp_rows(ws, &cell_filter(&args.cells), model(args.model))
        .context("cannot read quotes")
}

/// The rows as a report.
pub fn report(rows: &[WtpRow]) -> Report {
    let mut r = Report::new(&COLUMNS);
    for row in rows {
        let f = &row.fit;
        r.push(vec![
            Cell::Text(row.segment_id.clone()),
            Cell::Text(row.product_id.clone()),
            Cell::Text(f.model.as_str().to_string()),
            Cell::Int(f.n_quotes as i64),
            num(row.win_rate, 4),
            num(f.median_wtp, 2),
            num(f.median_ci_low, 2),
            num(f.median_ci_high, 2),
            num(f.scale, 4),
            num(f.log_likelihood, 3),
            num(f.aic, 3),
            Cell::Int(i64::from(f.best_by_aic)),
            num(f.optimal_price, 2),
            Cell::Text(row.flag().to_string()),
        ]);
    }
    r
}
