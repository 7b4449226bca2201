//! `/tandem admin round [preview]`: admins only; members with complete
//! profiles are paired; intros land in group DMs; history prevents repeats;
//! `forget` removes a member from the history too.

use crate::support;

use serde_json::Value;
use std::collections::HashSet;
use support::*;

const ADMIN: &str = "U0ADMIN1";

async fn say(app: &TestApp, user: &str, text: &str) -> Value {
    app.say(user, text).await
}

/// Members who can each teach the other something.
async fn members(app: &TestApp, people: &[(&str, &str, &str)]) {
    for (user, offer, learn) in people {
        say(app, user, "join").await;
        say(
            app,
            user,
            &format!("profile offer: {offer}; learn: {learn}; level: 3"),
        )
        .await;
    }
}

#[tokio::test]
async fn only_admins_run_rounds() {
    let app = spawn_app().await;
    let reply = say(&app, "U0ANA", "admin round").await;
    assert_eq!(
        reply["text"],
        "Only program admins can run rounds: workspace admins and owners, and the people listed in `program.admins`."
    );
    assert_eq!(
        say(&app, "U0ANA", "admin round now").await["text"],
        "Usage: `/tandem admin round [preview]` · `/tandem admin checkins` · `/tandem admin circles [preview] [size]` · `/tandem admin circle #channel`"
    );
}

#[tokio::test]
async fn preview_sends_nothing_and_a_round_introduces_every_pair() {
    let app = spawn_app().await;
    members(
        &app,
        &[
            ("U0ANA", "sql", "rust"),
            ("U0BEN", "rust", "sql"),
            ("U0CAT", "python", "design"),
            ("U0DAN", "design", "python"),
        ],
    )
    .await;
    say(&app, "U0EVE", "join").await; // no profile yet: not ready

    app.settled().await;
    let posted_before = app.fake.calls("chat.postMessage").len();
    let preview = say(&app, ADMIN, "admin round preview").await;
    let text = preview.to_string();
    assert!(
        preview["text"]
            .as_str()
            .unwrap()
            .starts_with("*Preview of round 1*: 2 pairs."),
        "{text}"
    );
    assert!(
        text.contains("<@U0ANA> can help <@U0BEN> with sql; <@U0BEN> can help <@U0ANA> with rust"),
        "{text}"
    );
    assert!(
        text.contains("Not in this round: 1 with an unfinished profile"),
        "{text}"
    );
    // Every effect of the preview has been carried out by now.
    app.settled().await;
    assert!(
        app.fake.calls("conversations.open").is_empty()
            && app.fake.calls("chat.postMessage").len() == posted_before,
        "a preview sends nothing"
    );

    let run = say(&app, ADMIN, "admin round").await;
    assert!(run["text"]
        .as_str()
        .unwrap()
        .starts_with("*Round 1 is on*: 2 pairs."));
    let opened = app.fake.wait_for("conversations.open", 2, WAIT).await;
    let mut groups: Vec<String> = opened.iter().map(|c| c.body["users"].to_string()).collect();
    groups.sort();
    assert!(
        groups[0].contains("U0ANA") && groups[0].contains("U0BEN"),
        "{groups:?}"
    );
    assert!(
        groups[1].contains("U0CAT") && groups[1].contains("U0DAN"),
        "{groups:?}"
    );
    let intros = app.fake.wait_for("chat.postMessage", 2, WAIT).await;
    let intro = intros
        .iter()
        .find(|c| c.body.to_string().contains("U0ANA"))
        .unwrap()
        .body
        .to_string();
    assert!(
        intro.contains("you're paired for peer mentoring"),
        "{intro}"
    );
    assert!(
        intro.contains("<!date^"),
        "meeting time in each person's own zone: {intro}"
    );
    assert!(intro.contains("Kickoff"), "{intro}");

    let status = say(&app, "U0ANA", "status").await.to_string();
    assert!(
        status.contains("*Your partner this round (#1):* <@U0BEN>"),
        "{status}"
    );
}

