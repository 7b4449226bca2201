//! What program admins did, for `admin log`: who, what, when — the last
//! [`KEEP`] actions, none older than [`KEEP_DAYS`] days. It names people
//! (the admin, the member acted on), so it is sealed like members'
//! documents, and forgetting someone takes their id out of it.

use crate::ids::UserId;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// How many actions are kept (and shown).
pub const KEEP: usize = 50;
/// How long an action is kept.
pub const KEEP_DAYS: i64 = 180;

/// What an admin did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub enum AdminAct {
    Round { round: u32 },
    Checkins { sent: usize },
    Circles { formed: usize },
    BoundCircle,
    Paused { until: Option<NaiveDate> },
    Resumed,
    Removed,
    Exported { period: String },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LogEntry {
    pub at: DateTime<Utc>,
    /// `None` once the admin asked to be forgotten.
    pub admin: Option<UserId>,
    pub act: AdminAct,
    /// The member acted on, if any (`None` once they were forgotten, or
    /// for actions on no one).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub member: Option<UserId>,
    /// The member acted on has since been forgotten.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub member_forgotten: bool,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminLog {
    /// Oldest first.
    pub entries: Vec<LogEntry>,
}

/// The workspace document holding the log.
pub const ADMIN_LOG_DOC: &str = "admin-log";

impl AdminLog {
    /// Adds `entry`; entries past [`KEEP_DAYS`] (by `entry.at`) or beyond
    /// the last [`KEEP`] go.
    pub fn record(&mut self, entry: LogEntry) {
        let oldest = entry.at - Duration::days(KEEP_DAYS);
        self.entries.push(entry);
        self.entries.retain(|e| e.at >= oldest);
        let extra = self.entries.len().saturating_sub(KEEP);
        self.entries.drain(..extra);
    }

    /// Takes `user`'s id out of every entry (they asked to be forgotten).
    pub fn forget(&mut self, user: &UserId) -> bool {
        let mut changed = false;
        for e in &mut self.entries {
            if e.admin.as_ref() == Some(user) {
                e.admin = None;
                changed = true;
            }
            if e.member.as_ref() == Some(user) {
                e.member = None;
                e.member_forgotten = true;
                changed = true;
            }
        }
        changed
    }

    /// Newest first, as `admin log` shows them.
    pub fn newest_first(&self) -> impl Iterator<Item = &LogEntry> {
        self.entries.iter().rev()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(day: u32, admin: &str) -> LogEntry {
        LogEntry {
            at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap() + Duration::days(i64::from(day)),
            admin: Some(UserId::parse(admin).unwrap()),
            act: AdminAct::Resumed,
            member: Some(UserId::parse("U0ANA").unwrap()),
            member_forgotten: false,
        }
    }

    #[test]
    fn keeps_the_last_fifty_within_180_days() {
        let mut log = AdminLog::default();
        for day in 0..60 {
            log.record(entry(day, "U0ADMIN1"));
        }
        assert_eq!(log.entries.len(), KEEP);
        assert_eq!(log.newest_first().next().unwrap(), &entry(59, "U0ADMIN1"));
        log.record(entry(300, "U0ADMIN1"));
        assert_eq!(log.entries.len(), 1, "older than 180 days goes");
    }

    #[test]
    fn forgetting_takes_ids_out() {
        let mut log = AdminLog::default();
        log.record(entry(0, "U0ADMIN1"));
        assert!(log.forget(&UserId::parse("U0ANA").unwrap()));
        assert_eq!(log.entries[0].member, None);
        assert!(log.entries[0].member_forgotten);
        assert!(log.forget(&UserId::parse("U0ADMIN1").unwrap()));
        assert_eq!(log.entries[0].admin, None);
        assert!(!log.forget(&UserId::parse("U0BEN").unwrap()));
    }
}
