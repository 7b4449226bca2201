//! Circle use cases: forming circles (each with its own private channel),
//! binding an existing channel, the weekly prompt with a rotating
//! facilitator, thread replies, check-ins and shares that go to the circle,
//! members leaving, merges of circles that got small, and places offered to
//! newcomers.

use super::circles::{channel_name, Circle, PromptKind, MIN_MEMBERS};
use super::jobs::JobRun;
use super::*;
use chrono::{DateTime, Utc};

/// How many names are tried when Slack says a channel name is taken.
const NAME_ATTEMPTS: u32 = 6;
/// Smallest and largest circle size an admin may ask for.
const SIZES: std::ops::RangeInclusive<usize> = 3..=8;

/// The queue name of a circle's weekly prompt.
pub fn circle_job(id: u32) -> String {
    format!("circle:{id}")
}

/// One member as a circle intro shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleMember {
    pub user: UserId,
    pub offers: Vec<String>,
    pub wants: Vec<String>,
}

/// The first message in a circle's channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleIntro {
    pub members: Vec<CircleMember>,
    pub reasons: Vec<String>,
    pub facilitator: Option<UserId>,
    pub first_meeting: DateTime<Utc>,
    pub next_prompt: Option<DateTime<Utc>>,
}

/// The weekly prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CirclePrompt {
    pub week: u32,
    pub kind: PromptKind,
    pub facilitator: Option<UserId>,
    /// Who answered last week's prompt, of how many members.
    pub answered_last: Option<(Vec<String>, usize)>,
}

/// What `admin circles` did (or would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CirclesSummary {
    pub preview: bool,
    pub size: usize,
    pub groups: Vec<rounds::PlannedGroup>,
    /// Channels created (id), with their member counts.
    pub formed: Vec<(String, usize)>,
    /// Why forming stopped early, if it did.
    pub failed: Option<String>,
    /// Circle-preferring members with an incomplete profile.
    pub not_ready: usize,
}

/// The Home tab's view of my circle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleHome {
    pub channel: String,
    pub members: Vec<String>,
    /// Facilitators to come, next first.
    pub rotation: Vec<String>,
    pub facilitator: Option<String>,
    pub next_prompt: Option<DateTime<Utc>>,
}

impl App {
    fn next_prompt(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.time.next_prompt(now)
    }

    /// My circle for the Home tab, if I am in one.
    pub(super) async fn circle_home(
        &self,
        team: &TeamId,
        user: &UserId,
    ) -> Result<Option<CircleHome>, anyhow::Error> {
        let book = self.load_circles(team).await?;
        Ok(book.of_member(user.as_str()).map(|c| CircleHome {
            channel: c.channel.clone(),
            members: c.members.clone(),
            rotation: c.upcoming(),
            facilitator: c.facilitator.clone(),
            next_prompt: self.next_prompt(self.now()),
        }))
    }

    /// `admin circles [preview] [size]`.
    pub(super) async fn admin_circles(
        &self,
        team: &TeamId,
        user: &UserId,
        preview: bool,
        size: Option<usize>,
    ) -> (Reply, Vec<Effect>) {
        if !self.is_admin(user).await {
            return Self::not_admin();
        }
        let size = size.unwrap_or(self.config.circles.size);
        if !SIZES.contains(&size) {
            return (
                Reply::Refused {
                    message: format!(
                        "Circles work best with {} to {} people; try `/tandem admin circles {}`.",
                        SIZES.start(),
                        SIZES.end(),
                        self.config.circles.size
                    ),
                },
                Vec::new(),
            );
        }
        match self.form_circles(team, preview, size).await {
            Ok(result) => result,
            Err(e) => {
                tracing::warn!(error = %e, "circles not formed: store problem");
                (Reply::StoreDown, Vec::new())
            }
        }
    }

