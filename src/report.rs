//! Table / CSV / JSON rendering shared by the headless commands, the number formats the TUI
//! shows (thousands separators, 2 decimals for money, 1 for percentages, never NaN or inf, never
//! a negative zero), and the escaping that keeps text from a file from driving the terminal.

use crate::cli::Format;
use anyhow::Result;
use std::borrow::Cow;
use std::io::Write;

/// From this magnitude on numbers print in scientific notation (`1.000e19` in a table, `1e19` in
/// CSV): a double no longer holds every cent there (its spacing at 1e15 is 0.125), and the fixed
/// form would pass 24 characters.
pub const SCIENTIFIC_FROM: f64 = 1e15;

/// One typed value of a report.
#[derive(Debug, Clone, PartialEq)]
pub enum Cell {
    /// Nothing to show (an empty CSV field, JSON `null`).
    Empty,
    Text(String),
    Int(i64),
    /// A real number printed with `decimals` places; a non-finite value prints as empty / `null`.
    Num {
        value: f64,
        decimals: usize,
    },
}

impl Cell {
    /// Money (or any amount) with two decimals.
    pub fn money(value: f64) -> Cell {
        Cell::Num { value, decimals: 2 }
    }

    /// A percentage with one decimal; `None` (cannot be computed) becomes empty.
    pub fn pct(value: Option<f64>) -> Cell {
        value.map_or(Cell::Empty, |value| Cell::Num { value, decimals: 1 })
    }

    /// Text, or empty when absent.
    pub fn opt_text(value: Option<&str>) -> Cell {
        value.map_or(Cell::Empty, |s| Cell::Text(s.to_string()))
    }

    fn is_numeric(&self) -> bool {
        matches!(self, Cell::Int(_) | Cell::Num { .. })
    }

    /// The plain machine form used in CSV: no thousands separators.
    fn plain(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Int(n) => n.to_string(),
            Cell::Num { value, decimals } => fmt_plain(*value, *decimals),
        }
    }

    /// The human form used in the aligned table: thousands separators, text escaped for the
    /// terminal.
    fn human(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Text(s) => escape_for_terminal(s).into_owned(),
            Cell::Int(n) => fmt_int(*n),
            Cell::Num { value, decimals } => fmt_num(*value, *decimals),
        }
    }

    /// The human form (thousands separators, never NaN or inf) with text as it is, for a
    /// medium that escapes text its own way (the HTML report).
    pub fn display(&self) -> String {
        match self {
            Cell::Text(s) => s.clone(),
            other => other.human(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Int(n) => serde_json::Value::from(*n),
            Cell::Num { value, decimals } => json_num(*value, *decimals),
        }
    }
}

/// `value` rounded to `decimals` places as a JSON number (`null` when not finite); from
/// [`SCIENTIFIC_FROM`] on it is left as it is, as rounding could only overflow it to infinity.
fn json_num(value: f64, decimals: usize) -> serde_json::Value {
    let scale = 10f64.powi(decimals as i32);
    let rounded = match value.abs() < SCIENTIFIC_FROM {
        true => (value * scale).round() / scale,
        false => value,
    };
    // -0.0 == 0.0, so this turns a negative zero into a positive one.
    let unsigned_zero = if rounded == 0.0 { 0.0 } else { rounded };
    serde_json::Number::from_f64(unsigned_zero)
        .map_or(serde_json::Value::Null, serde_json::Value::Number)
}

/// A result as named columns and rows of typed cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
    /// The first and last date the numbers cover, for a report that aggregates over dates:
    /// a `period: FIRST to LAST` line under the table, `period_from` / `period_to` in each JSON
    /// object; CSV keeps its columns (scripts read them by position too).
    pub period: Option<(String, String)>,
    /// The currency of the money columns ([`Report::with_currency`]): named in their table
    /// headers (`amount (EUR)`), and once per row in CSV and JSON as a last `currency` column.
    pub currency: Option<String>,
    /// The money columns' indexes.
    pub money: Vec<usize>,
}

impl Report {
    /// An empty report with these column names.
    pub fn new(columns: &[&str]) -> Report {
        Report {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
            period: None,
            currency: None,
            money: Vec::new(),
        }
    }

    /// The report naming `currency` (the workspace's reporting currency, if it has one) for
    /// the columns `money` (names not among the columns are ignored). Without a currency the
    /// report is as it was.
    pub fn with_currency(mut self, currency: Option<String>, money: &[&str]) -> Report {
        if currency.is_some() {
            self.money = (self.columns.iter().enumerate())
                .filter(|(_, c)| money.contains(&c.as_str()))
                .map(|(i, _)| i)
                .collect();
            self.currency = currency;
        }
        self
    }

