//! A local fake of Slack's Web API. It records every call (method, token,
//! decoded body) and answers like Slack — including Slack's refusals: a
//! wrong or missing token, an unknown method, missing arguments, malformed
//! JSON, Block Kit over its limits, unknown users, inviting someone already
//! in a channel. A test can script the next answers of any method as a
//! Slack error, a `429` with `Retry-After` or an HTTP 5xx.

use axum::body::Bytes;
use axum::extract::{Path, RawQuery, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{any, post};
use axum::{Json, Router};
use serde_json::{json, Map, Value};
use std::collections::{BTreeSet, HashMap, HashSet, VecDeque};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};
use tokio::sync::Notify;

/// The team every fake answer belongs to.
pub const TEAM: &str = "T0TEST";
pub const BOT_USER: &str = "U0BOT";
/// The only bot token the fake accepts.
pub const BOT_TOKEN: &str = "xoxb-test-bot-token";
/// The only app-level token the fake accepts (Socket Mode).
pub const APP_TOKEN: &str = "xapp-test-app-token";

/// Block Kit's limits, as Slack enforces them.
pub const MAX_MESSAGE_BLOCKS: usize = 50;
pub const MAX_VIEW_BLOCKS: usize = 100;
pub const MAX_TEXT: usize = 3000;
const MAX_HEADER_TEXT: usize = 150;
const MAX_BUTTON_TEXT: usize = 75;
const MAX_BUTTON_VALUE: usize = 2000;
const MAX_MESSAGE_TEXT: usize = 40_000;

/// How many members one page of `conversations.members` holds at most
/// (Slack may answer fewer than the `limit` asked for; a small page makes
/// every test run the client's cursor loop).
pub const MEMBERS_PAGE: usize = 2;

/// One recorded call.
#[derive(Debug, Clone)]
pub struct Call {
    /// Web API method, or `response_url` for posts to a response URL.
    pub method: String,
    /// The bearer token, if any.
    pub token: Option<String>,
    /// JSON body, form fields or query parameters, as JSON; a body that is
    /// not valid JSON is kept as `{"_malformed": "<the text>"}`.
    pub body: Value,
    pub at: Instant,
    /// Answered with an error, a 429 or a 5xx rather than success.
    pub refused: bool,
    /// The Slack error code it was answered with, if any.
    pub error: Option<String>,
    /// Refused because the call itself was wrong (see `malformed_calls`).
    pub mistake: bool,
}

/// A scripted answer that replaces the next normal one.
#[derive(Debug, Clone)]
pub enum Scripted {
    /// `{"ok": false, "error": code}` with HTTP 200, as Slack does.
    Error(&'static str),
    /// HTTP 429 with `Retry-After: secs`.
    RateLimited { retry_after_secs: u64 },
    /// An HTTP 5xx (an outage), with a short HTML body as Slack's edge sends.
    #[allow(dead_code)]
    ServerError(u16),
    /// Takes the request and never answers (a half-open connection).
    Hang,
}

/// Which token a method takes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum TokenKind {
    Bot,
    App,
}

