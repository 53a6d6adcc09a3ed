//! "Cannot compute" is data: every degenerate input gives a flag or a status, never a panic or
//! a NaN. Also release-mode timings (`cargo test --release -- --ignored --nocapture`).

use pricebench::model::{
    FitStatus, PeriodPoint, PsmStatus, Quote, SurveyAnswer, WtpModel, WtpStatus, compute_psm,
    fit_elasticity, fit_wtp, fit_wtp_all, pool_elasticities,
};

fn pts(pairs: &[(f64, f64)]) -> Vec<PeriodPoint> {
    pairs
        .iter()
        .map(|&(quantity, price)| PeriodPoint { quantity, price })
        .collect()
}

fn quotes(pairs: &[(f64, bool)]) -> Vec<Quote> {
    pairs
        .iter()
        .map(|&(price, won)| Quote { price, won })
        .collect()
}

/// Every number in the JSON form is finite (serde_json writes NaN/inf as null, so also check
/// the struct through a round trip of its text).
fn assert_no_nan<T: serde::Serialize>(value: &T) {
    let text = serde_json::to_string(value).unwrap_or_default();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    let parsed: serde_json::Value = serde_json::from_str(&text).unwrap_or_default();
    fn walk(v: &serde_json::Value) {
        match v {
            serde_json::Value::Number(n) => assert!(n.as_f64().is_some_and(f64::is_finite)),
            serde_json::Value::Array(a) => a.iter().for_each(walk),
            serde_json::Value::Object(o) => o.values().for_each(walk),
            _ => {}
        }
    }
    walk(&parsed);
}

#[test]
fn elasticity_with_two_periods_gives_slope_only() {
    let fit = fit_elasticity(&pts(&[(100.0, 10.0), (80.0, 12.0)]));
    assert_eq!(fit.status, FitStatus::TooFewPeriods);
    let expected = (80.0f64 / 100.0).ln() / (12.0f64 / 10.0).ln();
    assert!((fit.elasticity.unwrap_or(f64::NAN) - expected).abs() < 1e-12);
    assert_eq!(
        (fit.std_error, fit.ci_low, fit.r_squared),
        (None, None, None)
    );
    assert_no_nan(&fit);
}

#[test]
fn elasticity_with_one_or_no_period_has_no_estimate() {
    for points in [pts(&[]), pts(&[(5.0, 2.0)])] {
        let fit = fit_elasticity(&points);
        assert_eq!(fit.status, FitStatus::TooFewPeriods);
        assert_eq!(fit.elasticity, None);
        assert_no_nan(&fit);
    }
}

#[test]
fn elasticity_with_one_price_reports_no_price_variation() {
    let fit = fit_elasticity(&pts(&[(10.0, 3.0), (12.0, 3.0), (9.0, 3.0), (11.0, 3.0)]));
    assert_eq!(fit.status, FitStatus::NoPriceVariation);
    assert_eq!(fit.elasticity, None);
    assert_eq!(fit.status.as_str(), "no_price_variation");
    assert_no_nan(&fit);
}

#[test]
fn elasticity_drops_zero_and_negative_quantities_and_prices() {
    let raw = [
        (0.0, 3.0),
        (-4.0, 3.5),
        (10.0, -1.0),
        (10.0, 3.0),
        (8.0, 4.0),
        (6.0, 5.0),
    ];
    let fit = fit_elasticity(&pts(&raw));
    assert_eq!((fit.n_periods, fit.n_dropped), (3, 3));
    assert!(fit.elasticity.is_some_and(|e| e < 0.0));
    let nan_points = pts(&[(f64::NAN, 1.0), (1.0, f64::INFINITY)]);
    let fit = fit_elasticity(&nan_points);
    assert_eq!((fit.n_periods, fit.n_dropped, fit.elasticity), (0, 2, None));
}

#[test]
fn elasticity_flags_positive_slope_and_wide_interval() {
    let rising = fit_elasticity(&pts(&[(10.0, 1.0), (12.0, 1.1), (13.0, 1.2), (15.0, 1.3)]));
    assert_eq!(rising.status, FitStatus::PositiveSlope);
    assert!(rising.positive_slope && rising.elasticity.is_some());
    let noisy = fit_elasticity(&pts(&[
        (10.0, 1.0),
        (30.0, 1.02),
        (5.0, 1.04),
        (20.0, 1.06),
    ]));
    assert!(noisy.wide_interval, "{noisy:?}");
    let texts = [
        FitStatus::Ok,
        FitStatus::TooFewPeriods,
        FitStatus::WideInterval,
    ];
    let texts: Vec<_> = texts.iter().map(|s| s.as_str()).collect();
    assert_eq!(texts, ["ok", "too_few_periods", "wide_interval"]);
}

