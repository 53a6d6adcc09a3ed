//! `agg_customer_month`: sums per customer × product × calendar month — lines, quantity, list
//! revenue, cost and every waterfall element — what the panel model, the backtest and every
//! question over a date range ([`super::ranged`]) read instead of scanning transaction lines.
//!
//! There are nearly as many of these sums as transaction lines (3.6M at 10M lines), too many to
//! hold in memory through an import or to insert as rows at the import's speed. So they are
//! stored in chunks: an import appends BLOBs of packed records, one at each change of month
//! once it holds [`MIN_CHUNK_RECORDS`] sums, one whenever it holds [`CHUNK_RECORDS`], and one
//! at its end (lines come in date order, so a customer-month rarely spans two chunks); a line
//! taken out by `--replace` is a record with negative sums. Each chunk's row carries the first
//! and last month of its records, so a reader of a date range skips the chunks outside it.
//! A reader adds up the records of a customer, product and month over all chunks and drops
//! those that net to zero lines. Ids and element names are stored as text in each chunk's own
//! dictionary, so the chunks stay right whatever happens to rowids or to the element order,
//! and a customer's segment is looked up when read (a customer moving segment changes nothing
//! here).
//!
//! A chunk, little-endian: `PBCM` and version 2; its customer ids, then its product ids, then
//! its element names, each a u32 count followed by (u32 length, UTF-8 bytes), ids in id order;
//! the u32 record count, then records of 16 + 8 × (3 + elements) bytes: customer and product
//! (u32 indexes into the chunk's ids), month (i32, year·12 + month − 1), lines (i32), then f64
//! Σ quantity, Σ quantity × list price, Σ quantity × unit cost and Σ quantity × each element.
//! Records are sorted by customer, product and month. Invoice and pocket revenue follow: list
//! less the on-invoice elements, then less the off-invoice ones.
//!
//! Not plain SQL, unlike the other aggregates: a cache of what `transactions` holds, which
//! `pricebench` rebuilds from it when the schema changes.

use super::elements::read_elements;
use super::import::aggregate::LineAmounts;
use super::import::fxhash::{FxHashMap, IdMap};
use super::line_blocks::LineBlocks;
use crate::date::Date;
use crate::realization::sums::ElementKind;
use rusqlite::Connection;

/// Sums an import holds before writing them out as a chunk, whatever the month (about 40 MB
/// with the index and the encoded chunk).
pub const CHUNK_RECORDS: usize = 1 << 18;
/// Sums an import holds before writing them out at a change of month.
pub const MIN_CHUNK_RECORDS: usize = CHUNK_RECORDS / 8;
/// Bytes of a record's key and line count; its numbers follow.
const KEY_BYTES: usize = 16;
/// Numbers per record before the elements: Σ quantity, Σ quantity × list, Σ quantity × cost.
pub const FIXED: usize = 3;
const MAGIC: &[u8; 4] = b"PBCM";
const VERSION: u32 = 2;

/// A customer × product × month: indexes into the writer's (or a chunk's) ids, month number.
pub type Key = (u32, u32, i32);

/// Net sums of one customer × product × month on the three price levels.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct MonthSums {
    /// Lines added less lines taken out.
    pub lines: i32,
    pub quantity: f64,
    /// Σ quantity × list, invoice and pocket price per unit.
    pub list: f64,
    pub invoice: f64,
    pub pocket: f64,
}

/// Customer-month sums accumulated in memory until written as a chunk.
#[derive(Debug)]
pub struct CustomerMonths {
    /// Where [`CustomerMonths::add`] finds a key's record.
    index: FxHashMap<Key, u32>,
    /// Per customer × product pair number, its latest record + 1 (0: none), for
    /// [`CustomerMonths::add_pair`].
    latest: Vec<u32>,
    keys: Vec<Key>,
    lines: Vec<i32>,
    /// [`CustomerMonths::width`] numbers per record: [`FIXED`], then one per element slot.
    values: Vec<f64>,
    width: usize,
}

