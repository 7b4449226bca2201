//! A local fake of Slack's Web API. It records every call (method, token,
//! decoded body) and answers like Slack; a test can script the next answers
//! of a method as an error or a `429` with `Retry-After`.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::collections::{HashMap, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// The team every fake answer belongs to.
pub const TEAM: &str = "T0TEST";
pub const BOT_USER: &str = "U0BOT";

/// One recorded call.
#[derive(Debug, Clone)]
pub struct Call {
    /// Web API method, or `response_url` for posts to a response URL.
    pub method: String,
    /// The bearer token, if any.
    pub token: Option<String>,
    /// JSON body, form fields or query parameters, as JSON.
    pub body: Value,
    pub at: Instant,
    /// Answered with a scripted error or 429 rather than success.
    pub refused: bool,
}

/// A scripted answer that replaces the next normal one.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// `{"ok": false, "error": code}` with HTTP 200, as Slack does.
    Error(&'static str),
    /// HTTP 429 with `Retry-After: secs`.
    RateLimited { retry_after_secs: u64 },
}

#[derive(Default)]
struct Inner {
    calls: Vec<Call>,
    scripted: HashMap<String, VecDeque<Scripted>>,
    socket_url: Option<String>,
    /// chat.postMessage to these channels always fails with the code.
    failing_channels: HashMap<String, &'static str>,
    /// Slack's chat.postMessage limit, enforced: one message per channel per
    /// this long, else 429 with Retry-After.
    per_channel_limit: Option<std::time::Duration>,
    last_post: HashMap<String, Instant>,
    /// Counted 429s the enforced limit gave.
    limited: usize,
    /// chat.postMessage calls answered with success (kept across `clear`).
    posted: usize,
    /// How long chat.postMessage takes to answer (a slow Slack).
    post_delay: Option<std::time::Duration>,
    /// users.info time zones other than the default UTC.
    timezones: HashMap<String, String>,
    /// Channels created through conversations.create: name → id.
    channels: HashMap<String, String>,
    /// Names conversations.create refuses with `name_taken`.
    taken_names: Vec<String>,
    /// What conversations.members answers, per channel.
    channel_members: HashMap<String, Vec<String>>,
    /// Messages posted so far (each gets its own ts).
    messages: u64,
}

#[derive(Clone)]
struct Shared {
    inner: Arc<Mutex<Inner>>,
    changed: Arc<Notify>,
}

#[derive(Clone)]
pub struct FakeSlack {
    pub base_url: String,
    shared: Shared,
}

impl FakeSlack {
    pub async fn start() -> Self {
        let shared = Shared {
            inner: Arc::new(Mutex::new(Inner::default())),
            changed: Arc::new(Notify::new()),
        };
        let router = Router::new()
            .route("/api/{method}", any(api))
            .route("/respond/{id}", post(respond))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { base_url, shared }
    }

    /// What `SLACK_API_URL` should be.
    pub fn api_url(&self) -> String {
        format!("{}/api", self.base_url)
    }

    /// A response URL the fake records posts to.
    pub fn response_url(&self, id: &str) -> String {
        format!("{}/respond/{id}", self.base_url)
    }

    /// Makes `apps.connections.open` hand out this WebSocket URL.
    pub fn set_socket_url(&self, url: &str) {
        self.shared.inner.lock().unwrap().socket_url = Some(url.to_owned());
    }

    /// Queues an answer for the next call of `method`.
    pub fn script(&self, method: &str, answer: Scripted) {
        self.shared
            .inner
            .lock()
            .unwrap()
            .scripted
            .entry(method.to_owned())
            .or_default()
            .push_back(answer);
    }

    /// Every call of `method` so far.
    /// Every chat.postMessage to `channel` fails with Slack error `code`.
    pub fn fail_channel(&self, channel: &str, code: &'static str) {
        self.shared
            .inner
            .lock()
            .unwrap()
            .failing_channels
            .insert(channel.to_owned(), code);
    }

    /// Enforce Slack's chat.postMessage limit: one per channel per `every`,
    /// answering 429 with `Retry-After: 1` when a client goes faster.
    #[allow(dead_code)] // used by benches/checkins.rs, which includes this file
    pub fn enforce_per_channel_limit(&self, every: std::time::Duration) {
        self.shared.inner.lock().unwrap().per_channel_limit = Some(every);
    }

    /// users.info gives `user` the time zone `tz` (default UTC).
    pub fn set_timezone(&self, user: &str, tz: &str) {
        self.shared
            .inner
            .lock()
            .unwrap()
            .timezones
            .insert(user.to_owned(), tz.to_owned());
    }

