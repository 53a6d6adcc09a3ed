//! `pricebench export`: write the recommended prices of a scenario to CSV — the level's table,
//! the segment targets beside a price list, and a provenance record — or the table alone to
//! standard output with `--out -`.

use crate::cli::{ExportArgs, Format};
use crate::export::ExportPaths;
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;
use std::path::Path;

/// Writes the files and says where; with `--out -` the CSV is all that goes to `out`.
pub fn run(args: &ExportArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let p = crate::analysis::scenario::prepare(ws, &args.file)?;
    let level = super::recommend::level(args.level);
    let recs = p.recommendations(level);
    if args.out == Path::new("-") {
        let currency = crate::store::query::reporting_currency(ws)?;
        let table = crate::export::in_currency(crate::export::report(&recs), currency.as_deref());
        return table.write(Format::Csv, out);
    }
    let paths = ExportPaths::new(&args.out, level);
    let files = [Some(&paths.table), paths.segments.as_ref()]
        .into_iter()
        .flatten()
        .map(|p| p.display().to_string())
        .collect();
    let provenance = crate::export::Provenance::new(&args.file, &p, level, files);
    crate::export::export(&recs, &provenance, &paths, args.force)?;
    let rows = match level {
        crate::scenario::Level::Product => recs.products.len(),
        crate::scenario::Level::SegmentProduct => recs.cells.len(),
    };
    writeln!(out, "wrote {rows} rows to {}", args.out.display())?;
    if let Some(s) = &paths.segments {
        writeln!(
            out,
            "wrote {} segment targets to {}",
            recs.cells.len(),
            s.display()
        )?;
    }
    if let Some(m) = &paths.meta {
        writeln!(out, "wrote the provenance to {}", m.display())?;
    }
    Ok(())
}
