//! The scheduler: each replica wakes every `tick_ms`, claims due jobs from
//! the store (atomically, with a lease), runs them, and queues their next
//! run. Any number of replicas can share one Redis: a job is held by one at a
//! time, a replica that dies loses its lease and the job runs elsewhere, and
//! each run's idempotency key (see `app::jobs`) keeps a retried job from
//! messaging anyone twice.

use crate::app::Delivery;
use crate::domain::job::Job;
use crate::ids::TeamId;
use crate::slack::SlackContext;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tracing::{info, warn};

/// After a failed run, try again this much later; each further failure in
/// a row doubles the wait, up to [`RETRY_CAP_MS`].
const RETRY_FIRST_MS: i64 = 60_000;
const RETRY_CAP_MS: i64 = 3_600_000;
/// Failures in a row before a job is given up on: 1 + 2 + … + 32 minutes,
/// then hourly, about seven hours in all.
pub const MAX_FAILURES: u32 = 12;

/// How long to wait after the `failures`-th failure in a row, or `None`
/// when it is time to give up. `jitter` (0 to 1) adds up to a fifth more, so
/// replicas and members that failed together do not retry in step.
pub fn retry_delay_ms(failures: u32, jitter: f64) -> Option<i64> {
    if failures == 0 || failures > MAX_FAILURES {
        return None;
    }
    let doublings = (failures - 1).min(20);
    let base = (RETRY_FIRST_MS << doublings).min(RETRY_CAP_MS);
    Some(base + (base as f64 * 0.2 * jitter.clamp(0.0, 1.0)) as i64)
}

pub struct Scheduler {
    ctx: Arc<SlackContext>,
    team: TeamId,
    /// This replica's name on leases.
    owner: String,
    tick: Duration,
    lease: Duration,
    batch: usize,
}

impl Scheduler {
    pub fn new(ctx: Arc<SlackContext>, team: TeamId) -> Self {
        let config = ctx.app.config().scheduler.clone();
        let owner = format!("{}-{}", std::process::id(), rand::random::<u32>());
        Self {
            ctx,
            team,
            owner,
            tick: Duration::from_millis(config.tick_ms),
            lease: Duration::from_secs(config.lease_secs),
            batch: config.batch,
        }
    }

