//! `pricebench import`.

use crate::cli::ImportArgs;
use anyhow::Result;
use std::path::Path;

/// Imports the files named in `args` into the workspace at `db`, all or nothing.
pub fn run(_args: &ImportArgs, _db: &Path) -> Result<()> {
    anyhow::bail!("import: being built")
}
