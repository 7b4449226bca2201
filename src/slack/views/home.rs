//! The Home tab and what shares its parts: status, profile, goals, notes,
//! shelf, circle, the welcome DM.

use super::*;

/// What a profile says, one field per line; unset fields show a dash.
pub(super) fn profile_text(p: &Profile) -> String {
    let list = |items: &[String]| {
        if items.is_empty() {
            "—".to_owned()
        } else {
            escape(&items.join(", "))
        }
    };
    let mut text = format!(
        "*Offers:* {}\n*Learning:* {}\n*Level:* {} · *Team:* {} · *Format:* {} · *Cadence:* {}",
        list(&p.offers),
        list(&p.wants),
        p.level.map_or("—".to_owned(), |l| l.to_string()),
        p.team.as_deref().map_or("—".to_owned(), escape),
        p.format.label(),
        p.cadence.label()
    );
    // Only when set: most people work the program's hours.
    if let Some(hours) = p.hours {
        text.push_str(&format!(" · *Working hours:* {hours}"));
    }
    text
}

/// Where the member stands in the program.
pub(super) fn membership_text(p: &Profile, today: Option<chrono::NaiveDate>) -> String {
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
pub(super) fn standing(home: &HomeModel) -> String {
    match (&home.circle, home.profile.membership) {
        (Some(c), Membership::Active) => format!(
            "You're in the program, in the circle <#{}>: prompts arrive there weekly.",
            c.channel
        ),
        _ => membership_text(&home.profile, home.today),
    }
}

/// The confirmed first meeting, when there is one, in the reader's zone.
fn meeting_note(pairing: &crate::domain::pairing::Pairing) -> String {
    pairing
        .meeting
        .and_then(|t| chrono::DateTime::from_timestamp(t, 0))
        .map(|at| format!(" First meeting: {}.", super::rounds::meeting_time(at)))
        .unwrap_or_default()
}

pub(super) fn status_message(home: &HomeModel) -> SlackMessageContent {
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
            "*Your partner this round (#{}):* {who}{}",
            home.pairing.round,
            meeting_note(&home.pairing),
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
pub(super) fn circle_text(circle: &crate::app::CircleHome) -> String {
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

/// The Home tab's buttons, depending on where the member stands.
pub(super) fn home_buttons(
    profile: &Profile,
    today: Option<chrono::NaiveDate>,
) -> SlackActionsBlock {
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

/// One section per active goal (numbered, with its steps).
pub(super) fn goal_blocks(book: &GoalBook) -> Vec<SlackBlock> {
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
pub(super) fn shelf_blocks(shelf: &crate::domain::shelf::Shelf, limit: usize) -> Vec<SlackBlock> {
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
pub(super) fn note_blocks(book: &NoteBook) -> Vec<SlackBlock> {
    book.open()
        .map(|n| section(format!("*{}.* {}", n.number, escape(&n.text))))
        .collect()
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
                "*This round (#{}):* you're paired with {who}.{}",
                home.pairing.round,
                meeting_note(&home.pairing),
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
    if let Some(stats) = &home.program {
        blocks.extend(program_blocks(stats));
    }
    blocks.push(SlackDividerBlock::new().into());
    blocks.extend(command_blocks());
    blocks.push(
        SlackContextBlock::new(vec![SlackContextBlockElement::MarkDown(md!(PRIVACY_NOTE))]).into(),
    );
    SlackView::Home(SlackHomeView::new(blocks))
}
