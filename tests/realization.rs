//! Price realization on the hand-computed fixture (tests/realization_fixture) and the bundled
//! sample: waterfall, band, outliers, leakage and correlation asserted exactly; the commands run
//! as the binary with their CSV parsed back.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod realization_fixture;
mod support;

use pricebench::date::Date;
use pricebench::realization::band::{BandBy, band, group_cells, observation, outliers};
use pricebench::realization::leakage::{customer_leakage, element_leakage, pearson, volume_fits};
use pricebench::realization::waterfall::{StepKind, Waterfall, waterfall};
use pricebench::store::Workspace;
use pricebench::store::realization::{self as store, Grouping, Scope};
use std::collections::HashMap;
use std::process::Command;
use support::assert_close;

fn waterfalls(ws: &Workspace, grouping: Grouping, scope: &Scope) -> Vec<Waterfall> {
    let elements = pricebench::store::elements(ws).unwrap();
    store::group_sums(ws, &elements, grouping, scope)
        .unwrap()
        .iter()
        .map(|g| waterfall(&elements, g))
        .collect()
}

fn per_unit(w: &Waterfall, step: &str) -> f64 {
    w.step(step).unwrap().per_unit.unwrap()
}

fn pct_of_list(w: &Waterfall, step: &str) -> f64 {
    w.step(step).unwrap().pct_of_list.unwrap()
}

#[test]
fn total_waterfall_matches_the_hand_computed_fixture() {
    let ws = realization_fixture::workspace();
    let all = waterfalls(&ws, Grouping::Total, &Scope::default());
    let w = &all[0];
    assert_close(w.quantity, 250.0, 1e-12);
    assert_close(w.list_revenue, 2900.0, 1e-12);
    assert_close(w.pocket_revenue, 2450.0, 1e-12);
    assert_close(w.realization_pct.unwrap(), 2450.0 / 2900.0 * 100.0, 1e-12);
    for (step, unit) in [
        ("list_price", 11.6),
        ("on_volume", 1.08),
        ("invoice_price", 10.52),
        ("off_rebate", 0.72),
        ("pocket_price", 9.8),
    ] {
        assert_close(per_unit(w, step), unit, 1e-12);
    }
    assert_close(pct_of_list(w, "on_volume"), 270.0 / 2900.0 * 100.0, 1e-12);
    assert_close(
        pct_of_list(w, "pocket_price"),
        2450.0 / 2900.0 * 100.0,
        1e-12,
    );
    let kinds: Vec<&str> = w.steps.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(
        kinds,
        ["list", "on_invoice", "invoice", "off_invoice", "pocket"]
    );
}

#[test]
fn product_waterfalls_reconcile_and_zero_volume_is_reported_not_divided() {
    let ws = realization_fixture::workspace();
    let by_product = waterfalls(&ws, Grouping::Product, &Scope::default());
    let ids: Vec<_> = by_product
        .iter()
        .map(|w| w.key.product_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["P1", "P2", "P3"]);
    let (p1, p2, p3) = (&by_product[0], &by_product[1], &by_product[2]);
    assert_close(per_unit(p1, "list_price"), 10.0, 1e-12);
    assert_close(per_unit(p1, "on_volume"), 170.0 / 210.0, 1e-12);
    assert_close(per_unit(p1, "pocket_price"), 1800.0 / 210.0, 1e-12);
    assert_close(per_unit(p2, "invoice_price"), 17.5, 1e-12);
    assert_close(per_unit(p2, "pocket_price"), 16.25, 1e-12);
    assert!(!p3.has_volume());
    assert!(
        p3.steps
            .iter()
            .all(|s| s.per_unit.is_none() && s.pct_of_list.is_none())
    );
    assert_eq!(p3.realization_pct, None);
    let pocket: f64 = by_product.iter().map(|w| w.pocket_revenue).sum();
    assert_close(pocket, 2450.0, 1e-12);
}

#[test]
fn date_ranges_use_whole_months_or_scan_the_days() {
    let ws = realization_fixture::workspace();
    let march = Scope {
        from: Date::parse("2024-03-01"),
        to: Date::parse("2024-03-31"),
        ..Scope::default()
    };
    let w = &waterfalls(&ws, Grouping::Total, &march)[0];
    assert_close(w.list_revenue, 900.0, 1e-12);
    assert_close(w.quantity, 50.0, 1e-12);
    let days = Scope {
        from: Date::parse("2024-01-15"),
        to: Date::parse("2024-02-10"),
        ..Scope::default()
    };
    let w = &waterfalls(&ws, Grouping::Total, &days)[0];
    assert_close(w.list_revenue, 600.0, 1e-12);
    assert_close(w.quantity, 60.0, 1e-12);
    // T02 (0 on_volume, 0.5 rebate) + T03 (2, 1) + T04 return (1, 0.5)
    assert_close(w.step("on_volume").unwrap().amount, 30.0, 1e-12);
    assert_close(w.step("off_rebate").unwrap().amount, 40.0, 1e-12);
    let by_customer = waterfalls(&ws, Grouping::Customer, &days);
    let ids: Vec<_> = by_customer
        .iter()
        .map(|w| w.key.customer_id.clone().unwrap())
        .collect();
    assert_eq!(ids, ["C1", "C2", "C3"]);
}

