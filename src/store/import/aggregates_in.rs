//! `import --aggregates`: a workspace of sums without transaction lines, for data that lives in
//! a warehouse. The SQL of `sql/aggregates*.sql` computes three tables of sums there; their CSV
//! exports come in here with the usual master files (segments, customers, products, and
//! optionally quotes and survey), checked as every import checks its files (file, line, column
//! and value of each bad field) and written in one transaction: everything or nothing.
//!
//! - `agg_week.csv` (segment × product × week) goes into `agg_week` as it is;
//! - `agg_customer_month.csv` (customer × product × month) goes into `agg_customer_month`'s
//!   chunks through the import's own chunk writer, and is added up into `agg_month` (by the
//!   customer's segment) and `agg_customer` (over all months);
//! - `agg_list_day.csv` (product × day × list price) goes into `agg_list_day` as it is, and
//!   gives `date_range`.
//!
//! Invoice and pocket revenue are list revenue less the on-invoice element sums, then less the
//! off-invoice ones (the lines' own arithmetic, up to the order of additions). The files must
//! agree with each other — the lines of each segment × product in the weekly and the
//! customer-month sums, of each product in the customer-month and the list-day sums — so that
//! exports from two runs of the SQL are refused rather than mixed.
//!
//! The workspace is marked by its `import_log` rows of kind [`KIND`]: commands that need
//! transaction lines check [`is_aggregates_only`] and say so instead of answering with zeros,
//! and a later import of transaction lines into it is refused.

use super::csvfile::{ColumnSpec, CsvFile, ElementColumn, Header, Row};
use super::fxhash::FxHashMap;
use super::problem::{Problem, Problems, quoted};
use super::tables::{customer_segment, known_product};
use super::transactions::{ensure_element, is_constraint};
use super::{Ctx, FileKind, ImportError, Progress, Source, take};
use crate::date::Date;
use crate::store::customer_months::{
    CHUNK_RECORDS, CustomerMonths, FIXED, MIN_CHUNK_RECORDS, month_of,
};
use crate::store::{Origin, Workspace};
use rusqlite::types::Value;
use rusqlite::{Connection, Statement, Transaction};
use std::collections::BTreeSet;
use std::io::Read;
use std::path::Path;
use std::time::Instant;

/// `import_log.kind` of a file of sums: what marks a workspace of aggregates.
pub const KIND: &str = "aggregates";

/// Whether the workspace was made by `import --aggregates` (it then holds no transaction lines).
pub fn is_aggregates_only(conn: &Connection) -> rusqlite::Result<bool> {
    conn.prepare_cached("SELECT EXISTS (SELECT 1 FROM import_log WHERE kind = ?1)")?
        .query_row([KIND], |r| r.get(0))
}

/// What a file of sums holds, recognised by its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SumKind {
    /// Per customer × product × month (read first: the others are checked against it).
    CustomerMonth,
    /// Per segment × product × week.
    Week,
    /// Per product × day × list price.
    ListDay,
}

const CUSTOMER_MONTH: ColumnSpec = ColumnSpec {
    required: &[
        "customer_id",
        "product_id",
        "month",
        "lines",
        "quantity",
        "list_revenue",
        "cost",
    ],
    optional: &[],
    elements: true,
};
const WEEK: ColumnSpec = ColumnSpec {
    required: &[
        "segment_id",
        "product_id",
        "week",
        "lines",
        "quantity",
        "list_revenue",
        "cost",
    ],
    optional: &[],
    elements: true,
};
const LIST_DAY: ColumnSpec = ColumnSpec {
    required: &["product_id", "date", "list_price", "quantity", "lines"],
    optional: &[],
    elements: false,
};

impl SumKind {
    pub const ALL: [SumKind; 3] = [SumKind::CustomerMonth, SumKind::Week, SumKind::ListDay];

    /// The file stem, and the workspace table the sums go to.
    pub fn name(self) -> &'static str {
        match self {
            SumKind::CustomerMonth => "agg_customer_month",
            SumKind::Week => "agg_week",
            SumKind::ListDay => "agg_list_day",
        }
    }

    /// Recognises `NAME.csv` or `NAME_anything.csv` (any case), as [`FileKind::from_file_name`].
    pub fn from_file_name(file_name: &str) -> Option<SumKind> {
        let lower = file_name.to_lowercase();
        let stem = lower.strip_suffix(".csv")?;
        SumKind::from_stem(stem)
    }

    /// Recognises a directory of part files (what Spark writes): `NAME` or `NAME.csv`.
    pub fn from_dir_name(dir_name: &str) -> Option<SumKind> {
        let lower = dir_name.to_lowercase();
        let stem = lower.strip_suffix(".csv").unwrap_or(&lower);
        SumKind::ALL.into_iter().find(|k| stem == k.name())
    }

    fn from_stem(stem: &str) -> Option<SumKind> {
        SumKind::ALL.into_iter().find(|k| {
            stem == k.name()
                || stem
                    .strip_prefix(k.name())
                    .is_some_and(|rest| rest.starts_with(['_', '-', '.']))
        })
    }

    fn spec(self) -> &'static ColumnSpec {
        match self {
            SumKind::CustomerMonth => &CUSTOMER_MONTH,
            SumKind::Week => &WEEK,
            SumKind::ListDay => &LIST_DAY,
        }
    }
}

/// One file of sums: a name for messages, its kind, its size and a reader.
pub struct SumSource {
    pub name: String,
    pub kind: SumKind,
    pub size: u64,
    pub reader: Box<dyn Read + Send>,
}

impl SumSource {
    /// Opens a file of sums of the given kind.
    pub fn open(path: &Path, kind: SumKind) -> Result<SumSource, Problem> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| Problem {
            file: name.clone(),
            line: 0,
            column: None,
            message: format!("cannot open the file: {e}"),
        })?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(SumSource {
            name,
            kind,
            size,
            reader: Box::new(file),
        })
    }

    /// An in-memory file of sums (tests).
    pub fn from_bytes(name: &str, kind: SumKind, bytes: Vec<u8>) -> SumSource {
        SumSource {
            name: name.to_string(),
            kind,
            size: bytes.len() as u64,
            reader: Box::new(std::io::Cursor::new(bytes)),
        }
    }
}

