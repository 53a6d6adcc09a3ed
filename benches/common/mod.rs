//! What the benchmarks share: the machine line, running a command, timing a whole-process run.
#![allow(dead_code)]

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;

/// "machine: CPU model, N cores", for the figures' record.
pub fn machine() -> String {
    let cpu = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .map(|l| l.split(':').nth(1).unwrap_or("").trim().to_string())
        })
        .unwrap_or_default();
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    format!("machine: {cpu}, {cores} cores")
}

/// Runs a command to its end; an error if it cannot start or fails.
pub fn run(cmd: &mut Command) -> Result<(), String> {
    let status = cmd.status().map_err(|e| format!("{cmd:?}: {e}"))?;
    status
        .success()
        .then_some(())
        .ok_or_else(|| format!("{cmd:?} failed"))
}

/// Wall-clock seconds of one whole-process `pricebench --db DB ARGS --format csv` run.
pub fn timed_run(exe: &Path, db: &Path, args: &[&str]) -> Result<f64, String> {
    let started = Instant::now();
    run(Command::new(exe)
        .arg("--db")
        .arg(db)
        .args(args)
        .args(["--format", "csv"])
        .stdout(Stdio::null()))?;
    Ok(started.elapsed().as_secs_f64())
}

/// `target/bench-data/bench-ROWS.db`, the workspace the benchmarks share: reused when there,
/// else made with `pricebench sample` (the realistic world) and `pricebench import`.
pub fn bench_workspace(exe: &Path, rows: u64) -> Result<std::path::PathBuf, String> {
    let data = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    let db = data.join(format!("bench-{rows}.db"));
    if db.exists() {
        return Ok(db);
    }
    let dir = data.join(format!("sample-{rows}"));
    if !dir.join("truth.json").exists() {
        run(Command::new(exe)
            .args(["sample", "--force", "--rows", &rows.to_string(), "--out"])
            .arg(&dir))?;
    }
    run(Command::new(exe)
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&dir))?;
    Ok(db)
}
