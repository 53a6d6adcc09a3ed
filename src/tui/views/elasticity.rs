//! View 3, Elasticity: every cell's elasticity beside its pooled value (sortable, filterable by
//! flag, flags visible), and for the selected cell its points with the fitted demand curve and
//! the band its 95% interval allows. The numbers come from the cell model (log-log OLS on each
//! cell's weekly totals) or the panel model (customer fixed effects on monthly customer data);
//! the title and the fit pane name the model, and `m` switches between them.
//!
//! The view opens on the results stored in the workspace (fitting and storing them first when
//! there are none) and marks them stale when data was imported since; `r` refits on the worker.
//! The selected cell's points are read as the selection moves, one cell at a time.
//!
//! `t` shows, instead of the demand curve, the cell over time: its pocket (or invoice, list)
//! price and list price per unit above, its volume below — the periods the fit is made on — with
//! each change of the list price per unit marked and listed.

use super::elasticity_time::TimeSeries;
use super::{boxed, opt};
use crate::model::series::CellSeries;
use crate::model::{CellPoints, DemandModel, ElasticityRow, FitStatus};
use crate::report::fmt_num;
use crate::store::demand::{ElasticitySettings, Period, PriceBasis, StoredElasticity};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::curve::{CurveChart, Mark, Scale, Series};
use crate::tui::widgets::list;
use crate::tui::widgets::prompt::{self, Key};
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};
use std::cmp::Ordering;

/// What the table is sorted by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortBy {
    #[default]
    Cell,
    Elasticity,
    CiWidth,
    RSquared,
    Pooled,
    Flag,
}

impl SortBy {
    fn next(self) -> SortBy {
        match self {
            SortBy::Cell => SortBy::Elasticity,
            SortBy::Elasticity => SortBy::CiWidth,
            SortBy::CiWidth => SortBy::RSquared,
            SortBy::RSquared => SortBy::Pooled,
            SortBy::Pooled => SortBy::Flag,
            SortBy::Flag => SortBy::Cell,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            SortBy::Cell => "cell",
            SortBy::Elasticity => "elasticity",
            SortBy::CiWidth => "CI width",
            SortBy::RSquared => "R²",
            SortBy::Pooled => "pooled",
            SortBy::Flag => "flag",
        }
    }
}

/// Which cells the table shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum FlagFilter {
    #[default]
    All,
    Ok,
    Flagged,
}

impl FlagFilter {
    fn next(self) -> FlagFilter {
        match self {
            FlagFilter::All => FlagFilter::Ok,
            FlagFilter::Ok => FlagFilter::Flagged,
            FlagFilter::Flagged => FlagFilter::All,
        }
    }

    fn keeps(self, row: &ElasticityRow) -> bool {
        match self {
            FlagFilter::All => true,
            FlagFilter::Ok => row.flag == FitStatus::Ok,
            FlagFilter::Flagged => row.flag != FitStatus::Ok,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            FlagFilter::All => "all cells",
            FlagFilter::Ok => "ok cells",
            FlagFilter::Flagged => "flagged cells",
        }
    }
}

/// The Elasticity view's state.
#[derive(Debug, Default)]
pub struct ElasticityState {
    pub settings: ElasticitySettings,
    pub stored: Option<StoredElasticity>,
    /// The fit loading, and whether it is a refit.
    pub loading: Pending<bool>,
    /// The selected cell's points, once read.
    pub points: Option<CellPoints>,
    /// What the demand chart draws for `points`, worked out when they arrive (`None` when
    /// they hold no period with sales).
    pub demand: Option<DemandCurve>,
    /// The selected cell's dated periods, once read, and their time chart.
    pub series: Option<CellSeries>,
    pub time: Option<TimeSeries>,
    /// The side pane shows the time chart (`t`) instead of the demand curve and the fit.
    pub show_time: bool,
    /// The cell (segment, product) whose points are loading.
    pub points_loading: Pending<(String, String)>,
    pub sort: SortBy,
    pub descending: bool,
    pub filter: FlagFilter,
    /// Case-insensitive text the segment or product id must contain (empty: every cell).
    pub text: String,
    /// The filter text being typed, while the prompt is open.
    pub prompt: Option<String>,
    /// Indices into the stored rows, in table order.
    pub visible: Vec<usize>,
    pub selected: usize,
}

