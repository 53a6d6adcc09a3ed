//! `pricebench bridge`: why revenue or pocket margin moved between two periods, as effects per
//! row that add up to the change to the cent (see `realization::bridge` for the formulas).

use crate::analysis::bridge::{Period, default_periods, period_bridge};
use crate::cli::{BasisArg, BridgeArgs, BridgeByArg, BridgeShow, MeasureArg};
use crate::realization::bridge::{
    Basis, Bridge, BridgeBy, BridgeOptions, BridgeRow, EFFECTS, Measure,
};
use crate::report::{Cell, Report};
use crate::store::Workspace;
use anyhow::{Context, Result};
use std::io::Write;

/// Prints the bridge the arguments ask for.
pub fn run(args: &BridgeArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let (bridge, base, compare) = compute(args, ws)?;
    let report = match args.show {
        BridgeShow::Effects => effects_report(&bridge),
        BridgeShow::Price => price_report(&bridge),
    };
    // The two periods' span, from the first to the last date with data.
    let (from, to) = (base.from.min(compare.from), base.to.max(compare.to));
    let period = crate::store::query::period_used(ws, Some(from), Some(to), None)?;
    let mut money = vec!["base", "compare", "change", "amount"];
    money.extend(EFFECTS);
    report
        .with_period(period)
        .with_currency(crate::store::query::reporting_currency(ws)?, &money)
        .write(args.format.format, out)
}

/// The periods (parsed, or the defaults) and the bridge between them.
pub fn compute(args: &BridgeArgs, ws: &Workspace) -> Result<(Bridge, Period, Period)> {
    let defaults = || -> Result<(Period, Period)> {
        default_periods(ws)?.context("the workspace has no transactions: give --base and --compare")
    };
    let (base, compare) = match (&args.base, &args.compare) {
        (Some(b), Some(c)) => (
            Period::parse(b).context("--base")?,
            Period::parse(c).context("--compare")?,
        ),
        (None, None) => defaults()?,
        _ => anyhow::bail!(
            "give both --base and --compare, or neither (the last 12 months against the 12 before)"
        ),
    };
    let bridge = period_bridge(ws, base, compare, options(args))?;
    Ok((bridge, base, compare))
}

/// The bridge options from the command line.
pub fn options(args: &BridgeArgs) -> BridgeOptions {
    BridgeOptions {
        by: match args.by {
            BridgeByArg::Total => BridgeBy::Total,
            BridgeByArg::Segment => BridgeBy::Segment,
            BridgeByArg::Product => BridgeBy::Product,
            BridgeByArg::SegmentProduct => BridgeBy::SegmentProduct,
            BridgeByArg::Customer => BridgeBy::Customer,
        },
        measure: match args.measure {
            MeasureArg::Revenue => Measure::Revenue,
            MeasureArg::PocketMargin => Measure::PocketMargin,
        },
        basis: match args.basis {
            BasisArg::List => Basis::List,
            BasisArg::Invoice => Basis::Invoice,
            BasisArg::Pocket => Basis::Pocket,
        },
    }
}

/// Cents as money.
pub fn money(cents: i64) -> Cell {
    Cell::money(cents as f64 / 100.0)
}

fn key_cells(row: &BridgeRow, level: &str) -> Vec<Cell> {
    vec![
        Cell::Text(level.to_string()),
        Cell::opt_text(row.key.segment_id.as_deref()),
        Cell::opt_text(row.key.product_id.as_deref()),
        Cell::opt_text(row.key.customer_id.as_deref()),
    ]
}

/// The rows, then the total (with `--by total` the total only).
fn rows(bridge: &Bridge) -> impl Iterator<Item = (&BridgeRow, &'static str)> {
    bridge
        .rows
        .iter()
        .filter(|r| r.key != crate::realization::sums::GroupKey::default())
        .map(|r| (r, "row"))
        .chain(std::iter::once((&bridge.total, "total")))
}

/// One row per group and the total: base, compare, change and every effect.
pub fn effects_report(bridge: &Bridge) -> Report {
    let mut columns = vec![
        "level",
        "segment_id",
        "product_id",
        "customer_id",
        "base",
        "compare",
        "change",
    ];
    columns.extend(EFFECTS);
    columns.extend(["pairs_continuing", "pairs_new", "pairs_lost", "pairs_other"]);
    let mut r = Report::new(&columns);
    for (row, level) in rows(bridge) {
        let mut cells = key_cells(row, level);
        cells.extend([row.base_cents, row.compare_cents, row.change_cents()].map(money));
        cells.extend(row.effects_cents.map(money));
        cells.extend(row.pairs.map(|n| Cell::Int(n as i64)));
        r.push(cells);
    }
    r
}

/// The price effect of each row by waterfall step.
pub fn price_report(bridge: &Bridge) -> Report {
    let mut r = Report::new(&[
        "level",
        "segment_id",
        "product_id",
        "customer_id",
        "step",
        "amount",
    ]);
    for (row, level) in rows(bridge) {
        for (step, cents) in &row.price_parts_cents {
            let mut cells = key_cells(row, level);
            cells.push(Cell::Text(step.clone()));
            cells.push(money(*cents));
            r.push(cells);
        }
    }
    r
}
