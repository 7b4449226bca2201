//! Test harness in the zero-to-production style: `spawn_app()` starts the
//! real service on a random port against a fake Slack and a real Redis,
//! under a key prefix of its own so tests run in parallel.
#![allow(dead_code)] // each test binary uses a different part of the harness

pub mod fake_slack;

use fake_slack::FakeSlack;
use hmac::{Hmac, Mac};
use rand::Rng;
use sha2::Sha256;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::{Duration, SystemTime, UNIX_EPOCH};
use tandem::config::Config;
use tandem::settings::Settings;
use tandem::startup::{Application, Bind};

pub const SIGNING_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub const BOT_TOKEN: &str = "xoxb-test-bot-token";
pub const APP_TOKEN: &str = "xapp-test-app-token";

/// How long a test waits for something asynchronous before failing.
pub const WAIT: Duration = Duration::from_secs(10);

/// Which store the app under test uses.
#[derive(Debug, Clone)]
pub enum StoreChoice {
    /// The test Redis (`TEST_REDIS_URL`, default 127.0.0.1:6379).
    Redis,
    /// `REDIS_URL` unset.
    Memory,
    /// A Redis URL where nothing listens, to see the bot cope.
    ClosedPort,
}

#[derive(Debug, Clone)]
pub enum Transport {
    Http,
    Socket,
}

pub fn init_test_logging() {
    // Silent unless TEST_LOG is set, so failures are readable.
    if std::env::var_os("TEST_LOG").is_some() {
        tandem::telemetry::init(std::io::stderr);
    }
}

/// The Redis URL tests use.
pub fn redis_url() -> String {
    std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into())
}

/// Fails loudly — never skips — when Redis is not there.
pub async fn require_redis() -> String {
    let url = redis_url();
    let ok = async {
        let client = redis::Client::open(url.as_str()).ok()?;
        let mut conn = tokio::time::timeout(
            Duration::from_secs(2),
            client.get_multiplexed_async_connection(),
        )
        .await
        .ok()?
        .ok()?;
        let pong: String = redis::cmd("PING").query_async(&mut conn).await.ok()?;
        Some(pong)
    }
    .await;
    if ok.is_none() {
        panic!(
            "These tests need a real Redis at {url}, and none answers.\n\
             Start one with:  redis-server --daemonize yes --save '' --appendonly no\n\
             (install it with: apt-get install -y redis-server), or run `bash .ci/run`, which\n\
             does both; or point TEST_REDIS_URL at another Redis."
        );
    }
    url
}

/// A key prefix no other test uses.
pub fn random_prefix() -> String {
    let n: u64 = rand::rng().random();
    format!("tandem-test-{n:016x}")
}

/// The default config with a fresh key prefix (no env overrides).
pub fn test_config(prefix: &str) -> Config {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
    let env = figment::providers::Env::prefixed("TANDEM_TEST_NO_OVERRIDES__");
    let mut config = tandem::config::load_with_env(&path, env)
        .unwrap_or_else(|p| panic!("default config does not load: {p:?}"))
        .config;
    config.store.key_prefix = prefix.to_owned();
    config.server.shutdown_grace_secs = 5;
    config.scheduler.tick_ms = 100;
    // Small batches, so that replicas in a test share the work.
    config.scheduler.batch = 2;
    config
}

pub struct TestApp {
    /// `http://127.0.0.1:PORT`
    pub address: String,
    pub fake: FakeSlack,
    pub prefix: String,
    pub http: reqwest::Client,
    stop: Option<tokio::sync::oneshot::Sender<()>>,
    handle: Option<tokio::task::JoinHandle<anyhow::Result<()>>>,
}

pub struct Spawn {
    pub transport: Transport,
    pub store: StoreChoice,
    /// Set before the app starts (e.g. the Socket Mode URL).
    pub fake: Option<FakeSlack>,
    /// `TANDEM_ENCRYPTION_KEY`.
    pub encryption_key: Option<String>,
    /// Reuse a key prefix (a restart against the same data).
    pub prefix: Option<String>,
    /// `program.channel`.
    pub program_channel: Option<String>,
    /// Time as the app sees it; the wall clock when `None`.
    pub clock: Option<tandem::clock::ManualClock>,
    /// `scheduler.batch` (the test default is 2).
    pub batch: Option<usize>,
}

