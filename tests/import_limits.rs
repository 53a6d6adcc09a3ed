//! Import of hostile or broken input: limits on records, fields, ids and columns, each refused
//! with file, line and the limit, in bounded memory; and values quoted short and harmless.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::import::{ImportError, ImportOptions, Source, import};
use pricebench::store::{Origin, Workspace};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};
use support::{dump, write_fixture};

const TXN_HEADER: &str = "txn_id,date,customer_id,product_id,quantity,list_price";

/// A workspace holding the fixture.
fn fixture_ws(tmp: &Path) -> Workspace {
    let mut ws = Workspace::in_memory(Origin::File("test.db".into())).unwrap();
    let dir = write_fixture(&tmp.join("base"));
    let sources = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| Source::open(&e.unwrap().path()).unwrap())
        .collect();
    import(&mut ws, sources, ImportOptions::default()).unwrap();
    ws
}

/// Imports one file on top of the fixture and returns the problems as printed (file names
/// without their directory); the workspace must be unchanged.
fn problems_for(name: &str, bytes: &[u8]) -> String {
    let tmp = tempfile::tempdir().unwrap();
    let mut ws = fixture_ws(tmp.path());
    let before = dump(&ws);
    let path = tmp.path().join(name);
    std::fs::write(&path, bytes).unwrap();
    let source = Source::open(&path).unwrap();
    let Err(ImportError::Problems(p)) = import(&mut ws, vec![source], ImportOptions::default())
    else {
        panic!("the import of {name} must fail")
    };
    assert_eq!(dump(&ws), before, "a failed import changed the workspace");
    p.to_string()
        .replace(&format!("{}/", tmp.path().display()), "")
}

/// A transactions header with `elements` element columns, and one line for it.
fn with_elements(elements: usize, prefix: &str) -> String {
    let names: String = (0..elements).map(|i| format!(",on_{prefix}{i}")).collect();
    let amounts = ",0".repeat(elements);
    format!("{TXN_HEADER}{names}\nN1,2024-01-01,C1,P1,1,10{amounts}\n")
}

#[test]
fn a_newline_free_input_fails_with_bounded_memory() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("customers.csv");
    // 200 MB of zero bytes (what `/dev/zero` gives), as a sparse file: no disk used.
    std::fs::File::create(&file)
        .unwrap()
        .set_len(200_000_000)
        .unwrap();
    let db = tmp.path().join("ws.db");
    // 100 MiB of address space in all: enough for an import (about 50 MiB), far too little
    // for a reader that holds the line it is looking for the end of.
    let script = "ulimit -v 102400 && exec \"$0\" --db \"$1\" import \"$2\"";
    let started = Instant::now();
    let out = Command::new("sh")
        .args(["-c", script, env!("CARGO_BIN_EXE_pricebench")])
        .arg(&db)
        .arg(&file)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "{stderr}");
    assert_eq!(
        stderr.lines().next(),
        Some(
            format!(
                "{}:1: the line is longer than 1 MiB (the limit for one record); is this a CSV file?",
                file.display()
            )
            .as_str()
        ),
        "{stderr}"
    );
    assert_eq!(stderr.lines().count(), 2, "{stderr}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_line_longer_than_the_record_limit_is_refused_with_its_line() {
    let mut text = b"customer_id,segment_id\nC8,S1\n".to_vec();
    text.extend(std::iter::repeat_n(b'C', 2 << 20));
    text.extend(b"\nC9,S1\n");
    assert_eq!(
        problems_for("customers.csv", &text),
        "customers.csv:3: the line is longer than 1 MiB (the limit for one record); is this a CSV file?\n"
    );
}

#[test]
fn an_unclosed_quote_is_refused_after_the_record_limit_with_a_hint() {
    let mut text = b"segment_id,name\nS8,Eight\nS9,\"Nine\n".to_vec();
    for i in 0..100_000 {
        text.extend(format!("S{i},Ten and so on\n").bytes());
    }
    assert_eq!(
        problems_for("segments.csv", &text),
        "segments.csv:3: the quoted record starting on this line is longer than 1 MiB (the limit for one record); is a closing quote missing?\n"
    );
}

#[test]
fn a_field_longer_than_the_field_limit_is_refused_with_its_column() {
    let long = "d".repeat(70_000);
    let text = format!("segment_id,name,description\nS9,Nine,\"{long}\"\n");
    assert_eq!(
        problems_for("segments.csv", text.as_bytes()),
        "segments.csv:2: column 'description': is too long (70,000 bytes; at most 64 KiB in one field)\n"
    );
}

