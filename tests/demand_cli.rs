//! `pricebench elasticity | wtp | psm` as a user runs them: CSV columns, no NaN or inf, results
//! stored in the workspace and marked stale by a new import, and cells that cannot be fitted.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pricebench::store::Workspace;
use pricebench::store::demand::{self, ElasticitySettings};
use std::path::Path;
use std::process::{Command, Output};

fn pricebench(db: &Path, args: &[&str]) -> Output {
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

/// A workspace with a 40k-line sample of the simple world (weekly cell demand, where the cell
/// model's flags are mostly `ok`) imported; returns its path.
fn sample_workspace(tmp: &Path) -> std::path::PathBuf {
    let dir = tmp.join("sample");
    let db = tmp.join("w.db");
    let dir_s = dir.to_str().unwrap();
    pricebench(
        &db,
        &[
            "sample", "--world", "simple", "--out", dir_s, "--rows", "40000", "--seed", "3",
        ],
    );
    pricebench(&db, &["import", dir_s]);
    db
}

/// The CSV's header and rows, checking that no field is NaN or inf.
fn csv(out: &Output) -> (Vec<String>, Vec<Vec<String>>) {
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let header = r.headers().unwrap().iter().map(str::to_string).collect();
    let rows: Vec<Vec<String>> = r
        .records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect();
    for field in rows.iter().flatten() {
        let lower = field.to_lowercase();
        assert!(!lower.contains("nan") && !lower.contains("inf"), "{field}");
    }
    (header, rows)
}

fn col(header: &[String], name: &str) -> usize {
    header.iter().position(|h| h == name).unwrap()
}

#[test]
fn demand_commands_print_their_csv_columns_without_nan() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sample_workspace(tmp.path());
    let (h, rows) = csv(&pricebench(&db, &["elasticity", "--format", "csv"]));
    assert_eq!(
        h.join(","),
        "segment_id,product_id,n_periods,elasticity,std_error,ci_low,ci_high,r_squared,pooled_elasticity,flag,model,n_customers"
    );
    assert!(rows.len() > 100);
    let ok = rows.iter().filter(|r| r[col(&h, "flag")] == "ok").count();
    assert!(ok > rows.len() / 2);
    for r in &rows {
        let e: f64 = r[col(&h, "pooled_elasticity")].parse().unwrap();
        assert!(e < 0.0, "{r:?}");
    }
    let (h, rows) = csv(&pricebench(&db, &["wtp", "--format", "csv"]));
    assert_eq!(
        h.join(","),
        "segment_id,product_id,model,n_quotes,win_rate,median_wtp,ci_low,ci_high,scale,log_likelihood,aic,best,max_margin_price,flag"
    );
    assert!(rows.iter().any(|r| r[0] == "*"), "product-wide rows");
    let best = rows.iter().filter(|r| r[col(&h, "best")] == "1").count();
    assert_eq!(best * 3, rows.len(), "one best model per cell");
    let (h, rows) = csv(&pricebench(&db, &["psm", "--format", "csv"]));
    assert_eq!(
        h.join(","),
        "segment_id,product_id,n_respondents,n_valid,pmc,opp,ipp,pme"
    );
    assert!(!rows.is_empty());
    let (_, one) = csv(&pricebench(
        &db,
        &[
            "wtp",
            "--model",
            "lognormal",
            "--product",
            "P0002",
            "--format",
            "csv",
        ],
    ));
    assert!(one.iter().all(|r| r[1] == "P0002" && r[2] == "log_normal"));
    let json = pricebench(
        &db,
        &["elasticity", "--format", "json", "--segment", "SEG-ENT"],
    );
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let first = &v.as_array().unwrap()[0];
    assert_eq!(first["segment_id"], "SEG-ENT");
    assert!(first["pooled_ci_low"].is_number());
}

