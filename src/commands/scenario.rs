//! `pricebench scenario`: evaluate a scenario file against the workspace — per segment × product,
//! per segment and in total — or two scenarios side by side.

use crate::analysis::scenario::prepare;
use crate::cli::{ScenarioArgs, ScenarioRows};
use crate::report::{Cell, Report};
use crate::scenario::{self, CellResult, Evaluation, Measures, Outcome};
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;

/// Prints the evaluation (or the comparison with `--compare`).
pub fn run(args: &ScenarioArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let a = prepare(ws, &args.file)?;
    let report = match &args.compare {
        None => report(&a.evaluation(), args.rows),
        Some(other) => {
            let b = prepare(ws, other)?;
            if let Some(w) = a.baseline_warning(&b) {
                eprintln!("warning: {w}");
            }
            compare(&a.evaluation(), &b.evaluation(), args.rows)
        }
    };
    // A comparison's baselines may differ (warned above): the period of the first.
    mixed_units_blank(ws, report, &a.baseline)?
        .with_currency(crate::store::query::reporting_currency(ws)?, &MONEY)
        .with_period(super::recommend::baseline_period(ws, &a.baseline)?)
        .write(args.format.format, out)
}

/// The columns in currency, of an evaluation and of a comparison.
const MONEY: [&str; 22] = [
    "list_before",
    "list_after",
    "pocket_before",
    "pocket_after",
    "revenue_before",
    "revenue_after",
    "revenue_low",
    "revenue_high",
    "margin_before",
    "margin_after",
    "margin_low",
    "margin_high",
    "margin_change",
    "a_list_after",
    "a_revenue",
    "a_margin",
    "b_list_after",
    "b_revenue",
    "b_margin",
    "margin_b_minus_a",
    "list_price",
    "pocket_price",
];

/// Segment and total rows whose products are sold in different units (`products.uom`) show no
/// summed quantity and no volume change, and say `mixed units` as their confidence: a sum of
/// kilograms and pieces is no quantity. The products are those with lines in the baseline
/// period. A workspace without units is left as it is.
fn mixed_units_blank(
    ws: &Workspace,
    mut r: Report,
    baseline: &crate::scenario::baseline::Baseline,
) -> Result<Report> {
    use crate::store::realization::{Grouping, Scope};
    let dates = Scope {
        from: crate::date::Date::parse(&baseline.from),
        to: crate::date::Date::parse(&baseline.to),
        ..Scope::default()
    };
    let Some(segments) = crate::store::units::group_units(ws, Grouping::Segment, &dates)? else {
        return Ok(r);
    };
    let total_mixed = crate::store::units::total_is_mixed_within(ws, dates.from, dates.to)?;
    let quantities: Vec<usize> = (r.columns.iter().enumerate())
        .filter(|(_, c)| c.contains("quantity") || c.as_str() == "volume_change_pct")
        .map(|(i, _)| i)
        .collect();
    let confidence = r.columns.iter().position(|c| c == "confidence");
    for row in &mut r.rows {
        let mixed = match (row.first(), row.get(1)) {
            (Some(Cell::Text(level)), Some(Cell::Text(segment))) if level == "segment" => {
                let key = crate::realization::sums::GroupKey {
                    segment_id: Some(segment.clone()),
                    ..Default::default()
                };
                segments.get(&key).is_some_and(|unit| unit.is_none())
            }
            (Some(Cell::Text(level)), _) if level == "total" => total_mixed,
            _ => false,
        };
        if mixed {
            for &i in &quantities {
                row[i] = Cell::Empty;
            }
            if let Some(i) = confidence {
                row[i] = Cell::Text("mixed units".into());
            }
        }
    }
    Ok(r)
}

/// The columns of one scenario's evaluation.
pub const COLUMNS: [&str; 24] = [
    "level",
    "segment_id",
    "product_id",
    "list_before",
    "list_after",
    "pocket_before",
    "pocket_after",
    "quantity_before",
    "quantity_after",
    "quantity_low",
    "quantity_high",
    "volume_change_pct",
    "revenue_before",
    "revenue_after",
    "revenue_low",
    "revenue_high",
    "margin_before",
    "margin_after",
    "margin_low",
    "margin_high",
    "margin_change",
    "margin_change_pct",
    "elasticity",
    "confidence",
];

fn measures(m: &Measures) -> [f64; 3] {
    [m.quantity, m.revenue, m.margin]
}

