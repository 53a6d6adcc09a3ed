//! The reporting currency and the period in the outputs that did not carry them: `export`
//! (its files, `--out -` and the provenance record), `score` (money headers, a last CSV column,
//! the period of the guidance, deals in other currencies converted with the workspace's rates
//! or refused per row) and `evidence`. Each is checked against the same workspace imported
//! without a currency, whose output must stay as it was.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::write_fixture;

/// 1 USD = 0.90 EUR from 2024-01-01, 0.80 EUR from 2024-02-01.
const FX: &str = "date,from,to,rate\n2024-01-01,USD,EUR,0.9\n2024-02-01,USD,EUR,0.8\n";

const SCENARIO: &str = "name = \"up\"\n[[price_change]]\npct = 4\n";

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

/// The plain fixture imported twice: as it is (`plain.db`, no currency) and with `--currency
/// EUR` plus the USD rates (`eur.db`) — the same numbers, one naming its currency.
fn workspaces(dir: &Path) -> (PathBuf, PathBuf) {
    let files = write_fixture(&dir.join("in"));
    let (plain, eur) = (dir.join("plain.db"), dir.join("eur.db"));
    ok(&pricebench(&plain, &["import", files.to_str().unwrap()]));
    std::fs::write(files.join("fx.csv"), FX).unwrap();
    ok(&pricebench(
        &eur,
        &["import", "--currency", "EUR", files.to_str().unwrap()],
    ));
    std::fs::write(dir.join("s.toml"), SCENARIO).unwrap();
    (plain, eur)
}

/// `text` with `,currency` after its header and `,EUR` after every other line.
fn with_eur_column(text: &str) -> String {
    let mut lines = text.lines();
    let mut out = format!("{},currency\n", lines.next().unwrap());
    for line in lines {
        out.push_str(&format!("{line},EUR\n"));
    }
    out
}

#[test]
fn export_to_standard_output_carries_the_currency_as_a_last_column() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, eur) = workspaces(dir.path());
    let s = dir.path().join("s.toml");
    let args = ["export", s.to_str().unwrap(), "--out", "-"];
    let without = ok(&pricebench(&plain, &args));
    let with = ok(&pricebench(&eur, &args));
    assert_eq!(
        without,
        "product_id,family,segments,segments_with_evidence,current_list_price,recommended_list_price,change_pct,elasticity,volume_change_pct,pocket_margin_change,break_even_volume_pct,prob_margin_gain,confidence,flags,binding_constraint,guardrail_cost,reason\n\
         P1,W,1,0,10.0000,10.0000,0.00,,,,,,none,,no_demand_evidence,,\"no demand evidence (too_few_periods): today's price kept, volume not projected\"\n\
         P2,G,1,0,20.0000,20.0000,0.00,,,,,,none,,no_demand_evidence,,\"no demand evidence (too_few_periods): today's price kept, volume not projected\"\n"
    );
    assert_eq!(with, with_eur_column(&without));
}

