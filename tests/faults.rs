//! Faults a workspace must survive: a killed import, a full disk, a corrupt or newer file,
//! unwritable places, and ids that look like SQL.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::Workspace;
use std::path::Path;
use std::process::{Command, Output};
use std::time::{Duration, Instant};

fn pricebench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
}

fn run(args: &[&str], db: &Path) -> Output {
    pricebench()
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// A workspace holding the fixture, plus a large transactions file for it.
fn workspace_and_big_file(tmp: &Path, lines: usize) -> (std::path::PathBuf, std::path::PathBuf) {
    let dir = support::write_fixture(&tmp.join("in"));
    let db = tmp.join("ws.db");
    assert!(
        run(&["import", dir.to_str().unwrap()], &db)
            .status
            .success()
    );
    let big = tmp.join("big");
    std::fs::create_dir_all(&big).unwrap();
    let mut text = String::from(
        "txn_id,date,customer_id,product_id,quantity,list_price,on_volume,off_rebate\n",
    );
    for i in 0..lines {
        text.push_str(&format!(
            "B{i:08},2024-0{}-1{},C{},P{},{},10,0.5,0.25\n",
            1 + i % 9,
            i % 10,
            1 + i % 3,
            1 + i % 2,
            1 + i % 7
        ));
    }
    std::fs::write(big.join("transactions.csv"), text).unwrap();
    (db, big)
}

#[test]
fn killing_an_import_leaves_the_workspace_as_it_was() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, big) = workspace_and_big_file(tmp.path(), 600_000);
    let before = support::dump(&Workspace::open(&db).unwrap());
    let mut child = pricebench()
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&big)
        .spawn()
        .unwrap();
    // Kill it once it is well into the file (the journal exists while the import writes).
    let journal = db.with_extension("db-journal");
    let started = Instant::now();
    while !journal.exists() && started.elapsed() < Duration::from_secs(20) {
        std::thread::sleep(Duration::from_millis(5));
    }
    std::thread::sleep(Duration::from_millis(300));
    child.kill().unwrap();
    let status = child.wait().unwrap();
    assert!(
        !status.success(),
        "the import finished before it could be killed; use a larger file"
    );
    assert_eq!(support::dump(&Workspace::open(&db).unwrap()), before);
}

#[test]
fn a_full_disk_fails_the_import_cleanly() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, big) = workspace_and_big_file(tmp.path(), 200_000);
    let before = support::dump(&Workspace::open(&db).unwrap());
    // A file-size limit makes writes past ~4 MB fail with EFBIG, as a full disk would
    // (SIGXFSZ ignored so the write error reaches SQLite rather than killing the process).
    let script = format!(
        "trap '' XFSZ; ulimit -f 4096; exec '{}' --db '{}' import '{}'",
        env!("CARGO_BIN_EXE_pricebench"),
        db.display(),
        big.display()
    );
    let out = Command::new("sh").arg("-c").arg(&script).output().unwrap();
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("import failed; the workspace is unchanged"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(support::dump(&Workspace::open(&db).unwrap()), before);
}

#[test]
fn a_corrupt_workspace_is_reported_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("broken.db");
    let junk = b"this is not a SQLite database, it only has its name".repeat(100);
    std::fs::write(&db, &junk).unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    for args in [&["info"][..], &["import", dir.to_str().unwrap()][..]] {
        let out = run(args, &db);
        assert_eq!(out.status.code(), Some(1));
        let err = stderr(&out);
        assert!(
            err.contains(&db.display().to_string()) && err.contains("not a database"),
            "{err}"
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), junk);
}

#[test]
fn a_workspace_from_a_newer_pricebench_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("new.db");
    drop(Workspace::open(&db).unwrap());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA user_version = 42;")
        .unwrap();
    let before = std::fs::read(&db).unwrap();
    let out = run(&["info"], &db);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("written by a newer pricebench (schema version 42"),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn a_missing_workspace_or_directory_is_named() {
    let tmp = tempfile::tempdir().unwrap();
    let missing = tmp.path().join("nope.db");
    let out = run(&["info"], &missing);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!("workspace '{}' does not exist", missing.display())),
        "{}",
        stderr(&out)
    );
    let dir = support::write_fixture(&tmp.path().join("in"));
    let nowhere = tmp.path().join("no/such/dir/ws.db");
    let out = run(&["import", dir.to_str().unwrap()], &nowhere);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(&format!(
            "cannot create workspace '{}': No such file or directory",
            nowhere.display()
        )),
        "{}",
        stderr(&out)
    );
    assert!(!nowhere.exists());
}

