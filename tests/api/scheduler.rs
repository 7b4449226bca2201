//! The scheduler against real Redis and the fake Slack, with time injected:
//! every replica reads one manual clock, so "Monday 09:00" and "24 hours
//! later" are set by the test, never waited for.
//!
//! Covered: due check-ins delivered once even with three replicas sharing
//! one Redis (500 members); a replica killed mid-run (its jobs run elsewhere
//! once their lease ends; duplicates bounded by the crash window and
//! counted); 429s that delay but lose nothing; one member's Slack error not
//! stopping the others; the one reminder.

use crate::support;

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use std::collections::HashMap;
use std::time::Duration;
use support::fake_slack::{FakeSlack, Scripted};
use support::*;
use tandem::clock::{Clock, ManualClock};

/// Monday 30 November 2026, 08:00 UTC: an hour before the default check-in.
pub(crate) fn monday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap()
}

pub(crate) fn nine_oclock() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap()
}

pub(crate) fn due_key(app: &TestApp) -> String {
    format!("{}:{{T0TEST}}:jobs:due", app.prefix)
}

fn leased_key(app: &TestApp) -> String {
    format!("{}:{{T0TEST}}:jobs:leased", app.prefix)
}

pub(crate) fn members(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("U0M{i:04}")).collect()
}

/// Check-in DMs per member across the given fakes.
pub(crate) fn checkins_by_member(fakes: &[&FakeSlack]) -> HashMap<String, usize> {
    let mut counts = HashMap::new();
    for fake in fakes {
        for call in fake.calls("chat.postMessage") {
            if call.body["text"] == "Your Tandem check-in" && !call.refused {
                *counts
                    .entry(call.body["channel"].as_str().unwrap().to_owned())
                    .or_default() += 1;
            }
        }
    }
    counts
}

/// Waits until each replica has run a whole scheduler round since now
/// (and delivered what it started): whatever was due has been handled, so
/// "nothing more happened" is a fact, not a guess about timing.
pub(crate) async fn settle(apps: &[&TestApp]) {
    for app in apps {
        app.scheduler_ticked().await;
    }
}

async fn replica(first: &TestApp, clock: &ManualClock, batch: usize) -> TestApp {
    let second = spawn(Spawn {
        prefix: Some(first.prefix.clone()),
        clock: Some(clock.clone()),
        batch: Some(batch),
        ..Spawn::default()
    })
    .await;
    // One workspace: both replicas' Slack knows the same people (a round
    // asks users.info whether each is a full member, on whichever replica
    // runs it).
    for user in first.fake.users() {
        second.fake.add_user(&user);
    }
    second
}

async fn first_replica(clock: &ManualClock, batch: usize) -> TestApp {
    spawn(Spawn {
        clock: Some(clock.clone()),
        batch: Some(batch),
        ..Spawn::default()
    })
    .await
}

pub(crate) async fn zscore(app: &TestApp, key: &str, member: &str) -> Option<i64> {
    app.redis(redis::cmd("ZSCORE").arg(key).arg(member)).await
}

