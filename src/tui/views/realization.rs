//! View 6, Realization: the pocket price waterfall of the selected row, the pocket price band of
//! the selected product with its outliers, and a drill-down table — segments (with the total),
//! then a segment's products, then a product's customers; Esc goes back up.
//!
//! The view reads aggregates only, on the worker: the totals and segments (`agg_month`) when the
//! workspace is loaded, a segment's products (`agg_month`) when it is drilled into, and the
//! selected product's customers (`agg_customer` through its product index) as the selection
//! moves — each a few thousand rows at most. The band, outliers and waterfalls are computed
//! from those sums in memory.

use super::boxed;
use super::bridge::BridgeState;
use super::guidance::GuidanceState;
use super::increase::IncreaseState;
use crate::analysis::realization::{ProductCustomers, RealizationRoot, SegmentDetail};
use crate::realization::band::{Band, Outlier, band, observation, outliers};
use crate::realization::sums::{Cell, GroupSums};
use crate::realization::waterfall::{StepKind, Waterfall, waterfall};
use crate::report::{fmt_money, fmt_num, fmt_pct, with_plus};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::band::BandChart;
use crate::tui::widgets::list;
use crate::tui::widgets::sorted::{Outcome, SortKey, SortedTable};
use crate::tui::widgets::waterfall::WaterfallChart;
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

/// Columns of the drill table, which are also what `s` sorts by: name, volume, list revenue,
/// pocket %, pocket revenue (customers: vs p50).
const COLUMNS: usize = 5;

/// Histogram bars of the band.
const BINS: usize = 8;

/// How deep the drill-down is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Level {
    /// The total and each segment.
    #[default]
    Segments,
    /// The products of the drilled segment.
    Products,
    /// The customers of the drilled segment × product.
    Customers,
}

impl Level {
    fn index(self) -> usize {
        self as usize
    }
}

/// The Realization view's state: what was loaded, where the drill-down is, and what the
/// selection shows (recomputed by `refresh` whenever either changes).
#[derive(Debug, Default)]
pub struct RealizationState {
    /// The workspace's reporting currency, named in the waterfall's title.
    pub currency: Option<String>,
    /// The workspace's products are in different units: the total and the segments (which
    /// sum over products) show no volume.
    pub mixed_units: bool,
    pub root: Option<RealizationRoot>,
    pub loading: Pending<()>,
    /// The drilled segment's products.
    pub detail: Option<SegmentDetail>,
    pub detail_loading: Pending<()>,
    /// The customers of the product whose band is shown.
    pub customers: Option<ProductCustomers>,
    /// Those customers in the band's form.
    customer_cells: Vec<Cell>,
    /// The product whose customers are loading.
    pub customers_loading: Pending<String>,
    pub level: Level,
    /// Sort, filter and selected row of the table at each level.
    pub tables: [SortedTable; 3],
    /// The product drilled into (at `Level::Customers`).
    pub product: Option<String>,
    /// The rows of the table at the current level.
    pub rows: Vec<GroupSums>,
    /// The selected row's waterfall.
    pub waterfall: Option<Waterfall>,
    /// The band of the selected (or drilled) product within the segment, once its customers
    /// are loaded.
    pub band: Option<Band>,
    pub outliers: Vec<Outlier>,
    /// The deal guidance sub-view (`d`).
    pub guidance: GuidanceState,
    /// An open sub-view (`b` Bridge, `i` Increase), drawn and driven instead of the view.
    pub sub: Option<Sub>,
}

/// A sub-view of Realization.
#[derive(Debug)]
pub enum Sub {
    Bridge(BridgeState),
    Increase(IncreaseState),
}

