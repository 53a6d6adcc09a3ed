//! Scenarios: the file format's errors (with line and column), evaluation on a hand-computed
//! two-cell baseline, the optimiser against the constant-elasticity closed form, each guardrail
//! binding, the export's round trip, and every shipped scenario on the bundled sample.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::model::recommend::{Binding, Limits, PriceInput, optimise, recommend_all};
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
                    raw_ok: true,
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

fn wide() -> Limits {
    Limits {
        max_increase_pct: 1000.0,
        max_decrease_pct: 99.0,
        min_pocket_margin_pct: None,
        cap_at_economic_value: false,
        price_ladder: false,
    }
}

fn input(e: f64, cost: f64) -> PriceInput {
    PriceInput {
        ladder_group: None,
        list_price: 25.0,
        pocket_price: 20.0,
        realization: 0.8,
        unit_cost: cost,
        elasticity: Some(e),
        economic_value: None,
    }
}

#[test]
fn optimiser_finds_the_closed_form_price_when_no_bound_binds() {
    for (e, cost) in [
        (-1.5, 6.0),
        (-2.0, 10.0),
        (-3.0, 12.0),
        (-5.0, 15.0),
        (-1.2, 3.5),
    ] {
        let opt = optimise(&input(e, cost), &wide());
        let pocket = cost * e / (1.0 + e);
        assert_close(opt.pocket_price, pocket, 1e-6);
        assert_close(opt.list_price, pocket / 0.8, 1e-6);
        assert_eq!(opt.binding, Binding::None, "e = {e}");
    }
}

#[test]
fn each_guardrail_binds_on_its_fixture() {
    // Optimum pocket 20 (e = −2, cost 10) = list 25: today's price.
    let limits = |f: &dyn Fn(&mut Limits)| {
        let mut l = wide();
        f(&mut l);
        l
    };
    // Cost 16 wants pocket 32 = list 40 (+60%); +10% caps it at 27.5.
    let opt = optimise(&input(-2.0, 16.0), &limits(&|l| l.max_increase_pct = 10.0));
    assert_eq!(opt.binding, Binding::MaxIncrease);
    assert_close(opt.list_price, 27.5, 1e-12);
    // Cost 5 wants pocket 10 = list 12.5 (−50%); −20% holds it at 20.
    let opt = optimise(&input(-2.0, 5.0), &limits(&|l| l.max_decrease_pct = 20.0));
    assert_eq!(opt.binding, Binding::MaxDecrease);
    assert_close(opt.list_price, 20.0, 1e-12);
    // A 60% margin floor with cost 5: pocket ≥ 12.5, list ≥ 15.625.
    let opt = optimise(
        &input(-2.0, 5.0),
        &limits(&|l| l.min_pocket_margin_pct = Some(60.0)),
    );
    assert_eq!(opt.binding, Binding::MarginFloor);
    assert_close(opt.pocket_price, 12.5, 1e-9);
    // Economic value 22 caps the pocket price the optimum (32) wants.
    let mut x = input(-2.0, 16.0);
    x.economic_value = Some(22.0);
    let opt = optimise(&x, &limits(&|l| l.cap_at_economic_value = true));
    assert_eq!(opt.binding, Binding::EconomicValue);
    assert_close(opt.pocket_price, 22.0, 1e-9);
    // Inelastic demand runs to the upper bound (+10%).
    let opt = optimise(&input(-0.5, 10.0), &limits(&|l| l.max_increase_pct = 10.0));
    assert_eq!(opt.binding, Binding::InelasticDemand);
    assert_close(opt.list_price, 27.5, 1e-9);
    // A margin floor above the maximum increase.
    let opt = optimise(
        &input(-2.0, 10.0),
        &limits(&|l| {
            l.max_increase_pct = 5.0;
            l.min_pocket_margin_pct = Some(80.0);
        }),
    );
    assert_eq!(opt.binding, Binding::GuardrailsConflict);
    // No elasticity: today's price.
    let mut x = input(-2.0, 10.0);
    x.elasticity = None;
    let opt = optimise(&x, &wide());
    assert_eq!(
        (opt.binding, opt.list_price),
        (Binding::NoDemandModel, 25.0)
    );
}

