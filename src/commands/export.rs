//! `pricebench export`: write the recommended price table of a scenario to a CSV file, or to
//! standard output with `--out -`.

use crate::cli::{ExportArgs, Format};
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// Writes the table and says where; with `--out -` the CSV is all that goes to `out`.
pub fn run(args: &ExportArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let p = crate::analysis::scenario::prepare(ws, &args.file)?;
    let recs = p.recommendations();
    if args.out == Path::new("-") {
        return crate::export::report(&recs).write(Format::Csv, out);
    }
    crate::export::export(&recs, &args.out, args.force)?;
    writeln!(out, "wrote {} rows to {}", recs.len(), args.out.display())?;
    Ok(())
}
