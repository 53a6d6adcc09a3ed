//! Sums maintained by the import so views never scan the transaction table: per segment ×
//! product × week (`agg_week`) and × month (`agg_month`), and per customer × product over all
//! dates (`agg_customer`). Accumulated in memory during an import (compactly: one index per key
//! into a flat `Vec<f64>`), then added to the tables in one pass; rows netting to zero lines go.
//! Per customer × product × month (`agg_customer_month`) there are too many sums to hold: they
//! are written out in chunks as the import goes (see `store::customer_months`).

use super::fxhash::FxHashMap;
use crate::date::Date;
use crate::store::customer_months::{
    CHUNK_RECORDS, Chunk, CustomerMonths, MIN_CHUNK_RECORDS, month_of,
};
use crate::store::list_days::ListDays;
use rusqlite::{Connection, Statement};

/// One transaction line's contribution (negated by `sign = -1` when a line is replaced).
pub struct LineAmounts<'a> {
    pub quantity: f64,
    pub list_price: f64,
    pub invoice_price: f64,
    pub pocket_price: f64,
    pub unit_cost: f64,
    /// Per-unit amount of each element, in the order of `slots`.
    pub elements: &'a [f64],
    /// The workspace element slot of each amount.
    pub slots: &'a [usize],
}

impl<'a> LineAmounts<'a> {
    /// A line laid out as quantity, list price, unit cost, invoice price, pocket price, then
    /// one amount per entry of `slots`.
    pub fn from_numbers(n: &'a [f64], slots: &'a [usize]) -> LineAmounts<'a> {
        LineAmounts {
            quantity: n[0],
            list_price: n[1],
            unit_cost: n[2],
            invoice_price: n[3],
            pocket_price: n[4],
            elements: &n[5..],
            slots,
        }
    }
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

/// A sum row's key: (segment, product, period day) or (customer, product, 0).
type Key = (u32, u32, i32);

/// How a key splits into a page and a slot on it, for a [`Lookup::Paged`] table.
#[derive(Clone, Copy)]
enum Shape {
    /// A page per period, a slot per segment × product cell.
    PeriodCells { products: u32 },
    /// A page per customer, a slot per product.
    CustomerProducts,
}

/// Slots a paged table may hold in all (4 bytes each) before new pages spill to the hash.
const MAX_SLOTS: usize = 8 << 20;

/// How a [`SumTable`] finds a key's row.
enum Lookup {
    /// Any key, through a hash map; the last key looked up is remembered.
    Hash(Option<(Key, u32)>),
    /// Keys of a known shape: one page of `width` row slots per period or customer, found
    /// by index rather than by hashing and probing a million-entry map. The file's lines come
    /// in date order, so the current period's page stays in cache.
    Paged {
        shape: Shape,
        width: u32,
        /// page key → offset of its first slot in `slots`
        pages: FxHashMap<u32, u32>,
        /// row + 1, or 0 for a key without a row yet
        slots: Vec<u32>,
        last_page: Option<(u32, u32)>,
        /// [`MAX_SLOTS`]: once `slots` is full, keys on new pages spill to the hash.
        max_slots: usize,
    },
}

/// Sums keyed by [`Key`]: each key owns a row of `stride` numbers in `blocks`.
struct SumTable {
    lookup: Lookup,
    /// Keys that did not fit the paged shape (and every key of a hash table).
    spill: FxHashMap<Key, u32>,
    /// The key of each row, in row order.
    keys: Vec<Key>,
    blocks: Vec<Vec<f64>>,
}

impl SumTable {
    fn new(lookup: Lookup) -> Self {
        SumTable {
            lookup,
            spill: FxHashMap::default(),
            keys: Vec::new(),
            blocks: Vec::new(),
        }
    }

    /// A hash-looked-up table.
    fn hashed() -> Self {
        SumTable::new(Lookup::Hash(None))
    }

    /// A paged table when `width` slots per page is small enough, else a hashed one.
    fn paged(shape: Shape, width: usize, max_width: usize) -> Self {
        if width == 0 || width > max_width {
            return SumTable::hashed();
        }
        SumTable::new(Lookup::Paged {
            shape,
            width: width as u32,
            pages: FxHashMap::default(),
            slots: Vec::new(),
            last_page: None,
            max_slots: MAX_SLOTS,
        })
    }

