//! Outbound: carrying out what the app decided. Effects become Web API
//! calls (rendered by `views`), a reply and its effects are delivered in
//! the one order Slack needs ([`deliver`]), and the app's
//! [`Workspace`](crate::app::Workspace) port is answered by Slack.

use super::client::{describe_error, is_transient, tagged, Destination, SlackApi};
use super::views;
use crate::app::{Account, Delivery, Effect, Post, Reply, SharedFile, Workspace, WorkspaceError};
use crate::ids::{ChannelId, UserId};
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use tracing::warn;

/// Where a reply goes, if anywhere.
pub enum ReplyTo {
    /// A slash command's response URL: an ephemeral message.
    Command(SlackResponseUrl),
    /// A pressed message's response URL: the reply replaces the message,
    /// unless the reply says it is for the presser alone.
    Press(SlackResponseUrl),
    /// Nowhere (a Home tab press: its answer is the refreshed tab).
    Nobody,
}

/// Delivers a reply and its effects in the order Slack needs: modals first
/// (their trigger expires within seconds), then the reply, then the rest.
pub async fn deliver(
    api: &SlackApi,
    user: &UserId,
    reply: Reply,
    to: ReplyTo,
    effects: Vec<Effect>,
) {
    let (modals, others): (Vec<Effect>, Vec<Effect>) =
        effects.into_iter().partition(Effect::is_modal);
    let mut modal_failed = false;
    for effect in modals {
        modal_failed |= run_effect(api, effect).await != Delivery::Done;
    }
    let sent = match &to {
        ReplyTo::Command(url) => Some(api.respond(url, views::reply(&reply)).await),
        ReplyTo::Press(_) if reply == Reply::Silent => None,
        ReplyTo::Press(url) if reply.replaces_pressed_message() => {
            Some(api.replace(url, views::reply(&reply)).await)
        }
        ReplyTo::Press(url) => Some(api.respond(url, views::reply(&reply)).await),
        ReplyTo::Nobody => None,
    };
    if let Some(Err(e)) = sent {
        warn!(user = %user, error = %describe_error(&e), "could not deliver a reply");
    }
    if modal_failed {
        // A form that never opened must not look like a click that did
        // nothing: say so where the member is looking.
        let said = match &to {
            ReplyTo::Command(url) | ReplyTo::Press(url) => {
                api.respond(url, views::modal_failed()).await
            }
            ReplyTo::Nobody => api.post_dm(&dm(user), views::modal_failed()).await,
        };
        if let Err(e) = said {
            warn!(user = %user, error = %describe_error(&e), "could not say a form failed to open");
        }
    }
    for effect in others {
        run_effect(api, effect).await;
    }
}

fn dm(user: &UserId) -> SlackUserId {
    SlackUserId::new(user.as_str().to_owned())
}

fn channel(id: &ChannelId) -> SlackChannelId {
    SlackChannelId::new(id.as_str().to_owned())
}

/// Carries out one effect and says how it went. Failures are logged here
/// (Slack's error code only, never message text); scheduled work uses the
/// answer to decide between moving on and trying again later.
pub async fn run_effect(api: &SlackApi, effect: Effect) -> Delivery {
    run_tagged(api, effect, None).await
}

/// Where an effect's message goes, for a later try to look for it there;
/// `None` for what is not a message, is one in a thread (history does not
/// list replies), or is safe to repeat (a Home tab, a modal).
pub fn destination(effect: &Effect) -> Option<Destination> {
    let group = |members: &[UserId]| Destination::Group(members.iter().map(dm).collect());
    match effect {
        Effect::Intro { members, .. }
        | Effect::Share { members, .. }
        | Effect::Continue { members, .. } => Some(group(members)),
        Effect::CheckinDm { user, .. }
        | Effect::Reminder { user }
        | Effect::SitOutDm { user, .. }
        | Effect::Nudge { user, .. }
        | Effect::CircleJoinOffer { user, .. }
        | Effect::WelcomeDm { user }
        | Effect::Notice { user, .. }
        | Effect::ReplyInDm { user, .. } => Some(Destination::Dm(dm(user))),
        Effect::PartnerSummary { to, .. } => Some(Destination::Dm(dm(to))),
        Effect::PostInConversation {
            conversation,
            thread: None,
            ..
        } => Some(Destination::Channel(channel(conversation))),
        Effect::CircleMergeOffer { channel: c, .. }
        | Effect::ShareInChannel { channel: c, .. }
        | Effect::RoundReport { channel: c, .. } => Some(Destination::Channel(channel(c))),
        _ => None,
    }
}

