//! The TUI on the fixture workspace: screens rendered to a `TestBackend` (asserting on the numbers
//! shown) and app logic driven by `Action`s.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod fixture;

use pricebench::store::Workspace;
use pricebench::store::query::DataTable;
use pricebench::tui::action::Action;
use pricebench::tui::app::App;
use pricebench::tui::dispatch;
use pricebench::tui::view::View;
use support::Harness;

impl Harness {
    /// The app on the fixture workspace.
    fn new(w: u16, h: u16) -> Harness {
        Harness::with(fixture::workspace(), false, w, h)
    }

    /// The id of the selected row of the Data view's page.
    fn selected_id(&self) -> String {
        let page = self.app.data.page.as_ref().unwrap();
        page.rows[self.app.data.selected][0].as_text()
    }
}

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

#[test]
fn overview_shows_counts_revenue_and_realization() {
    let h = Harness::new(80, 24);
    let s = h.screen();
    assert!(s.contains("pricebench · fixture.db"), "{s}");
    assert!(line_with(&s, "Transactions").contains(" 5"), "{s}");
    assert!(line_with(&s, "Customers").contains(" 3"));
    assert!(line_with(&s, "First date").contains("2024-01-15"), "{s}");
    assert!(line_with(&s, "Last date").contains("2024-03-31"), "{s}");
    // 12,615 − 9,540
    assert!(line_with(&s, "Gross margin").contains("3,075.00"), "{s}");
    assert!(line_with(&s, "List revenue").contains("16,900.00"), "{s}");
    assert!(line_with(&s, "Invoice revenue").contains("13,960.00"));
    assert!(line_with(&s, "Pocket revenue").contains("12,615.00"));
    assert!(line_with(&s, "Quantity").contains("1,150.00"));
    // 12,615 / 16,900
    assert!(line_with(&s, "│Realization").contains("74.6%"), "{s}");
}

#[test]
fn overview_shows_segment_shares_and_elements() {
    let s = Harness::new(80, 24).screen();
    let ent = line_with(&s, "Enterprise");
    assert!(
        ent.contains("11,000.00") && ent.contains("87.2%") && ent.contains("73.3%"),
        "{s}"
    );
    let smb = line_with(&s, "Small busi");
    assert!(
        smb.contains("1,615.00") && smb.contains("12.8%") && smb.contains("85.0%"),
        "{s}"
    );
    // 2,940 / 16,900 = 17.4 %; 1,345 / 16,900 = 8.0 %
    assert!(line_with(&s, "on_volume").contains("2,940.00"), "{s}");
    assert!(line_with(&s, "on_volume").contains("17.4%"), "{s}");
    assert!(line_with(&s, "off_rebate").contains("1,345.00"), "{s}");
    assert!(!s.contains("NaN") && !s.contains("inf"));
}

#[test]
fn data_view_shows_each_table_with_position() {
    let mut h = Harness::new(80, 24);
    h.send(&[Action::ShowView(2)]);
    let s = h.screen();
    assert!(s.contains("segments · rows 1–2 of 2"), "{s}");
    assert!(line_with(&s, "ENT").contains("Enterprise"));
    h.send(&[Action::NextTable]);
    let s = h.screen();
    assert!(s.contains("customers · rows 1–3 of 3"), "{s}");
    assert!(line_with(&s, "C2").contains("Bolt"));
    h.send(&[Action::NextTable]);
    let s = h.screen();
    assert!(s.contains("products · rows 1–2 of 2"), "{s}");
    assert!(line_with(&s, "Gadget").contains("100.00"), "{s}");
    h.send(&[Action::NextTable]);
    let s = h.screen();
    assert!(s.contains("transactions · rows 1–5 of 5"), "{s}");
    let t3 = line_with(&s, "T003");
    assert!(t3.contains("2024-02-10") && t3.contains("1,000.00"), "{s}");
    assert!(line_with(&s, "T005").contains("-10.00"), "{s}");
}

