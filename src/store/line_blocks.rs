//! `line_blocks`: the first and last date of the transaction lines in each block of
//! [`BLOCK_ROWS`] consecutive rowids — a zone map, as column stores keep one per row group. A
//! question over days that do not make whole months reads only the lines of the blocks whose
//! dates reach into those days, by rowid range, instead of scanning the table.
//!
//! Kept by the import (every row it inserts widens its block's dates; a row deleted by
//! `--replace` leaves them as wide as they were, which is still right), and by the v7
//! migration from a scan. Lines usually come in date order, so a month's lines sit in a few
//! blocks; lines in no order make every block wide, and a range then reads more blocks — as
//! slow as a scan at worst, never wrong. Plain SQL: `block` is `rowid >> 14`, `last_rowid` the
//! largest rowid an import noted in it.

use crate::date::Date;
use rusqlite::Connection;
use std::collections::BTreeMap;

/// log2 of the rows per block.
pub const BLOCK_SHIFT: u32 = 14;
/// Rowids per block.
pub const BLOCK_ROWS: i64 = 1 << BLOCK_SHIFT;

/// Block dates gathered while inserting, written at the end of an import.
#[derive(Debug, Default)]
pub struct LineBlocks {
    /// Per block: its first and last date, and the largest rowid noted in it.
    blocks: BTreeMap<i64, (Date, Date, i64)>,
    /// The last block noted, its dates and largest rowid, written back when another block is met.
    current: Option<(i64, Date, Date, i64)>,
}

impl LineBlocks {
    /// Notes the line at `rowid` dated `date`.
    pub fn note(&mut self, rowid: i64, date: Date) {
        let block = rowid >> BLOCK_SHIFT;
        match &mut self.current {
            Some((b, lo, hi, top)) if *b == block => {
                *lo = (*lo).min(date);
                *hi = (*hi).max(date);
                *top = (*top).max(rowid);
            }
            _ => {
                self.settle();
                self.current = Some((block, date, date, rowid));
            }
        }
    }

    /// Notes consecutive lines from `first_rowid` on.
    pub fn note_run(&mut self, first_rowid: i64, dates: impl Iterator<Item = Date>) {
        for (rowid, date) in (first_rowid..).zip(dates) {
            self.note(rowid, date);
        }
    }

    fn settle(&mut self) {
        if let Some((block, lo, hi, top)) = self.current.take() {
            let e = self.blocks.entry(block).or_insert((lo, hi, top));
            e.0 = e.0.min(lo);
            e.1 = e.1.max(hi);
            e.2 = e.2.max(top);
        }
    }

    /// Widens the stored blocks by what was noted.
    pub fn write(mut self, conn: &Connection) -> rusqlite::Result<()> {
        self.settle();
        let mut stmt = conn.prepare(
            "INSERT INTO line_blocks (block, first_date, last_date, last_rowid) \
             VALUES (?1, ?2, ?3, ?4) ON CONFLICT (block) DO UPDATE SET \
             first_date = MIN(first_date, excluded.first_date), \
             last_date = MAX(last_date, excluded.last_date), \
             last_rowid = MAX(last_rowid, excluded.last_rowid)",
        )?;
        for (block, (lo, hi, top)) in self.blocks {
            stmt.execute((block, lo.to_string(), hi.to_string(), top))?;
        }
        Ok(())
    }
}

/// The rowid ranges (inclusive, ascending, adjacent blocks merged) that hold every line dated
/// from `from` to `to`. Rowids past the largest one an import noted are always included: a
/// line added to `transactions` by hand (SQL, not `pricebench import`) after the last import
/// is still read, as a scan would read it. (A date changed by hand is not seen, as no
/// aggregate sees it.)
pub fn rowid_ranges(conn: &Connection, from: Date, to: Date) -> rusqlite::Result<Vec<(i64, i64)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT block FROM line_blocks WHERE first_date <= ?2 AND last_date >= ?1 ORDER BY block",
    )?;
    let blocks = stmt.query_map((from.to_string(), to.to_string()), |r| r.get::<_, i64>(0))?;
    let mut out: Vec<(i64, i64)> = Vec::new();
    for block in blocks {
        let block = block?;
        let (lo, hi) = (block << BLOCK_SHIFT, ((block + 1) << BLOCK_SHIFT) - 1);
        match out.last_mut() {
            Some(last) if last.1 + 1 == lo => last.1 = hi,
            _ => out.push((lo, hi)),
        }
    }
    let last: Option<i64> =
        conn.query_row("SELECT MAX(last_rowid) FROM line_blocks", [], |r| r.get(0))?;
    let rest = last.map_or(i64::MIN, |top| top + 1);
    match out.last_mut() {
        Some(range) if range.1 + 1 >= rest => range.1 = i64::MAX,
        _ => out.push((rest, i64::MAX)),
    }
    Ok(out)
}