impl Default for Spawn {
    fn default() -> Self {
        Self {
            transport: Transport::Http,
            store: StoreChoice::Redis,
            fake: None,
            encryption_key: None,
            prefix: None,
            program_channel: None,
            clock: None,
            batch: None,
        }
    }
}

/// HTTP mode, real Redis.
pub async fn spawn_app() -> TestApp {
    spawn(Spawn::default()).await
}

/// HTTP mode, real Redis, time read from `clock`.
pub async fn spawn_at(clock: &tandem::clock::ManualClock) -> TestApp {
    spawn(Spawn {
        clock: Some(clock.clone()),
        ..Spawn::default()
    })
    .await
}

pub async fn spawn(options: Spawn) -> TestApp {
    try_spawn(options).await.expect("app builds")
}

/// Like [`spawn`], but a start-up failure is returned.
pub async fn try_spawn(options: Spawn) -> anyhow::Result<TestApp> {
    init_test_logging();
    let fake = match options.fake {
        Some(f) => f,
        None => FakeSlack::start().await,
    };
    let prefix = options.prefix.clone().unwrap_or_else(random_prefix);
    let mut vars: HashMap<&str, String> = HashMap::new();
    if let Some(key) = &options.encryption_key {
        vars.insert("TANDEM_ENCRYPTION_KEY", key.clone());
    }
    vars.insert("SLACK_BOT_TOKEN", BOT_TOKEN.into());
    vars.insert("SLACK_API_URL", fake.api_url());
    match options.transport {
        Transport::Http => vars.insert("SLACK_SIGNING_SECRET", SIGNING_SECRET.into()),
        Transport::Socket => vars.insert("SLACK_APP_TOKEN", APP_TOKEN.into()),
    };
    match options.store {
        StoreChoice::Redis => {
            vars.insert("REDIS_URL", require_redis().await);
        }
        StoreChoice::Memory => {}
        StoreChoice::ClosedPort => {
            let port = closed_port().await;
            vars.insert("REDIS_URL", format!("redis://127.0.0.1:{port}/0"));
        }
    }
    let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("test settings");
    let bind = Bind {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
    };
    let mut config = test_config(&prefix);
    if let Some(channel) = &options.program_channel {
        config.program.channel = channel.clone();
    }
    if let Some(batch) = options.batch {
        config.scheduler.batch = batch;
    }
    let clock: std::sync::Arc<dyn tandem::clock::Clock> = match options.clock {
        Some(c) => std::sync::Arc::new(c),
        None => std::sync::Arc::new(tandem::clock::SystemClock),
    };
    let app = Application::build_with_clock(config, settings, bind, clock).await?;
    let address = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let handle = tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    Ok(TestApp {
        address,
        fake,
        prefix,
        http: reqwest::Client::new(),
        stop: Some(stop),
        handle: Some(handle),
    })
}

/// A loopback port with nothing listening on it.
pub async fn closed_port() -> u16 {
    let l = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let port = l.local_addr().unwrap().port();
    drop(l);
    port
}

pub fn now_ts() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Slack's v0 signature of `body` at `ts`.
pub fn sign(secret: &str, ts: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// The form Slack posts for `/tandem <text>`.
pub fn command_form(user: &str, text: &str, response_url: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "deprecated-verification-token"),
        ("team_id", fake_slack::TEAM),
        ("team_domain", "acme"),
        ("channel_id", "C0GENERAL"),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/tandem"),
        ("text", text),
        ("api_app_id", "A0TANDEM"),
        ("response_url", response_url),
        ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
    ])
    .unwrap()
}

/// The form Slack posts when `user` submits the modal `callback`, carrying
/// `metadata` (its `private_metadata`) and the input `values`.
pub fn view_submission_form(
    user: &str,
    callback: &str,
    metadata: &str,
    values: serde_json::Value,
) -> String {
    let payload = serde_json::json!({
        "type": "view_submission",
        "team": { "id": fake_slack::TEAM, "domain": "acme" },
        "user": { "id": user, "team_id": fake_slack::TEAM },
        "api_app_id": "A0TANDEM",
        "token": "x",
        "trigger_id": "4.5.6",
        "view": {
            "id": "V0FAKE0001", "team_id": fake_slack::TEAM, "hash": "1.h",
            "type": "modal", "callback_id": callback, "private_metadata": metadata,
            "title": { "type": "plain_text", "text": "Tandem" },
            "blocks": [],
            "state": { "values": values }
        }
    });
    serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
}

