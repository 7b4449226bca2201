//! Outbound calls to Slack's Web API through slack-morphism, with its rate
//! control on (tier limits, `Retry-After` retries) and every call counted in
//! `/metrics`. The base URL comes from `SLACK_API_URL`, so tests and proxies
//! can redirect it.

use crate::metrics::Metrics;
use crate::settings::expose;
use hyper_rustls::HttpsConnector;
use hyper_timeout::TimeoutConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use secrecy::SecretString;
use slack_morphism::errors::{SlackClientError, SlackClientSystemError};
use slack_morphism::prelude::*;
use std::sync::Arc;
use std::time::Duration;

pub type Connector = SlackClientHyperConnector<TimeoutConnector<HttpsConnector<HttpConnector>>>;
pub type Client = SlackClient<Connector>;

/// How often a rate-limited call is retried (after Slack's `Retry-After`).
const MAX_RETRIES: usize = 5;
/// Longest we wait for a rate-limit slot before giving up on a call.
const MAX_DELAY: Duration = Duration::from_secs(60);

/// How many of a conversation's latest messages a try after a crash looks
/// through for its delivery (a job's messages are among the last few).
const LOOK_BACK: u16 = 20;

/// Longest `Retry-After` we honour on a response URL before giving up.
const MAX_REPLY_RETRY_AFTER: Duration = Duration::from_secs(30);

/// Longest any one call may take, rate-limit waits and retries included:
/// past this it fails as transient (and scheduled work is retried later)
/// rather than holding a job, a modal submission or shutdown.
pub const CALL_LIMIT: Duration = Duration::from_secs(90);

/// How long, per attempt, a connection may take to open, a request to be
/// written, or an answer to make no progress (`slack.timeout_ms`). Without
/// it, one half-open connection stalls whatever waits on it.
#[derive(Debug, Clone, Copy)]
pub struct Timeouts {
    pub io: Duration,
}

impl Timeouts {
    pub fn from_config(config: &crate::config::SlackConfig) -> Self {
        Self {
            io: Duration::from_millis(config.timeout_ms),
        }
    }
}

fn connector(api_url: &str, timeouts: Timeouts) -> std::io::Result<Connector> {
    let mut http = HttpConnector::new();
    http.enforce_http(false);
    http.set_connect_timeout(Some(timeouts.io));
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .wrap_connector(http);
    // The read timeout also closes a pooled connection left idle that long;
    // the next call simply opens a fresh one.
    let mut timed = TimeoutConnector::new(https);
    timed.set_connect_timeout(Some(timeouts.io));
    timed.set_write_timeout(Some(timeouts.io));
    timed.set_read_timeout(Some(timeouts.io));
    Ok(SlackClientHyperConnector::with_connector(timed).with_slack_api_url(api_url))
}

/// Builds the Web API client, with slack-morphism's rate control on (tier
/// limits and `Retry-After` retries). `http://` is accepted only because the
/// base URL is an operator's choice (a local fake or proxy).
pub fn build_client(api_url: &str, timeouts: Timeouts) -> std::io::Result<Arc<Client>> {
    let rate_control = SlackApiRateControlConfig::new()
        .with_max_retries(MAX_RETRIES)
        .with_max_delay_timeout(MAX_DELAY);
    Ok(Arc::new(SlackClient::new(
        connector(api_url, timeouts)?.with_rate_control(rate_control),
    )))
}

/// Builds the client for `response_url` replies. slack-morphism's rate
/// control puts *every* response URL in one 1-per-second bucket, while Slack
/// limits each URL on its own; through it, twenty people typing at once
/// would wait twenty seconds for their replies. So replies skip that
/// throttle, and [`SlackApi::respond`] honours `Retry-After` itself.
pub fn build_reply_client(api_url: &str, timeouts: Timeouts) -> std::io::Result<Arc<Client>> {
    Ok(Arc::new(SlackClient::new(connector(api_url, timeouts)?)))
}

/// Runs one call under [`CALL_LIMIT`]; past it, a transient failure.
pub(super) async fn bounded<T>(
    call: impl std::future::Future<Output = ClientResult<T>>,
) -> ClientResult<T> {
    match tokio::time::timeout(CALL_LIMIT, call).await {
        Ok(result) => result,
        Err(_) => Err(SlackClientError::SystemError(
            SlackClientSystemError::new().with_message(TIMED_OUT.to_owned()),
        )),
    }
}

