//! The SQLite workspace: opening and migrating it, importing CSV exports, typed queries.

pub mod competitors;
pub mod customer_months;
pub mod demand;
mod elements;
pub mod guidance;
pub mod import;
pub mod increase;
pub mod line_blocks;
pub mod list_days;
pub mod panel;
pub mod query;
pub mod ranged;
pub mod realization;
pub mod scenario;
pub mod schema;
pub mod sums_only;
pub mod units;
mod wait;
pub mod watch;

pub use elements::elements;
pub(crate) use elements::read_elements;
pub use wait::Waiting;

use rusqlite::{Connection, OpenFlags};
use std::collections::HashMap;
use std::path::{Path, PathBuf};

/// Where a workspace's data came from, shown in the TUI's title bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A workspace file on disk.
    File(PathBuf),
    /// The bundled sample data, loaded into memory.
    Sample,
}

/// Errors of the store layer.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    // The SQLite error is shown in the message and not chained as a source: its own source
    // only repeats it with an error code.
    #[error("cannot open workspace '{path}': {reason}{}", hint(reason))]
    Open {
        path: String,
        reason: rusqlite::Error,
    },
    #[error("workspace '{path}': {reason}")]
    Schema {
        path: String,
        reason: schema::SchemaError,
    },
    #[error("the bundled sample does not import: {0}")]
    Sample(String),
    #[error("workspace '{0}' does not exist")]
    Missing(String),
    #[error("'{path}' cannot be a workspace: {reason}")]
    NotAFile { path: String, reason: &'static str },
    #[error("workspace '{0}' is read-only (no permission to write the file); nothing was changed")]
    ReadOnly(String),
    #[error(
        "cannot create workspace '{path}': {reason} (does the directory exist, and may pricebench write there?)"
    )]
    Create {
        path: String,
        reason: std::io::Error,
    },
    /// Another process created the workspace while this one was building it.
    #[error("workspace '{0}' was created by another process meanwhile")]
    CreatedMeanwhile(String),
    #[error(
        "{what} were computed but cannot be stored in the workspace: {reason}{}",
        hint(reason)
    )]
    Save {
        what: &'static str,
        reason: rusqlite::Error,
    },
    /// A value the workspace's schema allows but pricebench never writes (a hand edit).
    #[error(
        "table '{table}' column '{column}' holds '{value}', which pricebench does not know; was the workspace edited by hand? {fix}"
    )]
    BadValue {
        table: &'static str,
        column: &'static str,
        value: String,
        /// What to do about it.
        fix: &'static str,
    },
    /// A question that needs transaction lines, asked of a workspace made by
    /// `import --aggregates` (see [`sums_only`]).
    #[error("this workspace holds aggregates only (imported with --aggregates); {0}")]
    AggregatesOnly(String),
    #[error("{}{}", .0, hint(.0))]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sql(e)
    }
}

/// What to check when SQLite cannot write or read the file.
pub(crate) fn hint(e: &rusqlite::Error) -> &'static str {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(DiskFull) => " (is the disk full?)",
        Some(SystemIoFailure) => {
            " (the operating system could not read or write the file: check the disk and that no other program writes to it)"
        }
        Some(ReadOnly) => " (the workspace file or its directory is read-only)",
        Some(PermissionDenied | CannotOpen) => {
            " (does the directory exist, and may pricebench write there?)"
        }
        Some(DatabaseBusy | DatabaseLocked) => {
            " (another process held the workspace for longer than PRICEBENCH_LOCK_TIMEOUT allows; try again when it is done)"
        }
        Some(NotADatabase) => " (the file is not a pricebench workspace)",
        None if matches!(e, rusqlite::Error::InvalidColumnType(..)) => {
            " (a value of the wrong type in the workspace: was it edited by hand?)"
        }
        Some(DatabaseCorrupt) => {
            " (the workspace file is damaged: restore it from a copy, or import the data again into a new one)"
        }
        _ => "",
    }
}

/// Refuses paths that SQLite would take for something other than a workspace file: an
/// in-memory database (whose data would vanish on exit) or a device, FIFO or directory.
fn check_path(path: &Path) -> Result<(), StoreError> {
    let shown = path.display().to_string();
    let refuse = |reason| {
        Err(StoreError::NotAFile {
            path: shown.clone(),
            reason,
        })
    };
    let text = path.as_os_str();
    if text.is_empty() {
        return refuse("the path is empty");
    }
    if text == ":memory:" {
        return refuse(
            "that is an in-memory database, gone when pricebench exits; pass a file path",
        );
    }
    match std::fs::metadata(path) {
        Ok(m) if m.is_dir() => {
            refuse("it is a directory; pass a file path such as DIR/pricebench.db")
        }
        Ok(m) if !m.is_file() => refuse("it is not a regular file (a device, FIFO or socket)"),
        _ => Ok(()),
    }
}

