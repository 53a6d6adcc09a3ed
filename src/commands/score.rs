//! `pricebench score`: deals (quotes.csv or transactions.csv format) from a file or standard
//! input scored against the guidance — the row each falls in, its invoice and pocket % of list,
//! its position in the corridor, a 0–100 score and the margin at stake. A Unix filter: CSV
//! output streams row by row; a row that cannot be scored says why in its `status`. A deal
//! file with a `currency` column is converted into the reporting currency with the workspace's
//! exchange rates, as an import converts (a row without a rate is not scored: `no_rate`).

use crate::analysis::guidance::{self as analysis, GuidanceSource, ScoringContext};
use crate::cli::{Format, GuidanceOptionArgs, ScoreArgs};
use crate::realization::guidance::{
    Corridor, PublishedRow, ScoringTable, margin_to, position, score,
};
use crate::report::{Cell, CsvRows, Report, push_int, push_plain};
use crate::store::Workspace;
use crate::store::import::money::{Converter, Currency};
use crate::store::realization::Scope;
use anyhow::{Context, Result, bail};
use clap::Parser;
use std::collections::HashMap;
use std::io::{BufReader, Read, Write};
use std::path::Path;

/// The columns `score` writes, in order.
pub const COLUMNS: [&str; 24] = [
    "line",
    "deal_id",
    "customer_id",
    "segment_id",
    "product_id",
    "size_band",
    "quantity",
    "list_price",
    "invoice_price",
    "invoice_pct",
    "pocket_pct",
    "pocket_floor_pct",
    "pocket_target_pct",
    "pocket_stretch_pct",
    "invoice_floor_price",
    "invoice_target_price",
    "invoice_stretch_price",
    "position",
    "score",
    "margin_to_floor",
    "margin_to_target",
    "guidance",
    "status",
    "message",
];

/// The columns in currency (per unit, or margin), named with the reporting currency.
const MONEY: [&str; 7] = [
    "list_price",
    "invoice_price",
    "invoice_floor_price",
    "invoice_target_price",
    "invoice_stretch_price",
    "margin_to_floor",
    "margin_to_target",
];

/// Malformed rows told on standard error before only their count is.
const TOLD: usize = 20;

/// Scores every deal of the input.
pub fn run(args: &ScoreArgs, ws: &Workspace, out: &mut impl Write) -> Result<()> {
    let source = match &args.guidance {
        Some(path) => {
            if args.options != default_options() {
                bail!(
                    "--guidance FILE brings its own corridors: --by, --size-bands, --floor, \
                     --target, --stretch, --min-customers, --from and --to do not apply"
                );
            }
            let (rows, scope) = read_guidance(path)?;
            GuidanceSource::Saved(rows, scope)
        }
        None => {
            let (scope, options) = super::guidance::parse_options(&args.options)?;
            GuidanceSource::Workspace(scope, options)
        }
    };
    let ctx = analysis::scoring_context(ws, source)?;
    let name = args.file.display().to_string();
    let input: Box<dyn Read> = match args.file.as_os_str() == "-" {
        true => Box::new(std::io::stdin().lock()),
        false => Box::new(
            std::fs::File::open(&args.file).with_context(|| format!("cannot read '{name}'"))?,
        ),
    };
    let name = if name == "-" {
        "stdin".to_string()
    } else {
        name
    };
    score_deals(&ctx, &name, input, args.format.format, out)
}

fn default_options() -> GuidanceOptionArgs {
    #[derive(Parser)]
    struct Defaults {
        #[command(flatten)]
        options: GuidanceOptionArgs,
    }
    Defaults::parse_from(["defaults"]).options
}

