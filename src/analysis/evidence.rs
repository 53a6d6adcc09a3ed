//! Every method side by side per segment × product: today's list, invoice and pocket price from
//! the waterfall, the elasticity optimum of both models within the observed prices, WTP from the
//! quotes, Van Westendorp from the survey and, given a scenario, the economic value of its value
//! drivers — read from the workspace and triangulated by `model::evidence`.

use super::demand::{current_elasticities, current_panel_elasticities, wtp_rows};
use crate::model::evidence::{self, CellEvidence, Method, MethodPrice, OptimumInput, ValueInput};
use crate::model::psm::{BOOTSTRAP_RESAMPLES, PsmIntervals, PsmResult, bootstrap_psm, compute_psm};
use crate::model::{ALL_SEGMENTS, ElasticityRow, WtpRow, best_wtp};
use crate::realization::waterfall::waterfall;
use crate::store::Workspace;
use crate::store::demand::{self, DemandFilter, ElasticitySettings};
use crate::store::realization::{Grouping, Scope, group_sums};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// The seed of the Van Westendorp bootstrap: the same answers always give the same intervals.
const BOOTSTRAP_SEED: u64 = 0x5eed_0014;

type CellKey = (String, String);

/// A cell's prices today, per unit over all its sales.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Today {
    list: f64,
    invoice: f64,
    pocket: f64,
    unit_cost: f64,
}

/// Every cell that `filter` keeps and that has sales, quotes or survey answers, in (segment,
/// product) order, with each method's answer (`scenario`: the file whose value drivers give the
/// economic value). A segment or product the workspace does not have is an error naming it.
pub fn evidence(
    ws: &Workspace,
    filter: &DemandFilter,
    scenario: Option<&Path>,
) -> Result<Vec<CellEvidence>> {
    check_ids(ws, filter)?;
    let today = today_prices(ws, filter).context("cannot read today's prices")?;
    let observed = observed_pockets(ws).context("cannot read the weekly pocket prices")?;
    let cell = by_cell(current_elasticities(ws).context("cannot fit the cell elasticities")?);
    let panel =
        by_cell(current_panel_elasticities(ws).context("cannot fit the panel elasticities")?);
    let wtp = best_wtp(wtp_rows(ws, filter, None).context("cannot read the quotes")?);
    let wtp: HashMap<CellKey, WtpRow> = wtp
        .into_iter()
        .filter(|r| r.segment_id != ALL_SEGMENTS)
        .map(|r| ((r.segment_id.clone(), r.product_id.clone()), r))
        .collect();
    let survey = survey_points(ws, filter)?;
    let values = scenario.map(|p| value_inputs(ws, p)).transpose()?;
    let keys: BTreeSet<CellKey> = today
        .keys()
        .chain(wtp.keys())
        .chain(survey.keys())
        .filter(|(s, p)| filter.keeps(s, p))
        .cloned()
        .collect();
    let out = keys
        .into_iter()
        .map(|key| {
            let t = today.get(&key).copied();
            let optimum = |method, rows: &HashMap<CellKey, ElasticityRow>| {
                optimum_for(method, rows.get(&key), t, observed.get(&key).copied())
            };
            let mut methods = evidence::today(t.map(|t| (t.list, t.invoice, t.pocket)));
            methods.push(optimum(Method::ElasticityCell, &cell));
            methods.push(optimum(Method::ElasticityPanel, &panel));
            methods.extend(evidence::wtp(wtp.get(&key)));
            let (psm, intervals) = survey.get(&key).cloned().unzip();
            let intervals = intervals.unwrap_or_default();
            methods.extend(evidence::psm(psm.as_ref(), &intervals));
            let value = match &values {
                None => ValueInput::NoScenario,
                Some(v) => v.get(&key).copied().unwrap_or(ValueInput::NotInBaseline),
            };
            methods.push(evidence::economic_value(value));
            CellEvidence::new(key.0, key.1, methods)
        })
        .collect();
    Ok(out)
}

/// A filter that names a segment or product the workspace does not have is refused.
fn check_ids(ws: &Workspace, filter: &DemandFilter) -> Result<()> {
    let catalog = crate::store::scenario::catalog(ws).context("cannot read the workspace's ids")?;
    if let Some(s) = &filter.segment
        && !catalog.segments.contains(s)
    {
        bail!("unknown segment '{s}': the workspace has no such segment (see segments.csv)");
    }
    if let Some(p) = &filter.product
        && !catalog.products.iter().any(|(id, _)| id == p)
    {
        bail!("unknown product '{p}': the workspace has no such product (see products.csv)");
    }
    Ok(())
}

