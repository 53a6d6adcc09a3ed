//! `pricebench waterfall`: the pocket price waterfall per group, as long rows (one per step).

use crate::analysis::realization::waterfalls;
use crate::cli::{WaterfallArgs, WaterfallBy};
use crate::realization::sums::GroupKey;
use crate::realization::waterfall::Waterfall;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use crate::store::realization::Grouping;
use crate::store::units::GroupUnit;
use anyhow::Result;
use std::collections::HashMap;
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
    let units = crate::store::units::group_units(ws, grouping(args.by), &scope)?;
    report_with_units(&waterfalls, units.as_ref())
        .with_period(period)
        .with_currency(
            crate::store::query::reporting_currency(ws)?,
            &["per_unit", "amount"],
        )
        .write(args.format.format, out)
}

/// The waterfalls the arguments ask for.
pub fn compute(args: &WaterfallArgs, ws: &Workspace) -> Result<Vec<Waterfall>> {
    let scope = super::scope(&args.scope, args.customer.as_deref())?;
    Ok(waterfalls(ws, grouping(args.by), &scope)?)
}

fn grouping(by: WaterfallBy) -> Grouping {
    match by {
        WaterfallBy::Total => Grouping::Total,
        WaterfallBy::Segment => Grouping::Segment,
        WaterfallBy::Product => Grouping::Product,
        WaterfallBy::SegmentProduct => Grouping::SegmentProduct,
        WaterfallBy::Customer => Grouping::Customer,
    }
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
    report_with_units(waterfalls, None)
}

/// The waterfalls as long rows; with units of measure (`units`: each group's unit, `None`
/// where its products mix units), a last column `uom`, and a group that mixes units shows no
/// quantity and no per-unit amounts (status `mixed units`): its amounts still add up.
pub fn report_with_units(
    waterfalls: &[Waterfall],
    units: Option<&HashMap<GroupKey, GroupUnit>>,
) -> Report {
    let mut columns = COLUMNS.to_vec();
    if units.is_some() {
        columns.push("uom");
    }
    let mut r = Report::new(&columns);
    for w in waterfalls {
        let unit = units.map(|u| {
            u.get(&w.key)
                .cloned()
                .unwrap_or_else(|| Some(String::new()))
        });
        let mixed = matches!(unit, Some(None));
        for s in &w.steps {
            let mut row = vec![
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
            ];
            if mixed {
                row[5] = Cell::Empty;
                row[8] = Cell::Empty;
                row[10] = Cell::Text(MIXED_UNITS.to_string());
            }
            if let Some(unit) = &unit {
                row.push(Cell::Text(unit.clone().unwrap_or_default()));
            }
            r.push(row);
        }
    }
    r
}

/// The status of a group whose products are in different units of measure.
pub const MIXED_UNITS: &str = "mixed units";
