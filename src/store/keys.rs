//! Every Redis key format, in one place.
//!
//! Keys are `<prefix>:{<team>}:<kind>:…`. The team id sits in a Redis Cluster
//! hash tag so that all of one workspace's keys live in one slot: multi-key
//! transactions and Lua scripts work on Cluster, and workspaces never share
//! a key.

use crate::ids::{TeamId, UserId};

/// Longest event id we key on; Slack's are ~12 characters.
const MAX_EVENT_ID_LEN: usize = 64;

#[derive(Debug, Clone)]
pub struct Keys {
    prefix: String,
}

impl Keys {
    pub fn new(prefix: impl Into<String>) -> Self {
        Self {
            prefix: prefix.into(),
        }
    }

    pub fn prefix(&self) -> &str {
        &self.prefix
    }

    fn team(&self, team: &TeamId) -> String {
        format!("{}:{{{}}}", self.prefix, team)
    }

    /// The set of a workspace's members.
    pub fn members(&self, team: &TeamId) -> String {
        format!("{}:members", self.team(team))
    }

    /// A workspace-wide document such as the rounds history.
    pub fn team_doc(&self, team: &TeamId, name: &str) -> String {
        format!("{}:doc:{}", self.team(team), name)
    }

    /// Due jobs (sorted set: job → due time, Unix ms).
    pub fn jobs_due(&self, team: &TeamId) -> String {
        format!("{}:jobs:due", self.team(team))
    }

    /// Claimed jobs (sorted set: job → lease expiry, Unix ms).
    pub fn jobs_leased(&self, team: &TeamId) -> String {
        format!("{}:jobs:leased", self.team(team))
    }

    /// Failed runs in a row (hash: job → count), for retry back-off.
    pub fn jobs_failures(&self, team: &TeamId) -> String {
        format!("{}:jobs:failures", self.team(team))
    }

    /// Who holds each lease (hash: job → owner).
    pub fn jobs_owner(&self, team: &TeamId) -> String {
        format!("{}:jobs:owner", self.team(team))
    }

    /// Digests of members who asked to be forgotten (sorted set: digest →
    /// when, Unix ms): writes about them are refused, so a job still
    /// running for them cannot recreate what `forget` erased.
    pub fn forgotten(&self, team: &TeamId) -> String {
        format!("{}:forgotten", self.team(team))
    }

