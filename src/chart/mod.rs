//! Charts as SVG, drawn with plotters' SVG backend: the HTML report's figures and what the TUI's
//! `x` key writes under `exports/`. Each function takes plain data and returns one `<svg>`
//! document; text is drawn as SVG `<text>` (no font files are read) and escaped by plotters.
//!
//! Every mark of a kind has its own colour ([`colour`]), so that a test (or a reader of the
//! SVG) can count the marks: one bar per waterfall step, one point per elasticity cell, one
//! polyline per Van Westendorp curve. Values that are not finite are never drawn.

use crate::model::PsmCurvePoint;
use crate::realization::waterfall::{StepKind, Waterfall};
use plotters::coord::ranged1d::SegmentValue;
use plotters::prelude::*;

pub mod figures;

/// Why a chart could not be drawn.
#[derive(Debug, thiserror::Error)]
#[error("cannot draw the chart '{title}': {reason}")]
pub struct ChartError {
    pub title: String,
    pub reason: String,
}

/// The colours of the marks, as plotters writes them into the SVG (`#RRGGBB`).
pub mod colour {
    use plotters::style::RGBColor;
    /// A price level's bar (list, invoice, pocket) and a point estimate.
    pub const LEVEL: RGBColor = RGBColor(0x1F, 0x4E, 0x79);
    /// An element's bar of the waterfall (what leaks between two levels).
    pub const LEAK: RGBColor = RGBColor(0xC0, 0x39, 0x2B);
    /// The p10–p90 range of a pocket price band.
    pub const BAND: RGBColor = RGBColor(0x9D, 0xC3, 0xE6);
    /// A band's median (p50).
    pub const MEDIAN: RGBColor = RGBColor(0x0B, 0x2E, 0x4F);
    /// The guidance corridor (floor to stretch) drawn over a band.
    pub const CORRIDOR: RGBColor = RGBColor(0xE6, 0x7E, 0x22);
    /// An interval's whisker (elasticity CI).
    pub const INTERVAL: RGBColor = RGBColor(0x55, 0x55, 0x55);
    /// An elasticity estimate.
    pub const ESTIMATE: RGBColor = RGBColor(0x1A, 0x6F, 0xB0);
    /// Observed win rates in price bins.
    pub const OBSERVED: RGBColor = RGBColor(0x7F, 0x7F, 0x7F);
    /// The fitted win curve.
    pub const FITTED: RGBColor = RGBColor(0x1F, 0x4E, 0x7A);
    /// The median WTP marker.
    pub const WTP_MEDIAN: RGBColor = RGBColor(0x2E, 0x7D, 0x32);
    /// The max-margin price marker.
    pub const BEST_PRICE: RGBColor = RGBColor(0xC0, 0x39, 0x2C);
    /// Van Westendorp curves: too cheap, not cheap, not expensive, too expensive.
    pub const PSM: [RGBColor; 4] = [
        RGBColor(0x2E, 0x7D, 0x33),
        RGBColor(0x8B, 0xC3, 0x4A),
        RGBColor(0xF3, 0x9C, 0x12),
        RGBColor(0xC0, 0x39, 0x2D),
    ];
    /// Value map points: our products, competitors' products, a plain alternative.
    pub const MAP: [RGBColor; 3] = [
        RGBColor(0x1F, 0x4E, 0x7B),
        RGBColor(0xC0, 0x39, 0x2E),
        RGBColor(0x7F, 0x7F, 0x80),
    ];
    /// The value-equivalence line and the ring round the reference.
    pub const MAP_LINE: RGBColor = RGBColor(0x2E, 0x7D, 0x35);
    /// The light grid lines.
    pub const GRID: RGBColor = RGBColor(0xF0, 0xF2, 0xF5);
    /// A Van Westendorp price point (PMC, OPP, IPP, PME).
    pub const PSM_POINT: RGBColor = RGBColor(0x88, 0x88, 0x88);
    /// Value ladder bars: unit cost, pocket price, customer net price, WTP, economic value.
    pub const LADDER: [RGBColor; 5] = [
        RGBColor(0x9E, 0x9E, 0x9E),
        RGBColor(0x1F, 0x4E, 0x78),
        RGBColor(0x5B, 0x9B, 0xD5),
        RGBColor(0x2E, 0x7D, 0x34),
        RGBColor(0xE6, 0x7E, 0x23),
    ];
}

