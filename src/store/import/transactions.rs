//! The hot path: transaction lines are parsed, validated and summed into the weekly / monthly
//! aggregates on one thread while SQLite inserts the previous batch on the other.

use super::aggregate::{Aggregates, LineAmounts, LineKeys, Names};
use super::bulk::{BulkLines, RowLines};
use super::catalog::Catalog;
use super::csvfile::{ColumnSpec, CsvFile, ElementColumn, Header, MAX_ELEMENTS, Row};
use super::money::Money;
use super::problem::{Problem, Problems, already_exists, appears_twice, quoted};
use super::tables::{customer_segment, known_product};
use super::{Ctx, Progress, take};
use crate::date::Date;
use crate::store::line_blocks::LineBlocks;
use rusqlite::{OptionalExtension, Statement, Transaction};
use std::io::Read;
use std::sync::mpsc;
use std::time::Instant;

pub const TRANSACTIONS: ColumnSpec = ColumnSpec {
    required: &[
        "txn_id",
        "date",
        "customer_id",
        "product_id",
        "quantity",
        "list_price",
    ],
    optional: &["unit_cost", "currency"],
    elements: true,
};

const BATCH_ROWS: usize = 4096;
/// Text fields per line: txn_id, date, customer_id, product_id.
const TEXTS: usize = 4;
/// Numbers per line before the elements: quantity, list, unit cost (all three stored), then
/// invoice and pocket price (for the aggregates only; `transaction_lines` derives them): the
/// layout `LineAmounts::from_numbers` reads.
const NUMBERS: usize = 5;
/// Of those, the ones stored in `transactions`.
const STORED_NUMBERS: usize = 3;
/// Lines per multi-row INSERT: fewer statement executions per line.
const ROWS_PER_INSERT: usize = 64;

/// A one-row insert and a [`ROWS_PER_INSERT`]-row insert.
struct Statements<'t> {
    one: Statement<'t>,
    many: Statement<'t>,
    /// With `--replace`: the row holding an id, as [`OldLine`] reads it, with its rowid.
    old_by_id: Option<Statement<'t>>,
    /// With `--replace`: a line rewriting that row ([`rewrite_statement`]).
    rewrite: Option<Statement<'t>>,
}

/// Validated lines ready to insert, their texts in one arena to avoid an allocation per field.
#[derive(Default)]
struct Batch {
    lines: Vec<u64>,
    /// Each line's catalog indexes and date, for the aggregates.
    keys: Vec<(LineKeys, Date)>,
    text_ends: Vec<[u32; TEXTS]>,
    arena: String,
    numbers: Vec<f64>,
    problems: Vec<Problem>,
    /// Customer-month sums the parser wrote out with this batch, for the writer to store.
    chunks: Vec<crate::store::customer_months::Chunk>,
    rows_read: u64,
    bytes_read: u64,
}

/// Parses and validates lines on the parser thread; owns the aggregates it accumulates.
struct Parser<'c> {
    cat: &'c Catalog,
    /// For each element column of the file: (workspace slot, on-invoice, field index).
    slots: Vec<(usize, bool, usize)>,
    /// The workspace slot of each element column of the file.
    element_slots: Vec<usize>,
    amounts: Vec<f64>,
    aggregates: Aggregates,
    /// The catalog's ids, for the customer-month chunks.
    names: Names,
    /// First day of the month of the last line summed, and of the month after.
    month: (Date, Date),
    /// False with `--replace`: the writer sums each line once it knows whether the line
    /// changes anything (a line the same as the row it replaces changes no sum).
    sums: bool,
    /// The reporting currency and rates, for a file with a `currency` column.
    money: Money,
}

