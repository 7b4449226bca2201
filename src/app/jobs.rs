//! Scheduled work: what each queued job does when it comes due, and when it
//! runs next. Job names are `round` and `checkin:<user id>`.
//!
//! Each run is guarded by an idempotency key naming the job and the due time
//! it ran for, so a job retried after a crash (its lease expired) never
//! messages anyone twice for the same occurrence.

use super::*;
use chrono::{DateTime, Utc};

/// The queue name of the program's round job.
pub const ROUND_JOB: &str = "round";

/// The queue name of a member's check-in job.
pub fn checkin_job(user: &UserId) -> String {
    format!("checkin:{user}")
}

/// The queue name of the one reminder for a member's check-in `number`.
pub fn reminder_job(user: &UserId, number: u32) -> String {
    format!("remind:{user}:{number}")
}

/// How long an idempotency key is kept: longer than any retry could take.
const SENT_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

impl App {
    /// When the round job should next run after `now`.
    pub fn next_round(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let schedule = crate::schedule::parse_cron(&self.config.program.round_schedule).ok()?;
        let (zone, _) = crate::schedule::zone_or_default(
            Some(&self.config.program.default_timezone),
            chrono_tz::UTC,
        );
        crate::schedule::next_in_zone(&schedule, zone, now)
    }

    /// When a member's check-in should next run after `now`, in their zone
    /// (the program's default zone when theirs is unknown — logged).
    pub fn next_checkin(&self, profile: &Profile, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let schedule = crate::schedule::parse_cron(&self.config.program.checkin_schedule).ok()?;
        let default = crate::schedule::parse_timezone(&self.config.program.default_timezone)
            .unwrap_or(chrono_tz::UTC);
        let (zone, fell_back) =
            crate::schedule::zone_or_default(profile.timezone.as_deref(), default);
        if fell_back {
            tracing::info!(zone = %zone, "member time zone unknown; check-in uses the program default");
        }
        crate::schedule::next_in_zone(&schedule, zone, now)
    }

    /// Queues a member's next check-in (after joining or a profile change).
    pub(super) async fn queue_checkin(&self, team: &TeamId, user: &UserId, profile: &Profile) {
        if let Some(next) = self.next_checkin(profile, chrono::Utc::now()) {
            if let Err(e) = self
                .store
                .schedule_job(team, &checkin_job(user), next.timestamp_millis())
                .await
            {
                tracing::warn!(error = %e, "check-in not queued");
            }
        }
    }

    /// Runs one due job. Returns its effects and when it should run next
    /// (`None`: drop it, e.g. a check-in for someone who left).
    pub async fn run_job(
        &self,
        team: &TeamId,
        job: &str,
        now: DateTime<Utc>,
    ) -> Result<(Vec<Effect>, Option<DateTime<Utc>>), anyhow::Error> {
        // The key names the occurrence by the *next* due time, which is the
        // same however late (or how often) this occurrence is retried.
        let key = |next: Option<DateTime<Utc>>| {
            format!(
                "sent:{job}:{}",
                next.map_or(now.timestamp() / 60, |n| n.timestamp())
            )
        };
        if job == ROUND_JOB {
            let next = self.next_round(now);
            if !self.store.claim_event(team, &key(next), SENT_TTL).await? {
                return Ok((Vec::new(), next));
            }
            let (_, effects) = self.run_round(team, false).await?;
            return Ok((effects, next));
        }
        if let Some(rest) = job.strip_prefix("remind:") {
            return self.run_reminder(team, rest).await;
        }
        let Some(user) = job
            .strip_prefix("checkin:")
            .and_then(|u| UserId::parse(u).ok())
        else {
            tracing::warn!(job, "unknown job dropped");
            return Ok((Vec::new(), None));
        };
        let profile: Profile = self.load(team, &user, Doc::Profile).await?;
        if profile.membership == Membership::Out {
            return Ok((Vec::new(), None));
        }
        let next = self.next_checkin(&profile, now);
        if !profile.is_active(now.date_naive()) {
            return Ok((Vec::new(), next));
        }
        if !self.store.claim_event(team, &key(next), SENT_TTL).await? {
            return Ok((Vec::new(), next));
        }
        let effect = self.checkin_for(team, &user).await?;
        Ok((vec![effect], next))
    }

    /// One gentle reminder for a check-in still unanswered; never repeated.
    async fn run_reminder(
        &self,
        team: &TeamId,
        rest: &str,
    ) -> Result<(Vec<Effect>, Option<DateTime<Utc>>), anyhow::Error> {
        let parsed = rest
            .split_once(':')
            .and_then(|(u, n)| Some((UserId::parse(u).ok()?, n.parse::<u32>().ok()?)));
        let Some((user, number)) = parsed else {
            return Ok((Vec::new(), None));
        };
        let checkin: checkins::Checkin = self.load(team, &user, Doc::Checkin).await?;
        if checkin.number != number || checkin.complete() {
            return Ok((Vec::new(), None));
        }
        if !self
            .store
            .claim_event(team, &format!("sent:remind:{user}:{number}"), SENT_TTL)
            .await?
        {
            return Ok((Vec::new(), None));
        }
        Ok((vec![Effect::Reminder { user }], None))
    }
}
