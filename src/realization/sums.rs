//! The plain data price realization works on: the waterfall elements, per-group sums of
//! quantity, revenue and every element, customer × product cells and transaction-basis band
//! points. The store reads them; nothing here knows where they come from.

use std::sync::Arc;

/// Whether an element is taken off the invoice or after it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ElementKind {
    OnInvoice,
    OffInvoice,
}

/// A waterfall element in the data's order.
#[derive(Debug, Clone, PartialEq)]
pub struct Element {
    pub name: String,
    pub kind: ElementKind,
    /// Its column in `transactions` and the aggregates (e.g. `on_volume`).
    pub column: String,
}

/// Sums over the transaction lines of a group; returns (negative quantity) net out.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Sums {
    pub lines: i64,
    /// Σ quantity.
    pub quantity: f64,
    /// Σ quantity × list price, in currency.
    pub list_revenue: f64,
    /// Σ quantity × invoice price, in currency.
    pub invoice_revenue: f64,
    /// Σ quantity × pocket price, in currency.
    pub pocket_revenue: f64,
    /// Σ quantity × unit cost, in currency.
    pub cost: f64,
    /// Σ quantity × per-unit amount in currency, one per element in the elements' order.
    pub elements: Vec<f64>,
}

impl Sums {
    /// Adds `other` into `self` (element vectors of different length extend).
    pub fn add(&mut self, other: &Sums) {
        self.lines += other.lines;
        self.quantity += other.quantity;
        self.list_revenue += other.list_revenue;
        self.invoice_revenue += other.invoice_revenue;
        self.pocket_revenue += other.pocket_revenue;
        self.cost += other.cost;
        if self.elements.len() < other.elements.len() {
            self.elements.resize(other.elements.len(), 0.0);
        }
        for (a, b) in self.elements.iter_mut().zip(&other.elements) {
            *a += b;
        }
    }
}

/// Which ids a group is keyed by; `None` where the grouping does not use the id.
#[derive(Debug, Clone, Default, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct GroupKey {
    pub segment_id: Option<String>,
    pub product_id: Option<String>,
    pub customer_id: Option<String>,
}

/// A customer × product pair's ids, borrowed: (segment, product, customer).
pub type PairIds<'a> = (Option<&'a str>, Option<&'a str>, Option<&'a str>);

/// One group's key and sums.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct GroupSums {
    pub key: GroupKey,
    pub sums: Sums,
}

/// One customer × product cell, with only what the band and the customer leakage need. Ids are
/// shared (`Arc<str>`): a million cells name only a few thousand customers and products.
#[derive(Debug, Clone, PartialEq)]
pub struct Cell {
    pub segment_id: Arc<str>,
    pub product_id: Arc<str>,
    pub customer_id: Arc<str>,
    /// Σ quantity (net of returns).
    pub quantity: f64,
    /// Σ quantity × list price, in currency.
    pub list_revenue: f64,
    /// Σ quantity × invoice price, in currency.
    pub invoice_revenue: f64,
    /// Σ quantity × pocket price, in currency.
    pub pocket_revenue: f64,
}

/// One point of a transaction-basis band: the lines of a group at one pocket % of list, their
/// quantities summed (returns at the same pocket % net out).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LinePoint {
    /// Pocket price as % of list, rounded to 4 decimals.
    pub pocket_pct: f64,
    pub quantity: f64,
}

/// A segment × product's transaction-basis points, in pocket % order.
#[derive(Debug, Clone, PartialEq)]
pub struct LineGroup {
    pub segment_id: String,
    pub product_id: String,
    pub points: Vec<LinePoint>,
}