impl<'c> Parser<'c> {
    fn new(
        cat: &'c Catalog,
        slots: Vec<(usize, bool, usize)>,
        sums: bool,
        money: Money,
    ) -> Parser<'c> {
        Parser {
            money,
            cat,
            element_slots: slots.iter().map(|s| s.0).collect(),
            slots,
            amounts: Vec::new(),
            aggregates: Aggregates::for_catalog(
                cat.elements.len(),
                cat.segments.len(),
                cat.customer_ids.len(),
                cat.products.len(),
            ),
            names: cat.names(),
            month: (Date(0), Date(0)),
            sums,
        }
    }

    fn row(&mut self, h: &Header, row: &Row, batch: &mut Batch) {
        let mut bad = Vec::new();
        let id = take(row.id(h, h.at(0)), &mut bad);
        let date = take(row.date(h, h.at(1)), &mut bad);
        // Amounts in another currency are converted (× 1.0, exact, without a currency column).
        let factor = match (h.positions[7], date) {
            (Some(col), Some(d)) => {
                take(self.money.factor(h, row, Some(col), Some(d)), &mut bad).unwrap_or(1.0)
            }
            _ => 1.0,
        };
        let customer = take(row.id(h, h.at(2)), &mut bad);
        let product = take(row.id(h, h.at(3)), &mut bad);
        let quantity = take(row.number(h, h.at(4)), &mut bad);
        let list_price = take(row.price(h, h.at(5)), &mut bad).map(|v| v * factor);
        let unit_cost = match h.positions[6] {
            Some(i) if !row.text(h, i).is_ok_and(str::is_empty) => {
                take(row.price(h, i), &mut bad).map(|v| v * factor)
            }
            _ => None,
        };
        self.amounts.clear();
        let (mut on_total, mut off_total) = (0.0, 0.0);
        for &(_, on_invoice, index) in &self.slots {
            if let Some(v) = take(row.amount(h, index), &mut bad).map(|v| v * factor) {
                self.amounts.push(v);
                *(if on_invoice {
                    &mut on_total
                } else {
                    &mut off_total
                }) += v;
            }
        }
        let segment =
            customer.and_then(|c| customer_segment(self.cat, h, row, h.at(2), c, &mut bad));
        let product_ref =
            product.and_then(|p| known_product(self.cat, h, row, h.at(3), p, &mut bad));
        let (
            Some(id),
            Some(date),
            Some(customer),
            Some(product),
            Some(quantity),
            Some(list_price),
            Some((customer_index, segment)),
            Some((product_index, default_cost)),
            true,
        ) = (
            id,
            date,
            customer,
            product,
            quantity,
            list_price,
            segment,
            product_ref,
            bad.is_empty(),
        )
        else {
            batch.problems.append(&mut bad);
            return;
        };
        let keys = LineKeys {
            segment,
            customer: customer_index,
            product: product_index,
        };
        batch.keys.push((keys, date));
        let date_text = row.text(h, h.at(1)).unwrap_or_default();
        let mut ends = [0u32; TEXTS];
        for (k, text) in [id, date_text, customer, product].into_iter().enumerate() {
            batch.arena.push_str(text);
            ends[k] = batch.arena.len() as u32;
        }
        batch.text_ends.push(ends);
        batch.lines.push(row.line);
        batch.numbers.extend_from_slice(&[
            quantity,
            list_price,
            unit_cost.unwrap_or(default_cost),
            list_price - on_total,
            list_price - on_total - off_total,
        ]);
        batch.numbers.extend_from_slice(&self.amounts);
    }

    /// Adds a parsed batch's lines to the aggregates: in one tight pass after parsing, so the
    /// scattered customer × product sums of successive lines are fetched from memory together
    /// rather than one at a time between the parsing of whole lines.
    ///
    /// The customer-month sums go with the batch as a chunk at a change of month once there
    /// are enough of them, or whenever there are many.
    fn aggregate(&mut self, batch: &mut Batch) {
        let per_line = NUMBERS + self.element_slots.len();
        let slots = &self.element_slots;
        let (keys, numbers) = (&batch.keys, &batch.numbers);
        let mut start = 0;
        while start < keys.len() {
            let date = keys[start].1;
            if !(self.month.0..self.month.1).contains(&date) {
                let first = date.month_start();
                self.month = (first, first.add_days(31).month_start());
                batch
                    .chunks
                    .extend(self.aggregates.month_chunk(&self.names));
            }
            let end = keys[start..]
                .iter()
                .position(|(_, d)| !(self.month.0..self.month.1).contains(d))
                .map_or(keys.len(), |k| start + k);
            self.aggregates.add_lines(&keys[start..end], |i| {
                let at = (start + i) * per_line;
                LineAmounts::from_numbers(&numbers[at..at + per_line], slots)
            });
            batch.chunks.extend(self.aggregates.full_chunk(&self.names));
            start = end;
        }
    }
}

