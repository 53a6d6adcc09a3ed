//! Currencies end to end, run as the binary: the reporting currency (set by `--currency` or
//! by the first import that names one), conversion at import with the rates of fx.csv on a
//! hand-computed fixture, every refusal's exact message, and the workspace byte-identical
//! after a failed import.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::{assert_close, write_fixture};

/// 1 USD = 0.90 EUR from 2024-01-01 and 0.80 EUR from 2024-02-01; 1 EUR = 0.85 GBP (so 1 GBP
/// = 1 / 0.85 EUR, the inverse pair).
const FX: &str = "date,from,to,rate\n\
    2024-01-01,USD,EUR,0.9\n\
    2024-02-01,USD,EUR,0.8\n\
    2024-01-01,EUR,GBP,0.85\n";

/// P2 is priced in USD: a product has no date, so the latest rate (0.80) converts it: unit
/// cost 12 → 9.60, list price 20 → 16.00.
const PRODUCTS: &str = "product_id,name,unit_cost,list_price,family,currency,uom\n\
    P1,Widget,4,10,W,EUR,kg\n\
    P2,Gadget,12,20,G,USD,each\n";

/// Per line, in EUR (list, on_volume, off_rebate → pocket = list − on − off):
/// T1 EUR:          10,        1,         0.5        → 8.50
/// T2 USD @ 0.90:   9,         0,         0.45       → 8.55
/// T3 GBP @ 1/0.85: 23.529411, 2.352941, 1.176471   → 17 / 0.85 = 20.00
/// T4 EUR (any case): 10,      1,         0.5        → 8.50
/// T5 USD @ 0.80 (the rate of its own date): 8.80, 0, 0 → 8.80
/// Pocket revenue Σ quantity × pocket = 85 + 42.75 + 40 − 8.5 + 35.2 = 194.45;
/// list revenue = 100 + 45 + 2 × 20 / 0.85 − 10 + 35.2 = 170.2 + 47.058823529 = 217.258823529.
const TRANSACTIONS: &str = "txn_id,date,customer_id,product_id,quantity,list_price,on_volume,off_rebate,currency\n\
    T1,2024-01-01,C1,P1,10,10,1,0.5,EUR\n\
    T2,2024-01-03,C2,P1,5,10,0,0.5,USD\n\
    T3,2024-01-04,C3,P2,2,20,2,1,GBP\n\
    T4,2024-01-08,C1,P1,-1,10,1,0.5,eur\n\
    T5,2024-02-01,C3,P1,4,11,0,0,USD\n";

/// Q1: 9.5 USD on 2024-01-02 → 8.55 EUR.
const QUOTES: &str = "quote_id,date,customer_id,product_id,quantity,quoted_price,won,currency\n\
    Q1,2024-01-02,C1,P1,10,9.5,1,USD\n\
    Q2,2024-01-05,C3,P1,3,11,lost,EUR\n";

/// 10 USD on 2024-02-05 → 8.00 EUR.
const COMPETITORS: &str = "date,competitor,product_id,competitor_product,price,currency\n\
    2024-02-05,Rival,P1,R-1,10,USD\n";

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// The fixture with currencies, fx.csv and competitors.csv, in `dir/in`.
fn files(dir: &Path) -> PathBuf {
    let files = write_fixture(&dir.join("in"));
    for (name, text) in [
        ("fx.csv", FX),
        ("products.csv", PRODUCTS),
        ("transactions.csv", TRANSACTIONS),
        ("quotes.csv", QUOTES),
        ("competitors.csv", COMPETITORS),
    ] {
        std::fs::write(files.join(name), text).unwrap();
    }
    files
}

fn ok(out: &Output) -> String {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout.clone()).unwrap()
}

fn stderr(out: &Output) -> String {
    assert!(
        !out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr.clone()).unwrap()
}

fn query_f64(db: &Path, sql: &str) -> f64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

fn query_text(db: &Path, sql: &str) -> Option<String> {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(sql, [], |r| r.get(0)).unwrap()
}

