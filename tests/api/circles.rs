//! Circles end to end against real Redis and the fake Slack: forming with
//! private channels (and another name when one is taken), binding an
//! existing channel, weekly prompts once per circle across replicas, the
//! facilitator rotation, replies and check-ins in the thread, sharing, and
//! leaving (removed everywhere), merges of small circles.

use crate::support;

use chrono::{DateTime, Duration as Span, TimeZone, Utc};
use serde_json::{json, Value};
use std::collections::BTreeSet;
use std::time::Duration;
use support::fake_slack::FakeSlack;
use support::*;
use tandem::clock::ManualClock;

const ADMIN: &str = "U0ADMIN1";

/// Monday 30 November 2026, 08:00 UTC; prompts are Tuesdays 10:00 UTC.
fn monday() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 30, 8, 0, 0).unwrap()
}

fn first_prompt() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 10, 0, 0).unwrap()
}

fn people(n: usize) -> Vec<String> {
    (0..n).map(|i| format!("U0C{i:03}")).collect()
}

/// Members who prefer circles, with complete profiles and varied skills.
async fn join_circle_people(app: &TestApp, users: &[String]) {
    let skills = [
        "sql",
        "rust",
        "design",
        "writing",
        "public speaking",
        "kubernetes",
    ];
    for (i, u) in users.iter().enumerate() {
        app.say(u, "join").await;
        let offer = skills[i % skills.len()];
        let learn = skills[(i + 2) % skills.len()];
        app.say(
            u,
            &format!("profile offer: {offer}; learn: {learn}; level: 3; format: circle"),
        )
        .await;
    }
}

fn posts_in(fake: &FakeSlack, channel: &str) -> Vec<Value> {
    fake.calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["channel"] == channel && !c.refused)
        .map(|c| c.body)
        .collect()
}

/// Prompts posted in `channel` by any replica, oldest first.
fn prompts_in(fakes: &[&FakeSlack], channel: &str) -> Vec<Value> {
    let mut calls: Vec<_> = fakes
        .iter()
        .flat_map(|f| f.calls("chat.postMessage"))
        .filter(|c| {
            c.body["channel"] == channel
                && !c.refused
                && c.body["text"].as_str().unwrap_or("").starts_with("Week ")
        })
        .collect();
    calls.sort_by_key(|c| c.at);
    calls.into_iter().map(|c| c.body).collect()
}

/// The facilitator a prompt names.
fn facilitator(prompt: &Value) -> String {
    let text = prompt.to_string();
    let at = text
        .find("This week's facilitator: <@")
        .expect("names a facilitator");
    text[at + 27..].split('>').next().unwrap().to_owned()
}

async fn circles_doc(app: &TestApp) -> Value {
    let raw = app
        .redis_get(&format!("{}:{{T0TEST}}:doc:circles", app.prefix))
        .await
        .expect("circles are stored");
    serde_json::from_str(&raw).unwrap()
}

