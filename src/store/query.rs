//! Typed read queries over the workspace: the Overview's numbers and paged, sorted, filtered rows
//! of the data tables.
//!
//! Revenue and line counts come from `agg_month`, never from a scan of `transactions`. Paging the
//! transactions in `txn_id` order is keyset-based (`txn_id > ?`), so every page is an index seek
//! even on millions of rows; other orders use LIMIT/OFFSET and are meant to run on a worker thread.
//! User text only ever reaches SQL as a bound parameter; column names come from the fixed lists
//! below or from the `elements` table (quoted).

use super::{StoreError, Workspace, read_elements};
use crate::realization::sums::{Element, ElementKind};
use rusqlite::{Connection, OptionalExtension, params_from_iter, types::ValueRef};

/// What the workspace holds, for the Overview view and `pricebench info`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Overview {
    pub segments: i64,
    pub customers: i64,
    pub products: i64,
    /// Transaction lines (Σ `lines` of `agg_month`).
    pub transactions: i64,
    pub quotes: i64,
    pub survey_answers: i64,
    /// First and last transaction date (YYYY-MM-DD).
    pub first_date: Option<String>,
    pub last_date: Option<String>,
    /// Σ quantity (returns count negative).
    pub quantity: f64,
    /// Σ quantity × list price.
    pub list_revenue: f64,
    /// Σ quantity × invoice price.
    pub invoice_revenue: f64,
    /// Σ quantity × pocket price.
    pub pocket_revenue: f64,
    /// Σ quantity × unit cost.
    pub cost: f64,
    /// Price realization = pocket revenue / list revenue × 100; `None` when list revenue is 0.
    pub realization_pct: Option<f64>,
    /// One entry per segment, in segment_id order.
    pub by_segment: Vec<SegmentSummary>,
    /// The waterfall elements in their position order with their totals.
    pub elements: Vec<ElementTotal>,
    pub last_import: Option<ImportEntry>,
    /// The workspace holds sums only (`import --aggregates`), no transaction lines.
    pub aggregates_only: bool,
    /// Its products are in different units of measure: `quantity` sums across them.
    pub mixed_units: bool,
    /// The reporting currency (ISO 4217), when the workspace names one.
    pub currency: Option<String>,
    /// The exchange rates held, per pair (`fx_rates`), in pair order.
    pub fx_pairs: Vec<FxPair>,
}

/// One segment's line of the Overview.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentSummary {
    pub segment_id: String,
    pub name: String,
    pub customers: i64,
    pub list_revenue: f64,
    pub pocket_revenue: f64,
    /// This segment's pocket revenue as % of the total; `None` when the total is 0.
    pub pocket_share_pct: Option<f64>,
    /// Pocket / list revenue × 100; `None` when list revenue is 0.
    pub realization_pct: Option<f64>,
}

/// A waterfall element and its total Σ quantity × per-unit amount.
#[derive(Debug, Clone, PartialEq)]
pub struct ElementTotal {
    pub name: String,
    pub kind: ElementKind,
    /// The column holding it in `transactions` and the aggregates (e.g. `on_volume`).
    pub column: String,
    pub total: f64,
}

/// The most recent line of `import_log`.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportEntry {
    pub file: String,
    pub kind: String,
    pub rows: i64,
    pub imported_at: String,
}

fn pct(part: f64, whole: f64) -> Option<f64> {
    let v = part / whole * 100.0;
    (whole != 0.0 && v.is_finite()).then_some(v)
}

fn count(conn: &Connection, table: &str) -> Result<i64, StoreError> {
    Ok(conn.query_row(&format!("SELECT COUNT(*) FROM {table}"), [], |r| r.get(0))?)
}

