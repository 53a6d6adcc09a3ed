//! Currencies at import: ISO 4217 codes, the workspace's reporting currency, the exchange
//! rates of fx.csv, and the conversion of a row's amounts into the reporting currency.
//!
//! The rules: a file without a `currency` column is in the reporting currency. The reporting
//! currency is set once: by `import --currency CODE`, else by the first import whose rows
//! name a currency — which must then name only that one. A row in another currency is
//! converted with the rate in force on its date: the latest rate of the pair dated on or
//! before it (a product, which has no date, takes the pair's latest rate); without a rate of
//! the pair `from → reporting`, the rate of `reporting → from` is used inverted (1 / rate).

use super::csvfile::{ColumnSpec, Header, Row};
use super::fxhash::FxHashMap;
use super::problem::{Problem, already_exists, appears_twice, quoted};
use super::{Ctx, take};
use crate::date::Date;
use rusqlite::{Connection, OptionalExtension};
use std::fmt;

/// An ISO 4217 currency code: three ASCII letters, kept in upper case.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Currency([u8; 3]);

impl Currency {
    /// Three ASCII letters in any case (`eur` is `EUR`); anything else is not a code.
    pub fn parse(s: &str) -> Option<Currency> {
        let b = s.as_bytes();
        (b.len() == 3 && b.iter().all(u8::is_ascii_alphabetic)).then(|| {
            Currency([
                b[0].to_ascii_uppercase(),
                b[1].to_ascii_uppercase(),
                b[2].to_ascii_uppercase(),
            ])
        })
    }

    pub fn as_str(&self) -> &str {
        std::str::from_utf8(&self.0).unwrap_or("???")
    }
}

impl fmt::Display for Currency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// `--currency CODE` as clap reads it.
pub fn parse_currency_arg(s: &str) -> Result<String, String> {
    Currency::parse(s).map(|c| c.to_string()).ok_or_else(|| {
        format!(
            "{} is not a currency code (expected three letters, ISO 4217, such as 'EUR')",
            quoted(s)
        )
    })
}

/// The key of the reporting currency in the `settings` table.
pub const REPORTING_KEY: &str = "reporting_currency";

/// The workspace's reporting currency, if it has one.
pub fn reporting_currency(conn: &Connection) -> rusqlite::Result<Option<String>> {
    conn.query_row(
        "SELECT value FROM settings WHERE key = ?1",
        [REPORTING_KEY],
        |r| r.get(0),
    )
    .optional()
}

/// Why no rate converts a currency on a date.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Miss {
    /// Neither the pair nor its inverse has a rate.
    NoPair,
    /// The date is before the first rate of the pair (or of its inverse): that first date.
    Before(Date),
}

/// Exchange rates by pair, each pair's rates in date order.
#[derive(Debug, Clone, Default)]
pub struct FxRates {
    pairs: FxHashMap<(Currency, Currency), Vec<(Date, f64)>>,
}

impl FxRates {
    /// The workspace's rates.
    pub fn load(conn: &Connection) -> rusqlite::Result<FxRates> {
        let mut rates = FxRates::default();
        let mut stmt = conn
            .prepare("SELECT from_currency, to_currency, date, rate FROM fx_rates ORDER BY date")?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, f64>(3)?,
            ))
        })?;
        for row in rows {
            let (from, to, date, rate) = row?;
            if let (Some(f), Some(t), Some(d)) = (
                Currency::parse(&from),
                Currency::parse(&to),
                Date::parse(&date),
            ) {
                rates.set(f, t, d, rate);
            }
        }
        Ok(rates)
    }

    /// Sets the rate of a pair from a date on (replacing one of the same date).
    pub fn set(&mut self, from: Currency, to: Currency, date: Date, rate: f64) {
        let list = self.pairs.entry((from, to)).or_default();
        match list.binary_search_by_key(&date, |r| r.0) {
            Ok(i) => list[i].1 = rate,
            Err(i) => list.insert(i, (date, rate)),
        }
    }

    /// How many `to` one `from` is worth on `date` (`None`: the latest rate).
    pub fn rate(&self, from: Currency, to: Currency, date: Option<Date>) -> Result<f64, Miss> {
        if from == to {
            return Ok(1.0);
        }
        if let Some(list) = self.pairs.get(&(from, to)) {
            return in_force(list, date);
        }
        match self.pairs.get(&(to, from)) {
            Some(list) => in_force(list, date).map(|r| 1.0 / r),
            None => Err(Miss::NoPair),
        }
    }
}

