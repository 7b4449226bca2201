//! Everything that knows Slack's wire format: payload parsing, signature
//! checks, the two transports (HTTP and Socket Mode), Block Kit views and the
//! Web API client. The rest of the crate sees only `app::` types.

pub mod client;
pub mod dispatch;
pub mod http;
pub mod profile_modal;
pub mod socket;
pub mod views;

pub use client::SlackApi;
pub use dispatch::SlackContext;