/// Forms circles and returns the created channel ids.
async fn form(app: &TestApp, args: &str) -> Vec<String> {
    let before = app.fake.calls("conversations.create").len();
    let reply = app.say(ADMIN, &format!("admin circles {args}")).await;
    assert!(
        reply["text"].as_str().unwrap().starts_with("*Formed"),
        "{reply}"
    );
    let doc = circles_doc(app).await;
    let created = app.fake.calls("conversations.create").len() - before;
    assert!(created > 0);
    doc["circles"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["channel"].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn thirteen_members_form_circles_of_4_4_5_with_private_channels() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    let members = people(13);
    join_circle_people(&app, &members).await;
    app.say("U0PAIR", "join").await; // a 1:1 person is never put in a circle

    assert!(app.say("U0C001", "admin circles").await["text"]
        .as_str()
        .unwrap()
        .starts_with("Only program admins"));

    let preview = app.say(ADMIN, "admin circles preview 4").await;
    let text = preview["text"].as_str().unwrap();
    assert!(
        text.starts_with("*Preview:* 3 circles of about 4 ("),
        "{text}"
    );
    assert!(text.contains("5/4/4") || text.contains("4/4/5") || text.contains("4/5/4"));
    assert!(
        app.fake.calls("conversations.create").is_empty(),
        "preview creates nothing"
    );

    let channels = form(&app, "4").await;
    assert_eq!(channels.len(), 3);
    let creates = app.fake.calls("conversations.create");
    assert_eq!(creates.len(), 3);
    for c in &creates {
        assert!(c.body["name"]
            .as_str()
            .unwrap()
            .starts_with("tandem-circle-"));
        assert_eq!(c.body["is_private"], true);
    }
    let names: BTreeSet<&str> = creates
        .iter()
        .map(|c| c.body["name"].as_str().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "unique names");

    // Exactly the circle's members are invited to each channel.
    let doc = circles_doc(&app).await;
    let mut sizes = Vec::new();
    let mut everyone = BTreeSet::new();
    for circle in doc["circles"].as_array().unwrap() {
        let channel = circle["channel"].as_str().unwrap();
        let roster: BTreeSet<String> = circle["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_owned())
            .collect();
        sizes.push(roster.len());
        let invited: BTreeSet<String> = app
            .fake
            .calls("conversations.invite")
            .iter()
            .filter(|c| c.body["channel"] == channel)
            .flat_map(|c| match &c.body["users"] {
                Value::Array(users) => users
                    .iter()
                    .map(|u| u.as_str().unwrap().to_owned())
                    .collect::<Vec<_>>(),
                users => users
                    .as_str()
                    .unwrap()
                    .split(',')
                    .map(str::to_owned)
                    .collect(),
            })
            .collect();
        assert_eq!(invited, roster, "{channel}");
        everyone.extend(roster);
        let intro = posts_in(&app.fake, channel);
        assert_eq!(intro.len(), 1);
        let shown = intro[0].to_string();
        assert!(
            shown.contains("Welcome to your peer-mentoring circle"),
            "{shown}"
        );
        assert!(shown.contains("can offer"), "{shown}");
        assert!(shown.contains("facilitates first"), "{shown}");
        assert!(shown.contains("What's said in the circle stays in the circle"));
    }
    sizes.sort();
    assert_eq!(sizes, [4, 4, 5]);
    assert_eq!(everyone, members.iter().cloned().collect::<BTreeSet<_>>());

    // The Home tab shows the circle; running again finds nobody left.
    let status = app.say("U0C000", "status").await.to_string();
    assert!(status.contains("Your circle:"), "{status}");
    let again = app.say(ADMIN, "admin circles").await;
    assert!(again["text"]
        .as_str()
        .unwrap()
        .starts_with("0 members prefer circles"));
    // Circle members are not paired in rounds.
    let round = app.say(ADMIN, "admin round preview").await.to_string();
    assert!(!round.contains("U0C00"), "{round}");
}

#[tokio::test]
async fn a_taken_channel_name_is_replaced_by_another() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    join_circle_people(&app, &people(4)).await;
    app.fake.take_channel_name("tandem-circle-maple");
    let channels = form(&app, "").await;
    assert_eq!(channels.len(), 1);
    let names: Vec<String> = app
        .fake
        .calls("conversations.create")
        .iter()
        .map(|c| c.body["name"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(names, ["tandem-circle-maple", "tandem-circle-maple-2"]);
}

#[tokio::test]
async fn a_slack_refusal_stops_forming_and_says_so() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    join_circle_people(&app, &people(4)).await;
    app.fake.script(
        "conversations.create",
        support::fake_slack::Scripted::Error("restricted_action"),
    );
    let reply = app.say(ADMIN, "admin circles").await.to_string();
    assert!(reply.contains("Stopped after 0 of 1"), "{reply}");
    assert!(reply.contains("restricted_action"), "{reply}");
    // Nobody was assigned, so running again forms the circle.
    form(&app, "").await;
}

#[tokio::test]
async fn the_weekly_prompt_is_posted_once_per_circle_with_two_replicas_and_rotates() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    let members = people(8);
    join_circle_people(&app, &members).await;
    let channels = form(&app, "4").await;
    assert_eq!(channels.len(), 2);
    let other = spawn(Spawn {
        prefix: Some(app.prefix.clone()),
        clock: Some(clock.clone()),
        ..Spawn::default()
    })
    .await;
    let (first_fake, other_fake) = (app.fake.clone(), other.fake.clone());
    let fakes = [&first_fake, &other_fake];

    let mut named: Vec<Vec<String>> = vec![Vec::new(); channels.len()];
    let mut first_replica = Some(app);
    for week in 0..5 {
        if week == 3 {
            // From here on only the second replica runs: the prompts of
            // weeks 4 and 5 can only come from its own claims.
            first_replica.take().unwrap().crash().await;
        }
        clock.set(first_prompt() + Span::weeks(week));
        wait_until("this week's prompts", || {
            channels
                .iter()
                .all(|c| prompts_in(&fakes, c).len() == week as usize + 1)
        })
        .await;
        if let Some(app) = &first_replica {
            app.scheduler_ticked().await;
        }
        other.scheduler_ticked().await;
        for (i, c) in channels.iter().enumerate() {
            let prompts = prompts_in(&fakes, c);
            assert_eq!(prompts.len(), week as usize + 1, "once per circle per week");
            named[i].push(facilitator(prompts.last().unwrap()));
        }
    }
    for c in &channels {
        assert!(
            prompts_in(&[&other_fake], c).len() >= 2,
            "the second replica claimed and posted the later prompts"
        );
    }
    let app = other;
    let doc = circles_doc(&app).await;
    for (i, circle) in doc["circles"].as_array().unwrap().iter().enumerate() {
        let roster: Vec<String> = circle["members"]
            .as_array()
            .unwrap()
            .iter()
            .map(|m| m.as_str().unwrap().to_owned())
            .collect();
        assert_eq!(roster.len(), 4);
        // Every member facilitates once before anyone repeats.
        let first_four: BTreeSet<&String> = named[i][..4].iter().collect();
        assert_eq!(first_four.len(), 4, "{:?}", named[i]);
        assert_eq!(named[i][4], named[i][0], "then the rotation starts over");
    }
    let first = prompts_in(&fakes, &channels[0])[0].to_string();
    assert!(first.contains("Progress on goals"), "{first}");
    let second = prompts_in(&fakes, &channels[0])[1].to_string();
    assert!(second.contains("A decision to reflect on"), "{second}");
}

#[tokio::test]
async fn replies_and_check_ins_land_in_the_prompt_thread() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    let members = people(3);
    join_circle_people(&app, &members).await;
    app.say("U0C000", "goal add Ship the style guide").await;
    app.say("U0C000", "goal add A private goal").await;
    app.say("U0C000", "goal share 1").await;
    let channel = form(&app, "").await.remove(0);
    clock.set(first_prompt());
    wait_until("the prompt", || {
        prompts_in(&[&app.fake], &channel).len() == 1
    })
    .await;
    let thread = circles_doc(&app).await["circles"][0]["thread"]
        .as_str()
        .unwrap()
        .to_owned();

    // U0C001 replies in the thread (the text never reaches Tandem's store).
    let reply_from = |event_id: &str, user: &str, ts: &str| {
        event_callback(
            event_id,
            json!({
                "type": "message", "channel": channel, "user": user,
                "text": "My secret reflection", "ts": ts,
                "thread_ts": thread, "channel_type": "group", "event_ts": ts
            }),
        )
    };
    let reply = reply_from("Ev0REPLY1", "U0C001", "1700000099.000001");
    assert_eq!(app.event(&reply).await.status(), 200);
    // A redelivery carries the same event id: whatever it says (here, as
    // if from someone else), it is the same event and counts once.
    let redelivered = reply_from("Ev0REPLY1", "U0C002", "1700000099.000001");
    assert_eq!(app.event(&redelivered).await.status(), 200);
    // A new event from U0C000 is the barrier: once it counts, the
    // redelivery before it was handled too.
    let later = reply_from("Ev0REPLY2", "U0C000", "1700000099.000002");
    assert_eq!(app.event(&later).await.status(), 200);
    let deadline = tokio::time::Instant::now() + Duration::from_secs(5);
    loop {
        let doc = circles_doc(&app).await;
        let answered = &doc["circles"][0]["answered"];
        if answered.to_string().contains("U0C000") {
            assert_eq!(
                *answered,
                json!(["U0C001", "U0C000"]),
                "a retry counts once"
            );
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "{doc}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let keys = app.redis_keys().await;
    for key in keys {
        if let Some(v) = app.redis_get(&key).await {
            assert!(!v.contains("secret reflection"), "{key} holds reply text");
        }
    }

    // A check-in by a circle member (the scheduled one, sent Monday 09:00)
    // goes to the thread, with shared goals only.
    wait_until("the check-in DM", || {
        !posts_in(&app.fake, "U0C000").is_empty()
    })
    .await;
    app.press_with_value("U0C000", "checkin_goal", "1:1:progress", "p1")
        .await;
    app.press_with_value("U0C000", "checkin_goal", "1:2:stuck", "p2")
        .await;
    wait_until("the check-in in the thread", || {
        posts_in(&app.fake, &channel)
            .iter()
            .any(|p| p["text"].as_str().unwrap_or("").contains("checked in"))
    })
    .await;
    let posted = posts_in(&app.fake, &channel)
        .into_iter()
        .find(|p| p["text"].as_str().unwrap_or("").contains("checked in"))
        .unwrap();
    assert_eq!(posted["thread_ts"], thread.as_str());
    assert_eq!(
        posted["text"],
        "<@U0C000> checked in — goals: progress 1, stuck 1; no answer on meeting (“Ship the style guide”: progress)."
    );

    // Next week's prompt says who answered.
    clock.set(first_prompt() + Span::weeks(1));
    wait_until("the second prompt", || {
        prompts_in(&[&app.fake], &channel).len() == 2
    })
    .await;
    let second = prompts_in(&[&app.fake], &channel)[1].to_string();
    assert!(
        second.contains("Last week 2 of 3 answered: <@U0C001>, <@U0C000>. Thank you!"),
        "{second}"
    );
}

#[tokio::test]
async fn sharing_from_a_circle_member_posts_to_the_circle() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    join_circle_people(&app, &people(3)).await;
    let channel = form(&app, "").await.remove(0);
    let reply = app
        .say(
            "U0C002",
            "share https://example.com/talk A great talk on reviews",
        )
        .await;
    assert!(reply["text"]
        .as_str()
        .unwrap()
        .starts_with(&format!("Shared in <#{channel}>")));
    wait_until("the share in the channel", || {
        posts_in(&app.fake, &channel)
            .iter()
            .any(|p| p.to_string().contains("https://example.com/talk"))
    })
    .await;
    let doc = circles_doc(&app).await;
    assert_eq!(doc["circles"][0]["shelf"][0][0], "U0C002");
}

#[tokio::test]
async fn leaving_removes_the_member_everywhere_and_small_circles_are_offered_a_merge() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    let members = people(7);
    join_circle_people(&app, &members).await;
    let channels = form(&app, "3").await;
    assert_eq!(channels.len(), 2);
    let doc = circles_doc(&app).await;
    let small = doc["circles"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["members"].as_array().unwrap().len() == 3)
        .unwrap()
        .clone();
    let leaver = small["members"][0].as_str().unwrap().to_owned();
    let channel = small["channel"].as_str().unwrap().to_owned();
    let small_id = small["id"].as_u64().unwrap();

    // Leave (with the confirm button).
    app.say(&leaver, "leave").await;
    let before = app.fake.calls("response_url").len();
    app.press(&leaver, "leave_confirm", "l1").await;
    app.fake.wait_for("response_url", before + 1, WAIT).await;
    wait_until("the kick", || {
        app.fake
            .calls("conversations.kick")
            .iter()
            .any(|c| c.body["user"] == leaver.as_str() && c.body["channel"] == channel.as_str())
    })
    .await;
    let doc = circles_doc(&app).await.to_string();
    assert!(
        !doc.contains(&leaver),
        "removed from roster and rotation: {doc}"
    );
    wait_until("the note in the channel", || {
        posts_in(&app.fake, &channel)
            .iter()
            .any(|p| p["text"].as_str().unwrap_or("").contains("stepped out"))
    })
    .await;

    // The next round offers the small circle a merge; a member accepts.
    app.say(ADMIN, "admin round").await;
    wait_until("the merge offer", || {
        posts_in(&app.fake, &channel)
            .iter()
            .any(|p| p.to_string().contains("circle_merge"))
    })
    .await;
    let offer = posts_in(&app.fake, &channel)
        .into_iter()
        .find(|p| p.to_string().contains("circle_merge"))
        .unwrap()
        .to_string();
    let into_id = if small_id == 1 { 2 } else { 1 };
    assert!(
        offer.contains(&format!("\"value\":\"{small_id}:{into_id}\"")),
        "{offer}"
    );
    let stayer = small["members"][1].as_str().unwrap().to_owned();
    let answer = app
        .press_with_value(
            &stayer,
            "circle_merge",
            &format!("{small_id}:{into_id}"),
            "m1",
        )
        .await;
    assert!(answer["text"].as_str().unwrap().starts_with("Merged"));
    let doc = circles_doc(&app).await;
    let circles = doc["circles"].as_array().unwrap();
    assert_eq!(circles.len(), 1);
    assert_eq!(circles[0]["members"].as_array().unwrap().len(), 6);
}

