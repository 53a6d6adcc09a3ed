//! Calendar dates as days since 1970-01-01: parsing `YYYY-MM-DD` within the accepted range
//! (1900-01-01 to 2199-12-31), weeks starting Monday, months.
//!
//! The calendar is written here rather than taken from a crate: the import parses one date per
//! line at the speed of the disk straight into the day number the workspace stores, and the
//! arithmetic is Howard Hinnant's well-known pair of functions, checked below day by day over
//! the whole accepted range.

use std::fmt;
use std::str::FromStr;

/// A calendar date (proleptic Gregorian), stored as days since 1970-01-01.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Date(pub i32);

impl Date {
    /// The first accepted date, 1900-01-01 (a Monday, so no week starts before it). Every real
    /// business date is later; spreadsheets count their dates from it too.
    pub const MIN: Date = Date(-25_567);
    /// The last accepted date, 2199-12-31: room for long contracts and forecasts, while the
    /// "open end" placeholders of ERP exports (9999-12-31, 2999-12-31) are refused instead of
    /// moving every default baseline into the far future.
    pub const MAX: Date = Date(84_005);

    /// Parses exactly `YYYY-MM-DD` between [`Date::MIN`] and [`Date::MAX`]; rejects impossible
    /// dates such as 2024-02-30. `str::parse::<Date>` says why a text is refused.
    ///
    /// ```
    /// use pricebench::date::Date;
    /// let leap = Date::parse("2024-02-29").map(|d| d.week_start().to_string());
    /// assert_eq!(leap.as_deref(), Some("2024-02-26"));
    /// assert_eq!(Date::parse("2024-02-30"), None);
    /// ```
    pub fn parse(s: &str) -> Option<Date> {
        s.parse().ok()
    }

    fn parse_any(s: &str) -> Option<Date> {
        let b = s.as_bytes();
        if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
            return None;
        }
        let year = digits(&b[0..4])?;
        let month = digits(&b[5..7])?;
        let day = digits(&b[8..10])?;
        Date::from_ymd(year as i32, month, day)
    }

    /// The date for a year, month (1–12) and day, or `None` if it does not exist.
    pub fn from_ymd(year: i32, month: u32, day: u32) -> Option<Date> {
        if !(1..=12).contains(&month) || day == 0 || day > days_in_month(year, month) {
            return None;
        }
        Some(Date(days_from_civil(year, month, day)))
    }

    /// Year, month (1–12) and day.
    pub fn ymd(self) -> (i32, u32, u32) {
        civil_from_days(self.0)
    }

    /// Monday of this date's week (weeks start on Monday; a week spanning New Year is one week).
    pub fn week_start(self) -> Date {
        // 1970-01-01 was a Thursday: weekday index with Monday = 0 is (days + 3) mod 7.
        Date(self.0 - (self.0 + 3).rem_euclid(7))
    }

    /// First day of this date's month.
    pub fn month_start(self) -> Date {
        let (y, m, _) = self.ymd();
        Date(days_from_civil(y, m, 1))
    }

    /// The date `n` days later (earlier when negative).
    pub fn add_days(self, n: i32) -> Date {
        Date(self.0 + n)
    }
}

/// Why a text is not an accepted date; the message quotes the text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DateError {
    #[error("'{0}' is not a date (expected YYYY-MM-DD)")]
    NotADate(String),
    #[error("'{0}' is outside the accepted dates ({min} to {max})", min = Date::MIN, max = Date::MAX)]
    OutOfRange(String),
}

impl FromStr for Date {
    type Err = DateError;

    fn from_str(s: &str) -> Result<Date, DateError> {
        match Date::parse_any(s) {
            Some(d) if (Date::MIN..=Date::MAX).contains(&d) => Ok(d),
            Some(_) => Err(DateError::OutOfRange(s.to_string())),
            None => Err(DateError::NotADate(s.to_string())),
        }
    }
}

/// The time now in UTC as `YYYY-MM-DDTHH:MM:SSZ`, the stamp the workspace stores.
pub fn utc_now() -> String {
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_secs() as i64);
    utc_stamp(now)
}

/// Seconds since 1970-01-01T00:00:00Z as `YYYY-MM-DDTHH:MM:SSZ`.
pub fn utc_stamp(seconds: i64) -> String {
    let date = Date(seconds.div_euclid(86_400) as i32);
    let secs = seconds.rem_euclid(86_400);
    format!(
        "{date}T{:02}:{:02}:{:02}Z",
        secs / 3600,
        secs / 60 % 60,
        secs % 60
    )
}

