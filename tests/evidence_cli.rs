//! `pricebench evidence` run as a binary on the bundled sample: every method's number is the one
//! its own command prints (waterfall, wtp, psm, value), the elasticity optimum is the closed form
//! c·e/(1+e) of the `elasticity` command's estimate and a cost read from the CSV files, the
//! Van Westendorp bootstrap covers the planted price points, and a disagreement names both
//! methods and the gap.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::collections::HashMap;
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
        assert!(out.status.success(), "{}", stderr(&out));
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

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The CSV of a command as maps from column to field, checking that no word of a field is NaN or
/// inf ("maintenance" in a driver's name is fine).
fn csv_of(args: &[&str]) -> Vec<HashMap<String, String>> {
    let out = pricebench(workspace(), args);
    assert!(out.status.success(), "{args:?}: {}", stderr(&out));
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    r.records()
        .map(|rec| {
            let rec = rec.unwrap();
            for field in rec.iter() {
                let mut words = field.split(|c: char| !c.is_ascii_alphanumeric());
                let bad = |w: &str| ["nan", "inf", "infinity"].contains(&w.to_lowercase().as_str());
                assert!(!words.any(bad), "{field}");
            }
            header
                .iter()
                .cloned()
                .zip(rec.iter().map(str::to_string))
                .collect()
        })
        .collect()
}

/// The number in `column`, or `None` when the field is empty.
fn num(row: &HashMap<String, String>, column: &str) -> Option<f64> {
    let field = &row[column];
    (!field.is_empty()).then(|| field.parse().unwrap())
}

/// Every evidence row keyed by (segment, product, method); disagreements are left out.
fn evidence(args: &[&str]) -> Rows {
    let mut full = vec!["evidence", "--format", "csv"];
    full.extend(args);
    csv_of(&full)
        .into_iter()
        .filter(|r| r["method"] != "disagree")
        .map(|r| {
            let key = (
                r["segment_id"].clone(),
                r["product_id"].clone(),
                r["method"].clone(),
            );
            (key, r)
        })
        .collect()
}

type Rows = HashMap<(String, String, String), HashMap<String, String>>;

/// Every cell's evidence, computed once for the tests that read all cells.
fn all_cells() -> &'static Rows {
    static ROWS: OnceLock<Rows> = OnceLock::new();
    ROWS.get_or_init(|| evidence(&[]))
}

fn key(segment: &str, product: &str, method: &str) -> (String, String, String) {
    (segment.to_string(), product.to_string(), method.to_string())
}

#[test]
fn todays_prices_are_the_waterfalls_of_every_cell() {
    let rows = all_cells();
    let waterfall = csv_of(&["waterfall", "--by", "segment-product", "--format", "csv"]);
    let mut checked = 0;
    for w in &waterfall {
        let method = match w["step"].as_str() {
            "list_price" | "invoice_price" | "pocket_price" => w["step"].clone(),
            _ => continue,
        };
        let e = &rows[&(w["segment_id"].clone(), w["product_id"].clone(), method)];
        assert_close(num(e, "value").unwrap(), num(w, "per_unit").unwrap(), 0.006);
        assert_eq!(e["status"], "ok");
        checked += 1;
    }
    // 120 cells with sales, three levels each.
    assert_eq!(checked, 360);
}

#[test]
fn wtp_numbers_are_the_best_fit_of_the_wtp_command() {
    let rows = all_cells();
    let wtp = csv_of(&["wtp", "--format", "csv"]);
    let best: Vec<_> = wtp
        .iter()
        .filter(|w| w["best"] == "1" && w["segment_id"] != "*" && w["flag"] == "ok")
        .collect();
    assert!(best.len() > 90, "{}", best.len());
    for w in best {
        let (s, p) = (w["segment_id"].as_str(), w["product_id"].as_str());
        let median = &rows[&key(s, p, "wtp_median")];
        assert_eq!(num(median, "value"), num(w, "median_wtp"), "{s} {p}");
        assert_eq!(num(median, "low"), num(w, "ci_low"));
        assert_eq!(num(median, "high"), num(w, "ci_high"));
        assert_eq!(median["interval"], "delta_method");
        let best_price = &rows[&key(s, p, "wtp_max_margin")];
        assert_eq!(num(best_price, "value"), num(w, "max_margin_price"));
        assert_eq!(num(best_price, "low"), None, "a point");
    }
    // SEG-DIS × P0001 has no quotes.
    assert_eq!(
        rows[&key("SEG-DIS", "P0001", "wtp_median")]["status"],
        "no_quotes"
    );
}

