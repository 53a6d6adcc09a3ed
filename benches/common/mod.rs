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

/// Best and median of `runs` timings of `f` (seconds).
pub fn best_median(
    runs: usize,
    mut f: impl FnMut() -> Result<f64, String>,
) -> Result<(f64, f64), String> {
    let mut times = Vec::with_capacity(runs);
    for _ in 0..runs.max(1) {
        times.push(f()?);
    }
    times.sort_by(f64::total_cmp);
    Ok((times[0], times[times.len() / 2]))
}

/// The number of transaction lines asked for on the command line (`-- 1000000` or
/// `-- 1_000_000`), 10M when none is.
pub fn rows_arg() -> u64 {
    std::env::args()
        .skip(1)
        .find_map(|a| a.replace('_', "").parse().ok())
        .unwrap_or(10_000_000)
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

/// Removes a workspace and its journal.
pub fn remove_db(path: &Path) {
    let _ = std::fs::remove_file(path);
    let _ = std::fs::remove_file(path.with_extension("db-journal"));
}

/// The median run's seconds, and the largest peak memory seen.
pub fn median(mut runs: Vec<(f64, String)>) -> (f64, String) {
    let peak = runs
        .iter()
        .filter_map(|(_, rss)| rss.parse::<f64>().ok())
        .fold(None, |m: Option<f64>, v| Some(m.map_or(v, |m| m.max(v))))
        .map_or("-".to_string(), |v| format!("{v:.0}"));
    runs.sort_by(|a, b| a.0.total_cmp(&b.0));
    (runs[runs.len() / 2].0, peak)
}

/// Wall-clock seconds and peak resident MB (via /usr/bin/time when present). Dirty pages
/// left by the previous run (a few GB at 10M lines) are flushed first, untimed, so that no run
/// pays for the disk writes of the one before it.
pub fn timed(cmd: &mut Command) -> Result<(f64, String), String> {
    let _ = Command::new("sync").status();
    let rss_file =
        std::env::temp_dir().join(format!("pricebench-bench-rss-{}", std::process::id()));
    let use_time = Path::new("/usr/bin/time").exists();
    let mut full = if use_time {
        let mut c = Command::new("/usr/bin/time");
        c.arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&rss_file)
            .arg(cmd.get_program())
            .args(cmd.get_args());
        c
    } else {
        Command::new(cmd.get_program())
    };
    if !use_time {
        full.args(cmd.get_args());
    }
    full.stdout(Stdio::null()).stderr(Stdio::null());
    let started = Instant::now();
    run(&mut full)?;
    let seconds = started.elapsed().as_secs_f64();
    let rss = std::fs::read_to_string(&rss_file)
        .ok()
        .and_then(|s| s.trim().lines().last()?.parse::<f64>().ok())
        .map_or("-".to_string(), |kb| format!("{:.0}", kb / 1024.0));
    let _ = std::fs::remove_file(&rss_file);
    Ok((seconds, rss))
}
