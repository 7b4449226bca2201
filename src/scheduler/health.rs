//! Whether this replica's scheduler is doing its work, for `/readyz`: a
//! replica whose scheduler died or hangs still answers HTTP, so without this
//! an orchestrator would keep it in service while nobody's check-ins go out.

use std::sync::atomic::{AtomicU64, AtomicU8, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

const NOT_STARTED: u8 = 0;
const RUNNING: u8 = 1;
const RESTARTING: u8 = 2;
const STOPPED: u8 = 3;

/// Shared between the scheduler (which reports) and `/readyz` (which asks);
/// cheap to clone.
#[derive(Clone)]
pub struct SchedulerHealth(Arc<Inner>);

struct Inner {
    since: Instant,
    state: AtomicU8,
    /// Milliseconds after `since` of the last sign of progress: a tick
    /// begun or finished, a job begun.
    progress_ms: AtomicU64,
    /// No progress for this long means the scheduler is stuck.
    stall_after: Duration,
}

impl SchedulerHealth {
    pub fn new(stall_after: Duration) -> Self {
        Self(Arc::new(Inner {
            since: Instant::now(),
            state: AtomicU8::new(NOT_STARTED),
            progress_ms: AtomicU64::new(0),
            stall_after,
        }))
    }

    /// The scheduler is working: a tick or a job began or ended.
    pub fn progress(&self) {
        let ms = self.0.since.elapsed().as_millis() as u64;
        self.0.progress_ms.store(ms, Ordering::Relaxed);
        self.0.state.store(RUNNING, Ordering::Relaxed);
    }

    /// The scheduler panicked and will be started again.
    pub fn restarting(&self) {
        self.0.state.store(RESTARTING, Ordering::Relaxed);
    }

    /// The scheduler stopped (shutdown): this replica takes no more work.
    pub fn stopped(&self) {
        self.0.state.store(STOPPED, Ordering::Relaxed);
    }

    /// `Ok` when the scheduler is running (or about to start); otherwise
    /// why not, in words for an operator.
    pub fn check(&self) -> Result<(), String> {
        match self.0.state.load(Ordering::Relaxed) {
            NOT_STARTED => Ok(()),
            RESTARTING => Err("scheduler is restarting after a panic".into()),
            STOPPED => Err("scheduler has stopped".into()),
            _ => {
                let last = Duration::from_millis(self.0.progress_ms.load(Ordering::Relaxed));
                let idle = self.0.since.elapsed().saturating_sub(last);
                if idle > self.0.stall_after {
                    Err(format!(
                        "scheduler has made no progress for {} s",
                        idle.as_secs()
                    ))
                } else {
                    Ok(())
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ready_while_running_and_not_when_restarting_stalled_or_stopped() {
        let health = SchedulerHealth::new(Duration::from_millis(50));
        assert_eq!(health.check(), Ok(()), "not started yet");
        std::thread::sleep(Duration::from_millis(80));
        assert_eq!(
            health.check(),
            Ok(()),
            "a scheduler about to start is not stalled, however long start-up takes"
        );
        health.progress();
        assert_eq!(health.check(), Ok(()));
        health.restarting();
        assert_eq!(
            health.check(),
            Err("scheduler is restarting after a panic".into())
        );
        health.progress();
        assert_eq!(health.check(), Ok(()), "a tick after the restart");
        std::thread::sleep(Duration::from_millis(1100));
        assert_eq!(
            health.check(),
            Err("scheduler has made no progress for 1 s".into())
        );
        health.progress();
        assert_eq!(health.check(), Ok(()));
        health.stopped();
        assert_eq!(health.check(), Err("scheduler has stopped".into()));
    }
}