/// The methods the fake knows: the token each takes and its required
/// arguments. Anything else is `unknown_method`.
fn method_spec(method: &str) -> Option<(TokenKind, &'static [&'static str])> {
    use TokenKind::*;
    Some(match method {
        "auth.test" => (Bot, &[]),
        "apps.connections.open" => (App, &[]),
        "chat.postMessage" => (Bot, &["channel"]),
        "chat.postEphemeral" => (Bot, &["channel", "user"]),
        "users.info" => (Bot, &["user"]),
        "conversations.open" => (Bot, &["users"]),
        "conversations.create" => (Bot, &["name"]),
        "conversations.invite" => (Bot, &["channel", "users"]),
        "conversations.kick" => (Bot, &["channel", "user"]),
        "conversations.members" => (Bot, &["channel"]),
        "conversations.history" => (Bot, &["channel"]),
        "views.open" => (Bot, &["trigger_id", "view"]),
        "views.publish" => (Bot, &["user_id", "view"]),
        "views.update" => (Bot, &["view"]),
        "files.getUploadURLExternal" => (Bot, &["filename", "length"]),
        "files.completeUploadExternal" => (Bot, &["files"]),
        _ => return None,
    })
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
    per_channel_limit: Option<Duration>,
    last_post: HashMap<String, Instant>,
    /// Counted 429s the enforced limit gave.
    limited: usize,
    /// chat.postMessage calls answered with success (kept across `clear`).
    posted: usize,
    /// How long chat.postMessage takes to answer (a slow Slack).
    post_delay: Option<Duration>,
    /// The workspace's people; users.info of anyone else is `user_not_found`.
    users: HashSet<String>,
    /// users.info account kinds other than a full member (see `set_account`).
    account_kinds: HashMap<String, &'static str>,
    /// users.info time zones other than the default UTC.
    timezones: HashMap<String, String>,
    /// Channels created through conversations.create: name → id.
    channels: HashMap<String, String>,
    /// Names conversations.create refuses with `name_taken`.
    taken_names: Vec<String>,
    /// Who is in each channel the fake knows (created or set by a test).
    channel_members: HashMap<String, Vec<String>>,
    /// Messages posted so far (each gets its own ts).
    messages: u64,
    /// This fake's own address (upload URLs point back at it).
    base_url: String,
    /// Files by id: the length promised, and the bytes once uploaded.
    uploads: HashMap<String, (usize, Option<Vec<u8>>)>,
    /// Files shared through files.completeUploadExternal.
    files: Vec<SharedFile>,
}

