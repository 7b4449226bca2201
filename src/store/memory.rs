//! In-memory implementation of [`Store`] for single-process trials: same
//! contract as Redis, nothing survives a restart.

use super::{Doc, DocSlot, Keys, Store, StoreError, StoreResult, Tally, TeamSwap};
use crate::ids::{TeamId, UserId};
use async_trait::async_trait;
use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

pub struct MemoryStore {
    keys: Keys,
    /// Key → expiry instant.
    expiring: Mutex<HashMap<String, Instant>>,
    values: Mutex<HashMap<String, String>>,
    members: Mutex<HashMap<String, std::collections::BTreeSet<String>>>,
    /// Per team: job → due (ms), and job → (owner, lease until ms).
    jobs: Mutex<HashMap<String, Jobs>>,
    /// The `forgotten` fences: per team, members' fence ids and until when
    /// they stand.
    forgotten: Mutex<HashMap<String, HashMap<String, Instant>>>,
    /// Counts and round figures, by key (as Redis hashes; day buckets are
    /// not expired — a trial does not run 400 days).
    tallies: Mutex<HashMap<String, Tally>>,
}

#[derive(Default)]
struct Jobs {
    due: HashMap<String, i64>,
    /// Holder and end of each lease, on this process's monotonic clock
    /// (as Redis uses its own clock, not the caller's).
    leased: HashMap<String, (String, Instant)>,
    failures: HashMap<String, u32>,
}

impl MemoryStore {
    pub fn new(keys: Keys) -> Self {
        Self {
            keys,
            expiring: Mutex::new(HashMap::new()),
            values: Mutex::new(HashMap::new()),
            members: Mutex::new(HashMap::new()),
            jobs: Mutex::new(HashMap::new()),
            forgotten: Mutex::new(HashMap::new()),
            tallies: Mutex::new(HashMap::new()),
        }
    }

    /// Refused with [`StoreError::Forgotten`] behind `user`'s fence.
    fn fence(&self, team: &TeamId, user: &UserId) -> StoreResult<()> {
        let fences = self.forgotten.lock().unwrap_or_else(|p| p.into_inner());
        if stands(&fences, &self.keys.forgotten(team), user) {
            Err(StoreError::Forgotten)
        } else {
            Ok(())
        }
    }
}

impl MemoryStore {
    fn hashes(&self, keys: impl Iterator<Item = String>) -> Vec<Tally> {
        let map = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        keys.map(|k| map.get(&k).cloned().unwrap_or_default())
            .collect()
    }

    fn swap_key(&self, key: String, expected: Option<&str>, new: &str) -> bool {
        let mut map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        if map.get(&key).map(String::as_str) != expected {
            return false;
        }
        map.insert(key, new.to_owned());
        true
    }
}

#[async_trait]
impl Store for MemoryStore {
    async fn ping(&self) -> StoreResult<()> {
        Ok(())
    }

