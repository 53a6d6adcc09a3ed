//! View 9, Recommendations, on the sample: the price list and the segment targets with their
//! evidence columns, `L` between the two levels, the guardrail cost panel against the CLI's
//! `recommend --rows totals` on the same workspace, the margin curve behind a row (Enter, Esc),
//! sizes from tiny to large.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use pricebench::report::{fmt_money, fmt_num, fmt_pct};
use pricebench::scenario::curve::{CurveAxis, MarginCurve};
use pricebench::scenario::{Level, Prepared, Recommendations};
use pricebench::store::Workspace;
use pricebench::tui::action::Action;
use pricebench::tui::view::View;
use std::path::Path;
use std::process::Command;
use support::{Harness, assert_close, product_margin};

const VALUE_BASED: usize = 2;

impl Harness {
    /// The app on `ws` at `w`×`h` with scenario file `file` (0 discount-cleanup,
    /// 1 list-increase, 2 value-based) loaded and view 9 shown.
    fn recommending(ws: Workspace, w: u16, h: u16, file: usize) -> Harness {
        let mut h = Harness::with(ws, false, w, h);
        h.send(&[Action::ShowView(8)]);
        for _ in 0..file {
            h.send(&[Action::NextFile]);
        }
        h.send(&[Action::LoadScenario, Action::ShowView(9)]);
        assert!(h.app.scenarios.session.is_some(), "{:?}", h.app.status());
        h
    }

    fn sample(w: u16, h: u16) -> Harness {
        Harness::recommending(
            pricebench::store::bundled_sample().unwrap(),
            w,
            h,
            VALUE_BASED,
        )
    }

    fn recs(&self) -> Recommendations {
        let s = self.app.scenarios.session.as_ref().unwrap();
        s.cached_recommendations().unwrap().clone()
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

    fn curve(&self) -> MarginCurve {
        self.app.scenarios.recs.curve.clone().unwrap().unwrap()
    }
}

/// The first line of the screen that holds both `first` and `then`.
fn line_with<'s>(screen: &'s str, first: &str, then: &str) -> &'s str {
    screen
        .lines()
        .find(|l| l.contains(first) && l.contains(then))
        .unwrap_or_else(|| panic!("no line with {first:?} and {then:?} in\n{screen}"))
}

fn assert_in(line: &str, texts: &[String]) {
    for t in texts {
        assert!(line.contains(t.as_str()), "no {t:?} in {line:?}");
    }
}

