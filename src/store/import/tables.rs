//! Row handlers for the small and medium files: segments, customers, products, quotes, survey.

use super::catalog::Catalog;
use super::csvfile::{ColumnSpec, Header, Row};
use super::problem::{Problem, quoted};
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
    optional: &["family"],
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
    optional: &[],
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
    optional: &[],
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
    if let Some(first) = ctx.cat.seen_lines.get(&(table, id.to_string())) {
        return Err(row.problem(
            h,
            col,
            format!("{} is a duplicate id (also on line {first})", quoted(id)),
        ));
    }
    ctx.cat.seen_lines.insert((table, id.to_string()), row.line);
    if exists && !ctx.replace {
        return Err(row.problem(
            h,
            col,
            format!(
                "{} already exists in the workspace (use --replace to overwrite it)",
                quoted(id)
            ),
        ));
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
    if let Some(id) = id {
        let exists = ctx.cat.product_index.contains_key(id);
        take(
            check_new_id(ctx, "products", exists, h, row, h.at(0), id),
            &mut bad,
        );
        ctx.cat.upsert_product(id, unit_cost.unwrap_or(0.0));
    }
    let (Some(id), Some(name), Some(unit_cost), Some(list_price), Some(family), true) =
        (id, name, unit_cost, list_price, family, bad.is_empty())
    else {
        return Err(bad);
    };
    upsert(
        ctx,
        row,
        "INSERT INTO products (product_id, name, unit_cost, list_price, family) VALUES (?1, ?2, ?3, ?4, ?5) \
             ON CONFLICT (product_id) DO UPDATE SET name = excluded.name, unit_cost = excluded.unit_cost, \
             list_price = excluded.list_price, family = excluded.family",
        (id, name, unit_cost, list_price, family),
    )
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
    let sql = if ctx.replace {
        "INSERT OR REPLACE INTO quotes (quote_id, date, customer_id, segment_id, product_id, \
         quantity, quoted_price, won) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    } else {
        "INSERT INTO quotes (quote_id, date, customer_id, segment_id, product_id, quantity, \
         quoted_price, won) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)"
    };
    let seg = &ctx.cat.segments[segment as usize];
    let result = ctx.tx.prepare_cached(sql).and_then(|mut s| {
        s.execute((
            id,
            date.to_string(),
            customer,
            seg,
            product,
            quantity,
            price,
            won,
        ))
    });
    result.map_err(|e| vec![ctx.insert_problem("quotes", h, row, h.at(0), id, &e)])?;
    Ok(())
}

pub fn survey(ctx: &mut Ctx, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
    let mut bad = Vec::new();
    let id = take(row.id(h, h.at(0)), &mut bad);
    let segment = take(row.id(h, h.at(1)), &mut bad);
    let product = take(row.id(h, h.at(2)), &mut bad);
    let answers: Vec<Option<f64>> = (3..7)
        .map(|k| take(row.price(h, h.at(k)), &mut bad))
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
    let verb = if ctx.replace {
        "INSERT OR REPLACE"
    } else {
        "INSERT"
    };
    let sql = format!(
        "{verb} INTO survey (respondent_id, segment_id, product_id, too_cheap, cheap, expensive, too_expensive) \
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)"
    );
    let result = ctx
        .tx
        .prepare_cached(&sql)
        .and_then(|mut s| s.execute((id, segment, product, a[0], a[1], a[2], a[3])));
    result.map_err(|e| vec![ctx.insert_problem("survey", h, row, h.at(0), id, &e)])?;
    Ok(())
}