const REPORTING: &str = "SELECT (SELECT value FROM settings WHERE key = 'reporting_currency')";

/// The fixture imported with `--currency EUR`.
fn workspace(dir: &Path) -> PathBuf {
    let db = dir.join("w.db");
    let files = files(dir);
    ok(&pricebench(
        &db,
        &["import", "--currency", "EUR", files.to_str().unwrap()],
    ));
    db
}

#[test]
fn amounts_in_other_currencies_are_converted_at_the_rate_of_their_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    assert_eq!(query_text(&db, REPORTING).as_deref(), Some("EUR"));
    let pocket = |id: &str| {
        query_f64(
            &db,
            &format!("SELECT pocket_price FROM transaction_lines WHERE txn_id = '{id}'"),
        )
    };
    assert_close(pocket("T1"), 8.5, 1e-12);
    assert_close(pocket("T2"), 8.55, 1e-12);
    assert_close(pocket("T3"), 20.0, 1e-12);
    assert_close(pocket("T4"), 8.5, 1e-12);
    assert_close(pocket("T5"), 8.8, 1e-12);
    let t3 = "FROM transactions WHERE txn_id = 'T3'";
    assert_close(
        query_f64(&db, &format!("SELECT list_price {t3}")),
        20.0 / 0.85,
        1e-12,
    );
    assert_close(
        query_f64(&db, &format!("SELECT on_volume {t3}")),
        2.0 / 0.85,
        1e-12,
    );
    // Without a unit cost of its own, a line takes its product's, already converted.
    assert_close(
        query_f64(&db, &format!("SELECT unit_cost {t3}")),
        9.6,
        1e-12,
    );
    // The lines and the sums every view reads agree.
    for sql in [
        "SELECT sum(quantity * pocket_price) FROM transaction_lines",
        "SELECT sum(pocket_revenue) FROM agg_month",
        "SELECT sum(pocket_revenue) FROM agg_week",
        "SELECT sum(pocket_revenue) FROM agg_customer",
    ] {
        assert_close(query_f64(&db, sql), 194.45, 1e-12);
    }
    assert_close(
        query_f64(&db, "SELECT sum(list_revenue) FROM agg_month"),
        170.2 + 40.0 / 0.85,
        1e-12,
    );
    let product = |col: &str| {
        query_f64(
            &db,
            &format!("SELECT {col} FROM products WHERE product_id = 'P2'"),
        )
    };
    assert_close(product("unit_cost"), 9.6, 1e-12);
    assert_close(product("list_price"), 16.0, 1e-12);
    assert_close(
        query_f64(&db, "SELECT quoted_price FROM quotes WHERE quote_id = 'Q1'"),
        8.55,
        1e-12,
    );
    assert_close(
        query_f64(&db, "SELECT price FROM competitor_prices"),
        8.0,
        1e-12,
    );
    // The small tables keep the currency each row came in; products their unit.
    let text = |sql: &str| query_text(&db, sql);
    assert_eq!(
        text("SELECT currency FROM quotes WHERE quote_id = 'Q1'").as_deref(),
        Some("USD")
    );
    assert_eq!(
        text("SELECT currency || ' ' || uom FROM products WHERE product_id = 'P2'").as_deref(),
        Some("USD each")
    );
    assert_eq!(
        text("SELECT group_concat(rate, ' ') FROM (SELECT rate FROM fx_rates ORDER BY from_currency, date)").as_deref(),
        Some("0.85 0.9 0.8")
    );
}

#[test]
fn the_first_import_naming_one_currency_sets_the_reporting_currency() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_fixture(&dir.path().join("in"));
    std::fs::write(
        files.join("quotes.csv"),
        "quote_id,date,customer_id,product_id,quantity,quoted_price,won,currency\n\
         Q1,2024-01-02,C1,P1,10,9.5,1,CHF\n",
    )
    .unwrap();
    let db = dir.path().join("w.db");
    ok(&pricebench(&db, &["import", files.to_str().unwrap()]));
    assert_eq!(query_text(&db, REPORTING).as_deref(), Some("CHF"));
    // The fixture's other files, without a currency column, are taken as CHF as they are.
    assert_close(
        query_f64(&db, "SELECT sum(pocket_revenue) FROM agg_month"),
        202.0,
        1e-12,
    );
}

