//! The payloads Slack sends, built and signed as Slack would.

use super::fake_slack;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use std::time::{SystemTime, UNIX_EPOCH};

pub fn now_ts() -> i64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

/// Slack's v0 signature of `body` at `ts`.
pub fn sign(secret: &str, ts: i64, body: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(secret.as_bytes()).unwrap();
    mac.update(format!("v0:{ts}:{body}").as_bytes());
    format!("v0={}", hex::encode(mac.finalize().into_bytes()))
}

/// The form Slack posts for `/tandem <text>`.
pub fn command_form(user: &str, text: &str, response_url: &str) -> String {
    serde_urlencoded::to_string([
        ("token", "deprecated-verification-token"),
        ("team_id", fake_slack::TEAM),
        ("team_domain", "acme"),
        ("channel_id", "C0GENERAL"),
        ("channel_name", "general"),
        ("user_id", user),
        ("user_name", "someone"),
        ("command", "/tandem"),
        ("text", text),
        ("api_app_id", "A0TANDEM"),
        ("response_url", response_url),
        ("trigger_id", "13345224609.738474920.8088930838d88f008e0"),
    ])
    .unwrap()
}

/// The form Slack posts when `user` submits the modal `callback`, carrying
/// `metadata` (its `private_metadata`) and the input `values`.
pub fn view_submission_form(
    user: &str,
    callback: &str,
    metadata: &str,
    values: serde_json::Value,
) -> String {
    let payload = serde_json::json!({
        "type": "view_submission",
        "team": { "id": fake_slack::TEAM, "domain": "acme" },
        "user": { "id": user, "team_id": fake_slack::TEAM },
        "api_app_id": "A0TANDEM",
        "token": "x",
        "trigger_id": "4.5.6",
        "view": {
            "id": "V0FAKE0001", "team_id": fake_slack::TEAM, "hash": "1.h",
            "type": "modal", "callback_id": callback, "private_metadata": metadata,
            "title": { "type": "plain_text", "text": "Tandem" },
            "blocks": [],
            "state": { "values": values }
        }
    });
    serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
}

/// An `event_callback` envelope around `event`.
pub fn event_callback(event_id: &str, event: serde_json::Value) -> serde_json::Value {
    serde_json::json!({
        "token": "deprecated-verification-token",
        "team_id": fake_slack::TEAM,
        "api_app_id": "A0TANDEM",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": 1_700_000_000,
    })
}

/// The form Slack posts when `user` presses the button `action_id`.
pub fn block_action_form(user: &str, action_id: &str, response_url: &str) -> String {
    block_action_form_with_value(user, action_id, "U0ANA", response_url)
}

/// The same, for a button that carries `value`.
pub fn block_action_form_with_value(
    user: &str,
    action_id: &str,
    value: &str,
    response_url: &str,
) -> String {
    let payload = serde_json::json!({
        "type": "block_actions",
        "team": { "id": fake_slack::TEAM, "domain": "acme" },
        "user": { "id": user, "team_id": fake_slack::TEAM },
        "api_app_id": "A0TANDEM",
        "token": "deprecated-verification-token",
        "trigger_id": "1.2.3",
        "container": { "type": "message", "message_ts": "1700000000.000100", "channel_id": "D0FAKE0001", "is_ephemeral": true },
        "channel": { "id": "G0PAIRDM", "name": "mpdm-pair" },
        "response_url": if response_url.is_empty() { serde_json::Value::Null } else { serde_json::json!(response_url) },
        "actions": [{ "type": "button", "action_id": action_id, "block_id": "b1", "value": value, "action_ts": "1700000001.0001" }]
    });
    serde_urlencoded::to_string([("payload", payload.to_string())]).unwrap()
}
