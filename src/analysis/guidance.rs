//! Deal guidance over the workspace: reads the customer × product sums, the products' list
//! prices and the customers' segments, and computes the guidance table and what scoring a deal
//! needs, for the `guidance` and `score` commands and the Guidance sub-view.

use super::realization::RealizationError;
use crate::realization::guidance::{GuidanceOptions, GuidanceRow, PublishedRow, ScoringTable};
use crate::realization::sums::Cell;
use crate::store::Workspace;
use crate::store::guidance::{QuotePoint, cell_quotes, customer_segments, list_prices};
use crate::store::realization::{Scope, cells};
use std::collections::HashMap;

/// The guidance table of the lines in `scope` (its dates; ids are not applied, so that thin
/// cells can borrow from the whole product or segment).
pub fn guidance(
    ws: &Workspace,
    scope: &Scope,
    options: &GuidanceOptions,
) -> Result<Vec<GuidanceRow>, RealizationError> {
    let cells = dated_cells(ws, scope)?;
    let prices = list_prices(ws).map_err(RealizationError::CustomerSums)?;
    Ok(crate::realization::guidance::guidance(
        &cells, &prices, options,
    ))
}

fn dated_cells(ws: &Workspace, scope: &Scope) -> Result<Vec<Cell>, RealizationError> {
    let dates = Scope {
        from: scope.from,
        to: scope.to,
        ..Scope::default()
    };
    cells(ws, &dates).map_err(super::realization::read(RealizationError::CustomerSums))
}

/// What scoring deals needs besides the guidance rows: each customer's segment, each product's
/// list price and, when the guidance has size bands, each customer's volume per product.
#[derive(Debug, Clone, Default)]
pub struct ScoringContext {
    pub table: ScoringTable,
    pub segments: HashMap<String, String>,
    pub list_prices: HashMap<String, f64>,
    /// Volume by customer, then product, over the guidance's dates (empty without size bands).
    pub volumes: HashMap<String, HashMap<String, f64>>,
    /// The first and last date with lines within the guidance's dates: what it covers.
    pub period: Option<(String, String)>,
    /// The reporting currency and rates: a deal in another currency is converted into it.
    pub money: crate::store::import::money::Converter,
}

impl ScoringContext {
    /// A customer's volume of a product over the guidance's dates (0 when it bought none).
    pub fn volume(&self, customer: &str, product: &str) -> f64 {
        self.volumes
            .get(customer)
            .and_then(|p| p.get(product))
            .copied()
            .unwrap_or(0.0)
    }
}

/// Where the corridors come from.
#[derive(Debug, Clone)]
pub enum GuidanceSource {
    /// Computed from the workspace with these options over the scope's dates.
    Workspace(Scope, GuidanceOptions),
    /// Rows of a saved guidance CSV, computed over these dates.
    Saved(Vec<PublishedRow>, Scope),
}

/// Everything scoring needs, read once.
pub fn scoring_context(
    ws: &Workspace,
    source: GuidanceSource,
) -> Result<ScoringContext, RealizationError> {
    let segments = customer_segments(ws).map_err(RealizationError::CustomerSums)?;
    let prices = list_prices(ws).map_err(RealizationError::CustomerSums)?;
    let (GuidanceSource::Workspace(dates, _) | GuidanceSource::Saved(_, dates)) = &source;
    let period = crate::store::query::period_used(ws, dates.from, dates.to, None)
        .map_err(RealizationError::CustomerSums)?;
    let money = crate::store::query::converter(ws).map_err(RealizationError::CustomerSums)?;
    let (table, cells) = match source {
        GuidanceSource::Workspace(scope, options) => {
            let cells = dated_cells(ws, &scope)?;
            let rows = crate::realization::guidance::guidance(&cells, &prices, &options);
            let table = ScoringTable::new(rows.iter().map(PublishedRow::from).collect());
            (table, Some(cells))
        }
        GuidanceSource::Saved(rows, scope) => {
            let table = ScoringTable::new(rows);
            let cells = match table.has_size_bands() {
                true => Some(dated_cells(ws, &scope)?),
                false => None,
            };
            (table, cells)
        }
    };
    let mut volumes: HashMap<String, HashMap<String, f64>> = HashMap::new();
    if table.has_size_bands() {
        for c in cells.iter().flatten() {
            let products = volumes.entry(c.customer_id.to_string()).or_default();
            products.insert(c.product_id.to_string(), c.quantity);
        }
    }
    Ok(ScoringContext {
        table,
        segments,
        list_prices: prices,
        volumes,
        period,
        money,
    })
}

/// One cell's customers (over `within`'s dates) and quotes, for the Guidance sub-view's drill
/// and quote points.
#[derive(Debug, Clone, PartialEq)]
pub struct CellDetail {
    pub segment_id: String,
    pub product_id: String,
    pub customers: Vec<Cell>,
    pub quotes: Vec<QuotePoint>,
}

/// Reads one segment × product's customers and quotes.
pub fn cell_detail(
    ws: &Workspace,
    segment: &str,
    product: &str,
    within: &Scope,
) -> Result<CellDetail, RealizationError> {
    let scope = Scope {
        segment: Some(segment.to_string()),
        product: Some(product.to_string()),
        ..within.clone()
    };
    Ok(CellDetail {
        segment_id: segment.to_string(),
        product_id: product.to_string(),
        customers: cells(ws, &scope)
            .map_err(super::realization::read(RealizationError::CustomerSums))?,
        quotes: cell_quotes(ws, segment, product)?,
    })
}
