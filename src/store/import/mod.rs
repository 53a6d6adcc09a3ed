//! Import of CSV exports into the workspace: all files of one call in one SQLite transaction,
//! every bad row reported by file, line and column, nothing kept when anything is wrong.

pub(crate) mod aggregate;
pub mod aggregates_in;
mod bulk;
mod catalog;
mod csvfile;
pub mod flat;
pub(crate) mod fxhash;
pub mod mapped;
pub mod mapping;
pub mod money;
mod numbers;
mod problem;
pub mod suggest;
mod tables;
mod transactions;
mod writeback;
pub mod xlsx;

pub use problem::{MAX_PROBLEMS, Problem, Problems, quoted};

use super::{StoreError, Workspace};
use catalog::Catalog;
use csvfile::{ColumnSpec, CsvFile, Header, Row};
use rusqlite::Transaction;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::time::{Duration, Instant};

/// What a file holds, recognised by its name (`transactions.csv`, `transactions_2024.csv`, ...).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum FileKind {
    /// Exchange rates (fx.csv): read first, so every other file converts with them.
    Fx,
    Segments,
    Customers,
    Products,
    Transactions,
    Quotes,
    Survey,
    /// Competitor prices for our equivalent products (competitors.csv).
    Competitors,
}

impl FileKind {
    pub const ALL: [FileKind; 8] = [
        FileKind::Fx,
        FileKind::Segments,
        FileKind::Customers,
        FileKind::Products,
        FileKind::Transactions,
        FileKind::Quotes,
        FileKind::Survey,
        FileKind::Competitors,
    ];

    /// The table (and file stem) name.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Fx => "fx",
            FileKind::Segments => "segments",
            FileKind::Customers => "customers",
            FileKind::Products => "products",
            FileKind::Transactions => "transactions",
            FileKind::Quotes => "quotes",
            FileKind::Survey => "survey",
            FileKind::Competitors => "competitors",
        }
    }

    /// Recognises `NAME.csv` or `NAME_anything.csv` (any case).
    pub fn from_file_name(file_name: &str) -> Option<FileKind> {
        let lower = file_name.to_lowercase();
        let stem = lower.strip_suffix(".csv")?;
        FileKind::ALL.into_iter().find(|k| {
            stem == k.name()
                || stem
                    .strip_prefix(k.name())
                    .is_some_and(|rest| rest.starts_with(['_', '-', '.']))
        })
    }

    /// The kind by its name (`transactions`), as `--kind` and a mapping give it.
    pub fn from_name(name: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The canonical columns (required first), without the `on_*` / `off_*` elements.
    pub fn fields(self) -> Vec<&'static str> {
        let spec = self.spec();
        spec.required.iter().chain(spec.optional).copied().collect()
    }

    /// The columns a file of this kind must have.
    pub fn required(self) -> &'static [&'static str] {
        self.spec().required
    }

    fn spec(self) -> &'static ColumnSpec {
        match self {
            FileKind::Fx => &money::FX,
            FileKind::Segments => &tables::SEGMENTS,
            FileKind::Customers => &tables::CUSTOMERS,
            FileKind::Products => &tables::PRODUCTS,
            FileKind::Transactions => &transactions::TRANSACTIONS,
            FileKind::Quotes => &tables::QUOTES,
            FileKind::Survey => &tables::SURVEY,
            FileKind::Competitors => &tables::COMPETITORS,
        }
    }

    /// Quotes and survey answers are optional datasets: a header-only file is accepted.
    fn rows_required(self) -> bool {
        !matches!(
            self,
            FileKind::Quotes | FileKind::Survey | FileKind::Competitors | FileKind::Fx
        )
    }
}

/// One input: a name for messages, its kind, its size and a reader.
pub struct Source {
    pub name: String,
    pub kind: FileKind,
    pub size: u64,
    pub reader: Box<dyn Read + Send>,
    /// For a file read through a mapping: the translator's problems and column names.
    pub mapped: Option<mapped::Side>,
}

impl Source {
    /// Opens a file whose kind is known from its name.
    pub fn open(path: &Path) -> Result<Source, Problem> {
        Source::open_as(path, None)
    }

