//! What an import checks references against: the ids already in the workspace plus those
//! imported earlier in the same call, and the workspace's waterfall elements.

use super::fxhash::{FxHashMap, IdMap};
use crate::realization::sums::ElementKind;
use rusqlite::Connection;

/// Known ids, interned to small indexes so the hot path hashes each id once.
#[derive(Default)]
pub struct Catalog {
    pub segment_index: IdMap<u32>,
    pub segments: Vec<String>,
    /// customer id → (customer index, segment index)
    pub customers: IdMap<(u32, u32)>,
    /// (customer id, segment id) by customer index
    pub customer_ids: Vec<(String, String)>,
    /// product id → (product index, unit cost)
    pub product_index: IdMap<(u32, f64)>,
    pub products: Vec<String>,
    /// Element column names in waterfall order, with true for on-invoice.
    pub elements: Vec<(String, bool)>,
    /// Where this import met each of its ids (to name both lines of an id met twice).
    pub seen: super::bulk::Seen,
    /// Whether a table held rows before this import (for duplicate messages).
    pub had_rows: FxHashMap<&'static str, bool>,
}

impl Catalog {
    pub fn load(conn: &Connection) -> rusqlite::Result<Catalog> {
        let mut cat = Catalog::default();
        for id in column(conn, "SELECT segment_id FROM segments")? {
            cat.intern_segment(&id);
        }
        let mut stmt = conn.prepare("SELECT customer_id, segment_id FROM customers")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (customer, segment) = row?;
            let s = cat.intern_segment(&segment);
            cat.upsert_customer(&customer, s);
        }
        let mut stmt = conn.prepare("SELECT product_id, unit_cost FROM products")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, f64>(1)?)))?;
        for row in rows {
            let (product, cost) = row?;
            cat.upsert_product(&product, cost);
        }
        cat.elements = crate::store::read_elements(conn)?
            .into_iter()
            .map(|e| (e.column, e.kind == ElementKind::OnInvoice))
            .collect();
        for table in ["transactions", "quotes", "survey"] {
            let any: bool =
                conn.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), [], |r| {
                    r.get(0)
                })?;
            cat.had_rows.insert(table, any);
        }
        Ok(cat)
    }

    pub fn intern_segment(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.segment_index.get(id) {
            return i;
        }
        let i = self.segments.len() as u32;
        self.segments.push(id.to_string());
        self.segment_index.insert(id, i);
        i
    }

    /// Registers a customer (or moves it to another segment); returns its index.
    pub fn upsert_customer(&mut self, id: &str, segment: u32) -> u32 {
        let segment_id = self
            .segments
            .get(segment as usize)
            .cloned()
            .unwrap_or_default();
        if let Some(entry) = self.customers.get_mut(id) {
            entry.1 = segment;
            self.customer_ids[entry.0 as usize].1 = segment_id;
            return entry.0;
        }
        let i = self.customer_ids.len() as u32;
        self.customer_ids.push((id.to_string(), segment_id));
        self.customers.insert(id, (i, segment));
        i
    }

    /// The ids behind the indexes, for writing aggregates.
    pub fn names(&self) -> super::aggregate::Names {
        super::aggregate::Names {
            segments: self.segments.clone(),
            customers: self.customer_ids.clone(),
            products: self.products.clone(),
            elements: self.element_names(),
        }
    }

    pub fn upsert_product(&mut self, id: &str, unit_cost: f64) -> u32 {
        if let Some(entry) = self.product_index.get_mut(id) {
            entry.1 = unit_cost;
            return entry.0;
        }
        let i = self.products.len() as u32;
        self.products.push(id.to_string());
        self.product_index.insert(id, (i, unit_cost));
        i
    }

    pub fn element_names(&self) -> Vec<String> {
        self.elements.iter().map(|(n, _)| n.clone()).collect()
    }
}

fn column(conn: &Connection, sql: &str) -> rusqlite::Result<Vec<String>> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map([], |r| r.get(0))?;
    rows.collect()
}
