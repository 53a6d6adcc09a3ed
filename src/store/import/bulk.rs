//! Loading into an empty transaction table: rows are appended without the `txn_id` index (a
//! rowid append is about half the work of a keyed insert) and the unique index is built once
//! at the end by a sort. If that finds duplicate ids, the file lines are recovered from the
//! rowids through the runs of consecutive lines recorded while inserting.

use super::problem::Problem;
use rusqlite::Transaction;

/// The index that keeps `txn_id` unique (see schema.rs).
const INDEX_SQL: &str = "CREATE UNIQUE INDEX transactions_txn_id ON transactions(txn_id)";

/// Where the appended rows came from: rowid → (file, line).
#[derive(Default)]
pub struct BulkLines {
    inserted: i64,
    /// (first rowid, its line, file) for each run of consecutive lines.
    runs: Vec<(i64, u64, String)>,
}

impl BulkLines {
    /// Drops the `txn_id` index for the rest of the transaction (restored on rollback).
    pub fn start(tx: &Transaction) -> rusqlite::Result<BulkLines> {
        tx.execute("DROP INDEX transactions_txn_id", [])?;
        Ok(BulkLines::default())
    }

    /// Records that the next appended row (rowid = count so far + 1) came from `file:line`.
    pub fn note(&mut self, file: &str, line: u64) {
        self.inserted += 1;
        let continues = self.runs.last().is_some_and(|(rowid, first, f)| {
            f == file && line == first + (self.inserted - rowid) as u64
        });
        if !continues {
            self.runs.push((self.inserted, line, file.to_string()));
        }
    }

    fn locate(&self, rowid: i64) -> (String, u64) {
        let at = self.runs.partition_point(|(first, _, _)| *first <= rowid);
        match at.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some((first, line, file)) => (file.clone(), line + (rowid - first) as u64),
            None => (String::new(), 0),
        }
    }

    /// Builds the unique index; duplicate ids become problems naming their lines.
    pub fn finish(self, tx: &Transaction, push: &mut dyn FnMut(Problem)) -> rusqlite::Result<()> {
        match tx.execute(INDEX_SQL, []) {
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
        let mut first: Option<(String, u64)> = None;
        for row in rows {
            let (id, rowid) = row?;
            let (file, line) = self.locate(rowid);
            match &first {
                Some((first_id, first_line)) if *first_id == id => problems.push(Problem {
                    file,
                    line,
                    column: Some("txn_id".into()),
                    message: format!("'{id}' is a duplicate id (also on line {first_line})"),
                }),
                _ => first = Some((id, line)),
            }
        }
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        problems.into_iter().for_each(push);
        Ok(())
    }
}