/// Imports the data lines of one transactions file: parsing on a second thread, inserts here.
/// Returns the number of data rows read.
pub fn import_lines<R: Read + Send>(
    ctx: &mut Ctx,
    mut csv: CsvFile<R>,
    header: &Header,
    problems: &mut Problems,
    progress: &mut Option<&mut dyn FnMut(&Progress)>,
) -> rusqlite::Result<u64> {
    let started = Instant::now();
    if let Some(p) = too_many_elements(ctx, header) {
        problems.push(p);
        // Only whether a data row follows is read, for the check of a file without rows.
        return Ok(u64::from(matches!(csv.next_row(), Ok(Some(_)))));
    }
    let mut slots = Vec::with_capacity(header.elements.len());
    for el in &header.elements {
        let slot = ensure_element(ctx, el)?;
        slots.push((slot, el.on_invoice, el.index));
    }
    let mut stmt = Statements {
        one: insert_statement(ctx.tx, header, 1, ctx.bulk.is_some())?,
        many: insert_statement(ctx.tx, header, ROWS_PER_INSERT, ctx.bulk.is_some())?,
        old_by_id: match ctx.replace {
            true => Some(ctx.tx.prepare(&old_line_sql(&ctx.cat.elements, "txn_id"))?),
            false => None,
        },
        rewrite: match ctx.replace {
            true => Some(rewrite_statement(ctx.tx, header, &ctx.cat.elements)?),
            false => None,
        },
    };
    let per_line = NUMBERS + slots.len();
    let element_slots: Vec<usize> = slots.iter().map(|s| s.0).collect();
    let names = ctx.cat.names();
    let (full_tx, full_rx) = mpsc::sync_channel::<Batch>(4);
    let (empty_tx, empty_rx) = mpsc::channel::<Batch>();
    let mut seen = std::mem::take(&mut ctx.cat.seen.transactions);
    let money = std::mem::take(&mut ctx.money);
    let Ctx {
        tx,
        cat,
        aggregates,
        replace,
        bulk,
        blocks,
        ..
    } = ctx;
    let mut writer = Writer {
        tx,
        cat,
        aggregates,
        replace: *replace,
        bulk: bulk.as_mut(),
        seen: &mut seen,
        blocks,
        slots: &element_slots,
        names: &names,
    };
    let cat: &Catalog = cat;
    let (rows, parsed_aggregates, money) = std::thread::scope(|scope| {
        let parser = scope.spawn(move || {
            let parser = Parser::new(cat, slots, !*replace, money);
            parse_batches(parser, csv, header, &full_tx, &empty_rx)
        });
        let mut report = Report {
            problems,
            progress,
            started,
        };
        let channel = (&full_rx, &empty_tx);
        let written = write_batches(
            &mut writer,
            &mut stmt,
            header,
            per_line,
            channel,
            &mut report,
        );
        drop(full_rx);
        let joined = parser.join();
        let parsed = joined.unwrap_or_else(|panic| std::panic::resume_unwind(panic));
        written.map(|()| parsed)
    })?;
    ctx.aggregates.merge(parsed_aggregates);
    ctx.cat.seen.transactions = seen;
    ctx.money = money;
    Ok(rows)
}

/// The parser thread: fills batches of parsed lines (reusing the ones the writer hands back)
/// and sends them until the file ends, a problem stops the read, or the writer hangs up.
/// Returns the data rows read, the aggregates of the lines parsed and the currency state.
fn parse_batches<R: Read>(
    mut parser: Parser,
    mut csv: CsvFile<R>,
    header: &Header,
    full: &mpsc::SyncSender<Batch>,
    empty: &mpsc::Receiver<Batch>,
) -> (u64, Aggregates, Money) {
    let mut rows = 0u64;
    loop {
        let mut batch = empty.try_recv().unwrap_or_default();
        let done = fill_batch(&mut parser, &mut csv, header, &mut batch, &mut rows);
        if parser.sums {
            parser.aggregate(&mut batch);
        }
        batch.rows_read = rows;
        batch.bytes_read = csv.bytes_read();
        if full.send(batch).is_err() || done {
            return (rows, parser.aggregates, parser.money);
        }
    }
}

