//! Guests, bots and deactivated accounts are never grouped: before a round
//! or circles are formed, each candidate's account is asked of Slack (the
//! workspace port caches the answers). Not knowing is not "no": a member
//! whose account Slack could not describe just now stays in (logged).

use super::context::App;
use super::workspace::Account;
use crate::ids::UserId;
use std::collections::HashSet;

/// How many accounts are asked about at once.
const AT_ONCE: usize = 8;

/// Those of `candidates` whose account is not a full person's.
pub async fn not_people(app: &App, candidates: &[&UserId]) -> HashSet<UserId> {
    let mut out = HashSet::new();
    for chunk in candidates.chunks(AT_ONCE) {
        let asked =
            futures_util::future::join_all(chunk.iter().map(|u| app.workspace.account(u))).await;
        for (user, answer) in chunk.iter().zip(asked) {
            match answer {
                Ok(Account::Person) => {}
                Ok(_) => {
                    out.insert((*user).clone());
                }
                Err(e) => tracing::warn!(error = %e, "account kind unknown; kept in"),
            }
        }
    }
    out
}