/// A file shared in a conversation.
#[derive(Debug, Clone)]
pub struct SharedFile {
    pub channel: String,
    pub title: String,
    pub comment: String,
    pub text: String,
    pub bytes: Vec<u8>,
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
            .route("/upload/{id}", post(upload))
            .with_state(shared.clone());
        let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base_url = format!("http://{}", listener.local_addr().unwrap());
        shared.inner.lock().unwrap().base_url = base_url.clone();
        tokio::spawn(async move { axum::serve(listener, router).await.unwrap() });
        Self { base_url, shared }
    }

    /// Files shared so far (files.completeUploadExternal), in order.
    pub fn files(&self) -> Vec<SharedFile> {
        self.shared.inner.lock().unwrap().files.clone()
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

    /// Queues an answer for the next call of `method` (a Web API method or
    /// `response_url`) that is otherwise well-formed.
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

    /// Every chat.postMessage to `channel` fails with Slack error `code`.
    pub fn fail_channel(&self, channel: &str, code: &'static str) {
        self.shared
            .inner
            .lock()
            .unwrap()
            .failing_channels
            .insert(channel.to_owned(), code);
    }

    /// Enforce Slack's chat.postMessage limit: one per channel per `every`
    /// (less a tenth for network jitter), answering 429 with
    /// `Retry-After: 1` when a client goes faster.
    #[allow(dead_code)] // used by benches/checkins.rs, which includes this file
    pub fn enforce_per_channel_limit(&self, every: Duration) {
        self.shared.inner.lock().unwrap().per_channel_limit = Some(every);
    }

    /// Makes `user` a person of the workspace (users.info knows them).
    /// The test harness adds everyone who sends a command, presses a
    /// button or causes an event.
    pub fn add_user(&self, user: &str) {
        self.shared
            .inner
            .lock()
            .unwrap()
            .users
            .insert(user.to_owned());
    }

    /// The workspace's people this fake knows (another replica's fake can
    /// be told the same, so `users.info` answers alike on every replica).
    pub fn users(&self) -> Vec<String> {
        let mut users: Vec<String> = self
            .shared
            .inner
            .lock()
            .unwrap()
            .users
            .iter()
            .cloned()
            .collect();
        users.sort();
        users
    }

    /// Removes `user` from the workspace (deactivated): users.info and
    /// conversations.open answer `user_not_found`.
    #[allow(dead_code)]
    pub fn remove_user(&self, user: &str) {
        self.shared.inner.lock().unwrap().users.remove(user);
    }

    /// users.info describes `user` as `kind`: "guest", "bot" or
    /// "deactivated" (anything else: a full member).
    pub fn set_account(&self, user: &str, kind: &'static str) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.users.insert(user.to_owned());
        inner.account_kinds.insert(user.to_owned(), kind);
    }

    /// users.info gives `user` the time zone `tz` (default UTC).
    pub fn set_timezone(&self, user: &str, tz: &str) {
        let mut inner = self.shared.inner.lock().unwrap();
        inner.users.insert(user.to_owned());
        inner.timezones.insert(user.to_owned(), tz.to_owned());
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

    /// Makes `channel` exist with exactly `users` in it.
    pub fn set_channel_members(&self, channel: &str, users: &[&str]) {
        self.shared.inner.lock().unwrap().channel_members.insert(
            channel.to_owned(),
            users.iter().map(|u| u.to_string()).collect(),
        );
    }

    /// Who is in `channel` now, as far as the fake knows.
    #[allow(dead_code)]
    pub fn channel_members(&self, channel: &str) -> Vec<String> {
        self.shared
            .inner
            .lock()
            .unwrap()
            .channel_members
            .get(channel)
            .cloned()
            .unwrap_or_default()
    }

    /// Makes chat.postMessage take `delay` to answer.
    pub fn slow_posts(&self, delay: Duration) {
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

    /// The messages posted (chat.postMessage bodies) whose notification
    /// text contains `needle`.
    pub fn posts_with_text(&self, needle: &str) -> Vec<serde_json::Value> {
        self.calls("chat.postMessage")
            .into_iter()
            .map(|c| c.body)
            .filter(|b| b["text"].as_str().unwrap_or_default().contains(needle))
            .collect()
    }

    /// Every call so far, any method.
    pub fn all_calls(&self) -> Vec<Call> {
        self.shared.inner.lock().unwrap().calls.clone()
    }

    /// Calls the fake refused because they were wrong (bad token, unknown
    /// method, missing arguments, malformed JSON, Block Kit over its
    /// limits) — never scripted refusals. A correct client makes none.
    #[allow(dead_code)]
    pub fn malformed_calls(&self) -> Vec<Call> {
        self.all_calls().into_iter().filter(|c| c.mistake).collect()
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

/// The call's arguments as JSON; `Err` with the raw text when a JSON body
/// does not parse.
fn decode(headers: &HeaderMap, query: Option<String>, body: &Bytes) -> Result<Value, String> {
    let is_json = headers
        .get("content-type")
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/json"));
    if is_json {
        return serde_json::from_slice(body)
            .map_err(|_| String::from_utf8_lossy(body).into_owned());
    }
    let text = if body.is_empty() {
        query.unwrap_or_default()
    } else {
        String::from_utf8_lossy(body).into_owned()
    };
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(&text).map_err(|_| text.clone())?;
    Ok(Value::Object(
        pairs
            .into_iter()
            .map(|(k, v)| (k, Value::String(v)))
            .collect::<Map<_, _>>(),
    ))
}

/// A JSON field that form-encoded calls send as a string of JSON.
fn json_field(body: &Value, field: &str) -> Value {
    match &body[field] {
        Value::String(s) => serde_json::from_str(s).unwrap_or(Value::String(s.clone())),
        other => other.clone(),
    }
}

/// A comma-separated id list (form) or a JSON array of ids.
fn id_list(value: &Value) -> Vec<String> {
    match value {
        Value::Array(items) => items
            .iter()
            .filter_map(|v| v.as_str().map(str::to_owned))
            .collect(),
        Value::String(s) => s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect(),
        _ => Vec::new(),
    }
}

fn is_present(value: &Value) -> bool {
    match value {
        Value::Null => false,
        Value::String(s) => !s.is_empty(),
        Value::Array(a) => !a.is_empty(),
        _ => true,
    }
}

/// Whether `blocks` break Block Kit's limits; `max` blocks at most.
fn blocks_error(blocks: &Value, max: usize) -> Option<&'static str> {
    let blocks = match blocks {
        Value::Null => return None,
        Value::String(s) => serde_json::from_str(s).ok()?,
        other => other.clone(),
    };
    let Value::Array(blocks) = blocks else {
        return Some("invalid_blocks");
    };
    if blocks.len() > max {
        return Some("invalid_blocks");
    }
    let too_long = |text: &Value, limit: usize| {
        text["text"]
            .as_str()
            .is_some_and(|t| t.chars().count() > limit)
    };
    for block in &blocks {
        let bad = match block["type"].as_str() {
            Some("header") => too_long(&block["text"], MAX_HEADER_TEXT),
            Some("section") => {
                too_long(&block["text"], MAX_TEXT)
                    || block["fields"]
                        .as_array()
                        .is_some_and(|f| f.len() > 10 || f.iter().any(|t| too_long(t, 2000)))
            }
            Some("context") => block["elements"]
                .as_array()
                .is_some_and(|e| e.len() > 10 || e.iter().any(|t| too_long(t, MAX_TEXT))),
            Some("actions") => block["elements"].as_array().is_some_and(|e| {
                e.len() > 25
                    || e.iter().any(|el| {
                        too_long(&el["text"], MAX_BUTTON_TEXT)
                            || el["value"]
                                .as_str()
                                .is_some_and(|v| v.chars().count() > MAX_BUTTON_VALUE)
                    })
            }),
            Some(_) => false,
            None => true,
        };
        if bad {
            return Some("invalid_blocks");
        }
    }
    None
}

/// What Slack says to a call that is wrong in itself, before any state.
fn refusal(method: &str, token: Option<&str>, body: &Value) -> Option<&'static str> {
    let (kind, required) = method_spec(method)?;
    let wanted = match kind {
        TokenKind::Bot => BOT_TOKEN,
        TokenKind::App => APP_TOKEN,
    };
    match token {
        None => return Some("not_authed"),
        Some(t) if t == wanted => {}
        Some(t) if t == BOT_TOKEN || t == APP_TOKEN => return Some("not_allowed_token_type"),
        Some(_) => return Some("invalid_auth"),
    }
    if required.iter().any(|arg| !is_present(&body[*arg])) {
        return Some("invalid_arguments");
    }
    match method {
        "chat.postMessage" | "chat.postEphemeral" => message_error(body),
        "views.open" | "views.publish" | "views.update" => {
            let view = json_field(body, "view");
            if !view.is_object() {
                return Some("invalid_arguments");
            }
            blocks_error(&view["blocks"], MAX_VIEW_BLOCKS)
        }
        _ => None,
    }
}

/// A message's own faults: no content, too long, blocks over the limits.
fn message_error(body: &Value) -> Option<&'static str> {
    let text = body["text"].as_str().unwrap_or_default();
    if text.is_empty() && !is_present(&body["blocks"]) && !is_present(&body["attachments"]) {
        return Some("no_text");
    }
    if text.chars().count() > MAX_MESSAGE_TEXT {
        return Some("msg_too_long");
    }
    blocks_error(&body["blocks"], MAX_MESSAGE_BLOCKS)
}

impl Shared {
    /// Records a call; its place in the log, to mark it once answered
    /// (calls from several replicas interleave).
    fn record(&self, call: Call) -> usize {
        let mut inner = self.inner.lock().unwrap();
        inner.calls.push(call);
        let at = inner.calls.len() - 1;
        drop(inner);
        self.changed.notify_waiters();
        at
    }

    /// Marks call `at` as answered with `error`.
    /// (The log may have been cleared meanwhile — the benchmark does — so
    /// a call no longer there is left alone.)
    fn mark(&self, at: usize, error: Option<String>) {
        if let Some(call) = self.inner.lock().unwrap().calls.get_mut(at) {
            call.refused = true;
            call.error = error;
        }
    }

    /// Marks call `at` as refused for being wrong in itself.
    fn refuse(&self, at: usize, code: &str) {
        self.mark(at, Some(code.to_owned()));
        if let Some(call) = self.inner.lock().unwrap().calls.get_mut(at) {
            call.mistake = true;
        }
    }

    /// A scripted or enforced answer for this call, if one applies.
    fn interference(&self, method: &str, body: &Value) -> Option<Scripted> {
        let mut inner = self.inner.lock().unwrap();
        if let Some(answer) = inner.scripted.get_mut(method).and_then(|q| q.pop_front()) {
            return Some(answer);
        }
        if method != "chat.postMessage" {
            return None;
        }
        let channel = body["channel"].as_str().unwrap_or_default().to_owned();
        if let Some(code) = inner.failing_channels.get(&channel) {
            return Some(Scripted::Error(code));
        }
        let every = inner.per_channel_limit?;
        let now = Instant::now();
        // Arrival times jitter by a few milliseconds around a client's
        // pacing; Slack itself allows short bursts, so a tenth is forgiven.
        match inner.last_post.get(&channel) {
            Some(last) if now.duration_since(*last) < every.mul_f64(0.9) => {
                inner.limited += 1;
                Some(Scripted::RateLimited {
                    retry_after_secs: 1,
                })
            }
            _ => {
                inner.last_post.insert(channel, now);
                None
            }
        }
    }
}

fn error_response(code: &str) -> Response {
    Json(json!({ "ok": false, "error": code })).into_response()
}

fn scripted_response(answer: &Scripted) -> Response {
    match answer {
        Scripted::Error(code) => error_response(code),
        Scripted::RateLimited { retry_after_secs } => (
            StatusCode::TOO_MANY_REQUESTS,
            [("retry-after", retry_after_secs.to_string())],
            Json(json!({ "ok": false, "error": "ratelimited" })),
        )
            .into_response(),
        Scripted::ServerError(status) => (
            StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR),
            "<html><body>Slack is having trouble</body></html>",
        )
            .into_response(),
        Scripted::Hang => unreachable!("a hang never answers"),
    }
}

