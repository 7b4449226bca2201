//! Managers on file: `tandem org import FILE.csv` loads an org chart
//! (`user_id,manager_id`) into members' profiles, and `/tandem admin org`
//! says how many members have one — counts only. Nobody is ever grouped
//! with their manager or their reports (the engine's hard constraint).

use super::admin;
use super::context::App;
use super::membership;
use super::model::Outcome;
use super::stats;
use crate::domain::figures::{percent, shown};
use crate::domain::profile::Membership;
use crate::ids::{TeamId, UserId};

/// What an import changed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct OrgImport {
    /// Members whose manager was set or changed.
    pub set: usize,
    /// Members whose manager was cleared (an empty `manager_id`).
    pub cleared: usize,
    /// Members already as the file says.
    pub unchanged: usize,
    /// Rows about people who have not joined the program (left alone).
    pub not_members: usize,
}

impl App {
    /// Sets each member's manager as `rows` say (`None`: none on file).
    /// Rows about people who never joined are counted and left alone: an
    /// org chart is no reason to create anyone's profile.
    pub async fn import_org(
        &self,
        team: &TeamId,
        rows: &[(UserId, Option<UserId>)],
    ) -> Result<OrgImport, anyhow::Error> {
        let members: std::collections::HashSet<UserId> =
            self.store.members(team).await?.into_iter().collect();
        let mut done = OrgImport::default();
        for (user, manager) in rows {
            if !members.contains(user) {
                done.not_members += 1;
                continue;
            }
            let manager = manager.clone().filter(|m| m != user);
            let (changed, _) = membership::update_profile(self, team, user, |p| {
                let changed = p.manager != manager;
                p.manager = manager.clone();
                Ok(if changed { "changed" } else { "" }.to_owned())
            })
            .await
            .map_err(|e| {
                anyhow::anyhow!(
                    "{user}: {}",
                    e.refusal()
                        .err()
                        .map_or("refused".into(), |e| e.to_string())
                )
            })?;
            match (changed.is_empty(), &manager) {
                (true, _) => done.unchanged += 1,
                (false, Some(_)) => done.set += 1,
                (false, None) => done.cleared += 1,
            }
        }
        Ok(done)
    }
}

/// `/tandem admin org`: how many members have a manager on file.
pub async fn admin_org(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    let (_, profiles) = match stats::profiles(app, team).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "org figures not served: store problem");
            return Outcome::store_down();
        }
    };
    let taking_part: Vec<_> = profiles
        .iter()
        .filter(|p| p.membership != Membership::Out)
        .collect();
    let with = taking_part.iter().filter(|p| p.manager.is_some()).count() as i64;
    let all = taking_part.len() as i64;
    let share = percent(with, all).map_or(String::new(), |p| format!(" ({p}%)"));
    Outcome::done(format!(
        "Managers on file: {} of {} members{share}. Nobody is paired or put in a circle with their manager or their reports. Members set theirs with `/tandem profile manager: @someone`; an operator can load an org chart with `tandem org import FILE.csv` (columns `user_id,manager_id`).",
        shown(with),
        shown(all)
    ))
}
