//! The workspace schema and its forward migrations, versioned with `PRAGMA user_version`.
//!
//! The `on_*` / `off_*` waterfall elements are columns added by the import to `transactions`,
//! `agg_week`, `agg_month` and `agg_customer` (per-unit amounts in `transactions`, Σ quantity
//! × amount in the aggregates); the `elements` table lists them in the order the data first
//! showed them. `transactions` stores what the file said; the view `transaction_lines` adds
//! what follows from it (segment, week, invoice and pocket price per unit).

use crate::realization::sums::ElementKind;
use rusqlite::Connection;

/// Each entry migrates from version `i` to `i + 1`.
const MIGRATIONS: &[fn(&Connection) -> rusqlite::Result<()>] = &[
    |c| c.execute_batch(V1),
    |c| {
        c.execute_batch(V2)?;
        // A v1 workspace may hold elements and transactions already: carry them over.
        let names: Vec<String> = crate::store::read_elements(c)?
            .into_iter()
            .map(|e| e.column)
            .collect();
        for name in &names {
            c.execute(
                &format!("ALTER TABLE agg_customer ADD COLUMN \"{name}\" REAL NOT NULL DEFAULT 0"),
                [],
            )?;
        }
        crate::store::import::rebuild_customer_aggregates(c, &names, "transactions")
    },
    |c| c.execute_batch(V3),
    v4,
    |c| c.execute_batch(V5),
    // v6's customer-month sums are rebuilt by v7, which carries more of them.
    |c| c.execute_batch(V6),
    |c| {
        c.execute_batch(V7)?;
        create_lines_view(c, &element_columns(c)?)?;
        crate::store::list_days::rebuild(c)?;
        crate::store::customer_months::rebuild(c)
    },
    |c| c.execute_batch(V8),
    |c| c.execute_batch(V9),
];

/// The schema version this build writes.
pub const SCHEMA_VERSION: i64 = MIGRATIONS.len() as i64;

const V1: &str = "
CREATE TABLE segments (
    segment_id  TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    description TEXT
);
CREATE TABLE customers (
    customer_id TEXT PRIMARY KEY,
    segment_id  TEXT NOT NULL REFERENCES segments(segment_id),
    name        TEXT,
    region      TEXT,
    channel     TEXT
);
CREATE TABLE products (
    product_id TEXT PRIMARY KEY,
    name       TEXT NOT NULL,
    unit_cost  REAL NOT NULL,
    list_price REAL NOT NULL,
    family     TEXT
);
CREATE TABLE elements (
    name     TEXT PRIMARY KEY,
    kind     TEXT NOT NULL CHECK (kind IN ('on', 'off')),
    position INTEGER NOT NULL UNIQUE
);
CREATE TABLE transactions (
    txn_id        TEXT NOT NULL,
    date          TEXT NOT NULL,
    week          TEXT NOT NULL,
    customer_id   TEXT NOT NULL,
    segment_id    TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    quantity      REAL NOT NULL,
    list_price    REAL NOT NULL,
    unit_cost     REAL NOT NULL,
    invoice_price REAL NOT NULL,
    pocket_price  REAL NOT NULL
);
CREATE UNIQUE INDEX transactions_txn_id ON transactions(txn_id);
CREATE TABLE quotes (
    quote_id     TEXT PRIMARY KEY,
    date         TEXT NOT NULL,
    customer_id  TEXT NOT NULL,
    segment_id   TEXT NOT NULL,
    product_id   TEXT NOT NULL,
    quantity     REAL NOT NULL,
    quoted_price REAL NOT NULL,
    won          INTEGER NOT NULL CHECK (won IN (0, 1))
);
CREATE TABLE survey (
    respondent_id TEXT NOT NULL,
    segment_id    TEXT NOT NULL,
    product_id    TEXT NOT NULL,
    too_cheap     REAL NOT NULL,
    cheap         REAL NOT NULL,
    expensive     REAL NOT NULL,
    too_expensive REAL NOT NULL,
    PRIMARY KEY (respondent_id, product_id)
);
CREATE TABLE import_log (
    id          INTEGER PRIMARY KEY,
    file        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    size_bytes  INTEGER NOT NULL,
    rows        INTEGER NOT NULL,
    imported_at TEXT NOT NULL,
    seconds     REAL NOT NULL,
    replaced    INTEGER NOT NULL
);
CREATE TABLE agg_week (
    segment_id      TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    period          TEXT NOT NULL,
    lines           INTEGER NOT NULL,
    quantity        REAL NOT NULL,
    list_revenue    REAL NOT NULL,
    invoice_revenue REAL NOT NULL,
    pocket_revenue  REAL NOT NULL,
    cost            REAL NOT NULL,
    PRIMARY KEY (segment_id, product_id, period)
) WITHOUT ROWID;
CREATE TABLE agg_month (
    segment_id      TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    period          TEXT NOT NULL,
    lines           INTEGER NOT NULL,
    quantity        REAL NOT NULL,
    list_revenue    REAL NOT NULL,
    invoice_revenue REAL NOT NULL,
    pocket_revenue  REAL NOT NULL,
    cost            REAL NOT NULL,
    PRIMARY KEY (segment_id, product_id, period)
) WITHOUT ROWID;
CREATE INDEX customers_segment ON customers(segment_id);
CREATE INDEX quotes_cell ON quotes(segment_id, product_id);
CREATE INDEX survey_cell ON survey(segment_id, product_id);
";

