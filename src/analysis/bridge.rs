//! Why margin moved, over the workspace: the bridge between two periods and the realization of
//! list-price increases, read from the store and computed with `crate::realization`.

use crate::date::Date;
use crate::realization::bridge::{Bridge, BridgeBuilder, BridgeOptions};
use crate::realization::increase::{
    ChangeRealization, ChangeWindows, PriceChange, detect_changes, realize,
};
use crate::realization::price_changes::ProductFamily;
use crate::realization::sums::{Element, GroupSums};
use crate::store::increase::{Window, list_points, product_families, window_sums};
use crate::store::realization::{Grouping, Scope, group_sums};
use crate::store::{StoreError, Workspace};
use std::fmt;

/// An inclusive range of dates.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Date,
    pub to: Date,
}

impl fmt::Display for Period {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}..{}", self.from, self.to)
    }
}

/// Why a period argument is refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PeriodError {
    #[error("'{0}' is not a period (expected FROM..TO, e.g. 2024-01-01..2024-12-31)")]
    Shape(String),
    #[error("period '{text}': {reason}")]
    Date { text: String, reason: String },
    #[error("period '{0}' ends before it starts")]
    Reversed(String),
    #[error("the periods {base} and {compare} overlap: give periods that share no day")]
    Overlap { base: Period, compare: Period },
}

impl Period {
    /// Parses `FROM..TO` (both dates YYYY-MM-DD, inclusive, FROM ≤ TO).
    pub fn parse(text: &str) -> Result<Period, PeriodError> {
        let (a, b) = text
            .split_once("..")
            .ok_or_else(|| PeriodError::Shape(text.to_string()))?;
        let date = |s: &str| {
            s.trim().parse::<Date>().map_err(|e| PeriodError::Date {
                text: text.to_string(),
                reason: e.to_string(),
            })
        };
        let (from, to) = (date(a)?, date(b)?);
        if from > to {
            return Err(PeriodError::Reversed(text.to_string()));
        }
        Ok(Period { from, to })
    }

    /// An error when the two periods share a day (comparing a period with itself is allowed:
    /// it gives zeros).
    pub fn check_apart(base: Period, compare: Period) -> Result<(), PeriodError> {
        let overlap = base.from <= compare.to && compare.from <= base.to;
        match overlap && base != compare {
            true => Err(PeriodError::Overlap { base, compare }),
            false => Ok(()),
        }
    }

    fn scope(self) -> Scope {
        Scope {
            from: Some(self.from),
            to: Some(self.to),
            ..Scope::default()
        }
    }
}

