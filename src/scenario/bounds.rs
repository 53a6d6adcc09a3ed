//! What numbers a scenario may carry: the ranges every number of the file is checked against
//! when it is parsed, and the check against the data that no rule makes a cell's list price or
//! unit cost impossible (zero or negative, or beyond what the import accepts).

use super::baseline::{Baseline, BaselineCell};
use super::file::{At, PriceChange, Scenario};
use std::ops::Range;

/// The largest amount (currency per unit) a rule or value driver may name, and the largest list
/// price or unit cost a scenario may plan: the import's limit on every number it reads
/// (`store::import::csvfile::MAX_MAGNITUDE`), so that no sum over a baseline becomes infinite.
pub const MAX_AMOUNT: f64 = 1e12;

/// A list-price or unit-cost change in % lies above −100 (a cost may fall to 0, at −100) and is
/// at most +1000, as `max_increase_pct`.
pub const MAX_CHANGE_PCT: f64 = 1000.0;

/// Where a problem is (the byte range of the offending value) and what it is.
pub type Check = Result<(), (Range<usize>, String)>;

/// A number as a message shows it: as written for ordinary magnitudes, in exponent notation
/// for huge or tiny ones (never hundreds of digits).
pub fn show(v: f64) -> String {
    match v.abs() {
        a if a == 0.0 || (1e-6..1e15).contains(&a) || !a.is_finite() => format!("{v}"),
        _ => format!("{v:e}"),
    }
}

/// Every baseline cell under the scenario's price and cost changes; the first rule that leaves
/// a list price at or below 0, a unit cost below 0, or either above [`MAX_AMOUNT`] is an error
/// at that rule's `pct` or `amount`, naming the cell and the value it would make.
pub fn check_plans(s: &Scenario, baseline: &Baseline) -> Check {
    baseline
        .cells
        .iter()
        .try_for_each(|cell| check_cell(s, cell))
}

/// [`check_plans`] for one cell.
pub fn check_cell(s: &Scenario, cell: &BaselineCell) -> Check {
    let price_ok = |v: f64| v > 0.0 && v <= MAX_AMOUNT;
    let cost_ok = |v: f64| (0.0..=MAX_AMOUNT).contains(&v);
    for (rules, start, ok, what) in [
        (
            &s.price_changes,
            cell.list_price,
            &price_ok as &dyn Fn(f64) -> bool,
            "list price",
        ),
        (&s.cost_changes, cell.unit_cost, &cost_ok, "unit cost"),
    ] {
        if let Some((rule, v)) = first_breach(rules, cell, start, ok) {
            let (field, span) = culprit(rule);
            let why = match v {
                _ if v > MAX_AMOUNT => "larger than 1e12",
                _ if v < 0.0 => "negative",
                _ => "zero",
            };
            let message = format!(
                "{field} makes the {what} of {} × {} {why} ({v:.2})",
                cell.segment_id, cell.product_id
            );
            return Err((span, message));
        }
    }
    Ok(())
}

/// The first rule matching the cell after which the value is no longer `ok`, and that value.
fn first_breach<'a>(
    rules: &'a [At<PriceChange>],
    cell: &BaselineCell,
    start: f64,
    ok: &dyn Fn(f64) -> bool,
) -> Option<(&'a PriceChange, f64)> {
    let mut v = start;
    for rule in rules.iter().map(At::get_ref) {
        if rule
            .selector()
            .matches(&cell.segment_id, &cell.product_id, cell.family.as_deref())
        {
            v = rule.apply(v);
            if !ok(v) {
                return Some((rule, v));
            }
        }
    }
    None
}

/// `pct 900` or `amount -200`, and where it is written.
fn culprit(rule: &PriceChange) -> (String, Range<usize>) {
    match (&rule.pct, &rule.amount) {
        (Some(p), _) => (format!("pct {}", show(*p.get_ref())), p.span()),
        (None, Some(a)) => (format!("amount {}", show(*a.get_ref())), a.span()),
        (None, None) => (String::from("a rule"), 0..0),
    }
}

#[cfg(test)]
mod tests {
    use super::show;

    #[test]
    fn numbers_in_messages_never_run_to_hundreds_of_digits() {
        assert_eq!(show(-200.0), "-200");
        assert_eq!(show(2.5), "2.5");
        assert_eq!(show(0.0), "0");
        assert_eq!(show(1e300), "1e300");
        assert_eq!(show(-1e300), "-1e300");
        assert_eq!(show(1e-300), "1e-300");
        assert_eq!(show(f64::NAN), "NaN");
    }
}
