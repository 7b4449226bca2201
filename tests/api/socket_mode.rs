//! Socket Mode end to end: the fake's `apps.connections.open` hands out the
//! URL of a local WebSocket server this test runs; the test plays Slack's
//! side of the socket.

use crate::support;

use futures_util::{SinkExt, StreamExt};
use serde_json::{json, Value};
use support::fake_slack::{FakeSlack, TEAM};
use support::*;
use tokio::net::{TcpListener, TcpStream};
use tokio::sync::mpsc;
use tokio_tungstenite::tungstenite::Message;
use tokio_tungstenite::WebSocketStream;

type Socket = WebSocketStream<TcpStream>;

/// Accepts WebSocket connections and hands them to the test.
async fn socket_server() -> (String, mpsc::UnboundedReceiver<Socket>) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("ws://{}/link/?ticket=test", listener.local_addr().unwrap());
    let (tx, rx) = mpsc::unbounded_channel();
    tokio::spawn(async move {
        while let Ok((stream, _)) = listener.accept().await {
            if let Ok(ws) = tokio_tungstenite::accept_async(stream).await {
                let _ = tx.send(ws);
            }
        }
    });
    (url, rx)
}

async fn send(ws: &mut Socket, value: Value) {
    ws.send(Message::text(value.to_string())).await.unwrap();
}

/// A Socket Mode envelope carrying `/tandem help` from Ana, answered at
/// response URL `reply_id`.
fn help_envelope(app: &TestApp, envelope_id: &str, reply_id: &str) -> Value {
    json!({
        "envelope_id": envelope_id,
        "type": "slash_commands",
        "accepts_response_payload": true,
        "payload": {
            "token": "x", "team_id": TEAM, "team_domain": "acme",
            "channel_id": "C0GENERAL", "channel_name": "general",
            "user_id": "U0ANA", "user_name": "ana", "command": "/tandem", "text": "help",
            "api_app_id": "A0TANDEM",
            "response_url": app.fake.response_url(reply_id),
            "trigger_id": "1.2.3"
        }
    })
}

/// Reads frames until one is a JSON object with this `envelope_id`.
async fn ack_for(ws: &mut Socket, envelope_id: &str) -> Value {
    let read = async {
        while let Some(frame) = ws.next().await {
            if let Ok(Message::Text(text)) = frame {
                let value: Value = serde_json::from_str(&text).unwrap();
                if value["envelope_id"] == envelope_id {
                    return value;
                }
            }
        }
        panic!("socket closed before the ack of {envelope_id}");
    };
    tokio::time::timeout(WAIT, read)
        .await
        .unwrap_or_else(|_| panic!("no ack of {envelope_id} within {WAIT:?}"))
}

async fn connected_app() -> (TestApp, Socket) {
    connected_app_with(None).await
}

async fn connected_app_with(tweak: Option<fn(&mut tandem::config::Config)>) -> (TestApp, Socket) {
    let fake = FakeSlack::start().await;
    let (url, mut sockets) = socket_server().await;
    fake.set_socket_url(&url);
    let app = spawn(Spawn {
        transport: Transport::Socket,
        fake: Some(fake),
        tweak,
        ..Spawn::default()
    })
    .await;
    let mut ws = tokio::time::timeout(WAIT, sockets.recv())
        .await
        .expect("the bot opened a socket")
        .unwrap();
    send(
        &mut ws,
        json!({ "type": "hello", "num_connections": 1,
                "debug_info": { "host": "applink-test" },
                "connection_info": { "app_id": "A0TANDEM" } }),
    )
    .await;
    (app, ws)
}

#[tokio::test]
async fn slash_command_is_acked_by_envelope_id_and_answered() {
    let (app, mut ws) = connected_app().await;
    let opened = app.fake.calls("apps.connections.open");
    assert!(!opened.is_empty());
    assert_eq!(
        opened[0].token.as_deref(),
        Some(APP_TOKEN),
        "Socket Mode uses the app token"
    );

    send(&mut ws, help_envelope(&app, "env-help-1", "socket-help")).await;
    let ack = ack_for(&mut ws, "env-help-1").await;
    assert!(
        ack.get("payload").is_none(),
        "bare ack; the reply follows: {ack}"
    );

    let calls = app.fake.wait_for("response_url", 1, WAIT).await;
    assert_eq!(calls[0].body["_response_url_id"], "socket-help");
    assert_eq!(
        calls[0].body["blocks"][0]["text"]["text"],
        "Tandem — peer mentoring in Slack"
    );
    app.settled().await;
    assert_eq!(app.fake.calls("response_url").len(), 1, "answered once");
}

