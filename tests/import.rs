//! Import: exact counts and totals, every kind of bad input with its message and an unchanged
//! workspace, what real exports contain, and `--replace`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::import::{ImportError, ImportOptions, Source, import};
use pricebench::store::{Origin, Workspace};
use std::path::Path;
use support::{assert_close, dump, write_fixture};

fn ws() -> Workspace {
    Workspace::in_memory(Origin::File("test.db".into())).unwrap()
}

fn import_dir(ws: &mut Workspace, dir: &Path, replace: bool) -> Result<(), ImportError> {
    let mut sources = Vec::new();
    let mut paths: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    paths.sort();
    for path in paths {
        if path.extension().is_some_and(|e| e == "csv") {
            sources.push(Source::open(&path).map_err(|p| {
                let mut ps = pricebench::store::import::Problems::default();
                ps.push(p);
                ImportError::Problems(ps)
            })?);
        }
    }
    import(
        ws,
        sources,
        ImportOptions {
            replace,
            progress: None,
            dry_run: None,
            currency: None,
        },
    )
    .map(|_| ())
}

fn sum(ws: &Workspace, sql: &str) -> f64 {
    ws.conn().query_row(sql, [], |r| r.get(0)).unwrap()
}

fn count(ws: &Workspace, table: &str) -> i64 {
    ws.conn()
        .query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))
        .unwrap()
}

/// A fixture workspace plus a second directory holding one replaced file.
fn fixture_with(
    name: &str,
    text: &[u8],
) -> (
    tempfile::TempDir,
    Workspace,
    Vec<String>,
    std::path::PathBuf,
) {
    let tmp = tempfile::tempdir().unwrap();
    let mut ws = ws();
    import_dir(&mut ws, &write_fixture(&tmp.path().join("base")), false).unwrap();
    let before = dump(&ws);
    let bad = tmp.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(bad.join(name), text).unwrap();
    (tmp, ws, before, bad)
}

/// Imports one bad file on top of the fixture and returns the problem lines; the workspace
/// must be exactly as before.
fn problems_for(name: &str, text: &[u8]) -> Vec<String> {
    problems_when(name, text, false)
}

/// [`problems_for`], with or without `--replace`.
fn problems_when(name: &str, text: &[u8], replace: bool) -> Vec<String> {
    let (_tmp, mut ws, before, bad) = fixture_with(name, text);
    let err = import_dir(&mut ws, &bad, replace).expect_err("the import must fail");
    assert_eq!(dump(&ws), before, "a failed import changed the workspace");
    match err {
        ImportError::Problems(p) => {
            let prefix = format!("{}/", bad.display());
            let mut lines: Vec<String> = p
                .kept
                .iter()
                .map(|p| p.to_string().replace(&prefix, ""))
                .collect();
            if p.more > 0 {
                lines.push(format!("+{}", p.more));
            }
            lines
        }
        other => panic!("expected problems, got {other}"),
    }
}

const TXN_HEADER: &str = "txn_id,date,customer_id,product_id,quantity,list_price\n";

fn bad_txn(row: &str) -> Vec<String> {
    problems_for(
        "transactions.csv",
        format!("{TXN_HEADER}{row}\n").as_bytes(),
    )
}

