//! Peers, not bosses: a member's confidential do-not-pair list and their
//! manager on file are hard constraints in every grouping — pairs, the odd
//! one's trio, re-pairs and circles — and nobody else ever learns of an
//! avoid list: not the person on it, not admins, not an intro or a reason.

use crate::support;

use crate::cli::tandem;
use serde_json::Value;
use std::path::PathBuf;
use support::*;

const ADMIN: &str = "U0ADMIN1";

/// Each group of a round summary or circles preview: its members' ids.
fn groups(reply: &Value) -> Vec<Vec<String>> {
    reply["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| b["text"]["text"].as_str())
        .filter(|t| t.starts_with('*') && t.chars().nth(1).is_some_and(|c| c.is_ascii_digit()))
        .map(|t| {
            let first_line = t.lines().next().unwrap();
            first_line
                .split("<@")
                .skip(1)
                .map(|s| s.split('>').next().unwrap().to_owned())
                .collect()
        })
        .collect()
}

fn together(groups: &[Vec<String>], a: &str, b: &str) -> bool {
    groups
        .iter()
        .any(|g| g.iter().any(|m| m == a) && g.iter().any(|m| m == b))
}

async fn join(app: &TestApp, user: &str, offer: &str, learn: &str, extra: &str) {
    app.say(user, "join").await;
    let reply = app
        .say(
            user,
            &format!("profile offer: {offer}; learn: {learn}; level: 3{extra}"),
        )
        .await;
    assert!(reply.to_string().contains("Saved"), "{reply}");
}

/// `users` join for circles, teaching each other in turn (sql ↔ rust).
async fn join_circle_minded(app: &TestApp, users: &[impl AsRef<str>]) {
    for (i, u) in users.iter().enumerate() {
        let (offer, learn) = if i % 2 == 0 {
            ("sql", "rust")
        } else {
            ("rust", "sql")
        };
        join(app, u.as_ref(), offer, learn, "; format: circle").await;
    }
}

#[tokio::test]
async fn an_avoid_list_keeps_two_apart_and_nobody_else_learns_of_it() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    let preview = app.say(ADMIN, "admin round preview").await;
    assert!(
        together(&groups(&preview), "U0ANA", "U0BEN"),
        "the obvious pair first"
    );

    let added = app.say("U0ANA", "avoid <@U0BEN|ben>").await;
    assert_eq!(
        added["text"],
        "Done — you won't be paired or put in a circle with <@U0BEN>. Nobody is told: not them, not program admins. `/tandem avoid remove` with their name undoes it."
    );
    let list = app.say("U0ANA", "avoid").await;
    assert!(
        list["text"].as_str().unwrap().contains("<@U0BEN>"),
        "{list}"
    );
    let bens = app.say("U0BEN", "avoid").await;
    assert!(
        !bens.to_string().contains("U0ANA"),
        "Ben's own list is his: {bens}"
    );
    assert_eq!(
        app.say("U0ANA", "avoid <@U0ANA>").await["text"],
        "That's you — there's no pairing you with yourself."
    );

    let round = app.run_round(ADMIN).await;
    assert!(!together(&groups(&round), "U0ANA", "U0BEN"), "{round}");
    app.settled().await;
    // Both sit out, told why without a word of the list, and the admin's
    // round summary and stats say nothing of it.
    let sat_out: Vec<String> = app
        .fake
        .calls("chat.postMessage")
        .iter()
        .map(|c| c.body.to_string())
        .collect();
    assert_eq!(sat_out.len(), 2, "two sit-out DMs: {sat_out:?}");
    let stats = app.say(ADMIN, "admin stats").await;
    for shown in sat_out
        .iter()
        .chain([&round.to_string(), &stats.to_string()])
    {
        assert!(
            !shown.contains("do-not-pair") && !shown.contains("avoid"),
            "{shown}"
        );
    }
    assert!(
        sat_out
            .iter()
            .any(|dm| dm.contains("nobody this round can be paired with them")),
        "{sat_out:?}"
    );

    let removed = app.say("U0ANA", "avoid remove <@U0BEN|ben>").await;
    assert_eq!(
        removed["text"],
        "<@U0BEN> is off your do-not-pair list: you may be paired again."
    );
    assert_eq!(
        app.say("U0ANA", "avoid").await["text"],
        "Your do-not-pair list is empty. `/tandem avoid @someone` keeps you from ever being paired or put in a circle with them — nobody is told."
    );
}

