//! The Home tab's buttons and the program channel's welcome DM.

use crate::support;

use serde_json::{json, Value};
use support::*;

fn goal_submission(user: &str, goal: &str) -> String {
    view_submission_form(
        user,
        "add_goal",
        "",
        json!({ "goal": { "goal": { "type": "plain_text_input", "value": goal } } }),
    )
}

fn action_ids(view: &Value) -> Vec<String> {
    view["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["type"] == "actions")
        .flat_map(|b| {
            b["elements"]
                .as_array()
                .unwrap()
                .iter()
                .map(|e| e["action_id"].as_str().unwrap().to_owned())
        })
        .collect()
}

#[tokio::test]
async fn home_buttons_add_a_goal_pause_and_resume() {
    let app = spawn_app().await;
    let opened = event_callback(
        "EvH1",
        json!({ "type": "app_home_opened", "user": "U0ANA", "channel": "D1", "tab": "home", "event_ts": "1.1" }),
    );
    app.event(&opened).await;
    let home = app.fake.wait_for("views.publish", 1, WAIT).await;
    assert_eq!(
        action_ids(&home[0].body["view"]),
        ["join_program", "open_goal"]
    );

    // Add a goal through the modal.
    app.press_on_home("U0ANA", "open_goal").await;
    let modal = app.fake.wait_for("views.open", 1, WAIT).await;
    assert_eq!(modal[0].body["view"]["callback_id"], "add_goal");
    assert_eq!(modal[0].body["trigger_id"], "1.2.3");
    let form = goal_submission("U0ANA", "Run a retro");
    let response = app.interact(&form).await;
    assert_eq!(response.text().await.unwrap(), "");
    let home = app.fake.wait_for("views.publish", 2, WAIT).await;
    assert!(home[1].body["view"]
        .to_string()
        .contains("*1.* Run a retro"));

    // An empty goal is refused inline.
    let form = goal_submission("U0ANA", " ");
    let body: Value = app.interact(&form).await.json().await.unwrap();
    assert_eq!(body["response_action"], "errors");
    assert!(body["errors"]["goal"]
        .as_str()
        .unwrap()
        .starts_with("A goal needs some words"));

    // Join from Home, then pause and resume from Home.
    app.press_on_home("U0ANA", "join_program").await;
    let home = app.fake.wait_for("views.publish", 3, WAIT).await;
    assert_eq!(
        action_ids(&home[2].body["view"]),
        ["open_profile", "open_goal", "pause_2w"]
    );
    app.press_on_home("U0ANA", "pause_2w").await;
    let home = app.fake.wait_for("views.publish", 4, WAIT).await;
    assert_eq!(
        action_ids(&home[3].body["view"]),
        ["open_profile", "open_goal", "resume"]
    );
    assert!(home[3].body["view"].to_string().contains("Paused until"));
    app.press_on_home("U0ANA", "resume").await;
    let home = app.fake.wait_for("views.publish", 5, WAIT).await;
    assert_eq!(
        action_ids(&home[4].body["view"]),
        ["open_profile", "open_goal", "pause_2w"]
    );
    // Slack gives a Home press no response URL, so the one other place an
    // answer could go is a DM: none was sent, once everything was done.
    app.settled().await;
    assert!(
        app.fake.calls("chat.postMessage").is_empty() && app.fake.calls("response_url").is_empty(),
        "Home presses answer on the Home tab, not in a DM"
    );
}

#[tokio::test]
async fn joining_the_program_channel_brings_one_welcome_dm_with_a_join_button() {
    let app = spawn(Spawn {
        program_channel: Some("C0PROGRAM".into()),
        ..Spawn::default()
    })
    .await;
    let joined = |id: &str, channel: &str| {
        event_callback(
            id,
            json!({ "type": "member_joined_channel", "user": "U0NEW", "channel": channel, "channel_type": "C", "team": "T0TEST" }),
        )
    };
    app.event(&joined("EvJ1", "C0OTHER")).await;
    app.event(&joined("EvJ2", "C0PROGRAM")).await;
    app.event(&joined("EvJ2", "C0PROGRAM")).await; // Slack's retry
    let dms = app.fake.wait_for("chat.postMessage", 1, WAIT).await;
    app.settled().await;
    assert_eq!(app.fake.calls("chat.postMessage").len(), 1);
    assert_eq!(dms[0].body["channel"], "U0NEW");
    assert_eq!(
        dms[0].body["blocks"][1]["elements"][0]["action_id"],
        "join_program"
    );

    // Pressing Join in the DM joins, opens the profile modal and answers in place.
    app.press("U0NEW", "join_program", "dm").await;
    app.fake.wait_for("views.open", 1, WAIT).await;
    let answer = app.fake.wait_for("response_url", 1, WAIT).await;
    assert_eq!(answer[0].body["replace_original"], true);
    assert!(answer[0]
        .body
        .to_string()
        .contains("Welcome to Tandem! You're in the program."));

    // Someone already in gets no second welcome.
    app.event(&joined("EvJ3", "C0PROGRAM")).await;
    app.settled().await;
    assert_eq!(app.fake.calls("chat.postMessage").len(), 1);
}
