//! `pricebench evidence`: every method side by side per segment × product on one price axis
//! (invoice price per unit) — today's list, invoice and pocket price, the elasticity optimum of
//! the cell and panel models, the WTP median and max-margin price, the Van Westendorp range and
//! points, the economic value of a scenario's value drivers — each with its interval, and a
//! `disagree` row for each pair whose intervals do not overlap; the prices in the reporting
//! currency when the workspace has one, and the period of the lines read (all dates).

use super::{cell_filter, num};
use crate::cli::EvidenceArgs;
use crate::model::evidence::CellEvidence;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;

/// The columns, in order. On a `disagree` row `value` is the gap, `low` and `high` its ends,
/// and `lower` / `upper` the two methods.
pub const COLUMNS: [&str; 12] = [
    "segment_id",
    "product_id",
    "method",
    "basis",
    "value",
    "low",
    "high",
    "interval",
    "status",
    "lower",
    "upper",
    "note",
];

/// The columns in currency: every method is a price per unit, a disagreement a gap between
/// prices.
const MONEY: [&str; 3] = ["value", "low", "high"];

/// Prints every cell's methods, each followed by its disagreements.
pub fn run(args: &EvidenceArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let cells = compute(args, ws)?;
    report(&cells)
        .with_currency(crate::store::query::reporting_currency(ws)?, &MONEY)
        .with_period(crate::store::query::period_used(ws, None, None, None)?)
        .write(args.format.format, out)
}

/// The cells the arguments ask for.
pub fn compute(args: &EvidenceArgs, ws: &Workspace) -> Result<Vec<CellEvidence>> {
    crate::analysis::evidence::evidence(ws, &cell_filter(&args.cells), args.scenario.as_deref())
}

/// The cells as a report.
pub fn report(cells: &[CellEvidence]) -> Report {
    let mut r = Report::new(&COLUMNS);
    for c in cells {
        let ids = || {
            [
                Cell::Text(c.segment_id.clone()),
                Cell::Text(c.product_id.clone()),
            ]
        };
        for m in &c.methods {
            let mut row = ids().to_vec();
            row.extend([
                Cell::Text(m.method.as_str().to_string()),
                Cell::Text(m.method.basis().to_string()),
                num(m.value, 2),
                num(m.interval.map(|i| i.0), 2),
                num(m.interval.map(|i| i.1), 2),
                Cell::Text(m.interval_kind.as_str().to_string()),
                Cell::Text(m.status.to_string()),
                Cell::Empty,
                Cell::Empty,
                Cell::Text(m.note.clone()),
            ]);
            r.push(row);
        }
        for d in &c.disagreements {
            let mut row = ids().to_vec();
            row.extend([
                Cell::Text("disagree".to_string()),
                Cell::Empty,
                num(Some(d.gap), 2),
                num(Some(d.lower_span.1), 2),
                num(Some(d.upper_span.0), 2),
                Cell::Text("gap".to_string()),
                Cell::Text("disagree".to_string()),
                Cell::Text(d.lower.as_str().to_string()),
                Cell::Text(d.upper.as_str().to_string()),
                Cell::Text(d.note()),
            ]);
            r.push(row);
        }
    }
    r
}
