//! Questions over any day range are answered from customer-month sums and the lines of the
//! partial months at the range's ends (`store::ranged`); here every grouping, the customer ×
//! product cells and the band's line points over ranges of every shape are compared, to the
//! cent, with a plain SQL scan of `transaction_lines` — on a realistic sample, after a
//! `--replace` of lines (negative customer-month records), and after an import of lines in no
//! date order (wide rowid blocks). The per product × day × list price sums that find list-price
//! changes are checked the same way.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pricebench::date::Date;
use pricebench::realization::sums::{Element, GroupSums};
use pricebench::store::Workspace;
use pricebench::store::realization::{Grouping, Scope, cells, group_sums, line_points};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

fn ok(db: &Path, args: &[&str]) {
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{args:?}: {stderr}");
}

/// A workspace with a 20k-line realistic sample (two years); returns it and the sample's files.
fn sample(tmp: &Path) -> (PathBuf, PathBuf) {
    let dir = tmp.join("sample");
    let db = tmp.join("w.db");
    let d = dir.to_str().unwrap();
    ok(
        &db,
        &[
            "sample",
            "--world",
            "realistic",
            "--rows",
            "20000",
            "--seed",
            "11",
            "--out",
            d,
        ],
    );
    ok(&db, &["import", d]);
    (db, dir)
}

fn day(s: &str) -> Option<Date> {
    Some(Date::parse(s).unwrap())
}

/// Ranges of every shape: partial months at both ends, inside one month, across two partial
/// months, single days, whole months, open ends, across a year end, and none at all.
fn ranges(ws: &Workspace) -> Vec<(Option<Date>, Option<Date>)> {
    let (first, last): (String, String) = ws
        .conn()
        .query_row("SELECT first_date, last_date FROM date_range", [], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })
        .unwrap();
    let first = Date::parse(&first).unwrap();
    let last = Date::parse(&last).unwrap();
    let at = |days: i32| Some(first.add_days(days));
    vec![
        (at(33), at(380)),
        (at(40), at(52)),
        (at(20), at(45)),
        (at(100), at(100)),
        (day("2024-03-01"), day("2024-05-31")),
        (None, at(200)),
        (at(300), None),
        (day("2024-12-17"), day("2025-01-09")),
        (Some(first), Some(last)),
        (Some(last.add_days(5)), Some(last.add_days(40))),
    ]
}

/// Per group of `columns`: lines, quantity, list, invoice, pocket, cost and each element,
/// summed by SQLite over the view's lines in the range.
fn scan(
    ws: &Workspace,
    elements: &[Element],
    columns: &[&str],
    (from, to): (Option<Date>, Option<Date>),
    filter: Option<(&str, &str)>,
) -> BTreeMap<Vec<String>, Vec<f64>> {
    let keys = columns.join(", ");
    let mut sums = vec![
        "COUNT(*)".to_string(),
        "SUM(quantity)".into(),
        "SUM(quantity * list_price)".into(),
        "SUM(quantity * invoice_price)".into(),
        "SUM(quantity * pocket_price)".into(),
        "SUM(quantity * unit_cost)".into(),
    ];
    sums.extend(
        elements
            .iter()
            .map(|e| format!("SUM(quantity * \"{}\")", e.column)),
    );
    let select = if keys.is_empty() {
        sums.join(", ")
    } else {
        format!("{keys}, {}", sums.join(", "))
    };
    let mut sql = format!(
        "SELECT {select} FROM transaction_lines WHERE date >= '{}' AND date <= '{}'",
        from.map_or("0000-01-01".into(), |d| d.to_string()),
        to.map_or("9999-12-31".into(), |d| d.to_string())
    );
    if let Some((column, value)) = filter {
        sql.push_str(&format!(" AND {column} = '{value}'"));
    }
    if !keys.is_empty() {
        sql.push_str(&format!(" GROUP BY {keys}"));
    }
    let mut stmt = ws.conn().prepare(&sql).unwrap();
    let n = columns.len();
    let rows = stmt
        .query_map([], |r| {
            let key: Vec<String> = (0..n).map(|i| r.get(i)).collect::<Result<_, _>>()?;
            let values: Vec<f64> = (0..sums.len())
                .map(|i| Ok(r.get::<_, Option<f64>>(n + i)?.unwrap_or(0.0)))
                .collect::<Result<_, rusqlite::Error>>()?;
            Ok((key, values))
        })
        .unwrap();
    rows.map(Result::unwrap)
        .filter(|(_, v)| keys.is_empty() || v[0] > 0.0)
        .collect()
}

fn values(g: &GroupSums) -> Vec<f64> {
    let s = &g.sums;
    let mut v = vec![
        s.lines as f64,
        s.quantity,
        s.list_revenue,
        s.invoice_revenue,
        s.pocket_revenue,
        s.cost,
    ];
    v.extend(&s.elements);
    v
}