#[test]
fn a_workspace_that_never_saw_a_currency_has_none() {
    let dir = tempfile::tempdir().unwrap();
    let files = write_fixture(&dir.path().join("in"));
    let db = dir.path().join("w.db");
    ok(&pricebench(&db, &["import", files.to_str().unwrap()]));
    assert_eq!(query_text(&db, REPORTING), None);
}

/// Runs an import into a copy of the converted workspace that must fail: returns its stderr
/// after checking the workspace file is byte-identical.
fn refused(dir: &Path, args: &[&str], name: &str, text: &str) -> String {
    let db = workspace(dir);
    let bad = dir.join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let path = bad.join(name);
    std::fs::write(&path, text).unwrap();
    let before = std::fs::read(&db).unwrap();
    let mut all = vec!["import"];
    all.extend_from_slice(args);
    all.push(path.to_str().unwrap());
    let err = stderr(&pricebench(&db, &all));
    assert_eq!(std::fs::read(&db).unwrap(), before, "{err}");
    err.replace(&format!("{}/", bad.display()), "")
}

#[test]
fn import_rejects_a_currency_that_is_not_a_code_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(
        dir.path(),
        &[],
        "transactions.csv",
        "txn_id,date,customer_id,product_id,quantity,list_price,currency\n\
         T9,2024-01-05,C1,P1,1,10,EURO\n\
         T10,2024-01-05,C1,P1,1,10,\n",
    );
    assert_eq!(
        err,
        "transactions.csv:2: column 'currency': 'EURO' is not a currency code (expected three letters, ISO 4217, such as 'EUR')\n\
         transactions.csv:3: column 'currency': is empty (expected a three-letter ISO 4217 code such as 'EUR'; a file without a currency column is in the reporting currency)\n\
         error: import failed: 2 problem(s); the workspace is unchanged\n"
    );
}

#[test]
fn import_rejects_a_currency_without_a_rate_saying_what_to_add_to_fx_csv() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(
        dir.path(),
        &[],
        "transactions.csv",
        "txn_id,date,customer_id,product_id,quantity,list_price,currency\n\
         T9,2024-01-05,C1,P1,1,10,CHF\n\
         T10,2023-12-31,C1,P1,1,10,USD\n\
         T11,2023-12-30,C1,P1,1,10,GBP\n",
    );
    assert_eq!(
        err,
        "transactions.csv:2: column 'currency': 'CHF' on 2024-01-05 has no exchange rate to the reporting currency 'EUR' (no CHF→EUR or EUR→CHF rate in fx.csv or the workspace): add a line '2024-01-05,CHF,EUR,RATE' to fx.csv (1 CHF = RATE EUR)\n\
         transactions.csv:3: column 'currency': 'USD' on 2023-12-31 is before the first exchange rate between USD and EUR (2024-01-01): add a line '2023-12-31,USD,EUR,RATE' to fx.csv (1 USD = RATE EUR)\n\
         transactions.csv:4: column 'currency': 'GBP' on 2023-12-30 is before the first exchange rate between GBP and EUR (2024-01-01): add a line '2023-12-30,GBP,EUR,RATE' to fx.csv (1 GBP = RATE EUR)\n\
         error: import failed: 3 problem(s); the workspace is unchanged\n"
    );
}

#[test]
fn quotes_products_and_competitors_are_refused_without_a_rate_too() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(
        dir.path(),
        &["--replace"],
        "products.csv",
        "product_id,name,unit_cost,list_price,currency\nP1,Widget,4,10,JPY\n",
    );
    assert_eq!(
        err,
        "products.csv:2: column 'currency': 'JPY' has no exchange rate to the reporting currency 'EUR' (no JPY→EUR or EUR→JPY rate in fx.csv or the workspace): add a line 'YYYY-MM-DD,JPY,EUR,RATE' to fx.csv (1 JPY = RATE EUR)\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
}

