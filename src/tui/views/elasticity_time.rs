//! The Elasticity view's time chart (`t`): the selected cell's periods as the fit sees them —
//! price and list price per unit above, units below — with each change of the list price per
//! unit marked by a vertical line in both charts and listed under them.

use super::boxed;
use super::elasticity::ElasticityState;
use crate::date::Date;
use crate::model::series::{CellSeries, ListChange, SeriesPeriod, list_changes};
use crate::store::demand::ElasticitySettings;
use crate::tui::theme;
use crate::tui::widgets::curve::{CurveChart, Mark, Scale, Series};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::Paragraph;

/// A cell over time, as the time chart draws it: x is the period's first day (days since
/// 1970-01-01), the price chart's y the price per unit, the volume chart's the units.
#[derive(Debug, Clone, PartialEq)]
pub struct TimeSeries {
    /// (day, units) of every period.
    pub volume: Vec<(f64, f64)>,
    /// (day, revenue per unit on the fit's basis) of the periods with sales.
    pub price: Vec<(f64, f64)>,
    /// (day, list revenue per unit) of the periods with sales.
    pub list: Vec<(f64, f64)>,
    pub changes: Vec<ListChange>,
    pub x: [f64; 2],
    pub price_y: [f64; 2],
    pub volume_y: [f64; 2],
}

impl TimeSeries {
    /// The chart of `series`; empty series make empty charts over a one-day range.
    pub fn of(series: &CellSeries) -> TimeSeries {
        let day = |d: Date| f64::from(d.0);
        let periods = &series.periods;
        let volume: Vec<(f64, f64)> = periods.iter().map(|p| (day(p.start), p.quantity)).collect();
        let dated = |f: fn(&SeriesPeriod) -> Option<f64>| {
            periods
                .iter()
                .filter_map(|p| Some((day(p.start), f(p)?)))
                .collect::<Vec<_>>()
        };
        let (price, list) = (dated(|p| p.price), dated(|p| p.list_price));
        let first = volume.first().map_or(0.0, |p| p.0);
        let last = volume.last().map_or(1.0, |p| p.0).max(first + 1.0);
        let prices = price.iter().chain(&list).map(|p| p.1);
        let lo = prices.clone().fold(f64::INFINITY, f64::min);
        let hi = prices.fold(f64::NEG_INFINITY, f64::max);
        let price_y = match lo.is_finite() && hi.is_finite() {
            true => {
                let pad = ((hi - lo) * 0.05).max(hi.abs() * 0.01).max(0.01);
                [(lo - pad).max(0.0), hi + pad]
            }
            false => [0.0, 1.0],
        };
        let q = volume.iter().map(|p| p.1);
        let q_lo = q.clone().fold(0.0_f64, f64::min);
        let q_hi = q.fold(0.0_f64, f64::max).max(1.0) * 1.05;
        TimeSeries {
            changes: list_changes(periods),
            volume,
            price,
            list,
            x: [first, last],
            price_y,
            volume_y: [q_lo, q_hi],
        }
    }

    /// The x axis: the first and the last period's dates.
    fn x_scale(&self, title: &'static str) -> Scale {
        Scale {
            title,
            bounds: self.x,
            labels: self.x.map(|x| Date(x as i32).to_string()),
            inside: true,
        }
    }
}

/// One line of the list-change legend: "list +5.0% on 2025-02-03".
pub fn change_label(c: &ListChange) -> String {
    format!("list {:+.1}% on {}", c.change_pct, c.start)
}

/// The selected cell over time: prices above, volume below, list changes marked in both and
/// listed under them.
pub fn render(
    frame: &mut Frame,
    area: Rect,
    state: &ElasticityState,
    settings: ElasticitySettings,
) {
    let title = |what: &str| match state.selected_row() {
        Some(r) => format!("{what} · {} × {}", r.segment_id, r.product_id),
        None => what.to_string(),
    };
    let fresh = state
        .selected_row()
        .zip(state.series.as_ref())
        .is_some_and(|(r, s)| r.segment_id == s.segment_id && r.product_id == s.product_id);
    let (Some(t), true) = (&state.time, fresh) else {
        let text = if state.points_loading.is_loading() {
            "loading…"
        } else {
            ""
        };
        frame.render_widget(Paragraph::new(text).block(boxed(title("Over time"))), area);
        return;
    };
    let shown = t.changes.len().clamp(1, 4);
    let more = usize::from(t.changes.len() > shown);
    let legend_rows = (shown + more + 2) as u16;
    let [prices, volume, legend] = Layout::vertical([
        Constraint::Fill(1),
        Constraint::Fill(1),
        Constraint::Length(legend_rows),
    ])
    .areas(area);
    let period = settings.period.as_str();
    let marks = |y: [f64; 2]| -> Vec<Series<'static>> {
        t.changes
            .iter()
            .map(|c| Series::vertical(None, Some(f64::from(c.start.0)), y, theme::LEAK))
            .collect()
    };
    let mut price_series = marks(t.price_y);
    price_series.push(Series::new(
        "list",
        t.list.as_slice(),
        theme::GUIDE,
        Mark::Line,
    ));
    price_series.push(Series::new(
        settings.price.as_str(),
        t.price.as_slice(),
        theme::BAR,
        Mark::Line,
    ));
    let price_chart = CurveChart {
        title: title(&format!("{} price per unit", settings.price.as_str())),
        series: price_series,
        x: t.x_scale(""),
        y: Scale::new("price", t.price_y, 2),
    };
    frame.render_widget(price_chart, prices);
    let mut volume_series = marks(t.volume_y);
    volume_series.push(Series::unnamed(t.volume.as_slice(), theme::KEY));
    let volume_chart = CurveChart {
        title: format!("units per {period}"),
        series: volume_series,
        x: t.x_scale(""),
        y: Scale::new("units", t.volume_y, 0),
    };
    frame.render_widget(volume_chart, volume);
    let mut lines: Vec<Line> = t
        .changes
        .iter()
        .take(shown)
        .map(|c| Line::styled(format!("│ {}", change_label(c)), theme::LEAK))
        .collect();
    if t.changes.is_empty() {
        lines.push(Line::raw("no change of the list price per unit"));
    }
    if more == 1 {
        lines.push(Line::raw(format!("… {} more", t.changes.len() - shown)));
    }
    let wrap = ratatui::widgets::Wrap { trim: false };
    let block = boxed("List price changes".into());
    frame.render_widget(Paragraph::new(lines).block(block).wrap(wrap), legend);
}
