//! What a workspace of aggregates (made by `import --aggregates`, see
//! [`super::import::aggregates_in`]) cannot answer, and the error that says so instead of an
//! answer of zeros: anything that reads the transaction lines themselves (one point per line
//! in the band, the Data view's transactions), and a date range that covers part of a month
//! on a day with lines (whole months come from the sums; the days of a part month only from
//! lines).

use super::{StoreError, Workspace};
use crate::date::Date;

/// Whether the workspace holds aggregates only (cheap: one lookup in `import_log`).
pub fn is_aggregates_only(ws: &Workspace) -> Result<bool, StoreError> {
    Ok(super::import::aggregates_in::is_aggregates_only(ws.conn())?)
}

/// The error for `what` (e.g. "band --basis transaction") on a workspace of aggregates.
pub fn needs_lines(what: &str) -> StoreError {
    StoreError::AggregatesOnly(format!("{what} needs transaction lines"))
}

/// [`needs_lines`] when the workspace holds aggregates only.
pub fn require_lines(ws: &Workspace, what: &str) -> Result<(), StoreError> {
    match is_aggregates_only(ws)? {
        true => Err(needs_lines(what)),
        false => Ok(()),
    }
}

/// One question's range and the days of it that only lines can give (added or taken out).
pub struct DayRanges {
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub days: Vec<(Date, Date)>,
}

/// On a workspace of aggregates: an error naming the months of the first question whose part
/// months have lines on their days to read, or `Ok` when none has (days before or after the
/// data, or without sales: nothing to read, and the sums answer alone).
pub fn check_days(ws: &Workspace, questions: &[DayRanges]) -> Result<(), StoreError> {
    let mut stmt = ws
        .conn()
        .prepare("SELECT DISTINCT date FROM agg_list_day ORDER BY date")?;
    let days_with_lines: Vec<Date> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .filter_map(|d| d.ok().and_then(|d| Date::parse(&d)))
        .collect();
    let has_lines = |(a, b): (Date, Date)| {
        let i = days_with_lines.partition_point(|d| *d < a);
        days_with_lines.get(i).is_some_and(|d| *d <= b)
    };
    for q in questions {
        let mut months: Vec<Date> = q
            .days
            .iter()
            .copied()
            .filter(|&r| has_lines(r))
            .map(|(a, _)| a.month_start())
            .collect();
        if months.is_empty() {
            continue;
        }
        months.sort();
        months.dedup();
        return Err(StoreError::AggregatesOnly(part_months_message(
            q.from, q.to, &months,
        )));
    }
    Ok(())
}

fn month_text(m: Date) -> String {
    let (y, mo, _) = m.ymd();
    format!("{y:04}-{mo:02}")
}

/// "2024-02-03 to 2025-01-15 covers part of 2024-02 and 2025-01, ...".
fn part_months_message(from: Option<Date>, to: Option<Date>, months: &[Date]) -> String {
    let range = match (from, to) {
        (Some(f), Some(t)) => format!("{f} to {t}"),
        (Some(f), None) => format!("from {f} on"),
        (None, Some(t)) => format!("up to {t}"),
        (None, None) => "the range".to_string(),
    };
    let names: Vec<String> = months.iter().map(|&m| month_text(m)).collect();
    let list = match names.as_slice() {
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
        [] => String::new(),
    };
    let end_of_month = |d: Date| d.add_days(31).month_start().add_days(-1);
    let whole = match (from, to) {
        (Some(f), Some(t)) => format!(" (e.g. {} to {})", f.month_start(), end_of_month(t)),
        (Some(f), None) => format!(" (e.g. from {} on)", f.month_start()),
        (None, Some(t)) => format!(" (e.g. up to {})", end_of_month(t)),
        (None, None) => String::new(),
    };
    let its = if months.len() == 1 { "its" } else { "their" };
    format!(
        "{range} covers part of {list}, and {its} days need transaction lines: whole months work{whole}"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> Date {
        Date::parse(s).unwrap_or(Date(0))
    }

    #[test]
    fn the_message_names_the_part_months_and_whole_months_that_work() {
        let m = part_months_message(
            Some(day("2024-02-03")),
            Some(day("2025-01-15")),
            &[day("2024-02-01"), day("2025-01-01")],
        );
        assert_eq!(
            m,
            "2024-02-03 to 2025-01-15 covers part of 2024-02 and 2025-01, and their days need transaction lines: whole months work (e.g. 2024-02-01 to 2025-01-31)"
        );
        let m = part_months_message(None, Some(day("2024-02-10")), &[day("2024-02-01")]);
        assert_eq!(
            m,
            "up to 2024-02-10 covers part of 2024-02, and its days need transaction lines: whole months work (e.g. up to 2024-02-29)"
        );
        let m = part_months_message(
            Some(day("2024-12-30")),
            None,
            &[day("2024-10-01"), day("2024-11-01"), day("2024-12-01")],
        );
        assert!(m.starts_with("from 2024-12-30 on covers part of 2024-10, 2024-11 and 2024-12,"));
    }
}
