//! The pocket price waterfall drawn as floating bars: one row per step, list price at full
//! width, each element a bar floating where it is taken off, invoice and pocket as bars from
//! zero; each row labelled with its per-unit amount and % of list.

use crate::realization::waterfall::{StepKind, Waterfall};
use crate::report::{fmt_money, fmt_pct};
use crate::tui::theme;
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Widget};

/// A waterfall chart of per-unit amounts.
pub struct WaterfallChart<'a> {
    pub waterfall: &'a Waterfall,
}

/// One row's text parts: name, amount, % of list.
fn labels(w: &Waterfall) -> Vec<(String, String, String)> {
    w.steps
        .iter()
        .map(|s| {
            let amount = s
                .per_unit
                .map_or("–".to_string(), |v| match s.kind.is_level() {
                    true => fmt_money(v),
                    false => fmt_money(-v),
                });
            (s.name.clone(), amount, fmt_pct(s.pct_of_list))
        })
        .collect()
}

/// Cells `[start, end)` of a bar from `lo` to `hi` on a scale where `full` fills `width` cells;
/// a non-zero amount gets at least one cell.
fn span(lo: f64, hi: f64, full: f64, width: usize) -> (usize, usize) {
    let (lo, hi) = (lo.min(hi).max(0.0), hi.max(lo).max(0.0));
    let cell = |v: f64| ((v / full * width as f64).round() as usize).min(width);
    let (mut a, b) = (cell(lo), cell(hi));
    if b <= a && hi > lo {
        a = b.saturating_sub(1);
    }
    (a, b.max(a + usize::from(hi > lo)).min(width))
}

impl Widget for WaterfallChart<'_> {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let w = self.waterfall;
        let texts = labels(w);
        let name_w = texts.iter().map(|t| t.0.chars().count()).max().unwrap_or(0);
        let amount_w = texts.iter().map(|t| t.1.chars().count()).max().unwrap_or(0);
        let pct_w = texts.iter().map(|t| t.2.chars().count()).max().unwrap_or(0);
        let fixed = amount_w + pct_w + 3;
        // Names give way before numbers on a narrow screen; the bar takes what is left.
        let name_w = name_w.min((area.width as usize).saturating_sub(fixed + 4));
        let bar_w = (area.width as usize).saturating_sub(name_w + fixed + 1);
        let full = w.steps.first().and_then(|s| s.per_unit).unwrap_or(0.0);
        let mut level = full;
        let mut lines = Vec::new();
        for (s, (name, amount, pct)) in w.steps.iter().zip(texts) {
            let x = s.per_unit.unwrap_or(0.0);
            let ((a, b), style) = match s.kind {
                StepKind::List | StepKind::Invoice | StepKind::Pocket => {
                    level = x;
                    (span(0.0, x, full, bar_w), theme::BAR)
                }
                StepKind::OnInvoice | StepKind::OffInvoice => {
                    let bar = span(level - x, level, full, bar_w);
                    level -= x;
                    (bar, theme::LEAK)
                }
            };
            let bar = match full > 0.0 {
                true => format!("{}{}", " ".repeat(a), "█".repeat(b - a)),
                false => String::new(),
            };
            let name: String = name.chars().take(name_w).collect();
            lines.push(Line::from(vec![
                Span::styled(format!("{name:<name_w$} "), theme::LABEL),
                Span::styled(format!("{bar:<bar_w$}"), style),
                Span::styled(format!(" {amount:>amount_w$}"), Style::new()),
                Span::styled(format!(" {pct:>pct_w$}"), theme::LABEL),
            ]));
        }
        Paragraph::new(lines).render(area, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::span;

    #[test]
    fn bars_float_and_never_vanish() {
        assert_eq!(span(0.0, 10.0, 10.0, 20), (0, 20));
        assert_eq!(span(9.0, 10.0, 10.0, 20), (18, 20));
        assert_eq!(span(9.99, 10.0, 10.0, 20), (19, 20));
        assert_eq!(span(5.0, 5.0, 10.0, 20), (10, 10));
    }
}
