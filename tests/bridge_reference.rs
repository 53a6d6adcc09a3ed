//! The bridge on the bundled sample against an independent pandas computation
//! (testdata/reference/bridge_reference.py → bridge_expected.csv): 2024 → 2025, revenue and
//! pocket margin, by segment × product and by customer, every amount equal to the cent.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pricebench::analysis::bridge::{Period, period_bridge};
use pricebench::realization::bridge::{Basis, BridgeBy, BridgeOptions, EFFECTS, Measure};
use std::collections::HashMap;

#[test]
fn bridge_on_the_sample_matches_pandas_to_the_cent() {
    let text = std::fs::read_to_string("testdata/reference/bridge_expected.csv").unwrap();
    let mut reader = csv::Reader::from_reader(text.as_bytes());
    let mut expected: HashMap<(String, String, String), Vec<i64>> = HashMap::new();
    for rec in reader.records() {
        let rec = rec.unwrap();
        let numbers: Vec<i64> = (3..rec.len()).map(|i| rec[i].parse().unwrap()).collect();
        expected.insert((rec[0].into(), rec[1].into(), rec[2].into()), numbers);
    }
    assert_eq!(expected.len(), 840);
    let ws = pricebench::store::bundled_sample().unwrap();
    let base = Period::parse("2024-01-01..2024-12-31").unwrap();
    let compare = Period::parse("2025-01-01..2025-12-31").unwrap();
    let mut checked = 0;
    for (measure, m) in [
        ("revenue", Measure::Revenue),
        ("pocket_margin", Measure::PocketMargin),
    ] {
        for (by, b) in [
            ("segment-product", BridgeBy::SegmentProduct),
            ("customer", BridgeBy::Customer),
        ] {
            let options = BridgeOptions {
                by: b,
                measure: m,
                basis: Basis::Pocket,
            };
            let bridge = period_bridge(&ws, base, compare, options).unwrap();
            for row in &bridge.rows {
                let second = match b {
                    BridgeBy::Customer => row.key.customer_id.clone(),
                    _ => row.key.product_id.clone(),
                };
                let key = format!(
                    "{}/{}",
                    row.key.segment_id.clone().unwrap(),
                    second.unwrap()
                );
                let want = &expected[&(measure.to_string(), by.to_string(), key.clone())];
                let mut got = vec![row.base_cents, row.compare_cents];
                got.extend(row.effects_cents);
                assert_eq!(
                    &got, want,
                    "{measure} {by} {key}: columns base, compare, {EFFECTS:?}"
                );
                checked += 1;
            }
        }
    }
    assert_eq!(checked, 840);
}
