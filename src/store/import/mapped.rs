//! A mapped input file read as the canonical format: its header resolved through the mapping,
//! then each row's dates and numbers rewritten on a helper thread into a canonical CSV stream
//! that the ordinary import reads. Every output record starts on the line its input row
//! started on (skipped rows become empty lines), so the import's own messages keep the input's
//! line numbers; its column names are put back afterwards ([`Side::renames`]).

use super::csvfile::{CsvFile, Row};
use super::mapping::{FileMapping, Mapping, MappingError, near_miss};
pub use super::numbers::{currency_in, number};
use super::problem::{Problem, Problems, quoted};
use super::xlsx::{self, CellAs, SheetError, SheetPlace};
use super::{FileKind, Source};
use crate::date::Date;
use std::fs::File;
use std::io::Read;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};
use std::thread::JoinHandle;

/// Bytes of canonical CSV handed over at a time.
const CHUNK_BYTES: usize = 1 << 20;

/// True for `on_x` / `off_x` with a valid element name.
pub fn is_element_name(name: &str) -> bool {
    let rest = name
        .strip_prefix("on_")
        .or_else(|| name.strip_prefix("off_"));
    rest.is_some_and(|r| {
        !r.is_empty()
            && r.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_')
    })
}

/// Why a mapped file cannot be opened: the mapping is wrong for it, or the file is.
#[derive(Debug, thiserror::Error)]
pub enum OpenError {
    #[error(transparent)]
    Mapping(#[from] MappingError),
    #[error("{0}")]
    File(Problem),
    /// Several problems with one file (a flat file's conflicting lines).
    #[error("{}", .0.iter().map(ToString::to_string).collect::<Vec<_>>().join("\n"))]
    Files(Vec<Problem>),
}

/// What the import needs besides the canonical stream: the translator's problems (complete
/// once the stream has ended and the thread is joined) and the canonical → input column names.
pub struct Side {
    pub problems: Arc<Mutex<Problems>>,
    pub renames: Vec<(String, String)>,
    pub(super) handle: Option<JoinHandle<()>>,
    /// For a workbook: where its rendered lines are in the sheet.
    pub place: Option<Arc<SheetPlace>>,
}

impl Side {
    /// Waits for the translator (the stream must have been dropped) and takes its problems.
    pub fn finish(&mut self) -> Problems {
        if let Some(h) = self.handle.take() {
            let _ = h.join();
        }
        match self.problems.lock() {
            Ok(mut p) => std::mem::take(&mut *p),
            Err(_) => Problems::default(),
        }
    }
}

/// How one output field is made.
#[derive(Debug, Clone)]
pub(super) enum From {
    Text(usize),
    Number(usize),
    Date(usize),
    Constant(String),
    /// `FILE:LINE`, for an id field the file does not have.
    LineId,
}

/// The field's type, by its canonical name.
pub(super) fn is_number(kind: FileKind, field: &str) -> bool {
    matches!(
        field,
        "quantity"
            | "list_price"
            | "unit_cost"
            | "quoted_price"
            | "too_cheap"
            | "cheap"
            | "expensive"
            | "too_expensive"
    ) || (kind == FileKind::Transactions && is_element_name(field))
        || (kind == FileKind::Competitors && field == "price")
        || (kind == FileKind::Fx && field == "rate")
}

/// The id field a kind's rows may generate from their line.
fn line_id(kind: FileKind) -> Option<&'static str> {
    match kind {
        FileKind::Transactions => Some("txn_id"),
        FileKind::Quotes => Some("quote_id"),
        FileKind::Survey => Some("respondent_id"),
        _ => None,
    }
}

