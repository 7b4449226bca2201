//! How fast Slack gets its answer: `cargo bench --bench ack [-- --runs N]
//! [--python PATH]` (needs Redis; `TEST_REDIS_URL`, default
//! 127.0.0.1:6379).
//!
//! - **HTTP slash commands**: signed `/tandem help` requests sent open-loop
//!   at 500 and 1,500 per second for ten seconds each, to the real service
//!   (`Application`, HTTP mode) on a real Redis with the tests' fake Slack
//!   taking the replies; the time from sending a request to its HTTP answer
//!   (the ack), p50/p99/max. With `--python`, the same load against a Bolt
//!   for Python app (`benches/bolt_app.py`, `AsyncApp` on its own aiohttp
//!   server, signature checked, `ack()` then `respond()`), in the same run.
//! - **Socket Mode burst**: 1,000 `/tandem help` envelopes written at once
//!   to the service's WebSocket (the bench plays Slack's side); the time
//!   from writing each to reading its ack, p50/p99/max.
//!
//! The load generator runs in the bench's own process, on the same two
//! cores as the service; its cost is in the numbers for Tandem and Bolt
//! alike. Each figure is the median over `--runs` runs (default 3) of that
//! run's percentile. `TANDEM_BENCH_SMOKE=1` sends 50 per second for one
//! second and a burst of 50, once.

#[path = "support/mod.rs"]
mod support;

/// The tests' fake Slack and signed payloads (`forms` names the fake as
/// its sibling).
#[path = "../tests/api/support"]
#[allow(dead_code)]
mod harness {
    pub mod fake_slack;
    pub mod forms;
}

use futures_util::{SinkExt, StreamExt};
use harness::fake_slack::{FakeSlack, APP_TOKEN, BOT_TOKEN, TEAM};
use harness::forms::{command_form, now_ts, sign};
use serde_json::{json, Value};
use std::collections::HashMap;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tandem::settings::Settings;
use tandem::startup::{Application, Bind};
use tokio_tungstenite::tungstenite::Message;

const SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";

/// Latencies of one run's answered requests, sorted, and how many got
/// no answer (refused, reset) or an error status.
struct Latencies(Vec<Duration>, usize);

impl Latencies {
    fn new(mut all: Vec<Duration>) -> Self {
        all.sort();
        Self(all, 0)
    }

    fn pct(&self, p: f64) -> Duration {
        let i = ((self.0.len() as f64 - 1.0) * p).round() as usize;
        self.0[i.min(self.0.len() - 1)]
    }

    fn max(&self) -> Duration {
        *self.0.last().unwrap()
    }
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1000.0)
}

/// The median of each percentile over runs.
fn report(name: &str, runs: &[Latencies], count: usize) {
    let median = |f: &dyn Fn(&Latencies) -> Duration| {
        let mut v: Vec<Duration> = runs.iter().map(f).collect();
        v.sort();
        v[v.len() / 2]
    };
    let failed: usize = runs.iter().map(|l| l.1).sum();
    println!(
        "{name:<44} {count:>6} requests  p50 {:>9}  p99 {:>9}  max {:>9}  failed {failed} of {}",
        ms(median(&|l| l.pct(0.50))),
        ms(median(&|l| l.pct(0.99))),
        ms(median(&|l| l.max())),
        count * runs.len(),
    );
}

async fn redis_url() -> String {
    let url = std::env::var("TEST_REDIS_URL").unwrap_or_else(|_| "redis://127.0.0.1:6379/0".into());
    let client = redis::Client::open(url.as_str()).expect("redis url");
    let mut conn = client
        .get_multiplexed_async_connection()
        .await
        .expect("the benchmark needs Redis: redis-server --daemonize yes");
    let _: String = redis::cmd("PING").query_async(&mut conn).await.unwrap();
    url
}

