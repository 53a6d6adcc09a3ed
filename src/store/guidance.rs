//! Typed reads for deal guidance and scoring: each product's current list price, each
//! customer's segment, and a cell's quotes.

use super::{StoreError, Workspace};
use std::collections::HashMap;

/// Each product's current list price (`products.list_price`), by product id.
pub fn list_prices(ws: &Workspace) -> Result<HashMap<String, f64>, StoreError> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT product_id, list_price FROM products")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Each customer's segment, by customer id.
pub fn customer_segments(ws: &Workspace) -> Result<HashMap<String, String>, StoreError> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT customer_id, segment_id FROM customers")?;
    let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// One quote of a cell, as the guidance view plots it.
#[derive(Debug, Clone, PartialEq)]
pub struct QuotePoint {
    pub customer_id: String,
    pub quantity: f64,
    /// The quoted (invoice) price per unit.
    pub quoted_price: f64,
    pub won: bool,
}

/// The quotes of `segment` × `product` (through the `quotes_cell` index), in quote id order.
pub fn cell_quotes(
    ws: &Workspace,
    segment: &str,
    product: &str,
) -> Result<Vec<QuotePoint>, StoreError> {
    let mut stmt = ws.conn().prepare(
        "SELECT customer_id, quantity, quoted_price, won FROM quotes \
         WHERE segment_id = ?1 AND product_id = ?2 ORDER BY quote_id",
    )?;
    let rows = stmt.query_map([segment, product], |r| {
        Ok(QuotePoint {
            customer_id: r.get(0)?,
            quantity: r.get(1)?,
            quoted_price: r.get(2)?,
            won: r.get::<_, i64>(3)? == 1,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}
