//! The value map per segment × product family: price (x) against perceived benefit (y) for our
//! products and the competitors', with the value-equivalence line, and each offer's distance
//! from it — pure, from the value rows and the baseline's competitor prices.
//!
//! **Perceived benefit is money**: what an offer is worth to the segment, per unit, in the
//! currency of the prices. For our product it is its economic value (reference value + Σ
//! differentiation values, as `pricebench value` prints it). The differentiation values are
//! measured against the next-best alternative, so every competitor offer for the same product
//! of ours is taken to deliver the reference's benefit: its benefit is the reference value
//! (the analyst gives a competitor its own benefit by making it a reference elsewhere). The
//! reference itself — a competitor's price, or a plain `reference_price` for an alternative
//! such as in-house work — sits where price = benefit.
//!
//! **The value-equivalence line** is benefit = price (slope 1 through the origin and through
//! every reference point): an offer on it is priced exactly at what it delivers, so a customer
//! is indifferent between it and the reference. **Distance from the line** is `gap` = price −
//! benefit per unit: positive = over-priced for the benefit it delivers (right of / below the
//! line: customers get less than they pay for, and share will be lost), negative =
//! under-priced (a value advantage we give away, or a competitor's threat); `gap_pct` = gap /
//! benefit. Our price is the customer net price (invoice less the off-invoice money returned
//! to the customer), the price the customer compares with the alternative.

use super::pricing::ValueRow;
use crate::model::competitor::CompetitorPrice;
use serde::Serialize;
use std::collections::BTreeMap;

/// Within this share of the benefit (0.5%), an offer counts as on the line.
pub const ON_LINE_SHARE: f64 = 0.005;

/// Every segment × family of the scenario's value-driven cells.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ValueMap {
    /// In segment, family order (cells without a family are the family `None`, first).
    pub groups: Vec<ValueMapGroup>,
}

/// One segment × product family's map.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValueMapGroup {
    pub segment_id: String,
    pub family: Option<String>,
    /// Our products (by product), then for each the reference and the other competitor offers.
    pub points: Vec<ValuePoint>,
    /// Benefit = slope × price + intercept: always slope 1, intercept 0 (see the module doc).
    pub line: EquivalenceLine,
}

/// The value-equivalence line, y = slope · x + intercept (benefit against price, per unit).
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct EquivalenceLine {
    pub slope: f64,
    pub intercept: f64,
}

/// Whose offer a point is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Offer {
    /// Our product.
    Ours,
    /// A competitor's product from competitors.csv.
    Competitor,
    /// The reference given as a plain `reference_price` (an alternative that is not a priced
    /// competitor product: in-house work, a substitute).
    Alternative,
}

/// Where a point lies against the line.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Position {
    /// Price above the benefit by more than [`ON_LINE_SHARE`].
    OverPriced,
    /// Within [`ON_LINE_SHARE`] of the line.
    OnLine,
    /// Price below the benefit by more than [`ON_LINE_SHARE`].
    UnderPriced,
}

impl Position {
    pub fn as_str(self) -> &'static str {
        match self {
            Position::OverPriced => "over_priced",
            Position::OnLine => "on_line",
            Position::UnderPriced => "under_priced",
        }
    }
}

/// One offer on the map; all amounts per unit, in the data's currency.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ValuePoint {
    pub offer: Offer,
    /// Our product id; for a competitor or an alternative, the product of ours it is compared with.
    pub product_id: String,
    /// For a competitor: its name; for an alternative: the scenario's `alternative` text.
    pub competitor: Option<String>,
    pub competitor_product: Option<String>,
    /// True for the point the product's economic value is measured from.
    pub is_reference: bool,
    /// What is shown beside the point: `P0001`, `Competitor A AV-100`, `In-house monitoring`.
    pub label: String,
    /// x: our customer net price; a competitor's latest price in the baseline; the reference.
    pub price: f64,
    /// y: perceived benefit in money (see the module doc).
    pub benefit: f64,
    /// price − benefit: > 0 over-priced for the benefit, < 0 under-priced.
    pub gap: f64,
    /// 100 × gap / benefit; `None` when the benefit is not positive.
    pub gap_pct: Option<f64>,
    pub position: Position,
}

impl ValuePoint {
    fn new(offer: Offer, product_id: &str, label: String, price: f64, benefit: f64) -> ValuePoint {
        let gap = price - benefit;
        let position = match gap {
            g if g > ON_LINE_SHARE * benefit.abs() => Position::OverPriced,
            g if g < -ON_LINE_SHARE * benefit.abs() => Position::UnderPriced,
            _ => Position::OnLine,
        };
        ValuePoint {
            offer,
            product_id: product_id.to_string(),
            competitor: None,
            competitor_product: None,
            is_reference: false,
            label,
            price,
            benefit,
            gap,
            gap_pct: (benefit > 0.0).then(|| 100.0 * gap / benefit),
            position,
        }
    }
}

/// The value map of the value rows that have an economic value, with `competitors` (each
/// competitor product's latest price in the baseline) as the competitor offers.
pub fn value_map(rows: &[ValueRow], competitors: &[CompetitorPrice]) -> ValueMap {
    let mut groups: BTreeMap<(&str, Option<&str>), Vec<&ValueRow>> = BTreeMap::new();
    for r in rows.iter().filter(|r| r.value.is_some()) {
        groups
            .entry((r.segment_id.as_str(), r.family.as_deref()))
            .or_default()
            .push(r);
    }
    let groups = groups
        .into_iter()
        .map(|((segment, family), mut rows)| {
            rows.sort_by(|a, b| a.product_id.cmp(&b.product_id));
            ValueMapGroup {
                segment_id: segment.to_string(),
                family: family.map(str::to_string),
                points: points(&rows, competitors),
                line: EquivalenceLine {
                    slope: 1.0,
                    intercept: 0.0,
                },
            }
        })
        .collect();
    ValueMap { groups }
}

