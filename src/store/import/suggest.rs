//! `pricebench map suggest`: reads the header and a sample of rows of export files and writes
//! a mapping for them — delimiter, date format, decimal / thousands style, currency, totals
//! rows, and which column is which field — with a comment on every guess saying how it was
//! made, and a `TODO` where the user has to decide.

use super::FileKind;
use super::mapped::{COMMON_DATE_FORMATS, currency_in, number};
use super::mapping::{DateFormat, FLAT_FIELDS, NumberFormat, entry_fields, kind_name, normalize};
use std::fmt::Write as _;
use std::io::Read;
use std::path::Path;

/// Bytes read from each file for the sample.
const SAMPLE_BYTES: u64 = 256 << 10;
/// Data rows looked at.
const SAMPLE_ROWS: usize = 500;

/// Words that mark a totals row (the `skip_rows` rule: a field that is one of them, or starts
/// with one followed by a space or `:`).
pub const TOTAL_WORDS: [&str; 6] = ["total", "totals", "grand total", "sum", "summe", "gesamt"];

/// Other names of each field, compared after [`normalize`] (lower case, letters and digits):
/// English ERP / spreadsheet headers and their German equivalents.
#[rustfmt::skip]
pub const SYNONYMS: [(&str, &[&str]); 22] = [
    ("txn_id", &["transactionid", "lineid", "invoicelineid", "txn", "positionid"]),
    ("date", &["invoicedate", "orderdate", "postingdate", "documentdate", "docdate", "txndate", "transactiondate", "salesdate", "datum", "rechnungsdatum", "belegdatum", "buchungsdatum"]),
    ("customer_id", &["customer", "custid", "custno", "customerno", "customernumber", "customercode", "client", "clientid", "account", "accountid", "soldto", "kunde", "kundennr", "kundennummer", "kundeid", "debitor"]),
    ("product_id", &["product", "productcode", "sku", "item", "itemid", "itemno", "itemcode", "material", "materialno", "article", "artikel", "artikelnr", "artikelnummer", "partno", "partnumber", "produkt"]),
    ("quantity", &["qty", "units", "unitssold", "menge", "anzahl", "volume", "pieces"]),
    ("list_price", &["price", "unitprice", "list", "grossprice", "listenpreis", "preis", "einzelpreis", "bruttopreis"]),
    ("unit_cost", &["cost", "cogs", "standardcost", "stdcost", "kosten", "einstandspreis", "selbstkosten"]),
    ("segment_id", &["segment", "customergroup", "customersegment", "kundengruppe", "segmentcode"]),
    ("name", &["customername", "productname", "segmentname", "bezeichnung"]),
    ("description", &["beschreibung"]),
    ("family", &["productfamily", "category", "productgroup", "warengruppe", "produktgruppe"]),
    ("region", &["gebiet"]),
    ("channel", &["saleschannel", "vertriebsweg", "kanal"]),
    ("quote_id", &["quote", "quoteno", "offerid", "offerno", "angebotsnr", "angebot"]),
    ("quoted_price", &["quoteprice", "offerprice", "bidprice", "angebotspreis"]),
    ("won", &["outcome", "result", "win", "gewonnen"]),
    ("respondent_id", &["respondent", "respondentno"]),
    ("customer_name", &["kundenname", "clientname", "accountname", "soldtoname"]),
    ("product_name", &["itemdescription", "itemname", "productdescription", "artikelbezeichnung", "materialdescription"]),
    ("segment_name", &["segmentdescription"]),
    ("too_cheap", &[]),
    ("too_expensive", &[]),
];

/// One guessed header → field match and the rule that made it.
struct Match {
    column: String,
    field: &'static str,
    rule: String,
}