#[test]
fn export_files_and_provenance_name_the_reporting_currency() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, eur) = workspaces(dir.path());
    let s = dir.path().join("s.toml");
    let read = |name: &str| std::fs::read_to_string(dir.path().join(name)).unwrap();
    let mut meta = Vec::new();
    for (db, name) in [(&plain, "plain.csv"), (&eur, "eur.csv")] {
        let out = dir.path().join(name);
        let args = [
            "export",
            s.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ];
        ok(&pricebench(db, &args));
        let record: serde_json::Value =
            serde_json::from_str(&read(&format!("{name}.meta.json"))).unwrap();
        meta.push(record["currency"].clone());
    }
    assert_eq!(meta, [serde_json::Value::Null, "EUR".into()]);
    assert_eq!(read("eur.csv"), with_eur_column(&read("plain.csv")));
    let segments = read("eur.segments.csv");
    assert_eq!(segments, with_eur_column(&read("plain.segments.csv")));
    assert!(
        segments
            .lines()
            .next()
            .unwrap()
            .ends_with(",reason,level,currency"),
        "{segments}"
    );
    // `recommend --format json` carries the same record.
    let json = ok(&pricebench(
        &eur,
        &["recommend", s.to_str().unwrap(), "--format", "json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["provenance"]["currency"], "EUR");
    // The price list's recommended price is money too.
    let table = ok(&pricebench(&eur, &["recommend", s.to_str().unwrap()]));
    assert!(
        table
            .lines()
            .next()
            .unwrap()
            .contains("  recommended_list_price (EUR)  "),
        "{table}"
    );
}

/// Deals in EUR, USD (two rates), CHF (no rate), USD before the first rate, and two rows that
/// cannot be read. 9.5 USD on 2024-01-05 = 8.55 EUR (0.90); on 2024-02-05 = 7.60 EUR (0.80).
const DEALS: &str = "quote_id,date,customer_id,product_id,quantity,quoted_price,won,currency\n\
    Q1,2024-01-02,C1,P1,10,9.5,1,EUR\n\
    Q2,2024-01-05,C1,P1,10,9.5,1,USD\n\
    Q3,2024-02-05,C1,P1,10,9.5,1,usd\n\
    Q4,2024-01-05,C1,P1,10,9.5,1,CHF\n\
    Q5,2023-12-05,C1,P1,10,9.5,1,USD\n\
    Q6,2024-01-05,C1,P1,10,9.5,1,EURO\n\
    Q7,2024-13-05,C1,P1,10,9.5,1,USD\n";

/// `score deals.csv` (the file `deals` in `dir`, named as it is in messages).
fn score(db: &Path, dir: &Path, deals: &str, format: &str) -> Output {
    std::fs::write(dir.join("deals.csv"), deals).unwrap();
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .current_dir(dir)
        .arg("--db")
        .arg(db)
        .args(["score", "deals.csv", "--min-customers", "3", "--format"])
        .arg(format)
        .output()
        .unwrap()
}

#[test]
fn score_converts_deals_at_the_rate_of_their_date_and_refuses_rows_without_one() {
    let dir = tempfile::tempdir().unwrap();
    let (_, eur) = workspaces(dir.path());
    let out = score(&eur, dir.path(), DEALS, "csv");
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "deals.csv:7: column 'currency': 'EURO' is not a currency code (expected three letters, ISO 4217, such as 'EUR')\n\
         deals.csv:8: column 'date': '2024-13-05' is not a date (expected YYYY-MM-DD)\n\
         error: 2 malformed row(s) in deals.csv (status 'malformed', the reason in 'message'); the other rows are scored\n"
    );
    assert_eq!(
        String::from_utf8(out.stdout).unwrap(),
        "line,deal_id,customer_id,segment_id,product_id,size_band,quantity,list_price,invoice_price,invoice_pct,pocket_pct,pocket_floor_pct,pocket_target_pct,pocket_stretch_pct,invoice_floor_price,invoice_target_price,invoice_stretch_price,position,score,margin_to_floor,margin_to_target,guidance,status,message,currency\n\
         2,Q1,C1,S1,P1,1,10.00,10.0000,9.5000,95.0000,90.0000,85.0000,85.0000,95.0000,9.0000,9.0000,10.0000,target_stretch,62.5,0.00,0.00,borrowed,ok,,EUR\n\
         3,Q2,C1,S1,P1,1,10.00,10.0000,8.5500,85.5000,80.5000,85.0000,85.0000,95.0000,9.0000,9.0000,10.0000,below_floor,2.5,4.50,4.50,borrowed,ok,,EUR\n\
         4,Q3,C1,S1,P1,1,10.00,10.0000,7.6000,76.0000,71.0000,85.0000,85.0000,95.0000,9.0000,9.0000,10.0000,below_floor,0.0,14.00,14.00,borrowed,ok,,EUR\n\
         5,Q4,C1,S1,P1,1,10.00,,,,,,,,,,,,,,,borrowed,no_rate,\"'CHF' on 2024-01-05 has no exchange rate to the reporting currency 'EUR' (no CHF→EUR or EUR→CHF rate in fx.csv or the workspace): add a line '2024-01-05,CHF,EUR,RATE' to fx.csv (1 CHF = RATE EUR)\",EUR\n\
         6,Q5,C1,S1,P1,1,10.00,,,,,,,,,,,,,,,borrowed,no_rate,\"'USD' on 2023-12-05 is before the first exchange rate between USD and EUR (2024-01-01): add a line '2023-12-05,USD,EUR,RATE' to fx.csv (1 USD = RATE EUR)\",EUR\n\
         7,Q6,C1,,P1,,,,,,,,,,,,,,,,,,malformed,\"column 'currency': 'EURO' is not a currency code (expected three letters, ISO 4217, such as 'EUR')\",EUR\n\
         8,Q7,C1,,P1,,,,,,,,,,,,,,,,,,malformed,column 'date': '2024-13-05' is not a date (expected YYYY-MM-DD),EUR\n"
    );
}

#[test]
fn score_names_the_currency_in_headers_and_states_the_period() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, eur) = workspaces(dir.path());
    let deals: String = DEALS.lines().take(3).map(|l| format!("{l}\n")).collect();
    let table = ok(&score(&eur, dir.path(), &deals, "table"));
    let header = table.lines().next().unwrap();
    for money in [
        "list_price (EUR)",
        "invoice_price (EUR)",
        "invoice_floor_price (EUR)",
        "invoice_target_price (EUR)",
        "invoice_stretch_price (EUR)",
        "margin_to_floor (EUR)",
        "margin_to_target (EUR)",
    ] {
        assert!(header.contains(money), "{money}: {header}");
    }
    assert!(!header.contains("pct (EUR)"), "{header}");
    assert_eq!(
        table.lines().last().unwrap(),
        "period: 2024-01-01 to 2024-02-01"
    );
    let json = ok(&score(&eur, dir.path(), &deals, "json"));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert_eq!(rows.len(), 2);
    for row in &rows {
        assert_eq!(
            (&row["currency"], &row["period_from"], &row["period_to"]),
            (&"EUR".into(), &"2024-01-01".into(), &"2024-02-01".into())
        );
    }
    assert_eq!(rows[1]["invoice_price"], 8.55);
    // Without a reporting currency: the columns as they were, and a currency column in the
    // deals cannot be converted into one.
    let csv = ok(&score(&plain, dir.path(), &deals, "csv"));
    assert_eq!(
        csv,
        "line,deal_id,customer_id,segment_id,product_id,size_band,quantity,list_price,invoice_price,invoice_pct,pocket_pct,pocket_floor_pct,pocket_target_pct,pocket_stretch_pct,invoice_floor_price,invoice_target_price,invoice_stretch_price,position,score,margin_to_floor,margin_to_target,guidance,status,message\n\
         2,Q1,C1,S1,P1,1,10.00,,,,,,,,,,,,,,,borrowed,no_rate,'EUR' cannot be converted: the workspace has no reporting currency (set one with import --currency)\n\
         3,Q2,C1,S1,P1,1,10.00,,,,,,,,,,,,,,,borrowed,no_rate,'USD' cannot be converted: the workspace has no reporting currency (set one with import --currency)\n"
    );
    let no_column: String = deals.replace(",currency\n", "\n").replace(",EUR\n", "\n");
    let no_column = no_column.replace(",USD\n", "\n");
    let table = ok(&score(&plain, dir.path(), &no_column, "table"));
    assert!(!table.contains("(EUR)"), "{table}");
    assert_eq!(
        table.lines().last().unwrap(),
        "period: 2024-01-01 to 2024-02-01"
    );
}

