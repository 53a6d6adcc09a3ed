//! The model views (3 Elasticity, 4 Willingness-to-pay, 5 Price sensitivity) on the bundled
//! sample, rendered to a `TestBackend`: the numbers the commands compute appear on screen,
//! sorting and the flag filter work, the stale marker shows after new data, `r` refits.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::model::FitStatus;
use pricebench::report::fmt_num;
use pricebench::store::bundled_sample;
use pricebench::store::demand::ElasticitySettings;
use pricebench::tui::action::Action;
use pricebench::tui::view::View;
use pricebench::tui::views::elasticity::{FlagFilter, SortBy};
use pricebench::tui::{dispatch, till_ready};
use std::time::Duration;
use support::Harness;

impl Harness {
    /// The app on the bundled sample.
    fn new(w: u16, h: u16) -> Harness {
        Harness::with(bundled_sample().unwrap(), false, w, h)
    }
}

fn assert_shows(screen: &str, text: &str) {
    assert!(screen.contains(text), "no {text:?} in\n{screen}");
}

#[test]
fn elasticity_view_shows_the_stored_fit_and_the_selected_cells_numbers() {
    let mut h = Harness::new(120, 36);
    h.send(&[Action::ShowView(3)]);
    assert_eq!(h.app.view, View::Elasticity);
    let stored = h.app.elasticity.stored.clone().unwrap();
    assert!(!stored.stale);
    let expected =
        pricebench::analysis::demand::current_elasticities(&bundled_sample().unwrap()).unwrap();
    assert_eq!(stored.rows, expected, "the same rows as the command");
    let row = h.app.elasticity.selected_row().unwrap().clone();
    let s = h.screen();
    assert_shows(&s, "Elasticity · cell · week · pocket");
    assert_shows(
        &s,
        &format!("Demand · {} × {}", row.segment_id, row.product_id),
    );
    assert_shows(&s, &fmt_num(row.elasticity.unwrap(), 3));
    assert_shows(&s, &fmt_num(row.ci_low.unwrap(), 3));
    assert_shows(&s, &fmt_num(row.pooled_elasticity.unwrap(), 3));
    assert!(h.app.elasticity.points.as_ref().unwrap().points.len() > 50);
    assert!(!s.contains("STALE"));
}

#[test]
fn elasticity_view_sorts_filters_flags_and_moves() {
    let mut h = Harness::new(120, 36);
    h.send(&[
        Action::ShowView(3),
        Action::CycleFlagFilter,
        Action::CycleFlagFilter,
    ]);
    assert_eq!(h.app.elasticity.filter, FlagFilter::Flagged);
    let rows = h.app.elasticity.rows();
    assert!(!rows.is_empty() && rows.iter().all(|r| r.flag != FitStatus::Ok));
    let s = h.screen();
    assert_shows(&s, "no_price_variation");
    assert_shows(&s, "flagged cells");
    h.send(&[Action::CycleFlagFilter, Action::CycleSort]);
    assert_eq!(h.app.elasticity.sort, SortBy::Elasticity);
    let e: Vec<f64> = h
        .app
        .elasticity
        .rows()
        .iter()
        .filter_map(|r| r.elasticity)
        .collect();
    assert!(e.windows(2).all(|w| w[0] <= w[1]));
    h.send(&[Action::FlipSort, Action::Home, Action::Down, Action::Down]);
    assert_eq!(h.app.elasticity.selected, 2);
    let row = h.app.elasticity.selected_row().unwrap().clone();
    assert_eq!(
        h.app.elasticity.points.as_ref().unwrap().product_id,
        row.product_id
    );
    assert_shows(
        &h.screen(),
        &format!("{} × {}", row.segment_id, row.product_id),
    );
}

#[test]
fn elasticity_view_marks_stale_results_and_r_refits() {
    let ws = bundled_sample().unwrap();
    // A stored fit (`pricebench elasticity` stores one; reads such as scenarios do not).
    pricebench::analysis::demand::fresh_elasticity(
        &ws,
        &Default::default(),
        pricebench::analysis::demand::Persist::Store,
    )
    .unwrap();
    // New data since the fit: a new import_log entry.
    ws.conn()
        .execute(
            "INSERT INTO import_log (file, kind, size_bytes, rows, imported_at, seconds, replaced)
             VALUES ('more.csv', 'quotes', 1, 1, '2026-01-01T00:00:00Z', 0, 0)",
            [],
        )
        .unwrap();
    let mut h = Harness::with(ws, false, 120, 36);
    h.send(&[Action::ShowView(3)]);
    assert!(h.app.elasticity.stored.as_ref().unwrap().stale);
    assert_shows(&h.screen(), "STALE");
    h.send(&[Action::Refit]);
    assert!(!h.app.elasticity.stored.as_ref().unwrap().stale);
    assert!(!h.screen().contains("STALE"));
}

