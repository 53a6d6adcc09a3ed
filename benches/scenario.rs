//! Scenario benchmark: evaluating a scenario, one TUI nudge (re-plan one cell + re-evaluate)
//! and recommending every cell on a synthetic 2,500-cell baseline in memory (targets: 10 ms,
//! 50 ms and 100 ms); then, if the 10M-line workspace exists (`target/bench-data/`, what
//! `cargo bench --bench import -- 10000000` leaves behind), whole-process runs of
//! `pricebench scenario` and `pricebench recommend` on it. The first run may fit and store the
//! elasticities; the timings are best and median of 5.
//!
//! `cargo bench --bench scenario` (best and median of 21 in-process runs, 5 process runs).

mod common;

use common::machine;

use pricebench::scenario::file::{Catalog, parse};
use pricebench::scenario::{
    Baseline, BaselineCell, CellDemand, CustomerLine, ElementDef, Estimate, Level, Prepared,
    evaluate, plan,
};
use std::path::PathBuf;
use std::process::{Command, Stdio};
use std::time::Instant;

const SEGMENTS: usize = 10;
const PRODUCTS: usize = 250;
const ELEMENTS: [&str; 7] = [
    "on_volume",
    "on_promo",
    "on_competitive",
    "off_rebate",
    "off_payment_terms",
    "off_freight",
    "off_coop",
];

/// A deterministic pseudo-random number in [0, 1).
fn unit(i: usize, salt: usize) -> f64 {
    let mut x = (i as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15)
        ^ (salt as u64).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    x ^= x >> 31;
    x = x.wrapping_mul(0x94D0_49BB_1331_11EB);
    x ^= x >> 29;
    (x >> 11) as f64 / (1u64 << 53) as f64
}

/// Customers per cell, each with its own volume and discount depth.
const CUSTOMERS: usize = 40;

fn customers(i: usize, list: f64, elements: &[f64]) -> Vec<CustomerLine> {
    (0..CUSTOMERS)
        .map(|c| {
            let q = 5.0 + 200.0 * unit(i * CUSTOMERS + c, 20);
            let depth = 0.5 + unit(i * CUSTOMERS + c, 21);
            CustomerLine {
                quantity: q,
                list_revenue: q * list,
                element_sums: elements.iter().map(|e| q * e * depth).collect(),
            }
        })
        .collect()
}

fn baseline() -> Baseline {
    let mut cells = Vec::with_capacity(SEGMENTS * PRODUCTS);
    for s in 0..SEGMENTS {
        for p in 0..PRODUCTS {
            let i = s * PRODUCTS + p;
            let list = 20.0 + 200.0 * unit(i, 1);
            let e = -0.5 - 3.5 * unit(i, 2);
            let est = Estimate {
                elasticity: e,
                ci_low: e - 0.3,
                ci_high: e + 0.3,
                std_error: 0.15,
                df: Some(100.0),
            };
            let elements: Vec<f64> = (0..ELEMENTS.len())
                .map(|k| list * 0.03 * unit(i, 10 + k))
                .collect();
            cells.push(BaselineCell {
                segment_id: format!("S{s:02}"),
                product_id: format!("P{p:04}"),
                family: Some(format!("F{:02}", p / 5)),
                quantity: 100.0 + 10_000.0 * unit(i, 3),
                list_price: list,
                unit_cost: list * (0.4 + 0.3 * unit(i, 4)),
                customers: customers(i, list, &elements),
                observed_pocket: Some((list * 0.7, list * 0.95)),
                elements,
                demand: CellDemand {
                    model: Some(pricebench::model::DemandModel::Panel),
                    raw: Some(est),
                    flag: Some(match unit(i, 5) > 0.2 {
                        true => pricebench::model::FitStatus::Ok,
                        false => pricebench::model::FitStatus::NotSignificant,
                    }),
                    pooled: Some(est),
                    wtp_median: None,
                    wtp_elasticity: None,
                },
            });
        }
    }
    Baseline {
        from: "2025-01-01".into(),
        to: "2025-12-31".into(),
        elements: ELEMENTS
            .iter()
            .map(|c| ElementDef {
                column: c.to_string(),
                on_invoice: c.starts_with("on_"),
            })
            .collect(),
        cells,
        competitors: Vec::new(),
    }
}

