//! Circles: what `admin circles` formed, the intro and weekly prompt in a
//! circle's channel, offers of a place or a merge.

use super::*;

/// An admin's view of a round: groups with scores and reasons (never any
/// goal or note text), who sits out and why, who is not ready.
pub(super) fn circles_message(c: &crate::app::CirclesSummary) -> SlackMessageContent {
    let sizes: Vec<String> = c
        .groups
        .iter()
        .map(|g| g.members.len().to_string())
        .collect();
    let headline = if c.preview {
        format!(
            "*Preview:* {} circle{} of about {} ({}). Nothing was created; `/tandem admin circles{}` forms them.",
            c.groups.len(),
            if c.groups.len() == 1 { "" } else { "s" },
            c.size,
            sizes.join("/"),
            if c.size == 0 { String::new() } else { format!(" {}", c.size) }
        )
    } else {
        let channels: Vec<String> = c
            .formed
            .iter()
            .map(|(channel, n)| format!("<#{channel}> ({n})"))
            .collect();
        format!(
            "*Formed {} circle{}:* {}. Each has its private channel, an intro and weekly prompts.",
            c.formed.len(),
            if c.formed.len() == 1 { "" } else { "s" },
            channels.join(", ")
        )
    };
    let mut blocks = vec![section(headline.clone())];
    if let Some(reason) = &c.failed {
        blocks.push(section(format!(
            ":warning: Stopped after {} of {}: {reason}. Run the command again to form the rest.",
            c.formed.len(),
            c.groups.len()
        )));
    }
    if !c.uninvited.is_empty() {
        let where_: Vec<String> = c
            .uninvited
            .iter()
            .map(|(channel, reason)| format!("<#{channel}> ({reason})"))
            .collect();
        blocks.push(section(format!(
            ":warning: I couldn't add the members to {}. Add them with `/invite` in the channel; prompts start either way.",
            where_.join(", ")
        )));
    }
    for (i, g) in c.groups.iter().enumerate().take(30) {
        blocks.push(section(format!(
            "*{}.* {}\n{}",
            i + 1,
            mention_list(&g.members, ", "),
            render_all(&g.reasons, " · ")
        )));
    }
    if c.unplaced > 0 {
        blocks.push(context(format!(
            "{} member{} couldn't be placed in a circle this time; they'll be offered a place when one has room.",
            c.unplaced,
            if c.unplaced == 1 { "" } else { "s" }
        )));
    }
    if c.not_ready > 0 {
        blocks.push(context(format!(
            "{} circle-preferring member{} left out until their profile is complete.",
            c.not_ready,
            if c.not_ready == 1 { " is" } else { "s are" }
        )));
    }
    SlackMessageContent::new()
        .with_text(headline)
        .with_blocks(blocks)
}

/// A message the app keeps the id of (circle intros and prompts).
pub fn post(post: &crate::app::Post) -> SlackMessageContent {
    match post {
        crate::app::Post::CircleIntro(intro) => circle_intro(intro),
        crate::app::Post::CirclePrompt(prompt) => circle_prompt(prompt),
    }
}

pub(super) fn circle_intro(c: &crate::app::CircleIntro) -> SlackMessageContent {
    let who: Vec<String> = c.members.iter().map(|m| format!("<@{}>", m.user)).collect();
    let text = format!("Welcome to your peer-mentoring circle, {}!", who.join(", "));
    let list = |items: &[String]| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            escape(&items.join(", "))
        }
    };
    let people: Vec<String> = c
        .members
        .iter()
        .map(|m| {
            format!(
                "• <@{}> can offer {} · wants to learn {}",
                m.user,
                list(&m.offers),
                list(&m.wants)
            )
        })
        .collect();
    let when = format!(
        "<!date^{}^{{date_long_pretty}} at {{time}}|{} UTC>",
        c.first_meeting.timestamp(),
        c.first_meeting.format("%a %-d %b %Y %H:%M")
    );
    let mut blocks = vec![
        section(format!(":seedling: {text}")),
        section(format!("*Who's here*\n{}", people.join("\n"))),
    ];
    if !c.reasons.is_empty() {
        blocks.push(section(format!(
            "*Why you:* {}",
            render_all(&c.reasons, " · ")
        )));
    }
    blocks.push(section(format!(
        "*Suggested first meeting:* {when} (in your own time zone). {}",
        c.facilitator.as_ref().map_or(String::new(), |f| format!(
            "<@{f}> facilitates first; the role rotates weekly."
        ))
    )));
    if let Some(next) = c.next_prompt {
        blocks.push(section(format!(
            "*Every week* I'll post a prompt here and name that week's facilitator; answer in its thread. First prompt: <!date^{}^{{date_short_pretty}} at {{time}}|{}>.",
            next.timestamp(),
            next.format("%a %-d %b %H:%M UTC")
        )));
    }
    blocks.push(context(
        "*How a circle meeting runs:* the facilitator keeps time; each person gets a few minutes for \
         progress and one ask; the others listen first, repeat back what they heard, then offer ideas. \
         What's said in the circle stays in the circle."
            .to_owned(),
    ));
    SlackMessageContent::new()
        .with_text(text)
        .with_blocks(blocks)
}

pub(super) fn circle_prompt(p: &crate::app::CirclePrompt) -> SlackMessageContent {
    let text = format!("Week {} prompt: {}", p.week, p.kind.question());
    let mut blocks = Vec::new();
    if let Some((answered, total)) = &p.answered_last {
        let summary = if answered.is_empty() {
            format!(
                "Last week: no replies yet from the {total} of you — this week is a fresh start."
            )
        } else {
            let who = mention_list(answered, ", ");
            format!(
                "Last week {} of {total} answered: {}. Thank you!",
                answered.len(),
                who
            )
        };
        blocks.push(context(summary));
    }
    blocks.push(section(format!(
        ":speech_balloon: *Week {}:* {}",
        p.week,
        p.kind.question()
    )));
    if let Some(f) = &p.facilitator {
        blocks.push(section(format!(
            "This week's facilitator: <@{f}>. Reply in this thread; your check-ins land here too."
        )));
    }
    SlackMessageContent::new()
        .with_text(text)
        .with_blocks(blocks)
}

/// A DM offering a place in a circle with room.
pub fn circle_join_offer(channel: &str, circle: u32, members: usize) -> SlackMessageContent {
    let text = format!(
        "There's room for you in a peer-mentoring circle of {members}: <#{channel}>. Want to join?"
    );
    SlackMessageContent::new()
        .with_text(text.clone())
        .with_blocks(vec![
            section(text),
            SlackActionsBlock::new(vec![button(
                "Join the circle",
                &Action::CircleJoin { circle },
            )
            .with_style(SlackBlockButtonStyle::Primary)
            .into()])
            .into(),
        ])
}

/// In a small circle's channel: merge into another circle?
pub fn circle_merge_offer(from: u32, into: u32, into_channel: &str) -> SlackMessageContent {
    let text = format!(
        "This circle is down to fewer than three. Want to merge with <#{into_channel}>? \
         Everyone here would be invited there and join its facilitator rotation."
    );
    SlackMessageContent::new()
        .with_text(text.clone())
        .with_blocks(vec![
            section(text),
            SlackActionsBlock::new(vec![button(
                "Merge the circles",
                &Action::CircleMerge { from, into },
            )
            .with_style(SlackBlockButtonStyle::Primary)
            .into()])
            .into(),
        ])
}