#[test]
fn ids_that_look_like_sql_are_ordinary_ids() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    let evil = "x'); DROP TABLE customers;--";
    std::fs::write(
        dir.join("customers.csv"),
        format!("customer_id,segment_id,name\n\"{evil}\",S1,\"Robert'); DROP TABLE students;--\"\nC1,S1,Alpha\nC2,S1,Beta\nC3,S2,Gamma\n"),
    )
    .unwrap();
    let db = tmp.path().join("ws.db");
    let out = run(&["import", dir.to_str().unwrap()], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    let ws = Workspace::open(&db).unwrap();
    let n: i64 = ws
        .conn()
        .query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4);
    let found: String = ws
        .conn()
        .query_row(
            "SELECT customer_id FROM customers WHERE customer_id = ?1",
            [evil],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(found, evil);
    // The same text as a filter in the headless commands is a value, not SQL.
    let out = run(
        &[
            "waterfall",
            "--by",
            "customer",
            "--customer",
            evil,
            "--format",
            "csv",
        ],
        &db,
    );
    assert!(out.status.success(), "{}", stderr(&out));
    let n: i64 = ws
        .conn()
        .query_row("SELECT COUNT(*) FROM customers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(n, 4);
}

#[test]
fn huge_tiny_and_long_numbers_never_become_nan_or_inf() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    std::fs::write(
        dir.join("transactions.csv"),
        "txn_id,date,customer_id,product_id,quantity,list_price,on_volume\n\
         T1,2024-01-01,C1,P1,1e300,10,0\n\
         T2,2024-01-01,C1,P1,1,1e13,0\n",
    )
    .unwrap();
    let out = run(&["import", dir.to_str().unwrap()], &tmp.path().join("a.db"));
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("column 'quantity': '1e300' is out of range (at most 1e12 in absolute value)"),
        "{err}"
    );
    assert!(
        err.contains("column 'list_price': '1e13' is out of range"),
        "{err}"
    );
    // Accepted edges: zero, tiny, negative quantities, many decimals, the largest allowed.
    std::fs::write(
        dir.join("transactions.csv"),
        "txn_id,date,customer_id,product_id,quantity,list_price,on_volume\n\
         T1,2024-01-01,C1,P1,0,10,0\n\
         T2,2024-01-01,C1,P1,1e-300,0.000000000001,0\n\
         T3,2024-01-08,C2,P1,-3,10.123456789012345,1e-9\n\
         T4,2024-01-08,C2,P2,1e12,1e12,1e12\n\
         T5,2024-01-15,C3,P2,0.5,0,0\n",
    )
    .unwrap();
    let db = tmp.path().join("b.db");
    let out = run(&["import", dir.to_str().unwrap()], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    for args in [
        &["info", "--format", "csv"][..],
        &["info", "--format", "json"][..],
        &["info"][..],
        &["waterfall", "--by", "customer", "--format", "csv"][..],
        &["waterfall", "--by", "segment-product", "--format", "json"][..],
        &["band", "--format", "csv"][..],
        &["band", "--show", "outliers", "--format", "json"][..],
        &["leakage", "--by", "customer", "--format", "csv"][..],
        &["leakage", "--by", "correlation"][..],
    ] {
        let out = run(args, &db);
        assert!(out.status.success(), "{args:?}: {}", stderr(&out));
        let text = String::from_utf8(out.stdout).unwrap().to_lowercase();
        for bad in ["nan", "inf"] {
            assert!(!text.contains(bad), "{args:?} printed {bad}:\n{text}");
        }
    }
}

