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

/// Runs one scenario command in process on `ws`, its output captured.
fn command(ws: &pricebench::store::Workspace, args: &[&str]) -> Result<String, String> {
    use clap::Parser;
    use pricebench::cli::{Cli, Command as C};
    use pricebench::commands;
    let cli = Cli::try_parse_from(std::iter::once("pricebench").chain(args.iter().copied()))
        .map_err(|e| e.to_string())?;
    let mut out = Vec::new();
    let result = match cli.command {
        Some(C::Scenario(a)) => commands::scenario::run(&a, ws, &mut out),
        Some(C::Value(a)) => commands::value::run(&a, ws, &mut out),
        Some(C::Recommend(a)) => commands::recommend::run(&a, ws, &mut out),
        Some(C::Export(a)) => commands::export::run(&a, ws, &mut out),
        other => panic!("not a scenario command: {other:?}"),
    };
    result.map_err(|e| format!("{e:#}"))?;
    Ok(String::from_utf8(out).unwrap())
}

/// The error of `scenario FILE` for a file holding `text`, or its output.
fn scenario_with(ws: &pricebench::store::Workspace, text: &str) -> Result<String, String> {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("x.toml");
    std::fs::write(&file, text).unwrap();
    command(ws, &["scenario", file.to_str().unwrap(), "--format", "csv"])
        .map_err(|e| e.replace(&format!("{}/", tmp.path().display()), ""))
}

fn baseline_cell(
    ws: &pricebench::store::Workspace,
    segment: &str,
    product: &str,
) -> pricebench::scenario::BaselineCell {
    let b = pricebench::analysis::scenario::baseline(ws, &Default::default()).unwrap();
    b.cells
        .into_iter()
        .find(|c| c.segment_id == segment && c.product_id == product)
        .unwrap()
}

#[test]
fn an_amount_that_makes_a_list_price_negative_names_the_rule_and_the_cell() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let cell = baseline_cell(&ws, "SEG-ENT", "P0001");
    let text = "name = \"x\"\n\n[[price_change]]\nsegment = \"SEG-ENT\"\nproduct = \"P0001\"\namount = -200\n";
    let err = scenario_with(&ws, text).unwrap_err();
    assert_eq!(
        err,
        format!(
            "x.toml:6:10: amount -200 makes the list price of SEG-ENT × P0001 negative ({:.2})",
            cell.list_price - 200.0
        )
    );
    // Exactly the list price: zero, also refused; a cent less is accepted.
    let zero = text.replace("-200", &format!("-{}", cell.list_price));
    let err = scenario_with(&ws, &zero).unwrap_err();
    assert!(err.contains("SEG-ENT × P0001 zero (0.00)"), "{err}");
    let cent = text.replace("-200", &format!("-{}", cell.list_price - 0.01));
    assert!(scenario_with(&ws, &cent).is_ok());
}

#[test]
fn a_cost_change_that_makes_a_unit_cost_negative_names_the_rule_and_the_cell() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let err = scenario_with(&ws, "name = \"x\"\n[[cost_change]]\namount = -1e6\n").unwrap_err();
    assert!(
        err.starts_with(
            "x.toml:3:10: amount -1000000 makes the unit cost of SEG-DIS × P0001 negative ("
        ),
        "{err}"
    );
    // A cost may fall to zero.
    assert!(scenario_with(&ws, "name = \"x\"\n[[cost_change]]\npct = -100\n").is_ok());
    let err = scenario_with(&ws, "name = \"x\"\n[[cost_change]]\npct = -100.5\n").unwrap_err();
    assert_eq!(
        err,
        "x.toml:3:7: cost_change: pct -100.5 must be at least -100 (a cost of 0) and at most 1000"
    );
}

