//! What every list and table shares: the selection that the list keys move (bound once, in the
//! keymap's list scope) and the highlighted row that shows it.

use crate::tui::action::Action;
use crate::tui::theme;
use ratatui::Frame;
use ratatui::layout::Rect;
use ratatui::widgets::{Table, TableState};

/// Rows a page key moves through a list held in memory.
pub const PAGE_ROWS: usize = 10;

/// Where the selection of a list of `len` rows goes from `selected` for a list key: the arrows
/// one row, the page keys [`PAGE_ROWS`], Home and End to either end; `None` for any other action.
pub fn moved(selected: usize, len: usize, action: &Action) -> Option<usize> {
    let delta = match action {
        Action::Up => -1,
        Action::Down => 1,
        Action::PageUp => -(PAGE_ROWS as isize),
        Action::PageDown => PAGE_ROWS as isize,
        Action::Home => -(len as isize),
        Action::End => len as isize,
        _ => return None,
    };
    Some(within(selected.saturating_add_signed(delta), len))
}

/// `selected` moved back inside a list of `len` rows (0 when it is empty).
pub fn within(selected: usize, len: usize) -> usize {
    selected.min(len.saturating_sub(1))
}

/// Draws `table` with row `selected` highlighted and scrolled into view.
pub fn render_table(frame: &mut Frame, area: Rect, table: Table, selected: usize) {
    let table = table.row_highlight_style(theme::SELECTED_ROW);
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_keys_move_within_the_list_and_other_actions_do_not() {
        assert_eq!(moved(0, 5, &Action::Up), Some(0));
        assert_eq!(moved(0, 5, &Action::Down), Some(1));
        assert_eq!(moved(4, 5, &Action::Down), Some(4));
        assert_eq!(moved(3, 30, &Action::PageDown), Some(13));
        assert_eq!(moved(3, 30, &Action::PageUp), Some(0));
        assert_eq!(moved(3, 30, &Action::End), Some(29));
        assert_eq!(moved(29, 30, &Action::Home), Some(0));
        assert_eq!(moved(0, 0, &Action::Down), Some(0));
        assert_eq!(moved(2, 5, &Action::Drill), None);
        assert_eq!(within(7, 3), 2);
    }
}
