//! Typed reads for price realization (waterfall, band, leakage): per-group sums of quantity,
//! revenue and every waterfall element, as plain structs for `crate::realization`.
//!
//! Without a date range the sums come from the aggregates the importer keeps: `agg_month` for
//! segment / product groupings, `agg_customer` for anything at customer level. A range of whole
//! months (first day to last day) still reads `agg_month`; any other range, or a range at customer
//! level, sums `transaction_lines` with a WHERE on the date — a full scan, slower on large
//! workspaces.

use super::import::fxhash::{FxHashMap, IdMap};
use super::query::quote_ident;
use super::{CellGroups, StoreError, Workspace};
use crate::date::Date;
use crate::realization::sums::{
    Cell, Element, ElementKind, GroupKey, GroupSums, LineGroup, LinePoint, Sums,
};
use rusqlite::{Connection, Row, params_from_iter};
use std::collections::HashMap;
use std::sync::Arc;

/// How lines are grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Grouping {
    Total,
    Segment,
    Product,
    SegmentProduct,
    /// Per customer (keyed by segment and customer: a customer belongs to one segment).
    Customer,
    /// Per customer × product (with the customer's segment).
    CustomerProduct,
}

impl Grouping {
    fn columns(self) -> &'static [&'static str] {
        match self {
            Grouping::Total => &[],
            Grouping::Segment => &["segment_id"],
            Grouping::Product => &["product_id"],
            Grouping::SegmentProduct => &["segment_id", "product_id"],
            Grouping::Customer => &["segment_id", "customer_id"],
            Grouping::CustomerProduct => &["segment_id", "product_id", "customer_id"],
        }
    }

    fn at_customer_level(self) -> bool {
        matches!(self, Grouping::Customer | Grouping::CustomerProduct)
    }
}

/// Which lines count: ids to keep (all when `None`) and an inclusive date range.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Scope {
    pub segment: Option<String>,
    pub product: Option<String>,
    pub customer: Option<String>,
    pub from: Option<Date>,
    pub to: Option<Date>,
}

/// Where the sums are read from, and the SQL expression of each sum.
struct Source {
    table: &'static str,
    /// In [`Sums`] order: lines, quantity, list, invoice, pocket, cost, then each element.
    sums: Vec<String>,
    /// A scan of `transactions` that needs the customers' segments: summed per customer
    /// first, then joined to `customers` (a lookup per customer, not per line).
    segment_by_customer: bool,
    /// Extra WHERE terms and their parameters (the date range).
    range: Option<(String, Vec<String>)>,
}

fn is_whole_months(from: Option<Date>, to: Option<Date>) -> bool {
    let starts = from.is_none_or(|d| d.month_start() == d);
    let ends = to.is_none_or(|d| d.add_days(1).month_start() == d.add_days(1));
    starts && ends
}

fn source(elements: &[Element], grouping: Grouping, scope: &Scope) -> Source {
    let dated = scope.from.is_some() || scope.to.is_some();
    let customer_level = grouping.at_customer_level() || scope.customer.is_some();
    let bound = |d: Option<Date>, fallback: &str| d.map_or(fallback.to_string(), |d| d.to_string());
    let (lo, hi) = (
        bound(scope.from, "0000-01-01"),
        bound(scope.to, "9999-12-31"),
    );
    let agg_sums: Vec<String> = [
        "lines",
        "quantity",
        "list_revenue",
        "invoice_revenue",
        "pocket_revenue",
        "cost",
    ]
    .iter()
    .map(|c| c.to_string())
    .chain(elements.iter().map(|e| quote_ident(&e.column)))
    .map(|c| format!("SUM({c})"))
    .collect();
    match (dated, customer_level) {
        (false, true) => Source {
            table: "agg_customer",
            sums: agg_sums.clone(),
            range: None,
            segment_by_customer: false,
        },
        (false, false) => Source {
            table: "agg_month",
            sums: agg_sums.clone(),
            range: None,
            segment_by_customer: false,
        },
        (true, false) if is_whole_months(scope.from, scope.to) => Source {
            table: "agg_month",
            sums: agg_sums.clone(),
            range: Some(("period >= ? AND period <= ?".into(), vec![lo, hi])),
            segment_by_customer: false,
        },
        (true, _) => {
            // Invoice and pocket revenue follow from the element sums (list − Σ on, then
            // − Σ off), so the scan reads only stored columns; SQLite computes each SUM once.
            let sum = |e: &Element| format!("SUM(quantity * {})", quote_ident(&e.column));
            let total = |kind: ElementKind| {
                let terms: Vec<String> = elements
                    .iter()
                    .filter(|e| e.kind == kind)
                    .map(sum)
                    .collect();
                match terms.is_empty() {
                    true => "0".to_string(),
                    false => format!("({})", terms.join(" + ")),
                }
            };
            let invoice = format!(
                "SUM(quantity * list_price) - {}",
                total(ElementKind::OnInvoice)
            );
            let pocket = format!("{invoice} - {}", total(ElementKind::OffInvoice));
            let mut sums = vec![
                "COUNT(*)".to_string(),
                "SUM(quantity)".to_string(),
                "SUM(quantity * list_price)".to_string(),
                invoice,
                pocket,
                "SUM(quantity * unit_cost)".to_string(),
            ];
            sums.extend(elements.iter().map(sum));
            Source {
                table: "transactions",
                sums,
                range: Some(("date >= ? AND date <= ?".into(), vec![lo, hi])),
                segment_by_customer: grouping.columns().contains(&"segment_id")
                    || scope.segment.is_some(),
            }
        }
    }
}