#[test]
fn van_westendorp_numbers_are_the_psm_commands() {
    let rows = all_cells();
    let psm = csv_of(&["psm", "--format", "csv"]);
    let cells: Vec<_> = psm.iter().filter(|r| r["segment_id"] != "*").collect();
    assert_eq!(cells.len(), 37);
    for r in cells {
        let (s, p) = (r["segment_id"].as_str(), r["product_id"].as_str());
        let range = &rows[&key(s, p, "psm_range")];
        assert_eq!(num(range, "low"), num(r, "pmc"), "{s} {p}");
        assert_eq!(num(range, "high"), num(r, "pme"));
        assert_eq!(num(range, "value"), None);
        assert_eq!(num(&rows[&key(s, p, "psm_opp")], "value"), num(r, "opp"));
        assert_eq!(num(&rows[&key(s, p, "psm_ipp")], "value"), num(r, "ipp"));
    }
    assert_eq!(
        rows[&key("SEG-DIS", "P0022", "psm_opp")]["status"],
        "no_survey"
    );
}

#[test]
fn van_westendorp_bootstrap_intervals_cover_the_planted_points() {
    let rows = all_cells();
    let truth: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string("testdata/sample/truth.json").unwrap())
            .unwrap();
    for point in ["opp", "ipp"] {
        let (mut cells, mut covered) = (0, 0);
        for cell in truth["cells"].as_array().unwrap() {
            let Some(planted) = cell["psm"][point].as_f64() else {
                continue;
            };
            let (s, p) = (cell["segment_id"].as_str(), cell["product_id"].as_str());
            let row = &rows[&key(s.unwrap(), p.unwrap(), &format!("psm_{point}"))];
            let (lo, hi) = (num(row, "low").unwrap(), num(row, "high").unwrap());
            assert!(lo <= num(row, "value").unwrap() && num(row, "value").unwrap() <= hi);
            cells += 1;
            covered += usize::from(lo <= planted && planted <= hi);
        }
        // 95% intervals over 37 cells: at least 32 (85%) cover the truth.
        assert_eq!(cells, 37);
        assert!(covered >= 32, "{point}: {covered} of {cells}");
    }
}

/// The quantity-weighted unit cost of a segment × product over its lines (returns netted),
/// read from the sample's CSV files.
fn unit_cost(segment: &str, product: &str) -> f64 {
    let mut customers = csv::Reader::from_path("testdata/sample/customers.csv").unwrap();
    let in_segment: std::collections::HashSet<String> = customers
        .records()
        .map(Result::unwrap)
        .filter(|r| &r[1] == segment)
        .map(|r| r[0].to_string())
        .collect();
    let mut lines = csv::Reader::from_path("testdata/sample/transactions.csv").unwrap();
    let (mut q, mut cost) = (0.0, 0.0);
    for r in lines.records().map(Result::unwrap) {
        if &r[3] == product && in_segment.contains(&r[2]) {
            let quantity: f64 = r[4].parse().unwrap();
            q += quantity;
            cost += quantity * r[6].parse::<f64>().unwrap();
        }
    }
    cost / q
}

/// Today's invoice − pocket price per unit of a cell, from the waterfall.
fn off_invoice(segment: &str, product: &str) -> f64 {
    let w = csv_of(&[
        "waterfall",
        "--by",
        "segment-product",
        "--segment",
        segment,
        "--product",
        product,
        "--format",
        "csv",
    ]);
    let level = |step: &str| num(w.iter().find(|r| r["step"] == step).unwrap(), "per_unit");
    level("invoice_price").unwrap() - level("pocket_price").unwrap()
}