/// v2: per customer × product sums over all dates, for the realization views (band, leakage,
/// customer waterfalls) without scanning the transactions; the first and last transaction date.
const V2: &str = "
CREATE TABLE agg_customer (
    customer_id     TEXT NOT NULL,
    product_id      TEXT NOT NULL,
    segment_id      TEXT NOT NULL,
    lines           INTEGER NOT NULL,
    quantity        REAL NOT NULL,
    list_revenue    REAL NOT NULL,
    invoice_revenue REAL NOT NULL,
    pocket_revenue  REAL NOT NULL,
    cost            REAL NOT NULL,
    PRIMARY KEY (customer_id, product_id)
) WITHOUT ROWID;
CREATE INDEX agg_customer_product ON agg_customer(product_id, segment_id);
CREATE TABLE date_range (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    first_date TEXT NOT NULL,
    last_date  TEXT NOT NULL
);
INSERT INTO date_range (id, first_date, last_date)
    SELECT 1, MIN(date), MAX(date) FROM transactions HAVING COUNT(*) > 0;
";

/// v3: stored elasticity fits, one run per (period, price basis) setting, with the data stamp
/// (latest import and aggregate row count) they were fitted on, so a reader can tell fresh from
/// stale without refitting.
const V3: &str = "
CREATE TABLE elasticity_run (
    period     TEXT NOT NULL CHECK (period IN ('week', 'month')),
    price      TEXT NOT NULL CHECK (price IN ('pocket', 'invoice', 'list')),
    data_stamp TEXT NOT NULL,
    fitted_at  TEXT NOT NULL,
    seconds    REAL NOT NULL,
    PRIMARY KEY (period, price)
);
CREATE TABLE elasticity_result (
    period            TEXT NOT NULL,
    price             TEXT NOT NULL,
    segment_id        TEXT NOT NULL,
    product_id        TEXT NOT NULL,
    n_periods         INTEGER NOT NULL,
    elasticity        REAL,
    std_error         REAL,
    ci_low            REAL,
    ci_high           REAL,
    r_squared         REAL,
    pooled_elasticity REAL,
    pooled_ci_low     REAL,
    pooled_ci_high    REAL,
    flag              TEXT NOT NULL,
    PRIMARY KEY (period, price, segment_id, product_id)
) WITHOUT ROWID;
";

