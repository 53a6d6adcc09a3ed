//! Sums maintained by the import so views never scan the transaction table: per segment ×
//! product × week (`agg_week`) and × month (`agg_month`), and per customer × product over all
//! dates (`agg_customer`). Accumulated in memory during an import (compactly: one index per key
//! into a flat `Vec<f64>`), then added to the tables in one pass; rows netting to zero lines go.

use super::fxhash::FxHashMap;
use crate::date::Date;
use rusqlite::{Connection, Statement};
use std::hash::Hash;

/// One transaction line's contribution (negated by `sign = -1` when a line is replaced).
pub struct LineAmounts<'a> {
    pub quantity: f64,
    pub list_price: f64,
    pub invoice_price: f64,
    pub pocket_price: f64,
    pub unit_cost: f64,
    /// (workspace element slot, per-unit amount)
    pub elements: &'a [(usize, f64)],
}

/// The sum columns, in the order they are stored in a [`SumTable`] row (elements follow).
const SUM_COLUMNS: [&str; 6] = [
    "lines",
    "quantity",
    "list_revenue",
    "invoice_revenue",
    "pocket_revenue",
    "cost",
];

/// Rows per block of a [`SumTable`]: storage grows a block at a time rather than doubling,
/// so a million customer × product rows never briefly need twice their memory.
const BLOCK_ROWS: usize = 4096;

/// Sums keyed by `K`: each key owns a row of `stride` numbers in `blocks`.
struct SumTable<K> {
    index: FxHashMap<K, u32>,
    blocks: Vec<Vec<f64>>,
    /// The last key looked up and its row: exports sorted by date and cell repeat it often.
    last: Option<(K, u32)>,
}

impl<K: Hash + Eq + Copy> SumTable<K> {
    fn new() -> Self {
        SumTable {
            index: FxHashMap::default(),
            blocks: Vec::new(),
            last: None,
        }
    }

    /// The row of `key`, zeroed when new.
    fn row_mut(&mut self, key: K, stride: usize) -> &mut [f64] {
        let next = self.index.len() as u32;
        let row = match self.last {
            Some((k, r)) if k == key => r,
            _ => *self.index.entry(key).or_insert(next),
        };
        self.last = Some((key, row));
        let row = row as usize;
        let (block, at) = (row / BLOCK_ROWS, row % BLOCK_ROWS * stride);
        if block == self.blocks.len() {
            self.blocks.push(Vec::with_capacity(BLOCK_ROWS * stride));
        }
        let values = &mut self.blocks[block];
        if values.len() < at + stride {
            values.resize(at + stride, 0.0);
        }
        &mut values[at..at + stride]
    }

    fn add(&mut self, key: K, stride: usize, line: &LineAmounts, sign: f64) {
        let v = self.row_mut(key, stride);
        let q = sign * line.quantity;
        v[0] += sign;
        v[1] += q;
        v[2] += q * line.list_price;
        v[3] += q * line.invoice_price;
        v[4] += q * line.pocket_price;
        v[5] += q * line.unit_cost;
        for &(slot, amount) in line.elements {
            v[SUM_COLUMNS.len() + slot] += q * amount;
        }
    }

    fn rows(&self, stride: usize) -> impl Iterator<Item = (&K, &[f64])> {
        self.index.iter().map(move |(k, &r)| {
            let (block, at) = (r as usize / BLOCK_ROWS, r as usize % BLOCK_ROWS * stride);
            (k, &self.blocks[block][at..at + stride])
        })
    }

    /// Re-lays every row from `old` to `new` numbers (a new element column, zero so far).
    fn widen(&mut self, old: usize, new: usize) {
        for values in &mut self.blocks {
            let rows = values.len() / old;
            let mut wider = Vec::with_capacity(BLOCK_ROWS * new);
            for r in 0..rows {
                wider.extend_from_slice(&values[r * old..(r + 1) * old]);
                wider.resize((r + 1) * new, 0.0);
            }
            *values = wider;
        }
    }
}

/// Aggregates accumulated by one import, keyed by catalog indexes.
pub struct Aggregates {
    /// Numbers per key: the sum columns then one per workspace element.
    stride: usize,
    week: SumTable<(u32, u32, i32)>,
    month: SumTable<(u32, u32, i32)>,
    customer: SumTable<(u32, u32)>,
    /// First and last date of the lines added.
    dates: Option<(Date, Date)>,
}

