//! Circle use cases: forming circles (each with its own private channel),
//! binding an existing channel, the weekly prompt with a rotating
//! facilitator, thread replies, members leaving, merges of circles that got
//! small, and places offered to newcomers. Creating channels, inviting and
//! posting prompts need answers (an id, a thread), so they go through the
//! [`Workspace`](super::workspace::Workspace) port, not `Effect`s.

use super::admin;
use super::context::App;
use super::documents::UpdateError;
use super::home;
use super::ledger::{self, Figure};
use super::model::{
    CircleIntro, CircleMember, CirclePrompt, CirclesSummary, Effect, JobRun, Outcome, PlannedGroup,
    Post, Reply,
};
use super::requests::ActionRequest;
use super::roster;
use super::text::{Span, Text};
use super::workspace::WorkspaceError;
use crate::domain::admin_log::AdminAct;
use crate::domain::circles::{channel_name, Circle, PromptKind, MIN_MEMBERS};
use crate::domain::job::Job;
use crate::domain::pairing::Pairing;
use crate::domain::profile::{Format, Profile};
use crate::ids::{ChannelId, TeamId, UserId};
use crate::store::Doc;
use chrono::{DateTime, Utc};

/// How many names are tried when Slack says a channel name is taken.
const NAME_ATTEMPTS: u32 = 6;
/// Smallest and largest circle size an admin may ask for.
const SIZES: std::ops::RangeInclusive<usize> = 3..=8;

/// `admin circles [preview] [size]`.
pub async fn admin_form(
    app: &App,
    team: &TeamId,
    user: &UserId,
    preview: bool,
    size: Option<usize>,
) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    let size = size.unwrap_or(app.config.circles.size);
    if !SIZES.contains(&size) {
        return Outcome::refused(format!(
            "Circles work best with {} to {} people; try `/tandem admin circles {}`.",
            SIZES.start(),
            SIZES.end(),
            app.config.circles.size
        ));
    }
    match form(app, team, preview, size).await {
        Ok(outcome) => {
            if let Reply::Circles(summary) = &outcome.reply {
                if !summary.preview && !summary.formed.is_empty() {
                    let act = AdminAct::Circles {
                        formed: summary.formed.len(),
                    };
                    super::admin_log::record(app, team, user, act, None).await;
                }
            }
            outcome
        }
        Err(e) => {
            tracing::warn!(error = %e, "circles not formed: store problem");
            Outcome::store_down()
        }
    }
}

