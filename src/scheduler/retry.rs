//! How long a failed job waits before it runs again (pure).

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