#[tokio::test]
async fn events_are_acked_and_deduplicated_over_the_socket() {
    let (app, mut ws) = connected_app().await;
    let event = event_callback(
        "EvSock1",
        json!({ "type": "app_home_opened", "user": "U0ANA", "channel": "D0HOME", "tab": "home", "event_ts": "1.1" }),
    );
    for envelope in ["env-ev-1", "env-ev-2"] {
        // Slack redelivers with a new envelope but the same event id.
        send(
            &mut ws,
            json!({ "envelope_id": envelope, "type": "events_api",
                    "accepts_response_payload": false, "payload": event }),
        )
        .await;
        ack_for(&mut ws, envelope).await;
    }
    app.fake.wait_for("views.publish", 1, WAIT).await;
    app.settled().await;
    assert_eq!(app.fake.calls("views.publish").len(), 1);
}

#[tokio::test]
async fn ops_endpoints_are_served_in_socket_mode_and_http_routes_are_not() {
    let (app, _ws) = connected_app().await;
    assert_eq!(app.get("/healthz").await.status(), 200);
    assert_eq!(app.get("/readyz").await.status(), 200);
    let form = command_form("U0ANA", "help", &app.fake.response_url("x"));
    let response = app
        .post_signed(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            &form,
        )
        .await;
    assert_eq!(
        response.status(),
        404,
        "no public Slack endpoints in Socket Mode"
    );
}

#[tokio::test]
async fn shutdown_ends_the_socket_connection_promptly() {
    let (app, mut ws) = connected_app().await;
    app.stop().await.expect("clean shutdown");
    // The connection ends within the wait: with a Close frame when
    // slack-morphism's writer gets to send one, or a reset (its shutdown
    // flags the writer as destroyed before handing it the Exit that would
    // send Close; the library is pinned). Either way it does not linger.
    let ended = tokio::time::timeout(WAIT, async {
        while let Some(frame) = ws.next().await {
            match frame {
                Ok(Message::Close(_)) => return "closed",
                Ok(_) => continue,
                Err(_) => return "reset",
            }
        }
        "ended"
    })
    .await;
    assert!(ended.is_ok(), "the socket stayed open after shutdown");
}

#[tokio::test]
async fn an_envelope_that_does_not_parse_never_reaches_the_logs() {
    let logs = captured_logs();
    let (app, mut ws) = connected_app().await;
    // An events envelope whose payload is not an event: it cannot parse.
    send(
        &mut ws,
        json!({ "envelope_id": "bad-1", "type": "events_api", "accepts_response_payload": false,
                "payload": { "type": "event_callback", "event": { "type": "message",
                "text": "MEMBERSSECRETWORDS", "channel": 5 } } }),
    )
    .await;
    // The bot keeps serving: a good command after it is answered.
    send(&mut ws, help_envelope(&app, "good-1", "after")).await;
    ack_for(&mut ws, "good-1").await;
    app.fake.wait_for("response_url", 1, WAIT).await;
    let text = String::from_utf8_lossy(&logs.lock().unwrap()).into_owned();
    assert!(
        !text.contains("MEMBERSSECRETWORDS"),
        "an envelope reached the logs"
    );
}

#[tokio::test]
async fn a_form_whose_follow_up_waits_on_slack_does_not_hold_up_the_next_envelope() {
    let (app, mut ws) = connected_app_with(Some(|c| c.slack.timeout_ms = 60_000)).await;
    // Slack's users.info never answers (it would hold a call a minute).
    app.fake
        .script("users.info", support::fake_slack::Scripted::Hang);
    let opt = |v: &str| json!({ "text": { "type": "plain_text", "text": v }, "value": v });
    let values = json!({
        "offers": { "offers": { "type": "multi_static_select", "selected_options": [opt("sql")] } },
        "wants": { "wants": { "type": "multi_static_select", "selected_options": [opt("rust")] } },
        "level": { "level": { "type": "static_select", "selected_option": opt("3") } }
    });
    let form = view_submission_form("U0ANA", "profile", "", values);
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(&form).unwrap();
    let payload: Value = serde_json::from_str(&fields[0].1).unwrap();
    send(
        &mut ws,
        json!({ "envelope_id": "env-form", "type": "interactive",
                "accepts_response_payload": true, "payload": payload }),
    )
    .await;
    send(&mut ws, help_envelope(&app, "env-help-2", "socket-help-2")).await;
    // Both are acknowledged (one socket handles envelopes in turn, so a
    // slow one would hold the next), and the form was saved.
    let mut waiting = vec!["env-form", "env-help-2"];
    let read = async {
        while let Some(frame) = ws.next().await {
            if let Ok(Message::Text(text)) = frame {
                let value: Value = serde_json::from_str(&text).unwrap();
                waiting.retain(|id| value["envelope_id"] != *id);
                if waiting.is_empty() {
                    return;
                }
            }
        }
    };
    tokio::time::timeout(WAIT, read)
        .await
        .expect("both envelopes acknowledged while users.info hangs");
    app.fake.wait_for("response_url", 1, WAIT).await;
    let profile = app
        .redis_get(&format!("{}:{{T0TEST}}:user:U0ANA:profile", app.prefix))
        .await
        .unwrap();
    assert!(profile.contains("\"sql\""), "{profile}");
}
