//! transactions.csv, generated week by week and streamed: per segment × product cell and week the
//! lines, their allocation shares and pocket prices are drawn first, then the week's quantity from
//! the planted demand curve, split into integer line quantities; returns net out within the week.

use super::WEEKS;
use super::rng::Rng;
use super::row::RowBuf;
use super::world::{Cell, Customer, Product, World};
use crate::date::Date;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

const HEADER: &str = "txn_id,date,customer_id,product_id,quantity,list_price,unit_cost,\
on_volume,on_promo,on_competitive,off_rebate,off_payment_terms,off_freight,off_coop\n";

/// Share of lines that are returns.
const RETURN_RATE: f64 = 0.02;

/// How many lines were written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TxnCounts {
    pub lines: u64,
    pub returns: u64,
}

/// One transaction line; amounts are per unit in cents.
#[derive(Debug, Clone, Copy)]
struct Line {
    day: u8,
    customer: u32,
    product: u32,
    quantity: i64,
    list: i64,
    cost: i64,
    on: [i64; 3],
    off: [i64; 4],
}

impl Line {
    fn pocket(&self) -> i64 {
        self.list - self.on.iter().sum::<i64>() - self.off.iter().sum::<i64>()
    }
}

/// What one week's generation needs to know.
pub struct TxnOptions {
    pub rows: u64,
    pub seed: u64,
    pub noise_sd: f64,
    pub start: Date,
}

/// Writes exactly `opts.rows` transaction lines to `path`, one week at a time.
pub fn write_transactions(world: &World, opts: &TxnOptions, path: &Path) -> Result<TxnCounts> {
    let ctx = || format!("cannot write '{}'", path.display());
    let file = std::fs::File::create(path).with_context(ctx)?;
    let mut out = std::io::BufWriter::with_capacity(1 << 20, file);
    out.write_all(HEADER.as_bytes()).with_context(ctx)?;
    let mut writer = WeekWriter::new(world, opts);
    let mut buckets: [Vec<Line>; 7] = Default::default();
    for week in 0..WEEKS {
        let mut rng = Rng::derive(opts.seed, 1000 + week as u64);
        let budget =
            opts.rows * (week as u64 + 1) / WEEKS as u64 - opts.rows * week as u64 / WEEKS as u64;
        for (cell, n) in allocate(world, week, budget, &mut rng) {
            gen_cell_week(
                world,
                &world.cells[cell],
                week,
                n,
                opts.noise_sd,
                &mut rng,
                &mut buckets,
            );
        }
        writer
            .write_week(week, &mut buckets, &mut out)
            .with_context(ctx)?;
    }
    out.flush().with_context(ctx)?;
    Ok(writer.counts)
}

/// Splits a week's line budget over the active cells: one line reserved per thin cell selling
/// this week, the rest by systematic sampling on the cell weights (exact total, floor or ceil each).
fn allocate(world: &World, week: usize, budget: u64, rng: &mut Rng) -> Vec<(usize, u64)> {
    let active: Vec<usize> = (0..world.cells.len())
        .filter(|&c| is_active(&world.cells[c], week))
        .collect();
    let mut counts = vec![0u64; active.len()];
    let mut left = budget;
    for (k, &c) in active.iter().enumerate() {
        if !world.cells[c].thin_weeks.is_empty() && left > 0 {
            counts[k] = 1;
            left -= 1;
        }
    }
    let total: f64 = active.iter().map(|&c| world.cells[c].weight).sum();
    let offset = rng.uniform();
    let (mut cum, mut prev) = (0.0, offset.floor() as u64);
    for (k, &c) in active.iter().enumerate() {
        cum += world.cells[c].weight;
        let target = if k + 1 == active.len() {
            left as f64
        } else {
            left as f64 * cum / total
        };
        let next = (target + offset).floor() as u64;
        counts[k] += next.saturating_sub(prev);
        prev = next.max(prev);
    }
    active
        .into_iter()
        .zip(counts)
        .filter(|&(_, n)| n > 0)
        .collect()
}

fn is_active(cell: &Cell, week: usize) -> bool {
    match cell.kind {
        super::CellKind::Thin => cell.thin_weeks.contains(&week),
        _ => true,
    }
}

/// Generates `n` lines (purchases and returns) for one cell and week into the day buckets.
fn gen_cell_week(
    world: &World,
    cell: &Cell,
    week: usize,
    n: u64,
    noise_sd: f64,
    rng: &mut Rng,
    buckets: &mut [Vec<Line>; 7],
) {
    let n_returns = (0..n)
        .filter(|_| rng.chance(RETURN_RATE))
        .count()
        .min(n as usize - 1);
    let n_buy = n as usize - n_returns;
    let members = &world.segments[cell.segment].customers;
    let product = &world.products[cell.product];
    let mut lines = Vec::with_capacity(n as usize);
    let mut weights = Vec::with_capacity(n_buy);
    // Deal pressure shared by the cell-week's lines: the main source of weekly price variation.
    let pressure = (0.03 + 0.03 * rng.normal()).clamp(0.0, 0.1);
    for _ in 0..n_buy {
        let ci = members[rng.below(members.len() as u64) as usize];
        let customer = &world.customers[ci as usize];
        weights.push(customer.size * rng.lognormal(0.0, 0.3));
        lines.push(price_line(
            customer,
            ci,
            product,
            (cell.product, week),
            pressure,
            rng,
        ));
    }
    let sum_w: f64 = weights.iter().sum();
    let shares: Vec<f64> = weights.iter().map(|w| w / sum_w).collect();
    // The model's weekly price: P = Σ s_i·p_i, so Q = A·P^e·exp(ε) holds exactly per cell-week.
    let price: f64 = shares
        .iter()
        .zip(&lines)
        .map(|(s, l)| s * l.pocket() as f64 / 100.0)
        .sum();
    let q = cell.scale_a * price.powf(cell.elasticity) * (noise_sd * rng.normal()).exp();
    let quantities = split_quantity((q.round() as i64).max(1), &shares);
    for (line, qty) in lines.iter_mut().zip(quantities) {
        line.quantity = qty;
    }
    for _ in 0..n_returns {
        let j = rng.below(n_buy as u64) as usize;
        let r = 1 + rng.below((lines[j].quantity / 4).max(1) as u64) as i64;
        lines[j].quantity += r;
        let mut ret = lines[j];
        ret.quantity = -r;
        ret.day = lines[j].day + 1 + rng.below(6 - u64::from(lines[j].day)) as u8;
        lines.push(ret);
    }
    for line in lines {
        buckets[line.day as usize].push(line);
    }
}

