//! The one curve chart: the demand curve (Elasticity), the win-rate curves (Willingness-to-pay)
//! and the Van Westendorp curves (Price sensitivity) — price across, a quantity or a share up,
//! lines and points with a legend where there is room, in a titled box.

use crate::report::fmt_num;
use ratatui::buffer::Buffer;
use ratatui::layout::{Constraint, Rect};
use ratatui::style::Style;
use ratatui::symbols::Marker;
use ratatui::widgets::{Axis, Block, Borders, Chart, Dataset, GraphType, Widget};
use std::borrow::Cow;

/// How a series is drawn.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mark {
    /// A line through the points.
    Line,
    /// A dot per point.
    Dots,
    /// A block per point, for a few points that must stand out.
    Blocks,
}

/// One series of a chart.
#[derive(Debug, Clone)]
pub struct Series<'a> {
    /// Its name in the legend; unnamed series stay out of it.
    pub name: Option<String>,
    pub points: Cow<'a, [(f64, f64)]>,
    pub style: Style,
    pub mark: Mark,
}

impl<'a> Series<'a> {
    /// A named series drawn as `mark`.
    pub fn new(
        name: impl Into<String>,
        points: impl Into<Cow<'a, [(f64, f64)]>>,
        style: Style,
        mark: Mark,
    ) -> Series<'a> {
        Series {
            name: Some(name.into()),
            points: points.into(),
            style,
            mark,
        }
    }

    /// A line left out of the legend (the second bound of an interval, a guide).
    pub fn unnamed(points: impl Into<Cow<'a, [(f64, f64)]>>, style: Style) -> Series<'a> {
        Series {
            name: None,
            points: points.into(),
            style,
            mark: Mark::Line,
        }
    }

    /// A vertical line at price `x` across `y` (a marked price); no points when there is no price.
    pub fn vertical(name: Option<&str>, x: Option<f64>, y: [f64; 2], style: Style) -> Series<'a> {
        let points = x.map(|x| vec![(x, y[0]), (x, y[1])]).unwrap_or_default();
        Series {
            name: name.map(str::to_string),
            points: points.into(),
            style,
            mark: Mark::Line,
        }
    }

    fn dataset(&self) -> Dataset<'_> {
        let (marker, graph) = match self.mark {
            Mark::Line => (Marker::Braille, GraphType::Line),
            Mark::Dots => (Marker::Dot, GraphType::Scatter),
            Mark::Blocks => (Marker::Block, GraphType::Scatter),
        };
        let set = Dataset::default()
            .marker(marker)
            .graph_type(graph)
            .style(self.style)
            .data(&self.points);
        match &self.name {
            Some(name) => set.name(name.clone()),
            None => set,
        }
    }
}

/// One axis: its title, its range, and the labels at its two ends.
#[derive(Debug, Clone, PartialEq)]
pub struct Scale {
    pub title: &'static str,
    pub bounds: [f64; 2],
    pub labels: [String; 2],
    /// The first label starts at the y axis instead of ending there (long labels such as
    /// dates, which would otherwise push the plot right).
    pub inside: bool,
}

impl Scale {
    /// A range labelled with its ends to `decimals` places.
    pub fn new(title: &'static str, bounds: [f64; 2], decimals: usize) -> Scale {
        let labels = bounds.map(|b| fmt_num(b, decimals));
        Scale {
            title,
            bounds,
            labels,
            inside: false,
        }
    }

    /// A share from 0 to 1.
    pub fn share(title: &'static str) -> Scale {
        Scale {
            title,
            bounds: [0.0, 1.0],
            labels: ["0".to_string(), "1".to_string()],
            inside: false,
        }
    }

    fn axis(&self) -> Axis<'_> {
        let axis = Axis::default()
            .title(self.title)
            .bounds(self.bounds)
            .labels(self.labels.to_vec());
        match self.inside {
            true => axis.labels_alignment(ratatui::layout::Alignment::Right),
            false => axis,
        }
    }
}

/// A chart of series over a price axis, in a box with a title.
#[derive(Debug, Clone)]
pub struct CurveChart<'a> {
    pub title: String,
    pub series: Vec<Series<'a>>,
    pub x: Scale,
    pub y: Scale,
}

impl Widget for CurveChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let datasets = self.series.iter().map(Series::dataset).collect();
        let block = Block::default()
            .borders(Borders::ALL)
            .title(format!(" {} ", self.title));
        Chart::new(datasets)
            // The legend only where it leaves room for the curves.
            .hidden_legend_constraints((Constraint::Ratio(1, 2), Constraint::Ratio(1, 2)))
            .block(block)
            .x_axis(self.x.axis())
            .y_axis(self.y.axis())
            .render(area, buf);
    }
}
