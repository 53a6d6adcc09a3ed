//! The panel model's data: per segment × product cell, each customer's net quantity and net
//! revenue per calendar month, on a chosen price basis, read from the customer-month sums the
//! import keeps (`agg_customer_month`, see [`super::customer_months`]): each chunk's records go
//! to their cell's list, a customer's segment being the one it has now; each list is then
//! sorted, the records of a customer-month from several chunks added up, and those netting to
//! zero lines dropped.

use super::customer_months::ChunkView;
use super::import::fxhash::{FxHashMap, IdMap};
use super::{StoreError, Workspace};
use crate::model::{PanelCell, PanelObs};
use crate::store::demand::PriceBasis;

/// Every cell's customer-months in (segment, product) order; within a cell sorted by customer
/// and month, customers numbered 0.. in id order. Months are year·12 + month − 1. Customer-months
/// whose lines net to zero or less are kept (the panel leaves them out, sums include them).
pub fn panel_cells(ws: &Workspace, price: PriceBasis) -> Result<Vec<PanelCell>, StoreError> {
    let catalog = Catalog::read(ws)?;
    let mut groups = Groups::new(&catalog);
    let mut stmt = ws
        .conn()
        .prepare("SELECT chunk, data FROM agg_customer_month ORDER BY chunk")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let chunk: i64 = r.get(0)?;
        let bytes = r.get_ref(1)?.as_blob().map_err(rusqlite::Error::from)?;
        let view = ChunkView::parse(bytes).ok_or_else(|| bad_chunk(chunk))?;
        groups.add_chunk(&catalog, &view, price);
    }
    Ok(groups.into_cells(&catalog))
}

fn bad_chunk(chunk: i64) -> StoreError {
    StoreError::BadValue {
        table: "agg_customer_month",
        column: "data",
        value: format!("chunk {chunk}"),
        fix: "run 'pricebench import' on the data again into a new workspace",
    }
}

fn text<'r>(r: &'r rusqlite::Row, i: usize) -> rusqlite::Result<&'r str> {
    r.get_ref(i)?.as_str().map_err(rusqlite::Error::from)
}

/// Customers (with their segment) and products by id.
struct Catalog {
    customers: IdMap<(u32, u32)>,
    customer_ids: Vec<String>,
    products: IdMap<u32>,
    product_ids: Vec<String>,
    segment_ids: Vec<String>,
    /// The workspace's elements, to tell a chunk's on-invoice elements from the others.
    elements: Vec<(String, crate::realization::sums::ElementKind)>,
}

impl Catalog {
    fn read(ws: &Workspace) -> Result<Catalog, StoreError> {
        let mut cat = Catalog {
            customers: IdMap::default(),
            customer_ids: Vec::new(),
            products: IdMap::default(),
            product_ids: Vec::new(),
            segment_ids: Vec::new(),
            elements: super::elements(ws)?
                .into_iter()
                .map(|e| (e.column, e.kind))
                .collect(),
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

/// One customer-month of a cell while the chunks are read: customer = the global index.
#[derive(Debug, Clone, Copy)]
struct Entry {
    customer: u32,
    month: i32,
    lines: i32,
    quantity: f64,
    revenue: f64,
}

/// Customer-months grouped by cell while the chunks are read.
struct Groups {
    n_products: usize,
    /// Per cell (segment · products + product): its entries.
    lists: Vec<Vec<Entry>>,
}

impl Groups {
    fn new(cat: &Catalog) -> Groups {
        let cells = cat.segment_ids.len() * cat.product_ids.len();
        Groups {
            n_products: cat.product_ids.len(),
            lists: (0..cells).map(|_| Vec::new()).collect(),
        }
    }

    /// Adds a chunk's records; customers or products the workspace does not know are skipped.
    fn add_chunk(&mut self, cat: &Catalog, view: &ChunkView, price: PriceBasis) {
        let customers: Vec<Option<(u32, u32)>> = view
            .customers
            .iter()
            .map(|id| cat.customers.get(id).copied())
            .collect();
        let products: Vec<Option<u32>> = view
            .products
            .iter()
            .map(|id| cat.products.get(id).copied())
            .collect();
        let kinds = view.element_kinds(&cat.elements);
        for record in view.records() {
            let ((c, p, month), s) = (record.key, record.month_sums(&kinds));
            let (Some((customer, segment)), Some(product)) =
                (customers[c as usize], products[p as usize])
            else {
                continue;
            };
            let revenue = match price {
                PriceBasis::List => s.list,
                PriceBasis::Invoice => s.invoice,
                PriceBasis::Pocket => s.pocket,
            };
            let cell = segment as usize * self.n_products + product as usize;
            self.lists[cell].push(Entry {
                customer,
                month,
                lines: s.lines,
                quantity: s.quantity,
                revenue,
            });
        }
    }

    /// The cells with customer-months, in id order.
    fn into_cells(self, cat: &Catalog) -> Vec<PanelCell> {
        let n_products = self.n_products;
        let mut cells: Vec<PanelCell> = self
            .lists
            .into_iter()
            .enumerate()
            .filter_map(|(cell, entries)| {
                let obs = tidy(entries);
                (!obs.is_empty()).then(|| PanelCell {
                    segment_id: cat.segment_ids[cell / n_products].clone(),
                    product_id: cat.product_ids[cell % n_products].clone(),
                    obs,
                })
            })
            .collect();
        cells.sort_by(|a, b| (&a.segment_id, &a.product_id).cmp(&(&b.segment_id, &b.product_id)));
        cells
    }
}

/// Sorts by (customer, month), adds up repeats, drops customer-months of no lines, numbers
/// customers 0.. in order. Each chunk's records are already in that order, so the stable sort
/// merges a few runs.
fn tidy(mut entries: Vec<Entry>) -> Vec<PanelObs> {
    entries.sort_by_key(|e| (e.customer, e.month));
    let mut merged: Vec<Entry> = Vec::with_capacity(entries.len());
    for e in entries {
        match merged.last_mut() {
            Some(prev) if (prev.customer, prev.month) == (e.customer, e.month) => {
                prev.lines += e.lines;
                prev.quantity += e.quantity;
                prev.revenue += e.revenue;
            }
            _ => merged.push(e),
        }
    }
    let mut out = Vec::with_capacity(merged.len());
    let (mut last_customer, mut local) = (None, 0u32);
    for e in merged.into_iter().filter(|e| e.lines != 0) {
        if last_customer.is_some_and(|c| c != e.customer) {
            local += 1;
        }
        last_customer = Some(e.customer);
        out.push(PanelObs {
            customer: local,
            month: e.month,
            quantity: e.quantity,
            revenue: e.revenue,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repeated_months_merge_netted_ones_go_and_customers_are_renumbered() {
        let e = |customer, month, lines, quantity| Entry {
            customer,
            month,
            lines,
            quantity,
            revenue: 2.0 * quantity,
        };
        let entries = vec![
            e(7, 3, 1, 1.0),
            e(4, 2, 1, 1.0),
            e(7, 1, 1, 1.0),
            e(7, 3, 2, 2.0),
            e(5, 1, 1, 4.0),
            e(5, 1, -1, -4.0),
        ];
        let got: Vec<(u32, i32, f64, f64)> = tidy(entries)
            .iter()
            .map(|o| (o.customer, o.month, o.quantity, o.revenue))
            .collect();
        assert_eq!(
            got,
            vec![(0, 2, 1.0, 2.0), (1, 1, 1.0, 2.0), (1, 3, 3.0, 6.0)]
        );
    }
}