    /// A column's name as a table shows it: a money column with its currency.
    fn header_name(&self, i: usize) -> String {
        let name = escape_for_terminal(&self.columns[i]).into_owned();
        match (&self.currency, self.money.contains(&i)) {
            (Some(c), true) => format!("{name} ({})", escape_for_terminal(c)),
            _ => name,
        }
    }

    /// The report stating the period it covers (see [`Report::period`]); a report over no
    /// dates says `period: none`.
    pub fn with_period(mut self, period: Option<(String, String)>) -> Report {
        self.period = Some(period.unwrap_or_else(|| ("none".into(), "none".into())));
        self
    }

    /// The period line of a table (`period: 2024-01-01 to 2024-12-31`).
    pub fn period_line(&self) -> Option<String> {
        self.period.as_ref().map(|(a, b)| match a == "none" {
            true => "period: none (nothing dated in the range)".to_string(),
            false => format!("period: {a} to {b}"),
        })
    }

    /// Appends one row (its length should match the columns).
    pub fn push(&mut self, row: Vec<Cell>) {
        self.rows.push(row);
    }

    /// Writes the report in `format`: an aligned table, RFC 4180 CSV, or a JSON array of objects.
    pub fn write(&self, format: Format, out: &mut impl Write) -> Result<()> {
        match format {
            Format::Table => self.write_table(out),
            Format::Csv => self.write_csv(out),
            Format::Json => self.write_json(out),
        }
    }

    fn write_table(&self, out: &mut impl Write) -> Result<()> {
        let cells: Vec<Vec<String>> = self
            .rows
            .iter()
            .map(|r| r.iter().map(Cell::human).collect())
            .collect();
        let names: Vec<String> = (0..self.columns.len())
            .map(|i| self.header_name(i))
            .collect();
        let mut widths: Vec<usize> = names.iter().map(|c| c.chars().count()).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let header: Vec<String> = names
            .iter()
            .zip(&widths)
            .map(|(c, w)| format!("{c:<w$}"))
            .collect();
        writeln!(out, "{}", header.join("  ").trim_end())?;
        for (row, typed) in cells.iter().zip(&self.rows) {
            let line: Vec<String> = row
                .iter()
                .zip(typed)
                .zip(&widths)
                .map(|((c, t), w)| match t.is_numeric() {
                    true => format!("{c:>w$}"),
                    false => format!("{c:<w$}"),
                })
                .collect();
            writeln!(out, "{}", line.join("  ").trim_end())?;
        }
        if let Some(line) = self.period_line() {
            writeln!(out, "{line}")?;
        }
        Ok(())
    }

    fn write_csv(&self, out: &mut impl Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        let currency = self.currency.as_deref();
        let extra = currency.map(|_| "currency".to_string());
        w.write_record(self.columns.iter().cloned().chain(extra))?;
        for row in &self.rows {
            let code = currency.map(str::to_string);
            w.write_record(row.iter().map(Cell::plain).chain(code))?;
        }
        w.flush()?;
        Ok(())
    }

    fn write_json(&self, out: &mut impl Write) -> Result<()> {
        let objects: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                let mut map: serde_json::Map<String, serde_json::Value> = self
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.clone(), v.json()))
                    .collect();
                if let Some(c) = &self.currency {
                    map.insert("currency".into(), serde_json::Value::String(c.clone()));
                }
                if let Some((a, b)) = &self.period {
                    let date = |d: &String| match d.as_str() {
                        "none" => serde_json::Value::Null,
                        _ => serde_json::Value::String(d.clone()),
                    };
                    map.insert("period_from".into(), date(a));
                    map.insert("period_to".into(), date(b));
                }
                serde_json::Value::Object(map)
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &objects)?;
        writeln!(out)?;
        Ok(())
    }
}

/// A CSV written row by row as it is computed (a filter's output: memory stays flat and a
/// reader downstream sees rows at once), in the same plain forms as [`Report`]'s CSV.
pub struct CsvRows<W: Write> {
    writer: csv::Writer<W>,
}

