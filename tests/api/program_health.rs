//! Program health for the people who run it: `admin stats` and the round
//! report, from a scripted program (members, a round, check-in answers,
//! goal moves) — exact counts, "<5" for small numbers, nothing for
//! non-admins, and never a word any member wrote.

use crate::support;

use serde_json::Value;
use support::fake_slack::Scripted;
use support::*;

const ADMIN: &str = "U0ADMIN1";

/// Twelve members: six offer SQL and learn Rust, six the other way round
/// (so every pair has one of each), each with a goal only they know.
fn members() -> Vec<String> {
    (1..=12).map(|i| format!("U0M{i:02}")).collect()
}

fn secret_goal(user: &str) -> String {
    format!("private ambition of {user}")
}

/// Everything the members wrote in `run_program` (and their ids).
fn member_words() -> Vec<String> {
    let mut words: Vec<String> = members()
        .iter()
        .flat_map(|u| [secret_goal(u), format!("Hush{u}"), u.clone()])
        .collect();
    words.extend(
        [
            "secret migration plan",
            "secret reflection",
            "example.com/private",
            "my quiet reason",
        ]
        .map(String::from),
    );
    words
}

/// Fails if `shown` carries any member's words or id.
fn assert_no_member_words(what: &str, shown: &str) {
    for w in member_words() {
        assert!(!shown.contains(&w), "{what} shows {w:?}: {shown}");
    }
}

async fn run_program(app: &TestApp) {
    let people = members();
    app.join_all(&people).await;
    app.say_all(&people, |u| {
        let n: u32 = u[3..].parse().unwrap();
        if n <= 6 {
            format!("profile offer: sql; learn: rust; level: 3; team: Hush{u}")
        } else {
            format!("profile offer: rust; learn: sql; level: 3; team: Hush{u}")
        }
    })
    .await;
    app.say_all(&people, |u| format!("goal add {}", secret_goal(u)))
        .await;
    app.say("U0M01", "note ask about the secret migration plan")
        .await;
    app.run_round(ADMIN).await;
    assert_eq!(
        app.say(ADMIN, "admin checkins").await["text"],
        "Sent 12 check-ins now."
    );
    // U0M01–05 met their partners; U0M06's pair has not yet. Everyone but
    // U0M12 answers about their goal: nine moved, two stuck.
    for (i, user) in people.iter().enumerate() {
        let n = i + 1;
        if n <= 6 {
            let met = if n <= 5 { "met" } else { "not_yet" };
            app.press_with_value(user, "checkin_met", &format!("1:0:{met}"), &format!("m{n}"))
                .await;
        }
        let goal = match n {
            1..=9 => "progress",
            10 | 11 => "stuck",
            _ => continue,
        };
        app.press_with_value(
            user,
            "checkin_goal",
            &format!("1:1:{goal}"),
            &format!("g{n}"),
        )
        .await;
    }
    app.say("U0M01", "goal done 1").await;
    // Words of their own in a check-in note and a shared link.
    let note = serde_json::json!({ "text": { "text": { "type": "plain_text_input", "value": "secret reflection on the week" } } });
    let saved = app.submit_view("U0M02", "checkin_note", "1:1", note).await;
    assert_eq!(saved.status(), 200);
    assert_eq!(saved.text().await.unwrap(), "", "the note is saved");
    let shared = app
        .say(
            "U0M03",
            "share https://example.com/private-notes my quiet reason",
        )
        .await;
    assert!(shared.to_string().contains("my quiet reason"), "{shared}");
    app.settled().await;
}

fn texts(message: &Value) -> Vec<String> {
    message["blocks"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|b| {
            b["text"]["text"]
                .as_str()
                .or(b["elements"][0]["text"].as_str())
                .map(str::to_owned)
        })
        .collect()
}

