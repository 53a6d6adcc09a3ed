//! `pricebench import`: load CSV exports (files or directories) into the workspace, all or nothing.

use crate::cli::{ImportArgs, KindArg};
use crate::report::{escape_for_terminal, escape_lines_for_terminal};
use crate::store::import::flat::MasterIds;
use crate::store::import::mapping::Mapping;
use crate::store::import::{
    DryRun, FileKind, FileReport, ImportError, ImportOptions, Problems, Progress, Source, import,
    mapped,
};
use crate::store::{NewWorkspace, StoreError, Workspace};
use anyhow::{Context, Result, bail};
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};

mod aggregates;

/// Imports the files named in `args` into the workspace at `db`: what was imported goes to
/// `out`, problems to stderr.
pub fn run(args: &ImportArgs, db: &Path, out: &mut impl Write) -> Result<()> {
    if args.aggregates {
        return aggregates::run(args, db, out);
    }
    let stderr = &mut std::io::stderr();
    let mapping = match &args.map {
        Some(path) => Some(Mapping::load(path).map_err(|e| anyhow::anyhow!("{e}"))?),
        None => None,
    };
    let kind = args.kind.map(file_kind);
    if kind.is_some()
        && let Some(dir) = args.paths.iter().find(|p| p.is_dir())
    {
        bail!(
            "--kind applies to files; '{}' is a directory",
            escape_for_terminal(&dir.display().to_string())
        );
    }
    let how = How {
        mapping: mapping.as_ref(),
        kind,
        currency: args.currency.clone(),
    };
    let (files, skipped) = expand(&args.paths, &how)?;
    let mut dry = args.dry_run.then(DryRun::default);
    for s in &skipped {
        writeln!(
            stderr,
            "skipped {} (not a pricebench input file)",
            escape_for_terminal(&s.display().to_string())
        )?;
    }
    if files.is_empty() {
        bail!("no input files found in {}", show_paths(&args.paths));
    }
    let mut outcome = import_once(&files, &how, db, args.replace, dry.as_mut())?;
    if let Err(ImportError::Store(StoreError::CreatedMeanwhile(_))) = outcome {
        // Another import made the workspace while this one built its own: this import
        // goes into that one now, as if the two had run one after the other.
        writeln!(
            stderr,
            "'{}' was created by another import meanwhile; importing into it",
            escape_for_terminal(&db.display().to_string())
        )?;
        outcome = import_once(&files, &how, db, args.replace, dry.as_mut())?;
    }
    match outcome {
        Ok(reports) if dry.is_some() => {
            let summary = dry.unwrap_or_default();
            write_dry_run(out, &reports, &summary, &how, db)
        }
        Ok(reports) => {
            for r in &reports {
                writeln!(
                    out,
                    "{}: {} rows into {} ({:.1} s)",
                    escape_for_terminal(&r.file),
                    r.rows,
                    r.kind.name(),
                    r.seconds
                )?;
            }
            writeln!(
                out,
                "imported into {}",
                escape_for_terminal(&db.display().to_string())
            )?;
            Ok(())
        }
        Err(e) => failed(stderr, db, e),
    }
}

/// Opens the files and imports them: into the workspace at `db` if there is one, else into
/// a new one built beside it and moved into place when complete. A file that cannot be
/// opened is an error before anything is touched.
fn import_once(
    files: &[PathBuf],
    how: &How,
    db: &Path,
    replace: bool,
    mut dry: Option<&mut DryRun>,
) -> Result<Result<Vec<FileReport>, ImportError>> {
    let mut problems = Problems::default();
    let mut mapping_errors = Vec::new();
    let mut sources = Vec::new();
    let existing = match how.mapping.is_some_and(|m| m.files.iter().any(|f| f.flat)) {
        true => MasterIds::read(db).context("cannot read the workspace's ids")?,
        false => MasterIds::default(),
    };
    for f in files {
        match how.open(f, &existing) {
            Ok(s) => sources.extend(s),
            Err(mapped::OpenError::File(p)) => problems.push(p),
            Err(mapped::OpenError::Files(list)) => list.into_iter().for_each(|p| problems.push(p)),
            Err(mapped::OpenError::Mapping(e)) => mapping_errors.push(e.to_string()),
        }
    }
    if !problems.is_empty() || !mapping_errors.is_empty() {
        let mut text = mapping_errors.join("\n");
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(&problems.to_string());
        write!(std::io::stderr(), "{}", escape_lines_for_terminal(&text))?;
        bail!(
            "import failed: {} problem(s); the workspace is unchanged",
            problems.len() + mapping_errors.len()
        );
    }
    let waiting = super::waiting_notice(db);
    if db.exists() {
        return Ok(Workspace::open_waiting(db, waiting)
            .map_err(ImportError::from)
            .and_then(|mut ws| import_into(&mut ws, sources, replace, dry, how)));
    }
    let (new, mut ws) = match NewWorkspace::create(db, waiting) {
        Ok(created) => created,
        Err(e) => return Ok(Err(e.into())),
    };
    let is_dry = dry.is_some();
    let reports = match import_into(&mut ws, sources, replace, dry.take(), how) {
        Ok(reports) => reports,
        Err(e) => return Ok(Err(e)),
    };
    if is_dry {
        // The new workspace is dropped, never moved into place.
        return Ok(Ok(reports));
    }
    Ok(new.persist(ws).map(|()| reports).map_err(ImportError::from))
}

