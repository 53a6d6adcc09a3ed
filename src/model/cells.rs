//! Many segment × product cells at once: elasticity per cell pooled within each segment, WTP
//! per cell (and per product over all segments), Van Westendorp per cell — pure, over plain data.

use super::elasticity::{
    ElasticityFit, Estimate, FitStatus, PeriodPoint, fit_elasticity, pool_elasticities,
    pool_estimates,
};
use super::panel::{PanelFit, PanelObs, PanelOptions, fit_panel};
use super::parallel::map_cells;
use super::psm::{PsmResult, SurveyAnswer, compute_psm};
use super::wtp::{
    Quote, QuoteCosts, WtpFit, WtpModel, WtpStatus, fit_wtp_all_costs, fit_wtp_costs,
};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::sync::atomic::{AtomicUsize, Ordering as AtomicOrdering};

/// The segment id of a row that covers every segment of a product (WTP, PSM).
pub const ALL_SEGMENTS: &str = "*";

/// One segment × product cell's aggregated periods, in period order.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CellPoints {
    pub segment_id: String,
    pub product_id: String,
    pub points: Vec<PeriodPoint>,
}

/// Which elasticity estimator a number comes from. Text forms are stable (CSV, JSON, the
/// workspace, scenario files).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DemandModel {
    /// Log-log OLS on each cell's weekly (or monthly) totals ([`fit_elasticity`]).
    #[default]
    Cell,
    /// Customer fixed effects, month-of-year effects and a trend on each customer's monthly
    /// quantity and price ([`fit_panel`]).
    Panel,
}

impl DemandModel {
    pub fn as_str(self) -> &'static str {
        match self {
            DemandModel::Cell => "cell",
            DemandModel::Panel => "panel",
        }
    }

    /// The model whose text form is `text`.
    pub fn parse(text: &str) -> Option<DemandModel> {
        [DemandModel::Cell, DemandModel::Panel]
            .into_iter()
            .find(|m| m.as_str() == text)
    }
}

/// One cell's customer-months for the panel model, sorted by customer and month.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PanelCell {
    pub segment_id: String,
    pub product_id: String,
    pub obs: Vec<PanelObs>,
}

/// One cell's elasticity: the raw fit beside its partially pooled value.
///
/// Cell model: `elasticity`, `std_error`, `ci_*` and `r_squared` are the cell's own log-log
/// OLS fit (95% CI with Student t, n − 2 df). Panel model: the fixed-effects estimate with its
/// cluster-robust SE (95% CI with Student t, G − 1 df) and within R². `pooled_*` is the
/// DerSimonian–Laird shrinkage toward the segment (normal 95% CI). `flag` is the raw fit's
/// status. Absent numbers are `None`, never NaN.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ElasticityRow {
    pub segment_id: String,
    pub product_id: String,
    /// Periods used by the fit (Q > 0 and P > 0); for the panel, customer-months.
    pub n_periods: usize,
    /// Panel model: customers with two or more usable months (the clusters); `None` for the
    /// cell model.
    #[serde(default)]
    pub n_customers: Option<usize>,
    pub elasticity: Option<f64>,
    pub std_error: Option<f64>,
    pub ci_low: Option<f64>,
    pub ci_high: Option<f64>,
    pub r_squared: Option<f64>,
    pub pooled_elasticity: Option<f64>,
    pub pooled_ci_low: Option<f64>,
    pub pooled_ci_high: Option<f64>,
    pub flag: FitStatus,
}

impl ElasticityRow {
    /// (estimate, ci_low, ci_high) to build on: the raw fit when its flag is `ok`, else the
    /// pooled one; `None` when neither exists.
    pub fn usable(&self) -> Option<(f64, f64, f64)> {
        match self.flag {
            FitStatus::Ok => Some((self.elasticity?, self.ci_low?, self.ci_high?)),
            _ => Some((
                self.pooled_elasticity?,
                self.pooled_ci_low?,
                self.pooled_ci_high?,
            )),
        }
    }

    /// True when [`ElasticityRow::usable`] falls back to the pooled estimate.
    pub fn uses_pooled(&self) -> bool {
        self.flag != FitStatus::Ok
    }
}

