//! The sample's world: segments, customers, products and segment × product cells with their
//! planted elasticity, demand scale and kind; and the three small master-data CSV files.

use super::rng::Rng;
use super::{CellKind, WEEKS};
use anyhow::{Context, Result};
use std::path::Path;

/// Segment id, name, description, elasticity mean, share of customers.
pub(super) const SEGMENTS: [(&str, &str, &str, f64, f64); 5] = [
    (
        "SEG-ENT",
        "Enterprise",
        "Large accounts with negotiated contracts",
        -0.8,
        0.10,
    ),
    (
        "SEG-MID",
        "Mid-market",
        "Regional companies, 50-1000 staff",
        -1.6,
        0.25,
    ),
    (
        "SEG-SMB",
        "Small business",
        "Small firms buying online or by phone",
        -2.4,
        0.35,
    ),
    (
        "SEG-PUB",
        "Public sector",
        "Agencies, schools and hospitals; tendered",
        -1.1,
        0.12,
    ),
    (
        "SEG-DIS",
        "Distributors",
        "Resellers buying for stock",
        -3.0,
        0.18,
    ),
];

/// Index of the distributor segment (co-op applies to its customers only).
pub(super) const DISTRIBUTOR: usize = 4;

/// Real-looking names that exercise CSV quoting and UTF-8.
const MESSY_NAMES: [&str; 8] = [
    "Müller & Söhne GmbH",
    "Ørsted Supply",
    "Café Núñez",
    "Acme, Inc.",
    "\"Big\" Joe's",
    "Łódź Hurtownia Sp. z o.o.",
    "Société d'Achat, S.A.",
    "Tanaka Shōji K.K.",
];
const NAME_HEADS: [&str; 12] = [
    "Northwind",
    "Blue Ridge",
    "Harbor",
    "Summit",
    "Keystone",
    "Redwood",
    "Granite",
    "Lakeside",
    "Pioneer",
    "Meridian",
    "Silverline",
    "Oakmont",
];
const NAME_TAILS: [&str; 8] = [
    "Holdings",
    "Supply",
    "Industries",
    "Partners",
    "Trading",
    "Services",
    "Group",
    "Logistics",
];
const REGIONS: [&str; 6] = ["North", "South", "East", "West", "Central", "Export"];
pub(super) const FAMILIES: [&str; 10] = [
    "Valves",
    "Pumps",
    "Sensors",
    "Fittings",
    "Filters",
    "Motors",
    "Seals",
    "Controllers",
    "Gauges",
    "Hoses",
];

/// One customer segment.
#[derive(Debug, Clone)]
pub struct Segment {
    pub id: &'static str,
    pub elasticity_mean: f64,
    /// Indices into `World::customers`.
    pub customers: Vec<u32>,
}

/// One customer with its negotiated terms (fractions of list or invoice price).
#[derive(Debug, Clone)]
pub struct Customer {
    pub id: String,
    pub segment: usize,
    /// Relative order size (mean about 1): drives allocation shares, volume tier and freight.
    pub size: f64,
    pub volume_pct: f64,
    pub competitive_pct: f64,
    pub rebate_pct: f64,
    pub terms_pct: f64,
    pub freight_pct: f64,
    pub coop_pct: f64,
}

/// One product with its list price path in cents per week.
#[derive(Debug, Clone)]
pub struct Product {
    pub id: String,
    pub fixed_price: bool,
    pub unit_cost_cents: Vec<i64>,
    pub list_cents: Vec<i64>,
    /// Promotion depth (fraction of list) per week; 0 when there is no promotion.
    pub promo_pct: Vec<f64>,
}

/// One segment × product cell with its planted demand curve Q = A·P^e·exp(ε).
#[derive(Debug, Clone)]
pub struct Cell {
    pub segment: usize,
    pub product: usize,
    pub elasticity: f64,
    pub scale_a: f64,
    pub kind: CellKind,
    /// Relative share of the transaction lines.
    pub weight: f64,
    /// The weeks a thin cell sells in (empty for other kinds).
    pub thin_weeks: Vec<usize>,
}

/// Everything the generators draw from.
#[derive(Debug, Clone)]
pub struct World {
    pub segments: Vec<Segment>,
    pub customers: Vec<Customer>,
    pub products: Vec<Product>,
    pub cells: Vec<Cell>,
}

/// Mean quantity per purchase line the demand scale aims for (keeps rounding negligible).
const LINE_QTY: f64 = 30.0;

