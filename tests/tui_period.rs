//! The session's period (`P`): typed on the status line, shown in the title bar, and honoured by
//! the Overview and Realization (with its bridge), checked on the bundled sample against plain
//! SQL over `transaction_lines`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::report::{fmt_int, fmt_money};
use pricebench::tui::action::Action;
use pricebench::tui::keymap::action_for;
use pricebench::tui::period::Period;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::Harness;

fn sample() -> Harness {
    Harness::with(pricebench::store::bundled_sample().unwrap(), false, 140, 40)
}

/// Opens the prompt, types `text` and presses Enter.
fn set_period(h: &mut Harness, text: &str) {
    h.send(&[Action::OpenPeriod, Action::ClearFilter]);
    let typed: Vec<Action> = text.chars().map(Action::PromptInput).collect();
    h.send(&typed);
    h.send(&[Action::PromptSubmit]);
}

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

#[test]
fn the_overview_reads_only_the_lines_of_the_period() {
    let mut h = sample();
    assert!(
        line_with(&h.screen(), "pricebench ·")
            .trim_end()
            .ends_with("· all dates")
    );
    set_period(&mut h, "2024-02-03..2024-05-17");
    assert_eq!(
        h.app.period(),
        Period::parse("2024-02-03..2024-05-17").unwrap()
    );
    let s = h.screen();
    assert!(
        line_with(&s, "pricebench ·").contains("· period 2024-02-03 – 2024-05-17"),
        "{s}"
    );
    // The same numbers from the lines themselves.
    let ws = pricebench::store::bundled_sample().unwrap();
    let (lines, list, pocket, first, last): (i64, f64, f64, String, String) = ws
        .conn()
        .query_row(
            "SELECT COUNT(*), SUM(quantity * list_price), SUM(quantity * pocket_price), MIN(date), MAX(date)
             FROM transaction_lines WHERE date BETWEEN '2024-02-03' AND '2024-05-17'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?)),
        )
        .unwrap();
    let all: i64 = ws
        .conn()
        .query_row("SELECT COUNT(*) FROM transactions", [], |r| r.get(0))
        .unwrap();
    assert!(lines > 0 && lines < all);
    assert!(
        line_with(&s, "Transactions").contains(&fmt_int(lines)),
        "{s}"
    );
    assert!(
        line_with(&s, "List revenue").contains(&fmt_money(list)),
        "{s}"
    );
    assert!(
        line_with(&s, "Pocket revenue").contains(&fmt_money(pocket)),
        "{s}"
    );
    assert!(line_with(&s, "First date").contains(&first), "{s}");
    assert!(line_with(&s, "Last date").contains(&last), "{s}");
    // Back to every date: the Overview's own numbers again.
    set_period(&mut h, "all");
    let s = h.screen();
    assert!(line_with(&s, "Transactions").contains(&fmt_int(all)), "{s}");
    assert!(
        line_with(&s, "pricebench ·")
            .trim_end()
            .ends_with("· all dates")
    );
}

#[test]
fn the_bridge_compares_the_period_with_the_one_as_long_before_it() {
    let mut h = sample();
    set_period(&mut h, "2025-Q1");
    h.send(&[Action::ShowView(6), Action::OpenBridge]);
    let s = h.screen();
    assert!(
        s.contains("pocket revenue 2024-10-01..2024-12-31 → 2025-01-01..2025-03-31"),
        "{s}"
    );
    // Days, not whole months: as many days before.
    set_period(&mut h, "2025-02-03..2025-02-12");
    let s = h.screen();
    assert!(
        s.contains("pocket revenue 2025-01-24..2025-02-02 → 2025-02-03..2025-02-12"),
        "the open bridge follows the new period\n{s}"
    );
}

#[test]
fn views_that_keep_every_date_say_so() {
    let mut h = sample();
    set_period(&mut h, "2024");
    h.send(&[Action::ShowView(2)]);
    let title = line_with(&h.screen(), "pricebench ·").to_string();
    assert!(
        title.contains("· period 2024-01-01 – 2024-12-31 (not this view: all dates)"),
        "{title}"
    );
}

#[test]
fn a_period_it_cannot_read_keeps_the_prompt_open_and_says_why() {
    let mut h = sample();
    set_period(&mut h, "2024-13");
    assert_eq!(h.app.period_prompt.as_deref(), Some("2024-13"));
    assert!(h.app.period().is_all());
    let s = h.screen();
    assert!(s.contains("'2024-13' is not a period"), "{s}");
    h.send(&[Action::PromptCancel]);
    assert_eq!(h.app.period_prompt, None);
    assert!(
        line_with(&h.screen(), "pricebench ·")
            .trim_end()
            .ends_with("· all dates")
    );
}

#[test]
fn keys_typed_into_the_period_prompt_are_text_not_commands() {
    let mut h = sample();
    let key = |c: char| KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE);
    assert_eq!(
        action_for(&key('P'), h.app.key_context()),
        Some(Action::OpenPeriod)
    );
    h.send(&[Action::OpenPeriod]);
    for c in ['2', 'q', '.', 'Q'] {
        assert_eq!(
            action_for(&key(c), h.app.key_context()),
            Some(Action::PromptInput(c)),
            "{c}"
        );
    }
}

#[test]
fn realization_reads_only_the_lines_of_the_period() {
    let mut h = sample();
    set_period(&mut h, "2024-02-03..2024-05-17");
    h.send(&[Action::ShowView(6)]);
    let s = h.screen();
    let ws = pricebench::store::bundled_sample().unwrap();
    let mut stmt = ws
        .conn()
        .prepare(
            "SELECT 'All segments', SUM(quantity * list_price), SUM(quantity * pocket_price)
                 FROM transaction_lines WHERE date BETWEEN '2024-02-03' AND '2024-05-17'
                 UNION ALL
                 SELECT segment_id, SUM(quantity * list_price), SUM(quantity * pocket_price)
                 FROM transaction_lines WHERE date BETWEEN '2024-02-03' AND '2024-05-17'
                 GROUP BY segment_id",
        )
        .unwrap();
    let rows: Vec<(String, f64, f64)> = stmt
        .query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))
        .unwrap()
        .map(Result::unwrap)
        .collect();
    assert_eq!(rows.len(), 6, "the total and five segments");
    for (segment, list, pocket) in rows {
        let line = line_with(&s, &format!("│{segment} "));
        assert!(
            line.contains(&fmt_money(list)) && line.contains(&fmt_money(pocket)),
            "{segment}: {list} {pocket}\n{s}"
        );
    }
}

#[test]
fn the_period_shows_in_the_title_of_a_narrow_terminal() {
    let mut h = Harness::with(pricebench::store::bundled_sample().unwrap(), false, 80, 24);
    set_period(&mut h, "2024-Q3");
    let s = h.screen();
    let title = line_with(&s, "pricebench ·").trim_end();
    assert!(
        title.ends_with("· period 2024-07-01 – 2024-09-30"),
        "{title}"
    );
    assert!(title.contains("sample data (bundled;"), "{title}");
    assert!(
        title.contains('…'),
        "the workspace's name gives way: {title}"
    );
}