/// Where the output goes: streamed as CSV (straight into a buffer, or through the general
/// report cells), or collected for a table or JSON.
enum Sink<'a, W: Write> {
    Fast(FastCsv<'a, W>),
    /// The rows and the reporting currency each carries last, if any.
    Csv(Box<CsvRows<&'a mut W>>, Option<String>),
    Collect(Report, Format, &'a mut W),
}

impl<W: Write> Sink<'_, W> {
    fn scored(&mut self, lookup: &Lookup, line: u64, deal: &Deal) -> Result<()> {
        match self {
            Sink::Fast(w) => w.scored(lookup, line, deal),
            other => other.push(scored_row(lookup, line, deal)),
        }
    }

    fn malformed(
        &mut self,
        line: u64,
        record: &csv::ByteRecord,
        columns: &DealColumns,
        message: String,
    ) -> Result<()> {
        match self {
            Sink::Fast(w) => w.malformed(line, record, columns, &message),
            other => other.push(malformed_row(line, record, columns, message)),
        }
    }

    fn push(&mut self, row: Vec<Cell>) -> Result<()> {
        match self {
            Sink::Fast(_) => unreachable!("the fast CSV path writes its rows itself"),
            Sink::Csv(w, currency) => {
                let code = currency.iter().map(|c| Cell::Text(c.clone()));
                w.push(&row.into_iter().chain(code).collect::<Vec<_>>())
            }
            Sink::Collect(r, ..) => {
                r.push(row);
                Ok(())
            }
        }
    }

    fn finish(self) -> Result<()> {
        match self {
            Sink::Fast(w) => w.finish(),
            Sink::Csv(w, _) => (*w).finish(),
            Sink::Collect(r, format, out) => r.write(format, out),
        }
    }
}

/// The CSV output written field by field into one reused buffer: numbers formatted in place
/// ([`push_plain`]), ids copied from the input record, no row of cells. Byte for byte what the
/// general path ([`CsvRows`] over [`scored_row`]) writes — quoting as the csv crate does
/// (fields with a comma, quote, CR or LF in quotes, quotes doubled), `\n` after each row — which
/// `score_deals_via_cells` keeps for the test that checks it.
struct FastCsv<'a, W: Write> {
    out: &'a mut W,
    buf: Vec<u8>,
    /// `,CODE` of the reporting currency, ending every row (empty without one).
    currency: Vec<u8>,
}

/// Written to `out` whenever the buffer holds this much.
const FLUSH_AT: usize = 1 << 16;