/// Waits (real time, polling) until `done`, failing after a minute.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// An `event_callback` envelope around `event`.
pub fn event_callback(event_id: &str, event: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "token": "deprecated-verification-token",
        "team_id": fake_slack::TEAM,
        "api_app_id": "A0TANDEM",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_700_000_000,
    })
}

impl TestApp {
    /// POSTs `body` to `path`, signed as Slack would at `ts`.
    pub async fn post_signed_at(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        ts: i64,
        secret: &str,
    ) -> reqwest::Response {
        self.http
            .post(format!("{}{}", self.address, path))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", ts.to_string())
            .header("x-slack-signature", sign(secret, ts, body))
            .body(body.to_owned())
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_signed(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
    ) -> reqwest::Response {
        self.post_signed_at(path, content_type, body, now_ts(), SIGNING_SECRET)
            .await
    }

    /// Sends `/tandem <text>` as `user`; the reply goes to response URL `reply_id`.
    pub async fn command(&self, user: &str, text: &str, reply_id: &str) -> reqwest::Response {
        let form = command_form(user, text, &self.fake.response_url(reply_id));
        self.post_signed(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            &form,
        )
        .await
    }

    pub async fn event(&self, body: &serde_json::Value) -> reqwest::Response {
        self.post_signed("/slack/events", "application/json", &body.to_string())
            .await
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request sent")
    }

    /// Stops the app as SIGTERM would and waits for it to exit.
    pub async fn stop(mut self) -> anyhow::Result<()> {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
        self.handle.take().unwrap().await.expect("app task")
    }

    /// Kills the app mid-whatever, as a crash or `kill -9` would: nothing
    /// is finished, no lease is released.
    pub async fn crash(mut self) {
        self.stop.take();
        let handle = self.handle.take().unwrap();
        handle.abort();
        let _ = handle.await;
    }
}

impl Drop for TestApp {
    fn drop(&mut self) {
        if let Some(stop) = self.stop.take() {
            let _ = stop.send(());
        }
    }
}

/// The form Slack posts when `user` presses the button `action_id`.
pub fn block_action_form(user: &str, action_id: &str, response_url: &str) -> String {
    block_action_form_with_value(user, action_id, "U0ANA", response_url)
}

/// The same, for a button that carries `value`.
pub fn block_action_form_with_value(
    user: &str,
    action_id: &str,
    value: &str,
    response_url: &str,
) -> String {
    let payload = serde_json::json!({
        "type": "block_actions",
        "team": { "id": fake_slack::TEAM, "domain": "acme" },
        "user": { "id": user, "team_id": fake_slack::TEAM },
        "api_app_id": "A0TANDEM",
        "token": "deprecated-verification-token",
        "trigger_id": "1.2.3",
        "container": { "type": "message", "message_ts": "1700000000.000100", "channel_id": "D0FAKE0001", "is_ephemeral": true },
        "channel": { "id": "G0PAIRDM", "name": "mpdm-pair" },
        "response_url": if response_url.is_empty() { serde_json::Value::Null } else { serde_json::json!(response_url) },
        "actions": [{ "type": "button", "action_id": action_id, "block_id": "b1", "value": value, "action_ts": "1700000001.0001" }]
    });
    serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
}

impl TestApp {
    /// Sends `/tandem <text>` as `user` and returns the reply's body.
    pub async fn say(&self, user: &str, text: &str) -> serde_json::Value {
        let before = self.fake.calls("response_url").len();
        let id = format!("say{before}");
        assert_eq!(self.command(user, text, &id).await.status(), 200);
        self.fake
            .wait_for("response_url", before + 1, WAIT)
            .await
            .into_iter()
            .find(|c| c.body["_response_url_id"] == id.as_str())
            .expect("a reply to this command")
            .body
    }

    /// Submits the modal `callback` as `user` (see [`view_submission_form`]).
    pub async fn submit_view(
        &self,
        user: &str,
        callback: &str,
        metadata: &str,
        values: serde_json::Value,
    ) -> reqwest::Response {
        let form = view_submission_form(user, callback, metadata, values);
        self.post_signed(
            "/slack/interactions",
            "application/x-www-form-urlencoded",
            &form,
        )
        .await
    }