impl RealizationState {
    /// Asks the worker for the totals and segments; forgets any drill-down.
    pub fn load(&mut self, ctx: &mut Ctx) {
        let guidance_open = self.guidance.open;
        let sub = match &self.sub {
            Some(Sub::Bridge(_)) => Some(Action::OpenBridge),
            Some(Sub::Increase(_)) => Some(Action::OpenIncrease),
            None => None,
        };
        *self = RealizationState::default();
        self.loading.ask(ctx, Request::Realization, ());
        if guidance_open {
            self.guidance.toggle(ctx);
        }
        // An open bridge or increase table is read again (over a new period, say).
        if let Some(open) = sub {
            self.update(open, ctx);
        }
    }

    /// What the status line says while a request is out.
    pub fn busy_text(&self) -> Option<String> {
        if let Some(text) = self.guidance.busy_text().filter(|_| self.guidance.open) {
            return Some(text);
        }
        let sub = match &self.sub {
            Some(Sub::Bridge(s)) if s.loading.is_loading() => {
                Some("reading both periods for the bridge…")
            }
            Some(Sub::Increase(s)) if s.loading.is_loading() => Some("finding list-price changes…"),
            _ => None,
        };
        let text = if let Some(text) = sub {
            text
        } else if self.loading.is_loading() {
            "loading realization…"
        } else if self.detail_loading.is_loading() {
            "loading the segment's products…"
        } else if self.customers_loading.is_loading() {
            "loading the product's customers…"
        } else {
            return None;
        };
        Some(text.to_string())
    }

    /// True at the top of the drill-down (where Esc has nothing to back up).
    pub fn at_top(&self) -> bool {
        self.level == Level::Segments && self.sub.is_none() && !self.guidance.open
    }

    /// Opens a sub-view on `b` or `i`, or hands the action to the open one (which closes on
    /// Esc at its top); true when the action was taken here.
    fn update_sub(&mut self, action: &Action, ctx: &mut Ctx) -> bool {
        match action {
            Action::OpenBridge => {
                let mut s = BridgeState::default();
                s.load(ctx);
                self.sub = Some(Sub::Bridge(s));
            }
            Action::OpenIncrease => {
                let mut s = IncreaseState::default();
                s.load(ctx);
                self.sub = Some(Sub::Increase(s));
            }
            _ => {
                let open = match &mut self.sub {
                    None => return false,
                    Some(Sub::Bridge(s)) => s.update(action.clone()),
                    Some(Sub::Increase(s)) => s.update(action.clone()),
                };
                if !open {
                    self.sub = None;
                }
            }
        }
        true
    }

    /// Takes the worker's answer to one of this view's requests.
    pub fn loaded(&mut self, seq: u64, answer: Answer, ctx: &mut Ctx) {
        if self.guidance.loaded(seq, &answer, ctx) {
            return;
        }
        let taken = match &mut self.sub {
            Some(Sub::Bridge(s)) => s.loaded(seq, &answer, ctx),
            Some(Sub::Increase(s)) => s.loaded(seq, &answer, ctx),
            None => false,
        };
        if taken || matches!(answer, Answer::Bridge(_) | Answer::Increase(_)) {
            return;
        }
        let taken = match answer {
            Answer::Realization(r) => self.loading.answered(seq).map(|_| {
                self.root = Some(r?);
                Ok(())
            }),
            Answer::SegmentDetail(r) => self.detail_loading.answered(seq).map(|_| match r {
                Ok(detail) => {
                    self.detail = Some(detail);
                    Ok(())
                }
                Err(e) => {
                    // Without its products the drill-down goes back to the segments.
                    self.level = Level::Segments;
                    Err(e)
                }
            }),
            Answer::ProductCustomers(r) => self
                .customers_loading
                .answered(seq)
                .map(|_| r.map(|customers| self.set_customers(customers))),
            _ => None,
        };
        let Some(result) = taken else {
            return;
        };
        if let Err(e) = result {
            ctx.error(format!("realization: {e}"));
        }
        self.refresh(ctx);
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx) {
        if self.guidance.open || action == Action::OpenGuidance {
            return match self.guidance.open {
                true => self.guidance.update(action, ctx),
                false => self.guidance.toggle(ctx),
            };
        }
        if self.update_sub(&action, ctx) {
            return;
        }
        let level = self.level.index();
        if self.tables[level].update(&action, COLUMNS) == Outcome::Ignored {
            match action {
                // A click selected a row (App::click): the charts follow it.
                Action::Click(..) => {}
                Action::Drill => self.drill(ctx),
                Action::Back | Action::Left => self.up_level(),
                _ => return,
            }
        }
        self.refresh(ctx);
    }

