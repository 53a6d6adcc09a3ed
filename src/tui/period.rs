//! The session's period: a range of dates every view that reads transactions takes its lines
//! from, set with `P` and shown in the title bar. Written as an analyst says it: a day, a
//! month, a quarter or a year, or a range of them (`2024-02-03..2025-01-15`, `2024-Q3`,
//! `2024-05..`, `..2024-06`); empty or `all` for every date.

use crate::date::Date;
use crate::store::realization::Scope;

/// A range of dates, each end open when `None`.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Period {
    pub from: Option<Date>,
    pub to: Option<Date>,
}

impl Period {
    /// True for every date.
    pub fn is_all(&self) -> bool {
        self.from.is_none() && self.to.is_none()
    }

    /// The period as the title bar says it.
    pub fn label(&self) -> String {
        match (self.from, self.to) {
            (None, None) => "all dates".to_string(),
            (Some(f), Some(t)) if f == t => f.to_string(),
            (Some(f), Some(t)) => format!("{f} – {t}"),
            (Some(f), None) => format!("from {f}"),
            (None, Some(t)) => format!("to {t}"),
        }
    }

    /// The period as the prompt starts with it: what [`Period::parse`] reads back.
    pub fn text(&self) -> String {
        match (self.from, self.to) {
            (None, None) => String::new(),
            (from, to) => format!(
                "{}..{}",
                from.map(|d| d.to_string()).unwrap_or_default(),
                to.map(|d| d.to_string()).unwrap_or_default()
            ),
        }
    }

    /// A scope of every line in the period.
    pub fn scope(&self) -> Scope {
        Scope {
            from: self.from,
            to: self.to,
            ..Scope::default()
        }
    }

    /// Reads a period: `A..B` (either end may be left out), or one day, month (`2024-05`),
    /// quarter (`2024-Q3`) or year (`2024`); empty or `all` for every date.
    pub fn parse(text: &str) -> Result<Period, String> {
        let text = text.trim();
        if text.is_empty() || text.eq_ignore_ascii_case("all") {
            return Ok(Period::default());
        }
        let (from, to) = match text.split_once("..") {
            Some((a, b)) => (span(a)?.map(|s| s.0), span(b)?.map(|s| s.1)),
            None => {
                let s = span(text)?;
                (s.map(|s| s.0), s.map(|s| s.1))
            }
        };
        if let (Some(f), Some(t)) = (from, to)
            && f > t
        {
            return Err(format!("the period starts ({f}) after it ends ({t})"));
        }
        Ok(Period { from, to })
    }
}

/// The first and last day `text` names (`None` for an empty end of a range).
fn span(text: &str) -> Result<Option<(Date, Date)>, String> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(None);
    }
    let bad = || {
        format!(
            "'{t}' is not a period: write a day (2024-02-03), a month (2024-05), a quarter (2024-Q3), a year (2024), or a range of them (2024-02-03..2025-01-15)"
        )
    };
    let year = |y: &str| -> Result<i32, String> {
        match y.len() == 4 && y.bytes().all(|b| b.is_ascii_digit()) {
            true => y.parse().map_err(|_| bad()),
            false => Err(bad()),
        }
    };
    // The months first_month..=last_month of `y`.
    let months = |y: i32, first: u32, last: u32| -> Result<(Date, Date), String> {
        let start = Date::from_ymd(y, first, 1).ok_or_else(bad)?;
        let after = match last {
            12 => Date::from_ymd(y + 1, 1, 1),
            m => Date::from_ymd(y, m + 1, 1),
        }
        .ok_or_else(bad)?;
        Ok((start, after.add_days(-1)))
    };
    let parts: Vec<&str> = t.split('-').collect();
    let span = match parts.as_slice() {
        [y] => months(year(y)?, 1, 12)?,
        [y, q] if q.len() == 2 && q.as_bytes()[0].eq_ignore_ascii_case(&b'q') => {
            let q: u32 = q[1..].parse().map_err(|_| bad())?;
            if !(1..=4).contains(&q) {
                return Err(bad());
            }
            months(year(y)?, 3 * q - 2, 3 * q)?
        }
        [y, m] if m.len() == 2 => {
            let m: u32 = m.parse().map_err(|_| bad())?;
            if !(1..=12).contains(&m) {
                return Err(bad());
            }
            months(year(y)?, m, m)?
        }
        [_, _, _] => {
            let d = Date::parse(t).ok_or_else(bad)?;
            (d, d)
        }
        _ => return Err(bad()),
    };
    Ok(Some(span))
}

