//! `pricebench info` run as a binary on the fixture workspace: CSV and JSON carry its numbers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod fixture;

use std::collections::HashMap;
use std::process::Command;

fn run_info(format: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.db");
    fixture::workspace_file(&db);
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .args(["--db", db.to_str().unwrap(), "info", "--format", format])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn assert_close(actual: f64, expected: f64, tol: f64) {
    assert!(
        (actual - expected).abs() <= tol,
        "{actual} != {expected} ± {tol}"
    );
}

#[test]
fn info_csv_reports_counts_revenue_and_realization() {
    let text = run_info("csv");
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    assert_eq!(rdr.headers().unwrap(), vec!["metric", "value"]);
    let m: HashMap<String, String> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[1].to_string())
        })
        .collect();
    let num = |k: &str| {
        m[k].parse::<f64>()
            .unwrap_or_else(|_| panic!("{k}: {}", m[k]))
    };
    assert_eq!(m["segments"], "2");
    assert_eq!(m["customers"], "3");
    assert_eq!(m["products"], "2");
    assert_eq!(m["transactions"], "5");
    assert_eq!(m["quotes"], "3");
    assert_eq!(m["survey_answers"], "2");
    assert_eq!(m["first_date"], "2024-01-15");
    assert_eq!(m["last_date"], "2024-03-31");
    assert_close(num("quantity"), 1150.0, 1e-9);
    assert_close(num("list_revenue"), 16_900.0, 1e-9);
    assert_close(num("invoice_revenue"), 13_960.0, 1e-9);
    assert_close(num("pocket_revenue"), 12_615.0, 1e-9);
    assert_close(num("cost"), 9540.0, 1e-9);
    // 12,615 / 16,900 = 74.645 %
    assert_close(num("realization_pct"), 74.6, 1e-9);
    assert_close(num("segment.ENT.pocket_share_pct"), 87.2, 1e-9);
    assert_close(num("segment.SMB.realization_pct"), 85.0, 1e-9);
    assert_eq!(m["segment.SMB.customers"], "2");
    assert_close(num("element.on_volume"), 2940.0, 1e-9);
    assert_close(num("element.off_rebate"), 1345.0, 1e-9);
}

#[test]
fn info_json_is_an_array_of_metric_value_objects() {
    let v: serde_json::Value = serde_json::from_str(&run_info("json")).unwrap();
    let rows = v.as_array().unwrap();
    let get = |k: &str| {
        rows.iter()
            .find(|r| r["metric"] == k)
            .map(|r| r["value"].clone())
            .unwrap()
    };
    assert_eq!(get("transactions"), 5);
    assert_eq!(get("pocket_revenue").as_f64(), Some(12_615.0));
    assert_eq!(get("last_date"), "2024-03-31");
}

#[test]
fn info_table_shows_thousands_separators() {
    let text = run_info("table");
    assert!(text.contains("16,900.00"), "{text}");
    assert!(text.contains("74.6"), "{text}");
}

#[test]
fn info_on_missing_workspace_names_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("nope.db");
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .args(["--db", db.to_str().unwrap(), "info"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("nope.db"));
}
