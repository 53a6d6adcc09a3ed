//! Concurrency as a tested property: imports against looping readers (CLI commands, a second
//! import, a TUI worker in this process), and two first imports racing for one new path. Every
//! round asserts an intact workspace and all-or-nothing imports.
//!
//! `PRICEBENCH_TORTURE_ROUNDS=N` runs N rounds of each (default 3, about a minute in all on
//! a debug build); `PRICEBENCH_TORTURE_LINES` sets the size of each import (default 150,000
//! lines, enough to outgrow the import's page cache, so that it holds the workspace
//! exclusively for most of its run, and to give readers a wide commit window).
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::Workspace;
use pricebench::tui::view::View;
use pricebench::tui::worker::{Answer, Job, Request, Response, Worker};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::thread::JoinHandle;
use std::time::Duration;

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(default)
}

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// The sample's six files in `dir`, with `lines` transaction lines.
fn sample(dir: &Path, lines: usize) -> PathBuf {
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .args(["sample", "--out"])
        .arg(dir)
        .args(["--rows", &lines.to_string(), "--seed", "11"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out.stderr));
    std::fs::remove_file(dir.join("truth.json")).unwrap();
    dir.to_path_buf()
}

/// The sample's transactions with every txn_id prefixed, so they import as new lines; with
/// `bad`, the last line has an impossible date, so the whole file must be refused.
fn renamed_lines(sample: &Path, prefix: &str, dir: &Path, bad: bool) -> PathBuf {
    std::fs::create_dir_all(dir).unwrap();
    let all = std::fs::read_to_string(sample.join("transactions.csv")).unwrap();
    let mut out = String::with_capacity(all.len() + all.len() / 8);
    let mut lines = all.lines();
    out.push_str(lines.next().unwrap());
    out.push('\n');
    for line in lines {
        out.push_str(prefix);
        out.push_str(line);
        out.push('\n');
    }
    if bad {
        let last = out.trim_end().rsplit('\n').next().unwrap().to_string();
        let fields: Vec<&str> = last.split(',').collect();
        let broken = format!("{}X,2024-13-01,{}\n", fields[0], fields[2..].join(","));
        out.push_str(&broken);
    }
    let path = dir.join("transactions.csv");
    std::fs::write(&path, out).unwrap();
    path
}

fn count(db: &Path, table: &str) -> i64 {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

fn integrity(db: &Path) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap()
}

/// Lines of stderr that are not the notice of a wait.
fn unexpected_stderr(out: &Output) -> Vec<String> {
    text(&out.stderr)
        .lines()
        .filter(|l| !l.starts_with("waiting for another process"))
        .map(str::to_string)
        .collect()
}

/// A CLI command run over and over until `stop`; every run's output is kept.
fn cli_reader(
    db: PathBuf,
    args: &'static [&'static str],
    stop: Arc<AtomicBool>,
) -> JoinHandle<Vec<Output>> {
    std::thread::spawn(move || {
        let mut runs = Vec::new();
        while !stop.load(Ordering::SeqCst) {
            runs.push(pricebench(&db, args));
            std::thread::sleep(Duration::from_millis(15));
        }
        runs
    })
}

/// The TUI's worker on its own connection, asked for the Overview over and over until `stop`;
/// returns the transaction counts it saw and any error it reported.
fn tui_reader(db: PathBuf, stop: Arc<AtomicBool>) -> JoinHandle<(Vec<i64>, Vec<String>)> {
    std::thread::spawn(move || {
        let mut worker = Worker::spawn(Workspace::open(&db).unwrap());
        let (mut seen, mut errors, mut seq) = (Vec::new(), Vec::new(), 0);
        while !stop.load(Ordering::SeqCst) {
            seq += 1;
            worker.submit(Job {
                seq,
                asker: View::Overview,
                request: Request::Overview,
                period: Default::default(),
            });
            loop {
                match worker.recv_timeout(Duration::from_secs(120)) {
                    Some(Response::Loaded(loaded)) => match loaded.answer {
                        Answer::Overview(Ok(o)) => seen.push(o.transactions),
                        Answer::Overview(Err(e)) => errors.push(e),
                        _ => continue,
                    },
                    Some(_) => continue,
                    None => errors.push("the worker did not answer in 120 s".into()),
                }
                break;
            }
            std::thread::sleep(Duration::from_millis(10));
        }
        (seen, errors)
    })
}

/// The transaction counts a reader may see: before, after one import, after both.
fn allowed_counts(base: i64, lines: i64) -> [i64; 3] {
    [base, base + lines, base + 2 * lines]
}

