//! The charts of the domain's results, shared by the HTML report and the TUI's `x` export:
//! a cell's win-rate curve, its Van Westendorp curves, elasticities as a forest, a scenario's
//! value ladder. Each turns model output into the plain rows of [`super`]'s drawing functions.

use super::{ChartError, ForestRow, LadderRow, MapOffer, MapPoint, Marker};
use crate::model::{ElasticityRow, PsmRow, QuoteCell, WtpRow};
use crate::scenario::ValueRow;
use crate::scenario::value_map::{Offer, ValueMapGroup};

/// Price bins of the observed win rates.
pub const WIN_BINS: usize = 10;
/// Points of a fitted win curve.
pub const CURVE_POINTS: usize = 48;

/// A cell's observed win rates per price bin, `best`'s fitted P(win) over the same prices, its
/// median WTP and max-margin price.
pub fn win_rate(cell: &QuoteCell, best: Option<&WtpRow>) -> Result<String, ChartError> {
    let observed = cell.binned_win_rates(WIN_BINS);
    let mut markers = Vec::new();
    if let Some(f) = best.map(|b| &b.fit) {
        for (name, price) in [
            ("median WTP", f.median_wtp),
            ("max margin", f.optimal_price),
        ] {
            if let Some(price) = price.filter(|p| p.is_finite()) {
                let name = name.to_string();
                markers.push(Marker { name, price });
            }
        }
    }
    let prices = observed.iter().map(|p| p.0);
    let prices = prices.chain(markers.iter().map(|m| m.price));
    let lo = prices.clone().fold(f64::INFINITY, f64::min);
    let hi = prices.fold(f64::NEG_INFINITY, f64::max);
    let fitted = match best {
        Some(b) if lo.is_finite() && hi > lo => b.fit.win_curve([lo, hi], CURVE_POINTS),
        _ => Vec::new(),
    };
    let model = best.map_or("no fit", |b| b.fit.model.as_str());
    let title = format!(
        "Win rate · {} × {} · {model}",
        cell.segment_id, cell.product_id
    );
    super::win_rate(&title, &observed, &fitted, &markers)
}

/// A cell's four Van Westendorp curves with PMC, OPP, IPP and PME marked.
pub fn van_westendorp(row: &PsmRow) -> Result<String, ChartError> {
    let p = &row.result;
    let points = [
        ("PMC", p.pmc),
        ("OPP", p.opp),
        ("IPP", p.ipp),
        ("PME", p.pme),
    ];
    let markers: Vec<Marker> = points
        .into_iter()
        .filter_map(|(name, price)| {
            let name = name.to_string();
            Some(Marker {
                name,
                price: price?,
            })
        })
        .collect();
    let title = format!("Van Westendorp · {} × {}", row.segment_id, row.product_id);
    super::van_westendorp(&title, &p.curves, &markers)
}

/// Elasticity estimates with their 95% intervals, one row per cell, labelled by product (or
/// by segment × product when `with_segment`).
pub fn elasticity_forest(
    title: &str,
    rows: &[&ElasticityRow],
    with_segment: bool,
) -> Result<String, ChartError> {
    let forest: Vec<ForestRow> = rows
        .iter()
        .filter_map(|r| {
            let label = match with_segment {
                true => format!("{} × {}", r.segment_id, r.product_id),
                false => r.product_id.clone(),
            };
            Some(ForestRow {
                label,
                estimate: r.elasticity?,
                low: r.ci_low,
                high: r.ci_high,
            })
        })
        .collect();
    super::forest(title, "elasticity (95% interval)", &forest)
}

/// The value ladder of the cells with value drivers: cost, pocket price, customer net price,
/// WTP median and economic value per unit.
pub fn value_ladder(title: &str, rows: &[ValueRow]) -> Result<String, ChartError> {
    let ladder: Vec<LadderRow> = rows
        .iter()
        .filter(|r| r.value.is_some())
        .map(|r| LadderRow {
            label: format!("{} × {}", r.segment_id, r.product_id),
            values: [
                Some(r.unit_cost),
                Some(r.pocket_price),
                Some(r.customer_net_price),
                r.wtp_median,
                r.value.as_ref().map(|v| v.economic_value),
            ],
        })
        .collect();
    super::value_ladder(title, &ladder)
}

/// A segment × family's value map: our products and the competitors' at price against
/// perceived benefit, with the value-equivalence line.
pub fn value_map(group: &ValueMapGroup) -> Result<String, ChartError> {
    let points: Vec<MapPoint> = group
        .points
        .iter()
        .map(|p| MapPoint {
            label: p.label.clone(),
            offer: match p.offer {
                Offer::Ours => MapOffer::Ours,
                Offer::Competitor => MapOffer::Competitor,
                Offer::Alternative => MapOffer::Alternative,
            },
            reference: p.is_reference,
            price: p.price,
            benefit: p.benefit,
        })
        .collect();
    let title = format!("Value map · {}", group_name(group));
    super::value_map(&title, &points, (group.line.slope, group.line.intercept))
}

/// `SEG-ENT × Valves` (or `SEG-ENT × no family`).
pub fn group_name(group: &ValueMapGroup) -> String {
    let family = group.family.as_deref().unwrap_or("no family");
    format!("{} × {family}", group.segment_id)
}
