//! Block Kit builders: pure functions of app data, so their JSON can be
//! snapshot-tested and checked against Slack's limits.

use crate::app::help::{CommandDoc, COMMANDS};
use crate::app::Reply;
use slack_morphism::prelude::*;

/// Slack's limits that every view here must respect.
pub const MAX_BLOCKS: usize = 100;
pub const MAX_SECTION_TEXT: usize = 3000;

const PRIVACY_NOTE: &str = "Your goals, notes and check-in answers are private to you \
(and your partner or circle where you share them). Program admins see counts only.";

/// The ephemeral message for a command reply.
pub fn reply(reply: &Reply) -> SlackMessageContent {
    match reply {
        Reply::Help => help_message(),
        Reply::ComingSoon { usage } => text_message(format!(
            "`/tandem {usage}` is coming soon. Type `/tandem help` to see what works today."
        )),
        Reply::Unknown { word } => text_message(format!(
            "I don't know `/tandem {word}`. Try `/tandem help` for the list of commands."
        )),
    }
}

fn text_message(text: String) -> SlackMessageContent {
    SlackMessageContent::new()
        .with_text(text.clone())
        .with_blocks(vec![SlackSectionBlock::new().with_text(md!(text)).into()])
}

fn command_lines(docs: impl Iterator<Item = &'static CommandDoc>) -> String {
    docs.map(|d| format!("• `/tandem {}` — {}", d.usage, d.summary))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The blocks listing what works now and what is coming.
fn command_blocks() -> Vec<SlackBlock> {
    let ready = command_lines(COMMANDS.iter().filter(|d| d.available));
    let soon = command_lines(COMMANDS.iter().filter(|d| !d.available));
    let mut blocks: Vec<SlackBlock> = vec![SlackSectionBlock::new()
        .with_text(md!("*Ready now*\n{}", ready))
        .into()];
    if !soon.is_empty() {
        blocks.push(
            SlackSectionBlock::new()
                .with_text(md!("*Coming soon*\n{}", soon))
                .into(),
        );
    }
    blocks
}

/// `/tandem help`.
pub fn help_message() -> SlackMessageContent {
    let mut blocks: Vec<SlackBlock> = vec![
        SlackHeaderBlock::new(pt!("Tandem — peer mentoring in Slack")).into(),
        SlackSectionBlock::new()
            .with_text(md!(
                "Tandem pairs you with a colleague at a similar level who can teach what you \
                 want to learn — and wants to learn what you can teach."
            ))
            .into(),
    ];
    blocks.extend(command_blocks());
    blocks.push(
        SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(md!(PRIVACY_NOTE))]).into(),
    );
    SlackMessageContent::new()
        .with_text("Tandem commands: /tandem help lists them.".to_owned())
        .with_blocks(blocks)
}

/// The Home tab.
pub fn home_view() -> SlackView {
    let mut blocks: Vec<SlackBlock> = vec![
        SlackHeaderBlock::new(pt!("Welcome to Tandem")).into(),
        SlackSectionBlock::new()
            .with_text(md!(
                "Peer mentoring with colleagues at your level. *How it works:*\n\
                 1. Say what you can offer and what you want to learn.\n\
                 2. Tandem pairs you with someone whose skills complement yours — each of you \
                 teaches the other.\n\
                 3. You agree a rhythm, set goals, and get a short check-in in your DMs to keep \
                 each other going."
            ))
            .into(),
        SlackDividerBlock::new().into(),
    ];
    blocks.extend(command_blocks());
    blocks.push(
        SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(md!(PRIVACY_NOTE))]).into(),
    );
    SlackView::Home(SlackHomeView::new(blocks))
}

#[cfg(test)]
mod tests {
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
            "*Ready now*\n• `/tandem help` — this list"
        );
        let soon = blocks[3]["text"]["text"].as_str().unwrap();
        assert!(soon.starts_with("*Coming soon*\n• `/tandem join` — join the program"));
        assert!(soon.contains("`/tandem forget`"));
        assert_eq!(blocks.last().unwrap()["type"], "context");
    }

    #[test]
    fn home_snapshot() {
        let json = serde_json::to_value(home_view()).unwrap();
        assert_eq!(json["type"], "home");
        assert_within_limits(&json["blocks"]);
        assert_eq!(json["blocks"][0]["text"]["text"], "Welcome to Tandem");
    }

    #[test]
    fn unknown_reply_is_one_line() {
        let json = serde_json::to_value(reply(&Reply::Unknown { word: "zzz".into() })).unwrap();
        assert_eq!(
            json["text"],
            "I don't know `/tandem zzz`. Try `/tandem help` for the list of commands."
        );
    }
}
