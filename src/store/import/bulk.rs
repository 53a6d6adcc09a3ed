//! Where the rows of one import call came from, so that an id met twice is reported with both
//! of its lines; and loading into an empty transaction table.
//!
//! Loading into an empty table: while the ids arrive in ascending order (the usual export:
//! sequential ids) the `txn_id` index grows at its right edge, which costs little. At the
//! first id out of order the index is dropped: the remaining rows are plain rowid appends
//! and the unique index is built once at the end by a sort, instead of each later row landing
//! at a random place in it. If that sort finds duplicate ids, the file lines are recovered
//! from the rowids through the runs of consecutive lines recorded while inserting.

use super::fxhash::FxHashMap;
use super::problem::{MAX_PROBLEMS, Problem, appears_twice, quoted};
use rusqlite::Transaction;
use std::collections::hash_map::Entry;

/// The files of one import, numbered, so that each origin holds a small number.
#[derive(Default)]
struct FileNames(Vec<String>);

impl FileNames {
    fn index(&mut self, file: &str) -> u32 {
        if self.0.last().is_none_or(|last| last != file) {
            self.0.push(file.to_string());
        }
        (self.0.len() - 1) as u32
    }

    fn name(&self, index: u32) -> &str {
        self.0.get(index as usize).map_or("", String::as_str)
    }
}

/// `rows` rows from rowid `rowid` on, which came from consecutive lines from `line` on.
struct Run {
    rowid: i64,
    rows: i64,
    line: u64,
    file: u32,
}

/// Where the rows an import added to one table came from, by rowid: runs of consecutive lines,
/// so memory grows with the number of runs (usually one a file), not with the rows.
///
/// SQLite gives a new row the largest rowid + 1, and no row an import added is deleted during
/// it (an id met twice is an error, not a replacement), so the rowids noted only grow. Rows
/// from before the import that `--replace` rewrote in place keep their rowids: they are kept
/// apart, in runs of their own and a bit per rowid.
/// The word and bit of `rowid` in [`RowLines::rewritten_bits`]: rowids a workspace's imports
/// give (from 1 up, one per line). Others (set by hand) are looked for in the runs.
fn bit_of(rowid: i64) -> Option<(usize, u32)> {
    (0..1 << 28)
        .contains(&rowid)
        .then_some(((rowid / 64) as usize, (rowid % 64) as u32))
}

#[derive(Default)]
pub struct RowLines {
    files: FileNames,
    runs: Vec<Run>,
    /// Rows rewritten by `--replace`, in the order rewritten (runs again: a corrected file
    /// usually comes in the order of the one it corrects).
    rewritten: Vec<Run>,
    /// One bit per rowid: set for the rows in `rewritten`.
    rewritten_bits: Vec<u64>,
    /// Rows of the workspace that a line without `--replace` had the id of: (rowid, file,
    /// line), the first [`MAX_PROBLEMS`] only.
    claims: Vec<(i64, u32, u64)>,
}

impl RowLines {
    /// Records that the rows `first_rowid`, `first_rowid + 1`, ... came from these lines of
    /// `file`.
    pub fn note(&mut self, file: &str, first_rowid: i64, lines: &[u64]) {
        let file = self.files.index(file);
        for (rowid, &line) in (first_rowid..).zip(lines) {
            match self.runs.last_mut() {
                Some(r)
                    if r.file == file
                        && r.rowid + r.rows == rowid
                        && r.line + r.rows as u64 == line =>
                {
                    r.rows += 1;
                }
                _ => self.runs.push(Run {
                    rowid,
                    rows: 1,
                    line,
                    file,
                }),
            }
        }
    }

    /// Records that the row `rowid`, from before this import, now holds `line` of `file`
    /// (rewritten in place by `--replace`).
    pub fn note_rewritten(&mut self, file: &str, rowid: i64, line: u64) {
        let file = self.files.index(file);
        if let Some((word, bit)) = bit_of(rowid) {
            if self.rewritten_bits.len() <= word {
                self.rewritten_bits.resize(word + 1, 0);
            }
            self.rewritten_bits[word] |= 1 << bit;
        }
        match self.rewritten.last_mut() {
            Some(r)
                if r.file == file
                    && r.rowid + r.rows == rowid
                    && r.line + r.rows as u64 == line =>
            {
                r.rows += 1;
            }
            _ => self.rewritten.push(Run {
                rowid,
                rows: 1,
                line,
                file,
            }),
        }
    }

