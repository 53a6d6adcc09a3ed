//! The sample data generator with planted ground truth: six CSV files in the input formats of
//! PRODUCT.md plus truth.json, deterministic for a seed and streamed week by week.

mod quotes;
mod rng;
mod row;
mod survey;
mod transactions;
mod world;

use crate::date::Date;
use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Weeks of transaction data (two years of Monday-start weeks).
pub const WEEKS: usize = 104;
/// The first Monday of the data.
pub const START_DATE: &str = "2024-01-01";
/// Standard deviation of ε in ln Q = ln A + e·ln P + ε, per cell-week.
pub const NOISE_SD: f64 = 0.2;

/// The files `generate` writes into its directory.
pub const FILES: [&str; 7] = [
    "segments.csv",
    "customers.csv",
    "products.csv",
    "transactions.csv",
    "quotes.csv",
    "survey.csv",
    "truth.json",
];

/// Those of [`FILES`] that are already in `dir` (a link or a directory of that name counts).
pub fn existing_files(dir: &Path) -> Vec<&'static str> {
    FILES
        .into_iter()
        .filter(|name| dir.join(name).symlink_metadata().is_ok())
        .collect()
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleOptions {
    /// Transaction lines (exactly this many data lines in transactions.csv).
    pub rows: u64,
    /// Random seed; the same seed gives byte-identical files.
    pub seed: u64,
}

/// How a cell was planted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CellKind {
    /// Sold most weeks with price variation.
    Regular,
    /// Sold in only 2–8 weeks.
    Thin,
    /// A product whose pocket price never changes (constant list, no discounts).
    FixedPrice,
}

/// The ground truth written to truth.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub seed: u64,
    pub rows: u64,
    /// First Monday, `YYYY-MM-DD`.
    pub start_date: String,
    pub weeks: u32,
    /// σ of the weekly demand noise ε (log scale).
    pub noise_sd: f64,
    pub segments: Vec<SegmentTruth>,
    pub cells: Vec<CellTruth>,
}

/// A segment's mean elasticity (cell elasticities scatter around it with sd 0.3).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SegmentTruth {
    pub segment_id: String,
    pub elasticity_mean: f64,
}

/// One segment × product cell.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellTruth {
    pub segment_id: String,
    pub product_id: String,
    /// Slope of ln Q on ln P for weekly Q = Σ quantity, P = Σ quantity·pocket / Q.
    pub elasticity: f64,
    pub kind: CellKind,
    /// Planted willingness-to-pay, when the cell has quotes.
    pub wtp: Option<WtpTruth>,
    /// True Van Westendorp points, when the cell is surveyed.
    pub psm: Option<PsmTruth>,
}

/// WTP ~ logistic(median, scale) in currency per unit; P(win | p) = 1 − F(p).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct WtpTruth {
    /// Always "logistic".
    pub model: String,
    pub median: f64,
    pub scale: f64,
}

/// Van Westendorp price points (currency per unit) of the consistent answer population.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PsmTruth {
    /// Point of marginal cheapness: too cheap = not cheap.
    pub pmc: f64,
    /// Optimal price point: too cheap = too expensive.
    pub opp: f64,
    /// Indifference price point: cheap = expensive.
    pub ipp: f64,
    /// Point of marginal expensiveness: not expensive = too expensive.
    pub pme: f64,
}

/// What was written, for the summary line.
#[derive(Debug, Clone, PartialEq)]
pub struct SampleSummary {
    pub segments: usize,
    pub customers: usize,
    pub products: usize,
    pub transactions: u64,
    pub returns: u64,
    pub quotes: u64,
    pub respondents: u64,
    pub inconsistent_respondents: u64,
    pub truth: Truth,
}

/// Writes segments, customers, products, transactions, quotes and survey CSV files and
/// truth.json into `dir` (created if missing).
pub fn generate(opts: &SampleOptions, dir: &Path) -> Result<SampleSummary> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
    let start = Date::parse(START_DATE).context("bad START_DATE")?;
    let world = world::World::build(opts.rows, opts.seed);
    world.write_master_data(dir, opts.seed)?;
    let txn_opts = transactions::TxnOptions {
        rows: opts.rows,
        seed: opts.seed,
        noise_sd: NOISE_SD,
        start,
    };
    let txns = transactions::write_transactions(&world, &txn_opts, &dir.join("transactions.csv"))?;
    let wtp = quotes::plan_wtp(&world, opts.seed);
    let per_cell = if opts.rows >= 1_000_000 { 200 } else { 80 };
    let quotes_path = dir.join("quotes.csv");
    let n_quotes = quotes::write_quotes(&world, &wtp, per_cell, opts.seed, start, &quotes_path)?;
    let survey_cells = survey::plan_survey(&world, opts.seed);
    let survey_path = dir.join("survey.csv");
    let (respondents, bad) = survey::write_survey(&world, &survey_cells, opts.seed, &survey_path)?;
    let truth = build_truth(opts, &world, wtp, &survey_cells);
    write_truth(&truth, &dir.join("truth.json"))?;
    Ok(SampleSummary {
        segments: world.segments.len(),
        customers: world.customers.len(),
        products: world.products.len(),
        transactions: txns.lines,
        returns: txns.returns,
        quotes: n_quotes,
        respondents,
        inconsistent_respondents: bad,
        truth,
    })
}

fn build_truth(
    opts: &SampleOptions,
    world: &world::World,
    wtp: Vec<Option<WtpTruth>>,
    survey_cells: &[Option<survey::SurveyCell>],
) -> Truth {
    let cells = world
        .cells
        .iter()
        .zip(wtp)
        .zip(survey_cells)
        .map(|((cell, wtp), sc)| CellTruth {
            segment_id: world.segments[cell.segment].id.to_string(),
            product_id: world.products[cell.product].id.clone(),
            elasticity: cell.elasticity,
            kind: cell.kind,
            wtp,
            psm: sc.as_ref().map(|s| s.truth.clone()),
        })
        .collect();
    Truth {
        seed: opts.seed,
        rows: opts.rows,
        start_date: START_DATE.to_string(),
        weeks: WEEKS as u32,
        noise_sd: NOISE_SD,
        segments: world
            .segments
            .iter()
            .map(|s| SegmentTruth {
                segment_id: s.id.to_string(),
                elasticity_mean: s.elasticity_mean,
            })
            .collect(),
        cells,
    }
}

fn write_truth(truth: &Truth, path: &Path) -> Result<()> {
    let mut text = serde_json::to_string_pretty(truth).context("cannot serialize truth")?;
    text.push('\n');
    std::fs::write(path, text).with_context(|| format!("cannot write '{}'", path.display()))
}

/// Reads a truth.json written by `generate`.
pub fn read_truth(path: &Path) -> Result<Truth> {
    let text = std::fs::read_to_string(path)
        .with_context(|| format!("cannot read '{}'", path.display()))?;
    serde_json::from_str(&text).with_context(|| format!("'{}' is not a truth file", path.display()))
}