/// [`rowid_ranges`], each range with whether its lines' dates must still be checked: false
/// where every block of the range lies within `from..=to` (most of a long range), true at its
/// ends and for the rowids past the last import.
pub fn rowid_ranges_checked(
    conn: &Connection,
    from: Date,
    to: Date,
) -> rusqlite::Result<Vec<((i64, i64), bool)>> {
    let mut stmt = conn.prepare_cached(
        "SELECT block, first_date >= ?1 AND last_date <= ?2 FROM line_blocks \
         WHERE first_date <= ?2 AND last_date >= ?1 ORDER BY block",
    )?;
    let blocks = stmt.query_map((from.to_string(), to.to_string()), |r| {
        Ok((r.get::<_, i64>(0)?, r.get::<_, bool>(1)?))
    })?;
    let mut out: Vec<((i64, i64), bool)> = Vec::new();
    for block in blocks {
        let (block, inside) = block?;
        let (lo, hi) = (block << BLOCK_SHIFT, ((block + 1) << BLOCK_SHIFT) - 1);
        match out.last_mut() {
            Some((last, check)) if last.1 + 1 == lo && *check != inside => last.1 = hi,
            _ => out.push(((lo, hi), !inside)),
        }
    }
    let last: Option<i64> =
        conn.query_row("SELECT MAX(last_rowid) FROM line_blocks", [], |r| r.get(0))?;
    let rest = last.map_or(i64::MIN, |top| top + 1);
    // The rowids past the last import, checked (as one range with a checked block before).
    match out.last_mut() {
        Some((range, true)) if range.1 + 1 >= rest => range.1 = i64::MAX,
        Some((range, false)) if range.1 + 1 > rest => {
            range.1 = rest - 1;
            out.push(((rest, i64::MAX), true));
        }
        _ => out.push(((rest, i64::MAX), true)),
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date(0))
    }

    #[test]
    fn blocks_widen_and_ranges_merge_adjacent_blocks() -> rusqlite::Result<()> {
        let conn = Connection::open_in_memory()?;
        conn.execute_batch(
            "CREATE TABLE line_blocks (block INTEGER PRIMARY KEY, first_date TEXT NOT NULL, \
             last_date TEXT NOT NULL, last_rowid INTEGER NOT NULL)",
        )?;
        let mut blocks = LineBlocks::default();
        // Block 0: January; block 1: February; block 2: March, and a stray January line.
        blocks.note_run(1, [day("2024-01-05"), day("2024-01-31")].into_iter());
        blocks.note(BLOCK_ROWS, day("2024-02-01"));
        blocks.note(BLOCK_ROWS + 7, day("2024-02-20"));
        blocks.note(2 * BLOCK_ROWS, day("2024-03-02"));
        blocks.write(&conn)?;
        let mut later = LineBlocks::default();
        later.note(2 * BLOCK_ROWS + 1, day("2024-01-10"));
        later.write(&conn)?;
        let got: Vec<(i64, String, String, i64)> = conn
            .prepare("SELECT * FROM line_blocks ORDER BY block")?
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?)))?
            .collect::<rusqlite::Result<_>>()?;
        let b = BLOCK_ROWS;
        assert_eq!(
            got,
            vec![
                (0, "2024-01-05".into(), "2024-01-31".into(), 2),
                (1, "2024-02-01".into(), "2024-02-20".into(), b + 7),
                (2, "2024-01-10".into(), "2024-03-02".into(), 2 * b + 1),
            ]
        );
        // Past the largest rowid noted, rows no import noted (lines added by hand) are read.
        let rest = (2 * b + 2, i64::MAX);
        assert_eq!(
            rowid_ranges(&conn, day("2024-02-10"), day("2024-02-10"))?,
            vec![(b, i64::MAX)]
        );
        assert_eq!(
            rowid_ranges(&conn, day("2024-01-20"), day("2024-01-31"))?,
            vec![(0, b - 1), (2 * b, i64::MAX)]
        );
        assert_eq!(
            rowid_ranges(&conn, day("2024-04-01"), day("2024-04-30"))?,
            vec![rest]
        );
        // Which ranges need their dates checked: not those of blocks wholly inside.
        let checked = |from: &str, to: &str| rowid_ranges_checked(&conn, day(from), day(to));
        assert_eq!(
            checked("2024-02-01", "2024-02-29")?,
            vec![((b, 2 * b - 1), false), ((2 * b, i64::MAX), true)]
        );
        assert_eq!(
            checked("2024-01-01", "2024-03-31")?,
            vec![((0, 2 * b + 1), false), (rest, true)]
        );
        assert_eq!(
            checked("2024-01-20", "2024-01-31")?,
            vec![((0, b - 1), true), ((2 * b, i64::MAX), true)]
        );
        assert_eq!(checked("2024-04-01", "2024-04-30")?, vec![(rest, true)]);
        conn.execute("DELETE FROM line_blocks", [])?;
        assert_eq!(
            rowid_ranges(&conn, day("2024-04-01"), day("2024-04-30"))?,
            vec![(i64::MIN, i64::MAX)]
        );
        assert_eq!(
            checked("2024-04-01", "2024-04-30")?,
            vec![((i64::MIN, i64::MAX), true)]
        );
        Ok(())
    }
}
