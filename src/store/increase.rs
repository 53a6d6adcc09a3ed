//! Typed reads for price-increase realization: each product's list prices per day (to find its
//! list-price changes) and per customer the sums in windows of dates around a change. Both scan
//! `transactions` once (the aggregates hold no day-level list prices).

use super::query::quote_ident;
use super::{StoreError, Workspace};
use crate::date::Date;
use crate::realization::increase::ListPoint;
use crate::realization::price_changes::ProductFamily;
use crate::realization::sums::{Element, GroupKey, GroupSums, Sums};
use std::collections::HashMap;

/// Per product, day and list price: Σ |quantity|, sorted by product, date and list price.
pub fn list_points(ws: &Workspace) -> Result<Vec<ListPoint>, StoreError> {
    let mut stmt = ws.conn().prepare(
        "SELECT product_id, date, list_price, SUM(ABS(quantity)) FROM transactions \
         GROUP BY product_id, date, list_price ORDER BY product_id, date, list_price",
    )?;
    let mut rows = stmt.query([])?;
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        let date: String = r.get(1)?;
        let Some(date) = Date::parse(&date) else {
            continue;
        };
        out.push(ListPoint {
            product_id: r.get(0)?,
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
        "SELECT t.product_id, t.date, t.customer_id, c.segment_id, t.quantity, t.list_price, \
         t.unit_cost{columns} FROM transactions t JOIN customers c ON c.customer_id = t.customer_id \
         WHERE t.date >= ?1 AND t.date <= ?2"
    );
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
            let customer: String = r.get(2)?;
            let g = out[i].entry(customer.clone()).or_insert_with(|| GroupSums {
                key: GroupKey {
                    segment_id: r.get(3).ok(),
                    product_id: Some(product.to_string()),
                    customer_id: Some(customer),
                },
                sums: Sums {
                    elements: vec![0.0; elements.len()],
                    ..Sums::default()
                },
            });
            add_line(&mut g.sums, r, elements)?;
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
