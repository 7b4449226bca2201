//! Block Kit builders: pure functions of app data, so their JSON can be
//! snapshot-tested and checked against Slack's limits.

use crate::app::help::{CommandDoc, COMMANDS};
use crate::app::{Action, HomeModel, Reply};
use crate::domain::goals::GoalBook;
use crate::domain::notes::NoteBook;
use crate::domain::profile::{Cadence, Membership, Profile};
use slack_morphism::prelude::*;

/// Slack's limits that every view here must respect.
pub const MAX_BLOCKS: usize = 100;
pub const MAX_SECTION_TEXT: usize = 3000;

const PRIVACY_NOTE: &str = "Your goals, notes and check-in answers are private to you \
(and your partner or circle where you share them). Program admins see counts only.";

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
        Reply::Refused { message } => text_message(message.clone()),
        Reply::StoreDown => text_message(
            "Tandem can't reach its storage right now, so nothing was changed. Please try again in a minute."
                .to_owned(),
        ),
        Reply::ConfirmForget => confirm_forget(),
        Reply::Silent => SlackMessageContent::new(),
        Reply::ConfirmLeave => confirm_leave(),
        Reply::Done { message } => text_message(message.clone()),
        Reply::Profile { headline, profile } => list_message(
            Some(headline),
            vec![section(profile_text(profile))],
        ),
        Reply::Status { home } => status_message(home),
        Reply::Round(summary) => round_message(summary),
        Reply::Circles(summary) => circles_message(summary),
        Reply::Checkin(model) => checkin(model),
        Reply::Shelf { headline, shelf } => list_message(Some(headline), shelf_blocks(shelf, 10)),
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

/// What a profile says, one field per line; unset fields show a dash.
fn profile_text(p: &Profile) -> String {
    let list = |items: &[String]| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            escape(&items.join(", "))
        }
    };
    format!(
        "*Offers:* {}\n*Learning:* {}\n*Level:* {} · *Team:* {} · *Format:* {} · *Cadence:* {}",
        list(&p.offers),
        list(&p.wants),
        p.level.map_or("—".to_owned(), |l| l.to_string()),
        p.team.as_deref().map_or("—".to_owned(), escape),
        p.format.label(),
        p.cadence.label()
    )
}

/// Where the member stands in the program.
fn membership_text(p: &Profile, today: Option<chrono::NaiveDate>) -> String {
    match p.membership {
        Membership::Out => {
            "You haven't joined the program yet — `/tandem join` when you're ready.".into()
        }
        Membership::Active => "You're in the program: you'll be paired in the next round.".into(),
        Membership::Paused { until: Some(d) } if today.is_some_and(|t| t > d) => format!(
            "You're in the program (your pause ended on {}).",
            d.format("%a %-d %b %Y")
        ),
        Membership::Paused { until: Some(d) } => format!(
            "Paused until {} — no pairing or prompts until then.",
            d.format("%a %-d %b %Y")
        ),
        Membership::Paused { until: None } => "Paused until you `/tandem resume`.".into(),
    }
}

/// Where a member stands, saying so when they meet in a circle.
fn standing(home: &HomeModel) -> String {
    match (&home.circle, home.profile.membership) {
        (Some(c), Membership::Active) => format!(
            "You're in the program, in the circle <#{}>: prompts arrive there weekly.",
            c.channel
        ),
        _ => membership_text(&home.profile, home.today),
    }
}

fn status_message(home: &HomeModel) -> SlackMessageContent {
    let membership = standing(home);
    let mut blocks = vec![
        section(membership.clone()),
        section(profile_text(&home.profile)),
    ];
    if let Some(circle) = &home.circle {
        blocks.push(section(circle_text(circle)));
    }
    if !home.pairing.partners.is_empty() {
        let who = mentions(&home.pairing.partners);
        blocks.push(section(format!(
            "*Your partner this round (#{}):* {who}",
            home.pairing.round,
        )));
    }
    let goals = goal_blocks(&home.goals);
    blocks.push(section(format!(
        "*Goals* ({} active)",
        home.goals.active().count()
    )));
    blocks.extend(goals);
    let notes = note_blocks(&home.notes);
    blocks.push(section(format!("*Follow-ups* ({} open)", notes.len())));
    blocks.extend(notes);
    SlackMessageContent::new()
        .with_text(membership)
        .with_blocks(blocks)
}

