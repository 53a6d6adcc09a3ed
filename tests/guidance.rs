//! Deal guidance and scoring: the hand-computed realization fixture (tests/realization_fixture)
//! with every number worked out below, the invariants on the bundled sample and on generated
//! data, size-band merging, the scoring round trip and the messages for bad input.
//!
//! The fixture's customers × products (pocket % of list, volume, list / invoice / pocket
//! revenue):
//!   S1/P1: C1 85 % (90; 900 / 810 / 765), C2 95 % (50; 500 / 500 / 475), C3 70 % (20; 200 / 160 / 140)
//!   S2/P1: C4 80 % (40; 400 / 360 / 320), C5 100 % (10; 100 / 100 / 100)
//!   S2/P2: C4 85 % (30; 600 / 540 / 510), C5 70 % (10; 200 / 160 / 140)
//! With --min-customers 3 and the default p25 / p50 / p75:
//! - by product, P1 (5 customers): sorted 70 (20), 80 (40), 85 (90), 95 (50), 100 (10), W = 210;
//!   p25 at 52.5 → 80, p50 at 105 → 85, p75 at 157.5 → 95. Off-invoice (1,930 − 1,800) / 2,100
//!   = 6.190476 %, so the invoice corridor is 86.190476 / 91.190476 / 101.190476 and at the list
//!   price of 10 the prices are 8.00 / 8.50 / 9.50 (pocket), 8.6190 / 9.1190 / 10.1190
//!   (invoice). Below the floor: C3, (80 − 70) % × 200 = 20; below the target: C3 30 and C4
//!   (85 − 80) % × 400 = 20, 50 in all. P2 (2 customers) has no corridor: too_few_customers.
//! - by segment × product: S1/P1 (3 customers) 70 (20), 85 (90), 95 (50), W = 160: p25 at 40 →
//!   85, p50 at 80 → 85, p75 at 120 → 95; off-invoice 90 / 1,600 = 5.625 %; below the floor and
//!   the target: C3, 15 % × 200 = 30. S2/P1 (2) borrows P1's corridor 80 / 85 / 95; off-invoice
//!   40 / 500 = 8 %; below the target C4, 20. S2/P2 (2; P2 has 2 too) borrows segment S2's four
//!   customer × product cells 70 (10), 80 (40), 85 (30), 100 (10), W = 90: p25 at 22.5 → 80,
//!   p50 at 45 → 80, p75 at 67.5 → 85; off-invoice 50 / 800 = 6.25 %; C5 below both, 10 % × 200
//!   = 20.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod realization_fixture;
mod support;

use pricebench::analysis::guidance::guidance;
use pricebench::realization::band::{BandBy, band, group_cells, observation};
use pricebench::realization::guidance::{
    Corridor, GuidanceOptions, GuidanceRow, Position, Source, position, score,
};
use pricebench::realization::sums::Cell;
use pricebench::store::realization::{Scope, cells};
use proptest::prelude::*;
use std::collections::HashMap;
use std::path::Path;
use std::process::{Command, Output};
use support::assert_close;

fn options(by: BandBy, size_bands: usize, min_customers: usize) -> GuidanceOptions {
    GuidanceOptions {
        by,
        size_bands,
        min_customers,
        ..GuidanceOptions::default()
    }
}

fn corridor(r: &GuidanceRow) -> (f64, f64, f64) {
    let c = r.pocket.unwrap();
    (c.floor, c.target, c.stretch)
}

