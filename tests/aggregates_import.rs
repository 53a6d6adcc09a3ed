//! `import --aggregates`: the warehouse SQL (`sql/aggregates.sql`) computes the sums, pricebench
//! loads them into a workspace without lines.
//!
//! 1. The SQL run through SQLite over the sample's lines gives the import's own sums.
//! 2. A workspace built from those sums holds the same tables, and answers every question that
//!    needs only sums as the workspace of lines does (CLI outputs compared).
//! 3. Bad files of sums: exact messages; a failed import changes no byte.
//! 4. What needs lines says so (CLI, store and TUI); whole months work.
//! 5. The same SQL in DuckDB (testdata/aggregates/duckdb_check.py) when its Python package is
//!    there, and a workspace from DuckDB's files.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::Workspace;
use pricebench::store::customer_months::ChunkView;
use pricebench::store::query::{DataTable, PageQuery};
use pricebench::tui::action::Action;
use rusqlite::Connection;
use rusqlite::types::ValueRef;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use support::Harness;

const ROOT: &str = env!("CARGO_MANIFEST_DIR");
/// Half a cent: the most a sum here may differ from the import's own. SQLite's SUM adds with
/// compensation (Kahan–Babuška–Neumaier) and in its own order, the import adds plainly in line
/// order; so the last bits of a sum of doubles differ (by about 1e-10 here), never a cent.
/// Lines, and quantities (whole numbers in the sample), are compared exactly.
const CENT: f64 = 0.005;
const MASTERS: [&str; 6] = [
    "segments.csv",
    "customers.csv",
    "products.csv",
    "quotes.csv",
    "survey.csv",
    "competitors.csv",
];
const SUMS: [&str; 3] = ["agg_week", "agg_customer_month", "agg_list_day"];

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// The error output of a command that must fail.
fn fails(db: &Path, args: &[&str]) -> String {
    let out = run(db, args);
    assert!(
        !out.status.success(),
        "{args:?} succeeded: {}",
        String::from_utf8_lossy(&out.stdout)
    );
    String::from_utf8(out.stderr).unwrap()
}

/// The sample imported as lines, the SQL's results over them as CSV files beside the master
/// files, and a workspace imported from those: built once for every test.
struct Fixture {
    dir: PathBuf,
    lines: PathBuf,
    sums: PathBuf,
    agg: PathBuf,
}

fn fixture() -> &'static Fixture {
    static FIXTURE: OnceLock<Fixture> = OnceLock::new();
    FIXTURE.get_or_init(|| {
        // Under the target directory, emptied at each run (a static is never dropped).
        let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("aggregates_import");
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let lines = dir.join("lines.db");
        ok(&lines, &["import", &format!("{ROOT}/testdata/sample")]);
        let sums = dir.join("sums");
        std::fs::create_dir(&sums).unwrap();
        let conn = with_sql(&lines);
        for view in SUMS {
            export(&conn, view, &sums.join(format!("{view}.csv")));
        }
        for f in MASTERS {
            std::fs::copy(format!("{ROOT}/testdata/sample/{f}"), sums.join(f)).unwrap();
        }
        let agg = dir.join("agg.db");
        ok(&agg, &["import", "--aggregates", sums.to_str().unwrap()]);
        Fixture {
            dir,
            lines,
            sums,
            agg,
        }
    })
}

/// A copy of a workspace, for a test that writes to it (the fixture's stay as built).
fn copy_of(db: &Path) -> PathBuf {
    static N: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let stem = db.file_stem().unwrap().to_str().unwrap();
    let copy = db.with_file_name(format!("{stem}-copy{n}.db"));
    std::fs::copy(db, &copy).unwrap();
    copy
}

/// A connection to the workspace with the SQL's views (temporary: the file is not changed).
fn with_sql(db: &Path) -> Connection {
    let conn = Connection::open(db).unwrap();
    let sql = std::fs::read_to_string(format!("{ROOT}/sql/aggregates.sql")).unwrap();
    conn.execute_batch(&sql).unwrap();
    conn
}

/// A view's rows as a CSV file, every double written in full (the shortest text that reads
/// back as the same double), as a warehouse's export writes them.
fn export(conn: &Connection, view: &str, path: &Path) {
    let mut stmt = conn.prepare(&format!("SELECT * FROM pb_{view}")).unwrap();
    let names: Vec<String> = stmt.column_names().map(str::to_string).collect();
    let mut w = csv::Writer::from_path(path).unwrap();
    w.write_record(&names).unwrap();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        let fields: Vec<String> = (0..names.len())
            .map(|i| match r.get_ref(i).unwrap() {
                ValueRef::Null => String::new(),
                ValueRef::Integer(n) => n.to_string(),
                ValueRef::Real(x) => x.to_string(),
                ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                ValueRef::Blob(_) => panic!("a blob in {view}"),
            })
            .collect();
        w.write_record(&fields).unwrap();
    }
    w.flush().unwrap();
}

