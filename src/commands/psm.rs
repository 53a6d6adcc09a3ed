//! `pricebench psm`: the Van Westendorp price points per segment × product and per product
//! over all segments (segment_id `*`).

use super::{cell_filter, num};
use crate::cli::{Format, PsmArgs};
use crate::model::PsmRow;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use anyhow::{Context, Result};
use std::io::Write;

/// The CSV columns, in order.
pub const COLUMNS: [&str; 8] = [
    "segment_id",
    "product_id",
    "n_respondents",
    "n_valid",
    "pmc",
    "opp",
    "ipp",
    "pme",
];

/// Columns JSON adds after [`COLUMNS`].
pub const JSON_EXTRA: [&str; 3] = ["range_low", "range_high", "status"];

/// Prints one row per cell.
pub fn run(args: &PsmArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let rows = compute(args, ws)?;
    report(&rows, args.format.format == Format::Json)
        .with_currency(
            crate::store::query::reporting_currency(ws)?,
            &["pmc", "opp", "ipp", "pme", "range_low", "range_high"],
        )
        .write(args.format.format, out)
}

/// Reads the survey answers of the cells that pass the filter and computes their points.
pub fn compute(args: &PsmArgs, ws: &Workspace) -> Result<Vec<PsmRow>> {
    crate::analysis::demand::psm_rows(ws, &cell_filter(&args.cells))
        .context("cannot read the survey answers")
}

/// The rows as a report; `extra` adds the acceptable range and the status.
pub fn report(rows: &[PsmRow], extra: bool) -> Report {
    let mut columns = COLUMNS.to_vec();
    if extra {
        columns.extend(JSON_EXTRA);
    }
    let mut r = Report::new(&columns);
    for row in rows {
        let p = &row.result;
        let mut cells = vec![
            Cell::Text(row.segment_id.clone()),
            Cell::Text(row.product_id.clone()),
            Cell::Int(p.n_respondents as i64),
            Cell::Int(p.n_valid as i64),
            num(p.pmc, 2),
            num(p.opp, 2),
            num(p.ipp, 2),
            num(p.pme, 2),
        ];
        if extra {
            cells.extend([
                num(p.range_low, 2),
                num(p.range_high, 2),
                Cell::Text(p.status.as_str().to_string()),
            ]);
        }
        r.push(cells);
    }
    r
}