/// The workspace's numbers for the Overview (see [`Overview`]).
pub fn overview(ws: &Workspace) -> Result<Overview, StoreError> {
    let conn = ws.conn();
    let mut o = Overview {
        segments: count(conn, "segments")?,
        customers: count(conn, "customers")?,
        products: count(conn, "products")?,
        quotes: count(conn, "quotes")?,
        survey_answers: count(conn, "survey")?,
        ..Overview::default()
    };
    conn.query_row(
        "SELECT COALESCE(SUM(lines), 0), COALESCE(SUM(quantity), 0), COALESCE(SUM(list_revenue), 0),
                COALESCE(SUM(invoice_revenue), 0), COALESCE(SUM(pocket_revenue), 0),
                COALESCE(SUM(cost), 0)
         FROM agg_month",
        [],
        |r| {
            o.transactions = r.get(0)?;
            o.quantity = r.get(1)?;
            o.list_revenue = r.get(2)?;
            o.invoice_revenue = r.get(3)?;
            o.pocket_revenue = r.get(4)?;
            o.cost = r.get(5)?;
            Ok(())
        },
    )?;
    o.realization_pct = pct(o.pocket_revenue, o.list_revenue);
    (o.first_date, o.last_date) = date_range(conn)?;
    o.by_segment = segment_summaries(conn, o.pocket_revenue)?;
    o.elements = element_totals(conn)?;
    o.last_import = last_import(conn)?;
    o.aggregates_only = super::sums_only::is_aggregates_only(ws)?;
    o.mixed_units = super::units::total_is_mixed(ws)?;
    o.currency = reporting_currency(ws)?;
    o.fx_pairs = fx_pairs(conn)?;
    Ok(o)
}

/// The exchange rates of one pair the workspace holds: how many, and their first and last date.
#[derive(Debug, Clone, PartialEq)]
pub struct FxPair {
    pub from: String,
    pub to: String,
    pub rates: i64,
    pub first_date: String,
    pub last_date: String,
}

fn fx_pairs(conn: &Connection) -> Result<Vec<FxPair>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT from_currency, to_currency, count(*), min(date), max(date) FROM fx_rates
         GROUP BY from_currency, to_currency ORDER BY from_currency, to_currency",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(FxPair {
            from: r.get(0)?,
            to: r.get(1)?,
            rates: r.get(2)?,
            first_date: r.get(3)?,
            last_date: r.get(4)?,
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

/// The Overview over the lines dated `from..=to` (either end open): the totals, each
/// segment's revenue and the elements from the period's lines (read like any day range, see
/// `store::ranged`), the master files' counts as they are, and the first and last date the
/// period and the data share (`None` when the period holds no line).
pub fn overview_within(
    ws: &Workspace,
    from: Option<crate::date::Date>,
    to: Option<crate::date::Date>,
) -> Result<Overview, StoreError> {
    use super::realization::{Grouping, Scope, group_sums};
    let mut o = overview(ws)?;
    if from.is_none() && to.is_none() {
        return Ok(o);
    }
    o.mixed_units = super::units::total_is_mixed_within(ws, from, to)?;
    let elements = super::elements(ws)?;
    let scope = Scope {
        from,
        to,
        ..Scope::default()
    };
    let total = group_sums(ws, &elements, Grouping::Total, &scope)?
        .into_iter()
        .next()
        .map(|g| g.sums)
        .unwrap_or_default();
    o.transactions = total.lines;
    o.quantity = total.quantity;
    o.list_revenue = total.list_revenue;
    o.invoice_revenue = total.invoice_revenue;
    o.pocket_revenue = total.pocket_revenue;
    o.cost = total.cost;
    o.realization_pct = pct(o.pocket_revenue, o.list_revenue);
    let segments = group_sums(ws, &elements, Grouping::Segment, &scope)?;
    for s in &mut o.by_segment {
        let sums = segments
            .iter()
            .find(|g| g.key.segment_id.as_deref() == Some(s.segment_id.as_str()))
            .map(|g| &g.sums);
        s.list_revenue = sums.map_or(0.0, |x| x.list_revenue);
        s.pocket_revenue = sums.map_or(0.0, |x| x.pocket_revenue);
        s.pocket_share_pct = pct(s.pocket_revenue, o.pocket_revenue);
        s.realization_pct = pct(s.pocket_revenue, s.list_revenue);
    }
    for e in &mut o.elements {
        let at = elements.iter().position(|x| x.column == e.column);
        e.total = at
            .and_then(|i| total.elements.get(i))
            .copied()
            .unwrap_or(0.0);
    }
    let clamp = |d: Option<String>, bound: Option<crate::date::Date>, later: bool| {
        let d = d.as_deref().and_then(crate::date::Date::parse)?;
        let d = match (bound, later) {
            (Some(b), true) => d.max(b),
            (Some(b), false) => d.min(b),
            (None, _) => d,
        };
        Some(d.to_string())
    };
    (o.first_date, o.last_date) = match o.transactions {
        0 => (None, None),
        _ => (
            clamp(o.first_date.take(), from, true),
            clamp(o.last_date.take(), to, false),
        ),
    };
    Ok(o)
}

