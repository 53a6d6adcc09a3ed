//! Typed reads for price realization (waterfall, band, leakage): per-group sums of quantity,
//! revenue and every waterfall element, as plain structs for `crate::realization`.
//!
//! Without a date range the sums come from the aggregates the importer keeps: `agg_month` for
//! segment / product groupings, `agg_customer` for anything at customer level. A range of whole
//! months (first day to last day) still reads `agg_month`; any other range, or a range at customer
//! level, adds up the customer-month sums of its whole months and the lines of the days at its
//! ends ([`super::ranged`]) — no scan of the transaction lines.

use super::import::fxhash::IdMap;
use super::query::quote_ident;
use super::ranged::{Query, pair_sums};
use super::{CellGroups, StoreError, Workspace};
use crate::date::Date;
use crate::realization::sums::{Cell, Element, GroupKey, GroupSums, LineGroup, LinePoint, Sums};
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
    /// Extra WHERE terms and their parameters (the date range).
    range: Option<(String, Vec<String>)>,
}

fn is_whole_months(from: Option<Date>, to: Option<Date>) -> bool {
    let starts = from.is_none_or(|d| d.month_start() == d);
    let ends = to.is_none_or(|d| d.add_days(1).month_start() == d.add_days(1));
    starts && ends
}

/// The aggregate table that answers, or `None` for a range that is not whole months (or any
/// range at customer level): see [`ranged_groups`].
fn source(elements: &[Element], grouping: Grouping, scope: &Scope) -> Option<Source> {
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
        (false, true) => Some(Source {
            table: "agg_customer",
            sums: agg_sums,
            range: None,
        }),
        (false, false) => Some(Source {
            table: "agg_month",
            sums: agg_sums,
            range: None,
        }),
        (true, false) if is_whole_months(scope.from, scope.to) => Some(Source {
            table: "agg_month",
            sums: agg_sums,
            range: Some(("period >= ? AND period <= ?".into(), vec![lo, hi])),
        }),
        // Any other range: whole months of customer-month sums and the lines at its ends.
        (true, _) => None,
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
    let Some(src) = source(elements, grouping, scope) else {
        return ranged_groups(ws, elements, grouping, scope);
    };
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

/// Every customer × product cell in `scope` (all dates: `agg_customer`; a date range: see
/// [`super::ranged`]), in customer, product order.
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
    let elements = super::elements(ws)?;
    super::ranged::cells(ws, &elements, &query_of(scope))
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
/// (in id order) and, within each, by pocket % of list. Scans `transaction_lines`; with a date
/// range, only the rowid blocks whose dates reach into it (`line_blocks`).
///
/// The grouping is done here rather than by SQL's GROUP BY: that sorted every line of the scan
/// through a temporary file (most of 23 s for 9.5M lines on 10M) and the result was millions
/// of points each carrying its ids (845 MB). Here each group's lines are sorted by pocket % and
/// equal ones merged; the quantities are summed with Neumaier's compensation, as SQLite's
/// SUM does.
pub fn line_points(ws: &Workspace, scope: &Scope) -> Result<Vec<LineGroup>, StoreError> {
    super::sums_only::require_lines(ws, "band --basis transaction")?;
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
    let blocks = match (scope.from, scope.to) {
        (None, None) => None,
        (from, to) => Some(super::line_blocks::rowid_ranges(
            ws.conn(),
            from.or(Date::from_ymd(1, 1, 1)).unwrap_or(Date(0)),
            to.or(Date::from_ymd(9999, 12, 31)).unwrap_or(Date(0)),
        )?),
    };
    if blocks.is_some() {
        terms.push("line_rowid BETWEEN ? AND ?".into());
    }
    let sql = format!(
        "SELECT segment_id, product_id, ROUND(100.0 * pocket_price / list_price, 4), quantity
         FROM transaction_lines WHERE {}",
        terms.join(" AND ")
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    // Each line as a point of its group first; sorted and merged below.
    let mut groups: CellGroups<Vec<LinePoint>> = CellGroups::new();
    let ranges = match blocks {
        None => vec![None],
        Some(b) => b.into_iter().map(Some).collect(),
    };
    for range in ranges {
        let mut values = params.clone();
        if let Some((lo, hi)) = range {
            values.extend([lo.to_string(), hi.to_string()]);
        }
        let mut rows = stmt.query(params_from_iter(&values))?;
        while let Some(r) = rows.next()? {
            let text = |i| r.get_ref(i)?.as_str().map_err(rusqlite::Error::from);
            groups.get(text(0)?, text(1)?).push(LinePoint {
                // SQL compares -0.0 and 0.0 as equal: one point.
                pocket_pct: r.get::<_, f64>(2)? + 0.0,
                quantity: r.get(3)?,
            });
        }
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
/// [`group_sums`] with [`Grouping::CustomerProduct`] and a dated scope (see [`super::ranged`]).
pub fn pair_sums_in_ranges(
    ws: &Workspace,
    elements: &[Element],
    ranges: &[(Date, Date)],
) -> Result<Vec<Vec<GroupSums>>, StoreError> {
    let queries: Vec<Query> = ranges
        .iter()
        .map(|&(from, to)| Query {
            from: Some(from),
            to: Some(to),
            ..Query::default()
        })
        .collect();
    pair_sums(ws, elements, &queries)
}

/// [`group_sums`] over a date range from the customer-month sums and the lines of the days at
/// its ends (see [`super::ranged`]).
fn ranged_groups(
    ws: &Workspace,
    elements: &[Element],
    grouping: Grouping,
    scope: &Scope,
) -> Result<Vec<GroupSums>, StoreError> {
    let query = Query {
        by: grouping,
        ..query_of(scope)
    };
    Ok(pair_sums(ws, elements, &[query])?.pop().unwrap_or_default())
}

fn query_of(scope: &Scope) -> Query {
    Query {
        from: scope.from,
        to: scope.to,
        segment: scope.segment.clone(),
        product: scope.product.clone(),
        customer: scope.customer.clone(),
        by: Grouping::CustomerProduct,
    }
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

    /// The number of `id`, if it has one.
    pub(crate) fn get(&self, id: &str) -> Option<u32> {
        self.index.get(id).copied()
    }

    pub(crate) fn id(&self, i: u32) -> &str {
        &self.ids[i as usize]
    }

    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }
}
