//! The Lua scripts `RedisStore` runs: each check-and-write that must be
//! atomic on the server (compare-and-set, claiming and finishing jobs,
//! fences, counts). Every script touches only the keys it is given, and
//! they share one Redis Cluster slot: a workspace's keys carry its
//! `{team}` hash tag, and a program-wide value is a single key.

use std::sync::LazyLock;

// The Lua the scripts below share, put in front of a script's body by
// [`script`] (Redis compiles each script whole).

/// `server_ms()`: the server's clock in milliseconds. Leases and fences are
/// timed by it, not by the replicas' clocks. (Redis 5+ replicates a
/// script's effects, so a script may read `TIME` and then write.)
const SERVER_MS_FN: &str = r#"
local function server_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
"#;

/// `holds(key, present, expected)`: whether `key` still holds `expected`
/// (`present` = '1') or is still absent (`present` = '0') — the
/// compare of every compare-and-set.
const HOLDS_FN: &str = r#"
local function holds(key, present, expected)
  local current = redis.call('GET', key)
  if present == '1' then return current == expected end
  return not current
end
"#;

/// How long a fence stands: longer than any job still running for the
/// member can take (a lease, plus Slack calls bounded by `CALL_LIMIT`).
/// A member who comes back sooner takes it down by joining.
pub const FENCE_KEEP_MS: i64 = 15 * 60_000;

/// `fenced(key, id)`: whether `id` stands in the fence `key`, put up less
/// than [`FENCE_KEEP_MS`] ago by the server's clock (needs `server_ms`).
fn fenced_fn() -> String {
    format!(
        r#"
local function fenced(key, id)
  local at = redis.call('ZSCORE', key, id)
  if not at then return false end
  return tonumber(at) > server_ms() - {FENCE_KEEP_MS}
end
"#
    )
}

/// A script: the shared functions, then `body`.
fn script(body: &str) -> redis::Script {
    redis::Script::new(&format!("{SERVER_MS_FN}{HOLDS_FN}{}{body}", fenced_fn()))
}