/// v5: stored elasticity fits are keyed by model too (`cell`: the weekly or monthly log-log OLS
/// per cell, all that v3 stored; `panel`: customer fixed effects on monthly customer data, which
/// also records its number of customers). Rows fitted before keep their numbers as `cell`.
const V5: &str = "
CREATE TABLE elasticity_run_v5 (
    model      TEXT NOT NULL CHECK (model IN ('cell', 'panel')),
    period     TEXT NOT NULL CHECK (period IN ('week', 'month')),
    price      TEXT NOT NULL CHECK (price IN ('pocket', 'invoice', 'list')),
    data_stamp TEXT NOT NULL,
    fitted_at  TEXT NOT NULL,
    seconds    REAL NOT NULL,
    PRIMARY KEY (model, period, price)
);
INSERT INTO elasticity_run_v5
    SELECT 'cell', period, price, data_stamp, fitted_at, seconds FROM elasticity_run;
DROP TABLE elasticity_run;
ALTER TABLE elasticity_run_v5 RENAME TO elasticity_run;
CREATE TABLE elasticity_result_v5 (
    model             TEXT NOT NULL,
    period            TEXT NOT NULL,
    price             TEXT NOT NULL,
    segment_id        TEXT NOT NULL,
    product_id        TEXT NOT NULL,
    n_periods         INTEGER NOT NULL,
    n_customers       INTEGER,
    elasticity        REAL,
    std_error         REAL,
    ci_low            REAL,
    ci_high           REAL,
    r_squared         REAL,
    pooled_elasticity REAL,
    pooled_ci_low     REAL,
    pooled_ci_high    REAL,
    flag              TEXT NOT NULL,
    PRIMARY KEY (model, period, price, segment_id, product_id)
) WITHOUT ROWID;
INSERT INTO elasticity_result_v5
    SELECT 'cell', period, price, segment_id, product_id, n_periods, NULL, elasticity,
           std_error, ci_low, ci_high, r_squared, pooled_elasticity, pooled_ci_low,
           pooled_ci_high, flag
    FROM elasticity_result;
DROP TABLE elasticity_result;
ALTER TABLE elasticity_result_v5 RENAME TO elasticity_result;
";

/// v6: net sums per customer × product × month for the panel model and the backtest, in
/// chunks of packed records that each import appends (see `store::customer_months`); the
/// migration computes them from the transactions.
const V6: &str = "
CREATE TABLE agg_customer_month (
    chunk   INTEGER PRIMARY KEY,
    records INTEGER NOT NULL,
    data    BLOB NOT NULL
);
";

/// v7: the customer-month sums carry cost and every element (so any date range is whole
/// months of sums plus the lines of the partial months at its ends) and each chunk's first and
/// last month; `line_blocks` holds the dates of each block of 16,384 rowids, so the lines of a
/// few days are found without a scan (see `store::line_blocks`); `agg_list_day` sums the lines
/// per product, day and list price, for finding list-price changes (see `store::list_days`).
/// The migration computes all three from the transactions.
const V7: &str = "
DROP TABLE agg_customer_month;
CREATE TABLE agg_customer_month (
    chunk       INTEGER PRIMARY KEY,
    first_month INTEGER NOT NULL,
    last_month  INTEGER NOT NULL,
    records     INTEGER NOT NULL,
    data        BLOB NOT NULL
);
CREATE TABLE line_blocks (
    block      INTEGER PRIMARY KEY,
    first_date TEXT NOT NULL,
    last_date  TEXT NOT NULL,
    last_rowid INTEGER NOT NULL
);
CREATE TABLE agg_list_day (
    product_id TEXT NOT NULL,
    date       TEXT NOT NULL,
    list_price REAL NOT NULL,
    quantity   REAL NOT NULL,
    lines      INTEGER NOT NULL,
    PRIMARY KEY (product_id, date, list_price)
) WITHOUT ROWID;
";