impl<'a, W: Write> FastCsv<'a, W> {
    fn new(out: &'a mut W, currency: Option<&str>) -> FastCsv<'a, W> {
        let mut buf = Vec::with_capacity(FLUSH_AT + 4096);
        let extra = currency.map(|_| "currency");
        for (i, c) in COLUMNS.iter().chain(&extra).enumerate() {
            if i > 0 {
                buf.push(b',');
            }
            push_text(&mut buf, c);
        }
        buf.push(b'\n');
        let mut code = Vec::new();
        if let Some(c) = currency {
            code.push(b',');
            push_text(&mut code, c);
        }
        FastCsv {
            out,
            buf,
            currency: code,
        }
    }

    fn scored(&mut self, lookup: &Lookup, line: u64, deal: &Deal) -> Result<()> {
        let (segment, row, result) = lookup.score(deal);
        let s = result.as_ref().ok();
        let b = &mut self.buf;
        let num = |b: &mut Vec<u8>, v: Option<f64>, decimals: usize| {
            if let Some(v) = v {
                push_plain(b, v, decimals);
            }
            b.push(b',');
        };
        push_int(b, line);
        b.push(b',');
        for id in [
            deal.id,
            deal.customer_id,
            segment.unwrap_or_default(),
            deal.product_id,
        ] {
            push_text(b, id);
            b.push(b',');
        }
        if let Some(r) = row {
            push_int(b, r.size_band as u64);
        }
        b.push(b',');
        num(b, Some(deal.quantity), 2);
        let (list_price, invoice_price) = deal.prices();
        num(b, s.map(|s| s.list_price).or(list_price), 4);
        num(b, invoice_price, 4);
        num(b, s.map(|s| s.invoice_pct), 4);
        num(b, s.map(|s| s.pocket_pct), 4);
        num(b, s.map(|s| s.pocket.floor), 4);
        num(b, s.map(|s| s.pocket.target), 4);
        num(b, s.map(|s| s.pocket.stretch), 4);
        num(b, s.map(|s| s.invoice_prices.floor), 4);
        num(b, s.map(|s| s.invoice_prices.target), 4);
        num(b, s.map(|s| s.invoice_prices.stretch), 4);
        push_text(b, s.map_or("", |s| s.position.as_str()));
        b.push(b',');
        num(b, s.map(|s| s.score), 1);
        num(b, s.map(|s| s.margin_to_floor), 2);
        num(b, s.map(|s| s.margin_to_target), 2);
        push_text(b, row.map_or("", |r| r.status.as_str()));
        b.push(b',');
        match &result {
            Ok(_) => b.extend_from_slice(b"ok,"),
            Err(u) => {
                push_text(b, u.status());
                b.push(b',');
                push_text(b, &u.message(deal, segment));
            }
        }
        self.end_row()
    }

    fn malformed(
        &mut self,
        line: u64,
        record: &csv::ByteRecord,
        columns: &DealColumns,
        message: &str,
    ) -> Result<()> {
        let b = &mut self.buf;
        push_int(b, line);
        for (i, field) in [
            columns.id,
            Some(columns.customer),
            None,
            Some(columns.product),
        ]
        .into_iter()
        .enumerate()
        {
            b.push(b',');
            if i != 2 {
                let text = field
                    .and_then(|f| record.get(f))
                    .map(String::from_utf8_lossy);
                push_text(b, text.as_deref().map_or("", str::trim));
            }
        }
        for _ in 5..COLUMNS.len() - 2 {
            b.push(b',');
        }
        b.extend_from_slice(b",malformed,");
        push_text(b, message);
        self.end_row()
    }

    fn end_row(&mut self) -> Result<()> {
        self.buf.extend_from_slice(&self.currency);
        self.buf.push(b'\n');
        if self.buf.len() >= FLUSH_AT {
            self.out.write_all(&self.buf)?;
            self.buf.clear();
        }
        Ok(())
    }

    fn finish(self) -> Result<()> {
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(())
    }
}

/// Appends one text field, quoted as the csv crate's writer quotes it when it must be.
fn push_text(buf: &mut Vec<u8>, text: &str) {
    let bytes = text.as_bytes();
    if !bytes
        .iter()
        .any(|b| matches!(b, b',' | b'"' | b'\r' | b'\n'))
    {
        buf.extend_from_slice(bytes);
        return;
    }
    buf.push(b'"');
    for &b in bytes {
        if b == b'"' {
            buf.push(b'"');
        }
        buf.push(b);
    }
    buf.push(b'"');
}

/// Scores the deals read from `input` (called `name` in messages) and writes them to `out`.
pub fn score_deals(
    ctx: &ScoringContext,
    name: &str,
    input: impl Read,
    format: Format,
    out: &mut impl Write,
) -> Result<()> {
    let currency = ctx.money.reporting.map(|c| c.to_string());
    let sink = match format {
        Format::Csv => Sink::Fast(FastCsv::new(out, currency.as_deref())),
        other => {
            let report = (Report::new(&COLUMNS).with_currency(currency, &MONEY))
                .with_period(ctx.period.clone());
            Sink::Collect(report, other, out)
        }
    };
    score_into(ctx, name, input, sink)
}

/// [`score_deals`] as CSV through the general renderer (each row as typed report cells written
/// by [`CsvRows`]): what the fast CSV path must equal byte for byte, kept to check that it does.
pub fn score_deals_via_cells(
    ctx: &ScoringContext,
    name: &str,
    input: impl Read,
    out: &mut impl Write,
) -> Result<()> {
    let currency = ctx.money.reporting.map(|c| c.to_string());
    let extra = currency.as_ref().map(|_| "currency");
    let columns: Vec<&str> = COLUMNS.iter().copied().chain(extra).collect();
    let sink = Sink::Csv(Box::new(CsvRows::new(out, &columns)?), currency);
    score_into(ctx, name, input, sink)
}

fn score_into<W: Write>(
    ctx: &ScoringContext,
    name: &str,
    input: impl Read,
    mut sink: Sink<'_, W>,
) -> Result<()> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(BufReader::with_capacity(1 << 16, input));
    let mut record = csv::ByteRecord::new();
    if !reader
        .read_byte_record(&mut record)
        .with_context(|| format!("{name}: cannot read the header"))?
    {
        bail!("{name}: empty input (expected a header row)");
    }
    let columns = DealColumns::from_header(&record, name)?;
    let lookup = Lookup::new(ctx);
    let mut malformed = 0usize;
    loop {
        let line = reader.position().line() + 1;
        match reader.read_byte_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => bail!("{name}:{line}: cannot read the row: {e}"),
        }
        let line = record.position().map_or(line, |p| p.line());
        match columns.deal(&record, &ctx.money) {
            Ok(deal) => sink.scored(&lookup, line, &deal)?,
            Err(message) => {
                malformed += 1;
                if malformed <= TOLD {
                    eprintln!(
                        "{}",
                        crate::report::escape_for_terminal(&format!("{name}:{line}: {message}"))
                    );
                }
                sink.malformed(line, &record, &columns, message)?;
            }
        }
    }
    sink.finish()?;
    if malformed > 0 {
        bail!(
            "{malformed} malformed row(s) in {name} (status 'malformed', the reason in 'message'); \
             the other rows are scored"
        );
    }
    Ok(())
}

