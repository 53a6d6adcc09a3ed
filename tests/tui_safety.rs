//! The TUI never loses work and never strands a newcomer: Esc never quits, `q` closes an
//! overlay, quitting with unsaved scenario edits asks; the help scrolls and teaches; bundled
//! scenarios are always there; a missing `--db` is an error; below 80×24 the screen says so.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::tui::action::Action;
use pricebench::tui::ctx::Status;
use pricebench::tui::keymap::{self, KeyContext};
use pricebench::tui::view::View;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::path::Path;
use support::Harness;

fn sample(w: u16, h: u16) -> Harness {
    Harness::with(pricebench::store::bundled_sample().unwrap(), false, w, h)
}

/// The action a key means where the app is now.
fn key(h: &Harness, code: KeyCode) -> Option<Action> {
    keymap::action_for(
        &KeyEvent::new(code, KeyModifiers::NONE),
        h.app.key_context(),
    )
}

/// Presses `code` as the event loop would.
fn press(h: &mut Harness, code: KeyCode) {
    if let Some(a) = key(h, code) {
        h.send(&[a]);
    }
}

fn type_text(h: &mut Harness, text: &str) {
    for c in text.chars() {
        press(h, KeyCode::Char(c));
    }
}

#[test]
fn esc_on_a_view_does_not_quit_and_says_how_to() {
    let mut h = sample(80, 24);
    for view in ['1', '3', '8', '9'] {
        press(&mut h, KeyCode::Char(view));
        press(&mut h, KeyCode::Esc);
        press(&mut h, KeyCode::Esc);
        assert!(!h.app.quit, "Esc quit view {view}");
    }
    assert_eq!(
        h.app.status(),
        Status::Info("Esc goes back; q quits".into())
    );
    assert!(h.screen().contains("Esc goes back; q quits"));
}

#[test]
fn esc_clears_the_data_filter_and_then_stays() {
    let mut h = sample(80, 24);
    press(&mut h, KeyCode::Char('2'));
    press(&mut h, KeyCode::Char(']'));
    press(&mut h, KeyCode::Char('/'));
    type_text(&mut h, "C00007");
    press(&mut h, KeyCode::Enter);
    assert_eq!(h.app.data.settings().filter, "C00007");
    assert!(h.screen().contains("filter 'C00007'"), "{}", h.screen());
    press(&mut h, KeyCode::Esc);
    assert_eq!(h.app.data.settings().filter, "");
    assert!(!h.screen().contains("filter 'C00007'"));
    press(&mut h, KeyCode::Esc);
    assert!(!h.app.quit);
}

#[test]
fn ctrl_u_clears_a_filter_and_the_prompt_text() {
    let mut h = sample(80, 24);
    press(&mut h, KeyCode::Char('3'));
    press(&mut h, KeyCode::Char('/'));
    type_text(&mut h, "P0001");
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    let clear = keymap::action_for(&ctrl_u, h.app.key_context()).unwrap();
    h.send(&[clear]);
    assert_eq!(h.app.elasticity.prompt.as_deref(), Some(""));
    type_text(&mut h, "P0001");
    press(&mut h, KeyCode::Enter);
    assert_eq!(h.app.elasticity.text, "P0001");
    let clear = keymap::action_for(&ctrl_u, h.app.key_context()).unwrap();
    h.send(&[clear]);
    assert_eq!(h.app.elasticity.text, "");
}

#[test]
fn esc_at_the_top_of_realization_backs_up_and_never_quits() {
    let mut h = sample(80, 24);
    press(&mut h, KeyCode::Char('6'));
    press(&mut h, KeyCode::Down);
    press(&mut h, KeyCode::Enter);
    assert!(!h.app.realization.at_top());
    press(&mut h, KeyCode::Esc);
    assert!(h.app.realization.at_top());
    press(&mut h, KeyCode::Esc);
    assert!(!h.app.quit && h.app.view == View::Realization);
}

