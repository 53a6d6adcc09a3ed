//! `pricebench scenario / value / recommend / export` run as a binary on the sample imported into
//! a workspace file: every shipped scenario runs, the numbers are the engine's (what the TUI
//! shows), export refuses to overwrite, and a bad file names its line and column.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use support::assert_close;

/// The bundled sample imported once into a workspace file shared by the tests.
fn workspace() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sample.db");
        let out = pricebench(&db, &["import", "testdata/sample"]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        (dir, db)
    })
    .1
}

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn csv_of(args: &[&str]) -> Vec<csv::StringRecord> {
    let out = pricebench(workspace(), args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    csv::Reader::from_reader(out.stdout.as_slice())
        .records()
        .map(Result::unwrap)
        .collect()
}

fn shipped() -> Vec<String> {
    let mut files: Vec<String> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path().display().to_string())
        .filter(|p| p.ends_with(".toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_scenario_evaluates_to_the_engines_totals() {
    let ws = pricebench::store::Workspace::open_existing(workspace()).unwrap();
    for file in shipped() {
        let rows = csv_of(&["scenario", &file, "--format", "csv"]);
        let total = rows.iter().find(|r| &r[0] == "total").unwrap();
        let p = pricebench::analysis::scenario::prepare(&ws, Path::new(&file)).unwrap();
        let e = p.evaluation();
        // Columns: quantity_after is 8, margin_after 17.
        assert_close(total[8].parse().unwrap(), e.total.after.quantity, 1e-6);
        assert_close(total[17].parse().unwrap(), e.total.after.margin, 1e-6);
        assert_eq!(rows.iter().filter(|r| &r[0] == "cell").count(), 120);
        assert_eq!(csv_of(&["value", &file, "--format", "csv"]).len(), 120);
        // The price list: one row per product; the segment targets: one per cell.
        assert_eq!(csv_of(&["recommend", &file, "--format", "csv"]).len(), 24);
        let targets = [
            "recommend",
            &file,
            "--level",
            "segment-product",
            "--format",
            "csv",
        ];
        assert_eq!(csv_of(&targets).len(), 120, "{file}");
        let segments = ["recommend", &file, "--rows", "segments", "--format", "csv"];
        assert_eq!(csv_of(&segments).len(), 120, "{file}");
    }
}

#[test]
fn compare_puts_two_scenarios_side_by_side() {
    let files = shipped();
    let rows = csv_of(&[
        "scenario",
        &files[0],
        "--compare",
        &files[1],
        "--rows",
        "totals",
        "--format",
        "csv",
    ]);
    let total = rows.last().unwrap();
    assert_eq!(&total[0], "total");
    let (a, b, diff): (f64, f64, f64) = (
        total[8].parse().unwrap(),
        total[12].parse().unwrap(),
        total[13].parse().unwrap(),
    );
    assert_close(diff, b - a, 1e-6);
}

#[test]
fn export_writes_the_recommend_table_and_refuses_to_overwrite() {
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("recs.csv");
    let out_s = out.to_str().unwrap();
    let file = "scenarios/value-based.toml";
    let ok = pricebench(workspace(), &["export", file, "--out", out_s]);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let printed = pricebench(workspace(), &["recommend", file, "--format", "csv"]);
    assert_eq!(std::fs::read(&out).unwrap(), printed.stdout);
    let again = pricebench(workspace(), &["export", file, "--out", out_s]);
    assert!(!again.status.success());
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("exists") && err.contains("--force"), "{err}");
    let forced = pricebench(workspace(), &["export", file, "--out", out_s, "--force"]);
    assert!(forced.status.success());
}

#[test]
fn a_bad_scenario_names_file_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.toml");
    std::fs::write(
        &bad,
        "name = \"bad\"\n[[discount]]\nelement = \"on_competitive\"\nsegment = \"SEG-XXL\"\ncap_pct = 5\n",
    )
    .unwrap();
    let out = pricebench(workspace(), &["scenario", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bad.toml:4:11: unknown segment 'SEG-XXL'"),
        "{err}"
    );
}

#[test]
fn reading_a_scenario_never_writes_to_the_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("fresh.db");
    std::fs::copy(workspace(), &db).unwrap();
    let before = std::fs::read(&db).unwrap();
    let file = "scenarios/value-based.toml";
    for args in [
        &["scenario", file][..],
        &["recommend", file][..],
        &["value", file][..],
        &["wtp"][..],
        &["psm"][..],
    ] {
        let out = pricebench(&db, args);
        assert!(out.status.success(), "{args:?}");
    }
    // Fitted for the evaluation, not stored: the file is the same bytes.
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // `elasticity` is the command whose job is the fit: it stores it.
    assert!(pricebench(&db, &["elasticity"]).status.success());
    let runs: i64 = rusqlite::Connection::open(&db)
        .unwrap()
        .query_row("SELECT count(*) FROM elasticity_run", [], |r| r.get(0))
        .unwrap();
    assert_eq!(runs, 1);
}

/// Scenario and recommend state the dates their baseline's numbers cover: a `period:` line
/// under the table, `period_from` / `period_to` in every JSON row; CSV keeps its columns.
#[test]
fn scenario_and_recommend_state_their_baselines_period() {
    let db = workspace();
    let file = "scenarios/list-increase.toml";
    let (first, last): (String, String) = {
        let conn = rusqlite::Connection::open(db).unwrap();
        conn.query_row("SELECT min(date), max(date) FROM transactions", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap()
    };
    for command in ["scenario", "recommend"] {
        let out = pricebench(db, &[command, file]);
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8(out.stdout).unwrap();
        let line = text.lines().last().unwrap();
        let (from, to) = line
            .strip_prefix("period: ")
            .and_then(|p| p.split_once(" to "))
            .unwrap_or_else(|| panic!("{command}: no period line: {line}"));
        assert!(
            first.as_str() <= from && from <= to && to <= last.as_str(),
            "{command}: {from} to {to} outside the data's {first} to {last}"
        );
        let out = pricebench(db, &[command, file, "--format", "json"]);
        let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let rows = match command {
            "recommend" => json["rows"].as_array().unwrap().clone(),
            _ => json.as_array().unwrap().clone(),
        };
        assert!(!rows.is_empty());
        for r in &rows {
            assert_eq!(
                (r["period_from"].as_str(), r["period_to"].as_str()),
                (Some(from), Some(to))
            );
        }
        let csv = pricebench(db, &[command, file, "--format", "csv"]);
        let csv = String::from_utf8(csv.stdout).unwrap();
        assert!(!csv.contains("period"), "{command}: CSV keeps its columns");
    }
}
