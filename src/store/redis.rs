//! Redis implementation of [`Store`] over a reconnecting `ConnectionManager`.

use super::connection::{Connection, LazyCluster, ScanAt};
use super::scripts::{
    CLAIM, COMMIT, COUNT, FENCE, FENCE_KEEP_MS, FINISH, MEMBER_JOB, MEMBER_MARK, RAISE, RENEW,
    SWAP, SWAP_ALSO,
};
use super::{Doc, DocSlot, Keys, Store, StoreError, StoreResult, Tally, TeamSwap};
use crate::ids::{TeamId, UserId};
use async_trait::async_trait;
use redis::aio::{ConnectionManager, ConnectionManagerConfig};
use std::time::Duration;

/// How long one Redis command may take before we call the store unavailable;
/// a Slack request must still be answered within its 3-second window.
const RESPONSE_TIMEOUT: Duration = Duration::from_millis(1500);
const CONNECT_TIMEOUT: Duration = Duration::from_millis(1000);

#[derive(Clone)]
pub struct RedisStore {
    conn: Connection,
    keys: Keys,
}

impl RedisStore {
    /// Prepares a connection without requiring Redis to be up yet: the bot
    /// starts, `/readyz` reports 503, and it connects as soon as Redis answers.
    pub fn connect_lazily(url: &str, keys: Keys) -> StoreResult<Self> {
        Self::connect_lazily_with_ca(url, keys, None)
    }

    /// As [`RedisStore::connect_lazily`]; a `rediss://` server's
    /// certificate is checked against `ca_pem` (a private CA) when given,
    /// else against the system's roots. Passwords and ACL users come in the
    /// URL (`rediss://user:password@host:port/0`).
    pub fn connect_lazily_with_ca(
        url: &str,
        keys: Keys,
        ca_pem: Option<Vec<u8>>,
    ) -> StoreResult<Self> {
        let client = match ca_pem {
            Some(root_cert) => redis::Client::build_with_tls(
                url,
                redis::TlsCertificates {
                    client_tls: None,
                    root_cert: Some(root_cert),
                },
            ),
            None => redis::Client::open(url),
        }
        .map_err(|e| {
            StoreError::Unavailable(format!("bad REDIS_URL or REDIS_CA_FILE: {:?}", e.kind()))
        })?;
        let config = ConnectionManagerConfig::new()
            .set_connection_timeout(Some(CONNECT_TIMEOUT))
            .set_response_timeout(Some(RESPONSE_TIMEOUT))
            .set_number_of_retries(1);
        let conn = ConnectionManager::new_lazy_with_config(client, config)
            .map_err(|e| StoreError::Unavailable(e.to_string()))?;
        Ok(Self {
            conn: Connection::Single(conn),
            keys,
        })
    }

    /// A Redis Cluster, found from its seed nodes (`redis://` or
    /// `rediss://`, with a password in the URLs if it asks for one);
    /// connected on first use. `ca_pem` as for a single server.
    pub fn cluster_lazily(
        seeds: &[String],
        keys: Keys,
        ca_pem: Option<Vec<u8>>,
    ) -> StoreResult<Self> {
        let mut builder = redis::cluster::ClusterClient::builder(seeds.to_vec())
            .connection_timeout(CONNECT_TIMEOUT)
            .response_timeout(RESPONSE_TIMEOUT)
            .retries(2);
        if let Some(root_cert) = ca_pem {
            builder = builder.certs(redis::TlsCertificates {
                client_tls: None,
                root_cert: Some(root_cert),
            });
        }
        let client = builder.build().map_err(|e| {
            StoreError::Unavailable(format!(
                "bad REDIS_CLUSTER_URLS or REDIS_CA_FILE: {:?}",
                e.kind()
            ))
        })?;
        Ok(Self {
            conn: Connection::Cluster(std::sync::Arc::new(LazyCluster::new(client))),
            keys,
        })
    }

    /// One round trip at start-up, with a one-line reason an operator can
    /// act on when it fails (never the URL: it may hold a password).
    pub async fn first_contact(&self) -> Result<(), String> {
        let mut conn = self.conn.clone();
        match redis::cmd("PING").query_async::<String>(&mut conn).await {
            Ok(_) => Ok(()),
            Err(e) => Err(explain(&e)),
        }
    }

    pub fn keys(&self) -> &Keys {
        &self.keys
    }