#[tokio::test]
async fn stats_count_a_scripted_program_exactly_and_hide_small_numbers() {
    let app = spawn_app().await;
    run_program(&app).await;

    let stats = app.say(ADMIN, "admin stats").await;
    let blocks = texts(&stats);
    assert_eq!(
        blocks[..5],
        [
            "*Program health — last 30 days*",
            "*Members:* 12 active · 0 paused · 0 left · 12 joined in this period\n\
             *Format (active):* 1:1 12 · circle 0 · either 0",
            "*Rounds:* <5 in this period · 6 pairs · 0 trios · 0 sat out\n\
             *Kept pairs:* 0 · *re-pair requests:* 0",
            "*Meetings:* 5 of 6 pairs met — 83% · rescheduled 0 · not yet <5 · unanswered 0\n\
             *Circles:* 0 prompts posted · 0 of 0 with a reply",
            "*Check-ins:* 11 of 12 answered — 92%\n\
             *Goals:* 12 set · 9 moved · <5 done · <5 stuck\n\
             *Nudges:* 0 stale-goal · 0 haven't-met",
        ],
        "{stats:#}"
    );
    let trends = blocks
        .iter()
        .find(|b| b.starts_with("*Last 12 weeks*"))
        .expect("trends");
    assert_eq!(
        trends,
        "*Last 12 weeks*\nMeeting rate `···········▇` 83% this week\n\
         Check-in answers `···········▇` 92% this week",
    );
    assert!(
        blocks.last().unwrap().starts_with("Counts only"),
        "{blocks:?}"
    );

    // The same figures for 90 days and all time (it all happened today).
    for period in ["90d", "all"] {
        let again = texts(&app.say(ADMIN, &format!("admin stats {period}")).await);
        assert_eq!(again[1..5], blocks[1..5], "{period}");
    }
    let usage = app.say(ADMIN, "admin stats last-year").await;
    assert_eq!(
        usage["text"],
        "Usage: `/tandem admin stats [30d|90d|all]` · `/tandem admin stats chart`"
    );

    // Nothing for members who do not run the program.
    let refused = app.say("U0M02", "admin stats").await;
    assert!(
        refused["text"]
            .as_str()
            .unwrap()
            .starts_with("Only program admins"),
        "{refused}"
    );
    assert!(refused
        .get("blocks")
        .is_none_or(|b| !b.to_string().contains("active")));

    // No member's words anywhere in it, for any period.
    assert_no_member_words("stats", &stats.to_string());
    for period in ["90d", "all"] {
        let again = app.say(ADMIN, &format!("admin stats {period}")).await;
        assert_no_member_words("stats", &again.to_string());
    }
}

#[tokio::test]
async fn small_programs_show_under_five_and_no_shares() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;
    app.run_round(ADMIN).await;
    app.say(ADMIN, "admin checkins").await;
    app.press_with_value("U0ANA", "checkin_met", "1:0:met", "a1")
        .await;
    let blocks = texts(&app.say(ADMIN, "admin stats").await);
    assert_eq!(
        blocks[1],
        "*Members:* <5 active · 0 paused · 0 left · <5 joined in this period\n\
         *Format (active):* 1:1 <5 · circle 0 · either 0"
    );
    assert_eq!(
        blocks[3],
        "*Meetings:* <5 of <5 pairs met · rescheduled 0 · not yet 0 · unanswered 0\n\
         *Circles:* 0 prompts posted · 0 of 0 with a reply"
    );
    assert!(
        blocks[4].starts_with("*Check-ins:* <5 of <5 answered\n"),
        "{blocks:?}"
    );
}

#[tokio::test]
async fn each_round_posts_its_report_in_the_report_channel() {
    let app = spawn(Spawn {
        tweak: Some(|c| c.program.report_channel = "C0REPORTS1".to_owned()),
        ..Spawn::default()
    })
    .await;
    run_program(&app).await;
    let reports: Vec<Value> = app
        .fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["channel"] == "C0REPORTS1")
        .map(|c| c.body)
        .collect();
    assert_eq!(reports.len(), 1, "one report per round: {reports:?}");
    let report = &reports[0];
    assert_eq!(
        report["text"],
        "Round 1 is on: 6 pairs · 0 trios · 0 sat out"
    );
    let blocks = texts(report);
    assert_eq!(
        blocks[0],
        "*Round 1 is on:* 6 pairs · 0 trios · 0 sat out\n*Kept pairs:* 0"
    );
    assert_eq!(blocks[1], "*Most offered:* rust (6) · sql (6)");
    let all = report.to_string();
    for user in members() {
        assert!(
            !all.contains(&secret_goal(&user)) && !all.contains(&user),
            "{all}"
        );
    }
}