async fn form(
    app: &App,
    team: &TeamId,
    preview: bool,
    size: usize,
) -> Result<Outcome, anyhow::Error> {
    let now = app.now();
    let book = app.docs.load_circles(team).await?;
    let mut profiles = Vec::new();
    for m in app.store.members(team).await? {
        let p: Profile = app.docs.load(team, &m, Doc::Profile).await?;
        let pairing: Pairing = app.docs.load(team, &m, Doc::Pairing).await?;
        // Circles are for those who asked for one, and for "either"
        // people whom no pair is holding.
        let wants_circle = p.format == Format::Circle
            || (p.format == Format::Either && pairing.partners.is_empty());
        if wants_circle && !book.has_member(&m) {
            profiles.push((m, p));
        }
    }
    let candidates: Vec<&UserId> = profiles.iter().map(|(u, _)| u).collect();
    let not_people = super::accounts::not_people(app, &candidates).await;
    let (roster, not_ready, _) = roster::roster_where(
        &profiles,
        now.date_naive(),
        app.time.zone,
        app.time.hours,
        |u, _| !not_people.contains(u),
    );
    let mut summary = CirclesSummary {
        preview,
        size,
        groups: Vec::new(),
        formed: Vec::new(),
        failed: None,
        uninvited: Vec::new(),
        not_ready,
        unplaced: 0,
    };
    let id = |i: usize| roster::member_of(&roster, i);
    if roster.people.len() < MIN_MEMBERS {
        // Too few for a circle of their own: offer places where there is room.
        let mut effects = Vec::new();
        if !preview {
            // Recorded before they are sent: only an offer made can be taken.
            let newcomers: Vec<UserId> = (0..roster.people.len()).map(id).collect();
            // Never a place beside someone they may not be grouped with.
            let everyone: Vec<UserId> = newcomers
                .iter()
                .cloned()
                .chain(book.items.iter().flat_map(|c| c.members.clone()))
                .collect();
            let forbidden = super::constraints::among(app, team, &everyone).await?;
            let offered = app
                .docs
                .update_circles(team, |b| {
                    let mut offers = Vec::new();
                    for user in &newcomers {
                        let fits = |c: &crate::domain::circles::Circle| {
                            forbidden.allows(std::slice::from_ref(user), &c.members)
                        };
                        let Some(room) = b.with_room_where(size + 1, fits).map(|c| c.id) else {
                            continue;
                        };
                        if let Some(c) = b.by_id_mut(room) {
                            c.offer(user);
                            offers.push(Effect::CircleJoinOffer {
                                user: user.clone(),
                                circle: c.id,
                                channel: c.channel.clone(),
                                members: c.members.len(),
                            });
                        }
                    }
                    if offers.is_empty() {
                        Err(())
                    } else {
                        Ok(offers)
                    }
                })
                .await;
            match offered {
                Ok((offers, _)) => effects = offers,
                Err(e) => {
                    e.refusal()?;
                }
            }
        }
        let offered = effects.len();
        let mut message = format!(
            "{} member{} prefer{} circles and {} in one yet; a new circle needs at least {MIN_MEMBERS}.",
            roster.people.len(),
            if roster.people.len() == 1 { "" } else { "s" },
            if roster.people.len() == 1 { "s" } else { "" },
            if roster.people.len() == 1 { "isn't" } else { "aren't" },
        );
        if offered > 0 {
            message.push_str(&format!(
                " Offered {offered} of them a place in a circle with room."
            ));
        }
        return Ok(Outcome::done(message).with_effects(effects));
    }
    let stored = app.store.load_team_doc(team, roster::ROUNDS_DOC).await?;
    let history = roster::parse_history(stored.as_deref())?;
    let scorer = crate::pairing::score::Scorer::new(
        &roster,
        &history,
        crate::pairing::score::Rules::from(&app.config.pairing),
        now,
    );
    let everyone: Vec<usize> = (0..roster.people.len()).collect();
    let groups =
        crate::pairing::circles::form_circles(&scorer, &everyone, size, u64::from(book.next));
    let (groups, unplaced) = strictly_apart(&scorer, groups);
    summary.unplaced = unplaced;
    summary.groups = groups
        .iter()
        .map(|g| roster::planned_group(g, &roster))
        .collect();
    if preview {
        return Ok(Outcome::reply(Reply::Circles(summary)));
    }

    let mut effects = Vec::new();
    let next_prompt = app.time.next_prompt(now);
    for (k, group) in summary.groups.clone().iter().enumerate() {
        let guess = book.next + k as u32;
        let channel = match create_channel(app, guess).await {
            Ok(channel) => channel,
            Err(reason) => {
                summary.failed = Some(reason);
                break;
            }
        };
        if let Err(e) = app.workspace.invite(&channel, &group.members).await {
            tracing::warn!(error = %e, "could not invite a circle's members");
            summary.uninvited.push((channel.clone(), e.to_string()));
        }
        let circle = Circle::new(channel.clone(), group.members.clone());
        let (circle_id, _) = app
            .docs
            .update_circles(team, |b| {
                Ok::<u32, std::convert::Infallible>(b.add(circle.clone()))
            })
            .await
            .map_err(|_| anyhow::anyhow!("circles document busy"))?;
        let intro = circle_intro(app, group, &profiles, now, next_prompt);
        if let Err(e) = app
            .workspace
            .post(&channel, None, &Post::CircleIntro(intro))
            .await
        {
            tracing::warn!(error = %e, "could not post a circle intro");
        }
        if let Some(at) = next_prompt {
            app.store
                .schedule_job(
                    team,
                    &Job::CirclePrompt(circle_id).to_string(),
                    at.timestamp_millis(),
                )
                .await?;
        }
        summary.formed.push((channel, group.members.len()));
        effects.extend(home::refresh_all(app, team, &group.members).await);
    }
    tracing::info!(
        circles = summary.formed.len(),
        planned = summary.groups.len(),
        "circles formed"
    );
    Ok(Outcome::reply(Reply::Circles(summary)).with_effects(effects))
}

/// Creates the channel for circle `id`, trying other names while Slack
/// says one is taken.
async fn create_channel(app: &App, id: u32) -> Result<ChannelId, String> {
    for attempt in 0..NAME_ATTEMPTS {
        match app
            .workspace
            .create_private_channel(&channel_name(id, attempt))
            .await
        {
            Ok(channel) => return Ok(channel),
            Err(WorkspaceError::NameTaken) => continue,
            Err(e) => {
                tracing::warn!(error = %e, "could not create a circle channel");
                return Err(format!("Slack refused to create a channel ({e})"));
            }
        }
    }
    Err("every channel name tried was taken".to_owned())
}