#[tokio::test]
async fn nobody_is_paired_with_their_manager_or_their_reports() {
    let app = spawn_app().await;
    join(&app, "U0ANA", "sql", "rust", "").await;
    join(&app, "U0BEN", "rust", "sql", "; manager: <@U0ANA|ana>").await;
    join(&app, "U0CAT", "rust", "sql", "").await;
    join(&app, "U0DAN", "sql", "rust", "").await;
    let refused = app.say("U0DAN", "profile manager: <@U0DAN|dan>").await;
    assert!(
        refused.to_string().contains("can't be your own manager"),
        "{refused}"
    );
    let typed = app.say("U0DAN", "profile manager: dan").await;
    assert!(typed.to_string().contains("@-mention"), "{typed}");
    for _ in 0..3 {
        let preview = app.say(ADMIN, "admin round preview").await;
        let g = groups(&preview);
        assert_eq!(g.len(), 2, "{preview}");
        assert!(
            !together(&g, "U0ANA", "U0BEN"),
            "manager and report apart: {preview}"
        );
    }
    let org = app.say(ADMIN, "admin org").await;
    assert!(
        org["text"]
            .as_str()
            .unwrap()
            .starts_with("Managers on file: <5 of <5 members."),
        "{org}"
    );
    assert!(app.say("U0BEN", "admin org").await["text"]
        .as_str()
        .unwrap()
        .starts_with("Only program admins"));
}

#[tokio::test]
async fn the_odd_one_never_joins_a_trio_with_someone_they_avoid() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    join(&app, "U0CAT", "rust", "sql", "").await;
    // Without a list, Cat joins Ana and Ben as a third.
    let preview = app.say(ADMIN, "admin round preview").await;
    assert_eq!(
        groups(&preview).iter().map(Vec::len).max(),
        Some(3),
        "{preview}"
    );
    app.say("U0CAT", "avoid <@U0ANA>").await;
    let preview = app.say(ADMIN, "admin round preview").await;
    let g = groups(&preview);
    assert!(!together(&g, "U0CAT", "U0ANA"), "{preview}");
    let text = preview.to_string();
    assert!(
        !text.contains("do-not-pair"),
        "the sit-out reason keeps it: {text}"
    );
}

#[tokio::test]
async fn circles_keep_people_on_an_avoid_list_apart() {
    let app = spawn_app().await;
    let people: Vec<String> = (1..=6).map(|i| format!("U0C00{i}")).collect();
    join_circle_minded(&app, &people).await;
    app.say("U0C001", "avoid <@U0C002>").await;
    app.say("U0C003", "avoid <@U0C004>").await;
    for size in ["3", "4"] {
        let preview = app
            .say(ADMIN, &format!("admin circles preview {size}"))
            .await;
        let g = groups(&preview);
        assert!(!g.is_empty(), "{preview}");
        assert!(!together(&g, "U0C001", "U0C002"), "{preview}");
        assert!(!together(&g, "U0C003", "U0C004"), "{preview}");
    }
}

