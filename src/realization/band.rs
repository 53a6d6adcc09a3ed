//! The pocket price band: how widely pocket prices (as % of list) spread across the customers —
//! or the transaction lines — buying the same product, volume-weighted.
//!
//! Percentile definition (the lower weighted quantile, i.e. the inverse of the weighted
//! empirical CDF, numpy's `method="inverted_cdf"` with weights): sort the observations by pocket
//! %, accumulate their volumes C₁ ≤ … ≤ Cₙ = W; the p-th percentile is the smallest value xₖ
//! with Cₖ ≥ p·W. No interpolation: every percentile is an observed pocket %.

use super::sums::{Cell, GroupKey, LineGroup};
use super::{MIN_VOLUME, pct};
use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

/// One observation of the band: a pocket % of list and the volume behind it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Observation {
    /// Pocket price as % of list price.
    pub pocket_pct: f64,
    /// Net quantity (the weight).
    pub volume: f64,
}

/// The band's volume-weighted percentiles of pocket % of list.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Percentiles {
    pub p10: f64,
    pub p25: f64,
    pub p50: f64,
    pub p75: f64,
    pub p90: f64,
}

impl Percentiles {
    /// Band width p90 − p10, in percentage points of list.
    pub fn width(&self) -> f64 {
        self.p90 - self.p10
    }
}

/// One bar of the histogram: volume with pocket % in [lo, hi) (the last bin includes hi).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Bin {
    pub lo_pct: f64,
    pub hi_pct: f64,
    pub volume: f64,
    pub observations: usize,
}

/// The pocket price band of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Band {
    /// Observations in the band (positive net volume and a pocket % of list).
    pub observations: usize,
    /// Observations left out: non-positive net volume or no list revenue.
    pub excluded: usize,
    /// Σ volume of the observations in the band.
    pub volume: f64,
    /// `None` when no observation is left.
    pub percentiles: Option<Percentiles>,
    /// Equal-width bins from the lowest to the highest pocket %.
    pub histogram: Vec<Bin>,
}

/// The lower weighted quantile of `sorted` (by value, weights positive) at `p` in [0, 1].
pub fn weighted_quantile(sorted: &[Observation], p: f64) -> Option<f64> {
    let total: f64 = sorted.iter().map(|o| o.volume).sum();
    // A relative tolerance so that a cumulative volume meeting p·W exactly is not lost to rounding.
    let target = p * total * (1.0 - 1e-12);
    let mut cumulative = 0.0;
    for o in sorted {
        cumulative += o.volume;
        if cumulative >= target {
            return Some(o.pocket_pct);
        }
    }
    sorted.last().map(|o| o.pocket_pct)
}

/// The observations a band is made of — positive volume and a finite pocket % — sorted by
/// pocket % (a stable sort: equal values keep their order). Guidance takes its percentiles from
/// the same list, so its target equals the band's p50 exactly.
pub fn sorted_observations(observations: &[Observation]) -> Vec<Observation> {
    let mut kept: Vec<Observation> = observations
        .iter()
        .copied()
        .filter(|o| o.volume > MIN_VOLUME && o.pocket_pct.is_finite())
        .collect();
    kept.sort_by(|a, b| a.pocket_pct.total_cmp(&b.pocket_pct));
    kept
}

/// The band of `observations` with a histogram of `bins` bars (at least one).
pub fn band(observations: &[Observation], bins: usize) -> Band {
    let kept = sorted_observations(observations);
    let q = |p| weighted_quantile(&kept, p);
    let percentiles = match (q(0.10), q(0.25), q(0.50), q(0.75), q(0.90)) {
        (Some(p10), Some(p25), Some(p50), Some(p75), Some(p90)) => Some(Percentiles {
            p10,
            p25,
            p50,
            p75,
            p90,
        }),
        _ => None,
    };
    Band {
        observations: kept.len(),
        excluded: observations.len() - kept.len(),
        volume: kept.iter().map(|o| o.volume).sum(),
        percentiles,
        histogram: histogram(&kept, bins.max(1)),
    }
}

