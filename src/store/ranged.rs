//! Sums over any date range without a scan of the transaction lines: the whole calendar months
//! inside the range come from the customer-month sums (`agg_customer_month`, or `agg_month` when
//! no customer is asked about), and only the days of the partial months at its ends are read
//! from the lines, through the rowid blocks whose dates reach into them (`line_blocks`).
//!
//! At 10M lines over two years a range of a year reads about 1.7M customer-month records and,
//! at worst, two partial months of lines (~0.8M), instead of scanning 10M lines.

use super::customer_months::{ChunkView, FIXED, month_of};
use super::import::fxhash::{FxHashMap, IdMap};
use super::line_blocks::{BLOCK_ROWS, rowid_ranges};
use super::query::quote_ident;
use super::realization::Grouping;
use super::realization::Numbering;
use super::{StoreError, Workspace};
use crate::date::Date;
use crate::realization::sums::{Cell, Element, ElementKind, GroupKey, GroupSums, PairIds, Sums};
use std::sync::Arc;

/// The [`ChunkContext`] of an accumulator and the workspace's elements: a macro rather than a
/// method, so that it borrows only the fields it names and a caller may borrow the tables and
/// the product numbering beside it.
macro_rules! chunk_context {
    ($acc:expr, $workspace:expr) => {
        ChunkContext {
            customers: &$acc.customers,
            customer_ids: &$acc.customer_ids,
            segment_ids: &$acc.segment_ids,
            queries: &$acc.queries,
            splits: &$acc.splits,
            any_product: &$acc.any_product,
            by_product: &$acc.by_product,
            width: $acc.width,
            workspace: $workspace,
        }
    };
}

/// A date range as calendar months of sums plus or minus the lines of a few days.
///
/// A month the range covers only in part is read whichever way reads fewer lines: its days in
/// the range added, or the whole month's sums with the days outside the range taken out. So
/// "3 February to 15 January" reads 2 days of February to take out and 15 days of January to
/// add, not 27 + 15.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Split {
    /// First and last month of sums (year·12 + month − 1), when there are any.
    pub months: Option<(i32, i32)>,
    /// Days whose lines are added, and days whose lines are taken out, inclusive.
    pub plus: Vec<(Date, Date)>,
    pub minus: Vec<(Date, Date)>,
}

/// Months numbered from an unbounded end: every month before or after any date.
const OPEN_START: i32 = i32::MIN / 2;
const OPEN_END: i32 = i32::MAX / 2;

fn month_start(m: i32) -> Date {
    Date::from_ymd(m.div_euclid(12), m.rem_euclid(12) as u32 + 1, 1).unwrap_or(Date(0))
}

fn days(r: (Date, Date)) -> i32 {
    r.1.0 - r.0.0 + 1
}

impl Split {
    /// Splits `from..=to` (`None`: unbounded).
    pub fn of(from: Option<Date>, to: Option<Date>) -> Split {
        let mut split = Split {
            months: None,
            plus: Vec::new(),
            minus: Vec::new(),
        };
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return split;
        }
        let first = from.map_or(OPEN_START, month_of);
        let last = to.map_or(OPEN_END, month_of);
        // Each end month the range covers in part: kept as sums (minus what is outside) or not.
        let keep = |m: i32, split: &mut Split| -> bool {
            let (start, end) = (month_start(m), month_start(m + 1).add_days(-1));
            let inside = (
                from.map_or(start, |f| f.max(start)),
                to.map_or(end, |t| t.min(end)),
            );
            if inside == (start, end) {
                return true;
            }
            let outside: Vec<(Date, Date)> =
                [(start, inside.0.add_days(-1)), (inside.1.add_days(1), end)]
                    .into_iter()
                    .filter(|r| r.0 <= r.1)
                    .collect();
            if outside.iter().map(|&r| days(r)).sum::<i32>() < days(inside) {
                split.minus.extend(outside);
                true
            } else {
                split.plus.push(inside);
                false
            }
        };
        let keep_first = first == OPEN_START || keep(first, &mut split);
        let keep_last = match last {
            OPEN_END => true,
            l if l == first => keep_first,
            l => keep(l, &mut split),
        };
        let a = if keep_first { first } else { first + 1 };
        let b = if keep_last { last } else { last - 1 };
        split.months = (a <= b).then_some((a, b));
        split
    }

    fn has_month(&self, m: i32) -> bool {
        self.months.is_some_and(|(a, b)| (a..=b).contains(&m))
    }

    /// 1 when a line of day `d` is added, −1 when it is taken out, 0 when it is not read.
    fn day_sign(&self, d: Date) -> i32 {
        let within = |r: &Vec<(Date, Date)>| r.iter().any(|&(a, b)| a <= d && d <= b);
        match (within(&self.plus), within(&self.minus)) {
            (true, _) => 1,
            (_, true) => -1,
            _ => 0,
        }
    }

    fn days(&self) -> impl Iterator<Item = (Date, Date)> + '_ {
        self.plus.iter().chain(&self.minus).copied()
    }
}

/// One question: a date range, the lines it keeps and how they are grouped.
#[derive(Debug, Clone, PartialEq)]
pub struct Query {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub segment: Option<String>,
    pub product: Option<String>,
    pub customer: Option<String>,
    pub by: Grouping,
}

impl Default for Query {
    fn default() -> Self {
        Query {
            from: None,
            to: None,
            segment: None,
            product: None,
            customer: None,
            by: Grouping::CustomerProduct,
        }
    }
}

/// Each query's sums per group of its grouping, keyed and ordered as `GROUP BY` over
/// `transaction_lines` in the range gives them (by segment, product, customer): lines of
/// customers missing from `customers` are left out, and groups whose lines in the range net to
/// none are not listed — except the one group of [`Grouping::Total`], zeros when there are no
/// lines. Invoice and pocket revenue are list less the on-invoice elements, then less the
/// off-invoice ones.
pub fn pair_sums(
    ws: &Workspace,
    elements: &[Element],
    queries: &[Query],
) -> Result<Vec<Vec<GroupSums>>, StoreError> {
    let mut acc = Accumulator::new(ws, elements, queries)?;
    acc.read(ws)?;
    Ok(acc.finish())
}

/// Every customer × product cell of one query (its grouping is ignored) with quantity and
/// list, invoice and pocket revenue, in customer, product order: [`pair_sums`] without the
/// per-pair keys and element sums, for the band over a million cells.
pub fn cells(ws: &Workspace, elements: &[Element], query: &Query) -> Result<Vec<Cell>, StoreError> {
    let query = Query {
        by: Grouping::CustomerProduct,
        ..query.clone()
    };
    let mut acc = Accumulator::new(ws, elements, std::slice::from_ref(&query))?;
    acc.read(ws)?;
    Ok(acc.finish_cells())
}

