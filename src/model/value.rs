//! Economic value (value-based pricing): the price of the customer's next-best alternative plus
//! the value of what makes us different, per unit; and how much of it today's price captures.

use serde::Serialize;

/// One named differentiation value, per unit: positive when our offer is worth more than the
/// alternative, negative when it is worth less.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Differentiator {
    pub name: String,
    pub amount: f64,
    /// The formula the amount comes from, when it is not a plain number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub formula: Option<String>,
    /// The formula's named inputs and their values, in name order.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub inputs: Vec<(String, f64)>,
}

/// The economic value of one segment × product, in currency per unit.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct EconomicValue {
    /// Price of the next-best alternative.
    pub reference_value: f64,
    /// Σ positive and negative differentiation values.
    pub differentiation_value: f64,
    /// reference_value + differentiation_value.
    pub economic_value: f64,
    pub drivers: Vec<Differentiator>,
}

/// Reference value + Σ differentiation = economic value (Nagle's economic value estimation).
pub fn economic_value(reference_value: f64, drivers: Vec<Differentiator>) -> EconomicValue {
    let differentiation_value = drivers.iter().map(|d| d.amount).sum::<f64>();
    EconomicValue {
        reference_value,
        differentiation_value,
        economic_value: reference_value + differentiation_value,
        drivers,
    }
}

/// Share of the economic value that a price captures (pocket price / economic value); `None`
/// when the economic value is not positive.
pub fn capture_ratio(price: f64, economic_value: f64) -> Option<f64> {
    (economic_value > 0.0 && price.is_finite()).then(|| price / economic_value)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn value_is_reference_plus_differentiation() {
        let v = economic_value(
            100.0,
            vec![
                Differentiator {
                    name: "uptime".into(),
                    amount: 15.0,
                    formula: None,
                    inputs: Vec::new(),
                },
                Differentiator {
                    name: "switching".into(),
                    amount: -5.0,
                    formula: None,
                    inputs: Vec::new(),
                },
            ],
        );
        assert_eq!(v.differentiation_value, 10.0);
        assert_eq!(v.economic_value, 110.0);
        assert_eq!(capture_ratio(88.0, 110.0), Some(0.8));
        assert_eq!(capture_ratio(88.0, 0.0), None);
    }
}
