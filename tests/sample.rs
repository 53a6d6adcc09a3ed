//! The sample generator: exact counts, determinism, valid prices, and the planted truth
//! recoverable from the written CSV files.

#![allow(clippy::unwrap_used)]

use pricebench::date::Date;
use pricebench::sample::{CellKind, SampleOptions, SampleWorld, Truth, generate, read_truth};
use serde::Deserialize;
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::OnceLock;

const ROWS: u64 = 20_000;
const SEED: u64 = 42;

/// One generated sample shared by the read-only tests.
fn sample_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        generate(
            &SampleOptions {
                rows: ROWS,
                seed: SEED,
                world: SampleWorld::Simple,
            },
            dir.path(),
        )
        .unwrap();
        dir
    })
    .path()
}

fn truth() -> Truth {
    read_truth(&sample_dir().join("truth.json")).unwrap()
}

fn read<T: for<'de> Deserialize<'de>>(file: &str) -> Vec<T> {
    let mut r = csv::Reader::from_path(sample_dir().join(file)).unwrap();
    r.deserialize().map(|row| row.unwrap()).collect()
}

#[derive(Debug, Deserialize)]
struct Txn {
    txn_id: String,
    date: String,
    customer_id: String,
    product_id: String,
    quantity: i64,
    list_price: f64,
    unit_cost: f64,
    on_volume: f64,
    on_promo: f64,
    on_competitive: f64,
    off_rebate: f64,
    off_payment_terms: f64,
    off_freight: f64,
    off_coop: f64,
}

impl Txn {
    fn invoice(&self) -> f64 {
        self.list_price - self.on_volume - self.on_promo - self.on_competitive
    }
    fn pocket(&self) -> f64 {
        self.invoice() - self.off_rebate - self.off_payment_terms - self.off_freight - self.off_coop
    }
    fn week(&self) -> Date {
        Date::parse(&self.date).unwrap().week_start()
    }
}

#[derive(Debug, Deserialize)]
struct Customer {
    customer_id: String,
    segment_id: String,
    name: String,
    channel: String,
}

#[derive(Debug, Deserialize)]
struct Quote {
    product_id: String,
    customer_id: String,
    quoted_price: f64,
    won: u8,
}

#[derive(Debug, Deserialize)]
struct Answer {
    segment_id: String,
    product_id: String,
    too_cheap: f64,
    cheap: f64,
    expensive: f64,
    too_expensive: f64,
}

impl Answer {
    fn values(&self) -> [f64; 4] {
        [
            self.too_cheap,
            self.cheap,
            self.expensive,
            self.too_expensive,
        ]
    }
    fn consistent(&self) -> bool {
        self.values().windows(2).all(|w| w[0] < w[1])
    }
}

fn segment_of() -> HashMap<String, Customer> {
    read::<Customer>("customers.csv")
        .into_iter()
        .map(|c| (c.customer_id.clone(), c))
        .collect()
}

fn data_lines(file: &str) -> usize {
    let text = std::fs::read_to_string(sample_dir().join(file)).unwrap();
    text.lines().count() - 1
}

#[test]
fn every_file_has_the_expected_row_count() {
    let t = truth();
    assert_eq!(data_lines("transactions.csv"), ROWS as usize);
    assert_eq!(data_lines("segments.csv"), 5);
    assert_eq!(read::<Customer>("customers.csv").len(), 300);
    assert_eq!(data_lines("products.csv"), 24);
    assert_eq!(t.cells.len(), 5 * 24);
    let quote_cells = t.cells.iter().filter(|c| c.wtp.is_some()).count();
    assert!(quote_cells > 80, "{quote_cells} cells with quotes");
    assert_eq!(read::<Quote>("quotes.csv").len(), quote_cells * 80);
    let survey_cells = t.cells.iter().filter(|c| c.psm.is_some()).count();
    assert!(survey_cells >= 10, "{survey_cells} surveyed cells");
    assert_eq!(read::<Answer>("survey.csv").len(), survey_cells * 60);
    assert_eq!((t.rows, t.seed, t.weeks), (ROWS, SEED, 104));
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_differs() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (dir, seed) in dirs.iter().zip([7, 7, 8]) {
        generate(
            &SampleOptions {
                rows: 3000,
                seed,
                world: SampleWorld::Simple,
            },
            dir.path(),
        )
        .unwrap();
    }
    let files = [
        "segments.csv",
        "customers.csv",
        "products.csv",
        "transactions.csv",
        "quotes.csv",
        "survey.csv",
        "truth.json",
    ];
    let bytes = |d: &tempfile::TempDir, f: &str| std::fs::read(d.path().join(f)).unwrap();
    for f in files {
        assert_eq!(bytes(&dirs[0], f), bytes(&dirs[1], f), "{f}");
    }
    for f in ["transactions.csv", "quotes.csv", "survey.csv", "truth.json"] {
        assert_ne!(bytes(&dirs[0], f), bytes(&dirs[2], f), "{f}");
    }
}

