//! Meetings that happen: an intro offers three times inside everyone's
//! working hours, picks are announced in the group DM, an agreed time is
//! confirmed with a calendar invite (checked by an independent iCalendar
//! parser), and each gets a reminder DM before it.

use crate::support::*;
use chrono::{DateTime, Datelike, Duration, TimeZone, Timelike, Utc, Weekday};
use chrono_tz::Tz;
use serde_json::Value;
use tandem::clock::ManualClock;

const ADMIN: &str = "U0ADMIN";

/// Tuesday 1 December 2026, 08:00 UTC.
fn tuesday_morning() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).unwrap()
}

fn intro(app: &TestApp) -> Option<Value> {
    app.fake.posts_with_text("you're paired").into_iter().next()
}

/// The intro's offered times: (button value, Unix seconds in its date token).
fn offered(intro: &Value) -> Vec<(String, i64)> {
    intro["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|b| b["accessory"]["action_id"] == "meeting_time")
        .map(|b| {
            let text = b["text"]["text"].as_str().unwrap();
            let seconds = text
                .strip_prefix("<!date^")
                .and_then(|t| t.split('^').next())
                .and_then(|t| t.parse().ok())
                .unwrap_or_else(|| panic!("a date token: {text}"));
            (
                b["accessory"]["value"].as_str().unwrap().to_owned(),
                seconds,
            )
        })
        .collect()
}

fn works_then(at: DateTime<Utc>, zone: &str, from: (u32, u32), to: (u32, u32)) -> bool {
    let zone: Tz = zone.parse().unwrap();
    let start = at.with_timezone(&zone);
    let end = (at + Duration::minutes(30)).with_timezone(&zone);
    let minutes = |h: u32, m: u32| h * 60 + m;
    !matches!(start.weekday(), Weekday::Sat | Weekday::Sun)
        && minutes(start.hour(), start.minute()) >= minutes(from.0, from.1)
        && start.date_naive() == end.date_naive()
        && minutes(end.hour(), end.minute()) <= minutes(to.0, to.1)
}

fn posts_containing(app: &TestApp, text: &str) -> Vec<Value> {
    app.fake
        .calls("chat.postMessage")
        .into_iter()
        .map(|c| c.body)
        .filter(|b| b.to_string().contains(text))
        .collect()
}

async fn pick(app: &TestApp, user: &str, value: &str, reply: &str, announced: &str) {
    let before = posts_containing(app, announced).len();
    let form =
        block_action_form_with_value(user, "meeting_time", value, &app.fake.response_url(reply));
    assert_eq!(app.interact(&form).await.status(), 200);
    wait_until("the pick is announced", || {
        posts_containing(app, announced).len() > before
    })
    .await;
}

/// Ana in Tokyo works 07:00–18:00, Ben in New York 07:00–19:00: their only
/// shared time is Ben's early evening, which is Ana's early morning of the
/// next day.
async fn tokyo_and_new_york(app: &TestApp) {
    app.fake.set_timezone("U0ANA", "Asia/Tokyo");
    app.fake.set_timezone("U0BEN", "America/New_York");
    app.join_ana_and_ben().await;
    app.say("U0ANA", "profile hours: 07:00-18:00").await;
    app.say("U0BEN", "profile hours: 7-19").await;
}

#[tokio::test]
async fn tokyo_and_new_york_pick_a_shared_time_get_an_invite_and_a_reminder() {
    let clock = ManualClock::new(tuesday_morning());
    let app = spawn_at(&clock).await;
    tokyo_and_new_york(&app).await;
    let profile = app.say("U0BEN", "profile").await.to_string();
    assert!(
        profile.contains("*Working hours:* 07:00-19:00"),
        "{profile}"
    );
    app.run_round(ADMIN).await;
    wait_until("the intro", || intro(&app).is_some()).await;
    let intro = intro(&app).unwrap();

    let times = offered(&intro);
    assert_eq!(times.len(), 3, "{intro}");
    for (i, (value, seconds)) in times.iter().enumerate() {
        assert_eq!(value, &format!("1:{i}"));
        let at = DateTime::from_timestamp(*seconds, 0).unwrap();
        assert!(
            works_then(at, "Asia/Tokyo", (7, 0), (18, 0)),
            "{at} in Tokyo"
        );
        assert!(
            works_then(at, "America/New_York", (7, 0), (19, 0)),
            "{at} in New York"
        );
        assert!(at > tuesday_morning() && at < tuesday_morning() + Duration::days(7));
    }
    let text = intro.to_string();
    assert!(text.contains("\"action_id\":\"no_time_works\""), "{text}");
    assert!(text.contains("shown in your own time zone"), "{text}");

    // Ana picks the second time; Ben another, then the same.
    pick(&app, "U0ANA", "1:1", "p1", "<@U0ANA> can meet").await;
    let announced = posts_containing(&app, "<@U0ANA> can meet");
    assert_eq!(announced[0]["channel"], "G0PAIRDM");
    let token = format!("<!date^{}^", times[1].1);
    assert!(
        announced[0].to_string().contains(&token),
        "{}",
        announced[0]
    );
    pick(&app, "U0BEN", "1:2", "p2", "<@U0BEN> can meet").await;
    assert!(app.fake.files().is_empty(), "no agreement yet");
    pick(&app, "U0BEN", "1:1", "p3", "that's everyone").await;

    wait_until("the invite", || !app.fake.files().is_empty()).await;
    let files = app.fake.files();
    assert_eq!(files.len(), 1);
    let invite = &files[0];
    assert!(
        invite.channel.starts_with('G'),
        "the group DM: {}",
        invite.channel
    );
    assert!(
        invite
            .comment
            .contains("Confirmed: <@U0ANA> and <@U0BEN> meet both at")
            && invite.comment.contains(&token),
        "{}",
        invite.comment
    );
    let starts = DateTime::from_timestamp(times[1].1, 0).unwrap();
    let ics = String::from_utf8(invite.bytes.clone()).unwrap();
    let calendars: Vec<_> = ical::IcalParser::new(ics.as_bytes())
        .collect::<Result<_, _>>()
        .unwrap_or_else(|e| panic!("the invite parses: {e}\n{ics}"));
    assert_eq!(calendars.len(), 1);
    let events = &calendars[0].events;
    assert_eq!(events.len(), 1);
    let value = |name: &str| {
        events[0]
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("{name} in\n{ics}"))
    };
    assert_eq!(
        value("DTSTART"),
        starts.format("%Y%m%dT%H%M%SZ").to_string()
    );
    assert_eq!(
        value("DTEND"),
        (starts + Duration::minutes(30))
            .format("%Y%m%dT%H%M%SZ")
            .to_string()
    );
    assert!(
        !ics.contains("U0ANA") && !ics.contains("U0BEN"),
        "names nobody"
    );

    // Both see it in `/tandem status` (and on their Home tab).
    let status = app.say("U0BEN", "status").await.to_string();
    assert!(
        status.contains(&format!("First meeting: {token}")),
        "{status}"
    );

    // Confirmed: a later pick is refused, to the presser alone.
    let refused = app
        .press_with_value("U0ANA", "meeting_time", "1:0", "p4")
        .await;
    assert!(
        refused.to_string().contains("already confirmed"),
        "{refused}"
    );
    assert_eq!(app.fake.files().len(), 1, "one invite");

    // Fifteen minutes before: a reminder DM to each, once.
    clock.set(starts - Duration::minutes(20));
    app.settled().await;
    assert!(posts_containing(&app, "starts in").is_empty(), "not yet");
    clock.set(starts - Duration::minutes(15));
    wait_until("both reminded", || {
        ["U0ANA", "U0BEN"].iter().all(|u| {
            posts_containing(&app, "starts in 15 minutes")
                .iter()
                .any(|p| p["channel"] == *u)
        })
    })
    .await;
    clock.set(starts - Duration::minutes(10));
    app.settled().await;
    assert_eq!(posts_containing(&app, "starts in").len(), 2, "once each");
    let reminder = &posts_containing(&app, "starts in 15 minutes")[0];
    assert!(reminder.to_string().contains(&token), "{reminder}");
}