#[test]
fn price_changes_are_bounded_by_minus_100_and_1000_pct_and_1e12() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let price = |v: &str| scenario_with(&ws, &format!("name = \"x\"\n[[price_change]]\n{v}\n"));
    assert!(price("pct = 1000").is_ok());
    for (v, shown) in [
        ("pct = 1e300", "1e300"),
        ("pct = 1000.5", "1000.5"),
        ("pct = -100", "-100"),
        ("pct = nan", "NaN"),
        ("pct = -inf", "-inf"),
    ] {
        assert_eq!(
            price(v).unwrap_err(),
            format!(
                "x.toml:3:7: price_change: pct {shown} must be above -100 (a price of 0) and at most 1000"
            ),
            "{v}"
        );
    }
    for v in ["amount = 1.5e12", "amount = -1e300", "amount = inf"] {
        let err = price(v).unwrap_err();
        assert!(
            err.starts_with("x.toml:3:10: price_change: amount ")
                && err.ends_with(" must be a number between -1e12 and 1e12"),
            "{v}: {err}"
        );
        assert!(err.len() < 100, "{err}");
    }
    // Within the limit per rule, but the list price it makes is not.
    let err = price("amount = 1e12").unwrap_err();
    assert!(
        err.starts_with("x.toml:3:10: amount 1000000000000 makes the list price of SEG-DIS × P0001 larger than 1e12 ("),
        "{err}"
    );
}

#[test]
fn value_drivers_and_discounts_are_bounded() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let driver = |field: &str| {
        scenario_with(
            &ws,
            &format!("name = \"x\"\n[[value_driver]]\nreference_price = 100\n{field}\n"),
        )
    };
    assert!(driver("positive = { a = 1e12 }").is_ok());
    assert_eq!(
        driver("positive = { a = 1e300 }").unwrap_err(),
        "x.toml:4:18: value 'a' 1e300 must be at most 1e12"
    );
    assert_eq!(
        driver("negative = { b = nan }").unwrap_err(),
        "x.toml:4:18: value 'b' NaN must be zero or positive (list it under 'negative' to subtract it)"
    );
    let err = scenario_with(
        &ws,
        "name = \"x\"\n[[value_driver]]\nreference_price = 1.5e12\n",
    )
    .unwrap_err();
    assert_eq!(
        err,
        "x.toml:3:19: reference_price 1500000000000 must be positive and at most 1e12"
    );
    let err = scenario_with(
        &ws,
        "name = \"x\"\n[[discount]]\nelement = \"on_competitive\"\nscale = 1e300\n",
    )
    .unwrap_err();
    assert_eq!(err, "x.toml:4:9: scale 1e300 must be between 0 and 10");
}

/// The longest run of digits before a decimal point in `text`.
fn longest_integer(text: &str) -> usize {
    text.split(|c: char| !c.is_ascii_digit() && c != ',')
        .map(|w| w.chars().filter(char::is_ascii_digit).count())
        .max()
        .unwrap_or(0)
}

/// Every number of a scenario at the largest value it may take.
const LARGEST: &str = "name = \"largest\"\n\
    [guardrails]\nmax_increase_pct = 1000\nmax_decrease_pct = 99\nmin_pocket_margin_pct = 99\ncap_at_economic_value = true\n\
    [[price_change]]\npct = 1000\n\
    [[price_change]]\nproduct = \"P0001\"\namount = 1e9\n\
    [[cost_change]]\npct = 1000\n\
    [[discount]]\nelement = \"on_competitive\"\nscale = 10\n\
    [[value_driver]]\nreference_price = 1e12\npositive = { a = 1e12, b = 1e12 }\nnegative = { c = 0 }\n";

#[test]
fn the_largest_scenario_numbers_print_no_huge_numbers_on_any_output_path() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("largest.toml");
    std::fs::write(&file, LARGEST).unwrap();
    let file = file.to_str().unwrap();
    let export = tmp.path().join("largest.csv");
    for args in [
        vec!["scenario", file, "--format", "csv"],
        vec!["scenario", file, "--compare", file, "--format", "json"],
        vec!["scenario", file],
        vec!["value", file, "--format", "csv"],
        vec!["recommend", file, "--format", "json"],
        vec!["recommend", file],
        vec!["export", file, "--out", export.to_str().unwrap()],
    ] {
        let mut text = command(&ws, &args).unwrap_or_else(|e| panic!("{args:?}: {e}"));
        if args[0] == "export" {
            text = std::fs::read_to_string(&export).unwrap();
        }
        let lower = text.to_lowercase();
        // Whole words: "provenance" holds the letters of "nan".
        let words: Vec<&str> = lower
            .split(|c: char| !c.is_ascii_alphanumeric() && c != '.')
            .collect();
        assert!(
            !words
                .iter()
                .any(|w| ["nan", "inf", "infinity", "-inf"].contains(w)),
            "{args:?}"
        );
        // Quantities ≤ 1e12 × prices ≤ 1e12 over a year of weeks stay below 1e30.
        assert!(longest_integer(&text) <= 30, "{args:?}:\n{text}");
    }
}

