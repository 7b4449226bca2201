//! What every benchmark shares: smoke mode, medians of several runs, and
//! the `--runs N` and FILTER arguments. Included by each bench with
//! `#[path = "support/mod.rs"] mod support;` (a folder, so Cargo does not
//! take it for a bench of its own).

#![allow(dead_code)] // each bench uses part of it

use std::time::{Duration, Instant};

/// `TANDEM_BENCH_SMOKE=1` (set by `scripts/test.sh`): small sizes, once,
/// for the checks only.
pub fn smoke() -> bool {
    std::env::var_os("TANDEM_BENCH_SMOKE").is_some()
}

/// Runs `f` `runs` times; its last output and the median time.
pub fn median_time<T>(runs: usize, mut f: impl FnMut() -> T) -> (T, Duration) {
    let mut times = Vec::with_capacity(runs);
    let mut out = None;
    for _ in 0..runs.max(1) {
        let start = Instant::now();
        out = Some(f());
        times.push(start.elapsed());
    }
    times.sort();
    (out.unwrap(), times[times.len() / 2])
}

/// The value after `flag` on the command line, if given.
pub fn flag_value(args: &[String], flag: &str) -> Option<String> {
    args.iter()
        .position(|a| a == flag)
        .and_then(|i| args.get(i + 1))
        .cloned()
}

/// `--runs N`, else 1 in smoke mode and `default` otherwise.
pub fn runs(args: &[String], default: usize) -> usize {
    flag_value(args, "--runs").map_or(if smoke() { 1 } else { default }, |r| {
        r.parse().expect("--runs takes a number")
    })
}

/// The first argument that is neither a flag nor a flag's value.
pub fn filter(args: &[String]) -> Option<String> {
    args.iter()
        .enumerate()
        .skip(1)
        .find(|(i, a)| !a.starts_with('-') && !args[i - 1].starts_with("--"))
        .map(|(_, a)| a.clone())
}

/// The shipped configuration (no `TANDEM__` overrides from the shell),
/// under a fresh key prefix of its own; the prefix too.
pub fn shipped_config() -> (tandem::config::Config, String) {
    let prefix = format!("tandem-bench-{:016x}", rand::random::<u64>());
    let path = std::path::PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
    let env = figment::providers::Env::prefixed("TANDEM_BENCH_NO_OVERRIDES__");
    let mut config = tandem::config::load_with_env(Some(&path), env)
        .expect("default config")
        .config;
    config.store.key_prefix = prefix.clone();
    (config, prefix)
}

/// `TEST_REDIS_URL`, default the local Redis.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into())
}

/// Deletes every key under `prefix`: a bench leaves Redis as it found it.
pub async fn delete_prefix(redis_url: &str, prefix: &str) {
    let client = redis::Client::open(redis_url).expect("redis url");
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let keys: Vec<String> = redis::cmd("KEYS")
        .arg(format!("{prefix}:*"))
        .query_async(&mut conn)
        .await
        .unwrap();
    for chunk in keys.chunks(500) {
        let _: () = redis::cmd("DEL")
            .arg(chunk)
            .query_async(&mut conn)
            .await
            .unwrap();
    }
}

/// The Redis store under `prefix`, answering (or a panic saying how to
/// start Redis).
pub async fn redis_store(prefix: &str) -> std::sync::Arc<dyn tandem::store::Store> {
    let store = tandem::store::RedisStore::connect_lazily(
        &redis_url(),
        tandem::store::Keys::new(prefix.to_owned()),
    )
    .expect("redis url");
    tandem::store::Store::ping(&store)
        .await
        .expect("the benchmark needs Redis: redis-server --daemonize yes");
    std::sync::Arc::new(store)
}

/// A fixed test key, for the runs with encryption on.
const KEY: &str = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";

/// Encryption on (a fixed test key) or off.
pub fn sealer(encrypted: bool) -> tandem::crypto::Sealer {
    if encrypted {
        tandem::crypto::Sealer::from_base64_key(KEY).expect("a valid key")
    } else {
        tandem::crypto::Sealer::clear()
    }
}

/// The Web API client for the fake Slack at `api_url`, without
/// slack-morphism's throttle (what is measured is not pacing).
pub fn unthrottled_api(
    api_url: &str,
    bot_token: &str,
    config: &tandem::config::Config,
) -> tandem::slack::SlackApi {
    use tandem::slack::client::{build_reply_client, Timeouts};
    let timeouts = Timeouts::from_config(&config.slack);
    tandem::slack::SlackApi::new(
        build_reply_client(api_url, timeouts).expect("client"),
        build_reply_client(api_url, timeouts).expect("client"),
        &secrecy::SecretString::from(bot_token.to_owned()),
        tandem::metrics::Metrics::new(),
    )
}

/// Stands for the graph file in [`run_peer`]'s arguments.
pub const GRAPH: &str = "{graph}";

/// A graph in the text format every peer driver reads: `n m`, then
/// `a b w` per edge.
fn graph_text(n: usize, edges: &[(usize, usize, i64)]) -> String {
    let mut text = format!("{n} {}\n", edges.len());
    for (a, b, w) in edges {
        text.push_str(&format!("{a} {b} {w}\n"));
    }
    text
}

/// Reads a graph in that format (`--graph FILE`).
pub fn read_graph(path: &str) -> (usize, Vec<(usize, usize, i64)>) {
    let text = std::fs::read_to_string(path).expect("the graph file reads");
    let mut numbers = text
        .split_ascii_whitespace()
        .map(|t| t.parse::<i64>().expect("numbers"));
    let mut next = || numbers.next().expect("n m, then a b w per edge");
    let (n, m) = (next() as usize, next() as usize);
    let edges = (0..m)
        .map(|_| (next() as usize, next() as usize, next()))
        .collect();
    (n, edges)
}

/// Runs a peer driver on a graph: writes the graph to a temporary file,
/// runs `program` with `args` ([`GRAPH`] standing for the file), and
/// returns the JSON it prints. Panics (the bench fails) if it fails.
pub fn run_peer(
    program: &str,
    args: &[&str],
    n: usize,
    edges: &[(usize, usize, i64)],
) -> serde_json::Value {
    let path = std::env::temp_dir().join(format!(
        "tandem-peer-{}-{n}-{}.txt",
        std::process::id(),
        edges.len()
    ));
    std::fs::write(&path, graph_text(n, edges)).expect("temp file");
    let file = path.to_str().expect("a UTF-8 temp path");
    let args: Vec<&str> = args
        .iter()
        .map(|&a| if a == GRAPH { file } else { a })
        .collect();
    let out = std::process::Command::new(program)
        .args(&args)
        .output()
        .unwrap_or_else(|e| panic!("{program} runs: {e}"));
    let _ = std::fs::remove_file(&path);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("the peer prints JSON")
}

/// Runs LEMON's driver (`benches/lemon_peer.cpp`, built by
/// `scripts/bench-peers.sh`) on `edges`: its median seconds over `runs`,
/// after checking it found a matching of weight `expected`.
pub fn lemon_seconds(
    lemon: &str,
    n: usize,
    edges: &[(usize, usize, i64)],
    expected: i64,
    runs: usize,
) -> f64 {
    let json = run_peer(lemon, &[GRAPH, &runs.to_string()], n, edges);
    assert_eq!(
        json["lemon_weight"].as_i64(),
        Some(expected),
        "LEMON disagrees"
    );
    json["lemon_s"].as_f64().expect("seconds")
}
