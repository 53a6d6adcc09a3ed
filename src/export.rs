//! The recommended prices as CSV for the ERP or the pricing committee: the price list (one
//! list price per product) or the segment × product net-price targets, each row with its
//! evidence; RFC 4180, UTF-8, in id order, empty fields where a number is unknown (never NaN or
//! inf); written whole or not at all, with a provenance record beside it.

use crate::cli::Format;
use crate::outfile::OutfileError;
use crate::report::{Cell, Report};
use crate::scenario::{Level, Prepared, ProductPrice, Recommendation, Recommendations};
use serde::Serialize;
use std::path::{Path, PathBuf};

/// The price list's columns (level product), in order.
pub const PRODUCT_COLUMNS: [&str; 17] = [
    "product_id",
    "family",
    "segments",
    "segments_with_evidence",
    "current_list_price",
    "recommended_list_price",
    "change_pct",
    "elasticity",
    "volume_change_pct",
    "pocket_margin_change",
    "break_even_volume_pct",
    "prob_margin_gain",
    "confidence",
    "flags",
    "binding_constraint",
    "guardrail_cost",
    "reason",
];

/// The segment × product columns (the targets; at level product beside the product's price).
pub const SEGMENT_COLUMNS: [&str; 28] = [
    "segment_id",
    "product_id",
    "current_list_price",
    "current_pocket_price",
    "list_price",
    "change_pct",
    "expected_pocket_price",
    "target_pocket_price",
    "target_discount_pct",
    "elasticity",
    "elasticity_ci_low",
    "elasticity_ci_high",
    "elasticity_flag",
    "elasticity_model",
    "wtp_median",
    "economic_value",
    "customer_net_price",
    "capture_ratio_pct",
    "volume_change_pct",
    "pocket_margin_change",
    "break_even_volume_pct",
    "prob_margin_gain",
    "confidence",
    "flags",
    "binding_constraint",
    "guardrail_cost",
    "reason",
    "level",
];

/// The columns in currency (per unit, or margin) of every table here, named with the
/// reporting currency ([`Report::with_currency`]).
pub const MONEY_COLUMNS: [&str; 13] = [
    "current_list_price",
    "recommended_list_price",
    "current_pocket_price",
    "list_price",
    "expected_pocket_price",
    "target_pocket_price",
    "wtp_median",
    "economic_value",
    "customer_net_price",
    "pocket_margin_change",
    "guardrail_cost",
    "pocket_margin_cost",
    "net_price",
];

/// The guardrail cost summary's columns.
pub const COST_COLUMNS: [&str; 3] = ["binding_constraint", "rows", "pocket_margin_cost"];

fn num(value: f64, decimals: usize) -> Cell {
    match value.is_finite() {
        true => Cell::Num { value, decimals },
        false => Cell::Empty,
    }
}

fn opt(value: Option<f64>, decimals: usize) -> Cell {
    value.map_or(Cell::Empty, |v| num(v, decimals))
}

fn text(s: &str) -> Cell {
    Cell::Text(s.to_string())
}

/// Flags joined by `;` (empty when none).
fn flags(pairs: &[(bool, &str)]) -> Cell {
    let on: Vec<&str> = pairs.iter().filter(|(f, _)| *f).map(|(_, n)| *n).collect();
    text(&on.join(";"))
}

/// The price list (money to 4 decimals so that a re-import loses no cent).
pub fn products_report(recs: &Recommendations) -> Report {
    let mut r = Report::new(&PRODUCT_COLUMNS);
    let mut sorted: Vec<&ProductPrice> = recs.products.iter().collect();
    sorted.sort_by(|a, b| a.product_id.cmp(&b.product_id));
    for p in sorted {
        let e = &p.evidence;
        r.push(vec![
            text(&p.product_id),
            Cell::opt_text(p.family.as_deref()),
            Cell::Int(p.segments as i64),
            Cell::Int(p.segments_with_evidence as i64),
            num(p.current_list_price, 4),
            num(p.recommended_list_price, 4),
            num(p.change_pct, 2),
            opt(p.elasticity, 4),
            opt(e.volume_change_pct, 2),
            opt(e.pocket_margin_change, 2),
            opt(e.break_even_volume_pct, 2),
            opt(e.prob_gain, 3),
            text(e.confidence.as_str()),
            flags(&[(p.extrapolated, "extrapolated")]),
            text(p.binding.as_str()),
            opt(e.guardrail_cost, 2),
            text(&p.reason),
        ]);
    }
    r
}

