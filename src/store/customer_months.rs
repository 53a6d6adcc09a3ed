//! `agg_customer_month`: net sums per customer × product × calendar month, what the panel model
//! and the backtest read ([`super::panel`]) instead of scanning every transaction line.
//!
//! There are nearly as many of these sums as transaction lines (3.6M at 10M lines), too many to
//! hold in memory through an import or to insert as rows at the import's speed. So they are
//! stored in chunks: an import appends BLOBs of packed records, one at each change of month
//! once it holds [`MIN_CHUNK_RECORDS`] sums, one whenever it holds [`CHUNK_RECORDS`], and one
//! at its end (lines come in date order, so a customer-month rarely spans two chunks); a line
//! taken out by `--replace` is a record with negative sums.
//! A reader adds up the records of a customer, product and month over all chunks and drops
//! those that net to zero lines. Ids are stored as text in each chunk's own dictionary, so the
//! chunks stay right whatever happens to rowids, and a customer's segment is looked up when
//! read (a customer moving segment changes nothing here).
//!
//! A chunk, little-endian: `PBCM` and version 1; its customer ids, then its product ids, each
//! a u32 count followed by (u32 length, UTF-8 bytes) in id order; the u32 record count, then
//! records of [`RECORD_BYTES`]: customer and product (u32 indexes into the chunk's ids), month
//! (i32, year·12 + month − 1), lines (i32), then f64 Σ quantity and Σ quantity × list, invoice
//! and pocket price per unit. Records are sorted by customer, product and month.

use super::elements::read_elements;
use super::import::fxhash::{FxHashMap, IdMap};
use crate::realization::sums::ElementKind;
use rusqlite::Connection;

/// Sums an import holds before writing them out as a chunk, whatever the month (about 40 MB
/// with the index and the encoded chunk).
pub const CHUNK_RECORDS: usize = 1 << 18;
/// Sums an import holds before writing them out at a change of month.
pub const MIN_CHUNK_RECORDS: usize = CHUNK_RECORDS / 8;
/// Bytes per record in a chunk.
pub const RECORD_BYTES: usize = 48;
const MAGIC: &[u8; 4] = b"PBCM";
const VERSION: u32 = 1;

/// A customer × product × month: indexes into the writer's (or a chunk's) ids, month number.
pub type Key = (u32, u32, i32);

/// Net sums of one customer × product × month.
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

impl MonthSums {
    /// One line's contribution.
    pub fn line(quantity: f64, list: f64, invoice: f64, pocket: f64) -> MonthSums {
        MonthSums {
            lines: 1,
            quantity,
            list: quantity * list,
            invoice: quantity * invoice,
            pocket: quantity * pocket,
        }
    }

    /// Adds `other` (`sign` 1) or takes it out (`sign` −1).
    pub fn add(&mut self, other: &MonthSums, sign: f64) {
        self.lines += if sign < 0.0 {
            -other.lines
        } else {
            other.lines
        };
        self.quantity += sign * other.quantity;
        self.list += sign * other.list;
        self.invoice += sign * other.invoice;
        self.pocket += sign * other.pocket;
    }
}

/// Customer-month sums accumulated in memory until written as a chunk.
#[derive(Debug, Default)]
pub struct CustomerMonths {
    /// Where [`CustomerMonths::add`] finds a key's record.
    index: FxHashMap<Key, u32>,
    /// Per customer × product pair number, its latest record + 1 (0: none), for
    /// [`CustomerMonths::add_pair`].
    latest: Vec<u32>,
    records: Vec<(Key, MonthSums)>,
}

impl CustomerMonths {
    /// Room for `n` sums without growing.
    pub fn with_capacity(n: usize) -> CustomerMonths {
        CustomerMonths {
            index: FxHashMap::default(),
            latest: Vec::new(),
            records: Vec::with_capacity(n),
        }
    }

    pub fn len(&self) -> usize {
        self.records.len()
    }

    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    /// Adds one line's sums (`sign` 1) or takes them out (`sign` −1).
    pub fn add(&mut self, key: Key, sums: &MonthSums, sign: f64) {
        let next = self.records.len() as u32;
        let at = *self.index.entry(key).or_insert(next);
        if at == next {
            self.records.push((key, MonthSums::default()));
        }
        self.records[at as usize].1.add(sums, sign);
    }

    /// Adds one line's sums, `pair` numbering its customer × product densely (the import's
    /// row of the pair's customer × product sums). The line adds to the pair's latest record
    /// when that is of its month: an array lookup instead of a hash probe, as lines come in date
    /// order. A line out of order starts another record of its customer-month, which the
    /// reader adds up like those of two chunks (so does a key added both ways).
    pub fn add_pair(&mut self, pair: usize, key: Key, sums: &MonthSums) {
        if pair >= self.latest.len() {
            self.latest.resize((pair + 1).next_power_of_two(), 0);
        }
        let latest = self.latest[pair] as usize;
        match latest.checked_sub(1).map(|i| &mut self.records[i]) {
            Some((k, s)) if *k == key => s.add(sums, 1.0),
            _ => {
                self.records.push((key, *sums));
                self.latest[pair] = self.records.len() as u32;
            }
        }
    }

