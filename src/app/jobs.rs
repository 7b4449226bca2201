//! Scheduled work: what each queued [`Job`] does when it comes due, and
//! when it runs next. The one `match` over job kinds is [`run`].
//!
//! Each run is guarded by an idempotency key naming the job and the due time
//! it ran for, so a job retried after a crash (its lease expired) never
//! messages anyone twice for the same occurrence.
//!
//! Check-ins, reminders and nudges are at-least-once: the key is checked
//! here but recorded only after delivery (`JobRun::mark`), so a replica that
//! dies mid-send leaves the job to run again elsewhere. The only duplicate
//! possible is a message Slack accepted just before the crash and before its
//! key was recorded — one Redis round-trip per job. Rounds are at-most-once
//! instead (claimed before running): a second round would re-pair everyone.
//! A round's intros, sit-out DMs and notes are jobs of their own
//! (`round_delivery`), delivered like prompts.

use super::checkins;
use super::circles;
use super::context::App;
use super::documents::UpdateError;
use super::home;
use super::meetings;
use super::model::{Effect, JobRun};
use super::queue;
use super::round_delivery;
use super::round_report;
use super::rounds;
use crate::domain::checkin::Checkin;
use crate::domain::job::Job;
use crate::domain::nudges::Nudge;
use crate::domain::profile::{Membership, Profile};
use crate::ids::{TeamId, UserId};
use crate::store::{Doc, StoreError};
use chrono::{DateTime, Utc};
use std::time::Duration;

/// How long an idempotency key is kept: longer than any retry could take.
const SENT_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

/// Runs one due job (by its queue name): what to send, when to run next
/// (`None`: drop it, e.g. a check-in for someone who left) and, for
/// prompts, the key to record once Slack has taken them.
pub async fn run(
    app: &App,
    team: &TeamId,
    name: &str,
    now: DateTime<Utc>,
) -> Result<JobRun, anyhow::Error> {
    let Ok(job) = name.parse::<Job>() else {
        tracing::warn!(job = name, "unknown job dropped");
        return Ok(JobRun::nothing(None));
    };
    match &job {
        Job::Round => run_round(app, team, &job, now).await,
        Job::Checkin(user) => run_checkin(app, team, &job, user, now).await,
        Job::Reminder { user, number } => run_reminder(app, team, &job, user, *number).await,
        Job::PauseEnd(user) => run_pause_end(app, team, &job, user, now).await,
        Job::CirclePrompt(id) => circles::run_prompt(app, team, *id, now).await,
        Job::Intro { round, group } => {
            round_delivery::intro(app, team, &job, *round, *group, now).await
        }
        Job::NotesBefore { round, user } => {
            round_delivery::notes_before(app, team, &job, *round, user).await
        }
        Job::SitOut { round, user } => round_delivery::sit_out(app, team, &job, *round, user).await,
        Job::MergeOffers { .. } => round_delivery::merge_offers(app, team, &job).await,
        Job::Report { round } => round_report::run(app, team, &job, *round).await,
        Job::Meeting { round, group } => {
            meetings::confirm(app, team, &job, *round, *group, now).await
        }
        Job::MeetingSoon { round, user } => {
            meetings::remind(app, team, &job, *round, user, now).await
        }
    }
}

async fn run_round(
    app: &App,
    team: &TeamId,
    job: &Job,
    now: DateTime<Utc>,
) -> Result<JobRun, anyhow::Error> {
    let next = app.time.next_round(now);
    if !app
        .store
        .claim_event(team, &queue::occurrence(job, next, now), SENT_TTL)
        .await?
    {
        return Ok(JobRun::nothing(next));
    }
    let outcome = rounds::run(app, team, false).await?;
    Ok(JobRun {
        effects: outcome.effects,
        next,
        mark: None,
    })
}