    /// conversations.create refuses `name` as taken (an archived channel).
    pub fn take_channel_name(&self, name: &str) {
        self.shared
            .inner
            .lock()
            .unwrap()
            .taken_names
            .push(name.to_owned());
    }

    /// conversations.members of `channel` answers `users`.
    pub fn set_channel_members(&self, channel: &str, users: &[&str]) {
        self.shared.inner.lock().unwrap().channel_members.insert(
            channel.to_owned(),
            users.iter().map(|u| u.to_string()).collect(),
        );
    }

    /// Makes chat.postMessage take `delay` to answer.
    pub fn slow_posts(&self, delay: std::time::Duration) {
        self.shared.inner.lock().unwrap().post_delay = Some(delay);
    }

    /// How many 429s the enforced limit has given.
    #[allow(dead_code)] // used by benches/checkins.rs, which includes this file
    pub fn rate_limited(&self) -> usize {
        self.shared.inner.lock().unwrap().limited
    }

    /// chat.postMessage calls answered with success, ever.
    #[allow(dead_code)] // used by benches/checkins.rs, which includes this file
    pub fn posted(&self) -> usize {
        self.shared.inner.lock().unwrap().posted
    }

    /// Forgets recorded calls (long benchmarks).
    #[allow(dead_code)] // used by benches/checkins.rs, which includes this file
    pub fn clear(&self) {
        self.shared.inner.lock().unwrap().calls.clear();
    }

    pub fn calls(&self, method: &str) -> Vec<Call> {
        self.shared
            .inner
            .lock()
            .unwrap()
            .calls
            .iter()
            .filter(|c| c.method == method)
            .cloned()
            .collect()
    }

    /// Every call so far, any method.
    pub fn all_calls(&self) -> Vec<Call> {
        self.shared.inner.lock().unwrap().calls.clone()
    }

    /// Waits until `method` has been called at least `n` times; panics after
    /// `timeout` with what was called instead.
    pub async fn wait_for(&self, method: &str, n: usize, timeout: Duration) -> Vec<Call> {
        let deadline = tokio::time::Instant::now() + timeout;
        loop {
            let notified = self.shared.changed.notified();
            let calls = self.calls(method);
            if calls.len() >= n {
                return calls;
            }
            if tokio::time::timeout_at(deadline, notified).await.is_err() {
                let seen: Vec<String> = self.all_calls().into_iter().map(|c| c.method).collect();
                panic!("waited {timeout:?} for {n} call(s) of {method}; calls seen: {seen:?}");
            }
        }
    }
}

fn token(headers: &HeaderMap) -> Option<String> {
    headers
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "))
        .map(str::to_owned)
}

fn decode(headers: &HeaderMap, query: Option<String>, body: &Bytes) -> Value {
    let is_json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return serde_json::from_slice(body).unwrap_or(Value::Null);
    }
    let text = if body.is_empty() {
        query.unwrap_or_default()
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(&text).unwrap_or_default();
    Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect::<Map<_, _>>(),
    )
}

impl Shared {
    fn record(&self, method: &str, token: Option<String>, body: Value) -> Option<Scripted> {
        let mut inner = self.inner.lock().unwrap();
        inner.calls.push(Call {
            method: method.to_owned(),
            token,
            body,
            at: Instant::now(),
            refused: false,
        });
        let mut answer = inner.scripted.get_mut(method).and_then(|q| q.pop_front());
        if answer.is_none() && method == "chat.postMessage" {
            let channel = inner.calls.last().unwrap().body["channel"]
                .as_str()
                .unwrap_or_default()
                .to_owned();
            if let Some(code) = inner.failing_channels.get(&channel) {
                answer = Some(Scripted::Error(code));
            } else if let Some(every) = inner.per_channel_limit {
                let now = Instant::now();
                match inner.last_post.get(&channel) {
                    Some(last) if now.duration_since(*last) < every => {
                        inner.limited += 1;
                        answer = Some(Scripted::RateLimited {
                            retry_after_secs: 1,
                        });
                    }
                    _ => {
                        inner.last_post.insert(channel, now);
                    }
                }
            }
        }
        if answer.is_some() {
            inner.calls.last_mut().unwrap().refused = true;
        } else if method == "chat.postMessage" {
            inner.posted += 1;
        }
        drop(inner);
        self.changed.notify_waiters();
        answer
    }
}

fn scripted_response(answer: Scripted) -> Response {
    match answer {
        Scripted::Error(code) => Json(json!({ "ok": false, "error": code })).into_response(),
        Scripted::RateLimited { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry_after_secs.to_string())],
            Json(json!({ "ok": false, "error": "ratelimited" })),
        )
            .into_response(),
    }
}