#[test]
fn q_in_the_help_closes_it_and_q_in_a_prompt_is_typed() {
    let mut h = sample(80, 24);
    press(&mut h, KeyCode::Char('?'));
    assert!(h.app.show_help);
    press(&mut h, KeyCode::Char('q'));
    assert!(!h.app.show_help && !h.app.quit);
    press(&mut h, KeyCode::Char('8'));
    press(&mut h, KeyCode::Char('o'));
    press(&mut h, KeyCode::Char('q'));
    let (_, text) = h.app.scenarios.prompt.clone().unwrap();
    assert!(text.ends_with('q') && !h.app.quit);
    press(&mut h, KeyCode::Esc);
    assert!(h.app.scenarios.prompt.is_none() && !h.app.quit);
    press(&mut h, KeyCode::Char('q'));
    assert!(h.app.quit, "q quits when nothing is unsaved");
}

/// The sample with a copy of the bundled `list-increase.toml` at `dir`, opened by its path and
/// its first cell raised 1%.
fn edited(dir: &Path) -> (Harness, std::path::PathBuf) {
    let path = dir.join("mine.toml");
    std::fs::write(&path, include_str!("../scenarios/list-increase.toml")).unwrap();
    let mut h = sample(100, 30);
    press(&mut h, KeyCode::Char('8'));
    press(&mut h, KeyCode::Char('o'));
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.send(&[keymap::action_for(&ctrl_u, h.app.key_context()).unwrap()]);
    type_text(&mut h, path.to_str().unwrap());
    press(&mut h, KeyCode::Enter);
    assert!(h.app.scenarios.session.is_some(), "{:?}", h.app.status());
    press(&mut h, KeyCode::Char('+'));
    assert!(h.app.scenarios.session.as_ref().unwrap().dirty);
    (h, path)
}

#[test]
fn quitting_with_unsaved_edits_asks_and_esc_cancels() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut h, _) = edited(tmp.path());
    press(&mut h, KeyCode::Char('q'));
    assert!(!h.app.quit && h.app.asking_quit);
    let s = h.screen();
    assert!(s.contains("has unsaved edits"), "{s}");
    assert!(
        s.contains("s save and quit") && s.contains("d discard and quit"),
        "{s}"
    );
    // A second q, or Ctrl-C, does not slip past the question.
    press(&mut h, KeyCode::Char('q'));
    let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
    h.send(&[keymap::action_for(&ctrl_c, h.app.key_context()).unwrap()]);
    assert!(!h.app.quit);
    press(&mut h, KeyCode::Esc);
    assert!(!h.app.asking_quit && !h.app.quit);
    assert!(h.app.scenarios.session.as_ref().unwrap().dirty);
}

#[test]
fn quitting_with_unsaved_edits_discards_only_when_told() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut h, path) = edited(tmp.path());
    press(&mut h, KeyCode::Char('q'));
    press(&mut h, KeyCode::Char('d'));
    assert!(h.app.quit);
    let text = std::fs::read_to_string(path).unwrap();
    assert_eq!(text, include_str!("../scenarios/list-increase.toml"));
}

#[test]
fn quitting_with_unsaved_edits_saves_then_quits() {
    let tmp = tempfile::tempdir().unwrap();
    let (mut h, path) = edited(tmp.path());
    press(&mut h, KeyCode::Char('q'));
    press(&mut h, KeyCode::Char('s'));
    assert!(h.app.quit, "{:?}", h.app.status());
    let text = std::fs::read_to_string(path).unwrap();
    assert_ne!(text, include_str!("../scenarios/list-increase.toml"));
    assert_eq!(
        text,
        pricebench::scenario::to_toml(&h.app.scenarios.session.as_ref().unwrap().prepared.scenario)
            .unwrap()
    );
}

#[test]
fn help_fills_the_terminal_starts_with_the_views_keys_and_scrolls_to_the_glossary() {
    let mut h = sample(200, 50);
    press(&mut h, KeyCode::Char('8'));
    press(&mut h, KeyCode::Char('?'));
    let s = h.screen();
    let lines: Vec<&str> = s.lines().collect();
    assert!(lines[2].contains("Scenarios · this view"), "{s}");
    assert!(s.contains("raise the cell's list price 1%"), "{s}");
    // 110 columns wide at 200, not 56.
    let top = lines.iter().find(|l| l.contains("help · ")).unwrap();
    let boxed: String = top.chars().skip_while(|c| *c != '┌').collect();
    let boxed: String = boxed.chars().take_while(|c| *c != '┐').collect();
    assert_eq!(boxed.chars().count() + 1, 110, "{top}");
    press(&mut h, KeyCode::End);
    let end = h.screen();
    assert!(end.contains("Evidence"), "{end}");
    let mut h = sample(80, 24);
    press(&mut h, KeyCode::Char('5'));
    press(&mut h, KeyCode::Char('?'));
    let first = h.screen();
    assert!(first.contains("Price sensitivity · this view"), "{first}");
    for _ in 0..30 {
        press(&mut h, KeyCode::Down);
        if h.screen().contains("point of marginal cheapness") {
            break;
        }
    }
    let s = h.screen();
    assert!(
        s.contains("PMC") && s.contains("point of marginal cheapness"),
        "{s}"
    );
    assert!(h.app.show_help && h.app.view == View::Psm);
    press(&mut h, KeyCode::Esc);
    assert!(!h.app.show_help && !h.app.quit);
}

