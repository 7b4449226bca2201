//! The scheduler: each replica wakes every `tick_ms`, claims due jobs from
//! the store (atomically, with a lease), runs them, and queues their next
//! run. Any number of replicas can share one Redis: a job is held by one at a
//! time, a replica that dies loses its lease and the job runs elsewhere, and
//! each run's idempotency key (see `app::jobs`) keeps a retried job from
//! messaging anyone twice.
//!
//! Leases are timed by the store's clock (Redis `TIME`), not each replica's,
//! so replicas whose clocks disagree still agree on when a lease ends. A
//! batch is claimed with one lease, but each job is started only after its
//! lease is renewed (proving this replica still holds it: a batch slowed by
//! `Retry-After` may have outlived the lease and the job moved on), and a
//! running job's lease is renewed every third of its length until it ends.
//!
//! The loop is supervised: a panic in a job is a failed run of that job
//! (retried with back-off); a panic anywhere else restarts the loop after a
//! pause. Both are counted and logged, and `/readyz` reports a scheduler
//! that is restarting, stuck or stopped ([`SchedulerHealth`]).

use crate::app::Delivery;
use crate::domain::job::Job;
use crate::ids::TeamId;
use crate::slack::SlackContext;
use crate::store::StoreError;
use crate::tasks::AbortOnDrop;
use std::sync::atomic::{AtomicU32, Ordering};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::watch;
use tracing::{error, info, warn};

mod health;
mod retry;

pub use health::SchedulerHealth;
pub use retry::{retry_delay_ms, MAX_FAILURES};

/// The first pause before restarting a loop that panicked; it doubles with
/// each panic in a row, up to [`RESTART_CAP`].
const RESTART_FIRST: Duration = Duration::from_secs(1);
const RESTART_CAP: Duration = Duration::from_secs(60);

pub struct Scheduler {
    ctx: Arc<SlackContext>,
    team: TeamId,
    /// This replica's name on leases.
    owner: String,
    tick: Duration,
    lease: Duration,
    batch: usize,
    health: SchedulerHealth,
    /// Panics of the loop since it last finished a tick.
    panics_in_a_row: AtomicU32,
}

