//! Redis memory per member: `cargo bench --bench memory` (needs Redis;
//! `TEST_REDIS_URL`, default 127.0.0.1:6379; `MEMORY_MEMBERS`, default 1,000).
//!
//! Members are seeded as through `/tandem`: each joins with a profile, sets
//! three goals (one with two steps, one shared), keeps three notes and a
//! link on their shelf, and is in a round (recorded, intros delivered by the
//! real scheduler, so every member has their pairing and the rounds history
//! holds them), then gets a check-in. Memory is Redis's own count for every
//! key under the run's prefix (`MEMORY USAGE`, summed), so other data in the
//! same Redis does not blur it. Measured with encryption off and on (sealed
//! values are base64, so larger). `TANDEM_BENCH_SMOKE=1` seeds 20 members.

#[path = "support/mod.rs"]
mod support;

#[path = "../tests/api/support/fake_slack.rs"]
#[allow(dead_code)]
mod fake_slack;

use fake_slack::FakeSlack;
use futures_util::stream::{self, StreamExt};
use std::sync::Arc;
use std::time::Duration;
use tandem::app::{App, CommandRequest};
use tandem::clock::SystemClock;
use tandem::ids::{TeamId, UserId};
use tandem::metrics::Metrics;
use tandem::scheduler::Scheduler;
use tandem::slack::outbound::SlackWorkspace;
use tandem::slack::SlackContext;

/// What one member types, in order.
fn script(i: usize) -> Vec<String> {
    let (offer, learn) = if i % 2 == 0 {
        ("sql, public speaking", "rust")
    } else {
        ("rust", "sql, public speaking")
    };
    vec![
        "join".into(),
        format!(
            "profile offer: {offer}; learn: {learn}; level: 3; team: Team {}",
            i % 12
        ),
        "goal add Give a talk at the engineering all-hands".into(),
        "goal add Get better at reviewing database migrations".into(),
        "goal add Learn enough Rust to fix small bugs".into(),
        "goal step 1 Draft an outline and ask for feedback".into(),
        "goal step 1 Rehearse with a colleague".into(),
        "goal share 2".into(),
        "note Ask about how they plan a quarter".into(),
        "note Follow up on the migration checklist".into(),
        "note Send the talk outline before Friday".into(),
    ]
}

/// Bytes Redis uses for every key under `prefix`.
async fn bytes_under(conn: &mut redis::aio::MultiplexedConnection, prefix: &str) -> (u64, usize) {
    let mut cursor: u64 = 0;
    let (mut total, mut keys) = (0u64, 0usize);
    loop {
        let (next, batch): (u64, Vec<String>) = redis::cmd("SCAN")
            .arg(cursor)
            .arg("MATCH")
            .arg(format!("{prefix}:*"))
            .arg("COUNT")
            .arg(1000)
            .query_async(conn)
            .await
            .unwrap();
        for key in batch {
            let used: Option<u64> = redis::cmd("MEMORY")
                .arg("USAGE")
                .arg(&key)
                .arg("SAMPLES")
                .arg(0)
                .query_async(conn)
                .await
                .unwrap();
            total += used.unwrap_or(0);
            keys += 1;
        }
        if next == 0 {
            return (total, keys);
        }
        cursor = next;
    }
}

async fn run(members: usize, encrypted: bool) -> (u64, usize) {
    let redis_url = support::redis_url();
    let fake = FakeSlack::start().await;
    let (mut config, prefix) = support::shipped_config();
    config.scheduler.tick_ms = 5;
    config.scheduler.batch = 200;
    let store = support::redis_store(&prefix).await;
    // Without slack-morphism's throttle: memory, not pacing, is measured.
    let api = support::unthrottled_api(&fake.api_url(), fake_slack::BOT_TOKEN, &config);
    let sealer = support::sealer(encrypted);
    let app = App::new(
        Arc::new(config),
        store.clone(),
        sealer,
        Arc::new(SlackWorkspace::new(api.clone())),
        Arc::new(SystemClock),
    );
    let team = TeamId::parse("T0TEST").unwrap();
    let users: Vec<UserId> = (0..members)
        .map(|i| UserId::parse(&format!("U0M{i:06}")).unwrap())
        .collect();
    for user in &users {
        fake.add_user(user.as_str());
    }
    fake.add_user("U0ADMIN1");
    let say = |user: UserId, text: String| {
        let (app, team) = (app.clone(), team.clone());
        async move {
            app.handle_command(&CommandRequest {
                team,
                user,
                text,
                trigger: None,
            })
            .await;
        }
    };
    stream::iter(users.iter().enumerate())
        .for_each_concurrent(32, |(i, user)| {
            let say = &say;
            async move {
                for text in script(i) {
                    say(user.clone(), text).await;
                }
                say(
                    user.clone(),
                    format!("share https://example.com/resource/{i} worth a read"),
                )
                .await;
            }
        })
        .await;

    // A round, delivered by the real scheduler; then a check-in for all.
    let ctx = Arc::new(SlackContext::new(app.clone(), api, Metrics::new()));
    let (stop, stopped) = tokio::sync::watch::channel(false);
    let scheduler = tokio::spawn(Scheduler::new(ctx, team.clone()).run(stopped));
    say(UserId::parse("U0ADMIN1").unwrap(), "admin round".into()).await;
    let client = redis::Client::open(redis_url.as_str()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let due_key = format!("{prefix}:{{T0TEST}}:jobs:due");
    loop {
        let intros: Vec<String> = redis::cmd("ZRANGEBYSCORE")
            .arg(&due_key)
            .arg("-inf")
            .arg("+inf")
            .query_async(&mut conn)
            .await
            .unwrap();
        let leased: usize = redis::cmd("ZCARD")
            .arg(format!("{prefix}:{{T0TEST}}:jobs:leased"))
            .query_async(&mut conn)
            .await
            .unwrap();
        if leased == 0 && !intros.iter().any(|j| j.starts_with("intro:")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        fake.clear();
    }
    say(UserId::parse("U0ADMIN1").unwrap(), "admin checkins".into()).await;
    let _ = stop.send(true);
    let _ = scheduler.await;

    let measured = bytes_under(&mut conn, &prefix).await;
    support::delete_prefix(&redis_url, &prefix).await;
    measured
}

#[tokio::main]
async fn main() {
    let members = if support::smoke() {
        20
    } else {
        std::env::var("MEMORY_MEMBERS")
            .ok()
            .and_then(|n| n.parse().ok())
            .unwrap_or(1000)
    };
    for encrypted in [false, true] {
        let (bytes, keys) = run(members, encrypted).await;
        assert!(
            keys >= members * 5,
            "every member's documents stored: {keys} keys"
        );
        let per_member = bytes as f64 / members as f64;
        println!(
            "{members} members, encryption {:<3}: {keys:>6} keys, {:>8.1} KiB in all, {:>6.0} bytes a member, {:>5.2} MiB per 1,000 members",
            if encrypted { "on" } else { "off" },
            bytes as f64 / 1024.0,
            per_member,
            per_member * 1000.0 / 1024.0 / 1024.0
        );
    }
}