impl ElasticityState {
    /// Asks for the stored results (or a refit) unless a request is out.
    pub fn load(&mut self, refit: bool, ctx: &mut Ctx) {
        let request = Request::Elasticity {
            settings: self.settings,
            refit,
        };
        self.loading.ask(ctx, request, refit);
    }

    /// Loads on first show.
    pub fn ensure_loaded(&mut self, ctx: &mut Ctx) {
        if self.stored.is_none() && !self.loading.is_loading() {
            self.load(false, ctx);
        }
    }

    /// Forgets what was loaded (a reload of the workspace).
    pub fn reset(&mut self) {
        *self = ElasticityState::default();
    }

    /// What the status line says while a request is out.
    pub fn busy_text(&self) -> Option<String> {
        match (self.loading.what(), self.points_loading.what()) {
            (Some(true), _) => Some("fitting elasticities for every cell…".into()),
            (Some(false), _) => Some("loading stored elasticities…".into()),
            (None, Some((s, p))) => Some(format!("reading {s} × {p} periods…")),
            _ => None,
        }
    }

    /// Takes the worker's answer to one of this view's requests.
    pub fn loaded(&mut self, seq: u64, answer: Answer, ctx: &mut Ctx) {
        // New fits (another model's) come in their own order: the selection follows its cell.
        let keep = self.selected_row().map(key);
        let taken = match answer {
            Answer::Elasticity(r) => self.loading.answered(seq).map(|_| self.set_stored(r)),
            Answer::ElasticityPoints(r) => self.points_loading.answered(seq).map(|_| {
                self.set_points(r?);
                Ok(())
            }),
            _ => None,
        };
        let Some(result) = taken else {
            return;
        };
        if let Err(e) = result {
            ctx.error(format!("elasticity: {e}"));
        }
        self.refresh_keeping(keep, ctx);
    }

    /// New fits replace the old, and the points read for one of those.
    fn set_stored(&mut self, result: Result<StoredElasticity, String>) -> Result<(), String> {
        self.points = None;
        self.demand = None;
        self.series = None;
        self.time = None;
        self.stored = Some(result?);
        Ok(())
    }

    /// A cell's points, with the curves its chart draws through them (fitted here, once, not
    /// while drawing).
    fn set_points(&mut self, series: CellSeries) {
        let points = series.points();
        self.time = Some(TimeSeries::of(&series));
        self.series = Some(series);
        let row = self.stored.as_ref().and_then(|s| {
            let key = (&points.segment_id, &points.product_id);
            s.rows
                .iter()
                .find(|r| (&r.segment_id, &r.product_id) == key)
        });
        self.demand = row.and_then(|row| demand_curve(&points, row));
        self.points = Some(points);
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx) {
        if let Some(key) = self.prompt.as_mut().and_then(|t| prompt::edit(t, &action)) {
            return self.prompt_key(key, ctx);
        }
        if let Some(selected) = list::moved(self.selected, self.visible.len(), &action) {
            // A move changes no order: only the selected cell's points are asked for.
            self.selected = selected;
            return self.request_points(ctx);
        }
        match action {
            Action::Refit => self.load(true, ctx),
            Action::SwitchModel => return self.switch_model(ctx),
            Action::SwitchPeriod => return self.switch_period(ctx),
            Action::CyclePriceBasis => {
                self.settings.price = match self.settings.price {
                    PriceBasis::Pocket => PriceBasis::Invoice,
                    PriceBasis::Invoice => PriceBasis::List,
                    PriceBasis::List => PriceBasis::Pocket,
                };
                return self.load(false, ctx);
            }
            Action::ToggleTimeChart => {
                self.show_time = !self.show_time;
                return;
            }
            Action::CycleSort => self.sort = self.sort.next(),
            Action::FlipSort => self.descending = !self.descending,
            Action::CycleFlagFilter => {
                self.filter = self.filter.next();
                self.selected = 0;
            }
            Action::ClearFilter if !self.text.is_empty() => {
                self.text.clear();
                self.selected = 0;
            }
            Action::OpenFilter => {
                self.prompt = Some(self.text.clone());
                return;
            }
            _ => return,
        }
        self.refresh(ctx);
    }

