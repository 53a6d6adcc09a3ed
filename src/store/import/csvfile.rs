//! Reading one CSV export: header resolution against a file kind's columns, typed field access
//! with file / line / column in every error.

use super::problem::{Problem, grouped, quoted};
use crate::date::{Date, DateError};
use std::collections::HashSet;
use std::io::Read;

/// The longest record read (a line, or a quoted record over several lines): a thousand times
/// a long real one, and what bounds the reader's memory (its buffer holds at most two).
pub const MAX_RECORD_BYTES: usize = 1 << 20;
/// The longest field: room for a long description, not for a document.
pub const MAX_FIELD_BYTES: usize = 64 << 10;
/// The longest id (and element column name): longer than any key an ERP exports, short enough
/// that the id indexes and the in-memory catalogue of ids stay compact.
pub const MAX_ID_BYTES: usize = 256;
/// The most columns a header may have: any real export has far fewer.
pub const MAX_COLUMNS: usize = 256;
/// The most waterfall elements (`on_*` / `off_*` columns) a workspace holds. Each is a column
/// of every transaction and aggregate row, and a parameter of every row of the batched
/// inserts: 64 lines × (7 + 128) and 128 aggregate rows × (9 + 128) parameters stay well
/// within SQLite's 32,766.
pub const MAX_ELEMENTS: usize = 128;

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
///
/// Lines without a quote are split at their commas where they lie in the read buffer; a line
/// with a quote goes to `csv_core` (the parser behind the `csv` crate), which reads the quoted
/// record however many lines it spans. Both give the fields the `csv` crate gives (a flexible
/// reader without headers; tested against it), and the line a record starts on is counted
/// as the bytes go by. Memory holds the buffer and one record of at most [`MAX_RECORD_BYTES`],
/// whatever the file.
pub struct CsvFile<R: Read> {
    pub file: String,
    input: R,
    /// Read buffer: `buf[start..end]` is read and not yet consumed.
    buf: Vec<u8>,
    start: usize,
    end: usize,
    eof: bool,
    /// Bytes consumed before `buf[0]`.
    consumed: u64,
    /// The 1-based line of `buf[start]` (counted by `\n`), and the one the current record
    /// started on.
    line: u64,
    record_line: u64,
    /// For records with quotes: the parser, its output and the field ends it reported.
    core: csv_core::Reader,
    core_used: bool,
    unquoted: Vec<u8>,
    core_ends: Vec<usize>,
    /// The current record: where its bytes are, and each field's range within them.
    in_buf: Option<(usize, usize)>,
    fields: Vec<(usize, usize)>,
    /// The field separator: `,` in the canonical format; a mapping may choose `;`, tab or `|`.
    delimiter: u8,
}

/// The size of each read; the buffer grows only for a longer record.
const READ_SIZE: usize = 1 << 20;

impl<R: Read> CsvFile<R> {
    pub fn new(file: &str, input: R) -> CsvFile<R> {
        CsvFile::with_buffer(file, input, READ_SIZE)
    }

    /// A reader whose buffer starts at `size` bytes (tests use tiny ones).
    fn with_buffer(file: &str, input: R, size: usize) -> CsvFile<R> {
        CsvFile {
            file: file.to_string(),
            input,
            buf: vec![0; size.max(1)],
            start: 0,
            end: 0,
            eof: false,
            consumed: 0,
            line: 1,
            record_line: 0,
            core: csv_core::Reader::new(),
            core_used: false,
            unquoted: Vec::new(),
            core_ends: Vec::new(),
            in_buf: None,
            fields: Vec::new(),
            delimiter: b',',
        }
    }