/// The width of every chart, in SVG pixels.
pub const WIDTH: u32 = 760;
/// Pixels per row of a chart with one row per category (waterfall steps, band rows, cells).
const ROW: u32 = 22;
const FONT: &str = "sans-serif";

type DrawResult = Result<(), Box<dyn std::error::Error>>;

/// Draws into an SVG of `WIDTH` × `height` with `draw`, and returns the SVG text.
fn svg(
    title: &str,
    height: u32,
    draw: impl FnOnce(&DrawingArea<SVGBackend, plotters::coord::Shift>) -> DrawResult,
) -> Result<String, ChartError> {
    let mut out = String::new();
    let result = {
        let root = SVGBackend::with_string(&mut out, (WIDTH, height)).into_drawing_area();
        root.fill(&WHITE)
            .map_err(|e| e.to_string())
            .and_then(|_| draw(&root).map_err(|e| e.to_string()))
            .and_then(|_| root.present().map_err(|e| e.to_string()))
    };
    result.map_err(|reason| ChartError {
        title: title.to_string(),
        reason,
    })?;
    Ok(out)
}

/// A chart that says why it has nothing to draw.
pub fn empty(title: &str, why: &str) -> Result<String, ChartError> {
    svg(title, 80, |root| {
        let style = TextStyle::from((FONT, 15).into_font()).color(&BLACK);
        root.draw(&Text::new(title.to_string(), (10, 12), style.clone()))?;
        let grey = TextStyle::from((FONT, 13).into_font()).color(&colour::OBSERVED);
        root.draw(&Text::new(why.to_string(), (10, 44), grey))?;
        Ok(())
    })
}

/// `lo..hi` widened by 5% each side (and to a unit range when flat).
fn padded(lo: f64, hi: f64) -> std::ops::Range<f64> {
    let span = if hi > lo { hi - lo } else { lo.abs().max(1.0) };
    (lo - 0.05 * span)..(hi + 0.05 * span)
}

/// The finite minimum and maximum of `values`.
fn extent(values: impl IntoIterator<Item = f64>) -> Option<(f64, f64)> {
    values
        .into_iter()
        .filter(|v| v.is_finite())
        .fold(None, |acc, v| match acc {
            None => Some((v, v)),
            Some((lo, hi)) => Some((f64::min(lo, v), f64::max(hi, v))),
        })
}

/// Row `i` of `n` on a category axis drawn top to bottom.
fn slot(i: usize, n: usize) -> i32 {
    (n - 1 - i) as i32
}

/// The label of a category axis position (rows listed top to bottom).
fn row_label(labels: &[String], v: &SegmentValue<i32>) -> String {
    match v {
        SegmentValue::CenterOf(i) | SegmentValue::Exact(i) => usize::try_from(*i)
            .ok()
            .and_then(|i| labels.len().checked_sub(i + 1))
            .and_then(|i| labels.get(i))
            .cloned()
            .unwrap_or_default(),
        SegmentValue::Last => String::new(),
    }
}

fn height_for_rows(n: usize) -> u32 {
    90 + ROW * n as u32
}

