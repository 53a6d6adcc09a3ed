//! The recommended prices: the closed-form oracle, each binding constraint, one list price per
//! product against a brute-force search, the joint ladder against brute force and the greedy
//! rule, P(margin gain) against Monte Carlo, break-even, extrapolation, guardrail costs,
//! economic value against what the customer pays, caps that bind customer by customer (checked
//! with SQL on the workspace), element roles, and the provenance record.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::model::FitStatus;
use pricebench::model::recommend::{Binding, Change, prob_gain_all};
use pricebench::scenario::file::{Catalog, parse};
use pricebench::scenario::{
    Baseline, BaselineCell, CellDemand, Confidence, CustomerLine, ElementDef, Estimate, Level,
    Prepared, Recommendations,
};
use support::{assert_close, product_margin};

/// A demand estimate with a tight interval around `e` (own fit, 100 df).
fn own(e: f64) -> CellDemand {
    CellDemand {
        raw: Some(Estimate {
            elasticity: e,
            ci_low: e - 0.2,
            ci_high: e + 0.2,
            std_error: 0.1,
            df: Some(100.0),
        }),
        flag: Some(FitStatus::Ok),
        ..CellDemand::default()
    }
}

/// A cell with no elements: list = pocket.
fn cell(segment: &str, product: &str, family: &str, list: f64, cost: f64, q: f64) -> BaselineCell {
    BaselineCell {
        segment_id: segment.into(),
        product_id: product.into(),
        family: Some(family.into()),
        quantity: q,
        list_price: list,
        unit_cost: cost,
        elements: vec![0.0, 0.0],
        demand: own(-2.0),
        customers: Vec::new(),
        observed_pocket: Some((list * 0.8, list * 1.2)),
    }
}

fn baseline(cells: Vec<BaselineCell>) -> Baseline {
    Baseline {
        from: "2025-01-01".into(),
        to: "2025-12-31".into(),
        elements: vec![
            ElementDef {
                column: "on_disc".into(),
                on_invoice: true,
            },
            ElementDef {
                column: "off_rebate".into(),
                on_invoice: false,
            },
        ],
        cells,
        competitors: Vec::new(),
    }
}

fn catalog(b: &Baseline) -> Catalog {
    let mut segments: Vec<String> = b.cells.iter().map(|c| c.segment_id.clone()).collect();
    segments.dedup();
    segments.sort();
    segments.dedup();
    let mut products: Vec<(String, Option<String>)> = b
        .cells
        .iter()
        .map(|c| (c.product_id.clone(), c.family.clone()))
        .collect();
    products.sort();
    products.dedup();
    Catalog {
        segments,
        products,
        elements: vec!["on_disc".into(), "off_rebate".into()],
    }
}

fn recommend(toml: &str, b: Baseline, level: Level) -> Recommendations {
    let s = parse(toml, "t.toml", &catalog(&b)).unwrap();
    Prepared::new(s, b).recommendations(level)
}

const WIDE: &str =
    "name = \"wide\"\n[guardrails]\nmax_increase_pct = 1000\nmax_decrease_pct = 99\n";

#[test]
fn a_cell_target_is_the_closed_form_price_when_no_bound_binds() {
    for (e, cost) in [(-1.5, 6.0), (-2.0, 10.0), (-3.0, 12.0), (-5.0, 15.0)] {
        let mut c = cell("S1", "P1", "F", 20.0, cost, 100.0);
        c.demand = own(e);
        c.observed_pocket = None;
        let r = recommend(WIDE, baseline(vec![c]), Level::SegmentProduct);
        let row = &r.cells[0];
        let oracle = cost * e / (1.0 + e);
        assert_close(row.target_pocket_price.unwrap(), oracle, 1e-6);
        assert_close(row.expected_pocket_price, oracle, 1e-6);
        assert_eq!(row.binding, Binding::None, "e = {e}");
    }
}

