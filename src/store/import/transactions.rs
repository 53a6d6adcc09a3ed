//! The hot path: transaction lines, validated, bound to one prepared statement, and summed
//! into the weekly / monthly aggregates as they stream by.

use super::aggregate::LineAmounts;
use super::csvfile::{ColumnSpec, ElementColumn, Header, Row};
use super::problem::Problem;
use super::tables::{customer_segment, known_product};
use super::{Ctx, take};
use crate::date::Date;
use rusqlite::{Statement, Transaction};
use std::collections::HashMap;

pub const TRANSACTIONS: ColumnSpec = ColumnSpec {
    required: &[
        "txn_id",
        "date",
        "customer_id",
        "product_id",
        "quantity",
        "list_price",
    ],
    optional: &["unit_cost"],
    elements: true,
};

/// State for one transactions file: its statement, element slots and caches.
pub struct TxnWriter<'t> {
    stmt: Statement<'t>,
    /// For each element column of the file: (workspace slot, on-invoice, field index).
    slots: Vec<(usize, bool, usize)>,
    amounts: Vec<(usize, f64)>,
    week_labels: HashMap<i32, String>,
}

impl<'t> TxnWriter<'t> {
    /// Adds the file's new elements to the workspace and prepares the insert statement.
    pub fn new(ctx: &mut Ctx<'t>, header: &Header) -> rusqlite::Result<TxnWriter<'t>> {
        let mut slots = Vec::with_capacity(header.elements.len());
        for el in &header.elements {
            let slot = ensure_element(ctx, el)?;
            slots.push((slot, el.on_invoice, el.index));
        }
        let names: String = header
            .elements
            .iter()
            .map(|e| format!(", \"{}\"", e.name))
            .collect();
        let marks = ", ?".repeat(header.elements.len());
        let sql = format!(
            "INSERT INTO transactions (txn_id, date, week, customer_id, segment_id, product_id, quantity, \
             list_price, unit_cost, invoice_price, pocket_price{names}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?{marks})"
        );
        let tx: &'t Transaction<'t> = ctx.tx;
        Ok(TxnWriter {
            stmt: tx.prepare(&sql)?,
            slots,
            amounts: Vec::new(),
            week_labels: HashMap::new(),
        })
    }

    pub fn row(&mut self, ctx: &mut Ctx<'t>, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
        let mut bad = Vec::new();
        let id = take(row.id(h, h.at(0)), &mut bad);
        let date = take(row.date(h, h.at(1)), &mut bad);
        let customer = take(row.id(h, h.at(2)), &mut bad);
        let product = take(row.id(h, h.at(3)), &mut bad);
        let quantity = take(row.number(h, h.at(4)), &mut bad);
        let list_price = take(row.price(h, h.at(5)), &mut bad);
        let unit_cost = match h.positions[6] {
            Some(i) if !row.text(h, i).is_ok_and(str::is_empty) => take(row.price(h, i), &mut bad),
            _ => None,
        };
        self.amounts.clear();
        let (mut on_total, mut off_total) = (0.0, 0.0);
        for &(slot, on_invoice, index) in &self.slots {
            if let Some(v) = take(row.amount(h, index), &mut bad) {
                self.amounts.push((slot, v));
                *(if on_invoice {
                    &mut on_total
                } else {
                    &mut off_total
                }) += v;
            }
        }
        let segment = customer.and_then(|c| customer_segment(ctx, h, row, h.at(2), c, &mut bad));
        let product_ref = product.and_then(|p| known_product(ctx, h, row, h.at(3), p, &mut bad));
        let (
            Some(id),
            Some(date),
            Some(customer),
            Some(product),
            Some(quantity),
            Some(list_price),
            Some(segment),
            Some((product_index, default_cost)),
            true,
        ) = (
            id,
            date,
            customer,
            product,
            quantity,
            list_price,
            segment,
            product_ref,
            bad.is_empty(),
        )
        else {
            return Err(bad);
        };
        let line = LineAmounts {
            quantity,
            list_price,
            invoice_price: list_price - on_total,
            pocket_price: list_price - on_total - off_total,
            unit_cost: unit_cost.unwrap_or(default_cost),
            elements: &self.amounts,
        };
        let week = date.week_start();
        let week_label = self
            .week_labels
            .entry(week.0)
            .or_insert_with(|| week.to_string());
        let date_text = row.text(h, h.at(1)).unwrap_or_default();
        let segment_id = ctx.cat.segments[segment as usize].clone();
        let result = bind_and_insert(
            &mut self.stmt,
            [id, date_text, week_label, customer, &segment_id, product],
            &line,
        );
        match result {
            Ok(()) => {}
            Err(e) if ctx.replace && is_constraint(&e) => {
                replace_line(ctx, id)
                    .and_then(|()| {
                        bind_and_insert(
                            &mut self.stmt,
                            [id, date_text, week_label, customer, &segment_id, product],
                            &line,
                        )
                    })
                    .map_err(|e| vec![row.line_problem(format!("cannot store the row: {e}"))])?;
            }
            Err(e) => {
                return Err(vec![ctx.insert_problem(
                    "transactions",
                    h,
                    row,
                    h.at(0),
                    id,
                    &e,
                )]);
            }
        }
        ctx.aggregates.add(segment, product_index, date, &line, 1.0);
        Ok(())
    }
}

fn bind_and_insert(
    stmt: &mut Statement,
    texts: [&str; 6],
    line: &LineAmounts,
) -> rusqlite::Result<()> {
    for (i, t) in texts.iter().enumerate() {
        stmt.raw_bind_parameter(i + 1, *t)?;
    }
    let numbers = [
        line.quantity,
        line.list_price,
        line.unit_cost,
        line.invoice_price,
        line.pocket_price,
    ];
    for (i, v) in numbers.iter().enumerate() {
        stmt.raw_bind_parameter(i + 7, *v)?;
    }
    for (i, (_, v)) in line.elements.iter().enumerate() {
        stmt.raw_bind_parameter(i + 12, *v)?;
    }
    stmt.raw_execute().map(|_| ())
}

pub fn is_constraint(e: &rusqlite::Error) -> bool {
    e.sqlite_error_code() == Some(rusqlite::ErrorCode::ConstraintViolation)
}

/// Removes an existing line (for `--replace`), taking its contribution out of the aggregates.
fn replace_line(ctx: &mut Ctx, id: &str) -> rusqlite::Result<()> {
    let names = ctx.cat.element_names();
    let cols: String = names.iter().map(|n| format!(", \"{n}\"")).collect();
    let sql = format!(
        "SELECT segment_id, product_id, date, quantity, list_price, invoice_price, pocket_price, unit_cost{cols} \
         FROM transactions WHERE txn_id = ?1"
    );
    let old = ctx.tx.query_row(&sql, [id], |r| {
        let mut elements = Vec::with_capacity(names.len());
        for i in 0..names.len() {
            elements.push((i, r.get::<_, f64>(8 + i)?));
        }
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            [r.get(3)?, r.get(4)?, r.get(5)?, r.get(6)?, r.get(7)?],
            elements,
        ))
    })?;
    let (
        segment,
        product,
        date,
        [quantity, list_price, invoice_price, pocket_price, unit_cost],
        elements,
    ) = old;
    let s = ctx.cat.intern_segment(&segment);
    let p = ctx.cat.product_index.get(&product).map_or(0, |x| x.0);
    let line = LineAmounts {
        quantity,
        list_price,
        invoice_price,
        pocket_price,
        unit_cost,
        elements: &elements,
    };
    if let Some(d) = Date::parse(&date) {
        ctx.aggregates.add(s, p, d, &line, -1.0);
    }
    ctx.tx
        .execute("DELETE FROM transactions WHERE txn_id = ?1", [id])?;
    Ok(())
}

/// The workspace slot of an element, adding its column to the tables if it is new.
fn ensure_element(ctx: &mut Ctx, el: &ElementColumn) -> rusqlite::Result<usize> {
    if let Some(slot) = ctx.cat.elements.iter().position(|(n, _)| *n == el.name) {
        return Ok(slot);
    }
    for table in ["transactions", "agg_week", "agg_month"] {
        ctx.tx.execute(
            &format!(
                "ALTER TABLE {table} ADD COLUMN \"{}\" REAL NOT NULL DEFAULT 0",
                el.name
            ),
            [],
        )?;
    }
    let kind = if el.on_invoice { "on" } else { "off" };
    ctx.tx.execute(
        "INSERT INTO elements (name, kind, position) VALUES (?1, ?2, (SELECT COALESCE(MAX(position), 0) + 1 FROM elements))",
        (&el.name, kind),
    )?;
    ctx.cat.elements.push((el.name.clone(), el.on_invoice));
    Ok(ctx.cat.elements.len() - 1)
}