/// v8: competitor prices (competitors.csv): per unit of our equivalent product, dated; one
/// price per competitor product, our product and date.
const V8: &str = "
CREATE TABLE competitor_prices (
    date               TEXT NOT NULL,
    competitor         TEXT NOT NULL,
    product_id         TEXT NOT NULL,
    competitor_product TEXT NOT NULL,
    price              REAL NOT NULL,
    PRIMARY KEY (competitor, competitor_product, product_id, date)
);
CREATE INDEX competitor_prices_product ON competitor_prices(product_id, date);
";

/// v9: currencies and units. `settings` holds the workspace's reporting currency (key
/// `reporting_currency`, an ISO 4217 code; no row: amounts in no named currency); `fx_rates`
/// the exchange rates imported from fx.csv (1 `from_currency` = `rate` `to_currency` from
/// `date` on); the small tables keep the currency a row was given in before conversion (NULL:
/// the reporting currency), and products their unit of measure.
const V9: &str = "
CREATE TABLE settings (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
CREATE TABLE fx_rates (
    date          TEXT NOT NULL,
    from_currency TEXT NOT NULL,
    to_currency   TEXT NOT NULL,
    rate          REAL NOT NULL,
    PRIMARY KEY (from_currency, to_currency, date)
);
ALTER TABLE products ADD COLUMN uom TEXT;
ALTER TABLE products ADD COLUMN currency TEXT;
ALTER TABLE quotes ADD COLUMN currency TEXT;
ALTER TABLE competitor_prices ADD COLUMN currency TEXT;
";

/// v4: `transactions` keeps only what the files hold (a third less to write per line); the
/// segment, week, invoice and pocket price, stored until v3, come from the `transaction_lines`
/// view. Rows keep their order (rowid).
fn v4(c: &Connection) -> rusqlite::Result<()> {
    let elements = element_columns(c)?;
    let defs: String = elements
        .iter()
        .map(|(n, _)| format!(",\n    \"{n}\" REAL NOT NULL DEFAULT 0"))
        .collect();
    let names: String = elements.iter().map(|(n, _)| format!(", \"{n}\"")).collect();
    c.execute_batch(&format!(
        "CREATE TABLE transactions_v4 (
    txn_id      TEXT NOT NULL,
    date        TEXT NOT NULL,
    customer_id TEXT NOT NULL,
    product_id  TEXT NOT NULL,
    quantity    REAL NOT NULL,
    list_price  REAL NOT NULL,
    unit_cost   REAL NOT NULL{defs}
);
INSERT INTO transactions_v4
    SELECT txn_id, date, customer_id, product_id, quantity, list_price, unit_cost{names}
    FROM transactions ORDER BY rowid;
DROP TABLE transactions;
ALTER TABLE transactions_v4 RENAME TO transactions;
{TXN_ID_INDEX};"
    ))?;
    create_lines_view(c, &elements)
}

/// The workspace's elements in waterfall order, true for on-invoice.
pub(crate) fn element_columns(c: &Connection) -> rusqlite::Result<Vec<(String, bool)>> {
    Ok(crate::store::read_elements(c)?
        .into_iter()
        .map(|e| (e.column, e.kind == ElementKind::OnInvoice))
        .collect())
}

/// The unique index on `transactions.txn_id`: keeps ids unique, and pages the Data view.
pub const TXN_ID_INDEX: &str = "CREATE UNIQUE INDEX transactions_txn_id ON transactions(txn_id)";