#[test]
fn import_of_fixture_has_exact_counts_and_totals() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ws = ws();
    import_dir(&mut ws, &write_fixture(tmp.path()), false).unwrap();
    for (table, n) in [
        ("segments", 2),
        ("customers", 3),
        ("products", 2),
        ("transactions", 5),
        ("quotes", 2),
        ("survey", 2),
    ] {
        assert_eq!(count(&ws, table), n, "{table}");
    }
    // Hand-computed: q = 10+5+2−1+4; list = 100+50+40−10+44; pocket = 85+47.5+34−8.5+44.
    assert_close(sum(&ws, "SELECT SUM(quantity) FROM agg_week"), 20.0, 1e-12);
    assert_close(
        sum(&ws, "SELECT SUM(list_revenue) FROM agg_month"),
        224.0,
        1e-12,
    );
    assert_close(
        sum(&ws, "SELECT SUM(invoice_revenue) FROM agg_week"),
        211.0,
        1e-12,
    );
    assert_close(
        sum(&ws, "SELECT SUM(pocket_revenue) FROM agg_week"),
        202.0,
        1e-12,
    );
    assert_close(sum(&ws, "SELECT SUM(on_volume) FROM agg_week"), 13.0, 1e-12);
    assert_close(
        sum(&ws, "SELECT SUM(off_rebate) FROM agg_month"),
        9.0,
        1e-12,
    );
    let week: (i64, f64, f64) = ws
        .conn()
        .query_row(
            "SELECT lines, quantity, pocket_revenue FROM agg_week WHERE segment_id='S1' AND product_id='P1' AND period='2024-01-01'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    assert_eq!(week.0, 2);
    assert_close(week.1, 15.0, 1e-12);
    assert_close(week.2, 132.5, 1e-12);
    let month_q = sum(
        &ws,
        "SELECT quantity FROM agg_month WHERE segment_id='S1' AND product_id='P1' AND period='2024-01-01'",
    );
    assert_close(month_q, 14.0, 1e-12);
    let pocket = sum(
        &ws,
        "SELECT pocket_price FROM transaction_lines WHERE txn_id='T3'",
    );
    assert_close(pocket, 17.0, 1e-12);
    let elements: Vec<(String, String)> = ws
        .conn()
        .prepare("SELECT name, kind FROM elements ORDER BY position")
        .unwrap()
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(
        elements,
        [
            ("on_volume".into(), "on".into()),
            ("off_rebate".into(), "off".into())
        ]
    );
    assert_eq!(count(&ws, "import_log"), 6);
    let range: (String, String) = ws
        .conn()
        .query_row("SELECT first_date, last_date FROM date_range", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    assert_eq!(range, ("2024-01-01".to_string(), "2024-02-01".to_string()));
}

#[test]
fn import_accepts_bom_crlf_quotes_any_header_case_and_order_and_trailing_blank_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path();
    std::fs::write(
        dir.join("segments.csv"),
        b"\xEF\xBB\xBFName,SEGMENT_ID\r\n\"Caf\xC3\xA9s, \"\"bars\"\" & more\",S1\r\n\r\n\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("customers.csv"),
        "Segment_Id,Customer_ID,Name\r\nS1,C1,\"Müller, Søn & Co\"\r\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("products.csv"),
        "list_price,product_id,name,unit_cost\n10,P1,\"Widget \"\"XL\"\"\",4\n",
    )
    .unwrap();
    std::fs::write(dir.join("transactions.csv"), "Quantity,TXN_ID,date,customer_id,product_id,list_price\r\n3,T1,2024-03-01,C1,P1,10\r\n\r\n").unwrap();
    let mut ws = ws();
    import_dir(&mut ws, dir, false).unwrap();
    let seg: String = ws
        .conn()
        .query_row("SELECT name FROM segments", [], |r| r.get(0))
        .unwrap();
    assert_eq!(seg, "Cafés, \"bars\" & more");
    let cust: String = ws
        .conn()
        .query_row("SELECT name FROM customers", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cust, "Müller, Søn & Co");
    let prod: String = ws
        .conn()
        .query_row("SELECT name FROM products", [], |r| r.get(0))
        .unwrap();
    assert_eq!(prod, "Widget \"XL\"");
    assert_close(
        sum(&ws, "SELECT SUM(list_revenue) FROM agg_week"),
        30.0,
        1e-12,
    );
    // Without a unit_cost column the product's unit cost applies.
    assert_close(sum(&ws, "SELECT unit_cost FROM transactions"), 4.0, 1e-12);
}

#[test]
fn import_rejects_bad_date_with_line_and_column() {
    assert_eq!(
        bad_txn("T9,2024-13-01,C1,P1,1,10"),
        ["transactions.csv:2: column 'date': '2024-13-01' is not a date (expected YYYY-MM-DD)"]
    );
    assert_eq!(
        bad_txn("T9,2024-02-30,C1,P1,1,10"),
        ["transactions.csv:2: column 'date': '2024-02-30' is not a date (expected YYYY-MM-DD)"]
    );
}

#[test]
fn import_rejects_bad_numbers() {
    assert_eq!(
        bad_txn("T9,2024-01-01,C1,P1,abc,10"),
        ["transactions.csv:2: column 'quantity': 'abc' is not a number"]
    );
    assert_eq!(
        bad_txn("T9,2024-01-01,C1,P1,1,NaN"),
        ["transactions.csv:2: column 'list_price': 'NaN' is not a finite number"]
    );
    assert_eq!(
        bad_txn("T9,2024-01-01,C1,P1,inf,10"),
        ["transactions.csv:2: column 'quantity': 'inf' is not a finite number"]
    );
    assert_eq!(
        bad_txn("T9,2024-01-01,C1,P1,1,1e400"),
        ["transactions.csv:2: column 'list_price': '1e400' is not a finite number"]
    );
    assert_eq!(
        bad_txn("T9,2024-01-01,C1,P1,1,-2.5"),
        [
            "transactions.csv:2: column 'list_price': '-2.5' is negative (prices and costs must be 0 or more)"
        ]
    );
}

#[test]
fn import_rejects_unknown_references() {
    assert_eq!(
        bad_txn("T9,2024-01-01,C9,P1,1,10"),
        [
            "transactions.csv:2: column 'customer_id': 'C9' is not a known customer (not in customers.csv nor in the workspace)"
        ]
    );
    assert_eq!(
        bad_txn("T9,2024-01-01,C1,P9,1,10"),
        [
            "transactions.csv:2: column 'product_id': 'P9' is not a known product (not in products.csv nor in the workspace)"
        ]
    );
    assert_eq!(
        problems_for("customers.csv", b"customer_id,segment_id\nC9,S9\n"),
        [
            "customers.csv:2: column 'segment_id': 'S9' is not a known segment (not in segments.csv nor in the workspace)"
        ]
    );
}

#[test]
fn import_rejects_duplicate_ids_in_file_and_in_workspace() {
    assert_eq!(
        problems_for(
            "customers.csv",
            b"customer_id,segment_id\nC8,S1\nC9,S1\nC8,S2\n"
        ),
        [
            "customers.csv:4: column 'customer_id': 'C8' appears twice in this import (first at customers.csv:2)"
        ]
    );
    assert_eq!(
        problems_for("customers.csv", b"customer_id,segment_id\nC1,S1\n"),
        [
            "customers.csv:2: column 'customer_id': 'C1' already exists in the workspace (use --replace to overwrite it)"
        ]
    );
    assert_eq!(
        bad_txn("T1,2024-01-01,C1,P1,1,10"),
        [
            "transactions.csv:2: column 'txn_id': 'T1' already exists in the workspace (use --replace to overwrite it)"
        ]
    );
}