/// [`run_effect`], its message tagged with delivery key `tag` (see
/// [`destination`]).
pub async fn run_tagged(api: &SlackApi, effect: Effect, tag: Option<&str>) -> Delivery {
    let tag_it = |content: SlackMessageContent| match tag {
        Some(key) => tagged(content, key),
        None => content,
    };
    if matches!(effect, Effect::CheckinDm { .. }) {
        api.metrics().event("checkin", "sent");
    }
    let group = |members: &[UserId]| -> Vec<SlackUserId> { members.iter().map(dm).collect() };
    let (result, what, who) = match effect {
        Effect::OpenProfileModal {
            trigger,
            profile,
            catalog,
        } => {
            let view = super::profile_modal::profile_modal(&profile, &catalog);
            (
                api.open_view(&trigger, view).await,
                "open the profile modal",
                None,
            )
        }
        Effect::OpenGoalModal { trigger } => (
            api.open_view(&trigger, super::profile_modal::goal_modal())
                .await,
            "open the goal modal",
            None,
        ),
        Effect::OpenStepModal { trigger, goal } => (
            api.open_view(&trigger, super::profile_modal::step_modal(goal))
                .await,
            "open the step modal",
            None,
        ),
        Effect::OpenCheckinNoteModal {
            trigger,
            number,
            goal,
            reply_to,
        } => {
            let view = super::profile_modal::checkin_note_modal(number, goal, reply_to.as_deref());
            (
                api.open_view(&trigger, view).await,
                "open the check-in note modal",
                None,
            )
        }
        Effect::ReplaceMessage { reply_to, reply } => match url::Url::parse(&reply_to) {
            Ok(url) => (
                api.replace(&SlackResponseUrl::new(url), views::reply(&reply))
                    .await,
                "update a message",
                None,
            ),
            Err(_) => {
                warn!("not updating a message: its address is not a URL");
                return Delivery::Refused;
            }
        },
        Effect::Intro {
            round,
            members,
            reasons,
            shared_goals,
            slots,
            minutes,
        } => {
            let content = tag_it(views::intro(
                round,
                &members,
                &reasons,
                &shared_goals,
                &slots,
                minutes,
            ));
            (
                api.post_to_group(&group(&members), content).await,
                "post an intro",
                None,
            )
        }
        Effect::Continue { round, members } => (
            api.post_to_group(&group(&members), tag_it(views::continuing(round, &members)))
                .await,
            "tell a pair they continue",
            None,
        ),
        Effect::Share {
            from,
            members,
            url,
            why,
        } => (
            api.post_to_group(
                &group(&members),
                tag_it(views::shared(&from, &url, why.as_deref())),
            )
            .await,
            "post a shared resource",
            None,
        ),
        Effect::CheckinDm { user, model } => (
            api.post_dm(&dm(&user), tag_it(views::checkin(&model)))
                .await,
            "send a check-in",
            Some(user),
        ),
        Effect::PostInConversation {
            conversation,
            thread,
            text,
        } => (
            api.post_returning_ts(
                &channel(&conversation),
                thread.as_deref(),
                tag_it(views::text(&text)),
            )
            .await
            .map(|_| ()),
            "post in the conversation",
            None,
        ),
        Effect::Reminder { user } => (
            api.post_dm(&dm(&user), tag_it(views::reminder())).await,
            "send a reminder",
            Some(user),
        ),
        Effect::PartnerSummary { to, from, summary } => (
            api.post_dm(&dm(&to), tag_it(views::partner_summary(&from, &summary)))
                .await,
            "send a partner summary",
            Some(to),
        ),
        Effect::RoundReport {
            channel: to,
            report,
        } => (
            api.post_returning_ts(&channel(&to), None, tag_it(views::round_report(&report)))
                .await
                .map(|_| ()),
            "post the round report",
            None,
        ),
        Effect::SitOutDm { user, reason } => (
            api.post_dm(&dm(&user), tag_it(views::sit_out(&reason)))
                .await,
            "tell someone they sit out",
            Some(user),
        ),
        Effect::Nudge { user, nudge } => (
            api.post_dm(&dm(&user), tag_it(views::nudge(&nudge))).await,
            "send a nudge",
            Some(user),
        ),
        Effect::CircleJoinOffer {
            user,
            circle,
            channel,
            members,
        } => (
            api.post_dm(
                &dm(&user),
                tag_it(views::circle_join_offer(channel.as_str(), circle, members)),
            )
            .await,
            "offer a place in a circle",
            Some(user),
        ),
        Effect::CircleMergeOffer {
            channel: channel_id,
            from,
            into,
            into_channel,
        } => (
            api.post_message(
                &channel(&channel_id),
                tag_it(views::circle_merge_offer(from, into, into_channel.as_str())),
            )
            .await,
            "offer a circle merge",
            None,
        ),
        Effect::ShareInChannel {
            from,
            channel: channel_id,
            url,
            why,
        } => (
            api.post_message(
                &channel(&channel_id),
                tag_it(views::shared(&from, &url, why.as_deref())),
            )
            .await,
            "post a shared resource in a circle",
            None,
        ),
        Effect::ReplyInDm { user, reply } => (
            api.post_dm(&dm(&user), tag_it(views::reply(&reply))).await,
            "answer a Home tab press",
            Some(user),
        ),
        Effect::Notice { user, text } => (
            api.post_dm(&dm(&user), tag_it(views::text(&text))).await,
            "tell a member what an admin changed",
            Some(user),
        ),
        Effect::WelcomeDm { user } => (
            api.post_dm(&dm(&user), tag_it(views::welcome_dm())).await,
            "send the welcome DM",
            Some(user),
        ),
        Effect::PublishHome { user, home } => (
            api.publish_home(&dm(&user), views::home_view(&home)).await,
            "publish the Home tab",
            Some(user),
        ),
    };
    match result {
        Ok(()) => Delivery::Done,
        Err(e) => {
            let error = describe_error(&e);
            match &who {
                Some(user) => warn!(user = %user, error = %error, "could not {what}"),
                None => warn!(error = %error, "could not {what}"),
            }
            if is_transient(&e) {
                Delivery::Retry
            } else {
                Delivery::Refused
            }
        }
    }
}