/// A purchase line's prices for a customer and product in a week (quantity set later); the
/// negotiated discount is the customer's rate plus the cell-week's deal pressure.
fn price_line(
    c: &Customer,
    ci: u32,
    p: &Product,
    (pi, week): (usize, usize),
    pressure: f64,
    rng: &mut Rng,
) -> Line {
    let list = p.list_cents[week];
    let day = rng.below(6) as u8; // Monday–Saturday, so a return can follow in the same week
    let mut line = Line {
        day,
        customer: ci,
        product: pi as u32,
        quantity: 0,
        list,
        cost: p.unit_cost_cents[week],
        on: [0; 3],
        off: [0; 4],
    };
    if p.fixed_price {
        return line;
    }
    let of = |base: i64, pct: f64| (base as f64 * pct).round() as i64;
    let competitive = match c.competitive_pct > 0.0 {
        true => (c.competitive_pct + 0.01 * rng.normal()).clamp(0.0, 0.15),
        false => 0.0,
    } + pressure;
    line.on = [
        of(list, c.volume_pct),
        of(list, p.promo_pct[week]),
        of(list, competitive),
    ];
    let invoice = list - line.on.iter().sum::<i64>();
    line.off = [
        of(invoice, c.rebate_pct),
        of(invoice, c.terms_pct),
        of(list, c.freight_pct),
        of(invoice, c.coop_pct),
    ];
    line
}

/// Largest-remainder split of an integer total by shares; no purchase line ends up at zero
/// while another line can spare a unit.
pub(super) fn split_quantity(total: i64, shares: &[f64]) -> Vec<i64> {
    let raw: Vec<f64> = shares.iter().map(|s| s * total as f64).collect();
    let mut q: Vec<i64> = raw.iter().map(|x| x.floor() as i64).collect();
    let mut order: Vec<usize> = (0..q.len()).collect();
    order.sort_by(|&a, &b| (raw[b] - raw[b].floor()).total_cmp(&(raw[a] - raw[a].floor())));
    let missing = total - q.iter().sum::<i64>();
    for &i in order.iter().take(missing.max(0) as usize) {
        q[i] += 1;
    }
    for i in 0..q.len() {
        if q[i] == 0 {
            let big = (0..q.len()).max_by_key(|&k| q[k]).unwrap_or(i);
            if q[big] > 1 {
                q[big] -= 1;
                q[i] = 1;
            }
        }
    }
    q
}

/// Formats lines in date order with sequential txn ids.
struct WeekWriter {
    dates: Vec<String>,
    customer_ids: Vec<String>,
    product_ids: Vec<String>,
    id_width: usize,
    counts: TxnCounts,
    row: RowBuf,
}

impl WeekWriter {
    fn new(world: &World, opts: &TxnOptions) -> WeekWriter {
        WeekWriter {
            dates: (0..WEEKS as i32 * 7)
                .map(|d| opts.start.add_days(d).to_string())
                .collect(),
            customer_ids: world.customers.iter().map(|c| c.id.clone()).collect(),
            product_ids: world.products.iter().map(|p| p.id.clone()).collect(),
            id_width: opts.rows.to_string().len().max(8),
            counts: TxnCounts {
                lines: 0,
                returns: 0,
            },
            row: RowBuf::default(),
        }
    }

    fn write_week(
        &mut self,
        week: usize,
        buckets: &mut [Vec<Line>; 7],
        out: &mut impl Write,
    ) -> std::io::Result<()> {
        for (day, bucket) in buckets.iter_mut().enumerate() {
            let date = &self.dates[week * 7 + day];
            for line in bucket.drain(..) {
                self.counts.lines += 1;
                self.counts.returns += u64::from(line.quantity < 0);
                let r = &mut self.row;
                r.id("T", self.counts.lines, self.id_width).text(date);
                r.text(&self.customer_ids[line.customer as usize]);
                r.text(&self.product_ids[line.product as usize]);
                r.int(line.quantity).cents(line.list).cents(line.cost);
                for amount in line.on.iter().chain(&line.off) {
                    r.cents(*amount);
                }
                r.end();
                if r.bytes().len() > 1 << 16 {
                    out.write_all(r.bytes())?;
                    r.clear();
                }
            }
        }
        out.write_all(self.row.bytes())?;
        self.row.clear();
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_quantity_keeps_total_and_follows_shares() {
        let q = split_quantity(100, &[0.5, 0.3, 0.2]);
        assert_eq!(q, vec![50, 30, 20]);
        let q = split_quantity(10, &[0.333, 0.333, 0.334]);
        assert_eq!(q.iter().sum::<i64>(), 10);
        let q = split_quantity(5, &[0.99, 0.01]);
        assert_eq!(q, vec![4, 1]);
    }
}