/// The customer × product sums of two date ranges, pair by pair: calls `f` for each pair with
/// lines in either range, in (segment, product, customer) id order, with its sums in each
/// (`None` where it has none) — the two lists [`pair_sums`] gives the ranges, merged, without
/// making a keyed [`GroupSums`] of every pair (the bridge between two years at 10M lines reads
/// 600k of them).
pub fn each_pair_in_two_ranges(
    ws: &Workspace,
    elements: &[Element],
    ranges: [(Date, Date); 2],
    mut f: impl FnMut(PairIds<'_>, Option<&Sums>, Option<&Sums>),
) -> Result<(), StoreError> {
    let queries = ranges.map(|(from, to)| Query {
        from: Some(from),
        to: Some(to),
        ..Query::default()
    });
    let mut acc = Accumulator::new(ws, elements, &queries)?;
    acc.read(ws)?;
    let product_ids = acc.product_ids();
    let id_order = IdOrder::new(
        &acc.customer_ids,
        &acc.segment_ids,
        &product_ids,
        &acc.customer_segment,
    );
    let sort_key = |pair: (u32, u32)| id_order.key(Grouping::CustomerProduct, pair);
    let segment_of = &acc.customer_segment;
    let width = acc.width;
    // Each range's pairs with lines, sorted, and their totals gathered in that order: on a
    // thread each, as the gathering waits on memory (hundreds of thousands of pairs spread
    // over a table of a hundred megabytes).
    let sorted = |t: &Table| -> SortedPairs {
        let mut order: Vec<(RankKey, usize)> = (0..t.keys.len())
            .filter(|&i| t.lines[i] > 0)
            .map(|i| (sort_key(t.keys[i]), i))
            .collect();
        order.sort_unstable_by_key(|&(key, _)| key);
        let mut totals = Vec::with_capacity(order.len() * width);
        for &(_, i) in &order {
            let pairs = &t.values[2 * i * width..2 * (i + 1) * width];
            totals.extend(pairs.chunks_exact(2).map(|p| p[0] + p[1]));
        }
        SortedPairs {
            keys: order.iter().map(|&(key, i)| (key, t.keys[i])).collect(),
            lines: order.iter().map(|&(_, i)| t.lines[i]).collect(),
            totals,
        }
    };
    let [base, compare]: [SortedPairs; 2] = std::thread::scope(|scope| {
        let other = scope.spawn(|| sorted(&acc.tables[1]));
        let first = sorted(&acc.tables[0]);
        match other.join() {
            Ok(second) => [first, second],
            Err(panic) => std::panic::resume_unwind(panic),
        }
    });
    let n = acc.elements.len();
    let mut scratch = [Sums::default(), Sums::default()];
    let fill = |t: &SortedPairs, i: usize, s: &mut Sums| {
        let row = &t.totals[i * width..(i + 1) * width];
        let [quantity, list, invoice, pocket] = sums_of_prices(row, acc.elements);
        s.lines = t.lines[i];
        s.quantity = quantity;
        s.list_revenue = list;
        s.invoice_revenue = invoice;
        s.pocket_revenue = pocket;
        s.cost = row[2];
        s.elements.clear();
        s.elements.extend_from_slice(&row[FIXED..FIXED + n]);
    };
    let (mut i, mut j) = (0, 0);
    while i < base.keys.len() || j < compare.keys.len() {
        let (key, in_base, in_compare) = match (base.keys.get(i), compare.keys.get(j)) {
            (Some(a), Some(b)) if a.0 == b.0 => (a.1, true, true),
            (Some(a), Some(b)) if a.0 < b.0 => (a.1, true, false),
            (Some(a), None) => (a.1, true, false),
            (_, Some(b)) => (b.1, false, true),
            (None, None) => break,
        };
        let [s0, s1] = &mut scratch;
        if in_base {
            fill(&base, i, s0);
            i += 1;
        }
        if in_compare {
            fill(&compare, j, s1);
            j += 1;
        }
        let (c, p) = (key.0 as usize, key.1 as usize);
        let ids = (
            Some(acc.segment_ids[segment_of[c] as usize].as_str()),
            Some(product_ids[p].as_str()),
            Some(acc.customer_ids[c].as_str()),
        );
        f(ids, in_base.then_some(&*s0), in_compare.then_some(&*s1));
    }
    Ok(())
}

/// A pair's (segment, product, customer) ranks: its place in id order.
type RankKey = (u32, u32, u32);

/// One range's pairs with lines in (segment, product, customer) id order: their sort keys and
/// numbers, their lines, and their totals (`width` each), for a merge that reads in order.
struct SortedPairs {
    keys: Vec<(RankKey, (u32, u32))>,
    lines: Vec<i64>,
    totals: Vec<f64>,
}

/// Slots of a dense index a table may take (4 bytes each) before it uses a hash instead.
const MAX_DENSE: usize = 16 << 20;

/// Per query, per group: lines and [`FIXED`] + elements numbers, each a sum and its error. A group is two numbers: its
/// customer or segment (or 0) and its product (or 0), see [`Accumulator::group`].
struct Table {
    by: Grouping,
    /// Per group (first · `columns` + second), its slot + 1 (0: none yet), when the groups
    /// are few enough to index densely; else the hash.
    dense: Vec<u32>,
    columns: u32,
    /// The table of a question about one product: every group has the same second number,
    /// so the dense index is by the first alone (a customer's slot, not a customer ×
    /// product's: kilobytes per question, not megabytes).
    one_product: bool,
    spill: FxHashMap<(u32, u32), u32>,
    keys: Vec<(u32, u32)>,
    lines: Vec<i64>,
    values: Vec<f64>,
}

impl Table {
    fn new(by: Grouping, rows: usize, columns: usize, one_product: bool) -> Table {
        let columns = if one_product { 1 } else { columns };
        let dense = match rows.checked_mul(columns) {
            Some(n) if n <= MAX_DENSE => vec![0; n],
            _ => Vec::new(),
        };
        Table {
            by,
            dense,
            columns: columns as u32,
            one_product,
            spill: FxHashMap::default(),
            keys: Vec::new(),
            lines: Vec::new(),
            values: Vec::new(),
        }
    }

    /// The lines and numbers of group `key`, zero when new.
    fn row(&mut self, key: (u32, u32), width: usize) -> (&mut i64, &mut [f64]) {
        let next = self.keys.len() as u32;
        let at = match self.one_product {
            true => Some(key.0 as usize),
            false => (key.0 as usize)
                .checked_mul(self.columns as usize)
                .and_then(|i| i.checked_add(key.1 as usize))
                .filter(|_| key.1 < self.columns),
        };
        let slot = match at.and_then(|i| self.dense.get_mut(i)) {
            Some(s) if *s > 0 => *s - 1,
            Some(s) => {
                *s = next + 1;
                next
            }
            None => *self.spill.entry(key).or_insert(next),
        };
        if slot == next {
            self.keys.push(key);
            self.lines.push(0);
            self.values.resize(self.values.len() + 2 * width, 0.0);
        }
        let slot = slot as usize;
        (
            &mut self.lines[slot],
            &mut self.values[2 * slot * width..2 * (slot + 1) * width],
        )
    }

    /// No groups (the dense index kept, emptied).
    fn clear(&mut self) {
        self.dense.fill(0);
        self.spill.clear();
        self.keys.clear();
        self.lines.clear();
        self.values.clear();
    }

    /// Group `i`'s numbers, each sum with its carried error.
    fn totals(&self, i: usize, width: usize) -> Vec<f64> {
        self.values[2 * i * width..2 * (i + 1) * width]
            .chunks_exact(2)
            .map(|p| p[0] + p[1])
            .collect()
    }
}

/// Adds `x` to number `k` of a row of (sum, error) pairs, carrying the rounding error
/// (Kahan–Babuška–Neumaier, as SQLite's SUM): the month sums and lines added in any order give
/// the same cents as a sum over the lines.
fn add(row: &mut [f64], k: usize, x: f64) {
    let (sum, err) = (row[2 * k], row[2 * k + 1]);
    let s = sum + x;
    row[2 * k + 1] = if sum.abs() >= x.abs() {
        err + ((sum - s) + x)
    } else {
        err + ((x - s) + sum)
    };
    row[2 * k] = s;
}

struct Accumulator<'e> {
    elements: &'e [Element],
    width: usize,
    splits: Vec<Split>,
    queries: Vec<Query>,
    /// Customer id → (number, segment number), every customer of `customers`.
    customers: IdMap<(u32, u32)>,
    customer_ids: Vec<String>,
    /// Each customer's segment number, by customer number.
    customer_segment: Vec<u32>,
    segment_ids: Vec<String>,
    /// Every product of `products` first; ids met only in the lines after them.
    products: Numbering,
    tables: Vec<Table>,
    /// The queries that keep any product, and those that keep one, by product id: a question
    /// per product (the windows of price increases) looks at its product's lines only.
    any_product: Vec<usize>,
    by_product: FxHashMap<String, Vec<usize>>,
    /// Rowids per unit of the days' lines ([`UNIT_ROWS`]; fewer in tests, for many units).
    unit_rows: i64,
}