/// What one file of an aggregates import went into.
#[derive(Debug, Clone)]
pub struct Loaded {
    pub file: String,
    /// The table (`segments`, ..., `agg_week`, `agg_customer_month`, `agg_list_day`).
    pub table: &'static str,
    pub rows: u64,
    pub bytes: u64,
    pub seconds: f64,
}

/// Options of one aggregates import.
#[derive(Default)]
pub struct AggregateOptions<'a> {
    /// Replace the workspace's sums (all of them) and overwrite master rows whose id exists.
    pub replace: bool,
    /// Check everything, write nothing.
    pub dry_run: bool,
    /// Called every few tens of thousands of rows.
    pub progress: Option<&'a mut dyn FnMut(&Progress)>,
    /// `--currency`: the reporting currency of a workspace that has none yet (refused when it
    /// differs from the workspace's), as for an import of lines.
    pub currency: Option<&'a str>,
}

/// The sum tables an import of aggregates fills (and `--replace` empties first).
const SUM_TABLES: [&str; 7] = [
    "agg_week",
    "agg_month",
    "agg_customer",
    "agg_customer_month",
    "agg_list_day",
    "date_range",
    "line_blocks",
];

/// Imports the master files and the files of sums into the workspace in one transaction.
pub fn import_aggregates(
    ws: &mut Workspace,
    mut masters: Vec<Source>,
    mut sums: Vec<SumSource>,
    mut opts: AggregateOptions,
) -> Result<Vec<Loaded>, ImportError> {
    masters.sort_by_key(|s| s.kind);
    sums.sort_by_key(|s| s.kind);
    ws.check_writable()?;
    ws.conn.pragma_update(None, "cache_size", -16_384)?;
    let shown = match ws.origin() {
        Origin::File(path) => path.display().to_string(),
        Origin::Sample => "sample".to_string(),
    };
    // Declared before the transaction, so dropped after it (see `writeback`): the commit then
    // finds the chunks' hundreds of megabytes on the disk already.
    let mut writeback = super::writeback::Writeback::start(ws.conn.path());
    let tx = ws
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let early = before_reading(&tx, &shown, &masters, &sums, opts.replace)?;
    if !early.is_empty() {
        return Err(ImportError::Problems(early));
    }
    let cat = super::catalog::Catalog::load(&tx)?;
    let money = super::money::Money::load(&tx, opts.currency).map_err(|p| {
        let mut problems = Problems::default();
        problems.push(p);
        ImportError::Problems(problems)
    })?;
    let mut ctx = Ctx {
        money,
        tx: &tx,
        aggregates: super::aggregate::Aggregates::new(cat.elements.len()),
        blocks: Default::default(),
        cat,
        replace: opts.replace,
        segment_moved: false,
        bulk: None,
    };
    let fresh_quotes = masters.iter().any(|s| s.kind == FileKind::Quotes)
        && !ctx.cat.had_rows.get("quotes").copied().unwrap_or(true);
    if fresh_quotes {
        tx.execute("DROP INDEX quotes_cell", [])?;
    }
    let mut problems = Problems::default();
    let mut reports = Vec::with_capacity(masters.len());
    for source in masters {
        reports.push(super::import_file(
            &mut ctx,
            source,
            &mut problems,
            &mut opts.progress,
        )?);
    }
    if fresh_quotes {
        tx.execute(crate::store::schema::QUOTES_CELL_INDEX, [])?;
    }
    if ctx.segment_moved {
        super::sync_segments(&tx)?;
    }
    for table in SUM_TABLES {
        tx.execute(&format!("DELETE FROM {table}"), [])?;
    }
    let mut loaded: Vec<Loaded> = reports
        .iter()
        .map(|r| Loaded {
            file: r.file.clone(),
            table: r.kind.name(),
            rows: r.rows,
            bytes: r.bytes,
            seconds: r.seconds,
        })
        .collect();
    let sums_loaded = read_sums(&mut ctx, sums, &mut problems, &mut opts.progress)?;
    if !problems.is_empty() {
        return Err(ImportError::Problems(problems));
    }
    if opts.dry_run {
        loaded.extend(sums_loaded);
        return Ok(loaded);
    }
    ctx.money.persist(&tx)?;
    super::log_files(&tx, &reports, opts.replace)?;
    log_sums(&tx, &sums_loaded, opts.replace)?;
    loaded.extend(sums_loaded);
    drop(ctx);
    if let Some(w) = writeback.as_mut() {
        w.stop();
    }
    tx.commit()?;
    drop(writeback);
    Ok(loaded)
}

/// What is wrong before any row is read: a workspace of lines, sums there already without
/// `--replace`, a file of sums missing, transaction lines among the files.
fn before_reading(
    tx: &Transaction,
    shown: &str,
    masters: &[Source],
    sums: &[SumSource],
    replace: bool,
) -> rusqlite::Result<Problems> {
    let mut problems = Problems::default();
    let whole = |file: &str, message: String| Problem {
        file: file.to_string(),
        line: 0,
        column: None,
        message,
    };
    let any = |table: &str| -> rusqlite::Result<bool> {
        tx.query_row(&format!("SELECT EXISTS (SELECT 1 FROM {table})"), [], |r| {
            r.get(0)
        })
    };
    if any("transactions")? {
        problems.push(whole(
            shown,
            "holds transaction lines: aggregates go into a workspace of their own (another --db), never beside lines".into(),
        ));
    } else if !replace && (any("agg_month")? || any("agg_customer_month")?) {
        problems.push(whole(
            shown,
            "holds sums already (from an earlier import --aggregates): pass --replace to replace them all with these files".into(),
        ));
    }
    for s in masters.iter().filter(|s| s.kind == FileKind::Transactions) {
        problems.push(whole(
            &s.name,
            "holds transaction lines, which a workspace of aggregates does not keep: leave it out (agg_week.csv, agg_customer_month.csv and agg_list_day.csv hold their sums)".into(),
        ));
    }
    for kind in SumKind::ALL {
        if !sums.iter().any(|s| s.kind == kind) {
            problems.push(whole(
                &format!("{}.csv", kind.name()),
                "is missing: import --aggregates needs agg_week.csv, agg_customer_month.csv and agg_list_day.csv, the three results of sql/aggregates.sql".into(),
            ));
        }
    }
    Ok(problems)
}