impl Default for CustomerMonths {
    fn default() -> Self {
        CustomerMonths::with_capacity(0, 0)
    }
}

impl CustomerMonths {
    /// Room for `n` sums without growing, for a workspace with `elements` elements.
    pub fn with_capacity(n: usize, elements: usize) -> CustomerMonths {
        let width = FIXED + elements;
        CustomerMonths {
            index: FxHashMap::default(),
            latest: Vec::new(),
            keys: Vec::with_capacity(n),
            lines: Vec::with_capacity(n),
            values: Vec::with_capacity(n * width),
            width,
        }
    }

    pub fn len(&self) -> usize {
        self.keys.len()
    }

    pub fn is_empty(&self) -> bool {
        self.keys.is_empty()
    }

    /// Makes room for one more element (added mid-import by a later file), zero so far.
    pub fn add_element(&mut self) {
        let (old, new) = (self.width, self.width + 1);
        let mut wider = Vec::with_capacity(self.keys.len() * new);
        for r in 0..self.keys.len() {
            wider.extend_from_slice(&self.values[r * old..(r + 1) * old]);
            wider.push(0.0);
        }
        self.values = wider;
        self.width = new;
    }

    fn push(&mut self, key: Key) -> usize {
        self.keys.push(key);
        self.lines.push(0);
        self.values.resize(self.values.len() + self.width, 0.0);
        self.keys.len() - 1
    }

    fn add_at(&mut self, at: usize, line: &LineAmounts, sign: f64) {
        let v = &mut self.values[at * self.width..(at + 1) * self.width];
        let q = sign * line.quantity;
        v[0] += q;
        v[1] += q * line.list_price;
        v[2] += q * line.unit_cost;
        for (&slot, &amount) in line.slots.iter().zip(line.elements) {
            v[FIXED + slot] += q * amount;
        }
        self.lines[at] += if sign < 0.0 { -1 } else { 1 };
    }

    /// Adds one line's sums (`sign` 1) or takes them out (`sign` −1).
    pub fn add(&mut self, key: Key, line: &LineAmounts, sign: f64) {
        let next = self.keys.len() as u32;
        let at = *self.index.entry(key).or_insert(next);
        if at == next {
            self.push(key);
        }
        self.add_at(at as usize, line, sign);
    }

    /// A record of sums computed elsewhere (`import --aggregates`): `lines` and [`FIXED`] +
    /// elements numbers in slot order. False, and nothing added, when this accumulation holds
    /// the key already.
    pub fn insert_sums(&mut self, key: Key, lines: i32, numbers: &[f64]) -> bool {
        if self.index.len() < self.keys.len() {
            // Records pushed by `push_sums` since: indexed now.
            for (i, k) in self.keys.iter().enumerate() {
                self.index.entry(*k).or_insert(i as u32);
            }
        }
        let next = self.keys.len() as u32;
        if *self.index.entry(key).or_insert(next) != next {
            return false;
        }
        self.push_sums(key, lines, numbers);
        true
    }

    /// [`CustomerMonths::insert_sums`] of a key the caller knows to be new (rows in key
    /// order): no lookup.
    pub fn push_sums(&mut self, key: Key, lines: i32, numbers: &[f64]) {
        let at = self.push(key);
        self.lines[at] = lines;
        let width = self.width;
        for (v, x) in self.values[at * width..(at + 1) * width]
            .iter_mut()
            .zip(numbers)
        {
            *v = *x;
        }
    }

