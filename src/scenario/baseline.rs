//! What a scenario is evaluated against, as plain data: per segment × product the baseline
//! period's volume and per-unit list price, cost and waterfall elements, and the demand model's
//! answer for the cell.

use super::file::DemandSource;
use crate::model::{DemandModel, FitStatus};
use serde::Serialize;

/// A waterfall element: its column (`on_volume`) and whether it is taken off the invoice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ElementDef {
    pub column: String,
    pub on_invoice: bool,
}

/// One segment × product cell of the baseline period (positive net volume and list price).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BaselineCell {
    pub segment_id: String,
    pub product_id: String,
    pub family: Option<String>,
    /// Σ quantity over the period, net of returns (> 0).
    pub quantity: f64,
    /// Quantity-weighted list price per unit (> 0).
    pub list_price: f64,
    /// Quantity-weighted unit cost.
    pub unit_cost: f64,
    /// Per-unit amount of each element, in [`Baseline::elements`] order.
    pub elements: Vec<f64>,
    pub demand: CellDemand,
    /// The cell's customers over the period, for discount rules that bind customer by
    /// customer; empty: the cell acts as one customer.
    pub customers: Vec<CustomerLine>,
    /// The lowest and highest weekly pocket price per unit of the period: the prices the data
    /// has seen.
    pub observed_pocket: Option<(f64, f64)>,
}

/// One customer's sums in a cell over the baseline period (returns netted).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CustomerLine {
    /// Σ quantity.
    pub quantity: f64,
    /// Σ quantity × list price.
    pub list_revenue: f64,
    /// Σ quantity × per-unit amount of each element, in [`Baseline::elements`] order.
    pub element_sums: Vec<f64>,
}

impl BaselineCell {
    /// List price − Σ every element.
    pub fn pocket_price(&self) -> f64 {
        self.list_price - self.elements.iter().sum::<f64>()
    }
}

/// The baseline: its period, the elements, and the cells in segment, product order.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Baseline {
    /// First and last day, YYYY-MM-DD.
    pub from: String,
    pub to: String,
    pub elements: Vec<ElementDef>,
    pub cells: Vec<BaselineCell>,
    /// Each competitor × our product × competitor product's latest price dated in the period
    /// (competitors.csv), for value drivers whose reference is a competitor's price and for the
    /// value map.
    pub competitors: Vec<crate::model::competitor::CompetitorPrice>,
}

/// An elasticity, its 95% interval and its sampling distribution: elasticity + std_error · T,
/// T Student t with `df` degrees of freedom (an own fit: periods − 2), or standard normal when
/// `df` is `None` (a pooled estimate, whose interval is ± 1.96 SE).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub elasticity: f64,
    pub ci_low: f64,
    pub ci_high: f64,
    pub std_error: f64,
    pub df: Option<f64>,
}

impl Estimate {
    /// An estimate without sampling uncertainty (a WTP curve's point elasticity).
    pub fn exact(elasticity: f64) -> Estimate {
        Estimate {
            elasticity,
            ci_low: elasticity,
            ci_high: elasticity,
            std_error: 0.0,
            df: None,
        }
    }

    /// True when the 95% interval lies below 0: the data show a falling demand curve.
    pub fn is_negative(&self) -> bool {
        self.ci_high < 0.0
    }
}

/// How far a projection can be trusted, from the demand model's flags.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// No usable elasticity: volume is held at the baseline.
    #[default]
    None,
    /// A pooled estimate standing in for a cell whose own fit has a positive slope or no price
    /// variation.
    Low,
    /// A pooled estimate for a thin cell (too few periods, wide interval), or a WTP curve.
    Medium,
    /// The cell's own fit is ok.
    High,
}

impl Confidence {
    pub fn as_str(self) -> &'static str {
        match self {
            Confidence::None => "none",
            Confidence::Low => "low",
            Confidence::Medium => "medium",
            Confidence::High => "high",
        }
    }
}