#[test]
fn fixture_by_product_matches_the_hand_computation() {
    let ws = realization_fixture::workspace();
    let rows = guidance(&ws, &Scope::default(), &options(BandBy::Product, 1, 3)).unwrap();
    assert_eq!(rows.len(), 2, "P3 has no net volume");
    let p1 = &rows[0];
    assert_eq!((p1.product_id.as_str(), p1.customers), ("P1", 5));
    assert_eq!(p1.source, Source::Own);
    assert_eq!(corridor(p1), (80.0, 85.0, 95.0));
    assert_close(p1.off_invoice_pct.unwrap(), 130.0 / 2100.0 * 100.0, 1e-12);
    let inv = p1.invoice().unwrap();
    assert_close(inv.floor, 86.190476190476, 1e-10);
    assert_close(inv.stretch, 101.190476190476, 1e-10);
    let prices = inv.prices(p1.list_price.unwrap());
    assert_close(prices.target, 9.1190476190476, 1e-10);
    assert_eq!(p1.pocket.unwrap().prices(10.0).floor, 8.0);
    assert_eq!((p1.worth.below_floor, p1.worth.below_target), (1, 2));
    assert_close(p1.worth.to_floor, 20.0, 1e-12);
    assert_close(p1.worth.to_target, 50.0, 1e-12);
    let p2 = &rows[1];
    assert_eq!((p2.source, p2.pocket), (Source::None, None));
    assert_eq!(p2.source.status(), "too_few_customers");
}

#[test]
fn fixture_thin_cells_borrow_the_product_then_the_segment() {
    let ws = realization_fixture::workspace();
    let rows = guidance(
        &ws,
        &Scope::default(),
        &options(BandBy::SegmentProduct, 1, 3),
    )
    .unwrap();
    type Row<'a> = (&'a str, &'a str, Source, usize, (f64, f64, f64));
    let got: Vec<Row> = rows
        .iter()
        .map(|r| {
            (
                r.segment_id.as_deref().unwrap(),
                r.product_id.as_str(),
                r.source,
                r.pool_customers,
                corridor(r),
            )
        })
        .collect();
    assert_eq!(
        got,
        [
            ("S1", "P1", Source::Own, 3, (85.0, 85.0, 95.0)),
            ("S2", "P1", Source::BorrowedProduct, 5, (80.0, 85.0, 95.0)),
            ("S2", "P2", Source::BorrowedSegment, 4, (80.0, 80.0, 85.0)),
        ]
    );
    let off: Vec<f64> = rows.iter().map(|r| r.off_invoice_pct.unwrap()).collect();
    assert_close(off[0], 5.625, 1e-12);
    assert_close(off[1], 8.0, 1e-12);
    assert_close(off[2], 6.25, 1e-12);
    let worth: Vec<(usize, f64, usize, f64)> = rows
        .iter()
        .map(|r| {
            let w = r.worth;
            (w.below_floor, w.to_floor, w.below_target, w.to_target)
        })
        .collect();
    assert_eq!(worth[0].0, 1);
    assert_close(worth[0].1, 30.0, 1e-12);
    assert_eq!((worth[1].0, worth[1].2), (0, 1));
    assert_close(worth[1].3, 20.0, 1e-12);
    assert_close(worth[2].1, 20.0, 1e-12);
    assert_close(worth[2].3, 20.0, 1e-12);
}

/// The rows' invariants: floor ≤ target ≤ stretch on both bases, worth non-negative and
/// finite, every customer of a cell in exactly one size band.
fn check_invariants(rows: &[GuidanceRow], cells: &[Cell], opts: &GuidanceOptions) {
    let mut customers: HashMap<(Option<String>, String), usize> = HashMap::new();
    for r in rows {
        for c in [r.pocket, r.invoice()].into_iter().flatten() {
            assert!(c.floor <= c.target && c.target <= c.stretch, "{r:?}");
            assert!(c.floor.is_finite() && c.stretch.is_finite());
        }
        assert!(r.worth.to_floor >= 0.0 && r.worth.to_floor <= r.worth.to_target);
        assert!(r.worth.below_floor <= r.worth.below_target);
        assert!(r.worth.below_target <= r.customers);
        if r.source == Source::Own {
            assert!(r.customers >= opts.min_customers);
        }
        if r.size_band.of > 1 {
            assert!(r.customers >= opts.min_customers, "thin band kept: {r:?}");
        }
        *customers
            .entry((r.segment_id.clone(), r.product_id.clone()))
            .or_default() += r.customers;
    }
    for (key, group) in group_cells(cells, opts.by) {
        let kept = band(&group.iter().map(|c| observation(c)).collect::<Vec<_>>(), 1).observations;
        let got = customers
            .get(&(key.segment_id.clone(), key.product_id.clone().unwrap()))
            .copied()
            .unwrap_or(0);
        assert_eq!(got, kept, "{key:?}");
    }
}

