//! `pricebench import --aggregates DIR`: a workspace of sums computed in a warehouse by
//! `sql/aggregates.sql` (agg_week.csv, agg_customer_month.csv, agg_list_day.csv) with the master
//! files beside them, and no transaction lines.

use super::failed;
use crate::cli::ImportArgs;
use crate::report::{escape_for_terminal, escape_lines_for_terminal};
use crate::store::import::aggregates_in::{
    AggregateOptions, Loaded, SumKind, SumSource, import_aggregates,
};
use crate::store::import::{FileKind, ImportError, Problems, Progress, Source};
use crate::store::{NewWorkspace, StoreError, Workspace};
use anyhow::{Result, bail};
use std::io::Write;
use std::path::{Path, PathBuf};

/// What the paths hold: master files, files of sums (a directory of part files counts as its
/// files), and files skipped.
#[derive(Default)]
struct Found {
    masters: Vec<PathBuf>,
    sums: Vec<(PathBuf, SumKind)>,
    skipped: Vec<PathBuf>,
}

/// Imports the files of sums and master files named in `args` into the workspace at `db`.
pub fn run(args: &ImportArgs, db: &Path, out: &mut impl Write) -> Result<()> {
    let stderr = &mut std::io::stderr();
    let found = expand(&args.paths)?;
    for s in &found.skipped {
        writeln!(
            stderr,
            "skipped {} (not a pricebench input file)",
            escape_for_terminal(&s.display().to_string())
        )?;
    }
    if found.masters.is_empty() && found.sums.is_empty() {
        bail!("no input files found in {}", super::show_paths(&args.paths));
    }
    let mut outcome = import_once(&found, db, args)?;
    if let Err(ImportError::Store(StoreError::CreatedMeanwhile(_))) = outcome {
        writeln!(
            stderr,
            "'{}' was created by another import meanwhile; importing into it",
            escape_for_terminal(&db.display().to_string())
        )?;
        outcome = import_once(&found, db, args)?;
    }
    let shown = escape_for_terminal(&db.display().to_string()).into_owned();
    match outcome {
        Ok(loaded) => {
            let verb = if args.dry_run { "would go" } else { "rows" };
            for l in &loaded {
                let file = escape_for_terminal(&l.file);
                match args.dry_run {
                    true => writeln!(out, "{file}: {} rows for {}", l.rows, l.table)?,
                    false => writeln!(
                        out,
                        "{file}: {} {verb} into {} ({:.1} s)",
                        l.rows, l.table, l.seconds
                    )?,
                }
            }
            match args.dry_run {
                true => writeln!(
                    out,
                    "dry run: everything checked, nothing written to {shown}"
                )?,
                false => writeln!(
                    out,
                    "imported into {shown} (aggregates only: no transaction lines; the views that need lines say so)"
                )?,
            }
            Ok(())
        }
        Err(e) => failed(stderr, db, e),
    }
}

/// The files of the paths: a file by its name, a directory by the names of its files, and
/// a directory named after a file of sums (`agg_week/`, `agg_week.csv/`: what Spark writes)
/// by the `.csv` files inside it, as parts of that file.
fn expand(paths: &[PathBuf]) -> Result<Found> {
    let mut found = Found::default();
    for path in paths {
        if path.is_dir() {
            if let Some(kind) = dir_kind(path) {
                found
                    .sums
                    .extend(parts(path)?.into_iter().map(|p| (p, kind)));
                continue;
            }
            for entry in entries(path)? {
                if entry.is_dir() {
                    if let Some(kind) = dir_kind(&entry) {
                        found
                            .sums
                            .extend(parts(&entry)?.into_iter().map(|p| (p, kind)));
                    }
                    continue;
                }
                take(&mut found, entry, true);
            }
        } else {
            take(&mut found, path.clone(), false);
        }
    }
    Ok(found)
}

/// Files one file by its name (a file named on the command line is always tried).
fn take(found: &mut Found, path: PathBuf, in_dir: bool) {
    let name = file_name(&path);
    if let Some(kind) = SumKind::from_file_name(&name) {
        found.sums.push((path, kind));
    } else if FileKind::from_file_name(&name).is_some() || !in_dir {
        found.masters.push(path);
    } else {
        found.skipped.push(path);
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn dir_kind(path: &Path) -> Option<SumKind> {
    SumKind::from_dir_name(&file_name(path))
}

/// A directory's entries, sorted.
fn entries(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| anyhow::anyhow!("cannot read directory '{}': {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// The `.csv` part files of a directory of one file's parts (others, such as `_SUCCESS` and
/// `.crc` checksums, are not data).
fn parts(dir: &Path) -> Result<Vec<PathBuf>> {
    let files: Vec<PathBuf> = entries(dir)?
        .into_iter()
        .filter(|p| p.is_file() && file_name(p).to_lowercase().ends_with(".csv"))
        .collect();
    if files.is_empty() {
        bail!(
            "'{}' holds no .csv part files",
            escape_for_terminal(&dir.display().to_string())
        );
    }
    Ok(files)
}

/// Opens the files and imports them, into the workspace at `db` or a new one.
fn import_once(
    found: &Found,
    db: &Path,
    args: &ImportArgs,
) -> Result<Result<Vec<Loaded>, ImportError>> {
    let mut problems = Problems::default();
    let mut masters = Vec::new();
    for path in &found.masters {
        match Source::open(path) {
            Ok(s) => masters.push(s),
            Err(p) => problems.push(p),
        }
    }
    let mut sums = Vec::new();
    for (path, kind) in &found.sums {
        match SumSource::open(path, *kind) {
            Ok(s) => sums.push(s),
            Err(p) => problems.push(p),
        }
    }
    if !problems.is_empty() {
        write!(
            std::io::stderr(),
            "{}",
            escape_lines_for_terminal(&problems.to_string())
        )?;
        bail!(
            "import failed: {} problem(s); the workspace is unchanged",
            problems.len()
        );
    }
    let waiting = crate::commands::waiting_notice(db);
    if db.exists() {
        return Ok(Workspace::open_waiting(db, waiting)
            .map_err(ImportError::from)
            .and_then(|mut ws| load(&mut ws, masters, sums, args)));
    }
    let (new, mut ws) = match NewWorkspace::create(db, waiting) {
        Ok(created) => created,
        Err(e) => return Ok(Err(e.into())),
    };
    let loaded = match load(&mut ws, masters, sums, args) {
        Ok(loaded) => loaded,
        Err(e) => return Ok(Err(e)),
    };
    if args.dry_run {
        return Ok(Ok(loaded));
    }
    Ok(new.persist(ws).map(|()| loaded).map_err(ImportError::from))
}

fn load(
    ws: &mut Workspace,
    masters: Vec<Source>,
    sums: Vec<SumSource>,
    args: &ImportArgs,
) -> Result<Vec<Loaded>, ImportError> {
    let mut show = super::progress_printer();
    let progress = show.as_mut().map(|f| f as &mut dyn FnMut(&Progress));
    let result = import_aggregates(
        ws,
        masters,
        sums,
        AggregateOptions {
            replace: args.replace,
            dry_run: args.dry_run,
            progress,
            currency: args.currency.as_deref(),
        },
    );
    if show.is_some() {
        eprint!("\r\x1b[2K");
    }
    result
}