/// Why a bridge or an increase analysis cannot be computed.
#[derive(Debug, thiserror::Error)]
pub enum BridgeError {
    #[error(transparent)]
    Period(#[from] PeriodError),
    #[error("cannot read the sums of the period {1}")]
    Sums(#[source] StoreError, Period),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Announced(String),
    #[error("no list-price change effective on {date} (changes found on: {found})")]
    NoChangeOn { date: Date, found: String },
}

/// Each customer × product's sums in a period (keyed by segment, product, customer).
pub fn pair_sums(
    ws: &Workspace,
    elements: &[Element],
    period: Period,
) -> Result<Vec<GroupSums>, BridgeError> {
    group_sums(ws, elements, Grouping::CustomerProduct, &period.scope()).map_err(|e| match e {
        // A workspace of aggregates says which months need lines: not "cannot read".
        StoreError::AggregatesOnly(_) => BridgeError::Store(e),
        e => BridgeError::Sums(e, period),
    })
}

/// Each customer × product's sums in both periods, from one scan of the lines (equal to
/// [`pair_sums`] of each, which the tests check).
pub fn both_pair_sums(
    ws: &Workspace,
    elements: &[Element],
    base: Period,
    compare: Period,
) -> Result<(Vec<GroupSums>, Vec<GroupSums>), BridgeError> {
    let ranges = [(base.from, base.to), (compare.from, compare.to)];
    let mut sums = crate::store::realization::pair_sums_in_ranges(ws, elements, &ranges)
        .map_err(|e| BridgeError::Sums(e, base))?
        .into_iter();
    match (sums.next(), sums.next()) {
        (Some(b), Some(c)) => Ok((b, c)),
        _ => Ok((Vec::new(), Vec::new())),
    }
}

/// The bridge from `base` to `compare`; the periods must not overlap unless equal.
pub fn period_bridge(
    ws: &Workspace,
    base: Period,
    compare: Period,
    options: BridgeOptions,
) -> Result<Bridge, BridgeError> {
    Period::check_apart(base, compare)?;
    let elements = crate::store::elements(ws)?;
    let mut bridge = BridgeBuilder::new(&elements, options);
    let ranges = [(base.from, base.to), (compare.from, compare.to)];
    crate::store::ranged::each_pair_in_two_ranges(ws, &elements, ranges, |ids, s0, s1| {
        bridge.add(ids, s0, s1)
    })
    .map_err(|e| BridgeError::Sums(e, base))?;
    Ok(bridge.finish())
}

/// The default periods: the last 12 months of data against the 12 before (whole months ending
/// with the last month that has data), or `None` without data.
pub fn default_periods(ws: &Workspace) -> Result<Option<(Period, Period)>, BridgeError> {
    let last: Option<String> = ws
        .conn()
        .query_row("SELECT last_date FROM date_range WHERE id = 1", [], |r| {
            r.get(0)
        })
        .ok();
    let Some(last) = last.as_deref().and_then(Date::parse) else {
        return Ok(None);
    };
    let this = last.month_start();
    let (Some(from), Some(next), Some(before)) = (
        add_months(this, -11),
        add_months(this, 1),
        add_months(this, -23),
    ) else {
        return Ok(None);
    };
    let base = Period {
        from: before,
        to: from.add_days(-1),
    };
    let compare = Period {
        from,
        to: next.add_days(-1),
    };
    Ok(Some((base, compare)))
}

/// `from..to` (open ends at the data's first and last date) as the compare period, and the
/// period as long just before it as the base: as many whole months when it is whole months,
/// else as many days. `None` without data or when the range holds no date of it.
pub fn periods_ending(
    ws: &Workspace,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<Option<(Period, Period)>, BridgeError> {
    let range: Option<(String, String)> = ws
        .conn()
        .query_row(
            "SELECT first_date, last_date FROM date_range WHERE id = 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .ok();
    let Some((first, last)) = range.and_then(|(f, l)| Some((Date::parse(&f)?, Date::parse(&l)?)))
    else {
        return Ok(None);
    };
    let (from, to) = (from.unwrap_or(first), to.unwrap_or(last));
    if from > to {
        return Ok(None);
    }
    let after = to.add_days(1);
    let whole_months = from.month_start() == from && after.month_start() == after;
    let (fy, fm, _) = from.ymd();
    let (ay, am, _) = after.ymd();
    let months = (ay * 12 + am as i32) - (fy * 12 + fm as i32);
    let base_from = match whole_months {
        true => add_months(from, -months),
        false => Some(from.add_days(-(after.0 - from.0))),
    };
    let Some(base_from) = base_from else {
        return Ok(None);
    };
    let base = Period {
        from: base_from,
        to: from.add_days(-1),
    };
    Ok(Some((base, Period { from, to })))
}

/// The first of the month `n` months after the month of `d`.
fn add_months(d: Date, n: i32) -> Option<Date> {
    let (y, m, _) = d.ymd();
    let index = y * 12 + m as i32 - 1 + n;
    Date::from_ymd(index.div_euclid(12), index.rem_euclid(12) as u32 + 1, 1)
}

/// How the increase analysis runs.
#[derive(Debug, Clone, PartialEq)]
pub struct IncreaseOptions {
    /// Only changes effective on this date.
    pub effective: Option<Date>,
    /// Announced changes (from `price_changes.csv`) instead of those found in the data.
    pub announced: Option<Vec<PriceChange>>,
    /// Days in each window before and after the effective date.
    pub window_days: i32,
}

/// The workspace's products with their families (for reading `price_changes.csv`).
pub fn families(ws: &Workspace) -> Result<Vec<ProductFamily>, BridgeError> {
    Ok(product_families(ws)?)
}

/// The list-price changes found in the data, by product and date.
pub fn detected_changes(ws: &Workspace) -> Result<Vec<PriceChange>, BridgeError> {
    Ok(detect_changes(&list_points(ws)?))
}

/// The realization of each change (announced or detected, filtered by effective date): per
/// customer the window of `window_days` before the effective date against the window from it.
pub fn increase_realization(
    ws: &Workspace,
    options: &IncreaseOptions,
) -> Result<Vec<ChangeRealization>, BridgeError> {
    let all = match &options.announced {
        Some(a) => a.clone(),
        None => detected_changes(ws)?,
    };
    let changes: Vec<PriceChange> = all
        .iter()
        .filter(|c| options.effective.is_none_or(|d| c.effective == d))
        .cloned()
        .collect();
    if let (Some(date), true) = (options.effective, changes.is_empty()) {
        let mut found: Vec<String> = all.iter().map(|c| c.effective.to_string()).collect();
        found.dedup();
        found.sort();
        found.dedup();
        let found = match found.is_empty() {
            true => "none".to_string(),
            false => found.join(", "),
        };
        return Err(BridgeError::NoChangeOn { date, found });
    }
    let elements = crate::store::elements(ws)?;
    let w = options.window_days.max(1);
    let windows: Vec<Window> = changes
        .iter()
        .flat_map(|c| {
            [
                Window {
                    product_id: c.product_id.clone(),
                    from: c.effective.add_days(-w),
                    to: c.effective.add_days(-1),
                },
                Window {
                    product_id: c.product_id.clone(),
                    from: c.effective,
                    to: c.effective.add_days(w - 1),
                },
            ]
        })
        .collect();
    let mut sums = window_sums(ws, &elements, &windows)?.into_iter();
    let windows: Vec<ChangeWindows> = changes
        .into_iter()
        .map(|change| {
            let before = sums.next().unwrap_or_default();
            let after = sums.next().unwrap_or_default();
            ChangeWindows {
                change,
                customers: join_windows(before, after),
            }
        })
        .collect();
    Ok(realize(&elements, windows))
}

/// Each customer's before and after sums (zero where it bought in only one window), in key
/// order: a merge of the two lists, which the store gives in key order (sorted here when not).
fn join_windows(
    mut before: Vec<GroupSums>,
    mut after: Vec<GroupSums>,
) -> Vec<(
    crate::realization::sums::GroupKey,
    crate::realization::sums::Sums,
    crate::realization::sums::Sums,
)> {
    for list in [&mut before, &mut after] {
        if !list.is_sorted_by(|a, b| a.key <= b.key) {
            list.sort_by(|a, b| a.key.cmp(&b.key));
        }
    }
    let mut out = Vec::with_capacity(before.len().max(after.len()));
    let (mut b, mut a) = (before.into_iter().peekable(), after.into_iter().peekable());
    loop {
        let order = match (b.peek(), a.peek()) {
            (Some(x), Some(y)) => x.key.cmp(&y.key),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => break,
        };
        match order {
            std::cmp::Ordering::Less => {
                if let Some(g) = b.next() {
                    out.push((g.key, g.sums, Default::default()));
                }
            }
            std::cmp::Ordering::Greater => {
                if let Some(g) = a.next() {
                    out.push((g.key, Default::default(), g.sums));
                }
            }
            std::cmp::Ordering::Equal => {
                if let (Some(x), Some(y)) = (b.next(), a.next()) {
                    out.push((x.key, x.sums, y.sums));
                }
            }
        }
    }
    out
}

/// What the TUI's Bridge view computes its bridges from: the default periods and each
/// customer × product's sums in both (drilling recomputes the bridge in memory).
#[derive(Debug, Clone, PartialEq)]
pub struct BridgeData {
    pub base: Period,
    pub compare: Period,
    pub elements: Vec<Element>,
    pub base_pairs: Vec<GroupSums>,
    pub compare_pairs: Vec<GroupSums>,
}

/// The Bridge view's data, or `None` without transactions: `compare` (its open ends at the
/// data's first and last date) against the period as long just before it, or without it the
/// default periods ([`default_periods`]).
pub fn bridge_data(
    ws: &Workspace,
    compare: Option<(Option<Date>, Option<Date>)>,
) -> Result<Option<BridgeData>, BridgeError> {
    let periods = match compare {
        None => default_periods(ws)?,
        Some((from, to)) => periods_ending(ws, from, to)?,
    };
    let Some((base, compare)) = periods else {
        return Ok(None);
    };
    let elements = crate::store::elements(ws)?;
    let (base_pairs, compare_pairs) = both_pair_sums(ws, &elements, base, compare)?;
    Ok(Some(BridgeData {
        base,
        compare,
        base_pairs,
        compare_pairs,
        elements,
    }))
}