#[test]
fn the_footer_always_offers_help() {
    let mut h = sample(80, 24);
    for view in "1234567890".chars() {
        press(&mut h, KeyCode::Char(view));
        let s = h.screen();
        let footer = s.lines().last().unwrap();
        assert!(footer.contains("? help"), "view {view}: {footer}");
    }
}

#[test]
fn below_80x24_the_screen_says_the_terminal_is_too_small() {
    for (w, h) in [(79, 24), (80, 23), (40, 12)] {
        let mut app = sample(w, h);
        app.send(&[Action::ShowView(8)]);
        let s = app.screen();
        assert!(
            s.contains("terminal too small (need 80x24)"),
            "{w}x{h}:\n{s}"
        );
        assert!(s.lines().next().unwrap().contains("pricebench"));
    }
    let s = sample(80, 24).screen();
    assert!(!s.contains("terminal too small"), "{s}");
}

#[test]
fn bundled_scenarios_are_always_listed_and_marked() {
    let mut h = sample(100, 30);
    press(&mut h, KeyCode::Char('8'));
    let bundled: Vec<String> = h
        .app
        .scenarios
        .files
        .iter()
        .filter_map(|p| {
            p.to_str()
                .filter(|s| s.starts_with("bundled:"))
                .map(String::from)
        })
        .collect();
    assert_eq!(
        bundled,
        [
            "bundled:discount-cleanup.toml",
            "bundled:list-increase.toml",
            "bundled:value-based.toml"
        ]
    );
    let s = h.screen();
    assert!(s.contains("bundled:"), "{s}");
    assert_eq!(s.matches("list-increase").count(), 2, "{s}");
    // Picking one loads it from inside the binary.
    let at = h.app.scenarios.files.len() - 2;
    for _ in 0..at {
        press(&mut h, KeyCode::Char('n'));
    }
    press(&mut h, KeyCode::Enter);
    let s = h.app.scenarios.session.as_ref().unwrap();
    assert_eq!(s.path, Path::new("bundled:list-increase.toml"));
    // Saving one offers a copy under scenarios/.
    press(&mut h, KeyCode::Char('s'));
    let (_, text) = h.app.scenarios.prompt.clone().unwrap();
    assert_eq!(text, "scenarios/list-increase.toml");
}

#[test]
fn nudging_with_nothing_loaded_says_why() {
    let mut h = sample(80, 24);
    press(&mut h, KeyCode::Char('8'));
    press(&mut h, KeyCode::Char('+'));
    assert_eq!(
        h.app.status(),
        Status::Info("no scenario loaded: pick one with n/p and press Enter first".into())
    );
}

#[test]
fn the_open_prompt_is_drawn_with_nothing_loaded_and_takes_absolute_paths() {
    let tmp = tempfile::tempdir().unwrap();
    let mut h = sample(80, 24);
    press(&mut h, KeyCode::Char('8'));
    press(&mut h, KeyCode::Char('o'));
    type_text(&mut h, "xyz");
    let s = h.screen();
    assert!(s.contains("open scenario: scenarios/xyz"), "{s}");
    // The typed absolute path after the prefilled `scenarios/` stands for itself.
    for _ in 0..3 {
        press(&mut h, KeyCode::Backspace);
    }
    let path = tmp.path().join("a.toml");
    std::fs::write(&path, include_str!("../scenarios/list-increase.toml")).unwrap();
    type_text(&mut h, path.to_str().unwrap());
    press(&mut h, KeyCode::Enter);
    let s = h.app.scenarios.session.as_ref();
    assert_eq!(
        s.map(|s| s.path.clone()),
        Some(path),
        "{:?}",
        h.app.status()
    );
}

