//! How each waterfall element moves when the list price changes, and whether it returns money
//! to the customer: the scenario's `[elements]` table over documented defaults.
//!
//! Per unit, an element either scales with the list price (a discount given as a share of
//! list), with the invoice price (payment terms: a cost proportional to what is invoiced), or
//! stays fixed (freight per unit). An off-invoice element that returns money to the customer
//! (a rebate, co-op funds) lowers what the customer pays, so economic value is compared with the
//! invoice price less those elements; the others (payment terms, freight) are our costs.

use super::file::{At, Catalog};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How an element's per-unit amount follows a list-price change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Scales {
    /// In proportion to the list price.
    List,
    /// In proportion to the invoice price (off-invoice elements only).
    Invoice,
    /// The same amount per unit.
    Fixed,
}

impl Scales {
    pub fn as_str(self) -> &'static str {
        match self {
            Scales::List => "list",
            Scales::Invoice => "invoice",
            Scales::Fixed => "fixed",
        }
    }
}

/// One entry of the scenario's `[elements]` table; an absent key keeps the default.
#[derive(Debug, Clone, Default, PartialEq, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ElementSetting {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scales: Option<At<Scales>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub returns_to_customer: Option<At<bool>>,
}

/// What an element is, resolved: how it scales and whether the customer gets it back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct ElementRole {
    pub on_invoice: bool,
    pub scales: Scales,
    pub returns_to_customer: bool,
}

/// The default role of an element column, by its name: on-invoice discounts scale with list;
/// off-invoice rebates and co-op scale with list and return to the customer; payment terms
/// scale with the invoice; freight, shipping and delivery are fixed per unit; any other
/// off-invoice element scales with list and is our cost.
pub fn default_role(column: &str) -> ElementRole {
    let on_invoice = column.starts_with("on_");
    let has = |words: &[&str]| words.iter().any(|w| column.contains(w));
    let (scales, returns_to_customer) = match on_invoice {
        true => (Scales::List, false),
        false if has(&["rebate", "coop", "co_op"]) => (Scales::List, true),
        false if has(&["payment", "terms"]) => (Scales::Invoice, false),
        false if has(&["freight", "shipping", "delivery"]) => (Scales::Fixed, false),
        false => (Scales::List, false),
    };
    ElementRole {
        on_invoice,
        scales,
        returns_to_customer,
    }
}

/// The role of every element column, in order: the default, overridden by the table.
pub fn roles(settings: &BTreeMap<String, ElementSetting>, columns: &[String]) -> Vec<ElementRole> {
    columns
        .iter()
        .map(|c| {
            let mut role = default_role(c);
            if let Some(s) = settings.get(c) {
                if let Some(scales) = &s.scales {
                    role.scales = *scales.get_ref();
                }
                if let Some(r) = &s.returns_to_customer {
                    role.returns_to_customer = *r.get_ref();
                }
            }
            role
        })
        .collect()
}

/// A problem with the `[elements]` table: the byte range and the message.
pub type Problem = (std::ops::Range<usize>, String);

/// Checks the table against the workspace's elements: known names; `invoice` and
/// `returns_to_customer` only for off-invoice elements (an on-invoice discount makes the
/// invoice price, and is already off what the customer pays).
pub fn check(
    settings: &BTreeMap<String, ElementSetting>,
    catalog: &Catalog,
) -> Result<(), Problem> {
    for (name, s) in settings {
        let span = s
            .scales
            .as_ref()
            .map(|v| v.span())
            .or_else(|| s.returns_to_customer.as_ref().map(|v| v.span()))
            .unwrap_or(0..0);
        if !catalog.elements.iter().any(|e| e == name) {
            let known = catalog.elements.join(", ");
            return Err((
                span,
                format!("[elements]: unknown element '{name}' (the workspace has: {known})"),
            ));
        }
        if !name.starts_with("on_") {
            continue;
        }
        if let Some(v) = s
            .scales
            .as_ref()
            .filter(|v| *v.get_ref() == Scales::Invoice)
        {
            return Err((
                v.span(),
                format!(
                    "[elements]: '{name}' is on-invoice and cannot scale with the invoice price it makes (use \"list\" or \"fixed\")"
                ),
            ));
        }
        if let Some(v) = s.returns_to_customer.as_ref().filter(|v| *v.get_ref()) {
            return Err((
                v.span(),
                format!(
                    "[elements]: '{name}' is on-invoice: it is already off the price the customer pays, so it cannot also return money to them"
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::file::at;

    #[test]
    fn defaults_follow_the_element_names() {
        let role = |c: &str| {
            let r = default_role(c);
            (r.on_invoice, r.scales, r.returns_to_customer)
        };
        assert_eq!(role("on_volume"), (true, Scales::List, false));
        assert_eq!(role("off_rebate"), (false, Scales::List, true));
        assert_eq!(role("off_coop"), (false, Scales::List, true));
        assert_eq!(role("off_payment_terms"), (false, Scales::Invoice, false));
        assert_eq!(role("off_freight"), (false, Scales::Fixed, false));
        assert_eq!(role("off_other"), (false, Scales::List, false));
    }

    #[test]
    fn the_table_overrides_defaults_and_is_checked() {
        let catalog = Catalog {
            elements: vec!["on_volume".into(), "off_freight".into()],
            ..Catalog::default()
        };
        let mut table = BTreeMap::new();
        table.insert(
            "off_freight".to_string(),
            ElementSetting {
                scales: Some(at(Scales::List)),
                returns_to_customer: Some(at(true)),
            },
        );
        let columns = catalog.elements.clone();
        let r = roles(&table, &columns);
        assert_eq!(r[1].scales, Scales::List);
        assert!(r[1].returns_to_customer);
        assert_eq!(check(&table, &catalog), Ok(()));
        table.insert(
            "on_volume".to_string(),
            ElementSetting {
                scales: Some(at(Scales::Invoice)),
                returns_to_customer: None,
            },
        );
        let err = check(&table, &catalog).map_err(|(_, m)| m);
        assert!(err.is_err_and(|m| m.contains("cannot scale with the invoice price")));
        table.clear();
        table.insert("on_nothing".to_string(), ElementSetting::default());
        let err = check(&table, &catalog).map_err(|(_, m)| m);
        assert!(err.is_err_and(|m| m.contains("unknown element 'on_nothing'")));
    }
}