/// The message of the error [`bounded`] gives.
const TIMED_OUT: &str = "call timed out";

/// A short, log-safe description of a failed call: Slack's error code or the
/// HTTP status, never a response body (bodies can echo message text).
pub fn describe_error(err: &SlackClientError) -> String {
    match err {
        SlackClientError::ApiError(e) => format!("slack error {}", e.code),
        SlackClientError::HttpError(e) => format!("http status {}", e.status_code),
        SlackClientError::RateLimitError(_) => "rate limited (retries exhausted)".into(),
        SlackClientError::HttpProtocolError(_) => "connection failed".into(),
        SlackClientError::EndOfStream(_) => "connection closed".into(),
        SlackClientError::SystemError(e) if e.message.as_deref() == Some(TIMED_OUT) => {
            TIMED_OUT.into()
        }
        SlackClientError::SystemError(_) => "client system error".into(),
        SlackClientError::ProtocolError(_) => "unexpected response format".into(),
        SlackClientError::SocketModeProtocolError(_) => "socket mode protocol error".into(),
    }
}

/// Whether a failed call may succeed if tried again later: network trouble,
/// Slack's own failures, and rate limits that outlasted our retries. Errors
/// about the recipient (deactivated, no such user, blocked) will not pass.
pub fn is_transient(err: &SlackClientError) -> bool {
    match err {
        SlackClientError::ApiError(e) => matches!(
            e.code.as_str(),
            "ratelimited"
                | "internal_error"
                | "fatal_error"
                | "service_unavailable"
                | "request_timeout"
        ),
        SlackClientError::HttpError(e) => e.status_code.is_server_error(),
        SlackClientError::RateLimitError(_)
        | SlackClientError::HttpProtocolError(_)
        | SlackClientError::EndOfStream(_)
        | SlackClientError::SystemError(_) => true,
        SlackClientError::ProtocolError(_) | SlackClientError::SocketModeProtocolError(_) => false,
    }
}

/// slack-morphism's own limit for `chat.postMessage` is one message per
/// second for the whole workspace, but Slack's is one per second *per
/// channel* (with short bursts allowed). A check-in run DMs thousands of
/// different people, so each message is paced under its channel's own key:
/// still slack-morphism's rate control (and its `Retry-After` retries), with
/// Slack's real granularity.
fn per_channel_limit(channel: &SlackChannelId) -> SlackApiMethodRateControlConfig {
    SlackApiMethodRateControlConfig::new().with_special_rate_limit(
        SlackApiRateControlSpecialLimit::new(
            format!("chat.postMessage:{channel}").into(),
            SlackApiRateControlLimit::new(1, Duration::from_secs(1)),
        ),
    )
}

/// Slack's answers to `auth.test` that mean the token itself is wrong.
const TOKEN_REJECTED: &[&str] = &[
    "invalid_auth",
    "not_authed",
    "account_inactive",
    "token_revoked",
    "token_expired",
    "not_allowed_token_type",
];

/// Slack said the bot token is not valid (its error code).
#[derive(Debug, thiserror::Error)]
#[error(
    "SLACK_BOT_TOKEN was rejected by Slack ({0}): reinstall the app to your workspace \
     and copy the Bot User OAuth Token from \"OAuth & Permissions\""
)]
pub struct TokenRejected(pub String);

/// The bot's view of the Web API: the few calls Tandem makes, each counted.
#[derive(Clone)]
pub struct SlackApi {
    pub(super) client: Arc<Client>,
    reply_client: Arc<Client>,
    pub(super) token: SlackApiToken,
    metrics: Metrics,
    /// The plain HTTP client for file bytes (`slack::upload`), made on
    /// first use.
    pub(super) uploads: Arc<std::sync::OnceLock<reqwest::Client>>,
    /// The bot's own user id, learnt from `auth.test` once.
    bot_user: Arc<tokio::sync::OnceCell<SlackUserId>>,
}

