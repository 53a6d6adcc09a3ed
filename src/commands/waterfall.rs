//! `pricebench waterfall`: the pocket price waterfall per group, as long rows (one per step).

use crate::analysis::realization::waterfalls;
use crate::cli::{WaterfallArgs, WaterfallBy};
use crate::realization::waterfall::Waterfall;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use crate::store::realization::Grouping;
use anyhow::Result;
use std::io::Write;

/// The columns of the long output: the spec's seven, then the step's amount in currency and the
/// group's volume, realization and status.
pub const COLUMNS: [&str; 11] = [
    "segment_id",
    "product_id",
    "customer_id",
    "step",
    "kind",
    "per_unit",
    "pct_of_list",
    "amount",
    "quantity",
    "realization_pct",
    "status",
];

/// Prints one row per step of every group's waterfall.
pub fn run(args: &WaterfallArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let waterfalls = compute(args, ws)?;
    let scope = super::scope(&args.scope, args.customer.as_deref())?;
    let period =
        crate::store::query::period_used(ws, scope.from, scope.to, scope.product.as_deref())?;
    report(&waterfalls)
        .with_period(period)
        .write(args.format.format, out)
}

/// The waterfalls the arguments ask for.
pub fn compute(args: &WaterfallArgs, ws: &Workspace) -> Result<Vec<Waterfall>> {
    let scope = super::scope(&args.scope, args.customer.as_deref())?;
    let grouping = match args.by {
        WaterfallBy::Total => Grouping::Total,
        WaterfallBy::Segment => Grouping::Segment,
        WaterfallBy::Product => Grouping::Product,
        WaterfallBy::SegmentProduct => Grouping::SegmentProduct,
        WaterfallBy::Customer => Grouping::Customer,
    };
    Ok(waterfalls(ws, grouping, &scope)?)
}

/// `"ok"`, or why the per-unit amounts are empty.
pub fn status(w: &Waterfall) -> &'static str {
    match w.has_volume() {
        true => "ok",
        false => "no net volume",
    }
}

/// The waterfalls as long rows.
pub fn report(waterfalls: &[Waterfall]) -> Report {
    let mut r = Report::new(&COLUMNS);
    for w in waterfalls {
        for s in &w.steps {
            r.push(vec![
                Cell::opt_text(w.key.segment_id.as_deref()),
                Cell::opt_text(w.key.product_id.as_deref()),
                Cell::opt_text(w.key.customer_id.as_deref()),
                Cell::Text(s.name.clone()),
                Cell::Text(s.kind.as_str().to_string()),
                s.per_unit.map_or(Cell::Empty, |v| Cell::Num {
                    value: v,
                    decimals: 4,
                }),
                super::leakage::pct2(s.pct_of_list),
                Cell::money(s.amount),
                Cell::money(w.quantity),
                super::leakage::pct2(w.realization_pct),
                Cell::Text(status(w).to_string()),
            ]);
        }
    }
    r
}
