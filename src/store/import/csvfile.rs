//! Reading one CSV export: header resolution against a file kind's columns, typed field access
//! with file / line / column in every error.

use super::problem::Problem;
use crate::date::Date;
use csv::ByteRecord;
use std::collections::VecDeque;
use std::io::Read;

/// The columns a kind of file has: required, optional, and whether `on_*` / `off_*` are allowed.
pub struct ColumnSpec {
    pub required: &'static [&'static str],
    pub optional: &'static [&'static str],
    pub elements: bool,
}

/// A waterfall element column found in a header: `on_*` (on-invoice) or `off_*` (off-invoice).
#[derive(Debug, Clone)]
pub struct ElementColumn {
    pub name: String,
    pub on_invoice: bool,
    pub index: usize,
}

/// A header resolved against a [`ColumnSpec`]: field index of each spec column, in spec order
/// (required first, then optional), plus the element columns in file order.
pub struct Header {
    pub file: String,
    pub names: Vec<String>,
    pub positions: Vec<Option<usize>>,
    pub elements: Vec<ElementColumn>,
}

impl Header {
    /// Field index of the `i`-th spec column (required columns always have one).
    pub fn at(&self, i: usize) -> usize {
        self.positions[i].unwrap_or(usize::MAX)
    }
}

/// A streaming CSV reader for one input file.
pub struct CsvFile<R: Read> {
    pub file: String,
    reader: csv::Reader<Tail<R>>,
    record: ByteRecord,
}

/// Passes the input through, remembering where its line breaks are (from the last record
/// on), so a record's first line can be found from where it ended.
pub struct Tail<R> {
    inner: R,
    bytes: u64,
    /// Offsets of `\n` and `\r` bytes not yet pruned, and which of the two each is.
    breaks: VecDeque<(u64, bool)>,
    /// `\n` bytes before the first entry of `breaks`.
    pruned_newlines: u64,
}

impl<R: Read> Read for Tail<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        let n = self.inner.read(buf)?;
        for i in memchr::memchr2_iter(b'\n', b'\r', &buf[..n]) {
            self.breaks
                .push_back((self.bytes + i as u64, buf[i] == b'\n'));
        }
        self.bytes += n as u64;
        Ok(n)
    }
}

impl<R> Tail<R> {
    /// Line breaks before `offset` are no longer asked about.
    fn prune(&mut self, offset: u64) {
        while let Some(&(at, newline)) = self.breaks.front() {
            if at >= offset {
                break;
            }
            self.pruned_newlines += u64::from(newline);
            self.breaks.pop_front();
        }
    }

    // The entries before a record's end are few (its terminator, blank lines before it and
    // breaks inside quotes), while those after it fill the reader's look-ahead; so these scan
    // from the front rather than search the whole deque.
    fn break_at(&self, offset: u64) -> Option<bool> {
        self.breaks
            .iter()
            .take_while(|&&(at, _)| at <= offset)
            .find(|&&(at, _)| at == offset)
            .map(|&(_, newline)| newline)
    }

    /// The 1-based line holding the byte at `offset`.
    fn line_of(&self, offset: u64) -> u64 {
        let before = self.breaks.iter().take_while(|&&(at, _)| at < offset);
        1 + self.pruned_newlines + before.filter(|&&(_, newline)| newline).count() as u64
    }
}

impl<R: Read> CsvFile<R> {
    pub fn new(file: &str, input: R) -> CsvFile<R> {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .buffer_capacity(1 << 20)
            .from_reader(Tail {
                inner: input,
                bytes: 0,
                breaks: VecDeque::new(),
                pruned_newlines: 0,
            });
        CsvFile {
            file: file.to_string(),
            reader,
            record: ByteRecord::new(),
        }
    }

    fn whole_file(&self, line: u64, message: impl Into<String>) -> Problem {
        Problem {
            file: self.file.clone(),
            line,
            column: None,
            message: message.into(),
        }
    }

    /// Reads the header row and resolves it; every header problem is returned.
    pub fn header(&mut self, spec: &ColumnSpec) -> Result<Header, Vec<Problem>> {
        match self.reader.read_byte_record(&mut self.record) {
            Ok(true) => {}
            Ok(false) => {
                return Err(vec![
                    self.whole_file(0, "the file is empty (expected a header row)"),
                ]);
            }
            Err(e) => return Err(vec![self.csv_error(&e)]),
        }
        let mut names = Vec::with_capacity(self.record.len());
        let mut problems = Vec::new();
        for (i, raw) in self.record.iter().enumerate() {
            let raw = if i == 0 {
                raw.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(raw)
            } else {
                raw
            };
            match std::str::from_utf8(raw) {
                Ok(s) => names.push(s.trim().to_lowercase()),
                Err(_) => {
                    problems.push(self.whole_file(
                        1,
                        format!(
                            "header field {} is not valid UTF-8 (save the file as UTF-8)",
                            i + 1
                        ),
                    ));
                    names.push(String::new());
                }
            }
        }
        let header = resolve(&names, spec, &self.file, &mut problems);
        if problems.is_empty() {
            Ok(header)
        } else {
            Err(problems)
        }
    }