impl SlackApi {
    pub fn new(
        client: Arc<Client>,
        reply_client: Arc<Client>,
        bot_token: &SecretString,
        metrics: Metrics,
    ) -> Self {
        let token = SlackApiToken::new(SlackApiTokenValue::new(expose(bot_token).to_owned()));
        Self {
            client,
            reply_client,
            token,
            metrics,
            bot_user: Arc::default(),
            uploads: Arc::default(),
        }
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    pub fn metrics(&self) -> &Metrics {
        &self.metrics
    }

    pub(super) fn count<T>(&self, method: &'static str, result: &ClientResult<T>) {
        let outcome = match result {
            Ok(_) => "ok",
            Err(SlackClientError::RateLimitError(_)) => "rate_limited",
            Err(SlackClientError::ApiError(_)) => "slack_error",
            Err(_) => "failed",
        };
        self.metrics.slack_call(method, outcome);
    }

    /// Checks the bot token and learns the workspace; run once at start-up.
    pub async fn auth_test(&self) -> ClientResult<SlackApiAuthTestResponse> {
        let result = bounded(self.client.open_session(&self.token).auth_test()).await;
        self.count("auth.test", &result);
        if let Ok(auth) = &result {
            let _ = self.bot_user.set(auth.user_id.clone());
        }
        result
    }

    /// The bot's own user id (asked of Slack the first time, if start-up
    /// could not).
    pub async fn bot_user(&self) -> ClientResult<SlackUserId> {
        if let Some(id) = self.bot_user.get() {
            return Ok(id.clone());
        }
        Ok(self.auth_test().await?.user_id)
    }

    /// Checks the bot token with `auth.test` at start-up: the workspace it
    /// belongs to; `Ok(None)` when Slack could not be asked (a network blip
    /// is not a configuration error, so the bot starts and calls retry);
    /// an error only when Slack rejected the token itself.
    pub async fn check_token(&self) -> Result<Option<crate::ids::TeamId>, TokenRejected> {
        match self.auth_test().await {
            Ok(auth) => {
                tracing::info!(team = %auth.team_id, bot_user = %auth.user_id, "connected to Slack");
                Ok(crate::ids::TeamId::parse(&auth.team_id.0).ok())
            }
            Err(SlackClientError::ApiError(e)) if TOKEN_REJECTED.contains(&e.code.as_str()) => {
                Err(TokenRejected(e.code))
            }
            Err(e) => {
                tracing::warn!(error = %describe_error(&e), "could not check SLACK_BOT_TOKEN with auth.test; continuing");
                Ok(None)
            }
        }
    }

    /// Answers a slash command through its `response_url` (ephemeral).
    pub async fn respond(
        &self,
        response_url: &SlackResponseUrl,
        content: SlackMessageContent,
    ) -> ClientResult<()> {
        self.post_reply(
            response_url,
            SlackApiPostWebhookMessageRequest::new(content),
        )
        .await
    }

    /// Replaces the message a button was pressed on.
    pub async fn replace(
        &self,
        response_url: &SlackResponseUrl,
        content: SlackMessageContent,
    ) -> ClientResult<()> {
        self.post_reply(
            response_url,
            SlackApiPostWebhookMessageRequest::new(content).with_replace_original(true),
        )
        .await
    }

    async fn post_reply(
        &self,
        response_url: &SlackResponseUrl,
        request: SlackApiPostWebhookMessageRequest,
    ) -> ClientResult<()> {
        let mut retries = 0;
        loop {
            let result = bounded(self.reply_client.respond_to_event(response_url, &request))
                .await
                .map(|_| ());
            self.count("response_url", &result);
            match result {
                Err(SlackClientError::RateLimitError(e)) if retries < MAX_RETRIES => {
                    let wait = e.retry_after.unwrap_or(Duration::from_secs(1));
                    if wait > MAX_REPLY_RETRY_AFTER {
                        return Err(SlackClientError::RateLimitError(e));
                    }
                    retries += 1;
                    tokio::time::sleep(wait).await;
                }
                other => return other,
            }
        }
    }

    /// Opens a modal for the command or button that gave `trigger`.
    pub async fn open_view(&self, trigger: &str, view: SlackView) -> ClientResult<()> {
        let request = SlackApiViewsOpenRequest::new(SlackTriggerId::new(trigger.to_owned()), view);
        let result = bounded(self.client.open_session(&self.token).views_open(&request))
            .await
            .map(|_| ());
        self.count("views.open", &result);
        result
    }

    async fn user_info(&self, user: &SlackUserId) -> ClientResult<SlackUser> {
        let request = SlackApiUsersInfoRequest::new(user.clone());
        let result = bounded(self.client.open_session(&self.token).users_info(&request)).await;
        self.count("users.info", &result);
        Ok(result?.user)
    }

    /// What Slack knows of `user` (`users.info`).
    pub async fn user(&self, user: &SlackUserId) -> ClientResult<SlackUser> {
        self.user_info(user).await
    }

    /// A member's IANA time zone, as Slack knows it.
    pub async fn user_timezone(&self, user: &SlackUserId) -> ClientResult<Option<String>> {
        Ok(self.user_info(user).await?.tz)
    }

    /// Sends a DM from the bot (posting to a user id opens the DM).
    pub async fn post_dm(
        &self,
        user: &SlackUserId,
        content: SlackMessageContent,
    ) -> ClientResult<()> {
        self.post_message(&SlackChannelId::new(user.0.clone()), content)
            .await
    }

    /// Posts in a conversation the bot is in.
    pub async fn post_message(
        &self,
        channel: &SlackChannelId,
        content: SlackMessageContent,
    ) -> ClientResult<()> {
        self.post_returning_ts(channel, None, content)
            .await
            .map(|_| ())
    }

    /// Opens (or finds) the group DM of `users` with the bot and posts there.
    pub async fn post_to_group(
        &self,
        users: &[SlackUserId],
        content: SlackMessageContent,
    ) -> ClientResult<()> {
        let channel = self.open_conversation(users).await?;
        self.post_message(&channel, content).await
    }

    /// Creates a private channel; its id.
    pub async fn create_private_channel(&self, name: &str) -> ClientResult<SlackChannelId> {
        let request =
            SlackApiConversationsCreateRequest::new(name.to_owned()).with_is_private(true);
        let result = bounded(
            self.client
                .open_session(&self.token)
                .conversations_create(&request),
        )
        .await;
        self.count("conversations.create", &result);
        Ok(result?.channel.id)
    }

    /// Invites `users` to a channel the bot is in. Anyone already there is
    /// fine: `force` makes Slack invite the rest instead of refusing the
    /// lot, and "all of them are in already" is success.
    pub async fn invite(
        &self,
        channel: &SlackChannelId,
        users: &[SlackUserId],
    ) -> ClientResult<()> {
        let request = InviteRequest {
            channel,
            users,
            force: true,
        };
        match self
            .post_raw("conversations.invite", &request, &SLACK_TIER3_METHOD_CONFIG)
            .await
        {
            Err(SlackClientError::ApiError(e)) if e.code == "already_in_channel" => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Removes `user` from a channel; someone who already left is fine.
    pub async fn kick(&self, channel: &SlackChannelId, user: &SlackUserId) -> ClientResult<()> {
        let request = SlackApiConversationsKickRequest::new(channel.clone(), user.clone());
        match self
            .post_raw("conversations.kick", &request, &SLACK_TIER3_METHOD_CONFIG)
            .await
        {
            Err(SlackClientError::ApiError(e)) if e.code == "not_in_channel" => Ok(()),
            other => other.map(|_| ()),
        }
    }

    /// Everyone in a channel (all pages).
    pub async fn channel_members(
        &self,
        channel: &SlackChannelId,
    ) -> ClientResult<Vec<SlackUserId>> {
        let session = self.client.open_session(&self.token);
        let mut members = Vec::new();
        let mut cursor: Option<SlackCursorId> = None;
        loop {
            let request = SlackApiConversationsMembersRequest::new()
                .with_channel(channel.clone())
                .with_limit(200)
                .opt_cursor(cursor.clone());
            let result = bounded(session.conversations_members(&request)).await;
            self.count("conversations.members", &result);
            let page = result?;
            members.extend(page.members);
            cursor = page
                .response_metadata
                .and_then(|m| m.next_cursor)
                .filter(|c| !c.0.is_empty());
            if cursor.is_none() {
                return Ok(members);
            }
        }
    }

    /// Posts in a channel (or a thread of it) and returns the message's ts.
    /// Every `chat.postMessage` goes through here, paced per channel (see
    /// [`per_channel_limit`]).
    pub async fn post_returning_ts(
        &self,
        channel: &SlackChannelId,
        thread: Option<&str>,
        content: SlackMessageContent,
    ) -> ClientResult<String> {
        let request = SlackApiChatPostMessageRequest::new(channel.clone(), content)
            .opt_thread_ts(thread.map(|t| SlackTs::new(t.to_owned())));
        let answer = self
            .post_raw("chat.postMessage", &request, &per_channel_limit(channel))
            .await?;
        Ok(answer["ts"].as_str().unwrap_or_default().to_owned())
    }

    /// A Web API POST through slack-morphism's rate control under `limit`,
    /// counted in metrics. The answer is read as plain JSON: callers need at
    /// most a field of it, and Slack's full shapes change more often than
    /// the fields Tandem reads.
    async fn post_raw<RQ: serde::Serialize + Send + Sync>(
        &self,
        method: &'static str,
        request: &RQ,
        limit: &SlackApiMethodRateControlConfig,
    ) -> ClientResult<serde_json::Value> {
        let session = self.client.open_session(&self.token);
        let result = bounded(session.http_session_api.http_post::<_, serde_json::Value>(
            method,
            request,
            Some(limit),
        ))
        .await;
        self.count(method, &result);
        result
    }

    /// Whether one of the latest messages in `to` carries delivery `key` in
    /// its metadata: a message Slack took just before a crash, which must
    /// not be sent again. (`im:history`/`mpim:history`/`groups:history`.)
    pub async fn has_delivered(&self, to: &Destination, key: &str) -> ClientResult<bool> {
        let channel = match to {
            Destination::Dm(user) => self.open_conversation(std::slice::from_ref(user)).await?,
            Destination::Group(users) => self.open_conversation(users).await?,
            Destination::Channel(channel) => channel.clone(),
        };
        let params = vec![
            ("channel", Some(channel.0)),
            ("limit", Some(LOOK_BACK.to_string())),
            ("include_all_metadata", Some("true".to_owned())),
        ];
        let session = self.client.open_session(&self.token);
        let result = bounded(
            session
                .http_session_api
                .http_get::<serde_json::Value, _, String>(
                    "conversations.history",
                    &params,
                    Some(&SLACK_TIER3_METHOD_CONFIG),
                ),
        )
        .await;
        self.count("conversations.history", &result);
        let page = result?;
        Ok(page["messages"].as_array().is_some_and(|messages| {
            messages.iter().any(|m| {
                m["metadata"]["event_type"] == DELIVERY_EVENT
                    && m["metadata"]["event_payload"]["key"] == key
            })
        }))
    }

    /// The conversation of `users` with the bot (a DM for one person).
    pub(super) async fn open_conversation(
        &self,
        users: &[SlackUserId],
    ) -> ClientResult<SlackChannelId> {
        let open = SlackApiConversationsOpenRequest::new().with_users(users.to_vec());
        let session = self.client.open_session(&self.token);
        let opened = bounded(session.conversations_open(&open)).await;
        self.count("conversations.open", &opened);
        Ok(opened?.channel.id)
    }

    /// Publishes a user's Home tab.
    pub async fn publish_home(&self, user: &SlackUserId, view: SlackView) -> ClientResult<()> {
        let request = SlackApiViewsPublishRequest::new(user.clone(), view);
        let result = bounded(
            self.client
                .open_session(&self.token)
                .views_publish(&request),
        )
        .await
        .map(|_| ());
        self.count("views.publish", &result);
        result
    }
}

/// The metadata event type on every scheduled message: its payload's `key`
/// names the delivery (job occurrence and part), so a try after a crash can
/// see whether Slack already took it.
pub const DELIVERY_EVENT: &str = "tandem_delivery";

/// Tags a message with its delivery key (Slack message metadata).
pub fn tagged(content: SlackMessageContent, key: &str) -> SlackMessageContent {
    content.with_metadata(SlackMessageMetadata {
        event_type: DELIVERY_EVENT.to_owned(),
        event_payload: Some([("key".to_owned(), key.to_owned())].into()),
    })
}

/// Where a message went, to look for it again.
#[derive(Debug, Clone)]
pub enum Destination {
    Dm(SlackUserId),
    Group(Vec<SlackUserId>),
    Channel(SlackChannelId),
}

/// `conversations.invite` with its `force` argument, which slack-morphism's
/// request type does not carry.
#[derive(serde::Serialize)]
struct InviteRequest<'a> {
    channel: &'a SlackChannelId,
    users: &'a [SlackUserId],
    force: bool,
}
