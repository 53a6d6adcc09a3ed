//! The realistic world's customers (a size, and terms whose discounts grow with it), products
//! (monthly list prices with one or two increases a year, promotions mostly in peak months),
//! the customer × product pairs that trade, and each segment × product cell's true elasticity.

use super::{GROWTH_SD, MONTHS, PROMO_OFF_PEAK, PROMO_PEAK, SEASON, TREND_PER_YEAR};
use crate::date::Date;
use crate::sample::rng::Rng;
use crate::sample::world::{
    Cell, Customer, DISTRIBUTOR, Product, SEGMENTS, Segment, World, pick_segment,
};
use crate::sample::{CellKind, START_DATE, WEEKS};

/// Log-mean of customer size per segment (Enterprise largest, Small business smallest).
const SIZE_LOG_MEAN: [f64; 5] = [1.0, 0.1, -0.6, 0.3, 0.5];
/// Log-sd of customer size within a segment.
const SIZE_LOG_SD: f64 = 0.9;
/// Amplitude of the seasonal profile per segment.
const SEASON_AMPLITUDE: [f64; 5] = [0.8, 1.0, 1.2, 0.6, 1.1];
/// Quantity per order month of a customer of size 1 for a product of popularity 1, at its
/// reference price, before seasonality and trend.
const BASE_QUANTITY: f64 = 60.0;
/// Smallest demand scale of a pair, so integer quantities barely round.
const MIN_SCALE: f64 = 12.0;
/// Largest probability that a customer buys a given product at all.
const MAX_BASKET_PROBABILITY: f64 = 0.95;
/// Cells with only two customers buying in one to three months each.
const THIN_CELLS: usize = 3;

/// A customer's ordering behaviour (its terms are in the base world's [`Customer`]).
#[derive(Debug, Clone)]
pub struct Buyer {
    /// Probability of ordering a basket product in a month (independent of price).
    pub order_rate: f64,
    /// Demand growth per year, log scale (common trend plus the customer's own).
    pub growth: f64,
    /// The month from which the negotiated discount changes by `renegotiated_pct`.
    pub renegotiated_month: usize,
    pub renegotiated_pct: f64,
}

/// A product's prices by month (cents), its promotion depth by month and its list increases.
#[derive(Debug, Clone)]
pub struct ProductPath {
    pub list_cents: Vec<i64>,
    pub cost_cents: Vec<i64>,
    pub promo_pct: Vec<f64>,
    /// (month index, fractional increase).
    pub increases: Vec<(usize, f64)>,
    /// Never discounted, list never changes.
    pub fixed: bool,
}

/// A customer × product pair that trades.
#[derive(Debug, Clone)]
pub struct Pair {
    pub customer: u32,
    pub product: u32,
    /// Index into the base world's cells.
    pub cell: u32,
    /// Quantity per order month at the reference price, before seasonality and trend.
    pub scale: f64,
    /// The pair's standard pocket price in the first month (currency per unit).
    pub p_ref: f64,
    /// Thin cells only: the months it orders in (otherwise it orders at its rate).
    pub only_months: Vec<usize>,
}

/// Everything the realistic generators draw from.
#[derive(Debug, Clone)]
pub struct RealWorld {
    /// Segments, customers with their terms, products and cells: what the master data,
    /// quotes and survey generators read.
    pub base: World,
    pub buyers: Vec<Buyer>,
    pub paths: Vec<ProductPath>,
    /// Month-of-year log effect per segment.
    pub season: Vec<[f64; 12]>,
    pub pairs: Vec<Pair>,
    /// Mean order lines per pair-month the sizes aim for.
    pub lines_per_order_month: f64,
}

impl RealWorld {
    /// Distinct customers buying in each cell, in cell order.
    pub fn customers_per_cell(&self) -> Vec<u32> {
        let mut n = vec![0u32; self.base.cells.len()];
        for p in &self.pairs {
            n[p.cell as usize] += 1;
        }
        n
    }
}