fn import_into(
    ws: &mut Workspace,
    sources: Vec<Source>,
    replace: bool,
    dry_run: Option<&mut DryRun>,
    how: &How,
) -> Result<Vec<FileReport>, ImportError> {
    let mut show = progress_printer();
    let progress = show.as_mut().map(|f| f as &mut dyn FnMut(&Progress));
    let opts = ImportOptions {
        replace,
        progress,
        dry_run,
        currency: how.currency.clone(),
    };
    let result = import(ws, sources, opts);
    if show.is_some() {
        eprint!("\r\x1b[2K");
    }
    result
}

/// What a dry run found: rows per file and table, the dates they cover, the elements, and
/// the currency symbols the mapping strips.
fn write_dry_run(
    out: &mut impl Write,
    reports: &[FileReport],
    summary: &DryRun,
    how: &How,
    db: &Path,
) -> Result<()> {
    for r in reports {
        let file = escape_for_terminal(&r.file);
        writeln!(out, "{file}: {} rows for {}", r.rows, r.kind.name())?;
    }
    let db = db.display().to_string();
    let db = escape_for_terminal(&db);
    writeln!(
        out,
        "dry run: everything checked, nothing written to {db}; it would add"
    )?;
    for (table, rows, range) in &summary.tables {
        match range {
            Some((first, last)) => writeln!(out, "  {table}: {rows} rows, {first} to {last}")?,
            None => writeln!(out, "  {table}: {rows} rows")?,
        }
    }
    let elements: Vec<String> = summary
        .elements
        .iter()
        .map(|(name, on, new)| {
            let side = if *on { "on-invoice" } else { "off-invoice" };
            let new = if *new { ", new" } else { "" };
            format!("{} ({side}{new})", escape_for_terminal(name))
        })
        .collect();
    match elements.is_empty() {
        true => writeln!(out, "  elements: none")?,
        false => writeln!(out, "  elements: {}", elements.join(", "))?,
    }
    let mut currencies = Vec::new();
    for r in reports {
        let name = Path::new(&r.file)
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(c) = how
            .mapping
            .and_then(|m| m.find(&name))
            .and_then(|e| e.number.currency.as_ref())
        {
            currencies.push(format!(
                "'{}' in {}",
                escape_for_terminal(c),
                escape_for_terminal(&name)
            ));
        }
    }
    match currencies.is_empty() {
        true => writeln!(
            out,
            "  currencies: none named (amounts are taken as they are)"
        )?,
        false => writeln!(
            out,
            "  currencies: {} (stripped; amounts are not converted)",
            currencies.join(", ")
        )?,
    }
    write_reporting(out, summary)
}

/// The reporting currency after the import and the rows each currency had, when there is one.
fn write_reporting(out: &mut impl Write, summary: &DryRun) -> Result<()> {
    let Some((code, new)) = &summary.reporting else {
        return Ok(());
    };
    let set = if *new { " (set by this import)" } else { "" };
    let rows: Vec<String> = summary
        .currencies
        .iter()
        .map(|(c, n)| format!("{c} {n}"))
        .collect();
    let rows = match rows.is_empty() {
        true => String::new(),
        false => format!(
            "; rows by currency: {} (converted at the rates of fx.csv)",
            rows.join(", ")
        ),
    };
    writeln!(out, "  reporting currency: {code}{set}{rows}")?;
    Ok(())
}

