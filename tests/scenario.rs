//! Scenarios: the file format's errors (with line and column), evaluation on a hand-computed
//! two-cell baseline, and every shipped scenario on the bundled sample. (The recommended prices
//! are tested in tests/recommend.rs.)
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::scenario::file::{Catalog, parse, to_toml};
use pricebench::scenario::{
    Baseline, BaselineCell, CellDemand, Confidence, ElementDef, Estimate, Prepared,
};
use support::assert_close;

fn catalog() -> Catalog {
    Catalog {
        segments: vec!["S1".into(), "S2".into()],
        products: vec![
            ("P1".into(), Some("Bolts".into())),
            ("P2".into(), Some("Gears".into())),
        ],
        elements: vec!["on_a".into(), "off_b".into()],
    }
}

fn parse_err(src: &str) -> String {
    parse(src, "t.toml", &catalog()).unwrap_err().to_string()
}

#[test]
fn unknown_key_is_an_error_with_line_and_column() {
    let e = parse_err("name = \"x\"\n[guardrails]\nmax_raise_pct = 3\n");
    assert!(e.starts_with("t.toml:3:1: "), "{e}");
    assert!(e.contains("max_raise_pct"), "{e}");
}

#[test]
fn unknown_ids_are_errors_with_line_and_column() {
    let e = parse_err("name = \"x\"\n\n[[price_change]]\nsegment = \"S9\"\npct = 3\n");
    assert_eq!(e, "t.toml:4:11: unknown segment 'S9'");
    let e = parse_err("name = \"x\"\n[[price_change]]\nproduct = \"Q*\"\npct = 3\n");
    assert_eq!(e, "t.toml:3:11: product pattern 'Q*' matches no product");
    let e = parse_err("name = \"x\"\n[[discount]]\n  element = \"on_freight\"\nremove = true\n");
    assert!(
        e.starts_with("t.toml:3:13: unknown element 'on_freight'"),
        "{e}"
    );
    let e = parse_err("name = \"x\"\n[[cost_change]]\nfamily = \"Nuts\"\npct = 1\n");
    assert_eq!(e, "t.toml:3:10: unknown family 'Nuts'");
}

#[test]
fn impossible_values_are_errors_with_line_and_column() {
    let e = parse_err("name = \"x\"\n[[discount]]\nelement = \"on_a\"\ncap_pct = 150\n");
    assert_eq!(
        e,
        "t.toml:4:11: cap_pct 150 must be between 0 and 100 (% of list)"
    );
    let e = parse_err("name = \"x\"\n[[price_change]]\npct = -100\n");
    assert!(e.starts_with("t.toml:3:7: price_change: pct -100"), "{e}");
    let e = parse_err("name = \"x\"\n[[price_change]]\npct = 1\namount = 2\n");
    assert!(
        e.starts_with("t.toml:4:10: price_change: give 'pct'"),
        "{e}"
    );
    let e = parse_err("name = \"x\"\n[baseline]\nfrom = \"2025-13-01\"\n");
    assert!(
        e.starts_with("t.toml:3:8: '2025-13-01' is not a date"),
        "{e}"
    );
    let e = parse_err("name = \"x\"\n[guardrails]\nmax_decrease_pct = 120\n");
    assert!(e.starts_with("t.toml:3:20: max_decrease_pct 120"), "{e}");
    let e = parse_err("name = \"x\"\n[demand]\nsource = \"magic\"\n");
    assert!(e.starts_with("t.toml:3:10: "), "{e}");
    let e = parse_err(
        "name = \"x\"\n[[value_driver]]\nsegment = \"S1\"\nproduct = \"P1\"\nreference_price = 10\nnegative = { risk = -2 }\n",
    );
    assert!(e.starts_with("t.toml:6:21: value 'risk' -2"), "{e}");
    let e = parse_err("description = \"no name\"\n");
    assert!(e.contains("name"), "{e}");
}

#[test]
fn a_scenario_written_back_reads_back_the_same() {
    let src = std::fs::read_to_string("scenarios/value-based.toml").unwrap();
    let cat = sample_catalog();
    let s = parse(&src, "value-based.toml", &cat).unwrap();
    let text = to_toml(&s).unwrap();
    assert!(text.starts_with("# pricebench scenario"));
    let again = parse(&text, "again.toml", &cat).unwrap();
    assert_eq!(again, s);
}

/// Two cells, elements on_a (on-invoice) and off_b (off-invoice):
/// S1/P1: Q0 100, list 10, cost 5, on_a 1, off_b 0.5 → pocket 8.5; e = −2 in [−3, −1].
/// S2/P2: Q0 50, list 20, cost 12, on_a 0, off_b 2 → pocket 18; no elasticity.
fn two_cells() -> Baseline {
    let est = Estimate {
        elasticity: -2.0,
        ci_low: -3.0,
        ci_high: -1.0,
        std_error: 0.5,
        df: None,
    };
    let cell = |s: &str, p: &str, q, list, cost, elements: Vec<f64>, demand| BaselineCell {
        segment_id: s.into(),
        product_id: p.into(),
        family: None,
        quantity: q,
        list_price: list,
        unit_cost: cost,
        elements,
        demand,
        customers: Vec::new(),
        observed_pocket: None,
    };
    Baseline {
        from: "2025-01-01".into(),
        to: "2025-12-31".into(),
        elements: vec![
            ElementDef {
                column: "on_a".into(),
                on_invoice: true,
            },
            ElementDef {
                column: "off_b".into(),
                on_invoice: false,
            },
        ],
        cells: vec![
            cell(
                "S1",
                "P1",
                100.0,
                10.0,
                5.0,
                vec![1.0, 0.5],
                CellDemand {
                    raw: Some(est),
                    flag: Some(pricebench::model::FitStatus::Ok),
                    pooled: Some(est),
                    ..CellDemand::default()
                },
            ),
            cell(
                "S2",
                "P2",
                50.0,
                20.0,
                12.0,
                vec![0.0, 2.0],
                CellDemand::default(),
            ),
        ],
        competitors: Vec::new(),
    }
}