fn circle_intro(
    app: &App,
    group: &PlannedGroup,
    profiles: &[(UserId, Profile)],
    now: DateTime<Utc>,
    next_prompt: Option<DateTime<Utc>>,
) -> CircleIntro {
    let profile = |m: &UserId| profiles.iter().find(|(u, _)| u == m).map(|(_, p)| p);
    let zones = app.time.zones_of(&group.members, profiles);
    CircleIntro {
        members: group
            .members
            .iter()
            .map(|m| CircleMember {
                user: m.clone(),
                offers: profile(m).map(|p| p.offers.clone()).unwrap_or_default(),
                wants: profile(m).map(|p| p.wants.clone()).unwrap_or_default(),
            })
            .collect(),
        reasons: group.reasons.clone(),
        facilitator: group.members.first().cloned(),
        first_meeting: crate::schedule::first_meeting(now, &zones),
        next_prompt,
    }
}

/// `admin circle <#channel>`: the program members in an existing
/// channel become a circle there.
pub async fn admin_bind(app: &App, team: &TeamId, user: &UserId, channel: &ChannelId) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    let refused = Outcome::refused;
    let in_channel = match app.workspace.channel_members(channel).await {
        Ok(m) => m,
        Err(e) => {
            tracing::warn!(error = %e, "could not read a channel's members");
            return refused(crate::text![
                "I can't see who is in ",
                channel,
                ". Invite me there first (`/invite @Tandem`), then try again."
            ]);
        }
    };
    let book = match app.docs.load_circles(team).await {
        Ok(b) => b,
        Err(_) => return Outcome::store_down(),
    };
    if book.items.iter().any(|c| &c.channel == channel) {
        return refused(crate::text![channel, " is already a circle."]);
    }
    let now = app.now();
    let (mut members, mut outside, mut elsewhere) = (Vec::new(), 0, 0);
    let mut profiles = Vec::new();
    for m in in_channel {
        let p: Profile = match app.docs.load(team, &m, Doc::Profile).await {
            Ok(p) => p,
            Err(_) => return Outcome::store_down(),
        };
        if !p.is_active(now.date_naive()) {
            outside += 1;
        } else if book.has_member(&m) {
            elsewhere += 1;
        } else {
            members.push(m.clone());
            profiles.push((m, p));
        }
    }
    if members.len() < MIN_MEMBERS {
        return refused(crate::text![
            channel,
            format!(
                " has {} active program member{} not already in a circle; a circle needs at least {MIN_MEMBERS}. Others can `/tandem join` first.",
                members.len(),
                if members.len() == 1 { "" } else { "s" }
            )
        ]);
    }
    let circle = Circle {
        bound: true,
        ..Circle::new(channel.clone(), members.clone())
    };
    let circle_id = match app
        .docs
        .update_circles(team, |b| {
            if b.items.iter().any(|c| &c.channel == channel) {
                return Err(());
            }
            Ok(b.add(circle.clone()))
        })
        .await
    {
        Ok((id, _)) => id,
        Err(UpdateError::Refused(())) => {
            return refused(crate::text![channel, " is already a circle."])
        }
        Err(_) => return Outcome::store_down(),
    };
    let group = PlannedGroup {
        members: members.clone(),
        score: 0,
        reasons: vec!["you already share this channel".into()],
    };
    let next_prompt = app.time.next_prompt(now);
    let intro = circle_intro(app, &group, &profiles, now, next_prompt);
    if let Err(e) = app
        .workspace
        .post(channel, None, &Post::CircleIntro(intro))
        .await
    {
        tracing::warn!(error = %e, "could not post a circle intro");
    }
    if let Some(at) = next_prompt {
        if let Err(e) = app
            .store
            .schedule_job(
                team,
                &Job::CirclePrompt(circle_id).to_string(),
                at.timestamp_millis(),
            )
            .await
        {
            tracing::warn!(error = %e, "circle prompt not queued");
        }
    }
    let mut message = crate::text![
        channel,
        format!(
            " is now a circle of {}. Weekly prompts start ",
            members.len()
        )
    ];
    match next_prompt {
        Some(at) => message.push(Span::Date(at)),
        None => message.push("soon"),
    }
    message.push(".");
    if outside + elsewhere > 0 {
        message.push(format!(
            " Left out: {outside} not (actively) in the program, {elsewhere} already in another circle."
        ));
    }
    let effects = home::refresh_all(app, team, &members).await;
    super::admin_log::record(app, team, user, AdminAct::BoundCircle, None).await;
    Outcome::done(message).with_effects(effects)
}

