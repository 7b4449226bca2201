//! Block Kit builders: pure functions of app data, so their JSON can be
//! snapshot-tested and checked against Slack's limits. This file holds the
//! command replies and the pieces every view shares — among them [`render`],
//! the one place app [`Text`] becomes mrkdwn (mentions, channel links,
//! dates; members' words escaped). One file per surface below it.

use crate::app::help::{CommandDoc, COMMANDS};
use crate::app::{Action, HomeModel, Reply, Span, Text};
use crate::domain::goals::GoalBook;
use crate::domain::notes::NoteBook;
use crate::domain::profile::{Cadence, Membership, Profile};
use slack_morphism::prelude::*;

/// Slack's limits that every view here must respect.
pub const MAX_BLOCKS: usize = 100;
pub const MAX_SECTION_TEXT: usize = 3000;

pub(super) const PRIVACY_NOTE: &str = "Your goals, notes and check-in answers are private to you \
(and your partner or circle where you share them). Program admins see counts only.";

mod checkin;
mod circles;
mod help;
mod home;
mod rounds;
mod stats;
#[cfg(test)]
mod tests;

pub use checkin::{checkin, nudge, partner_summary, reminder};
use circles::*;
pub use circles::{circle_join_offer, circle_merge_offer, post};
pub use help::help_message;
use help::*;
use home::*;
pub use home::{home_view, welcome_dm};
use rounds::*;
pub use rounds::{continuing, intro, shared, sit_out};
use stats::program_blocks;
pub use stats::{admin_log_message, confirm_remove, round_report, sparkline, stats_message};

/// App text as mrkdwn: the one place mentions, channel links and dates are
/// written, and where members' words are escaped.
pub fn render(text: &Text) -> String {
    text.spans()
        .iter()
        .map(|span| match span {
            Span::Plain(words) => words.clone(),
            Span::Quote(words) => escape(words),
            Span::User(user) => format!("<@{user}>"),
            Span::Channel(channel) => format!("<#{channel}>"),
            Span::Date(at) => format!(
                "<!date^{}^{{date_short_pretty}}|{}>",
                at.timestamp(),
                at.format("%a %-d %b")
            ),
            Span::Time(at) => rounds::meeting_time(*at),
        })
        .collect()
}

/// Several texts rendered and joined with `sep` (a group's reasons).
fn render_all(texts: &[Text], sep: &str) -> String {
    texts.iter().map(render).collect::<Vec<_>>().join(sep)
}

/// The ephemeral message for a command reply.
pub fn reply(reply: &Reply) -> SlackMessageContent {
    match reply {
        Reply::ToPresser(inner) => self::reply(inner),
        Reply::Help => help_message(),
        Reply::ComingSoon { usage } => text_message(format!(
            "`/tandem {usage}` is coming soon. Type `/tandem help` to see what works today."
        )),
        Reply::Unknown { word } => text_message(format!(
            "I don't know `/tandem {word}`. Try `/tandem help` for the list of commands."
        )),
        Reply::Usage { usage } => text_message(format!("Usage: {}", usage_spans(usage))),
        Reply::Refused { message } => text_message(render(message)),
        Reply::StoreDown => text_message(
            "Tandem can't reach its storage right now, so nothing was changed. Please try again in a minute."
                .to_owned(),
        ),
        Reply::ConfirmForget => confirm_forget(),
        Reply::Silent => SlackMessageContent::new(),
        Reply::ConfirmLeave => confirm_leave(),
        Reply::Done { message } => text_message(render(message)),
        Reply::Profile { headline, profile } => list_message(
            Some(headline),
            vec![section(profile_text(profile))],
        ),
        Reply::Status { home } => status_message(home),
        Reply::Round(summary) => round_message(summary),
        Reply::Circles(summary) => circles_message(summary),
        Reply::Checkin(model) => checkin(model),
        Reply::Stats(stats) => stats_message(stats),
        Reply::ConfirmRemove { member } => confirm_remove(member),
        Reply::AdminLog(entries) => admin_log_message(entries),
        Reply::KeepChoice {
            partners,
            round,
            keep,
        } => nudge(&crate::domain::nudges::Nudge::KeepOrNew {
            partners: partners.clone(),
            round: *round,
            choice: Some(*keep),
        }),
        Reply::Shelf { headline, shelf } => {
            list_message(Some(&render(headline)), shelf_blocks(shelf, 10))
        }
        Reply::Forgotten => text_message(
            "Done. Everything Tandem held about you — goals, steps and notes — is erased. \
             You can start again any time with `/tandem join`."
                .to_owned(),
        ),
        Reply::ForgetCancelled => text_message("Nothing was erased.".to_owned()),
        Reply::Goals { headline, book } => list_message(headline.as_deref(), goal_blocks(book)),
        Reply::Notes { headline, book } => list_message(headline.as_deref(), note_blocks(book)),
    }
}

