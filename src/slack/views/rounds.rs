//! Pairing rounds: the admin's summary, the intro in a group DM, shared
//! resources, sit-out DMs.

use super::*;

pub(super) fn round_message(r: &crate::app::RoundSummary) -> SlackMessageContent {
    let pairs = r.groups.iter().filter(|g| g.members.len() == 2).count();
    let trios = r.groups.len() - pairs;
    let mut headline = if r.preview {
        format!("*Preview of round {}*: {pairs} pairs", r.number)
    } else {
        format!("*Round {} is on*: {pairs} pairs", r.number)
    };
    if trios > 0 {
        headline.push_str(&format!(
            " and {trios} trio{}",
            if trios == 1 { "" } else { "s" }
        ));
    }
    headline.push_str(if r.preview {
        ". Nothing was sent; `/tandem admin round` runs it."
    } else {
        ". Each group's intro is on its way to a group DM."
    });
    let mut blocks = vec![section(headline.clone())];
    if let Some(p) = &r.delivering {
        blocks.push(section(format!(
            "Round {}'s intros are still going out: {} of {} sent.",
            p.round, p.sent, p.total
        )));
    }
    for (i, g) in r.groups.iter().enumerate().take(40) {
        blocks.push(section(format!(
            "*{}.* {} — {:.2}\n{}",
            i + 1,
            mention_list(&g.members, " + "),
            g.score as f64 / 100.0,
            render_all(&g.reasons, " · ")
        )));
    }
    for pair in r.kept.iter().take(40) {
        blocks.push(section(format!(
            "Kept together (both chose to): {}",
            mention_list(pair, " + ")
        )));
    }
    if r.groups.len() > 40 {
        blocks.push(section(format!(
            "…and {} more groups.",
            r.groups.len() - 40
        )));
    }
    for (u, reason) in r.sat_out.iter().take(20) {
        blocks.push(section(format!("<@{u}> sits out: {reason}")));
    }
    if r.not_ready > 0 || r.away > 0 || r.not_people > 0 {
        let mut line = format!(
            "Not in this round: {} with an unfinished profile, {} paused or in circles",
            r.not_ready, r.away
        );
        if r.not_people > 0 {
            line.push_str(&format!(
                ", {} guest, bot or deactivated account{}",
                r.not_people,
                if r.not_people == 1 { "" } else { "s" }
            ));
        }
        line.push('.');
        blocks.push(section(line));
    }
    SlackMessageContent::new()
        .with_text(headline)
        .with_blocks(blocks)
}

/// The intro posted in a new pair's (or trio's) group DM. The meeting
/// times are Slack date tokens, so each person reads them in their own
/// time zone; each has a Pick button.
pub fn intro(
    round: u32,
    members: &[crate::ids::UserId],
    reasons: &[Text],
    shared_goals: &[(crate::ids::UserId, Vec<String>)],
    slots: &[chrono::DateTime<chrono::Utc>],
    minutes: u32,
) -> SlackMessageContent {
    let who = mention_list(members, ", ");
    let text = format!("{who} — you're paired for peer mentoring!");
    let mut blocks = vec![
        section(format!(":wave: {text}")),
        section(format!("*Why you:* {}", render_all(reasons, " · "))),
    ];
    if !shared_goals.is_empty() {
        let lines: Vec<String> = shared_goals
            .iter()
            .map(|(who, goals)| {
                let goals: Vec<String> = goals.iter().map(|g| escape(g)).collect();
                format!("<@{who}>: {}", goals.join(" · "))
            })
            .collect();
        blocks.push(section(format!(
            "*Goals you chose to share:*\n{}",
            lines.join("\n")
        )));
    }
    blocks.extend(meeting_times(round, slots, minutes));
    blocks.extend([
        section(
            "*Kickoff:* each of you shares one goal and what you hope to get from the other. \
             Then agree how often you'll meet:"
                .to_owned(),
        ),
        SlackActionsBlock::new(
            [
                ("Weekly", Cadence::Weekly),
                ("Every 2 weeks", Cadence::Biweekly),
                ("Monthly", Cadence::Monthly),
            ]
            .into_iter()
            .map(|(label, cadence)| button(label, &Action::Kickoff { round, cadence }).into())
            .collect(),
        )
        .into(),
        SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(md!(
            "A good conversation: repeat back what you heard, and ask what lies underneath. \
             What you share here stays between you."
        ))])
        .into(),
    ]);
    SlackMessageContent::new()
        .with_text(text)
        .with_blocks(blocks)
}

/// The first meeting's times, each with a Pick button, and "none of these
/// work"; or, when the group shares no working time this week, a word on
/// agreeing one here.
fn meeting_times(
    round: u32,
    slots: &[chrono::DateTime<chrono::Utc>],
    minutes: u32,
) -> Vec<SlackBlock> {
    if slots.is_empty() {
        return vec![section(
            "*First meeting:* your working hours don't overlap in the next week, so there are no times to offer. \
             Reply here to agree one that suits you all."
                .to_owned(),
        )];
    }
    let mut blocks = vec![section(format!(
        "*Pick a time for your first meeting* ({minutes} min, shown in your own time zone). \
         When you all pick the same one, it's confirmed and a calendar invite appears here."
    ))];
    for (i, at) in slots.iter().enumerate() {
        let pick = Action::PickTime {
            round,
            slot: i as u8,
        };
        blocks.push(
            SlackSectionBlock::new()
                .with_text(md!(meeting_time(*at)))
                .with_accessory(button("Pick", &pick).into())
                .into(),
        );
    }
    blocks.push(
        SlackActionsBlock::new(vec![button(
            "None of these work",
            &Action::NoTimeWorks { round },
        )
        .into()])
        .into(),
    );
    blocks
}

/// A moment as a Slack date token: weekday, date and time in the reader's
/// zone, with a UTC fallback for clients that cannot show it.
pub(super) fn meeting_time(at: chrono::DateTime<chrono::Utc>) -> String {
    format!(
        "<!date^{}^{{date_long_pretty}} at {{time}}|{} UTC>",
        at.timestamp(),
        at.format("%a %-d %b %Y %H:%M")
    )
}

/// A kept pair's round: they continue, by both their choices.
pub fn continuing(round: u32, members: &[crate::ids::UserId]) -> SlackMessageContent {
    text_message(format!(
        ":repeat: {} — you're continuing together for round {round}, as you both chose. \
         Same rhythm as before; a new goal to share? `/tandem goal share <n>`.",
        mention_list(members, " and ")
    ))
}

/// A resource shared with a partner or trio, in their group DM.
pub fn shared(from: &crate::ids::UserId, url: &str, why: Option<&str>) -> SlackMessageContent {
    let link = url.replace('|', "%7C");
    let why = why.map(|w| format!(" — {}", escape(w))).unwrap_or_default();
    text_message(format!(":books: <@{from}> shared <{link}>{why}"))
}

/// The DM to someone who sits out this round.
pub fn sit_out(reason: &str) -> SlackMessageContent {
    text_message(format!(
        "No partner for you this round: {reason}. Nothing you need to do — you'll be considered again next round."
    ))
}