    /// A click on a chart: the waterfall drills into its row, as Enter; a bin of the band
    /// drills into the band's product's customers (from its products) and selects the first
    /// customer, in table order, whose pocket % of list falls in that bin.
    pub fn click_chart(&mut self, hit: ChartHit, ctx: &mut Ctx) {
        let bin = match hit {
            ChartHit::Waterfall => return self.update(Action::Drill, ctx),
            ChartHit::Bin(i) => self.band.as_ref().and_then(|b| {
                let last = i + 1 == b.histogram.len();
                b.histogram.get(i).map(|bin| (bin.lo_pct, bin.hi_pct, last))
            }),
        };
        let Some((lo, hi, last)) = bin else {
            return;
        };
        if self.level == Level::Products {
            self.drill(ctx);
            self.refresh(ctx);
        }
        if self.level != Level::Customers {
            return;
        }
        let inside = |v: f64| v >= lo && (v < hi || (last && v <= hi));
        let in_bin = |g: &GroupSums| {
            g.sums.quantity > 0.0
                && crate::realization::pct(g.sums.pocket_revenue, g.sums.list_revenue)
                    .is_some_and(inside)
        };
        let table = &self.tables[Level::Customers.index()];
        let hits: Vec<usize> = (0..table.order().len())
            .filter(|&at| self.rows.get(table.order()[at]).is_some_and(in_bin))
            .collect();
        let range = format!("{}–{}%", fmt_num(lo, 1), fmt_num(hi, 1));
        match hits.first() {
            Some(&at) => {
                self.tables[Level::Customers.index()].select(at);
                ctx.info(format!(
                    "{} customer(s) shown with pocket {range} of list; the first is selected",
                    hits.len()
                ));
            }
            None => ctx.info(format!(
                "no customer shown with pocket {range} of list (a filter hides them?)"
            )),
        }
        self.refresh(ctx);
    }

    fn set_customers(&mut self, customers: ProductCustomers) {
        self.customer_cells = customers
            .customers
            .iter()
            .map(|g| Cell {
                segment_id: customers.segment_id.as_str().into(),
                product_id: customers.product_id.as_str().into(),
                customer_id: g.key.customer_id.as_deref().unwrap_or_default().into(),
                quantity: g.sums.quantity,
                list_revenue: g.sums.list_revenue,
                invoice_revenue: g.sums.invoice_revenue,
                pocket_revenue: g.sums.pocket_revenue,
            })
            .collect();
        self.customers = Some(customers);
    }

    fn selected_row(&self) -> Option<&GroupSums> {
        self.rows.get(self.table().current()?)
    }

    /// The table at the current level.
    pub fn table(&self) -> &SortedTable {
        &self.tables[self.level.index()]
    }

    pub fn table_mut(&mut self) -> &mut SortedTable {
        &mut self.tables[self.level.index()]
    }

    fn drill(&mut self, ctx: &mut Ctx) {
        match self.level {
            Level::Segments => {
                let Some(segment) = self.selected_row().and_then(|g| g.key.segment_id.clone())
                else {
                    ctx.info("pick a segment to drill into".into());
                    return;
                };
                let Some(root) = &self.root else { return };
                if self.detail.as_ref().map(|d| &d.segment_id) != Some(&segment) {
                    self.detail = None;
                    self.customers = None;
                    self.customer_cells.clear();
                    self.tables[Level::Products.index()].rewind();
                    let request = Request::SegmentDetail {
                        elements: root.elements.clone(),
                        segment,
                    };
                    self.detail_loading.ask(ctx, request, ());
                }
                self.level = Level::Products;
            }
            Level::Products => {
                let Some(product) = self.selected_row().and_then(|g| g.key.product_id.clone())
                else {
                    return;
                };
                self.product = Some(product);
                self.tables[Level::Customers.index()].rewind();
                self.level = Level::Customers;
            }
            Level::Customers => {}
        }
    }

