//! The store of record. Only this module knows Redis.
//!
//! [`Store`] is the contract; [`RedisStore`] is the production implementation
//! and [`MemoryStore`] serves single-process trials when `REDIS_URL` is unset.
//! One contract test-suite (`tests/store_contract.rs`) runs against both.

mod connection;
mod keys;
mod memory;
mod redis;
mod scripts;

pub use self::keys::Keys;
pub use self::memory::MemoryStore;
pub use self::redis::RedisStore;

use crate::ids::{TeamId, UserId};
use async_trait::async_trait;
use std::time::Duration;

/// A store failure. The detail is for logs; users are told the store is
/// unavailable and to try again.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("store unavailable: {0}")]
    Unavailable(String),
    /// A write about a member who asked to be forgotten (a job that was
    /// still running for them): refused, and nothing is to be retried.
    #[error("the member asked to be forgotten")]
    Forgotten,
}

pub type StoreResult<T> = Result<T, StoreError>;

/// Named counts (see [`Store::count`]).
pub type Tally = std::collections::HashMap<String, i64>;

/// How long a day's counts are kept: trends look back 12 weeks, and
/// periods up to 90 days; all-time counts are kept apart.
pub const TALLY_DAYS: i64 = 400;

/// One workspace document's compare-and-set inside [`Store::commit_team`].
#[derive(Debug, Clone, Copy)]
pub struct TeamSwap<'a> {
    pub name: &'a str,
    /// What the document must still hold (`None`: absent).
    pub expected: Option<&'a str>,
    pub new: &'a str,
}

/// A per-member document, stored as one versioned JSON value so that every
/// change is a single atomic write.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Doc {
    Profile,
    Goals,
    Notes,
    Shelf,
    Pairing,
    Checkin,
}

/// Where a document is stored: a member's, or a workspace's (by name).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum DocSlot {
    Member {
        team: TeamId,
        user: UserId,
        doc: Doc,
    },
    Team {
        team: TeamId,
        name: String,
    },
}

impl Doc {
    pub const ALL: [Doc; 6] = [
        Doc::Profile,
        Doc::Goals,
        Doc::Notes,
        Doc::Shelf,
        Doc::Pairing,
        Doc::Checkin,
    ];

    pub fn from_name(name: &str) -> Option<Doc> {
        Doc::ALL.into_iter().find(|d| d.name() == name)
    }

    pub fn name(self) -> &'static str {
        match self {
            Doc::Profile => "profile",
            Doc::Goals => "goals",
            Doc::Notes => "notes",
            Doc::Shelf => "shelf",
            Doc::Pairing => "pairing",
            Doc::Checkin => "checkin",
        }
    }
}