    /// The same reader splitting fields at `delimiter` instead of `,`.
    pub fn with_delimiter(mut self, delimiter: u8) -> CsvFile<R> {
        self.delimiter = delimiter;
        self.core = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
        self
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
        match self.next_record() {
            Ok(true) => {}
            Ok(false) => {
                return Err(vec![
                    self.whole_file(0, "the file is empty (expected a header row)"),
                ]);
            }
            Err(p) => return Err(vec![p]),
        }
        if self.fields.len() > MAX_COLUMNS {
            let message = format!(
                "the header has {} columns, more than the {MAX_COLUMNS} a file may have; is this the right file?",
                grouped(self.fields.len())
            );
            return Err(vec![self.whole_file(self.record_line, message)]);
        }
        let mut names = Vec::with_capacity(self.fields.len());
        let mut problems = Vec::new();
        let record = self.record_bytes();
        for (i, &(a, b)) in self.fields.iter().enumerate() {
            let raw = &record[a..b];
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
            if !self.next_record()? {
                return Ok(None);
            }
            // A line holding only separators or spaces (a trailing "blank" line) carries no data.
            let record = self.record_bytes();
            let blank = |&(a, b): &(usize, usize)| record[a..b].iter().all(u8::is_ascii_whitespace);
            if !self.fields.iter().all(blank) {
                break;
            }
        }
        let record = self.record_bytes();
        Ok(Some(Row {
            file: &self.file,
            line: self.record_line,
            record,
            fields: &self.fields,
            // One check of the whole record; fields are then slices of it.
            utf8: std::str::from_utf8(record).ok(),
        }))
    }

    /// The current record's bytes (a line of the buffer, or the unquoted output).
    fn record_bytes(&self) -> &[u8] {
        match self.in_buf {
            Some((a, b)) => &self.buf[a..b],
            None => &self.unquoted,
        }
    }

    /// Bytes read so far, for progress.
    pub fn bytes_read(&self) -> u64 {
        self.consumed + self.start as u64
    }

    /// Moves the unconsumed bytes to the front and reads more (growing the buffer when it
    /// is full of one record). Returns false at the end of the input.
    fn fill(&mut self) -> Result<bool, Problem> {
        if self.eof {
            return Ok(false);
        }
        self.buf.copy_within(self.start..self.end, 0);
        self.consumed += self.start as u64;
        self.end -= self.start;
        self.start = 0;
        if self.end == self.buf.len() {
            self.buf.resize(self.buf.len() * 2, 0);
        }
        loop {
            match self.input.read(&mut self.buf[self.end..]) {
                Ok(0) => {
                    self.eof = true;
                    return Ok(false);
                }
                Ok(n) => {
                    self.end += n;
                    return Ok(true);
                }
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(e) => {
                    return Err(self.whole_file(self.line, format!("cannot read the file: {e}")));
                }
            }
        }
    }

    /// Reads the next record into `fields` (skipping empty lines, as `csv` does); false at
    /// the end of the file. `line` ends up at the line after the record.
    fn next_record(&mut self) -> Result<bool, Problem> {
        if self.consumed == 0 && self.start == 0 {
            // A UTF-8 byte order mark before the first record is not part of it.
            while self.end < 3 && self.fill()? {}
            if self.buf[..self.end].starts_with(b"\xEF\xBB\xBF") {
                self.start = 3;
            }
        }
        loop {
            self.record_line = self.line;
            let rest = &self.buf[self.start..self.end];
            let found = memchr::memchr3(b'\n', b'\r', b'"', rest);
            if found.unwrap_or(rest.len()) > MAX_RECORD_BYTES {
                return Err(self.too_long("the line", "is this a CSV file?"));
            }
            let Some(at) = found else {
                if self.fill()? {
                    continue;
                }
                if self.start == self.end {
                    return Ok(false);
                }
                // The last line, without a line break.
                let (a, b) = (self.start, self.end);
                self.start = self.end;
                self.split(a, b);
                return Ok(true);
            };
            let (a, b) = (self.start, self.start + at);
            match rest[at] {
                b'"' => return self.quoted(),
                b'\r' => {
                    // "\r\n" is one line break; a lone '\r' ends the line as well.
                    if b + 1 == self.end && !self.eof {
                        // Whether a '\n' follows is in the next read.
                        self.fill()?;
                        continue;
                    }
                    let crlf = b + 1 < self.end && self.buf[b + 1] == b'\n';
                    self.start = b + 1 + usize::from(crlf);
                    self.line += u64::from(crlf);
                }
                _ => {
                    self.start = b + 1;
                    self.line += 1;
                }
            }
            if a == b {
                continue;
            }
            self.split(a, b);
            return Ok(true);
        }
    }

