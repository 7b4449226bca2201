//! The calendar invite for a confirmed first meeting: an iCalendar
//! (RFC 5545) file any calendar opens, so nobody needs to connect a
//! calendar account. Built by the `icalendar` crate; pure — the time of
//! writing is an argument.

use chrono::{DateTime, Duration, Utc};
use icalendar::{Alarm, Calendar, Component, EventLike, Trigger};

/// A first meeting to put in people's calendars.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Meeting {
    /// Stable for the same meeting, so a calendar that imports the file
    /// twice updates one event instead of adding two.
    pub uid: String,
    pub starts: DateTime<Utc>,
    pub minutes: u32,
    /// How long before it the calendar should remind.
    pub remind: Duration,
}

/// The `.ics` text for `meeting`, written at `now`. Times are UTC (the
/// `Z` form), which every calendar shows in its reader's own zone. It
/// names nobody: the invite is a file in the group's DM, and names there
/// would be the only personal data in it.
pub fn invite(meeting: &Meeting, now: DateTime<Utc>) -> String {
    let ends = meeting.starts + Duration::minutes(i64::from(meeting.minutes));
    let event = icalendar::Event::new()
        .uid(&meeting.uid)
        .timestamp(now)
        .summary("Tandem peer mentoring")
        .description(
            "Your first Tandem meeting, as you all picked in your group DM. \
             Agree there where (or on which call) you'll meet.",
        )
        .starts(meeting.starts)
        .ends(ends)
        .alarm(Alarm::display(
            "Tandem peer mentoring starts soon",
            Trigger::before_start(meeting.remind),
        ))
        .done();
    Calendar::new()
        .name("Tandem")
        .push(event)
        .done()
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn the_invite_holds_the_meeting_in_utc() {
        let starts = Utc.with_ymd_and_hms(2026, 12, 2, 22, 0, 0).unwrap();
        let now = Utc.with_ymd_and_hms(2026, 12, 1, 9, 0, 0).unwrap();
        let text = invite(
            &Meeting {
                uid: "tandem-T1-3-0@tandem".into(),
                starts,
                minutes: 30,
                remind: Duration::minutes(15),
            },
            now,
        );
        for line in [
            "BEGIN:VCALENDAR",
            "BEGIN:VEVENT",
            "UID:tandem-T1-3-0@tandem",
            "DTSTART:20261202T220000Z",
            "DTEND:20261202T223000Z",
            "DTSTAMP:20261201T090000Z",
            "BEGIN:VALARM",
            "END:VCALENDAR",
        ] {
            assert!(text.lines().any(|l| l == line), "{line} in\n{text}");
        }
        assert!(text.contains("\r\n"), "lines end in CRLF");
    }
}