#[test]
fn a_first_import_in_two_currencies_without_currency_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let db = dir.path().join("w.db");
    let err = stderr(&pricebench(&db, &["import", files.to_str().unwrap()]));
    assert!(!db.exists());
    let prefix = format!("{}/", files.display());
    let differs = "differs from 'EUR' (products.csv:2), and the workspace has no reporting currency yet: choose one with --currency (e.g. --currency EUR) and give fx.csv rates for the others";
    let expected: String = [
        "products.csv:3: column 'currency': 'USD'",
        "transactions.csv:3: column 'currency': 'USD'",
        "transactions.csv:4: column 'currency': 'GBP'",
        "transactions.csv:6: column 'currency': 'USD'",
        "quotes.csv:2: column 'currency': 'USD'",
        "competitors.csv:2: column 'currency': 'USD'",
    ]
    .iter()
    .map(|at| format!("{at} {differs}\n"))
    .collect();
    assert_eq!(
        err.replace(&prefix, ""),
        format!("{expected}error: import failed: 6 problem(s); the workspace is unchanged\n")
    );
}

#[test]
fn currency_other_than_the_workspaces_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(
        dir.path(),
        &["--currency", "USD"],
        "fx.csv",
        "date,from,to,rate\n2024-03-01,USD,EUR,0.7\n",
    );
    assert_eq!(
        err,
        "--currency: 'USD' is not the workspace's reporting currency 'EUR' (it is set once, by the first import that names one); import in 'EUR' or convert the files with fx.csv rates to it\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
    let out = pricebench(
        &dir.path().join("x.db"),
        &["import", "--currency", "EURO", "x"],
    );
    assert!(
        String::from_utf8_lossy(&out.stderr).contains(
            "invalid value 'EURO' for '--currency <CODE>': 'EURO' is not a currency code (expected three letters, ISO 4217, such as 'EUR')"
        ),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn import_rejects_bad_fx_rows_with_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let err = refused(
        dir.path(),
        &[],
        "fx.csv",
        "date,from,to,rate\n\
         2024-03-01,USD,EUR,0\n\
         2024-03-01,EUR,EUR,1\n\
         2024-03-01,US,EUR,1\n\
         2024-03-02,USD,EUR,0.7\n\
         2024-03-02,USD,EUR,0.75\n\
         2024-01-01,USD,EUR,0.9\n\
         2024-03-03,USD,EUR,1e-10\n",
    );
    assert_eq!(
        err,
        "fx.csv:2: column 'rate': is 0 (a rate must be above 0)\n\
         fx.csv:3: column 'to': is 'EUR' like 'from' (a rate converts between two currencies)\n\
         fx.csv:4: column 'from': 'US' is not a currency code (expected three letters, ISO 4217, such as 'EUR')\n\
         fx.csv:6: column 'date': the USD→EUR rate of 2024-03-02 appears twice in this import (first at fx.csv:5)\n\
         fx.csv:7: column 'date': the USD→EUR rate of 2024-01-01 already exists in the workspace (use --replace to overwrite it)\n\
         fx.csv:8: column 'rate': '1e-10' is outside the rates pricebench accepts (1e-9 to 1e9)\n\
         error: import failed: 6 problem(s); the workspace is unchanged\n"
    );
}

#[test]
fn a_dry_run_names_the_reporting_currency_and_the_rows_per_currency() {
    let dir = tempfile::tempdir().unwrap();
    let files = files(dir.path());
    let db = dir.path().join("w.db");
    let out = ok(&pricebench(
        &db,
        &[
            "import",
            "--dry-run",
            "--currency",
            "EUR",
            files.to_str().unwrap(),
        ],
    ));
    assert!(!db.exists());
    assert!(
        out.contains("  reporting currency: EUR (set by this import); rows by currency: EUR 4, USD 5, GBP 1 (converted at the rates of fx.csv)\n"),
        "{out}"
    );
}

/// The period lines below are on the plain fixture: lines on 2024-01-01, -03, -04, -08 (P1,
/// P1, P2, P1) and 2024-02-01 (P1).
fn plain_workspace(dir: &Path) -> PathBuf {
    let files = write_fixture(&dir.join("in"));
    let db = dir.join("w.db");
    ok(&pricebench(&db, &["import", files.to_str().unwrap()]));
    db
}

fn last_line(text: &str) -> &str {
    text.lines().last().unwrap()
}

#[test]
fn every_aggregating_table_states_the_first_and_last_date_it_used() {
    let dir = tempfile::tempdir().unwrap();
    let db = plain_workspace(dir.path());
    let all = "period: 2024-01-01 to 2024-02-01";
    for args in [
        &["waterfall"][..],
        &["waterfall", "--by", "customer"],
        &["band"],
        &["leakage"],
        &["leakage", "--by", "customer"],
        &["elasticity"],
        &["guidance"],
    ] {
        let out = ok(&pricebench(&db, args));
        assert_eq!(last_line(&out), all, "{args:?}");
    }
    // The dates used, not the range asked for.
    let out = ok(&pricebench(
        &db,
        &["waterfall", "--from", "2024-01-02", "--to", "2024-01-31"],
    ));
    assert_eq!(last_line(&out), "period: 2024-01-03 to 2024-01-08");
    // `increase`: the 30 days before P1's list change on 2024-02-01 and the 30 from it.
    let out = ok(&pricebench(&db, &["increase"]));
    assert_eq!(last_line(&out), "period: 2024-01-03 to 2024-02-01");
    let out = ok(&pricebench(&db, &["bridge"]));
    assert_eq!(last_line(&out), all);
    // Competitors: their prices' own dates (the plain fixture has none).
    let out = ok(&pricebench(&db, &["competitors"]));
    assert_eq!(last_line(&out), "period: none (nothing dated in the range)");
    let out = ok(&pricebench(&db, &["band", "--product", "P2"]));
    assert_eq!(last_line(&out), "period: 2024-01-04 to 2024-01-04");
    let out = ok(&pricebench(&db, &["leakage", "--from", "2025-01-01"]));
    assert_eq!(last_line(&out), "period: none (nothing dated in the range)");
}

#[test]
fn json_carries_the_period_and_csv_keeps_its_columns() {
    let dir = tempfile::tempdir().unwrap();
    let db = plain_workspace(dir.path());
    let out = ok(&pricebench(
        &db,
        &["waterfall", "--from", "2024-01-02", "--format", "json"],
    ));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&out).unwrap();
    assert!(!rows.is_empty());
    for row in &rows {
        assert_eq!(row["period_from"], "2024-01-03");
        assert_eq!(row["period_to"], "2024-02-01");
    }
    let out = ok(&pricebench(&db, &["waterfall", "--format", "csv"]));
    assert_eq!(
        out.lines().next().unwrap(),
        "segment_id,product_id,customer_id,step,kind,per_unit,pct_of_list,amount,quantity,realization_pct,status"
    );
    assert!(!out.contains("period"), "{out}");
}