/// (estimate, ci_low, ci_high) of a cell from `pricebench elasticity --model MODEL`.
fn elasticity(model: &str, segment: &str, product: &str) -> (f64, f64, f64) {
    let rows = csv_of(&[
        "elasticity",
        "--model",
        model,
        "--segment",
        segment,
        "--product",
        product,
        "--format",
        "csv",
    ]);
    let r = &rows[0];
    let n = |c| num(r, c).unwrap();
    (n("elasticity"), n("ci_low"), n("ci_high"))
}

#[test]
fn elasticity_optimum_is_the_closed_form_on_the_invoice_axis() {
    // Margin (p − c)·p^e peaks at p* = c·e / (1 + e); the axis adds today's off-invoice amount.
    for (model, segment, product) in [("cell", "SEG-DIS", "P0022"), ("panel", "SEG-DIS", "P0022")] {
        let c = unit_cost(segment, product);
        let off = off_invoice(segment, product);
        let (e, lo, hi) = elasticity(model, segment, product);
        let optimum = |e: f64| c * e / (1.0 + e) + off;
        let rows = evidence(&["--segment", segment, "--product", product]);
        let row = &rows[&key(segment, product, &format!("elasticity_optimum_{model}"))];
        assert_eq!(row["status"], "ok", "{row:?}");
        assert_eq!(row["basis"], "from_pocket");
        // The estimates are printed to 4 decimals; p* moves about c/(1+e)² as much (< 5×).
        assert_close(num(row, "value").unwrap(), optimum(e), 0.0002);
        assert_close(num(row, "low").unwrap(), optimum(lo), 0.0002);
        assert_close(num(row, "high").unwrap(), optimum(hi), 0.0002);
    }
}

#[test]
fn an_optimum_beyond_the_observed_prices_gives_the_reason_instead_of_a_number() {
    // SEG-ENT × P0011: e ≈ −1.41 puts p* = c·e/(1+e) above today's list price, so above every
    // pocket price the cell has seen.
    let (e, _, _) = elasticity("cell", "SEG-ENT", "P0011");
    let c = unit_cost("SEG-ENT", "P0011");
    let rows = evidence(&["--segment", "SEG-ENT", "--product", "P0011"]);
    let list = num(&rows[&key("SEG-ENT", "P0011", "list_price")], "value").unwrap();
    assert!(c * e / (1.0 + e) > list, "{e} {c} {list}");
    let row = &rows[&key("SEG-ENT", "P0011", "elasticity_optimum_cell")];
    assert_eq!(row["status"], "at_upper_bound");
    assert_eq!((num(row, "value"), num(row, "low")), (None, None));
    assert!(row["note"].contains("still rises at the top"), "{row:?}");
}

#[test]
fn a_disagreement_names_both_methods_and_the_gap() {
    // SEG-DIS × P0022 on the realistic sample: the cell model, misled by customer mix, puts the
    // optimum below where the panel model and the quotes put it.
    let (segment, product) = ("SEG-DIS", "P0022");
    let (c, off) = (unit_cost(segment, product), off_invoice(segment, product));
    let optimum = |e: f64| c * e / (1.0 + e) + off;
    let (_, _, cell_hi) = elasticity("cell", segment, product);
    let (_, panel_lo, _) = elasticity("panel", segment, product);
    let wtp = csv_of(&[
        "wtp",
        "--segment",
        segment,
        "--product",
        product,
        "--format",
        "csv",
    ]);
    let best = wtp
        .iter()
        .find(|w| w["best"] == "1" && w["segment_id"] == segment)
        .unwrap();
    let rows = csv_of(&[
        "evidence",
        "--segment",
        segment,
        "--product",
        product,
        "--format",
        "csv",
    ]);
    let notes: Vec<_> = rows.iter().filter(|r| r["method"] == "disagree").collect();
    let note = |lower: &str, upper: &str| {
        *notes
            .iter()
            .find(|r| r["lower"] == lower && r["upper"] == upper)
            .unwrap_or_else(|| panic!("no {lower} < {upper} in {notes:?}"))
    };
    let models = note("elasticity_optimum_cell", "elasticity_optimum_panel");
    let gap = optimum(panel_lo) - optimum(cell_hi);
    assert!(gap > 0.0);
    // Printed to 2 decimals.
    assert_close(num(models, "value").unwrap(), gap, 0.006);
    assert_close(num(models, "low").unwrap(), optimum(cell_hi), 0.0002);
    assert_close(num(models, "high").unwrap(), optimum(panel_lo), 0.0002);
    let text = &models["note"];
    assert!(
        text.starts_with("elasticity panel ") && text.contains(" lies above elasticity cell "),
        "{text}"
    );
    let quotes = note("elasticity_optimum_cell", "wtp_median");
    let gap = num(best, "ci_low").unwrap() - optimum(cell_hi);
    assert_close(num(quotes, "value").unwrap(), gap, 0.006);
    // The notes come after the cell's eleven methods.
    assert_eq!(rows.len(), 11 + notes.len());
    assert_eq!(rows[11]["method"], "disagree");
}