/// Per key, the lines and numbers added up from the rows read: [`FIXED`] (quantity, list
/// revenue, cost) then one per workspace element.
struct Sums<K> {
    index: FxHashMap<K, usize>,
    /// For customer × product keys: each pair's row + 1 (0: none yet), see [`Sums::pairs`].
    dense: Vec<u32>,
    columns: usize,
    keys: Vec<K>,
    lines: Vec<i64>,
    values: Vec<f64>,
    width: usize,
}

impl<K: std::hash::Hash + Eq + Copy> Sums<K> {
    fn new(width: usize) -> Self {
        Sums {
            index: FxHashMap::default(),
            dense: Vec::new(),
            columns: 0,
            keys: Vec::new(),
            lines: Vec::new(),
            values: Vec::new(),
            width,
        }
    }

    fn add(&mut self, key: K, lines: i64, numbers: &[f64]) {
        let next = self.keys.len();
        let at = *self.index.entry(key).or_insert(next);
        self.add_at(at, key, lines, numbers);
    }

    fn add_at(&mut self, at: usize, key: K, lines: i64, numbers: &[f64]) {
        if at == self.keys.len() {
            self.keys.push(key);
            self.lines.push(0);
            self.values.resize(self.values.len() + self.width, 0.0);
        }
        self.lines[at] += lines;
        let row = &mut self.values[at * self.width..(at + 1) * self.width];
        for (v, x) in row.iter_mut().zip(numbers) {
            *v += x;
        }
    }

    /// Every key with its lines and numbers.
    fn rows(&self) -> impl Iterator<Item = (&K, i64, &[f64])> {
        (0..self.keys.len()).map(|at| {
            let (lines, numbers) = self.row(at);
            (&self.keys[at], lines, numbers)
        })
    }

    /// Row `at`'s lines and numbers.
    fn row(&self, at: usize) -> (i64, &[f64]) {
        (
            self.lines[at],
            &self.values[at * self.width..(at + 1) * self.width],
        )
    }
}

/// Slots a dense index of customer × product pairs may take (4 bytes each).
const MAX_DENSE: usize = 16 << 20;

impl Sums<(u32, u32)> {
    /// Sums per customer × product, found through a dense array (`customers` × `products`
    /// slots) when that is small enough: an index instead of a hash probe per row.
    fn pairs(width: usize, customers: usize, products: usize) -> Self {
        let mut sums = Sums::new(width);
        if let Some(n) = customers.checked_mul(products).filter(|&n| n <= MAX_DENSE) {
            sums.dense = vec![0; n];
            sums.columns = products;
        }
        sums
    }

    fn add_pair(&mut self, key: (u32, u32), lines: i64, numbers: &[f64]) {
        let slot = (key.0 as usize)
            .checked_mul(self.columns)
            .map(|i| i + key.1 as usize)
            .filter(|_| (key.1 as usize) < self.columns);
        match slot.and_then(|i| self.dense.get_mut(i)) {
            Some(s) => {
                if *s == 0 {
                    *s = self.keys.len() as u32 + 1;
                }
                let at = *s as usize - 1;
                self.add_at(at, key, lines, numbers);
            }
            None => self.add(key, lines, numbers),
        }
    }
}

/// One file of sums, its header read.
struct Opened {
    name: String,
    kind: SumKind,
    size: u64,
    csv: CsvFile<Box<dyn Read + Send>>,
    header: Header,
}

/// The lines and quantity of each key, as two files give them, for the checks between files.
type Totals<K> = FxHashMap<K, (i64, f64)>;

/// What the files of sums add up to, for the checks between them and the derived tables.
struct Tally {
    /// Per customer × product: `agg_customer`.
    customers: Sums<(u32, u32)>,
    /// Per segment × product × month (first day): `agg_month`.
    months: Sums<(u32, u32, i32)>,
    /// Per segment × product: from the weeks (the customer-months' are in `months`).
    cells_week: Totals<(u32, u32)>,
    /// Per product: from the list days (the customer-months' are in `months`).
    products_day: Totals<u32>,
    /// First and last day of the list-day sums: `date_range`.
    dates: Option<(Date, Date)>,
    /// The customer of the last customer-month row and its (index, segment): rows sorted by
    /// month and customer repeat it.
    last_customer: Option<(Box<str>, (u32, u32))>,
    /// The last key of each file read straight into its table, to tell rows in key order.
    last_week: Option<(u32, u32, i32)>,
    last_day: Option<(u32, i32, f64)>,
}

/// Reads every file of sums: headers and elements first, then the customer-months, the weeks
/// and the list days; checks them against each other and writes the derived tables.
/// A sum file's `currency` column, refused with why: a sum adds days whose rates differ, so
/// no one rate converts it (the other problems as they are).
fn currency_refused(mut p: Problem) -> Problem {
    if p.line == 1
        && p.column
            .as_deref()
            .is_some_and(|c| c.eq_ignore_ascii_case("currency"))
    {
        p.message = "sums are read as in the reporting currency and never converted (a sum adds days whose exchange rates differ): convert the lines before the warehouse sums them, drop the column, and name the currency with --currency".to_string();
    }
    p
}