mod tui {
    use super::support::Harness;
    use super::{LARGEST, longest_integer};
    use pricebench::tui::action::Action;
    use pricebench::tui::ctx::Status;

    impl Harness {
        /// The sample in view 8 (Scenarios).
        fn new() -> Harness {
            let ws = pricebench::store::bundled_sample().unwrap();
            let mut h = Harness::with(ws, false, 120, 40);
            h.send(&[Action::ShowView(8)]);
            h
        }

        /// Opens the scenario file holding `text` through the path prompt.
        fn open(&mut self, dir: &std::path::Path, text: &str) {
            let path = dir.join("edge.toml");
            std::fs::write(&path, text).unwrap();
            self.send(&[Action::OpenPath]);
            let (_, typed) = self.app.scenarios.prompt.clone().unwrap();
            for _ in typed.chars() {
                self.send(&[Action::PromptBackspace]);
            }
            for c in path.to_str().unwrap().chars() {
                self.send(&[Action::PromptInput(c)]);
            }
            self.send(&[Action::PromptSubmit]);
        }
    }

    #[test]
    fn the_tui_shows_why_a_scenario_out_of_bounds_is_refused() {
        let mut h = Harness::new();
        let tmp = tempfile::tempdir().unwrap();
        h.open(tmp.path(), "name = \"x\"\n[[price_change]]\npct = 1e300\n");
        assert!(
            matches!(h.app.status(), Status::Error(m) if m.ends_with("edge.toml:3:7: price_change: pct 1e300 must be above -100 (a price of 0) and at most 1000")),
            "{:?}",
            h.app.status()
        );
        assert!(h.app.scenarios.session.is_none());
    }

    #[test]
    fn the_tui_draws_the_largest_scenario_without_huge_numbers() {
        let mut h = Harness::new();
        let tmp = tempfile::tempdir().unwrap();
        h.open(tmp.path(), LARGEST);
        assert!(h.app.scenarios.session.is_some(), "{:?}", h.app.status());
        for view in [7, 8, 9] {
            h.send(&[Action::ShowView(view)]);
            let screen = super::support::render_screen(&h.app);
            assert!(
                !screen.contains("NaN") && !screen.contains("inf"),
                "{screen}"
            );
            assert!(longest_integer(&screen) <= 30, "{screen}");
        }
    }

    #[test]
    fn a_nudge_past_1000_pct_is_refused_and_changes_nothing() {
        let mut h = Harness::new();
        let tmp = tempfile::tempdir().unwrap();
        h.open(
            tmp.path(),
            "name = \"x\"\n[[price_change]]\nsegment = \"SEG-DIS\"\nproduct = \"P0001\"\npct = 999\n",
        );
        let before = h.app.scenarios.session.as_ref().unwrap().prepared.clone();
        h.send(&[Action::NudgePrice(1)]);
        assert!(
            matches!(h.app.status(), Status::Error(m) if m.contains("outside what a scenario may hold")),
            "{:?}",
            h.app.status()
        );
        let s = h.app.scenarios.session.as_ref().unwrap();
        assert_eq!(s.prepared, before);
        assert!(!s.dirty);
        // A smaller step inside the bound is still taken.
        h.send(&[Action::NudgePrice(-1)]);
        let s = h.app.scenarios.session.as_ref().unwrap();
        assert!(s.dirty && s.prepared != before);
    }
}
