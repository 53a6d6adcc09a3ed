//! Price realization over the workspace: reads the sums from the store and computes the
//! waterfalls, bands and leakage with `crate::realization`, for the commands and the TUI.

use crate::realization::band::{
    Band, BandBy, Observation, Outlier, band, group_cells, line_observations, observation, outliers,
};
use crate::realization::leakage::{
    CustomerLeak, ElementLeak, VolumeFit, customer_leakage, element_leakage, volume_fits,
};
use crate::realization::sums::{Element, GroupKey, GroupSums};
use crate::realization::waterfall::{Waterfall, waterfall};
use crate::store::realization::{Grouping, Scope, cells, group_sums, line_points};
use crate::store::{StoreError, Workspace};

/// Why a realization result cannot be computed: which read failed.
#[derive(Debug, thiserror::Error)]
pub enum RealizationError {
    #[error("cannot read the waterfall elements")]
    Elements(#[source] StoreError),
    #[error("cannot read the sums for the waterfall")]
    WaterfallSums(#[source] StoreError),
    #[error("cannot read the element sums")]
    ElementSums(#[source] StoreError),
    #[error("cannot read the customer sums")]
    CustomerSums(#[source] StoreError),
    #[error("cannot read the transaction lines")]
    Lines(#[source] StoreError),
    /// A read of the Realization view, reported as the store's error.
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// A store error wrapped as `wrap` says, except a question that a workspace of aggregates
/// cannot answer, whose error says all there is to say (not "cannot read").
pub(crate) fn read(
    wrap: fn(StoreError) -> RealizationError,
) -> impl Fn(StoreError) -> RealizationError {
    move |e| match e {
        StoreError::AggregatesOnly(_) => RealizationError::Store(e),
        e => wrap(e),
    }
}

/// The pocket price waterfall of every group of `grouping` among the lines in `scope`, in the
/// groups' id order (per unit in currency and as % of list).
pub fn waterfalls(
    ws: &Workspace,
    grouping: Grouping,
    scope: &Scope,
) -> Result<Vec<Waterfall>, RealizationError> {
    let elements = crate::store::elements(ws).map_err(RealizationError::Elements)?;
    let groups = group_sums(ws, &elements, grouping, scope)
        .map_err(read(RealizationError::WaterfallSums))?;
    Ok(groups.iter().map(|g| waterfall(&elements, g)).collect())
}

/// What one observation of a band is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandBasis {
    /// A customer × product's net sums (from the aggregates).
    Customer,
    /// A transaction line (lines at the same pocket % merged; scans the transactions).
    Transaction,
}

/// How the bands are built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BandOptions {
    pub by: BandBy,
    pub basis: BandBasis,
    /// Histogram bars per band (at least one is drawn).
    pub bins: usize,
}

/// One group's band and its outliers.
#[derive(Debug, Clone, PartialEq)]
pub struct GroupBand {
    pub key: GroupKey,
    pub band: Band,
    pub outliers: Vec<Outlier>,
}

/// The pocket price band of every group in `scope`, in key order. Outliers are always
/// customers (a customer's net pocket % below the band's p10), whatever the basis of the
/// percentiles.
pub fn bands(
    ws: &Workspace,
    scope: &Scope,
    options: &BandOptions,
) -> Result<Vec<GroupBand>, RealizationError> {
    let cells = cells(ws, scope).map_err(read(RealizationError::CustomerSums))?;
    let groups = group_cells(&cells, options.by);
    let lines = match options.basis {
        BandBasis::Customer => None,
        BandBasis::Transaction => {
            let points = line_points(ws, scope).map_err(read(RealizationError::Lines))?;
            Some(line_observations(&points, options.by))
        }
    };
    let out = groups
        .iter()
        .map(|(key, group)| {
            let obs: Vec<Observation> = match &lines {
                None => group.iter().map(|c| observation(c)).collect(),
                Some(lines) => lines.get(key).cloned().unwrap_or_default(),
            };
            let b = band(&obs, options.bins);
            GroupBand {
                key: key.clone(),
                outliers: outliers(group, &b),
                band: b,
            }
        })
        .collect();
    Ok(out)
}

/// What each element gives away over the lines in `scope`, in the elements' order.
pub fn element_leaks(ws: &Workspace, scope: &Scope) -> Result<Vec<ElementLeak>, RealizationError> {
    let elements = crate::store::elements(ws).map_err(RealizationError::Elements)?;
    let total = group_sums(ws, &elements, Grouping::Total, scope)
        .map_err(read(RealizationError::ElementSums))?
        .into_iter()
        .next()
        .unwrap_or_default();
    Ok(element_leakage(&elements, &total.sums))
}

/// Every customer's discounts in `scope`, largest recoverable margin first.
pub fn customer_leaks(
    ws: &Workspace,
    scope: &Scope,
) -> Result<Vec<CustomerLeak>, RealizationError> {
    let cells = cells(ws, scope).map_err(read(RealizationError::CustomerSums))?;
    Ok(customer_leakage(&cells))
}

/// Per product and per segment, whether volume earns the discount in `scope`.
pub fn volume_discount_fits(
    ws: &Workspace,
    scope: &Scope,
) -> Result<Vec<VolumeFit>, RealizationError> {
    let cells = cells(ws, scope).map_err(read(RealizationError::CustomerSums))?;
    Ok(volume_fits(&cells))
}

/// What the Realization view opens on: the elements, the total and each segment (over the
/// dates of the scope it was read with).
#[derive(Debug, Clone, PartialEq)]
pub struct RealizationRoot {
    pub elements: Vec<Element>,
    pub total: GroupSums,
    pub segments: Vec<GroupSums>,
}

/// Reads the Realization view's first screen.
pub fn realization_root(
    ws: &Workspace,
    within: &Scope,
) -> Result<RealizationRoot, RealizationError> {
    let elements = crate::store::elements(ws)?;
    let scope = within.clone();
    let total = group_sums(ws, &elements, Grouping::Total, &scope)?
        .into_iter()
        .next()
        .unwrap_or_default();
    let segments = group_sums(ws, &elements, Grouping::Segment, &scope)?;
    Ok(RealizationRoot {
        elements,
        total,
        segments,
    })
}

/// One segment drilled into: its products.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentDetail {
    pub segment_id: String,
    /// Keyed by segment and product, in product order.
    pub products: Vec<GroupSums>,
}

/// Reads a segment's products.
pub fn segment_detail(
    ws: &Workspace,
    elements: &[Element],
    segment: &str,
    within: &Scope,
) -> Result<SegmentDetail, RealizationError> {
    let scope = Scope {
        segment: Some(segment.to_string()),
        ..within.clone()
    };
    Ok(SegmentDetail {
        segment_id: segment.to_string(),
        products: group_sums(ws, elements, Grouping::SegmentProduct, &scope)?,
    })
}

/// One segment × product's customers with their full sums (`agg_customer`, through its
/// product index: a few hundred rows, whatever the workspace's size).
#[derive(Debug, Clone, PartialEq)]
pub struct ProductCustomers {
    pub segment_id: String,
    pub product_id: String,
    /// Keyed by segment, product and customer, in customer order.
    pub customers: Vec<GroupSums>,
}

/// Reads the customers of `segment` × `product`.
pub fn product_customers(
    ws: &Workspace,
    elements: &[Element],
    segment: &str,
    product: &str,
    within: &Scope,
) -> Result<ProductCustomers, RealizationError> {
    let scope = Scope {
        segment: Some(segment.to_string()),
        product: Some(product.to_string()),
        ..within.clone()
    };
    Ok(ProductCustomers {
        segment_id: segment.to_string(),
        product_id: product.to_string(),
        customers: group_sums(ws, elements, Grouping::CustomerProduct, &scope)?,
    })
}