/// Σ over `transaction_lines` in 2024-01-15 … 2024-03-05 for the lines matching `filter`.
fn line_sums(ws: &Workspace, filter: &str, params: &[&str]) -> [f64; 6] {
    let sql = format!(
        "SELECT COUNT(*), COALESCE(SUM(quantity), 0), COALESCE(SUM(quantity * list_price), 0), \
         COALESCE(SUM(quantity * invoice_price), 0), COALESCE(SUM(quantity * pocket_price), 0), \
         COALESCE(SUM(quantity * off_rebate), 0) FROM transaction_lines \
         WHERE date >= '2024-01-15' AND date <= '2024-03-05' AND {filter}"
    );
    ws.conn()
        .query_row(&sql, rusqlite::params_from_iter(params), |r| {
            Ok([
                r.get::<_, i64>(0)? as f64,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
            ])
        })
        .unwrap()
}

#[test]
fn day_range_scans_agree_with_the_lines_for_every_grouping_and_segment() {
    // The scans read the stored columns and join segments per customer; the oracle sums
    // the view's per-line prices.
    let ws = realization_fixture::workspace();
    let elements = pricebench::store::elements(&ws).unwrap();
    let rebate = elements
        .iter()
        .position(|e| e.column == "off_rebate")
        .unwrap();
    for segment in [None, Some("S2")] {
        let scope = Scope {
            from: Date::parse("2024-01-15"),
            to: Date::parse("2024-03-05"),
            segment: segment.map(str::to_string),
            ..Scope::default()
        };
        for grouping in [
            Grouping::Total,
            Grouping::Segment,
            Grouping::Product,
            Grouping::SegmentProduct,
            Grouping::Customer,
            Grouping::CustomerProduct,
        ] {
            let groups = store::group_sums(&ws, &elements, grouping, &scope).unwrap();
            let mut lines = 0.0;
            for g in &groups {
                let mut filter = vec!["1".to_string()];
                let mut params = Vec::new();
                for (column, value) in [
                    ("segment_id", g.key.segment_id.as_deref().or(segment)),
                    ("product_id", g.key.product_id.as_deref()),
                    ("customer_id", g.key.customer_id.as_deref()),
                ] {
                    if let Some(v) = value {
                        filter.push(format!("{column} = ?"));
                        params.push(v);
                    }
                }
                let want = line_sums(&ws, &filter.join(" AND "), &params);
                let s = &g.sums;
                let got = [
                    s.lines as f64,
                    s.quantity,
                    s.list_revenue,
                    s.invoice_revenue,
                    s.pocket_revenue,
                    s.elements[rebate],
                ];
                for (g, w) in got.iter().zip(want) {
                    assert_close(*g, w, 1e-12);
                }
                lines += s.lines as f64;
            }
            // Every line of the range (of the segment) falls in exactly one group.
            let all = match segment {
                Some(sg) => line_sums(&ws, "segment_id = ?", &[sg]),
                None => line_sums(&ws, "1", &[]),
            };
            assert_eq!(lines, all[0], "{grouping:?} {segment:?}");
            assert!(all[0] >= 3.0);
        }
        // Customer × product cells over the same days (the band's input).
        for cell in store::cells(&ws, &scope).unwrap() {
            let want = line_sums(
                &ws,
                "customer_id = ? AND product_id = ?",
                &[&cell.customer_id, &cell.product_id],
            );
            assert_close(cell.quantity, want[1], 1e-12);
            assert_close(cell.list_revenue, want[2], 1e-12);
            assert_close(cell.pocket_revenue, want[4], 1e-12);
            if let Some(sg) = segment {
                assert_eq!(&*cell.segment_id, sg);
            }
        }
    }
}