/// The period a question over `from`..`to` (inclusive; `None` = open) actually covers: the
/// first and last date with transactions in it (of `product`'s, when given), from the daily
/// list-price sums `agg_list_day` (one row per product, day and price, so the dates are exact;
/// a scan of it at 10M lines takes about 40 ms); `date_range` when neither is given. `None`
/// when no transaction falls in it.
pub fn period_used(
    ws: &super::Workspace,
    from: Option<crate::date::Date>,
    to: Option<crate::date::Date>,
    product: Option<&str>,
) -> Result<Option<(String, String)>, StoreError> {
    if from.is_none() && to.is_none() && product.is_none() {
        let (first, last) = date_range(ws.conn())?;
        return Ok(first.zip(last));
    }
    let (from, to) = (
        from.map_or(String::new(), |d| d.to_string()),
        to.map_or("9999".to_string(), |d| d.to_string()),
    );
    let range: (Option<String>, Option<String>) = match product {
        Some(p) => ws.conn().query_row(
            "SELECT min(date), max(date) FROM agg_list_day \
             WHERE product_id = ?3 AND date >= ?1 AND date <= ?2",
            (&from, &to, p),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
        // Per product, two seeks into its (product_id, date) key rather than a scan of every
        // product × day (364k rows at 10M lines: 0.1–0.2 s on every ranged question).
        None => ws.conn().query_row(
            "SELECT min(first), max(last) FROM (SELECT
               (SELECT min(date) FROM agg_list_day a
                WHERE a.product_id = p.product_id AND date >= ?1 AND date <= ?2) AS first,
               (SELECT max(date) FROM agg_list_day a
                WHERE a.product_id = p.product_id AND date >= ?1 AND date <= ?2) AS last
             FROM products p)",
            (&from, &to),
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?,
    };
    Ok(range.0.zip(range.1))
}

/// The workspace's reporting currency (`settings`), when it names one.
pub fn reporting_currency(ws: &super::Workspace) -> Result<Option<String>, StoreError> {
    Ok(super::import::money::reporting_currency(ws.conn())?)
}

/// The workspace's reporting currency and exchange rates, to convert amounts read outside an
/// import (a scored deal's prices).
pub fn converter(ws: &super::Workspace) -> Result<super::import::money::Converter, StoreError> {
    Ok(super::import::money::Converter::load(ws.conn())?)
}

/// The first and last transaction date, kept by the import in `date_range`.
fn date_range(conn: &Connection) -> Result<(Option<String>, Option<String>), StoreError> {
    let mut stmt = conn.prepare("SELECT first_date, last_date FROM date_range")?;
    let mut rows = stmt.query([])?;
    match rows.next()? {
        Some(r) => Ok((r.get(0)?, r.get(1)?)),
        None => Ok((None, None)),
    }
}

fn segment_summaries(conn: &Connection, total: f64) -> Result<Vec<SegmentSummary>, StoreError> {
    let mut stmt = conn.prepare(
        "SELECT s.segment_id, s.name,
                (SELECT COUNT(*) FROM customers c WHERE c.segment_id = s.segment_id),
                COALESCE(a.list_revenue, 0), COALESCE(a.pocket_revenue, 0)
         FROM segments s
         LEFT JOIN (SELECT segment_id, SUM(list_revenue) AS list_revenue,
                           SUM(pocket_revenue) AS pocket_revenue
                    FROM agg_month GROUP BY segment_id) a USING (segment_id)
         ORDER BY s.segment_id",
    )?;
    let rows = stmt.query_map([], |r| {
        let list_revenue: f64 = r.get(3)?;
        let pocket_revenue: f64 = r.get(4)?;
        Ok(SegmentSummary {
            segment_id: r.get(0)?,
            name: r.get(1)?,
            customers: r.get(2)?,
            list_revenue,
            pocket_revenue,
            pocket_share_pct: pct(pocket_revenue, total),
            realization_pct: pct(pocket_revenue, list_revenue),
        })
    })?;
    Ok(rows.collect::<Result<_, _>>()?)
}

pub(crate) fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

fn element_totals(conn: &Connection) -> Result<Vec<ElementTotal>, StoreError> {
    let mut totals = Vec::new();
    for Element { name, kind, column } in read_elements(conn)? {
        let sql = format!(
            "SELECT COALESCE(SUM({}), 0) FROM agg_month",
            quote_ident(&column)
        );
        let total = conn.query_row(&sql, [], |r| r.get(0))?;
        totals.push(ElementTotal {
            name,
            kind,
            column,
            total,
        });
    }
    Ok(totals)
}

/// The latest import, if any.
pub fn latest_import(ws: &Workspace) -> Result<Option<ImportEntry>, StoreError> {
    last_import(ws.conn())
}

fn last_import(conn: &Connection) -> Result<Option<ImportEntry>, StoreError> {
    Ok(conn
        .query_row(
            "SELECT file, kind, rows, imported_at FROM import_log ORDER BY id DESC LIMIT 1",
            [],
            |r| {
                Ok(ImportEntry {
                    file: r.get(0)?,
                    kind: r.get(1)?,
                    rows: r.get(2)?,
                    imported_at: r.get(3)?,
                })
            },
        )
        .optional()?)
}

/// The tables the Data view pages through.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DataTable {
    Segments,
    Customers,
    Products,
    Transactions,
}