#[cfg(test)]
#[allow(clippy::unwrap_used)]
mod tests {
    use super::*;

    fn d(s: &str) -> Option<Date> {
        Date::parse(s)
    }

    #[test]
    fn reads_days_months_quarters_years_and_ranges_of_them() {
        let p = |s: &str| Period::parse(s).unwrap();
        assert_eq!(p(""), Period::default());
        assert_eq!(p(" all "), Period::default());
        assert_eq!(
            p("2024-02-03"),
            Period {
                from: d("2024-02-03"),
                to: d("2024-02-03")
            }
        );
        assert_eq!(
            p("2024-02"),
            Period {
                from: d("2024-02-01"),
                to: d("2024-02-29")
            }
        );
        assert_eq!(
            p("2023-02"),
            Period {
                from: d("2023-02-01"),
                to: d("2023-02-28")
            }
        );
        assert_eq!(
            p("2024-q4"),
            Period {
                from: d("2024-10-01"),
                to: d("2024-12-31")
            }
        );
        assert_eq!(
            p("2024-Q1"),
            Period {
                from: d("2024-01-01"),
                to: d("2024-03-31")
            }
        );
        assert_eq!(
            p("2024"),
            Period {
                from: d("2024-01-01"),
                to: d("2024-12-31")
            }
        );
        assert_eq!(
            p("2024-02-03..2025-01-15"),
            Period {
                from: d("2024-02-03"),
                to: d("2025-01-15")
            }
        );
        assert_eq!(
            p("2024-05.."),
            Period {
                from: d("2024-05-01"),
                to: None
            }
        );
        assert_eq!(
            p("..2024-06"),
            Period {
                from: None,
                to: d("2024-06-30")
            }
        );
        assert_eq!(
            p("2024-Q2..2024-11"),
            Period {
                from: d("2024-04-01"),
                to: d("2024-11-30")
            }
        );
    }

    #[test]
    fn says_what_is_wrong() {
        let e = |s: &str| Period::parse(s).unwrap_err();
        assert!(
            e("yesterday").starts_with("'yesterday' is not a period: write a day (2024-02-03)")
        );
        assert!(e("2024-13").starts_with("'2024-13' is not a period"));
        assert!(e("2024-Q5").starts_with("'2024-Q5' is not a period"));
        assert!(e("2024-02-30").starts_with("'2024-02-30' is not a period"));
        assert!(e("2024-02-03..24").starts_with("'24' is not a period"));
        assert_eq!(
            e("2025-01-01..2024-12-31"),
            "the period starts (2025-01-01) after it ends (2024-12-31)"
        );
    }

    #[test]
    fn labels_and_text_read_back() {
        for text in ["", "2024-02-03..2025-01-15", "2024-05-01..", "..2024-06-30"] {
            let p = Period::parse(text).unwrap();
            assert_eq!(Period::parse(&p.text()).unwrap(), p, "{text}");
        }
        let p = |s: &str| Period::parse(s).unwrap().label();
        assert_eq!(p(""), "all dates");
        assert_eq!(p("2024-02-03..2025-01-15"), "2024-02-03 – 2025-01-15");
        assert_eq!(p("2024-02-03"), "2024-02-03");
        assert_eq!(p("2024-05.."), "from 2024-05-01");
        assert_eq!(p("..2024-06"), "to 2024-06-30");
    }
}