fn scripted_code(answer: &Scripted) -> String {
    match answer {
        Scripted::Error(code) => (*code).to_owned(),
        Scripted::RateLimited { .. } => "ratelimited".into(),
        Scripted::ServerError(status) => format!("http_{status}"),
        Scripted::Hang => "hang".into(),
    }
}

async fn api(
    State(shared): State<Shared>,
    Path(method): Path<String>,
    RawQuery(query): RawQuery,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let token = token(&headers);
    let decoded = decode(&headers, query, &body);
    let recorded = match &decoded {
        Ok(v) => v.clone(),
        Err(raw) => json!({ "_malformed": raw }),
    };
    let at = shared.record(Call {
        method: method.clone(),
        token: token.clone(),
        body: recorded,
        at: Instant::now(),
        refused: false,
        error: None,
        mistake: false,
    });
    let Ok(decoded) = decoded else {
        shared.refuse(at, "invalid_json");
        return error_response("invalid_json");
    };
    if method_spec(&method).is_none() {
        shared.refuse(at, "unknown_method");
        return error_response("unknown_method");
    }
    if let Some(code) = refusal(&method, token.as_deref(), &decoded) {
        shared.refuse(at, code);
        return error_response(code);
    }
    let answer = shared.interference(&method, &decoded);
    let delay = shared.inner.lock().unwrap().post_delay;
    if let (Some(delay), "chat.postMessage") = (delay, method.as_str()) {
        tokio::time::sleep(delay).await;
    }
    if let Some(answer) = answer {
        shared.mark(at, Some(scripted_code(&answer)));
        if let Scripted::Hang = answer {
            return std::future::pending().await;
        }
        return scripted_response(&answer);
    }
    let answer = answer_for(&shared, &method, &decoded);
    if answer["ok"] == false {
        shared.mark(at, answer["error"].as_str().map(str::to_owned));
    } else if method == "chat.postMessage" {
        shared.inner.lock().unwrap().posted += 1;
    }
    shared.changed.notify_waiters();
    Json(answer).into_response()
}

