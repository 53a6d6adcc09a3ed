//! Report benchmark: whole-process runs of `pricebench report --out FILE` on a large workspace,
//! without a scenario and with `bundled:list-increase.toml` (value-based.toml needs competitor
//! prices, which the benchmark workspace has none of); prints the best and median of 5 runs,
//! the file's size and the load average before the runs (the machine is shared).
//!
//! `cargo bench --bench report -- DB`: DB defaults to `target/bench-data/bench-10000000.db`
//! (what `cargo bench --bench import` leaves behind). The workspace is only read; the reports
//! go to a temporary directory, removed after.

mod common;

use common::{best_median, machine, run};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

const RUNS: usize = 5;

fn main() -> Result<(), String> {
    let db = std::env::args()
        .skip(1)
        .find(|a| !a.starts_with("--"))
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/bench-10000000.db")
        });
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let dir = tempfile::tempdir().map_err(|e| e.to_string())?;
    println!("{}", machine());
    println!("workspace: {}", db.display());
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!("load average before: {}", load.trim());
    println!(
        "{:<52} {:>9} {:>10} {:>9}",
        "command", "best s", "median s", "KiB"
    );
    for scenario in [None, Some("bundled:list-increase.toml")] {
        let out = dir.path().join("report.html");
        let (best, median) = best_median(RUNS, || timed(&exe, &db, scenario, &out))?;
        let size = std::fs::metadata(&out).map_or(0, |m| m.len()) / 1024;
        let shown = format!(
            "pricebench report {}--out report.html",
            scenario.map_or(String::new(), |s| format!("{s} "))
        );
        println!("{shown:<52} {best:>9.3} {median:>10.3} {size:>9}");
    }
    Ok(())
}

/// Wall-clock seconds of one `pricebench --db DB report [SCENARIO] --out OUT --force`.
fn timed(exe: &Path, db: &Path, scenario: Option<&str>, out: &Path) -> Result<f64, String> {
    let started = Instant::now();
    let mut cmd = Command::new(exe);
    cmd.arg("--db").arg(db).arg("report");
    if let Some(s) = scenario {
        cmd.arg(s);
    }
    run(cmd
        .arg("--out")
        .arg(out)
        .arg("--force")
        .stdout(Stdio::null()))?;
    Ok(started.elapsed().as_secs_f64())
}
