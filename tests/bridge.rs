//! `bridge` and `increase` on the hand-computed fixture (tests/bridge_fixture): every effect
//! asserted to the cent, the commands run as the binary with their CSV parsed back, and the
//! period and file errors.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bridge_fixture;

use bridge_fixture::{BRIDGE_LINES, INCREASE_LINES, workspace, workspace_file};
use pricebench::analysis::bridge::{IncreaseOptions, Period, increase_realization, period_bridge};
use pricebench::date::Date;
use pricebench::realization::bridge::{Basis, Bridge, BridgeBy, BridgeOptions, BridgeRow, Measure};
use pricebench::realization::increase::{leak_ranking, overall, sentence};
use std::process::Command;

fn period(s: &str) -> Period {
    Period::parse(s).unwrap()
}

fn run_bridge(by: BridgeBy, measure: Measure, base: &str, compare: &str) -> Bridge {
    let ws = workspace(BRIDGE_LINES);
    let options = BridgeOptions {
        by,
        measure,
        basis: Basis::Pocket,
    };
    period_bridge(&ws, period(base), period(compare), options).unwrap()
}

const JAN: &str = "2024-01-01..2024-01-31";
const FEB: &str = "2024-02-01..2024-02-29";

fn effects(r: &BridgeRow) -> Vec<(&'static str, i64)> {
    pricebench::realization::bridge::EFFECTS
        .iter()
        .map(|e| (*e, r.effect(e).unwrap()))
        .collect()
}

#[test]
fn revenue_bridge_by_segment_matches_the_hand_computation_to_the_cent() {
    let b = run_bridge(BridgeBy::Segment, Measure::Revenue, JAN, FEB);
    assert_eq!(b.rows.len(), 2);
    let s1 = &b.rows[0];
    assert_eq!(s1.key.segment_id.as_deref(), Some("S1"));
    assert_eq!((s1.base_cents, s1.compare_cents), (54_000, 56_100));
    assert_eq!(
        effects(s1),
        [
            ("price", -1000),
            ("cost", 0),
            ("volume", 8856),
            ("product_mix", -6478),
            ("customer_mix", 722),
            ("new", 0),
            ("lost", 0),
            ("other", 0),
        ]
    );
    assert_eq!(
        s1.price_parts_cents,
        [
            ("list_price".to_string(), 2600),
            ("on_volume".to_string(), -2500),
            ("off_rebate".to_string(), -1100),
        ]
    );
    assert_eq!(s1.pairs, [3, 0, 0, 0]);
    let s2 = &b.rows[1];
    assert_eq!((s2.base_cents, s2.compare_cents), (2_000, 6_000));
    assert_eq!(
        (s2.effect("new"), s2.effect("lost"), s2.effect("other")),
        (Some(6000), Some(-4000), Some(2000))
    );
    assert_eq!(s2.pairs, [0, 1, 1, 1]);
    assert_eq!(
        (b.total.base_cents, b.total.compare_cents),
        (56_000, 62_100)
    );
    assert_eq!(b.total.effects_cents.iter().sum::<i64>(), 6100);
}

#[test]
fn margin_bridge_splits_price_and_cost() {
    let b = run_bridge(BridgeBy::Segment, Measure::PocketMargin, JAN, FEB);
    let s1 = &b.rows[0];
    assert_eq!((s1.base_cents, s1.compare_cents), (24_000, 21_900));
    assert_eq!(s1.effect("price"), Some(-1000));
    assert_eq!(s1.effect("cost"), Some(-2600));
    // 37.15 − 29.38 + 7.22 = 14.99: the cent rounding leaves over goes to the largest, volume.
    assert_eq!(s1.effect("volume"), Some(3716));
    assert_eq!(s1.effect("product_mix"), Some(-2938));
    let quantity: i64 = ["volume", "product_mix", "customer_mix"]
        .iter()
        .map(|e| s1.effect(e).unwrap())
        .sum();
    assert_eq!(quantity, 1500);
    let s2 = &b.rows[1];
    assert_eq!(
        (s2.effect("new"), s2.effect("lost"), s2.effect("other")),
        (Some(3000), Some(-1500), Some(2000))
    );
}