/// Fits every cell by log-log OLS ([`fit_elasticity`]) and pools the cells of each segment
/// ([`pool_elasticities`]); one row per input cell, in input order.
pub fn fit_elasticity_cells(cells: &[CellPoints]) -> Vec<ElasticityRow> {
    let fits: Vec<ElasticityFit> = cells.iter().map(|c| fit_elasticity(&c.points)).collect();
    let mut rows: Vec<ElasticityRow> = cells.iter().zip(&fits).map(raw_row).collect();
    for members in by_segment(cells.iter().map(|c| c.segment_id.as_str())) {
        let group: Vec<ElasticityFit> = members.iter().map(|&i| fits[i]).collect();
        let pooled = pool_elasticities(&group);
        for (&i, p) in members.iter().zip(&pooled.cells) {
            rows[i].pooled_elasticity = p.elasticity;
            rows[i].pooled_ci_low = p.ci_low;
            rows[i].pooled_ci_high = p.ci_high;
        }
    }
    rows
}

/// Indices of the cells of each segment, segments in id order.
fn by_segment<'a>(segments: impl Iterator<Item = &'a str>) -> Vec<Vec<usize>> {
    let mut groups: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, s) in segments.enumerate() {
        groups.entry(s).or_default().push(i);
    }
    groups.into_values().collect()
}

/// Fits every cell by the panel estimator ([`fit_panel`]) and pools the cells of each segment
/// with the same shrinkage as the cell model ([`pool_estimates`]); one row per input cell, in
/// input order. The cells are fitted on every core.
pub fn fit_panel_cells(cells: &[PanelCell], opts: &PanelOptions) -> Vec<ElasticityRow> {
    let fits: Vec<PanelFit> = map_cells(cells, |_, c| fit_panel(&c.obs, opts));
    let mut rows: Vec<ElasticityRow> = cells.iter().zip(&fits).map(panel_row).collect();
    for members in by_segment(cells.iter().map(|c| c.segment_id.as_str())) {
        let group: Vec<Estimate> = members
            .iter()
            .map(|&i| Estimate {
                elasticity: fits[i].elasticity,
                std_error: fits[i].std_error,
            })
            .collect();
        for (&i, p) in members.iter().zip(&pool_estimates(&group).cells) {
            rows[i].pooled_elasticity = p.elasticity;
            rows[i].pooled_ci_low = p.ci_low;
            rows[i].pooled_ci_high = p.ci_high;
        }
    }
    rows
}

fn panel_row((cell, fit): (&PanelCell, &PanelFit)) -> ElasticityRow {
    ElasticityRow {
        segment_id: cell.segment_id.clone(),
        product_id: cell.product_id.clone(),
        n_periods: fit.n_obs,
        n_customers: Some(fit.n_customers),
        elasticity: fit.elasticity,
        std_error: fit.std_error,
        ci_low: fit.ci_low,
        ci_high: fit.ci_high,
        r_squared: fit.r_squared,
        pooled_elasticity: None,
        pooled_ci_low: None,
        pooled_ci_high: None,
        flag: fit.status,
    }
}

fn raw_row((cell, fit): (&CellPoints, &ElasticityFit)) -> ElasticityRow {
    ElasticityRow {
        segment_id: cell.segment_id.clone(),
        product_id: cell.product_id.clone(),
        n_periods: fit.n_periods,
        n_customers: None,
        elasticity: fit.elasticity,
        std_error: fit.std_error,
        ci_low: fit.ci_low,
        ci_high: fit.ci_high,
        r_squared: fit.r_squared,
        pooled_elasticity: None,
        pooled_ci_low: None,
        pooled_ci_high: None,
        flag: fit.status,
    }
}

/// One cell's quotes and the product's unit cost (currency per unit).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuoteCell {
    /// A segment, or [`ALL_SEGMENTS`] for the product over every segment.
    pub segment_id: String,
    pub product_id: String,
    pub unit_cost: f64,
    /// Off-invoice costs per unit that a won quote brings (see [`QuoteCosts`]): a share of the
    /// quoted price, and an amount per unit. 0 when unknown.
    pub off_share: f64,
    pub off_fixed: f64,
    pub quotes: Vec<Quote>,
}

