//! `/tandem join` opens the profile modal; submitting it saves the profile
//! (time zone from Slack), adds goals, or shows field errors inline.

use crate::support;

use serde_json::{json, Value};
use support::*;

fn submission(user: &str, values: Value) -> String {
    view_submission_form(user, "profile", "", values)
}

fn opt(v: &str) -> Value {
    json!({ "text": { "type": "plain_text", "text": v }, "value": v })
}

fn valid_values() -> Value {
    json!({
        "offers": { "offers": { "type": "multi_static_select", "selected_options": [opt("sql")] } },
        "offers_other": { "offers_other": { "type": "plain_text_input", "value": "Public Speaking, k8s" } },
        "wants": { "wants": { "type": "multi_static_select", "selected_options": [opt("rust")] } },
        "wants_other": { "wants_other": { "type": "plain_text_input", "value": null } },
        "level": { "level": { "type": "static_select", "selected_option": opt("3") } },
        "team": { "team": { "type": "plain_text_input", "value": "Design" } },
        "format": { "format": { "type": "radio_buttons", "selected_option": opt("either") } },
        "cadence": { "cadence": { "type": "static_select", "selected_option": opt("monthly") } },
        "goal_1": { "goal_1": { "type": "plain_text_input", "value": "Give my first talk" } },
        "goal_2": { "goal_2": { "type": "plain_text_input", "value": "" } },
        "goal_3": { "goal_3": { "type": "plain_text_input", "value": null } }
    })
}

#[tokio::test]
async fn join_opens_the_modal_and_submitting_saves_everything() {
    let app = spawn_app().await;
    app.fake.set_timezone("U0ANA", "Europe/Berlin");
    app.command("U0ANA", "join", "j").await;
    let opened = app.fake.wait_for("views.open", 1, WAIT).await;
    assert_eq!(
        opened[0].body["trigger_id"],
        "13345224609.738474920.8088930838d88f008e0"
    );
    let view = &opened[0].body["view"];
    assert_eq!(view["callback_id"], "profile");
    assert_eq!(view["blocks"][1]["block_id"], "offers");
    assert!(
        view["blocks"][1]["element"]["options"]
            .to_string()
            .contains("public speaking"),
        "catalog from skills.toml"
    );
    app.fake.wait_for("response_url", 1, WAIT).await;

    let response = app.interact(&submission("U0ANA", valid_values())).await;
    assert_eq!(response.status(), 200);
    assert_eq!(
        response.text().await.unwrap(),
        "",
        "an empty answer closes the modal"
    );
    let info = app.fake.calls("users.info");
    assert_eq!(info[0].body["user"], "U0ANA");

    app.command("U0ANA", "status", "s").await;
    let calls = app.fake.wait_for("response_url", 2, WAIT).await;
    let status = calls
        .iter()
        .find(|c| c.body["_response_url_id"] == "s")
        .unwrap()
        .body
        .to_string();
    assert!(
        status.contains("*Offers:* sql, public speaking, kubernetes"),
        "{status}"
    );
    assert!(status.contains("*Learning:* rust"), "{status}");
    assert!(
        status.contains("*Level:* 3 · *Team:* Design · *Format:* either · *Cadence:* monthly"),
        "{status}"
    );
    assert!(status.contains("*1.* Give my first talk"), "{status}");
    assert!(status.contains("You're in the program:"), "{status}");

    // Time zone came from users.info and is kept in the profile.
    let raw = app
        .redis_get(&format!("{}:{{T0TEST}}:user:U0ANA:profile", app.prefix))
        .await
        .unwrap();
    assert!(raw.contains("\"timezone\":\"Europe/Berlin\""), "{raw}");
}