/// The segment × product rows.
pub fn segments_report(recs: &Recommendations) -> Report {
    let mut r = Report::new(&SEGMENT_COLUMNS);
    let mut sorted: Vec<&Recommendation> = recs.cells.iter().collect();
    sorted.sort_by(|a, b| (&a.segment_id, &a.product_id).cmp(&(&b.segment_id, &b.product_id)));
    for x in sorted {
        r.push(segment_row(x, recs.level));
    }
    r
}

fn segment_row(x: &Recommendation, level: Level) -> Vec<Cell> {
    let e = x.estimate;
    let ev = &x.evidence;
    vec![
        text(&x.segment_id),
        text(&x.product_id),
        num(x.current_list_price, 4),
        num(x.current_pocket_price, 4),
        num(x.list_price, 4),
        num(x.change_pct, 2),
        num(x.expected_pocket_price, 4),
        opt(x.target_pocket_price, 4),
        opt(x.target_discount_pct, 2),
        opt(e.map(|e| e.elasticity), 4),
        opt(e.map(|e| e.ci_low), 4),
        opt(e.map(|e| e.ci_high), 4),
        Cell::opt_text(x.elasticity_flag.map(|f| f.as_str())),
        Cell::opt_text(x.elasticity_model.map(|m| m.as_str())),
        opt(x.wtp_median, 4),
        opt(x.economic_value, 4),
        num(x.customer_net_price, 4),
        opt(x.capture_ratio.map(|c| c * 100.0), 1),
        opt(ev.volume_change_pct, 2),
        opt(ev.pocket_margin_change, 2),
        opt(ev.break_even_volume_pct, 2),
        opt(ev.prob_gain, 3),
        text(ev.confidence.as_str()),
        flags(&[
            (x.extrapolated, "extrapolated"),
            (x.above_value, "above_value"),
        ]),
        text(x.binding.as_str()),
        opt(ev.guardrail_cost, 2),
        text(&x.reason),
        text(level.as_str()),
    ]
}

/// What each binding constraint costs, and the total over the guardrails.
pub fn costs_report(recs: &Recommendations) -> Report {
    let mut r = Report::new(&COST_COLUMNS);
    let mut total = 0.0;
    for c in &recs.costs {
        total += c.pocket_margin.unwrap_or(0.0);
        r.push(vec![
            text(c.binding.as_str()),
            Cell::Int(c.rows as i64),
            opt(c.pocket_margin, 2),
        ]);
    }
    let rows = recs.costs.iter().map(|c| c.rows).sum::<usize>();
    r.push(vec![text("total"), Cell::Int(rows as i64), num(total, 2)]);
    r
}

/// The level's own table: the price list at level product, the targets at segment-product.
pub fn report(recs: &Recommendations) -> Report {
    match recs.level {
        Level::Product => products_report(recs),
        Level::SegmentProduct => segments_report(recs),
    }
}

/// `table` carrying `currency` (the reporting currency, if any) on its money columns: a last
/// CSV column `currency`, as every other CSV output; without one the table is as it was.
pub fn in_currency(table: Report, currency: Option<&str>) -> Report {
    table.with_currency(currency.map(str::to_string), &MONEY_COLUMNS)
}

/// Where an export's table, the product level's segment targets and its provenance go.
pub struct ExportPaths {
    pub table: PathBuf,
    /// `NAME.segments.csv` beside a price list.
    pub segments: Option<PathBuf>,
    /// `NAME.meta.json`, beside a file (not for a stream such as standard output).
    pub meta: Option<PathBuf>,
}

impl ExportPaths {
    /// The files an export to `path` writes at `level`.
    pub fn new(path: &Path, level: Level) -> ExportPaths {
        let stream = path == Path::new("-") || crate::outfile::is_stream_path(path);
        let beside = |suffix: &str| {
            let mut name = path.file_stem().unwrap_or_default().to_os_string();
            name.push(suffix);
            path.with_file_name(name)
        };
        let mut meta = path.as_os_str().to_os_string();
        meta.push(".meta.json");
        ExportPaths {
            table: path.to_path_buf(),
            segments: (!stream && level == Level::Product).then(|| beside(".segments.csv")),
            meta: (!stream).then(|| PathBuf::from(meta)),
        }
    }
}

