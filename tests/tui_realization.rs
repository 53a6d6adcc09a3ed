//! The Realization view (6) on the hand-computed realization fixture: the waterfall's bar
//! labels, the band's percentiles, the drill-down and Esc, rendered to a `TestBackend`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

mod realization_fixture;

use pricebench::tui::action::Action;
use pricebench::tui::view::View;
use pricebench::tui::views::realization::Level;
use support::Harness;

impl Harness {
    /// The Realization view on the hand-computed fixture.
    fn new(w: u16, h: u16, threaded: bool) -> Harness {
        let mut h = Harness::with(realization_fixture::workspace(), threaded, w, h);
        h.send(&[Action::ShowView(6)]);
        h
    }
}

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

fn assert_line(screen: &str, needle: &str, parts: &[&str]) {
    let line = line_with(screen, needle);
    for p in parts {
        assert!(line.contains(p), "{needle}: no {p:?} in {line:?}\n{screen}");
    }
}

#[test]
fn digit_6_opens_the_total_waterfall_with_labelled_bars() {
    let h = Harness::new(100, 30, false);
    assert_eq!(h.app.view, View::Realization);
    let s = h.screen();
    assert!(s.contains("Waterfall · All segments"), "{s}");
    // Totals: list 2,900 / 250 units; on_volume 270; off_rebate 180; pocket 2,450.
    assert_line(&s, "list_price", &["█", "11.60", "100.0%"]);
    assert_line(&s, "on_volume", &["█", "-1.08", "9.3%"]);
    assert_line(&s, "invoice_price", &["█", "10.52", "90.7%"]);
    assert_line(&s, "off_rebate", &["█", "-0.72", "6.2%"]);
    assert_line(&s, "pocket_price", &["█", "9.80", "84.5%"]);
    // The element bars float: they start right of where the level bars start.
    let start = |needle: &str| line_with(&s, needle).find('█').unwrap();
    assert!(start("on_volume") > start("list_price"));
    assert!(start("off_rebate") > start("pocket_price"));
    assert!(s.contains("Leakage by element"), "{s}");
    assert_line(
        &s,
        "│All segments",
        &["250", "2,900.00", "84.5%", "2,450.00"],
    );
    assert!(!s.contains("NaN") && !s.contains("inf"));
}

#[test]
fn drilling_into_a_segment_shows_its_products_band_and_percentiles() {
    let mut h = Harness::new(100, 30, false);
    h.send(&[Action::Down, Action::Down, Action::Drill]);
    assert_eq!(h.app.realization.level, Level::Products);
    let s = h.screen();
    assert!(s.contains("S2 › products"), "{s}");
    // S2 × P1: C4 40 units at 80 %, C5 10 at 100 % → p10 = p50 = 80, p90 = 100.
    assert!(s.contains("Band · P1"), "{s}");
    assert_line(
        &s,
        "p10",
        &["p10 80.0", "p50 80.0", "p90 100.0", "width 20.0"],
    );
    // S2 × P1 waterfall: 500 list / 50 units, on 40, off 40.
    assert_line(&s, "on_volume", &["-0.80", "8.0%"]);
    assert_line(&s, "pocket_price", &["8.40", "84.0%"]);
    h.send(&[Action::Down]);
    let s = h.screen();
    // S2 × P2: C5 10 units at 70 %, C4 30 at 85 % → p10 70, p50 = p90 = 85.
    assert_line(&s, "p10", &["p10 70.0", "p50 85.0", "p90 85.0"]);
    assert_line(&s, "invoice_price", &["17.50"]);
}

#[test]
fn customers_level_marks_the_selected_customer_and_esc_backs_up() {
    let mut h = Harness::new(100, 30, true);
    h.send(&[
        Action::Down,
        Action::Down,
        Action::Drill,
        Action::Down,
        Action::Drill,
    ]);
    assert_eq!(h.app.realization.level, Level::Customers);
    let s = h.screen();
    assert!(s.contains("S2 › P2 › customers"), "{s}");
    // C4 × P2: 20 list, 2 on, 1 off → 17 pocket, 85 %; its bin carries the marker and p50.
    assert!(s.contains("Waterfall · C4"), "{s}");
    assert_line(&s, "pocket_price", &["17.00", "85.0%"]);
    assert_line(&s, "◀ C4", &["p50"]);
    assert_line(&s, "C5 ", &["-15.0"]);
    h.send(&[Action::Back]);
    assert_eq!(h.app.realization.level, Level::Products);
    assert!(!h.app.quit);
    h.send(&[Action::Left]);
    assert_eq!(h.app.realization.level, Level::Segments);
    // At the top Esc stays: one Esc too many costs nothing.
    h.send(&[Action::Back]);
    assert!(!h.app.quit);
    assert_eq!(h.app.realization.level, Level::Segments);
}

#[test]
fn zero_net_volume_product_says_so_instead_of_dividing() {
    let mut h = Harness::new(100, 30, false);
    h.send(&[Action::Down, Action::Drill, Action::End]);
    let s = h.screen();
    assert!(s.contains("Waterfall · P3"), "{s}");
    assert!(s.contains("no net volume"), "{s}");
    assert!(s.contains("no customer with positive net volume"), "{s}");
    assert!(!s.contains("NaN") && !s.contains("inf"), "{s}");
}

#[test]
fn the_total_row_cannot_be_drilled_and_small_screens_do_not_break() {
    let mut h = Harness::new(80, 24, false);
    h.send(&[Action::Drill]);
    assert_eq!(h.app.realization.level, Level::Segments);
    let s = h.screen();
    assert!(s.contains("pick a segment"), "{s}");
    h.send(&[Action::Resize(40, 12)]);
    assert!(h.screen().contains("terminal too small"));
    let mut h = Harness::new(80, 24, false);
    h.send(&[Action::Down, Action::Drill, Action::Drill]);
    let s = h.screen();
    assert!(s.contains("S1 › P1 › customers"), "{s}");
}