/// The workspace's reporting currency and rates, to convert amounts read outside an import
/// (a scored deal) by the import's rules and with its messages.
#[derive(Debug, Clone, Default)]
pub struct Converter {
    pub reporting: Option<Currency>,
    pub rates: FxRates,
}

impl Converter {
    /// The workspace's reporting currency and rates.
    pub fn load(conn: &Connection) -> rusqlite::Result<Converter> {
        Ok(Converter {
            reporting: reporting_currency(conn)?.and_then(|s| Currency::parse(&s)),
            rates: FxRates::load(conn)?,
        })
    }

    /// How many units of the reporting currency one `currency` is worth on `date` (`None`: the
    /// latest rate), or why no rate converts it (the import's message, naming the fx.csv line
    /// that would).
    pub fn factor(&self, currency: Currency, date: Option<Date>) -> Result<f64, String> {
        let Some(reporting) = self.reporting else {
            return Err(format!(
                "{} cannot be converted: the workspace has no reporting currency (set one with import --currency)",
                quoted(currency.as_str())
            ));
        };
        (self.rates.rate(currency, reporting, date))
            .map_err(|miss| no_rate(currency, reporting, date, miss))
    }
}

/// The rate dated latest on or before `date` (the last one without a date).
fn in_force(list: &[(Date, f64)], date: Option<Date>) -> Result<f64, Miss> {
    let Some(date) = date else {
        return list.last().map(|r| r.1).ok_or(Miss::NoPair);
    };
    let after = list.partition_point(|r| r.0 <= date);
    match after {
        0 => Err(list.first().map_or(Miss::NoPair, |r| Miss::Before(r.0))),
        k => Ok(list[k - 1].1),
    }
}

/// The import's currency state: the reporting currency, where it was chosen, the rates, and
/// how many rows each currency had.
#[derive(Debug, Default)]
pub struct Money {
    pub reporting: Option<Currency>,
    /// The workspace's reporting currency before the import.
    pub stored: Option<Currency>,
    /// Where this import's rows chose the reporting currency (neither the workspace nor
    /// `--currency` had one): every other currency of the import is then refused.
    pub chosen_at: Option<(String, u64)>,
    pub rates: FxRates,
    /// Rows per currency named in the files (for the dry run), in order of first sight.
    pub rows: Vec<(Currency, u64)>,
    /// The last conversion looked up: (currency, date, factor).
    last: Option<(Currency, Option<Date>, f64)>,
}

impl Money {
    /// The workspace's reporting currency and rates; `requested` is `--currency`.
    pub fn load(conn: &Connection, requested: Option<&str>) -> Result<Money, Problem> {
        let sql = |e: rusqlite::Error| Problem {
            file: "the workspace".into(),
            line: 0,
            column: None,
            message: format!("cannot read its currency settings: {e}"),
        };
        let stored = reporting_currency(conn)
            .map_err(sql)?
            .and_then(|s| Currency::parse(&s));
        let requested = requested.and_then(Currency::parse);
        if let (Some(s), Some(r)) = (stored, requested)
            && s != r
        {
            return Err(Problem {
                file: "--currency".into(),
                line: 0,
                column: None,
                message: format!(
                    "{} is not the workspace's reporting currency {} (it is set once, by the first import that names one); import in {} or convert the files with fx.csv rates to it",
                    quoted(r.as_str()),
                    quoted(s.as_str()),
                    quoted(s.as_str())
                ),
            });
        }
        Ok(Money {
            reporting: stored.or(requested),
            stored,
            rates: FxRates::load(conn).map_err(sql)?,
            ..Money::default()
        })
    }

