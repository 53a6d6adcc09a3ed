//! View 9, Recommendations: the loaded scenario's recommended prices at the session's level —
//! the price list (one list price per product) or the segment × product net-price targets —
//! with break-even volume, P(margin gain), the binding constraint and the reason; a panel with
//! what each kind of guardrail costs (the numbers of `recommend --rows totals`); `L` switches
//! the level, Enter opens the selected row's margin curve (Esc closes it), `e` exports.
//!
//! The recommendations are pure arithmetic on the loaded baseline (milliseconds for thousands
//! of cells), so `App::update` makes them current on the UI thread, as it does for the
//! Scenarios view's evaluation; the worker is not involved.

use super::scenarios::{PromptFor, ScenarioState, Session, money0};
use crate::report::{fmt_money, fmt_num, fmt_pct};
use crate::scenario::curve::MarginCurve;
use crate::scenario::{Level, ProductPrice, Recommendation, Recommendations};
use crate::tui::action::Action;
use crate::tui::ctx::Ctx;
use crate::tui::theme;
use crate::tui::widgets::curve::{CurveChart, Scale, Series};
use crate::tui::widgets::list::{self, Column, number, text};
use crate::tui::widgets::sorted::{Outcome, SortKey, SortedTable};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table, Wrap};

/// View 9's own state: its table (sort, filter and selected row of the level's rows) and the
/// margin curve.
#[derive(Debug, Default)]
pub struct RecsState {
    pub table: SortedTable,
    /// Enter opened the selected row's margin curve; Esc closes it.
    pub curve_open: bool,
    /// The open curve, or why the row has none; kept current by [`refresh`].
    pub curve: Option<Result<MarginCurve, String>>,
}

/// The rows of the level: products (level product) or segment × product cells.
fn row_count(recs: &Recommendations) -> usize {
    match recs.level {
        Level::Product => recs.products.len(),
        Level::SegmentProduct => recs.cells.len(),
    }
}

/// View 9's actions (the path prompt aside, which views 7–9 share).
pub fn update(state: &mut ScenarioState, action: Action, ctx: &mut Ctx) {
    let rows = state
        .session
        .as_ref()
        .and_then(Session::cached_recommendations)
        .map(|r| (row_count(r), columns(r.level).len()));
    let (n, columns) = rows.unwrap_or((0, 0));
    // The table's keys (moving, sort, filter); an open curve follows the selected row.
    if state.recs.table.update(&action, columns) != Outcome::Ignored {
        return;
    }
    match action {
        Action::Export => state.open_prompt(PromptFor::Export, ctx),
        Action::SwitchLevel => {
            let Some(s) = state.session.as_mut() else {
                ctx.info("load a scenario first (view 8, Enter)".into());
                return;
            };
            s.set_level(match s.level {
                Level::Product => Level::SegmentProduct,
                Level::SegmentProduct => Level::Product,
            });
            state.recs = RecsState::default();
        }
        Action::Drill if n > 0 => state.recs.curve_open = true,
        Action::Back => {
            state.recs.curve_open = false;
            state.recs.curve = None;
        }
        _ => {}
    }
}

/// The columns of the level's table, which are also what `s` sorts by.
fn columns(level: Level) -> &'static [Column] {
    match level {
        Level::Product => &PRODUCT_COLUMNS,
        Level::SegmentProduct => &CELL_COLUMNS,
    }
}

/// What an evidence column holds, for sorting (`at` 0: Δ vol, 1: Δ margin, 2: break-even,
/// 3: P(gain), 4: confidence).
fn evidence_key(e: &crate::scenario::pricing::Evidence, at: usize) -> SortKey {
    match at {
        0 => SortKey::Num(e.volume_change_pct),
        1 => SortKey::Num(e.pocket_margin_change),
        2 => SortKey::Num(e.break_even_volume_pct),
        3 => SortKey::Num(e.prob_gain),
        _ => SortKey::Text(e.confidence.as_str().to_string()),
    }
}