/// The demand model's answer for one cell, as plain data (from the elasticity and WTP fits).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct CellDemand {
    /// The elasticity model the estimates come from (`None`: no fit).
    pub model: Option<DemandModel>,
    /// The cell's own estimate with its interval, when it has one.
    pub raw: Option<Estimate>,
    /// The own fit's flag (`None`: no fit). A cell whose price never moved
    /// (`no_price_variation`) has nothing in its data that speaks to its demand response, and
    /// a segment average is not borrowed for it.
    pub flag: Option<FitStatus>,
    /// The estimate after partial pooling toward the segment.
    pub pooled: Option<Estimate>,
    /// Median WTP (currency per unit) of the best WTP model where quotes exist.
    pub wtp_median: Option<f64>,
    /// d ln P(win) / d ln p of the WTP curve at today's pocket price.
    pub wtp_elasticity: Option<f64>,
}

impl CellDemand {
    /// True when the own fit's flag is `ok`.
    pub fn raw_ok(&self) -> bool {
        self.flag == Some(FitStatus::Ok)
    }

    pub fn no_price_variation(&self) -> bool {
        self.flag == Some(FitStatus::NoPriceVariation)
    }

    /// The estimate the scenario's source asks for and how far to trust it. Only evidence is
    /// used: the cell's own fit when it is `ok`; else the segment-pooled estimate when its
    /// interval lies below 0 (`low` standing in for a positive own slope, else `medium`);
    /// never anything for a cell whose price did not move. Without evidence: `None`, and the
    /// cell keeps its volume and price.
    pub fn pick(&self, source: DemandSource) -> (Option<Estimate>, Confidence) {
        match source {
            DemandSource::Pooled => self.pooled_pick(),
            DemandSource::Raw => match self.raw {
                Some(r) if self.raw_ok() => (Some(r), Confidence::High),
                Some(r) if r.is_negative() && !self.no_price_variation() => {
                    (Some(r), Confidence::Low)
                }
                _ => (None, Confidence::None),
            },
            DemandSource::Wtp => match self.wtp_elasticity {
                Some(e) if e.is_finite() => (Some(Estimate::exact(e)), Confidence::Medium),
                _ => self.pooled_pick(),
            },
        }
    }

    fn pooled_pick(&self) -> (Option<Estimate>, Confidence) {
        if let (true, Some(raw)) = (self.raw_ok(), self.raw) {
            return (Some(raw), Confidence::High);
        }
        match self.pooled {
            _ if self.no_price_variation() => (None, Confidence::None),
            Some(p) if p.is_negative() => {
                let positive = self.raw.is_some_and(|r| r.elasticity > 0.0);
                let confidence = match positive {
                    true => Confidence::Low,
                    false => Confidence::Medium,
                };
                (Some(p), confidence)
            }
            _ => (None, Confidence::None),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn est(e: f64) -> Option<Estimate> {
        Some(Estimate {
            elasticity: e,
            ci_low: e - 0.5,
            ci_high: e + 0.5,
            std_error: 0.5 / 1.96,
            df: None,
        })
    }

    #[test]
    fn the_demand_source_picks_the_estimate_and_its_confidence() {
        let ok = CellDemand {
            raw: est(-2.0),
            flag: Some(FitStatus::Ok),
            pooled: est(-1.8),
            ..CellDemand::default()
        };
        assert_eq!(ok.pick(DemandSource::Pooled), (est(-2.0), Confidence::High));
        let positive = CellDemand {
            raw: est(0.4),
            flag: Some(FitStatus::PositiveSlope),
            pooled: est(-1.5),
            ..CellDemand::default()
        };
        assert_eq!(
            positive.pick(DemandSource::Pooled),
            (est(-1.5), Confidence::Low)
        );
        // A positive own slope is not evidence of a response.
        assert_eq!(positive.pick(DemandSource::Raw), (None, Confidence::None));
        let thin = CellDemand {
            pooled: est(-1.5),
            ..CellDemand::default()
        };
        assert_eq!(
            thin.pick(DemandSource::Pooled),
            (est(-1.5), Confidence::Medium)
        );
        assert_eq!(thin.pick(DemandSource::Raw), (None, Confidence::None));
        let quoted = CellDemand {
            wtp_elasticity: Some(-2.5),
            ..thin.clone()
        };
        let (e, c) = quoted.pick(DemandSource::Wtp);
        assert_eq!(
            (e.map(|e| e.elasticity), c),
            (Some(-2.5), Confidence::Medium)
        );
        assert_eq!(
            thin.pick(DemandSource::Wtp),
            (est(-1.5), Confidence::Medium)
        );
    }
}
