//! `pricebench elasticity`: per segment × product, the elasticity of the cell model (log-log OLS
//! on the cell's totals per period) or the panel model (customer fixed effects on monthly
//! customer data) beside its value pooled within the segment. Stored results are reused while
//! the data is unchanged.

use super::{cell_filter, num};
use crate::analysis::demand::{self as analysis, Persist};
use crate::cli::{ElasticityArgs, Format, ModelArg, PeriodArg, PriceArg};
use crate::model::{DemandModel, ElasticityRow};
use crate::report::{Cell, Report};
use crate::store::Workspace;
use crate::store::demand::{self, ElasticitySettings, Period, PriceBasis};
use anyhow::Result;
use std::io::Write;

/// The CSV columns, in order. For the panel model `n_periods` counts customer-months and
/// `r_squared` is the within R²; `n_customers` is empty for the cell model.
pub const COLUMNS: [&str; 12] = [
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
    "model",
    "n_customers",
];

/// Columns JSON adds after [`COLUMNS`].
pub const JSON_EXTRA: [&str; 2] = ["pooled_ci_low", "pooled_ci_high"];

/// Prints one row per cell that passes the filter.
pub fn run(args: &ElasticityArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let settings = settings(args)?;
    let rows = compute(args, ws)?;
    let filter = cell_filter(&args.cells);
    let shown: Vec<&ElasticityRow> = rows
        .iter()
        .filter(|r| filter.keeps(&r.segment_id, &r.product_id))
        .collect();
    // The fits use every date of the workspace.
    let period = crate::store::query::period_used(ws, None, None, None)?;
    report(&shown, settings.model, args.format.format == Format::Json)
        .with_period(period)
        .write(args.format.format, out)
}

/// The settings the arguments ask for; weekly periods are refused for the panel model.
pub fn settings(args: &ElasticityArgs) -> Result<ElasticitySettings> {
    let price = settings_price(args.price);
    Ok(match (args.model, args.period) {
        (ModelArg::Panel, Some(PeriodArg::Week)) => anyhow::bail!(
            "--period 'week' does not apply to --model 'panel', which works on calendar months; \
             drop --period or use --model cell"
        ),
        (ModelArg::Panel, _) => ElasticitySettings::panel(price),
        (ModelArg::Cell, period) => ElasticitySettings {
            period: match period {
                Some(PeriodArg::Month) => Period::Month,
                _ => Period::Week,
            },
            price,
            model: DemandModel::Cell,
        },
    })
}

/// The store's price basis for the command line's.
pub fn settings_price(price: PriceArg) -> PriceBasis {
    match price {
        PriceArg::Pocket => PriceBasis::Pocket,
        PriceArg::Invoice => PriceBasis::Invoice,
        PriceArg::List => PriceBasis::List,
    }
}

/// Every cell's row: stored when fresh (unless `--refit`), else fitted now and stored.
pub fn compute(args: &ElasticityArgs, ws: &Workspace) -> Result<Vec<ElasticityRow>> {
    let settings = settings(args)?;
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

/// The rows of `model` as a report; `extra` adds the pooled interval.
pub fn report(rows: &[&ElasticityRow], model: DemandModel, extra: bool) -> Report {
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
            Cell::Text(model.as_str().to_string()),
            row.n_customers.map_or(Cell::Empty, |n| Cell::Int(n as i64)),
        ];
        if extra {
            cells.extend([num(row.pooled_ci_low, 4), num(row.pooled_ci_high, 4)]);
        }
        r.push(cells);
    }
    r
}
