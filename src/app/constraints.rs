//! Who may never be grouped: a member and anyone on their do-not-pair
//! list, a member and their manager. The engine honours both when it
//! forms pairs, trios and circles; this is the same rule for what changes
//! a group later — a newcomer's place in a circle, a merge of two circles.

use super::context::App;
use crate::domain::profile::Profile;
use crate::ids::{TeamId, UserId};
use crate::store::Doc;
use std::collections::HashSet;

/// The forbidden pairs among some members (each pair both ways round).
#[derive(Debug, Default)]
pub struct Forbidden(HashSet<(UserId, UserId)>);

impl Forbidden {
    /// From the members' profiles.
    pub fn of(people: &[(UserId, Profile)]) -> Forbidden {
        let mut pairs = HashSet::new();
        for (user, p) in people {
            for other in p.avoid.iter().chain(p.manager.as_ref()) {
                pairs.insert((user.clone(), other.clone()));
                pairs.insert((other.clone(), user.clone()));
            }
        }
        Forbidden(pairs)
    }

    /// Whether every one of `a` may be grouped with every one of `b`.
    pub fn allows(&self, a: &[UserId], b: &[UserId]) -> bool {
        a.iter()
            .all(|x| b.iter().all(|y| !self.0.contains(&(x.clone(), y.clone()))))
    }
}

/// The forbidden pairs among `people` (their profiles read at once).
pub async fn among(
    app: &App,
    team: &TeamId,
    people: &[UserId],
) -> Result<Forbidden, anyhow::Error> {
    let profiles: Vec<Profile> = app.docs.load_many(team, people, Doc::Profile).await?;
    let pairs: Vec<(UserId, Profile)> = people.iter().cloned().zip(profiles).collect();
    Ok(Forbidden::of(&pairs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn id(s: &str) -> UserId {
        UserId::parse(s).unwrap()
    }

    #[test]
    fn avoid_lists_and_managers_forbid_both_ways() {
        let ana = Profile {
            avoid: vec![id("U0BEN")],
            ..Profile::default()
        };
        let cat = Profile {
            manager: Some(id("U0DAN")),
            ..Profile::default()
        };
        let f = Forbidden::of(&[(id("U0ANA"), ana), (id("U0CAT"), cat)]);
        assert!(!f.allows(&[id("U0BEN")], &[id("U0ZED"), id("U0ANA")]));
        assert!(!f.allows(&[id("U0DAN")], &[id("U0CAT")]));
        assert!(f.allows(&[id("U0ANA"), id("U0CAT")], &[id("U0ZED")]));
    }
}