/// Builds the realistic world for `rows` transaction lines from `seed`.
pub fn build(rows: u64, seed: u64) -> RealWorld {
    let mut rng = Rng::derive(seed, 11);
    let n_customers = (rows / 5000).clamp(300, 2000) as usize;
    let n_products = (rows / 20_000).clamp(24, 500) as usize;
    let customers: Vec<Customer> = (0..n_customers)
        .map(|i| make_customer(i, &mut rng))
        .collect();
    let buyers = customers.iter().map(|c| make_buyer(c, &mut rng)).collect();
    let paths: Vec<ProductPath> = (0..n_products)
        .map(|i| make_path(i == n_products / 2, &mut rng))
        .collect();
    let season = SEASON_AMPLITUDE
        .iter()
        .map(|a| SEASON.map(|s| a * s + 0.02 * rng.normal()))
        .collect();
    let base = base_world(customers, &paths);
    let mut world = RealWorld {
        base,
        buyers,
        paths,
        season,
        pairs: Vec::new(),
        lines_per_order_month: lines_per_order_month(rows),
    };
    let popularity: Vec<f64> = (0..n_products).map(|_| rng.lognormal(0.0, 0.5)).collect();
    world.base.cells = make_cells(&world, &popularity, &mut rng);
    world.pairs = make_pairs(&world, &popularity, rows, &mut rng);
    world
}

/// Lines per customer × product × month with an order: about 1.4 at 40k lines, 2.8 at 10M
/// (more frequent ordering in the bigger world keeps the number of pair-months moderate).
fn lines_per_order_month(rows: u64) -> f64 {
    (1.0 + 0.6 * (rows.max(1) as f64 / 10_000.0).log10()).clamp(1.2, 3.0)
}

fn make_customer(i: usize, rng: &mut Rng) -> Customer {
    let segment = pick_segment(rng.uniform());
    let size = rng.lognormal(SIZE_LOG_MEAN[segment], SIZE_LOG_SD);
    let volume_pct = match size {
        s if s > 6.0 => 0.10,
        s if s > 3.0 => 0.07,
        s if s > 1.5 => 0.04,
        s if s > 0.7 => 0.02,
        _ => 0.0,
    };
    Customer {
        id: format!("C{:05}", i + 1),
        segment,
        size,
        volume_pct,
        competitive_pct: (0.01 + 0.045 * size.ln_1p() + 0.01 * rng.normal()).clamp(0.0, 0.18),
        rebate_pct: match size > 1.5 {
            true => (0.01 + 0.015 * size.ln()).min(0.05),
            false => 0.0,
        },
        terms_pct: [0.0, 0.01, 0.02][rng.below(3) as usize],
        freight_pct: (0.025 / size).clamp(0.005, 0.06),
        coop_pct: match segment == DISTRIBUTOR {
            true => rng.range(0.02, 0.04),
            false => 0.0,
        },
    }
}

fn make_buyer(c: &Customer, rng: &mut Rng) -> Buyer {
    Buyer {
        order_rate: (0.35 + 0.15 * c.size.ln_1p() + rng.range(-0.1, 0.1)).clamp(0.2, 0.95),
        growth: TREND_PER_YEAR + GROWTH_SD * rng.normal(),
        renegotiated_month: 6 + rng.below(13) as usize,
        renegotiated_pct: 0.02 * rng.normal(),
    }
}

/// A product's monthly path: a January increase in the second year, and in each year with
/// probability ½ a mid-year one; promotions mostly in peak months. The fixed-price product
/// never changes.
fn make_path(fixed: bool, rng: &mut Rng) -> ProductPath {
    let base = (rng.lognormal(4.6, 0.8).clamp(8.0, 3000.0) * 100.0).round();
    let cost_ratio = rng.range(0.4, 0.65);
    let mut increases = Vec::new();
    if !fixed {
        for year in 0..2 {
            if year == 1 {
                increases.push((12, rng.range(0.02, 0.07)));
            }
            if rng.chance(0.5) {
                increases.push((
                    12 * year + 3 + rng.below(6) as usize,
                    rng.range(0.015, 0.045),
                ));
            }
        }
    }
    let factor = |m: usize| {
        increases
            .iter()
            .filter(|&&(at, _)| at <= m)
            .map(|&(_, pct)| 1.0 + pct)
            .product::<f64>()
    };
    let list_cents = (0..MONTHS)
        .map(|m| (base * factor(m)).round() as i64)
        .collect();
    let cost_cents = (0..MONTHS)
        .map(|m| (base * cost_ratio * factor(m).sqrt()).round() as i64)
        .collect();
    let promo_pct = (0..MONTHS)
        .map(|m| {
            let p = if SEASON[m % 12] >= 0.15 {
                PROMO_PEAK
            } else {
                PROMO_OFF_PEAK
            };
            match !fixed && rng.chance(p) {
                true => rng.range(0.08, 0.22),
                false => 0.0,
            }
        })
        .collect();
    ProductPath {
        list_cents,
        cost_cents,
        promo_pct,
        increases,
        fixed,
    }
}

/// Month index (0 = January 2024) of a date.
pub fn month_of(date: Date) -> usize {
    let (y, m, _) = date.ymd();
    ((y - 2024) * 12 + m as i32 - 1).max(0) as usize
}