/// A value of a row, for comparing tables.
#[derive(Debug, Clone, PartialEq)]
enum V {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

fn rows(conn: &Connection, sql: &str) -> Vec<Vec<V>> {
    let mut stmt = conn.prepare(sql).unwrap();
    let n = stmt.column_count();
    let mut out = Vec::new();
    let mut rows = stmt.query([]).unwrap();
    while let Some(r) = rows.next().unwrap() {
        out.push(
            (0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    ValueRef::Null => V::Null,
                    ValueRef::Integer(x) => V::Int(x),
                    ValueRef::Real(x) => V::Real(x),
                    ValueRef::Text(t) => V::Text(String::from_utf8_lossy(t).into_owned()),
                    ValueRef::Blob(_) => panic!("a blob"),
                })
                .collect(),
        );
    }
    out
}

/// Asserts two tables equal: same rows in the same order, texts and integers exactly, doubles
/// within half a cent (`exact` columns exactly). Returns the largest difference of a double.
fn same_rows(what: &str, a: &[Vec<V>], b: &[Vec<V>], exact: &[usize]) -> f64 {
    assert_eq!(a.len(), b.len(), "{what}: {} rows vs {}", a.len(), b.len());
    let mut worst: f64 = 0.0;
    for (ra, rb) in a.iter().zip(b) {
        assert_eq!(ra.len(), rb.len(), "{what}");
        for (i, (x, y)) in ra.iter().zip(rb).enumerate() {
            let num = |v: &V| match v {
                V::Int(n) => Some(*n as f64),
                V::Real(x) => Some(*x),
                _ => None,
            };
            match (num(x), num(y)) {
                (Some(p), Some(q)) if exact.contains(&i) => {
                    assert_eq!(p, q, "{what}: column {i} of {ra:?} vs {rb:?}")
                }
                (Some(p), Some(q)) => {
                    worst = worst.max((p - q).abs());
                    assert!(
                        (p - q).abs() <= CENT,
                        "{what}: column {i} of {ra:?} vs {rb:?}"
                    );
                }
                _ => assert_eq!(x, y, "{what}: column {i} of {ra:?} vs {rb:?}"),
            }
        }
    }
    worst
}

fn element_columns(conn: &Connection) -> String {
    let names: Vec<String> = rows(conn, "SELECT name FROM elements ORDER BY position")
        .into_iter()
        .map(|r| match &r[0] {
            V::Text(t) => format!("\"{t}\""),
            other => panic!("{other:?}"),
        })
        .collect();
    names.join(", ")
}

/// Every customer × product × month of the chunks, netted as a reader nets them: (lines,
/// quantity, list revenue, cost, then each element by name).
type Months = BTreeMap<(String, String, i32), (i64, Vec<f64>)>;

fn customer_months(conn: &Connection) -> Months {
    let elements: Vec<String> = rows(conn, "SELECT name FROM elements ORDER BY position")
        .into_iter()
        .map(|r| match &r[0] {
            V::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        })
        .collect();
    let mut out: Months = BTreeMap::new();
    let mut stmt = conn.prepare("SELECT data FROM agg_customer_month").unwrap();
    let mut rs = stmt.query([]).unwrap();
    while let Some(r) = rs.next().unwrap() {
        let bytes = r.get_ref(0).unwrap().as_blob().unwrap();
        let view = ChunkView::parse(bytes).unwrap();
        for rec in view.records() {
            let (c, p, m) = rec.key;
            let key = (
                view.customers[c as usize].to_string(),
                view.products[p as usize].to_string(),
                m,
            );
            let e = out.entry(key).or_insert((0, vec![0.0; 3 + elements.len()]));
            e.0 += i64::from(rec.lines);
            for k in 0..3 {
                e.1[k] += rec.number(k);
            }
            for (k, name) in view.elements.iter().enumerate() {
                let at = elements.iter().position(|n| n == name).unwrap();
                e.1[3 + at] += rec.number(3 + k);
            }
        }
    }
    out.retain(|_, v| v.0 != 0);
    out
}

fn month_number(text: &str) -> i32 {
    let y: i32 = text[0..4].parse().unwrap();
    let m: i32 = text[5..7].parse().unwrap();
    y * 12 + m - 1
}

fn same_months(what: &str, a: &Months, b: &Months) -> f64 {
    assert_eq!(a.len(), b.len(), "{what}: customer-months");
    let mut worst: f64 = 0.0;
    for ((ka, va), (kb, vb)) in a.iter().zip(b) {
        assert_eq!(ka, kb, "{what}");
        assert_eq!(va.0, vb.0, "{what}: lines of {ka:?}");
        assert_eq!(va.1[0], vb.1[0], "{what}: quantity of {ka:?}");
        for (x, y) in va.1.iter().zip(&vb.1) {
            worst = worst.max((x - y).abs());
            assert!((x - y).abs() <= CENT, "{what}: {ka:?}: {va:?} vs {vb:?}");
        }
    }
    worst
}