#[test]
fn fitting_runs_on_the_worker_and_keys_keep_answering() {
    let mut h = Harness::with(bundled_sample().unwrap(), true, 100, 30);
    dispatch(&mut h.app, &mut h.worker, Action::ShowView(4));
    // Before the fit is back the view and status say so, and keys still act.
    dispatch(&mut h.app, &mut h.worker, Action::ToggleHelp);
    assert!(h.app.show_help);
    dispatch(&mut h.app, &mut h.worker, Action::ToggleHelp);
    assert!(till_ready(
        &mut h.app,
        &mut h.worker,
        Duration::from_secs(30)
    ));
    assert!(h.app.wtp.data.is_some());
}

#[test]
fn wtp_view_shows_the_best_model_its_median_and_the_comparison() {
    let mut h = Harness::new(120, 36);
    h.send(&[Action::ShowView(4)]);
    assert_eq!(h.app.view, View::Wtp);
    let best = pricebench::analysis::demand::current_wtp(&bundled_sample().unwrap()).unwrap();
    let data = h.app.wtp.data.as_ref().unwrap();
    assert_eq!(data.cells.len(), best.len());
    let (cell, fits) = h.app.wtp.selected_cell().unwrap();
    let b = fits.iter().find(|f| f.fit.best_by_aic).unwrap();
    assert_eq!(Some(b), best.first());
    let s = h.screen();
    assert_shows(
        &s,
        &format!("Win rate · {} × {}", cell.segment_id, cell.product_id),
    );
    assert_shows(&s, &fmt_num(b.fit.median_wtp.unwrap(), 2));
    assert_shows(&s, &fmt_num(b.fit.optimal_price.unwrap(), 2));
    assert_shows(&s, &format!("* {}", b.fit.model.as_str()));
    for model in ["logistic", "normal", "log_normal"] {
        assert_shows(&s, model);
    }
    h.send(&[Action::End]);
    assert_eq!(h.app.wtp.table.selected(), data_len(&h) - 1);
    assert_shows(&h.screen(), "*");
}

fn data_len(h: &Harness) -> usize {
    h.app.wtp.data.as_ref().unwrap().cells.len()
}

#[test]
fn psm_view_shows_the_four_price_points_and_the_range() {
    let mut h = Harness::new(120, 36);
    h.send(&[Action::ShowView(5)]);
    assert_eq!(h.app.view, View::Psm);
    let row = h.app.psm.selected_row().unwrap().clone();
    let p = &row.result;
    let s = h.screen();
    assert_shows(
        &s,
        &format!("Van Westendorp · {} × {}", row.segment_id, row.product_id),
    );
    for v in [p.pmc, p.opp, p.ipp, p.pme] {
        assert_shows(&s, &fmt_num(v.unwrap(), 2));
    }
    assert_shows(
        &s,
        &format!(
            "acceptable {} – {}",
            fmt_num(p.range_low.unwrap(), 2),
            fmt_num(p.range_high.unwrap(), 2)
        ),
    );
    assert_shows(&s, "too expensive");
}

#[test]
fn model_views_fit_a_tiny_terminal_without_panicking() {
    let mut h = Harness::new(40, 10);
    for d in [3, 4, 5] {
        h.send(&[Action::ShowView(d), Action::Down]);
        let s = h.screen();
        assert!(s.lines().count() == 10);
    }
    let _ = ElasticitySettings::default();
}

#[test]
fn win_rates_are_binned_by_price_and_the_fitted_curve_falls() {
    use pricebench::model::{Quote, QuoteCell, WtpModel, fit_wtp};
    use pricebench::tui::views::wtp::binned_win_rates;
    let quotes: Vec<Quote> = (0..200)
        .map(|i| {
            let price = 10.0 + (i % 20) as f64;
            Quote {
                price,
                won: (i * 37 % 20) as f64 >= price - 10.0,
            }
        })
        .collect();
    let cell = QuoteCell {
        segment_id: "S".into(),
        product_id: "P".into(),
        unit_cost: 5.0,
        off_share: 0.0,
        off_fixed: 0.0,
        quotes: quotes.clone(),
    };
    let bins = binned_win_rates(&cell, 4);
    assert_eq!(bins.len(), 4);
    assert!(bins.first().unwrap().1 > bins.last().unwrap().1);
    let fit = fit_wtp(&quotes, WtpModel::Logistic, 5.0);
    let (lo, hi) = (
        fit.win_probability_at(10.0).unwrap(),
        fit.win_probability_at(29.0).unwrap(),
    );
    assert!(lo > 0.8 && hi < 0.2, "{lo} {hi}");
    assert_eq!(fit.win_probability_at(0.0), None);
}