/// The pocket price waterfall per unit, one horizontal bar per step from list price down to
/// pocket price: levels (list, invoice, pocket) from zero, elements floating between them.
pub fn waterfall(title: &str, w: &Waterfall) -> Result<String, ChartError> {
    let steps: Vec<(&str, StepKind, f64)> = w
        .steps
        .iter()
        .filter_map(|s| {
            Some((
                s.name.as_str(),
                s.kind,
                s.per_unit.filter(|v| v.is_finite())?,
            ))
        })
        .collect();
    if steps.is_empty() {
        return empty(title, "no net volume: no per-unit waterfall");
    }
    let mut bars = Vec::with_capacity(steps.len());
    let mut level = 0.0;
    for &(_, kind, v) in &steps {
        let (from, to) = match kind.is_level() {
            true => (0.0, v),
            false => (level - v, level),
        };
        if kind.is_level() {
            level = v;
        } else {
            level -= v;
        }
        bars.push((kind, from.min(to), from.max(to), v));
    }
    let (lo, hi) = extent(bars.iter().flat_map(|b| [b.1, b.2, 0.0])).unwrap_or((0.0, 1.0));
    let labels: Vec<String> = steps.iter().map(|s| s.0.to_string()).collect();
    let n = steps.len();
    svg(title, height_for_rows(n), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(140)
            .build_cartesian_2d(padded(lo, hi), (0..n as i32).into_segmented())?;
        let label = |v: &SegmentValue<i32>| row_label(&labels, v);
        chart
            .configure_mesh()
            .light_line_style(colour::GRID)
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&label)
            .x_desc("per unit")
            .draw()?;
        chart.draw_series(bars.iter().enumerate().map(|(i, &(kind, a, b, _))| {
            let fill = match kind.is_level() {
                true => colour::LEVEL,
                false => colour::LEAK,
            };
            let y = slot(i, n);
            let mut r = Rectangle::new(
                [(a, SegmentValue::Exact(y)), (b, SegmentValue::Exact(y + 1))],
                fill.filled(),
            );
            r.set_margin(3, 3, 0, 0);
            r
        }))?;
        let text = TextStyle::from((FONT, 11).into_font()).color(&BLACK);
        chart.draw_series(bars.iter().enumerate().map(|(i, &(_, _, b, v))| {
            Text::new(
                crate::report::fmt_num(v, 2),
                (b, SegmentValue::CenterOf(slot(i, n))),
                text.clone(),
            )
        }))?;
        Ok(())
    })
}

/// One row of a range chart: a pocket price band (p10–p90 with its p50), in % of list, and
/// the guidance corridor (floor, target, stretch) where there is one.
#[derive(Debug, Clone, PartialEq)]
pub struct BandRow {
    pub label: String,
    pub p10: f64,
    pub p50: f64,
    pub p90: f64,
    pub corridor: Option<[f64; 3]>,
}

impl BandRow {
    fn is_finite(&self) -> bool {
        [self.p10, self.p50, self.p90].iter().all(|v| v.is_finite())
    }

    fn corridor(&self) -> Option<[f64; 3]> {
        self.corridor.filter(|c| c.iter().all(|v| v.is_finite()))
    }
}

/// Pocket price bands as horizontal ranges: the p10–p90 bar, the p50 dot and, where guidance
/// exists, the floor–stretch corridor as an outline with the target as a tick.
pub fn bands(title: &str, rows: &[BandRow]) -> Result<String, ChartError> {
    let rows: Vec<&BandRow> = rows.iter().filter(|r| r.is_finite()).collect();
    if rows.is_empty() {
        return empty(title, "no band: no customer with positive volume");
    }
    let values = rows.iter().flat_map(|r| {
        let c = r.corridor().unwrap_or([r.p50; 3]);
        [r.p10, r.p90, c[0], c[2]]
    });
    let (lo, hi) = extent(values).unwrap_or((0.0, 100.0));
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let n = rows.len();
    svg(title, height_for_rows(n) + 16, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(110)
            .build_cartesian_2d(padded(lo, hi), (0..n as i32).into_segmented())?;
        let label = |v: &SegmentValue<i32>| row_label(&labels, v);
        chart
            .configure_mesh()
            .light_line_style(colour::GRID)
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&label)
            .x_desc(
                "pocket price, % of list (band p10–p90, dot p50; outline: guidance floor–stretch)",
            )
            .draw()?;
        let at = |i: usize| SegmentValue::Exact(slot(i, n));
        let next = |i: usize| SegmentValue::Exact(slot(i, n) + 1);
        chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
            let mut bar = Rectangle::new([(r.p10, at(i)), (r.p90, next(i))], colour::BAND.filled());
            bar.set_margin(5, 5, 0, 0);
            bar
        }))?;
        chart.draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
            let c = r.corridor()?;
            let mut outline = Rectangle::new(
                [(c[0], at(i)), (c[2], next(i))],
                colour::CORRIDOR.stroke_width(2),
            );
            outline.set_margin(2, 2, 0, 0);
            Some(outline)
        }))?;
        chart.draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
            let c = r.corridor()?;
            let y = SegmentValue::CenterOf(slot(i, n));
            Some(PathElement::new(
                vec![(c[1], at(i)), (c[1], y), (c[1], next(i))],
                colour::CORRIDOR.stroke_width(2),
            ))
        }))?;
        chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
            let y = SegmentValue::CenterOf(slot(i, n));
            Circle::new((r.p50, y), 4, colour::MEDIAN.filled())
        }))?;
        Ok(())
    })
}