#[test]
fn band_percentiles_and_outliers_match_the_hand_computation() {
    let ws = realization_fixture::workspace();
    let cells = store::cells(&ws, &Scope::default()).unwrap();
    let groups = group_cells(&cells, BandBy::Product);
    let bands: Vec<_> = groups
        .iter()
        .map(|(_, g)| band(&g.iter().map(|c| observation(c)).collect::<Vec<_>>(), 4))
        .collect();
    let p1 = bands[0].percentiles.unwrap();
    assert_eq!(
        (p1.p10, p1.p25, p1.p50, p1.p75, p1.p90),
        (80.0, 80.0, 85.0, 95.0, 95.0)
    );
    assert_eq!(p1.width(), 15.0);
    assert_eq!((bands[0].observations, bands[0].excluded), (5, 0));
    let p2 = bands[1].percentiles.unwrap();
    assert_eq!(
        (p2.p10, p2.p25, p2.p50, p2.p75, p2.p90),
        (70.0, 70.0, 85.0, 85.0, 85.0)
    );
    assert_eq!((bands[2].observations, bands[2].excluded), (0, 1));
    assert_eq!(bands[2].percentiles, None);
    // Histogram of P1: 4 bins of 7.5 points from 70 to 100 (the last one holds 95 and 100).
    let volumes: Vec<f64> = bands[0].histogram.iter().map(|b| b.volume).collect();
    assert_eq!(volumes, [20.0, 40.0, 90.0, 60.0]);
    let out = outliers(&groups[0].1, &bands[0]);
    assert_eq!(out.len(), 1);
    assert_eq!(&*out[0].customer_id, "C3");
    assert_eq!((out[0].pocket_pct, out[0].volume), (70.0, 20.0));
    assert_close(out[0].recoverable, 30.0, 1e-12);
    assert!(outliers(&groups[1].1, &bands[1]).is_empty());
}

#[test]
fn leakage_by_element_customer_and_the_volume_correlation() {
    let ws = realization_fixture::workspace();
    let elements = pricebench::store::elements(&ws).unwrap();
    let total = store::group_sums(&ws, &elements, Grouping::Total, &Scope::default()).unwrap();
    let leaks = element_leakage(&elements, &total[0].sums);
    assert_eq!(leaks[0].column, "on_volume");
    assert_close(leaks[0].amount, 270.0, 1e-12);
    assert_close(
        leaks[1].share_of_list_pct.unwrap(),
        180.0 / 2900.0 * 100.0,
        1e-12,
    );
    let cells = store::cells(&ws, &Scope::default()).unwrap();
    let customers = customer_leakage(&cells);
    let top: Vec<(&str, f64)> = customers
        .iter()
        .map(|c| (&*c.customer_id, c.recoverable))
        .collect();
    assert_eq!(top[0].0, "C3");
    assert_eq!(top[1].0, "C5");
    assert_close(top[0].1, 30.0, 1e-12);
    assert_close(top[1].1, 30.0, 1e-12);
    assert!(top[2..].iter().all(|(_, r)| *r == 0.0));
    let c5 = &customers[1];
    assert_close(c5.pocket_pct.unwrap(), 80.0, 1e-12);
    assert_close(c5.discount_pct.unwrap(), 20.0, 1e-12);
    assert_close(c5.volume, 20.0, 1e-12);
    let fits = volume_fits(&cells);
    let r = |id: &str| fits.iter().find(|f| f.id == id).unwrap();
    // P1: volumes 90, 50, 20, 40, 10 against 85, 95, 70, 80, 100 % → Σdxdy −60, Σdx² 3880, Σdy² 570.
    assert_close(
        r("P1").r.unwrap(),
        -60.0 / (3880.0f64 * 570.0).sqrt(),
        1e-12,
    );
    assert_eq!(r("P1").finding(), "not earned: weak correlation");
    assert_eq!(
        (r("P2").customers, r("P2").finding()),
        (2, "too few customers")
    );
    assert_eq!(r("P3").customers, 0);
    // S1: list revenue 900, 500, 200 against 85, 95, 70 % → 14000 / √(740000 × 950).
    assert_close(
        r("S1").r.unwrap(),
        14000.0 / (740_000.0f64 * 950.0).sqrt(),
        1e-12,
    );
    assert_eq!(pearson(&[(1.0, 1.0), (1.0, 2.0), (1.0, 3.0)]), None);
}

#[test]
fn sample_waterfalls_reconcile_to_the_cent_and_sum_to_the_total() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let total = &waterfalls(&ws, Grouping::Total, &Scope::default())[0];
    let overview = pricebench::store::query::overview(&ws).unwrap();
    assert_close(total.pocket_revenue, overview.pocket_revenue, 1e-9);
    for grouping in [
        Grouping::Segment,
        Grouping::Product,
        Grouping::SegmentProduct,
        Grouping::Customer,
        Grouping::CustomerProduct,
    ] {
        let groups = waterfalls(&ws, grouping, &Scope::default());
        let pocket: f64 = groups.iter().map(|w| w.pocket_revenue).sum();
        assert_close(pocket, total.pocket_revenue, 1e-9);
        for w in &groups {
            assert_reconciles(w);
        }
    }
}