/// Opens `path` as `entry` of `mapping` says: reads and resolves its header now (so that a
/// mapping that does not fit fails before anything is imported), then starts the translator.
///
/// A flat sales file (`kind = "sales"`) gives its derived segments, customers and products
/// (those not in `existing`) as sources of their own before its transactions.
pub fn open(
    path: &Path,
    mapping: &Mapping,
    entry: &FileMapping,
    existing: &super::flat::MasterIds,
) -> Result<Vec<Source>, OpenError> {
    let name = path.display().to_string();
    let mut input = Input::open(path, mapping, entry)?;
    let (header_line, names) = input.header()?;
    let mut plan = plan(path, &name, &names, mapping, entry).map_err(|e| input.locate(e))?;
    let size = input.render(&plan.fields, entry)?;
    let mut sources = Vec::new();
    if entry.flat {
        sources = super::flat::derive(
            path,
            input.reader()?,
            entry,
            &names,
            &plan.fields,
            &plan.renames,
            existing,
        )
        .map_err(|e| input.locate(e))?;
        for s in &mut sources {
            if let Some(side) = s.mapped.as_mut() {
                side.place = input.place.clone();
            }
        }
        // The transactions stream carries the transaction fields only.
        let txn = FileKind::Transactions.fields();
        plan.fields
            .retain(|(f, _)| txn.contains(&f.as_str()) || is_element_name(f));
    }
    let mut csv = CsvFile::new(&name, input.reader()?).with_delimiter(input.delimiter);
    // The header was read (and checked) above; the stream starts past it.
    let _ = csv.next_row();
    let problems = Arc::new(Mutex::new(Problems::default()));
    let (tx, rx) = sync_channel(4);
    let translator = Translator {
        file: name.clone(),
        file_name: file_name(path),
        entry: entry.clone(),
        names: names.clone(),
        fields: plan.fields.clone(),
        problems: Arc::clone(&problems),
        out: Vec::with_capacity(CHUNK_BYTES + 4096),
        out_line: 1,
        place: input.place.clone(),
    };
    let header: Vec<&str> = plan.fields.iter().map(|(n, _)| n.as_str()).collect();
    let header = header.join(",");
    let handle = std::thread::Builder::new()
        .name("import-map".into())
        .spawn(move || translator.run(csv, header_line, &header, tx))
        .map_err(|e| {
            input.locate(OpenError::File(Problem {
                file: name.clone(),
                line: 0,
                column: None,
                message: format!("cannot start reading the file: {e}"),
            }))
        })?;
    sources.push(Source {
        name,
        kind: entry.kind,
        size,
        reader: Box::new(Chunks {
            rx,
            chunk: Vec::new(),
            at: 0,
        }),
        mapped: Some(Side {
            problems,
            renames: plan.renames,
            handle: Some(handle),
            place: input.place.clone(),
        }),
    });
    Ok(sources)
}

pub(super) fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// A mapped file's bytes: the file itself, or a workbook's sheet rendered as CSV.
struct Input {
    path: std::path::PathBuf,
    name: String,
    delimiter: u8,
    /// The file's size; for a workbook, the rendered text's.
    size: u64,
    rendered: Option<Arc<Vec<u8>>>,
    place: Option<Arc<SheetPlace>>,
    workbook: bool,
    sheet: Option<String>,
}

/// Shared rendered bytes, read by the flat pass and by the translator.
struct Shared(Arc<Vec<u8>>);

impl AsRef<[u8]> for Shared {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

impl Input {
    fn open(path: &Path, mapping: &Mapping, entry: &FileMapping) -> Result<Input, OpenError> {
        let workbook = xlsx::is_workbook(path);
        if let (false, Some(sheet)) = (workbook, entry.sheet.as_ref()) {
            let message = format!(
                "`sheet` is set but {} is not an .xlsx workbook; remove `sheet` for it",
                file_name(path)
            );
            return Err(OpenError::Mapping(mapping.error(sheet.span(), message)));
        }
        let mut input = Input {
            path: path.to_path_buf(),
            name: path.display().to_string(),
            delimiter: if workbook { b',' } else { entry.delimiter },
            size: 0,
            rendered: None,
            place: None,
            workbook,
            sheet: entry.sheet.as_ref().map(|s| s.get_ref().clone()),
        };
        if workbook {
            let (place, _) = xlsx::header(path, input.sheet.as_deref())
                .map_err(|e| sheet_error(e, path, mapping, entry))?;
            input.place = Some(Arc::new(place));
        }
        Ok(input)
    }

    fn whole(&self, message: String) -> OpenError {
        self.locate(OpenError::File(Problem {
            file: self.name.clone(),
            line: 0,
            column: None,
            message,
        }))
    }

