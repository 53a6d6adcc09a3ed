//! The panel model as a user meets it: `pricebench elasticity --model panel` prints its CSV
//! without NaN, stores its results beside the cell model's and marks them stale after an import;
//! its customer-months add up to the monthly aggregates, and stay right through `--replace`; a
//! workspace of schema 4 keeps its stored fits as the cell model's and gains the customer-month
//! sums.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pricebench::model::DemandModel;
use pricebench::store::Workspace;
use pricebench::store::demand::{self, ElasticitySettings, PriceBasis};
use pricebench::store::panel::panel_cells;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn ok(db: &Path, args: &[&str]) -> Output {
    let out = run(db, args);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
    out
}

/// A workspace with a 30k-line realistic sample; returns the sample directory and workspace.
fn sample_workspace(tmp: &Path) -> (PathBuf, PathBuf) {
    let dir = tmp.join("sample");
    let db = tmp.join("w.db");
    let d = dir.to_str().unwrap();
    ok(
        &db,
        &[
            "sample",
            "--world",
            "realistic",
            "--rows",
            "30000",
            "--seed",
            "3",
            "--out",
            d,
        ],
    );
    ok(&db, &["import", d]);
    (dir, db)
}

fn csv_rows(out: &Output) -> (Vec<String>, Vec<Vec<String>>) {
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

#[test]
fn panel_results_print_store_and_go_stale() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db) = sample_workspace(tmp.path());
    let (h, rows) = csv_rows(&ok(
        &db,
        &["elasticity", "--model", "panel", "--format", "csv"],
    ));
    assert_eq!(
        h.join(","),
        "segment_id,product_id,n_periods,elasticity,std_error,ci_low,ci_high,r_squared,pooled_elasticity,flag,model,n_customers"
    );
    assert_eq!(rows.len(), 5 * 24);
    let col = |name: &str| h.iter().position(|c| c == name).unwrap();
    assert!(rows.iter().all(|r| r[col("model")] == "panel"));
    // 30k lines leave the Public sector's cells with few customers; most others are ok.
    let ok_rows = rows.iter().filter(|r| r[col("flag")] == "ok").count();
    assert!(ok_rows >= 40, "{ok_rows} ok");
    for r in &rows {
        let g: usize = r[col("n_customers")].parse().unwrap();
        if r[col("flag")] == "ok" {
            assert!(g >= 10, "{r:?}");
        }
    }
    // Stored beside the cell model's, fresh until the next import.
    let panel = ElasticitySettings::panel(PriceBasis::Pocket);
    let load = |s: &ElasticitySettings| demand::load_elasticity(&Workspace::open(&db).unwrap(), s);
    let stored = load(&panel).unwrap().expect("stored panel fit");
    assert!(!stored.stale && stored.rows.len() == rows.len());
    assert!(load(&ElasticitySettings::default()).unwrap().is_none());
    ok(&db, &["elasticity", "--format", "csv"]);
    let cell = load(&ElasticitySettings::default())
        .unwrap()
        .expect("cell fit");
    assert!(cell.rows.iter().all(|r| r.n_customers.is_none()));
    std::fs::write(
        dir.join("transactions_late.csv"),
        "txn_id,date,customer_id,product_id,quantity,list_price\nX1,2025-12-28,C00001,P0001,3,10\n",
    )
    .unwrap();
    ok(
        &db,
        &[
            "import",
            dir.join("transactions_late.csv").to_str().unwrap(),
        ],
    );
    assert!(load(&panel).unwrap().unwrap().stale);
    let again = ok(&db, &["elasticity", "--model", "panel", "--format", "csv"]);
    assert!(String::from_utf8_lossy(&again.stderr).contains("stale"));
    assert!(!load(&panel).unwrap().unwrap().stale);
}

#[test]
fn weekly_periods_are_refused_for_the_panel_model() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("empty.db");
    drop(Workspace::open(&db).unwrap());
    let out = run(&db, &["elasticity", "--model", "panel", "--period", "week"]);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("--period 'week' does not apply to --model 'panel'"),
        "{stderr}"
    );
}

