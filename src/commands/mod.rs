//! Headless commands: one file each, `run(args, &Workspace, out)`.

pub mod backtest;
pub mod band;
pub mod bridge;
pub mod competitors;
pub mod elasticity;
pub mod evidence;
pub mod export;
pub mod guidance;
pub mod import;
pub mod increase;
pub mod info;
pub mod leakage;
pub mod map;
pub mod psm;
pub mod recommend;
pub mod report;
pub mod sample;
pub mod scenario;
pub mod score;
pub mod value;
pub mod waterfall;
pub mod wtp;

use crate::store::{StoreError, Waiting, Workspace};
use anyhow::{Context, Result};
use std::path::Path;

/// Opens an existing workspace for a read-only command; a missing file is an error naming it.
pub fn open_workspace(path: &Path) -> Result<Workspace> {
    match Workspace::open_existing_waiting(path, waiting_notice(path)) {
        Err(e @ StoreError::Missing(_)) => Err(anyhow::Error::new(e)
            .context("no workspace: run 'pricebench import DIR' first, or pass --db PATH")),
        other => Ok(other?),
    }
}

/// Waiting for another process with a line on stderr, once per wait, so that a command
/// held up by an import says why it is not answering.
pub fn waiting_notice(path: &Path) -> Waiting {
    let shown = crate::report::escape_for_terminal(&path.display().to_string()).into_owned();
    Waiting::with_notice(move || {
        eprintln!("waiting for another process (an import?) to finish writing to '{shown}'…");
    })
}

/// The demand commands' cell filter.
pub fn cell_filter(args: &crate::cli::CellArgs) -> crate::store::demand::DemandFilter {
    crate::store::demand::DemandFilter {
        segment: args.segment.clone(),
        product: args.product.clone(),
    }
}

/// A number with `decimals` places, or empty when absent.
pub fn num(value: Option<f64>, decimals: usize) -> crate::report::Cell {
    value.map_or(crate::report::Cell::Empty, |value| {
        crate::report::Cell::Num { value, decimals }
    })
}

/// The store's scope from the command line: ids as given, dates parsed within the accepted range
/// (`--from` after `--to` is an error).
pub fn scope(
    args: &crate::cli::ScopeArgs,
    customer: Option<&str>,
) -> Result<crate::store::realization::Scope> {
    let date = |flag: &str, v: &Option<String>| -> Result<Option<crate::date::Date>> {
        v.as_deref()
            .map(|s| s.parse().with_context(|| flag.to_string()))
            .transpose()
    };
    let (from, to) = (date("--from", &args.from)?, date("--to", &args.to)?);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        anyhow::bail!("--from '{f}' is after --to '{t}'");
    }
    Ok(crate::store::realization::Scope {
        segment: args.segment.clone(),
        product: args.product.clone(),
        customer: customer.map(str::to_string),
        from,
        to,
    })
}