fn sums_from_row(r: &Row, at: usize, n_elements: usize) -> rusqlite::Result<Sums> {
    let f =
        |i: usize| -> rusqlite::Result<f64> { Ok(r.get::<_, Option<f64>>(at + i)?.unwrap_or(0.0)) };
    Ok(Sums {
        lines: r.get::<_, Option<i64>>(at)?.unwrap_or(0),
        quantity: f(1)?,
        list_revenue: f(2)?,
        invoice_revenue: f(3)?,
        pocket_revenue: f(4)?,
        cost: f(5)?,
        elements: (0..n_elements)
            .map(|i| f(6 + i))
            .collect::<Result<_, _>>()?,
    })
}

fn key_from_row(r: &Row, columns: &[&str]) -> rusqlite::Result<GroupKey> {
    let mut key = GroupKey::default();
    for (i, c) in columns.iter().enumerate() {
        let v: Option<String> = r.get(i)?;
        match *c {
            "segment_id" => key.segment_id = v,
            "product_id" => key.product_id = v,
            _ => key.customer_id = v,
        }
    }
    Ok(key)
}

/// WHERE terms and parameters for the ids a scope keeps.
fn id_terms(scope: &Scope) -> (Vec<String>, Vec<String>) {
    let mut terms = Vec::new();
    let mut params = Vec::new();
    for (column, value) in [
        ("segment_id", &scope.segment),
        ("product_id", &scope.product),
        ("customer_id", &scope.customer),
    ] {
        if let Some(v) = value {
            terms.push(format!("{column} = ?"));
            params.push(v.clone());
        }
    }
    (terms, params)
}

/// Sums per group of `grouping` over the lines in `scope`, ordered by the group's ids. A total
/// over no lines is one group of zeros; other groupings return no group for no lines.
pub fn group_sums(
    ws: &Workspace,
    elements: &[Element],
    grouping: Grouping,
    scope: &Scope,
) -> Result<Vec<GroupSums>, StoreError> {
    let src = source(elements, grouping, scope);
    if src.segment_by_customer {
        return group_sums_by_customer(ws, elements, grouping, scope, src);
    }
    let (mut terms, mut params) = id_terms(scope);
    if let Some((term, values)) = src.range {
        terms.push(term);
        params.extend(values);
    }
    let columns = grouping.columns();
    let keys = columns.join(", ");
    let select = match keys.is_empty() {
        true => src.sums.join(", "),
        false => format!("{keys}, {}", src.sums.join(", ")),
    };
    let mut sql = format!("SELECT {select} FROM {}", src.table);
    if !terms.is_empty() {
        sql.push_str(&format!(" WHERE {}", terms.join(" AND ")));
    }
    if !keys.is_empty() {
        sql.push_str(&format!(" GROUP BY {keys} ORDER BY {keys}"));
    }
    read_groups(ws.conn(), &sql, &params, columns, elements.len())
}

