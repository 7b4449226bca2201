//! HTTP mode end to end: signed requests in, recorded Slack calls out.

use crate::support;

use serde_json::json;
use std::time::Duration;
use support::fake_slack::Scripted;
use support::*;

const FORM: &str = "application/x-www-form-urlencoded";

#[tokio::test]
async fn help_is_acknowledged_then_answered_ephemerally() {
    let app = spawn_app().await;
    let response = app.command("U0ANA", "help", "help-1").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "", "ack carries no body");

    let calls = app.fake.wait_for("response_url", 1, WAIT).await;
    let body = &calls[0].body;
    assert_eq!(body["_response_url_id"], "help-1");
    assert!(
        body.get("response_type").is_none() || body["response_type"] == "ephemeral",
        "replies are ephemeral: {body}"
    );
    let blocks = body["blocks"].as_array().expect("blocks");
    assert_eq!(
        blocks[0]["text"]["text"],
        "Tandem — peer mentoring in Slack"
    );
    let ready = blocks[2]["text"]["text"].as_str().unwrap();
    assert!(
        ready.starts_with("*Ready now*\n• `/tandem help` — this list"),
        "{ready}"
    );
    for command in [
        "join",
        "profile",
        "status",
        "goal add",
        "goals",
        "note <text>",
        "notes",
        "pause",
        "resume",
        "leave",
        "forget",
        "share",
        "admin round",
        "admin checkins",
        "admin circles",
        "admin circle #channel",
        "admin stats",
        "admin export",
        "admin pause",
        "admin resume",
        "admin remove",
        "admin log",
        "admin org",
        "avoid",
        "checkin",
    ] {
        assert!(
            ready.contains(&format!("`/tandem {command}")),
            "help lacks {command}: {ready}"
        );
    }
    assert!(
        !blocks.iter().any(|b| b.to_string().contains("Coming soon")),
        "every listed command works"
    );
}

#[tokio::test]
async fn empty_command_shows_help() {
    let app = spawn_app().await;
    app.command("U0ANA", "", "r1").await;
    let calls = app.fake.wait_for("response_url", 1, WAIT).await;
    assert_eq!(
        calls[0].body["blocks"][0]["text"]["text"],
        "Tandem — peer mentoring in Slack"
    );
}

#[tokio::test]
async fn unknown_subcommand_gets_a_one_line_hint() {
    let app = spawn_app().await;
    assert_eq!(
        app.command("U0ANA", "frobnicate please", "r1")
            .await
            .status(),
        200
    );
    let calls = app.fake.wait_for("response_url", 1, WAIT).await;
    assert_eq!(
        calls[0].body["text"],
        "I don't know `/tandem frobnicate`. Try `/tandem help` for the list of commands."
    );
}

/// Sends a valid command after `refused` ones and waits for its reply: any
/// effect of the refused ones would have been scheduled before it.
async fn assert_only_valid_reply(app: &TestApp) {
    app.command("U0ANA", "help", "valid").await;
    app.fake.wait_for("response_url", 1, WAIT).await;
    app.settled().await;
    let ids: Vec<_> = app
        .fake
        .calls("response_url")
        .iter()
        .map(|c| c.body["_response_url_id"].clone())
        .collect();
    assert_eq!(ids, vec![json!("valid")], "a refused request had an effect");
}

#[tokio::test]
async fn forged_signature_is_refused_with_401_and_no_effect() {
    let app = spawn_app().await;
    let form = command_form("U0ANA", "help", &app.fake.response_url("forged"));
    let response = app
        .post_signed_at("/slack/commands", FORM, &form, now_ts(), "not-the-secret")
        .await;
    assert_eq!(response.status(), 401);
    assert_only_valid_reply(&app).await;
}

#[tokio::test]
async fn tampered_body_is_refused() {
    let app = spawn_app().await;
    let ts = now_ts();
    let signed = command_form("U0ANA", "help", &app.fake.response_url("tampered"));
    let sent = signed.replace("help", "join");
    let response = app
        .http
        .post(format!("{}/slack/commands", app.address))
        .header("content-type", FORM)
        .header("x-slack-request-timestamp", ts.to_string())
        .header("x-slack-signature", sign(SIGNING_SECRET, ts, &signed))
        .body(sent)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    assert_only_valid_reply(&app).await;
}