#[tokio::test]
async fn an_admin_can_make_an_existing_channel_a_circle() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    for u in ["U0DAN", "U0EVE", "U0FAY"] {
        app.say(u, "join").await;
    }
    app.fake
        .set_channel_members("C0DESIGN01", &["U0DAN", "U0EVE", "U0FAY", "U0STRANGER"]);
    let reply = app.say(ADMIN, "admin circle <#C0DESIGN01|design>").await;
    let text = reply["text"].as_str().unwrap();
    assert!(
        text.starts_with("<#C0DESIGN01> is now a circle of 3."),
        "{text}"
    );
    assert!(text.contains("1 not (actively) in the program"), "{text}");
    assert!(posts_in(&app.fake, "C0DESIGN01")[0]
        .to_string()
        .contains("Welcome to your peer-mentoring circle"));
    let again = app.say(ADMIN, "admin circle <#C0DESIGN01|design>").await;
    assert_eq!(again["text"], "<#C0DESIGN01> is already a circle.");
    let usage = app.say(ADMIN, "admin circle #design").await;
    assert!(usage["text"].as_str().unwrap().starts_with("Usage:"));
}

#[tokio::test]
async fn a_newcomer_is_offered_a_place_in_a_circle_with_room() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    join_circle_people(&app, &people(4)).await;
    let channel = form(&app, "4").await.remove(0);
    join_circle_people(&app, &["U0NEWBIE".to_owned()]).await;
    let reply = app.say(ADMIN, "admin circles").await;
    assert_eq!(
        reply["text"],
        "1 member prefers circles and isn't in one yet; a new circle needs at least 3. Offered 1 of them a place in a circle with room."
    );
    wait_until("the offer", || !posts_in(&app.fake, "U0NEWBIE").is_empty()).await;
    let offer = posts_in(&app.fake, "U0NEWBIE")[0].to_string();
    assert!(offer.contains("\"action_id\":\"circle_join\""), "{offer}");
    assert!(offer.contains(&format!("<#{channel}>")), "{offer}");

    let answer = app
        .press_with_value("U0NEWBIE", "circle_join", "1", "j1")
        .await;
    assert_eq!(
        answer["text"],
        format!("You're in <#{channel}>. Say hello there!")
    );
    let doc = circles_doc(&app).await;
    assert_eq!(doc["circles"][0]["members"].as_array().unwrap().len(), 5);
    assert_eq!(
        doc["circles"][0]["rotation"][4], "U0NEWBIE",
        "at the end of the rotation"
    );
    assert!(app
        .fake
        .calls("conversations.invite")
        .iter()
        .any(|c| c.body.to_string().contains("U0NEWBIE")));
    // A second press is refused politely.
    let answer = app
        .press_with_value("U0NEWBIE", "circle_join", "1", "j2")
        .await;
    assert_eq!(answer["text"], format!("You're already in <#{channel}>."));
}

