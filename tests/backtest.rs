//! Backtests with a known answer: worlds simulated from exactly the model that is backtested,
//! where the forecasts must be unbiased and the 95% prediction intervals must hold about 95% of
//! the time (or the forecasts be exact without noise), and a tiny workspace whose WAPE, bias
//! and coverage are computed here by hand; then the command's formats and error messages.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::model::backtest::{Accuracy, BacktestOptions, backtest};
use pricebench::model::forecast::NoForecast;
use pricebench::model::{DemandModel, PanelCell, PanelObs};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::assert_close;

/// A deterministic normal and uniform source (SplitMix64, Box–Muller) for simulated worlds.
struct Draws(u64);

impl Draws {
    fn uniform(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        ((z ^ (z >> 31)) >> 11) as f64 / (1u64 << 53) as f64
    }

    fn normal(&mut self) -> f64 {
        let (u, v) = (self.uniform().max(1e-300), self.uniform());
        (-2.0 * u.ln()).sqrt() * (std::f64::consts::TAU * v).cos()
    }
}

/// January 2023: the first month of the simulated worlds, which run 36 months.
const START: i32 = 2023 * 12;
const MONTHS: i32 = 36;

/// One cell that follows the panel model exactly: ln q(c, m) = α(c) + season(m) +
/// 0.05·years + e·ln p(c, m) + noise·N(0, 1), each customer ordering in a month with
/// probability 0.8 whatever the price; its prices rise 4% every January, vary ±5% from month
/// to month and drop 10% in a promotion (one month in five).
fn panel_cell(draws: &mut Draws, customers: u32, e: f64, noise: f64) -> PanelCell {
    let mut obs = Vec::new();
    for c in 0..customers {
        let alpha = 3.0 + 0.8 * draws.normal();
        let level = 50.0 * (0.2 * draws.normal()).exp();
        for m in 0..MONTHS {
            if draws.uniform() >= 0.8 {
                continue;
            }
            let years = f64::from(m) / 12.0;
            let promo = if draws.uniform() < 0.2 { 0.9 } else { 1.0 };
            let price = level * 1.04f64.powi(m / 12) * promo * (0.05 * draws.normal()).exp();
            let season = 0.3 * (std::f64::consts::TAU * f64::from(m % 12) / 12.0).sin();
            let ln_q = alpha + season + 0.05 * years + e * price.ln() + noise * draws.normal();
            obs.push(PanelObs {
                customer: c,
                month: START + m,
                quantity: ln_q.exp(),
                revenue: ln_q.exp() * price,
            });
        }
    }
    PanelCell {
        segment_id: "S".to_string(),
        product_id: format!("P{}", draws.0 % 1000),
        obs,
    }
}

/// One cell that follows the cell model exactly: one buyer, ln Q = 6 + e·ln P + noise·N(0, 1)
/// each month at a price that moves ±15% around 20.
fn cell_model_cell(draws: &mut Draws, e: f64, noise: f64) -> PanelCell {
    let obs = (0..MONTHS)
        .map(|m| {
            let price = 20.0 * (0.15 * draws.normal()).exp();
            let q = (6.0 + e * price.ln() + noise * draws.normal()).exp();
            PanelObs {
                customer: 0,
                month: START + m,
                quantity: q,
                revenue: q * price,
            }
        })
        .collect();
    PanelCell {
        segment_id: "S".to_string(),
        product_id: "P".to_string(),
        obs,
    }
}

/// Train on 2023–2024, predict the twelve months of 2025 once.
fn year_ahead(model: DemandModel) -> BacktestOptions {
    BacktestOptions {
        model,
        train_until: START + 23,
        horizon: 12,
        rolling: false,
    }
}

fn total(cells: &[PanelCell], opts: &BacktestOptions) -> Accuracy {
    backtest(cells, opts).unwrap().accuracy().1
}

