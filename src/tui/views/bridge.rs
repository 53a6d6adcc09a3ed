//! The Bridge sub-view of Realization (`b`): why pocket revenue moved from the 12 months before
//! to the last 12 months, as floating bars from base through each effect to compare, over a
//! drill-down table — segments (with the total), a segment's products, a product's customers.
//!
//! The worker reads each customer × product's sums of both periods once; every level's bridge
//! is computed from them in memory (`realization::bridge`).

use super::boxed;
use crate::analysis::bridge::BridgeData;
use crate::realization::bridge::{
    Basis, Bridge, BridgeBy, BridgeOptions, BridgeRow, EFFECTS, Measure, bridge,
};
use crate::realization::sums::GroupSums;
use crate::report::{fmt_money, with_plus};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::list;
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

/// How deep the drill-down is: segments, a segment's products, a product's customers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    #[default]
    Segments,
    Products,
    Customers,
}

/// The Bridge sub-view's state.
#[derive(Debug, Default)]
pub struct BridgeState {
    pub data: Option<Option<BridgeData>>,
    pub loading: Pending<()>,
    pub level: Level,
    pub segment: Option<String>,
    pub product: Option<String>,
    pub selected: [usize; 3],
    /// The bridge of the current level: the total first, then its rows.
    pub rows: Vec<BridgeRow>,
}

impl BridgeState {
    /// Asks the worker for the sums of both periods.
    pub fn load(&mut self, ctx: &mut Ctx) {
        *self = BridgeState::default();
        self.loading.ask(ctx, Request::Bridge, ());
    }

    /// Takes the worker's answer; false when it was not this view's.
    pub fn loaded(&mut self, seq: u64, answer: &Answer, ctx: &mut Ctx) -> bool {
        let Answer::Bridge(result) = answer else {
            return false;
        };
        if self.loading.answered(seq).is_none() {
            return true;
        }
        match result {
            Ok(data) => self.data = Some(data.clone()),
            Err(e) => ctx.error(format!("bridge: {e}")),
        }
        self.refresh();
        true
    }

    /// Applies a key; false when the sub-view should close (Esc at its top level).
    pub fn update(&mut self, action: Action) -> bool {
        let at = self.level as usize;
        if let Some(moved) = list::moved(self.selected[at], self.rows.len(), &action) {
            self.selected[at] = moved;
            return true;
        }
        match action {
            Action::Drill => self.drill(),
            Action::Back | Action::Left => match self.level {
                Level::Segments => return false,
                Level::Products => self.level = Level::Segments,
                Level::Customers => self.level = Level::Products,
            },
            _ => return true,
        }
        self.refresh();
        true
    }

    fn selected_row(&self) -> Option<&BridgeRow> {
        self.rows.get(self.selected[self.level as usize])
    }

    fn drill(&mut self) {
        let Some(row) = self.selected_row() else {
            return;
        };
        let key = row.key.clone();
        match self.level {
            Level::Segments if key.segment_id.is_some() => {
                self.segment = key.segment_id;
                self.selected[1] = 0;
                self.level = Level::Products;
            }
            Level::Products if key.product_id.is_some() => {
                self.product = key.product_id;
                self.selected[2] = 0;
                self.level = Level::Customers;
            }
            _ => {}
        }
    }

    /// Recomputes the current level's bridge from the loaded sums.
    fn refresh(&mut self) {
        let Some(Some(data)) = &self.data else {
            self.rows.clear();
            return;
        };
        let keep = |g: &&GroupSums| {
            let segment = self.level == Level::Segments
                || g.key.segment_id.as_deref() == self.segment.as_deref();
            let product = self.level != Level::Customers
                || g.key.product_id.as_deref() == self.product.as_deref();
            segment && product
        };
        let base: Vec<GroupSums> = data.base_pairs.iter().filter(keep).cloned().collect();
        let compare: Vec<GroupSums> = data.compare_pairs.iter().filter(keep).cloned().collect();
        let by = match self.level {
            Level::Segments => BridgeBy::Segment,
            Level::Products => BridgeBy::SegmentProduct,
            Level::Customers => BridgeBy::Customer,
        };
        let options = BridgeOptions {
            by,
            measure: Measure::Revenue,
            basis: Basis::Pocket,
        };
        let Bridge { rows, total } = bridge(&data.elements, &base, &compare, options);
        self.rows = std::iter::once(total).chain(rows).collect();
        let at = self.level as usize;
        self.selected[at] = list::within(self.selected[at], self.rows.len());
    }

    /// Where the drill-down is.
    pub fn breadcrumb(&self) -> String {
        let s = self.segment.as_deref().unwrap_or("");
        let p = self.product.as_deref().unwrap_or("");
        match self.level {
            Level::Segments => "segments".to_string(),
            Level::Products => format!("{s} › products"),
            Level::Customers => format!("{s} › {p} › customers"),
        }
    }
}

/// What a row is called: its deepest id, or "Total".
fn label(r: &BridgeRow) -> String {
    r.key
        .customer_id
        .as_ref()
        .or(r.key.product_id.as_ref())
        .or(r.key.segment_id.as_ref())
        .cloned()
        .unwrap_or_else(|| "Total".to_string())
}

fn money(cents: i64) -> String {
    fmt_money(cents as f64 / 100.0)
}

