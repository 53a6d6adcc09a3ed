//! competitors.csv: two competitors' prices for our products with a planted index against our
//! list price, drawn from their own random stream so that no other file changes.
//!
//! Competitor A prices every product on the 15th of each month at our list price that week ÷
//! (1.05 + 0.002·m) for month m = 0, 1, … (our list price starts 5% above A's and the index
//! rises 0.2 points a month, 2.4 a year); Competitor B prices the Valves and Sensors families on
//! the 1st and the 15th at our list ÷ 0.98 (B is 2% dearer). Each price × exp(N(0, 0.01²)),
//! rounded to the cent.

use super::WEEKS;
use super::rng::Rng;
use super::world::{FAMILIES, World, cents_str, family_of, write_csv};
use crate::date::Date;
use anyhow::Result;
use std::path::Path;

pub const COMPETITOR_A: &str = "Competitor A";
pub const COMPETITOR_B: &str = "Competitor B";
/// Our list price ÷ Competitor A's in the first month.
pub const A_LIST_INDEX_START: f64 = 1.05;
/// How much our list price ÷ A's rises each month.
pub const A_LIST_INDEX_PER_MONTH: f64 = 0.002;
/// Our list price ÷ Competitor B's.
pub const B_LIST_INDEX: f64 = 0.98;
/// σ of the log noise on each competitor price.
pub const NOISE_SD: f64 = 0.01;
/// Months of competitor prices (the two years of transactions).
const MONTHS: usize = 24;
/// The random stream of competitor prices (other files use streams below 7,000 or per week).
const STREAM: u64 = 7_000_001;

/// Writes competitors.csv; returns its number of data rows.
pub fn write_competitors(world: &World, seed: u64, start: Date, path: &Path) -> Result<u64> {
    let mut rng = Rng::derive(seed, STREAM);
    let (y0, m0, _) = start.ymd();
    let mut rows = 0;
    write_csv(path, |w| {
        w.write_record([
            "date",
            "competitor",
            "product_id",
            "competitor_product",
            "price",
        ])?;
        for m in 0..MONTHS {
            let months = (y0 * 12 + m0 as i32 - 1) + m as i32;
            let (y, mo) = (months.div_euclid(12), months.rem_euclid(12) as u32 + 1);
            for day in [1, 15] {
                let Some(date) = Date::from_ymd(y, mo, day) else {
                    continue;
                };
                let week = (((date.0 - start.0).max(0) / 7) as usize).min(WEEKS - 1);
                for (i, p) in world.products.iter().enumerate() {
                    let list = p.list_cents[week] as f64 / 100.0;
                    let family = FAMILIES[family_of(i) % FAMILIES.len()];
                    let number = &p.id[1..];
                    let mut quotes = Vec::new();
                    if day == 15 {
                        let index = A_LIST_INDEX_START + A_LIST_INDEX_PER_MONTH * m as f64;
                        quotes.push((COMPETITOR_A, format!("A-{number}"), list / index));
                    }
                    if family == "Valves" || family == "Sensors" {
                        quotes.push((COMPETITOR_B, format!("B-{number}"), list / B_LIST_INDEX));
                    }
                    for (who, their_product, price) in quotes {
                        let noisy = price * (NOISE_SD * rng.normal()).exp();
                        let cents = (noisy * 100.0).round().max(1.0) as i64;
                        let date = date.to_string();
                        w.write_record([&date, who, &p.id, &their_product, &cents_str(cents)])?;
                        rows += 1;
                    }
                }
            }
        }
        Ok(())
    })?;
    Ok(rows)
}
