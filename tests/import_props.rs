//! Property tests of the importer: arbitrary bytes and mutated valid files never panic, and
//! every run ends in a correct import or in problems naming file and line, the workspace
//! unchanged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::import::{FileKind, ImportError, ImportOptions, Source, import};
use pricebench::store::{Origin, Workspace};
use proptest::prelude::*;
use support::{assert_close, dump, write_fixture};

const TXN: &str = "txn_id,date,customer_id,product_id,quantity,list_price,on_volume,off_rebate\n\
T1,2024-01-01,C1,P1,10,10,1,0.5\n\
T2,2024-01-03,C2,P1,5,10,0,0.5\n\
\"T3\",2024-01-04,C3,P2,2,20,2,1\r\n\
T4,2024-01-08,C1,P1,-1,10,1,0.5\n";

/// A workspace with the fixture's segments, customers and products (no transactions).
fn base() -> Workspace {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_fixture(tmp.path());
    let mut ws = Workspace::in_memory(Origin::File("prop.db".into())).unwrap();
    let sources = ["segments.csv", "customers.csv", "products.csv"]
        .iter()
        .map(|f| Source::open(&dir.join(f)).unwrap())
        .collect();
    import(&mut ws, sources, ImportOptions::default()).unwrap();
    ws
}

fn leak(bytes: Vec<u8>) -> &'static [u8] {
    Box::leak(bytes.into_boxed_slice())
}

/// Imports `bytes` as transactions.csv and checks the outcome is one of the two allowed ones.
fn check(bytes: Vec<u8>) -> Result<(), TestCaseError> {
    let mut ws = base();
    let before = dump(&ws);
    let lines = bytes.iter().filter(|&&b| b == b'\n').count() as u64 + 1;
    let source = Source::from_bytes("transactions.csv", FileKind::Transactions, leak(bytes));
    match import(&mut ws, vec![source], ImportOptions::default()) {
        Ok(_) => {
            // A correct import: the aggregates reconcile with the lines.
            let q = |sql: &str| -> f64 { ws.conn().query_row(sql, [], |r| r.get(0)).unwrap() };
            let lines =
                q("SELECT COALESCE(SUM(quantity * pocket_price), 0) FROM transaction_lines");
            assert_close(
                q("SELECT COALESCE(SUM(pocket_revenue), 0) FROM agg_week"),
                lines,
                1e-9,
            );
            assert_close(
                q("SELECT COALESCE(SUM(pocket_revenue), 0) FROM agg_customer"),
                lines,
                1e-9,
            );
        }
        Err(ImportError::Problems(problems)) => {
            prop_assert!(!problems.kept.is_empty());
            for p in &problems.kept {
                let text = p.to_string();
                prop_assert!(text.starts_with("transactions.csv"), "{}", text);
                // The line named exists in the input (0 = the whole file).
                prop_assert!(p.line <= lines, "{} (input has {} lines)", text, lines);
            }
            prop_assert_eq!(dump(&ws), before);
        }
        Err(other) => prop_assert!(false, "a store error: {}", other),
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check(bytes)?;
    }

    #[test]
    fn arbitrary_text_after_a_valid_header_never_panics(body in "[A-Za-z0-9,.\"\r\n\\- ]{0,300}") {
        check(format!("txn_id,date,customer_id,product_id,quantity,list_price\n{body}").into_bytes())?;
    }

    #[test]
    fn mutated_valid_files_import_or_fail_cleanly(
        edits in proptest::collection::vec((any::<prop::sample::Index>(), 0u8..3, any::<u8>()), 1..6)
    ) {
        let mut bytes = TXN.as_bytes().to_vec();
        for (at, kind, byte) in edits {
            let i = at.index(bytes.len() + 1);
            match kind {
                0 if i < bytes.len() => bytes[i] = byte,
                1 if i < bytes.len() => { bytes.remove(i); }
                _ => bytes.insert(i, byte),
            }
        }
        check(bytes)?;
    }
}