impl QuoteCell {
    /// What a won quote of this cell costs per unit.
    pub fn costs(&self) -> QuoteCosts {
        QuoteCosts {
            unit_cost: self.unit_cost,
            off_share: self.off_share,
            off_fixed: self.off_fixed,
        }
    }

    /// Share of usable quotes won; `None` without quotes.
    pub fn win_rate(&self) -> Option<f64> {
        let n = self.quotes.len();
        let won = self.quotes.iter().filter(|q| q.won).count();
        (n > 0).then(|| won as f64 / n as f64)
    }

    /// Win rate per equal-width quoted-price bin (bin centre, share won), empty bins left out;
    /// no bins when the quotes have no price spread.
    pub fn binned_win_rates(&self, bins: usize) -> Vec<(f64, f64)> {
        let bins = bins.max(1);
        let prices = self.quotes.iter().map(|q| q.price);
        let lo = prices.clone().fold(f64::INFINITY, f64::min);
        let hi = prices.fold(f64::NEG_INFINITY, f64::max);
        if !(lo.is_finite() && hi.is_finite() && hi > lo) {
            return Vec::new();
        }
        let width = (hi - lo) / bins as f64;
        let mut counts = vec![(0usize, 0usize); bins];
        for q in &self.quotes {
            let b = (((q.price - lo) / width) as usize).min(bins - 1);
            counts[b].0 += usize::from(q.won);
            counts[b].1 += 1;
        }
        counts
            .iter()
            .enumerate()
            .filter(|(_, c)| c.1 > 0)
            .map(|(i, c)| (lo + (i as f64 + 0.5) * width, c.0 as f64 / c.1 as f64))
            .collect()
    }
}

/// One WTP model fitted to one cell.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WtpRow {
    pub segment_id: String,
    pub product_id: String,
    pub unit_cost: f64,
    /// Quotes won / quotes in the cell; `None` without quotes.
    pub win_rate: Option<f64>,
    pub fit: WtpFit,
}

impl WtpRow {
    /// The fit's status, or `no_interior_optimum` when the expected margin rises to the end of
    /// the search, or `extrapolated` when the max-margin price lies outside the quoted prices.
    pub fn flag(&self) -> &'static str {
        match self.fit.status {
            WtpStatus::Ok if self.fit.no_interior_optimum => "no_interior_optimum",
            WtpStatus::Ok if self.fit.optimal_price_extrapolated => "extrapolated",
            s => s.as_str(),
        }
    }
}

/// Fits `model` (or, with `None`, all three with the best by AIC marked) to every cell by
/// maximum likelihood; the cells are spread over the machine's cores. Rows come in cell order,
/// models in [`WtpModel::ALL`] order within a cell.
pub fn fit_wtp_cells(cells: &[QuoteCell], model: Option<WtpModel>) -> Vec<WtpRow> {
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get());
    // Cells differ a lot in size (a product over all segments holds every segment's quotes), so
    // threads take the next cell as they finish rather than fixed shares.
    let next = AtomicUsize::new(0);
    let mut done: Vec<(usize, Vec<WtpRow>)> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads.min(cells.len()).max(1))
            .map(|_| {
                s.spawn(|| {
                    let mut out = Vec::new();
                    loop {
                        let i = next.fetch_add(1, AtomicOrdering::Relaxed);
                        let Some(cell) = cells.get(i) else { break out };
                        out.push((i, wtp_rows(cell, model)));
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_default())
            .collect()
    });
    done.sort_by_key(|(i, _)| *i);
    done.into_iter().flat_map(|(_, rows)| rows).collect()
}

fn wtp_rows(cell: &QuoteCell, model: Option<WtpModel>) -> Vec<WtpRow> {
    let fits = match model {
        Some(m) => vec![fit_wtp_costs(&cell.quotes, m, &cell.costs())],
        None => fit_wtp_all_costs(&cell.quotes, &cell.costs()).fits,
    };
    fits.into_iter()
        .map(|fit| WtpRow {
            segment_id: cell.segment_id.clone(),
            product_id: cell.product_id.clone(),
            unit_cost: cell.unit_cost,
            win_rate: cell.win_rate(),
            fit,
        })
        .collect()
}

/// One row per cell: the model marked best by AIC, or (when no model could be fitted) the
/// first row of the cell, which carries the reason in its status.
pub fn best_wtp(rows: Vec<WtpRow>) -> Vec<WtpRow> {
    let mut out: Vec<WtpRow> = Vec::new();
    for row in rows {
        let same_cell = out.last().is_some_and(|last: &WtpRow| {
            last.segment_id == row.segment_id && last.product_id == row.product_id
        });
        match same_cell {
            false => out.push(row),
            true if row.fit.best_by_aic => {
                if let Some(last) = out.last_mut() {
                    *last = row;
                }
            }
            true => {}
        }
    }
    out
}

/// One cell's Van Westendorp answers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SurveyCell {
    /// A segment, or [`ALL_SEGMENTS`] for the product over every segment.
    pub segment_id: String,
    pub product_id: String,
    pub answers: Vec<SurveyAnswer>,
}

