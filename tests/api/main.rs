//! The integration suite as one test binary (as zero-to-production does):
//! one link instead of one per file, and `support/` compiled once.
//! Each module is one feature, driven end to end through the real service.

mod support;

mod admin_controls;
mod chaos;
mod checkins;
mod circles;
mod cli;
mod encryption;
mod engine_scale;
mod forget;
mod goals_notes;
mod home_and_welcome;
mod http_mode;
mod managed_redis;
mod matching;
mod meetings;
mod membership;
mod nudges;
mod pairing;
mod profile_modal;
mod program_health;
mod redis_cluster;
mod redis_outage;
mod relationships;
mod round_delivery;
mod rounds;
mod scheduler;
mod slack_errors;
mod socket_mode;
mod store_contract;
mod supervision;
mod view_snapshots;
