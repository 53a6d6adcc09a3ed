//! Flat sales files (`kind = "sales"` in a mapping): one row per invoice line that also
//! carries the customer's segment and the product's name, family, list price and cost. A
//! first pass over the file derives the segments, customers and products it names; they are
//! imported (as sources of their own, before the lines) unless the workspace has them already.
//!
//! The rules: a segment is named by its `segment_name` column, else by its id; a customer
//! takes its segment, name, region and channel from its first line, and a customer in two
//! segments is an error naming both lines; a product takes its name and family from its first
//! line, its list price from its latest line (the latest date; of equal dates, the last line),
//! and its unit cost as the quantity-weighted mean of its lines' costs (lines with a positive
//! quantity; the plain mean when there are none). Rows the import will refuse (a bad date or
//! number) derive nothing; the second pass reports them.

use super::csvfile::CsvFile;
use super::mapped::{From, OpenError, Side, file_name, number, skipped, write_text};
use super::mapping::FileMapping;
use super::problem::{Problem, Problems, quoted};
use super::{FileKind, Source};
use crate::date::Date;
use crate::store::StoreError;
use std::collections::{HashMap, HashSet};
use std::io::{Cursor, Write};
use std::path::Path;
use std::sync::{Arc, Mutex};

/// The ids a workspace holds already: their rows are not derived again.
#[derive(Debug, Default)]
pub struct MasterIds {
    pub segments: HashSet<String>,
    /// Customer id → its segment id.
    pub customers: HashMap<String, String>,
    pub products: HashSet<String>,
}

impl MasterIds {
    /// The ids of the workspace at `db`, read-only; none when there is no workspace yet.
    pub fn read(db: &Path) -> Result<MasterIds, StoreError> {
        if !db.exists() {
            return Ok(MasterIds::default());
        }
        let flags = rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY;
        let conn = rusqlite::Connection::open_with_flags(db, flags)?;
        let ids = |sql: &str| -> rusqlite::Result<HashSet<String>> {
            let mut stmt = conn.prepare(sql)?;
            stmt.query_map([], |r| r.get(0))?.collect()
        };
        let mut stmt = conn.prepare("SELECT customer_id, segment_id FROM customers")?;
        let customers = stmt
            .query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?
            .collect::<rusqlite::Result<_>>()?;
        Ok(MasterIds {
            segments: ids("SELECT segment_id FROM segments")?,
            customers,
            products: ids("SELECT product_id FROM products")?,
        })
    }
}

struct Customer {
    line: u64,
    segment: String,
    segment_line: u64,
    name: String,
    region: String,
    channel: String,
}

struct Product {
    line: u64,
    name: String,
    family: String,
    /// The currency of its lines (the field `currency`, upper case; empty without one).
    currency: String,
    latest: (Date, String),
    sum_qc: f64,
    sum_q: f64,
    sum_c: f64,
    n: u64,
}

impl Product {
    /// Quantity-weighted mean cost of the lines with a positive quantity, else the mean.
    fn unit_cost(&self) -> f64 {
        if self.sum_q > 0.0 {
            self.sum_qc / self.sum_q
        } else {
            self.sum_c / self.n.max(1) as f64
        }
    }
}

/// What the first pass found.
#[derive(Default)]
struct Masters {
    segments: HashMap<String, (u64, String)>,
    customers: HashMap<String, Customer>,
    products: HashMap<String, Product>,
    conflicts: Problems,
    /// Customers already reported as in another segment than the workspace's.
    reported: HashSet<String>,
}

/// One row's values, by field name.
type Values<'r> = dyn Fn(&str) -> Option<&'r str> + 'r;

/// Derives the segments, customers and products of a flat file, as canonical sources.
pub(super) fn derive(
    path: &Path,
    input: Box<dyn std::io::Read + Send>,
    entry: &FileMapping,
    names: &[String],
    fields: &[(String, From)],
    renames: &[(String, String)],
    existing: &MasterIds,
) -> Result<Vec<Source>, OpenError> {
    let name = path.display().to_string();
    let delimiter = match super::xlsx::is_workbook(path) {
        true => b',',
        false => entry.delimiter,
    };
    let mut csv = CsvFile::new(&name, input).with_delimiter(delimiter);
    let header_line = match csv.next_row() {
        Ok(Some(row)) => row.line,
        _ => 1,
    };
    let mut m = Masters::default();
    let column = |field: &str| {
        renames
            .iter()
            .find(|(f, _)| f == field)
            .map(|(_, c)| c.clone())
    };
    while let Ok(Some(row)) = csv.next_row() {
        if !row.is_utf8()
            || row.len() != names.len()
            || skipped(
                (0..row.len()).map(|i| row.str_field(i).unwrap_or("")),
                &entry.skip_rows,
            )
        {
            continue;
        }
        let values = |field: &str| {
            let (_, from) = fields.iter().find(|(f, _)| f == field)?;
            match from {
                From::Text(i) | From::Number(i) | From::Date(i) => row.str_field(*i),
                From::Constant(c) => Some(c.as_str()),
                From::LineId => None,
            }
        };
        m.add(row.line, &values, entry, &name, &column);
        m.check_existing(row.line, &values, existing, &name, &column);
    }
    if !m.conflicts.is_empty() {
        return Err(OpenError::Files(m.conflicts.kept));
    }
    Ok(m.sources(&name, header_line, renames, existing))
}