#[test]
fn each_binding_constraint_is_named_for_what_binds() {
    let one = |toml: &str, c: BaselineCell| {
        let r = recommend(toml, baseline(vec![c]), Level::SegmentProduct);
        r.cells[0].clone()
    };
    // e = −2, cost 16: the optimum is pocket 32 = +60% on list 20.
    let dear = cell("S1", "P1", "F", 20.0, 16.0, 100.0);
    let g = |body: &str| format!("name = \"g\"\n[guardrails]\n{body}\n");
    let r = one(&g("max_increase_pct = 10"), dear.clone());
    assert_eq!(r.binding, Binding::MaxIncrease);
    assert_close(r.target_pocket_price.unwrap(), 22.0, 1e-9);
    assert!(
        r.reason.starts_with("held at the max_increase bound"),
        "{}",
        r.reason
    );
    // Cost 5 wants pocket 10 (−50%); −20% holds it at 16.
    let cheap = cell("S1", "P1", "F", 20.0, 5.0, 100.0);
    let r = one(&g("max_decrease_pct = 20"), cheap.clone());
    assert_eq!(r.binding, Binding::MaxDecrease);
    assert_close(r.target_pocket_price.unwrap(), 16.0, 1e-9);
    // A 75% margin floor with cost 5: pocket ≥ 20.
    let r = one(
        &g("max_decrease_pct = 50\nmin_pocket_margin_pct = 75"),
        cheap,
    );
    assert_eq!(r.binding, Binding::MarginFloor);
    assert_close(r.target_pocket_price.unwrap(), 20.0, 1e-7);
    // The observed range 16..24 as a bound.
    let r = one(
        &g("max_increase_pct = 100\nstay_within_observed = true"),
        dear.clone(),
    );
    assert_eq!(r.binding, Binding::ObservedRange);
    assert_close(r.target_pocket_price.unwrap(), 24.0, 1e-7);
    // A margin floor above the maximum increase.
    let r = one(
        &g("max_increase_pct = 5\nmin_pocket_margin_pct = 80"),
        cell("S1", "P1", "F", 20.0, 10.0, 100.0),
    );
    assert_eq!(r.binding, Binding::GuardrailsConflict);
    // Inelastic demand runs to the bound, which is named; the reason says why.
    let mut inelastic = cell("S1", "P1", "F", 20.0, 10.0, 100.0);
    inelastic.demand = own(-0.5);
    let r = one(&g("max_increase_pct = 10"), inelastic);
    assert_eq!(r.binding, Binding::MaxIncrease);
    assert!(
        r.reason.starts_with(
            "demand inelastic (e = -0.50): margin rises all the way to the max_increase bound"
        ),
        "{}",
        r.reason
    );
}

#[test]
fn a_cell_without_demand_evidence_keeps_its_price_and_is_not_projected() {
    let pooled_across_zero = Estimate {
        elasticity: -0.4,
        ci_low: -1.0,
        ci_high: 0.2,
        std_error: 0.3,
        df: None,
    };
    let pooled_negative = Estimate {
        elasticity: -2.0,
        ci_low: -2.5,
        ci_high: -1.5,
        std_error: 0.25,
        df: None,
    };
    let cases = [
        // Never changed price: the segment's average is not borrowed, however clear.
        (FitStatus::NoPriceVariation, pooled_negative, true),
        // Not significant, and neither is the pooled estimate.
        (FitStatus::NotSignificant, pooled_across_zero, true),
        // Not significant, but the pooled estimate is: it stands in.
        (FitStatus::NotSignificant, pooled_negative, false),
    ];
    for (flag, pooled, kept) in cases {
        let mut c = cell("S1", "P1", "F", 20.0, 16.0, 100.0);
        c.demand = CellDemand {
            flag: Some(flag),
            pooled: Some(pooled),
            raw: Some(Estimate {
                elasticity: -0.3,
                ci_low: -0.9,
                ci_high: 0.3,
                std_error: 0.3,
                df: Some(50.0),
            }),
            ..CellDemand::default()
        };
        let r = recommend(WIDE, baseline(vec![c]), Level::SegmentProduct);
        let row = &r.cells[0];
        assert_eq!(row.binding == Binding::NoDemandEvidence, kept, "{flag:?}");
        if kept {
            assert_eq!(row.evidence.volume_change_pct, None);
            assert_eq!(row.evidence.pocket_margin_change, None);
            assert_eq!(row.evidence.confidence, Confidence::None);
            assert_close(row.expected_pocket_price, 20.0, 1e-12);
            assert!(row.reason.contains(flag.as_str()), "{}", row.reason);
        } else {
            assert!(row.evidence.volume_change_pct.is_some());
        }
    }
}