async fn api(
    State(shared): State<Shared>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let decoded = decode(&headers, query, &body);
    let answer = shared.record(&method, token(&headers), decoded.clone());
    let delay = shared.inner.lock().unwrap().post_delay;
    if let (Some(delay), "chat.postMessage") = (delay, method.as_str()) {
        tokio::time::sleep(delay).await;
    }
    if let Some(answer) = answer {
        return scripted_response(answer);
    }
    let (socket_url, tz) = {
        let inner = shared.inner.lock().unwrap();
        let user = decoded["user"].as_str().unwrap_or_default();
        (inner.socket_url.clone(), inner.timezones.get(user).cloned())
    };
    if let Some(answer) = stateful_answer(&shared, &method, &decoded) {
        return Json(answer).into_response();
    }
    let mut answer = normal_answer(&method, &decoded, socket_url);
    if let (Some(tz), "users.info") = (tz, method.as_str()) {
        answer["user"]["tz"] = Value::String(tz);
    }
    Json(answer).into_response()
}

async fn respond(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut decoded = decode(&headers, None, &body);
    if let Value::Object(map) = &mut decoded {
        map.insert("_response_url_id".into(), Value::String(id));
    }
    if let Some(answer) = shared.record("response_url", token(&headers), decoded) {
        return scripted_response(answer);
    }
    Json(json!({ "ok": true })).into_response()
}

/// Answers that depend on earlier calls: channels created, members, ts.
fn stateful_answer(shared: &Shared, method: &str, body: &Value) -> Option<Value> {
    let mut inner = shared.inner.lock().unwrap();
    match method {
        "conversations.create" => {
            let name = body["name"].as_str().unwrap_or_default().to_owned();
            if inner.taken_names.contains(&name) || inner.channels.contains_key(&name) {
                return Some(json!({ "ok": false, "error": "name_taken" }));
            }
            let id = format!("C0CIRCLE{:02}", inner.channels.len() + 1);
            inner.channels.insert(name.clone(), id.clone());
            Some(json!({ "ok": true, "channel": {
                "id": id, "name": name, "created": 1_700_000_000, "is_private": true
            }}))
        }
        "conversations.invite" => Some(json!({ "ok": true, "channel": {
            "id": body["channel"].clone(), "created": 1_700_000_000
        }})),
        "conversations.members" => {
            let channel = body["channel"].as_str().unwrap_or_default();
            let members = inner
                .channel_members
                .get(channel)
                .cloned()
                .unwrap_or_default();
            Some(
                json!({ "ok": true, "members": members, "response_metadata": { "next_cursor": "" } }),
            )
        }
        "chat.postMessage" => {
            inner.messages += 1;
            let ts = format!("1700000000.{:06}", inner.messages);
            Some(json!({
                "ok": true, "channel": body["channel"].clone(), "ts": ts,
                "message": { "ts": ts, "text": body["text"].clone(), "user": BOT_USER }
            }))
        }
        _ => None,
    }
}

/// What Slack answers when all is well, reduced to the fields clients read.
fn normal_answer(method: &str, body: &Value, socket_url: Option<String>) -> Value {
    match method {
        "auth.test" => json!({
            "ok": true, "url": "https://acme.slack.com/", "team": "Acme",
            "user": "tandem", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT"
        }),
        "apps.connections.open" => json!({
            "ok": true,
            "url": socket_url.unwrap_or_else(|| "ws://127.0.0.1:9/unset".into())
        }),
        "users.info" => {
            let id = body["user"].as_str().unwrap_or("U0UNKNOWN");
            json!({ "ok": true, "user": {
                "id": id, "team_id": TEAM, "name": id.to_lowercase(),
                "tz": "UTC", "tz_offset": 0,
                "is_admin": id.starts_with("U0ADMIN"), "is_owner": false,
                "profile": { "real_name": id, "display_name": id }
            }})
        }
        "conversations.open" => {
            // A stable id per set of users, as Slack gives the same group DM back.
            let users = body["users"]
                .as_str()
                .map(str::to_owned)
                .unwrap_or_else(|| body["users"].to_string());
            let id: String = users
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect();
            json!({ "ok": true, "channel": { "id": format!("G{}", &id[..id.len().min(20)]) } })
        }
        "chat.postEphemeral" => json!({ "ok": true, "message_ts": "1700000000.000200" }),
        "views.open" | "views.publish" | "views.update" => {
            let mut view = body["view"].clone();
            if let Value::String(s) = &view {
                view = serde_json::from_str(s).unwrap_or(Value::Null);
            }
            if let Value::Object(map) = &mut view {
                map.insert("id".into(), json!("V0FAKE0001"));
                map.insert("team_id".into(), json!(TEAM));
                map.insert("hash".into(), json!("1700000000.fakehash"));
            }
            json!({ "ok": true, "view": view })
        }
        _ => json!({ "ok": true }),
    }
}
