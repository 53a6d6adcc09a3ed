//! The import mapping file (`pricebench import --map MAP.toml`): per input file, matched by
//! name or glob, what it holds, which column each field comes from, constants, the columns to
//! ignore, and the formats of its delimiter, dates and numbers. Parsed strictly like a
//! scenario file: unknown keys, unknown fields and impossible formats are errors with the
//! mapping file's line and column.

use super::FileKind;
use crate::scenario::file::line_col;
use chrono::format::{Item, Parsed, StrftimeItems};
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::ops::Range;
use toml::Spanned;

/// A mapping file as written (spans kept for messages).
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct MappingToml {
    #[serde(default)]
    file: Vec<Spanned<FileToml>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileToml {
    #[serde(rename = "match")]
    pattern: Spanned<String>,
    kind: Spanned<String>,
    delimiter: Option<Spanned<String>>,
    sheet: Option<Spanned<String>>,
    date_format: Option<Spanned<String>>,
    decimal: Option<Spanned<String>>,
    thousands: Option<Spanned<String>>,
    currency: Option<Spanned<String>>,
    #[serde(default)]
    skip_rows: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    columns: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    constants: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// A problem in the mapping file itself: `MAP.toml:LINE:COLUMN: message`.
/// (Line 0: the file as a whole, `MAP.toml: message`.)
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}{}: {message}", if *line > 0 { format!(":{line}:{column}") } else { String::new() })]
pub struct MappingError {
    pub file: String,
    pub line: usize,
    pub column: usize,
    pub message: String,
}

/// A parsed and checked mapping file.
#[derive(Debug, Clone)]
pub struct Mapping {
    /// The mapping file as named on the command line.
    pub origin: String,
    text: String,
    pub files: Vec<FileMapping>,
}

/// How one kind of input file is read.
#[derive(Debug, Clone)]
pub struct FileMapping {
    /// A file name, or a glob (`*` any run of characters, `?` one), matched against the input's
    /// file name without its directory, ignoring case.
    pub pattern: String,
    pub kind: FileKind,
    /// `kind = "sales"`: a flat sales file, read as transactions, whose segments, customers
    /// and products are derived from its lines (see `flat`).
    pub flat: bool,
    pub delimiter: u8,
    /// The worksheet of an `.xlsx` file (default: the first).
    pub sheet: Option<Spanned<String>>,
    pub date: DateFormat,
    pub number: NumberFormat,
    /// Rows holding one of these words (see [`FileMapping::skips`]) are not data.
    pub skip_rows: Vec<String>,
    pub ignore: Vec<Spanned<String>>,
    /// (field, header name) pairs.
    pub columns: Vec<(String, Spanned<String>)>,
    /// (field, value) pairs.
    pub constants: Vec<(String, String)>,
    /// Where the entry is, for messages about it as a whole.
    pub span: Range<usize>,
}

/// How numbers are written: decimal separator, thousands separator, a currency to strip.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NumberFormat {
    pub decimal: u8,
    pub thousands: Option<u8>,
    pub currency: Option<String>,
}

impl Default for NumberFormat {
    fn default() -> Self {
        NumberFormat {
            decimal: b'.',
            thousands: None,
            currency: None,
        }
    }
}

/// A date format in chrono's strftime syntax, compiled once.
///
/// Dates go through `chrono`'s format parser (with the items pre-compiled, not re-read per
/// field): a user-written format needs the whole strftime language (`%d.%m.%Y`, `%b`, `%y`, a
/// time part) and its checks, which `crate::date` deliberately does not have — that module
/// only reads the canonical `YYYY-MM-DD` at the speed of the disk, and does so here too when
/// the format is the canonical one.
#[derive(Debug, Clone)]
pub struct DateFormat {
    pub text: String,
    items: Vec<Item<'static>>,
    /// The format as plain digit fields and literal bytes, when it is only that.
    quick: Option<Vec<Quick>>,
}

/// A piece of a plain numeric date format (`%m/%d/%Y %H:%M:%S`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Quick {
    Year,
    Month,
    Day,
    /// Hour, minute or second: 1–2 digits below the bound.
    Time(u32),
    Literal(u8),
}