impl DataTable {
    pub const ALL: [DataTable; 4] = [
        DataTable::Segments,
        DataTable::Customers,
        DataTable::Products,
        DataTable::Transactions,
    ];

    /// The table's name in the workspace (also its label).
    pub fn name(self) -> &'static str {
        match self {
            DataTable::Segments => "segments",
            DataTable::Customers => "customers",
            DataTable::Products => "products",
            DataTable::Transactions => "transactions",
        }
    }

    /// Where its rows are read: transactions with their derived prices come from a view.
    fn source(self) -> &'static str {
        match self {
            DataTable::Transactions => "transaction_lines",
            other => other.name(),
        }
    }

    /// The fixed columns (id first), whether each is numeric, and which ones the filter searches.
    fn fixed_columns(self) -> (&'static [(&'static str, bool)], &'static [&'static str]) {
        match self {
            DataTable::Segments => (
                &[
                    ("segment_id", false),
                    ("name", false),
                    ("description", false),
                ],
                &["segment_id", "name"],
            ),
            DataTable::Customers => (
                &[
                    ("customer_id", false),
                    ("segment_id", false),
                    ("name", false),
                    ("region", false),
                    ("channel", false),
                ],
                &["customer_id", "segment_id", "name", "region", "channel"],
            ),
            DataTable::Products => (
                &[
                    ("product_id", false),
                    ("name", false),
                    ("family", false),
                    ("list_price", true),
                    ("unit_cost", true),
                ],
                &["product_id", "name", "family"],
            ),
            DataTable::Transactions => (
                &[
                    ("txn_id", false),
                    ("date", false),
                    ("customer_id", false),
                    ("segment_id", false),
                    ("product_id", false),
                    ("quantity", true),
                    ("list_price", true),
                    ("invoice_price", true),
                    ("pocket_price", true),
                    ("unit_cost", true),
                ],
                &["txn_id", "customer_id", "segment_id", "product_id"],
            ),
        }
    }
}

/// Sort direction.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum SortDir {
    #[default]
    Asc,
    Desc,
}

impl SortDir {
    /// The other direction.
    pub fn flip(self) -> SortDir {
        match self {
            SortDir::Asc => SortDir::Desc,
            SortDir::Desc => SortDir::Asc,
        }
    }

    fn sql(self) -> &'static str {
        match self {
            SortDir::Asc => "ASC",
            SortDir::Desc => "DESC",
        }
    }
}

/// Where a page starts.
#[derive(Debug, Clone, PartialEq, Default)]
pub enum PageStart {
    /// The first page.
    #[default]
    First,
    /// The rows at this offset (LIMIT/OFFSET; fine on the small tables and for non-id sorts).
    Offset(u64),
    /// The rows after the row whose id is `key`; `offset` is that next row's position.
    /// Keyset paging: an index seek when sorting by the id column.
    After { key: String, offset: u64 },
    /// The rows from the row whose id is `key` (included), which sits at position `offset`.
    At { key: String, offset: u64 },
    /// The rows before the row whose id is `key`, which sits at position `offset`.
    Before { key: String, offset: u64 },
    /// The last page (`total` is the row count, needed to state the offset).
    Last { total: u64 },
}

