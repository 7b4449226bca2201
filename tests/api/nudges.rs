//! Nudges and follow-ups, end to end against real Redis and the fake Slack:
//! a stalled goal gets a "smaller next step" nudge whose button opens the
//! step modal; a pair that does not meet is nudged, then offered a re-pair;
//! a dated pause ends with a welcome-back DM; a note on a check-in answer
//! is saved from its modal and shown on the check-in.

use crate::support;

use chrono::{Duration as Span, TimeZone, Utc};
use serde_json::{json, Value};
use support::fake_slack::Scripted;
use support::*;
use tandem::clock::{Clock, ManualClock};

const ADMIN: &str = "U0ADMIN1";

fn dms_to(app: &TestApp, user: &str) -> Vec<Value> {
    app.fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["channel"] == user)
        .map(|c| c.body)
        .collect()
}

/// Presses a button whose answer is a modal (no message reply).
async fn press_for_modal(
    app: &TestApp,
    user: &str,
    action: &str,
    value: &str,
    reply: &str,
) -> Value {
    let before = app.fake.calls("views.open").len();
    let form = block_action_form_with_value(user, action, value, &app.fake.response_url(reply));
    let status = app.interact(&form).await.status();
    assert_eq!(status, 200);
    let opened = app.fake.wait_for("views.open", before + 1, WAIT).await;
    let view = &opened.last().unwrap().body["view"];
    match view {
        Value::String(s) => serde_json::from_str(s).unwrap(),
        v => v.clone(),
    }
}

async fn submit(
    app: &TestApp,
    user: &str,
    callback: &str,
    metadata: &str,
    text: &str,
) -> reqwest::Response {
    let values = json!({ "text": { "text": { "type": "plain_text_input", "value": text } } });
    app.submit_view(user, callback, metadata, values).await
}

async fn pair_ana_and_ben(app: &TestApp) {
    app.join_ana_and_ben().await;
    app.run_round(ADMIN).await;
}

#[tokio::test]
async fn a_goal_stalled_for_three_check_ins_gets_a_smaller_step_nudge() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "goal add Give a conference talk").await;
    let nudges = |app: &TestApp| {
        dms_to(app, "U0ANA")
            .into_iter()
            .filter(|b| b["text"] == "Goal 1 could use a smaller next step")
            .collect::<Vec<_>>()
    };
    // Check-in 1 asks; 2, 3 and 4 each follow one without progress.
    for round in 1..=4 {
        app.say(ADMIN, "admin checkins").await;
        app.fake.wait_for("chat.postMessage", round, WAIT).await;
        if round < 4 {
            assert!(nudges(&app).is_empty(), "no nudge after {round} check-ins");
        }
    }
    // (Three check-ins without any answer also bring "still in?".)
    let nudge = app
        .fake
        .wait_for("chat.postMessage", 6, WAIT)
        .await
        .into_iter()
        .map(|c| c.body)
        .find(|b| b["text"] == "Goal 1 could use a smaller next step")
        .expect("the stale-goal nudge");
    let shown = nudge.to_string();
    assert!(shown.contains("hasn't moved in 3 check-ins"), "{shown}");
    assert!(shown.contains("\"action_id\":\"add_step\""), "{shown}");

    let view = press_for_modal(&app, "U0ANA", "add_step", "1", "n1").await;
    assert_eq!(view["callback_id"], "add_step");
    assert_eq!(view["private_metadata"], "1");
    assert_eq!(
        submit(
            &app,
            "U0ANA",
            "add_step",
            "1",
            "Draft a 5-minute lightning talk"
        )
        .await
        .status(),
        200
    );
    let goals = app.say("U0ANA", "goals").await.to_string();
    assert!(goals.contains("Draft a 5-minute lightning talk"), "{goals}");

    // A press always acts on the presser's own goals: Ben has no goal 1.
    let refused = app.press_with_value("U0BEN", "add_step", "1", "n3").await;
    assert!(refused["text"]
        .as_str()
        .unwrap()
        .starts_with("Goal 1 is no longer active"));
}