/// Makes a directory read-only for everyone, root included (`chattr +i` where the process is
/// root, since root writes through permission bits), and undoes it when dropped.
struct ReadOnlyDir(std::path::PathBuf, bool);

impl ReadOnlyDir {
    fn new(dir: &Path) -> Option<ReadOnlyDir> {
        let root = std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|s| {
                s.lines()
                    .find(|l| l.starts_with("Uid:"))
                    .map(|l| l.split_whitespace().nth(1) == Some("0"))
            })
            .unwrap_or(false);
        let ok = if root {
            Command::new("chattr")
                .arg("+i")
                .arg(dir)
                .status()
                .is_ok_and(|s| s.success())
        } else {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o555)).is_ok()
        };
        ok.then(|| ReadOnlyDir(dir.to_path_buf(), root))
    }
}

impl Drop for ReadOnlyDir {
    fn drop(&mut self) {
        if self.1 {
            let _ = Command::new("chattr").arg("-i").arg(&self.0).status();
        } else {
            use std::os::unix::fs::PermissionsExt;
            let _ = std::fs::set_permissions(&self.0, std::fs::Permissions::from_mode(0o755));
        }
    }
}

#[test]
fn a_read_only_workspace_directory_fails_with_a_message_and_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, big) = workspace_and_big_file(tmp.path(), 1_000);
    let before = support::dump(&Workspace::open(&db).unwrap());
    let bytes = std::fs::read(&db).unwrap();
    let Some(_guard) = ReadOnlyDir::new(tmp.path()) else {
        eprintln!("skipped: cannot make a directory read-only here (no chattr, or not supported)");
        return;
    };
    // An import needs its journal beside the workspace: refused, clearly, and nothing changes.
    let out = run(&["import", big.to_str().unwrap()], &db);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("may pricebench write there?") || err.contains("readonly"),
        "{err}"
    );
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
    // Reading still works.
    let out = run(&["info", "--format", "csv"], &db);
    assert!(out.status.success(), "{}", stderr(&out));
    // A new workspace cannot be created there.
    let out = run(
        &["import", big.to_str().unwrap()],
        &tmp.path().join("new.db"),
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains("cannot create workspace")
            && stderr(&out).contains("may pricebench write there?"),
        "{}",
        stderr(&out)
    );
    drop(_guard);
    assert_eq!(support::dump(&Workspace::open(&db).unwrap()), before);
}

#[test]
fn a_killed_first_import_leaves_no_workspace() {
    let tmp = tempfile::tempdir().unwrap();
    let (_, big) = workspace_and_big_file(tmp.path(), 600_000);
    let fixture = tmp.path().join("in");
    let db = tmp.path().join("fresh").join("ws.db");
    std::fs::create_dir_all(db.parent().unwrap()).unwrap();
    let mut child = pricebench()
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&fixture)
        .arg(&big)
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(700));
    child.kill().unwrap();
    assert!(
        !child.wait().unwrap().success(),
        "the import finished before it could be killed; use a larger file"
    );
    assert!(!db.exists(), "no workspace, not even an empty one");
    let out = run(&["info"], &db);
    assert!(stderr(&out).contains("does not exist"), "{}", stderr(&out));
    // What is left is the hidden file it was building, named for the workspace.
    for entry in std::fs::read_dir(db.parent().unwrap()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().into_owned();
        assert!(name.starts_with(".ws.db."), "{name}");
    }
}

#[test]
fn paths_that_cannot_hold_a_workspace_are_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    let journal_before = Path::new("/dev/null-journal").exists();
    let cases = [
        (
            ":memory:",
            "that is an in-memory database, gone when pricebench exits",
        ),
        (
            "/dev/null",
            "it is not a regular file (a device, FIFO or socket)",
        ),
        (tmp.path().to_str().unwrap(), "it is a directory"),
    ];
    for (db, reason) in cases {
        for args in [&["import", dir.to_str().unwrap()][..], &["info"][..]] {
            let out = run(args, Path::new(db));
            assert_eq!(out.status.code(), Some(1), "{db} {args:?}");
            let err = stderr(&out);
            assert!(
                err.contains(&format!("'{db}' cannot be a workspace: {reason}")),
                "{db} {args:?}: {err}"
            );
            assert!(!err.contains("imported"), "{err}");
        }
    }
    assert_eq!(Path::new("/dev/null-journal").exists(), journal_before);
}

