//! Demand benchmark on a large workspace: whole-process `pricebench elasticity` (fit and store,
//! then the stored results; the cell and the panel model), `backtest` of both models refitted
//! at every month-end of 2025, `wtp` and `psm`; in process, reading the weekly points, the pure
//! elasticity arithmetic in fits per second, and WTP for every segment × product cell. When
//! python3 with statsmodels is there, its per-cell OLS loop runs on the same data for comparison.
//!
//! `cargo bench --bench demand` (10M rows) or `cargo bench --bench demand -- 1000000`.
//! Uses `target/bench-data/bench-N.db` (copy it from another checkout, or let
//! `cargo bench --bench import -- N` make it). The bench writes stored results into it.

mod common;

use common::{machine, timed_run};

use pricebench::model::{ALL_SEGMENTS, fit_elasticity, fit_elasticity_cells, fit_wtp_cells};
use pricebench::store::Workspace;
use pricebench::store::demand::{self, DemandFilter, ElasticitySettings};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

const RUNS: usize = 5;

const COMMANDS: &[(&[&str], usize)] = &[
    (&["elasticity", "--refit"], RUNS),
    (&["elasticity"], RUNS),
    (&["elasticity", "--period", "month", "--refit"], RUNS),
    (&["elasticity", "--model", "panel", "--refit"], RUNS),
    (&["backtest", "--train-until", "2024-12-31", "--rolling"], 3),
    (
        &[
            "backtest",
            "--train-until",
            "2024-12-31",
            "--rolling",
            "--model",
            "cell",
        ],
        3,
    ),
    (&["psm"], RUNS),
    (&["wtp"], 3),
];

fn main() -> Result<(), String> {
    let rows = common::rows_arg();
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let db = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join(format!("target/bench-data/bench-{rows}.db"));
    if !db.exists() {
        return Err(format!(
            "{} is missing: run `cargo bench --bench import -- {rows}` first",
            db.display()
        ));
    }
    println!("{}", machine());
    println!("workspace: {} ({rows} transactions)", db.display());
    println!(
        "{:<55} {:>9} {:>10}",
        "command (--format csv)", "best s", "median s"
    );
    for (args, runs) in COMMANDS {
        let mut times = Vec::with_capacity(*runs);
        for _ in 0..*runs {
            times.push(timed_run(&exe, &db, args)?);
        }
        times.sort_by(f64::total_cmp);
        println!(
            "{:<55} {:>9.3} {:>10.3}",
            format!("pricebench {}", args.join(" ")),
            times[0],
            times[runs / 2]
        );
    }
    in_process(&db)?;
    statsmodels(&db);
    Ok(())
}

fn err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

/// Best of `RUNS` timings of `f`.
fn best<T>(f: &mut dyn FnMut() -> Result<T, String>) -> Result<(f64, T), String> {
    let mut best = f64::INFINITY;
    let mut last = None;
    for _ in 0..RUNS {
        let started = Instant::now();
        last = Some(f()?);
        best = best.min(started.elapsed().as_secs_f64());
    }
    last.map(|v| (best, v)).ok_or_else(|| "no run".to_string())
}

fn in_process(db: &Path) -> Result<(), String> {
    let ws = Workspace::open_existing(db).map_err(err)?;
    let settings = ElasticitySettings::default();
    let (read, cells) = best(&mut || demand::elasticity_cells(&ws, &settings).map_err(err))?;
    let n_points: usize = cells.iter().map(|c| c.points.len()).sum();
    println!(
        "{:<55} {:>9.3}",
        format!(
            "read weekly points: {} cells, {n_points} periods",
            cells.len()
        ),
        read
    );
    // The pure arithmetic: repeat until a second has passed.
    let started = Instant::now();
    let mut fits = 0usize;
    while started.elapsed().as_secs_f64() < 1.0 {
        for c in &cells {
            std::hint::black_box(fit_elasticity(std::hint::black_box(&c.points)));
        }
        fits += cells.len();
    }
    let per_s = fits as f64 / started.elapsed().as_secs_f64();
    println!(
        "{:<55} {:>9.0}",
        "fit_elasticity (OLS + t interval), fits/s", per_s
    );
    let started = Instant::now();
    let mut fits = 0usize;
    while started.elapsed().as_secs_f64() < 1.0 {
        std::hint::black_box(fit_elasticity_cells(std::hint::black_box(&cells)));
        fits += cells.len();
    }
    let per_s = fits as f64 / started.elapsed().as_secs_f64();
    println!(
        "{:<55} {:>9.0}",
        "fit_elasticity_cells (OLS + pooling), fits/s", per_s
    );
    let quotes = demand::quote_cells(&ws, &DemandFilter::default()).map_err(err)?;
    let cells: Vec<_> = quotes
        .into_iter()
        .filter(|c| c.segment_id != ALL_SEGMENTS)
        .collect();
    let n_quotes: usize = cells.iter().map(|c| c.quotes.len()).sum();
    let (wtp, rows) = best(&mut || Ok(fit_wtp_cells(&cells, None)))?;
    let ok = rows.iter().filter(|r| r.fit.median_wtp.is_some()).count();
    println!(
        "{:<55} {:>9.3}",
        format!(
            "WTP, 3 models × {} cells ({n_quotes} quotes, {ok} fits)",
            cells.len()
        ),
        wtp
    );
    let (all, _) = best(&mut || pricebench::analysis::demand::current_wtp(&ws).map_err(err))?;
    println!(
        "{:<55} {:>9.3}",
        "current_wtp (read quotes, all cells incl. '*')", all
    );
    Ok(())
}

fn statsmodels(db: &Path) {
    let script = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("benches/statsmodels_ols.py");
    match Command::new("python3").arg(script).arg(db).output() {
        Ok(out) if out.status.success() => print!("{}", String::from_utf8_lossy(&out.stdout)),
        _ => println!("statsmodels OLS: not run (needs python3 with numpy and statsmodels)"),
    }
}