#[async_trait]
pub trait Store: Send + Sync + 'static {
    /// Cheap round trip proving the store answers (used by `/readyz`).
    async fn ping(&self) -> StoreResult<()>;

    /// Records that `event_id` from `team` is being handled. Returns `true`
    /// the first time within `ttl`, `false` for a repeat (Slack's retries),
    /// so the caller can skip a second effect.
    async fn claim_event(&self, team: &TeamId, event_id: &str, ttl: Duration) -> StoreResult<bool>;

    /// Whether `event_id` was claimed (and has not expired). Scheduled
    /// prompts check this before sending and claim only after Slack took the
    /// message, so a crash in between re-sends rather than loses it.
    async fn event_seen(&self, team: &TeamId, event_id: &str) -> StoreResult<bool>;

    /// A member's document, if they have one.
    async fn load_doc(&self, team: &TeamId, user: &UserId, doc: Doc)
        -> StoreResult<Option<String>>;

    /// Compare-and-set: writes `new` only if the stored value still equals
    /// `expected` (`None`: absent). Returns whether it wrote; callers reload
    /// and retry, so concurrent edits never overwrite each other. Refused
    /// with [`StoreError::Forgotten`] once `user` has been forgotten (see
    /// [`Store::erase_member`]).
    async fn swap_doc(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        expected: Option<&str>,
        new: &str,
    ) -> StoreResult<bool>;

    /// [`Store::swap_doc`], and when it writes, in the same atomic step:
    /// `user` added to the workspace's members (with `join`, which also
    /// takes down a fence left by forgetting them) and `jobs` (name, due ms)
    /// queued. Joining never leaves a member active but
    /// outside the members set, or without their check-in queued.
    #[allow(clippy::too_many_arguments)]
    async fn swap_doc_also(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        expected: Option<&str>,
        new: &str,
        join: bool,
        jobs: &[(String, i64)],
    ) -> StoreResult<bool>;

    /// [`Store::claim_event`] for a mark about `user` (a job's prompt
    /// reached Slack, or its delivery began), unless `user` has since been
    /// forgotten — then nothing is written and the answer is `false`.
    async fn mark_member_sent(
        &self,
        team: &TeamId,
        user: &UserId,
        mark: &str,
        ttl: Duration,
    ) -> StoreResult<bool>;

    /// Queues a job about `user` (as [`Store::schedule_job`]); refused with
    /// [`StoreError::Forgotten`] once they have been forgotten.
    async fn schedule_member_job(
        &self,
        team: &TeamId,
        user: &UserId,
        job: &str,
        due_ms: i64,
    ) -> StoreResult<()>;

    /// Records that `user` has joined `team`'s program (idempotent).
    async fn add_member(&self, team: &TeamId, user: &UserId) -> StoreResult<()>;

    /// Everyone who ever joined `team`'s program and was not forgotten.
    async fn members(&self, team: &TeamId) -> StoreResult<Vec<UserId>>;

    /// A workspace-wide document (`rounds`), if there is one.
    async fn load_team_doc(&self, team: &TeamId, name: &str) -> StoreResult<Option<String>>;

    /// Compare-and-set for a workspace-wide document, as [`Store::swap_doc`].
    async fn swap_team_doc(
        &self,
        team: &TeamId,
        name: &str,
        expected: Option<&str>,
        new: &str,
    ) -> StoreResult<bool>;

    /// Changes several workspace documents and queues `jobs` (name, due
    /// ms) in one atomic step: nothing is written unless every document
    /// still holds its `expected` value. Returns whether it wrote. A round's
    /// history, its delivery plan and one job per intro go together, so a
    /// crash can never leave a round recorded with its intros unqueued.
    async fn commit_team(
        &self,
        team: &TeamId,
        swaps: &[TeamSwap<'_>],
        jobs: &[(String, i64)],
    ) -> StoreResult<bool>;

    /// Puts `job` on the workspace's queue, due at `due_ms` (Unix ms),
    /// replacing any earlier due time for the same job.
    async fn schedule_job(&self, team: &TeamId, job: &str, due_ms: i64) -> StoreResult<()>;

    /// Atomically claims up to `limit` jobs due by `now_ms` for `owner`,
    /// each leased for `lease_ms` by the *store's* clock (Redis `TIME`), so
    /// replicas with skewed clocks agree on when a lease ends. Leases that
    /// expired (their holder died) go back on the queue first, due at
    /// `now_ms`, so their jobs run elsewhere.
    async fn claim_jobs(
        &self,
        team: &TeamId,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<String>>;

    /// Extends `owner`'s lease on `job` to `lease_ms` from now (store's
    /// clock). False when `owner` no longer holds it: the job then belongs
    /// to whoever claimed it since, and must not be run here.
    async fn renew_lease(
        &self,
        team: &TeamId,
        owner: &str,
        job: &str,
        lease_ms: i64,
    ) -> StoreResult<bool>;

    /// Finishes a claimed job: drops the lease if `owner` still holds it and
    /// queues the job's next run (`next_due_ms`); with `clear_failures` (it
    /// ran, or was given up on) its count of failures goes in the same
    /// step. False when the lease was lost to another replica, which then
    /// owns the job.
    async fn finish_job(
        &self,
        team: &TeamId,
        owner: &str,
        job: &str,
        next_due_ms: Option<i64>,
        clear_failures: bool,
    ) -> StoreResult<bool>;

    /// Removes `job` from the queue, leased or not (e.g. for `forget`), and
    /// its count of failures.
    async fn cancel_job(&self, team: &TeamId, job: &str) -> StoreResult<()>;

    /// Every queued or leased job whose name contains `needle` (candidates:
    /// the caller decides which are really meant).
    async fn jobs_containing(&self, team: &TeamId, needle: &str) -> StoreResult<Vec<String>>;

    /// Counts one more failed run of `job` in a row; returns the count.
    async fn job_failed(&self, team: &TeamId, job: &str) -> StoreResult<u32>;

    /// Several members' documents of one kind in one round trip (`None`
    /// where a member has none), in the order of `users`: program figures
    /// read every profile.
    async fn load_docs(
        &self,
        team: &TeamId,
        users: &[UserId],
        doc: Doc,
    ) -> StoreResult<Vec<Option<String>>>;

    /// Adds `counts` (figure, amount; amounts may be negative when an
    /// answer changes) to the workspace's counts for `day` (`YYYY-MM-DD`)
    /// and for all time, and, with `user`, to that member's own counts
    /// (unless they have been forgotten), in one atomic step. Day buckets
    /// are kept [`TALLY_DAYS`] days.
    async fn count(
        &self,
        team: &TeamId,
        user: Option<&UserId>,
        day: &str,
        counts: &[(&str, i64)],
    ) -> StoreResult<()>;

    /// The workspace's counts for each of `days` (a day, or `all`), in
    /// order; an empty map for a day with none.
    async fn tallies(&self, team: &TeamId, days: &[String]) -> StoreResult<Vec<Tally>>;

    /// Each member's own counts (`figure` for all time, `figure@day` per
    /// day), in the order of `users`.
    async fn member_tallies(&self, team: &TeamId, users: &[UserId]) -> StoreResult<Vec<Tally>>;

    /// Sets a round's figures (`at_least`: raises each to at least the
    /// value given, so an answer can only improve a group's outcome).
    async fn set_round_figures(
        &self,
        team: &TeamId,
        round: u32,
        figures: &[(&str, i64)],
        at_least: bool,
    ) -> StoreResult<()>;

    /// The figures of each of `rounds`, in order.
    async fn round_figures(&self, team: &TeamId, rounds: &[u32]) -> StoreResult<Vec<Tally>>;

    /// A program-wide value such as the encryption canary.
    async fn load_meta(&self, name: &str) -> StoreResult<Option<String>>;

    /// Compare-and-set for a program-wide value, as [`Store::swap_doc`].
    async fn swap_meta(&self, name: &str, expected: Option<&str>, new: &str) -> StoreResult<bool>;

    /// Every stored document, of every member and workspace under this
    /// prefix (for re-sealing them all when encryption changes).
    async fn document_slots(&self) -> StoreResult<Vec<DocSlot>>;

    /// Erases every key that belongs to one member (all of
    /// `…:user:<id>:…`, and their jobs' sent-marks) and their membership;
    /// returns how many keys were removed. First it puts up a fence (a
    /// digest of their id): from then on writes about them are refused —
    /// their documents, marks, jobs — until they join again, so a job still
    /// running for them cannot bring anything back.
    async fn erase_member(&self, team: &TeamId, user: &UserId) -> StoreResult<usize>;

    /// Which implementation this is, for logs and `/metrics`.
    fn kind(&self) -> &'static str;
}