#[test]
fn the_price_list_shows_each_products_evidence_and_l_switches_to_segment_targets() {
    let mut h = Harness::sample(200, 50);
    let recs = h.recs();
    assert_eq!(recs.level, Level::Product);
    assert_eq!(recs.products.len(), 24);
    let s = h.screen();
    assert!(
        s.contains("Value-based repricing · level: product (one list price per product)"),
        "{s}"
    );
    assert!(s.contains("price list · 24 products"), "{s}");
    for column in [
        "new list", "b/e vol", "P(gain)", "binding", "conf", "reason",
    ] {
        assert!(s.contains(column), "{column}\n{s}");
    }
    // Every product's row carries its numbers, its binding constraint and its reason.
    for p in &recs.products {
        let line = line_with(&s, &format!("{} ", p.product_id), p.binding.as_str());
        let e = &p.evidence;
        let mut expected = vec![
            fmt_money(p.current_list_price),
            fmt_money(p.recommended_list_price),
            fmt_pct(Some(p.change_pct)),
            fmt_pct(e.break_even_volume_pct),
            e.confidence.as_str().to_string(),
        ];
        if let Some(g) = e.prob_gain {
            expected.push(fmt_num(g, 2));
        }
        // The reason column shows the start of the reason.
        expected.push(p.reason.chars().take(20).collect());
        assert_in(line, &expected);
    }
    // The selected product's segment targets below.
    let first = &recs.products[0];
    let target = recs
        .cells
        .iter()
        .find(|c| c.product_id == first.product_id)
        .unwrap();
    if let Some(t) = target.target_pocket_price {
        assert!(s.contains(&format!("{} target {}", target.segment_id, fmt_money(t))));
    }

    h.send(&[Action::SwitchLevel]);
    let recs = h.recs();
    assert_eq!(recs.level, Level::SegmentProduct);
    assert_eq!(h.app.scenarios.session.as_ref().unwrap().level, recs.level);
    let s = h.screen();
    assert!(
        s.contains("level: segment-product (segment net-price targets)"),
        "{s}"
    );
    assert!(s.contains("segment net-price targets · 120 cells"), "{s}");
    let c = &recs.cells[0];
    let line = line_with(&s, &c.segment_id, &format!(" {} ", c.product_id));
    assert_in(
        line,
        &[
            fmt_money(c.expected_pocket_price),
            fmt_pct(Some(c.change_pct)),
            c.binding.as_str().to_string(),
        ],
    );
    // Moving down selects the next cell, whose reason shows in the panel.
    h.send(&[Action::Down]);
    assert_eq!(h.app.scenarios.recs.table.selected(), 1);
    let c = &recs.cells[1];
    let title = format!(" {} × {} ", c.segment_id, c.product_id);
    assert!(h.screen().contains(&title), "{title}");
    h.send(&[Action::SwitchLevel]);
    assert_eq!(h.recs().level, Level::Product);
    assert_eq!(h.app.scenarios.recs.table.selected(), 0);
}

fn pricebench(db: &Path, args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_pricebench"))
        .arg("--db")
        .arg(db)
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn the_guardrail_panel_shows_the_totals_of_the_cli_on_the_same_workspace() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("w.db");
    pricebench(&db, &["import", "testdata/sample"]);
    let mut h = Harness::recommending(Workspace::open(&db).unwrap(), 200, 50, VALUE_BASED);
    for level in ["product", "segment-product"] {
        let csv = pricebench(
            &db,
            &[
                "recommend",
                "scenarios/value-based.toml",
                "--level",
                level,
                "--rows",
                "totals",
                "--format",
                "csv",
            ],
        );
        let s = h.screen();
        assert!(s.contains("cost of each guardrail"), "{s}");
        assert!(s.contains(&format!("level: {level} (")), "{s}");
        let mut reader = csv::Reader::from_reader(csv.as_bytes());
        let mut guardrails = 0;
        for record in reader.records() {
            let r = record.unwrap();
            let (binding, rows, cost) = (&r[0], &r[1], &r[2]);
            let shown = match cost {
                "" => "–".to_string(),
                c => fmt_num(c.parse::<f64>().unwrap(), 2),
            };
            guardrails += usize::from(!cost.is_empty() && binding != "total");
            // The panel's line: binding, rows, cost, in that order.
            let line = s
                .lines()
                .find(|l| {
                    let l = l.replace('│', " ");
                    let words: Vec<&str> = l.split_whitespace().collect();
                    words
                        .windows(3)
                        .any(|w| w == [binding, rows, shown.as_str()])
                })
                .unwrap_or_else(|| panic!("no '{binding} {rows} {shown}' in\n{s}"));
            assert!(line.contains(binding));
        }
        assert!(guardrails > 0, "{level}: some guardrail binds");
        h.send(&[Action::SwitchLevel]);
    }
}

/// The most cells of colour `fg` in one column of the rendered screen.
fn tallest_column(h: &Harness, fg: ratatui::style::Color) -> usize {
    let (w, ht) = h.app.size;
    let mut terminal = ratatui::Terminal::new(ratatui::backend::TestBackend::new(w, ht)).unwrap();
    terminal
        .draw(|f| pricebench::tui::frame::render(f, &h.app))
        .unwrap();
    let buf = terminal.backend().buffer();
    (0..w)
        .map(|x| {
            (0..ht)
                .filter(|&y| buf[(x, y)].fg == fg && buf[(x, y)].symbol() != " ")
                .count()
        })
        .max()
        .unwrap_or(0)
}