impl<'e> Accumulator<'e> {
    fn new(
        ws: &Workspace,
        elements: &'e [Element],
        queries: &[Query],
    ) -> Result<Accumulator<'e>, StoreError> {
        let mut customers = IdMap::default();
        let mut customer_ids = Vec::new();
        let mut customer_segment = Vec::new();
        let mut segments: FxHashMap<String, u32> = FxHashMap::default();
        let mut segment_ids = Vec::new();
        let mut stmt = ws
            .conn()
            .prepare("SELECT customer_id, segment_id FROM customers")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            let segment: String = r.get(1)?;
            let next = segment_ids.len() as u32;
            let s = *segments.entry(segment.clone()).or_insert_with(|| {
                segment_ids.push(segment);
                next
            });
            customers.insert(id, (customer_ids.len() as u32, s));
            customer_ids.push(id.to_string());
            customer_segment.push(s);
        }
        let mut products = Numbering::default();
        let mut stmt = ws.conn().prepare("SELECT product_id FROM products")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            products.index(r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?);
        }
        let n_products = products.len();
        let mut any_product = Vec::new();
        let mut by_product: FxHashMap<String, Vec<usize>> = FxHashMap::default();
        for (i, q) in queries.iter().enumerate() {
            match &q.product {
                Some(p) => by_product.entry(p.clone()).or_default().push(i),
                None => any_product.push(i),
            }
        }
        let tables = queries
            .iter()
            .map(|q| {
                let (rows, columns) = match q.by {
                    Grouping::Total => (1, 1),
                    Grouping::Segment => (segment_ids.len(), 1),
                    Grouping::Product => (1, n_products),
                    Grouping::SegmentProduct => (segment_ids.len(), n_products),
                    Grouping::Customer => (customer_ids.len(), 1),
                    Grouping::CustomerProduct => (customer_ids.len(), n_products),
                };
                // A question about one customer holds few groups: no dense index. One about a
                // product (the windows of price increases, a thousand or more) is indexed by
                // its first number only: a customer's or segment's slot.
                match (&q.customer, &q.product) {
                    (Some(_), _) => Table::new(q.by, 0, columns, false),
                    (None, Some(_)) => Table::new(q.by, rows, columns, true),
                    (None, None) => Table::new(q.by, rows, columns, false),
                }
            })
            .collect();
        Ok(Accumulator {
            any_product,
            by_product,
            elements,
            width: FIXED + elements.len(),
            splits: queries.iter().map(|q| Split::of(q.from, q.to)).collect(),
            queries: queries.to_vec(),
            customers,
            customer_ids,
            customer_segment,
            segment_ids,
            products,
            tables,
            unit_rows: UNIT_ROWS,
        })
    }

    /// The group of a customer (number, segment) × product in a grouping.
    fn group(by: Grouping, (customer, segment): (u32, u32), product: u32) -> (u32, u32) {
        match by {
            Grouping::Total => (0, 0),
            Grouping::Segment => (segment, 0),
            Grouping::Product => (0, product),
            Grouping::SegmentProduct => (segment, product),
            Grouping::Customer => (customer, 0),
            Grouping::CustomerProduct => (customer, product),
        }
    }

    /// The whole months, then the days at the ranges' ends: with a second reader on another
    /// thread when the questions split into two sets of months (the two periods of a bridge,
    /// early and late windows of price increases) or when there are days to read beside one
    /// set, both connections in one read transaction until the days are read too.
    fn read(&mut self, ws: &Workspace) -> Result<(), StoreError> {
        let halves = self.halves();
        let merged = self.day_ranges();
        let sums_only = !merged.is_empty() && super::sums_only::is_aggregates_only(ws)?;
        let days = if sums_only { &[][..] } else { &merged[..] };
        let mut pair = match halves.is_some() || !days.is_empty() {
            true => ReadPair::open(ws)?,
            false => None,
        };
        if let Some(pair) = pair.as_mut() {
            let done = match &halves {
                Some(halves) => self.read_in_two(ws, pair, halves, days)?,
                None => self.months_beside_days(ws, pair, days)?,
            };
            match (done, sums_only) {
                (true, true) => return self.check_days(ws),
                (true, false) => return Ok(()),
                // A product the numbering does not know (not in `products`): one thread.
                (false, _) => {
                    for t in &mut self.tables {
                        t.clear();
                    }
                }
            }
        }
        self.add_months(ws)?;
        self.add_days(ws, &merged, sums_only)
        // `pair` ends both read transactions here, on errors too.
    }

    /// One set of months with days at its ends: the second reader fetches the days' lines
    /// while this thread reads the chunks, then the lines are added after the months, in the
    /// order they were read — the additions one thread makes, in its order. False (the
    /// tables part-filled) when a product has no number: one thread reads it all then.
    fn months_beside_days(
        &mut self,
        ws: &Workspace,
        second: &mut ReadPair,
        merged: &[(Date, Date)],
    ) -> Result<bool, StoreError> {
        let workspace = self.workspace();
        let everything = vec![true; self.queries.len()];
        let unit_rows = self.unit_rows;
        let (months, days) = {
            let ctx = chunk_context!(self, &workspace);
            let mut tables: Vec<Option<&mut Table>> = self.tables.iter_mut().map(Some).collect();
            let products = &self.products;
            let known = |p: &str| products.get(p);
            let done = second.beside(
                || read_chunks(ws.conn(), &ctx, &everything, &mut tables, &mut |p| known(p)),
                |conn| match day_units(conn, merged, unit_rows) {
                    Ok(units) => fetch_days(conn, &ctx, &units, &mut |p| known(p)),
                    Err(e) => Err(e.into()),
                },
            );
            match done {
                Some((here, lines)) => (here?, lines?),
                None => (false, None),
            }
        };
        match (months, days) {
            (true, Some(lines)) => {
                self.apply_days(&lines);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    /// The whole months, from the customer-month chunks that hold any of them, on this thread.
    fn add_months(&mut self, ws: &Workspace) -> Result<(), StoreError> {
        let workspace = self.workspace();
        let everything = vec![true; self.queries.len()];
        let mut tables: Vec<Option<&mut Table>> = self.tables.iter_mut().map(Some).collect();
        let ctx = chunk_context!(self, &workspace);
        let products = &mut self.products;
        read_chunks(ws.conn(), &ctx, &everything, &mut tables, &mut |p| {
            Some(products.index(p))
        })?;
        Ok(())
    }

    /// The questions with months split in two sets (by first month, about as many months
    /// each), when there are at least two and the sets' months overlap little.
    fn halves(&self) -> Option<[Vec<bool>; 2]> {
        let mut dated: Vec<(usize, (i32, i32))> = (self.splits.iter().enumerate())
            .filter_map(|(q, s)| s.months.map(|m| (q, m)))
            .filter(|(_, (a, b))| *a > OPEN_START && *b < OPEN_END)
            .collect();
        if dated.len() < 2
            || dated.len() < self.splits.iter().filter(|s| s.months.is_some()).count()
        {
            return None;
        }
        dated.sort_by_key(|&(q, m)| (m, q));
        let months = |d: &[(usize, (i32, i32))]| -> i64 {
            d.iter().map(|(_, (a, b))| i64::from(b - a + 1)).sum()
        };
        let total = months(&dated);
        let mut cut = 1;
        while cut < dated.len() - 1 && 2 * months(&dated[..cut]) < total {
            cut += 1;
        }
        let span = |d: &[(usize, (i32, i32))]| {
            let lo = d.iter().map(|(_, m)| m.0).min().unwrap_or(0);
            let hi = d.iter().map(|(_, m)| m.1).max().unwrap_or(0);
            (lo, hi)
        };
        let (first, second) = (span(&dated[..cut]), span(&dated[cut..]));
        let overlap = (first.1.min(second.1) - first.0.max(second.0) + 1).max(0);
        let smaller = (first.1 - first.0 + 1).min(second.1 - second.0 + 1);
        if 2 * overlap > smaller {
            return None;
        }
        let mut halves = [
            vec![false; self.queries.len()],
            vec![false; self.queries.len()],
        ];
        for (i, (q, _)) in dated.iter().enumerate() {
            halves[usize::from(i >= cut)][*q] = true;
        }
        Some(halves)
    }

    /// Two sets of months on two threads, the second reading through `second`: each thread
    /// reads its set's chunks into its questions' tables, then both fetch the lines of `days`
    /// unit by unit (whichever is free takes the next), and then each adds every line, in the
    /// order one reader reads them, to its own questions' tables — the additions one thread
    /// makes, in its order, so the same sums to the last bit. False (the tables part-filled)
    /// when a product has no number.
    fn read_in_two(
        &mut self,
        ws: &Workspace,
        second: &mut ReadPair,
        halves: &[Vec<bool>; 2],
        days: &[(Date, Date)],
    ) -> Result<bool, StoreError> {
        let workspace = self.workspace();
        let units = match days.is_empty() {
            true => Vec::new(),
            false => day_units(ws.conn(), days, self.unit_rows)?,
        };
        let in_second = |q: usize| halves[1][q];
        let fetched = {
            let ctx = chunk_context!(self, &workspace);
            let (mut mine, mut theirs) = two_sets(&mut self.tables, in_second);
            let products = &self.products;
            let known = |p: &str| products.get(p);
            let next = std::sync::atomic::AtomicUsize::new(0);
            // The units this thread fetched, by number; `None` when it met an unknown product.
            let share = |conn: &rusqlite::Connection| -> Result<Option<Vec<(usize, DayLines)>>, StoreError> {
                let mut got = Vec::new();
                loop {
                    let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    let Some(unit) = units.get(i) else {
                        return Ok(Some(got));
                    };
                    match fetch_days(conn, &ctx, std::slice::from_ref(unit), &mut |p| known(p))? {
                        Some(lines) => got.push((i, lines.shrunk())),
                        None => return Ok(None),
                    }
                }
            };
            let read =
                |conn: &rusqlite::Connection, half: &[bool], tables: &mut [Option<&mut Table>]| {
                    match read_chunks(conn, &ctx, half, tables, &mut |p| known(p))? {
                        true => share(conn),
                        false => Ok(None),
                    }
                };
            match second.beside(
                || read(ws.conn(), &halves[0], &mut mine),
                |conn| read(conn, &halves[1], &mut theirs),
            ) {
                Some((a, b)) => a?.zip(b?),
                None => None,
            }
        };
        let Some((a, b)) = fetched else {
            return Ok(false);
        };
        let mut lines: Vec<(usize, DayLines)> = a.into_iter().chain(b).collect();
        lines.sort_unstable_by_key(|(i, _)| *i);
        let lines: Vec<DayLines> = lines.into_iter().map(|(_, l)| l).collect();
        let width = self.width;
        let (mut mine, mut theirs) = two_sets(&mut self.tables, in_second);
        std::thread::scope(|scope| {
            let other = scope.spawn(|| apply_lines(&mut theirs, width, &lines));
            apply_lines(&mut mine, width, &lines);
            if let Err(panic) = other.join() {
                std::panic::resume_unwind(panic);
            }
        });
        Ok(true)
    }

    /// The days at the ends of each range, from the lines of the blocks that reach into them.
    /// `merged`: [`Accumulator::day_ranges`]; `sums_only`: a workspace without lines.
    fn add_days(
        &mut self,
        ws: &Workspace,
        merged: &[(Date, Date)],
        sums_only: bool,
    ) -> Result<(), StoreError> {
        if merged.is_empty() {
            return Ok(());
        }
        if sums_only {
            return self.check_days(ws);
        }
        let workspace = self.workspace();
        let ctx = chunk_context!(self, &workspace);
        let products = &mut self.products;
        let units = day_units(ws.conn(), merged, self.unit_rows)?;
        let lines = fetch_days(ws.conn(), &ctx, &units, &mut |p| Some(products.index(p)))?;
        if let Some(lines) = lines {
            self.apply_days(&lines);
        }
        Ok(())
    }

    /// The day ranges whose lines are read (added or taken out), overlapping ones merged so
    /// that no line is read twice.
    fn day_ranges(&self) -> Vec<(Date, Date)> {
        let mut days: Vec<(Date, Date)> = self.splits.iter().flat_map(|s| s.days()).collect();
        days.sort();
        let mut merged: Vec<(Date, Date)> = Vec::new();
        for (a, b) in days {
            match merged.last_mut() {
                Some(last) if a <= last.1.add_days(1) => last.1 = last.1.max(b),
                _ => merged.push((a, b)),
            }
        }
        merged
    }

    /// A workspace without lines: fine when the days have none anyway, else an error.
    fn check_days(&self, ws: &Workspace) -> Result<(), StoreError> {
        let questions: Vec<super::sums_only::DayRanges> = (self.queries.iter())
            .zip(&self.splits)
            .map(|(q, s)| super::sums_only::DayRanges {
                from: q.from,
                to: q.to,
                days: s.days().collect(),
            })
            .collect();
        super::sums_only::check_days(ws, &questions)
    }

    /// The workspace's elements as (column, kind).
    fn workspace(&self) -> Vec<(String, ElementKind)> {
        self.elements
            .iter()
            .map(|e| (e.column.clone(), e.kind))
            .collect()
    }

    /// Adds fetched lines to their questions' tables, in the order they were read.
    fn apply_days(&mut self, lines: &DayLines) {
        let mut tables: Vec<Option<&mut Table>> = self.tables.iter_mut().map(Some).collect();
        apply_lines(&mut tables, self.width, std::slice::from_ref(lines));
    }

    fn product_ids(&self) -> Vec<String> {
        (0..self.products.len() as u32)
            .map(|p| self.products.id(p).to_string())
            .collect()
    }

    /// The first table as cells, in customer, product order.
    fn finish_cells(self) -> Vec<Cell> {
        let Some(t) = self.tables.first() else {
            return Vec::new();
        };
        let product_ids = self.product_ids();
        let (customer_rank, product_rank) = (ranks(&self.customer_ids), ranks(&product_ids));
        let shared = |ids: &[String]| -> Vec<Arc<str>> {
            ids.iter().map(|id| Arc::from(id.as_str())).collect()
        };
        let (customers, products, segments) = (
            shared(&self.customer_ids),
            shared(&product_ids),
            shared(&self.segment_ids),
        );
        let mut order: Vec<usize> = (0..t.keys.len()).filter(|&i| t.lines[i] > 0).collect();
        order.sort_unstable_by_key(|&i| {
            let (c, p) = t.keys[i];
            (customer_rank[c as usize], product_rank[p as usize])
        });
        let width = self.width;
        order
            .into_iter()
            .map(|i| {
                let (c, p) = t.keys[i];
                let s = sums_of_prices(&t.totals(i, width), self.elements);
                Cell {
                    segment_id: Arc::clone(&segments[self.customer_segment[c as usize] as usize]),
                    product_id: Arc::clone(&products[p as usize]),
                    customer_id: Arc::clone(&customers[c as usize]),
                    quantity: s[0],
                    list_revenue: s[1],
                    invoice_revenue: s[2],
                    pocket_revenue: s[3],
                }
            })
            .collect()
    }

    fn finish(self) -> Vec<Vec<GroupSums>> {
        let product_ids = self.product_ids();
        let id_order = IdOrder::new(
            &self.customer_ids,
            &self.segment_ids,
            &product_ids,
            &self.customer_segment,
        );
        let segment_of = &self.customer_segment;
        let width = self.width;
        let elements = self.elements;
        let mut out = Vec::with_capacity(self.tables.len());
        for mut t in self.tables {
            if t.by == Grouping::Total && t.keys.is_empty() {
                t.row((0, 0), width);
            }
            let sort_key = |group: &(u32, u32)| id_order.key(t.by, *group);
            let mut order: Vec<usize> = (0..t.keys.len())
                .filter(|&i| t.by == Grouping::Total || t.lines[i] > 0)
                .collect();
            order.sort_unstable_by_key(|&i| sort_key(&t.keys[i]));
            let groups = order
                .into_iter()
                .map(|i| {
                    let (a, b) = t.keys[i];
                    let segment = |s: u32| Some(self.segment_ids[s as usize].clone());
                    let product = || Some(product_ids[b as usize].clone());
                    let customer = || Some(self.customer_ids[a as usize].clone());
                    let key = match t.by {
                        Grouping::Total => GroupKey::default(),
                        Grouping::Segment => GroupKey {
                            segment_id: segment(a),
                            ..GroupKey::default()
                        },
                        Grouping::Product => GroupKey {
                            product_id: product(),
                            ..GroupKey::default()
                        },
                        Grouping::SegmentProduct => GroupKey {
                            segment_id: segment(a),
                            product_id: product(),
                            customer_id: None,
                        },
                        Grouping::Customer => GroupKey {
                            segment_id: segment(segment_of[a as usize]),
                            product_id: None,
                            customer_id: customer(),
                        },
                        Grouping::CustomerProduct => GroupKey {
                            segment_id: segment(segment_of[a as usize]),
                            product_id: product(),
                            customer_id: customer(),
                        },
                    };
                    GroupSums {
                        key,
                        sums: sums_of(t.lines[i], &t.totals(i, width), elements),
                    }
                })
                .collect();
            out.push(groups);
        }
        out
    }
}

/// Lines of the days at the ranges' ends, decoded: for each, its customer, product and the
/// questions it counts for with its sign, and its numbers (quantity, quantity × list,
/// quantity × cost, quantity × each element), in the order read.
/// Kept compact (a million lines or more for the windows of every price increase): a line's
/// numbers are `values[i · width..]` for the `i`-th line.
#[derive(Default)]
struct DayLines {
    lines: Vec<DayLine>,
    /// (question, sign) of each line's additions.
    hits: Vec<(u32, i32)>,
    values: Vec<f64>,
}

struct DayLine {
    customer: (u32, u32),
    product: u32,
    /// `hits[hits.0..hits.1]`.
    hits: (u32, u32),
}

impl DayLines {
    /// The numbers of line `i`.
    fn values(&self, i: usize, width: usize) -> &[f64] {
        &self.values[i * width..(i + 1) * width]
    }

    /// The additions of `line`.
    fn hits(&self, line: &DayLine) -> &[(u32, i32)] {
        &self.hits[line.hits.0 as usize..line.hits.1 as usize]
    }

    /// Without the room its vectors grew for (lines are held until every unit is read).
    fn shrunk(mut self) -> DayLines {
        self.lines.shrink_to_fit();
        self.hits.shrink_to_fit();
        self.values.shrink_to_fit();
        self
    }
}

/// A part of the lines of the days at the ranges' ends: a day range (of
/// [`Accumulator::day_ranges`]) and a run of rowids that may hold its lines. Read unit after
/// unit, in order, the lines come in the order of one read of each day range, so two threads
/// may share the units and their lines still be added in that order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct DayUnit {
    days: (Date, Date),
    rows: (i64, i64),
}

/// Rowids per [`DayUnit`] (two blocks of lines): a few days' lines make enough units for two
/// threads to share them evenly.
const UNIT_ROWS: i64 = 2 * BLOCK_ROWS;

/// The first and last rowid of `transactions` (0 and 0 when it is empty): two queries, as
/// SQLite finds a lone min() or max() of the rowid with one seek, and both together by a scan.
fn rowid_span(conn: &rusqlite::Connection) -> rusqlite::Result<(i64, i64)> {
    let end = |sql: &str| conn.query_row(sql, [], |r| r.get::<_, i64>(0));
    Ok((
        end("SELECT coalesce(min(rowid), 0) FROM transactions")?,
        end("SELECT coalesce(max(rowid), 0) FROM transactions")?,
    ))
}

/// The units of the day ranges `merged` (sorted, apart), `unit_rows` rowids each, in the
/// order one reader reads them.
fn day_units(
    conn: &rusqlite::Connection,
    merged: &[(Date, Date)],
    unit_rows: i64,
) -> rusqlite::Result<Vec<DayUnit>> {
    let (bottom, top) = rowid_span(conn)?;
    let mut units = Vec::new();
    for &days in merged {
        for (first, last) in rowid_ranges(conn, days.0, days.1)? {
            let mut lo = first;
            loop {
                // Rows are counted from the first rowid (a range may start at i64::MIN when no
                // import noted blocks), and the rest is one unit once past the top rowid (a
                // range may end at i64::MAX).
                let end = lo
                    .max(bottom.saturating_sub(1))
                    .saturating_add(unit_rows.max(1) - 1);
                if end >= last || end >= top {
                    units.push(DayUnit {
                        days,
                        rows: (lo, last),
                    });
                    break;
                }
                units.push(DayUnit {
                    days,
                    rows: (lo, end),
                });
                lo = end + 1;
            }
        }
    }
    Ok(units)
}

/// The tables in two sets: those of the questions `in_second` keeps, and the others.
fn two_sets(
    tables: &mut [Table],
    in_second: impl Fn(usize) -> bool,
) -> (Vec<Option<&mut Table>>, Vec<Option<&mut Table>>) {
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for (q, t) in tables.iter_mut().enumerate() {
        match in_second(q) {
            true => {
                first.push(None);
                second.push(Some(t));
            }
            false => {
                first.push(Some(t));
                second.push(None);
            }
        }
    }
    (first, second)
}

/// A fetched line's addition to a table: (question, group, part, line in the part, sign).
type Addition = (u32, (u32, u32), u32, u32, i32);

/// Adds fetched lines, in order, to the tables of their questions that are present.
///
/// The additions go table by table and group by group: a stable sort keeps each group's lines
/// in the order read (so the same sums to the last bit, each group's sums being its own), and
/// the tables' rows are met in order instead of at random — cache misses on tables of a hundred
/// megabytes were most of the time of adding half a million lines.
fn apply_lines(tables: &mut [Option<&mut Table>], width: usize, lines: &[DayLines]) {
    let mut additions: Vec<Addition> = Vec::new();
    for (at, part) in lines.iter().enumerate() {
        for (l, line) in part.lines.iter().enumerate() {
            for &(q, sign) in part.hits(line) {
                if let Some(table) = tables[q as usize].as_deref() {
                    let group = Accumulator::group(table.by, line.customer, line.product);
                    additions.push((q, group, at as u32, l as u32, sign));
                }
            }
        }
    }
    additions.sort_by_key(|&(q, group, ..)| (q, group));
    for (q, group, at, l, sign) in additions {
        let Some(table) = tables[q as usize].as_deref_mut() else {
            continue;
        };
        let values = lines[at as usize].values(l as usize, width);
        let (count, row) = table.row(group, width);
        *count += i64::from(sign);
        let sign = sign as f64;
        for (k, x) in values.iter().enumerate() {
            add(row, k, sign * x);
        }
    }
}

/// Reads the lines of `units` through `conn`; `product` numbers their products. `None` when
/// it cannot (a product without a number).
fn fetch_days(
    conn: &rusqlite::Connection,
    ctx: &ChunkContext,
    units: &[DayUnit],
    product: &mut dyn FnMut(&str) -> Option<u32>,
) -> Result<Option<DayLines>, StoreError> {
    let columns: String = ctx
        .workspace
        .iter()
        .map(|(c, _)| format!(", {}", quote_ident(c)))
        .collect();
    let sql = format!(
        "SELECT date, customer_id, product_id, quantity, list_price, unit_cost{columns} \
         FROM transactions WHERE rowid BETWEEN ?1 AND ?2 AND date >= ?3 AND date <= ?4"
    );
    let mut stmt = conn.prepare_cached(&sql)?;
    let (n_el, width) = (ctx.workspace.len(), ctx.width);
    let mut out = DayLines::default();
    let mut line = vec![0.0; width];
    for unit in units {
        let (lo, hi) = (unit.days.0.to_string(), unit.days.1.to_string());
        let mut rows = stmt.query((unit.rows.0, unit.rows.1, &lo, &hi))?;
        while let Some(r) = rows.next()? {
            let text = |i| r.get_ref(i)?.as_str().map_err(rusqlite::Error::from);
            let Some(date) = Date::parse(text(0)?) else {
                continue;
            };
            let Some(customer) = ctx.customers.get(text(1)?).copied() else {
                continue;
            };
            let product_id = text(2)?;
            let start = out.hits.len() as u32;
            let by_product = ctx.by_product.get(product_id).into_iter().flatten();
            for &q in ctx.any_product.iter().chain(by_product) {
                let sign = ctx.splits[q].day_sign(date);
                if sign != 0 && keeps(&ctx.queries[q], ctx.customer_ids, ctx.segment_ids, customer)
                {
                    out.hits.push((q as u32, sign));
                }
            }
            if out.hits.len() as u32 == start {
                continue;
            }
            let Some(product) = product(product_id) else {
                return Ok(None);
            };
            let quantity: f64 = r.get(3)?;
            line[0] = quantity;
            line[1] = quantity * r.get::<_, f64>(4)?;
            line[2] = quantity * r.get::<_, f64>(5)?;
            for k in 0..n_el {
                line[FIXED + k] = quantity * r.get::<_, f64>(6 + k)?;
            }
            out.lines.push(DayLine {
                customer,
                product,
                hits: (start, out.hits.len() as u32),
            });
            out.values.extend_from_slice(&line);
        }
    }
    Ok(Some(out))
}

/// Whether `query` keeps the customer (number and segment).
fn keeps(query: &Query, customer_ids: &[String], segment_ids: &[String], c: (u32, u32)) -> bool {
    query
        .customer
        .as_deref()
        .is_none_or(|id| id == customer_ids[c.0 as usize])
        && query
            .segment
            .as_deref()
            .is_none_or(|id| id == segment_ids[c.1 as usize])
}

/// What reading a chunk needs of the accumulator, shared by the threads that read.
struct ChunkContext<'a> {
    customers: &'a IdMap<(u32, u32)>,
    customer_ids: &'a [String],
    segment_ids: &'a [String],
    queries: &'a [Query],
    splits: &'a [Split],
    any_product: &'a [usize],
    by_product: &'a FxHashMap<String, Vec<usize>>,
    width: usize,
    /// The workspace's elements (column, kind).
    workspace: &'a [(String, ElementKind)],
}