    /// Adds another accumulation keyed by the same indexes.
    pub fn merge(&mut self, other: CustomerMonths) {
        for (key, sums) in &other.records {
            self.add(*key, sums, 1.0);
        }
    }

    /// The sums as one chunk (ids from `customer_id` and `product_id`), leaving this empty
    /// (with its memory kept for the next).
    pub fn take_chunk<'a>(
        &mut self,
        customer_id: impl Fn(u32) -> &'a str,
        product_id: impl Fn(u32) -> &'a str,
    ) -> Chunk {
        self.index.clear();
        self.latest.iter_mut().for_each(|l| *l = 0);
        let records = &mut self.records;
        // A line added and taken out again in the same import leaves nothing to write.
        records.retain(|(_, s)| *s != MonthSums::default());
        let (customers, customer_at) = dictionary(records.iter().map(|r| r.0.0), customer_id);
        let (products, product_at) = dictionary(records.iter().map(|r| r.0.1), product_id);
        for ((c, p, _), _) in records.iter_mut() {
            (*c, *p) = (customer_at[c], product_at[p]);
        }
        records.sort_unstable_by_key(|r| r.0);
        let mut bytes = Vec::with_capacity(16 + records.len() * RECORD_BYTES);
        bytes.extend_from_slice(MAGIC);
        put_u32(&mut bytes, VERSION);
        for ids in [&customers, &products] {
            put_u32(&mut bytes, ids.len() as u32);
            for id in ids {
                put_u32(&mut bytes, id.len() as u32);
                bytes.extend_from_slice(id.as_bytes());
            }
        }
        put_u32(&mut bytes, records.len() as u32);
        for ((c, p, m), s) in records.iter() {
            put_u32(&mut bytes, *c);
            put_u32(&mut bytes, *p);
            bytes.extend_from_slice(&m.to_le_bytes());
            bytes.extend_from_slice(&s.lines.to_le_bytes());
            for v in [s.quantity, s.list, s.invoice, s.pocket] {
                bytes.extend_from_slice(&v.to_le_bytes());
            }
        }
        let chunk = Chunk {
            records: records.len(),
            bytes,
        };
        records.clear();
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
    pub bytes: Vec<u8>,
}

impl Chunk {
    /// Appends the chunk to `agg_customer_month` (nothing when it is empty).
    pub fn write(&self, conn: &Connection) -> rusqlite::Result<()> {
        if self.records == 0 {
            return Ok(());
        }
        conn.prepare_cached("INSERT INTO agg_customer_month (records, data) VALUES (?1, ?2)")?
            .execute((self.records as i64, &self.bytes))?;
        Ok(())
    }
}

/// A stored chunk read in place: its ids and records.
#[derive(Debug)]
pub struct ChunkView<'b> {
    pub customers: Vec<&'b str>,
    pub products: Vec<&'b str>,
    records: &'b [u8],
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
        let n = take_u32(bytes, &mut at)? as usize;
        let records = bytes.get(at..)?;
        if records.len() != n.checked_mul(RECORD_BYTES)? {
            return None;
        }
        let fits = |r: &[u8]| {
            (u32_at(r, 0) as usize) < customers.len() && (u32_at(r, 4) as usize) < products.len()
        };
        if !records.chunks_exact(RECORD_BYTES).all(fits) {
            return None;
        }
        Some(ChunkView {
            customers,
            products,
            records,
        })
    }

    /// The records: (customer, product, month) with the customer and product as indexes into
    /// [`ChunkView::customers`] and [`ChunkView::products`].
    pub fn records(&self) -> impl Iterator<Item = (Key, MonthSums)> + '_ {
        self.records.chunks_exact(RECORD_BYTES).map(|r| {
            let key = (u32_at(r, 0), u32_at(r, 4), u32_at(r, 8) as i32);
            let sums = MonthSums {
                lines: u32_at(r, 12) as i32,
                quantity: f64_at(r, 16),
                list: f64_at(r, 24),
                invoice: f64_at(r, 32),
                pocket: f64_at(r, 40),
            };
            (key, sums)
        })
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