fn csv_rows(text: &str) -> Vec<std::collections::HashMap<String, String>> {
    let mut r = csv::Reader::from_reader(text.as_bytes());
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

/// P1 is in kg, P2 in each: C3 bought both, C1 and C2 only P1.
#[test]
fn totals_across_units_show_no_quantity_and_no_per_unit_price() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let total = csv_rows(&ok(&pricebench(&db, &["waterfall", "--format", "csv"])));
    let pocket = total.iter().find(|r| r["kind"] == "pocket").unwrap();
    assert_eq!(pocket["quantity"], "");
    assert_eq!(pocket["per_unit"], "");
    assert_eq!(pocket["status"], "mixed units");
    assert_eq!(pocket["uom"], "");
    // The revenue still adds up: 194.45 (see TRANSACTIONS).
    assert_eq!(pocket["amount"], "194.45");
    let by_customer = csv_rows(&ok(&pricebench(
        &db,
        &["waterfall", "--by", "customer", "--format", "csv"],
    )));
    let step = |customer: &str| {
        by_customer
            .iter()
            .find(|r| r["customer_id"] == customer && r["kind"] == "pocket")
            .unwrap()
            .clone()
    };
    let (c1, c3) = (step("C1"), step("C3"));
    assert_eq!(
        (c1["quantity"].as_str(), c1["uom"].as_str()),
        ("9.00", "kg")
    );
    assert_eq!(c1["per_unit"], "8.5000");
    assert_eq!(
        (c3["quantity"].as_str(), c3["status"].as_str()),
        ("", "mixed units")
    );
    let by_product = csv_rows(&ok(&pricebench(
        &db,
        &["waterfall", "--by", "product", "--format", "csv"],
    )));
    let p2 = by_product
        .iter()
        .find(|r| r["product_id"] == "P2" && r["kind"] == "pocket")
        .unwrap();
    assert_eq!(
        (p2["quantity"].as_str(), p2["uom"].as_str()),
        ("2.00", "each")
    );
    assert_eq!(p2["per_unit"], "20.0000");
    let info = ok(&pricebench(&db, &["info", "--format", "csv"]));
    assert!(info.contains("\nquantity,mixed units\n"), "{info}");
    let leakage = csv_rows(&ok(&pricebench(
        &db,
        &["leakage", "--by", "customer", "--format", "csv"],
    )));
    let volume =
        |c: &str| leakage.iter().find(|r| r["customer_id"] == c).unwrap()["volume"].clone();
    assert_eq!((volume("C1").as_str(), volume("C3").as_str()), ("9.00", ""));
}

