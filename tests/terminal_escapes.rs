//! Ids and file names carrying terminal escape sequences (OSC window title, clear screen, C1 CSI,
//! a bidi override): the binary's table output and stderr hold none of their bytes, CSV and JSON
//! keep the exact id, and the TUI draws none of them in any view.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::{Origin, Workspace};
use pricebench::tui::action::Action;
use pricebench::tui::app::App;
use pricebench::tui::ctx::Status;
use pricebench::tui::start;
use pricebench::tui::worker::Worker;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use support::Harness;

/// Sets the window title to "pwned", clears the screen, opens a C1 CSI and reverses the text.
const NASTY: &str = "\u{1b}]0;pwned\u{7}\u{1b}[2J\u{9b}31m\u{202e}";

fn segment() -> String {
    format!("S{NASTY}")
}

fn customer() -> String {
    format!("C{NASTY}")
}

/// Inputs whose segment and customer ids carry the escapes (one clean segment beside them).
fn write_inputs(dir: &Path) {
    std::fs::create_dir_all(dir).unwrap();
    let (s, c) = (segment(), customer());
    let files = [
        (
            "segments.csv",
            format!("segment_id,name\n{s},Ent\nS2,Small\n"),
        ),
        (
            "customers.csv",
            format!("customer_id,segment_id\n{c},{s}\nC2,S2\n"),
        ),
        (
            "products.csv",
            "product_id,name,unit_cost,list_price\nP1,Widget,4,10\n".into(),
        ),
        (
            "transactions.csv",
            format!(
                "txn_id,date,customer_id,product_id,quantity,list_price,on_volume\n\
                 T1,2024-01-01,{c},P1,10,10,1\nT2,2024-01-08,C2,P1,5,11,0\n\
                 T3,2024-02-01,{c},P1,8,9,1\n"
            ),
        ),
    ];
    for (name, text) in files {
        std::fs::write(dir.join(name), text).unwrap();
    }
}

fn run(db: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap()
}

