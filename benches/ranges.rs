//! Day-range benchmark (issue: every question fast at 10M lines): whole-process runs of the
//! realization, bridge and increase commands over ranges that cut months at both ends, a
//! quarter to date and whole months, each beside DuckDB (its Python package, one thread, the
//! same lines in a DuckDB file) answering the same question in the same run. Best and median
//! of 3 runs, in seconds. DuckDB's side is skipped with a message when `import duckdb` fails.
//!
//! `cargo bench --bench ranges` (10M rows) or `cargo bench --bench ranges -- 1000000`. Reuses
//! `target/bench-data/bench-N.db` (see `benches/common`); the DuckDB file is built next to it
//! once by `benches/duckdb_ranges.py build`.

mod common;

use common::{bench_workspace, best_median, machine, run, timed_run};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const RUNS: usize = 3;

/// (label, from, to)
const RANGES: &[(&str, &str, &str)] = &[
    ("3 Feb – 15 Jan", "2024-02-03", "2025-01-15"),
    ("quarter to date", "2024-10-01", "2024-11-18"),
    ("whole months", "2024-03-01", "2024-05-31"),
];

/// (pricebench arguments before the range, the DuckDB question or "")
const QUESTIONS: &[(&[&str], &str)] = &[
    (&["waterfall", "--by", "customer"], "waterfall-customer"),
    (
        &["waterfall", "--by", "segment-product"],
        "waterfall-segment-product",
    ),
    (&["band"], "band"),
    (&["leakage", "--by", "customer"], ""),
    (&["band", "--basis", "transaction"], "band-transaction"),
    (&["guidance"], ""),
];

fn main() -> Result<(), String> {
    let rows = common::rows_arg();
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let db = bench_workspace(&exe, rows)?;
    // The first open migrates an older workspace: not part of any timing.
    run(Command::new(&exe)
        .arg("--db")
        .arg(&db)
        .arg("info")
        .stdout(Stdio::null()))?;
    let duck = duckdb(&db);
    println!("{}", machine());
    println!("workspace: {} ({rows} transactions)", db.display());
    if let Err(why) = &duck {
        println!("DuckDB: skipped ({why})");
    }
    println!(
        "{:<48} {:<16} {:>8} {:>8} {:>8} {:>8}",
        "question (--format csv)", "range", "pb best", "pb med", "duck best", "duck med"
    );
    for (label, from, to) in RANGES {
        for (args, question) in QUESTIONS {
            let mut all: Vec<&str> = args.to_vec();
            all.extend(["--from", from, "--to", to]);
            let ours = best_median(RUNS, || timed_run(&exe, &db, &all))?;
            let theirs = match (&duck, question.is_empty()) {
                (Ok(file), false) => {
                    Some(best_median(RUNS, || duck_run(file, question, &[from, to]))?)
                }
                _ => None,
            };
            print_row(&args.join(" "), label, ours, theirs);
        }
    }
    // The bridge: the first half of the long range against the second.
    let bridge = [
        "bridge",
        "--base",
        "2024-02-03..2024-08-15",
        "--compare",
        "2024-08-16..2025-01-15",
    ];
    let ours = best_median(RUNS, || timed_run(&exe, &db, &bridge))?;
    let theirs = match &duck {
        Ok(file) => Some(best_median(RUNS, || {
            duck_run(
                file,
                "bridge",
                &["2024-02-03", "2024-08-15", "2024-08-16", "2025-01-15"],
            )
        })?),
        Err(_) => None,
    };
    print_row(
        "bridge (customer × product pairs)",
        "two half-years",
        ours,
        theirs,
    );
    let ours = best_median(RUNS, || timed_run(&exe, &db, &["increase"]))?;
    print_row(
        "increase (every list change, 30-day windows)",
        "all",
        ours,
        None,
    );
    Ok(())
}

fn print_row(question: &str, range: &str, ours: (f64, f64), theirs: Option<(f64, f64)>) {
    let duck = theirs.map_or(format!("{:>8} {:>8}", "-", "-"), |(b, m)| {
        format!("{b:>8.3} {m:>8.3}")
    });
    println!(
        "{:<48} {:<16} {:>8.3} {:>8.3} {duck}",
        question, range, ours.0, ours.1
    );
}

fn script() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("benches/duckdb_ranges.py")
}

/// The DuckDB file beside the workspace (built once), or why DuckDB is not compared.
fn duckdb(db: &Path) -> Result<PathBuf, String> {
    let probe = Command::new("python3")
        .args(["-c", "import duckdb"])
        .stderr(Stdio::null())
        .status();
    if !probe.is_ok_and(|s| s.success()) {
        return Err("python3 cannot import duckdb; pip install duckdb to compare".into());
    }
    let file = db.with_extension("duckdb");
    if !file.exists() {
        run(Command::new("python3")
            .arg(script())
            .arg("build")
            .arg(db)
            .arg(&file))?;
    }
    Ok(file)
}

/// Wall-clock seconds of one whole-process DuckDB answer.
fn duck_run(file: &Path, question: &str, dates: &[&str]) -> Result<f64, String> {
    let started = Instant::now();
    run(Command::new("python3")
        .arg(script())
        .arg(question)
        .arg(file)
        .args(dates)
        .stdout(Stdio::null()))?;
    Ok(started.elapsed().as_secs_f64())
}
