//! Command-line types (clap derive) — no logic lives here.

use clap::{Args, Parser, Subcommand, ValueEnum};
use std::path::PathBuf;

/// pricebench: a terminal workbench for pricing analysts.
///
/// Without a command it opens the TUI on the workspace (or on the bundled sample when there is none).
#[derive(Debug, Parser)]
#[command(name = "pricebench", version, about, long_about = None)]
pub struct Cli {
    #[command(flatten)]
    pub db: DbArg,
    #[command(subcommand)]
    pub command: Option<Command>,
}

/// Where the workspace lives.
#[derive(Debug, Clone, Args)]
pub struct DbArg {
    /// Workspace file (SQLite) [default: pricebench.db; the TUI opens the bundled sample when
    /// neither --db nor PRICEBENCH_DB is given and pricebench.db does not exist]
    #[arg(long, global = true, env = "PRICEBENCH_DB")]
    pub db: Option<PathBuf>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import CSV files (or a directory of them) into the workspace, all or nothing
    Import(ImportArgs),
    /// Write an import mapping for your own export files (`map suggest FILES > map.toml`)
    Map(MapArgs),
    /// Write a realistic sample dataset with planted ground truth (truth.json)
    Sample(SampleArgs),
    /// Open the terminal UI (the default command)
    Tui,
    /// Print what the workspace holds: the Overview's numbers
    Info(FormatArg),
    /// The pocket price waterfall: list → on-invoice → invoice → off-invoice → pocket, per unit
    Waterfall(WaterfallArgs),
    /// The pocket price band: spread of pocket % of list across customers, outliers below p10
    Band(BandArgs),
    /// Margin leakage by element or customer, and whether volume earns the discount
    Leakage(LeakageArgs),
    /// Why revenue or margin moved between two periods: price, cost, volume, product and customer
    /// mix, new and lost customer × product pairs, to the cent
    ///
    /// Midpoint (Shapley) split per customer × product, exact and order-independent: swapping
    /// the periods flips every sign. With --show price, the price effect by waterfall step.
    Bridge(BridgeArgs),
    /// How much of a list-price increase was realized: list, invoice and pocket price in a
    /// window before vs after, on the same customers, and which element absorbed the rest
    Increase(IncreaseArgs),
    /// Deal guidance: floor / target / stretch per segment × product (× customer-size band) from
    /// the pocket price band, on the pocket and the invoice basis, and what it is worth
    Guidance(GuidanceArgs),
    /// Score deals (quotes.csv or transactions.csv format) against the guidance: position in
    /// the corridor, a 0–100 score, the margin at stake; a Unix filter (FILE or - for stdin)
    Score(ScoreArgs),
    /// Price elasticity per segment × product: log-log OLS per cell or a customer panel, pooled per segment
    Elasticity(ElasticityArgs),
    /// Fit a demand model on the data up to a date, predict the following months' volumes from the
    /// prices charged, and compare with what was sold: WAPE, bias, interval coverage
    Backtest(BacktestArgs),
    /// Willingness-to-pay from won/lost quotes: logistic, normal, log-normal by maximum likelihood
    ///
    /// Quotes are invoice prices. max_margin_price is the quoted (invoice) price that maximises
    /// the expected pocket margin per quote, (price·(1 − s) − f − unit_cost)·P(win | price),
    /// where s and f are the cell's off-invoice elements from its sales over all dates: those
    /// that scale with the invoice (payment terms) as a share s of it, the others (rebates,
    /// freight, co-op) as f per unit. When the expected margin still rises where the search ends
    /// (P(win) = 0.0001 or 100× the top quote), no price is printed and the flag says
    /// no_interior_optimum.
    Wtp(WtpArgs),
    /// Van Westendorp price sensitivity meter from survey answers: PMC, OPP, IPP, PME
    Psm(PsmArgs),
    /// Every method side by side per segment × product: today's prices, elasticity optimum (cell and panel), WTP, Van Westendorp, economic value, and where they disagree
    Evidence(EvidenceArgs),
    /// Evaluate a scenario file: volume, pocket revenue and pocket margin before and after
    Scenario(ScenarioArgs),
    /// The value map of a scenario's value drivers: economic value beside price, WTP and cost
    ///
    /// With --map: the value map per segment × product family, our products and the
    /// competitors' at price against perceived benefit (economic value, in money) and each
    /// one's gap from the value-equivalence line (benefit = price). With --drivers: one row per
    /// value driver with its formula, inputs and result.
    Value(ValueArgs),
    /// Competitor prices against ours: price index (our invoice and pocket price ÷ the
    /// competitor's, × 100) per product and month, the latest month and the trend
    ///
    /// Months are calendar months: our quantity-weighted invoice and pocket price of the month
    /// (all segments, or per segment with --by segment-product) against the mean of the
    /// competitor's prices dated in that month. The trend is the OLS slope of the monthly index
    /// on the month number, × 12: index points per year (empty below two months).
    Competitors(CompetitorsArgs),
    /// The recommended prices under a scenario: one list price per product (or segment targets), with evidence
    Recommend(RecommendArgs),
    /// Write the recommended price table to a CSV file
    Export(ExportArgs),
    /// Write a self-contained HTML report to share (charts as inline SVG, no external assets):
    /// overview, waterfall, pocket price bands with guidance, elasticity, win rate and Van
    /// Westendorp curves, the value map and, with a scenario, its totals and recommended prices
    Report(ReportArgs),
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    /// Scenario file (TOML, see scenarios/, or bundled:NAME) whose totals, recommended prices,
    /// value map and provenance the report adds
    pub scenario: Option<PathBuf>,
    /// Where to write the HTML file (written whole or not at all), or `-` for standard output
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite the file if it exists
    #[arg(long)]
    pub force: bool,
    /// First date of the realization sections: waterfall, bands, guidance (YYYY-MM-DD,
    /// inclusive)
    #[arg(long)]
    pub from: Option<String>,
    /// Last date of the realization sections (YYYY-MM-DD, inclusive)
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct CompetitorsArgs {
    /// Our price per product over all segments, or per segment × product
    #[arg(long, value_enum, default_value_t = CompetitorsBy::Product)]
    pub by: CompetitorsBy,
    /// One row per product × competitor product (latest month and trend), or one per month
    #[arg(long, value_enum, default_value_t = CompetitorsShow::Summary)]
    pub show: CompetitorsShow,
    /// First month: the month of this date (YYYY-MM-DD)
    #[arg(long)]
    pub from: Option<String>,
    /// Last month: the month of this date (YYYY-MM-DD)
    #[arg(long)]
    pub to: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompetitorsBy {
    Product,
    SegmentProduct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum CompetitorsShow {
    Summary,
    Months,
}

#[derive(Debug, Args)]
pub struct ScenarioArgs {
    /// Scenario file (TOML, see scenarios/)
    pub file: PathBuf,
    /// A second scenario to show side by side
    #[arg(long)]
    pub compare: Option<PathBuf>,
    /// Which rows to print: every cell with the totals, or only the totals
    #[arg(long, value_enum, default_value_t = ScenarioRows::All)]
    pub rows: ScenarioRows,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScenarioRows {
    All,
    Totals,
}

#[derive(Debug, Args)]
pub struct ValueArgs {
    /// Scenario file (TOML, see scenarios/)
    pub file: PathBuf,
    /// Print the value map: price (x) against perceived benefit (y) per segment × family
    #[arg(long, conflicts_with = "drivers")]
    pub map: bool,
    /// Print one row per value driver: its formula and inputs, or its number, and its result
    #[arg(long)]
    pub drivers: bool,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct ScenarioFileArgs {
    /// Scenario file (TOML, see scenarios/)
    pub file: PathBuf,
    #[command(flatten)]
    pub format: FormatArg,
}

/// At which level prices are recommended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LevelArg {
    /// One list price per product over all its segments, with each segment's net-price target
    Product,
    /// Net-price targets per segment × product (not list prices)
    SegmentProduct,
}

/// Which rows `recommend` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RecommendRows {
    /// The level's table: the price list, or the segment targets
    Main,
    /// Every segment × product (at level product: under the product's price, with its target)
    Segments,
    /// What each binding constraint costs in pocket margin, and the total
    Totals,
}

#[derive(Debug, Args)]
pub struct RecommendArgs {
    /// Scenario file (TOML, see scenarios/)
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = LevelArg::Product)]
    pub level: LevelArg,
    #[arg(long, value_enum, default_value_t = RecommendRows::Main)]
    pub rows: RecommendRows,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Scenario file (TOML, see scenarios/)
    pub file: PathBuf,
    #[arg(long, value_enum, default_value_t = LevelArg::Product)]
    pub level: LevelArg,
    /// Where to write the CSV: a file (written whole or not at all; a symlink is followed, a
    /// FIFO or device written through), or `-` for standard output
    #[arg(long)]
    pub out: PathBuf,
    /// Overwrite the file if it exists
    #[arg(long)]
    pub force: bool,
}

/// Which cells a demand command prints.
#[derive(Debug, Clone, Args)]
pub struct CellArgs {
    /// Only this segment
    #[arg(long)]
    pub segment: Option<String>,
    /// Only this product
    #[arg(long)]
    pub product: Option<String>,
}

#[derive(Debug, Args)]
pub struct ElasticityArgs {
    /// The estimator: log-log OLS on each cell's totals per period (cell), or customer fixed
    /// effects, month-of-year effects and a trend on each customer's monthly quantity and price,
    /// with standard errors clustered by customer (panel)
    #[arg(long, value_enum, default_value_t = ModelArg::Cell)]
    pub model: ModelArg,
    /// Aggregate to calendar weeks (starting Monday) or months [default: week; the panel model
    /// always uses months]
    #[arg(long, value_enum)]
    pub period: Option<PeriodArg>,
    /// The net price quantity is regressed on
    #[arg(long, value_enum, default_value_t = PriceArg::Pocket)]
    pub price: PriceArg,
    /// Fit again even when stored results are fresh
    #[arg(long)]
    pub refit: bool,
    #[command(flatten)]
    pub cells: CellArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct BacktestArgs {
    /// Last day of the training data (YYYY-MM-DD); only whole calendar months up to it are
    /// trained on, and the months after them are predicted
    #[arg(long)]
    pub train_until: String,
    /// Calendar months predicted after each fit
    #[arg(long, default_value_t = 3, value_parser = clap::value_parser!(u16).range(1..=120))]
    pub horizon: u16,
    /// The estimator to backtest: the panel (customer, month-of-year and trend effects on each
    /// customer's months) or the cell model (log-log OLS on each cell's monthly totals)
    #[arg(long, value_enum, default_value_t = ModelArg::Panel)]
    pub model: ModelArg,
    /// Refit at every month-end after --train-until up to the month before the last, predicting
    /// --horizon months each time
    #[arg(long)]
    pub rolling: bool,
    /// The net price the model is fitted and predicts on
    #[arg(long, value_enum, default_value_t = PriceArg::Pocket)]
    pub price: PriceArg,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ModelArg {
    Cell,
    Panel,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PeriodArg {
    Week,
    Month,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PriceArg {
    Pocket,
    Invoice,
    List,
}

#[derive(Debug, Args)]
pub struct WtpArgs {
    /// The WTP distribution, or all three with the best by AIC marked
    #[arg(long, value_enum, default_value_t = WtpModelArg::All)]
    pub model: WtpModelArg,
    #[command(flatten)]
    pub cells: CellArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WtpModelArg {
    Logistic,
    Normal,
    #[value(name = "lognormal", alias = "log_normal")]
    LogNormal,
    All,
}

#[derive(Debug, Args)]
pub struct PsmArgs {
    #[command(flatten)]
    pub cells: CellArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct EvidenceArgs {
    #[command(flatten)]
    pub cells: CellArgs,
    /// Scenario file (TOML) whose value drivers give the economic value
    #[arg(long)]
    pub scenario: Option<PathBuf>,
    #[command(flatten)]
    pub format: FormatArg,
}

/// Which lines a realization command looks at.
#[derive(Debug, Clone, Args)]
pub struct ScopeArgs {
    /// Only this segment
    #[arg(long)]
    pub segment: Option<String>,
    /// Only this product
    #[arg(long)]
    pub product: Option<String>,
    /// First date (YYYY-MM-DD, inclusive); any day: whole months come from the monthly sums, only
    /// the partial months at the ends from the lines
    #[arg(long)]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD, inclusive)
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct WaterfallArgs {
    /// One waterfall per group
    #[arg(long, value_enum, default_value_t = WaterfallBy::Total)]
    pub by: WaterfallBy,
    /// Only this customer
    #[arg(long)]
    pub customer: Option<String>,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WaterfallBy {
    Total,
    Segment,
    Product,
    SegmentProduct,
    Customer,
}

#[derive(Debug, Args)]
pub struct BandArgs {
    /// One band per product (customers of every segment) or per segment × product
    #[arg(long, value_enum, default_value_t = BandByArg::Product)]
    pub by: BandByArg,
    /// What one observation is: a customer's net sums, or a transaction line (scans transactions)
    #[arg(long, value_enum, default_value_t = BandBasis::Customer)]
    pub basis: BandBasis,
    /// Histogram bars per band
    #[arg(long, default_value_t = 10, value_parser = clap::value_parser!(u16).range(1..=200))]
    pub bins: u16,
    /// Which table to print: the percentiles, the histogram, or the customers below p10
    #[arg(long, value_enum, default_value_t = BandShow::Summary)]
    pub show: BandShow,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BandByArg {
    Product,
    SegmentProduct,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BandBasis {
    Customer,
    Transaction,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BandShow {
    Summary,
    Histogram,
    Outliers,
}

/// How the guidance corridors are built.
#[derive(Debug, Clone, PartialEq, Args)]
pub struct GuidanceOptionArgs {
    /// One corridor per segment × product, or per product (customers of every segment)
    #[arg(long, value_enum, default_value_t = BandByArg::SegmentProduct)]
    pub by: BandByArg,
    /// Customer-size bands per cell, by quantiles of the customers' volume in the cell; bands
    /// with fewer than --min-customers customers are merged with their neighbour
    #[arg(long, default_value_t = 1, value_parser = clap::value_parser!(u8).range(1..=20))]
    pub size_bands: u8,
    /// Percentile of pocket % of list (volume-weighted, across customers) for the floor
    #[arg(long, default_value_t = 25.0)]
    pub floor: f64,
    /// Percentile for the target
    #[arg(long, default_value_t = 50.0)]
    pub target: f64,
    /// Percentile for the stretch
    #[arg(long, default_value_t = 75.0)]
    pub stretch: f64,
    /// Fewest customers that make a corridor of their own; thinner cells borrow the product's
    /// (else the segment's) distribution
    #[arg(long, default_value_t = 5, value_parser = clap::value_parser!(u16).range(3..=10000))]
    pub min_customers: u16,
    /// First date (YYYY-MM-DD, inclusive); any day: whole months come from the monthly sums, only
    /// the partial months at the ends from the lines
    #[arg(long)]
    pub from: Option<String>,
    /// Last date (YYYY-MM-DD, inclusive)
    #[arg(long)]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct GuidanceArgs {
    #[command(flatten)]
    pub options: GuidanceOptionArgs,
    /// Only this segment's rows (the corridors still borrow from every segment)
    #[arg(long)]
    pub segment: Option<String>,
    /// Only this product's rows
    #[arg(long)]
    pub product: Option<String>,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct ScoreArgs {
    /// Deals in the quotes.csv format (quoted_price) or the transactions.csv format
    /// (list_price, on_*, off_*); - or nothing reads standard input
    #[arg(default_value = "-")]
    pub file: PathBuf,
    /// Score against a saved guidance CSV (`guidance --format csv`) instead of the workspace's
    /// current guidance; customers' segments (and volumes, for size bands) still come from the
    /// workspace
    #[arg(long)]
    pub guidance: Option<PathBuf>,
    #[command(flatten)]
    pub options: GuidanceOptionArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Args)]
pub struct LeakageArgs {
    /// Per element, per customer (top N by recoverable margin), or the volume–discount correlation
    #[arg(long, value_enum, default_value_t = LeakageBy::Element)]
    pub by: LeakageBy,
    /// Customers to list with --by customer
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub scope: ScopeArgs,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum LeakageBy {
    Element,
    Customer,
    Correlation,
}

#[derive(Debug, Args)]
pub struct BridgeArgs {
    /// The base period, FROM..TO (inclusive, YYYY-MM-DD); default: the 12 months before --compare
    #[arg(long)]
    pub base: Option<String>,
    /// The compare period, FROM..TO; default: the last 12 whole months with data
    #[arg(long)]
    pub compare: Option<String>,
    /// One bridge row per group, then the total
    #[arg(long, value_enum, default_value_t = BridgeByArg::Segment)]
    pub by: BridgeByArg,
    /// What is explained: revenue on the basis, or pocket margin (pocket revenue − cost)
    #[arg(long, value_enum, default_value_t = MeasureArg::Revenue)]
    pub measure: MeasureArg,
    /// The price revenue is measured at (pocket margin is always on pocket)
    #[arg(long, value_enum, default_value_t = BasisArg::Pocket)]
    pub basis: BasisArg,
    /// Which table: the effects per row, or the price effect by waterfall step per row
    #[arg(long, value_enum, default_value_t = BridgeShow::Effects)]
    pub show: BridgeShow,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BridgeByArg {
    Total,
    Segment,
    Product,
    SegmentProduct,
    Customer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MeasureArg {
    Revenue,
    #[value(name = "pocket_margin", alias = "pocket-margin")]
    PocketMargin,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BasisArg {
    List,
    Invoice,
    Pocket,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum BridgeShow {
    Effects,
    Price,
}

#[derive(Debug, Args)]
pub struct IncreaseArgs {
    /// Only the changes effective on this date (YYYY-MM-DD)
    #[arg(long)]
    pub effective: Option<String>,
    /// Announced changes (price_changes.csv: product_id or family, effective_date, pct)
    /// instead of the list-price changes found in the data
    #[arg(long)]
    pub announced: Option<PathBuf>,
    /// Days in the window before and in the window after the effective date
    #[arg(long, default_value_t = 30, value_parser = clap::value_parser!(u16).range(1..=366))]
    pub window: u16,
    /// Which table: one row per change, customers ranked by what leaked, or the totals per
    /// segment and overall (with the summary sentence)
    #[arg(long, value_enum, default_value_t = IncreaseShow::Changes)]
    pub show: IncreaseShow,
    /// Customers to list with --show customers
    #[arg(long, default_value_t = 20)]
    pub top: usize,
    #[command(flatten)]
    pub format: FormatArg,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum IncreaseShow {
    Changes,
    Customers,
    Segments,
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV files or directories (files recognised by name: segments.csv, customers.csv, ...)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Replace rows whose id already exists instead of rejecting them
    #[arg(long)]
    pub replace: bool,
    /// A mapping file (TOML) saying, per input file name or glob, what it holds, which column
    /// each field comes from and how its dates and numbers are written (see `map suggest`)
    #[arg(long, value_name = "MAP.toml", conflicts_with = "kind")]
    pub map: Option<PathBuf>,
    /// What the named files hold, whatever their names (files in the canonical format)
    #[arg(long, value_enum, value_name = "KIND")]
    pub kind: Option<KindArg>,
    /// Check everything and print what would be imported (rows per table, dates, elements,
    /// currencies) without changing the workspace
    #[arg(long)]
    pub dry_run: bool,
    /// The files are sums computed in a warehouse by sql/aggregates.sql (agg_week.csv,
    /// agg_customer_month.csv, agg_list_day.csv) beside segments.csv, customers.csv and
    /// products.csv: a workspace without transaction lines (--replace replaces all its sums)
    #[arg(long, conflicts_with_all = ["map", "kind"])]
    pub aggregates: bool,
    /// The workspace's reporting currency (ISO 4217, e.g. EUR), for a workspace that has none
    /// yet: files without a currency column are in it, and rows in another currency are
    /// converted with the rates of fx.csv. Without it, the first import whose rows name one
    /// currency sets it
    #[arg(long, value_name = "CODE", value_parser = crate::store::import::money::parse_currency_arg)]
    pub currency: Option<String>,
}

/// A kind of input file, as `--kind` names it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum KindArg {
    Fx,
    Segments,
    Customers,
    Products,
    Transactions,
    Quotes,
    Survey,
    Competitors,
}

#[derive(Debug, Args)]
pub struct MapArgs {
    #[command(subcommand)]
    pub command: MapCommand,
}

#[derive(Debug, Subcommand)]
pub enum MapCommand {
    /// Write a mapping for the given export files to stdout: delimiter, date and number
    /// formats, currency, totals rows and which column is which field, each guess commented
    Suggest(MapSuggestArgs),
}

#[derive(Debug, Args)]
pub struct MapSuggestArgs {
    /// Export files (CSV or other delimited text) or directories of them
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
}

#[derive(Debug, Args)]
pub struct SampleArgs {
    /// Directory to write the CSV files and truth.json into (created if missing)
    #[arg(long)]
    pub out: PathBuf,
    /// Number of transaction lines to generate
    #[arg(long, default_value_t = 40_000)]
    pub rows: u64,
    /// Random seed; the same seed gives the same files
    #[arg(long, default_value_t = 42)]
    pub seed: u64,
    /// The world to draw from: customer-level demand with customer mix, seasonality, list
    /// increases and a trend (realistic), or weekly cell demand that follows the cell model
    /// exactly (simple)
    #[arg(long, value_enum, default_value_t = WorldArg::Realistic)]
    pub world: WorldArg,
    /// Overwrite sample files already in the directory
    #[arg(long)]
    pub force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum WorldArg {
    Realistic,
    Simple,
}

#[derive(Debug, Clone, Copy, Args)]
pub struct FormatArg {
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Table)]
    pub format: Format,
}

/// How a headless command prints its result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    Table,
    Csv,
    Json,
}
