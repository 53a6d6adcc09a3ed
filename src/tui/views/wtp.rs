//! View 4, Willingness-to-pay: per cell (segment × product, and `*` × product over all
//! segments) the best model by AIC; for the selected cell the empirical win rates in price bins
//! with the fitted win curves, the median WTP and the max-margin price marked, and the three
//! models compared. Quotes are invoice prices: the max-margin price is the invoice price that
//! maximises the pocket margin (net of the cell's off-invoice costs) times P(win). All fitting
//! runs on the worker when the view is first shown.

use super::{boxed, opt};
use crate::analysis::demand::WtpCells;
use crate::model::{QuoteCell, WtpRow};
use crate::report::fmt_num;
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::curve::{CurveChart, Mark, Scale, Series};
use crate::tui::widgets::list;
use crate::tui::widgets::sorted::{Outcome, SortKey, SortedTable};
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table};

/// Price bins for the empirical win rates.
const BINS: usize = 10;
/// Points per fitted curve.
const CURVE_POINTS: usize = 48;

/// The WTP view's state.
#[derive(Debug, Default)]
pub struct WtpState {
    /// The workspace's reporting currency (the Overview reads it), named in the title.
    pub currency: Option<String>,
    pub data: Option<WtpCells>,
    pub loading: Pending<()>,
    /// Sort, filter and selection of the cells (`s`, `S`, `/`).
    pub table: SortedTable,
}

impl WtpState {
    /// Asks the worker to fit every cell.
    pub fn load(&mut self, ctx: &mut Ctx) {
        self.loading.ask(ctx, Request::Wtp, ());
    }

    /// Fits on first show.
    pub fn ensure_loaded(&mut self, ctx: &mut Ctx) {
        if self.data.is_none() && !self.loading.is_loading() {
            self.load(ctx);
        }
    }

    /// What the status line says while the fits run.
    pub fn busy_text(&self) -> Option<String> {
        let text = "fitting logistic, normal and log-normal WTP for every cell…";
        self.loading.what().map(|_| text.to_string())
    }

    /// Takes the worker's answer to this view's request.
    pub fn loaded(&mut self, seq: u64, answer: Answer, ctx: &mut Ctx) {
        let Answer::Wtp(result) = answer else {
            return;
        };
        if self.loading.answered(seq).is_some() {
            match result {
                Ok(data) => {
                    self.data = Some(data);
                    self.reorder();
                }
                Err(e) => ctx.error(format!("wtp: {e}")),
            }
        }
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx) {
        match self.table.update(&action, HEADERS.len()) {
            Outcome::Reorder => self.reorder(),
            Outcome::Moved => {}
            Outcome::Ignored => {
                if action == Action::Refit {
                    self.load(ctx);
                }
            }
        }
    }

    /// Sorts and filters the cells again (new fits, or a new sort or filter).
    fn reorder(&mut self) {
        let Some(d) = &self.data else { return };
        let rows: Vec<(&QuoteCell, Option<&WtpRow>)> = d
            .cells
            .iter()
            .enumerate()
            .map(|(i, c)| (c, d.rows.get(i * 3..i * 3 + 3).and_then(best)))
            .collect();
        self.table.apply(
            &rows,
            |(c, _)| format!("{} {}", c.segment_id, c.product_id),
            |(c, b), column| match column {
                0 => SortKey::Text(c.segment_id.clone()),
                1 => SortKey::Text(c.product_id.clone()),
                2 => SortKey::Num(Some(c.quotes.len() as f64)),
                3 => SortKey::Num(c.win_rate()),
                4 => SortKey::Text(b.map_or("", |r| short_model(r.fit.model)).to_string()),
                5 => SortKey::Num(b.and_then(|r| r.fit.median_wtp)),
                6 => SortKey::Num(b.and_then(|r| r.fit.optimal_price)),
                _ => SortKey::Text(b.map_or("", |r| r.flag()).to_string()),
            },
        );
    }

