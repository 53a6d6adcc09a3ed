//! The arrows between layers point one way (STYLE.md, README "Development"): `tui` and
//! `commands` → `analysis` → `store`, `model`, `realization`, `scenario`. This test reads the
//! source and fails on a path that crosses a line the wrong way, naming file and line.

#![allow(clippy::unwrap_used)]
use std::fs;
use std::path::{Path, PathBuf};

/// Each layer (a directory or file under `src/`) and the paths its code must not name.
const RULES: &[(&str, &[&str])] = &[
    (
        "model",
        &[
            "crate::store",
            "crate::analysis",
            "crate::commands",
            "crate::tui",
            "crate::scenario",
            "crate::realization",
            "rusqlite",
            "ratatui",
            "crossterm",
        ],
    ),
    (
        "realization",
        &[
            "crate::store",
            "crate::analysis",
            "crate::commands",
            "crate::tui",
            "crate::scenario",
            "rusqlite",
            "ratatui",
            "crossterm",
        ],
    ),
    (
        "scenario",
        &[
            "crate::store",
            "crate::analysis",
            "crate::commands",
            "crate::tui",
            "rusqlite",
            "ratatui",
            "crossterm",
        ],
    ),
    (
        "store",
        &[
            "crate::analysis",
            "crate::commands",
            "crate::tui",
            "ratatui",
            "crossterm",
        ],
    ),
    (
        "analysis",
        &[
            "crate::commands",
            "crate::tui",
            "rusqlite",
            "ratatui",
            "crossterm",
        ],
    ),
    (
        "commands",
        &["crate::tui", "rusqlite", "ratatui", "crossterm"],
    ),
    ("tui", &["crate::commands", "rusqlite"]),
    (
        "export.rs",
        &[
            "crate::store",
            "crate::analysis",
            "crate::tui",
            "rusqlite",
            "ratatui",
        ],
    ),
    (
        "report.rs",
        &[
            "crate::store",
            "crate::analysis",
            "crate::tui",
            "rusqlite",
            "ratatui",
        ],
    ),
    (
        "chart",
        &[
            "crate::store",
            "crate::analysis",
            "crate::commands",
            "crate::tui",
            "rusqlite",
            "ratatui",
            "crossterm",
        ],
    ),
    (
        "html.rs",
        &[
            "crate::store",
            "crate::analysis",
            "crate::commands",
            "crate::tui",
            "crate::chart",
            "rusqlite",
            "ratatui",
            "crossterm",
        ],
    ),
];

fn rust_files(path: &Path, out: &mut Vec<PathBuf>) {
    if path.is_file() {
        out.push(path.to_path_buf());
        return;
    }
    let mut entries: Vec<PathBuf> = fs::read_dir(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    for p in entries {
        if p.is_dir() {
            rust_files(&p, out);
        } else if p.extension().is_some_and(|x| x == "rs") {
            out.push(p);
        }
    }
}

/// The code of a line: nothing after `//` (comments may name any layer).
fn code(line: &str) -> &str {
    line.find("//").map_or(line, |i| &line[..i])
}

/// Every line of `layer`'s files that names one of `forbidden`, as `file:line: text`.
fn crossings(src: &Path, layer: &str, forbidden: &[&str]) -> Vec<String> {
    let mut files = Vec::new();
    rust_files(&src.join(layer), &mut files);
    assert!(!files.is_empty(), "no source under src/{layer}");
    let mut found = Vec::new();
    for f in files {
        let text = fs::read_to_string(&f).unwrap();
        for (i, line) in text.lines().enumerate() {
            let c = code(line);
            for name in forbidden {
                if c.contains(name) {
                    found.push(format!(
                        "{}:{}: {} ({name})",
                        f.display(),
                        i + 1,
                        line.trim()
                    ));
                }
            }
        }
    }
    found
}

#[test]
fn no_layer_names_a_layer_above_it_or_a_library_it_must_not_know() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let found: Vec<String> = RULES
        .iter()
        .flat_map(|(layer, forbidden)| crossings(&src, layer, forbidden))
        .collect();
    assert!(found.is_empty(), "layer crossings:\n{}", found.join("\n"));
}

#[test]
fn only_the_store_names_rusqlite() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let store = src.join("store");
    let found: Vec<String> = files
        .iter()
        .filter(|f| !f.starts_with(&store))
        .flat_map(|f| {
            let text = fs::read_to_string(f).unwrap();
            text.lines()
                .enumerate()
                .filter(|(_, l)| code(l).contains("rusqlite"))
                .map(|(i, l)| format!("{}:{}: {}", f.display(), i + 1, l.trim()))
                .collect::<Vec<_>>()
        })
        .collect();
    assert!(
        found.is_empty(),
        "rusqlite outside src/store:\n{}",
        found.join("\n")
    );
}

#[test]
fn the_checker_sees_a_crossing() {
    let dir = std::env::temp_dir().join(format!("pricebench-layers-{}", std::process::id()));
    fs::create_dir_all(dir.join("model")).unwrap();
    fs::write(
        dir.join("model/bad.rs"),
        "//! may mention crate::store in a comment\nuse crate::store::Workspace;\nfn f() {} // crate::tui\n",
    )
    .unwrap();
    let found = crossings(&dir, "model", &["crate::store", "crate::tui"]);
    fs::remove_dir_all(&dir).unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert!(
        found[0].ends_with("bad.rs:2: use crate::store::Workspace; (crate::store)"),
        "{}",
        found[0]
    );
}