    async fn event_seen(&self, team: &TeamId, event_id: &str) -> StoreResult<bool> {
        let key = self.keys.event_seen(team, event_id);
        let now = Instant::now();
        let map = self.expiring.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(&key).is_some_and(|expiry| *expiry > now))
    }

    async fn claim_event(&self, team: &TeamId, event_id: &str, ttl: Duration) -> StoreResult<bool> {
        let key = self.keys.event_seen(team, event_id);
        let now = Instant::now();
        // A poisoned lock only means another task panicked mid-insert; the map
        // itself is still a valid map.
        let mut map = self.expiring.lock().unwrap_or_else(|p| p.into_inner());
        map.retain(|_, expiry| *expiry > now);
        if map.contains_key(&key) {
            return Ok(false);
        }
        map.insert(key, now + ttl);
        Ok(true)
    }

    async fn load_doc(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
    ) -> StoreResult<Option<String>> {
        let map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(&self.keys.doc(team, user, doc)).cloned())
    }

    async fn swap_doc_also(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        expected: Option<&str>,
        new: &str,
        join: bool,
        jobs: &[(String, i64)],
    ) -> StoreResult<bool> {
        // Every lock for the whole step (the fence held while writing, as
        // Redis checks it in the script), fences first, then values.
        let mut fences = self.forgotten.lock().unwrap_or_else(|p| p.into_inner());
        let fence_key = self.keys.forgotten(team);
        if join {
            if let Some(team_fences) = fences.get_mut(&fence_key) {
                team_fences.remove(&Keys::fence_id(user));
            }
        } else if stands(&fences, &fence_key, user) {
            return Err(StoreError::Forgotten);
        }
        let mut values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        let mut members = self.members.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let key = self.keys.doc(team, user, doc);
        if values.get(&key).map(String::as_str) != expected {
            return Ok(false);
        }
        values.insert(key, new.to_owned());
        if join {
            members
                .entry(self.keys.members(team))
                .or_default()
                .insert(user.as_str().to_owned());
        }
        let queue = all.entry(self.keys.jobs_due(team)).or_default();
        for (job, due) in jobs {
            queue.due.insert(job.clone(), *due);
        }
        Ok(true)
    }

    async fn mark_member_sent(
        &self,
        team: &TeamId,
        user: &UserId,
        mark: &str,
        ttl: Duration,
    ) -> StoreResult<bool> {
        if self.fence(team, user).is_err() {
            return Ok(false);
        }
        self.claim_event(team, mark, ttl).await
    }

    async fn schedule_member_job(
        &self,
        team: &TeamId,
        user: &UserId,
        job: &str,
        due_ms: i64,
    ) -> StoreResult<()> {
        self.fence(team, user)?;
        self.schedule_job(team, job, due_ms).await
    }

    async fn add_member(&self, team: &TeamId, user: &UserId) -> StoreResult<()> {
        let mut map = self.members.lock().unwrap_or_else(|p| p.into_inner());
        map.entry(self.keys.members(team))
            .or_default()
            .insert(user.as_str().to_owned());
        Ok(())
    }

    async fn members(&self, team: &TeamId) -> StoreResult<Vec<UserId>> {
        let map = self.members.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map
            .get(&self.keys.members(team))
            .map(|set| set.iter().filter_map(|i| UserId::parse(i).ok()).collect())
            .unwrap_or_default())
    }

    async fn load_team_doc(&self, team: &TeamId, name: &str) -> StoreResult<Option<String>> {
        let map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(&self.keys.team_doc(team, name)).cloned())
    }

    async fn swap_team_doc(
        &self,
        team: &TeamId,
        name: &str,
        expected: Option<&str>,
        new: &str,
    ) -> StoreResult<bool> {
        Ok(self.swap_key(self.keys.team_doc(team, name), expected, new))
    }

    async fn swap_doc(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        expected: Option<&str>,
        new: &str,
    ) -> StoreResult<bool> {
        self.swap_doc_also(team, user, doc, expected, new, false, &[])
            .await
    }

    async fn commit_team(
        &self,
        team: &TeamId,
        swaps: &[TeamSwap<'_>],
        jobs: &[(String, i64)],
    ) -> StoreResult<bool> {
        // Both locks for the whole step, values first (as everywhere here).
        let mut values = self.values.lock().unwrap_or_else(|p| p.into_inner());
        let mut all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let keys: Vec<String> = swaps
            .iter()
            .map(|s| self.keys.team_doc(team, s.name))
            .collect();
        let current = keys
            .iter()
            .zip(swaps)
            .all(|(key, s)| values.get(key).map(String::as_str) == s.expected);
        if !current {
            return Ok(false);
        }
        for (key, s) in keys.into_iter().zip(swaps) {
            values.insert(key, s.new.to_owned());
        }
        let queue = all.entry(self.keys.jobs_due(team)).or_default();
        for (job, due) in jobs {
            queue.due.insert(job.clone(), *due);
        }
        Ok(true)
    }

    async fn schedule_job(&self, team: &TeamId, job: &str, due_ms: i64) -> StoreResult<()> {
        let mut all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        all.entry(self.keys.jobs_due(team))
            .or_default()
            .due
            .insert(job.to_owned(), due_ms);
        Ok(())
    }

    async fn claim_jobs(
        &self,
        team: &TeamId,
        owner: &str,
        now_ms: i64,
        lease_ms: i64,
        limit: usize,
    ) -> StoreResult<Vec<String>> {
        let clock = Instant::now();
        let mut all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let jobs = all.entry(self.keys.jobs_due(team)).or_default();
        let expired: Vec<String> = jobs
            .leased
            .iter()
            .filter(|(_, (_, until))| *until <= clock)
            .map(|(j, _)| j.clone())
            .collect();
        for job in expired {
            jobs.leased.remove(&job);
            jobs.due.insert(job, now_ms);
        }
        let mut ready: Vec<(i64, String)> = jobs
            .due
            .iter()
            .filter(|(_, due)| **due <= now_ms)
            .map(|(j, due)| (*due, j.clone()))
            .collect();
        ready.sort();
        ready.truncate(limit);
        let claimed: Vec<String> = ready.into_iter().map(|(_, j)| j).collect();
        let until = clock + lease_length(lease_ms);
        for job in &claimed {
            jobs.due.remove(job);
            jobs.leased.insert(job.clone(), (owner.to_owned(), until));
        }
        Ok(claimed)
    }

    async fn renew_lease(
        &self,
        team: &TeamId,
        owner: &str,
        job: &str,
        lease_ms: i64,
    ) -> StoreResult<bool> {
        let mut all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let jobs = all.entry(self.keys.jobs_due(team)).or_default();
        match jobs.leased.get_mut(job) {
            Some((holder, until)) if holder == owner => {
                *until = Instant::now() + lease_length(lease_ms);
                Ok(true)
            }
            _ => Ok(false),
        }
    }

    async fn finish_job(
        &self,
        team: &TeamId,
        owner: &str,
        job: &str,
        next_due_ms: Option<i64>,
        clear_failures: bool,
    ) -> StoreResult<bool> {
        let mut all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let jobs = all.entry(self.keys.jobs_due(team)).or_default();
        if jobs.leased.get(job).map(|(o, _)| o.as_str()) != Some(owner) {
            return Ok(false);
        }
        jobs.leased.remove(job);
        if clear_failures {
            jobs.failures.remove(job);
        }
        if let Some(next) = next_due_ms {
            jobs.due.insert(job.to_owned(), next);
        }
        Ok(true)
    }

    async fn cancel_job(&self, team: &TeamId, job: &str) -> StoreResult<()> {
        let mut all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let jobs = all.entry(self.keys.jobs_due(team)).or_default();
        jobs.due.remove(job);
        jobs.leased.remove(job);
        jobs.failures.remove(job);
        Ok(())
    }

    async fn jobs_containing(&self, team: &TeamId, needle: &str) -> StoreResult<Vec<String>> {
        let all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let Some(jobs) = all.get(&self.keys.jobs_due(team)) else {
            return Ok(Vec::new());
        };
        let mut found: Vec<String> = jobs
            .due
            .keys()
            .chain(jobs.leased.keys())
            .filter(|j| j.contains(needle))
            .cloned()
            .collect();
        found.sort();
        found.dedup();
        Ok(found)
    }

    async fn job_failed(&self, team: &TeamId, job: &str) -> StoreResult<u32> {
        let mut all = self.jobs.lock().unwrap_or_else(|p| p.into_inner());
        let count = all
            .entry(self.keys.jobs_due(team))
            .or_default()
            .failures
            .entry(job.to_owned())
            .or_default();
        *count += 1;
        Ok(*count)
    }

    async fn load_meta(&self, name: &str) -> StoreResult<Option<String>> {
        let map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        Ok(map.get(&self.keys.meta(name)).cloned())
    }

    async fn swap_meta(&self, name: &str, expected: Option<&str>, new: &str) -> StoreResult<bool> {
        Ok(self.swap_key(self.keys.meta(name), expected, new))
    }

    async fn document_slots(&self) -> StoreResult<Vec<DocSlot>> {
        let map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        let mut found: Vec<DocSlot> = map.keys().filter_map(|k| self.keys.parse_doc(k)).collect();
        found.sort();
        Ok(found)
    }

    async fn load_docs(
        &self,
        team: &TeamId,
        users: &[UserId],
        doc: Doc,
    ) -> StoreResult<Vec<Option<String>>> {
        let map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        Ok(users
            .iter()
            .map(|u| map.get(&self.keys.doc(team, u, doc)).cloned())
            .collect())
    }

    async fn count(
        &self,
        team: &TeamId,
        user: Option<&UserId>,
        day: &str,
        counts: &[(&str, i64)],
    ) -> StoreResult<()> {
        // The fence held through the write, as Redis checks it in the script.
        let fences = self.forgotten.lock().unwrap_or_else(|p| p.into_inner());
        let member = user.filter(|u| !stands(&fences, &self.keys.forgotten(team), u));
        let mut map = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        for (figure, amount) in counts {
            for key in [self.keys.tally(team, day), self.keys.tally(team, "all")] {
                *map.entry(key)
                    .or_default()
                    .entry((*figure).to_owned())
                    .or_default() += amount;
            }
            if let Some(u) = member {
                let own = map.entry(self.keys.member_tally(team, u)).or_default();
                *own.entry((*figure).to_owned()).or_default() += amount;
                *own.entry(format!("{figure}@{day}")).or_default() += amount;
            }
        }
        Ok(())
    }

    async fn tallies(&self, team: &TeamId, days: &[String]) -> StoreResult<Vec<Tally>> {
        Ok(self.hashes(days.iter().map(|d| self.keys.tally(team, d))))
    }

    async fn member_tallies(&self, team: &TeamId, users: &[UserId]) -> StoreResult<Vec<Tally>> {
        Ok(self.hashes(users.iter().map(|u| self.keys.member_tally(team, u))))
    }

    async fn set_round_figures(
        &self,
        team: &TeamId,
        round: u32,
        figures: &[(&str, i64)],
        at_least: bool,
    ) -> StoreResult<()> {
        let mut map = self.tallies.lock().unwrap_or_else(|p| p.into_inner());
        let hash = map.entry(self.keys.round_figures(team, round)).or_default();
        for (figure, value) in figures {
            let slot = hash.entry((*figure).to_owned()).or_insert(i64::MIN);
            if !at_least || *value > *slot {
                *slot = *value;
            }
        }
        Ok(())
    }

    async fn round_figures(&self, team: &TeamId, rounds: &[u32]) -> StoreResult<Vec<Tally>> {
        Ok(self.hashes(rounds.iter().map(|r| self.keys.round_figures(team, *r))))
    }

    async fn erase_member(&self, team: &TeamId, user: &UserId) -> StoreResult<usize> {
        self.forgotten
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .entry(self.keys.forgotten(team))
            .or_default()
            .insert(Keys::fence_id(user), Instant::now() + FENCE_KEEP);
        if let Some(set) = self
            .members
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get_mut(&self.keys.members(team))
        {
            set.remove(user.as_str());
        }
        let marks = {
            let mut expiring = self.expiring.lock().unwrap_or_else(|p| p.into_inner());
            let before = expiring.len();
            expiring.retain(|k, _| !self.keys.is_member_mark(k, team, user));
            before - expiring.len()
        };
        let prefix = self.keys.member_prefix(team, user);
        let tally = self
            .tallies
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&self.keys.member_tally(team, user))
            .is_some();
        let mut map = self.values.lock().unwrap_or_else(|p| p.into_inner());
        let before = map.len();
        map.retain(|k, _| !k.starts_with(&prefix));
        Ok(before - map.len() + marks + usize::from(tally))
    }

    fn kind(&self) -> &'static str {
        "memory"
    }
}

fn lease_length(lease_ms: i64) -> Duration {
    Duration::from_millis(lease_ms.max(0) as u64)
}

/// How long a fence stands (as in Redis).
const FENCE_KEEP: Duration = Duration::from_secs(15 * 60);

/// Whether `user`'s fence stands in the team's fences.
fn stands(fences: &HashMap<String, HashMap<String, Instant>>, key: &str, user: &UserId) -> bool {
    fences
        .get(key)
        .and_then(|f| f.get(&Keys::fence_id(user)))
        .is_some_and(|until| *until > Instant::now())
}