    /// Adds one line's sums, `pair` numbering its customer × product densely (the import's
    /// row of the pair's customer × product sums). The line adds to the pair's latest record
    /// when that is of its month: an array lookup instead of a hash probe, as lines come in date
    /// order. A line out of order starts another record of its customer-month, which the
    /// reader adds up like those of two chunks (so does a key added both ways).
    pub fn add_pair(&mut self, pair: usize, key: Key, line: &LineAmounts) {
        if pair >= self.latest.len() {
            self.latest.resize((pair + 1).next_power_of_two(), 0);
        }
        let latest = self.latest[pair] as usize;
        let at = match latest.checked_sub(1) {
            Some(i) if self.keys[i] == key => i,
            _ => {
                let i = self.push(key);
                self.latest[pair] = i as u32 + 1;
                i
            }
        };
        self.add_at(at, line, 1.0);
    }

    /// Adds another accumulation keyed by the same indexes (and elements).
    pub fn merge(&mut self, other: CustomerMonths) {
        for (r, key) in other.keys.iter().enumerate() {
            let next = self.keys.len() as u32;
            let at = *self.index.entry(*key).or_insert(next) as usize;
            if at == next as usize {
                self.push(*key);
            }
            self.lines[at] += other.lines[r];
            let theirs = &other.values[r * other.width..(r + 1) * other.width];
            for (a, b) in self.values[at * self.width..].iter_mut().zip(theirs) {
                *a += b;
            }
        }
    }

    /// The sums as one chunk (ids from `customer_id` and `product_id`, `elements` naming the
    /// element slots), leaving this empty (with its memory kept for the next).
    pub fn take_chunk<'a>(
        &mut self,
        customer_id: impl Fn(u32) -> &'a str,
        product_id: impl Fn(u32) -> &'a str,
        elements: &[String],
    ) -> Chunk {
        self.index.clear();
        self.latest.iter_mut().for_each(|l| *l = 0);
        let width = self.width;
        // A line added and taken out again in the same import leaves nothing to write.
        let kept: Vec<usize> = (0..self.keys.len())
            .filter(|&r| {
                self.lines[r] != 0
                    || self.values[r * width..(r + 1) * width]
                        .iter()
                        .any(|v| *v != 0.0)
            })
            .collect();
        let (customers, customer_at) =
            dictionary(kept.iter().map(|&r| self.keys[r].0), customer_id);
        let (products, product_at) = dictionary(kept.iter().map(|&r| self.keys[r].1), product_id);
        let mut order: Vec<(Key, usize)> = kept
            .iter()
            .map(|&r| {
                let (c, p, m) = self.keys[r];
                ((customer_at[&c], product_at[&p], m), r)
            })
            .collect();
        order.sort_unstable_by_key(|x| x.0);
        let names = &elements[..elements.len().min(width - FIXED)];
        let record_bytes = KEY_BYTES + 8 * width;
        let mut bytes = Vec::with_capacity(64 + order.len() * record_bytes);
        bytes.extend_from_slice(MAGIC);
        put_u32(&mut bytes, VERSION);
        for ids in [
            &customers[..],
            &products[..],
            &names.iter().map(String::as_str).collect::<Vec<_>>()[..],
        ] {
            put_u32(&mut bytes, ids.len() as u32);
            for id in ids {
                put_u32(&mut bytes, id.len() as u32);
                bytes.extend_from_slice(id.as_bytes());
            }
        }
        put_u32(&mut bytes, order.len() as u32);
        for ((c, p, m), r) in &order {
            put_u32(&mut bytes, *c);
            put_u32(&mut bytes, *p);
            bytes.extend_from_slice(&m.to_le_bytes());
            bytes.extend_from_slice(&self.lines[*r].to_le_bytes());
            for v in &self.values[r * width..r * width + FIXED + names.len()] {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
        let months = order.iter().map(|((_, _, m), _)| *m);
        let chunk = Chunk {
            records: order.len(),
            first_month: months.clone().min().unwrap_or(0),
            last_month: months.max().unwrap_or(0),
            bytes,
        };
        self.keys.clear();
        self.lines.clear();
        self.values.clear();
        chunk
    }
}

/// The distinct ids of `indexes` in id order, and each index's position among them.
fn dictionary<'a>(
    indexes: impl Iterator<Item = u32>,
    id: impl Fn(u32) -> &'a str,
) -> (Vec<&'a str>, FxHashMap<u32, u32>) {
    let mut distinct: Vec<u32> = indexes.collect();
    distinct.sort_unstable();
    distinct.dedup();
    distinct.sort_by_key(|&i| id(i));
    let at = distinct
        .iter()
        .enumerate()
        .map(|(pos, &i)| (i, pos as u32))
        .collect();
    (distinct.into_iter().map(id).collect(), at)
}