impl World {
    /// Builds the world for `rows` transaction lines from `seed`.
    pub fn build(rows: u64, seed: u64) -> World {
        let mut rng = Rng::derive(seed, 1);
        let n_customers = (rows / 5000).clamp(300, 2000) as usize;
        let n_products = (rows / 20_000).clamp(24, 500) as usize;
        let mut segments: Vec<Segment> = SEGMENTS
            .iter()
            .map(|s| Segment {
                id: s.0,
                elasticity_mean: s.3,
                customers: Vec::new(),
            })
            .collect();
        let customers: Vec<Customer> = (0..n_customers)
            .map(|i| make_customer(i, &mut rng))
            .collect();
        for (i, c) in customers.iter().enumerate() {
            segments[c.segment].customers.push(i as u32);
        }
        let products: Vec<Product> = (0..n_products)
            .map(|i| make_product(i, n_products, &mut rng))
            .collect();
        let cells = make_cells(&segments, &products, rows, &mut rng);
        World {
            segments,
            customers,
            products,
            cells,
        }
    }

    /// Writes segments.csv, customers.csv and products.csv into `dir`.
    pub fn write_master_data(&self, dir: &Path, seed: u64) -> Result<()> {
        write_csv(&dir.join("segments.csv"), |w| {
            w.write_record(["segment_id", "name", "description"])?;
            for s in SEGMENTS {
                w.write_record([s.0, s.1, s.2])?;
            }
            Ok(())
        })?;
        let mut rng = Rng::derive(seed, 2);
        write_csv(&dir.join("customers.csv"), |w| {
            w.write_record(["customer_id", "segment_id", "name", "region", "channel"])?;
            for (i, c) in self.customers.iter().enumerate() {
                let name = customer_name(i, &mut rng);
                let region = REGIONS[rng.below(REGIONS.len() as u64) as usize];
                let channel = channel(c.segment, &mut rng);
                w.write_record([&c.id, SEGMENTS[c.segment].0, &name, region, channel])?;
            }
            Ok(())
        })?;
        write_csv(&dir.join("products.csv"), |w| {
            w.write_record(["product_id", "name", "unit_cost", "list_price", "family"])?;
            for (i, p) in self.products.iter().enumerate() {
                let family = FAMILIES[family_of(i) % FAMILIES.len()];
                let name = format!("{family} {}-{}", family_of(i) / FAMILIES.len() + 1, i + 1);
                let cost = cents_str(p.unit_cost_cents[WEEKS - 1]);
                let list = cents_str(p.list_cents[WEEKS - 1]);
                w.write_record([&p.id, &name, &cost, &list, &family.to_string()])?;
            }
            Ok(())
        })
    }
}

pub(super) fn write_csv(
    path: &Path,
    body: impl FnOnce(&mut csv::Writer<std::fs::File>) -> csv::Result<()>,
) -> Result<()> {
    let ctx = || format!("cannot write '{}'", path.display());
    let mut w = csv::Writer::from_path(path).with_context(ctx)?;
    body(&mut w).with_context(ctx)?;
    w.flush().with_context(ctx)
}

pub(super) fn cents_str(c: i64) -> String {
    format!("{}.{:02}", c / 100, c % 100)
}

fn make_customer(i: usize, rng: &mut Rng) -> Customer {
    let segment = pick_segment(rng.uniform());
    let size = rng.lognormal(-0.18, 0.6);
    let volume_pct = match size {
        s if s > 2.0 => 0.06,
        s if s > 1.2 => 0.04,
        s if s > 0.7 => 0.02,
        _ => 0.0,
    };
    Customer {
        id: format!("C{:05}", i + 1),
        segment,
        size,
        volume_pct,
        competitive_pct: if rng.chance(0.6) {
            rng.range(0.0, 0.12)
        } else {
            0.0
        },
        rebate_pct: if rng.chance(0.5) {
            rng.range(0.01, 0.04)
        } else {
            0.0
        },
        terms_pct: [0.0, 0.01, 0.02][rng.below(3) as usize],
        freight_pct: (0.025 / size).clamp(0.005, 0.06),
        coop_pct: if segment == DISTRIBUTOR {
            rng.range(0.02, 0.04)
        } else {
            0.0
        },
    }
}

pub(super) fn pick_segment(u: f64) -> usize {
    let mut acc = 0.0;
    for (i, s) in SEGMENTS.iter().enumerate() {
        acc += s.4;
        if u < acc {
            return i;
        }
    }
    SEGMENTS.len() - 1
}

fn customer_name(i: usize, rng: &mut Rng) -> String {
    match MESSY_NAMES.get(i) {
        Some(name) => name.to_string(),
        None => {
            let head = NAME_HEADS[rng.below(NAME_HEADS.len() as u64) as usize];
            let tail = NAME_TAILS[rng.below(NAME_TAILS.len() as u64) as usize];
            format!("{head} {tail} {}", i + 1)
        }
    }
}