fn histogram(sorted: &[Observation], bins: usize) -> Vec<Bin> {
    let (Some(first), Some(last)) = (sorted.first(), sorted.last()) else {
        return Vec::new();
    };
    let (lo, hi) = (first.pocket_pct, last.pocket_pct);
    let width = (hi - lo) / bins as f64;
    let mut out: Vec<Bin> = (0..bins)
        .map(|i| Bin {
            lo_pct: lo + width * i as f64,
            hi_pct: if i + 1 == bins {
                hi
            } else {
                lo + width * (i + 1) as f64
            },
            volume: 0.0,
            observations: 0,
        })
        .collect();
    for o in sorted {
        let i = match width > 0.0 {
            true => (((o.pocket_pct - lo) / width) as usize).min(bins - 1),
            false => 0,
        };
        out[i].volume += o.volume;
        out[i].observations += 1;
    }
    out
}

/// A customer × product cell as a band observation: pocket revenue / list revenue × 100,
/// weighted by net quantity (non-finite when there is no list revenue, so it is excluded).
pub fn observation(cell: &Cell) -> Observation {
    Observation {
        pocket_pct: pct(cell.pocket_revenue, cell.list_revenue).unwrap_or(f64::NAN),
        volume: cell.quantity,
    }
}

/// How bands are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BandBy {
    /// All customers buying the product, across segments.
    Product,
    SegmentProduct,
}

/// The group key of `segment` / `product` under `by`.
pub fn band_key(by: BandBy, segment: &str, product: &str) -> GroupKey {
    GroupKey {
        segment_id: (by == BandBy::SegmentProduct).then(|| segment.to_string()),
        product_id: Some(product.to_string()),
        customer_id: None,
    }
}

/// The customer × product cells grouped by `by`, in key order.
pub fn group_cells(cells: &[Cell], by: BandBy) -> Vec<(GroupKey, Vec<&Cell>)> {
    let mut index: HashMap<(&str, &str), usize> = HashMap::new();
    let mut groups: Vec<((&str, &str), Vec<&Cell>)> = Vec::new();
    for c in cells {
        let segment = match by {
            BandBy::Product => "",
            BandBy::SegmentProduct => &c.segment_id,
        };
        let key = (segment, &*c.product_id);
        let i = *index.entry(key).or_insert_with(|| {
            groups.push((key, Vec::new()));
            groups.len() - 1
        });
        groups[i].1.push(c);
    }
    groups.sort_by(|a, b| a.0.cmp(&b.0));
    groups
        .into_iter()
        .map(|((segment, product), group)| (band_key(by, segment, product), group))
        .collect()
}

/// The transaction-basis points of each segment × product as band observations (volume =
/// the point's net quantity), grouped by `by`.
pub fn line_observations(groups: &[LineGroup], by: BandBy) -> BTreeMap<GroupKey, Vec<Observation>> {
    let mut out: BTreeMap<GroupKey, Vec<Observation>> = BTreeMap::new();
    for g in groups {
        out.entry(band_key(by, &g.segment_id, &g.product_id))
            .or_default()
            .extend(g.points.iter().map(|p| Observation {
                pocket_pct: p.pocket_pct,
                volume: p.quantity,
            }));
    }
    out
}

/// A customer whose pocket % of list sits below the band's p10.
#[derive(Debug, Clone, PartialEq)]
pub struct Outlier {
    pub segment_id: Arc<str>,
    pub product_id: Arc<str>,
    pub customer_id: Arc<str>,
    pub pocket_pct: f64,
    pub volume: f64,
    pub list_revenue: f64,
    /// Pocket margin recovered if brought to the band's median:
    /// (p50 − pocket %) / 100 × list revenue, in currency.
    pub recoverable: f64,
}

