//! A cell's money per unit as a function of its list price under a scenario's discount policy,
//! evaluated customer by customer so that a cap binds on the customers above it.
//!
//! For a list-price ratio r (new list / baseline list) each customer's list price becomes
//! L·r; each element moves by its role (`elements`): with the list (amount·r), with the
//! invoice (amount · invoice / baseline invoice; off-invoice only) or not at all; then the
//! scenario's rules on that element apply in file order (a cap: at most a share of the new
//! list; remove; scale). Invoice = list − Σ on-invoice, pocket = invoice − Σ off-invoice,
//! customer net = invoice − Σ off-invoice elements that return money to the customer. The
//! cell's values are quantity-weighted over its customers.

use super::baseline::{BaselineCell, CustomerLine};
use super::elements::{ElementRole, Scales};
use serde::Serialize;

/// One discount-policy rule as it acts on an element's per-unit amount.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub enum PolicyStep {
    /// At most this share of the (new) list price.
    Cap(f64),
    Remove,
    Scale(f64),
}

impl PolicyStep {
    fn apply(self, amount: f64, list: f64) -> f64 {
        match self {
            PolicyStep::Cap(share) => amount.min(share * list),
            PolicyStep::Remove => 0.0,
            PolicyStep::Scale(k) => amount * k,
        }
    }
}

/// A cell's money per unit at one list price.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Money {
    pub list: f64,
    pub invoice: f64,
    pub pocket: f64,
    /// What the customer pays in the end: invoice less the off-invoice money returned to them.
    pub customer_net: f64,
    /// Each element's amount, in element order.
    pub elements: Vec<f64>,
}

impl Money {
    fn add_scaled(&mut self, other: &Money, weight: f64) {
        self.list += weight * other.list;
        self.invoice += weight * other.invoice;
        self.pocket += weight * other.pocket;
        self.customer_net += weight * other.customer_net;
        if self.elements.len() < other.elements.len() {
            self.elements.resize(other.elements.len(), 0.0);
        }
        for (a, b) in self.elements.iter_mut().zip(&other.elements) {
            *a += weight * b;
        }
    }
}

/// Value = slope · r + intercept.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
struct Line {
    slope: f64,
    intercept: f64,
}

/// A cell under a scenario's element roles and discount rules.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CellMoney {
    roles: Vec<ElementRole>,
    /// The rules on each element, in file order.
    steps: Vec<Vec<PolicyStep>>,
    /// Customers with a net quantity (or the cell as one customer).
    customers: Vec<CustomerLine>,
    /// Sums of customers with no net volume, carried as they are (list, then elements).
    fixed: Vec<f64>,
    quantity: f64,
    /// Pocket and customer net as lines in r, when no cap can kink them (a cap on an element
    /// that does not scale with list); `None`: evaluated customer by customer.
    lines: Option<[Line; 2]>,
    /// Every amount at ratios 1 and 2, when `lines` exist (all amounts are then linear in r).
    ends: Option<(Money, Money)>,
}

impl CellMoney {
    /// The cell's money under `roles` and `steps` (one list of rules per element).
    pub fn new(cell: &BaselineCell, roles: &[ElementRole], steps: Vec<Vec<PolicyStep>>) -> Self {
        let (customers, fixed) = split_customers(cell);
        let mut money = CellMoney {
            roles: roles.to_vec(),
            steps,
            customers,
            fixed,
            quantity: cell.quantity,
            lines: None,
            ends: None,
        };
        let kinked = money.roles.iter().zip(&money.steps).any(|(role, steps)| {
            role.scales != Scales::List && steps.iter().any(|s| matches!(s, PolicyStep::Cap(_)))
        });
        if !kinked {
            let (one, two) = (money.exact(1.0), money.exact(2.0));
            let line = |a: f64, b: f64| Line {
                slope: b - a,
                intercept: 2.0 * a - b,
            };
            money.lines = Some([
                line(one.pocket, two.pocket),
                line(one.customer_net, two.customer_net),
            ]);
            money.ends = Some((one, two));
        }
        money
    }

    /// Pocket price per unit at list ratio `r`.
    pub fn pocket(&self, r: f64) -> f64 {
        match &self.lines {
            Some([p, _]) => p.slope * r + p.intercept,
            None => self.exact(r).pocket,
        }
    }

    /// Customer net price per unit at list ratio `r`.
    pub fn customer_net(&self, r: f64) -> f64 {
        match &self.lines {
            Some([_, n]) => n.slope * r + n.intercept,
            None => self.exact(r).customer_net,
        }
    }