/// Sets KEYS[1] to ARGV[3] only if it still holds ARGV[2] (ARGV[1] = "1"),
/// or is still absent (ARGV[1] = "0"). Atomic on the server.
const SWAP_BODY: &str = r#"
if not holds(KEYS[1], ARGV[1], ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
return 1
"#;

/// KEYS: due, leased, owner. ARGV: now, lease_ms, limit, owner.
/// Requeues leases that ended (server time) as due `now`, then moves up to
/// `limit` jobs due by `now` to leased, until server time + lease_ms.
const CLAIM_BODY: &str = r#"
local clock = server_ms()
local expired = redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', clock)
for _, job in ipairs(expired) do
  redis.call('ZREM', KEYS[2], job)
  redis.call('HDEL', KEYS[3], job)
  redis.call('ZADD', KEYS[1], ARGV[1], job)
end
local jobs = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', ARGV[1], 'LIMIT', 0, tonumber(ARGV[3]))
local until_ms = clock + tonumber(ARGV[2])
for _, job in ipairs(jobs) do
  redis.call('ZREM', KEYS[1], job)
  redis.call('ZADD', KEYS[2], until_ms, job)
  redis.call('HSET', KEYS[3], job, ARGV[4])
end
return jobs
"#;

/// KEYS: leased, owner. ARGV: job, owner, lease_ms. Extends the lease if
/// `owner` still holds it.
const RENEW_BODY: &str = r#"
if redis.call('HGET', KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
if not redis.call('ZSCORE', KEYS[1], ARGV[1]) then return 0 end
redis.call('ZADD', KEYS[1], 'XX', server_ms() + tonumber(ARGV[3]), ARGV[1])
return 1
"#;

/// KEYS: forgotten, then the key. ARGV: fence id, then per script.
/// A sent-mark (SET NX EX) unless the member has been forgotten.
const MEMBER_MARK_BODY: &str = r#"
if fenced(KEYS[1], ARGV[1]) then return 0 end
if redis.call('SET', KEYS[2], '1', 'NX', 'EX', ARGV[2]) then return 1 end
return 0
"#;

/// A job about a member (ZADD) unless they have been forgotten (-1).
const MEMBER_JOB_BODY: &str = r#"
if fenced(KEYS[1], ARGV[1]) then return -1 end
redis.call('ZADD', KEYS[2], ARGV[3], ARGV[2])
return 1
"#;

/// A member's document, compare-and-set. KEYS: document, members, due
/// queue, forgotten. ARGV: 1/0 (expected present), expected, new, member to
/// add ("" for none), the member's fence id, then (job, due) pairs. Joining
/// takes the fence down; otherwise a forgotten member's document is
/// refused (-1).
const SWAP_ALSO_BODY: &str = r#"
if ARGV[4] ~= '' then
  redis.call('ZREM', KEYS[4], ARGV[5])
elseif fenced(KEYS[4], ARGV[5]) then
  return -1
end
if not holds(KEYS[1], ARGV[1], ARGV[2]) then return 0 end
redis.call('SET', KEYS[1], ARGV[3])
if ARGV[4] ~= '' then redis.call('SADD', KEYS[2], ARGV[4]) end
local j = 6
while j + 1 <= #ARGV do
  redis.call('ZADD', KEYS[3], ARGV[j + 1], ARGV[j])
  j = j + 2
end
return 1
"#;

/// KEYS: n documents, then the due queue. ARGV: n, then per document
/// (1 = expected present / 0 = expected absent, expected, new), then
/// (job, due) pairs. All or nothing.
const COMMIT_BODY: &str = r#"
local n = tonumber(ARGV[1])
for i = 1, n do
  local base = 2 + (i - 1) * 3
  if not holds(KEYS[i], ARGV[base], ARGV[base + 1]) then return 0 end
end
for i = 1, n do
  redis.call('SET', KEYS[i], ARGV[2 + (i - 1) * 3 + 2])
end
local j = 2 + n * 3
while j + 1 <= #ARGV do
  redis.call('ZADD', KEYS[n + 1], ARGV[j + 1], ARGV[j])
  j = j + 2
end
return 1
"#;

/// KEYS: due, leased, owner, failures. ARGV: job, owner, next ("" for
/// none), clear failures ('1').
const FINISH_BODY: &str = r#"
if redis.call('HGET', KEYS[3], ARGV[1]) ~= ARGV[2] then return 0 end
redis.call('ZREM', KEYS[2], ARGV[1])
redis.call('HDEL', KEYS[3], ARGV[1])
if ARGV[3] ~= '' then redis.call('ZADD', KEYS[1], ARGV[3], ARGV[1]) end
if ARGV[4] == '1' then redis.call('HDEL', KEYS[4], ARGV[1]) end
return 1
"#;

/// KEYS: forgotten. ARGV: fence id, how long fences are kept (ms).
/// Puts up a member's fence (and takes down those past their time).
const FENCE_BODY: &str = r#"
local clock = server_ms()
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', clock - tonumber(ARGV[2]))
redis.call('ZADD', KEYS[1], clock, ARGV[1])
"#;

/// KEYS: the day's counts, all-time counts, the member's counts ("" key
/// unused without a member), forgotten. ARGV: day, the member's fence id
/// ("" for none), seconds to keep the day, then (figure, amount) pairs.
const COUNT_BODY: &str = r#"
local member = ARGV[2] ~= '' and not fenced(KEYS[4], ARGV[2])
local j = 4
while j + 1 <= #ARGV do
  redis.call('HINCRBY', KEYS[1], ARGV[j], ARGV[j + 1])
  redis.call('HINCRBY', KEYS[2], ARGV[j], ARGV[j + 1])
  if member then
    redis.call('HINCRBY', KEYS[3], ARGV[j], ARGV[j + 1])
    redis.call('HINCRBY', KEYS[3], ARGV[j] .. '@' .. ARGV[1], ARGV[j + 1])
  end
  j = j + 2
end
redis.call('EXPIRE', KEYS[1], ARGV[3])
"#;

/// KEYS: the round's figures. ARGV: (figure, value) pairs; each raised to
/// at least its value.
const RAISE_BODY: &str = r#"
local j = 1
while j + 1 <= #ARGV do
  local current = tonumber(redis.call('HGET', KEYS[1], ARGV[j]) or '-9007199254740991')
  if tonumber(ARGV[j + 1]) > current then
    redis.call('HSET', KEYS[1], ARGV[j], ARGV[j + 1])
  end
  j = j + 2
end
"#;

// Each script's SHA-1 is worked out once, not on every document write,
// claim and finish (the hot paths).
pub static SWAP: LazyLock<redis::Script> = LazyLock::new(|| script(SWAP_BODY));
pub static CLAIM: LazyLock<redis::Script> = LazyLock::new(|| script(CLAIM_BODY));
pub static RENEW: LazyLock<redis::Script> = LazyLock::new(|| script(RENEW_BODY));
pub static FINISH: LazyLock<redis::Script> = LazyLock::new(|| script(FINISH_BODY));
pub static FENCE: LazyLock<redis::Script> = LazyLock::new(|| script(FENCE_BODY));
pub static MEMBER_MARK: LazyLock<redis::Script> = LazyLock::new(|| script(MEMBER_MARK_BODY));
pub static MEMBER_JOB: LazyLock<redis::Script> = LazyLock::new(|| script(MEMBER_JOB_BODY));
pub static SWAP_ALSO: LazyLock<redis::Script> = LazyLock::new(|| script(SWAP_ALSO_BODY));
pub static COMMIT: LazyLock<redis::Script> = LazyLock::new(|| script(COMMIT_BODY));
pub static COUNT: LazyLock<redis::Script> = LazyLock::new(|| script(COUNT_BODY));
pub static RAISE: LazyLock<redis::Script> = LazyLock::new(|| script(RAISE_BODY));
