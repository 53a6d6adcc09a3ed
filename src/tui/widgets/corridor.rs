//! A cell's pocket price band as a vertical histogram over pocket % of list, with the
//! guidance's floor, target and stretch as vertical lines and the cell's quotes as points on the
//! same axis (won ●, lost ○) below it.

use crate::realization::band::Observation;
use crate::realization::guidance::Corridor;
use crate::report::fmt_num;
use crate::tui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::widgets::Widget;

/// The histogram, the corridor and the quotes of one cell.
pub struct CorridorChart<'a> {
    /// The cell's customers (pocket % of list, volume).
    pub observations: &'a [Observation],
    /// Pocket % of list.
    pub corridor: Option<Corridor>,
    /// Each quote's pocket % of list (estimated from its invoice price) and whether it was won.
    pub quotes: &'a [(f64, bool)],
}

const BLOCKS: [&str; 9] = [" ", "▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"];

impl CorridorChart<'_> {
    /// The axis range: the customers and the corridor (quotes outside are drawn at the edges).
    fn range(&self) -> Option<(f64, f64)> {
        let corridor = self.corridor.iter().flat_map(|c| [c.floor, c.stretch]);
        let values = self
            .observations
            .iter()
            .map(|o| o.pocket_pct)
            .chain(corridor);
        let (lo, hi) = values
            .filter(|v| v.is_finite())
            .fold((f64::INFINITY, f64::NEG_INFINITY), |(lo, hi), v| {
                (lo.min(v), hi.max(v))
            });
        match hi > lo {
            true => Some((lo, hi)),
            false if lo.is_finite() => Some((lo - 1.0, hi + 1.0)),
            false => None,
        }
    }
}

impl Widget for CorridorChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let (Some((lo, hi)), true) = (self.range(), area.width >= 10 && area.height >= 4) else {
            buf.set_string(area.x, area.y, "no customers", theme::LABEL);
            return;
        };
        let width = usize::from(area.width);
        let col = |v: f64| {
            (((v - lo) / (hi - lo)) * (width - 1) as f64)
                .round()
                .clamp(0.0, (width - 1) as f64) as usize
        };
        let bar_rows = usize::from(area.height) - 3;
        let mut volume = vec![0.0f64; width];
        for o in self.observations {
            volume[col(o.pocket_pct)] += o.volume;
        }
        let max = volume.iter().copied().fold(0.0, f64::max);
        let lines: Vec<(usize, &str)> = self
            .corridor
            .iter()
            .flat_map(|c| {
                [
                    (col(c.floor), "F"),
                    (col(c.target), "T"),
                    (col(c.stretch), "S"),
                ]
            })
            .collect();
        for (x, v) in volume.iter().enumerate() {
            let eighths = match max > 0.0 {
                true => ((v / max) * (bar_rows * 8) as f64).round() as usize,
                false => 0,
            };
            let eighths = eighths.max(usize::from(*v > 0.0));
            for row in 0..bar_rows {
                let filled = eighths.saturating_sub(row * 8).min(8);
                let y = area.y + (bar_rows - 1 - row) as u16;
                let (symbol, style) = match (filled, lines.iter().any(|(c, _)| *c == x)) {
                    (0, true) => ("│", theme::KEY),
                    (f, _) => (BLOCKS[f], theme::BAR),
                };
                buf.set_string(area.x + x as u16, y, symbol, style);
            }
        }
        let axis = area.y + bar_rows as u16;
        // The range's ends are labelled where no corridor line is.
        let free = |from: usize, len: usize| {
            !lines
                .iter()
                .any(|(c, _)| (from..from + len + 1).contains(c))
        };
        let left = format!("{}%", fmt_num(lo, 1));
        if free(0, left.chars().count()) {
            buf.set_string(area.x, axis, left, theme::LABEL);
        }
        let right = format!("{}%", fmt_num(hi, 1));
        let right_at = width.saturating_sub(right.chars().count());
        if free(right_at.saturating_sub(1), right.chars().count()) {
            buf.set_string(area.x + right_at as u16, axis, right, theme::LABEL);
        }
        for (x, name) in &lines {
            buf.set_string(area.x + *x as u16, axis, *name, theme::KEY);
        }
        self.render_quotes(area, axis + 1, &col, buf);
    }
}

impl CorridorChart<'_> {
    fn render_quotes(&self, area: Rect, y: u16, col: &dyn Fn(f64) -> usize, buf: &mut Buffer) {
        if self.quotes.is_empty() {
            buf.set_string(area.x, y, "no quotes in this cell", theme::LABEL);
            return;
        }
        let mark = |won: bool, y: u16, symbol: &str, style: Style, buf: &mut Buffer| {
            for (pct, _) in self
                .quotes
                .iter()
                .filter(|(p, w)| *w == won && p.is_finite())
            {
                buf.set_string(area.x + col(*pct) as u16, y, symbol, style);
            }
        };
        mark(true, y, "●", theme::BAR, buf);
        mark(false, y + 1, "○", theme::LEAK, buf);
    }
}