/// The quick form of `text`, if it has nothing but `%Y %m %d %H %M %S` and ASCII
/// punctuation or spaces between them.
fn quick_form(text: &str) -> Option<Vec<Quick>> {
    let mut out = Vec::new();
    let mut bytes = text.bytes();
    while let Some(b) = bytes.next() {
        out.push(match b {
            b'%' => match bytes.next()? {
                b'Y' => Quick::Year,
                b'm' => Quick::Month,
                b'd' => Quick::Day,
                b'H' => Quick::Time(24),
                b'M' => Quick::Time(60),
                b'S' => Quick::Time(61),
                _ => return None,
            },
            b if b.is_ascii_punctuation() || b == b' ' => Quick::Literal(b),
            _ => return None,
        });
    }
    Some(out)
}

/// Reads `s` in a quick form: a year of exactly four digits, other fields of one or two.
/// Accepts only what chrono's parser accepts (a subset: anything else goes to chrono).
fn quick_parse(form: &[Quick], s: &[u8]) -> Option<(i32, u32, u32)> {
    let (mut at, mut ymd) = (0, (0i32, 0u32, 0u32));
    let digits = |at: &mut usize, max: usize| -> Option<u32> {
        let start = *at;
        while *at < s.len() && *at - start < max && s[*at].is_ascii_digit() {
            *at += 1;
        }
        let text = s.get(start..*at).filter(|t| !t.is_empty())?;
        Some(text.iter().fold(0, |v, &d| v * 10 + u32::from(d - b'0')))
    };
    for q in form {
        match *q {
            Quick::Year => {
                let start = at;
                ymd.0 = digits(&mut at, 4)? as i32;
                if at - start != 4 {
                    return None;
                }
            }
            Quick::Month => ymd.1 = digits(&mut at, 2)?,
            Quick::Day => ymd.2 = digits(&mut at, 2)?,
            Quick::Time(bound) => {
                if digits(&mut at, 2)? >= bound {
                    return None;
                }
            }
            Quick::Literal(b) => {
                if s.get(at) != Some(&b) {
                    return None;
                }
                at += 1;
            }
        }
    }
    (at == s.len()).then_some(ymd)
}

/// The canonical date format.
pub const ISO_DATE: &str = "%Y-%m-%d";

impl DateFormat {
    /// Compiles `text`; `None` unless it reads and writes back a whole date (year, month and
    /// day; a time part is allowed and ignored).
    pub fn new(text: &str) -> Option<DateFormat> {
        let items = StrftimeItems::new(text).parse_to_owned().ok()?;
        if items.iter().any(|i| matches!(i, Item::Error)) {
            return None;
        }
        let format = DateFormat {
            text: text.to_string(),
            items,
            quick: quick_form(text),
        };
        let probe = NaiveDate::from_ymd_opt(2025, 11, 30)?.and_hms_opt(13, 45, 30)?;
        let mut written = String::new();
        write!(written, "{}", probe.format_with_items(format.items.iter())).ok()?;
        let back = format.parse(&written)?;
        (back == (2025, 11, 30)).then_some(format)
    }

    /// `date` written in this format (an Excel date cell, to be read back by [`Self::parse`]).
    pub fn write(&self, date: chrono::NaiveDateTime) -> String {
        date.format_with_items(self.items.iter()).to_string()
    }

    pub fn is_iso(&self) -> bool {
        self.text == ISO_DATE
    }

    /// Year, month and day of `s`, if it is a valid date in this format.
    pub fn parse(&self, s: &str) -> Option<(i32, u32, u32)> {
        // The common numeric formats are read here, a few times faster than chrono's general
        // parser; what this does not read (or reads as an impossible date) goes to chrono,
        // whose answer stands.
        if let Some(form) = &self.quick
            && let Some((y, m, d)) = quick_parse(form, s.as_bytes())
            && crate::date::Date::from_ymd(y, m, d).is_some()
        {
            return Some((y, m, d));
        }
        let mut parsed = Parsed::new();
        chrono::format::parse(&mut parsed, s, self.items.iter()).ok()?;
        let d = parsed.to_naive_date().ok()?;
        Some((d.year(), d.month(), d.day()))
    }
}

impl Mapping {
    /// Parses and checks a mapping file; `origin` names it in errors.
    pub fn parse(text: &str, origin: &str) -> Result<Mapping, MappingError> {
        let mapping = Mapping {
            origin: origin.to_string(),
            text: text.to_string(),
            files: Vec::new(),
        };
        let raw: MappingToml = toml::from_str(text).map_err(|e| {
            let message = e.message().trim().replace('`', "'");
            mapping.error(e.span().unwrap_or(0..0), message)
        })?;
        if raw.file.is_empty() {
            return Err(mapping.error(0..0, NO_ENTRIES.into()));
        }
        let files = raw
            .file
            .into_iter()
            .map(|f| mapping.entry(f))
            .collect::<Result<_, _>>()?;
        Ok(Mapping { files, ..mapping })
    }