/// The weekly prompt of circle `id`: posted once per occurrence, naming
/// the next facilitator in rotation and who answered last week.
pub async fn run_prompt(
    app: &App,
    team: &TeamId,
    id: u32,
    now: DateTime<Utc>,
) -> Result<JobRun, anyhow::Error> {
    let book = app.docs.load_circles(team).await?;
    let Some(circle) = book.by_id(id) else {
        return Ok(JobRun::nothing(None));
    };
    let next = app.time.next_prompt(now);
    let mark = format!(
        "sent:{}:{}",
        Job::CirclePrompt(id),
        next.map_or(now.timestamp() / 60, |n| n.timestamp())
    );
    if app.store.event_seen(team, &mark).await? {
        return Ok(JobRun::nothing(next));
    }
    let facilitator = circle.rotation.first().or(circle.members.first()).cloned();
    let prompt = CirclePrompt {
        week: circle.prompts + 1,
        kind: PromptKind::nth(circle.prompts),
        facilitator,
        answered_last: (circle.prompts > 0)
            .then(|| (circle.answered.clone(), circle.members.len())),
    };
    let thread = match app
        .workspace
        .post(&circle.channel, None, &Post::CirclePrompt(prompt))
        .await
    {
        Ok(thread) => thread,
        Err(WorkspaceError::Gone) => {
            // Archived, deleted or the bot removed: the circle is over.
            // Its members are free to join or form another.
            tracing::warn!(circle = id, "circle channel is gone; the circle is closed");
            app.docs
                .update_circles(team, |b| {
                    b.items.retain(|c| c.id != id);
                    Ok::<(), std::convert::Infallible>(())
                })
                .await
                .map_err(|_| anyhow::anyhow!("circles document busy"))?;
            return Ok(JobRun::nothing(None));
        }
        Err(e) => anyhow::bail!("circle prompt not posted: {e}"),
    };
    app.docs
        .update_circles(team, |b| {
            if let Some(c) = b.by_id_mut(id) {
                c.next_facilitator();
                c.prompts += 1;
                c.thread = Some(thread.clone());
                c.answered.clear();
            }
            Ok::<(), std::convert::Infallible>(())
        })
        .await
        .map_err(|_| anyhow::anyhow!("circles document busy"))?;
    ledger::count(app, team, None, &[(Figure::CirclePrompts, 1)]).await;
    Ok(JobRun {
        effects: Vec::new(),
        next,
        mark: Some(mark),
    })
}

/// A reply in a circle channel's thread: counted for the prompt it
/// answers. Only who replied is kept, never what they wrote.
pub async fn record_reply(
    app: &App,
    team: &TeamId,
    channel: &ChannelId,
    thread: &str,
    user: &UserId,
) -> Result<(), anyhow::Error> {
    let result = app
        .docs
        .update_circles(team, |b| {
            let Some(c) = b.by_channel_mut(channel) else {
                return Err(());
            };
            if c.thread.as_deref() != Some(thread) || !c.has(user) || c.answered.contains(user) {
                return Err(());
            }
            let first = c.answered.is_empty();
            c.answered.push(user.clone());
            Ok(first)
        })
        .await;
    match result {
        Ok((first, _)) => {
            let answered = [(Figure::CirclePromptsAnswered, i64::from(first))];
            ledger::count(app, team, None, &answered).await;
            Ok(())
        }
        Err(e) => e.refusal(),
    }
}

