//! What every list and table shares: the selection that the list keys move (bound once, in the
//! keymap's list scope), the highlighted row that shows it, and columns that give way, least
//! important first, on a narrow terminal.

use crate::tui::action::Action;
use crate::tui::theme;
use crate::tui::widgets::sorted::SortedTable;
use ratatui::Frame;
use ratatui::layout::{Constraint, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Row, Table, TableState};

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

/// The rows of a list of `len` worth formatting for a table `height` rows high with row
/// `selected` scrolled into view, and `selected`'s index within them. A table draws from the
/// top until the selection would leave the screen, then keeps it on the last row; this window
/// holds every row that can be drawn either way, so drawing only it looks the same while the
/// 2,500 rows of a 10M-line workspace are no longer all formatted on every key.
pub fn window(len: usize, selected: usize, height: u16) -> (std::ops::Range<usize>, usize) {
    let (h, selected) = (usize::from(height), within(selected, len));
    let start = selected.saturating_sub(h);
    (start..len.min(selected + h + 1), selected - start)
}

/// The row of a list of `len` (with `selected` selected) drawn on line `line` of a bordered
/// table with a header that fills `area`, as [`window`] and [`render_table`] draw it: the
/// table keeps its top row until the selection would leave the screen, then the selection on
/// its last row. `None` for the border, the header or below the last row.
pub fn row_at(len: usize, selected: usize, area: Rect, line: u16) -> Option<usize> {
    row_above(len, selected, area, line, 1)
}

/// [`row_at`] for a table whose box has only its top line (a title rule): its rows run to the
/// bottom of `area`.
pub fn row_at_open(len: usize, selected: usize, area: Rect, line: u16) -> Option<usize> {
    row_above(len, selected, area, line, 0)
}

/// [`row_at`] with `bottom` lines of border under the rows.
fn row_above(len: usize, selected: usize, area: Rect, line: u16, bottom: u16) -> Option<usize> {
    let top = area.y + 2;
    let visible = usize::from(area.height.saturating_sub(2 + bottom));
    if line < top || line >= area.y + area.height.saturating_sub(bottom) || visible == 0 {
        return None;
    }
    let (range, at) = window(len, selected, area.height);
    let first = range.start + at.saturating_sub(visible - 1);
    let row = first + usize::from(line - top);
    (row < len).then_some(row)
}

/// Draws `table` with row `selected` highlighted and scrolled into view.
pub fn render_table(frame: &mut Frame, area: Rect, table: Table, selected: usize) {
    let table = table.row_highlight_style(theme::SELECTED_ROW);
    let mut state = TableState::default().with_selected(Some(selected));
    frame.render_stateful_widget(table, area, &mut state);
}

/// A column of a table: header, width (0: the rest of the row), rank (lower ranks are kept
/// first on a narrow terminal) and whether it holds numbers (right-aligned).
#[derive(Debug, Clone, Copy)]
pub struct Column {
    pub title: &'static str,
    pub width: u16,
    pub rank: u8,
    pub number: bool,
}

/// A column of text.
pub const fn text(title: &'static str, width: u16, rank: u8) -> Column {
    Column {
        title,
        width,
        rank,
        number: false,
    }
}

/// A column of numbers.
pub const fn number(title: &'static str, width: u16, rank: u8) -> Column {
    Column {
        title,
        width,
        rank,
        number: true,
    }
}

/// Room a column of width 0 (the rest of the row) needs to be worth showing.
const FILL_MIN: u16 = 24;

/// The columns that fit in `width` with a space between each, lowest ranks first, in table
/// order.
pub fn fitting(columns: &[Column], width: u16) -> Vec<usize> {
    let mut order: Vec<usize> = (0..columns.len()).collect();
    order.sort_by_key(|&i| (columns[i].rank, i));
    let mut used = 0u16;
    let mut kept = Vec::new();
    for i in order {
        let need = match columns[i].width {
            0 => FILL_MIN,
            w => w,
        } + u16::from(used > 0);
        if used.saturating_add(need) <= width {
            used += need;
            kept.push(i);
        }
    }
    kept.sort_unstable();
    kept
}

/// A table of `rows` (one text per column, in `columns` order) with a header, showing the
/// columns that fit in `width`.
pub fn fitted_table(columns: &[Column], rows: Vec<Vec<String>>, width: u16) -> Table<'static> {
    fitted_sorted_table(columns, rows, width, None)
}

