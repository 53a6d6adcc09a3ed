//! Table / CSV / JSON rendering shared by the headless commands, and the number formats the TUI
//! shows (thousands separators, 2 decimals for money, 1 for percentages, never NaN or inf).

use crate::cli::Format;
use anyhow::Result;
use std::io::Write;

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
            Cell::Num { value, decimals } if value.is_finite() => format!("{value:.decimals$}"),
            Cell::Num { .. } => String::new(),
        }
    }

    /// The human form used in the aligned table: thousands separators.
    fn human(&self) -> String {
        match self {
            Cell::Int(n) => fmt_int(*n),
            Cell::Num { value, decimals } => fmt_num(*value, *decimals),
            _ => self.plain(),
        }
    }

    fn json(&self) -> serde_json::Value {
        match self {
            Cell::Empty => serde_json::Value::Null,
            Cell::Text(s) => serde_json::Value::String(s.clone()),
            Cell::Int(n) => serde_json::Value::from(*n),
            Cell::Num { value, decimals } => {
                let scale = 10f64.powi(*decimals as i32);
                serde_json::Number::from_f64((value * scale).round() / scale)
                    .map_or(serde_json::Value::Null, serde_json::Value::Number)
            }
        }
    }
}

/// A result as named columns and rows of typed cells.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Report {
    pub columns: Vec<String>,
    pub rows: Vec<Vec<Cell>>,
}

impl Report {
    /// An empty report with these column names.
    pub fn new(columns: &[&str]) -> Report {
        Report {
            columns: columns.iter().map(|c| c.to_string()).collect(),
            rows: Vec::new(),
        }
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
        let mut widths: Vec<usize> = self.columns.iter().map(|c| c.chars().count()).collect();
        for row in &cells {
            for (w, c) in widths.iter_mut().zip(row) {
                *w = (*w).max(c.chars().count());
            }
        }
        let header: Vec<String> = self
            .columns
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
        Ok(())
    }

    fn write_csv(&self, out: &mut impl Write) -> Result<()> {
        let mut w = csv::Writer::from_writer(out);
        w.write_record(&self.columns)?;
        for row in &self.rows {
            w.write_record(row.iter().map(Cell::plain))?;
        }
        w.flush()?;
        Ok(())
    }

    fn write_json(&self, out: &mut impl Write) -> Result<()> {
        let objects: Vec<serde_json::Value> = self
            .rows
            .iter()
            .map(|row| {
                let map = self
                    .columns
                    .iter()
                    .zip(row)
                    .map(|(c, v)| (c.clone(), v.json()))
                    .collect();
                serde_json::Value::Object(map)
            })
            .collect();
        serde_json::to_writer_pretty(&mut *out, &objects)?;
        writeln!(out)?;
        Ok(())
    }
}

/// An integer with thousands separators: `40000` → `40,000`.
pub fn fmt_int(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(ch);
    }
    if n < 0 {
        grouped.insert(0, '-');
    }
    grouped
}

/// A number with thousands separators and `decimals` places; non-finite prints as `–`.
pub fn fmt_num(value: f64, decimals: usize) -> String {
    if !value.is_finite() {
        return "–".to_string();
    }
    let fixed = format!("{:.decimals$}", value.abs());
    let (int_part, frac) = fixed.split_once('.').unwrap_or((&fixed, ""));
    let int: i64 = int_part.parse().unwrap_or(0);
    let sign = if value < 0.0 && fixed.bytes().any(|b| matches!(b, b'1'..=b'9')) {
        "-"
    } else {
        ""
    };
    match frac.is_empty() {
        true => format!("{sign}{}", fmt_int(int)),
        false => format!("{sign}{}.{frac}", fmt_int(int)),
    }
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
}
