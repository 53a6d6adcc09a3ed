//! survey.csv: Van Westendorp answers for a subset of cells, and the true price points computed
//! from the population distribution of the consistent answers.
//!
//! A consistent respondent answers a_j = b·k_j·exp(τ·U_j), b ~ LogNormal(ln v, σ_b),
//! U_j ~ Uniform[−1, 1], with k_1 < k_2 < k_3 < k_4 spaced so the order is always strict.
//! About 3% of respondents answer out of order; the PSM estimator must drop them.

use super::rng::Rng;
use super::row::RowBuf;
use super::world::World;
use super::{CellKind, PsmTruth};
use anyhow::{Context, Result};
use std::io::Write;
use std::path::Path;

const HEADER: &str =
    "respondent_id,segment_id,product_id,too_cheap,cheap,expensive,too_expensive\n";

/// Multipliers for too cheap, cheap, expensive, too expensive.
const K: [f64; 4] = [0.55, 0.75, 1.25, 1.6];
/// Spread of the individual answer around b·k_j: ln(1.6/1.25)/2 > 0.1, so answers stay ordered.
const TAU: f64 = 0.1;
/// Log-sd of a respondent's value level across the population.
const SIGMA_B: f64 = 0.25;
const RESPONDENTS_PER_CELL: usize = 60;
const INCONSISTENT_RATE: f64 = 0.03;

/// A surveyed cell: its value level v and true price points.
#[derive(Debug, Clone)]
pub struct SurveyCell {
    pub value: f64,
    pub truth: PsmTruth,
}

/// Chooses the surveyed cells (about 30% of regular cells, at most about 150) and their truth.
pub fn plan_survey(world: &World, seed: u64) -> Vec<Option<SurveyCell>> {
    let mut rng = Rng::derive(seed, 5);
    let p = (150.0 / world.cells.len() as f64).min(0.3);
    world
        .cells
        .iter()
        .map(|cell| {
            let list = world.products[cell.product].list_cents[0] as f64 / 100.0;
            let value = list * rng.range(0.8, 1.2);
            let keep = rng.chance(p) && cell.kind == CellKind::Regular;
            keep.then(|| SurveyCell {
                value,
                truth: psm_truth(value),
            })
        })
        .collect()
}

/// Writes the respondents; returns (respondents, inconsistent respondents).
pub fn write_survey(
    world: &World,
    cells: &[Option<SurveyCell>],
    seed: u64,
    path: &Path,
) -> Result<(u64, u64)> {
    let ctx = || format!("cannot write '{}'", path.display());
    let file = std::fs::File::create(path).with_context(ctx)?;
    let mut out = std::io::BufWriter::new(file);
    out.write_all(HEADER.as_bytes()).with_context(ctx)?;
    let mut rng = Rng::derive(seed, 6);
    let (mut row, mut n, mut bad) = (RowBuf::default(), 0u64, 0u64);
    for (c, sc) in cells.iter().enumerate() {
        let Some(sc) = sc else { continue };
        let cell = &world.cells[c];
        for _ in 0..RESPONDENTS_PER_CELL {
            n += 1;
            let mut answers = consistent_answers(sc.value, &mut rng);
            if rng.chance(INCONSISTENT_RATE) {
                bad += 1;
                let j = rng.below(3) as usize;
                answers.swap(j, j + 1);
            }
            row.id("R", n, 6).text(world.segments[cell.segment].id);
            row.text(&world.products[cell.product].id);
            for a in answers {
                row.cents(a);
            }
            row.end();
        }
        out.write_all(row.bytes()).with_context(ctx)?;
        row.clear();
    }
    out.flush().with_context(ctx)?;
    Ok((n, bad))
}

/// Four strictly increasing answers in cents.
fn consistent_answers(value: f64, rng: &mut Rng) -> [i64; 4] {
    let b = rng.lognormal(value.ln(), SIGMA_B);
    K.map(|k| (b * k * (TAU * rng.range(-1.0, 1.0)).exp() * 100.0).round() as i64)
}