#[test]
fn transactions_have_positive_pocket_and_sequential_ids_in_date_order() {
    let txns: Vec<Txn> = read("transactions.csv");
    let customers = segment_of();
    let start = Date::parse("2024-01-01").unwrap();
    let mut last = start;
    for (i, t) in txns.iter().enumerate() {
        assert_eq!(t.txn_id, format!("T{:08}", i + 1));
        let date = Date::parse(&t.date).unwrap();
        assert!(date >= last && date.0 < start.0 + 104 * 7, "{t:?}");
        last = date;
        assert!(t.pocket() > 0.0 && t.pocket() <= t.invoice() && t.invoice() <= t.list_price);
        assert!(t.unit_cost > 0.0 && t.unit_cost < t.list_price, "{t:?}");
        assert_ne!(t.quantity, 0, "{t:?}");
        let channel = &customers[&t.customer_id].channel;
        if channel != "Distributor" {
            assert_eq!(t.off_coop, 0.0, "{t:?}");
        }
    }
    let returns = txns.iter().filter(|t| t.quantity < 0).count() as f64 / txns.len() as f64;
    assert!((0.01..0.03).contains(&returns), "return share {returns}");
}

#[test]
fn returns_net_out_against_an_earlier_purchase_in_the_same_week() {
    let txns: Vec<Txn> = read("transactions.csv");
    for r in txns.iter().filter(|t| t.quantity < 0) {
        let matched = txns.iter().any(|p| {
            p.quantity >= -r.quantity
                && p.customer_id == r.customer_id
                && p.product_id == r.product_id
                && p.date < r.date
                && p.week() == r.week()
                && (p.pocket() - r.pocket()).abs() < 1e-9
                && p.list_price == r.list_price
        });
        assert!(matched, "return without purchase: {r:?}");
    }
}

#[test]
fn messy_customer_names_survive_csv_quoting() {
    let names: Vec<String> = read::<Customer>("customers.csv")
        .into_iter()
        .map(|c| c.name)
        .collect();
    for name in [
        "Müller & Söhne GmbH",
        "Acme, Inc.",
        "\"Big\" Joe's",
        "Café Núñez",
    ] {
        assert!(names.iter().any(|n| n == name), "{name}");
    }
}

/// Per cell (segment, product): per week (Q, Σ q·pocket).
type Weekly = BTreeMap<(String, String), BTreeMap<Date, (f64, f64)>>;

fn weekly_cells() -> Weekly {
    let customers = segment_of();
    let mut cells = Weekly::new();
    for t in read::<Txn>("transactions.csv") {
        let seg = customers[&t.customer_id].segment_id.clone();
        let week = cells.entry((seg, t.product_id.clone())).or_default();
        let e = week.entry(t.week()).or_default();
        e.0 += t.quantity as f64;
        e.1 += t.quantity as f64 * t.pocket();
    }
    cells
}

/// OLS of ln Q on ln P: (slope, standard error).
fn ols_slope(points: &[(f64, f64)]) -> (f64, f64) {
    let n = points.len() as f64;
    let mx = points.iter().map(|p| p.0).sum::<f64>() / n;
    let my = points.iter().map(|p| p.1).sum::<f64>() / n;
    let sxx: f64 = points.iter().map(|p| (p.0 - mx).powi(2)).sum();
    let sxy: f64 = points.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy / sxx;
    let sse: f64 = points
        .iter()
        .map(|p| (p.1 - my - slope * (p.0 - mx)).powi(2))
        .sum();
    (slope, (sse / (n - 2.0) / sxx).sqrt())
}