async fn respond(
    State(shared): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let mut decoded = match decode(&headers, None, &body) {
        Ok(v) => v,
        Err(raw) => json!({ "_malformed": raw }),
    };
    let malformed = decoded.get("_malformed").is_some();
    if let Value::Object(map) = &mut decoded {
        map.insert("_response_url_id".into(), Value::String(id));
    }
    let refused = if malformed {
        Some("invalid_json")
    } else {
        message_error(&decoded)
    };
    let at = shared.record(Call {
        method: "response_url".into(),
        token: token(&headers),
        body: decoded,
        at: Instant::now(),
        refused: false,
        error: None,
        mistake: false,
    });
    if let Some(code) = refused {
        shared.refuse(at, code);
        return error_response(code);
    }
    if let Some(answer) = shared.interference("response_url", &Value::Null) {
        shared.mark(at, Some(scripted_code(&answer)));
        if let Scripted::Hang = answer {
            return std::future::pending().await;
        }
        return scripted_response(&answer);
    }
    Json(json!({ "ok": true })).into_response()
}

/// The bytes of a file, sent to the URL files.getUploadURLExternal gave
/// (recorded as an `upload` call).
async fn upload(State(shared): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let at = shared.record(Call {
        method: "upload".into(),
        token: None,
        body: json!({ "id": id, "length": body.len() }),
        at: Instant::now(),
        refused: false,
        error: None,
        mistake: false,
    });
    if let Some(answer) = shared.interference("upload", &Value::Null) {
        shared.mark(at, Some(scripted_code(&answer)));
        if let Scripted::Hang = answer {
            return std::future::pending().await;
        }
        return scripted_response(&answer);
    }
    let mut inner = shared.inner.lock().unwrap();
    match inner.uploads.get_mut(&id) {
        Some((_, bytes)) => {
            *bytes = Some(body.to_vec());
            drop(inner);
            shared.changed.notify_waiters();
            format!("OK - {}", body.len()).into_response()
        }
        None => {
            drop(inner);
            shared.refuse(at, "unknown upload");
            (StatusCode::NOT_FOUND, "no such upload").into_response()
        }
    }
}