    fn len(&self) -> usize {
        self.keys.len()
    }

    /// The slot holding `key`'s row + 1, when the key fits the paged shape.
    fn slot(&mut self, key: Key) -> Option<&mut u32> {
        let Lookup::Paged {
            shape,
            width,
            pages,
            slots,
            last_page,
            max_slots,
        } = &mut self.lookup
        else {
            return None;
        };
        let (page, at) = match *shape {
            Shape::PeriodCells { products } if key.1 < products => (
                key.2 as u32,
                key.0.checked_mul(products)?.checked_add(key.1)?,
            ),
            Shape::PeriodCells { .. } => return None,
            Shape::CustomerProducts => (key.0, key.1),
        };
        if at >= *width {
            return None;
        }
        let start = match *last_page {
            Some((p, start)) if p == page => start,
            _ => {
                let start = match pages.get(&page) {
                    Some(&start) => start,
                    None if slots.len() + (*width as usize) <= *max_slots => {
                        let start = slots.len() as u32;
                        slots.resize(slots.len() + *width as usize, 0);
                        pages.insert(page, start);
                        start
                    }
                    None => return None,
                };
                *last_page = Some((page, start));
                start
            }
        };
        Some(&mut slots[(start + at) as usize])
    }

    /// The row of `key`, zeroed when new.
    fn row_mut(&mut self, key: Key, stride: usize) -> &mut [f64] {
        let row = self.row_of(key, stride);
        self.values_mut(row, stride)
    }

    /// The row number of `key`, a new zeroed row when it has none yet.
    fn row_of(&mut self, key: Key, stride: usize) -> usize {
        let next = self.keys.len() as u32;
        let (row, new) = match self.slot(key) {
            Some(slot) if *slot > 0 => (*slot - 1, false),
            Some(slot) => {
                *slot = next + 1;
                (next, true)
            }
            None => {
                let memo = match &self.lookup {
                    Lookup::Hash(Some((k, r))) if *k == key => Some(*r),
                    _ => None,
                };
                let row = match memo {
                    Some(r) => r,
                    None => *self.spill.entry(key).or_insert(next),
                };
                if let Lookup::Hash(last) = &mut self.lookup {
                    *last = Some((key, row));
                }
                (row, row == next)
            }
        };
        let row = row as usize;
        if new {
            self.keys.push(key);
            let (block, at) = (row / BLOCK_ROWS, row % BLOCK_ROWS * stride);
            if block == self.blocks.len() {
                self.blocks.push(Vec::with_capacity(BLOCK_ROWS * stride));
            }
            self.blocks[block].resize(at + stride, 0.0);
        }
        row
    }

    fn values_mut(&mut self, row: usize, stride: usize) -> &mut [f64] {
        let (block, at) = (row / BLOCK_ROWS, row % BLOCK_ROWS * stride);
        &mut self.blocks[block][at..at + stride]
    }

    /// Reads both ends of a row, so that it is in cache by the time it is added to.
    fn touch(&self, row: usize, stride: usize) -> f64 {
        let (block, at) = (row / BLOCK_ROWS, row % BLOCK_ROWS * stride);
        let values = &self.blocks[block];
        values[at] + values[at + stride - 1]
    }

    fn add(&mut self, key: Key, stride: usize, line: &LineAmounts, sign: f64) {
        let row = self.row_of(key, stride);
        self.add_at(row, stride, line, sign);
    }

    fn add_at(&mut self, row: usize, stride: usize, line: &LineAmounts, sign: f64) {
        let v = self.values_mut(row, stride);
        let q = sign * line.quantity;
        v[0] += sign;
        v[1] += q;
        v[2] += q * line.list_price;
        v[3] += q * line.invoice_price;
        v[4] += q * line.pocket_price;
        v[5] += q * line.unit_cost;
        for (&slot, &amount) in line.slots.iter().zip(line.elements) {
            v[SUM_COLUMNS.len() + slot] += q * amount;
        }
    }