    /// Every hash in `keys` (HGETALL each, pipelined), in order.
    async fn hashes(&self, keys: &[String]) -> StoreResult<Vec<Tally>> {
        let mut conn = self.conn.clone();
        let mut out = Vec::with_capacity(keys.len());
        for chunk in keys.chunks(500) {
            let mut pipe = redis::pipe();
            for key in chunk {
                pipe.cmd("HGETALL").arg(key);
            }
            let batch: Vec<Tally> = pipe.query_async(&mut conn).await.map_err(unavailable)?;
            out.extend(batch);
        }
        Ok(out)
    }

    async fn swap_key(&self, key: String, expected: Option<&str>, new: &str) -> StoreResult<bool> {
        let mut conn = self.conn.clone();
        let wrote: i64 = SWAP
            .key(key)
            .arg(if expected.is_some() { "1" } else { "0" })
            .arg(expected.unwrap_or(""))
            .arg(new)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(wrote == 1)
    }
}

/// What went wrong reaching Redis, in words an operator can act on.
fn explain(e: &redis::RedisError) -> String {
    let text = e.to_string();
    let has = |needle: &str| text.to_ascii_lowercase().contains(needle);
    if e.kind() == redis::ErrorKind::AuthenticationFailed
        || has("wrongpass")
        || has("noauth")
        || has("invalid username")
    {
        "Redis refused the user or password in REDIS_URL".into()
    } else if has("certificate") || has("unknownissuer") || has("tls") && has("invalid") {
        "Redis's TLS certificate is not trusted: set REDIS_CA_FILE to the PEM of the CA that \
         signed it (or check the host name in REDIS_URL)"
            .into()
    } else if e.is_connection_refusal() || e.is_timeout() || e.is_io_error() {
        "Redis does not answer at the host and port in REDIS_URL".into()
    } else {
        format!("Redis answered with an error ({:?})", e.kind())
    }
}

/// A fenced script's answer: 1 wrote, 0 lost the compare-and-set, -1 the
/// member has been forgotten.
fn fenced(answer: i64) -> StoreResult<bool> {
    match answer {
        -1 => Err(StoreError::Forgotten),
        n => Ok(n == 1),
    }
}

fn unavailable(e: redis::RedisError) -> StoreError {
    StoreError::Unavailable(e.to_string())
}

