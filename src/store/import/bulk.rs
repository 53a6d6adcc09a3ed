//! Loading into an empty transaction table. While the ids arrive in ascending order (the usual
//! export: sequential ids) the `txn_id` index grows at its right edge, which costs little. At
//! the first id out of order the index is dropped: the remaining rows are plain rowid appends
//! and the unique index is built once at the end by a sort, instead of each later row landing
//! at a random place in it. If that sort finds duplicate ids, the file lines are recovered
//! from the rowids through the runs of consecutive lines recorded while inserting.

use super::problem::{Problem, quoted};
use rusqlite::Transaction;

/// Where the appended rows came from (rowid → file, line), and whether their ids were in order.
#[derive(Default)]
pub struct BulkLines {
    inserted: i64,
    /// (first rowid, its line, file) for each run of consecutive lines.
    runs: Vec<(i64, u64, String)>,
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
            if !(self.inserted == 0 && last.is_empty() || id > last) {
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

    /// Records that the next appended rows (rowids = count so far + 1, + 2, ...) came from
    /// these lines of `file`.
    pub fn note(&mut self, file: &str, lines: &[u64]) {
        let mut same_file = self.runs.last().is_some_and(|(_, _, f)| f == file);
        for &line in lines {
            self.inserted += 1;
            let continues = same_file
                && self.runs.last().is_some_and(|(rowid, first, _)| {
                    line == first + (self.inserted - rowid) as u64
                });
            if !continues {
                self.runs.push((self.inserted, line, file.to_string()));
                same_file = true;
            }
        }
    }

    fn locate(&self, rowid: i64) -> (String, u64) {
        let at = self.runs.partition_point(|(first, _, _)| *first <= rowid);
        match at.checked_sub(1).and_then(|i| self.runs.get(i)) {
            Some((first, line, file)) => (file.clone(), line + (rowid - first) as u64),
            None => (String::new(), 0),
        }
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
        let mut first: Option<(String, u64)> = None;
        for row in rows {
            let (id, rowid) = row?;
            let (file, line) = self.locate(rowid);
            match &first {
                Some((first_id, first_line)) if *first_id == id => problems.push(Problem {
                    file,
                    line,
                    column: Some("txn_id".into()),
                    message: format!(
                        "{} is a duplicate id (also on line {first_line})",
                        quoted(&id)
                    ),
                }),
                _ => first = Some((id, line)),
            }
        }
        problems.sort_by(|a, b| (&a.file, a.line).cmp(&(&b.file, b.line)));
        problems.into_iter().for_each(push);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::BulkLines;
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
}
