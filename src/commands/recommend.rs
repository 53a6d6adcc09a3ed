//! `pricebench recommend`: the recommended prices of a scenario — the price list (one list
//! price per product) or the segment × product net-price targets — with their evidence, or
//! what each binding constraint costs.

use crate::cli::{Format, LevelArg, RecommendArgs, RecommendRows};
use crate::export::{costs_report, report, segments_report};
use crate::scenario::Level;
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;

/// The first and last date with lines within a scenario's baseline period: what its numbers
/// cover (every output that sums over dates states it).
pub fn baseline_period(
    ws: &Workspace,
    baseline: &crate::scenario::baseline::Baseline,
) -> Result<Option<(String, String)>> {
    let (from, to) = (
        crate::date::Date::parse(&baseline.from),
        crate::date::Date::parse(&baseline.to),
    );
    if from.is_none() || to.is_none() {
        return Ok(None);
    }
    Ok(crate::store::query::period_used(ws, from, to, None)?)
}

/// The scenario level an argument names.
pub fn level(arg: LevelArg) -> Level {
    match arg {
        LevelArg::Product => Level::Product,
        LevelArg::SegmentProduct => Level::SegmentProduct,
    }
}

/// Prints the rows `--rows` asks for; JSON also carries the provenance record.
pub fn run(args: &RecommendArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let p = crate::analysis::scenario::prepare(ws, &args.file)?;
    let level = level(args.level);
    let recs = p.recommendations(level);
    let table = match args.rows {
        RecommendRows::Main => report(&recs),
        RecommendRows::Segments => segments_report(&recs),
        RecommendRows::Totals => costs_report(&recs),
    }
    .with_currency(
        crate::store::query::reporting_currency(ws)?,
        &crate::export::MONEY_COLUMNS,
    )
    .with_period(baseline_period(ws, &p.baseline)?);
    if args.format.format != Format::Json {
        return table.write(args.format.format, out);
    }
    let provenance = crate::export::Provenance::new(&args.file, &p, level, Vec::new());
    let mut rows = Vec::new();
    table.write(Format::Json, &mut rows)?;
    let rows: serde_json::Value = serde_json::from_slice(&rows)?;
    let whole = serde_json::json!({ "provenance": provenance, "rows": rows });
    serde_json::to_writer_pretty(&mut *out, &whole)?;
    writeln!(out)?;
    Ok(())
}
