//! What a round has left to deliver: its groups (with the engine's reasons)
//! and who sits out, stored when the round is recorded and read by the
//! delivery jobs (one per intro, sit-out and note), so any replica can
//! finish a round another began — after a crash or a deploy.

use crate::ids::UserId;
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct RoundPlan {
    /// The round this plan delivers (0: none yet).
    pub round: u32,
    /// When the round was run: first meetings are proposed from here, so a
    /// retried intro proposes the same time.
    pub at: Option<DateTime<Utc>>,
    pub groups: Vec<PlanGroup>,
    pub sat_out: Vec<SitOut>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanGroup {
    pub members: Vec<UserId>,
    /// A pair who both chose to keep meeting: told they continue, not
    /// introduced again.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub kept: bool,
    /// The engine's reasons, naming members by id.
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SitOut {
    pub user: UserId,
    pub reason: String,
}

impl RoundPlan {
    /// Group `index` of round `round`, if this plan is that round's (a plan
    /// replaced by a later round's delivers nothing for the earlier one).
    pub fn group(&self, round: u32, index: usize) -> Option<&PlanGroup> {
        (self.round == round)
            .then(|| self.groups.get(index))
            .flatten()
    }

    /// Why `user` sits out round `round`, if they do.
    pub fn sit_out(&self, round: u32, user: &UserId) -> Option<&str> {
        (self.round == round)
            .then(|| self.sat_out.iter().find(|s| &s.user == user))
            .flatten()
            .map(|s| s.reason.as_str())
    }

    /// The group `user` is in for round `round`.
    pub fn group_of(&self, round: u32, user: &UserId) -> Option<&PlanGroup> {
        (self.round == round)
            .then(|| self.groups.iter().find(|g| g.members.contains(user)))
            .flatten()
    }

    /// Takes `user` out (they asked to be forgotten): out of their group,
    /// and every reason that names them goes, since reasons name members;
    /// a group left with one person is no longer introduced.
    pub fn forget(&mut self, user: &UserId) -> bool {
        let before = self.clone();
        for group in &mut self.groups {
            if group.members.contains(user) {
                group.members.retain(|m| m != user);
                group.reasons.retain(|r| !r.contains(user.as_str()));
                if group.members.len() < 2 {
                    group.members.clear();
                    group.reasons.clear();
                }
            }
        }
        self.sat_out.retain(|s| &s.user != user);
        *self != before
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn user(id: &str) -> UserId {
        UserId::parse(id).unwrap()
    }

    fn plan() -> RoundPlan {
        RoundPlan {
            round: 3,
            at: None,
            groups: vec![
                PlanGroup {
                    kept: false,
                    members: vec![user("U0ANA"), user("U0BEN")],
                    reasons: vec!["U0ANA can help U0BEN with sql".into()],
                },
                PlanGroup {
                    kept: false,
                    members: vec![user("U0CAT"), user("U0DAN"), user("U0EVE")],
                    reasons: vec![
                        "U0CAT can help U0EVE with go".into(),
                        "different teams".into(),
                    ],
                },
            ],
            sat_out: vec![SitOut {
                user: user("U0FAY"),
                reason: "odd one out".into(),
            }],
        }
    }

    #[test]
    fn a_plan_answers_only_for_its_own_round() {
        let p = plan();
        assert_eq!(p.group(3, 1).unwrap().members.len(), 3);
        assert!(p.group(2, 1).is_none(), "an earlier round's job");
        assert!(p.group(3, 2).is_none());
        assert_eq!(p.sit_out(3, &user("U0FAY")), Some("odd one out"));
        assert_eq!(p.sit_out(4, &user("U0FAY")), None);
        assert_eq!(p.group_of(3, &user("U0BEN")), p.group(3, 0));
        assert!(p.group_of(3, &user("U0FAY")).is_none());
    }

    #[test]
    fn forgetting_leaves_no_trace_and_no_group_of_one() {
        let mut p = plan();
        assert!(p.forget(&user("U0ANA")));
        assert!(
            p.group(3, 0).unwrap().members.is_empty(),
            "Ben alone: no intro"
        );
        assert!(p.forget(&user("U0EVE")));
        assert_eq!(
            p.group(3, 1).unwrap().reasons,
            ["different teams"],
            "reasons naming her go"
        );
        assert!(p.forget(&user("U0FAY")));
        assert!(!p.forget(&user("U0FAY")), "nothing left to change");
        let json = serde_json::to_string(&p).unwrap();
        for gone in ["U0ANA", "U0EVE", "U0FAY"] {
            assert!(!json.contains(gone), "{json}");
        }
    }
}
