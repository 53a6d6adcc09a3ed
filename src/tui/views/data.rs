//! View 2, Data: the workspace's tables, paged, sorted and filtered.
//!
//! A page holds exactly the rows that fit on screen. Scrolling past its edge asks the worker for
//! the page one row further on; in `txn_id` order that is a keyset seek, so it stays instant on
//! millions of transactions. Other sorts of the transactions run on the worker and show
//! "sorting…" meanwhile; keys that move the selection wait until the page arrives.

use crate::report::{fmt_int, fmt_num};
use crate::store::query::{DataTable, Page, PageQuery, PageStart, SortDir, Value};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::list;
use crate::tui::widgets::prompt::{self, Key};
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

/// Rows the Data view itself takes besides the table body: table line, borders, header.
const VIEW_CHROME_ROWS: u16 = 4;

/// Sort and filter of one table (each table keeps its own).
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TableSettings {
    /// Index into the table's columns; 0 is the id.
    pub sort_column: usize,
    pub dir: SortDir,
    pub filter: String,
}

/// Where the selection goes when the requested page arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Select {
    Keep,
    First,
    Last,
}

/// What the worker is doing for this view, as the status line says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Busy {
    Loading,
    Sorting,
    Filtering,
}

/// What a page request in flight is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageWait {
    pub select: Select,
    pub busy: Busy,
}

/// The Data view's state.
#[derive(Debug, Clone)]
pub struct DataState {
    pub table: DataTable,
    pub settings: [TableSettings; 4],
    pub page: Option<Page>,
    /// Rows matching the current filter, counted when the table or filter last changed.
    pub total: Option<u64>,
    /// Selected row within the page.
    pub selected: usize,
    /// First column shown (horizontal scroll).
    pub first_column: usize,
    /// The filter text being typed, while the prompt is open.
    pub prompt: Option<String>,
    pub pending: Pending<PageWait>,
    /// Table rows that fit on screen = rows per page.
    pub page_rows: u64,
}

impl Default for DataState {
    fn default() -> Self {
        DataState {
            table: DataTable::Segments,
            settings: Default::default(),
            page: None,
            total: None,
            selected: 0,
            first_column: 0,
            prompt: None,
            pending: Pending::default(),
            page_rows: 16,
        }
    }
}

fn table_index(table: DataTable) -> usize {
    DataTable::ALL.iter().position(|t| *t == table).unwrap_or(0)
}

fn key(row: &[Value]) -> String {
    row.first().map(Value::as_text).unwrap_or_default()
}

impl DataState {
    /// The current table's sort and filter.
    pub fn settings(&self) -> &TableSettings {
        &self.settings[table_index(self.table)]
    }

    fn settings_mut(&mut self) -> &mut TableSettings {
        &mut self.settings[table_index(self.table)]
    }

    fn column_count(&self) -> usize {
        self.page.as_ref().map_or(1, |p| p.columns.len().max(1))
    }

    /// What the status line should say while a request is out.
    pub fn busy_text(&self) -> Option<String> {
        let text = self.pending.what().map(|p| match p.busy {
            Busy::Loading => "loading rows…",
            Busy::Sorting => "sorting…",
            Busy::Filtering => "filtering…",
        });
        text.map(str::to_string)
    }

    fn request(
        &mut self,
        start: PageStart,
        count_total: bool,
        select: Select,
        busy: Busy,
        ctx: &mut Ctx,
    ) {
        let s = self.settings();
        let query = PageQuery {
            sort_column: s.sort_column,
            dir: s.dir,
            filter: s.filter.clone(),
            start,
            limit: self.page_rows,
            count_total: count_total || self.total.is_none(),
        };
        let request = Request::Page {
            table: self.table,
            query,
        };
        self.pending.ask(ctx, request, PageWait { select, busy });
    }

    /// Reloads from the first row, recounting.
    pub fn reload(&mut self, ctx: &mut Ctx) {
        self.total = None;
        self.request(PageStart::First, true, Select::First, Busy::Loading, ctx);
    }

    /// The table body is now `rows` high: reload the page from its first row at the new size.
    pub fn resize(&mut self, body_rows: u16, ctx: &mut Ctx) {
        let rows = u64::from(body_rows.saturating_sub(VIEW_CHROME_ROWS).max(1));
        if rows == self.page_rows {
            return;
        }
        self.page_rows = rows;
        let Some(page) = &self.page else { return };
        let start = match page.rows.first() {
            Some(row) if page.offset > 0 => PageStart::At {
                key: key(row),
                offset: page.offset,
            },
            _ => PageStart::First,
        };
        self.request(start, false, Select::Keep, Busy::Loading, ctx);
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx) {
        if let Some(key) = self.prompt.as_mut().and_then(|t| prompt::edit(t, &action)) {
            return match key {
                Key::Submit => self.submit_filter(ctx),
                Key::Cancel => self.prompt = None,
                Key::Edited => {}
            };
        }
        match action {
            Action::NextTable => self.switch_table(1, ctx),
            Action::PrevTable => self.switch_table(DataTable::ALL.len() - 1, ctx),
            Action::OpenFilter => self.prompt = Some(self.settings().filter.clone()),
            Action::ClearFilter if !self.settings().filter.is_empty() => {
                self.prompt = Some(String::new());
                self.submit_filter(ctx);
            }
            Action::Left => self.first_column = self.first_column.saturating_sub(1),
            Action::Right => {
                self.first_column = (self.first_column + 1).min(self.column_count() - 1);
            }
            // A newer sort replaces the one in flight; moving waits for the page to arrive.
            Action::CycleSort => self.change_sort(true, ctx),
            Action::FlipSort => self.change_sort(false, ctx),
            _ if self.pending.is_loading() => {}
            a => self.navigate(a, ctx),
        }
    }