fn key_of(g: &GroupSums, columns: &[&str]) -> Vec<String> {
    columns
        .iter()
        .map(|c| {
            match *c {
                "segment_id" => g.key.segment_id.clone(),
                "product_id" => g.key.product_id.clone(),
                _ => g.key.customer_id.clone(),
            }
            .unwrap()
        })
        .collect()
}

const GROUPINGS: [(Grouping, &[&str]); 6] = [
    (Grouping::Total, &[]),
    (Grouping::Segment, &["segment_id"]),
    (Grouping::Product, &["product_id"]),
    (Grouping::SegmentProduct, &["segment_id", "product_id"]),
    (Grouping::Customer, &["segment_id", "customer_id"]),
    (
        Grouping::CustomerProduct,
        &["segment_id", "product_id", "customer_id"],
    ),
];

/// Every grouping over every range, with and without a segment, product or customer filter,
/// equals the scan to the cent, in the scan's group order.
fn assert_groups_match_the_scan(ws: &Workspace) -> usize {
    let elements = pricebench::store::elements(ws).unwrap();
    let (segment, product, customer): (String, String, String) = ws
        .conn()
        .query_row(
            "SELECT segment_id, product_id, customer_id FROM transaction_lines \
             GROUP BY customer_id, product_id ORDER BY COUNT(*) DESC LIMIT 1",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .unwrap();
    let mut compared = 0;
    for range in ranges(ws) {
        for filter in [
            None,
            Some(("segment_id", segment.as_str())),
            Some(("product_id", product.as_str())),
            Some(("customer_id", customer.as_str())),
        ] {
            let mut scope = Scope {
                from: range.0,
                to: range.1,
                ..Scope::default()
            };
            match filter {
                Some(("segment_id", v)) => scope.segment = Some(v.into()),
                Some(("product_id", v)) => scope.product = Some(v.into()),
                Some((_, v)) => scope.customer = Some(v.into()),
                None => {}
            }
            for (grouping, columns) in GROUPINGS {
                let got = group_sums(ws, &elements, grouping, &scope).unwrap();
                let want = scan(ws, &elements, columns, range, filter);
                let got_keys: Vec<Vec<String>> = got.iter().map(|g| key_of(g, columns)).collect();
                let want_keys: Vec<Vec<String>> = want.keys().cloned().collect();
                assert_eq!(got_keys, want_keys, "{grouping:?} {range:?} {filter:?}");
                for (g, (_, w)) in got.iter().zip(&want) {
                    let v = values(g);
                    assert_eq!(v.len(), w.len());
                    for (i, (a, b)) in v.iter().zip(w).enumerate() {
                        assert!(
                            (a - b).abs() < 0.005,
                            "{grouping:?} {range:?} {filter:?} {:?} sum {i}: {a} vs {b}",
                            g.key
                        );
                    }
                    compared += 1;
                }
            }
        }
    }
    compared
}

/// The cells (band on the customer basis) and the band's line points over every range equal
/// the scan's.
fn assert_cells_and_points_match_the_scan(ws: &Workspace) {
    for range in ranges(ws) {
        let scope = Scope {
            from: range.0,
            to: range.1,
            ..Scope::default()
        };
        let got = cells(ws, &scope).unwrap();
        let mut stmt = ws
            .conn()
            .prepare(
                "SELECT segment_id, product_id, customer_id, SUM(quantity), \
                 SUM(quantity * list_price), SUM(quantity * invoice_price), \
                 SUM(quantity * pocket_price) FROM transaction_lines \
                 WHERE date >= ?1 AND date <= ?2 \
                 GROUP BY customer_id, product_id ORDER BY customer_id, product_id",
            )
            .unwrap();
        let bound = |d: Option<Date>, f: &str| d.map_or(f.to_string(), |d| d.to_string());
        let want: Vec<(String, String, String, [f64; 4])> = stmt
            .query_map(
                (bound(range.0, "0000-01-01"), bound(range.1, "9999-12-31")),
                |r| {
                    Ok((
                        r.get(0)?,
                        r.get(1)?,
                        r.get(2)?,
                        [r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?],
                    ))
                },
            )
            .unwrap()
            .map(Result::unwrap)
            .collect();
        assert_eq!(got.len(), want.len(), "{range:?}");
        for (c, (s, p, cu, v)) in got.iter().zip(&want) {
            assert_eq!(
                (&*c.segment_id, &*c.product_id, &*c.customer_id),
                (s.as_str(), p.as_str(), cu.as_str())
            );
            let mine = [
                c.quantity,
                c.list_revenue,
                c.invoice_revenue,
                c.pocket_revenue,
            ];
            for (a, b) in mine.iter().zip(v) {
                assert!((a - b).abs() < 0.005, "{range:?} {cu} {p}: {a} vs {b}");
            }
        }
        let points = line_points(ws, &scope).unwrap();
        let n_points: usize = points.iter().map(|g| g.points.len()).sum();
        let want_points: i64 = ws
            .conn()
            .query_row(
                "SELECT COUNT(*) FROM (SELECT DISTINCT segment_id, product_id, \
                 ROUND(100.0 * pocket_price / list_price, 4) FROM transaction_lines \
                 WHERE list_price > 0 AND date >= ?1 AND date <= ?2)",
                (bound(range.0, "0000-01-01"), bound(range.1, "9999-12-31")),
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(n_points as i64, want_points, "{range:?}");
        let quantity: f64 = points
            .iter()
            .flat_map(|g| &g.points)
            .map(|p| p.quantity)
            .sum();
        let want_quantity: f64 = ws
            .conn()
            .query_row(
                "SELECT COALESCE(SUM(quantity), 0) FROM transaction_lines \
                 WHERE list_price > 0 AND date >= ?1 AND date <= ?2",
                (bound(range.0, "0000-01-01"), bound(range.1, "9999-12-31")),
                |r| r.get(0),
            )
            .unwrap();
        assert!((quantity - want_quantity).abs() < 1e-6, "{range:?}");
    }
}

/// `agg_list_day` (what finds list-price changes) equals a GROUP BY over the lines.
fn assert_list_days_match_the_lines(ws: &Workspace) {
    let read = |sql: &str| -> Vec<(String, String, f64, i64, i64)> {
        let mut stmt = ws.conn().prepare(sql).unwrap();
        stmt.query_map([], |r| {
            let q: f64 = r.get(3)?;
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                (q * 1000.0).round() as i64,
                r.get(4)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect()
    };
    let kept = read(
        "SELECT product_id, date, list_price, quantity, lines FROM agg_list_day \
         ORDER BY product_id, date, list_price",
    );
    let lines = read(
        "SELECT product_id, date, list_price + 0.0, SUM(ABS(quantity)), COUNT(*) \
         FROM transactions GROUP BY product_id, date, list_price + 0.0 \
         ORDER BY product_id, date, list_price + 0.0",
    );
    assert!(lines.len() > 1000, "{} list days", lines.len());
    assert_eq!(kept, lines);
}

#[test]
fn day_ranges_equal_a_scan_of_the_lines_to_the_cent() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, _) = sample(tmp.path());
    let ws = Workspace::open(&db).unwrap();
    // The whole-month sums and the blocks really are what answers: a range of whole months
    // has no day to read, and a few days read a few blocks, not the table.
    let blocks: i64 = ws
        .conn()
        .query_row("SELECT COUNT(*) FROM line_blocks", [], |r| r.get(0))
        .unwrap();
    assert!(blocks >= 1);
    let compared = assert_groups_match_the_scan(&ws);
    assert!(compared > 10_000, "only {compared} groups compared");
    assert_cells_and_points_match_the_scan(&ws);
    assert_list_days_match_the_lines(&ws);
}

#[test]
fn day_ranges_stay_exact_after_replaced_lines_and_lines_in_no_date_order() {
    let tmp = tempfile::tempdir().unwrap();
    let (db, dir) = sample(tmp.path());
    // Re-send a third of the lines with other quantities and prices (--replace takes the old
    // ones out of the sums), then add new lines in reverse date order.
    let text = std::fs::read_to_string(dir.join("transactions.csv")).unwrap();
    let mut lines = text.lines();
    let header = lines.next().unwrap();
    let rows: Vec<&str> = lines.collect();
    let mut replaced = vec![header.to_string()];
    for row in rows.iter().step_by(3) {
        let mut fields: Vec<String> = row.split(',').map(str::to_string).collect();
        let q: f64 = fields[4].parse().unwrap();
        fields[4] = format!("{}", q + 1.0);
        replaced.push(fields.join(","));
    }
    let redo = tmp.path().join("redo");
    std::fs::create_dir_all(&redo).unwrap();
    std::fs::write(redo.join("transactions.csv"), replaced.join("\n") + "\n").unwrap();
    ok(&db, &["import", "--replace", redo.to_str().unwrap()]);
    let mut shuffled = vec![header.to_string()];
    for row in rows.iter().rev().step_by(4) {
        let mut fields: Vec<String> = row.split(',').map(str::to_string).collect();
        fields[0] = format!("{}-again", fields[0]);
        shuffled.push(fields.join(","));
    }
    let more = tmp.path().join("more");
    std::fs::create_dir_all(&more).unwrap();
    std::fs::write(more.join("transactions.csv"), shuffled.join("\n") + "\n").unwrap();
    ok(&db, &["import", more.to_str().unwrap()]);
    let ws = Workspace::open(&db).unwrap();
    let negative: i64 = ws
        .conn()
        .query_row("SELECT COUNT(*) FROM agg_customer_month", [], |r| r.get(0))
        .unwrap();
    assert!(negative >= 3, "the imports appended their own chunks");
    let compared = assert_groups_match_the_scan(&ws);
    assert!(compared > 10_000, "only {compared} groups compared");
    assert_cells_and_points_match_the_scan(&ws);
    assert_list_days_match_the_lines(&ws);
}