/// One deal as read, its ids borrowed from the input record.
#[derive(Debug, Clone, PartialEq)]
pub struct Deal<'a> {
    pub id: &'a str,
    pub customer_id: &'a str,
    pub product_id: &'a str,
    pub quantity: f64,
    /// The line's (or the quote file's) list price per unit, if it has one.
    pub list_price: Option<f64>,
    pub invoice_price: f64,
    /// Known for a transaction line (list − on − off); a quote's is estimated from the row's
    /// off-invoice %.
    pub pocket_price: Option<f64>,
    /// Why the row's currency cannot be converted into the reporting currency: the deal is
    /// then not scored (its prices are as read).
    pub no_rate: Option<String>,
}

impl Deal<'_> {
    /// The list and invoice prices to show: none for a deal whose currency cannot be converted
    /// (a column in the reporting currency never shows an amount in another).
    fn prices(&self) -> (Option<f64>, Option<f64>) {
        match self.no_rate {
            Some(_) => (None, None),
            None => (self.list_price, Some(self.invoice_price)),
        }
    }
}

/// Where each field of a deal is in the input's rows.
struct DealColumns {
    fields: usize,
    names: Vec<String>,
    id: Option<usize>,
    customer: usize,
    product: usize,
    quantity: usize,
    quoted_price: Option<usize>,
    list_price: Option<usize>,
    on: Vec<usize>,
    off: Vec<usize>,
    /// The deal's currency (and the date its rate is taken on), when the file names one.
    currency: Option<usize>,
    date: Option<usize>,
}

impl DealColumns {
    /// Reads the header: names in any case and order, a BOM allowed, other columns ignored.
    fn from_header(header: &csv::ByteRecord, name: &str) -> Result<DealColumns> {
        let names: Vec<String> = header
            .iter()
            .map(|f| {
                String::from_utf8_lossy(f)
                    .trim_start_matches('\u{feff}')
                    .trim()
                    .to_ascii_lowercase()
            })
            .collect();
        let find = |n: &str| names.iter().position(|c| c == n);
        let need = |n: &str| {
            find(n).with_context(|| {
                format!(
                    "{name}:1: missing column '{n}' (deals need customer_id, product_id, \
                     quantity and quoted_price (quotes.csv) or list_price (transactions.csv))"
                )
            })
        };
        let quoted_price = find("quoted_price");
        let list_price = find("list_price");
        if quoted_price.is_none() && list_price.is_none() {
            bail!(
                "{name}:1: neither a 'quoted_price' column (quotes.csv) nor a 'list_price' \
                 column (transactions.csv)"
            );
        }
        let with = |prefix: &str| -> Vec<usize> {
            (0..names.len())
                .filter(|&i| quoted_price.is_none() && names[i].starts_with(prefix))
                .collect()
        };
        Ok(DealColumns {
            fields: names.len(),
            id: find("quote_id").or_else(|| find("txn_id")),
            customer: need("customer_id")?,
            product: need("product_id")?,
            quantity: need("quantity")?,
            on: with("on_"),
            off: with("off_"),
            quoted_price,
            list_price,
            currency: find("currency"),
            date: find("date"),
            names,
        })
    }

