//! Turns Slack payloads into app calls and carries out the app's answers.
//! Shared by both transports, so HTTP and Socket Mode behave identically.
//!
//! Slack wants every request acknowledged within 3 seconds, so commands are
//! acknowledged at once and answered through their `response_url` from a
//! tracked background task; shutdown waits for those tasks.

use super::client::{describe_error, is_transient, SlackApi};
use super::views;
use crate::app::{
    Action, ActionRequest, App, CommandRequest, Delivery, Effect, EventKind, InboundEvent,
};
use crate::ids::{TeamId, UserId};
use crate::metrics::Metrics;
use crate::store::StoreError;
use slack_morphism::prelude::*;
use tokio_util::task::TaskTracker;
use tracing::{info, warn};

/// A payload that cannot be acted on (bad ids); the transport answers 400.
#[derive(Debug, thiserror::Error)]
#[error("malformed payload: {0}")]
pub struct Malformed(pub String);

/// Why an event could not be taken; the transport asks Slack to retry.
#[derive(Debug, thiserror::Error)]
pub enum EventError {
    #[error(transparent)]
    Malformed(#[from] Malformed),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What every transport needs to serve Slack.
pub struct SlackContext {
    pub app: App,
    pub api: SlackApi,
    pub metrics: Metrics,
    pub tasks: TaskTracker,
}

impl SlackContext {
    pub fn new(app: App, api: SlackApi, metrics: Metrics) -> Self {
        Self {
            app,
            api,
            metrics,
            tasks: TaskTracker::new(),
        }
    }

    /// Carries out effects in order (scheduled work uses this) and says how
    /// it went: `Retry` if any failed for a reason that may pass.
    pub async fn run_effects(&self, effects: Vec<Effect>) -> Delivery {
        let mut overall = Delivery::Done;
        for effect in effects {
            overall = overall.and(run_effect(&self.api, effect).await);
        }
        overall
    }

    /// Accepts a slash command. Returns at once; the reply follows through
    /// the command's `response_url`.
    pub fn accept_command(&self, event: SlackCommandEvent) -> Result<(), Malformed> {
        let team = parse_team(&event.team_id)?;
        let user = parse_user(&event.user_id)?;
        let request = CommandRequest {
            team,
            user,
            text: event.text.unwrap_or_default(),
            trigger: Some(event.trigger_id.0.clone()),
        };
        let app = self.app.clone();
        let api = self.api.clone();
        let response_url = event.response_url;
        // Acknowledged now; the work (which may touch the store) and the
        // reply happen in a tracked task that shutdown waits for.
        self.tasks.spawn(async move {
            let (reply, effects) = app.handle_command(&request).await;
            // Only the kind of reply is logged, never the member's words.
            info!(user = %request.user, reply = reply_kind(&reply), "slash command");
            // A modal's trigger expires within seconds, so it goes first.
            let (modals, others): (Vec<Effect>, Vec<Effect>) =
                effects.into_iter().partition(Effect::is_modal);
            for effect in modals {
                run_effect(&api, effect).await;
            }
            if let Err(e) = api.respond(&response_url, views::reply(&reply)).await {
                warn!(user = %request.user, error = %describe_error(&e), "could not deliver a command reply");
            }
            for effect in others {
                run_effect(&api, effect).await;
            }
        });
        Ok(())
    }

    /// Accepts an Events API callback: de-duplicates it and schedules its
    /// effects. An error means "not taken": the transport makes Slack retry.
    pub async fn accept_event(&self, callback: SlackPushEventCallback) -> Result<(), EventError> {
        let event = to_inbound(&callback)?;
        let kind = kind_name(&callback.event);
        let (outcome, effects) = self.app.handle_event(&event).await.inspect_err(|e| {
            self.metrics.event(kind, "store_error");
            warn!(event_type = kind, error = %e, "event not taken: store unavailable");
        })?;
        self.metrics.event(kind, outcome.as_str());
        if let EventKind::Ignored { name } = &event.kind {
            tracing::debug!(event_type = %name, "event ignored");
        }
        for effect in effects {
            let api = self.api.clone();
            self.tasks
                .spawn(async move { run_effect(&api, effect).await });
        }
        Ok(())
    }

    /// Accepts an interaction. Button presses Tandem knows are answered
    /// through the message's `response_url`, replacing the message; the
    /// member acted on is always the one Slack says pressed the button.
    pub async fn accept_interaction(
        &self,
        event: &SlackInteractionEvent,
    ) -> Result<Option<SlackViewSubmissionResponse>, Malformed> {
        if let SlackInteractionEvent::ViewSubmission(submission) = event {
            return self.accept_view_submission(submission).await;
        }
        let SlackInteractionEvent::BlockActions(press) = event else {
            let kind = match event {
                SlackInteractionEvent::ViewClosed(_) => "view_closed",
                SlackInteractionEvent::Shortcut(_) => "shortcut",
                SlackInteractionEvent::MessageAction(_) => "message_action",
                _ => "other",
            };
            self.metrics.event(kind, "ignored");
            info!(
                interaction = kind,
                "interaction acknowledged; nothing handles it"
            );
            return Ok(None);
        };
        let team = parse_team(&press.team.id)?;
        let user = press
            .user
            .as_ref()
            .ok_or_else(|| Malformed("button press without a user".into()))
            .and_then(|u| parse_user(&u.id))?;
        let action = press
            .actions
            .iter()
            .flatten()
            .find_map(|a| Action::from_press(&a.action_id.0, a.value.as_deref()));
        let Some(action) = action else {
            self.metrics.event("block_actions", "ignored");
            return Ok(None);
        };
        // Presses on the Home tab carry no response URL: their answer is the
        // refreshed tab (or a modal), not a message.
        let response_url = press.response_url.clone();
        self.metrics.event("block_actions", "handled");
        if matches!(
            action,
            Action::CheckinGoal { .. } | Action::CheckinMet { .. }
        ) {
            self.metrics.event("checkin", "answered");
        }
        let request = ActionRequest {
            team,
            user,
            action,
            trigger: Some(press.trigger_id.0.clone()),
            conversation: press.channel.as_ref().map(|c| c.id.0.clone()),
            reply_to: press.response_url.as_ref().map(|u| u.0.to_string()),
        };
        let app = self.app.clone();
        let api = self.api.clone();
        self.tasks.spawn(async move {
            let (reply, effects) = app.handle_action(&request).await;
            info!(user = %request.user, reply = reply_kind(&reply), "button press");
            let (modals, others): (Vec<Effect>, Vec<Effect>) =
                effects.into_iter().partition(Effect::is_modal);
            for effect in modals {
                run_effect(&api, effect).await;
            }
            // A kickoff press must never replace the intro everyone shares:
            // its refusals go to the presser alone.
            let keeps_message = matches!(request.action, Action::Kickoff { .. });
            if let (Some(url), false) = (response_url, matches!(reply, crate::app::Reply::Silent)) {
                let sent = if keeps_message {
                    api.respond(&url, views::reply(&reply)).await
                } else {
                    api.replace(&url, views::reply(&reply)).await
                };
                if let Err(e) = sent {
                    warn!(user = %request.user, error = %describe_error(&e), "could not answer a button press");
                }
            }
            for effect in others {
                run_effect(&api, effect).await;
            }
        });
        Ok(None)
    }

    /// The profile modal's submit: checked and saved before answering, so
    /// Slack can show field errors in the still-open modal.
    async fn accept_view_submission(
        &self,
        submission: &SlackInteractionViewSubmissionEvent,
    ) -> Result<Option<SlackViewSubmissionResponse>, Malformed> {
        let callback = match &submission.view.view {
            SlackView::Modal(m) => m.callback_id.as_ref().map(|c| c.0.as_str()),
            SlackView::Home(_) => None,
        };
        let team = parse_team(&submission.team.id)?;
        let user = parse_user(&submission.user.id)?;
        if callback == Some(super::profile_modal::GOAL_MODAL) {
            let text = submission
                .view
                .state_params
                .state
                .as_ref()
                .and_then(super::profile_modal::read_goal)
                .unwrap_or_default();
            let outcome = self.app.submit_goal(&team, &user, &text).await;
            return Ok(self.finish_submission(outcome, "goal"));
        }
        let state = submission.view.state_params.state.as_ref();
        let typed = || {
            state
                .and_then(super::profile_modal::read_text)
                .unwrap_or_default()
        };
        let metadata = match &submission.view.view {
            SlackView::Modal(m) => m.private_metadata.clone().unwrap_or_default(),
            SlackView::Home(_) => String::new(),
        };
        if callback == Some(super::profile_modal::STEP_MODAL) {
            let Ok(goal) = metadata.parse::<u32>() else {
                return Err(Malformed("step modal without its goal".into()));
            };
            let outcome = self.app.submit_step(&team, &user, goal, &typed()).await;
            return Ok(self.finish_submission(outcome, "text"));
        }
        if callback == Some(super::profile_modal::CHECKIN_NOTE_MODAL) {
            let Some((number, goal, reply_to)) =
                super::profile_modal::read_note_metadata(&metadata)
            else {
                return Err(Malformed("note modal without its check-in".into()));
            };
            let outcome = self
                .app
                .submit_checkin_note(&team, &user, number, goal, &typed(), reply_to)
                .await;
            return Ok(self.finish_submission(outcome, "text"));
        }
        if callback != Some(super::profile_modal::PROFILE_MODAL) {
            self.metrics.event("view_submission", "ignored");
            return Ok(None);
        }
        let mut form = match &submission.view.state_params.state {
            Some(state) => super::profile_modal::read_profile_form(state),
            None => Default::default(),
        };
        form.timezone = self
            .api
            .user_timezone(&submission.user.id)
            .await
            .map_err(|e| warn!(error = %describe_error(&e), "time zone unknown: users.info failed"))
            .ok()
            .flatten();
        let outcome = self.app.submit_profile(&team, &user, form).await;
        Ok(self.finish_submission(outcome, "offers"))
    }

    /// Runs a saved submission's effects, or turns refusals into field
    /// errors; `first_field` carries a store failure's message.
    fn finish_submission(
        &self,
        outcome: crate::app::SubmitOutcome,
        first_field: &str,
    ) -> Option<SlackViewSubmissionResponse> {
        let errors: Vec<(String, String)> = match outcome {
            crate::app::SubmitOutcome::Saved(effects) => {
                self.metrics.event("view_submission", "handled");
                let api = self.api.clone();
                self.tasks.spawn(async move {
                    for effect in effects {
                        run_effect(&api, effect).await;
                    }
                });
                return None;
            }
            crate::app::SubmitOutcome::Invalid(errors) => {
                self.metrics.event("view_submission", "invalid");
                errors
            }
            crate::app::SubmitOutcome::StoreDown => {
                self.metrics.event("view_submission", "store_error");
                vec![(
                    first_field.to_owned(),
                    "Tandem can't save right now. Please try again in a minute.".to_owned(),
                )]
            }
        };
        Some(SlackViewSubmissionResponse::Errors(
            SlackViewSubmissionErrorsResponse::new(errors.into_iter().collect()),
        ))
    }
}

/// Carries out one effect and says how it went. Failures are logged here
/// (Slack's error code only, never message text); scheduled work uses the
/// answer to decide between moving on and trying again later.
pub async fn run_effect(api: &SlackApi, effect: Effect) -> Delivery {
    if matches!(effect, Effect::CheckinDm { .. }) {
        api.metrics().event("checkin", "sent");
    }
    let dm = |user: &UserId| SlackUserId::new(user.as_str().to_owned());
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
            first_meeting,
        } => {
            let content = views::intro(round, &members, &reasons, &shared_goals, first_meeting);
            (
                api.post_to_group(&group(&members), content).await,
                "post an intro",
                None,
            )
        }
        Effect::Share {
            from,
            members,
            url,
            why,
        } => (
            api.post_to_group(&group(&members), views::shared(&from, &url, why.as_deref()))
                .await,
            "post a shared resource",
            None,
        ),
        Effect::CheckinDm { user, model } => (
            api.post_dm(&dm(&user), views::checkin(&model)).await,
            "send a check-in",
            Some(user),
        ),
        Effect::PostInConversation {
            conversation,
            thread,
            text,
        } => (
            api.post_returning_ts(
                &SlackChannelId::new(conversation),
                thread.as_deref(),
                views::text(text),
            )
            .await
            .map(|_| ()),
            "post in the conversation",
            None,
        ),
        Effect::Reminder { user } => (
            api.post_dm(&dm(&user), views::reminder()).await,
            "send a reminder",
            Some(user),
        ),
        Effect::PartnerSummary { to, from, summary } => {
            let text = format!("<@{from}> checked in — {summary}.");
            (
                api.post_dm(&dm(&to), views::text(text)).await,
                "send a partner summary",
                Some(to),
            )
        }
        Effect::SitOutDm { user, reason } => (
            api.post_dm(&dm(&user), views::sit_out(&reason)).await,
            "tell someone they sit out",
            Some(user),
        ),
        Effect::Nudge { user, nudge } => (
            api.post_dm(&dm(&user), views::nudge(&nudge)).await,
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
                views::circle_join_offer(&channel, circle, members),
            )
            .await,
            "offer a place in a circle",
            Some(user),
        ),
        Effect::CircleMergeOffer {
            channel,
            from,
            into,
            into_channel,
        } => (
            api.post_message(
                &SlackChannelId::new(channel),
                views::circle_merge_offer(from, into, &into_channel),
            )
            .await,
            "offer a circle merge",
            None,
        ),
        Effect::ShareInChannel {
            from,
            channel,
            url,
            why,
        } => (
            api.post_message(
                &SlackChannelId::new(channel),
                views::shared(&from, &url, why.as_deref()),
            )
            .await,
            "post a shared resource in a circle",
            None,
        ),
        Effect::WelcomeDm { user } => (
            api.post_dm(&dm(&user), views::welcome_dm()).await,
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

fn reply_kind(reply: &crate::app::Reply) -> &'static str {
    match reply {
        crate::app::Reply::Help => "help",
        crate::app::Reply::Usage { .. } => "usage",
        crate::app::Reply::Goals { .. } => "goals",
        crate::app::Reply::Notes { .. } => "notes",
        crate::app::Reply::Refused { .. } => "refused",
        crate::app::Reply::StoreDown => "store_down",
        crate::app::Reply::Silent => "silent",
        crate::app::Reply::ConfirmForget => "confirm_forget",
        crate::app::Reply::Forgotten => "forgotten",
        crate::app::Reply::ForgetCancelled => "forget_cancelled",
        crate::app::Reply::Profile { .. } => "profile",
        crate::app::Reply::Status { .. } => "status",
        crate::app::Reply::Done { .. } => "done",
        crate::app::Reply::ConfirmLeave => "confirm_leave",
        crate::app::Reply::Shelf { .. } => "shelf",
        crate::app::Reply::Round(_) => "round",
        crate::app::Reply::Circles(_) => "circles",
        crate::app::Reply::Checkin(_) => "checkin",
        crate::app::Reply::ComingSoon { .. } => "coming_soon",
        crate::app::Reply::Unknown { .. } => "unknown",
    }
}

fn parse_team(id: &SlackTeamId) -> Result<TeamId, Malformed> {
    TeamId::parse(&id.0).map_err(|e| Malformed(e.to_string()))
}

fn parse_user(id: &SlackUserId) -> Result<UserId, Malformed> {
    UserId::parse(&id.0).map_err(|e| Malformed(e.to_string()))
}

/// Slack's name for an event body, for metrics and logs (a closed set, except
/// unknown types, which are reported as "unknown").
fn kind_name(body: &SlackEventCallbackBody) -> &'static str {
    match body {
        SlackEventCallbackBody::AppHomeOpened(_) => "app_home_opened",
        SlackEventCallbackBody::AppUninstalled(_) => "app_uninstalled",
        SlackEventCallbackBody::MemberJoinedChannel(_) => "member_joined_channel",
        SlackEventCallbackBody::Message(_) => "message",
        SlackEventCallbackBody::Unknown(v) if v["type"] == "tokens_revoked" => "tokens_revoked",
        _ => "other",
    }
}

