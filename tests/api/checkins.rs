//! `/tandem admin checkins`: check-in DMs with answer buttons that update in
//! place; when both partners have answered, each gets the other's summary —
//! counts only, never goal text.

use crate::support;

use support::*;

const ADMIN: &str = "U0ADMIN1";

#[tokio::test]
async fn check_ins_record_answers_in_place_and_swap_summaries() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    app.say("U0ANA", "goal add Ana's secret goal").await;
    app.say("U0BEN", "goal add Ben's secret goal").await;
    app.say("U0ANA", "note ask Ben about joins").await;
    app.say(ADMIN, "admin round").await;
    // The intro, and Ana's own follow-ups before the first meeting.
    let posts = app.fake.wait_for("chat.postMessage", 2, WAIT).await;
    let before_meeting = posts
        .iter()
        .find(|c| c.body["channel"] == "U0ANA")
        .expect("Ana's follow-ups, in her DM only")
        .body
        .to_string();
    assert!(
        before_meeting.contains("Before you meet <@U0BEN>")
            && before_meeting.contains("ask Ben about joins"),
        "{before_meeting}"
    );
    assert!(
        !posts
            .iter()
            .any(|c| c.body["channel"] != "U0ANA" && c.body.to_string().contains("ask Ben")),
        "a note is never shown to the partner"
    );

    assert!(app.say("U0ANA", "admin checkins").await["text"]
        .as_str()
        .unwrap()
        .starts_with("Only program admins"));
    assert_eq!(
        app.say(ADMIN, "admin checkins").await["text"],
        "Sent 2 check-ins now."
    );
    let posts = app.fake.wait_for("chat.postMessage", 4, WAIT).await;
    let ana_dm = posts
        .iter()
        .find(|c| c.body["channel"] == "U0ANA" && c.body["text"] == "Your Tandem check-in")
        .unwrap()
        .body
        .clone();
    let text = ana_dm.to_string();
    assert!(text.contains("Ana's secret goal"), "{text}");
    assert!(text.contains("\"value\":\"1:1:progress\""), "{text}");
    assert!(text.contains("Did you meet <@U0BEN>?"), "{text}");
    assert!(
        text.contains("ask Ben about joins"),
        "follow-ups appear in the check-in: {text}"
    );

    let answered = app
        .press_with_value("U0ANA", "checkin_goal", "1:1:progress", "a1")
        .await;
    assert_eq!(answered["replace_original"], true);
    assert!(answered.to_string().contains("✓ Progress"), "{answered}");
    app.press_with_value("U0ANA", "checkin_met", "1:0:met", "a2")
        .await;
    app.press_with_value("U0BEN", "checkin_goal", "1:1:stuck", "b1")
        .await;
    let done = app
        .press_with_value("U0BEN", "checkin_met", "1:0:met", "b2")
        .await;
    assert!(done.to_string().contains("Thanks — all recorded."));

    // Two summaries, and (after the first "we met") each is asked,
    // privately, whether to keep meeting.
    let posts = app.fake.wait_for("chat.postMessage", 8, WAIT).await;
    let summaries: Vec<String> = posts[4..]
        .iter()
        .map(|c| c.body.to_string())
        .filter(|s| s.contains("checked in"))
        .collect();
    assert_eq!(summaries.len(), 2, "{posts:?}");
    assert!(
        summaries.iter().any(|s| s.contains("\"channel\":\"U0ANA\"")
            && s.contains("<@U0BEN> checked in — goals: stuck 1; you met.")),
        "{summaries:?}"
    );
    assert!(
        summaries.iter().any(|s| s.contains("\"channel\":\"U0BEN\"")
            && s.contains("<@U0ANA> checked in — goals: progress 1; you met.")),
        "{summaries:?}"
    );
    for s in &summaries {
        assert!(
            !s.contains("secret goal"),
            "a summary leaked goal text: {s}"
        );
    }

    // An answer to an older check-in is refused.
    let stale = app
        .press_with_value("U0ANA", "checkin_goal", "0:1:progress", "old")
        .await;
    assert_eq!(
        stale["text"],
        "This check-in has closed; your newest one is in your DMs."
    );
}

