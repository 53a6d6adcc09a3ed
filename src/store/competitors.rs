//! Reads of competitor prices (`competitor_prices`, from competitors.csv) and of our monthly
//! invoice and pocket revenue (`agg_month`) to index them against.

use super::{StoreError, Workspace};
use crate::model::competitor::{CompetitorPrice, OurMonth};

/// The first and last date of the competitor prices dated from `from` to `to` (inclusive;
/// `None` = open), if any.
pub fn period_used(
    ws: &Workspace,
    from: Option<crate::date::Date>,
    to: Option<crate::date::Date>,
) -> Result<Option<(String, String)>, StoreError> {
    let (from, to) = (
        from.map_or(String::new(), |d| d.to_string()),
        to.map_or("9999".to_string(), |d| d.to_string()),
    );
    let range: (Option<String>, Option<String>) = ws.conn().query_row(
        "SELECT min(date), max(date) FROM competitor_prices WHERE date >= ?1 AND date <= ?2",
        (&from, &to),
        |r| Ok((r.get(0)?, r.get(1)?)),
    )?;
    Ok(range.0.zip(range.1))
}

/// Every competitor price dated from `from` to `to` (YYYY-MM-DD, inclusive; `None` = open), in
/// competitor, competitor product, product, date order.
pub fn competitor_prices(
    ws: &Workspace,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<Vec<CompetitorPrice>, StoreError> {
    let mut stmt = ws.conn().prepare_cached(
        "SELECT date, competitor, product_id, competitor_product, price FROM competitor_prices
         WHERE date >= ?1 AND date <= ?2
         ORDER BY competitor, competitor_product, product_id, date",
    )?;
    let rows = stmt.query_map((from.unwrap_or(""), to.unwrap_or("9999")), |r| {
        Ok(CompetitorPrice {
            date: r.get(0)?,
            competitor: r.get(1)?,
            product_id: r.get(2)?,
            competitor_product: r.get(3)?,
            price: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Our sums per product (or segment × product, `by_segment`) and calendar month, of the
/// months from `from_month` to `to_month` (YYYY-MM, inclusive; `None` = open).
pub fn our_months(
    ws: &Workspace,
    by_segment: bool,
    from_month: Option<&str>,
    to_month: Option<&str>,
) -> Result<Vec<OurMonth>, StoreError> {
    let (select, group) = match by_segment {
        true => ("segment_id", "segment_id, product_id"),
        false => ("NULL", "product_id"),
    };
    let sql = format!(
        "SELECT {select}, product_id, substr(period, 1, 7) AS month, SUM(quantity),
                SUM(list_revenue), SUM(invoice_revenue), SUM(pocket_revenue)
         FROM agg_month WHERE substr(period, 1, 7) >= ?1 AND substr(period, 1, 7) <= ?2
         GROUP BY {group}, month ORDER BY {group}, month"
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let rows = stmt.query_map(
        (from_month.unwrap_or(""), to_month.unwrap_or("9999")),
        |r| {
            Ok(OurMonth {
                segment_id: r.get(0)?,
                product_id: r.get(1)?,
                month: r.get(2)?,
                quantity: r.get(3)?,
                list_revenue: r.get(4)?,
                invoice_revenue: r.get(5)?,
                pocket_revenue: r.get(6)?,
            })
        },
    )?;
    Ok(rows.collect::<Result<_, _>>()?)
}