#[tokio::test]
async fn a_check_in_is_due_at_nine_arrives_once_and_is_requeued_for_next_week() {
    let clock = ManualClock::new(monday_morning());
    let app = first_replica(&clock, 2).await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "goal add Learn Rust").await;
    let due = zscore(&app, &due_key(&app), "checkin:U0ANA")
        .await
        .expect("joining queues the member's check-in");
    // The fake's users.info says UTC, so 09:00 UTC.
    assert_eq!(due, nine_oclock().timestamp_millis());

    clock.set(nine_oclock() - Span::seconds(1));
    settle(&[&app]).await;
    assert!(
        checkins_by_member(&[&app.fake]).is_empty(),
        "not before 09:00"
    );

    clock.set(nine_oclock());
    wait_until("the check-in", || {
        checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&1)
    })
    .await;
    settle(&[&app]).await;
    assert_eq!(checkins_by_member(&[&app.fake]).get("U0ANA"), Some(&1));
    let next = zscore(&app, &due_key(&app), "checkin:U0ANA").await;
    assert_eq!(
        next,
        Some((nine_oclock() + Span::days(7)).timestamp_millis()),
        "next Monday 09:00"
    );
    // The mark that stops a second send is kept a week (longer than any
    // retry), then expires on its own; so is the one that says delivery
    // began (a later try looks in the DM first).
    let tried = app
        .redis_keys()
        .await
        .into_iter()
        .filter(|k| k.contains(":event:sent.checkin.U0ANA.") && k.ends_with(".try"))
        .count();
    assert_eq!(tried, 1);
    let marks: Vec<String> = app
        .redis_keys()
        .await
        .into_iter()
        .filter(|k| k.contains(":event:sent.checkin.U0ANA.") && !k.ends_with(".try"))
        .collect();
    assert_eq!(marks.len(), 1, "{marks:?}");
    let ttl: i64 = app.redis(redis::cmd("TTL").arg(&marks[0])).await;
    let week = 7 * 24 * 3600;
    assert!((week - 120..=week).contains(&ttl), "kept {ttl} s");
}

#[tokio::test]
async fn a_failing_job_backs_off_and_is_given_up_after_twelve_tries() {
    let clock = ManualClock::new(monday_morning());
    let app = first_replica(&clock, 2).await;
    app.say("U0ANA", "join").await;
    // A document the job cannot read.
    let profile = format!("{}:{{T0TEST}}:user:U0ANA:profile", app.prefix);
    let _: () = app
        .redis(redis::cmd("SET").arg(&profile).arg("{not json"))
        .await;
    clock.set(nine_oclock());
    // A minute later, plus up to a fifth at random.
    let mut due = wait_until_due_within(
        &app,
        "checkin:U0ANA",
        nine_oclock() + Span::seconds(60),
        nine_oclock() + Span::seconds(72),
    )
    .await;
    assert!(checkins_by_member(&[&app.fake]).is_empty());

    // Failing again and again, it waits twice as long each time (up to an
    // hour), and after twelve failures in a row it is given up on: counted,
    // and off the queue (a check-in that cannot be read has no next run).
    let failures = format!("{}:{{T0TEST}}:jobs:failures", app.prefix);
    for n in 2..=12u32 {
        let base = (60i64 << (n - 1)).min(3600);
        clock.set(due);
        due = wait_until_due_within(
            &app,
            "checkin:U0ANA",
            due + Span::seconds(base),
            due + Span::seconds(base + base / 5),
        )
        .await;
        let count: u32 = app
            .redis(redis::cmd("HGET").arg(&failures).arg("checkin:U0ANA"))
            .await;
        assert_eq!(count, n);
    }
    clock.set(due);
    app.wait_for_metric(r#"tandem_slack_events_total{kind="job",outcome="gave_up"} 1"#)
        .await;
    app.scheduler_ticked().await;
    assert_eq!(zscore(&app, &due_key(&app), "checkin:U0ANA").await, None);
    let left: Option<String> = app
        .redis(redis::cmd("HGET").arg(&failures).arg("checkin:U0ANA"))
        .await;
    assert_eq!(left, None, "the count is cleared");
}

#[tokio::test]
async fn three_replicas_deliver_500_due_check_ins_exactly_once() {
    let clock = ManualClock::new(monday_morning());
    let first = first_replica(&clock, 5).await;
    let people = members(500);
    first.join_all(&people).await;
    let others = [
        replica(&first, &clock, 5).await,
        replica(&first, &clock, 5).await,
    ];

    clock.set(nine_oclock());
    let fakes = [&first.fake, &others[0].fake, &others[1].fake];
    wait_until("every member served", || {
        checkins_by_member(&fakes).len() == people.len()
    })
    .await;
    settle(&[&first, &others[0], &others[1]]).await;
    let counts = checkins_by_member(&fakes);
    for m in &people {
        assert_eq!(counts.get(m), Some(&1), "{m} got {:?}", counts.get(m));
    }
    let served: Vec<usize> = fakes
        .iter()
        .map(|f| f.calls("chat.postMessage").len())
        .collect();
    assert!(
        served.iter().filter(|&&n| n > 0).count() >= 2,
        "replicas share the work: {served:?}"
    );
    println!("check-ins sent per replica: {served:?}");
}

#[tokio::test]
async fn a_replica_killed_mid_run_leaves_nobody_unserved() {
    let clock = ManualClock::new(monday_morning());
    // Every replica talks to the same Slack.
    let short_lease = |prefix: Option<String>, fake: Option<FakeSlack>| Spawn {
        prefix,
        fake,
        clock: Some(clock.clone()),
        batch: Some(5),
        tweak: Some(|c| c.scheduler.lease_secs = 5),
        ..Spawn::default()
    };
    let doomed = spawn(short_lease(None, None)).await;
    let people = members(500);
    doomed.join_all(&people).await;
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

    clock.set(nine_oclock());
    wait_until("the doomed replica to get going", || {
        doomed.fake.calls("chat.postMessage").len() >= 20
    })
    .await;
    let prefix_app_due = due_key(&others[0]);
    let prefix_app_leased = leased_key(&others[0]);
    doomed.crash().await;

    // The survivors drain the queue; the dead replica's leased jobs wait
    // for their lease (clock + lease_secs) to end.
    let now_ms = clock.now().timestamp_millis();
    let mut last = usize::MAX;
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "the survivors never drained the queue (leased: {last})"
        );
        let due: i64 = others[0]
            .redis(
                redis::cmd("ZCOUNT")
                    .arg(&prefix_app_due)
                    .arg("-inf")
                    .arg(now_ms),
            )
            .await;
        let leased: usize = others[0]
            .redis(redis::cmd("ZCARD").arg(&prefix_app_leased))
            .await;
        if due == 0 && leased == last {
            break;
        }
        last = leased;
        settle(&[&others[0], &others[1]]).await;
    }
    let stranded = last;
    println!("jobs stranded on the killed replica: {stranded}");
    let fakes = [&slack];
    let served = checkins_by_member(&fakes).len();
    assert!(
        served + stranded >= people.len(),
        "only the dead replica's leased jobs wait: {served} served, {stranded} stranded"
    );

    // The lease ends (five seconds of Redis's time): the survivors take over.
    wait_until("every member served after the lease", || {
        checkins_by_member(&fakes).len() == people.len()
    })
    .await;
    settle(&[&others[0], &others[1]]).await;
    let counts = checkins_by_member(&fakes);
    let duplicates: usize = counts.values().map(|n| n - 1).sum();
    println!("duplicates after the crash: {duplicates}");
    // Not even the message Slack took just as the replica died, before its
    // key was stored: the try that follows looks in the DM first.
    assert_eq!(duplicates, 0, "{counts:?}");
}