/// Adds the records of the chunks that hold any month of the questions in `mine` to their
/// tables (`tables[q]`, present for each question of `mine`); `product` numbers a chunk's
/// product ids. False when it cannot (a product without a number): the tables are then
/// part-filled.
fn read_chunks(
    conn: &rusqlite::Connection,
    ctx: &ChunkContext,
    mine: &[bool],
    tables: &mut [Option<&mut Table>],
    product: &mut dyn FnMut(&str) -> Option<u32>,
) -> Result<bool, StoreError> {
    let spans: Vec<(i32, i32)> = (ctx.splits.iter().zip(mine))
        .filter(|(_, m)| **m)
        .filter_map(|(s, _)| s.months)
        .collect();
    let (Some(lo), Some(hi)) = (
        spans.iter().map(|s| s.0).min(),
        spans.iter().map(|s| s.1).max(),
    ) else {
        return Ok(true);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT chunk, data FROM agg_customer_month \
         WHERE last_month >= ?1 AND first_month <= ?2 ORDER BY chunk",
    )?;
    let mut rows = stmt.query((lo, hi))?;
    while let Some(r) = rows.next()? {
        let chunk: i64 = r.get(0)?;
        let bytes = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        let view = ChunkView::parse(bytes).ok_or_else(|| bad_chunk(chunk))?;
        if !add_chunk(ctx, &view, mine, tables, product) {
            return Ok(false);
        }
    }
    Ok(true)
}

