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
    let [top, bottom] = Layout::vertical([Constraint::Length(9), Constraint::Min(0)]).areas(area);
    let [counts, revenue] =
        Layout::horizontal([Constraint::Percentage(45), Constraint::Percentage(55)]).areas(top);
    let [segments, elements] =
        Layout::horizontal([Constraint::Min(30), Constraint::Length(30)]).areas(bottom);
    frame.render_widget(counts_table(o), counts);
    frame.render_widget(revenue_table(o), revenue);
    frame.render_widget(segments_table(o), segments);
    frame.render_widget(elements_table(o), elements);
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
    Table::new(rows, [Constraint::Length(16), Constraint::Min(0)]).block(boxed(title))
}

fn counts_table(o: &Overview) -> Table<'static> {
    let dates = match (&o.first_date, &o.last_date) {
        (Some(a), Some(b)) => format!("{a} – {b}"),
        _ => "–".to_string(),
    };
    label_value(
        vec![
            ("Segments", fmt_int(o.segments)),
            ("Customers", fmt_int(o.customers)),
            ("Products", fmt_int(o.products)),
            ("Transactions", fmt_int(o.transactions)),
            ("Quotes", fmt_int(o.quotes)),
            ("Survey answers", fmt_int(o.survey_answers)),
            ("Dates", dates),
        ],
        "Workspace",
    )
}

fn revenue_table(o: &Overview) -> Table<'static> {
    let last = o.last_import.as_ref().map_or("–".to_string(), |i| {
        format!("{} {}", i.file, i.imported_at)
    });
    label_value(
        vec![
            ("Quantity", fmt_money(o.quantity)),
            ("List revenue", fmt_money(o.list_revenue)),
            ("Invoice revenue", fmt_money(o.invoice_revenue)),
            ("Pocket revenue", fmt_money(o.pocket_revenue)),
            ("Cost", fmt_money(o.cost)),
            ("Realization", fmt_pct(o.realization_pct)),
            ("Last import", last),
        ],
        "Revenue",
    )
}

fn segments_table(o: &Overview) -> Table<'static> {
    let header =
        Row::new(["Segment", "Cust.", "Pocket rev.", "Share", "", "Real."]).style(theme::HEADER);
    let rows = o.by_segment.iter().map(|s| {
        Row::new(vec![
            Line::raw(s.name.clone()),
            Line::raw(fmt_int(s.customers)).right_aligned(),
            Line::raw(fmt_money(s.pocket_revenue)).right_aligned(),
            Line::raw(fmt_pct(s.pocket_share_pct)).right_aligned(),
            Line::styled(share_bar(s.pocket_share_pct, 8), theme::BAR),
            Line::raw(fmt_pct(s.realization_pct)).right_aligned(),
        ])
    });
    let widths = [
        Constraint::Min(8),
        Constraint::Length(5),
        Constraint::Length(12),
        Constraint::Length(6),
        Constraint::Length(8),
        Constraint::Length(6),
    ];
    Table::new(rows, widths)
        .header(header)
        .block(boxed("Segments · share of pocket revenue"))
}

fn elements_table(o: &Overview) -> Table<'static> {
    let header = Row::new(["Element", "Total", "% list"]).style(theme::HEADER);
    let rows = o.elements.iter().map(|e| {
        let share = (o.list_revenue != 0.0).then(|| e.total / o.list_revenue * 100.0);
        Row::new(vec![
            Line::raw(e.column.clone()),
            Line::raw(fmt_money(e.total)).right_aligned(),
            Line::raw(fmt_pct(share)).right_aligned(),
        ])
    });
    let widths = [
        Constraint::Min(6),
        Constraint::Length(11),
        Constraint::Length(6),
    ];
    Table::new(rows, widths)
        .header(header)
        .block(boxed("Elements"))
}
