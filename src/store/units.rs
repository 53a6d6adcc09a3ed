//! Units of measure (`products.uom`): which groups of a question sum quantities of products
//! in different units, so that no summed quantity or per-unit price is shown for them.
//!
//! A workspace none of whose products has a unit has no units at all (every answer is
//! `None`, and outputs are as before). Once one product has a unit, a product without one
//! counts as a unit of its own ("unknown"). A group's products are the ones it sold over all
//! dates (`agg_customer`), so a group that mixes units in the workspace is marked mixed also
//! for a date range in which it sold one unit only: blank where a number could be wrong.

use super::realization::{Grouping, Scope};
use super::{StoreError, Workspace};
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
    if !has_units(ws)? {
        return Ok(false);
    }
    let units: i64 = ws.conn().query_row(
        "SELECT count(DISTINCT coalesce(p.uom, '')) FROM products p
         WHERE p.product_id IN (SELECT DISTINCT product_id FROM agg_customer)",
        [],
        |r| r.get(0),
    )?;
    Ok(units > 1)
}

/// Each group's unit for `grouping` within `scope`'s segment, product and customer; `None`
/// when no product has a unit.
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
         WHERE (?1 IS NULL OR a.segment_id = ?1) AND (?2 IS NULL OR a.product_id = ?2)
           AND (?3 IS NULL OR a.customer_id = ?3)
         {group_by}"
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let rows = stmt.query_map(
        (
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
