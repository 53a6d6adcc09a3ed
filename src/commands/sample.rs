//! `pricebench sample`: writes the sample dataset with planted ground truth.

use crate::cli::{SampleArgs, WorldArg};
use crate::sample::{SampleOptions, SampleWorld, existing_files, generate};
use anyhow::Result;
use std::io::Write;

/// Writes the sample dataset into `args.out` and prints a one-line summary; files of the same
/// names already there are an error unless `--force`.
pub fn run(args: &SampleArgs, out: &mut impl Write) -> Result<()> {
    let existing = existing_files(&args.out);
    if !existing.is_empty() && !args.force {
        anyhow::bail!(
            "'{}' already holds {}; pass --force to overwrite them, or choose another --out",
            args.out.display(),
            existing.join(", ")
        );
    }
    let opts = SampleOptions {
        rows: args.rows,
        seed: args.seed,
        world: match args.world {
            WorldArg::Realistic => SampleWorld::Realistic,
            WorldArg::Simple => SampleWorld::Simple,
        },
    };
    let s = generate(&opts, &args.out)?;
    writeln!(
        out,
        "wrote {} files to '{}': {} segments, {} customers, {} products, {} transactions \
         ({} returns), {} quotes, {} survey respondents ({} inconsistent), {} competitor prices, \
         truth.json with {} cells",
        crate::sample::FILES.len(),
        args.out.display(),
        s.segments,
        s.customers,
        s.products,
        s.transactions,
        s.returns,
        s.quotes,
        s.respondents,
        s.inconsistent_respondents,
        s.competitor_prices,
        s.truth.cells.len()
    )?;
    Ok(())
}