#[test]
fn elasticity_results_are_stored_and_go_stale_after_an_import() {
    let tmp = tempfile::tempdir().unwrap();
    let db = sample_workspace(tmp.path());
    let settings = ElasticitySettings::default();
    assert!(
        demand::load_elasticity(&Workspace::open(&db).unwrap(), &settings)
            .unwrap()
            .is_none()
    );
    let first = pricebench(&db, &["elasticity", "--format", "csv"]);
    let stored = demand::load_elasticity(&Workspace::open(&db).unwrap(), &settings)
        .unwrap()
        .unwrap();
    assert!(!stored.stale);
    let (_, rows) = csv(&first);
    assert_eq!(stored.rows.len(), rows.len());
    // Importing again (new quotes replace old ones) changes the data stamp.
    let quotes = tmp.path().join("sample/quotes.csv");
    pricebench(&db, &["import", "--replace", quotes.to_str().unwrap()]);
    let stale = demand::load_elasticity(&Workspace::open(&db).unwrap(), &settings)
        .unwrap()
        .unwrap();
    assert!(stale.stale);
    let again = pricebench(&db, &["elasticity", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("stale"));
    let fresh = demand::load_elasticity(&Workspace::open(&db).unwrap(), &settings)
        .unwrap()
        .unwrap();
    assert!(!fresh.stale);
    assert_eq!(first.stdout, again.stdout, "same data, same numbers");
}

#[test]
fn a_cell_that_cannot_be_fitted_gets_a_flag_and_no_number() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("in");
    std::fs::create_dir_all(&dir).unwrap();
    let files = [
        ("segments.csv", "segment_id,name\nS1,One\n"),
        ("customers.csv", "customer_id,segment_id\nC1,S1\n"),
        (
            "products.csv",
            "product_id,name,unit_cost,list_price\nP1,Widget,4,10\n",
        ),
        (
            "transactions.csv",
            "txn_id,date,customer_id,product_id,quantity,list_price\n\
             T1,2024-01-01,C1,P1,10,10\nT2,2024-01-08,C1,P1,12,10\n",
        ),
        (
            "quotes.csv",
            "quote_id,date,customer_id,product_id,quantity,quoted_price,won\n\
             Q1,2024-01-01,C1,P1,1,9,1\nQ2,2024-01-02,C1,P1,1,11,won\nQ3,2024-01-03,C1,P1,1,12,true\n",
        ),
        (
            "survey.csv",
            "respondent_id,segment_id,product_id,too_cheap,cheap,expensive,too_expensive\nR1,S1,P1,5,8,12,15\n",
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
    let db = tmp.path().join("w.db");
    pricebench(&db, &["import", dir.to_str().unwrap()]);
    let (h, rows) = csv(&pricebench(&db, &["elasticity", "--format", "csv"]));
    assert_eq!(rows.len(), 1);
    assert_eq!(rows[0][col(&h, "n_periods")], "2");
    assert_eq!(rows[0][col(&h, "flag")], "no_price_variation");
    for name in ["elasticity", "std_error", "ci_low", "ci_high", "r_squared"] {
        assert_eq!(rows[0][col(&h, name)], "", "{name}");
    }
    let (h, rows) = csv(&pricebench(&db, &["wtp", "--format", "csv"]));
    assert_eq!(rows.len(), 6, "three models for S1 × P1 and for * × P1");
    for r in &rows {
        assert_eq!(r[col(&h, "flag")], "all_won");
        assert_eq!(r[col(&h, "win_rate")], "1.0000");
        for name in ["median_wtp", "ci_low", "ci_high", "aic", "max_margin_price"] {
            assert_eq!(r[col(&h, name)], "", "{name}");
        }
        assert_eq!(r[col(&h, "best")], "0");
    }
    let (h, rows) = csv(&pricebench(&db, &["psm", "--format", "csv"]));
    assert_eq!(rows[0][col(&h, "n_valid")], "1");
    assert_eq!(rows[0][col(&h, "pmc")], "");
    let table = pricebench(&db, &["elasticity"]);
    assert!(String::from_utf8_lossy(&table.stdout).contains("no_price_variation"));
}
