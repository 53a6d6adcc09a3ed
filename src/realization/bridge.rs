//! The price-volume-mix bridge between two periods: why revenue (or pocket margin) moved, as
//! exact, order-independent effects per group, in cents.
//!
//! Per customer × product pair with positive net volume in both periods ("continuing"), with
//! `q` its net quantity and `v = R / q` its per-unit value (price on the basis, or pocket margin
//! per unit) in base (0) and compare (1), the change splits exactly by the two-factor midpoint
//! (Shapley) rule:
//!
//! ```text
//! R1 − R0 = (v1 − v0)·q̄  +  (q1 − q0)·v̄          q̄ = (q0 + q1)/2, v̄ = (v0 + v1)/2
//!           price (+cost)    quantity
//! ```
//!
//! The quantity part of a group (a row of `--by`) splits again by the midpoint rule on the
//! group's continuing quantity `Q` and each pair's share `s = q/Q`, itself the product share
//! `S = Q_product/Q` times the customer's share of its product `u = q/Q_product`:
//!
//! ```text
//! volume        = (Q1 − Q0) · Σ v̄·s̄
//! product_mix   = Q̄ · Σ_products (S1 − S0) · Σ_its pairs v̄·ū
//! customer_mix  = Q̄ · Σ_products S̄ · Σ_its pairs v̄·(u1 − u0)
//! ```
//!
//! Pairs with positive net volume only in compare are `new` (their whole change), only in
//! base `lost`; pairs with none in either (returns netting to zero or below) are `other`.
//! For pocket margin, `v` is pocket price − unit cost and the price part splits into `price`
//! (pocket price) and `cost` (−Δ unit cost · q̄). The price effect splits by waterfall element:
//! Δlist·q̄ and −Δelement·q̄ for each element on the basis.
//!
//! Every formula is symmetric, so swapping the periods negates every effect exactly (new and
//! lost trading places), and a
//! period compared with itself gives exact zeros. Each row's base and compare amounts are
//! rounded to cents and its effects too, what rounding leaves over (a cent or two) going to the
//! largest effect, so the effects add up to the change to the cent; rounding half away from zero
//! keeps the sign flip. The total row is the sum of the rows.

use super::MIN_VOLUME;
use super::sums::{Element, ElementKind, GroupKey, GroupSums, Sums};
use std::collections::BTreeMap;

/// What the bridge explains.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Measure {
    /// Revenue on the basis.
    Revenue,
    /// Pocket revenue − cost (the basis is pocket).
    PocketMargin,
}

/// Which price revenue is measured at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Basis {
    List,
    Invoice,
    Pocket,
}

/// The rows of the bridge.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BridgeBy {
    Total,
    Segment,
    Product,
    SegmentProduct,
    /// Keyed by segment and customer.
    Customer,
}

impl BridgeBy {
    /// The row key of a pair keyed by segment, product and customer.
    pub fn key(self, pair: &GroupKey) -> GroupKey {
        let keep = |on: bool, v: &Option<String>| if on { v.clone() } else { None };
        let (s, p, c) = match self {
            BridgeBy::Total => (false, false, false),
            BridgeBy::Segment => (true, false, false),
            BridgeBy::Product => (false, true, false),
            BridgeBy::SegmentProduct => (true, true, false),
            BridgeBy::Customer => (true, false, true),
        };
        GroupKey {
            segment_id: keep(s, &pair.segment_id),
            product_id: keep(p, &pair.product_id),
            customer_id: keep(c, &pair.customer_id),
        }
    }
}

/// How the bridge is computed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BridgeOptions {
    pub by: BridgeBy,
    pub measure: Measure,
    pub basis: Basis,
}

/// The effects, in the order they are summed and shown.
pub const EFFECTS: [&str; 8] = [
    "price",
    "cost",
    "volume",
    "product_mix",
    "customer_mix",
    "new",
    "lost",
    "other",
];

/// One row of the bridge, amounts in cents.
#[derive(Debug, Clone, PartialEq)]
pub struct BridgeRow {
    pub key: GroupKey,
    pub base_cents: i64,
    pub compare_cents: i64,
    /// In [`EFFECTS`] order; they add up to `compare_cents − base_cents`.
    pub effects_cents: [i64; 8],
    /// The price effect by waterfall step (`list_price`, then each element's column on the
    /// basis); they add up to the price effect.
    pub price_parts_cents: Vec<(String, i64)>,
    /// Customer × product pairs: continuing, new, lost, other.
    pub pairs: [usize; 4],
}

impl BridgeRow {
    pub fn change_cents(&self) -> i64 {
        self.compare_cents - self.base_cents
    }

    /// The effect named `name` (one of [`EFFECTS`]).
    pub fn effect(&self, name: &str) -> Option<i64> {
        let i = EFFECTS.iter().position(|e| *e == name)?;
        Some(self.effects_cents[i])
    }
}

/// The bridge: its rows in key order, then the total (the sum of the rows).
#[derive(Debug, Clone, PartialEq)]
pub struct Bridge {
    pub rows: Vec<BridgeRow>,
    pub total: BridgeRow,
}

