//! The demand models recover the truth the sample generator planted: elasticity CI coverage on
//! regular cells (with bounded widths), WTP median coverage, PSM points within tolerance, and
//! the thin / fixed-price cells flagged.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use pricebench::model::{FitStatus, WtpModel, compute_psm_cells, fit_wtp_cells};
use pricebench::sample::{CellKind, SampleOptions, SampleWorld, Truth, generate, read_truth};
use pricebench::store::Workspace;
use pricebench::store::demand::{self, DemandFilter};
use pricebench::store::import::{ImportOptions, Source, import};
use std::collections::HashMap;

/// A 200k-line sample imported into a temporary workspace, and its truth.
fn workspace() -> (tempfile::TempDir, Workspace, Truth) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let opts = SampleOptions {
        rows: 200_000,
        seed: 7,
        world: SampleWorld::Simple,
    };
    generate(&opts, &dir).unwrap();
    let truth = read_truth(&dir.join("truth.json")).unwrap();
    let mut ws = Workspace::open(&tmp.path().join("w.db")).unwrap();
    let sources = [
        "segments",
        "customers",
        "products",
        "transactions",
        "quotes",
        "survey",
    ]
    .iter()
    .map(|n| Source::open(&dir.join(format!("{n}.csv"))).unwrap())
    .collect();
    import(&mut ws, sources, ImportOptions::default()).unwrap();
    (tmp, ws, truth)
}

fn key(s: &str, p: &str) -> (String, String) {
    (s.to_string(), p.to_string())
}

#[test]
fn demand_models_recover_the_planted_truth() {
    let (_tmp, ws, truth) = workspace();
    elasticity_covers_truth(&ws, &truth);
    wtp_covers_truth(&ws, &truth);
    psm_matches_truth(&ws, &truth);
}

fn elasticity_covers_truth(ws: &Workspace, truth: &Truth) {
    let rows = pricebench::analysis::demand::current_elasticities(ws).unwrap();
    let by_cell: HashMap<_, _> = rows
        .iter()
        .map(|r| (key(&r.segment_id, &r.product_id), r))
        .collect();
    let (mut covered, mut n, mut width) = (0, 0, 0.0);
    for c in &truth.cells {
        let row = by_cell[&key(&c.segment_id, &c.product_id)];
        match c.kind {
            CellKind::Regular => {
                let (lo, hi) = (row.ci_low.unwrap(), row.ci_high.unwrap());
                covered += usize::from(lo <= c.elasticity && c.elasticity <= hi);
                width += hi - lo;
                n += 1;
            }
            CellKind::FixedPrice => {
                assert_eq!(row.flag, FitStatus::NoPriceVariation, "{row:?}");
                assert_eq!(row.elasticity, None);
                assert!(row.usable().is_some(), "pooled value for {row:?}");
            }
            CellKind::ZeroElasticity => panic!("the simple world plants no zero cell: {c:?}"),
            CellKind::Thin => {
                assert_ne!(row.flag, FitStatus::Ok, "{row:?}");
                assert!(row.n_periods <= 8);
                assert!(row.usable().is_some(), "pooled value for {row:?}");
            }
        }
    }
    let coverage = covered as f64 / n as f64;
    let mean_width = width / n as f64;
    println!(
        "elasticity: {n} regular cells, coverage {coverage:.3}, mean CI width {mean_width:.3}"
    );
    assert!(n >= 100);
    assert!(coverage >= 0.90, "coverage {coverage}");
    // Honest intervals, not absurdly wide ones: ±2 SE with SE ≈ 0.2 / sd(ln P) / √104.
    assert!(mean_width < 1.2, "mean CI width {mean_width}");
}

fn wtp_covers_truth(ws: &Workspace, truth: &Truth) {
    let cells = demand::quote_cells(ws, &DemandFilter::default()).unwrap();
    let rows = fit_wtp_cells(&cells, Some(WtpModel::Logistic));
    let by_cell: HashMap<_, _> = rows
        .iter()
        .map(|r| (key(&r.segment_id, &r.product_id), r))
        .collect();
    let (mut covered, mut n) = (0, 0);
    for c in &truth.cells {
        let Some(w) = &c.wtp else { continue };
        assert_eq!(w.model, "logistic");
        let fit = &by_cell[&key(&c.segment_id, &c.product_id)].fit;
        let (lo, hi) = (fit.median_ci_low.unwrap(), fit.median_ci_high.unwrap());
        covered += usize::from(lo <= w.median && w.median <= hi);
        n += 1;
        assert!((hi - lo) < 0.5 * w.median, "{fit:?}");
    }
    let coverage = covered as f64 / n as f64;
    println!("wtp: {n} cells, median coverage {coverage:.3}");
    assert!(n >= 50);
    assert!(coverage >= 0.90, "coverage {coverage}");
    assert!(pricebench::analysis::demand::current_wtp(ws).unwrap().len() >= n);
}

/// Each PSM point within 20% of the planted population value (60 respondents a cell, and
/// OPP / IPP are crossings of flat curves), and within 5% on average.
const PSM_TOLERANCE: f64 = 0.20;
const PSM_MEAN_TOLERANCE: f64 = 0.05;

fn psm_matches_truth(ws: &Workspace, truth: &Truth) {
    let cells = demand::survey_cells(ws, &DemandFilter::default()).unwrap();
    let rows = compute_psm_cells(&cells);
    let by_cell: HashMap<_, _> = rows
        .iter()
        .map(|r| (key(&r.segment_id, &r.product_id), r))
        .collect();
    let mut n = 0;
    let (mut worst, mut total): (f64, f64) = (0.0, 0.0);
    for c in &truth.cells {
        let Some(t) = &c.psm else { continue };
        let r = &by_cell[&key(&c.segment_id, &c.product_id)].result;
        for (got, want) in [
            (r.pmc, t.pmc),
            (r.opp, t.opp),
            (r.ipp, t.ipp),
            (r.pme, t.pme),
        ] {
            let rel = (got.unwrap() - want).abs() / want;
            worst = worst.max(rel);
            total += rel;
            assert!(rel <= PSM_TOLERANCE, "{c:?}: {got:?} vs {want}");
        }
        n += 1;
    }
    let mean = total / (4 * n) as f64;
    println!("psm: {n} cells, mean relative error {mean:.3}, worst {worst:.3}");
    assert!(n >= 20);
    assert!(mean <= PSM_MEAN_TOLERANCE, "mean relative error {mean}");
}