#[test]
fn elasticity_with_a_perfect_fit_has_zero_se_and_pooling_stays_finite() {
    let exact = fit_elasticity(&pts(&[(100.0, 1.0), (50.0, 2.0), (25.0, 4.0)]));
    assert!(exact.std_error.is_some_and(|se| se < 1e-12), "{exact:?}");
    let thin = fit_elasticity(&pts(&[(10.0, 1.0), (8.0, 1.2)]));
    let none = fit_elasticity(&pts(&[(10.0, 1.0)]));
    let pooled = pool_elasticities(&[exact, thin, none]);
    assert_no_nan(&pooled);
    assert_eq!(pooled.n_cells_with_se, 1);
    assert_eq!(pooled.cells[1].elasticity, pooled.mean);
}

#[test]
fn pooling_without_any_standard_error_gives_no_numbers() {
    let thin = fit_elasticity(&pts(&[(10.0, 1.0), (8.0, 1.2)]));
    let pooled = pool_elasticities(&[thin]);
    assert_eq!(pooled.mean, None);
    assert_eq!(pooled.cells[0].elasticity, None);
    assert_eq!(pooled.cells[0].raw, thin.elasticity);
    assert_no_nan(&pool_elasticities(&[]));
}

#[test]
fn wtp_all_won_all_lost_and_too_few_have_no_numbers() {
    let cases = [
        (
            quotes(&[(10.0, true), (12.0, true), (14.0, true)]),
            WtpStatus::AllWon,
        ),
        (quotes(&[(10.0, false), (12.0, false)]), WtpStatus::AllLost),
        (quotes(&[(10.0, true)]), WtpStatus::TooFewQuotes),
        (quotes(&[]), WtpStatus::TooFewQuotes),
        (
            quotes(&[(10.0, true), (10.0, false), (10.0, true)]),
            WtpStatus::NoPriceVariation,
        ),
    ];
    for (q, status) in cases {
        for model in WtpModel::ALL {
            let fit = fit_wtp(&q, model, 5.0);
            assert_eq!(fit.status, status, "{model}");
            assert_eq!(
                (fit.alpha, fit.median_wtp, fit.optimal_price),
                (None, None, None)
            );
            assert_no_nan(&fit);
        }
    }
}

#[test]
fn wtp_separated_quotes_are_detected() {
    let complete = quotes(&[(10.0, true), (11.0, true), (12.0, false), (13.0, false)]);
    // Quasi-complete: won and lost meet at 11 only.
    let quasi = quotes(&[(10.0, true), (11.0, true), (11.0, false), (13.0, false)]);
    let reversed = quotes(&[(10.0, false), (11.0, false), (12.0, true), (13.0, true)]);
    for q in [complete, quasi, reversed] {
        let all = fit_wtp_all(&q, 1.0);
        assert_eq!(all.best, None);
        for fit in &all.fits {
            assert_eq!(fit.status, WtpStatus::Separated);
            assert_eq!(fit.status.as_str(), "separated");
            assert_no_nan(fit);
        }
    }
}

#[test]
fn wtp_rising_win_curve_is_flagged_without_an_optimal_price() {
    let q = quotes(&[
        (10.0, false),
        (11.0, true),
        (12.0, false),
        (13.0, true),
        (14.0, true),
        (15.0, false),
        (16.0, true),
        (17.0, true),
    ]);
    let fit = fit_wtp(&q, WtpModel::Logistic, 5.0);
    assert_eq!(fit.status, WtpStatus::IncreasingWinCurve);
    assert_eq!(fit.status.as_str(), "increasing_win_curve");
    assert!(fit.beta.is_some_and(|b| b > 0.0));
    assert_eq!(fit.optimal_price, None);
    assert_no_nan(&fit);
}

#[test]
fn wtp_drops_non_positive_prices_and_flags_extrapolated_optimum() {
    let mut q = quotes(&[(-3.0, true), (0.0, false), (f64::NAN, true)]);
    q.extend((0..40).map(|i| Quote {
        price: 100.0 + i as f64,
        won: (i * 37) % 40 > i,
    }));
    let fit = fit_wtp(&q, WtpModel::Normal, 10.0);
    assert_eq!(fit.n_dropped, 3);
    assert_eq!(fit.status, WtpStatus::Ok);
    // Cost far below the quoted range: the margin-maximising price lies below it.
    assert!(fit.optimal_price_extrapolated, "{fit:?}");
    assert_no_nan(&fit);
}