#[tokio::test]
async fn the_profile_form_sets_a_manager_and_a_private_avoid_list() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    let values = serde_json::json!({
        "offers": { "offers": { "type": "multi_static_select", "selected_options": [{ "text": { "type": "plain_text", "text": "sql" }, "value": "sql" }] } },
        "wants": { "wants": { "type": "multi_static_select", "selected_options": [{ "text": { "type": "plain_text", "text": "rust" }, "value": "rust" }] } },
        "level": { "level": { "type": "static_select", "selected_option": { "text": { "type": "plain_text", "text": "3" }, "value": "3" } } },
        "manager": { "manager": { "type": "users_select", "selected_user": "U0SAM" } },
        "avoid": { "avoid": { "type": "multi_users_select", "selected_users": ["U0BEN", "U0ANA", "U0ZED"] } },
    });
    let response = app.submit_view("U0ANA", "profile", "", values).await;
    assert_eq!(response.status(), 200);
    assert_eq!(response.text().await.unwrap(), "", "saved");
    let list = app.say("U0ANA", "avoid").await;
    assert_eq!(
        list["text"],
        "You'll never be paired or put in a circle with <@U0BEN>, <@U0ZED>. Only you can see this list; `/tandem avoid remove @someone` takes someone off."
    );
    // The form opens again with both filled in.
    let before = app.fake.calls("views.open").len();
    app.say("U0ANA", "profile").await;
    let opened = app.fake.wait_for("views.open", before + 1, WAIT).await;
    let view = opened.last().unwrap().body["view"].to_string();
    assert!(
        view.contains(r#"\"initial_user\":\"U0SAM\""#)
            || view.contains(r#""initial_user":"U0SAM""#),
        "{view}"
    );
    assert!(
        view.contains("U0BEN") && view.contains("U0ZED") && view.contains("Don't pair me with"),
        "{view}"
    );
    let org = app.say(ADMIN, "admin org").await;
    assert!(org["text"]
        .as_str()
        .unwrap()
        .starts_with("Managers on file: <5 of <5"));
}

// Several threads: the binary calls the fake Slack this test serves.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_chart_loaded_from_csv_keeps_managers_and_reports_apart() {
    let app = spawn_app().await;
    join(&app, "U0ANA", "sql", "rust", "").await;
    join(&app, "U0BEN", "rust", "sql", "").await;
    join(&app, "U0CAT", "rust", "sql", "").await;
    join(&app, "U0DAN", "sql", "rust", "").await;
    let dir: PathBuf = std::env::temp_dir().join(random_prefix());
    std::fs::create_dir_all(&dir).unwrap();
    let csv = dir.join("org.csv");
    std::fs::write(
        &csv,
        "user_id,manager_id\nU0BEN,U0ANA\nU0DAN,U0CAT\nU0NOTHERE,U0ANA\n",
    )
    .unwrap();
    let out = tandem()
        .args(["org", "import"])
        .arg(&csv)
        .env("SLACK_BOT_TOKEN", support::fake_slack::BOT_TOKEN)
        .env("SLACK_SIGNING_SECRET", "unused-here")
        .env("SLACK_API_URL", app.fake.api_url())
        .env("REDIS_URL", require_redis().await)
        .env("TANDEM__STORE__KEY_PREFIX", &app.prefix)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "org chart loaded: 2 managers set, 0 cleared, 0 unchanged; 1 rows about people who have not joined the program were left alone\n"
    );
    for _ in 0..3 {
        let preview = app.say(ADMIN, "admin round preview").await;
        let g = groups(&preview);
        assert_eq!(g.len(), 2, "{preview}");
        assert!(
            !together(&g, "U0ANA", "U0BEN") && !together(&g, "U0CAT", "U0DAN"),
            "{preview}"
        );
    }
    // A broken file: one line naming the problem, nothing written.
    std::fs::write(&csv, "user_id,manager_id\nU0BEN,someone\n").unwrap();
    let bad = tandem().args(["org", "import"]).arg(&csv).output().unwrap();
    assert!(!bad.status.success());
    let err = String::from_utf8_lossy(&bad.stderr);
    assert!(
        err.contains("line 2: manager_id \"someone\" is not a Slack user id"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(&dir);
}

fn dms_with(app: &TestApp, user: &str, text: &str) -> Vec<Value> {
    app.fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["channel"] == user && c.body.to_string().contains(text))
        .map(|c| c.body)
        .collect()
}

async fn asked_to_keep(app: &TestApp, users: &[&str]) {
    wait_until("both asked whether to keep meeting", || {
        users
            .iter()
            .all(|u| dms_with(app, u, "Keep meeting your partner?").len() == 1)
    })
    .await;
}

