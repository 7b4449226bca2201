//! Check-ins (per-goal answer buttons, the meeting question, notes),
//! the reminder, and nudges.

use super::*;

/// How a partner's check-in went (counts; the goals they chose to share,
/// quoted).
pub fn partner_summary(from: &crate::ids::UserId, summary: &str) -> SlackMessageContent {
    let text = crate::text![from, " checked in — ", Span::Quote(summary.to_owned()), "."];
    super::text(&text)
}

/// A check-in DM: per goal, four buttons (the recorded answer is marked), the
/// partner question, open follow-ups and a reflection prompt.
pub fn checkin(model: &crate::app::CheckinModel) -> SlackMessageContent {
    use crate::domain::checkin::{GoalAnswer, MetAnswer};
    let c = &model.checkin;
    let mut blocks: Vec<SlackBlock> = vec![SlackHeaderBlock::new(pt!("Your check-in")).into()];
    let choice = |label: &str, action: Action, chosen: bool| {
        let label = if chosen {
            format!("✓ {label}")
        } else {
            label.to_owned()
        };
        let mut b = button(&label, &action);
        if chosen {
            b = b.with_style(SlackBlockButtonStyle::Primary);
        }
        SlackActionBlockElement::from(b)
    };
    if c.goals.is_empty() {
        blocks.push(section(
            "You have no active goals. Add one with `/tandem goal add <text>` — a goal gives your meetings direction.".into(),
        ));
    }
    for number in &c.goals {
        let Some(goal) = model.goals.get(*number) else {
            continue;
        };
        blocks.push(section(format!(
            "*{}.* {}",
            goal.number,
            escape(&goal.text)
        )));
        let mut buttons: Vec<SlackActionBlockElement> = GoalAnswer::ALL
            .iter()
            .map(|a| {
                choice(
                    a.label(),
                    Action::CheckinGoal {
                        number: c.number,
                        goal: *number,
                        answer: *a,
                    },
                    c.answers.get(number) == Some(a),
                )
            })
            .collect();
        buttons.push(note_button(c.number, *number, c.notes.contains_key(number)));
        blocks.push(
            SlackActionsBlock::new(buttons)
                .with_block_id(SlackBlockId::new(format!("g{number}")))
                .into(),
        );
        if let Some(note) = c.notes.get(number) {
            blocks.push(context(format!("_Your note:_ {}", escape(note))));
        }
    }
    if !c.partners.is_empty() {
        blocks.push(section(format!(
            "*Did you meet {}?*",
            mentions(&c.partners)
        )));
        let mut buttons: Vec<SlackActionBlockElement> = MetAnswer::ALL
            .iter()
            .map(|a| {
                choice(
                    a.label(),
                    Action::CheckinMet {
                        number: c.number,
                        answer: *a,
                    },
                    c.met == Some(*a),
                )
            })
            .collect();
        buttons.push(note_button(c.number, 0, c.notes.contains_key(&0)));
        blocks.push(
            SlackActionsBlock::new(buttons)
                .with_block_id(SlackBlockId::new("met".to_owned()))
                .into(),
        );
        if let Some(note) = c.notes.get(&0) {
            blocks.push(context(format!("_Your note:_ {}", escape(note))));
        }
    }
    let open: Vec<String> = model
        .notes
        .open()
        .map(|n| format!("• {}", escape(&n.text)))
        .collect();
    if !open.is_empty() {
        blocks.push(section(format!("*To follow up:*\n{}", open.join("\n"))));
    }
    blocks.push(
        SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(md!(
            "Reflect: what went well, and what would you do differently? Jot it down with `/tandem note`. \
             Your partner sees only how many goals moved, never what they say."
        ))])
        .into(),
    );
    if c.complete() {
        blocks.push(section("Thanks — all recorded.".into()));
    }
    SlackMessageContent::new()
        .with_text("Your Tandem check-in".to_owned())
        .with_blocks(blocks)
}

/// The "add a note" button beside a check-in answer (goal 0: the meeting).
pub(super) fn note_button(number: u32, goal: u32, has_note: bool) -> SlackActionBlockElement {
    let label = if has_note {
        "✎ Edit note"
    } else {
        "✎ Add a note"
    };
    button(label, &Action::CheckinNote { number, goal }).into()
}

/// The one gentle reminder about an unanswered check-in.
pub fn reminder() -> SlackMessageContent {
    text_message(
        "A gentle nudge: your check-in from yesterday is still open above — it takes a minute, \
         and your partner sees only how things moved."
            .to_owned(),
    )
}

