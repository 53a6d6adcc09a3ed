//! `agg_list_day`: per product, day and list price, the lines and Σ |quantity| — what finds the
//! list-price changes (`increase`) without a scan of the transaction lines. A few hundred
//! thousand rows at 10M lines (products × days × the list prices of a day).
//!
//! Kept by the import like the other aggregates: added to in memory, then upserted at its end;
//! a line taken out by `--replace` takes its quantity and line out, and rows left with no line
//! go. Plain SQL: `SELECT * FROM agg_list_day WHERE product_id = 'P0001' ORDER BY date`.

use super::import::fxhash::FxHashMap;
use crate::date::Date;
use rusqlite::Connection;

/// Sums per (product index, day, list price), as the import accumulates them.
#[derive(Debug, Default)]
pub struct ListDays {
    /// Per day, the offset of its page of one slot per product in `slots`.
    pages: FxHashMap<i32, u32>,
    /// Per product of a page: its first row + 1 (0: none yet).
    slots: Vec<u32>,
    /// Products per page (0: pages unused, every key hashed).
    products: u32,
    /// Keys whose page slot holds another list price, or beyond the pages.
    spill: FxHashMap<(u32, i32, u64), u32>,
    /// (product, day, list price, Σ |quantity|, lines)
    rows: Vec<(u32, i32, f64, f64, i64)>,
    /// The last page looked up.
    last: Option<(i32, u32)>,
}

/// Slots the pages may take in all (4 bytes each) before new days spill to the hash.
const MAX_SLOTS: usize = 4 << 20;

impl ListDays {
    /// Sums for lines of `products` catalogue products.
    pub fn for_products(products: usize) -> ListDays {
        ListDays {
            products: u32::try_from(products).unwrap_or(0),
            ..ListDays::default()
        }
    }

    pub fn len(&self) -> usize {
        self.rows.len()
    }

    pub fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    /// Adds a line (`sign` 1) or takes it out (`sign` −1).
    pub fn add(&mut self, product: u32, day: Date, list_price: f64, quantity: f64, sign: f64) {
        // + 0.0 makes −0.0 one group with 0.0, as SQL's equality does.
        let list = list_price + 0.0;
        let row = self.row(product, day.0, list);
        let r = &mut self.rows[row];
        r.3 += sign * quantity.abs();
        r.4 += if sign < 0.0 { -1 } else { 1 };
    }

    fn row(&mut self, product: u32, day: i32, list: f64) -> usize {
        let next = self.rows.len() as u32;
        if let Some(slot) = self.page_slot(product, day) {
            let at = self.slots[slot];
            if at == 0 {
                self.slots[slot] = next + 1;
                self.rows.push((product, day, list, 0.0, 0));
                return next as usize;
            }
            let row = (at - 1) as usize;
            if self.rows[row].2.to_bits() == list.to_bits() {
                return row;
            }
        }
        let at = *self
            .spill
            .entry((product, day, list.to_bits()))
            .or_insert(next);
        if at == next {
            self.rows.push((product, day, list, 0.0, 0));
        }
        at as usize
    }

    /// The page slot of a product on a day, when pages are in use and have room.
    fn page_slot(&mut self, product: u32, day: i32) -> Option<usize> {
        if product >= self.products {
            return None;
        }
        let start = match self.last {
            Some((d, start)) if d == day => start,
            _ => {
                let start = match self.pages.get(&day) {
                    Some(&s) => s,
                    None if self.slots.len() + self.products as usize <= MAX_SLOTS => {
                        let s = self.slots.len() as u32;
                        self.slots
                            .resize(self.slots.len() + self.products as usize, 0);
                        self.pages.insert(day, s);
                        s
                    }
                    None => return None,
                };
                self.last = Some((day, start));
                start
            }
        };
        Some((start + product) as usize)
    }

    /// Adds another accumulation keyed by the same product indexes.
    pub fn merge(&mut self, other: ListDays) {
        for (p, day, list, q, lines) in other.rows {
            let row = self.row(p, day, list);
            self.rows[row].3 += q;
            self.rows[row].4 += lines;
        }
    }

