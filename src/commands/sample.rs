//! `pricebench sample`.

use crate::cli::SampleArgs;
use anyhow::Result;
use std::io::Write;

/// Writes the sample dataset into `args.out` and prints a one-line summary.
pub fn run(_args: &SampleArgs, _out: &mut impl Write) -> Result<()> {
    anyhow::bail!("sample: being built")
}