/// A scenario's segment and total rows over kg and pieces: no summed quantity, no volume
/// change, `mixed units` as their confidence; each cell keeps its own.
#[test]
fn scenario_totals_across_units_show_no_quantity() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let file = dir.path().join("units.toml");
    std::fs::write(&file, "name = \"units\"\n[[price_change]]\npct = 4\n").unwrap();
    let file = file.to_string_lossy().to_string();
    let rows = csv_rows(&ok(&pricebench(
        &db,
        &["scenario", &file, "--format", "csv"],
    )));
    let total = rows.iter().find(|r| r["level"] == "total").unwrap();
    assert_eq!(
        (
            total["quantity_before"].as_str(),
            total["volume_change_pct"].as_str(),
            total["confidence"].as_str()
        ),
        ("", "", "mixed units")
    );
    assert!(!total["revenue_before"].is_empty(), "{total:?}");
    let cells: Vec<_> = rows.iter().filter(|r| r["level"] == "cell").collect();
    assert!(!cells.is_empty());
    assert!(
        cells.iter().all(|c| !c["quantity_before"].is_empty()),
        "{cells:?}"
    );
    // A workspace without units prints its totals' quantity.
    let other = tempfile::tempdir().unwrap();
    let plain = plain_workspace(other.path());
    let rows = csv_rows(&ok(&pricebench(
        &plain,
        &["scenario", &file, "--format", "csv"],
    )));
    let total = rows.iter().find(|r| r["level"] == "total").unwrap();
    assert!(!total["quantity_before"].is_empty(), "{total:?}");
}

/// The HTML report draws no per-unit waterfall for a group over kg and pieces, and its table
/// says why; a segment in one unit keeps its chart.
#[test]
fn the_report_draws_no_per_unit_waterfall_across_units() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let html = dir.path().join("report.html");
    let html_arg = html.to_string_lossy().to_string();
    ok(&pricebench(&db, &["report", "--out", &html_arg]));
    let text = std::fs::read_to_string(&html).unwrap();
    let mixed = "mixed units: no per-unit waterfall";
    assert_eq!(
        text.matches(mixed).count(),
        2,
        "the total and C3's segment (kg and pieces)"
    );
    assert!(text.contains("mixed units</td>"), "the table's status");
}

#[test]
fn without_units_the_waterfall_has_no_uom_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = plain_workspace(dir.path());
    let out = ok(&pricebench(&db, &["waterfall", "--format", "csv"]));
    assert!(!out.contains("uom") && !out.contains("mixed"), "{out}");
}

