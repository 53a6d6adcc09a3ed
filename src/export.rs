//! The recommended price table as CSV for the ERP or the slide deck: RFC 4180, UTF-8, one row
//! per segment × product in segment, product order, empty fields where a number is unknown (never
//! NaN or inf); written whole or not at all, and an existing file is never overwritten unless
//! asked.

use crate::cli::Format;
use crate::outfile::OutfileError;
use crate::report::{Cell, Report};
use crate::scenario::Recommendation;
use std::path::Path;

/// The export's columns, in order.
pub const COLUMNS: [&str; 16] = [
    "segment_id",
    "product_id",
    "current_list_price",
    "current_pocket_price",
    "recommended_list_price",
    "expected_pocket_price",
    "change_pct",
    "elasticity",
    "elasticity_ci_low",
    "elasticity_ci_high",
    "wtp_median",
    "economic_value",
    "volume_change_pct",
    "pocket_margin_change",
    "binding_constraint",
    "confidence",
];

fn num(value: f64, decimals: usize) -> Cell {
    match value.is_finite() {
        true => Cell::Num { value, decimals },
        false => Cell::Empty,
    }
}

fn opt(value: Option<f64>, decimals: usize) -> Cell {
    value.map_or(Cell::Empty, |v| num(v, decimals))
}

/// The recommended price table (money to 4 decimals so that a re-import loses no cent).
pub fn report(recs: &[Recommendation]) -> Report {
    let mut r = Report::new(&COLUMNS);
    let mut sorted: Vec<&Recommendation> = recs.iter().collect();
    sorted.sort_by(|a, b| (&a.segment_id, &a.product_id).cmp(&(&b.segment_id, &b.product_id)));
    for x in sorted {
        let e = x.estimate;
        r.push(vec![
            Cell::Text(x.segment_id.clone()),
            Cell::Text(x.product_id.clone()),
            num(x.current_list_price, 4),
            num(x.current_pocket_price, 4),
            num(x.recommended_list_price, 4),
            num(x.expected_pocket_price, 4),
            num(x.change_pct, 2),
            opt(e.map(|e| e.elasticity), 4),
            opt(e.map(|e| e.ci_low), 4),
            opt(e.map(|e| e.ci_high), 4),
            opt(x.wtp_median, 4),
            opt(x.economic_value, 4),
            opt(x.volume_change_pct, 2),
            num(x.pocket_margin_change, 2),
            Cell::Text(x.binding.as_str().to_string()),
            Cell::Text(x.confidence.as_str().to_string()),
        ]);
    }
    r
}

/// Writes the table to `path` as CSV, whole or not at all (see [`crate::outfile::write`]): an
/// existing regular file is [`OutfileError::Exists`] unless `force`; a symbolic link is written
/// through to its target, a FIFO or device such as `/dev/stdout` directly.
pub fn export(recs: &[Recommendation], path: &Path, force: bool) -> Result<(), OutfileError> {
    let table = report(recs);
    crate::outfile::write(path, force, |mut w| table.write(Format::Csv, &mut w))
}