/// With one size band, every own row's target is the band's p50 for that cell, exactly (and
/// floor and stretch its p25 and p75).
fn check_target_is_band_median(rows: &[GuidanceRow], cells: &[Cell], by: BandBy) {
    let bands: HashMap<_, _> = group_cells(cells, by)
        .into_iter()
        .map(|(key, group)| {
            let obs: Vec<_> = group.iter().map(|c| observation(c)).collect();
            (key, band(&obs, 10).percentiles)
        })
        .collect();
    let mut checked = 0;
    for r in rows.iter().filter(|r| r.source == Source::Own) {
        let key = pricebench::realization::band::band_key(
            by,
            r.segment_id.as_deref().unwrap_or(""),
            &r.product_id,
        );
        let p = bands[&key].unwrap();
        assert_eq!(corridor(r), (p.p25, p.p50, p.p75), "{key:?}");
        checked += 1;
    }
    assert!(checked > 0);
}

#[test]
fn sample_guidance_keeps_its_invariants_and_its_target_is_the_band_median() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let all = cells(&ws, &Scope::default()).unwrap();
    for by in [BandBy::SegmentProduct, BandBy::Product] {
        for size_bands in [1, 2, 3, 5] {
            let opts = options(by, size_bands, 5);
            let rows = guidance(&ws, &Scope::default(), &opts).unwrap();
            check_invariants(&rows, &all, &opts);
            if size_bands == 1 {
                check_target_is_band_median(&rows, &all, by);
            }
        }
    }
    let rows = guidance(&ws, &Scope::default(), &GuidanceOptions::default()).unwrap();
    let borrowed = rows
        .iter()
        .filter(|r| r.source.status() == "borrowed")
        .count();
    assert_eq!((rows.len(), borrowed), (120, 12));
}

#[test]
fn sample_size_bands_split_big_buyers_and_merge_thin_bands() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let rows = guidance(
        &ws,
        &Scope::default(),
        &options(BandBy::SegmentProduct, 3, 5),
    )
    .unwrap();
    let merged = rows
        .iter()
        .filter(|r| !r.size_band.merged.is_empty())
        .count();
    let split = rows.iter().filter(|r| r.size_band.of == 3).count();
    assert!(merged > 0 && split > 0, "merged {merged}, split {split}");
    for r in rows.iter().filter(|r| r.size_band.of > 1) {
        // The bands of a cell tile its volume: each starts where the one below ends.
        let next = rows.iter().find(|n| {
            n.segment_id == r.segment_id
                && n.product_id == r.product_id
                && n.size_band.index == r.size_band.index + 1
        });
        match next {
            Some(n) => assert_eq!(r.size_band.volume_to, Some(n.size_band.volume_from)),
            None => assert_eq!(r.size_band.volume_to, None),
        }
    }
}

