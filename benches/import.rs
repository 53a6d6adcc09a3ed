//! Import benchmark: generates samples with `pricebench sample`, then, in the same run and
//! alternating, imports the transactions file with the release binary and with
//! `sqlite3 .import --csv` into a typed table of the same columns (`txn_id TEXT PRIMARY KEY`,
//! TEXT ids and dates, REAL numbers). Prints rows/s, MB/s, peak memory and the ratio.
//!
//! Then the monthly `--replace`: every line of the file again into a copy of the full
//! workspace, as sent and corrected (one line in 20 with another quantity), against as many
//! new lines (the same file, ids prefixed `Z`, after every id of the sample) into another copy; its ratio is replace time ÷
//! new-lines time (1.00: a replaced line costs what a new one does).
//!
//! The compared step is the same file into the same kind of empty table: pricebench imports
//! `transactions.csv` into a workspace that already holds the sample's segments, customers
//! and products (imported just before, untimed), validating every field and keeping the
//! aggregates; sqlite3 imports it into a fresh database. A whole-directory import (all six
//! files) is timed too, for reference. Each size runs three times (environment
//! `PRICEBENCH_BENCH_RUNS`), alternating the tools, after a `sync`; the median is reported,
//! then every run's time in the order they ran.
//!
//! `cargo bench --bench import` (1M rows) or `cargo bench --bench import -- 1000000 10000000`.
//! Generated data is kept under `target/bench-data/` and reused.

mod common;

