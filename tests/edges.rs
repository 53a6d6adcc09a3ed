//! Numbers and dates at the edges of what pricebench accepts, on every path that reads them:
//! dates outside 1900-01-01 – 2199-12-31 refused by the import, `--from/--to` and a scenario's
//! baseline; scenario numbers bounded, with the rule and the cell named when a change would make
//! a price or cost impossible, before anything is printed.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::Path;
use std::process::{Command, Output};

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// The fixture with its first transaction dated `date`, imported into a new workspace.
fn import_dated(dir: &Path, date: &str) -> (std::path::PathBuf, Output) {
    let input = support::write_fixture(&dir.join("in"));
    let txns = std::fs::read_to_string(input.join("transactions.csv")).unwrap();
    std::fs::write(
        input.join("transactions.csv"),
        txns.replace("T1,2024-01-01", &format!("T1,{date}")),
    )
    .unwrap();
    let db = dir.join("ws.db");
    let out = pricebench(&db, &["import", input.to_str().unwrap()]);
    (db, out)
}

const OUTSIDE: [&str; 4] = ["1899-12-31", "2200-01-01", "0000-01-01", "9999-12-31"];

#[test]
fn import_refuses_dates_outside_1900_to_2199_with_line_and_column() {
    for date in OUTSIDE {
        let tmp = tempfile::tempdir().unwrap();
        let (db, out) = import_dated(tmp.path(), date);
        assert!(!out.status.success(), "{date}");
        let expected = format!(
            "transactions.csv:2: column 'date': '{date}' is outside the accepted dates \
             (1900-01-01 to 2199-12-31)"
        );
        assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
        assert!(
            !db.exists(),
            "{date}: a failed import left a workspace behind"
        );
    }
}

#[test]
fn import_accepts_the_first_and_last_accepted_days_and_stores_four_digit_weeks() {
    for (date, week) in [("1900-01-01", "1900-01-01"), ("2199-12-31", "2199-12-30")] {
        let tmp = tempfile::tempdir().unwrap();
        let (db, out) = import_dated(tmp.path(), date);
        assert!(out.status.success(), "{date}: {}", stderr(&out));
        let ws = pricebench::store::Workspace::open_existing(&db).unwrap();
        let (first, last): (String, String) = ws
            .conn()
            .query_row("SELECT MIN(period), MAX(period) FROM agg_week", [], |r| {
                Ok((r.get(0)?, r.get(1)?))
            })
            .unwrap();
        assert!(first == week || last == week, "{date}: {first} – {last}");
        let shown = pricebench(&db, &["info", "--format", "csv"]);
        let text = String::from_utf8_lossy(&shown.stdout);
        let end = if date < "2000" {
            "first_date"
        } else {
            "last_date"
        };
        assert!(text.contains(&format!("{end},{date}\n")), "{date}: {text}");
    }
}

#[test]
fn from_and_to_refuse_dates_outside_the_range_and_accept_its_ends() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, out) = import_dated(tmp.path(), "2024-01-01");
    assert!(out.status.success(), "{}", stderr(&out));
    for date in OUTSIDE {
        for flag in ["--from", "--to"] {
            let out = pricebench(&db, &["waterfall", flag, date]);
            assert!(!out.status.success(), "{flag} {date}");
            let expected = format!(
                "{flag}: '{date}' is outside the accepted dates (1900-01-01 to 2199-12-31)"
            );
            assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
        }
    }
    let out = pricebench(
        &db,
        &[
            "waterfall",
            "--from",
            "1900-01-01",
            "--to",
            "2199-12-31",
            "--format",
            "csv",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
}

#[test]
fn a_scenario_baseline_outside_the_range_names_line_and_column() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, out) = import_dated(tmp.path(), "2024-01-01");
    assert!(out.status.success(), "{}", stderr(&out));
    let file = tmp.path().join("x.toml");
    for (date, ok) in [
        ("1899-12-31", false),
        ("0000-01-01", false),
        ("1900-01-01", true),
    ] {
        std::fs::write(
            &file,
            format!("name = \"x\"\n[baseline]\nfrom = \"{date}\"\nto = \"2199-12-31\"\n"),
        )
        .unwrap();
        let out = pricebench(&db, &["scenario", file.to_str().unwrap()]);
        assert_eq!(out.status.success(), ok, "{date}: {}", stderr(&out));
        if !ok {
            let expected = format!(
                "x.toml:3:8: '{date}' is outside the accepted dates (1900-01-01 to 2199-12-31)"
            );
            assert!(stderr(&out).contains(&expected), "{}", stderr(&out));
        }
    }
}