/// Braille cells (the chart's lines) on the screen.
fn braille(screen: &str) -> usize {
    screen
        .chars()
        .filter(|c| ('\u{2801}'..='\u{28ff}').contains(c))
        .count()
}

#[test]
fn enter_draws_the_rows_margin_curve_with_its_marks_and_esc_goes_back() {
    let mut h = Harness::sample(120, 40);
    let recs = h.recs();
    // A product with demand evidence.
    let row = recs
        .products
        .iter()
        .position(|p| p.segments_with_evidence > 0)
        .unwrap();
    for _ in 0..row {
        h.send(&[Action::Down]);
    }
    let p = recs.products[row].clone();
    assert!(braille(&h.screen()) == 0);
    h.send(&[Action::Drill]);
    let curve = h.curve();
    assert_eq!(curve.axis, CurveAxis::ListPrice);
    assert_close(curve.today, p.current_list_price, 1e-12);
    assert_close(curve.recommended, p.recommended_list_price, 1e-12);
    assert_eq!(curve.binding, p.binding);
    // The guardrails: at most +15% and −10% around today's list (the margin floor may raise
    // the lower bound); the recommendation inside them.
    assert!(curve.bounds.hi.value <= p.current_list_price * 1.15 * (1.0 + 1e-9));
    assert!(curve.bounds.lo.value >= p.current_list_price * 0.90 * (1.0 - 1e-9));
    assert!(curve.recommended <= curve.bounds.hi.value * (1.0 + 1e-9));
    assert!(curve.recommended >= curve.bounds.lo.value * (1.0 - 1e-9));
    // The curve is the product's margin, computed independently, across every mark.
    let prepared = h.prepared();
    for &(x, y) in curve.points.iter().step_by(10) {
        assert_close(y, product_margin(&prepared, &p.product_id, x), 1e-9);
    }
    let (first, last) = (curve.points[0].0, curve.points.last().unwrap().0);
    for mark in [
        curve.today,
        curve.recommended,
        curve.bounds.lo.value,
        curve.bounds.hi.value,
    ] {
        assert!(
            first < mark && mark < last,
            "{mark} outside [{first}, {last}]"
        );
    }
    // The optimum without guardrails is where the guardrail cost is measured from.
    let opt = curve.optimum.unwrap();
    let gap = product_margin(&prepared, &p.product_id, opt)
        - product_margin(&prepared, &p.product_id, p.recommended_list_price);
    assert_close(p.evidence.guardrail_cost.unwrap(), gap.max(0.0), 1e-9);
    let s = h.screen();
    assert!(
        s.contains(&format!("Pocket margin · {}", p.product_id)),
        "{s}"
    );
    assert!(s.contains("list price"), "{s}");
    assert!(braille(&s) > 20, "the curve is drawn\n{s}");
    // Below the chart, each mark in words.
    let flat: String = s.split_whitespace().collect::<Vec<_>>().join(" ");
    let marks = [
        format!("today {}", fmt_money(p.current_list_price)),
        format!("optimum {} (within observed prices)", fmt_money(opt)),
        format!(
            "bounds {} ({}) – {} ({})",
            fmt_money(curve.bounds.lo.value),
            curve.bounds.lo.by.as_str(),
            fmt_money(curve.bounds.hi.value),
            curve.bounds.hi.by.as_str()
        ),
        format!(
            "recommended {} ({})",
            fmt_money(p.recommended_list_price),
            p.binding.as_str()
        ),
    ];
    let joined = marks.join(" · ");
    assert!(flat.contains(&joined), "{joined}\n{s}");
    // Each mark is a vertical line on the chart in the colour of its words: a column of
    // braille cells of that colour at the mark's x.
    let words = pricebench::tui::views::recommendations::curve_words(&curve);
    let texts: Vec<String> = words.iter().map(|w| w.0.clone()).collect();
    assert_eq!(texts, marks);
    for (text, style) in &words {
        let tall = tallest_column(&h, style.fg.unwrap());
        assert!(tall >= 10, "{text}: a line of {tall} cells");
    }
    // Moving the selection follows with the curve of the next row.
    h.send(&[Action::Back]);
    assert!(!h.app.quit);
    assert!(!h.app.scenarios.recs.curve_open);
    assert_eq!(braille(&h.screen()), 0);
    assert!(h.screen().contains("price list · 24 products"));
    // Esc once more stays: Esc never quits.
    h.send(&[Action::Back]);
    assert!(!h.app.quit);
}

