//! `pricebench increase`: how much of each list-price increase was realized at list, invoice and
//! pocket on the same customers, who leaked most, and the totals per segment and overall.

use crate::analysis::bridge::{IncreaseOptions, families, increase_realization};
use crate::cli::{IncreaseArgs, IncreaseShow};
use crate::date::Date;
use crate::realization::increase::{
    ChangeRealization, Realized, leak_ranking, overall, sentence, totals_by,
};
use crate::realization::price_changes::parse_price_changes;
use crate::realization::sums::GroupKey;
use crate::report::{Cell, Report};
use crate::store::Workspace;
use anyhow::{Context, Result};
use std::io::Write;

/// Prints the table `--show` asks for.
pub fn run(args: &IncreaseArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let results = compute(args, ws)?;
    let report = match args.show {
        IncreaseShow::Changes => changes_report(&results),
        IncreaseShow::Customers => customers_report(&results, args.top),
        IncreaseShow::Segments => segments_report(&results),
    };
    // The windows: `window` days before each change's effective date and from it on.
    let w = i32::from(args.window).max(1);
    let from = results
        .iter()
        .map(|c| c.change.effective.add_days(-w))
        .min();
    let to = results
        .iter()
        .map(|c| c.change.effective.add_days(w - 1))
        .max();
    let period = match (from, to) {
        (Some(f), Some(t)) => crate::store::query::period_used(ws, Some(f), Some(t), None)?,
        _ => None,
    };
    report.with_period(period).write(args.format.format, out)
}

/// The realization of the changes the arguments select.
pub fn compute(args: &IncreaseArgs, ws: &Workspace) -> Result<Vec<ChangeRealization>> {
    let effective = args
        .effective
        .as_deref()
        .map(|s| s.parse::<Date>().context("--effective"))
        .transpose()?;
    let announced = match &args.announced {
        None => None,
        Some(path) => {
            let name = path.display().to_string();
            let text =
                std::fs::read_to_string(path).with_context(|| format!("cannot read '{name}'"))?;
            let products = families(ws)?;
            Some(parse_price_changes(&name, &text, &products).map_err(anyhow::Error::msg)?)
        }
    };
    let options = IncreaseOptions {
        effective,
        announced,
        window_days: i32::from(args.window),
    };
    Ok(increase_realization(ws, &options)?)
}

/// The level columns every table shares.
const LEVELS: [&str; 9] = [
    "pairs",
    "volume",
    "announced_pct",
    "list_pct",
    "invoice_pct",
    "pocket_pct",
    "leaked_pct",
    "leaked",
    "mostly_through",
];

fn level_cells(r: &Realized) -> Vec<Cell> {
    vec![
        Cell::Int(r.pairs as i64),
        Cell::money(r.weight),
        Cell::pct(r.announced_pct()),
        Cell::pct(r.list_pct()),
        Cell::pct(r.invoice_pct()),
        Cell::pct(r.pocket_pct()),
        Cell::pct(r.leaked_pct()),
        Cell::money(r.leaked()),
        Cell::opt_text(r.mostly_through().filter(|_| r.leaked() > 0.0)),
    ]
}

fn columns<'a>(first: &[&'a str]) -> Vec<&'a str> {
    let mut c = first.to_vec();
    c.extend(LEVELS);
    c
}

/// One row per change.
pub fn changes_report(results: &[ChangeRealization]) -> Report {
    let mut r = Report::new(&columns(&[
        "product_id",
        "effective_date",
        "source",
        "change_pct",
        "unmatched",
    ]));
    for c in results {
        let mut cells = vec![
            Cell::Text(c.change.product_id.clone()),
            Cell::Text(c.change.effective.to_string()),
            Cell::Text(c.change.source.as_str().to_string()),
            Cell::Num {
                value: c.change.pct,
                decimals: 2,
            },
            Cell::Int(c.unmatched as i64),
        ];
        cells.extend(level_cells(&c.total));
        r.push(cells);
    }
    r
}

/// The customers ranked by what leaked, the `top` first.
pub fn customers_report(results: &[ChangeRealization], top: usize) -> Report {
    let mut r = Report::new(&columns(&[
        "rank",
        "segment_id",
        "customer_id",
        "realized_share_pct",
    ]));
    for (i, (key, real)) in leak_ranking(results).iter().take(top).enumerate() {
        let mut cells = vec![
            Cell::Int(i as i64 + 1),
            Cell::opt_text(key.segment_id.as_deref()),
            Cell::opt_text(key.customer_id.as_deref()),
            Cell::pct(real.realized_share_pct()),
        ];
        cells.extend(level_cells(real));
        r.push(cells);
    }
    r
}

/// Per segment, then overall, each with its summary sentence.
pub fn segments_report(results: &[ChangeRealization]) -> Report {
    let mut r = Report::new(&columns(&["segment_id", "summary"]));
    let segments = totals_by(results, |k| GroupKey {
        segment_id: k.segment_id.clone(),
        ..GroupKey::default()
    });
    let total = ("total".to_string(), overall(results));
    for (name, real) in segments
        .into_iter()
        .map(|(k, v)| (k.segment_id.unwrap_or_default(), v))
        .chain(std::iter::once(total))
    {
        let mut cells = vec![Cell::Text(name), Cell::Text(sentence(&real))];
        cells.extend(level_cells(&real));
        r.push(cells);
    }
    r
}