pub(super) fn confirm_leave() -> SlackMessageContent {
    let warning = "Leave the program? You won't be paired or prompted any more. Your goals \
                   and notes stay yours; `/tandem join` brings you back any time.";
    let leave = button("Leave", &Action::LeaveConfirm).with_style(SlackBlockButtonStyle::Danger);
    let stay = button("Stay", &Action::LeaveCancel);
    SlackMessageContent::new()
        .with_text(warning.to_owned())
        .with_blocks(vec![
            section(warning.to_owned()),
            SlackActionsBlock::new(vec![leave.into(), stay.into()]).into(),
        ])
}

/// A plain text message.
pub fn text(text: &Text) -> SlackMessageContent {
    text_message(render(text))
}

/// Said when Slack would not open a form (most often the command or button
/// was more than three seconds old by the time Slack got the request).
pub fn modal_failed() -> SlackMessageContent {
    text_message(
        "Slack didn't open the form this time. Please try again — if it keeps happening, \
         the `/tandem` commands do the same without a form (`/tandem help`)."
            .to_owned(),
    )
}

pub(super) fn context(text: String) -> SlackBlock {
    SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(md!(text))]).into()
}

/// Slack mentions of user ids, "a and b".
pub(super) fn mentions<T: std::fmt::Display>(ids: &[T]) -> String {
    mention_list(ids, " and ")
}

/// Slack mentions of user ids joined by `sep`.
pub(super) fn mention_list<T: std::fmt::Display>(ids: &[T], sep: &str) -> String {
    ids.iter()
        .map(|p| format!("<@{p}>"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A button for `action`, its id and value written by the one codec.
pub(super) fn button(label: &str, action: &Action) -> SlackBlockButtonElement {
    let (id, value) = super::buttons::encode(action);
    let b = SlackBlockButtonElement::new(pt!(label.to_owned()))
        .with_action_id(SlackActionId::new(id.to_owned()));
    match value {
        Some(value) => b.with_value(value),
        None => b,
    }
}

/// The `/tandem forget` warning, with a confirm dialog on the red button.
pub(super) fn confirm_forget() -> SlackMessageContent {
    let warning = "This erases everything Tandem holds about you: your goals and their steps, \
                   and your follow-up notes. It cannot be undone.";
    let erase = button("Erase everything", &Action::ForgetConfirm)
        .with_style(SlackBlockButtonStyle::Danger)
        .with_confirm(SlackBlockConfirmItem::new(
            pt!("Erase everything?"),
            md!("Your goals and notes will be gone for good."),
            pt!("Erase"),
            pt!("Keep my data"),
        ));
    let cancel = button("Cancel", &Action::ForgetCancel);
    SlackMessageContent::new()
        .with_text(warning.to_owned())
        .with_blocks(vec![
            section(warning.to_owned()),
            SlackActionsBlock::new(vec![erase.into(), cancel.into()]).into(),
        ])
}

/// Escapes the three characters Slack's mrkdwn treats as markup, so member
/// text can never become a mention, link or broadcast.
pub fn escape(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Cuts `text` to Slack's per-section limit.
pub(super) fn fit(text: String) -> String {
    if text.chars().count() <= MAX_SECTION_TEXT {
        text
    } else {
        let mut cut: String = text.chars().take(MAX_SECTION_TEXT - 1).collect();
        cut.push('…');
        cut
    }
}

pub(super) fn section(text: String) -> SlackBlock {
    SlackSectionBlock::new().with_text(md!(fit(text))).into()
}

pub(super) fn list_message(headline: Option<&str>, blocks: Vec<SlackBlock>) -> SlackMessageContent {
    let mut all = Vec::new();
    if let Some(h) = headline {
        all.push(section(h.to_owned()));
    }
    all.extend(blocks);
    SlackMessageContent::new()
        .with_text(headline.unwrap_or("Your Tandem list").to_owned())
        .with_blocks(all)
}

pub(super) fn text_message(text: String) -> SlackMessageContent {
    SlackMessageContent::new()
        .with_text(text.clone())
        .with_blocks(vec![SlackSectionBlock::new().with_text(md!(text)).into()])
}