#[test]
fn wtp_cost_above_every_plausible_price_gives_no_optimum() {
    let q: Vec<Quote> = (0..40)
        .map(|i| Quote {
            price: 10.0 + i as f64 * 0.1,
            won: (i * 37) % 40 > i,
        })
        .collect();
    let fit = fit_wtp(&q, WtpModel::Logistic, 1e6);
    assert_eq!(fit.status, WtpStatus::Ok);
    assert_eq!(fit.optimal_price, None);
    assert_no_nan(&fit);
}

#[test]
fn wtp_fit_all_marks_exactly_one_best_model() {
    let q: Vec<Quote> = (0..60)
        .map(|i| Quote {
            price: 20.0 + i as f64 * 0.5,
            won: (i * 13) % 60 > i,
        })
        .collect();
    let all = fit_wtp_all(&q, 5.0);
    assert_eq!(all.fits.iter().filter(|f| f.best_by_aic).count(), 1);
    let best = all.fits.iter().find(|f| f.best_by_aic).map(|f| f.model);
    assert_eq!(best, all.best);
    assert_no_nan(&all);
}

fn answer(a: f64, b: f64, c: f64, d: f64) -> SurveyAnswer {
    SurveyAnswer {
        too_cheap: a,
        cheap: b,
        expensive: c,
        too_expensive: d,
    }
}

#[test]
fn psm_drops_inconsistent_answers_and_needs_two_respondents() {
    let answers = [
        answer(5.0, 8.0, 12.0, 15.0),
        answer(8.0, 5.0, 12.0, 15.0),
        answer(5.0, 5.0, 12.0, 15.0),
        answer(f64::NAN, 5.0, 12.0, 15.0),
    ];
    let psm = compute_psm(&answers);
    assert_eq!((psm.n_respondents, psm.n_valid), (4, 1));
    assert_eq!(psm.status, PsmStatus::TooFewRespondents);
    assert_eq!(psm.status.as_str(), "too_few_respondents");
    assert_eq!(
        (psm.pmc, psm.opp, psm.ipp, psm.pme),
        (None, None, None, None)
    );
    assert_no_nan(&psm);
    assert_eq!(
        compute_psm(&answers[..1]).status,
        PsmStatus::TooFewRespondents
    );
    assert_eq!(compute_psm(&[]).status, PsmStatus::TooFewRespondents);
}

#[test]
fn psm_with_two_respondents_gives_points_inside_the_answers() {
    let psm = compute_psm(&[answer(5.0, 8.0, 12.0, 15.0), answer(6.0, 9.0, 14.0, 18.0)]);
    assert_no_nan(&psm);
    for p in [psm.pmc, psm.opp, psm.ipp, psm.pme].into_iter().flatten() {
        assert!((5.0..=18.0).contains(&p), "{psm:?}");
    }
    assert!(!psm.curves.is_empty());
}

#[test]
fn psm_identical_answers_use_the_midpoint_of_flat_equal_stretches() {
    let psm = compute_psm(&[answer(5.0, 8.0, 12.0, 15.0); 3]);
    assert_no_nan(&psm);
    // d = too_cheap − not_cheap is 1 at 5, 0 at 8 and −1 at 12: the zero at 8 is the point.
    assert_eq!(psm.pmc, Some(8.0));
    // d = cheap − expensive is 1 at 8 and −1 at 12: linear interpolation gives 10.
    assert_eq!(psm.ipp, Some(10.0));
    // d = too_cheap − too_expensive is 0 at 8 and at 12, −1 at 15: midpoint of [8, 12].
    assert_eq!(psm.opp, Some(10.0));
    assert_eq!(psm.status, PsmStatus::Ok);
}

/// Timings for the brief's targets; run with `cargo test --release -- --ignored --nocapture`.
#[test]
#[ignore]
fn time_elasticity_and_wtp_fits() {
    let points: Vec<PeriodPoint> = (0..104)
        .map(|i| {
            let price = 10.0 + (i % 7) as f64 * 0.3;
            let quantity =
                1000.0 * price.powf(-1.3) * (1.0 + 0.05 * ((i * 31 % 17) as f64 - 8.0) / 8.0);
            PeriodPoint { quantity, price }
        })
        .collect();
    let start = std::time::Instant::now();
    let n = 200_000;
    let mut sum = 0.0;
    for _ in 0..n {
        sum += fit_elasticity(std::hint::black_box(&points))
            .elasticity
            .unwrap_or(0.0);
    }
    let secs = start.elapsed().as_secs_f64();
    println!(
        "elasticity: {:.0} fits/s (104 points; checksum {sum:.3})",
        n as f64 / secs
    );

    let cells: Vec<Vec<Quote>> = (0..2500u64)
        .map(|c| {
            (0..200u64)
                .map(|i| {
                    let h = (c * 200 + i).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 11;
                    let u = (h as f64 + 0.5) / (1u64 << 53) as f64;
                    let price = 60.0 + 80.0 * u;
                    let v = ((h >> 7) % 10_000) as f64 / 10_000.0 + 0.00005;
                    Quote {
                        price,
                        won: 100.0 + 12.0 * (v / (1.0 - v)).ln() >= price,
                    }
                })
                .collect()
        })
        .collect();
    let start = std::time::Instant::now();
    let ok = cells
        .iter()
        .map(|q| fit_wtp_all(q, 50.0))
        .filter(|all| all.best.is_some())
        .count();
    let secs = start.elapsed().as_secs_f64();
    println!(
        "wtp: 2500 cells x 200 quotes x 3 models in {secs:.3} s ({ok} cells with a best model)"
    );
}