#[test]
fn weekly_log_log_ols_recovers_the_planted_elasticities() {
    let t = truth();
    let weekly = weekly_cells();
    let mut z_scores = Vec::new();
    for cell in t.cells.iter().filter(|c| c.kind == CellKind::Regular) {
        let weeks = &weekly[&(cell.segment_id.clone(), cell.product_id.clone())];
        let points: Vec<(f64, f64)> = weeks
            .values()
            .map(|&(q, revenue)| ((revenue / q).ln(), q.ln()))
            .collect();
        if points.len() < 30 {
            continue;
        }
        let (slope, se) = ols_slope(&points);
        let z = (slope - cell.elasticity) / se;
        assert!(z.abs() < 4.5, "{cell:?}: slope {slope} se {se}");
        z_scores.push(z);
    }
    assert!(z_scores.len() >= 60, "{} cells fitted", z_scores.len());
    let n = z_scores.len() as f64;
    let mean = z_scores.iter().sum::<f64>() / n;
    let within_2 = z_scores.iter().filter(|z| z.abs() < 2.0).count() as f64 / n;
    assert!(mean.abs() < 0.35, "mean z {mean}");
    assert!(within_2 > 0.85, "share within 2 SE {within_2}");
}

#[test]
fn flagged_cells_are_thin_or_have_no_price_variation() {
    let t = truth();
    let weekly = weekly_cells();
    let thin: Vec<_> = t
        .cells
        .iter()
        .filter(|c| c.kind == CellKind::Thin)
        .collect();
    assert!(!thin.is_empty());
    for c in thin {
        let weeks = weekly[&(c.segment_id.clone(), c.product_id.clone())].len();
        assert!((2..=8).contains(&weeks), "{c:?} sold in {weeks} weeks");
    }
    let fixed: Vec<_> = t
        .cells
        .iter()
        .filter(|c| c.kind == CellKind::FixedPrice)
        .collect();
    assert_eq!(fixed.len(), 5, "one fixed-price product in every segment");
    for c in fixed {
        let weeks = &weekly[&(c.segment_id.clone(), c.product_id.clone())];
        let prices: Vec<f64> = weeks.values().map(|(q, rev)| rev / q).collect();
        let spread = prices.iter().cloned().fold(f64::MIN, f64::max)
            - prices.iter().cloned().fold(f64::MAX, f64::min);
        assert!(weeks.len() > 50 && spread < 1e-6, "{c:?}: spread {spread}");
    }
}

#[test]
fn quote_win_rates_follow_the_logistic_wtp() {
    let t = truth();
    let customers = segment_of();
    let wtp: HashMap<(String, String), (f64, f64)> = t
        .cells
        .iter()
        .filter_map(|c| {
            let w = c.wtp.as_ref()?;
            Some((
                (c.segment_id.clone(), c.product_id.clone()),
                (w.median, w.scale),
            ))
        })
        .collect();
    let (mut expected, mut won, mut n) = (0.0, 0.0, 0.0_f64);
    let (mut below, mut above) = ((0.0, 0.0), (0.0, 0.0));
    for q in read::<Quote>("quotes.csv") {
        assert!(q.won <= 1);
        let seg = customers[&q.customer_id].segment_id.clone();
        let (mu, s) = wtp[&(seg, q.product_id.clone())];
        assert!(q.quoted_price >= 0.6 * mu - 0.01 && q.quoted_price <= 1.4 * mu + 0.01);
        expected += 1.0 / (1.0 + ((q.quoted_price - mu) / s).exp());
        won += f64::from(q.won);
        n += 1.0;
        let side = if q.quoted_price < mu {
            &mut below
        } else {
            &mut above
        };
        side.0 += f64::from(q.won);
        side.1 += 1.0;
    }
    let (rate_below, rate_above) = (below.0 / below.1, above.0 / above.1);
    assert!(
        rate_below > 0.8 && rate_above < 0.2,
        "{rate_below} {rate_above}"
    );
    // Binomial sd of the total is below sqrt(n)/2; allow 4 sd.
    assert!(
        (won - expected).abs() < 2.0 * n.sqrt(),
        "won {won} expected {expected}"
    );
}

#[test]
fn survey_has_about_three_percent_inconsistent_respondents() {
    let answers: Vec<Answer> = read("survey.csv");
    let bad = answers.iter().filter(|a| !a.consistent()).count() as f64;
    let share = bad / answers.len() as f64;
    assert!((0.015..0.05).contains(&share), "inconsistent share {share}");
}

