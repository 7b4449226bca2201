//! The command list: help and the Home tab's command section, from the one
//! table in `app::help`.

use super::*;

/// `/tandem goal add <text> · goal done <n>` → each form in its own code span.
pub(super) fn usage_spans(usage: &str) -> String {
    usage
        .split(" · ")
        .map(|u| format!("`/tandem {u}`"))
        .collect::<Vec<_>>()
        .join(" · ")
}

pub(super) fn command_lines(docs: impl Iterator<Item = &'static CommandDoc>) -> String {
    docs.map(|d| format!("• {} — {}", usage_spans(d.usage), d.summary))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The blocks listing what works now and what is coming.
pub(super) fn command_blocks() -> Vec<SlackBlock> {
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
