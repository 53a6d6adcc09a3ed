//! Views 7 (Value), 8 (Scenarios) and 9 (Recommendations) on the bundled sample: loading a
//! shipped scenario, nudges that move the totals by exactly what the engine computes, undo,
//! save, compare, export from the prompt, and rendering at normal and tiny sizes.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::report::{fmt_money, fmt_pct};
use pricebench::scenario::file::{PriceChange, Selector, at};
use pricebench::scenario::{Prepared, evaluate, plan, to_toml};
use pricebench::tui::action::Action;
use pricebench::tui::ctx::Status;
use pricebench::tui::view::View;
use std::path::Path;
use support::{Harness, assert_close};

impl Harness {
    /// The sample, view 8, and the picked file (0 discount-cleanup, 1 list-increase,
    /// 2 value-based) loaded.
    fn new(w: u16, h: u16, file: usize) -> Harness {
        let ws = pricebench::store::bundled_sample().unwrap();
        let mut h = Harness::with(ws, false, w, h);
        h.send(&[Action::ShowView(8)]);
        for _ in 0..file {
            h.send(&[Action::NextFile]);
        }
        h.send(&[Action::LoadScenario]);
        assert!(h.app.scenarios.session.is_some(), "{:?}", h.app.status());
        h
    }

    fn type_path(&mut self, path: &str) {
        let (_, text) = self.app.scenarios.prompt.clone().unwrap();
        for _ in text.chars() {
            self.send(&[Action::PromptBackspace]);
        }
        for c in path.chars() {
            self.send(&[Action::PromptInput(c)]);
        }
        self.send(&[Action::PromptSubmit]);
    }

    fn prepared(&self) -> Prepared {
        self.app
            .scenarios
            .session
            .as_ref()
            .unwrap()
            .prepared
            .clone()
    }

    fn total_margin(&self) -> f64 {
        let s = self.app.scenarios.session.as_ref().unwrap();
        s.evaluation.total.after.margin
    }
}

/// Undo re-plans only the cell the edit touched: after price and cap nudges on two cells and
/// as many undos, every cell's plan and the totals are what planning the scenario from scratch
/// gives.
#[test]
fn undo_of_price_and_cap_nudges_equals_planning_from_scratch() {
    let mut h = Harness::new(120, 40, 1);
    let loaded = h.prepared();
    h.send(&[Action::Down, Action::NudgePrice(5), Action::NudgeCap(-1)]);
    h.send(&[
        Action::Down,
        Action::Down,
        Action::NudgeCap(-1),
        Action::NudgePrice(-1),
    ]);
    let edited = h.prepared();
    assert_ne!(edited.scenario, loaded.scenario);
    h.send(&[Action::Undo, Action::Undo]);
    let s = h.app.scenarios.session.as_ref().unwrap();
    let fresh = Prepared::new(s.prepared.scenario.clone(), s.prepared.baseline.clone());
    assert_eq!(
        s.prepared.scenario.price_changes.len(),
        loaded.scenario.price_changes.len() + 1
    );
    assert_eq!(
        format!("{:?}", s.prepared.plans),
        format!("{:?}", fresh.plans)
    );
    assert_eq!(
        s.evaluation.total.after.margin,
        fresh.evaluation().total.after.margin
    );
    h.send(&[Action::Undo, Action::Undo]);
    let s = h.app.scenarios.session.as_ref().unwrap();
    assert_eq!(s.prepared.scenario, loaded.scenario);
    assert_eq!(
        format!("{:?}", s.prepared.plans),
        format!("{:?}", loaded.plans)
    );
    assert_eq!(
        s.evaluation.total.after.margin,
        loaded.evaluation().total.after.margin
    );
}

#[test]
fn scenarios_view_shows_the_loaded_scenario_and_its_totals() {
    let h = Harness::new(120, 40, 1);
    let s = h.screen();
    assert!(s.contains("List price increase 2026"), "{s}");
    assert!(s.contains("● list-increase"), "{s}");
    assert!(s.contains("TOTAL"), "{s}");
    assert!(s.contains("SEG-DIS"), "{s}");
    assert!(s.contains("baseline 2025-01-01 – 2025-12-31"), "{s}");
}