#[test]
fn customer_months_add_up_to_the_monthly_aggregates() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, db) = sample_workspace(tmp.path());
    let ws = Workspace::open(&db).unwrap();
    for basis in [PriceBasis::Pocket, PriceBasis::Invoice, PriceBasis::List] {
        let cells = panel_cells(&ws, basis).unwrap();
        let mut sums: HashMap<(String, String, i32), (f64, f64)> = HashMap::new();
        for c in &cells {
            for o in &c.obs {
                let key = (c.segment_id.clone(), c.product_id.clone(), o.month);
                let s = sums.entry(key).or_default();
                s.0 += o.quantity;
                s.1 += o.revenue;
            }
        }
        let column = match basis {
            PriceBasis::Pocket => "pocket_revenue",
            PriceBasis::Invoice => "invoice_revenue",
            PriceBasis::List => "list_revenue",
        };
        let sql =
            format!("SELECT segment_id, product_id, period, quantity, {column} FROM agg_month");
        let mut stmt = ws.conn().prepare(&sql).unwrap();
        let agg: Vec<(String, String, String, f64, f64)> = stmt
            .query_map([], |r| {
                Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
            })
            .unwrap()
            .collect::<Result<_, _>>()
            .unwrap();
        assert_eq!(agg.len(), sums.len());
        for (s, p, period, q, rev) in agg {
            let month =
                period[..4].parse::<i32>().unwrap() * 12 + period[5..7].parse::<i32>().unwrap() - 1;
            let (sq, srev) = sums[&(s, p, month)];
            assert!((sq - q).abs() < 1e-6 && (srev - rev).abs() < 1e-6 * rev.abs().max(1.0));
        }
    }
}

/// schema 3 and 4's stored-fit tables, as an older pricebench created them.
const V4_TABLES: &str = "
CREATE TABLE elasticity_run (
    period     TEXT NOT NULL CHECK (period IN ('week', 'month')),
    price      TEXT NOT NULL CHECK (price IN ('pocket', 'invoice', 'list')),
    data_stamp TEXT NOT NULL,
    fitted_at  TEXT NOT NULL,
    seconds    REAL NOT NULL,
    PRIMARY KEY (period, price)
);
CREATE TABLE elasticity_result (
    period            TEXT NOT NULL,
    price             TEXT NOT NULL,
    segment_id        TEXT NOT NULL,
    product_id        TEXT NOT NULL,
    n_periods         INTEGER NOT NULL,
    elasticity        REAL,
    std_error         REAL,
    ci_low            REAL,
    ci_high           REAL,
    r_squared         REAL,
    pooled_elasticity REAL,
    pooled_ci_low     REAL,
    pooled_ci_high    REAL,
    flag              TEXT NOT NULL,
    PRIMARY KEY (period, price, segment_id, product_id)
) WITHOUT ROWID;";

#[test]
fn a_schema_4_workspace_keeps_its_stored_fits_as_the_cell_models() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, db) = sample_workspace(tmp.path());
    ok(&db, &["elasticity", "--format", "csv"]);
    let before = demand::load_elasticity(
        &Workspace::open(&db).unwrap(),
        &ElasticitySettings::default(),
    )
    .unwrap()
    .unwrap();
    let cells_before = panel_cells(&Workspace::open(&db).unwrap(), PriceBasis::Pocket).unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(&format!(
        "CREATE TABLE run AS SELECT period, price, data_stamp, fitted_at, seconds FROM elasticity_run;
         CREATE TABLE result AS SELECT period, price, segment_id, product_id, n_periods, elasticity,
             std_error, ci_low, ci_high, r_squared, pooled_elasticity, pooled_ci_low,
             pooled_ci_high, flag FROM elasticity_result;
         DROP TABLE elasticity_run; DROP TABLE elasticity_result;
         {V4_TABLES}
         INSERT INTO elasticity_run SELECT * FROM run;
         INSERT INTO elasticity_result SELECT * FROM result;
         DROP TABLE run; DROP TABLE result;
         DROP TABLE agg_customer_month; DROP TABLE line_blocks; DROP TABLE agg_list_day;
         DROP TABLE competitor_prices; DROP TABLE settings; DROP TABLE fx_rates;
         ALTER TABLE products DROP COLUMN uom; ALTER TABLE products DROP COLUMN currency;
         ALTER TABLE quotes DROP COLUMN currency;
         PRAGMA user_version = 4;"
    ))
    .unwrap();
    drop(conn);
    let ws = Workspace::open(&db).unwrap();
    let version: i64 = ws
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, pricebench::store::schema::SCHEMA_VERSION);
    let after = demand::load_elasticity(&ws, &ElasticitySettings::default())
        .unwrap()
        .unwrap();
    assert_eq!((after.rows, after.stale), (before.rows, false));
    let panel = ElasticitySettings::panel(PriceBasis::Pocket);
    assert_eq!(panel.model, DemandModel::Panel);
    assert!(demand::load_elasticity(&ws, &panel).unwrap().is_none());
    // Schema 6 computed the customer-month sums from the lines, as the import had.
    let cells_after = panel_cells(&ws, PriceBasis::Pocket).unwrap();
    assert!(cells_after.iter().map(|c| c.obs.len()).sum::<usize>() > 10_000);
    assert_eq!(cells_after, cells_before);
}