    fn rows(&self, stride: usize) -> impl Iterator<Item = (&Key, &[f64])> {
        self.keys.iter().enumerate().map(move |(r, k)| {
            let (block, at) = (r / BLOCK_ROWS, r % BLOCK_ROWS * stride);
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
    week: SumTable,
    month: SumTable,
    customer: SumTable,
    /// Per customer × product × month, for `agg_customer_month`: written out in chunks.
    pub customer_months: CustomerMonths,
    /// Per product × day × list price, for `agg_list_day`.
    list_days: ListDays,
    /// First and last date of the lines added.
    dates: Option<(Date, Date)>,
    /// A line was taken out (`sign < 0`): some sums may now net to zero lines.
    removed: bool,
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
            week: SumTable::hashed(),
            month: SumTable::hashed(),
            customer: SumTable::hashed(),
            customer_months: CustomerMonths::with_capacity(0, elements),
            list_days: ListDays::default(),
            dates: None,
            removed: false,
        }
    }

    /// Empty aggregates for lines whose segments, customers and products are indexes into
    /// catalogs of these sizes: looked up by page and slot where that takes modest memory.
    pub fn for_catalog(
        elements: usize,
        segments: usize,
        customers: usize,
        products: usize,
    ) -> Aggregates {
        let cells = segments.saturating_mul(products);
        let period = Shape::PeriodCells {
            products: products as u32,
        };
        Aggregates {
            week: SumTable::paged(period, cells, 1 << 14),
            month: SumTable::paged(period, cells, 1 << 14),
            customer: SumTable::paged(
                Shape::CustomerProducts,
                products,
                MAX_SLOTS / customers.max(1),
            ),
            // A batch's lines past the limit fit too.
            customer_months: CustomerMonths::with_capacity(CHUNK_RECORDS + 4096, elements),
            list_days: ListDays::for_products(products),
            ..Aggregates::new(elements)
        }
    }

    /// Adds lines (`amounts(i)` is line `i`'s). The customer × product rows are scattered over
    /// up to a hundred megabytes, so they are looked up first, then read a group at a time in
    /// a tight loop before the group's lines are added: the group's cache misses overlap
    /// instead of each one stalling the work of a whole line.
    pub fn add_lines<'a>(
        &mut self,
        lines: &[(LineKeys, Date)],
        amounts: impl Fn(usize) -> LineAmounts<'a>,
    ) {
        const GROUP: usize = 16;
        let stride = self.stride;
        let rows: Vec<usize> = lines
            .iter()
            .map(|(k, _)| self.customer.row_of((k.customer, k.product, 0), stride))
            .collect();
        for start in (0..lines.len()).step_by(GROUP) {
            let end = (start + GROUP).min(lines.len());
            let touched: f64 = rows[start..end]
                .iter()
                .map(|&r| self.customer.touch(r, stride))
                .sum();
            std::hint::black_box(touched);
            for (i, &(keys, date)) in lines.iter().enumerate().take(end).skip(start) {
                let line = amounts(i);
                self.add_periods(keys, date, &line, 1.0);
                self.customer.add_at(rows[i], stride, &line, 1.0);
                let key = (keys.customer, keys.product, month_of(date));
                self.customer_months.add_pair(rows[i], key, &line);
                self.list_days
                    .add(keys.product, date, line.list_price, line.quantity, 1.0);
            }
        }
    }

    /// Adds one line (`sign` 1) or takes it out (`sign` −1).
    pub fn add(&mut self, keys: LineKeys, date: Date, line: &LineAmounts, sign: f64) {
        self.add_periods(keys, date, line, sign);
        let key = (keys.customer, keys.product, 0);
        self.customer.add(key, self.stride, line, sign);
        self.add_customer_month(keys, date, line, sign);
    }

    fn add_customer_month(&mut self, keys: LineKeys, date: Date, line: &LineAmounts, sign: f64) {
        let key = (keys.customer, keys.product, month_of(date));
        self.customer_months.add(key, line, sign);
        self.list_days
            .add(keys.product, date, line.list_price, line.quantity, sign);
    }

    /// The customer-month sums as a chunk when there are enough of them to write out
    /// whatever the month.
    pub fn full_chunk(&mut self, names: &Names) -> Option<Chunk> {
        (self.customer_months.len() >= CHUNK_RECORDS).then(|| self.customer_chunk(names))
    }

    /// The customer-month sums as a chunk when there are enough of them to write out at a
    /// change of month.
    pub fn month_chunk(&mut self, names: &Names) -> Option<Chunk> {
        (self.customer_months.len() >= MIN_CHUNK_RECORDS).then(|| self.customer_chunk(names))
    }