/// A workspace imported by the binary from the nasty inputs.
fn nasty_workspace(dir: &Path) -> PathBuf {
    write_inputs(&dir.join("in"));
    let db = dir.join("ws.db");
    let out = run(&db, &["import", dir.join("in").to_str().unwrap()]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    db
}

/// No ESC, BEL, C1 CSI byte or right-to-left override in what reaches the terminal.
fn assert_terminal_safe(bytes: &[u8], what: &str) {
    let text = String::from_utf8_lossy(bytes);
    for bad in [0x1b, 0x07, 0x9b] {
        assert!(
            !bytes.contains(&bad),
            "{what} holds byte {bad:#04x}:\n{text}"
        );
    }
    assert!(!text.contains('\u{202e}'), "{what} holds U+202E:\n{text}");
}

#[test]
fn table_output_shows_escapes_in_ids_as_visible_text() {
    let dir = tempfile::tempdir().unwrap();
    let db = nasty_workspace(dir.path());
    for args in [
        &["info"][..],
        &["waterfall", "--by", "customer"],
        &["band", "--by", "segment-product"],
        &["leakage"],
    ] {
        let out = run(&db, args);
        assert!(
            out.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_terminal_safe(&out.stdout, &format!("{args:?} stdout"));
        assert_terminal_safe(&out.stderr, &format!("{args:?} stderr"));
    }
    let table = String::from_utf8(run(&db, &["waterfall", "--by", "customer"]).stdout).unwrap();
    assert!(
        table.contains("S\\u{1b}]0;pwned\\u{7}\\u{1b}[2J\\u{9b}31m\\u{202e}"),
        "{table}"
    );
}

#[test]
fn csv_and_json_keep_the_exact_id() {
    let dir = tempfile::tempdir().unwrap();
    let db = nasty_workspace(dir.path());
    let args = ["waterfall", "--by", "customer", "--format"];
    let csv_out = run(&db, &[&args[..], &["csv"]].concat()).stdout;
    let mut rdr = csv::Reader::from_reader(csv_out.as_slice());
    let ids: Vec<(String, String)> = rdr
        .records()
        .map(|r| {
            let r = r.unwrap();
            (r[0].to_string(), r[2].to_string())
        })
        .collect();
    assert!(ids.contains(&(segment(), customer())), "{ids:?}");
    let json_out = run(&db, &[&args[..], &["json"]].concat()).stdout;
    let rows: serde_json::Value = serde_json::from_slice(&json_out).unwrap();
    let rows = rows.as_array().unwrap();
    assert!(
        rows.iter()
            .any(|r| r["segment_id"] == segment().as_str()
                && r["customer_id"] == customer().as_str()),
        "{rows:?}"
    );
}

#[test]
fn import_problems_quoting_an_id_reach_stderr_without_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let db = nasty_workspace(dir.path());
    let bad = dir.path().join("bad");
    std::fs::create_dir_all(&bad).unwrap();
    std::fs::write(
        bad.join("transactions.csv"),
        format!(
            "txn_id,date,customer_id,product_id,quantity,list_price\n\
             T9,2024-01-01,X{NASTY},P1,1{NASTY},10\n"
        ),
    )
    .unwrap();
    let out = run(&db, &["import", bad.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_terminal_safe(&out.stderr, "import stderr");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("column 'customer_id'") && err.contains("pwned"),
        "{err}"
    );
    assert!(err.contains("column 'quantity'"), "{err}");
}

#[test]
fn import_names_a_file_with_escapes_in_its_name_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let named = dir.path().join(format!("transactions{NASTY}.csv"));
    std::fs::write(&named, "txn_id,date\n").unwrap();
    let db = dir.path().join("ws.db");
    let direct = run(&db, &["import", named.to_str().unwrap()]);
    assert!(!direct.status.success());
    assert_terminal_safe(&direct.stderr, "import FILE stderr");
    assert!(String::from_utf8_lossy(&direct.stderr).contains("pwned"));
    let listed = run(&db, &["import", dir.path().to_str().unwrap()]);
    assert!(!listed.status.success());
    assert_terminal_safe(&listed.stderr, "import DIR stderr");
    assert!(String::from_utf8_lossy(&listed.stderr).contains("skipped"));
}

#[test]
fn import_reports_files_in_a_directory_with_escapes_in_its_name_without_them() {
    let dir = tempfile::tempdir().unwrap();
    let inputs = dir.path().join(format!("in{NASTY}"));
    write_inputs(&inputs);
    let out = run(
        &dir.path().join("ws.db"),
        &["import", inputs.to_str().unwrap()],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_terminal_safe(&out.stdout, "import stdout");
    assert!(String::from_utf8_lossy(&out.stdout).contains("rows into transactions"));
}

#[test]
fn error_line_quoting_an_id_from_a_scenario_file_has_no_escapes() {
    let dir = tempfile::tempdir().unwrap();
    let db = nasty_workspace(dir.path());
    let scenario = dir.path().join("bad.toml");
    // TOML's \u escapes put the raw control characters into the id.
    let id = r"Q\u001b]0;pwned\u0007\u001b[2J\u009b31m\u202e";
    let toml = format!("name = \"x\"\n[[price_change]]\nsegment = \"{id}\"\npct = 1\n");
    std::fs::write(&scenario, toml).unwrap();
    let out = run(&db, &["scenario", scenario.to_str().unwrap()]);
    assert!(!out.status.success());
    assert_terminal_safe(&out.stderr, "scenario stderr");
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.starts_with("error: ") && err.contains("pwned"), "{err}");
}

/// Every cell of the frame holds no control character and no bidi override.
fn assert_screen_safe(app: &App, what: &str) {
    let screen = support::render_screen(app);
    let bad = screen.chars().find(|c| {
        (c.is_control() && *c != '\n')
            || matches!(c, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
    });
    assert!(bad.is_none(), "{what}: {bad:?} drawn in\n{screen}");
}

impl Harness {
    fn load_scenario(&mut self, path: &Path) {
        self.send(&[Action::ShowView(8), Action::OpenPath]);
        let (_, typed) = self.app.scenarios.prompt.clone().unwrap();
        let backspaces = vec![Action::PromptBackspace; typed.chars().count()];
        self.send(&backspaces);
        let keys: Vec<Action> = path
            .to_str()
            .unwrap()
            .chars()
            .map(Action::PromptInput)
            .collect();
        self.send(&keys);
        self.send(&[Action::PromptSubmit]);
        assert!(
            self.app.scenarios.session.is_some(),
            "{:?}",
            self.app.status()
        );
    }
}

#[test]
fn tui_draws_no_escape_from_ids_paths_or_messages_in_any_view() {
    let dir = tempfile::tempdir().unwrap();
    let db = nasty_workspace(dir.path());
    let ws = Workspace::open(&db).unwrap();
    let mut app = App::new(&Origin::File(format!("ws{NASTY}.db").into()));
    let mut worker = Worker::inline(ws);
    start(&mut app, &mut worker, 160, 40);
    let mut h = Harness { app, worker };
    h.send(&[]);
    let scenario = dir.path().join("noop.toml");
    std::fs::write(&scenario, "name = \"no change\"\n").unwrap();
    h.load_scenario(&scenario);
    for digit in 1..=9 {
        h.send(&[Action::ShowView(digit)]);
        assert_screen_safe(&h.app, &format!("view {digit}"));
    }
    h.send(&[Action::ShowView(2)]);
    for table in 0..6 {
        h.send(&[Action::NextTable]);
        assert_screen_safe(&h.app, &format!("data table {table}"));
    }
    h.send(&[Action::ShowView(6), Action::Drill, Action::Drill]);
    assert_screen_safe(&h.app, "realization drilled");
    h.app.message = Some(Status::Error(format!("unknown segment 'Q{NASTY}'")));
    assert_screen_safe(&h.app, "status line");
    let screen = support::render_screen(&h.app);
    assert!(screen.contains("pwned"), "{screen}");
}