/// Segments S1 (e −2.5, cost 10, realization 0.9) and S2 (e −1.6, cost 12, realization 0.8) of
/// one product, list 20.
fn two_segments() -> Baseline {
    let mut a = cell("S1", "P1", "F", 20.0, 10.0, 300.0);
    a.demand = own(-2.5);
    a.elements = vec![2.0, 0.0];
    let mut b = cell("S2", "P1", "F", 20.0, 12.0, 100.0);
    b.demand = own(-1.6);
    b.elements = vec![3.0, 1.0];
    for c in [&mut a, &mut b] {
        c.observed_pocket = None;
    }
    baseline(vec![a, b])
}

#[test]
fn a_product_gets_one_list_price_that_maximises_its_total_margin() {
    let r = recommend(WIDE, two_segments(), Level::Product);
    assert_eq!(r.products.len(), 1);
    let p = &r.products[0];
    // Brute force: the product's margin over a fine grid of list prices.
    let margin = |list: f64| {
        let seg = |q: f64, p0: f64, real: f64, cost: f64, e: f64| {
            let p1 = list * real;
            q * (p1 / p0).powf(e) * (p1 - cost)
        };
        seg(300.0, 18.0, 0.9, 10.0, -2.5) + seg(100.0, 16.0, 0.8, 12.0, -1.6)
    };
    let best = (0..200_000)
        .map(|i| 5.0 + i as f64 * 0.0005)
        .max_by(|a, b| margin(*a).total_cmp(&margin(*b)))
        .unwrap();
    assert_close(p.recommended_list_price, best, 1e-4);
    assert_eq!(p.binding, Binding::None);
    assert_close(
        p.evidence.pocket_margin_change.unwrap(),
        margin(p.recommended_list_price) - (300.0 * 8.0 + 100.0 * 4.0),
        1e-9,
    );
    // The segments' rows: the same list price, each with its own net-price target.
    for (row, (e, cost, real)) in r.cells.iter().zip([(-2.5, 10.0, 0.9), (-1.6, 12.0, 0.8)]) {
        assert_close(row.list_price, p.recommended_list_price, 1e-12);
        assert_close(
            row.expected_pocket_price,
            p.recommended_list_price * real,
            1e-9,
        );
        let target = cost * e / (1.0 + e);
        assert_close(row.target_pocket_price.unwrap(), target, 1e-6);
        // The on-invoice discount that reaches the target at the product's list price.
        // S2's rebate (1 of its pocket 16 at list 20) moves with the list: target / 16.
        let off = if cost == 12.0 { target / 16.0 } else { 0.0 };
        let implied = (row.list_price - (target + off)) / row.list_price * 100.0;
        assert_close(row.target_discount_pct.unwrap(), implied, 1e-6);
    }
}

#[test]
fn the_joint_ladder_equals_a_brute_force_search() {
    // Three products of one family, today listed 20 < 24 < 30; their own optima invert that
    // order (the cheapest is the costliest to make), so the ladder binds.
    let mk = |p: &str, list: f64, cost: f64, e: f64, q: f64| {
        let mut c = cell("S1", p, "F", list, cost, q);
        c.demand = own(e);
        c.observed_pocket = None;
        c
    };
    let cells = vec![
        mk("P1", 20.0, 18.0, -2.2, 400.0),
        mk("P2", 24.0, 12.0, -2.0, 200.0),
        mk("P3", 30.0, 10.0, -2.6, 300.0),
    ];
    let toml = format!("{WIDE}price_ladder = true\n");
    let r = recommend(&toml, baseline(cells.clone()), Level::Product);
    let prices: Vec<f64> = r
        .products
        .iter()
        .map(|p| p.recommended_list_price)
        .collect();
    assert!(
        prices[0] <= prices[1] + 1e-9 && prices[1] <= prices[2] + 1e-9,
        "{prices:?}"
    );
    assert!(r.products.iter().any(|p| p.binding == Binding::PriceLadder));
    let margin = |c: &BaselineCell, list: f64| {
        let e = c.demand.raw.unwrap().elasticity;
        c.quantity * (list / c.list_price).powf(e) * (list - c.unit_cost)
    };
    let total = |x: &[f64]| -> f64 { cells.iter().zip(x).map(|(c, &l)| margin(c, l)).sum() };
    // Brute force over a grid with the order kept.
    let grid: Vec<f64> = (0..=600).map(|i| 10.0 + i as f64 * 0.1).collect();
    let mut best = f64::MIN;
    for (i, &a) in grid.iter().enumerate() {
        for (j, &b) in grid.iter().enumerate().skip(i) {
            for &c in &grid[j..] {
                best = best.max(total(&[a, b, c]));
            }
        }
    }
    let ours = total(&prices);
    assert!(
        ours >= best - 1e-6 * best.abs(),
        "joint {ours} < brute force {best}"
    );
    assert!(ours <= best + 0.01 * best.abs(), "{ours} vs {best}");
}