#[test]
fn r_reloads_in_every_view_and_capital_r_refits_in_the_model_views() {
    for view in View::ALL {
        let ctx = KeyContext {
            view: *view,
            overlay: None,
            prompt_open: false,
        };
        let r = KeyEvent::new(KeyCode::Char('r'), KeyModifiers::NONE);
        assert_eq!(
            keymap::action_for(&r, ctx),
            Some(Action::Reload),
            "{view:?}"
        );
    }
    for view in [View::Elasticity, View::Wtp, View::Psm, View::Evidence] {
        let ctx = KeyContext {
            view,
            overlay: None,
            prompt_open: false,
        };
        let big_r = KeyEvent::new(KeyCode::Char('R'), KeyModifiers::SHIFT);
        assert_eq!(
            keymap::action_for(&big_r, ctx),
            Some(Action::Refit),
            "{view:?}"
        );
    }
}

#[test]
fn a_missing_db_is_an_error_in_the_tui_too() {
    let tmp = tempfile::tempdir().unwrap();
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .current_dir(tmp.path())
        .arg("--db")
        .arg("typo.db")
        .env_remove("PRICEBENCH_DB")
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("workspace 'typo.db' does not exist"), "{err}");
    assert!(!tmp.path().join("typo.db").exists());
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .current_dir(tmp.path())
        .env("PRICEBENCH_DB", "typo.db")
        .output()
        .unwrap();
    assert!(!out.status.success());
}

/// A copy of `list-increase.toml` evaluated on the first half of 2025 instead of the default
/// twelve months.
fn half_year(dir: &Path) -> std::path::PathBuf {
    let text = include_str!("../scenarios/list-increase.toml");
    let path = dir.join("half.toml");
    let with = format!("{text}\n[baseline]\nfrom = \"2025-01-01\"\nto = \"2025-06-30\"\n");
    std::fs::write(&path, with).unwrap();
    path
}

#[test]
fn scenarios_show_the_files_their_baselines_and_warn_when_they_differ() {
    let tmp = tempfile::tempdir().unwrap();
    let half = half_year(tmp.path());
    let mut h = sample(120, 40);
    press(&mut h, KeyCode::Char('8'));
    press(&mut h, KeyCode::Char('n'));
    press(&mut h, KeyCode::Enter);
    h.send(&[Action::OpenPath]);
    let ctrl_u = KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL);
    h.send(&[keymap::action_for(&ctrl_u, h.app.key_context()).unwrap()]);
    type_text(&mut h, half.to_str().unwrap());
    press(&mut h, KeyCode::Enter);
    // The half year loaded as A; now the twelve months as B.
    press(&mut h, KeyCode::Char('c'));
    let s = h.screen();
    let a = format!("A: {} · baseline 2025-01-01 – 2025-06-30", half.display());
    assert!(s.contains(&a), "{s}");
    assert!(
        s.contains("B: scenarios/list-increase.toml · baseline 2025-01-01 – 2025-12-31"),
        "{s}"
    );
    assert!(
        s.contains("baselines differ: A 2025-01-01 – 2025-06-30, B 2025-01-01 – 2025-12-31"),
        "{s}"
    );
    for header in [
        "vol",
        "vol→",
        "p.rev",
        "p.rev→",
        "p.mgn",
        "p.mgn→",
        "Δ p.mgn",
        "B p.mgn→",
    ] {
        assert!(s.contains(header), "{header}: {s}");
    }
    // The CLI says the same on stderr.
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .current_dir(tmp.path())
        .env_remove("PRICEBENCH_DB")
        .arg("--db")
        .arg(sample_db(tmp.path()))
        .args([
            "scenario",
            half.to_str().unwrap(),
            "--compare",
            "bundled:list-increase.toml",
            "--rows",
            "totals",
        ])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "warning: baselines differ: A 2025-01-01 – 2025-06-30, B 2025-01-01 – 2025-12-31"
        ),
        "{err}"
    );
}

/// The committed sample imported into a workspace under `dir`.
fn sample_db(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("ws.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata/sample"))
        .output()
        .unwrap();
    assert!(out.status.success());
    db
}