/// The customers among `cells` whose pocket % is below `band`'s p10, largest recoverable first.
pub fn outliers(cells: &[&Cell], band: &Band) -> Vec<Outlier> {
    let Some(p) = band.percentiles else {
        return Vec::new();
    };
    let mut out: Vec<Outlier> = cells
        .iter()
        .filter(|c| c.quantity > MIN_VOLUME)
        .filter_map(|c| {
            let pocket_pct = pct(c.pocket_revenue, c.list_revenue)?;
            (pocket_pct < p.p10).then(|| Outlier {
                segment_id: c.segment_id.clone(),
                product_id: c.product_id.clone(),
                customer_id: c.customer_id.clone(),
                pocket_pct,
                volume: c.quantity,
                list_revenue: c.list_revenue,
                recoverable: (p.p50 - pocket_pct) / 100.0 * c.list_revenue,
            })
        })
        .collect();
    out.sort_by(|a, b| {
        b.recoverable
            .total_cmp(&a.recoverable)
            .then_with(|| a.customer_id.cmp(&b.customer_id))
    });
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realization::sums::LinePoint;

    fn obs(points: &[(f64, f64)]) -> Vec<Observation> {
        points
            .iter()
            .map(|&(pocket_pct, volume)| Observation { pocket_pct, volume })
            .collect()
    }

    #[test]
    fn lower_weighted_quantile_takes_the_first_value_reaching_p_of_the_volume() {
        // Volumes 10, 30, 60 at 70 %, 80 %, 90 %: cumulative 10, 40, 100.
        let b = band(&obs(&[(90.0, 60.0), (70.0, 10.0), (80.0, 30.0)]), 4);
        let p = b.percentiles.unwrap_or(Percentiles {
            p10: 0.0,
            p25: 0.0,
            p50: 0.0,
            p75: 0.0,
            p90: 0.0,
        });
        assert_eq!(
            (p.p10, p.p25, p.p50, p.p75, p.p90),
            (70.0, 80.0, 90.0, 90.0, 90.0)
        );
        assert_eq!(p.width(), 20.0);
    }

    #[test]
    fn non_positive_volume_is_excluded_and_counted() {
        let b = band(
            &obs(&[(80.0, 0.0), (85.0, -5.0), (90.0, 1.0), (f64::NAN, 3.0)]),
            2,
        );
        assert_eq!((b.observations, b.excluded), (1, 3));
        assert_eq!(b.percentiles.map(|p| p.p50), Some(90.0));
        assert_eq!(b.histogram.len(), 2);
        assert_eq!(b.histogram[0].volume, 1.0);
    }

    #[test]
    fn line_points_of_a_product_pool_across_segments_unless_grouped_by_segment() {
        let group = |segment: &str, points: &[(f64, f64)]| LineGroup {
            segment_id: segment.to_string(),
            product_id: "P1".to_string(),
            points: points
                .iter()
                .map(|&(pocket_pct, quantity)| LinePoint {
                    pocket_pct,
                    quantity,
                })
                .collect(),
        };
        let groups = [group("S1", &[(80.0, 2.0)]), group("S2", &[(90.0, 3.0)])];
        let pooled = line_observations(&groups, BandBy::Product);
        assert_eq!(pooled.len(), 1);
        assert_eq!(
            pooled[&band_key(BandBy::Product, "", "P1")],
            obs(&[(80.0, 2.0), (90.0, 3.0)])
        );
        let apart = line_observations(&groups, BandBy::SegmentProduct);
        assert_eq!(apart.len(), 2);
        assert_eq!(
            apart[&band_key(BandBy::SegmentProduct, "S2", "P1")],
            obs(&[(90.0, 3.0)])
        );
    }

    #[test]
    fn empty_band_has_no_percentiles() {
        let b = band(&[], 10);
        assert_eq!(b.percentiles, None);
        assert!(b.histogram.is_empty());
    }
}
