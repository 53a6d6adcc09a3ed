//! View 7's value map (`m`) on the bundled sample with value-based.toml: the selected cell's
//! segment × family drawn as price against perceived benefit with every offer's numbers beside
//! the chart, equal to what `pricebench value --map` computes; `m` again goes back to the
//! cell's value ladder; a tiny terminal still draws it.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::report::{fmt_money, fmt_pct};
use pricebench::tui::action::Action;
use std::path::Path;
use support::Harness;

/// The sample, value-based.toml (the third scenario file) loaded, view 7 shown.
fn value_view(w: u16, h: u16) -> Harness {
    let ws = pricebench::store::bundled_sample().unwrap();
    let mut h = Harness::with(ws, false, w, h);
    h.send(&[Action::ShowView(8), Action::NextFile, Action::NextFile]);
    h.send(&[Action::LoadScenario, Action::ShowView(7)]);
    let s = h
        .app
        .scenarios
        .session
        .as_ref()
        .expect("value-based loaded");
    assert!(s.path.ends_with("value-based.toml"));
    h
}

#[test]
fn m_draws_the_value_map_of_the_selected_cells_segment_and_family() {
    let mut h = value_view(120, 40);
    let cell = &h.app.scenarios.session.as_ref().unwrap().values[h.app.scenarios.selected];
    assert_eq!(
        (cell.segment_id.as_str(), cell.product_id.as_str()),
        ("SEG-ENT", "P0001")
    );
    h.send(&[Action::ToggleValueMap]);
    let s = h.screen();
    assert!(s.contains("value map · SEG-ENT × Valves"), "{s}");
    assert!(s.contains("benefit = price"), "the line's legend\n{s}");
    let ws = pricebench::store::bundled_sample().unwrap();
    let map =
        pricebench::analysis::value_map::value_map(&ws, Path::new("scenarios/value-based.toml"))
            .unwrap();
    let group = map
        .groups
        .iter()
        .find(|g| g.segment_id == "SEG-ENT" && g.family.as_deref() == Some("Valves"))
        .unwrap();
    // Four valves of ours and, per valve, Competitor A (the reference) and Competitor B.
    assert_eq!(group.points.len(), 12);
    for p in &group.points {
        let mark = if p.product_id == "P0001" { "▸" } else { " " };
        let star = if p.is_reference { "*" } else { "" };
        let label = format!("{mark}{}{star}", p.label);
        let line = s
            .lines()
            .find(|l| l.contains(&label))
            .unwrap_or_else(|| panic!("no {label:?} in\n{s}"));
        for number in [fmt_money(p.price), fmt_money(p.benefit), fmt_pct(p.gap_pct)] {
            assert!(line.contains(&number), "{label}: {number} not in {line:?}");
        }
    }
    // Our P0001: customer net 18.92 against 23.38 + 2.50 = 25.88, 26.9% under the line.
    let ours = &group.points[0];
    assert_eq!(
        (ours.label.as_str(), fmt_money(ours.benefit).as_str()),
        ("P0001", "25.88")
    );
    assert!(s.contains("-26.9%") || s.contains("−26.9%"), "{s}");
    h.send(&[Action::ToggleValueMap]);
    let s = h.screen();
    assert!(
        s.contains("cost floor") && !s.contains("benefit = price"),
        "{s}"
    );
}

#[test]
fn the_value_map_fits_a_tiny_terminal_and_a_cell_without_drivers_says_so() {
    let mut h = value_view(80, 24);
    h.send(&[Action::ToggleValueMap]);
    let s = h.screen();
    assert!(s.contains("value map · SEG-ENT"), "{s}");
    h.send(&[Action::Home]);
    let s = h.screen();
    assert!(s.contains("has no value drivers: no value map"), "{s}");
}
