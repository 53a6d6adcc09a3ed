//! `pricebench info`: the Overview's numbers as `metric,value` rows (table, CSV or JSON).

use crate::cli::Format;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use crate::store::query::{self, Overview};
use anyhow::{Context, Result};
use std::io::Write;

/// Prints the Overview's numbers: one `metric,value` row per number, segments and elements
/// included as `segment.<id>.<measure>` and `element.<column>` metrics.
pub fn run(format: Format, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let overview = query::overview(ws).context("cannot read the workspace overview")?;
    report(&overview).write(format, out)
}

/// The Overview as a two-column `metric,value` report.
pub fn report(o: &Overview) -> Report {
    let mut r = Report::new(&["metric", "value"]);
    let mut add = |metric: &str, value: Cell| r.push(vec![Cell::Text(metric.to_string()), value]);
    add("segments", Cell::Int(o.segments));
    add("customers", Cell::Int(o.customers));
    add("products", Cell::Int(o.products));
    add("transactions", Cell::Int(o.transactions));
    add("quotes", Cell::Int(o.quotes));
    add("survey_answers", Cell::Int(o.survey_answers));
    add("first_date", Cell::opt_text(o.first_date.as_deref()));
    add("last_date", Cell::opt_text(o.last_date.as_deref()));
    match o.mixed_units {
        true => add("quantity", Cell::Text("mixed units".into())),
        false => add("quantity", Cell::money(o.quantity)),
    }
    add("list_revenue", Cell::money(o.list_revenue));
    add("invoice_revenue", Cell::money(o.invoice_revenue));
    add("pocket_revenue", Cell::money(o.pocket_revenue));
    add("cost", Cell::money(o.cost));
    add("realization_pct", Cell::pct(o.realization_pct));
    if let Some(c) = &o.currency {
        add("currency", Cell::Text(c.clone()));
    }
    for p in &o.fx_pairs {
        let span = match p.rates {
            1 => format!("1 rate from {}", p.first_date),
            n => format!("{n} rates from {} to {}", p.first_date, p.last_date),
        };
        add(&format!("fx.{}.{}", p.from, p.to), Cell::Text(span));
    }
    for s in &o.by_segment {
        let id = &s.segment_id;
        add(&format!("segment.{id}.customers"), Cell::Int(s.customers));
        add(
            &format!("segment.{id}.list_revenue"),
            Cell::money(s.list_revenue),
        );
        add(
            &format!("segment.{id}.pocket_revenue"),
            Cell::money(s.pocket_revenue),
        );
        add(
            &format!("segment.{id}.pocket_share_pct"),
            Cell::pct(s.pocket_share_pct),
        );
        add(
            &format!("segment.{id}.realization_pct"),
            Cell::pct(s.realization_pct),
        );
    }
    for e in &o.elements {
        add(&format!("element.{}", e.column), Cell::money(e.total));
    }
    if o.aggregates_only {
        add("lines", Cell::Text("none (aggregates only)".into()));
    }
    if let Some(i) = &o.last_import {
        add("last_import_file", Cell::Text(i.file.clone()));
        add("last_import_at", Cell::Text(i.imported_at.clone()));
    }
    r
}
