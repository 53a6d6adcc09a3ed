//! Import of CSV exports into the workspace.