#[test]
fn a_sqlite_file_that_is_not_a_workspace_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("other.db");
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("CREATE TABLE invoices (id INTEGER); INSERT INTO invoices VALUES (1);")
        .unwrap();
    let bytes = std::fs::read(&db).unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    for args in [&["info"][..], &["import", dir.to_str().unwrap()][..]] {
        let out = run(args, &db);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("a SQLite database with tables but no pricebench schema version"),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

#[test]
fn a_schema_version_changed_by_hand_is_named_as_the_cause() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    let db = tmp.path().join("ws.db");
    assert!(
        run(&["import", dir.to_str().unwrap()], &db)
            .status
            .success()
    );
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("PRAGMA user_version = 2;")
        .unwrap();
    let out = run(&["info"], &db);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("cannot bring the workspace from schema version 2 to 3: table elasticity_run already exists; its tables do not match its version (PRAGMA user_version), which may have been changed by hand"),
        "{err}"
    );
    assert!(
        !err.contains("CREATE TABLE"),
        "no SQL dumped on the user: {err}"
    );
}

#[test]
fn a_null_id_left_by_a_hand_edit_names_its_table() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    let db = tmp.path().join("ws.db");
    assert!(
        run(&["import", dir.to_str().unwrap()], &db)
            .status
            .success()
    );
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("UPDATE products SET product_id = NULL WHERE product_id = 'P2';")
        .unwrap();
    for args in [&["info"][..], &["elasticity"][..], &["waterfall"][..]] {
        let out = run(args, &db);
        assert_eq!(out.status.code(), Some(1));
        assert!(
            stderr(&out).contains("table 'products' has a row without product_id (NULL)"),
            "{args:?}: {}",
            stderr(&out)
        );
    }
}

#[test]
fn a_read_only_workspace_file_is_one_clear_message() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, big) = workspace_and_big_file(tmp.path(), 50);
    let bytes = std::fs::read(&db).unwrap();
    let Some(_guard) = ReadOnlyDir::new(&db) else {
        eprintln!("skipped: cannot make a file read-only here (no chattr, or not supported)");
        return;
    };
    let out = run(&["import", big.to_str().unwrap()], &db);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert_eq!(
        err.trim_end(),
        format!(
            "error: import failed; the workspace is unchanged: workspace '{}' is read-only (no permission to write the file); nothing was changed",
            db.display()
        )
    );
    let out = run(&["elasticity", "--refit"], &db);
    assert_eq!(out.status.code(), Some(1));
    let err = stderr(&out);
    assert!(
        err.contains("the fitted elasticities were computed but cannot be stored in the workspace")
            && err.contains("read-only"),
        "{err}"
    );
    assert!(!err.contains("cannot fit"), "{err}");
    drop(_guard);
    assert_eq!(std::fs::read(&db).unwrap(), bytes);
}

#[test]
fn an_unknown_stored_elasticity_flag_is_an_error_not_a_guess() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    let db = tmp.path().join("ws.db");
    assert!(
        run(&["import", dir.to_str().unwrap()], &db)
            .status
            .success()
    );
    assert!(run(&["elasticity"], &db).status.success());
    rusqlite::Connection::open(&db)
        .unwrap()
        .execute_batch("UPDATE elasticity_result SET flag = 'maybe' WHERE segment_id = 'S1';")
        .unwrap();
    let out = run(&["elasticity", "--format", "csv"], &db);
    assert_eq!(out.status.code(), Some(1));
    assert!(
        stderr(&out).contains(
            "table 'elasticity_result' column 'flag' holds 'maybe', which pricebench does not know; was the workspace edited by hand? Fit again with 'pricebench elasticity --refit'."
        ),
        "{}",
        stderr(&out)
    );
    assert!(run(&["elasticity", "--refit"], &db).status.success());
}
