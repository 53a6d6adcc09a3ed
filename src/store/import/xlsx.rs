//! `.xlsx` workbooks read through `calamine`: one worksheet (the mapping's `sheet`, else the
//! first) rendered as CSV text that the mapped import then reads like any other file, and the
//! way back from that text's lines to the sheet's rows and columns for messages.
//!
//! Cells are rendered by the type of the field their column feeds: a date cell or a number in
//! a date column (an Excel serial, 1900 system; a 1904 workbook's date cells are converted by
//! calamine) is written in the mapping's `date_format`, so it reads back as the same day; a
//! number cell in a number column is written with the mapping's decimal separator and no
//! thousands separator; text cells are passed as they are, so text dates and numbers go
//! through the mapping's formats like a CSV file's. An error cell is written as Excel shows
//! it (`#N/A`), and the field's check then names it.

use super::mapping::{DateFormat, NumberFormat};
use super::problem::{Problem, quoted};
use calamine::{DataRef, Reader, Xlsx, open_workbook};
use chrono::NaiveDate;
use std::io::BufReader;
use std::path::Path;

/// True when `path` names a workbook read by this module.
pub fn is_workbook(path: &Path) -> bool {
    path.extension()
        .and_then(|e| e.to_str())
        .is_some_and(|e| e.eq_ignore_ascii_case("xlsx") || e.eq_ignore_ascii_case("xlsm"))
}

/// How a column's cells are written out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CellAs {
    Text,
    Number,
    Date,
    /// For `map suggest`: date cells left empty (and counted), as they read as dates whatever
    /// the mapping's format; everything else as text.
    Sample,
}

/// Where the rendered text's lines are in the sheet, for messages.
#[derive(Debug, Clone, Default)]
pub struct SheetPlace {
    pub sheet: String,
    /// (first line of a rendered record, the sheet's 1-based row), ascending.
    rows: Vec<(u64, u32)>,
    /// The header's names, by column from A.
    header: Vec<String>,
}

/// A worksheet rendered as CSV text (comma-separated, one record per row).
pub struct Rendered {
    pub text: Vec<u8>,
    pub place: SheetPlace,
    /// Date cells left empty ([`CellAs::Sample`]).
    pub date_cells: usize,
    /// The workbook's sheets, in order.
    pub sheets: Vec<String>,
}

/// The Excel letters of a 0-based column: 0 → `A`, 27 → `AB`.
pub fn column_letters(mut col: usize) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (col % 26) as u8);
        if col < 26 {
            break;
        }
        col = col / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

impl SheetPlace {
    /// The header's names, by column from A (empty where a column has no name).
    pub fn header_names(&self) -> Vec<String> {
        self.header.clone()
    }

    /// The sheet row of a rendered line.
    pub fn row(&self, line: u64) -> Option<u32> {
        let at = self.rows.partition_point(|&(l, _)| l <= line);
        at.checked_sub(1).map(|i| self.rows[i].1)
    }

    /// `problem` (about the rendered text of `file`) as the workbook's place: `book.xlsx:
    /// sheet 'Sales': row 7: column C 'Qty': ...`.
    pub fn locate(&self, problem: &mut Problem) {
        let mut file = format!("{}: sheet {}", problem.file, quoted(&self.sheet));
        if problem.line > 0 {
            if let Some(row) = self.row(problem.line) {
                file = format!("{file}: row {row}");
            }
            problem.line = 0;
        }
        if let Some(column) = problem.column.take() {
            let letter = self
                .header
                .iter()
                .position(|h| h.eq_ignore_ascii_case(&column))
                .map(|i| format!("{} ", column_letters(i)))
                .unwrap_or_default();
            problem.message = format!("column {letter}{}: {}", quoted(&column), problem.message);
        }
        problem.file = file;
    }
}

fn whole(file: &str, message: String) -> Problem {
    Problem {
        file: file.to_string(),
        line: 0,
        column: None,
        message,
    }
}

/// Opens `path` and finds the sheet: `wanted`, else the first. `Err(Ok(names))` when the
/// wanted sheet is not there (the caller names the mapping's line), `Err(Err(p))` when the
/// workbook cannot be read.
#[allow(clippy::type_complexity)]
fn open(
    path: &Path,
    wanted: Option<&str>,
) -> Result<(Xlsx<BufReader<std::fs::File>>, String), Result<Vec<String>, Problem>> {
    let name = path.display().to_string();
    let book: Xlsx<_> = open_workbook(path)
        .map_err(|e| Err(whole(&name, format!("cannot read the workbook: {e}"))))?;
    let names = book.sheet_names();
    let sheet = match wanted {
        Some(w) => names
            .iter()
            .find(|n| n.eq_ignore_ascii_case(w.trim()))
            .cloned(),
        None => names.first().cloned(),
    };
    match sheet {
        Some(s) => Ok((book, s)),
        None if wanted.is_some() => Err(Ok(names)),
        None => Err(Err(whole(&name, "the workbook has no worksheets".into()))),
    }
}