/// Takes `user` out of their circle (leave, pause, forget): off the
/// roster and rotation, out of the channel when the bot can, and a note
/// in the channel. Returns the effects to run.
pub async fn leave(app: &App, team: &TeamId, user: &UserId) -> Result<Vec<Effect>, anyhow::Error> {
    let removed = app
        .docs
        .update_circles(team, |b| {
            // Offers lapse too: a place is for someone still in.
            let withdrew = b.withdraw_offers(user);
            match b.items.iter_mut().find(|c| c.has(user)) {
                Some(c) => {
                    c.remove_member(user);
                    Ok(Some((c.channel.clone(), c.bound, c.members.len())))
                }
                None if withdrew => Ok(None),
                None => Err(()),
            }
        })
        .await;
    let (channel, bound, left) = match removed {
        Ok((Some(r), _)) => r,
        Ok((None, _)) => return Ok(Vec::new()),
        Err(e) => {
            e.refusal()?;
            return Ok(Vec::new());
        }
    };
    // A channel the circle was given is the bot's to manage; one an
    // admin bound belongs to the workspace, so people stay in it.
    if !bound {
        if let Err(e) = app.workspace.remove_from_channel(&channel, user).await {
            tracing::info!(error = %e, "could not remove a member from their circle channel");
        }
    }
    let mut text = crate::text![
        user,
        " has stepped out of this circle. The facilitator rotation skips them from now on."
    ];
    if left < MIN_MEMBERS {
        text.push(format!(
            " With {left} left, I'll offer to merge this circle with another small one at the next round."
        ));
    }
    Ok(vec![Effect::PostInConversation {
        conversation: channel,
        thread: None,
        text,
    }])
}

/// The engine keeps a member apart from their manager and from anyone on a
/// do-not-pair list whenever some split allows it; where none does, the
/// later of the two is left out of that circle (and a circle left under
/// [`MIN_MEMBERS`] is not formed): these are hard rules, never traded for
/// a fuller circle. Returns the circles and how many were left out.
fn strictly_apart(
    scorer: &crate::pairing::score::Scorer,
    groups: Vec<crate::pairing::round::Group>,
) -> (Vec<crate::pairing::round::Group>, usize) {
    use crate::pairing::score::Blocked;
    let mut unplaced = 0;
    let mut kept = Vec::new();
    for mut group in groups {
        let mut members: Vec<usize> = Vec::new();
        for &m in &group.members {
            let clash = members.iter().any(|&o| {
                matches!(
                    scorer.blocked(o, m),
                    Some(Blocked::DoNotPair | Blocked::ManagerReport)
                )
            });
            if clash {
                unplaced += 1;
            } else {
                members.push(m);
            }
        }
        if members.len() < MIN_MEMBERS {
            unplaced += members.len();
            continue;
        }
        if members.len() < group.members.len() {
            // The engine's reasons may name someone no longer in it.
            group.reasons.clear();
        }
        group.members = members;
        kept.push(group);
    }
    (kept, unplaced)
}

/// At each round: circles under [`MIN_MEMBERS`] are offered a merge with
/// the smallest other circle.
pub async fn merge_offers(app: &App, team: &TeamId) -> Result<Vec<Effect>, anyhow::Error> {
    let book = app.docs.load_circles(team).await?;
    let everyone: Vec<UserId> = book.items.iter().flat_map(|c| c.members.clone()).collect();
    let forbidden = super::constraints::among(app, team, &everyone).await?;
    let mut effects = Vec::new();
    for small in book.items.iter().filter(|c| c.members.len() < MIN_MEMBERS) {
        let into = book
            .items
            .iter()
            .filter(|c| c.id != small.id && forbidden.allows(&small.members, &c.members))
            .min_by_key(|c| (c.members.len(), c.id));
        if let Some(into) = into {
            effects.push(Effect::CircleMergeOffer {
                channel: small.channel.clone(),
                from: small.id,
                into: into.id,
                into_channel: into.channel.clone(),
            });
        }
    }
    Ok(effects)
}

