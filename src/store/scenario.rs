//! Reads for scenarios: the ids a scenario may name and the baseline period it covers.

use super::{StoreError, Workspace};
use crate::date::Date;
use crate::scenario::file::{BaselinePeriod, Catalog};

/// The segments, products (with family) and element columns of the workspace.
pub fn catalog(ws: &Workspace) -> Result<Catalog, StoreError> {
    let conn = ws.conn();
    let strings = |sql: &str| -> Result<Vec<String>, StoreError> {
        let mut stmt = conn.prepare(sql)?;
        let rows = stmt.query_map([], |r| r.get(0))?;
        Ok(rows.collect::<Result<_, _>>()?)
    };
    let mut stmt = conn.prepare("SELECT product_id, family FROM products ORDER BY product_id")?;
    let products = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    Ok(Catalog {
        segments: strings("SELECT segment_id FROM segments ORDER BY segment_id")?,
        products,
        elements: super::elements(ws)?.into_iter().map(|e| e.name).collect(),
    })
}

/// The baseline period's first and last day: the scenario's, or by default the twelve calendar
/// months ending with the last *whole* month that has transactions (read from `agg_month`, not
/// `date_range`, which the import does not always fill). The last month counts as whole when
/// the data run to within a week of its end (`date_range`, when filled, says how far they run);
/// a month the data barely enter (three lines on the 2nd) would otherwise cut the baseline's
/// volume by a twelfth. `None` without transactions.
pub fn baseline_period(
    ws: &Workspace,
    period: &BaselinePeriod,
) -> Result<Option<(Date, Date)>, StoreError> {
    let last: Option<String> =
        ws.conn()
            .query_row("SELECT MAX(period) FROM agg_month", [], |r| r.get(0))?;
    let Some(last_month) = last.as_deref().and_then(Date::parse) else {
        return Ok(None);
    };
    let given =
        |v: &Option<toml::Spanned<String>>| v.as_ref().and_then(|s| Date::parse(s.get_ref()));
    // The first of the next month, less a day.
    let month_end = last_month.add_days(40).month_start().add_days(-1);
    let last_day: Option<String> = ws
        .conn()
        .query_row("SELECT MAX(last_date) FROM date_range", [], |r| r.get(0))
        .unwrap_or(None);
    let partial = last_day
        .as_deref()
        .and_then(Date::parse)
        .is_some_and(|d| d >= last_month && d < month_end.add_days(-6));
    let whole_end = match partial {
        true => last_month.add_days(-1),
        false => month_end,
    };
    let end = given(&period.to).unwrap_or(whole_end);
    let start = given(&period.from).unwrap_or_else(|| {
        let (y, m, _) = end.ymd();
        let months = y * 12 + m as i32 - 1 - 11;
        Date::from_ymd(months.div_euclid(12), months.rem_euclid(12) as u32 + 1, 1).unwrap_or(end)
    });
    Ok(Some((start, end)))
}