    /// How a member stands in the `forgotten` fence: a digest of their id
    /// (SHA-256, hex), never the id itself.
    pub fn fence_id(user: &UserId) -> String {
        use sha2::Digest;
        sha2::Sha256::digest(user.as_str().as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// The program's counts for one day (`YYYY-MM-DD`) or `all` time
    /// (hash: figure → count). Counts only: nothing here names anyone.
    pub fn tally(&self, team: &TeamId, day: &str) -> String {
        format!("{}:tally:{}", self.team(team), day)
    }

    /// One member's own counts (hash: `figure` and `figure@day` → count),
    /// under their prefix so `forget` erases it.
    pub fn member_tally(&self, team: &TeamId, user: &UserId) -> String {
        format!("{}:user:{}:tally", self.team(team), user)
    }

    /// A round's figures (hash: figure → value), counts only.
    pub fn round_figures(&self, team: &TeamId, round: u32) -> String {
        format!("{}:round:{}:figures", self.team(team), round)
    }

    /// A program-wide value such as the encryption canary.
    pub fn meta(&self, name: &str) -> String {
        format!("{}:meta:{}", self.prefix, name)
    }

    /// Everything under one member: the pattern `forget` erases.
    pub fn member_prefix(&self, team: &TeamId, user: &UserId) -> String {
        format!("{}:user:{}:", self.team(team), user)
    }

    /// A member's document (`goals`, `notes`).
    pub fn doc(&self, team: &TeamId, user: &UserId, doc: super::Doc) -> String {
        format!("{}:user:{}:{}", self.team(team), user, doc.name())
    }

    /// Marker that an event id was seen (`SET NX` with a TTL). A `:` (in
    /// scheduled jobs' marks, `sent:checkin:U0ANA:…`) becomes `.`, so a
    /// member's marks can be found by their id between dots.
    pub fn event_seen(&self, team: &TeamId, event_id: &str) -> String {
        let id: String = event_id
            .chars()
            .map(|c| if c == ':' { '.' } else { c })
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_' || *c == '.')
            .take(MAX_EVENT_ID_LEN)
            .collect();
        format!("{}:event:{}", self.team(team), id)
    }

    /// A `SCAN` pattern for every sent-mark of a member's jobs
    /// (`…:event:sent.<kind>.<user>.…`): `forget` erases them too. Ids hold
    /// no glob characters (checked when parsed).
    pub fn member_marks_pattern(&self, team: &TeamId, user: &UserId) -> String {
        format!("{}:event:sent.*.{}.*", self.team(team), user)
    }

    /// `SCAN` patterns matching every member document and every workspace
    /// document under this prefix (with other keys; [`Keys::parse_doc`]
    /// picks the documents out).
    pub fn doc_patterns(&self) -> [String; 2] {
        [
            format!("{}:{{*}}:user:*", self.prefix),
            format!("{}:{{*}}:doc:*", self.prefix),
        ]
    }

    /// The document a key holds, if it is a document's key.
    pub fn parse_doc(&self, key: &str) -> Option<super::DocSlot> {
        let rest = key.strip_prefix(&self.prefix)?.strip_prefix(":{")?;
        let (team, rest) = rest.split_once("}:")?;
        let team = TeamId::parse(team).ok()?;
        if let Some(name) = rest.strip_prefix("doc:") {
            return Some(super::DocSlot::Team {
                team,
                name: name.to_owned(),
            });
        }
        let (user, doc) = rest.strip_prefix("user:")?.split_once(':')?;
        Some(super::DocSlot::Member {
            team,
            user: UserId::parse(user).ok()?,
            doc: super::Doc::from_name(doc)?,
        })
    }

    /// Whether `key` is one of the member's sent-marks (the pattern above).
    pub fn is_member_mark(&self, key: &str, team: &TeamId, user: &UserId) -> bool {
        key.strip_prefix(&format!("{}:event:sent.", self.team(team)))
            .is_some_and(|rest| rest.contains(&format!(".{user}.")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn team_is_a_hash_tag() {
        let k = Keys::new("tandem");
        let t = TeamId::parse("T0123").unwrap();
        assert_eq!(k.event_seen(&t, "Ev01ABC"), "tandem:{T0123}:event:Ev01ABC");
    }

    #[test]
    fn document_keys_are_read_back() {
        use crate::store::{Doc, DocSlot};
        let k = Keys::new("p");
        let t = TeamId::parse("T1").unwrap();
        let u = UserId::parse("U0ANA").unwrap();
        assert_eq!(
            k.parse_doc(&k.doc(&t, &u, Doc::Goals)),
            Some(DocSlot::Member {
                team: t.clone(),
                user: u.clone(),
                doc: Doc::Goals
            })
        );
        assert_eq!(
            k.parse_doc(&k.team_doc(&t, "circles")),
            Some(DocSlot::Team {
                team: t.clone(),
                name: "circles".into()
            })
        );
        for other in [
            k.members(&t),
            k.jobs_due(&t),
            k.meta("x"),
            k.event_seen(&t, "E1"),
            "q:{T1}:doc:circles".into(),
            "p:{T1}:user:U0ANA:unknown".into(),
        ] {
            assert_eq!(k.parse_doc(&other), None, "{other}");
        }
    }

    #[test]
    fn event_ids_cannot_escape_their_key() {
        let k = Keys::new("p");
        let t = TeamId::parse("T1").unwrap();
        assert_eq!(k.event_seen(&t, "a}:{b c*"), "p:{T1}:event:a.bc");
    }
}