/// The simple world's structures filled with the realistic customers and products (weekly list
/// and cost follow the month of each week's Monday), for the master data, quotes and survey.
fn base_world(customers: Vec<Customer>, paths: &[ProductPath]) -> World {
    let mut segments: Vec<Segment> = SEGMENTS
        .iter()
        .map(|s| Segment {
            id: s.0,
            elasticity_mean: s.3,
            customers: Vec::new(),
        })
        .collect();
    for (i, c) in customers.iter().enumerate() {
        segments[c.segment].customers.push(i as u32);
    }
    let start = Date::parse(START_DATE).unwrap_or(Date(0));
    let week_month: Vec<usize> = (0..WEEKS)
        .map(|w| month_of(start.add_days(7 * w as i32)))
        .collect();
    let products = paths
        .iter()
        .enumerate()
        .map(|(i, p)| Product {
            id: format!("P{:04}", i + 1),
            fixed_price: p.fixed,
            unit_cost_cents: week_month.iter().map(|&m| p.cost_cents[m]).collect(),
            list_cents: week_month.iter().map(|&m| p.list_cents[m]).collect(),
            promo_pct: week_month.iter().map(|&m| p.promo_pct[m]).collect(),
        })
        .collect();
    World {
        segments,
        customers,
        products,
        cells: Vec::new(),
    }
}

/// Every segment × product cell with its true elasticity: the segment mean plus a cell
/// deviation (sd 0.3, within −3.5 to −0.5); one cell of the largest segment has elasticity 0;
/// three thin cells.
fn make_cells(w: &RealWorld, popularity: &[f64], rng: &mut Rng) -> Vec<Cell> {
    let products = &w.base.products;
    let n_cells = w.base.segments.len() * products.len();
    let zero_product = (0..products.len())
        .filter(|&j| !products[j].fixed_price)
        .max_by(|&a, &b| popularity[a].total_cmp(&popularity[b]))
        .unwrap_or(0);
    let zero_cell = 2 * products.len() + zero_product;
    let mut thin = Vec::new();
    while thin.len() < THIN_CELLS {
        let c = rng.below(n_cells as u64) as usize;
        if !products[c % products.len()].fixed_price && c != zero_cell && !thin.contains(&c) {
            thin.push(c);
        }
    }
    (0..n_cells)
        .map(|c| {
            let (segment, product) = (c / products.len(), c % products.len());
            let e = w.base.segments[segment].elasticity_mean + 0.3 * rng.normal();
            let kind = match () {
                _ if products[product].fixed_price => CellKind::FixedPrice,
                _ if thin.contains(&c) => CellKind::Thin,
                _ if c == zero_cell => CellKind::ZeroElasticity,
                _ => CellKind::Regular,
            };
            let elasticity = match kind {
                CellKind::ZeroElasticity => 0.0,
                _ => (e.clamp(-3.5, -0.5) * 1e4).round() / 1e4,
            };
            Cell {
                segment,
                product,
                elasticity,
                scale_a: 0.0,
                kind,
                weight: popularity[product],
                thin_weeks: Vec::new(),
            }
        })
        .collect()
}

/// The pairs that trade: customer c takes product j into its basket with probability
/// min(0.95, k·size^0.3·popularity), k set so that the expected order months per month carry
/// the line budget at [`RealWorld::lines_per_order_month`]; thin cells get two customers
/// ordering in one to three months each.
fn make_pairs(w: &RealWorld, popularity: &[f64], rows: u64, rng: &mut Rng) -> Vec<Pair> {
    let target = rows as f64 / MONTHS as f64 / w.lines_per_order_month;
    let propensity = |c: &Customer, j: usize| c.size.powf(0.3) * popularity[j];
    let expected = |k: f64| -> f64 {
        w.base
            .customers
            .iter()
            .zip(&w.buyers)
            .map(|(c, b)| {
                let basket: f64 = (0..popularity.len())
                    .map(|j| (k * propensity(c, j)).min(MAX_BASKET_PROBABILITY))
                    .sum();
                basket * b.order_rate
            })
            .sum()
    };
    let k = solve_increasing(expected, target);
    let n_products = popularity.len();
    let mut pairs = Vec::new();
    for (ci, c) in w.base.customers.iter().enumerate() {
        for (j, &pop) in popularity.iter().enumerate() {
            let cell = c.segment * n_products + j;
            let p = (k * propensity(c, j)).min(MAX_BASKET_PROBABILITY);
            if rng.chance(p) && w.base.cells[cell].kind != CellKind::Thin {
                pairs.push(make_pair(w, ci, j, pop, Vec::new(), rng));
            }
        }
    }
    add_thin_pairs(w, popularity, &mut pairs, rng);
    pairs.sort_by_key(|p| (p.customer, p.product));
    if pairs.is_empty() {
        pairs.push(make_pair(w, 0, 0, popularity[0], Vec::new(), rng));
    }
    pairs
}