/// [`group_sums`] over a scan that needs segments: the lines are summed per customer (and
/// product) in `transactions`, and those sums per group after joining each customer's segment.
fn group_sums_by_customer(
    ws: &Workspace,
    elements: &[Element],
    grouping: Grouping,
    scope: &Scope,
    src: Source,
) -> Result<Vec<GroupSums>, StoreError> {
    let columns = grouping.columns();
    let mut inner_keys = vec!["customer_id"];
    if columns.contains(&"product_id") {
        inner_keys.push("product_id");
    }
    let inner_keys = inner_keys.join(", ");
    let n_sums = src.sums.len();
    let (mut terms, mut params) = segment_as_customers(scope);
    if let Some((term, values)) = src.range {
        terms.push(term);
        params.extend(values);
    }
    // The inner sums, named s0, s1, ... in the order of `src.sums`.
    let inner_sums = src
        .sums
        .iter()
        .enumerate()
        .map(|(i, e)| format!("{e} AS s{i}"))
        .collect::<Vec<_>>()
        .join(", ");
    let mut inner = format!("SELECT {inner_keys}, {inner_sums} FROM {}", src.table);
    if !terms.is_empty() {
        inner.push_str(&format!(" WHERE {}", terms.join(" AND ")));
    }
    inner.push_str(&format!(" GROUP BY {inner_keys}"));
    let keys: Vec<String> = columns
        .iter()
        .map(|c| match *c {
            "segment_id" => "c.segment_id".to_string(),
            other => format!("x.{other}"),
        })
        .collect();
    let outer_sums = (0..n_sums)
        .map(|i| format!("SUM(x.s{i})"))
        .collect::<Vec<_>>()
        .join(", ");
    let select = match keys.is_empty() {
        true => outer_sums,
        false => format!("{}, {outer_sums}", keys.join(", ")),
    };
    let mut sql = format!(
        "SELECT {select} FROM ({inner}) x JOIN customers c ON c.customer_id = x.customer_id"
    );
    if !keys.is_empty() {
        let keys = keys.join(", ");
        sql.push_str(&format!(" GROUP BY {keys} ORDER BY {keys}"));
    }
    read_groups(ws.conn(), &sql, &params, columns, elements.len())
}

/// [`id_terms`] for a scan of `transactions`, which has no segment column: a segment becomes
/// the set of its customers, so the lines of other segments are dropped before any grouping.
fn segment_as_customers(scope: &Scope) -> (Vec<String>, Vec<String>) {
    let (mut terms, mut params) = id_terms(&Scope {
        segment: None,
        ..scope.clone()
    });
    if let Some(segment) = &scope.segment {
        terms
            .push("customer_id IN (SELECT customer_id FROM customers WHERE segment_id = ?)".into());
        params.push(segment.clone());
    }
    (terms, params)
}

