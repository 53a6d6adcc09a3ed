//! Writing files safely: `export` to stdout, through symlinks, FIFOs and devices, never over a
//! file without `--force`, whole or not at all (no stray temporary file, a user's `.partial`
//! untouched); the atomic writer itself under failing bodies and racing writers.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::outfile::{OutfileError, write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;

const SCENARIO: &str = "scenarios/value-based.toml";

/// The bundled sample imported once into a workspace file shared by the tests.
fn workspace() -> &'static Path {
    static DB: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    &DB.get_or_init(|| {
        let dir = tempfile::tempdir().unwrap();
        let db = dir.path().join("sample.db");
        let out = pricebench(&db, &["import", "testdata/sample"]);
        assert!(out.status.success(), "{}", stderr(&out));
        (dir, db)
    })
    .1
}

fn pricebench(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

fn export(out: &Path, force: bool) -> Output {
    let mut args = vec!["export", SCENARIO, "--out", out.to_str().unwrap()];
    if force {
        args.push("--force");
    }
    pricebench(workspace(), &args)
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).to_string()
}

/// What `export` writes: the recommend table as CSV.
fn expected_csv() -> Vec<u8> {
    static CSV: OnceLock<Vec<u8>> = OnceLock::new();
    CSV.get_or_init(|| {
        let out = pricebench(workspace(), &["recommend", SCENARIO, "--format", "csv"]);
        assert!(out.status.success(), "{}", stderr(&out));
        out.stdout
    })
    .clone()
}

/// The names in `dir`, sorted.
fn names(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

#[test]
fn export_to_dash_writes_the_csv_to_stdout_and_nothing_else() {
    let out = pricebench(workspace(), &["export", SCENARIO, "--out", "-", "--force"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, expected_csv());
    assert_eq!(stderr(&out), "");
    let out = pricebench(workspace(), &["export", SCENARIO, "--out", "-"]);
    assert_eq!(out.stdout, expected_csv());
}

#[test]
fn export_refuses_an_existing_file_without_force_and_replaces_it_whole_with_force() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("recs.csv");
    std::fs::write(&path, "the user's file\n").unwrap();
    set_mode(&path, 0o640);
    let out = export(&path, false);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!(
            "'{}' exists; pass --force to overwrite it",
            path.display()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"the user's file\n");
    let out = export(&path, true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), expected_csv());
    assert_eq!(
        mode(&path),
        0o640,
        "the replaced file keeps its permissions"
    );
    // The price list, its segment targets and its provenance, nothing else.
    assert_eq!(
        names(tmp.path()),
        ["recs.csv", "recs.csv.meta.json", "recs.segments.csv"]
    );
}

#[test]
fn export_never_touches_an_existing_partial_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("recs.csv");
    let partial = tmp.path().join("recs.csv.partial");
    std::fs::write(&partial, "half of yesterday's export\n").unwrap();
    let out = export(&path, false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), expected_csv());
    assert_eq!(
        std::fs::read(&partial).unwrap(),
        b"half of yesterday's export\n"
    );
    assert_eq!(
        names(tmp.path()),
        [
            "recs.csv",
            "recs.csv.meta.json",
            "recs.csv.partial",
            "recs.segments.csv"
        ]
    );
}

