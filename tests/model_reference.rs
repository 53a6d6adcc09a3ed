//! The estimators against an independent implementation (statsmodels) on the same fixtures:
//! testdata/reference/make_reference.py wrote fixtures.json and expected.json.

use pricebench::model::{
    FitStatus, PanelObs, PanelOptions, PeriodPoint, Quote, WtpModel, fit_elasticity, fit_panel,
    fit_wtp,
};
use serde::Deserialize;
use std::collections::BTreeMap;

#[derive(Deserialize)]
struct Fixtures {
    elasticity: Vec<ElasticityCell>,
    wtp: Vec<WtpCell>,
    panel: Vec<PanelFixture>,
}

#[derive(Deserialize)]
struct PanelFixture {
    name: String,
    obs: Vec<PanelObs>,
}

#[derive(Deserialize)]
struct PanelExpected {
    n_obs: usize,
    n_customers: usize,
    df: usize,
    elasticity: f64,
    std_error: f64,
    ci_low: f64,
    ci_high: f64,
    trend_per_year: Option<f64>,
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
    panel: BTreeMap<String, PanelExpected>,
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

// ---- Ground truth: data simulated from known parameters ----

use pricebench::model::{SurveyAnswer, compute_psm};

/// splitmix64: small, deterministic, good enough for simulation in tests.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    /// Uniform on (0, 1).
    fn uniform(&mut self) -> f64 {
        ((self.next_u64() >> 11) as f64 + 0.5) / (1u64 << 53) as f64
    }
    fn normal(&mut self) -> f64 {
        let (u1, u2) = (self.uniform(), self.uniform());
        (-2.0 * u1.ln()).sqrt() * (2.0 * std::f64::consts::PI * u2).cos()
    }
    fn logistic(&mut self) -> f64 {
        let u = self.uniform();
        (u / (1.0 - u)).ln()
    }
}

#[test]
fn elasticity_interval_covers_the_planted_elasticity() {
    let truth = -1.5;
    let mut rng = Rng(42);
    let cells = 400;
    let mut covered = 0;
    for _ in 0..cells {
        let points: Vec<PeriodPoint> = (0..20)
            .map(|_| {
                let price = 50.0 * (0.1 * rng.normal()).exp();
                let quantity = (8.0 + truth * (price / 50.0).ln() + 0.2 * rng.normal()).exp();
                PeriodPoint { quantity, price }
            })
            .collect();
        let fit = fit_elasticity(&points);
        if fit.ci_low.is_some_and(|lo| lo <= truth) && fit.ci_high.is_some_and(|hi| truth <= hi) {
            covered += 1;
        }
    }
    let coverage = covered as f64 / cells as f64;
    println!("coverage {coverage} over {cells} cells");
    assert!(
        (0.90..=0.99).contains(&coverage),
        "coverage {coverage} outside [0.90, 0.99]"
    );
}

#[test]
fn pooling_pulls_thin_cells_toward_the_segment_and_keeps_precise_ones() {
    let mut rng = Rng(7);
    let make = |rng: &mut Rng, n: usize, e: f64, sd: f64| -> Vec<PeriodPoint> {
        (0..n)
            .map(|_| {
                let price = 10.0 * (0.1 * rng.normal()).exp();
                let quantity = (5.0 + e * (price / 10.0).ln() + sd * rng.normal()).exp();
                PeriodPoint { quantity, price }
            })
            .collect()
    };
    let fits: Vec<_> = [(104, -1.0), (104, -1.2), (104, -0.8), (5, -4.0)]
        .iter()
        .map(|&(n, e)| fit_elasticity(&make(&mut rng, n, e, if n == 5 { 0.5 } else { 0.05 })))
        .collect();
    let pooled = pricebench::model::pool_elasticities(&fits);
    let mean = pooled.mean.unwrap_or(f64::NAN);
    assert!((-1.3..=-0.7).contains(&mean), "segment mean {mean}");
    let thin = pooled.cells[3];
    let (raw, shrunk) = (
        thin.raw.unwrap_or(f64::NAN),
        thin.elasticity.unwrap_or(f64::NAN),
    );
    assert!(
        (shrunk - mean).abs() < (raw - mean).abs(),
        "{raw} -> {shrunk}, mean {mean}"
    );
    let precise = pooled.cells[0];
    assert!(
        precise.own_weight > 0.5,
        "precise cell weight {}",
        precise.own_weight
    );
}

#[test]
fn logistic_wtp_interval_covers_the_planted_median() {
    let (median, scale) = (100.0, 10.0);
    let mut rng = Rng(2024);
    let cells = 200;
    let mut covered = 0;
    for _ in 0..cells {
        let quotes: Vec<Quote> = (0..200)
            .map(|_| {
                let price = 70.0 + 60.0 * rng.uniform();
                let wtp = median + scale * rng.logistic();
                Quote {
                    price,
                    won: wtp >= price,
                }
            })
            .collect();
        let fit = fit_wtp(&quotes, WtpModel::Logistic, 50.0);
        let lo = fit.median_ci_low.unwrap_or(f64::INFINITY);
        let hi = fit.median_ci_high.unwrap_or(f64::NEG_INFINITY);
        if lo <= median && median <= hi {
            covered += 1;
        }
    }
    let coverage = covered as f64 / cells as f64;
    println!("coverage {coverage} over {cells} cells");
    assert!(
        (0.90..=0.99).contains(&coverage),
        "coverage {coverage} outside [0.90, 0.99]"
    );
}