fn arb_cells() -> impl Strategy<Value = Vec<Cell>> {
    let cell = (
        0..3usize,
        0..4usize,
        0..40usize,
        -5.0..200.0f64,
        0.3..1.2f64,
        0.0..0.2f64,
    );
    prop::collection::vec(cell, 0..160).prop_map(|cells| {
        cells
            .into_iter()
            .map(|(s, p, c, q, pocket, off)| {
                let list_revenue = q.abs() * 10.0;
                Cell {
                    segment_id: format!("S{s}").into(),
                    product_id: format!("P{p}").into(),
                    customer_id: format!("C{s}-{c}").into(),
                    quantity: q.round(),
                    list_revenue,
                    invoice_revenue: list_revenue * (pocket + off),
                    pocket_revenue: list_revenue * pocket,
                }
            })
            .collect()
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]
    #[test]
    fn generated_guidance_keeps_its_invariants(
        cells in arb_cells(),
        size_bands in 1..5usize,
        min_customers in 3..7usize,
        by_product in any::<bool>(),
        floor in 0.0..50.0f64,
        spread in 0.0..50.0f64,
    ) {
        let by = if by_product { BandBy::Product } else { BandBy::SegmentProduct };
        let opts = GuidanceOptions {
            by,
            size_bands,
            min_customers,
            percentiles: Corridor { floor, target: floor + spread / 2.0, stretch: floor + spread },
        };
        let prices: HashMap<String, f64> = HashMap::new();
        let rows = pricebench::realization::guidance::guidance(&cells, &prices, &opts);
        check_invariants(&rows, &cells, &opts);
        let defaults = GuidanceOptions { by, min_customers, ..GuidanceOptions::default() };
        let rows = pricebench::realization::guidance::guidance(&cells, &prices, &defaults);
        if rows.iter().any(|r| r.source == Source::Own) {
            check_target_is_band_median(&rows, &cells, by);
        }
    }

    #[test]
    fn score_rises_with_price_and_agrees_with_the_position(
        floor in 50.0..90.0f64, a in 0.0..10.0f64, b in 0.0..10.0f64, x in 0.0..120.0f64, d in 0.0..5.0f64,
    ) {
        let c = Corridor { floor, target: floor + a, stretch: floor + a + b };
        let (s, t) = (score(c, x), score(c, x + d));
        prop_assert!((0.0..=100.0).contains(&s) && s <= t);
        let expected = match position(c, x) {
            Position::BelowFloor => (0.0, 25.0),
            Position::FloorTarget => (25.0, 50.0),
            Position::TargetStretch => (50.0, 75.0),
            Position::AboveStretch => (75.0, 100.0),
        };
        prop_assert!(s >= expected.0 && s <= expected.1, "{s} {expected:?}");
    }
}

fn run(db: &Path, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut input = child.stdin.take().unwrap();
    input.write_all(stdin.unwrap_or("").as_bytes()).unwrap();
    drop(input);
    child.wait_with_output().unwrap()
}

fn csv_rows(out: &[u8]) -> Vec<HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(out);
    let header = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            header
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn fixture_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("fixture.db");
    realization_fixture::workspace_file(&db);
    db
}

#[test]
fn guidance_csv_has_the_documented_columns_and_the_fixture_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_db(dir.path());
    let out = run(
        &db,
        &[
            "guidance",
            "--by",
            "product",
            "--min-customers",
            "3",
            "--format",
            "csv",
        ],
        None,
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert_eq!(
        text.lines().next().unwrap(),
        pricebench::commands::guidance::COLUMNS.join(",")
    );
    let rows = csv_rows(text.as_bytes());
    let p1 = &rows[0];
    for (column, value) in [
        ("product_id", "P1"),
        ("status", "ok"),
        ("pocket_floor_pct", "80.0000"),
        ("pocket_target_pct", "85.0000"),
        ("pocket_stretch_pct", "95.0000"),
        ("pocket_floor_price", "8.0000"),
        ("off_invoice_pct", "6.1905"),
        ("invoice_floor_pct", "86.1905"),
        ("invoice_target_price", "9.1190"),
        ("invoice_stretch_price", "10.1190"),
        ("customers_below_floor", "1"),
        ("pocket_margin_to_floor_upper_bound", "20.00"),
        ("pocket_margin_to_target_upper_bound", "50.00"),
    ] {
        assert_eq!(p1[column], value, "{column}");
    }
    assert_eq!(rows[1]["status"], "too_few_customers");
    assert_eq!(rows[1]["pocket_target_pct"], "");
}

