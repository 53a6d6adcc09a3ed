//! Typed reads for price-increase realization: each product's list prices per day (to find its
//! list-price changes: a scan of `transactions`, as the aggregates hold no day-level list
//! prices) and per customer the sums in windows of dates around a change (no scan: see
//! [`super::ranged`]).

use super::import::fxhash::FxHashMap;
use super::ranged::{Query, pair_sums};
use super::realization::Numbering;
use super::{StoreError, Workspace};
use crate::date::Date;
use crate::realization::increase::ListPoint;
use crate::realization::price_changes::ProductFamily;
use crate::realization::sums::{Element, GroupSums};

/// Per product, day and list price: Σ |quantity|, sorted by product, date and list price.
/// One scan of the lines added up in memory (a few hundred thousand groups) rather than SQL's
/// `GROUP BY`, which sorted every line through a temporary B-tree.
pub fn list_points(ws: &Workspace) -> Result<Vec<ListPoint>, StoreError> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT product_id, date, list_price, quantity FROM transactions")?;
    let mut rows = stmt.query([])?;
    let mut products = Numbering::default();
    let mut dates = Numbering::default();
    let mut index: FxHashMap<(u32, u32, u64), usize> = FxHashMap::default();
    let mut groups: Vec<(u32, u32, f64, f64, f64)> = Vec::new();
    while let Some(r) = rows.next()? {
        let p = products.index(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
        let d = dates.index(r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?);
        // + 0.0 makes −0.0 one group with 0.0, as SQL's equality does.
        let list: f64 = r.get::<_, f64>(2)? + 0.0;
        let q: f64 = r.get::<_, f64>(3)?.abs();
        let next = groups.len();
        let at = *index.entry((p, d, list.to_bits())).or_insert(next);
        if at == next {
            groups.push((p, d, list, 0.0, 0.0));
        }
        let g = &mut groups[at];
        let s = g.3 + q;
        g.4 += match g.3.abs() > q {
            true => (g.3 - s) + q,
            false => (q - s) + g.3,
        };
        g.3 = s;
    }
    let mut out: Vec<ListPoint> = groups
        .into_iter()
        .filter_map(|(p, d, list, sum, err)| {
            Some(ListPoint {
                product_id: products.id(p).to_string(),
                date: Date::parse(dates.id(d))?,
                list_price: list,
                quantity: sum + err,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        (a.product_id.as_str(), a.date)
            .cmp(&(b.product_id.as_str(), b.date))
            .then(a.list_price.total_cmp(&b.list_price))
    });
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