/// Parses rows into `batch` until it is full (returns false: more may follow), the file ends
/// or a problem stops the read (returns true).
fn fill_batch<R: Read>(
    parser: &mut Parser,
    csv: &mut CsvFile<R>,
    header: &Header,
    batch: &mut Batch,
    rows: &mut u64,
) -> bool {
    while batch.lines.len() < BATCH_ROWS && batch.problems.len() < BATCH_ROWS {
        let row = match csv.next_row() {
            Ok(Some(row)) => row,
            Ok(None) => return true,
            Err(p) => {
                batch.problems.push(p);
                return true;
            }
        };
        *rows += 1;
        if row.len() == header.names.len() {
            parser.row(header, &row, batch);
        } else {
            let msg = format!(
                "expected {} fields (as in the header), found {}",
                header.names.len(),
                row.len()
            );
            batch.problems.push(row.line_problem(msg));
        }
    }
    false
}

/// The problem with a header that would take the workspace past [`MAX_ELEMENTS`] elements.
fn too_many_elements(ctx: &Ctx, header: &Header) -> Option<Problem> {
    let known = &ctx.cat.elements;
    let new = header
        .elements
        .iter()
        .filter(|el| !known.iter().any(|(name, _)| *name == el.name))
        .count();
    (known.len() + new > MAX_ELEMENTS).then(|| Problem {
        file: header.file.clone(),
        line: 1,
        column: None,
        message: format!(
            "the header adds {new} element columns (on_* / off_*) to the {} of the workspace, more than the {MAX_ELEMENTS} a workspace may hold",
            known.len()
        ),
    })
}

/// What the inserting side needs of the import's state.
struct Writer<'a, 't> {
    tx: &'t Transaction<'t>,
    cat: &'a Catalog,
    aggregates: &'a mut Aggregates,
    replace: bool,
    /// Set when appending to an empty table without the `txn_id` index.
    bulk: Option<&'a mut BulkLines>,
    /// Where this import's lines came from, when the table held rows before it.
    seen: &'a mut RowLines,
    blocks: &'a mut LineBlocks,
    /// The workspace slot of each of the file's elements, in the file's order.
    slots: &'a [usize],
    /// The catalog's ids, for the customer-month chunks the writer sums with `--replace`.
    names: &'a Names,
}

impl Writer<'_, '_> {
    fn lines(&mut self) -> &mut RowLines {
        match self.bulk.as_deref_mut() {
            Some(bulk) => &mut bulk.lines,
            None => self.seen,
        }
    }

    /// Records the lines of the insert just made (its rows have the last rowids), and their
    /// dates in the rowid blocks.
    fn inserted(&mut self, file: &str, lines: &[u64], dates: impl Iterator<Item = Date>) {
        let first = self.tx.last_insert_rowid() + 1 - lines.len() as i64;
        self.lines().note(file, first, lines);
        self.blocks.note_run(first, dates);
    }
}

/// Where the writer reports: the import's problems and its progress callback.
struct Report<'r, 'p> {
    problems: &'r mut Problems,
    progress: &'r mut Option<&'p mut dyn FnMut(&Progress)>,
    started: Instant,
}

