//! When Slack says no. First the fake itself: it must refuse what Slack
//! refuses, or every other test could pass against a Slack that does not
//! exist. Then the bot under each refusal it can meet: a form Slack will not
//! open, `users.info` failing, a Home tab Slack refuses, an intro whose group
//! DM cannot be opened, channel invites, kicks and member lists failing, and
//! per-channel pacing against Slack's one-message-per-second limit.

use crate::support;

use serde_json::{json, Value};
use std::time::Duration;
use support::fake_slack::{FakeSlack, Scripted, MAX_MESSAGE_BLOCKS, MAX_TEXT, MAX_VIEW_BLOCKS};
use support::*;

const ADMIN: &str = "U0ADMIN1";

/// Calls the fake directly, as a client would, and returns Slack's answer.
async fn call(fake: &FakeSlack, method: &str, token: Option<&str>, body: &str) -> Value {
    let mut request = http_client()
        .post(format!("{}/{method}", fake.api_url()))
        .header("content-type", "application/json; charset=utf-8")
        .body(body.to_owned());
    if let Some(token) = token {
        request = request.bearer_auth(token);
    }
    request.send().await.unwrap().json().await.unwrap()
}

fn section(text: &str) -> Value {
    json!({ "type": "section", "text": { "type": "mrkdwn", "text": text } })
}

fn error(answer: &Value) -> &str {
    answer["error"].as_str().unwrap_or("(ok)")
}

