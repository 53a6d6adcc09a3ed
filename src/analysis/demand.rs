//! The demand models over the workspace's data: elasticities of the cell or the panel model
//! (stored, fresh or refitted, stored only when the caller says so), WTP fits from the quotes
//! (with each cell's off-invoice costs, so that the max-margin price is on the right basis),
//! the Van Westendorp meter from the survey.

use crate::model::backtest::{
    Backtest, BacktestError, BacktestOptions, backtest as model_backtest,
};
use crate::model::{
    ALL_SEGMENTS, DemandModel, ElasticityRow, PanelOptions, PsmRow, QuoteCell, WtpModel, WtpRow,
    best_wtp, compute_psm_cells, fit_elasticity_cells, fit_panel_cells, fit_wtp_cells,
};
use crate::realization::sums::{Element, ElementKind, Sums};
use crate::scenario::elements::{Scales, default_role};
use crate::store::demand::{self, DemandFilter, ElasticitySettings, PriceBasis, StoredElasticity};
use crate::store::panel;
use crate::store::realization::{Grouping, Scope, group_sums};
use crate::store::{StoreError, Workspace};
use std::collections::HashMap;
use std::time::Instant;

/// Whether a fit made now is written to the workspace. Only commands whose purpose is the
/// fit (`pricebench elasticity`, the Elasticity view) store it; a read such as a scenario's
/// evaluation never changes the workspace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Persist {
    Store,
    Discard,
}

/// Reads every cell, fits it with the settings' model and pools per segment; stores the result
/// when `persist` says so.
pub fn refit_elasticity(
    ws: &Workspace,
    settings: &ElasticitySettings,
    persist: Persist,
) -> Result<StoredElasticity, StoreError> {
    let started = Instant::now();
    let rows = match settings.model {
        DemandModel::Cell => fit_elasticity_cells(&demand::elasticity_cells(ws, settings)?),
        DemandModel::Panel => fit_panel_cells(
            &panel::panel_cells(ws, settings.price)?,
            &PanelOptions::default(),
        ),
    };
    let fitted_at = match persist {
        Persist::Store => {
            demand::save_elasticity(ws, settings, &rows, started.elapsed().as_secs_f64())?
        }
        Persist::Discard => crate::date::utc_now(),
    };
    Ok(StoredElasticity {
        settings: *settings,
        rows,
        fitted_at,
        stale: false,
    })
}

/// The stored results for `settings` as they are (fresh or stale), or a new fit when none
/// were saved: what the TUI opens on.
pub fn stored_or_fit(
    ws: &Workspace,
    settings: &ElasticitySettings,
    persist: Persist,
) -> Result<StoredElasticity, StoreError> {
    match demand::load_elasticity(ws, settings)? {
        Some(stored) => Ok(stored),
        None => refit_elasticity(ws, settings, persist),
    }
}

/// The stored results for `settings` when they are fresh, else a new fit.
pub fn fresh_elasticity(
    ws: &Workspace,
    settings: &ElasticitySettings,
    persist: Persist,
) -> Result<StoredElasticity, StoreError> {
    match demand::load_elasticity(ws, settings)? {
        Some(stored) if !stored.stale => Ok(stored),
        _ => refit_elasticity(ws, settings, persist),
    }
}

/// Every cell's elasticity at the default settings (cell model, weekly, pocket price): the
/// stored results when fresh, else fitted now (and not stored).
pub fn current_elasticities(ws: &Workspace) -> Result<Vec<ElasticityRow>, StoreError> {
    let settings = ElasticitySettings::default();
    Ok(fresh_elasticity(ws, &settings, Persist::Discard)?.rows)
}

/// Every cell's panel elasticity on the pocket price: the stored results when fresh, else
/// fitted now (and not stored).
pub fn current_panel_elasticities(ws: &Workspace) -> Result<Vec<ElasticityRow>, StoreError> {
    let settings = ElasticitySettings::panel(PriceBasis::Pocket);
    Ok(fresh_elasticity(ws, &settings, Persist::Discard)?.rows)
}

/// Every cell's WTP (segment × product and product-wide): the model with the lowest AIC, or
/// the first model with the reason when none could be fitted.
pub fn current_wtp(ws: &Workspace) -> Result<Vec<WtpRow>, StoreError> {
    let cells = quote_cells(ws, &DemandFilter::default())?;
    Ok(best_wtp(fit_wtp_cells(&cells, None)))
}

/// The WTP fits of the cells `filter` keeps (and the product-wide rows): `model`, or all three.
pub fn wtp_rows(
    ws: &Workspace,
    filter: &DemandFilter,
    model: Option<WtpModel>,
) -> Result<Vec<WtpRow>, StoreError> {
    Ok(fit_wtp_cells(&quote_cells(ws, filter)?, model))
}

/// Every cell's quotes with all three WTP models fitted to them (the TUI's view).
#[derive(Debug, Clone, PartialEq)]
pub struct WtpCells {
    pub cells: Vec<QuoteCell>,
    /// Three rows per cell, in cell order.
    pub rows: Vec<WtpRow>,
}