/// Inserts the parser's batches as they arrive (`channel`: full batches in, emptied ones back).
fn write_batches(
    ctx: &mut Writer,
    stmt: &mut Statements,
    header: &Header,
    per_line: usize,
    (full, empty): (&mpsc::Receiver<Batch>, &mpsc::Sender<Batch>),
    report: &mut Report,
) -> rusqlite::Result<()> {
    let Report {
        problems,
        progress,
        started,
    } = report;
    let mut next_report = 65_536;
    for mut batch in full.iter() {
        let mut found = std::mem::take(&mut batch.problems);
        let mut starts = Vec::with_capacity(batch.text_ends.len() + 1);
        starts.push(0usize);
        starts.extend(batch.text_ends.iter().map(|e| e[TEXTS - 1] as usize));
        let texts_of = |i: usize| -> [&str; TEXTS] {
            let mut texts = [""; TEXTS];
            let mut start = starts[i];
            for (k, &end) in batch.text_ends[i].iter().enumerate() {
                texts[k] = &batch.arena[start..end as usize];
                start = end as usize;
            }
            texts
        };
        let n = batch.text_ends.len();
        if let Some(bulk) = ctx.bulk.as_mut() {
            bulk.check_order(ctx.tx, (0..n).map(|i| texts_of(i)[0]))?;
        }
        let line_at = |j: usize| Line {
            number: batch.lines[j],
            date: batch.keys[j].1,
            texts: texts_of(j),
            numbers: &batch.numbers[j * per_line..(j + 1) * per_line],
        };
        // With `--replace`, a line whose id a row from before the import holds rewrites that
        // row in place; the others are new rows.
        let mut fresh: Vec<usize> = Vec::with_capacity(n);
        for j in 0..n {
            if stmt.rewrite.is_none() {
                fresh.push(j);
                continue;
            }
            let rewrite = rewrite_line(ctx, stmt, header, &line_at(j))?;
            if matches!(rewrite, Rewrite::Done | Rewrite::New) {
                // The parser left the sums to the writer (see `Parser::sums`).
                let (keys, date) = batch.keys[j];
                let amounts = &batch.numbers[j * per_line..(j + 1) * per_line];
                let line = LineAmounts::from_numbers(amounts, ctx.slots);
                ctx.aggregates.add(keys, date, &line, 1.0);
            }
            match rewrite {
                Rewrite::Same | Rewrite::Done => {}
                Rewrite::Problem(p) => found.push(p),
                Rewrite::New => fresh.push(j),
            }
        }
        if stmt.rewrite.is_some()
            && let Some(chunk) = ctx.aggregates.full_chunk(ctx.names)
        {
            chunk.write(ctx.tx)?;
        }
        let mut i = 0;
        while i < fresh.len() {
            if fresh.len() - i >= ROWS_PER_INSERT {
                let some = &fresh[i..i + ROWS_PER_INSERT];
                let chunk: Vec<[&str; TEXTS]> = some.iter().map(|&j| texts_of(j)).collect();
                let numbers: Vec<&[f64]> = some
                    .iter()
                    .map(|&j| &batch.numbers[j * per_line..(j + 1) * per_line])
                    .collect();
                match bind_and_insert(&mut stmt.many, &chunk, &numbers) {
                    Ok(()) => {
                        let lines: Vec<u64> = some.iter().map(|&j| batch.lines[j]).collect();
                        let dates = some.iter().map(|&j| batch.keys[j].1);
                        ctx.inserted(&header.file, &lines, dates);
                        i += ROWS_PER_INSERT;
                        continue;
                    }
                    // The failed statement was rolled back whole: redo it line by line to
                    // find which lines are at fault.
                    Err(e) if is_constraint(&e) => {}
                    Err(e) => return Err(e),
                }
            }
            let end = (i + ROWS_PER_INSERT).min(fresh.len());
            for &j in &fresh[i..end] {
                found.extend(insert_line(ctx, &mut stmt.one, header, &line_at(j))?);
            }
            i = end;
        }
        for chunk in batch.chunks.drain(..) {
            chunk.write(ctx.tx)?;
        }
        found.sort_by_key(|p| p.line);
        found.into_iter().for_each(|p| problems.push(p));
        if batch.rows_read >= next_report {
            next_report += 65_536;
            if let Some(f) = progress.as_mut() {
                f(&Progress {
                    file: header.file.clone(),
                    rows: batch.rows_read,
                    bytes: batch.bytes_read,
                    elapsed: started.elapsed(),
                });
            }
        }
        batch.lines.clear();
        batch.keys.clear();
        batch.text_ends.clear();
        batch.arena.clear();
        batch.numbers.clear();
        let _ = empty.send(batch);
    }
    Ok(())
}

/// One validated line of the file.
struct Line<'b> {
    number: u64,
    date: Date,
    texts: [&'b str; TEXTS],
    numbers: &'b [f64],
}