#[test]
fn help_overlay_lists_keys_from_the_keymap() {
    let mut h = Harness::new(80, 24);
    h.send(&[Action::ToggleHelp]);
    let s = h.screen();
    assert!(
        s.contains("help · ↑↓ PgUp PgDn scroll · Esc, q or ? closes"),
        "{s}"
    );
    assert!(line_with(&s, "Tab").contains("next view"));
    assert!(line_with(&s, "quit").contains('q'));
    h.send(&[Action::Back]);
    assert!(!h.app.show_help && !h.app.quit);
    assert!(!h.screen().contains("? closes"));
}

#[test]
fn footer_shows_keys_of_the_current_view() {
    let mut h = Harness::new(80, 24);
    let s = h.screen();
    let footer = s.lines().last().unwrap();
    assert!(
        footer.contains("q quit") && !footer.contains("sort"),
        "{footer}"
    );
    h.send(&[Action::ShowView(2)]);
    let s = h.screen();
    let footer = s.lines().last().unwrap();
    assert!(
        footer.contains("s sort") && footer.contains("/ filter"),
        "{footer}"
    );
}

#[test]
fn tiny_terminal_renders_without_panic() {
    for (w, h) in [(40, 12), (20, 5), (1, 1)] {
        let mut harness = Harness::new(w, h);
        let s = harness.screen();
        if w >= 40 {
            assert!(s.contains("pricebench"), "{s}");
            assert!(s.contains("terminal too small (need 80x24)"), "{s}");
        }
        harness.send(&[Action::ShowView(2), Action::NextTable, Action::NextTable]);
        harness.send(&[
            Action::NextTable,
            Action::Down,
            Action::End,
            Action::ToggleHelp,
        ]);
        let s = harness.screen();
        if w >= 40 {
            assert!(s.contains("terminal too small"), "{s}");
        }
    }
}

#[test]
fn overview_at_40x12_cuts_no_number_but_asks_for_80x24() {
    let s = Harness::new(40, 12).screen();
    assert!(s.contains("terminal too small (need 80x24)"), "{s}");
    assert!(s.contains("this one is 40x12"), "{s}");
    assert!(!s.contains("16,9"), "{s}");
}

#[test]
fn data_view_at_40x12_pages_a_few_rows() {
    let mut h = Harness::new(40, 12);
    h.send(&[Action::ShowView(2), Action::PrevTable]);
    // 12 rows − 4 (frame) − 4 (table line, borders, header) = 4 rows per page.
    assert_eq!(h.app.data.page_rows, 4);
    assert!(h.screen().contains("terminal too small"));
}

#[test]
fn views_switch_by_tab_and_digit() {
    let mut h = Harness::new(80, 24);
    assert_eq!(h.app.view, View::Overview);
    let order = [
        View::Data,
        View::Elasticity,
        View::Wtp,
        View::Psm,
        View::Realization,
        View::Value,
        View::Scenarios,
        View::Recommendations,
        View::Evidence,
        View::Overview,
    ];
    for v in order {
        h.send(&[Action::NextView]);
        assert_eq!(h.app.view, v);
    }
    h.send(&[Action::PrevView]);
    assert_eq!(h.app.view, View::Evidence);
    for (d, v) in [
        (6, View::Realization),
        (0, View::Evidence),
        (8, View::Scenarios),
        (3, View::Elasticity),
        (1, View::Overview),
    ] {
        h.send(&[Action::ShowView(d)]);
        assert_eq!(h.app.view, v);
    }
}

#[test]
fn esc_closes_prompt_and_never_quits() {
    let mut h = Harness::new(80, 24);
    h.send(&[Action::ShowView(2), Action::OpenFilter]);
    assert!(h.app.data.prompt.is_some());
    h.send(&[Action::Back]);
    assert!(h.app.data.prompt.is_none() && !h.app.quit);
    h.send(&[Action::Back]);
    assert!(!h.app.quit);
    h.send(&[Action::Quit]);
    assert!(h.app.quit);
}