/// Why a sheet cannot be read: it is not in the workbook (its sheets), or a problem.
pub enum SheetError {
    NoSuchSheet(Vec<String>),
    Problem(Problem),
}

/// Reads the sheet and renders it: each row with cells (the first is the header) as one
/// record, the header's columns rendered as text, each data column as `cells(column)` says;
/// at most `max_rows` data rows.
pub fn render(
    path: &Path,
    sheet: Option<&str>,
    cells: &dyn Fn(usize) -> CellAs,
    date: &DateFormat,
    number: &NumberFormat,
    max_rows: usize,
) -> Result<Rendered, SheetError> {
    let name = path.display().to_string();
    let (mut book, sheet) = open(path, sheet).map_err(|e| match e {
        Ok(names) => SheetError::NoSuchSheet(names),
        Err(p) => SheetError::Problem(p),
    })?;
    let bad = |e: calamine::XlsxError| {
        SheetError::Problem(whole(
            &name,
            format!("cannot read sheet {}: {e}", quoted(&sheet)),
        ))
    };
    let sheets = book.sheet_names();
    let mut reader = book.worksheet_cells_reader(&sheet).map_err(bad)?;
    let mut date_cells = 0;
    let mut out = Writer {
        text: Vec::with_capacity(1 << 16),
        line: 1,
        row: Vec::new(),
        at_row: None,
    };
    let mut place = SheetPlace {
        sheet: sheet.clone(),
        ..SheetPlace::default()
    };
    let mut header_row = None;
    while let Some(cell) = reader.next_cell().map_err(bad)? {
        let (r, c) = cell.get_position();
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        if out.at_row != Some(r) {
            out.flush(&mut place);
            if place.rows.len() > max_rows {
                break;
            }
            out.at_row = Some(r);
        }
        if header_row.is_none() {
            header_row = Some(r);
        }
        let as_ = match header_row == Some(r) {
            true => CellAs::Text,
            false => cells(c as usize),
        };
        if as_ == CellAs::Sample && matches!(value, DataRef::DateTime(_) | DataRef::DateTimeIso(_))
        {
            date_cells += 1;
            continue;
        }
        let text = render_cell(value, as_, date, number);
        let c = c as usize;
        if out.row.len() <= c {
            out.row.resize(c + 1, String::new());
        }
        out.row[c] = text;
        if header_row == Some(r) {
            place.header = out.row.clone();
        }
    }
    out.flush(&mut place);
    Ok(Rendered {
        text: out.text,
        place,
        date_cells,
        sheets,
    })
}

/// The header of the sheet: its place (with no rows) and the names, from column A.
pub fn header(path: &Path, sheet: Option<&str>) -> Result<(SheetPlace, Vec<String>), SheetError> {
    let name = path.display().to_string();
    let (mut book, sheet) = open(path, sheet).map_err(|e| match e {
        Ok(names) => SheetError::NoSuchSheet(names),
        Err(p) => SheetError::Problem(p),
    })?;
    let bad = |e: calamine::XlsxError| {
        SheetError::Problem(whole(
            &name,
            format!("cannot read sheet {}: {e}", quoted(&sheet)),
        ))
    };
    let mut reader = book.worksheet_cells_reader(&sheet).map_err(bad)?;
    let mut names: Vec<String> = Vec::new();
    let mut header_row = None;
    while let Some(cell) = reader.next_cell().map_err(bad)? {
        let (r, c) = cell.get_position();
        let value = cell.get_value();
        if matches!(value, DataRef::Empty) {
            continue;
        }
        if header_row.is_some_and(|h| h != r) {
            break;
        }
        header_row = Some(r);
        let c = c as usize;
        if names.len() <= c {
            names.resize(c + 1, String::new());
        }
        names[c] = render_cell(value, CellAs::Text, &iso(), &NumberFormat::default())
            .trim()
            .to_string();
    }
    let place = SheetPlace {
        sheet: sheet.clone(),
        rows: header_row.map(|r| vec![(1, r + 1)]).unwrap_or_default(),
        header: names.clone(),
    };
    Ok((place, names))
}

fn iso() -> DateFormat {
    DateFormat::new(super::mapping::ISO_DATE).unwrap_or_else(|| unreachable!())
}

/// Collects one sheet row's cells and writes it as a CSV record.
struct Writer {
    text: Vec<u8>,
    /// The line the next record starts on.
    line: u64,
    row: Vec<String>,
    at_row: Option<u32>,
}

