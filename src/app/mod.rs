//! Use cases. The app decides *what* happens for a command or event; it never
//! sees Slack's wire format (that is `slack/`) nor Redis (that is `store/`).
//!
//! A handler returns plain data: a [`Reply`] for the person who typed a
//! command, or [`Effect`]s that `slack/` carries out.

pub mod command;
pub mod help;

use crate::config::Config;
use crate::ids::{TeamId, UserId};
use crate::store::{Store, StoreError};
use command::Command;
use std::sync::Arc;
use std::time::Duration;

/// A `/tandem …` invocation, already authenticated.
#[derive(Debug, Clone)]
pub struct CommandRequest {
    pub team: TeamId,
    pub user: UserId,
    /// Everything after `/tandem`. Free text: never logged.
    pub text: String,
}

/// What the person who typed a command sees (ephemeral).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The command list.
    Help,
    /// A listed command that is not built yet.
    ComingSoon { usage: &'static str },
    /// An unknown subcommand; `word` is what they typed, trimmed for display.
    Unknown { word: String },
}

/// A Slack event, reduced to what the app cares about.
#[derive(Debug, Clone)]
pub struct InboundEvent {
    pub team: TeamId,
    pub event_id: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Someone opened the app's Home tab.
    AppHomeOpened { user: UserId },
    /// The app was removed or its tokens revoked: nothing to send any more.
    Uninstalled,
    /// Anything else; `name` is Slack's event type, for logs.
    Ignored { name: String },
}

/// Something `slack/` must do on the app's behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Publish the Home tab for this user.
    PublishHome { user: UserId },
}

/// What happened to an event, for metrics and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    Handled,
    Duplicate,
    Ignored,
}

impl EventOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            EventOutcome::Handled => "handled",
            EventOutcome::Duplicate => "duplicate",
            EventOutcome::Ignored => "ignored",
        }
    }
}

/// The application core, shared by every transport.
#[derive(Clone)]
pub struct App {
    config: Arc<Config>,
    store: Arc<dyn Store>,
}

impl App {
    pub fn new(config: Arc<Config>, store: Arc<dyn Store>) -> Self {
        Self { config, store }
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Answers a slash command. Pure for now: no command yet needs the store.
    pub fn handle_command(&self, request: &CommandRequest) -> Reply {
        match command::parse(&request.text) {
            Command::Help => Reply::Help,
            Command::ComingSoon(doc) => Reply::ComingSoon { usage: doc.usage },
            Command::Unknown(word) => Reply::Unknown { word },
        }
    }

    /// Handles an event once: Slack's retries of the same `event_id` return
    /// [`EventOutcome::Duplicate`] and no effects.
    pub async fn handle_event(
        &self,
        event: &InboundEvent,
    ) -> Result<(EventOutcome, Vec<Effect>), StoreError> {
        let effects = match &event.kind {
            EventKind::AppHomeOpened { user } => vec![Effect::PublishHome { user: user.clone() }],
            EventKind::Uninstalled | EventKind::Ignored { .. } => {
                return Ok((EventOutcome::Ignored, Vec::new()))
            }
        };
        let ttl = Duration::from_secs(self.config.store.event_dedupe_ttl_secs);
        if !self
            .store
            .claim_event(&event.team, &event.event_id, ttl)
            .await?
        {
            return Ok((EventOutcome::Duplicate, Vec::new()));
        }
        Ok((EventOutcome::Handled, effects))
    }
}
