//! Price-increase realization: the list-price changes found in the data (or announced in
//! `price_changes.csv`), and how much of each reached the invoice and the pocket on the same
//! customers buying the same product, in a window before vs after the effective date.
//!
//! Per customer × change, with per-unit amounts `x0` (window before) and `x1` (window after)
//! and weight `q̄ = (q0 + q1)/2` (the pair needs positive net volume in both windows), a level's
//! realized change is `Σ q̄·(x1 − x0) / Σ q̄·x0` (volume-weighted, like for like). With `a` the
//! announced change (a fraction) and pocket `p = list − Σ elements`, what did not reach the
//! pocket splits exactly by step:
//!
//! ```text
//! a·p0 − Δp = (a·l0 − Δl)  +  Σ_e (Δe − a·e0)
//!             list shortfall   each element growing faster than the list
//! ```
//!
//! so "leaked" is `(Σ q̄·a·p0 − Σ q̄·Δp) / Σ q̄·a·p0`, and it went mostly through the step with
//! the largest positive part.

use super::pct;
use super::sums::{Element, GroupKey, Sums};
use crate::date::Date;
use std::collections::BTreeMap;
use std::sync::Arc;

/// One day's lines of a product at one list price: Σ |quantity|.
#[derive(Debug, Clone, PartialEq)]
pub struct ListPoint {
    /// Shared by the product's points (hundreds of thousands of points, hundreds of products).
    pub product_id: Arc<str>,
    pub date: Date,
    pub list_price: f64,
    pub quantity: f64,
}

/// Where a change comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeSource {
    Detected,
    Announced,
}

impl ChangeSource {
    pub fn as_str(self) -> &'static str {
        match self {
            ChangeSource::Detected => "detected",
            ChangeSource::Announced => "announced",
        }
    }
}

/// A list-price change of one product.
#[derive(Debug, Clone, PartialEq)]
pub struct PriceChange {
    pub product_id: String,
    /// The first day at the new price.
    pub effective: Date,
    /// Announced (or, when detected, the list price's) change in %.
    pub pct: f64,
    pub source: ChangeSource,
}

/// A list price change smaller than this (relative) is noise, not a change.
pub const MIN_CHANGE: f64 = 0.0005;

/// The list-price changes in `points` (sorted by product, then date): per product and day the
/// list price with the most volume; a change is a day whose price differs from the running one
/// by more than [`MIN_CHANGE`] and the next day with lines agrees (a lone day at another price,
/// such as a late return at the old price, is not a change). Effective = that day.
pub fn detect_changes(points: &[ListPoint]) -> Vec<PriceChange> {
    let mut out = Vec::new();
    for product in points.chunk_by(|a, b| a.product_id == b.product_id) {
        let days: Vec<(Date, f64)> = product
            .chunk_by(|a, b| a.date == b.date)
            .map(|day| {
                let top =
                    day.iter().fold(
                        &day[0],
                        |best, p| {
                            if p.quantity > best.quantity { p } else { best }
                        },
                    );
                (top.date, top.list_price)
            })
            .collect();
        let differs = |a: f64, b: f64| b > 0.0 && ((a - b) / b).abs() > MIN_CHANGE;
        let Some(&(_, mut current)) = days.first() else {
            continue;
        };
        for (i, &(date, price)) in days.iter().enumerate().skip(1) {
            let confirmed = days
                .get(i + 1)
                .is_none_or(|&(_, next)| !differs(next, price));
            if differs(price, current) && confirmed {
                out.push(PriceChange {
                    product_id: product[0].product_id.to_string(),
                    effective: date,
                    pct: (price / current - 1.0) * 100.0,
                    source: ChangeSource::Detected,
                });
                current = price;
            }
        }
    }
    out
}

/// One change with each customer's sums (keyed by segment, product, customer) in the window
/// before and the window after.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeWindows {
    pub change: PriceChange,
    pub customers: Vec<(GroupKey, Sums, Sums)>,
}

/// Volume-weighted sums of like-for-like customers: Σ q̄·x per level, before and after.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Realized {
    /// Like-for-like customer × change pairs.
    pub pairs: usize,
    /// Σ q̄.
    pub weight: f64,
    /// Σ q̄·x0 and Σ q̄·x1 of list, invoice and pocket per unit, in currency.
    pub list: (f64, f64),
    pub invoice: (f64, f64),
    pub pocket: (f64, f64),
    /// Σ q̄·a·p0: the pocket gain the announced change would have brought.
    pub target: f64,
    /// What did not reach the pocket, by step: `list_price` first, then each element's
    /// column.
    pub leaks: Vec<(Arc<str>, f64)>,
}