#[test]
fn prob_gain_matches_monte_carlo_draws() {
    // Student t with 8 df: inverse CDF of 100k uniforms from a fixed xorshift stream.
    let change = Change {
        quantity: 100.0,
        pocket_before: 20.0,
        cost_before: 12.0,
        pocket_after: 21.5,
        cost_after: 12.0,
        elasticity: -1.8,
        std_error: 0.9,
        df: Some(8.0),
    };
    let exact = change.prob_gain().unwrap();
    use statrs::distribution::{ContinuousCDF, StudentsT};
    let t = StudentsT::new(0.0, 1.0, 8.0).unwrap();
    let mut x: u64 = 0x2545_F491_4F6C_DD1D;
    let n = 100_000;
    let mut gains = 0;
    for _ in 0..n {
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        let u = ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64;
        let e = change.elasticity + change.std_error * t.inverse_cdf(u);
        if change.margin_change(e) > 0.0 {
            gains += 1;
        }
    }
    let mc = gains as f64 / n as f64;
    // 100k draws: standard error below 0.0016.
    assert!(
        (exact - mc).abs() < 0.005,
        "exact {exact} vs Monte Carlo {mc}"
    );
    assert!(exact > 0.2 && exact < 0.8, "{exact}");
    // Several segments: the quasi-Monte-Carlo share against 100k pseudo-random draws.
    let other = Change {
        elasticity: -2.6,
        std_error: 0.4,
        df: None,
        cost_before: 10.0,
        cost_after: 10.0,
        ..change
    };
    let qmc = prob_gain_all(&[change, other]).unwrap();
    let normal = statrs::distribution::Normal::standard();
    let mut gains = 0;
    for _ in 0..n {
        let mut draw = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            normal.inverse_cdf(((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64)
        };
        let (z1, z2) = (draw(), draw());
        let total = change.margin_change(change.elasticity + change.std_error * z1)
            + other.margin_change(other.elasticity + other.std_error * z2);
        if total > 0.0 {
            gains += 1;
        }
    }
    let mc = gains as f64 / n as f64;
    assert!((qmc - mc).abs() < 0.01, "QMC {qmc} vs Monte Carlo {mc}");
}

/// The share of `n` pseudo-random normal draws (xorshift, Φ⁻¹) at which the changes together
/// gain margin.
fn monte_carlo_gain(changes: &[Change], n: usize, seed: u64) -> f64 {
    let normal = statrs::distribution::Normal::standard();
    let mut x = seed;
    let mut gains = 0usize;
    for _ in 0..n {
        let total: f64 = changes
            .iter()
            .map(|c| {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                let z = statrs::distribution::ContinuousCDF::inverse_cdf(
                    &normal,
                    ((x >> 11) as f64 + 0.5) / (1u64 << 53) as f64,
                );
                c.margin_change(c.elasticity + c.std_error * z)
            })
            .sum();
        gains += usize::from(total > 0.0);
    }
    gains as f64 / n as f64
}

#[test]
fn prob_gain_of_many_segments_matches_monte_carlo_draws() {
    // Products of 2, 5 and 10 segments with mixed elasticities, errors, sizes and margins
    // (one with a cost increase), against 200k draws each: the Monte
    // Carlo standard error is at most 0.0011, so 0.006 is over 5 of them.
    let mut checked = Vec::new();
    for (k, segments) in [2usize, 5, 10, 10].into_iter().enumerate() {
        let changes: Vec<Change> = (0..segments)
            .map(|d| {
                let f = (d * 7 + k * 3) as f64;
                let before = 20.0 + (f % 11.0);
                Change {
                    quantity: 50.0 + 40.0 * (f % 5.0),
                    pocket_before: before,
                    cost_before: 12.0,
                    pocket_after: before * (1.0 + [0.04, 0.08, -0.03, 0.06][k]),
                    cost_after: if d == 3 { 14.0 } else { 12.0 },
                    elasticity: -1.5 - 0.15 * (f % 7.0),
                    std_error: 0.2 + 0.15 * (f % 4.0),
                    df: None,
                }
            })
            .collect();
        let ours = prob_gain_all(&changes).unwrap();
        let mc = monte_carlo_gain(&changes, 200_000, 0x9E37_79B9_7F4A_7C15 ^ k as u64);
        assert!(
            (ours - mc).abs() < 0.006,
            "{segments} segments: ours {ours} vs Monte Carlo {mc}"
        );
        checked.push(ours);
    }
    // The cases are not all certain either way: the check can tell a wrong share.
    assert!(
        checked.iter().any(|p| *p > 0.05 && *p < 0.95),
        "{checked:?}"
    );
}

#[test]
fn break_even_volume_is_where_the_change_adds_no_margin() {
    let mut c = cell("S1", "P1", "F", 20.0, 12.0, 100.0);
    c.demand = own(-1.2);
    let r = recommend(WIDE, baseline(vec![c]), Level::SegmentProduct);
    let row = &r.cells[0];
    let be = row.evidence.break_even_volume_pct.unwrap();
    let p1 = row.expected_pocket_price;
    // At the break-even volume the margin equals the baseline's 100 × (20 − 12).
    assert_close(100.0 * (1.0 + be / 100.0) * (p1 - 12.0), 800.0, 1e-9);
    assert!(be < 0.0, "a price rise can lose volume: {be}");
}

#[test]
fn a_price_outside_the_observed_range_is_flagged_and_guardrail_costs_add_up() {
    // e = −2, cost 16: the optimum is pocket 32, far above the observed 16..24.
    let c = cell("S1", "P1", "F", 20.0, 16.0, 100.0);
    let r = recommend(WIDE, baseline(vec![c.clone()]), Level::SegmentProduct);
    assert!(r.cells[0].extrapolated);
    assert_eq!(r.cells[0].evidence.guardrail_cost, Some(0.0));
    // With +10% at most: the cost is the margin at the best price within the observed range
    // (24) less the margin at the bound (22).
    let toml = "name = \"g\"\n[guardrails]\nmax_increase_pct = 10\n";
    let r = recommend(toml, baseline(vec![c]), Level::SegmentProduct);
    let m = |p: f64| 100.0 * (p / 20.0f64).powf(-2.0) * (p - 16.0);
    let cost = r.cells[0].evidence.guardrail_cost.unwrap();
    assert_close(cost, m(24.0) - m(22.0), 1e-6);
    assert!(!r.cells[0].extrapolated);
    let total = r
        .costs
        .iter()
        .find(|c| c.binding == Binding::MaxIncrease)
        .unwrap();
    assert_eq!(total.rows, 1);
    assert_close(total.pocket_margin.unwrap(), cost, 1e-12);
}

#[test]
fn economic_value_is_compared_with_what_the_customer_pays_and_flagged_unless_enforced() {
    // List 20, on-invoice discount 2, rebate 1 (returned to the customer): customer net 17,
    // pocket 17. Economic value 18; cost 16 and e = −2 want pocket 32.
    let mut c = cell("S1", "P1", "F", 20.0, 16.0, 100.0);
    c.elements = vec![2.0, 1.0];
    c.observed_pocket = None;
    let driver = "[[value_driver]]\nreference_price = 15\npositive = { service = 3 }\n";
    let flag = format!(
        "name = \"v\"\n[guardrails]\nmax_increase_pct = 50\ncap_at_economic_value = true\n{driver}"
    );
    let r = recommend(&flag, baseline(vec![c.clone()]), Level::SegmentProduct);
    let row = &r.cells[0];
    assert_eq!(row.binding, Binding::MaxIncrease, "flagged, not cut");
    assert!(row.above_value);
    assert_close(
        row.customer_net_price,
        row.expected_pocket_price + 0.0,
        1e-9,
    );
    let enforce = flag.replace(
        "cap_at_economic_value = true",
        "enforce_economic_value = true",
    );
    let r = recommend(&enforce, baseline(vec![c]), Level::SegmentProduct);
    let row = &r.cells[0];
    assert_eq!(row.binding, Binding::EconomicValue);
    // Customer net = list − on-invoice − rebate = 0.85 · list; capped at 18.
    assert_close(row.customer_net_price, 18.0, 1e-7);
}

#[test]
fn a_fixed_freight_does_not_follow_a_list_increase_and_payment_terms_follow_the_invoice() {
    let mut c = cell("S1", "P1", "F", 100.0, 50.0, 10.0);
    c.elements = vec![10.0, 3.0, 4.5];
    let b = Baseline {
        elements: vec![
            ElementDef {
                column: "on_disc".into(),
                on_invoice: true,
            },
            ElementDef {
                column: "off_freight".into(),
                on_invoice: false,
            },
            ElementDef {
                column: "off_payment_terms".into(),
                on_invoice: false,
            },
        ],
        ..baseline(vec![c])
    };
    let mut cat = catalog(&b);
    cat.elements = vec![
        "on_disc".into(),
        "off_freight".into(),
        "off_payment_terms".into(),
    ];
    let s = parse("name = \"x\"\n[[price_change]]\npct = 6\n", "t.toml", &cat).unwrap();
    let p = Prepared::new(s, b);
    let money = p.plans[0].money.at(1.06);
    // Discount 10 → 10.6 (list), freight 3 (fixed), terms 4.5 × invoice 95.4 / 90 = 4.77.
    assert_close(money.elements[0], 10.6, 1e-12);
    assert_close(money.elements[1], 3.0, 1e-12);
    assert_close(money.elements[2], 4.77, 1e-12);
    assert_close(money.pocket, 106.0 - 10.6 - 3.0 - 4.77, 1e-12);
}

#[test]
fn a_cap_binds_customer_by_customer() {
    // Two customers: 90 units at a 2% discount, 10 units at 30%; the cell's average is 4.8%.
    let mut c = cell("S1", "P1", "F", 10.0, 5.0, 100.0);
    c.elements = vec![0.48, 0.0];
    c.customers = vec![
        CustomerLine {
            quantity: 90.0,
            list_revenue: 900.0,
            element_sums: vec![18.0, 0.0],
        },
        CustomerLine {
            quantity: 10.0,
            list_revenue: 100.0,
            element_sums: vec![30.0, 0.0],
        },
    ];
    let toml = "name = \"cap\"\n[[discount]]\nelement = \"on_disc\"\ncap_pct = 5\n";
    let b = baseline(vec![c]);
    let s = parse(toml, "t.toml", &catalog(&b)).unwrap();
    let p = Prepared::new(s, b);
    // The average (4.8%) is under the 5% cap, but the second customer is capped at 0.5/unit:
    // Σ q·(e − min(e, 5% · list)) / Σ q = 10 × (3 − 0.5) / 100 = 0.25 per unit.
    let gain = p.plans[0].pocket_price() - p.baseline.cells[0].pocket_price();
    assert_close(gain, 0.25, 1e-12);
}

#[test]
fn caps_on_the_sample_match_sql_on_the_workspace_to_the_cent() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("cap.toml");
    std::fs::write(
        &path,
        // Payment terms follow the invoice by default (a cap raises them a little); held to
        // the list here so that the cap's own effect is what SQL checks.
        "name = \"cap\"\n[elements]\noff_payment_terms = { scales = \"list\" }\n[[discount]]\nelement = \"on_competitive\"\ncap_pct = 10\n",
    )
    .unwrap();
    let p = pricebench::analysis::scenario::prepare(&ws, &path).unwrap();
    let (from, to) = (p.baseline.from.clone(), p.baseline.to.clone());
    let sql = "SELECT segment_id, product_id,
                  SUM(q * (e - MIN(e, 0.10 * l))) / SUM(q), SUM(q)
               FROM (SELECT segment_id, product_id, customer_id,
                            SUM(quantity) AS q,
                            SUM(quantity * on_competitive) / SUM(quantity) AS e,
                            SUM(quantity * list_price) / SUM(quantity) AS l
                     FROM transaction_lines WHERE date BETWEEN ?1 AND ?2
                     GROUP BY segment_id, product_id, customer_id
                     HAVING SUM(quantity) <> 0)
               GROUP BY segment_id, product_id";
    let mut stmt = ws.conn().prepare(sql).unwrap();
    let expected: std::collections::HashMap<(String, String), f64> = stmt
        .query_map([&from, &to], |r| {
            Ok((
                (r.get(0)?, r.get(1)?),
                r.get::<_, f64>(2)? * r.get::<_, f64>(3)?,
            ))
        })
        .unwrap()
        .map(Result::unwrap)
        .collect();
    let mut checked = 0;
    let mut under_average_but_binding = 0;
    for (c, plan) in p.baseline.cells.iter().zip(&p.plans) {
        let gain_per_unit = plan.pocket_price() - c.pocket_price();
        let total = expected[&(c.segment_id.clone(), c.product_id.clone())];
        // Per unit of the cell's net volume, to the cent.
        assert!(
            (gain_per_unit - total / c.quantity).abs() < 0.005,
            "{} × {}: {gain_per_unit} vs {}",
            c.segment_id,
            c.product_id,
            total / c.quantity
        );
        checked += 1;
        let k = p
            .baseline
            .elements
            .iter()
            .position(|e| e.column == "on_competitive");
        let average_share = k.map_or(0.0, |k| c.elements[k] / c.list_price);
        if average_share < 0.10 && gain_per_unit > 0.005 {
            under_average_but_binding += 1;
        }
    }
    assert_eq!(checked, 120);
    assert!(
        under_average_but_binding > 0,
        "some cell's average is under the cap while customers above it are capped"
    );
}

