//! The panel model's data: per segment × product cell, each customer's net quantity and net
//! revenue per calendar month, on a chosen price basis.
//!
//! No aggregate holds customer × product × month sums (there are nearly as many of them as
//! transaction lines, so the import would write and keep them at a cost it cannot afford), and
//! the `transaction_lines` view's GROUP BY would sort every line. So this is one pass over
//! `transactions` in table order, the net price computed by SQLite, the lines grouped in
//! memory: a line finds its (customer, product) pair in a hash map, and the pair's latest month
//! in its cell's list of customer-months, which it adds to or follows. Memory is one 24-byte
//! entry per customer-month.

use super::elements::elements;
use super::import::fxhash::{FxHashMap, IdMap};
use super::{StoreError, Workspace};
use crate::model::{PanelCell, PanelObs};
use crate::realization::sums::ElementKind;
use crate::store::demand::PriceBasis;

/// Every cell's customer-months in (segment, product) order; within a cell sorted by customer
/// and month, customers numbered 0.. in id order. Months are year·12 + month − 1. Customer-months
/// whose lines net to zero or less are kept (the panel leaves them out, sums include them).
pub fn panel_cells(ws: &Workspace, price: PriceBasis) -> Result<Vec<PanelCell>, StoreError> {
    let catalog = Catalog::read(ws)?;
    let mut groups = Groups::new(&catalog);
    let sql = format!(
        "SELECT date, customer_id, product_id, quantity, {} FROM transactions",
        price_sql(ws, price)?
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let (Some(month), Some(&c), Some(&p)) = (
            month_number(text(r, 0)?),
            catalog.customers.get(text(r, 1)?),
            catalog.products.get(text(r, 2)?),
        ) else {
            continue;
        };
        let quantity: f64 = r.get(3)?;
        let price: f64 = r.get(4)?;
        groups.add(c, p, month, quantity, quantity * price);
    }
    Ok(groups.into_cells(&catalog))
}

/// SQL for the per-unit price on `basis` from the element columns.
fn price_sql(ws: &Workspace, basis: PriceBasis) -> Result<String, StoreError> {
    let els = elements(ws)?;
    let sum = |kind: ElementKind| -> String {
        els.iter()
            .filter(|e| e.kind == kind)
            .map(|e| format!(" - \"{}\"", e.column.replace('"', "\"\"")))
            .collect()
    };
    Ok(match basis {
        PriceBasis::List => "list_price".to_string(),
        PriceBasis::Invoice => format!("list_price{}", sum(ElementKind::OnInvoice)),
        PriceBasis::Pocket => format!(
            "list_price{}{}",
            sum(ElementKind::OnInvoice),
            sum(ElementKind::OffInvoice)
        ),
    })
}

fn text<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)
}

/// year·12 + month − 1 of a `YYYY-MM-DD` date (the import stores no other form).
fn month_number(date: &str) -> Option<i32> {
    let b = date.as_bytes();
    let digits = |s: &[u8]| {
        s.iter().try_fold(0i32, |acc, &d| {
            d.is_ascii_digit().then(|| acc * 10 + i32::from(d - b'0'))
        })
    };
    let year = digits(b.get(0..4)?)?;
    let month = digits(b.get(5..7)?)?;
    (1..=12).contains(&month).then_some(year * 12 + month - 1)
}

/// Customers (with their segment) and products by id.
struct Catalog {
    customers: IdMap<(u32, u32)>,
    customer_ids: Vec<String>,
    products: IdMap<u32>,
    product_ids: Vec<String>,
    segment_ids: Vec<String>,
}

impl Catalog {
    fn read(ws: &Workspace) -> Result<Catalog, StoreError> {
        let mut cat = Catalog {
            customers: IdMap::default(),
            customer_ids: Vec::new(),
            products: IdMap::default(),
            product_ids: Vec::new(),
            segment_ids: Vec::new(),
        };
        let mut segments: FxHashMap<String, u32> = FxHashMap::default();
        let mut stmt = ws
            .conn()
            .prepare("SELECT customer_id, segment_id FROM customers ORDER BY customer_id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let (id, segment) = (text(r, 0)?, text(r, 1)?);
            let next = segments.len() as u32;
            let s = *segments.entry(segment.to_string()).or_insert_with(|| {
                cat.segment_ids.push(segment.to_string());
                next
            });
            cat.customers.insert(id, (cat.customer_ids.len() as u32, s));
            cat.customer_ids.push(id.to_string());
        }
        let mut stmt = ws
            .conn()
            .prepare("SELECT product_id FROM products ORDER BY product_id")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let id = text(r, 0)?;
            cat.products.insert(id, cat.product_ids.len() as u32);
            cat.product_ids.push(id.to_string());
        }
        Ok(cat)
    }
}