/// One pair's value on the measure: (amount, list, elements on the basis, cost) per period.
struct Valued<'a> {
    elements: &'a [Element],
    options: BridgeOptions,
}

impl Valued<'_> {
    /// Whether element `i` is taken off the measured price.
    fn counts(&self, i: usize) -> bool {
        let basis = match self.options.measure {
            Measure::PocketMargin => Basis::Pocket,
            Measure::Revenue => self.options.basis,
        };
        match (basis, self.elements.get(i).map(|e| e.kind)) {
            (Basis::List, _) => false,
            (Basis::Invoice, Some(ElementKind::OnInvoice)) => true,
            (Basis::Invoice, _) => false,
            (Basis::Pocket, _) => true,
        }
    }

    /// The measured amount of the sums (revenue on the basis, or pocket margin).
    fn amount(&self, s: &Sums) -> f64 {
        let deductions: f64 = (0..s.elements.len())
            .filter(|&i| self.counts(i))
            .map(|i| s.elements[i])
            .sum();
        let cost = match self.options.measure {
            Measure::PocketMargin => s.cost,
            Measure::Revenue => 0.0,
        };
        s.list_revenue - deductions - cost
    }
}

/// One row's effects while pairs are added, in currency.
#[derive(Default)]
struct Acc {
    base: f64,
    compare: f64,
    effects: [f64; 8],
    parts: Vec<f64>,
    pairs: [usize; 4],
    /// Continuing pairs: (product, q0, q1, v̄).
    continuing: Vec<(Option<String>, f64, f64, f64)>,
}

/// The bridge from `base` to `compare`: per customer × product sums of each period (keyed by
/// segment, product and customer; a pair absent from a period counts as zero there). See the
/// module documentation for the formulas.
pub fn bridge(
    elements: &[Element],
    base: &[GroupSums],
    compare: &[GroupSums],
    options: BridgeOptions,
) -> Bridge {
    let valued = Valued { elements, options };
    let mut pairs: BTreeMap<&GroupKey, (Option<&Sums>, Option<&Sums>)> = BTreeMap::new();
    for g in base {
        pairs.entry(&g.key).or_default().0 = Some(&g.sums);
    }
    for g in compare {
        pairs.entry(&g.key).or_default().1 = Some(&g.sums);
    }
    let mut rows: BTreeMap<GroupKey, Acc> = BTreeMap::new();
    let empty = Sums::default();
    for (key, (s0, s1)) in pairs {
        let acc = rows.entry(options.by.key(key)).or_default();
        acc.parts.resize(elements.len() + 1, 0.0);
        add_pair(
            &valued,
            acc,
            key,
            s0.unwrap_or(&empty),
            s1.unwrap_or(&empty),
        );
    }
    let names = part_names(&valued);
    let rows: Vec<BridgeRow> = rows
        .into_iter()
        .map(|(key, mut acc)| {
            split_quantity(&mut acc);
            finish(key, &acc, &names)
        })
        .collect();
    let total = total_row(&rows, &names);
    Bridge { rows, total }
}

/// Adds one pair's change to its row.
fn add_pair(v: &Valued, acc: &mut Acc, key: &GroupKey, s0: &Sums, s1: &Sums) {
    let (r0, r1) = (v.amount(s0), v.amount(s1));
    acc.base += r0;
    acc.compare += r1;
    let (q0, q1) = (s0.quantity, s1.quantity);
    let (in0, in1) = (q0 > MIN_VOLUME, q1 > MIN_VOLUME);
    let slot = match (in0, in1) {
        (true, true) => 0,
        (false, true) => 1,
        (true, false) => 2,
        (false, false) => 3,
    };
    acc.pairs[slot] += 1;
    match slot {
        1 => acc.effects[5] += r1 - r0,
        2 => acc.effects[6] += r1 - r0,
        3 => acc.effects[7] += r1 - r0,
        _ => {
            let q_mid = (q0 + q1) / 2.0;
            let unit = |s: &Sums, x: f64| x / s.quantity;
            let (v0, v1) = (unit(s0, r0), unit(s1, r1));
            let v_mid = (v0 + v1) / 2.0;
            // Price part: each waterfall step's per-unit change × q̄.
            let list = (unit(s1, s1.list_revenue) - unit(s0, s0.list_revenue)) * q_mid;
            acc.parts[0] += list;
            let mut price = list;
            for i in (0..s0.elements.len().max(s1.elements.len())).filter(|&i| v.counts(i)) {
                let e = |s: &Sums| unit(s, s.elements.get(i).copied().unwrap_or(0.0));
                let part = -(e(s1) - e(s0)) * q_mid;
                acc.parts[i + 1] += part;
                price += part;
            }
            acc.effects[0] += price;
            if v.options.measure == Measure::PocketMargin {
                acc.effects[1] += -(unit(s1, s1.cost) - unit(s0, s0.cost)) * q_mid;
            }
            acc.continuing.push((key.product_id.clone(), q0, q1, v_mid));
        }
    }
}