    /// A problem with the file, placed in the workbook's sheet when it is one.
    fn locate(&self, e: OpenError) -> OpenError {
        let Some(place) = &self.place else {
            return e;
        };
        match e {
            OpenError::File(mut p) => {
                place.locate(&mut p);
                OpenError::File(p)
            }
            OpenError::Files(mut list) => {
                list.iter_mut().for_each(|p| place.locate(p));
                OpenError::Files(list)
            }
            other => other,
        }
    }

    /// The file's bytes from the start.
    fn reader(&self) -> Result<Box<dyn Read + Send>, OpenError> {
        if let Some(text) = &self.rendered {
            return Ok(Box::new(std::io::Cursor::new(Shared(Arc::clone(text)))));
        }
        let file =
            File::open(&self.path).map_err(|e| self.whole(format!("cannot open the file: {e}")))?;
        Ok(Box::new(file))
    }

    /// The header's line and names.
    fn header(&mut self) -> Result<(u64, Vec<String>), OpenError> {
        if self.workbook {
            let names = self
                .place
                .as_ref()
                .map(|p| p.header_names())
                .unwrap_or_default();
            if names.iter().all(String::is_empty) {
                return Err(self.whole("the sheet is empty (expected a header row)".into()));
            }
            return Ok((1, names));
        }
        let file =
            File::open(&self.path).map_err(|e| self.whole(format!("cannot open the file: {e}")))?;
        self.size = file.metadata().map(|m| m.len()).unwrap_or(0);
        let mut csv = CsvFile::new(&self.name, file).with_delimiter(self.delimiter);
        match csv.next_row() {
            Ok(Some(row)) => Ok((
                row.line,
                header_names(&row).map_err(|m| {
                    OpenError::File(Problem {
                        file: self.name.clone(),
                        line: row.line,
                        column: None,
                        message: m,
                    })
                })?,
            )),
            Ok(None) => Err(self.whole("the file is empty (expected a header row)".into())),
            Err(p) => Err(OpenError::File(p)),
        }
    }

