//! The Increase sub-view of Realization (`i`): the list-price changes found in the data and how
//! much of each reached the invoice and the pocket on the same customers (30 days before vs
//! after), the overall summary sentence, and the customers of the selected change (or of all)
//! ranked by what leaked.

use super::boxed;
use crate::realization::increase::{ChangeRealization, Realized, leak_ranking, overall, sentence};
use crate::realization::sums::GroupKey;
use crate::report::{fmt_money, fmt_pct};
use crate::tui::action::Action;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::list;
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table, Wrap};

/// The Increase sub-view's state.
#[derive(Debug, Default)]
pub struct IncreaseState {
    pub results: Option<Vec<ChangeRealization>>,
    pub loading: Pending<()>,
    /// 0: all changes; i: the change i − 1.
    pub selected: usize,
    /// The selection's customers, most leaked first.
    pub ranking: Vec<(GroupKey, Realized)>,
}

impl IncreaseState {
    /// Asks the worker for the changes and their realization.
    pub fn load(&mut self, ctx: &mut Ctx) {
        *self = IncreaseState::default();
        self.loading.ask(ctx, Request::Increase, ());
    }

    /// Takes the worker's answer; false when it was not this view's.
    pub fn loaded(&mut self, seq: u64, answer: &Answer, ctx: &mut Ctx) -> bool {
        let Answer::Increase(result) = answer else {
            return false;
        };
        if self.loading.answered(seq).is_none() {
            return true;
        }
        match result {
            Ok(r) => self.results = Some(r.clone()),
            Err(e) => ctx.error(format!("increase: {e}")),
        }
        self.refresh();
        true
    }

    /// Applies a key; false when the sub-view should close (Esc).
    pub fn update(&mut self, action: Action) -> bool {
        let n = self.results.as_ref().map_or(0, |r| r.len() + 1);
        if let Some(moved) = list::moved(self.selected, n, &action) {
            self.selected = moved;
            self.refresh();
            return true;
        }
        !matches!(action, Action::Back | Action::Left)
    }

    fn refresh(&mut self) {
        let Some(results) = &self.results else {
            return;
        };
        self.ranking = match self.selected {
            0 => leak_ranking(results),
            i => leak_ranking(&results[i - 1..i]),
        };
    }

    /// The selection's totals: every change, or the selected one.
    fn selection(&self) -> Option<Realized> {
        let results = self.results.as_ref()?;
        match self.selected {
            0 => Some(overall(results)),
            i => results.get(i - 1).map(|r| r.total.clone()),
        }
    }
}

/// Draws the Increase sub-view.
pub fn render(frame: &mut Frame, area: Rect, state: &IncreaseState) {
    let Some(results) = &state.results else {
        frame.render_widget(Paragraph::new("finding the list-price changes…"), area);
        return;
    };
    // Two lines of summary: the sentence wraps at 80 columns and must be read whole.
    let [summary, changes, customers] = Layout::vertical([
        Constraint::Length(4),
        Constraint::Percentage(50),
        Constraint::Min(3),
    ])
    .areas(area);
    let text = match (results.is_empty(), state.selection()) {
        (true, _) => "no list-price change found in the data".to_string(),
        (false, Some(r)) => sentence(&r),
        (false, None) => String::new(),
    };
    let block = boxed("Increase realization · 30 days before vs after, like for like".into());
    frame.render_widget(
        Paragraph::new(text).wrap(Wrap { trim: true }).block(block),
        summary,
    );
    render_changes(frame, changes, state, results);
    render_customers(frame, customers, state);
}

fn level_cells(r: &Realized) -> [String; 5] {
    [
        fmt_pct(r.list_pct()),
        fmt_pct(r.invoice_pct()),
        fmt_pct(r.pocket_pct()),
        fmt_pct(r.leaked_pct()),
        r.mostly_through()
            .filter(|_| r.leaked() > 0.0)
            .unwrap_or("")
            .to_string(),
    ]
}

fn render_changes(
    frame: &mut Frame,
    area: Rect,
    state: &IncreaseState,
    results: &[ChangeRealization],
) {
    let all = overall(results);
    let first = std::iter::once((
        "All changes".to_string(),
        String::new(),
        fmt_pct(all.announced_pct()),
        level_cells(&all),
    ));
    let rows = first
        .chain(results.iter().map(|c| {
            (
                c.change.product_id.clone(),
                c.change.effective.to_string(),
                fmt_pct(Some(c.change.pct)),
                level_cells(&c.total),
            )
        }))
        .map(|(name, date, pct, cells)| {
            let numbers = [
                pct,
                cells[0].clone(),
                cells[1].clone(),
                cells[2].clone(),
                cells[3].clone(),
            ];
            Row::new(
                [Line::raw(name), Line::raw(date)]
                    .into_iter()
                    .chain(numbers.into_iter().map(|c| Line::raw(c).right_aligned()))
                    .chain([Line::raw(cells[4].clone())]),
            )
        });
    let headers = [
        "Product",
        "Effective",
        "Change",
        "List",
        "Invoice",
        "Pocket",
        "Leaked",
        "Mostly through",
    ];
    // The product column as wide as the longest id (and "All changes"), so the element
    // names in the last column are not cut at 80 columns.
    let id = results
        .iter()
        .map(|c| c.change.product_id.chars().count())
        .max()
        .unwrap_or(0)
        .max("All changes".len()) as u16;
    let widths = [
        Constraint::Length(id),
        Constraint::Length(10),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(7),
        Constraint::Length(8),
        Constraint::Fill(1),
    ];
    let title = format!("{} list-price changes · ↑↓ picks", results.len());
    let table = Table::new(rows, widths)
        .header(Row::new(headers).style(theme::HEADER))
        .block(boxed(title));
    list::render_table(frame, area, table, state.selected);
}

fn render_customers(frame: &mut Frame, area: Rect, state: &IncreaseState) {
    let rows = state.ranking.iter().enumerate().map(|(i, (key, r))| {
        let numbers = [
            (i + 1).to_string(),
            fmt_pct(r.realized_share_pct()),
            fmt_pct(r.pocket_pct()),
            fmt_money(r.leaked()),
        ];
        Row::new(
            [
                Line::raw(key.customer_id.clone().unwrap_or_default()),
                Line::raw(key.segment_id.clone().unwrap_or_default()),
            ]
            .into_iter()
            .chain(numbers.into_iter().map(|c| Line::raw(c).right_aligned()))
            .chain([Line::raw(
                r.mostly_through()
                    .filter(|_| r.leaked() > 0.0)
                    .unwrap_or("")
                    .to_string(),
            )]),
        )
    });
    let headers = [
        "Customer",
        "Segment",
        "Rank",
        "Realized",
        "Pocket",
        "Leaked",
        "Mostly through",
    ];
    let widths = [
        Constraint::Length(10),
        Constraint::Length(10),
        Constraint::Length(5),
        Constraint::Length(9),
        Constraint::Length(7),
        Constraint::Length(12),
        Constraint::Fill(1),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(headers).style(theme::HEADER))
        .block(boxed("Customers where the increase leaked most".into()));
    frame.render_widget(table, area);
}
