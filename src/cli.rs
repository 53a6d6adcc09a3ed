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
    /// Workspace file (SQLite)
    #[arg(
        long,
        global = true,
        env = "PRICEBENCH_DB",
        default_value = "pricebench.db"
    )]
    pub db: PathBuf,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Import CSV files (or a directory of them) into the workspace, all or nothing
    Import(ImportArgs),
    /// Write a realistic sample dataset with planted ground truth (truth.json)
    Sample(SampleArgs),
    /// Open the terminal UI (the default command)
    Tui,
    /// Print what the workspace holds: the Overview's numbers
    Info(FormatArg),
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    /// CSV files or directories (files recognised by name: segments.csv, customers.csv, ...)
    #[arg(required = true)]
    pub paths: Vec<PathBuf>,
    /// Replace rows whose id already exists instead of rejecting them
    #[arg(long)]
    pub replace: bool,
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