impl fmt::Display for Date {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (y, m, d) = self.ymd();
        write!(f, "{y:04}-{m:02}-{d:02}")
    }
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |acc, &c| {
        c.is_ascii_digit().then(|| acc * 10 + u32::from(c - b'0'))
    })
}

fn is_leap(year: i32) -> bool {
    (year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

fn days_in_month(year: i32, month: u32) -> u32 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if is_leap(year) => 29,
        2 => 28,
        _ => 31,
    }
}

// Howard Hinnant's days_from_civil / civil_from_days.
fn days_from_civil(y: i32, m: u32, d: u32) -> i32 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let m = m as i32;
    let doy = (153 * (if m > 2 { m - 3 } else { m + 9 }) + 2) / 5 + d as i32 - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i32) -> (i32, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i32::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utc_stamps_count_seconds_from_1970() {
        assert_eq!(utc_stamp(0), "1970-01-01T00:00:00Z");
        // 2024-02-29 is day 19,782; 13:05:09 is 47,109 s into it.
        assert_eq!(utc_stamp(19_782 * 86_400 + 47_109), "2024-02-29T13:05:09Z");
        assert_eq!(utc_stamp(-1), "1969-12-31T23:59:59Z");
    }

    #[test]
    fn parses_and_prints_round_trip() {
        for s in [
            "1970-01-01",
            "2024-02-29",
            "2023-12-31",
            "2000-03-01",
            "1999-12-31",
        ] {
            assert_eq!(Date::parse(s).map(|d| d.to_string()).as_deref(), Some(s));
        }
    }

    #[test]
    fn rejects_impossible_dates() {
        for s in [
            "2024-02-30",
            "2023-02-29",
            "2024-13-01",
            "2024-00-10",
            "2024-1-01",
            "24-01-01x",
            "2024/01/01",
        ] {
            assert_eq!(Date::parse(s), None, "{s}");
        }
    }

    #[test]
    fn week_starts_on_monday_across_new_year() {
        // 2025-01-01 is a Wednesday; its week started Monday 2024-12-30.
        let d = Date::parse("2025-01-01").unwrap_or(Date(0));
        assert_eq!(d.week_start().to_string(), "2024-12-30");
        let mon = Date::parse("2024-12-30").unwrap_or(Date(0));
        assert_eq!(mon.week_start(), mon);
        let sun = Date::parse("2025-01-05").unwrap_or(Date(0));
        assert_eq!(sun.week_start(), mon);
        assert_eq!(d.month_start().to_string(), "2025-01-01");
    }

    #[test]
    fn accepts_exactly_1900_01_01_to_2199_12_31() {
        for s in ["1900-01-01", "2199-12-31"] {
            assert_eq!(s.parse::<Date>().map(|d| d.to_string()), Ok(s.to_string()));
        }
        for s in ["1899-12-31", "2200-01-01", "0000-01-01", "9999-12-31"] {
            assert_eq!(
                s.parse::<Date>(),
                Err(DateError::OutOfRange(s.into())),
                "{s}"
            );
            assert_eq!(Date::parse(s), None, "{s}");
        }
        assert_eq!(
            DateError::OutOfRange("9999-12-31".into()).to_string(),
            "'9999-12-31' is outside the accepted dates (1900-01-01 to 2199-12-31)"
        );
        assert_eq!(
            "2024-02-30".parse::<Date>(),
            Err(DateError::NotADate("2024-02-30".into()))
        );
    }

    #[test]
    fn every_accepted_day_follows_the_one_before_and_prints_back() {
        let leap = |y: i32| y % 4 == 0 && (y % 100 != 0 || y % 400 == 0);
        let mut prev = (1899, 12, 31);
        for n in Date::MIN.0..=Date::MAX.0 {
            let d = Date(n);
            let (y, m, day) = d.ymd();
            let expected = match prev {
                (py, 12, 31) => (py + 1, 1, 1),
                (py, 2, 28) if !leap(py) => (py, 3, 1),
                (py, 2, 29) => (py, 3, 1),
                (py, pm @ (4 | 6 | 9 | 11), 30) => (py, pm + 1, 1),
                (py, pm, 31) => (py, pm + 1, 1),
                (py, pm, pd) => (py, pm, pd + 1),
            };
            assert_eq!((y, m, day), expected, "day {n}");
            let text = d.to_string();
            assert_eq!(text.len(), 10, "{text}");
            assert_eq!(Date::parse(&text), Some(d), "{text}");
            // 1900-01-01 was a Monday.
            assert_eq!(d.week_start().0, n - (n - Date::MIN.0) % 7, "{text}");
            assert!(d.week_start() >= Date::MIN && d.month_start() >= Date::MIN);
            prev = (y, m, day);
        }
        assert_eq!(prev, (2199, 12, 31));
    }
}