/// One estimate with its interval, for a forest plot.
#[derive(Debug, Clone, PartialEq)]
pub struct ForestRow {
    pub label: String,
    pub estimate: f64,
    pub low: Option<f64>,
    pub high: Option<f64>,
}

/// A forest plot: one row per estimate, the point and its interval as a whisker, a line at
/// zero. Rows without a finite estimate are left out (the tables list them with their flag).
pub fn forest(title: &str, x_desc: &str, rows: &[ForestRow]) -> Result<String, ChartError> {
    let rows: Vec<&ForestRow> = rows.iter().filter(|r| r.estimate.is_finite()).collect();
    if rows.is_empty() {
        return empty(title, "no estimate to draw");
    }
    let interval = |r: &ForestRow| match (r.low, r.high) {
        (Some(l), Some(h)) if l.is_finite() && h.is_finite() => Some((l, h)),
        _ => None,
    };
    let values = rows.iter().flat_map(|r| {
        let (l, h) = interval(r).unwrap_or((r.estimate, r.estimate));
        [r.estimate, l, h, 0.0]
    });
    let (lo, hi) = extent(values).unwrap_or((-1.0, 1.0));
    let labels: Vec<String> = rows.iter().map(|r| r.label.clone()).collect();
    let n = rows.len();
    svg(title, height_for_rows(n), |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .x_label_area_size(36)
            .y_label_area_size(130)
            .build_cartesian_2d(padded(lo, hi), (0..n as i32).into_segmented())?;
        let label = |v: &SegmentValue<i32>| row_label(&labels, v);
        chart
            .configure_mesh()
            .light_line_style(colour::GRID)
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&label)
            .x_desc(x_desc)
            .draw()?;
        chart.draw_series(std::iter::once(PathElement::new(
            vec![
                (0.0, SegmentValue::Exact(0)),
                (0.0, SegmentValue::Exact(n as i32)),
            ],
            BLACK.stroke_width(1),
        )))?;
        chart.draw_series(rows.iter().enumerate().filter_map(|(i, r)| {
            let (l, h) = interval(r)?;
            let y = SegmentValue::CenterOf(slot(i, n));
            Some(PathElement::new(
                vec![(l, y.clone()), (h, y)],
                colour::INTERVAL.stroke_width(2),
            ))
        }))?;
        chart.draw_series(rows.iter().enumerate().map(|(i, r)| {
            let y = SegmentValue::CenterOf(slot(i, n));
            Circle::new((r.estimate, y), 4, colour::ESTIMATE.filled())
        }))?;
        Ok(())
    })
}

/// A vertical marker on a price chart: its name and price.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub name: String,
    pub price: f64,
}

fn legend(
    root: &DrawingArea<SVGBackend, plotters::coord::Shift>,
    items: &[(&str, RGBColor)],
) -> DrawResult {
    let mut x = 70;
    for (name, c) in items {
        let style = TextStyle::from((FONT, 12).into_font()).color(c);
        root.draw(&Text::new(format!("■ {name}"), (x, 8), style))?;
        x += 16 + 7 * name.chars().count() as i32;
    }
    Ok(())
}

