//! `pricebench value`: the value map of a scenario — economic value per segment × product beside
//! what the customer pays today (invoice less the off-invoice money returned to them), our
//! pocket price, the WTP median and the unit cost, and the value-capture ratio.

use crate::cli::ValueArgs;
use crate::report::{Cell, Report, fmt_plain, with_plus};
use crate::scenario::ValueRow;
use crate::scenario::value_map::ValueMap;
use crate::store::Workspace;
use anyhow::Result;
use std::io::Write;

pub const COLUMNS: [&str; 12] = [
    "segment_id",
    "product_id",
    "alternative",
    "reference_value",
    "differentiation_value",
    "economic_value",
    "customer_net_price",
    "pocket_price",
    "wtp_median",
    "unit_cost",
    "capture_ratio_pct",
    "drivers",
];

pub fn run(args: &ValueArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let p = crate::analysis::scenario::prepare(ws, &args.file)?;
    let r = match (args.map, args.drivers) {
        (true, _) => map_report(&p.value_map()),
        (false, true) => drivers_report(&p.value_rows()),
        (false, false) => report(&p.value_rows()),
    };
    r.with_currency(crate::store::query::reporting_currency(ws)?, &MONEY)
        .write(args.format.format, out)
}

/// The columns in currency (per unit), of the value table, the value map and the drivers.
const MONEY: [&str; 11] = [
    "reference_value",
    "differentiation_value",
    "economic_value",
    "customer_net_price",
    "pocket_price",
    "wtp_median",
    "unit_cost",
    "price",
    "benefit",
    "gap",
    "amount",
];

pub const MAP_COLUMNS: [&str; 13] = [
    "segment_id",
    "family",
    "offer",
    "label",
    "product_id",
    "competitor",
    "competitor_product",
    "reference",
    "price",
    "benefit",
    "gap",
    "gap_pct",
    "position",
];

/// The value map: one row per point, groups in segment, family order; `gap` = price − benefit
/// (> 0: over-priced for the benefit), `reference` marks the point the value is measured from.
pub fn map_report(map: &ValueMap) -> Report {
    let mut r = Report::new(&MAP_COLUMNS);
    for g in &map.groups {
        for p in &g.points {
            let offer = match p.offer {
                crate::scenario::value_map::Offer::Ours => "ours",
                crate::scenario::value_map::Offer::Competitor => "competitor",
                crate::scenario::value_map::Offer::Alternative => "alternative",
            };
            r.push(vec![
                Cell::Text(g.segment_id.clone()),
                Cell::opt_text(g.family.as_deref()),
                Cell::Text(offer.into()),
                Cell::Text(p.label.clone()),
                Cell::Text(p.product_id.clone()),
                Cell::opt_text(p.competitor.as_deref()),
                Cell::opt_text(p.competitor_product.as_deref()),
                Cell::Text(if p.is_reference { "yes" } else { "" }.into()),
                Cell::money(p.price),
                Cell::money(p.benefit),
                Cell::money(p.gap),
                Cell::pct(p.gap_pct),
                Cell::Text(p.position.as_str().into()),
            ]);
        }
    }
    r
}

pub const DRIVER_COLUMNS: [&str; 7] = [
    "segment_id",
    "product_id",
    "driver",
    "formula",
    "inputs",
    "amount",
    "economic_value",
];

/// One row per value driver of each valued cell: the reference first, then each driver with
/// its formula and inputs (empty for a plain number) and its signed amount per unit.
pub fn drivers_report(rows: &[ValueRow]) -> Report {
    let mut r = Report::new(&DRIVER_COLUMNS);
    for x in rows {
        let Some(v) = &x.value else { continue };
        let cell = |driver: String, formula: Option<&str>, inputs: String, amount: f64| {
            vec![
                Cell::Text(x.segment_id.clone()),
                Cell::Text(x.product_id.clone()),
                Cell::Text(driver),
                Cell::opt_text(formula),
                Cell::Text(inputs),
                Cell::money(amount),
                Cell::money(v.economic_value),
            ]
        };
        let reference = match (&x.reference_competitor, &x.alternative) {
            (Some(c), _) => format!(
                "reference: {} {} ({})",
                c.competitor, c.competitor_product, c.date
            ),
            (None, Some(a)) => format!("reference: {a}"),
            (None, None) => "reference".to_string(),
        };
        r.push(cell(reference, None, String::new(), v.reference_value));
        for d in &v.drivers {
            r.push(cell(
                d.name.clone(),
                d.formula.as_deref(),
                inputs(d),
                d.amount,
            ));
        }
    }
    r
}

/// `name = value` of a formula driver's inputs.
fn inputs(d: &crate::model::value::Differentiator) -> String {
    d.inputs
        .iter()
        .map(|(k, v)| {
            format!(
                "{k} = {}",
                fmt_plain(*v, 4).trim_end_matches('0').trim_end_matches('.')
            )
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// One row per cell; the value columns are empty where the scenario defines no value drivers.
pub fn report(rows: &[ValueRow]) -> Report {
    let mut r = Report::new(&COLUMNS);
    let opt = |v: Option<f64>| v.map_or(Cell::Empty, Cell::money);
    for x in rows {
        let v = x.value.as_ref();
        let drivers = v.map_or(String::new(), |v| {
            v.drivers
                .iter()
                .map(|d| match &d.formula {
                    None => format!("{} {}", d.name, with_plus(fmt_plain(d.amount, 2))),
                    Some(f) => format!(
                        "{} {} = {f} with {}",
                        d.name,
                        with_plus(fmt_plain(d.amount, 2)),
                        inputs(d)
                    ),
                })
                .collect::<Vec<_>>()
                .join("; ")
        });
        r.push(vec![
            Cell::Text(x.segment_id.clone()),
            Cell::Text(x.product_id.clone()),
            Cell::opt_text(x.alternative.as_deref()),
            opt(v.map(|v| v.reference_value)),
            opt(v.map(|v| v.differentiation_value)),
            opt(v.map(|v| v.economic_value)),
            Cell::money(x.customer_net_price),
            Cell::money(x.pocket_price),
            opt(x.wtp_median),
            Cell::money(x.unit_cost),
            Cell::pct(x.capture_ratio.map(|c| c * 100.0)),
            Cell::Text(drivers),
        ]);
    }
    r
}