    /// The deal of one row, its prices in the reporting currency, or what is wrong with it
    /// (naming the column and the value).
    fn deal<'r>(&self, r: &'r csv::ByteRecord, money: &Converter) -> Result<Deal<'r>, String> {
        if r.len() != self.fields {
            return Err(format!(
                "has {} fields, the header has {}",
                r.len(),
                self.fields
            ));
        }
        let text = |i: usize| -> Result<&'r str, String> {
            std::str::from_utf8(&r[i])
                .map(str::trim)
                .map_err(|_| format!("column '{}': not valid UTF-8", self.names[i]))
        };
        let number = |i: usize, empty_is_zero: bool| -> Result<f64, String> {
            let t = text(i)?;
            if t.is_empty() && empty_is_zero {
                return Ok(0.0);
            }
            match t.parse::<f64>() {
                Ok(v) if v.is_finite() => Ok(v),
                _ => Err(format!("column '{}': '{t}' is not a number", self.names[i])),
            }
        };
        let price = |i: usize| -> Result<f64, String> {
            let v = number(i, false)?;
            match v < 0.0 {
                true => Err(format!(
                    "column '{}': '{}' is a negative price",
                    self.names[i],
                    text(i)?
                )),
                false => Ok(v),
            }
        };
        let id = |i: usize| -> Result<&'r str, String> {
            let t = text(i)?;
            match t.is_empty() {
                true => Err(format!("column '{}': empty", self.names[i])),
                false => Ok(t),
            }
        };
        let sum =
            |cols: &[usize]| -> Result<f64, String> { cols.iter().map(|&i| number(i, true)).sum() };
        let list_price = self.list_price.map(price).transpose()?;
        let (invoice_price, pocket_price) = match (self.quoted_price, list_price) {
            (Some(q), _) => (price(q)?, None),
            (None, Some(list)) => {
                let invoice = list - sum(&self.on)?;
                (invoice, Some(invoice - sum(&self.off)?))
            }
            (None, None) => return Err("no price".to_string()),
        };
        let (factor, no_rate) = match self.currency {
            Some(col) => self.rate(r, col, money)?,
            None => (1.0, None),
        };
        Ok(Deal {
            id: self.id.map(text).transpose()?.unwrap_or_default(),
            customer_id: id(self.customer)?,
            product_id: id(self.product)?,
            quantity: number(self.quantity, false)?,
            list_price: list_price.map(|l| l * factor),
            invoice_price: invoice_price * factor,
            pocket_price: pocket_price.map(|p| p * factor),
            no_rate,
        })
    }

    /// The factor that converts the row's prices into the reporting currency (the rate in force
    /// on its date, the latest without a date column), or 1 and why no rate does; a currency
    /// or date that cannot be read is what is wrong with the row.
    fn rate(
        &self,
        r: &csv::ByteRecord,
        col: usize,
        money: &Converter,
    ) -> Result<(f64, Option<String>), String> {
        let text = |i: usize| -> Result<&str, String> {
            std::str::from_utf8(&r[i])
                .map(str::trim)
                .map_err(|_| format!("column '{}': not valid UTF-8", self.names[i]))
        };
        let code = text(col)?;
        let currency = Currency::parse(code).ok_or_else(|| match code.is_empty() {
            true => format!(
                "column '{}': is empty (expected a three-letter ISO 4217 code such as 'EUR')",
                self.names[col]
            ),
            false => format!(
                "column '{}': '{code}' is not a currency code (expected three letters, ISO 4217, such as 'EUR')",
                self.names[col]
            ),
        })?;
        let date = match self.date {
            Some(i) => {
                let t = text(i)?;
                let date = crate::date::Date::parse(t).ok_or_else(|| {
                    format!(
                        "column '{}': '{t}' is not a date (expected YYYY-MM-DD)",
                        self.names[i]
                    )
                })?;
                Some(date)
            }
            None => None,
        };
        Ok(match money.factor(currency, date) {
            Ok(f) => (f, None),
            Err(why) => (1.0, Some(why)),
        })
    }
}

/// Why a deal has no score.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Unscored {
    UnknownCustomer,
    UnknownProduct,
    /// The cell has no guidance row (the segment never bought the product in the period).
    NoGuidance,
    /// The row has too few customers everywhere it could borrow from.
    NoCorridor,
    NoListPrice,
    ReturnLine,
    /// The deal's currency has no rate into the reporting currency on its date.
    NoRate,
}

impl Unscored {
    fn status(self) -> &'static str {
        match self {
            Unscored::UnknownCustomer => "unknown_customer",
            Unscored::UnknownProduct => "unknown_product",
            Unscored::NoGuidance => "no_guidance",
            Unscored::NoCorridor => "no_corridor",
            Unscored::NoListPrice => "no_list_price",
            Unscored::ReturnLine => "return_line",
            Unscored::NoRate => "no_rate",
        }
    }

    fn message(self, deal: &Deal, segment: Option<&str>) -> String {
        let (c, p) = (deal.customer_id, deal.product_id);
        match self {
            Unscored::UnknownCustomer => format!("customer '{c}' is not in the workspace"),
            Unscored::UnknownProduct => {
                format!("product '{p}' is neither in the guidance nor in the workspace")
            }
            Unscored::NoGuidance => format!(
                "no guidance for segment '{}' × product '{p}': no sales in the period",
                segment.unwrap_or_default()
            ),
            Unscored::NoCorridor => "too few customers for a corridor, even borrowed".to_string(),
            Unscored::NoListPrice => format!("no positive list price for product '{p}'"),
            Unscored::ReturnLine => "negative quantity: a return, not a deal".to_string(),
            Unscored::NoRate => deal.no_rate.clone().unwrap_or_default(),
        }
    }
}