    /// The other model's results (stored, or fitted and stored), at the same price basis; the
    /// cell model on weeks, the panel model on months. The table keeps showing the current
    /// model's rows, under their own title, until the other's arrive.
    fn switch_model(&mut self, ctx: &mut Ctx) {
        let price = self.settings.price;
        self.settings = match self.settings.model {
            DemandModel::Cell => ElasticitySettings::panel(price),
            DemandModel::Panel => ElasticitySettings {
                period: Period::Week,
                price,
                model: DemandModel::Cell,
            },
        };
        self.load(false, ctx);
    }

    /// The cell model on months instead of weeks, or back; the panel model is monthly only.
    fn switch_period(&mut self, ctx: &mut Ctx) {
        if self.settings.model == DemandModel::Panel {
            ctx.info("the panel model fits months only; m switches to the cell model".into());
            return;
        }
        self.settings.period = match self.settings.period {
            Period::Week => Period::Month,
            Period::Month => Period::Week,
        };
        self.load(false, ctx);
    }

    /// Enter filters by the typed text, Esc closes the prompt.
    fn prompt_key(&mut self, key: Key, ctx: &mut Ctx) {
        match key {
            Key::Submit => {
                self.text = self.prompt.take().unwrap_or_default().trim().to_string();
                self.selected = 0;
                self.refresh(ctx);
            }
            Key::Cancel => self.prompt = None,
            Key::Edited => {}
        }
    }

    /// The rows, in table order.
    pub fn rows(&self) -> Vec<&ElasticityRow> {
        let Some(stored) = &self.stored else {
            return Vec::new();
        };
        self.visible.iter().map(|&i| &stored.rows[i]).collect()
    }

    pub fn selected_row(&self) -> Option<&ElasticityRow> {
        let stored = self.stored.as_ref()?;
        stored.rows.get(*self.visible.get(self.selected)?)
    }

    /// Re-sorts and re-filters the table and asks for the selected cell's points.
    fn refresh(&mut self, ctx: &mut Ctx) {
        let keep = self.selected_row().map(key);
        self.refresh_keeping(keep, ctx);
    }

    /// [`Self::refresh`], selecting cell `keep` when it is shown.
    fn refresh_keeping(&mut self, keep: Option<(String, String)>, ctx: &mut Ctx) {
        self.visible = match &self.stored {
            Some(s) => {
                let text = self.text.to_lowercase();
                let matches = |r: &ElasticityRow| {
                    text.is_empty()
                        || r.segment_id.to_lowercase().contains(&text)
                        || r.product_id.to_lowercase().contains(&text)
                };
                let mut v: Vec<usize> = (0..s.rows.len())
                    .filter(|&i| self.filter.keeps(&s.rows[i]) && matches(&s.rows[i]))
                    .collect();
                v.sort_by(|&a, &b| compare(self.sort, &s.rows[a], &s.rows[b]));
                if self.descending {
                    v.reverse();
                }
                v
            }
            None => Vec::new(),
        };
        if let (Some(k), Some(s)) = (keep, &self.stored) {
            let found = self.visible.iter().position(|&i| key(&s.rows[i]) == k);
            self.selected = found.unwrap_or(self.selected);
        }
        self.selected = list::within(self.selected, self.visible.len());
        self.request_points(ctx);
    }

