//! Margin leakage: how much each waterfall element gives away, which customers get the deepest
//! discounts and what bringing them to their segment's median would recover, and whether volume
//! earns the discount (the correlation of pocket % with volume across customers).

use super::band::{BandBy, band, group_cells, observation};
use super::sums::{Cell, Element, ElementKind, Sums};
use super::{MIN_VOLUME, pct};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// What one element gives away.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementLeak {
    /// The element's column (`on_volume`).
    pub column: String,
    pub kind: ElementKind,
    /// Σ quantity × per-unit amount, in currency.
    pub amount: f64,
    /// The amount as % of list revenue.
    pub share_of_list_pct: Option<f64>,
}

/// Every element's amount and share of list revenue in `sums`, in the data's order.
pub fn element_leakage(elements: &[Element], sums: &Sums) -> Vec<ElementLeak> {
    elements
        .iter()
        .zip(&sums.elements)
        .map(|(e, amount)| ElementLeak {
            column: e.column.clone(),
            kind: e.kind,
            amount: *amount,
            share_of_list_pct: pct(*amount, sums.list_revenue),
        })
        .collect()
}

/// One customer's discounts over all the products it buys.
#[derive(Debug, Clone, PartialEq)]
pub struct CustomerLeak {
    pub segment_id: Arc<str>,
    pub customer_id: Arc<str>,
    pub products: usize,
    /// Σ net quantity over its products.
    pub volume: f64,
    pub list_revenue: f64,
    pub pocket_revenue: f64,
    /// Total discount (list − pocket) as % of list revenue.
    pub discount_pct: Option<f64>,
    /// Pocket revenue as % of list revenue.
    pub pocket_pct: Option<f64>,
    /// Σ over its products of (segment × product median pocket % − its pocket %) / 100 × list
    /// revenue, where it sits below that median: the pocket margin recovered by bringing it to
    /// its segment's median for each product. In currency.
    pub recoverable: f64,
}

/// Every customer in `cells`, the largest recoverable margin first (then by id).
pub fn customer_leakage(cells: &[Cell]) -> Vec<CustomerLeak> {
    let medians: HashMap<(&str, &str), f64> = group_cells(cells, BandBy::SegmentProduct)
        .into_iter()
        .filter_map(|(_, group)| {
            let first = group.first()?;
            let obs: Vec<_> = group.iter().map(|c| observation(c)).collect();
            let key = (&*first.segment_id, &*first.product_id);
            Some((key, band(&obs, 1).percentiles?.p50))
        })
        .collect();
    let mut by_customer: BTreeMap<&str, CustomerLeak> = BTreeMap::new();
    for c in cells {
        let entry = by_customer
            .entry(&*c.customer_id)
            .or_insert_with(|| CustomerLeak {
                segment_id: c.segment_id.clone(),
                customer_id: c.customer_id.clone(),
                products: 0,
                volume: 0.0,
                list_revenue: 0.0,
                pocket_revenue: 0.0,
                discount_pct: None,
                pocket_pct: None,
                recoverable: 0.0,
            });
        entry.products += 1;
        entry.volume += c.quantity;
        entry.list_revenue += c.list_revenue;
        entry.pocket_revenue += c.pocket_revenue;
        let median = medians.get(&(&*c.segment_id, &*c.product_id)).copied();
        entry.recoverable += recoverable(c, median);
    }
    let mut out: Vec<CustomerLeak> = by_customer
        .into_values()
        .map(|mut c| {
            c.pocket_pct = pct(c.pocket_revenue, c.list_revenue);
            c.discount_pct = pct(c.list_revenue - c.pocket_revenue, c.list_revenue);
            c
        })
        .collect();
    out.sort_by(|a, b| {
        b.recoverable
            .total_cmp(&a.recoverable)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    out
}

fn recoverable(cell: &Cell, median: Option<f64>) -> f64 {
    match (median, pct(cell.pocket_revenue, cell.list_revenue)) {
        (Some(m), Some(p)) if cell.quantity > MIN_VOLUME && p < m => {
            (m - p) / 100.0 * cell.list_revenue
        }
        _ => 0.0,
    }
}

/// Across which customers a correlation is taken.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FitScope {
    /// The customers of one product (volume = its net quantity).
    Product,
    /// The customers of one segment over all their products (volume = list revenue, since
    /// quantities of different products do not add up).
    Segment,
}

impl FitScope {
    pub fn as_str(self) -> &'static str {
        match self {
            FitScope::Product => "product",
            FitScope::Segment => "segment",
        }
    }
}