#[test]
fn the_sql_in_sqlite_gives_the_imports_own_sums() {
    let f = fixture();
    let conn = with_sql(&f.lines);
    assert!(
        rows(&conn, "SELECT * FROM pb_rejects").is_empty(),
        "the sample has no line the import refuses"
    );
    let els = element_columns(&conn);
    // agg_week: every column the SQL gives (invoice and pocket revenue are pricebench's).
    let sql = rows(&conn, "SELECT * FROM pb_agg_week ORDER BY 1, 2, 3");
    let own = rows(
        &conn,
        &format!(
            "SELECT segment_id, product_id, period, lines, quantity, list_revenue, cost, {els} \
             FROM agg_week ORDER BY 1, 2, 3"
        ),
    );
    assert_eq!(sql.len(), 10_415);
    let week = same_rows("agg_week", &sql, &own, &[3, 4]);
    // agg_customer_month: the SQL's rows against the chunks the import wrote, netted.
    let mut from_sql: Months = BTreeMap::new();
    for r in rows(&conn, "SELECT * FROM pb_agg_customer_month") {
        let text = |v: &V| match v {
            V::Text(t) => t.clone(),
            other => panic!("{other:?}"),
        };
        let num = |v: &V| match v {
            V::Int(n) => *n as f64,
            V::Real(x) => *x,
            other => panic!("{other:?}"),
        };
        let key = (text(&r[0]), text(&r[1]), month_number(&text(&r[2])));
        let lines = num(&r[3]) as i64;
        assert!(
            from_sql
                .insert(key, (lines, r[4..].iter().map(num).collect()))
                .is_none()
        );
    }
    let own_months = customer_months(&conn);
    assert_eq!(from_sql.len(), 28_498);
    let months = same_months("agg_customer_month", &from_sql, &own_months);
    // agg_list_day: exactly (Σ |quantity| of whole numbers, and counts).
    let sql = rows(&conn, "SELECT * FROM pb_agg_list_day ORDER BY 1, 2, 3");
    let own = rows(&conn, "SELECT * FROM agg_list_day ORDER BY 1, 2, 3");
    assert_eq!(sql, own);
    println!("largest difference of a sum: agg_week {week:.2e}, agg_customer_month {months:.2e}");
}

#[test]
fn a_workspace_from_the_sums_holds_the_same_tables() {
    let f = fixture();
    let lines = Connection::open(&f.lines).unwrap();
    let agg = Connection::open(&f.agg).unwrap();
    assert_eq!(
        rows(&lines, "SELECT * FROM elements ORDER BY position"),
        rows(&agg, "SELECT * FROM elements ORDER BY position")
    );
    for (table, order) in [
        ("segments", "1"),
        ("customers", "1"),
        ("products", "1"),
        ("quotes", "1"),
        ("survey", "1, 3"),
        ("agg_list_day", "1, 2, 3"),
        ("date_range", "1"),
    ] {
        let sql = format!("SELECT * FROM {table} ORDER BY {order}");
        assert_eq!(rows(&lines, &sql), rows(&agg, &sql), "{table}");
    }
    let mut worst: f64 = 0.0;
    for (table, order) in [
        ("agg_week", "1, 2, 3"),
        ("agg_month", "1, 2, 3"),
        ("agg_customer", "1, 2"),
    ] {
        let sql = format!("SELECT * FROM {table} ORDER BY {order}");
        let (a, b) = (rows(&lines, &sql), rows(&agg, &sql));
        assert!(!a.is_empty());
        // lines and quantity exactly; revenue (invoice and pocket derived), cost, elements.
        worst = worst.max(same_rows(table, &a, &b, &[3, 4]));
    }
    worst = worst.max(same_months(
        "agg_customer_month",
        &customer_months(&lines),
        &customer_months(&agg),
    ));
    println!("largest difference of a sum: {worst:.2e}");
    assert_eq!(
        rows(&agg, "SELECT COUNT(*) FROM transactions"),
        vec![vec![V::Int(0)]]
    );
}

/// The fields of a CSV output, for comparing two.
fn records(text: &str) -> Vec<Vec<String>> {
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes());
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

/// Decimal places of a number as printed, or `None` for text.
fn decimals(s: &str) -> Option<(f64, usize)> {
    let v: f64 = s.replace(',', "").parse().ok()?;
    Some((v, s.split_once('.').map_or(0, |(_, d)| d.len())))
}