#[tokio::test]
async fn export_shares_a_csv_of_counts_in_the_admins_dm() {
    let app = spawn_app().await;
    run_program(&app).await;

    let refused = app.say("U0M03", "admin export").await;
    assert!(refused["text"]
        .as_str()
        .unwrap()
        .starts_with("Only program admins"));
    assert!(app.fake.files().is_empty());

    let reply = app.say(ADMIN, "admin export").await;
    assert_eq!(
        reply["text"],
        "Your export (last 30 days) is in your DM with me: 12 member rows and 1 round row."
    );
    let files = app.fake.files();
    assert_eq!(files.len(), 1);
    let file = &files[0];
    assert_eq!(file.channel, "DU0ADMIN1", "the admin's DM with the bot");
    assert_eq!(file.title, "Tandem export — last 30 days");
    assert!(file
        .comment
        .starts_with("Tandem export — last 30 days: 12 member rows and 1 round row."));
    // Through Slack's three steps, the bytes to the URL it gave.
    let methods: Vec<String> = app
        .fake
        .all_calls()
        .into_iter()
        .map(|c| c.method)
        .filter(|m| m.starts_with("files.") || m == "upload")
        .collect();
    assert_eq!(
        methods,
        [
            "files.getUploadURLExternal",
            "upload",
            "files.completeUploadExternal"
        ]
    );

    let mut lines: Vec<&str> = file.text.lines().collect();
    assert_eq!(
        lines.remove(0),
        "row,member,joined,status,rounds_paired,meetings_reported,checkins_answered,\
         goals_set,goals_moved,goals_done,round,date,pairs,trios,sat_out,pairs_met,\
         not_yet_or_rescheduled,unanswered"
    );
    let month = chrono::Utc::now().format("%Y-%m").to_string();
    let today = chrono::Utc::now().format("%Y-%m-%d").to_string();
    let round = lines.pop().unwrap();
    assert_eq!(round, format!("round,,,,,,,,,,1,{today},6,0,0,5,<5,0"));
    // Member rows are numbered 1–12 in random order: compare their counts.
    let mut counts: Vec<String> = lines
        .iter()
        .map(|line| {
            let cells: Vec<&str> = line.split(',').collect();
            assert_eq!(cells[0], "member");
            assert_eq!(cells[2], month);
            assert_eq!(cells[3], "active");
            assert!(cells[10..].iter().all(|c| c.is_empty()), "{line}");
            cells[4..10].join(",")
        })
        .collect();
    counts.sort();
    let mut numbers: Vec<u32> = lines
        .iter()
        .map(|l| l.split(',').nth(1).unwrap().parse().unwrap())
        .collect();
    numbers.sort();
    assert_eq!(numbers, (1..=12).collect::<Vec<_>>());
    let mut expected: Vec<String> = [
        vec!["1,1,1,1,1,1"],
        vec!["1,1,1,1,1,0"; 4],
        vec!["1,0,1,1,1,0"; 4],
        vec!["1,0,1,1,0,0"; 2],
        vec!["1,0,0,1,0,0"],
    ]
    .concat()
    .into_iter()
    .map(String::from)
    .collect();
    expected.sort();
    assert_eq!(counts, expected);
    assert_no_member_words("the export", &file.text);
    assert_no_member_words("the export's message", &file.comment);

    // Slack refusing the file: said plainly, nothing half-shared.
    app.fake.script(
        "files.completeUploadExternal",
        Scripted::Error("internal_error"),
    );
    let failed = app.say(ADMIN, "admin export 90d").await;
    assert_eq!(
        failed["text"],
        "Slack didn't take the file just now, so nothing was shared. Please try again in a minute."
    );
    assert_eq!(app.fake.files().len(), 1);
}

fn home_opened(event: &str, user: &str) -> Value {
    event_callback(
        event,
        serde_json::json!({ "type": "app_home_opened", "user": user, "channel": "D1", "tab": "home", "event_ts": "1.1" }),
    )
}

fn published_for(app: &TestApp, user: &str) -> Vec<Value> {
    app.fake
        .calls("views.publish")
        .into_iter()
        .filter(|c| c.body["user_id"] == user)
        .map(|c| c.body["view"].clone())
        .collect()
}