#[test]
fn on_the_sample_recommendations_keep_their_promises() {
    let ws = pricebench::store::bundled_sample().unwrap();
    for file in ["list-increase", "discount-cleanup", "value-based"] {
        let path = std::path::PathBuf::from(format!("scenarios/{file}.toml"));
        let p = pricebench::analysis::scenario::prepare(&ws, &path).unwrap();
        for level in [Level::Product, Level::SegmentProduct] {
            let r = p.recommendations(level);
            // Never a margin loss without a named guardrail forcing it.
            for c in &r.cells {
                if level == Level::SegmentProduct
                    && c.evidence.pocket_margin_change.is_some_and(|m| m < -0.01)
                {
                    assert!(c.binding.is_guardrail(), "{file}: {c:?}");
                }
            }
            for x in &r.products {
                if x.evidence.pocket_margin_change.is_some_and(|m| m < -0.01) {
                    assert!(x.binding.is_guardrail(), "{file}: {x:?}");
                }
                assert!(x.recommended_list_price.is_finite());
            }
            // The cost summary adds up the rows.
            let rows: usize = r.costs.iter().map(|c| c.rows).sum();
            let expected = match level {
                Level::Product => r.products.len(),
                Level::SegmentProduct => r.cells.len(),
            };
            assert_eq!(rows, expected);
        }
    }
}

