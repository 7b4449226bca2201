//! Socket Mode: the bot opens WebSockets to Slack (`apps.connections.open`
//! with the `xapp-` token), so no public URL is needed. slack-morphism runs
//! the connections, reconnects and pings; we plug in the same dispatch as
//! HTTP mode.

use super::client::{Client, Connector};
use super::inbound::SlackContext;
use crate::settings::expose;
use secrecy::SecretString;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::sync::Arc;
use tracing::{error, warn};

/// Returned by the command callback to acknowledge an envelope *without* a
/// payload: the reply follows through `response_url`. slack-morphism only
/// sends a bare ack on the error path, and [`on_error`] maps this marker to
/// success.
#[derive(Debug)]
struct AckWithoutPayload;

impl std::fmt::Display for AckWithoutPayload {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("acknowledged; reply follows via response_url")
    }
}

impl std::error::Error for AckWithoutPayload {}

/// A running Socket Mode listener.
pub struct SocketMode {
    listener: SlackClientSocketModeListener<Connector>,
}

impl SocketMode {
    /// Registers the app token and opens the connections.
    pub async fn start(
        ctx: Arc<SlackContext>,
        client: Arc<Client>,
        app_token: &SecretString,
    ) -> ClientResult<Self> {
        let environment = Arc::new(
            SlackClientEventsListenerEnvironment::new(client)
                .with_error_handler(on_error)
                .with_user_state(ctx),
        );
        let callbacks = SlackSocketModeListenerCallbacks::new()
            .with_command_events(on_command)
            .with_interaction_events(on_interaction)
            .with_push_events(on_push);
        let listener = SlackClientSocketModeListener::new(
            &SlackClientSocketModeConfig::new(),
            environment,
            callbacks,
        );
        let token = SlackApiToken::new(SlackApiTokenValue::new(expose(app_token).to_owned()));
        listener.listen_for(&token).await?;
        listener.start().await;
        Ok(Self { listener })
    }

    /// Closes every connection; Slack stops sending us envelopes.
    pub async fn shutdown(&self) {
        self.listener.shutdown().await;
    }
}

async fn context(states: &SlackClientEventsUserState) -> Arc<SlackContext> {
    states
        .read()
        .await
        .get_user_state::<Arc<SlackContext>>()
        .cloned()
        .expect("SlackContext is installed before the listener starts")
}

async fn on_command(
    event: SlackCommandEvent,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackCommandEventResponse> {
    let ctx = context(&states).await;
    match ctx.accept_command(event) {
        Ok(()) => ctx.metrics.request("socket_commands", "ok"),
        Err(e) => {
            // Acked anyway: Slack would only redeliver the same bad payload.
            ctx.metrics.request("socket_commands", "bad_request");
            warn!(error = %e, "malformed slash command over Socket Mode");
        }
    }
    Err(Box::new(AckWithoutPayload))
}

async fn on_interaction(
    event: SlackInteractionEvent,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<SlackInteractionResponse> {
    let ctx = context(&states).await;
    match ctx.accept_interaction(&event).await {
        Ok(answer) => {
            ctx.metrics.request("socket_interactions", "ok");
            Ok(answer.map_or(
                SlackInteractionResponse::Empty,
                SlackInteractionResponse::ViewSubmission,
            ))
        }
        Err(e) => {
            ctx.metrics.request("socket_interactions", "bad_request");
            warn!(error = %e, "malformed interaction over Socket Mode");
            Ok(SlackInteractionResponse::Empty)
        }
    }
}

async fn on_push(
    event: SlackPushEventCallback,
    _client: Arc<Client>,
    states: SlackClientEventsUserState,
) -> UserCallbackResult<()> {
    let ctx = context(&states).await;
    match ctx.accept_event(event).await {
        Ok(()) => {
            ctx.metrics.request("socket_events", "ok");
            Ok(())
        }
        Err(e) => {
            ctx.metrics.request("socket_events", "unavailable");
            // No ack: Slack redelivers the envelope later, so nothing is lost.
            Err(Box::new(e))
        }
    }
}

fn on_error(
    err: Box<dyn std::error::Error + Send + Sync>,
    _client: Arc<Client>,
    _states: SlackClientEventsUserState,
) -> HttpStatusCode {
    if err.is::<AckWithoutPayload>() {
        return HttpStatusCode::OK;
    }
    // Never the error's own text: a parse error can quote the envelope,
    // and envelopes carry members' words.
    if let Some(e) = err.downcast_ref::<SlackClientError>() {
        error!(error = %super::client::describe_error(e), "Socket Mode error");
    } else if let Some(e) = err.downcast_ref::<serde_json::Error>() {
        warn!(
            line = e.line(),
            column = e.column(),
            "Socket Mode envelope did not parse"
        );
    } else {
        error!("Socket Mode handler error");
    }
    HttpStatusCode::INTERNAL_SERVER_ERROR
}
