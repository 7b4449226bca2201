//! The admins' log: each admin action recorded (who, what, when, on whom)
//! and `/tandem admin log` to read the last fifty. Recording is best
//! effort: the action stands even if the log could not be written (logged).

use super::admin;
use super::context::App;
use super::model::{Outcome, Reply};
use crate::domain::admin_log::{AdminAct, LogEntry, KEEP};
use crate::ids::{TeamId, UserId};

/// Records that `admin` did `act` (to `member`).
pub async fn record(
    app: &App,
    team: &TeamId,
    admin: &UserId,
    act: AdminAct,
    member: Option<&UserId>,
) {
    let entry = LogEntry {
        at: app.now(),
        admin: Some(admin.clone()),
        act,
        member: member.cloned(),
        member_forgotten: false,
    };
    let result = app
        .docs
        .update_admin_log(team, |log| {
            log.record(entry.clone());
            Ok::<(), std::convert::Infallible>(())
        })
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, "admin action not logged");
    }
}

/// `/tandem admin log`: the last fifty actions, newest first.
pub async fn show(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    match app.docs.load_admin_log(team).await {
        Ok(log) => Outcome::reply(Reply::AdminLog(
            log.newest_first().take(KEEP).cloned().collect(),
        )),
        Err(e) => {
            tracing::warn!(error = %e, "admin log not served: store problem");
            Outcome::store_down()
        }
    }
}

/// Takes a forgotten member's id out of the log.
pub async fn forget(app: &App, team: &TeamId, user: &UserId) -> Result<(), anyhow::Error> {
    let changed = app
        .docs
        .update_admin_log(team, |log| if log.forget(user) { Ok(()) } else { Err(()) })
        .await;
    if let Err(e) = changed {
        e.refusal()?; // refused: nothing named them
    }
    Ok(())
}