#[tokio::test]
async fn a_check_in_slack_took_as_its_replica_died_is_not_sent_again() {
    let clock = ManualClock::new(monday_morning());
    let short_lease = |prefix: Option<String>, fake: Option<FakeSlack>| Spawn {
        prefix,
        fake,
        clock: Some(clock.clone()),
        tweak: Some(|c| c.scheduler.lease_secs = 5),
        ..Spawn::default()
    };
    let doomed = spawn(short_lease(None, None)).await;
    doomed.say("U0ANA", "join").await;
    doomed.settled().await;
    // Slack takes the check-in, and the replica dies before it hears so:
    // the crash window, where no key could be stored.
    doomed.fake.slow_posts(Duration::from_secs(2));
    clock.set(nine_oclock());
    wait_until("the check-in taken by Slack", || {
        checkins_by_member(&[&doomed.fake]).get("U0ANA") == Some(&1)
    })
    .await;
    let (slack, prefix) = (doomed.fake.clone(), doomed.prefix.clone());
    doomed.crash().await;
    slack.slow_posts(Duration::ZERO);
    // Another replica takes the job when the lease ends, looks in Ana's DM
    // first, finds the check-in there (its metadata names the delivery),
    // and does not send it again.
    let survivor = spawn(short_lease(Some(prefix), Some(slack.clone()))).await;
    survivor
        .wait_for_metric(r#"tandem_slack_events_total{kind="delivery",outcome="found_sent"} 1"#)
        .await;
    settle(&[&survivor]).await;
    assert_eq!(checkins_by_member(&[&slack]).get("U0ANA"), Some(&1));
    assert_eq!(
        zscore(&survivor, &due_key(&survivor), "checkin:U0ANA").await,
        Some((nine_oclock() + Span::days(7)).timestamp_millis()),
        "recorded as sent: next week's is queued"
    );
    let history = slack.calls("conversations.history");
    assert_eq!(history.len(), 1, "looked once");
    assert_eq!(history[0].body["channel"], "DU0ANA");
}

#[tokio::test]
async fn a_replica_that_stops_cleanly_hands_its_unstarted_jobs_back() {
    let clock = ManualClock::new(monday_morning());
    let leaving = first_replica(&clock, 100).await;
    let people = members(60);
    leaving.join_all(&people).await;
    leaving.fake.slow_posts(Duration::from_millis(20));
    clock.set(nine_oclock());
    wait_until("the first check-ins", || {
        leaving.fake.calls("chat.postMessage").len() >= 5
    })
    .await;
    let fake = leaving.fake.clone();
    let (due, leased) = (due_key(&leaving), leased_key(&leaving));
    let prefix = leaving.prefix.clone();
    leaving.stop().await.expect("a clean stop");

    let client = redis::Client::open(redis_url()).unwrap();
    let mut conn = client.get_multiplexed_async_connection().await.unwrap();
    let held: usize = redis::cmd("ZCARD")
        .arg(&leased)
        .query_async(&mut conn)
        .await
        .unwrap();
    let handed_back: usize = redis::cmd("ZCOUNT")
        .arg(&due)
        .arg("-inf")
        .arg(clock.now().timestamp_millis())
        .query_async(&mut conn)
        .await
        .unwrap();
    let served_before = checkins_by_member(&[&fake]).len();
    println!("served before stopping: {served_before}; handed back: {handed_back}");
    assert_eq!(held, 0, "no lease is left with the stopped replica");
    assert_eq!(
        served_before + handed_back,
        people.len(),
        "the rest of the batch is due again at once"
    );

    let successor = spawn(Spawn {
        prefix: Some(prefix),
        clock: Some(clock.clone()),
        batch: Some(100),
        ..Spawn::default()
    })
    .await;
    // Nobody waits for a lease: the successor serves the rest at once.
    wait_until("everyone served", || {
        checkins_by_member(&[&fake, &successor.fake]).len() == people.len()
    })
    .await;
    settle(&[&successor]).await;
    let counts = checkins_by_member(&[&fake, &successor.fake]);
    assert!(counts.values().all(|&n| n == 1), "{counts:?}");
}

/// Submits the profile modal for `user`, which reads their Slack time zone.
async fn save_profile(app: &TestApp, user: &str) {
    let opt =
        |v: &str| serde_json::json!({ "text": { "type": "plain_text", "text": v }, "value": v });
    let values = serde_json::json!({
        "offers": { "offers": { "type": "multi_static_select", "selected_options": [opt("sql")] } },
        "wants": { "wants": { "type": "multi_static_select", "selected_options": [opt("rust")] } },
        "level": { "level": { "type": "static_select", "selected_option": opt("3") } },
        "format": { "format": { "type": "radio_buttons", "selected_option": opt("either") } },
        "cadence": { "cadence": { "type": "static_select", "selected_option": opt("weekly") } }
    });
    let answer = app.submit_view(user, "profile", "", values).await;
    assert_eq!(answer.status(), 200);
    assert_eq!(answer.text().await.unwrap(), "", "saved");
}

#[tokio::test]
async fn nine_new_york_time_stays_nine_across_both_dst_changes() {
    // Friday 6 March 2026; US clocks go forward on Sunday 8 March and back
    // on Sunday 1 November.
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 3, 6, 12, 0, 0).unwrap());
    let app = first_replica(&clock, 5).await;
    app.fake.set_timezone("U0ANA", "America/New_York");
    app.say("U0ANA", "join").await;
    save_profile(&app, "U0ANA").await;
    let due = || async { zscore(&app, &due_key(&app), "checkin:U0ANA").await };
    // Monday 9 March, 09:00 EDT (UTC-4).
    let first = Utc.with_ymd_and_hms(2026, 3, 9, 13, 0, 0).unwrap();
    assert_eq!(due().await, Some(first.timestamp_millis()));

    clock.set(first);
    wait_until("the March check-in", || {
        checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&1)
    })
    .await;
    let next = Utc.with_ymd_and_hms(2026, 3, 16, 13, 0, 0).unwrap();
    wait_until_due(&app, "checkin:U0ANA", next).await;

    // Late October: the queued run fires (late), and the one after lands on
    // Monday 2 November, 09:00 EST (UTC-5).
    clock.set(Utc.with_ymd_and_hms(2026, 10, 30, 12, 0, 0).unwrap());
    wait_until("the late check-in", || {
        checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&2)
    })
    .await;
    let november = Utc.with_ymd_and_hms(2026, 11, 2, 14, 0, 0).unwrap();
    wait_until_due(&app, "checkin:U0ANA", november).await;
}

