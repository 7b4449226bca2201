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
        program: program(app, team, user).await,
    })
}

/// The Program section, for admins only; none when it cannot be worked out
/// just now (logged: the member's own tab still shows).
async fn program(
    app: &App,
    team: &TeamId,
    user: &UserId,
) -> Option<Box<crate::domain::figures::ProgramStats>> {
    if !super::admin::is_admin(app, user).await {
        return None;
    }
    let period = crate::domain::figures::Period::Days(30);
    match super::stats::gather(app, team, period).await {
        Ok(stats) => Some(Box::new(stats)),
        Err(e) => {
            tracing::warn!(error = %e, "Program section left out: store problem");
            None
        }
    }
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
