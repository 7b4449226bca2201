//! Program admins acting on one member: `admin pause @x [2w | until
//! DATE]`, `admin resume @x`, `admin remove @x` (with a confirm button).
//! The member is told by DM, politely and by whom; the admin sees only
//! what changed — never the member's profile, goals or notes — and every
//! action goes in the admins' log.

use super::admin;
use super::admin_log;
use super::circles;
use super::context::App;
use super::documents::UpdateError;
use super::home;
use super::membership;
use super::model::{Effect, Outcome, Reply};
use super::queue;
use super::text::Text;
use crate::domain::admin_log::AdminAct;
use crate::domain::profile::{self, Membership, Profile};
use crate::ids::{TeamId, UserId};

/// What the admin is told when the store did not answer or the member is
/// not in the program.
fn not_in(member: &UserId) -> Outcome {
    Outcome::refused(crate::text![
        member,
        " isn't in the program, so there is nothing to change. Only they can join, with `/tandem join`."
    ])
}

/// The member's change saved, or why not.
async fn change(
    app: &App,
    team: &TeamId,
    member: &UserId,
    f: impl Fn(&mut Profile) -> Result<String, String>,
) -> Result<Profile, Outcome> {
    match membership::update_profile(app, team, member, f).await {
        Ok((_, profile)) => Ok(profile),
        Err(UpdateError::Refused(_)) => Err(not_in(member)),
        Err(e) => Err(e.outcome()),
    }
}

/// The DM to the member, their Home tab redrawn, and out of their circle
/// when they no longer take part.
async fn tell(
    app: &App,
    team: &TeamId,
    member: &UserId,
    text: Text,
    leave_circle: bool,
) -> Vec<Effect> {
    let mut effects = vec![Effect::Notice {
        user: member.clone(),
        text,
    }];
    if leave_circle {
        match circles::leave(app, team, member).await {
            Ok(more) => effects.extend(more),
            Err(e) => tracing::warn!(error = %e, "could not take the member out of their circle"),
        }
    }
    effects.extend(home::refresh(app, team, member).await);
    effects
}

/// `admin pause @x [2w | until DATE]`.
pub async fn pause(
    app: &App,
    team: &TeamId,
    admin_id: &UserId,
    member: &UserId,
    spec: &str,
) -> Outcome {
    if let Err(refusal) = admin::check(app, admin_id).await {
        return refusal;
    }
    let today = app.now().date_naive();
    let until = match profile::parse_pause(spec, today) {
        Ok(until) => until,
        Err(e) => return Outcome::refused(e.to_string()),
    };
    let profile = match change(app, team, member, |p| {
        if p.membership == Membership::Out {
            return Err(String::new());
        }
        p.set_membership(Membership::Paused { until });
        Ok(String::new())
    })
    .await
    {
        Ok(p) => p,
        Err(outcome) => return outcome,
    };
    if let Membership::Paused { until: Some(last) } = profile.membership {
        queue::pause_end(app, team, member, &profile, last).await;
    }
    let when = match until {
        Some(d) => format!(" until {}", d.format("%a %-d %b %Y")),
        None => String::new(),
    };
    let notice = crate::text![
        "A program admin, ",
        admin_id,
        format!(
            ", has paused your Tandem membership{when}: no pairing or check-ins meanwhile. Nothing of yours has changed, and `/tandem resume` brings you back whenever you like."
        )
    ];
    let effects = tell(app, team, member, notice, true).await;
    admin_log::record(
        app,
        team,
        admin_id,
        AdminAct::Paused { until },
        Some(member),
    )
    .await;
    Outcome::done(crate::text![
        "Paused ",
        member,
        format!(
            "{when}; they've been told by DM. `/tandem admin resume` with their name undoes it."
        )
    ])
    .with_effects(effects)
}

/// `admin resume @x`.
pub async fn resume(app: &App, team: &TeamId, admin_id: &UserId, member: &UserId) -> Outcome {
    if let Err(refusal) = admin::check(app, admin_id).await {
        return refusal;
    }
    let mut was_paused = false;
    let before: Result<Profile, _> = app
        .docs
        .load(team, member, crate::store::Doc::Profile)
        .await;
    if let Ok(p) = &before {
        was_paused = matches!(p.membership, Membership::Paused { .. });
    }
    if let Err(outcome) = change(app, team, member, |p| match p.membership {
        Membership::Out => Err(String::new()),
        _ => {
            p.set_membership(Membership::Active);
            Ok(String::new())
        }
    })
    .await
    {
        return outcome;
    }
    if !was_paused {
        return Outcome::done(crate::text![
            member,
            " is not paused: they're already taking part."
        ]);
    }
    let notice = crate::text![
        "A program admin, ",
        admin_id,
        ", has resumed your Tandem membership: you'll be in the next round and get your check-ins again. `/tandem pause` any time."
    ];
    let effects = tell(app, team, member, notice, false).await;
    admin_log::record(app, team, admin_id, AdminAct::Resumed, Some(member)).await;
    Outcome::done(crate::text![
        "Resumed ",
        member,
        "; they've been told by DM."
    ])
    .with_effects(effects)
}

/// `admin remove @x`: asks first.
pub async fn confirm_remove(
    app: &App,
    team: &TeamId,
    admin_id: &UserId,
    member: &UserId,
) -> Outcome {
    if let Err(refusal) = admin::check(app, admin_id).await {
        return refusal;
    }
    match app
        .docs
        .load::<Profile>(team, member, crate::store::Doc::Profile)
        .await
    {
        Ok(p) if p.membership == Membership::Out => not_in(member),
        Ok(_) => Outcome::reply(Reply::ConfirmRemove {
            member: member.clone(),
        }),
        Err(e) => {
            tracing::warn!(error = %e, "command not served: store problem");
            Outcome::store_down()
        }
    }
}

/// The confirm button: out of the program, told by DM.
pub async fn remove(app: &App, team: &TeamId, admin_id: &UserId, member: &UserId) -> Outcome {
    if let Err(refusal) = admin::check(app, admin_id).await {
        return refusal;
    }
    if let Err(outcome) = change(app, team, member, |p| {
        if p.membership == Membership::Out {
            return Err(String::new());
        }
        p.set_membership(Membership::Out);
        Ok(String::new())
    })
    .await
    {
        return outcome;
    }
    let notice = crate::text![
        "A program admin, ",
        admin_id,
        ", has taken you out of the Tandem program: no more pairing or check-ins. Your goals and notes stay yours — `/tandem join` brings you back, and `/tandem forget` erases everything Tandem holds about you."
    ];
    let effects = tell(app, team, member, notice, true).await;
    admin_log::record(app, team, admin_id, AdminAct::Removed, Some(member)).await;
    Outcome::done(crate::text![
        "Removed ",
        member,
        " from the program; they've been told by DM. They can rejoin with `/tandem join`."
    ])
    .with_effects(effects)
}