/// Draws `markers` as vertical lines from 0 to 1 with their names.
fn draw_markers<DB: DrawingBackend>(
    chart: &mut ChartContext<
        DB,
        Cartesian2d<plotters::coord::types::RangedCoordf64, plotters::coord::types::RangedCoordf64>,
    >,
    markers: &[(Marker, RGBColor)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    let shown: Vec<&(Marker, RGBColor)> = markers
        .iter()
        .filter(|(m, _)| m.price.is_finite())
        .collect();
    chart.draw_series(
        shown.iter().map(|(m, c)| {
            PathElement::new(vec![(m.price, 0.0), (m.price, 1.0)], c.stroke_width(1))
        }),
    )?;
    chart.draw_series(shown.iter().enumerate().map(|(i, (m, c))| {
        let y = 0.97 - 0.06 * (i % 4) as f64;
        let style = TextStyle::from((FONT, 11).into_font()).color(c);
        Text::new(format!(" {}", m.name), (m.price, y), style)
    }))?;
    Ok(())
}

/// A cell's win rate against its quoted price: the observed share won per price bin (dots), the
/// fitted P(win) curve, and markers (median WTP, max-margin price).
pub fn win_rate(
    title: &str,
    observed: &[(f64, f64)],
    fitted: &[(f64, f64)],
    markers: &[Marker],
) -> Result<String, ChartError> {
    let finite = |p: &&(f64, f64)| p.0.is_finite() && p.1.is_finite();
    let observed: Vec<(f64, f64)> = observed.iter().filter(finite).copied().collect();
    let fitted: Vec<(f64, f64)> = fitted.iter().filter(finite).copied().collect();
    let prices = observed.iter().chain(&fitted).map(|p| p.0);
    let Some((lo, hi)) = extent(prices.chain(markers.iter().map(|m| m.price))) else {
        return empty(title, "no quotes with a price spread");
    };
    let marks = [colour::WTP_MEDIAN, colour::BEST_PRICE];
    let markers: Vec<(Marker, RGBColor)> = markers
        .iter()
        .cloned()
        .zip(marks.iter().cycle().copied())
        .collect();
    svg(title, 320, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .margin_top(30)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(padded(lo, hi), 0.0..1.0)?;
        chart
            .configure_mesh()
            .light_line_style(colour::GRID)
            .x_desc("quoted price (invoice, per unit)")
            .y_desc("P(win)")
            .draw()?;
        if fitted.len() > 1 {
            chart.draw_series(std::iter::once(PathElement::new(
                fitted.clone(),
                colour::FITTED.stroke_width(2),
            )))?;
        }
        chart.draw_series(
            observed
                .iter()
                .map(|&p| Circle::new(p, 4, colour::OBSERVED.filled())),
        )?;
        draw_markers(&mut chart, &markers)?;
        legend(
            root,
            &[
                ("won share per bin", colour::OBSERVED),
                ("fitted P(win)", colour::FITTED),
            ],
        )?;
        Ok(())
    })
}

/// The names of the four Van Westendorp curves, in [`colour::PSM`] order.
pub const PSM_CURVES: [&str; 4] = ["too cheap", "not cheap", "not expensive", "too expensive"];

/// The Van Westendorp curves (shares of respondents against price), one polyline each, and the
/// price points as markers.
pub fn van_westendorp(
    title: &str,
    curves: &[PsmCurvePoint],
    markers: &[Marker],
) -> Result<String, ChartError> {
    let curves: Vec<&PsmCurvePoint> = curves.iter().filter(|c| c.price.is_finite()).collect();
    let Some((lo, hi)) = extent(curves.iter().map(|c| c.price)) else {
        return empty(title, "no consistent survey answers");
    };
    let lines: [fn(&PsmCurvePoint) -> f64; 4] = [
        |c| c.too_cheap,
        |c| c.not_cheap,
        |c| c.not_expensive,
        |c| c.too_expensive,
    ];
    let markers: Vec<(Marker, RGBColor)> = markers
        .iter()
        .map(|m| (m.clone(), colour::PSM_POINT))
        .collect();
    svg(title, 320, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .margin_top(30)
            .x_label_area_size(36)
            .y_label_area_size(50)
            .build_cartesian_2d(padded(lo, hi), 0.0..1.0)?;
        chart
            .configure_mesh()
            .light_line_style(colour::GRID)
            .x_desc("price per unit")
            .y_desc("share of respondents")
            .draw()?;
        for (line, c) in lines.iter().zip(colour::PSM) {
            let points: Vec<(f64, f64)> = curves
                .iter()
                .map(|p| (p.price, line(p)))
                .filter(|p| p.1.is_finite())
                .collect();
            chart.draw_series(std::iter::once(PathElement::new(points, c.stroke_width(2))))?;
        }
        draw_markers(&mut chart, &markers)?;
        let items: Vec<(&str, RGBColor)> = PSM_CURVES.iter().copied().zip(colour::PSM).collect();
        legend(root, &items)?;
        Ok(())
    })
}

