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

/// The one-scan sums the bridge reads (`both_pair_sums`) against the SQL `GROUP BY` of each
/// period (`pair_sums`), on day ranges that cut months at both ends, overlapping and equal
/// periods included: the same pairs in the same order, every sum equal to the cent.
#[test]
fn one_scan_pair_sums_equal_the_sql_group_by_of_each_period() {
    use pricebench::analysis::bridge::{both_pair_sums, pair_sums};
    let ws = pricebench::store::bundled_sample().unwrap();
    let elements = pricebench::store::elements(&ws).unwrap();
    let cents = |x: f64| (x * 100.0).round() as i64;
    let mut compared = 0;
    for (base, compare) in [
        ("2024-02-03..2024-11-17", "2025-02-03..2025-11-17"),
        ("2024-03-15..2024-03-15", "2025-06-30..2025-12-31"),
        ("2024-07-09..2025-01-15", "2024-07-09..2025-01-15"),
        ("2024-01-01..2024-12-31", "2024-06-01..2025-05-31"),
    ] {
        let (base, compare) = (
            Period::parse(base).unwrap(),
            Period::parse(compare).unwrap(),
        );
        let (b, c) = both_pair_sums(&ws, &elements, base, compare).unwrap();
        for (got, period) in [(b, base), (c, compare)] {
            let want = pair_sums(&ws, &elements, period).unwrap();
            assert!(!want.is_empty(), "{period}: no pairs");
            assert_eq!(got.len(), want.len(), "{period}: pairs");
            for (g, w) in got.iter().zip(&want) {
                assert_eq!(g.key, w.key, "{period}");
                let (gs, ws_) = (&g.sums, &w.sums);
                assert_eq!(gs.lines, ws_.lines, "{period} {:?}", g.key);
                let mut a = vec![
                    gs.quantity,
                    gs.list_revenue,
                    gs.invoice_revenue,
                    gs.pocket_revenue,
                    gs.cost,
                ];
                a.extend(&gs.elements);
                let mut e = vec![
                    ws_.quantity,
                    ws_.list_revenue,
                    ws_.invoice_revenue,
                    ws_.pocket_revenue,
                    ws_.cost,
                ];
                e.extend(&ws_.elements);
                let a: Vec<i64> = a.into_iter().map(cents).collect();
                let e: Vec<i64> = e.into_iter().map(cents).collect();
                assert_eq!(a, e, "{period} {:?}", g.key);
                compared += 1;
            }
        }
    }
    assert!(compared > 10_000, "{compared} pairs compared");
}

/// The bundled sample copied to a workspace file, where the bridge and the increase windows
/// are read by two connections on two threads (one per set of months): every bridge row and
/// every realization the same as in memory, where one connection reads, to the last bit.
#[test]
fn two_readers_on_a_file_give_the_same_bridges_and_increases() {
    use pricebench::analysis::bridge::{IncreaseOptions, increase_realization};
    let memory = pricebench::store::bundled_sample().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("sample.db");
    memory
        .conn()
        .execute("VACUUM INTO ?1", [path.to_string_lossy()])
        .unwrap();
    let file = pricebench::store::Workspace::open(&path).unwrap();
    let mut rows = 0;
    for (base, compare) in [
        ("2024-01-01..2024-12-31", "2025-01-01..2025-12-31"),
        ("2025-02-03..2025-11-17", "2024-02-03..2024-11-17"),
    ] {
        let (base, compare) = (
            Period::parse(base).unwrap(),
            Period::parse(compare).unwrap(),
        );
        for by in [
            BridgeBy::Total,
            BridgeBy::Segment,
            BridgeBy::Product,
            BridgeBy::SegmentProduct,
            BridgeBy::Customer,
        ] {
            for measure in [Measure::Revenue, Measure::PocketMargin] {
                let options = BridgeOptions {
                    by,
                    measure,
                    basis: Basis::Pocket,
                };
                let one = period_bridge(&memory, base, compare, options).unwrap();
                let two = period_bridge(&file, base, compare, options).unwrap();
                assert_eq!(one, two, "{base} → {compare} {by:?} {measure:?}");
                rows += one.rows.len();
            }
        }
    }
    assert!(rows > 1_000, "{rows} rows compared");
    let options = IncreaseOptions {
        effective: None,
        announced: None,
        window_days: 30,
    };
    let one = increase_realization(&memory, &options).unwrap();
    let two = increase_realization(&file, &options).unwrap();
    assert!(one.len() >= 4, "{} changes", one.len());
    assert_eq!(one, two);
}