/// How long without progress counts as stuck: longer than any one job may
/// take (each Slack call is bounded by `client::CALL_LIMIT`), and than a
/// lease.
pub fn stall_after(config: &crate::config::SchedulerConfig) -> Duration {
    Duration::from_secs(config.lease_secs.max(300)) + 2 * Duration::from_millis(config.tick_ms)
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
            health: SchedulerHealth::new(stall_after(&config)),
            panics_in_a_row: AtomicU32::new(0),
        }
    }

    /// Reports to `health` (the one `/readyz` reads) instead of its own.
    pub fn with_health(mut self, health: SchedulerHealth) -> Self {
        self.health = health;
        self
    }

    /// Runs until `stop` turns true, restarting the loop after a panic. The
    /// job in progress finishes and the rest of its batch goes back on the
    /// queue, so a replica that stops cleanly holds no lease.
    pub async fn run(self, stop: watch::Receiver<bool>) {
        let this = Arc::new(self);
        loop {
            let mut worker = AbortOnDrop(tokio::spawn(this.clone().run_loop(stop.clone())));
            match (&mut worker.0).await {
                Ok(()) => break,
                Err(e) if e.is_panic() => {
                    let panics = this.panics_in_a_row.fetch_add(1, Ordering::Relaxed) + 1;
                    this.health.restarting();
                    this.ctx.metrics.event("scheduler", "restarted");
                    let pause = RESTART_FIRST
                        .saturating_mul(1 << (panics - 1).min(6))
                        .min(RESTART_CAP);
                    error!(
                        panics,
                        pause_secs = pause.as_secs(),
                        "the scheduler panicked; restarting it"
                    );
                    let mut stop = stop.clone();
                    tokio::select! {
                        _ = tokio::time::sleep(pause) => {}
                        _ = stop.wait_for(|s| *s) => break,
                    }
                }
                Err(_) => break,
            }
        }
        this.health.stopped();
        info!("scheduler stopped");
    }

    async fn run_loop(self: Arc<Self>, mut stop: watch::Receiver<bool>) {
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
        self.health.progress();
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
            self.health.progress();
            busy = self.tick_once(&stop).await >= self.batch;
            self.health.progress();
            self.panics_in_a_row.store(0, Ordering::Relaxed);
            self.ctx.metrics.scheduler_ticked();
        }
    }

    /// Claims and runs one batch of due jobs; returns how many it claimed.
    /// A stop request between jobs hands the rest of the batch back to the
    /// queue, due now, so another replica takes them at once instead of
    /// waiting for this one's leases to run out.
    async fn tick_once(self: &Arc<Self>, stop: &watch::Receiver<bool>) -> usize {
        let store = self.ctx.app.store();
        let now = self.ctx.app.now();
        let now_ms = now.timestamp_millis();
        let jobs = match store
            .claim_jobs(&self.team, &self.owner, now_ms, self.lease_ms(), self.batch)
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
            let kind = job_kind(&job);
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
            // Still ours? The batch may have outlived its lease and the job
            // gone to another replica, which then runs it.
            match store
                .renew_lease(&self.team, &self.owner, &job, self.lease_ms())
                .await
            {
                Ok(true) => {}
                Ok(false) => {
                    self.ctx.metrics.event("job", "lost");
                    warn!(
                        job = kind,
                        "lease lost before the job started; another replica has it"
                    );
                    continue;
                }
                Err(e) => {
                    warn!(job = kind, error = %e, "could not renew a lease; the job waits for it to expire");
                    continue;
                }
            }
            self.health.progress();
            let (next, clear_failures) = self.run_held(&job, now).await;
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

    /// Runs a job whose lease this replica holds, on a task of its own (so a
    /// panic is one failed run, not the end of the loop), renewing the lease
    /// until it ends. Returns when it runs next and whether its failures in
    /// a row are over.
    async fn run_held(
        self: &Arc<Self>,
        job: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> (Option<i64>, bool) {
        let kind = job_kind(job);
        let mut running = AbortOnDrop(tokio::spawn({
            let this = self.clone();
            let job = job.to_owned();
            async move { this.execute(&job, now).await }
        }));
        let mut renew = tokio::time::interval(self.lease / 3);
        renew.tick().await; // the first tick is now; the lease is fresh
        let ended = loop {
            tokio::select! {
                ended = &mut running.0 => break ended,
                _ = renew.tick() => {
                    match self.ctx.app.store().renew_lease(&self.team, &self.owner, job, self.lease_ms()).await {
                        Ok(true) => {}
                        Ok(false) => warn!(job = kind, "lease lost while the job ran"),
                        Err(e) => warn!(job = kind, error = %e, "could not renew a running job's lease"),
                    }
                }
            }
        };
        match ended {
            Ok(outcome) => outcome,
            Err(e) => {
                self.ctx.metrics.event("job", "panicked");
                error!(
                    job = kind,
                    cancelled = e.is_cancelled(),
                    "a job panicked; counted as a failed run"
                );
                self.after_failure(job, kind, now.timestamp_millis(), None)
                    .await
            }
        }
    }

    /// One run of `job`: the app's work, its effects through Slack, and the
    /// record that it was sent.
    async fn execute(&self, job: &str, now: chrono::DateTime<chrono::Utc>) -> (Option<i64>, bool) {
        let kind = job_kind(job);
        let now_ms = now.timestamp_millis();
        match self.ctx.app.run_job(&self.team, job, now).await {
            Ok(run) => {
                self.ctx.metrics.event("job", "ran");
                let delivery = match &run.mark {
                    // A prompt: tagged, and looked for first on a later try,
                    // so a crash just after Slack took it repeats nothing.
                    Some(mark) => {
                        let first = self.ctx.app.begin_delivery(&self.team, job, mark).await;
                        self.ctx.run_effects_once(run.effects, mark, !first).await
                    }
                    None => self.ctx.run_effects(run.effects).await,
                };
                let regular = run.next.map(|n| n.timestamp_millis());
                match (delivery, run.mark) {
                    // Slack may come back: keep the job, try again later.
                    (Delivery::Retry, Some(_)) => {
                        self.after_failure(job, kind, now_ms, regular).await
                    }
                    (_, Some(mark)) => {
                        self.record_sent(job, &mark, kind).await;
                        (regular, true)
                    }
                    (_, None) => (regular, true),
                }
            }
            Err(e) if matches!(e.downcast_ref(), Some(StoreError::Forgotten)) => {
                // Its member asked to be forgotten while it ran: nothing
                // about them is written again, nor is the job retried.
                self.ctx.metrics.event("job", "forgotten");
                info!(job = kind, "job dropped: its member was forgotten");
                (None, true)
            }
            Err(e) => {
                self.ctx.metrics.event("job", "failed");
                warn!(job = kind, error = %e, "job failed");
                self.after_failure(job, kind, now_ms, None).await
            }
        }
    }

    /// Stores a job's sent-mark once Slack has taken its messages. The
    /// crash window: until the mark is stored, a retry would send them
    /// again. So when the store does not answer (Redis restarting), this
    /// replica keeps the mark and keeps trying — still holding the job, its
    /// lease renewed — and writes it as soon as the store is back, before
    /// any other replica can take the job over. Only after a whole lease's
    /// length does it give up (counted as `job`/`unrecorded`, logged).
    async fn record_sent(&self, job: &str, mark: &str, kind: &str) {
        let deadline = tokio::time::Instant::now() + self.lease;
        let mut wait = Duration::from_millis(50);
        let mut warned = false;
        loop {
            match self.ctx.app.mark_sent(&self.team, job, mark).await {
                Ok(()) => {
                    if warned {
                        info!(job = kind, "sent-mark recorded after the store came back");
                    }
                    return;
                }
                Err(e) if tokio::time::Instant::now() < deadline => {
                    if !warned {
                        warn!(job = kind, error = %e, "sent, but could not record it yet; keeping the mark until the store answers");
                        warned = true;
                    }
                    tokio::time::sleep(wait).await;
                    wait = (wait * 2).min(Duration::from_millis(500));
                }
                Err(e) => {
                    self.ctx.metrics.event("job", "unrecorded");
                    warn!(job = kind, error = %e, "sent, but could not record it; a retry may repeat it");
                    return;
                }
            }
        }
    }

    fn lease_ms(&self) -> i64 {
        self.lease.as_millis() as i64
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

/// A job's kind (`checkin`, `round`, …): what logs may say about it. The
/// rest of its name holds ids.
fn job_kind(job: &str) -> &str {
    job.split(':').next().unwrap_or("job")
}