impl Masters {
    /// A customer the workspace has in another segment than this line gives: an error
    /// naming both (once per customer).
    fn check_existing(
        &mut self,
        line: u64,
        v: &Values<'_>,
        existing: &MasterIds,
        file: &str,
        column: &dyn Fn(&str) -> Option<String>,
    ) {
        let (Some(customer), Some(segment)) = (v("customer_id"), v("segment_id")) else {
            return;
        };
        let Some(theirs) = existing.customers.get(customer) else {
            return;
        };
        if theirs == segment || !self.reported.insert(customer.to_string()) {
            return;
        }
        let message = format!(
            "customer {} is in segment {} here and in {} in the workspace; a customer belongs to one segment (correct the file, or move the customer with a customers file and --replace)",
            quoted(customer),
            quoted(segment),
            quoted(theirs)
        );
        self.conflicts.push(Problem {
            file: file.to_string(),
            line,
            column: column("segment_id"),
            message,
        });
    }

    fn add(
        &mut self,
        line: u64,
        v: &Values<'_>,
        entry: &FileMapping,
        file: &str,
        column: &dyn Fn(&str) -> Option<String>,
    ) {
        let text = |f: &str| v(f).unwrap_or("").to_string();
        let shown = file_name(Path::new(file));
        let num = |f: &str| -> Option<f64> {
            let mut out = Vec::new();
            number(&entry.number, v(f)?, &shown, &mut out).ok()?;
            std::str::from_utf8(&out).ok()?.parse().ok()
        };
        let (segment, customer, product) =
            (text("segment_id"), text("customer_id"), text("product_id"));
        let date = v("date").and_then(|d| read_date(entry, d));
        let (Some(date), Some(q), Some(list), Some(cost)) =
            (date, num("quantity"), num("list_price"), num("unit_cost"))
        else {
            return;
        };
        if segment.is_empty() || customer.is_empty() || product.is_empty() {
            return;
        }
        self.segments.entry(segment.clone()).or_insert_with(|| {
            let name = text("segment_name");
            (
                line,
                if name.is_empty() {
                    segment.clone()
                } else {
                    name
                },
            )
        });
        match self.customers.get(&customer) {
            None => {
                let c = Customer {
                    line,
                    segment: segment.clone(),
                    segment_line: line,
                    name: text("customer_name"),
                    region: text("region"),
                    channel: text("channel"),
                };
                self.customers.insert(customer.clone(), c);
            }
            Some(c) if c.segment != segment => {
                let message = format!(
                    "customer {} is in segment {} here and in {} on line {}; a customer belongs to one segment",
                    quoted(&customer),
                    quoted(&segment),
                    quoted(&c.segment),
                    c.segment_line
                );
                self.conflicts.push(Problem {
                    file: file.to_string(),
                    line,
                    column: column("segment_id"),
                    message,
                });
            }
            Some(_) => {}
        }
        let currency = text("currency").to_ascii_uppercase();
        let p = self
            .products
            .entry(product.clone())
            .or_insert_with(|| Product {
                line,
                currency: currency.clone(),
                name: text("product_name"),
                family: text("family"),
                latest: (date, String::new()),
                sum_qc: 0.0,
                sum_q: 0.0,
                sum_c: 0.0,
                n: 0,
            });
        if p.currency != currency {
            // Its list price and mean cost would mix currencies.
            let message = format!(
                "product {} is priced in {} here and in {} on line {}; a product derived from a flat file takes its prices from lines in one currency",
                quoted(&product),
                quoted(&currency),
                quoted(&p.currency),
                p.line
            );
            self.conflicts.push(Problem {
                file: file.to_string(),
                line,
                column: column("currency"),
                message,
            });
            return;
        }
        if date >= p.latest.0 {
            p.latest = (date, format_number(list));
        }
        if q > 0.0 {
            p.sum_qc += q * cost;
            p.sum_q += q;
        }
        p.sum_c += cost;
        p.n += 1;
    }