/// One cell of the value ladder: what it costs us, what we pocket, what the customer pays, what
/// they would pay (WTP median) and what it is worth to them (economic value), per unit.
#[derive(Debug, Clone, PartialEq)]
pub struct LadderRow {
    pub label: String,
    /// Unit cost, pocket price, customer net price, WTP median, economic value.
    pub values: [Option<f64>; 5],
}

/// The names of a ladder's bars, in [`colour::LADDER`] order.
pub const LADDER_BARS: [&str; 5] = [
    "unit cost",
    "pocket price",
    "customer net price",
    "WTP median",
    "economic value",
];

/// The value ladder of each cell: one thin bar per known amount, grouped by cell.
pub fn value_ladder(title: &str, rows: &[LadderRow]) -> Result<String, ChartError> {
    let known = |r: &LadderRow| -> Vec<(usize, f64)> {
        r.values
            .iter()
            .enumerate()
            .filter_map(|(i, v)| Some((i, v.filter(|v| v.is_finite())?)))
            .collect()
    };
    let rows: Vec<(&LadderRow, Vec<(usize, f64)>)> = rows
        .iter()
        .map(|r| (r, known(r)))
        .filter(|r| !r.1.is_empty())
        .collect();
    if rows.is_empty() {
        return empty(title, "no cell with value drivers");
    }
    let (lo, hi) = extent(
        rows.iter()
            .flat_map(|r| r.1.iter().map(|v| v.1))
            .chain([0.0]),
    )
    .unwrap_or((0.0, 1.0));
    let labels: Vec<String> = rows.iter().map(|r| r.0.label.clone()).collect();
    let n = rows.len();
    let per_bar = 12;
    svg(title, 110 + (per_bar * 5 + 8) * n as u32, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .margin_top(30)
            .x_label_area_size(36)
            .y_label_area_size(110)
            .build_cartesian_2d(padded(lo, hi), (0..n as i32).into_segmented())?;
        let label = |v: &SegmentValue<i32>| row_label(&labels, v);
        chart
            .configure_mesh()
            .light_line_style(colour::GRID)
            .disable_y_mesh()
            .y_labels(n)
            .y_label_formatter(&label)
            .x_desc("per unit")
            .draw()?;
        let slot_px = per_bar * 5 + 8;
        chart.draw_series(rows.iter().enumerate().flat_map(|(i, (_, values))| {
            let y = slot(i, n);
            values.iter().map(move |&(k, v)| {
                let top = 4 + per_bar * k as u32;
                let bottom = slot_px - top - per_bar + 2;
                let mut bar = Rectangle::new(
                    [
                        (0.0, SegmentValue::Exact(y)),
                        (v, SegmentValue::Exact(y + 1)),
                    ],
                    colour::LADDER[k].filled(),
                );
                bar.set_margin(top, bottom, 0, 0);
                bar
            })
        }))?;
        let items: Vec<(&str, RGBColor)> =
            LADDER_BARS.iter().copied().zip(colour::LADDER).collect();
        legend(root, &items)?;
        Ok(())
    })
}

/// Whose offer a value map point is, in [`colour::MAP`] order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MapOffer {
    Ours,
    Competitor,
    Alternative,
}

/// The names of a value map's offers, in [`colour::MAP`] order.
pub const MAP_OFFERS: [&str; 3] = ["ours", "competitor", "alternative"];

/// One offer on a value map: price (x) against perceived benefit (y), per unit.
#[derive(Debug, Clone, PartialEq)]
pub struct MapPoint {
    pub label: String,
    pub offer: MapOffer,
    /// The point the economic value is measured from (drawn with a ring).
    pub reference: bool,
    pub price: f64,
    pub benefit: f64,
}