/// A deal scored against its row.
#[derive(Debug, Clone, PartialEq)]
pub struct Scored {
    pub list_price: f64,
    pub invoice_pct: f64,
    pub pocket_pct: f64,
    /// The pocket corridor, % of list.
    pub pocket: Corridor,
    /// The invoice corridor in currency per unit at the deal's list price.
    pub invoice_prices: Corridor,
    pub position: crate::realization::guidance::Position,
    pub score: f64,
    pub margin_to_floor: f64,
    pub margin_to_target: f64,
}

/// The scoring context's ids indexed for one lookup each per deal (customer, product), keyed
/// by `&str` borrowed from the context, with a fast hasher (foldhash) instead of SipHash, and
/// segments numbered so that a product's cells are a vector indexed by segment: ids come from
/// the workspace and the input, and looking them up was a tenth of the time of scoring.
pub struct Lookup<'c> {
    ctx: &'c ScoringContext,
    /// Each customer's segment and its number.
    customers: foldhash::HashMap<&'c str, (&'c str, usize)>,
    /// The number of the empty segment (the key of rows by product), if any row has it.
    no_segment: Option<usize>,
    /// Each product the guidance or the workspace knows: its cells' size bands by segment
    /// number (none when only the workspace knows it).
    products: foldhash::HashMap<&'c str, Vec<Option<&'c [PublishedRow]>>>,
    /// Each customer's volume per product (with size bands): the context's, rehashed with
    /// foldhash rather than SipHash, two lookups a deal (2.7 s -> see README for 1M deals).
    volumes: foldhash::HashMap<&'c str, foldhash::HashMap<&'c str, f64>>,
}

impl<'c> Lookup<'c> {
    /// Indexes `ctx` (once per run).
    pub fn new(ctx: &'c ScoringContext) -> Lookup<'c> {
        let mut numbers: foldhash::HashMap<&str, usize> = foldhash::HashMap::default();
        let mut number = |segment: &'c str| {
            let next = numbers.len();
            *numbers.entry(segment).or_insert(next)
        };
        let customers = ctx
            .segments
            .iter()
            .map(|(c, s)| (c.as_str(), (s.as_str(), number(s.as_str()))))
            .collect();
        let mut products: foldhash::HashMap<&str, Vec<Option<&[PublishedRow]>>> = ctx
            .list_prices
            .keys()
            .map(|p| (p.as_str(), Vec::new()))
            .collect();
        for (product, segment, bands) in ctx.table.cells() {
            let i = number(segment);
            let cells = products.entry(product).or_default();
            if cells.len() <= i {
                cells.resize(i + 1, None);
            }
            cells[i] = Some(bands);
        }
        let volumes = ctx
            .volumes
            .iter()
            .map(|(c, by_product)| {
                let by_product = by_product.iter().map(|(p, v)| (p.as_str(), *v)).collect();
                (c.as_str(), by_product)
            })
            .collect();
        Lookup {
            ctx,
            customers,
            no_segment: numbers.get("").copied(),
            products,
            volumes,
        }
    }

    /// The customer's segment, the row a deal falls in and its score against it.
    pub fn score(
        &self,
        deal: &Deal,
    ) -> (
        Option<&'c str>,
        Option<&'c PublishedRow>,
        Result<Scored, Unscored>,
    ) {
        let ctx = self.ctx;
        let customer = self.customers.get(deal.customer_id).copied();
        let segment = customer.map(|(s, _)| s);
        let Some(cells) = self.products.get(deal.product_id) else {
            return (segment, None, Err(Unscored::UnknownProduct));
        };
        let needs_customer = !ctx.table.by_product || ctx.table.has_size_bands();
        if segment.is_none() && needs_customer {
            return (segment, None, Err(Unscored::UnknownCustomer));
        }
        let volume = match ctx.table.has_size_bands() {
            true => self
                .volumes
                .get(deal.customer_id)
                .and_then(|p| p.get(deal.product_id))
                .copied()
                .unwrap_or(0.0),
            false => 0.0,
        };
        let key = match ctx.table.by_product {
            true => self.no_segment,
            false => customer.map(|(_, i)| i),
        };
        let Some(row) = key
            .and_then(|i| cells.get(i).copied().flatten())
            .and_then(|bands| ScoringTable::band(bands, volume))
        else {
            return (segment, None, Err(Unscored::NoGuidance));
        };
        (segment, Some(row), score_against(row, ctx, deal))
    }
}