/// My circle: channel, members, facilitators, next prompt.
fn circle_text(circle: &crate::app::CircleHome) -> String {
    let ids = |v: &[crate::ids::UserId]| mention_list(v, ", ");
    let mut text = format!(
        "*Your circle:* <#{}> — {}",
        circle.channel,
        ids(&circle.members)
    );
    if let Some(f) = &circle.facilitator {
        text.push_str(&format!("\n*Facilitating this week:* <@{f}>"));
    }
    if !circle.rotation.is_empty() {
        text.push_str(&format!(
            "\n*Facilitators to come:* {}",
            ids(&circle.rotation)
        ));
    }
    if let Some(next) = circle.next_prompt {
        text.push_str(&format!(
            "\n*Next prompt:* <!date^{}^{{date_short_pretty}} at {{time}}|{}>",
            next.timestamp(),
            next.format("%a %-d %b %H:%M UTC")
        ));
    }
    text
}

fn confirm_leave() -> SlackMessageContent {
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

/// An admin's view of a round: groups with scores and reasons (never any
/// goal or note text), who sits out and why, who is not ready.
fn circles_message(c: &crate::app::CirclesSummary) -> SlackMessageContent {
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
    for (i, g) in c.groups.iter().enumerate().take(30) {
        blocks.push(section(format!(
            "*{}.* {}\n{}",
            i + 1,
            mention_list(&g.members, ", "),
            g.reasons.join(" · ")
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

fn circle_intro(c: &crate::app::CircleIntro) -> SlackMessageContent {
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
        blocks.push(section(format!("*Why you:* {}", c.reasons.join(" · "))));
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

fn circle_prompt(p: &crate::app::CirclePrompt) -> SlackMessageContent {
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

fn round_message(r: &crate::app::RoundSummary) -> SlackMessageContent {
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
        ". Each group has its intro in a group DM."
    });
    let mut blocks = vec![section(headline.clone())];
    for (i, g) in r.groups.iter().enumerate().take(40) {
        blocks.push(section(format!(
            "*{}.* {} — {:.2}\n{}",
            i + 1,
            mention_list(&g.members, " + "),
            g.score as f64 / 100.0,
            g.reasons.join(" · ")
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
    if r.not_ready > 0 || r.away > 0 {
        blocks.push(section(format!(
            "Not in this round: {} with an unfinished profile, {} paused or in circles.",
            r.not_ready, r.away
        )));
    }
    SlackMessageContent::new()
        .with_text(headline)
        .with_blocks(blocks)
}

/// The intro posted in a new pair's (or trio's) group DM. The meeting time
/// is a Slack date token, so each person sees it in their own time zone.
pub fn intro(
    round: u32,
    members: &[crate::ids::UserId],
    reasons: &[String],
    shared_goals: &[(crate::ids::UserId, Vec<String>)],
    first_meeting: chrono::DateTime<chrono::Utc>,
) -> SlackMessageContent {
    let who = mention_list(members, ", ");
    let when = format!(
        "<!date^{}^{{date_long_pretty}} at {{time}}|{} UTC>",
        first_meeting.timestamp(),
        first_meeting.format("%a %-d %b %Y %H:%M")
    );
    let text = format!("{who} — you're paired for peer mentoring!");
    let mut blocks = vec![
        section(format!(":wave: {text}")),
        section(format!("*Why you:* {}", reasons.join(" · "))),
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
    blocks.extend([
        section(format!(
            "*Suggested first meeting:* {when} (shown in your own time zone). Reply here to agree another time."
        )),
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

/// A resource shared with a partner or trio, in their group DM.
pub fn shared(from: &crate::ids::UserId, url: &str, why: Option<&str>) -> SlackMessageContent {
    let link = url.replace('|', "%7C");
    let why = why.map(|w| format!(" — {}", escape(w))).unwrap_or_default();
    text_message(format!(":books: <@{from}> shared <{link}>{why}"))
}

/// A plain text message.
pub fn text(text: String) -> SlackMessageContent {
    text_message(text)
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
fn note_button(number: u32, goal: u32, has_note: bool) -> SlackActionBlockElement {
    let label = if has_note {
        "✎ Edit note"
    } else {
        "✎ Add a note"
    };
    button(label, &Action::CheckinNote { number, goal }).into()
}

fn context(text: String) -> SlackBlock {
    SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(md!(text))]).into()
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
fn plain_summary(nudge: &crate::domain::nudges::Nudge) -> String {
    use crate::domain::nudges::Nudge;
    match nudge {
        Nudge::StaleGoal { goal, .. } => format!("Goal {goal} could use a smaller next step"),
        Nudge::Fizzle { .. } => "Time to find a slot with your partner".to_owned(),
        Nudge::RepairOffer { .. } => "Want a new partner next round?".to_owned(),
        Nudge::PauseEnded => "Welcome back to Tandem".to_owned(),
        Nudge::BeforeMeeting { .. } => "Your follow-ups for your next meeting".to_owned(),
    }
}

/// The DM to someone who sits out this round.
pub fn sit_out(reason: &str) -> SlackMessageContent {
    text_message(format!(
        "No partner for you this round: {reason}. Nothing you need to do — you'll be considered again next round."
    ))
}

/// Slack mentions of user ids, "a and b".
fn mentions<T: std::fmt::Display>(ids: &[T]) -> String {
    mention_list(ids, " and ")
}

/// Slack mentions of user ids joined by `sep`.
fn mention_list<T: std::fmt::Display>(ids: &[T], sep: &str) -> String {
    ids.iter()
        .map(|p| format!("<@{p}>"))
        .collect::<Vec<_>>()
        .join(sep)
}

/// A button for `action`, its id and value written by the one codec.
fn button(label: &str, action: &Action) -> SlackBlockButtonElement {
    let (id, value) = super::buttons::encode(action);
    let b = SlackBlockButtonElement::new(pt!(label.to_owned()))
        .with_action_id(SlackActionId::new(id.to_owned()));
    match value {
        Some(value) => b.with_value(value),
        None => b,
    }
}

/// The Home tab's buttons, depending on where the member stands.
fn home_buttons(profile: &Profile, today: Option<chrono::NaiveDate>) -> SlackActionsBlock {
    let mut buttons: Vec<SlackActionBlockElement> = Vec::new();
    let active = today.is_some_and(|t| profile.is_active(t));
    match profile.membership {
        Membership::Out => buttons.push(
            button("Join", &Action::Join)
                .with_style(SlackBlockButtonStyle::Primary)
                .into(),
        ),
        _ => buttons.push(button("Edit profile", &Action::OpenProfile).into()),
    }
    buttons.push(button("Add a goal", &Action::OpenGoal).into());
    match profile.membership {
        Membership::Paused { .. } if !active => {
            buttons.push(button("Resume", &Action::Resume).into())
        }
        Membership::Out => {}
        _ => buttons.push(button("Pause 2 weeks", &Action::PauseTwoWeeks).into()),
    }
    SlackActionsBlock::new(buttons)
}

/// The DM to someone who joined the program channel.
pub fn welcome_dm() -> SlackMessageContent {
    let text = "Welcome! This channel is home to our peer-mentoring program. Tandem pairs you \
                with a colleague at your level whose skills complement yours — each of you \
                teaches the other. Join in a minute: say what you can offer and want to learn.";
    SlackMessageContent::new()
        .with_text(text.to_owned())
        .with_blocks(vec![
            section(text.to_owned()),
            SlackActionsBlock::new(vec![button("Join", &Action::Join)
                .with_style(SlackBlockButtonStyle::Primary)
                .into()])
            .into(),
        ])
}

/// The `/tandem forget` warning, with a confirm dialog on the red button.
fn confirm_forget() -> SlackMessageContent {
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
fn fit(text: String) -> String {
    if text.chars().count() <= MAX_SECTION_TEXT {
        text
    } else {
        let mut cut: String = text.chars().take(MAX_SECTION_TEXT - 1).collect();
        cut.push('…');
        cut
    }
}

fn section(text: String) -> SlackBlock {
    SlackSectionBlock::new().with_text(md!(fit(text))).into()
}

fn list_message(headline: Option<&str>, blocks: Vec<SlackBlock>) -> SlackMessageContent {
    let mut all = Vec::new();
    if let Some(h) = headline {
        all.push(section(h.to_owned()));
    }
    all.extend(blocks);
    SlackMessageContent::new()
        .with_text(headline.unwrap_or("Your Tandem list").to_owned())
        .with_blocks(all)
}

/// One section per active goal (numbered, with its steps).
fn goal_blocks(book: &GoalBook) -> Vec<SlackBlock> {
    let mut blocks = Vec::new();
    for goal in book.active() {
        let mut text = format!("*{}.* {}", goal.number, escape(&goal.text));
        if goal.shared {
            text.push_str(" _(shared with your partner)_");
        }
        for step in &goal.steps {
            text.push_str(&format!("\n      • {}", escape(&step.text)));
        }
        blocks.push(section(text));
    }
    let done = book
        .items
        .iter()
        .filter(|g| g.state == crate::domain::goals::GoalState::Done)
        .count();
    if done > 0 {
        blocks.push(
            SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(md!(format!(
                "{done} goal{} done so far.",
                if done == 1 { "" } else { "s" }
            )))])
            .into(),
        );
    }
    blocks
}

/// The latest `limit` shelf items, newest first.
fn shelf_blocks(shelf: &crate::domain::shelf::Shelf, limit: usize) -> Vec<SlackBlock> {
    shelf
        .items
        .iter()
        .rev()
        .take(limit)
        .map(|item| {
            let why = item
                .why
                .as_deref()
                .map(|w| format!(" — {}", escape(w)))
                .unwrap_or_default();
            // A bare `|` would turn the rest of the link into its label.
            let link = item.url.replace('|', "%7C");
            section(format!("*{}.* <{link}>{why}", item.number))
        })
        .collect()
}

/// One section per open note.
fn note_blocks(book: &NoteBook) -> Vec<SlackBlock> {
    book.open()
        .map(|n| section(format!("*{}.* {}", n.number, escape(&n.text))))
        .collect()
}

fn text_message(text: String) -> SlackMessageContent {
    SlackMessageContent::new()
        .with_text(text.clone())
        .with_blocks(vec![SlackSectionBlock::new().with_text(md!(text)).into()])
}

/// `/tandem goal add <text> · goal done <n>` → each form in its own code span.
fn usage_spans(usage: &str) -> String {
    usage
        .split(" · ")
        .map(|u| format!("`/tandem {u}`"))
        .collect::<Vec<_>>()
        .join(" · ")
}

fn command_lines(docs: impl Iterator<Item = &'static CommandDoc>) -> String {
    docs.map(|d| format!("• {} — {}", usage_spans(d.usage), d.summary))
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

/// The Home tab: the member's own goals and notes, then how Tandem works.
pub fn home_view(home: &HomeModel) -> SlackView {
    let mut blocks: Vec<SlackBlock> = vec![
        SlackHeaderBlock::new(pt!("Welcome to Tandem")).into(),
        SlackSectionBlock::new()
            .with_text(md!(
                "Peer mentoring with colleagues at your level. *How it works:*\n\
                 1. Say what you can offer and what you want to learn.\n\
                 2. Tandem pairs you with someone whose skills complement yours — each of you \
                 teaches the other.\n\
                 3. You agree a rhythm, set goals and keep follow-up notes, so you keep each \
                 other going."
            ))
            .into(),
        SlackDividerBlock::new().into(),
        SlackHeaderBlock::new(pt!("You")).into(),
        section(standing(home)),
        section(profile_text(&home.profile)),
        SlackHeaderBlock::new(pt!("Your goals")).into(),
    ];
    let goals = goal_blocks(&home.goals);
    if home.goals.active().next().is_none() {
        blocks.push(section(
            "No active goals yet. Add one with `/tandem goal add <what you want to achieve>`."
                .into(),
        ));
    }
    blocks.extend(goals);
    blocks.push(SlackHeaderBlock::new(pt!("Follow-ups for your next meeting")).into());
    let notes = note_blocks(&home.notes);
    if notes.is_empty() {
        blocks.push(section(
            "Nothing to follow up. Jot something down with `/tandem note <text>`.".into(),
        ));
    }
    blocks.extend(notes);
    if !home.pairing.partners.is_empty() {
        let who = mentions(&home.pairing.partners);
        blocks.insert(
            5,
            section(format!(
                "*This round (#{}):* you're paired with {who}.",
                home.pairing.round,
            )),
        );
    }
    if let Some(circle) = &home.circle {
        blocks.insert(5.min(blocks.len()), section(circle_text(circle)));
    }
    if !home.shelf.items.is_empty() {
        blocks.push(SlackHeaderBlock::new(pt!("Your shelf")).into());
        blocks.extend(shelf_blocks(&home.shelf, 10));
    }
    blocks.push(home_buttons(&home.profile, home.today).into());
    blocks.push(SlackDividerBlock::new().into());
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
            "*Ready now*\n• `/tandem help` — this list\n\
             • `/tandem join` — join the program\n\
             • `/tandem profile [offer: …; learn: …; level: …]` — see or change what you offer and want to learn\n\
             • `/tandem status` — your membership, profile, goals and notes\n\
             • `/tandem goal add <text>` · `/tandem goal step <n> <text>` · `/tandem goal done <n>` · `/tandem goal drop <n>` · `/tandem goal share <n>` · `/tandem goal private <n>` — set goals, break them into steps, share one with your partner\n\
             • `/tandem goals` — list your goals\n\
             • `/tandem note <text>` · `/tandem note done <n>` — a private follow-up for your next meeting\n\
             • `/tandem notes` — list your follow-up notes\n\
             • `/tandem share <url> [why]` — keep a resource on your shelf and send it to your partner or circle\n\
             • `/tandem pause [2w | until 2027-01-10]` — take a break from matching and prompts\n\
             • `/tandem resume` — come back from a pause\n\
             • `/tandem leave` — leave the program\n\
             • `/tandem forget` — erase everything Tandem holds about you\n\
             • `/tandem admin round [preview]` · `/tandem admin checkins` · `/tandem admin circles [preview] [size]` · `/tandem admin circle #channel` — pair everyone now (or preview the pairs); send check-ins now; form circles, or make a channel a circle (admins only)"
        );
        assert_eq!(
            blocks[3]["text"]["text"],
            "*Coming soon*\n• `/tandem checkin` — start your check-in now\n\
             • `/tandem admin stats` · `/tandem admin export` — more for program admins"
        );
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
}