fn read_sums(
    ctx: &mut Ctx,
    sums: Vec<SumSource>,
    problems: &mut Problems,
    progress: &mut Option<&mut dyn FnMut(&Progress)>,
) -> rusqlite::Result<Vec<Loaded>> {
    let mut opened = Vec::with_capacity(sums.len());
    let mut headers_ok = true;
    for s in sums {
        let mut csv = CsvFile::new(&s.name, s.reader);
        match csv.header(s.kind.spec()) {
            Ok(header) => opened.push(Opened {
                name: s.name,
                kind: s.kind,
                size: s.size,
                csv,
                header,
            }),
            Err(list) => {
                headers_ok = false;
                list.into_iter()
                    .map(currency_refused)
                    .for_each(|p| problems.push(p));
            }
        }
    }
    // Rows are read when every header is right (a master file's problems do not stop them).
    if !headers_ok {
        return Ok(Vec::new());
    }
    if let Some(list) = element_problems(&opened) {
        list.into_iter().for_each(|p| problems.push(p));
        return Ok(Vec::new());
    }
    // The elements in the first file's column order; new ones become the workspace's.
    if let Some(first) = opened.iter().find(|o| o.kind.spec().elements) {
        for el in first.header.elements.clone() {
            ensure_element(ctx, &el)?;
        }
    }
    let width = FIXED + ctx.cat.elements.len();
    let mut tally = Tally {
        customers: Sums::pairs(width, ctx.cat.customer_ids.len(), ctx.cat.products.len()),
        months: Sums::new(width),
        cells_week: FxHashMap::default(),
        products_day: FxHashMap::default(),
        last_customer: None,
        last_week: None,
        last_day: None,
        dates: None,
    };
    let mut loaded = Vec::with_capacity(opened.len());
    let mut chunks = Chunker::new(ctx.cat.elements.len());
    let mut week_insert = Appender::new(
        ctx.tx,
        "agg_week",
        "segment_id, product_id, period",
        &sum_columns(&ctx.cat.element_names()),
    )?;
    let mut day_insert = Appender::new(
        ctx.tx,
        "agg_list_day",
        "product_id, date",
        &["list_price".to_string(), "quantity".into(), "lines".into()],
    )?;
    for o in opened {
        let started = Instant::now();
        let Opened {
            name,
            kind,
            size,
            mut csv,
            header,
        } = o;
        let slots: Vec<usize> = header.elements.iter().map(|el| slot_of(ctx, el)).collect();
        let mut rows = 0u64;
        let mut numbers = vec![0.0; width];
        loop {
            let row = match csv.next_row() {
                Ok(Some(row)) => row,
                Ok(None) => break,
                Err(p) => {
                    problems.push(p);
                    break;
                }
            };
            rows += 1;
            if row.len() != header.names.len() {
                problems.push(row.line_problem(format!(
                    "expected {} fields (as in the header), found {}",
                    header.names.len(),
                    row.len()
                )));
                continue;
            }
            let result = match kind {
                SumKind::CustomerMonth => customer_month(
                    ctx,
                    &header,
                    &row,
                    &slots,
                    &mut numbers,
                    &mut tally,
                    &mut chunks,
                ),
                SumKind::Week => week(
                    ctx,
                    &header,
                    &row,
                    &slots,
                    &mut numbers,
                    &mut tally,
                    &mut week_insert,
                ),
                SumKind::ListDay => list_day(ctx, &header, &row, &mut tally, &mut day_insert),
            };
            match result {
                Ok(list) => list.into_iter().for_each(|p| problems.push(p)),
                Err(e) => return Err(e),
            }
            if rows.is_multiple_of(65_536)
                && let Some(f) = progress.as_mut()
            {
                f(&Progress {
                    file: name.clone(),
                    rows,
                    bytes: csv.bytes_read(),
                    elapsed: started.elapsed(),
                });
            }
            // After a problem nothing is kept: the chunk is dropped unwritten.
            if let Some(chunk) = chunks.full(ctx)
                && problems.is_empty()
            {
                chunk.write(ctx.tx)?;
            }
        }
        if rows == 0 {
            problems.push(Problem {
                file: name.clone(),
                line: 0,
                column: None,
                message: "has a header but no data rows".into(),
            });
        }
        loaded.push(Loaded {
            file: name,
            table: kind.name(),
            rows,
            bytes: size,
            seconds: started.elapsed().as_secs_f64(),
        });
    }
    week_insert.finish()?;
    day_insert.finish()?;
    drop(week_insert);
    drop(day_insert);
    if !problems.is_empty() {
        return Ok(loaded);
    }
    let files = FileNames::of(&loaded);
    for p in cross_checks(ctx, &tally, &files) {
        problems.push(p);
    }
    if !problems.is_empty() {
        return Ok(loaded);
    }
    chunks.take(ctx).write(ctx.tx)?;
    write_months(ctx, &tally.months)?;
    write_customers(ctx, &tally.customers)?;
    if let Some((first, last)) = tally.dates {
        ctx.tx.execute(
            "INSERT INTO date_range (id, first_date, last_date) VALUES (1, ?1, ?2)",
            (first.to_string(), last.to_string()),
        )?;
    }
    Ok(loaded)
}

/// The workspace slot of an element the files carry (added by [`ensure_element`] before).
fn slot_of(ctx: &Ctx, el: &ElementColumn) -> usize {
    ctx.cat
        .elements
        .iter()
        .position(|(n, _)| *n == el.name)
        .unwrap_or(usize::MAX)
}