#[tokio::test]
async fn admins_see_a_program_section_on_their_home_tab_and_members_do_not() {
    let app = spawn_app().await;
    run_program(&app).await;
    app.event(&home_opened("EvP1", ADMIN)).await;
    app.event(&home_opened("EvP2", "U0M04")).await;
    wait_until("both Home tabs published", || {
        !published_for(&app, ADMIN).is_empty() && !published_for(&app, "U0M04").is_empty()
    })
    .await;
    let admin_home = published_for(&app, ADMIN).pop().unwrap().to_string();
    assert!(admin_home.contains("Program (admins)"), "{admin_home}");
    assert!(
        admin_home.contains("*12 active members* · 12 joined in the last 30 days\\n*Rounds:* <5 · 6 pairs · 5 of 6 met — 83%\\n*Check-ins:* 11 of 12 answered — 92%"),
        "{admin_home}"
    );
    assert!(
        admin_home.contains("\"action_id\":\"admin_stats\"")
            && admin_home.contains("\"action_id\":\"admin_export\"")
    );
    let program = &admin_home[admin_home.find("Program (admins)").unwrap()..];
    let program = &program[..program.find("*Ready now*").unwrap()];
    assert_no_member_words("the Program section", program);
    let member_home = published_for(&app, "U0M04").pop().unwrap().to_string();
    assert!(!member_home.contains("Program (admins)") && !member_home.contains("admin_stats"));

    // The Home tab's stats button answers in the admin's DM.
    assert_eq!(app.press_on_home(ADMIN, "admin_stats").await.status(), 200);
    wait_until("the stats in the admin's DM", || {
        app.fake.calls("chat.postMessage").iter().any(|c| {
            c.body["channel"] == ADMIN && c.body["text"] == "Program health — last 30 days"
        })
    })
    .await;
    // A member pressing it (an old view) gets nothing but the refusal.
    assert_eq!(
        app.press_on_home("U0M04", "admin_stats").await.status(),
        200
    );
    wait_until("the refusal in the member's DM", || {
        app.fake.calls("chat.postMessage").iter().any(|c| {
            c.body["channel"] == "U0M04"
                && c.body["text"]
                    .as_str()
                    .unwrap_or_default()
                    .starts_with("Only program admins")
        })
    })
    .await;
}

/// The Home tab is built after the event is acknowledged: an admin's
/// Program section asks Slack who is an admin, and a Slack that never
/// answers must not hold the acknowledgement (Slack retries after 3 s).
#[tokio::test]
async fn a_home_tab_slack_is_slow_to_build_does_not_delay_the_acknowledgement() {
    let app = spawn_app().await;
    app.fake.script("users.info", Scripted::Hang);
    let started = std::time::Instant::now();
    let response = app.event(&home_opened("EvSlow1", ADMIN)).await;
    assert_eq!(response.status(), 200);
    assert!(
        started.elapsed() < std::time::Duration::from_secs(2),
        "acknowledged after {:?}",
        started.elapsed()
    );
    assert!(
        published_for(&app, ADMIN).is_empty(),
        "the tab waits on Slack, not the ack"
    );
}

#[tokio::test]
async fn metrics_carry_the_programs_gauges_without_naming_anyone() {
    let app = spawn_app().await;
    run_program(&app).await;
    // Gauges are worked out at most every five seconds.
    app.wait_for_metric("tandem_program_checkin_answer_rate 92.0")
        .await;
    let text = app.get("/metrics").await.text().await.unwrap();
    for (gauge, value) in [
        ("tandem_program_active_members", 12.0),
        ("tandem_program_last_round_groups", 6.0),
        ("tandem_program_last_round_meeting_rate", 83.0),
        ("tandem_program_checkin_answer_rate", 92.0),
    ] {
        let line = text
            .lines()
            .find(|l| l.starts_with(&format!("{gauge} ")))
            .unwrap_or_else(|| panic!("no {gauge} in {text}"));
        let shown: f64 = line.split(' ').nth(1).unwrap().parse().unwrap();
        assert_eq!(shown, value, "{line}");
    }
    assert_no_member_words("/metrics", &text);
}

#[tokio::test]
async fn the_trends_chart_arrives_as_a_png_in_the_admins_dm() {
    let app = spawn_app().await;
    run_program(&app).await;
    let refused = app.say("U0M05", "admin stats chart").await;
    assert!(refused["text"]
        .as_str()
        .unwrap()
        .starts_with("Only program admins"));
    let reply = app.say(ADMIN, "admin stats chart").await;
    assert_eq!(reply["text"], "The trends chart is in your DM with me.");
    let files = app.fake.files();
    assert_eq!(files.len(), 1);
    let chart = &files[0];
    assert_eq!(chart.channel, "DU0ADMIN1");
    assert_eq!(chart.title, "Tandem trends — last 12 weeks");
    assert!(chart.comment.contains("Green: share of meeting answers"));
    assert_no_member_words("the chart's message", &chart.comment);
    assert_eq!(&chart.bytes[..8], b"\x89PNG\r\n\x1a\n");
    // IHDR: width and height.
    assert_eq!(
        u32::from_be_bytes(chart.bytes[16..20].try_into().unwrap()),
        720
    );
    assert_eq!(
        u32::from_be_bytes(chart.bytes[20..24].try_into().unwrap()),
        360
    );
}
