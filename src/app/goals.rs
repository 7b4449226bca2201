//! A member's goals: list, add, break into steps, done, drop, share with
//! partners or keep private; the "add a goal" and "add a next step" modals.

use super::context::App;
use super::documents::{changed, UpdateError};
use super::ledger;
use super::model::{AfterSave, Effect, Outcome, Reply, SubmitOutcome};
use crate::domain::goals::{GoalBook, GoalError, GoalState};
use crate::ids::{TeamId, UserId};
use crate::store::Doc;

/// Changes a member's goals and counts what changed (goals set, done).
pub async fn update_counted<R, E>(
    app: &App,
    team: &TeamId,
    user: &UserId,
    f: impl Fn(&mut GoalBook) -> Result<R, E>,
) -> Result<(R, GoalBook), UpdateError<E>> {
    let ((headline, before), book) = app
        .docs
        .update(team, user, Doc::Goals, |b: &mut GoalBook| {
            let before = ledger::goal_counts(b);
            f(b).map(|r| (r, before))
        })
        .await?;
    let counts = ledger::change(&before, &ledger::goal_counts(&book));
    ledger::count(app, team, Some(user), &counts).await;
    Ok((headline, book))
}

async fn change(
    app: &App,
    team: &TeamId,
    user: &UserId,
    f: impl Fn(&mut GoalBook) -> Result<String, GoalError>,
) -> Outcome {
    let result = update_counted(app, team, user, f).await;
    changed(result, |h, book| Reply::Goals {
        headline: Some(h),
        book,
    })
}

/// `/tandem goals`.
pub async fn list(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    match app.docs.load::<GoalBook>(team, user, Doc::Goals).await {
        Ok(book) => {
            let headline = (book.active().count() == 0).then(|| {
                "You have no active goals yet. Add one with `/tandem goal add <text>`.".to_owned()
            });
            Outcome::reply(Reply::Goals { headline, book })
        }
        Err(e) => {
            tracing::warn!(error = %e, "command not served: store problem");
            Outcome::store_down()
        }
    }
}

pub async fn add(app: &App, team: &TeamId, user: &UserId, text: &str) -> Outcome {
    change(app, team, user, |b| {
        b.add(text).map(|n| {
            format!("Added goal {n}. Break it into steps with `/tandem goal step {n} <next step>`.")
        })
    })
    .await
}

pub async fn add_step(app: &App, team: &TeamId, user: &UserId, n: u32, text: &str) -> Outcome {
    change(app, team, user, |b| {
        b.add_step(n, text)
            .map(|_| format!("Added a step to goal {n}."))
    })
    .await
}

pub async fn set_state(
    app: &App,
    team: &TeamId,
    user: &UserId,
    n: u32,
    state: GoalState,
) -> Outcome {
    change(app, team, user, |b| {
        b.set_state(n, state).map(|_| match state {
            GoalState::Done => format!("Goal {n} is done. Well done!"),
            GoalState::Dropped => format!("Dropped goal {n}."),
            GoalState::Active => format!("Goal {n} is active."),
        })
    })
    .await
}

pub async fn share(app: &App, team: &TeamId, user: &UserId, n: u32, shared: bool) -> Outcome {
    change(app, team, user, |b| {
        b.set_shared(n, shared).map(|_| if shared {
            format!("Goal {n} is shared: your partner sees it in your intro and how it moves at check-ins. `/tandem goal private {n}` undoes it.")
        } else {
            format!("Goal {n} is private again: partners see only counts.")
        })
    })
    .await
}

/// The Home tab's "Add a goal" button: the one-field modal.
pub fn open_goal(trigger: Option<&str>) -> Outcome {
    let modal = trigger.map(|trigger| Effect::OpenGoalModal {
        trigger: trigger.to_owned(),
    });
    Outcome::done("Add a goal with `/tandem goal add <text>`.").with_effects(modal)
}

/// Opens the "add a next step" modal for a goal that is still active.
pub async fn open_step(
    app: &App,
    team: &TeamId,
    user: &UserId,
    trigger: Option<&str>,
    goal: u32,
) -> Outcome {
    let book: GoalBook = match app.docs.load(team, user, Doc::Goals).await {
        Ok(b) => b,
        Err(_) => return Outcome::store_down(),
    };
    if !book.active().any(|g| g.number == goal) {
        return Outcome::refused(format!(
            "Goal {goal} is no longer active. `/tandem goals` shows the ones that are."
        ));
    }
    let modal = trigger.map(|trigger| Effect::OpenStepModal {
        trigger: trigger.to_owned(),
        goal,
    });
    Outcome::reply(Reply::Silent).with_effects(modal)
}

/// The "add a goal" modal's submit: the goal, or the reason it was refused.
pub async fn submit_goal(app: &App, team: &TeamId, user: &UserId, text: &str) -> SubmitOutcome {
    submit_change(app, team, user, "goal", |b| b.add_once(text).map(|_| ())).await
}

/// The step modal's submit.
pub async fn submit_step(
    app: &App,
    team: &TeamId,
    user: &UserId,
    goal: u32,
    text: &str,
) -> SubmitOutcome {
    submit_change(app, team, user, "text", |b| b.add_step_once(goal, text)).await
}

/// A one-field goal modal's submit: the change saved and the Home tab
/// refreshed, or the refusal shown on `field`.
async fn submit_change(
    app: &App,
    team: &TeamId,
    user: &UserId,
    field: &str,
    change: impl Fn(&mut GoalBook) -> Result<(), GoalError>,
) -> SubmitOutcome {
    match update_counted(app, team, user, change).await {
        Ok(_) => SubmitOutcome::Saved(AfterSave::RefreshHome),
        Err(UpdateError::Refused(e)) => SubmitOutcome::Invalid(vec![(field.into(), e.to_string())]),
        Err(_) => SubmitOutcome::StoreDown,
    }
}