impl Realized {
    fn add(&mut self, other: &Realized) {
        self.pairs += other.pairs;
        self.weight += other.weight;
        for (a, b) in [
            (&mut self.list, other.list),
            (&mut self.invoice, other.invoice),
            (&mut self.pocket, other.pocket),
        ] {
            a.0 += b.0;
            a.1 += b.1;
        }
        self.target += other.target;
        if self.leaks.is_empty() {
            self.leaks = other.leaks.iter().map(|(n, _)| (n.clone(), 0.0)).collect();
        }
        for (a, b) in self.leaks.iter_mut().zip(&other.leaks) {
            a.1 += b.1;
        }
    }

    fn change(level: (f64, f64)) -> Option<f64> {
        pct(level.1 - level.0, level.0)
    }
    /// Realized change of the list price, %.
    pub fn list_pct(&self) -> Option<f64> {
        Realized::change(self.list)
    }
    pub fn invoice_pct(&self) -> Option<f64> {
        Realized::change(self.invoice)
    }
    pub fn pocket_pct(&self) -> Option<f64> {
        Realized::change(self.pocket)
    }
    /// The announced change, weighted as the pocket change is (Σ q̄·a·p0 / Σ q̄·p0), %.
    pub fn announced_pct(&self) -> Option<f64> {
        pct(self.target, self.pocket.0)
    }
    /// Share of the announced pocket gain that did not arrive, %.
    pub fn leaked_pct(&self) -> Option<f64> {
        pct(self.leaked(), self.target)
    }
    /// What did not arrive, in currency (Σ q̄·(a·p0 − Δp)).
    pub fn leaked(&self) -> f64 {
        self.target - (self.pocket.1 - self.pocket.0)
    }
    /// Realized pocket change as % of the announced one.
    pub fn realized_share_pct(&self) -> Option<f64> {
        pct(self.pocket.1 - self.pocket.0, self.target)
    }
    /// The step that absorbed most (largest positive leak), if any did.
    pub fn mostly_through(&self) -> Option<&str> {
        self.leaks
            .iter()
            .filter(|(_, v)| *v > 0.0)
            .max_by(|a, b| a.1.total_cmp(&b.1))
            .map(|(n, _)| &**n)
    }
}

/// One customer's realization of one change.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerChange {
    pub key: GroupKey,
    pub realized: Realized,
}

/// One change: its total over like-for-like customers, and each customer's.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeRealization {
    pub change: PriceChange,
    pub total: Realized,
    pub customers: Vec<CustomerChange>,
    /// Customers of the product in only one of the windows (not like for like).
    pub unmatched: usize,
}

/// The realization of each change (same order).
pub fn realize(elements: &[Element], changes: Vec<ChangeWindows>) -> Vec<ChangeRealization> {
    // The steps' names, shared by every customer's leaks (a million customer × change pairs
    // at 10M lines would otherwise each copy them).
    let names: Vec<Arc<str>> = std::iter::once(Arc::from("list_price"))
        .chain(elements.iter().map(|e| Arc::from(e.column.as_str())))
        .collect();
    changes
        .into_iter()
        .map(|c| realize_one(elements, &names, c))
        .collect()
}

fn realize_one(elements: &[Element], names: &[Arc<str>], c: ChangeWindows) -> ChangeRealization {
    let a = c.change.pct / 100.0;
    let mut total = Realized::default();
    let mut customers = Vec::new();
    let mut unmatched = 0;
    for (key, s0, s1) in c.customers {
        match pair_realized(elements, names, a, &s0, &s1) {
            Some(r) => {
                total.add(&r);
                customers.push(CustomerChange { key, realized: r });
            }
            None => unmatched += 1,
        }
    }
    ChangeRealization {
        change: c.change,
        total,
        customers,
        unmatched,
    }
}

/// One like-for-like pair's weighted sums, or `None` without positive net volume in both
/// windows.
fn pair_realized(
    elements: &[Element],
    names: &[Arc<str>],
    a: f64,
    s0: &Sums,
    s1: &Sums,
) -> Option<Realized> {
    let (q0, q1) = (s0.quantity, s1.quantity);
    if q0 <= super::MIN_VOLUME || q1 <= super::MIN_VOLUME {
        return None;
    }
    let w = (q0 + q1) / 2.0;
    let unit = |x: f64, q: f64| x / q * w;
    let level = |f: fn(&Sums) -> f64| (unit(f(s0), q0), unit(f(s1), q1));
    let list = level(|s| s.list_revenue);
    let mut leaks = Vec::with_capacity(names.len());
    leaks.push((Arc::clone(&names[0]), a * list.0 - (list.1 - list.0)));
    let (mut invoice, mut pocket) = (list, list);
    for (i, e) in elements.iter().enumerate() {
        let at = |s: &Sums| s.elements.get(i).copied().unwrap_or(0.0);
        let (e0, e1) = (unit(at(s0), q0), unit(at(s1), q1));
        if e.kind == super::sums::ElementKind::OnInvoice {
            invoice = (invoice.0 - e0, invoice.1 - e1);
        }
        pocket = (pocket.0 - e0, pocket.1 - e1);
        leaks.push((Arc::clone(&names[i + 1]), (e1 - e0) - a * e0));
    }
    Some(Realized {
        pairs: 1,
        weight: w,
        list,
        invoice,
        pocket,
        target: a * pocket.0,
        leaks,
    })
}

