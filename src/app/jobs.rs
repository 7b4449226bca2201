//! Scheduled work: what each queued job does when it comes due, and when it
//! runs next. Job names are `round`, `checkin:<user id>`,
//! `remind:<user id>:<check-in number>` and `resume:<user id>` (a pause ends).
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

/// The queue name of the job that ends a member's dated pause.
pub fn pause_end_job(user: &UserId) -> String {
    format!("resume:{user}")
}

/// What one run of a job asks for.
#[derive(Debug)]
pub struct JobRun {
    pub effects: Vec<Effect>,
    /// When the job runs again; `None` drops it.
    pub next: Option<DateTime<Utc>>,
    /// The idempotency key to record once `effects` reached Slack.
    pub mark: Option<String>,
}

impl JobRun {
    pub(crate) fn nothing(next: Option<DateTime<Utc>>) -> Self {
        Self {
            effects: Vec::new(),
            next,
            mark: None,
        }
    }
}

/// How long an idempotency key is kept: longer than any retry could take.
const SENT_TTL: Duration = Duration::from_secs(7 * 24 * 3600);

impl App {
    /// When the round job should next run after `now`.
    pub fn next_round(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.time.next_round(now)
    }

    /// When a member's check-in should next run after `now`, in their zone
    /// (the program's default zone when theirs is unknown — logged).
    pub fn next_checkin(&self, profile: &Profile, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        let (zone, fell_back) = self.time.zone_of(profile.timezone.as_deref());
        if fell_back {
            // The zone name is Slack's setting, not the member's words, but
            // it is not needed: whether it was missing or unrecognised is.
            let reason = if profile.timezone.is_some() {
                "unrecognised"
            } else {
                "missing"
            };
            tracing::info!(zone = %zone, reason, "member time zone unknown; check-in uses the program default");
        }
        self.time.next_checkin(zone, now)
    }

    /// Queues a member's next check-in (after joining or a profile change).
    pub(super) async fn queue_checkin(&self, team: &TeamId, user: &UserId, profile: &Profile) {
        if let Some(next) = self.next_checkin(profile, self.now()) {
            if let Err(e) = self
                .store
                .schedule_job(team, &checkin_job(user), next.timestamp_millis())
                .await
            {
                tracing::warn!(error = %e, "check-in not queued");
            }
        }
    }

