//! Competitor prices end to end, run as the binary on the small fixture of `support`: import
//! errors by file, line and column with the workspace unchanged; the price index of a
//! hand-computed fixture; a value driver whose reference is a competitor's price and whose
//! differentiation value is a formula; the value map's positions; the planted competitor
//! prices of the sample recovered.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{assert_close, dump, write_fixture};

/// competitors.csv of the fixture. Rival prices P1 at 10 and 12 in January (mean 11) and 10 in
/// February; P2 at 16 in January.
const COMPETITORS: &str = "date,competitor,product_id,competitor_product,price\n\
    2024-01-10,Rival,P1,R-1,10\n\
    2024-01-20,Rival,P1,R-1,12\n\
    2024-02-05,Rival,P1,R-1,10\n\
    2024-01-15,Rival,P2,R-2,16\n";

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// The fixture and its competitors.csv imported into a new workspace file.
fn workspace(dir: &Path) -> PathBuf {
    let files = write_fixture(&dir.join("in"));
    std::fs::write(files.join("competitors.csv"), COMPETITORS).unwrap();
    let db = dir.join("w.db");
    let out = pricebench(&db, &["import", files.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

fn csv_rows(out: &Output) -> Vec<HashMap<String, String>> {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            headers
                .iter()
                .zip(rec.iter())
                .map(|(h, v)| (h.to_string(), v.to_string()))
                .collect()
        })
        .collect()
}

fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column}: {:?}", row[column]))
}

