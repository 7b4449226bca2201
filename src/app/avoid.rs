//! A member's do-not-pair list: `/tandem avoid @x`, `avoid`, `avoid remove
//! @x`. It is theirs alone — never shown to the people on it, to admins, in
//! an intro, a reason or a figure; rounds and circles just never group
//! them (the engine's hard constraint).

use super::context::App;
use super::membership;
use super::model::Outcome;
use super::text::Text;
use crate::domain::profile::MAX_AVOID;
use crate::ids::{TeamId, UserId};
use crate::store::Doc;

/// `/tandem avoid`: the list, to its owner.
pub async fn list(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    match app
        .docs
        .load::<crate::domain::profile::Profile>(team, user, Doc::Profile)
        .await
    {
        Ok(p) if p.avoid.is_empty() => Outcome::done(
            "Your do-not-pair list is empty. `/tandem avoid @someone` keeps you from ever being paired or put in a circle with them — nobody is told.",
        ),
        Ok(p) => {
            let mut text = Text::from_spans(vec!["You'll never be paired or put in a circle with ".into()]);
            text.extend(Text::people(&p.avoid, ", "));
            text.push(". Only you can see this list; `/tandem avoid remove @someone` takes someone off.");
            Outcome::done(text)
        }
        Err(e) => {
            tracing::warn!(error = %e, "command not served: store problem");
            Outcome::store_down()
        }
    }
}

/// `/tandem avoid @x` (`add`) or `avoid remove @x`.
pub async fn change(app: &App, team: &TeamId, user: &UserId, who: &UserId, add: bool) -> Outcome {
    if add && who == user {
        return Outcome::refused("That's you — there's no pairing you with yourself.");
    }
    let result = membership::update_profile(app, team, user, |p| {
        let listed = p.avoid.contains(who);
        match (add, listed) {
            (true, true) | (false, false) => {}
            (true, false) if p.avoid.len() >= MAX_AVOID => {
                return Err(format!(
                "Your do-not-pair list holds {MAX_AVOID} people at most; take someone off first."
            ))
            }
            (true, false) => p.avoid.push(who.clone()),
            (false, true) => p.avoid.retain(|a| a != who),
        }
        Ok(String::new())
    })
    .await;
    match result {
        Ok(_) if add => Outcome::done(crate::text![
            "Done — you won't be paired or put in a circle with ",
            who,
            ". Nobody is told: not them, not program admins. `/tandem avoid remove` with their name undoes it."
        ]),
        Ok(_) => Outcome::done(crate::text![
            who,
            " is off your do-not-pair list: you may be paired again."
        ]),
        Err(e) => e.outcome(),
    }
}