/// Sorts and filters the level's rows (the rows and their order are cheap to rebuild: at most
/// a few thousand keys, and only when sorted).
fn reorder(table: &mut SortedTable, r: &Recommendations) {
    match r.level {
        Level::Product => table.apply(
            &r.products,
            |p| p.product_id.clone(),
            |p, c| match c {
                0 => SortKey::Text(p.product_id.clone()),
                1 => SortKey::Num(Some(p.current_list_price)),
                2 => SortKey::Num(Some(p.recommended_list_price)),
                3 => SortKey::Num(Some(p.change_pct)),
                4..=7 => evidence_key(&p.evidence, c - 4),
                8 => SortKey::Text(p.binding.as_str().to_string()),
                9 => evidence_key(&p.evidence, 4),
                _ => SortKey::Text(p.reason.clone()),
            },
        ),
        Level::SegmentProduct => table.apply(
            &r.cells,
            |c| format!("{} {}", c.segment_id, c.product_id),
            |r, c| match c {
                0 => SortKey::Text(r.segment_id.clone()),
                1 => SortKey::Text(r.product_id.clone()),
                2 => SortKey::Num(Some(r.current_pocket_price)),
                3 => SortKey::Num(Some(r.expected_pocket_price)),
                4 => SortKey::Num(Some(r.change_pct)),
                5..=8 => evidence_key(&r.evidence, c - 5),
                9 => SortKey::Text(r.binding.as_str().to_string()),
                10 => evidence_key(&r.evidence, 4),
                _ => SortKey::Text(r.reason.clone()),
            },
        ),
    }
}

/// Makes the recommendations at the session's level current, keeps the selection on a row,
/// and computes the open curve (a few hundred evaluations of the margin: microseconds).
pub fn refresh(state: &mut ScenarioState) {
    let ScenarioState { session, recs, .. } = state;
    let Some(s) = session.as_mut() else {
        *recs = RecsState::default();
        return;
    };
    s.recommendations();
    let Some(r) = s.cached_recommendations() else {
        return;
    };
    reorder(&mut recs.table, r);
    recs.curve = match (recs.curve_open, recs.table.current()) {
        (true, Some(i)) => Some(s.prepared.margin_curve(r, i)),
        _ => None,
    };
}

/// Draws view 9. The recommendations are made current before drawing (`App::update`).
pub fn render(frame: &mut Frame, area: Rect, state: &ScenarioState) {
    let recs = state
        .session
        .as_ref()
        .and_then(|s| Some((s, s.cached_recommendations()?)));
    let Some((s, recs)) = recs else {
        let text = "No scenario loaded: pick one in view 8 (Scenarios) and press Enter.";
        frame.render_widget(
            Paragraph::new(text).block(Block::bordered().title(" Recommendations ")),
            area,
        );
        return;
    };
    let [head, body] = head_split(area);
    frame.render_widget(
        Paragraph::new(head_text(s, recs.level)).style(theme::HEADER),
        head,
    );
    let table = &state.recs.table;
    match (&state.recs.curve, state.recs.curve_open, table.current()) {
        (Some(curve), true, Some(i)) => render_curve(frame, body, recs, i, curve),
        _ => render_list(frame, body, recs, table),
    }
    super::scenarios::render_prompt(frame, area, state);
}

fn head_text(s: &Session, level: Level) -> String {
    let dirty = if s.dirty { " (edited)" } else { "" };
    let what = match level {
        Level::Product => "level: product (one list price per product)",
        Level::SegmentProduct => "level: segment-product (segment net-price targets)",
    };
    let cur = super::currency_note(s.prepared.currency());
    format!(" {}{dirty}{cur} · {what}", s.prepared.scenario.name)
}

/// The level's line and the body under it.
fn head_split(area: Rect) -> [Rect; 2] {
    Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area)
}

