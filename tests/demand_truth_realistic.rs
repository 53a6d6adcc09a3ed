//! The elasticity models against the realistic world's planted truth, where discounts grow with
//! customer size, promotions fall in peak months, list prices rise and demand trends — data that
//! does not follow either estimator's model.
//!
//! The panel model recovers the truth: its 95% interval covers the true elasticity in at least
//! 90% of cells, the intervals are not wider than needed, the error is centred on 0, and the cell
//! whose true elasticity is 0 is `not_significant`. The weekly cell model does not, and this test
//! says so with numbers, so that nobody "fixes" the generator to make it look right.
#![allow(clippy::unwrap_used)]

use pricebench::analysis::demand::{Persist, refit_elasticity};
use pricebench::model::{ElasticityRow, FitStatus};
use pricebench::sample::{CellKind, SampleOptions, SampleWorld, Truth, generate, read_truth};
use pricebench::store::Workspace;
use pricebench::store::demand::{ElasticitySettings, PriceBasis};
use pricebench::store::import::{ImportOptions, Source, import};
use std::collections::HashMap;

/// A 200k-line realistic sample (300 customers, 24 products, about 90 customers a cell)
/// imported into a temporary workspace, and its truth.
fn workspace() -> (tempfile::TempDir, Workspace, Truth) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let opts = SampleOptions {
        rows: 200_000,
        seed: 7,
        world: SampleWorld::Realistic,
    };
    generate(&opts, &dir).unwrap();
    let truth = read_truth(&dir.join("truth.json")).unwrap();
    let mut ws = Workspace::open(&tmp.path().join("w.db")).unwrap();
    let sources = ["segments", "customers", "products", "transactions"]
        .iter()
        .map(|n| Source::open(&dir.join(format!("{n}.csv"))).unwrap())
        .collect();
    import(&mut ws, sources, ImportOptions::default()).unwrap();
    (tmp, ws, truth)
}

/// Over the cells with a true slope (regular and the zero cell) that have an interval: the
/// share covered, the mean width, the mean error, and how many.
#[derive(Debug)]
struct Recovery {
    coverage: f64,
    mean_width: f64,
    mean_error: f64,
    cells: usize,
}

fn recovery(rows: &[ElasticityRow], truth: &Truth) -> Recovery {
    let by_cell: HashMap<(&str, &str), &ElasticityRow> = rows
        .iter()
        .map(|r| ((r.segment_id.as_str(), r.product_id.as_str()), r))
        .collect();
    let (mut covered, mut n, mut width, mut error) = (0, 0, 0.0, 0.0);
    for c in &truth.cells {
        if !matches!(c.kind, CellKind::Regular | CellKind::ZeroElasticity) {
            continue;
        }
        let row = by_cell[&(c.segment_id.as_str(), c.product_id.as_str())];
        let (Some(e), Some(lo), Some(hi)) = (row.elasticity, row.ci_low, row.ci_high) else {
            continue;
        };
        covered += usize::from(lo <= c.elasticity && c.elasticity <= hi);
        width += hi - lo;
        error += e - c.elasticity;
        n += 1;
    }
    Recovery {
        coverage: covered as f64 / n as f64,
        mean_width: width / n as f64,
        mean_error: error / n as f64,
        cells: n,
    }
}

#[test]
fn the_panel_recovers_the_truth_where_the_weekly_cell_model_is_biased() {
    let (_tmp, ws, truth) = workspace();
    let panel = refit_elasticity(
        &ws,
        &ElasticitySettings::panel(PriceBasis::Pocket),
        Persist::Discard,
    )
    .unwrap()
    .rows;
    let cell = refit_elasticity(&ws, &ElasticitySettings::default(), Persist::Discard)
        .unwrap()
        .rows;
    let (p, c) = (recovery(&panel, &truth), recovery(&cell, &truth));
    println!("panel: {p:?}");
    println!("weekly cell model: {c:?}");
    assert!(p.cells >= 100 && c.cells >= 100, "{p:?} {c:?}");
    // The panel: honest intervals that are not wider than they need to be, centred on the truth.
    assert!(p.coverage >= 0.90, "{p:?}");
    assert!(p.mean_width < 1.0, "{p:?}");
    assert!(p.mean_error.abs() < 0.1, "{p:?}");
    // The weekly cell model misses the truth in most cells, biased toward elastic demand by
    // the customer mix and the promotions in peak months.
    assert!(c.coverage < 0.5, "{c:?}");
    assert!(c.mean_error < -0.5, "{c:?}");
    flags_say_why(&panel, &truth);
}

fn flags_say_why(rows: &[ElasticityRow], truth: &Truth) {
    let kind: HashMap<(&str, &str), CellKind> = truth
        .cells
        .iter()
        .map(|c| ((c.segment_id.as_str(), c.product_id.as_str()), c.kind))
        .collect();
    for r in rows {
        match kind[&(r.segment_id.as_str(), r.product_id.as_str())] {
            CellKind::ZeroElasticity => assert_eq!(r.flag, FitStatus::NotSignificant, "{r:?}"),
            CellKind::FixedPrice => {
                assert_eq!((r.flag, r.elasticity), (FitStatus::NoPriceVariation, None))
            }
            CellKind::Thin => assert_ne!(r.flag, FitStatus::Ok, "{r:?}"),
            CellKind::Regular => assert!(r.n_customers.is_some_and(|g| g >= 10), "{r:?}"),
        }
        assert!(r.usable().is_some(), "a pooled value for every cell: {r:?}");
    }
}