/// splitmix64 for the sweep below.
fn next(state: &mut u64) -> f64 {
    *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
    let mut z = *state;
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
}

#[test]
fn random_small_inputs_never_panic_or_give_nan() {
    let mut s = 17u64;
    for case in 0..2000 {
        let n = 1 + (next(&mut s) * 12.0) as usize;
        let spread = [0.0, 0.01, 1.0, 50.0][case % 4];
        let q: Vec<Quote> = (0..n)
            .map(|_| Quote {
                price: (10.0 + spread * (next(&mut s) - 0.3)).round(),
                won: next(&mut s) < 0.5,
            })
            .collect();
        assert_no_nan(&fit_wtp_all(&q, 10.0 * next(&mut s)));
        let p: Vec<PeriodPoint> = (0..n)
            .map(|_| PeriodPoint {
                quantity: (100.0 * (next(&mut s) - 0.1)).round(),
                price: (5.0 + spread * next(&mut s)).round(),
            })
            .collect();
        let fit = fit_elasticity(&p);
        assert_no_nan(&fit);
        assert_no_nan(&pool_elasticities(&[fit, fit]));
        let a: Vec<SurveyAnswer> = (0..n)
            .map(|_| {
                let v = [0, 1, 2, 3].map(|_| (20.0 * next(&mut s)).round());
                answer(v[0], v[1], v[2], v[3])
            })
            .collect();
        assert_no_nan(&compute_psm(&a));
    }
}

#[test]
fn a_negative_slope_whose_interval_includes_zero_is_not_significant() {
    // Quantity barely falls as price rises, with noise: slope < 0, 95% interval across 0.
    let weak = fit_elasticity(&pts(&[
        (10.0, 100.0),
        (11.0, 95.0),
        (12.0, 104.0),
        (13.0, 90.0),
        (14.0, 99.0),
    ]));
    let (e, lo, hi) = (weak.elasticity, weak.ci_low, weak.ci_high);
    assert!(
        e.is_some_and(|e| e < 0.0) && lo.is_some_and(|l| l < 0.0) && hi.is_some_and(|h| h > 0.0),
        "{weak:?}"
    );
    assert_eq!(weak.status, FitStatus::NotSignificant);
    assert!(weak.not_significant && !weak.positive_slope);
    assert_eq!(
        FitStatus::parse("not_significant"),
        Some(FitStatus::NotSignificant)
    );
    // A clear response: the interval excludes 0.
    let clear = fit_elasticity(&pts(&[
        (10.0, 100.0),
        (11.0, 82.0),
        (12.0, 69.0),
        (13.0, 58.0),
    ]));
    assert_eq!(clear.status, FitStatus::Ok, "{clear:?}");
    assert!(!clear.not_significant);
}

#[test]
fn a_positive_estimate_whose_interval_includes_zero_is_not_significant() {
    // Quantity barely rises with price, with noise: slope > 0, 95% interval across 0.
    let weak = fit_elasticity(&pts(&[
        (100.0, 10.0),
        (95.0, 11.0),
        (104.0, 12.0),
        (99.0, 13.0),
        (103.0, 14.0),
    ]));
    let (e, lo, hi) = (weak.elasticity, weak.ci_low, weak.ci_high);
    assert!(
        e.is_some_and(|e| e > 0.0) && lo.is_some_and(|l| l < 0.0) && hi.is_some_and(|h| h > 0.0),
        "{weak:?}"
    );
    assert!(weak.positive_slope && weak.not_significant);
    assert_eq!(weak.status, FitStatus::NotSignificant);
    // Demand that rises with price beyond doubt keeps its own flag.
    let rising = fit_elasticity(&pts(&[(10.0, 1.0), (12.0, 1.1), (13.0, 1.2), (15.0, 1.3)]));
    assert!(rising.ci_low.is_some_and(|l| l > 0.0), "{rising:?}");
    assert_eq!(rising.status, FitStatus::PositiveSlope);
    assert_eq!(
        FitStatus::parse("few_customers"),
        Some(FitStatus::FewCustomers)
    );
}