#[test]
fn the_panel_forecasts_a_world_that_follows_it_without_bias_and_with_nominal_coverage() {
    let mut draws = Draws(1);
    let cells: Vec<PanelCell> = (0..60)
        .map(|_| panel_cell(&mut draws, 40, -1.5, 0.25))
        .collect();
    let acc = total(&cells, &year_ahead(DemandModel::Panel));
    assert_eq!((acc.predicted, acc.skipped), (720, 0));
    // 95% nominal; 720 cell-months (correlated within a cell through its fit) give a standard
    // error of about 1 point.
    let coverage = acc.coverage_pct.unwrap();
    assert!((92.0..=98.0).contains(&coverage), "{acc:?}");
    assert!(acc.bias_pct.unwrap().abs() < 1.0, "{acc:?}");
    // The interval is about ±2 sd of the cell total (~20–30% wide, not a blanket), and the
    // errors are as large as it says: for normal errors E|error| = sd·√(2/π).
    let width = acc.width_pct.unwrap();
    assert!((10.0..40.0).contains(&width), "{acc:?}");
    let implied_wape = width / (2.0 * 2.02) * (2.0 / std::f64::consts::PI).sqrt();
    let wape = acc.wape_pct.unwrap();
    assert!((0.8..1.25).contains(&(wape / implied_wape)), "{acc:?}");
}

#[test]
fn without_noise_the_panel_forecasts_are_exact() {
    let mut draws = Draws(2);
    let cells: Vec<PanelCell> = (0..5)
        .map(|_| panel_cell(&mut draws, 12, -0.8, 0.0))
        .collect();
    let acc = total(&cells, &year_ahead(DemandModel::Panel));
    assert_eq!(acc.predicted, 60);
    assert!(acc.wape_pct.unwrap() < 1e-6, "{acc:?}");
    assert!(acc.bias_pct.unwrap().abs() < 1e-6, "{acc:?}");
}

#[test]
fn the_cell_model_forecasts_a_world_that_follows_it_with_nominal_coverage() {
    let mut draws = Draws(3);
    let cells: Vec<PanelCell> = (0..100)
        .map(|_| cell_model_cell(&mut draws, -1.2, 0.2))
        .collect();
    let acc = total(&cells, &year_ahead(DemandModel::Cell));
    assert_eq!(acc.predicted, 1200);
    let coverage = acc.coverage_pct.unwrap();
    assert!((92.0..=98.0).contains(&coverage), "{acc:?}");
    assert!(acc.bias_pct.unwrap().abs() < 1.5, "{acc:?}");
}

#[test]
fn the_panel_refuses_a_month_of_year_it_has_not_seen() {
    // Trained on January to June 2023 only: July has no seasonal effect to predict with.
    let mut draws = Draws(4);
    let cells = vec![panel_cell(&mut draws, 20, -1.0, 0.1)];
    let opts = BacktestOptions {
        model: DemandModel::Panel,
        train_until: START + 5,
        horizon: 2,
        rolling: false,
    };
    let run = backtest(&cells, &opts).unwrap();
    let got: Vec<(i32, Option<NoForecast>)> = run
        .predictions
        .iter()
        .map(|p| (p.month - START, p.forecast.err()))
        .collect();
    assert_eq!(
        got,
        vec![
            (6, Some(NoForecast::UnseenMonth)),
            (7, Some(NoForecast::UnseenMonth))
        ]
    );
}

// The command on a tiny workspace.

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .args(args)
        .arg("--db")
        .arg(db)
        .output()
        .unwrap()
}

/// One customer buying one product: four training months where ln Q = ln 100 − 1.5·ln P ± 0.1
/// exactly (prices 1, 1, 2, 2), then 90 units in May and 250 in June 2024 at price 1.
fn tiny_workspace(dir: &Path) -> PathBuf {
    // 100·e^±0.1 and 100·2^−1.5·e^±0.1, to 12 decimals.
    let lines = [
        ("2024-01-10", 110.517091807565, 1.0),
        ("2024-02-10", 90.483741803596, 1.0),
        ("2024-03-10", 39.073692527073, 2.0),
        ("2024-04-10", 31.990833708228, 2.0),
        ("2024-05-10", 90.0, 1.0),
        ("2024-06-10", 250.0, 1.0),
    ];
    let mut txns = "txn_id,date,customer_id,product_id,quantity,list_price\n".to_string();
    for (i, (date, q, p)) in lines.iter().enumerate() {
        txns.push_str(&format!("T{i},{date},C1,P1,{q},{p}\n"));
    }
    let files = [
        (
            "segments.csv",
            "segment_id,name\nS1,Enterprise\n".to_string(),
        ),
        (
            "customers.csv",
            "customer_id,segment_id\nC1,S1\n".to_string(),
        ),
        (
            "products.csv",
            "product_id,name,unit_cost,list_price\nP1,Widget,0.5,1\n".to_string(),
        ),
        ("transactions.csv", txns),
    ];
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    for (name, text) in files {
        std::fs::write(data.join(name), text).unwrap();
    }
    let db = dir.join("w.db");
    let out = pricebench(&db, &["import", data.to_str().unwrap()]);
    assert!(out.status.success(), "{out:?}");
    db
}

