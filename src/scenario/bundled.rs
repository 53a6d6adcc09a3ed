//! The scenario files shipped inside the binary, so that the Scenarios view (and `pricebench
//! scenario`) has them wherever it runs. They are named `bundled:<file>`; saving one writes a
//! copy under `scenarios/`.

use std::path::{Path, PathBuf};

/// How a bundled scenario's path starts.
pub const PREFIX: &str = "bundled:";

/// The shipped files: name and text.
const FILES: &[(&str, &str)] = &[
    (
        "discount-cleanup.toml",
        include_str!("../../scenarios/discount-cleanup.toml"),
    ),
    (
        "list-increase.toml",
        include_str!("../../scenarios/list-increase.toml"),
    ),
    (
        "value-based.toml",
        include_str!("../../scenarios/value-based.toml"),
    ),
];

/// The bundled file's name when `path` names one (`bundled:list-increase.toml`).
pub fn name(path: &Path) -> Option<&str> {
    let name = path.to_str()?.strip_prefix(PREFIX)?;
    FILES.iter().map(|(n, _)| *n).find(|n| *n == name)
}

/// The text of the bundled file `path` names.
pub fn text(path: &Path) -> Option<&'static str> {
    let name = name(path)?;
    FILES.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// Every bundled scenario's path, in name order.
pub fn paths() -> Vec<PathBuf> {
    FILES
        .iter()
        .map(|(n, _)| PathBuf::from(format!("{PREFIX}{n}")))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bundled_paths_name_their_embedded_text() {
        let paths = paths();
        assert_eq!(paths.len(), 3);
        assert_eq!(name(&paths[1]), Some("list-increase.toml"));
        let shipped = std::fs::read_to_string("scenarios/list-increase.toml").unwrap_or_default();
        assert_eq!(text(&paths[1]), Some(shipped.as_str()));
        assert_eq!(name(Path::new("bundled:nope.toml")), None);
        assert_eq!(name(Path::new("scenarios/list-increase.toml")), None);
    }
}
