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
    fn summary(&self) -> Line<'static> {
        match self.band.percentiles {
            Some(p) => Line::from(vec![
                Span::styled("p10 ", theme::LABEL),
                Span::raw(fmt_num(p.p10, 1)),
                Span::styled("  p50 ", theme::LABEL),
                Span::raw(fmt_num(p.p50, 1)),
                Span::styled("  p90 ", theme::LABEL),
                Span::raw(fmt_num(p.p90, 1)),
                Span::styled("  width ", theme::LABEL),
                Span::raw(fmt_num(p.width(), 1)),
            ]),
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
        let mut lines = vec![self.summary()];
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
