//! Row handlers for the small and medium files: segments, customers, products, quotes, survey.

use super::bulk::{RowLines, Seen};
use super::catalog::Catalog;
use super::csvfile::{ColumnSpec, Header, Row};
use super::problem::{Problem, already_exists, appears_twice, quoted};
use super::transactions::is_constraint;
use super::{Ctx, take};

pub const SEGMENTS: ColumnSpec = ColumnSpec {
    required: &["segment_id", "name"],
    optional: &["description"],
    elements: false,
};
pub const CUSTOMERS: ColumnSpec = ColumnSpec {
    required: &["customer_id", "segment_id"],
    optional: &["name", "region", "channel"],
    elements: false,
};
pub const PRODUCTS: ColumnSpec = ColumnSpec {
    required: &["product_id", "name", "unit_cost", "list_price"],
    optional: &["family", "currency", "uom"],
    elements: false,
};
pub const QUOTES: ColumnSpec = ColumnSpec {
    required: &[
        "quote_id",
        "date",
        "customer_id",
        "product_id",
        "quantity",
        "quoted_price",
        "won",
    ],
    optional: &["currency"],
    elements: false,
};
pub const SURVEY: ColumnSpec = ColumnSpec {
    required: &[
        "respondent_id",
        "segment_id",
        "product_id",
        "too_cheap",
        "cheap",
        "expensive",
        "too_expensive",
    ],
    optional: &["currency"],
    elements: false,
};

pub const COMPETITORS: ColumnSpec = ColumnSpec {
    required: &[
        "date",
        "competitor",
        "product_id",
        "competitor_product",
        "price",
    ],
    optional: &["currency"],
    elements: false,
};

/// Checks an id of a small table against this import and the workspace.
fn check_new_id(
    ctx: &mut Ctx,
    table: &'static str,
    exists: bool,
    h: &Header,
    row: &Row,
    col: usize,
    id: &str,
) -> Result<(), Problem> {
    if let Some((file, line)) = ctx.cat.seen.first(table, id, &h.file, row.line) {
        return Err(row.problem(h, col, appears_twice(&quoted(id), file, line)));
    }
    if exists && !ctx.replace {
        return Err(row.problem(h, col, already_exists(&quoted(id))));
    }
    Ok(())
}

pub fn segment(ctx: &mut Ctx, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
    let mut bad = Vec::new();
    let id = take(row.id(h, h.at(0)), &mut bad);
    let name = take(row.text(h, h.at(1)), &mut bad);
    let description = take(row.optional_text(h, h.positions[2]), &mut bad);
    if let Some(id) = id {
        let exists = ctx.cat.segment_index.contains_key(id);
        take(
            check_new_id(ctx, "segments", exists, h, row, h.at(0), id),
            &mut bad,
        );
        ctx.cat.intern_segment(id);
    }
    let (Some(id), Some(name), Some(description), true) = (id, name, description, bad.is_empty())
    else {
        return Err(bad);
    };
    upsert(
        ctx,
        row,
        "INSERT INTO segments (segment_id, name, description) VALUES (?1, ?2, ?3) \
             ON CONFLICT (segment_id) DO UPDATE SET name = excluded.name, description = excluded.description",
        (id, name, description),
    )
}

pub fn customer(ctx: &mut Ctx, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
    let mut bad = Vec::new();
    let id = take(row.id(h, h.at(0)), &mut bad);
    let segment = take(row.id(h, h.at(1)), &mut bad);
    let name = take(row.optional_text(h, h.positions[2]), &mut bad);
    let region = take(row.optional_text(h, h.positions[3]), &mut bad);
    let channel = take(row.optional_text(h, h.positions[4]), &mut bad);
    let seg_index = segment.and_then(|s| {
        let found = ctx.cat.segment_index.get(s).copied();
        if found.is_none() {
            bad.push(row.problem(
                h,
                h.at(1),
                format!(
                    "{} is not a known segment (not in segments.csv nor in the workspace)",
                    quoted(s)
                ),
            ));
        }
        found
    });
    if let Some(id) = id {
        let old = ctx.cat.customers.get(id).map(|c| c.1);
        take(
            check_new_id(ctx, "customers", old.is_some(), h, row, h.at(0), id),
            &mut bad,
        );
        if let (Some(old), Some(new)) = (old, seg_index) {
            ctx.segment_moved |= old != new;
        }
        ctx.cat.upsert_customer(id, seg_index.unwrap_or(0));
    }
    let (Some(id), Some(segment), Some(name), Some(region), Some(channel), true) =
        (id, segment, name, region, channel, bad.is_empty())
    else {
        return Err(bad);
    };
    upsert(
        ctx,
        row,
        "INSERT INTO customers (customer_id, segment_id, name, region, channel) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (customer_id) DO UPDATE SET segment_id = excluded.segment_id, name = excluded.name, \
             region = excluded.region, channel = excluded.channel",
        (id, segment, name, region, channel),
    )
}