/// Indexes of one line's segment, customer and product in the import's catalog.
#[derive(Clone, Copy)]
pub struct LineKeys {
    pub segment: u32,
    pub customer: u32,
    pub product: u32,
}

impl Aggregates {
    /// Empty aggregates for a workspace with `elements` waterfall elements.
    pub fn new(elements: usize) -> Aggregates {
        Aggregates {
            stride: SUM_COLUMNS.len() + elements,
            week: SumTable::new(),
            month: SumTable::new(),
            customer: SumTable::new(),
            dates: None,
        }
    }

    pub fn add(&mut self, keys: LineKeys, date: Date, line: &LineAmounts, sign: f64) {
        let LineKeys {
            segment,
            customer,
            product,
        } = keys;
        self.week.add(
            (segment, product, date.week_start().0),
            self.stride,
            line,
            sign,
        );
        self.month.add(
            (segment, product, date.month_start().0),
            self.stride,
            line,
            sign,
        );
        self.customer
            .add((customer, product), self.stride, line, sign);
        if sign > 0.0 {
            self.dates = Some(match self.dates {
                Some((first, last)) => (first.min(date), last.max(date)),
                None => (date, date),
            });
        }
    }

    /// Makes room for one more element column (added mid-import by a later file).
    pub fn add_element(&mut self) {
        let (old, new) = (self.stride, self.stride + 1);
        self.week.widen(old, new);
        self.month.widen(old, new);
        self.customer.widen(old, new);
        self.stride = new;
    }

    /// Adds another accumulation (with the same elements) into this one.
    pub fn merge(&mut self, other: Aggregates) {
        if self.week.index.is_empty() && self.customer.index.is_empty() {
            *self = other;
            return;
        }
        let stride = self.stride;
        merge_table(&mut self.week, &other.week, stride);
        merge_table(&mut self.month, &other.month, stride);
        merge_table(&mut self.customer, &other.customer, stride);
        self.dates = match (self.dates, other.dates) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, y) => x.or(y),
        };
    }

    /// Adds the accumulated sums into the aggregate tables.
    pub fn flush(&self, conn: &Connection, names: &Names) -> rusqlite::Result<()> {
        let elements = &names.elements;
        for (table, map) in [("agg_week", &self.week), ("agg_month", &self.month)] {
            let mut stmt = conn.prepare(&upsert_sql(
                table,
                &["segment_id", "product_id", "period"],
                3,
                elements,
            ))?;
            // In primary-key order, so the B-tree is written from left to right.
            let mut rows: Vec<_> = map.rows(self.stride).collect();
            rows.sort_unstable_by_key(|&(&(s, p, day), _)| {
                (
                    &names.segments[s as usize],
                    &names.products[p as usize],
                    day,
                )
            });
            for (&(s, p, day), sums) in rows {
                let keys = [
                    names.segments[s as usize].as_str(),
                    names.products[p as usize].as_str(),
                    &Date(day).to_string(),
                ];
                execute(&mut stmt, &keys, sums)?;
            }
        }
        let mut stmt = conn.prepare(&upsert_sql(
            "agg_customer",
            &["customer_id", "product_id", "segment_id"],
            2,
            elements,
        ))?;
        let mut rows: Vec<_> = self.customer.rows(self.stride).collect();
        rows.sort_unstable_by_key(|&(&(c, p), _)| {
            (&names.customers[c as usize].0, &names.products[p as usize])
        });
        for (&(c, p), sums) in rows {
            let (customer, segment) = &names.customers[c as usize];
            let keys = [
                customer.as_str(),
                names.products[p as usize].as_str(),
                segment.as_str(),
            ];
            execute(&mut stmt, &keys, sums)?;
        }
        for table in ["agg_week", "agg_month", "agg_customer"] {
            conn.execute(&format!("DELETE FROM {table} WHERE lines = 0"), [])?;
        }
        if let Some((first, last)) = self.dates {
            conn.execute(
                "INSERT INTO date_range (id, first_date, last_date) VALUES (1, ?1, ?2) ON CONFLICT (id) DO UPDATE \
                 SET first_date = MIN(first_date, excluded.first_date), last_date = MAX(last_date, excluded.last_date)",
                (first.to_string(), last.to_string()),
            )?;
        }
        Ok(())
    }
}

