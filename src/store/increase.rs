//! Typed reads for price-increase realization: each product's list prices per day (to find its
//! list-price changes) and per customer the sums in windows of dates around a change. Both scan
//! `transactions` once (the aggregates hold no day-level list prices).

use super::import::fxhash::FxHashMap;
use super::query::quote_ident;
use super::realization::{Numbering, customer_segments};
use super::{StoreError, Workspace};
use crate::date::Date;
use crate::realization::increase::ListPoint;
use crate::realization::price_changes::ProductFamily;
use crate::realization::sums::{Element, GroupKey, GroupSums, Sums};
use std::collections::HashMap;

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

/// Per window, each customer's sums (keyed by segment, product, customer; customer order), from
/// one scan of the lines between the earliest and the latest window date.
pub fn window_sums(
    ws: &Workspace,
    elements: &[Element],
    windows: &[Window],
) -> Result<Vec<Vec<GroupSums>>, StoreError> {
    let mut out: Vec<HashMap<String, GroupSums>> = vec![HashMap::new(); windows.len()];
    let (Some(lo), Some(hi)) = (
        windows.iter().map(|w| w.from).min(),
        windows.iter().map(|w| w.to).max(),
    ) else {
        return Ok(Vec::new());
    };
    let mut by_product: HashMap<&str, Vec<usize>> = HashMap::new();
    for (i, w) in windows.iter().enumerate() {
        by_product.entry(w.product_id.as_str()).or_default().push(i);
    }
    let columns: String = elements
        .iter()
        .map(|e| format!(", t.{}", quote_ident(&e.column)))
        .collect();
    let sql = format!(
        "SELECT t.product_id, t.date, t.customer_id, NULL, t.quantity, t.list_price, \
         t.unit_cost{columns} FROM transactions t WHERE t.date >= ?1 AND t.date <= ?2"
    );
    let segment_of = customer_segments(ws.conn())?;
    let mut stmt = ws.conn().prepare(&sql)?;
    let mut rows = stmt.query((lo.to_string(), hi.to_string()))?;
    while let Some(r) = rows.next()? {
        let product = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let Some(targets) = by_product.get(product) else {
            continue;
        };
        let Some(date) = Date::parse(r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?) else {
            continue;
        };
        for &i in targets {
            let w = &windows[i];
            if date < w.from || date > w.to {
                continue;
            }
            let customer = r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?;
            // Lines of customers missing from `customers` are left out, as a join would.
            let Some(segment) = segment_of.get(customer) else {
                continue;
            };
            if !out[i].contains_key(customer) {
                out[i].insert(
                    customer.to_string(),
                    GroupSums {
                        key: GroupKey {
                            segment_id: Some(segment.clone()),
                            product_id: Some(product.to_string()),
                            customer_id: Some(customer.to_string()),
                        },
                        sums: Sums {
                            elements: vec![0.0; elements.len()],
                            ..Sums::default()
                        },
                    },
                );
            }
            if let Some(g) = out[i].get_mut(customer) {
                add_line(&mut g.sums, r, elements)?;
            }
        }
    }
    Ok(out
        .into_iter()
        .map(|m| {
            let mut v: Vec<GroupSums> = m.into_values().collect();
            v.sort_by(|a, b| a.key.cmp(&b.key));
            v
        })
        .collect())
}

fn add_line(s: &mut Sums, r: &rusqlite::Row, elements: &[Element]) -> rusqlite::Result<()> {
    let (q, list, cost): (f64, f64, f64) = (r.get(4)?, r.get(5)?, r.get(6)?);
    s.lines += 1;
    s.quantity += q;
    s.list_revenue += q * list;
    s.cost += q * cost;
    let (mut on, mut off) = (0.0, 0.0);
    for (i, e) in elements.iter().enumerate() {
        let amount: f64 = r.get(7 + i)?;
        s.elements[i] += q * amount;
        match e.kind {
            crate::realization::sums::ElementKind::OnInvoice => on += amount,
            crate::realization::sums::ElementKind::OffInvoice => off += amount,
        }
    }
    s.invoice_revenue += q * (list - on);
    s.pocket_revenue += q * (list - on - off);
    Ok(())
}
