//! Views against their snapshots and Slack's limits.

use super::*;
use serde_json::Value;

/// Every text in a Block Kit JSON tree.
fn texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Object(map) => {
            if let Some(Value::String(t)) = map.get("text") {
                out.push(t.clone());
            }
            map.values().for_each(|x| texts(x, out));
        }
        Value::Array(items) => items.iter().for_each(|x| texts(x, out)),
        _ => {}
    }
}

fn assert_within_limits(blocks: &Value) {
    let n = blocks.as_array().unwrap().len();
    assert!(n <= MAX_BLOCKS, "{n} blocks");
    let mut all = Vec::new();
    texts(blocks, &mut all);
    for t in all {
        assert!(t.chars().count() <= MAX_SECTION_TEXT, "text too long: {t}");
    }
}

#[test]
fn help_snapshot() {
    let json = serde_json::to_value(help_message()).unwrap();
    assert_within_limits(&json["blocks"]);
    let blocks = json["blocks"].as_array().unwrap();
    assert_eq!(blocks[0]["type"], "header");
    assert_eq!(
        blocks[0]["text"]["text"],
        "Tandem — peer mentoring in Slack"
    );
    assert_eq!(
        blocks[2]["text"]["text"],
        "*Ready now*\n• `/tandem help` — this list\n\
         • `/tandem join` — join the program\n\
         • `/tandem profile [offer: …; learn: …; level: …; hours: 08:00-16:00; manager: @someone]` — see or change what you offer and want to learn\n\
         • `/tandem status` — your membership, profile, goals and notes\n\
         • `/tandem goal add <text>` · `/tandem goal step <n> <text>` · `/tandem goal done <n>` · `/tandem goal drop <n>` · `/tandem goal share <n>` · `/tandem goal private <n>` — set goals, break them into steps, share one with your partner\n\
         • `/tandem goals` — list your goals\n\
         • `/tandem note <text>` · `/tandem note done <n>` — a private follow-up for your next meeting\n\
         • `/tandem notes` — list your follow-up notes\n\
         • `/tandem share <url> [why]` — keep a resource on your shelf and send it to your partner or circle\n\
         • `/tandem checkin` — your check-in now (this week's again if you have it)\n\
         • `/tandem pause [2w | until 2027-01-10]` — take a break from matching and prompts\n\
         • `/tandem resume` — come back from a pause\n\
         • `/tandem avoid @someone` · `/tandem avoid` · `/tandem avoid remove @someone` — never be paired with someone — nobody is told, not them, not admins\n\
         • `/tandem leave` — leave the program\n\
         • `/tandem forget` — erase everything Tandem holds about you\n\
         • `/tandem admin round [preview]` · `/tandem admin checkins` · `/tandem admin circles [preview] [size]` · `/tandem admin circle #channel` — pair everyone now (or preview the pairs); send check-ins now; form circles, or make a channel a circle (admins only)\n\
         • `/tandem admin stats [30d|90d|all]` · `/tandem admin stats chart` — program health: members, rounds, meetings, check-ins, goals, unmet demand, trends (as a chart in your DM) — counts only (admins only)\n\
         • `/tandem admin pause @someone [2w | until 2027-01-10]` · `/tandem admin resume @someone` · `/tandem admin remove @someone` · `/tandem admin log` · `/tandem admin org` — pause, resume or take out one member (they're told by DM); the last 50 admin actions; how many have a manager on file (admins only)\n\
         • `/tandem admin export [30d|90d|all]` — a CSV of counts in your DM: one row per member (no names) and per round (admins only)"
    );
    assert_eq!(blocks.len(), 4, "nothing is marked coming soon");
    assert_eq!(blocks.last().unwrap()["type"], "context");
}

#[test]
fn home_snapshot() {
    let json = serde_json::to_value(home_view(&HomeModel::default())).unwrap();
    assert_eq!(json["type"], "home");
    assert_within_limits(&json["blocks"]);
    assert_eq!(json["blocks"][0]["text"]["text"], "Welcome to Tandem");
    assert_eq!(json["blocks"][3]["text"]["text"], "You");
    assert_eq!(json["blocks"][6]["text"]["text"], "Your goals");
}

#[test]
fn fullest_home_stays_within_slack_limits() {
    use crate::domain::goals::{GoalBook, MAX_ACTIVE, MAX_STEPS, MAX_TEXT};
    use crate::domain::notes::{NoteBook, MAX_OPEN};
    let mut goals = GoalBook::default();
    for g in 0..MAX_ACTIVE {
        let n = goals.add(&"g".repeat(MAX_TEXT)).unwrap();
        let _ = g;
        for _ in 0..MAX_STEPS {
            goals.add_step(n, &"<s>".repeat(MAX_TEXT / 3)).unwrap();
        }
    }
    let mut notes = NoteBook::default();
    for _ in 0..MAX_OPEN {
        notes
            .add(&"n".repeat(crate::domain::notes::MAX_TEXT))
            .unwrap();
    }
    let home = HomeModel {
        goals,
        notes,
        ..HomeModel::default()
    };
    let json = serde_json::to_value(home_view(&home)).unwrap();
    assert_within_limits(&json["blocks"]);
    let text = json.to_string();
    assert!(!text.contains("<s>"), "member text is escaped");
}

#[test]
fn goal_list_snapshot() {
    let mut book = GoalBook::default();
    book.add("Learn SQL <window> functions").unwrap();
    book.add_step(1, "read the docs").unwrap();
    let json = serde_json::to_value(reply(&Reply::Goals {
        headline: Some("Added a step to goal 1.".into()),
        book,
    }))
    .unwrap();
    assert_eq!(json["blocks"][0]["text"]["text"], "Added a step to goal 1.");
    assert_eq!(
        json["blocks"][1]["text"]["text"],
        "*1.* Learn SQL &lt;window&gt; functions\n      • read the docs"
    );
}

#[test]
fn unknown_reply_is_one_line() {
    let json = serde_json::to_value(reply(&Reply::Unknown { word: "zzz".into() })).unwrap();
    assert_eq!(
        json["text"],
        "I don't know `/tandem zzz`. Try `/tandem help` for the list of commands."
    );
}
