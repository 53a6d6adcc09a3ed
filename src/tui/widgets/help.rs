//! The `?` help overlay, written from the keymap table and the glossary: the shown view's keys
//! first, then the global ones, then what the view's columns and flags mean, then the other
//! views' keys. It fills the terminal (less a margin) and scrolls.

use crate::tui::view::View;
use crate::tui::{glossary, keymap, theme};
use ratatui::buffer::Buffer;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Clear, Paragraph, Widget};

/// Width of the keys (or term) column.
const KEY_COLUMN: usize = 14;

/// The help for `view`, scrolled to line `scroll` (clamped to the last page).
pub struct HelpOverlay {
    pub view: View,
    pub scroll: u16,
}

impl HelpOverlay {
    /// Every line of the help, wrapped to `width` columns.
    pub fn lines(view: View, width: usize) -> Vec<Line<'static>> {
        let mut lines = Vec::new();
        let mut sections = keymap::help(view);
        let rest = sections.split_off(3.min(sections.len()));
        for (section, bindings) in sections {
            lines.push(Line::styled(section, theme::HEADER));
            for (keys, help) in bindings {
                push_entry(&mut lines, keys, help, width);
            }
        }
        lines.push(Line::styled(
            format!("{} · what the columns and flags mean", view.title()),
            theme::HEADER,
        ));
        for (term, meaning) in glossary::terms(view) {
            push_entry(&mut lines, term, meaning, width);
        }
        for (section, bindings) in rest {
            lines.push(Line::styled(section, theme::HEADER));
            for (keys, help) in bindings {
                push_entry(&mut lines, keys, help, width);
            }
        }
        lines
    }
}

/// `keys` in the key column and `text` word-wrapped beside it.
fn push_entry(lines: &mut Vec<Line<'static>>, keys: &str, text: &str, width: usize) {
    let room = width.saturating_sub(KEY_COLUMN + 3).max(10);
    let keys_wide = keys.chars().count() > KEY_COLUMN;
    if keys_wide {
        lines.push(Line::styled(format!("  {keys}"), theme::KEY));
    }
    for (i, part) in wrap(text, room).into_iter().enumerate() {
        let label = match (i, keys_wide) {
            (0, false) => keys,
            _ => "",
        };
        lines.push(Line::from(vec![
            Span::styled(format!("  {label:<KEY_COLUMN$} "), theme::KEY),
            Span::raw(part),
        ]));
    }
}

/// `text` broken at spaces into lines of at most `width` characters (a longer word stays whole).
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut out = vec![String::new()];
    for word in text.split(' ') {
        let last = out.last_mut().map_or(0, |l| l.chars().count());
        if last > 0 && last + 1 + word.chars().count() > width {
            out.push(String::new());
        }
        if let Some(line) = out.last_mut() {
            if !line.is_empty() {
                line.push(' ');
            }
            line.push_str(word);
        }
    }
    out
}

impl Widget for HelpOverlay {
    fn render(self, area: Rect, buf: &mut Buffer) {
        let width = area.width.saturating_sub(2).min(110);
        let height = area.height.saturating_sub(2);
        if width < 20 || height < 3 {
            return;
        }
        let popup = Rect {
            x: area.x + (area.width - width) / 2,
            y: area.y + 1,
            width,
            height,
        };
        let lines = HelpOverlay::lines(self.view, usize::from(width - 2));
        let inner = height - 2;
        let last = (lines.len() as u16).saturating_sub(inner);
        let top = self.scroll.min(last);
        let bottom = (top + inner).min(lines.len() as u16);
        Clear.render(popup, buf);
        let block = Block::default()
            .borders(Borders::ALL)
            .title(" help · ↑↓ PgUp PgDn scroll · Esc, q or ? closes ")
            .title_bottom(format!(" lines {}–{bottom} of {} ", top + 1, lines.len()));
        Paragraph::new(lines)
            .block(block)
            .scroll((top, 0))
            .render(popup, buf);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wrap_breaks_at_spaces_within_the_width() {
        assert_eq!(wrap("a bb ccc dddd", 6), ["a bb", "ccc", "dddd"]);
        assert_eq!(wrap("averylongword x", 4), ["averylongword", "x"]);
    }
}