#[test]
fn the_fast_score_csv_equals_the_general_renderer_with_a_currency() {
    use pricebench::analysis::guidance::{GuidanceSource, scoring_context};
    use pricebench::cli::Format;
    use pricebench::commands::score::{score_deals, score_deals_via_cells};
    use pricebench::realization::guidance::GuidanceOptions;
    let dir = tempfile::tempdir().unwrap();
    let (_, eur) = workspaces(dir.path());
    let ws = pricebench::store::Workspace::open_existing(&eur).unwrap();
    let options = GuidanceOptions {
        min_customers: 3,
        ..GuidanceOptions::default()
    };
    let source = GuidanceSource::Workspace(Default::default(), options);
    let ctx = scoring_context(&ws, source).unwrap();
    let (mut fast, mut general) = (Vec::new(), Vec::new());
    let a = score_deals(&ctx, "deals.csv", DEALS.as_bytes(), Format::Csv, &mut fast);
    let b = score_deals_via_cells(&ctx, "deals.csv", DEALS.as_bytes(), &mut general);
    assert_eq!(a.unwrap_err().to_string(), b.unwrap_err().to_string());
    let fast = String::from_utf8(fast).unwrap();
    assert_eq!(fast, String::from_utf8(general).unwrap());
    assert_eq!(fast.lines().filter(|l| l.ends_with(",EUR")).count(), 7);
}

