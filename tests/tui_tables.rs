//! Every table sorts and filters with the same keys (`s` next column, `S` flips, `/` filter,
//! Esc or Ctrl-U clears), keeps its selection on the same row where it is still shown, and
//! selects a row on a click — pressed as keys through the keymap and drawn to a `TestBackend`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::store::bundled_sample;
use pricebench::tui::action::Action;
use pricebench::tui::keymap::action_for;
use pricebench::tui::view::View;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use support::Harness;

impl Harness {
    fn sample(w: u16, h: u16) -> Harness {
        Harness::with(bundled_sample().unwrap(), false, w, h)
    }

    /// Presses `keys` (characters; `\x1b` is Esc, `\n` Enter, `\x15` Ctrl-U) through the keymap.
    fn keys(&mut self, keys: &str) {
        for c in keys.chars() {
            let ev = match c {
                '\x1b' => KeyEvent::new(KeyCode::Esc, KeyModifiers::NONE),
                '\n' => KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE),
                '\x15' => KeyEvent::new(KeyCode::Char('u'), KeyModifiers::CONTROL),
                c if c.is_uppercase() => KeyEvent::new(KeyCode::Char(c), KeyModifiers::SHIFT),
                c => KeyEvent::new(KeyCode::Char(c), KeyModifiers::NONE),
            };
            let action = action_for(&ev, self.app.key_context())
                .unwrap_or_else(|| panic!("{c:?} means nothing in {:?}", self.app.view));
            self.send(&[action]);
        }
    }
}

fn assert_shows(screen: &str, text: &str) {
    assert!(screen.contains(text), "no {text:?} in\n{screen}");
}

/// The rows of the table on screen whose line holds `marker`, top to bottom: the text of the
/// line from `from` on, trimmed.
fn lines_with<'a>(screen: &'a str, marker: &str) -> Vec<&'a str> {
    screen.lines().filter(|l| l.contains(marker)).collect()
}

#[test]
fn price_sensitivity_sorts_flips_and_filters_keeping_the_selected_cell() {
    let mut h = Harness::sample(120, 36);
    h.send(&[Action::ShowView(5)]);
    let rows = h.app.psm.rows.clone().unwrap();
    assert!(rows.len() >= 4, "{}", rows.len());
    h.keys("jj");
    let picked = h.app.psm.selected_row().unwrap().clone();
    // s four times: Segment, Product, n, PMC ascending.
    h.keys("ssss");
    assert_eq!(h.app.psm.table.sort, Some(3));
    let pmc: Vec<f64> = h
        .app
        .psm
        .table
        .order()
        .iter()
        .map(|&i| rows[i].result.pmc.unwrap_or(f64::INFINITY))
        .collect();
    assert!(pmc.windows(2).all(|w| w[0] <= w[1]), "{pmc:?}");
    assert_eq!(
        h.app.psm.selected_row(),
        Some(&picked),
        "same cell after sort"
    );
    assert_shows(&h.screen(), "PMC ↑");
    h.keys("S");
    assert_shows(&h.screen(), "PMC ↓");
    let first = h.app.psm.table.order()[0];
    let top = rows
        .iter()
        .map(|r| r.result.pmc.unwrap_or(f64::NEG_INFINITY));
    let max = top.fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(rows[first].result.pmc, Some(max));
    assert_eq!(h.app.psm.selected_row(), Some(&picked));
    // `/` + the product id: only its cells, the selection still on it.
    let product = picked.product_id.clone();
    h.keys("/");
    assert!(h.app.key_context().prompt_open);
    h.keys(&product);
    assert_shows(&h.screen(), &format!("filter: {product}"));
    h.keys("\n");
    let want = rows
        .iter()
        .filter(|r| r.product_id.contains(&product))
        .count();
    assert_eq!(h.app.psm.table.order().len(), want);
    assert_eq!(h.app.psm.selected_row(), Some(&picked));
    let s = h.screen();
    assert_shows(&s, &format!("{want} of {} cells", rows.len()));
    assert_shows(&s, &format!("filter '{product}'"));
    for line in lines_with(&s, "SEG-") {
        assert!(line.contains(&product), "{line}");
    }
    // Esc clears the filter (and does not quit), the selection stays.
    h.keys("\x1b");
    assert!(!h.app.quit);
    assert_eq!(h.app.psm.table.order().len(), rows.len());
    assert_eq!(h.app.psm.selected_row(), Some(&picked));
    // Ctrl-U clears it too.
    h.keys("/");
    h.keys(&product);
    h.keys("\n\x15");
    assert_eq!(h.app.psm.table.order().len(), rows.len());
    // A filter that matches nothing: an empty table, no panic, no selection.
    h.keys("/zzz\n");
    assert_eq!(h.app.psm.selected_row(), None);
    assert_shows(&h.screen(), "0 of");
    h.keys("\x1b");
    assert!(h.app.psm.selected_row().is_some());
}