const DEALS: &str = "quote_id,date,customer_id,product_id,quantity,quoted_price,won\n\
Q1,2024-05-01,C1,P1,10,8.0,1\n\
Q2,2024-05-01,C4,P1,5,9.0,0\n\
Q3,2024-05-01,C9,P1,5,9.0,0\n\
Q4,2024-05-01,C1,P9,5,9.0,0\n\
Q5,2024-05-01,C1,P2,5,9.0,0\n\
Q6,2024-05-01,C2,P1,abc,9.0,0\n";

#[test]
fn score_reads_stdin_and_says_per_row_why_a_deal_is_not_scored() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_db(dir.path());
    let out = run(
        &db,
        &["score", "--min-customers", "3", "--format", "csv"],
        Some(DEALS),
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success());
    assert!(
        stderr.contains("stdin:7: column 'quantity': 'abc' is not a number"),
        "{stderr}"
    );
    assert!(stderr.contains("1 malformed row(s) in stdin"), "{stderr}");
    let rows = csv_rows(&out.stdout);
    let status: Vec<&str> = rows.iter().map(|r| r["status"].as_str()).collect();
    assert_eq!(
        status,
        [
            "ok",
            "ok",
            "unknown_customer",
            "unknown_product",
            "no_guidance",
            "malformed"
        ]
    );
    // Q1: S1/P1 corridor 85/85/95, off-invoice 5.625 %: invoice 80 %, pocket 74.375 %.
    let q1 = &rows[0];
    assert_eq!(
        (q1["invoice_pct"].as_str(), q1["pocket_pct"].as_str()),
        ("80.0000", "74.3750")
    );
    assert_eq!(
        (q1["position"].as_str(), q1["score"].as_str()),
        ("below_floor", "0.0")
    );
    // (85 − 74.375) % × 10 × 10 units = 10.625, whose double lies just below: 10.62.
    assert_eq!(q1["margin_to_floor"], "10.62");
    // Q2: S2/P1 borrows 80/85/95, off-invoice 8 %: pocket 82 %, score 25 + 25 × 2 / 5.
    let q2 = &rows[1];
    assert_eq!(
        (
            q2["position"].as_str(),
            q2["score"].as_str(),
            q2["guidance"].as_str()
        ),
        ("floor_target", "35.0", "borrowed")
    );
    assert_eq!(q2["margin_to_target"], "1.50");
    assert_eq!(q2["invoice_floor_price"], "8.8000");
    assert_eq!(rows[5]["line"], "7");
    assert!(rows[2]["message"].contains("customer 'C9' is not in the workspace"));
}

#[test]
fn score_takes_transaction_lines_with_their_own_pocket() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_db(dir.path());
    let lines = "TXN_ID,Customer_ID,product_id,quantity,list_price,on_volume,off_rebate\n\
                 T1,C2,P1,10,10,0.5,0.5\nT2,C2,P1,-3,10,0,0\n";
    let out = run(
        &db,
        &["score", "-", "--min-customers", "3", "--format", "json"],
        Some(lines),
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // Invoice 9.5 (95 %), pocket 9 (90 %) against 85/85/95: 50 + 25 × 5 / 10.
    assert_eq!(v[0]["deal_id"], "T1");
    assert_eq!(v[0]["pocket_pct"], 90.0);
    assert_eq!(v[0]["position"], "target_stretch");
    assert_eq!(v[0]["score"], 62.5);
    assert_eq!(v[1]["status"], "return_line");
}

