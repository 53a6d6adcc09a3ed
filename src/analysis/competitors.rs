//! Competitor prices against ours from the workspace: the monthly price index and its summary
//! (see [`crate::model::competitor`]).

use crate::date::Date;
use crate::model::competitor::{self, IndexMonth, IndexSummary};
use crate::store::{StoreError, Workspace, competitors};

/// The index per month and per series (product × competitor product, or segment × product ×
/// competitor product).
#[derive(Debug, Clone, PartialEq)]
pub struct PriceIndex {
    pub months: Vec<IndexMonth>,
    pub summaries: Vec<IndexSummary>,
}

/// The price index over the calendar months from the month of `from` to the month of `to`
/// (`None` = open), our prices per product or, `by_segment`, per segment × product.
pub fn price_index(
    ws: &Workspace,
    by_segment: bool,
    from: Option<Date>,
    to: Option<Date>,
) -> Result<PriceIndex, StoreError> {
    let month = |d: Option<Date>| d.map(|d| d.to_string()[..7].to_string());
    let (from_month, to_month) = (month(from), month(to));
    let ours = competitors::our_months(ws, by_segment, from_month.as_deref(), to_month.as_deref())?;
    let first_day = from_month.map(|m| format!("{m}-01"));
    let last_day = to_month.map(|m| format!("{m}-31"));
    let theirs = competitors::competitor_prices(ws, first_day.as_deref(), last_day.as_deref())?;
    let months = competitor::index_months(&ours, &theirs);
    let summaries = competitor::summarize(&months);
    Ok(PriceIndex { months, summaries })
}