#[test]
fn a_segment_targets_curve_runs_over_the_pocket_price() {
    let mut h = Harness::sample(120, 40);
    h.send(&[Action::SwitchLevel]);
    let recs = h.recs();
    let row = recs
        .cells
        .iter()
        .position(|c| c.target_pocket_price.is_some())
        .unwrap();
    for _ in 0..row {
        h.send(&[Action::Down]);
    }
    h.send(&[Action::Drill]);
    let curve = h.curve();
    let c = &recs.cells[row];
    let plan = &h.prepared().plans[row];
    assert_eq!(curve.axis, CurveAxis::PocketPrice);
    assert_close(curve.today, plan.money.pocket(1.0), 1e-12);
    assert_close(curve.recommended, c.expected_pocket_price, 1e-12);
    let s = h.screen();
    assert!(s.contains("pocket price"), "{s}");
    assert!(s.contains(&format!(
        "Pocket margin · {} × {}",
        c.segment_id, c.product_id
    )));
    // A cell without demand evidence has no curve, and says why.
    if let Some(kept) = recs
        .cells
        .iter()
        .position(|c| c.target_pocket_price.is_none())
    {
        h.send(&[Action::Home]);
        for _ in 0..kept {
            h.send(&[Action::Down]);
        }
        let s = h.screen();
        assert!(s.contains("No margin curve: no demand evidence"), "{s}");
        assert!(matches!(h.app.scenarios.recs.curve, Some(Err(_))));
    }
}

#[test]
fn the_view_renders_at_every_size_without_nan_and_80x24_keeps_the_evidence() {
    let mut h = Harness::sample(80, 24);
    let s = h.screen();
    for column in [
        "product", "new list", "change", "b/e vol", "P(gain)", "binding",
    ] {
        assert!(s.contains(column), "{column}\n{s}");
    }
    assert!(s.contains("cost of each guardrail"), "{s}");
    // The panel's total stays on screen with up to 7 kinds of binding constraint.
    let recs = h.recs();
    assert!(recs.costs.len() >= 6, "{:?}", recs.costs);
    let total: f64 = recs.costs.iter().filter_map(|c| c.pocket_margin).sum();
    assert!(
        s.contains("total  ") && s.contains(&fmt_num(total, 2)),
        "{s}"
    );
    assert!(s.contains("L level"), "footer\n{s}");
    for level in 0..2 {
        for drill in [false, true] {
            if drill {
                h.send(&[Action::Drill]);
            }
            for (w, ht) in [(1, 1), (10, 3), (30, 8), (40, 12), (80, 24), (200, 50)] {
                h.send(&[Action::Resize(w, ht), Action::Down]);
                let s = h.screen();
                assert!(
                    !s.contains("NaN") && !s.contains(" inf"),
                    "level {level} drill {drill} at {w}×{ht}:\n{s}"
                );
                assert_eq!(s.lines().count(), usize::from(ht));
            }
            if drill {
                h.send(&[Action::Back]);
            }
        }
        h.send(&[Action::SwitchLevel]);
    }
    assert_eq!(h.app.view, View::Recommendations);
}