#[tokio::test]
async fn rounds_do_not_repeat_pairs_and_the_odd_one_joins_a_trio() {
    let app = spawn_app().await;
    members(
        &app,
        &[
            ("U0ANA", "sql", "rust"),
            ("U0BEN", "rust", "sql"),
            ("U0CAT", "sql", "rust"),
            ("U0DAN", "rust", "sql"),
        ],
    )
    .await;
    let pairs = |calls: &[support::fake_slack::Call]| -> HashSet<String> {
        calls.iter().map(|c| c.body["users"].to_string()).collect()
    };
    say(&app, ADMIN, "admin round").await;
    let first = pairs(&app.fake.wait_for("conversations.open", 2, WAIT).await);
    say(&app, ADMIN, "admin round").await;
    let all = app.fake.wait_for("conversations.open", 4, WAIT).await;
    let second = pairs(&all[2..]);
    assert!(
        first.is_disjoint(&second),
        "round 2 repeated a pair: {first:?} {second:?}"
    );

    members(&app, &[("U0EVE", "sql", "rust")]).await;
    let reply = say(&app, ADMIN, "admin round").await;
    assert!(
        reply["text"].as_str().unwrap().contains("and 1 trio"),
        "{reply}"
    );
}

#[tokio::test]
async fn forget_removes_a_member_from_history_and_from_their_partner() {
    let app = spawn_app().await;
    members(&app, &[("U0ANA", "sql", "rust"), ("U0BEN", "rust", "sql")]).await;
    say(&app, ADMIN, "admin round").await;
    app.fake.wait_for("chat.postMessage", 1, WAIT).await;
    app.press("U0ANA", "forget_confirm", "gone").await;
    app.fake.wait_for("views.publish", 5, WAIT).await;
    app.assert_nothing_mentions(&["U0ANA"]).await;
}

#[tokio::test]
async fn share_goes_to_the_partner_and_onto_both_shelves() {
    let app = spawn_app().await;
    members(&app, &[("U0ANA", "sql", "rust"), ("U0BEN", "rust", "sql")]).await;
    say(&app, ADMIN, "admin round").await;
    app.fake.wait_for("chat.postMessage", 1, WAIT).await;
    let reply = say(
        &app,
        "U0ANA",
        "share https://example.com/rust-book start with chapter 4",
    )
    .await;
    assert!(
        reply
            .to_string()
            .contains("Sent to <@U0BEN> and kept on your shelves as 1."),
        "{reply}"
    );
    let posts = app.fake.wait_for("chat.postMessage", 2, WAIT).await;
    let shared = posts[1].body.to_string();
    assert!(
        shared.contains("<@U0ANA> shared <https://example.com/rust-book> — start with chapter 4"),
        "{shared}"
    );
    let ben = say(&app, "U0BEN", "status").await;
    assert!(ben
        .to_string()
        .contains("*Your partner this round (#1):* <@U0ANA>"));
    // On both shelves: each member's stored shelf, and each Home tab.
    for user in ["U0ANA", "U0BEN"] {
        let shelf = app
            .redis_get(&format!("{}:{{T0TEST}}:user:{user}:shelf", app.prefix))
            .await
            .unwrap_or_default();
        assert!(
            shelf.contains("https://example.com/rust-book"),
            "{user}: {shelf}"
        );
    }
    app.settled().await;
    let publishes = app.fake.calls("views.publish");
    for user in ["U0ANA", "U0BEN"] {
        assert!(
            publishes
                .iter()
                .any(|c| c.body["user_id"] == user && c.body.to_string().contains("rust-book")),
            "{user}'s Home shows the link"
        );
    }
}