#[tokio::test]
async fn none_of_these_work_is_announced_and_nobody_is_confirmed() {
    let clock = ManualClock::new(tuesday_morning());
    let app = spawn_at(&clock).await;
    tokyo_and_new_york(&app).await;
    app.run_round(ADMIN).await;
    wait_until("the intro", || intro(&app).is_some()).await;
    pick(&app, "U0ANA", "1:0", "n1", "<@U0ANA> can meet").await;
    let before = posts_containing(&app, "can't make any").len();
    let form =
        block_action_form_with_value("U0BEN", "no_time_works", "1", &app.fake.response_url("n2"));
    assert_eq!(app.interact(&form).await.status(), 200);
    wait_until("announced", || {
        posts_containing(&app, "<@U0BEN> can't make any of these times").len() > before
    })
    .await;
    app.settled().await;
    assert!(app.fake.files().is_empty());
    // A time this intro never offered, and an older round's, are refused.
    let odd = app
        .press_with_value("U0BEN", "meeting_time", "1:7", "n3")
        .await;
    assert!(
        odd.to_string().contains("isn't one this intro offered"),
        "{odd}"
    );
    let old = app
        .press_with_value("U0BEN", "meeting_time", "0:1", "n4")
        .await;
    assert!(old.to_string().contains("earlier round"), "{old}");
}

