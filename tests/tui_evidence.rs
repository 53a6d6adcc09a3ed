//! View 0 (Evidence) and the Elasticity view's model on the bundled sample, rendered to a
//! `TestBackend`: each method's row shows the number its own model computes, the strip chart
//! puts today's prices in price order on one axis, the disagreement notes and the disagreement
//! filter show, a loaded scenario brings the economic value, and `m` switches the Elasticity
//! view between the cell and the panel model.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::analysis::demand::{current_panel_elasticities, current_wtp, psm_rows};
use pricebench::analysis::realization::waterfalls;
use pricebench::report::fmt_num;
use pricebench::store::bundled_sample;
use pricebench::store::demand::DemandFilter;
use pricebench::store::realization::{Grouping, Scope};
use pricebench::tui::action::Action;
use pricebench::tui::view::View;
use support::Harness;

impl Harness {
    /// The bundled sample on view 0 with the cell `segment` × `product` selected.
    fn evidence_on(w: u16, h: u16, segment: &str, product: &str) -> Harness {
        let mut h = Harness::with(bundled_sample().unwrap(), false, w, h);
        h.send(&[Action::ShowView(0)]);
        assert_eq!(h.app.view, View::Evidence);
        h.select(segment, product);
        h
    }

    fn select(&mut self, segment: &str, product: &str) {
        let e = &self.app.evidence;
        let cells = e.cells.as_ref().expect("evidence loaded");
        let at = e
            .visible
            .iter()
            .position(|&i| cells[i].segment_id == segment && cells[i].product_id == product)
            .unwrap();
        self.send(&[Action::Home]);
        for _ in 0..at {
            self.send(&[Action::Down]);
        }
        let cell = self.app.evidence.selected_cell().unwrap();
        assert_eq!(
            (cell.segment_id.as_str(), cell.product_id.as_str()),
            (segment, product)
        );
    }
}

fn line_with<'a>(screen: &'a str, text: &str) -> &'a str {
    screen
        .lines()
        .find(|l| l.contains(text))
        .unwrap_or_else(|| panic!("no {text:?} in\n{screen}"))
}

/// The character column of `glyph` in `line` after `from` (a label).
fn column_of(line: &str, from: &str, glyph: char) -> usize {
    let start = line.find(from).unwrap() + from.len();
    let before = line[..start].chars().count();
    before + line[start..].chars().position(|c| c == glyph).unwrap()
}

fn pocket_today(segment: &str, product: &str) -> f64 {
    let scope = Scope {
        segment: Some(segment.into()),
        product: Some(product.into()),
        ..Scope::default()
    };
    let w = waterfalls(&bundled_sample().unwrap(), Grouping::SegmentProduct, &scope).unwrap();
    w[0].step("pocket_price").unwrap().per_unit.unwrap()
}

#[test]
fn evidence_view_shows_each_models_numbers_for_the_selected_cell() {
    let h = Harness::evidence_on(140, 40, "SEG-DIS", "P0018");
    let s = h.screen();
    assert!(
        s.contains("SEG-DIS × P0018 · invoice price per unit"),
        "{s}"
    );
    let ws = bundled_sample().unwrap();
    let wtp = current_wtp(&ws).unwrap();
    let fit = &wtp
        .iter()
        .find(|r| r.segment_id == "SEG-DIS" && r.product_id == "P0018")
        .unwrap()
        .fit;
    let median = line_with(&s, "WTP median");
    assert!(
        median.contains(&fmt_num(fit.median_wtp.unwrap(), 2)),
        "{median}"
    );
    let ci = format!(
        "{}–{}",
        fmt_num(fit.median_ci_low.unwrap(), 2),
        fmt_num(fit.median_ci_high.unwrap(), 2)
    );
    assert!(median.contains(&ci), "{median}");
    let psm = psm_rows(&ws, &DemandFilter::default()).unwrap();
    let p = &psm
        .iter()
        .find(|r| r.segment_id == "SEG-DIS" && r.product_id == "P0018")
        .unwrap()
        .result;
    let range = format!(
        "{}–{}",
        fmt_num(p.pmc.unwrap(), 2),
        fmt_num(p.pme.unwrap(), 2)
    );
    assert!(line_with(&s, "VW range").contains(&range), "{s}");
    let pocket = fmt_num(pocket_today("SEG-DIS", "P0018"), 2);
    assert!(line_with(&s, "pocket today").contains(&pocket), "{s}");
    // Without a scenario the economic value says why.
    assert!(
        line_with(&s, "economic value").contains("no_scenario"),
        "{s}"
    );
    line_with(&s, "Disagreements · 3");
    assert!(s.contains(&format!("lies above WTP median {ci}")), "{s}");
}

