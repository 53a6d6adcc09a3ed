//! `price_changes.csv`, the announced list-price changes `pricebench increase --announced`
//! reads: a header row, then per row a `product_id` or a `family` (one of the two), an
//! `effective_date` (YYYY-MM-DD, the first day at the new price) and `pct` (the announced change
//! in %, e.g. `5` or `-2.5`). Column names are case-insensitive, their order free; a BOM and CRLF
//! line ends are accepted. A family stands for every product of that family.

use super::increase::{ChangeSource, PriceChange};
use crate::date::Date;

/// At most this many problems are listed.
const MAX_PROBLEMS: usize = 20;

/// A product and its family (if any), as the workspace knows them.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductFamily {
    pub product_id: String,
    pub family: Option<String>,
}

/// The changes in `text` (the contents of the file named `file`), in file order with a family
/// expanded to its products in id order; or every problem found (up to 20), one a line, as
/// `file:line: column 'pct': 'x' is not a number`.
pub fn parse_price_changes(
    file: &str,
    text: &str,
    products: &[ProductFamily],
) -> Result<Vec<PriceChange>, String> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut reader = csv::ReaderBuilder::new()
        .flexible(true)
        .from_reader(text.as_bytes());
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_ascii_lowercase()).collect(),
        Err(e) => return Err(format!("{file}:1: cannot read the header: {e}")),
    };
    let at = |name: &str| header.iter().position(|c| c == name);
    let columns = (
        at("product_id"),
        at("family"),
        at("effective_date"),
        at("pct"),
    );
    let (date_col, pct_col) = match columns {
        (None, None, _, _) => {
            return Err(format!(
                "{file}:1: no 'product_id' or 'family' column (expected product_id or family, effective_date, pct)"
            ));
        }
        (_, _, None, _) => return Err(format!("{file}:1: no 'effective_date' column")),
        (_, _, _, None) => return Err(format!("{file}:1: no 'pct' column")),
        (_, _, Some(d), Some(p)) => (d, p),
    };
    let mut out = Vec::new();
    let mut problems = Vec::new();
    for record in reader.records() {
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(format!("{file}: {e}"));
                continue;
            }
        };
        let line = record.position().map_or(0, |p| p.line());
        let field = |i: Option<usize>| i.and_then(|i| record.get(i)).map(str::trim);
        let problem =
            |column: &str, msg: String| format!("{file}:{line}: column '{column}': {msg}");
        let date = field(Some(date_col)).unwrap_or("");
        let date: Option<Date> = match date.parse::<Date>() {
            Ok(d) => Some(d),
            Err(e) => {
                problems.push(problem("effective_date", e.to_string()));
                None
            }
        };
        let pct_text = field(Some(pct_col)).unwrap_or("");
        let pct = match pct_text.parse::<f64>() {
            Ok(v) if v.is_finite() && v > -100.0 => Some(v),
            Ok(_) => {
                problems.push(problem(
                    "pct",
                    format!("'{pct_text}' is not a change in % above -100"),
                ));
                None
            }
            Err(_) => {
                problems.push(problem("pct", format!("'{pct_text}' is not a number")));
                None
            }
        };
        let ids = match (
            field(columns.0).filter(|s| !s.is_empty()),
            field(columns.1).filter(|s| !s.is_empty()),
        ) {
            (Some(_), Some(_)) => Err(problem(
                "family",
                "give a product_id or a family, not both".to_string(),
            )),
            (None, None) => Err(problem(
                "product_id",
                "empty: give a product_id or a family".to_string(),
            )),
            (Some(p), None) => match products.iter().any(|x| x.product_id == p) {
                true => Ok(vec![p.to_string()]),
                false => Err(problem(
                    "product_id",
                    format!("'{p}' is not a known product"),
                )),
            },
            (None, Some(f)) => {
                let ids: Vec<String> = products
                    .iter()
                    .filter(|x| x.family.as_deref() == Some(f))
                    .map(|x| x.product_id.clone())
                    .collect();
                match ids.is_empty() {
                    true => Err(problem("family", format!("'{f}' is no product's family"))),
                    false => Ok(ids),
                }
            }
        };
        match (ids, date, pct) {
            (Ok(ids), Some(effective), Some(pct)) => {
                out.extend(ids.into_iter().map(|product_id| PriceChange {
                    product_id,
                    effective,
                    pct,
                    source: ChangeSource::Announced,
                }))
            }
            (Err(p), _, _) => problems.push(p),
            _ => {}
        }
    }
    if problems.is_empty() {
        return Ok(out);
    }
    let more = problems.len().saturating_sub(MAX_PROBLEMS);
    problems.truncate(MAX_PROBLEMS);
    if more > 0 {
        problems.push(format!("… and {more} more problems"));
    }
    Err(problems.join("\n"))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn products() -> Vec<ProductFamily> {
        let p = |id: &str, f: Option<&str>| ProductFamily {
            product_id: id.into(),
            family: f.map(str::to_string),
        };
        vec![
            p("P1", Some("tools")),
            p("P2", Some("tools")),
            p("P3", None),
        ]
    }

    #[test]
    fn families_expand_and_columns_are_free_in_order_and_case() {
        let text = "\u{feff}PCT,Effective_Date,family,product_id\r\n5,2025-01-01,tools,\r\n2.5,2025-04-01,,P3\r\n";
        let got = parse_price_changes("price_changes.csv", text, &products()).unwrap();
        let ids: Vec<_> = got.iter().map(|c| (c.product_id.as_str(), c.pct)).collect();
        assert_eq!(ids, [("P1", 5.0), ("P2", 5.0), ("P3", 2.5)]);
        assert_eq!(got[2].effective.to_string(), "2025-04-01");
    }

    #[test]
    fn bad_rows_are_named_by_file_line_and_column() {
        let text =
            "product_id,effective_date,pct\nP1,2025-13-01,5\nP9,2025-01-01,x\nP1,2025-01-01,-100\n";
        let err = parse_price_changes("pc.csv", text, &products()).unwrap_err();
        let lines: Vec<&str> = err.lines().collect();
        assert_eq!(
            lines,
            [
                "pc.csv:2: column 'effective_date': '2025-13-01' is not a date (expected YYYY-MM-DD)",
                "pc.csv:3: column 'pct': 'x' is not a number",
                "pc.csv:3: column 'product_id': 'P9' is not a known product",
                "pc.csv:4: column 'pct': '-100' is not a change in % above -100",
            ]
        );
    }

    #[test]
    fn a_missing_column_is_named() {
        let err = parse_price_changes("pc.csv", "product_id,pct\nP1,5\n", &products()).unwrap_err();
        assert_eq!(err, "pc.csv:1: no 'effective_date' column");
    }
}
