//! Typed queries over the workspace.