#[test]
fn the_strip_puts_todays_prices_in_price_order_on_one_axis() {
    let h = Harness::evidence_on(140, 40, "SEG-DIS", "P0018");
    let s = h.screen();
    // List 171.45 > invoice 129.12 > pocket 119.65: their dots, and the axis letters, go right to
    // left in that order.
    let dot = |label: &str| column_of(line_with(&s, label), label, '●');
    let (list, invoice, pocket) = (dot("list today"), dot("invoice today"), dot("pocket today"));
    assert!(
        list > invoice && invoice > pocket,
        "{list} {invoice} {pocket}\n{s}"
    );
    let axis = line_with(&s, "today L I P");
    assert_eq!(column_of(axis, "today L I P", 'L'), list, "{s}");
    assert_eq!(column_of(axis, "today L I P", 'I'), invoice, "{s}");
    assert_eq!(column_of(axis, "today L I P", 'P'), pocket, "{s}");
    // The WTP median's dot lies inside its own bar.
    let median = line_with(&s, "WTP median");
    let (open, mid, close) = (
        column_of(median, "WTP median", '├'),
        column_of(median, "WTP median", '●'),
        column_of(median, "WTP median", '┤'),
    );
    assert!(open < mid && mid < close, "{median}");
    // Today's guides run through the other rows (where no bar covers them).
    let best = line_with(&s, "WTP max margin");
    assert_eq!(best.chars().nth(pocket), Some('┊'), "{best}");
    assert_eq!(best.chars().nth(list), Some('┊'), "{best}");
}

#[test]
fn f_shows_only_the_cells_where_methods_disagree() {
    let mut h = Harness::evidence_on(100, 30, "SEG-DIS", "P0018");
    let all = h.app.evidence.visible.len();
    h.send(&[Action::CycleFlagFilter]);
    let e = &h.app.evidence;
    let cells = e.cells.as_ref().unwrap();
    let shown = e.visible.len();
    assert!(shown > 0 && shown < all, "{shown} of {all}");
    assert!(
        e.visible
            .iter()
            .all(|&i| !cells[i].disagreements.is_empty())
    );
    let s = h.screen();
    assert!(s.contains(&format!("Disagree · {shown}")), "{s}");
    h.send(&[Action::CycleFlagFilter]);
    assert_eq!(h.app.evidence.visible.len(), all);
}

#[test]
fn a_loaded_scenario_brings_the_economic_value() {
    let mut h = Harness::with(bundled_sample().unwrap(), false, 140, 40);
    h.send(&[Action::ShowView(8), Action::NextFile, Action::NextFile]);
    h.send(&[Action::LoadScenario]);
    let session = h
        .app
        .scenarios
        .session
        .as_ref()
        .expect("value-based loaded");
    assert!(session.path.ends_with("value-based.toml"));
    let row = session
        .values
        .iter()
        .find(|v| v.segment_id == "SEG-ENT" && v.product_id == "P0004")
        .unwrap();
    let (value, net) = (
        row.value.clone().unwrap().economic_value,
        row.customer_net_price,
    );
    h.send(&[Action::ShowView(0)]);
    h.select("SEG-ENT", "P0004");
    let s = h.screen();
    assert!(s.contains("value from value-based.toml"), "{s}");
    // On the invoice axis: the value plus what the customer gets back off-invoice, the
    // scenario's baseline (2025) invoice price less its customer net price.
    let scope = Scope {
        segment: Some("SEG-ENT".into()),
        product: Some("P0004".into()),
        from: Some("2025-01-01".parse().unwrap()),
        to: Some("2025-12-31".parse().unwrap()),
        ..Scope::default()
    };
    let w = waterfalls(&bundled_sample().unwrap(), Grouping::SegmentProduct, &scope).unwrap();
    let invoice = w[0].step("invoice_price").unwrap().per_unit.unwrap();
    let expected = fmt_num(value + invoice - net, 2);
    let line = line_with(&s, "economic value");
    assert!(line.contains(&expected), "{expected} in {line}");
}

#[test]
fn evidence_view_fits_80x24_and_200x50() {
    for (w, hgt) in [(80, 24), (200, 50)] {
        let h = Harness::evidence_on(w, hgt, "SEG-DIS", "P0018");
        let s = h.screen();
        for label in [
            "list today",
            "elasticity cell",
            "WTP median",
            "VW range",
            "economic value",
        ] {
            line_with(&s, label);
        }
        assert!(s.contains("Disagreements"), "{w}×{hgt}\n{s}");
        assert!(line_with(&s, "0 Evidence").contains("0 Evidence"));
    }
}

