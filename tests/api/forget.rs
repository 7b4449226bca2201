//! `/tandem forget`: a confirm button, then every key about the member is
//! gone — proven by scanning Redis — and nobody else's.

use crate::support;

use support::*;

async fn reply(app: &TestApp, id: &str, n: usize) -> serde_json::Value {
    let calls = app.fake.wait_for("response_url", n, WAIT).await;
    calls
        .into_iter()
        .find(|c| c.body["_response_url_id"] == id)
        .unwrap_or_else(|| panic!("no reply to {id}"))
        .body
}

async fn setup(app: &TestApp) {
    let mut n = 0;
    for (user, text) in [
        ("U0ANA", "goal add Ana learns Rust"),
        ("U0ANA", "goal step 1 Ana reads the book"),
        ("U0ANA", "note Ana asks about lifetimes"),
        ("U0BEN", "goal add Ben learns SQL"),
        ("U0BEN", "note Ben shares the query"),
    ] {
        n += 1;
        app.command(user, text, &format!("setup{n}")).await;
        app.fake.wait_for("response_url", n, WAIT).await;
    }
}

#[tokio::test]
async fn forget_asks_first_then_erases_every_key_of_that_member_only() {
    let app = spawn_app().await;
    setup(&app).await;
    assert!(app.redis_keys().await.iter().any(|k| k.contains("U0ANA")));

    app.command("U0ANA", "forget", "ask").await;
    let ask = reply(&app, "ask", 6).await;
    let buttons = &ask["blocks"][1]["elements"];
    assert_eq!(buttons[0]["action_id"], "forget_confirm");
    assert_eq!(buttons[0]["style"], "danger");
    assert_eq!(buttons[0]["confirm"]["title"]["text"], "Erase everything?");
    assert_eq!(buttons[1]["action_id"], "forget_cancel");
    assert!(
        app.redis_keys().await.iter().any(|k| k.contains("U0ANA")),
        "asking erased nothing"
    );

    assert_eq!(
        app.press("U0ANA", "forget_confirm", "done").await.status(),
        200
    );
    let done = reply(&app, "done", 7).await;
    assert_eq!(done["replace_original"], true);
    assert!(done["text"]
        .as_str()
        .unwrap()
        .starts_with("Done. Everything Tandem held about you"));

    let keys = app.redis_keys().await;
    assert!(
        !keys.iter().any(|k| k.contains("U0ANA")),
        "keys left: {keys:?}"
    );
    assert!(
        keys.iter().any(|k| k.contains("U0BEN")),
        "Ben's data must stay: {keys:?}"
    );

    // Ana's Home tab is republished empty; Ben still has his goal.
    let publishes = app.fake.wait_for("views.publish", 6, WAIT).await;
    let last_for_ana = publishes
        .iter()
        .rev()
        .find(|c| c.body["user_id"] == "U0ANA")
        .unwrap();
    assert!(!last_for_ana.body.to_string().contains("Ana learns Rust"));
    app.command("U0BEN", "goals", "ben").await;
    assert!(reply(&app, "ben", 8)
        .await
        .to_string()
        .contains("Ben learns SQL"));
}

#[tokio::test]
async fn cancel_erases_nothing() {
    let app = spawn_app().await;
    setup(&app).await;
    app.settled().await;
    let before = app.redis_snapshot().await;
    app.press("U0ANA", "forget_cancel", "cancel").await;
    let answer = reply(&app, "cancel", 6).await;
    assert_eq!(answer["text"], "Nothing was erased.");
    app.settled().await;
    assert_eq!(
        app.redis_snapshot().await,
        before,
        "every key and value as it was"
    );
}

#[tokio::test]
async fn a_press_acts_only_on_whoever_pressed() {
    let app = spawn_app().await;
    setup(&app).await;
    // Ben presses a copy of Ana's confirm button (its value names Ana):
    // only Ben's data goes.
    app.press("U0BEN", "forget_confirm", "ben-forgets").await;
    reply(&app, "ben-forgets", 6).await;
    let keys = app.redis_keys().await;
    assert!(keys.iter().any(|k| k.contains("U0ANA")), "{keys:?}");
    assert!(!keys.iter().any(|k| k.contains("U0BEN")), "{keys:?}");
}

#[tokio::test]
async fn forget_erases_the_marks_of_check_ins_already_sent() {
    use chrono::{TimeZone, Utc};
    let clock =
        tandem::clock::ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap());
    let app = spawn_at(&clock).await;
    for user in ["U0ANA", "U0BEN"] {
        app.say(user, "join").await;
        app.say(user, "goal add Something of my own").await;
    }
    // Monday 09:00: both check-ins go out, and their sent-marks are kept.
    clock.set(Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap());
    wait_until("both check-ins", || {
        app.fake
            .calls("chat.postMessage")
            .iter()
            .filter(|c| c.body["text"] == "Your Tandem check-in")
            .count()
            == 2
    })
    .await;
    app.scheduler_ticked().await;
    assert_eq!(marks(&app, "U0ANA").await, 1);

    app.say("U0ANA", "forget").await;
    app.press("U0ANA", "forget_confirm", "gone").await;
    app.settled().await;
    app.assert_nothing_mentions(&["U0ANA"]).await;
    assert_eq!(marks(&app, "U0BEN").await, 1, "Ben's mark stays");
}

