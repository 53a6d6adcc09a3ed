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
        let kinked = roles.iter().zip(&steps).any(|(role, steps)| {
            role.scales != Scales::List && steps.iter().any(|s| matches!(s, PolicyStep::Cap(_)))
        });
        let mut money = CellMoney {
            roles: roles.to_vec(),
            steps,
            customers: Vec::new(),
            fixed: Vec::new(),
            quantity: cell.quantity,
            lines: None,
            ends: None,
        };
        if kinked {
            (money.customers, money.fixed) = split_customers(cell);
            return money;
        }
        // Linear: the amounts at ratios 1 and 2 give every other, so the customers are read
        // here once and not kept (planning every cell of a 10M-line workspace cloned them all).
        let (one, two) = match cell.customers.is_empty() {
            true => {
                let (customers, fixed) = split_customers(cell);
                (
                    money.exact(&customers, &fixed, 1.0),
                    money.exact(&customers, &fixed, 2.0),
                )
            }
            false => {
                let fixed = fixed_sums(cell);
                let customers = cell.customers.iter().filter(|c| c.quantity != 0.0);
                (
                    money.exact(customers.clone(), &fixed, 1.0),
                    money.exact(customers, &fixed, 2.0),
                )
            }
        };
        let line = |a: f64, b: f64| Line {
            slope: b - a,
            intercept: 2.0 * a - b,
        };
        money.lines = Some([
            line(one.pocket, two.pocket),
            line(one.customer_net, two.customer_net),
        ]);
        money.ends = Some((one, two));
        money
    }

    /// The pocket price per unit as `(slope, intercept)` in the list ratio, when it is a line
    /// (no cap can kink it).
    pub fn pocket_line(&self) -> Option<(f64, f64)> {
        self.lines.map(|[p, _]| (p.slope, p.intercept))
    }

    /// The list ratio in (0, 1000] at which the pocket price reaches `target` (the smallest
    /// ratio when it already does there); `None` when it never does.
    pub fn ratio_for_pocket(&self, target: f64) -> Option<f64> {
        match self.lines {
            Some([p, _]) => line_reaches(p, target),
            None => solve_rising(&|r| self.pocket(r), target),
        }
    }

    /// As [`CellMoney::ratio_for_pocket`], for the customer net price.
    pub fn ratio_for_customer_net(&self, target: f64) -> Option<f64> {
        match self.lines {
            Some([_, n]) => line_reaches(n, target),
            None => solve_rising(&|r| self.customer_net(r), target),
        }
    }

    /// Pocket price per unit at list ratio `r`.
    pub fn pocket(&self, r: f64) -> f64 {
        match &self.lines {
            Some([p, _]) => p.slope * r + p.intercept,
            None => self.exact(&self.customers, &self.fixed, r).pocket,
        }
    }

    /// Customer net price per unit at list ratio `r`.
    pub fn customer_net(&self, r: f64) -> f64 {
        match &self.lines {
            Some([_, n]) => n.slope * r + n.intercept,
            None => self.exact(&self.customers, &self.fixed, r).customer_net,
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
            None => self.exact(&self.customers, &self.fixed, r),
        }
    }

    /// Every amount per unit at ratio `r`, customer by customer (`fixed`: the sums of the
    /// customers without net volume, list then elements).
    fn exact<'c>(
        &self,
        customers: impl IntoIterator<Item = &'c CustomerLine>,
        fixed: &[f64],
        r: f64,
    ) -> Money {
        // One pair of buffers for every customer: this runs for each cell at every price the
        // optimiser tries, and allocating per customer was most of its time.
        let n = self.roles.len();
        let mut total = Money {
            elements: vec![0.0; n],
            ..Money::default()
        };
        let (mut base, mut amounts) = (vec![0.0; n], vec![0.0; n]);
        for c in customers {
            self.customer(c, r, &mut base, &mut amounts, &mut total);
        }
        let per_unit = 1.0 / self.quantity;
        let mut out = Money::default();
        out.add_scaled(&total, per_unit);
        if let Some((list, elements)) = fixed.split_first() {
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
    let lines = cell
        .customers
        .iter()
        .filter(|c| c.quantity != 0.0)
        .cloned()
        .collect();
    (lines, fixed_sums(cell))
}

/// The sums of the customers without net quantity (list, then each element); empty when
/// there are none or they sum to nothing.
fn fixed_sums(cell: &BaselineCell) -> Vec<f64> {
    let mut fixed = vec![0.0; cell.elements.len() + 1];
    for c in cell.customers.iter().filter(|c| c.quantity == 0.0) {
        fixed[0] += c.list_revenue;
        for (f, s) in fixed[1..].iter_mut().zip(&c.element_sums) {
            *f += s;
        }
    }
    match fixed.iter().any(|v| *v != 0.0) {
        true => fixed,
        false => Vec::new(),
    }
}

/// The ratio in (0, 1000] at which the line reaches `target`, with the semantics of
/// [`solve_rising`] for a rising line: the smallest ratio when it is already reached there,
/// `None` when it never is (or the line does not rise).
fn line_reaches(l: Line, target: f64) -> Option<f64> {
    let at = |r: f64| l.slope * r + l.intercept;
    if at(RATIO_MIN) >= target {
        return Some(RATIO_MIN);
    }
    if l.slope.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) || at(RATIO_MAX) < target {
        return None;
    }
    Some(((target - l.intercept) / l.slope).clamp(RATIO_MIN, RATIO_MAX))
}

/// The range of list ratios the solvers search.
const RATIO_MIN: f64 = 1e-9;
const RATIO_MAX: f64 = 1000.0;

/// The ratio r in (0, 1000] at which a rising `f` reaches `target` (bisection); `None` when
/// it never does. A target already met at the smallest ratio gives that ratio.
pub fn solve_rising(f: &dyn Fn(f64) -> f64, target: f64) -> Option<f64> {
    let (mut lo, mut hi) = (RATIO_MIN, RATIO_MAX);
    if f(lo) >= target {
        return Some(lo);
    }
    let top = f(hi);
    if top.is_nan() || top < target {
        return None;
    }
    for _ in 0..100 {
        let mid = 0.5 * (lo + hi);
        if f(mid) >= target {
            hi = mid;
        } else {
            lo = mid;
        }
        if hi - lo <= 1e-13 * hi {
            break;
        }
    }
    Some(hi)
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
        // The line is not kept with its customers: evaluate them here, one by one.
        assert!(m.customers.is_empty());
        let (customers, fixed) = split_customers(&cell());
        for r in [0.5, 0.9, 1.0, 1.1, 1.7, 3.0] {
            close(&m.at(r), &m.exact(&customers, &fixed, r));
            let p = m.pocket_line().map_or(f64::NAN, |(a, b)| a * r + b);
            assert!((p - m.at(r).pocket).abs() < 1e-9, "{p} at {r}");
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
