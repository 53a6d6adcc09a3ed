//! `pricebench map suggest`: a commented import mapping for the user's own export files.

use crate::cli::{MapArgs, MapCommand};
use crate::store::import::suggest::suggest;
use anyhow::{Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// Writes the suggested mapping for the files (directories: their files) to `out`.
pub fn run(args: &MapArgs, out: &mut impl Write) -> Result<()> {
    let MapCommand::Suggest(s) = &args.command;
    let mut files: Vec<PathBuf> = Vec::new();
    for p in &s.paths {
        if p.is_dir() {
            let mut inside: Vec<PathBuf> = std::fs::read_dir(p)
                .map_err(|e| anyhow::anyhow!("cannot read directory '{}': {e}", p.display()))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|f| f.is_file())
                .collect();
            inside.sort();
            files.extend(inside);
        } else {
            files.push(p.clone());
        }
    }
    if files.is_empty() {
        bail!("no files to look at");
    }
    let paths: Vec<&Path> = files.iter().map(PathBuf::as_path).collect();
    let text = suggest(&paths).map_err(anyhow::Error::msg)?;
    out.write_all(text.as_bytes())?;
    Ok(())
}