#[tokio::test]
async fn forgetting_takes_the_member_out_of_their_circle() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    join_circle_people(&app, &people(4)).await;
    app.say("U0C003", "share https://example.com/x mine").await;
    form(&app, "").await;
    app.say("U0C001", "share https://example.com/y their words")
        .await;
    app.say("U0C001", "forget").await;
    let before = app.fake.calls("response_url").len();
    app.press("U0C001", "forget_confirm", "f1").await;
    app.fake.wait_for("response_url", before + 1, WAIT).await;
    let doc = circles_doc(&app).await.to_string();
    assert!(!doc.contains("U0C001"), "{doc}");
    assert!(
        !doc.contains("their words"),
        "their share leaves the circle shelf: {doc}"
    );
    app.assert_nothing_mentions(&["U0C001"]).await;
}

#[tokio::test]
async fn a_circle_whose_channel_was_archived_is_closed_not_retried_forever() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    join_circle_people(&app, &people(3)).await;
    let channel = form(&app, "").await.remove(0);
    app.fake.fail_channel(&channel, "is_archived");
    clock.set(first_prompt());
    wait_until("the attempt", || {
        app.fake
            .calls("chat.postMessage")
            .iter()
            .any(|c| c.body["channel"] == channel.as_str() && c.refused)
    })
    .await;
    let deadline = tokio::time::Instant::now() + WAIT;
    loop {
        if circles_doc(&app).await["circles"] == json!([]) {
            break;
        }
        assert!(tokio::time::Instant::now() < deadline, "circle still open");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    let due: Option<i64> = app
        .redis(
            redis::cmd("ZSCORE")
                .arg(format!("{}:{{T0TEST}}:jobs:due", app.prefix))
                .arg("circle:1"),
        )
        .await;
    assert_eq!(due, None, "no more prompts for a closed circle");
    // Its members can be formed into a circle again.
    form(&app, "").await;
}