/// [`fitted_table`] with the sort arrow of `sorted` on the sorted column's header; that column
/// is two wider for it, so neither title nor numbers are cut (a column of lower rank gives way
/// instead when the row is full).
pub fn fitted_sorted_table(
    columns: &[Column],
    rows: Vec<Vec<String>>,
    width: u16,
    sorted: Option<&SortedTable>,
) -> Table<'static> {
    let mut columns = columns.to_vec();
    if let Some(c) = sorted.and_then(|s| s.sort).and_then(|i| columns.get_mut(i)) {
        c.width = match c.width {
            0 => 0,
            w => w.max(c.title.chars().count() as u16 + 2),
        };
    }
    let columns = &columns[..];
    let kept = fitting(columns, width);
    let line = |i: usize, text: String| match columns[i].number {
        true => Line::raw(text).right_aligned(),
        false => Line::raw(text),
    };
    let title = |i: usize| match sorted {
        Some(s) => s.header(i, columns[i].title),
        None => columns[i].title.to_string(),
    };
    let header = Row::new(kept.iter().map(|&i| line(i, title(i)))).style(theme::HEADER);
    let body: Vec<Row> = rows
        .into_iter()
        .map(|mut cells| {
            Row::new(
                kept.iter()
                    .map(|&i| line(i, cells.get_mut(i).map(std::mem::take).unwrap_or_default()))
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    let widths: Vec<Constraint> = kept
        .iter()
        .map(|&i| match columns[i].width {
            0 => Constraint::Fill(1),
            w => Constraint::Length(w),
        })
        .collect();
    Table::new(body, widths).header(header)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_window_of_rows_draws_the_same_screen_as_the_whole_table() {
        use ratatui::{Terminal, backend::TestBackend};
        let columns = [text("id", 6, 0), number("value", 8, 0)];
        let rows = |r: std::ops::Range<usize>| -> Vec<Vec<String>> {
            r.map(|i| vec![format!("R{i:04}"), format!("{}", i * 7)])
                .collect()
        };
        let draw = |rs: Vec<Vec<String>>, sel: usize| {
            let mut t = Terminal::new(TestBackend::new(20, 8)).expect("terminal");
            t.draw(|f| render_table(f, f.area(), fitted_table(&columns, rs, 20), sel))
                .expect("draw");
            t.backend().buffer().clone()
        };
        for sel in [0, 3, 6, 7, 50, 2498, 2499] {
            let (range, at) = window(2500, sel, 8);
            assert!(range.len() <= 17, "{range:?}");
            assert_eq!(draw(rows(range), at), draw(rows(0..2500), sel), "row {sel}");
        }
        // A selection past the end (the list shrank) or an empty list is not a panic.
        assert_eq!(window(10, 40, 8), (1..10, 8));
        assert_eq!(window(0, 3, 8), (0..0, 0));
    }

    #[test]
    fn a_click_finds_the_row_drawn_on_its_line() {
        use ratatui::widgets::{Block, Borders};
        use ratatui::{Terminal, backend::TestBackend};
        let columns = [text("id", 6, 0)];
        let area = Rect::new(0, 3, 20, 10);
        for (len, sel) in [(50, 0), (50, 4), (50, 30), (50, 49), (3, 1)] {
            let mut t = Terminal::new(TestBackend::new(20, 14)).expect("terminal");
            let (range, at) = window(len, sel, area.height);
            let rows = range.map(|i| vec![format!("R{i:04}")]).collect();
            let table = fitted_table(&columns, rows, 18).block(Block::new().borders(Borders::ALL));
            t.draw(|f| render_table(f, area, table, at)).expect("draw");
            let buf = t.backend().buffer().clone();
            for line in 0..14 {
                let text: String = (1..6).map(|x| buf[(x, line)].symbol()).collect();
                let want = text.strip_prefix('R').and_then(|n| n.parse::<usize>().ok());
                assert_eq!(
                    row_at(len, sel, area, line),
                    want,
                    "{len} {sel} line {line}"
                );
            }
        }
    }

    #[test]
    fn a_click_finds_the_row_of_a_table_under_a_title_rule() {
        use ratatui::widgets::{Block, Borders};
        use ratatui::{Terminal, backend::TestBackend};
        let columns = [text("id", 6, 0)];
        let area = Rect::new(0, 3, 20, 10);
        for (len, sel) in [(50, 0), (50, 7), (50, 8), (50, 30), (50, 49), (3, 1)] {
            let mut t = Terminal::new(TestBackend::new(20, 14)).expect("terminal");
            let (range, at) = window(len, sel, area.height);
            let rows = range.map(|i| vec![format!("R{i:04}")]).collect();
            let table = fitted_table(&columns, rows, 18).block(Block::new().borders(Borders::TOP));
            t.draw(|f| render_table(f, area, table, at)).expect("draw");
            let buf = t.backend().buffer().clone();
            for line in 0..14 {
                let text: String = (0..5).map(|x| buf[(x, line)].symbol()).collect();
                let want = text.strip_prefix('R').and_then(|n| n.parse::<usize>().ok());
                assert_eq!(
                    row_at_open(len, sel, area, line),
                    want,
                    "{len} {sel} line {line}"
                );
            }
        }
    }

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

    #[test]
    fn narrow_tables_keep_their_most_important_columns_in_order() {
        let columns = [
            text("id", 6, 0),
            number("a", 8, 2),
            number("b", 8, 1),
            text("why", 0, 3),
        ];
        assert_eq!(fitting(&columns, 80), [0, 1, 2, 3]);
        // 6 + 1 + 8 + 1 + 8 = 24: the reason needs 24 more.
        assert_eq!(fitting(&columns, 40), [0, 1, 2]);
        assert_eq!(fitting(&columns, 20), [0, 2]);
        assert_eq!(fitting(&columns, 5), Vec::<usize>::new());
    }
}