#[tokio::test]
async fn a_pair_that_never_meets_is_nudged_then_offered_a_new_partner() {
    let app = spawn_app().await;
    pair_ana_and_ben(&app).await;
    let texts = |user: &str| -> Vec<String> {
        dms_to(&app, user)
            .into_iter()
            .map(|b| b["text"].as_str().unwrap_or("").to_owned())
            .collect()
    };
    // fizzle_rounds = 2: check-in 3 follows two without meeting.
    for n in 1..=3 {
        app.say(ADMIN, "admin checkins").await;
        let expected = n * 2;
        app.fake
            .wait_for("chat.postMessage", 1 + expected, WAIT)
            .await;
    }
    let all = app.fake.wait_for("chat.postMessage", 9, WAIT).await;
    for user in ["U0ANA", "U0BEN"] {
        assert!(
            texts(user).contains(&"Time to find a slot with your partner".to_owned()),
            "{user}: {:?}",
            texts(user)
        );
    }
    let before = all.len();
    app.say(ADMIN, "admin checkins").await;
    app.fake
        .wait_for("chat.postMessage", before + 4, WAIT)
        .await;
    let offer = dms_to(&app, "U0ANA")
        .into_iter()
        .find(|b| b["text"] == "Want a new partner next round?")
        .expect("a re-pair offer after the nudge");
    let shown = offer.to_string();
    assert!(shown.contains("\"action_id\":\"repair\""), "{shown}");
    assert!(shown.contains("\"value\":\"1\""), "{shown}");

    let accepted = app.press_with_value("U0ANA", "repair", "1", "r1").await;
    assert!(accepted["text"]
        .as_str()
        .unwrap()
        .starts_with("Done — you'll be matched first"));
    let kept = app
        .press_with_value("U0BEN", "keep_partner", "1", "r2")
        .await;
    assert!(kept["text"].as_str().unwrap().starts_with("Keep going"));
    let stale = app.press_with_value("U0ANA", "repair", "0", "r3").await;
    assert!(stale["text"]
        .as_str()
        .unwrap()
        .starts_with("A new round has started"));
}

#[tokio::test]
async fn a_dated_pause_ends_with_a_welcome_back_the_morning_after() {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap());
    let app = spawn_at(&clock).await;
    app.say("U0ANA", "join").await;
    let paused = app.say("U0ANA", "pause until 2026-12-05").await;
    assert!(paused["text"]
        .as_str()
        .unwrap()
        .starts_with("Paused until Sat 5 Dec 2026"));
    let due: Option<i64> = app
        .redis(
            redis::cmd("ZSCORE")
                .arg(format!("{}:{{T0TEST}}:jobs:due", app.prefix))
                .arg("resume:U0ANA"),
        )
        .await;
    let end = Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap();
    let status = app.say("U0ANA", "status").await.to_string();
    assert!(status.contains("Paused until"), "{status}");
    assert_eq!(due, Some(end.timestamp_millis()), "09:00 the day after");

    let welcomed = |app: &TestApp| {
        dms_to(app, "U0ANA")
            .iter()
            .filter(|b| b["text"] == "Welcome back to Tandem")
            .count()
    };
    clock.set(end);
    wait_until("the welcome back", || welcomed(&app) > 0).await;
    let status = app.say("U0ANA", "status").await.to_string();
    assert!(!status.contains("Paused"), "{status}");
    clock.advance(Span::days(1));
    app.scheduler_ticked().await;
    assert_eq!(welcomed(&app), 1, "welcomed once");
}

#[tokio::test]
async fn a_welcome_back_that_slack_failed_is_sent_on_the_retry() {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap());
    let app = spawn_at(&clock).await;
    app.say("U0ANA", "join").await;
    app.say("U0ANA", "pause until 2026-12-05").await;
    app.settled().await;
    let welcomed = |app: &TestApp| {
        app.fake
            .calls("chat.postMessage")
            .iter()
            .filter(|c| !c.refused && c.body["text"] == "Welcome back to Tandem")
            .count()
    };
    // Slack is down when the pause ends: the member is active again, but
    // the welcome back is still owed.
    app.fake
        .script("chat.postMessage", Scripted::ServerError(503));
    let end = Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap();
    clock.set(end);
    app.wait_for_metric(r#"tandem_slack_events_total{kind="job",outcome="retry"} 1"#)
        .await;
    assert_eq!(welcomed(&app), 0);
    let status = app.say("U0ANA", "status").await.to_string();
    assert!(!status.contains("Paused"), "{status}");
    clock.advance(Span::minutes(2));
    wait_until("the welcome back on the retry", || welcomed(&app) == 1).await;
    clock.advance(Span::days(1));
    app.scheduler_ticked().await;
    assert_eq!(welcomed(&app), 1, "welcomed once");
}

#[tokio::test]
async fn resuming_early_means_no_welcome_back_later() {
    let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap());
    let app = spawn_at(&clock).await;
    let welcomed = |user: &str| {
        dms_to(&app, user)
            .iter()
            .any(|b| b["text"] == "Welcome back to Tandem")
    };
    // Ben pauses for the same days and does not resume: the control.
    for user in ["U0ANA", "U0BEN"] {
        app.say(user, "join").await;
        app.say(user, "pause until 2026-12-05").await;
    }
    app.say("U0ANA", "resume").await;
    clock.set(Utc.with_ymd_and_hms(2026, 12, 6, 9, 0, 0).unwrap());
    wait_until("Ben's welcome back", || welcomed("U0BEN")).await;
    // A whole scheduler round after the pause ended: Ana's job, due at the
    // same moment as Ben's, would have run by now.
    app.scheduler_ticked().await;
    assert!(!welcomed("U0ANA"), "Ana resumed early: no welcome back");
}

