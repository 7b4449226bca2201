//! Working hours and meeting times: when people in different time zones
//! can meet. Pure — the clock is an argument, nothing is read or sent.

use chrono::{DateTime, Datelike, Duration, NaiveDate, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use std::fmt;

const DAY_MINUTES: i32 = 24 * 60;

/// A working day in local time, as minutes after midnight: from `start`
/// up to `end`, `start < end` (a shift over midnight is not supported).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Workday {
    start: u16,
    end: u16,
}

/// Why a working day was refused; shown to the member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkdayError {
    #[error("Write working hours as `start-end` in 24-hour time, e.g. `hours: 08:30-16:30`.")]
    Malformed,
    #[error(
        "Working hours must start before they end, on the same day, and last at least an hour."
    )]
    Backwards,
}

impl Workday {
    /// 09:00–17:00.
    pub const NINE_TO_FIVE: Workday = Workday {
        start: 9 * 60,
        end: 17 * 60,
    };

    /// From `start` to `end` minutes after midnight; at least an hour.
    pub fn new(start: u16, end: u16) -> Result<Self, WorkdayError> {
        if end as i32 > DAY_MINUTES || start + 60 > end {
            return Err(WorkdayError::Backwards);
        }
        Ok(Self { start, end })
    }

    /// `08:30-16:30` (also `8-16`, `8:30–16:30`, `08:30 to 16:30`).
    pub fn parse(text: &str) -> Result<Self, WorkdayError> {
        let text = text.trim().replace(['–', '—'], "-").replace(" to ", "-");
        let (a, b) = text.split_once('-').ok_or(WorkdayError::Malformed)?;
        Self::new(clock_minutes(a)?, clock_minutes(b)?)
    }

    pub fn start(&self) -> u16 {
        self.start
    }

    pub fn end(&self) -> u16 {
        self.end
    }

    pub fn hours(&self) -> f64 {
        f64::from(self.end - self.start) / 60.0
    }

    /// Whether `minutes` of a meeting starting `at` (minutes after local
    /// midnight) fit inside this working day.
    fn holds(&self, at: u32, minutes: u32) -> bool {
        at >= u32::from(self.start) && at + minutes <= u32::from(self.end)
    }
}

impl Default for Workday {
    fn default() -> Self {
        Self::NINE_TO_FIVE
    }
}

/// `9`, `09`, `9:30`, `09:30`, `24:00` → minutes after midnight.
fn clock_minutes(text: &str) -> Result<u16, WorkdayError> {
    let text = text.trim();
    let (h, m) = text.split_once(':').unwrap_or((text, "00"));
    let digits = |s: &str| !s.is_empty() && s.len() <= 2 && s.bytes().all(|b| b.is_ascii_digit());
    if !digits(h) || !digits(m) || m.len() != 2 {
        return Err(WorkdayError::Malformed);
    }
    let (h, m): (u16, u16) = (h.parse().unwrap_or(99), m.parse().unwrap_or(99));
    if m >= 60 || h > 24 || (h == 24 && m > 0) {
        return Err(WorkdayError::Malformed);
    }
    Ok(h * 60 + m)
}

impl fmt::Display for Workday {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:02}:{:02}-{:02}:{:02}",
            self.start / 60,
            self.start % 60,
            self.end / 60,
            self.end % 60
        )
    }
}

impl serde::Serialize for Workday {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

impl<'de> serde::Deserialize<'de> for Workday {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let text = String::deserialize(d)?;
        Workday::parse(&text).map_err(serde::de::Error::custom)
    }
}

/// Minutes a day that two people share at work: `a`'s working day at UTC
/// offset `offset_a` minutes and `b`'s at `offset_b` (days wrap: a working
/// day late in one zone can meet one early the next day in another).
pub fn shared_minutes(a: Workday, offset_a: i32, b: Workday, offset_b: i32) -> u32 {
    let (sa, ea) = (i32::from(a.start) - offset_a, i32::from(a.end) - offset_a);
    let (sb, eb) = (i32::from(b.start) - offset_b, i32::from(b.end) - offset_b);
    (-2..=2)
        .map(|k| {
            let (s, e) = (sb + k * DAY_MINUTES, eb + k * DAY_MINUTES);
            (ea.min(e) - sa.max(s)).max(0)
        })
        .sum::<i32>()
        .min(DAY_MINUTES) as u32
}

/// Someone who is to meet: where they are and when they work.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Attendee {
    pub zone: Tz,
    pub hours: Workday,
}

/// How meeting times are offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SlotRules {
    /// How many times to offer.
    pub count: usize,
    /// Length of the meeting, in minutes.
    pub minutes: u32,
    /// Days ahead to look in.
    pub days: i64,
    /// Least time from now to the first offered meeting.
    pub notice: Duration,
}