#[tokio::test]
async fn an_unknown_time_zone_falls_back_to_the_program_default() {
    let logs = captured_logs();
    let clock = ManualClock::new(monday_morning());
    let app = first_replica(&clock, 5).await;
    app.fake.set_timezone("U0BEN", "Mars/Olympus_Mons");
    app.say("U0BEN", "join").await;
    save_profile(&app, "U0BEN").await;
    // program.default_timezone is UTC in the default config.
    assert_eq!(
        zscore(&app, &due_key(&app), "checkin:U0BEN").await,
        Some(nine_oclock().timestamp_millis())
    );
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        text.lines().any(|l| l.contains("member time zone unknown")
            && l.contains("reason=\"unrecognised\"")
            && l.contains("zone=UTC")),
        "the fallback is logged: {text}"
    );
}

/// Waits until `job` is queued for some time in `from..=to`; that time.
pub(crate) async fn wait_until_due_within(
    app: &TestApp,
    job: &str,
    from: DateTime<Utc>,
    to: DateTime<Utc>,
) -> DateTime<Utc> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if let Some(ms) = zscore(app, &due_key(app), job).await {
            if (from.timestamp_millis()..=to.timestamp_millis()).contains(&ms) {
                return DateTime::from_timestamp_millis(ms).unwrap();
            }
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{job} not queued between {from} and {to}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

async fn wait_until_due(app: &TestApp, job: &str, at: DateTime<Utc>) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(20);
    loop {
        if zscore(app, &due_key(app), job).await == Some(at.timestamp_millis()) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{job} not queued for {at}"
        );
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

#[tokio::test]
async fn rate_limits_delay_check_ins_but_lose_none() {
    let clock = ManualClock::new(monday_morning());
    let app = first_replica(&clock, 5).await;
    let people = members(12);
    app.join_all(&people).await;
    for _ in 0..3 {
        app.fake.script(
            "chat.postMessage",
            Scripted::RateLimited {
                retry_after_secs: 1,
            },
        );
    }
    clock.set(nine_oclock());
    wait_until("every member served", || {
        checkins_by_member(&[&app.fake]).len() == people.len()
    })
    .await;
    settle(&[&app]).await;
    let counts = checkins_by_member(&[&app.fake]);
    for m in &people {
        assert_eq!(counts.get(m), Some(&1), "{m}");
    }
    let attempts = app.fake.calls("chat.postMessage").len();
    assert_eq!(attempts, people.len() + 3, "three 429s, each retried once");
}

#[tokio::test]
async fn one_members_slack_error_does_not_stop_the_others() {
    let clock = ManualClock::new(monday_morning());
    let app = first_replica(&clock, 5).await;
    let people = members(8);
    app.join_all(&people).await;
    // A deactivated account: Slack refuses for good. A Slack outage for
    // another: worth trying again.
    app.fake.fail_channel("U0M0002", "user_not_found");
    app.fake.fail_channel("U0M0005", "internal_error");
    clock.set(nine_oclock());
    wait_until("the others served", || {
        checkins_by_member(&[&app.fake]).len() == people.len() - 2
    })
    .await;
    settle(&[&app]).await;
    let attempts = |user: &str| {
        app.fake
            .calls("chat.postMessage")
            .iter()
            .filter(|c| c.body["channel"] == user)
            .count()
    };
    assert_eq!(attempts("U0M0002"), 1, "a refusal is not retried");
    assert_eq!(
        zscore(&app, &due_key(&app), "checkin:U0M0002").await,
        Some((nine_oclock() + Span::days(7)).timestamp_millis()),
        "the refused member is asked again next week"
    );
    let retry = zscore(&app, &due_key(&app), "checkin:U0M0005")
        .await
        .expect("queued again");
    let minute = (nine_oclock() + Span::minutes(1)).timestamp_millis();
    assert!(
        (minute..=minute + 12_000).contains(&retry),
        "a Slack outage is retried a minute later (plus up to a fifth)"
    );
    let counts = checkins_by_member(&[&app.fake]);
    assert!(people
        .iter()
        .filter(|m| *m != "U0M0002" && *m != "U0M0005")
        .all(|m| counts.get(m) == Some(&1)));
    let before = attempts("U0M0005");
    clock.set(DateTime::from_timestamp_millis(retry).unwrap());
    wait_until("the retry", || attempts("U0M0005") > before).await;
}

#[tokio::test]
async fn a_half_open_slack_connection_fails_the_call_and_the_check_in_is_retried() {
    let clock = ManualClock::new(monday_morning());
    let app = spawn(Spawn {
        clock: Some(clock.clone()),
        batch: Some(5),
        tweak: Some(|c| c.slack.timeout_ms = 300),
        ..Spawn::default()
    })
    .await;
    let people = members(3);
    app.join_all(&people).await;
    app.settled().await;
    // Slack takes the next message and never answers.
    app.fake.script("chat.postMessage", Scripted::Hang);
    clock.set(nine_oclock());
    wait_until("the others served", || {
        checkins_by_member(&[&app.fake]).len() == people.len() - 1
    })
    .await;
    let hung: Vec<String> = app
        .fake
        .calls("chat.postMessage")
        .iter()
        .filter(|c| c.error.as_deref() == Some("hang"))
        .map(|c| c.body["channel"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(hung.len(), 1, "{hung:?}");
    // The stalled call gave up after the timeout; the job is retried a
    // minute later (plus up to a fifth), not held forever.
    let retry = wait_until_due_within(
        &app,
        &format!("checkin:{}", hung[0]),
        nine_oclock() + Span::seconds(60),
        nine_oclock() + Span::seconds(72),
    )
    .await;
    clock.set(retry);
    wait_until("the retried check-in", || {
        checkins_by_member(&[&app.fake]).len() == people.len()
    })
    .await;
    settle(&[&app]).await;
    let counts = checkins_by_member(&[&app.fake]);
    assert!(
        people.iter().all(|m| counts.get(m) == Some(&1)),
        "{counts:?}"
    );
    // And the replica still stops promptly: nothing waits on the hung call.
    tokio::time::timeout(Duration::from_secs(5), app.stop())
        .await
        .expect("stops within the grace period")
        .expect("a clean stop");
}

#[tokio::test]
async fn a_batch_slower_than_its_lease_keeps_the_running_job_and_gives_up_the_rest() {
    let clock = ManualClock::new(monday_morning());
    let short_lease = |prefix: Option<String>| Spawn {
        prefix,
        clock: Some(clock.clone()),
        batch: Some(5),
        tweak: Some(|c| c.scheduler.lease_secs = 5),
        ..Spawn::default()
    };
    let slow = spawn(short_lease(None)).await;
    let people = members(2);
    slow.join_all(&people).await;
    slow.settled().await;
    // Slack takes seven seconds to accept each message: the first job
    // alone outlives the five-second lease the batch was claimed with.
    slow.fake.slow_posts(Duration::from_secs(7));
    clock.set(nine_oclock());
    wait_until("the slow replica starts its batch", || {
        slow.fake.calls("chat.postMessage").len() == 1
    })
    .await;
    let other = spawn(short_lease(Some(slow.prefix.clone()))).await;
    wait_until("both members served", || {
        checkins_by_member(&[&slow.fake, &other.fake]).len() == 2
    })
    .await;
    slow.wait_for_metric(r#"tandem_slack_events_total{kind="job",outcome="lost"} 1"#)
        .await;
    settle(&[&slow, &other]).await;
    // The running job's lease was renewed, so the other replica never ran
    // it; the job still waiting went to the other replica, and the slow one
    // saw it had lost it and left it alone.
    let counts = checkins_by_member(&[&slow.fake, &other.fake]);
    assert!(
        people.iter().all(|m| counts.get(m) == Some(&1)),
        "{counts:?}"
    );
    assert_eq!(checkins_by_member(&[&slow.fake]).len(), 1);
    assert_eq!(checkins_by_member(&[&other.fake]).len(), 1);
}

#[tokio::test]
async fn a_job_held_by_a_replica_that_died_runs_after_its_lease() {
    let clock = ManualClock::new(nine_oclock());
    let app = first_replica(&clock, 2).await;
    app.say("U0ANA", "join").await;
    // A replica that died claimed the job with a lease ending two seconds
    // from now by Redis's clock (leases are timed by the store).
    let (secs, micros): (i64, i64) = app.redis(&mut redis::cmd("TIME")).await;
    let until = secs * 1000 + micros / 1000 + 2000;
    let owner = format!("{}:{{T0TEST}}:jobs:owner", app.prefix);
    let _: i64 = app
        .redis(redis::cmd("ZREM").arg(due_key(&app)).arg("checkin:U0ANA"))
        .await;
    let _: i64 = app
        .redis(
            redis::cmd("ZADD")
                .arg(leased_key(&app))
                .arg(until)
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
    settle(&[&app]).await;
    assert!(
        checkins_by_member(&[&app.fake]).is_empty(),
        "not before the lease ends"
    );
    // The app's clock stands still: the lease ends by Redis's.
    wait_until("the check-in", || {
        checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&1)
    })
    .await;
}

#[tokio::test]
async fn an_unanswered_check_in_gets_one_gentle_reminder_a_day_later() {
    let clock = ManualClock::new(nine_oclock());
    let app = first_replica(&clock, 2).await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "goal add Learn Rust").await;
    app.say("U0BEN", "join").await;
    app.say("U0ADMIN1", "admin checkins").await;
    assert_eq!(
        zscore(&app, &due_key(&app), "remind:U0ANA:1").await,
        Some((nine_oclock() + Span::hours(24)).timestamp_millis())
    );
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
    // Ben had nothing to answer (no goals, no partner); Ana did not answer.
    clock.advance(Span::hours(23));
    settle(&[&app]).await;
    assert_eq!(reminders(&app, "U0ANA"), 0, "not before 24 hours");
    clock.advance(Span::hours(1));
    wait_until("the reminder", || reminders(&app, "U0ANA") == 1).await;
    settle(&[&app]).await;
    clock.advance(Span::hours(24));
    settle(&[&app]).await;
    assert_eq!(reminders(&app, "U0ANA"), 1, "one reminder, never more");
    assert_eq!(reminders(&app, "U0BEN"), 0, "nothing to remind about");
    assert_eq!(zscore(&app, &due_key(&app), "remind:U0ANA:1").await, None);
}

#[tokio::test]
async fn joining_by_command_learns_the_members_time_zone() {
    let clock = ManualClock::new(monday_morning());
    let app = first_replica(&clock, 2).await;
    app.fake.set_timezone("U0KEN", "Asia/Tokyo");
    app.say("U0KEN", "join").await;
    // Next Monday 09:00 in Tokyo is 00:00 UTC on Monday 7 December.
    assert_eq!(
        zscore(&app, &due_key(&app), "checkin:U0KEN").await,
        Some(
            Utc.with_ymd_and_hms(2026, 12, 7, 0, 0, 0)
                .unwrap()
                .timestamp_millis()
        )
    );
}

#[tokio::test]
async fn an_idle_replica_waits_between_rounds_instead_of_spinning() {
    let clock = ManualClock::new(monday_morning());
    let app = first_replica(&clock, 2).await;
    let start = app.metric("tandem_scheduler_ticks_total").await;
    tokio::time::sleep(Duration::from_secs(1)).await;
    let ticks = app.metric("tandem_scheduler_ticks_total").await - start;
    // tick_ms is 100 in tests: about ten rounds a second; a replica that
    // went again at once with nothing due would make thousands.
    assert!((3.0..=30.0).contains(&ticks), "{ticks} rounds in a second");
}

#[tokio::test]
async fn the_scheduled_round_runs_once_at_its_time_with_two_replicas() {
    let clock = ManualClock::new(monday_morning());
    let first = first_replica(&clock, 2).await;
    first.join_ana_and_ben().await;
    let second = replica(&first, &clock, 2).await;
    // config: rounds on the 1st and 15th at 08:00.
    let round_at = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap();
    wait_until_due(&first, "round", round_at).await;
    clock.set(round_at - Span::seconds(1));
    settle(&[&first, &second]).await;
    let intros = || {
        first.fake.calls("conversations.open").len() + second.fake.calls("conversations.open").len()
    };
    assert_eq!(intros(), 0, "not before its time");

    clock.set(round_at);
    wait_until("the round's intro", || intros() == 1).await;
    settle(&[&first, &second]).await;
    assert_eq!(
        intros(),
        1,
        "one round, one intro, whichever replica ran it"
    );
    wait_until_due(
        &first,
        "round",
        Utc.with_ymd_and_hms(2026, 12, 15, 8, 0, 0).unwrap(),
    )
    .await;
}

#[tokio::test]
async fn a_check_in_retried_after_a_slack_outage_is_the_same_check_in() {
    let clock = ManualClock::new(monday_morning());
    let app = first_replica(&clock, 2).await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "goal add Learn Rust").await;
    // Slack is down at 09:00: the check-in DM fails with a 503.
    app.fake
        .script("chat.postMessage", Scripted::ServerError(503));
    clock.set(nine_oclock());
    let retry_at = wait_until_due_within(
        &app,
        "checkin:U0ANA",
        nine_oclock() + Span::seconds(60),
        nine_oclock() + Span::seconds(72),
    )
    .await;
    let checkin_doc = format!("{}:{{T0TEST}}:user:U0ANA:checkin", app.prefix);
    let first: serde_json::Value =
        serde_json::from_str(&app.redis_get(&checkin_doc).await.unwrap()).unwrap();
    assert_eq!(first["number"], 1);

    assert!(
        checkins_by_member(&[&app.fake]).is_empty(),
        "nothing was delivered during the outage"
    );

    // Slack is back; the retry sends check-in 1 again, not a second one.
    clock.set(retry_at);
    wait_until("the retried check-in", || {
        checkins_by_member(&[&app.fake]).get("U0ANA") == Some(&1)
    })
    .await;
    settle(&[&app]).await;
    let sent: Vec<_> = app
        .fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| !c.refused)
        .collect();
    assert!(
        sent[0].body.to_string().contains("\"value\":\"1:1:"),
        "check-in number 1"
    );
    let stored: serde_json::Value =
        serde_json::from_str(&app.redis_get(&checkin_doc).await.unwrap()).unwrap();
    assert_eq!(
        stored["number"], 1,
        "no check-in was skipped or counted as missed"
    );
    let due: Vec<String> = app
        .redis(redis::cmd("ZRANGE").arg(due_key(&app)).arg(0).arg(-1))
        .await;
    assert!(due.contains(&"remind:U0ANA:1".to_owned()), "{due:?}");
    assert!(
        !due.iter().any(|j| j.starts_with("remind:U0ANA:2")),
        "one reminder, for the one check-in: {due:?}"
    );
}