/// "Does volume earn the discount?" for one product or segment.
#[derive(Debug, Clone, PartialEq)]
pub struct VolumeFit {
    pub scope: FitScope,
    pub id: String,
    /// Customers with positive volume and list revenue (the points of the correlation).
    pub customers: usize,
    /// Pearson correlation of pocket % of list with volume; `None` with fewer than 3
    /// customers or no variation.
    pub r: Option<f64>,
}

impl VolumeFit {
    /// What the correlation says, in words. Volume earns the discount when larger customers
    /// pay a lower pocket % (r clearly negative).
    pub fn finding(&self) -> &'static str {
        match self.r {
            None if self.customers < 3 => "too few customers",
            None => "no variation",
            Some(r) if r <= -0.5 => "earned: strong",
            Some(r) if r <= -0.3 => "earned: moderate",
            Some(r) if r < 0.3 => "not earned: weak correlation",
            Some(_) => "not earned: larger buyers pay more",
        }
    }
}

/// Pearson correlation of the pairs, or `None` for fewer than 3 points or no variation.
pub fn pearson(points: &[(f64, f64)]) -> Option<f64> {
    if points.len() < 3 {
        return None;
    }
    let n = points.len() as f64;
    let (mx, my) = points
        .iter()
        .fold((0.0, 0.0), |(a, b), (x, y)| (a + x / n, b + y / n));
    let (mut sxy, mut sxx, mut syy) = (0.0, 0.0, 0.0);
    for (x, y) in points {
        sxy += (x - mx) * (y - my);
        sxx += (x - mx) * (x - mx);
        syy += (y - my) * (y - my);
    }
    let r = sxy / (sxx * syy).sqrt();
    (sxx > 0.0 && syy > 0.0 && r.is_finite()).then(|| r.clamp(-1.0, 1.0))
}

/// The volume fit for every product (its customers' quantity against their pocket %) and every
/// segment (its customers' list revenue against their pocket %), products first, in id order.
pub fn volume_fits(cells: &[Cell]) -> Vec<VolumeFit> {
    let mut products: BTreeMap<&str, Vec<(f64, f64)>> = BTreeMap::new();
    for c in cells {
        // Every product gets a row, even one without a customer to correlate.
        let points = products.entry(&c.product_id).or_default();
        if let Some(p) = pct(c.pocket_revenue, c.list_revenue).filter(|_| c.quantity > MIN_VOLUME) {
            points.push((c.quantity, p));
        }
    }
    let mut segments: BTreeMap<Arc<str>, Vec<(f64, f64)>> = BTreeMap::new();
    for c in customer_leakage(cells) {
        if let Some(p) = c
            .pocket_pct
            .filter(|_| c.list_revenue > 0.0 && c.volume > MIN_VOLUME)
        {
            segments
                .entry(c.segment_id)
                .or_default()
                .push((c.list_revenue, p));
        }
    }
    let fit = |scope, id: &str, points: &[(f64, f64)]| VolumeFit {
        scope,
        id: id.to_string(),
        customers: points.len(),
        r: pearson(points),
    };
    let mut out: Vec<VolumeFit> = products
        .iter()
        .map(|(id, pts)| fit(FitScope::Product, id, pts))
        .collect();
    out.extend(
        segments
            .iter()
            .map(|(id, pts)| fit(FitScope::Segment, id, pts)),
    );
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pearson_of_a_line_is_one_and_of_a_constant_is_none() {
        let r = pearson(&[(1.0, 2.0), (2.0, 4.0), (3.0, 6.0)]).unwrap_or(0.0);
        assert!((r - 1.0).abs() < 1e-12);
        assert_eq!(pearson(&[(1.0, 2.0), (2.0, 2.0), (3.0, 2.0)]), None);
        assert_eq!(pearson(&[(1.0, 2.0), (2.0, 3.0)]), None);
    }
}