/// Adds one chunk's records to the tables of the questions in `mine`; false when `product`
/// cannot number one of its products.
fn add_chunk(
    ctx: &ChunkContext,
    view: &ChunkView,
    mine: &[bool],
    tables: &mut [Option<&mut Table>],
    product: &mut dyn FnMut(&str) -> Option<u32>,
) -> bool {
    let customers: Vec<Option<(u32, u32)>> = view
        .customers
        .iter()
        .map(|id| ctx.customers.get(id).copied())
        .collect();
    let mut products = Vec::with_capacity(view.products.len());
    for p in &view.products {
        match product(p) {
            Some(n) => products.push(n),
            None => return false,
        }
    }
    // Each of the chunk's elements' place among the workspace's.
    let places: Vec<Option<usize>> = view
        .elements
        .iter()
        .map(|name| ctx.workspace.iter().position(|(n, _)| n == name))
        .collect();
    // Per product of the chunk, the questions of `mine` that may keep it, in question order.
    let candidates: Vec<Vec<usize>> = view
        .products
        .iter()
        .map(|p| {
            let by_product = ctx.by_product.get(*p).into_iter().flatten();
            let mut qs: Vec<usize> = (ctx.any_product.iter().chain(by_product))
                .copied()
                .filter(|&q| mine[q])
                .collect();
            qs.sort_unstable();
            qs
        })
        .collect();
    let width = ctx.width;
    for record in view.records() {
        let (c, p, month) = record.key;
        let Some(customer) = customers[c as usize] else {
            continue;
        };
        let product = products[p as usize];
        for &q in &candidates[p as usize] {
            if !ctx.splits[q].has_month(month)
                || !keeps(&ctx.queries[q], ctx.customer_ids, ctx.segment_ids, customer)
            {
                continue;
            }
            let Some(table) = tables[q].as_deref_mut() else {
                continue;
            };
            let (lines, values) = table.row(Accumulator::group(table.by, customer, product), width);
            *lines += i64::from(record.lines);
            for k in 0..FIXED {
                add(values, k, record.number(k));
            }
            for (k, place) in places.iter().enumerate() {
                if let Some(at) = place {
                    add(values, FIXED + at, record.number(FIXED + k));
                }
            }
        }
    }
    true
}

