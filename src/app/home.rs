//! What a member's Home tab shows (only their own data), and the effects
//! that refresh it.

use super::context::App;
use super::model::{CircleHome, Effect, HomeModel};
use crate::ids::{TeamId, UserId};
use crate::store::Doc;

/// Everything the member's Home tab shows.
pub async fn model(app: &App, team: &TeamId, user: &UserId) -> Result<HomeModel, anyhow::Error> {
    Ok(HomeModel {
        profile: app.docs.load(team, user, Doc::Profile).await?,
        goals: app.docs.load(team, user, Doc::Goals).await?,
        notes: app.docs.load(team, user, Doc::Notes).await?,
        shelf: app.docs.load(team, user, Doc::Shelf).await?,
        pairing: app.docs.load(team, user, Doc::Pairing).await?,
        circle: circle(app, team, user).await?,
        today: Some(app.now().date_naive()),
    })
}

/// My circle, if I am in one.
async fn circle(
    app: &App,
    team: &TeamId,
    user: &UserId,
) -> Result<Option<CircleHome>, anyhow::Error> {
    let book = app.docs.load_circles(team).await?;
    Ok(book.of_member(user).map(|c| CircleHome {
        channel: c.channel.clone(),
        members: c.members.clone(),
        rotation: c.upcoming(),
        facilitator: c.facilitator.clone(),
        next_prompt: app.time.next_prompt(app.now()),
    }))
}

/// The Home tab refresh for `user`; none (logged) when their data does not
/// load.
pub async fn refresh(app: &App, team: &TeamId, user: &UserId) -> Option<Effect> {
    match model(app, team, user).await {
        Ok(home) => Some(Effect::PublishHome {
            user: user.clone(),
            home,
        }),
        Err(e) => {
            tracing::warn!(error = %e, "Home tab not refreshed");
            None
        }
    }
}

/// Home tab refreshes for `members` (those whose data loads).
pub async fn refresh_all(app: &App, team: &TeamId, members: &[UserId]) -> Vec<Effect> {
    let mut effects = Vec::new();
    for m in members {
        effects.extend(refresh(app, team, m).await);
    }
    effects
}
