//! transactions.csv for the realistic world, month by month: which pairs order (at their rate,
//! independent of price), the month's line budget spread over them, each pair's quantity from
//! its demand curve at the pocket price it is charged, split into lines on random days;
//! returns net out within the month. Lines are written in date order with sequential ids.

use super::world::{Pair, RealWorld};
use super::{MONTHS, NOISE_AR1, NOISE_SD};
use crate::date::Date;
use crate::sample::rng::Rng;
use crate::sample::row::RowBuf;
use crate::sample::transactions::{TxnCounts, split_quantity};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

const HEADER: &str = "txn_id,date,customer_id,product_id,quantity,list_price,unit_cost,\
on_volume,on_promo,on_competitive,off_rebate,off_payment_terms,off_freight,off_coop\n";

/// Share of lines that are returns.
const RETURN_RATE: f64 = 0.02;
/// Month-to-month noise of a customer's negotiated discount (fraction of list).
const DEAL_SD: f64 = 0.03;
/// The last day of data: the Sunday of the 104th week.
const LAST_DAY: &str = "2025-12-28";

/// One transaction line; amounts are per unit in cents, `day` counts from the month's first.
#[derive(Debug, Clone, Copy)]
struct Line {
    day: u8,
    customer: u32,
    product: u32,
    quantity: i64,
    prices: Prices,
}

/// A pair's per-unit prices in a month (cents): the same on all its lines.
#[derive(Debug, Clone, Copy)]
struct Prices {
    list: i64,
    cost: i64,
    on: [i64; 3],
    off: [i64; 4],
}

impl Prices {
    fn pocket(&self) -> i64 {
        self.list - self.on.iter().sum::<i64>() - self.off.iter().sum::<i64>()
    }
}

/// What a month's generation shares: the world, each pair's noise, the month's discounts.
struct Month<'w> {
    world: &'w RealWorld,
    index: usize,
    /// Negotiated discount of each customer this month (fraction of list).
    competitive: Vec<f64>,
    days: u8,
}

/// Writes exactly `rows` transaction lines to `path`, one month at a time.
pub fn write_transactions(
    w: &RealWorld,
    rows: u64,
    seed: u64,
    start: Date,
    path: &Path,
) -> Result<TxnCounts> {
    let ctx = || format!("cannot write '{}'", path.display());
    let file = std::fs::File::create(path).with_context(ctx)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    out.write_all(HEADER.as_bytes()).with_context(ctx)?;
    let mut writer = MonthWriter::new(w, rows, start);
    let mut noise = initial_noise(w.pairs.len(), seed);
    for m in 0..MONTHS {
        let mut rng = Rng::derive(seed, 3000 + m as u64);
        let budget = rows * (m as u64 + 1) / MONTHS as u64 - rows * m as u64 / MONTHS as u64;
        let month = Month::new(w, m, writer.days[m], &mut rng);
        let returns = (0..budget).filter(|_| rng.chance(RETURN_RATE)).count() as u64;
        let returns = if returns < budget { returns } else { 0 };
        let ordering = ordering_pairs(w, m, &mut noise, budget - returns, &mut rng);
        let counts = spread_lines(w, &ordering, budget - returns, &mut rng);
        let mut returned = vec![0u64; ordering.len()];
        for _ in 0..returns {
            returned[rng.below(ordering.len() as u64) as usize] += 1;
        }
        let mut lines = Vec::with_capacity(budget as usize);
        for ((&k, &n), &r) in ordering.iter().zip(&counts).zip(&returned) {
            month.pair_lines(&w.pairs[k], noise[k], (n, r), &mut rng, &mut lines);
        }
        lines.sort_by_key(|l| l.day);
        writer.write_month(m, &lines, &mut out).with_context(ctx)?;
    }
    out.flush().with_context(ctx)?;
    Ok(writer.counts)
}

/// Each pair's noise before the first month, drawn from its stationary distribution.
fn initial_noise(n: usize, seed: u64) -> Vec<f64> {
    let mut rng = Rng::derive(seed, 2999);
    (0..n).map(|_| NOISE_SD * rng.normal()).collect()
}