/// Problems when the files with elements do not all carry the same ones.
fn element_problems(opened: &[Opened]) -> Option<Vec<Problem>> {
    let with = || opened.iter().filter(|o| o.kind.spec().elements);
    let first = with().next()?;
    let names = |o: &Opened| -> BTreeSet<String> {
        o.header.elements.iter().map(|e| e.name.clone()).collect()
    };
    let expected = names(first);
    let mut out = Vec::new();
    for o in with().skip(1) {
        let got = names(o);
        if got == expected {
            continue;
        }
        let list = |set: Vec<&String>| {
            set.iter()
                .map(|s| s.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let missing = list(expected.difference(&got).collect());
        let extra = list(got.difference(&expected).collect());
        let what = match (missing.is_empty(), extra.is_empty()) {
            (false, false) => format!("lacks {missing} and has {extra}"),
            (false, true) => format!("lacks {missing}"),
            _ => format!("has {extra}"),
        };
        out.push(Problem {
            file: o.name.clone(),
            line: 1,
            column: None,
            message: format!(
                "its element columns are not those of {}: it {what}; every file of sums comes from one run of the SQL, with one list of elements",
                first.name
            ),
        });
    }
    (!out.is_empty()).then_some(out)
}

/// A number of lines: a whole number from 1 on.
fn lines_field(row: &Row, h: &Header, i: usize) -> Result<i64, Problem> {
    let v = row.number(h, i)?;
    if v.fract() != 0.0 || !(1.0..=i32::MAX as f64).contains(&v) {
        let text = row.text(h, i).unwrap_or_default();
        return Err(row.problem(
            h,
            i,
            format!(
                "{} is not a number of lines (a whole number from 1 to {}: a row of sums holds at least one line)",
                quoted(text),
                i32::MAX
            ),
        ));
    }
    Ok(v as i64)
}

/// A date that must be the first of its month.
fn month_field(row: &Row, h: &Header, i: usize) -> Result<Date, Problem> {
    let d = row.date(h, i)?;
    if d.month_start() != d {
        let text = row.text(h, i).unwrap_or_default();
        return Err(row.problem(
            h,
            i,
            format!(
                "{} is not the first day of a month (month is written YYYY-MM-01)",
                quoted(text)
            ),
        ));
    }
    Ok(d)
}

/// A date that must be a Monday.
fn week_field(row: &Row, h: &Header, i: usize) -> Result<Date, Problem> {
    let d = row.date(h, i)?;
    if d.week_start() != d {
        let text = row.text(h, i).unwrap_or_default();
        return Err(row.problem(
            h,
            i,
            format!(
                "{} is not a Monday (week is the Monday its week starts on, {}: the SQL's engine starts weeks on another day?)",
                quoted(text),
                d.week_start()
            ),
        ));
    }
    Ok(d)
}

/// Reads quantity, list revenue, cost and the elements into `numbers` (slot order).
fn read_numbers(
    row: &Row,
    h: &Header,
    first: usize,
    slots: &[usize],
    numbers: &mut [f64],
    bad: &mut Vec<Problem>,
) {
    numbers.iter_mut().for_each(|v| *v = 0.0);
    for (k, v) in numbers.iter_mut().enumerate().take(FIXED) {
        if let Some(x) = take(row.number(h, h.at(first + k)), bad) {
            *v = x;
        }
    }
    for (el, &slot) in h.elements.iter().zip(slots) {
        if let Some(v) = take(row.amount(h, el.index), bad) {
            numbers[FIXED + slot] = v;
        }
    }
}

/// One row of `agg_customer_month.csv`.
fn customer_month(
    ctx: &Ctx,
    h: &Header,
    row: &Row,
    slots: &[usize],
    numbers: &mut [f64],
    tally: &mut Tally,
    chunks: &mut Chunker,
) -> rusqlite::Result<Vec<Problem>> {
    let mut bad = Vec::new();
    let customer = take(row.id(h, h.at(0)), &mut bad);
    let product = take(row.id(h, h.at(1)), &mut bad);
    let month = take(month_field(row, h, h.at(2)), &mut bad);
    let lines = take(lines_field(row, h, h.at(3)), &mut bad);
    read_numbers(row, h, 4, slots, numbers, &mut bad);
    let customer_ref = customer.and_then(|c| match &tally.last_customer {
        Some((id, found)) if **id == *c => Some(*found),
        _ => {
            let found = customer_segment(&ctx.cat, h, row, h.at(0), c, &mut bad)?;
            tally.last_customer = Some((c.into(), found));
            Some(found)
        }
    });
    let product_ref = product.and_then(|p| known_product(&ctx.cat, h, row, h.at(1), p, &mut bad));
    let (Some((c, segment)), Some((p, _)), Some(month), Some(lines), true) =
        (customer_ref, product_ref, month, lines, bad.is_empty())
    else {
        return Ok(bad);
    };
    if !chunks.add((c, p, month_of(month)), lines as i32, numbers, ctx)? {
        return Ok(vec![row.line_problem(format!(
            "customer {}, product {}, month {} appear on an earlier line too: one row per customer, product and month (was a file exported twice?)",
            quoted(customer.unwrap_or_default()),
            quoted(product.unwrap_or_default()),
            month
        ))]);
    }
    tally.customers.add_pair((c, p), lines, numbers);
    tally.months.add((segment, p, month.0), lines, numbers);
    Ok(Vec::new())
}

fn add_total<K: std::hash::Hash + Eq>(totals: &mut Totals<K>, key: K, lines: i64, quantity: f64) {
    let t = totals.entry(key).or_insert((0, 0.0));
    t.0 += lines;
    t.1 += quantity;
}

/// One row of `agg_week.csv`.
fn week(
    ctx: &Ctx,
    h: &Header,
    row: &Row,
    slots: &[usize],
    numbers: &mut [f64],
    tally: &mut Tally,
    insert: &mut Appender,
) -> rusqlite::Result<Vec<Problem>> {
    let mut bad = Vec::new();
    let segment = match row.text(h, h.at(0)) {
        Ok("") => {
            bad.push(row.problem(
                h,
                h.at(0),
                "is empty: these are lines of customers that are not in the customers table (the SQL found no segment for them); add them there and run the SQL again".into(),
            ));
            None
        }
        other => take(other.and_then(|_| row.id(h, h.at(0))), &mut bad),
    };
    let product = take(row.id(h, h.at(1)), &mut bad);
    let week = take(week_field(row, h, h.at(2)), &mut bad);
    let lines = take(lines_field(row, h, h.at(3)), &mut bad);
    read_numbers(row, h, 4, slots, numbers, &mut bad);
    let segment_ref = segment.and_then(|s| {
        let found = ctx.cat.segment_index.get(s).copied();
        if found.is_none() {
            bad.push(row.problem(
                h,
                h.at(0),
                format!(
                    "{} is not a known segment (not in segments.csv nor in the workspace)",
                    quoted(s)
                ),
            ));
        }
        found
    });
    let product_ref = product.and_then(|p| known_product(&ctx.cat, h, row, h.at(1), p, &mut bad));
    let (Some(s), Some((p, _)), Some(week), Some(lines), true) =
        (segment_ref, product_ref, week, lines, bad.is_empty())
    else {
        return Ok(bad);
    };
    let cat = &ctx.cat;
    let key = (s, p, week.0);
    let order =
        |(s, p, d): (u32, u32, i32)| (&cat.segments[s as usize], &cat.products[p as usize], d);
    let in_order = tally.last_week.is_none_or(|last| order(key) > order(last));
    tally.last_week = Some(key);
    let mut values = vec![
        Value::Text(cat.segments[s as usize].clone()),
        Value::Text(cat.products[p as usize].clone()),
        Value::Text(week.to_string()),
    ];
    values.extend(sum_values(ctx, lines, numbers));
    match insert.add(values, in_order) {
        Ok(_) => {}
        Err(e) if is_constraint(&e) => {
            return Ok(vec![row.line_problem(format!(
                "segment {}, product {}, week {} appear on an earlier line too: one row per segment, product and week (was a file exported twice?)",
                quoted(segment.unwrap_or_default()),
                quoted(product.unwrap_or_default()),
                week
            ))]);
        }
        Err(e) => return Err(e),
    }
    add_total(&mut tally.cells_week, (s, p), lines, numbers[0]);
    Ok(Vec::new())
}

/// Invoice and pocket revenue of a row of numbers: list revenue less the on-invoice element
/// sums, then less the off-invoice ones.
fn derived(ctx: &Ctx, numbers: &[f64]) -> (f64, f64) {
    let (mut on, mut off) = (0.0, 0.0);
    for ((_, on_invoice), v) in ctx.cat.elements.iter().zip(&numbers[FIXED..]) {
        match on_invoice {
            true => on += v,
            false => off += v,
        }
    }
    let invoice = numbers[1] - on;
    (invoice, invoice - off)
}

/// One row of `agg_list_day.csv`.
fn list_day(
    ctx: &Ctx,
    h: &Header,
    row: &Row,
    tally: &mut Tally,
    insert: &mut Appender,
) -> rusqlite::Result<Vec<Problem>> {
    let mut bad = Vec::new();
    let product = take(row.id(h, h.at(0)), &mut bad);
    let date = take(row.date(h, h.at(1)), &mut bad);
    let list_price = take(row.price(h, h.at(2)), &mut bad);
    let quantity = take(row.number(h, h.at(3)), &mut bad).and_then(|q| {
        if q < 0.0 {
            let text = row.text(h, h.at(3)).unwrap_or_default();
            bad.push(row.problem(
                h,
                h.at(3),
                format!(
                    "{} is negative (the sum of |quantity| is 0 or more)",
                    quoted(text)
                ),
            ));
            return None;
        }
        Some(q)
    });
    let lines = take(lines_field(row, h, h.at(4)), &mut bad);
    let product_ref = product.and_then(|p| known_product(&ctx.cat, h, row, h.at(0), p, &mut bad));
    let (Some((p, _)), Some(date), Some(list_price), Some(quantity), Some(lines), true) = (
        product_ref,
        date,
        list_price,
        quantity,
        lines,
        bad.is_empty(),
    ) else {
        return Ok(bad);
    };
    // + 0.0: −0.0 and 0.0 are one list price, as in the import of lines.
    let list_price = list_price + 0.0;
    let day = date.to_string();
    let products = &ctx.cat.products;
    let key = (p, date.0, list_price);
    let in_order = tally.last_day.is_none_or(|(q, d, l)| {
        (&products[p as usize], date.0)
            .cmp(&(&products[q as usize], d))
            .then(list_price.total_cmp(&l))
            .is_gt()
    });
    tally.last_day = Some(key);
    let values = vec![
        Value::Text(products[p as usize].clone()),
        Value::Text(day.clone()),
        Value::Real(list_price),
        Value::Real(quantity),
        Value::Integer(lines),
    ];
    match insert.add(values, in_order) {
        Ok(_) => {}
        Err(e) if is_constraint(&e) => {
            return Ok(vec![row.line_problem(format!(
                "product {}, date {day}, list price {} appear on an earlier line too: one row per product, day and list price (was a file exported twice?)",
                quoted(product.unwrap_or_default()),
                list_price
            ))]);
        }
        Err(e) => return Err(e),
    }
    add_total(&mut tally.products_day, p, lines, quantity);
    tally.dates = Some(match tally.dates {
        Some((a, b)) => (a.min(date), b.max(date)),
        None => (date, date),
    });
    Ok(Vec::new())
}

/// The customer-month sums on their way into chunks: a chunk whenever there are
/// [`CHUNK_RECORDS`] of them, or [`MIN_CHUNK_RECORDS`] at a change of month (rows sorted by
/// month make chunks of few months, which ranges of dates skip).
///
/// While the rows come in the SQL's order (month, customer id, product id), each key is past
/// every key before it, so none can repeat one: no lookup. At the first row out of that order
/// every later one is looked up among its chunk's (a row repeated in another chunk then shows
/// in the checks between files).
struct Chunker {
    records: CustomerMonths,
    /// The last row's key (customer, product, month).
    last: Option<(u32, u32, i32)>,
    sorted: bool,
}

impl Chunker {
    fn new(elements: usize) -> Chunker {
        Chunker {
            records: CustomerMonths::with_capacity(CHUNK_RECORDS + 1, elements),
            last: None,
            sorted: true,
        }
    }

    /// Adds a record; false when this chunk holds its key already.
    fn add(
        &mut self,
        key: (u32, u32, i32),
        lines: i32,
        numbers: &[f64],
        ctx: &Ctx,
    ) -> rusqlite::Result<bool> {
        let cat = &ctx.cat;
        let order = |(c, p, m): (u32, u32, i32)| {
            (
                m,
                cat.customer_ids[c as usize].0.as_str(),
                cat.products[p as usize].as_str(),
            )
        };
        if let Some(last) = self.last {
            if last.2 != key.2 && self.records.len() >= MIN_CHUNK_RECORDS {
                self.take(ctx).write(ctx.tx)?;
            }
            self.sorted &= order(key) > order(last);
        }
        self.last = Some(key);
        if self.sorted {
            self.records.push_sums(key, lines, numbers);
            return Ok(true);
        }
        Ok(self.records.insert_sums(key, lines, numbers))
    }

    /// The chunk to write when it is full.
    fn full(&mut self, ctx: &Ctx) -> Option<crate::store::customer_months::Chunk> {
        (self.records.len() >= CHUNK_RECORDS).then(|| self.take(ctx))
    }

    fn take(&mut self, ctx: &Ctx) -> crate::store::customer_months::Chunk {
        let cat = &ctx.cat;
        self.records.take_chunk(
            |c| cat.customer_ids[c as usize].0.as_str(),
            |p| cat.products[p as usize].as_str(),
            &cat.element_names(),
        )
    }
}

/// The names of the files read, by kind, for the messages of the checks.
struct FileNames {
    week: String,
    customer_month: String,
    list_day: String,
}

impl FileNames {
    fn of(loaded: &[Loaded]) -> FileNames {
        let name = |kind: SumKind| {
            let files: Vec<&str> = loaded
                .iter()
                .filter(|l| l.table == kind.name())
                .map(|l| l.file.as_str())
                .collect();
            match files.as_slice() {
                [one] => one.to_string(),
                _ => format!("{}.csv", kind.name()),
            }
        };
        FileNames {
            week: name(SumKind::Week),
            customer_month: name(SumKind::CustomerMonth),
            list_day: name(SumKind::ListDay),
        }
    }
}

/// Whether two sums of quantity are the same up to the rounding of their additions.
fn same_quantity(a: f64, b: f64) -> bool {
    (a - b).abs() <= 1e-9 * a.abs().max(b.abs()).max(1.0)
}

/// The checks between files: each segment × product has the same lines and quantity in the
/// weekly and the customer-month sums, each product in the customer-month and the list-day
/// sums (quantity there is Σ |quantity|, so only the lines).
fn cross_checks(ctx: &Ctx, tally: &Tally, files: &FileNames) -> Vec<Problem> {
    let cat = &ctx.cat;
    let mut out = Vec::new();
    let whole = |file: &str, message: String| Problem {
        file: file.to_string(),
        line: 0,
        column: None,
        message,
    };
    const WHY: &str = "the files are not from one run of the SQL over the same tables (customers.csv included), or rows are missing or repeated";
    // The customer-months' lines and quantity per segment × product and per product.
    let mut cells_cm: Totals<(u32, u32)> = FxHashMap::default();
    let mut products_cm: Totals<u32> = FxHashMap::default();
    for (&(s, p, _), lines, numbers) in tally.months.rows() {
        add_total(&mut cells_cm, (s, p), lines, numbers[0]);
        add_total(&mut products_cm, p, lines, numbers[0]);
    }
    let mut cells: Vec<(u32, u32)> = cells_cm
        .keys()
        .chain(tally.cells_week.keys())
        .copied()
        .collect();
    cells.sort_unstable_by(|a, b| {
        (&cat.segments[a.0 as usize], &cat.products[a.1 as usize])
            .cmp(&(&cat.segments[b.0 as usize], &cat.products[b.1 as usize]))
    });
    cells.dedup();
    for (s, p) in cells {
        let week = tally.cells_week.get(&(s, p)).copied().unwrap_or((0, 0.0));
        let cm = cells_cm.get(&(s, p)).copied().unwrap_or((0, 0.0));
        let what = if week.0 != cm.0 {
            format!("{} lines", week.0)
        } else if !same_quantity(week.1, cm.1) {
            format!("a quantity of {}", week.1)
        } else {
            continue;
        };
        let there = if week.0 != cm.0 {
            format!("{} lines", cm.0)
        } else {
            format!("{}", cm.1)
        };
        out.push(whole(
            &files.week,
            format!(
                "segment {}, product {}: {what} here, {there} in {} (its customers by their segment in customers): {WHY}",
                quoted(&cat.segments[s as usize]),
                quoted(&cat.products[p as usize]),
                files.customer_month
            ),
        ));
    }
    let mut products: Vec<u32> = products_cm
        .keys()
        .chain(tally.products_day.keys())
        .copied()
        .collect();
    products.sort_unstable_by(|a, b| cat.products[*a as usize].cmp(&cat.products[*b as usize]));
    products.dedup();
    for p in products {
        let day = tally.products_day.get(&p).map_or(0, |t| t.0);
        let cm = products_cm.get(&p).map_or(0, |t| t.0);
        if day != cm {
            out.push(whole(
                &files.list_day,
                format!(
                    "product {}: {day} lines here, {cm} lines in {}: {WHY}",
                    quoted(&cat.products[p as usize]),
                    files.customer_month
                ),
            ));
        }
    }
    out
}

/// The sum columns of an `agg_*` table after its keys, elements last.
fn sum_columns(elements: &[String]) -> Vec<String> {
    [
        "lines",
        "quantity",
        "list_revenue",
        "invoice_revenue",
        "pocket_revenue",
        "cost",
    ]
    .iter()
    .map(|c| c.to_string())
    .chain(elements.iter().map(|e| format!("\"{e}\"")))
    .collect()
}

/// The values of [`sum_columns`] from lines and [`FIXED`] + elements numbers: invoice and
/// pocket revenue derived.
fn sum_values(ctx: &Ctx, lines: i64, numbers: &[f64]) -> impl Iterator<Item = Value> {
    let (invoice, pocket) = derived(ctx, numbers);
    let fixed = [numbers[0], numbers[1], invoice, pocket, numbers[2]];
    std::iter::once(Value::Integer(lines)).chain(
        fixed
            .into_iter()
            .chain(numbers[FIXED..].to_vec())
            .map(Value::Real),
    )
}

/// Rows per statement while rows are appended in key order.
const ROWS_PER_INSERT: usize = 64;

/// Inserts into one table that started empty. While each row's key is past every key before
/// it (the SQL's order, or sums pricebench adds up itself) no row can collide, and they go in
/// [`ROWS_PER_INSERT`] to a statement, as the import of lines appends; from the first row out
/// of order on, each goes alone, so that a key met twice fails on its own row.
struct Appender<'t> {
    one: Statement<'t>,
    many: Statement<'t>,
    columns: usize,
    pending: Vec<Value>,
    in_order: bool,
}

impl<'t> Appender<'t> {
    fn new(
        tx: &'t Transaction,
        table: &str,
        keys: &str,
        columns: &[String],
    ) -> rusqlite::Result<Appender<'t>> {
        let n = keys.split(',').count() + columns.len();
        let row = format!("({})", vec!["?"; n].join(", "));
        let sql = |rows: usize| {
            format!(
                "INSERT INTO {table} ({keys}, {}) VALUES {}",
                columns.join(", "),
                vec![row.as_str(); rows].join(", ")
            )
        };
        Ok(Appender {
            one: tx.prepare(&sql(1))?,
            many: tx.prepare(&sql(ROWS_PER_INSERT))?,
            columns: n,
            pending: Vec::with_capacity(n * ROWS_PER_INSERT),
            in_order: true,
        })
    }

    /// Adds a row; `in_order`: its key is past every key before it. An error for a key met
    /// twice comes only for a row out of order (in order, there cannot be one).
    fn add(&mut self, values: Vec<Value>, in_order: bool) -> rusqlite::Result<()> {
        self.in_order &= in_order;
        if self.in_order {
            self.pending.extend(values);
            if self.pending.len() == self.columns * ROWS_PER_INSERT {
                for (i, v) in self.pending.drain(..).enumerate() {
                    self.many.raw_bind_parameter(i + 1, v)?;
                }
                self.many.raw_execute()?;
            }
            return Ok(());
        }
        self.finish()?;
        Self::execute(&mut self.one, values)
    }

    /// Inserts the rows still pending, one by one.
    fn finish(&mut self) -> rusqlite::Result<()> {
        let pending: Vec<Value> = self.pending.drain(..).collect();
        let mut values = pending.into_iter();
        while values.len() > 0 {
            let row: Vec<Value> = values.by_ref().take(self.columns).collect();
            Self::execute(&mut self.one, row)?;
        }
        Ok(())
    }

    fn execute(stmt: &mut Statement, values: Vec<Value>) -> rusqlite::Result<()> {
        for (i, v) in values.into_iter().enumerate() {
            stmt.raw_bind_parameter(i + 1, v)?;
        }
        stmt.raw_execute().map(|_| ())
    }
}