/// Population CDF of answer j at price x: the average over u of Φ((ln x − ln k_j − τu − ln v)/σ_b).
fn answer_cdf(j: usize, x: f64, value: f64) -> f64 {
    const N: usize = 200;
    let base = x.ln() - K[j].ln() - value.ln();
    (0..N)
        .map(|i| {
            let u = -1.0 + (2 * i + 1) as f64 / N as f64;
            std_normal_cdf((base - TAU * u) / SIGMA_B)
        })
        .sum::<f64>()
        / N as f64
}

fn std_normal_cdf(z: f64) -> f64 {
    0.5 * statrs::function::erf::erfc(-z / std::f64::consts::SQRT_2)
}

/// The four Van Westendorp points, where two shares cross (too cheap and cheap shares fall with
/// price: 1 − CDF; expensive and too expensive rise: CDF).
pub fn psm_truth(value: f64) -> PsmTruth {
    let cdf = |j: usize, x: f64| answer_cdf(j, x, value);
    PsmTruth {
        // too cheap = not cheap: 1 − F1 = F2
        pmc: crossing(value, |x| cdf(0, x) + cdf(1, x) - 1.0),
        // too cheap = too expensive: 1 − F1 = F4
        opp: crossing(value, |x| cdf(0, x) + cdf(3, x) - 1.0),
        // cheap = expensive: 1 − F2 = F3
        ipp: crossing(value, |x| cdf(1, x) + cdf(2, x) - 1.0),
        // not expensive = too expensive: 1 − F3 = F4
        pme: crossing(value, |x| cdf(2, x) + cdf(3, x) - 1.0),
    }
}

/// Root of an increasing function of price by bisection on ln price, to 4 decimals (which
/// also makes truth.json round-trip exactly).
fn crossing(value: f64, f: impl Fn(f64) -> f64) -> f64 {
    let (mut lo, mut hi) = (value.ln() - 4.0, value.ln() + 4.0);
    for _ in 0..80 {
        let mid = 0.5 * (lo + hi);
        if f(mid.exp()) < 0.0 {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    ((0.5 * (lo + hi)).exp() * 1e4).round() / 1e4
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn consistent_answers_are_strictly_increasing() {
        let mut rng = Rng::new(9);
        for _ in 0..10_000 {
            let a = consistent_answers(50.0, &mut rng);
            assert!(a.windows(2).all(|w| w[0] < w[1]), "{a:?}");
        }
    }

    #[test]
    fn psm_points_are_ordered_and_scale_with_value() {
        let t = psm_truth(100.0);
        assert!(t.pmc < t.opp && t.opp < t.pme, "{t:?}");
        assert!(t.pmc < t.ipp && t.ipp < t.pme, "{t:?}");
        let t2 = psm_truth(200.0);
        assert!((t2.ipp / t.ipp - 2.0).abs() < 1e-6);
        // Symmetric around value·√(k2·k3) for cheap vs expensive.
        assert!(
            (t.ipp - 100.0 * (K[1] * K[2]).sqrt()).abs() < 1e-3,
            "{}",
            t.ipp
        );
    }

    #[test]
    fn empirical_crossing_matches_truth() {
        let mut rng = Rng::new(4);
        let answers: Vec<[i64; 4]> = (0..40_000)
            .map(|_| consistent_answers(100.0, &mut rng))
            .collect();
        let share = |j: usize, x: f64| {
            answers
                .iter()
                .filter(|a| (a[j] as f64) / 100.0 <= x)
                .count() as f64
                / answers.len() as f64
        };
        let t = psm_truth(100.0);
        assert!((share(0, t.opp) + share(3, t.opp) - 1.0).abs() < 0.01);
        assert!((share(1, t.ipp) + share(2, t.ipp) - 1.0).abs() < 0.01);
    }
}