    /// Opens a file in the canonical format; its kind from `kind`, else from its name.
    pub fn open_as(path: &Path, kind: Option<FileKind>) -> Result<Source, Problem> {
        let name = path.display().to_string();
        let whole = |message: String| Problem {
            file: name.clone(),
            line: 0,
            column: None,
            message,
        };
        let file_name = path
            .file_name()
            .map(|f| f.to_string_lossy().into_owned())
            .unwrap_or_default();
        let kind = kind.or_else(|| FileKind::from_file_name(&file_name)).ok_or_else(|| {
            whole("cannot tell what the file holds from its name (expected segments.csv, customers.csv, products.csv, transactions.csv, quotes.csv, survey.csv, competitors.csv or fx.csv)".into())
        })?;
        let file = File::open(path).map_err(|e| whole(format!("cannot open the file: {e}")))?;
        let size = file.metadata().map(|m| m.len()).unwrap_or(0);
        Ok(Source {
            name,
            kind,
            size,
            reader: Box::new(file),
            mapped: None,
        })
    }

    /// An in-memory input (the bundled sample).
    pub fn from_bytes(name: &str, kind: FileKind, bytes: &'static [u8]) -> Source {
        Source {
            name: name.to_string(),
            kind,
            size: bytes.len() as u64,
            reader: Box::new(bytes),
            mapped: None,
        }
    }
}

/// Progress of the file being imported.
#[derive(Debug, Clone)]
pub struct Progress {
    pub file: String,
    pub rows: u64,
    pub bytes: u64,
    pub elapsed: Duration,
}

/// Options of one import call.
#[derive(Default)]
pub struct ImportOptions<'a> {
    /// Overwrite rows whose id already exists instead of rejecting them.
    pub replace: bool,
    /// Called every few thousand rows.
    pub progress: Option<&'a mut dyn FnMut(&Progress)>,
    /// Validate everything, describe what would be imported here, and write nothing.
    pub dry_run: Option<&'a mut DryRun>,
    /// `--currency`: the reporting currency of a workspace that has none yet (an ISO 4217
    /// code); refused when the workspace reports in another.
    pub currency: Option<String>,
}

/// A table, the rows an import would add to it, and the first and last date of those rows.
pub type TableRows = (&'static str, u64, Option<(String, String)>);

/// What an import would add, from a dry run (`import --dry-run`).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct DryRun {
    pub tables: Vec<TableRows>,
    /// Waterfall elements of the imported files: (name, on-invoice, new to the workspace).
    pub elements: Vec<(String, bool, bool)>,
    /// The reporting currency after the import, and whether this import set it.
    pub reporting: Option<(String, bool)>,
    /// Rows per currency the files named, in order of first sight.
    pub currencies: Vec<(String, u64)>,
}

/// The highest rowid of the dated tables before an import, to tell its rows apart.
fn last_rowids(tx: &Transaction) -> rusqlite::Result<[i64; 2]> {
    let q = |t: &str| {
        tx.query_row(
            &format!("SELECT coalesce(max(rowid), 0) FROM {t}"),
            [],
            |r| r.get(0),
        )
    };
    Ok([q("transactions")?, q("quotes")?])
}

impl DryRun {
    fn read(
        tx: &Transaction,
        reports: &[FileReport],
        before: [i64; 2],
        elements_before: usize,
        cat: &Catalog,
    ) -> rusqlite::Result<DryRun> {
        let mut tables = Vec::new();
        for kind in FileKind::ALL {
            let rows: u64 = reports
                .iter()
                .filter(|r| r.kind == kind)
                .map(|r| r.rows)
                .sum();
            if !reports.iter().any(|r| r.kind == kind) {
                continue;
            }
            let dated = match kind {
                FileKind::Transactions => Some(("transactions", before[0])),
                FileKind::Quotes => Some(("quotes", before[1])),
                _ => None,
            };
            let range = match dated {
                Some((t, after)) => tx.query_row(
                    &format!("SELECT min(date), max(date) FROM {t} WHERE rowid > ?1"),
                    [after],
                    |r| {
                        Ok(r.get::<_, Option<String>>(0)?
                            .zip(r.get::<_, Option<String>>(1)?))
                    },
                )?,
                None => None,
            };
            tables.push((kind.name(), rows, range));
        }
        let elements = cat
            .elements
            .iter()
            .enumerate()
            .map(|(i, (name, on))| (name.clone(), *on, i >= elements_before))
            .collect();
        Ok(DryRun {
            tables,
            elements,
            reporting: None,
            currencies: Vec::new(),
        })
    }
}