#[cfg(unix)]
#[test]
fn export_through_a_symlink_updates_its_target_and_keeps_the_link() {
    let tmp = tempfile::tempdir().unwrap();
    let real_dir = tmp.path().join("shared");
    std::fs::create_dir(&real_dir).unwrap();
    let real = real_dir.join("latest.csv");
    std::fs::write(&real, "old\n").unwrap();
    let link = tmp.path().join("recs.csv");
    std::os::unix::fs::symlink("shared/latest.csv", &link).unwrap();
    let out = export(&link, false);
    assert!(!out.status.success(), "a link to a file needs --force");
    assert_eq!(std::fs::read(&real).unwrap(), b"old\n");
    let out = export(&link, true);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(link.symlink_metadata().unwrap().file_type().is_symlink());
    assert_eq!(
        std::fs::read_link(&link).unwrap(),
        Path::new("shared/latest.csv")
    );
    assert_eq!(std::fs::read(&real).unwrap(), expected_csv());
    assert_eq!(names(&real_dir), ["latest.csv"]);
    // The companions go beside the path named, not the link's target.
    assert_eq!(
        names(tmp.path()),
        [
            "recs.csv",
            "recs.csv.meta.json",
            "recs.segments.csv",
            "shared"
        ]
    );
    // A link whose target does not exist yet: the target is created.
    let dangling = tmp.path().join("next.csv");
    std::os::unix::fs::symlink("shared/next.csv", &dangling).unwrap();
    let out = export(&dangling, false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(
        std::fs::read(real_dir.join("next.csv")).unwrap(),
        expected_csv()
    );
    assert!(
        dangling
            .symlink_metadata()
            .unwrap()
            .file_type()
            .is_symlink()
    );
}

#[cfg(unix)]
#[test]
fn export_to_a_fifo_writes_through_it_to_the_reader() {
    let tmp = tempfile::tempdir().unwrap();
    let fifo = tmp.path().join("pipe");
    let made = Command::new("mkfifo").arg(&fifo).status().unwrap();
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || std::fs::read(fifo).unwrap())
    };
    // No --force: writing to a pipe destroys nothing.
    let out = export(&fifo, false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(reader.join().unwrap(), expected_csv());
    use std::os::unix::fs::FileTypeExt;
    assert!(fifo.metadata().unwrap().file_type().is_fifo());
    assert_eq!(names(tmp.path()), ["pipe"]);
}

#[cfg(target_os = "linux")]
#[test]
fn export_to_character_devices_writes_through_and_reports_their_errors() {
    let out = export(Path::new("/dev/null"), false);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = export(Path::new("/dev/full"), false);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains("cannot write '/dev/full': No space left on device"),
        "{}",
        stderr(&out)
    );
    assert_eq!(
        stderr(&out).matches("No space").count(),
        1,
        "{}",
        stderr(&out)
    );
}

#[cfg(unix)]
#[test]
fn an_export_that_fails_mid_way_leaves_no_file_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("recs.csv");
    std::fs::write(tmp.path().join("recs.csv.partial"), "mine\n").unwrap();
    // The first run of a scenario stores the demand fits in the workspace: done here first, so
    // that only the export meets the limit below.
    expected_csv();
    // A file-size limit of 2 KiB makes the write fail part way through the CSV; the signal it
    // raises is ignored so that the write returns an error instead of killing the process.
    let bin = env!("CARGO_BIN_EXE_pricebench");
    let script = format!(
        "trap '' XFSZ; ulimit -f 4; exec '{bin}' --db '{}' export {SCENARIO} --out '{}'",
        workspace().display(),
        path.display()
    );
    let out = Command::new("sh").arg("-c").arg(script).output().unwrap();
    assert!(!out.status.success());
    assert!(stderr(&out).contains("File too large"), "{}", stderr(&out));
    assert_eq!(names(tmp.path()), ["recs.csv.partial"]);
    assert_eq!(
        std::fs::read(tmp.path().join("recs.csv.partial")).unwrap(),
        b"mine\n"
    );
}

#[test]
fn export_to_a_directory_or_below_a_file_is_an_error_naming_it() {
    let tmp = tempfile::tempdir().unwrap();
    let out = export(tmp.path(), true);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!("'{}' is a directory", tmp.path().display())),
        "{}",
        stderr(&out)
    );
    let file = tmp.path().join("plain");
    std::fs::write(&file, "x").unwrap();
    let out = export(&file.join("recs.csv"), false);
    assert!(!out.status.success());
    assert!(stderr(&out).contains("cannot write"), "{}", stderr(&out));
    assert_eq!(names(tmp.path()), ["plain"]);
}

#[test]
fn export_creates_missing_directories_for_a_new_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("a/b/recs.csv");
    let out = export(&path, false);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read(&path).unwrap(), expected_csv());
    assert!(String::from_utf8_lossy(&out.stdout).contains("wrote 24 rows to"));
}

