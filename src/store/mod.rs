//! The SQLite workspace: opening and migrating it, importing CSV exports, typed queries.

pub mod demand;
pub mod import;
pub mod query;
pub mod realization;
pub mod scenario;
pub mod schema;

use rusqlite::Connection;
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
    #[error("{}{}", .0, hint(.0))]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        StoreError::Sql(e)
    }
}

/// What to check when SQLite cannot write or read the file.
fn hint(e: &rusqlite::Error) -> &'static str {
    use rusqlite::ErrorCode::*;
    match e.sqlite_error_code() {
        Some(DiskFull | SystemIoFailure) => " (is the disk full?)",
        Some(ReadOnly | PermissionDenied | CannotOpen) => {
            " (does the directory exist, and may pricebench write there?)"
        }
        Some(DatabaseBusy | DatabaseLocked) => {
            " (another process is writing to the workspace; try again when it is done)"
        }
        _ => "",
    }
}

/// An open workspace: one SQLite file (or an in-memory database for the sample).
pub struct Workspace {
    pub(crate) conn: Connection,
    origin: Origin,
}

impl Workspace {
    /// Opens the workspace at `path`, creating it if missing, and migrates it to the current schema.
    pub fn open(path: &Path) -> Result<Workspace, StoreError> {
        let shown = path.display().to_string();
        let conn = Connection::open(path).map_err(|reason| StoreError::Open {
            path: shown.clone(),
            reason,
        })?;
        Workspace::setup(conn, Origin::File(path.to_path_buf()), &shown)
    }

    /// Opens an existing workspace; a missing file is an error rather than a new workspace.
    pub fn open_existing(path: &Path) -> Result<Workspace, StoreError> {
        if !path.exists() {
            return Err(StoreError::Missing(path.display().to_string()));
        }
        Workspace::open(path)
    }

    /// An empty in-memory workspace.
    pub fn in_memory(origin: Origin) -> Result<Workspace, StoreError> {
        Workspace::setup(Connection::open_in_memory()?, origin, ":memory:")
    }

    fn setup(mut conn: Connection, origin: Origin, shown: &str) -> Result<Workspace, StoreError> {
        let schema_err = |reason| StoreError::Schema {
            path: shown.to_string(),
            reason,
        };
        conn.busy_timeout(std::time::Duration::from_secs(5))
            .map_err(|e| schema_err(e.into()))?;
        conn.pragma_update(None, "foreign_keys", "OFF")
            .map_err(|e| schema_err(e.into()))?;
        schema::migrate(&mut conn).map_err(schema_err)?;
        Ok(Workspace { conn, origin })
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
const SAMPLE_FILES: [(&str, import::FileKind, &[u8]); 6] = [
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
