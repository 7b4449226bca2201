//! Program admins acting on one member — pause, resume, remove (confirmed
//! with a button) — with the member told by DM, non-admins refused, and
//! every action in `admin log` (who, what, when), which forgets a member
//! who asks to be forgotten.

use crate::support;

use serde_json::Value;
use support::*;

const ADMIN: &str = "U0ADMIN1";

fn dms_to(app: &TestApp, user: &str) -> Vec<String> {
    app.fake
        .calls("chat.postMessage")
        .into_iter()
        .filter(|c| c.body["channel"] == user)
        .map(|c| c.body["text"].as_str().unwrap_or_default().to_owned())
        .collect()
}

#[tokio::test]
async fn admins_pause_resume_and_remove_a_member_who_is_told_each_time() {
    let app = spawn_app().await;
    app.join_ana_and_ben().await;

    // Not for members.
    let refused = app.say("U0BEN", "admin pause <@U0ANA|ana>").await;
    assert!(refused["text"]
        .as_str()
        .unwrap()
        .starts_with("Only program admins"));
    assert!(dms_to(&app, "U0ANA").is_empty());

    let paused = app.say(ADMIN, "admin pause <@U0ANA|ana> 2w").await;
    let text = paused["text"].as_str().unwrap();
    assert!(
        text.starts_with("Paused <@U0ANA> until ")
            && text.ends_with(
                "; they've been told by DM. `/tandem admin resume` with their name undoes it."
            ),
        "{text}"
    );
    assert!(
        !text.contains("sql") && !text.contains("rust"),
        "no profile shown: {text}"
    );
    app.settled().await;
    let dm = dms_to(&app, "U0ANA");
    assert_eq!(dm.len(), 1, "{dm:?}");
    assert!(
        dm[0].starts_with("A program admin, <@U0ADMIN1>, has paused your Tandem membership until ")
            && dm[0].ends_with("`/tandem resume` brings you back whenever you like."),
        "{}",
        dm[0]
    );
    let preview = app.say(ADMIN, "admin round preview").await.to_string();
    assert!(
        !preview.contains("U0ANA>"),
        "a paused member is not paired: {preview}"
    );

    let resumed = app.say(ADMIN, "admin resume <@U0ANA|ana>").await;
    assert_eq!(
        resumed["text"],
        "Resumed <@U0ANA>; they've been told by DM."
    );
    app.settled().await;
    assert!(dms_to(&app, "U0ANA")[1].contains("has resumed your Tandem membership"));
    let again = app.say(ADMIN, "admin resume <@U0ANA>").await;
    assert_eq!(
        again["text"],
        "<@U0ANA> is not paused: they're already taking part."
    );

    // Removing asks first; only the button does it.
    let ask = app.say(ADMIN, "admin remove <@U0ANA|ana>").await;
    let buttons = &ask["blocks"][1]["elements"];
    assert_eq!(buttons[0]["action_id"], "admin_remove_confirm");
    assert_eq!(buttons[0]["value"], "U0ANA");
    assert_eq!(buttons[1]["action_id"], "admin_remove_cancel");
    assert!(ask["text"]
        .as_str()
        .unwrap()
        .starts_with("Take <@U0ANA> out of the program?"));
    let before = app.fake.calls("response_url").len();
    let kept = app.press(ADMIN, "admin_remove_cancel", "cancel").await;
    assert_eq!(kept.status(), 200);
    app.fake.wait_for("response_url", before + 1, WAIT).await;
    // A member pressing an admin's button (a forwarded message) changes nothing.
    let stolen = app
        .press_with_value("U0BEN", "admin_remove_confirm", "U0ANA", "stolen")
        .await;
    assert!(stolen["text"]
        .as_str()
        .unwrap()
        .starts_with("Only program admins"));
    let removed = app
        .press_with_value(ADMIN, "admin_remove_confirm", "U0ANA", "remove")
        .await;
    assert_eq!(
        removed["text"],
        "Removed <@U0ANA> from the program; they've been told by DM. They can rejoin with `/tandem join`."
    );
    app.settled().await;
    let last = dms_to(&app, "U0ANA").pop().unwrap();
    assert!(
        last.starts_with("A program admin, <@U0ADMIN1>, has taken you out of the Tandem program"),
        "{last}"
    );
    let nobody = app.say(ADMIN, "admin remove <@U0ANA>").await;
    assert_eq!(
        nobody["text"],
        "<@U0ANA> isn't in the program, so there is nothing to change. Only they can join, with `/tandem join`."
    );
    let usage = app.say(ADMIN, "admin pause ana").await;
    assert!(usage["text"]
        .as_str()
        .unwrap()
        .starts_with("Usage: `/tandem admin pause @someone"));

    // The log: newest first, who did what to whom.
    let log = app.say(ADMIN, "admin log").await;
    let lines: Vec<String> = log["blocks"][1]["text"]["text"]
        .as_str()
        .unwrap()
        .lines()
        .map(|l| l.split(" — ").nth(1).unwrap().to_owned())
        .collect();
    assert_eq!(
        lines,
        [
            "<@U0ADMIN1> removed <@U0ANA> from the program",
            "<@U0ADMIN1> resumed <@U0ANA>",
            &lines[2].clone(),
        ]
    );
    assert!(
        lines[2].starts_with("<@U0ADMIN1> paused <@U0ANA> until "),
        "{lines:?}"
    );
    assert!(app.say("U0BEN", "admin log").await["text"]
        .as_str()
        .unwrap()
        .starts_with("Only program admins"));

    // Forgotten: their id leaves the log; what the admin did stays.
    app.say("U0ANA", "forget").await;
    let before = app.fake.calls("response_url").len();
    app.press("U0ANA", "forget_confirm", "gone").await;
    app.fake.wait_for("response_url", before + 1, WAIT).await;
    let mut forgotten: Value = Value::Null;
    for _ in 0..100 {
        forgotten = app.say(ADMIN, "admin log").await;
        if !forgotten.to_string().contains("U0ANA") {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    }
    let text = forgotten["blocks"][1]["text"]["text"].as_str().unwrap();
    assert!(!text.contains("U0ANA"), "{text}");
    assert!(
        text.contains("<@U0ADMIN1> removed a member who has since been forgotten from the program"),
        "{text}"
    );
}
