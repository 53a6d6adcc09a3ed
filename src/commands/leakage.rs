//! `pricebench leakage`: what each element gives away, the customers with the most margin to
//! recover, and whether volume earns the discount.

use crate::analysis::realization as analysis;
use crate::cli::{LeakageArgs, LeakageBy};
use crate::realization::leakage::{CustomerLeak, ElementLeak, VolumeFit};
use crate::realization::sums::ElementKind;
use crate::realization::sums::GroupKey;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use crate::store::realization::Grouping;
use crate::store::units::{GroupUnit, group_units};
use anyhow::Result;
use std::collections::HashMap;
use std::io::Write;

/// Prints the table `--by` asks for.
pub fn run(args: &LeakageArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let scope = super::scope(&args.scope, None)?;
    let r = match args.by {
        LeakageBy::Element => by_element(&analysis::element_leaks(ws, &scope)?),
        LeakageBy::Customer => {
            let mut r = by_customer(&analysis::customer_leaks(ws, &scope)?, args.top);
            let units = group_units(ws, Grouping::Customer, &scope)?;
            blank_mixed_volume(&mut r, units.as_ref());
            r
        }
        LeakageBy::Correlation => correlation(&analysis::volume_discount_fits(ws, &scope)?),
    };
    let period =
        crate::store::query::period_used(ws, scope.from, scope.to, scope.product.as_deref())?;
    let money = [
        "amount",
        "list_revenue",
        "pocket_revenue",
        "recoverable_margin",
    ];
    r.with_period(period)
        .with_currency(crate::store::query::reporting_currency(ws)?, &money)
        .write(args.format.format, out)
}

/// Empties the volume of the customers whose products are in different units (`units`: each
/// customer's unit, `None` where mixed; no map: no units in the workspace).
fn blank_mixed_volume(r: &mut Report, units: Option<&HashMap<GroupKey, GroupUnit>>) {
    let Some(units) = units else { return };
    for row in &mut r.rows {
        let text = |c: &Cell| match c {
            Cell::Text(s) => Some(s.clone()),
            _ => None,
        };
        let key = GroupKey {
            segment_id: text(&row[1]),
            product_id: None,
            customer_id: text(&row[0]),
        };
        if matches!(units.get(&key), Some(None)) {
            row[3] = Cell::Empty;
        }
    }
}

/// One row per element: what it gives away and its share of list revenue.
pub fn by_element(leaks: &[ElementLeak]) -> Report {
    let mut r = Report::new(&["element", "kind", "amount", "share_of_list_pct"]);
    for e in leaks {
        let kind = match e.kind {
            ElementKind::OnInvoice => "on_invoice",
            ElementKind::OffInvoice => "off_invoice",
        };
        r.push(vec![
            Cell::Text(e.column.clone()),
            Cell::Text(kind.to_string()),
            Cell::money(e.amount),
            pct2(e.share_of_list_pct),
        ]);
    }
    r
}

/// The first `top` of `leaks` (largest recoverable margin first).
pub fn by_customer(leaks: &[CustomerLeak], top: usize) -> Report {
    let mut r = Report::new(&[
        "customer_id",
        "segment_id",
        "products",
        "volume",
        "list_revenue",
        "pocket_revenue",
        "discount_pct",
        "pocket_pct",
        "recoverable_margin",
    ]);
    for c in leaks.iter().take(top) {
        r.push(vec![
            Cell::Text(c.customer_id.to_string()),
            Cell::Text(c.segment_id.to_string()),
            Cell::Int(c.products as i64),
            Cell::money(c.volume),
            Cell::money(c.list_revenue),
            Cell::money(c.pocket_revenue),
            pct2(c.discount_pct),
            pct2(c.pocket_pct),
            Cell::money(c.recoverable),
        ]);
    }
    r
}

/// One row per product and per segment: the correlation of pocket % with volume.
pub fn correlation(fits: &[VolumeFit]) -> Report {
    let mut r = Report::new(&["scope", "id", "customers", "r", "finding"]);
    for f in fits {
        r.push(vec![
            Cell::Text(f.scope.as_str().to_string()),
            Cell::Text(f.id.clone()),
            Cell::Int(f.customers as i64),
            f.r.map_or(Cell::Empty, |value| Cell::Num { value, decimals: 3 }),
            Cell::Text(f.finding().to_string()),
        ]);
    }
    r
}

/// A percentage with two decimals; `None` is empty.
pub fn pct2(value: Option<f64>) -> Cell {
    value.map_or(Cell::Empty, |value| Cell::Num { value, decimals: 2 })
}