fn put_u32(bytes: &mut Vec<u8>, v: u32) {
    bytes.extend_from_slice(&v.to_le_bytes());
}

/// An encoded chunk, ready to write.
#[derive(Debug, Clone, PartialEq)]
pub struct Chunk {
    pub records: usize,
    /// The months of its first and last records (year·12 + month − 1).
    pub first_month: i32,
    pub last_month: i32,
    pub bytes: Vec<u8>,
}

impl Chunk {
    /// Appends the chunk to `agg_customer_month` (nothing when it is empty).
    pub fn write(&self, conn: &Connection) -> rusqlite::Result<()> {
        if self.records == 0 {
            return Ok(());
        }
        conn.prepare_cached(
            "INSERT INTO agg_customer_month (first_month, last_month, records, data) \
             VALUES (?1, ?2, ?3, ?4)",
        )?
        .execute((
            self.first_month,
            self.last_month,
            self.records as i64,
            &self.bytes,
        ))?;
        Ok(())
    }
}

/// A stored chunk read in place: its ids, element names and records.
#[derive(Debug)]
pub struct ChunkView<'b> {
    pub customers: Vec<&'b str>,
    pub products: Vec<&'b str>,
    pub elements: Vec<&'b str>,
    records: &'b [u8],
    record_bytes: usize,
}

impl<'b> ChunkView<'b> {
    /// The chunk in `bytes`, or `None` when they are not a chunk this build can read.
    pub fn parse(bytes: &'b [u8]) -> Option<ChunkView<'b>> {
        let mut at = 0;
        if bytes.get(0..4)? != MAGIC {
            return None;
        }
        at += 4;
        if take_u32(bytes, &mut at)? != VERSION {
            return None;
        }
        let customers = ids(bytes, &mut at)?;
        let products = ids(bytes, &mut at)?;
        let elements = ids(bytes, &mut at)?;
        let n = take_u32(bytes, &mut at)? as usize;
        let records = bytes.get(at..)?;
        let record_bytes = KEY_BYTES + 8 * (FIXED + elements.len());
        if records.len() != n.checked_mul(record_bytes)? {
            return None;
        }
        let fits = |r: &[u8]| {
            (u32_at(r, 0) as usize) < customers.len() && (u32_at(r, 4) as usize) < products.len()
        };
        if !records.chunks_exact(record_bytes).all(fits) {
            return None;
        }
        Some(ChunkView {
            customers,
            products,
            elements,
            records,
            record_bytes,
        })
    }

    /// The records: (customer, product, month) with the customer and product as indexes into
    /// [`ChunkView::customers`] and [`ChunkView::products`], lines, and the numbers.
    pub fn records(&self) -> impl Iterator<Item = Record<'b>> + 'b {
        self.records
            .chunks_exact(self.record_bytes)
            .map(|r| Record {
                key: (u32_at(r, 0), u32_at(r, 4), u32_at(r, 8) as i32),
                lines: u32_at(r, 12) as i32,
                numbers: &r[KEY_BYTES..],
            })
    }

    /// Each of the chunk's elements as on invoice (`Some(true)`), off invoice or unknown to
    /// the workspace (`None`), by name.
    pub fn element_kinds(&self, workspace: &[(String, ElementKind)]) -> Vec<Option<bool>> {
        self.elements
            .iter()
            .map(|name| {
                workspace
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, k)| *k == ElementKind::OnInvoice)
            })
            .collect()
    }
}