/// The real service on loopback; its address (HTTP) and a stop switch.
async fn start_tandem(
    fake: &FakeSlack,
    socket: bool,
) -> (String, tokio::sync::oneshot::Sender<()>, String) {
    let (config, prefix) = support::shipped_config();
    let mut vars: HashMap<&str, String> = HashMap::new();
    vars.insert("SLACK_BOT_TOKEN", BOT_TOKEN.into());
    vars.insert("SLACK_API_URL", fake.api_url());
    vars.insert("REDIS_URL", redis_url().await);
    if socket {
        vars.insert("SLACK_APP_TOKEN", APP_TOKEN.into());
    } else {
        vars.insert("SLACK_SIGNING_SECRET", SECRET.into());
    }
    let settings = Settings::from_lookup(|k| vars.get(k).cloned()).expect("settings");
    let bind = Bind {
        host: IpAddr::V4(Ipv4Addr::LOCALHOST),
        port: 0,
    };
    let app = Application::build(config, settings, bind)
        .await
        .expect("the service starts");
    let address = format!("http://127.0.0.1:{}", app.port());
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    tokio::spawn(app.run_until_stopped(async move {
        let _ = stopped.await;
    }));
    (address, stop, prefix)
}

/// Sends signed `/tandem help` requests to `url` at `rate` per second for
/// `secs` seconds, open-loop (each on time, whatever earlier ones do);
/// every request's time to its answer.
async fn load(url: &str, fake: &FakeSlack, rate: u32, secs: f64) -> Latencies {
    let client = reqwest::Client::builder()
        .pool_max_idle_per_host(512)
        .build()
        .unwrap();
    let count = (rate as f64 * secs) as usize;
    let interval = Duration::from_secs_f64(1.0 / rate as f64);
    let start = tokio::time::Instant::now();
    let mut sends = Vec::with_capacity(count);
    for i in 0..count {
        tokio::time::sleep_until(start + interval * i as u32).await;
        let body = command_form("U0ANA", "help", &fake.response_url(&format!("b{i}")));
        let ts = now_ts();
        let request = client
            .post(url)
            .header("content-type", "application/x-www-form-urlencoded")
            .header("x-slack-request-timestamp", ts.to_string())
            .header("x-slack-signature", sign(SECRET, ts, &body))
            .body(body);
        sends.push(tokio::spawn(async move {
            let sent = Instant::now();
            match request.send().await {
                Ok(response) if response.status().is_success() => {
                    let _ = response.bytes().await;
                    Some(sent.elapsed())
                }
                _ => None,
            }
        }));
    }
    let mut all = Vec::with_capacity(count);
    let mut failed = 0;
    for s in sends {
        match s.await.unwrap() {
            Some(took) => all.push(took),
            None => failed += 1,
        }
    }
    Latencies(Latencies::new(all).0, failed)
}

/// The Bolt for Python peer on a free port, when `python` has slack_bolt.
struct Bolt(std::process::Child, String);