#[test]
fn willingness_to_pay_sorts_by_median_and_filters_by_segment() {
    let mut h = Harness::sample(120, 36);
    h.send(&[Action::ShowView(4)]);
    assert_eq!(h.app.view, View::Wtp);
    let n = h.app.wtp.data.as_ref().unwrap().cells.len();
    h.keys("G");
    let (cell, _) = h.app.wtp.selected_cell().unwrap();
    let picked = (cell.segment_id.clone(), cell.product_id.clone());
    // Six presses: the median column, ascending.
    h.keys("ssssss");
    assert_shows(&h.screen(), "median ↑");
    let medians: Vec<f64> = (0..n)
        .map(|k| {
            h.app.wtp.table.select(k);
            let (_, fits) = h.app.wtp.selected_cell().unwrap();
            let best = fits.iter().find(|f| f.fit.best_by_aic).unwrap_or(&fits[0]);
            best.fit.median_wtp.unwrap_or(f64::INFINITY)
        })
        .collect();
    assert!(medians.windows(2).all(|w| w[0] <= w[1]), "{medians:?}");
    // Filter by the picked cell's segment: its cells only, all of them.
    let mut h = Harness::sample(120, 36);
    h.send(&[Action::ShowView(4)]);
    h.keys("G");
    h.keys(&format!("/{}\n", picked.0.to_lowercase()));
    let cells = &h.app.wtp.data.as_ref().unwrap().cells;
    let want = cells.iter().filter(|c| c.segment_id == picked.0).count();
    assert_eq!(h.app.wtp.table.order().len(), want);
    let (cell, _) = h.app.wtp.selected_cell().unwrap();
    assert_eq!((&cell.segment_id, &cell.product_id), (&picked.0, &picked.1));
    h.keys("\x1b");
    assert_eq!(h.app.wtp.table.order().len(), n);
}

/// The sample with the bundled value-based scenario loaded (file 2 of view 8).
fn value_based(w: u16, h: u16) -> Harness {
    let mut h = Harness::sample(w, h);
    h.send(&[
        Action::ShowView(8),
        Action::NextFile,
        Action::NextFile,
        Action::LoadScenario,
    ]);
    let s = h.app.scenarios.session.as_ref().unwrap();
    assert!(s.path.ends_with("value-based.toml"), "{:?}", s.path);
    h
}

#[test]
fn value_opens_on_a_cell_with_drivers_and_breaks_its_value_down_by_driver() {
    let mut h = value_based(120, 40);
    let values = h.app.scenarios.session.as_ref().unwrap().values.clone();
    assert!(values[0].value.is_none(), "the first row has no drivers");
    h.keys("7");
    let first = values.iter().position(|r| r.value.is_some()).unwrap();
    assert_eq!(h.app.scenarios.selected, first);
    let r = &values[first];
    assert_eq!(
        (r.segment_id.as_str(), r.product_id.as_str()),
        ("SEG-ENT", "P0001")
    );
    // scenarios/value-based.toml: Competitor A's latest 2025 price 23.38 (the sample's
    // competitors.csv) + uptime 2.00 + service_contract 1.00 − lead_time 0.50.
    let s = h.screen();
    let row = |label: &str| {
        s.lines()
            .find(|l| l.contains(label))
            .unwrap_or_else(|| panic!("no {label:?} in\n{s}"))
            .split('│')
            .rev()
            .find(|part| part.contains(label))
            .unwrap()
            .split_whitespace()
            .last()
            .unwrap()
            .to_string()
    };
    assert_eq!(row("+ uptime"), "2.00");
    assert_eq!(row("+ service_contract"), "1.00");
    assert_eq!(row("− lead_time"), "-0.50");
    assert_eq!(row("= differentiation"), "2.50");
    assert_eq!(row("= economic value"), "25.88");
    // The breakdown adds up to the value the table shows for the cell.
    let v = r.value.as_ref().unwrap();
    let sum: f64 = v.reference_value + v.drivers.iter().map(|d| d.amount).sum::<f64>();
    assert!((sum - v.economic_value).abs() < 1e-9);
    // A cell without drivers (SEG-DIS) shows no breakdown; moving there is not a panic.
    h.keys("g");
    assert_eq!(h.app.scenarios.selected, 0);
    assert!(!h.screen().contains("= economic value"));
}