    /// Runs until `stop` turns true. The job in progress finishes and the
    /// rest of its batch goes back on the queue, so a replica that stops
    /// cleanly holds no lease.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        let now = self.ctx.app.now();
        if let Some(next) = self.ctx.app.next_round(now) {
            // Every replica computes the same next occurrence, so this is
            // idempotent; the run's own key guards against a double round.
            if let Err(e) = self
                .ctx
                .app
                .store()
                .schedule_job(&self.team, &Job::Round.to_string(), next.timestamp_millis())
                .await
            {
                warn!(error = %e, "round not queued yet; will retry next start");
            }
        }
        info!(owner = %self.owner, "scheduler running");
        let mut busy = false;
        loop {
            if busy {
                // A full batch means more may be due: go again at once,
                // unless asked to stop.
                if *stop.borrow() {
                    break;
                }
            } else {
                tokio::select! {
                    _ = tokio::time::sleep(self.tick) => {}
                    _ = stop.wait_for(|s| *s) => break,
                }
            }
            busy = self.tick_once(&stop).await >= self.batch;
            self.ctx.metrics.scheduler_ticked();
        }
        info!("scheduler stopped");
    }

    /// Claims and runs one batch of due jobs; returns how many it claimed.
    /// A stop request between jobs hands the rest of the batch back to the
    /// queue, due now, so another replica takes them at once instead of
    /// waiting for this one's leases to run out.
    async fn tick_once(&self, stop: &watch::Receiver<bool>) -> usize {
        let store = self.ctx.app.store();
        let now = self.ctx.app.now();
        let now_ms = now.timestamp_millis();
        let lease_until = now_ms + self.lease.as_millis() as i64;
        let jobs = match store
            .claim_jobs(&self.team, &self.owner, now_ms, lease_until, self.batch)
            .await
        {
            Ok(jobs) => jobs,
            Err(e) => {
                warn!(error = %e, "could not claim due work");
                return 0;
            }
        };
        let claimed = jobs.len();
        for job in jobs {
            let kind = job.split(':').next().unwrap_or("job");
            if *stop.borrow() {
                match store
                    .finish_job(&self.team, &self.owner, &job, Some(now_ms), false)
                    .await
                {
                    Ok(_) => self.ctx.metrics.event("job", "released"),
                    Err(e) => {
                        warn!(job = kind, error = %e, "could not release a job; its lease will expire")
                    }
                }
                continue;
            }
            // When it runs next, and whether its failures in a row are over.
            let (next, clear_failures) = match self.ctx.app.run_job(&self.team, &job, now).await {
                Ok(run) => {
                    self.ctx.metrics.event("job", "ran");
                    let delivery = self.ctx.run_effects(run.effects).await;
                    let regular = run.next.map(|n| n.timestamp_millis());
                    match (delivery, run.mark) {
                        // Slack may come back: keep the job, try again later.
                        (Delivery::Retry, Some(_)) => {
                            self.after_failure(&job, kind, now_ms, regular).await
                        }
                        (_, Some(mark)) => {
                            // The crash window: Slack has the message, the
                            // key is not stored yet. See `App::run_job`.
                            if let Err(e) = self.ctx.app.mark_sent(&self.team, &mark).await {
                                warn!(job = kind, error = %e, "sent, but could not record it; a retry may repeat it");
                            }
                            (regular, true)
                        }
                        (_, None) => (regular, true),
                    }
                }
                Err(e) => {
                    self.ctx.metrics.event("job", "failed");
                    warn!(job = kind, error = %e, "job failed");
                    self.after_failure(&job, kind, now_ms, None).await
                }
            };
            match store
                .finish_job(&self.team, &self.owner, &job, next, clear_failures)
                .await
            {
                Ok(true) => {}
                Ok(false) => warn!(job = kind, "lease lost before the job finished"),
                Err(e) => {
                    warn!(job = kind, error = %e, "could not finish a job; its lease will expire")
                }
            }
        }
        claimed
    }

    /// When a failed job runs next: later each time it fails in a row, and
    /// after [`MAX_FAILURES`] not again until its next regular occurrence
    /// (`regular`; never, for a one-off job), counted and logged — and then
    /// its count is cleared (the flag returned).
    async fn after_failure(
        &self,
        job: &str,
        kind: &str,
        now_ms: i64,
        regular: Option<i64>,
    ) -> (Option<i64>, bool) {
        let store = self.ctx.app.store();
        let failures = store.job_failed(&self.team, job).await.unwrap_or_else(|e| {
            warn!(job = kind, error = %e, "could not count a failure; retrying as if it were the first");
            1
        });
        match retry_delay_ms(failures, rand::random::<f64>()) {
            Some(delay) => {
                self.ctx.metrics.event("job", "retry");
                (Some(now_ms + delay), false)
            }
            None => {
                self.ctx.metrics.event("job", "gave_up");
                warn!(
                    job = kind,
                    failures, "gave up on a job after repeated failures"
                );
                (regular, true)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_back_off_to_an_hour_and_then_stop() {
        let minutes = |n: u32| retry_delay_ms(n, 0.0).map(|ms| ms / 60_000);
        let waits: Vec<Option<i64>> = (0..=MAX_FAILURES + 1).map(minutes).collect();
        assert_eq!(
            waits,
            [
                None,
                Some(1),
                Some(2),
                Some(4),
                Some(8),
                Some(16),
                Some(32),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                Some(60),
                None
            ]
        );
        // Jitter adds up to a fifth, never less than the base.
        assert_eq!(retry_delay_ms(1, 1.0), Some(72_000));
        assert_eq!(retry_delay_ms(3, 0.5), Some(264_000));
        assert_eq!(retry_delay_ms(1, 7.0), Some(72_000), "jitter is clamped");
    }
}
