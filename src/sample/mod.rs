//! The sample data generator with planted ground truth: six CSV files in the input formats of
//! PRODUCT.md plus truth.json and competitors.csv (competitor prices, see `competitors`), deterministic for a seed. Two worlds: `realistic` (customer-level
//! monthly demand with the confounders of real B2B data, streamed month by month) and `simple`
//! (each cell's weekly demand follows the weekly log-log model exactly, streamed week by week).

mod competitors;
mod quotes;
mod realistic;
mod rng;
mod row;
mod survey;
mod transactions;
mod world;

use crate::date::Date;
pub use realistic::{CustomerTruth, ListIncrease, ProductTruth, RealisticTruth, SegmentSeason};

use anyhow::{Context, Result};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Weeks of transaction data (two years of Monday-start weeks).
pub const WEEKS: usize = 104;
/// The first Monday of the data.
pub const START_DATE: &str = "2024-01-01";
/// Simple world: standard deviation of ε in ln Q = ln A + e·ln P + ε, per cell-week.
pub const NOISE_SD: f64 = 0.2;

/// The files `generate` writes into its directory.
pub const FILES: [&str; 8] = [
    "segments.csv",
    "customers.csv",
    "products.csv",
    "transactions.csv",
    "quotes.csv",
    "survey.csv",
    "truth.json",
    "competitors.csv",
];

pub use competitors::{
    A_LIST_INDEX_PER_MONTH, A_LIST_INDEX_START, B_LIST_INDEX, COMPETITOR_A, COMPETITOR_B,
};

/// Those of [`FILES`] that are already in `dir` (a link or a directory of that name counts).
pub fn existing_files(dir: &Path) -> Vec<&'static str> {
    FILES
        .into_iter()
        .filter(|name| dir.join(name).symlink_metadata().is_ok())
        .collect()
}

/// Which world the sample is drawn from.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SampleWorld {
    /// Customer-level monthly demand; discounts grow with customer size, promotions fall in
    /// peak months, list prices rise once or twice a year, demand trends (module `realistic`).
    Realistic,
    /// Each cell's weekly quantity follows ln Q = ln A + e·ln P + ε exactly: the model the
    /// weekly cell estimator assumes.
    #[default]
    Simple,
}

/// What to generate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SampleOptions {
    /// Transaction lines (exactly this many data lines in transactions.csv).
    pub rows: u64,
    /// Random seed; the same seed gives byte-identical files.
    pub seed: u64,
    pub world: SampleWorld,
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
    /// Realistic world: a regular cell whose true elasticity is 0 (demand ignores price).
    ZeroElasticity,
}

/// The ground truth written to truth.json.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Truth {
    pub seed: u64,
    pub rows: u64,
    /// First Monday, `YYYY-MM-DD`.
    pub start_date: String,
    pub weeks: u32,
    /// σ of the demand noise ε (log scale): per cell-week (simple), per customer-month (realistic).
    pub noise_sd: f64,
    pub segments: Vec<SegmentTruth>,
    pub cells: Vec<CellTruth>,
    /// The realistic world's demand model, seasonality, prices and customers.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub realistic: Option<RealisticTruth>,
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
    /// Simple world: slope of ln Q on ln P for weekly Q = Σ quantity, P = Σ quantity·pocket / Q.
    /// Realistic world: slope of a customer's monthly ln q on the ln pocket price it is charged.
    pub elasticity: f64,
    pub kind: CellKind,
    /// Planted willingness-to-pay, when the cell has quotes.
    pub wtp: Option<WtpTruth>,
    /// True Van Westendorp points, when the cell is surveyed.
    pub psm: Option<PsmTruth>,
    /// Realistic world: customers buying in the cell.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub customers: Option<u32>,
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
    /// Rows of competitors.csv.
    pub competitor_prices: u64,
    pub truth: Truth,
}

/// Writes segments, customers, products, transactions, quotes, survey and competitors CSV
/// files and truth.json into `dir` (created if missing).
pub fn generate(opts: &SampleOptions, dir: &Path) -> Result<SampleSummary> {
    std::fs::create_dir_all(dir)
        .with_context(|| format!("cannot create directory '{}'", dir.display()))?;
    let start = Date::parse(START_DATE).context("bad START_DATE")?;
    match opts.world {
        SampleWorld::Simple => generate_simple(opts, start, dir),
        SampleWorld::Realistic => generate_realistic(opts, start, dir),
    }
}

