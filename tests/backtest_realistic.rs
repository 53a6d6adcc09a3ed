//! Both demand models backtested on the realistic sample world, which follows neither exactly:
//! customer-level demand with AR(1) noise and customer-specific growth, discounts that grow
//! with customer size, seasonality with promotions in the peak months, list increases.
//!
//! The panel's 95% intervals hold close to nominally and its forecasts are unbiased; the cell
//! model's intervals hold only because they are three times as wide, its errors are nearly
//! three times as large, and a year ahead it misses every season (too low in the peaks, too
//! high in the troughs). The numbers are asserted both ways so that neither a change to the
//! models nor to the generator can quietly turn the comparison around.
#![allow(clippy::unwrap_used)]

use pricebench::analysis::demand::{BacktestRun, backtest};
use pricebench::model::DemandModel;
use pricebench::model::backtest::{Accuracy, BacktestOptions};
use pricebench::sample::{SampleOptions, SampleWorld, generate};
use pricebench::store::Workspace;
use pricebench::store::demand::PriceBasis;
use pricebench::store::import::{ImportOptions, Source, import};

/// The 200k-line realistic sample (300 customers, 24 products, 2024–2025) in a temporary
/// workspace.
fn workspace() -> (tempfile::TempDir, Workspace) {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("sample");
    let opts = SampleOptions {
        rows: 200_000,
        seed: 7,
        world: SampleWorld::Realistic,
    };
    generate(&opts, &dir).unwrap();
    let mut ws = Workspace::open(&tmp.path().join("w.db")).unwrap();
    let sources = ["segments", "customers", "products", "transactions"]
        .iter()
        .map(|n| Source::open(&dir.join(format!("{n}.csv"))).unwrap())
        .collect();
    import(&mut ws, sources, ImportOptions::default()).unwrap();
    (tmp, ws)
}

/// December 2024: the first cut, after a year of data.
const DECEMBER_2024: i32 = 2024 * 12 + 11;

fn run(ws: &Workspace, model: DemandModel, horizon: usize, rolling: bool) -> BacktestRun {
    let opts = BacktestOptions {
        model,
        train_until: DECEMBER_2024,
        horizon,
        rolling,
    };
    backtest(ws, &opts, PriceBasis::Pocket).unwrap()
}

fn total(run: &BacktestRun) -> Accuracy {
    run.backtest.accuracy().1
}

#[test]
fn the_panel_intervals_hold_where_the_cell_model_needs_three_times_the_width() {
    let (_tmp, ws) = workspace();
    // Rolling: refit at every month-end of 2025, three months ahead each time.
    let panel = total(&run(&ws, DemandModel::Panel, 3, true));
    let cell = total(&run(&ws, DemandModel::Cell, 3, true));
    // 3,861 and 3,868 cell-months (was: panel coverage 93.9%, WAPE 8.4%, bias +0.9%, median
    // width 40.9%; cell 95.6%, 23.0%, −9.1%, 128.4%).
    assert!(panel.predicted > 3_800 && cell.predicted > 3_800);
    // Near nominal: the world's AR(1) noise and customer-specific growth, which the panel does
    // not model, may cost it a few points, not more.
    let coverage = panel.coverage_pct.unwrap();
    assert!((90.0..=98.0).contains(&coverage), "{panel:?}");
    assert!(panel.bias_pct.unwrap().abs() < 3.0, "{panel:?}");
    assert!(panel.wape_pct.unwrap() < 12.0, "{panel:?}");
    // The cell model covers too, but only with intervals over three times as wide, and its
    // errors are more than twice the panel's; it forecasts too little (the trend it ignores).
    assert!(cell.coverage_pct.unwrap() >= 90.0, "{cell:?}");
    assert!(
        cell.width_pct.unwrap() > 2.5 * panel.width_pct.unwrap(),
        "{cell:?} {panel:?}"
    );
    assert!(
        cell.wape_pct.unwrap() > 2.0 * panel.wape_pct.unwrap(),
        "{cell:?} {panel:?}"
    );
    assert!(cell.bias_pct.unwrap() < -5.0, "{cell:?}");
}

#[test]
fn a_year_ahead_the_cell_model_misses_every_season_and_the_panel_does_not() {
    let (_tmp, ws) = workspace();
    // One fit on 2024, each month of 2025 predicted: step s is month s of 2025.
    let bias = |model| -> Vec<f64> {
        let run = run(&ws, model, 12, false);
        let steps = run.backtest.accuracy_by_step();
        assert_eq!(steps.len(), 12);
        steps.iter().map(|(_, a)| a.bias_pct.unwrap()).collect()
    };
    let (panel, cell) = (bias(DemandModel::Panel), bias(DemandModel::Cell));
    // Was: panel −6.1% to −2.2% (the trend cannot be told from the months of year in one year
    // of data, so a year's growth is missed); cell −25.9% (May, a peak) to +21.5% (January).
    let range = |b: &[f64]| {
        let lo = b.iter().copied().fold(f64::INFINITY, f64::min);
        (lo, b.iter().copied().fold(f64::NEG_INFINITY, f64::max))
    };
    let (panel_lo, panel_hi) = range(&panel);
    assert!(panel_lo > -8.0 && panel_hi < 3.0, "{panel:?}");
    let (cell_lo, cell_hi) = range(&cell);
    assert!(cell_lo < -15.0 && cell_hi > 10.0, "{cell:?}");
    // The peaks (April, May, October) are under-forecast, the troughs (January, August, December) over.
    for m in [4, 5, 10] {
        assert!(cell[m - 1] < -10.0, "month {m}: {cell:?}");
    }
    for m in [1, 8, 12] {
        assert!(cell[m - 1] > 5.0, "month {m}: {cell:?}");
    }
}
