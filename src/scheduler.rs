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

/// After a failed run, try again this much later.
const RETRY_AFTER_FAILURE_MS: i64 = 60_000;

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
                    .finish_job(&self.team, &self.owner, &job, Some(now_ms))
                    .await
                {
                    Ok(_) => self.ctx.metrics.event("job", "released"),
                    Err(e) => {
                        warn!(job = kind, error = %e, "could not release a job; its lease will expire")
                    }
                }
                continue;
            }
            let next = match self.ctx.app.run_job(&self.team, &job, now).await {
                Ok(run) => {
                    self.ctx.metrics.event("job", "ran");
                    let delivery = self.ctx.run_effects(run.effects).await;
                    match (delivery, run.mark) {
                        // Slack may come back: keep the job, try in a minute.
                        (Delivery::Retry, Some(_)) => {
                            self.ctx.metrics.event("job", "retry");
                            Some(now_ms + RETRY_AFTER_FAILURE_MS)
                        }
                        (_, Some(mark)) => {
                            // The crash window: Slack has the message, the
                            // key is not stored yet. See `App::run_job`.
                            if let Err(e) = self.ctx.app.mark_sent(&self.team, &mark).await {
                                warn!(job = kind, error = %e, "sent, but could not record it; a retry may repeat it");
                            }
                            run.next.map(|n| n.timestamp_millis())
                        }
                        (_, None) => run.next.map(|n| n.timestamp_millis()),
                    }
                }
                Err(e) => {
                    self.ctx.metrics.event("job", "failed");
                    warn!(job = kind, error = %e, "job failed; retrying later");
                    Some(now_ms + RETRY_AFTER_FAILURE_MS)
                }
            };
            match store.finish_job(&self.team, &self.owner, &job, next).await {
                Ok(true) => {}
                Ok(false) => warn!(job = kind, "lease lost before the job finished"),
                Err(e) => {
                    warn!(job = kind, error = %e, "could not finish a job; its lease will expire")
                }
            }
        }
        claimed
    }
}
