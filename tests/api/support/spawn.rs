//! Starting the real service for a test: a random port, a fake Slack, a
//! real Redis under a key prefix of its own; stopping or crashing it.

use super::fake_slack::FakeSlack;
use super::{APP_TOKEN, BOT_TOKEN, SIGNING_SECRET};
use rand::Rng;
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::path::PathBuf;
use std::time::Duration;
use tandem::config::Config;
use tandem::settings::Settings;
use tandem::startup::{Application, Bind};

/// Which store the app under test uses.
#[derive(Debug, Clone)]
pub enum StoreChoice {
    /// The test Redis (`TEST_REDIS_URL`, default 127.0.0.1:6379).
    Redis,
    /// `REDIS_URL` unset.
    Memory,
    /// A Redis URL where nothing listens, to see the bot cope.
    ClosedPort,
    /// This Redis (a test's own, which it stops and starts).
    Url(String),
    /// A Redis Cluster of the test's own (its nodes' URLs).
    Cluster(Vec<String>),
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

/// A plain HTTP client. The crate's reqwest brings no TLS provider of its
/// own (the service installs ring's when it starts), and building a client
/// without one panics: a test that talks HTTP before any app in this
/// process has started (the CLI tests run the binary) installs it here.
pub fn http_client() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::new()
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
    let mut config = tandem::config::load_with_env(Some(&path), env)
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
    /// The cluster's nodes, when the app runs on a Redis Cluster (peeking
    /// then asks the cluster, not the test Redis).
    pub cluster: Option<Vec<String>>,
    pub http: reqwest::Client,
    /// Set by a test that makes the fake refuse calls on purpose.
    pub expect_malformed: bool,
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
    /// `REDIS_CA_FILE`.
    pub redis_ca_file: Option<std::path::PathBuf>,
    /// Reuse a key prefix (a restart against the same data).
    pub prefix: Option<String>,
    /// `program.channel`.
    pub program_channel: Option<String>,
    /// Time as the app sees it; the wall clock when `None`.
    pub clock: Option<tandem::clock::ManualClock>,
    /// Any other clock (wins over `clock`).
    pub custom_clock: Option<std::sync::Arc<dyn tandem::clock::Clock>>,
    /// `scheduler.batch` (the test default is 2).
    pub batch: Option<usize>,
    /// Any other change to the test config, made last.
    pub tweak: Option<fn(&mut Config)>,
}

impl Default for Spawn {
    fn default() -> Self {
        Self {
            transport: Transport::Http,
            store: StoreChoice::Redis,
            fake: None,
            encryption_key: None,
            redis_ca_file: None,
            prefix: None,
            program_channel: None,
            clock: None,
            custom_clock: None,
            batch: None,
            tweak: None,
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
    if let Some(ca) = &options.redis_ca_file {
        vars.insert("REDIS_CA_FILE", ca.display().to_string());
    }
    vars.insert("SLACK_BOT_TOKEN", BOT_TOKEN.into());
    vars.insert("SLACK_API_URL", fake.api_url());
    match options.transport {
        Transport::Http => vars.insert("SLACK_SIGNING_SECRET", SIGNING_SECRET.into()),
        Transport::Socket => vars.insert("SLACK_APP_TOKEN", APP_TOKEN.into()),
    };
    let mut cluster = None;
    match options.store {
        StoreChoice::Redis => {
            vars.insert("REDIS_URL", require_redis().await);
        }
        StoreChoice::Memory => {}
        StoreChoice::ClosedPort => {
            let port = closed_port().await;
            vars.insert("REDIS_URL", format!("redis://127.0.0.1:{port}/0"));
        }
        StoreChoice::Url(url) => {
            vars.insert("REDIS_URL", url);
        }
        StoreChoice::Cluster(nodes) => {
            vars.insert("REDIS_CLUSTER_URLS", nodes.join(","));
            cluster = Some(nodes);
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
    if let Some(tweak) = options.tweak {
        tweak(&mut config);
    }
    let clock: std::sync::Arc<dyn tandem::clock::Clock> =
        match (options.custom_clock, options.clock) {
            (Some(c), _) => c,
            (None, Some(c)) => std::sync::Arc::new(c),
            (None, None) => std::sync::Arc::new(tandem::clock::SystemClock),
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
        cluster,
        http: http_client(),
        expect_malformed: false,
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

impl TestApp {
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
        // Whatever a test checked, the bot never sent Slack a call Slack
        // would refuse as wrong (bad token, unknown method, missing
        // arguments, Block Kit over its limits).
        if !std::thread::panicking() && !self.expect_malformed {
            let wrong = self.fake.malformed_calls();
            assert!(
                wrong.is_empty(),
                "the bot sent Slack calls it would refuse: {:?}",
                wrong
                    .iter()
                    .map(|c| format!("{} → {}", c.method, c.error.as_deref().unwrap_or("?")))
                    .collect::<Vec<_>>()
            );
        }
    }
}