fn assert_reconciles(w: &Waterfall) {
    if !w.has_volume() {
        return;
    }
    let mut level = 0.0;
    for s in &w.steps {
        let x = s.per_unit.unwrap();
        assert!(x.is_finite());
        match s.kind {
            StepKind::List => level = x,
            StepKind::OnInvoice | StepKind::OffInvoice => level -= x,
            StepKind::Invoice | StepKind::Pocket => assert!((level - x).abs() < 0.005, "{w:?}"),
        }
    }
    // The invoice and pocket levels also match the importer's own revenue columns.
    let invoice = w.step("invoice_price").unwrap().amount;
    let pocket = w.step("pocket_price").unwrap().amount;
    assert!((pocket - w.pocket_revenue).abs() < 1e-6);
    assert!(invoice.is_finite() && pocket.is_finite());
}

fn run_text(db: &std::path::Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .args(["--format", "csv"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    text
}

fn run(db: &std::path::Path, args: &[&str]) -> Vec<HashMap<String, String>> {
    let text = run_text(db, args);
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let headers: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    rdr.records()
        .map(|r| {
            let r = r.unwrap();
            headers
                .iter()
                .cloned()
                .zip(r.iter().map(String::from))
                .collect()
        })
        .collect()
}

fn num(row: &HashMap<String, String>, column: &str) -> f64 {
    row[column]
        .parse()
        .unwrap_or_else(|_| panic!("{column}: {:?}", row[column]))
}

#[test]
fn waterfall_csv_is_long_and_parses_back() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.db");
    realization_fixture::workspace_file(&db);
    let rows = run(&db, &["waterfall", "--by", "product"]);
    assert_eq!(rows.len(), 15);
    let header = run_text(&db, &["waterfall"]);
    assert!(header.starts_with(
        "segment_id,product_id,customer_id,step,kind,per_unit,pct_of_list,amount,quantity,realization_pct,status\n"
    ));
    let p1: Vec<_> = rows.iter().filter(|r| r["product_id"] == "P1").collect();
    assert_eq!(p1[0]["segment_id"], "");
    assert_eq!(p1[0]["customer_id"], "");
    assert_eq!(
        (p1[0]["step"].as_str(), p1[0]["kind"].as_str()),
        ("list_price", "list")
    );
    assert_close(num(p1[4], "per_unit"), 1800.0 / 210.0, 1e-4);
    assert_eq!(p1[4]["kind"], "pocket");
    let p3: Vec<_> = rows.iter().filter(|r| r["product_id"] == "P3").collect();
    assert!(
        p3.iter()
            .all(|r| r["per_unit"].is_empty() && r["pct_of_list"].is_empty())
    );
    assert!(p3.iter().all(|r| r["status"] == "no net volume"));
    let pocket: f64 = rows
        .iter()
        .filter(|r| r["kind"] == "pocket")
        .map(|r| num(r, "amount"))
        .sum();
    assert_close(pocket, 2450.0, 1e-9);
}

#[test]
fn band_and_leakage_csv_parse_back_with_the_fixture_numbers() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.db");
    realization_fixture::workspace_file(&db);
    let summary = run(&db, &["band"]);
    assert_eq!(summary.len(), 3);
    let p1 = &summary[0];
    for (col, v) in [
        ("p10", 80.0),
        ("p25", 80.0),
        ("p50", 85.0),
        ("p75", 95.0),
        ("p90", 95.0),
    ] {
        assert_close(num(p1, col), v, 1e-9);
    }
    assert_close(num(p1, "band_width"), 15.0, 1e-9);
    assert_eq!(summary[2]["p50"], "");
    assert_eq!(summary[2]["excluded"], "1");
    assert_eq!(summary[2]["status"], "no positive volume");
    let out = run(&db, &["band", "--show", "outliers"]);
    assert_eq!(out.len(), 1);
    assert_eq!(out[0]["customer_id"], "C3");
    assert_close(num(&out[0], "recoverable_margin"), 30.0, 1e-9);
    let hist = run(
        &db,
        &[
            "band",
            "--show",
            "histogram",
            "--bins",
            "4",
            "--product",
            "P1",
        ],
    );
    let volumes: Vec<f64> = hist.iter().map(|r| num(r, "volume")).collect();
    assert_eq!(volumes, [20.0, 40.0, 90.0, 60.0]);
    let lines = run(&db, &["band", "--basis", "transaction"]);
    assert_close(num(&lines[0], "p50"), 85.0, 1e-9);
    let top = run(&db, &["leakage", "--by", "customer", "--top", "2"]);
    let ids: Vec<&str> = top.iter().map(|r| r["customer_id"].as_str()).collect();
    assert_eq!(ids, ["C3", "C5"]);
    let elements = run(&db, &["leakage"]);
    assert_close(num(&elements[0], "amount"), 270.0, 1e-9);
    let corr = run(&db, &["leakage", "--by", "correlation"]);
    assert_eq!(corr[0]["id"], "P1");
    assert_close(num(&corr[0], "r"), -0.040, 1e-9);
}