/// What one file contributed.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub file: String,
    pub kind: FileKind,
    pub rows: u64,
    pub bytes: u64,
    pub seconds: f64,
}

/// Why an import changed nothing.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    #[error("{0}")]
    Problems(Problems),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl From<rusqlite::Error> for ImportError {
    fn from(e: rusqlite::Error) -> Self {
        ImportError::Store(StoreError::Sql(e))
    }
}

/// Shared state of one import call.
pub(crate) struct Ctx<'t> {
    tx: &'t Transaction<'t>,
    cat: Catalog,
    aggregates: aggregate::Aggregates,
    replace: bool,
    /// A replaced customer changed segment: the aggregates are rebuilt at the end.
    segment_moved: bool,
    /// Appending to an empty transaction table; the `txn_id` index is built at the end.
    bulk: Option<bulk::BulkLines>,
    /// The dates of the rowid blocks the new lines went into.
    blocks: crate::store::line_blocks::LineBlocks,
    /// The reporting currency and the exchange rates.
    money: money::Money,
}

impl Ctx<'_> {
    /// The message for a failed insert: a duplicate id, or the database's own words.
    fn insert_problem(
        &self,
        table: &'static str,
        h: &Header,
        row: &Row,
        col: usize,
        id: &str,
        e: &rusqlite::Error,
    ) -> Problem {
        if !transactions::is_constraint(e) {
            return row.line_problem(format!("cannot store the row: {e}"));
        }
        let had_rows = self.cat.had_rows.get(table).copied().unwrap_or(true);
        let message = if had_rows {
            format!(
                "{} is a duplicate id (already in the workspace or earlier in this import; use --replace to overwrite)",
                quoted(id)
            )
        } else {
            format!(
                "{} is a duplicate id (it appears earlier in this import)",
                quoted(id)
            )
        };
        row.problem(h, col, message)
    }
}

/// Recomputes `agg_customer` from `source`, a table or view with the columns of
/// `transaction_lines` (the v2 migration reads the v1 `transactions` table, which had them).
pub fn rebuild_customer_aggregates(
    conn: &rusqlite::Connection,
    element_names: &[String],
    source: &str,
) -> rusqlite::Result<()> {
    aggregate::rebuild_customer(conn, element_names, source)
}

/// Keeps a field's value, or records its problem.
fn take<T>(r: Result<T, Problem>, bad: &mut Vec<Problem>) -> Option<T> {
    r.map_err(|p| bad.push(p)).ok()
}