#[test]
fn economic_value_comes_from_the_scenario_on_the_invoice_axis() {
    let (segment, product) = ("SEG-ENT", "P0004");
    let without = evidence(&["--segment", segment, "--product", product]);
    assert_eq!(
        without[&key(segment, product, "economic_value")]["status"],
        "no_scenario"
    );
    let file = "scenarios/value-based.toml";
    let rows = evidence(&[
        "--segment",
        segment,
        "--product",
        product,
        "--scenario",
        file,
    ]);
    let value = csv_of(&["value", file, "--format", "csv"]);
    let v = value
        .iter()
        .find(|r| r["segment_id"] == segment && r["product_id"] == product)
        .unwrap();
    // The scenario's baseline is 2025: its invoice price less the customer net price is what
    // the customer gets back off-invoice.
    let w = csv_of(&[
        "waterfall",
        "--by",
        "segment-product",
        "--segment",
        segment,
        "--product",
        product,
        "--from",
        "2025-01-01",
        "--to",
        "2025-12-31",
        "--format",
        "csv",
    ]);
    let invoice = num(
        w.iter().find(|r| r["step"] == "invoice_price").unwrap(),
        "per_unit",
    );
    let returned = invoice.unwrap() - num(v, "customer_net_price").unwrap();
    assert!(returned > 0.0);
    let row = &rows[&key(segment, product, "economic_value")];
    assert_eq!(row["basis"], "from_customer_net");
    assert_close(
        num(row, "value").unwrap(),
        num(v, "economic_value").unwrap() + returned,
        0.0001,
    );
    // A cell the value drivers do not cover says so.
    let other = evidence(&[
        "--segment",
        "SEG-DIS",
        "--product",
        "P0003",
        "--scenario",
        file,
    ]);
    assert_eq!(
        other[&key("SEG-DIS", "P0003", "economic_value")]["status"],
        "no_value_drivers"
    );
}

#[test]
fn unknown_segment_or_product_is_an_error_naming_it() {
    for (flag, id, what) in [
        ("--segment", "SEG-NOPE", "segment"),
        ("--product", "P9999", "product"),
    ] {
        let out = pricebench(workspace(), &["evidence", flag, id]);
        assert!(!out.status.success());
        let err = stderr(&out);
        assert!(err.contains(&format!("unknown {what} '{id}'")), "{err}");
    }
}

#[test]
fn json_carries_the_same_rows_as_csv_with_nulls_for_missing_numbers() {
    let args = ["evidence", "--segment", "SEG-DIS", "--product", "P0003"];
    let out = pricebench(workspace(), &[&args[..], &["--format", "json"]].concat());
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let rows = json.as_array().unwrap();
    let csv = csv_of(&[&args[..], &["--format", "csv"]].concat());
    assert_eq!(rows.len(), csv.len());
    let median = rows.iter().find(|r| r["method"] == "wtp_median").unwrap();
    let from_csv = csv.iter().find(|r| r["method"] == "wtp_median").unwrap();
    assert_eq!(median["value"].as_f64(), num(from_csv, "value"));
    let value = rows
        .iter()
        .find(|r| r["method"] == "economic_value")
        .unwrap();
    assert!(value["value"].is_null() && value["low"].is_null());
    let table = pricebench(workspace(), &args);
    let text = String::from_utf8(table.stdout).unwrap();
    // The header, the rows, and the period of the lines read.
    assert!(text.lines().count() == csv.len() + 2, "{text}");
    assert!(
        text.lines().last().unwrap().starts_with("period: "),
        "{text}"
    );
}