#[test]
fn a_failing_body_leaves_the_target_as_it_was_and_no_temporary_file() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("out.csv");
    std::fs::write(&path, "before\n").unwrap();
    let err = write(&path, true, |w| {
        w.write_all(b"half a table")?;
        anyhow::bail!("the table ran out")
    })
    .unwrap_err();
    assert_eq!(
        err.to_string(),
        format!(
            "cannot write '{}': the table ran out",
            path.canonicalize().unwrap().display()
        )
    );
    assert_eq!(std::fs::read(&path).unwrap(), b"before\n");
    assert_eq!(names(tmp.path()), ["out.csv"]);
    let new = tmp.path().join("new.csv");
    assert!(write(&new, false, |_| anyhow::bail!("no rows")).is_err());
    assert_eq!(names(tmp.path()), ["out.csv"]);
}

#[test]
fn a_new_file_never_replaces_one_that_appears_while_it_is_written() {
    let tmp = tempfile::tempdir().unwrap();
    let path = tmp.path().join("out.csv");
    let err = write(&path, false, |w| {
        w.write_all(b"ours\n")?;
        std::fs::write(&path, "theirs\n")?;
        Ok(())
    })
    .unwrap_err();
    assert!(matches!(err, OutfileError::Exists(_)), "{err}");
    assert_eq!(std::fs::read(&path).unwrap(), b"theirs\n");
    assert_eq!(names(tmp.path()), ["out.csv"]);
}

#[cfg(unix)]
fn set_mode(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

#[cfg(unix)]
fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    path.metadata().unwrap().permissions().mode() & 0o777
}

#[cfg(not(unix))]
fn set_mode(_: &Path, _: u32) {}

#[cfg(not(unix))]
fn mode(_: &Path) -> u32 {
    0o640
}

/// The TUI's save prompt: asks before overwriting another scenario, never overwrites anything
/// else, writes its own file without asking.
mod tui_save {
    use super::names;
    use pricebench::scenario::file::to_toml;
    use pricebench::tui::action::Action;
    use pricebench::tui::app::App;
    use pricebench::tui::ctx::Status;
    use pricebench::tui::worker::Worker;
    use pricebench::tui::{dispatch, start, till_ready};
    use std::path::{Path, PathBuf};
    use std::time::Duration;

    const OTHER: &str = include_str!("../scenarios/list-increase.toml");

    struct Harness {
        app: App,
        worker: Worker,
        dir: tempfile::TempDir,
        own: PathBuf,
    }

    impl Harness {
        /// The sample with a copy of value-based.toml loaded from a temporary directory and one
        /// of its cells nudged, so that there is something to save.
        fn new() -> Harness {
            let ws = pricebench::store::bundled_sample().unwrap();
            let mut app = App::new(ws.origin());
            let mut worker = Worker::inline(ws);
            start(&mut app, &mut worker, 120, 40);
            let dir = tempfile::tempdir().unwrap();
            let own = dir.path().join("mine.toml");
            std::fs::copy("scenarios/value-based.toml", &own).unwrap();
            let mut h = Harness {
                app,
                worker,
                dir,
                own,
            };
            h.send(&[Action::ShowView(8), Action::OpenPath]);
            h.type_path(&h.own.clone());
            h.send(&[Action::PromptSubmit]);
            assert!(h.app.scenarios.session.is_some(), "{:?}", h.app.status());
            h.send(&[Action::NudgePrice(-5)]);
            h
        }

        fn send(&mut self, actions: &[Action]) {
            for a in actions {
                dispatch(&mut self.app, &mut self.worker, a.clone());
                assert!(till_ready(
                    &mut self.app,
                    &mut self.worker,
                    Duration::from_secs(20)
                ));
            }
        }

        /// Replaces the prompt's text with `path` (without submitting).
        fn type_path(&mut self, path: &Path) {
            let (_, text) = self.app.scenarios.prompt.clone().unwrap();
            for _ in text.chars() {
                self.send(&[Action::PromptBackspace]);
            }
            for c in path.to_str().unwrap().chars() {
                self.send(&[Action::PromptInput(c)]);
            }
        }