#[test]
fn the_default_baseline_ends_with_the_last_whole_month() {
    let tmp = tempfile::tempdir().unwrap();
    // The fixture's sales run 2024-01-01 … 2024-01-08, then one line on 2024-02-01.
    let dir = support::write_fixture(&tmp.path().join("in"));
    let db = tmp.path().join("ws.db");
    let out = std::process::Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(&db)
        .arg("import")
        .arg(&dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let ws = pricebench::store::Workspace::open(&db).unwrap();
    let period = pricebench::scenario::file::BaselinePeriod::default();
    let (from, to) = pricebench::store::scenario::baseline_period(&ws, &period)
        .unwrap()
        .unwrap();
    assert_eq!(
        (from.to_string(), to.to_string()),
        ("2023-02-01".into(), "2024-01-31".into())
    );
}

#[test]
fn clicking_a_tab_shows_its_view_and_the_wheel_moves_the_selection() {
    for width in [80, 100, 200] {
        let mut h = sample(width, 30);
        for v in View::ALL.iter().rev() {
            let s = h.screen();
            let tabs: Vec<char> = s.lines().nth(1).unwrap().chars().collect();
            let label: Vec<char> = format!("{} ", v.digit()).chars().collect();
            let x = (0..tabs.len())
                .find(|&i| {
                    tabs[i..].starts_with(&label) && (i == 0 || !tabs[i - 1].is_ascii_digit())
                })
                .unwrap_or_else(|| panic!("no tab {} in {s}", v.digit()));
            h.send(&[Action::Click(x as u16 + 2, 1)]);
            assert_eq!(h.app.view, *v, "click at {x} of {width}: {s}");
        }
    }
    let mut h = sample(100, 30);
    press(&mut h, KeyCode::Char('3'));
    let wheel = |kind| ratatui::crossterm::event::MouseEvent {
        kind,
        column: 10,
        row: 10,
        modifiers: KeyModifiers::NONE,
    };
    use ratatui::crossterm::event::MouseEventKind;
    let down = pricebench::tui::mouse_action(&wheel(MouseEventKind::ScrollDown)).unwrap();
    h.send(&[down.clone(), down]);
    assert_eq!(h.app.elasticity.selected, 2);
    let up = pricebench::tui::mouse_action(&wheel(MouseEventKind::ScrollUp)).unwrap();
    h.send(&[up]);
    assert_eq!(h.app.elasticity.selected, 1);
}

#[test]
fn elasticity_switches_period_and_price_basis() {
    let mut h = sample(100, 30);
    press(&mut h, KeyCode::Char('3'));
    press(&mut h, KeyCode::Char('w'));
    let stored = h.app.elasticity.stored.as_ref().unwrap();
    assert_eq!(stored.settings.period.as_str(), "month");
    assert!(
        h.screen().contains("cell · month · pocket"),
        "{}",
        h.screen()
    );
    press(&mut h, KeyCode::Char('p'));
    assert!(
        h.screen().contains("cell · month · invoice"),
        "{}",
        h.screen()
    );
    press(&mut h, KeyCode::Char('m'));
    press(&mut h, KeyCode::Char('w'));
    assert_eq!(
        h.app.status(),
        Status::Info("the panel model fits months only; m switches to the cell model".into())
    );
}

#[test]
fn empty_views_say_what_to_import() {
    use pricebench::store::{Origin, Workspace};
    let ws = Workspace::in_memory(Origin::File("empty.db".into())).unwrap();
    let mut h = Harness::with(ws, false, 100, 30);
    for (view, needle) in [
        ('4', "no quotes: import quotes.csv"),
        ('5', "no survey answers: import survey.csv"),
    ] {
        press(&mut h, KeyCode::Char(view));
        let s = h.screen();
        assert!(s.contains(needle), "{view}: {s}");
    }
}

#[test]
fn price_sensitivity_ids_are_whole_at_80x24() {
    let mut h = sample(80, 24);
    press(&mut h, KeyCode::Char('5'));
    let s = h.screen();
    assert!(!s.contains("SEG- P000"), "{s}");
    let row = s
        .lines()
        .find(|l| l.contains("SEG-DIS P0001"))
        .unwrap_or_else(|| panic!("{s}"));
    assert!(row.contains("OPP") || row.contains('.'), "{row}");
}