#[test]
fn an_id_longer_than_the_id_limit_is_refused_and_quoted_short() {
    let id = "C".repeat(300);
    let text = format!("customer_id,segment_id\n{id},S1\n");
    assert_eq!(
        problems_for("customers.csv", text.as_bytes()),
        format!(
            "customers.csv:2: column 'customer_id': '{}…' (300 bytes) is too long for an id (at most 256 bytes)\n",
            "C".repeat(40)
        )
    );
}

#[test]
fn a_header_with_too_many_columns_is_refused_at_once() {
    let header = vec!["a"; 200_000].join(",");
    let started = Instant::now();
    assert_eq!(
        problems_for("transactions.csv", format!("{header}\n1\n").as_bytes()),
        "transactions.csv:1: the header has 200,000 columns, more than the 256 a file may have; is this the right file?\n"
    );
    assert!(started.elapsed() < Duration::from_secs(5));
    let names: String = (0..505).map(|i| format!(",on_e{i}")).collect();
    assert_eq!(
        problems_for(
            "transactions.csv",
            format!("{TXN_HEADER}{names}\n").as_bytes()
        ),
        "transactions.csv:1: the header has 511 columns, more than the 256 a file may have; is this the right file?\n"
    );
}

#[test]
fn a_header_with_more_element_columns_than_a_workspace_holds_is_refused() {
    assert_eq!(
        problems_for("transactions.csv", with_elements(129, "e").as_bytes()),
        "transactions.csv:1: the header has 129 element columns (on_* / off_*), more than the 128 a workspace may hold\n"
    );
    // The fixture's workspace has two elements already.
    assert_eq!(
        problems_for("transactions.csv", with_elements(127, "e").as_bytes()),
        "transactions.csv:1: the header adds 127 element columns (on_* / off_*) to the 2 of the workspace, more than the 128 a workspace may hold\n"
    );
}

#[test]
fn a_workspace_takes_as_many_elements_as_it_may_hold() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ws = fixture_ws(tmp.path());
    let path = tmp.path().join("transactions.csv");
    std::fs::write(&path, with_elements(126, "e")).unwrap();
    let source = Source::open(&path).unwrap();
    import(&mut ws, vec![source], ImportOptions::default()).unwrap();
    let elements: i64 = ws
        .conn()
        .query_row("SELECT COUNT(*) FROM elements", [], |r| r.get(0))
        .unwrap();
    assert_eq!(elements, 128);
}

#[test]
fn a_column_name_longer_than_the_id_limit_is_refused_and_quoted_short() {
    let name = format!("on_{}", "x".repeat(100_000));
    let text = format!("{TXN_HEADER},{name}\n");
    assert_eq!(
        problems_for("transactions.csv", text.as_bytes()),
        format!(
            "transactions.csv:1: column 'on_{}…' (100,003 bytes): is too long for a column name (at most 256 bytes)\n",
            "x".repeat(37)
        )
    );
}

#[test]
fn messages_quote_a_short_prefix_of_long_values() {
    let date = "2".repeat(60_000);
    let text = format!("{TXN_HEADER}\nN1,{date},C1,P1,1,10\n");
    assert_eq!(
        problems_for("transactions.csv", text.as_bytes()),
        format!(
            "transactions.csv:2: column 'date': '{}…' (60,000 bytes) is not a date (expected YYYY-MM-DD)\n",
            "2".repeat(40)
        )
    );
    let unknown = "U".repeat(200);
    let text = format!("customer_id,segment_id\nC9,{unknown}\n");
    assert_eq!(
        problems_for("customers.csv", text.as_bytes()),
        format!(
            "customers.csv:2: column 'segment_id': '{}…' (200 bytes) is not a known segment (not in segments.csv nor in the workspace)\n",
            "U".repeat(40)
        )
    );
}

#[test]
fn messages_escape_control_characters_of_values_and_column_names() {
    let text = "customer_id,segment_id,\u{1b}]0;owned\u{7}\nC9,S\u{1b}[2J\n";
    assert_eq!(
        problems_for("customers.csv", text.as_bytes()),
        "customers.csv:1: column '\\u{1b}]0;owned\\u{7}': unknown column; expected customer_id, segment_id, name, region, channel\n"
    );
    let text = "customer_id,segment_id\nC9,S\u{1b}[2J\u{9b}1m\n";
    assert_eq!(
        problems_for("customers.csv", text.as_bytes()),
        "customers.csv:2: column 'segment_id': 'S\\u{1b}[2J\\u{9b}1m' is not a known segment (not in segments.csv nor in the workspace)\n"
    );
}
