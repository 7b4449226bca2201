//! Who may run the program: workspace admins and owners (Slack says), and
//! the people listed in `program.admins`. Admin commands ask here first.

use super::context::App;
use super::model::Outcome;
use crate::ids::UserId;

/// Named in `program.admins`.
fn listed(app: &App, user: &UserId) -> bool {
    app.config.program.admins.iter().any(|a| a == user.as_str())
}

/// Whether `user` runs the program; `false` when Slack could not say
/// (logged), for what only shows more to admins (the Home tab).
pub async fn is_admin(app: &App, user: &UserId) -> bool {
    listed(app, user)
        || app.workspace.is_admin(user).await.unwrap_or_else(|e| {
            tracing::warn!(error = %e, "could not check admin status");
            false
        })
}

/// `Ok` for a program admin; otherwise the polite refusal to show.
pub async fn check(app: &App, user: &UserId) -> Result<(), Outcome> {
    let admin = listed(app, user)
        || match app.workspace.is_admin(user).await {
            Ok(admin) => admin,
            Err(e) => {
                // Not knowing is not the same as "no": say so, so an admin
                // is not told they lack rights during a Slack hiccup.
                tracing::warn!(error = %e, "could not check admin status");
                return Err(Outcome::refused(
                    "I couldn't ask Slack whether you're a workspace admin just now. Please try again in a minute.",
                ));
            }
        };
    if admin {
        Ok(())
    } else {
        Err(Outcome::refused(
            "Only program admins can run rounds: workspace admins and owners, and the people listed in `program.admins`.",
        ))
    }
}
