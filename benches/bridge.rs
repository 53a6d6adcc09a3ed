//! Bridge and increase benchmark: whole-process runs of `pricebench bridge` between the two
//! whole years of the workspace by segment × product (revenue and pocket margin) and of
//! `pricebench increase`; prints the best and median of the runs.
//!
//! `cargo bench --bench bridge` (10M rows) or `cargo bench --bench bridge -- 1000000`.
//! Reads `target/bench-data/bench-N.db` (made by `cargo bench --bench import -- N`; the
//! realistic sample spans 2024-01-01 to 2025-12-31).

mod common;

use common::{machine, timed_run};
use std::path::PathBuf;

const RUNS: usize = 3;

const COMMANDS: &[&[&str]] = &[
    &[
        "bridge",
        "--base",
        "2024-01-01..2024-12-31",
        "--compare",
        "2025-01-01..2025-12-31",
        "--by",
        "segment-product",
    ],
    &[
        "bridge",
        "--base",
        "2024-01-01..2024-12-31",
        "--compare",
        "2025-01-01..2025-12-31",
        "--by",
        "segment-product",
        "--measure",
        "pocket_margin",
    ],
    &["increase"],
    &["increase", "--show", "customers"],
];

fn main() -> Result<(), String> {
    let rows = common::rows_arg();
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let db = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("target/bench-data")
        .join(format!("bench-{rows}.db"));
    if !db.exists() {
        return Err(format!(
            "{} is missing: run 'cargo bench --bench import -- {rows}' first",
            db.display()
        ));
    }
    println!("{}", machine());
    println!("workspace: {} ({rows} transactions)", db.display());
    println!(
        "{:<110} {:>9} {:>10}",
        "command (--format csv)", "best s", "median s"
    );
    for args in COMMANDS {
        let mut times = Vec::with_capacity(RUNS);
        for _ in 0..RUNS {
            times.push(timed_run(&exe, &db, args)?);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{:<110} {:>9.3} {:>10.3}",
            format!("pricebench {}", args.join(" ")),
            times[0],
            times[RUNS / 2]
        );
    }
    Ok(())
}