#[tokio::test]
async fn stale_timestamp_is_refused_with_401() {
    let app = spawn_app().await;
    let form = command_form("U0ANA", "help", &app.fake.response_url("stale"));
    let six_minutes_ago = now_ts() - 6 * 60;
    let response = app
        .post_signed_at(
            "/slack/commands",
            FORM,
            &form,
            six_minutes_ago,
            SIGNING_SECRET,
        )
        .await;
    assert_eq!(response.status(), 401);
    assert_only_valid_reply(&app).await;
}

#[tokio::test]
async fn missing_signature_is_refused_with_401() {
    let app = spawn_app().await;
    for path in ["/slack/commands", "/slack/interactions", "/slack/events"] {
        let response = app
            .http
            .post(format!("{}{}", app.address, path))
            .header("content-type", FORM)
            .body("text=help")
            .send()
            .await
            .unwrap();
        assert_eq!(response.status(), 401, "{path}");
    }
}

#[tokio::test]
async fn url_verification_echoes_the_challenge() {
    let app = spawn_app().await;
    let body = json!({ "token": "x", "challenge": "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P", "type": "url_verification" });
    let response = app.event(&body).await;
    assert_eq!(response.status(), 200);
    let answer: serde_json::Value = response.json().await.unwrap();
    assert_eq!(
        answer["challenge"],
        "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"
    );
}

fn home_opened(user: &str) -> serde_json::Value {
    json!({ "type": "app_home_opened", "user": user, "channel": "D0HOME", "tab": "home", "event_ts": "1700000000.1" })
}

#[tokio::test]
async fn app_home_opened_publishes_the_home_tab_once_per_event_id() {
    let app = spawn_app().await;
    let first = event_callback("Ev0001", home_opened("U0ANA"));
    // Slack retries the same event id when it thinks we were slow.
    assert_eq!(app.event(&first).await.status(), 200);
    assert_eq!(app.event(&first).await.status(), 200);
    assert_eq!(
        app.event(&event_callback("Ev0002", home_opened("U0BEN")))
            .await
            .status(),
        200
    );

    let calls = app.fake.wait_for("views.publish", 2, WAIT).await;
    app.settled().await;
    let calls_after = app.fake.calls("views.publish");
    assert_eq!(calls_after.len(), 2, "a retried event had a second effect");
    let mut users: Vec<_> = calls
        .iter()
        .map(|c| c.body["user_id"].as_str().unwrap().to_owned())
        .collect();
    users.sort();
    assert_eq!(users, ["U0ANA", "U0BEN"]);
    assert_eq!(calls[0].token.as_deref(), Some(BOT_TOKEN));
    assert_eq!(calls[0].body["view"]["type"], "home");
    assert_eq!(
        calls[0].body["view"]["blocks"][0]["text"]["text"],
        "Welcome to Tandem"
    );
}

#[tokio::test]
async fn events_are_refused_with_503_while_redis_is_down_so_slack_retries() {
    let app = spawn(Spawn {
        store: StoreChoice::ClosedPort,
        ..Spawn::default()
    })
    .await;
    let response = app
        .event(&event_callback("Ev0003", home_opened("U0ANA")))
        .await;
    assert_eq!(response.status(), 503);
    assert!(app.fake.calls("views.publish").is_empty());
}

#[tokio::test]
async fn readyz_reports_redis() {
    let up = spawn_app().await;
    assert_eq!(up.get("/healthz").await.status(), 200);
    assert_eq!(up.get("/readyz").await.status(), 200);

    let down = spawn(Spawn {
        store: StoreChoice::ClosedPort,
        ..Spawn::default()
    })
    .await;
    assert_eq!(
        down.get("/healthz").await.status(),
        200,
        "alive even without Redis"
    );
    let ready = down.get("/readyz").await;
    assert_eq!(ready.status(), 503);
    assert_eq!(
        ready.text().await.unwrap(),
        "not ready: redis store does not answer\n"
    );
}