#[tokio::test]
async fn a_pair_who_both_keep_meeting_continue_without_a_new_intro() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    app.run_round(ADMIN).await;
    app.say(ADMIN, "admin checkins").await;
    // One "we met" asks both, privately.
    app.press_with_value("U0ANA", "checkin_met", "1:0:met", "m1")
        .await;
    asked_to_keep(&app, &["U0ANA", "U0BEN"]).await;
    app.press_with_value("U0BEN", "checkin_met", "1:0:met", "m2")
        .await;
    app.settled().await;
    assert_eq!(
        dms_with(&app, "U0ANA", "Keep meeting your partner?").len(),
        1,
        "asked once"
    );

    let chosen = app
        .press_with_value("U0ANA", "keep_meeting", "1", "k1")
        .await;
    assert_eq!(chosen["replace_original"], true);
    let text = chosen.to_string();
    assert!(
        text.contains("✓ Keep meeting") && text.contains("*Your choice:* keep meeting"),
        "{text}"
    );
    // Ben learns nothing of Ana's choice.
    for dm in app.fake.calls("chat.postMessage") {
        if dm.body["channel"] == "U0BEN" {
            assert!(!dm.body.to_string().contains("Your choice"), "{}", dm.body);
        }
    }
    // Changeable until the round: Ben says new, then keep after all.
    app.press_with_value("U0BEN", "new_partner", "1", "k2")
        .await;
    app.press_with_value("U0BEN", "keep_meeting", "1", "k3")
        .await;

    let intros_before = app.fake.posts_with_text("you're paired").len();
    let round = app.run_round(ADMIN).await;
    let text = round.to_string();
    assert!(
        text.contains("Kept together (both chose to): <@U0ANA> + <@U0BEN>"),
        "{text}"
    );
    app.settled().await;
    let intros_after = app.fake.posts_with_text("you're paired").len();
    assert_eq!(intros_after, intros_before, "no second intro");
    let continuing = app.fake.posts_with_text("continuing together for round 2");
    assert_eq!(continuing.len(), 1, "one message to the pair");
    // The rounds history says they were kept (what `tandem match --history`
    // reads).
    let history = app
        .redis_get(&format!("{}:{{T0TEST}}:doc:rounds", app.prefix))
        .await
        .expect("a rounds history");
    let history: Value = serde_json::from_str(&history).unwrap();
    assert_eq!(history["rounds"][1]["groups"][0]["kept"], true, "{history}");
    assert!(
        history["rounds"][0]["groups"][0].get("kept").is_none(),
        "{history}"
    );
    let stats = block_texts(&app.say(ADMIN, "admin stats").await);
    assert!(
        stats.iter().any(|t| t.contains("*Kept pairs:* <5")),
        "{stats:?}"
    );
}

#[tokio::test]
async fn one_wanting_someone_new_re_pairs_both_and_max_rounds_ends_even_a_happy_pair() {
    for (max, ana_keeps) in [(3, false), (1, true)] {
        let app = spawn(Spawn {
            tweak: Some(if max == 1 {
                |c| c.pairing.max_rounds_together = 1
            } else {
                |_| {}
            }),
            ..Spawn::default()
        })
        .await;
        app.join_ana_and_ben().await;
        app.run_round(ADMIN).await;
        app.say(ADMIN, "admin checkins").await;
        app.press_with_value("U0ANA", "checkin_met", "1:0:met", "m1")
            .await;
        asked_to_keep(&app, &["U0ANA", "U0BEN"]).await;
        let ana = if ana_keeps {
            "keep_meeting"
        } else {
            "new_partner"
        };
        app.press_with_value("U0ANA", ana, "1", "k1").await;
        app.press_with_value("U0BEN", "keep_meeting", "1", "k2")
            .await;
        let round = app.run_round(ADMIN).await.to_string();
        assert!(!round.contains("Kept together"), "max {max}: {round}");
        assert!(
            !together(
                &groups(&serde_json::from_str(&round).unwrap()),
                "U0ANA",
                "U0BEN"
            ),
            "{round}"
        );
    }
}