/// Inserts one line. Its id may be taken by a line of this import (a problem naming both),
/// or by a row from before it: replaced with `--replace`, else a problem.
fn insert_line(
    ctx: &mut Writer,
    stmt: &mut Statement,
    header: &Header,
    line: &Line,
) -> rusqlite::Result<Option<Problem>> {
    let id = line.texts[0];
    let problem = |column: bool, message: String| Problem {
        file: header.file.clone(),
        line: line.number,
        column: column.then(|| header.names[header.at(0)].clone()),
        message,
    };
    let insert = |stmt: &mut Statement| {
        bind_and_insert(stmt, std::slice::from_ref(&line.texts), &[line.numbers])
    };
    if let Err(e) = insert(stmt) {
        let Some(rowid) = taken_rowid(ctx.tx, id, &e)? else {
            return Ok(Some(problem(false, format!("cannot store the row: {e}"))));
        };
        if let Some((file, first)) = ctx.lines().locate(rowid) {
            return Ok(Some(problem(true, appears_twice(&quoted(id), file, first))));
        }
        if !ctx.replace {
            ctx.lines().claim(rowid, &header.file, line.number);
            return Ok(Some(problem(true, already_exists(&quoted(id)))));
        }
        replace_line(ctx, rowid)?;
        if let Err(e) = insert(stmt) {
            return Ok(Some(problem(false, format!("cannot store the row: {e}"))));
        }
    }
    ctx.inserted(&header.file, &[line.number], std::iter::once(line.date));
    Ok(None)
}

/// The rowid of the row holding `id`, when `e` is the constraint it breaks.
fn taken_rowid(tx: &Transaction, id: &str, e: &rusqlite::Error) -> rusqlite::Result<Option<i64>> {
    if !is_constraint(e) {
        return Ok(None);
    }
    tx.prepare_cached("SELECT rowid FROM transactions WHERE txn_id = ?1")?
        .query_row([id], |r| r.get(0))
        .optional()
}

/// `INSERT INTO transactions ... VALUES (...)` with `rows` rows of parameters.
///
/// `fresh`: loading into an empty table, where no insert can break a constraint (ids are
/// checked in order before they reach the index, see bulk.rs, and no value is NULL). `OR FAIL`
/// then spares SQLite a statement journal (a copy of the pages each statement touches, kept
/// to undo a statement that fails halfway); any failure still ends the whole import.
fn insert_statement<'t>(
    tx: &'t Transaction<'t>,
    header: &Header,
    rows: usize,
    fresh: bool,
) -> rusqlite::Result<Statement<'t>> {
    let names: String = header
        .elements
        .iter()
        .map(|e| format!(", \"{}\"", e.name))
        .collect();
    let marks = ", ?".repeat(header.elements.len());
    let row = format!("(?, ?, ?, ?, ?, ?, ?{marks})");
    let values = vec![row; rows].join(", ");
    tx.prepare(&format!(
        "INSERT {}INTO transactions (txn_id, date, customer_id, product_id, quantity, list_price, \
         unit_cost{names}) VALUES {values}",
        if fresh { "OR FAIL " } else { "" }
    ))
}

/// Binds the lines' texts and numbers (each line's numbers in turn) and runs the statement,
/// which has exactly `texts.len()` rows of parameters.
fn bind_and_insert(
    stmt: &mut Statement,
    texts: &[[&str; TEXTS]],
    numbers: &[&[f64]],
) -> rusqlite::Result<()> {
    let mut index = 1;
    for (texts, line) in texts.iter().zip(numbers) {
        index = bind_line(stmt, index, texts, line)?;
    }
    stmt.raw_execute().map(|_| ())
}

/// Binds one line's stored values from parameter `index` on; returns the next index.
fn bind_line(
    stmt: &mut Statement,
    mut index: usize,
    texts: &[&str; TEXTS],
    line: &[f64],
) -> rusqlite::Result<usize> {
    for t in texts {
        stmt.raw_bind_parameter(index, *t)?;
        index += 1;
    }
    for v in line[..STORED_NUMBERS].iter().chain(&line[NUMBERS..]) {
        stmt.raw_bind_parameter(index, *v)?;
        index += 1;
    }
    Ok(index)
}