#[tokio::test]
async fn the_fake_refuses_what_slack_refuses() {
    let fake = FakeSlack::start().await;
    let bot = Some(BOT_TOKEN);
    let post = |body: Value| body.to_string();
    let hello = post(json!({ "channel": "C0GENERAL", "text": "hello" }));

    // Tokens: none, a wrong one, the app token where the bot's belongs.
    assert_eq!(
        error(&call(&fake, "chat.postMessage", None, &hello).await),
        "not_authed"
    );
    assert_eq!(
        error(&call(&fake, "chat.postMessage", Some("xoxb-stolen"), &hello).await),
        "invalid_auth"
    );
    assert_eq!(
        error(&call(&fake, "chat.postMessage", Some(APP_TOKEN), &hello).await),
        "not_allowed_token_type"
    );
    assert_eq!(
        error(&call(&fake, "apps.connections.open", bot, "{}").await),
        "not_allowed_token_type"
    );
    assert_eq!(
        error(&call(&fake, "chat.postMessage", bot, &hello).await),
        "(ok)"
    );

    // Unknown or misspelled methods, missing arguments, broken JSON.
    assert_eq!(
        error(&call(&fake, "chat.postMesage", bot, &hello).await),
        "unknown_method"
    );
    assert_eq!(
        error(
            &call(
                &fake,
                "chat.postMessage",
                bot,
                &post(json!({ "text": "x" }))
            )
            .await
        ),
        "invalid_arguments"
    );
    assert_eq!(
        error(
            &call(
                &fake,
                "chat.postMessage",
                bot,
                &post(json!({ "channel": "C1" }))
            )
            .await
        ),
        "no_text"
    );
    assert_eq!(
        error(
            &call(
                &fake,
                "views.publish",
                bot,
                &post(json!({ "user_id": "U1" }))
            )
            .await
        ),
        "invalid_arguments"
    );
    assert_eq!(
        error(&call(&fake, "chat.postMessage", bot, "{\"channel\": \"C1\", ").await),
        "invalid_json"
    );
    let broken = fake.calls("chat.postMessage").last().unwrap().clone();
    assert!(broken.refused && broken.body["_malformed"].is_string());

    // Block Kit's limits: 50 blocks in a message, 100 in a view, 3,000
    // characters in a section.
    let blocks = |n: usize| vec![section("x"); n];
    let message =
        |blocks: Vec<Value>| post(json!({ "channel": "C1", "text": "t", "blocks": blocks }));
    assert_eq!(
        error(
            &call(
                &fake,
                "chat.postMessage",
                bot,
                &message(blocks(MAX_MESSAGE_BLOCKS))
            )
            .await
        ),
        "(ok)"
    );
    assert_eq!(
        error(
            &call(
                &fake,
                "chat.postMessage",
                bot,
                &message(blocks(MAX_MESSAGE_BLOCKS + 1))
            )
            .await
        ),
        "invalid_blocks"
    );
    let long = "a".repeat(MAX_TEXT + 1);
    assert_eq!(
        error(
            &call(
                &fake,
                "chat.postMessage",
                bot,
                &message(vec![section(&long)])
            )
            .await
        ),
        "invalid_blocks"
    );
    let view = |n: usize| {
        post(json!({ "user_id": "U1", "view": { "type": "home", "blocks": blocks(n) } }))
    };
    assert_eq!(
        error(&call(&fake, "views.publish", bot, &view(MAX_VIEW_BLOCKS)).await),
        "(ok)"
    );
    assert_eq!(
        error(&call(&fake, "views.publish", bot, &view(MAX_VIEW_BLOCKS + 1)).await),
        "invalid_blocks"
    );
    assert_eq!(
        fake.malformed_calls().len(),
        12,
        "each wrong call is recorded as such"
    );

    // People the workspace does not have.
    let info = |user: &str| post(json!({ "user": user }));
    assert_eq!(
        error(&call(&fake, "users.info", bot, &info("U0NOBODY")).await),
        "user_not_found"
    );
    fake.add_user("U0ANA");
    fake.add_user("U0BEN");
    assert_eq!(
        error(&call(&fake, "users.info", bot, &info("U0ANA")).await),
        "(ok)"
    );

    // The same group DM for the same people, in any order.
    let open = |users: &str| post(json!({ "users": users }));
    let ab = call(&fake, "conversations.open", bot, &open("U0ANA,U0BEN")).await;
    let ba = call(&fake, "conversations.open", bot, &open("U0BEN,U0ANA")).await;
    assert_eq!(ab["channel"]["id"], ba["channel"]["id"]);
    assert_eq!(
        error(&call(&fake, "conversations.open", bot, &open("U0ANA,U0NOBODY")).await),
        "user_not_found"
    );

    // Channels: inviting someone already in, kicking someone not in,
    // members a page at a time.
    fake.set_channel_members("C0TEAM", &["U0ANA", "U0BOT"]);
    let invite = |users: &str, force: bool| {
        post(json!({ "channel": "C0TEAM", "users": users, "force": force }))
    };
    assert_eq!(
        error(
            &call(
                &fake,
                "conversations.invite",
                bot,
                &invite("U0ANA,U0BEN", false)
            )
            .await
        ),
        "already_in_channel"
    );
    assert_eq!(
        fake.channel_members("C0TEAM"),
        ["U0ANA", "U0BOT"],
        "nobody invited"
    );
    assert_eq!(
        error(
            &call(
                &fake,
                "conversations.invite",
                bot,
                &invite("U0ANA,U0BEN", true)
            )
            .await
        ),
        "(ok)"
    );
    assert_eq!(fake.channel_members("C0TEAM"), ["U0ANA", "U0BOT", "U0BEN"]);
    let kick = post(json!({ "channel": "C0TEAM", "user": "U0CAT" }));
    assert_eq!(
        error(&call(&fake, "conversations.kick", bot, &kick).await),
        "not_in_channel"
    );
    let missing = post(json!({ "channel": "C0NOWHERE", "users": "U0ANA" }));
    assert_eq!(
        error(&call(&fake, "conversations.invite", bot, &missing).await),
        "channel_not_found"
    );
    let page = |cursor: &str| post(json!({ "channel": "C0TEAM", "limit": 200, "cursor": cursor }));
    let first = call(&fake, "conversations.members", bot, &page("")).await;
    assert_eq!(first["members"], json!(["U0ANA", "U0BOT"]));
    let cursor = first["response_metadata"]["next_cursor"]
        .as_str()
        .unwrap()
        .to_owned();
    assert!(!cursor.is_empty(), "a second page follows");
    let second = call(&fake, "conversations.members", bot, &page(&cursor)).await;
    assert_eq!(second["members"], json!(["U0BEN"]));
    assert_eq!(second["response_metadata"]["next_cursor"], "");
}

#[tokio::test]
async fn a_form_slack_will_not_open_is_explained_where_the_member_is() {
    let app = spawn_app().await;
    let explained = "Slack didn't open the form this time. Please try again — if it keeps happening, the `/tandem` commands do the same without a form (`/tandem help`).";

    // From a command: the explanation follows the command's own reply.
    app.fake
        .script("views.open", Scripted::Error("expired_trigger_id"));
    app.command("U0ANA", "join", "j").await;
    let replies = app.fake.wait_for("response_url", 2, WAIT).await;
    assert_eq!(replies[1].body["text"], explained);
    assert_eq!(replies[1].body["_response_url_id"], "j");

    // From the Home tab (no response URL): in a DM.
    app.fake
        .script("views.open", Scripted::Error("expired_trigger_id"));
    app.press_on_home("U0ANA", "open_goal").await;
    let dms = app.fake.wait_for("chat.postMessage", 1, WAIT).await;
    assert_eq!(dms[0].body["channel"], "U0ANA");
    assert_eq!(dms[0].body["text"], explained);

    // A form that opens says nothing more.
    app.settled().await;
    let posted = app.fake.calls("chat.postMessage").len();
    app.press_on_home("U0ANA", "open_goal").await;
    app.fake.wait_for("views.open", 3, WAIT).await;
    app.settled().await;
    assert_eq!(app.fake.calls("chat.postMessage").len(), posted);
}