    /// Renders a workbook's sheet, each column as the field it feeds; the input's size.
    fn render(&mut self, fields: &[(String, From)], entry: &FileMapping) -> Result<u64, OpenError> {
        if !self.workbook {
            return Ok(self.size);
        }
        let cells = |c: usize| {
            fields
                .iter()
                .find_map(|(_, f)| match f {
                    From::Date(i) if *i == c => Some(CellAs::Date),
                    From::Number(i) if *i == c => Some(CellAs::Number),
                    From::Text(i) if *i == c => Some(CellAs::Text),
                    _ => None,
                })
                .unwrap_or(CellAs::Text)
        };
        let rendered = xlsx::render(
            &self.path,
            self.sheet.as_deref(),
            &cells,
            &entry.date,
            &entry.number,
            usize::MAX,
        )
        .map_err(|e| match e {
            SheetError::Problem(p) => OpenError::File(p),
            SheetError::NoSuchSheet(_) => self.whole("the sheet is gone".into()),
        })?;
        self.size = rendered.text.len() as u64;
        self.place = Some(Arc::new(rendered.place));
        self.rendered = Some(Arc::new(rendered.text));
        Ok(self.size)
    }
}

/// A sheet that is not in the workbook is the mapping's error, at its `sheet` key.
fn sheet_error(e: SheetError, path: &Path, mapping: &Mapping, entry: &FileMapping) -> OpenError {
    match (e, entry.sheet.as_ref()) {
        (SheetError::NoSuchSheet(names), Some(sheet)) => {
            let list: Vec<String> = names.iter().map(|n| quoted(n)).collect();
            let message = format!(
                "sheet {} is not in {} (it has {})",
                quoted(sheet.get_ref()),
                file_name(path),
                list.join(", ")
            );
            OpenError::Mapping(mapping.error(sheet.span(), message))
        }
        (SheetError::Problem(p), _) => OpenError::File(p),
        (SheetError::NoSuchSheet(_), None) => OpenError::File(Problem {
            file: path.display().to_string(),
            line: 0,
            column: None,
            message: "the workbook has no worksheets".into(),
        }),
    }
}

/// Header names, trimmed, as written; or why they cannot be read.
fn header_names(row: &Row) -> Result<Vec<String>, String> {
    (0..row.len())
        .map(|i| {
            row.str_field(i).map(str::to_string).ok_or_else(|| {
                format!(
                    "header field {} is not valid UTF-8 (save the file as UTF-8)",
                    i + 1
                )
            })
        })
        .collect()
}

struct Plan {
    fields: Vec<(String, From)>,
    renames: Vec<(String, String)>,
}

/// Every output field and where it comes from; every input column mapped, taken by its
/// canonical name, or ignored.
fn plan(
    path: &Path,
    name: &str,
    names: &[String],
    mapping: &Mapping,
    entry: &FileMapping,
) -> Result<Plan, OpenError> {
    let kind = entry.kind;
    let shown = file_name(path);
    let find = |column: &str| {
        let want = column.trim().to_lowercase();
        names.iter().position(|n| n.to_lowercase() == want)
    };
    let missing = |column: &toml::Spanned<String>| {
        let hint = match near_miss(column.get_ref(), names.iter().map(String::as_str)) {
            Some(m) => format!("; did you mean {}?", quoted(m)),
            None => format!(" (it has {})", names.join(", ")),
        };
        let message = format!(
            "column {} is not in the header of {shown}{hint}",
            quoted(column.get_ref())
        );
        OpenError::Mapping(mapping.error(column.span(), message))
    };
    let mut used = vec![false; names.len()];
    let mut fields: Vec<(String, From)> = Vec::new();
    let mut renames = Vec::new();
    for (field, column) in &entry.columns {
        let i = find(column.get_ref()).ok_or_else(|| missing(column))?;
        used[i] = true;
        fields.push((field.clone(), source(kind, field, i)));
        renames.push((field.clone(), names[i].clone()));
    }
    for column in &entry.ignore {
        let i = find(column.get_ref()).ok_or_else(|| missing(column))?;
        used[i] = true;
    }
    for (field, value) in &entry.constants {
        fields.push((field.clone(), From::Constant(value.clone())));
    }
    let all = entry.fields();
    let mut unmapped = Vec::new();
    for (i, n) in names.iter().enumerate() {
        let lower = n.to_lowercase();
        let taken = fields.iter().any(|(f, _)| *f == lower);
        if used[i] || n.is_empty() {
            continue;
        }
        let canonical = all.contains(&lower.as_str())
            || (kind == FileKind::Transactions && is_element_name(&lower));
        if canonical && !taken {
            fields.push((lower.clone(), source(kind, &lower, i)));
            renames.push((lower, n.clone()));
        } else {
            unmapped.push(n.clone());
        }
    }
    if let Some(first) = unmapped.first() {
        let message = format!(
            "{} column(s) neither mapped nor ignored: {}; map each under [file.columns] of {} or add it to `ignore`",
            unmapped.len(),
            unmapped
                .iter()
                .map(|u| quoted(u))
                .collect::<Vec<_>>()
                .join(", "),
            quoted(&entry.pattern)
        );
        return Err(OpenError::File(Problem {
            file: name.to_string(),
            line: 1,
            column: Some(first.clone()),
            message,
        }));
    }
    let id = line_id(kind);
    if let Some(id) = id
        && !fields.iter().any(|(f, _)| f == id)
    {
        fields.push((id.to_string(), From::LineId));
    }
    for required in entry.required() {
        if !fields.iter().any(|(f, _)| f == required) {
            let message = format!(
                "{shown} has no column for {} (required for {}): map it under [file.columns] or set it under [file.constants]",
                quoted(required),
                entry.kind_name()
            );
            return Err(OpenError::Mapping(
                mapping.error(entry.span.clone(), message),
            ));
        }
    }
    Ok(Plan { fields, renames })
}

fn source(kind: FileKind, field: &str, i: usize) -> From {
    if field == "date" {
        From::Date(i)
    } else if is_number(kind, field) {
        From::Number(i)
    } else {
        From::Text(i)
    }
}

/// The canonical stream, chunk by chunk from the translator.
struct Chunks {
    rx: Receiver<Vec<u8>>,
    chunk: Vec<u8>,
    at: usize,
}

impl Read for Chunks {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        while self.at == self.chunk.len() {
            match self.rx.recv() {
                Ok(c) => {
                    self.chunk = c;
                    self.at = 0;
                }
                Err(_) => return Ok(0),
            }
        }
        let n = buf.len().min(self.chunk.len() - self.at);
        buf[..n].copy_from_slice(&self.chunk[self.at..self.at + n]);
        self.at += n;
        Ok(n)
    }
}

