//! The program's figures, counted as things happen (aggregate on write):
//! program health for 10,000 members is then a few hash reads, not a scan
//! of everyone's documents. Counts only — a figure never carries a word
//! anyone wrote. Counting is best effort: a store hiccup loses a count
//! (logged), never the member's action it counts.

use super::context::App;
use crate::domain::checkin::{Checkin, GoalAnswer, MetAnswer};
use crate::domain::goals::{GoalBook, GoalState};
use crate::domain::profile::Membership;
use crate::ids::{TeamId, UserId};
use chrono::NaiveDate;

/// What is counted. Each one is counted for the workspace per day and for
/// all time, and (where a member did it) in that member's own counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Figure {
    Joined,
    Left,
    Paused,
    CheckinsSent,
    /// Check-ins with at least one answer.
    CheckinsAnswered,
    /// Meeting answers: "we met", "rescheduled", "not yet".
    Met,
    Rescheduled,
    NotYet,
    GoalsSet,
    /// A goal answered "step done" or "progress" in a check-in.
    GoalsMoved,
    GoalsDone,
    GoalsStuck,
    StaleNudges,
    FizzleNudges,
    RepairRequests,
    /// Rounds a member was introduced in (a pair or trio).
    RoundsPaired,
    CirclePrompts,
    /// Circle prompts with at least one reply.
    CirclePromptsAnswered,
}

impl Figure {
    pub fn name(self) -> &'static str {
        match self {
            Figure::Joined => "joined",
            Figure::Left => "left",
            Figure::Paused => "paused",
            Figure::CheckinsSent => "checkins_sent",
            Figure::CheckinsAnswered => "checkins_answered",
            Figure::Met => "met",
            Figure::Rescheduled => "rescheduled",
            Figure::NotYet => "not_yet",
            Figure::GoalsSet => "goals_set",
            Figure::GoalsMoved => "goals_moved",
            Figure::GoalsDone => "goals_done",
            Figure::GoalsStuck => "goals_stuck",
            Figure::StaleNudges => "stale_nudges",
            Figure::FizzleNudges => "fizzle_nudges",
            Figure::RepairRequests => "repair_requests",
            Figure::RoundsPaired => "rounds_paired",
            Figure::CirclePrompts => "circle_prompts",
            Figure::CirclePromptsAnswered => "circle_prompts_answered",
        }
    }
}

/// The day figures are counted under: the program's date (its zone), so a
/// week's figures are that week where the program runs.
pub fn today(app: &App) -> NaiveDate {
    app.now().with_timezone(&app.time.zone).date_naive()
}

/// The bucket name of `day` in the store.
pub fn day_name(day: NaiveDate) -> String {
    day.format("%Y-%m-%d").to_string()
}

/// Adds `counts` (zero amounts are left out) for the workspace and, with
/// `member`, for them. Never fails the caller: a lost count is logged.
pub async fn count(app: &App, team: &TeamId, member: Option<&UserId>, counts: &[(Figure, i64)]) {
    let counts: Vec<(&str, i64)> = counts
        .iter()
        .filter(|(_, n)| *n != 0)
        .map(|(f, n)| (f.name(), *n))
        .collect();
    if counts.is_empty() {
        return;
    }
    let day = day_name(today(app));
    if let Err(e) = app.store.count(team, member, &day, &counts).await {
        tracing::warn!(error = %e, "program figure not counted");
    }
}

/// What a change of membership counts for: joining (from out), leaving
/// (from in), pausing (from active).
pub fn membership_counts(before: Membership, after: Membership) -> Vec<(Figure, i64)> {
    let is_in = |m: Membership| m != Membership::Out;
    let paused = |m: Membership| matches!(m, Membership::Paused { .. });
    vec![
        (Figure::Joined, i64::from(!is_in(before) && is_in(after))),
        (Figure::Left, i64::from(is_in(before) && !is_in(after))),
        (
            Figure::Paused,
            i64::from(before == Membership::Active && paused(after)),
        ),
    ]
}

