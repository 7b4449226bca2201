//! Members as the pairing engine sees them: the roster built from
//! profiles, engine groups turned back into members, and the workspace's
//! rounds history (read, and scrubbed of a forgotten member). Pure.

use super::model::PlannedGroup;
use super::text::Text;
use crate::domain::profile::{Membership, Profile};
use crate::ids::UserId;
use crate::meeting_time::Workday;
use crate::pairing::history::History;
use crate::pairing::roster::{Person, Roster, SkillSet};
use chrono::NaiveDate;
use chrono_tz::Tz;
use std::collections::HashMap;

/// Name of the workspace document holding past rounds.
pub const ROUNDS_DOC: &str = "rounds";

/// An engine group, its roster indices turned back into member ids.
pub fn planned_group(group: &crate::pairing::round::Group, roster: &Roster) -> PlannedGroup {
    let members: Vec<UserId> = group
        .members
        .iter()
        .map(|&i| member_of(roster, i))
        .collect();
    PlannedGroup {
        reasons: group
            .reasons
            .iter()
            .map(|r| Text::naming(r, &members))
            .collect(),
        members,
        score: group.score,
    }
}

/// The member behind roster index `i` (rosters are built from member ids).
pub fn member_of(roster: &Roster, i: usize) -> UserId {
    UserId::parse(&roster.people[i].id).expect("roster ids are member ids")
}

/// The stored rounds history (empty when no round has run).
pub fn parse_history(stored: Option<&str>) -> Result<History, super::documents::Corrupt> {
    match stored {
        Some(json) => serde_json::from_str(json).map_err(|_| super::documents::Corrupt("rounds")),
        None => Ok(History::default()),
    }
}

/// Builds the engine's roster from the members `keep` selects: only people
/// active on `today` with a complete profile take part. Names are member
/// ids, so the engine's reasons can be turned into mentions when shown.
/// Returns the roster, how many selected members are not ready (incomplete
/// profile) and how many are away (paused, or not selected).
pub fn roster_where(
    profiles: &[(UserId, Profile)],
    today: NaiveDate,
    default_tz: Tz,
    default_hours: Workday,
    keep: impl Fn(&UserId, &Profile) -> bool,
) -> (Roster, usize, usize) {
    let mut roster = Roster::default();
    let mut ids: HashMap<String, usize> = HashMap::new();
    let (mut not_ready, mut away) = (0, 0);
    for (user, p) in profiles {
        if !p.is_active(today) || !keep(user, p) {
            if p.membership != Membership::Out {
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
            // The id, which `Text::naming` turns into a mention when the
            // engine's reasons are shown.
            name: user.as_str().to_owned(),
            team: p.team.clone().unwrap_or_default(),
            level: p.level.unwrap_or(5),
            timezone: p
                .timezone
                .as_deref()
                .and_then(|t| t.parse().ok())
                .unwrap_or(default_tz),
            offers,
            wants,
            // Hard constraints: never their manager or reports, never
            // anyone on their own do-not-pair list.
            manager: p.manager.as_ref().map(|m| m.as_str().to_owned()),
            do_not_pair: p.avoid.iter().map(|a| a.as_str().to_owned()).collect(),
            hours: p.hours.unwrap_or(default_hours),
        });
    }
    (roster, not_ready, away)
}

/// A sit-out reason as it may be shown (to the member, and in the admin's
/// round summary): the engine counts whom do-not-pair lists and
/// manager lines ruled out, which would tell someone that a colleague
/// avoids them. Those counts are left out.
pub fn shown_reason(reason: &str) -> String {
    let private = ["is on a do-not-pair list", "is their manager or report"];
    let (Some(open), true) = (reason.find(" ("), reason.ends_with(')')) else {
        return reason.to_owned();
    };
    let kept: Vec<&str> = reason[open + 2..reason.len() - 1]
        .split(", ")
        .filter(|part| !private.iter().any(|p| part.ends_with(p)))
        .collect();
    if kept.is_empty() {
        reason[..open].to_owned()
    } else {
        format!("{} ({})", &reason[..open], kept.join(", "))
    }
}

/// Removes every mention of `user` from the history (for `forget`).
pub fn scrub(history: &mut History, user: &UserId) {
    let user = user.as_str();
    for round in &mut history.rounds {
        for group in &mut round.groups {
            group.members.retain(|m| m != user);
        }
        round.groups.retain(|g| !g.members.is_empty());
        round.sat_out.retain(|s| s.id != user);
    }
}

#[cfg(test)]
mod tests {
    use super::shown_reason;

    #[test]
    fn sit_out_reasons_never_tell_of_avoid_lists() {
        assert_eq!(
            shown_reason("nobody this round can be paired with them (2 is too far apart in level, 1 is on a do-not-pair list)"),
            "nobody this round can be paired with them (2 is too far apart in level)"
        );
        assert_eq!(
            shown_reason("nobody this round can be paired with them (1 is on a do-not-pair list, 1 is their manager or report)"),
            "nobody this round can be paired with them"
        );
        assert_eq!(
            shown_reason("odd number of people this round; they come first next round"),
            "odd number of people this round; they come first next round"
        );
    }
}