/// Advances every pair's AR(1) noise and returns the pairs that order this month (at their
/// rate, or in their listed months), at most `budget` of them and at least one when lines are
/// due; dropping or adding pairs is random, never by price.
fn ordering_pairs(
    w: &RealWorld,
    m: usize,
    noise: &mut [f64],
    budget: u64,
    rng: &mut Rng,
) -> Vec<usize> {
    let innovation = NOISE_SD * (1.0 - NOISE_AR1 * NOISE_AR1).sqrt();
    let mut ordering = Vec::new();
    for (k, p) in w.pairs.iter().enumerate() {
        noise[k] = NOISE_AR1 * noise[k] + innovation * rng.normal();
        let orders = match p.only_months.is_empty() {
            true => rng.chance(w.buyers[p.customer as usize].order_rate),
            false => p.only_months.contains(&m),
        };
        if orders {
            ordering.push(k);
        }
    }
    if ordering.len() as u64 > budget {
        while ordering.len() as u64 > budget {
            ordering.swap_remove(rng.below(ordering.len() as u64) as usize);
        }
        ordering.sort_unstable();
    }
    if ordering.is_empty() && budget > 0 {
        ordering.push(rng.below(w.pairs.len() as u64) as usize);
    }
    ordering
}

/// One line per ordering pair, the rest of the budget by systematic sampling on √scale (larger
/// accounts place more lines); the counts sum to `budget` exactly.
fn spread_lines(w: &RealWorld, ordering: &[usize], budget: u64, rng: &mut Rng) -> Vec<u64> {
    let extra = budget.saturating_sub(ordering.len() as u64);
    let weights: Vec<f64> = ordering.iter().map(|&k| w.pairs[k].scale.sqrt()).collect();
    let total: f64 = weights.iter().sum();
    let offset = rng.uniform();
    let (mut cum, mut prev) = (0.0, 0u64);
    weights
        .iter()
        .enumerate()
        .map(|(i, wt)| {
            cum += wt;
            let target = match i + 1 == weights.len() {
                true => extra as f64,
                false => extra as f64 * cum / total,
            };
            let next = (target + offset).floor() as u64;
            let n = next.saturating_sub(prev);
            prev = next.max(prev);
            1 + n
        })
        .collect()
}