/// One record of a chunk, read in place.
#[derive(Debug, Clone, Copy)]
pub struct Record<'b> {
    pub key: Key,
    pub lines: i32,
    numbers: &'b [u8],
}

impl Record<'_> {
    /// Number `k`: Σ quantity, Σ quantity × list, Σ quantity × cost, then each element.
    pub fn number(&self, k: usize) -> f64 {
        f64_at(self.numbers, 8 * k)
    }

    /// The three price levels, `kinds` from [`ChunkView::element_kinds`].
    pub fn month_sums(&self, kinds: &[Option<bool>]) -> MonthSums {
        let (mut on, mut off) = (0.0, 0.0);
        for (k, kind) in kinds.iter().enumerate() {
            match kind {
                Some(true) => on += self.number(FIXED + k),
                Some(false) => off += self.number(FIXED + k),
                None => {}
            }
        }
        let list = self.number(1);
        MonthSums {
            lines: self.lines,
            quantity: self.number(0),
            list,
            invoice: list - on,
            pocket: list - on - off,
        }
    }
}

fn take_u32(bytes: &[u8], at: &mut usize) -> Option<u32> {
    let v = bytes.get(*at..*at + 4).map(|b| u32_at(b, 0))?;
    *at += 4;
    Some(v)
}

fn ids<'b>(bytes: &'b [u8], at: &mut usize) -> Option<Vec<&'b str>> {
    let n = take_u32(bytes, at)? as usize;
    let mut out = Vec::with_capacity(n.min(bytes.len()));
    for _ in 0..n {
        let len = take_u32(bytes, at)? as usize;
        let id = std::str::from_utf8(bytes.get(*at..at.checked_add(len)?)?).ok()?;
        *at += len;
        out.push(id);
    }
    Some(out)
}

fn u32_at(b: &[u8], at: usize) -> u32 {
    let mut w = [0u8; 4];
    w.copy_from_slice(&b[at..at + 4]);
    u32::from_le_bytes(w)
}

fn f64_at(b: &[u8], at: usize) -> f64 {
    let mut w = [0u8; 8];
    w.copy_from_slice(&b[at..at + 8]);
    f64::from_le_bytes(w)
}

/// year·12 + month − 1 of a `YYYY-MM-DD` date (the import stores no other form).
pub fn month_number(date: &str) -> Option<i32> {
    let b = date.as_bytes();
    let digits = |s: &[u8]| {
        s.iter().try_fold(0i32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i32::from(d - b'0'))
        })
    };
    let year = digits(b.get(0..4)?)?;
    let month = digits(b.get(5..7)?)?;
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

/// year·12 + month − 1 of a date.
pub fn month_of(date: Date) -> i32 {
    let (year, month, _) = date.ymd();
    year * 12 + month as i32 - 1
}