/// `agg_month` from the customer-months by segment, in key order.
fn write_months(ctx: &Ctx, months: &Sums<(u32, u32, i32)>) -> rusqlite::Result<()> {
    let cat = &ctx.cat;
    let mut order: Vec<usize> = (0..months.keys.len()).collect();
    let key = |i: usize| {
        let (s, p, m) = months.keys[i];
        (&cat.segments[s as usize], &cat.products[p as usize], m)
    };
    order.sort_unstable_by(|&a, &b| key(a).cmp(&key(b)));
    let mut insert = Appender::new(
        ctx.tx,
        "agg_month",
        "segment_id, product_id, period",
        &sum_columns(&cat.element_names()),
    )?;
    for i in order {
        let (s, p, m) = months.keys[i];
        let (lines, numbers) = months.row(i);
        let mut values = vec![
            Value::Text(cat.segments[s as usize].clone()),
            Value::Text(cat.products[p as usize].clone()),
            Value::Text(Date(m).to_string()),
        ];
        values.extend(sum_values(ctx, lines, numbers));
        insert.add(values, true)?;
    }
    insert.finish()
}

/// `agg_customer` from the customer-months over all months, in key order; its product index
/// built once afterwards.
fn write_customers(ctx: &Ctx, customers: &Sums<(u32, u32)>) -> rusqlite::Result<()> {
    let cat = &ctx.cat;
    let rank = |ids: Vec<&str>| -> Vec<u32> {
        let mut order: Vec<u32> = (0..ids.len() as u32).collect();
        order.sort_unstable_by(|&a, &b| ids[a as usize].cmp(ids[b as usize]));
        let mut rank = vec![0; ids.len()];
        for (r, &i) in order.iter().enumerate() {
            rank[i as usize] = r as u32;
        }
        rank
    };
    let customer_rank = rank(cat.customer_ids.iter().map(|c| c.0.as_str()).collect());
    let product_rank = rank(cat.products.iter().map(String::as_str).collect());
    let mut order: Vec<usize> = (0..customers.keys.len()).collect();
    order.sort_unstable_by_key(|&i| {
        let (c, p) = customers.keys[i];
        (customer_rank[c as usize], product_rank[p as usize])
    });
    ctx.tx.execute("DROP INDEX agg_customer_product", [])?;
    let mut insert = Appender::new(
        ctx.tx,
        "agg_customer",
        "customer_id, product_id, segment_id",
        &sum_columns(&cat.element_names()),
    )?;
    for i in order {
        let (c, p) = customers.keys[i];
        let (lines, numbers) = customers.row(i);
        let (customer, segment) = &cat.customer_ids[c as usize];
        let mut values = vec![
            Value::Text(customer.clone()),
            Value::Text(cat.products[p as usize].clone()),
            Value::Text(segment.clone()),
        ];
        values.extend(sum_values(ctx, lines, numbers));
        insert.add(values, true)?;
    }
    insert.finish()?;
    drop(insert);
    ctx.tx
        .execute(crate::store::schema::AGG_CUSTOMER_PRODUCT_INDEX, [])?;
    Ok(())
}

