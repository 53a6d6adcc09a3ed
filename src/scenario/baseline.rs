//! What a scenario is evaluated against, as plain data: per segment × product the baseline
//! period's volume and per-unit list price, cost and waterfall elements, and the demand model's
//! answer for the cell.

use super::file::DemandSource;
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
}

/// An elasticity and its 95% interval.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Estimate {
    pub elasticity: f64,
    pub ci_low: f64,
    pub ci_high: f64,
}

/// How far a projection can be trusted, from the demand model's flags.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Confidence {
    /// No usable elasticity: volume is held at the baseline.
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
    /// The cell's own OLS estimate with its interval, when it has one.
    pub raw: Option<Estimate>,
    /// True when the own fit's flag is `ok`.
    pub raw_ok: bool,
    /// The estimate after partial pooling toward the segment.
    pub pooled: Option<Estimate>,
    /// Median WTP (currency per unit) of the best WTP model where quotes exist.
    pub wtp_median: Option<f64>,
    /// d ln P(win) / d ln p of the WTP curve at today's pocket price.
    pub wtp_elasticity: Option<f64>,
}

impl CellDemand {
    /// The estimate the scenario's source asks for and how far to trust it.
    pub fn pick(&self, source: DemandSource) -> (Option<Estimate>, Confidence) {
        let pooled = || match (self.raw_ok, self.raw, self.pooled) {
            (true, Some(raw), _) => (Some(raw), Confidence::High),
            (_, Some(_), Some(p)) if self.raw.is_some_and(|r| r.elasticity > 0.0) => {
                (Some(p), Confidence::Low)
            }
            (_, _, Some(p)) => (Some(p), Confidence::Medium),
            _ => (None, Confidence::None),
        };
        match source {
            DemandSource::Pooled => pooled(),
            DemandSource::Raw => match (self.raw, self.raw_ok) {
                (Some(r), true) => (Some(r), Confidence::High),
                (Some(r), false) => (Some(r), Confidence::Low),
                (None, _) => (None, Confidence::None),
            },
            DemandSource::Wtp => match self.wtp_elasticity {
                Some(e) if e.is_finite() => (
                    Some(Estimate {
                        elasticity: e,
                        ci_low: e,
                        ci_high: e,
                    }),
                    Confidence::Medium,
                ),
                _ => pooled(),
            },
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
        })
    }

    #[test]
    fn the_demand_source_picks_the_estimate_and_its_confidence() {
        let ok = CellDemand {
            raw: est(-2.0),
            raw_ok: true,
            pooled: est(-1.8),
            ..CellDemand::default()
        };
        assert_eq!(ok.pick(DemandSource::Pooled), (est(-2.0), Confidence::High));
        let positive = CellDemand {
            raw: est(0.4),
            raw_ok: false,
            pooled: est(-1.5),
            ..CellDemand::default()
        };
        assert_eq!(
            positive.pick(DemandSource::Pooled),
            (est(-1.5), Confidence::Low)
        );
        assert_eq!(
            positive.pick(DemandSource::Raw),
            (est(0.4), Confidence::Low)
        );
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