/// `UPDATE transactions SET ... WHERE rowid = ?`: a line of `header` rewriting a row in place,
/// its parameters as [`bind_line`] binds them, then the rowid. The workspace's elements the
/// file has no column for become 0, as they would in a new row.
fn rewrite_statement<'t>(
    tx: &'t Transaction<'t>,
    header: &Header,
    elements: &[(String, bool)],
) -> rusqlite::Result<Statement<'t>> {
    let mut sets = String::from(
        "date = ?2, customer_id = ?3, product_id = ?4, quantity = ?5, list_price = ?6, unit_cost = ?7",
    );
    for (k, e) in header.elements.iter().enumerate() {
        sets.push_str(&format!(", \"{}\" = ?{}", e.name, 8 + k));
    }
    for (name, _) in elements {
        if !header.elements.iter().any(|e| e.name == *name) {
            sets.push_str(&format!(", \"{name}\" = 0"));
        }
    }
    let rowid = 8 + header.elements.len();
    tx.prepare(&format!(
        "UPDATE transactions SET {sets} WHERE rowid = ?{rowid} AND txn_id = ?1"
    ))
}

/// What [`rewrite_line`] did with a line.
enum Rewrite {
    /// The row from before the import that holds the line's id holds the same line.
    Same,
    /// It rewrote the row from before the import that held the line's id.
    Done,
    /// No row holds the id: the line is a new row.
    New,
    /// A line of this import already holds the id.
    Problem(Problem),
}

/// With `--replace`: rewrites in place the row from before this import that holds the line's
/// id, taking the row's old contribution out of the aggregates (the line's own is added with
/// the others'). In place, a replaced line costs about what a new one does: one lookup by id
/// and one row written, where a delete and an insert would rebalance the table and its index.
fn rewrite_line(
    ctx: &mut Writer,
    stmt: &mut Statements,
    header: &Header,
    line: &Line,
) -> rusqlite::Result<Rewrite> {
    let (Some(old_by_id), Some(rewrite)) = (stmt.old_by_id.as_mut(), stmt.rewrite.as_mut()) else {
        return Ok(Rewrite::New);
    };
    let elements = ctx.cat.elements.len();
    let id = line.texts[0];
    let Some((rowid, old)) = old_by_id
        .query_row([id], |r| {
            Ok((r.get::<_, i64>(0)?, read_old_line(r, elements)?))
        })
        .optional()?
    else {
        return Ok(Rewrite::New);
    };
    if let Some((file, first)) = ctx.lines().locate(rowid) {
        return Ok(Rewrite::Problem(Problem {
            file: header.file.clone(),
            line: line.number,
            column: Some(header.names[header.at(0)].clone()),
            message: appears_twice(&quoted(id), file, first),
        }));
    }
    if same_line(&old, line, ctx.slots) {
        ctx.lines().note_rewritten(&header.file, rowid, line.number);
        return Ok(Rewrite::Same);
    }
    subtract(ctx, &old);
    let next = bind_line(rewrite, 1, &line.texts, line.numbers)?;
    rewrite.raw_bind_parameter(next, rowid)?;
    rewrite.raw_execute()?;
    ctx.lines().note_rewritten(&header.file, rowid, line.number);
    ctx.blocks.note(rowid, line.date);
    Ok(Rewrite::Done)
}

pub fn is_constraint(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
}

/// A line of the table, as `--replace` takes it out.
struct OldLine {
    customer: String,
    product: String,
    date: String,
    /// quantity, list price, unit cost
    numbers: [f64; 3],
    /// In the workspace's element order.
    elements: Vec<f64>,
}

/// Removes the line at `rowid` (for `--replace`), taking its contribution out of the
/// aggregates.
fn replace_line(ctx: &mut Writer, rowid: i64) -> rusqlite::Result<()> {
    let sql = old_line_sql(&ctx.cat.elements, "rowid");
    let elements = ctx.cat.elements.len();
    let old = ctx
        .tx
        .prepare_cached(&sql)?
        .query_row([rowid], |r| read_old_line(r, elements))?;
    take_out(ctx, rowid, &old)
}