#[test]
fn on_the_sample_the_joint_ladder_is_never_worse_than_the_greedy_rule() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ladder.toml");
    std::fs::write(
        &path,
        "name = \"ladder\"\n[guardrails]\nmax_increase_pct = 30\nmax_decrease_pct = 30\nprice_ladder = true\n",
    )
    .unwrap();
    let p = pricebench::analysis::scenario::prepare(&ws, &path).unwrap();
    let joint = p.recommendations(Level::Product);
    let free = {
        let mut s = p.scenario.clone();
        s.guardrails.price_ladder = false;
        Prepared::new(s, p.baseline.clone()).recommendations(Level::Product)
    };
    // Greedy: in each family, walk up today's order and raise a product to the one before,
    // within its own bounds (±30%; a product without demand evidence keeps today's price, as
    // the engine keeps it). Where that breaks the order (a product it cannot raise enough),
    // greedy has no answer for the family and only the joint result's order is checked.
    let mut by_family: std::collections::BTreeMap<String, Vec<(f64, f64, bool, usize)>> =
        Default::default();
    for (i, x) in free.products.iter().enumerate() {
        if let Some(f) = &x.family {
            let fixed = x.binding == Binding::NoDemandEvidence;
            by_family.entry(f.clone()).or_default().push((
                x.current_list_price,
                x.recommended_list_price,
                fixed,
                i,
            ));
        }
    }
    let margin_at = |i: usize, list: f64| product_margin(&p, &free.products[i].product_id, list);
    let (mut greedy_total, mut joint_total, mut compared) = (0.0, 0.0, 0);
    for items in by_family.values_mut() {
        items.sort_by(|a, b| a.0.total_cmp(&b.0));
        let joint_prices: Vec<f64> = items
            .iter()
            .map(|&(_, _, _, i)| joint.products[i].recommended_list_price)
            .collect();
        assert!(
            joint_prices.windows(2).all(|w| w[0] <= w[1] + 1e-9),
            "joint breaks the ladder: {joint_prices:?}"
        );
        let mut floor = f64::MIN;
        let mut greedy = Vec::new();
        for &(today, own, fixed, _) in items.iter() {
            let price = match fixed {
                true => today,
                false => own.max(floor).min(today * 1.3),
            };
            floor = floor.max(price);
            greedy.push(price);
        }
        if greedy.windows(2).any(|w| w[0] > w[1] + 1e-9) {
            continue;
        }
        compared += 1;
        for (k, &(_, _, _, i)) in items.iter().enumerate() {
            greedy_total += margin_at(i, greedy[k]);
            joint_total += margin_at(i, joint_prices[k]);
        }
    }
    assert!(
        compared >= 3,
        "greedy was feasible in only {compared} families"
    );
    assert!(
        joint_total >= greedy_total - 1e-6 * greedy_total.abs(),
        "joint {joint_total} < greedy {greedy_total}"
    );
}

