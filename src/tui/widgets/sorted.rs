//! Sort and filter of a table held in memory, the same in every view that shows one: `s` sorts
//! by the next column (after the last: the rows' own order again), `S` flips the direction, `/`
//! opens the filter prompt (a case-insensitive substring of the row's ids and names, applied
//! with Enter), Esc or Ctrl-U clears the filter. The selection stays on its row through a
//! re-sort or a filter while that row is still shown.
//!
//! A view keeps one [`SortedTable`] per table, hands it the actions ([`SortedTable::update`])
//! and, when it says [`Outcome::Reorder`] or new rows arrive, the rows ([`SortedTable::apply`]).
//! The table's order is a list of indices into the view's rows, so drawing still formats only
//! the rows [`list::window`] picks.

use crate::tui::action::Action;
use crate::tui::widgets::list;
use crate::tui::widgets::prompt::{self, Key};
use std::cmp::Ordering;

/// What a row holds in a column, for sorting.
#[derive(Debug, Clone, PartialEq)]
pub enum SortKey {
    /// A number; absent ones sort last, whichever the direction.
    Num(Option<f64>),
    Text(String),
}

impl SortKey {
    /// The order of two keys, `descending` or not; absent numbers come last either way.
    fn compare(&self, other: &SortKey, descending: bool) -> Ordering {
        let dir = |o: Ordering| if descending { o.reverse() } else { o };
        match (self, other) {
            (SortKey::Num(a), SortKey::Num(b)) => match (a, b) {
                (Some(x), Some(y)) => dir(x.total_cmp(y)),
                (Some(_), None) => Ordering::Less,
                (None, Some(_)) => Ordering::Greater,
                (None, None) => Ordering::Equal,
            },
            (SortKey::Text(a), SortKey::Text(b)) => dir(a.cmp(b)),
            (SortKey::Num(_), SortKey::Text(_)) => Ordering::Less,
            (SortKey::Text(_), SortKey::Num(_)) => Ordering::Greater,
        }
    }
}

/// What an action did to the table.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Not a table key: the view's own.
    Ignored,
    /// The selection moved or the prompt changed: draw again.
    Moved,
    /// The sort or filter changed: call [`SortedTable::apply`] with the rows.
    Reorder,
}

/// The sort, filter and selection of one table.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SortedTable {
    /// The column sorted by; `None`: the rows' own order.
    pub sort: Option<usize>,
    pub descending: bool,
    /// The applied filter (empty: every row).
    pub filter: String,
    /// The filter text being typed, while the prompt is open.
    pub prompt: Option<String>,
    /// Indices into the rows, in table order.
    order: Vec<usize>,
    /// Position of the selected row in `order`.
    selected: usize,
    /// Rows before the filter.
    total: usize,
}

impl SortedTable {
    /// Applies a table key to a table of `columns` sortable columns.
    pub fn update(&mut self, action: &Action, columns: usize) -> Outcome {
        if let Some(key) = self.prompt.as_mut().and_then(|t| prompt::edit(t, action)) {
            return match key {
                Key::Submit => {
                    self.filter = self.prompt.take().unwrap_or_default().trim().to_string();
                    Outcome::Reorder
                }
                Key::Cancel => {
                    self.prompt = None;
                    Outcome::Moved
                }
                Key::Edited => Outcome::Moved,
            };
        }
        if let Some(moved) = list::moved(self.selected, self.order.len(), action) {
            self.selected = moved;
            return Outcome::Moved;
        }
        match action {
            Action::CycleSort => {
                self.sort = match self.sort {
                    None if columns > 0 => Some(0),
                    Some(c) if c + 1 < columns => Some(c + 1),
                    _ => None,
                };
                self.descending = false;
            }
            Action::FlipSort => self.descending = !self.descending,
            Action::OpenFilter => {
                self.prompt = Some(self.filter.clone());
                return Outcome::Moved;
            }
            Action::ClearFilter if !self.filter.is_empty() => self.filter.clear(),
            _ => return Outcome::Ignored,
        }
        Outcome::Reorder
    }

    /// Orders `rows` by the sort and keeps those whose `text` contains the filter; the
    /// selection stays on its row when that is still shown. `key(row, column)` is what the row
    /// holds in a sortable column.
    pub fn apply<T>(
        &mut self,
        rows: &[T],
        text: impl Fn(&T) -> String,
        key: impl Fn(&T, usize) -> SortKey,
    ) {
        let keep = self.current();
        let needle = self.filter.to_lowercase();
        let mut order: Vec<usize> = (0..rows.len())
            .filter(|&i| needle.is_empty() || text(&rows[i]).to_lowercase().contains(&needle))
            .collect();
        if let Some(column) = self.sort {
            let mut keyed: Vec<(SortKey, usize)> =
                order.iter().map(|&i| (key(&rows[i], column), i)).collect();
            // Ties keep the rows' own order, whichever the direction.
            keyed.sort_by(|a, b| a.0.compare(&b.0, self.descending).then(a.1.cmp(&b.1)));
            order = keyed.into_iter().map(|(_, i)| i).collect();
        } else if self.descending {
            order.reverse();
        }
        self.order = order;
        self.total = rows.len();
        self.selected = match keep.and_then(|k| self.order.iter().position(|&i| i == k)) {
            Some(at) => at,
            None => list::within(self.selected, self.order.len()),
        };
    }

    /// Forgets the selection (new rows of another kind: a drill-down into another segment);
    /// the sort and filter stay.
    pub fn rewind(&mut self) {
        self.order.clear();
        self.selected = 0;
    }

    /// The rows' indices in table order.
    pub fn order(&self) -> &[usize] {
        &self.order
    }

    /// The selected row's position in the table.
    pub fn selected(&self) -> usize {
        self.selected
    }