    /// Every amount per unit at list ratio `r`: customer by customer where a cap can kink
    /// them, else on the line through the amounts at ratios 1 and 2.
    pub fn at(&self, r: f64) -> Money {
        match &self.ends {
            Some((one, two)) => {
                let on = |a: f64, b: f64| (b - a) * r + 2.0 * a - b;
                Money {
                    list: on(one.list, two.list),
                    invoice: on(one.invoice, two.invoice),
                    pocket: on(one.pocket, two.pocket),
                    customer_net: on(one.customer_net, two.customer_net),
                    elements: one
                        .elements
                        .iter()
                        .zip(&two.elements)
                        .map(|(a, b)| on(*a, *b))
                        .collect(),
                }
            }
            None => self.exact(r),
        }
    }

    fn exact(&self, r: f64) -> Money {
        // One pair of buffers for every customer: this runs for each cell at every price the
        // optimiser tries, and allocating per customer was most of its time.
        let n = self.roles.len();
        let mut total = Money {
            elements: vec![0.0; n],
            ..Money::default()
        };
        let (mut base, mut amounts) = (vec![0.0; n], vec![0.0; n]);
        for c in &self.customers {
            self.customer(c, r, &mut base, &mut amounts, &mut total);
        }
        let per_unit = 1.0 / self.quantity;
        let mut out = Money::default();
        out.add_scaled(&total, per_unit);
        if let Some((list, elements)) = self.fixed.split_first() {
            let (on, off) = self.split_sum(elements);
            out.list += list * per_unit;
            out.invoice += (list - on) * per_unit;
            out.pocket += (list - on - off) * per_unit;
            out.customer_net += (list - on - self.returned_sum(elements)) * per_unit;
            for (a, b) in out.elements.iter_mut().zip(elements) {
                *a += b * per_unit;
            }
        }
        out
    }

    /// (Σ on-invoice, Σ off-invoice) of per-element amounts.
    fn split_sum(&self, amounts: &[f64]) -> (f64, f64) {
        self.roles
            .iter()
            .zip(amounts)
            .fold((0.0, 0.0), |(on, off), (role, a)| match role.on_invoice {
                true => (on + a, off),
                false => (on, off + a),
            })
    }

    fn returned_sum(&self, amounts: &[f64]) -> f64 {
        self.roles
            .iter()
            .zip(amounts)
            .filter(|(role, _)| !role.on_invoice && role.returns_to_customer)
            .map(|(_, a)| a)
            .sum()
    }

    /// Adds one customer's money at ratio `r` (per unit × its quantity) to `total`; `base`
    /// and `amounts` are scratch space of one slot per element.
    fn customer(
        &self,
        c: &CustomerLine,
        r: f64,
        base: &mut [f64],
        amounts: &mut [f64],
        total: &mut Money,
    ) {
        let base_list = c.list_revenue / c.quantity;
        for (b, s) in base.iter_mut().zip(&c.element_sums) {
            *b = s / c.quantity;
        }
        let list = base_list * r;
        let moved = |k: usize, factor: f64, base: &[f64]| match self.roles[k].scales {
            Scales::Fixed => base[k],
            Scales::List => base[k] * r,
            Scales::Invoice => base[k] * factor,
        };
        let policy = |k: usize, amount: f64| {
            self.steps
                .get(k)
                .map_or(amount, |s| s.iter().fold(amount, |a, st| st.apply(a, list)))
        };
        amounts.fill(0.0);
        for k in (0..self.roles.len()).filter(|&k| self.roles[k].on_invoice) {
            amounts[k] = policy(k, moved(k, r, base));
        }
        let (base_on, _) = self.split_sum(base);
        let (on, _) = self.split_sum(amounts);
        let invoice = list - on;
        let base_invoice = base_list - base_on;
        let factor = match base_invoice.abs() > f64::EPSILON {
            true => invoice / base_invoice,
            false => r,
        };
        for k in (0..self.roles.len()).filter(|&k| !self.roles[k].on_invoice) {
            amounts[k] = policy(k, moved(k, factor, base));
        }
        let (_, off) = self.split_sum(amounts);
        let q = c.quantity;
        total.list += q * list;
        total.invoice += q * invoice;
        total.pocket += q * (invoice - off);
        total.customer_net += q * (invoice - self.returned_sum(amounts));
        for (t, a) in total.elements.iter_mut().zip(amounts.iter()) {
            *t += q * a;
        }
    }
}