/// A second, read-only connection to a workspace file, for a thread that reads beside the
/// workspace's own connection, both in a read transaction (ended when it is dropped): no
/// import can commit meanwhile (a commit waits for every reader of the file), so the two read
/// one state of the workspace.
struct ReadPair<'w> {
    main: &'w rusqlite::Connection,
    /// Lent to the reading thread while it reads.
    conn: Option<rusqlite::Connection>,
}

impl<'w> ReadPair<'w> {
    /// `None` where a second reader cannot help or cannot be had: an in-memory workspace, a
    /// connection inside a transaction of its own (it may see writes no other connection
    /// sees), one core, or a writer about to commit.
    fn open(ws: &'w Workspace) -> Result<Option<ReadPair<'w>>, StoreError> {
        let cores = std::thread::available_parallelism().map_or(1, |n| n.get());
        let super::Origin::File(path) = ws.origin() else {
            return Ok(None);
        };
        if cores < 2 || !ws.conn().is_autocommit() {
            return Ok(None);
        }
        let flags =
            rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY | rusqlite::OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let Ok(conn) = rusqlite::Connection::open_with_flags(path, flags) else {
            return Ok(None);
        };
        ws.conn().execute_batch("BEGIN")?;
        // From here on, dropping `pair` ends the workspace connection's read transaction.
        let mut pair = ReadPair {
            main: ws.conn(),
            conn: None,
        };
        let stamp: String = ws
            .conn()
            .query_row(super::demand::STAMP, [], |r| r.get(0))?;
        // The second reader does not wait for a lock: a writer waiting to commit keeps new
        // readers out while it waits for the first connection's read to end, so waiting here
        // would wait for ever. It reads on one thread instead.
        conn.busy_timeout(std::time::Duration::ZERO)?;
        let second = conn
            .execute_batch("BEGIN")
            .and_then(|()| conn.query_row(super::demand::STAMP, [], |r| r.get::<_, String>(0)));
        match second {
            Ok(s) if s == stamp => {
                pair.conn = Some(conn);
                Ok(Some(pair))
            }
            _ => Ok(None),
        }
    }
}

impl ReadPair<'_> {
    /// Runs `here` on this thread and `there` on another with the second connection, which
    /// comes back to `self`; `None` when the connection is lent already. A panic on the other
    /// thread is a defect, and resumes here.
    fn beside<H, T: Send>(
        &mut self,
        here: impl FnOnce() -> H,
        there: impl FnOnce(&rusqlite::Connection) -> T + Send,
    ) -> Option<(H, T)> {
        let conn = self.conn.take()?;
        let (h, other) = std::thread::scope(|scope| {
            let other = scope.spawn(move || (there(&conn), conn));
            (here(), other.join())
        });
        match other {
            Ok((t, conn)) => {
                self.conn = Some(conn);
                Some((h, t))
            }
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

impl Drop for ReadPair<'_> {
    fn drop(&mut self) {
        // Ends the read transactions; a failure only means one had ended.
        if let Some(conn) = &self.conn {
            let _ = conn.execute_batch("COMMIT");
        }
        let _ = self.main.execute_batch("COMMIT");
    }
}

/// Runs `read` over the rowid ranges `ranges` (ascending, apart) of `transactions`: on two
/// threads when a second reader can be had — this thread the ranges of the first half of the
/// rows, the other thread the rest, both connections in one read transaction — else on this
/// thread alone. The results in rowid order: the first half's, then the second's.
pub(crate) fn read_rowids_in_two<T: Send>(
    ws: &Workspace,
    ranges: &[RowRange],
    read: impl Fn(&rusqlite::Connection, &[RowRange]) -> Result<T, StoreError> + Sync,
) -> Result<Vec<T>, StoreError> {
    let Some(mut pair) = ReadPair::open(ws)? else {
        return Ok(vec![read(ws.conn(), ranges)?]);
    };
    let (lo, top) = rowid_span(ws.conn())?;
    let (first, second) = halves_of_rows(ranges, lo, top);
    match pair.beside(|| read(ws.conn(), &first), |conn| read(conn, &second)) {
        Some((a, b)) => Ok(vec![a?, b?]),
        None => Ok(vec![read(ws.conn(), ranges)?]),
    }
    // `pair` ends both read transactions here.
}

/// A range of rowids (inclusive) and whether its lines' dates are to be checked.
pub(crate) type RowRange = ((i64, i64), bool);

/// `ranges` cut where about half of their rows (rowids `lo..=top`) are behind: the ranges
/// before the cut, and those after it.
fn halves_of_rows(ranges: &[RowRange], lo: i64, top: i64) -> (Vec<RowRange>, Vec<RowRange>) {
    let clipped = |&(a, b): &(i64, i64)| (a.max(lo), b.min(top));
    let rows = |(a, b): (i64, i64)| (b.saturating_sub(a).saturating_add(1)).max(0);
    let total: i64 = ranges.iter().map(|(r, _)| rows(clipped(r))).sum();
    let mut left = total / 2;
    let (mut first, mut second) = (Vec::new(), Vec::new());
    for &(r, check) in ranges {
        let (a, b) = clipped(&r);
        let n = rows((a, b));
        if left > 0 && n > left {
            first.push(((r.0, a + left - 1), check));
            second.push(((a + left, r.1), check));
            left = 0;
        } else if left > 0 {
            first.push((r, check));
            left -= n;
        } else {
            second.push((r, check));
        }
    }
    (first, second)
}

/// Each customer's, segment's and product's place in id order, so groups sort by id without
/// comparing strings.
struct IdOrder<'a> {
    customer: Vec<u32>,
    segment: Vec<u32>,
    product: Vec<u32>,
    /// Each customer's segment number.
    segment_of: &'a [u32],
}

impl<'a> IdOrder<'a> {
    fn new(
        customer_ids: &[String],
        segment_ids: &[String],
        product_ids: &[String],
        segment_of: &'a [u32],
    ) -> IdOrder<'a> {
        IdOrder {
            customer: ranks(customer_ids),
            segment: ranks(segment_ids),
            product: ranks(product_ids),
            segment_of,
        }
    }