#[test]
fn import_rejects_header_problems() {
    assert_eq!(
        problems_for(
            "transactions.csv",
            b"txn_id,date,customer_id,product_id,list_price\nT9,2024-01-01,C1,P1,10\n"
        ),
        ["transactions.csv:1: missing required column 'quantity'"]
    );
    assert_eq!(
        problems_for("transactions.csv", b"txn_id,date,customer_id,product_id,quantity,list_price,discount\nT9,2024-01-01,C1,P1,1,10,1\n"),
        ["transactions.csv:1: column 'discount': unknown column (discount columns start with on_ or off_); expected txn_id, date, customer_id, product_id, quantity, list_price, unit_cost, currency"]
    );
    assert_eq!(
        problems_for("segments.csv", b"segment_id,name,name\nS9,x,y\n"),
        ["segments.csv:1: column 'name': appears twice in the header"]
    );
}

#[test]
fn import_rejects_wrong_field_count() {
    assert_eq!(
        bad_txn("T9,2024-01-01,C1,P1,1"),
        ["transactions.csv:2: expected 6 fields (as in the header), found 5"]
    );
}

#[test]
fn import_rejects_invalid_won_value() {
    assert_eq!(
        problems_for("quotes.csv", b"quote_id,date,customer_id,product_id,quantity,quoted_price,won\nQ9,2024-01-01,C1,P1,1,10,maybe\n"),
        ["quotes.csv:2: column 'won': 'maybe' is not a quote outcome (expected 1/0, true/false or won/lost)"]
    );
}

#[test]
fn import_rejects_invalid_utf8() {
    assert_eq!(
        problems_for("segments.csv", b"segment_id,name\nS9,Caf\xE9\n"),
        ["segments.csv:2: column 'name': is not valid UTF-8 (save the file as UTF-8)"]
    );
}

#[test]
fn import_rejects_empty_and_header_only_files() {
    assert_eq!(
        problems_for("products.csv", b""),
        ["products.csv: the file is empty (expected a header row)"]
    );
    assert_eq!(
        problems_for("products.csv", b"product_id,name,unit_cost,list_price\n\n"),
        ["products.csv: has a header but no data rows"]
    );
}

#[test]
fn import_reports_twenty_problems_then_counts_the_rest() {
    let rows: String = (0..30)
        .map(|i| format!("T{i}x,2024-01-01,C1,P1,bad,10\n"))
        .collect();
    let lines = problems_for("transactions.csv", format!("{TXN_HEADER}{rows}").as_bytes());
    assert_eq!(lines.len(), 21);
    assert_eq!(
        lines[0],
        "transactions.csv:2: column 'quantity': 'bad' is not a number"
    );
    assert_eq!(
        lines[19],
        "transactions.csv:21: column 'quantity': 'bad' is not a number"
    );
    assert_eq!(lines[20], "+10");
}

#[test]
fn replace_overwrites_rows_and_keeps_aggregates_exact() {
    let (_tmp, mut ws, _before, dir) = fixture_with(
        "transactions.csv",
        format!("{TXN_HEADER}T1,2024-01-01,C1,P1,20,10\nT6,2024-01-02,C2,P2,1,20\n").as_bytes(),
    );
    assert!(import_dir(&mut ws, &dir, false).is_err());
    import_dir(&mut ws, &dir, true).unwrap();
    assert_eq!(count(&ws, "transactions"), 6);
    // T1 was 10 @ pocket 8.5 with elements; now 20 @ 10 with none (absent element columns are 0).
    assert_close(
        sum(&ws, "SELECT quantity FROM transactions WHERE txn_id='T1'"),
        20.0,
        1e-12,
    );
    assert_close(sum(&ws, "SELECT SUM(quantity) FROM agg_week"), 31.0, 1e-12);
    assert_close(
        sum(&ws, "SELECT SUM(pocket_revenue) FROM agg_week"),
        202.0 - 85.0 + 200.0 + 20.0,
        1e-9,
    );
    assert_close(sum(&ws, "SELECT SUM(on_volume) FROM agg_month"), 3.0, 1e-12);
    let recomputed = sum(
        &ws,
        "SELECT SUM(quantity * pocket_price) FROM transaction_lines",
    );
    assert_close(
        sum(&ws, "SELECT SUM(pocket_revenue) FROM agg_month"),
        recomputed,
        1e-12,
    );
}