#[tokio::test]
async fn kickoff_buttons_agree_a_rhythm_in_the_group_dm() {
    let app = spawn_app().await;
    members(&app, &[("U0ANA", "sql", "rust"), ("U0BEN", "rust", "sql")]).await;
    say(&app, ADMIN, "admin round").await;
    let intro = app.fake.wait_for("chat.postMessage", 1, WAIT).await[0]
        .body
        .to_string();
    assert!(
        intro.contains("\"action_id\":\"kickoff\"") && intro.contains("\"value\":\"1:weekly\""),
        "{intro}"
    );

    let press = |user: &str, value: &str, reply: &str| {
        block_action_form_with_value(user, "kickoff", value, &app.fake.response_url(reply))
    };
    let form = press("U0ANA", "1:weekly", "k1");
    app.interact(&form).await;
    let posts = app.fake.wait_for("chat.postMessage", 2, WAIT).await;
    assert_eq!(posts[1].body["channel"], "G0PAIRDM");
    assert_eq!(
        posts[1].body["text"],
        "<@U0ANA> would like to meet weekly. Pick the same to agree, or suggest another rhythm here."
    );
    let form = press("U0BEN", "1:weekly", "k2");
    app.interact(&form).await;
    let posts = app.fake.wait_for("chat.postMessage", 3, WAIT).await;
    assert_eq!(
        posts[2].body["text"],
        ":handshake: Agreed: you'll meet weekly. Put the first one in your calendars!"
    );
    // A button from an older round is refused.
    let before = app.fake.calls("response_url").len();
    let form = press("U0BEN", "0:monthly", "k3");
    app.interact(&form).await;
    let replies = app.fake.wait_for("response_url", before + 1, WAIT).await;
    let refusal = replies
        .iter()
        .find(|r| r.body["_response_url_id"] == "k3")
        .unwrap();
    assert_eq!(refusal.body["text"], "This intro is from an earlier round.");
    assert!(
        refusal.body.get("replace_original").is_none(),
        "the intro stays"
    );
    assert!(
        !replies
            .iter()
            .any(|r| ["k1", "k2"].contains(&r.body["_response_url_id"].as_str().unwrap_or(""))),
        "agreeing says it in the group DM, not by replacing the intro"
    );
}

/// Markup a member might type to make the bot post a link or a mention in
/// someone else's view.
const HOSTILE: [&str; 3] = ["<https://ev.il/x|Re-verify SSO>", "<!channel>", "<@U0BOSS>"];

#[tokio::test]
async fn members_words_never_become_markup_in_what_others_read() {
    let app = spawn_app().await;
    // Ana's team, skills, goal and a shared comment carry Slack markup.
    app.say("U0ANA", "join").await;
    app.say(
        "U0ANA",
        &format!(
            "profile offer: sql, {}; learn: rust; level: 3; team: {}",
            HOSTILE[1], HOSTILE[0]
        ),
    )
    .await;
    app.say("U0BEN", "join").await;
    app.say(
        "U0BEN",
        "profile offer: rust; learn: sql; level: 3; team: Data",
    )
    .await;
    app.say("U0ANA", &format!("goal add Beat {}", HOSTILE[2]))
        .await;
    app.say("U0ANA", "goal share 1").await;
    app.say(ADMIN, "admin round").await;
    app.fake.wait_for("chat.postMessage", 1, WAIT).await;
    app.say(
        "U0ANA",
        &format!("share https://example.com/ok {} {}", HOSTILE[0], HOSTILE[1]),
    )
    .await;
    app.settled().await;
    // Everything Ben can read: the intro, the share, his Home tab.
    let mut seen = Vec::new();
    for c in app.fake.calls("chat.postMessage") {
        if c.body["channel"] != "U0ANA" {
            seen.push(c.body.to_string());
        }
    }
    for c in app.fake.calls("views.publish") {
        if c.body["user_id"] == "U0BEN" {
            seen.push(c.body.to_string());
        }
    }
    assert!(seen.len() >= 3, "intro, share and Home: {seen:?}");
    let all = seen.join("\n");
    // Commands arrive with Slack's markup; Tandem keeps their plain words
    // (a link's address, not a label that could disguise it).
    assert!(
        all.contains("https://ev.il/x and Data"),
        "the words are shown: {all}"
    );
    for markup in HOSTILE {
        assert!(!all.contains(markup), "{markup} became markup in: {all}");
    }
}