#[tokio::test]
async fn users_info_failing_neither_blocks_joining_nor_passes_for_not_an_admin() {
    let app = spawn_app().await;
    // Joining: the time zone stays unknown (the program default applies).
    app.fake
        .script("users.info", Scripted::Error("fatal_error"));
    let failed = app.say("U0ANA", "join").await;
    let normal = app.say("U0BEN", "join").await;
    assert_eq!(failed["text"], normal["text"], "the same welcome");
    let profile = app
        .redis_get(&format!("{}:{{T0TEST}}:user:U0ANA:profile", app.prefix))
        .await
        .expect("Ana's profile is stored");
    assert!(profile.contains("\"timezone\":null"), "{profile}");

    // An admin command: not knowing is not "no".
    app.fake
        .script("users.info", Scripted::Error("ratelimited"));
    let unsure = app.say(ADMIN, "admin round preview").await;
    assert_eq!(
        unsure["text"],
        "I couldn't ask Slack whether you're a workspace admin just now. Please try again in a minute."
    );
    let sure = app.say(ADMIN, "admin round preview").await;
    assert!(
        sure["text"]
            .as_str()
            .unwrap()
            .starts_with("*Preview of round 1*"),
        "{sure}"
    );
}

#[tokio::test]
async fn a_home_tab_slack_refuses_is_counted_and_the_next_one_goes_out() {
    let app = spawn_app().await;
    app.fake
        .script("views.publish", Scripted::Error("not_enabled"));
    app.say("U0ANA", "goal add Learn Rust").await;
    app.wait_for_metric(
        r#"tandem_slack_api_calls_total{method="views.publish",result="slack_error"} 1"#,
    )
    .await;
    app.say("U0ANA", "note Ask Ben").await;
    let published = app.fake.wait_for("views.publish", 2, WAIT).await;
    assert!(!published[1].refused);
    let home = published[1].body["view"].to_string();
    assert!(
        home.contains("Learn Rust") && home.contains("Ask Ben"),
        "{home}"
    );
}

#[tokio::test]
async fn an_intro_whose_group_dm_fails_does_not_stop_the_others() {
    let app = spawn_app().await;
    for (user, offer, learn) in [
        ("U0ANA", "sql", "rust"),
        ("U0BEN", "rust", "sql"),
        ("U0CAT", "python", "design"),
        ("U0DAN", "design", "python"),
    ] {
        app.say(user, "join").await;
        app.say(
            user,
            &format!("profile offer: {offer}; learn: {learn}; level: 3"),
        )
        .await;
    }
    app.fake
        .script("conversations.open", Scripted::Error("cannot_dm_bot"));
    app.say(ADMIN, "admin round").await;
    app.fake.wait_for("conversations.open", 2, WAIT).await;
    app.settled().await;
    let intros: Vec<_> = app
        .fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["channel"].as_str().unwrap().starts_with('G'))
        .collect();
    assert_eq!(intros.len(), 1, "the other pair was introduced");
    app.wait_for_metric(
        r#"tandem_slack_api_calls_total{method="conversations.open",result="slack_error"} 1"#,
    )
    .await;
}

#[tokio::test]
async fn a_channel_the_bot_cannot_read_gets_a_clear_answer() {
    let app = spawn_app().await;
    app.fake.script(
        "conversations.members",
        Scripted::Error("channel_not_found"),
    );
    let reply = app.say(ADMIN, "admin circle <#C0DESIGN01|design>").await;
    assert_eq!(
        reply["text"],
        "I can't see who is in <#C0DESIGN01>. Invite me there first (`/invite @Tandem`), then try again."
    );
}

#[tokio::test]
async fn binding_a_channel_reads_every_page_of_its_members() {
    let app = spawn_app().await;
    let people = ["U0P1", "U0P2", "U0P3", "U0P4", "U0P5"];
    for u in people {
        app.say(u, "join").await;
    }
    let mut in_channel = people.to_vec();
    in_channel.push("U0BOT");
    app.fake.set_channel_members("C0DESIGN01", &in_channel);
    let reply = app.say(ADMIN, "admin circle <#C0DESIGN01|design>").await;
    let text = reply["text"].as_str().unwrap();
    assert!(
        text.starts_with("<#C0DESIGN01> is now a circle of 5."),
        "{text}"
    );
    assert!(
        !text.contains("not (actively)"),
        "Tandem itself is no outsider: {text}"
    );
    let pages = app.fake.calls("conversations.members");
    assert_eq!(pages.len(), 3, "six members, two a page");
    assert_eq!(pages[2].body["cursor"], "page:4");
}