/// The fields `header` may be for, best rule first: the same name once case, spaces and
/// punctuation are ignored; a known other name; a near miss of either.
fn match_field(header: &str, fields: &[&'static str]) -> Option<(&'static str, String)> {
    let key = normalize(header);
    if key.is_empty() {
        return None;
    }
    if let Some(f) = fields.iter().find(|f| normalize(f) == key) {
        return Some((
            f,
            "same name once case, spaces and punctuation are ignored".into(),
        ));
    }
    for &(field, names) in &SYNONYMS {
        if fields.contains(&field) && names.contains(&key.as_str()) {
            return Some((
                field_ref(fields, field)?,
                format!("a known name for {field}"),
            ));
        }
    }
    let mut best: Option<(f64, &'static str, String)> = None;
    // Ids must be unique per row: a near miss (`Invoice No` for `invoicelineid`) is no id.
    for &f in fields
        .iter()
        .filter(|f| !matches!(**f, "txn_id" | "quote_id" | "respondent_id"))
    {
        let names = SYNONYMS
            .iter()
            .find(|(s, _)| *s == f)
            .map_or(&[][..], |(_, n)| *n);
        for n in std::iter::once(normalize(f)).chain(names.iter().map(|n| n.to_string())) {
            let score = strsim::jaro_winkler(&key, &n);
            if score >= 0.9 && best.as_ref().is_none_or(|b| score > b.0) {
                best = Some((score, f, n));
            }
        }
    }
    best.map(|(_, f, n)| {
        (
            f,
            format!("close to the name '{n}' (a likely spelling variant)"),
        )
    })
}

fn field_ref(fields: &[&'static str], field: &str) -> Option<&'static str> {
    fields.iter().copied().find(|f| *f == field)
}

/// Sampled records: (line, trimmed fields).
type Records = Vec<(u64, Vec<String>)>;
/// A separator seen in a number, and the number that shows it.
type Seen<'a> = Option<(u8, &'a str)>;

/// The sample of one file.
struct Sample {
    delimiter: u8,
    delimiter_note: String,
    header: Vec<String>,
    /// (line, or a workbook's row; fields)
    rows: Vec<(u64, Vec<String>)>,
    /// A workbook's sheet: its name, the workbook's sheets, and the date cells sampled.
    sheet: Option<(String, Vec<String>, usize)>,
}

/// The first sheet of a workbook, with its date cells left out of the text (see
/// [`CellAs::Sample`](super::xlsx::CellAs::Sample)).
fn read_sheet(path: &Path) -> Result<Sample, String> {
    use super::xlsx::{CellAs, SheetError, render};
    let date = DateFormat::new(super::mapping::ISO_DATE).ok_or("no ISO date format")?;
    let number = NumberFormat::default();
    let r =
        render(path, None, &|_| CellAs::Sample, &date, &number, SAMPLE_ROWS).map_err(
            |e| match e {
                SheetError::Problem(p) => p.to_string(),
                SheetError::NoSuchSheet(_) => format!("'{}' has no worksheets", path.display()),
            },
        )?;
    let mut it = records(&r.text, b',').into_iter();
    let header = it.next().map(|h| h.1).unwrap_or_default();
    let rows = it
        .map(|(line, f)| (r.place.row(line).map_or(line, u64::from), f))
        .collect();
    Ok(Sample {
        delimiter: b',',
        delimiter_note: String::new(),
        header,
        rows,
        sheet: Some((r.place.sheet.clone(), r.sheets, r.date_cells)),
    })
}

fn read_sample(path: &Path) -> Result<Sample, String> {
    if super::xlsx::is_workbook(path) {
        return read_sheet(path);
    }
    let mut bytes = Vec::new();
    std::fs::File::open(path)
        .and_then(|f| f.take(SAMPLE_BYTES).read_to_end(&mut bytes))
        .map_err(|e| format!("cannot read '{}': {e}", path.display()))?;
    if bytes.len() as u64 == SAMPLE_BYTES
        && let Some(end) = bytes.iter().rposition(|&b| b == b'\n')
    {
        bytes.truncate(end + 1);
    }
    let mut best: Option<(usize, usize, u8, Records)> = None;
    for d in [b',', b';', b'\t', b'|'] {
        let records = records(&bytes, d);
        let Some(width) = records.first().map(|r| r.1.len()) else {
            continue;
        };
        let same = records[1..].iter().filter(|r| r.1.len() == width).count();
        if width > 1 && best.as_ref().is_none_or(|b| (same, width) > (b.0, b.1)) {
            best = Some((same, width, d, records));
        }
    }
    let Some((same, width, delimiter, records)) = best else {
        return Err(format!(
            "'{}' has no header with two or more columns separated by ',', ';', tab or '|'",
            path.display()
        ));
    };
    let mut it = records.into_iter();
    let header: Vec<String> = it.next().map(|h| h.1).unwrap_or_default();
    let rows: Vec<(u64, Vec<String>)> = it.take(SAMPLE_ROWS).collect();
    let delimiter_note = format!(
        "{same} of {} sampled rows have the header's {width} fields with {}",
        rows.len(),
        show_delimiter(delimiter)
    );
    Ok(Sample {
        delimiter,
        delimiter_note,
        header,
        rows,
        sheet: None,
    })
}

/// The first records of the sample as (line, trimmed fields), split at `delimiter`.
fn records(bytes: &[u8], delimiter: u8) -> Records {
    let mut csv = super::csvfile::CsvFile::new("sample", bytes).with_delimiter(delimiter);
    let mut out = Vec::new();
    while out.len() <= SAMPLE_ROWS {
        let Ok(Some(row)) = csv.next_row() else {
            break;
        };
        let fields = (0..row.len()).map(|i| row.str_field(i).unwrap_or("").to_string());
        out.push((row.line, fields.collect()));
    }
    out
}

fn show_delimiter(d: u8) -> &'static str {
    match d {
        b';' => "';'",
        b'\t' => "tabs",
        b'|' => "'|'",
        _ => "','",
    }
}

/// A TOML string literal.
fn toml_str(s: &str) -> String {
    toml::Value::String(s.to_string()).to_string()
}

/// The mapping for `paths` (files; directories give their files), as TOML with comments.
pub fn suggest(paths: &[&Path]) -> Result<String, String> {
    let mut out = String::new();
    let names: Vec<String> = paths.iter().map(|p| file_name(p)).collect();
    let _ = writeln!(
        out,
        "# Import mapping suggested by `pricebench map suggest` for {}.\n# Every guess says how it was made; check them, settle each TODO, then run\n#   pricebench import --map THIS_FILE.toml FILES...",
        names.join(", ")
    );
    for path in paths {
        out.push('\n');
        entry(path, &mut out)?;
    }
    Ok(out)
}

fn file_name(p: &Path) -> String {
    p.file_name()
        .map(|f| f.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn entry(path: &Path, out: &mut String) -> Result<(), String> {
    let sample = read_sample(path)?;
    let name = file_name(path);
    let (kind, flat, kind_note) = guess_kind(&name, &sample.header);
    let fields = entry_fields(kind, flat);
    let mut matches: Vec<Match> = Vec::new();
    let mut ignored = Vec::new();
    for column in &sample.header {
        if column.is_empty() {
            continue;
        }
        let lower = column.to_lowercase();
        let element = kind == FileKind::Transactions && super::mapped::is_element_name(&lower);
        match match_field(column, &fields) {
            _ if element => {}
            Some((field, rule)) if !matches.iter().any(|m| m.field == field) => {
                matches.push(Match {
                    column: column.clone(),
                    field,
                    rule,
                });
            }
            Some((field, _)) => ignored.push((
                column.clone(),
                format!("{field} is taken by an earlier column"),
            )),
            None => ignored.push((column.clone(), "matches no field".to_string())),
        }
    }
    let skip = totals_rows(&sample);
    let rows: Vec<&(u64, Vec<String>)> = sample
        .rows
        .iter()
        .filter(|(l, _)| !skip.iter().any(|(sl, _)| sl == l))
        .collect();
    let values = |field: &str| -> Vec<&str> {
        let Some(i) = matches
            .iter()
            .find(|m| m.field == field)
            .and_then(|m| sample.header.iter().position(|h| *h == m.column))
        else {
            return Vec::new();
        };
        rows.iter()
            .filter_map(|(_, r)| r.get(i).map(String::as_str))
            .filter(|v| !v.is_empty())
            .collect()
    };
    let _ = writeln!(out, "[[file]]\nmatch = {}", toml_str(&name));
    let _ = writeln!(
        out,
        "kind = {}  # {kind_note}",
        toml_str(kind_name(kind, flat))
    );
    match &sample.sheet {
        Some((sheet, sheets, _)) => {
            let list: Vec<String> = sheets.iter().map(|s| format!("'{s}'")).collect();
            let _ = writeln!(
                out,
                "sheet = {}  # the first of the workbook's sheets ({}); name another to read it",
                toml_str(sheet),
                list.join(", ")
            );
        }
        None => {
            let _ = writeln!(
                out,
                "delimiter = {}  # {}",
                toml_str(&(sample.delimiter as char).to_string()),
                sample.delimiter_note
            );
        }
    }
    if fields.contains(&"date") {
        let cells = sample.sheet.as_ref().map_or(0, |s| s.2);
        let column = matches
            .iter()
            .find(|m| m.field == "date")
            .and_then(|m| sample.header.iter().position(|h| *h == m.column));
        let dated: Vec<(u64, &str)> = rows
            .iter()
            .filter_map(|(l, r)| Some((*l, r.get(column?)?.as_str())))
            .filter(|(_, v)| !v.is_empty())
            .collect();
        date_line(&dated, cells, &name, out);
    }
    let mut numbers: Vec<&str> = Vec::new();
    for m in &matches {
        if is_number_field(m.field) {
            numbers.extend(values(m.field));
        }
    }
    number_lines(&numbers, &name, out);
    skip_line(&skip, out);
    ignore_line(&ignored, out);
    out.push_str("\n[file.columns]\n");
    for m in &matches {
        let _ = writeln!(out, "{} = {}  # {}", m.field, toml_str(&m.column), m.rule);
    }
    missing_lines(kind, flat, &matches, out);
    Ok(())
}

fn is_number_field(field: &str) -> bool {
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
    )
}

/// The kind by the file's name, else by which fields its columns match.
fn guess_kind(name: &str, header: &[String]) -> (FileKind, bool, String) {
    if let Some(k) = FileKind::from_file_name(name) {
        return (k, false, "by the file's name".into());
    }
    let mut all: Vec<&'static str> = FileKind::ALL.iter().flat_map(|k| k.fields()).collect();
    all.extend(FLAT_FIELDS);
    let has: Vec<&str> = header
        .iter()
        .filter_map(|h| match_field(h, &all).map(|(f, _)| f))
        .collect();
    let with = |f: &str| has.contains(&f);
    let (kind, why) = if with("quoted_price") || with("won") {
        (
            FileKind::Quotes,
            "its columns hold a quoted price or an outcome",
        )
    } else if with("too_cheap") || with("too_expensive") {
        (FileKind::Survey, "its columns hold Van Westendorp answers")
    } else if (with("quantity") || (with("date") && with("customer_id")))
        && (with("segment_id") || with("customer_name") || with("product_name"))
    {
        let why = "a flat sales file: its columns hold invoice lines with the customer's segment or name and the product's name";
        return (FileKind::Transactions, true, why.to_string());
    } else if with("quantity") || (with("date") && with("customer_id")) {
        (
            FileKind::Transactions,
            "its columns hold a date and a quantity",
        )
    } else if with("product_id") && (with("unit_cost") || with("list_price")) {
        (
            FileKind::Products,
            "its columns hold products with prices, no dates",
        )
    } else if with("customer_id") {
        (FileKind::Customers, "its columns hold customers, no dates")
    } else if with("segment_id") {
        (FileKind::Segments, "its columns hold segments")
    } else {
        (
            FileKind::Transactions,
            "TODO: no column tells; check the kind",
        )
    };
    (kind, false, why.to_string())
}

/// Rows of the sample that the `skip_rows` rule with [`TOTAL_WORDS`] skips: (line, word).
fn totals_rows(sample: &Sample) -> Vec<(u64, String)> {
    let mut found = Vec::new();
    for (line, row) in &sample.rows {
        for w in TOTAL_WORDS {
            if super::mapped::skipped(row.iter().map(String::as_str), &[w.to_string()]) {
                found.push((*line, w.to_string()));
                break;
            }
        }
    }
    found
}

/// `date_cells`: a workbook's sampled date cells, which read as dates in any format.
fn date_line(dated: &[(u64, &str)], date_cells: usize, file: &str, out: &mut String) {
    let values: Vec<&str> = dated.iter().map(|d| d.1).collect();
    let values = values.as_slice();
    if values.is_empty() && date_cells > 0 {
        let _ = writeln!(
            out,
            "date_format = \"%Y-%m-%d\"  # the {date_cells} sampled dates are Excel date cells, read as dates whatever this says; it is the format of dates typed as text"
        );
        return;
    }
    if values.is_empty() {
        let _ = writeln!(
            out,
            "date_format = \"%Y-%m-%d\"  # TODO: no sampled dates; set the format of the date column"
        );
        return;
    }
    let reads =
        |f: &str| DateFormat::new(f).is_some_and(|d| values.iter().all(|v| d.parse(v).is_some()));
    let fits: Vec<&str> = COMMON_DATE_FORMATS
        .iter()
        .copied()
        .filter(|f| reads(f))
        .collect();
    match fits.as_slice() {
        [] => mixed_dates(dated, file, out),
        [one] => {
            let _ = writeln!(
                out,
                "date_format = {}  # all {} sampled dates read in it, and in no other common format",
                toml_str(one),
                values.len()
            );
        }
        [first, rest @ ..] => {
            let _ = writeln!(
                out,
                "date_format = {}  # all {} sampled dates read in it; also in {} (ambiguous: check day and month order)",
                toml_str(first),
                values.len(),
                rest.iter()
                    .map(|r| format!("'{r}'"))
                    .collect::<Vec<_>>()
                    .join(", ")
            );
        }
    }
}

/// No one format reads every sampled date: a mapping has one format per file, so the one that
/// reads the most is settled on, and the lines it does not read are named to be fixed.
fn mixed_dates(dated: &[(u64, &str)], file: &str, out: &mut String) {
    let reads = |f: &str, v: &str| DateFormat::new(f).is_some_and(|d| d.parse(v).is_some());
    let best = COMMON_DATE_FORMATS
        .iter()
        .copied()
        .map(|f| (dated.iter().filter(|(_, v)| reads(f, v)).count(), f))
        .filter(|(n, _)| *n > 0)
        .fold(None, |best: Option<(usize, &str)>, (n, f)| match best {
            Some((m, _)) if m >= n => best,
            _ => Some((n, f)),
        });
    let Some((n, format)) = best else {
        let _ = writeln!(
            out,
            "date_format = \"%Y-%m-%d\"  # TODO: no one format reads all {} sampled dates of {file} (e.g. {}); set it (strftime codes)",
            dated.len(),
            toml_str(dated.first().map_or("", |d| d.1))
        );
        return;
    };
    let others: Vec<String> = dated
        .iter()
        .filter(|(_, v)| !reads(format, v))
        .take(5)
        .map(|(l, v)| format!("{l} ({})", toml_str(v)))
        .collect();
    let _ = writeln!(
        out,
        "date_format = {}  # TODO: reads {n} of {} sampled dates of {file}; one format per file, so write line(s) {} in it too",
        toml_str(format),
        dated.len(),
        others.join(", ")
    );
}

/// Decimal separator, thousands separator and currency from the sampled numbers.
fn number_lines(values: &[&str], file: &str, out: &mut String) {
    let mut currency: Option<(String, &str)> = None;
    let (mut decimal, mut thousands): (Seen, Seen) = (None, None);
    for v in values {
        if currency.is_none()
            && let Some(c) = currency_in(v)
        {
            currency = Some((c, v));
        }
        let seps: Vec<(usize, u8)> = v
            .bytes()
            .enumerate()
            .filter(|(_, b)| matches!(b, b',' | b'.'))
            .collect();
        let Some(&(last_at, last)) = seps.last() else {
            continue;
        };
        let digits_after = v[last_at + 1..]
            .bytes()
            .take_while(u8::is_ascii_digit)
            .count();
        let first = seps[0].1;
        if first != last {
            // Both: the last one is the decimal separator.
            decimal.get_or_insert((last, v));
            thousands.get_or_insert((first, v));
        } else if seps.len() > 1 {
            thousands.get_or_insert((first, v));
        } else if digits_after != 3 {
            decimal.get_or_insert((last, v));
        }
    }
    let dec = decimal.map_or(b'.', |d| d.0);
    let thousands = thousands.filter(|t| t.0 != dec);
    match decimal {
        Some((d, v)) => {
            let _ = writeln!(
                out,
                "decimal = {}  # {} has it before its last digits",
                toml_str(&(d as char).to_string()),
                toml_str(v)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "decimal = \".\"  # no sampled number shows a decimal separator; the default"
            );
        }
    }
    match thousands {
        Some((t, v)) => {
            let _ = writeln!(
                out,
                "thousands = {}  # {} groups its digits with it",
                toml_str(&(t as char).to_string()),
                toml_str(v)
            );
        }
        None => {
            let _ = writeln!(
                out,
                "thousands = \"\"  # no sampled number groups its digits"
            );
        }
    }
    if let Some((c, v)) = &currency {
        let _ = writeln!(
            out,
            "currency = {}  # {} carries it; stripped, not converted (to convert, give each row's ISO code as the field `currency`, a column or a constant)",
            toml_str(c),
            toml_str(v)
        );
    }
    let format = NumberFormat {
        decimal: dec,
        thousands: thousands.map(|t| t.0),
        currency: currency.map(|c| c.0),
    };
    if let Some(bad) = values
        .iter()
        .find(|v| number(&format, v, file, &mut Vec::new()).is_err())
    {
        let _ = writeln!(
            out,
            "# TODO: {} does not read with these settings; check the number columns",
            toml_str(bad)
        );
    }
}

fn skip_line(skip: &[(u64, String)], out: &mut String) {
    let mut words: Vec<&str> = skip.iter().map(|(_, w)| w.as_str()).collect();
    words.sort_unstable();
    words.dedup();
    if words.is_empty() {
        let _ = writeln!(
            out,
            "skip_rows = []  # no totals row in the sample; a row is skipped when a field is one of these words (any case) or starts with one and a space or ':'"
        );
        return;
    }
    let lines: Vec<String> = skip.iter().map(|(l, _)| l.to_string()).collect();
    let list: Vec<String> = words.iter().map(|w| toml_str(w)).collect();
    let _ = writeln!(
        out,
        "skip_rows = [{}]  # totals on line(s) {}; a row is skipped when a field is one of these words (any case) or starts with one and a space or ':'",
        list.join(", "),
        lines.join(", ")
    );
}

fn ignore_line(ignored: &[(String, String)], out: &mut String) {
    if ignored.is_empty() {
        let _ = writeln!(out, "ignore = []  # every column is mapped");
        return;
    }
    let list: Vec<String> = ignored.iter().map(|(c, _)| toml_str(c)).collect();
    let why: Vec<String> = ignored
        .iter()
        .map(|(c, w)| format!("{}: {w}", toml_str(c)))
        .collect();
    let _ = writeln!(out, "ignore = [{}]  # {}", list.join(", "), why.join("; "));
}

/// Comments for the required fields no column matched.
fn missing_lines(kind: FileKind, flat: bool, matches: &[Match], out: &mut String) {
    let mut required = kind.required().to_vec();
    if flat {
        required.extend(["unit_cost", "segment_id"]);
    }
    for field in &required {
        if matches.iter().any(|m| m.field == *field) {
            continue;
        }
        let generated = matches!(
            (kind, *field),
            (FileKind::Transactions, "txn_id")
                | (FileKind::Quotes, "quote_id")
                | (FileKind::Survey, "respondent_id")
        );
        if generated {
            let _ = writeln!(
                out,
                "# {field}: no column; each row gets FILE:LINE (e.g. 'sales.csv:2') as its id"
            );
        } else {
            let _ = writeln!(
                out,
                "# TODO: no column matched {field} (required for {}); map one here, or set it under [file.constants]",
                kind_name(kind, flat)
            );
        }
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_fields_by_the_documented_rules() {
        let fields = FileKind::Transactions.fields();
        let m = |h: &str| match_field(h, &fields).map(|(f, r)| format!("{f}: {r}"));
        assert_eq!(
            m("Customer ID").as_deref(),
            Some("customer_id: same name once case, spaces and punctuation are ignored")
        );
        assert_eq!(
            m("cust_no").as_deref(),
            Some("customer_id: a known name for customer_id")
        );
        assert_eq!(
            m("Kunde").as_deref(),
            Some("customer_id: a known name for customer_id")
        );
        assert_eq!(
            m("Qty").as_deref(),
            Some("quantity: a known name for quantity")
        );
        assert_eq!(
            m("Quantitiy").as_deref(),
            Some("quantity: close to the name 'quantity' (a likely spelling variant)")
        );
        assert_eq!(m("Sales Rep"), None);
    }
}