/// Totals of the customer × change pairs grouped by `group` (e.g. the customer, or the
/// segment), in key order.
pub fn totals_by(
    results: &[ChangeRealization],
    group: impl Fn(&GroupKey) -> GroupKey,
) -> Vec<(GroupKey, Realized)> {
    let mut out: BTreeMap<GroupKey, Realized> = BTreeMap::new();
    for r in results {
        for c in &r.customers {
            out.entry(group(&c.key)).or_default().add(&c.realized);
        }
    }
    out.into_iter().collect()
}

/// The sum of every change's total.
pub fn overall(results: &[ChangeRealization]) -> Realized {
    let mut total = Realized::default();
    for r in results {
        total.add(&r.total);
    }
    total
}

/// The customers ranked by what leaked (currency, largest first; ties by key).
pub fn leak_ranking(results: &[ChangeRealization]) -> Vec<(GroupKey, Realized)> {
    let mut ranked = totals_by(results, |k| GroupKey {
        segment_id: k.segment_id.clone(),
        product_id: None,
        customer_id: k.customer_id.clone(),
    });
    ranked.sort_by(|a, b| b.1.leaked().total_cmp(&a.1.leaked()).then(a.0.cmp(&b.0)));
    ranked
}

/// "announced 5.0%, list 5.0%, invoice 3.9%, pocket 3.2% — 36% of the increase leaked, mostly
/// through on_competitive" (a dash where a figure cannot be computed).
pub fn sentence(r: &Realized) -> String {
    let p = |v: Option<f64>| v.map_or("–".to_string(), |v| format!("{v:.1}%"));
    let leaked = match r.leaked_pct() {
        None => "– of the increase leaked".to_string(),
        Some(v) if v < -0.5 => format!("the pocket gained {:.0}% more than the increase", -v),
        Some(v) => format!("{:.0}% of the increase leaked", v.max(0.0)),
    };
    let mut s = format!(
        "announced {}, list {}, invoice {}, pocket {} — {leaked}",
        p(r.announced_pct()),
        p(r.list_pct()),
        p(r.invoice_pct()),
        p(r.pocket_pct()),
    );
    if let Some(step) = r.mostly_through().filter(|_| r.leaked() > 0.0) {
        s.push_str(&format!(", mostly through {step}"));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(day: &str, list_price: f64, quantity: f64) -> ListPoint {
        ListPoint {
            product_id: "P1".into(),
            date: Date::parse(day).unwrap_or(Date(0)),
            list_price,
            quantity,
        }
    }

    #[test]
    fn a_change_needs_the_next_day_to_agree_and_the_dominant_price_decides_a_day() {
        let points = [
            point("2024-01-02", 10.0, 5.0),
            // A lone day at another price (a late return): not a change.
            point("2024-01-03", 9.0, 1.0),
            point("2024-01-04", 10.0, 5.0),
            // Old-price returns beside the new price: the new one has the volume.
            point("2024-02-01", 10.0, 1.0),
            point("2024-02-01", 10.5, 8.0),
            point("2024-02-03", 10.5, 3.0),
        ];
        let changes = detect_changes(&points);
        assert_eq!(changes.len(), 1);
        assert_eq!(changes[0].effective.to_string(), "2024-02-01");
        assert!((changes[0].pct - 5.0).abs() < 1e-9);
        assert_eq!(changes[0].source, ChangeSource::Detected);
    }

    #[test]
    fn a_pocket_rising_more_than_announced_is_said_so() {
        let r = Realized {
            pairs: 1,
            weight: 1.0,
            list: (100.0, 105.0),
            invoice: (90.0, 99.0),
            pocket: (80.0, 88.0),
            target: 4.0,
            leaks: vec![("list_price".into(), 0.0), ("on_volume".into(), -4.0)],
        };
        assert_eq!(
            sentence(&r),
            "announced 5.0%, list 5.0%, invoice 10.0%, pocket 10.0% — the pocket gained 100% more than the increase"
        );
    }
}