/// Splits the continuing pairs' quantity part into volume, product mix and customer mix.
fn split_quantity(acc: &mut Acc) {
    let q0: f64 = acc.continuing.iter().map(|c| c.1).sum();
    let q1: f64 = acc.continuing.iter().map(|c| c.2).sum();
    if acc.continuing.is_empty() {
        return;
    }
    let q_mid = (q0 + q1) / 2.0;
    let mut by_product: BTreeMap<&Option<String>, (f64, f64)> = BTreeMap::new();
    for (p, a, b, _) in &acc.continuing {
        let e = by_product.entry(p).or_default();
        e.0 += a;
        e.1 += b;
    }
    let (mut volume, mut product_mix, mut customer_mix) = (0.0, 0.0, 0.0);
    for (p, a, b, v_mid) in &acc.continuing {
        let (p0, p1) = by_product[p];
        let (s0, s1) = (a / q0, b / q1);
        let (big0, big1) = (p0 / q0, p1 / q1);
        let (u0, u1) = (a / p0, b / p1);
        volume += (q1 - q0) * v_mid * (s0 + s1) / 2.0;
        product_mix += q_mid * (big1 - big0) * v_mid * (u0 + u1) / 2.0;
        customer_mix += q_mid * (big0 + big1) / 2.0 * v_mid * (u1 - u0);
    }
    acc.effects[2] += volume;
    acc.effects[3] += product_mix;
    acc.effects[4] += customer_mix;
}

/// `list_price` and the columns of the elements on the basis (index into the parts).
fn part_names(v: &Valued) -> Vec<(usize, String)> {
    let mut names = vec![(0, "list_price".to_string())];
    for (i, e) in v.elements.iter().enumerate() {
        if v.counts(i) {
            names.push((i + 1, e.column.clone()));
        }
    }
    names
}

/// Rounds a row to cents so that its effects add up to its change.
fn finish(key: GroupKey, acc: &Acc, names: &[(usize, String)]) -> BridgeRow {
    let base_cents = cents(acc.base);
    let compare_cents = cents(acc.compare);
    let effects = exact_cents(&acc.effects, compare_cents - base_cents);
    let parts: Vec<f64> = names.iter().map(|(i, _)| acc.parts[*i]).collect();
    let parts_cents = exact_cents(&parts, effects[0]);
    let mut effects_cents = [0i64; 8];
    effects_cents.copy_from_slice(&effects);
    BridgeRow {
        key,
        base_cents,
        compare_cents,
        effects_cents,
        price_parts_cents: names
            .iter()
            .map(|(_, n)| n.clone())
            .zip(parts_cents)
            .collect(),
        pairs: acc.pairs,
    }
}

/// The total row: the sum of the rows (amounts, effects, parts and pair counts).
fn total_row(rows: &[BridgeRow], names: &[(usize, String)]) -> BridgeRow {
    let mut total = BridgeRow {
        key: GroupKey::default(),
        base_cents: 0,
        compare_cents: 0,
        effects_cents: [0; 8],
        price_parts_cents: names.iter().map(|(_, n)| (n.clone(), 0)).collect(),
        pairs: [0; 4],
    };
    for r in rows {
        total.base_cents += r.base_cents;
        total.compare_cents += r.compare_cents;
        for (t, x) in total.effects_cents.iter_mut().zip(r.effects_cents) {
            *t += x;
        }
        for (t, x) in total.price_parts_cents.iter_mut().zip(&r.price_parts_cents) {
            t.1 += x.1;
        }
        for (t, x) in total.pairs.iter_mut().zip(r.pairs) {
            *t += x;
        }
    }
    total
}

/// An amount in currency as whole cents, half away from zero (so `cents(−x) = −cents(x)`).
pub fn cents(amount: f64) -> i64 {
    (amount * 100.0).round() as i64
}

/// Amounts in cents that add up to `target` exactly: each rounded to cents, and what rounding
/// left over (a cent or two) added to the largest amount (the first of equal ones). Odd:
/// negating every amount and the target negates every result.
pub fn exact_cents(amounts: &[f64], target: i64) -> Vec<i64> {
    let mut out: Vec<i64> = amounts.iter().map(|&a| cents(a)).collect();
    let residual = target - out.iter().sum::<i64>();
    let largest = (0..amounts.len()).fold(None, |best: Option<usize>, i| match best {
        Some(b) if amounts[b].abs() >= amounts[i].abs() => Some(b),
        _ => Some(i),
    });
    if let Some(i) = largest {
        out[i] += residual;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rounding_leftovers_go_to_the_largest_effect_and_flip_with_the_sign() {
        // 0.004 + 0.004 + 10.004 = 10.012 → rounded each 0 + 0 + 10.00; change 10.02.
        let amounts = [0.004, 0.004, 10.004];
        assert_eq!(exact_cents(&amounts, 1002), [0, 0, 1002]);
        let negated: Vec<f64> = amounts.iter().map(|a| -a).collect();
        assert_eq!(exact_cents(&negated, -1002), [0, 0, -1002]);
        assert_eq!(cents(0.125), 13);
        assert_eq!(cents(-0.125), -13);
        assert_eq!(exact_cents(&[], 0), Vec::<i64>::new());
    }
}
