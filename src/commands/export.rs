//! `pricebench export`: write the recommended price table of a scenario to a CSV file.

use crate::cli::ExportArgs;
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;

pub fn run(args: &ExportArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let p = super::scenario::prepare(ws, &args.file)?;
    let recs = p.recommendations();
    crate::export::export(&recs, &args.out, args.force)?;
    writeln!(out, "wrote {} rows to {}", recs.len(), args.out.display())?;
    Ok(())
}