#[test]
fn money_headers_name_the_reporting_currency() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let table = ok(&pricebench(&db, &["waterfall", "--by", "product"]));
    let header = table.lines().next().unwrap();
    assert!(
        header.contains("per_unit (EUR)") && header.contains("amount (EUR)"),
        "{header}"
    );
    assert!(!header.contains("quantity (EUR)"), "{header}");
    // CSV and JSON keep their column names and carry the currency once per row.
    let csv = ok(&pricebench(&db, &["waterfall", "--format", "csv"]));
    assert_eq!(
        csv.lines().next().unwrap(),
        "segment_id,product_id,customer_id,step,kind,per_unit,pct_of_list,amount,quantity,realization_pct,status,uom,currency"
    );
    assert!(csv_rows(&csv).iter().all(|r| r["currency"] == "EUR"));
    let json = ok(&pricebench(&db, &["leakage", "--format", "json"]));
    let rows: Vec<serde_json::Value> = serde_json::from_str(&json).unwrap();
    assert!(
        rows.iter()
            .all(|r| r["currency"] == "EUR" && r.get("amount").is_some())
    );
    let leakage = ok(&pricebench(&db, &["leakage"]));
    assert!(
        leakage.lines().next().unwrap().contains("amount (EUR)"),
        "{leakage}"
    );
    let info = ok(&pricebench(&db, &["info", "--format", "csv"]));
    assert!(info.contains("\ncurrency,EUR\n"), "{info}");
}

#[test]
fn wtp_psm_and_band_headers_name_the_reporting_currency_too() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let header = |args: &[&str]| -> String {
        let out = ok(&pricebench(&db, args));
        out.lines().next().unwrap_or_default().to_string()
    };
    let wtp = header(&["wtp"]);
    assert!(
        wtp.contains("median_wtp (EUR)") && wtp.contains("max_margin_price (EUR)"),
        "{wtp}"
    );
    // The log-normal model's scale is in ln-price units: not named a currency.
    assert!(
        wtp.contains("scale") && !wtp.contains("scale (EUR)"),
        "{wtp}"
    );
    let psm = header(&["psm"]);
    assert!(
        psm.contains("pmc (EUR)") && psm.contains("pme (EUR)"),
        "{psm}"
    );
    let band = header(&["band", "--show", "outliers"]);
    assert!(band.contains("recoverable_margin (EUR)"), "{band}");
    assert!(!band.contains("pocket_pct (EUR)"), "{band}");
    let csv = ok(&pricebench(&db, &["wtp", "--format", "csv"]));
    assert!(
        csv.lines().next().unwrap().ends_with(",flag,currency"),
        "{csv}"
    );
}

#[test]
fn the_tui_overview_and_realization_name_the_currency() {
    use pricebench::tui::action::Action;
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let ws = pricebench::store::Workspace::open(&db).unwrap();
    let mut h = support::Harness::with(ws, false, 100, 30);
    let screen = h.screen();
    assert!(screen.contains("Revenue (EUR)"), "{screen}");
    h.send(&[Action::ShowView(6)]);
    let screen = h.screen();
    assert!(screen.contains("per unit (EUR), % of list"), "{screen}");
    assert!(
        screen.contains("mixed units: no per-unit waterfall"),
        "{screen}"
    );
    // P1 is in kg, P2 in each: the total and the segments show no summed volume.
    assert!(screen.contains("mixed"), "{screen}");
}