/// (Re)creates `transaction_lines`: each transaction with its customer's segment, the Monday
/// of its week, and its invoice (list − on-invoice elements) and pocket (invoice − off-invoice
/// elements) price per unit, and (v7) its rowid as `line_rowid`, for reads of a few rowid
/// blocks. Redone whenever an element column is added.
pub fn create_lines_view(c: &Connection, elements: &[(String, bool)]) -> rusqlite::Result<()> {
    let (on, off) = element_sums(elements, "t.");
    let week = week_of("t.date");
    let columns: String = elements
        .iter()
        .map(|(n, _)| format!(", t.\"{n}\""))
        .collect();
    c.execute_batch(&format!(
        "DROP VIEW IF EXISTS transaction_lines;
CREATE VIEW transaction_lines AS
SELECT t.txn_id AS txn_id, t.date AS date,
       {week} AS week,
       t.customer_id AS customer_id, c.segment_id AS segment_id, t.product_id AS product_id,
       t.quantity AS quantity, t.list_price AS list_price, t.unit_cost AS unit_cost,
       t.list_price - {on} AS invoice_price,
       t.list_price - {on} - {off} AS pocket_price{columns}, t.rowid AS line_rowid
FROM transactions t JOIN customers c ON c.customer_id = t.customer_id;"
    ))
}

/// SQL for the sums of the on-invoice and of the off-invoice elements of a `transactions` row
/// (its columns prefixed by `prefix`), as `transaction_lines` computes its prices: the pocket
/// price is `list_price - ON - OFF`, in that order, to the last bit.
pub(crate) fn element_sums(elements: &[(String, bool)], prefix: &str) -> (String, String) {
    let sum = |on: bool| {
        let terms: Vec<String> = elements
            .iter()
            .filter(|(_, o)| *o == on)
            .map(|(n, _)| format!("{prefix}\"{n}\""))
            .collect();
        match terms.is_empty() {
            true => "0.0".to_string(),
            false => format!("({})", terms.join(" + ")),
        }
    };
    (sum(true), sum(false))
}

/// SQL for the Monday on or before the date in `column` (as `Date::week_start`).
fn week_of(column: &str) -> String {
    format!(
        "date({column}, '-' || ((CAST(strftime('%w', {column}) AS INTEGER) + 6) % 7) || ' days')"
    )
}

/// The quotes' index by cell (v1); a first import of quotes builds it after the rows.
pub const QUOTES_CELL_INDEX: &str = "CREATE INDEX quotes_cell ON quotes(segment_id, product_id)";

/// `agg_customer`'s index for a product's customers (v2); a first import builds it after the rows.
pub const AGG_CUSTOMER_PRODUCT_INDEX: &str =
    "CREATE INDEX agg_customer_product ON agg_customer(product_id, segment_id)";

/// The page size of new workspaces: 16 KiB rather than SQLite's 4 KiB. An import writes a
/// quarter as many pages (a quarter of the page splits and `pwrite` calls): 1M transaction lines
/// 0.77 s -> 0.60 s; whole-table reads are as fast or faster, and point reads through an index
/// barely change (larger pages cost most where a read fetches a row per index entry; see
/// `demand::quote_cells`). Workspaces created before keep their page size.
pub const PAGE_SIZE: i64 = 16_384;

/// Why a workspace cannot be brought to the current schema.
#[derive(Debug, thiserror::Error)]
pub enum SchemaError {
    #[error(
        "the workspace was written by a newer pricebench (schema version {found}, this build knows {SCHEMA_VERSION}); upgrade pricebench"
    )]
    Newer { found: i64 },
    #[error(
        "the file is a SQLite database with tables but no pricebench schema version (PRAGMA user_version is 0): not a pricebench workspace, or one whose version was reset by hand; pass another --db path"
    )]
    Foreign,
    #[error(
        "cannot bring the workspace from schema version {from} to {}: {}; its tables do not match its version (PRAGMA user_version), which may have been changed by hand: restore the file, or import the data into a new workspace",
        from + 1, sql_message(reason)
    )]
    Mismatch { from: i64, reason: rusqlite::Error },
    #[error(
        "table '{table}' has a row without {column} (NULL), which pricebench cannot read; was the workspace edited by hand? Find it with: SELECT rowid, * FROM {table} WHERE {column} IS NULL"
    )]
    MissingId {
        table: &'static str,
        column: &'static str,
    },
    #[error("{}{}", .0, crate::store::hint(.0))]
    Sql(rusqlite::Error),
}