    /// Adds the sums into `agg_list_day` (`products` naming the product indexes); rows left
    /// without a line go.
    pub fn flush(&self, conn: &Connection, products: &[String]) -> rusqlite::Result<()> {
        let mut rows: Vec<&(u32, i32, f64, f64, i64)> = self
            .rows
            .iter()
            .filter(|r| r.4 != 0 || r.3 != 0.0)
            .collect();
        rows.sort_by(|a, b| {
            (&products[a.0 as usize], a.1)
                .cmp(&(&products[b.0 as usize], b.1))
                .then(a.2.total_cmp(&b.2))
        });
        let mut stmt = conn.prepare(
            "INSERT INTO agg_list_day (product_id, date, list_price, quantity, lines) \
             VALUES (?1, ?2, ?3, ?4, ?5) ON CONFLICT (product_id, date, list_price) DO UPDATE \
             SET quantity = quantity + excluded.quantity, lines = lines + excluded.lines",
        )?;
        let mut day_text: FxHashMap<i32, String> = FxHashMap::default();
        let mut removed = false;
        for &&(p, day, list, q, lines) in &rows {
            let date = day_text.entry(day).or_insert_with(|| Date(day).to_string());
            stmt.execute((&products[p as usize], date.as_str(), list, q, lines))?;
            removed |= lines < 0;
        }
        if removed {
            conn.execute("DELETE FROM agg_list_day WHERE lines <= 0", [])?;
        }
        Ok(())
    }
}

/// Recomputes `agg_list_day` from `transactions` (the v7 migration).
pub fn rebuild(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute_batch(
        "DELETE FROM agg_list_day;
         INSERT INTO agg_list_day (product_id, date, list_price, quantity, lines)
             SELECT product_id, date, list_price + 0.0, SUM(ABS(quantity)), COUNT(*)
             FROM transactions GROUP BY product_id, date, list_price + 0.0;",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_add_per_product_day_and_list_price_through_pages_and_the_spill() {
        let conn = Connection::open_in_memory().unwrap_or_else(|e| panic!("{e}"));
        conn.execute_batch(
            "CREATE TABLE agg_list_day (product_id TEXT NOT NULL, date TEXT NOT NULL, \
             list_price REAL NOT NULL, quantity REAL NOT NULL, lines INTEGER NOT NULL, \
             PRIMARY KEY (product_id, date, list_price)) WITHOUT ROWID",
        )
        .unwrap_or_else(|e| panic!("{e}"));
        let d = Date(20_000);
        let mut a = ListDays::for_products(2);
        a.add(0, d, 10.0, 3.0, 1.0);
        a.add(0, d, 10.0, -1.0, 1.0);
        // Another list price the same day, a product past the pages, and −0.0.
        a.add(0, d, 11.0, 2.0, 1.0);
        a.add(5, d, -0.0, 4.0, 1.0);
        a.add(5, d, 0.0, 1.0, 1.0);
        let mut b = ListDays::for_products(2);
        b.add(1, d.add_days(1), 7.0, 2.0, 1.0);
        a.merge(b);
        let products: Vec<String> = ["P1", "P2", "", "", "", "P6"].map(String::from).to_vec();
        a.flush(&conn, &products).unwrap_or_else(|e| panic!("{e}"));
        let mut taken = ListDays::for_products(2);
        taken.add(0, d, 11.0, 2.0, -1.0);
        taken
            .flush(&conn, &products)
            .unwrap_or_else(|e| panic!("{e}"));
        let got: Vec<(String, String, f64, f64, i64)> = conn
            .prepare("SELECT * FROM agg_list_day ORDER BY product_id, date, list_price")
            .and_then(|mut s| {
                s.query_map([], |r| {
                    Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
                })?
                .collect()
            })
            .unwrap_or_else(|e| panic!("{e}"));
        let day = d.to_string();
        let next = d.add_days(1).to_string();
        assert_eq!(
            got,
            vec![
                ("P1".into(), day.clone(), 10.0, 4.0, 2),
                ("P2".into(), next, 7.0, 2.0, 1),
                ("P6".into(), day, 0.0, 5.0, 2),
            ]
        );
    }
}