/// Recomputes `agg_customer_month` and `line_blocks` from `transactions` in one pass in table
/// order (the v7 migration, and a check of what the import writes).
pub fn rebuild(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM agg_customer_month", [])?;
    conn.execute("DELETE FROM line_blocks", [])?;
    let els = read_elements(conn)?;
    let names: Vec<String> = els.iter().map(|e| e.column.clone()).collect();
    let columns: String = names
        .iter()
        .map(|n| format!(", \"{}\"", n.replace('"', "\"\"")))
        .collect();
    let sql = format!(
        "SELECT rowid, date, customer_id, product_id, quantity, list_price, unit_cost{columns} \
         FROM transactions"
    );
    let slots: Vec<usize> = (0..names.len()).collect();
    let mut amounts = vec![0.0; names.len()];
    let mut ids = (Interner::default(), Interner::default());
    let mut acc = CustomerMonths::with_capacity(0, names.len());
    let mut blocks = LineBlocks::default();
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let date = r.get_ref(1)?.as_str()?;
        let (Some(month), Some(day)) = (month_number(date), Date::parse(date)) else {
            continue;
        };
        blocks.note(r.get(0)?, day);
        let customer = ids.0.index(r.get_ref(2)?.as_str()?);
        let product = ids.1.index(r.get_ref(3)?.as_str()?);
        for (k, a) in amounts.iter_mut().enumerate() {
            *a = r.get(7 + k)?;
        }
        let line = LineAmounts {
            quantity: r.get(4)?,
            list_price: r.get(5)?,
            unit_cost: r.get(6)?,
            // Not summed per customer-month (they follow from the elements).
            invoice_price: 0.0,
            pocket_price: 0.0,
            elements: &amounts,
            slots: &slots,
        };
        acc.add((customer, product, month), &line, 1.0);
        if acc.len() >= CHUNK_RECORDS {
            acc.take_chunk(|c| ids.0.id(c), |p| ids.1.id(p), &names)
                .write(conn)?;
        }
    }
    acc.take_chunk(|c| ids.0.id(c), |p| ids.1.id(p), &names)
        .write(conn)?;
    blocks.write(conn)
}

/// Ids numbered in the order met.
#[derive(Default)]
struct Interner {
    index: IdMap<u32>,
    ids: Vec<String>,
}

impl Interner {
    fn index(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.ids.len() as u32;
        self.index.insert(id, i);
        self.ids.push(id.to_string());
        i
    }