fn check_cli_runs(runs: &[Output], allowed: &[i64; 3], what: &str) {
    assert!(!runs.is_empty(), "{what} never ran");
    for out in runs {
        assert!(out.status.success(), "{what} failed: {}", text(&out.stderr));
        assert_eq!(unexpected_stderr(out), Vec::<String>::new(), "{what}");
    }
    if what.starts_with("info") {
        for out in runs {
            let stdout = text(&out.stdout);
            let line = stdout
                .lines()
                .find(|l| l.starts_with("transactions,"))
                .unwrap();
            let n: i64 = line["transactions,".len()..].parse().unwrap();
            assert!(
                allowed.contains(&n),
                "info saw {n} lines, not one of {allowed:?}"
            );
        }
    }
}

#[test]
fn imports_against_looping_readers_keep_the_workspace_whole() {
    let rounds = env_number("PRICEBENCH_TORTURE_ROUNDS", 3);
    let lines = env_number("PRICEBENCH_TORTURE_LINES", 150_000);
    let tmp = tempfile::tempdir().unwrap();
    let input = sample(&tmp.path().join("sample"), lines);
    let base_db = tmp.path().join("base.db");
    let out = pricebench(&base_db, &["import", input.to_str().unwrap()]);
    assert!(out.status.success(), "{}", text(&out.stderr));
    let base = count(&base_db, "transactions");
    for round in 0..rounds {
        let db = tmp.path().join(format!("round{round}.db"));
        std::fs::copy(&base_db, &db).unwrap();
        let a = renamed_lines(&input, &format!("A{round}-"), &tmp.path().join("a"), false);
        let b = renamed_lines(&input, &format!("B{round}-"), &tmp.path().join("b"), false);
        let bad = renamed_lines(&input, &format!("X{round}-"), &tmp.path().join("x"), true);
        let stop = Arc::new(AtomicBool::new(false));
        let info = cli_reader(db.clone(), &["info", "--format", "csv"], Arc::clone(&stop));
        let waterfall = cli_reader(
            db.clone(),
            &["waterfall", "--by", "segment", "--format", "csv"],
            Arc::clone(&stop),
        );
        let tui = tui_reader(db.clone(), Arc::clone(&stop));
        let imports: Vec<JoinHandle<Output>> = [a, b, bad]
            .into_iter()
            .map(|file| {
                let db = db.clone();
                std::thread::spawn(move || pricebench(&db, &["import", file.to_str().unwrap()]))
            })
            .collect();
        let outcomes: Vec<Output> = imports.into_iter().map(|h| h.join().unwrap()).collect();
        stop.store(true, Ordering::SeqCst);
        let allowed = allowed_counts(base, lines as i64);
        check_cli_runs(&info.join().unwrap(), &allowed, "info");
        check_cli_runs(&waterfall.join().unwrap(), &allowed, "waterfall");
        let (seen, errors) = tui.join().unwrap();
        assert_eq!(
            errors,
            Vec::<String>::new(),
            "round {round}: the TUI worker"
        );
        assert!(seen.iter().all(|n| allowed.contains(n)), "{seen:?}");

        assert_eq!(integrity(&db), "ok", "round {round}");
        for (i, out) in outcomes[..2].iter().enumerate() {
            assert!(
                out.status.success(),
                "round {round} import {i}: {}",
                text(&out.stderr)
            );
        }
        let refused = text(&outcomes[2].stderr);
        assert!(!outcomes[2].status.success());
        assert!(
            refused.contains("'2024-13-01' is not a date")
                && refused.contains("the workspace is unchanged"),
            "{refused}"
        );
        assert_eq!(
            count(&db, "transactions"),
            base + 2 * lines as i64,
            "round {round}"
        );
        let agg: i64 = rusqlite::Connection::open(&db)
            .unwrap()
            .query_row("SELECT sum(lines) FROM agg_month", [], |r| r.get(0))
            .unwrap();
        assert_eq!(
            agg,
            base + 2 * lines as i64,
            "round {round}: the aggregates"
        );
        std::fs::remove_file(&db).unwrap();
    }
}

