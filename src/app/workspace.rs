//! The port through which the app asks Slack things it needs answered
//! before it can go on: who is an admin, a member's time zone, a new
//! channel's id, who is in a channel, a posted message's thread. Messages
//! that need no answer are `Effect`s instead. Implemented by
//! `slack::outbound::SlackWorkspace`; errors are log-safe.

use super::model::Post;
use crate::ids::{ChannelId, UserId};

/// Why Slack could not do what was asked.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkspaceError {
    /// The name is in use (maybe by an archived channel): try another.
    #[error("name taken")]
    NameTaken,
    /// The channel is archived or deleted, or the bot was removed from it.
    #[error("channel gone")]
    Gone,
    /// Anything else, as a log-safe summary (an error code, never a body).
    #[error("{0}")]
    Failed(String),
}

/// What kind of Slack account someone has: only people with a full
/// account are ever grouped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    Person,
    /// A single- or multi-channel guest.
    Guest,
    Bot,
    /// Deactivated, or no longer in the workspace.
    Deactivated,
}

/// A file for someone's DM (an admin's export) or a group's (an invite).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SharedFile {
    pub filename: String,
    pub title: String,
    /// The message that goes with it.
    pub comment: super::text::Text,
    pub content_type: &'static str,
    pub bytes: Vec<u8>,
}

#[async_trait::async_trait]
pub trait Workspace: Send + Sync {
    /// Whether `user` is a workspace admin or owner.
    async fn is_admin(&self, user: &UserId) -> Result<bool, WorkspaceError>;
    /// What kind of account `user` has (the implementation may cache it).
    async fn account(&self, user: &UserId) -> Result<Account, WorkspaceError>;
    /// The IANA time zone Slack has for `user`, if any.
    async fn timezone(&self, user: &UserId) -> Result<Option<String>, WorkspaceError>;
    /// Creates a private channel named `name`; its id.
    async fn create_private_channel(&self, name: &str) -> Result<ChannelId, WorkspaceError>;
    /// Invites `users` to `channel`.
    async fn invite(&self, channel: &ChannelId, users: &[UserId]) -> Result<(), WorkspaceError>;
    /// Removes `user` from `channel`.
    async fn remove_from_channel(
        &self,
        channel: &ChannelId,
        user: &UserId,
    ) -> Result<(), WorkspaceError>;
    /// Everyone in `channel` (people only: ids that are not user ids are
    /// left out by the implementation, which knows why).
    async fn channel_members(&self, channel: &ChannelId) -> Result<Vec<UserId>, WorkspaceError>;
    /// Shares `file` in the bot's DM with `with` (one person: their DM;
    /// several: their group DM).
    async fn share_file(&self, with: &[UserId], file: SharedFile) -> Result<(), WorkspaceError>;
    /// Posts `post` in `channel` (in `thread` when given); the message's id,
    /// which names its thread.
    async fn post(
        &self,
        channel: &ChannelId,
        thread: Option<&str>,
        post: &Post,
    ) -> Result<String, WorkspaceError>;
}