/// The customers with a net quantity; the sums of those without (list, then each element),
/// which have no per-unit amounts to move. A cell without customer lines is one customer.
fn split_customers(cell: &BaselineCell) -> (Vec<CustomerLine>, Vec<f64>) {
    if cell.customers.is_empty() {
        let whole = CustomerLine {
            quantity: cell.quantity,
            list_revenue: cell.list_price * cell.quantity,
            element_sums: cell.elements.iter().map(|e| e * cell.quantity).collect(),
        };
        return (vec![whole], Vec::new());
    }
    let mut fixed = vec![0.0; cell.elements.len() + 1];
    let mut lines = Vec::with_capacity(cell.customers.len());
    for c in &cell.customers {
        if c.quantity != 0.0 {
            lines.push(c.clone());
            continue;
        }
        fixed[0] += c.list_revenue;
        for (f, s) in fixed[1..].iter_mut().zip(&c.element_sums) {
            *f += s;
        }
    }
    let any = fixed.iter().any(|v| *v != 0.0);
    (lines, if any { fixed } else { Vec::new() })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::scenario::baseline::CellDemand;

    fn role(on_invoice: bool, scales: Scales, returns_to_customer: bool) -> ElementRole {
        ElementRole {
            on_invoice,
            scales,
            returns_to_customer,
        }
    }

    /// Three customers of different depth; elements: on-invoice discount, rebate (returned),
    /// payment terms (invoice), freight (fixed).
    fn cell() -> BaselineCell {
        let customer = |q: f64, depth: f64| CustomerLine {
            quantity: q,
            list_revenue: q * 100.0,
            element_sums: vec![q * 8.0 * depth, q * 2.0 * depth, q * 1.5, q * 3.0],
        };
        BaselineCell {
            segment_id: "S".into(),
            product_id: "P".into(),
            family: None,
            quantity: 60.0,
            list_price: 100.0,
            unit_cost: 50.0,
            elements: vec![8.0, 2.0, 1.5, 3.0],
            demand: CellDemand::default(),
            customers: vec![
                customer(10.0, 0.5),
                customer(20.0, 1.0),
                customer(30.0, 2.0),
            ],
            observed_pocket: None,
        }
    }

    fn roles() -> Vec<ElementRole> {
        vec![
            role(true, Scales::List, false),
            role(false, Scales::List, true),
            role(false, Scales::Invoice, false),
            role(false, Scales::Fixed, false),
        ]
    }

    fn close(a: &Money, b: &Money) {
        let pairs = [
            (a.list, b.list),
            (a.invoice, b.invoice),
            (a.pocket, b.pocket),
            (a.customer_net, b.customer_net),
        ];
        for (x, y) in pairs
            .into_iter()
            .chain(a.elements.iter().copied().zip(b.elements.iter().copied()))
        {
            assert!((x - y).abs() < 1e-9 * y.abs().max(1.0), "{a:?} vs {b:?}");
        }
    }

    #[test]
    fn without_a_kink_every_amount_lies_on_its_line() {
        // A cap on the list-scaled discount scales with list too: still linear in r.
        let steps = vec![
            vec![PolicyStep::Cap(0.06)],
            vec![PolicyStep::Scale(0.5)],
            vec![],
            vec![PolicyStep::Remove],
        ];
        let m = CellMoney::new(&cell(), &roles(), steps);
        assert!(m.ends.is_some());
        for r in [0.5, 0.9, 1.0, 1.1, 1.7, 3.0] {
            close(&m.at(r), &m.exact(r));
        }
        // By hand at r = 1: the discount (4, 8, 16) capped at 6; rebate halved; payment terms
        // follow each customer's invoice (1.5 at its old invoice); freight removed.
        let on = (10.0 * 4.0 + 20.0 * 6.0 + 30.0 * 6.0) / 60.0;
        let rebate = (10.0 * 0.5 + 20.0 * 1.0 + 30.0 * 2.0) / 60.0;
        let terms = (10.0 * 1.5 + 20.0 * 1.5 * 94.0 / 92.0 + 30.0 * 1.5 * 94.0 / 84.0) / 60.0;
        let at1 = m.at(1.0);
        assert!((at1.invoice - (100.0 - on)).abs() < 1e-9, "{at1:?}");
        assert!(
            (at1.pocket - (100.0 - on - rebate - terms)).abs() < 1e-9,
            "{at1:?}"
        );
        assert!(
            (at1.customer_net - (100.0 - on - rebate)).abs() < 1e-9,
            "{at1:?}"
        );
    }

    #[test]
    fn a_cap_on_an_element_that_does_not_follow_list_is_evaluated_customer_by_customer() {
        let steps = vec![vec![], vec![], vec![], vec![PolicyStep::Cap(0.035)]];
        let m = CellMoney::new(&cell(), &roles(), steps);
        assert!(m.ends.is_none() && m.lines.is_none());
        // Freight is 3 per unit fixed; a cap at 3.5% of list binds below r = 3/3.5.
        let at = m.at(0.5);
        assert!((at.elements[3] - 1.75).abs() < 1e-9, "{at:?}");
        assert!((m.at(1.0).elements[3] - 3.0).abs() < 1e-9);
    }
}