fn channel(segment: usize, rng: &mut Rng) -> &'static str {
    match segment {
        DISTRIBUTOR => "Distributor",
        _ => ["Direct", "Online", "Field sales"][rng.below(3) as usize],
    }
}

/// Families hold four products each.
pub(super) fn family_of(product: usize) -> usize {
    product / 4
}

fn make_product(i: usize, n: usize, rng: &mut Rng) -> Product {
    // The middle product never changes price: the models' "no price variation" flag.
    let fixed_price = i == n / 2;
    let base = (rng.lognormal(4.6, 0.8).clamp(8.0, 3000.0) * 100.0).round();
    let cost_ratio = rng.range(0.4, 0.7);
    let annual = if fixed_price {
        0.0
    } else {
        rng.range(0.02, 0.06)
    };
    let (mid_week, mid_change) = match rng.chance(0.35) && !fixed_price {
        true => (
            8 + rng.below(WEEKS as u64 - 16) as usize,
            rng.range(-0.06, 0.08),
        ),
        false => (WEEKS, 0.0),
    };
    let list_at = |w: usize| {
        let year = if w >= 52 { 1.0 + annual } else { 1.0 };
        let mid = if w >= mid_week { 1.0 + mid_change } else { 1.0 };
        (base * year * mid).round() as i64
    };
    let list_cents: Vec<i64> = (0..WEEKS).map(list_at).collect();
    let unit_cost_cents = (0..WEEKS)
        .map(|w| {
            (base * cost_ratio * if w >= 52 { 1.0 + annual / 2.0 } else { 1.0 }).round() as i64
        })
        .collect();
    let promo_pct = (0..WEEKS)
        .map(|_| match !fixed_price && rng.chance(0.2) {
            true => rng.range(0.05, 0.25),
            false => 0.0,
        })
        .collect();
    Product {
        id: format!("P{:04}", i + 1),
        fixed_price,
        unit_cost_cents,
        list_cents,
        promo_pct,
    }
}

fn make_cells(segments: &[Segment], products: &[Product], rows: u64, rng: &mut Rng) -> Vec<Cell> {
    let n_cells = segments.len() * products.len();
    let popularity: Vec<f64> = products.iter().map(|_| rng.lognormal(0.0, 0.4)).collect();
    let seg_weight = |s: usize| SEGMENTS[s].4.sqrt();
    let total: f64 = (0..n_cells)
        .map(|c| seg_weight(c / products.len()) * popularity[c % products.len()])
        .sum();
    let thin = thin_cells(n_cells, products, rng);
    (0..n_cells)
        .map(|c| {
            let (segment, product) = (c / products.len(), c % products.len());
            let weight = seg_weight(segment) * popularity[product];
            let kind = match () {
                _ if products[product].fixed_price => CellKind::FixedPrice,
                _ if thin.contains(&c) => CellKind::Thin,
                _ => CellKind::Regular,
            };
            let e = segments[segment].elasticity_mean + 0.3 * rng.normal();
            let elasticity = (e.clamp(-3.5, -0.5) * 1e4).round() / 1e4;
            let lines_per_week = (rows as f64 / WEEKS as f64 * weight / total).max(1.0);
            let p_ref = products[product].list_cents[0] as f64 / 100.0 * 0.8;
            let scale_a = LINE_QTY * lines_per_week / p_ref.powf(elasticity);
            let thin_weeks = match kind {
                CellKind::Thin => pick_weeks(2 + rng.below(7) as usize, rng),
                _ => Vec::new(),
            };
            Cell {
                segment,
                product,
                elasticity,
                scale_a,
                kind,
                weight,
                thin_weeks,
            }
        })
        .collect()
}

/// Three thin cells, none on the fixed-price product.
fn thin_cells(n_cells: usize, products: &[Product], rng: &mut Rng) -> Vec<usize> {
    let mut thin = Vec::new();
    while thin.len() < 3 {
        let c = rng.below(n_cells as u64) as usize;
        if !products[c % products.len()].fixed_price && !thin.contains(&c) {
            thin.push(c);
        }
    }
    thin
}

fn pick_weeks(k: usize, rng: &mut Rng) -> Vec<usize> {
    let mut weeks = Vec::new();
    while weeks.len() < k {
        let w = rng.below(WEEKS as u64) as usize;
        if !weeks.contains(&w) {
            weeks.push(w);
        }
    }
    weeks.sort_unstable();
    weeks
}