impl From<rusqlite::Error> for SchemaError {
    fn from(e: rusqlite::Error) -> Self {
        SchemaError::Sql(e)
    }
}

/// The id columns SQLite lets be NULL (a `TEXT PRIMARY KEY` of a rowid table is not NOT NULL,
/// for historical reasons); the import never writes NULL there, but a hand edit can.
const NULLABLE_IDS: [(&str, &str); 5] = [
    ("segments", "segment_id"),
    ("customers", "customer_id"),
    ("products", "product_id"),
    ("elements", "name"),
    ("quotes", "quote_id"),
];

/// An error naming the table when an id column holds NULL: each is one index lookup, so this
/// runs on every open rather than leaving a read to fail later with only a column name.
pub fn check_ids(conn: &Connection) -> Result<(), SchemaError> {
    for (table, column) in NULLABLE_IDS {
        let sql = format!("SELECT EXISTS (SELECT 1 FROM {table} WHERE {column} IS NULL)");
        if conn.query_row(&sql, [], |r| r.get::<_, bool>(0))? {
            return Err(SchemaError::MissingId { table, column });
        }
    }
    Ok(())
}

/// SQLite's own words, without the statement that rusqlite appends to an input error.
fn sql_message(e: &rusqlite::Error) -> String {
    match e {
        rusqlite::Error::SqlInputError { msg, .. } => msg.clone(),
        other => other.to_string(),
    }
}

fn user_version(conn: &Connection) -> rusqlite::Result<i64> {
    conn.pragma_query_value(None, "user_version", |r| r.get(0))
}

/// Applies every migration the workspace has not seen yet, each in its own transaction. The
/// version is read again once the write lock is held, so two processes opening an old
/// workspace at once migrate it once.
pub fn migrate(conn: &mut Connection) -> Result<(), SchemaError> {
    let version = user_version(conn)?;
    if version > SCHEMA_VERSION {
        return Err(SchemaError::Newer { found: version });
    }
    if version == SCHEMA_VERSION {
        return Ok(());
    }
    if version == 0 {
        let tables: i64 = conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE name NOT LIKE 'sqlite_%'",
            [],
            |r| r.get(0),
        )?;
        if tables > 0 {
            return Err(SchemaError::Foreign);
        }
        // Only a database with nothing written yet takes a page size.
        conn.pragma_update(None, "page_size", PAGE_SIZE)?;
    }
    for (i, step) in MIGRATIONS.iter().enumerate().skip(version as usize) {
        let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let now = user_version(&tx)?;
        if now > i as i64 {
            // Another process migrated this step while we waited for the lock.
            continue;
        }
        step(&tx).map_err(|reason| SchemaError::Mismatch {
            from: i as i64,
            reason,
        })?;
        tx.pragma_update(None, "user_version", i as i64 + 1)?;
        tx.commit()?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::week_of;
    use crate::date::Date;

    #[test]
    fn a_new_workspace_has_16_kib_pages() -> Result<(), crate::store::StoreError> {
        use crate::store::{Origin, Workspace};
        let ws = Workspace::in_memory(Origin::Sample)?;
        let size: i64 = ws
            .conn()
            .pragma_query_value(None, "page_size", |r| r.get(0))?;
        assert_eq!(size, super::PAGE_SIZE);
        assert_eq!(size, 16_384);
        Ok(())
    }

    #[test]
    fn the_views_week_is_the_importers_week() -> rusqlite::Result<()> {
        let conn = rusqlite::Connection::open_in_memory()?;
        let sql = format!("SELECT {}", week_of("?1"));
        let start = Date::parse("2023-12-25").unwrap_or(Date(0));
        assert_eq!(start.to_string(), "2023-12-25");
        // Three years of days, across month, year and leap-day boundaries.
        for n in 0..1100 {
            let day = start.add_days(n);
            let week: String = conn.query_row(&sql, [day.to_string()], |r| r.get(0))?;
            assert_eq!(week, day.week_start().to_string(), "{day}");
        }
        Ok(())
    }
}