/// Where the numbers came from, written beside every export as `NAME.meta.json` and carried by
/// `recommend --format json`.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Provenance {
    pub scenario_name: String,
    pub scenario_path: String,
    /// SHA-256 of the scenario's text, lowercase hex: the file's, or for a scenario edited in
    /// the TUI and not saved, the edited scenario serialized as TOML.
    pub scenario_sha256: Option<String>,
    /// True when the scenario was edited in the TUI and not saved: the numbers come from the
    /// edited scenario, not from the file at `scenario_path`.
    pub scenario_edited: bool,
    /// What `scenario_sha256` is of, in words, when that is not the file.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scenario_note: Option<String>,
    /// The workspace's data stamp (latest import and aggregate row counts): the same stamp
    /// marks the same data.
    pub data_stamp: Option<String>,
    /// When the latest import ran (UTC).
    pub data_imported_at: Option<String>,
    pub baseline_from: String,
    pub baseline_to: String,
    /// The first and last date with transaction lines in the baseline period: the dates the
    /// numbers were read from (`null` when none).
    pub period_from: Option<String>,
    pub period_to: Option<String>,
    pub level: Level,
    /// The workspace's reporting currency, the currency of every amount in the files (`null`
    /// when the workspace names none).
    pub currency: Option<String>,
    pub pricebench_version: String,
    /// UTC, `YYYY-MM-DDTHH:MM:SSZ`.
    pub generated_at: String,
    /// The files this export wrote.
    pub files: Vec<String>,
}

impl Provenance {
    /// The record of recommendations made from `p` (read from `path`) at `level`, written to
    /// `files`, now.
    pub fn new(path: &Path, p: &Prepared, level: Level, files: Vec<String>) -> Provenance {
        let inputs = p.inputs.as_ref();
        Provenance {
            scenario_name: p.scenario.name.clone(),
            scenario_path: path.display().to_string(),
            scenario_sha256: inputs.map(|i| i.scenario_sha256.clone()),
            scenario_edited: false,
            scenario_note: None,
            data_stamp: inputs.map(|i| i.data_stamp.clone()),
            data_imported_at: inputs.and_then(|i| i.data_imported_at.clone()),
            baseline_from: p.baseline.from.clone(),
            baseline_to: p.baseline.to.clone(),
            period_from: inputs.and_then(|i| i.period.as_ref().map(|p| p.0.clone())),
            period_to: inputs.and_then(|i| i.period.as_ref().map(|p| p.1.clone())),
            level,
            currency: inputs.and_then(|i| i.currency.clone()),
            pricebench_version: env!("CARGO_PKG_VERSION").to_string(),
            generated_at: crate::date::utc_now(),
            files,
        }
    }

    /// The record for a scenario edited in the TUI and not saved: the hash of `toml`, the
    /// edited scenario serialized as TOML (the text that reproduces the numbers).
    pub fn edited(self, toml: &str) -> Provenance {
        Provenance {
            scenario_sha256: Some(crate::scenario::sha256_hex(toml.as_bytes())),
            scenario_edited: true,
            scenario_note: Some(format!(
                "edited in the TUI and not saved: scenario_sha256 is of the edited scenario serialized as TOML, not of '{}'",
                self.scenario_path
            )),
            ..self
        }
    }
}

/// Writes the level's table to `paths.table`, the segment targets beside a price list and the
/// provenance record, each whole or not at all (see [`crate::outfile::write`]); an existing
/// regular file is [`OutfileError::Exists`] unless `force` (checked for every file before any
/// is written). A symbolic link is written through to its target, a FIFO or device such as
/// `/dev/stdout` directly (the table only).
pub fn export(
    recs: &Recommendations,
    provenance: &Provenance,
    paths: &ExportPaths,
    force: bool,
) -> Result<(), OutfileError> {
    let extra: Vec<&PathBuf> = paths.segments.iter().chain(&paths.meta).collect();
    if !force
        && let Some(p) = extra
            .iter()
            .find(|p| std::fs::metadata(p).is_ok_and(|m| m.is_file()))
    {
        return Err(OutfileError::Exists(p.to_path_buf()));
    }
    let currency = provenance.currency.as_deref();
    let table = in_currency(report(recs), currency);
    crate::outfile::write(&paths.table, force, |mut w| {
        table.write(Format::Csv, &mut w)
    })?;
    if let Some(path) = &paths.segments {
        let segments = in_currency(segments_report(recs), currency);
        crate::outfile::write(path, true, |mut w| segments.write(Format::Csv, &mut w))?;
    }
    if let Some(path) = &paths.meta {
        crate::outfile::write(path, true, |w| {
            serde_json::to_writer_pretty(&mut *w, provenance)?;
            writeln!(w)?;
            Ok(())
        })?;
    }
    Ok(())
}