/// Asserts two command outputs equal, except that a printed number may be one unit off in its
/// last printed place: a value that is exactly halfway at that place (164,158.80 / 1,600 =
/// 102.59925) rounds up or down with the last bit of a sum added in another order, and the
/// workspace of lines is no more right about it than the other. Returns how many fields were
/// so rounded the other way.
fn same_output(what: &str, a: &str, b: &str) -> usize {
    let (ra, rb) = (records(a), records(b));
    assert_eq!(
        ra.len(),
        rb.len(),
        "{what}: {} rows vs {}",
        ra.len(),
        rb.len()
    );
    let mut flips = 0;
    for (x, y) in ra.iter().zip(&rb) {
        assert_eq!(x.len(), y.len(), "{what}: {x:?} vs {y:?}");
        for (p, q) in x.iter().zip(y) {
            if p == q {
                continue;
            }
            match (decimals(p), decimals(q)) {
                (Some((u, d)), Some((v, e)))
                    if d == e && (u - v).abs() <= 1.01 * 0.1f64.powi(d as i32) =>
                {
                    flips += 1
                }
                _ => panic!("{what}: {p:?} vs {q:?} in {x:?} vs {y:?}"),
            }
        }
    }
    flips
}

/// The questions that need only sums, on both workspaces.
fn questions() -> Vec<Vec<String>> {
    let scenario = |name: &str| format!("{ROOT}/scenarios/{name}.toml");
    let list: Vec<Vec<&str>> = vec![
        vec!["waterfall"],
        vec!["waterfall", "--by", "segment"],
        vec!["waterfall", "--by", "segment-product"],
        vec!["waterfall", "--by", "product"],
        vec!["waterfall", "--by", "customer"],
        // Whole months: agg_month, and at customer level the customer-month chunks.
        vec![
            "waterfall",
            "--by",
            "segment-product",
            "--from",
            "2024-03-01",
            "--to",
            "2024-08-31",
        ],
        vec![
            "waterfall",
            "--by",
            "customer",
            "--from",
            "2024-03-01",
            "--to",
            "2025-02-28",
        ],
        // The data end on 2025-12-28: the days after it hold no lines to read.
        vec![
            "waterfall",
            "--by",
            "customer",
            "--from",
            "2025-01-01",
            "--to",
            "2025-12-28",
        ],
        vec!["band"],
        vec!["band", "--by", "segment-product", "--show", "histogram"],
        vec!["band", "--show", "outliers"],
        vec!["band", "--from", "2024-02-01", "--to", "2025-01-31"],
        vec!["leakage"],
        vec!["leakage", "--by", "customer"],
        vec!["leakage", "--by", "correlation"],
        vec!["elasticity"],
        vec!["elasticity", "--period", "month"],
        vec!["elasticity", "--price", "invoice"],
        vec!["elasticity", "--model", "panel"],
        vec!["backtest", "--train-until", "2025-06-30"],
        vec!["bridge"],
        vec!["guidance"],
        vec!["evidence"],
        vec!["wtp"],
        vec!["psm"],
    ];
    let mut out: Vec<Vec<String>> = list
        .into_iter()
        .map(|a| a.into_iter().map(str::to_string).collect())
        .collect();
    for name in ["list-increase", "discount-cleanup", "value-based"] {
        out.push(vec!["scenario".into(), scenario(name)]);
        out.push(vec!["recommend".into(), scenario(name)]);
        out.push(vec!["value".into(), scenario(name)]);
    }
    out
}

/// Both workspaces answer every question that needs only sums alike; `info` also, but for its
/// last import and the line that says the workspace holds aggregates.
fn answers_alike(lines: &Path, agg: &Path) {
    // Copies: elasticity stores its fits in the workspace.
    let (lines, agg) = (&copy_of(lines), &copy_of(agg));
    let strip = |text: String| -> String {
        text.lines()
            .filter(|l| !l.starts_with("last_import") && !l.starts_with("lines,"))
            .map(|l| format!("{l}\n"))
            .collect()
    };
    let info = |db| strip(ok(db, &["info", "--format", "csv"]));
    assert_eq!(info(lines), info(agg));
    assert!(ok(agg, &["info", "--format", "csv"]).contains("lines,none (aggregates only)\n"));
    let (mut fields, mut flips) = (0, 0);
    for q in questions() {
        let mut args: Vec<&str> = q.iter().map(String::as_str).collect();
        args.extend(["--format", "csv"]);
        let (a, b) = (ok(lines, &args), ok(agg, &args));
        assert!(a.lines().count() > 1, "{args:?}: {a}");
        fields += records(&a).iter().map(Vec::len).sum::<usize>();
        flips += same_output(&q.join(" "), &a, &b);
    }
    println!("{fields} fields compared, {flips} rounded the other way at their last place");
    assert!(flips * 1000 <= fields, "{flips} of {fields}");
}

#[test]
fn a_workspace_from_the_sums_answers_as_one_from_lines() {
    let f = fixture();
    answers_alike(&f.lines, &f.agg);
}

/// A copy of the sums directory with `edit` applied to one of its files.
fn edited(name: &str, file: &str, edit: impl Fn(String) -> String) -> PathBuf {
    let f = fixture();
    let dir = f.dir.join(name);
    std::fs::create_dir_all(&dir).unwrap();
    for entry in std::fs::read_dir(&f.sums).unwrap() {
        let path = entry.unwrap().path();
        std::fs::copy(&path, dir.join(path.file_name().unwrap())).unwrap();
    }
    let path = dir.join(file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, edit(text)).unwrap();
    dir
}

