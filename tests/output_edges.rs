//! Numbers at the edges on every output path: magnitudes past an i64 (1e19, 1e300, f64::MAX)
//! print as themselves, a zero never prints with a minus sign, non-finite values print as empty,
//! `null` or `–`; on hand-made reports, the export cells, the binary and the TUI.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::cli::Format;
use pricebench::model::recommend::Binding;
use pricebench::report::{Cell, Report};
use pricebench::scenario::pricing::Evidence;
use pricebench::scenario::{Confidence, Estimate, Level, Recommendation, Recommendations};
use pricebench::store::Workspace;
use pricebench::tui::app::App;
use pricebench::tui::worker::Worker;
use pricebench::tui::{start, till_ready};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// (label, value) for every edge a number can take.
const EDGES: [(&str, f64); 12] = [
    ("neg_zero", -0.0),
    ("neg_tiny", -0.004),
    ("big", 1e19),
    ("neg_big", -1e19),
    ("past_i64", 9.3e18),
    ("huge", 1e300),
    ("max", f64::MAX),
    ("subnormal", 5e-324),
    ("nan", f64::NAN),
    ("inf", f64::INFINITY),
    ("neg_inf", f64::NEG_INFINITY),
    ("plain", -1234.5),
];

fn edge_report() -> Report {
    let mut r = Report::new(&["edge", "value"]);
    for (label, value) in EDGES {
        r.push(vec![Cell::Text(label.into()), Cell::money(value)]);
    }
    r
}

fn render(r: &Report, format: Format) -> String {
    let mut out = Vec::new();
    r.write(format, &mut out).unwrap();
    String::from_utf8(out).unwrap()
}

#[test]
fn table_prints_every_edge_number_as_itself() {
    let table = render(&edge_report(), Format::Table);
    let expected = "\
edge       value
neg_zero        0.00
neg_tiny        0.00
big         1.000e19
neg_big    -1.000e19
past_i64    9.300e18
huge       1.000e300
max        1.798e308
subnormal       0.00
nan                –
inf                –
neg_inf            –
plain      -1,234.50
";
    assert_eq!(table, expected);
}

#[test]
fn csv_prints_every_edge_number_as_itself() {
    let csv = render(&edge_report(), Format::Csv);
    let expected = "edge,value\nneg_zero,0.00\nneg_tiny,0.00\nbig,1e19\nneg_big,-1e19\n\
                    past_i64,9.3e18\nhuge,1e300\nmax,1.7976931348623157e308\nsubnormal,0.00\n\
                    nan,\ninf,\nneg_inf,\nplain,-1234.50\n";
    assert_eq!(csv, expected);
    let max: f64 = "1.7976931348623157e308".parse().unwrap();
    assert_eq!(max, f64::MAX);
}

#[test]
fn json_prints_every_edge_number_as_itself() {
    let json = render(&edge_report(), Format::Json);
    let rows: serde_json::Value = serde_json::from_str(&json).unwrap();
    let text: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["value"].to_string())
        .collect();
    let expected = [
        "0.0",
        "0.0",
        "1e+19",
        "-1e+19",
        "9.3e+18",
        "1e+300",
        "1.7976931348623157e+308",
        "0.0",
        "null",
        "null",
        "null",
        "-1234.5",
    ];
    assert_eq!(text, expected);
}

fn recommendation(value: f64) -> Recommendation {
    Recommendation {
        segment_id: "S1".into(),
        product_id: "P1".into(),
        current_list_price: value,
        current_pocket_price: value,
        list_price: value,
        change_pct: value,
        expected_pocket_price: value,
        target_pocket_price: Some(value),
        target_discount_pct: Some(value),
        estimate: Some(Estimate {
            elasticity: value,
            ci_low: value,
            ci_high: value,
            std_error: value,
            df: None,
        }),
        elasticity_flag: None,
        elasticity_model: None,
        wtp_median: Some(value),
        economic_value: Some(value),
        customer_net_price: value,
        capture_ratio: None,
        above_value: false,
        evidence: Evidence {
            volume_change_pct: Some(value),
            pocket_margin_change: Some(value),
            confidence: Confidence::High,
            ..Evidence::default()
        },
        extrapolated: false,
        binding: Binding::None,
        reason: String::new(),
    }
}

