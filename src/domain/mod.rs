//! The domain: members' and workspaces' documents as plain data with their
//! rules (limits, stable numbers, what a partner may see), and the kinds of
//! scheduled work. Pure: no I/O, no clock, no Slack, no Redis; the use cases
//! in `app/` load, change and store them.
//!
//! Ids are parsed once: documents hold [`crate::ids::UserId`] and
//! [`crate::ids::ChannelId`], checked when a document is read, so a bad id
//! is an error at load and never silently dropped.

pub mod admin_log;
pub mod checkin;
pub mod circles;
pub mod figures;
pub mod goals;
pub mod job;
pub mod notes;
pub mod nudges;
pub mod numbered;
pub mod pairing;
pub mod profile;
pub mod round_plan;
pub mod shelf;