/// A member of circle `from` accepts merging into `into`.
pub async fn merge(app: &App, request: &ActionRequest, from: u32, into: u32) -> Outcome {
    let (team, user) = (&request.team, &request.user);
    // Checked again now: lists and managers may have changed since the offer.
    let forbidden = match app.docs.load_circles(team).await {
        Ok(book) => {
            let everyone: Vec<UserId> = book.items.iter().flat_map(|c| c.members.clone()).collect();
            match super::constraints::among(app, team, &everyone).await {
                Ok(f) => f,
                Err(_) => return Outcome::store_down(),
            }
        }
        Err(_) => return Outcome::store_down(),
    };
    let merged = app
        .docs
        .update_circles(team, |b| {
            let Some(source) = b.by_id(from).cloned() else {
                return Err("This circle has already merged or closed.");
            };
            if !source.has(user) {
                return Err("Only members of this circle can merge it.");
            }
            let Some(target) = b.by_id_mut(into) else {
                return Err("The other circle has closed; I'll offer another at the next round.");
            };
            if !forbidden.allows(&source.members, &target.members) {
                // Why is nobody's business: an avoid list is private.
                return Err(
                    "That merge isn't possible any more; I'll offer another at the next round.",
                );
            }
            for m in &source.members {
                target.add_member(m);
            }
            let target_channel = target.channel.clone();
            b.items.retain(|c| c.id != from);
            Ok((source, target_channel))
        })
        .await;
    let (source, target_channel) = match merged {
        Ok((r, _)) => r,
        Err(e) => return e.outcome(),
    };
    let _ = app
        .store
        .cancel_job(team, &Job::CirclePrompt(from).to_string())
        .await;
    let members = source.members.clone();
    if let Err(e) = app.workspace.invite(&target_channel, &members).await {
        tracing::warn!(error = %e, "could not invite merged members");
    }
    let mut welcome = crate::text!["Welcome "];
    welcome.extend(Text::people(&members, ", "));
    welcome.push(
        " — your circle merged into this one. They join the facilitator rotation at the end.",
    );
    let mut effects = vec![
        Effect::PostInConversation {
            conversation: target_channel.clone(),
            thread: None,
            text: welcome,
        },
        Effect::PostInConversation {
            conversation: source.channel.clone(),
            thread: None,
            text: crate::text![
                "This circle merged into ",
                &target_channel,
                "; prompts continue there."
            ],
        },
    ];
    effects.extend(home::refresh_all(app, team, &members).await);
    Outcome::done(crate::text![
        "Merged: you're all in ",
        &target_channel,
        " now."
    ])
    .with_effects(effects)
}

/// A newcomer accepts a place in circle `id`.
pub async fn join(app: &App, request: &ActionRequest, id: u32) -> Outcome {
    let (team, user) = (&request.team, &request.user);
    // An old offer may be pressed by someone who has since left, paused or
    // been forgotten: only an active member is let into a private channel.
    let profile: Profile = match app.docs.load(team, user, Doc::Profile).await {
        Ok(p) => p,
        Err(_) => return Outcome::store_down(),
    };
    if !profile.is_active(app.now().date_naive()) {
        return Outcome::refused(
            "This offer is for active members: `/tandem join` (or `/tandem resume`) first, and you'll get a new one.",
        );
    }
    let room = app.config.circles.size + 1;
    let forbidden = match app.docs.load_circles(team).await {
        Ok(book) => {
            let mut everyone: Vec<UserId> = book
                .by_id(id)
                .map(|c| c.members.clone())
                .unwrap_or_default();
            everyone.push(user.clone());
            match super::constraints::among(app, team, &everyone).await {
                Ok(f) => f,
                Err(_) => return Outcome::store_down(),
            }
        }
        Err(_) => return Outcome::store_down(),
    };
    let joined = app
        .docs
        .update_circles(team, |b| {
            if let Some(c) = b.of_member(user) {
                return Err(crate::text!["You're already in ", &c.channel, "."]);
            }
            let Some(c) = b.by_id_mut(id) else {
                return Err(Text::from(
                    "That circle has closed; ask an admin to run `/tandem admin circles` again.",
                ));
            };
            if !c.was_offered(user) {
                return Err(Text::from(
                    "This place isn't offered to you (offers lapse when you leave or pause). You'll get a new offer when a circle has room.",
                ));
            }
            if c.members.len() >= room
                || !forbidden.allows(std::slice::from_ref(user), &c.members)
            {
                return Err(Text::from(
                    "That circle filled up in the meantime; you'll get another offer.",
                ));
            }
            c.add_member(user);
            Ok(c.channel.clone())
        })
        .await;
    let channel = match joined {
        Ok((c, _)) => c,
        Err(e) => return e.outcome(),
    };
    if let Err(e) = app
        .workspace
        .invite(&channel, std::slice::from_ref(user))
        .await
    {
        tracing::warn!(error = %e, "could not invite a new circle member");
    }
    let mut effects = vec![Effect::PostInConversation {
        conversation: channel.clone(),
        thread: None,
        text: crate::text![
            "Welcome ",
            user,
            ", who joins this circle and the end of the facilitator rotation."
        ],
    }];
    effects.extend(home::refresh_all(app, team, std::slice::from_ref(user)).await);
    Outcome::done(crate::text!["You're in ", &channel, ". Say hello there!"]).with_effects(effects)
}