/// Each cell's list, invoice and pocket price and unit cost per unit over all its sales (the
/// numbers `pricebench waterfall --by segment-product` prints); cells without net volume are
/// left out.
fn today_prices(
    ws: &Workspace,
    filter: &DemandFilter,
) -> Result<HashMap<CellKey, Today>, crate::store::StoreError> {
    let elements = crate::store::elements(ws)?;
    let scope = Scope {
        segment: filter.segment.clone(),
        product: filter.product.clone(),
        ..Scope::default()
    };
    let groups = group_sums(ws, &elements, Grouping::SegmentProduct, &scope)?;
    Ok(groups
        .iter()
        .filter_map(|g| {
            let w = waterfall(&elements, g);
            let level = |name: &str| w.step(name).and_then(|s| s.per_unit);
            let today = Today {
                list: level("list_price")?,
                invoice: level("invoice_price")?,
                pocket: level("pocket_price")?,
                unit_cost: g.sums.cost / g.sums.quantity,
            };
            let key = (g.key.segment_id.clone()?, g.key.product_id.clone()?);
            (g.sums.quantity > 0.0).then_some((key, today))
        })
        .collect())
}

/// Each cell's lowest and highest weekly pocket price over all its weeks with sales.
fn observed_pockets(
    ws: &Workspace,
) -> Result<HashMap<CellKey, (f64, f64)>, crate::store::StoreError> {
    let cells = demand::elasticity_cells(ws, &ElasticitySettings::default())?;
    Ok(cells
        .into_iter()
        .filter_map(|c| {
            let prices = c.points.iter().map(|p| p.price).filter(|p| p.is_finite());
            let lo = prices.clone().fold(f64::INFINITY, f64::min);
            let hi = prices.fold(f64::NEG_INFINITY, f64::max);
            (lo <= hi).then_some(((c.segment_id, c.product_id), (lo, hi)))
        })
        .collect())
}

fn by_cell(rows: Vec<ElasticityRow>) -> HashMap<CellKey, ElasticityRow> {
    rows.into_iter()
        .map(|r| ((r.segment_id.clone(), r.product_id.clone()), r))
        .collect()
}

/// One model's optimum for a cell: its own fit within the cell's observed pocket prices.
fn optimum_for(
    method: Method,
    row: Option<&ElasticityRow>,
    today: Option<Today>,
    observed: Option<(f64, f64)>,
) -> MethodPrice {
    let (Some(row), Some(today)) = (row, today) else {
        return MethodPrice::missing(method, "no_sales", "no sales to fit");
    };
    evidence::elasticity_optimum(
        method,
        &OptimumInput {
            elasticity: row.elasticity,
            ci: row.ci_low.zip(row.ci_high),
            flag: row.flag,
            unit_cost: today.unit_cost,
            observed,
            off_invoice: today.invoice - today.pocket,
        },
    )
}

/// Each surveyed cell's Van Westendorp points with bootstrap intervals of OPP and IPP.
fn survey_points(
    ws: &Workspace,
    filter: &DemandFilter,
) -> Result<HashMap<CellKey, (PsmResult, PsmIntervals)>> {
    let cells = demand::survey_cells(ws, filter).context("cannot read the survey answers")?;
    Ok(cells
        .into_iter()
        .filter(|c| c.segment_id != ALL_SEGMENTS)
        .map(|c| {
            let points = compute_psm(&c.answers);
            let intervals = bootstrap_psm(&c.answers, BOOTSTRAP_RESAMPLES, BOOTSTRAP_SEED);
            ((c.segment_id, c.product_id), (points, intervals))
        })
        .collect())
}

/// Each baseline cell's economic value under the scenario at `path`, with the off-invoice
/// money returned to the customer (baseline invoice price − customer net price).
fn value_inputs(ws: &Workspace, path: &Path) -> Result<HashMap<CellKey, ValueInput>> {
    let prepared = super::scenario::prepare(ws, path)?;
    let on_invoice: Vec<bool> = prepared
        .baseline
        .elements
        .iter()
        .map(|e| e.on_invoice)
        .collect();
    let rows = prepared.value_rows();
    Ok(prepared
        .baseline
        .cells
        .iter()
        .zip(rows)
        .map(|(cell, row)| {
            let on: f64 = cell
                .elements
                .iter()
                .zip(&on_invoice)
                .filter(|(_, on)| **on)
                .map(|(e, _)| e)
                .sum();
            let input = match row.value {
                None => ValueInput::NoDrivers,
                Some(v) => ValueInput::Value {
                    economic_value: v.economic_value,
                    returned: cell.list_price - on - row.customer_net_price,
                },
            };
            ((row.segment_id, row.product_id), input)
        })
        .collect())
}