    fn up_level(&mut self) {
        self.level = match self.level {
            Level::Customers => Level::Products,
            _ => Level::Segments,
        };
    }

    /// The product whose band is shown: the drilled one, or the selected row's.
    fn band_product(&self) -> Option<String> {
        match self.level {
            Level::Segments => None,
            Level::Products => self.selected_row().and_then(|g| g.key.product_id.clone()),
            Level::Customers => self.product.clone(),
        }
    }

    /// The loaded customers, if they are `product`'s.
    fn customers_of(&self, product: Option<&str>) -> Option<&ProductCustomers> {
        self.customers
            .as_ref()
            .filter(|c| Some(c.product_id.as_str()) == product)
    }

    /// Asks for the band product's customers unless they are loaded or on their way.
    fn request_customers(&mut self, ctx: &mut Ctx) {
        let (Some(product), Some(root), Some(detail)) =
            (self.band_product(), &self.root, &self.detail)
        else {
            return;
        };
        let loaded = self.customers_of(Some(&product)).is_some();
        let asked = self.customers_loading.what().is_some_and(|p| *p == product);
        if !loaded && !asked {
            let request = Request::ProductCustomers {
                elements: root.elements.clone(),
                segment: detail.segment_id.clone(),
                product: product.clone(),
            };
            self.customers_loading.ask(ctx, request, product);
        }
    }

    /// Recomputes the rows, the waterfall, the band and the outliers from the loaded sums, and
    /// asks for the customers the selection needs.
    fn refresh(&mut self, ctx: &mut Ctx) {
        self.rows = match (self.level, &self.root, &self.detail) {
            (Level::Segments, Some(root), _) => std::iter::once(root.total.clone())
                .chain(root.segments.iter().cloned())
                .collect(),
            (Level::Products, _, Some(d)) => d.products.clone(),
            (Level::Customers, ..) => self
                .customers_of(self.product.as_deref())
                .map(|c| c.customers.clone())
                .unwrap_or_default(),
            _ => Vec::new(),
        };
        let level = self.level.index();
        let real = |g: &GroupSums| {
            crate::realization::pct(g.sums.pocket_revenue, g.sums.list_revenue)
                .filter(|_| g.sums.quantity > crate::realization::MIN_VOLUME)
        };
        let customers = self.level == Level::Customers;
        self.tables[level].apply(&self.rows, row_label, |g, column| match column {
            0 => SortKey::Text(row_label(g)),
            1 => SortKey::Num(Some(g.sums.quantity)),
            2 => SortKey::Num(Some(g.sums.list_revenue)),
            // "vs p50" orders as the pocket % it is taken from.
            3 => SortKey::Num(real(g)),
            _ if customers => SortKey::Num(real(g)),
            _ => SortKey::Num(Some(g.sums.pocket_revenue)),
        });
        let elements = self.root.as_ref().map(|r| r.elements.as_slice());
        self.waterfall = elements
            .zip(self.selected_row())
            .map(|(e, g)| waterfall(e, g));
        self.request_customers(ctx);
        let product = self.band_product();
        let loaded = self.customers_of(product.as_deref()).is_some();
        let cells: Vec<&Cell> = match loaded {
            true => self.customer_cells.iter().collect(),
            false => Vec::new(),
        };
        let obs: Vec<_> = cells.iter().map(|c| observation(c)).collect();
        self.band = loaded.then(|| band(&obs, BINS));
        self.outliers = self
            .band
            .as_ref()
            .map(|b| outliers(&cells, b))
            .unwrap_or_default();
    }