    /// The derived rows as canonical CSV sources, each row on the line where its id first
    /// appears (so the import's messages about it point there).
    fn sources(
        self,
        file: &str,
        header_line: u64,
        renames: &[(String, String)],
        existing: &MasterIds,
    ) -> Vec<Source> {
        let rename = |pairs: &[(&str, &str)]| -> Vec<(String, String)> {
            pairs
                .iter()
                .filter_map(|(canonical, field)| {
                    let (_, c) = renames.iter().find(|(f, _)| f == field)?;
                    Some((canonical.to_string(), c.clone()))
                })
                .collect()
        };
        let mut out = Vec::new();
        let segments: Vec<(u64, Vec<String>)> = self
            .segments
            .into_iter()
            .filter(|(id, _)| !existing.segments.contains(id))
            .map(|(id, (line, name))| (line, vec![id, name]))
            .collect();
        let customers: Vec<(u64, Vec<String>)> = self
            .customers
            .into_iter()
            .filter(|(id, _)| !existing.customers.contains_key(id))
            .map(|(id, c)| (c.line, vec![id, c.segment, c.name, c.region, c.channel]))
            .collect();
        let priced = self.products.values().any(|p| !p.currency.is_empty());
        let products: Vec<(u64, Vec<String>)> = self
            .products
            .into_iter()
            .filter(|(id, _)| !existing.products.contains(id))
            .map(|(id, p)| {
                let name = if p.name.is_empty() {
                    id.clone()
                } else {
                    p.name.clone()
                };
                let cost = format_number(p.unit_cost());
                let mut row = vec![id, name, cost, p.latest.1, p.family];
                if priced {
                    row.push(p.currency);
                }
                (p.line, row)
            })
            .collect();
        let tables = [
            (
                FileKind::Segments,
                "segment_id,name",
                segments,
                rename(&[("segment_id", "segment_id"), ("name", "segment_name")]),
            ),
            (
                FileKind::Customers,
                "customer_id,segment_id,name,region,channel",
                customers,
                rename(&[
                    ("customer_id", "customer_id"),
                    ("segment_id", "segment_id"),
                    ("name", "customer_name"),
                    ("region", "region"),
                    ("channel", "channel"),
                ]),
            ),
            (
                FileKind::Products,
                match priced {
                    true => "product_id,name,unit_cost,list_price,family,currency",
                    false => "product_id,name,unit_cost,list_price,family",
                },
                products,
                rename(&[
                    ("product_id", "product_id"),
                    ("name", "product_name"),
                    ("unit_cost", "unit_cost"),
                    ("list_price", "list_price"),
                    ("family", "family"),
                    ("currency", "currency"),
                ]),
            ),
        ];
        for (kind, header, mut rows, renames) in tables {
            if rows.is_empty() {
                continue;
            }
            rows.sort_by_key(|r| r.0);
            let bytes = canonical_csv(header_line, header, &rows);
            out.push(Source {
                name: format!("{file} (derived {})", kind.name()),
                kind,
                size: bytes.len() as u64,
                reader: Box::new(Cursor::new(bytes)),
                mapped: Some(Side {
                    problems: Arc::new(Mutex::new(Problems::default())),
                    renames,
                    handle: None,
                    place: None,
                }),
            });
        }
        out
    }
}

/// A number as the shortest text that reads back as the same double.
fn format_number(v: f64) -> String {
    format!("{v}")
}

fn read_date(entry: &FileMapping, s: &str) -> Option<Date> {
    let (y, m, d) = if entry.date.is_iso() {
        Date::parse(s)?.ymd()
    } else {
        entry.date.parse(s)?
    };
    Date::from_ymd(y, m, d).filter(|d| (Date::MIN..=Date::MAX).contains(d))
}

/// Canonical CSV with each row on its line (empty lines between).
fn canonical_csv(header_line: u64, header: &str, rows: &[(u64, Vec<String>)]) -> Vec<u8> {
    fn pad(out: &mut Vec<u8>, line: &mut u64, to: u64) {
        while *line < to {
            out.push(b'\n');
            *line += 1;
        }
    }
    let mut out = Vec::new();
    let mut line = 1;
    pad(&mut out, &mut line, header_line);
    let _ = writeln!(out, "{header}");
    line += 1;
    for (at, fields) in rows {
        pad(&mut out, &mut line, *at);
        for (i, f) in fields.iter().enumerate() {
            if i > 0 {
                out.push(b',');
            }
            write_text(&mut out, f);
        }
        out.push(b'\n');
        line += 1 + fields
            .iter()
            .map(|f| f.matches('\n').count() as u64)
            .sum::<u64>();
    }
    out
}