    /// Reads and parses a mapping file.
    pub fn load(path: &std::path::Path) -> Result<Mapping, MappingError> {
        let origin = path.display().to_string();
        let text = std::fs::read_to_string(path).map_err(|e| MappingError {
            file: origin.clone(),
            line: 0,
            column: 0,
            message: format!("cannot read the mapping file: {e}"),
        })?;
        Mapping::parse(&text, &origin)
    }

    /// The message for a place in the mapping file.
    pub fn error(&self, span: Range<usize>, message: String) -> MappingError {
        let (line, column) = line_col(&self.text, span.start);
        MappingError {
            file: self.origin.clone(),
            line,
            column,
            message,
        }
    }

    /// The first entry whose pattern matches `file_name`.
    pub fn find(&self, file_name: &str) -> Option<&FileMapping> {
        self.files
            .iter()
            .find(|f| glob_match(&f.pattern, file_name))
    }

    fn entry(&self, f: Spanned<FileToml>) -> Result<FileMapping, MappingError> {
        let span = f.span();
        let f = f.into_inner();
        let err = |s: &Spanned<String>, m: String| self.error(s.span(), m);
        let flat = f.kind.get_ref() == "sales";
        let kind = FileKind::ALL
            .into_iter()
            .find(|k| k.name() == f.kind.get_ref())
            .or(flat.then_some(FileKind::Transactions))
            .ok_or_else(|| err(&f.kind, format!("unknown kind {}; {KINDS}", show(&f.kind))))?;
        let delimiter = match f.delimiter.as_ref().map(|d| d.get_ref().as_str()) {
            None | Some(",") => b',',
            Some(";") => b';',
            Some("\t") | Some("tab") => b'\t',
            Some("|") => b'|',
            Some(_) => {
                let d = f.delimiter.as_ref().map_or(&f.kind, |d| d);
                return Err(err(d, format!("delimiter {} {DELIMITERS}", show(d))));
            }
        };
        let date = match &f.date_format {
            None => DateFormat::new(ISO_DATE),
            Some(d) => DateFormat::new(d.get_ref()),
        }
        .ok_or_else(|| {
            let d = f.date_format.as_ref().map_or(&f.kind, |d| d);
            err(d, format!("date_format {} {DATE_FORMAT}", show(d)))
        })?;
        let number = self.number_format(&f)?;
        let mut skip_rows = Vec::new();
        for w in &f.skip_rows {
            if w.get_ref().trim().is_empty() {
                return Err(err(w, "skip_rows has an empty word".into()));
            }
            skip_rows.push(w.get_ref().trim().to_lowercase());
        }
        let (columns, constants) = self.fields(kind, flat, &f)?;
        Ok(FileMapping {
            pattern: f.pattern.into_inner(),
            kind,
            flat,
            delimiter,
            sheet: f.sheet.clone(),
            date,
            number,
            skip_rows,
            ignore: f.ignore,
            columns,
            constants,
            span,
        })
    }

    fn number_format(&self, f: &FileToml) -> Result<NumberFormat, MappingError> {
        let err = |s: &Spanned<String>, m: String| self.error(s.span(), m);
        let decimal = match f.decimal.as_ref() {
            None => b'.',
            Some(d) if d.get_ref() == "." => b'.',
            Some(d) if d.get_ref() == "," => b',',
            Some(d) => return Err(err(d, format!("decimal {} {DECIMAL}", show(d)))),
        };
        let thousands = match f.thousands.as_ref() {
            None => None,
            Some(t) => match t.get_ref().as_str() {
                "" => None,
                "," => Some(b','),
                "." => Some(b'.'),
                " " => Some(b' '),
                "'" => Some(b'\''),
                _ => return Err(err(t, format!("thousands {} {THOUSANDS}", show(t)))),
            },
        };
        if let (Some(t), Some(span)) = (thousands, f.thousands.as_ref())
            && t == decimal
        {
            let message = format!(
                "thousands {} is also the decimal separator; set `decimal` to the other one",
                show(span)
            );
            return Err(err(span, message));
        }
        let currency = match f.currency.as_ref() {
            None => None,
            Some(c) => {
                let text = c.get_ref().trim();
                if text.is_empty() || text.chars().any(|ch| ch.is_ascii_digit() || ch == '-') {
                    let message = format!("currency {} {CURRENCY}", show(c));
                    return Err(err(c, message));
                }
                Some(text.to_string())
            }
        };
        Ok(NumberFormat {
            decimal,
            thousands,
            currency,
        })
    }