/// Imports `sources` into the workspace in one transaction: everything or nothing.
pub fn import(
    ws: &mut Workspace,
    mut sources: Vec<Source>,
    mut opts: ImportOptions,
) -> Result<Vec<FileReport>, ImportError> {
    sources.sort_by_key(|s| s.kind);
    ws.check_writable()?;
    // 16 MiB of page cache: appends touch few pages, and memory stays flat in the file size.
    ws.conn.pragma_update(None, "cache_size", -16_384)?;
    let has_transactions = sources.iter().any(|s| s.kind == FileKind::Transactions);
    // Declared before the transaction, so dropped after it: see `writeback`.
    let mut writeback = has_transactions
        .then(|| writeback::Writeback::start(ws.conn.path()))
        .flatten();
    // IMMEDIATE: the write lock is taken (or waited for) now, before anything is read, so two
    // imports queue up instead of both reading and then failing to write.
    let tx = ws
        .conn
        .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
    let cat = Catalog::load(&tx)?;
    let sums_only = aggregates_in::is_aggregates_only(&tx)?;
    if sums_only && has_transactions {
        return Err(ImportError::Problems(aggregates_in::no_lines_here(
            &sources,
        )));
    }
    let before = last_rowids(&tx)?;
    let elements_before = cat.elements.len();
    let money = money::Money::load(&tx, opts.currency.as_deref()).map_err(|p| {
        let mut problems = Problems::default();
        problems.push(p);
        ImportError::Problems(problems)
    })?;
    let mut ctx = Ctx {
        money,
        tx: &tx,
        aggregates: aggregate::Aggregates::new(cat.elements.len()),
        blocks: Default::default(),
        cat,
        replace: opts.replace,
        segment_moved: false,
        bulk: None,
    };
    if has_transactions
        && !opts.replace
        && !ctx
            .cat
            .had_rows
            .get("transactions")
            .copied()
            .unwrap_or(true)
    {
        ctx.bulk = Some(bulk::BulkLines::default());
    }
    // Quotes into an empty table: their cell index is built once after the rows rather than
    // grown by hundreds of thousands of scattered inserts (1.1 s -> 0.8 s for 424k quotes).
    let fresh_quotes = sources.iter().any(|s| s.kind == FileKind::Quotes)
        && !ctx.cat.had_rows.get("quotes").copied().unwrap_or(true);
    if fresh_quotes {
        tx.execute("DROP INDEX quotes_cell", [])?;
    }
    let mut problems = Problems::default();
    let mut reports = Vec::with_capacity(sources.len());
    let mut renames = Vec::new();
    for mut source in sources {
        let side = source.mapped.take();
        let before = problems.kept.len();
        let file = source.name.clone();
        reports.push(import_file(
            &mut ctx,
            source,
            &mut problems,
            &mut opts.progress,
        )?);
        if let Some(mut side) = side {
            merge_mapped(&mut problems, before, side.finish());
            renames.push((file, std::mem::take(&mut side.renames), side.place.take()));
        }
    }
    if ctx.segment_moved && sums_only {
        problems.push(aggregates_in::no_segment_move(&reports));
    }
    if problems.is_empty() {
        // The sums go out (and their memory is freed) before SQLite sorts the txn_id index
        // below, so the two never need memory at the same time.
        let mut aggregates = std::mem::replace(&mut ctx.aggregates, aggregate::Aggregates::new(0));
        let names = ctx.cat.names();
        // Customer-months carry no segment: right whether or not a customer moved.
        aggregates.flush_customer_months(&tx, &names)?;
        aggregates.flush_list_days(&tx, &names)?;
        std::mem::take(&mut ctx.blocks).write(&tx)?;
        if ctx.segment_moved {
            sync_segments(&tx)?;
            aggregate::rebuild(&tx, &ctx.cat.element_names())?;
        } else {
            aggregates.flush(&tx, &names)?;
        }
    }
    if let Some(bulk) = ctx.bulk.take() {
        bulk.finish(&tx, &mut |p| problems.push(p))?;
    }
    if !problems.is_empty() {
        rename_columns(&mut problems, &renames);
        return Err(ImportError::Problems(problems));
    }
    if fresh_quotes {
        tx.execute(super::schema::QUOTES_CELL_INDEX, [])?;
    }
    if let Some(summary) = opts.dry_run.as_deref_mut() {
        // Everything was checked; dropping the transaction rolls it all back.
        *summary = DryRun::read(&tx, &reports, before, elements_before, &ctx.cat)?;
        let m = &ctx.money;
        summary.reporting = m.reporting.map(|c| (c.to_string(), m.stored != Some(c)));
        summary.currencies = m.rows.iter().map(|(c, n)| (c.to_string(), *n)).collect();
        return Ok(reports);
    }
    ctx.money.persist(&tx)?;
    log_files(&tx, &reports, opts.replace)?;
    drop(ctx);
    if let Some(w) = writeback.as_mut() {
        w.stop();
    }
    tx.commit()?;
    drop(writeback);
    Ok(reports)
}

/// Puts a mapped file's translator problems among the import's own for it, in line order.
/// When the translator refused rows, "no data rows" is its consequence, not news.
fn merge_mapped(problems: &mut Problems, before: usize, translated: Problems) {
    if translated.is_empty() {
        return;
    }
    let mut list: Vec<Problem> = problems.kept.split_off(before);
    list.retain(|p| !(p.line == 0 && p.message == NO_DATA_ROWS));
    list.extend(translated.kept);
    list.sort_by_key(|p| p.line);
    list.into_iter().for_each(|p| problems.push(p));
    problems.more += translated.more;
}

