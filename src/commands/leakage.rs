//! `pricebench leakage`: what each element gives away, the customers with the most margin to
//! recover, and whether volume earns the discount.

use crate::cli::{LeakageArgs, LeakageBy};
use crate::realization::leakage::{customer_leakage, element_leakage, volume_fits};
use crate::realization::sums::{Cell as SumsCell, ElementKind};
use crate::report::{Cell, Report};
use crate::store::Workspace;
use crate::store::realization::{self as store, Grouping};
use anyhow::{Context, Result};
use std::io::Write;

/// Prints the table `--by` asks for.
pub fn run(args: &LeakageArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let scope = super::scope(&args.scope, None)?;
    let r = match args.by {
        LeakageBy::Element => by_element(ws, &scope)?,
        LeakageBy::Customer => {
            let cells = store::cells(ws, &scope).context("cannot read the customer sums")?;
            by_customer(&cells, args.top)
        }
        LeakageBy::Correlation => {
            let cells = store::cells(ws, &scope).context("cannot read the customer sums")?;
            correlation(&cells)
        }
    };
    r.write(args.format.format, out)
}

fn by_element(ws: &Workspace, scope: &store::Scope) -> Result<Report> {
    let elements = crate::store::elements(ws).context("cannot read the waterfall elements")?;
    let total = store::group_sums(ws, &elements, Grouping::Total, scope)
        .context("cannot read the element sums")?
        .into_iter()
        .next()
        .unwrap_or_default();
    let mut r = Report::new(&["element", "kind", "amount", "share_of_list_pct"]);
    for e in element_leakage(&elements, &total.sums) {
        let kind = match e.kind {
            ElementKind::OnInvoice => "on_invoice",
            ElementKind::OffInvoice => "off_invoice",
        };
        r.push(vec![
            Cell::Text(e.column),
            Cell::Text(kind.to_string()),
            Cell::money(e.amount),
            pct2(e.share_of_list_pct),
        ]);
    }
    Ok(r)
}

/// The top `top` customers by recoverable margin.
pub fn by_customer(cells: &[SumsCell], top: usize) -> Report {
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
    for c in customer_leakage(cells).into_iter().take(top) {
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
pub fn correlation(cells: &[SumsCell]) -> Report {
    let mut r = Report::new(&["scope", "id", "customers", "r", "finding"]);
    for f in volume_fits(cells) {
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