/// A corrected file re-sent with `--replace`: lines the same as their rows (which change no
/// sum and are not rewritten), a changed line, an element dropped, and a new line. The
/// workspace must hold what one built from the corrected lines holds.
#[test]
fn replace_with_same_changed_and_new_lines_equals_importing_the_corrected_lines() {
    let header = "txn_id,date,customer_id,product_id,quantity,list_price,on_volume,off_rebate\n";
    let resent = format!(
        "{header}T1,2024-01-01,C1,P1,10,10,1,0.5\nT2,2024-01-03,C2,P1,6,10,0,0.5\n\
         T3,2024-01-04,C3,P2,2,20,0,1\nT6,2024-02-02,C2,P2,3,20,1,0\n"
    );
    let (tmp, mut ws, _before, dir) = fixture_with("transactions.csv", resent.as_bytes());
    import_dir(&mut ws, &dir, true).unwrap();
    // The same lines, imported once.
    let fresh_dir = write_fixture(&tmp.path().join("fresh"));
    let corrected = format!(
        "{header}T1,2024-01-01,C1,P1,10,10,1,0.5\nT2,2024-01-03,C2,P1,6,10,0,0.5\n\
         T3,2024-01-04,C3,P2,2,20,0,1\nT4,2024-01-08,C1,P1,-1,10,1,0.5\n\
         T5,2024-02-01,C3,P1,4,11,0,0\nT6,2024-02-02,C2,P2,3,20,1,0\n"
    );
    std::fs::write(fresh_dir.join("transactions.csv"), corrected).unwrap();
    let mut fresh = self::ws();
    import_dir(&mut fresh, &fresh_dir, false).unwrap();
    let rows = |ws: &Workspace, sql: &str| -> Vec<String> {
        let mut stmt = ws.conn().prepare(sql).unwrap();
        let n = stmt.column_count();
        stmt.query_map([], |r| {
            Ok((0..n)
                .map(|i| match r.get_ref(i).unwrap() {
                    rusqlite::types::ValueRef::Real(v) => format!("{:.9}", v + 0.0),
                    v => format!("{v:?}"),
                })
                .collect::<Vec<_>>()
                .join("|"))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    for sql in [
        "SELECT txn_id, date, customer_id, product_id, quantity, list_price, unit_cost, on_volume, off_rebate FROM transactions ORDER BY txn_id",
        "SELECT * FROM agg_week ORDER BY 1, 2, 3",
        "SELECT * FROM agg_month ORDER BY 1, 2, 3",
        "SELECT * FROM agg_customer ORDER BY 1, 2",
        "SELECT product_id, date, list_price, quantity, lines FROM agg_list_day WHERE lines <> 0 ORDER BY 1, 2, 3",
        "SELECT customer_id, product_id, SUM(quantity), SUM(quantity * pocket_price) FROM transaction_lines GROUP BY 1, 2 ORDER BY 1, 2",
    ] {
        assert_eq!(rows(&ws, sql), rows(&fresh, sql), "{sql}");
    }
    // The customer-month sums (read for any range at customer level) net out the same.
    use pricebench::store::realization::{Grouping, Scope, group_sums};
    let scope = Scope {
        from: pricebench::date::Date::parse("2024-01-01"),
        to: pricebench::date::Date::parse("2024-02-29"),
        ..Scope::default()
    };
    let sums = |ws: &Workspace| -> Vec<String> {
        let elements = pricebench::store::elements(ws).unwrap();
        group_sums(ws, &elements, Grouping::CustomerProduct, &scope)
            .unwrap()
            .into_iter()
            .map(|g| {
                let s = g.sums;
                format!(
                    "{:?} {} {:.9} {:.9} {:.9} {:?}",
                    g.key, s.lines, s.quantity, s.pocket_revenue, s.cost, s.elements
                )
            })
            .collect()
    };
    assert_eq!(sums(&ws), sums(&fresh));
}

#[test]
fn replace_of_customer_segment_moves_its_lines_and_aggregates() {
    let (_tmp, mut ws, _before, dir) = fixture_with(
        "customers.csv",
        b"customer_id,segment_id,name\nC3,S1,Gamma\n",
    );
    import_dir(&mut ws, &dir, true).unwrap();
    let s2 = sum(
        &ws,
        "SELECT COALESCE(SUM(quantity), 0) FROM agg_week WHERE segment_id='S2'",
    );
    assert_close(s2, 0.0, 1e-12);
    assert_close(
        sum(
            &ws,
            "SELECT SUM(quantity) FROM agg_week WHERE segment_id='S1'",
        ),
        20.0,
        1e-12,
    );
    let seg: String = ws
        .conn()
        .query_row(
            "SELECT segment_id FROM quotes WHERE quote_id='Q2'",
            [],
            |r| r.get(0),
        )
        .unwrap();
    assert_eq!(seg, "S1");
}

#[test]
fn bundled_sample_imports_with_exact_counts() {
    let ws = pricebench::store::bundled_sample().unwrap();
    assert_eq!(ws.origin(), &Origin::Sample);
    // Every data line of the committed files (one record per line: the sample quotes
    // nothing), and the sizes the generator was asked for.
    let lines_of = |file: &str| {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("testdata/sample")
            .join(file);
        std::fs::read_to_string(path).unwrap().lines().count() as i64 - 1
    };
    for (table, n) in [
        ("segments", 5),
        ("customers", 300),
        ("products", 24),
        ("transactions", 40_000),
        ("quotes", lines_of("quotes.csv")),
        ("survey", lines_of("survey.csv")),
    ] {
        assert_eq!(count(&ws, table), n, "{table}");
    }
    assert!(lines_of("quotes.csv") > 5_000 && lines_of("survey.csv") > 2_000);
    // The aggregates reconcile with the lines they summarise.
    let lines = sum(
        &ws,
        "SELECT SUM(quantity * pocket_price) FROM transaction_lines",
    );
    assert_close(
        sum(&ws, "SELECT SUM(pocket_revenue) FROM agg_week"),
        lines,
        1e-9,
    );
    assert_close(
        sum(&ws, "SELECT SUM(pocket_revenue) FROM agg_month"),
        lines,
        1e-9,
    );
    assert_eq!(sum(&ws, "SELECT SUM(lines) FROM agg_week") as i64, 40_000);
    let on = sum(
        &ws,
        "SELECT SUM(quantity * (list_price - invoice_price)) FROM transaction_lines",
    );
    let elements = sum(
        &ws,
        "SELECT SUM(on_volume + on_promo + on_competitive) FROM agg_week",
    );
    assert_close(elements, on, 1e-9);
}

#[test]
fn customer_aggregates_reconcile_and_follow_replace() {
    let (_tmp, mut ws, _before, dir) = fixture_with(
        "transactions.csv",
        format!("{TXN_HEADER}T1,2024-01-01,C2,P1,20,10\n").as_bytes(),
    );
    let c1: f64 = sum(
        &ws,
        "SELECT quantity FROM agg_customer WHERE customer_id='C1' AND product_id='P1'",
    );
    assert_close(c1, 9.0, 1e-12);
    import_dir(&mut ws, &dir, true).unwrap();
    // T1 (10 units) moved from C1 to C2 with 20 units.
    assert_close(
        sum(
            &ws,
            "SELECT quantity FROM agg_customer WHERE customer_id='C1' AND product_id='P1'",
        ),
        -1.0,
        1e-12,
    );
    assert_close(
        sum(
            &ws,
            "SELECT quantity FROM agg_customer WHERE customer_id='C2' AND product_id='P1'",
        ),
        25.0,
        1e-12,
    );
    let by_line = sum(
        &ws,
        "SELECT SUM(quantity * invoice_price) FROM transaction_lines",
    );
    assert_close(
        sum(&ws, "SELECT SUM(invoice_revenue) FROM agg_customer"),
        by_line,
        1e-12,
    );
}

#[test]
fn new_workspaces_get_16_kib_pages_and_older_files_keep_theirs() {
    let tmp = tempfile::tempdir().unwrap();
    let page_size = |ws: &Workspace| -> i64 {
        ws.conn()
            .pragma_query_value(None, "page_size", |r| r.get(0))
            .unwrap()
    };
    let fresh = Workspace::open(&tmp.path().join("new.db")).unwrap();
    assert_eq!(page_size(&fresh), 16_384);
    // A file that was written before (here with SQLite's default 4 KiB pages) is migrated in
    // place: its page size stays. (It holds no table: a database with tables of its own and
    // no pricebench schema version is refused as not a workspace.)
    let old = tmp.path().join("old.db");
    let conn = rusqlite::Connection::open(&old).unwrap();
    conn.execute_batch(
        "PRAGMA page_size = 4096; CREATE TABLE notes (text TEXT); DROP TABLE notes;",
    )
    .unwrap();
    drop(conn);
    let ws = Workspace::open(&old).unwrap();
    assert_eq!(page_size(&ws), 4096);
    let version: i64 = ws
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, pricebench::store::schema::SCHEMA_VERSION);
}

#[test]
fn migration_from_v1_builds_customer_aggregates() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("v1.db");
    {
        let mut ws = Workspace::open(&db).unwrap();
        import_dir(&mut ws, &write_fixture(&tmp.path().join("in")), false).unwrap();
    }
    // Turn the file back into a v1 workspace, as an older pricebench left it: no customer
    // aggregates, and transactions storing their week, segment, invoice and pocket price.
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch(
        "DROP TABLE agg_customer; DROP TABLE date_range; DROP TABLE elasticity_run;
         DROP TABLE elasticity_result; DROP TABLE agg_customer_month; DROP TABLE line_blocks; DROP TABLE agg_list_day;
         DROP TABLE competitor_prices; DROP TABLE settings; DROP TABLE fx_rates;
         ALTER TABLE products DROP COLUMN uom; ALTER TABLE products DROP COLUMN currency;
         ALTER TABLE quotes DROP COLUMN currency;
         CREATE TABLE v1 AS SELECT * FROM transaction_lines ORDER BY txn_id;
         DROP VIEW transaction_lines; DROP TABLE transactions;
         ALTER TABLE v1 RENAME TO transactions;
         CREATE UNIQUE INDEX transactions_txn_id ON transactions(txn_id);
         PRAGMA user_version = 1;",
    )
    .unwrap();
    let v1_pocket: f64 = conn
        .query_row(
            "SELECT SUM(quantity * pocket_price) FROM transactions",
            [],
            |r| r.get(0),
        )
        .unwrap();
    drop(conn);
    let ws = Workspace::open(&db).unwrap();
    let version: i64 = ws
        .conn()
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .unwrap();
    assert_eq!(version, pricebench::store::schema::SCHEMA_VERSION);
    assert_close(
        sum(&ws, "SELECT SUM(pocket_revenue) FROM agg_customer"),
        202.0,
        1e-12,
    );
    assert_close(
        sum(&ws, "SELECT SUM(off_rebate) FROM agg_customer"),
        9.0,
        1e-12,
    );
    // v6: the customer-month sums, from the lines.
    let cells =
        pricebench::store::panel::panel_cells(&ws, pricebench::store::demand::PriceBasis::Pocket)
            .unwrap();
    let pocket: f64 = cells.iter().flat_map(|c| &c.obs).map(|o| o.revenue).sum();
    assert_close(pocket, 202.0, 1e-12);
    assert_eq!(cells.iter().map(|c| c.obs.len()).sum::<usize>(), 4);
    // v4: the stored prices became a view that gives them back, the rows kept.
    let columns: Vec<String> = ws
        .conn()
        .prepare("SELECT name FROM pragma_table_info('transactions')")
        .unwrap()
        .query_map([], |r| r.get(0))
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    assert_eq!(
        columns[..7],
        [
            "txn_id",
            "date",
            "customer_id",
            "product_id",
            "quantity",
            "list_price",
            "unit_cost"
        ]
    );
    assert!(!columns.iter().any(|c| c == "pocket_price" || c == "week"));
    assert_eq!(count(&ws, "transactions"), 5);
    assert_close(
        sum(
            &ws,
            "SELECT SUM(quantity * pocket_price) FROM transaction_lines",
        ),
        v1_pocket,
        1e-12,
    );
    assert_close(v1_pocket, 202.0, 1e-12);
}

#[test]
fn newer_schema_is_refused_and_left_alone() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tmp.path().join("new.db");
    drop(Workspace::open(&db).unwrap());
    let conn = rusqlite::Connection::open(&db).unwrap();
    conn.execute_batch("PRAGMA user_version = 99;").unwrap();
    drop(conn);
    let before = std::fs::read(&db).unwrap();
    let err = Workspace::open(&db)
        .err()
        .expect("a newer schema must be refused");
    assert!(err.to_string().contains("schema version 99"), "{err}");
    assert_eq!(std::fs::read(&db).unwrap(), before);
}