use common::{machine, median, remove_db, run, timed};

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

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
    let runs: usize = std::env::var("PRICEBENCH_BENCH_RUNS")
        .ok()
        .and_then(|r| r.parse().ok())
        .filter(|&r| r > 0)
        .unwrap_or(3);
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_pricebench"));
    let data = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data");
    println!("{}", machine());
    println!("median of {runs} alternating runs");
    println!(
        "{:>10} {:>26} {:>8} {:>8} {:>8} {:>12} {:>6}",
        "rows", "tool", "seconds", "MB/s", "peak MB", "rows/s", "ratio"
    );
    for rows in sizes {
        let dir = data.join(format!("sample-{rows}"));
        if !dir.join("truth.json").exists() {
            run(Command::new(&exe)
                .args(["sample", "--force", "--rows", &rows.to_string(), "--out"])
                .arg(&dir))?;
        }
        let csv = dir.join("transactions.csv");
        let mb = std::fs::metadata(&csv).map_err(|e| e.to_string())?.len() as f64 / 1e6;
        let db = data.join(format!("bench-{rows}.db"));
        let sq = data.join(format!("sqlite3-{rows}.db"));
        let (mut ours, mut theirs, mut whole) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            // pricebench: the catalog first (untimed), then the transactions file.
            remove_db(&db);
            run(Command::new(&exe)
                .arg("--db")
                .arg(&db)
                .arg("import")
                .args(["segments.csv", "customers.csv", "products.csv"].map(|f| dir.join(f)))
                .stdout(Stdio::null()))?;
            ours.push(timed(
                Command::new(&exe)
                    .arg("--db")
                    .arg(&db)
                    .arg("import")
                    .arg(&csv),
            )?);
            // sqlite3: the same file into a fresh typed table.
            remove_db(&sq);
            run(Command::new("sqlite3").arg(&sq).arg(typed_table(&csv)?))?;
            let import = format!(".import --csv --skip 1 '{}' t", csv.display());
            theirs.push(timed(Command::new("sqlite3").arg(&sq).arg(import))?);
            // pricebench: the whole directory into a new workspace.
            remove_db(&db);
            whole.push(timed(
                Command::new(&exe)
                    .arg("--db")
                    .arg(&db)
                    .arg("import")
                    .arg(&dir),
            )?);
        }
        remove_db(&sq);
        let each = |runs: &[(f64, String)]| {
            let secs: Vec<String> = runs.iter().map(|(s, _)| format!("{s:.2}")).collect();
            secs.join(" ")
        };
        let spread = format!(
            "{rows:>10} runs (s): pricebench {} | sqlite3 {} | all 6 files {}",
            each(&ours),
            each(&theirs),
            each(&whole)
        );
        let (ours, our_rss) = median(ours);
        let (theirs, their_rss) = median(theirs);
        let (whole, whole_rss) = median(whole);
        let (ours_rate, theirs_rate) = (rows as f64 / ours, rows as f64 / theirs);
        let line = |tool: &str, secs: f64, rss: &str, ratio: String| {
            println!(
                "{rows:>10} {tool:>26} {secs:>8.2} {:>8.1} {rss:>8} {:>12.0} {ratio:>6}",
                mb / secs,
                rows as f64 / secs
            )
        };
        line(
            "pricebench transactions",
            ours,
            &our_rss,
            format!("{:.2}", ours_rate / theirs_rate),
        );
        line("sqlite3 .import", theirs, &their_rss, String::new());
        line("pricebench all 6 files", whole, &whole_rss, String::new());
        println!("{spread}");
        // The monthly workflow's cost: every line sent again with `--replace` (as it was, and
        // corrected: one line in 20 with another quantity), against as many new lines (the same
        // file with other ids), each into a copy of the full workspace.
        let variants = data.join(format!("replace-files-{rows}"));
        let (renamed, corrected) = (variants.join("new"), variants.join("corrected"));
        for d in [&renamed, &corrected] {
            std::fs::create_dir_all(d).map_err(|e| e.to_string())?;
        }
        write_variant(&csv, &renamed.join("transactions.csv"), |_, line| {
            format!("Z{line}")
        })?;
        write_variant(
            &csv,
            &corrected.join("transactions.csv"),
            |i, line| match i % 20 {
                0 => more_quantity(line),
                _ => line.to_string(),
            },
        )?;
        let work = data.join(format!("replace-{rows}.db"));
        let (mut same, mut fixed, mut added) = (Vec::new(), Vec::new(), Vec::new());
        for _ in 0..runs {
            for (file, flag, out) in [
                (csv.clone(), Some("--replace"), &mut same),
                (
                    corrected.join("transactions.csv"),
                    Some("--replace"),
                    &mut fixed,
                ),
                (renamed.join("transactions.csv"), None, &mut added),
            ] {
                remove_db(&work);
                std::fs::copy(&db, &work).map_err(|e| e.to_string())?;
                out.push(timed(
                    Command::new(&exe)
                        .arg("--db")
                        .arg(&work)
                        .arg("import")
                        .args(flag)
                        .arg(file),
                )?);
            }
        }
        remove_db(&work);
        let _ = std::fs::remove_dir_all(&variants);
        let spread = format!(
            "{rows:>10} runs (s): --replace as sent {} | corrected {} | new lines {}",
            each(&same),
            each(&fixed),
            each(&added)
        );
        let (same, same_rss) = median(same);
        let (fixed, fixed_rss) = median(fixed);
        let (added, added_rss) = median(added);
        line(
            "--replace, lines as sent",
            same,
            &same_rss,
            format!("{:.2}", same / added),
        );
        line(
            "--replace, 1 in 20 changed",
            fixed,
            &fixed_rss,
            format!("{:.2}", fixed / added),
        );
        line("as many new lines", added, &added_rss, String::new());
        println!("{spread}");
    }
    Ok(())
}

/// `csv` with each data line `i` (from 0) rewritten by `f`.
fn write_variant(csv: &Path, out: &Path, f: impl Fn(usize, &str) -> String) -> Result<(), String> {
    use std::io::{BufRead, BufWriter, Write};
    let input = std::io::BufReader::new(std::fs::File::open(csv).map_err(|e| e.to_string())?);
    let mut w = BufWriter::new(std::fs::File::create(out).map_err(|e| e.to_string())?);
    for (i, line) in input.lines().enumerate() {
        let line = line.map_err(|e| e.to_string())?;
        let line = if i == 0 { line } else { f(i - 1, &line) };
        writeln!(w, "{line}").map_err(|e| e.to_string())?;
    }
    w.flush().map_err(|e| e.to_string())
}

/// A transactions line with one more unit (the fifth field).
fn more_quantity(line: &str) -> String {
    let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
    if let Some(q) = fields
        .get_mut(4)
        .and_then(|q| q.parse::<f64>().ok().map(|v| (q, v)))
    {
        *q.0 = format!("{}", q.1 + 1.0);
    }
    fields.join(",")
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