    /// The customer-month sums as a chunk, leaving none.
    fn customer_chunk(&mut self, names: &Names) -> Chunk {
        self.customer_months.take_chunk(
            |c| names.customers[c as usize].0.as_str(),
            |p| names.products[p as usize].as_str(),
            &names.elements,
        )
    }

    /// Writes the customer-month sums out (whatever happens to the other sums).
    pub fn flush_customer_months(
        &mut self,
        conn: &Connection,
        names: &Names,
    ) -> rusqlite::Result<()> {
        self.customer_chunk(names).write(conn)
    }

    /// Writes the per product × day × list price sums out (whatever happens to the others).
    pub fn flush_list_days(&self, conn: &Connection, names: &Names) -> rusqlite::Result<()> {
        self.list_days.flush(conn, &names.products)
    }

    /// The weekly and monthly sums, and the date range.
    fn add_periods(&mut self, keys: LineKeys, date: Date, line: &LineAmounts, sign: f64) {
        let LineKeys {
            segment, product, ..
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
        self.removed |= sign < 0.0;
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
        self.customer_months.add_element();
        self.stride = new;
    }

    /// Adds another accumulation (with the same elements) into this one.
    pub fn merge(&mut self, other: Aggregates) {
        if self.week.len() == 0 && self.customer.len() == 0 {
            *self = other;
            return;
        }
        let stride = self.stride;
        merge_table(&mut self.week, &other.week, stride);
        merge_table(&mut self.month, &other.month, stride);
        merge_table(&mut self.customer, &other.customer, stride);
        self.customer_months.merge(other.customer_months);
        self.list_days.merge(other.list_days);
        self.dates = match (self.dates, other.dates) {
            (Some((a, b)), Some((c, d))) => Some((a.min(c), b.max(d))),
            (x, y) => x.or(y),
        };
        self.removed |= other.removed;
    }

    /// Adds the accumulated sums into the aggregate tables, in primary-key order so the
    /// B-trees are written from left to right. Into an empty table (a first import) the rows
    /// go in as plain multi-row appends, and `agg_customer`'s product index is built
    /// afterwards by one sort instead of a million scattered inserts.
    pub fn flush(&self, conn: &Connection, names: &Names) -> rusqlite::Result<()> {
        let segment_rank = ranks(&names.segments);
        let product_rank = ranks(&names.products);
        let customer_ids: Vec<&str> = names.customers.iter().map(|(c, _)| c.as_str()).collect();
        let customer_rank = ranks(&customer_ids);
        for (table, map) in [("agg_week", &self.week), ("agg_month", &self.month)] {
            let mut rows: Vec<_> = map.rows(self.stride).collect();
            rows.sort_unstable_by_key(|&(&(s, p, day), _)| {
                (segment_rank[s as usize], product_rank[p as usize], day)
            });
            // A few hundred periods: each one's text made once.
            let mut periods: FxHashMap<i32, String> = FxHashMap::default();
            for &(&(_, _, day), _) in &rows {
                periods.entry(day).or_insert_with(|| Date(day).to_string());
            }
            let rows = rows.into_iter().map(|(&(s, p, day), sums)| {
                let keys = [
                    names.segments[s as usize].as_str(),
                    names.products[p as usize].as_str(),
                    periods[&day].as_str(),
                ];
                (keys, sums)
            });
            let keys = ["segment_id", "product_id", "period"];
            let sink = TableSink::new(conn, table, keys, 3, &names.elements)?;
            sink.write(rows)?;
        }
        let mut rows: Vec<_> = self.customer.rows(self.stride).collect();
        rows.sort_unstable_by_key(|&(&(c, p, _), _)| {
            (customer_rank[c as usize], product_rank[p as usize])
        });
        let rows = rows.into_iter().map(|(&(c, p, _), sums)| {
            let (customer, segment) = &names.customers[c as usize];
            let keys = [
                customer.as_str(),
                names.products[p as usize].as_str(),
                segment.as_str(),
            ];
            (keys, sums)
        });
        let keys = ["customer_id", "product_id", "segment_id"];
        let sink = TableSink::new(conn, "agg_customer", keys, 2, &names.elements)?;
        let fresh = sink.append;
        if fresh {
            conn.execute("DROP INDEX agg_customer_product", [])?;
        }
        sink.write(rows)?;
        if fresh {
            conn.execute(crate::store::schema::AGG_CUSTOMER_PRODUCT_INDEX, [])?;
        }
        if self.removed {
            for table in ["agg_week", "agg_month", "agg_customer"] {
                conn.execute(&format!("DELETE FROM {table} WHERE lines = 0"), [])?;
            }
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

fn merge_table(into: &mut SumTable, from: &SumTable, stride: usize) {
    for (&key, sums) in from.rows(stride) {
        for (a, b) in into.row_mut(key, stride).iter_mut().zip(sums) {
            *a += b;
        }
    }
}

/// Rows per statement when appending to an empty table: fewer statement runs per row.
const ROWS_PER_APPEND: usize = 128;

/// Writes rows into one aggregate table: upserts adding to what is there, or plain appends
/// when the table starts empty.
struct TableSink<'c> {
    /// A one-row statement, and when appending a [`ROWS_PER_APPEND`]-row one.
    one: Statement<'c>,
    many: Option<Statement<'c>>,
    append: bool,
}

impl<'c> TableSink<'c> {
    /// `keys`: the three key columns, the first `unique` of them the primary key.
    fn new(
        conn: &'c Connection,
        table: &str,
        keys: [&str; 3],
        unique: usize,
        elements: &[String],
    ) -> rusqlite::Result<TableSink<'c>> {
        let append: bool = conn.query_row(
            &format!("SELECT NOT EXISTS (SELECT 1 FROM {table})"),
            [],
            |r| r.get(0),
        )?;
        let one = conn.prepare(&upsert_sql(table, &keys, unique, elements, append, 1))?;
        let many = match append {
            true => Some(conn.prepare(&upsert_sql(
                table,
                &keys,
                unique,
                elements,
                true,
                ROWS_PER_APPEND,
            ))?),
            false => None,
        };
        Ok(TableSink { one, many, append })
    }

    fn write<'a>(
        mut self,
        rows: impl Iterator<Item = ([&'a str; 3], &'a [f64])>,
    ) -> rusqlite::Result<()> {
        let mut chunk = Vec::with_capacity(ROWS_PER_APPEND);
        for row in rows {
            chunk.push(row);
            if chunk.len() == ROWS_PER_APPEND
                && let Some(many) = self.many.as_mut()
            {
                execute(many, &chunk)?;
                chunk.clear();
            } else if self.many.is_none() {
                execute(&mut self.one, &chunk)?;
                chunk.clear();
            }
        }
        for row in chunk.chunks(1) {
            execute(&mut self.one, row)?;
        }
        Ok(())
    }
}

/// Binds each row's keys, its line count (an integer) and its sums, and runs the statement.
fn execute(stmt: &mut Statement, rows: &[([&str; 3], &[f64])]) -> rusqlite::Result<()> {
    let mut index = 1;
    for (keys, sums) in rows {
        for k in keys {
            stmt.raw_bind_parameter(index, *k)?;
            index += 1;
        }
        stmt.raw_bind_parameter(index, sums[0].round() as i64)?;
        index += 1;
        for v in &sums[1..] {
            stmt.raw_bind_parameter(index, *v)?;
            index += 1;
        }
    }
    stmt.raw_execute().map(|_| ())
}

/// Each id's position in sorted order, so rows sort by id without comparing strings.
fn ranks<S: AsRef<str>>(ids: &[S]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| ids[a as usize].as_ref().cmp(ids[b as usize].as_ref()));
    let mut rank = vec![0; ids.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

/// An upsert adding to existing sums; the first `unique` key columns form the primary key.
/// `append`: the table is empty, so a plain insert (of `rows` rows) does.
fn upsert_sql(
    table: &str,
    keys: &[&str; 3],
    unique: usize,
    element_names: &[String],
    append: bool,
    rows: usize,
) -> String {
    let columns: Vec<String> = SUM_COLUMNS
        .iter()
        .map(|c| c.to_string())
        .chain(element_names.iter().map(|e| format!("\"{e}\"")))
        .collect();
    let placeholders = format!("({})", vec!["?"; columns.len() + 3].join(", "));
    let insert = format!(
        "INSERT {}INTO {table} ({}, {}) VALUES {}",
        // Appending distinct keys to an empty table cannot fail halfway: no statement
        // journal (see `insert_statement` in transactions.rs).
        if append { "OR FAIL " } else { "" },
        keys.join(", "),
        columns.join(", "),
        vec![placeholders; rows].join(", ")
    );
    if append {
        return insert;
    }
    let updates: Vec<String> = columns
        .iter()
        .map(|c| format!("{c} = {c} + excluded.{c}"))
        .collect();
    format!(
        "{insert} ON CONFLICT ({}) DO UPDATE SET {}",
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
                 FROM transaction_lines GROUP BY segment_id, product_id, {period}",
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
    rebuild_customer(conn, element_names, "transaction_lines")
}

/// Recomputes `agg_customer` from `source` (a table or view with `transaction_lines`' columns).
pub fn rebuild_customer(
    conn: &Connection,
    element_names: &[String],
    source: &str,
) -> rusqlite::Result<()> {
    let (cols, sums) = element_sql(element_names);
    conn.execute("DELETE FROM agg_customer", [])?;
    conn.execute(
        &format!(
            "INSERT INTO agg_customer (customer_id, product_id, segment_id, {}{cols}) \
             SELECT customer_id, product_id, MAX(segment_id), {}{sums} \
             FROM {source} GROUP BY customer_id, product_id",
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

#[cfg(test)]
mod tests {
    use super::{Aggregates, LineAmounts, LineKeys, Lookup, MAX_SLOTS};
    use crate::date::Date;

    /// (table, key, the sums' bits)
    type Row = (usize, (u32, u32, i32), Vec<u64>);

    /// Every row of every table, sorted, for comparing two accumulations.
    fn rows(a: &Aggregates) -> Vec<Row> {
        let mut out = Vec::new();
        for (t, table) in [&a.week, &a.month, &a.customer].into_iter().enumerate() {
            for (k, v) in table.rows(a.stride) {
                out.push((t, *k, v.iter().map(|x| x.to_bits()).collect()));
            }
        }
        out.sort();
        out
    }

    #[test]
    fn paged_and_hashed_lookups_give_the_same_sums() {
        let (segments, customers, products) = (3, 40, 25);
        let mut hashed = Aggregates::new(2);
        // Room for only a few customers' pages, so later customers spill to the hash.
        let mut paged = Aggregates::for_catalog(2, segments, customers, products);
        // Too many customers for pages: hashed from the start.
        let mut tiny = Aggregates::for_catalog(2, segments, MAX_SLOTS / 8, products);
        // Pages for three customers and two weeks only: the rest spills to the hash.
        let mut capped = Aggregates::for_catalog(2, segments, customers, products);
        for (table, pages) in [(&mut capped.customer, 3), (&mut capped.week, 2)] {
            if let Lookup::Paged {
                max_slots, width, ..
            } = &mut table.lookup
            {
                *max_slots = pages * *width as usize;
            }
        }
        let start = Date::parse("2024-01-01").unwrap_or(Date(0));
        assert_eq!(start.to_string(), "2024-01-01");
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut next = |m: u64| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            (x % m) as u32
        };
        let mut lines = Vec::new();
        let mut amounts = Vec::new();
        for _ in 0..5000 {
            let keys = LineKeys {
                segment: next(segments as u64),
                customer: next(customers as u64),
                // Now and then a product beyond the catalog's size: it spills to the hash.
                product: next(products as u64 + 2),
            };
            lines.push((keys, start.add_days(next(400) as i32)));
            let q = f64::from(next(50)) - 5.0;
            amounts.push([q, 10.0, 6.0, 9.0, 8.5, 1.0, 0.5]);
        }
        let slots = [0, 1];
        let line = |i: usize| LineAmounts::from_numbers(&amounts[i], &slots);
        for (i, &(keys, date)) in lines.iter().enumerate() {
            hashed.add(keys, date, &line(i), 1.0);
        }
        paged.add_lines(&lines, line);
        tiny.add_lines(&lines, line);
        capped.add_lines(&lines, line);
        assert!(!rows(&hashed).is_empty());
        assert!(matches!(paged.customer.lookup, Lookup::Paged { .. }));
        assert!(matches!(tiny.customer.lookup, Lookup::Hash(_)));
        assert!(capped.customer.spill.len() > 100 && capped.week.spill.len() > 100);
        assert_eq!(rows(&paged), rows(&hashed));
        assert_eq!(rows(&tiny), rows(&hashed));
        assert_eq!(rows(&capped), rows(&hashed));
        assert_eq!(paged.dates, hashed.dates);
    }
}