    /// Reads the next data row; `Ok(None)` at the end of the file.
    pub fn next_row(&mut self) -> Result<Option<Row<'_>>, Problem> {
        loop {
            match self.reader.read_byte_record(&mut self.record) {
                Ok(false) => return Ok(None),
                Ok(true) => {}
                Err(e) => return Err(self.csv_error(&e)),
            }
            // A line holding only separators or spaces (a trailing "blank" line) carries no data.
            if self
                .record
                .iter()
                .all(|f| f.iter().all(|b| b.is_ascii_whitespace()))
            {
                continue;
            }
            let line = self.start_line();
            return Ok(Some(Row {
                file: &self.file,
                line,
                record: &self.record,
                // One check of the whole record; fields are then slices of it.
                utf8: std::str::from_utf8(self.record.as_slice()).ok(),
            }));
        }
    }

    /// The line the record just read starts on. The csv reader reports where it started
    /// looking, which is before any blank lines it skipped; so count back from where the record
    /// ended instead: past its terminator (`\n`, `\r\n`, or a `\r` whose `\n` is still unread)
    /// to its last byte, then up by the line breaks inside its quoted fields.
    fn start_line(&mut self) -> u64 {
        let end = self.reader.position().byte();
        let tail = self.reader.get_mut();
        let mut last = end.saturating_sub(1);
        match tail.break_at(last) {
            Some(true) => {
                last = last.saturating_sub(1);
                if tail.break_at(last) == Some(false) {
                    last = last.saturating_sub(1);
                }
            }
            Some(false) => last = last.saturating_sub(1),
            None => {}
        }
        let inside = self
            .record
            .as_slice()
            .iter()
            .filter(|&&b| b == b'\n')
            .count() as u64;
        let line = tail.line_of(last).saturating_sub(inside);
        tail.prune(end);
        line
    }

    /// Bytes read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.reader.position().byte()
    }

    fn csv_error(&self, e: &csv::Error) -> Problem {
        let line = e.position().map_or(0, |p| p.line());
        let message = match e.kind() {
            csv::ErrorKind::Io(io) => format!("cannot read the file: {io}"),
            _ => format!("malformed CSV: {e}"),
        };
        self.whole_file(line, message)
    }
}

fn resolve(names: &[String], spec: &ColumnSpec, file: &str, problems: &mut Vec<Problem>) -> Header {
    let problem = |column: Option<&str>, message: String| Problem {
        file: file.to_string(),
        line: 1,
        column: column.map(str::to_string),
        message,
    };
    let all: Vec<&str> = spec.required.iter().chain(spec.optional).copied().collect();
    let mut positions = vec![None; all.len()];
    let mut elements = Vec::new();
    for (i, name) in names.iter().enumerate() {
        if names[..i].contains(name) && !name.is_empty() {
            problems.push(problem(Some(name), "appears twice in the header".into()));
        } else if let Some(k) = all.iter().position(|c| c == name) {
            positions[k] = Some(i);
        } else if spec.elements && (name.starts_with("on_") || name.starts_with("off_")) {
            match element_column(name, i) {
                Some(el) => elements.push(el),
                None => problems.push(problem(
                    Some(name),
                    "is not a valid element name (use letters, digits and _ after on_ / off_)"
                        .into(),
                )),
            }
        } else if !name.is_empty() || names.len() > 1 {
            let hint = if spec.elements {
                " (discount columns start with on_ or off_)"
            } else {
                ""
            };
            problems.push(problem(
                Some(name),
                format!("unknown column{hint}; expected {}", all.join(", ")),
            ));
        }
    }
    for (k, col) in spec.required.iter().enumerate() {
        if positions[k].is_none() {
            problems.push(problem(None, format!("missing required column '{col}'")));
        }
    }
    Header {
        file: file.to_string(),
        names: names.to_vec(),
        positions,
        elements,
    }
}

