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

/// A first meeting time for people in `zones`: the next weekday after `now`
/// (in the first person's zone) at the start of the hours all of them are
/// between 09:00 and 17:00 local, or 10:00 for the first person when their
/// days do not overlap. Pure: the clock is an argument.
pub fn first_meeting(
    now: chrono::DateTime<chrono::Utc>,
    zones: &[Tz],
) -> chrono::DateTime<chrono::Utc> {
    use chrono::{Datelike, Duration, TimeZone, Timelike, Weekday};
    let first = zones.first().copied().unwrap_or(Tz::UTC);
    let mut day = now.with_timezone(&first).date_naive() + Duration::days(1);
    while matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
        day += Duration::days(1);
    }
    // Try each half hour of the first person's working day; the first slot
    // inside everyone's 09:00–17:00 wins.
    let at = |minutes: i64| {
        let naive = day.and_hms_opt(0, 0, 0).unwrap() + Duration::minutes(minutes);
        first
            .from_local_datetime(&naive)
            .earliest()
            .map(|t| t.with_timezone(&chrono::Utc))
    };
    for slot in (9 * 60..17 * 60).step_by(30) {
        if let Some(t) = at(slot) {
            let fits = zones.iter().all(|z| {
                let local = t.with_timezone(z);
                let m = local.hour() * 60 + local.minute();
                (9 * 60..16 * 60 + 30).contains(&m)
            });
            if fits {
                return t;
            }
        }
    }
    at(10 * 60).unwrap_or(now)
}

#[cfg(test)]
mod meeting_tests {
    use super::*;
    use chrono::{TimeZone, Timelike, Utc};

    #[test]
    fn picks_the_next_weekday_inside_both_working_days() {
        let friday = Utc.with_ymd_and_hms(2026, 11, 27, 15, 0, 0).unwrap();
        let berlin: Tz = "Europe/Berlin".parse().unwrap();
        let new_york: Tz = "America/New_York".parse().unwrap();
        let t = first_meeting(friday, &[berlin, new_york]);
        // Monday 30 Nov: 09:00 New York is 15:00 Berlin.
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 30, 14, 0, 0).unwrap());
        assert_eq!(t.with_timezone(&new_york).hour(), 9);
        let tokyo: Tz = "Asia/Tokyo".parse().unwrap();
        let t = first_meeting(friday, &[new_york, tokyo]);
        assert_eq!(
            t.with_timezone(&new_york).hour(),
            10,
            "no overlap: 10:00 for the first"
        );
    }
}

/// The next time `schedule` fires after `after`, reading the schedule in
/// `zone`: "09:00 Monday" stays 09:00 local across daylight-saving changes.
pub fn next_in_zone(
    schedule: &cron::Schedule,
    zone: Tz,
    after: chrono::DateTime<chrono::Utc>,
) -> Option<chrono::DateTime<chrono::Utc>> {
    schedule
        .after(&after.with_timezone(&zone))
        .next()
        .map(|t| t.with_timezone(&chrono::Utc))
}

/// A local wall-clock time in `zone` as UTC. A time skipped by a
/// daylight-saving jump is read as the hour after it; an ambiguous one
/// (the repeated hour) as its first occurrence.
pub fn local_to_utc(zone: Tz, local: chrono::NaiveDateTime) -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    zone.from_local_datetime(&local)
        .earliest()
        .or_else(|| {
            zone.from_local_datetime(&(local + chrono::Duration::hours(1)))
                .earliest()
        })
        .map(|t| t.with_timezone(&chrono::Utc))
        .unwrap_or_else(|| local.and_utc())
}

/// A member's zone, or `default` when theirs is missing or unknown; the flag
/// says whether the default was used, so the caller can log it.
pub fn zone_or_default(name: Option<&str>, default: Tz) -> (Tz, bool) {
    match name.and_then(|n| n.parse::<Tz>().ok()) {
        Some(z) => (z, false),
        None => (default, true),
    }
}

#[cfg(test)]
mod zone_tests {
    use super::*;
    use chrono::{TimeZone, Utc};

    #[test]
    fn nine_local_stays_nine_local_across_both_dst_changes() {
        let monday_nine = parse_cron("0 0 9 * * Mon").unwrap();
        let ny: Tz = "America/New_York".parse().unwrap();
        // Before the November change: EDT, 09:00 = 13:00 UTC.
        let t = next_in_zone(
            &monday_nine,
            ny,
            Utc.with_ymd_and_hms(2026, 10, 20, 0, 0, 0).unwrap(),
        )
        .unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 10, 26, 13, 0, 0).unwrap());
        // After it (1 Nov 2026): EST, 09:00 = 14:00 UTC.
        let t = next_in_zone(&monday_nine, ny, t).unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2026, 11, 2, 14, 0, 0).unwrap());
        // Across the March change (14 Mar 2027): back to 13:00 UTC.
        let t = next_in_zone(
            &monday_nine,
            ny,
            Utc.with_ymd_and_hms(2027, 3, 9, 0, 0, 0).unwrap(),
        )
        .unwrap();
        assert_eq!(t, Utc.with_ymd_and_hms(2027, 3, 15, 13, 0, 0).unwrap());
    }

    #[test]
    fn unknown_zones_fall_back_and_say_so() {
        let utc: Tz = "UTC".parse().unwrap();
        assert!(!zone_or_default(Some("Europe/Berlin"), utc).1);
        assert_eq!(zone_or_default(Some("Mars/Base"), utc), (utc, true));
        assert_eq!(zone_or_default(None, utc), (utc, true));
    }
}