fn score_against(
    row: &PublishedRow,
    ctx: &ScoringContext,
    deal: &Deal,
) -> Result<Scored, Unscored> {
    if deal.no_rate.is_some() {
        return Err(Unscored::NoRate);
    }
    let (Some(pocket), Some(off)) = (row.pocket, row.off_invoice_pct) else {
        return Err(Unscored::NoCorridor);
    };
    if deal.quantity < 0.0 {
        return Err(Unscored::ReturnLine);
    }
    let list_price = deal
        .list_price
        .or(row.list_price)
        .or_else(|| ctx.list_prices.get(deal.product_id).copied())
        .filter(|l| *l > 0.0)
        .ok_or(Unscored::NoListPrice)?;
    let invoice_pct = deal.invoice_price / list_price * 100.0;
    let pocket_pct = match deal.pocket_price {
        Some(p) => p / list_price * 100.0,
        None => invoice_pct - off,
    };
    let margin = |target| margin_to(target, pocket_pct, list_price, deal.quantity);
    Ok(Scored {
        list_price,
        invoice_pct,
        pocket_pct,
        pocket,
        invoice_prices: pocket.shifted(off).prices(list_price),
        position: position(pocket, pocket_pct),
        score: score(pocket, pocket_pct),
        margin_to_floor: margin(pocket.floor),
        margin_to_target: margin(pocket.target),
    })
}

fn scored_row(lookup: &Lookup, line: u64, deal: &Deal) -> Vec<Cell> {
    let (segment, row, result) = lookup.score(deal);
    let p4 = |v: Option<f64>| super::num(v, 4);
    let s = result.as_ref().ok();
    let (status, message) = match &result {
        Ok(_) => ("ok".to_string(), String::new()),
        Err(u) => (u.status().to_string(), u.message(deal, segment)),
    };
    vec![
        Cell::Int(line as i64),
        Cell::Text(deal.id.to_string()),
        Cell::Text(deal.customer_id.to_string()),
        Cell::opt_text(segment),
        Cell::Text(deal.product_id.to_string()),
        row.map_or(Cell::Empty, |r| Cell::Int(r.size_band as i64)),
        Cell::Num {
            value: deal.quantity,
            decimals: 2,
        },
        p4(s.map(|s| s.list_price).or(deal.prices().0)),
        p4(deal.prices().1),
        p4(s.map(|s| s.invoice_pct)),
        p4(s.map(|s| s.pocket_pct)),
        p4(s.map(|s| s.pocket.floor)),
        p4(s.map(|s| s.pocket.target)),
        p4(s.map(|s| s.pocket.stretch)),
        p4(s.map(|s| s.invoice_prices.floor)),
        p4(s.map(|s| s.invoice_prices.target)),
        p4(s.map(|s| s.invoice_prices.stretch)),
        Cell::opt_text(s.map(|s| s.position.as_str())),
        super::num(s.map(|s| s.score), 1),
        super::num(s.map(|s| s.margin_to_floor), 2),
        super::num(s.map(|s| s.margin_to_target), 2),
        Cell::opt_text(row.map(|r| r.status.as_str())),
        Cell::Text(status),
        Cell::Text(message),
    ]
}

fn malformed_row(
    line: u64,
    record: &csv::ByteRecord,
    columns: &DealColumns,
    message: String,
) -> Vec<Cell> {
    let field = |i: Option<usize>| {
        let text = i.and_then(|i| record.get(i)).map(String::from_utf8_lossy);
        Cell::Text(text.map(|t| t.trim().to_string()).unwrap_or_default())
    };
    let mut row = vec![
        Cell::Int(line as i64),
        field(columns.id),
        field(Some(columns.customer)),
        Cell::Empty,
        field(Some(columns.product)),
    ];
    row.resize(COLUMNS.len() - 2, Cell::Empty);
    row.push(Cell::Text("malformed".to_string()));
    row.push(Cell::Text(message));
    row
}