fn to_inbound(callback: &SlackPushEventCallback) -> Result<InboundEvent, Malformed> {
    let team = parse_team(&callback.team_id)?;
    let kind = match &callback.event {
        SlackEventCallbackBody::AppHomeOpened(e) if e.tab.as_deref() != Some("messages") => {
            EventKind::AppHomeOpened {
                user: parse_user(&e.user)?,
            }
        }
        SlackEventCallbackBody::AppUninstalled(_) => EventKind::Uninstalled,
        // A person's reply in a thread (not a bot, not an edit or join
        // notice): only who and where are kept, never the words.
        SlackEventCallbackBody::Message(m)
            if m.subtype.is_none()
                && m.sender.bot_id.is_none()
                && m.origin.thread_ts.is_some()
                && m.origin.thread_ts.as_ref() != Some(&m.origin.ts) =>
        {
            match (&m.sender.user, &m.origin.channel, &m.origin.thread_ts) {
                (Some(user), Some(channel), Some(thread)) => EventKind::ThreadReply {
                    user: parse_user(user)?,
                    channel: channel.0.clone(),
                    thread: thread.0.clone(),
                },
                _ => EventKind::Ignored {
                    name: "message".to_owned(),
                },
            }
        }
        SlackEventCallbackBody::MemberJoinedChannel(e) => EventKind::JoinedChannel {
            user: parse_user(&e.user)?,
            channel: e.channel.0.clone(),
        },
        body => match kind_name(body) {
            "tokens_revoked" => EventKind::Uninstalled,
            name => EventKind::Ignored {
                name: name.to_owned(),
            },
        },
    };
    Ok(InboundEvent {
        team,
        event_id: callback.event_id.0.clone(),
        kind,
    })
}