impl Default for SlotRules {
    fn default() -> Self {
        Self {
            count: 3,
            minutes: 30,
            days: 7,
            notice: Duration::hours(12),
        }
    }
}

/// Up to `rules.count` start times, on the half hour, between
/// `now + notice` and `now + days`, when a meeting of `rules.minutes` fits
/// inside every attendee's working hours on one of their own weekdays
/// (Monday to Friday where they are). One time per day where the days
/// allow, taken in turn early, mid-window and late in that day's shared
/// hours, so the offer is not three mornings; sorted. Empty when the
/// attendees share no working time in the week.
pub fn meeting_slots(
    now: DateTime<Utc>,
    attendees: &[Attendee],
    rules: SlotRules,
) -> Vec<DateTime<Utc>> {
    let fits = |t: DateTime<Utc>| {
        attendees.iter().all(|a| {
            let local = t.with_timezone(&a.zone);
            let weekday = !matches!(local.weekday(), Weekday::Sat | Weekday::Sun);
            weekday
                && a.hours
                    .holds(local.hour() * 60 + local.minute(), rules.minutes)
        })
    };
    let earliest = now + rules.notice;
    let half_hour = 30 * 60;
    let first = (earliest.timestamp() + half_hour - 1).div_euclid(half_hour) * half_hour;
    let last = (now + Duration::days(rules.days)).timestamp();
    // Days are counted where the first attendee is, so "one a day" means
    // one a day for at least one of them.
    let zone = attendees.first().map_or(Tz::UTC, |a| a.zone);
    let mut days: Vec<(NaiveDate, Vec<DateTime<Utc>>)> = Vec::new();
    let mut at = first;
    while at + i64::from(rules.minutes) * 60 <= last {
        let t = DateTime::from_timestamp(at, 0).expect("a time within range");
        if fits(t) {
            let day = t.with_timezone(&zone).date_naive();
            match days.last_mut() {
                Some((d, times)) if *d == day => times.push(t),
                _ => days.push((day, vec![t])),
            }
        }
        at += half_hour;
    }
    let mut chosen: Vec<DateTime<Utc>> = Vec::new();
    for (i, (_, times)) in days.iter().enumerate().take(rules.count) {
        let pick = match i % 3 {
            0 => 0,
            1 => times.len() / 2,
            _ => times.len() - 1,
        };
        chosen.push(times[pick]);
    }
    // Fewer days than times wanted: the remaining times come from the days
    // there are, an hour or more apart from those already chosen.
    let mut rest = days.iter().flat_map(|(_, times)| times.iter().copied());
    while chosen.len() < rules.count {
        let Some(t) = rest.next() else { break };
        if chosen.iter().all(|c| (*c - t).num_minutes().abs() >= 60) {
            chosen.push(t);
        }
    }
    chosen.sort();
    chosen
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn tz(name: &str) -> Tz {
        name.parse().unwrap()
    }

    #[test]
    fn working_hours_parse_and_print() {
        assert_eq!(
            Workday::parse("08:30-16:30").unwrap().to_string(),
            "08:30-16:30"
        );
        assert_eq!(Workday::parse("8-16").unwrap().to_string(), "08:00-16:00");
        assert_eq!(
            Workday::parse("7:00 – 18:00").unwrap().to_string(),
            "07:00-18:00"
        );
        assert_eq!(Workday::parse("0-24").unwrap().hours(), 24.0);
        for bad in ["", "9", "9-", "nine-five", "9:5-17", "25-26", "10:60-12"] {
            assert_eq!(Workday::parse(bad), Err(WorkdayError::Malformed), "{bad}");
        }
        for backwards in ["17-9", "9-9", "9:00-9:30", "22-06"] {
            assert_eq!(
                Workday::parse(backwards),
                Err(WorkdayError::Backwards),
                "{backwards}"
            );
        }
        let json = serde_json::to_string(&Workday::parse("8-16").unwrap()).unwrap();
        assert_eq!(json, "\"08:00-16:00\"");
        assert!(serde_json::from_str::<Workday>("\"17-9\"").is_err());
    }

    #[test]
    fn shared_minutes_follow_offsets_and_wrap_round_midnight() {
        let nine = Workday::NINE_TO_FIVE;
        assert_eq!(shared_minutes(nine, 0, nine, 0), 480);
        assert_eq!(shared_minutes(nine, 60, nine, -300), 120);
        assert_eq!(
            shared_minutes(nine, 540, nine, -300),
            0,
            "Tokyo and New York"
        );
        // +14 h and −12 h are 26 h apart: two hours apart on the clock.
        assert_eq!(shared_minutes(nine, 840, nine, -720), 360);
        let early = Workday::parse("07:00-18:00").unwrap();
        let late = Workday::parse("07:00-19:00").unwrap();
        // Tokyo 07:00 is New York 17:00 the day before (winter).
        assert_eq!(shared_minutes(early, 540, late, -300), 120);
        assert_eq!(
            shared_minutes(early, 540, late, -300),
            shared_minutes(late, -300, early, 540)
        );
    }

    fn inside(t: DateTime<Utc>, a: &Attendee, minutes: u32) -> bool {
        let local = t.with_timezone(&a.zone);
        let start = local.hour() * 60 + local.minute();
        !matches!(local.weekday(), Weekday::Sat | Weekday::Sun) && a.hours.holds(start, minutes)
    }

    #[test]
    fn tokyo_and_new_york_meet_at_the_edges_of_their_days_on_weekdays_only() {
        let tokyo = Attendee {
            zone: tz("Asia/Tokyo"),
            hours: Workday::parse("07:00-18:00").unwrap(),
        };
        let new_york = Attendee {
            zone: tz("America/New_York"),
            hours: Workday::parse("07:00-19:00").unwrap(),
        };
        // Tuesday 1 December 2026, 08:00 UTC.
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        let slots = meeting_slots(now, &[tokyo, new_york], SlotRules::default());
        assert_eq!(slots.len(), 3, "{slots:?}");
        let mut days = Vec::new();
        for t in &slots {
            assert!(inside(*t, &tokyo, 30) && inside(*t, &new_york, 30), "{t}");
            assert!(*t >= now + Duration::hours(12) && *t <= now + Duration::days(7));
            days.push(t.with_timezone(&tokyo.zone).date_naive());
        }
        days.dedup();
        assert_eq!(days.len(), 3, "one a day: {slots:?}");
        // Early, mid-window and late in the 2-hour window (22:00–00:00 UTC).
        let minutes: Vec<u32> = slots.iter().map(|t| t.hour() * 60 + t.minute()).collect();
        assert_eq!(minutes, vec![22 * 60, 23 * 60, 23 * 60 + 30]);
        assert!(slots.windows(2).all(|w| w[0] < w[1]));
        // No meeting on a Friday evening in New York: that is Saturday in
        // Tokyo. (Friday 4 Dec 22:00 UTC is Saturday 07:00 in Tokyo.)
        let every = meeting_slots(
            now,
            &[tokyo, new_york],
            SlotRules {
                count: 100,
                ..SlotRules::default()
            },
        );
        assert!(every.iter().all(|t| inside(*t, &tokyo, 30)));
        assert!(!every
            .iter()
            .any(|t| t.with_timezone(&tokyo.zone).weekday() == Weekday::Sat));
    }

    #[test]
    fn nine_to_five_in_tokyo_and_new_york_share_nothing() {
        let nine = |zone: &str| Attendee {
            zone: tz(zone),
            hours: Workday::NINE_TO_FIVE,
        };
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        assert!(meeting_slots(
            now,
            &[nine("Asia/Tokyo"), nine("America/New_York")],
            SlotRules::default()
        )
        .is_empty());
    }

    #[test]
    fn one_short_day_still_gives_times_an_hour_apart() {
        let berlin = Attendee {
            zone: tz("Europe/Berlin"),
            hours: Workday::NINE_TO_FIVE,
        };
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
        // Only two days ahead: one weekday (Wednesday) after 12 h notice.
        let slots = meeting_slots(
            now,
            &[berlin],
            SlotRules {
                days: 2,
                ..SlotRules::default()
            },
        );
        assert_eq!(slots.len(), 3, "{slots:?}");
        assert!(slots.windows(2).all(|w| (w[1] - w[0]).num_minutes() >= 60));
        assert!(slots.iter().all(|t| inside(*t, &berlin, 30)));
    }

    #[test]
    fn a_daylight_saving_change_keeps_local_hours() {
        // New York moves its clocks on Sunday 8 March 2026.
        let new_york = Attendee {
            zone: tz("America/New_York"),
            hours: Workday::NINE_TO_FIVE,
        };
        let now = Utc.with_ymd_and_hms(2026, 3, 6, 12, 0, 0).unwrap();
        let slots = meeting_slots(
            now,
            &[new_york],
            SlotRules {
                count: 200,
                ..SlotRules::default()
            },
        );
        assert!(!slots.is_empty());
        assert!(slots.iter().all(|t| inside(*t, &new_york, 30)));
        let first_local = slots[0].with_timezone(&new_york.zone);
        assert_eq!((first_local.hour(), first_local.minute()), (9, 0));
    }
}
