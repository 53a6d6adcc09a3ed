//! `pricebench import` as a user runs it: exit codes, messages on stderr, files left behind.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use std::process::Command;

fn pricebench() -> Command {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
}

#[test]
fn import_of_a_directory_succeeds_and_skips_unknown_files() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    std::fs::write(dir.join("notes.txt"), "not data").unwrap();
    let db = tmp.path().join("ws.db");
    let out = pricebench()
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert!(
        stdout.contains("transactions.csv: 5 rows into transactions"),
        "{stdout}"
    );
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("skipped") && stderr.contains("notes.txt"),
        "{stderr}"
    );
    // Not a terminal: no progress line.
    assert!(!stderr.contains("MB/s"), "{stderr}");
}

#[test]
fn failed_import_into_a_new_workspace_leaves_no_file() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    std::fs::write(
        dir.join("transactions.csv"),
        "txn_id,date,customer_id,product_id,quantity,list_price\nT1,2024-13-01,C1,P1,1,10\n",
    )
    .unwrap();
    let db = tmp.path().join("ws.db");
    let out = pricebench()
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains(
            "transactions.csv:2: column 'date': '2024-13-01' is not a date (expected YYYY-MM-DD)"
        ),
        "{stderr}"
    );
    assert!(
        stderr.contains("error: import failed: 1 problem(s); the workspace is unchanged"),
        "{stderr}"
    );
    assert!(!db.exists());
}

#[test]
fn failed_import_leaves_an_existing_workspace_byte_for_byte() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = support::write_fixture(&tmp.path().join("in"));
    let db = tmp.path().join("ws.db");
    assert!(
        pricebench()
            .arg("--db")
            .arg(&db)
            .arg("import")
            .arg(&dir)
            .output()
            .unwrap()
            .status
            .success()
    );
    let before = std::fs::read(&db).unwrap();
    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    let rows: String = (0..25)
        .map(|i| format!("X{i},2024-01-01,C1,P1,1,-{i}\n"))
        .collect();
    std::fs::write(
        bad.join("transactions.csv"),
        format!("txn_id,date,customer_id,product_id,quantity,list_price\n{rows}"),
    )
    .unwrap();
    let out = pricebench()
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(bad.join("transactions.csv"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    // X0 has price -0, which is fine; the other 24 lines are negative: 20 shown, 4 counted.
    assert_eq!(
        stderr.lines().filter(|l| l.contains("is negative")).count(),
        20,
        "{stderr}"
    );
    assert!(stderr.contains("... and 4 more problems"), "{stderr}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn import_names_a_file_it_cannot_recognise() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("orders.csv");
    std::fs::write(&file, "a,b\n1,2\n").unwrap();
    let out = pricebench()
        .arg("--db")
        .arg(tmp.path().join("ws.db"))
        .arg("import")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert!(
        stderr.contains("orders.csv: cannot tell what the file holds from its name"),
        "{stderr}"
    );
}
