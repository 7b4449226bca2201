//! The scheduler against real Redis and the fake Slack: due check-ins are
//! delivered once, even with several replicas sharing one Redis, and jobs
//! held by a replica that died run elsewhere.

mod support;

use std::collections::HashMap;
use std::time::Duration;
use support::*;

fn due_key(app: &TestApp) -> String {
    format!("{}:{{T0TEST}}:jobs:due", app.prefix)
}

/// Check-in DMs per member across the given fakes.
fn checkins_by_member(fakes: &[&support::fake_slack::FakeSlack]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for fake in fakes {
        for call in fake.calls("chat.postMessage") {
            if call.body["text"] == "Your Tandem check-in" {
                *counts
                    .entry(call.body["channel"].as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
        }
    }
    counts
}

/// slack-morphism paces chat.postMessage at 1 per second per workspace and
/// replica, so deliveries take seconds; wait generously.
const DELIVERY_WAIT: Duration = Duration::from_secs(30);

async fn wait_until(mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + DELIVERY_WAIT;
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

#[tokio::test]
async fn joining_queues_a_check_in_that_arrives_once_and_is_requeued_in_the_members_zone() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "goal add Learn Rust").await;
    let due: Option<i64> = app
        .redis(redis::cmd("ZSCORE").arg(due_key(&app)).arg("checkin:U0ANA"))
        .await;
    let due = due.expect("joining queues the member's check-in");
    assert!(
        due > chrono::Utc::now().timestamp_millis(),
        "queued for the next Monday"
    );

    // Make it due now.
    let _: i64 = app
        .redis(
            redis::cmd("ZADD")
                .arg(due_key(&app))
                .arg(0)
                .arg("checkin:U0ANA"),
        )
        .await;
    wait_until(|| checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&1)).await;
    tokio::time::sleep(Duration::from_millis(400)).await;
    assert_eq!(
        checkins_by_member(&[&app.fake]).get("U0ANA"),
        Some(&1),
        "delivered once"
    );

    let next: Option<i64> = app
        .redis(redis::cmd("ZSCORE").arg(due_key(&app)).arg("checkin:U0ANA"))
        .await;
    let next = chrono::DateTime::from_timestamp_millis(next.expect("requeued")).unwrap();
    // The fake's users.info is not consulted for /tandem join, so the
    // program default (UTC) applies: Monday 09:00.
    use chrono::{Datelike, Timelike};
    assert_eq!(
        (next.weekday(), next.hour(), next.minute()),
        (chrono::Weekday::Mon, 9, 0)
    );
}

#[tokio::test]
async fn three_replicas_deliver_every_due_check_in_exactly_once() {
    let first = spawn_app().await;
    let members: Vec<String> = (0..15).map(|i| format!("U0M{i:03}")).collect();
    for m in &members {
        first.say(m, "join").await;
    }
    let others = [
        spawn(Spawn {
            prefix: Some(first.prefix.clone()),
            ..Spawn::default()
        })
        .await,
        spawn(Spawn {
            prefix: Some(first.prefix.clone()),
            ..Spawn::default()
        })
        .await,
    ];
    let mut zadd = redis::cmd("ZADD");
    zadd.arg(due_key(&first));
    for m in &members {
        zadd.arg(0).arg(format!("checkin:{m}"));
    }
    let _: i64 = first.redis(&mut zadd).await;

    let fakes = [&first.fake, &others[0].fake, &others[1].fake];
    wait_until(|| checkins_by_member(&fakes).len() == members.len()).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let counts = checkins_by_member(&fakes);
    for m in &members {
        assert_eq!(
            counts.get(m),
            Some(&1),
            "{m} got {:?} check-ins",
            counts.get(m)
        );
    }
    let served: Vec<usize> = fakes
        .iter()
        .map(|f| f.calls("chat.postMessage").len())
        .collect();
    println!("check-ins sent per replica: {served:?}");
}

#[tokio::test]
async fn a_job_held_by_a_replica_that_died_runs_elsewhere() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    // A replica that died claimed the job with a lease that ends in 300 ms.
    let now = chrono::Utc::now().timestamp_millis();
    let leased = format!("{}:{{T0TEST}}:jobs:leased", app.prefix);
    let owner = format!("{}:{{T0TEST}}:jobs:owner", app.prefix);
    let _: i64 = app
        .redis(redis::cmd("ZREM").arg(due_key(&app)).arg("checkin:U0ANA"))
        .await;
    let _: i64 = app
        .redis(
            redis::cmd("ZADD")
                .arg(&leased)
                .arg(now + 300)
                .arg("checkin:U0ANA"),
        )
        .await;
    let _: i64 = app
        .redis(
            redis::cmd("HSET")
                .arg(&owner)
                .arg("checkin:U0ANA")
                .arg("dead-replica"),
        )
        .await;

    tokio::time::sleep(Duration::from_millis(200)).await;
    assert!(
        checkins_by_member(&[&app.fake]).is_empty(),
        "not before the lease ends"
    );
    wait_until(|| checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&1)).await;
}

#[tokio::test]
async fn an_unanswered_check_in_gets_one_gentle_reminder() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "goal add Learn Rust").await;
    app.say("U0BEN", "join").await;
    app.say("U0ADMIN1", "admin checkins").await;
    let due: Option<i64> = app
        .redis(
            redis::cmd("ZSCORE")
                .arg(due_key(&app))
                .arg("remind:U0ANA:1"),
        )
        .await;
    let hours =
        (due.expect("reminder queued") - chrono::Utc::now().timestamp_millis()) as f64 / 3.6e6;
    assert!((23.9..24.1).contains(&hours), "reminder in {hours} h");

    // Ben answers everything (no goals, no partner); Ana does not.
    let reminders = |app: &TestApp, user: &str| {
        app.fake
            .calls("chat.postMessage")
            .iter()
            .filter(|c| {
                c.body["channel"] == user
                    && c.body["text"]
                        .as_str()
                        .unwrap_or("")
                        .starts_with("A gentle nudge")
            })
            .count()
    };
    for job in ["remind:U0ANA:1", "remind:U0BEN:1"] {
        let _: i64 = app
            .redis(redis::cmd("ZADD").arg(due_key(&app)).arg(0).arg(job))
            .await;
    }
    wait_until(|| reminders(&app, "U0ANA") == 1).await;
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert_eq!(reminders(&app, "U0ANA"), 1, "one reminder, never more");
    assert_eq!(reminders(&app, "U0BEN"), 0, "nothing to remind about");
    let left: Option<i64> = app
        .redis(
            redis::cmd("ZSCORE")
                .arg(due_key(&app))
                .arg("remind:U0ANA:1"),
        )
        .await;
    assert_eq!(left, None, "the reminder is not requeued");
}