    /// Runs one due job: what to send, when to run next (`None`: drop it,
    /// e.g. a check-in for someone who left) and, for prompts, the key to
    /// record once Slack has taken them.
    ///
    /// Check-ins, reminders and nudges are at-least-once: the key is checked
    /// here but recorded only after delivery (`JobRun::mark`), so a replica
    /// that dies mid-send leaves the job to run again elsewhere. The only
    /// duplicate possible is a message Slack accepted just before the crash
    /// and before its key was recorded — one Redis round-trip per job.
    /// Rounds are at-most-once instead (claimed before running): a second
    /// round would re-pair everyone, which is worse than a lost intro.
    pub async fn run_job(
        &self,
        team: &TeamId,
        job: &str,
        now: DateTime<Utc>,
    ) -> Result<JobRun, anyhow::Error> {
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
                return Ok(JobRun::nothing(next));
            }
            let (_, effects) = self.run_round(team, false).await?;
            return Ok(JobRun {
                effects,
                next,
                mark: None,
            });
        }
        if let Some(id) = job
            .strip_prefix("circle:")
            .and_then(|id| id.parse::<u32>().ok())
        {
            return self.run_circle_prompt(team, id, now).await;
        }
        if let Some(rest) = job.strip_prefix("remind:") {
            return self.run_reminder(team, rest).await;
        }
        if let Some(user) = job
            .strip_prefix("resume:")
            .and_then(|u| UserId::parse(u).ok())
        {
            return self.run_pause_end(team, &user, now).await;
        }
        let Some(user) = job
            .strip_prefix("checkin:")
            .and_then(|u| UserId::parse(u).ok())
        else {
            tracing::warn!(job, "unknown job dropped");
            return Ok(JobRun::nothing(None));
        };
        let profile: Profile = self.load(team, &user, Doc::Profile).await?;
        if profile.membership == Membership::Out {
            return Ok(JobRun::nothing(None));
        }
        let next = self.next_checkin(&profile, now);
        if !profile.is_active(now.date_naive()) {
            return Ok(JobRun::nothing(next));
        }
        let mark = key(next);
        if self.store.event_seen(team, &mark).await? {
            return Ok(JobRun::nothing(next));
        }
        let effects = self.checkin_for(team, &user).await?;
        Ok(JobRun {
            effects,
            next,
            mark: Some(mark),
        })
    }

    /// Records that a job's prompt reached Slack (see [`JobRun::mark`]).
    pub async fn mark_sent(&self, team: &TeamId, mark: &str) -> Result<(), StoreError> {
        self.store
            .claim_event(team, mark, SENT_TTL)
            .await
            .map(|_| ())
    }

    /// Queues the end of a pause: the morning after its last day, in the
    /// member's zone. `resume` before then makes the job a no-op.
    pub(super) async fn queue_pause_end(
        &self,
        team: &TeamId,
        user: &UserId,
        profile: &Profile,
        last_day: chrono::NaiveDate,
    ) {
        let (zone, _) = self.time.zone_of(profile.timezone.as_deref());
        let morning = (last_day + chrono::Duration::days(1))
            .and_hms_opt(9, 0, 0)
            .expect("09:00 exists");
        let at = crate::schedule::local_to_utc(zone, morning);
        if let Err(e) = self
            .store
            .schedule_job(team, &pause_end_job(user), at.timestamp_millis())
            .await
        {
            tracing::warn!(error = %e, "pause end not queued; it still ends by date");
        }
    }

    /// A pause that ran out: the member is active again (stored, not only
    /// implied by the date), hears so, and sees it on their Home tab.
    async fn run_pause_end(
        &self,
        team: &TeamId,
        user: &UserId,
        now: DateTime<Utc>,
    ) -> Result<JobRun, anyhow::Error> {
        let today = now.date_naive();
        let ended = self
            .update(team, user, Doc::Profile, |p: &mut Profile| {
                match p.membership {
                    Membership::Paused { until: Some(d) } if d < today => {
                        p.membership = Membership::Active;
                        Ok(())
                    }
                    _ => Err(()),
                }
            })
            .await;
        if ended.is_err() {
            return Ok(JobRun::nothing(None));
        }
        let mark = format!("sent:{}:{}", pause_end_job(user), today);
        if self.store.event_seen(team, &mark).await? {
            return Ok(JobRun::nothing(None));
        }
        let mut effects = vec![Effect::Nudge {
            user: user.clone(),
            nudge: nudges::Nudge::PauseEnded,
        }];
        if let Ok(home) = self.home(team, user).await {
            effects.push(Effect::PublishHome {
                user: user.clone(),
                home,
            });
        }
        Ok(JobRun {
            effects,
            next: None,
            mark: Some(mark),
        })
    }

    /// One gentle reminder for a check-in still unanswered; never repeated.
    async fn run_reminder(&self, team: &TeamId, rest: &str) -> Result<JobRun, anyhow::Error> {
        let parsed = rest
            .split_once(':')
            .and_then(|(u, n)| Some((UserId::parse(u).ok()?, n.parse::<u32>().ok()?)));
        let Some((user, number)) = parsed else {
            return Ok(JobRun::nothing(None));
        };
        let checkin: checkins::Checkin = self.load(team, &user, Doc::Checkin).await?;
        if checkin.number != number || checkin.complete() {
            return Ok(JobRun::nothing(None));
        }
        let mark = format!("sent:remind:{user}:{number}");
        if self.store.event_seen(team, &mark).await? {
            return Ok(JobRun::nothing(None));
        }
        Ok(JobRun {
            effects: vec![Effect::Reminder { user }],
            next: None,
            mark: Some(mark),
        })
    }
}