/// Recomputes `agg_customer_month` from `transactions` in one pass in table order (the v6
/// migration, and a check of what the import writes).
pub fn rebuild(conn: &Connection) -> rusqlite::Result<()> {
    conn.execute("DELETE FROM agg_customer_month", [])?;
    let els = read_elements(conn)?;
    let sum = |kind: ElementKind| -> String {
        let terms: Vec<String> = els
            .iter()
            .filter(|e| e.kind == kind)
            .map(|e| format!("\"{}\"", e.column.replace('"', "\"\"")))
            .collect();
        match terms.is_empty() {
            true => "0.0".to_string(),
            false => terms.join(" + "),
        }
    };
    let sql = format!(
        "SELECT date, customer_id, product_id, quantity, list_price, {}, {} FROM transactions",
        sum(ElementKind::OnInvoice),
        sum(ElementKind::OffInvoice)
    );
    let mut ids = (Interner::default(), Interner::default());
    let mut acc = CustomerMonths::default();
    let mut stmt = conn.prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let Some(month) = month_number(r.get_ref(0)?.as_str()?) else {
            continue;
        };
        let customer = ids.0.index(r.get_ref(1)?.as_str()?);
        let product = ids.1.index(r.get_ref(2)?.as_str()?);
        let (quantity, list, on, off): (f64, f64, f64, f64) =
            (r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?);
        let line = MonthSums::line(quantity, list, list - on, list - on - off);
        acc.add((customer, product, month), &line, 1.0);
        if acc.len() >= CHUNK_RECORDS {
            acc.take_chunk(|c| ids.0.id(c), |p| ids.1.id(p))
                .write(conn)?;
        }
    }
    acc.take_chunk(|c| ids.0.id(c), |p| ids.1.id(p)).write(conn)
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

    #[test]
    fn month_numbers_count_from_year_zero() {
        assert_eq!(month_number("2024-01-15"), Some(2024 * 12));
        assert_eq!(month_number("2025-12-28"), Some(2025 * 12 + 11));
        assert_eq!(month_number("2025-13-01"), None);
        assert_eq!(month_number("x"), None);
    }

    #[test]
    fn lines_by_pair_add_up_within_a_month_and_start_a_record_out_of_order() {
        let mut acc = CustomerMonths::with_capacity(4);
        let line = |q: f64| MonthSums::line(q, 1.0, 1.0, 1.0);
        acc.add_pair(5, (0, 1, 10), &line(1.0));
        acc.add_pair(5, (0, 1, 10), &line(2.0));
        acc.add_pair(0, (2, 0, 10), &line(4.0));
        acc.add_pair(5, (0, 1, 11), &line(8.0));
        acc.add_pair(5, (0, 1, 10), &line(16.0));
        let got: Vec<(Key, i32, f64)> = acc
            .records
            .iter()
            .map(|(k, s)| (*k, s.lines, s.quantity))
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
        let chunk = acc.take_chunk(|c| ids[c as usize], |p| ids[p as usize]);
        assert_eq!(chunk.records, 4);
        acc.add_pair(5, (0, 1, 10), &line(1.0));
        assert_eq!(acc.records.len(), 1, "a new chunk starts afresh");
    }

    #[test]
    fn a_chunk_reads_back_what_was_added_with_ids_in_order() {
        let ids = ["C9", "C1", "C5"];
        let products = ["P2", "P1"];
        let mut acc = CustomerMonths::default();
        let line = |q: f64| MonthSums::line(q, 10.0, 9.0, 8.0);
        acc.add((0, 0, 24_300), &line(2.0), 1.0);
        acc.add((1, 1, 24_301), &line(3.0), 1.0);
        acc.add((0, 0, 24_300), &line(5.0), 1.0);
        acc.add((2, 0, 24_300), &line(1.0), 1.0);
        acc.add((2, 0, 24_300), &line(1.0), -1.0);
        let chunk = acc.take_chunk(|c| ids[c as usize], |p| products[p as usize]);
        assert!(acc.is_empty());
        assert_eq!(chunk.records, 2);
        assert_eq!(
            chunk.bytes.len(),
            4 + 4 + 4 + 2 * 6 + 4 + 2 * 6 + 4 + 2 * RECORD_BYTES
        );
        let Some(view) = ChunkView::parse(&chunk.bytes) else {
            panic!("the chunk does not parse");
        };
        assert_eq!(view.customers, vec!["C1", "C9"]);
        assert_eq!(view.products, vec!["P1", "P2"]);
        let got: Vec<(Key, MonthSums)> = view.records().collect();
        assert_eq!(
            got,
            vec![
                ((0, 0, 24_301), line(3.0)),
                (
                    (1, 1, 24_300),
                    MonthSums {
                        lines: 2,
                        ..line(7.0)
                    }
                ),
            ]
        );
        let mut broken = chunk.bytes.clone();
        broken.pop();
        assert!(ChunkView::parse(&broken).is_none());
        broken = chunk.bytes.clone();
        broken[4] = 9;
        assert!(ChunkView::parse(&broken).is_none());
    }
}
