//! Bridge and increase benchmark: whole-process runs of `pricebench bridge` between the two
//! whole years of the workspace by segment × product (revenue and pocket margin) and of
//! `pricebench increase`; prints the best and median of the runs.
//!
//! `cargo bench --bench bridge` (10M rows) or `cargo bench --bench bridge -- 1000000`.
//! Reads `target/bench-data/bench-N.db` (see `benches/common`: made when missing; the
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
    let db = common::bench_workspace(&exe, rows)?;
    println!("{}", machine());
    println!("workspace: {} ({rows} transactions)", db.display());
    println!(
        "{:<110} {:>9} {:>10}",
        "command (--format csv)", "best s", "median s"
    );
    for args in COMMANDS {
        let (best, median) = common::best_median(RUNS, || timed_run(&exe, &db, args))?;
        println!(
            "{:<110} {best:>9.3} {median:>10.3}",
            format!("pricebench {}", args.join(" "))
        );
    }
    Ok(())
}