#[test]
fn a_nudge_moves_the_totals_by_what_the_engine_computes() {
    let mut h = Harness::new(120, 40, 1);
    h.send(&[Action::Down, Action::Down, Action::Down]);
    let before = h.total_margin();
    let mut expected = h.prepared();
    let cell = expected.baseline.cells[3].clone();
    h.send(&[Action::NudgePrice(1)]);
    let sel = Selector::cell(&cell.segment_id, &cell.product_id);
    expected.scenario.price_changes.push(at(PriceChange {
        segment: sel.segment,
        product: sel.product,
        family: None,
        pct: Some(at(1.0)),
        amount: None,
    }));
    let plans = plan(&expected.scenario, &expected.baseline);
    let engine = evaluate(&expected.baseline, &plans);
    let after = h.total_margin();
    assert!(after != before);
    assert_close(after, engine.total.after.margin, 1e-12);
    let shown = &h.app.scenarios.session.as_ref().unwrap().evaluation;
    assert_close(shown.cells[3].list_after, plans[3].list_price, 1e-12);
    // A second nudge compounds on the same rule: +1% then +5% = +6.05%.
    h.send(&[Action::NudgePrice(5)]);
    let s = h.app.scenarios.session.as_ref().unwrap();
    let list0 = s.evaluation.cells[3].list_before;
    assert_close(
        s.evaluation.cells[3].list_after,
        list0 * 1.04 * 1.01 * 1.05,
        1e-12,
    );
    assert_eq!(s.prepared.scenario.price_changes.len(), 4);
    // Undo twice: back to the loaded totals exactly.
    h.send(&[Action::Undo, Action::Undo]);
    assert_eq!(h.total_margin(), before);
    h.send(&[Action::Undo]);
    assert!(matches!(h.app.status(), Status::Info(m) if m.contains("nothing to undo")));
}

#[test]
fn a_cap_nudge_changes_the_policy_and_the_recommendations() {
    let mut h = Harness::new(120, 40, 0);
    h.send(&[Action::ShowView(9)]);
    let recs_before = h
        .app
        .scenarios
        .session
        .as_ref()
        .unwrap()
        .cached_recommendations()
        .unwrap()
        .cells[0]
        .clone();
    h.send(&[Action::ShowView(8)]);
    let before = h.total_margin();
    h.send(&[Action::NudgeCap(-1)]);
    assert!(
        matches!(h.app.status(), Status::Info(m) if m.contains("cap on")),
        "{:?}",
        h.app.status()
    );
    assert!(h.total_margin() != before);
    let s = h.app.scenarios.session.as_ref().unwrap();
    assert!(s.evaluation.cells[0].pocket_after > s.prepared.baseline.cells[0].pocket_price());
    assert!(
        h.app
            .scenarios
            .session
            .as_ref()
            .unwrap()
            .cached_recommendations()
            .is_none()
    );
    h.send(&[Action::ShowView(9)]);
    let recs_after = h
        .app
        .scenarios
        .session
        .as_ref()
        .unwrap()
        .cached_recommendations()
        .unwrap()
        .cells[0]
        .clone();
    assert!(
        recs_after.expected_pocket_price != recs_before.expected_pocket_price
            || recs_after.list_price != recs_before.list_price
    );
}

#[test]
fn save_writes_a_scenario_that_loads_back_equal() {
    let mut h = Harness::new(120, 40, 2);
    h.send(&[Action::NudgePrice(-5), Action::SaveScenario]);
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("edited.toml");
    h.type_path(path.to_str().unwrap());
    assert!(
        matches!(h.app.status(), Status::Info(m) if m.contains("saved")),
        "{:?}",
        h.app.status()
    );
    let catalog = {
        let ws = pricebench::store::bundled_sample().unwrap();
        pricebench::store::scenario::catalog(&ws).unwrap()
    };
    let again = pricebench::scenario::load(&path, &catalog).unwrap();
    assert_eq!(again, h.prepared().scenario);
    assert!(!h.app.scenarios.session.as_ref().unwrap().dirty);
}

#[test]
fn compare_shows_the_second_scenario_beside_the_first() {
    let mut h = Harness::new(120, 40, 1);
    h.send(&[Action::PrevFile, Action::CompareScenario]);
    let s = h.screen();
    assert!(
        s.contains("B: scenarios/discount-cleanup.toml · baseline 2025-01-01 – 2025-12-31 · Discount clean-up"),
        "{s}"
    );
    assert!(s.contains("B − A"), "{s}");
    assert!(s.contains("◆ discount-cleanup"), "{s}");
    h.send(&[Action::CompareScenario]);
    assert!(h.app.scenarios.compare.is_none());
}

#[test]
fn value_view_draws_the_value_map_of_the_selected_cell() {
    let mut h = Harness::new(120, 40, 2);
    h.send(&[Action::ShowView(7)]);
    // The view opens on the first cell with value drivers: SEG-ENT P0001, after the 24 SEG-DIS
    // cells, which have none.
    assert_eq!(h.app.scenarios.selected, 24);
    let s = h.screen();
    assert!(s.contains("SEG-ENT × P0001 vs Competitor A valve"), "{s}");
    for label in [
        "cost floor",
        "pocket price",
        "customer net",
        "WTP median",
        "economic value",
    ] {
        assert!(s.contains(label), "{label}\n{s}");
    }
    // The file's driver: Competitor A's latest 2025 price of P0001 (2025-12-15 in the sample's
    // competitors.csv) 23.38 + 2.00 + 1.00 − 0.50 = 25.88.
    assert!(s.contains("25.88"), "{s}");
}