/// Replaces the `n`-th line (1-based: the header is 1) of a file's text.
fn with_line(n: usize, line: &str) -> impl Fn(String) -> String {
    let line = line.to_string();
    move |text: String| {
        text.lines()
            .enumerate()
            .map(|(i, l)| {
                if i + 1 == n {
                    line.clone()
                } else {
                    l.to_string()
                }
            })
            .map(|l| format!("{l}\n"))
            .collect()
    }
}

/// A failed import into a copy of the aggregates workspace: its message, and that not a byte
/// of the workspace changed; then the same into a new workspace, which is never created.
fn refused(dir: &Path, extra: &[&str]) -> String {
    let f = fixture();
    let name = dir.file_name().unwrap().to_str().unwrap();
    let db = f.dir.join(format!("{name}.db"));
    std::fs::copy(&f.agg, &db).unwrap();
    let before = std::fs::read(&db).unwrap();
    let mut args = vec!["import", "--aggregates", "--replace"];
    args.extend(extra);
    args.push(dir.to_str().unwrap());
    let err = fails(&db, &args);
    assert_eq!(std::fs::read(&db).unwrap(), before, "{err}");
    let fresh = f.dir.join(format!("{name}-new.db"));
    fails(&fresh, &args);
    assert!(!fresh.exists());
    // Paths as the messages show them: relative to the directory.
    err.replace(&format!("{}/", dir.display()), "")
}

