//! The program's clock faces: its default zone and its cron schedules,
//! parsed once when the app starts (config validation has already refused
//! bad ones), since a check-in run asks for thousands of next times.

use crate::config::Config;
use crate::domain::profile::Profile;
use crate::ids::UserId;
use crate::meeting_time::{Attendee, SlotRules, Workday};
use chrono::{DateTime, Utc};
use chrono_tz::Tz;
use cron::Schedule;

pub struct ProgramTime {
    /// `program.default_timezone`: rounds and circle prompts run in it, and
    /// members whose own zone is unknown fall back to it.
    pub zone: Tz,
    /// `meetings.working_hours`: for members who set none of their own.
    pub hours: Workday,
    /// How an intro offers meeting times (`meetings.length_minutes`).
    pub slots: SlotRules,
    /// How long before a confirmed meeting its reminder goes.
    pub reminder: chrono::Duration,
    round: Option<Schedule>,
    checkin: Option<Schedule>,
    prompt: Option<Schedule>,
}

impl ProgramTime {
    pub fn new(config: &Config) -> Self {
        let cron = |expr: &str| crate::schedule::parse_cron(expr).ok();
        Self {
            zone: crate::schedule::parse_timezone(&config.program.default_timezone)
                .unwrap_or(chrono_tz::UTC),
            hours: config.meetings.workday(),
            slots: SlotRules {
                minutes: config.meetings.length_minutes,
                ..SlotRules::default()
            },
            reminder: chrono::Duration::minutes(i64::from(config.meetings.reminder_minutes)),
            round: cron(&config.program.round_schedule),
            checkin: cron(&config.program.checkin_schedule),
            prompt: cron(&config.circles.prompt_schedule),
        }
    }

    /// A member's zone, or the program's when theirs is missing or unknown
    /// (the flag says which, so the caller can log it).
    pub fn zone_of(&self, timezone: Option<&str>) -> (Tz, bool) {
        crate::schedule::zone_or_default(timezone, self.zone)
    }

    /// The zones of `members`, read from `profiles`.
    pub fn zones_of(&self, members: &[UserId], profiles: &[(UserId, Profile)]) -> Vec<Tz> {
        members
            .iter()
            .map(|m| {
                let timezone = profiles
                    .iter()
                    .find(|(u, _)| u == m)
                    .and_then(|(_, p)| p.timezone.as_deref());
                self.zone_of(timezone).0
            })
            .collect()
    }

    /// Where `members` are and when they work, read from `profiles`.
    pub fn attendees_of(
        &self,
        members: &[UserId],
        profiles: &[(UserId, Profile)],
    ) -> Vec<Attendee> {
        let zones = self.zones_of(members, profiles);
        members
            .iter()
            .zip(zones)
            .map(|(m, zone)| Attendee {
                zone,
                hours: profiles
                    .iter()
                    .find(|(u, _)| u == m)
                    .and_then(|(_, p)| p.hours)
                    .unwrap_or(self.hours),
            })
            .collect()
    }

    pub fn next_round(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        crate::schedule::next_in_zone(self.round.as_ref()?, self.zone, now)
    }

    pub fn next_checkin(&self, zone: Tz, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        crate::schedule::next_in_zone(self.checkin.as_ref()?, zone, now)
    }

    pub fn next_prompt(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        crate::schedule::next_in_zone(self.prompt.as_ref()?, self.zone, now)
    }
}