impl Bolt {
    async fn start(python: &str, fake: &FakeSlack) -> Self {
        let port = std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port();
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/bolt_app.py");
        let child = std::process::Command::new(python)
            .arg(script)
            .arg(port.to_string())
            .env("SLACK_SIGNING_SECRET", SECRET)
            .env("SLACK_BOT_TOKEN", BOT_TOKEN)
            .env("SLACK_API_URL", format!("{}/", fake.api_url()))
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("python runs");
        // Owned at once, so every path (a panic too) kills and reaps it.
        let bolt = Self(child, format!("http://127.0.0.1:{port}/slack/events"));
        for _ in 0..200 {
            if tokio::net::TcpStream::connect(("127.0.0.1", port))
                .await
                .is_ok()
            {
                return bolt;
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        panic!("the Bolt app did not start (is slack_bolt installed? scripts/bench-ack.sh)");
    }
}

impl Drop for Bolt {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// A Socket Mode envelope carrying `/tandem help`.
fn envelope(fake: &FakeSlack, id: usize) -> String {
    json!({
        "envelope_id": format!("e{id}"),
        "type": "slash_commands",
        "accepts_response_payload": true,
        "payload": {
            "token": "x", "team_id": TEAM, "team_domain": "acme",
            "channel_id": "C0GENERAL", "channel_name": "general",
            "user_id": "U0ANA", "user_name": "ana", "command": "/tandem", "text": "help",
            "api_app_id": "A0TANDEM",
            "response_url": fake.response_url(&format!("s{id}")),
            "trigger_id": "1.2.3"
        }
    })
    .to_string()
}

/// `count` envelopes written at once to the service's socket; each one's
/// time from written to acknowledged.
async fn burst(count: usize) -> Latencies {
    let fake = FakeSlack::start().await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    fake.set_socket_url(&format!(
        "ws://{}/link/?ticket=bench",
        listener.local_addr().unwrap()
    ));
    let (_addr, stop, prefix) = start_tandem(&fake, true).await;
    let (stream, _) = listener.accept().await.unwrap();
    let ws = tokio_tungstenite::accept_async(stream).await.unwrap();
    let (mut write, mut read) = ws.split();
    write
        .send(Message::text(
            json!({ "type": "hello", "num_connections": 1,
                    "debug_info": { "host": "bench" },
                    "connection_info": { "app_id": "A0TANDEM" } })
            .to_string(),
        ))
        .await
        .unwrap();
    let envelopes: Vec<String> = (0..count).map(|i| envelope(&fake, i)).collect();
    let written = Arc::new(std::sync::Mutex::new(vec![None; count]));
    let writer = {
        let written = written.clone();
        tokio::spawn(async move {
            for (i, e) in envelopes.into_iter().enumerate() {
                write.send(Message::text(e)).await.unwrap();
                written.lock().unwrap()[i] = Some(Instant::now());
            }
            write
        })
    };
    let mut acked = vec![None; count];
    let mut left = count;
    while left > 0 {
        let frame = tokio::time::timeout(Duration::from_secs(60), read.next())
            .await
            .expect("acks keep coming")
            .expect("the socket stays open")
            .unwrap();
        if let Message::Text(text) = frame {
            let value: Value = serde_json::from_str(&text).unwrap_or(Value::Null);
            if let Some(id) = value["envelope_id"]
                .as_str()
                .and_then(|e| e.strip_prefix('e'))
            {
                let i: usize = id.parse().unwrap();
                if acked[i].is_none() {
                    acked[i] = Some(Instant::now());
                    left -= 1;
                }
            }
        }
    }
    let _write = writer.await.unwrap();
    let written = written.lock().unwrap().clone();
    let all = written
        .iter()
        .zip(&acked)
        .map(|(w, a)| a.unwrap().saturating_duration_since(w.unwrap()))
        .collect();
    let _ = stop.send(());
    cleanup(&prefix).await;
    Latencies::new(all)
}

/// Leaves Redis as it was found.
async fn cleanup(prefix: &str) {
    support::delete_prefix(&redis_url().await, prefix).await;
}

#[tokio::main]
async fn main() {
    let args: Vec<String> = std::env::args().collect();
    let runs = support::runs(&args, 3);
    let python = support::flag_value(&args, "--python");
    let smoke = support::smoke();
    let (rates, secs, burst_size): (&[u32], f64, usize) = if smoke {
        (&[50], 1.0, 50)
    } else {
        (&[500, 1500], 10.0, 1000)
    };
    for &rate in rates {
        let fake = FakeSlack::start().await;
        let (address, stop, prefix) = start_tandem(&fake, false).await;
        let url = format!("{address}/slack/commands");
        // Warm up: connections, scripts, allocator.
        load(&url, &fake, rate.min(200), 0.5).await;
        let mut results = Vec::new();
        for _ in 0..runs {
            results.push(load(&url, &fake, rate, secs).await);
        }
        let count = (rate as f64 * secs) as usize;
        report(&format!("Tandem, HTTP, {rate}/s"), &results, count);
        assert!(
            results.iter().all(|l| l.1 == 0),
            "Tandem left requests unanswered"
        );
        // Every command was answered (the fake got each reply).
        let replies = fake.calls("response_url").len();
        assert!(
            replies >= count,
            "only {replies} replies for {count} commands"
        );
        let _ = stop.send(());
        cleanup(&prefix).await;
        if let Some(python) = &python {
            let fake = FakeSlack::start().await;
            let bolt = Bolt::start(python, &fake).await;
            load(&bolt.1, &fake, rate.min(200), 0.5).await;
            let mut results = Vec::new();
            for _ in 0..runs {
                results.push(load(&bolt.1, &fake, rate, secs).await);
            }
            report(
                &format!("Bolt for Python (AsyncApp), HTTP, {rate}/s"),
                &results,
                count,
            );
        }
    }
    let mut results = Vec::new();
    for _ in 0..runs {
        results.push(burst(burst_size).await);
    }
    report(
        &format!("Tandem, Socket Mode burst of {burst_size}"),
        &results,
        burst_size,
    );
}
