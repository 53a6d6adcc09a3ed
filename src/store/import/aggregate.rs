//! Per segment × product × week / month sums maintained by the import, so views never scan
//! the transaction table: accumulated in memory during an import, then added to `agg_week` and
//! `agg_month` in one pass (rows that net to zero lines are removed).

use crate::date::Date;
use rusqlite::{Connection, params_from_iter, types::Value};
use std::collections::HashMap;

/// Sums for one segment × product × period.
#[derive(Debug, Clone, Default)]
pub struct Sums {
    pub lines: i64,
    pub quantity: f64,
    pub list_revenue: f64,
    pub invoice_revenue: f64,
    pub pocket_revenue: f64,
    pub cost: f64,
    /// Σ quantity × amount per element, in workspace element order.
    pub elements: Vec<f64>,
}

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

type Key = (u32, u32, i32);

/// Aggregates accumulated by one import, keyed by (segment index, product index, period start).
#[derive(Default)]
pub struct Aggregates {
    week: HashMap<Key, Sums>,
    month: HashMap<Key, Sums>,
}

impl Aggregates {
    pub fn add(&mut self, segment: u32, product: u32, date: Date, line: &LineAmounts, sign: f64) {
        let week = (segment, product, date.week_start().0);
        let month = (segment, product, date.month_start().0);
        add_line(self.week.entry(week).or_default(), line, sign);
        add_line(self.month.entry(month).or_default(), line, sign);
    }

    /// Adds another accumulation into this one.
    pub fn merge(&mut self, other: Aggregates) {
        for (mine, theirs) in [(&mut self.week, other.week), (&mut self.month, other.month)] {
            for (key, sums) in theirs {
                let into = mine.entry(key).or_default();
                into.lines += sums.lines;
                into.quantity += sums.quantity;
                into.list_revenue += sums.list_revenue;
                into.invoice_revenue += sums.invoice_revenue;
                into.pocket_revenue += sums.pocket_revenue;
                into.cost += sums.cost;
                if into.elements.len() < sums.elements.len() {
                    into.elements.resize(sums.elements.len(), 0.0);
                }
                for (a, b) in into.elements.iter_mut().zip(&sums.elements) {
                    *a += b;
                }
            }
        }
    }

    /// Adds the accumulated sums into the aggregate tables.
    pub fn flush(
        &self,
        conn: &Connection,
        segments: &[String],
        products: &[String],
        element_names: &[String],
    ) -> rusqlite::Result<()> {
        for (table, map) in [("agg_week", &self.week), ("agg_month", &self.month)] {
            let sql = upsert_sql(table, element_names);
            let mut stmt = conn.prepare(&sql)?;
            for (&(s, p, day), sums) in map {
                let mut values: Vec<Value> = vec![
                    Value::Text(segments[s as usize].clone()),
                    Value::Text(products[p as usize].clone()),
                    Value::Text(Date(day).to_string()),
                    Value::Integer(sums.lines),
                    Value::Real(sums.quantity),
                    Value::Real(sums.list_revenue),
                    Value::Real(sums.invoice_revenue),
                    Value::Real(sums.pocket_revenue),
                    Value::Real(sums.cost),
                ];
                values.extend(
                    (0..element_names.len())
                        .map(|i| Value::Real(sums.elements.get(i).copied().unwrap_or(0.0))),
                );
                stmt.execute(params_from_iter(values))?;
            }
            conn.execute(&format!("DELETE FROM {table} WHERE lines = 0"), [])?;
        }
        Ok(())
    }
}

fn add_line(sums: &mut Sums, line: &LineAmounts, sign: f64) {
    let q = sign * line.quantity;
    sums.lines += sign as i64;
    sums.quantity += q;
    sums.list_revenue += q * line.list_price;
    sums.invoice_revenue += q * line.invoice_price;
    sums.pocket_revenue += q * line.pocket_price;
    sums.cost += q * line.unit_cost;
    for &(slot, amount) in line.elements {
        if sums.elements.len() <= slot {
            sums.elements.resize(slot + 1, 0.0);
        }
        sums.elements[slot] += q * amount;
    }
}

const SUM_COLUMNS: [&str; 6] = [
    "lines",
    "quantity",
    "list_revenue",
    "invoice_revenue",
    "pocket_revenue",
    "cost",
];

fn upsert_sql(table: &str, element_names: &[String]) -> String {
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
        "INSERT INTO {table} (segment_id, product_id, period, {}) VALUES ({placeholders}) \
         ON CONFLICT (segment_id, product_id, period) DO UPDATE SET {}",
        columns.join(", "),
        updates.join(", ")
    )
}

/// Recomputes both aggregate tables from the transactions (after a customer moved segment).
pub fn rebuild(conn: &Connection, element_names: &[String]) -> rusqlite::Result<()> {
    let element_sums: String = element_names
        .iter()
        .map(|e| format!(", SUM(quantity * \"{e}\")"))
        .collect();
    let element_cols: String = element_names.iter().map(|e| format!(", \"{e}\"")).collect();
    for (table, period) in [
        ("agg_week", "week"),
        ("agg_month", "substr(date, 1, 8) || '01'"),
    ] {
        conn.execute(&format!("DELETE FROM {table}"), [])?;
        conn.execute(
            &format!(
                "INSERT INTO {table} (segment_id, product_id, period, {}{element_cols}) \
                 SELECT segment_id, product_id, {period}, COUNT(*), SUM(quantity), SUM(quantity * list_price), \
                 SUM(quantity * invoice_price), SUM(quantity * pocket_price), SUM(quantity * unit_cost){element_sums} \
                 FROM transactions GROUP BY segment_id, product_id, {period}",
                SUM_COLUMNS.join(", ")
            ),
            [],
        )?;
    }
    Ok(())
}