    fn request_points(&mut self, ctx: &mut Ctx) {
        let Some((segment, product)) = self.selected_row().map(key) else {
            return;
        };
        let have = self
            .points
            .as_ref()
            .is_some_and(|p| p.segment_id == segment && p.product_id == product);
        let asked = self
            .points_loading
            .what()
            .is_some_and(|(s, p)| *s == segment && *p == product);
        if !have && !asked {
            // The points of the fit on screen, which is another model's while a switch loads.
            let settings = self.stored.as_ref().map_or(self.settings, |s| s.settings);
            let request = Request::ElasticityPoints {
                settings,
                segment: segment.clone(),
                product: product.clone(),
            };
            self.points_loading.ask(ctx, request, (segment, product));
        }
    }
}

fn key(r: &ElasticityRow) -> (String, String) {
    (r.segment_id.clone(), r.product_id.clone())
}

/// A row's (segment, product), borrowed.
fn ids(r: &ElasticityRow) -> (&str, &str) {
    (r.segment_id.as_str(), r.product_id.as_str())
}

/// Absent numbers sort last.
fn by_opt(a: Option<f64>, b: Option<f64>) -> Ordering {
    match (a, b) {
        (Some(x), Some(y)) => x.total_cmp(&y),
        (Some(_), None) => Ordering::Less,
        (None, Some(_)) => Ordering::Greater,
        (None, None) => Ordering::Equal,
    }
}

fn compare(sort: SortBy, a: &ElasticityRow, b: &ElasticityRow) -> Ordering {
    let width = |r: &ElasticityRow| Some(r.ci_high? - r.ci_low?);
    let primary = match sort {
        SortBy::Cell => Ordering::Equal,
        SortBy::Elasticity => by_opt(a.elasticity, b.elasticity),
        SortBy::CiWidth => by_opt(width(a), width(b)),
        SortBy::RSquared => by_opt(a.r_squared, b.r_squared),
        SortBy::Pooled => by_opt(a.pooled_elasticity, b.pooled_elasticity),
        SortBy::Flag => a.flag.as_str().cmp(b.flag.as_str()),
    };
    // Borrowed ids: a sort of 2,500 cells allocates nothing per comparison.
    primary.then_with(|| ids(a).cmp(&ids(b)))
}

/// Draws the Elasticity view into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &ElasticityState) {
    let Some(stored) = &state.stored else {
        let text = match state.loading.is_loading() {
            true => "fitting…",
            false => {
                "no elasticities yet: import transactions.csv (pricebench import DIR), then R fits"
            }
        };
        let wrap = ratatui::widgets::Wrap { trim: true };
        frame.render_widget(Paragraph::new(text).wrap(wrap), area);
        return;
    };
    let [table, side] =
        Layout::horizontal([Constraint::Percentage(58), Constraint::Percentage(42)]).areas(area);
    let [chart, numbers] =
        Layout::vertical([Constraint::Min(5), Constraint::Length(10)]).areas(side);
    render_table(frame, table, state, stored);
    if state.show_time {
        return super::elasticity_time::render(frame, side, state, stored.settings);
    }
    render_chart(frame, chart, state, stored.settings.model);
    render_numbers(frame, numbers, state);
}

/// The table's title: the filter (or the prompt typing one), the fit's model and settings,
/// whether it is stale, what is shown and how it is sorted.
fn table_title(state: &ElasticityState, stored: &StoredElasticity) -> Line<'static> {
    // The filter comes first: a narrow table cuts the title's end, not what is being typed.
    let mut title = vec![Span::raw(" Elasticity ")];
    match (&state.prompt, state.text.is_empty()) {
        (Some(typing), _) => {
            title.push(Span::raw("· "));
            title.extend(prompt::spans("filter", typing));
            title.push(Span::raw(" "));
        }
        (None, false) => title.push(Span::raw(format!(
            "· '{}': {} shown ",
            state.text,
            state.visible.len()
        ))),
        (None, true) => {}
    }
    title.push(Span::raw(format!(
        "· {} · {} · {} ",
        stored.settings.model.as_str(),
        stored.settings.period.as_str(),
        stored.settings.price.as_str(),
    )));
    // Before the sort: a narrow table cuts the title's end, and staleness matters more.
    if stored.stale {
        title.push(Span::styled(
            " STALE: data changed, R refits ",
            theme::ERROR,
        ));
    }
    title.push(Span::raw(format!(
        "· {} of {} · by {}{} ",
        state.filter.label(),
        stored.rows.len(),
        state.sort.label(),
        if state.descending { " ↓" } else { "" },
    )));
    Line::from(title)
}

