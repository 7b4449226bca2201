//! Goals and follow-up notes end to end: signed `/tandem` commands in, the
//! exact replies and Home tab updates out, data in real Redis.

use crate::support;

use serde_json::Value;
use support::*;

/// Sends a command and returns the reply's text blocks joined by newlines.
async fn say(app: &TestApp, user: &str, text: &str) -> String {
    let id = format!("r{}", app.fake.calls("response_url").len() + 1);
    let before = app.fake.calls("response_url").len();
    assert_eq!(app.command(user, text, &id).await.status(), 200);
    let calls = app.fake.wait_for("response_url", before + 1, WAIT).await;
    let reply = calls
        .iter()
        .find(|c| c.body["_response_url_id"] == id.as_str())
        .expect("reply to this command");
    blocks_text(&reply.body["blocks"])
}

fn blocks_text(blocks: &Value) -> String {
    blocks
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| {
            b["text"]["text"]
                .as_str()
                .map(str::to_owned)
                .or_else(|| b["elements"][0]["text"].as_str().map(str::to_owned))
        })
        .collect::<Vec<_>>()
        .join("\n")
}

#[tokio::test]
async fn goals_with_steps_keep_their_numbers() {
    let app = spawn_app().await;
    assert_eq!(
        say(&app, "U0ANA", "goals").await,
        "You have no active goals yet. Add one with `/tandem goal add <text>`."
    );
    assert_eq!(
        say(&app, "U0ANA", "goal add Learn SQL window functions").await,
        "Added goal 1. Break it into steps with `/tandem goal step 1 <next step>`.\n\
         *1.* Learn SQL window functions"
    );
    say(&app, "U0ANA", "goal add Give a lightning talk").await;
    assert_eq!(
        say(&app, "U0ANA", "goal step 1 rewrite the weekly report query").await,
        "Added a step to goal 1.\n\
         *1.* Learn SQL window functions\n      • rewrite the weekly report query\n\
         *2.* Give a lightning talk"
    );
    assert_eq!(
        say(&app, "U0ANA", "goal drop 1").await,
        "Dropped goal 1.\n*2.* Give a lightning talk"
    );
    say(&app, "U0ANA", "goal add Write a design doc").await;
    assert_eq!(
        say(&app, "U0ANA", "goal done 2").await,
        "Goal 2 is done. Well done!\n*3.* Write a design doc\n1 goal done so far."
    );
    assert_eq!(
        say(&app, "U0ANA", "goal done 2").await,
        "You have no active goal 2. `/tandem goals` shows their numbers."
    );
}

#[tokio::test]
async fn every_change_republishes_the_home_tab() {
    let app = spawn_app().await;
    say(&app, "U0ANA", "goal add Learn Rust").await;
    say(&app, "U0ANA", "note Ask Ben about lifetimes").await;
    let publishes = app.fake.wait_for("views.publish", 2, WAIT).await;
    let last = &publishes[1].body;
    assert_eq!(last["user_id"], "U0ANA");
    let text = blocks_text(&last["view"]["blocks"]);
    assert!(text.contains("*1.* Learn Rust"), "{text}");
    assert!(text.contains("*1.* Ask Ben about lifetimes"), "{text}");

    // Opening the tab later shows the same data.
    let event = event_callback(
        "EvHome1",
        serde_json::json!({ "type": "app_home_opened", "user": "U0ANA", "channel": "D1", "tab": "home", "event_ts": "1.2" }),
    );
    app.event(&event).await;
    let publishes = app.fake.wait_for("views.publish", 3, WAIT).await;
    assert!(blocks_text(&publishes[2].body["view"]["blocks"]).contains("*1.* Learn Rust"));
}

#[tokio::test]
async fn notes_are_added_listed_and_ticked_off() {
    let app = spawn_app().await;
    assert_eq!(
        say(&app, "U0ANA", "note Ask Ben about the query plan").await,
        "Noted as 1. It will be on your Home tab for your next meeting.\n*1.* Ask Ben about the query plan"
    );
    say(&app, "U0ANA", "note Share the talk outline").await;
    assert_eq!(
        say(&app, "U0ANA", "note done 1").await,
        "Ticked off note 1.\n*2.* Share the talk outline"
    );
    assert_eq!(
        say(&app, "U0ANA", "notes").await,
        "*2.* Share the talk outline"
    );
}

