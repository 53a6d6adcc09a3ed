//! Numbers as exports write them: a decimal comma or point, thousands separators, a currency
//! symbol or code; read into plain decimals for the import, or refused with the mapping
//! setting that would read them.

use super::mapped::write_text;
use super::mapping::NumberFormat;
use super::problem::quoted;

/// Writes `s` as a plain decimal, or says why it is not one and how to fix the mapping.
/// An empty field stays empty (the import decides whether that is allowed); a field that the
/// format does not read but the canonical parser might (`1e5`) goes to it unchanged.
pub fn number(f: &NumberFormat, s: &str, file: &str, out: &mut Vec<u8>) -> Result<(), String> {
    if s.is_empty() {
        return Ok(());
    }
    let start = out.len();
    if plain(f, s, out) {
        return Ok(());
    }
    out.truncate(start);
    if let Some(hint) = number_hint(f, s, file) {
        return Err(hint);
    }
    if f.decimal == b'.' && f.thousands.is_none() && f.currency.is_none() {
        write_text(out, s);
        return Ok(());
    }
    Err(format!("{} is not a number{}", quoted(s), describe(f)))
}

fn describe(f: &NumberFormat) -> String {
    let mut parts = vec![format!("decimal '{}'", f.decimal as char)];
    if let Some(t) = f.thousands {
        parts.push(format!("thousands '{}'", t as char));
    }
    if let Some(c) = &f.currency {
        parts.push(format!("currency '{c}'"));
    }
    format!(" (expected {})", parts.join(", "))
}

/// Reads `s` in format `f` into `out` as `-1234.5`; false if it is not such a number.
fn plain(f: &NumberFormat, s: &str, out: &mut Vec<u8>) -> bool {
    let mut s = s;
    let mut negative = false;
    if let Some(rest) = s.strip_prefix('-') {
        negative = true;
        s = rest.trim_start();
    }
    if let Some(c) = &f.currency {
        s = strip_currency(s, c);
        if !negative && let Some(rest) = s.strip_prefix('-') {
            negative = true;
            s = rest.trim_start();
        }
    }
    if negative {
        out.push(b'-');
    }
    let (mut digits, mut group, mut groups, mut point) = (0usize, 0usize, 0usize, false);
    for &b in s.as_bytes() {
        match b {
            b'0'..=b'9' => {
                out.push(b);
                digits += 1;
                group += 1;
            }
            _ if b == f.decimal && !point => {
                if groups > 0 && group != 3 {
                    return false;
                }
                out.push(b'.');
                point = true;
            }
            _ if Some(b) == f.thousands && !point => {
                // The first group has 1 to 3 digits, every later one exactly 3.
                if group == 0 || group > 3 || (groups > 0 && group != 3) {
                    return false;
                }
                groups += 1;
                group = 0;
            }
            _ => return false,
        }
    }
    if groups > 0 && !point && group != 3 {
        return false;
    }
    digits > 0
}

/// `s` without the currency symbol or code at its start or end (any case).
fn strip_currency<'a>(s: &'a str, c: &str) -> &'a str {
    let lower = s.to_lowercase();
    let c = c.to_lowercase();
    if lower.len() == s.len() {
        if lower.starts_with(&c) {
            return s[c.len()..].trim();
        }
        if lower.ends_with(&c) {
            return s[..s.len() - c.len()].trim();
        }
    }
    s
}

/// The setting that would read `s`, said as the fix.
fn number_hint(f: &NumberFormat, s: &str, file: &str) -> Option<String> {
    let reads = |g: &NumberFormat| plain(g, s, &mut Vec::new());
    let symbol = currency_in(s);
    if let Some(sym) = &symbol
        && f.currency.as_deref() != Some(sym.as_str())
    {
        return Some(format!(
            "{} looks like an amount with a currency symbol: set `currency = \"{sym}\"` for {file} in the mapping",
            quoted(s)
        ));
    }
    for t in [b',', b'.', b' ', b'\''] {
        let g = NumberFormat {
            thousands: Some(t),
            ..f.clone()
        };
        if t != f.decimal && f.thousands != Some(t) && reads(&g) {
            return Some(format!(
                "{} looks like a number with a thousands separator: set `thousands = \"{}\"` for {file} in the mapping",
                quoted(s),
                t as char
            ));
        }
    }
    let other = if f.decimal == b'.' { b',' } else { b'.' };
    let g = NumberFormat {
        decimal: other,
        thousands: f.thousands.filter(|&t| t != other),
        ..f.clone()
    };
    if reads(&g) {
        let what = if other == b',' { "comma" } else { "point" };
        return Some(format!(
            "{} looks like a number with a decimal {what}: set `decimal = \"{}\"` for {file} in the mapping",
            quoted(s),
            other as char
        ));
    }
    None
}