/// Reads every cell's quotes and fits all three models to each.
pub fn wtp_cells(ws: &Workspace) -> Result<WtpCells, StoreError> {
    let cells = quote_cells(ws, &DemandFilter::default())?;
    let rows = fit_wtp_cells(&cells, None);
    Ok(WtpCells { cells, rows })
}

/// The `n` segment × product cells (not the product-wide `*` rows) with the most quotes, most
/// first (ties in cell order), with all three models fitted to each: the same fits as
/// [`wtp_cells`] gives those cells, without fitting every other cell.
pub fn wtp_top_cells(ws: &Workspace, n: usize) -> Result<WtpCells, StoreError> {
    let mut cells = quote_cells(ws, &DemandFilter::default())?;
    cells.retain(|c| c.segment_id != ALL_SEGMENTS);
    cells.sort_by_key(|c| std::cmp::Reverse(c.quotes.len()));
    cells.truncate(n);
    let rows = fit_wtp_cells(&cells, None);
    Ok(WtpCells { cells, rows })
}

/// The quotes of the cells `filter` keeps, each with the off-invoice costs a won quote brings
/// per unit ([`QuoteCell::off_share`], [`QuoteCell::off_fixed`]) from the cell's sales over all
/// dates: a segment × product from its own sums (the product's when the segment never bought
/// it), a product-wide (`*`) cell from the product's. Quotes are invoice prices.
fn quote_cells(ws: &Workspace, filter: &DemandFilter) -> Result<Vec<QuoteCell>, StoreError> {
    let mut cells = demand::quote_cells(ws, filter)?;
    if cells.is_empty() {
        return Ok(cells);
    }
    let elements = crate::store::elements(ws)?;
    let scope = Scope::default();
    let sums = |grouping| -> Result<HashMap<(String, String), Sums>, StoreError> {
        Ok(group_sums(ws, &elements, grouping, &scope)?
            .into_iter()
            .map(|g| {
                let segment = g.key.segment_id.unwrap_or_else(|| ALL_SEGMENTS.to_string());
                ((segment, g.key.product_id.unwrap_or_default()), g.sums)
            })
            .collect())
    };
    let cell_sums = sums(Grouping::SegmentProduct)?;
    let product_sums = sums(Grouping::Product)?;
    for c in &mut cells {
        let product_key = (ALL_SEGMENTS.to_string(), c.product_id.clone());
        let own = cell_sums.get(&(c.segment_id.clone(), c.product_id.clone()));
        let found = own
            .filter(|s| s.quantity > 0.0)
            .or(product_sums.get(&product_key));
        if let Some(s) = found {
            (c.off_share, c.off_fixed) = off_invoice_costs(&elements, s);
        }
    }
    Ok(cells)
}

/// A group's off-invoice elements per unit on the invoice basis: (the invoice-scaled ones as a
/// share of the invoice price, the others in currency per unit). Which elements scale with the
/// invoice follows the scenario's defaults by name ([`default_role`]: payment terms do;
/// rebates, co-op and freight do not move with a quoted invoice price). (0, 0) for a group
/// without net sales.
fn off_invoice_costs(elements: &[Element], s: &Sums) -> (f64, f64) {
    if !(s.quantity > 0.0 && s.invoice_revenue > 0.0) {
        return (0.0, 0.0);
    }
    let (mut scaled, mut fixed) = (0.0, 0.0);
    for (e, amount) in elements.iter().zip(&s.elements) {
        if e.kind != ElementKind::OffInvoice {
            continue;
        }
        match default_role(&e.column).scales {
            Scales::Invoice => scaled += amount,
            Scales::List | Scales::Fixed => fixed += amount,
        }
    }
    let share = scaled / s.invoice_revenue;
    let per_unit = fixed / s.quantity;
    match share.is_finite() && per_unit.is_finite() {
        true => (share, per_unit),
        false => (0.0, 0.0),
    }
}

/// The Van Westendorp price points of the cells `filter` keeps (and the product-wide rows).
pub fn psm_rows(ws: &Workspace, filter: &DemandFilter) -> Result<Vec<PsmRow>, StoreError> {
    Ok(compute_psm_cells(&demand::survey_cells(ws, filter)?))
}

/// A backtest and the (segment, product) of each cell it indexes.
#[derive(Debug, Clone, PartialEq)]
pub struct BacktestRun {
    pub cells: Vec<(String, String)>,
    pub backtest: Backtest,
}

/// Why a backtest did not run: the workspace could not be read, or the cut leaves nothing to
/// fit on or to predict.
#[derive(Debug, thiserror::Error)]
pub enum BacktestFailure {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Backtest(#[from] BacktestError),
}

/// Reads every cell's customer-months on `price` and backtests `opts.model` over them (the cell
/// model on each cell's monthly totals, the panel on its customers' months).
pub fn backtest(
    ws: &Workspace,
    opts: &BacktestOptions,
    price: PriceBasis,
) -> Result<BacktestRun, BacktestFailure> {
    let cells = panel::panel_cells(ws, price)?;
    let backtest = model_backtest(&cells, opts)?;
    Ok(BacktestRun {
        cells: cells
            .into_iter()
            .map(|c| (c.segment_id, c.product_id))
            .collect(),
        backtest,
    })
}