/// A request for one page of a data table.
#[derive(Debug, Clone, PartialEq)]
pub struct PageQuery {
    /// Index into the table's columns (0 = the id column).
    pub sort_column: usize,
    pub dir: SortDir,
    /// Case-insensitive substring over the table's id/name-like text columns; empty = all rows.
    pub filter: String,
    pub start: PageStart,
    /// Rows per page.
    pub limit: u64,
    /// Count the matching rows (skip it when the filter has not changed since the last count).
    pub count_total: bool,
}

impl Default for PageQuery {
    fn default() -> Self {
        PageQuery {
            sort_column: 0,
            dir: SortDir::Asc,
            filter: String::new(),
            start: PageStart::First,
            limit: 50,
            count_total: true,
        }
    }
}

/// One column of a page.
#[derive(Debug, Clone, PartialEq)]
pub struct PageColumn {
    pub name: String,
    pub numeric: bool,
}

/// A value read from the workspace.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Null,
    Int(i64),
    Real(f64),
    Text(String),
}

impl Value {
    /// The text of a value (for ids used as keyset keys).
    pub fn as_text(&self) -> String {
        match self {
            Value::Null => String::new(),
            Value::Int(n) => n.to_string(),
            Value::Real(x) => x.to_string(),
            Value::Text(s) => s.clone(),
        }
    }
}

/// One page of rows.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    pub table: DataTable,
    pub columns: Vec<PageColumn>,
    pub rows: Vec<Vec<Value>>,
    /// Position of the first row among all matching rows (0-based).
    pub offset: u64,
    /// Matching rows, when counted (`PageQuery::count_total`).
    pub total: Option<u64>,
    /// Why there are no rows, when there is more to say than "no rows" (the transactions of
    /// a workspace of aggregates).
    pub note: Option<String>,
}

/// The columns of `table`: the fixed ones, then for transactions each element's column.
pub fn columns(ws: &Workspace, table: DataTable) -> Result<Vec<PageColumn>, StoreError> {
    let (fixed, _) = table.fixed_columns();
    let mut cols: Vec<PageColumn> = fixed
        .iter()
        .map(|(name, numeric)| PageColumn {
            name: name.to_string(),
            numeric: *numeric,
        })
        .collect();
    if table == DataTable::Transactions {
        for e in super::elements(ws)? {
            cols.push(PageColumn {
                name: e.column,
                numeric: true,
            });
        }
    }
    Ok(cols)
}

fn like_pattern(filter: &str) -> String {
    let escaped = filter
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    format!("%{escaped}%")
}

/// The WHERE clause (with `?` placeholders) and its parameters for a filter.
fn filter_clause(table: DataTable, filter: &str) -> (String, Vec<String>) {
    if filter.is_empty() {
        return (String::new(), Vec::new());
    }
    let (_, searched) = table.fixed_columns();
    let ors: Vec<String> = searched
        .iter()
        .map(|c| format!("{c} LIKE ? ESCAPE '\\'"))
        .collect();
    let pattern = like_pattern(filter);
    (
        format!("({})", ors.join(" OR ")),
        vec![pattern; searched.len()],
    )
}

fn count_rows(ws: &Workspace, table: DataTable, filter: &str) -> Result<u64, StoreError> {
    if table == DataTable::Transactions && filter.is_empty() {
        // The aggregates already know; COUNT(*) would scan millions of rows.
        let n: i64 =
            ws.conn()
                .query_row("SELECT COALESCE(SUM(lines), 0) FROM agg_month", [], |r| {
                    r.get(0)
                })?;
        return Ok(n.max(0) as u64);
    }
    let (clause, params) = filter_clause(table, filter);
    let where_sql = if clause.is_empty() {
        String::new()
    } else {
        format!(" WHERE {clause}")
    };
    let sql = format!("SELECT COUNT(*) FROM {}{where_sql}", table.source());
    let n: i64 = ws
        .conn()
        .query_row(&sql, params_from_iter(params), |r| r.get(0))?;
    Ok(n.max(0) as u64)
}