#[test]
fn swapping_the_periods_flips_every_sign_and_a_period_against_itself_is_zero() {
    for by in [
        BridgeBy::Product,
        BridgeBy::SegmentProduct,
        BridgeBy::Customer,
    ] {
        let ab = run_bridge(by, Measure::Revenue, JAN, FEB);
        let ba = run_bridge(by, Measure::Revenue, FEB, JAN);
        for (x, y) in ab.rows.iter().zip(&ba.rows) {
            // What is new one way is lost the other way.
            let mut flipped = x.effects_cents.map(|v| -v);
            flipped.swap(5, 6);
            assert_eq!(flipped, y.effects_cents);
            assert_eq!(x.change_cents(), -y.change_cents());
        }
        let aa = run_bridge(by, Measure::PocketMargin, JAN, JAN);
        assert!(aa.rows.iter().all(|r| r.effects_cents == [0; 8]));
    }
}

#[test]
fn overlapping_or_bad_periods_are_refused_with_a_clear_message() {
    let ws = workspace(BRIDGE_LINES);
    let options = BridgeOptions {
        by: BridgeBy::Total,
        measure: Measure::Revenue,
        basis: Basis::Pocket,
    };
    let err = period_bridge(&ws, period(JAN), period("2024-01-15..2024-02-15"), options)
        .unwrap_err()
        .to_string();
    assert_eq!(
        err,
        "the periods 2024-01-01..2024-01-31 and 2024-01-15..2024-02-15 overlap: give periods that share no day"
    );
    assert_eq!(
        Period::parse("2024-02-01..2024-01-01")
            .unwrap_err()
            .to_string(),
        "period '2024-02-01..2024-01-01' ends before it starts"
    );
    assert_eq!(
        Period::parse("2024-01-01").unwrap_err().to_string(),
        "'2024-01-01' is not a period (expected FROM..TO, e.g. 2024-01-01..2024-12-31)"
    );
    assert_eq!(
        Period::parse("2024-01-01..2024-02-30")
            .unwrap_err()
            .to_string(),
        "period '2024-01-01..2024-02-30': '2024-02-30' is not a date (expected YYYY-MM-DD)"
    );
}

#[test]
fn empty_periods_give_a_bridge_of_new_or_lost_only() {
    let b = run_bridge(
        BridgeBy::Total,
        Measure::Revenue,
        "2023-01-01..2023-12-31",
        JAN,
    );
    let t = &b.total;
    assert_eq!((t.base_cents, t.compare_cents), (0, 56_000));
    assert_eq!(t.effect("new"), Some(58_000));
    assert_eq!(t.effect("other"), Some(-2_000));
    let none = run_bridge(
        BridgeBy::Total,
        Measure::Revenue,
        "2023-01-01..2023-01-31",
        "2023-02-01..2023-02-28",
    );
    assert_eq!(none.total.effects_cents, [0; 8]);
}

#[test]
fn increase_realization_matches_the_hand_computation() {
    let ws = workspace(INCREASE_LINES);
    let options = IncreaseOptions {
        effective: None,
        announced: None,
        window_days: 10,
    };
    let results = increase_realization(&ws, &options).unwrap();
    assert_eq!(results.len(), 1);
    let c = &results[0];
    assert_eq!(c.change.product_id, "P1");
    assert_eq!(c.change.effective, Date::parse("2024-03-01").unwrap());
    assert!((c.change.pct - 10.0).abs() < 1e-9);
    assert_eq!(c.unmatched, 1);
    let t = overall(&results);
    assert_eq!((t.list, t.invoice), ((300.0, 330.0), (290.0, 299.0)));
    assert!((t.pocket.0 - 280.0).abs() < 1e-9 && (t.pocket.1 - 288.0).abs() < 1e-9);
    assert!((t.leaked() - 20.0).abs() < 1e-9);
    assert_eq!(
        sentence(&t),
        "announced 10.0%, list 10.0%, invoice 3.1%, pocket 2.9% — 71% of the increase leaked, mostly through on_volume"
    );
    let ranking = leak_ranking(&results);
    let ids: Vec<_> = ranking
        .iter()
        .map(|(k, r)| (k.customer_id.clone().unwrap(), (r.leaked() * 100.0).round()))
        .collect();
    assert_eq!(ids, [("C2".to_string(), 2000.0), ("C1".to_string(), 0.0)]);
    assert_eq!(ranking[0].1.leaked_pct().map(f64::round), Some(100.0));
}