pub fn product(ctx: &mut Ctx, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
    let mut bad = Vec::new();
    let id = take(row.id(h, h.at(0)), &mut bad);
    let name = take(row.text(h, h.at(1)), &mut bad);
    let unit_cost = take(row.price(h, h.at(2)), &mut bad);
    let list_price = take(row.price(h, h.at(3)), &mut bad);
    let family = take(row.optional_text(h, h.positions[4]), &mut bad);
    let uom = take(row.optional_text(h, h.positions[6]), &mut bad);
    // A product has no date: its prices convert at the latest rate.
    let factor = take(ctx.money.factor(h, row, h.positions[5], None), &mut bad);
    let (unit_cost, list_price) = match factor {
        Some(f) => (unit_cost.map(|v| v * f), list_price.map(|v| v * f)),
        None => (None, None),
    };
    if let Some(id) = id {
        let exists = ctx.cat.product_index.contains_key(id);
        take(
            check_new_id(ctx, "products", exists, h, row, h.at(0), id),
            &mut bad,
        );
        ctx.cat.upsert_product(id, unit_cost.unwrap_or(0.0));
    }
    let (Some(id), Some(name), Some(unit_cost), Some(list_price), Some(family), Some(uom), true) =
        (id, name, unit_cost, list_price, family, uom, bad.is_empty())
    else {
        return Err(bad);
    };
    let currency = original_currency(h, row, 5);
    upsert(
        ctx,
        row,
        "INSERT INTO products (product_id, name, unit_cost, list_price, family, uom, currency) \
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7) \
             ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, unit_cost = excluded.unit_cost, \
             list_price = excluded.list_price, family = excluded.family, uom = excluded.uom, \
             currency = excluded.currency",
        (id, name, unit_cost, list_price, family, uom, currency),
    )
}

/// The currency a row named (upper case), for the table's `currency` column; `None` without
/// the column.
fn original_currency(h: &Header, row: &Row, position: usize) -> Option<String> {
    let col = h.positions[position]?;
    let text = row.text(h, col).ok()?;
    super::money::Currency::parse(text).map(|c| c.to_string())
}

/// Runs an upsert of one row of a small table; a failure is a problem on the row's line.
fn upsert(
    ctx: &Ctx,
    row: &Row,
    sql: &str,
    params: impl rusqlite::Params,
) -> Result<(), Vec<Problem>> {
    ctx.tx
        .prepare_cached(sql)
        .and_then(|mut s| s.execute(params))
        .map(|_| ())
        .map_err(|e| vec![row.line_problem(format!("cannot store the row: {e}"))])
}

/// Looks up a customer's (index, segment index), or records why it is unknown.
pub fn customer_segment(
    cat: &Catalog,
    h: &Header,
    row: &Row,
    col: usize,
    id: &str,
    bad: &mut Vec<Problem>,
) -> Option<(u32, u32)> {
    let found = cat.customers.get(id).copied();
    if found.is_none() {
        bad.push(row.problem(
            h,
            col,
            format!(
                "{} is not a known customer (not in customers.csv nor in the workspace)",
                quoted(id)
            ),
        ));
    }
    found
}

/// Looks up a product's index and unit cost, or records why it is unknown.
pub fn known_product(
    cat: &Catalog,
    h: &Header,
    row: &Row,
    col: usize,
    id: &str,
    bad: &mut Vec<Problem>,
) -> Option<(u32, f64)> {
    let found = cat.product_index.get(id).copied();
    if found.is_none() {
        bad.push(row.problem(
            h,
            col,
            format!(
                "{} is not a known product (not in products.csv nor in the workspace)",
                quoted(id)
            ),
        ));
    }
    found
}