#[async_trait]
impl Store for RedisStore {
    async fn ping(&self) -> StoreResult<()> {
        let mut conn = self.conn.clone();
        let _: String = redis::cmd("PING")
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn event_seen(&self, team: &TeamId, event_id: &str) -> StoreResult<bool> {
        let mut conn = self.conn.clone();
        let key = self.keys.event_seen(team, event_id);
        let n: i64 = redis::cmd("EXISTS")
            .arg(&key)
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(n > 0)
    }

    async fn claim_event(&self, team: &TeamId, event_id: &str, ttl: Duration) -> StoreResult<bool> {
        let mut conn = self.conn.clone();
        let key = self.keys.event_seen(team, event_id);
        let millis = ttl.as_millis().max(1) as u64;
        let set: Option<String> = redis::cmd("SET")
            .arg(&key)
            .arg(1)
            .arg("NX")
            .arg("PX")
            .arg(millis)
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(set.is_some())
    }

    async fn load_doc(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
    ) -> StoreResult<Option<String>> {
        let mut conn = self.conn.clone();
        redis::cmd("GET")
            .arg(self.keys.doc(team, user, doc))
            .query_async(&mut conn)
            .await
            .map_err(unavailable)
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
        let mut conn = self.conn.clone();
        let mut invocation = SWAP_ALSO.prepare_invoke();
        invocation
            .key(self.keys.doc(team, user, doc))
            .key(self.keys.members(team))
            .key(self.keys.jobs_due(team))
            .key(self.keys.forgotten(team))
            .arg(if expected.is_some() { "1" } else { "0" })
            .arg(expected.unwrap_or(""))
            .arg(new)
            .arg(if join { user.as_str() } else { "" })
            .arg(Keys::fence_id(user));
        for (job, due) in jobs {
            invocation.arg(job).arg(due);
        }
        let wrote: i64 = invocation
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        fenced(wrote)
    }

    async fn mark_member_sent(
        &self,
        team: &TeamId,
        user: &UserId,
        mark: &str,
        ttl: Duration,
    ) -> StoreResult<bool> {
        let mut conn = self.conn.clone();
        let claimed: i64 = MEMBER_MARK
            .key(self.keys.forgotten(team))
            .key(self.keys.event_seen(team, mark))
            .arg(Keys::fence_id(user))
            .arg(ttl.as_secs().max(1))
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(claimed == 1)
    }

    async fn schedule_member_job(
        &self,
        team: &TeamId,
        user: &UserId,
        job: &str,
        due_ms: i64,
    ) -> StoreResult<()> {
        let mut conn = self.conn.clone();
        let wrote: i64 = MEMBER_JOB
            .key(self.keys.forgotten(team))
            .key(self.keys.jobs_due(team))
            .arg(Keys::fence_id(user))
            .arg(job)
            .arg(due_ms)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        fenced(wrote).map(|_| ())
    }

    async fn add_member(&self, team: &TeamId, user: &UserId) -> StoreResult<()> {
        let mut conn = self.conn.clone();
        let _: i64 = redis::cmd("SADD")
            .arg(self.keys.members(team))
            .arg(user.as_str())
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(())
    }

    async fn members(&self, team: &TeamId) -> StoreResult<Vec<UserId>> {
        let mut conn = self.conn.clone();
        let ids: Vec<String> = redis::cmd("SMEMBERS")
            .arg(self.keys.members(team))
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
        let mut users: Vec<UserId> = ids.iter().filter_map(|i| UserId::parse(i).ok()).collect();
        users.sort();
        Ok(users)
    }

    async fn load_team_doc(&self, team: &TeamId, name: &str) -> StoreResult<Option<String>> {
        let mut conn = self.conn.clone();
        redis::cmd("GET")
            .arg(self.keys.team_doc(team, name))
            .query_async(&mut conn)
            .await
            .map_err(unavailable)
    }

    async fn swap_team_doc(
        &self,
        team: &TeamId,
        name: &str,
        expected: Option<&str>,
        new: &str,
    ) -> StoreResult<bool> {
        self.swap_key(self.keys.team_doc(team, name), expected, new)
            .await
    }

    async fn swap_doc(
        &self,
        team: &TeamId,
        user: &UserId,
        doc: Doc,
        expected: Option<&str>,
        new: &str,
    ) -> StoreResult<bool> {
        // The same script as a change that joins or queues, with neither.
        self.swap_doc_also(team, user, doc, expected, new, false, &[])
            .await
    }

    async fn commit_team(
        &self,
        team: &TeamId,
        swaps: &[TeamSwap<'_>],
        jobs: &[(String, i64)],
    ) -> StoreResult<bool> {
        let mut conn = self.conn.clone();
        let mut invocation = COMMIT.prepare_invoke();
        for swap in swaps {
            invocation.key(self.keys.team_doc(team, swap.name));
        }
        invocation.key(self.keys.jobs_due(team)).arg(swaps.len());
        for swap in swaps {
            invocation
                .arg(if swap.expected.is_some() { "1" } else { "0" })
                .arg(swap.expected.unwrap_or(""))
                .arg(swap.new);
        }
        for (job, due) in jobs {
            invocation.arg(job).arg(due);
        }
        let wrote: i64 = invocation
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(wrote == 1)
    }

    async fn schedule_job(&self, team: &TeamId, job: &str, due_ms: i64) -> StoreResult<()> {
        let mut conn = self.conn.clone();
        let _: i64 = redis::cmd("ZADD")
            .arg(self.keys.jobs_due(team))
            .arg(due_ms)
            .arg(job)
            .query_async(&mut conn)
            .await
            .map_err(unavailable)?;
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
        let mut conn = self.conn.clone();
        CLAIM
            .key(self.keys.jobs_due(team))
            .key(self.keys.jobs_leased(team))
            .key(self.keys.jobs_owner(team))
            .arg(now_ms)
            .arg(lease_ms)
            .arg(limit)
            .arg(owner)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)
    }

    async fn renew_lease(
        &self,
        team: &TeamId,
        owner: &str,
        job: &str,
        lease_ms: i64,
    ) -> StoreResult<bool> {
        let mut conn = self.conn.clone();
        let renewed: i64 = RENEW
            .key(self.keys.jobs_leased(team))
            .key(self.keys.jobs_owner(team))
            .arg(job)
            .arg(owner)
            .arg(lease_ms)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(renewed == 1)
    }

    async fn finish_job(
        &self,
        team: &TeamId,
        owner: &str,
        job: &str,
        next_due_ms: Option<i64>,
        clear_failures: bool,
    ) -> StoreResult<bool> {
        let mut conn = self.conn.clone();
        let done: i64 = FINISH
            .key(self.keys.jobs_due(team))
            .key(self.keys.jobs_leased(team))
            .key(self.keys.jobs_owner(team))
            .key(self.keys.jobs_failures(team))
            .arg(job)
            .arg(owner)
            .arg(next_due_ms.map(|n| n.to_string()).unwrap_or_default())
            .arg(if clear_failures { "1" } else { "" })
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        Ok(done == 1)
    }

    async fn cancel_job(&self, team: &TeamId, job: &str) -> StoreResult<()> {
        let mut conn = self.conn.clone();
        let mut pipe = redis::pipe();
        pipe.atomic()
            .cmd("ZREM")
            .arg(self.keys.jobs_due(team))
            .arg(job)
            .ignore()
            .cmd("ZREM")
            .arg(self.keys.jobs_leased(team))
            .arg(job)
            .ignore()
            .cmd("HDEL")
            .arg(self.keys.jobs_owner(team))
            .arg(job)
            .ignore()
            .cmd("HDEL")
            .arg(self.keys.jobs_failures(team))
            .arg(job)
            .ignore();
        let _: () = pipe.query_async(&mut conn).await.map_err(unavailable)?;
        Ok(())
    }

    async fn jobs_containing(&self, team: &TeamId, needle: &str) -> StoreResult<Vec<String>> {
        let mut conn = self.conn.clone();
        // Needles are ids: no glob characters (checked when parsed).
        let pattern = format!("*{needle}*");
        let mut found = std::collections::BTreeSet::new();
        for key in [self.keys.jobs_due(team), self.keys.jobs_leased(team)] {
            let mut cursor: u64 = 0;
            loop {
                let (next, batch): (u64, Vec<String>) = redis::cmd("ZSCAN")
                    .arg(&key)
                    .arg(cursor)
                    .arg("MATCH")
                    .arg(&pattern)
                    .arg("COUNT")
                    .arg(500)
                    .query_async(&mut conn)
                    .await
                    .map_err(unavailable)?;
                // ZSCAN answers member, score, member, score, …
                found.extend(batch.into_iter().step_by(2));
                if next == 0 {
                    break;
                }
                cursor = next;
            }
        }
        Ok(found.into_iter().collect())
    }

    async fn job_failed(&self, team: &TeamId, job: &str) -> StoreResult<u32> {
        let mut conn = self.conn.clone();
        redis::cmd("HINCRBY")
            .arg(self.keys.jobs_failures(team))
            .arg(job)
            .arg(1)
            .query_async(&mut conn)
            .await
            .map_err(unavailable)
    }

    async fn load_meta(&self, name: &str) -> StoreResult<Option<String>> {
        let mut conn = self.conn.clone();
        redis::cmd("GET")
            .arg(self.keys.meta(name))
            .query_async(&mut conn)
            .await
            .map_err(unavailable)
    }

    async fn swap_meta(&self, name: &str, expected: Option<&str>, new: &str) -> StoreResult<bool> {
        self.swap_key(self.keys.meta(name), expected, new).await
    }

    async fn load_docs(
        &self,
        team: &TeamId,
        users: &[UserId],
        doc: Doc,
    ) -> StoreResult<Vec<Option<String>>> {
        if users.is_empty() {
            return Ok(Vec::new());
        }
        let mut conn = self.conn.clone();
        // One MGET per thousand: the keys share the team's slot.
        let mut out = Vec::with_capacity(users.len());
        for chunk in users.chunks(1000) {
            let keys: Vec<String> = chunk.iter().map(|u| self.keys.doc(team, u, doc)).collect();
            let values: Vec<Option<String>> = redis::cmd("MGET")
                .arg(&keys)
                .query_async(&mut conn)
                .await
                .map_err(unavailable)?;
            out.extend(values);
        }
        Ok(out)
    }

    async fn count(
        &self,
        team: &TeamId,
        user: Option<&UserId>,
        day: &str,
        counts: &[(&str, i64)],
    ) -> StoreResult<()> {
        if counts.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn.clone();
        let mut call = COUNT.prepare_invoke();
        call.key(self.keys.tally(team, day))
            .key(self.keys.tally(team, "all"))
            .key(match user {
                Some(u) => self.keys.member_tally(team, u),
                None => self.keys.tally(team, "none"),
            })
            .key(self.keys.forgotten(team))
            .arg(day)
            .arg(user.map(Keys::fence_id).unwrap_or_default())
            .arg(super::TALLY_DAYS * 86_400);
        for (figure, amount) in counts {
            call.arg(*figure).arg(*amount);
        }
        let _: () = call.invoke_async(&mut conn).await.map_err(unavailable)?;
        Ok(())
    }

    async fn tallies(&self, team: &TeamId, days: &[String]) -> StoreResult<Vec<Tally>> {
        let keys: Vec<String> = days.iter().map(|d| self.keys.tally(team, d)).collect();
        self.hashes(&keys).await
    }

    async fn member_tallies(&self, team: &TeamId, users: &[UserId]) -> StoreResult<Vec<Tally>> {
        let keys: Vec<String> = users
            .iter()
            .map(|u| self.keys.member_tally(team, u))
            .collect();
        self.hashes(&keys).await
    }

    async fn set_round_figures(
        &self,
        team: &TeamId,
        round: u32,
        figures: &[(&str, i64)],
        at_least: bool,
    ) -> StoreResult<()> {
        if figures.is_empty() {
            return Ok(());
        }
        let mut conn = self.conn.clone();
        let key = self.keys.round_figures(team, round);
        if at_least {
            let mut call = RAISE.prepare_invoke();
            call.key(key);
            for (figure, value) in figures {
                call.arg(*figure).arg(*value);
            }
            let _: () = call.invoke_async(&mut conn).await.map_err(unavailable)?;
        } else {
            let mut cmd = redis::cmd("HSET");
            cmd.arg(key);
            for (figure, value) in figures {
                cmd.arg(*figure).arg(*value);
            }
            let _: i64 = cmd.query_async(&mut conn).await.map_err(unavailable)?;
        }
        Ok(())
    }

    async fn round_figures(&self, team: &TeamId, rounds: &[u32]) -> StoreResult<Vec<Tally>> {
        let keys: Vec<String> = rounds
            .iter()
            .map(|r| self.keys.round_figures(team, *r))
            .collect();
        self.hashes(&keys).await
    }

    async fn document_slots(&self) -> StoreResult<Vec<DocSlot>> {
        let mut found = std::collections::BTreeSet::new();
        for pattern in self.keys.doc_patterns() {
            let keys = self
                .conn
                .scan(&pattern, ScanAt::Everywhere)
                .await
                .map_err(unavailable)?;
            found.extend(keys.iter().filter_map(|k| self.keys.parse_doc(k)));
        }
        Ok(found.into_iter().collect())
    }

    async fn erase_member(&self, team: &TeamId, user: &UserId) -> StoreResult<usize> {
        let mut conn = self.conn.clone();
        // The fence first: a write about them that lands after this is
        // refused, one that landed before is found by the scan below.
        // Fences past their time go.
        let _: () = FENCE
            .key(self.keys.forgotten(team))
            .arg(Keys::fence_id(user))
            .arg(FENCE_KEEP_MS)
            .invoke_async(&mut conn)
            .await
            .map_err(unavailable)?;
        // Ids and prefix hold no glob characters (checked when parsed), so
        // the prefix can be matched literally.
        // Their own keys, and the sent-marks of their jobs (which name them).
        let patterns = [
            format!("{}*", self.keys.member_prefix(team, user)),
            self.keys.member_marks_pattern(team, user),
        ];
        // All under the team's hash tag: one slot, one server to scan.
        let slot_of = self.keys.members(team);
        let mut keys: Vec<String> = Vec::new();
        for pattern in &patterns {
            keys.extend(
                self.conn
                    .scan(pattern, ScanAt::SlotOf(&slot_of))
                    .await
                    .map_err(unavailable)?,
            );
        }
        // One transaction: the keys share the team's hash slot, and either
        // all go (with the membership) or none.
        let mut pipe = redis::pipe();
        pipe.atomic();
        if !keys.is_empty() {
            pipe.cmd("DEL").arg(&keys);
        }
        pipe.cmd("SREM")
            .arg(self.keys.members(team))
            .arg(user.as_str())
            .ignore();
        let removed: Vec<usize> = pipe.query_async(&mut conn).await.map_err(unavailable)?;
        Ok(removed.first().copied().unwrap_or(0))
    }

    fn kind(&self) -> &'static str {
        "redis"
    }
}