#[test]
fn value_view_shows_the_customer_net_price_of_the_value_command_beside_economic_value() {
    let mut h = Harness::new(120, 40, 2);
    h.send(&[Action::ShowView(7)]);
    let ws = pricebench::store::bundled_sample().unwrap();
    let p = pricebench::analysis::scenario::prepare(&ws, Path::new("scenarios/value-based.toml"))
        .unwrap();
    // `pricebench value` prints these rows.
    let cli = p.value_rows();
    let shown = &h.app.scenarios.session.as_ref().unwrap().values;
    assert_eq!(shown, &cli);
    assert_eq!(h.app.scenarios.selected, 24);
    let r = &cli[24];
    assert_eq!(
        (r.segment_id.as_str(), r.product_id.as_str()),
        ("SEG-ENT", "P0001")
    );
    let s = h.screen();
    assert!(s.contains("cust. net"), "{s}");
    let line = s
        .lines()
        .find(|l| l.starts_with("SEG-ENT  P0001 "))
        .unwrap_or_else(|| panic!("no SEG-ENT P0001 row in\n{s}"));
    let ev = r.value.as_ref().unwrap().economic_value;
    for text in [
        fmt_money(ev),
        fmt_money(r.customer_net_price),
        fmt_pct(r.capture_ratio.map(|c| c * 100.0)),
    ] {
        assert!(line.contains(&text), "no {text:?} in {line:?}");
    }
    // The capture ratio is of what the customer pays, which rebates lower below the invoice
    // and which lies above our pocket price (payment terms and freight are our costs).
    assert_close(r.capture_ratio.unwrap(), r.customer_net_price / ev, 1e-12);
    assert!(r.customer_net_price > r.pocket_price);
    let bar = s
        .lines()
        .find(|l| l.contains("customer net") && l.contains(&fmt_money(r.customer_net_price)))
        .unwrap_or_else(|| panic!("no customer net bar in\n{s}"));
    assert!(bar.contains('█'), "{bar}");
}

#[test]
fn recommendations_view_names_the_binding_constraint_and_exports() {
    let mut h = Harness::new(140, 40, 2);
    h.send(&[Action::ShowView(9)]);
    let s = h.screen();
    assert!(s.contains("max_increase"), "{s}");
    // The selected product's reason, in the panel titled with it.
    assert!(s.contains("┐┌ P0001 ─"), "{s}");
    assert!(s.contains("held at the max_increase bound"), "{s}");
    h.send(&[Action::Export]);
    let (_, default) = h.app.scenarios.prompt.clone().unwrap();
    assert_eq!(default, "exports/value-based-recommended.csv");
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("recs.csv");
    h.type_path(path.to_str().unwrap());
    assert!(
        matches!(h.app.status(), Status::Info(m) if m.contains("exported 24 rows")),
        "{:?}",
        h.app.status()
    );
    // The price list: one row per product.
    let rows = csv::Reader::from_path(&path).unwrap().records().count();
    assert_eq!(rows, 24);
    h.send(&[Action::Export]);
    h.type_path(path.to_str().unwrap());
    // An existing file: the prompt stays and asks; the TUI never says "pass --force".
    // (The first existing file of the export names the question: here the segment targets.)
    let asked = format!(
        "'{}' exists; press Enter again to overwrite, or edit the name",
        path.with_extension("segments.csv").display()
    );
    assert_eq!(h.app.status(), Status::Info(asked));
    assert!(h.screen().contains("overwrite (Enter) or edit the name"));
    std::fs::write(&path, "old").unwrap();
    h.send(&[Action::PromptSubmit]);
    assert!(
        matches!(h.app.status(), Status::Info(m) if m.contains("exported 24 rows")),
        "{:?}",
        h.app.status()
    );
    assert_eq!(csv::Reader::from_path(&path).unwrap().records().count(), 24);
}

#[test]
fn views_7_to_9_render_without_a_scenario_and_at_tiny_sizes() {
    let ws = pricebench::store::bundled_sample().unwrap();
    let mut h = Harness::with(ws, false, 80, 24);
    for d in [7, 8, 9] {
        h.send(&[Action::ShowView(d)]);
        let s = h.screen();
        assert!(s.contains("cenario"), "{d}: {s}");
    }
    h.send(&[Action::Resize(40, 12)]);
    assert_eq!(h.app.view, View::Recommendations);
    h.send(&[
        Action::ShowView(8),
        Action::NextFile,
        Action::NextFile,
        Action::LoadScenario,
    ]);
    assert!(h.app.scenarios.session.is_some());
    h.send(&[Action::CompareScenario]);
    for d in [7, 8, 9] {
        h.send(&[Action::ShowView(d)]);
        for (w, ht) in [(1, 1), (10, 3), (30, 8), (40, 12), (80, 24), (200, 50)] {
            h.send(&[Action::Resize(w, ht), Action::Down]);
            let s = h.screen();
            assert!(
                !s.contains("NaN") && !s.contains(" inf"),
                "{d} at {w}×{ht}:\n{s}"
            );
        }
    }
    h.send(&[Action::ShowView(8), Action::SaveScenario]);
    let _ = h.screen();
}