#[tokio::test]
async fn an_old_offer_does_not_let_in_someone_who_left_or_paused() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    join_circle_people(&app, &people(4)).await;
    form(&app, "4").await;
    let inactive = "This offer is for active members: `/tandem join` (or `/tandem resume`) first, and you'll get a new one.";
    let lapsed = "This place isn't offered to you (offers lapse when you leave or pause). You'll get a new offer when a circle has room.";
    // Two newcomers are offered the place; then one pauses and one
    // leaves. One more never joined at all.
    let newcomers = ["U0PAUSED", "U0GONE"].map(str::to_owned);
    join_circle_people(&app, &newcomers).await;
    let reply = app.say(ADMIN, "admin circles").await;
    assert!(
        reply["text"]
            .as_str()
            .unwrap()
            .ends_with("Offered 2 of them a place in a circle with room."),
        "{reply}"
    );
    app.say("U0PAUSED", "pause 2w").await;
    app.say("U0GONE", "leave").await;
    app.press("U0GONE", "leave_confirm", "gone").await;
    app.settled().await;
    for (user, id) in [("U0PAUSED", "p"), ("U0GONE", "g"), ("U0STRANGER", "s")] {
        let answer = app.press_with_value(user, "circle_join", "1", id).await;
        assert_eq!(answer["text"], inactive, "{user}");
        assert_ne!(
            answer["replace_original"], true,
            "the offer stays for later"
        );
    }
    // Back from the pause, the old button no longer works: the offer
    // lapsed with the pause.
    app.say("U0PAUSED", "resume").await;
    let answer = app
        .press_with_value("U0PAUSED", "circle_join", "1", "p2")
        .await;
    assert_eq!(answer["text"], lapsed);
    // Nor does anyone's button pressed by someone never offered it.
    app.say("U0UNASKED", "join").await;
    let answer = app
        .press_with_value("U0UNASKED", "circle_join", "1", "u")
        .await;
    assert_eq!(answer["text"], lapsed);
    app.settled().await;
    let members = circles_doc(&app).await["circles"][0]["members"].to_string();
    for user in ["U0PAUSED", "U0GONE", "U0STRANGER", "U0UNASKED"] {
        assert!(!members.contains(user), "{user} got in: {members}");
        assert!(
            !app.fake
                .calls("conversations.invite")
                .iter()
                .any(|c| c.body.to_string().contains(user)),
            "{user} was invited"
        );
    }
    // A newcomer offered the place now takes it.
    join_circle_people(&app, &["U0KEEN".to_owned()]).await;
    app.say(ADMIN, "admin circles").await;
    let answer = app
        .press_with_value("U0KEEN", "circle_join", "1", "k")
        .await;
    assert!(
        answer["text"].as_str().unwrap().starts_with("You're in <#"),
        "{answer}"
    );
    let doc = circles_doc(&app).await;
    assert_eq!(doc["circles"][0]["members"].as_array().unwrap().len(), 5);
    assert_eq!(
        doc["circles"][0]["offered"],
        json!(["U0PAUSED"]),
        "offered again after the resume; taken offers are gone"
    );
}