#[test]
fn elasticity_view_filters_by_typed_id() {
    let mut h = Harness::new(120, 36);
    h.send(&[Action::ShowView(3), Action::OpenFilter]);
    assert!(h.app.key_context().prompt_open);
    for c in "p0013".chars() {
        h.send(&[Action::PromptInput(c)]);
    }
    assert_shows(&h.screen(), "filter: p0013");
    h.send(&[Action::PromptSubmit]);
    let rows = h.app.elasticity.rows();
    // P0013 in each of the five segments, and nothing else.
    assert_eq!(rows.len(), 5);
    assert!(rows.iter().all(|r| r.product_id == "P0013"));
    assert_shows(&h.screen(), "'p0013': 5 shown");
    // Esc on an open prompt closes it without quitting; an empty filter shows every cell.
    h.send(&[Action::OpenFilter, Action::Back]);
    assert!(!h.app.quit && !h.app.key_context().prompt_open);
    h.send(&[
        Action::OpenFilter,
        Action::PromptBackspace,
        Action::PromptBackspace,
        Action::PromptBackspace,
        Action::PromptBackspace,
        Action::PromptBackspace,
        Action::PromptSubmit,
    ]);
    assert_eq!(h.app.elasticity.rows().len(), 120);
}

/// Per week of a cell, straight from the transaction lines: (week start, Σ quantity,
/// Σ quantity × pocket price, the list price of its first and of its last line).
fn weeks_from_lines(segment: &str, product: &str) -> Vec<(String, f64, f64, f64, f64)> {
    let ws = bundled_sample().unwrap();
    let mut stmt = ws
        .conn()
        .prepare(
            "SELECT week, quantity, pocket_price, list_price FROM transaction_lines
             WHERE segment_id = ?1 AND product_id = ?2 ORDER BY date, txn_id",
        )
        .unwrap();
    let mut rows = stmt.query([segment, product]).unwrap();
    let mut weeks: Vec<(String, f64, f64, f64, f64)> = Vec::new();
    while let Some(r) = rows.next().unwrap() {
        let (week, q, pocket, list): (String, f64, f64, f64) = (
            r.get(0).unwrap(),
            r.get(1).unwrap(),
            r.get(2).unwrap(),
            r.get(3).unwrap(),
        );
        match weeks.last_mut() {
            Some(w) if w.0 == week => {
                w.1 += q;
                w.2 += q * pocket;
                w.4 = list;
            }
            _ => weeks.push((week, q, q * pocket, list, list)),
        }
    }
    weeks
}

#[test]
fn elasticity_time_chart_draws_the_cells_weeks_and_marks_its_list_changes() {
    let mut h = Harness::new(80, 24);
    h.send(&[Action::ShowView(3), Action::ToggleTimeChart]);
    let row = h.app.elasticity.selected_row().unwrap().clone();
    let weeks = weeks_from_lines(&row.segment_id, &row.product_id);
    let t = h.app.elasticity.time.clone().unwrap();
    // Every week's volume and pocket price per unit, as the lines add up.
    assert_eq!(t.volume.len(), weeks.len());
    let day = |w: &str| f64::from(pricebench::date::Date::parse(w).unwrap().0);
    for ((x, q), w) in t.volume.iter().zip(&weeks) {
        assert_eq!(*x, day(&w.0));
        support::assert_close(*q, w.1, 1e-9);
    }
    let priced: Vec<_> = weeks.iter().filter(|w| w.1 > 0.0).collect();
    assert_eq!(t.price.len(), priced.len());
    for ((x, p), w) in t.price.iter().zip(&priced) {
        assert_eq!(*x, day(&w.0));
        support::assert_close(*p, w.2 / w.1, 1e-6);
    }
    // A list change starts in the week whose first line is at a new list price, or whose
    // lines change it; it runs from the last list price before to the last one of the week
    // after a week that changed it inside.
    let mut expected = Vec::new();
    for i in 1..priced.len() {
        let (before, w) = (priced[i - 1], priced[i]);
        let inside = w.3 != w.4;
        if w.3 != before.4 || inside {
            let to = if inside && i + 1 < priced.len() {
                priced[i + 1].3
            } else {
                w.4
            };
            expected.push((w.0.clone(), (to / before.4 - 1.0) * 100.0));
        }
    }
    assert!(!expected.is_empty(), "the sample cell has list changes");
    let got: Vec<(String, f64)> = t
        .changes
        .iter()
        .map(|c| (c.start.to_string(), c.change_pct))
        .collect();
    assert_eq!(got.len(), expected.len(), "{got:?} vs {expected:?}");
    for (g, e) in got.iter().zip(&expected) {
        assert_eq!(g.0, e.0);
        support::assert_close(g.1, e.1, 0.05);
    }
    let s = h.screen();
    let first = format!("list {:+.1}% on {}", expected[0].1, expected[0].0);
    assert_shows(&s, &first);
    assert_shows(&s, "pocket price per unit");
    assert_shows(&s, "units per week");
    // `t` again: the demand curve.
    h.send(&[Action::ToggleTimeChart]);
    assert_shows(&h.screen(), "Demand ·");
}