#[test]
fn evidence_names_the_currency_and_states_the_period() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, eur) = workspaces(dir.path());
    let table = ok(&pricebench(&eur, &["evidence"]));
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("  value (EUR)  low (EUR)  high (EUR)  interval  "),
        "{header}"
    );
    assert_eq!(
        table.lines().last().unwrap(),
        "period: 2024-01-01 to 2024-02-01"
    );
    let without = ok(&pricebench(&plain, &["evidence", "--format", "csv"]));
    let with = ok(&pricebench(&eur, &["evidence", "--format", "csv"]));
    assert_eq!(
        without.lines().next().unwrap(),
        "segment_id,product_id,method,basis,value,low,high,interval,status,lower,upper,note"
    );
    assert_eq!(with, with_eur_column(&without));
    let plain_table = ok(&pricebench(&plain, &["evidence"]));
    assert!(!plain_table.contains("(EUR)"), "{plain_table}");
    let json = ok(&pricebench(&eur, &["evidence", "--format", "json"]));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert!(
        rows.iter()
            .all(|r| r["currency"] == "EUR" && r["period_to"] == "2024-02-01")
    );
}

/// The app on `db` at 100×30 with `dir`'s scenario `s.toml` loaded in view 8.
fn tui(db: &Path, dir: &Path) -> support::Harness {
    use pricebench::tui::action::Action;
    let ws = pricebench::store::Workspace::open(db).unwrap();
    let mut h = support::Harness::with(ws, false, 100, 30);
    h.app.scenarios.scan(dir);
    h.send(&[Action::ShowView(8), Action::LoadScenario]);
    assert!(h.app.scenarios.session.is_some(), "{:?}", h.app.status());
    h
}

/// What each view's title says, on the screen as drawn.
fn titles(h: &mut support::Harness) -> Vec<String> {
    use pricebench::tui::action::Action;
    let mut screens = Vec::new();
    let mut show = |h: &mut support::Harness, actions: &[Action]| {
        h.send(actions);
        screens.push(h.screen());
    };
    show(h, &[Action::ShowView(8)]);
    show(h, &[Action::ShowView(9)]);
    show(h, &[Action::ShowView(7)]);
    show(h, &[Action::ShowView(4)]);
    show(h, &[Action::ShowView(5)]);
    show(h, &[Action::ShowView(0)]);
    show(h, &[Action::ShowView(6), Action::OpenGuidance]);
    show(h, &[Action::Back, Action::ShowView(6), Action::OpenBridge]);
    screens
}

#[test]
fn every_tui_view_showing_money_names_the_currency_only_when_there_is_one() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, eur) = workspaces(dir.path());
    let scenarios = dir.path().join("scenarios");
    std::fs::create_dir_all(&scenarios).unwrap();
    std::fs::write(scenarios.join("s.toml"), SCENARIO).unwrap();
    let with = titles(&mut tui(&eur, &scenarios));
    let expected = [
        " up (EUR) ",
        " up (EUR) · level: product",
        " value map (EUR) · up ",
        " Willingness-to-pay (EUR) · ",
        " Price sensitivity (EUR) · ",
        " Cells (EUR) · ",
        " Deal guidance (EUR) · ",
        " Bridge (EUR) · ",
    ];
    for (screen, title) in with.iter().zip(expected) {
        assert!(screen.contains(title), "{title}\n{screen}");
    }
    let without = titles(&mut tui(&plain, &scenarios));
    for (screen, title) in without.iter().zip(expected) {
        assert!(!screen.contains("(EUR)"), "{screen}");
        let title = title.replace(" (EUR)", "");
        assert!(screen.contains(&title), "{title}\n{screen}");
    }
}

/// The plain fixture with P1 in kg and P2 in pieces (`each`): P2's one line is on 2024-01-04
/// (C3), so from 2024-01-05 on every product sold is in kg.
fn units_workspace(dir: &Path) -> PathBuf {
    let files = write_fixture(&dir.join("in"));
    std::fs::write(
        files.join("products.csv"),
        "product_id,name,unit_cost,list_price,family,uom\nP1,Widget,4,10,W,kg\nP2,Gadget,12,20,G,each\n",
    )
    .unwrap();
    let db = dir.join("units.db");
    ok(&pricebench(&db, &["import", files.to_str().unwrap()]));
    db
}

fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let headers = r.headers().unwrap().clone();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            let pairs = headers.iter().zip(rec.iter());
            pairs.map(|(h, v)| (h.to_string(), v.to_string())).collect()
        })
        .collect()
}

/// The pocket step of the waterfall over `args`, for `customer` (`""`: the total).
fn pocket_step(db: &Path, args: &[&str], customer: &str) -> (String, String, String) {
    let all = [&["waterfall", "--format", "csv"][..], args].concat();
    let rows = csv_rows(&ok(&pricebench(db, &all)));
    let r = rows
        .iter()
        .find(|r| r["kind"] == "pocket" && r["customer_id"] == customer)
        .unwrap();
    (r["quantity"].clone(), r["uom"].clone(), r["status"].clone())
}

#[test]
fn a_period_in_which_every_product_sold_is_in_kg_has_a_summed_quantity() {
    let dir = tempfile::tempdir().unwrap();
    let db = units_workspace(dir.path());
    let mixed = (String::new(), String::new(), "mixed units".to_string());
    // All dates, and a range holding P2's line: kg and pieces.
    assert_eq!(pocket_step(&db, &[], ""), mixed);
    assert_eq!(pocket_step(&db, &["--to", "2024-01-04"], ""), mixed);
    // From 2024-01-05: T4 (−1 kg, C1) and T5 (4 kg, C3): 3 kg.
    let kg = |q: &str| (q.to_string(), "kg".to_string(), "ok".to_string());
    assert_eq!(pocket_step(&db, &["--from", "2024-01-05"], ""), kg("3.00"));
    // C3 bought pieces on 2024-01-04 and kg on 2024-02-01.
    let by_customer = ["--by", "customer"];
    assert_eq!(pocket_step(&db, &by_customer, "C3"), mixed);
    let from = [&by_customer[..], &["--from", "2024-01-05"]].concat();
    assert_eq!(pocket_step(&db, &from, "C3"), kg("4.00"));
    let leakage = |args: &[&str]| {
        let all = [
            &["leakage", "--by", "customer", "--format", "csv"][..],
            args,
        ]
        .concat();
        let rows = csv_rows(&ok(&pricebench(&db, &all)));
        rows.iter().find(|r| r["customer_id"] == "C3").unwrap()["volume"].clone()
    };
    assert_eq!(leakage(&[]), "");
    assert_eq!(leakage(&["--from", "2024-01-05"]), "4.00");
}

/// A scenario whose baseline period holds kg only sums its total's quantity; over all dates
/// it does not.
#[test]
fn a_scenario_baseline_in_one_unit_sums_its_totals() {
    let dir = tempfile::tempdir().unwrap();
    let db = units_workspace(dir.path());
    let total = |baseline: &str| {
        let file = dir.path().join("b.toml");
        std::fs::write(
            &file,
            format!("name = \"b\"\n{baseline}[[price_change]]\npct = 4\n"),
        )
        .unwrap();
        let args = ["scenario", file.to_str().unwrap(), "--format", "csv"];
        let rows = csv_rows(&ok(&pricebench(&db, &args)));
        let t = rows.iter().find(|r| r["level"] == "total").unwrap().clone();
        (t["quantity_before"].clone(), t["confidence"].clone())
    };
    let kg_only = "[baseline]\nfrom = \"2024-01-05\"\nto = \"2024-02-29\"\n";
    let (quantity, confidence) = total(kg_only);
    assert!(
        !quantity.is_empty() && confidence != "mixed units",
        "{quantity} {confidence}"
    );
    let both = "[baseline]\nfrom = \"2024-01-01\"\nto = \"2024-02-29\"\n";
    assert_eq!(total(both), (String::new(), "mixed units".to_string()));
}

