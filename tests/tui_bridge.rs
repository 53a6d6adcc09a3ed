//! The Bridge (`b`) and Increase (`i`) sub-views of Realization on the bundled sample, rendered
//! to a `TestBackend`: the floating bars and the table against the library's own bridge, the
//! drill-down and Esc, the increase table and the customer ranking.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::analysis::bridge::{IncreaseOptions, Period, increase_realization, period_bridge};
use pricebench::realization::bridge::{Basis, BridgeBy, BridgeOptions, Measure};
use pricebench::realization::increase::{overall, sentence};
use pricebench::report::fmt_money;
use pricebench::tui::action::Action;
use support::Harness;

fn line_with<'a>(screen: &'a str, needle: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(needle))
        .unwrap_or_else(|| panic!("no line with {needle:?} in\n{screen}"))
}

fn compact(cents: i64) -> String {
    pricebench::tui::views::scenarios::money0(cents as f64 / 100.0)
}

fn money(cents: i64) -> String {
    fmt_money(cents as f64 / 100.0)
}

#[test]
fn bridge_sub_view_draws_the_bars_and_drills_segment_product_customer() {
    let mut h = Harness::with(pricebench::store::bundled_sample().unwrap(), false, 140, 40);
    h.send(&[Action::ShowView(6), Action::OpenBridge]);
    let s = h.screen();
    assert!(
        s.contains(
            "Bridge · Total · pocket revenue 2024-01-01..2024-12-31 → 2025-01-01..2025-12-31"
        ),
        "{s}"
    );
    let ws = pricebench::store::bundled_sample().unwrap();
    let options = BridgeOptions {
        by: BridgeBy::Segment,
        measure: Measure::Revenue,
        basis: Basis::Pocket,
    };
    let base = Period::parse("2024-01-01..2024-12-31").unwrap();
    let compare = Period::parse("2025-01-01..2025-12-31").unwrap();
    let b = period_bridge(&ws, base, compare, options).unwrap();
    let t = &b.total;
    let base_line = line_with(&s, "base    ");
    assert!(
        base_line.contains('█') && base_line.contains(&money(t.base_cents)),
        "{base_line}"
    );
    let price = line_with(&s, "price    ");
    assert!(
        price.contains(&money(t.effect("price").unwrap())),
        "{price}"
    );
    // The table's amounts are compact (`311.98M`), never cut.
    let total = line_with(&s, "│Total");
    for v in [t.base_cents, t.compare_cents, t.effect("volume").unwrap()] {
        assert!(total.contains(&compact(v)), "{total}");
    }
    let first = &b.rows[0];
    let segment = first.key.segment_id.clone().unwrap();
    assert!(line_with(&s, &segment).contains(&compact(first.compare_cents)));
    h.send(&[Action::Down, Action::Drill]);
    let s = h.screen();
    assert!(s.contains(&format!("{segment} › products")), "{s}");
    h.send(&[Action::Down, Action::Drill]);
    assert!(h.screen().contains("› customers"), "{}", h.screen());
    h.send(&[Action::Back, Action::Back]);
    assert!(h.screen().contains("segments · Enter drills"));
    h.send(&[Action::Back]);
    let s = h.screen();
    assert!(
        s.contains("Waterfall · All segments"),
        "Esc at the top closes the bridge\n{s}"
    );
    assert!(!h.app.quit);
}

#[test]
fn increase_sub_view_lists_changes_and_ranks_customers() {
    let mut h = Harness::with(pricebench::store::bundled_sample().unwrap(), false, 140, 40);
    h.send(&[Action::ShowView(6), Action::OpenIncrease]);
    let ws = pricebench::store::bundled_sample().unwrap();
    let options = IncreaseOptions {
        effective: None,
        announced: None,
        window_days: 30,
    };
    let results = increase_realization(&ws, &options).unwrap();
    let s = h.screen();
    // The sentence may wrap: compare its start.
    let text = sentence(&overall(&results));
    assert!(s.contains(&text[..40]), "{text}\n{s}");
    assert!(
        s.contains(&format!("{} list-price changes", results.len())),
        "{s}"
    );
    assert!(line_with(&s, "All changes").contains("%"));
    assert!(s.contains("Customers where the increase leaked most"));
    h.send(&[Action::Down]);
    let first = &results[0];
    let s = h.screen();
    assert!(s.contains(&sentence(&first.total)[..30]), "{s}");
    let line = line_with(&s, &first.change.effective.to_string());
    assert!(line.contains(&first.change.product_id));
    h.send(&[Action::Back]);
    assert!(h.screen().contains("Waterfall · All segments"));
}

#[test]
fn sub_views_draw_on_a_tiny_terminal() {
    let mut h = Harness::with(pricebench::store::bundled_sample().unwrap(), false, 30, 8);
    h.send(&[Action::ShowView(6), Action::OpenBridge]);
    let _ = h.screen();
    h.send(&[Action::OpenIncrease]);
    let s = h.screen();
    assert!(!s.contains("NaN") && !s.contains("inf"));
}
