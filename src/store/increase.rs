//! Typed reads for price-increase realization: each product's list prices per day (to find its
//! list-price changes: a scan of `transactions`, as the aggregates hold no day-level list
//! prices) and per customer the sums in windows of dates around a change (no scan: see
//! [`super::ranged`]).

use super::ranged::{Query, pair_sums};
use super::{StoreError, Workspace};
use crate::date::Date;
use crate::realization::increase::ListPoint;
use crate::realization::price_changes::ProductFamily;
use crate::realization::sums::{Element, GroupSums};

/// Per product, day and list price: Σ |quantity|, sorted by product, date and list price, from
/// the sums the import keeps (`agg_list_day`).
pub fn list_points(ws: &Workspace) -> Result<Vec<ListPoint>, StoreError> {
    let mut stmt = ws.conn().prepare(
        "SELECT product_id, date, list_price, quantity FROM agg_list_day \
         ORDER BY product_id, date, list_price",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    let mut product: Option<std::sync::Arc<str>> = None;
    while let Some(r) = rows.next()? {
        let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        if product.as_deref() != Some(id) {
            product = Some(std::sync::Arc::from(id));
        }
        let Some(date) = Date::parse(r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?) else {
            continue;
        };
        out.push(ListPoint {
            product_id: product.clone().unwrap_or_else(|| std::sync::Arc::from("")),
            date,
            list_price: r.get(2)?,
            quantity: r.get(3)?,
        });
    }
    Ok(out)
}

/// Every product with its family, in id order.
pub fn product_families(ws: &Workspace) -> Result<Vec<ProductFamily>, StoreError> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT product_id, family FROM products ORDER BY product_id")?;
    let rows = stmt.query_map([], |r| {
        Ok(ProductFamily {
            product_id: r.get(0)?,
            family: r.get(1)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// A product's lines between two dates (inclusive).
#[derive(Debug, Clone, PartialEq)]
pub struct Window {
    pub product_id: String,
    pub from: Date,
    pub to: Date,
}

/// Per window, each customer's sums (keyed and ordered by segment, product, customer), from
/// the customer-month sums and the lines of the days at the windows' ends (see
/// [`super::ranged`]).
pub fn window_sums(
    ws: &Workspace,
    elements: &[Element],
    windows: &[Window],
) -> Result<Vec<Vec<GroupSums>>, StoreError> {
    let queries: Vec<Query> = windows
        .iter()
        .map(|w| Query {
            from: Some(w.from),
            to: Some(w.to),
            product: Some(w.product_id.clone()),
            ..Query::default()
        })
        .collect();
    pair_sums(ws, elements, &queries)
}