pub fn quote(ctx: &mut Ctx, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
    let mut bad = Vec::new();
    let id = take(row.id(h, h.at(0)), &mut bad);
    let date = take(row.date(h, h.at(1)), &mut bad);
    let customer = take(row.id(h, h.at(2)), &mut bad);
    let product = take(row.id(h, h.at(3)), &mut bad);
    let quantity = take(row.number(h, h.at(4)), &mut bad);
    let price = take(row.price(h, h.at(5)), &mut bad);
    let won = take(row.won(h, h.at(6)), &mut bad);
    let price = match date.map(|d| ctx.money.factor(h, row, h.positions[7], Some(d))) {
        Some(f) => take(f, &mut bad).and_then(|f| price.map(|p| p * f)),
        None => price,
    };
    let segment = customer
        .and_then(|c| customer_segment(&ctx.cat, h, row, h.at(2), c, &mut bad))
        .map(|c| c.1);
    if let Some(p) = product {
        known_product(&ctx.cat, h, row, h.at(3), p, &mut bad);
    }
    let (
        Some(id),
        Some(date),
        Some(customer),
        Some(product),
        Some(quantity),
        Some(price),
        Some(won),
        Some(segment),
        true,
    ) = (
        id,
        date,
        customer,
        product,
        quantity,
        price,
        won,
        segment,
        bad.is_empty(),
    )
    else {
        return Err(bad);
    };
    let key = Key {
        table: "quotes",
        find: "quote_id = ?1",
        ids: &[id],
        lines: |seen| &mut seen.quotes,
    };
    let date = date.to_string();
    let currency = original_currency(h, row, 7);
    insert_keyed(ctx, h, row, key, |ctx| {
        let seg = &ctx.cat.segments[segment as usize];
        ctx.tx
            .prepare_cached(
                "INSERT INTO quotes (quote_id, date, customer_id, segment_id, product_id, \
                 quantity, quoted_price, won, currency) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            )?
            .execute((id, &date, customer, seg, product, quantity, price, won, &currency))
    })
}

pub fn survey(ctx: &mut Ctx, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
    let mut bad = Vec::new();
    let id = take(row.id(h, h.at(0)), &mut bad);
    let segment = take(row.id(h, h.at(1)), &mut bad);
    let product = take(row.id(h, h.at(2)), &mut bad);
    // An answer has no date: a survey in another currency converts at the latest rate, as a
    // product's prices do.
    let factor = take(ctx.money.factor(h, row, h.positions[7], None), &mut bad);
    let answers: Vec<Option<f64>> = (3..7)
        .map(|k| take(row.price(h, h.at(k)), &mut bad))
        .map(|a| Some(a? * factor?))
        .collect();
    if let Some(s) = segment
        && !ctx.cat.segment_index.contains_key(s)
    {
        bad.push(row.problem(
            h,
            h.at(1),
            format!(
                "{} is not a known segment (not in segments.csv nor in the workspace)",
                quoted(s)
            ),
        ));
    }
    if let Some(p) = product {
        known_product(&ctx.cat, h, row, h.at(2), p, &mut bad);
    }
    let (Some(id), Some(segment), Some(product), true) = (id, segment, product, bad.is_empty())
    else {
        return Err(bad);
    };
    let a: Vec<f64> = answers.into_iter().flatten().collect();
    let key = Key {
        table: "survey",
        find: "respondent_id = ?1 AND product_id = ?2",
        ids: &[id, product],
        lines: |seen| &mut seen.survey,
    };
    insert_keyed(ctx, h, row, key, |ctx| {
        ctx.tx
            .prepare_cached(
                "INSERT INTO survey (respondent_id, segment_id, product_id, too_cheap, cheap, \
                 expensive, too_expensive) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            )?
            .execute((id, segment, product, a[0], a[1], a[2], a[3]))
    })
}

/// A competitor's price for our equivalent product on a date: per unit of our product, in the
/// workspace's currency, positive; one per competitor, competitor product, product and date.
pub fn competitor(ctx: &mut Ctx, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
    let mut bad = Vec::new();
    let date = take(row.date(h, h.at(0)), &mut bad);
    let competitor = take(row.id(h, h.at(1)), &mut bad);
    let product = take(row.id(h, h.at(2)), &mut bad);
    let their_product = take(row.id(h, h.at(3)), &mut bad);
    let price = take(positive_price(h, row, h.at(4)), &mut bad);
    let price = match date.map(|d| ctx.money.factor(h, row, h.positions[5], Some(d))) {
        Some(f) => take(f, &mut bad).and_then(|f| price.map(|p| p * f)),
        None => price,
    };
    if let Some(p) = product {
        known_product(&ctx.cat, h, row, h.at(2), p, &mut bad);
    }
    let (Some(date), Some(competitor), Some(product), Some(their_product), Some(price), true) = (
        date,
        competitor,
        product,
        their_product,
        price,
        bad.is_empty(),
    ) else {
        return Err(bad);
    };
    let date = date.to_string();
    let what = format!(
        "the price of {} {} for product {} on {date}",
        quoted(competitor),
        quoted(their_product),
        quoted(product)
    );
    let key = [competitor, their_product, product, &date].join("\u{1f}");
    if let Some((file, line)) = ctx.cat.seen.first("competitors", &key, &h.file, row.line) {
        return Err(vec![row.problem(
            h,
            h.at(0),
            appears_twice(&what, file, line),
        )]);
    }
    let params = (
        &date,
        competitor,
        product,
        their_product,
        price,
        original_currency(h, row, 5),
    );
    let exists = ctx
        .tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM competitor_prices WHERE date = ?1 AND competitor = ?2 \
             AND product_id = ?3 AND competitor_product = ?4)",
        )
        .and_then(|mut s| s.query_row((&date, competitor, product, their_product), |r| r.get(0)))
        .map_err(|e| vec![row.line_problem(format!("cannot store the row: {e}"))])?;
    if exists && !ctx.replace {
        return Err(vec![row.problem(h, h.at(0), already_exists(&what))]);
    }
    upsert(
        ctx,
        row,
        "INSERT INTO competitor_prices (date, competitor, product_id, competitor_product, price, \
         currency) VALUES (?1, ?2, ?3, ?4, ?5, ?6) \
         ON CONFLICT (competitor, competitor_product, product_id, date) \
         DO UPDATE SET price = excluded.price, currency = excluded.currency",
        params,
    )
}

