//! Check-in delivery at scale: `cargo bench --bench checkins [-- --runs N]`
//! (needs Redis; `TEST_REDIS_URL`, default 127.0.0.1:6379; `CHECKIN_MEMBERS`,
//! default 10,000; `ONE_CHANNEL_MESSAGES`, default 30).
//!
//! Each run is its own child process (so each reports its own peak memory):
//! the real app and scheduler, a real Redis, and the fake Slack from the
//! tests on loopback. Members are spread over five time zones. Measured:
//! - **schedule**: computing every member's next check-in in their zone and
//!   queueing it in Redis;
//! - **deliver**: from the moment all are due until the fake Slack has
//!   accepted every check-in DM — once with slack-morphism's rate control
//!   off (our own overhead: Redis, building the message, HTTP), once with it
//!   on while the fake enforces Slack's one-message-per-channel-per-second
//!   limit. Every check-in goes to its own DM, so that limit is never
//!   reached there: the row measures what per-channel pacing costs;
//! - **one busy channel**: many messages at once to a single channel through
//!   the same client, the fake enforcing the limit — pacing that has to wait
//!   (the time should be about one second per message, with no 429);
//! - **peak memory** of the run's process (app, fake Slack and bench), from
//!   `VmHWM`.
//!
//! Times are medians over `--runs` runs (default 3). `TANDEM_BENCH_SMOKE=1`
//! (set by `scripts/test.sh`) runs 200 members and 3 busy-channel messages
//! once, so the delivery checks run in CI.

#[path = "support/mod.rs"]
mod support;

#[path = "../tests/api/support/fake_slack.rs"]
#[allow(dead_code)]
mod fake_slack;

use chrono::{DateTime, TimeZone, Utc};
use fake_slack::FakeSlack;
use futures_util::stream::{self, StreamExt};
use std::sync::Arc;
use std::time::{Duration, Instant};
use tandem::app::{App, CommandRequest};
use tandem::clock::ManualClock;
use tandem::crypto::Sealer;
use tandem::domain::job::Job;
use tandem::domain::profile::Profile;
use tandem::ids::{TeamId, UserId};
use tandem::metrics::Metrics;
use tandem::scheduler::Scheduler;
use tandem::slack::client::{build_client, build_reply_client, Timeouts};
use tandem::slack::outbound::SlackWorkspace;
use tandem::slack::{SlackApi, SlackContext};

const ZONES: [&str; 5] = [
    "Asia/Tokyo",
    "Europe/Berlin",
    "Europe/London",
    "America/New_York",
    "America/Los_Angeles",
];

/// Sunday noon UTC: every zone's Monday 09:00 is still ahead.
fn sunday_noon() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 29, 12, 0, 0).unwrap()
}

/// Tuesday 00:00 UTC: every zone's Monday 09:00 has passed.
fn tuesday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 0, 0, 0).unwrap()
}

fn peak_rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmHWM:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

struct Run {
    seed: Duration,
    schedule: Duration,
    deliver: Duration,
    limited: usize,
    peak_mb: f64,
}

async fn run(members: usize, rate_control: bool) -> Run {
    let redis_url = support::redis_url();
    let fake = FakeSlack::start().await;
    if rate_control {
        fake.enforce_per_channel_limit(Duration::from_secs(1));
    }
    let (mut config, prefix) = support::shipped_config();
    config.scheduler.tick_ms = 5;
    config.scheduler.batch = 100;
    let store = support::redis_store(&prefix).await;
    let clock = ManualClock::new(sunday_noon());
    let metrics = Metrics::new();
    let timeouts = Timeouts::from_config(&config.slack);
    let client = if rate_control {
        build_client(&fake.api_url(), timeouts).unwrap()
    } else {
        build_reply_client(&fake.api_url(), timeouts).unwrap()
    };
    let reply_client = build_reply_client(&fake.api_url(), timeouts).unwrap();
    let token = secrecy::SecretString::from(fake_slack::BOT_TOKEN.to_owned());
    let api = SlackApi::new(client, reply_client, &token, metrics.clone());
    let app = App::new(
        Arc::new(config),
        store.clone(),
        Sealer::clear(),
        Arc::new(SlackWorkspace::new(api.clone())),
        Arc::new(clock.clone()),
    );
    let team = TeamId::parse("T0TEST").unwrap();
    let users: Vec<UserId> = (0..members)
        .map(|i| UserId::parse(&format!("U0B{i:06}")).unwrap())
        .collect();
    for user in &users {
        fake.add_user(user.as_str());
    }

    // Seed: every member joins and sets a goal, as through /tandem.
    let started = Instant::now();
    stream::iter(users.iter())
        .for_each_concurrent(64, |user| {
            let app = app.clone();
            let team = team.clone();
            async move {
                for text in ["join", "goal add Get better at code review"] {
                    let request = CommandRequest {
                        team: team.clone(),
                        user: user.clone(),
                        text: text.to_owned(),
                        trigger: None,
                    };
                    app.handle_command(&request).await;
                }
            }
        })
        .await;
    let seed = started.elapsed();

    // Schedule: each member's next Monday 09:00 in their own zone.
    let started = Instant::now();
    let now = clock_now(&clock);
    stream::iter(users.iter().enumerate())
        .for_each_concurrent(64, |(i, user)| {
            let app = app.clone();
            let store = store.clone();
            let team = team.clone();
            async move {
                let profile = Profile {
                    timezone: Some(ZONES[i % ZONES.len()].to_owned()),
                    ..Profile::default()
                };
                let due = app.next_checkin(&profile, now).expect("a next Monday");
                store
                    .schedule_job(
                        &team,
                        &Job::Checkin(user.clone()).to_string(),
                        due.timestamp_millis(),
                    )
                    .await
                    .expect("queued");
            }
        })
        .await;
    let schedule = started.elapsed();

    // Deliver: everything is due; one scheduler drains the queue.
    let ctx = Arc::new(SlackContext::new(app.clone(), api, metrics));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = tokio::spawn(Scheduler::new(ctx, team.clone()).run(stopped));
    let started = Instant::now();
    clock.set(tuesday());
    while fake.posted() < members {
        tokio::time::sleep(Duration::from_millis(5)).await;
        fake.clear(); // the fake's call log is the bench's, not the app's memory
    }
    let deliver = started.elapsed();
    let _ = stop.send(true);
    let _ = scheduler.await;
    let limited = fake.rate_limited();

    support::delete_prefix(&redis_url, &prefix).await;
    Run {
        seed,
        schedule,
        deliver,
        limited,
        peak_mb: peak_rss_mb(),
    }
}