#[test]
fn duplicates_inside_a_multi_row_insert_are_found_line_by_line() {
    // 100 new lines in one file: line 41 repeats an existing id and line 90 repeats line 3.
    let rows: String = (1..=100)
        .map(|i| match i {
            40 => "T1,2024-01-01,C1,P1,1,10\n".to_string(),
            89 => "N0002,2024-01-01,C1,P1,1,10\n".to_string(),
            _ => format!("N{i:04},2024-01-01,C1,P1,1,10\n"),
        })
        .collect();
    let lines = problems_for("transactions.csv", format!("{TXN_HEADER}{rows}").as_bytes());
    assert_eq!(
        lines,
        [
            "transactions.csv:41: column 'txn_id': 'T1' already exists in the workspace (use --replace to overwrite it)",
            "transactions.csv:90: column 'txn_id': 'N0002' appears twice in this import (first at transactions.csv:3)",
        ]
    );
}

#[test]
fn duplicates_in_a_fresh_bulk_load_name_both_lines() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_fixture(&tmp.path().join("in"));
    std::fs::write(
        dir.join("transactions.csv"),
        format!("{TXN_HEADER}T1,2024-01-01,C1,P1,1,10\nT2,2024-01-01,C1,P1,1,10\n\nT3,2024-01-01,C1,P1,1,10\nT1,2024-01-02,C2,P1,1,10\n"),
    )
    .unwrap();
    std::fs::write(
        dir.join("transactions_b.csv"),
        format!("{TXN_HEADER}T9,2024-01-01,C1,P1,1,10\nT3,2024-01-01,C1,P1,1,10\n"),
    )
    .unwrap();
    let mut ws = ws();
    let before = dump(&ws);
    let Err(ImportError::Problems(p)) = import_dir(&mut ws, &dir, false) else {
        panic!("duplicates must fail")
    };
    let prefix = format!("{}/", dir.display());
    let lines: Vec<String> = p
        .kept
        .iter()
        .map(|p| p.to_string().replace(&prefix, ""))
        .collect();
    assert_eq!(
        lines,
        [
            "transactions.csv:6: column 'txn_id': 'T1' appears twice in this import (first at transactions.csv:2)",
            "transactions_b.csv:3: column 'txn_id': 'T3' appears twice in this import (first at transactions.csv:5)",
        ]
    );
    assert_eq!(dump(&ws), before);
}