fn render_table(frame: &mut Frame, area: Rect, state: &ElasticityState, stored: &StoredElasticity) {
    // Only the rows that can be drawn are formatted (2,500 cells at 10M lines).
    let all = state.rows();
    let (shown, at) = list::window(all.len(), state.selected, area.height);
    let rows = all[shown].iter().map(|r| {
        let flag_style = match r.flag {
            FitStatus::Ok => theme::VALUE,
            _ => theme::LEAK,
        };
        Row::new(vec![
            Line::raw(r.segment_id.clone()),
            Line::raw(r.product_id.clone()),
            Line::raw(r.n_periods.to_string()).right_aligned(),
            Line::raw(opt(r.elasticity, 2)).right_aligned(),
            Line::raw(opt(r.pooled_elasticity, 2)).right_aligned(),
            Line::styled(r.flag.as_str(), flag_style),
        ])
    });
    let widths = [
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(6),
        Constraint::Fill(1),
    ];
    let header = Row::new(["Segment", "Product", "n", "e", "pooled", "flag"]).style(theme::HEADER);
    let block = Block::default()
        .borders(Borders::ALL)
        .title(table_title(state, stored));
    let table = Table::new(rows, widths).header(header).block(block);
    list::render_table(frame, area, table, at);
}

/// A cell's demand chart: its periods and the fitted curve with the band its 95% interval
/// allows, as (price, quantity) series, and the ranges of both axes.
#[derive(Debug, Clone, PartialEq)]
pub struct DemandCurve {
    pub points: Vec<(f64, f64)>,
    pub fitted: Vec<(f64, f64)>,
    pub low: Vec<(f64, f64)>,
    pub high: Vec<(f64, f64)>,
    pub x: [f64; 2],
    pub y: [f64; 2],
}

/// Q = exp(ȳ + slope·(ln P − x̄)) through the centroid of the logs, over the price range.
fn curve(slope: f64, cx: f64, cy: f64, x: [f64; 2]) -> Vec<(f64, f64)> {
    (0..=40)
        .map(|i| {
            let p = x[0] + (x[1] - x[0]) * i as f64 / 40.0;
            (p, (cy + slope * (p.ln() - cx)).exp())
        })
        .collect()
}

/// The chart of `cell`'s points under `row`'s estimate (the pooled one when the cell has none),
/// drawn through the centroid of the points' logs; `None` without a period with sales.
fn demand_curve(cell: &CellPoints, row: &ElasticityRow) -> Option<DemandCurve> {
    let points: Vec<(f64, f64)> = cell
        .points
        .iter()
        .filter(|p| p.quantity > 0.0 && p.price > 0.0)
        .map(|p| (p.price, p.quantity))
        .collect();
    let n = points.len() as f64;
    let lo = points.iter().map(|p| p.0).fold(f64::INFINITY, f64::min);
    let hi = points.iter().map(|p| p.0).fold(f64::NEG_INFINITY, f64::max);
    if points.is_empty() || !lo.is_finite() {
        return None;
    }
    let pad = ((hi - lo) * 0.05).max(lo * 0.02);
    let x = [lo - pad, hi + pad];
    let cx = points.iter().map(|p| p.0.ln()).sum::<f64>() / n;
    let cy = points.iter().map(|p| p.1.ln()).sum::<f64>() / n;
    let line = |s: Option<f64>| s.map(|s| curve(s, cx, cy, x)).unwrap_or_default();
    let (fitted, low, high) = match row.elasticity {
        Some(e) => (line(Some(e)), line(row.ci_low), line(row.ci_high)),
        None => (line(row.pooled_elasticity), Vec::new(), Vec::new()),
    };
    let ys = points.iter().chain(&fitted).map(|p| p.1);
    let y_max = ys.fold(0.0_f64, f64::max) * 1.05;
    Some(DemandCurve {
        points,
        fitted,
        low,
        high,
        x,
        y: [0.0, y_max.max(1.0)],
    })
}