/// Price where an increasing share `up` meets a decreasing share `down` on pooled answers.
fn empirical_crossing(answers: &[[f64; 4]], up: usize, down: usize) -> f64 {
    let share_at_most = |j: usize, x: f64| {
        answers.iter().filter(|a| a[j] <= x).count() as f64 / answers.len() as f64
    };
    let (mut lo, mut hi) = (0.1, 10.0);
    for _ in 0..60 {
        let mid: f64 = (lo + hi) / 2.0;
        if share_at_most(up, mid) < 1.0 - share_at_most(down, mid) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    lo
}

#[test]
fn consistent_survey_answers_reproduce_the_true_price_points() {
    let t = truth();
    let psm: HashMap<(String, String), _> = t
        .cells
        .iter()
        .filter_map(|c| Some(((c.segment_id.clone(), c.product_id.clone()), c.psm.clone()?)))
        .collect();
    // Every truth scales with the cell's value level, so answers divided by the true IPP pool.
    let mut pooled = Vec::new();
    let mut ratios = (0.0, 0.0, 0.0);
    for a in read::<Answer>("survey.csv")
        .iter()
        .filter(|a| a.consistent())
    {
        let p = &psm[&(a.segment_id.clone(), a.product_id.clone())];
        pooled.push(a.values().map(|v| v / p.ipp));
        ratios = (p.pmc / p.ipp, p.opp / p.ipp, p.pme / p.ipp);
    }
    let close = |a: f64, b: f64| (a / b - 1.0).abs() < 0.04;
    let ipp = empirical_crossing(&pooled, 2, 1);
    assert!(close(ipp, 1.0), "ipp {ipp}");
    let opp = empirical_crossing(&pooled, 3, 0);
    assert!(close(opp, ratios.1), "opp {opp} vs {}", ratios.1);
    // PMC: too cheap (falls) = not cheap (rises); PME: too expensive (rises) = not expensive.
    let pmc = empirical_crossing(
        &pooled
            .iter()
            .map(|a| [a[1], a[0], 0.0, 0.0])
            .collect::<Vec<_>>(),
        0,
        1,
    );
    assert!(close(pmc, ratios.0), "pmc {pmc} vs {}", ratios.0);
    let pme = empirical_crossing(
        &pooled
            .iter()
            .map(|a| [a[3], a[2], 0.0, 0.0])
            .collect::<Vec<_>>(),
        0,
        1,
    );
    assert!(close(pme, ratios.2), "pme {pme} vs {}", ratios.2);
}

#[test]
fn truth_file_round_trips_and_matches_the_return_value() {
    let dir = tempfile::tempdir().unwrap();
    let summary = generate(
        &SampleOptions {
            rows: 1000,
            seed: 3,
            world: SampleWorld::Simple,
        },
        dir.path(),
    )
    .unwrap();
    assert_eq!(
        read_truth(&dir.path().join("truth.json")).unwrap(),
        summary.truth
    );
    assert_eq!(summary.transactions, 1000);
    for c in &summary.truth.cells {
        assert!((-3.5..=-0.5).contains(&c.elasticity), "{c:?}");
    }
}

fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_pricebench"))
}

#[test]
fn command_prints_a_summary_and_names_a_bad_directory() {
    let dir = tempfile::tempdir().unwrap();
    let out_dir = dir.path().join("new").join("sample");
    let out = std::process::Command::new(bin())
        .args(["sample", "--rows", "2000", "--seed", "5", "--out"])
        .arg(&out_dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("2000 transactions"), "{stdout}");
    assert!(out_dir.join("truth.json").exists());

    let blocker = dir.path().join("a-file");
    std::fs::write(&blocker, "x").unwrap();
    let out = std::process::Command::new(bin())
        .args(["sample", "--out"])
        .arg(blocker.join("sub"))
        .output()
        .unwrap();
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("cannot create directory") && stderr.contains("a-file"),
        "{stderr}"
    );
}

#[test]
fn bundled_sample_is_what_the_defaults_generate() {
    let dir = tempfile::tempdir().unwrap();
    generate(
        &SampleOptions {
            rows: 40_000,
            seed: 42,
            world: SampleWorld::Realistic,
        },
        dir.path(),
    )
    .unwrap();
    let bundled = Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sample");
    for f in [
        "segments.csv",
        "customers.csv",
        "products.csv",
        "transactions.csv",
        "quotes.csv",
        "survey.csv",
        "truth.json",
    ] {
        let fresh = std::fs::read(dir.path().join(f)).unwrap();
        let stored = std::fs::read(bundled.join(f)).unwrap();
        assert!(
            fresh == stored,
            "testdata/sample/{f} is stale: regenerate it"
        );
    }
}