    /// The factor that converts the row's amounts into the reporting currency: 1 without a
    /// currency column; else the rate of its currency on `date` (`None`: the latest rate).
    pub fn factor(
        &mut self,
        h: &Header,
        row: &Row,
        column: Option<usize>,
        date: Option<Date>,
    ) -> Result<f64, Problem> {
        let Some(col) = column else {
            return Ok(1.0);
        };
        let text = row.text(h, col)?;
        let currency = parse_field(h, row, col, text)?;
        self.count(currency);
        if let Some((c, d, f)) = self.last
            && c == currency
            && d == date
        {
            return Ok(f);
        }
        let Some(reporting) = self.reporting else {
            self.reporting = Some(currency);
            self.chosen_at = Some((h.file.clone(), row.line));
            return Ok(1.0);
        };
        if currency == reporting {
            return Ok(1.0);
        }
        if let Some((file, line)) = &self.chosen_at {
            let message = format!(
                "{} differs from {} ({file}:{line}), and the workspace has no reporting currency yet: choose one with --currency (e.g. --currency {reporting}) and give fx.csv rates for the others",
                quoted(currency.as_str()),
                quoted(reporting.as_str()),
            );
            return Err(row.problem(h, col, message));
        }
        let f = self
            .rates
            .rate(currency, reporting, date)
            .map_err(|miss| row.problem(h, col, no_rate(currency, reporting, date, miss)))?;
        self.last = Some((currency, date, f));
        Ok(f)
    }

    fn count(&mut self, currency: Currency) {
        match self.rows.iter_mut().find(|(c, _)| *c == currency) {
            Some((_, n)) => *n += 1,
            None => self.rows.push((currency, 1)),
        }
    }

    /// Stores a reporting currency this import set.
    pub fn persist(&self, conn: &Connection) -> rusqlite::Result<()> {
        match self.reporting {
            Some(c) if self.stored != Some(c) => conn
                .execute(
                    "INSERT OR REPLACE INTO settings (key, value) VALUES (?1, ?2)",
                    (REPORTING_KEY, c.as_str()),
                )
                .map(|_| ()),
            _ => Ok(()),
        }
    }
}

/// A currency field: a code, or the problem naming the value.
fn parse_field(h: &Header, row: &Row, col: usize, text: &str) -> Result<Currency, Problem> {
    if text.is_empty() {
        let message = "is empty (expected a three-letter ISO 4217 code such as 'EUR'; a file without a currency column is in the reporting currency)".to_string();
        return Err(row.problem(h, col, message));
    }
    Currency::parse(text).ok_or_else(|| {
        let message = format!(
            "{} is not a currency code (expected three letters, ISO 4217, such as 'EUR')",
            quoted(text)
        );
        row.problem(h, col, message)
    })
}

/// Why a row's currency cannot be converted, and the fx.csv line that would fix it.
fn no_rate(from: Currency, to: Currency, date: Option<Date>, miss: Miss) -> String {
    let on = date.map_or(String::new(), |d| format!(" on {d}"));
    let day = date.map_or_else(|| "YYYY-MM-DD".to_string(), |d| d.to_string());
    let fix = format!("add a line '{day},{from},{to},RATE' to fx.csv (1 {from} = RATE {to})");
    match miss {
        Miss::NoPair => format!(
            "'{from}'{on} has no exchange rate to the reporting currency '{to}' (no {from}→{to} or {to}→{from} rate in fx.csv or the workspace): {fix}"
        ),
        Miss::Before(first) => format!(
            "'{from}'{on} is before the first exchange rate between {from} and {to} ({first}): {fix}"
        ),
    }
}

/// The smallest and largest exchange rate accepted.
const MIN_RATE: f64 = 1e-9;
const MAX_RATE: f64 = 1e9;

pub(crate) const FX: ColumnSpec = ColumnSpec {
    required: &["date", "from", "to", "rate"],
    optional: &[],
    elements: false,
};