#[test]
fn line_numbers_count_blank_lines_crlf_and_quoted_line_breaks() {
    // Line 3 and 4 are blank, the record on line 6 spans two lines, line 8 is blank and the
    // file ends without a line break.
    let text = "txn_id,date,customer_id,product_id,quantity,list_price\r\nN1,2024-01-01,C1,P1,1,10\r\n\r\n\r\n\
                N2,2024-01-01,C1,P1,1,1x\r\n\"N3\r\nx\",2024-01-01,C1,P1,1,1y\r\n\r\nN4,2024-01-02,C2,P1,1,1z";
    assert_eq!(
        problems_for("transactions.csv", text.as_bytes()),
        [
            "transactions.csv:5: column 'list_price': '1x' is not a number",
            "transactions.csv:6: column 'list_price': '1y' is not a number",
            "transactions.csv:9: column 'list_price': '1z' is not a number",
        ]
    );
}

#[test]
fn a_first_import_of_quotes_builds_their_cell_index_and_a_failed_one_keeps_it() {
    let index_exists = |ws: &Workspace| -> bool {
        ws.conn()
            .query_row(
                "SELECT EXISTS (SELECT 1 FROM sqlite_master WHERE name = 'quotes_cell')",
                [],
                |r| r.get(0),
            )
            .unwrap()
    };
    let tmp = tempfile::tempdir().unwrap();
    let dir = write_fixture(&tmp.path().join("in"));
    let mut ws = ws();
    import_dir(&mut ws, &dir, false).unwrap();
    assert!(count(&ws, "quotes") > 0);
    assert!(index_exists(&ws));
    let plan: String = ws
        .conn()
        .query_row(
            "EXPLAIN QUERY PLAN SELECT * FROM quotes WHERE segment_id = 'S1' AND product_id = 'P1'",
            [],
            |r| r.get(3),
        )
        .unwrap();
    assert!(plan.contains("quotes_cell"), "{plan}");

    // A failing import into an empty workspace (a bad quote) rolls the drop back too.
    let mut empty = self::ws();
    let quotes = std::fs::read_to_string(dir.join("quotes.csv")).unwrap();
    std::fs::write(
        dir.join("quotes.csv"),
        format!("{quotes}Q999,2024-13-01,C1,P1,1,9.5,1\n"),
    )
    .unwrap();
    assert!(import_dir(&mut empty, &dir, false).is_err());
    assert_eq!(count(&empty, "quotes"), 0);
    assert!(index_exists(&empty));
}