impl Writer {
    fn flush(&mut self, place: &mut SheetPlace) {
        let Some(r) = self.at_row.take() else {
            return;
        };
        place.rows.push((self.line, r + 1));
        // Every record is as wide as the header at least, so a short row reads as empty fields.
        let width = self.row.len().max(place.header.len());
        self.row.resize(width, String::new());
        for (i, f) in self.row.iter().enumerate() {
            if i > 0 {
                self.text.push(b',');
            }
            super::mapped::write_text(&mut self.text, f);
            self.line += f.bytes().filter(|&b| b == b'\n').count() as u64;
        }
        self.text.push(b'\n');
        self.line += 1;
        self.row.clear();
    }
}

/// Days from the Excel epoch (1899-12-30 in the 1900 system, past its 1900 leap-year bug).
fn serial_date(serial: f64) -> Option<chrono::NaiveDateTime> {
    if !serial.is_finite() || !(1.0..=2_958_466.0).contains(&serial) {
        return None;
    }
    let days = if serial < 60.0 { serial + 1.0 } else { serial };
    let epoch = NaiveDate::from_ymd_opt(1899, 12, 30)?.and_hms_opt(0, 0, 0)?;
    let ms = (days * 86_400_000.0).round() as i64;
    epoch.checked_add_signed(chrono::Duration::milliseconds(ms))
}

fn render_cell(value: &DataRef, as_: CellAs, date: &DateFormat, number: &NumberFormat) -> String {
    let plain = |v: f64| {
        let s = format!("{v}");
        match (as_, number.decimal) {
            (CellAs::Number, b',') => s.replace('.', ","),
            _ => s,
        }
    };
    match value {
        DataRef::Empty => String::new(),
        DataRef::String(s) => s.clone(),
        DataRef::SharedString(s) => s.to_string(),
        DataRef::Bool(b) => b.to_string(),
        DataRef::Error(e) => e.to_string(),
        DataRef::Int(i) if as_ == CellAs::Date => serial_date(*i as f64)
            .map(|d| date.write(d))
            .unwrap_or_else(|| i.to_string()),
        DataRef::Float(f) if as_ == CellAs::Date => serial_date(*f)
            .map(|d| date.write(d))
            .unwrap_or_else(|| plain(*f)),
        DataRef::Int(i) => i.to_string(),
        DataRef::Float(f) => plain(*f),
        DataRef::DateTime(d) => match (as_, d.as_datetime()) {
            (CellAs::Number, _) | (_, None) => plain(d.as_f64()),
            (CellAs::Date, Some(t)) => date.write(t),
            (_, Some(t)) => t.date().to_string(),
        },
        DataRef::DateTimeIso(s) => {
            let day = s
                .get(..10)
                .and_then(|d| NaiveDate::parse_from_str(d, "%Y-%m-%d").ok());
            match (as_, day.and_then(|d| d.and_hms_opt(0, 0, 0))) {
                (CellAs::Date, Some(t)) => date.write(t),
                _ => s.clone(),
            }
        }
        DataRef::DurationIso(s) => s.clone(),
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_by_their_excel_letters() {
        assert_eq!(column_letters(0), "A");
        assert_eq!(column_letters(25), "Z");
        assert_eq!(column_letters(26), "AA");
        assert_eq!(column_letters(27), "AB");
        assert_eq!(column_letters(701), "ZZ");
        assert_eq!(column_letters(702), "AAA");
    }

    #[test]
    fn serials_are_days_from_the_1900_epoch() {
        let d = |s: f64| serial_date(s).unwrap().date().to_string();
        assert_eq!(d(45991.0), "2025-11-30");
        assert_eq!(d(45991.75), "2025-11-30");
        assert_eq!(d(1.0), "1900-01-01");
        assert_eq!(d(61.0), "1900-03-01");
        assert_eq!(serial_date(-1.0), None);
        assert_eq!(serial_date(f64::NAN), None);
    }

    #[test]
    fn problems_are_placed_by_sheet_row_and_column_letter() {
        let place = SheetPlace {
            sheet: "Sales".into(),
            rows: vec![(1, 3), (2, 4), (3, 6)],
            header: vec!["".into(), "Date".into(), "Qty".into()],
        };
        let mut p = Problem {
            file: "book.xlsx".into(),
            line: 3,
            column: Some("Qty".into()),
            message: "'x' is not a number".into(),
        };
        place.locate(&mut p);
        assert_eq!(
            p.to_string(),
            "book.xlsx: sheet 'Sales': row 6: column C 'Qty': 'x' is not a number"
        );
    }
}
