//! `pricebench elasticity`: per segment × product, the log-log OLS elasticity beside its value
//! pooled within the segment. Stored results are reused while the data is unchanged.

use super::{cell_filter, num};
use crate::analysis::demand::{self as analysis, Persist};
use crate::cli::{ElasticityArgs, Format, PeriodArg, PriceArg};
use crate::model::ElasticityRow;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use crate::store::demand::{self, ElasticitySettings, Period, PriceBasis};
use anyhow::Result;
use std::io::Write;

/// The CSV columns, in order.
pub const COLUMNS: [&str; 10] = [
    "segment_id",
    "product_id",
    "n_periods",
    "elasticity",
    "std_error",
    "ci_low",
    "ci_high",
    "r_squared",
    "pooled_elasticity",
    "flag",
];

/// Columns JSON adds after [`COLUMNS`].
pub const JSON_EXTRA: [&str; 2] = ["pooled_ci_low", "pooled_ci_high"];

/// Prints one row per cell that passes the filter.
pub fn run(args: &ElasticityArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let rows = compute(args, ws)?;
    let filter = cell_filter(&args.cells);
    let shown: Vec<&ElasticityRow> = rows
        .iter()
        .filter(|r| filter.keeps(&r.segment_id, &r.product_id))
        .collect();
    report(&shown, args.format.format == Format::Json).write(args.format.format, out)
}

/// The settings the arguments ask for.
pub fn settings(args: &ElasticityArgs) -> ElasticitySettings {
    ElasticitySettings {
        period: match args.period {
            PeriodArg::Week => Period::Week,
            PeriodArg::Month => Period::Month,
        },
        price: match args.price {
            PriceArg::Pocket => PriceBasis::Pocket,
            PriceArg::Invoice => PriceBasis::Invoice,
            PriceArg::List => PriceBasis::List,
        },
    }
}

/// Every cell's row: stored when fresh (unless `--refit`), else fitted now and stored.
pub fn compute(args: &ElasticityArgs, ws: &Workspace) -> Result<Vec<ElasticityRow>> {
    let settings = settings(args);
    if let Ok(Some(old)) = demand::load_elasticity(ws, &settings)
        && old.stale
    {
        eprintln!(
            "stored elasticities from {} are stale (data imported since): refitting",
            old.fitted_at
        );
    }
    let stored = match args.refit {
        true => analysis::refit_elasticity(ws, &settings, Persist::Store),
        false => analysis::fresh_elasticity(ws, &settings, Persist::Store),
    };
    Ok(stored?.rows)
}

/// The rows as a report; `extra` adds the pooled interval.
pub fn report(rows: &[&ElasticityRow], extra: bool) -> Report {
    let mut columns = COLUMNS.to_vec();
    if extra {
        columns.extend(JSON_EXTRA);
    }
    let mut r = Report::new(&columns);
    for row in rows {
        let mut cells = vec![
            Cell::Text(row.segment_id.clone()),
            Cell::Text(row.product_id.clone()),
            Cell::Int(row.n_periods as i64),
            num(row.elasticity, 4),
            num(row.std_error, 4),
            num(row.ci_low, 4),
            num(row.ci_high, 4),
            num(row.r_squared, 4),
            num(row.pooled_elasticity, 4),
            Cell::Text(row.flag.as_str().to_string()),
        ];
        if extra {
            cells.extend([num(row.pooled_ci_low, 4), num(row.pooled_ci_high, 4)]);
        }
        r.push(cells);
    }
    r
}
