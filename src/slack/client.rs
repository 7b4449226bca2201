//! Outbound calls to Slack's Web API through slack-morphism, with its rate
//! control on (tier limits, `Retry-After` retries) and every call counted in
//! `/metrics`. The base URL comes from `SLACK_API_URL`, so tests and proxies
//! can redirect it.

use crate::metrics::Metrics;
use crate::settings::expose;
use hyper_rustls::HttpsConnector;
use hyper_util::client::legacy::connect::HttpConnector;
use secrecy::SecretString;
use slack_morphism::errors::SlackClientError;
use slack_morphism::prelude::*;
use std::sync::Arc;
use std::time::Duration;

pub type Connector = SlackClientHyperConnector<HttpsConnector<HttpConnector>>;
pub type Client = SlackClient<Connector>;

/// How often a rate-limited call is retried (after Slack's `Retry-After`).
const MAX_RETRIES: usize = 5;
/// Longest we wait for a rate-limit slot before giving up on a call.
const MAX_DELAY: Duration = Duration::from_secs(60);

/// Builds the HTTP client. `http://` is accepted only because the base URL is
/// an operator's choice (a local fake or proxy); Slack itself is `https://`.
pub fn build_client(api_url: &str) -> std::io::Result<Arc<Client>> {
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()?
        .https_or_http()
        .enable_http1()
        .enable_http2()
        .build();
    let rate_control = SlackApiRateControlConfig::new()
        .with_max_retries(MAX_RETRIES)
        .with_max_delay_timeout(MAX_DELAY);
    let connector = SlackClientHyperConnector::with_connector(https)
        .with_slack_api_url(api_url)
        .with_rate_control(rate_control);
    Ok(Arc::new(SlackClient::new(connector)))
}

/// A short, log-safe description of a failed call: Slack's error code or the
/// HTTP status, never a response body (bodies can echo message text).
pub fn describe_error(err: &SlackClientError) -> String {
    match err {
        SlackClientError::ApiError(e) => format!("slack error {}", e.code),
        SlackClientError::HttpError(e) => format!("http status {}", e.status_code),
        SlackClientError::RateLimitError(_) => "rate limited (retries exhausted)".into(),
        SlackClientError::HttpProtocolError(_) => "connection failed".into(),
        SlackClientError::EndOfStream(_) => "connection closed".into(),
        SlackClientError::SystemError(_) => "client system error".into(),
        SlackClientError::ProtocolError(_) => "unexpected response format".into(),
        SlackClientError::SocketModeProtocolError(_) => "socket mode protocol error".into(),
    }
}

/// The bot's view of the Web API: the few calls Tandem makes, each counted.
#[derive(Clone)]
pub struct SlackApi {
    client: Arc<Client>,
    token: SlackApiToken,
    metrics: Metrics,
}

impl SlackApi {
    pub fn new(client: Arc<Client>, bot_token: &SecretString, metrics: Metrics) -> Self {
        let token = SlackApiToken::new(SlackApiTokenValue::new(expose(bot_token).to_owned()));
        Self {
            client,
            token,
            metrics,
        }
    }

    pub fn client(&self) -> &Arc<Client> {
        &self.client
    }

    fn count<T>(&self, method: &'static str, result: &ClientResult<T>) {
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
        let result = self.client.open_session(&self.token).auth_test().await;
        self.count("auth.test", &result);
        result
    }

    /// Answers a slash command or action through its `response_url`
    /// (ephemeral unless the content says otherwise).
    pub async fn respond(
        &self,
        response_url: &SlackResponseUrl,
        content: SlackMessageContent,
    ) -> ClientResult<()> {
        let request = SlackApiPostWebhookMessageRequest::new(content);
        let result = self
            .client
            .respond_to_event(response_url, &request)
            .await
            .map(|_| ());
        self.count("response_url", &result);
        result
    }

    /// Publishes a user's Home tab.
    pub async fn publish_home(&self, user: &SlackUserId, view: SlackView) -> ClientResult<()> {
        let request = SlackApiViewsPublishRequest::new(user.clone(), view);
        let result = self
            .client
            .open_session(&self.token)
            .views_publish(&request)
            .await
            .map(|_| ());
        self.count("views.publish", &result);
        result
    }
}
