//! The realistic sample world: the same files and columns as the simple one, exact counts,
//! determinism, and the confounders it promises visible in the written CSV files — discounts
//! that grow with customer size, promotions in peak months, list increases as truth.json says,
//! returns that net out within the month. And the simple world still writes, byte for byte,
//! what it wrote before the realistic one existed.
#![allow(clippy::unwrap_used)]

use pricebench::date::Date;
use pricebench::sample::{CellKind, SampleOptions, SampleWorld, Truth, generate, read_truth};
use serde::Deserialize;
use std::collections::HashMap;
use std::path::Path;
use std::sync::OnceLock;

const ROWS: u64 = 20_000;

fn sample_dir() -> &'static Path {
    static DIR: OnceLock<tempfile::TempDir> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let opts = SampleOptions {
            rows: ROWS,
            seed: 42,
            world: SampleWorld::Realistic,
        };
        generate(&opts, dir.path()).unwrap();
        dir
    })
    .path()
}

fn truth() -> Truth {
    read_truth(&sample_dir().join("truth.json")).unwrap()
}

#[derive(Debug, Deserialize)]
struct Txn {
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
    fn pocket(&self) -> f64 {
        self.list_price
            - self.on_volume
            - self.on_promo
            - self.on_competitive
            - self.off_rebate
            - self.off_payment_terms
            - self.off_freight
            - self.off_coop
    }
    fn month(&self) -> String {
        self.date[..7].to_string()
    }
}

fn transactions() -> Vec<Txn> {
    let mut r = csv::Reader::from_path(sample_dir().join("transactions.csv")).unwrap();
    r.deserialize().map(|row| row.unwrap()).collect()
}

fn header(file: &str) -> String {
    let text = std::fs::read_to_string(sample_dir().join(file)).unwrap();
    text.lines().next().unwrap().to_string()
}

#[test]
fn same_files_columns_and_shape_as_the_simple_world() {
    let simple = tempfile::tempdir().unwrap();
    let opts = SampleOptions {
        rows: 2000,
        seed: 1,
        world: SampleWorld::Simple,
    };
    generate(&opts, simple.path()).unwrap();
    for f in [
        "segments.csv",
        "customers.csv",
        "products.csv",
        "transactions.csv",
    ] {
        let theirs = std::fs::read_to_string(simple.path().join(f)).unwrap();
        assert_eq!(header(f), theirs.lines().next().unwrap(), "{f}");
    }
    let t = truth();
    assert_eq!(transactions().len(), ROWS as usize);
    assert_eq!((t.segments.len(), t.cells.len()), (5, 5 * 24));
    let r = t.realistic.as_ref().unwrap();
    assert_eq!((r.months, r.first_month.as_str()), (24, "2024-01"));
    assert_eq!(r.customers.len(), 300);
    let kinds = |k: CellKind| t.cells.iter().filter(|c| c.kind == k).count();
    assert_eq!(kinds(CellKind::ZeroElasticity), 1);
    assert_eq!(kinds(CellKind::FixedPrice), 5);
    assert_eq!(kinds(CellKind::Thin), 3);
    let zero = t.cells.iter().find(|c| c.kind == CellKind::ZeroElasticity);
    assert_eq!(zero.map(|c| c.elasticity), Some(0.0));
}

#[test]
fn same_seed_same_bytes_another_seed_differs() {
    let dirs: Vec<tempfile::TempDir> = (0..3).map(|_| tempfile::tempdir().unwrap()).collect();
    for (dir, seed) in dirs.iter().zip([5, 5, 6]) {
        let opts = SampleOptions {
            rows: 3000,
            seed,
            world: SampleWorld::Realistic,
        };
        generate(&opts, dir.path()).unwrap();
    }
    let bytes = |d: &tempfile::TempDir, f: &str| std::fs::read(d.path().join(f)).unwrap();
    for f in pricebench::sample::FILES {
        assert_eq!(bytes(&dirs[0], f), bytes(&dirs[1], f), "{f}");
    }
    assert_ne!(
        bytes(&dirs[0], "transactions.csv"),
        bytes(&dirs[2], "transactions.csv")
    );
}

/// FNV-1a of a file's bytes.
fn fnv(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
    })
}

#[test]
fn the_simple_world_writes_what_it_wrote_before_the_realistic_one() {
    // Sizes and FNV-1a hashes of `pricebench sample --rows 3000 --seed 7` at the commit before
    // the realistic world was added.
    let before = [
        ("customers.csv", 15_622, 0xf4c7_2f32_d08d_8887_u64),
        ("products.csv", 962, 0x7caf_9808_b3f4_fb8d),
        ("quotes.csv", 344_596, 0xeb68_270c_d180_29a9),
        ("segments.csv", 318, 0x4fc4_dbf8_f7e4_a487),
        ("survey.csv", 106_253, 0x9cfe_d672_556d_1134),
        ("transactions.csv", 255_362, 0x281c_1353_80ab_d2a6),
        ("truth.json", 31_742, 0xce65_f059_41bf_b4d6),
    ];
    let dir = tempfile::tempdir().unwrap();
    let opts = SampleOptions {
        rows: 3000,
        seed: 7,
        world: SampleWorld::Simple,
    };
    generate(&opts, dir.path()).unwrap();
    for (file, size, hash) in before {
        let bytes = std::fs::read(dir.path().join(file)).unwrap();
        assert_eq!((bytes.len(), fnv(&bytes)), (size, hash), "{file}");
    }
}