/// A currency symbol or a three-letter code at the start or end of `s`, if any.
pub fn currency_in(s: &str) -> Option<String> {
    let s = s.trim().trim_start_matches('-').trim();
    let symbol = |c: char| matches!(c, '$' | '€' | '£' | '¥' | '₹' | '₣');
    if let Some(c) = s.chars().next().filter(|&c| symbol(c)) {
        return Some(c.to_string());
    }
    if let Some(c) = s.chars().last().filter(|&c| symbol(c)) {
        return Some(c.to_string());
    }
    let code = |t: &str| t.len() == 3 && t.bytes().all(|b| b.is_ascii_uppercase());
    let first = s.split_whitespace().next().filter(|t| code(t));
    let last = s.split_whitespace().last().filter(|t| code(t));
    first.or(last).map(str::to_string)
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn read(f: &NumberFormat, s: &str) -> Result<String, String> {
        let mut out = Vec::new();
        number(f, s, "sales.csv", &mut out).map(|()| String::from_utf8(out).unwrap_or_default())
    }

    #[test]
    fn numbers_read_in_the_mapped_format() {
        let us = NumberFormat {
            decimal: b'.',
            thousands: Some(b','),
            currency: Some("$".into()),
        };
        assert_eq!(read(&us, "1,234.50").as_deref(), Ok("1234.50"));
        assert_eq!(read(&us, "$12.00").as_deref(), Ok("12.00"));
        assert_eq!(read(&us, "-$1,234").as_deref(), Ok("-1234"));
        assert_eq!(read(&us, "$-5").as_deref(), Ok("-5"));
        assert_eq!(read(&us, "12").as_deref(), Ok("12"));
        assert_eq!(read(&us, "").as_deref(), Ok(""));
        assert_eq!(
            read(&us, "1,23.5"),
            Err(
                "'1,23.5' is not a number (expected decimal '.', thousands ',', currency '$')"
                    .into()
            )
        );
        let eu = NumberFormat {
            decimal: b',',
            thousands: Some(b'.'),
            currency: Some("EUR".into()),
        };
        assert_eq!(read(&eu, "1.234,50 EUR").as_deref(), Ok("1234.50"));
        assert_eq!(read(&eu, "12,5").as_deref(), Ok("12.5"));
        assert_eq!(
            read(&eu, "1.5"),
            Err("'1.5' looks like a number with a decimal point: set `decimal = \".\"` for sales.csv in the mapping".into())
        );
        assert_eq!(
            read(&eu, "1,2,3"),
            Err(
                "'1,2,3' is not a number (expected decimal ',', thousands '.', currency 'EUR')"
                    .into()
            )
        );
    }

    #[test]
    fn format_problems_say_which_setting_fixes_them() {
        let plain = NumberFormat::default();
        assert_eq!(
            read(&plain, "1,234.50"),
            Err("'1,234.50' looks like a number with a thousands separator: set `thousands = \",\"` for sales.csv in the mapping".into())
        );
        assert_eq!(
            read(&plain, "$12.00"),
            Err("'$12.00' looks like an amount with a currency symbol: set `currency = \"$\"` for sales.csv in the mapping".into())
        );
        assert_eq!(
            read(&plain, "12,50"),
            Err("'12,50' looks like a number with a decimal comma: set `decimal = \",\"` for sales.csv in the mapping".into())
        );
        // What neither reads goes to the import's own number parser unchanged.
        assert_eq!(read(&plain, "1e5").as_deref(), Ok("1e5"));
        assert_eq!(read(&plain, "abc").as_deref(), Ok("abc"));
        // Passed on as one CSV field, whatever it holds.
        assert_eq!(read(&plain, "a,b\"c").as_deref(), Ok("\"a,b\"\"c\""));
    }
}