#[tokio::test]
async fn words_typed_into_the_profile_form_never_become_markup_in_an_intro() {
    let app = spawn_app().await;
    let opt =
        |v: &str| serde_json::json!({ "text": { "type": "plain_text", "text": v }, "value": v });
    // A form's text arrives exactly as typed: no markup stripped by Slack.
    for (user, offer, learn, team) in [
        ("U0ANA", "sql", "rust", HOSTILE[0]),
        ("U0BEN", "rust", "sql", HOSTILE[1]),
    ] {
        app.say(user, "join").await;
        let values = serde_json::json!({
            "offers": { "offers": { "type": "multi_static_select", "selected_options": [opt(offer)] } },
            "offers_other": { "offers_other": { "type": "plain_text_input", "value": HOSTILE[2] } },
            "wants": { "wants": { "type": "multi_static_select", "selected_options": [opt(learn)] } },
            "wants_other": { "wants_other": { "type": "plain_text_input", "value": null } },
            "level": { "level": { "type": "static_select", "selected_option": opt("3") } },
            "team": { "team": { "type": "plain_text_input", "value": team } },
            "format": { "format": { "type": "radio_buttons", "selected_option": opt("either") } },
            "cadence": { "cadence": { "type": "static_select", "selected_option": opt("monthly") } },
            "goal_1": { "goal_1": { "type": "plain_text_input", "value": "<!here> read this" } },
            "goal_2": { "goal_2": { "type": "plain_text_input", "value": null } },
            "goal_3": { "goal_3": { "type": "plain_text_input", "value": null } }
        });
        let saved = app.submit_view(user, "profile", "", values).await;
        assert_eq!(saved.status(), 200);
        app.say(user, "goal share 1").await;
    }
    app.say(ADMIN, "admin round").await;
    let intro = app.fake.wait_for("chat.postMessage", 1, WAIT).await[0]
        .body
        .to_string();
    assert!(
        intro.contains("Re-verify SSO"),
        "the words are shown: {intro}"
    );
    for markup in HOSTILE.iter().chain(&["<!here>"]) {
        assert!(!intro.contains(markup), "{markup} became markup: {intro}");
    }
}

#[tokio::test]
async fn guests_bots_and_deactivated_accounts_are_never_paired() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    for (user, offer, learn) in [
        ("U0GUEST", "rust", "sql"),
        ("U0ROBOT", "sql", "rust"),
        ("U0GONE", "rust", "sql"),
    ] {
        app.say(user, "join").await;
        app.say(
            user,
            &format!("profile offer: {offer}; learn: {learn}; level: 3"),
        )
        .await;
    }
    app.fake.set_account("U0GUEST", "guest");
    app.fake.set_account("U0ROBOT", "bot");
    app.fake.set_account("U0GONE", "deactivated");
    let round = app.run_round("U0ADMIN1").await;
    let text = round.to_string();
    assert!(text.contains("<@U0ANA> + <@U0BEN>"), "{text}");
    for left_out in ["U0GUEST", "U0ROBOT", "U0GONE"] {
        assert!(!text.contains(left_out), "{left_out} in {text}");
    }
    assert!(
        text.contains("Not in this round: 0 with an unfinished profile, 0 paused or in circles, 3 guest, bot or deactivated accounts."),
        "{text}"
    );
    // Slack is asked once per person; the next round uses what it learnt.
    let asked = app.fake.calls("users.info").len();
    app.say("U0ADMIN1", "admin round preview").await;
    assert_eq!(
        app.fake.calls("users.info").len(),
        asked,
        "accounts and admins are remembered"
    );
}