    /// The selected cell and its three fits.
    pub fn selected_cell(&self) -> Option<(&QuoteCell, &[WtpRow])> {
        let d = self.data.as_ref()?;
        let i = self.table.current()?;
        let cell = d.cells.get(i)?;
        let fits = d.rows.get(i * 3..i * 3 + 3)?;
        Some((cell, fits))
    }
}

/// The model marked best, else the first (which carries the reason).
fn best(fits: &[WtpRow]) -> Option<&WtpRow> {
    fits.iter().find(|r| r.fit.best_by_aic).or(fits.first())
}

/// The table, the chart beside it and the model comparison below them, drawn in `area`.
fn split(area: Rect) -> [Rect; 3] {
    let [top, models] = Layout::vertical([Constraint::Min(5), Constraint::Length(6)]).areas(area);
    let [table, chart] =
        Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)]).areas(top);
    [table, chart, models]
}

/// Where the table is drawn when the view is drawn in `area` (for mouse clicks).
pub fn table_area(area: Rect) -> Rect {
    split(area)[0]
}

/// Draws the WTP view into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &WtpState) {
    let data = state.data.as_ref().filter(|d| !d.cells.is_empty());
    let Some(data) = data else {
        let text = match state.loading.is_loading() {
            true => "fitting…",
            false => {
                "no quotes: import quotes.csv (quote_id, date, customer_id, product_id, quantity, quoted_price, won) with pricebench import"
            }
        };
        let wrap = ratatui::widgets::Wrap { trim: true };
        frame.render_widget(Paragraph::new(text).wrap(wrap), area);
        return;
    };
    // The model comparison runs the full width below, so no column of it is ever cut.
    let [table, chart, models] = split(area);
    render_table(frame, table, state, data);
    if let Some((cell, fits)) = state.selected_cell() {
        render_chart(frame, chart, cell, fits);
        render_models(frame, models, cell, fits);
    }
}

/// A model's name in six columns (the comparison below spells it out).
fn short_model(model: crate::model::WtpModel) -> &'static str {
    match model {
        crate::model::WtpModel::Logistic => "logis",
        crate::model::WtpModel::Normal => "normal",
        crate::model::WtpModel::LogNormal => "lnorm",
    }
}

/// The table's column headers, which are also what `s` sorts by.
const HEADERS: [&str; 8] = [
    "Segment", "Product", "n", "win%", "best", "median", "max-mgn", "flag",
];