#[test]
fn bad_guidance_options_and_files_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = fixture_db(dir.path());
    let out = run(&db, &["guidance", "--floor", "60", "--target", "50"], None);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("percentiles out of order: --floor '60'"),
        "{err}"
    );
    let bad = dir.path().join("g.csv");
    std::fs::write(
        &bad,
        "segment_id,product_id,size_band,volume_from,status,pocket_floor_pct,pocket_target_pct,pocket_stretch_pct,off_invoice_pct\n\
         S1,P1,1,0,ok,80,x,90,5\n",
    )
    .unwrap();
    let out = run(
        &db,
        &["score", "--guidance", bad.to_str().unwrap()],
        Some(DEALS),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("g.csv:2: column 'pocket_target_pct': 'x' is not a number"),
        "{err}"
    );
    assert!(out.stdout.is_empty());
    let out = run(
        &db,
        &["score"],
        Some("id,customer_id,product_id,quantity\n"),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("stdin:1: neither a 'quoted_price' column"),
        "{err}"
    );
    let out = run(
        &db,
        &[
            "score",
            "--guidance",
            bad.to_str().unwrap(),
            "--size-bands",
            "2",
        ],
        Some(DEALS),
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--guidance FILE brings its own corridors"),
        "{err}"
    );
}

#[test]
fn scoring_the_samples_own_quotes_round_trips_through_the_saved_guidance() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sample.db");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sample");
    let import = run(&db, &["import", sample.to_str().unwrap()], None);
    assert!(import.status.success());
    for size_bands in ["1", "3"] {
        let g = run(
            &db,
            &["guidance", "--size-bands", size_bands, "--format", "csv"],
            None,
        );
        assert!(g.status.success());
        let saved = dir.path().join(format!("guidance-{size_bands}.csv"));
        std::fs::write(&saved, &g.stdout).unwrap();
        let quotes = sample.join("quotes.csv");
        let from_file = run(
            &db,
            &[
                "score",
                quotes.to_str().unwrap(),
                "--guidance",
                saved.to_str().unwrap(),
                "--format",
                "csv",
            ],
            None,
        );
        assert!(
            from_file.status.success(),
            "{}",
            String::from_utf8_lossy(&from_file.stderr)
        );
        let live = run(
            &db,
            &[
                "score",
                quotes.to_str().unwrap(),
                "--size-bands",
                size_bands,
                "--format",
                "csv",
            ],
            None,
        );
        let (a, b) = (csv_rows(&from_file.stdout), csv_rows(&live.stdout));
        let n_quotes = std::fs::read_to_string(&quotes).unwrap().lines().count() - 1;
        assert_eq!((a.len(), b.len()), (n_quotes, n_quotes));
        let mut counts: HashMap<String, usize> = HashMap::new();
        for r in &a {
            let key = match r["status"].as_str() {
                "ok" => r["position"].clone(),
                other => other.to_string(),
            };
            *counts.entry(key).or_default() += 1;
        }
        assert_eq!(counts.values().sum::<usize>(), n_quotes);
        let scored: usize = Position::ALL
            .iter()
            .map(|p| counts.get(p.as_str()).copied().unwrap_or(0))
            .sum();
        assert!(scored > n_quotes * 9 / 10, "{counts:?}");
        // The published (rounded) corridor puts every quote where the live one does.
        for (x, y) in a.iter().zip(&b) {
            assert_eq!(
                (&x["position"], &x["size_band"], &x["status"]),
                (&y["position"], &y["size_band"], &y["status"])
            );
        }
    }
}

#[test]
fn sample_guidance_matches_the_pandas_reference() {
    // testdata/reference/guidance_reference.py: pandas sums per customer × product from the
    // sample's CSV files and numpy's weighted quantile (inverted_cdf).
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/reference/guidance.json");
    let expected: Vec<serde_json::Value> =
        serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let ws = pricebench::store::bundled_sample().unwrap();
    let rows = guidance(&ws, &Scope::default(), &GuidanceOptions::default()).unwrap();
    assert_eq!(rows.len(), expected.len());
    for (r, e) in rows.iter().zip(&expected) {
        assert_eq!(r.segment_id.as_deref(), e["segment_id"].as_str());
        assert_eq!(r.product_id, e["product_id"].as_str().unwrap());
        assert_eq!(r.customers as u64, e["customers"].as_u64().unwrap());
        let source = match r.source {
            Source::Own => "own",
            Source::BorrowedProduct => "product",
            Source::BorrowedSegment => "segment",
            Source::None => "none",
        };
        assert_eq!(source, e["source"].as_str().unwrap(), "{}", r.product_id);
        let Some(c) = r.pocket else {
            assert!(e.get("floor").is_none());
            continue;
        };
        let f = |k: &str| e[k].as_f64().unwrap();
        assert_close(c.floor, f("floor"), 1e-9);
        assert_close(c.target, f("target"), 1e-9);
        assert_close(c.stretch, f("stretch"), 1e-9);
        assert_close(r.off_invoice_pct.unwrap(), f("off_invoice_pct"), 1e-9);
        assert_close(r.worth.to_floor, f("to_floor"), 1e-9);
        assert_close(r.worth.to_target, f("to_target"), 1e-9);
        assert_eq!(
            r.worth.below_floor as u64,
            e["below_floor"].as_u64().unwrap()
        );
        assert_eq!(
            r.worth.below_target as u64,
            e["below_target"].as_u64().unwrap()
        );
    }
}

