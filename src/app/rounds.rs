//! Running a pairing round from Slack: who takes part, the engine's plan,
//! the history it feeds, and what each person is told.

use super::profile::{Format, Profile};
use crate::ids::UserId;
use crate::pairing::history::History;
use crate::pairing::roster::{Person, Roster, SkillSet};
use chrono::NaiveDate;
use chrono_tz::Tz;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Name of the workspace document holding past rounds.
pub const ROUNDS_DOC: &str = "rounds";

/// A member's current pairing (stored per member, so `forget` takes it too).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairing {
    pub round: u32,
    pub partners: Vec<String>,
    /// The meeting rhythm this member chose at kickoff, if any.
    #[serde(default)]
    pub cadence: Option<super::profile::Cadence>,
    /// Asked for a new partner after not meeting: matched first next round.
    #[serde(default)]
    pub repair: bool,
}

/// One group of a planned round, for replies and intros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGroup {
    pub members: Vec<UserId>,
    /// Points, in hundredths.
    pub score: i64,
    pub reasons: Vec<String>,
}

impl PlannedGroup {
    /// An engine group, its roster indices turned back into member ids.
    pub fn from_engine(group: &crate::pairing::round::Group, roster: &Roster) -> Self {
        Self {
            members: group
                .members
                .iter()
                .map(|&i| member_of(roster, i))
                .collect(),
            score: group.score,
            reasons: group.reasons.clone(),
        }
    }
}

/// The member behind roster index `i` (rosters are built from member ids).
pub fn member_of(roster: &Roster, i: usize) -> UserId {
    UserId::parse(&roster.people[i].id).expect("roster ids are member ids")
}

/// The stored rounds history (empty when no round has run).
pub fn parse_history(stored: Option<&str>) -> Result<History, super::Corrupt> {
    match stored {
        Some(json) => serde_json::from_str(json).map_err(|_| super::Corrupt("rounds")),
        None => Ok(History::default()),
    }
}

/// A round as the admin sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSummary {
    pub number: u32,
    pub preview: bool,
    pub groups: Vec<PlannedGroup>,
    pub sat_out: Vec<(UserId, String)>,
    /// Joined and active but with an incomplete profile.
    pub not_ready: usize,
    /// Paused or circle-only members, not in this round.
    pub away: usize,
}

/// Builds the engine's roster from member profiles: only people active on
/// `today` with a complete profile who want 1:1 (or either) take part.
/// Names are Slack mentions so reasons read naturally in Slack.
pub fn roster_of(
    profiles: &[(UserId, Profile)],
    today: NaiveDate,
    default_tz: Tz,
) -> (Roster, usize, usize) {
    roster_where(profiles, today, default_tz, |_, p| {
        p.format != Format::Circle
    })
}

/// The same, for members `keep` selects (e.g. those wanting a circle).
/// Returns the roster, how many selected members are not ready (incomplete
/// profile) and how many are away (paused, or not selected).
pub fn roster_where(
    profiles: &[(UserId, Profile)],
    today: NaiveDate,
    default_tz: Tz,
    keep: impl Fn(&UserId, &Profile) -> bool,
) -> (Roster, usize, usize) {
    let mut roster = Roster::default();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let (mut not_ready, mut away) = (0, 0);
    for (user, p) in profiles {
        if !p.is_active(today) || !keep(user, p) {
            if p.membership != super::profile::Membership::Out {
                away += 1;
            }
            continue;
        }
        if !p.missing().is_empty() {
            not_ready += 1;
            continue;
        }
        let mut set = |names: &[String]| {
            let mut s = SkillSet::default();
            for n in names {
                let next = ids.len();
                let id = *ids.entry(n.clone()).or_insert_with(|| {
                    roster.skills.push(n.clone());
                    next
                });
                s.insert(id);
            }
            s
        };
        let offers = set(&p.offers);
        let wants = set(&p.wants);
        roster.people.push(Person {
            id: user.as_str().to_owned(),
            name: format!("<@{user}>"),
            team: p.team.clone().unwrap_or_default(),
            level: p.level.unwrap_or(5),
            timezone: p
                .timezone
                .as_deref()
                .and_then(|t| t.parse().ok())
                .unwrap_or(default_tz),
            offers,
            wants,
            manager: None,
            do_not_pair: Vec::new(),
        });
    }
    (roster, not_ready, away)
}

/// Removes every mention of `user` from the history (for `forget`).
pub fn scrub(history: &mut History, user: &str) {
    for round in &mut history.rounds {
        for group in &mut round.groups {
            group.members.retain(|m| m != user);
        }
        round.groups.retain(|g| !g.members.is_empty());
        round.sat_out.retain(|s| s.id != user);
    }
}