    /// Where the drill-down is, as a breadcrumb: "segments", "S1 › products", "S1 › P1 › customers".
    pub fn breadcrumb(&self) -> String {
        let segment = self.detail.as_ref().map(|d| d.segment_id.as_str());
        match (self.level, segment, &self.product) {
            (Level::Segments, ..) => "segments".to_string(),
            (Level::Products, Some(s), _) => format!("{s} › products"),
            (Level::Customers, Some(s), Some(p)) => format!("{s} › {p} › customers"),
            _ => "loading…".to_string(),
        }
    }
}

/// What a row is called: its deepest id, or "All segments" for the total.
fn row_label(g: &GroupSums) -> String {
    g.key
        .customer_id
        .as_ref()
        .or(g.key.product_id.as_ref())
        .or(g.key.segment_id.as_ref())
        .cloned()
        .unwrap_or_else(|| "All segments".to_string())
}

/// The waterfall, the band, the drill table and the side table, drawn in `area`.
fn split(area: Rect, state: &RealizationState) -> [Rect; 4] {
    let steps = state.waterfall.as_ref().map_or(3, |w| w.steps.len());
    // Tall enough for the waterfall and for the band's summary line and bars.
    let steps = steps.max(BINS + 1) as u16;
    let [top, bottom] =
        Layout::vertical([Constraint::Length(steps + 2), Constraint::Min(3)]).areas(area);
    let [chart, band_area] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(top);
    let [table, side] =
        Layout::horizontal([Constraint::Percentage(55), Constraint::Percentage(45)]).areas(bottom);
    [chart, band_area, table, side]
}

/// Where the drill table is drawn when the view is drawn in `area` (for mouse clicks).
pub fn table_area(area: Rect, state: &RealizationState) -> Rect {
    split(area, state)[2]
}

/// A chart element under the mouse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartHit {
    /// A bar of the waterfall: the selected row's.
    Waterfall,
    /// A bin of the band's histogram, by index.
    Bin(usize),
}

/// The chart element drawn at column `x`, row `y` when the view is drawn in `area`.
pub fn chart_at(area: Rect, state: &RealizationState, x: u16, y: u16) -> Option<ChartHit> {
    if state.guidance.open || state.sub.is_some() || state.root.is_none() {
        return None;
    }
    let [chart, band_area, ..] = split(area, state);
    // Inside the box, from its first inner row on, `rows` rows down.
    let row_in = |r: Rect, from: u16, rows: usize| {
        let inside = x > r.x && x + 1 < r.right() && y + 1 < r.bottom();
        let first = r.y + 1 + from;
        (inside && y >= first)
            .then(|| usize::from(y - first))
            .filter(|i| *i < rows)
    };
    if let Some(w) = &state.waterfall
        && row_in(chart, 0, w.steps.len()).is_some()
    {
        return Some(ChartHit::Waterfall);
    }
    // The band's first line is its summary; the bins follow.
    let bins = state.band.as_ref()?.histogram.len();
    row_in(band_area, 1, bins).map(ChartHit::Bin)
}

/// Draws the Realization view into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &RealizationState) {
    if state.guidance.open {
        return super::guidance::render(frame, area, &state.guidance);
    }
    match &state.sub {
        Some(Sub::Bridge(s)) => {
            return super::bridge::render(frame, area, s, state.currency.as_deref());
        }
        Some(Sub::Increase(s)) => return super::increase::render(frame, area, s),
        None => {}
    }
    if state.root.is_none() {
        let text = match state.loading.is_loading() {
            true => "loading…",
            false => "no data",
        };
        frame.render_widget(Paragraph::new(text), area);
        return;
    }
    let [chart, band_area, table, side] = split(area, state);
    render_waterfall(frame, chart, state);
    render_band(frame, band_area, state);
    render_table(frame, table, state);
    match state.level {
        Level::Segments => render_leakage(frame, side, state),
        _ => render_outliers(frame, side, state),
    }
}

