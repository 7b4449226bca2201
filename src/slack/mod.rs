//! Everything that knows Slack's wire format, split by direction:
//! - in: the two transports (`http` with signature checks, `socket`), and
//!   `inbound`, which parses payloads into app requests;
//! - out: `outbound` (effects, reply delivery, the app's `Workspace` port),
//!   `views` and `profile_modal` (pure Block Kit), `buttons` (the one
//!   button codec) and `client` (the Web API client).
//!
//! The rest of the crate sees only `app::` types.

pub mod buttons;
pub mod client;
pub mod http;
pub mod inbound;
pub mod outbound;
pub mod profile_modal;
pub mod socket;
pub mod upload;
pub mod views;

pub use client::SlackApi;
pub use inbound::SlackContext;
