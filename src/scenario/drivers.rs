//! What a value driver may say beyond plain numbers: a differentiation value as a formula of
//! named inputs (`{ formula = "hours_saved * cost_per_hour / units_per_year", inputs = { … } }`,
//! evaluated in f64 by the `exmex` crate), and a reference price that is a competitor's latest
//! price in the baseline (`reference = { competitor = "Competitor A", product = "P0001" }`).

use super::bounds::{Check, MAX_AMOUNT, show};
use super::file::At;
use crate::model::competitor::CompetitorPrice;
use exmex::prelude::*;
use serde::de::{self, MapAccess, Visitor};
use serde::{Deserialize, Deserializer, Serialize};
use std::collections::BTreeMap;

/// A differentiation value per unit: a number, or a formula of named inputs.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum DriverValue {
    Amount(f64),
    Formula(Formula),
}

/// `formula` over the named `inputs` (each a number the analyst can source and defend); the
/// result is a value in currency per unit.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Formula {
    pub formula: At<String>,
    #[serde(default)]
    pub inputs: BTreeMap<String, At<f64>>,
}

impl<'de> Deserialize<'de> for DriverValue {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct Amount;
        impl<'de> Visitor<'de> for Amount {
            type Value = DriverValue;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a number (currency per unit) or { formula = \"…\", inputs = { … } }")
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<DriverValue, E> {
                Ok(DriverValue::Amount(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<DriverValue, E> {
                Ok(DriverValue::Amount(v as f64))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<DriverValue, E> {
                Ok(DriverValue::Amount(v as f64))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<DriverValue, A::Error> {
                let inner = de::value::MapAccessDeserializer::new(map);
                Formula::deserialize(inner).map(DriverValue::Formula)
            }
        }
        d.deserialize_any(Amount)
    }
}

impl DriverValue {
    /// The value per unit; a formula that cannot be evaluated (the file check rejects those)
    /// counts as 0.
    pub fn amount(&self) -> f64 {
        match self {
            DriverValue::Amount(v) => *v,
            DriverValue::Formula(f) => f.evaluate().unwrap_or(0.0),
        }
    }

    /// The formula's text and its inputs, for a listing; `None` for a plain number.
    pub fn formula(&self) -> Option<&Formula> {
        match self {
            DriverValue::Amount(_) => None,
            DriverValue::Formula(f) => Some(f),
        }
    }
}

impl Formula {
    /// The formula's value with its inputs, in f64 (`/` divides as a calculator does), or why
    /// it has none: bad syntax, a name that is not an input, a result that is not finite.
    pub fn evaluate(&self) -> Result<f64, String> {
        let text = self.formula.get_ref();
        let expr = exmex::parse::<f64>(text)
            .map_err(|e| format!("formula '{text}' cannot be read: {}", e.msg()))?;
        let mut values = Vec::with_capacity(expr.var_names().len());
        for name in expr.var_names() {
            match self.inputs.get(name) {
                Some(v) => values.push(*v.get_ref()),
                None => return Err(self.unknown(name)),
            }
        }
        let v = expr
            .eval(&values)
            .map_err(|e| format!("formula '{text}' cannot be evaluated: {}", e.msg()))?;
        match v.is_finite() {
            true => Ok(v),
            false => Err(format!(
                "formula '{text}' gives {v}: a division by zero or an overflow (inputs: {})",
                self.listing()
            )),
        }
    }

    fn unknown(&self, name: &str) -> String {
        let known = match self.inputs.is_empty() {
            true => "none".to_string(),
            false => self.inputs.keys().cloned().collect::<Vec<_>>().join(", "),
        };
        format!("unknown input '{name}' in formula (the driver's inputs: {known})")
    }

    /// `name = value` of every input, in name order.
    pub fn listing(&self) -> String {
        self.inputs
            .iter()
            .map(|(k, v)| format!("{k} = {}", show(*v.get_ref())))
            .collect::<Vec<_>>()
            .join(", ")
    }

    /// Inputs that are numbers, used by the formula, and a result that is a valid amount.
    fn check(&self, name: &str) -> Check {
        for (input, v) in &self.inputs {
            if !v.get_ref().is_finite() || v.get_ref().abs() > MAX_AMOUNT {
                let message = format!(
                    "input '{input}' {} of '{name}' must be a finite number of at most 1e12",
                    show(*v.get_ref())
                );
                return Err((v.span(), message));
            }
        }
        let value = self.evaluate().map_err(|m| (self.formula.span(), m))?;
        let used = exmex::parse::<f64>(self.formula.get_ref())
            .map(|e| e.var_names().to_vec())
            .unwrap_or_default();
        if let Some((input, v)) = self.inputs.iter().find(|(k, _)| !used.contains(k)) {
            let message = format!("input '{input}' of '{name}' is not used by its formula");
            return Err((v.span(), message));
        }
        match value {
            v if v < 0.0 => Err((
                self.formula.span(),
                format!(
                    "value '{name}' {} from its formula must be zero or positive (list it under 'negative' to subtract it)",
                    show(v)
                ),
            )),
            v if v > MAX_AMOUNT => Err((
                self.formula.span(),
                format!(
                    "value '{name}' {} from its formula must be at most 1e12",
                    show(v)
                ),
            )),
            _ => Ok(()),
        }
    }
}

/// Checks one named driver value: a number zero or positive and at most 1e12, or a formula
/// whose inputs it uses and whose result is such a number.
pub fn check_value(name: &str, value: &At<DriverValue>) -> Check {
    match value.get_ref() {
        DriverValue::Formula(f) => f.check(name),
        DriverValue::Amount(v) if v.is_nan() || *v < 0.0 => Err((
            value.span(),
            format!(
                "value '{name}' {} must be zero or positive (list it under 'negative' to subtract it)",
                show(*v)
            ),
        )),
        DriverValue::Amount(v) if *v > MAX_AMOUNT => Err((
            value.span(),
            format!("value '{name}' {} must be at most 1e12", show(*v)),
        )),
        DriverValue::Amount(_) => Ok(()),
    }
}

/// A reference price that is a competitor's: the latest price of `competitor` for our product
/// `product` (its `product_id` in competitors.csv) dated in the scenario's baseline;
/// `competitor_product` picks one when the competitor sells several equivalents.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct CompetitorRef {
    pub competitor: At<String>,
    pub product: At<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub competitor_product: Option<At<String>>,
}

impl CompetitorRef {
    /// The price it names among `latest` (each competitor × product × competitor product's
    /// latest price in the baseline), or why none: no such price, or several to choose from.
    pub fn resolve<'a>(
        &self,
        latest: &'a [CompetitorPrice],
        period: (&str, &str),
    ) -> Result<&'a CompetitorPrice, (std::ops::Range<usize>, String)> {
        let (who, product) = (self.competitor.get_ref(), self.product.get_ref());
        let wanted = self.competitor_product.as_ref().map(|p| p.get_ref());
        let found: Vec<&CompetitorPrice> = latest
            .iter()
            .filter(|p| &p.competitor == who && &p.product_id == product)
            .filter(|p| wanted.is_none_or(|w| &p.competitor_product == w))
            .collect();
        match found.as_slice() {
            [one] => Ok(one),
            [] => Err((self.competitor.span(), self.none_found(latest, period))),
            several => {
                let names: Vec<&str> = several
                    .iter()
                    .map(|p| p.competitor_product.as_str())
                    .collect();
                let message = format!(
                    "competitor '{who}' has {} products for '{product}' ({}): name one with competitor_product = \"…\"",
                    several.len(),
                    names.join(", ")
                );
                Err((self.competitor.span(), message))
            }
        }
    }

