//! A strip chart on one price axis, one line per method: its interval as a bar, its value as a
//! dot, and marked prices (today's list, invoice and pocket) as faint guides in every line, so
//! that methods drawn one under the other can be compared by eye.

use crate::tui::theme;
use ratatui::style::Style;
use ratatui::text::{Line, Span};

/// What a character of a strip line shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    Blank,
    /// A marked price (a guide).
    Mark,
    /// The interval.
    Bar,
    /// The value.
    Value,
}

/// A price axis drawn over `width` characters.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Strip {
    /// The lowest and highest price of the axis.
    pub axis: (f64, f64),
    pub width: usize,
}

impl Strip {
    /// The character column of price `x`: the axis' ends at the first and last column; `None`
    /// outside the axis, for a non-finite price, or when nothing can be drawn.
    pub fn column(&self, x: f64) -> Option<usize> {
        let (lo, hi) = self.axis;
        if self.width == 0 || !(x.is_finite() && lo.is_finite() && hi > lo) {
            return None;
        }
        let t = (x - lo) / (hi - lo);
        (0.0..=1.0)
            .contains(&t)
            .then(|| (t * (self.width - 1) as f64).round() as usize)
    }

    /// One method's line: the guides at `marks`, the interval `span` as `├──┤` (`│` when it
    /// fits one column) and the `value` as `●`, drawn in that order.
    pub fn line(
        &self,
        span: Option<(f64, f64)>,
        value: Option<f64>,
        marks: &[f64],
    ) -> Vec<(char, Part)> {
        let mut out = vec![(' ', Part::Blank); self.width];
        for c in marks.iter().filter_map(|m| self.column(*m)) {
            out[c] = ('┊', Part::Mark);
        }
        if let Some((a, b)) = span.and_then(|(lo, hi)| self.column(lo).zip(self.column(hi))) {
            for (c, cell) in out.iter_mut().enumerate().take(b + 1).skip(a) {
                let glyph = match (c == a, c == b) {
                    (true, true) => '│',
                    (true, false) => '├',
                    (false, true) => '┤',
                    (false, false) => '─',
                };
                *cell = (glyph, Part::Bar);
            }
        }
        if let Some(c) = value.and_then(|v| self.column(v)) {
            out[c] = ('●', Part::Value);
        }
        out
    }

    /// The axis line: each marked price's letter at its column (`L` list, `I` invoice, `P`
    /// pocket), `·` elsewhere.
    pub fn axis_line(&self, marks: &[(f64, char)]) -> String {
        let mut out = vec!['·'; self.width];
        for (x, letter) in marks {
            if let Some(c) = self.column(*x) {
                out[c] = *letter;
            }
        }
        out.into_iter().collect()
    }
}

/// A strip line as styled spans: guides faint, the bar and the value in `style`.
pub fn spans(cells: &[(char, Part)], style: Style) -> Line<'static> {
    let style_of = |p: Part| match p {
        Part::Blank | Part::Mark => theme::GUIDE,
        Part::Bar | Part::Value => style,
    };
    let mut spans: Vec<Span<'static>> = Vec::new();
    let mut run = String::new();
    let mut current: Option<Part> = None;
    for &(ch, part) in cells {
        let same = current.is_some_and(|c| style_of(c) == style_of(part));
        if !same && let Some(c) = current {
            spans.push(Span::styled(std::mem::take(&mut run), style_of(c)));
        }
        current = Some(part);
        run.push(ch);
    }
    if let Some(c) = current {
        spans.push(Span::styled(run, style_of(c)));
    }
    Line::from(spans)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(cells: &[(char, Part)]) -> String {
        cells.iter().map(|(c, _)| c).collect()
    }

    #[test]
    fn prices_map_to_columns_with_the_ends_of_the_axis_at_the_ends() {
        let s = Strip {
            axis: (50.0, 150.0),
            width: 11,
        };
        assert_eq!(s.column(50.0), Some(0));
        assert_eq!(s.column(150.0), Some(10));
        assert_eq!(s.column(100.0), Some(5));
        assert_eq!(s.column(94.0), Some(4));
        assert_eq!(s.column(49.0), None);
        assert_eq!(s.column(f64::NAN), None);
        let empty = Strip { width: 0, ..s };
        assert_eq!(empty.column(100.0), None);
    }

    #[test]
    fn a_line_draws_guides_then_the_bar_then_the_dot() {
        let s = Strip {
            axis: (0.0, 100.0),
            width: 11,
        };
        let line = s.line(Some((20.0, 60.0)), Some(40.0), &[10.0, 50.0, 90.0]);
        assert_eq!(text(&line), " ┊├─●─┤  ┊ ");
        assert_eq!(line[4].1, Part::Value);
        assert_eq!(line[1].1, Part::Mark);
        let point = s.line(Some((30.0, 30.0)), None, &[]);
        assert_eq!(text(&point), "   │       ");
        assert_eq!(
            s.axis_line(&[(100.0, 'L'), (80.0, 'I'), (0.0, 'P')]),
            "P·······I·L"
        );
    }

    #[test]
    fn spans_group_runs_of_one_style() {
        let s = Strip {
            axis: (0.0, 100.0),
            width: 11,
        };
        let line = spans(&s.line(Some((20.0, 60.0)), Some(40.0), &[10.0]), theme::BAR);
        let texts: Vec<String> = line.spans.iter().map(|s| s.content.to_string()).collect();
        assert_eq!(texts, [" ┊", "├─●─┤", "    "]);
    }
}