    /// The mapped columns and constants, each field checked against the kind.
    #[allow(clippy::type_complexity)]
    fn fields(
        &self,
        kind: FileKind,
        flat: bool,
        f: &FileToml,
    ) -> Result<(Vec<(String, Spanned<String>)>, Vec<(String, String)>), MappingError> {
        let mut columns = Vec::new();
        for (field, column) in &f.columns {
            self.check_field(kind, flat, field)?;
            if column.get_ref().trim().is_empty() {
                return Err(self.error(column.span(), "the column name is empty".into()));
            }
            columns.push((field.get_ref().clone(), column.clone()));
        }
        let mut constants = Vec::new();
        for (field, value) in &f.constants {
            self.check_field(kind, flat, field)?;
            if f.columns.contains_key(field) {
                let message = format!("{} is both a column and a constant; keep one", show(field));
                return Err(self.error(field.span(), message));
            }
            constants.push((field.get_ref().clone(), value.get_ref().clone()));
        }
        Ok((columns, constants))
    }

    fn check_field(
        &self,
        kind: FileKind,
        flat: bool,
        field: &Spanned<String>,
    ) -> Result<(), MappingError> {
        let name = field.get_ref();
        let fields = entry_fields(kind, flat);
        let element = kind == FileKind::Transactions && super::mapped::is_element_name(name);
        if fields.contains(&name.as_str()) || element {
            return Ok(());
        }
        let hint = near_miss(name, fields.iter().copied())
            .map(|m| format!("; did you mean `{m}`?"))
            .unwrap_or_default();
        let also = if kind == FileKind::Transactions {
            ", on_<element>, off_<element>"
        } else {
            ""
        };
        let message = format!(
            "unknown field {} for {} (expected {}{also}){hint}",
            show(field),
            kind_name(kind, flat),
            fields.join(", ")
        );
        Err(self.error(field.span(), message))
    }
}

/// The fields a flat sales file has besides a transaction's: who the customer is and which
/// segment, and what the product is.
pub const FLAT_FIELDS: [&str; 7] = [
    "segment_id",
    "segment_name",
    "customer_name",
    "region",
    "channel",
    "product_name",
    "family",
];

/// The fields of an entry: its kind's, and for a flat file also [`FLAT_FIELDS`].
pub fn entry_fields(kind: FileKind, flat: bool) -> Vec<&'static str> {
    let mut fields = kind.fields();
    if flat {
        fields.extend(FLAT_FIELDS);
    }
    fields
}

/// The kind as the mapping names it.
pub fn kind_name(kind: FileKind, flat: bool) -> &'static str {
    if flat { "sales" } else { kind.name() }
}

impl FileMapping {
    pub fn fields(&self) -> Vec<&'static str> {
        entry_fields(self.kind, self.flat)
    }

    pub fn kind_name(&self) -> &'static str {
        kind_name(self.kind, self.flat)
    }

    /// The fields every file of this entry must give (a column or a constant).
    pub fn required(&self) -> Vec<&'static str> {
        let mut required = self.kind.required().to_vec();
        if self.flat {
            required.extend(["unit_cost", "segment_id"]);
        }
        required
    }
}

const NO_ENTRIES: &str = "the mapping has no [[file]] entry; start one with [[file]], match = \"NAME.csv\" and kind = \"transactions\"";
const KINDS: &str = "expected segments, customers, products, transactions, quotes, survey, competitors, fx (exchange rates) or sales (a flat file of invoice lines with customer and product columns)";
const DELIMITERS: &str =
    "is not a delimiter pricebench reads (expected \",\", \";\", \"|\" or \"\\t\")";
const DATE_FORMAT: &str = "is not a date format that gives a whole date (use strftime codes: %Y year, %m month, %d day, e.g. \"%m/%d/%Y\", \"%d.%m.%Y\" or \"%Y-%m-%d %H:%M:%S\")";
const DECIMAL: &str = "is not a decimal separator (expected \".\" or \",\")";
const THOUSANDS: &str =
    "is not a thousands separator (expected \",\", \".\", \" \", \"'\" or \"\" for none)";
const CURRENCY: &str = "is not a currency symbol or code (e.g. \"$\", \"€\", \"EUR\")";