#[test]
fn value_sorts_and_filters_and_its_selection_is_the_cell_view_8_edits() {
    let mut h = value_based(120, 40);
    h.keys("7");
    let values = h.app.scenarios.session.as_ref().unwrap().values.clone();
    let picked = h.app.scenarios.selected;
    // Five presses: economic value ascending, cells without drivers last.
    h.keys("sssss");
    assert_shows(&h.screen(), "econ. value ↑");
    let order = h.app.scenarios.value_table.order().to_vec();
    let ev: Vec<f64> = order
        .iter()
        .map(|&i| {
            values[i]
                .value
                .as_ref()
                .map_or(f64::INFINITY, |v| v.economic_value)
        })
        .collect();
    assert!(ev.windows(2).all(|w| w[0] <= w[1]), "{ev:?}");
    assert_eq!(h.app.scenarios.selected, picked, "same cell after the sort");
    // The top row after S is the largest economic value; selecting it selects view 8's cell.
    h.keys("Sg");
    let top = h.app.scenarios.value_table.order()[0];
    let max = values
        .iter()
        .filter_map(|r| r.value.as_ref().map(|v| v.economic_value))
        .fold(f64::NEG_INFINITY, f64::max);
    assert_eq!(values[top].value.as_ref().unwrap().economic_value, max);
    assert_eq!(h.app.scenarios.selected, top);
    // Filter on a product: only its cells; the selection on one of them.
    h.keys("/p0002\n");
    let shown = h.app.scenarios.value_table.order().to_vec();
    let want = values.iter().filter(|r| r.product_id == "P0002").count();
    assert_eq!(shown.len(), want);
    assert!(shown.contains(&h.app.scenarios.selected));
    let s = h.screen();
    assert_shows(&s, &format!("{want} of {} cells", values.len()));
    assert_shows(&s, "filter 'p0002'");
    h.keys("\x1b");
    assert_eq!(h.app.scenarios.value_table.order().len(), values.len());
}

#[test]
fn recommendations_sort_filter_and_open_the_curve_of_the_row_shown() {
    let mut h = value_based(140, 40);
    h.keys("9");
    let products = {
        let s = h.app.scenarios.session.as_ref().unwrap();
        s.cached_recommendations().unwrap().products.clone()
    };
    assert!(products.len() > 2);
    // Four presses: the change column, then flipped: the largest change first.
    h.keys("ssssS");
    assert_shows(&h.screen(), "change ↓");
    let order = h.app.scenarios.recs.table.order().to_vec();
    let change: Vec<f64> = order.iter().map(|&i| products[i].change_pct).collect();
    assert!(change.windows(2).all(|w| w[0] >= w[1]), "{change:?}");
    // Filter to one product; Enter opens that product's curve, Esc closes it, Esc clears.
    let id = products[order[1]].product_id.clone();
    h.keys(&format!("/{id}\n"));
    assert_eq!(h.app.scenarios.recs.table.order(), [order[1]]);
    h.keys("\n");
    assert!(h.app.scenarios.recs.curve_open);
    let s = h.screen();
    assert_shows(&s, &id);
    h.keys("\x1b");
    assert!(!h.app.scenarios.recs.curve_open);
    assert_eq!(h.app.scenarios.recs.table.order().len(), 1);
    h.keys("\x1b");
    assert_eq!(h.app.scenarios.recs.table.order().len(), products.len());
    assert_eq!(h.app.scenarios.recs.table.current(), Some(order[1]));
    assert!(!h.app.quit);
}