#[test]
fn the_tui_period_decides_whether_the_overview_sums_quantities() {
    use pricebench::tui::action::Action;
    let dir = tempfile::tempdir().unwrap();
    let db = units_workspace(dir.path());
    let ws = pricebench::store::Workspace::open(&db).unwrap();
    let mut h = support::Harness::with(ws, false, 100, 30);
    assert!(
        h.app
            .overview
            .data
            .as_ref()
            .map(|o| o.mixed_units)
            .unwrap_or_else(|| panic!("{:?}\n{}", h.app.status(), h.screen()))
    );
    assert!(h.screen().contains("mixed units"), "{}", h.screen());
    h.send(&[Action::OpenPeriod, Action::ClearFilter]);
    let typed: Vec<Action> = "2024-01-05..".chars().map(Action::PromptInput).collect();
    h.send(&typed);
    h.send(&[Action::PromptSubmit]);
    let o = h.app.overview.data.as_ref().unwrap();
    assert!(!o.mixed_units);
    assert_eq!(o.quantity, 3.0);
    assert!(!h.screen().contains("mixed units"), "{}", h.screen());
    assert!(!h.app.realization.mixed_units);
}

/// Survey answers in USD: a survey has no date, so the latest rate (0.80) converts them, as
/// it converts a product's prices: 4, 6, 12, 15 USD → 3.20, 4.80, 9.60, 12.00 EUR.
#[test]
fn survey_answers_in_another_currency_are_converted_at_the_latest_rate() {
    let dir = tempfile::tempdir().unwrap();
    let (_, eur) = workspaces(dir.path());
    let survey = dir.path().join("sv");
    std::fs::create_dir_all(&survey).unwrap();
    let write = |code: &str| {
        std::fs::write(
            survey.join("survey.csv"),
            format!(
                "respondent_id,segment_id,product_id,too_cheap,cheap,expensive,too_expensive,currency\n\
                 R1,S1,P1,4,6,12,15,{code}\nR2,S2,P1,3,5,10,14,EUR\n"
            ),
        )
        .unwrap();
    };
    let args = ["import", "--replace", survey.to_str().unwrap()];
    let before = std::fs::read(&eur).unwrap();
    for (code, message) in [
        (
            "CHF",
            "survey.csv:2: column 'currency': 'CHF' has no exchange rate to the reporting currency 'EUR' (no CHF→EUR or EUR→CHF rate in fx.csv or the workspace): add a line 'YYYY-MM-DD,CHF,EUR,RATE' to fx.csv (1 CHF = RATE EUR)",
        ),
        (
            "EURO",
            "survey.csv:2: column 'currency': 'EURO' is not a currency code (expected three letters, ISO 4217, such as 'EUR')",
        ),
    ] {
        write(code);
        let out = pricebench(&eur, &args);
        assert!(!out.status.success());
        let err = String::from_utf8(out.stderr).unwrap();
        let first = err.lines().next().unwrap();
        assert!(first.ends_with(message), "{err}");
        assert_eq!(std::fs::read(&eur).unwrap(), before, "unchanged");
    }
    write("usd");
    ok(&pricebench(&eur, &args));
    let conn = rusqlite::Connection::open(&eur).unwrap();
    let answers = |id: &str| -> Vec<f64> {
        conn.query_row(
            "SELECT too_cheap, cheap, expensive, too_expensive FROM survey WHERE respondent_id = ?1",
            [id],
            |r| Ok(vec![r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?]),
        )
        .unwrap()
    };
    for (a, e) in answers("R1").iter().zip([3.2, 4.8, 9.6, 12.0]) {
        support::assert_close(*a, e, 1e-9);
    }
    assert_eq!(answers("R2"), [3.0, 5.0, 10.0, 14.0]);
}

/// The sample's lines summed by `sql/aggregates.sql` into the three files of sums, beside its
/// segments, customers and products, in `dir/sums`.
fn sums_of_the_sample(dir: &Path) -> PathBuf {
    let root = env!("CARGO_MANIFEST_DIR");
    let sample = Path::new(root).join("testdata/sample");
    let lines = dir.join("lines.db");
    ok(&pricebench(&lines, &["import", sample.to_str().unwrap()]));
    let conn = rusqlite::Connection::open(&lines).unwrap();
    let sql = std::fs::read_to_string(Path::new(root).join("sql/aggregates.sql")).unwrap();
    conn.execute_batch(&sql).unwrap();
    let sums = dir.join("sums");
    std::fs::create_dir_all(&sums).unwrap();
    for view in ["agg_week", "agg_customer_month", "agg_list_day"] {
        let mut stmt = conn.prepare(&format!("SELECT * FROM pb_{view}")).unwrap();
        let n = stmt.column_count();
        let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
        let mut w = csv::Writer::from_path(sums.join(format!("{view}.csv"))).unwrap();
        w.write_record(&names).unwrap();
        let mut rows = stmt.query([]).unwrap();
        while let Some(r) = rows.next().unwrap() {
            use rusqlite::types::ValueRef;
            let fields: Vec<String> = (0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    ValueRef::Integer(v) => v.to_string(),
                    ValueRef::Real(v) => v.to_string(),
                    ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                    _ => String::new(),
                })
                .collect();
            w.write_record(&fields).unwrap();
        }
        w.flush().unwrap();
    }
    for f in ["segments.csv", "customers.csv", "products.csv"] {
        std::fs::copy(sample.join(f), sums.join(f)).unwrap();
    }
    sums
}