    fn id(&self, i: u32) -> &str {
        &self.ids[i as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line<'a>(q: f64, elements: &'a [f64], slots: &'a [usize]) -> LineAmounts<'a> {
        LineAmounts {
            quantity: q,
            list_price: 10.0,
            unit_cost: 6.0,
            invoice_price: 0.0,
            pocket_price: 0.0,
            elements,
            slots,
        }
    }

    #[test]
    fn month_numbers_count_from_year_zero() {
        assert_eq!(month_number("2024-01-15"), Some(2024 * 12));
        assert_eq!(month_number("2025-12-28"), Some(2025 * 12 + 11));
        assert_eq!(month_number("2025-13-01"), None);
        assert_eq!(month_number("x"), None);
        let d = Date::parse("2025-12-28").unwrap_or(Date(0));
        assert_eq!(month_of(d), 2025 * 12 + 11);
    }

    #[test]
    fn lines_by_pair_add_up_within_a_month_and_start_a_record_out_of_order() {
        let mut acc = CustomerMonths::with_capacity(4, 0);
        let l = |q: f64| line(q, &[], &[]);
        acc.add_pair(5, (0, 1, 10), &l(1.0));
        acc.add_pair(5, (0, 1, 10), &l(2.0));
        acc.add_pair(0, (2, 0, 10), &l(4.0));
        acc.add_pair(5, (0, 1, 11), &l(8.0));
        acc.add_pair(5, (0, 1, 10), &l(16.0));
        let got: Vec<(Key, i32, f64)> = (0..acc.len())
            .map(|r| (acc.keys[r], acc.lines[r], acc.values[r * acc.width]))
            .collect();
        assert_eq!(
            got,
            vec![
                ((0, 1, 10), 2, 3.0),
                ((2, 0, 10), 1, 4.0),
                ((0, 1, 11), 1, 8.0),
                ((0, 1, 10), 1, 16.0),
            ]
        );
        let ids = ["A", "B", "C"];
        let chunk = acc.take_chunk(|c| ids[c as usize], |p| ids[p as usize], &[]);
        assert_eq!(chunk.records, 4);
        assert_eq!((chunk.first_month, chunk.last_month), (10, 11));
        acc.add_pair(5, (0, 1, 10), &l(1.0));
        assert_eq!(acc.len(), 1, "a new chunk starts afresh");
    }

    #[test]
    fn a_chunk_reads_back_what_was_added_with_ids_in_order() {
        let ids = ["C9", "C1", "C5"];
        let products = ["P2", "P1"];
        let names = ["on_x".to_string(), "off_y".to_string()];
        // The file's elements in the other order: slot 1 first.
        let (slots, amounts) = ([1, 0], [0.25, 1.5]);
        let mut acc = CustomerMonths::with_capacity(0, 2);
        let l = |q: f64| line(q, &amounts, &slots);
        acc.add((0, 0, 24_300), &l(2.0), 1.0);
        acc.add((1, 1, 24_301), &l(3.0), 1.0);
        acc.add((0, 0, 24_300), &l(5.0), 1.0);
        acc.add((2, 0, 24_300), &l(1.0), 1.0);
        acc.add((2, 0, 24_300), &l(1.0), -1.0);
        let chunk = acc.take_chunk(|c| ids[c as usize], |p| products[p as usize], &names);
        assert!(acc.is_empty());
        assert_eq!(chunk.records, 2);
        assert_eq!((chunk.first_month, chunk.last_month), (24_300, 24_301));
        let record = KEY_BYTES + 8 * 5;
        assert_eq!(
            chunk.bytes.len(),
            4 + 4 + (4 + 2 * 6) + (4 + 2 * 6) + (4 + 8 + 9) + 4 + 2 * record
        );
        let Some(view) = ChunkView::parse(&chunk.bytes) else {
            panic!("the chunk does not parse");
        };
        assert_eq!(view.customers, vec!["C1", "C9"]);
        assert_eq!(view.products, vec!["P1", "P2"]);
        assert_eq!(view.elements, vec!["on_x", "off_y"]);
        let got: Vec<(Key, i32, Vec<f64>)> = view
            .records()
            .map(|r| (r.key, r.lines, (0..5).map(|k| r.number(k)).collect()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    (0, 0, 24_301),
                    1,
                    vec![3.0, 30.0, 18.0, 3.0 * 1.5, 3.0 * 0.25]
                ),
                (
                    (1, 1, 24_300),
                    2,
                    vec![7.0, 70.0, 42.0, 7.0 * 1.5, 7.0 * 0.25]
                ),
            ]
        );
        let kinds = view.element_kinds(&[
            ("off_y".to_string(), ElementKind::OffInvoice),
            ("on_x".to_string(), ElementKind::OnInvoice),
        ]);
        assert_eq!(kinds, vec![Some(true), Some(false)]);
        let sums = view.records().nth(1).map(|r| r.month_sums(&kinds));
        assert_eq!(
            sums,
            Some(MonthSums {
                lines: 2,
                quantity: 7.0,
                list: 70.0,
                invoice: 70.0 - 10.5,
                pocket: 70.0 - 10.5 - 1.75,
            })
        );
        let mut broken = chunk.bytes.clone();
        broken.pop();
        assert!(ChunkView::parse(&broken).is_none());
        broken = chunk.bytes.clone();
        broken[4] = 1;
        assert!(ChunkView::parse(&broken).is_none(), "version 1 is not read");
    }

    #[test]
    fn an_element_added_mid_way_widens_every_record() {
        let mut acc = CustomerMonths::with_capacity(0, 1);
        acc.add((0, 0, 5), &line(2.0, &[1.0], &[0]), 1.0);
        acc.add_element();
        acc.add((0, 0, 5), &line(1.0, &[3.0], &[1]), 1.0);
        let names = ["a".to_string(), "b".to_string()];
        let chunk = acc.take_chunk(|_| "C", |_| "P", &names);
        let Some(view) = ChunkView::parse(&chunk.bytes) else {
            panic!("the chunk does not parse");
        };
        let r: Vec<Vec<f64>> = view
            .records()
            .map(|r| (0..5).map(|k| r.number(k)).collect())
            .collect();
        assert_eq!(r, vec![vec![3.0, 30.0, 18.0, 2.0, 3.0]]);
    }
}