#[test]
fn realization_lists_sort_and_filter_and_esc_clears_the_filter_before_backing_up() {
    let mut h = Harness::sample(120, 40);
    h.keys("6");
    assert_eq!(h.app.view, View::Realization);
    // Row 0 is the total; the first segment's products.
    h.keys("j\n");
    assert_eq!(
        h.app.realization.level,
        pricebench::tui::views::realization::Level::Products
    );
    let rows = h.app.realization.rows.clone();
    assert!(rows.len() > 3, "{}", rows.len());
    let pct = |i: usize| rows[i].sums.pocket_revenue / rows[i].sums.list_revenue;
    // Four presses: pocket %, then flipped: the best-realized product first.
    h.keys("ssssS");
    assert_shows(&h.screen(), "Pocket% ↓");
    let order = h.app.realization.table().order().to_vec();
    let shown: Vec<f64> = order.iter().map(|&i| pct(i)).collect();
    assert!(shown.windows(2).all(|w| w[0] >= w[1] - 1e-12), "{shown:?}");
    // The waterfall is the selected row's.
    h.keys("g");
    let top = rows[order[0]].key.product_id.clone().unwrap();
    assert_shows(&h.screen(), &format!("Waterfall · {top}"));
    // Filter to that product, then Esc: the filter clears, the drill-down stays.
    h.keys(&format!("/{top}\n"));
    assert_eq!(h.app.realization.table().order(), [order[0]]);
    assert_shows(&h.screen(), &format!("1 of {}", rows.len()));
    h.keys("\x1b");
    assert_eq!(
        h.app.realization.level,
        pricebench::tui::views::realization::Level::Products
    );
    assert_eq!(h.app.realization.table().order().len(), rows.len());
    assert_eq!(h.app.realization.table().current(), Some(order[0]));
    // The next Esc backs up to the segments; another says how to quit, and does not.
    h.keys("\x1b");
    assert!(h.app.realization.at_top());
    h.keys("\x1b");
    assert!(!h.app.quit);
}

/// The screen line on which the table at the left draws the cell `seg` × `prod`.
fn line_of(screen: &str, seg: &str, prod: &str) -> u16 {
    let at = screen.lines().position(|l| {
        let left: String = l.chars().take(60).collect();
        left.contains(&format!("{seg} ")) && left.contains(prod)
    });
    at.unwrap_or_else(|| panic!("no {seg} {prod} in\n{screen}")) as u16
}

#[test]
fn a_click_on_a_row_selects_it_in_the_wtp_and_price_sensitivity_tables() {
    let mut h = Harness::sample(120, 36);
    h.keys("5");
    let rows = h.app.psm.rows.clone().unwrap();
    for k in [3, 1, rows.len() - 1] {
        if k != rows.len() - 1 {
            h.keys("g");
        } else {
            h.keys("G");
        }
        let r = &rows[k];
        let y = line_of(&h.screen(), &r.segment_id, &r.product_id);
        if k == rows.len() - 1 {
            h.keys("g");
            // Scrolled back to the top, the last row is no longer drawn there.
            let before = h.app.psm.selected_row().cloned();
            h.send(&[Action::Click(3, y)]);
            assert_ne!(h.app.psm.selected_row(), Some(r));
            assert!(before.is_some());
            continue;
        }
        h.send(&[Action::Click(3, y)]);
        assert_eq!(h.app.psm.selected_row(), Some(r), "row {k}");
    }
    // The header and the border select nothing.
    h.keys("gj");
    let picked = h.app.psm.selected_row().cloned();
    h.send(&[
        Action::Click(3, 3),
        Action::Click(3, 2),
        Action::Click(0, 6),
    ]);
    assert_eq!(h.app.psm.selected_row().cloned(), picked);
    // Sorted and scrolled to the end: the click still finds the row drawn there.
    h.keys("sssSG");
    let order = h.app.psm.table.order().to_vec();
    let k = order[order.len() - 3];
    let y = line_of(&h.screen(), &rows[k].segment_id, &rows[k].product_id);
    h.send(&[Action::Click(5, y)]);
    assert_eq!(h.app.psm.table.current(), Some(k));

    h.keys("4");
    let cells = h.app.wtp.data.as_ref().unwrap().cells.clone();
    let c = &cells[2];
    let y = line_of(&h.screen(), &c.segment_id, &c.product_id);
    h.send(&[Action::Click(4, y)]);
    let (cell, _) = h.app.wtp.selected_cell().unwrap();
    assert_eq!(
        (&cell.segment_id, &cell.product_id),
        (&c.segment_id, &c.product_id)
    );
}