/// Customer-months grouped by cell while the lines stream by.
struct Groups {
    n_products: u64,
    /// (customer, product) → (slot of its cell, index of the pair's latest month there).
    pairs: FxHashMap<u64, (u32, u32)>,
    /// cell (segment · products + product) → its slot.
    slots: FxHashMap<u32, u32>,
    /// Per slot: the cell and its customer-months, customer = the global index.
    lists: Vec<(u32, Vec<PanelObs>)>,
}

impl Groups {
    fn new(cat: &Catalog) -> Groups {
        Groups {
            n_products: cat.product_ids.len() as u64,
            pairs: FxHashMap::default(),
            slots: FxHashMap::default(),
            lists: Vec::new(),
        }
    }

    fn add(&mut self, (customer, segment): (u32, u32), product: u32, month: i32, q: f64, rev: f64) {
        let key = u64::from(customer) * self.n_products + u64::from(product);
        let obs = PanelObs {
            customer,
            month,
            quantity: q,
            revenue: rev,
        };
        if let Some((slot, latest)) = self.pairs.get_mut(&key) {
            let list = &mut self.lists[*slot as usize].1;
            match list.get_mut(*latest as usize).filter(|o| o.month == month) {
                Some(o) => {
                    o.quantity += q;
                    o.revenue += rev;
                }
                None => {
                    // A month not seen last for this pair: appended; merged below if it repeats.
                    *latest = list.len() as u32;
                    list.push(obs);
                }
            }
            return;
        }
        let cell = segment * self.n_products as u32 + product;
        let lists = &mut self.lists;
        let slot = *self.slots.entry(cell).or_insert_with(|| {
            lists.push((cell, Vec::new()));
            (lists.len() - 1) as u32
        });
        let list = &mut self.lists[slot as usize].1;
        self.pairs.insert(key, (slot, list.len() as u32));
        list.push(obs);
    }

    /// The cells in id order, each sorted by customer and month with repeated months merged
    /// and customers renumbered 0.. in id order.
    fn into_cells(self, cat: &Catalog) -> Vec<PanelCell> {
        let n_products = self.n_products as u32;
        drop(self.pairs);
        let mut cells: Vec<PanelCell> = self
            .lists
            .into_iter()
            .map(|(cell, obs)| PanelCell {
                segment_id: cat.segment_ids[(cell / n_products) as usize].clone(),
                product_id: cat.product_ids[(cell % n_products) as usize].clone(),
                obs: tidy(obs),
            })
            .collect();
        cells.sort_by(|a, b| (&a.segment_id, &a.product_id).cmp(&(&b.segment_id, &b.product_id)));
        cells
    }
}

/// Sorts by (customer, month), merges repeats, numbers customers 0.. in order.
fn tidy(mut obs: Vec<PanelObs>) -> Vec<PanelObs> {
    obs.sort_by_key(|o| (o.customer, o.month));
    let mut out: Vec<PanelObs> = Vec::with_capacity(obs.len());
    let (mut last_customer, mut local) = (None, 0u32);
    for o in obs {
        match out.last_mut() {
            Some(prev) if last_customer == Some(o.customer) && prev.month == o.month => {
                prev.quantity += o.quantity;
                prev.revenue += o.revenue;
                continue;
            }
            _ => {}
        }
        if last_customer.is_some_and(|c| c != o.customer) {
            local += 1;
        }
        last_customer = Some(o.customer);
        out.push(PanelObs {
            customer: local,
            ..o
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn month_numbers_count_from_year_zero() {
        assert_eq!(month_number("2024-01-15"), Some(2024 * 12));
        assert_eq!(month_number("2025-12-28"), Some(2025 * 12 + 11));
        assert_eq!(month_number("2025-13-01"), None);
        assert_eq!(month_number("x"), None);
    }

    #[test]
    fn repeated_months_merge_and_customers_are_renumbered() {
        let o = |customer, month, quantity| PanelObs {
            customer,
            month,
            quantity,
            revenue: 2.0 * quantity,
        };
        let tidy = tidy(vec![o(7, 3, 1.0), o(4, 2, 1.0), o(7, 1, 1.0), o(7, 3, 2.0)]);
        let got: Vec<(u32, i32, f64, f64)> = tidy
            .iter()
            .map(|o| (o.customer, o.month, o.quantity, o.revenue))
            .collect();
        assert_eq!(
            got,
            vec![(0, 2, 1.0, 2.0), (1, 1, 1.0, 2.0), (1, 3, 3.0, 6.0)]
        );
    }
}
