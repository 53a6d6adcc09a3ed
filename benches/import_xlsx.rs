//! Excel import benchmark: a workbook of N generated lines (default 1M; sheet "Sales", dates as
//! date cells, number cells, an extra column) written by `testdata/excel/make_workbook.py
//! --rows N` into the temp directory, imported with a mapping into a workspace that already
//! holds the masters (imported just before, untimed). Prints seconds, rows/s and peak memory;
//! the target is under 30 s for 1M rows. The workbook is deleted afterwards.
//!
//! `cargo bench --bench import_xlsx` or `cargo bench --bench import_xlsx -- 200000`; needs
//! python3 with openpyxl (`pip install openpyxl`). `PRICEBENCH_XLSX=PATH` reuses a workbook
//! written by the script (kept).

mod common;

use common::{machine, median, remove_db, run, timed};
use std::fmt::Write as _;
use std::path::PathBuf;
use std::process::{Command, Stdio};

const MAP: &str = r#"[[file]]
match = "*.xlsx"
kind = "transactions"
sheet = "Sales"
ignore = ["Sales Rep"]

[file.columns]
date = "Invoice Date"
customer_id = "Customer ID"
product_id = "Product"
quantity = "Qty"
list_price = "List Price"
"#;

fn main() -> Result<(), String> {
    let rows: u64 = std::env::args()
        .skip(1)
        .find_map(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let runs: usize = std::env::var("PRICEBENCH_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(3);
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let tmp = tempfile::tempdir().map_err(|e| e.to_string())?;
    let (book, keep) = match std::env::var("PRICEBENCH_XLSX") {
        Ok(p) => (PathBuf::from(p), true),
        Err(_) => (tmp.path().join(format!("sales-{rows}.xlsx")), false),
    };
    if !keep {
        run(Command::new("python3")
            .arg(root.join("testdata/excel/make_workbook.py"))
            .args(["--rows", &rows.to_string()])
            .arg(&book))?;
    }
    let masters = write_masters(&tmp.path().join("masters")).map_err(|e| e.to_string())?;
    let map = tmp.path().join("map.toml");
    std::fs::write(&map, MAP).map_err(|e| e.to_string())?;
    let db = tmp.path().join("bench.db");
    println!("{}", machine());
    let size = std::fs::metadata(&book).map(|m| m.len()).unwrap_or(0);
    println!(
        "{rows} rows, workbook {:.1} MB, median of {runs} runs",
        size as f64 / 1e6
    );
    let mut times = Vec::new();
    for _ in 0..runs {
        remove_db(&db);
        run(Command::new(&exe)
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(&masters)
            .stdout(Stdio::null()))?;
        let mut cmd = Command::new(&exe);
        cmd.arg("--db")
            .arg(&db)
            .arg("import")
            .arg("--map")
            .arg(&map)
            .arg(&book);
        times.push(timed(&mut cmd)?);
    }
    let each: Vec<String> = times.iter().map(|(s, _)| format!("{s:.2}")).collect();
    let (secs, rss) = median(times);
    println!(
        "xlsx import: {secs:.2} s ({:.0} rows/s), peak {rss} MB; runs (s): {}",
        rows as f64 / secs,
        each.join(" ")
    );
    remove_db(&db);
    if !keep {
        let _ = std::fs::remove_file(&book);
    }
    Ok(())
}

/// One segment, the 5,000 customers and 400 products the script's lines name.
fn write_masters(dir: &std::path::Path) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    std::fs::write(dir.join("segments.csv"), "segment_id,name\nS1,All\n")?;
    let mut customers = String::from("customer_id,segment_id,name\n");
    for i in 0..5000 {
        let _ = writeln!(customers, "C{i:05},S1,Customer {i}");
    }
    std::fs::write(dir.join("customers.csv"), customers)?;
    let mut products = String::from("product_id,name,unit_cost,list_price\n");
    for i in 0..400 {
        let list = 10.0 + f64::from(i) * 1.25;
        let _ = writeln!(products, "P-{i:04},Product {i},{:.2},{list:.2}", list * 0.6);
    }
    std::fs::write(dir.join("products.csv"), products)?;
    Ok(dir.to_path_buf())
}