#[tokio::test]
async fn memory_store_serves_a_trial_without_redis() {
    let app = spawn(Spawn {
        store: StoreChoice::Memory,
        ..Spawn::default()
    })
    .await;
    assert_eq!(app.get("/readyz").await.status(), 200);
    let first = event_callback("Ev0004", home_opened("U0ANA"));
    app.event(&first).await;
    app.event(&first).await;
    app.fake.wait_for("views.publish", 1, WAIT).await;
    app.settled().await;
    assert_eq!(app.fake.calls("views.publish").len(), 1);
}

#[tokio::test]
async fn a_429_on_the_reply_is_retried_after_retry_after_and_arrives_once() {
    let app = spawn_app().await;
    app.fake.script(
        "response_url",
        Scripted::RateLimited {
            retry_after_secs: 1,
        },
    );
    app.command("U0ANA", "help", "limited").await;
    let calls = app.fake.wait_for("response_url", 2, WAIT).await;
    let waited = calls[1].at.duration_since(calls[0].at);
    assert!(
        waited >= Duration::from_millis(950),
        "retried after only {waited:?}"
    );
    app.settled().await;
    assert_eq!(
        app.fake.calls("response_url").len(),
        2,
        "one refused + one delivered"
    );
    assert_eq!(
        calls[1].body["blocks"][0]["text"]["text"],
        "Tandem — peer mentoring in Slack"
    );
}

#[tokio::test]
async fn a_slack_error_on_a_reply_is_logged_and_the_bot_keeps_serving() {
    let app = spawn_app().await;
    app.fake
        .script("response_url", Scripted::Error("expired_url"));
    app.command("U0ANA", "help", "expired").await;
    // The refusal was seen and counted by the task that sent the reply...
    app.wait_for_metric(
        r#"tandem_slack_api_calls_total{method="response_url",result="slack_error"} 1"#,
    )
    .await;
    assert_eq!(
        app.fake.calls("response_url")[0].error.as_deref(),
        Some("expired_url")
    );
    // ...and only then does the next command go in, and its reply arrives.
    let reply = app.say("U0ANA", "help").await;
    assert_eq!(
        reply["blocks"][0]["text"]["text"],
        "Tandem — peer mentoring in Slack"
    );
    app.wait_for_metric(r#"tandem_slack_api_calls_total{method="response_url",result="ok"} 1"#)
        .await;
}

#[tokio::test]
async fn oversized_body_gets_413_and_broken_payloads_get_400() {
    let app = spawn_app().await;
    let huge = format!("text={}", "a".repeat(300 * 1024));
    let response = app.post_signed("/slack/commands", FORM, &huge).await;
    assert_eq!(response.status(), 413);

    let response = app
        .post_signed("/slack/commands", FORM, "team_id=T0TEST&text=help")
        .await;
    assert_eq!(response.status(), 400, "form lacking required fields");

    let response = app
        .post_signed("/slack/events", "application/json", "{not json")
        .await;
    assert_eq!(response.status(), 400);

    let response = app
        .post_signed("/slack/interactions", FORM, "payload=%7Bnope")
        .await;
    assert_eq!(response.status(), 400);

    let bad_team =
        command_form("U0ANA", "help", &app.fake.response_url("x")).replace("T0TEST", "t0%7Bbad");
    let response = app.post_signed("/slack/commands", FORM, &bad_team).await;
    assert_eq!(
        response.status(),
        400,
        "ids that could break a key are refused"
    );
}

#[tokio::test]
async fn interactions_are_acknowledged_at_once_and_carried_out() {
    let app = spawn_app().await;
    // A press Tandem knows: an empty 200 at once, then the work.
    let response = app.press("U0ANA", "open_goal", "press1").await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "", "a bare acknowledgement");
    let opened = app.fake.wait_for("views.open", 1, WAIT).await;
    assert_eq!(opened[0].body["view"]["callback_id"], "add_goal");

    // A payload with no action at all is acknowledged and does nothing.
    let payload = json!({
        "type": "block_actions",
        "team": { "id": "T0TEST", "domain": "acme" },
        "user": { "id": "U0ANA", "team_id": "T0TEST" },
        "api_app_id": "A0TANDEM",
        "token": "x",
        "trigger_id": "1.2.3",
        "container": { "type": "message", "message_ts": "1700000000.000100", "channel_id": "D0FAKE0001", "is_ephemeral": false },
        "actions": []
    });
    let form = serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap();
    let response = app.post_signed("/slack/interactions", FORM, &form).await;
    assert_eq!(response.status(), 200);
    app.settled().await;
    let calls: Vec<String> = app.fake.all_calls().into_iter().map(|c| c.method).collect();
    assert_eq!(
        calls
            .iter()
            .filter(|m| *m != "auth.test")
            .collect::<Vec<_>>(),
        ["views.open", "response_url"],
        "only the real press did anything"
    );
}