#[test]
fn two_first_imports_into_one_new_path_leave_one_whole_workspace() {
    let rounds = env_number("PRICEBENCH_TORTURE_ROUNDS", 3);
    let tmp = tempfile::tempdir().unwrap();
    let input = sample(&tmp.path().join("sample"), 30_000);
    let dir = tmp.path().join("ws");
    std::fs::create_dir_all(&dir).unwrap();
    for round in 0..rounds {
        let db = dir.join(format!("new{round}.db"));
        let racers: Vec<JoinHandle<Output>> = (0..2)
            .map(|_| {
                let (db, input) = (db.clone(), input.clone());
                std::thread::spawn(move || pricebench(&db, &["import", input.to_str().unwrap()]))
            })
            .collect();
        let outcomes: Vec<Output> = racers.into_iter().map(|h| h.join().unwrap()).collect();
        let won = outcomes.iter().filter(|o| o.status.success()).count();
        assert_eq!(
            won, 1,
            "round {round}: exactly one import of the same data succeeds"
        );
        let lost = outcomes.iter().find(|o| !o.status.success()).unwrap();
        let message = text(&lost.stderr);
        assert!(
            message.contains("already exists in the workspace")
                && message.contains("the workspace is unchanged"),
            "round {round}: the second import finds the first one's rows: {message}"
        );
        assert_eq!(integrity(&db), "ok");
        assert_eq!(count(&db, "transactions"), 30_000, "round {round}");
        assert_eq!(count(&db, "segments"), 5);
        let left: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".new") || n.ends_with("-journal"))
            .collect();
        assert_eq!(
            left,
            Vec::<String>::new(),
            "no half-made workspace is left behind"
        );
    }
}

#[test]
fn a_failed_first_import_creates_no_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let input = sample(&tmp.path().join("sample"), 2_000);
    renamed_lines(&input, "", &input, true);
    let db = tmp.path().join("fresh.db");
    let out = pricebench(&db, &["import", input.to_str().unwrap()]);
    assert!(!out.status.success());
    let message = text(&out.stderr);
    assert!(message.contains("'2024-13-01' is not a date"), "{message}");
    assert!(!db.exists(), "no workspace after a failed first import");
    let left = std::fs::read_dir(tmp.path()).unwrap().count();
    assert_eq!(left, 1, "only the sample directory remains");
}

#[test]
fn a_reader_that_waits_too_long_gives_up_with_a_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let input = sample(&tmp.path().join("sample"), 2_000);
    let db = tmp.path().join("w.db");
    assert!(
        pricebench(&db, &["import", input.to_str().unwrap()])
            .status
            .success()
    );
    // Hold the workspace the way an import does, from another connection.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .env("PRICEBENCH_LOCK_TIMEOUT", "1")
        .arg("--db")
        .arg(&db)
        .args(["info", "--format", "csv"])
        .output()
        .unwrap();
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(!out.status.success());
    let message = text(&out.stderr);
    assert!(
        message.starts_with("waiting for another process (an import?) to finish writing to '"),
        "{message}"
    );
    assert!(message.contains("database is locked"), "{message}");
    assert!(message.contains("PRICEBENCH_LOCK_TIMEOUT"), "{message}");
    assert!(
        !message.contains("disk"),
        "no disk hint that is not true: {message}"
    );
}

#[test]
fn the_tui_says_it_waits_for_an_import_and_carries_on_after_it() {
    let tmp = tempfile::tempdir().unwrap();
    let input = support::write_fixture(&tmp.path().join("in"));
    let db = tmp.path().join("w.db");
    assert!(
        pricebench(&db, &["import", input.to_str().unwrap()])
            .status
            .success()
    );
    let mut app = pricebench::tui::app::App::new(&pricebench::store::Origin::File(db.clone()));
    let mut worker = Worker::spawn(Workspace::open(&db).unwrap());
    pricebench::tui::dispatch(
        &mut app,
        &mut worker,
        pricebench::tui::action::Action::Resize(100, 30),
    );
    // Held the way an import holds it while it writes.
    let holder = rusqlite::Connection::open(&db).unwrap();
    holder.execute_batch("BEGIN EXCLUSIVE").unwrap();
    pricebench::tui::dispatch(
        &mut app,
        &mut worker,
        pricebench::tui::action::Action::Reload,
    );
    let busy = worker.recv_timeout(Duration::from_secs(10)).unwrap();
    assert_eq!(busy, Response::WorkspaceBusy(true));
    pricebench::tui::dispatch(&mut app, &mut worker, busy.into_action());
    let screen = support::render_screen(&app);
    assert!(
        screen.contains("waiting for another process (an import?) to finish writing to the"),
        "{screen}"
    );
    holder.execute_batch("ROLLBACK").unwrap();
    assert!(pricebench::tui::till_ready(
        &mut app,
        &mut worker,
        Duration::from_secs(20)
    ));
    // The wait's end comes right after the job it held up.
    std::thread::sleep(Duration::from_millis(200));
    pricebench::tui::pump(&mut app, &mut worker);
    assert!(!app.workspace_busy);
    assert!(app.overview.data.is_some());
    let screen = support::render_screen(&app);
    assert!(!screen.contains("waiting for another process"), "{screen}");
    assert!(screen.contains("ready"), "{screen}");
}
