//! `pricebench guidance`: floor / target / stretch per segment × product (× customer-size band)
//! as % of list and as a price at the current list price, on the pocket and the invoice basis,
//! with what bringing customers up to the floor and the target is worth.

use crate::analysis::guidance as analysis;
use crate::cli::{BandByArg, GuidanceArgs, GuidanceOptionArgs};
use crate::realization::band::BandBy;
use crate::realization::guidance::{Corridor, GuidanceOptions, GuidanceRow};
use crate::report::{Cell, Report};
use crate::store::Workspace;
use crate::store::realization::Scope;
use anyhow::{Result, bail};
use std::io::Write;

/// The stable columns of the guidance table (and its CSV), in order.
pub const COLUMNS: [&str; 35] = [
    "segment_id",
    "product_id",
    "size_band",
    "size_bands",
    "volume_from",
    "volume_to",
    "merged_bands",
    "customers",
    "volume",
    "status",
    "borrowed_from",
    "pool_customers",
    "list_price",
    "pocket_floor_pct",
    "pocket_target_pct",
    "pocket_stretch_pct",
    "pocket_floor_price",
    "pocket_target_price",
    "pocket_stretch_price",
    "off_invoice_pct",
    "invoice_floor_pct",
    "invoice_target_pct",
    "invoice_stretch_pct",
    "invoice_floor_price",
    "invoice_target_price",
    "invoice_stretch_price",
    "customers_below_floor",
    "pocket_margin_to_floor_upper_bound",
    "customers_below_target",
    "pocket_margin_to_target_upper_bound",
    "floor_percentile",
    "target_percentile",
    "stretch_percentile",
    "from",
    "to",
];

/// The columns in currency (per unit, or margin).
const MONEY: [&str; 9] = [
    "list_price",
    "pocket_floor_price",
    "pocket_target_price",
    "pocket_stretch_price",
    "invoice_floor_price",
    "invoice_target_price",
    "invoice_stretch_price",
    "pocket_margin_to_floor_upper_bound",
    "pocket_margin_to_target_upper_bound",
];

/// Prints the guidance table.
pub fn run(args: &GuidanceArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let (scope, options) = parse_options(&args.options)?;
    let rows = analysis::guidance(ws, &scope, &options)?;
    let keep = |r: &&GuidanceRow| {
        args.segment
            .as_deref()
            .is_none_or(|s| r.segment_id.as_deref() == Some(s))
            && args.product.as_deref().is_none_or(|p| r.product_id == p)
    };
    let rows: Vec<&GuidanceRow> = rows.iter().filter(keep).collect();
    let period =
        crate::store::query::period_used(ws, scope.from, scope.to, args.product.as_deref())?;
    report(&rows, &options, &scope)
        .with_period(period)
        .with_currency(crate::store::query::reporting_currency(ws)?, &MONEY)
        .write(args.format.format, out)
}

/// The scope (dates only) and options the arguments ask for; percentiles out of order or out of
/// 0–100 are an error naming them.
pub fn parse_options(args: &GuidanceOptionArgs) -> Result<(Scope, GuidanceOptions)> {
    let dates = crate::cli::ScopeArgs {
        segment: None,
        product: None,
        from: args.from.clone(),
        to: args.to.clone(),
    };
    let scope = super::scope(&dates, None)?;
    for (flag, v) in [
        ("--floor", args.floor),
        ("--target", args.target),
        ("--stretch", args.stretch),
    ] {
        if !(0.0..=100.0).contains(&v) {
            bail!("{flag} '{v}' is not a percentile (expected 0 to 100)");
        }
    }
    if !(args.floor <= args.target && args.target <= args.stretch) {
        bail!(
            "percentiles out of order: --floor '{}' ≤ --target '{}' ≤ --stretch '{}' must hold",
            args.floor,
            args.target,
            args.stretch
        );
    }
    let options = GuidanceOptions {
        by: match args.by {
            BandByArg::Product => BandBy::Product,
            BandByArg::SegmentProduct => BandBy::SegmentProduct,
        },
        size_bands: usize::from(args.size_bands),
        percentiles: Corridor {
            floor: args.floor,
            target: args.target,
            stretch: args.stretch,
        },
        min_customers: usize::from(args.min_customers),
    };
    Ok((scope, options))
}

fn pct4(value: Option<f64>) -> Cell {
    super::num(value, 4)
}

fn corridor_cells(c: Option<Corridor>) -> [Cell; 3] {
    [
        pct4(c.map(|c| c.floor)),
        pct4(c.map(|c| c.target)),
        pct4(c.map(|c| c.stretch)),
    ]
}

/// The guidance table in [`COLUMNS`] order.
pub fn report(rows: &[&GuidanceRow], options: &GuidanceOptions, scope: &Scope) -> Report {
    let mut r = Report::new(&COLUMNS);
    let date = |d: Option<crate::date::Date>| Cell::opt_text(d.map(|d| d.to_string()).as_deref());
    for g in rows {
        let band = &g.size_band;
        let merged = band
            .merged
            .iter()
            .map(|b| b.to_string())
            .collect::<Vec<_>>()
            .join("+");
        let prices = |c: Option<Corridor>| -> Option<Corridor> { Some(c?.prices(g.list_price?)) };
        let invoice = g.invoice();
        let mut row = vec![
            Cell::opt_text(g.segment_id.as_deref()),
            Cell::Text(g.product_id.clone()),
            Cell::Int(band.index as i64),
            Cell::Int(band.of as i64),
            Cell::money(band.volume_from),
            band.volume_to.map_or(Cell::Empty, Cell::money),
            Cell::Text(merged),
            Cell::Int(g.customers as i64),
            Cell::money(g.volume),
            Cell::Text(g.source.status().to_string()),
            Cell::Text(g.source.borrowed_from().to_string()),
            Cell::Int(g.pool_customers as i64),
            pct4(g.list_price),
        ];
        row.extend(corridor_cells(g.pocket));
        row.extend(corridor_cells(prices(g.pocket)));
        row.push(pct4(g.off_invoice_pct));
        row.extend(corridor_cells(invoice));
        row.extend(corridor_cells(prices(invoice)));
        let worth = g.pocket.map(|_| g.worth);
        row.extend([
            worth.map_or(Cell::Empty, |w| Cell::Int(w.below_floor as i64)),
            super::num(worth.map(|w| w.to_floor), 2),
            worth.map_or(Cell::Empty, |w| Cell::Int(w.below_target as i64)),
            super::num(worth.map(|w| w.to_target), 2),
            super::num(Some(options.percentiles.floor), 2),
            super::num(Some(options.percentiles.target), 2),
            super::num(Some(options.percentiles.stretch), 2),
            date(scope.from),
            date(scope.to),
        ]);
        r.push(row);
    }
    r
}