async fn run_checkin(
    app: &App,
    team: &TeamId,
    job: &Job,
    user: &UserId,
    now: DateTime<Utc>,
) -> Result<JobRun, anyhow::Error> {
    let profile: Profile = app.docs.load(team, user, Doc::Profile).await?;
    if profile.membership == Membership::Out {
        return Ok(JobRun::nothing(None));
    }
    let next = queue::next_checkin(app, &profile, now);
    if !profile.is_active(now.date_naive()) {
        return Ok(JobRun::nothing(next));
    }
    let mark = queue::occurrence(job, next, now);
    if app.store.event_seen(team, &mark).await? {
        return Ok(JobRun::nothing(next));
    }
    let effects = checkins::start(app, team, user, Some(&mark)).await?;
    Ok(JobRun {
        effects,
        next,
        mark: Some(mark),
    })
}

/// Records that `job`'s prompt reached Slack (see [`JobRun::mark`]). A
/// job about a member who has been forgotten since records nothing.
pub async fn mark_sent(app: &App, team: &TeamId, job: &str, mark: &str) -> Result<(), StoreError> {
    claim_for(app, team, job, mark).await.map(|_| ())
}

/// Records that the delivery of `job`'s occurrence `mark` begins; whether
/// this is its first try. A later try may follow a crash just after Slack
/// took a message: it looks in the conversation before sending again.
/// When the store cannot say, it is treated as a later try (the safe side).
pub async fn begin_delivery(app: &App, team: &TeamId, job: &str, mark: &str) -> bool {
    let tried = format!("{}:try", mark.trim_end_matches(':'));
    claim_for(app, team, job, &tried).await.unwrap_or(false)
}

/// Claims a mark about `job`'s member (fenced: nothing is written once they
/// are forgotten) or, for a job about nobody, a plain one.
async fn claim_for(app: &App, team: &TeamId, job: &str, mark: &str) -> Result<bool, StoreError> {
    match job.parse::<Job>().ok().as_ref().and_then(Job::member) {
        Some(user) => app.store.mark_member_sent(team, user, mark, SENT_TTL).await,
        None => app.store.claim_event(team, mark, SENT_TTL).await,
    }
}

/// A pause that ran out: the member is active again (stored, not only
/// implied by the date), hears so, and sees it on their Home tab.
async fn run_pause_end(
    app: &App,
    team: &TeamId,
    job: &Job,
    user: &UserId,
    now: DateTime<Utc>,
) -> Result<JobRun, anyhow::Error> {
    let today = now.date_naive();
    // Active again first; the welcome back is owed until Slack took it, so
    // a retry after a failed DM (the pause already ended by the first try)
    // still sends it, once: its key names the pause's last day.
    let ended = app
        .docs
        .update(team, user, Doc::Profile, |p: &mut Profile| {
            p.end_pause(today).ok_or(())
        })
        .await;
    let last_day = match ended {
        Ok((last_day, _)) => last_day,
        Err(UpdateError::Refused(())) => return Ok(JobRun::nothing(None)),
        Err(e) => return Err(e.refusal().expect_err("not refused")),
    };
    let mark = format!("sent:{job}:{last_day}");
    if app.store.event_seen(team, &mark).await? {
        return Ok(JobRun::nothing(None));
    }
    let mut effects = vec![Effect::Nudge {
        user: user.clone(),
        nudge: Nudge::PauseEnded,
    }];
    effects.extend(home::refresh(app, team, user).await);
    Ok(JobRun {
        effects,
        next: None,
        mark: Some(mark),
    })
}

/// One gentle reminder for a check-in still unanswered; never repeated.
async fn run_reminder(
    app: &App,
    team: &TeamId,
    job: &Job,
    user: &UserId,
    number: u32,
) -> Result<JobRun, anyhow::Error> {
    let checkin: Checkin = app.docs.load(team, user, Doc::Checkin).await?;
    if checkin.number != number || checkin.complete() {
        return Ok(JobRun::nothing(None));
    }
    let mark = format!("sent:{job}");
    if app.store.event_seen(team, &mark).await? {
        return Ok(JobRun::nothing(None));
    }
    Ok(JobRun {
        effects: vec![Effect::Reminder { user: user.clone() }],
        next: None,
        mark: Some(mark),
    })
}