/// How many sent-marks of scheduled jobs name `user`.
async fn marks(app: &TestApp, user: &str) -> usize {
    app.redis_keys()
        .await
        .into_iter()
        .filter(|k| k.contains(":event:sent.") && k.contains(user) && !k.ends_with(".try"))
        .count()
}

#[tokio::test]
async fn forget_cancels_every_job_about_the_member_reminders_of_old_check_ins_too() {
    let app = spawn_app().await;
    for user in ["U0ANA", "U0BEN"] {
        app.say(user, "join").await;
        app.say(user, "goal add Something").await;
    }
    // Two check-ins in a row: each queues its own reminder.
    for _ in 0..2 {
        app.say("U0ADMIN1", "admin checkins").await;
        app.settled().await;
    }
    let due = format!("{}:{{T0TEST}}:jobs:due", app.prefix);
    let queued = || async {
        app.redis::<Vec<String>>(redis::cmd("ZRANGE").arg(&due).arg(0).arg(-1))
            .await
    };
    let before = queued().await;
    for job in [
        "remind:U0ANA:1",
        "remind:U0ANA:2",
        "checkin:U0ANA",
        "remind:U0BEN:2",
    ] {
        assert!(before.contains(&job.to_owned()), "{job} queued: {before:?}");
    }
    app.say("U0ANA", "forget").await;
    app.press("U0ANA", "forget_confirm", "gone").await;
    app.settled().await;
    let after = queued().await;
    assert!(!after.iter().any(|j| j.contains("U0ANA")), "{after:?}");
    assert!(
        after.contains(&"remind:U0BEN:2".to_owned()),
        "Ben's stay: {after:?}"
    );
}

#[tokio::test]
async fn forget_takes_the_members_words_off_a_partners_shelf_and_check_in() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    app.run_round("U0ADMIN1").await;
    app.say(
        "U0ANA",
        "share https://example.com/rust-book Ana's own words",
    )
    .await;
    app.say(
        "U0BEN",
        "share https://example.com/sql-book Ben's own words",
    )
    .await;
    app.say("U0ADMIN1", "admin checkins").await;
    app.settled().await;
    let ben_shelf = format!("{}:{{T0TEST}}:user:U0BEN:shelf", app.prefix);
    let shelf = app.redis_get(&ben_shelf).await.unwrap();
    assert!(shelf.contains("Ana's own words"), "{shelf}");

    app.say("U0ANA", "forget").await;
    app.press("U0ANA", "forget_confirm", "gone").await;
    app.settled().await;
    app.assert_nothing_mentions(&["U0ANA", "Ana's own words"])
        .await;
    let shelf = app.redis_get(&ben_shelf).await.unwrap();
    assert!(
        shelf.contains("Ben's own words"),
        "Ben keeps his own: {shelf}"
    );
}

#[tokio::test]
async fn a_check_in_still_on_its_way_brings_nothing_back_after_forget() {
    use chrono::{TimeZone, Utc};
    use tandem::clock::ManualClock;
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap());
    let app = spawn_at(&clock).await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "goal add Ana learns Rust").await;
    app.say("U0BEN", "join").await;
    app.settled().await;
    // Slack takes three seconds to accept each check-in: Ana's is on its
    // way when she asks to be forgotten.
    app.fake.slow_posts(std::time::Duration::from_secs(3));
    clock.set(Utc.with_ymd_and_hms(2026, 11, 30, 9, 0, 0).unwrap());
    wait_until("Ana's check-in on its way", || {
        app.fake
            .calls("chat.postMessage")
            .iter()
            .any(|c| c.body["channel"] == "U0ANA")
    })
    .await;
    let before = app.fake.calls("response_url").len();
    app.press("U0ANA", "forget_confirm", "forget-now").await;
    app.fake.wait_for("response_url", before + 1, WAIT).await;
    // The job finishes after the erase: its sent-mark, its reminder and
    // its next run must not bring Ana back.
    app.wait_for_metric(r#"tandem_slack_events_total{kind="job",outcome="ran"} 2"#)
        .await;
    tokio::time::sleep(std::time::Duration::from_secs(4)).await;
    app.scheduler_ticked().await;
    app.settled().await;
    app.assert_nothing_mentions(&["U0ANA"]).await;
}
