//! Inbound: accepts what Slack sends (after the transport verified it),
//! parses it into app requests, and hands the app's answers to
//! `outbound`. Shared by both transports, so HTTP and Socket Mode behave
//! identically.
//!
//! Slack wants every request acknowledged within 3 seconds, so commands are
//! acknowledged at once and answered through their `response_url` from a
//! tracked background task; shutdown waits for those tasks.

use super::client::SlackApi;
use super::outbound::{deliver, run_effect, ReplyTo};
use crate::app::{
    Action, ActionRequest, App, CommandRequest, Delivery, Effect, EventKind, EventOutcome,
    InboundEvent, SubmitOutcome,
};
use crate::ids::{ChannelId, TeamId, UserId};
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

    /// Runs `work` (a reply and its effects) in a task shutdown waits for,
    /// counted in `tandem_deliveries_in_flight` while it runs.
    fn spawn_delivery(&self, work: impl std::future::Future<Output = ()> + Send + 'static) {
        let in_flight = self.metrics.delivery_started();
        self.tasks.spawn(async move {
            work.await;
            drop(in_flight);
        });
    }

    /// Carries out a scheduled delivery's effects in order, each message
    /// tagged with `key` and its place (`key#i`); says how it went. On a
    /// later try (`look_first`) each message is first looked for in its
    /// conversation: one Slack already took (just before a crash, or before
    /// a later part failed) is not sent again. When Slack cannot say, the
    /// part waits for the next try rather than risk a duplicate.
    pub async fn run_effects_once(
        &self,
        effects: Vec<Effect>,
        key: &str,
        look_first: bool,
    ) -> Delivery {
        let mut overall = Delivery::Done;
        for (i, effect) in effects.into_iter().enumerate() {
            let part = format!("{key}#{i}");
            if let (true, Some(to)) = (look_first, super::outbound::destination(&effect)) {
                match self.api.has_delivered(&to, &part).await {
                    Ok(true) => {
                        self.metrics.event("delivery", "found_sent");
                        continue;
                    }
                    Ok(false) => {}
                    Err(e) if super::client::is_transient(&e) => {
                        warn!(error = %super::client::describe_error(&e), "could not look for an earlier delivery; trying later");
                        overall = overall.and(Delivery::Retry);
                        continue;
                    }
                    // Slack will not have it (no such person or channel):
                    // the send says so for good.
                    Err(_) => {}
                }
            }
            overall =
                overall.and(super::outbound::run_tagged(&self.api, effect, Some(&part)).await);
        }
        overall
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
        self.spawn_delivery(async move {
            let (reply, effects) = app.handle_command(&request).await;
            // Only the kind of reply is logged, never the member's words.
            info!(user = %request.user, reply = reply.kind(), "slash command");
            let to = ReplyTo::Command(response_url);
            deliver(&api, &request.user, reply, to, effects).await;
        });
        Ok(())
    }

    /// Accepts an Events API callback: de-duplicates it and schedules its
    /// effects. An error means "not taken": the transport makes Slack retry.
    pub async fn accept_event(&self, callback: SlackPushEventCallback) -> Result<(), EventError> {
        let event = to_inbound(&callback)?;
        let kind = kind_name(&callback.event);
        let outcome = self.app.claim_event(&event).await.inspect_err(|e| {
            self.metrics.event(kind, "store_error");
            warn!(event_type = kind, error = %e, "event not taken: store unavailable");
        })?;
        self.metrics.event(kind, outcome.as_str());
        if let EventKind::Ignored { name } = &event.kind {
            tracing::debug!(event_type = %name, "event ignored");
        }
        if outcome == EventOutcome::Handled {
            // Claimed: Slack is answered now; the work (building a Home
            // tab, a welcome) happens after, on a tracked task.
            let (app, api) = (self.app.clone(), self.api.clone());
            self.spawn_delivery(async move {
                for effect in app.act_on_event(&event).await {
                    run_effect(&api, effect).await;
                }
            });
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
            .find_map(|a| super::buttons::decode(&a.action_id.0, a.value.as_deref()));
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
            conversation: press
                .channel
                .as_ref()
                .and_then(|c| ChannelId::parse(&c.id.0).ok()),
            reply_to: press.response_url.as_ref().map(|u| u.0.to_string()),
        };
        let app = self.app.clone();
        let api = self.api.clone();
        self.spawn_delivery(async move {
            let (reply, effects) = app.handle_action(&request).await;
            info!(user = %request.user, reply = reply.kind(), "button press");
            let to = response_url.map_or(ReplyTo::Nobody, ReplyTo::Press);
            deliver(&api, &request.user, reply, to, effects).await;
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
            return Ok(self.finish_submission(&team, &user, outcome, "goal"));
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
            return Ok(self.finish_submission(&team, &user, outcome, "text"));
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
            return Ok(self.finish_submission(&team, &user, outcome, "text"));
        }
        if callback != Some(super::profile_modal::PROFILE_MODAL) {
            self.metrics.event("view_submission", "ignored");
            return Ok(None);
        }
        // Checked and saved, then answered; the member's time zone is asked
        // of Slack only after (`AfterSave::Profile`).
        let form = match &submission.view.state_params.state {
            Some(state) => super::profile_modal::read_profile_form(state),
            None => Default::default(),
        };
        let outcome = self.app.submit_profile(&team, &user, form).await;
        Ok(self.finish_submission(&team, &user, outcome, "offers"))
    }

    /// Runs a saved submission's effects, or turns refusals into field
    /// errors; `first_field` carries a store failure's message.
    fn finish_submission(
        &self,
        team: &TeamId,
        user: &UserId,
        outcome: SubmitOutcome,
        first_field: &str,
    ) -> Option<SlackViewSubmissionResponse> {
        let errors: Vec<(String, String)> = match outcome {
            SubmitOutcome::Saved(after) => {
                self.metrics.event("view_submission", "handled");
                let (app, api) = (self.app.clone(), self.api.clone());
                let (team, user) = (team.clone(), user.clone());
                self.spawn_delivery(async move {
                    for effect in app.after_save(&team, &user, after).await {
                        run_effect(&api, effect).await;
                    }
                });
                return None;
            }
            SubmitOutcome::Invalid(errors) => {
                self.metrics.event("view_submission", "invalid");
                errors
            }
            SubmitOutcome::StoreDown => {
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

fn parse_team(id: &SlackTeamId) -> Result<TeamId, Malformed> {
    TeamId::parse(&id.0).map_err(|e| Malformed(e.to_string()))
}

fn parse_user(id: &SlackUserId) -> Result<UserId, Malformed> {
    UserId::parse(&id.0).map_err(|e| Malformed(e.to_string()))
}

fn parse_channel(id: &SlackChannelId) -> Result<ChannelId, Malformed> {
    ChannelId::parse(&id.0).map_err(|e| Malformed(e.to_string()))
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
                    channel: parse_channel(channel)?,
                    thread: thread.0.clone(),
                },
                _ => EventKind::Ignored {
                    name: "message".to_owned(),
                },
            }
        }
        SlackEventCallbackBody::MemberJoinedChannel(e) => EventKind::JoinedChannel {
            user: parse_user(&e.user)?,
            channel: parse_channel(&e.channel)?,
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
