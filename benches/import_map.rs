//! Mapped import benchmark: the sample's `transactions.csv` rewritten as an ERP export would
//! have it (renamed columns, `MM/DD/YYYY` dates, thousands separators on quantities and prices
//! of 1,000 and more, quoted), imported with `--map` against the canonical file, in the same
//! run and alternating, each into a workspace that already holds the sample's segments,
//! customers and products (imported just before, untimed). Prints rows/s, peak memory and
//! the mapped / canonical ratio (the target: at least 0.8).
//!
//! `cargo bench --bench import_map` (1M rows) or `cargo bench --bench import_map -- 10000000`.
//! Generated data is kept under `target/bench-data/` and reused.

mod common;

use common::{machine, median, remove_db, run, timed};
use std::io::{BufRead, BufReader, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

const MAP: &str = r#"[[file]]
match = "sales-mapped.csv"
kind = "transactions"
date_format = "%m/%d/%Y"
thousands = ","

[file.columns]
txn_id = "Invoice No"
date = "Invoice Date"
customer_id = "Customer ID"
product_id = "Product"
quantity = "Qty"
list_price = "List Price"
unit_cost = "Unit Cost"
"#;

fn main() -> Result<(), String> {
    let sizes: Vec<u64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.replace('_', "").parse().ok())
        .collect();
    let sizes = if sizes.is_empty() {
        vec![1_000_000]
    } else {
        sizes
    };
    let runs: usize = std::env::var("PRICEBENCH_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(3);
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    println!("{}", machine());
    println!("median of {runs} alternating runs");
    println!(
        "{:>10} {:>22} {:>8} {:>8} {:>12} {:>6}",
        "rows", "import", "seconds", "peak MB", "rows/s", "ratio"
    );
    for rows in sizes {
        let dir = data.join(format!("sample-{rows}"));
        if !dir.join("truth.json").exists() {
            run(Command::new(&exe)
                .args(["sample", "--force", "--rows", &rows.to_string(), "--out"])
                .arg(&dir))?;
        }
        let canonical = dir.join("transactions.csv");
        let mapped = data.join(format!("mapped-{rows}")).join("sales-mapped.csv");
        if !mapped.exists() {
            write_mapped(&canonical, &mapped).map_err(|e| e.to_string())?;
        }
        let map = mapped.with_file_name("map.toml");
        std::fs::write(&map, MAP).map_err(|e| e.to_string())?;
        let db = data.join(format!("bench-map-{rows}.db"));
        let (mut ours, mut theirs) = (Vec::new(), Vec::new());
        for _ in 0..runs {
            for (file, with_map, times) in
                [(&canonical, false, &mut theirs), (&mapped, true, &mut ours)]
            {
                remove_db(&db);
                run(Command::new(&exe)
                    .arg("--db")
                    .arg(&db)
                    .arg("import")
                    .args(["segments.csv", "customers.csv", "products.csv"].map(|f| dir.join(f)))
                    .stdout(Stdio::null()))?;
                let mut cmd = Command::new(&exe);
                cmd.arg("--db").arg(&db).arg("import");
                if with_map {
                    cmd.arg("--map").arg(&map);
                }
                times.push(timed(cmd.arg(file))?);
            }
        }
        remove_db(&db);
        let each = |runs: &[(f64, String)]| {
            let secs: Vec<String> = runs.iter().map(|(s, _)| format!("{s:.2}")).collect();
            secs.join(" ")
        };
        let spread = format!(
            "{rows:>10} runs (s): canonical {} | mapped {}",
            each(&theirs),
            each(&ours)
        );
        let (canon, canon_rss) = median(theirs);
        let (map_s, map_rss) = median(ours);
        let line = |what: &str, secs: f64, rss: &str, ratio: String| {
            println!(
                "{rows:>10} {what:>22} {secs:>8.2} {rss:>8} {:>12.0} {ratio:>6}",
                rows as f64 / secs
            )
        };
        line("canonical", canon, &canon_rss, String::new());
        line("mapped", map_s, &map_rss, format!("{:.2}", canon / map_s));
        println!("{spread}");
    }
    Ok(())
}

/// The canonical file as an ERP export: renamed columns, US dates, grouped thousands.
fn write_mapped(canonical: &Path, mapped: &Path) -> std::io::Result<()> {
    if let Some(dir) = mapped.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let input = BufReader::new(std::fs::File::open(canonical)?);
    let mut out = BufWriter::new(std::fs::File::create(mapped)?);
    let mut lines = input.lines();
    let header = lines.next().transpose()?.unwrap_or_default();
    let renamed = [
        "Invoice No",
        "Invoice Date",
        "Customer ID",
        "Product",
        "Qty",
        "List Price",
        "Unit Cost",
    ];
    let fields: Vec<&str> = header.split(',').collect();
    let head: Vec<&str> = fields
        .iter()
        .enumerate()
        .map(|(i, f)| renamed.get(i).copied().unwrap_or(f))
        .collect();
    writeln!(out, "{}", head.join(","))?;
    for line in lines {
        let line = line?;
        let mut f: Vec<String> = line.split(',').map(str::to_string).collect();
        if let Some(d) = f.get_mut(1)
            && d.len() == 10
        {
            *d = format!("{}/{}/{}", &d[5..7], &d[8..10], &d[0..4]);
        }
        for i in 4..7 {
            if let Some(v) = f.get_mut(i) {
                *v = grouped(v);
            }
        }
        writeln!(out, "{}", f.join(","))?;
    }
    out.flush()
}

/// `1234.5` as `"1,234.5"`; shorter numbers as they are.
fn grouped(v: &str) -> String {
    let (sign, rest) = v.strip_prefix('-').map_or(("", v), |r| ("-", r));
    let (int, frac) = rest
        .split_once('.')
        .map_or((rest, None), |(a, b)| (a, Some(b)));
    if int.len() <= 3 {
        return v.to_string();
    }
    let mut out = String::new();
    for (i, c) in int.chars().enumerate() {
        if i > 0 && (int.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    match frac {
        Some(f) => format!("\"{sign}{out}.{f}\""),
        None => format!("\"{sign}{out}\""),
    }
}
