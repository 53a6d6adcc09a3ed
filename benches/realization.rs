//! Realization benchmark: whole-process runs of `pricebench waterfall --by product`, `band` and
//! `leakage` (each for every product) on a large workspace; prints the best and median of 5 runs.
//!
//! Also times, in process, what the TUI's Realization view reads on the worker: its first
//! screen (totals and segments), a drill into the largest segment (its products) and the
//! selection of its largest product (that product's customers).
//!
//! `cargo bench --bench realization` (10M rows) or `cargo bench --bench realization -- 1000000`.
//! Reuses `target/bench-data/bench-N.db` (what `cargo bench --bench import -- N` leaves behind);
//! otherwise generates it with `pricebench sample` and `pricebench import`.

mod common;

use common::{bench_workspace, machine, timed_run};
use pricebench::store::realization::Scope;

use std::path::{Path, PathBuf};
use std::time::Instant;

const RUNS: usize = 5;

const COMMANDS: &[&[&str]] = &[
    &["waterfall", "--by", "product"],
    &["waterfall", "--by", "segment-product"],
    &["band"],
    &["band", "--by", "segment-product", "--show", "outliers"],
    &["leakage"],
    &["leakage", "--by", "customer"],
    &["leakage", "--by", "correlation"],
];

fn main() -> Result<(), String> {
    let rows = common::rows_arg();
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let db = bench_workspace(&exe, rows)?;
    println!("{}", machine());
    println!("workspace: {} ({rows} transactions)", db.display());
    println!(
        "{:<55} {:>9} {:>10}",
        "command (--format csv)", "best s", "median s"
    );
    for args in COMMANDS {
        let (best, median) = common::best_median(RUNS, || timed_run(&exe, &db, args))?;
        println!(
            "{:<55} {best:>9.3} {median:>10.3}",
            format!("pricebench {}", args.join(" "))
        );
    }
    view_reads(&db)
}

/// Best of 5 in-process timings of the Realization view's two reads.
fn view_reads(db: &Path) -> Result<(), String> {
    use pricebench::analysis::realization;
    use pricebench::store::Workspace;
    let ws = Workspace::open_existing(db).map_err(|e| e.to_string())?;
    let best = |f: &mut dyn FnMut() -> Result<(), String>| -> Result<f64, String> {
        let mut best = f64::INFINITY;
        for _ in 0..RUNS {
            let started = Instant::now();
            f()?;
            best = best.min(started.elapsed().as_secs_f64());
        }
        Ok(best)
    };
    let root = realization::realization_root(&ws, &Scope::default()).map_err(|e| e.to_string())?;
    let open = best(&mut || {
        realization::realization_root(&ws, &Scope::default())
            .map(|_| ())
            .map_err(|e| e.to_string())
    })?;
    println!(
        "{:<55} {:>9.3}",
        "TUI Realization view: first screen (in process)", open
    );
    let largest = root
        .segments
        .iter()
        .max_by(|a, b| a.sums.lines.cmp(&b.sums.lines))
        .and_then(|g| g.key.segment_id.clone())
        .unwrap_or_default();
    let drill = best(&mut || {
        realization::segment_detail(&ws, &root.elements, &largest, &Scope::default())
            .map(|_| ())
            .map_err(|e| e.to_string())
    })?;
    println!(
        "{:<55} {:>9.3}",
        format!("TUI Realization view: drill into {largest}"),
        drill
    );
    let detail = realization::segment_detail(&ws, &root.elements, &largest, &Scope::default())
        .map_err(|e| e.to_string())?;
    let product = detail
        .products
        .iter()
        .max_by(|a, b| a.sums.lines.cmp(&b.sums.lines))
        .and_then(|g| g.key.product_id.clone())
        .unwrap_or_default();
    let customers = best(&mut || {
        realization::product_customers(&ws, &root.elements, &largest, &product, &Scope::default())
            .map(|_| ())
            .map_err(|e| e.to_string())
    })?;
    println!(
        "{:<55} {:>9.3}",
        format!("TUI Realization view: select {product} (its customers)"),
        customers
    );
    Ok(())
}