    /// The file and line of a row `--replace` rewrote in this import.
    fn rewritten_at(&self, rowid: i64) -> Option<(u32, u64)> {
        if let Some((word, bit)) = bit_of(rowid) {
            let set = self
                .rewritten_bits
                .get(word)
                .is_some_and(|w| w & (1 << bit) != 0);
            if !set {
                return None;
            }
        }
        self.rewritten
            .iter()
            .find(|r| r.rowid <= rowid && rowid < r.rowid + r.rows)
            .map(|r| (r.file, r.line + (rowid - r.rowid) as u64))
    }

    /// Records that a line of `file` had the id of the workspace's row `rowid` (without
    /// `--replace`: the row stays, the line is a problem).
    ///
    /// Each claim is a problem, and problems come in line order, of which only the first
    /// [`MAX_PROBLEMS`] are shown: a later line naming a claim past those would not be shown
    /// either. So a few claims are kept, not one per line of a file imported twice.
    pub fn claim(&mut self, rowid: i64, file: &str, line: u64) {
        if self.claims.len() < MAX_PROBLEMS {
            let file = self.files.index(file);
            self.claims.push((rowid, file, line));
        }
    }

    /// The file and line a row came from, when this import added or claimed it.
    pub fn locate(&self, rowid: i64) -> Option<(&str, u64)> {
        let at = self.runs.partition_point(|r| r.rowid <= rowid);
        let run = at.checked_sub(1).and_then(|i| self.runs.get(i));
        let added = run.and_then(|run| {
            (rowid < run.rowid + run.rows)
                .then(|| (run.file, run.line + (rowid - run.rowid) as u64))
        });
        let claimed = || {
            self.claims
                .iter()
                .find(|c| c.0 == rowid)
                .map(|c| (c.1, c.2))
        };
        let (file, line) = added
            .or_else(|| self.rewritten_at(rowid))
            .or_else(claimed)?;
        Some((self.files.name(file), line))
    }
}

/// Where the rows of one import call came from, over all its files: segments, customers and
/// products by id (`--replace` updates their rows in place), the other tables by rowid.
#[derive(Default)]
pub struct Seen {
    files: FileNames,
    ids: FxHashMap<(&'static str, String), (u32, u64)>,
    pub quotes: RowLines,
    pub survey: RowLines,
    /// Lines added to a transaction table that held rows ([`BulkLines`] keeps the others).
    pub transactions: RowLines,
}

impl Seen {
    /// Where this import met `id` of `table` before; if it did not, records it as met on
    /// `line` of `file`.
    pub fn first(
        &mut self,
        table: &'static str,
        id: &str,
        file: &str,
        line: u64,
    ) -> Option<(&str, u64)> {
        match self.ids.entry((table, id.to_string())) {
            Entry::Occupied(e) => {
                let &(first_file, first_line) = e.get();
                Some((self.files.name(first_file), first_line))
            }
            Entry::Vacant(e) => {
                e.insert((self.files.index(file), line));
                None
            }
        }
    }
}

/// Lines appended to an empty transaction table: where they came from, and whether their ids
/// were in order.
#[derive(Default)]
pub struct BulkLines {
    pub lines: RowLines,
    /// The greatest id so far, while every id has been greater than the one before.
    last_id: String,
    /// The `txn_id` index was dropped, to be built at the end.
    index_dropped: bool,
}

impl BulkLines {
    /// Before inserting rows with these ids: drops the `txn_id` index for the rest of the
    /// transaction (restored on rollback) unless the ids continue in strictly ascending order.
    pub fn check_order<'i>(
        &mut self,
        tx: &Transaction,
        ids: impl Iterator<Item = &'i str>,
    ) -> rusqlite::Result<()> {
        if self.index_dropped {
            return Ok(());
        }
        let mut last = self.last_id.as_str();
        let mut ascending = true;
        for id in ids {
            // Ids are never empty: an empty `last` means no id yet.
            if !(last.is_empty() || id > last) {
                ascending = false;
                break;
            }
            last = id;
        }
        if ascending {
            let last = last.to_string();
            self.last_id = last;
        } else {
            tx.execute("DROP INDEX transactions_txn_id", [])?;
            self.index_dropped = true;
        }
        Ok(())
    }

    /// Builds the unique index if it was dropped; duplicate ids become problems naming their
    /// lines.
    pub fn finish(self, tx: &Transaction, push: &mut dyn FnMut(Problem)) -> rusqlite::Result<()> {
        if !self.index_dropped {
            return Ok(());
        }
        match tx.execute(crate::store::schema::TXN_ID_INDEX, []) {
            Ok(_) => Ok(()),
            Err(e) if super::transactions::is_constraint(&e) => self.report_duplicates(tx, push),
            Err(e) => Err(e),
        }
    }