#[tokio::test]
async fn members_words_never_become_markup_in_a_circle() {
    const HOSTILE: [&str; 3] = ["<https://ev.il/x|Re-verify SSO>", "<!channel>", "<@U0BOSS>"];
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    let members = people(3);
    join_circle_people(&app, &members).await;
    // One member's skills, team and shared goal carry Slack markup.
    app.say(
        &members[0],
        &format!(
            "profile offer: sql, {}; learn: design; team: {}",
            HOSTILE[1], HOSTILE[0]
        ),
    )
    .await;
    app.say(&members[0], &format!("goal add Beat {}", HOSTILE[2]))
        .await;
    app.say(&members[0], "goal share 1").await;
    let channel = form(&app, "").await.remove(0);
    app.say(
        &members[0],
        &format!("share https://example.com/ok {} {}", HOSTILE[0], HOSTILE[1]),
    )
    .await;
    clock.set(first_prompt());
    wait_until("the first prompt", || {
        posts_in(&app.fake, &channel).len() >= 3
    })
    .await;
    app.settled().await;
    // Everything the others read: the channel, and their Home tabs.
    let mut seen: Vec<String> = posts_in(&app.fake, &channel)
        .iter()
        .map(Value::to_string)
        .collect();
    for c in app.fake.calls("views.publish") {
        if c.body["user_id"] != members[0].as_str() {
            seen.push(c.body.to_string());
        }
    }
    let all = seen.join("\n");
    // Commands arrive with Slack's markup; their plain words are shown (a
    // link's address, never a label that could disguise it).
    assert!(
        all.contains("sql, @channel") && all.contains("https://ev.il/x @channel"),
        "the words are shown: {all}"
    );
    for markup in HOSTILE {
        assert!(!all.contains(markup), "{markup} became markup in: {all}");
    }
}