fn csv_rows(out: &Output) -> Vec<Vec<String>> {
    assert!(out.status.success(), "{out:?}");
    let mut r = csv::Reader::from_reader(out.stdout.as_slice());
    let header: Vec<String> = r.headers().unwrap().iter().map(str::to_string).collect();
    assert_eq!(header, pricebench::commands::backtest::COLUMNS);
    r.records()
        .map(|rec| rec.unwrap().iter().map(str::to_string).collect())
        .collect()
}

fn field(row: &[String], column: &str) -> String {
    let i = pricebench::commands::backtest::COLUMNS
        .iter()
        .position(|c| *c == column)
        .unwrap();
    row[i].clone()
}

fn number(row: &[String], column: &str) -> f64 {
    field(row, column).parse().unwrap()
}

#[test]
fn the_cell_model_backtest_matches_the_numbers_by_hand() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_workspace(tmp.path());
    let args = [
        "backtest",
        "--train-until",
        "2024-04-30",
        "--model",
        "cell",
        "--format",
        "csv",
    ];
    let rows = csv_rows(&pricebench(&db, &args));
    assert_eq!(rows.len(), 4, "{rows:?}"); // the cell, steps 1 and 2, the total
    // The fit: slope −1.5, residuals ±0.1, σ̂² = 0.04 / 2 = 0.02; at P = 1 the leverage is 1/4,
    // so s² = 0.02·(1 + 1/4 + 1/4) = 0.03 on the log scale. Forecast = the mean,
    // 100·e^(0.03/2) = 101.511 a month; interval 100·e^(±t(0.975, 2)·√0.03) = 100·e^±0.7452413
    // = [47.46, 210.70]: 90 inside, 250 outside.
    let forecast = 100.0 * 0.015f64.exp();
    let (low, high) = (
        100.0 * (-0.745_241_3f64).exp(),
        100.0 * 0.745_241_3f64.exp(),
    );
    let wape = 100.0 * ((90.0 - forecast).abs() + (250.0 - forecast).abs()) / 340.0;
    let bias = 100.0 * (2.0 * forecast - 340.0) / 340.0;
    let width = 100.0 * (high - low) / forecast;
    for row in [&rows[0], &rows[3]] {
        assert_eq!(field(row, "months"), "2");
        assert_eq!(field(row, "skipped"), "0");
        assert_eq!(
            (field(row, "from_month"), field(row, "to_month")),
            ("2024-05".to_string(), "2024-06".to_string())
        );
        assert_close(number(row, "actual"), 340.0, 1e-9);
        assert!((number(row, "forecast") - 2.0 * forecast).abs() <= 0.05 + 1e-9);
        assert!((number(row, "wape_pct") - wape).abs() <= 0.05 + 1e-9);
        assert!((number(row, "bias_pct") - bias).abs() <= 0.05 + 1e-9);
        assert!((number(row, "width_pct") - width).abs() <= 0.05 + 1e-9);
        assert_eq!(number(row, "coverage_pct"), 50.0);
    }
    assert_eq!(field(&rows[0], "level"), "cell");
    assert_eq!(
        (field(&rows[0], "segment_id"), field(&rows[0], "product_id")),
        ("S1".into(), "P1".into())
    );
    assert_eq!(
        (field(&rows[1], "level"), field(&rows[1], "step")),
        ("step".into(), "1".into())
    );
    assert_eq!(number(&rows[1], "coverage_pct"), 100.0); // May: 90 in [47.46, 210.70]
    assert_eq!(number(&rows[2], "coverage_pct"), 0.0); // June: 250 is not
    assert!((number(&rows[2], "bias_pct") - 100.0 * (forecast - 250.0) / 250.0).abs() <= 0.05);
    assert_eq!(field(&rows[3], "level"), "total");
}

