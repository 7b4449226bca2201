//! Test harness in the zero-to-production style: `spawn_app()` starts the
//! real service on a random port against a fake Slack and a real Redis,
//! under a key prefix of its own so tests run in parallel. Split by job:
//! `spawn` (start, stop, crash), `forms` (Slack's signed payloads),
//! `drive` (acting as members), `peek` (reading Redis), `fake_slack`.

pub mod clocks;
pub mod drive;
pub mod fake_slack;
pub mod forms;
pub mod logs;
pub mod own_cluster;
pub mod own_redis;
pub mod peek;
pub mod spawn;

pub use drive::*;
pub use forms::*;
pub use logs::*;
pub use spawn::*;

use std::time::Duration;

pub const SIGNING_SECRET: &str = "8f742231b10e8888abcd99yyyzzz85a5";
pub use fake_slack::{APP_TOKEN, BOT_TOKEN};

/// How long a test waits for something asynchronous before failing.
pub const WAIT: Duration = Duration::from_secs(10);