    /// The (segment, product, customer) places of a group of `by` ([`Accumulator::group`]).
    fn key(&self, by: Grouping, (a, b): (u32, u32)) -> RankKey {
        let segment_of_customer = || self.segment[self.segment_of[a as usize] as usize];
        match by {
            Grouping::Total => (0, 0, 0),
            Grouping::Segment => (self.segment[a as usize], 0, 0),
            Grouping::Product => (0, self.product[b as usize], 0),
            Grouping::SegmentProduct => (self.segment[a as usize], self.product[b as usize], 0),
            Grouping::Customer => (segment_of_customer(), 0, self.customer[a as usize]),
            Grouping::CustomerProduct => (
                segment_of_customer(),
                self.product[b as usize],
                self.customer[a as usize],
            ),
        }
    }
}

/// Each id's position in id order, so groups sort by id without comparing strings.
fn ranks(ids: &[String]) -> Vec<u32> {
    let mut order: Vec<u32> = (0..ids.len() as u32).collect();
    order.sort_unstable_by(|&a, &b| ids[a as usize].cmp(&ids[b as usize]));
    let mut rank = vec![0; ids.len()];
    for (r, &i) in order.iter().enumerate() {
        rank[i as usize] = r as u32;
    }
    rank
}

/// Quantity and list, invoice and pocket revenue from a row of numbers: list less the
/// on-invoice elements, then less the off-invoice ones.
fn sums_of_prices(v: &[f64], elements: &[Element]) -> [f64; 4] {
    let total = |kind: ElementKind| -> f64 {
        elements
            .iter()
            .zip(&v[FIXED..])
            .filter(|(e, _)| e.kind == kind)
            .map(|(_, x)| x)
            .sum()
    };
    let (on, off) = (
        total(ElementKind::OnInvoice),
        total(ElementKind::OffInvoice),
    );
    [v[0], v[1], v[1] - on, v[1] - on - off]
}

/// [`Sums`] from a row of lines and numbers, invoice and pocket revenue derived.
fn sums_of(lines: i64, v: &[f64], elements: &[Element]) -> Sums {
    let [quantity, list, invoice, pocket] = sums_of_prices(v, elements);
    Sums {
        lines,
        quantity,
        list_revenue: list,
        invoice_revenue: invoice,
        pocket_revenue: pocket,
        cost: v[2],
        elements: v[FIXED..].to_vec(),
    }
}