fn element_column(name: &str, index: usize) -> Option<ElementColumn> {
    let (on_invoice, rest) = match name.strip_prefix("on_") {
        Some(rest) => (true, rest),
        None => (false, name.strip_prefix("off_")?),
    };
    let valid = !rest.is_empty()
        && rest
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_');
    valid.then(|| ElementColumn {
        name: name.to_string(),
        on_invoice,
        index,
    })
}

/// The largest quantity, price or amount accepted. Products and sums of such numbers over
/// billions of lines stay far from overflow, so no revenue or aggregate can become infinite.
pub const MAX_MAGNITUDE: f64 = 1e12;

/// One data row, with typed accessors whose errors name file, line and column.
pub struct Row<'a> {
    file: &'a str,
    pub line: u64,
    record: &'a ByteRecord,
    /// The record's fields end to end, when they are all valid UTF-8.
    utf8: Option<&'a str>,
}

impl Row<'_> {
    /// Number of fields on this line.
    pub fn len(&self) -> usize {
        self.record.len()
    }

    pub fn problem(&self, header: &Header, index: usize, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            line: self.line,
            column: header.names.get(index).cloned(),
            message,
        }
    }

    /// A problem with the whole line rather than one field.
    pub fn line_problem(&self, message: String) -> Problem {
        Problem {
            file: self.file.to_string(),
            line: self.line,
            column: None,
            message,
        }
    }

    /// The field as trimmed UTF-8 text.
    pub fn text(&self, header: &Header, index: usize) -> Result<&str, Problem> {
        if let (Some(all), Some(range)) = (self.utf8, self.record.range(index))
            && let Some(field) = all.get(range)
        {
            return Ok(trim(field));
        }
        let raw = self.record.get(index).unwrap_or_default();
        std::str::from_utf8(raw).map(trim).map_err(|_| {
            self.problem(
                header,
                index,
                "is not valid UTF-8 (save the file as UTF-8)".into(),
            )
        })
    }

    /// Optional text: `None` for a missing column or an empty field.
    pub fn optional_text(
        &self,
        header: &Header,
        index: Option<usize>,
    ) -> Result<Option<&str>, Problem> {
        match index {
            None => Ok(None),
            Some(i) => self.text(header, i).map(|s| (!s.is_empty()).then_some(s)),
        }
    }

    /// A non-empty identifier.
    pub fn id(&self, header: &Header, index: usize) -> Result<&str, Problem> {
        let s = self.text(header, index)?;
        if s.is_empty() {
            return Err(self.problem(header, index, "is empty (an id is required)".into()));
        }
        Ok(s)
    }

    /// A finite number (NaN and infinities are rejected).
    pub fn number(&self, header: &Header, index: usize) -> Result<f64, Problem> {
        let s = self.text(header, index)?;
        if let Some(v) = plain_decimal(s.as_bytes()) {
            return Ok(v);
        }
        match s.parse::<f64>() {
            Ok(v) if v.abs() <= MAX_MAGNITUDE => Ok(v),
            Ok(v) if v.is_finite() => Err(self.problem(
                header,
                index,
                format!("'{s}' is out of range (at most 1e12 in absolute value)"),
            )),
            Ok(_) => Err(self.problem(header, index, format!("'{s}' is not a finite number"))),
            Err(_) if s.is_empty() => {
                Err(self.problem(header, index, "is empty (a number is required)".into()))
            }
            Err(_) => Err(self.problem(header, index, format!("'{s}' is not a number"))),
        }
    }

    /// A finite number that may be left empty (taken as 0), for element amounts.
    pub fn amount(&self, header: &Header, index: usize) -> Result<f64, Problem> {
        if self
            .record
            .get(index)
            .is_none_or(|f| f.iter().all(u8::is_ascii_whitespace))
        {
            return Ok(0.0);
        }
        self.number(header, index)
    }

    /// A price or cost: a finite number ≥ 0.
    pub fn price(&self, header: &Header, index: usize) -> Result<f64, Problem> {
        let v = self.number(header, index)?;
        if v < 0.0 {
            let s = self.text(header, index)?;
            return Err(self.problem(
                header,
                index,
                format!("'{s}' is negative (prices and costs must be 0 or more)"),
            ));
        }
        Ok(v)
    }

    /// A date in `YYYY-MM-DD`.
    pub fn date(&self, header: &Header, index: usize) -> Result<Date, Problem> {
        let s = self.text(header, index)?;
        Date::parse(s).ok_or_else(|| {
            self.problem(
                header,
                index,
                format!("'{s}' is not a date (expected YYYY-MM-DD)"),
            )
        })
    }

    /// A quote outcome: 1/0, true/false or won/lost (any case).
    pub fn won(&self, header: &Header, index: usize) -> Result<bool, Problem> {
        let s = self.text(header, index)?;
        match s.to_ascii_lowercase().as_str() {
            "1" | "true" | "won" => Ok(true),
            "0" | "false" | "lost" => Ok(false),
            _ => Err(self.problem(
                header,
                index,
                format!("'{s}' is not a quote outcome (expected 1/0, true/false or won/lost)"),
            )),
        }
    }
}