/// Rewrites rows into canonical CSV.
struct Translator {
    file: String,
    file_name: String,
    entry: FileMapping,
    names: Vec<String>,
    fields: Vec<(String, From)>,
    problems: Arc<Mutex<Problems>>,
    out: Vec<u8>,
    /// The line the next byte of `out` is on.
    out_line: u64,
    /// A workbook's sheet: generated ids name the sheet's row, not the rendered line.
    place: Option<Arc<SheetPlace>>,
}

impl Translator {
    fn run(
        mut self,
        mut csv: CsvFile<Box<dyn Read + Send>>,
        header_line: u64,
        header: &str,
        tx: SyncSender<Vec<u8>>,
    ) {
        self.pad_to(header_line);
        self.out.extend_from_slice(header.as_bytes());
        self.end_record();
        loop {
            match csv.next_row() {
                Ok(Some(row)) => self.row(&row),
                Ok(None) => break,
                Err(p) => {
                    if let Ok(mut list) = self.problems.lock() {
                        list.push(p);
                    }
                    break;
                }
            }
            if self.out.len() >= CHUNK_BYTES {
                let next = Vec::with_capacity(CHUNK_BYTES + 4096);
                if tx.send(std::mem::replace(&mut self.out, next)).is_err() {
                    return;
                }
            }
        }
        let _ = tx.send(std::mem::take(&mut self.out));
    }

    fn push(&self, line: u64, column: Option<usize>, message: String) {
        if let Ok(mut p) = self.problems.lock() {
            p.push(Problem {
                file: self.file.clone(),
                line,
                column: column.map(|i| self.names[i].clone()),
                message,
            });
        }
    }

    fn pad_to(&mut self, line: u64) {
        while self.out_line < line {
            self.out.push(b'\n');
            self.out_line += 1;
        }
    }

    fn end_record(&mut self) {
        self.out.push(b'\n');
        self.out_line += 1;
    }

    fn row(&mut self, record: &Row) {
        let line = record.line;
        if !record.is_utf8() {
            return self.push(
                line,
                None,
                "is not valid UTF-8 (save the file as UTF-8)".into(),
            );
        }
        let fields = (0..record.len()).map(|i| record.str_field(i).unwrap_or(""));
        if skipped(fields, &self.entry.skip_rows) {
            return;
        }
        if record.len() != self.names.len() {
            let message = format!(
                "expected {} fields (as in the header), found {}",
                self.names.len(),
                record.len()
            );
            return self.push(line, None, message);
        }
        let (start, line_before) = (self.out.len(), self.out_line);
        self.pad_to(line);
        let row_start = self.out.len();
        let mut ok = true;
        let fields = std::mem::take(&mut self.fields);
        for (k, (_, from)) in fields.iter().enumerate() {
            if k > 0 {
                self.out.push(b',');
            }
            let value = |i: usize| record.str_field(i).unwrap_or("");
            let result = match from {
                From::Text(i) => {
                    write_text(&mut self.out, value(*i));
                    Ok(())
                }
                From::Constant(c) => {
                    write_text(&mut self.out, c);
                    Ok(())
                }
                From::LineId => {
                    use std::io::Write;
                    write_text(&mut self.out, &self.file_name);
                    let at = match &self.place {
                        Some(p) => p.row(line).map_or(line, u64::from),
                        None => line,
                    };
                    let _ = write!(self.out, ":{at}");
                    Ok(())
                }
                From::Number(i) => number(
                    &self.entry.number,
                    value(*i),
                    &self.file_name,
                    &mut self.out,
                )
                .map_err(|m| (*i, m)),
                From::Date(i) => self.date(value(*i)).map_err(|m| (*i, m)),
            };
            if let Err((i, message)) = result {
                self.push(line, Some(i), message);
                ok = false;
            }
        }
        self.fields = fields;
        if ok {
            let newlines = memchr::memchr_iter(b'\n', &self.out[row_start..]).count();
            self.out_line += newlines as u64;
            self.end_record();
        } else {
            self.out.truncate(start);
            self.out_line = line_before;
        }
    }

