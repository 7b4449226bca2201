//! Driving the app as members would: commands, presses, modal
//! submissions, events, and waiting for their answers.

use super::forms::*;
use super::{TestApp, SIGNING_SECRET, WAIT};
use std::time::Duration;

/// Waits (real time, polling) until `done`, failing after a minute.
pub async fn wait_until(what: &str, mut done: impl FnMut() -> bool) {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
    while !done() {
        assert!(tokio::time::Instant::now() < deadline, "timed out: {what}");
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The member a signed Slack payload comes from: a command's `user_id`,
/// an interaction's `user.id`, an event's `user`.
fn actor(body: &str) -> Option<String> {
    let from_json = |v: serde_json::Value| {
        let user = if v["event"].is_object() {
            &v["event"]["user"]
        } else {
            &v["user"]
        };
        user.as_str()
            .or_else(|| user["id"].as_str())
            .map(str::to_owned)
    };
    if let Ok(v) = serde_json::from_str::<serde_json::Value>(body) {
        return from_json(v);
    }
    let fields: Vec<(String, String)> = serde_urlencoded::from_str(body).ok()?;
    let field = |name: &str| fields.iter().find(|(k, _)| k == name).map(|(_, v)| v);
    if let Some(user) = field("user_id") {
        return Some(user.clone());
    }
    from_json(serde_json::from_str(field("payload")?).ok()?)
}

impl TestApp {
    /// POSTs `body` to `path`, signed as Slack would at `ts`.
    pub async fn post_signed_at(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
        ts: i64,
        secret: &str,
    ) -> reqwest::Response {
        if let Some(user) = actor(body) {
            // Whoever acts in Slack is a person of the workspace.
            self.fake.add_user(&user);
        }
        self.http
            .post(format!("{}{}", self.address, path))
            .header("content-type", content_type)
            .header("x-slack-request-timestamp", ts.to_string())
            .header("x-slack-signature", sign(secret, ts, body))
            .body(body.to_owned())
            .send()
            .await
            .expect("request sent")
    }

    pub async fn post_signed(
        &self,
        path: &str,
        content_type: &str,
        body: &str,
    ) -> reqwest::Response {
        self.post_signed_at(path, content_type, body, now_ts(), SIGNING_SECRET)
            .await
    }

    /// Sends `/tandem <text>` as `user`; the reply goes to response URL `reply_id`.
    pub async fn command(&self, user: &str, text: &str, reply_id: &str) -> reqwest::Response {
        let form = command_form(user, text, &self.fake.response_url(reply_id));
        self.post_signed(
            "/slack/commands",
            "application/x-www-form-urlencoded",
            &form,
        )
        .await
    }

    /// POSTs an interaction `form` (a press or a modal submit), signed.
    pub async fn interact(&self, form: &str) -> reqwest::Response {
        self.post_signed(
            "/slack/interactions",
            "application/x-www-form-urlencoded",
            form,
        )
        .await
    }

    pub async fn event(&self, body: &serde_json::Value) -> reqwest::Response {
        self.post_signed("/slack/events", "application/json", &body.to_string())
            .await
    }

    /// Waits until `/metrics` shows `line`, failing after [`WAIT`] with what
    /// it shows instead.
    pub async fn wait_for_metric(&self, line: &str) {
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let text = self.get("/metrics").await.text().await.unwrap();
            if text.lines().any(|l| l == line) {
                return;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "metrics never showed {line}:\n{text}"
            );
            tokio::time::sleep(Duration::from_millis(25)).await;
        }
    }

    /// The value of a counter or gauge line of `/metrics` (0 if absent).
    pub async fn metric(&self, name: &str) -> f64 {
        let text = self.get("/metrics").await.text().await.unwrap();
        text.lines()
            .find_map(|l| l.strip_prefix(name)?.strip_prefix(' ')?.parse().ok())
            .unwrap_or(0.0)
    }

    /// Waits until the scheduler has finished two more rounds, so at least
    /// one whole round began after this call: whatever was due by then
    /// has been claimed, run and recorded. The barrier before asserting
    /// that a scheduled message was *not* sent.
    pub async fn scheduler_ticked(&self) {
        let start = self.metric("tandem_scheduler_ticks_total").await;
        let deadline = tokio::time::Instant::now() + WAIT;
        while self.metric("tandem_scheduler_ticks_total").await < start + 2.0 {
            assert!(
                tokio::time::Instant::now() < deadline,
                "the scheduler stopped ticking"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.settled().await;
    }

    /// Waits until every reply and effect the app has started is carried
    /// out: the barrier before asserting that something was *not* sent.
    pub async fn settled(&self) {
        self.wait_for_metric("tandem_deliveries_in_flight 0").await;
    }

    /// Waits until the round's delivery jobs (intros, sit-outs, notes
    /// before meeting, merge offers) have all run and what they sent is
    /// delivered: none is left queued or held.
    pub async fn round_delivered(&self) {
        let keys = [
            format!("{}:{{T0TEST}}:jobs:due", self.prefix),
            format!("{}:{{T0TEST}}:jobs:leased", self.prefix),
        ];
        let deadline = tokio::time::Instant::now() + Duration::from_secs(60);
        loop {
            let mut waiting = Vec::new();
            for key in &keys {
                let jobs: Vec<String> = self
                    .redis(redis::cmd("ZRANGE").arg(key).arg(0).arg(-1))
                    .await;
                waiting.extend(jobs.into_iter().filter(|j| {
                    ["intro:", "notes:", "sitout:", "offers:", "report:"]
                        .iter()
                        .any(|kind| j.starts_with(kind))
                }));
            }
            if waiting.is_empty() {
                break;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "round not delivered: {waiting:?}"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        self.settled().await;
    }

    /// `admin round` by `admin`, and its delivery: the reply.
    pub async fn run_round(&self, admin: &str) -> serde_json::Value {
        let reply = self.say(admin, "admin round").await;
        self.round_delivered().await;
        reply
    }

    pub async fn get(&self, path: &str) -> reqwest::Response {
        self.http
            .get(format!("{}{}", self.address, path))
            .send()
            .await
            .expect("request sent")
    }
}

impl TestApp {
    /// Sends `/tandem <text>` as `user` and returns the reply's body.
    pub async fn say(&self, user: &str, text: &str) -> serde_json::Value {
        let before = self.fake.calls("response_url").len();
        let id = format!("say{before}");
        assert_eq!(self.command(user, text, &id).await.status(), 200);
        self.fake
            .wait_for("response_url", before + 1, WAIT)
            .await
            .into_iter()
            .find(|c| c.body["_response_url_id"] == id.as_str())
            .expect("a reply to this command")
            .body
    }

    /// Submits the modal `callback` as `user` (see [`view_submission_form`]).
    pub async fn submit_view(
        &self,
        user: &str,
        callback: &str,
        metadata: &str,
        values: serde_json::Value,
    ) -> reqwest::Response {
        let form = view_submission_form(user, callback, metadata, values);
        self.interact(&form).await
    }

    /// Ana (offers SQL, learns Rust) and Ben (the other way round) join
    /// with complete profiles: the engine's obvious pair.
    pub async fn join_ana_and_ben(&self) {
        for (user, offer, learn) in [("U0ANA", "sql", "rust"), ("U0BEN", "rust", "sql")] {
            self.say(user, "join").await;
            self.say(
                user,
                &format!("profile offer: {offer}; learn: {learn}; level: 3"),
            )
            .await;
        }
    }

    /// `/tandem join` for many members at once (a few at a time).
    pub async fn join_all(&self, users: &[String]) {
        self.say_all(users, |_| "join".to_owned()).await;
    }

    /// Each of `users` types `/tandem <text(user)>`, 25 at a time; returns
    /// once every one is answered.
    pub async fn say_all(&self, users: &[String], text: impl Fn(&str) -> String) {
        for chunk in users.chunks(25) {
            let sends = chunk.iter().map(|u| {
                let text = text(u);
                async move {
                    let id = format!("say-all-{u}-{}", self.fake.calls("response_url").len());
                    assert_eq!(self.command(u, &text, &id).await.status(), 200);
                    id
                }
            });
            let ids = futures_util::future::join_all(sends).await;
            let deadline = tokio::time::Instant::now() + WAIT;
            loop {
                let replies = self.fake.calls("response_url");
                let all = ids.iter().all(|id| {
                    replies
                        .iter()
                        .any(|c| c.body["_response_url_id"] == id.as_str())
                });
                if all {
                    break;
                }
                assert!(
                    tokio::time::Instant::now() < deadline,
                    "commands not answered"
                );
                tokio::time::sleep(Duration::from_millis(20)).await;
            }
        }
    }

    /// Presses a button carrying `value` as `user` and returns the answer
    /// that arrives at response URL `reply_id`.
    pub async fn press_with_value(
        &self,
        user: &str,
        action_id: &str,
        value: &str,
        reply_id: &str,
    ) -> serde_json::Value {
        let form =
            block_action_form_with_value(user, action_id, value, &self.fake.response_url(reply_id));
        let status = self.interact(&form).await.status();
        assert_eq!(status, 200);
        let deadline = tokio::time::Instant::now() + WAIT;
        loop {
            let answer = self
                .fake
                .calls("response_url")
                .into_iter()
                .find(|c| c.body["_response_url_id"] == reply_id);
            if let Some(call) = answer {
                return call.body;
            }
            assert!(
                tokio::time::Instant::now() < deadline,
                "no answer to the {action_id} press"
            );
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
    }

    /// Presses a button on the Home tab (no response URL) as `user`.
    pub async fn press_on_home(&self, user: &str, action_id: &str) -> reqwest::Response {
        let form = block_action_form(user, action_id, "");
        self.interact(&form).await
    }

    /// Presses a button as `user`; the answer goes to response URL `reply_id`.
    pub async fn press(&self, user: &str, action_id: &str, reply_id: &str) -> reqwest::Response {
        let form = block_action_form(user, action_id, &self.fake.response_url(reply_id));
        self.interact(&form).await
    }
}

/// The text of each block of a message that has one, in order.
pub fn block_texts(message: &serde_json::Value) -> Vec<String> {
    message["blocks"]
        .as_array()
        .map(|blocks| {
            blocks
                .iter()
                .filter_map(|b| b["text"]["text"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
