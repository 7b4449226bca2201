//! Semantic checks that serde cannot express: cron strings, time zones,
//! ranges. Each problem names the file or variable and the key.

use super::{Loaded, Problem};
use crate::ids::UserId;
use crate::schedule;

/// Upper bound for any score weight; keeps scores far from integer overflow
/// once the engine scales them to fixed point.
pub const MAX_WEIGHT: f64 = 1000.0;

/// Every problem in the loaded configuration (empty when it is valid).
pub fn validate(loaded: &Loaded) -> Vec<Problem> {
    let c = &loaded.config;
    let mut problems = Vec::new();
    let mut report = |key: &str, message: String| {
        problems.push(Problem {
            source: loaded.source_of(key),
            key: key.to_owned(),
            message,
        })
    };

    if c.server.port == 0 {
        report(
            "server.port",
            "must be a port number from 1 to 65535".into(),
        );
    }
    if !(1024..=16 * 1024 * 1024).contains(&c.server.max_body_bytes) {
        report(
            "server.max_body_bytes",
            "must be from 1024 to 16777216 bytes".into(),
        );
    }
    if c.server.shutdown_grace_secs > 300 {
        report(
            "server.shutdown_grace_secs",
            "must be at most 300 seconds".into(),
        );
    }

    let prefix = &c.store.key_prefix;
    if prefix.is_empty()
        || prefix.len() > 64
        || !prefix
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.')
    {
        report(
            "store.key_prefix",
            "must be 1–64 characters of letters, digits, '-', '_' or '.'".into(),
        );
    }
    if !(60..=86_400).contains(&c.store.event_dedupe_ttl_secs) {
        report(
            "store.event_dedupe_ttl_secs",
            "must be from 60 to 86400 seconds (Slack retries for about 5 minutes)".into(),
        );
    }

    for (i, admin) in c.program.admins.iter().enumerate() {
        if let Err(e) = UserId::parse(admin) {
            report(&format!("program.admins[{i}]"), e.to_string());
        }
    }
    for (key, channel) in [
        ("program.channel", &c.program.channel),
        ("program.report_channel", &c.program.report_channel),
    ] {
        let looks_like_channel = channel.len() >= 2
            && matches!(&channel[..1], "C" | "G")
            && channel
                .bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit());
        if !channel.is_empty() && !looks_like_channel {
            report(
                key,
                format!("{channel:?} is not a channel id; copy it from the channel's details (it starts with C or G), or leave it empty"),
            );
        }
    }
    if let Err(e) = schedule::parse_timezone(&c.program.default_timezone) {
        report("program.default_timezone", e.to_string());
    }
    for (key, value) in [
        ("program.round_schedule", &c.program.round_schedule),
        ("program.checkin_schedule", &c.program.checkin_schedule),
        ("circles.prompt_schedule", &c.circles.prompt_schedule),
    ] {
        if let Err(e) = schedule::parse_cron(value) {
            report(key, e.to_string());
        }
    }

    let p = &c.pairing;
    if !(0..=9).contains(&p.max_level_gap) {
        report("pairing.max_level_gap", "must be from 0 to 9".into());
    }
    if !(0.0..=24.0).contains(&p.min_overlap_hours) {
        report(
            "pairing.min_overlap_hours",
            "must be from 0 to 24 hours".into(),
        );
    }
    if !(1..=52).contains(&p.max_rounds_together) {
        report("pairing.max_rounds_together", "must be from 1 to 52".into());
    }
    if p.no_repeat_rounds > 52 {
        report("pairing.no_repeat_rounds", "must be at most 52".into());
    }
    if !(2..=1000).contains(&p.candidates_per_person) {
        report(
            "pairing.candidates_per_person",
            "must be from 2 to 1000".into(),
        );
    }
    for (name, value) in p.weights.named() {
        if !value.is_finite() || !(0.0..=MAX_WEIGHT).contains(&value) {
            report(
                &format!("pairing.weights.{name}"),
                format!("must be a number from 0 to {MAX_WEIGHT}, got {value}"),
            );
        }
    }

    if !(3..=6).contains(&c.circles.size) {
        report(
            "circles.size",
            "must be from 3 to 6 (peer circles work best small)".into(),
        );
    }
    let n = &c.nudges;
    if !(1..=52).contains(&n.stale_checkins) {
        report("nudges.stale_checkins", "must be from 1 to 52".into());
    }
    if !(1..=52).contains(&n.silent_checkins) {
        report("nudges.silent_checkins", "must be from 1 to 52".into());
    }
    if !(1..=52).contains(&n.fizzle_rounds) {
        report("nudges.fizzle_rounds", "must be from 1 to 52".into());
    }
    if !(1..=168).contains(&n.reminder_after_hours) {
        report(
            "nudges.reminder_after_hours",
            "must be from 1 to 168 hours".into(),
        );
    }
    let m = &c.meetings;
    if let Err(e) = crate::meeting_time::Workday::parse(&m.working_hours) {
        report("meetings.working_hours", e.to_string());
    }
    if !(15..=240).contains(&m.length_minutes) || m.length_minutes % 15 != 0 {
        report(
            "meetings.length_minutes",
            "must be 15 to 240 minutes, in steps of 15".into(),
        );
    }
    if !(1..=120).contains(&m.reminder_minutes) {
        report(
            "meetings.reminder_minutes",
            "must be from 1 to 120 minutes".into(),
        );
    }
    let sch = &c.scheduler;
    if !(50..=600_000).contains(&sch.tick_ms) {
        report("scheduler.tick_ms", "must be from 50 to 600000 ms".into());
    }
    if !(5..=3600).contains(&sch.lease_secs) {
        report(
            "scheduler.lease_secs",
            "must be from 5 to 3600 seconds".into(),
        );
    }
    if !(1..=1000).contains(&sch.batch) {
        report("scheduler.batch", "must be from 1 to 1000".into());
    }
    if !(100..=120_000).contains(&c.slack.timeout_ms) {
        report("slack.timeout_ms", "must be from 100 to 120000 ms".into());
    }
    problems
}
