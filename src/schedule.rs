//! Schedule maths: parsing cron strings and time zones. Pure — no clock, no I/O.

use chrono_tz::Tz;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ScheduleError {
    #[error("{0:?} is not a valid cron schedule ({1}); use \"sec min hour day-of-month month day-of-week\", e.g. \"0 0 9 * * Mon\"")]
    BadCron(String, String),
    #[error("{0:?} uses a numeric weekday; write Mon..Sun instead (the cron crate counts 1 as Sunday, which surprises people)")]
    NumericWeekday(String),
    #[error("{0:?} is not a known time zone; use an IANA name such as \"Europe/Berlin\" or \"America/New_York\"")]
    UnknownTimezone(String),
}

/// Parses a cron schedule in the `cron` crate's syntax (seconds first),
/// refusing numeric weekdays.
pub fn parse_cron(expr: &str) -> Result<cron::Schedule, ScheduleError> {
    let fields: Vec<&str> = expr.split_whitespace().collect();
    if fields.len() >= 6 && fields[5].bytes().any(|b| b.is_ascii_digit()) {
        return Err(ScheduleError::NumericWeekday(expr.to_owned()));
    }
    cron::Schedule::from_str(expr)
        .map_err(|e| ScheduleError::BadCron(expr.to_owned(), e.to_string()))
}

/// Parses an IANA time zone name.
pub fn parse_timezone(name: &str) -> Result<Tz, ScheduleError> {
    name.parse::<Tz>()
        .map_err(|_| ScheduleError::UnknownTimezone(name.to_owned()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn named_weekdays_parse() {
        assert!(parse_cron("0 0 9 * * Mon").is_ok());
        assert!(parse_cron("0 0 8 1,15 * *").is_ok());
        assert!(parse_cron("0 30 9 * * Mon-Fri").is_ok());
    }

    #[test]
    fn numeric_weekdays_are_refused() {
        assert_eq!(
            parse_cron("0 0 9 * * 1"),
            Err(ScheduleError::NumericWeekday("0 0 9 * * 1".into()))
        );
    }

    #[test]
    fn garbage_is_refused() {
        assert!(matches!(
            parse_cron("every monday"),
            Err(ScheduleError::BadCron(..))
        ));
        assert!(matches!(parse_cron(""), Err(ScheduleError::BadCron(..))));
    }

    #[test]
    fn time_zones() {
        assert!(parse_timezone("America/New_York").is_ok());
        assert!(parse_timezone("Mars/Olympus").is_err());
    }
}