/// A private nudge, with the button that acts on it.
pub fn nudge(nudge: &crate::domain::nudges::Nudge) -> SlackMessageContent {
    use crate::domain::nudges::Nudge;
    let (text, buttons): (String, Vec<SlackActionBlockElement>) = match nudge {
        Nudge::StaleGoal {
            goal,
            text,
            checkins,
        } => (
            format!(
                "Goal {goal} — _{}_ — hasn't moved in {checkins} check-ins. Big goals stall; \
                 what is one step small enough to finish this week?",
                escape(text)
            ),
            vec![button("Add a smaller next step", &Action::AddStep { goal: *goal })
                .with_style(SlackBlockButtonStyle::Primary)
                .into()],
        ),
        Nudge::Fizzle { partners, periods } => (
            format!(
                "You and {} haven't managed to meet in {periods} check-ins. Even 20 minutes counts — \
                 propose a time in your group DM today. If it's not working out, you can ask for a \
                 new partner next round.",
                mentions(partners)
            ),
            Vec::new(),
        ),
        Nudge::RepairOffer { partners, round } => (
            format!(
                "Still no meeting with {} — that happens. Want a new partner at the next round? \
                 You'll be matched first, and nobody is told why.",
                mentions(partners),
            ),
            vec![
                button("Yes, pair me anew", &Action::Repair { round: *round })
                    .with_style(SlackBlockButtonStyle::Primary)
                    .into(),
                button("Keep trying", &Action::KeepPartner { round: *round })
                    .into(),
            ],
        ),
        Nudge::BeforeMeeting { partners, notes } => (
            format!(
                "Before you meet {}: your open follow-ups (only you see these)\n{}\n\
                 Tick one off with `/tandem note done <n>`.",
                mentions(partners),
                notes
                    .iter()
                    .map(|n| format!("• {}", escape(n)))
                    .collect::<Vec<_>>()
                    .join("\n")
            ),
            Vec::new(),
        ),
        Nudge::MeetingSoon {
            partners,
            at,
            minutes,
        } => (
            format!(
                ":alarm_clock: Your Tandem meeting with {} starts in {minutes} minutes ({}). \
                 Your follow-ups from last time: `/tandem notes`.",
                mentions(partners),
                super::rounds::meeting_time(*at)
            ),
            Vec::new(),
        ),
        Nudge::StillIn => (
            "You haven't answered your last few check-ins — no problem, busy weeks happen. \
             Still in? If not, a pause is one click, and nobody is paired with you meanwhile. \
             With no answer by the next round, I'll pause you (and tell you how to come back)."
                .to_owned(),
            vec![
                button("Yes, keep me in", &Action::StillIn { keep: true })
                    .with_style(SlackBlockButtonStyle::Primary)
                    .into(),
                button("Pause me for a month", &Action::StillIn { keep: false }).into(),
            ],
        ),
        Nudge::PausedForSilence => (
            "I've paused your Tandem membership, since your check-ins have gone unanswered — \
             nothing of yours has changed, and nobody is told why. Come back whenever you like."
                .to_owned(),
            vec![button("Resume", &Action::Resume)
                .with_style(SlackBlockButtonStyle::Primary)
                .into()],
        ),
        Nudge::PartnerAway => (
            "Your partner seems to be away for now, so you're first in line for a new partner \
             this round. Thanks for showing up!"
                .to_owned(),
            Vec::new(),
        ),
        Nudge::KeepOrNew {
            partners,
            round,
            choice,
        } => {
            let mark = |chosen: bool, label: &str| {
                if *choice == Some(chosen) {
                    format!("✓ {label}")
                } else {
                    label.to_owned()
                }
            };
            let mut text = format!(
                "You met {} — good. Keep meeting next round, or meet someone new? \
                 Only you see your answer; you stay together only if you both choose to keep meeting, \
                 and you can change your mind until the next round.",
                mentions(partners)
            );
            if let Some(keep) = choice {
                text.push_str(if *keep {
                    "\n*Your choice:* keep meeting."
                } else {
                    "\n*Your choice:* someone new next round."
                });
            }
            (
                text,
                vec![
                    button(&mark(true, "Keep meeting"), &Action::StayTogether { round: *round, keep: true })
                        .into(),
                    button(&mark(false, "Ready for someone new"), &Action::StayTogether { round: *round, keep: false })
                        .into(),
                ],
            )
        }
        Nudge::PauseEnded => (
            "Welcome back! Your pause is over: you'll be in the next round and your check-ins \
             start again. Need longer? `/tandem pause 2w`."
                .to_owned(),
            Vec::new(),
        ),
    };
    let mut blocks = vec![section(text.clone())];
    if !buttons.is_empty() {
        blocks.push(SlackActionsBlock::new(buttons).into());
    }
    SlackMessageContent::new()
        .with_text(plain_summary(nudge))
        .with_blocks(blocks)
}

/// The notification text of a nudge (shown in previews; no goal text).
pub(super) fn plain_summary(nudge: &crate::domain::nudges::Nudge) -> String {
    use crate::domain::nudges::Nudge;
    match nudge {
        Nudge::StaleGoal { goal, .. } => format!("Goal {goal} could use a smaller next step"),
        Nudge::Fizzle { .. } => "Time to find a slot with your partner".to_owned(),
        Nudge::RepairOffer { .. } => "Want a new partner next round?".to_owned(),
        Nudge::PauseEnded => "Welcome back to Tandem".to_owned(),
        Nudge::KeepOrNew { .. } => "Keep meeting your partner?".to_owned(),
        Nudge::StillIn => "Still in?".to_owned(),
        Nudge::PausedForSilence => "Your Tandem membership is paused".to_owned(),
        Nudge::PartnerAway => "First in line for a new partner".to_owned(),
        Nudge::BeforeMeeting { .. } => "Your follow-ups for your next meeting".to_owned(),
        Nudge::MeetingSoon { minutes, .. } => {
            format!("Your Tandem meeting starts in {minutes} minutes")
        }
    }
}