/// One cell's price sensitivity meter.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PsmRow {
    pub segment_id: String,
    pub product_id: String,
    pub result: PsmResult,
}

/// Computes the Van Westendorp points ([`compute_psm`]) of every cell, in cell order.
pub fn compute_psm_cells(cells: &[SurveyCell]) -> Vec<PsmRow> {
    cells
        .iter()
        .map(|c| PsmRow {
            segment_id: c.segment_id.clone(),
            product_id: c.product_id.clone(),
            result: compute_psm(&c.answers),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(segment: &str, product: &str, pts: &[(f64, f64)]) -> CellPoints {
        CellPoints {
            segment_id: segment.into(),
            product_id: product.into(),
            points: pts
                .iter()
                .map(|&(quantity, price)| PeriodPoint { quantity, price })
                .collect(),
        }
    }

    #[test]
    fn pooling_is_per_segment_and_usable_falls_back_to_it() {
        let good = [(100.0, 1.0), (80.0, 1.1), (67.0, 1.2), (58.0, 1.3)];
        let cells = [
            cell("A", "P1", &good),
            cell("A", "P2", &[(10.0, 2.0), (10.0, 2.0)]),
            cell("B", "P1", &good),
        ];
        let rows = fit_elasticity_cells(&cells);
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].flag, FitStatus::Ok);
        assert_eq!(rows[1].flag, FitStatus::NoPriceVariation);
        assert_eq!(rows[1].elasticity, None);
        let (e, lo, hi) = rows[1].usable().unwrap_or_default();
        assert_eq!(Some(e), rows[0].pooled_elasticity);
        assert!(lo < e && e < hi);
        assert_eq!(rows[0].usable().map(|u| u.0), rows[0].elasticity);
        assert!(rows[2].pooled_elasticity.is_some());
    }

    #[test]
    fn best_wtp_keeps_one_row_per_cell() {
        let quotes: Vec<Quote> = (0..60)
            .map(|i| Quote {
                price: 5.0 + (i % 10) as f64,
                won: (i * 7 % 10) as f64 > (i % 10) as f64,
            })
            .collect();
        let cells = [
            QuoteCell {
                segment_id: "A".into(),
                product_id: "P".into(),
                unit_cost: 3.0,
                off_share: 0.0,
                off_fixed: 0.0,
                quotes: quotes.clone(),
            },
            QuoteCell {
                segment_id: "B".into(),
                product_id: "P".into(),
                unit_cost: 3.0,
                off_share: 0.0,
                off_fixed: 0.0,
                quotes: vec![Quote {
                    price: 5.0,
                    won: true,
                }],
            },
        ];
        let rows = fit_wtp_cells(&cells, None);
        assert_eq!(rows.len(), 6);
        let best = best_wtp(rows);
        assert_eq!(best.len(), 2);
        assert_eq!(best[1].fit.median_wtp, None);
    }
}