#[test]
fn customer_months_stay_right_through_replace() {
    let tmp = tempfile::tempdir().unwrap();
    let (dir, db) = sample_workspace(tmp.path());
    // Replace the first 300 lines: every third moves to the next month, every third doubles
    // its quantity, every third goes to another customer; and add 50 new lines.
    let text = std::fs::read_to_string(dir.join("transactions.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let mut changed = vec![header.to_string()];
    for (i, line) in lines.take(300).enumerate() {
        let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
        match i % 3 {
            0 => f[1] = format!("{}-28", next_month(&f[1][..7])),
            1 => f[4] = (2 * f[4].parse::<i64>().unwrap()).to_string(),
            _ => f[2] = "C00002".to_string(),
        }
        changed.push(f.join(","));
        if i < 50 {
            f[0] = format!("NEW{i}");
            changed.push(f.join(","));
        }
    }
    let replacement = tmp.path().join("replace");
    std::fs::create_dir_all(&replacement).unwrap();
    let file = replacement.join("transactions.csv");
    std::fs::write(&file, changed.join("\n") + "\n").unwrap();
    ok(&db, &["import", "--replace", file.to_str().unwrap()]);
    let ws = Workspace::open(&db).unwrap();
    let chunks: i64 = ws
        .conn()
        .query_row("SELECT count(*) FROM agg_customer_month", [], |r| r.get(0))
        .unwrap();
    assert_eq!(chunks, 2);
    let kept = panel_cells(&ws, PriceBasis::Invoice).unwrap();
    // The same sums computed afresh from the lines now in the table.
    pricebench::store::customer_months::rebuild(ws.conn()).unwrap();
    let fresh = panel_cells(&ws, PriceBasis::Invoice).unwrap();
    assert_eq!(kept.len(), fresh.len());
    let mut n = 0;
    for (a, b) in kept.iter().zip(&fresh) {
        assert_eq!(
            (&a.segment_id, &a.product_id),
            (&b.segment_id, &b.product_id)
        );
        assert_eq!(
            a.obs.len(),
            b.obs.len(),
            "{} {}",
            a.segment_id,
            a.product_id
        );
        for (x, y) in a.obs.iter().zip(&b.obs) {
            assert_eq!((x.customer, x.month), (y.customer, y.month));
            assert!((x.quantity - y.quantity).abs() < 1e-9 * y.quantity.abs().max(1.0));
            assert!((x.revenue - y.revenue).abs() < 1e-9 * y.revenue.abs().max(1.0));
            n += 1;
        }
    }
    assert!(n > 10_000);
}

/// `YYYY-MM` of the month after `YYYY-MM`.
fn next_month(ym: &str) -> String {
    let (y, m): (i32, i32) = (ym[..4].parse().unwrap(), ym[5..7].parse().unwrap());
    match m {
        12 => format!("{}-01", y + 1),
        _ => format!("{y}-{:02}", m + 1),
    }
}

#[test]
fn customer_months_written_in_monthly_chunks_read_as_the_lines_say() {
    use pricebench::sample::{SampleOptions, SampleWorld, generate};
    use pricebench::store::import::{ImportOptions, Source, import};
    // 200k lines: about 100k customer-months, written in a chunk at each change of month once
    // 32,768 have accumulated.
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let opts = SampleOptions {
        rows: 200_000,
        seed: 11,
        world: SampleWorld::Realistic,
    };
    generate(&opts, &dir).unwrap();
    let mut ws = Workspace::open(&tmp.path().join("w.db")).unwrap();
    let sources = ["segments", "customers", "products", "transactions"]
        .iter()
        .map(|n| Source::open(&dir.join(format!("{n}.csv"))).unwrap())
        .collect();
    import(&mut ws, sources, ImportOptions::default()).unwrap();
    let chunks = |ws: &Workspace| -> i64 {
        ws.conn()
            .query_row("SELECT count(*) FROM agg_customer_month", [], |r| r.get(0))
            .unwrap()
    };
    assert!(chunks(&ws) >= 3, "{}", chunks(&ws));
    let imported = panel_cells(&ws, PriceBasis::Pocket).unwrap();
    // Recomputed from the lines in one pass: one chunk.
    pricebench::store::customer_months::rebuild(ws.conn()).unwrap();
    assert_eq!(chunks(&ws), 1);
    let rebuilt = panel_cells(&ws, PriceBasis::Pocket).unwrap();
    assert_eq!(imported, rebuilt);
}