fn bad_chunk(chunk: i64) -> StoreError {
    StoreError::BadValue {
        table: "agg_customer_month",
        column: "data",
        value: format!("chunk {chunk}"),
        fix: "run 'pricebench import' on the data again into a new workspace",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date(0))
    }

    fn m(year: i32, month: i32) -> i32 {
        year * 12 + month - 1
    }

    fn split(months: Option<(i32, i32)>, plus: &[(&str, &str)], minus: &[(&str, &str)]) -> Split {
        let days = |r: &[(&str, &str)]| r.iter().map(|(a, b)| (day(a), day(b))).collect();
        Split {
            months,
            plus: days(plus),
            minus: days(minus),
        }
    }

    #[test]
    fn a_range_is_months_of_sums_plus_or_minus_the_fewer_days() {
        // 3 Feb – 15 Jan: February's sums less its first two days; 15 days of January added
        // (its other 16 would be more to read).
        assert_eq!(
            Split::of(Some(day("2024-02-03")), Some(day("2025-01-15"))),
            split(
                Some((m(2024, 2), m(2024, 12))),
                &[("2025-01-01", "2025-01-15")],
                &[("2024-02-01", "2024-02-02")]
            )
        );
        // 20 Feb – 10 Jan: 10 days of February and 10 of January added (fewer than the 19
        // and 21 days outside the range).
        assert_eq!(
            Split::of(Some(day("2024-02-20")), Some(day("2025-01-10"))),
            split(
                Some((m(2024, 3), m(2024, 12))),
                &[("2024-02-20", "2024-02-29"), ("2025-01-01", "2025-01-10")],
                &[]
            )
        );
        assert_eq!(
            Split::of(Some(day("2024-03-01")), Some(day("2024-04-30"))),
            split(Some((m(2024, 3), m(2024, 4))), &[], &[])
        );
        // Inside one month: its few days, or the month less the days on both sides.
        assert_eq!(
            Split::of(Some(day("2024-03-05")), Some(day("2024-03-09"))),
            split(None, &[("2024-03-05", "2024-03-09")], &[])
        );
        assert_eq!(
            Split::of(Some(day("2024-03-02")), Some(day("2024-03-30"))),
            split(
                Some((m(2024, 3), m(2024, 3))),
                &[],
                &[("2024-03-01", "2024-03-01"), ("2024-03-31", "2024-03-31")]
            )
        );
        let open = Split::of(None, Some(day("2024-03-09")));
        assert_eq!(
            open,
            split(
                Some((OPEN_START, m(2024, 2))),
                &[("2024-03-01", "2024-03-09")],
                &[]
            )
        );
        assert_eq!(open.day_sign(day("2024-03-09")), 1);
        assert_eq!(open.day_sign(day("2024-03-10")), 0);
        let after = Split::of(Some(day("2024-12-31")), None);
        assert_eq!(
            after,
            split(
                Some((m(2025, 1), OPEN_END)),
                &[("2024-12-31", "2024-12-31")],
                &[]
            )
        );
        let late = Split::of(Some(day("2024-12-02")), None);
        assert_eq!(
            late,
            split(
                Some((m(2024, 12), OPEN_END)),
                &[],
                &[("2024-12-01", "2024-12-01")]
            )
        );
        assert_eq!(late.day_sign(day("2024-12-01")), -1);
        assert_eq!(
            Split::of(Some(day("2024-03-09")), Some(day("2024-03-01"))),
            split(None, &[], &[])
        );
    }

    /// The bundled sample in memory and the same data in a workspace file (read on two
    /// threads where a question splits in two sets of months).
    fn memory_and_file() -> Result<(Workspace, Workspace, tempfile::TempDir), StoreError> {
        let memory = crate::store::bundled_sample()?;
        let dir = tempfile::tempdir().map_err(|e| StoreError::Sample(e.to_string()))?;
        let path = dir.path().join("sample.db");
        memory
            .conn()
            .execute("VACUUM INTO ?1", [path.to_string_lossy()])?;
        let file = Workspace::open(&path)?;
        Ok((memory, file, dir))
    }

    fn range(a: &str, b: &str) -> Query {
        Query {
            from: Some(day(a)),
            to: Some(day(b)),
            ..Query::default()
        }
    }

    #[test]
    fn questions_split_in_two_sets_of_months_only_when_they_overlap_little()
    -> Result<(), StoreError> {
        let (memory, _file, _dir) = memory_and_file()?;
        let elements = crate::store::elements(&memory)?;
        let halves = |queries: &[Query]| -> Result<Option<[Vec<bool>; 2]>, StoreError> {
            Ok(Accumulator::new(&memory, &elements, queries)?.halves())
        };
        // Two years: one each.
        let years = [
            range("2024-01-01", "2024-12-31"),
            range("2025-01-01", "2025-12-31"),
        ];
        assert_eq!(
            halves(&years)?,
            Some([vec![true, false], vec![false, true]])
        );
        // Listed late first: still split by months.
        let swapped = [years[1].clone(), years[0].clone()];
        assert_eq!(
            halves(&swapped)?,
            Some([vec![false, true], vec![true, false]])
        );
        // Four windows: the two early ones, the two late ones.
        let windows = [
            range("2025-03-01", "2025-03-31"),
            range("2024-01-01", "2024-01-31"),
            range("2025-04-01", "2025-04-30"),
            range("2024-02-01", "2024-02-29"),
        ];
        assert_eq!(
            halves(&windows)?,
            Some([
                vec![false, true, false, true],
                vec![true, false, true, false]
            ])
        );
        // Most months shared, one question, or an open end: one thread.
        let shared = [
            range("2024-01-01", "2024-12-31"),
            range("2024-03-01", "2025-02-28"),
        ];
        assert_eq!(halves(&shared)?, None);
        assert_eq!(halves(&years[..1])?, None);
        let open = [
            years[0].clone(),
            Query {
                from: Some(day("2025-01-01")),
                ..Query::default()
            },
        ];
        assert_eq!(halves(&open)?, None);
        Ok(())
    }

    #[test]
    fn two_readers_give_the_one_readers_sums_to_the_last_bit() -> Result<(), StoreError> {
        let (memory, file, _dir) = memory_and_file()?;
        assert!(ReadPair::open(&memory)?.is_none(), "in memory: one reader");
        assert!(ReadPair::open(&file)?.is_some(), "a file: a second reader");
        let elements = crate::store::elements(&memory)?;
        for queries in [
            vec![
                range("2024-01-01", "2024-12-31"),
                range("2025-01-01", "2025-12-31"),
            ],
            // Cut months at both ends (lines read after the two threads).
            vec![
                range("2024-02-03", "2024-11-17"),
                range("2025-02-03", "2025-11-17"),
            ],
            vec![
                Query {
                    by: Grouping::SegmentProduct,
                    ..range("2024-03-15", "2024-06-30")
                },
                Query {
                    by: Grouping::Customer,
                    ..range("2025-06-30", "2025-12-31")
                },
            ],
        ] {
            let one = pair_sums(&memory, &elements, &queries)?;
            let two = pair_sums(&file, &elements, &queries)?;
            assert!(one.iter().all(|q| q.len() > 10), "{queries:?}");
            assert_eq!(one, two, "{queries:?}");
            // The days' lines in many small units, which the two threads share.
            let mut acc = Accumulator::new(&file, &elements, &queries)?;
            acc.unit_rows = 97;
            acc.read(&file)?;
            assert_eq!(acc.finish(), one, "{queries:?} in units of 97 rowids");
        }
        // Beside the two sets of months, a question of days alone (added by the first thread).
        let queries = [
            range("2024-02-03", "2024-11-17"),
            range("2025-02-03", "2025-11-17"),
            range("2024-06-03", "2024-06-12"),
        ];
        let mut acc = Accumulator::new(&file, &elements, &queries)?;
        assert!(acc.halves().is_some_and(|h| !h[0][2] && !h[1][2]));
        acc.unit_rows = 97;
        acc.read(&file)?;
        let one = pair_sums(&memory, &elements, &queries)?;
        assert!(one[2].iter().map(|g| g.sums.lines).sum::<i64>() > 100);
        assert_eq!(acc.finish(), one);
        // One set of months with days at its ends: the days' lines fetched beside the chunks.
        for query in [
            range("2024-02-03", "2025-01-15"),
            Query {
                by: Grouping::Customer,
                ..range("2024-10-01", "2024-11-18")
            },
            Query {
                by: Grouping::SegmentProduct,
                ..range("2025-03-15", "2025-12-31")
            },
        ] {
            let queries = [query];
            let one = pair_sums(&memory, &elements, &queries)?;
            let two = pair_sums(&file, &elements, &queries)?;
            assert!(one[0].len() > 10, "{queries:?}");
            assert_eq!(one, two, "{queries:?}");
            let one = cells(&memory, &elements, &queries[0])?;
            let two = cells(&file, &elements, &queries[0])?;
            assert!(one.len() > 10);
            assert_eq!(one, two, "{queries:?}");
        }
        Ok(())
    }

    #[test]
    fn the_units_of_the_days_are_the_rowid_ranges_cut_in_order() -> Result<(), StoreError> {
        let (_memory, file, _dir) = memory_and_file()?;
        let merged = [
            (day("2024-02-01"), day("2024-02-02")),
            (day("2024-08-01"), day("2024-08-15")),
            (day("2025-01-01"), day("2025-01-15")),
        ];
        let conn = file.conn();
        let top: i64 = conn.query_row("SELECT max(rowid) FROM transactions", [], |r| r.get(0))?;
        let units = day_units(conn, &merged, 100)?;
        let mut expected = Vec::new();
        for &days in &merged {
            let ranges = rowid_ranges(conn, days.0, days.1)?;
            let of_days: Vec<&DayUnit> = units.iter().filter(|u| u.days == days).collect();
            // Cut where 100 rowids end, the last unit to the range's end (past the top rowid).
            for (first, last) in ranges {
                let mut lo = first;
                while lo + 99 < last.min(top) {
                    expected.push(DayUnit {
                        days,
                        rows: (lo, lo + 99),
                    });
                    lo += 100;
                }
                expected.push(DayUnit {
                    days,
                    rows: (lo, last),
                });
            }
            assert!(of_days.len() > 10, "{days:?}: {}", of_days.len());
        }
        assert_eq!(units, expected);
        assert_eq!(units.last().map(|u| u.rows.1), Some(i64::MAX));
        // The default: two blocks per unit.
        let whole = day_units(conn, &[(day("2024-01-01"), day("2025-12-31"))], UNIT_ROWS)?;
        assert_eq!(
            whole.iter().map(|u| u.rows).collect::<Vec<_>>(),
            [(0, UNIT_ROWS - 1), (UNIT_ROWS, i64::MAX)]
        );
        // Without blocks (lines no import noted) the range is every rowid: units from the
        // first row to the last, the ends open.
        conn.execute("DELETE FROM line_blocks", [])?;
        let open = day_units(conn, &merged[..1], 1000)?;
        let rows: Vec<(i64, i64)> = open.iter().map(|u| u.rows).collect();
        assert_eq!(rows.len() as i64, top / 1000 + 1, "{rows:?}");
        assert_eq!(rows[0], (i64::MIN, 999));
        assert_eq!(rows.last(), Some(&((top / 1000) * 1000, i64::MAX)));
        assert!(rows.windows(2).all(|w| w[0].1 + 1 == w[1].0));
        Ok(())
    }

    #[test]
    fn rowid_ranges_split_at_half_their_rows() {
        let ranges = [
            ((0, 99), false),
            ((200, 299), true),
            ((300, i64::MAX), true),
        ];
        // 250 rows up to rowid 349: the cut after 125 of them, inside the second range.
        assert_eq!(
            halves_of_rows(&ranges, 0, 349),
            (
                vec![((0, 99), false), ((200, 224), true)],
                vec![((225, 299), true), ((300, i64::MAX), true)]
            )
        );
        // Unbounded: cut between the first and last rowid.
        assert_eq!(
            halves_of_rows(&[((i64::MIN, i64::MAX), false)], 1, 100),
            (vec![((i64::MIN, 50), false)], vec![((51, i64::MAX), false)])
        );
        // No rows: nothing before the cut.
        assert_eq!(halves_of_rows(&ranges, 0, -1), (vec![], ranges.to_vec()));
    }

    #[test]
    fn no_import_commits_while_the_second_reader_reads() -> Result<(), StoreError> {
        let (_memory, file, dir) = memory_and_file()?;
        let reading = ReadPair::open(&file)?;
        assert!(reading.is_some());
        let writer = rusqlite::Connection::open(dir.path().join("sample.db"))?;
        writer.busy_timeout(std::time::Duration::ZERO)?;
        writer.execute_batch(
            "BEGIN IMMEDIATE; INSERT INTO segments (segment_id, name) VALUES ('S-NEW', 'New');",
        )?;
        let blocked = writer.execute_batch("COMMIT");
        assert!(
            matches!(&blocked, Err(rusqlite::Error::SqliteFailure(e, _)) if e.code == rusqlite::ErrorCode::DatabaseBusy),
            "{blocked:?}"
        );
        drop(reading);
        writer.execute_batch("COMMIT")?;
        let n: i64 = file.conn().query_row(
            "SELECT COUNT(*) FROM segments WHERE segment_id = 'S-NEW'",
            [],
            |r| r.get(0),
        )?;
        assert_eq!(n, 1);
        Ok(())
    }
}