    /// Takes the worker's answer to this view's request.
    pub fn loaded(&mut self, seq: u64, answer: Answer, ctx: &mut Ctx) {
        let Answer::Page(result) = answer else {
            return;
        };
        let Some(wait) = self.pending.answered(seq) else {
            return;
        };
        match result {
            Ok(page) => self.show(page, wait.select),
            Err(e) => ctx.error(format!("{}: {e}", self.table.name())),
        }
    }

    fn show(&mut self, page: Page, select: Select) {
        let last = page.rows.len().saturating_sub(1);
        self.selected = match select {
            Select::Keep => self.selected.min(last),
            Select::First => 0,
            Select::Last => last,
        };
        if page.total.is_some() {
            self.total = page.total;
        }
        self.first_column = self.first_column.min(page.columns.len().saturating_sub(1));
        self.page = Some(page);
    }

    fn switch_table(&mut self, step: usize, ctx: &mut Ctx) {
        let n = DataTable::ALL.len();
        self.table = DataTable::ALL[(table_index(self.table) + step) % n];
        self.page = None;
        self.first_column = 0;
        self.prompt = None;
        self.reload(ctx);
    }

    fn submit_filter(&mut self, ctx: &mut Ctx) {
        let Some(text) = self.prompt.take() else {
            return;
        };
        self.settings_mut().filter = text.trim().to_string();
        self.total = None;
        self.request(PageStart::First, true, Select::First, Busy::Filtering, ctx);
    }

    fn change_sort(&mut self, next_column: bool, ctx: &mut Ctx) {
        let columns = self.column_count();
        let s = self.settings_mut();
        if next_column {
            s.sort_column = (s.sort_column + 1) % columns;
            s.dir = SortDir::Asc;
        } else {
            s.dir = s.dir.flip();
        }
        let slow = self.table == DataTable::Transactions && self.settings().sort_column != 0;
        let busy = if slow { Busy::Sorting } else { Busy::Loading };
        self.request(PageStart::First, false, Select::First, busy, ctx);
    }

    fn has_more(&self, page: &Page) -> bool {
        let end = page.offset + page.rows.len() as u64;
        self.total
            .map_or(page.rows.len() as u64 >= self.page_rows, |t| end < t)
    }

    fn navigate(&mut self, action: Action, ctx: &mut Ctx) {
        let Some(page) = &self.page else { return };
        let len = page.rows.len();
        let (Some(first), Some(last)) = (page.rows.first(), page.rows.last()) else {
            return;
        };
        let (first, last, offset) = (key(first), key(last), page.offset);
        let more = self.has_more(page);
        let end = offset + len as u64;
        let (start, select) = match action {
            Action::Down if self.selected + 1 < len => return self.selected += 1,
            Action::Down if more => (
                PageStart::After {
                    key: first,
                    offset: offset + 1,
                },
                Select::Last,
            ),
            Action::Up if self.selected > 0 => return self.selected -= 1,
            Action::Up if offset == 0 => return,
            Action::Up if end - 1 < self.page_rows => (PageStart::First, Select::First),
            Action::Up => (
                PageStart::Before {
                    key: last,
                    offset: end - 1,
                },
                Select::First,
            ),
            Action::PageDown if more => (
                PageStart::After {
                    key: last,
                    offset: end,
                },
                Select::Keep,
            ),
            Action::PageDown => return self.selected = len - 1,
            Action::PageUp if offset == 0 => return self.selected = 0,
            Action::PageUp if offset <= self.page_rows => (PageStart::First, Select::Keep),
            Action::PageUp => (PageStart::Before { key: first, offset }, Select::Keep),
            Action::Home if offset == 0 => return self.selected = 0,
            Action::Home => (PageStart::First, Select::First),
            Action::End if !more => return self.selected = len - 1,
            Action::End => match self.total {
                Some(total) => (PageStart::Last { total }, Select::Last),
                None => return,
            },
            _ => return,
        };
        self.request(start, false, select, Busy::Loading, ctx);
    }

