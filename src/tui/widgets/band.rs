//! The pocket price band as a horizontal histogram: one row per bin of pocket % of list, the
//! bar its volume, with p10 / p50 / p90 marked on the bins that hold them (and one marked
//! value, e.g. the selected customer).

use crate::realization::band::Band;
use crate::report::fmt_num;
use crate::tui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// A histogram of a band.
pub struct BandChart<'a> {
    pub band: &'a Band,
    /// A pocket % to point at (the selected customer), if any.
    pub marker: Option<(&'a str, f64)>,
}

fn pct1(v: f64) -> String {
    format!("{}%", fmt_num(v, 1))
}

impl BandChart<'_> {
    /// The percentiles, and the band's width where `width` columns leave room for it.
    fn summary(&self, width: u16) -> Line<'static> {
        match self.band.percentiles {
            Some(p) => {
                let mut spans = vec![
                    Span::styled("p10 ", theme::LABEL),
                    Span::raw(fmt_num(p.p10, 1)),
                    Span::styled("  p50 ", theme::LABEL),
                    Span::raw(fmt_num(p.p50, 1)),
                    Span::styled("  p90 ", theme::LABEL),
                    Span::raw(fmt_num(p.p90, 1)),
                ];
                let tail = [
                    Span::styled("  width ", theme::LABEL),
                    Span::raw(fmt_num(p.width(), 1)),
                ];
                let need: usize = spans.iter().chain(&tail).map(Span::width).sum();
                if need <= usize::from(width) {
                    spans.extend(tail);
                }
                Line::from(spans)
            }
            None => Line::styled(
                "no customer with positive net volume: no band",
                theme::ERROR,
            ),
        }
    }

    /// The marks of the bin `[lo, hi)` (the last bin includes hi).
    fn marks(&self, lo: f64, hi: f64, last: bool) -> String {
        let inside = |v: f64| v >= lo && (v < hi || (last && v <= hi));
        let mut marks = Vec::new();
        if let Some(p) = self.band.percentiles {
            for (name, v) in [("p10", p.p10), ("p50", p.p50), ("p90", p.p90)] {
                if inside(v) {
                    marks.push(name.to_string());
                }
            }
        }
        if let Some((name, _)) = self.marker.filter(|(_, v)| inside(*v)) {
            marks.push(format!("◀ {name}"));
        }
        marks.join(" ")
    }
}

impl Widget for BandChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let mut lines = vec![self.summary(area.width)];
        let bins = &self.band.histogram;
        let max = bins.iter().map(|b| b.volume).fold(0.0, f64::max);
        let label_w = 7;
        let mark_w = 14;
        let bar_w = (area.width as usize).saturating_sub(label_w + mark_w + 2);
        for (i, bin) in bins.iter().enumerate() {
            let cells = match max > 0.0 {
                true => (bin.volume / max * bar_w as f64).round() as usize,
                false => 0,
            };
            let cells = cells.max(usize::from(bin.volume > 0.0)).min(bar_w);
            let marks = self.marks(bin.lo_pct, bin.hi_pct, i + 1 == bins.len());
            lines.push(Line::from(vec![
                Span::styled(format!("{:>label_w$} ", pct1(bin.lo_pct)), theme::LABEL),
                Span::styled(format!("{:<bar_w$}", "█".repeat(cells)), theme::BAR),
                Span::styled(format!(" {marks}"), theme::KEY),
            ]));
        }
        Paragraph::new(lines).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realization::band::{Observation, band};
    use ratatui::{Terminal, backend::TestBackend};

    fn summary_line(width: u16) -> String {
        let obs: Vec<Observation> = (0..50)
            .map(|i| Observation {
                pocket_pct: 60.0 + f64::from(i) * 0.5,
                volume: 1.0,
            })
            .collect();
        let b = band(&obs, 8);
        let mut t = Terminal::new(TestBackend::new(width, 10)).expect("terminal");
        t.draw(|f| {
            let chart = BandChart {
                band: &b,
                marker: None,
            };
            f.render_widget(chart, f.area());
        })
        .expect("draw");
        let buf = t.backend().buffer().clone();
        (0..width).map(|x| buf[(x, 0)].symbol()).collect()
    }

    #[test]
    fn the_summary_drops_the_width_rather_than_cut_it() {
        let wide = summary_line(60);
        assert!(wide.contains("width 20.0"), "{wide}");
        let narrow = summary_line(33);
        assert!(narrow.trim_end().ends_with("p90 82.0"), "{narrow}");
        assert!(!narrow.contains("wid"), "{narrow}");
    }
}