#[tokio::test]
async fn messages_to_one_channel_are_paced_to_slacks_limit() {
    use tandem::slack::client::{build_client, build_reply_client, Timeouts};
    let fake = FakeSlack::start().await;
    fake.enforce_per_channel_limit(Duration::from_secs(1));
    let timeouts = Timeouts {
        io: Duration::from_secs(10),
    };
    let api = tandem::slack::SlackApi::new(
        build_client(&fake.api_url(), timeouts).unwrap(),
        build_reply_client(&fake.api_url(), timeouts).unwrap(),
        &secrecy::SecretString::from(BOT_TOKEN.to_owned()),
        tandem::metrics::Metrics::new(),
    );
    let content = |n: usize| {
        slack_morphism::prelude::SlackMessageContent::new().with_text(format!("message {n}"))
    };
    let busy = slack_morphism::prelude::SlackChannelId::new("C0BUSY".into());
    let other = slack_morphism::prelude::SlackChannelId::new("C0OTHER".into());
    // Four messages to one channel and one to another, all at once.
    let sends = (0..4).map(|n| api.post_message(&busy, content(n)));
    let (busy_results, other_result) = tokio::join!(
        futures_util::future::join_all(sends),
        api.post_message(&other, content(9))
    );
    assert!(busy_results.iter().all(Result::is_ok), "{busy_results:?}");
    assert!(other_result.is_ok());
    assert_eq!(fake.rate_limited(), 0, "paced, never refused");
    let posts = fake.calls("chat.postMessage");
    let at = |channel: &str| -> Vec<std::time::Instant> {
        posts
            .iter()
            .filter(|c| c.body["channel"] == channel)
            .map(|c| c.at)
            .collect()
    };
    let busy_at = at("C0BUSY");
    assert_eq!(busy_at.len(), 4);
    for pair in busy_at.windows(2) {
        let gap = pair[1].duration_since(pair[0]);
        assert!(gap >= Duration::from_millis(900), "only {gap:?} apart");
    }
    // The other channel did not wait behind the busy one.
    let other_at = at("C0OTHER")[0];
    assert!(other_at.duration_since(busy_at[0]) < Duration::from_millis(500));
}

/// Four circle-minded members with complete profiles.
async fn circle_people(app: &TestApp) -> Vec<String> {
    let people: Vec<String> = (0..4).map(|i| format!("U0CI{i}")).collect();
    for (i, u) in people.iter().enumerate() {
        app.say(u, "join").await;
        let (offer, learn) = if i % 2 == 0 {
            ("sql", "rust")
        } else {
            ("rust", "sql")
        };
        app.say(
            u,
            &format!("profile offer: {offer}; learn: {learn}; level: 3; format: circle"),
        )
        .await;
    }
    people
}

#[tokio::test]
async fn a_circle_whose_members_slack_will_not_add_is_formed_and_the_admin_told() {
    let app = spawn_app().await;
    circle_people(&app).await;
    app.fake
        .script("conversations.invite", Scripted::Error("cant_invite"));
    let reply = app.say(ADMIN, "admin circles").await.to_string();
    assert!(
        reply.contains("*Formed 1 circle:* <#C0CIRCLE01> (4)"),
        "{reply}"
    );
    assert!(
        reply.contains("I couldn't add the members to <#C0CIRCLE01> (slack error cant_invite). Add them with `/invite`"),
        "{reply}"
    );
    // Adding them again later (someone already in) is not an error.
    let ok = app.say(ADMIN, "admin circles preview").await.to_string();
    assert!(!ok.contains("couldn't add"), "{ok}");
}

#[tokio::test]
async fn leaving_a_circle_works_when_slack_will_not_remove_the_member() {
    let app = spawn_app().await;
    let people = circle_people(&app).await;
    app.say(ADMIN, "admin circles").await;
    app.fake
        .script("conversations.kick", Scripted::Error("restricted_action"));
    app.say(&people[0], "leave").await;
    app.press(&people[0], "leave_confirm", "bye").await;
    app.settled().await;
    let kicks = app.fake.calls("conversations.kick");
    assert_eq!(kicks.len(), 1);
    assert_eq!(kicks[0].error.as_deref(), Some("restricted_action"));
    // Out of the circle's roster all the same, and the circle is told.
    let doc = app
        .redis_get(&format!("{}:{{T0TEST}}:doc:circles", app.prefix))
        .await
        .expect("circles are stored");
    assert!(
        doc.contains(&people[1]) && !doc.contains(&people[0]),
        "{doc}"
    );
    let told = app.fake.calls("chat.postMessage").iter().any(|c| {
        c.body["channel"] == "C0CIRCLE01" && c.body.to_string().contains("has stepped out")
    });
    assert!(told);
}