        /// Opens the save prompt on `path` and presses Enter.
        fn save_to(&mut self, path: &Path) {
            self.send(&[Action::SaveScenario]);
            self.type_path(path);
            self.send(&[Action::PromptSubmit]);
        }

        fn toml(&self) -> String {
            let s = self.app.scenarios.session.as_ref().unwrap();
            to_toml(&s.prepared.scenario).unwrap()
        }

        fn status(&self) -> String {
            match self.app.status() {
                Status::Info(m) => format!("info: {m}"),
                Status::Error(m) => format!("error: {m}"),
                Status::Busy(m) => format!("busy: {m}"),
            }
        }
    }

    #[test]
    fn saving_over_another_scenario_asks_and_the_second_enter_overwrites() {
        let mut h = Harness::new();
        let other = h.dir.path().join("other.toml");
        std::fs::write(&other, OTHER).unwrap();
        h.save_to(&other);
        assert_eq!(
            h.status(),
            format!(
                "info: '{}' exists; press Enter again to overwrite, Esc to cancel",
                other.display()
            )
        );
        assert_eq!(std::fs::read_to_string(&other).unwrap(), OTHER);
        assert!(h.app.scenarios.prompt.is_some(), "the prompt stays open");
        let screen = super::support::render_screen(&h.app);
        assert!(
            screen.contains("overwrite (Enter) or cancel (Esc)"),
            "{screen}"
        );
        h.send(&[Action::PromptSubmit]);
        assert!(
            h.status().starts_with("info: saved the scenario to"),
            "{}",
            h.status()
        );
        assert_eq!(std::fs::read_to_string(&other).unwrap(), h.toml());
        assert!(h.app.scenarios.prompt.is_none());
        assert_eq!(names(h.dir.path()), ["mine.toml", "other.toml"]);
    }

    #[test]
    fn esc_or_an_edited_path_withdraws_the_question() {
        let mut h = Harness::new();
        let other = h.dir.path().join("other.toml");
        std::fs::write(&other, OTHER).unwrap();
        h.save_to(&other);
        h.send(&[Action::PromptCancel]);
        assert!(h.app.scenarios.prompt.is_none());
        h.save_to(&other);
        assert!(h.status().contains("press Enter again"), "{}", h.status());
        // Editing the path, even back to the same text, asks again.
        h.send(&[
            Action::PromptInput('x'),
            Action::PromptBackspace,
            Action::PromptSubmit,
        ]);
        assert!(h.status().contains("press Enter again"), "{}", h.status());
        assert_eq!(std::fs::read_to_string(&other).unwrap(), OTHER);
    }

    #[test]
    fn saving_never_overwrites_a_workspace_or_any_file_that_is_not_a_scenario() {
        let mut h = Harness::new();
        let ws = h.dir.path().join("pricebench.db");
        let mut sqlite = b"SQLite format 3\0".to_vec();
        sqlite.extend((0..4096u32).map(|i| (i * 7 % 251) as u8));
        let text = h.dir.path().join("notes.toml");
        let csv = h.dir.path().join("prices.csv");
        std::fs::write(&ws, &sqlite).unwrap();
        std::fs::write(&text, "title = \"my notes\"\n").unwrap();
        std::fs::write(&csv, "product_id,price\nP1,10\n").unwrap();
        for (path, bytes) in [
            (&ws, sqlite.clone()),
            (&text, b"title = \"my notes\"\n".to_vec()),
            (&csv, b"product_id,price\nP1,10\n".to_vec()),
        ] {
            h.save_to(path);
            let expected = format!(
                "error: '{}' is not a scenario file; it is left alone (save under another name)",
                path.display()
            );
            assert_eq!(h.status(), expected);
            // Enter again changes nothing either.
            h.send(&[Action::SaveScenario]);
            h.type_path(path);
            h.send(&[Action::PromptSubmit, Action::PromptSubmit]);
            assert_eq!(std::fs::read(path).unwrap(), bytes, "{}", path.display());
        }
    }

