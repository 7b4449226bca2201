//! A round's intros, sit-out DMs and notes go through the durable job
//! queue: recorded with the round in one step, delivered by whichever
//! replica claims them. A replica killed mid-round, or one group's unreadable
//! document, loses nobody's intro and never re-runs the round.

use crate::scheduler::settle;
use crate::support;

use chrono::{Duration as Span, TimeZone, Utc};
use std::collections::HashMap;
use std::time::Duration;
use support::fake_slack::FakeSlack;
use support::*;
use tandem::clock::ManualClock;

const ADMIN: &str = "U0ADMIN1";

fn people(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("U0P{i:04}")).collect()
}

/// Half teach SQL and want Rust, half the other way round: everyone has a
/// partner.
async fn with_profiles(app: &TestApp, people: &[String]) {
    app.join_all(people).await;
    app.say_all(people, |u| {
        let even = u.ends_with(['0', '2', '4', '6', '8']);
        let (offer, learn) = if even {
            ("sql", "rust")
        } else {
            ("rust", "sql")
        };
        format!("profile offer: {offer}; learn: {learn}; level: 3")
    })
    .await;
    app.settled().await;
}

/// Intros posted, per group DM, across the given fakes.
pub(crate) fn intros_by_group(fakes: &[&FakeSlack]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for fake in fakes {
        for call in fake.calls("chat.postMessage") {
            if !call.refused && call.body.to_string().contains("paired for peer mentoring") {
                *counts
                    .entry(call.body["channel"].as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
        }
    }
    counts
}

#[tokio::test]
async fn a_round_whose_replica_is_killed_mid_way_introduces_every_group() {
    // Every replica talks to the same Slack.
    let short_lease = |prefix: Option<String>, fake: Option<FakeSlack>| Spawn {
        prefix,
        fake,
        batch: Some(5),
        tweak: Some(|c| c.scheduler.lease_secs = 5),
        ..Spawn::default()
    };
    let doomed = spawn(short_lease(None, None)).await;
    let everyone = people(120);
    with_profiles(&doomed, &everyone).await;
    // Slack is slow, so the replica is mid-round when it is killed.
    doomed.fake.slow_posts(Duration::from_millis(100));
    let reply = doomed.say(ADMIN, "admin round").await;
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .starts_with("*Round 1 is on*: 60 pairs."),
        "{reply}"
    );
    wait_until("the doomed replica to be mid-round", || {
        intros_by_group(&[&doomed.fake]).len() >= 10
    })
    .await;
    let slack = doomed.fake.clone();
    let others = [
        spawn(short_lease(
            Some(doomed.prefix.clone()),
            Some(slack.clone()),
        ))
        .await,
        spawn(short_lease(
            Some(doomed.prefix.clone()),
            Some(slack.clone()),
        ))
        .await,
    ];
    let sent_before_the_crash = intros_by_group(&[&slack]).len();
    doomed.crash().await;

    let fakes = [&slack];
    wait_until("every group introduced", || {
        intros_by_group(&fakes).len() == 60
    })
    .await;
    others[0].round_delivered().await;
    settle(&[&others[0], &others[1]]).await;
    let counts = intros_by_group(&fakes);
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    println!(
        "intros sent before the crash: {sent_before_the_crash}; duplicates after it: {duplicates}"
    );
    // Not even the intro Slack took just as the replica died, before its
    // key was stored: the try that follows looks in the group DM first.
    assert_eq!(duplicates, 0, "{counts:?}");
    // Every member is in exactly one introduced group, and knows it.
    let mut members_introduced = 0;
    for user in &everyone {
        let status = others[0].say(user, "status").await.to_string();
        if status.contains("Your partner this round (#1)") {
            members_introduced += 1;
        }
    }
    assert_eq!(members_introduced, everyone.len());
    // And the round was run once.
    let history = others[0]
        .redis_get(&format!("{}:{{T0TEST}}:doc:rounds", others[0].prefix))
        .await
        .unwrap();
    let rounds: serde_json::Value = serde_json::from_str(&history).unwrap();
    assert_eq!(rounds["rounds"].as_array().unwrap().len(), 1, "{history}");
}

#[tokio::test]
async fn one_groups_unreadable_document_delays_its_intro_alone() {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap());
    let app = spawn_at(&clock).await;
    let everyone = people(6);
    with_profiles(&app, &everyone).await;
    // One member's goals cannot be read (say, written by a broken tool).
    let goals = format!("{}:{{T0TEST}}:user:{}:goals", app.prefix, everyone[0]);
    let _: () = app
        .redis(redis::cmd("SET").arg(&goals).arg("{not json"))
        .await;

    let reply = app.say(ADMIN, "admin round").await;
    assert!(reply["text"]
        .as_str()
        .unwrap()
        .starts_with("*Round 1 is on*: 3 pairs."));
    wait_until("the other two groups introduced", || {
        intros_by_group(&[&app.fake]).len() == 2
    })
    .await;
    app.wait_for_metric(r#"tandem_slack_events_total{kind="job",outcome="retry"} 1"#)
        .await;
    // The round stands: a new one is refused while this one is delivered,
    // with how far it has got.
    let again = app.say(ADMIN, "admin round").await;
    assert_eq!(
        again["text"],
        "Round 1's intros are still going out (2 of 3 sent), so round 2 waits. Run it once they're all sent; `/tandem admin round preview` shows progress."
    );
    let preview = app.say(ADMIN, "admin round preview").await.to_string();
    assert!(
        preview.contains("Round 1's intros are still going out: 2 of 3 sent."),
        "{preview}"
    );

    // Fixed, the retry a minute later (plus up to a fifth) introduces them.
    let _: () = app.redis(redis::cmd("DEL").arg(&goals)).await;
    clock.advance(Span::seconds(73));
    wait_until("the last group introduced", || {
        intros_by_group(&[&app.fake]).len() == 3
    })
    .await;
    app.round_delivered().await;
    let counts = intros_by_group(&[&app.fake]);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
    let next = app.say(ADMIN, "admin round").await;
    assert!(
        next["text"]
            .as_str()
            .unwrap()
            .starts_with("*Round 2 is on*"),
        "{next}"
    );
}