/// The table and the panel under it (costs and the selected row's detail).
fn list_split(area: Rect, recs: &Recommendations) -> [Rect; 2] {
    // The panel takes what its rows and total need, leaving the table a title, its header
    // and four rows (half the height on a tiny terminal).
    let need = recs.costs.len() as u16 + 4;
    let panel = need.min(area.height.saturating_sub(7).max(area.height / 2));
    Layout::vertical([Constraint::Min(3), Constraint::Length(panel)]).areas(area)
}

/// Where the table is drawn when the view is drawn in `area` (for mouse clicks); `None`
/// while there is no table or the margin curve covers it.
pub fn table_area(area: Rect, state: &ScenarioState) -> Option<Rect> {
    let recs = state.session.as_ref()?.cached_recommendations()?;
    let curve = state.recs.curve.is_some() && state.recs.curve_open;
    (!curve).then(|| list_split(head_split(area)[1], recs)[0])
}

fn render_list(frame: &mut Frame, area: Rect, recs: &Recommendations, table: &SortedTable) {
    let [list_area, bottom] = list_split(area, recs);
    render_table(frame, list_area, recs, table);
    let [costs, detail] =
        Layout::horizontal([Constraint::Length(42), Constraint::Min(0)]).areas(bottom);
    render_costs(frame, costs, recs);
    if let Some(i) = table.current() {
        render_detail(frame, detail, recs, i);
    }
}

/// The price list's columns.
const PRODUCT_COLUMNS: [Column; 11] = [
    text("product", 7, 0),
    number("list", 8, 6),
    number("new list", 8, 0),
    number("change", 6, 1),
    number("Δ vol", 6, 5),
    number("Δ margin", 8, 2),
    number("b/e vol", 7, 3),
    number("P(gain)", 7, 3),
    text("binding", 19, 1),
    text("conf", 6, 4),
    text("reason", 0, 7),
];

/// The segment × product columns.
const CELL_COLUMNS: [Column; 12] = [
    text("segment", 8, 0),
    text("product", 7, 0),
    number("pocket", 8, 6),
    number("target", 8, 0),
    number("change", 6, 1),
    number("Δ vol", 6, 5),
    number("Δ margin", 8, 2),
    number("b/e vol", 7, 3),
    number("P(gain)", 7, 3),
    text("binding", 19, 1),
    text("conf", 6, 4),
    text("reason", 0, 7),
];

/// The evidence columns every row shares: Δ vol, Δ margin, break-even, P(gain).
fn evidence_cells(e: &crate::scenario::pricing::Evidence) -> [String; 4] {
    [
        fmt_pct(e.volume_change_pct),
        e.pocket_margin_change.map_or("–".into(), money0),
        fmt_pct(e.break_even_volume_pct),
        e.prob_gain.map_or("–".into(), |p| fmt_num(p, 2)),
    ]
}

fn product_cells(p: &ProductPrice) -> Vec<String> {
    let [dv, dm, be, pg] = evidence_cells(&p.evidence);
    vec![
        p.product_id.clone(),
        fmt_money(p.current_list_price),
        fmt_money(p.recommended_list_price),
        fmt_pct(Some(p.change_pct)),
        dv,
        dm,
        be,
        pg,
        p.binding.as_str().to_string(),
        p.evidence.confidence.as_str().to_string(),
        p.reason.clone(),
    ]
}

fn cell_cells(r: &Recommendation) -> Vec<String> {
    let [dv, dm, be, pg] = evidence_cells(&r.evidence);
    vec![
        r.segment_id.clone(),
        r.product_id.clone(),
        fmt_money(r.current_pocket_price),
        fmt_money(r.expected_pocket_price),
        fmt_pct(Some(r.change_pct)),
        dv,
        dm,
        be,
        pg,
        r.binding.as_str().to_string(),
        r.evidence.confidence.as_str().to_string(),
        r.reason.clone(),
    ]
}

