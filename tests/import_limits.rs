//! Import of hostile or broken input: values from the file quoted short and harmless in every
//! message.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::import::{ImportError, ImportOptions, Source, import};
use pricebench::store::{Origin, Workspace};
use std::path::Path;
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
