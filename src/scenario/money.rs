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

    /// Every amount per unit at list ratio `r`, customer by customer.
    pub fn at(&self, r: f64) -> Money {
        self.exact(r)
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