#[test]
fn a_cell_the_panel_cannot_fit_says_why_and_prints_no_numbers() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_workspace(tmp.path());
    let args = ["backtest", "--train-until", "2024-04-30", "--format", "csv"];
    let rows = csv_rows(&pricebench(&db, &args));
    let cell = &rows[0];
    assert_eq!(field(cell, "model"), "panel");
    assert_eq!(
        (field(cell, "months"), field(cell, "skipped")),
        ("0".into(), "2".into())
    );
    assert_eq!(field(cell, "reason"), "few_customers");
    for column in [
        "actual",
        "forecast",
        "wape_pct",
        "bias_pct",
        "coverage_pct",
        "width_pct",
    ] {
        assert_eq!(field(cell, column), "", "{column}");
    }
    let json = pricebench(
        &db,
        &[
            "backtest",
            "--train-until",
            "2024-04-30",
            "--format",
            "json",
        ],
    );
    let text = String::from_utf8(json.stdout).unwrap();
    assert!(!text.contains("NaN") && !text.contains("inf"), "{text}");
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v[0]["wape_pct"], serde_json::Value::Null);
    assert_eq!(v[0]["reason"], "few_customers");
}

#[test]
fn table_csv_and_json_carry_the_same_rows() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_workspace(tmp.path());
    let base = [
        "backtest",
        "--train-until",
        "2024-04-30",
        "--model",
        "cell",
        "--horizon",
        "1",
    ];
    let csv = csv_rows(&pricebench(
        &db,
        &[&base[..], &["--format", "csv"]].concat(),
    ));
    let json = pricebench(&db, &[&base[..], &["--format", "json"]].concat());
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let rows = v.as_array().unwrap();
    assert_eq!(rows.len(), csv.len());
    assert_eq!(rows.len(), 3); // horizon 1: May only — the cell, step 1, the total
    assert_eq!(rows[2]["level"], "total");
    assert_eq!(rows[2]["months"], 1);
    assert_eq!(rows[2]["coverage_pct"], 100.0);
    assert_eq!(rows[2]["actual"].as_f64(), Some(90.0));
    let table = pricebench(&db, &base);
    assert!(table.status.success(), "{table:?}");
    let text = String::from_utf8(table.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 4, "{text}");
    assert!(lines[0].starts_with("level") && lines[0].contains("coverage_pct"));
    assert!(
        lines[3].starts_with("total") && lines[3].contains("100.0"),
        "{text}"
    );
}

#[test]
fn a_cut_outside_the_data_or_a_bad_date_is_a_clear_error() {
    let tmp = tempfile::tempdir().unwrap();
    let db = tiny_workspace(tmp.path());
    let cases = [
        (
            "2024-13-01",
            "--train-until: '2024-13-01' is not a date (expected YYYY-MM-DD)",
        ),
        (
            "2024-01-30",
            "--train-until '2024-01-30' leaves no whole month to fit on: the transactions \
             start in 2024-01; choose the end of 2024-01 or later",
        ),
        (
            "2024-06-30",
            "--train-until '2024-06-30' leaves no month to predict: the transactions end in \
             2024-06; choose a date before the end of 2024-06, such as the end of 2024-05",
        ),
    ];
    for (date, message) in cases {
        let out = pricebench(&db, &["backtest", "--train-until", date]);
        assert_eq!(out.status.code(), Some(1), "{out:?}");
        let stderr = String::from_utf8(out.stderr).unwrap();
        assert_eq!(stderr.trim_end(), format!("error: {message}"));
        assert!(out.stdout.is_empty());
    }
    let zero = pricebench(
        &db,
        &["backtest", "--train-until", "2024-04-30", "--horizon", "0"],
    );
    assert!(!zero.status.success());
    assert!(String::from_utf8_lossy(&zero.stderr).contains("--horizon"));
}