/// 70 new lines (more than one batched insert) where line 9 repeats the id of line 3.
fn txn_id_twice() -> String {
    let rows: String = (1..=70)
        .map(|i| {
            let n = if i == 8 { 2 } else { i };
            format!("N{n:04},2024-01-01,C1,P1,1,10\n")
        })
        .collect();
    format!("{TXN_HEADER}{rows}")
}

#[test]
fn import_rejects_a_txn_id_twice_in_one_file_even_with_replace() {
    let twice = "transactions.csv:9: column 'txn_id': 'N0002' appears twice in this import (first at transactions.csv:3)";
    for replace in [false, true] {
        assert_eq!(
            problems_when("transactions.csv", txn_id_twice().as_bytes(), replace),
            [twice],
            "replace: {replace}"
        );
    }
    // An id from the workspace, twice: without --replace the first line is told it exists.
    assert_eq!(
        bad_txn("T1,2024-01-01,C1,P1,1,10\nT1,2024-01-02,C1,P1,1,10"),
        [
            "transactions.csv:2: column 'txn_id': 'T1' already exists in the workspace (use --replace to overwrite it)",
            "transactions.csv:3: column 'txn_id': 'T1' appears twice in this import (first at transactions.csv:2)",
        ]
    );
    assert_eq!(
        problems_when(
            "transactions.csv",
            format!("{TXN_HEADER}T1,2024-01-01,C1,P1,1,10\nT1,2024-01-02,C1,P1,1,10\n").as_bytes(),
            true
        ),
        [
            "transactions.csv:3: column 'txn_id': 'T1' appears twice in this import (first at transactions.csv:2)"
        ]
    );
}

#[test]
fn import_rejects_a_txn_id_twice_in_a_first_import_even_with_replace() {
    for replace in [false, true] {
        let tmp = tempfile::tempdir().unwrap();
        let dir = write_fixture(&tmp.path().join("in"));
        std::fs::write(dir.join("transactions.csv"), txn_id_twice()).unwrap();
        let mut ws = ws();
        let before = dump(&ws);
        let Err(ImportError::Problems(p)) = import_dir(&mut ws, &dir, replace) else {
            panic!("an id twice must fail (replace: {replace})")
        };
        let prefix = format!("{}/", dir.display());
        assert_eq!(
            p.to_string().replace(&prefix, ""),
            "transactions.csv:9: column 'txn_id': 'N0002' appears twice in this import (first at transactions.csv:3)\n",
            "replace: {replace}"
        );
        assert_eq!(dump(&ws), before);
    }
}

#[test]
fn import_rejects_an_id_twice_in_two_files_of_one_import_even_with_replace() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ws = ws();
    import_dir(&mut ws, &write_fixture(&tmp.path().join("base")), false).unwrap();
    let before = dump(&ws);
    let dir = tmp.path().join("two");
    std::fs::create_dir_all(&dir).unwrap();
    let line =
        |id: &str| format!("{TXN_HEADER}N1,2024-01-01,C1,P1,1,10\n{id},2024-01-02,C1,P1,1,10\n");
    std::fs::write(dir.join("transactions_a.csv"), line("T1")).unwrap();
    std::fs::write(dir.join("transactions_b.csv"), line("T2")).unwrap();
    let Err(ImportError::Problems(p)) = import_dir(&mut ws, &dir, true) else {
        panic!("an id in two files must fail")
    };
    let prefix = format!("{}/", dir.display());
    assert_eq!(
        p.to_string().replace(&prefix, ""),
        "transactions_b.csv:2: column 'txn_id': 'N1' appears twice in this import (first at transactions_a.csv:2)\n"
    );
    assert_eq!(dump(&ws), before);
}