fn render_table(frame: &mut Frame, area: Rect, state: &WtpState, data: &WtpCells) {
    let order = state.table.order();
    let (shown, at) = list::window(order.len(), state.table.selected(), area.height);
    let rows = order[shown].iter().map(|&i| {
        let c = &data.cells[i];
        let b = data.rows.get(i * 3..i * 3 + 3).and_then(best);
        let (model, median, price, flag) = match b {
            Some(r) => (
                short_model(r.fit.model),
                opt(r.fit.median_wtp, 2),
                opt(r.fit.optimal_price, 2),
                r.flag(),
            ),
            None => ("", "–".into(), "–".into(), ""),
        };
        Row::new(vec![
            Line::raw(c.segment_id.clone()),
            Line::raw(c.product_id.clone()),
            Line::raw(c.quotes.len().to_string()).right_aligned(),
            Line::raw(opt(c.win_rate().map(|w| w * 100.0), 0)).right_aligned(),
            Line::raw(model),
            Line::raw(median).right_aligned(),
            Line::raw(price).right_aligned(),
            Line::raw(flag),
        ])
    });
    let widths = [
        Constraint::Length(8),
        Constraint::Length(7),
        Constraint::Length(4),
        Constraint::Length(4),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    // The sorted column is two wider for its arrow (the flag column, last, takes the rest).
    let mut widths = widths;
    if let Some(i) = state.table.sort
        && let Some(Constraint::Length(w)) = widths.get_mut(i)
    {
        *w = (*w).max(HEADERS[i].chars().count() as u16 + 2);
    }
    let header = Row::new(
        HEADERS
            .iter()
            .enumerate()
            .map(|(i, h)| state.table.header(i, h)),
    )
    .style(theme::HEADER);
    let (n, all) = (order.len(), data.cells.len());
    let cur = super::currency_note(state.currency.as_deref());
    let title = match n == all {
        true => format!("Willingness-to-pay{cur} · {all} cells"),
        false => format!("Willingness-to-pay{cur} · {n} of {all} cells"),
    };
    let table = Table::new(rows, widths).header(header).block(boxed(title));
    list::render_table(frame, area, table, at);
}

/// Win rate per equal-width price bin (bin centre, share won), empty bins left out.
pub fn binned_win_rates(cell: &QuoteCell, bins: usize) -> Vec<(f64, f64)> {
    cell.binned_win_rates(bins)
}

fn render_chart(frame: &mut Frame, area: Rect, cell: &QuoteCell, fits: &[WtpRow]) {
    let title = format!("Win rate · {} × {}", cell.segment_id, cell.product_id);
    let bins = binned_win_rates(cell, BINS);
    let (Some(first), Some(last)) = (bins.first(), bins.last()) else {
        let text = Paragraph::new("no price spread to chart").block(boxed(title));
        frame.render_widget(text, area);
        return;
    };
    let b = best(fits);
    let marks = [
        b.and_then(|r| r.fit.median_wtp),
        b.and_then(|r| r.fit.optimal_price),
    ];
    let lo = marks.iter().flatten().fold(first.0, |a, &m| a.min(m)) * 0.95;
    let hi = marks.iter().flatten().fold(last.0, |a, &m| a.max(m)) * 1.05;
    let mut series: Vec<Series> = fits
        .iter()
        .zip(theme::MODEL_CURVES)
        .map(|(r, style)| {
            let points = win_curve(r, [lo, hi]);
            Series::new(r.fit.model.as_str(), points, style, Mark::Line)
        })
        .collect();
    series.extend([
        Series::vertical(Some("median"), marks[0], [0.0, 1.0], theme::MEDIAN),
        Series::vertical(Some("max margin"), marks[1], [0.0, 1.0], theme::BEST_PRICE),
        Series::new("won share", bins, theme::VALUE, Mark::Blocks),
    ]);
    let chart = CurveChart {
        title,
        series,
        x: Scale::new("price", [lo, hi], 2),
        y: Scale::share("P(win)"),
    };
    frame.render_widget(chart, area);
}

/// A fitted model's P(win) across the price range `x`.
fn win_curve(r: &WtpRow, x: [f64; 2]) -> Vec<(f64, f64)> {
    r.fit.win_curve(x, CURVE_POINTS)
}

fn render_models(frame: &mut Frame, area: Rect, cell: &QuoteCell, fits: &[WtpRow]) {
    let rows = fits.iter().map(|r| {
        let f = &r.fit;
        let ci = match (f.median_ci_low, f.median_ci_high) {
            (Some(l), Some(h)) => format!("[{}, {}]", fmt_num(l, 2), fmt_num(h, 2)),
            _ => "–".to_string(),
        };
        Row::new(vec![
            Line::raw(format!(
                "{}{}",
                if f.best_by_aic { "* " } else { "  " },
                f.model.as_str()
            )),
            Line::raw(opt(f.median_wtp, 2)).right_aligned(),
            Line::raw(ci),
            Line::raw(opt(f.aic, 1)).right_aligned(),
            Line::raw(opt(f.optimal_price, 2)).right_aligned(),
            Line::raw(r.flag()),
        ])
    });
    let widths = [
        Constraint::Length(12),
        Constraint::Length(8),
        Constraint::Length(17),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    let header =
        Row::new(["model", "median", "95% CI", "AIC", "max-mgn", "flag"]).style(theme::HEADER);
    // Quotes are invoice prices; the max-margin price is on that basis, net of the cell's
    // off-invoice costs (see `QuoteCosts`).
    let title = format!(
        "Models · * = best AIC · max-mgn: invoice price; off-invoice {}% + {}/unit",
        fmt_num(cell.off_share * 100.0, 1),
        fmt_num(cell.off_fixed, 2)
    );
    let table = Table::new(rows, widths).header(header).block(boxed(title));
    frame.render_widget(table, area);
}