impl<W: Write> CsvRows<W> {
    /// Starts the CSV with its header.
    pub fn new(out: W, columns: &[&str]) -> Result<CsvRows<W>> {
        let mut writer = csv::WriterBuilder::new()
            .buffer_capacity(1 << 16)
            .from_writer(out);
        writer.write_record(columns)?;
        Ok(CsvRows { writer })
    }

    /// Writes one row.
    pub fn push(&mut self, row: &[Cell]) -> Result<()> {
        for cell in row {
            match cell {
                Cell::Text(s) => self.writer.write_field(s)?,
                other => self.writer.write_field(other.plain())?,
            }
        }
        self.writer.write_record(None::<&[u8]>)?;
        Ok(())
    }

    /// Flushes what is buffered.
    pub fn finish(mut self) -> Result<()> {
        self.writer.flush()?;
        Ok(())
    }
}

/// An integer with thousands separators: `40000` → `40,000`.
pub fn fmt_int(n: i64) -> String {
    group_thousands(&n.to_string())
}

/// A number with thousands separators and `decimals` places, in scientific notation with four
/// significant digits from [`SCIENTIFIC_FROM`] on; non-finite prints as `–`, zero without a sign.
pub fn fmt_num(value: f64, decimals: usize) -> String {
    match value.abs() {
        a if !a.is_finite() => "–".to_string(),
        a if a >= SCIENTIFIC_FROM => format!("{value:.3e}"),
        _ => group_thousands(&fixed(value, decimals)),
    }
}

/// The machine form of a number (CSV, export): `decimals` places without separators, and from
/// [`SCIENTIFIC_FROM`] on the shortest text that reads back as the same double (`1e19`); empty
/// when not finite, zero without a sign.
pub fn fmt_plain(value: f64, decimals: usize) -> String {
    match value.abs() {
        a if !a.is_finite() => String::new(),
        a if a >= SCIENTIFIC_FROM => format!("{value:e}"),
        _ => fixed(value, decimals),
    }
}

/// Appends [`fmt_plain`]`(value, decimals)` to `out` without allocating when it can (the fast
/// path of [`fixed_fast`], digits written straight into the buffer); the same bytes always.
pub fn push_plain(out: &mut Vec<u8>, value: f64, decimals: usize) {
    // Exactly `10f64.powi(decimals)` (powers of ten up to 1e8 are exact), without the call.
    const POW10: [f64; 9] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8];
    if let Some(&scale) = POW10.get(decimals) {
        let scaled = value.abs() * scale;
        if scaled < 1e9 {
            // trunc and round without the libm calls: below 1e9 the cast is exact, the
            // fraction too, and a fraction near one half takes the exact path below.
            let int = scaled as u64;
            let fraction = scaled - int as f64;
            if (fraction - 0.5).abs() >= 1e-6 {
                let n = int + u64::from(fraction > 0.5);
                // At least `decimals + 1` digits, as `fixed_fast`'s zero-padded integer, built
                // from the right with the point in place.
                let mut text = [0u8; 24];
                let (mut at, mut m, mut written) = (text.len(), n, 0);
                while m > 0 || written <= decimals {
                    if written == decimals && decimals > 0 {
                        at -= 1;
                        text[at] = b'.';
                    }
                    at -= 1;
                    text[at] = b'0' + (m % 10) as u8;
                    m /= 10;
                    written += 1;
                }
                if value < 0.0 && n != 0 {
                    at -= 1;
                    text[at] = b'-';
                }
                out.extend_from_slice(&text[at..]);
                return;
            }
        }
    }
    out.extend_from_slice(fmt_plain(value, decimals).as_bytes());
}

/// Appends an integer's plain form (`Cell::Int`'s) to `out` without allocating.
pub fn push_int(out: &mut Vec<u8>, n: u64) {
    let mut digits = [0u8; 20];
    let (mut len, mut m) = (0, n);
    loop {
        digits[len] = b'0' + (m % 10) as u8;
        m /= 10;
        len += 1;
        if m == 0 {
            break;
        }
    }
    out.extend(digits[..len].iter().rev());
}

/// A formatted number with an explicit `+` when it is above zero (`+1.5`, `-1.5`, `0.0`).
pub fn with_plus(number: String) -> String {
    match number.starts_with('-') || !has_nonzero_digit(&number) {
        true => number,
        false => format!("+{number}"),
    }
}

/// `value` with `decimals` places; a value that rounds to zero prints without a sign.
fn fixed(value: f64, decimals: usize) -> String {
    if let Some(text) = fixed_fast(value, decimals) {
        return text;
    }
    let digits = format!("{:.decimals$}", value.abs());
    match value < 0.0 && has_nonzero_digit(&digits) {
        true => format!("-{digits}"),
        false => digits,
    }
}