#[test]
fn m_switches_the_elasticity_view_between_the_cell_and_the_panel_model() {
    let mut h = Harness::with(bundled_sample().unwrap(), false, 140, 40);
    h.send(&[Action::ShowView(3)]);
    let s = h.screen();
    assert!(s.contains("Elasticity · cell · week · pocket"), "{s}");
    assert!(s.contains("model      cell · OLS per week"), "{s}");
    let row = h.app.elasticity.selected_row().unwrap().clone();
    h.send(&[Action::SwitchModel]);
    let s = h.screen();
    assert!(s.contains("Elasticity · panel · month · pocket"), "{s}");
    assert!(s.contains("Demand · SEG-DIS × P0001 · panel model"), "{s}");
    let panel = current_panel_elasticities(&bundled_sample().unwrap()).unwrap();
    let p = panel
        .iter()
        .find(|r| r.segment_id == row.segment_id && r.product_id == row.product_id)
        .unwrap();
    let selected = h.app.elasticity.selected_row().unwrap();
    assert_eq!(
        (&selected.segment_id, &selected.product_id),
        (&p.segment_id, &p.product_id)
    );
    let fit = format!(
        "model      panel · FE · {} customers",
        p.n_customers.unwrap()
    );
    assert!(s.contains(&fit), "{fit}\n{s}");
    let within = format!("within R²  {}", fmt_num(p.r_squared.unwrap(), 3));
    assert!(s.contains(&within), "{within}\n{s}");
    let estimate = format!("elasticity {}", fmt_num(p.elasticity.unwrap(), 3));
    assert!(s.contains(&estimate), "{estimate}\n{s}");
    h.send(&[Action::SwitchModel]);
    assert!(h.screen().contains("Elasticity · cell · week · pocket"));
}

#[test]
fn evidence_list_sorts_filters_and_a_click_selects_a_cell() {
    let mut h = Harness::evidence_on(100, 30, "SEG-DIS", "P0001");
    let cells = h.app.evidence.cells.clone().unwrap();
    let all = h.app.evidence.visible.len();
    // Three presses: the disagreements; S: the most first.
    h.send(&[
        Action::CycleSort,
        Action::CycleSort,
        Action::CycleSort,
        Action::FlipSort,
    ]);
    let n: Vec<usize> = h
        .app
        .evidence
        .visible
        .iter()
        .map(|&i| cells[i].disagreements.len())
        .collect();
    assert_eq!(n.len(), all);
    assert!(n.windows(2).all(|w| w[0] >= w[1]), "{n:?}");
    assert!(n[0] > n[n.len() - 1]);
    assert!(h.screen().contains("! ↓"), "{}", h.screen());
    // The selection stayed on its cell through the sort.
    let cell = h.app.evidence.selected_cell().unwrap();
    assert_eq!(
        (cell.segment_id.as_str(), cell.product_id.as_str()),
        ("SEG-DIS", "P0001")
    );
    // A filter on a product: its cells only; Esc clears it.
    let mut filter = vec![Action::OpenFilter];
    filter.extend("p0018".chars().map(Action::PromptInput));
    filter.push(Action::PromptSubmit);
    h.send(&filter);
    let shown = &h.app.evidence.visible;
    let want = cells.iter().filter(|c| c.product_id == "P0018").count();
    assert_eq!(shown.len(), want);
    assert!(shown.iter().all(|&i| cells[i].product_id == "P0018"));
    assert!(
        h.screen()
            .contains(&format!("Cells · {want} of {}", cells.len()))
    );
    h.send(&[Action::Back]);
    assert_eq!(h.app.evidence.visible.len(), all);
    assert!(!h.app.quit);
    // A click on the third row shown selects it.
    h.send(&[Action::Home]);
    let third = h.app.evidence.visible[2];
    let s = h.screen();
    let y = s
        .lines()
        .position(|l| {
            let left: String = l.chars().take(24).collect();
            left.contains(&cells[third].segment_id) && left.contains(&cells[third].product_id)
        })
        .unwrap_or_else(|| panic!("no third row in\n{s}")) as u16;
    h.send(&[Action::Click(3, y)]);
    let cell = h.app.evidence.selected_cell().unwrap();
    assert_eq!(cell.product_id, cells[third].product_id);
    assert_eq!(cell.segment_id, cells[third].segment_id);
}
