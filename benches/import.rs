//! Import benchmark: generates samples with `pricebench sample`, imports them with the release
//! binary, and imports the same transactions file with `sqlite3 .import --csv` into a typed
//! table of the same columns in the same run; prints rows/s, MB/s, peak memory and the ratio.
//!
//! `cargo bench --bench import` (1M rows) or `cargo bench --bench import -- 1000000 10000000`.
//! Generated data is kept under `target/bench-data/` and reused.

mod common;

use common::{machine, run};

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

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
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    println!("{}", machine());
    println!(
        "{:>10} {:>12} {:>10} {:>8} {:>9} {:>12} {:>10} {:>6}",
        "rows", "tool", "seconds", "MB/s", "peak MB", "rows/s", "", "ratio"
    );
    for rows in sizes {
        let dir = data.join(format!("sample-{rows}"));
        if !dir.join("truth.json").exists() {
            run(Command::new(&exe)
                .args(["sample", "--rows", &rows.to_string(), "--out"])
                .arg(&dir))?;
        }
        let csv = dir.join("transactions.csv");
        let mb = std::fs::metadata(&csv).map_err(|e| e.to_string())?.len() as f64 / 1e6;
        let db = data.join(format!("bench-{rows}.db"));
        let _ = std::fs::remove_file(&db);
        let (ours, our_rss) = timed(
            Command::new(&exe)
                .arg("--db")
                .arg(&db)
                .arg("import")
                .arg(&dir),
        )?;
        let sq = data.join(format!("sqlite3-{rows}.db"));
        let _ = std::fs::remove_file(&sq);
        run(Command::new("sqlite3").arg(&sq).arg(typed_table(&csv)?))?;
        let import = format!(".import --csv --skip 1 '{}' t", csv.display());
        let (theirs, their_rss) = timed(Command::new("sqlite3").arg(&sq).arg(import))?;
        let (ours_rate, theirs_rate) = (rows as f64 / ours, rows as f64 / theirs);
        println!(
            "{rows:>10} {:>12} {ours:>10.2} {:>8.1} {:>9} {ours_rate:>12.0} {:>10} {:>6.2}",
            "pricebench",
            mb / ours,
            our_rss,
            "",
            ours_rate / theirs_rate
        );
        println!(
            "{rows:>10} {:>12} {theirs:>10.2} {:>8.1} {:>9} {theirs_rate:>12.0}",
            "sqlite3",
            mb / theirs,
            their_rss
        );
        let _ = std::fs::remove_file(&sq);
    }
    Ok(())
}

/// `CREATE TABLE t (...)` with the transactions file's columns: text ids and dates, REAL numbers.
fn typed_table(csv: &Path) -> Result<String, String> {
    let text = std::fs::read(csv).map_err(|e| e.to_string())?;
    let header = text.split(|&b| b == b'\n').next().unwrap_or_default();
    let columns: Vec<String> = String::from_utf8_lossy(header)
        .trim()
        .split(',')
        .map(|c| match c {
            "txn_id" => "txn_id TEXT PRIMARY KEY".to_string(),
            "date" | "customer_id" | "product_id" => format!("{c} TEXT"),
            other => format!("{other} REAL"),
        })
        .collect();
    Ok(format!("CREATE TABLE t ({});", columns.join(", ")))
}

/// Wall-clock seconds and peak resident MB (via /usr/bin/time when present).
fn timed(cmd: &mut Command) -> Result<(f64, String), String> {
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
    full.stdout(std::process::Stdio::null());
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