#[test]
fn selection_moves_and_scrolls_one_row_past_the_page() {
    let ws = fixture::workspace();
    fixture::add_bulk(&ws, 100);
    let mut h = Harness::with(ws, false, 80, 24);
    h.send(&[Action::ShowView(2), Action::PrevTable]);
    assert_eq!(h.app.data.table, DataTable::Transactions);
    let rows = h.app.data.page_rows as usize; // 24 − 8 = 16
    assert_eq!(rows, 16);
    // Ids sort B… before T…: B0000001 … B0000100, T001 … T005.
    assert_eq!(h.selected_id(), "B0000001");
    for _ in 0..rows {
        h.send(&[Action::Down]);
    }
    assert_eq!(h.selected_id(), "B0000017");
    assert_eq!(h.app.data.page.as_ref().unwrap().offset, 1);
    assert!(h.screen().contains("rows 2–17 of 105"));
    h.send(&vec![Action::Up; 16]);
    assert_eq!(h.selected_id(), "B0000001");
    assert_eq!(h.app.data.page.as_ref().unwrap().offset, 0);
}

#[test]
fn paging_uses_whole_pages_and_reaches_both_ends() {
    let ws = fixture::workspace();
    fixture::add_bulk(&ws, 100);
    let mut h = Harness::with(ws, false, 80, 24);
    h.send(&[Action::ShowView(2), Action::PrevTable, Action::PageDown]);
    assert_eq!(h.selected_id(), "B0000017");
    assert!(h.screen().contains("rows 17–32 of 105"));
    h.send(&[Action::End]);
    assert_eq!(h.selected_id(), "T005");
    assert!(h.screen().contains("rows 90–105 of 105"), "{}", h.screen());
    h.send(&[Action::PageUp]);
    assert!(h.screen().contains("rows 74–89 of 105"), "{}", h.screen());
    h.send(&[Action::Home]);
    assert_eq!(h.selected_id(), "B0000001");
    h.send(&[Action::PageUp]);
    assert_eq!(h.app.data.page.as_ref().unwrap().offset, 0);
}

#[test]
fn filter_is_case_insensitive_and_counts_matches() {
    let mut h = Harness::new(80, 24);
    h.send(&[Action::ShowView(2), Action::NextTable, Action::OpenFilter]);
    for c in "bOLt".chars() {
        h.send(&[Action::PromptInput(c)]);
    }
    h.send(&[Action::PromptSubmit]);
    assert_eq!(h.app.data.settings().filter, "bOLt");
    let s = h.screen();
    assert!(s.contains("customers · rows 1–1 of 1"), "{s}");
    assert_eq!(h.selected_id(), "C2");
    // Matches on the segment column too; LIKE wildcards are taken literally.
    h.send(&[Action::OpenFilter]);
    h.send(&vec![Action::PromptBackspace; 4]);
    h.send(&[Action::PromptInput('%'), Action::PromptSubmit]);
    assert!(h.screen().contains("no rows"), "{}", h.screen());
    h.send(&[Action::OpenFilter, Action::PromptBackspace]);
    for c in "smb".chars() {
        h.send(&[Action::PromptInput(c)]);
    }
    h.send(&[Action::PromptSubmit]);
    assert!(h.screen().contains("rows 1–2 of 2"), "{}", h.screen());
}

#[test]
fn filter_on_transactions_pages_by_key_within_matches() {
    let ws = fixture::workspace();
    fixture::add_bulk(&ws, 100);
    let mut h = Harness::with(ws, false, 80, 24);
    h.send(&[Action::ShowView(2), Action::PrevTable, Action::OpenFilter]);
    h.send(&[Action::PromptInput('c'), Action::PromptInput('3')]);
    h.send(&[Action::PromptSubmit]);
    let s = h.screen();
    assert!(s.contains("rows 1–2 of 2"), "{s}");
    assert_eq!(h.selected_id(), "T003");
}