#[test]
fn import_rejects_bad_competitor_rows_with_line_and_column_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let before = dump(&pricebench::store::Workspace::open(&db).unwrap());
    let bad = dir.path().join("competitors.csv");
    std::fs::write(
        &bad,
        "date,competitor,product_id,competitor_product,price\n\
         2024-13-01,Rival,P1,R-1,10\n\
         2024-01-10,Rival,P9,R-1,10\n\
         2024-01-11,Rival,P1,R-1,-5\n\
         2024-01-12,Rival,P1,R-1,0\n\
         2024-01-10,Rival,P1,R-1,10\n\
         2024-01-13,Rival,P1,R-1,9\n\
         2024-01-13,Rival,P1,R-1,9.5\n",
    )
    .unwrap();
    let out = pricebench(&db, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let f = bad.display().to_string();
    for expected in [
        format!("{f}:2: column 'date': '2024-13-01' is not a date (expected YYYY-MM-DD)"),
        format!(
            "{f}:3: column 'product_id': 'P9' is not a known product (not in products.csv nor in the workspace)"
        ),
        format!("{f}:4: column 'price': '-5' is negative (prices and costs must be 0 or more)"),
        format!("{f}:5: column 'price': is 0 (a competitor price must be above 0)"),
        format!(
            "{f}:6: column 'date': the price of 'Rival' 'R-1' for product 'P1' on 2024-01-10 already exists in the workspace (use --replace to overwrite it)"
        ),
        format!(
            "{f}:8: column 'date': the price of 'Rival' 'R-1' for product 'P1' on 2024-01-13 appears twice in this import (first at {f}:7)"
        ),
    ] {
        assert!(err.contains(&expected), "missing {expected:?} in\n{err}");
    }
    let after = dump(&pricebench::store::Workspace::open(&db).unwrap());
    assert_eq!(before, after, "a failed import changed the workspace");
    // With --replace an existing price is overwritten, and only that row changes.
    std::fs::write(
        &bad,
        "date,competitor,product_id,competitor_product,price\n2024-01-10,Rival,P1,R-1,10.5\n",
    )
    .unwrap();
    let out = pricebench(&db, &["import", "--replace", bad.to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let price: f64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row(
            "SELECT price FROM competitor_prices WHERE date = '2024-01-10' AND product_id = 'P1'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(price, 10.5);
}

#[test]
fn price_index_matches_the_hand_computed_fixture() {
    // P1, January: T1 10 × (invoice 9, pocket 8.5), T2 5 × (10, 9.5), T4 −1 × (9, 8.5):
    // q 14, list 140, invoice 131, pocket 124; Rival's mean (10 + 12) / 2 = 11 ->
    // list index 100·10/11 = 90.909, invoice 100·(131/14)/11 = 85.065, pocket 100·(124/14)/11
    // = 80.519. February: T5 4 × 11, no discounts; Rival 10 -> 110 on every basis.
    // Trend over months 0 and 1, × 12: invoice (110 − 85.065)·12 = 299.22 points a year.
    // P2, January: T3 2 × (list 20, invoice 18, pocket 17) against 16 -> 125, 112.5, 106.25.
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let rows = csv_rows(&pricebench(&db, &["competitors", "--format", "csv"]));
    assert_eq!(rows.len(), 2);
    let p1 = &rows[0];
    assert_eq!(
        (p1["product_id"].as_str(), p1["competitor"].as_str()),
        ("P1", "Rival")
    );
    assert_eq!(
        (p1["months"].as_str(), p1["latest_month"].as_str()),
        ("2", "2024-02")
    );
    assert_close(num(p1, "invoice_index"), 110.0, 1e-9);
    let jan_invoice = 100.0 * (131.0 / 14.0) / 11.0;
    let jan_pocket = 100.0 * (124.0 / 14.0) / 11.0;
    let jan_list = 100.0 * 10.0 / 11.0;
    // The CSV rounds an index to one decimal.
    assert_close(
        num(p1, "invoice_trend_per_year"),
        (110.0 - jan_invoice) * 12.0,
        0.001,
    );
    assert_close(
        num(p1, "pocket_trend_per_year"),
        (110.0 - jan_pocket) * 12.0,
        0.001,
    );
    assert_close(
        num(p1, "list_trend_per_year"),
        (110.0 - jan_list) * 12.0,
        0.001,
    );
    let p2 = &rows[1];
    assert_eq!(p2["product_id"], "P2");
    assert_eq!(
        (
            p2["list_index"].as_str(),
            p2["invoice_index"].as_str(),
            p2["pocket_index"].as_str()
        ),
        ("125.0", "112.5", "106.2"),
        "106.25 is exact in binary: one decimal rounds half to even"
    );
    assert_eq!(p2["invoice_trend_per_year"], "", "one month has no trend");
    let months = csv_rows(&pricebench(
        &db,
        &["competitors", "--show", "months", "--format", "csv"],
    ));
    let jan = &months[0];
    assert_eq!(jan["month"], "2024-01");
    assert_eq!(jan["competitor_price"], "11.00");
    assert_close(num(jan, "invoice_index"), jan_invoice, 0.001);
    assert_close(num(jan, "pocket_index"), jan_pocket, 0.001);
    // Per segment: January's P1 lines are S1's customers, February's S2's.
    let by = csv_rows(&pricebench(
        &db,
        &["competitors", "--by", "segment-product", "--format", "csv"],
    ));
    let keys: Vec<(&str, &str, &str)> = by
        .iter()
        .map(|r| {
            (
                r["segment_id"].as_str(),
                r["product_id"].as_str(),
                r["latest_month"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        keys,
        vec![
            ("S1", "P1", "2024-01"),
            ("S2", "P1", "2024-02"),
            ("S2", "P2", "2024-01")
        ]
    );
    // --from / --to take whole months: February alone.
    let feb = csv_rows(&pricebench(
        &db,
        &[
            "competitors",
            "--from",
            "2024-02-10",
            "--to",
            "2024-02-10",
            "--format",
            "csv",
        ],
    ));
    assert_eq!(feb.len(), 1);
    assert_eq!(
        (feb[0]["months"].as_str(), feb[0]["invoice_index"].as_str()),
        ("1", "110.0")
    );
}

/// A scenario on the fixture: S1 × P1 against Rival's latest price in the baseline (10 on
/// 2024-02-05) with a formula driver; S2 × P2 against in-house work at 15.
const SCENARIO: &str = r#"name = "rival"
[baseline]
from = "2024-01-01"
to = "2024-02-29"

[[value_driver]]
segment = "S1"
product = "P1"
reference = { competitor = "Rival", product = "P1" }
positive = { uptime = { formula = "hours * rate / units", inputs = { hours = 2, rate = 30, units = 20 } } }
negative = { lead_time = 0.5 }

[[value_driver]]
segment = "S2"
product = "P2"
alternative = "In-house"
reference_price = 15
positive = { service = 1 }
"#;

#[test]
fn value_drivers_follow_the_competitor_and_evaluate_their_formula() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let file = dir.path().join("rival.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    let f = file.to_str().unwrap();
    let rows = csv_rows(&pricebench(&db, &["value", f, "--format", "csv"]));
    let s1 = rows
        .iter()
        .find(|r| r["segment_id"] == "S1" && r["product_id"] == "P1")
        .unwrap();
    // 10 + 2 · 30 / 20 − 0.5 = 12.5.
    assert_eq!(s1["reference_value"], "10.00");
    assert_eq!(s1["economic_value"], "12.50");
    assert_eq!(s1["alternative"], "Rival R-1");
    let drivers = csv_rows(&pricebench(
        &db,
        &["value", f, "--drivers", "--format", "csv"],
    ));
    let listed: Vec<(&str, &str, &str, &str)> = drivers
        .iter()
        .filter(|r| r["segment_id"] == "S1")
        .map(|r| {
            (
                r["driver"].as_str(),
                r["formula"].as_str(),
                r["inputs"].as_str(),
                r["amount"].as_str(),
            )
        })
        .collect();
    assert_eq!(
        listed,
        vec![
            ("reference: Rival R-1 (2024-02-05)", "", "", "10.00"),
            (
                "uptime",
                "hours * rate / units",
                "hours = 2, rate = 30, units = 20",
                "3.00"
            ),
            ("lead_time", "", "", "-0.50"),
        ]
    );
}

#[test]
fn value_map_positions_match_the_hand_computed_fixture() {
    // S1 × P1 (family W): customer net = list 10 − on_volume 9/14 − off_rebate (returned to the
    // customer) 7/14 = 8.857143; benefit 12.5; gap −3.642857 (−29.14%): under-priced. Rival
    // R-1, the reference: (10, 10), on the line.
    // S2 × P2 (family G): customer net 20 − 2 − 1 = 17 against benefit 15 + 1 = 16: gap +1
    // (+6.25%, printed 6.2: half to even), over-priced; in-house (15, 15) on the line; Rival R-2 at 16 for the
    // reference's benefit 15: +1 (+6.67%), over-priced.
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let file = dir.path().join("rival.toml");
    std::fs::write(&file, SCENARIO).unwrap();
    let rows = csv_rows(&pricebench(
        &db,
        &["value", file.to_str().unwrap(), "--map", "--format", "csv"],
    ));
    let got: Vec<Vec<&str>> = rows
        .iter()
        .map(|r| {
            [
                "segment_id",
                "family",
                "offer",
                "label",
                "reference",
                "price",
                "benefit",
                "gap",
                "gap_pct",
                "position",
            ]
            .iter()
            .map(|c| r[*c].as_str())
            .collect()
        })
        .collect();
    let want: Vec<Vec<&str>> = vec![
        vec![
            "S1",
            "W",
            "ours",
            "P1",
            "",
            "8.86",
            "12.50",
            "-3.64",
            "-29.1",
            "under_priced",
        ],
        vec![
            "S1",
            "W",
            "competitor",
            "Rival R-1",
            "yes",
            "10.00",
            "10.00",
            "0.00",
            "0.0",
            "on_line",
        ],
        vec![
            "S2",
            "G",
            "ours",
            "P2",
            "",
            "17.00",
            "16.00",
            "1.00",
            "6.2",
            "over_priced",
        ],
        vec![
            "S2",
            "G",
            "alternative",
            "In-house",
            "yes",
            "15.00",
            "15.00",
            "0.00",
            "0.0",
            "on_line",
        ],
        vec![
            "S2",
            "G",
            "competitor",
            "Rival R-2",
            "",
            "16.00",
            "15.00",
            "1.00",
            "6.7",
            "over_priced",
        ],
    ];
    assert_eq!(got, want);
    // The same through the library, unrounded.
    let ws = pricebench::store::Workspace::open(&db).unwrap();
    let map = pricebench::analysis::value_map::value_map(&ws, &file).unwrap();
    let ours = &map.groups[0].points[0];
    assert_eq!(map.groups[0].segment_id, "S1");
    assert_close(ours.price, 10.0 - 9.0 / 14.0 - 0.5, 1e-12);
    assert_close(ours.gap, 10.0 - 9.0 / 14.0 - 0.5 - 12.5, 1e-12);
}

#[test]
fn a_competitor_reference_without_a_price_names_its_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let file = dir.path().join("nobody.toml");
    std::fs::write(
        &file,
        SCENARIO.replace("competitor = \"Rival\"", "competitor = \"Nobody\""),
    )
    .unwrap();
    let out = pricebench(&db, &["value", file.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    let expected = format!(
        "{}:9:28: no price of competitor 'Nobody' for product 'P1' dated in the baseline 2024-01-01 – 2024-02-29 (competitors.csv; priced by: Rival)",
        file.display()
    );
    assert!(err.contains(&expected), "{err}");
}

#[test]
fn the_samples_planted_competitor_index_is_recovered() {
    // Competitor A: our list ÷ A's = 1.05 + 0.002·month, so the list index of the last month
    // (2025-12, month 23) is 109.6 and its trend 2.4 points a year; 1% noise per price and the
    // month's average list price (changes within a month) blur each product's figure.
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sample.db");
    assert!(
        pricebench(&db, &["import", "testdata/sample"])
            .status
            .success()
    );
    let rows = csv_rows(&pricebench(&db, &["competitors", "--format", "csv"]));
    let a: Vec<&HashMap<String, String>> = rows
        .iter()
        .filter(|r| r["competitor"] == "Competitor A")
        .collect();
    assert_eq!(a.len(), 24, "A prices every product");
    let median = |column: &str| {
        let mut v: Vec<f64> = a.iter().map(|r| num(r, column)).collect();
        v.sort_by(f64::total_cmp);
        (v[11] + v[12]) / 2.0
    };
    let start = 100.0 * pricebench::sample::A_LIST_INDEX_START;
    let per_month = 100.0 * pricebench::sample::A_LIST_INDEX_PER_MONTH;
    assert!(
        (median("list_index") - (start + 23.0 * per_month)).abs() < 1.0,
        "{}",
        median("list_index")
    );
    assert!(
        (median("list_trend_per_year") - 12.0 * per_month).abs() < 0.5,
        "{}",
        median("list_trend_per_year")
    );
    let b: Vec<&HashMap<String, String>> = rows
        .iter()
        .filter(|r| r["competitor"] == "Competitor B")
        .collect();
    assert_eq!(b.len(), 8, "B prices the Valves and the Sensors");
    for r in b {
        assert!((num(r, "list_index") - 100.0 * pricebench::sample::B_LIST_INDEX).abs() < 3.0);
    }
}