fn clock_now(clock: &ManualClock) -> DateTime<Utc> {
    use tandem::clock::Clock;
    clock.now()
}

/// The default `slack.timeout_ms`.
const BENCH_TIMEOUTS: Timeouts = Timeouts {
    io: Duration::from_secs(10),
};

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Many messages at once to one channel, through the production client,
/// while the fake enforces one per second per channel.
async fn one_channel(messages: usize) -> Run {
    use slack_morphism::prelude::{SlackChannelId, SlackMessageContent};
    let fake = FakeSlack::start().await;
    fake.enforce_per_channel_limit(Duration::from_secs(1));
    let token = secrecy::SecretString::from(fake_slack::BOT_TOKEN.to_owned());
    let api = SlackApi::new(
        build_client(&fake.api_url(), BENCH_TIMEOUTS).unwrap(),
        build_reply_client(&fake.api_url(), BENCH_TIMEOUTS).unwrap(),
        &token,
        Metrics::new(),
    );
    let channel = SlackChannelId::new("C0BUSY".into());
    let started = Instant::now();
    let sends = (0..messages).map(|i| {
        api.post_message(
            &channel,
            SlackMessageContent::new().with_text(format!("message {i}")),
        )
    });
    let results = futures_util::future::join_all(sends).await;
    let deliver = started.elapsed();
    assert!(results.iter().all(Result::is_ok), "every message delivered");
    assert_eq!(fake.posted(), messages);
    assert!(
        deliver.as_secs_f64() >= 0.9 * (messages - 1) as f64,
        "paced at one a second"
    );
    Run {
        seed: Duration::ZERO,
        schedule: Duration::ZERO,
        deliver,
        limited: fake.rate_limited(),
        peak_mb: peak_rss_mb(),
    }
}

const RUNS: [(&str, &str); 3] = [
    ("off", "rate control off"),
    ("on", "rate control on, own DMs"),
    ("busy", "one busy channel"),
];

/// In a child process: one run, printed as one `RESULT` line.
fn child(kind: &str, members: usize, messages: usize) {
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let r = match kind {
        "off" => runtime.block_on(run(members, false)),
        "on" => runtime.block_on(run(members, true)),
        "busy" => runtime.block_on(one_channel(messages)),
        other => panic!("unknown run {other}"),
    };
    println!(
        "RESULT {} {} {} {} {}",
        r.seed.as_secs_f64(),
        r.schedule.as_secs_f64(),
        r.deliver.as_secs_f64(),
        r.limited,
        r.peak_mb
    );
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

fn main() {
    let _ = rustls::crypto::ring::default_provider().install_default();
    let members = env_number(
        "CHECKIN_MEMBERS",
        if support::smoke() { 200 } else { 10_000 },
    );
    let messages = env_number(
        "ONE_CHANNEL_MESSAGES",
        if support::smoke() { 3 } else { 30 },
    );
    let args: Vec<String> = std::env::args().collect();
    if let Some(i) = args.iter().position(|a| a == "--child") {
        return child(&args[i + 1], members, messages);
    }
    let runs = support::runs(&args, 3);
    println!(
        "check-ins for {members} members (one scheduler replica, batch 100); \
         {messages} messages to one busy channel; medians of {runs} run(s), each its own process"
    );
    println!(
        "{:<26} {:>8} {:>10} {:>10} {:>12} {:>6}  peak MB of each run",
        "run", "seed s", "schedule s", "deliver s", "ms/message", "429s"
    );
    let exe = std::env::current_exe().expect("own path");
    for (kind, name) in RUNS {
        let mut rows = Vec::new();
        for _ in 0..runs {
            let out = std::process::Command::new(&exe)
                .args(["--child", kind])
                .output()
                .expect("child run");
            let stdout = String::from_utf8_lossy(&out.stdout);
            assert!(
                out.status.success(),
                "{name} failed:\n{stdout}\n{}",
                String::from_utf8_lossy(&out.stderr)
            );
            let line = stdout
                .lines()
                .find_map(|l| l.strip_prefix("RESULT "))
                .expect("a RESULT line");
            let v: Vec<f64> = line.split(' ').map(|x| x.parse().unwrap()).collect();
            rows.push(v);
        }
        let col = |i: usize| median(rows.iter().map(|r| r[i]).collect());
        let count = if kind == "busy" { messages } else { members };
        let peaks: Vec<String> = rows.iter().map(|r| format!("{:.0}", r[4])).collect();
        println!(
            "{:<26} {:>8.2} {:>10.3} {:>10.2} {:>12.3} {:>6}  {}",
            name,
            col(0),
            col(1),
            col(2),
            col(2) * 1000.0 / count as f64,
            col(3),
            peaks.join(" / ")
        );
    }
}