fn render_table(frame: &mut Frame, area: Rect, recs: &Recommendations, sorted: &SortedTable) {
    let order = sorted.order();
    let (shown, at) = list::window(order.len(), sorted.selected(), area.height);
    let shown = &order[shown];
    let count = |all: usize, what: &str| match order.len() == all {
        true => format!("{all} {what}"),
        false => format!("{} of {all} {what}", order.len()),
    };
    let (rows, title): (Vec<Vec<String>>, String) = match recs.level {
        Level::Product => (
            shown
                .iter()
                .map(|&i| product_cells(&recs.products[i]))
                .collect(),
            format!(" price list · {} ", count(recs.products.len(), "products")),
        ),
        Level::SegmentProduct => (
            shown.iter().map(|&i| cell_cells(&recs.cells[i])).collect(),
            format!(
                " segment net-price targets · {} ",
                count(recs.cells.len(), "cells")
            ),
        ),
    };
    let columns = columns(recs.level);
    let table = list::fitted_sorted_table(columns, rows, area.width, Some(sorted))
        .block(Block::new().borders(Borders::TOP).title(title));
    list::render_table(frame, area, table, at);
}

/// What each binding constraint costs over the level's rows, and the total: the numbers of
/// `recommend --rows totals`.
fn render_costs(frame: &mut Frame, area: Rect, recs: &Recommendations) {
    let header = Row::new([
        Line::raw("binding"),
        Line::raw("rows").right_aligned(),
        Line::raw("margin cost").right_aligned(),
    ])
    .style(theme::HEADER);
    let mut rows: Vec<Row> = recs
        .costs
        .iter()
        .map(|c| {
            Row::new([
                Line::raw(c.binding.as_str()),
                Line::raw(c.rows.to_string()).right_aligned(),
                Line::raw(c.pocket_margin.map_or("–".into(), |m| fmt_num(m, 2))).right_aligned(),
            ])
        })
        .collect();
    let total: f64 = recs.costs.iter().filter_map(|c| c.pocket_margin).sum();
    let n: usize = recs.costs.iter().map(|c| c.rows).sum();
    rows.push(
        Row::new([
            Line::raw("total"),
            Line::raw(n.to_string()).right_aligned(),
            Line::raw(fmt_num(total, 2)).right_aligned(),
        ])
        .style(theme::VALUE),
    );
    let widths = [19, 5, 14].map(Constraint::Length);
    let table = Table::new(rows, widths)
        .header(header)
        .block(Block::bordered().title(" cost of each guardrail "));
    frame.render_widget(table, area);
}

/// The selected row's reason and, for a product, its segments' net-price targets.
fn render_detail(frame: &mut Frame, area: Rect, recs: &Recommendations, selected: usize) {
    let (title, reason, targets) = match recs.level {
        Level::Product => {
            let Some(p) = recs.products.get(selected) else {
                return;
            };
            let targets: Vec<Line> = recs
                .cells
                .iter()
                .filter(|c| c.product_id == p.product_id)
                .map(|c| {
                    Line::raw(format!(
                        "{} target {} ({} on-invoice)",
                        c.segment_id,
                        c.target_pocket_price.map_or("–".into(), fmt_money),
                        fmt_pct(c.target_discount_pct)
                    ))
                })
                .collect();
            (p.product_id.clone(), &p.reason, targets)
        }
        Level::SegmentProduct => {
            let Some(c) = recs.cells.get(selected) else {
                return;
            };
            (
                format!("{} × {}", c.segment_id, c.product_id),
                &c.reason,
                Vec::new(),
            )
        }
    };
    let mut lines = vec![Line::styled(format!("{reason}."), theme::VALUE)];
    lines.extend(targets);
    lines.push(Line::styled("Enter: margin curve", theme::HINT));
    let text = Paragraph::new(lines)
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(format!(" {title} ")));
    frame.render_widget(text, area);
}