#[test]
fn sort_cycles_columns_and_flips_direction() {
    let mut h = Harness::new(80, 24);
    h.send(&[Action::ShowView(2), Action::PrevTable]);
    // Columns: txn_id, date, customer_id, segment_id, product_id, quantity, …
    h.send(&vec![Action::CycleSort; 5]);
    assert_eq!(h.app.data.settings().sort_column, 5);
    assert_eq!(h.selected_id(), "T005"); // quantity −10 first
    h.send(&[Action::FlipSort]);
    assert_eq!(h.selected_id(), "T003"); // quantity 1,000 first
    assert!(h.screen().contains("quantity ↓"), "{}", h.screen());
    h.send(&[Action::Down]);
    assert_eq!(h.selected_id(), "T001");
}

#[test]
fn sort_by_id_descending_pages_by_key() {
    let ws = fixture::workspace();
    fixture::add_bulk(&ws, 100);
    let mut h = Harness::with(ws, false, 80, 24);
    h.send(&[Action::ShowView(2), Action::PrevTable, Action::FlipSort]);
    assert_eq!(h.selected_id(), "T005");
    h.send(&[Action::PageDown]);
    assert_eq!(h.selected_id(), "B0000089");
    h.send(&[Action::End]);
    assert_eq!(h.selected_id(), "B0000001");
    h.send(&[Action::PageUp]);
    assert!(h.screen().contains("rows 74–89 of 105"), "{}", h.screen());
}

#[test]
fn threaded_worker_answers_and_tests_wait_for_it() {
    let ws = fixture::workspace();
    fixture::add_bulk(&ws, 1000);
    let mut h = Harness::with(ws, true, 80, 24);
    assert!(
        h.app
            .overview
            .data
            .as_ref()
            .is_some_and(|o| o.transactions == 1005)
    );
    h.send(&[Action::ShowView(2), Action::PrevTable, Action::End]);
    assert_eq!(h.selected_id(), "T005");
    // A burst of requests: only the newest answer counts.
    for _ in 0..5 {
        dispatch(&mut h.app, &mut h.worker, Action::CycleSort);
    }
    h.settle();
    assert_eq!(h.app.data.settings().sort_column, 5);
    assert!(!h.app.is_loading());
}

#[test]
fn errors_go_to_the_status_line() {
    let ws = fixture::workspace();
    ws.conn().execute_batch("DROP TABLE customers").unwrap();
    let mut h = Harness::with(ws, false, 80, 24);
    h.send(&[Action::ShowView(2), Action::NextTable]);
    assert!(!h.app.quit);
    let s = h.screen();
    assert!(line_with(&s, "customers:").contains("no such table"), "{s}");
}

#[test]
fn sorted_by_another_column_pages_by_offset() {
    let ws = fixture::workspace();
    fixture::add_bulk(&ws, 100);
    let mut h = Harness::with(ws, false, 80, 24);
    h.send(&[Action::ShowView(2), Action::PrevTable]);
    // quantity ↑, ties by txn_id: T005 (−10), B0000001…B0000100 (1), T002, T004, T001, T003.
    h.send(&vec![Action::CycleSort; 5]);
    assert_eq!(h.selected_id(), "T005");
    h.send(&[Action::PageDown]);
    assert_eq!(h.selected_id(), "B0000016");
    h.send(&[Action::End]);
    assert_eq!(h.selected_id(), "T003");
    assert!(h.screen().contains("rows 90–105 of 105"), "{}", h.screen());
    h.send(&vec![Action::Up; 16]);
    assert_eq!(h.app.data.page.as_ref().unwrap().offset, 88);
    assert_eq!(h.selected_id(), "B0000088");
}

#[test]
fn title_bar_names_the_sample_or_the_file() {
    use pricebench::store::Origin;
    assert_eq!(
        App::new(&Origin::Sample).origin_label,
        "sample data (bundled; no workspace: pricebench import DIR)"
    );
    let s = Harness::with(Workspace::in_memory(Origin::Sample).unwrap(), false, 80, 24).screen();
    assert!(
        s.lines()
            .next()
            .unwrap()
            .contains("pricebench · sample data"),
        "{s}"
    );
}