/// A value from the mapping file in single quotes.
fn show(s: &Spanned<String>) -> String {
    super::problem::quoted(s.get_ref())
}

/// The candidate closest to `name` when it is a likely typo (case, spaces and `_` aside).
pub fn near_miss<'a>(name: &str, candidates: impl Iterator<Item = &'a str>) -> Option<&'a str> {
    let key = normalize(name);
    candidates
        .map(|c| (strsim::jaro_winkler(&key, &normalize(c)), c))
        .filter(|&(score, _)| score >= 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

/// Lower case, letters and digits only: `Customer ID` and `customer_id` become `customerid`.
pub fn normalize(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

/// `*` matches any run of characters, `?` one; the rest literally, ignoring case.
pub fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.to_lowercase().chars().collect();
    let s: Vec<char> = name.to_lowercase().chars().collect();
    let (mut pi, mut si, mut star, mut mark) = (0, 0, None, 0);
    while si < s.len() {
        if pi < p.len() && (p[pi] == '?' || p[pi] == s[si]) {
            pi += 1;
            si += 1;
        } else if pi < p.len() && p[pi] == '*' {
            star = Some(pi);
            mark = si;
            pi += 1;
        } else if let Some(st) = star {
            pi = st + 1;
            mark += 1;
            si = mark;
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == '*')
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn error(text: &str) -> String {
        match Mapping::parse(text, "map.toml") {
            Ok(_) => "ok".into(),
            Err(e) => e.to_string(),
        }
    }

    #[test]
    fn globs_match_names_ignoring_case() {
        assert!(glob_match("sales_*.csv", "Sales_2025.CSV"));
        assert!(glob_match("*.csv", "a.csv"));
        assert!(glob_match("s?les.csv", "sales.csv"));
        assert!(!glob_match("sales_*.csv", "sales.csv"));
        assert!(!glob_match("a.csv", "a.csv.bak"));
    }

    #[test]
    fn date_formats_must_give_a_whole_date() {
        for ok in [
            "%m/%d/%Y",
            "%d.%m.%Y",
            "%Y-%m-%d %H:%M:%S",
            "%d-%b-%y",
            "%Y%m%d",
        ] {
            assert!(DateFormat::new(ok).is_some(), "{ok}");
        }
        for bad in ["%m/%d", "%Y-%m", "%Q", "%H:%M", "", "%Y-%m-%d %"] {
            assert!(DateFormat::new(bad).is_none(), "{bad}");
        }
        let f = DateFormat::new("%Y-%m-%d %H:%M:%S").unwrap();
        assert_eq!(f.parse("2025-11-30 00:00:00"), Some((2025, 11, 30)));
        assert_eq!(f.parse("2025-11-30"), None);
        assert_eq!(f.parse("2025-11-30 25:00:00"), None);
        let us = DateFormat::new("%m/%d/%Y").unwrap();
        assert_eq!(us.parse("11/30/2025"), Some((2025, 11, 30)));
        assert_eq!(us.parse("02/30/2025"), None);
    }

    #[test]
    fn the_quick_reader_agrees_with_chrono() {
        let formats = [
            "%m/%d/%Y",
            "%d.%m.%Y",
            "%Y-%m-%d %H:%M:%S",
            "%d.%m.%Y %H:%M",
            "%Y%m%d",
        ];
        let values = [
            "11/30/2025",
            "1/5/2025",
            "01/05/2025",
            "02/29/2024",
            "02/29/2025",
            "13/01/2025",
            "11/30/25",
            "11/30/20255",
            "30.11.2025",
            "1.1.2025",
            "31.04.2025",
            "2025-11-30 00:00:00",
            "2025-11-30 23:59:59",
            "2025-11-30 24:00:00",
            "2025-11-30 12:60:00",
            "2025-11-30 12:00:60",
            "2025-11-30 1:2:3",
            "2025-11-30",
            "30.11.2025 14:05",
            "20251130",
            "2025113",
            " 11/30/2025",
            "11/30/2025 ",
            "",
            "+2025-11-30 00:00:00",
            "11/30/-2025",
        ];
        for f in formats {
            let format = DateFormat::new(f).unwrap();
            assert!(format.quick.is_some(), "{f}");
            let chrono_only = DateFormat {
                quick: None,
                ..format.clone()
            };
            for v in values {
                assert_eq!(format.parse(v), chrono_only.parse(v), "{f} {v:?}");
            }
        }
        // Anything else is chrono's alone.
        assert!(DateFormat::new("%d-%b-%y").unwrap().quick.is_none());
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        let us = DateFormat::new("%m/%d/%Y %H:%M:%S").unwrap();
        let chrono_only = DateFormat {
            quick: None,
            ..us.clone()
        };
        for _ in 0..20_000 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let v = format!(
                "{}/{}/{} {}:{:02}:{:02}",
                x % 14,
                (x >> 8) % 33,
                1890 + (x >> 16) % 320,
                (x >> 24) % 26,
                (x >> 32) % 62,
                (x >> 40) % 62
            );
            assert_eq!(us.parse(&v), chrono_only.parse(&v), "{v}");
        }
    }

    #[test]
    fn unknown_keys_fields_and_formats_name_line_and_column() {
        let head = "[[file]]\nmatch = \"s.csv\"\nkind = \"transactions\"\n";
        assert_eq!(
            error(&format!("{head}colour = 1\n")),
            "map.toml:4:1: unknown field 'colour', expected one of 'match', 'kind', 'delimiter', 'sheet', 'date_format', 'decimal', 'thousands', 'currency', 'skip_rows', 'ignore', 'columns', 'constants'"
        );
        assert_eq!(
            error(&format!(
                "{head}[file.columns]\ncustmer_id = \"Customer\"\n"
            )),
            "map.toml:5:1: unknown field 'custmer_id' for transactions (expected txn_id, date, customer_id, product_id, quantity, list_price, unit_cost, currency, on_<element>, off_<element>); did you mean `customer_id`?"
        );
        assert_eq!(
            error(&format!("{head}date_format = \"%m/%d\"\n")),
            "map.toml:4:15: date_format '%m/%d' is not a date format that gives a whole date (use strftime codes: %Y year, %m month, %d day, e.g. \"%m/%d/%Y\", \"%d.%m.%Y\" or \"%Y-%m-%d %H:%M:%S\")"
        );
        assert_eq!(
            error(&format!("{head}delimiter = \"::\"\n")),
            "map.toml:4:13: delimiter '::' is not a delimiter pricebench reads (expected \",\", \";\", \"|\" or \"\\t\")"
        );
        assert_eq!(
            error(&format!("{head}decimal = \",\"\nthousands = \",\"\n")),
            "map.toml:5:13: thousands ',' is also the decimal separator; set `decimal` to the other one"
        );
        assert_eq!(
            error(&format!("{head}currency = \"12\"\n")),
            "map.toml:4:12: currency '12' is not a currency symbol or code (e.g. \"$\", \"€\", \"EUR\")"
        );
        assert_eq!(
            error("[[file]]\nmatch = \"s.csv\"\nkind = \"invoices\"\n"),
            "map.toml:3:8: unknown kind 'invoices'; expected segments, customers, products, transactions, quotes, survey, competitors, fx (exchange rates) or sales (a flat file of invoice lines with customer and product columns)"
        );
        assert_eq!(
            error("# nothing\n"),
            "map.toml:1:1: the mapping has no [[file]] entry; start one with [[file]], match = \"NAME.csv\" and kind = \"transactions\""
        );
        assert_eq!(
            error(&format!("{head}decimal = \";\"\n")),
            "map.toml:4:11: decimal ';' is not a decimal separator (expected \".\" or \",\")"
        );
        assert_eq!(
            error(&format!("{head}thousands = \"_\"\n")),
            "map.toml:4:13: thousands '_' is not a thousands separator (expected \",\", \".\", \" \", \"'\" or \"\" for none)"
        );
        assert_eq!(
            error(&format!("{head}skip_rows = [\"total\", \" \"]\n")),
            "map.toml:4:23: skip_rows has an empty word"
        );
        assert_eq!(
            error(&format!("{head}[file.columns]\ndate = \"\"\n")),
            "map.toml:5:8: the column name is empty"
        );
        assert_eq!(
            Mapping::load(std::path::Path::new("/nonexistent/map.toml"))
                .map(|_| ())
                .map_err(|e| e.to_string()),
            Err("/nonexistent/map.toml: cannot read the mapping file: No such file or directory (os error 2)".into())
        );
        assert_eq!(
            error(&format!(
                "{head}[file.columns]\ncustomer_id = \"C\"\n[file.constants]\ncustomer_id = \"C1\"\n"
            )),
            "map.toml:7:1: 'customer_id' is both a column and a constant; keep one"
        );
    }
}
