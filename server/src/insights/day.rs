//! Calendar days (UTC), the only time an insight event keeps: enough for
//! "outcomes over time", too coarse to line events up into one person's
//! walk.

use std::fmt;
use std::time::{SystemTime, UNIX_EPOCH};

/// A proleptic Gregorian date, written `YYYY-MM-DD` (years 1..=9999), which
/// sorts as text the way it sorts as a date: both databases store it as text.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Day {
    year: u16,
    month: u8,
    day: u8,
}

/// Why a `YYYY-MM-DD` text is not a day.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum DayError {
    /// Not ten characters of the `YYYY-MM-DD` shape.
    #[error("\"{0}\" is not a date of the form YYYY-MM-DD")]
    Shape(String),
    /// The shape is right but no such date exists (2026-02-30).
    #[error("\"{0}\" is not a real date")]
    NoSuchDate(String),
}

impl Day {
    /// The day `days` days after 1970-01-01 (negative: before). Howard
    /// Hinnant's `civil_from_days`.
    pub fn from_unix_days(days: i64) -> Self {
        let z = days + 719_468;
        let era = z.div_euclid(146_097);
        let doe = z.rem_euclid(146_097);
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
        let mp = (5 * doy + 2) / 153;
        let day = doy - (153 * mp + 2) / 5 + 1;
        let month = if mp < 10 { mp + 3 } else { mp - 9 };
        let year = yoe + era * 400 + i64::from(month <= 2);
        Self {
            year: year.clamp(1, 9999) as u16,
            month: month as u8,
            day: day as u8,
        }
    }

    /// The UTC day of `time`.
    pub fn of(time: SystemTime) -> Self {
        let seconds = match time.duration_since(UNIX_EPOCH) {
            Ok(after) => after.as_secs() as i64,
            Err(before) => -(before.duration().as_secs() as i64) - 1,
        };
        Self::from_unix_days(seconds.div_euclid(86_400))
    }

    /// Today, in UTC.
    pub fn today() -> Self {
        Self::of(SystemTime::now())
    }

    /// Reads `YYYY-MM-DD`, refusing dates that do not exist.
    pub fn parse(text: &str) -> Result<Self, DayError> {
        let shape = || DayError::Shape(text.to_owned());
        let bytes = text.as_bytes();
        if bytes.len() != 10 || bytes[4] != b'-' || bytes[7] != b'-' {
            return Err(shape());
        }
        let number = |range: std::ops::Range<usize>| -> Result<u16, DayError> {
            let part = &text[range];
            if !part.bytes().all(|b| b.is_ascii_digit()) {
                return Err(shape());
            }
            part.parse().map_err(|_| shape())
        };
        let (year, month, day) = (number(0..4)?, number(5..7)?, number(8..10)?);
        let real = year >= 1
            && (1..=12).contains(&month)
            && day >= 1
            && day <= u16::from(days_in_month(year, month as u8));
        if !real {
            return Err(DayError::NoSuchDate(text.to_owned()));
        }
        Ok(Self {
            year,
            month: month as u8,
            day: day as u8,
        })
    }
}

fn days_in_month(year: u16, month: u8) -> u8 {
    match month {
        4 | 6 | 9 | 11 => 30,
        2 if year.is_multiple_of(4) && (!year.is_multiple_of(100) || year.is_multiple_of(400)) => {
            29
        }
        2 => 28,
        _ => 31,
    }
}

impl fmt::Display for Day {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:04}-{:02}-{:02}", self.year, self.month, self.day)
    }
}

#[cfg(test)]
mod tests {
    use std::time::Duration;

    use super::*;

    #[test]
    fn the_epoch_and_known_days_come_out_right() {
        assert_eq!(Day::from_unix_days(0).to_string(), "1970-01-01");
        assert_eq!(Day::from_unix_days(-1).to_string(), "1969-12-31");
        // 2000-02-29 (a leap day of a century divisible by 400).
        assert_eq!(Day::from_unix_days(11_016).to_string(), "2000-02-29");
        assert_eq!(Day::from_unix_days(20_789).to_string(), "2026-12-02");
    }

    #[test]
    fn a_time_late_in_the_day_is_still_that_day() {
        let late = UNIX_EPOCH + Duration::from_secs(20_789 * 86_400 + 86_399);
        assert_eq!(Day::of(late).to_string(), "2026-12-02");
    }

    #[test]
    fn every_day_of_four_centuries_reads_back_what_it_writes() {
        for days in -200_000..200_000 {
            let day = Day::from_unix_days(days);
            assert_eq!(Day::parse(&day.to_string()), Ok(day), "day {days}");
        }
    }

    #[test]
    fn dates_that_do_not_exist_are_refused_with_the_reason() {
        for text in [
            "2026-02-29",
            "2100-02-29",
            "2026-13-01",
            "2026-04-31",
            "0000-01-01",
        ] {
            assert_eq!(
                Day::parse(text),
                Err(DayError::NoSuchDate(text.to_owned())),
                "{text}"
            );
        }
        assert!(Day::parse("2024-02-29").is_ok());
    }

    #[test]
    fn other_shapes_are_refused() {
        for text in [
            "2026-1-01",
            "26-12-02",
            "2026/12/02",
            "2026-12-0x",
            "+026-12-02",
            "",
        ] {
            assert_eq!(Day::parse(text), Err(DayError::Shape(text.to_owned())));
        }
    }
}
