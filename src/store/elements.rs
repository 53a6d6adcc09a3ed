//! The waterfall elements: the one read of the `elements` table, for every caller (the
//! Overview, realization, the scenario catalog and baseline, the import's catalog and the
//! schema's migrations).

use super::{StoreError, Workspace};
use crate::realization::sums::{Element, ElementKind};
use rusqlite::Connection;

/// The workspace's waterfall elements in their position order (the order the data first
/// showed them).
pub fn elements(ws: &Workspace) -> Result<Vec<Element>, StoreError> {
    Ok(read_elements(ws.conn())?)
}

/// [`elements`] on a bare connection, for the import (inside its transaction) and the
/// migrations.
pub(crate) fn read_elements(conn: &Connection) -> rusqlite::Result<Vec<Element>> {
    let mut stmt = conn.prepare("SELECT name, kind FROM elements ORDER BY position")?;
    let rows = stmt.query_map([], |r| {
        let name: String = r.get(0)?;
        let kind: String = r.get(1)?;
        Ok(Element {
            column: name.clone(),
            kind: match kind.as_str() {
                "on" => ElementKind::OnInvoice,
                _ => ElementKind::OffInvoice,
            },
            name,
        })
    })?;
    rows.collect()
}