    fn date(&mut self, s: &str) -> Result<(), String> {
        let format = &self.entry.date;
        if s.is_empty() {
            return Err("is empty (a date is required)".into());
        }
        let parsed = if format.is_iso() {
            Date::parse(s).map(Date::ymd)
        } else {
            format.parse(s)
        };
        let Some((y, m, d)) = parsed else {
            return Err(date_problem(s, &format.text, &self.file_name));
        };
        match Date::from_ymd(y, m, d) {
            Some(date) if (Date::MIN..=Date::MAX).contains(&date) => {
                use std::io::Write;
                let _ = write!(self.out, "{date}");
                Ok(())
            }
            _ => Err(format!(
                "{} is outside the accepted dates ({} to {})",
                quoted(s),
                Date::MIN,
                Date::MAX
            )),
        }
    }
}

/// Formats tried when a date does not read in the mapped one, to say which it is in.
pub const COMMON_DATE_FORMATS: [&str; 12] = [
    "%Y-%m-%d",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M:%S",
    "%m/%d/%Y",
    "%m/%d/%Y %H:%M:%S",
    "%m/%d/%Y %H:%M",
    "%d/%m/%Y",
    "%d.%m.%Y",
    "%d.%m.%Y %H:%M:%S",
    "%d.%m.%Y %H:%M",
    "%Y/%m/%d",
    "%d-%m-%Y",
];

fn date_problem(s: &str, format: &str, file: &str) -> String {
    let other = COMMON_DATE_FORMATS
        .iter()
        .filter(|&&f| f != format)
        .find(|f| super::mapping::DateFormat::new(f).is_some_and(|d| d.parse(s).is_some()));
    match other {
        Some(f) => format!(
            "{} is not a date in the format '{format}'; it reads as '{f}': set `date_format = \"{f}\"` for {file} in the mapping",
            quoted(s)
        ),
        None => format!("{} is not a date in the format '{format}'", quoted(s)),
    }
}

/// The documented skip rule: a row is not data when one of its fields, trimmed and in any
/// case, is one of the words or starts with one followed by a space or `:` (`TOTAL`,
/// `Total:`, `total 2025`).
pub fn skipped<'a>(mut fields: impl Iterator<Item = &'a str>, words: &[String]) -> bool {
    !words.is_empty()
        && fields.any(|f| {
            let f = f.trim();
            words.iter().any(|w| {
                // Words are stored in lower case; no allocation per field.
                let head = match w.is_ascii() {
                    true => f
                        .as_bytes()
                        .get(..w.len())
                        .is_some_and(|h| h.eq_ignore_ascii_case(w.as_bytes())),
                    false => f.get(..w.len()).is_some_and(|h| h.to_lowercase() == *w),
                };
                head && matches!(f.as_bytes().get(w.len()), None | Some(b' ' | b':'))
            })
        })
}

/// A text field as canonical CSV (quoted when it holds a comma, a quote or a line break).
pub(super) fn write_text(out: &mut Vec<u8>, s: &str) {
    if s.bytes().any(|b| matches!(b, b',' | b'"' | b'\n' | b'\r')) {
        out.push(b'"');
        for b in s.bytes() {
            if b == b'"' {
                out.push(b'"');
            }
            out.push(b);
        }
        out.push(b'"');
    } else {
        out.extend_from_slice(s.as_bytes());
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn dates_in_another_format_say_which() {
        assert_eq!(
            date_problem("2025-11-30 00:00:00", "%m/%d/%Y", "sales.csv"),
            "'2025-11-30 00:00:00' is not a date in the format '%m/%d/%Y'; it reads as '%Y-%m-%d %H:%M:%S': set `date_format = \"%Y-%m-%d %H:%M:%S\"` for sales.csv in the mapping"
        );
        assert_eq!(
            date_problem("yesterday", "%m/%d/%Y", "sales.csv"),
            "'yesterday' is not a date in the format '%m/%d/%Y'"
        );
    }

    #[test]
    fn totals_rows_are_skipped_by_the_documented_rule() {
        let words = vec!["total".to_string()];
        let rec = |fields: &'static [&'static str]| fields.iter().copied();
        assert!(skipped(rec(&["TOTAL", "", "5"]), &words));
        assert!(skipped(rec(&["", "Total: 2025", "5"]), &words));
        assert!(!skipped(rec(&["Totals Inc", "C1", "5"]), &words));
        assert!(!skipped(rec(&["TOTAL", "", "5"]), &[]));
    }
}