/// [`fixed`] without the standard formatter's exact (and for some values bignum) rounding:
/// |value| × 10^decimals below 1e9 is within 1.2e-7 of the exact product, so rounding it to an
/// integer gives the same digits unless its fraction is that close to one half — those, and
/// larger numbers, return `None` and take the exact path.
fn fixed_fast(value: f64, decimals: usize) -> Option<String> {
    if decimals > 8 {
        return None;
    }
    let scaled = value.abs() * 10f64.powi(decimals as i32);
    if scaled.is_nan() || scaled >= 1e9 || ((scaled - scaled.trunc()) - 0.5).abs() < 1e-6 {
        return None;
    }
    let digits = format!("{:0width$}", scaled.round() as u64, width = decimals + 1);
    let (int, frac) = digits.split_at(digits.len() - decimals);
    let sign = if value < 0.0 && has_nonzero_digit(&digits) {
        "-"
    } else {
        ""
    };
    Some(match decimals {
        0 => format!("{sign}{int}"),
        _ => format!("{sign}{int}.{frac}"),
    })
}

fn has_nonzero_digit(text: &str) -> bool {
    text.bytes().any(|b| matches!(b, b'1'..=b'9'))
}

/// Commas between groups of three digits in the integer part of a plain number (`-1234.5` →
/// `-1,234.5`).
fn group_thousands(plain: &str) -> String {
    let (sign, unsigned) = plain.strip_prefix('-').map_or(("", plain), |u| ("-", u));
    let (int, frac) = unsigned.split_at(unsigned.find('.').unwrap_or(unsigned.len()));
    let mut out = String::with_capacity(plain.len() + int.len() / 3);
    out.push_str(sign);
    for (i, ch) in int.chars().enumerate() {
        if i > 0 && (int.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(ch);
    }
    out.push_str(frac);
    out
}

/// Money: thousands separators and 2 decimals.
pub fn fmt_money(value: f64) -> String {
    fmt_num(value, 2)
}

/// A percentage with 1 decimal and a `%` sign; `None` (cannot be computed) prints as `–`.
pub fn fmt_pct(value: Option<f64>) -> String {
    match value {
        Some(v) if v.is_finite() => format!("{}%", fmt_num(v, 1)),
        _ => "–".to_string(),
    }
}

/// `text` safe to print on a terminal: control characters (C0, DEL, C1) and the bidi
/// overrides and isolates become visible escapes (`\u{1b}`, `\t`, `\n`, `\r`), so text from a file
/// cannot move the cursor, set the window title or reorder what is shown.
pub fn escape_for_terminal(text: &str) -> Cow<'_, str> {
    if !text.chars().any(is_unsafe_on_terminal) {
        return Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for ch in text.chars() {
        match ch {
            '\t' => out.push_str("\\t"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c if is_unsafe_on_terminal(c) => out.push_str(&format!("\\u{{{:x}}}", u32::from(c))),
            c => out.push(c),
        }
    }
    Cow::Owned(out)
}

/// Like [`escape_for_terminal`] but line breaks stay line breaks, for messages of several lines.
pub fn escape_lines_for_terminal(text: &str) -> String {
    text.split('\n')
        .map(escape_for_terminal)
        .collect::<Vec<_>>()
        .join("\n")
}

/// True for what a terminal would obey rather than show: control characters (C0, DEL, C1) and
/// the bidi overrides and isolates.
pub fn is_unsafe_on_terminal(ch: char) -> bool {
    ch.is_control() || matches!(ch, '\u{202a}'..='\u{202e}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_numbers_with_separators_and_never_nan() {
        assert_eq!(fmt_int(40_000), "40,000");
        assert_eq!(fmt_int(-1_234_567), "-1,234,567");
        assert_eq!(fmt_int(999), "999");
        assert_eq!(fmt_money(1_234_567.891), "1,234,567.89");
        assert_eq!(fmt_money(-0.001), "0.00");
        assert_eq!(fmt_money(-1500.5), "-1,500.50");
        assert_eq!(fmt_money(f64::NAN), "–");
        assert_eq!(fmt_pct(Some(87.26)), "87.3%");
        assert_eq!(fmt_pct(Some(f64::INFINITY)), "–");
        assert_eq!(fmt_pct(None), "–");
    }

    #[test]
    fn table_numbers_are_right_at_every_magnitude() {
        assert_eq!(fmt_money(1e19), "1.000e19");
        assert_eq!(fmt_money(-1e19), "-1.000e19");
        assert_eq!(fmt_money(9.3e18), "9.300e18");
        assert_eq!(fmt_money(1e300), "1.000e300");
        assert_eq!(fmt_money(f64::MAX), "1.798e308");
        assert_eq!(fmt_money(999_999_999_999_999.0), "999,999,999,999,999.00");
        assert_eq!(fmt_money(1e15), "1.000e15");
        assert_eq!(fmt_num(-123_456_789_012.345, 1), "-123,456,789,012.3");
        assert_eq!(fmt_num(5e-324, 2), "0.00");
        assert_eq!(fmt_num(f64::NEG_INFINITY, 2), "–");
        assert_eq!(fmt_int(i64::MIN), "-9,223,372,036,854,775,808");
    }

    #[test]
    fn fast_fixed_formatting_gives_the_exact_formatters_digits() {
        let mut x: f64 = 0.000_123_456_789;
        let mut checked = 0;
        while x < 1e10 {
            for v in [
                x,
                -x,
                x * 1.000_000_7,
                x + 0.005,
                x + 0.125,
                (x * 100.0).round() / 100.0,
            ] {
                for d in [0, 1, 2, 4] {
                    let exact = format!("{:.d$}", v.abs());
                    let exact = match v < 0.0 && has_nonzero_digit(&exact) {
                        true => format!("-{exact}"),
                        false => exact,
                    };
                    if let Some(fast) = fixed_fast(v, d) {
                        assert_eq!(fast, exact, "{v} with {d} decimals");
                        checked += 1;
                    }
                }
            }
            x *= 1.37;
        }
        assert!(checked > 500, "{checked}");
        assert_eq!(fixed_fast(0.125, 2), None);
        assert_eq!(fixed(0.125, 2), "0.12");
        assert_eq!(fixed(-0.004, 2), "0.00");
        assert_eq!(fixed(99.57741, 4), "99.5774");
    }

    #[test]
    fn zero_prints_without_a_sign_in_every_form() {
        for zero in [-0.0, -0.004, -4e-7, -5e-324] {
            assert_eq!(fmt_money(zero), "0.00", "{zero:e}");
            assert_eq!(fmt_plain(zero, 2), "0.00", "{zero:e}");
            assert_eq!(json_num(zero, 2).to_string(), "0.0", "{zero:e}");
            assert_eq!(fmt_pct(Some(zero)), "0.0%", "{zero:e}");
            assert_eq!(with_plus(fmt_num(zero, 1)), "0.0", "{zero:e}");
        }
        assert_eq!(fmt_num(-0.0, 0), "0");
        assert_eq!(fmt_plain(-0.006, 2), "-0.01");
        assert_eq!(with_plus(fmt_num(1.25, 1)), "+1.2");
        assert_eq!(with_plus(fmt_num(-1.25, 1)), "-1.2");
    }

    #[test]
    fn csv_numbers_read_back_as_the_same_value_at_every_magnitude() {
        assert_eq!(fmt_plain(1e19, 2), "1e19");
        assert_eq!(fmt_plain(-1e19, 4), "-1e19");
        assert_eq!(fmt_plain(9.3e18, 2), "9.3e18");
        assert_eq!(fmt_plain(1e300, 2), "1e300");
        assert_eq!(fmt_plain(f64::MAX, 2), "1.7976931348623157e308");
        assert_eq!(fmt_plain(123_456.785, 2), "123456.79");
        assert_eq!(fmt_plain(5e-324, 2), "0.00");
        assert_eq!(fmt_plain(f64::NAN, 2), "");
        assert_eq!(fmt_plain(f64::INFINITY, 2), "");
        assert_eq!("1.7976931348623157e308".parse::<f64>().ok(), Some(f64::MAX));
    }

    #[test]
    fn json_keeps_huge_numbers_and_nulls_only_non_finite() {
        assert_eq!(json_num(1e19, 2).to_string(), "1e+19");
        assert_eq!(json_num(-1e300, 2).to_string(), "-1e+300");
        assert_eq!(json_num(f64::MAX, 4).as_f64(), Some(f64::MAX));
        assert_eq!(json_num(9.3e18, 2).as_f64(), Some(9.3e18));
        assert_eq!(json_num(12.345, 1).to_string(), "12.3");
        assert!(json_num(f64::NAN, 2).is_null());
        assert!(json_num(f64::NEG_INFINITY, 2).is_null());
    }

    #[test]
    fn escape_for_terminal_makes_controls_visible_and_keeps_other_text() {
        assert_eq!(
            escape_for_terminal("C\u{1b}]0;pwned\u{7}\u{1b}[2J"),
            "C\\u{1b}]0;pwned\\u{7}\\u{1b}[2J"
        );
        assert_eq!(
            escape_for_terminal("a\tb\r\nc\u{7f}"),
            "a\\tb\\r\\nc\\u{7f}"
        );
        assert_eq!(escape_for_terminal("\u{9b}31m"), "\\u{9b}31m");
        assert_eq!(escape_for_terminal("abc\u{202e}fed"), "abc\\u{202e}fed");
        assert_eq!(escape_for_terminal("Zürich – 東京 ✓"), "Zürich – 東京 ✓");
        assert_eq!(
            escape_lines_for_terminal("one \u{1b}[2J\ntwo\r"),
            "one \\u{1b}[2J\ntwo\\r"
        );
    }

    #[test]
    fn table_escapes_text_while_csv_and_json_keep_it() {
        let id = "S\u{1b}]0;pwned\u{7}";
        let mut r = Report::new(&["segment_id", "value"]);
        r.push(vec![Cell::Text(id.into()), Cell::money(1e19)]);
        let mut table = Vec::new();
        r.write(Format::Table, &mut table).unwrap_or_default();
        let table = String::from_utf8(table).unwrap_or_default();
        assert_eq!(
            table,
            "segment_id            value\nS\\u{1b}]0;pwned\\u{7}  1.000e19\n"
        );
        let mut csv = Vec::new();
        r.write(Format::Csv, &mut csv).unwrap_or_default();
        assert_eq!(csv, format!("segment_id,value\n{id},1e19\n").into_bytes());
    }

    fn sample() -> Report {
        let mut r = Report::new(&["metric", "value"]);
        r.push(vec![Cell::Text("a, \"quoted\"".into()), Cell::Int(1200)]);
        r.push(vec![Cell::Text("nan".into()), Cell::money(f64::NAN)]);
        r.push(vec![Cell::Text("pct".into()), Cell::pct(Some(12.345))]);
        r
    }

    fn render(format: Format) -> String {
        let mut out = Vec::new();
        sample().write(format, &mut out).unwrap_or_default();
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn csv_quotes_fields_and_blanks_non_finite() {
        assert_eq!(
            render(Format::Csv),
            "metric,value\n\"a, \"\"quoted\"\"\",1200\nnan,\npct,12.3\n"
        );
    }

    #[test]
    fn json_is_an_array_of_objects_with_null_for_non_finite() {
        let v: serde_json::Value = serde_json::from_str(&render(Format::Json)).unwrap_or_default();
        assert_eq!(v[0]["value"], 1200);
        assert!(v[1]["value"].is_null());
        assert_eq!(v[2]["value"], 12.3);
    }

    #[test]
    fn table_right_aligns_numbers() {
        let text = render(Format::Table);
        assert!(text.contains("1,200"), "{text}");
        assert!(text.lines().all(|l| !l.contains("NaN")));
    }

    #[test]
    #[allow(clippy::unwrap_used)]
    fn push_plain_writes_exactly_what_fmt_plain_does() {
        let mut values = vec![
            0.0,
            -0.0,
            0.5,
            -0.5,
            0.00004,
            -0.00004,
            0.00005,
            1.25,
            -2.5,
            99.99995,
            12345.6789,
            -98765.43215,
            1e9,
            1e15,
            -3.5e17,
            f64::NAN,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let mut state: u64 = 7;
        for _ in 0..20_000 {
            state = state
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mantissa = (state >> 11) as f64 / (1u64 << 53) as f64 - 0.5;
            values.push(mantissa * 10f64.powi((state % 14) as i32 - 3));
        }
        for v in values {
            for decimals in 0..=9 {
                let mut out = Vec::new();
                push_plain(&mut out, v, decimals);
                assert_eq!(
                    String::from_utf8(out).unwrap(),
                    fmt_plain(v, decimals),
                    "{v} {decimals}"
                );
            }
        }
        for n in [0, 7, 10, 1234567, u64::MAX] {
            let mut out = Vec::new();
            push_int(&mut out, n);
            assert_eq!(String::from_utf8(out).unwrap(), n.to_string());
        }
    }
}