const SCENARIO: &str = r#"
name = "bench"
[guardrails]
max_increase_pct = 12
max_decrease_pct = 8
min_pocket_margin_pct = 20
cap_at_economic_value = true
price_ladder = true
[[price_change]]
pct = 3
[[price_change]]
family = "F0*"
pct = 2
[[price_change]]
segment = "S03"
product = "P01*"
amount = -1.5
[[discount]]
element = "on_competitive"
cap_pct = 2
[[discount]]
element = "off_freight"
segment = "S0*"
remove = true
[[discount]]
element = "off_coop"
scale = 0.5
[[cost_change]]
family = "F1*"
pct = 4
[[value_driver]]
segment = "*"
product = "P00*"
reference_price = 120
positive = { service = 20 }
negative = { lead_time = 5 }
"#;

fn catalog(b: &Baseline) -> Catalog {
    Catalog {
        segments: (0..SEGMENTS).map(|s| format!("S{s:02}")).collect(),
        products: b.cells[..PRODUCTS]
            .iter()
            .map(|c| (c.product_id.clone(), c.family.clone()))
            .collect(),
        elements: ELEMENTS.iter().map(|e| e.to_string()).collect(),
    }
}

/// Best and median of `runs` timings of `f`, in milliseconds.
fn time(runs: usize, mut f: impl FnMut()) -> (f64, f64) {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            f();
            start.elapsed().as_secs_f64() * 1e3
        })
        .collect();
    t.sort_by(f64::total_cmp);
    (t[0], t[runs / 2])
}

fn main() {
    println!("{}", machine());
    let b = baseline();
    let s = parse(SCENARIO, "bench.toml", &catalog(&b)).unwrap_or_else(|e| panic!("{e}"));
    println!(
        "synthetic baseline: {} cells, {} elements",
        b.cells.len(),
        ELEMENTS.len()
    );
    println!(
        "{:<52} {:>9} {:>10} {:>8}",
        "in process", "best ms", "median ms", "target"
    );
    let (best, median) = time(21, || {
        let plans = plan(&s, &b);
        std::hint::black_box(evaluate(&b, &plans));
    });
    println!(
        "{:<52} {best:>9.3} {median:>10.3} {:>8}",
        "evaluate a scenario (plan + evaluate)", "10"
    );
    let mut p = Prepared::new(s.clone(), b.clone());
    let (best, median) = time(21, || {
        p.replan_cell(1234);
        std::hint::black_box(p.evaluation());
    });
    println!(
        "{:<52} {best:>9.3} {median:>10.3} {:>8}",
        "TUI nudge (re-plan one cell + evaluate)", "50"
    );
    for (level, what) in [
        (
            Level::SegmentProduct,
            "recommend 2,500 segment targets (+ ladder, P(gain))",
        ),
        (
            Level::Product,
            "recommend 250 list prices over 2,500 cells (+ ladder)",
        ),
    ] {
        let (best, median) = time(21, || {
            std::hint::black_box(p.recommendations(level));
        });
        println!("{what:<52} {best:>9.3} {median:>10.3} {:>8}", "50");
    }
    whole_process();
}

fn whole_process() {
    let db = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/bench-data/bench-10000000.db");
    let db = std::env::var_os("PRICEBENCH_BENCH_DB").map_or(db, PathBuf::from);
    if !db.exists() {
        println!("no {} — skipping whole-process runs", db.display());
        return;
    }
    let exe = env!("CARGO_BIN_EXE_pricebench");
    println!("workspace: {}", db.display());
    println!(
        "{:<70} {:>9} {:>10}",
        "whole process (--format csv)", "best s", "median s"
    );
    for args in [
        ["scenario", "scenarios/list-increase.toml"],
        ["recommend", "scenarios/value-based.toml"],
    ] {
        let mut t: Vec<f64> = (0..5)
            .map(|_| {
                let start = Instant::now();
                let status = Command::new(exe)
                    .arg("--db")
                    .arg(&db)
                    .args(args)
                    .args(["--format", "csv"])
                    .stdout(Stdio::null())
                    .status();
                assert!(
                    status.is_ok_and(|s| s.success()),
                    "pricebench {args:?} failed"
                );
                start.elapsed().as_secs_f64()
            })
            .collect();
        t.sort_by(f64::total_cmp);
        println!(
            "{:<70} {:>9.3} {:>10.3}",
            format!("pricebench {}", args.join(" ")),
            t[0],
            t[2]
        );
    }
}