/// The rows of a saved guidance CSV and the dates it was computed over. Any problem is an
/// error naming the file, line, column and value.
pub fn read_guidance(path: &Path) -> Result<(Vec<PublishedRow>, Scope)> {
    let name = path.display().to_string();
    let file = std::fs::File::open(path).with_context(|| format!("cannot read '{name}'"))?;
    let mut reader = csv::ReaderBuilder::new().from_reader(BufReader::new(file));
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{name}:1: cannot read the header"))?
        .iter()
        .map(|h| h.trim_start_matches('\u{feff}').trim().to_ascii_lowercase())
        .collect();
    let index: HashMap<&str, usize> = header
        .iter()
        .enumerate()
        .map(|(i, h)| (h.as_str(), i))
        .collect();
    for need in [
        "product_id",
        "size_band",
        "volume_from",
        "status",
        "pocket_floor_pct",
        "pocket_target_pct",
        "pocket_stretch_pct",
        "off_invoice_pct",
    ] {
        if !index.contains_key(need) {
            bail!(
                "{name}:1: missing column '{need}' (is this a `pricebench guidance --format csv` file?)"
            );
        }
    }
    let mut rows = Vec::new();
    let mut dates: Option<(String, String)> = None;
    for (i, record) in reader.records().enumerate() {
        let line = i + 2;
        let record = record.with_context(|| format!("{name}:{line}: cannot read the row"))?;
        let fields = Fields {
            record: &record,
            index: &index,
            name: &name,
            line,
        };
        let row = published_row(&fields)?;
        let get = |c: &str| fields.get(c);
        let these = (get("from").to_string(), get("to").to_string());
        match &dates {
            Some(d) if *d != these => bail!(
                "{name}:{line}: columns 'from', 'to': '{}', '{}' differ from the first row's",
                these.0,
                these.1
            ),
            _ => dates = Some(these),
        }
        rows.push(row);
    }
    let (from, to) = dates.unwrap_or_default();
    let date = |flag: &str, t: String| -> Result<Option<crate::date::Date>> {
        match t.is_empty() {
            true => Ok(None),
            false => Ok(Some(t.parse().with_context(|| {
                format!("{name}:2: column '{flag}': '{t}' is not a date")
            })?)),
        }
    };
    let scope = Scope {
        from: date("from", from)?,
        to: date("to", to)?,
        ..Scope::default()
    };
    Ok((rows, scope))
}

/// One row of a saved guidance CSV, its fields by column name.
struct Fields<'a> {
    record: &'a csv::StringRecord,
    index: &'a HashMap<&'a str, usize>,
    name: &'a str,
    line: usize,
}

impl Fields<'_> {
    fn get(&self, c: &str) -> &str {
        self.index
            .get(c)
            .and_then(|&i| self.record.get(i))
            .unwrap_or("")
            .trim()
    }

    fn num(&self, c: &str) -> Result<Option<f64>> {
        let t = self.get(c);
        if t.is_empty() {
            return Ok(None);
        }
        match t.parse::<f64>() {
            Ok(v) if v.is_finite() => Ok(Some(v)),
            _ => bail!(
                "{}:{}: column '{c}': '{t}' is not a number",
                self.name,
                self.line
            ),
        }
    }
}

fn published_row(f: &Fields) -> Result<PublishedRow> {
    let (name, line) = (f.name, f.line);
    let size_band = f.get("size_band");
    let size_band: usize = size_band
        .parse()
        .ok()
        .filter(|b| *b >= 1)
        .with_context(|| {
            format!(
                "{name}:{line}: column 'size_band': '{size_band}' is not a band number (1, 2, …)"
            )
        })?;
    let product_id = f.get("product_id");
    if product_id.is_empty() {
        bail!("{name}:{line}: column 'product_id': empty");
    }
    let pocket = match (
        f.num("pocket_floor_pct")?,
        f.num("pocket_target_pct")?,
        f.num("pocket_stretch_pct")?,
    ) {
        (Some(floor), Some(target), Some(stretch)) => {
            if !(floor <= target && target <= stretch) {
                bail!(
                    "{name}:{line}: columns 'pocket_floor_pct', 'pocket_target_pct', \
                     'pocket_stretch_pct': '{floor}', '{target}', '{stretch}' are not in order"
                );
            }
            Some(Corridor {
                floor,
                target,
                stretch,
            })
        }
        (None, None, None) => None,
        _ => bail!(
            "{name}:{line}: columns 'pocket_*_pct': floor, target and stretch must all be \
             given or all be empty"
        ),
    };
    let segment = f.get("segment_id");
    Ok(PublishedRow {
        segment_id: (!segment.is_empty()).then(|| segment.to_string()),
        product_id: product_id.to_string(),
        size_band,
        volume_from: f.num("volume_from")?.unwrap_or(0.0),
        list_price: f.num("list_price")?,
        pocket,
        off_invoice_pct: f.num("off_invoice_pct")?,
        status: f.get("status").to_string(),
    })
}
