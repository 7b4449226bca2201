//! Joining, the text profile, status, pause/resume and leave, end to end.

use crate::support;

use serde_json::Value;
use support::*;

/// Sends a command and returns the reply body.
async fn say(app: &TestApp, user: &str, text: &str) -> Value {
    app.say(user, text).await
}

#[tokio::test]
async fn join_then_fill_the_profile_by_text() {
    let app = spawn_app().await;
    let joined = say(&app, "U0ANA", "join").await;
    assert_eq!(
        block_texts(&joined)[0],
        "Welcome to Tandem! You're in the program. To be paired, tell me what you can offer (`offer: …`), \
         what you want to learn (`learn: …`) and your level from 1 to 10 (`level: …`): e.g. \
         `/tandem profile offer: sql, public speaking; learn: rust; level: 3; team: Design`."
    );
    let saved = say(
        &app,
        "U0ANA",
        "profile offer: SQL, Public  Speaking; learn: rustlang; level: 3; team: Design; format: circle; cadence: weekly",
    )
    .await;
    assert_eq!(
        block_texts(&saved),
        [
            "Saved.",
            "*Offers:* sql, public speaking\n*Learning:* rust\n*Level:* 3 · *Team:* Design · *Format:* circle · *Cadence:* weekly"
        ]
    );
    // Partial updates keep the rest.
    let saved = say(&app, "U0ANA", "profile level: 4").await;
    assert!(block_texts(&saved)[1].contains("*Level:* 4 · *Team:* Design"));
    let shown = say(&app, "U0ANA", "profile").await;
    assert!(block_texts(&shown)[0].starts_with("Your profile. Change any part with"));

    let refused = say(&app, "U0ANA", "profile colour: blue").await;
    assert!(block_texts(&refused)[0].starts_with("I don't know the field `colour`."));
    let refused = say(&app, "U0ANA", "profile learn: ").await;
    assert_eq!(
        block_texts(&refused)[0],
        "`learn` needs a value, e.g. `learn: …`."
    );
}

#[tokio::test]
async fn status_pause_resume_and_leave() {
    let app = spawn_app().await;
    assert_eq!(
        block_texts(&say(&app, "U0ANA", "pause 2w").await)[0],
        "You haven't joined yet, so there is nothing to pause."
    );
    say(&app, "U0ANA", "join").await;
    say(&app, "U0ANA", "goal add Learn Rust").await;
    let status = block_texts(&say(&app, "U0ANA", "status").await);
    assert_eq!(
        status[0],
        "You're in the program: you'll be paired in the next round."
    );
    assert!(
        status.contains(&"*Goals* (1 active)".to_owned()),
        "{status:?}"
    );
    assert!(status.contains(&"*1.* Learn Rust".to_owned()), "{status:?}");

    let paused = block_texts(&say(&app, "U0ANA", "pause until 2099-01-10").await);
    assert_eq!(
        paused[0],
        "Pauses last at most a year; you can always pause again."
    );
    let paused = block_texts(&say(&app, "U0ANA", "pause").await);
    assert_eq!(
        paused[0],
        "Paused — you won't be paired or prompted until you `/tandem resume`."
    );
    assert_eq!(
        block_texts(&say(&app, "U0ANA", "status").await)[0],
        "Paused until you `/tandem resume`."
    );
    assert_eq!(
        block_texts(&say(&app, "U0ANA", "pause soon").await)[0],
        "Pause for a while with `/tandem pause 2w` (days `d`, weeks `w`) or until a date with `/tandem pause until 2027-01-10`."
    );
    assert_eq!(
        block_texts(&say(&app, "U0ANA", "resume").await)[0],
        "Welcome back! You'll be in the next round."
    );

    // Leave asks first; the press leaves, keeping goals.
    let ask = say(&app, "U0ANA", "leave").await;
    assert_eq!(
        ask["blocks"][1]["elements"][0]["action_id"],
        "leave_confirm"
    );
    app.press("U0ANA", "leave_confirm", "left").await;
    let left = app.fake.wait_for("response_url", 11, WAIT).await;
    let left = &left
        .iter()
        .find(|c| c.body["_response_url_id"] == "left")
        .unwrap()
        .body;
    assert_eq!(left["replace_original"], true);
    assert!(left["text"]
        .as_str()
        .unwrap()
        .starts_with("You've left the program"));
    let status = block_texts(&say(&app, "U0ANA", "status").await);
    assert_eq!(
        status[0],
        "You haven't joined the program yet — `/tandem join` when you're ready."
    );
    assert!(status.contains(&"*1.* Learn Rust".to_owned()));
}

#[tokio::test]
async fn the_home_tab_shows_membership_and_profile() {
    let app = spawn_app().await;
    say(&app, "U0ANA", "join").await;
    say(&app, "U0ANA", "profile offer: sql; learn: rust; level: 3").await;
    let publishes = app.fake.wait_for("views.publish", 2, WAIT).await;
    let home = publishes[1].body["view"]["blocks"].to_string();
    assert!(home.contains("You're in the program:"), "{home}");
    assert!(home.contains("*Offers:* sql"), "{home}");
}

#[tokio::test]
async fn a_pause_of_any_size_gets_an_answer() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    for text in [
        "pause 4611686018427387904w",
        "pause 99999999999999999999999d",
    ] {
        let reply = app.say("U0ANA", text).await;
        assert_eq!(
            reply["text"], "Pauses last at most a year; you can always pause again.",
            "{text}"
        );
    }
    let status = app.say("U0ANA", "status").await.to_string();
    assert!(!status.contains("Paused"), "nothing changed: {status}");
}