/// The export's number fields (columns 3 to 12: prices, change, targets, elasticity) for one
/// recommendation whose numbers are all `value`.
fn export_numbers(value: f64) -> Vec<String> {
    let recs = Recommendations {
        level: Level::SegmentProduct,
        products: Vec::new(),
        cells: vec![recommendation(value)],
        costs: Vec::new(),
    };
    let csv = render(&pricebench::export::segments_report(&recs), Format::Csv);
    let mut rdr = csv::Reader::from_reader(csv.as_bytes());
    let row = rdr.records().next().unwrap().unwrap();
    row.iter().skip(2).take(10).map(str::to_string).collect()
}

#[test]
fn export_cells_print_edge_numbers_as_themselves() {
    // Money to 4 decimals, percentages to 2: list, pocket, list, change %, expected pocket,
    // target pocket, target discount %, elasticity and its interval.
    let four_and_two = |four: &str, two: &str| {
        [four, four, four, two, four, four, two, four, four, four]
            .into_iter()
            .map(str::to_string)
            .collect::<Vec<_>>()
    };
    assert_eq!(export_numbers(-0.0), four_and_two("0.0000", "0.00"));
    assert_eq!(export_numbers(-0.004), four_and_two("-0.0040", "0.00"));
    assert_eq!(export_numbers(-0.00004), four_and_two("0.0000", "0.00"));
    assert_eq!(export_numbers(1e19), four_and_two("1e19", "1e19"));
    assert_eq!(export_numbers(-1e19), four_and_two("-1e19", "-1e19"));
    assert_eq!(export_numbers(f64::MAX), vec!["1.7976931348623157e308"; 10]);
    assert_eq!(export_numbers(f64::NAN), vec![""; 10]);
    assert_eq!(export_numbers(f64::NEG_INFINITY), vec![""; 10]);
}

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
}

fn run(db: &Path, args: &[&str]) -> String {
    let out = bin().arg("--db").arg(db).args(args).output().unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn import(dir: &Path, files: &[(&str, &str)]) -> PathBuf {
    let inputs = dir.join("in");
    std::fs::create_dir_all(&inputs).unwrap();
    for (name, text) in files {
        std::fs::write(inputs.join(name), text).unwrap();
    }
    let db = dir.join("ws.db");
    run(&db, &["import", inputs.to_str().unwrap()]);
    db
}

/// The example: quantity 1e7 × list price 1e12 = list revenue 1e19.
fn big_workspace(dir: &Path) -> PathBuf {
    import(
        dir,
        &[
            ("segments.csv", "segment_id,name\nS1,Ent\n"),
            ("customers.csv", "customer_id,segment_id\nC1,S1\n"),
            (
                "products.csv",
                "product_id,name,unit_cost,list_price\nP1,W,1,1000000000000\n",
            ),
            (
                "transactions.csv",
                "txn_id,date,customer_id,product_id,quantity,list_price\n\
                 T1,2024-01-01,C1,P1,10000000,1000000000000\n",
            ),
        ],
    )
}

fn metric<'a>(table: &'a str, name: &str) -> &'a str {
    table
        .lines()
        .find(|l| l.split_whitespace().next() == Some(name))
        .unwrap_or_else(|| panic!("no {name} in\n{table}"))
}

#[test]
fn info_prints_a_1e19_list_revenue_in_table_csv_and_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = big_workspace(dir.path());
    let table = run(&db, &["info"]);
    assert!(
        metric(&table, "list_revenue").ends_with(" 1.000e19"),
        "{table}"
    );
    assert!(
        metric(&table, "quantity").ends_with(" 10,000,000.00"),
        "{table}"
    );
    let csv = run(&db, &["info", "--format", "csv"]);
    assert!(csv.lines().any(|l| l == "list_revenue,1e19"), "{csv}");
    let json: serde_json::Value =
        serde_json::from_str(&run(&db, &["info", "--format", "json"])).unwrap();
    let list = json
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["metric"] == "list_revenue")
        .unwrap();
    assert_eq!(list["value"].as_f64(), Some(1e19));
}

