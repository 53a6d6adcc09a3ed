//! The Realization view's Guidance sub-view on the bundled sample, through the real keymap
//! actions and an inline worker, read back from a TestBackend screen.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::analysis::guidance::guidance;
use pricebench::realization::guidance::GuidanceOptions;
use pricebench::report::fmt_money;
use pricebench::store::realization::Scope;
use pricebench::tui::action::Action;
use support::Harness;

fn harness(w: u16, h: u16) -> Harness {
    let ws = pricebench::store::bundled_sample().unwrap();
    let mut h = Harness::with(ws, false, w, h);
    h.send(&[Action::ShowView(6), Action::OpenGuidance]);
    h
}

#[test]
fn guidance_opens_from_realization_with_the_commands_numbers() {
    let h = harness(120, 40);
    let screen = h.screen();
    let ws = pricebench::store::bundled_sample().unwrap();
    let rows = guidance(&ws, &Scope::default(), &GuidanceOptions::default()).unwrap();
    let total: f64 = rows.iter().map(|r| r.worth.to_floor).sum();
    let first = &rows[0];
    let c = first.pocket.unwrap();
    assert!(
        screen.contains(&format!("{} cells", rows.len())),
        "{screen}"
    );
    assert!(
        screen.contains(&format!("to floor ≤ {}", fmt_money(total))),
        "{screen}"
    );
    assert!(
        screen.contains("SEG-DIS × P0001 · pocket % of list"),
        "{screen}"
    );
    // The summary shows the corridor with one decimal, as the band does.
    let corridor = format!(
        "{} / {} / {}",
        pricebench::report::fmt_pct(Some(c.floor)),
        pricebench::report::fmt_pct(Some(c.target)),
        pricebench::report::fmt_pct(Some(c.stretch))
    );
    assert!(screen.contains(&corridor), "{corridor}\n{screen}");
    // The corridor's lines are labelled on the chart's axis, the quotes drawn under it.
    let axis = screen
        .lines()
        .find(|l| l.contains('F') && l.contains('T') && l.contains('%'));
    assert!(axis.is_some(), "{screen}");
    assert!(screen.contains("no quotes in this cell"), "{screen}");
    assert_eq!(h.app.realization.guidance.selected, 0);
}

#[test]
fn enter_lists_the_customers_below_the_floor_and_esc_backs_out_twice() {
    let mut h = harness(100, 30);
    h.send(&[Action::Drill]);
    let g = &h.app.realization.guidance;
    let below = g.below_floor.len();
    assert_eq!(below, g.row().unwrap().worth.below_floor);
    let screen = h.screen();
    assert!(
        screen.contains(&format!(
            "SEG-DIS × P0001 · {below} customers below the floor"
        )),
        "{screen}"
    );
    let first = &h.app.realization.guidance.below_floor[0];
    assert!(screen.contains(&first.customer_id), "{screen}");
    h.send(&[Action::Back]);
    assert!(h.screen().contains("Deal guidance ·"));
    h.send(&[Action::Back]);
    assert!(!h.app.realization.guidance.open);
    assert!(!h.app.quit);
    assert!(h.screen().contains("Waterfall"), "{}", h.screen());
}

#[test]
fn moving_the_selection_loads_the_next_cell_and_fits_80_by_24() {
    let mut h = harness(80, 24);
    h.send(&[Action::Down]);
    let screen = h.screen();
    assert!(screen.contains("SEG-DIS × P0002"), "{screen}");
    // P0002's 80 quotes, won on one line and lost on the next, under the axis.
    let lines: Vec<&str> = screen.lines().collect();
    let won = lines
        .iter()
        .position(|l| l.contains('●') && !l.contains("quotes"))
        .expect(&screen);
    assert!(
        lines[won - 1].contains("S ") && lines[won + 1].contains('○'),
        "{screen}"
    );
    assert!(
        !screen.contains("NaN") && !screen.contains("inf"),
        "{screen}"
    );
    // At 80 columns the footer keeps the way out and the help (sort and filter took the
    // room `d guidance` had; the help lists it).
    let footer = lines[lines.len() - 1];
    assert!(
        footer.contains("Esc up") && footer.contains("? help"),
        "footer: {screen}"
    );
}