#[test]
fn every_export_writes_its_provenance_beside_it() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let path = std::path::Path::new("scenarios/value-based.toml");
    let p = pricebench::analysis::scenario::prepare(&ws, path).unwrap();
    let recs = p.recommendations(Level::Product);
    let dir = tempfile::tempdir().unwrap();
    let out = dir.path().join("prices.csv");
    let paths = pricebench::export::ExportPaths::new(&out, Level::Product);
    let prov = pricebench::export::Provenance::new(path, &p, Level::Product, vec![]);
    pricebench::export::export(&recs, &prov, &paths, false).unwrap();
    let meta: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join("prices.csv.meta.json")).unwrap())
            .unwrap();
    use sha2::Digest;
    let sha: String = sha2::Sha256::digest(std::fs::read(path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(meta["scenario_sha256"], sha.as_str());
    assert_eq!(meta["scenario_name"], p.scenario.name.as_str());
    assert_eq!(meta["level"], "product");
    assert_eq!(meta["baseline_from"], p.baseline.from.as_str());
    // The dates the numbers were read from: the first and last with lines in the baseline.
    let (first, last): (String, String) = ws
        .conn()
        .query_row(
            "SELECT min(date), max(date) FROM transactions WHERE date BETWEEN ?1 AND ?2",
            [&p.baseline.from, &p.baseline.to],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .unwrap();
    assert_eq!(meta["period_from"], first.as_str());
    assert_eq!(meta["period_to"], last.as_str());
    assert_ne!(
        last, p.baseline.to,
        "the sample's lines end before the baseline does"
    );
    assert!(meta["data_stamp"].as_str().is_some_and(|s| !s.is_empty()));
    assert_eq!(meta["pricebench_version"], env!("CARGO_PKG_VERSION"));
    assert!(
        meta["generated_at"]
            .as_str()
            .is_some_and(|s| s.ends_with('Z'))
    );
    let segments = std::fs::read_to_string(dir.path().join("prices.segments.csv")).unwrap();
    assert_eq!(
        segments.lines().count(),
        121,
        "a header and 120 segment targets"
    );
    let list = std::fs::read_to_string(&out).unwrap();
    assert_eq!(list.lines().count(), 25, "a header and 24 products");
    // Without --force nothing is replaced, the provenance included.
    let again = pricebench::export::export(&recs, &prov, &paths, false);
    assert!(again.is_err());
}

#[test]
fn without_rules_that_bind_by_customer_the_cell_sums_give_the_same_plan() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let dir = tempfile::tempdir().unwrap();
    for (name, body, needs) in [
        ("list", "[[price_change]]\npct = 6\n", false),
        (
            "freight",
            "[[discount]]\nelement = \"off_freight\"\nremove = true\n",
            false,
        ),
        (
            "cap",
            "[[discount]]\nelement = \"on_promo\"\ncap_pct = 2\n",
            true,
        ),
        (
            "scale",
            "[[discount]]\nelement = \"on_volume\"\nscale = 0.5\n",
            true,
        ),
    ] {
        let path = dir.path().join(format!("{name}.toml"));
        std::fs::write(&path, format!("name = \"{name}\"\n{body}")).unwrap();
        let lean = pricebench::analysis::scenario::prepare(&ws, &path).unwrap();
        let full = pricebench::analysis::scenario::prepare_with(
            &ws,
            &path,
            pricebench::analysis::scenario::Detail::Customers,
        )
        .unwrap();
        assert_eq!(
            lean.baseline.cells[0].customers.is_empty(),
            !needs,
            "{name}"
        );
        for (a, b) in lean.plans.iter().zip(&full.plans) {
            assert_close(a.pocket_price(), b.pocket_price(), 1e-9);
        }
    }
}
