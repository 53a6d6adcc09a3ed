//! `pricebench info`.

use crate::cli::Format;
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;

/// Prints the Overview's numbers.
pub fn run(_format: Format, _ws: &Workspace, _out: &mut impl Write) -> Result<()> {
    anyhow::bail!("info: being built")
}
