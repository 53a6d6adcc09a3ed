//! `pricebench value`: the value map of a scenario — economic value per segment × product beside
//! what the customer pays today (invoice less the off-invoice money returned to them), our
//! pocket price, the WTP median and the unit cost, and the value-capture ratio.

use crate::cli::ScenarioFileArgs;
use crate::report::{Cell, Report, fmt_plain, with_plus};
use crate::scenario::ValueRow;
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

pub fn run(args: &ScenarioFileArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let p = crate::analysis::scenario::prepare(ws, &args.file)?;
    report(&p.value_rows()).write(args.format.format, out)
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
                .map(|d| format!("{} {}", d.name, with_plus(fmt_plain(d.amount, 2))))
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