/// Names a mapped file's columns in its problems as its header does (`Customer ID`, not
/// `customer_id`).
/// A workbook's problems are then placed in its sheet (`row 7: column C 'Qty'`).
fn rename_columns(problems: &mut Problems, renames: &[Renames]) {
    for p in &mut problems.kept {
        let Some((_, names, place)) = renames.iter().find(|(f, _, _)| *f == p.file) else {
            continue;
        };
        if let Some(column) = p.column.as_mut()
            && let Some((_, original)) = names.iter().find(|(c, _)| c == column)
        {
            *column = original.clone();
        }
        if let Some(place) = place {
            place.locate(p);
        }
    }
}

/// A mapped file's name, its canonical → own column names, and its sheet if a workbook.
type Renames = (
    String,
    Vec<(String, String)>,
    Option<std::sync::Arc<xlsx::SheetPlace>>,
);

const NO_DATA_ROWS: &str = "has a header but no data rows";

fn import_file(
    ctx: &mut Ctx,
    source: Source,
    problems: &mut Problems,
    progress: &mut Option<&mut dyn FnMut(&Progress)>,
) -> rusqlite::Result<FileReport> {
    let started = Instant::now();
    let mut csv = CsvFile::new(&source.name, source.reader);
    let mut report = FileReport {
        file: source.name.clone(),
        kind: source.kind,
        rows: 0,
        bytes: source.size,
        seconds: 0.0,
    };
    let header = match csv.header(source.kind.spec()) {
        Ok(h) => h,
        Err(list) => {
            list.into_iter().for_each(|p| problems.push(p));
            return Ok(report);
        }
    };
    if source.kind == FileKind::Transactions {
        report.rows = transactions::import_lines(ctx, csv, &header, problems, progress)?;
        finish_file(&mut report, source.kind, problems, started);
        return Ok(report);
    }
    loop {
        let row = match csv.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => break,
            Err(p) => {
                problems.push(p);
                break;
            }
        };
        report.rows += 1;
        let result = if row.len() != header.names.len() {
            Err(vec![row.line_problem(format!(
                "expected {} fields (as in the header), found {}",
                header.names.len(),
                row.len()
            ))])
        } else {
            match source.kind {
                FileKind::Fx => money::fx(ctx, &header, &row),
                FileKind::Segments => tables::segment(ctx, &header, &row),
                FileKind::Customers => tables::customer(ctx, &header, &row),
                FileKind::Products => tables::product(ctx, &header, &row),
                FileKind::Quotes => tables::quote(ctx, &header, &row),
                FileKind::Competitors => tables::competitor(ctx, &header, &row),
                _ => tables::survey(ctx, &header, &row),
            }
        };
        if let Err(list) = result {
            list.into_iter().for_each(|p| problems.push(p));
        }
        if report.rows.is_multiple_of(65_536)
            && let Some(f) = progress.as_mut()
        {
            f(&Progress {
                file: source.name.clone(),
                rows: report.rows,
                bytes: csv.bytes_read(),
                elapsed: started.elapsed(),
            });
        }
    }
    finish_file(&mut report, source.kind, problems, started);
    Ok(report)
}

fn finish_file(report: &mut FileReport, kind: FileKind, problems: &mut Problems, started: Instant) {
    if report.rows == 0 && kind.rows_required() {
        let message = NO_DATA_ROWS.into();
        problems.push(Problem {
            file: report.file.clone(),
            line: 0,
            column: None,
            message,
        });
    }
    report.seconds = started.elapsed().as_secs_f64();
}

/// After a customer moved segment: every quote follows its customer (transaction lines take
/// their segment from the customer through `transaction_lines`).
fn sync_segments(tx: &Transaction) -> rusqlite::Result<()> {
    tx.execute(
        "UPDATE quotes SET segment_id = (SELECT c.segment_id FROM customers c WHERE c.customer_id = quotes.customer_id)",
        [],
    )?;
    Ok(())
}

fn log_files(tx: &Transaction, reports: &[FileReport], replace: bool) -> rusqlite::Result<()> {
    let stamp = crate::date::utc_now();
    let mut stmt = tx.prepare(
        "INSERT INTO import_log (file, kind, size_bytes, rows, imported_at, seconds, replaced) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?;
    for r in reports {
        stmt.execute((
            &r.file,
            r.kind.name(),
            r.bytes as i64,
            r.rows as i64,
            &stamp,
            r.seconds,
            replace,
        ))?;
    }
    Ok(())
}