/// `str::trim`, with a fast answer for the usual field: one that starts and ends with a
/// printable ASCII byte has nothing to trim (whitespace is either ASCII or starts with a
/// byte ≥ 0x80).
fn trim(field: &str) -> &str {
    match (field.as_bytes().first(), field.as_bytes().last()) {
        (Some(&a), Some(&b)) if a.is_ascii_graphic() && b.is_ascii_graphic() => field,
        _ => field.trim(),
    }
}

/// Exact powers of ten up to 10^15 (each one a double exactly).
const POW10: [f64; 16] = [
    1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
];

/// A plain decimal (`-12.345`: optional sign, digits, optional point and digits) of at most
/// 15 digits in all, as the nearest double: the digits form an integer below 2^53 and the
/// power of ten is exact, so one correctly rounded division gives the same double as
/// `str::parse` (Clinger's fast path), at a fraction of its cost. Anything else, `None`.
fn plain_decimal(s: &[u8]) -> Option<f64> {
    let (negative, digits) = match s.first()? {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if digits.is_empty() || digits.len() > 16 {
        return None;
    }
    let (mut mantissa, mut count, mut fraction, mut point) = (0u64, 0, 0, false);
    for &b in digits {
        match b {
            b'0'..=b'9' => {
                mantissa = mantissa * 10 + u64::from(b - b'0');
                count += 1;
                fraction += usize::from(point);
            }
            b'.' if !point => point = true,
            _ => return None,
        }
    }
    if count == 0 || count > 15 {
        return None;
    }
    let v = mantissa as f64 / POW10[fraction];
    let v = if negative { -v } else { v };
    (v.abs() <= MAX_MAGNITUDE).then_some(v)
}

#[cfg(test)]
mod tests {
    use super::plain_decimal;

    #[test]
    fn trim_is_str_trim() {
        let fields = [
            "",
            " ",
            "a",
            " a",
            "a ",
            "\ta\r",
            "T0001",
            "Zürich",
            " Zürich\u{a0}",
            "\u{2003}x",
            "x\u{3000}",
            "é",
            "a b",
            "\u{85}",
            "\u{feff}a",
        ];
        for f in fields {
            assert_eq!(super::trim(f), f.trim(), "{f:?}");
        }
    }

    #[test]
    fn plain_decimals_parse_to_the_same_double_as_std() {
        let cases = [
            "0",
            "0.00",
            "5.41",
            "-5.41",
            "+7",
            "135.22",
            "0.1",
            "0.3",
            "2.675",
            "1.005",
            "999999999999.999",
            "123456789012345",
            ".5",
            "5.",
            "-0.0",
            "0.000000000000001",
            "4503599627370495",
            "9007199254740993",
        ];
        for c in cases {
            let std = c.parse::<f64>().ok();
            match plain_decimal(c.as_bytes()) {
                Some(v) => assert_eq!(Some(v.to_bits()), std.map(f64::to_bits), "{c}"),
                // Out of the fast path's reach (more than 15 digits, or beyond the range the
                // import accepts): the caller falls back to std and its messages.
                None => assert!(
                    c.replace(['.', '-', '+'], "").len() > 15
                        || std.is_some_and(|v| v.abs() > super::MAX_MAGNITUDE),
                    "{c}"
                ),
            }
        }
        for bad in [
            "", "-", ".", "1.2.3", "1e5", "nan", "inf", " 1", "1,5", "--1", "0x10",
        ] {
            assert_eq!(plain_decimal(bad.as_bytes()), None, "{bad}");
        }
    }

    #[test]
    fn plain_decimals_agree_with_std_on_many_values() {
        // Every cent value of a range of prices, and values with up to 6 decimals.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for i in 0..200_000u64 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            let decimals = (i % 7) as usize;
            let digits = (x % 1_000_000_000_000) as f64 / 10f64.powi(decimals as i32);
            let text = format!("{digits:.decimals$}");
            let ours = plain_decimal(text.as_bytes()).map(f64::to_bits);
            let std = text.parse::<f64>().ok().map(f64::to_bits);
            if ours.is_some() {
                assert_eq!(ours, std, "{text}");
            }
        }
    }
}
