//! The estimators against an independent implementation (statsmodels) on the same fixtures:
//! testdata/reference/make_reference.py wrote fixtures.json and expected.json.

use pricebench::model::{FitStatus, PeriodPoint, Quote, WtpModel, fit_elasticity, fit_wtp};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Fixtures {
    elasticity: Vec<ElasticityCell>,
    wtp: Vec<WtpCell>,
}

#[derive(Deserialize)]
struct ElasticityCell {
    name: String,
    points: Vec<Point>,
}

#[derive(Deserialize)]
struct Point {
    quantity: f64,
    price: f64,
}

#[derive(Deserialize)]
struct WtpCell {
    name: String,
    quotes: Vec<QuoteRow>,
}

#[derive(Deserialize)]
struct QuoteRow {
    price: f64,
    won: bool,
}

#[derive(Deserialize)]
struct Expected {
    elasticity: BTreeMap<String, OlsExpected>,
    wtp: BTreeMap<String, BTreeMap<String, BinaryExpected>>,
}

#[derive(Deserialize)]
struct OlsExpected {
    n: usize,
    elasticity: f64,
    intercept: f64,
    std_error: f64,
    r_squared: f64,
    ci_low: f64,
    ci_high: f64,
}

#[derive(Deserialize)]
struct BinaryExpected {
    alpha: f64,
    beta: f64,
    alpha_std_error: f64,
    beta_std_error: f64,
    log_likelihood: f64,
    aic: f64,
    median_wtp: f64,
}

fn load<T: serde::de::DeserializeOwned>(file: &str) -> T {
    let path = format!("{}/testdata/reference/{file}", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Asserts |actual − expected| ≤ rel_tol · |expected| (absolute near zero), naming the value.
fn assert_close(what: &str, actual: Option<f64>, expected: f64, rel_tol: f64) {
    let actual = actual.unwrap_or_else(|| panic!("{what}: no value, expected {expected}"));
    let err = (actual - expected).abs();
    let scale = expected.abs().max(1e-12);
    assert!(
        err <= rel_tol * scale,
        "{what}: {actual} vs {expected} (relative error {:.3e} > {rel_tol:.0e})",
        err / scale
    );
}

#[test]
fn elasticity_matches_statsmodels_ols() {
    let fixtures: Fixtures = load("fixtures.json");
    let expected: Expected = load("expected.json");
    assert_eq!(fixtures.elasticity.len(), expected.elasticity.len());
    for cell in &fixtures.elasticity {
        let points: Vec<PeriodPoint> = cell
            .points
            .iter()
            .map(|p| PeriodPoint {
                quantity: p.quantity,
                price: p.price,
            })
            .collect();
        let fit = fit_elasticity(&points);
        let want = &expected.elasticity[&cell.name];
        let name = &cell.name;
        assert_eq!(fit.n_periods, want.n, "{name}");
        assert_ne!(fit.status, FitStatus::TooFewPeriods, "{name}");
        assert_close(
            &format!("{name} slope"),
            fit.elasticity,
            want.elasticity,
            1e-9,
        );
        assert_close(
            &format!("{name} intercept"),
            fit.intercept,
            want.intercept,
            1e-9,
        );
        assert_close(&format!("{name} se"), fit.std_error, want.std_error, 1e-9);
        assert_close(&format!("{name} r2"), fit.r_squared, want.r_squared, 1e-9);
        assert_close(&format!("{name} ci_low"), fit.ci_low, want.ci_low, 1e-9);
        assert_close(&format!("{name} ci_high"), fit.ci_high, want.ci_high, 1e-9);
    }
}

#[test]
fn wtp_matches_statsmodels_logit_and_probit() {
    let fixtures: Fixtures = load("fixtures.json");
    let expected: Expected = load("expected.json");
    assert_eq!(fixtures.wtp.len(), expected.wtp.len());
    for cell in &fixtures.wtp {
        let quotes: Vec<Quote> = cell
            .quotes
            .iter()
            .map(|q| Quote {
                price: q.price,
                won: q.won,
            })
            .collect();
        for model in WtpModel::ALL {
            let fit = fit_wtp(&quotes, model, 0.0);
            let want = &expected.wtp[&cell.name][model.as_str()];
            let name = format!("{} {model}", cell.name);
            assert_close(&format!("{name} alpha"), fit.alpha, want.alpha, 1e-5);
            assert_close(&format!("{name} beta"), fit.beta, want.beta, 1e-5);
            let se_a = fit.alpha_std_error;
            assert_close(
                &format!("{name} alpha se"),
                se_a,
                want.alpha_std_error,
                1e-5,
            );
            let se_b = fit.beta_std_error;
            assert_close(&format!("{name} beta se"), se_b, want.beta_std_error, 1e-5);
            let ll = fit.log_likelihood;
            assert_close(&format!("{name} ll"), ll, want.log_likelihood, 1e-5);
            assert_close(&format!("{name} aic"), fit.aic, want.aic, 1e-5);
            assert_close(
                &format!("{name} median"),
                fit.median_wtp,
                want.median_wtp,
                1e-5,
            );
        }
    }
}