#[test]
fn tui_overview_shows_a_1e19_list_revenue() {
    let dir = tempfile::tempdir().unwrap();
    let ws = Workspace::open(&big_workspace(dir.path())).unwrap();
    let mut app = App::new(ws.origin());
    let mut worker = Worker::inline(ws);
    start(&mut app, &mut worker, 80, 24);
    assert!(till_ready(&mut app, &mut worker, Duration::from_secs(10)));
    let screen = support::render_screen(&app);
    let line = screen
        .lines()
        .find(|l| l.contains("List revenue"))
        .unwrap_or_else(|| panic!("{screen}"));
    assert!(line.contains("1.000e19"), "{screen}");
    assert!(!screen.contains(" 0.00"), "{screen}");
}

/// A workspace whose sums divide zero by negative volumes: a customer with only a return and no
/// on-invoice discount, a segment whose sales and returns cancel out.
fn returns_workspace(dir: &Path) -> PathBuf {
    import(
        dir,
        &[
            ("segments.csv", "segment_id,name\nS1,Ent\nS2,Small\n"),
            ("customers.csv", "customer_id,segment_id\nC1,S1\nC2,S2\n"),
            (
                "products.csv",
                "product_id,name,unit_cost,list_price\nP1,W,4,10\n",
            ),
            (
                "transactions.csv",
                "txn_id,date,customer_id,product_id,quantity,list_price,on_volume,off_rebate\n\
                 T1,2024-01-01,C1,P1,-10,10,0,1\n\
                 T2,2024-01-02,C2,P1,5,10,0,0\n\
                 T3,2024-01-03,C2,P1,-5,10,0,0\n",
            ),
        ],
    )
}

/// Every CSV field and JSON number that is a zero written with a minus sign.
fn negative_zeros(csv: &str, json: &str) -> Vec<String> {
    let mut found = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .has_headers(false)
        .from_reader(csv.as_bytes());
    for field in rdr
        .records()
        .flat_map(|r| r.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
    {
        let words = field.split([' ', ';']);
        found.extend(
            words
                .filter(|w| is_negative_zero(w))
                .map(|w| format!("csv {w}")),
        );
    }
    let value: serde_json::Value = serde_json::from_str(json).unwrap();
    walk_json(&value, &mut found);
    found
}

fn is_negative_zero(text: &str) -> bool {
    text.starts_with('-') && text.parse::<f64>().is_ok_and(|v| v == 0.0)
}

fn walk_json(value: &serde_json::Value, found: &mut Vec<String>) {
    match value {
        serde_json::Value::Number(n) if is_negative_zero(&n.to_string()) => {
            found.push(format!("json {n}"));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| walk_json(v, found)),
        serde_json::Value::Object(map) => map.values().for_each(|v| walk_json(v, found)),
        _ => {}
    }
}

fn assert_no_negative_zero(db: &Path, args: &[&str]) {
    let csv = run(db, &[args, &["--format", "csv"]].concat());
    let json = run(db, &[args, &["--format", "json"]].concat());
    let found = negative_zeros(&csv, &json);
    assert!(found.is_empty(), "{args:?}: {found:?}\n{csv}");
    let table = run(db, args);
    assert!(
        table.split_whitespace().all(|w| !is_negative_zero(w)),
        "{args:?}:\n{table}"
    );
}

#[test]
fn zero_over_a_negative_volume_prints_without_a_minus_sign() {
    let dir = tempfile::tempdir().unwrap();
    let db = returns_workspace(dir.path());
    for args in [
        &["info"][..],
        &["waterfall"],
        &["waterfall", "--by", "customer"],
        &["leakage"],
        &["band", "--by", "segment-product"],
        &["band", "--basis", "transaction"],
    ] {
        assert_no_negative_zero(&db, args);
    }
}

#[test]
fn sample_commands_print_no_negative_zero() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("sample.db");
    let sample = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/sample");
    run(&db, &["import", sample]);
    let noop = dir.path().join("noop.toml");
    std::fs::write(&noop, "name = \"no change\"\n").unwrap();
    let noop = noop.to_str().unwrap();
    let shipped = |name: &str| format!("{}/scenarios/{name}", env!("CARGO_MANIFEST_DIR"));
    let (cleanup, value) = (
        shipped("discount-cleanup.toml"),
        shipped("value-based.toml"),
    );
    for args in [
        &["scenario", noop][..],
        &["scenario", &cleanup],
        &["scenario", &value],
        &["scenario", noop, "--compare", &cleanup],
        &["recommend", &cleanup],
        &["value", &value],
        &["waterfall", "--by", "segment-product"],
        &["info"],
        &["leakage"],
    ] {
        assert_no_negative_zero(&db, args);
    }
}
