//! Tandem: a self-hosted Slack bot for workplace peer mentoring.
//!
//! Module map (see ARCHITECTURE.md for the invariants):
//! - [`cli`] — the `tandem` command line (`serve`, `check-config`, `match`).
//! - [`match_cmd`] — `tandem match`, the offline pairing preview.
//! - [`pairing`] — the pure pairing engine (matching, scores, circles).
//! - [`startup`] — builds and runs the service; tests call it directly.
//! - [`config`] — the TOML config with `TANDEM__…` overrides, and its checks.
//! - [`settings`] — secrets and endpoints from the environment.
//! - [`domain`] — the documents and their rules; pure.
//! - [`app`] — use cases; knows neither Slack's wire format nor Redis.
//! - [`slack`] — the only module that knows Slack: transports, payloads,
//!   signature checks, Block Kit views, Web API client.
//! - [`store`] — the only module that knows Redis (plus an in-memory twin).
//! - [`schedule`] — cron and time-zone maths; pure.
//! - [`meeting_time`] — working hours and meeting slots; pure.
//! - [`calendar`] — the `.ics` invite of a confirmed meeting; pure.
//! - [`scheduler`] — claims due jobs (rounds, check-ins) and runs them.
//! - [`ops`] — `/healthz`, `/readyz`, `/metrics`.
//! - [`metrics`], [`telemetry`], [`ids`] — cross-cutting pieces.

pub mod app;
pub mod calendar;
pub mod charts;
pub mod cli;
pub mod clock;
pub mod config;
pub mod crypto;
pub mod domain;
pub mod huge_pages;
pub mod ids;
pub mod match_cmd;
pub mod meeting_time;
pub mod metrics;
pub mod ops;
pub mod org_cmd;
pub mod pairing;
pub mod schedule;
pub mod scheduler;
pub mod settings;
pub mod slack;
pub mod startup;
pub mod store;
mod tasks;
pub mod telemetry;
