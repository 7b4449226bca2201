//! Everything at once, as an operator would try it: three replicas on a
//! Redis of the test's own, one replica killed mid-batch, Redis restarted,
//! Slack answering 500s and 429s along the way. Every member still gets
//! exactly one check-in, and every member of a 250-pair round exactly one
//! intro.

use crate::round_delivery::intros_by_group;
use crate::scheduler::{checkins_by_member, members, monday_morning, nine_oclock, settle};
use crate::support;

use chrono::Duration as Span;
use std::collections::HashMap;
use std::time::Duration;
use support::fake_slack::{FakeSlack, Scripted};
use support::own_redis::OwnRedis;
use support::*;
use tandem::clock::ManualClock;

/// A replica on `redis`, talking to the one Slack (`fake`), leases of five
/// seconds.
fn replica(
    redis: &OwnRedis,
    clock: &ManualClock,
    prefix: Option<String>,
    fake: Option<FakeSlack>,
) -> Spawn {
    Spawn {
        store: StoreChoice::Url(redis.url()),
        prefix,
        fake,
        clock: Some(clock.clone()),
        batch: Some(10),
        tweak: Some(|c| c.scheduler.lease_secs = 5),
        ..Spawn::default()
    }
}

#[tokio::test]
async fn three_replicas_a_kill_a_redis_restart_and_slack_errors_still_one_check_in_each() {
    let mut redis = OwnRedis::new();
    redis.start().await;
    let clock = ManualClock::new(monday_morning());
    let doomed = spawn(replica(&redis, &clock, None, None)).await;
    let people = members(500);
    doomed.join_all(&people).await;
    doomed.settled().await;
    let (slack, prefix) = (doomed.fake.clone(), doomed.prefix.clone());
    let others = [
        spawn(replica(
            &redis,
            &clock,
            Some(prefix.clone()),
            Some(slack.clone()),
        ))
        .await,
        spawn(replica(
            &redis,
            &clock,
            Some(prefix.clone()),
            Some(slack.clone()),
        ))
        .await,
    ];
    // Slack has a bad few minutes: 500s and 429s among the answers.
    for n in 0..40 {
        slack.script(
            "chat.postMessage",
            if n % 2 == 0 {
                Scripted::ServerError(500)
            } else {
                Scripted::RateLimited {
                    retry_after_secs: 1,
                }
            },
        );
    }
    slack.slow_posts(Duration::from_millis(5));

    clock.set(nine_oclock());
    wait_until("the doomed replica mid-batch", || {
        checkins_by_member(&[&slack]).len() >= 100
    })
    .await;
    doomed.crash().await;
    // Redis goes down and comes back (AOF) while the others work.
    redis.stop();
    tokio::time::sleep(Duration::from_millis(1500)).await;
    redis.start().await;

    // Failed sends are retried a minute or so later; leases the dead
    // replica held end after five seconds of Redis time.
    let deadline = tokio::time::Instant::now() + Duration::from_secs(120);
    while checkins_by_member(&[&slack]).len() < people.len() {
        assert!(
            tokio::time::Instant::now() < deadline,
            "served {} of {}",
            checkins_by_member(&[&slack]).len(),
            people.len()
        );
        clock.advance(Span::minutes(2));
        tokio::time::sleep(Duration::from_millis(500)).await;
    }
    tokio::time::sleep(Duration::from_secs(6)).await;
    settle(&[&others[0], &others[1]]).await;
    let counts = checkins_by_member(&[&slack]);
    let wrong: HashMap<&String, usize> = people
        .iter()
        .map(|m| (m, counts.get(m).copied().unwrap_or(0)))
        .filter(|(_, n)| *n != 1)
        .collect();
    assert!(wrong.is_empty(), "not exactly one check-in: {wrong:?}");
    let refused = slack
        .calls("chat.postMessage")
        .iter()
        .filter(|c| c.refused)
        .count();
    println!("check-ins refused by Slack along the way: {refused}");
}

#[tokio::test]
async fn a_round_of_250_pairs_whose_replica_is_killed_introduces_everyone_once() {
    let mut redis = OwnRedis::new();
    redis.start().await;
    let clock = ManualClock::new(monday_morning());
    let doomed = spawn(replica(&redis, &clock, None, None)).await;
    let everyone: Vec<String> = (0..500).map(|i| format!("U0R{i:04}")).collect();
    doomed.join_all(&everyone).await;
    doomed
        .say_all(&everyone, |u| {
            let even = u.ends_with(['0', '2', '4', '6', '8']);
            let (offer, learn) = if even {
                ("sql", "rust")
            } else {
                ("rust", "sql")
            };
            format!("profile offer: {offer}; learn: {learn}; level: 3")
        })
        .await;
    doomed.settled().await;
    let (slack, prefix) = (doomed.fake.clone(), doomed.prefix.clone());
    slack.slow_posts(Duration::from_millis(20));
    let reply = doomed.say("U0ADMIN1", "admin round").await;
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .starts_with("*Round 1 is on*: 250 pairs."),
        "{reply}"
    );
    let intros = |fake: &FakeSlack| intros_by_group(&[fake]);
    wait_until("the round under way", || intros(&slack).len() >= 40).await;
    let others = [
        spawn(replica(
            &redis,
            &clock,
            Some(prefix.clone()),
            Some(slack.clone()),
        ))
        .await,
        spawn(replica(
            &redis,
            &clock,
            Some(prefix.clone()),
            Some(slack.clone()),
        ))
        .await,
    ];
    doomed.crash().await;
    wait_until("every group introduced", || intros(&slack).len() == 250).await;
    others[0].round_delivered().await;
    settle(&[&others[0], &others[1]]).await;
    let counts = intros(&slack);
    assert!(counts.values().all(|&n| n == 1), "an intro sent twice");
    // Every member is in exactly one introduced group DM.
    let opened = slack.calls("conversations.open");
    let mut groups_of: HashMap<String, std::collections::HashSet<String>> = HashMap::new();
    for c in &opened {
        let users: Vec<String> = c.body["users"]
            .as_str()
            .map(|s| s.split(',').map(str::to_owned).collect())
            .unwrap_or_else(|| {
                c.body["users"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|u| u.as_str().unwrap().to_owned())
                    .collect()
            });
        if users.len() < 2 {
            continue;
        }
        let mut sorted = users.clone();
        sorted.sort();
        let key = sorted.join(",");
        for u in users {
            groups_of.entry(u).or_default().insert(key.clone());
        }
    }
    for member in &everyone {
        assert_eq!(
            groups_of.get(member).map(|g| g.len()),
            Some(1),
            "{member} is in exactly one group"
        );
    }
}
