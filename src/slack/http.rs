//! HTTP mode: Slack POSTs commands, interactions and events to us.
//!
//! Every request is signature-checked before anything else happens
//! (v0 HMAC-SHA256 over `v0:{ts}:{body}`, 5-minute window, constant-time
//! compare — slack-morphism's verifier). Missing, forged or stale → 401.

use super::inbound::{EventError, SlackContext};
use crate::settings::expose;
use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use secrecy::SecretString;
use slack_morphism::prelude::*;
use slack_morphism::signature_verifier::{
    SlackEventSignatureVerifier, SlackEventSignatureVerifierError,
};
use std::collections::HashMap;
use std::sync::Arc;
use tracing::{debug, warn};

#[derive(Clone)]
struct HttpState {
    ctx: Arc<SlackContext>,
    verifier: SlackEventSignatureVerifier,
}

/// The `/slack/*` routes.
pub fn routes(
    ctx: Arc<SlackContext>,
    signing_secret: &SecretString,
    max_body_bytes: usize,
) -> Router {
    let verifier = SlackEventSignatureVerifier::new(&SlackSigningSecret::new(
        expose(signing_secret).to_owned(),
    ));
    Router::new()
        .route("/slack/commands", post(commands))
        .route("/slack/interactions", post(interactions))
        .route("/slack/events", post(events))
        .layer(DefaultBodyLimit::max(max_body_bytes))
        .with_state(HttpState { ctx, verifier })
}

/// A request we refuse, with the metric outcome and the status Slack gets.
struct Refusal {
    outcome: &'static str,
    status: StatusCode,
}

impl Refusal {
    const fn new(outcome: &'static str, status: StatusCode) -> Self {
        Self { outcome, status }
    }
}

/// Reads the body and checks the signature. Returns the body as text.
fn authenticate(
    state: &HttpState,
    route: &'static str,
    headers: &HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Result<String, Refusal> {
    let body = body.map_err(|e| {
        warn!(route, status = %e.status(), "request body refused");
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            Refusal::new("too_large", StatusCode::PAYLOAD_TOO_LARGE)
        } else {
            Refusal::new("bad_request", StatusCode::BAD_REQUEST)
        }
    })?;
    let header = |name: &str| headers.get(name).and_then(|v| v.to_str().ok());
    let (Some(signature), Some(timestamp)) = (
        header(SlackEventSignatureVerifier::SLACK_SIGNED_HASH_HEADER),
        header(SlackEventSignatureVerifier::SLACK_SIGNED_TIMESTAMP),
    ) else {
        warn!(route, "request without a Slack signature refused");
        return Err(Refusal::new("unauthorized", StatusCode::UNAUTHORIZED));
    };
    // A body that is not UTF-8 cannot have been signed by Slack; checking the
    // signature over lossy text would still fail, so refuse it the same way.
    let text = String::from_utf8(body.to_vec())
        .map_err(|_| Refusal::new("unauthorized", StatusCode::UNAUTHORIZED))?;
    state
        .verifier
        .verify(signature, &text, timestamp)
        .map_err(|e| {
            // Only the kind: the verifier's message would repeat the
            // request's timestamp header, which anyone can make any size.
            let reason = match e {
                SlackEventSignatureVerifierError::CryptoInitError(_) => "crypto init failed",
                SlackEventSignatureVerifierError::AbsentSignatureError(_) => "no signature",
                SlackEventSignatureVerifierError::WrongSignatureError(_) => "wrong signature",
                SlackEventSignatureVerifierError::IncorrectOrExpiredTimestampError(_) => {
                    "stale or malformed timestamp"
                }
            };
            warn!(
                route,
                reason, "request with a bad or stale signature refused"
            );
            Refusal::new("unauthorized", StatusCode::UNAUTHORIZED)
        })?;
    Ok(text)
}

fn finish(state: &HttpState, route: &'static str, result: Result<Response, Refusal>) -> Response {
    match result {
        Ok(response) => {
            state.ctx.metrics.request(route, "ok");
            response
        }
        Err(refusal) => {
            state.ctx.metrics.request(route, refusal.outcome);
            refusal.status.into_response()
        }
    }
}

fn bad_request(route: &'static str, what: &str, err: impl std::fmt::Display) -> Refusal {
    // serde's messages can quote a snippet of the input; keep them at debug.
    warn!(route, what, "malformed Slack payload refused");
    debug!(route, error = %err, "malformed payload detail");
    Refusal::new("bad_request", StatusCode::BAD_REQUEST)
}

async fn commands(
    State(state): State<HttpState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    const ROUTE: &str = "commands";
    let result = (|| {
        let text = authenticate(&state, ROUTE, &headers, body)?;
        let event: SlackCommandEvent = serde_urlencoded::from_str(&text)
            .map_err(|e| bad_request(ROUTE, "slash command form", e))?;
        state
            .ctx
            .accept_command(event)
            .map_err(|e| bad_request(ROUTE, "slash command ids", e))?;
        // An empty 200 acknowledges; the reply arrives through response_url.
        Ok(StatusCode::OK.into_response())
    })();
    finish(&state, ROUTE, result)
}

async fn interactions(
    State(state): State<HttpState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    const ROUTE: &str = "interactions";
    let result = async {
        let text = authenticate(&state, ROUTE, &headers, body)?;
        let form: HashMap<String, String> = serde_urlencoded::from_str(&text)
            .map_err(|e| bad_request(ROUTE, "interaction form", e))?;
        let payload = form
            .get("payload")
            .ok_or_else(|| bad_request(ROUTE, "interaction form", "no payload field"))?;
        let event: SlackInteractionEvent = serde_json::from_str(payload)
            .map_err(|e| bad_request(ROUTE, "interaction payload", e))?;
        let answer = state
            .ctx
            .accept_interaction(&event)
            .await
            .map_err(|e| bad_request(ROUTE, "interaction ids", e))?;
        Ok(match answer {
            // Field errors go back in the body, for Slack to show in the modal.
            Some(response) => Json(response).into_response(),
            None => StatusCode::OK.into_response(),
        })
    }
    .await;
    finish(&state, ROUTE, result)
}

async fn events(
    State(state): State<HttpState>,
    headers: HeaderMap,
    body: Result<Bytes, BytesRejection>,
) -> Response {
    const ROUTE: &str = "events";
    let result = async {
        let text = authenticate(&state, ROUTE, &headers, body)?;
        let event: SlackPushEvent =
            serde_json::from_str(&text).map_err(|e| bad_request(ROUTE, "event envelope", e))?;
        match event {
            SlackPushEvent::UrlVerification(v) => {
                Ok(Json(serde_json::json!({ "challenge": v.challenge })).into_response())
            }
            SlackPushEvent::EventCallback(callback) => match state.ctx.accept_event(callback).await
            {
                Ok(()) => Ok(StatusCode::OK.into_response()),
                Err(EventError::Malformed(e)) => Err(bad_request(ROUTE, "event ids", e)),
                // Not taken: a 503 makes Slack retry later, so nothing is lost.
                Err(EventError::Store(_)) => {
                    Err(Refusal::new("unavailable", StatusCode::SERVICE_UNAVAILABLE))
                }
            },
            SlackPushEvent::AppRateLimited(_) => {
                warn!("Slack reports this app exceeded the Events API rate limit");
                Ok(StatusCode::OK.into_response())
            }
        }
    }
    .await;
    finish(&state, ROUTE, result)
}