/// An open workspace: one SQLite file (or an in-memory database for the sample).
pub struct Workspace {
    pub(crate) conn: Connection,
    origin: Origin,
    waiting: Waiting,
}

impl Workspace {
    /// Opens the workspace at `path`, creating it if missing, and migrates it to the current schema.
    pub fn open(path: &Path) -> Result<Workspace, StoreError> {
        Workspace::open_waiting(path, Waiting::default())
    }

    /// [`Workspace::open`], waiting for other processes as `waiting` says (from the first
    /// read on: opening reads the schema version).
    pub fn open_waiting(path: &Path, waiting: Waiting) -> Result<Workspace, StoreError> {
        Workspace::open_as(path, Origin::File(path.to_path_buf()), waiting)
    }

    fn open_as(path: &Path, origin: Origin, waiting: Waiting) -> Result<Workspace, StoreError> {
        check_path(path)?;
        let shown = path.display().to_string();
        // No URI flag: `file:...` is a file name like any other, never an in-memory database.
        let flags = OpenFlags::SQLITE_OPEN_READ_WRITE
            | OpenFlags::SQLITE_OPEN_CREATE
            | OpenFlags::SQLITE_OPEN_NO_MUTEX;
        let conn = Connection::open_with_flags(path, flags).map_err(|reason| StoreError::Open {
            path: shown.clone(),
            reason,
        })?;
        Workspace::setup(conn, origin, &shown, waiting)
    }

    /// Opens an existing workspace; a missing file is an error rather than a new workspace.
    pub fn open_existing(path: &Path) -> Result<Workspace, StoreError> {
        Workspace::open_existing_waiting(path, Waiting::default())
    }

    /// [`Workspace::open_existing`], waiting for other processes as `waiting` says.
    pub fn open_existing_waiting(path: &Path, waiting: Waiting) -> Result<Workspace, StoreError> {
        check_path(path)?;
        if !path.exists() {
            return Err(StoreError::Missing(path.display().to_string()));
        }
        Workspace::open_waiting(path, waiting)
    }

    /// An empty in-memory workspace.
    pub fn in_memory(origin: Origin) -> Result<Workspace, StoreError> {
        Workspace::setup(
            Connection::open_in_memory()?,
            origin,
            ":memory:",
            Waiting::default(),
        )
    }

    fn setup(
        mut conn: Connection,
        origin: Origin,
        shown: &str,
        waiting: Waiting,
    ) -> Result<Workspace, StoreError> {
        let schema_err = |reason| StoreError::Schema {
            path: shown.to_string(),
            reason,
        };
        conn.busy_handler(Some(waiting.handler()))
            .map_err(|e| schema_err(e.into()))?;
        conn.pragma_update(None, "foreign_keys", "OFF")
            .map_err(|e| schema_err(e.into()))?;
        schema::migrate(&mut conn).map_err(schema_err)?;
        schema::check_ids(&conn).map_err(schema_err)?;
        Ok(Workspace {
            conn,
            origin,
            waiting,
        })
    }

    /// How this workspace waits for another process: set a notice, cancel a wait.
    pub fn waiting(&self) -> &Waiting {
        &self.waiting
    }

    /// An error unless the workspace can be written (checked before an import starts, so
    /// that a read-only file is one clear message rather than one per row).
    pub fn check_writable(&self) -> Result<(), StoreError> {
        let read_only = self.conn.is_readonly(rusqlite::MAIN_DB)?;
        match (read_only, &self.origin) {
            (true, Origin::File(path)) => Err(StoreError::ReadOnly(path.display().to_string())),
            (true, Origin::Sample) => Err(StoreError::ReadOnly("sample".into())),
            (false, _) => Ok(()),
        }
    }

    /// Where this workspace's data came from.
    pub fn origin(&self) -> &Origin {
        &self.origin
    }

    /// The underlying connection, for queries in this crate and in tests.
    pub fn conn(&self) -> &Connection {
        &self.conn
    }
}

/// A workspace being created: built under a temporary name beside its path and moved into
/// place only when complete, so that no other process ever sees a half-made workspace, a
/// failed or killed first import leaves no workspace behind, and of two processes creating
/// the same workspace at once neither can remove or overwrite the other's.
pub struct NewWorkspace {
    temp: tempfile::TempPath,
    path: PathBuf,
}

impl NewWorkspace {
    /// Creates an empty workspace that becomes `path` on [`NewWorkspace::persist`].
    pub fn create(path: &Path, waiting: Waiting) -> Result<(NewWorkspace, Workspace), StoreError> {
        check_path(path)?;
        // The operating system's reason, without the temporary name tempfile adds to it.
        let create_err = |e: std::io::Error| StoreError::Create {
            path: path.display().to_string(),
            reason: e
                .raw_os_error()
                .map_or(e, std::io::Error::from_raw_os_error),
        };
        let dir = path
            .parent()
            .filter(|d| !d.as_os_str().is_empty())
            .unwrap_or(Path::new("."));
        let name = path
            .file_name()
            .map_or("pricebench.db".into(), |n| n.to_string_lossy().into_owned());
        let prefix = format!(".{name}.");
        let mut builder = tempfile::Builder::new();
        builder.prefix(&prefix).suffix(".new");
        #[cfg(unix)]
        builder.permissions(std::os::unix::fs::PermissionsExt::from_mode(0o666));
        let temp = builder
            .tempfile_in(dir)
            .map_err(create_err)?
            .into_temp_path();
        let ws = Workspace::open_as(&temp, Origin::File(path.to_path_buf()), waiting)?;
        let new = NewWorkspace {
            temp,
            path: path.to_path_buf(),
        };
        Ok((new, ws))
    }