#[tokio::test]
async fn people_who_share_no_working_hours_are_told_to_agree_a_time_in_the_dm() {
    let clock = ManualClock::new(tuesday_morning());
    let app = spawn(Spawn {
        clock: Some(clock.clone()),
        // Pair them anyway, to see what their intro says.
        tweak: Some(|c| c.pairing.min_overlap_hours = 0.0),
        ..Spawn::default()
    })
    .await;
    app.fake.set_timezone("U0ANA", "Asia/Tokyo");
    app.fake.set_timezone("U0BEN", "America/New_York");
    app.join_ana_and_ben().await;
    app.run_round(ADMIN).await;
    wait_until("the intro", || intro(&app).is_some()).await;
    let intro = intro(&app).unwrap();
    assert!(offered(&intro).is_empty(), "{intro}");
    assert!(
        intro
            .to_string()
            .contains("your working hours don't overlap in the next week"),
        "{intro}"
    );
}

#[tokio::test]
async fn working_hours_that_do_not_parse_are_refused_with_an_example() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    for (text, says) in [
        ("profile hours: 17-9", "start before they end"),
        ("profile hours: soon", "hours: 08:30-16:30"),
    ] {
        let reply = app.say("U0ANA", text).await.to_string();
        assert!(reply.contains(says), "{text}: {reply}");
    }
    let reply = app.say("U0ANA", "profile hours: default").await.to_string();
    assert!(!reply.contains("Working hours"), "{reply}");
}

#[tokio::test]
async fn the_profile_form_sets_working_hours_and_refuses_bad_ones_under_the_field() {
    let app = spawn_app().await;
    app.say("U0ANA", "join").await;
    let form = |hours: &str| {
        serde_json::json!({
            "offers": { "offers": { "type": "multi_static_select", "selected_options": [{ "text": { "type": "plain_text", "text": "sql" }, "value": "sql" }] } },
            "wants": { "wants": { "type": "multi_static_select", "selected_options": [{ "text": { "type": "plain_text", "text": "rust" }, "value": "rust" }] } },
            "level": { "level": { "type": "static_select", "selected_option": { "text": { "type": "plain_text", "text": "3" }, "value": "3" } } },
            "hours": { "hours": { "type": "plain_text_input", "value": hours } },
        })
    };
    let refused = app
        .submit_view("U0ANA", "profile", "", form("5pm-9am"))
        .await;
    assert_eq!(refused.status(), 200);
    let body: Value = refused.json().await.unwrap();
    assert_eq!(body["response_action"], "errors", "{body}");
    assert!(
        body["errors"]["hours"]
            .as_str()
            .unwrap_or("")
            .contains("24-hour time"),
        "{body}"
    );
    let saved = app
        .submit_view("U0ANA", "profile", "", form("08:30-16:30"))
        .await;
    assert_eq!(saved.text().await.unwrap(), "", "saved");
    let before = app.fake.calls("views.open").len();
    let profile = app.say("U0ANA", "profile").await.to_string();
    assert!(
        profile.contains("*Working hours:* 08:30-16:30"),
        "{profile}"
    );
    // The form opens again with them filled in.
    let opened = app.fake.wait_for("views.open", before + 1, WAIT).await;
    let view = opened.last().unwrap().body["view"].to_string();
    assert!(
        view.contains("08:30-16:30") && view.contains("Your working hours"),
        "{view}"
    );
}