/// One `import_log` row per file of sums, of kind [`KIND`].
fn log_sums(tx: &Transaction, loaded: &[Loaded], replace: bool) -> rusqlite::Result<()> {
    let stamp = crate::date::utc_now();
    let mut stmt = tx.prepare(
        "INSERT INTO import_log (file, kind, size_bytes, rows, imported_at, seconds, replaced) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for l in loaded {
        stmt.execute((
            &l.file,
            KIND,
            l.bytes as i64,
            l.rows as i64,
            &stamp,
            l.seconds,
            replace,
        ))?;
    }
    Ok(())
}

/// The problem with transaction lines imported into a workspace of aggregates: one per file.
pub(super) fn no_lines_here(sources: &[Source]) -> Problems {
    let mut problems = Problems::default();
    for s in sources.iter().filter(|s| s.kind == FileKind::Transactions) {
        problems.push(Problem {
            file: s.name.clone(),
            line: 0,
            column: None,
            message: "holds transaction lines, and this workspace holds aggregates only (imported with --aggregates): lines and sums computed elsewhere do not mix; import the lines into a workspace of their own (another --db), or sum them with sql/aggregates.sql and import the result with --aggregates --replace".into(),
        });
    }
    problems
}

/// The problem with a customer moved to another segment in a workspace of aggregates, whose
/// sums by segment cannot be recomputed without the lines.
pub(super) fn no_segment_move(reports: &[super::FileReport]) -> Problem {
    let file = reports
        .iter()
        .find(|r| r.kind == FileKind::Customers)
        .map_or_else(|| "customers.csv".to_string(), |r| r.file.clone());
    Problem {
        file,
        line: 0,
        column: None,
        message: "moves a customer to another segment, and this workspace holds aggregates only (imported with --aggregates): its sums by segment cannot be recomputed without the lines; run the SQL again with the new segments and import its results with this file (import --aggregates --replace DIR)".into(),
    }
}