    /// Closes `ws` and moves it into place, unless a file appeared at the path meanwhile
    /// ([`StoreError::CreatedMeanwhile`]; the new workspace is then removed).
    pub fn persist(self, ws: Workspace) -> Result<(), StoreError> {
        let shown = self.path.display().to_string();
        ws.conn.close().map_err(|(_, e)| StoreError::Sql(e))?;
        match self.temp.persist_noclobber(&self.path) {
            Ok(()) => {}
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => {
                return Err(StoreError::CreatedMeanwhile(shown));
            }
            Err(e) => {
                return Err(StoreError::Create {
                    path: shown,
                    reason: e.error,
                });
            }
        }
        sync_dir(&self.path);
        Ok(())
    }
}

/// Makes a new directory entry durable (best effort: not every file system can sync a
/// directory, and the workspace itself is already on disk).
fn sync_dir(path: &Path) {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
        && let Ok(d) = std::fs::File::open(dir)
    {
        let _ = d.sync_all();
    }
}

/// Rows of a scan grouped by (segment, product) in memory, for reads that would otherwise walk
/// an index row by row or sort the whole scan: a pair's ids are copied once, when it is first
/// seen, and the groups come back in (segment, product) order.
pub(crate) struct CellGroups<T> {
    groups: Vec<(String, String, T)>,
    at: HashMap<String, HashMap<String, usize>>,
}

impl<T: Default> CellGroups<T> {
    pub(crate) fn new() -> Self {
        CellGroups {
            groups: Vec::new(),
            at: HashMap::new(),
        }
    }

    /// The group of (`segment`, `product`), empty when first seen.
    pub(crate) fn get(&mut self, segment: &str, product: &str) -> &mut T {
        let i = match self.at.get(segment).and_then(|p| p.get(product)) {
            Some(&i) => i,
            None => {
                let i = self.groups.len();
                self.groups
                    .push((segment.to_string(), product.to_string(), T::default()));
                self.at
                    .entry(segment.to_string())
                    .or_default()
                    .insert(product.to_string(), i);
                i
            }
        };
        &mut self.groups[i].2
    }

    /// (segment, product, group), in id order.
    pub(crate) fn into_sorted(mut self) -> Vec<(String, String, T)> {
        self.groups.sort_by(|a, b| (&a.0, &a.1).cmp(&(&b.0, &b.1)));
        self.groups
    }
}

/// The bundled sample (`testdata/sample`, made by `pricebench sample --rows 40000 --seed 42`),
/// embedded in the binary.
const SAMPLE_FILES: [(&str, import::FileKind, &[u8]); 7] = [
    (
        "segments.csv",
        import::FileKind::Segments,
        include_bytes!("../../testdata/sample/segments.csv"),
    ),
    (
        "customers.csv",
        import::FileKind::Customers,
        include_bytes!("../../testdata/sample/customers.csv"),
    ),
    (
        "products.csv",
        import::FileKind::Products,
        include_bytes!("../../testdata/sample/products.csv"),
    ),
    (
        "transactions.csv",
        import::FileKind::Transactions,
        include_bytes!("../../testdata/sample/transactions.csv"),
    ),
    (
        "quotes.csv",
        import::FileKind::Quotes,
        include_bytes!("../../testdata/sample/quotes.csv"),
    ),
    (
        "survey.csv",
        import::FileKind::Survey,
        include_bytes!("../../testdata/sample/survey.csv"),
    ),
    (
        "competitors.csv",
        import::FileKind::Competitors,
        include_bytes!("../../testdata/sample/competitors.csv"),
    ),
];

/// An in-memory workspace holding the bundled sample data, labelled [`Origin::Sample`].
pub fn bundled_sample() -> Result<Workspace, StoreError> {
    let mut ws = Workspace::in_memory(Origin::Sample)?;
    let sources = SAMPLE_FILES
        .iter()
        .map(|&(name, kind, bytes)| import::Source::from_bytes(name, kind, bytes))
        .collect();
    match import::import(&mut ws, sources, import::ImportOptions::default()) {
        Ok(_) => Ok(ws),
        Err(import::ImportError::Store(e)) => Err(e),
        Err(import::ImportError::Problems(p)) => Err(StoreError::Sample(p.to_string())),
    }
}
