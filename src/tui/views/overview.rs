//! View 1, Overview: what the workspace holds — counts, dates, revenue at list, invoice and
//! pocket, price realization, the segments with their share of pocket revenue, the elements.

use crate::report::{fmt_int, fmt_money, fmt_pct};
use crate::store::query::Overview;
use crate::tui::action::Action;
use crate::tui::app::{Ctx, Status};
use crate::tui::theme;
use crate::tui::widgets::share_bar::share_bar;
use crate::tui::worker::Request;
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Block, Borders, Paragraph, Row, Table};

/// The Overview's state: the numbers once loaded.
#[derive(Debug, Default)]
pub struct OverviewState {
    pub data: Option<Overview>,
    /// The sequence number of the request in flight.
    pub loading: Option<u64>,
}

impl OverviewState {
    /// Asks the worker for the numbers.
    pub fn load(&mut self, ctx: &mut Ctx) {
        self.loading = Some(ctx.jobs.request(Request::Overview));
    }

    pub fn update(&mut self, action: Action, ctx: &mut Ctx) {
        if let Action::OverviewLoaded(seq, result) = action {
            if self.loading != Some(seq) {
                return;
            }
            self.loading = None;
            match *result {
                Ok(o) => self.data = Some(o),
                Err(e) => *ctx.message = Some(Status::Error(format!("overview: {e}"))),
            }
        }
    }
}

/// Draws the Overview into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &OverviewState) {
    let Some(o) = &state.data else {
        let text = if state.loading.is_some() {
            "loading…"
        } else {
            "no data"
        };
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    let [top, bottom] = Layout::vertical([Constraint::Length(10), Constraint::Min(0)]).areas(area);
    let [counts, revenue] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    frame.render_widget(counts_table(o), counts);
    frame.render_widget(revenue_table(o), revenue);
    let (elements, elements_width) = elements_table(o);
    let [segments, elements_area] = Layout::horizontal([
        Constraint::Min(30),
        Constraint::Length(elements_width.min(area.width / 2)),
    ])
    .areas(bottom);
    frame.render_widget(segments_table(o), segments);
    frame.render_widget(elements, elements_area);
}

fn boxed(title: &str) -> Block<'_> {
    Block::default()
        .borders(Borders::ALL)
        .title(format!(" {title} "))
}

fn label_value(rows: Vec<(&'static str, String)>, title: &'static str) -> Table<'static> {
    let rows = rows.into_iter().map(|(label, value)| {
        Row::new(vec![
            Line::styled(label, theme::LABEL),
            Line::styled(value, theme::VALUE).right_aligned(),
        ])
    });
    Table::new(rows, [Constraint::Length(15), Constraint::Fill(1)]).block(boxed(title))
}

fn counts_table(o: &Overview) -> Table<'static> {
    let date = |d: &Option<String>| d.clone().unwrap_or_else(|| "–".to_string());
    label_value(
        vec![
            ("Segments", fmt_int(o.segments)),
            ("Customers", fmt_int(o.customers)),
            ("Products", fmt_int(o.products)),
            ("Transactions", fmt_int(o.transactions)),
            ("Quotes", fmt_int(o.quotes)),
            ("Survey answers", fmt_int(o.survey_answers)),
            ("First date", date(&o.first_date)),
            ("Last date", date(&o.last_date)),
        ],
        "Workspace",
    )
}

fn revenue_table(o: &Overview) -> Table<'static> {
    // "2024-04-01T09:00:00Z" → "2024-04-01 09:00"
    let last = o.last_import.as_ref().map_or("–".to_string(), |i| {
        i.imported_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " ")
    });
    label_value(
        vec![
            ("Quantity", fmt_money(o.quantity)),
            ("List revenue", fmt_money(o.list_revenue)),
            ("Invoice revenue", fmt_money(o.invoice_revenue)),
            ("Pocket revenue", fmt_money(o.pocket_revenue)),
            ("Cost", fmt_money(o.cost)),
            ("Realization", fmt_pct(o.realization_pct)),
            ("Gross margin", fmt_money(o.pocket_revenue - o.cost)),
            ("Last import", last),
        ],
        "Revenue",
    )
}

/// Width of the widest of `texts` and `header`.
fn fit<'a>(header: &str, texts: impl Iterator<Item = &'a String>) -> u16 {
    texts
        .map(|t| t.chars().count())
        .chain([header.chars().count()])
        .max()
        .unwrap_or(0) as u16
}

fn segments_table(o: &Overview) -> Table<'static> {
    let headers = ["Segment", "Cust.", "Pocket rev.", "Share", "", "Real."];
    let cells: Vec<[String; 6]> = o
        .by_segment
        .iter()
        .map(|s| {
            [
                s.name.clone(),
                fmt_int(s.customers),
                fmt_money(s.pocket_revenue),
                fmt_pct(s.pocket_share_pct),
                share_bar(s.pocket_share_pct, 6),
                fmt_pct(s.realization_pct),
            ]
        })
        .collect();
    let mut widths: Vec<Constraint> = (1..6)
        .map(|i| Constraint::Length(fit(headers[i], cells.iter().map(|c| &c[i]))))
        .collect();
    widths[3] = Constraint::Length(6);
    widths.insert(0, Constraint::Min(8));
    let rows = cells
        .into_iter()
        .map(|[name, cust, pocket, share, bar, real]| {
            Row::new(vec![
                Line::raw(name),
                Line::raw(cust).right_aligned(),
                Line::raw(pocket).right_aligned(),
                Line::raw(share).right_aligned(),
                Line::styled(bar, theme::BAR),
                Line::raw(real).right_aligned(),
            ])
        });
    Table::new(rows, widths)
        .header(Row::new(headers).style(theme::HEADER))
        .block(boxed("Segments · share of pocket revenue"))
}

/// The elements with their totals and share of list revenue, and the width they need.
fn elements_table(o: &Overview) -> (Table<'static>, u16) {
    let cells: Vec<[String; 3]> = o
        .elements
        .iter()
        .map(|e| {
            let share = (o.list_revenue != 0.0).then(|| e.total / o.list_revenue * 100.0);
            [e.column.clone(), fmt_money(e.total), fmt_pct(share)]
        })
        .collect();
    let headers = ["Element", "Total", "% list"];
    let w: Vec<u16> = (0..3)
        .map(|i| fit(headers[i], cells.iter().map(|c| &c[i])))
        .collect();
    let rows = cells.into_iter().map(|[name, total, share]| {
        Row::new(vec![
            Line::raw(name),
            Line::raw(total).right_aligned(),
            Line::raw(share).right_aligned(),
        ])
    });
    let widths = [
        Constraint::Min(w[0]),
        Constraint::Length(w[1]),
        Constraint::Length(w[2]),
    ];
    let table = Table::new(rows, widths)
        .header(Row::new(headers).style(theme::HEADER))
        .block(boxed("Elements"));
    (table, w.iter().sum::<u16>() + 4)
}