/// Progress on stderr when it is a terminal: rows and MB/s.
fn progress_printer() -> Option<impl FnMut(&Progress)> {
    std::io::stderr().is_terminal().then_some(|p: &Progress| {
        let mb_s = p.bytes as f64 / 1e6 / p.elapsed.as_secs_f64().max(1e-9);
        let file = escape_for_terminal(&p.file);
        eprint!("\r{file}: {} rows, {:.1} MB/s", p.rows, mb_s);
    })
}

/// How files are read: through a mapping, as a given kind, or by their names.
struct How<'a> {
    mapping: Option<&'a Mapping>,
    kind: Option<FileKind>,
    /// `--currency`: the reporting currency of a workspace that has none yet.
    currency: Option<String>,
}

impl How<'_> {
    /// Whether a file found in a directory is an input: its name matches a mapping entry or
    /// is a pricebench file name.
    fn takes(&self, name: &str) -> bool {
        self.mapping.is_some_and(|m| m.find(name).is_some())
            || FileKind::from_file_name(name).is_some()
    }

    /// Opens a file: through the first mapping entry its name matches, else in the canonical
    /// format (by `--kind` or by its name).
    fn open(&self, path: &Path, existing: &MasterIds) -> Result<Vec<Source>, mapped::OpenError> {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        if let Some(m) = self.mapping {
            if let Some(entry) = m.find(&name) {
                return mapped::open(path, m, entry, existing);
            }
            if FileKind::from_file_name(&name).is_none() {
                return Err(mapped::OpenError::File(crate::store::import::Problem {
                    file: path.display().to_string(),
                    line: 0,
                    column: None,
                    message: format!(
                        "matches no [[file]] of {} and its name is not a pricebench file name; add an entry with match = \"{name}\"",
                        m.origin
                    ),
                }));
            }
        }
        if crate::store::import::xlsx::is_workbook(path) {
            return Err(mapped::OpenError::File(crate::store::import::Problem {
                file: path.display().to_string(),
                line: 0,
                column: None,
                message: format!(
                    "is an Excel workbook, which is read through a mapping: `pricebench map suggest {name} > map.toml`, then `pricebench import --map map.toml {name}`"
                ),
            }));
        }
        Source::open_as(path, self.kind)
            .map(|s| vec![s])
            .map_err(mapped::OpenError::File)
    }
}

fn file_kind(k: KindArg) -> FileKind {
    match k {
        KindArg::Fx => FileKind::Fx,
        KindArg::Segments => FileKind::Segments,
        KindArg::Customers => FileKind::Customers,
        KindArg::Products => FileKind::Products,
        KindArg::Transactions => FileKind::Transactions,
        KindArg::Quotes => FileKind::Quotes,
        KindArg::Survey => FileKind::Survey,
        KindArg::Competitors => FileKind::Competitors,
    }
}

/// Files named directly, plus recognised files inside directories (others are skipped).
fn expand(paths: &[PathBuf], how: &How) -> Result<(Vec<PathBuf>, Vec<PathBuf>)> {
    let (mut files, mut skipped) = (Vec::new(), Vec::new());
    for path in paths {
        if !path.is_dir() {
            files.push(path.clone());
            continue;
        }
        let mut entries: Vec<PathBuf> = std::fs::read_dir(path)
            .map_err(|e| anyhow::anyhow!("cannot read directory '{}': {e}", path.display()))?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.is_file())
            .collect();
        entries.sort();
        for entry in entries {
            let name = entry
                .file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default();
            if how.takes(&name) {
                files.push(entry);
            } else {
                skipped.push(entry);
            }
        }
    }
    Ok((files, skipped))
}

fn show_paths(paths: &[PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("'{}'", p.display()))
        .collect::<Vec<_>>()
        .join(", ")
}

/// What a failed import says: its problems on stderr and that the workspace is unchanged, or
/// the store's error and whether the workspace is unchanged or was never created.
fn failed(stderr: &mut impl Write, db: &Path, err: ImportError) -> Result<()> {
    match err {
        ImportError::Problems(problems) => {
            write!(
                stderr,
                "{}",
                escape_lines_for_terminal(&problems.to_string())
            )?;
            bail!(
                "import failed: {} problem(s); the workspace is unchanged",
                problems.len()
            )
        }
        ImportError::Store(e) => {
            let what = match db.exists() {
                true => "import failed; the workspace is unchanged",
                false => "import failed; no workspace was created",
            };
            Err(anyhow::Error::new(e).context(what))
        }
    }
}
