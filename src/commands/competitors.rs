//! `pricebench competitors`: the price index of our invoice and pocket prices against each
//! competitor's price for the equivalent product, per month or as latest and trend.

use crate::cli::{CompetitorsArgs, CompetitorsBy, CompetitorsShow};
use crate::date::Date;
use crate::model::competitor::{IndexMonth, IndexSummary};
use crate::report::{Cell, Report};
use crate::store::Workspace;
use anyhow::{Context, Result};
use std::io::Write;

pub fn run(args: &CompetitorsArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let date = |flag: &str, v: &Option<String>| -> Result<Option<Date>> {
        v.as_deref()
            .map(|s| s.parse().with_context(|| flag.to_string()))
            .transpose()
    };
    let (from, to) = (date("--from", &args.from)?, date("--to", &args.to)?);
    if let (Some(f), Some(t)) = (from, to)
        && f > t
    {
        anyhow::bail!("--from '{f}' is after --to '{t}'");
    }
    let by_segment = args.by == CompetitorsBy::SegmentProduct;
    let index = crate::analysis::competitors::price_index(ws, by_segment, from, to)
        .context("cannot read the competitor prices")?;
    let report = match args.show {
        CompetitorsShow::Summary => summary_report(&index.summaries, by_segment),
        CompetitorsShow::Months => months_report(&index.months, by_segment),
    };
    let period = crate::store::competitors::period_used(ws, from, to)
        .context("cannot read the competitor prices")?;
    let money = [
        "competitor_price",
        "list_price",
        "invoice_price",
        "pocket_price",
    ];
    report
        .with_period(period)
        .with_currency(crate::store::query::reporting_currency(ws)?, &money)
        .write(args.format.format, out)
}

const SUMMARY: [&str; 17] = [
    "segment_id",
    "product_id",
    "competitor",
    "competitor_product",
    "months",
    "first_month",
    "latest_month",
    "competitor_price",
    "list_price",
    "invoice_price",
    "pocket_price",
    "list_index",
    "invoice_index",
    "pocket_index",
    "list_trend_per_year",
    "invoice_trend_per_year",
    "pocket_trend_per_year",
];

const MONTHS: [&str; 12] = [
    "segment_id",
    "product_id",
    "competitor",
    "competitor_product",
    "month",
    "competitor_price",
    "list_price",
    "invoice_price",
    "pocket_price",
    "list_index",
    "invoice_index",
    "pocket_index",
];

/// The columns, without `segment_id` at the product level.
fn columns<'a>(all: &'a [&'a str], by_segment: bool) -> &'a [&'a str] {
    match by_segment {
        true => all,
        false => &all[1..],
    }
}

fn index(v: f64) -> Cell {
    Cell::Num {
        value: v,
        decimals: 1,
    }
}

fn series(m: &IndexMonth, by_segment: bool) -> Vec<Cell> {
    let mut row = Vec::with_capacity(SUMMARY.len());
    if by_segment {
        row.push(Cell::opt_text(m.segment_id.as_deref()));
    }
    row.extend([
        Cell::Text(m.product_id.clone()),
        Cell::Text(m.competitor.clone()),
        Cell::Text(m.competitor_product.clone()),
    ]);
    row
}

/// One row per series: the months priced, the latest month's prices and index, the trend.
pub fn summary_report(rows: &[IndexSummary], by_segment: bool) -> Report {
    let mut r = Report::new(columns(&SUMMARY, by_segment));
    for s in rows {
        let m = &s.latest;
        let mut row = series(m, by_segment);
        row.extend([
            Cell::Int(s.months as i64),
            Cell::Text(s.first_month.clone()),
            Cell::Text(m.month.clone()),
            Cell::money(m.competitor_price),
            Cell::money(m.list_price),
            Cell::money(m.invoice_price),
            Cell::money(m.pocket_price),
            index(m.list_index),
            index(m.invoice_index),
            index(m.pocket_index),
            s.list_trend_per_year.map_or(Cell::Empty, index),
            s.invoice_trend_per_year.map_or(Cell::Empty, index),
            s.pocket_trend_per_year.map_or(Cell::Empty, index),
        ]);
        r.push(row);
    }
    r
}

/// One row per series and month.
pub fn months_report(rows: &[IndexMonth], by_segment: bool) -> Report {
    let mut r = Report::new(columns(&MONTHS, by_segment));
    for m in rows {
        let mut row = series(m, by_segment);
        row.extend([
            Cell::Text(m.month.clone()),
            Cell::money(m.competitor_price),
            Cell::money(m.list_price),
            Cell::money(m.invoice_price),
            Cell::money(m.pocket_price),
            index(m.list_index),
            index(m.invoice_index),
            index(m.pocket_index),
        ]);
        r.push(row);
    }
    r
}