/// The selected row's margin curve, with today's price, the optimum without guardrails, the
/// bounds and the recommendation marked, and the same prices in words below.
fn render_curve(
    frame: &mut Frame,
    area: Rect,
    recs: &Recommendations,
    selected: usize,
    curve: &Result<MarginCurve, String>,
) {
    let name = match recs.level {
        Level::Product => recs.products.get(selected).map(|p| p.product_id.clone()),
        Level::SegmentProduct => recs
            .cells
            .get(selected)
            .map(|c| format!("{} × {}", c.segment_id, c.product_id)),
    }
    .unwrap_or_default();
    let curve = match curve {
        Ok(c) if c.points.len() >= 2 => c,
        Ok(_) => return no_curve(frame, area, &name, "no prices to draw"),
        Err(why) => return no_curve(frame, area, &name, why),
    };
    let [chart, words] = Layout::vertical([Constraint::Min(3), Constraint::Length(2)]).areas(area);
    let ys = curve.points.iter().map(|p| p.1);
    let (lo, hi) = (
        ys.clone().fold(f64::INFINITY, f64::min),
        ys.fold(f64::NEG_INFINITY, f64::max),
    );
    let pad = ((hi - lo) * 0.05).max(1.0);
    let y = [lo - pad, hi + pad];
    let x = [curve.points[0].0, curve.points[curve.points.len() - 1].0];
    // The marks are named below in their colours, not in a legend that would hide the curve.
    let series = vec![
        Series::unnamed(&curve.points[..], theme::VALUE),
        Series::vertical(None, Some(curve.today), y, theme::TODAY),
        Series::vertical(None, curve.optimum, y, theme::MEDIAN),
        Series::vertical(None, Some(curve.bounds.lo.value), y, theme::GUIDE),
        Series::vertical(None, Some(curve.bounds.hi.value), y, theme::GUIDE),
        Series::vertical(None, Some(curve.recommended), y, theme::BEST_PRICE),
    ];
    frame.render_widget(
        CurveChart {
            title: format!("Pocket margin · {name} · Esc: back"),
            series,
            x: Scale::new(curve.axis.as_str(), x, 2),
            y: Scale::new("pocket margin", y, 0),
        },
        chart,
    );
    let spans: Vec<Span> = curve_words(curve)
        .into_iter()
        .enumerate()
        .flat_map(|(i, (text, style))| {
            let sep = (i > 0).then(|| Span::styled(" · ", theme::LABEL));
            sep.into_iter().chain([Span::styled(text, style)])
        })
        .collect();
    frame.render_widget(
        Paragraph::new(Line::from(spans)).wrap(Wrap { trim: true }),
        words,
    );
}

/// The marked prices in words, each with the colour of its line: "today 100.00", "optimum
/// 112.34 (within observed prices)", "bounds … – …", "recommended …".
pub fn curve_words(c: &MarginCurve) -> Vec<(String, Style)> {
    // The optimum is sought within the prices the baseline observed, as the guardrail costs
    // are; without an observed range there is none to mark.
    let optimum = c.optimum.map_or("– (no observed range)".into(), |o| {
        format!("{} (within observed prices)", fmt_money(o))
    });
    let (lo, hi) = (c.bounds.lo, c.bounds.hi);
    vec![
        (format!("today {}", fmt_money(c.today)), theme::TODAY),
        (format!("optimum {optimum}"), theme::MEDIAN),
        (
            format!(
                "bounds {} ({}) – {} ({})",
                fmt_money(lo.value),
                lo.by.as_str(),
                fmt_money(hi.value),
                hi.by.as_str()
            ),
            theme::GUIDE,
        ),
        (
            format!(
                "recommended {} ({})",
                fmt_money(c.recommended),
                c.binding.as_str()
            ),
            theme::BEST_PRICE,
        ),
    ]
}

fn no_curve(frame: &mut Frame, area: Rect, name: &str, why: &str) {
    let text = Paragraph::new(format!("No margin curve: {why}."))
        .wrap(Wrap { trim: true })
        .block(Block::bordered().title(format!(" Pocket margin · {name} · Esc: back ")));
    frame.render_widget(text, area);
}