fn read_groups(
    conn: &Connection,
    sql: &str,
    params: &[String],
    columns: &[&str],
    n_elements: usize,
) -> Result<Vec<GroupSums>, StoreError> {
    let mut stmt = conn.prepare(sql)?;
    let rows = stmt.query_map(params_from_iter(params), |r| {
        Ok(GroupSums {
            key: key_from_row(r, columns)?,
            sums: sums_from_row(r, columns.len(), n_elements)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// Every customer × product cell in `scope` (all dates: `agg_customer`; a date range sums
/// `transaction_lines`), in customer, product order.
pub fn cells(ws: &Workspace, scope: &Scope) -> Result<Vec<Cell>, StoreError> {
    let dated = scope.from.is_some() || scope.to.is_some();
    if !dated {
        let (terms, params) = id_terms(scope);
        let mut sql = "SELECT segment_id, product_id, customer_id, quantity, list_revenue, \
                       invoice_revenue, pocket_revenue FROM agg_customer"
            .to_string();
        if !terms.is_empty() {
            sql.push_str(&format!(" WHERE {}", terms.join(" AND ")));
        }
        sql.push_str(" ORDER BY customer_id, product_id");
        return read_cells(ws, &sql, &params);
    }
    // Summed per customer × product from the stored columns (pocket = list − every
    // element), then each customer's segment joined once per cell, not once per line.
    let elements = super::elements(ws)?;
    let deductions = |kinds: &[ElementKind]| -> String {
        elements
            .iter()
            .filter(|e| kinds.contains(&e.kind))
            .map(|e| format!(" - {}", quote_ident(&e.column)))
            .collect()
    };
    let on_invoice = deductions(&[ElementKind::OnInvoice]);
    let all = deductions(&[ElementKind::OnInvoice, ElementKind::OffInvoice]);
    let (mut terms, mut params) = segment_as_customers(scope);
    terms.push("date >= ? AND date <= ?".to_string());
    params.push(scope.from.map_or("0000-01-01".into(), |d| d.to_string()));
    params.push(scope.to.map_or("9999-12-31".into(), |d| d.to_string()));
    let mut sql = format!(
        "SELECT c.segment_id, x.product_id, x.customer_id, x.q, x.l, x.i, x.p FROM \
         (SELECT customer_id, product_id, SUM(quantity) AS q, SUM(quantity * list_price) AS l, \
                 SUM(quantity * (list_price{on_invoice})) AS i, \
                 SUM(quantity * (list_price{all})) AS p \
          FROM transactions WHERE {} GROUP BY customer_id, product_id) x \
         JOIN customers c ON c.customer_id = x.customer_id",
        terms.join(" AND ")
    );
    sql.push_str(" ORDER BY x.customer_id, x.product_id");
    read_cells(ws, &sql, &params)
}

fn read_cells(ws: &Workspace, sql: &str, params: &[String]) -> Result<Vec<Cell>, StoreError> {
    let mut stmt = ws.conn().prepare(sql)?;
    let mut rows = stmt.query(params_from_iter(params))?;
    let mut ids: [Interner; 3] = Default::default();
    let mut out = Vec::new();
    while let Some(r) = rows.next()? {
        out.push(Cell {
            segment_id: ids[0].get(r, 0)?,
            product_id: ids[1].get(r, 1)?,
            customer_id: ids[2].get(r, 2)?,
            quantity: r.get(3)?,
            list_revenue: r.get(4)?,
            invoice_revenue: r.get(5)?,
            pocket_revenue: r.get(6)?,
        });
    }
    Ok(out)
}

/// Hands out one shared copy of each id text of a column.
#[derive(Default)]
struct Interner {
    ids: HashMap<String, Arc<str>>,
    /// The last id handed out: rows come sorted, so the same id usually repeats.
    last: Option<Arc<str>>,
}

impl Interner {
    fn get(&mut self, r: &Row, i: usize) -> rusqlite::Result<Arc<str>> {
        let text = r.get_ref(i)?.as_str()?;
        if let Some(last) = self.last.as_ref().filter(|l| &***l == text) {
            return Ok(Arc::clone(last));
        }
        let id = match self.ids.get(text) {
            Some(id) => Arc::clone(id),
            None => {
                let id: Arc<str> = Arc::from(text);
                self.ids.insert(text.to_string(), Arc::clone(&id));
                id
            }
        };
        self.last = Some(Arc::clone(&id));
        Ok(id)
    }
}

/// Transaction lines in `scope` with a positive list price, grouped by segment and product
/// (in id order) and, within each, by pocket % of list. Scans `transaction_lines`.
///
/// The grouping is done here rather than by SQL's GROUP BY: that sorted every line of the scan
/// through a temporary file (most of 23 s for 9.5M lines on 10M) and the result was millions
/// of points each carrying its ids (845 MB). Here each group's lines are sorted by pocket % and
/// equal ones merged; the quantities are summed with Neumaier's compensation, as SQLite's
/// SUM does.
pub fn line_points(ws: &Workspace, scope: &Scope) -> Result<Vec<LineGroup>, StoreError> {
    let (mut terms, mut params) = id_terms(scope);
    terms.push("list_price > 0".to_string());
    if let Some(d) = scope.from {
        terms.push("date >= ?".into());
        params.push(d.to_string());
    }
    if let Some(d) = scope.to {
        terms.push("date <= ?".into());
        params.push(d.to_string());
    }
    let sql = format!(
        "SELECT segment_id, product_id, ROUND(100.0 * pocket_price / list_price, 4), quantity
         FROM transaction_lines WHERE {}",
        terms.join(" AND ")
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let mut rows = stmt.query(params_from_iter(&params))?;
    // Each line as a point of its group first; sorted and merged below.
    let mut groups: CellGroups<Vec<LinePoint>> = CellGroups::new();
    while let Some(r) = rows.next()? {
        let text = |i| r.get_ref(i)?.as_str().map_err(rusqlite::Error::from);
        groups.get(text(0)?, text(1)?).push(LinePoint {
            // SQL compares -0.0 and 0.0 as equal: one point.
            pocket_pct: r.get::<_, f64>(2)? + 0.0,
            quantity: r.get(3)?,
        });
    }
    Ok(groups
        .into_sorted()
        .into_iter()
        .map(|(segment_id, product_id, mut lines)| {
            lines.sort_by(|a, b| a.pocket_pct.total_cmp(&b.pocket_pct));
            let points = lines
                .chunk_by(|a, b| a.pocket_pct == b.pocket_pct)
                .map(|run| LinePoint {
                    pocket_pct: run[0].pocket_pct,
                    quantity: neumaier_sum(run.iter().map(|p| p.quantity)),
                })
                .collect();
            LineGroup {
                segment_id,
                product_id,
                points,
            }
        })
        .collect())
}

/// Σ values with Neumaier's compensation (the error of each addition carried along).
fn neumaier_sum(values: impl Iterator<Item = f64>) -> f64 {
    let (mut sum, mut carry) = (0.0f64, 0.0f64);
    for v in values {
        let t = sum + v;
        carry += if sum.abs() >= v.abs() {
            (sum - t) + v
        } else {
            (v - t) + sum
        };
        sum = t;
    }
    sum + carry
}

/// Each customer × product's sums in each of `ranges` (inclusive dates), keyed and ordered like
/// [`group_sums`] with [`Grouping::CustomerProduct`] and a dated scope. One scan of the lines
/// between the earliest and the latest date, added up in memory: SQLite's `GROUP BY` over
/// millions of lines sorts them through a temporary B-tree, and a bridge asked for two periods
/// scanned twice. Lines of customers missing from `customers` are left out, as the join does.
pub fn pair_sums_in_ranges(
    ws: &Workspace,
    elements: &[Element],
    ranges: &[(Date, Date)],
) -> Result<Vec<Vec<GroupSums>>, StoreError> {
    let (Some(lo), Some(hi)) = (
        ranges.iter().map(|r| r.0).min(),
        ranges.iter().map(|r| r.1).max(),
    ) else {
        return Ok(Vec::new());
    };
    let bounds: Vec<(String, String)> = ranges
        .iter()
        .map(|(f, t)| (f.to_string(), t.to_string()))
        .collect();
    let segment_of = customer_segments(ws.conn())?;
    let columns: String = elements
        .iter()
        .map(|e| format!(", {}", quote_ident(&e.column)))
        .collect();
    let sql = format!(
        "SELECT date, customer_id, product_id, quantity, list_price, unit_cost{columns} \
         FROM transactions WHERE date >= ?1 AND date <= ?2"
    );
    let mut customers = Numbering::default();
    let mut products = Numbering::default();
    // Per range: each pair's slot, and per slot its lines and, compensated, Σ quantity, Σ
    // quantity × list price, × unit cost and × each element (sum and error, as SQLite's SUM).
    let width = 3 + elements.len();
    let mut slots: Vec<FxHashMap<(u32, u32), u32>> = vec![FxHashMap::default(); ranges.len()];
    let mut lines: Vec<Vec<i64>> = vec![Vec::new(); ranges.len()];
    let mut acc: Vec<Vec<f64>> = vec![Vec::new(); ranges.len()];
    let mut values = vec![0.0; width];
    let mut stmt = ws.conn().prepare(&sql)?;
    let mut rows = stmt.query((lo.to_string(), hi.to_string()))?;
    while let Some(r) = rows.next()? {
        let date = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        let mut hits = bounds
            .iter()
            .enumerate()
            .filter(|(_, (f, t))| date >= f.as_str() && date <= t.as_str())
            .map(|(i, _)| i)
            .peekable();
        if hits.peek().is_none() {
            continue;
        }
        let customer = r.get_ref(1)?.as_str().map_err(rusqlite::Error::from)?;
        if !segment_of.contains_key(customer) {
            continue;
        }
        let c = customers.index(customer);
        let p = products.index(r.get_ref(2)?.as_str().map_err(rusqlite::Error::from)?);
        let q: f64 = r.get(3)?;
        values[0] = q;
        values[1] = q * r.get::<_, f64>(4)?;
        values[2] = q * r.get::<_, f64>(5)?;
        for k in 0..elements.len() {
            values[3 + k] = q * r.get::<_, f64>(6 + k)?;
        }
        for i in hits {
            let next = lines[i].len() as u32;
            let slot = *slots[i].entry((c, p)).or_insert(next) as usize;
            if slot == next as usize {
                lines[i].push(0);
                let grown = acc[i].len() + 2 * width;
                acc[i].resize(grown, 0.0);
            }
            lines[i][slot] += 1;
            let cell = &mut acc[i][slot * 2 * width..(slot + 1) * 2 * width];
            for (pair, &x) in cell.chunks_exact_mut(2).zip(&values) {
                let [sum, err] = pair else { continue };
                neumaier_step(sum, err, x);
            }
        }
    }
    Ok(slots
        .into_iter()
        .zip(lines)
        .zip(acc)
        .map(|((m, lines), acc)| {
            let mut v: Vec<GroupSums> = m
                .into_iter()
                .map(|((c, p), slot)| {
                    let slot = slot as usize;
                    let cell = &acc[slot * 2 * width..(slot + 1) * 2 * width];
                    let total = |k: usize| cell[2 * k] + cell[2 * k + 1];
                    let mut sums = Sums {
                        lines: lines[slot],
                        quantity: total(0),
                        list_revenue: total(1),
                        cost: total(2),
                        elements: (0..elements.len()).map(|k| total(3 + k)).collect(),
                        ..Sums::default()
                    };
                    derive_prices(&mut sums, elements);
                    let customer = customers.id(c);
                    GroupSums {
                        key: GroupKey {
                            segment_id: segment_of.get(customer).cloned(),
                            product_id: Some(products.id(p).to_string()),
                            customer_id: Some(customer.to_string()),
                        },
                        sums,
                    }
                })
                .collect();
            v.sort_by(|a, b| a.key.cmp(&b.key));
            v
        })
        .collect())
}

/// Adds `x` to `sum`, carrying the rounding error in `err` (Kahan–Babuška–Neumaier, the step
/// SQLite's SUM takes).
fn neumaier_step(sum: &mut f64, err: &mut f64, x: f64) {
    let s = *sum + x;
    if sum.abs() > x.abs() {
        *err += (*sum - s) + x;
    } else {
        *err += (x - s) + *sum;
    }
    *sum = s;
}

/// Invoice and pocket revenue from list revenue less the element sums, as the SQL of
/// [`source`] computes them (on-invoice elements, then off-invoice, in waterfall order).
fn derive_prices(s: &mut Sums, elements: &[Element]) {
    let total = |kind: ElementKind| -> f64 {
        elements
            .iter()
            .zip(&s.elements)
            .filter(|(e, _)| e.kind == kind)
            .map(|(_, v)| v)
            .sum()
    };
    let (on, off) = (
        total(ElementKind::OnInvoice),
        total(ElementKind::OffInvoice),
    );
    s.invoice_revenue = s.list_revenue - on;
    s.pocket_revenue = s.invoice_revenue - off;
}

/// Every customer's segment.
pub(crate) fn customer_segments(conn: &Connection) -> Result<IdMap<String>, StoreError> {
    let mut out = IdMap::default();
    let mut stmt = conn.prepare("SELECT customer_id, segment_id FROM customers")?;
    let mut rows = stmt.query([])?;
    while let Some(r) = rows.next()? {
        let id = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
        out.insert(id, r.get(1)?);
    }
    Ok(out)
}

/// Ids numbered in the order met.
#[derive(Default)]
pub(crate) struct Numbering {
    index: IdMap<u32>,
    ids: Vec<String>,
}

impl Numbering {
    pub(crate) fn index(&mut self, id: &str) -> u32 {
        if let Some(&i) = self.index.get(id) {
            return i;
        }
        let i = self.ids.len() as u32;
        self.index.insert(id, i);
        self.ids.push(id.to_string());
        i
    }

    pub(crate) fn id(&self, i: u32) -> &str {
        &self.ids[i as usize]
    }
}
