//! View 1, Overview: what the workspace holds — counts, dates, revenue at list, invoice and
//! pocket, price realization, the segments with their share of pocket revenue, the elements.

use super::boxed;
use crate::report::{fmt_int, fmt_money, fmt_pct};
use crate::store::query::Overview;
use crate::tui::ctx::{Ctx, Pending};
use crate::tui::theme;
use crate::tui::widgets::share_bar::share_bar;
use crate::tui::worker::{Answer, Request};
use ratatui::Frame;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::Line;
use ratatui::widgets::{Paragraph, Row, Table};

/// The Overview's state: the numbers once loaded.
#[derive(Debug, Default)]
pub struct OverviewState {
    pub data: Option<Overview>,
    pub loading: Pending<()>,
}

impl OverviewState {
    /// Asks the worker for the numbers.
    pub fn load(&mut self, ctx: &mut Ctx) {
        self.loading.ask(ctx, Request::Overview, ());
    }

    /// What the status line says while the numbers load.
    pub fn busy_text(&self) -> Option<String> {
        self.loading.what().map(|_| "loading overview…".to_string())
    }

    /// Takes the worker's answer to this view's request.
    pub fn loaded(&mut self, seq: u64, answer: Answer, ctx: &mut Ctx) {
        let Answer::Overview(result) = answer else {
            return;
        };
        if self.loading.answered(seq).is_some() {
            match result {
                Ok(o) => self.data = Some(o),
                Err(e) => ctx.error(format!("overview: {e}")),
            }
        }
    }
}

/// Draws the Overview into `area`.
pub fn render(frame: &mut Frame, area: Rect, state: &OverviewState) {
    let Some(o) = &state.data else {
        let text = if state.loading.is_loading() {
            "loading…"
        } else {
            "no data"
        };
        frame.render_widget(Paragraph::new(text), area);
        return;
    };
    if area.width < 72 {
        // Too narrow for boxes side by side: the key numbers in one list, most important first.
        let mut rows = revenue_rows(o);
        rows.extend(count_rows(o));
        frame.render_widget(label_value(rows, titled("Overview", o)), area);
        return;
    }
    let [top, bottom] = Layout::vertical([Constraint::Length(10), Constraint::Min(0)]).areas(area);
    let [counts, revenue] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    frame.render_widget(label_value(count_rows(o), "Workspace".into()), counts);
    frame.render_widget(label_value(revenue_rows(o), titled("Revenue", o)), revenue);
    let (elements, elements_width) = elements_table(o);
    let [segments, elements_area] = Layout::horizontal([
        Constraint::Min(30),
        Constraint::Length(elements_width.min(area.width / 2)),
    ])
    .areas(bottom);
    frame.render_widget(
        segments_table(o, segments.width.saturating_sub(2)),
        segments,
    );
    frame.render_widget(elements, elements_area);
}

/// Labels on the left, values right-aligned; the values get their full width first, so a
/// narrow box cuts labels, never numbers.
fn label_value(rows: Vec<(&'static str, String)>, title: String) -> Table<'static> {
    let value_width = rows
        .iter()
        .map(|(_, v)| v.chars().count())
        .max()
        .unwrap_or(0) as u16;
    let rows = rows.into_iter().map(|(label, value)| {
        Row::new(vec![
            Line::styled(label, theme::LABEL),
            Line::styled(value, theme::VALUE).right_aligned(),
        ])
    });
    let widths = [Constraint::Fill(1), Constraint::Length(value_width)];
    Table::new(rows, widths).block(boxed(title))
}

/// A box title naming the reporting currency, when the workspace has one: `Revenue (EUR)`.
fn titled(title: &str, o: &Overview) -> String {
    format!("{title}{}", super::currency_note(o.currency.as_deref()))
}

fn count_rows(o: &Overview) -> Vec<(&'static str, String)> {
    let date = |d: &Option<String>| d.clone().unwrap_or_else(|| "–".to_string());
    vec![
        ("Segments", fmt_int(o.segments)),
        ("Customers", fmt_int(o.customers)),
        ("Products", fmt_int(o.products)),
        ("Transactions", fmt_int(o.transactions)),
        ("Quotes", fmt_int(o.quotes)),
        ("Survey answers", fmt_int(o.survey_answers)),
        ("First date", date(&o.first_date)),
        ("Last date", date(&o.last_date)),
    ]
}

fn revenue_rows(o: &Overview) -> Vec<(&'static str, String)> {
    // "2024-04-01T09:00:00Z" → "2024-04-01 09:00"
    let last = o.last_import.as_ref().map_or("–".to_string(), |i| {
        i.imported_at
            .chars()
            .take(16)
            .collect::<String>()
            .replace('T', " ")
    });
    vec![
        ("Realization", fmt_pct(o.realization_pct)),
        ("List revenue", fmt_money(o.list_revenue)),
        ("Invoice revenue", fmt_money(o.invoice_revenue)),
        ("Pocket revenue", fmt_money(o.pocket_revenue)),
        ("Cost", fmt_money(o.cost)),
        ("Gross margin", fmt_money(o.pocket_revenue - o.cost)),
        (
            "Quantity",
            match o.mixed_units {
                true => "mixed units".to_string(),
                false => fmt_money(o.quantity),
            },
        ),
        ("Last import", last),
    ]
}

/// Width of the widest of `texts` and `header`.
fn fit<'a>(header: &str, texts: impl Iterator<Item = &'a String>) -> u16 {
    texts
        .map(|t| t.chars().count())
        .chain([header.chars().count()])
        .max()
        .unwrap_or(0) as u16
}

/// The segments with their share of pocket revenue; the bar, then the customer count, make
/// way when `width` is too small for every number.
fn segments_table(o: &Overview, width: u16) -> Table<'static> {
    let headers = ["Segment", "Cust.", "Pocket rev.", "Share", "", "Real."];
    let cells: Vec<Vec<String>> = o
        .by_segment
        .iter()
        .map(|s| {
            vec![
                s.name.clone(),
                fmt_int(s.customers),
                fmt_money(s.pocket_revenue),
                fmt_pct(s.pocket_share_pct),
                share_bar(s.pocket_share_pct, 6),
                fmt_pct(s.realization_pct),
            ]
        })
        .collect();
    let mut shown: Vec<(usize, u16)> = (1..6)
        .map(|i| (i, fit(headers[i], cells.iter().map(|c| &c[i]))))
        .collect();
    shown[3].1 = 6;
    for drop in [4, 1] {
        let need: u16 = shown.iter().map(|(_, w)| w + 1).sum::<u16>() + 10;
        if need > width {
            shown.retain(|(i, _)| *i != drop);
        }
    }
    let widths = std::iter::once(Constraint::Fill(1))
        .chain(shown.iter().map(|(_, w)| Constraint::Length(*w)));
    let header = std::iter::once(headers[0]).chain(shown.iter().map(|(i, _)| headers[*i]));
    let rows = cells.into_iter().map(|c| {
        let name = Line::raw(c[0].clone());
        Row::new(
            std::iter::once(name).chain(shown.iter().map(|(i, _)| match i {
                4 => Line::styled(c[4].clone(), theme::BAR),
                _ => Line::raw(c[*i].clone()).right_aligned(),
            })),
        )
    });
    Table::new(rows, widths.collect::<Vec<_>>())
        .header(Row::new(header).style(theme::HEADER))
        .block(boxed("Segments · share of pocket revenue".into()))
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
        .block(boxed("Elements".into()));
    (table, w.iter().sum::<u16>() + 4)
}