    /// Ana (offers SQL, learns Rust) and Ben (the other way round) join
    /// with complete profiles: the engine's obvious pair.
    pub async fn join_ana_and_ben(&self) {
        for (user, offer, learn) in [("U0ANA", "sql", "rust"), ("U0BEN", "rust", "sql")] {
            self.say(user, "join").await;
            self.say(
                user,
                &format!("profile offer: {offer}; learn: {learn}; level: 3"),
            )
            .await;
        }
    }

    /// `/tandem join` for many members at once (a few at a time).
    pub async fn join_all(&self, users: &[String]) {
        for chunk in users.chunks(25) {
            let sends = chunk.iter().map(|u| async move {
                let id = format!("join-{u}");
                assert_eq!(self.command(u, "join", &id).await.status(), 200);
                id
            });
            let ids = futures_util::future::join_all(sends).await;
            let deadline = tokio::time::Instant::now() + WAIT;
            loop {
                let replies = self.fake.calls("response_url");
                let all = ids.iter().all(|id| {
                    replies
                        .iter()
                        .any(|c| c.body["_response_url_id"] == id.as_str())
                });
                if all {
                    break;
                }
                assert!(tokio::time::Instant::now() < deadline, "joins not answered");
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    /// Presses a button carrying `value` as `user` and returns the answer
    /// that arrives at response URL `reply_id`.
    pub async fn press_with_value(
        &self,
        user: &str,
        action_id: &str,
        value: &str,
        reply_id: &str,
    ) -> serde_json::Value {
        let form =
            block_action_form_with_value(user, action_id, value, &self.fake.response_url(reply_id));
        let status = self
            .post_signed(
                "/slack/interactions",
                "application/x-www-form-urlencoded",
                &form,
            )
            .await
            .status();
        assert_eq!(status, 200);
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let answer = self
                .fake
                .calls("response_url")
                .into_iter()
                .find(|c| c.body["_response_url_id"] == reply_id);
            if let Some(call) = answer {
                return call.body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no answer to the {action_id} press"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Presses a button on the Home tab (no response URL) as `user`.
    pub async fn press_on_home(&self, user: &str, action_id: &str) -> reqwest::Response {
        let form = block_action_form(user, action_id, "");
        self.post_signed(
            "/slack/interactions",
            "application/x-www-form-urlencoded",
            &form,
        )
        .await
    }

    /// Presses a button as `user`; the answer goes to response URL `reply_id`.
    pub async fn press(&self, user: &str, action_id: &str, reply_id: &str) -> reqwest::Response {
        let form = block_action_form(user, action_id, &self.fake.response_url(reply_id));
        self.post_signed(
            "/slack/interactions",
            "application/x-www-form-urlencoded",
            &form,
        )
        .await
    }

    /// The raw Redis value at `key` (a set's members joined by commas).
    pub async fn redis_get(&self, key: &str) -> Option<String> {
        let client = redis::Client::open(redis_url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let kind: String = redis::cmd("TYPE")
            .arg(key)
            .query_async(&mut conn)
            .await
            .unwrap();
        match kind.as_str() {
            "set" => {
                let members: Vec<String> = redis::cmd("SMEMBERS")
                    .arg(key)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                Some(members.join(","))
            }
            "zset" => {
                let members: Vec<String> = redis::cmd("ZRANGE")
                    .arg(key)
                    .arg(0)
                    .arg(-1)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                Some(members.join(","))
            }
            "hash" => {
                let fields: Vec<String> = redis::cmd("HGETALL")
                    .arg(key)
                    .query_async(&mut conn)
                    .await
                    .unwrap();
                Some(fields.join(","))
            }
            "none" => None,
            _ => redis::cmd("GET")
                .arg(key)
                .query_async(&mut conn)
                .await
                .unwrap(),
        }
    }

    /// Runs a Redis command against the test Redis.
    pub async fn redis<T: redis::FromRedisValue>(&self, cmd: &mut redis::Cmd) -> T {
        let client = redis::Client::open(redis_url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        cmd.query_async(&mut conn).await.unwrap()
    }

    /// Every Redis key under this app's prefix.
    pub async fn redis_keys(&self) -> Vec<String> {
        let client = redis::Client::open(redis_url()).unwrap();
        let mut conn = client.get_multiplexed_async_connection().await.unwrap();
        let mut keys: Vec<String> = redis::cmd("KEYS")
            .arg(format!("{}:*", self.prefix))
            .query_async(&mut conn)
            .await
            .unwrap();
        keys.sort();
        keys
    }
}