#[tokio::test]
async fn nobody_sees_anyone_elses_goals_or_notes() {
    let app = spawn_app().await;
    say(&app, "U0ANA", "goal add Ana's private goal").await;
    say(&app, "U0ANA", "note Ana's private note").await;
    assert_eq!(
        say(&app, "U0BEN", "goals").await,
        "You have no active goals yet. Add one with `/tandem goal add <text>`."
    );
    assert_eq!(
        say(&app, "U0BEN", "notes").await,
        "No open notes. Add one with `/tandem note <text>`."
    );
    assert_eq!(
        say(&app, "U0BEN", "goal done 1").await,
        "You have no active goal 1. `/tandem goals` shows their numbers."
    );
    // Ana's goal is untouched by Ben's attempt.
    assert!(say(&app, "U0ANA", "goals")
        .await
        .contains("*1.* Ana's private goal"));
}

#[tokio::test]
async fn bad_input_gets_a_usage_line_or_a_reason() {
    let app = spawn_app().await;
    assert_eq!(
        say(&app, "U0ANA", "goal finish 1").await,
        "Usage: `/tandem goal add <text>` · `/tandem goal step <n> <text>` · `/tandem goal done <n>` · `/tandem goal drop <n>` · `/tandem goal share <n>` · `/tandem goal private <n>`"
    );
    assert_eq!(
        say(&app, "U0ANA", "note").await,
        "Usage: `/tandem note <text>` · `/tandem note done <n>`"
    );
    let long = "x".repeat(300);
    assert_eq!(
        say(&app, "U0ANA", &format!("goal add {long}")).await,
        "That is 300 characters; keep goals and steps to 280 so they fit a check-in."
    );
    for i in 0..5 {
        say(&app, "U0ANA", &format!("goal add goal {i}")).await;
    }
    assert!(say(&app, "U0ANA", "goal add a sixth")
        .await
        .starts_with("You already have 5 active goals."));
    // Member text cannot ping anyone: Slack's escaped broadcast becomes
    // plain words, and a typed `<` is shown, not interpreted.
    let noted = say(&app, "U0ANA", "note ping <!channel> now").await;
    assert!(noted.contains("ping @channel now"), "{noted}");
    assert!(!noted.contains("<!channel>"), "{noted}");
    let literal = say(&app, "U0ANA", "note try &lt;!here&gt; literally").await;
    assert!(literal.contains("try &lt;!here&gt; literally"), "{literal}");
}

#[tokio::test]
async fn concurrent_notes_are_never_lost() {
    let app = spawn_app().await;
    let texts: Vec<(String, String)> = (0..20)
        .map(|i| (format!("note follow-up {i}"), format!("c{i}")))
        .collect();
    let sends = texts
        .iter()
        .map(|(text, id)| app.command("U0ANA", text, id));
    for response in futures_util::future::join_all(sends).await {
        assert_eq!(response.status(), 200);
    }
    app.fake.wait_for("response_url", 20, WAIT).await;
    app.settled().await;
    let listing = say(&app, "U0ANA", "notes").await;
    for i in 0..20 {
        assert!(
            listing.contains(&format!(" follow-up {i}\n"))
                || listing.ends_with(&format!(" follow-up {i}")),
            "note {i} lost:\n{listing}"
        );
    }
    for n in 1..=20 {
        assert!(
            listing.contains(&format!("*{n}.* ")),
            "number {n} missing:\n{listing}"
        );
    }
}

#[tokio::test]
async fn redis_down_says_so_and_changes_nothing() {
    let app = spawn(Spawn {
        store: StoreChoice::ClosedPort,
        ..Spawn::default()
    })
    .await;
    assert_eq!(
        say(&app, "U0ANA", "goal add Learn SQL").await,
        "Tandem can't reach its storage right now, so nothing was changed. Please try again in a minute."
    );
    app.settled().await;
    assert!(app.fake.calls("views.publish").is_empty());
}

#[tokio::test]
async fn share_keeps_links_on_the_shelf_and_says_nobody_got_them_yet() {
    let app = spawn_app().await;
    assert_eq!(
        say(&app, "U0ANA", "share <https://example.com/sql-guide> the best window functions guide").await,
        "Saved to your shelf as 1. You don't have a partner or circle yet, so it wasn't sent to anyone; it stays on your Home tab.\n\
         *1.* <https://example.com/sql-guide> — the best window functions guide"
    );
    assert_eq!(
        say(&app, "U0ANA", "share javascript:alert(1)").await,
        "`javascript:alert(1)` is not a web link; share an address that starts with https:// or http://."
    );
    assert_eq!(
        say(&app, "U0ANA", "share").await,
        "Share a link like `/tandem share https://example.com/article why it helped`."
    );
    let publishes = app.fake.wait_for("views.publish", 1, WAIT).await;
    assert!(publishes[0].body["view"].to_string().contains("Your shelf"));
    assert!(
        app.fake.calls("chat.postMessage").is_empty(),
        "nothing sent without a partner"
    );
}