#[tokio::test]
async fn metrics_count_requests_and_slack_calls() {
    let app = spawn_app().await;
    app.command("U0ANA", "help", "m1").await;
    app.fake.wait_for("response_url", 1, WAIT).await;
    let form = command_form("U0ANA", "help", &app.fake.response_url("m2"));
    app.post_signed_at("/slack/commands", FORM, &form, now_ts(), "wrong")
        .await;
    for line in [
        r#"tandem_requests_total{route="commands",outcome="ok"} 1"#,
        r#"tandem_requests_total{route="commands",outcome="unauthorized"} 1"#,
        r#"tandem_slack_api_calls_total{method="response_url",result="ok"} 1"#,
        r#"tandem_slack_api_calls_total{method="auth.test",result="ok"} 1"#,
    ] {
        app.wait_for_metric(line).await;
    }
}

#[tokio::test]
async fn shutdown_waits_for_a_reply_in_flight() {
    let app = spawn_app().await;
    app.fake.script(
        "response_url",
        Scripted::RateLimited {
            retry_after_secs: 1,
        },
    );
    assert_eq!(app.command("U0ANA", "help", "late").await.status(), 200);
    // Stop while the reply waits out its Retry-After.
    app.fake.wait_for("response_url", 1, WAIT).await;
    let fake = app.fake.clone();
    app.stop().await.expect("clean shutdown");
    assert_eq!(
        fake.calls("response_url").len(),
        2,
        "the reply was delivered before shutdown finished"
    );
}

#[tokio::test]
async fn a_forged_request_is_logged_by_kind_never_by_its_headers() {
    let logs = captured_logs();
    let app = spawn_app().await;
    let marker = "ATTACKERCHOSEN".repeat(700);
    let form = command_form("U0ANA", "help", &app.fake.response_url("x"));
    let response = app
        .http
        .post(format!("{}/slack/commands", app.address))
        .header("content-type", FORM)
        .header("x-slack-request-timestamp", format!("1{marker}"))
        .header("x-slack-signature", "v0=00")
        .body(form)
        .send()
        .await
        .unwrap();
    assert_eq!(response.status(), 401);
    app.wait_for_metric(r#"tandem_requests_total{route="commands",outcome="unauthorized"} 1"#)
        .await;
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        text.lines()
            .any(|l| l.contains("request with a bad or stale signature refused")),
        "the refusal is logged"
    );
    assert!(
        !text.contains("ATTACKERCHOSEN"),
        "a header reached the logs"
    );
}

#[tokio::test]
async fn a_press_that_cannot_be_saved_is_answered_apart_and_keeps_the_message() {
    let app = spawn(Spawn {
        store: StoreChoice::ClosedPort,
        ..Spawn::default()
    })
    .await;
    let answer = app
        .press_with_value("U0ANA", "join_program", "", "pressed")
        .await;
    assert_eq!(
        answer["text"],
        "Tandem can't reach its storage right now, so nothing was changed. Please try again in a minute."
    );
    assert_ne!(
        answer["replace_original"], true,
        "the pressed message keeps its buttons"
    );
}

#[tokio::test]
async fn an_unknown_admin_verb_shows_the_admin_usage() {
    let app = spawn_app().await;
    let usage = app.say("U0ADMIN1", "admin frobnicate").await;
    assert!(
        usage["text"]
            .as_str()
            .unwrap()
            .starts_with("Usage: `/tandem admin round [preview]`"),
        "{usage}"
    );
}