#[test]
fn an_effective_date_without_a_change_names_the_dates_found() {
    let ws = workspace(INCREASE_LINES);
    let options = IncreaseOptions {
        effective: Date::parse("2024-03-02"),
        announced: None,
        window_days: 10,
    };
    let err = increase_realization(&ws, &options).unwrap_err().to_string();
    assert_eq!(
        err,
        "no list-price change effective on 2024-03-02 (changes found on: 2024-03-01)"
    );
}

fn csv_rows(out: &[u8]) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(out);
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            headers
                .iter()
                .zip(rec.unwrap().iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn bin(db: &std::path::Path, args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

#[test]
fn bridge_command_prints_the_effects_and_the_price_steps_as_csv() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace_file(dir.path(), BRIDGE_LINES);
    let out = bin(
        &db,
        &["bridge", "--base", JAN, "--compare", FEB, "--format", "csv"],
    );
    assert!(out.status.success(), "{out:?}");
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows.len(), 3);
    assert_eq!(rows[0]["segment_id"], "S1");
    assert_eq!(rows[0]["volume"], "88.56");
    assert_eq!(rows[0]["product_mix"], "-64.78");
    assert_eq!(rows[2]["level"], "total");
    assert_eq!(rows[2]["change"], "61.00");
    let out = bin(
        &db,
        &[
            "bridge",
            "--base",
            JAN,
            "--compare",
            FEB,
            "--by",
            "total",
            "--show",
            "price",
            "--format",
            "csv",
        ],
    );
    let rows = csv_rows(&out.stdout);
    assert_eq!(rows.len(), 3, "--by total prints the total only");
    let steps: Vec<(&str, &str)> = rows
        .iter()
        .filter(|r| r["level"] == "total")
        .map(|r| (r["step"].as_str(), r["amount"].as_str()))
        .collect();
    assert_eq!(
        steps,
        [
            ("list_price", "26.00"),
            ("on_volume", "-25.00"),
            ("off_rebate", "-11.00")
        ]
    );
    let out = bin(
        &db,
        &[
            "bridge",
            "--base",
            JAN,
            "--compare",
            "2024-01-31..2024-02-29",
        ],
    );
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("overlap"), "{err}");
    let out = bin(&db, &["bridge", "--base", JAN]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("give both --base and --compare"));
}

#[test]
fn increase_command_reads_announced_changes_and_reports_segments() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace_file(dir.path(), INCREASE_LINES);
    let file = dir.path().join("price_changes.csv");
    std::fs::write(
        &file,
        "family,effective_date,pct\nfasteners,2024-03-01,12.5\n",
    )
    .unwrap();
    let out = bin(
        &db,
        &[
            "increase",
            "--announced",
            file.to_str().unwrap(),
            "--window",
            "10",
            "--show",
            "segments",
            "--format",
            "csv",
        ],
    );
    assert!(out.status.success(), "{out:?}");
    let rows = csv_rows(&out.stdout);
    let total = rows.iter().find(|r| r["segment_id"] == "total").unwrap();
    assert_eq!(total["announced_pct"], "12.5");
    assert_eq!(total["list_pct"], "10.0");
    // target 0.125 · 280 = 35, arrived 8: 27 leaked: list shortfall 2.5 (C1) + 5 (C2) = 7.5,
    // on_volume (1 − 1.25) + 20 = 19.75, off_rebate 1 − 1.25 = −0.25.
    assert_eq!(total["leaked"], "27.00");
    assert_eq!(total["mostly_through"], "on_volume");
    std::fs::write(&file, "product_id,effective_date,pct\nP9,2024-03-01,5\n").unwrap();
    let out = bin(&db, &["increase", "--announced", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("price_changes.csv:2: column 'product_id': 'P9' is not a known product"),
        "{err}"
    );
}