#[tokio::test]
async fn a_note_on_a_check_in_answer_is_saved_and_shown_on_the_check_in() {
    let app = spawn_app().await;
    pair_ana_and_ben(&app).await;
    app.say("U0ANA", "goal add Learn Rust lifetimes").await;
    app.say(ADMIN, "admin checkins").await;
    let posts = app.fake.wait_for("chat.postMessage", 3, WAIT).await;
    let checkin = posts
        .iter()
        .find(|c| c.body["channel"] == "U0ANA" && c.body["text"] == "Your Tandem check-in")
        .unwrap()
        .body
        .to_string();
    assert!(checkin.contains("\"value\":\"1:1:note\""), "{checkin}");
    assert!(checkin.contains("✎ Add a note"), "{checkin}");

    let view = press_for_modal(&app, "U0ANA", "checkin_note", "1:1:note", "c1").await;
    assert_eq!(view["callback_id"], "checkin_note");
    let metadata = view["private_metadata"].as_str().unwrap().to_owned();
    assert!(metadata.starts_with("1:1:http"), "{metadata}");

    let before = app.fake.calls("response_url").len();
    let saved = submit(
        &app,
        "U0ANA",
        "checkin_note",
        &metadata,
        "Stuck on 'static bounds",
    )
    .await;
    assert_eq!(saved.status(), 200);
    assert_eq!(saved.text().await.unwrap(), "", "the modal closes");
    let replies = app.fake.wait_for("response_url", before + 1, WAIT).await;
    let redrawn = replies.last().unwrap();
    assert_eq!(redrawn.body["_response_url_id"], "c1");
    assert_eq!(redrawn.body["replace_original"], true);
    let shown = redrawn.body.to_string();
    assert!(shown.contains("Stuck on 'static bounds"), "{shown}");
    assert!(shown.contains("✎ Edit note"), "{shown}");

    // Ben's summary never carries Ana's note.
    app.press_with_value("U0ANA", "checkin_goal", "1:1:stuck", "c2")
        .await;
    app.press_with_value("U0ANA", "checkin_met", "1:0:met", "c3")
        .await;
    app.press_with_value("U0BEN", "checkin_met", "1:0:met", "c4")
        .await;
    let all = app.fake.wait_for("chat.postMessage", 5, WAIT).await;
    for call in all.iter().filter(|c| c.body["channel"] == "U0BEN") {
        assert!(!call.body.to_string().contains("static bounds"));
    }

    // A note for a closed check-in is refused inside the modal.
    let refused = submit(&app, "U0ANA", "checkin_note", "0:1", "late").await;
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["response_action"], "errors");
    assert!(body["errors"]["text"]
        .as_str()
        .unwrap()
        .starts_with("This check-in has closed"));
}

#[tokio::test]
async fn a_pause_end_job_that_fires_early_leaves_the_pause_alone() {
    // Early, and on the pause's last day ("until" includes the day).
    for fires in [
        Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap(),
        Utc.with_ymd_and_hms(2026, 12, 5, 12, 0, 0).unwrap(),
    ] {
        let clock = ManualClock::new(Utc.with_ymd_and_hms(2026, 11, 30, 12, 0, 0).unwrap());
        let app = spawn_at(&clock).await;
        app.say("U0ANA", "join").await;
        app.say("U0ANA", "pause until 2026-12-05").await;
        // The job comes due before the pause is over (a requeue, a clock
        // fixed on one replica): it must not end the pause.
        clock.set(fires);
        let due = format!("{}:{{T0TEST}}:jobs:due", app.prefix);
        let now = clock.now().timestamp_millis();
        let _: () = app
            .redis(redis::cmd("ZADD").arg(&due).arg(now).arg("resume:U0ANA"))
            .await;
        app.scheduler_ticked().await;
        let score: Option<i64> = app
            .redis(redis::cmd("ZSCORE").arg(&due).arg("resume:U0ANA"))
            .await;
        assert_ne!(score, Some(now), "the early job ran");
        assert!(dms_to(&app, "U0ANA")
            .iter()
            .all(|b| b["text"] != "Welcome back to Tandem"));
        let status = app.say("U0ANA", "status").await.to_string();
        assert!(status.contains("Paused until"), "{fires}: {status}");
    }
}