fn render_waterfall(frame: &mut Frame, area: Rect, state: &RealizationState) {
    let Some(w) = &state.waterfall else {
        frame.render_widget(Paragraph::new("").block(boxed("Waterfall".into())), area);
        return;
    };
    let name = state.selected_row().map_or_else(String::new, row_label);
    let currency = super::currency_note(state.currency.as_deref());
    let title = format!("Waterfall · {name} · per unit{currency}, % of list");
    let block = boxed(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    if state.level == Level::Segments && state.mixed_units {
        // The total and the segments sum over products in different units.
        let text = "mixed units: no per-unit waterfall (the table's revenue and % of list hold)";
        let text = Paragraph::new(text).wrap(Wrap { trim: true });
        frame.render_widget(text.style(theme::LABEL), inner);
        return;
    }
    if !w.has_volume() {
        let text = "no net volume: per-unit amounts cannot be computed";
        frame.render_widget(Paragraph::new(text).style(theme::ERROR), inner);
        return;
    }
    frame.render_widget(WaterfallChart { waterfall: w }, inner);
}

fn render_band(frame: &mut Frame, area: Rect, state: &RealizationState) {
    let (Some(b), Some(product)) = (&state.band, state.band_product()) else {
        let text = match state.level {
            Level::Segments => "drill into a segment (Enter) to see its pocket price band",
            _ => "loading…",
        };
        let block = boxed("Pocket price band".into());
        let text = Paragraph::new(text).wrap(Wrap { trim: true }).block(block);
        frame.render_widget(text, area);
        return;
    };
    let title = format!("Band · {product} · pocket % of list");
    let marker = match (state.level, state.selected_row(), &state.waterfall) {
        (Level::Customers, Some(g), Some(w)) => w
            .realization_pct
            .filter(|_| w.has_volume())
            .map(|pct| (g.key.customer_id.as_deref().unwrap_or_default(), pct)),
        _ => None,
    };
    let block = boxed(title);
    let inner = block.inner(area);
    frame.render_widget(block, area);
    frame.render_widget(BandChart { band: b, marker }, inner);
}

fn render_table(frame: &mut Frame, area: Rect, state: &RealizationState) {
    let (n, all) = (state.table().order().len(), state.rows.len());
    let title = match n == all {
        true => format!("{} · Enter drills, Esc backs up", state.breadcrumb()),
        false => format!("{} · {n} of {all} · Enter drills", state.breadcrumb()),
    };
    let waiting = match state.level {
        Level::Segments => false,
        Level::Products => state.detail_loading.is_loading(),
        Level::Customers => state.customers_loading.is_loading(),
    };
    if waiting {
        frame.render_widget(Paragraph::new("loading…").block(boxed(title)), area);
        return;
    }
    let last_header = match state.level {
        Level::Customers => "vs p50",
        _ => "Pocket rev.",
    };
    let headers: Vec<String> = ["", "Volume", "List rev.", "Pocket%", last_header]
        .iter()
        .enumerate()
        .map(|(i, h)| state.table().header(i, h))
        .collect();
    let (cells, at) = table_cells(state, area.height);
    let width = |i: usize| {
        cells
            .iter()
            .map(|c| c[i].chars().count())
            .chain([headers[i].chars().count()])
            .max()
            .unwrap_or(0) as u16
    };
    let mut shown: Vec<(usize, u16)> = (1..5).map(|i| (i, width(i))).collect();
    // Numbers are never cut: the pocket revenue, then the list revenue, make way instead.
    for drop in [4, 2] {
        let need: u16 = shown.iter().map(|(_, w)| w + 1).sum::<u16>() + 8;
        if need > area.width.saturating_sub(2) && shown.len() > 2 {
            shown.retain(|(i, _)| *i != drop);
        }
    }
    let rows = cells.into_iter().map(|c| {
        let name = Line::raw(c[0].clone());
        Row::new(
            std::iter::once(name).chain(
                shown
                    .iter()
                    .map(|(i, _)| Line::raw(c[*i].clone()).right_aligned()),
            ),
        )
    });
    let widths: Vec<Constraint> = std::iter::once(Constraint::Fill(1))
        .chain(shown.iter().map(|(_, w)| Constraint::Length(*w)))
        .collect();
    let header =
        std::iter::once(headers[0].clone()).chain(shown.iter().map(|(i, _)| headers[*i].clone()));
    let table = Table::new(rows, widths)
        .header(Row::new(header).style(theme::HEADER))
        .block(boxed(title));
    list::render_table(frame, area, table, at);
}

/// The drill table's text: name, volume, list revenue, pocket %, and pocket revenue (or, for
/// customers, their pocket % against the band's median in points).
/// Only the rows a table `height` high can draw are formatted, with the selected one's
/// position among them.
fn table_cells(state: &RealizationState, height: u16) -> (Vec<[String; 5]>, usize) {
    let median = state
        .band
        .as_ref()
        .and_then(|b| b.percentiles)
        .map(|p| p.p50);
    let order = state.table().order();
    let (shown, at) = list::window(order.len(), state.table().selected(), height);
    let cells = order[shown]
        .iter()
        .map(|&i| {
            let g = &state.rows[i];
            let real = crate::realization::pct(g.sums.pocket_revenue, g.sums.list_revenue)
                .filter(|_| g.sums.quantity > crate::realization::MIN_VOLUME);
            let last = match (state.level, median, real) {
                (Level::Customers, Some(m), Some(r)) => with_plus(fmt_num(r - m, 1)),
                (Level::Customers, ..) => "–".to_string(),
                _ => fmt_money(g.sums.pocket_revenue),
            };
            let volume = match (state.level, state.mixed_units) {
                (Level::Segments, true) => "mixed".to_string(),
                _ => fmt_num(g.sums.quantity, 0),
            };
            [
                row_label(g),
                volume,
                fmt_money(g.sums.list_revenue),
                fmt_pct(real),
                last,
            ]
        })
        .collect();
    (cells, at)
}

fn render_leakage(frame: &mut Frame, area: Rect, state: &RealizationState) {
    let Some(w) = &state.waterfall else { return };
    let rows = w
        .steps
        .iter()
        .filter(|s| matches!(s.kind, StepKind::OnInvoice | StepKind::OffInvoice))
        .map(|s| {
            Row::new(vec![
                Line::raw(s.name.clone()),
                Line::raw(fmt_money(s.amount)).right_aligned(),
                Line::raw(fmt_pct(s.pct_of_list)).right_aligned(),
            ])
        });
    let widths = [
        Constraint::Min(8),
        Constraint::Length(15),
        Constraint::Length(7),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(["Element", "Given away", "% list"]).style(theme::HEADER))
        .block(boxed("Leakage by element".into()));
    frame.render_widget(table, area);
}

fn render_outliers(frame: &mut Frame, area: Rect, state: &RealizationState) {
    let title = format!("Below p10 · {} customers", state.outliers.len());
    let rows = state.outliers.iter().map(|o| {
        Row::new(vec![
            Line::raw(o.customer_id.to_string()),
            Line::raw(fmt_pct(Some(o.pocket_pct))).right_aligned(),
            Line::raw(fmt_money(o.volume)).right_aligned(),
            Line::raw(fmt_money(o.recoverable)).right_aligned(),
        ])
    });
    let widths = [
        Constraint::Min(6),
        Constraint::Length(7),
        Constraint::Length(10),
        Constraint::Length(12),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(["Customer", "Pocket%", "Volume", "Recoverable"]).style(theme::HEADER))
        .block(boxed(title));
    frame.render_widget(table, area);
}