/// How long an account's kind is remembered: a deactivated colleague is
/// left out of rounds within hours; a round does not ask again for each.
const ACCOUNT_TTL: std::time::Duration = std::time::Duration::from_secs(6 * 3600);
/// How long whether someone is a workspace admin is remembered: an admin
/// who opens their Home tab and runs commands asks Slack once, and a
/// demoted admin loses rights within minutes.
const ADMIN_TTL: std::time::Duration = std::time::Duration::from_secs(5 * 60);

/// Answers remembered per person, each with when Slack gave it.
type Remembered<T> = std::sync::Mutex<std::collections::HashMap<UserId, (T, std::time::Instant)>>;

/// The app's [`Workspace`] port, answered by Slack.
pub struct SlackWorkspace {
    api: SlackApi,
    /// Each cached on its own, filled only when it is asked for: an admin
    /// check does not decide what a later round sees of an account.
    accounts: Remembered<Account>,
    admins: Remembered<bool>,
}

impl SlackWorkspace {
    pub fn new(api: SlackApi) -> Self {
        Self {
            api,
            accounts: Default::default(),
            admins: Default::default(),
        }
    }

    /// `read` of what Slack says of `user`, remembered in `memory` for
    /// `fresh`.
    async fn remembered<T: Copy>(
        &self,
        memory: &Remembered<T>,
        user: &UserId,
        fresh: std::time::Duration,
        read: impl Fn(Option<&SlackUser>) -> T,
    ) -> Result<T, WorkspaceError> {
        let now = std::time::Instant::now();
        let cached = memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(user)
            .filter(|(_, at)| now.duration_since(*at) < fresh)
            .map(|(v, _)| *v);
        if let Some(value) = cached {
            return Ok(value);
        }
        let value = match self.api.user(&dm(user)).await {
            Ok(u) => read(Some(&u)),
            // No such user (any more): what `read` says of nobody.
            Err(SlackClientError::ApiError(e)) if e.code == "user_not_found" => read(None),
            Err(e) => return Err(failed(&e)),
        };
        memory
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(user.clone(), (value, now));
        Ok(value)
    }
}