#[test]
fn import_aggregates_sets_and_checks_the_reporting_currency_and_refuses_a_currency_column() {
    let dir = tempfile::tempdir().unwrap();
    let sums = sums_of_the_sample(dir.path());
    let sums_arg = sums.to_str().unwrap();
    let agg = dir.path().join("agg.db");
    let args = ["import", "--aggregates", "--currency", "EUR", sums_arg];
    ok(&pricebench(&agg, &args));
    assert_eq!(
        ok(&pricebench(&agg, &["info", "--format", "csv"]))
            .lines()
            .find(|l| l.starts_with("currency,")),
        Some("currency,EUR")
    );
    let before = std::fs::read(&agg).unwrap();
    let args = [
        "import",
        "--aggregates",
        "--replace",
        "--currency",
        "USD",
        sums_arg,
    ];
    let out = pricebench(&agg, &args);
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "--currency: 'USD' is not the workspace's reporting currency 'EUR' (it is set once, by the first import that names one); import in 'EUR' or convert the files with fx.csv rates to it\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
    assert_eq!(std::fs::read(&agg).unwrap(), before);
    // A sums file naming a currency: refused, nothing created.
    let week = std::fs::read_to_string(sums.join("agg_week.csv")).unwrap();
    let mut with_column = String::new();
    for (i, line) in week.lines().enumerate() {
        let code = if i == 0 { "currency" } else { "EUR" };
        with_column.push_str(&format!("{line},{code}\n"));
    }
    std::fs::write(sums.join("agg_week.csv"), with_column).unwrap();
    let fresh = dir.path().join("fresh.db");
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .current_dir(dir.path())
        .args(["--db", "fresh.db", "import", "--aggregates", "sums"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    assert_eq!(
        String::from_utf8(out.stderr).unwrap(),
        "sums/agg_week.csv:1: column 'currency': sums are read as in the reporting currency and never converted (a sum adds days whose exchange rates differ): convert the lines before the warehouse sums them, drop the column, and name the currency with --currency\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
    assert!(!fresh.exists());
}

#[test]
fn info_lists_the_exchange_rates_held_per_pair() {
    let dir = tempfile::tempdir().unwrap();
    let (plain, eur) = workspaces(dir.path());
    let info = ok(&pricebench(&eur, &["info", "--format", "csv"]));
    let rows: Vec<&str> = info
        .lines()
        .filter(|l| l.starts_with("currency,") || l.starts_with("fx."))
        .collect();
    assert_eq!(
        rows,
        [
            "currency,EUR",
            "fx.USD.EUR,2 rates from 2024-01-01 to 2024-02-01"
        ]
    );
    let fx = dir.path().join("fx2");
    std::fs::create_dir_all(&fx).unwrap();
    std::fs::write(
        fx.join("fx.csv"),
        "date,from,to,rate\n2024-03-01,EUR,GBP,0.85\n",
    )
    .unwrap();
    ok(&pricebench(&eur, &["import", fx.to_str().unwrap()]));
    let info = ok(&pricebench(&eur, &["info"]));
    let rows: Vec<&str> = info.lines().filter(|l| l.starts_with("fx.")).collect();
    assert_eq!(
        rows,
        [
            "fx.EUR.GBP                   1 rate from 2024-03-01",
            "fx.USD.EUR                   2 rates from 2024-01-01 to 2024-02-01"
        ]
    );
    let plain_info = ok(&pricebench(&plain, &["info", "--format", "csv"]));
    assert!(
        !plain_info.contains("fx.") && !plain_info.contains("currency"),
        "{plain_info}"
    );
}