/// How a page start becomes SQL: an optional keyset seek on the id, whether to read backwards,
/// the resulting offset and the OFFSET to skip.
struct Window {
    seek: Option<(&'static str, String)>,
    reverse: bool,
    offset: u64,
    skip: u64,
}

// Keyset seeks only work in id order; in other orders every start falls back to its offset.
fn window(start: &PageStart, dir: SortDir, limit: u64, by_id: bool) -> Window {
    let asc = dir == SortDir::Asc;
    let seek =
        |op_asc, op_desc, key: &String| Some((if asc { op_asc } else { op_desc }, key.clone()));
    let by_offset = |offset: u64| Window {
        seek: None,
        reverse: false,
        offset,
        skip: offset,
    };
    match start {
        PageStart::First => by_offset(0),
        PageStart::Offset(o) => by_offset(*o),
        PageStart::After { key, offset } if by_id => Window {
            seek: seek(">", "<", key),
            reverse: false,
            offset: *offset,
            skip: 0,
        },
        PageStart::At { key, offset } if by_id => Window {
            seek: seek(">=", "<=", key),
            reverse: false,
            offset: *offset,
            skip: 0,
        },
        PageStart::After { offset, .. } | PageStart::At { offset, .. } => by_offset(*offset),
        PageStart::Before { key, offset } if by_id => Window {
            seek: seek("<", ">", key),
            reverse: true,
            offset: offset.saturating_sub(limit),
            skip: 0,
        },
        PageStart::Before { offset, .. } => by_offset(offset.saturating_sub(limit)),
        PageStart::Last { total } if by_id => Window {
            seek: None,
            reverse: true,
            offset: total.saturating_sub(limit),
            skip: 0,
        },
        PageStart::Last { total } => by_offset(total.saturating_sub(limit)),
    }
}

/// One page of `table` in the order, filter and position of `q`.
pub fn page(ws: &Workspace, table: DataTable, q: &PageQuery) -> Result<Page, StoreError> {
    let columns = columns(ws, table)?;
    let sort_col = columns.get(q.sort_column).unwrap_or(&columns[0]);
    let id_col = &columns[0].name;
    let total = match q.count_total {
        true => Some(count_rows(ws, table, &q.filter)?),
        false => None,
    };
    let (filter_sql, mut params) = filter_clause(table, &q.filter);
    let mut conds: Vec<String> = Vec::new();
    if !filter_sql.is_empty() {
        conds.push(filter_sql);
    }
    let by_id = sort_col.name == *id_col;
    let Window {
        seek,
        reverse,
        offset,
        skip,
    } = window(&q.start, q.dir, q.limit, by_id);
    if let Some((op, key)) = seek {
        conds.push(format!("{id_col} {op} ?"));
        params.push(key);
    }
    let dir = if reverse { q.dir.flip() } else { q.dir };
    let col_list: Vec<String> = columns.iter().map(|c| quote_ident(&c.name)).collect();
    let where_sql = match conds.is_empty() {
        true => String::new(),
        false => format!(" WHERE {}", conds.join(" AND ")),
    };
    let tiebreak = match by_id {
        true => String::new(),
        false => format!(", {id_col} {}", dir.sql()),
    };
    let sql = format!(
        "SELECT {} FROM {}{where_sql} ORDER BY {} {}{tiebreak} LIMIT {} OFFSET {skip}",
        col_list.join(", "),
        table.source(),
        quote_ident(&sort_col.name),
        dir.sql(),
        q.limit,
    );
    let mut stmt = ws.conn().prepare(&sql)?;
    let mut rows = stmt
        .query_map(params_from_iter(params), |r| {
            (0..columns.len())
                .map(|i| r.get_ref(i).map(value))
                .collect::<Result<Vec<Value>, _>>()
        })?
        .collect::<Result<Vec<_>, _>>()?;
    if reverse {
        rows.reverse();
    }
    let note = match table == DataTable::Transactions
        && rows.is_empty()
        && super::sums_only::is_aggregates_only(ws)?
    {
        true => Some(
            "no lines: this workspace holds aggregates only (imported with --aggregates); the transaction lines stay in the warehouse"
                .to_string(),
        ),
        false => None,
    };
    Ok(Page {
        table,
        columns,
        rows,
        offset,
        total,
        note,
    })
}

fn value(v: ValueRef<'_>) -> Value {
    match v {
        ValueRef::Null => Value::Null,
        ValueRef::Integer(n) => Value::Int(n),
        ValueRef::Real(x) => Value::Real(x),
        ValueRef::Text(t) | ValueRef::Blob(t) => Value::Text(String::from_utf8_lossy(t).into()),
    }
}