#[test]
fn a_click_on_a_realization_row_selects_it_and_the_waterfall_follows() {
    let mut h = Harness::sample(120, 40);
    h.keys("6");
    let rows = h.app.realization.rows.clone();
    let seg = rows[2].key.segment_id.clone().unwrap();
    let s = h.screen();
    let y = s
        .lines()
        .position(|l| {
            l.chars()
                .take(60)
                .collect::<String>()
                .contains(&format!("│{seg} "))
        })
        .unwrap_or_else(|| panic!("no {seg} row in\n{s}")) as u16;
    h.send(&[Action::Click(3, y)]);
    assert_eq!(h.app.realization.table().current(), Some(2));
    assert_shows(&h.screen(), &format!("Waterfall · {seg}"));
    // Enter drills into the clicked segment.
    h.keys("\n");
    assert_shows(&h.screen(), &format!("{seg} › products"));
}

/// Where the row `seg` × `prod` is drawn: the column of its segment id and its line (the
/// segment id followed, after spaces, by the product id).
fn cell_at(screen: &str, seg: &str, prod: &str) -> (u16, u16) {
    for (y, line) in screen.lines().enumerate() {
        let chars: Vec<char> = line.chars().collect();
        let text: String = chars.iter().collect();
        if let Some(at) = text.find(&format!("{seg} ")) {
            let rest = text[at + seg.len()..].trim_start();
            if rest.starts_with(&format!("{prod} ")) {
                let x = text[..at].chars().count();
                return (x as u16, y as u16);
            }
        }
    }
    panic!("no row {seg} {prod} in\n{screen}")
}

#[test]
fn a_click_on_a_row_selects_it_in_the_value_recommendations_and_scenarios_tables() {
    let mut h = value_based(120, 40);
    // View 7: the fourth row shown; the click selects it and view 8's cell with it.
    h.keys("7");
    let values = h.app.scenarios.session.as_ref().unwrap().values.clone();
    let k = h.app.scenarios.value_table.order()[3];
    let (x, y) = cell_at(&h.screen(), &values[k].segment_id, &values[k].product_id);
    h.send(&[Action::Click(x + 1, y)]);
    assert_eq!(h.app.scenarios.value_table.current(), Some(k));
    assert_eq!(h.app.scenarios.selected, k);
    // The header line selects nothing.
    h.send(&[Action::Click(x + 1, 3)]);
    assert_eq!(h.app.scenarios.selected, k);

    // View 8: a click on a cell selects it, and + then nudges that cell.
    h.keys("8");
    let cells = h
        .app
        .scenarios
        .session
        .as_ref()
        .unwrap()
        .evaluation
        .cells
        .clone();
    let k = 5;
    let (x, y) = cell_at(&h.screen(), &cells[k].segment_id, &cells[k].product_id);
    h.send(&[Action::Click(x + 1, y)]);
    assert_eq!(h.app.scenarios.selected, k);
    h.keys("+");
    let after = &h.app.scenarios.session.as_ref().unwrap().evaluation.cells[k];
    assert!((after.list_after / cells[k].list_after - 1.01).abs() < 1e-9);

    // View 9 at the segment level: the click selects the row, Enter opens its curve.
    h.keys("9L");
    let recs = {
        let s = h.app.scenarios.session.as_ref().unwrap();
        s.cached_recommendations().unwrap().cells.clone()
    };
    let k = h.app.scenarios.recs.table.order()[2];
    let (x, y) = cell_at(&h.screen(), &recs[k].segment_id, &recs[k].product_id);
    h.send(&[Action::Click(x + 1, y)]);
    assert_eq!(h.app.scenarios.recs.table.current(), Some(k));
    h.keys("\n");
    assert!(h.app.scenarios.recs.curve_open);
    // Over the curve a click selects nothing.
    h.send(&[Action::Click(x + 1, y + 1)]);
    assert_eq!(h.app.scenarios.recs.table.current(), Some(k));
}

