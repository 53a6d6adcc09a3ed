//! `pricebench recommend`: the recommended price table of a scenario (the export's columns).

use crate::cli::ScenarioFileArgs;
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;

pub fn run(args: &ScenarioFileArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let p = crate::analysis::scenario::prepare(ws, &args.file)?;
    crate::export::report(&p.recommendations()).write(args.format.format, out)
}
