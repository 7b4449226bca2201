//! Putting a member's future work on the job queue: their next check-in
//! (in their own zone) and the end of a dated pause.

use super::context::App;
use crate::domain::job::Job;
use crate::domain::profile::Profile;
use crate::ids::{TeamId, UserId};
use chrono::{DateTime, Utc};

/// When a member's check-in should next run after `now`, in their zone
/// (the program's default zone when theirs is unknown — logged).
pub fn next_checkin(app: &App, profile: &Profile, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
    let (zone, fell_back) = app.time.zone_of(profile.timezone.as_deref());
    if fell_back {
        // The zone name is Slack's setting, not the member's words, but it
        // is not needed: whether it was missing or unrecognised is.
        let reason = if profile.timezone.is_some() {
            "unrecognised"
        } else {
            "missing"
        };
        tracing::info!(zone = %zone, reason, "member time zone unknown; check-in uses the program default");
    }
    app.time.next_checkin(zone, now)
}

/// The key of one occurrence, named by the *next* due time, which is the
/// same however late (or how often) this occurrence is retried.
pub fn occurrence(job: &Job, next: Option<DateTime<Utc>>, now: DateTime<Utc>) -> String {
    format!(
        "sent:{job}:{}",
        next.map_or(now.timestamp() / 60, |n| n.timestamp())
    )
}

/// A member's next check-in as a queue entry (name, due ms), to be queued
/// together with the profile change that calls for it.
pub fn checkin_job(app: &App, user: &UserId, profile: &Profile) -> Option<(String, i64)> {
    let next = next_checkin(app, profile, app.now())?;
    Some((
        Job::Checkin(user.clone()).to_string(),
        next.timestamp_millis(),
    ))
}

/// Queues the end of a pause: the morning after its last day, in the
/// member's zone. `resume` before then makes the job a no-op.
pub async fn pause_end(
    app: &App,
    team: &TeamId,
    user: &UserId,
    profile: &Profile,
    last_day: chrono::NaiveDate,
) {
    let (zone, _) = app.time.zone_of(profile.timezone.as_deref());
    let morning = (last_day + chrono::Duration::days(1))
        .and_hms_opt(9, 0, 0)
        .expect("09:00 exists");
    let at = crate::schedule::local_to_utc(zone, morning);
    let job = Job::PauseEnd(user.clone()).to_string();
    if let Err(e) = app
        .store
        .schedule_job(team, &job, at.timestamp_millis())
        .await
    {
        tracing::warn!(error = %e, "pause end not queued; it still ends by date");
    }
}