/// True when `line` says exactly what the stored row `old` says (its elements at the workspace
/// slots `slots`, every other element 0): rewriting it would change nothing.
fn same_line(old: &OldLine, line: &Line, slots: &[usize]) -> bool {
    let [date, customer, product] = [line.texts[1], line.texts[2], line.texts[3]];
    if old.date != date || old.customer != customer || old.product != product {
        return false;
    }
    if old.numbers[..] != line.numbers[..STORED_NUMBERS] {
        return false;
    }
    let new = &line.numbers[NUMBERS..];
    old.elements.iter().enumerate().all(|(slot, &v)| {
        let given = slots
            .iter()
            .position(|&s| s == slot)
            .map_or(0.0, |k| new[k]);
        v == given
    })
}

/// Deletes the line `old` read at `rowid` and takes its contribution out of the aggregates.
fn take_out(ctx: &mut Writer, rowid: i64, old: &OldLine) -> rusqlite::Result<()> {
    subtract(ctx, old);
    ctx.tx
        .prepare_cached("DELETE FROM transactions WHERE rowid = ?1")?
        .execute([rowid])?;
    Ok(())
}

/// Takes the line `old`'s contribution out of the aggregates.
fn subtract(ctx: &mut Writer, old: &OldLine) {
    let [quantity, list_price, unit_cost] = old.numbers;
    // As `transaction_lines` computes them: list − Σ on, then − Σ off, in element order.
    let (on, off) = ctx.cat.elements.iter().zip(&old.elements).fold(
        (0.0, 0.0),
        |(on, off), ((_, on_invoice), v)| match on_invoice {
            true => (on + v, off),
            false => (on, off + v),
        },
    );
    let (c, s) = ctx
        .cat
        .customers
        .get(&old.customer)
        .copied()
        .unwrap_or_default();
    let p = ctx.cat.product_index.get(&old.product).map_or(0, |x| x.0);
    let keys = LineKeys {
        segment: s,
        customer: c,
        product: p,
    };
    let line = LineAmounts {
        quantity,
        list_price,
        invoice_price: list_price - on,
        pocket_price: list_price - on - off,
        unit_cost,
        elements: &old.elements,
        slots: &(0..old.elements.len()).collect::<Vec<_>>(),
    };
    if let Some(d) = Date::parse(&old.date) {
        ctx.aggregates.add(keys, d, &line, -1.0);
    }
}

/// `SELECT rowid, ...` of the line whose `key` (`rowid` or `txn_id`) is `?1`, in the columns
/// [`read_old_line`] reads after the rowid; its segment comes from the catalogue.
fn old_line_sql(elements: &[(String, bool)], key: &str) -> String {
    let cols: String = elements.iter().map(|(n, _)| format!(", \"{n}\"")).collect();
    format!(
        "SELECT rowid, customer_id, product_id, date, quantity, list_price, unit_cost{cols} \
         FROM transactions WHERE {key} = ?1"
    )
}

fn read_old_line(r: &rusqlite::Row, elements: usize) -> rusqlite::Result<OldLine> {
    Ok(OldLine {
        customer: r.get(1)?,
        product: r.get(2)?,
        date: r.get(3)?,
        numbers: [r.get(4)?, r.get(5)?, r.get(6)?],
        elements: (0..elements)
            .map(|i| r.get(7 + i))
            .collect::<rusqlite::Result<_>>()?,
    })
}

/// The workspace slot of an element, adding its column to the tables if it is new.
pub(super) fn ensure_element(ctx: &mut Ctx, el: &ElementColumn) -> rusqlite::Result<usize> {
    if let Some(slot) = ctx.cat.elements.iter().position(|(n, _)| *n == el.name) {
        return Ok(slot);
    }
    for table in ["transactions", "agg_week", "agg_month", "agg_customer"] {
        ctx.tx.execute(
            &format!(
                "ALTER TABLE {table} ADD COLUMN \"{}\" REAL NOT NULL DEFAULT 0",
                el.name
            ),
            [],
        )?;
    }
    let kind = if el.on_invoice { "on" } else { "off" };
    ctx.tx.execute(
        "INSERT INTO elements (name, kind, position) VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM elements))",
        (&el.name, kind),
    )?;
    ctx.cat.elements.push((el.name.clone(), el.on_invoice));
    crate::store::schema::create_lines_view(ctx.tx, &ctx.cat.elements)?;
    ctx.aggregates.add_element();
    Ok(ctx.cat.elements.len() - 1)
}