/// A price above 0 (an index divides by it).
fn positive_price(h: &Header, row: &Row, col: usize) -> Result<f64, Problem> {
    let v = row.price(h, col)?;
    if v == 0.0 {
        let message = "is 0 (a competitor price must be above 0)".to_string();
        return Err(row.problem(h, col, message));
    }
    Ok(v)
}

/// The key of a quote or a survey answer: its table, the condition that finds its row, the
/// key's values from the file (the first one's column is the one a problem names), and where
/// this import's rows of the table came from.
struct Key<'a> {
    table: &'static str,
    find: &'static str,
    ids: &'a [&'a str],
    lines: fn(&mut Seen) -> &mut RowLines,
}

impl Key<'_> {
    /// The key as a message quotes it: `'R1'`, or `'R1' for product 'P1'`.
    fn quoted(&self) -> String {
        match self.ids {
            [id, product] => format!("{} for product {}", quoted(id), quoted(product)),
            _ => self.ids.iter().map(|id| quoted(id)).collect(),
        }
    }
}

/// Inserts a row; when its key is taken, names the line of this import that has it, or
/// overwrites the workspace's row (`--replace`), or says that it exists.
fn insert_keyed(
    ctx: &mut Ctx,
    h: &Header,
    row: &Row,
    key: Key,
    insert: impl Fn(&Ctx) -> rusqlite::Result<usize>,
) -> Result<(), Vec<Problem>> {
    let cannot =
        |ctx: &Ctx, e| vec![ctx.insert_problem(key.table, h, row, h.at(0), key.ids[0], &e)];
    if let Err(e) = insert(ctx) {
        let Some(rowid) = taken_rowid(ctx, &key, &e) else {
            return Err(cannot(ctx, e));
        };
        if let Some((file, line)) = (key.lines)(&mut ctx.cat.seen).locate(rowid) {
            let message = appears_twice(&key.quoted(), file, line);
            return Err(vec![row.problem(h, h.at(0), message)]);
        }
        if !ctx.replace {
            (key.lines)(&mut ctx.cat.seen).claim(rowid, &h.file, row.line);
            return Err(vec![row.problem(h, h.at(0), already_exists(&key.quoted()))]);
        }
        let delete = format!("DELETE FROM {} WHERE rowid = ?1", key.table);
        let replaced = ctx.tx.execute(&delete, [rowid]).and_then(|_| insert(ctx));
        replaced.map_err(|e| cannot(ctx, e))?;
    }
    let rowid = ctx.tx.last_insert_rowid();
    (key.lines)(&mut ctx.cat.seen).note(&h.file, rowid, &[row.line]);
    Ok(())
}

/// The rowid of the row holding `key`, when `e` is the constraint that row makes it break.
fn taken_rowid(ctx: &Ctx, key: &Key, e: &rusqlite::Error) -> Option<i64> {
    if !is_constraint(e) {
        return None;
    }
    let sql = format!("SELECT rowid FROM {} WHERE {}", key.table, key.find);
    let mut stmt = ctx.tx.prepare_cached(&sql).ok()?;
    stmt.query_row(rusqlite::params_from_iter(key.ids), |r| r.get(0))
        .ok()
}