#[tokio::test]
async fn invalid_submissions_get_inline_errors_and_change_nothing() {
    let app = spawn_app().await;
    let mut values = valid_values();
    values["offers"]["offers"]["selected_options"] = json!([]);
    values["offers_other"]["offers_other"]["value"] = json!(null);
    values["goal_1"]["goal_1"]["value"] = json!("g".repeat(300));
    let response = app.interact(&submission("U0ANA", values)).await;
    assert_eq!(response.status(), 200);
    let body: Value = response.json().await.unwrap();
    assert_eq!(body["response_action"], "errors");
    assert_eq!(
        body["errors"]["offers"],
        "Pick or type at least one skill you can offer."
    );
    assert_eq!(
        body["errors"]["goal_1"],
        "That is 300 characters; keep goals and steps to 280 so they fit a check-in."
    );
    // Only the scheduler's queue and the encryption canary exist; nothing
    // about the member.
    let keys = app.redis_keys().await;
    assert!(
        keys.iter()
            .all(|k| k.ends_with(":jobs:due") || k.ends_with(":meta:encryption-canary")),
        "nothing was written: {:?}",
        app.redis_keys().await
    );
}

#[tokio::test]
async fn a_form_saved_while_the_member_edits_by_command_keeps_both_changes() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    let profile_key = format!("{}:{{T0TEST}}:user:U0ANA:profile", app.prefix);
    // The form (team left empty: it does not touch the team) races
    // `/tandem profile team: …` and `/tandem pause`, again and again:
    // neither change may be lost to the other. The form is applied to the
    // profile as it is when written, not to a copy read before.
    for n in 0..20 {
        let mut values = valid_values();
        values["team"]["team"]["value"] = json!(null);
        values["level"]["level"]["selected_option"] = opt(["2", "3"][n % 2]);
        values["goal_1"]["goal_1"]["value"] = json!(null);
        let form = submission("U0ANA", values);
        let edit = format!("profile team: Team {n}");
        let (edit_id, pause_id) = (format!("edit{n}"), format!("pause{n}"));
        let (saved, edited, paused) = tokio::join!(
            app.interact(&form),
            app.command("U0ANA", &edit, &edit_id),
            app.command("U0ANA", "pause", &pause_id)
        );
        assert_eq!(saved.status(), 200);
        assert_eq!(edited.status(), 200);
        assert_eq!(paused.status(), 200);
        let replied = |id: &str| {
            app.fake
                .calls("response_url")
                .into_iter()
                .find(|c| c.body["_response_url_id"] == id)
                .map(|c| c.body["text"].as_str().unwrap_or_default().to_owned())
        };
        wait_until("both answered", || {
            replied(&edit_id).is_some() && replied(&pause_id).is_some()
        })
        .await;
        assert!(replied(&edit_id).unwrap().starts_with("Saved"));
        assert!(replied(&pause_id).unwrap().starts_with("Paused"));
        let stored = app.redis_get(&profile_key).await.unwrap();
        assert!(
            stored.contains(&format!("\"Team {n}\"")),
            "round {n}: {stored}"
        );
        assert!(
            stored.contains(&format!("\"level\":{}", ["2", "3"][n % 2])),
            "round {n}: {stored}"
        );
        assert!(stored.contains("paused"), "round {n}: {stored}");
        app.say("U0ANA", "resume").await;
    }
}

#[tokio::test]
async fn the_form_is_answered_without_waiting_for_slack_and_sent_twice_adds_one_goal() {
    let app = spawn(Spawn {
        // A call Slack never answers would hold anything waiting on it
        // for a minute.
        tweak: Some(|c| c.slack.timeout_ms = 60_000),
        ..Spawn::default()
    })
    .await;
    app.say("U0ANA", "join").await;
    app.settled().await;
    app.fake
        .script("users.info", support::fake_slack::Scripted::Hang);
    let form = submission("U0ANA", valid_values());
    let answered = tokio::time::timeout(std::time::Duration::from_secs(5), app.interact(&form))
        .await
        .expect("answered while users.info hangs");
    assert_eq!(answered.status(), 200);
    assert_eq!(answered.text().await.unwrap(), "");
    // Slack, having waited too long for an answer, sends the form again.
    let again = app.interact(&form).await;
    assert_eq!(again.status(), 200);
    let goals = app
        .redis_get(&format!("{}:{{T0TEST}}:user:U0ANA:goals", app.prefix))
        .await
        .unwrap();
    assert_eq!(
        goals.matches("Give my first talk").count(),
        1,
        "one goal: {goals}"
    );
    let profile = app
        .redis_get(&format!("{}:{{T0TEST}}:user:U0ANA:profile", app.prefix))
        .await
        .unwrap();
    assert!(profile.contains("\"Design\""), "saved: {profile}");
}