#[test]
fn lines_are_in_date_order_within_the_two_years_with_positive_pocket_prices() {
    let (first, last) = (Date::parse("2024-01-01"), Date::parse("2025-12-28"));
    let mut previous = first;
    for t in transactions() {
        let date = Date::parse(&t.date);
        assert!(date >= previous && date <= last, "{t:?}");
        previous = date;
        assert!(t.pocket() > 0.0 && t.unit_cost < t.list_price, "{t:?}");
        assert_ne!(t.quantity, 0);
    }
}

#[test]
fn returns_net_out_against_an_earlier_purchase_in_the_same_month() {
    let txns = transactions();
    let returns: Vec<&Txn> = txns.iter().filter(|t| t.quantity < 0).collect();
    let share = returns.len() as f64 / txns.len() as f64;
    assert!((0.01..0.03).contains(&share), "return share {share}");
    for r in returns {
        let matched = txns.iter().any(|p| {
            p.quantity >= -r.quantity
                && (p.customer_id.as_str(), p.product_id.as_str())
                    == (r.customer_id.as_str(), r.product_id.as_str())
                && p.date < r.date
                && p.month() == r.month()
                && (p.pocket() - r.pocket()).abs() < 1e-9
        });
        assert!(matched, "return without purchase: {r:?}");
    }
}

/// Pocket revenue / list revenue per customer, and the customer's planted size.
fn realization_by_size() -> Vec<(f64, f64)> {
    let t = truth();
    let size: HashMap<String, f64> = t
        .realistic
        .unwrap()
        .customers
        .into_iter()
        .map(|c| (c.customer_id, c.size))
        .collect();
    let fixed: Vec<String> = t
        .cells
        .iter()
        .filter(|c| c.kind == CellKind::FixedPrice)
        .map(|c| c.product_id.clone())
        .collect();
    let mut sums: HashMap<String, (f64, f64)> = HashMap::new();
    for tx in transactions()
        .iter()
        .filter(|t| !fixed.contains(&t.product_id))
    {
        let q = tx.quantity as f64;
        let e = sums.entry(tx.customer_id.clone()).or_default();
        e.0 += q * tx.pocket();
        e.1 += q * tx.list_price;
    }
    sums.into_iter()
        .map(|(c, (pocket, list))| (size[&c], pocket / list))
        .collect()
}

#[test]
fn larger_customers_get_deeper_discounts() {
    let mut rows = realization_by_size();
    rows.sort_by(|a, b| a.0.total_cmp(&b.0));
    let n = rows.len();
    let mean = |s: &[(f64, f64)]| s.iter().map(|r| r.1).sum::<f64>() / s.len() as f64;
    let (small, large) = (mean(&rows[..n / 4]), mean(&rows[3 * n / 4..]));
    // Realization (pocket / list) of the smallest quarter against the largest.
    assert!(small - large > 0.08, "small {small:.3}, large {large:.3}");
}

#[test]
fn promotions_fall_in_peak_months_and_list_increases_are_as_planted() {
    let r = truth().realistic.unwrap();
    let peak: Vec<String> = r.peak_months.iter().map(|m| format!("-{m:02}")).collect();
    let (mut in_peak, mut promo_lines) = (0.0, 0.0);
    let mut list_by_month: HashMap<(String, String), f64> = HashMap::new();
    for t in transactions() {
        if t.on_promo > 0.0 {
            promo_lines += 1.0;
            in_peak += f64::from(u8::from(peak.iter().any(|p| t.date[4..7] == **p)));
        }
        list_by_month.insert((t.product_id.clone(), t.month()), t.list_price);
    }
    assert!(in_peak / promo_lines > 0.7, "{in_peak} of {promo_lines}");
    for p in r.products.iter().filter(|p| !p.fixed_price) {
        let january = p.list_increases.iter().find(|i| i.month == "2025-01");
        assert!(
            january.is_some_and(|i| (2.0..7.0).contains(&i.pct)),
            "{p:?}"
        );
        let (before, after) = (
            list_by_month.get(&(p.product_id.clone(), "2024-12".into())),
            list_by_month.get(&(p.product_id.clone(), "2025-01".into())),
        );
        if let (Some(b), Some(a), Some(i)) = (before, after, january) {
            let mid = p
                .list_increases
                .iter()
                .any(|i| i.month == "2025-01" && i.pct < 0.0);
            assert!(!mid && (a / b - 1.0 - i.pct / 100.0).abs() < 0.002, "{p:?}");
        }
    }
}