    /// The selected row's index into the rows.
    pub fn current(&self) -> Option<usize> {
        self.order.get(self.selected).copied()
    }

    /// Selects the row at `position` of the table (a click); false when there is none.
    pub fn select(&mut self, position: usize) -> bool {
        let shown = position < self.order.len();
        if shown {
            self.selected = position;
        }
        shown
    }

    /// Selects row `index` of the rows, when the table shows it.
    pub fn select_row(&mut self, index: usize) -> bool {
        match self.order.iter().position(|&i| i == index) {
            Some(at) => self.select(at),
            None => false,
        }
    }

    /// True while a filter hides rows or the prompt is open.
    pub fn is_filtered(&self) -> bool {
        !self.filter.is_empty()
    }

    /// `title` with the sort arrow when column `column` is sorted by.
    pub fn header(&self, column: usize, title: &str) -> String {
        match (self.sort == Some(column), self.descending) {
            (false, _) => title.to_string(),
            (true, false) => format!("{title} ↑"),
            (true, true) => format!("{title} ↓"),
        }
    }

    /// What the status line says of the filter: "filter 'P00' · 12 of 40 rows".
    pub fn describe(&self) -> Option<String> {
        (!self.filter.is_empty()).then(|| {
            format!(
                "filter '{}' · {} of {} rows · Esc clears",
                self.filter,
                self.order.len(),
                self.total
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows() -> Vec<(&'static str, f64)> {
        vec![
            ("SEG-A P1", 3.0),
            ("SEG-B P1", 1.0),
            ("SEG-A P2", 2.0),
            ("SEG-C P9", f64::NAN),
        ]
    }

    fn applied(t: &mut SortedTable, rows: &[(&'static str, f64)]) {
        t.apply(
            rows,
            |r| r.0.to_string(),
            |r, c| match c {
                0 => SortKey::Text(r.0.to_string()),
                _ => SortKey::Num(Some(r.1).filter(|v| v.is_finite())),
            },
        );
    }

    #[test]
    fn sort_cycles_through_the_columns_then_back_to_the_rows_own_order() {
        let rows = rows();
        let mut t = SortedTable::default();
        applied(&mut t, &rows);
        assert_eq!(t.order(), [0, 1, 2, 3]);
        assert_eq!(t.update(&Action::CycleSort, 2), Outcome::Reorder);
        applied(&mut t, &rows);
        assert_eq!((t.sort, t.order()), (Some(0), &[0, 2, 1, 3][..]));
        t.update(&Action::CycleSort, 2);
        applied(&mut t, &rows);
        // Numbers ascending, the absent one last.
        assert_eq!(t.order(), [1, 2, 0, 3]);
        assert_eq!(t.header(1, "value"), "value ↑");
        t.update(&Action::FlipSort, 2);
        applied(&mut t, &rows);
        // Flipped: largest first, and the absent number still last.
        assert_eq!(t.order(), [0, 2, 1, 3]);
        assert_eq!(t.header(1, "value"), "value ↓");
        t.update(&Action::CycleSort, 2);
        applied(&mut t, &rows);
        assert_eq!((t.sort, t.order()), (None, &[0, 1, 2, 3][..]));
    }

    #[test]
    fn the_selection_stays_on_its_row_through_sort_and_filter() {
        let rows = rows();
        let mut t = SortedTable::default();
        applied(&mut t, &rows);
        t.update(&Action::Down, 0);
        t.update(&Action::Down, 0);
        assert_eq!(t.current(), Some(2));
        t.update(&Action::CycleSort, 2);
        t.update(&Action::CycleSort, 2);
        applied(&mut t, &rows);
        assert_eq!((t.selected(), t.current()), (1, Some(2)));
        // Filter: typed, shown nowhere until Enter; then only the matching rows.
        assert_eq!(t.update(&Action::OpenFilter, 2), Outcome::Moved);
        for c in "seg-a".chars() {
            assert_eq!(t.update(&Action::PromptInput(c), 2), Outcome::Moved);
        }
        assert_eq!(t.order().len(), 4);
        assert_eq!(t.update(&Action::PromptSubmit, 2), Outcome::Reorder);
        applied(&mut t, &rows);
        assert_eq!(t.order(), [2, 0]);
        assert_eq!(t.current(), Some(2));
        assert_eq!(
            t.describe().as_deref(),
            Some("filter 'seg-a' · 2 of 4 rows · Esc clears")
        );
        // A filter that hides the selected row keeps the position, within the rows left.
        t.update(&Action::End, 2);
        t.update(&Action::OpenFilter, 2);
        t.update(&Action::ClearFilter, 2);
        "P9".chars().for_each(|c| {
            t.update(&Action::PromptInput(c), 2);
        });
        t.update(&Action::PromptSubmit, 2);
        applied(&mut t, &rows);
        assert_eq!((t.order(), t.current()), (&[3][..], Some(3)));
        // Ctrl-U clears it; the selection stays on the row.
        assert_eq!(t.update(&Action::ClearFilter, 2), Outcome::Reorder);
        applied(&mut t, &rows);
        assert_eq!((t.order().len(), t.current()), (4, Some(3)));
        assert_eq!(t.update(&Action::ClearFilter, 2), Outcome::Ignored);
        assert_eq!(t.describe(), None);
    }

    #[test]
    fn clicks_select_shown_rows_only() {
        let rows = rows();
        let mut t = SortedTable::default();
        applied(&mut t, &rows);
        assert!(t.select(3));
        assert_eq!(t.current(), Some(3));
        assert!(!t.select(4));
        assert_eq!(t.current(), Some(3));
        assert!(t.select_row(1));
        assert_eq!(t.selected(), 1);
    }
}
