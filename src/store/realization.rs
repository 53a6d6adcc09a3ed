//! Typed reads for price realization (waterfall, band, leakage): per-group sums of quantity,
//! revenue and every waterfall element, as plain structs for `crate::realization`.
//!
//! Without a date range the sums come from the aggregates the importer keeps: `agg_month` for
//! segment / product groupings, `agg_customer` for anything at customer level. A range of whole
//! months (first day to last day) still reads `agg_month`; any other range, or a range at customer
//! level, adds up the customer-month sums of its whole months and the lines of the days at its
//! ends ([`super::ranged`]) — no scan of the transaction lines.

use super::import::fxhash::{FxHashMap, IdMap};
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
    // Read from `transactions` with each customer's segment from here rather than through
    // `transaction_lines`, whose join looked up every line's customer (most of 15 s for a
    // year of 10M lines); the lines of customers not in `customers` are left out, as the join
    // leaves them out. The pocket % is the view's to the last bit: the same SQL.
    let mut segment_of: IdMap<u32> = IdMap::default();
    let mut segment_ids: Vec<String> = Vec::new();
    {
        let mut stmt = ws
            .conn()
            .prepare("SELECT customer_id, segment_id FROM customers")?;
        let mut rows = stmt.query([])?;
        while let Some(r) = rows.next()? {
            let segment: String = r.get(1)?;
            if scope.segment.as_ref().is_some_and(|s| *s != segment) {
                continue;
            }
            let number = match segment_ids.iter().position(|s| *s == segment) {
                Some(n) => n,
                None => {
                    segment_ids.push(segment);
                    segment_ids.len() - 1
                }
            };
            let customer = r.get_ref(0)?.as_str().map_err(rusqlite::Error::from)?;
            segment_of.insert(customer, number as u32);
        }
    }
    let (on, off) = super::schema::element_sums(&super::schema::element_columns(ws.conn())?, "");
    let mut terms = vec!["list_price > 0".to_string()];
    let mut params = Vec::new();
    for (column, value) in [
        ("product_id", &scope.product),
        ("customer_id", &scope.customer),
    ] {
        if let Some(v) = value {
            terms.push(format!("{column} = ?"));
            params.push(v.clone());
        }
    }
    terms.push("rowid BETWEEN ? AND ?".into());
    // The dates are checked only in the ranges of blocks not wholly inside the range.
    let mut dated = terms.clone();
    let mut dated_params = params.clone();
    if let Some(d) = scope.from {
        dated.push("date >= ?".into());
        dated_params.push(d.to_string());
    }
    if let Some(d) = scope.to {
        dated.push("date <= ?".into());
        dated_params.push(d.to_string());
    }
    let ranges = match (scope.from, scope.to) {
        (None, None) => vec![((i64::MIN, i64::MAX), false)],
        (from, to) => super::line_blocks::rowid_ranges_checked(
            ws.conn(),
            from.or(Date::from_ymd(1, 1, 1)).unwrap_or(Date(0)),
            to.or(Date::from_ymd(9999, 12, 31)).unwrap_or(Date(0)),
        )?,
    };
    let sql = |terms: &[String]| {
        format!(
            "SELECT customer_id, product_id, 100.0 * (list_price - {on} - {off}) / list_price, quantity
             FROM transactions WHERE {}",
            terms.join(" AND ")
        )
    };
    let (sql, dated_sql) = (sql(&terms), sql(&dated));
    // Each line as a point of its group (segment number, product number) first, in rowid
    // order; the groups named, sorted and merged below.
    let read = |conn: &rusqlite::Connection,
                ranges: &[super::ranged::RowRange]|
     -> Result<NumberedPoints, StoreError> {
        let mut stmts = [conn.prepare(&sql)?, conn.prepare(&dated_sql)?];
        let mut round = RoundToFour::new(conn)?;
        let mut out = NumberedPoints::default();
        let mut at: FxHashMap<(u32, u32), usize> = FxHashMap::default();
        for &((lo, hi), check) in ranges {
            let given = if check { &dated_params } else { &params };
            let mut values: Vec<rusqlite::types::Value> =
                given.iter().map(|p| p.clone().into()).collect();
            values.insert(params.len(), hi.into());
            values.insert(params.len(), lo.into());
            let mut rows = stmts[usize::from(check)].query(params_from_iter(&values))?;
            while let Some(r) = rows.next()? {
                let text = |i| r.get_ref(i)?.as_str().map_err(rusqlite::Error::from);
                let Some(&segment) = segment_of.get(text(0)?) else {
                    continue;
                };
                let product_id = text(1)?;
                let product = match out.products.get(product_id) {
                    Some(&p) => p,
                    None => {
                        let p = out.product_ids.len() as u32;
                        out.products.insert(product_id, p);
                        out.product_ids.push(product_id.to_string());
                        p
                    }
                };
                let group = *at.entry((segment, product)).or_insert_with(|| {
                    out.groups.push((segment, product, Vec::new()));
                    out.groups.len() - 1
                });
                out.groups[group].2.push(LinePoint {
                    // SQL compares -0.0 and 0.0 as equal: one point.
                    pocket_pct: round.of(r.get::<_, f64>(2)?)? + 0.0,
                    quantity: r.get(3)?,
                });
            }
        }
        Ok(out)
    };
    // The second half's points after the first's: each group's points in rowid order.
    let mut groups: CellGroups<Vec<LinePoint>> = CellGroups::new();
    for part in super::ranged::read_rowids_in_two(ws, &ranges, read)? {
        for (segment, product, points) in part.groups {
            let (segment, product) = (
                &segment_ids[segment as usize],
                &part.product_ids[product as usize],
            );
            groups.get(segment, product).extend(points);
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

/// One reader's points of [`line_points`]: per (segment number, product number) group, in the
/// order first met, the lines' points; products numbered as met.
#[derive(Default)]
struct NumberedPoints {
    groups: Vec<(u32, u32, Vec<LinePoint>)>,
    products: IdMap<u32>,
    product_ids: Vec<String>,
}

/// SQLite's `ROUND(x, 4)`, which the transaction basis has always used for a line's pocket %,
/// computed here: in SQL it formats every value as text and parses it back (a third of a band
/// over a year of 10M lines). SQLite rounds the decimal value half away from zero and reads
/// the rounded decimal back; away from a tie, `(x · 10⁴).round() / 10⁴` is the same double
/// (the product's error cannot cross a half-integer that far away, and the division is
/// correctly rounded, as SQLite's reading of the decimal is). Values within a millionth of a
/// tie, or too large to have decimals, are handed to SQLite itself. Checked against SQLite on
/// values of every kind in the tests below.
struct RoundToFour<'c> {
    sqlite: rusqlite::CachedStatement<'c>,
}

impl<'c> RoundToFour<'c> {
    fn new(conn: &'c Connection) -> rusqlite::Result<RoundToFour<'c>> {
        Ok(RoundToFour {
            sqlite: conn.prepare_cached("SELECT ROUND(?1, 4)")?,
        })
    }

    fn of(&mut self, x: f64) -> rusqlite::Result<f64> {
        let y = x * 1e4;
        let near_tie = (y - y.trunc()).abs() - 0.5;
        if y.abs() < 1e8 && near_tie.abs() > 1e-6 {
            return Ok(y.round() / 1e4);
        }
        self.sqlite.query_row([x], |r| r.get(0))
    }
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

#[cfg(test)]
mod tests {
    use super::RoundToFour;
    use proptest::prelude::*;

    fn sqlite_round(conn: &rusqlite::Connection, x: f64) -> f64 {
        conn.query_row("SELECT ROUND(?1, 4)", [x], |r| r.get(0))
            .unwrap_or(f64::NAN)
    }

    /// Bit for bit SQLite's ROUND(x, 4), ties (exact in binary: 1/32, 5/16 ...) and values
    /// near them included; `+ 0.0` as the caller adds it (-0.0 and 0.0 are one point).
    #[test]
    fn rounds_to_four_decimals_as_sqlite_does() -> rusqlite::Result<()> {
        let conn = rusqlite::Connection::open_in_memory()?;
        let mut round = RoundToFour::new(&conn)?;
        let mut values = vec![
            0.0,
            -0.0,
            0.03125,
            -0.03125,
            12.03125,
            0.00005,
            0.00015,
            2.5e-5,
            1.0 / 3.0,
            99.99995,
            -99.99995,
            100.0,
            84.12345,
            84.12355,
            1e7,
            123456.78905,
            1e9 + 0.03125,
            4.6e15,
            1e300,
            -7.77775,
            0.1 + 0.2,
            66.66665,
        ];
        // Exact ties at the fifth decimal (k/32 and k/20000 that binary holds) and their
        // neighbours one ulp away.
        for k in -400..400 {
            let tie = f64::from(k) / 32.0 + 0.000_05 * f64::from(k % 2);
            values.extend([tie, tie.next_up(), tie.next_down()]);
            values.push(f64::from(k * 625) / 20000.0);
        }
        for x in values {
            let want = sqlite_round(&conn, x) + 0.0;
            let got = round.of(x)? + 0.0;
            assert_eq!(got.to_bits(), want.to_bits(), "ROUND({x:e}, 4)");
        }
        Ok(())
    }

    proptest! {
        #[test]
        fn any_pocket_percent_rounds_as_sqlite_does(
            list in 0.01f64..5000.0,
            pocket_share in -0.5f64..1.5,
        ) {
            let conn = rusqlite::Connection::open_in_memory().map_err(|e| TestCaseError::fail(e.to_string()))?;
            let mut round = RoundToFour::new(&conn).map_err(|e| TestCaseError::fail(e.to_string()))?;
            let pocket = (list * pocket_share * 100.0).round() / 100.0;
            let x = 100.0 * pocket / list;
            let got = round.of(x).map_err(|e| TestCaseError::fail(e.to_string()))? + 0.0;
            prop_assert_eq!(got.to_bits(), (sqlite_round(&conn, x) + 0.0).to_bits(), "{}", x);
        }
    }
}