#[test]
fn bad_values_are_named_by_file_line_and_column_and_change_nothing() {
    let dir = edited(
        "bad-values",
        "agg_customer_month.csv",
        with_line(3, "C99999,P0001,2024-01-15,2.5,x,1,2,,0,0,0,0,0,0"),
    );
    assert_eq!(
        refused(&dir, &[]),
        "agg_customer_month.csv:3: column 'month': '2024-01-15' is not the first day of a month (month is written YYYY-MM-01)\n\
         agg_customer_month.csv:3: column 'lines': '2.5' is not a number of lines (a whole number from 1 to 2147483647: a row of sums holds at least one line)\n\
         agg_customer_month.csv:3: column 'quantity': 'x' is not a number\n\
         agg_customer_month.csv:3: column 'customer_id': 'C99999' is not a known customer (not in customers.csv nor in the workspace)\n\
         error: import failed: 4 problem(s); the workspace is unchanged\n"
    );
    let dir = edited(
        "bad-week",
        "agg_week.csv",
        with_line(
            2,
            "SEG-DIS,P0001,2024-01-02,5,762.0,18417.54,8328.66,1264.74,0.0,1820.97,453.94,262.8,126.28,432.93",
        ),
    );
    assert_eq!(
        refused(&dir, &[]),
        "agg_week.csv:2: column 'week': '2024-01-02' is not a Monday (week is the Monday its week starts on, 2024-01-01: the SQL's engine starts weeks on another day?)\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
    let dir = edited(
        "no-segment",
        "agg_week.csv",
        with_line(
            2,
            ",P0001,2024-01-01,5,762.0,18417.54,8328.66,1264.74,0.0,1820.97,453.94,262.8,126.28,-1e13",
        ),
    );
    assert_eq!(
        refused(&dir, &[]),
        "agg_week.csv:2: column 'segment_id': is empty: these are lines of customers that are not in the customers table (the SQL found no segment for them); add them there and run the SQL again\n\
         agg_week.csv:2: column 'off_coop': '-1e13' is out of range (at most 1e12 in absolute value)\n\
         error: import failed: 2 problem(s); the workspace is unchanged\n"
    );
    let dir = edited(
        "bad-day",
        "agg_list_day.csv",
        with_line(2, "P0001,2024-02-30,-24.17,-830.0,0"),
    );
    assert_eq!(
        refused(&dir, &[]),
        "agg_list_day.csv:2: column 'date': '2024-02-30' is not a date (expected YYYY-MM-DD)\n\
         agg_list_day.csv:2: column 'list_price': '-24.17' is negative (prices and costs must be 0 or more)\n\
         agg_list_day.csv:2: column 'quantity': '-830.0' is negative (the sum of |quantity| is 0 or more)\n\
         agg_list_day.csv:2: column 'lines': '0' is not a number of lines (a whole number from 1 to 2147483647: a row of sums holds at least one line)\n\
         error: import failed: 4 problem(s); the workspace is unchanged\n"
    );
}

#[test]
fn files_that_disagree_or_repeat_rows_are_refused() {
    // A repeated row: the key is there twice.
    let dir = edited("twice", "agg_week.csv", |t| {
        let second = t.lines().nth(1).unwrap().to_string();
        format!("{t}{second}\n")
    });
    assert_eq!(
        refused(&dir, &[]),
        "agg_week.csv:10417: segment 'SEG-DIS', product 'P0001', week 2024-01-01 appear on an earlier line too: one row per segment, product and week (was a file exported twice?)\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
    // The same for a customer-month and a list day (rows out of order: looked up).
    let dir = edited("twice-month", "agg_customer_month.csv", |t| {
        let second = t.lines().nth(1).unwrap().to_string();
        format!("{t}{second}\n")
    });
    assert_eq!(
        refused(&dir, &[]),
        "agg_customer_month.csv:28500: customer 'C00002', product 'P0007', month 2024-01-01 appear on an earlier line too: one row per customer, product and month (was a file exported twice?)\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
    let dir = edited("twice-day", "agg_list_day.csv", |t| {
        let second = t.lines().nth(1).unwrap().to_string();
        format!("{t}{second}\n")
    });
    assert_eq!(
        refused(&dir, &[]),
        "agg_list_day.csv:14081: product 'P0001', date 2024-01-01, list price 24.17 appear on an earlier line too: one row per product, day and list price (was a file exported twice?)\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
    // A customer-month left out: its segment × product and product no longer add up.
    let dir = edited("missing-row", "agg_customer_month.csv", |t| {
        t.lines()
            .enumerate()
            .filter(|(i, _)| *i != 1)
            .map(|(_, l)| format!("{l}\n"))
            .collect()
    });
    assert_eq!(
        refused(&dir, &[]),
        "agg_week.csv: segment 'SEG-ENT', product 'P0007': 431 lines here, 430 lines in agg_customer_month.csv (its customers by their segment in customers): the files are not from one run of the SQL over the same tables (customers.csv included), or rows are missing or repeated\n\
         agg_list_day.csv: product 'P0007': 2105 lines here, 2104 lines in agg_customer_month.csv: the files are not from one run of the SQL over the same tables (customers.csv included), or rows are missing or repeated\n\
         error: import failed: 2 problem(s); the workspace is unchanged\n"
    );
    // Another list of elements in one file.
    let dir = edited("elements", "agg_week.csv", |t| {
        t.replacen("off_coop", "off_bonus", 1)
    });
    assert_eq!(
        refused(&dir, &[]),
        "agg_week.csv:1: its element columns are not those of agg_customer_month.csv: it lacks off_coop and has off_bonus; every file of sums comes from one run of the SQL, with one list of elements\n\
         error: import failed: 1 problem(s); the workspace is unchanged\n"
    );
    // A file missing, and transaction lines among the files.
    let dir = edited("missing-file", "agg_week.csv", |t| t);
    std::fs::remove_file(dir.join("agg_week.csv")).unwrap();
    std::fs::copy(
        format!("{ROOT}/testdata/sample/transactions.csv"),
        dir.join("transactions.csv"),
    )
    .unwrap();
    assert_eq!(
        refused(&dir, &[]),
        "transactions.csv: holds transaction lines, which a workspace of aggregates does not keep: leave it out (agg_week.csv, agg_customer_month.csv and agg_list_day.csv hold their sums)\n\
         agg_week.csv: is missing: import --aggregates needs agg_week.csv, agg_customer_month.csv and agg_list_day.csv, the three results of sql/aggregates.sql\n\
         error: import failed: 2 problem(s); the workspace is unchanged\n"
    );
}

#[test]
fn lines_and_sums_never_mix() {
    let f = fixture();
    let copy = |name: &str, from: &Path| {
        let db = f.dir.join(name);
        std::fs::copy(from, &db).unwrap();
        (std::fs::read(&db).unwrap(), db)
    };
    // Sums into a workspace of lines.
    let (before, db) = copy("mix-lines.db", &f.lines);
    let err = fails(&db, &["import", "--aggregates", f.sums.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "{}: holds transaction lines: aggregates go into a workspace of their own (another --db), never beside lines\n\
             error: import failed: 1 problem(s); the workspace is unchanged\n",
            db.display()
        )
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // Sums again without --replace.
    let (before, db) = copy("mix-again.db", &f.agg);
    let err = fails(&db, &["import", "--aggregates", f.sums.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "{}: holds sums already (from an earlier import --aggregates): pass --replace to replace them all with these files\n\
             error: import failed: 1 problem(s); the workspace is unchanged\n",
            db.display()
        )
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // Lines into a workspace of sums.
    let lines = format!("{ROOT}/testdata/sample/transactions.csv");
    let err = fails(&db, &["import", &lines]);
    assert_eq!(
        err,
        format!(
            "{lines}: holds transaction lines, and this workspace holds aggregates only (imported with --aggregates): lines and sums computed elsewhere do not mix; import the lines into a workspace of their own (another --db), or sum them with sql/aggregates.sql and import the result with --aggregates --replace\n\
             error: import failed: 1 problem(s); the workspace is unchanged\n"
        )
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // A customer moved to another segment: the sums by segment would be wrong.
    let moved = f.dir.join("customers_moved.csv");
    std::fs::write(
        &moved,
        "customer_id,segment_id,name,region,channel\nC00002,SEG-SMB,Moved,North,direct\n",
    )
    .unwrap();
    let err = fails(&db, &["import", "--replace", moved.to_str().unwrap()]);
    assert_eq!(
        err,
        format!(
            "{}: moves a customer to another segment, and this workspace holds aggregates only (imported with --aggregates): its sums by segment cannot be recomputed without the lines; run the SQL again with the new segments and import its results with this file (import --aggregates --replace DIR)\n\
             error: import failed: 1 problem(s); the workspace is unchanged\n",
            moved.display()
        )
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
    // Quotes, and master rows that move nothing, are welcome.
    let quotes = format!("{ROOT}/testdata/sample/quotes.csv");
    ok(&db, &["import", "--replace", &quotes]);
}

#[test]
fn replace_swaps_every_sum_and_parts_of_a_file_read_as_one() {
    let f = fixture();
    // Spark writes a directory of part files, each with its header, and a _SUCCESS marker.
    let dir = f.dir.join("spark");
    let parts = dir.join("agg_customer_month");
    std::fs::create_dir_all(&parts).unwrap();
    for file in MASTERS.iter().chain(&["agg_week.csv", "agg_list_day.csv"]) {
        std::fs::copy(f.sums.join(file), dir.join(file)).unwrap();
    }
    let text = std::fs::read_to_string(f.sums.join("agg_customer_month.csv")).unwrap();
    let (header, body) = text.split_once('\n').unwrap();
    let body: Vec<&str> = body.lines().collect();
    for (i, chunk) in body.chunks(10_000).enumerate() {
        let part = format!("{header}\n{}\n", chunk.join("\n"));
        std::fs::write(parts.join(format!("part-{i:05}-x.csv")), part).unwrap();
    }
    std::fs::write(parts.join("_SUCCESS"), "").unwrap();
    std::fs::write(parts.join(".part-00000-x.csv.crc"), "crc").unwrap();
    // Into a copy of the aggregates workspace, replacing its sums.
    let db = f.dir.join("replaced.db");
    std::fs::copy(&f.agg, &db).unwrap();
    let out = ok(
        &db,
        &["import", "--aggregates", "--replace", dir.to_str().unwrap()],
    );
    assert_eq!(
        out.lines()
            .filter(|l| l.contains("into agg_customer_month"))
            .count(),
        3,
        "{out}"
    );
    let a = Connection::open(&f.agg).unwrap();
    let b = Connection::open(&db).unwrap();
    assert_eq!(customer_months(&a), customer_months(&b));
    for table in [
        "agg_week",
        "agg_month",
        "agg_customer",
        "agg_list_day",
        "date_range",
    ] {
        let sql = format!("SELECT * FROM {table} ORDER BY 1, 2, 3");
        let sql = if table == "date_range" {
            format!("SELECT * FROM {table}")
        } else {
            sql
        };
        assert_eq!(rows(&a, &sql), rows(&b, &sql), "{table}");
    }
    // Rows in any order give the same workspace (the SQL's order only makes it faster).
    let shuffled = f.dir.join("shuffled");
    std::fs::create_dir_all(&shuffled).unwrap();
    for file in std::fs::read_dir(&f.sums).unwrap() {
        let path = file.unwrap().path();
        let name = path.file_name().unwrap().to_str().unwrap().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        let text = match SUMS.iter().any(|s| name == format!("{s}.csv")) {
            true => {
                let (header, body) = text.split_once('\n').unwrap();
                let mut rows: Vec<&str> = body.lines().collect();
                // Every other row from the end, then the rest: no order left.
                let (odd, even): (Vec<_>, Vec<_>) =
                    rows.drain(..).enumerate().partition(|(i, _)| i % 2 == 1);
                let rows: Vec<&str> = odd.into_iter().rev().chain(even).map(|(_, r)| r).collect();
                format!("{header}\n{}\n", rows.join("\n"))
            }
            false => text,
        };
        std::fs::write(shuffled.join(&name), text).unwrap();
    }
    let db2 = f.dir.join("shuffled.db");
    ok(
        &db2,
        &["import", "--aggregates", shuffled.to_str().unwrap()],
    );
    let c = Connection::open(&db2).unwrap();
    assert_eq!(customer_months(&a), customer_months(&c));
    for (table, order) in [
        ("agg_week", "1, 2, 3"),
        ("agg_month", "1, 2, 3"),
        ("agg_customer", "1, 2"),
        ("agg_list_day", "1, 2, 3"),
    ] {
        let sql = format!("SELECT * FROM {table} ORDER BY {order}");
        same_rows(table, &rows(&a, &sql), &rows(&c, &sql), &[3, 4]);
    }
    // A dry run checks and writes nothing.
    let before = std::fs::read(&db).unwrap();
    let out = ok(
        &db,
        &[
            "import",
            "--aggregates",
            "--replace",
            "--dry-run",
            dir.to_str().unwrap(),
        ],
    );
    assert!(
        out.ends_with(&format!(
            "dry run: everything checked, nothing written to {}\n",
            db.display()
        )),
        "{out}"
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn what_needs_lines_says_so() {
    let f = fixture();
    let err = fails(&f.agg, &["band", "--basis", "transaction"]);
    assert_eq!(
        err,
        "error: this workspace holds aggregates only (imported with --aggregates); band --basis transaction needs transaction lines\n"
    );
    let err = fails(
        &f.agg,
        &[
            "waterfall",
            "--by",
            "customer",
            "--from",
            "2024-02-03",
            "--to",
            "2025-01-15",
        ],
    );
    assert_eq!(
        err,
        "error: this workspace holds aggregates only (imported with --aggregates); 2024-02-03 to 2025-01-15 covers part of 2024-02 and 2025-01, and their days need transaction lines: whole months work (e.g. 2024-02-01 to 2025-01-31)\n"
    );
    let err = fails(
        &f.agg,
        &["band", "--from", "2024-03-05", "--to", "2024-03-20"],
    );
    assert!(
        err.contains(
            "2024-03-05 to 2024-03-20 covers part of 2024-03, and its days need transaction lines"
        ),
        "{err}"
    );
    let err = fails(
        &f.agg,
        &[
            "bridge",
            "--base",
            "2024-01-01..2024-06-15",
            "--compare",
            "2025-01-01..2025-06-30",
        ],
    );
    assert!(err.contains("this workspace holds aggregates only (imported with --aggregates); 2024-01-01 to 2024-06-15 covers part of 2024-06"), "{err}");
    let err = fails(&f.agg, &["increase"]);
    assert!(err.contains("covers part of"), "{err}");
    // The workspace of lines answers all of them.
    ok(&f.lines, &["band", "--basis", "transaction"]);
    ok(
        &f.lines,
        &[
            "waterfall",
            "--by",
            "customer",
            "--from",
            "2024-02-03",
            "--to",
            "2025-01-15",
        ],
    );
    ok(&f.lines, &["increase"]);
    // The store says why the transactions have no rows; the TUI's Data view shows it.
    let ws = Workspace::open(&f.agg).unwrap();
    let page = pricebench::store::query::page(&ws, DataTable::Transactions, &PageQuery::default())
        .unwrap();
    assert!(page.rows.is_empty());
    let note = "no lines: this workspace holds aggregates only (imported with --aggregates); the transaction lines stay in the warehouse";
    assert_eq!(page.note.as_deref(), Some(note));
    drop(ws);
    let ws = Workspace::open(&copy_of(&f.agg)).unwrap();
    let mut h = Harness::with(ws, false, 160, 30);
    h.send(&[
        Action::ShowView(2),
        Action::NextTable,
        Action::NextTable,
        Action::NextTable,
    ]);
    let screen = h.screen();
    assert!(
        screen.contains("transactions · no lines: this workspace holds aggregates only"),
        "{screen}"
    );
    // The Increase sub-view's windows around each change are days: it says why it is empty.
    h.send(&[Action::ShowView(6), Action::OpenIncrease]);
    let screen = h.screen();
    assert!(
        screen.contains("this workspace holds aggregates only"),
        "{screen}"
    );
    // A workspace of lines keeps its plain "no rows" for an empty filter result, no note.
    let ws = Workspace::open(&f.lines).unwrap();
    let page = pricebench::store::query::page(&ws, DataTable::Transactions, &PageQuery::default())
        .unwrap();
    assert_eq!(page.note, None);
}

#[test]
fn duckdb_runs_the_same_sql_when_it_is_there() {
    let f = fixture();
    let out = f.dir.join("duckdb");
    let script = format!("{ROOT}/testdata/aggregates/duckdb_check.py");
    let run = Command::new("python3")
        .arg(&script)
        .arg("--out")
        .arg(&out)
        .output();
    let Ok(run) = run else {
        println!("skipped: python3 is not installed, so DuckDB's results are not checked");
        return;
    };
    let stdout = String::from_utf8_lossy(&run.stdout).into_owned();
    assert!(
        run.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&run.stderr)
    );
    if stdout.starts_with("skipped") {
        println!("{stdout}");
        return;
    }
    assert!(stdout.trim_end().ends_with(": ok"), "{stdout}");
    println!("{stdout}");
    // DuckDB's own files import, and answer as the workspace of lines does.
    for file in MASTERS {
        std::fs::copy(f.sums.join(file), out.join(file)).unwrap();
    }
    let db = f.dir.join("duckdb.db");
    ok(&db, &["import", "--aggregates", out.to_str().unwrap()]);
    answers_alike(&f.lines, &db);
}