    fn none_found(&self, latest: &[CompetitorPrice], (from, to): (&str, &str)) -> String {
        let mut known: Vec<&str> = latest
            .iter()
            .filter(|p| &p.product_id == self.product.get_ref())
            .map(|p| p.competitor.as_str())
            .collect();
        known.dedup();
        let what = match &self.competitor_product {
            Some(p) => format!("'{}' of competitor", p.get_ref()),
            None => "competitor".to_string(),
        };
        let has = match known.is_empty() {
            true => "none has".to_string(),
            false => format!("priced by: {}", known.join(", ")),
        };
        format!(
            "no price of {what} '{}' for product '{}' dated in the baseline {from} – {to} (competitors.csv; {has})",
            self.competitor.get_ref(),
            self.product.get_ref()
        )
    }
}

/// Every value driver's competitor reference names exactly one competitor price dated in the
/// baseline; else an error at the driver's `competitor`.
pub fn check_references(s: &super::Scenario, baseline: &super::Baseline) -> Check {
    let period = (baseline.from.as_str(), baseline.to.as_str());
    for v in &s.value_drivers {
        if let Some(c) = &v.get_ref().reference {
            c.get_ref().resolve(&baseline.competitors, period)?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::file::at;

    fn formula(text: &str, inputs: &[(&str, f64)]) -> Formula {
        Formula {
            formula: at(text.to_string()),
            inputs: inputs
                .iter()
                .map(|(k, v)| (k.to_string(), at(*v)))
                .collect(),
        }
    }

    #[test]
    fn formula_evaluates_in_floating_point() {
        // 6 hours × 150 per hour / 400 units = 2.25 per unit; 1/3 is not integer division.
        let f = formula(
            "downtime_hours_saved * cost_per_hour / units_per_year",
            &[
                ("downtime_hours_saved", 6.0),
                ("cost_per_hour", 150.0),
                ("units_per_year", 400.0),
            ],
        );
        assert_eq!(f.evaluate(), Ok(2.25));
        assert_eq!(formula("1/4 * x", &[("x", 8.0)]).evaluate(), Ok(2.0));
    }

    #[test]
    fn formula_problems_say_what_is_wrong() {
        let unknown = formula("a * b", &[("a", 1.0)]).evaluate();
        assert_eq!(
            unknown,
            Err("unknown input 'b' in formula (the driver's inputs: a)".into())
        );
        let zero = formula("a / b", &[("a", 1.0), ("b", 0.0)]).evaluate();
        assert_eq!(
            zero,
            Err(
                "formula 'a / b' gives inf: a division by zero or an overflow (inputs: a = 1, b = 0)"
                    .into()
            )
        );
        let syntax = formula("a * (b", &[("a", 1.0), ("b", 2.0)]).evaluate();
        assert!(
            syntax
                .as_ref()
                .is_err_and(|m| m.starts_with("formula 'a * (b' cannot be read: ")),
            "{syntax:?}"
        );
    }

    fn catalog() -> crate::scenario::Catalog {
        crate::scenario::Catalog {
            segments: vec!["S1".into()],
            products: vec![("P1".into(), Some("Valves".into()))],
            elements: Vec::new(),
        }
    }

    const DRIVER: &str =
        "name = \"f\"\n[[value_driver]]\nsegment = \"S1\"\nreference_price = 100\n";

    fn parse(body: &str) -> Result<crate::scenario::Scenario, String> {
        crate::scenario::parse(&format!("{DRIVER}{body}"), "t.toml", &catalog())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn a_formula_driver_reads_evaluates_and_writes_back() {
        let s = parse(
            "positive = { uptime = { formula = \"hours * rate / units\", inputs = { hours = 6, rate = 150.0, units = 400 } }, service = 2 }\n",
        )
        .map_err(|e| e.to_string());
        let Ok(s) = s else {
            panic!("{s:?}");
        };
        let d = s.value_drivers[0].get_ref();
        assert_eq!(d.positive["uptime"].get_ref().amount(), 2.25);
        assert_eq!(d.positive["service"].get_ref().amount(), 2.0);
        let again = crate::scenario::to_toml(&s).map_err(|e| e.to_string());
        let back = again.and_then(|t| {
            crate::scenario::parse(&t, "t.toml", &catalog()).map_err(|e| e.to_string())
        });
        let amounts = |s: &crate::scenario::Scenario| -> Vec<f64> {
            let d = s.value_drivers[0].get_ref();
            d.positive.values().map(|v| v.get_ref().amount()).collect()
        };
        assert_eq!(back.map(|b| amounts(&b)), Ok(amounts(&s)));
    }

    #[test]
    fn formula_errors_point_at_the_formula_or_the_input() {
        let line =
            "positive = { uptime = { formula = \"hours * rate\", inputs = { hours = 6 } } }\n";
        assert_eq!(
            parse(line).err().as_deref(),
            Some("t.toml:5:35: unknown input 'rate' in formula (the driver's inputs: hours)")
        );
        let line = "positive = { uptime = { formula = \"hours / units\", inputs = { hours = 6, units = 0 } } }\n";
        assert_eq!(
            parse(line).err().as_deref(),
            Some(
                "t.toml:5:35: formula 'hours / units' gives inf: a division by zero or an overflow (inputs: hours = 6, units = 0)"
            )
        );
        let line = "negative = { lead = { formula = \"hours *\", inputs = { hours = 6 } } }\n";
        let err = parse(line).err().unwrap_or_default();
        assert!(
            err.starts_with("t.toml:5:33: formula 'hours *' cannot be read: "),
            "{err}"
        );
        let line =
            "positive = { uptime = { formula = \"hours\", inputs = { hours = 6, spare = 1 } } }\n";
        assert_eq!(
            parse(line).err().as_deref(),
            Some("t.toml:5:74: input 'spare' of 'uptime' is not used by its formula")
        );
        let line = "positive = { uptime = { formula = \"0 - hours\", inputs = { hours = 6 } } }\n";
        assert_eq!(
            parse(line).err().as_deref(),
            Some(
                "t.toml:5:35: value 'uptime' -6 from its formula must be zero or positive (list it under 'negative' to subtract it)"
            )
        );
        let line =
            "positive = { uptime = { formula = \"hours\", inputs = { hours = 6 }, unit = 1 } }\n";
        let err = parse(line).err().unwrap_or_default();
        assert!(err.starts_with("t.toml:5:"), "{err}");
        assert!(err.contains("unknown field `unit`"), "{err}");
    }
}