/// The k ≥ 0 where an increasing `f` reaches `target` (bisection; 0 when `target` ≤ 0).
fn solve_increasing(f: impl Fn(f64) -> f64, target: f64) -> f64 {
    let mut hi = 1.0;
    while f(hi) < target && hi < 1e9 {
        hi *= 2.0;
    }
    let mut lo = 0.0;
    for _ in 0..50 {
        let mid = 0.5 * (lo + hi);
        if f(mid) < target {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    hi
}

fn add_thin_pairs(w: &RealWorld, popularity: &[f64], pairs: &mut Vec<Pair>, rng: &mut Rng) {
    for (c, cell) in w.base.cells.iter().enumerate() {
        if cell.kind != CellKind::Thin {
            continue;
        }
        let members = &w.base.segments[cell.segment].customers;
        let mut chosen: Vec<u32> = Vec::new();
        while chosen.len() < 2.min(members.len()) {
            let ci = members[rng.below(members.len() as u64) as usize];
            if !chosen.contains(&ci) {
                chosen.push(ci);
            }
        }
        for ci in chosen {
            let mut months: Vec<usize> = Vec::new();
            let k = 1 + rng.below(3) as usize;
            while months.len() < k {
                let m = rng.below(MONTHS as u64) as usize;
                if !months.contains(&m) {
                    months.push(m);
                }
            }
            months.sort_unstable();
            let pair = make_pair(
                w,
                ci as usize,
                cell.product,
                popularity[cell.product],
                months,
                rng,
            );
            debug_assert_eq!(pair.cell as usize, c);
            pairs.push(pair);
        }
    }
}

fn make_pair(
    w: &RealWorld,
    ci: usize,
    j: usize,
    popularity: f64,
    only_months: Vec<usize>,
    rng: &mut Rng,
) -> Pair {
    let c = &w.base.customers[ci];
    let n_products = w.base.products.len();
    let scale = BASE_QUANTITY * c.size.powf(0.9) * popularity * rng.lognormal(0.0, 0.4);
    Pair {
        customer: ci as u32,
        product: j as u32,
        cell: (c.segment * n_products + j) as u32,
        scale: scale.max(MIN_SCALE),
        p_ref: standard_pocket(c, &w.base.products[j], w.paths[j].list_cents[0]) / 100.0,
        only_months,
    }
}

/// Pocket price (cents, unrounded) at `list` cents under the customer's standard terms, no
/// promotion and no deal noise; the list price itself for the fixed-price product.
pub fn standard_pocket(c: &Customer, p: &Product, list: i64) -> f64 {
    if p.fixed_price {
        return list as f64;
    }
    let list = list as f64;
    let invoice = list * (1.0 - c.volume_pct - c.competitive_pct);
    invoice * (1.0 - c.rebate_pct - c.terms_pct - c.coop_pct) - list * c.freight_pct
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn discounts_grow_with_customer_size() {
        let w = build(40_000, 42);
        let p = w
            .base
            .products
            .iter()
            .find(|p| !p.fixed_price)
            .unwrap_or(&w.base.products[0]);
        let mut by_size: Vec<(f64, f64)> = w
            .base
            .customers
            .iter()
            .map(|c| (c.size, 1.0 - standard_pocket(c, p, 10_000) / 10_000.0))
            .collect();
        by_size.sort_by(|a, b| a.0.total_cmp(&b.0));
        let n = by_size.len();
        let mean = |s: &[(f64, f64)]| s.iter().map(|x| x.1).sum::<f64>() / s.len() as f64;
        let (small, large) = (mean(&by_size[..n / 4]), mean(&by_size[3 * n / 4..]));
        assert!(large > small + 0.05, "small {small}, large {large}");
    }

    #[test]
    fn the_basket_carries_the_line_budget() {
        let w = build(40_000, 42);
        let order_months: f64 = w
            .pairs
            .iter()
            .map(|p| w.buyers[p.customer as usize].order_rate)
            .sum();
        let lines = order_months * MONTHS as f64 * w.lines_per_order_month;
        assert!((lines / 40_000.0 - 1.0).abs() < 0.1, "{lines}");
    }
}