/// A mapping strips the `$` (its `currency` setting) and gives the ISO code as the field
/// `currency`: a constant for one file, a column for the other.
#[test]
fn a_mapping_gives_the_currency_as_a_constant_or_a_column_beside_the_symbol_it_strips() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let m = dir.path().join("m");
    std::fs::create_dir_all(&m).unwrap();
    let columns = "[file.columns]\ntxn_id = \"Id\"\ndate = \"Date\"\ncustomer_id = \"Cust\"\n\
                   product_id = \"Prod\"\nquantity = \"Qty\"\nlist_price = \"Price\"\n";
    std::fs::write(
        m.join("map.toml"),
        format!(
            "[[file]]\nmatch = \"sales_a.csv\"\nkind = \"transactions\"\ncurrency = \"$\"\n{columns}\
             [file.constants]\ncurrency = \"USD\"\n\n\
             [[file]]\nmatch = \"sales_b.csv\"\nkind = \"transactions\"\ncurrency = \"$\"\n{columns}\
             currency = \"Curr\"\n"
        ),
    )
    .unwrap();
    std::fs::write(
        m.join("sales_a.csv"),
        "Id,Date,Cust,Prod,Qty,Price\nS1,2024-01-10,C1,P1,1,$10.00\n",
    )
    .unwrap();
    std::fs::write(
        m.join("sales_b.csv"),
        "Id,Date,Cust,Prod,Qty,Price,Curr\nS2,2024-02-10,C1,P1,1,$10.00,usd\n",
    )
    .unwrap();
    let map = m.join("map.toml");
    ok(&pricebench(
        &db,
        &[
            "import",
            "--map",
            map.to_str().unwrap(),
            m.join("sales_a.csv").to_str().unwrap(),
            m.join("sales_b.csv").to_str().unwrap(),
        ],
    ));
    let list = |id: &str| {
        query_f64(
            &db,
            &format!("SELECT list_price FROM transactions WHERE txn_id = '{id}'"),
        )
    };
    // 10 USD at 0.90 (January) and at 0.80 (from February).
    assert_close(list("S1"), 9.0, 1e-12);
    assert_close(list("S2"), 8.0, 1e-12);
}

/// A flat sales file with a currency column: the derived product takes its lines' currency
/// (converted at the latest rate, as a product); a product in two currencies is refused.
#[test]
fn a_flat_file_derives_products_in_their_lines_currency() {
    let dir = tempfile::tempdir().unwrap();
    let db = workspace(dir.path());
    let m = dir.path().join("m");
    std::fs::create_dir_all(&m).unwrap();
    std::fs::write(
        m.join("map.toml"),
        "[[file]]\nmatch = \"flat*.csv\"\nkind = \"sales\"\n[file.columns]\ntxn_id = \"Id\"\n\
         date = \"Date\"\ncustomer_id = \"Cust\"\nsegment_id = \"Seg\"\nproduct_id = \"Prod\"\n\
         quantity = \"Qty\"\nlist_price = \"Price\"\nunit_cost = \"Cost\"\ncurrency = \"Curr\"\n",
    )
    .unwrap();
    let header = "Id,Date,Cust,Seg,Prod,Qty,Price,Cost,Curr\n";
    std::fs::write(
        m.join("flat.csv"),
        format!("{header}F1,2024-02-10,C9,S1,P9,1,10,5,USD\n"),
    )
    .unwrap();
    let map = m.join("map.toml");
    let import = |file: &str| {
        pricebench(
            &db,
            &[
                "import",
                "--map",
                map.to_str().unwrap(),
                m.join(file).to_str().unwrap(),
            ],
        )
    };
    ok(&import("flat.csv"));
    let product = |col: &str| {
        query_f64(
            &db,
            &format!("SELECT {col} FROM products WHERE product_id = 'P9'"),
        )
    };
    // 10 and 5 USD at the latest USD→EUR rate, 0.80.
    assert_close(product("list_price"), 8.0, 1e-12);
    assert_close(product("unit_cost"), 4.0, 1e-12);
    std::fs::write(
        m.join("flat2.csv"),
        format!("{header}F2,2024-02-10,C8,S1,P8,1,10,5,USD\nF3,2024-02-11,C8,S1,P8,1,10,5,GBP\n"),
    )
    .unwrap();
    let before = std::fs::read(&db).unwrap();
    let err = stderr(&import("flat2.csv"));
    assert_eq!(std::fs::read(&db).unwrap(), before);
    assert_eq!(
        err.replace(&format!("{}/", m.display()), ""),
        "flat2.csv:3: column 'Curr': product 'P8' is priced in 'GBP' here and in 'USD' on line 2; a product derived from a flat file takes its prices from lines in one currency\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
}