/// One exchange rate of fx.csv: 1 `from` = `rate` `to` from `date` on; one per pair and date.
pub(crate) fn fx(ctx: &mut Ctx, h: &Header, row: &Row) -> Result<(), Vec<Problem>> {
    let mut bad = Vec::new();
    let date = take(row.date(h, h.at(0)), &mut bad);
    let code = |k: usize, bad: &mut Vec<Problem>| {
        let text = take(row.text(h, h.at(k)), bad)?;
        take(parse_field(h, row, h.at(k), text), bad)
    };
    let from = code(1, &mut bad);
    let to = code(2, &mut bad);
    let rate = take(row.price(h, h.at(3)), &mut bad);
    match rate {
        Some(0.0) => {
            bad.push(row.problem(h, h.at(3), "is 0 (a rate must be above 0)".into()));
        }
        // Bounded both ways, so that no converted amount (at most 1e12 × 1e9, either way
        // round) and no sum of them can overflow.
        Some(r) if !(MIN_RATE..=MAX_RATE).contains(&r) => {
            let text = row.text(h, h.at(3)).unwrap_or_default();
            let message = format!(
                "{} is outside the rates pricebench accepts (1e-9 to 1e9)",
                quoted(text)
            );
            bad.push(row.problem(h, h.at(3), message));
        }
        _ => {}
    }
    if let (Some(f), Some(t)) = (from, to)
        && f == t
    {
        let message = format!(
            "is {} like 'from' (a rate converts between two currencies)",
            quoted(t.as_str())
        );
        bad.push(row.problem(h, h.at(2), message));
    }
    let (Some(date), Some(from), Some(to), Some(rate), true) =
        (date, from, to, rate, bad.is_empty())
    else {
        return Err(bad);
    };
    let what = format!("the {from}→{to} rate of {date}");
    let key = format!("{from}{to}{date}");
    if let Some((file, line)) = ctx.cat.seen.first("fx", &key, &h.file, row.line) {
        return Err(vec![row.problem(
            h,
            h.at(0),
            appears_twice(&what, file, line),
        )]);
    }
    let cannot = |e: rusqlite::Error| vec![row.line_problem(format!("cannot store the row: {e}"))];
    let date_text = date.to_string();
    let exists: bool = ctx
        .tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM fx_rates WHERE from_currency = ?1 AND to_currency = ?2 AND date = ?3)",
        )
        .and_then(|mut s| s.query_row((from.as_str(), to.as_str(), &date_text), |r| r.get(0)))
        .map_err(cannot)?;
    if exists && !ctx.replace {
        return Err(vec![row.problem(h, h.at(0), already_exists(&what))]);
    }
    ctx.tx
        .prepare_cached(
            "INSERT INTO fx_rates (date, from_currency, to_currency, rate) VALUES (?1, ?2, ?3, ?4) \
             ON CONFLICT (from_currency, to_currency, date) DO UPDATE SET rate = excluded.rate",
        )
        .and_then(|mut s| s.execute((&date_text, from.as_str(), to.as_str(), rate)))
        .map_err(cannot)?;
    ctx.money.rates.set(from, to, date, rate);
    Ok(())
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Date {
        Date::parse(s).unwrap()
    }

    #[test]
    fn a_code_is_three_letters_in_any_case() {
        assert_eq!(Currency::parse("eur").unwrap().as_str(), "EUR");
        for bad in ["EURO", "EU", "E1R", "", "€", "US$"] {
            assert_eq!(Currency::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_rate_in_force_is_the_latest_on_or_before_the_date() {
        let (usd, eur) = (
            Currency::parse("USD").unwrap(),
            Currency::parse("EUR").unwrap(),
        );
        let mut fx = FxRates::default();
        fx.set(usd, eur, d("2024-02-01"), 0.92);
        fx.set(usd, eur, d("2024-01-01"), 0.90);
        assert_eq!(fx.rate(usd, eur, Some(d("2024-01-31"))), Ok(0.90));
        assert_eq!(fx.rate(usd, eur, Some(d("2024-02-01"))), Ok(0.92));
        assert_eq!(fx.rate(usd, eur, None), Ok(0.92));
        assert_eq!(
            fx.rate(usd, eur, Some(d("2023-12-31"))),
            Err(Miss::Before(d("2024-01-01")))
        );
        // The inverse pair: 1 / rate.
        assert_eq!(fx.rate(eur, usd, Some(d("2024-01-15"))), Ok(1.0 / 0.90));
        let gbp = Currency::parse("GBP").unwrap();
        assert_eq!(fx.rate(gbp, eur, None), Err(Miss::NoPair));
        assert_eq!(fx.rate(eur, eur, None), Ok(1.0));
    }
}