/// The kind of account Slack describes.
fn account_of(user: &SlackUser) -> Account {
    let flag = |f: Option<bool>| f.unwrap_or(false);
    if flag(user.deleted) {
        Account::Deactivated
    } else if flag(user.flags.is_bot) || flag(user.flags.is_app_user) {
        Account::Bot
    } else if flag(user.flags.is_restricted) || flag(user.flags.is_ultra_restricted) {
        Account::Guest
    } else {
        Account::Person
    }
}

fn failed(e: &SlackClientError) -> WorkspaceError {
    WorkspaceError::Failed(describe_error(e))
}

#[async_trait::async_trait]
impl Workspace for SlackWorkspace {
    async fn account(&self, user: &UserId) -> Result<Account, WorkspaceError> {
        self.remembered(&self.accounts, user, ACCOUNT_TTL, |u| {
            u.map_or(Account::Deactivated, account_of)
        })
        .await
    }

    async fn is_admin(&self, user: &UserId) -> Result<bool, WorkspaceError> {
        self.remembered(&self.admins, user, ADMIN_TTL, |u| {
            u.is_some_and(|u| {
                u.flags.is_admin.unwrap_or(false) || u.flags.is_owner.unwrap_or(false)
            })
        })
        .await
    }

    async fn timezone(&self, user: &UserId) -> Result<Option<String>, WorkspaceError> {
        self.api
            .user_timezone(&dm(user))
            .await
            .map_err(|e| failed(&e))
    }

    async fn create_private_channel(&self, name: &str) -> Result<ChannelId, WorkspaceError> {
        match self.api.create_private_channel(name).await {
            Ok(id) => ChannelId::parse(&id.0)
                .map_err(|_| WorkspaceError::Failed("Slack gave a malformed channel id".into())),
            Err(SlackClientError::ApiError(e)) if e.code == "name_taken" => {
                Err(WorkspaceError::NameTaken)
            }
            Err(e) => Err(failed(&e)),
        }
    }

    async fn invite(&self, to: &ChannelId, users: &[UserId]) -> Result<(), WorkspaceError> {
        let users: Vec<SlackUserId> = users.iter().map(dm).collect();
        self.api
            .invite(&channel(to), &users)
            .await
            .map_err(|e| failed(&e))
    }

    async fn remove_from_channel(
        &self,
        from: &ChannelId,
        user: &UserId,
    ) -> Result<(), WorkspaceError> {
        self.api
            .kick(&channel(from), &dm(user))
            .await
            .map_err(|e| failed(&e))
    }

    async fn channel_members(&self, of: &ChannelId) -> Result<Vec<UserId>, WorkspaceError> {
        let members = self
            .api
            .channel_members(&channel(of))
            .await
            .map_err(|e| failed(&e))?;
        // Tandem is in every channel it reads; it is nobody's peer.
        let bot = self.api.bot_user().await.map_err(|e| failed(&e))?;
        let members = members.into_iter().filter(|m| *m != bot);
        // Anything that is not a user id (Slack never sends one) is left out
        // here, where the wire format is known, and logged.
        let (ids, bad): (Vec<_>, Vec<_>) = members
            .into_iter()
            .map(|u| UserId::parse(&u.0))
            .partition(Result::is_ok);
        if !bad.is_empty() {
            warn!(
                count = bad.len(),
                "channel members that are not user ids were left out"
            );
        }
        Ok(ids.into_iter().flatten().collect())
    }

    async fn share_file(&self, with: &[UserId], file: SharedFile) -> Result<(), WorkspaceError> {
        let comment = views::render(&file.comment);
        let upload = super::upload::Upload {
            filename: &file.filename,
            title: &file.title,
            comment: &comment,
            content_type: file.content_type,
            bytes: file.bytes,
        };
        self.api
            .upload_to(&with.iter().map(dm).collect::<Vec<_>>(), upload)
            .await
            .map_err(|e| failed(&e))
    }

    async fn post(
        &self,
        to: &ChannelId,
        thread: Option<&str>,
        post: &Post,
    ) -> Result<String, WorkspaceError> {
        self.api
            .post_returning_ts(&channel(to), thread, views::post(post))
            .await
            .map_err(|e| match &e {
                SlackClientError::ApiError(api)
                    if matches!(
                        api.code.as_str(),
                        "channel_not_found" | "is_archived" | "not_in_channel"
                    ) =>
                {
                    WorkspaceError::Gone
                }
                _ => failed(&e),
            })
    }
}
