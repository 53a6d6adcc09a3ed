//! pricebench: a terminal workbench for pricing analysts.
//!
//! Data flows CSV → `store` → plain structs → `model` / `realization` / `scenario` →
//! `report` / `export` or `tui`.

pub mod analysis;
pub mod chart;
pub mod cli;
pub mod commands;
pub mod date;
pub mod export;
pub mod html;
pub mod model;
pub mod outfile;
pub mod realization;
pub mod report;
pub mod sample;
pub mod scenario;
pub mod store;
pub mod tui;

use anyhow::Result;
use cli::{Cli, Command};

/// The workspace file when neither `--db` nor `PRICEBENCH_DB` names one.
pub const DEFAULT_DB: &str = "pricebench.db";

/// Runs one command line.
pub fn run(cli: Cli) -> Result<()> {
    let stdout = &mut std::io::stdout().lock();
    let given = cli.db.db.as_deref();
    let db = &given
        .unwrap_or(std::path::Path::new(DEFAULT_DB))
        .to_path_buf();
    let ws = || commands::open_workspace(db);
    match cli.command {
        None | Some(Command::Tui) => tui::run(db, given.is_some()),
        Some(Command::Import(args)) => commands::import::run(&args, db, stdout),
        Some(Command::Map(args)) => commands::map::run(&args, stdout),
        Some(Command::Sample(args)) => commands::sample::run(&args, stdout),
        Some(Command::Info(fmt)) => commands::info::run(fmt.format, &ws()?, stdout),
        Some(Command::Waterfall(args)) => commands::waterfall::run(&args, &ws()?, stdout),
        Some(Command::Band(args)) => commands::band::run(&args, &ws()?, stdout),
        Some(Command::Leakage(args)) => commands::leakage::run(&args, &ws()?, stdout),
        Some(Command::Bridge(args)) => commands::bridge::run(&args, &ws()?, stdout),
        Some(Command::Increase(args)) => commands::increase::run(&args, &ws()?, stdout),
        Some(Command::Guidance(args)) => commands::guidance::run(&args, &ws()?, stdout),
        Some(Command::Score(args)) => commands::score::run(&args, &ws()?, stdout),
        Some(Command::Scenario(args)) => commands::scenario::run(&args, &ws()?, stdout),
        Some(Command::Value(args)) => commands::value::run(&args, &ws()?, stdout),
        Some(Command::Competitors(args)) => commands::competitors::run(&args, &ws()?, stdout),
        Some(Command::Recommend(args)) => commands::recommend::run(&args, &ws()?, stdout),
        Some(Command::Export(args)) => commands::export::run(&args, &ws()?, stdout),
        Some(Command::Report(args)) => commands::report::run(&args, &ws()?, stdout),
        Some(Command::Elasticity(args)) => commands::elasticity::run(&args, &ws()?, stdout),
        Some(Command::Backtest(args)) => commands::backtest::run(&args, &ws()?, stdout),
        Some(Command::Wtp(args)) => commands::wtp::run(&args, &ws()?, stdout),
        Some(Command::Psm(args)) => commands::psm::run(&args, &ws()?, stdout),
        Some(Command::Evidence(args)) => commands::evidence::run(&args, &ws()?, stdout),
    }
}

/// The error as the binary prints it: the causes on one line (`{err:#}`), with the ids and paths
/// it quotes from files escaped so that they cannot drive the terminal.
pub fn error_message(err: &anyhow::Error) -> String {
    report::escape_lines_for_terminal(&format!("{err:#}"))
}

/// True when the error is a broken pipe on stdout (`pricebench info --format csv | head`),
/// which counts as success.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    use std::io::ErrorKind::BrokenPipe;
    err.chain().any(|cause| {
        let io = cause
            .downcast_ref::<std::io::Error>()
            .is_some_and(|e| e.kind() == BrokenPipe);
        // The CSV and JSON writers wrap the io error in their own.
        let csv = cause
            .downcast_ref::<csv::Error>()
            .is_some_and(|e| matches!(e.kind(), csv::ErrorKind::Io(io) if io.kind() == BrokenPipe));
        let json = cause
            .downcast_ref::<serde_json::Error>()
            .is_some_and(|e| e.io_error_kind() == Some(BrokenPipe));
        io || csv || json
    })
}