#[test]
fn logistic_wtp_optimal_price_matches_the_analytic_optimum() {
    // Planted S(p) = 1 / (1 + exp((p − 100) / 10)), cost 50: maximise (p − 50)·S(p).
    let (median, scale, cost) = (100.0, 10.0, 50.0);
    let margin = |p: f64| (p - cost) / (1.0 + ((p - median) / scale).exp());
    let truth = (0..=100_000)
        .map(|k| 50.0 + k as f64 * 1e-3)
        .max_by(|a, b| margin(*a).total_cmp(&margin(*b)))
        .unwrap_or(f64::NAN);
    let mut rng = Rng(99);
    let quotes: Vec<Quote> = (0..20_000)
        .map(|_| {
            let price = 60.0 + 80.0 * rng.uniform();
            Quote {
                price,
                won: median + scale * rng.logistic() >= price,
            }
        })
        .collect();
    let fit = fit_wtp(&quotes, WtpModel::Logistic, cost);
    assert_close("optimal price", fit.optimal_price, truth, 0.01);
    assert_close("median", fit.median_wtp, median, 0.01);
    assert_close("scale", fit.scale, scale, 0.05);
    assert!(!fit.optimal_price_extrapolated);
}

#[test]
fn psm_points_match_the_analytic_intersections() {
    // Comonotone answers: each is μ + σ·z with one z per respondent, so every respondent is
    // consistent and each curve is a normal cdf. Falling 1 − Φ((x − μa)/σa) meets rising
    // Φ((x − μb)/σb) at x = (μa·σb + μb·σa) / (σa + σb).
    let (tc, ch, ex, te) = ((10.0, 1.0), (13.0, 1.5), (18.0, 2.0), (22.0, 3.0));
    let meet = |a: (f64, f64), b: (f64, f64)| (a.0 * b.1 + b.0 * a.1) / (a.1 + b.1);
    let mut rng = Rng(5);
    let answers: Vec<SurveyAnswer> = (0..20_000)
        .map(|_| {
            let z = rng.normal().clamp(-2.9, 2.9);
            SurveyAnswer {
                too_cheap: tc.0 + tc.1 * z,
                cheap: ch.0 + ch.1 * z,
                expensive: ex.0 + ex.1 * z,
                too_expensive: te.0 + te.1 * z,
            }
        })
        .collect();
    let psm = compute_psm(&answers);
    assert_eq!(psm.n_valid, answers.len());
    // Rising "not cheap" = Φ((x − 13)/1.5) and falling "not expensive" = 1 − Φ((x − 18)/2).
    let tol = 0.01; // relative: about 0.1–0.2 currency units here
    assert_close("pmc", psm.pmc, meet(tc, ch), tol);
    assert_close("opp", psm.opp, meet(tc, te), tol);
    assert_close("ipp", psm.ipp, meet(ch, ex), tol);
    assert_close("pme", psm.pme, meet(ex, te), tol);
    assert_eq!(psm.range_low, psm.pmc);
    assert_eq!(psm.range_high, psm.pme);
}

/// The panel estimator against statsmodels' OLS with customer dummies, month dummies, a trend
/// and ln p, `cov_type="cluster"` by customer, `use_t`: the coefficient to 1e-9 relative, the
/// cluster-robust SE and the t(G − 1) interval to 1e-6.
#[test]
fn panel_matches_statsmodels_with_customer_dummies_and_clustered_errors() {
    let fixtures: Fixtures = load("fixtures.json");
    let expected: Expected = load("expected.json");
    assert_eq!(fixtures.panel.len(), expected.panel.len());
    let rel = |a: Option<f64>, b: f64| (a.unwrap_or(f64::NAN) - b).abs() / b.abs();
    let (mut worst_e, mut worst_se) = (0.0_f64, 0.0_f64);
    for cell in &fixtures.panel {
        let fit = fit_panel(&cell.obs, &PanelOptions::default());
        let want = &expected.panel[&cell.name];
        let name = &cell.name;
        worst_e = worst_e.max(rel(fit.elasticity, want.elasticity));
        worst_se = worst_se.max(rel(fit.std_error, want.std_error));
        assert_eq!(
            (fit.n_obs, fit.n_customers, fit.df),
            (want.n_obs, want.n_customers, Some(want.df)),
            "{name}"
        );
        assert_eq!((fit.n_singletons, fit.n_dropped), (1, 1), "{name}");
        assert_close(&format!("{name} e"), fit.elasticity, want.elasticity, 1e-9);
        assert_close(&format!("{name} se"), fit.std_error, want.std_error, 1e-6);
        assert_close(&format!("{name} ci_low"), fit.ci_low, want.ci_low, 1e-6);
        assert_close(&format!("{name} ci_high"), fit.ci_high, want.ci_high, 1e-6);
        match want.trend_per_year {
            Some(t) => assert_close(&format!("{name} trend"), fit.trend_per_year, t, 1e-9),
            None => assert_eq!(fit.trend_per_year, None, "{name}"),
        }
        let expected_flag = match (
            want.n_customers < 10,
            want.ci_low <= 0.0 && want.ci_high >= 0.0,
        ) {
            (true, _) => FitStatus::FewCustomers,
            (false, true) => FitStatus::NotSignificant,
            (false, false) if want.ci_high - want.ci_low > 2.0 => FitStatus::WideInterval,
            (false, false) => FitStatus::Ok,
        };
        assert_eq!(fit.status, expected_flag, "{name}");
    }
    println!("panel vs statsmodels: coefficient {worst_e:.1e}, SE {worst_se:.1e} relative");
}