/// Our products first, then each product's reference and its other competitor offers.
fn points(rows: &[&ValueRow], competitors: &[CompetitorPrice]) -> Vec<ValuePoint> {
    let mut ours = Vec::new();
    let mut theirs = Vec::new();
    for r in rows {
        let Some(v) = &r.value else { continue };
        ours.push(ValuePoint::new(
            Offer::Ours,
            &r.product_id,
            r.product_id.clone(),
            r.customer_net_price,
            v.economic_value,
        ));
        let reference = v.reference_value;
        if r.reference_competitor.is_none() {
            let label = r.alternative.clone().unwrap_or_else(|| "reference".into());
            let mut p = ValuePoint::new(
                Offer::Alternative,
                &r.product_id,
                label,
                reference,
                reference,
            );
            p.competitor = r.alternative.clone();
            p.is_reference = true;
            theirs.push(p);
        }
        for c in competitors.iter().filter(|c| c.product_id == r.product_id) {
            let label = format!("{} {}", c.competitor, c.competitor_product);
            let mut p =
                ValuePoint::new(Offer::Competitor, &r.product_id, label, c.price, reference);
            p.competitor = Some(c.competitor.clone());
            p.competitor_product = Some(c.competitor_product.clone());
            p.is_reference = r.reference_competitor.as_ref().is_some_and(|rc| {
                rc.competitor == c.competitor && rc.competitor_product == c.competitor_product
            });
            theirs.push(p);
        }
    }
    ours.extend(theirs);
    ours
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::value::{Differentiator, economic_value};

    fn row(
        product: &str,
        net: f64,
        reference: f64,
        diff: f64,
        competitor: Option<&str>,
    ) -> ValueRow {
        let driver = Differentiator {
            name: "uptime".into(),
            amount: diff,
            formula: None,
            inputs: Vec::new(),
        };
        ValueRow {
            segment_id: "SEG-A".into(),
            product_id: product.into(),
            family: Some("Valves".into()),
            alternative: Some("In-house".into()),
            reference_competitor: competitor.map(|c| price(c, product, reference)),
            value: Some(economic_value(reference, vec![driver])),
            pocket_price: net - 1.0,
            customer_net_price: net,
            wtp_median: None,
            unit_cost: 1.0,
            capture_ratio: None,
        }
    }

    fn price(competitor: &str, product: &str, price: f64) -> CompetitorPrice {
        CompetitorPrice {
            date: "2025-12-01".into(),
            competitor: competitor.into(),
            product_id: product.into(),
            competitor_product: format!("{competitor}-{product}"),
            price,
        }
    }

    #[test]
    fn points_sit_at_price_and_benefit_with_their_gap() {
        // P1: reference Competitor A at 100, uptime +20 -> benefit 120; we charge 126 -> gap
        // +6 (5% over). Competitor A at (100, 100): the reference, on the line. Competitor B
        // sells the same at 90 for the reference's benefit 100 -> gap -10, under-priced.
        // P2: reference 50 (in-house, a plain number), +10 -> benefit 60; we charge 59.9 ->
        // gap -0.1 (-0.17%, within 0.5%: on the line); the in-house point at (50, 50).
        let rows = [
            row("P1", 126.0, 100.0, 20.0, Some("A")),
            row("P2", 59.9, 50.0, 10.0, None),
        ];
        let competitors = [price("A", "P1", 100.0), price("B", "P1", 90.0)];
        let map = value_map(&rows, &competitors);
        assert_eq!(map.groups.len(), 1);
        let g = &map.groups[0];
        assert_eq!(
            (g.segment_id.as_str(), g.family.as_deref()),
            ("SEG-A", Some("Valves"))
        );
        assert_eq!((g.line.slope, g.line.intercept), (1.0, 0.0));
        let got: Vec<(&str, f64, f64, Position, bool)> = g
            .points
            .iter()
            .map(|p| {
                (
                    p.label.as_str(),
                    p.price,
                    p.benefit,
                    p.position,
                    p.is_reference,
                )
            })
            .collect();
        assert_eq!(
            got,
            vec![
                ("P1", 126.0, 120.0, Position::OverPriced, false),
                ("P2", 59.9, 60.0, Position::OnLine, false),
                ("A A-P1", 100.0, 100.0, Position::OnLine, true),
                ("B B-P1", 90.0, 100.0, Position::UnderPriced, false),
                ("In-house", 50.0, 50.0, Position::OnLine, true),
            ]
        );
        assert!((g.points[0].gap - 6.0).abs() < 1e-12);
        assert!((g.points[0].gap_pct.unwrap_or(0.0) - 5.0).abs() < 1e-12);
        assert!((g.points[3].gap + 10.0).abs() < 1e-12);
        assert!((g.points[3].gap_pct.unwrap_or(0.0) + 10.0).abs() < 1e-12);
    }

    #[test]
    fn cells_without_value_drivers_are_not_mapped() {
        let mut r = row("P1", 10.0, 10.0, 1.0, None);
        r.value = None;
        assert_eq!(value_map(&[r], &[]), ValueMap::default());
    }
}
