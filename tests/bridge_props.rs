//! Property tests of the bridge's invariants on random customer × product sums: the effects
//! add up to the change to the cent at every `--by` level, the price steps to the price effect,
//! swapping the periods flips every sign (new and lost trading places), and a period against itself is all zeros.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pricebench::realization::bridge::{Basis, BridgeBy, BridgeOptions, Measure, bridge};
use pricebench::realization::sums::{Element, ElementKind, GroupKey, GroupSums, Sums};
use proptest::prelude::*;

fn elements() -> Vec<Element> {
    let e = |c: &str, kind| Element {
        name: c.into(),
        kind,
        column: c.into(),
    };
    vec![
        e("on_volume", ElementKind::OnInvoice),
        e("on_promo", ElementKind::OnInvoice),
        e("off_rebate", ElementKind::OffInvoice),
    ]
}

/// One pair's sums from a quantity and per-unit list, elements and cost (cents, to keep the
/// amounts realistic).
fn sums(q: i32, list: u32, on: (u32, u32), off: u32, cost: u32) -> Sums {
    let q = f64::from(q);
    let x = |c: u32| q * f64::from(c) / 100.0;
    let elements = vec![x(on.0), x(on.1), x(off)];
    let list_revenue = x(list);
    let invoice = list_revenue - elements[0] - elements[1];
    Sums {
        lines: 1,
        quantity: q,
        list_revenue,
        invoice_revenue: invoice,
        pocket_revenue: invoice - elements[2],
        cost: x(cost),
        elements,
    }
}

fn pair() -> impl Strategy<Value = Option<Sums>> {
    prop_oneof![
        1 => Just(None),
        6 => (-3i32..400, 100u32..50_000, (0u32..3_000, 0u32..3_000), 0u32..2_000, 50u32..30_000)
            .prop_map(|(q, l, on, off, c)| Some(sums(q, l, on, off, c))),
    ]
}

fn period() -> impl Strategy<Value = Vec<GroupSums>> {
    prop::collection::vec(pair(), 24).prop_map(|pairs| {
        pairs
            .into_iter()
            .enumerate()
            .filter_map(|(i, s)| {
                let customer = i / 3;
                s.map(|sums| GroupSums {
                    key: GroupKey {
                        segment_id: Some(format!("S{}", customer % 2)),
                        product_id: Some(format!("P{}", i % 3)),
                        customer_id: Some(format!("C{customer}")),
                    },
                    sums,
                })
            })
            .collect()
    })
}

fn all_options() -> Vec<BridgeOptions> {
    let mut out = Vec::new();
    for by in [
        BridgeBy::Total,
        BridgeBy::Segment,
        BridgeBy::Product,
        BridgeBy::SegmentProduct,
        BridgeBy::Customer,
    ] {
        for (measure, basis) in [
            (Measure::Revenue, Basis::List),
            (Measure::Revenue, Basis::Invoice),
            (Measure::Revenue, Basis::Pocket),
            (Measure::PocketMargin, Basis::Pocket),
        ] {
            out.push(BridgeOptions { by, measure, basis });
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn effects_add_up_and_flip_sign(base in period(), compare in period()) {
        let els = elements();
        for options in all_options() {
            let ab = bridge(&els, &base, &compare, options);
            let ba = bridge(&els, &compare, &base, options);
            prop_assert_eq!(ab.rows.len(), ba.rows.len());
            for r in ab.rows.iter().chain([&ab.total]) {
                prop_assert_eq!(r.effects_cents.iter().sum::<i64>(), r.change_cents());
                let parts: i64 = r.price_parts_cents.iter().map(|p| p.1).sum();
                prop_assert_eq!(parts, r.effects_cents[0]);
            }
            for (x, y) in ab.rows.iter().chain([&ab.total]).zip(ba.rows.iter().chain([&ba.total])) {
                prop_assert_eq!(&x.key, &y.key);
                let mut flipped = x.effects_cents.map(|v| -v);
                flipped.swap(5, 6);
                prop_assert_eq!(flipped, y.effects_cents);
                prop_assert_eq!(
                    x.price_parts_cents.iter().map(|p| -p.1).collect::<Vec<_>>(),
                    y.price_parts_cents.iter().map(|p| p.1).collect::<Vec<_>>()
                );
            }
            let same = bridge(&els, &base, &base, options);
            for r in same.rows.iter().chain([&same.total]) {
                prop_assert_eq!(r.effects_cents, [0; 8]);
            }
        }
    }
}