#[test]
fn scenarios_cell_table_sorts_with_o_flips_with_s_and_filters_and_s_still_saves() {
    let mut h = value_based(120, 40);
    let cells = h
        .app
        .scenarios
        .session
        .as_ref()
        .unwrap()
        .evaluation
        .cells
        .clone();
    // Four presses: the new list price; S: the dearest first.
    h.keys("OOOOS");
    assert_shows(&h.screen(), "new list ↓");
    let order = h.app.scenarios.cells_table.order().to_vec();
    let list: Vec<f64> = order.iter().map(|&i| cells[i].list_after).collect();
    assert!(list.windows(2).all(|w| w[0] >= w[1]), "{list:?}");
    assert_ne!(order, (0..cells.len()).collect::<Vec<_>>());
    // g selects the top row; + nudges that cell.
    h.keys("g+");
    let top = order[0];
    assert_eq!(h.app.scenarios.selected, top);
    let edited = &h.app.scenarios.session.as_ref().unwrap().evaluation.cells[top];
    assert!((edited.list_after / cells[top].list_after - 1.01).abs() < 1e-9);
    // A filter on a product: only its cells, the selection on one of them.
    h.keys("/p0002\n");
    let shown = h.app.scenarios.cells_table.order().to_vec();
    let want: Vec<usize> = (0..cells.len())
        .filter(|&i| cells[i].product_id == "P0002")
        .collect();
    let mut sorted_shown = shown.clone();
    sorted_shown.sort();
    assert_eq!(sorted_shown, want);
    assert!(shown.contains(&h.app.scenarios.selected));
    let s = h.screen();
    assert_shows(&s, &format!("cells · {} of {}", want.len(), cells.len()));
    assert_shows(&s, "filter 'p0002'");
    // Esc clears the filter; s still opens the save prompt.
    h.keys("\x1b");
    assert_eq!(h.app.scenarios.cells_table.order().len(), cells.len());
    h.keys("s");
    assert!(h.app.scenarios.prompt.is_some(), "s saves in view 8");
    h.keys("\x1b");
    assert!(!h.app.quit);
}

#[test]
fn a_click_on_realizations_charts_drills_like_enter() {
    let mut h = Harness::sample(120, 40);
    h.keys("6");
    let seg = h.app.realization.rows[0].key.segment_id.clone();
    assert_eq!(seg, None, "the total first");
    h.keys("j");
    let seg = h.app.realization.rows[h.app.realization.table().current().unwrap()]
        .key
        .segment_id
        .clone()
        .unwrap();
    // A bar of the waterfall: the selected segment's products, as Enter.
    let s = h.screen();
    let y = s
        .lines()
        .position(|l| l.contains("Waterfall"))
        .unwrap_or_else(|| panic!("no waterfall in\n{s}")) as u16
        + 1;
    h.send(&[Action::Click(3, y)]);
    assert_shows(&h.screen(), &format!("{seg} › products"));
    // A bin of the band: that product's customers, the first in the bin selected.
    let product = h.app.realization.rows[h.app.realization.table().current().unwrap()]
        .key
        .product_id
        .clone()
        .unwrap();
    let band = h.app.realization.band.clone().unwrap();
    let s = h.screen();
    let (summary, line) = s
        .lines()
        .enumerate()
        .find(|(_, l)| l.contains("p10 "))
        .unwrap();
    let x = line[..line.find("p10 ").unwrap()].chars().count() as u16 + 2;
    let bin = band
        .histogram
        .iter()
        .position(|b| b.observations > 0 && b.lo_pct > band.histogram[0].lo_pct)
        .unwrap();
    h.send(&[Action::Click(x, (summary + 1 + bin) as u16)]);
    assert_shows(&h.screen(), &format!("{seg} › {product} › customers"));
    let row = &h.app.realization.rows[h.app.realization.table().current().unwrap()];
    let pct = row.sums.pocket_revenue / row.sums.list_revenue * 100.0;
    let b = &band.histogram[bin];
    assert!(pct >= b.lo_pct && pct <= b.hi_pct, "{pct} in {b:?}");
    // No customer before it, in table order, is in the bin.
    let table = h.app.realization.table();
    for &i in &table.order()[..table.selected()] {
        let g = &h.app.realization.rows[i];
        let p = g.sums.pocket_revenue / g.sums.list_revenue * 100.0;
        assert!(
            !(p >= b.lo_pct && p < b.hi_pct) || g.sums.quantity <= 0.0,
            "{p}"
        );
    }
}