#[test]
fn evaluation_matches_the_hand_computed_two_cell_fixture() {
    let src = r#"
name = "two cells"
[[price_change]]
product = "P1"
pct = 10
[[discount]]
element = "on_a"
cap_pct = 5
[[cost_change]]
product = "P2"
amount = 1
"#;
    let s = parse(src, "t.toml", &catalog()).unwrap();
    let e = Prepared::new(s, two_cells()).evaluation();
    // P1: list 11; on_a 10% of list capped at 5% → 0.55; off_b stays 5% → 0.55; pocket 9.9.
    let c1 = &e.cells[0];
    assert_close(c1.list_after, 11.0, 1e-12);
    assert_close(c1.pocket_after, 9.9, 1e-12);
    // Q1 = 100 · (9.9 / 8.5)^−2 = 73.7169…; revenue Q1 · 9.9; margin Q1 · (9.9 − 5).
    let q1 = 100.0 * (8.5f64 / 9.9).powi(2);
    assert_close(q1, 73.716_968_, 1e-7);
    assert_close(c1.outcome.after.quantity, q1, 1e-12);
    assert_close(c1.outcome.after.revenue, q1 * 9.9, 1e-12);
    assert_close(c1.outcome.after.margin, q1 * 4.9, 1e-12);
    assert_close(c1.outcome.before.margin, 350.0, 1e-12);
    // Range: e = −3 gives the low volume, e = −1 the high.
    assert_close(
        c1.outcome.low.quantity,
        100.0 * (8.5f64 / 9.9).powi(3),
        1e-12,
    );
    assert_close(c1.outcome.high.quantity, 100.0 * 8.5 / 9.9, 1e-12);
    assert_eq!(c1.confidence, Confidence::High);
    // P2: no price change, the cap does not bind (on_a is 0), cost 12 → 13, volume held.
    let c2 = &e.cells[1];
    assert_close(c2.pocket_after, 18.0, 1e-12);
    assert_close(c2.outcome.after.quantity, 50.0, 1e-12);
    assert_close(c2.outcome.after.margin, 250.0, 1e-12);
    assert_eq!(c2.confidence, Confidence::None);
    // Totals.
    assert_close(e.total.before.quantity, 150.0, 1e-12);
    assert_close(e.total.after.quantity, q1 + 50.0, 1e-12);
    assert_close(e.total.before.margin, 650.0, 1e-12);
    assert_close(e.total.after.margin, q1 * 4.9 + 250.0, 1e-12);
    assert_close(e.total.before.revenue, 850.0 + 900.0, 1e-12);
    assert_eq!(e.segments.len(), 2);
    assert_close(e.segments[1].1.after.margin, 250.0, 1e-12);
}

fn sample_catalog() -> Catalog {
    let ws = sample();
    pricebench::store::scenario::catalog(&ws).unwrap()
}

fn sample() -> pricebench::store::Workspace {
    pricebench::store::bundled_sample().unwrap()
}

fn shipped() -> Vec<std::path::PathBuf> {
    let mut files: Vec<_> = std::fs::read_dir("scenarios")
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    files.sort();
    files
}

#[test]
fn every_shipped_scenario_runs_on_the_sample() {
    let ws = sample();
    let files = shipped();
    assert!(files.len() >= 3);
    for f in files {
        let p = pricebench::analysis::scenario::prepare(&ws, &f).unwrap();
        assert_eq!(p.baseline.cells.len(), 120, "{}", f.display());
        let e = p.evaluation();
        let t = e.total;
        for v in [
            t.after.quantity,
            t.after.margin,
            t.low.margin,
            t.high.margin,
        ] {
            assert!(v.is_finite() && v > 0.0, "{}: {v}", f.display());
        }
        assert!(t.low.margin <= t.after.margin && t.after.margin <= t.high.margin);
        let recs = p.recommendations(pricebench::scenario::Level::SegmentProduct);
        assert_eq!(recs.cells.len(), 120);
        assert!(
            recs.cells
                .iter()
                .all(|r| r.expected_pocket_price.is_finite())
        );
        let list = p.recommendations(pricebench::scenario::Level::Product);
        assert_eq!(list.products.len(), 24);
        assert!(
            list.products
                .iter()
                .all(|r| r.recommended_list_price.is_finite())
        );
        assert_eq!(p.value_rows().len(), 120);
    }
}

#[test]
fn wtp_demand_uses_the_win_curve_where_quotes_exist() {
    let ws = sample();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("wtp.toml");
    let src = std::fs::read_to_string("scenarios/list-increase.toml")
        .unwrap()
        .replace("source = \"pooled\"", "source = \"wtp\"");
    std::fs::write(&path, src).unwrap();
    let p = pricebench::analysis::scenario::prepare(&ws, &path).unwrap();
    let with_curve = p
        .baseline
        .cells
        .iter()
        .zip(&p.plans)
        .filter(|(c, _)| c.demand.wtp_elasticity.is_some())
        .collect::<Vec<_>>();
    assert!(!with_curve.is_empty());
    for (c, plan) in with_curve {
        let e = plan.estimate.unwrap();
        assert_eq!(Some(e.elasticity), c.demand.wtp_elasticity);
        assert!(e.elasticity < 0.0 && e.elasticity.is_finite());
        assert_eq!(plan.confidence, Confidence::Medium);
    }
    let t = p.evaluation().total;
    assert!(t.after.margin.is_finite() && t.after.quantity > 0.0);
}
