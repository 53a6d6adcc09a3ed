//! quotes.csv: won/lost quotes per cell with willingness-to-pay ~ logistic(μ, s), so
//! P(win | p) = 1 − F(p); quoted prices spread uniformly over [0.6μ, 1.4μ] so the MLE exists.

use super::rng::Rng;
use super::row::RowBuf;
use super::world::World;
use super::{CellKind, WEEKS, WtpTruth};
use crate::date::Date;
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

const HEADER: &str = "quote_id,date,customer_id,product_id,quantity,quoted_price,won\n";

/// The planted WTP per cell: most regular and fixed-price cells have one; thin cells none.
pub fn plan_wtp(world: &World, seed: u64) -> Vec<Option<WtpTruth>> {
    let mut rng = Rng::derive(seed, 3);
    world
        .cells
        .iter()
        .map(|cell| {
            let keep = rng.chance(0.85) && cell.kind != CellKind::Thin;
            let list = world.products[cell.product].list_cents[0] as f64 / 100.0;
            let median = round_cents(list * rng.range(0.75, 1.05));
            let scale = round_cents(median * rng.range(0.06, 0.12));
            keep.then_some(WtpTruth {
                model: "logistic".to_string(),
                median,
                scale,
            })
        })
        .collect()
}

fn round_cents(x: f64) -> f64 {
    (x * 100.0).round() / 100.0
}

/// Writes `per_cell` quotes for every cell with a planted WTP, week by week in date order;
/// returns how many quotes were written.
pub fn write_quotes(
    world: &World,
    wtp: &[Option<WtpTruth>],
    per_cell: u64,
    seed: u64,
    start: Date,
    path: &Path,
) -> Result<u64> {
    let ctx = || format!("cannot write '{}'", path.display());
    let file = std::fs::File::create(path).with_context(ctx)?;
    let mut out = std::io::BufWriter::new(file);
    out.write_all(HEADER.as_bytes()).with_context(ctx)?;
    let mut offsets = Rng::derive(seed, 4);
    let offsets: Vec<f64> = wtp.iter().map(|_| offsets.uniform()).collect();
    let (mut row, mut written) = (RowBuf::default(), 0u64);
    for week in 0..WEEKS {
        let mut rng = Rng::derive(seed, 200_000 + week as u64);
        let mut batch = Vec::new();
        for (c, truth) in wtp.iter().enumerate() {
            let Some(truth) = truth else { continue };
            // Systematic spread: exactly `per_cell` quotes per cell over the weeks.
            let at = |w: usize| (per_cell as f64 * w as f64 / WEEKS as f64 + offsets[c]).floor();
            for _ in 0..(at(week + 1) - at(week)) as u64 {
                batch.push(draw_quote(world, c, truth, &mut rng));
            }
        }
        batch.sort_by_key(|q| q.day);
        for q in batch {
            written += 1;
            let cell = &world.cells[q.cell];
            row.id("Q", written, 7)
                .text(&start.add_days((week * 7) as i32 + q.day).to_string());
            row.text(&world.customers[q.customer].id);
            row.text(&world.products[cell.product].id);
            row.int(q.quantity)
                .cents(q.price_cents)
                .int(i64::from(q.won));
            row.end();
        }
        out.write_all(row.bytes()).with_context(ctx)?;
        row.clear();
    }
    out.flush().with_context(ctx)?;
    Ok(written)
}

struct Quote {
    cell: usize,
    day: i32,
    customer: usize,
    quantity: i64,
    price_cents: i64,
    won: bool,
}

fn draw_quote(world: &World, c: usize, truth: &WtpTruth, rng: &mut Rng) -> Quote {
    let members = &world.segments[world.cells[c].segment].customers;
    let customer = members[rng.below(members.len() as u64) as usize] as usize;
    let price = truth.median * rng.range(0.6, 1.4);
    let price_cents = (price * 100.0).round() as i64;
    let p = price_cents as f64 / 100.0;
    let win = 1.0 - 1.0 / (1.0 + (-(p - truth.median) / truth.scale).exp());
    Quote {
        cell: c,
        day: rng.below(5) as i32,
        customer,
        quantity: 5 + rng.below(196) as i64,
        price_cents,
        won: rng.chance(win),
    }
}