fn outcome_cells(o: &Outcome) -> Vec<Cell> {
    let [qb, rb, mb] = measures(&o.before);
    let [qa, ra, ma] = measures(&o.after);
    let (d, pct) = scenario::evaluate::change(mb, ma);
    vec![
        Cell::money(qb),
        Cell::money(qa),
        Cell::money(o.low.quantity),
        Cell::money(o.high.quantity),
        Cell::pct(scenario::evaluate::change(qb, qa).1),
        Cell::money(rb),
        Cell::money(ra),
        Cell::money(o.low.revenue),
        Cell::money(o.high.revenue),
        Cell::money(mb),
        Cell::money(ma),
        Cell::money(o.low.margin),
        Cell::money(o.high.margin),
        Cell::money(d),
        Cell::pct(pct),
    ]
}

fn cell_row(c: &CellResult) -> Vec<Cell> {
    let mut row = vec![
        Cell::Text("cell".into()),
        Cell::Text(c.segment_id.clone()),
        Cell::Text(c.product_id.clone()),
        Cell::money(c.list_before),
        Cell::money(c.list_after),
        Cell::money(c.pocket_before),
        Cell::money(c.pocket_after),
    ];
    row.extend(outcome_cells(&c.outcome));
    row.push(
        c.elasticity
            .map_or(Cell::Empty, |value| Cell::Num { value, decimals: 3 }),
    );
    row.push(Cell::Text(c.confidence.as_str().into()));
    row
}

fn total_row(level: &str, segment: Option<&str>, o: &Outcome) -> Vec<Cell> {
    let mut row = vec![
        Cell::Text(level.into()),
        Cell::opt_text(segment),
        Cell::Empty,
    ];
    row.extend([Cell::Empty, Cell::Empty, Cell::Empty, Cell::Empty]);
    row.extend(outcome_cells(o));
    row.extend([Cell::Empty, Cell::Empty]);
    row
}

/// Every cell (unless only totals are asked for), then each segment's total, then the total.
pub fn report(e: &Evaluation, rows: ScenarioRows) -> Report {
    let mut r = Report::new(&COLUMNS);
    if rows == ScenarioRows::All {
        for c in &e.cells {
            r.push(cell_row(c));
        }
    }
    for (segment, o) in &e.segments {
        r.push(total_row("segment", Some(segment), o));
    }
    r.push(total_row("total", None, &e.total));
    r
}

/// The columns of a side-by-side comparison (a = FILE, b = --compare).
pub const COMPARE_COLUMNS: [&str; 14] = [
    "level",
    "segment_id",
    "product_id",
    "quantity_before",
    "margin_before",
    "a_list_after",
    "a_quantity",
    "a_revenue",
    "a_margin",
    "b_list_after",
    "b_quantity",
    "b_revenue",
    "b_margin",
    "margin_b_minus_a",
];

fn compare_row(ids: [Cell; 3], list: [Option<f64>; 2], a: &Outcome, b: &Outcome) -> Vec<Cell> {
    let opt = |v: Option<f64>| v.map_or(Cell::Empty, Cell::money);
    let mut row: Vec<Cell> = ids.into();
    row.extend([Cell::money(a.before.quantity), Cell::money(a.before.margin)]);
    for (l, o) in [(list[0], a), (list[1], b)] {
        row.extend([
            opt(l),
            Cell::money(o.after.quantity),
            Cell::money(o.after.revenue),
            Cell::money(o.after.margin),
        ]);
    }
    row.push(Cell::money(b.after.margin - a.after.margin));
    row
}

/// Two evaluations side by side: the cells both have, cell by cell, then the segments both
/// have, then the totals (a cell or segment only one scenario's baseline holds is left out).
pub fn compare(a: &Evaluation, b: &Evaluation, rows: ScenarioRows) -> Report {
    let mut r = Report::new(&COMPARE_COLUMNS);
    let text = |s: &str| Cell::Text(s.to_string());
    if rows == ScenarioRows::All {
        for ca in &a.cells {
            let Some(cb) = b
                .cells
                .iter()
                .find(|c| c.segment_id == ca.segment_id && c.product_id == ca.product_id)
            else {
                continue;
            };
            let ids = [text("cell"), text(&ca.segment_id), text(&ca.product_id)];
            r.push(compare_row(
                ids,
                [Some(ca.list_after), Some(cb.list_after)],
                &ca.outcome,
                &cb.outcome,
            ));
        }
    }
    for (segment, oa) in &a.segments {
        if let Some((_, ob)) = b.segments.iter().find(|(s, _)| s == segment) {
            r.push(compare_row(
                [text("segment"), text(segment), Cell::Empty],
                [None, None],
                oa,
                ob,
            ));
        }
    }
    r.push(compare_row(
        [text("total"), Cell::Empty, Cell::Empty],
        [None, None],
        &a.total,
        &b.total,
    ));
    r
}