#[test]
fn the_fast_score_csv_equals_the_general_renderer_on_the_sample() {
    use pricebench::analysis::guidance::{GuidanceSource, scoring_context};
    use pricebench::cli::Format;
    use pricebench::commands::score::{score_deals, score_deals_via_cells};
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sample.db");
    let sample = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sample");
    assert!(
        run(&db, &["import", sample.to_str().unwrap()], None)
            .status
            .success()
    );
    let ws = pricebench::store::Workspace::open_existing(&db).unwrap();
    let quotes = std::fs::read_to_string(sample.join("quotes.csv")).unwrap();
    let header = quotes.lines().next().unwrap().to_string();
    let first = quotes.lines().nth(1).unwrap();
    // The sample's quotes, plus rows for every status and fields the CSV must quote.
    let names: Vec<&str> = header.split(',').collect();
    let with = |column: &str, value: &str| {
        let mut fields: Vec<&str> = first.split(',').collect();
        fields[names.iter().position(|n| *n == column).unwrap()] = value;
        fields.join(",")
    };
    let odd = [
        with("quote_id", "\"Q\"\"x,1\""),
        with("customer_id", "NOPE"),
        with("product_id", "P404"),
        with("customer_id", ""),
        format!("{first},x"),
        with("quantity", "\"a,b\""),
    ];
    let mut input = quotes.clone();
    for row in &odd {
        input.push_str(row);
        input.push('\n');
    }
    for size_bands in [1, 3] {
        let options = GuidanceOptions {
            size_bands,
            ..GuidanceOptions::default()
        };
        let source = GuidanceSource::Workspace(Scope::default(), options);
        let ctx = scoring_context(&ws, source).unwrap();
        let (mut fast, mut general) = (Vec::new(), Vec::new());
        let a = score_deals(&ctx, "quotes", input.as_bytes(), Format::Csv, &mut fast);
        let b = score_deals_via_cells(&ctx, "quotes", input.as_bytes(), &mut general);
        // Both score every row and fail for the two malformed ones afterwards.
        assert_eq!(a.unwrap_err().to_string(), b.unwrap_err().to_string());
        let (fast, general) = (
            String::from_utf8(fast).unwrap(),
            String::from_utf8(general).unwrap(),
        );
        assert_eq!(fast, general);
        let rows = csv_rows(fast.as_bytes());
        assert_eq!(rows.len(), quotes.lines().count() - 1 + odd.len());
        assert_eq!(rows[rows.len() - 6]["deal_id"], "Q\"x,1");
        let statuses: Vec<&str> = rows
            .iter()
            .rev()
            .take(6)
            .map(|r| r["status"].as_str())
            .collect();
        assert_eq!(
            statuses,
            [
                "malformed",
                "malformed",
                "malformed",
                "unknown_product",
                "unknown_customer",
                "ok"
            ]
        );
        assert!(rows.iter().filter(|r| r["status"] == "ok").count() > rows.len() / 2);
        assert!(!fast.contains("NaN") && !fast.contains("inf"));
    }
}