#[tokio::test]
async fn circles_are_never_merged_across_an_avoid_list() {
    let clock = ManualClock::new(monday());
    let app = spawn_at(&clock).await;
    let members = people(7);
    join_circle_people(&app, &members).await;
    form(&app, "3").await;
    let doc = circles_doc(&app).await;
    let circles = doc["circles"].as_array().unwrap();
    let small = circles
        .iter()
        .find(|c| c["members"].as_array().unwrap().len() == 3)
        .unwrap()
        .clone();
    let other = circles
        .iter()
        .find(|c| c["id"] != small["id"])
        .unwrap()
        .clone();
    let channel = small["channel"].as_str().unwrap().to_owned();
    let small_id = small["id"].as_u64().unwrap();
    let other_id = other["id"].as_u64().unwrap();
    let leaver = small["members"][0].as_str().unwrap().to_owned();
    let stayer = small["members"][1].as_str().unwrap().to_owned();
    let avoided = other["members"][0].as_str().unwrap().to_owned();
    app.say(&stayer, &format!("avoid <@{avoided}>")).await;
    app.say(&leaver, "leave").await;
    let before = app.fake.calls("response_url").len();
    app.press(&leaver, "leave_confirm", "l1").await;
    app.fake.wait_for("response_url", before + 1, WAIT).await;
    // The small circle is now under three: a merge would be offered.
    for _ in 0..200 {
        if !circles_doc(&app).await.to_string().contains(&leaver) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
    assert!(
        !circles_doc(&app).await.to_string().contains(&leaver),
        "left"
    );
    app.run_round(ADMIN).await;
    app.settled().await;
    assert!(
        !posts_in(&app.fake, &channel)
            .iter()
            .any(|p| p.to_string().contains("circle_merge")),
        "no merge offered into a circle with someone on a member's list"
    );
    // An offer's button pressed anyway is refused, without saying why.
    let answer = app
        .press_with_value(
            &stayer,
            "circle_merge",
            &format!("{small_id}:{other_id}"),
            "m1",
        )
        .await;
    assert_eq!(
        answer["text"],
        "That merge isn't possible any more; I'll offer another at the next round."
    );
    assert_eq!(
        circles_doc(&app).await["circles"].as_array().unwrap().len(),
        2
    );
}
