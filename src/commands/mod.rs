//! Headless commands: one file each, `run(args, &Workspace, out)`.

pub mod import;
pub mod info;
pub mod sample;

use crate::store::Workspace;
use anyhow::{Context, Result};
use std::path::Path;

/// Opens an existing workspace for a read-only command; a missing file is an error naming it.
pub fn open_workspace(path: &Path) -> Result<Workspace> {
    Workspace::open_existing(path)
        .with_context(|| "run 'pricebench import --db PATH DIR' first, or pass --db".to_string())
}