#[test]
fn from_after_to_is_an_error_naming_both() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("ws.db");
    realization_fixture::workspace_file(&db);
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(&db)
        .args(["waterfall", "--from", "2024-03-01", "--to", "2024-02-01"])
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("'2024-03-01'") && err.contains("'2024-02-01'"),
        "{err}"
    );
}

#[test]
fn a_closed_pipe_is_success_for_csv_output() {
    use std::io::{BufRead, BufReader};
    let ws_dir = tempfile::tempdir().unwrap();
    let db = ws_dir.path().join("ws.db");
    let sample = tempfile::tempdir().unwrap();
    let status = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .args(["sample", "--rows", "20000", "--out"])
        .arg(sample.path())
        .output()
        .unwrap();
    assert!(status.status.success());
    let import = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(sample.path())
        .output()
        .unwrap();
    assert!(import.status.success());
    let mut child = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(&db)
        .args(["waterfall", "--by", "customer", "--format", "csv"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let mut first = String::new();
    BufReader::new(child.stdout.take().unwrap())
        .read_line(&mut first)
        .unwrap();
    assert!(first.starts_with("segment_id,"));
    let out = child.wait_with_output().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// A group's transaction points as (segment, product, [(pocket %, quantity)]).
type Cell = (String, String, Vec<(f64, f64)>);

#[test]
fn transaction_points_are_grouped_by_cell_and_merged_by_pocket_pct() {
    let ws = realization_fixture::workspace();
    let points = |scope: &Scope| -> Vec<Cell> {
        store::line_points(&ws, scope)
            .unwrap()
            .into_iter()
            .map(|g| {
                let p = g
                    .points
                    .iter()
                    .map(|p| (p.pocket_pct, p.quantity))
                    .collect();
                (g.segment_id, g.product_id, p)
            })
            .collect()
    };
    let cell = |s: &str, p: &str, points: &[(f64, f64)]| (s.into(), p.into(), points.to_vec());
    // T01 and the return T04 share 85 %: one point of 90; P3's purchase and return net to 0.
    assert_eq!(
        points(&Scope::default()),
        vec![
            cell("S1", "P1", &[(70.0, 20.0), (85.0, 90.0), (95.0, 50.0)]),
            cell("S1", "P3", &[(100.0, 0.0)]),
            cell("S2", "P1", &[(80.0, 40.0), (100.0, 10.0)]),
            cell("S2", "P2", &[(70.0, 10.0), (85.0, 30.0)]),
        ]
    );
    let from_february = Scope {
        from: Date::parse("2024-02-01"),
        segment: Some("S1".into()),
        ..Scope::default()
    };
    assert_eq!(
        points(&from_february),
        vec![
            cell("S1", "P1", &[(70.0, 20.0), (85.0, -10.0)]),
            cell("S1", "P3", &[(100.0, 0.0)]),
        ]
    );
    // A pocket price of exactly 0 and one a hair below it both round to 0 % (the second to
    // −0.0): one point, as SQL's grouping would make it.
    ws.conn()
        .execute_batch(
            "INSERT INTO transactions (txn_id, date, customer_id, product_id, quantity, list_price,
               unit_cost, on_volume, off_rebate) VALUES
             ('T11', '2024-04-01', 'C5', 'P2', 1, 20, 12, 20, 0),
             ('T12', '2024-04-02', 'C5', 'P2', 2, 20, 12, 19.999999, 0.0000011);",
        )
        .unwrap();
    let april = Scope {
        from: Date::parse("2024-04-01"),
        ..Scope::default()
    };
    let zero = points(&april);
    assert_eq!(zero, vec![cell("S2", "P2", &[(0.0, 3.0)])]);
    assert!(zero[0].2[0].0.is_sign_positive());
}