/// Four members, paired; `silent` never answers a check-in, the others
/// always do; four check-ins go out.
async fn four_with_one_silent(app: &TestApp, silent: &str) {
    join(app, "U0ANA", "sql", "rust", "").await;
    join(app, "U0BEN", "rust", "sql", "").await;
    join(app, "U0CAT", "rust", "sql", "").await;
    join(app, "U0DAN", "sql", "rust", "").await;
    app.run_round(ADMIN).await;
    for n in 1..=4 {
        app.say(ADMIN, "admin checkins").await;
        for user in ["U0ANA", "U0BEN", "U0CAT", "U0DAN"] {
            if user != silent {
                app.press_with_value(
                    user,
                    "checkin_met",
                    &format!("{n}:0:not_yet"),
                    &format!("{user}{n}"),
                )
                .await;
            }
        }
    }
    settle_long(app).await;
}

/// Every delivery finished; DMs to one person are paced a second apart, so
/// a few weeks of check-ins and nudges take longer than `settled` waits.
async fn settle_long(app: &TestApp) {
    let deadline = tokio::time::Instant::now() + std::time::Duration::from_secs(90);
    while app.metric("tandem_deliveries_in_flight").await != 0.0 {
        assert!(
            tokio::time::Instant::now() < deadline,
            "deliveries never finished"
        );
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
}

/// Only the nudges these tests are about (no haven't-met nudges).
fn quiet(config: &mut tandem::config::Config) {
    config.nudges.fizzle_rounds = 52;
}

#[tokio::test]
async fn a_silent_member_is_asked_then_paused_by_the_round_and_their_partner_goes_first() {
    let app = spawn(Spawn {
        tweak: Some(quiet),
        ..Spawn::default()
    })
    .await;
    four_with_one_silent(&app, "U0BEN").await;
    // After three unanswered check-ins, the fourth comes with "still in?".
    let asked = dms_with(&app, "U0BEN", "Still in?");
    assert_eq!(asked.len(), 1, "asked once");
    assert!(asked[0]
        .to_string()
        .contains("\"action_id\":\"pause_month\""));
    for other in ["U0ANA", "U0CAT", "U0DAN"] {
        assert!(dms_with(&app, other, "Still in?").is_empty(), "{other}");
    }
    let partner = {
        let round1 = app.fake.calls("chat.postMessage");
        let intro = round1
            .iter()
            .find(|c| {
                c.body.to_string().contains("<@U0BEN>")
                    && c.body.to_string().contains("you're paired")
            })
            .unwrap()
            .body
            .to_string();
        ["U0ANA", "U0CAT", "U0DAN"]
            .into_iter()
            .find(|u| intro.contains(&format!("<@{u}>")))
            .unwrap()
    };
    let round = app.run_round(ADMIN).await;
    assert!(
        !round.to_string().contains("<@U0BEN>"),
        "paused, not paired: {round}"
    );
    settle_long(&app).await;
    let paused = dms_with(&app, "U0BEN", "Your Tandem membership is paused");
    assert_eq!(paused.len(), 1, "told once");
    assert!(
        paused[0].to_string().contains("\"action_id\":\"resume\""),
        "with a Resume button"
    );
    assert_eq!(
        dms_with(&app, partner, "First in line for a new partner").len(),
        1
    );
    assert!(
        groups(&round)
            .iter()
            .any(|g| g.iter().any(|m| m == partner)),
        "{round}"
    );
    assert!(app
        .say("U0BEN", "status")
        .await
        .to_string()
        .contains("Paused"));
    // Nothing about why reaches anyone else.
    for other in ["U0ANA", "U0CAT", "U0DAN"] {
        assert!(dms_with(&app, other, "unanswered").is_empty(), "{other}");
    }
}

#[tokio::test]
async fn answering_still_in_keeps_a_quiet_member_in_the_round() {
    let app = spawn(Spawn {
        tweak: Some(quiet),
        ..Spawn::default()
    })
    .await;
    four_with_one_silent(&app, "U0DAN").await;
    let kept = app.press_with_value("U0DAN", "still_in", "", "s1").await;
    assert_eq!(
        kept["text"],
        "Great — you're in. Nothing changes; your next check-in comes as usual."
    );
    let round = app.run_round(ADMIN).await;
    assert!(round.to_string().contains("<@U0DAN>"), "{round}");
    settle_long(&app).await;
    assert!(dms_with(&app, "U0DAN", "Your Tandem membership is paused").is_empty());
}

/// The issue's case: A avoids B and C's manager is D, four members who
/// could each learn from two others → A–D and B–C, every time; and nobody
/// but A ever receives a message naming A's choice.
#[tokio::test]
async fn an_avoid_list_and_a_manager_together_give_the_only_allowed_pairs() {
    let app = spawn_app().await;
    join(&app, "U0AAA", "sql", "rust", "").await;
    join(&app, "U0BBB", "rust", "sql", "").await;
    join(&app, "U0CCC", "sql", "rust", "; manager: <@U0DDD|d>").await;
    join(&app, "U0DDD", "rust", "sql", "").await;
    app.say("U0AAA", "avoid <@U0BBB|b>").await;
    for _ in 0..3 {
        let preview = app.say(ADMIN, "admin round preview").await;
        assert!(!preview.to_string().contains("do-not-pair"), "{preview}");
        let mut g: Vec<Vec<String>> = groups(&preview)
            .into_iter()
            .map(|mut g| {
                g.sort();
                g
            })
            .collect();
        g.sort();
        assert_eq!(
            g,
            vec![
                vec!["U0AAA".to_owned(), "U0DDD".to_owned()],
                vec!["U0BBB".to_owned(), "U0CCC".to_owned()]
            ],
            "{preview}"
        );
    }
    app.run_round(ADMIN).await;
    settle_long(&app).await;
    for call in app.fake.all_calls() {
        let body = call.body.to_string();
        let to_a = body.contains("\"channel\":\"U0AAA\"") || call.method == "response_url";
        if !to_a {
            assert!(
                !body.contains("do-not-pair") && !body.contains("won't be paired"),
                "{body}"
            );
        }
    }
}

#[tokio::test]
async fn a_newcomer_is_never_offered_a_place_beside_someone_they_avoid() {
    let app = spawn_app().await;
    join_circle_minded(&app, &["U0C001", "U0C002", "U0C003", "U0C004"]).await;
    let formed = app.say(ADMIN, "admin circles 4").await;
    assert!(
        formed["text"]
            .as_str()
            .unwrap()
            .starts_with("*Formed 1 circle"),
        "{formed}"
    );
    join(&app, "U0NEWBIE", "sql", "rust", "; format: circle").await;
    app.say("U0NEWBIE", "avoid <@U0C003>").await;
    let reply = app.say(ADMIN, "admin circles").await;
    let text = reply["text"].as_str().unwrap();
    assert!(!text.contains("Offered"), "{text}");
    app.settled().await;
    assert!(
        !app.fake
            .calls("chat.postMessage")
            .iter()
            .any(|c| c.body["channel"] == "U0NEWBIE" && c.body.to_string().contains("circle_join")),
        "no place offered beside someone on their list"
    );
    // Nor can an old offer be used to get in.
    let pressed = app
        .press_with_value("U0NEWBIE", "circle_join", "1", "j1")
        .await;
    assert!(
        !pressed["text"].as_str().unwrap().starts_with("You're in"),
        "{pressed}"
    );
}

#[tokio::test]
async fn when_no_split_keeps_two_apart_one_of_them_is_left_out_of_the_circle() {
    let app = spawn_app().await;
    join_circle_minded(&app, &["U0C001", "U0C002", "U0C003", "U0C004"]).await;
    app.say("U0C001", "avoid <@U0C002>").await;
    // Four people, circles of about four: one circle, unless it would put
    // the two together.
    let preview = app.say(ADMIN, "admin circles preview 4").await;
    let g = groups(&preview);
    assert_eq!(g.len(), 1, "{preview}");
    assert_eq!(g[0].len(), 3, "{preview}");
    assert!(!together(&g, "U0C001", "U0C002"), "{preview}");
    let text = preview.to_string();
    assert!(
        text.contains("1 member couldn't be placed in a circle this time"),
        "{text}"
    );
    assert!(
        !text.contains("do-not-pair") && !text.contains("avoid"),
        "{text}"
    );
}