/// What a goal book counts for: goals ever set, goals done.
pub fn goal_counts(book: &GoalBook) -> Vec<(Figure, i64)> {
    let done = book
        .items
        .iter()
        .filter(|g| g.state == GoalState::Done)
        .count();
    vec![
        (Figure::GoalsSet, i64::from(book.next.saturating_sub(1))),
        (Figure::GoalsDone, done as i64),
    ]
}

/// What a check-in counts for, so a changed answer moves the figures by
/// the difference (answered "not yet", then "we met": one meeting, no
/// "not yet").
pub fn checkin_counts(c: &Checkin) -> Vec<(Figure, i64)> {
    let answered = !c.answers.is_empty() || c.met.is_some();
    let goals = |which: &[GoalAnswer]| {
        c.answers
            .iter()
            .filter(|(goal, a)| c.goals.contains(goal) && which.contains(a))
            .count() as i64
    };
    vec![
        (Figure::CheckinsAnswered, i64::from(answered)),
        (Figure::Met, i64::from(c.met == Some(MetAnswer::Met))),
        (
            Figure::Rescheduled,
            i64::from(c.met == Some(MetAnswer::Rescheduled)),
        ),
        (Figure::NotYet, i64::from(c.met == Some(MetAnswer::NotYet))),
        (
            Figure::GoalsMoved,
            goals(&[GoalAnswer::StepDone, GoalAnswer::Progress]),
        ),
        (Figure::GoalsStuck, goals(&[GoalAnswer::Stuck])),
    ]
}

/// The difference between what `before` and `after` count for.
pub fn change(before: &[(Figure, i64)], after: &[(Figure, i64)]) -> Vec<(Figure, i64)> {
    after
        .iter()
        .map(|(f, n)| {
            let was = before.iter().find(|(g, _)| g == f).map_or(0, |(_, m)| *m);
            (*f, n - was)
        })
        .collect()
}

/// How far a group got towards meeting, as a round figure: the best any
/// of its members reported (a group's figure only ever rises).
pub fn meeting_rank(answer: MetAnswer) -> i64 {
    match answer {
        MetAnswer::NotYet => 1,
        MetAnswer::Rescheduled => 2,
        MetAnswer::Met => 3,
    }
}

/// The round figure holding group `index`'s meeting rank.
pub fn group_figure(index: u32) -> String {
    format!("g{index}")
}

/// Records that a member of round `round`'s group `group` reported
/// `answer`.
pub async fn meeting_reported(app: &App, team: &TeamId, round: u32, group: u32, answer: MetAnswer) {
    let figure = group_figure(group);
    let result = app
        .store
        .set_round_figures(team, round, &[(&figure, meeting_rank(answer))], true)
        .await;
    if let Err(e) = result {
        tracing::warn!(error = %e, round, "meeting outcome not counted");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_changed_answer_moves_figures_by_the_difference() {
        let mut c = Checkin {
            goals: vec![1, 2],
            ..Checkin::default()
        };
        let before = checkin_counts(&c);
        c.met = Some(MetAnswer::NotYet);
        c.answers.insert(1, GoalAnswer::Progress);
        let first = change(&before, &checkin_counts(&c));
        let get = |v: &[(Figure, i64)], f| v.iter().find(|(g, _)| *g == f).unwrap().1;
        assert_eq!(get(&first, Figure::CheckinsAnswered), 1);
        assert_eq!(get(&first, Figure::NotYet), 1);
        assert_eq!(get(&first, Figure::GoalsMoved), 1);
        let mid = checkin_counts(&c);
        c.met = Some(MetAnswer::Met);
        c.answers.insert(1, GoalAnswer::Stuck);
        let second = change(&mid, &checkin_counts(&c));
        assert_eq!(get(&second, Figure::CheckinsAnswered), 0);
        assert_eq!(get(&second, Figure::NotYet), -1);
        assert_eq!(get(&second, Figure::Met), 1);
        assert_eq!(get(&second, Figure::GoalsMoved), -1);
        assert_eq!(get(&second, Figure::GoalsStuck), 1);
    }

    #[test]
    fn meeting_ranks_order_met_first() {
        assert!(meeting_rank(MetAnswer::Met) > meeting_rank(MetAnswer::Rescheduled));
        assert!(meeting_rank(MetAnswer::Rescheduled) > meeting_rank(MetAnswer::NotYet));
    }
}