#[tokio::test]
async fn a_shared_goal_is_in_the_intro_and_named_in_the_partner_summary() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    app.say("U0ANA", "goal add Ana's open goal").await;
    app.say("U0ANA", "goal add Ana's private goal").await;
    let shared = app.say("U0ANA", "goal share 1").await;
    assert!(shared["text"]
        .as_str()
        .unwrap()
        .starts_with("Goal 1 is shared"));
    assert_eq!(
        app.say("U0ANA", "goal share 9").await["text"],
        "You have no active goal 9. `/tandem goals` shows their numbers."
    );
    let listed = app.say("U0ANA", "goals").await.to_string();
    assert!(
        listed.contains("Ana's open goal _(shared with your partner)_"),
        "{listed}"
    );

    app.say(ADMIN, "admin round").await;
    let intro = app.fake.wait_for("chat.postMessage", 1, WAIT).await[0]
        .body
        .to_string();
    assert!(intro.contains("Goals you chose to share"), "{intro}");
    assert!(intro.contains("<@U0ANA>: Ana's open goal"), "{intro}");
    assert!(!intro.contains("private goal"), "{intro}");

    app.say(ADMIN, "admin checkins").await;
    app.fake.wait_for("chat.postMessage", 3, WAIT).await;
    app.press_with_value("U0ANA", "checkin_goal", "1:1:progress", "a1")
        .await;
    app.press_with_value("U0ANA", "checkin_goal", "1:2:stuck", "a2")
        .await;
    app.press_with_value("U0ANA", "checkin_met", "1:0:met", "a3")
        .await;
    app.press_with_value("U0BEN", "checkin_met", "1:0:met", "b1")
        .await;
    let posts = app.fake.wait_for("chat.postMessage", 5, WAIT).await;
    let to_ben = posts
        .iter()
        .find(|c| {
            c.body["channel"] == "U0BEN" && c.body["text"].as_str().unwrap().contains("checked in")
        })
        .expect("Ben gets Ana's summary")
        .body["text"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        to_ben,
        "<@U0ANA> checked in — goals: progress 1, stuck 1; you met (“Ana's open goal”: progress)."
    );

    // Private again: out of the next summaries and intros.
    let private = app.say("U0ANA", "goal private 1").await;
    assert_eq!(
        private["text"],
        "Goal 1 is private again: partners see only counts."
    );
}

#[tokio::test]
async fn a_shared_goal_typed_with_markup_is_plain_words_in_the_partner_summary() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    // A form's text arrives exactly as typed, markup and all.
    let typed = "<!here> read <https://ev.il/x|the new policy>";
    let values = serde_json::json!({
        "goal": { "goal": { "type": "plain_text_input", "value": typed } }
    });
    assert_eq!(
        app.submit_view("U0ANA", "add_goal", "", values)
            .await
            .status(),
        200
    );
    app.say("U0ANA", "goal share 1").await;
    app.run_round(ADMIN).await;
    app.say(ADMIN, "admin checkins").await;
    app.fake.wait_for("chat.postMessage", 3, WAIT).await;
    app.press_with_value("U0ANA", "checkin_goal", "1:1:progress", "a1")
        .await;
    app.press_with_value("U0ANA", "checkin_met", "1:0:met", "a2")
        .await;
    app.press_with_value("U0BEN", "checkin_met", "1:0:met", "b1")
        .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    let summary = loop {
        assert!(
            tokio::time::Instant::now() < deadline,
            "no summary: {:?}",
            app.fake
                .calls("chat.postMessage")
                .iter()
                .map(|c| c.body["text"].to_string())
                .collect::<Vec<_>>()
        );
        let found = app.fake.calls("chat.postMessage").into_iter().find(|c| {
            c.body["channel"] == "U0BEN"
                && c.body["text"]
                    .as_str()
                    .unwrap_or_default()
                    .contains("checked in")
        });
        if let Some(c) = found {
            break c.body.to_string();
        }
        tokio::time::sleep(std::time::Duration::from_millis(25)).await;
    };
    assert!(summary.contains("read"), "{summary}");
    for markup in ["<!here>", "<https://ev.il"] {
        assert!(
            !summary.contains(markup),
            "{markup} became markup: {summary}"
        );
    }
}

#[tokio::test]
async fn checkin_now_sends_this_weeks_again_or_starts_it_once() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    app.say("U0ANA", "goal add Ship the migration guide").await;
    let checkins_to = |app: &TestApp| {
        app.fake
            .calls("chat.postMessage")
            .into_iter()
            .filter(|c| c.body["channel"] == "U0ANA" && c.body["text"] == "Your Tandem check-in")
            .map(|c| c.body)
            .collect::<Vec<_>>()
    };
    // None yet this week: a new one.
    assert_eq!(
        app.say("U0ANA", "checkin").await["text"],
        "Your check-in is in your DMs."
    );
    app.settled().await;
    let first = checkins_to(&app);
    assert_eq!(first.len(), 1);
    assert!(
        first[0].to_string().contains("\"value\":\"1:1:progress\""),
        "check-in 1"
    );
    // Asked again: the same one, same number and buttons.
    assert_eq!(
        app.say("U0ANA", "checkin").await["text"],
        "This week's check-in (number 1) is in your DMs again."
    );
    app.settled().await;
    let both = checkins_to(&app);
    assert_eq!(both.len(), 2);
    assert_eq!(both[0]["blocks"], both[1]["blocks"], "the same check-in");
    // Answers still land on it.
    let answered = app
        .press_with_value("U0ANA", "checkin_goal", "1:1:progress", "a1")
        .await;
    assert!(answered.to_string().contains("✓ Progress"), "{answered}");
    // Not for someone paused, or not in.
    app.say("U0BEN", "pause 2w").await;
    assert!(app.say("U0BEN", "checkin").await["text"]
        .as_str()
        .unwrap()
        .starts_with("You're paused"));
    assert!(app.say("U0ZED", "checkin").await["text"]
        .as_str()
        .unwrap()
        .starts_with("You haven't joined yet"));
}