fn render_chart(frame: &mut Frame, area: Rect, state: &ElasticityState, model: DemandModel) {
    let (Some(row), Some(cell)) = (state.selected_row(), &state.points) else {
        frame.render_widget(Paragraph::new("").block(boxed("Demand".into())), area);
        return;
    };
    if cell.segment_id != row.segment_id || cell.product_id != row.product_id {
        frame.render_widget(
            Paragraph::new("loading…").block(boxed("Demand".into())),
            area,
        );
        return;
    }
    let Some(d) = &state.demand else {
        let text = Paragraph::new("no periods with sales").block(boxed("Demand".into()));
        frame.render_widget(text, area);
        return;
    };
    let chart = CurveChart {
        title: format!(
            "Demand · {} × {} · {} model",
            row.segment_id,
            row.product_id,
            model.as_str()
        ),
        series: vec![
            Series::new("95% CI", d.low.as_slice(), theme::GUIDE, Mark::Line),
            Series::unnamed(d.high.as_slice(), theme::GUIDE),
            Series::new("fit", d.fitted.as_slice(), theme::BAR, Mark::Line),
            Series::new("periods", d.points.as_slice(), theme::KEY, Mark::Dots),
        ],
        x: Scale::new("price", d.x, 2),
        y: Scale::new("qty", d.y, 0),
    };
    frame.render_widget(chart, area);
}

fn render_numbers(frame: &mut Frame, area: Rect, state: &ElasticityState) {
    let Some(r) = state.selected_row() else {
        frame.render_widget(Paragraph::new("no cell").block(boxed("Fit".into())), area);
        return;
    };
    let ci = |lo: Option<f64>, hi: Option<f64>| match (lo, hi) {
        (Some(l), Some(h)) => format!("[{}, {}]", fmt_num(l, 3), fmt_num(h, 3)),
        _ => "–".to_string(),
    };
    let usable = match r.usable() {
        Some((e, _, _)) if r.uses_pooled() => format!("{} (pooled)", fmt_num(e, 3)),
        Some((e, _, _)) => format!("{} (own fit)", fmt_num(e, 3)),
        None => "none".to_string(),
    };
    let pair = |label: &str, value: String| {
        Line::from(vec![
            Span::styled(format!("{label:<11}"), theme::LABEL),
            Span::styled(value, theme::VALUE),
        ])
    };
    let settings = state
        .stored
        .as_ref()
        .map(|s| s.settings)
        .unwrap_or_default();
    let (model, fit_label, fit) = match settings.model {
        DemandModel::Panel => (
            format!("panel · FE · {} customers", r.n_customers.unwrap_or(0)),
            "within R²",
            format!("{}  cust-months {}", opt(r.r_squared, 3), r.n_periods),
        ),
        DemandModel::Cell => (
            format!("cell · OLS per {}", settings.period.as_str()),
            "R²",
            format!("{}  periods {}", opt(r.r_squared, 3), r.n_periods),
        ),
    };
    let lines = vec![
        pair("model", model),
        pair(
            "elasticity",
            format!("{}  SE {}", opt(r.elasticity, 3), opt(r.std_error, 3)),
        ),
        pair("95% CI", ci(r.ci_low, r.ci_high)),
        pair(fit_label, fit),
        pair(
            "pooled",
            format!(
                "{} {}",
                opt(r.pooled_elasticity, 3),
                ci(r.pooled_ci_low, r.pooled_ci_high)
            ),
        ),
        pair("flag", r.flag.as_str().to_string()),
        pair("use", usable),
    ];
    // Wrapped at spaces, a long line (the pooled interval at 80 columns) breaks between
    // numbers instead of cutting one.
    let wrap = ratatui::widgets::Wrap { trim: false };
    frame.render_widget(
        Paragraph::new(lines).block(boxed("Fit".into())).wrap(wrap),
        area,
    );
}