/// The ids behind the catalog indexes, for writing the aggregates out.
pub struct Names {
    pub segments: Vec<String>,
    /// (customer id, segment id)
    pub customers: Vec<(String, String)>,
    pub products: Vec<String>,
    pub elements: Vec<String>,
}

fn merge_table<K: Hash + Eq + Copy>(into: &mut SumTable<K>, from: &SumTable<K>, stride: usize) {
    for (&key, sums) in from.rows(stride) {
        for (a, b) in into.row_mut(key, stride).iter_mut().zip(sums) {
            *a += b;
        }
    }
}

fn execute(stmt: &mut Statement, keys: &[&str; 3], sums: &[f64]) -> rusqlite::Result<()> {
    for (i, k) in keys.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, *k)?;
    }
    stmt.raw_bind_parameter(4, sums[0].round() as i64)?;
    for (i, v) in sums.iter().enumerate().skip(1) {
        stmt.raw_bind_parameter(i + 4, *v)?;
    }
    stmt.raw_execute().map(|_| ())
}

/// An upsert adding to existing sums; the first `unique` key columns form the primary key.
fn upsert_sql(table: &str, keys: &[&str; 3], unique: usize, element_names: &[String]) -> String {
    let columns: Vec<String> = SUM_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(element_names.iter().map(|e| format!("\"{e}\"")))
        .collect();
    let placeholders = vec!["?"; columns.len() + 3].join(", ");
    let updates: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = {c} + excluded.{c}"))
        .collect();
    format!(
        "INSERT INTO {table} ({}, {}) VALUES ({placeholders}) ON CONFLICT ({}) DO UPDATE SET {}",
        keys.join(", "),
        columns.join(", "),
        keys[..unique].join(", "),
        updates.join(", ")
    )
}

/// Recomputes every aggregate table from the transactions (after a customer moved segment).
pub fn rebuild(conn: &Connection, element_names: &[String]) -> rusqlite::Result<()> {
    let (cols, sums) = element_sql(element_names);
    for (table, period) in [
        ("agg_week", "week"),
        ("agg_month", "substr(date, 1, 8) || '01'"),
    ] {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
        conn.execute(
            &format!(
                "INSERT INTO {table} (segment_id, product_id, period, {}{cols}) \
                 SELECT segment_id, product_id, {period}, {}{sums} \
                 FROM transactions GROUP BY segment_id, product_id, {period}",
                SUM_COLUMNS.join(", "),
                SUM_SQL
            ),
            [],
        )?;
    }
    conn.execute("DELETE FROM date_range", [])?;
    conn.execute(
        "INSERT INTO date_range (id, first_date, last_date) SELECT 1, MIN(date), MAX(date) FROM transactions HAVING COUNT(*) > 0",
        [],
    )?;
    rebuild_customer(conn, element_names)
}

/// Recomputes `agg_customer` from the transactions.
pub fn rebuild_customer(conn: &Connection, element_names: &[String]) -> rusqlite::Result<()> {
    let (cols, sums) = element_sql(element_names);
    conn.execute("DELETE FROM agg_customer", [])?;
    conn.execute(
        &format!(
            "INSERT INTO agg_customer (customer_id, product_id, segment_id, {}{cols}) \
             SELECT customer_id, product_id, MAX(segment_id), {}{sums} \
             FROM transactions GROUP BY customer_id, product_id",
            SUM_COLUMNS.join(", "),
            SUM_SQL
        ),
        [],
    )?;
    Ok(())
}

const SUM_SQL: &str = "COUNT(*), SUM(quantity), SUM(quantity * list_price), SUM(quantity * invoice_price), \
                       SUM(quantity * pocket_price), SUM(quantity * unit_cost)";

fn element_sql(element_names: &[String]) -> (String, String) {
    let cols = element_names.iter().map(|e| format!(", \"{e}\"")).collect();
    let sums = element_names
        .iter()
        .map(|e| format!(", SUM(quantity * \"{e}\")"))
        .collect();
    (cols, sums)
}