    /// "rows 1–16 of 40,000", or why there are none.
    pub fn position(&self) -> String {
        let Some(page) = &self.page else {
            return "loading…".to_string();
        };
        let total = self.total.map(|t| fmt_int(t as i64));
        if page.rows.is_empty() {
            return page.note.clone().unwrap_or_else(|| "no rows".to_string());
        }
        let from = fmt_int(page.offset as i64 + 1);
        let to = fmt_int((page.offset + page.rows.len() as u64) as i64);
        match total {
            Some(t) => format!("rows {from}–{to} of {t}"),
            None => format!("rows {from}–{to}"),
        }
    }
}

/// Draws the Data view into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &DataState) {
    let [bar, body] = Layout::vertical([Constraint::Length(1), Constraint::Min(0)]).areas(area);
    frame.render_widget(Paragraph::new(table_bar(state)), bar);
    let title = format!(" {} · {} ", state.table.name(), state.position());
    let title_width = title.chars().count() as u16;
    let block = Block::default().borders(Borders::ALL).title(title);
    let Some(page) = &state.page else {
        frame.render_widget(Paragraph::new("").block(block), body);
        return;
    };
    let (table, cols) = rows_table(state, page, body.width.saturating_sub(2));
    // The column hint only when it fits beside the position.
    let block = match title_width + cols.chars().count() as u16 + 2 <= body.width {
        true => block.title(Line::from(cols).right_aligned()),
        false => block,
    };
    list::render_table(frame, body, table.block(block), state.selected);
}

fn table_bar(state: &DataState) -> Line<'static> {
    if let Some(text) = &state.prompt {
        let mut spans = vec![Span::raw(" ")];
        spans.extend(prompt::spans("filter", text));
        spans.push(Span::styled("  Enter apply · Esc cancel", theme::HINT));
        return Line::from(spans);
    }
    let mut spans = vec![Span::raw(" ")];
    for t in DataTable::ALL {
        let style = if t == state.table {
            theme::TAB_SELECTED
        } else {
            theme::TAB
        };
        spans.push(Span::styled(t.name(), style));
        spans.push(Span::raw("  "));
    }
    let s = state.settings();
    if !s.filter.is_empty() {
        spans.push(Span::styled(
            format!("filter '{}'", s.filter),
            theme::PROMPT,
        ));
    }
    Line::from(spans)
}

fn cell_text(v: &Value) -> String {
    match v {
        Value::Null => String::new(),
        Value::Int(n) => fmt_int(*n),
        Value::Real(x) => fmt_num(*x, 2),
        Value::Text(s) => s.clone(),
    }
}

/// The columns from `first_column` on that fit in `width` cells, each as wide as its widest
/// text (capped), so numbers are never cut.
fn fitted_columns(
    state: &DataState,
    page: &Page,
    texts: &[Vec<String>],
    width: u16,
) -> Vec<(usize, u16)> {
    let mut used = 0u16;
    let mut shown = Vec::new();
    for i in state.first_column..page.columns.len() {
        let cells = texts.iter().map(|r| r[i].chars().count());
        let arrow = if i == state.settings().sort_column {
            2
        } else {
            0
        };
        let header = page.columns[i].name.chars().count() + arrow;
        let w = cells.max().unwrap_or(0).max(header).clamp(3, 28) as u16;
        if used + w > width && !shown.is_empty() {
            break;
        }
        shown.push((i, w));
        used = used.saturating_add(w + 1);
    }
    shown
}

/// The table, and which columns it shows when not all of them fit ("cols 1–7 of 12 · h/l").
fn rows_table<'a>(state: &DataState, page: &'a Page, width: u16) -> (Table<'a>, String) {
    let s = state.settings();
    let texts: Vec<Vec<String>> = page
        .rows
        .iter()
        .map(|r| r.iter().map(cell_text).collect())
        .collect();
    let shown = fitted_columns(state, page, &texts, width);
    let header = Row::new(shown.iter().map(|&(i, _)| {
        let arrow = match (i == s.sort_column, s.dir) {
            (false, _) => "",
            (true, SortDir::Asc) => " ↑",
            (true, SortDir::Desc) => " ↓",
        };
        format!("{}{arrow}", page.columns[i].name)
    }))
    .style(theme::HEADER);
    let widths: Vec<Constraint> = shown.iter().map(|&(_, w)| Constraint::Length(w)).collect();
    let rows = texts.into_iter().map(|r| {
        Row::new(shown.iter().map(|&(i, _)| match page.columns[i].numeric {
            true => Line::raw(r[i].clone()).right_aligned(),
            false => Line::raw(r[i].clone()),
        }))
    });
    let cols = match (shown.first(), shown.last()) {
        (Some(a), Some(b)) if shown.len() < page.columns.len() => {
            format!(
                " cols {}–{} of {} · h/l ",
                a.0 + 1,
                b.0 + 1,
                page.columns.len()
            )
        }
        _ => String::new(),
    };
    let table = Table::new(rows, widths).header(header);
    (table, cols)
}