    fn report_duplicates(
        &self,
        tx: &Transaction,
        push: &mut dyn FnMut(Problem),
    ) -> rusqlite::Result<()> {
        let mut stmt = tx.prepare(
            "SELECT txn_id, rowid FROM transactions WHERE txn_id IN \
             (SELECT txn_id FROM transactions GROUP BY txn_id HAVING COUNT(*) > 1) ORDER BY txn_id, rowid",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut problems = Vec::new();
        let mut first: Option<(String, i64)> = None;
        for row in rows {
            let (id, rowid) = row?;
            match &first {
                Some((first_id, first_rowid)) if *first_id == id => {
                    problems.push(self.twice(&id, *first_rowid, rowid));
                }
                _ => first = Some((id, rowid)),
            }
        }
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        problems.into_iter().for_each(push);
        Ok(())
    }

    /// The problem of the row `rowid`, whose id the row `first_rowid` has too.
    fn twice(&self, id: &str, first_rowid: i64, rowid: i64) -> Problem {
        let (first_file, first_line) = self.lines.locate(first_rowid).unwrap_or_default();
        let (file, line) = self.lines.locate(rowid).unwrap_or_default();
        Problem {
            file: file.to_string(),
            line,
            column: Some("txn_id".into()),
            message: appears_twice(&quoted(id), first_file, first_line),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{BulkLines, MAX_PROBLEMS, RowLines, Seen};
    use rusqlite::Connection;

    fn has_index(conn: &Connection) -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'transactions_txn_id')",
            [],
            |r| r.get(0),
        )
    }

    #[test]
    fn the_index_stays_while_ids_ascend_and_is_rebuilt_after_the_first_out_of_order()
    -> rusqlite::Result<()> {
        let mut conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE transactions (txn_id TEXT NOT NULL);
             CREATE UNIQUE INDEX transactions_txn_id ON transactions(txn_id);",
        )?;
        let tx = conn.transaction()?;
        let mut bulk = BulkLines::default();
        bulk.check_order(&tx, ["T1", "T2"].into_iter())?;
        bulk.check_order(&tx, ["T3"].into_iter())?;
        assert!(has_index(&tx)?, "ascending ids keep the index");
        // An id equal to the last one is not ascending either (it is a duplicate).
        bulk.check_order(&tx, ["T3"].into_iter())?;
        assert!(!has_index(&tx)?, "the first id out of order drops it");
        bulk.check_order(&tx, ["T9", "T4"].into_iter())?;
        bulk.finish(&tx, &mut |_| {})?;
        assert!(has_index(&tx)?, "finish builds it again");
        Ok(())
    }

    #[test]
    fn row_lines_locate_each_row_and_only_the_rows_noted() {
        let mut lines = RowLines::default();
        lines.note("a.csv", 5, &[2, 3, 4]);
        lines.note("a.csv", 8, &[6, 7]);
        lines.note("b.csv", 10, &[2]);
        let found: Vec<_> = (4..=11).map(|rowid| lines.locate(rowid)).collect();
        assert_eq!(
            found,
            [
                None,
                Some(("a.csv", 2)),
                Some(("a.csv", 3)),
                Some(("a.csv", 4)),
                Some(("a.csv", 6)),
                Some(("a.csv", 7)),
                Some(("b.csv", 2)),
                None,
            ]
        );
        assert_eq!(lines.runs.len(), 3, "consecutive lines share a run");
    }

    #[test]
    fn row_lines_locate_the_first_claims_of_workspace_rows() {
        let mut lines = RowLines::default();
        lines.note("a.csv", 100, &[2, 3]);
        for (rowid, line) in (1..=MAX_PROBLEMS as i64 + 1).zip(10..) {
            lines.claim(rowid, "a.csv", line);
        }
        assert_eq!(lines.locate(1), Some(("a.csv", 10)));
        assert_eq!(lines.locate(101), Some(("a.csv", 3)));
        assert_eq!(
            lines.locate(MAX_PROBLEMS as i64),
            Some(("a.csv", 9 + MAX_PROBLEMS as u64))
        );
        assert_eq!(lines.locate(MAX_PROBLEMS as i64 + 1), None);
    }

    #[test]
    fn seen_names_the_first_file_and_line_of_an_id() {
        let mut seen = Seen::default();
        assert_eq!(seen.first("customers", "C1", "customers.csv", 2), None);
        assert_eq!(seen.first("products", "C1", "products.csv", 3), None);
        assert_eq!(
            seen.first("customers", "C1", "customers_b.csv", 9),
            Some(("customers.csv", 2))
        );
    }
}
