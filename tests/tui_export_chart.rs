//! The TUI's `x` key on the bundled sample: the shown view's chart written as SVG (the report's
//! chart code) under the export directory, its marks matching what the view shows, and the
//! status line saying where it went.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use plotters::style::RGBColor;
use pricebench::chart::colour;
use pricebench::tui::action::Action;
use support::Harness;

fn marks(svg: &str, tag: &str, c: RGBColor) -> usize {
    let hex = format!("#{:02X}{:02X}{:02X}", c.0, c.1, c.2);
    svg.split('<')
        .filter(|el| el.starts_with(&format!("{tag} ")) && el.contains(&hex))
        .count()
}

fn harness(dir: &std::path::Path) -> Harness {
    let ws = pricebench::store::bundled_sample().unwrap();
    let mut h = Harness::with(ws, false, 120, 40);
    h.app.export_dir = dir.join("exports");
    h
}

/// Presses `x` and returns the status line's path and the SVG written there.
fn export(h: &mut Harness) -> (String, String) {
    h.send(&[Action::ExportChart]);
    let screen = h.screen();
    let line = screen
        .lines()
        .find(|l| l.contains("wrote the chart to "))
        .unwrap_or_else(|| panic!("no status line in\n{screen}"));
    let path = line
        .split("wrote the chart to ")
        .nth(1)
        .unwrap()
        .trim()
        .to_string();
    let path = path.trim_end_matches('│').trim().to_string();
    let svg = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    assert!(svg.starts_with("<svg"));
    (path, svg)
}

#[test]
fn x_in_realization_writes_the_selected_rows_waterfall_one_bar_per_step() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.send(&[Action::ShowView(6)]);
    let steps = h.app.realization.waterfall.as_ref().unwrap().steps.len();
    let (path, svg) = export(&mut h);
    assert!(path.ends_with("exports/waterfall-total.svg"), "{path}");
    assert_eq!(
        marks(&svg, "rect", colour::LEVEL) + marks(&svg, "rect", colour::LEAK),
        steps
    );
    assert_eq!(marks(&svg, "rect", colour::LEVEL), 3);
    // Down to the first segment: its own waterfall, its own file.
    h.send(&[Action::Down]);
    let key = h.app.realization.waterfall.as_ref().unwrap().key.clone();
    let (path, _) = export(&mut h);
    let segment = key.segment_id.unwrap();
    assert!(
        path.ends_with(&format!("waterfall-{segment}.svg")),
        "{path}"
    );
}

#[test]
fn x_in_elasticity_writes_one_point_per_shown_cell_with_an_estimate() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.send(&[Action::ShowView(3)]);
    let rows = h.app.elasticity.rows();
    let shown = rows.iter().take(pricebench::tui::export_chart::FOREST_ROWS);
    let with_estimate = shown.filter(|r| r.elasticity.is_some()).count();
    assert!(with_estimate > 10);
    let (path, svg) = export(&mut h);
    assert!(path.ends_with("exports/elasticity-cell.svg"), "{path}");
    assert_eq!(marks(&svg, "circle", colour::ESTIMATE), with_estimate);
}

#[test]
fn x_in_wtp_and_price_sensitivity_writes_the_selected_cells_curves() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.send(&[Action::ShowView(4)]);
    let (cell, _) = h.app.wtp.selected_cell().unwrap();
    let bins = cell
        .binned_win_rates(pricebench::chart::figures::WIN_BINS)
        .len();
    let name = format!("wtp-{}-{}.svg", cell.segment_id, cell.product_id).replace('*', "_");
    let (path, svg) = export(&mut h);
    assert!(path.ends_with(&name), "{path} vs {name}");
    assert_eq!(marks(&svg, "circle", colour::OBSERVED), bins);
    assert_eq!(marks(&svg, "polyline", colour::FITTED), 1);

    h.send(&[Action::ShowView(5)]);
    let (_, svg) = export(&mut h);
    for c in colour::PSM {
        assert_eq!(marks(&svg, "polyline", c), 1);
    }
}

#[test]
fn x_where_there_is_no_chart_says_so_and_writes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.send(&[Action::ShowView(1), Action::ExportChart]);
    let screen = h.screen();
    assert!(screen.contains("no chart to export here"), "{screen}");
    assert!(!dir.path().join("exports").exists());
}

#[test]
fn x_in_value_writes_the_selected_cells_value_map() {
    let dir = tempfile::tempdir().unwrap();
    let mut h = harness(dir.path());
    h.send(&[
        Action::ShowView(8),
        Action::NextFile,
        Action::NextFile,
        Action::LoadScenario,
        Action::ShowView(7),
    ]);
    let s = h.app.scenarios.session.as_ref().unwrap();
    let row = &s.values[h.app.scenarios.selected];
    assert!(
        row.value.is_some(),
        "the view opens on a cell with value drivers"
    );
    let map =
        pricebench::scenario::value_map::value_map(&s.values, &s.prepared.baseline.competitors);
    let group = map
        .groups
        .iter()
        .find(|g| g.segment_id == row.segment_id && g.family == row.family)
        .unwrap();
    let name = format!(
        "value-map-{}-{}.svg",
        row.segment_id,
        group.family.clone().unwrap()
    );
    let points = group.points.len();
    let (path, svg) = export(&mut h);
    assert!(path.ends_with(&name), "{path}");
    let dots: usize = colour::MAP.iter().map(|c| marks(&svg, "circle", *c)).sum();
    assert_eq!(dots, points);
    assert_eq!(marks(&svg, "polyline", colour::MAP_LINE), 1);
}
