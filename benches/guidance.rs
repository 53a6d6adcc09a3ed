//! Guidance and scoring benchmark: whole-process runs of `pricebench guidance` (every cell) and
//! of `pricebench score` on 1M deals piped through standard input, on a large workspace; prints
//! the best and median of 5 runs and the scoring rate in rows/s.
//!
//! `cargo bench --bench guidance -- DB [DEALS]`: DB defaults to
//! `target/bench-data/bench-10000000.db` (what `cargo bench --bench import` leaves behind), DEALS
//! to 1,000,000. The workspace is only read. The deals (quotes.csv format: the workspace's own
//! customers and products at 40–110 % of list) are written to a temporary file, removed after.

mod common;

use common::{best_median, machine, timed_run};
use pricebench::store::Workspace;
use pricebench::store::guidance::{customer_segments, list_prices};
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const RUNS: usize = 5;

fn main() -> Result<(), String> {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let db = args.first().map(PathBuf::from).unwrap_or_else(|| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/bench-10000000.db")
    });
    let deals: usize = args
        .get(1)
        .and_then(|a| a.replace('_', "").parse().ok())
        .unwrap_or(1_000_000);
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    println!("{}", machine());
    println!("workspace: {}", db.display());
    println!(
        "{:<60} {:>9} {:>10}",
        "command (--format csv)", "best s", "median s"
    );
    for args in [
        &["guidance"][..],
        &["guidance", "--size-bands", "3"],
        &["guidance", "--by", "product"],
    ] {
        let (best, median) = best_median(RUNS, || timed_run(&exe, &db, args))?;
        println!(
            "{:<60} {best:>9.3} {median:>10.3}",
            format!("pricebench {}", args.join(" "))
        );
    }
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    let file = dir.path().join("deals.csv");
    write_deals(&db, &file, deals)?;
    let saved = dir.path().join("guidance.csv");
    let out = Command::new(&exe)
        .arg("--db")
        .arg(&db)
        .args(["guidance", "--format", "csv"])
        .output()
        .map_err(|e| e.to_string())?;
    std::fs::write(&saved, out.stdout).map_err(|e| e.to_string())?;
    let saved_arg = saved.to_string_lossy().to_string();
    for (label, extra) in [
        ("score - (guidance computed from the workspace)", vec![]),
        ("score - --size-bands 3", vec!["--size-bands", "3"]),
        (
            "score - --guidance guidance.csv",
            vec!["--guidance", saved_arg.as_str()],
        ),
    ] {
        let (best, median) = best_median(RUNS, || score_stdin(&exe, &db, &file, &extra))?;
        println!(
            "{:<60} {best:>9.3} {median:>10.3}   {:.0} rows/s (best), {:.0} (median)",
            format!("pricebench {label}, {deals} deals"),
            deals as f64 / best,
            deals as f64 / median
        );
    }
    Ok(())
}

/// Wall-clock seconds of `pricebench score - ARGS --format csv < deals > /dev/null`.
fn score_stdin(exe: &Path, db: &Path, deals: &Path, extra: &[&str]) -> Result<f64, String> {
    let input = std::fs::File::open(deals).map_err(|e| e.to_string())?;
    let started = Instant::now();
    let status = Command::new(exe)
        .arg("--db")
        .arg(db)
        .args(["score", "-"])
        .args(extra)
        .args(["--format", "csv"])
        .stdin(input)
        .stdout(Stdio::null())
        .status()
        .map_err(|e| e.to_string())?;
    status.success().then_some(()).ok_or("score failed")?;
    Ok(started.elapsed().as_secs_f64())
}

/// `n` quotes of the workspace's customers and products at 40–110 % of list (a fixed LCG).
fn write_deals(db: &Path, path: &Path, n: usize) -> Result<(), String> {
    let ws = Workspace::open_existing(db).map_err(|e| e.to_string())?;
    let mut customers: Vec<String> = customer_segments(&ws)
        .map_err(|e| e.to_string())?
        .into_keys()
        .collect();
    let mut products: Vec<(String, f64)> = list_prices(&ws)
        .map_err(|e| e.to_string())?
        .into_iter()
        .collect();
    customers.sort();
    products.sort_by(|a, b| a.0.cmp(&b.0));
    let file = std::fs::File::create(path).map_err(|e| e.to_string())?;
    let mut out = BufWriter::new(file);
    let mut state: u64 = 42;
    let mut next = || {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        state >> 33
    };
    writeln!(
        out,
        "quote_id,date,customer_id,product_id,quantity,quoted_price,won"
    )
    .map_err(|e| e.to_string())?;
    for i in 0..n {
        let c = &customers[next() as usize % customers.len()];
        let (p, list) = &products[next() as usize % products.len()];
        let share = 0.4 + (next() % 7000) as f64 / 10_000.0;
        let quantity = 1 + next() % 500;
        writeln!(
            out,
            "Q{i:08},2025-06-01,{c},{p},{quantity},{:.2},{}",
            list * share,
            next() % 2
        )
        .map_err(|e| e.to_string())?;
    }
    out.flush().map_err(|e| e.to_string())
}
