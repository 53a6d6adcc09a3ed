//! Units of measure (`products.uom`): which groups of a question sum quantities of products
//! in different units, so that no summed quantity or per-unit price is shown for them.
//!
//! A workspace none of whose products has a unit has no units at all (every answer is
//! `None`, and outputs are as before). Once one product has a unit, a product without one
//! counts as a unit of its own ("unknown"). Within a date range only the products with lines in
//! it count (the days of `agg_list_day`): the total is exact to the day; a group's products are
//! the ones it sold over all dates (`agg_customer`) that have lines in the range, so a group
//! is marked mixed also when only another group sold its second unit in the range: blank
//! where a number could be wrong, never a sum across units.

use super::realization::{Grouping, Scope};
use super::{StoreError, Workspace};
use crate::date::Date;
use crate::realization::sums::GroupKey;
use std::collections::HashMap;

/// A group's unit: the one unit of its products (empty when they have none), or `None` when
/// they mix units.
pub type GroupUnit = Option<String>;

/// Whether any product has a unit of measure.
pub fn has_units(ws: &Workspace) -> Result<bool, StoreError> {
    Ok(ws.conn().query_row(
        "SELECT EXISTS (SELECT 1 FROM products WHERE uom IS NOT NULL)",
        [],
        |r| r.get(0),
    )?)
}

/// Whether the workspace's sales (over all dates) mix products of different units.
pub fn total_is_mixed(ws: &Workspace) -> Result<bool, StoreError> {
    total_is_mixed_within(ws, None, None)
}

/// Whether the sales dated `from..=to` (either end open) mix products of different units: the
/// products with a line in the range, one seek per product into `agg_list_day`'s key.
pub fn total_is_mixed_within(
    ws: &Workspace,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<bool, StoreError> {
    if !has_units(ws)? {
        return Ok(false);
    }
    let count = "SELECT count(DISTINCT coalesce(p.uom, '')) FROM products p WHERE";
    let units: i64 = match from.is_none() && to.is_none() {
        true => ws.conn().query_row(
            &format!("{count} p.product_id IN (SELECT DISTINCT product_id FROM agg_customer)"),
            [],
            |r| r.get(0),
        )?,
        false => ws.conn().query_row(
            &format!("{count} {}", in_range("p.product_id")),
            bounds(from, to),
            |r| r.get(0),
        )?,
    };
    Ok(units > 1)
}

/// The product `column` has a line dated between `?1` and `?2` (`?1` NULL: no range).
fn in_range(column: &str) -> String {
    format!(
        "(?1 IS NULL OR EXISTS (SELECT 1 FROM agg_list_day d
         WHERE d.product_id = {column} AND d.date >= ?1 AND d.date <= ?2))"
    )
}

/// A range's ends as `agg_list_day` dates: both NULL without a range, else open ends made
/// the earliest and latest text dates.
fn bounds(from: Option<Date>, to: Option<Date>) -> (Option<String>, Option<String>) {
    if from.is_none() && to.is_none() {
        return (None, None);
    }
    (
        Some(from.map_or(String::new(), |d| d.to_string())),
        Some(to.map_or("9999".to_string(), |d| d.to_string())),
    )
}

/// Each group's unit for `grouping` within `scope`'s segment, product and customer, of the
/// products with lines within its dates; `None` when no product has a unit.
pub fn group_units(
    ws: &Workspace,
    grouping: Grouping,
    scope: &Scope,
) -> Result<Option<HashMap<GroupKey, GroupUnit>>, StoreError> {
    if !has_units(ws)? {
        return Ok(None);
    }
    let (keys, group_by) = match grouping {
        Grouping::Total => ("NULL, NULL, NULL", ""),
        Grouping::Segment => ("a.segment_id, NULL, NULL", "GROUP BY a.segment_id"),
        Grouping::Product => ("NULL, a.product_id, NULL", "GROUP BY a.product_id"),
        Grouping::SegmentProduct => (
            "a.segment_id, a.product_id, NULL",
            "GROUP BY a.segment_id, a.product_id",
        ),
        Grouping::Customer => (
            "a.segment_id, NULL, a.customer_id",
            "GROUP BY a.segment_id, a.customer_id",
        ),
        Grouping::CustomerProduct => (
            "a.segment_id, a.product_id, a.customer_id",
            "GROUP BY a.segment_id, a.customer_id, a.product_id",
        ),
    };
    let sql = format!(
        "SELECT {keys}, count(DISTINCT coalesce(p.uom, '')), min(p.uom)
         FROM agg_customer a LEFT JOIN products p USING (product_id)
         WHERE (?3 IS NULL OR a.segment_id = ?3) AND (?4 IS NULL OR a.product_id = ?4)
           AND (?5 IS NULL OR a.customer_id = ?5)
           AND a.product_id IN (SELECT p.product_id FROM products p WHERE {})
         {group_by}",
        // Once per product (the subquery is not correlated), not once per customer × product.
        in_range("p.product_id")
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let (from, to) = bounds(scope.from, scope.to);
    let rows = stmt.query_map(
        (
            from,
            to,
            scope.segment.as_deref(),
            scope.product.as_deref(),
            scope.customer.as_deref(),
        ),
        |r| {
            let key = GroupKey {
                segment_id: r.get(0)?,
                product_id: r.get(1)?,
                customer_id: r.get(2)?,
            };
            let units: i64 = r.get(3)?;
            let unit: Option<String> = r.get(4)?;
            Ok((key, (units == 1).then(|| unit.unwrap_or_default())))
        },
    )?;
    Ok(Some(rows.collect::<Result<_, _>>()?))
}
