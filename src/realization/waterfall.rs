//! The pocket price waterfall: list price, each on-invoice element, invoice price, each
//! off-invoice element, pocket price — per unit and as % of list.

use super::sums::{Element, ElementKind, GroupKey, GroupSums};
use super::{pct, per_unit};

/// What a step of the waterfall is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StepKind {
    List,
    OnInvoice,
    Invoice,
    OffInvoice,
    Pocket,
}

impl StepKind {
    /// The word used in CSV output: `list`, `on_invoice`, `invoice`, `off_invoice`, `pocket`.
    pub fn as_str(self) -> &'static str {
        match self {
            StepKind::List => "list",
            StepKind::OnInvoice => "on_invoice",
            StepKind::Invoice => "invoice",
            StepKind::OffInvoice => "off_invoice",
            StepKind::Pocket => "pocket",
        }
    }

    /// True for the price levels (list, invoice, pocket), false for the elements between them.
    pub fn is_level(self) -> bool {
        matches!(self, StepKind::List | StepKind::Invoice | StepKind::Pocket)
    }
}

/// One step: a price level or an element taken off it.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    /// `list_price`, `invoice_price`, `pocket_price` or the element's column (`on_volume`).
    pub name: String,
    pub kind: StepKind,
    /// Σ quantity × per-unit amount, in currency (for a level: its revenue).
    pub amount: f64,
    /// Quantity-weighted per-unit amount Σ q·x / Σ q; `None` without positive net volume.
    pub per_unit: Option<f64>,
    /// The amount as % of list revenue; `None` when list revenue is zero.
    pub pct_of_list: Option<f64>,
}

/// The waterfall of one group.
#[derive(Debug, Clone, PartialEq)]
pub struct Waterfall {
    pub key: GroupKey,
    pub lines: i64,
    /// Σ quantity, net of returns.
    pub quantity: f64,
    pub list_revenue: f64,
    /// List revenue − Σ every element (equal to the aggregates' pocket revenue).
    pub pocket_revenue: f64,
    /// Pocket revenue / list revenue × 100.
    pub realization_pct: Option<f64>,
    pub steps: Vec<Step>,
}

impl Waterfall {
    /// False when the group has no positive net volume, so per-unit amounts cannot be shown.
    pub fn has_volume(&self) -> bool {
        self.steps.first().is_some_and(|s| s.per_unit.is_some())
    }

    /// The step named `name`.
    pub fn step(&self, name: &str) -> Option<&Step> {
        self.steps.iter().find(|s| s.name == name)
    }
}

/// Builds the waterfall of `group`. Invoice = list − Σ on and pocket = invoice − Σ off are
/// computed from the same sums (so they reconcile exactly); per-unit amounts are
/// Σ q·x / Σ q with return lines netted; nothing is rounded here.
pub fn waterfall(elements: &[Element], group: &GroupSums) -> Waterfall {
    let s = &group.sums;
    let q = s.quantity;
    let step = |name: &str, kind: StepKind, amount: f64| Step {
        name: name.to_string(),
        kind,
        amount,
        per_unit: per_unit(amount, q),
        pct_of_list: pct(amount, s.list_revenue),
    };
    let mut steps = vec![step("list_price", StepKind::List, s.list_revenue)];
    let mut level = s.list_revenue;
    for (kind, level_kind, level_name) in [
        (ElementKind::OnInvoice, StepKind::Invoice, "invoice_price"),
        (ElementKind::OffInvoice, StepKind::Pocket, "pocket_price"),
    ] {
        let element_kind = match kind {
            ElementKind::OnInvoice => StepKind::OnInvoice,
            ElementKind::OffInvoice => StepKind::OffInvoice,
        };
        for (e, amount) in elements.iter().zip(&s.elements) {
            if e.kind == kind {
                steps.push(step(&e.column, element_kind, *amount));
                level -= amount;
            }
        }
        steps.push(step(level_name, level_kind, level));
    }
    reconcile_per_unit(&mut steps);
    Waterfall {
        key: group.key.clone(),
        lines: s.lines,
        quantity: q,
        list_revenue: s.list_revenue,
        pocket_revenue: level,
        realization_pct: pct(level, s.list_revenue),
        steps,
    }
}

/// Recomputes the invoice and pocket per-unit amounts as list − Σ on and invoice − Σ off of the
/// per-unit figures, so the per-unit waterfall adds up exactly as well.
fn reconcile_per_unit(steps: &mut [Step]) {
    let mut level: Option<f64> = None;
    for step in steps.iter_mut() {
        match step.kind {
            StepKind::List => level = step.per_unit,
            StepKind::OnInvoice | StepKind::OffInvoice => {
                level = level.zip(step.per_unit).map(|(l, x)| l - x);
            }
            StepKind::Invoice | StepKind::Pocket => step.per_unit = level,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::realization::sums::Sums;

    fn elements() -> Vec<Element> {
        let e = |column: &str, kind| Element {
            name: column.to_string(),
            kind,
            column: column.to_string(),
        };
        vec![
            e("on_volume", ElementKind::OnInvoice),
            e("off_rebate", ElementKind::OffInvoice),
        ]
    }

    #[test]
    fn zero_net_volume_gives_no_per_unit_amounts_but_keeps_revenue() {
        let group = GroupSums {
            key: GroupKey::default(),
            sums: Sums {
                lines: 2,
                quantity: 0.0,
                list_revenue: 0.0,
                elements: vec![0.0, 0.0],
                ..Sums::default()
            },
        };
        let w = waterfall(&elements(), &group);
        assert!(!w.has_volume());
        assert!(
            w.steps
                .iter()
                .all(|s| s.per_unit.is_none() && s.pct_of_list.is_none())
        );
        assert_eq!(w.realization_pct, None);
        assert_eq!(w.pocket_revenue, 0.0);
    }

    #[test]
    fn steps_follow_list_on_invoice_off_pocket() {
        let group = GroupSums {
            key: GroupKey::default(),
            sums: Sums {
                lines: 1,
                quantity: 10.0,
                list_revenue: 100.0,
                elements: vec![10.0, 5.0],
                ..Sums::default()
            },
        };
        let w = waterfall(&elements(), &group);
        let names: Vec<_> = w.steps.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "list_price",
                "on_volume",
                "invoice_price",
                "off_rebate",
                "pocket_price"
            ]
        );
        assert_eq!(w.step("pocket_price").and_then(|s| s.per_unit), Some(8.5));
        assert_eq!(w.realization_pct, Some(85.0));
    }
}