    async fn form_circles(
        &self,
        team: &TeamId,
        preview: bool,
        size: usize,
    ) -> Result<(Reply, Vec<Effect>), anyhow::Error> {
        let now = self.now();
        let book = self.load_circles(team).await?;
        let mut profiles = Vec::new();
        for m in self.store.members(team).await? {
            let p: Profile = self.load(team, &m, Doc::Profile).await?;
            let pairing: rounds::Pairing = self.load(team, &m, Doc::Pairing).await?;
            // Circles are for those who asked for one, and for "either"
            // people whom no pair is holding.
            let wants_circle = p.format == profile::Format::Circle
                || (p.format == profile::Format::Either && pairing.partners.is_empty());
            if wants_circle && !book.has_member(m.as_str()) {
                profiles.push((m, p));
            }
        }
        let (roster, not_ready, _) =
            rounds::roster_where(&profiles, now.date_naive(), self.time.zone, |_, _| true);
        let mut summary = CirclesSummary {
            preview,
            size,
            groups: Vec::new(),
            formed: Vec::new(),
            failed: None,
            not_ready,
        };
        let id = |i: usize| rounds::member_of(&roster, i);
        if roster.people.len() < MIN_MEMBERS {
            // Too few for a circle of their own: offer places where there is room.
            let mut effects = Vec::new();
            if !preview {
                for i in 0..roster.people.len() {
                    if let Some(c) = book.with_room(size + 1) {
                        effects.push(Effect::CircleJoinOffer {
                            user: id(i),
                            circle: c.id,
                            channel: c.channel.clone(),
                            members: c.members.len(),
                        });
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
            return Ok((Reply::Done { message }, effects));
        }
        let stored = self.store.load_team_doc(team, rounds::ROUNDS_DOC).await?;
        let history = rounds::parse_history(stored.as_deref())?;
        let scorer = crate::pairing::score::Scorer::new(
            &roster,
            &history,
            crate::pairing::score::Rules::from(&self.config.pairing),
            now,
        );
        let everyone: Vec<usize> = (0..roster.people.len()).collect();
        let groups =
            crate::pairing::circles::form_circles(&scorer, &everyone, size, u64::from(book.next));
        summary.groups = groups
            .iter()
            .map(|g| rounds::PlannedGroup::from_engine(g, &roster))
            .collect();
        if preview {
            return Ok((Reply::Circles(summary), Vec::new()));
        }

        let mut effects = Vec::new();
        let next_prompt = self.next_prompt(now);
        for (k, group) in summary.groups.clone().iter().enumerate() {
            let guess = book.next + k as u32;
            let channel = match self.create_channel(guess).await {
                Ok(channel) => channel,
                Err(reason) => {
                    summary.failed = Some(reason);
                    break;
                }
            };
            if let Err(e) = self.directory.invite(&channel, &group.members).await {
                tracing::warn!(error = %e, "could not invite a circle's members");
            }
            let members: Vec<String> = group
                .members
                .iter()
                .map(|m| m.as_str().to_owned())
                .collect();
            let circle = Circle {
                name: String::new(),
                channel: channel.clone(),
                members: members.clone(),
                rotation: members,
                ..Circle::default()
            };
            let (circle_id, _) = self
                .update_circles(team, |b| {
                    Ok::<u32, std::convert::Infallible>(b.add(circle.clone()))
                })
                .await
                .map_err(|_| anyhow::anyhow!("circles document busy"))?;
            let intro = self.circle_intro(group, &profiles, now, next_prompt);
            if let Err(e) = self
                .directory
                .post(&channel, None, &Post::CircleIntro(intro))
                .await
            {
                tracing::warn!(error = %e, "could not post a circle intro");
            }
            if let Some(at) = next_prompt {
                self.store
                    .schedule_job(team, &circle_job(circle_id), at.timestamp_millis())
                    .await?;
            }
            summary.formed.push((channel, group.members.len()));
            effects.extend(self.homes_for(team, &group.members).await);
        }
        tracing::info!(
            circles = summary.formed.len(),
            planned = summary.groups.len(),
            "circles formed"
        );
        Ok((Reply::Circles(summary), effects))
    }

    /// Creates the channel for circle `id`, trying other names while Slack
    /// says one is taken.
    async fn create_channel(&self, id: u32) -> Result<String, String> {
        for attempt in 0..NAME_ATTEMPTS {
            match self
                .directory
                .create_private_channel(&channel_name(id, attempt))
                .await
            {
                Ok(channel) => return Ok(channel),
                Err(ChannelError::NameTaken) => continue,
                Err(e) => {
                    tracing::warn!(error = %e, "could not create a circle channel");
                    return Err(format!("Slack refused to create a channel ({e})"));
                }
            }
        }
        Err("every channel name tried was taken".to_owned())
    }

    fn circle_intro(
        &self,
        group: &rounds::PlannedGroup,
        profiles: &[(UserId, Profile)],
        now: DateTime<Utc>,
        next_prompt: Option<DateTime<Utc>>,
    ) -> CircleIntro {
        let profile = |m: &UserId| profiles.iter().find(|(u, _)| u == m).map(|(_, p)| p);
        let zones = self.time.zones_of(&group.members, profiles);
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
    pub(super) async fn admin_bind_circle(
        &self,
        team: &TeamId,
        user: &UserId,
        channel: &str,
    ) -> (Reply, Vec<Effect>) {
        if !self.is_admin(user).await {
            return Self::not_admin();
        }
        let refused = |message: String| (Reply::Refused { message }, Vec::new());
        let in_channel = match self.directory.channel_members(channel).await {
            Ok(m) => m,
            Err(e) => {
                tracing::warn!(error = %e, "could not read a channel's members");
                return refused(format!(
                    "I can't see who is in <#{channel}>. Invite me there first (`/invite @Tandem`), then try again."
                ));
            }
        };
        let book = match self.load_circles(team).await {
            Ok(b) => b,
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        if book.circles.iter().any(|c| c.channel == channel) {
            return refused(format!("<#{channel}> is already a circle."));
        }
        let now = self.now();
        let (mut members, mut outside, mut elsewhere) = (Vec::new(), 0, 0);
        let mut profiles = Vec::new();
        for id in in_channel {
            let Ok(m) = UserId::parse(&id) else { continue };
            let p: Profile = match self.load(team, &m, Doc::Profile).await {
                Ok(p) => p,
                Err(_) => return (Reply::StoreDown, Vec::new()),
            };
            if !p.is_active(now.date_naive()) {
                outside += 1;
            } else if book.has_member(m.as_str()) {
                elsewhere += 1;
            } else {
                members.push(m.clone());
                profiles.push((m, p));
            }
        }
        if members.len() < MIN_MEMBERS {
            return refused(format!(
                "<#{channel}> has {} active program member{} not already in a circle; a circle needs at least {MIN_MEMBERS}. Others can `/tandem join` first.",
                members.len(),
                if members.len() == 1 { "" } else { "s" }
            ));
        }
        let ids: Vec<String> = members.iter().map(|m| m.as_str().to_owned()).collect();
        let circle = Circle {
            channel: channel.to_owned(),
            members: ids.clone(),
            rotation: ids,
            bound: true,
            ..Circle::default()
        };
        let circle_id = match self
            .update_circles(team, |b| {
                if b.circles.iter().any(|c| c.channel == channel) {
                    return Err(());
                }
                Ok(b.add(circle.clone()))
            })
            .await
        {
            Ok((id, _)) => id,
            Err(UpdateError::Refused(())) => {
                return refused(format!("<#{channel}> is already a circle."))
            }
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        let group = rounds::PlannedGroup {
            members: members.clone(),
            score: 0,
            reasons: vec!["you already share this channel".to_owned()],
        };
        let next_prompt = self.next_prompt(now);
        let intro = self.circle_intro(&group, &profiles, now, next_prompt);
        if let Err(e) = self
            .directory
            .post(channel, None, &Post::CircleIntro(intro))
            .await
        {
            tracing::warn!(error = %e, "could not post a circle intro");
        }
        if let Some(at) = next_prompt {
            if let Err(e) = self
                .store
                .schedule_job(team, &circle_job(circle_id), at.timestamp_millis())
                .await
            {
                tracing::warn!(error = %e, "circle prompt not queued");
            }
        }
        let mut message = format!(
            "<#{channel}> is now a circle of {}. Weekly prompts start {}.",
            members.len(),
            next_prompt.map_or("soon".to_owned(), |t| format!(
                "<!date^{}^{{date_short_pretty}}|{}>",
                t.timestamp(),
                t.format("%a %-d %b")
            ))
        );
        if outside + elsewhere > 0 {
            message.push_str(&format!(
                " Left out: {outside} not (actively) in the program, {elsewhere} already in another circle."
            ));
        }
        let effects = self.homes_for(team, &members).await;
        (Reply::Done { message }, effects)
    }

    /// The weekly prompt of circle `id`: posted once per occurrence, naming
    /// the next facilitator in rotation and who answered last week.
    pub(super) async fn run_circle_prompt(
        &self,
        team: &TeamId,
        id: u32,
        now: DateTime<Utc>,
    ) -> Result<JobRun, anyhow::Error> {
        let book = self.load_circles(team).await?;
        let Some(circle) = book.by_id(id) else {
            return Ok(JobRun::nothing(None));
        };
        let next = self.next_prompt(now);
        let mark = format!(
            "sent:{}:{}",
            circle_job(id),
            next.map_or(now.timestamp() / 60, |n| n.timestamp())
        );
        if self.store.event_seen(team, &mark).await? {
            return Ok(JobRun::nothing(next));
        }
        let facilitator = circle
            .rotation
            .first()
            .or(circle.members.first())
            .and_then(|m| UserId::parse(m).ok());
        let prompt = CirclePrompt {
            week: circle.prompts + 1,
            kind: PromptKind::nth(circle.prompts),
            facilitator,
            answered_last: (circle.prompts > 0)
                .then(|| (circle.answered.clone(), circle.members.len())),
        };
        let thread = match self
            .directory
            .post(&circle.channel, None, &Post::CirclePrompt(prompt))
            .await
        {
            Ok(thread) => thread,
            Err(ChannelError::Gone) => {
                // Archived, deleted or the bot removed: the circle is over.
                // Its members are free to join or form another.
                tracing::warn!(circle = id, "circle channel is gone; the circle is closed");
                self.update_circles(team, |b| {
                    b.circles.retain(|c| c.id != id);
                    Ok::<(), std::convert::Infallible>(())
                })
                .await
                .map_err(|_| anyhow::anyhow!("circles document busy"))?;
                return Ok(JobRun::nothing(None));
            }
            Err(e) => anyhow::bail!("circle prompt not posted: {e}"),
        };
        self.update_circles(team, |b| {
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
        Ok(JobRun {
            effects: Vec::new(),
            next,
            mark: Some(mark),
        })
    }

    /// A reply in a circle channel's thread: counted for the prompt it
    /// answers. Only who replied is kept, never what they wrote.
    pub(super) async fn record_thread_reply(
        &self,
        team: &TeamId,
        channel: &str,
        thread: &str,
        user: &UserId,
    ) -> Result<(), anyhow::Error> {
        let result = self
            .update_circles(team, |b| {
                let Some(c) = b.by_channel_mut(channel) else {
                    return Err(());
                };
                if c.thread.as_deref() != Some(thread)
                    || !c.has(user.as_str())
                    || c.answered.iter().any(|a| a == user.as_str())
                {
                    return Err(());
                }
                c.answered.push(user.as_str().to_owned());
                Ok(())
            })
            .await;
        match result {
            Ok(_) => Ok(()),
            Err(e) => e.refusal(),
        }
    }

    /// Takes `user` out of their circle (leave, pause, forget): off the
    /// roster and rotation, out of the channel when the bot can, and a note
    /// in the channel. Returns the effects to run.
    pub(super) async fn leave_circle(
        &self,
        team: &TeamId,
        user: &UserId,
    ) -> Result<Vec<Effect>, anyhow::Error> {
        let removed = self
            .update_circles(team, |b| {
                let Some(c) = b.circles.iter_mut().find(|c| c.has(user.as_str())) else {
                    return Err(());
                };
                c.remove_member(user.as_str());
                Ok((c.channel.clone(), c.bound, c.members.len()))
            })
            .await;
        let (channel, bound, left) = match removed {
            Ok((r, _)) => r,
            Err(e) => {
                e.refusal()?;
                return Ok(Vec::new());
            }
        };
        // A channel the circle was given is the bot's to manage; one an
        // admin bound belongs to the workspace, so people stay in it.
        if !bound {
            if let Err(e) = self.directory.remove_from_channel(&channel, user).await {
                tracing::info!(error = %e, "could not remove a member from their circle channel");
            }
        }
        let mut text = format!("<@{user}> has stepped out of this circle. The facilitator rotation skips them from now on.");
        if left < MIN_MEMBERS {
            text.push_str(&format!(
                " With {left} left, I'll offer to merge this circle with another small one at the next round."
            ));
        }
        Ok(vec![Effect::PostInConversation {
            conversation: channel,
            thread: None,
            text,
        }])
    }

    /// At each round: circles under [`MIN_MEMBERS`] are offered a merge with
    /// the smallest other circle.
    pub(super) async fn circle_merge_offers(
        &self,
        team: &TeamId,
    ) -> Result<Vec<Effect>, anyhow::Error> {
        let book = self.load_circles(team).await?;
        let mut effects = Vec::new();
        for small in book
            .circles
            .iter()
            .filter(|c| c.members.len() < MIN_MEMBERS)
        {
            let into = book
                .circles
                .iter()
                .filter(|c| c.id != small.id)
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
    pub(super) async fn merge_circles(
        &self,
        request: &ActionRequest,
        from: u32,
        into: u32,
    ) -> (Reply, Vec<Effect>) {
        let (team, user) = (&request.team, &request.user);
        let merged = self
            .update_circles(team, |b| {
                let Some(source) = b.by_id(from).cloned() else {
                    return Err("This circle has already merged or closed.");
                };
                if !source.has(user.as_str()) {
                    return Err("Only members of this circle can merge it.");
                }
                let Some(target) = b.by_id_mut(into) else {
                    return Err(
                        "The other circle has closed; I'll offer another at the next round.",
                    );
                };
                for m in &source.members {
                    target.add_member(m);
                }
                let target_channel = target.channel.clone();
                b.circles.retain(|c| c.id != from);
                Ok((source, target_channel))
            })
            .await;
        let (source, target_channel) = match merged {
            Ok((r, _)) => r,
            Err(UpdateError::Refused(message)) => {
                return (
                    Reply::Refused {
                        message: message.to_owned(),
                    },
                    Vec::new(),
                )
            }
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        let _ = self.store.cancel_job(team, &circle_job(from)).await;
        let members: Vec<UserId> = source
            .members
            .iter()
            .filter_map(|m| UserId::parse(m).ok())
            .collect();
        if let Err(e) = self.directory.invite(&target_channel, &members).await {
            tracing::warn!(error = %e, "could not invite merged members");
        }
        let who: Vec<String> = members.iter().map(|m| format!("<@{m}>")).collect();
        let mut effects = vec![
            Effect::PostInConversation {
                conversation: target_channel.clone(),
                thread: None,
                text: format!(
                    "Welcome {} — your circle merged into this one. They join the facilitator rotation at the end.",
                    who.join(", ")
                ),
            },
            Effect::PostInConversation {
                conversation: source.channel.clone(),
                thread: None,
                text: format!("This circle merged into <#{target_channel}>; prompts continue there."),
            },
        ];
        effects.extend(self.homes_for(team, &members).await);
        (
            Reply::Done {
                message: format!("Merged: you're all in <#{target_channel}> now."),
            },
            effects,
        )
    }

    /// A newcomer accepts a place in circle `id`.
    pub(super) async fn join_circle(
        &self,
        request: &ActionRequest,
        id: u32,
    ) -> (Reply, Vec<Effect>) {
        let (team, user) = (&request.team, &request.user);
        let room = self.config.circles.size + 1;
        let joined = self
            .update_circles(team, |b| {
                if let Some(c) = b.of_member(user.as_str()) {
                    return Err(format!("You're already in <#{}>.", c.channel));
                }
                let Some(c) = b.by_id_mut(id) else {
                    return Err("That circle has closed; ask an admin to run `/tandem admin circles` again.".to_owned());
                };
                if c.members.len() >= room {
                    return Err("That circle filled up in the meantime; you'll get another offer.".to_owned());
                }
                c.add_member(user.as_str());
                Ok(c.channel.clone())
            })
            .await;
        let channel = match joined {
            Ok((c, _)) => c,
            Err(UpdateError::Refused(message)) => return (Reply::Refused { message }, Vec::new()),
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        if let Err(e) = self
            .directory
            .invite(&channel, std::slice::from_ref(user))
            .await
        {
            tracing::warn!(error = %e, "could not invite a new circle member");
        }
        let mut effects = vec![Effect::PostInConversation {
            conversation: channel.clone(),
            thread: None,
            text: format!(
                "Welcome <@{user}>, who joins this circle and the end of the facilitator rotation."
            ),
        }];
        effects.extend(self.homes_for(team, std::slice::from_ref(user)).await);
        (
            Reply::Done {
                message: format!("You're in <#{channel}>. Say hello there!"),
            },
            effects,
        )
    }

    /// `/tandem share` from a circle member: posted in the circle's channel,
    /// kept on the circle's shelf and the member's own.
    pub(super) async fn share_with_circle(
        &self,
        team: &TeamId,
        user: &UserId,
        channel: &str,
        url: String,
        why: Option<String>,
    ) -> (Reply, Vec<Effect>) {
        let kept = self
            .update(team, user, Doc::Shelf, |s: &mut shelf::Shelf| {
                Ok::<u32, std::convert::Infallible>(s.add(url.clone(), why.clone()))
            })
            .await;
        let n = match kept {
            Ok((n, _)) => n,
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        let shelved = self
            .update_circles(team, |b| {
                let Some(c) = b.circles.iter_mut().find(|c| c.has(user.as_str())) else {
                    return Err(());
                };
                c.shelf
                    .push((user.as_str().to_owned(), url.clone(), why.clone()));
                Ok(())
            })
            .await;
        if let Err(UpdateError::Store(_)) = shelved {
            return (Reply::StoreDown, Vec::new());
        }
        let mut effects = vec![Effect::ShareInChannel {
            from: user.clone(),
            channel: channel.to_owned(),
            url,
            why,
        }];
        effects.extend(self.homes_for(team, std::slice::from_ref(user)).await);
        (
            Reply::Done {
                message: format!(
                    "Shared in <#{channel}> and kept on your shelf as {n} and on the circle's shelf."
                ),
            },
            effects,
        )
    }
}