fn sha256(bytes: &[u8]) -> String {
    pricebench::scenario::sha256_hex(bytes)
}

fn meta(csv: &Path) -> serde_json::Value {
    let mut path = csv.as_os_str().to_os_string();
    path.push(".meta.json");
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

#[test]
fn the_export_provenance_hashes_the_scenario_text_that_was_used_edited_or_saved() {
    let mut h = Harness::new(120, 40, 2);
    h.send(&[Action::ShowView(9)]);
    let dir = tempfile::tempdir().unwrap();
    let file = Path::new("scenarios/value-based.toml");
    // As loaded: the file's own text.
    let first = dir.path().join("as-loaded.csv");
    h.send(&[Action::Export]);
    h.type_path(first.to_str().unwrap());
    let m = meta(&first);
    assert_eq!(m["scenario_sha256"], sha256(&std::fs::read(file).unwrap()));
    assert_eq!(m["scenario_edited"], false);
    assert_eq!(m["level"], "product");
    // Edited in view 8 and not saved: the edited scenario as TOML, and the meta says so.
    h.send(&[
        Action::ShowView(8),
        Action::NudgePrice(1),
        Action::ShowView(9),
    ]);
    assert!(h.screen().contains("Value-based repricing (edited)"));
    h.send(&[Action::SwitchLevel]);
    let edited = dir.path().join("edited.csv");
    h.send(&[Action::Export]);
    h.type_path(edited.to_str().unwrap());
    assert!(
        matches!(h.app.status(), Status::Info(m) if m.contains("exported 120 rows")),
        "{:?}",
        h.app.status()
    );
    let toml = to_toml(&h.prepared().scenario).unwrap();
    let m = meta(&edited);
    assert_eq!(m["scenario_sha256"], sha256(toml.as_bytes()));
    assert_ne!(m["scenario_sha256"], sha256(&std::fs::read(file).unwrap()));
    assert_eq!(m["scenario_edited"], true);
    assert!(
        m["scenario_note"]
            .as_str()
            .is_some_and(|n| n.contains("not saved") && n.contains("serialized as TOML")),
        "{m}"
    );
    assert_eq!(m["level"], "segment-product");
    assert_eq!(m["scenario_path"], "scenarios/value-based.toml");
    // Saved: the saved file's text, at its new path.
    let saved = dir.path().join("saved.toml");
    h.send(&[Action::ShowView(8), Action::SaveScenario]);
    h.type_path(saved.to_str().unwrap());
    h.send(&[Action::ShowView(9)]);
    let after_save = dir.path().join("after-save.csv");
    h.send(&[Action::Export]);
    h.type_path(after_save.to_str().unwrap());
    let m = meta(&after_save);
    assert_eq!(
        m["scenario_sha256"],
        sha256(&std::fs::read(&saved).unwrap())
    );
    assert_eq!(m["scenario_edited"], false);
    assert_eq!(m["scenario_path"], saved.to_str().unwrap());
    // Undone past the save: edited again relative to the saved file (and still from the same
    // data: undo keeps what the scenario was read from).
    h.send(&[Action::ShowView(8), Action::Undo, Action::ShowView(9)]);
    let undone = dir.path().join("undone.csv");
    h.send(&[Action::Export]);
    h.type_path(undone.to_str().unwrap());
    let m = meta(&undone);
    assert_eq!(m["scenario_edited"], true);
    let toml = to_toml(&h.prepared().scenario).unwrap();
    assert_eq!(m["scenario_sha256"], sha256(toml.as_bytes()));
    assert!(m["data_stamp"].as_str().is_some_and(|s| !s.is_empty()));
}

#[test]
fn at_80_columns_the_baselines_of_a_and_b_are_shown_whole() {
    let mut h = Harness::new(80, 24, 1);
    h.send(&[Action::PrevFile, Action::CompareScenario]);
    let s = h.screen();
    let whole = s.matches("baseline 2025-01-01 – 2025-12-31").count();
    assert_eq!(whole, 2, "A's and B's baselines, uncut:\n{s}");
    assert!(s.contains("A: "), "{s}");
    assert!(s.contains("B: scenarios/discount-cleanup.toml"), "{s}");
}