#[test]
fn price_ladder_keeps_a_family_in_todays_order() {
    // The cheaper product (list 25, cost 16) wants list 40; the dearer one (list 30, cost 10)
    // wants 25: with the ladder it is raised to 40.
    let group = Some(("S1".to_string(), "Bolts".to_string()));
    let cheap = PriceInput {
        ladder_group: group.clone(),
        ..input(-2.0, 16.0)
    };
    let dear = PriceInput {
        ladder_group: group,
        list_price: 30.0,
        pocket_price: 24.0,
        ..input(-2.0, 10.0)
    };
    let mut limits = wide();
    let free = recommend_all(&[cheap.clone(), dear.clone()], &limits);
    assert!(free[1].list_price < free[0].list_price);
    limits.price_ladder = true;
    let out = recommend_all(&[dear, cheap], &limits);
    assert_eq!(out[0].binding, Binding::PriceLadder);
    assert_close(out[0].list_price, out[1].list_price, 1e-12);
    assert_eq!(out[1].binding, Binding::None);
}

#[test]
fn non_finite_inputs_do_not_hang_or_produce_nan() {
    for (e, cost, pocket) in [
        (f64::NAN, 10.0, 20.0),
        (-2.0, f64::INFINITY, 20.0),
        (-2.0, 10.0, f64::NAN),
        (-2.0, 10.0, 0.0),
        (-300.0, 10.0, 20.0),
    ] {
        let mut x = input(e, cost);
        x.pocket_price = pocket;
        let opt = optimise(&x, &wide());
        assert!(opt.list_price.is_finite() && opt.pocket_price.is_finite());
    }
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
        let recs = p.recommendations();
        assert_eq!(recs.len(), 120);
        assert!(recs.iter().all(|r| r.recommended_list_price.is_finite()));
        assert_eq!(p.value_rows().len(), 120);
    }
}

#[test]
fn export_reads_back_as_the_recommended_table() {
    let ws = sample();
    let p = pricebench::analysis::scenario::prepare(
        &ws,
        std::path::Path::new("scenarios/value-based.toml"),
    )
    .unwrap();
    let recs = p.recommendations();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("exports/recommended.csv");
    pricebench::export::export(&recs, &path, false).unwrap();
    let err = pricebench::export::export(&recs, &path, false).unwrap_err();
    assert!(err.to_string().contains("--force"), "{err}");
    pricebench::export::export(&recs, &path, true).unwrap();

    let text = std::fs::read_to_string(&path).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"));
    let mut rdr = csv::Reader::from_path(&path).unwrap();
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header, pricebench::export::COLUMNS);
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), recs.len());
    let num = |s: &str| -> Option<f64> { (!s.is_empty()).then(|| s.parse().unwrap()) };
    let mut keys = Vec::new();
    for (row, r) in rows.iter().zip(&recs) {
        keys.push((row[0].to_string(), row[1].to_string()));
        assert_eq!(
            (&row[0], &row[1]),
            (r.segment_id.as_str(), r.product_id.as_str())
        );
        assert_close(num(&row[2]).unwrap(), r.current_list_price, 1e-4);
        assert_close(num(&row[4]).unwrap(), r.recommended_list_price, 1e-4);
        assert_close(num(&row[5]).unwrap(), r.expected_pocket_price, 1e-4);
        assert_eq!(num(&row[7]).is_some(), r.estimate.is_some());
        if let (Some(v), Some(e)) = (num(&row[7]), r.estimate) {
            assert_close(v, e.elasticity, 1e-4);
        }
        assert_eq!(num(&row[10]).is_some(), r.wtp_median.is_some());
        assert_eq!(num(&row[11]).is_some(), r.economic_value.is_some());
        assert_close(num(&row[13]).unwrap(), r.pocket_margin_change, 1e-2);
        assert_eq!(&row[14], r.binding.as_str());
        assert_eq!(&row[15], r.confidence.as_str());
    }
    let mut sorted = keys.clone();
    sorted.sort();
    assert_eq!(keys, sorted, "rows in segment, product order");
    assert!(recs.iter().any(|r| r.binding == Binding::EconomicValue));
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