/// A row from before the import, replaced by one file and named again by the next: the second
/// line is told where the first was, though the row was rewritten in place, not added.
#[test]
fn a_replaced_row_named_again_in_a_later_file_is_an_id_twice() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ws = ws();
    import_dir(&mut ws, &write_fixture(&tmp.path().join("base")), false).unwrap();
    let before = dump(&ws);
    let dir = tmp.path().join("two");
    std::fs::create_dir_all(&dir).unwrap();
    let a = format!("{TXN_HEADER}N1,2024-01-01,C1,P1,1,10\nT2,2024-01-02,C1,P1,1,10\n");
    let b = format!("{TXN_HEADER}T3,2024-01-01,C1,P1,1,10\nT2,2024-01-03,C1,P1,2,10\n");
    std::fs::write(dir.join("transactions_a.csv"), a).unwrap();
    std::fs::write(dir.join("transactions_b.csv"), b).unwrap();
    let Err(ImportError::Problems(p)) = import_dir(&mut ws, &dir, true) else {
        panic!("a replaced id named again must fail")
    };
    let prefix = format!("{}/", dir.display());
    assert_eq!(
        p.to_string().replace(&prefix, ""),
        "transactions_b.csv:3: column 'txn_id': 'T2' appears twice in this import (first at transactions_a.csv:3)\n"
    );
    assert_eq!(dump(&ws), before);
}

#[test]
fn import_rejects_an_id_twice_in_every_kind_of_file_even_with_replace() {
    let cases: [(&str, &str, &str); 5] = [
        (
            "segments.csv",
            "segment_id,name\nS9,Nine\nS1,One\nS9,Nine again\n",
            "segments.csv:4: column 'segment_id': 'S9' appears twice in this import (first at segments.csv:2)",
        ),
        (
            "customers.csv",
            "customer_id,segment_id\nC1,S1\nC1,S2\n",
            "customers.csv:3: column 'customer_id': 'C1' appears twice in this import (first at customers.csv:2)",
        ),
        (
            "products.csv",
            "product_id,name,unit_cost,list_price\nP9,X,1,2\n\nP9,Y,1,2\n",
            "products.csv:4: column 'product_id': 'P9' appears twice in this import (first at products.csv:2)",
        ),
        (
            "quotes.csv",
            "quote_id,date,customer_id,product_id,quantity,quoted_price,won\nQ1,2024-01-02,C1,P1,1,9,1\nQ9,2024-01-02,C1,P1,1,9,0\nQ1,2024-01-03,C1,P1,1,9,0\n",
            "quotes.csv:4: column 'quote_id': 'Q1' appears twice in this import (first at quotes.csv:2)",
        ),
        (
            "survey.csv",
            "respondent_id,segment_id,product_id,too_cheap,cheap,expensive,too_expensive\nR9,S1,P1,1,2,3,4\nR9,S1,P2,1,2,3,4\nR9,S2,P1,1,2,3,4\n",
            "survey.csv:4: column 'respondent_id': 'R9' for product 'P1' appears twice in this import (first at survey.csv:2)",
        ),
    ];
    for (name, text, expected) in cases {
        assert_eq!(problems_when(name, text.as_bytes(), true), [expected]);
        // Without --replace, an id from the workspace is also told that it exists.
        let without = problems_when(name, text.as_bytes(), false);
        assert_eq!(without.last(), Some(&expected.to_string()), "{without:?}");
    }
}

#[test]
fn replace_still_overwrites_quotes_and_survey_answers_from_before_the_import() {
    let tmp = tempfile::tempdir().unwrap();
    let mut ws = ws();
    import_dir(&mut ws, &write_fixture(&tmp.path().join("base")), false).unwrap();
    let dir = tmp.path().join("again");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("quotes.csv"),
        "quote_id,date,customer_id,product_id,quantity,quoted_price,won\nQ1,2024-01-02,C1,P1,10,8.5,0\nQ3,2024-01-09,C2,P2,1,19,1\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("survey.csv"),
        "respondent_id,segment_id,product_id,too_cheap,cheap,expensive,too_expensive\nR1,S1,P1,5,7,13,16\n",
    )
    .unwrap();
    let Err(ImportError::Problems(p)) = import_dir(&mut ws, &dir, false) else {
        panic!("existing ids without --replace must fail")
    };
    let prefix = format!("{}/", dir.display());
    assert_eq!(
        p.to_string().replace(&prefix, ""),
        "quotes.csv:2: column 'quote_id': 'Q1' already exists in the workspace (use --replace to overwrite it)\n\
         survey.csv:2: column 'respondent_id': 'R1' for product 'P1' already exists in the workspace (use --replace to overwrite it)\n"
    );
    import_dir(&mut ws, &dir, true).unwrap();
    assert_eq!(count(&ws, "quotes"), 3);
    assert_eq!(count(&ws, "survey"), 2);
    let q1: (f64, i64) = ws
        .conn()
        .query_row(
            "SELECT quoted_price, won FROM quotes WHERE quote_id = 'Q1'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(q1, (8.5, 0));
    assert_close(
        sum(
            &ws,
            "SELECT too_expensive FROM survey WHERE respondent_id = 'R1'",
        ),
        16.0,
        1e-12,
    );
}