fn generate_simple(opts: &SampleOptions, start: Date, dir: &Path) -> Result<SampleSummary> {
    let world = world::World::build(opts.rows, opts.seed);
    world.write_master_data(dir, opts.seed)?;
    let txn_opts = transactions::TxnOptions {
        rows: opts.rows,
        seed: opts.seed,
        noise_sd: NOISE_SD,
        start,
    };
    let txns = transactions::write_transactions(&world, &txn_opts, &dir.join("transactions.csv"))?;
    let extras = write_quotes_and_survey(opts, &world, start, dir)?;
    let competitors = dir.join("competitors.csv");
    let priced = competitors::write_competitors(&world, opts.seed, start, &competitors)?;
    let cells = simple_cells(&world, extras.wtp.clone(), &extras.survey_cells);
    let truth = build_truth(opts, &world, cells, NOISE_SD, None);
    finish(dir, &world, txns, extras, truth, priced)
}

fn generate_realistic(opts: &SampleOptions, start: Date, dir: &Path) -> Result<SampleSummary> {
    let world = realistic::build(opts.rows, opts.seed);
    world.base.write_master_data(dir, opts.seed)?;
    let path = dir.join("transactions.csv");
    let txns = realistic::write_transactions(&world, opts.rows, opts.seed, start, &path)?;
    let extras = write_quotes_and_survey(opts, &world.base, start, dir)?;
    let competitors = dir.join("competitors.csv");
    let priced = competitors::write_competitors(&world.base, opts.seed, start, &competitors)?;
    let cells = realistic::cell_truths(&world, extras.wtp.clone(), &extras.survey_cells);
    let details = realistic::truth(&world);
    let truth = build_truth(opts, &world.base, cells, realistic::NOISE_SD, Some(details));
    finish(dir, &world.base, txns, extras, truth, priced)
}

/// The quotes and survey written for a world, with their planted truths.
struct Extras {
    wtp: Vec<Option<WtpTruth>>,
    survey_cells: Vec<Option<survey::SurveyCell>>,
    quotes: u64,
    respondents: u64,
    inconsistent: u64,
}

fn write_quotes_and_survey(
    opts: &SampleOptions,
    world: &world::World,
    start: Date,
    dir: &Path,
) -> Result<Extras> {
    let wtp = quotes::plan_wtp(world, opts.seed);
    let per_cell = if opts.rows >= 1_000_000 { 200 } else { 80 };
    let quotes_path = dir.join("quotes.csv");
    let quotes = quotes::write_quotes(world, &wtp, per_cell, opts.seed, start, &quotes_path)?;
    let survey_cells = survey::plan_survey(world, opts.seed);
    let survey_path = dir.join("survey.csv");
    let (respondents, inconsistent) =
        survey::write_survey(world, &survey_cells, opts.seed, &survey_path)?;
    Ok(Extras {
        wtp,
        survey_cells,
        quotes,
        respondents,
        inconsistent,
    })
}

fn finish(
    dir: &Path,
    world: &world::World,
    txns: transactions::TxnCounts,
    extras: Extras,
    truth: Truth,
    competitor_prices: u64,
) -> Result<SampleSummary> {
    write_truth(&truth, &dir.join("truth.json"))?;
    Ok(SampleSummary {
        segments: world.segments.len(),
        customers: world.customers.len(),
        products: world.products.len(),
        transactions: txns.lines,
        returns: txns.returns,
        quotes: extras.quotes,
        respondents: extras.respondents,
        inconsistent_respondents: extras.inconsistent,
        competitor_prices,
        truth,
    })
}

fn simple_cells(
    world: &world::World,
    wtp: Vec<Option<WtpTruth>>,
    survey_cells: &[Option<survey::SurveyCell>],
) -> Vec<CellTruth> {
    world
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
            customers: None,
        })
        .collect()
}

fn build_truth(
    opts: &SampleOptions,
    world: &world::World,
    cells: Vec<CellTruth>,
    noise_sd: f64,
    realistic: Option<RealisticTruth>,
) -> Truth {
    Truth {
        seed: opts.seed,
        rows: opts.rows,
        start_date: START_DATE.to_string(),
        weeks: WEEKS as u32,
        noise_sd,
        segments: world
            .segments
            .iter()
            .map(|s| SegmentTruth {
                segment_id: s.id.to_string(),
                elasticity_mean: s.elasticity_mean,
            })
            .collect(),
        cells,
        realistic,
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