    /// The fields of an unquoted line `buf[a..b]`: split at every comma. (A plain loop: fields
    /// are a few bytes long, shorter than `memchr` needs to pay for its set-up.)
    fn split(&mut self, a: usize, b: usize) {
        self.in_buf = Some((a, b));
        self.fields.clear();
        let mut from = 0;
        let delimiter = self.delimiter;
        for (i, &byte) in self.buf[a..b].iter().enumerate() {
            if byte == delimiter {
                self.fields.push((from, i));
                from = i + 1;
            }
        }
        self.fields.push((from, b - a));
    }

    /// The problem with a record longer than [`MAX_RECORD_BYTES`]. Reading stops there: the
    /// rest of the input reads as its end.
    fn too_long(&mut self, what: &str, hint: &str) -> Problem {
        self.eof = true;
        self.start = self.end;
        let message = format!("{what} is longer than 1 MiB (the limit for one record); {hint}");
        self.whole_file(self.record_line, message)
    }

    /// A record with a quote, from `buf[start]` on, through `csv_core`.
    fn quoted(&mut self) -> Result<bool, Problem> {
        self.in_buf = None;
        let (mut out, mut ends) = (0, 0);
        loop {
            if self.unquoted.len() < out + 64 {
                self.unquoted.resize((out + 64) * 2, 0);
            }
            if self.core_ends.len() < ends + 8 {
                self.core_ends.resize((ends + 8) * 2, 0);
            }
            let mut input = &self.buf[self.start..self.end];
            if !self.core_used && !input.is_empty() {
                // csv_core strips a byte order mark from the first input it is given; ours is
                // gone already, so the first call gets one byte and nothing is stripped mid-file.
                input = &input[..1];
                self.core_used = true;
            }
            let (result, nin, nout, nend) = self.core.read_record(
                input,
                &mut self.unquoted[out..],
                &mut self.core_ends[ends..],
            );
            let newlines = memchr::memchr_iter(b'\n', &input[..nin]).count();
            self.line += newlines as u64;
            self.start += nin;
            out += nout;
            ends += nend;
            // The record's bytes, less its quotes (its fields and the commas between them):
            // every two bytes read add at least one.
            if out + ends.saturating_sub(1) > MAX_RECORD_BYTES {
                let what = "the quoted record starting on this line";
                return Err(self.too_long(what, "is a closing quote missing?"));
            }
            match result {
                csv_core::ReadRecordResult::InputEmpty => {
                    if self.start == self.end && !self.fill()? {
                        // The end of the input: the next call (with no input) ends the record.
                        let (result, _, nout, nend) = self.core.read_record(
                            &[],
                            &mut self.unquoted[out..],
                            &mut self.core_ends[ends..],
                        );
                        out += nout;
                        ends += nend;
                        if matches!(result, csv_core::ReadRecordResult::End) {
                            return Ok(false);
                        }
                        break;
                    }
                }
                csv_core::ReadRecordResult::OutputFull
                | csv_core::ReadRecordResult::OutputEndsFull => {}
                csv_core::ReadRecordResult::Record => break,
                csv_core::ReadRecordResult::End => return Ok(false),
            }
        }
        self.unquoted.truncate(out);
        self.fields.clear();
        let mut from = 0;
        for &e in &self.core_ends[..ends] {
            self.fields.push((from, e));
            from = e;
        }
        Ok(true)
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
    let mut seen = HashSet::with_capacity(names.len());
    for (i, name) in names.iter().enumerate() {
        if name.len() > MAX_ID_BYTES {
            let message = format!("is too long for a column name (at most {MAX_ID_BYTES} bytes)");
            problems.push(problem(Some(name), message));
        } else if !seen.insert(name.as_str()) && !name.is_empty() {
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
    if elements.len() > MAX_ELEMENTS {
        let message = format!(
            "the header has {} element columns (on_* / off_*), more than the {MAX_ELEMENTS} a workspace may hold",
            elements.len()
        );
        problems.push(problem(None, message));
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
    /// The record's bytes, and each field's range within them.
    record: &'a [u8],
    fields: &'a [(usize, usize)],
    /// The record's bytes, when they are valid UTF-8.
    utf8: Option<&'a str>,
}

impl Row<'_> {
    /// Number of fields on this line.
    pub fn len(&self) -> usize {
        self.fields.len()
    }

    /// A field's text, trimmed, when the record is valid UTF-8.
    pub fn str_field(&self, index: usize) -> Option<&str> {
        let &(a, b) = self.fields.get(index)?;
        self.utf8?.get(a..b).map(trim)
    }

    /// Whether the record is valid UTF-8.
    pub fn is_utf8(&self) -> bool {
        self.utf8.is_some()
    }

    pub(super) fn raw(&self, index: usize) -> &[u8] {
        self.fields
            .get(index)
            .map_or(&[][..], |&(a, b)| &self.record[a..b])
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
        if let (Some(all), Some(&(a, b))) = (self.utf8, self.fields.get(index))
            && b - a <= MAX_FIELD_BYTES
            && let Some(field) = all.get(a..b)
        {
            return Ok(trim(field));
        }
        let raw = self.raw(index);
        if raw.len() > MAX_FIELD_BYTES {
            let message = format!(
                "is too long ({} bytes; at most 64 KiB in one field)",
                grouped(raw.len())
            );
            return Err(self.problem(header, index, message));
        }
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
        if s.len() > MAX_ID_BYTES {
            let message = format!(
                "{} is too long for an id (at most {MAX_ID_BYTES} bytes)",
                quoted(s)
            );
            return Err(self.problem(header, index, message));
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
                format!(
                    "{} is out of range (at most 1e12 in absolute value)",
                    quoted(s)
                ),
            )),
            Ok(_) => Err(self.problem(
                header,
                index,
                format!("{} is not a finite number", quoted(s)),
            )),
            Err(_) if s.is_empty() => {
                Err(self.problem(header, index, "is empty (a number is required)".into()))
            }
            Err(_) => Err(self.problem(header, index, format!("{} is not a number", quoted(s)))),
        }
    }

    /// A finite number that may be left empty (taken as 0), for element amounts.
    pub fn amount(&self, header: &Header, index: usize) -> Result<f64, Problem> {
        if self.raw(index).iter().all(u8::is_ascii_whitespace) {
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
                format!(
                    "{} is negative (prices and costs must be 0 or more)",
                    quoted(s)
                ),
            ));
        }
        Ok(v)
    }

    /// A date in `YYYY-MM-DD` within the accepted range ([`Date::MIN`] to [`Date::MAX`]).
    pub fn date(&self, header: &Header, index: usize) -> Result<Date, Problem> {
        let s = self.text(header, index)?;
        s.parse().map_err(|e: DateError| {
            // DateError quotes the whole value; a message quotes a short, escaped prefix.
            let message = match e {
                DateError::NotADate(_) => {
                    format!("{} is not a date (expected YYYY-MM-DD)", quoted(s))
                }
                DateError::OutOfRange(_) => format!(
                    "{} is outside the accepted dates ({} to {})",
                    quoted(s),
                    Date::MIN,
                    Date::MAX
                ),
            };
            self.problem(header, index, message)
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
                format!(
                    "{} is not a quote outcome (expected 1/0, true/false or won/lost)",
                    quoted(s)
                ),
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
    use super::{ColumnSpec, CsvFile, MAX_RECORD_BYTES, plain_decimal};
    use proptest::prelude::*;

    /// Every record as (line it starts on, fields), read with a buffer of `size` bytes.
    fn ours(bytes: &[u8], size: usize) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut csv = CsvFile::with_buffer("t.csv", bytes, size);
        let mut out = Vec::new();
        while let Ok(true) = csv.next_record() {
            let record = csv.record_bytes();
            let fields = csv.fields.iter().map(|&(a, b)| record[a..b].to_vec());
            out.push((csv.record_line, fields.collect()));
        }
        out
    }

    /// The same from the `csv` crate (flexible, no headers). It reports the byte where it
    /// started looking for a record, before the byte order mark and line breaks it skipped:
    /// the record starts past those, and its line is 1 + the `\n` bytes before it.
    fn theirs(bytes: &[u8]) -> Vec<(u64, Vec<Vec<u8>>)> {
        let mut reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(bytes);
        let mut out = Vec::new();
        let mut record = csv::ByteRecord::new();
        while let Ok(true) = reader.read_byte_record(&mut record) {
            let mut start = record.position().map_or(0, |p| p.byte() as usize);
            if start == 0 && bytes.starts_with(b"\xEF\xBB\xBF") {
                start = 3;
            }
            while matches!(bytes.get(start), Some(b'\r' | b'\n')) {
                start += 1;
            }
            let line = 1 + bytes[..start].iter().filter(|&&b| b == b'\n').count() as u64;
            out.push((line, record.iter().map(<[u8]>::to_vec).collect()));
        }
        out
    }

    proptest! {
        #[test]
        fn records_and_lines_are_the_csv_crates(
            text in "(\u{feff})?[ab1é ,\"\r\n]{0,80}",
            size in 1usize..40,
        ) {
            let expected = theirs(text.as_bytes());
            prop_assert_eq!(&ours(text.as_bytes(), size), &expected);
            prop_assert_eq!(&ours(text.as_bytes(), super::READ_SIZE), &expected);
        }
    }

    /// The first problem reading every record, with a buffer of `size` bytes.
    fn first_problem(bytes: &[u8], size: usize) -> Option<String> {
        let mut csv = CsvFile::with_buffer("t.csv", bytes, size);
        loop {
            match csv.next_record() {
                Ok(true) => {}
                Ok(false) => return None,
                Err(p) => return Some(p.to_string()),
            }
        }
    }

    #[test]
    fn records_up_to_the_limit_are_read_and_longer_ones_refused() {
        let record = |n: usize, quoted: bool| {
            let field = "x".repeat(n - 4);
            match quoted {
                true => format!("a\r\nb,\"{field}\",c\r\nd\r\n"),
                false => format!("a\r\nb,{field},c\r\nd\r\n"),
            }
        };
        let line = "t.csv:2: the line is longer than 1 MiB (the limit for one record); is this a CSV file?";
        let quote = "t.csv:2: the quoted record starting on this line is longer than 1 MiB (the limit for one record); is a closing quote missing?";
        for size in [4096, super::READ_SIZE] {
            let longest = record(MAX_RECORD_BYTES, false);
            assert_eq!(first_problem(longest.as_bytes(), size), None);
            let longest = record(MAX_RECORD_BYTES, true);
            assert_eq!(first_problem(longest.as_bytes(), size), None);
            let over = record(MAX_RECORD_BYTES + 1, false);
            assert_eq!(first_problem(over.as_bytes(), size).as_deref(), Some(line));
            let over = record(MAX_RECORD_BYTES + 1, true);
            assert_eq!(first_problem(over.as_bytes(), size).as_deref(), Some(quote));
        }
    }

    #[test]
    fn a_header_may_have_up_to_the_column_limit() {
        let spec = ColumnSpec {
            required: &["id"],
            optional: &[],
            elements: false,
        };
        let problems = |columns: usize| {
            let names: Vec<String> = (0..columns).map(|i| format!("c{i}")).collect();
            let text = format!("{}\n", names.join(","));
            let mut csv = CsvFile::new("t.csv", text.as_bytes());
            let list = csv.header(&spec).err().unwrap_or_default();
            list.iter().map(ToString::to_string).collect::<Vec<_>>()
        };
        // Each column unknown, and the id missing.
        assert_eq!(problems(256).len(), 257);
        assert_eq!(
            problems(257),
            [
                "t.csv:1: the header has 257 columns, more than the 256 a file may have; is this the right file?"
            ]
        );
    }

    #[test]
    fn quoted_records_span_lines_and_reads() {
        let text =
            b"\xEF\xBB\xBFid,\"na\r\nme\"\r\n\r\n1,\"a \"\"b\"\", c\"\n2,x\r3,\"\xEF\xBB\xBFy\"";
        let expected: Vec<(u64, Vec<Vec<u8>>)> = vec![
            (1, vec![b"id".to_vec(), b"na\r\nme".to_vec()]),
            (4, vec![b"1".to_vec(), b"a \"b\", c".to_vec()]),
            (5, vec![b"2".to_vec(), b"x".to_vec()]),
            (5, vec![b"3".to_vec(), b"\xEF\xBB\xBFy".to_vec()]),
        ];
        for size in [1, 2, 3, 7, 64] {
            assert_eq!(ours(text, size), expected, "buffer of {size}");
        }
        assert_eq!(theirs(text), expected);
    }

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