/// Draws the Bridge sub-view.
pub fn render(frame: &mut Frame, area: Rect, state: &BridgeState, currency: Option<&str>) {
    let data = match &state.data {
        None => {
            frame.render_widget(Paragraph::new("loading the bridge…"), area);
            return;
        }
        Some(None) => {
            frame.render_widget(Paragraph::new("no transactions: nothing to bridge"), area);
            return;
        }
        Some(Some(d)) => d,
    };
    let [chart, table] = Layout::vertical([Constraint::Length(12), Constraint::Min(3)]).areas(area);
    let name = state.selected_row().map_or_else(String::new, label);
    let title = format!(
        "Bridge{} · {name} · pocket revenue {} → {} · bars from {}",
        super::currency_note(currency),
        data.base,
        data.compare,
        state
            .selected_row()
            .map_or_else(String::new, |r| money(bars_axis(r))),
    );
    let block = boxed(title);
    let inner = block.inner(chart);
    frame.render_widget(block, chart);
    if let Some(row) = state.selected_row() {
        frame.render_widget(Paragraph::new(bars(row, inner.width)), inner);
    }
    render_table(frame, table, state);
}

/// Where the bars of `row` start.
fn bars_axis(row: &BridgeRow) -> i64 {
    axis(&steps(row)).0
}

/// Base, each effect (cost only when there is one) and compare: (name, from, to) in cents.
fn steps(row: &BridgeRow) -> Vec<(String, i64, i64)> {
    let mut steps: Vec<(String, i64, i64)> = vec![("base".into(), 0, row.base_cents)];
    let mut level = row.base_cents;
    for (name, v) in EFFECTS.iter().zip(row.effects_cents) {
        if *name == "cost" && v == 0 {
            continue;
        }
        steps.push((name.to_string(), level, level + v));
        level += v;
    }
    steps.push(("compare".into(), 0, row.compare_cents));
    steps
}

/// The floating bars: base from zero, each effect from the running total, compare from zero.
fn bars(row: &BridgeRow, width: u16) -> Vec<Line<'static>> {
    let mut steps = steps(row);
    let (lo, hi) = axis(&steps);
    for i in [0, steps.len() - 1] {
        steps[i].1 = lo.max(0);
    }
    let bar_width = width.saturating_sub(13 + 16).max(1) as i64;
    let x = |v: i64| ((v - lo) as f64 / (hi - lo) as f64 * (bar_width - 1) as f64).round() as i64;
    steps
        .into_iter()
        .enumerate()
        .map(|(i, (name, from, to))| {
            let (a, b) = (x(from.min(to)), x(from.max(to)));
            let is_level = i == 0 || name == "compare";
            let style = match (is_level, to >= from) {
                (true, _) => theme::VALUE,
                (false, true) => theme::BAR,
                (false, false) => theme::LEAK,
            };
            let amount = match is_level {
                true => money(to),
                false => with_plus(money(to - from)),
            };
            let bar: String = (0..bar_width)
                .map(|i| match (from == to, i >= a && i <= b) {
                    (true, true) => '│',
                    (false, true) => '█',
                    _ => ' ',
                })
                .collect();
            Line::from(vec![
                Span::styled(format!("{name:<13}"), theme::LABEL),
                Span::styled(bar, style),
                Span::styled(format!("{amount:>16}"), theme::VALUE),
            ])
        })
        .collect()
}

/// The bars' axis: from zero, or (when every level is far above zero, as usual) from half the
/// levels' spread below the lowest, so that the effects are not lost beside the base; the bars
/// of base and compare then start at the axis.
fn axis(steps: &[(String, i64, i64)]) -> (i64, i64) {
    let ends = steps
        .iter()
        .enumerate()
        .flat_map(|(i, s)| match i == 0 || i + 1 == steps.len() {
            true => vec![s.2],
            false => vec![s.1, s.2],
        });
    let (low, high) = ends.fold((i64::MAX, i64::MIN), |(a, b), v| (a.min(v), b.max(v)));
    let lo = match low > 0 {
        true => (low - (high - low) / 2).max(0),
        false => low,
    };
    (lo, high.max(lo + 1))
}

fn render_table(frame: &mut Frame, area: Rect, state: &BridgeState) {
    use crate::tui::views::scenarios::money0;
    use list::{number, text};
    let title = format!("{} · Enter drills, Esc backs up", state.breadcrumb());
    let labels: Vec<String> = state.rows.iter().map(label).collect();
    let id = labels
        .iter()
        .map(|l| l.chars().count())
        .max()
        .unwrap_or(0)
        .max(5) as u16;
    // Compact amounts (`311.98M`), columns dropped by rank on a narrow terminal: a bridge's
    // totals run into hundreds of millions and must never be cut.
    let columns = [
        text("", id, 0),
        number("base", 8, 2),
        number("compare", 8, 2),
        number("price", 8, 0),
        number("volume", 8, 1),
        number("mix", 8, 1),
        number("new", 8, 3),
        number("lost", 8, 3),
    ];
    let selected = state.selected[state.level as usize];
    let (shown, at) = list::window(state.rows.len(), selected, area.height);
    let rows = state.rows[shown.clone()]
        .iter()
        .zip(&labels[shown])
        .map(|(r, l)| {
            let e = |n: &str| r.effect(n).unwrap_or(0) as f64 / 100.0;
            vec![
                l.clone(),
                money0(r.base_cents as f64 / 100.0),
                money0(r.compare_cents as f64 / 100.0),
                money0(e("price")),
                money0(e("volume")),
                money0(e("product_mix") + e("customer_mix")),
                money0(e("new")),
                money0(e("lost")),
            ]
        })
        .collect();
    let table =
        list::fitted_table(&columns, rows, area.width.saturating_sub(2)).block(boxed(title));
    list::render_table(frame, area, table, at);
}
