//! The `?` help overlay, written from the keymap table.

use crate::tui::{keymap, theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

/// A centred box listing every key binding by scope.
pub struct HelpOverlay;

impl HelpOverlay {
    fn lines() -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        for (section, bindings) in keymap::help() {
            lines.push(Line::styled(section, theme::HEADER));
            for (keys, help) in bindings {
                lines.push(Line::from(vec![
                    Span::styled(format!("  {keys:<8} "), theme::KEY),
                    Span::raw(help),
                ]));
            }
        }
        lines
    }
}

impl Widget for HelpOverlay {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let lines = HelpOverlay::lines();
        let width = area.width.min(56);
        let height = area.height.min(lines.len() as u16 + 2);
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + (area.height - height) / 2,
            width,
            height,
        };
        Clear.render(popup, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" keys · ? or Esc closes ");
        Paragraph::new(lines).block(block).render(popup, buf);
    }
}