impl<'w> Month<'w> {
    fn new(world: &'w RealWorld, index: usize, days: u8, rng: &mut Rng) -> Month<'w> {
        let competitive = world
            .base
            .customers
            .iter()
            .zip(&world.buyers)
            .map(|(c, b)| {
                let renegotiated = match index >= b.renegotiated_month {
                    true => b.renegotiated_pct,
                    false => 0.0,
                };
                (c.competitive_pct + renegotiated + DEAL_SD * rng.normal()).clamp(0.0, 0.25)
            })
            .collect();
        Month {
            world,
            index,
            competitive,
            days,
        }
    }

    /// The pair's per-unit prices this month.
    fn prices(&self, p: &Pair) -> Prices {
        let path = &self.world.paths[p.product as usize];
        let c = &self.world.base.customers[p.customer as usize];
        let list = path.list_cents[self.index];
        let mut prices = Prices {
            list,
            cost: path.cost_cents[self.index],
            on: [0; 3],
            off: [0; 4],
        };
        if path.fixed {
            return prices;
        }
        let of = |base: i64, pct: f64| (base as f64 * pct).round() as i64;
        prices.on = [
            of(list, c.volume_pct),
            of(list, path.promo_pct[self.index]),
            of(list, self.competitive[p.customer as usize]),
        ];
        let invoice = list - prices.on.iter().sum::<i64>();
        prices.off = [
            of(invoice, c.rebate_pct),
            of(invoice, c.terms_pct),
            of(list, c.freight_pct),
            of(invoice, c.coop_pct),
        ];
        prices
    }

    /// The month's quantity of a pair from its demand curve at the price it is charged:
    /// scale · exp(season + growth·years + noise) · (p / p_ref)^e.
    fn quantity(&self, p: &Pair, prices: &Prices, noise: f64) -> f64 {
        let w = self.world;
        let cell = &w.base.cells[p.cell as usize];
        let season = w.season[cell.segment][self.index % 12];
        let growth = w.buyers[p.customer as usize].growth * self.index as f64 / 12.0;
        let relative = prices.pocket() as f64 / 100.0 / p.p_ref;
        p.scale * (season + growth + noise).exp() * relative.powf(cell.elasticity)
    }

    /// The pair's `n_buy` purchase lines and `n_returns` return lines on random days of the
    /// month; each return takes units back from an earlier purchase, so the month nets out.
    fn pair_lines(
        &self,
        p: &Pair,
        noise: f64,
        (n_buy, n_returns): (u64, u64),
        rng: &mut Rng,
        out: &mut Vec<Line>,
    ) {
        let (n_buy, n_returns) = (n_buy as usize, n_returns as usize);
        let prices = self.prices(p);
        let total = (self.quantity(p, &prices, noise).round() as i64).max(n_buy as i64);
        let shares: Vec<f64> = (0..n_buy).map(|_| rng.lognormal(0.0, 0.5)).collect();
        let sum: f64 = shares.iter().sum();
        let shares: Vec<f64> = shares.iter().map(|s| s / sum).collect();
        let first = out.len();
        for quantity in split_quantity(total, &shares) {
            out.push(Line {
                day: rng.below(u64::from(self.days)) as u8,
                customer: p.customer,
                product: p.product,
                quantity,
                prices,
            });
        }
        for _ in 0..n_returns {
            let j = first + rng.below(n_buy as u64) as usize;
            if out[j].day + 1 == self.days {
                out[j].day = rng.below(u64::from(self.days) - 1) as u8;
            }
            let r = 1 + rng.below((out[j].quantity / 4).max(1) as u64) as i64;
            out[j].quantity += r;
            let mut ret = out[j];
            ret.quantity = -r;
            ret.day = out[j].day + 1 + rng.below(u64::from(self.days - 1 - out[j].day)) as u8;
            out.push(ret);
        }
    }
}

/// Formats lines in date order with sequential txn ids.
struct MonthWriter {
    /// Dates of each month's days within the data, as text.
    dates: Vec<Vec<String>>,
    days: Vec<u8>,
    customer_ids: Vec<String>,
    product_ids: Vec<String>,
    id_width: usize,
    counts: TxnCounts,
    row: RowBuf,
}

impl MonthWriter {
    fn new(w: &RealWorld, rows: u64, start: Date) -> MonthWriter {
        let last = Date::parse(LAST_DAY).unwrap_or(start);
        let mut dates: Vec<Vec<String>> = vec![Vec::new(); MONTHS];
        let mut day = start;
        while day <= last {
            if let Some(m) = dates.get_mut(super::world::month_of(day)) {
                m.push(day.to_string());
            }
            day = day.add_days(1);
        }
        MonthWriter {
            days: dates.iter().map(|d| d.len() as u8).collect(),
            dates,
            customer_ids: w.base.customers.iter().map(|c| c.id.clone()).collect(),
            product_ids: w.base.products.iter().map(|p| p.id.clone()).collect(),
            id_width: rows.to_string().len().max(8),
            counts: TxnCounts {
                lines: 0,
                returns: 0,
            },
            row: RowBuf::default(),
        }
    }

    fn write_month(
        &mut self,
        m: usize,
        lines: &[Line],
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        for line in lines {
            self.counts.lines += 1;
            self.counts.returns += u64::from(line.quantity < 0);
            let r = &mut self.row;
            r.id("T", self.counts.lines, self.id_width)
                .text(&self.dates[m][line.day as usize]);
            r.text(&self.customer_ids[line.customer as usize]);
            r.text(&self.product_ids[line.product as usize]);
            let p = &line.prices;
            r.int(line.quantity).cents(p.list).cents(p.cost);
            for amount in p.on.iter().chain(&p.off) {
                r.cents(*amount);
            }
            r.end();
            if r.bytes().len() > 1 << 16 {
                out.write_all(r.bytes())?;
                r.clear();
            }
        }
        out.write_all(self.row.bytes())?;
        self.row.clear();
        Ok(())
    }
}