    #[test]
    fn saving_to_its_own_file_writes_it_without_asking() {
        let mut h = Harness::new();
        h.send(&[Action::SaveScenario]);
        let (_, default) = h.app.scenarios.prompt.clone().unwrap();
        assert_eq!(Path::new(&default), h.own);
        h.send(&[Action::PromptSubmit]);
        assert!(h.status().starts_with("info: saved"), "{}", h.status());
        assert_eq!(std::fs::read_to_string(&h.own).unwrap(), h.toml());
        assert_eq!(names(h.dir.path()), ["mine.toml"]);
    }

    #[test]
    fn saving_to_a_new_file_writes_it_and_leaves_nothing_else() {
        let mut h = Harness::new();
        let new = h.dir.path().join("sub/new.toml");
        h.save_to(&new);
        assert!(h.status().starts_with("info: saved"), "{}", h.status());
        assert_eq!(std::fs::read_to_string(&new).unwrap(), h.toml());
        assert_eq!(names(&h.dir.path().join("sub")), ["new.toml"]);
    }

    #[cfg(unix)]
    #[test]
    fn saving_or_exporting_to_a_fifo_is_refused_instead_of_blocking_the_screen() {
        let mut h = Harness::new();
        let fifo = h.dir.path().join("pipe");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        h.save_to(&fifo);
        assert!(
            h.status().contains("is not a regular file"),
            "{}",
            h.status()
        );
        h.send(&[Action::ShowView(9), Action::Export]);
        h.type_path(&fifo);
        h.send(&[Action::PromptSubmit]);
        assert!(h.status().contains("is a pipe or device"), "{}", h.status());
    }
}

#[test]
fn sample_refuses_to_overwrite_its_files_without_force_and_names_them() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("data");
    std::fs::create_dir(&dir).unwrap();
    std::fs::write(dir.join("transactions.csv"), "my real transactions\n").unwrap();
    std::fs::write(dir.join("truth.json"), "{}\n").unwrap();
    std::fs::write(dir.join("notes.txt"), "mine\n").unwrap();
    let db = tmp.path().join("unused.db");
    let sample = |force: bool| {
        let mut args = vec!["sample", "--out", dir.to_str().unwrap(), "--rows", "500"];
        if force {
            args.push("--force");
        }
        pricebench(&db, &args)
    };
    let out = sample(false);
    assert!(!out.status.success());
    assert!(
        stderr(&out).contains(&format!(
            "'{}' already holds transactions.csv, truth.json; pass --force to overwrite them",
            dir.display()
        )),
        "{}",
        stderr(&out)
    );
    assert_eq!(names(&dir), ["notes.txt", "transactions.csv", "truth.json"]);
    assert_eq!(
        std::fs::read(dir.join("transactions.csv")).unwrap(),
        b"my real transactions\n"
    );
    let out = sample(true);
    assert!(out.status.success(), "{}", stderr(&out));
    // notes.txt and the sample's eight files (competitors.csv since issue 20).
    assert_eq!(names(&dir).len(), 9);
    assert_eq!(std::fs::read(dir.join("notes.txt")).unwrap(), b"mine\n");
    let lines = std::fs::read_to_string(dir.join("transactions.csv"))
        .unwrap()
        .lines()
        .count();
    assert_eq!(lines, 501);
}

#[test]
fn sample_writes_into_a_directory_without_its_files() {
    let tmp = tempfile::tempdir().unwrap();
    std::fs::write(tmp.path().join("notes.txt"), "mine\n").unwrap();
    let out = pricebench(
        &tmp.path().join("unused.db"),
        &[
            "sample",
            "--out",
            tmp.path().to_str().unwrap(),
            "--rows",
            "500",
        ],
    );
    assert!(out.status.success(), "{}", stderr(&out));
    // notes.txt and the sample's eight files (competitors.csv since issue 20).
    assert_eq!(names(tmp.path()).len(), 9);
}