/// What Slack answers to a well-formed call, given what earlier calls did.
fn answer_for(shared: &Shared, method: &str, body: &Value) -> Value {
    let mut inner = shared.inner.lock().unwrap();
    match method {
        "auth.test" => json!({
            "ok": true, "url": "https://acme.slack.com/", "team": "Acme",
            "user": "tandem", "team_id": TEAM, "user_id": BOT_USER, "bot_id": "B0BOT"
        }),
        "apps.connections.open" => json!({
            "ok": true,
            "url": inner.socket_url.clone().unwrap_or_else(|| "ws://127.0.0.1:9/unset".into())
        }),
        "files.getUploadURLExternal" => {
            let length: usize = match body["length"].as_str().map(str::parse) {
                Some(Ok(n)) if n > 0 => n,
                _ => return json!({ "ok": false, "error": "invalid_arguments" }),
            };
            let id = format!("F0FILE{:03}", inner.uploads.len() + 1);
            inner.uploads.insert(id.clone(), (length, None));
            json!({
                "ok": true,
                "upload_url": format!("{}/upload/{id}", inner.base_url),
                "file_id": id
            })
        }
        "files.completeUploadExternal" => {
            let files = json_field(body, "files");
            let Some(files) = files.as_array() else {
                return json!({ "ok": false, "error": "invalid_arguments" });
            };
            let mut shared_files = Vec::new();
            for f in files {
                let id = f["id"].as_str().unwrap_or_default();
                // Slack checks the bytes arrived, and as many as promised.
                let Some((length, Some(bytes))) = inner.uploads.get(id) else {
                    return json!({ "ok": false, "error": "file_not_found" });
                };
                if bytes.len() != *length {
                    return json!({ "ok": false, "error": "file_upload_size_mismatch" });
                }
                shared_files.push(SharedFile {
                    channel: body["channel_id"].as_str().unwrap_or_default().to_owned(),
                    title: f["title"].as_str().unwrap_or_default().to_owned(),
                    comment: body["initial_comment"]
                        .as_str()
                        .unwrap_or_default()
                        .to_owned(),
                    text: String::from_utf8_lossy(bytes).into_owned(),
                    bytes: bytes.clone(),
                });
            }
            let shared_ids: Vec<Value> = files.iter().map(|f| json!({ "id": f["id"] })).collect();
            inner.files.extend(shared_files);
            json!({ "ok": true, "files": shared_ids })
        }
        "users.info" => {
            let id = body["user"].as_str().unwrap_or_default();
            if !inner.users.contains(id) {
                return json!({ "ok": false, "error": "user_not_found" });
            }
            let tz = inner
                .timezones
                .get(id)
                .cloned()
                .unwrap_or_else(|| "UTC".into());
            let kind = inner.account_kinds.get(id).copied().unwrap_or("member");
            json!({ "ok": true, "user": {
                "id": id, "team_id": TEAM, "name": id.to_lowercase(),
                "tz": tz, "tz_offset": 0,
                "is_admin": id.starts_with("U0ADMIN"), "is_owner": false,
                "is_restricted": kind == "guest", "is_ultra_restricted": false,
                "is_bot": kind == "bot", "deleted": kind == "deactivated",
                "profile": { "real_name": id, "display_name": id }
            }})
        }
        "conversations.open" => {
            // One group DM per *set* of users, whatever order they come in.
            let users: BTreeSet<String> = id_list(&body["users"]).into_iter().collect();
            if users.iter().any(|u| !inner.users.contains(u)) {
                return json!({ "ok": false, "error": "user_not_found" });
            }
            let joined: String = users
                .iter()
                .flat_map(|u| u.chars().filter(char::is_ascii_alphanumeric))
                .collect();
            // One person: their DM with the bot (posting to their user id
            // lands there too).
            let id = if users.len() == 1 {
                format!("D{joined}")
            } else {
                format!("G{}", &joined[..joined.len().min(20)])
            };
            let mut members: Vec<String> = users.into_iter().collect();
            members.push(BOT_USER.into());
            inner.channel_members.insert(id.clone(), members);
            json!({ "ok": true, "channel": { "id": id } })
        }
        "conversations.create" => {
            let name = body["name"].as_str().unwrap_or_default().to_owned();
            if inner.taken_names.contains(&name) || inner.channels.contains_key(&name) {
                return json!({ "ok": false, "error": "name_taken" });
            }
            let id = format!("C0CIRCLE{:02}", inner.channels.len() + 1);
            inner.channels.insert(name.clone(), id.clone());
            inner
                .channel_members
                .insert(id.clone(), vec![BOT_USER.into()]);
            json!({ "ok": true, "channel": {
                "id": id, "name": name, "created": 1_700_000_000, "is_private": true
            }})
        }
        "conversations.invite" => {
            let channel = body["channel"].as_str().unwrap_or_default().to_owned();
            let force = matches!(&body["force"], Value::Bool(true))
                || body["force"].as_str() == Some("true");
            let users = id_list(&body["users"]);
            let Some(members) = inner.channel_members.get(&channel).cloned() else {
                return json!({ "ok": false, "error": "channel_not_found" });
            };
            let (already, new): (Vec<String>, Vec<String>) =
                users.into_iter().partition(|u| members.contains(u));
            // Slack refuses the whole call when anyone is already in,
            // unless `force` asks it to invite the rest.
            if !already.is_empty() && (!force || new.is_empty()) {
                return json!({ "ok": false, "error": "already_in_channel",
                    "errors": already.iter().map(|u| json!({
                        "user": u, "ok": false, "error": "already_in_channel"
                    })).collect::<Vec<_>>() });
            }
            inner.channel_members.get_mut(&channel).unwrap().extend(new);
            json!({ "ok": true, "channel": { "id": channel, "created": 1_700_000_000 } })
        }
        "conversations.kick" => {
            let channel = body["channel"].as_str().unwrap_or_default();
            let user = body["user"].as_str().unwrap_or_default();
            let Some(members) = inner.channel_members.get_mut(channel) else {
                return json!({ "ok": false, "error": "channel_not_found" });
            };
            let Some(at) = members.iter().position(|m| m == user) else {
                return json!({ "ok": false, "error": "not_in_channel" });
            };
            members.remove(at);
            json!({ "ok": true })
        }
        "conversations.members" => {
            let channel = body["channel"].as_str().unwrap_or_default();
            let Some(members) = inner.channel_members.get(channel) else {
                return json!({ "ok": false, "error": "channel_not_found" });
            };
            let from = match body["cursor"].as_str().unwrap_or_default() {
                "" => 0,
                cursor => match cursor.strip_prefix("page:").and_then(|n| n.parse().ok()) {
                    Some(n) if n <= members.len() => n,
                    _ => return json!({ "ok": false, "error": "invalid_cursor" }),
                },
            };
            let limit = body["limit"]
                .as_u64()
                .or_else(|| body["limit"].as_str().and_then(|l| l.parse().ok()))
                .unwrap_or(100) as usize;
            let to = members.len().min(from + limit.clamp(1, MEMBERS_PAGE));
            let next = if to < members.len() {
                format!("page:{to}")
            } else {
                String::new()
            };
            json!({ "ok": true, "members": members[from..to].to_vec(),
                    "response_metadata": { "next_cursor": next } })
        }
        "chat.postMessage" => {
            inner.messages += 1;
            let ts = format!("1700000000.{:06}", inner.messages);
            json!({
                "ok": true, "channel": body["channel"].clone(), "ts": ts,
                "message": { "ts": ts, "text": body["text"].clone(), "user": BOT_USER }
            })
        }
        "conversations.history" => {
            // The latest messages posted there (any Slack took: answered,
            // or still being answered), newest first, with their metadata.
            let channel = body["channel"].as_str().unwrap_or_default().to_owned();
            let dm_of = channel.strip_prefix('D').map(str::to_owned);
            let limit = body["limit"]
                .as_str()
                .and_then(|l| l.parse().ok())
                .or_else(|| body["limit"].as_u64())
                .unwrap_or(100) as usize;
            let messages: Vec<Value> = inner
                .calls
                .iter()
                .rev()
                .filter(|c| c.method == "chat.postMessage" && !c.refused)
                .filter(|c| {
                    let to = c.body["channel"].as_str().unwrap_or_default();
                    to == channel || Some(to) == dm_of.as_deref()
                })
                .take(limit)
                .map(|c| {
                    json!({
                        "type": "message", "user": BOT_USER, "text": c.body["text"].clone(),
                        "ts": "1700000000.000001", "metadata": c.body["metadata"].clone()
                    })
                })
                .collect();
            json!({ "ok": true, "messages": messages, "has_more": false })
        }
        "chat.postEphemeral" => json!({ "ok": true, "message_ts": "1700000000.000200" }),
        "views.open" | "views.publish" | "views.update" => {
            let mut view = json_field(body, "view");
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