/// A value map: each offer as a dot at (price, benefit) with its label, the reference ringed,
/// and the value-equivalence line benefit = slope · price + intercept across the chart. Points
/// right of / below the line are over-priced for the benefit they deliver.
pub fn value_map(title: &str, points: &[MapPoint], line: (f64, f64)) -> Result<String, ChartError> {
    let points: Vec<&MapPoint> = points
        .iter()
        .filter(|p| p.price.is_finite() && p.benefit.is_finite())
        .collect();
    let Some((lo, hi)) = extent(points.iter().flat_map(|p| [p.price, p.benefit])) else {
        return empty(title, "no offer with a price and a benefit");
    };
    let range = padded(lo.min(0.0), hi);
    let (slope, intercept) = line;
    svg(title, 420, |root| {
        let mut chart = ChartBuilder::on(root)
            .caption(title, (FONT, 16))
            .margin(10)
            .margin_top(30)
            .x_label_area_size(36)
            .y_label_area_size(60)
            .build_cartesian_2d(range.clone(), range.clone())?;
        chart
            .configure_mesh()
            .light_line_style(colour::GRID)
            .x_desc("price per unit")
            .y_desc("perceived benefit per unit (money)")
            .draw()?;
        if slope.is_finite() && intercept.is_finite() {
            let ends = [range.start, range.end].map(|x| (x, slope * x + intercept));
            chart.draw_series(std::iter::once(PathElement::new(
                ends.to_vec(),
                colour::MAP_LINE.stroke_width(2),
            )))?;
        }
        chart.draw_series(
            points
                .iter()
                .filter(|p| p.reference)
                .map(|p| Circle::new((p.price, p.benefit), 9, colour::MAP_LINE.stroke_width(2))),
        )?;
        chart.draw_series(points.iter().map(|p| {
            let c = colour::MAP[p.offer as usize];
            Circle::new((p.price, p.benefit), 5, c.filled())
        }))?;
        let text = TextStyle::from((FONT, 11).into_font()).color(&BLACK);
        chart.draw_series(
            points
                .iter()
                .map(|p| Text::new(format!("  {}", p.label), (p.price, p.benefit), text.clone())),
        )?;
        let mut items: Vec<(&str, RGBColor)> =
            MAP_OFFERS.iter().copied().zip(colour::MAP).collect();
        items.push(("value-equivalence line", colour::MAP_LINE));
        legend(root, &items)?;
        Ok(())
    })
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn count(svg: &str, tag: &str, colour: RGBColor) -> usize {
        let hex = format!("#{:02X}{:02X}{:02X}", colour.0, colour.1, colour.2);
        svg.split('<')
            .filter(|el| el.starts_with(tag) && el.contains(&hex))
            .count()
    }

    #[test]
    fn a_forest_draws_one_point_and_one_whisker_per_finite_estimate() {
        let row = |label: &str, estimate, low, high| ForestRow {
            label: label.to_string(),
            estimate,
            low,
            high,
        };
        let rows = [
            row("S1 × P1", -1.2, Some(-1.8), Some(-0.6)),
            row("S1 × P2", -0.4, None, None),
            row("S2 × P1", f64::NAN, Some(-1.0), Some(0.0)),
        ];
        let svg = forest("Elasticity", "elasticity", &rows).unwrap();
        assert_eq!(count(&svg, "circle", colour::ESTIMATE), 2);
        assert_eq!(count(&svg, "polyline", colour::INTERVAL), 1);
        assert!(!svg.contains("NaN") && !svg.contains("inf"));
        assert!(svg.contains("S1 × P2"));
    }

    #[test]
    fn labels_with_markup_are_escaped() {
        let rows = [ForestRow {
            label: "<script>&".to_string(),
            estimate: -1.0,
            low: None,
            high: None,
        }];
        let svg = forest("a <b>", "x", &rows).unwrap();
        assert!(!svg.contains("<script>"));
        assert!(svg.contains("&lt;script&gt;&amp;"));
    }

    #[test]
    fn nothing_to_draw_says_why() {
        let svg = forest("Elasticity", "x", &[]).unwrap();
        assert!(svg.contains("no estimate to draw"));
        assert!(svg.starts_with("<svg"));
    }
}
