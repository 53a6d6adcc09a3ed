//! One segment × product cell over time: per week (or month) its volume, its net price on the
//! elasticity's basis and its list price per unit — what the elasticity is fitted on, dated —
//! and the periods where the list price per unit changed.

use super::cells::CellPoints;
use super::elasticity::PeriodPoint;
use crate::date::Date;

/// A list price per unit that moves by less than this (in %) between two periods is the same
/// list price (cents rounding of returns netted into a period's sums).
pub const LIST_CHANGE_MIN_PCT: f64 = 0.05;

/// One aggregated period of a cell, dated.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SeriesPeriod {
    /// The period's first day (a Monday for weeks, the 1st for months).
    pub start: Date,
    /// Units sold in the period (returns netted out).
    pub quantity: f64,
    /// Revenue on the chosen basis per unit; `None` when `quantity` ≤ 0.
    pub price: Option<f64>,
    /// List revenue per unit; `None` when `quantity` ≤ 0.
    pub list_price: Option<f64>,
}

impl SeriesPeriod {
    /// The period from its sums: units, revenue on the chosen basis and list revenue.
    pub fn from_sums(start: Date, quantity: f64, revenue: f64, list_revenue: f64) -> SeriesPeriod {
        let per_unit = |r: f64| {
            (quantity > 0.0)
                .then(|| r / quantity)
                .filter(|p| p.is_finite())
        };
        SeriesPeriod {
            start,
            quantity,
            price: per_unit(revenue),
            list_price: per_unit(list_revenue),
        }
    }
}

/// A cell's periods in date order.
#[derive(Debug, Clone, PartialEq)]
pub struct CellSeries {
    pub segment_id: String,
    pub product_id: String,
    pub periods: Vec<SeriesPeriod>,
}

impl CellSeries {
    /// The points the elasticity is fitted on: the periods with units sold and a positive price.
    pub fn points(&self) -> CellPoints {
        let points = self
            .periods
            .iter()
            .filter_map(|p| match p.price {
                Some(price) if p.quantity > 0.0 => Some(PeriodPoint {
                    quantity: p.quantity,
                    price,
                }),
                _ => None,
            })
            .collect();
        CellPoints {
            segment_id: self.segment_id.clone(),
            product_id: self.product_id.clone(),
            points,
        }
    }
}

/// A change of a cell's list price per unit from one period with sales to the next.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct ListChange {
    /// The first period at the new list price.
    pub start: Date,
    pub from: f64,
    pub to: f64,
    /// (to / from − 1) · 100.
    pub change_pct: f64,
}

/// The periods whose list price per unit differs from the previous period with sales by at
/// least [`LIST_CHANGE_MIN_PCT`] %. A change within a period moves the list price twice, the
/// blended period then the new price: two steps the same way in a row are one change, dated at
/// its first period (a third step is another change).
pub fn list_changes(periods: &[SeriesPeriod]) -> Vec<ListChange> {
    let priced = periods
        .iter()
        .filter_map(|p| Some((p.start, p.list_price.filter(|l| *l > 0.0)?)));
    let mut out: Vec<ListChange> = Vec::new();
    let mut last: Option<f64> = None;
    // Whether the previous priced period was the first step of a change.
    let mut stepped = false;
    for (start, list) in priced {
        let Some(from) = last.replace(list) else {
            continue;
        };
        let step_pct = (list / from - 1.0) * 100.0;
        if step_pct.abs() < LIST_CHANGE_MIN_PCT {
            stepped = false;
            continue;
        }
        match out.last_mut() {
            Some(c) if stepped && (c.change_pct > 0.0) == (step_pct > 0.0) => {
                c.to = list;
                c.change_pct = (list / c.from - 1.0) * 100.0;
                stepped = false;
            }
            _ => {
                out.push(ListChange {
                    start,
                    from,
                    to: list,
                    change_pct: step_pct,
                });
                stepped = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn week(i: i32, quantity: f64, list: f64) -> SeriesPeriod {
        let start = Date(Date::parse("2025-01-06").map_or(0, |d| d.0) + 7 * i);
        SeriesPeriod::from_sums(start, quantity, quantity * list * 0.8, quantity * list)
    }

    #[test]
    fn list_changes_are_the_periods_at_a_new_list_price() {
        let periods = [
            week(0, 10.0, 20.0),
            week(1, 5.0, 20.0),
            week(2, 0.0, 0.0),
            week(3, 8.0, 21.0),
            week(4, 8.0, 21.001),
            week(5, 8.0, 19.95),
            // A cut within week 6: blended, then the new price; then a rise right after.
            week(6, 8.0, 19.5),
            week(7, 8.0, 19.0),
            week(8, 8.0, 20.0),
        ];
        let changes = list_changes(&periods);
        assert_eq!(changes.len(), 4, "{changes:?}");
        assert_eq!(changes[0].start.to_string(), "2025-01-27");
        assert!((changes[0].change_pct - 5.0).abs() < 1e-9);
        assert_eq!(changes[1].start.to_string(), "2025-02-10");
        assert!((changes[1].change_pct - (19.5 / 21.001 - 1.0) * 100.0).abs() < 1e-9);
        assert_eq!((changes[1].from, changes[1].to), (21.001, 19.5));
        assert_eq!(changes[2].start.to_string(), "2025-02-24");
        assert!((changes[2].change_pct - (19.0 / 19.5 - 1.0) * 100.0).abs() < 1e-9);
        assert_eq!(changes[3].start.to_string(), "2025-03-03");
        assert!((changes[3].change_pct - 100.0 / 19.0).abs() < 1e-9);
        // The week without sales has no price and is not a point.
        let series = CellSeries {
            segment_id: "S".into(),
            product_id: "P".into(),
            periods: periods.to_vec(),
        };
        assert_eq!(series.points().points.len(), 8);
        assert_eq!(periods[2].price, None);
    }
}
