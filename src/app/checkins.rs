//! Check-ins: sending a member their check-in (with any nudges the one it
//! replaces calls for), their answers, the private note on an answer, and
//! the summaries partners (or the circle) see once both have answered —
//! counts, and only goals the member shared.

use super::admin;
use super::context::App;
use super::documents::UpdateError;
use super::ledger::{self, Figure};
use super::model::{AfterSave, CheckinModel, Effect, Outcome, Reply, SubmitOutcome};
use super::requests::ActionRequest;
use super::text::Span;
use crate::domain::admin_log::AdminAct;
use crate::domain::checkin::{Checkin, MetAnswer};
use crate::domain::goals::{self, GoalBook};
use crate::domain::job::Job;
use crate::domain::notes::NoteBook;
use crate::domain::nudges::{self, Nudge};
use crate::domain::pairing::Pairing;
use crate::domain::profile::Profile;
use crate::ids::{TeamId, UserId};
use crate::store::Doc;

/// `admin checkins`: a check-in DM to every active member now.
pub async fn admin_send(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    if let Err(refusal) = admin::check(app, user).await {
        return refusal;
    }
    match send_all(app, team).await {
        Ok(effects) => {
            let n = effects
                .iter()
                .filter(|e| matches!(e, Effect::CheckinDm { .. }))
                .count();
            let act = AdminAct::Checkins { sent: n };
            super::admin_log::record(app, team, user, act, None).await;
            Outcome::done(format!(
                "Sent {n} check-in{} now.",
                if n == 1 { "" } else { "s" }
            ))
            .with_effects(effects)
        }
        Err(e) => {
            tracing::warn!(error = %e, "check-ins not sent: store problem");
            Outcome::store_down()
        }
    }
}

async fn send_all(app: &App, team: &TeamId) -> Result<Vec<Effect>, anyhow::Error> {
    let today = app.now().date_naive();
    let mut effects = Vec::new();
    for member in app.store.members(team).await? {
        let profile: Profile = app.docs.load(team, &member, Doc::Profile).await?;
        if profile.is_active(today) {
            effects.extend(start(app, team, &member, None).await?);
        }
    }
    Ok(effects)
}

/// `/tandem checkin`: my check-in now — this period's again if it exists
/// (same number, same buttons), otherwise a new one that *is* this
/// period's, so the scheduled run does not send a second.
pub async fn now_for_me(app: &App, team: &TeamId, user: &UserId) -> Outcome {
    let loaded = async {
        let profile: Profile = app.docs.load(team, user, Doc::Profile).await?;
        let current: Checkin = app.docs.load(team, user, Doc::Checkin).await?;
        Ok::<_, anyhow::Error>((profile, current))
    }
    .await;
    let (profile, current) = match loaded {
        Ok(l) => l,
        Err(e) => {
            tracing::warn!(error = %e, "command not served: store problem");
            return Outcome::store_down();
        }
    };
    let now = app.now();
    if profile.membership == crate::domain::profile::Membership::Out {
        return Outcome::refused("You haven't joined yet: `/tandem join`.");
    }
    if !profile.is_active(now.date_naive()) {
        return Outcome::refused(
            "You're paused, so check-ins are too. `/tandem resume`, then `/tandem checkin`.",
        );
    }
    // This period ends at the next scheduled check-in; the one that began
    // it carries that occurrence's key (named by the next due time).
    let period = super::queue::next_checkin(app, &profile, now)
        .map(|next| super::queue::occurrence(&Job::Checkin(user.clone()), Some(next), now));
    let open = current.number > 0
        && match &period {
            Some(key) => current.occurrence.as_deref() == Some(key.as_str()),
            None => !current.complete(),
        };
    if open {
        let (goals, notes) = match (
            app.docs.load::<GoalBook>(team, user, Doc::Goals).await,
            app.docs.load::<NoteBook>(team, user, Doc::Notes).await,
        ) {
            (Ok(g), Ok(n)) => (g, n),
            _ => return Outcome::store_down(),
        };
        let number = current.number;
        return Outcome::done(format!(
            "This week's check-in (number {number}) is in your DMs again."
        ))
        .with_effects([Effect::CheckinDm {
            user: user.clone(),
            model: CheckinModel {
                checkin: current,
                goals,
                notes,
            },
        }]);
    }
    match start(app, team, user, period.as_deref()).await {
        Ok(effects) => Outcome::done("Your check-in is in your DMs.").with_effects(effects),
        Err(e) => {
            tracing::warn!(error = %e, "check-in not started: store problem");
            Outcome::store_down()
        }
    }
}

/// The answer to "still in?": in (the question is settled), or paused for
/// a month (the same as `/tandem pause 30d`).
pub async fn answer_still_in(app: &App, request: &ActionRequest, keep: bool) -> Outcome {
    let (team, user) = (&request.team, &request.user);
    let settled = app
        .docs
        .update(team, user, Doc::Checkin, |c: &mut Checkin| {
            c.still_in_asked = false;
            c.silent = 0;
            Ok::<(), std::convert::Infallible>(())
        })
        .await;
    if let Err(e) = settled {
        tracing::warn!(error = %e, "still-in answer not saved: store problem");
        return Outcome::store_down();
    }
    if keep {
        Outcome::done("Great — you're in. Nothing changes; your next check-in comes as usual.")
    } else {
        super::membership::pause(app, team, user, "30d").await
    }
}

/// Starts a member's next check-in: their active goals and current
/// partners, numbered after the last one. Returns the check-in DM first,
/// then any nudges the one it replaces calls for. A scheduled run passes
/// its `occurrence`: run again for the same occurrence (a retry after
/// Slack failed), it re-sends that same check-in instead of a new one.
pub async fn start(
    app: &App,
    team: &TeamId,
    member: &UserId,
    occurrence: Option<&str>,
) -> Result<Vec<Effect>, anyhow::Error> {
    let goals: GoalBook = app.docs.load(team, member, Doc::Goals).await?;
    let notes: NoteBook = app.docs.load(team, member, Doc::Notes).await?;
    let pairing: Pairing = app.docs.load(team, member, Doc::Pairing).await?;
    let goal_numbers: Vec<u32> = goals.active().map(|g| g.number).collect();
    let partners = pairing.partners.clone();
    let thresholds = nudges::Thresholds {
        stale_checkins: app.config.nudges.stale_checkins,
        fizzle_rounds: app.config.nudges.fizzle_rounds,
        silent_checkins: app.config.nudges.silent_checkins,
    };
    let ((carried, new), checkin) = app
        .docs
        .update(team, member, Doc::Checkin, |c: &mut Checkin| {
            if occurrence.is_some() && c.occurrence.as_deref() == occurrence {
                // A retry of the occurrence that created this check-in
                // (Slack failed the first time): the same check-in again,
                // with the same nudges; no count moves.
                let again = nudges::Carried {
                    stale: c.stale.clone(),
                    missed: c.missed,
                    stale_goals: c.stale_nudges.clone(),
                    fizzle: c.fizzle_nudge,
                    repair: c.repair_nudge,
                    silent: c.silent,
                    still_in_asked: c.still_in_asked,
                    still_in: c.still_in_nudge,
                };
                return Ok::<_, std::convert::Infallible>((again, false));
            }
            let carried = nudges::carry(c, &goal_numbers, &partners, thresholds);
            *c = Checkin {
                number: c.number + 1,
                goals: goal_numbers.clone(),
                partners: partners.clone(),
                stale: carried.stale.clone(),
                missed: carried.missed,
                occurrence: occurrence.map(str::to_owned),
                stale_nudges: carried.stale_goals.clone(),
                fizzle_nudge: carried.fizzle,
                repair_nudge: carried.repair,
                silent: carried.silent,
                still_in_asked: carried.still_in_asked,
                still_in_nudge: carried.still_in,
                ..Checkin::default()
            };
            Ok((carried, true))
        })
        .await
        .map_err(|e| match e {
            // Kept as it is: the scheduler tells a forgotten member apart.
            UpdateError::Store(e) => anyhow::Error::from(e),
            _ => anyhow::anyhow!("check-in not stored"),
        })?;
    if new {
        // Counted once per check-in, not per retry of its occurrence.
        let counts = [
            (Figure::CheckinsSent, 1),
            (Figure::StaleNudges, carried.stale_goals.len() as i64),
            (Figure::FizzleNudges, i64::from(carried.fizzle.is_some())),
        ];
        ledger::count(app, team, Some(member), &counts).await;
    }
    let remind_at =
        app.now() + chrono::Duration::hours(i64::from(app.config.nudges.reminder_after_hours));
    let reminder = Job::Reminder {
        user: member.clone(),
        number: checkin.number,
    };
    app.store
        .schedule_member_job(
            team,
            member,
            &reminder.to_string(),
            remind_at.timestamp_millis(),
        )
        .await?;
    let mut effects = vec![Effect::CheckinDm {
        user: member.clone(),
        model: CheckinModel {
            checkin,
            goals: goals.clone(),
            notes,
        },
    }];
    if carried.still_in {
        effects.push(Effect::Nudge {
            user: member.clone(),
            nudge: Nudge::StillIn,
        });
    }
    for (goal, count) in &carried.stale_goals {
        if let Some(g) = goals.get(*goal) {
            effects.push(Effect::Nudge {
                user: member.clone(),
                nudge: Nudge::StaleGoal {
                    goal: *goal,
                    text: g.text.clone(),
                    checkins: *count,
                },
            });
        }
    }
    if let Some(periods) = carried.fizzle {
        effects.push(Effect::Nudge {
            user: member.clone(),
            nudge: Nudge::Fizzle {
                partners: partners.clone(),
                periods,
            },
        });
    }
    if carried.repair {
        effects.push(Effect::Nudge {
            user: member.clone(),
            nudge: Nudge::RepairOffer {
                partners,
                round: pairing.round,
            },
        });
    }
    Ok(effects)
}

/// Marks that the summary of a member's check-in went out.
async fn mark_summary_sent(app: &App, team: &TeamId, user: &UserId) {
    let _ = app
        .docs
        .update(team, user, Doc::Checkin, |c: &mut Checkin| {
            c.summary_sent = true;
            Ok::<(), std::convert::Infallible>(())
        })
        .await;
}

/// Records a check-in answer and shows the check-in again with it marked;
/// when both partners have answered everything, each gets the other's
/// summary (counts only).
pub async fn answer(
    app: &App,
    request: &ActionRequest,
    number: u32,
    record: impl Fn(&mut Checkin),
) -> Outcome {
    let (team, user) = (&request.team, &request.user);
    let updated = app
        .docs
        .update(team, user, Doc::Checkin, |c: &mut Checkin| {
            if c.number != number {
                return Err("This check-in has closed; your newest one is in your DMs.".to_owned());
            }
            let before = (ledger::checkin_counts(c), c.met);
            record(c);
            Ok(before)
        })
        .await;
    let (checkin, keep_questions) = match updated {
        Ok(((counts, met), c)) => {
            let asked = count_answer(app, team, user, &counts, met, &c).await;
            (c, asked)
        }
        Err(e) => return e.outcome(),
    };
    let (goals, notes) = match (
        app.docs.load::<GoalBook>(team, user, Doc::Goals).await,
        app.docs.load::<NoteBook>(team, user, Doc::Notes).await,
    ) {
        (Ok(g), Ok(n)) => (g, n),
        _ => return Outcome::store_down(),
    };
    let mut effects = keep_questions;
    if checkin.complete() && !checkin.summary_sent && checkin.partners.is_empty() {
        // A circle member's check-in goes to the circle's thread: counts,
        // and only the goals they share.
        if let Ok(book) = app.docs.load_circles(team).await {
            if let Some(circle) = book.of_member(user) {
                effects.push(Effect::PostInConversation {
                    conversation: circle.channel.clone(),
                    thread: circle.thread.clone(),
                    text: crate::text![
                        user,
                        " checked in — ",
                        Span::Quote(checkin.summary(&goals.shared())),
                        "."
                    ],
                });
                mark_summary_sent(app, team, user).await;
            }
        }
    }
    if checkin.complete() && !checkin.summary_sent {
        for partner in &checkin.partners {
            let theirs: Checkin = match app.docs.load(team, partner, Doc::Checkin).await {
                Ok(c) => c,
                Err(_) => continue,
            };
            if theirs.complete() && theirs.partners.contains(user) {
                let their_goals: GoalBook = match app.docs.load(team, partner, Doc::Goals).await {
                    Ok(g) => g,
                    Err(_) => continue,
                };
                effects.push(Effect::PartnerSummary {
                    to: user.clone(),
                    from: partner.clone(),
                    summary: theirs.summary(&their_goals.shared()),
                });
                effects.push(Effect::PartnerSummary {
                    to: partner.clone(),
                    from: user.clone(),
                    summary: checkin.summary(&goals.shared()),
                });
                for who in [user, partner] {
                    mark_summary_sent(app, team, who).await;
                }
            }
        }
    }
    Outcome::reply(Reply::Checkin(CheckinModel {
        checkin,
        goals,
        notes,
    }))
    .with_effects(effects)
}

/// Counts what an answer changed; a meeting answer also counts for the
/// member's group in its round. A pair's first "we met" asks both of them,
/// privately, whether to keep meeting: those questions are returned.
async fn count_answer(
    app: &App,
    team: &TeamId,
    user: &UserId,
    before: &[(Figure, i64)],
    met_before: Option<MetAnswer>,
    checkin: &Checkin,
) -> Vec<Effect> {
    let counts = ledger::change(before, &ledger::checkin_counts(checkin));
    ledger::count(app, team, Some(user), &counts).await;
    let Some(met) = checkin.met.filter(|m| Some(*m) != met_before) else {
        return Vec::new();
    };
    let pairing = match app.docs.load::<Pairing>(team, user, Doc::Pairing).await {
        Ok(p) => p,
        Err(e) => {
            tracing::warn!(error = %e, "meeting outcome not counted");
            return Vec::new();
        }
    };
    if checkin.partners.is_empty() {
        return Vec::new();
    }
    if let Some(group) = pairing.group {
        ledger::meeting_reported(app, team, pairing.round, group, met).await;
    }
    if met != MetAnswer::Met || pairing.partners.len() != 1 {
        return Vec::new();
    }
    let mut asked = Vec::new();
    for member in std::iter::once(user).chain(&pairing.partners) {
        let round = pairing.round;
        let marked = app
            .docs
            .update(team, member, Doc::Pairing, |p: &mut Pairing| {
                if p.round != round || p.keep_asked || p.partners.len() != 1 {
                    return Err(());
                }
                p.keep_asked = true;
                Ok(())
            })
            .await;
        if let Ok((_, p)) = marked {
            asked.push(Effect::Nudge {
                user: member.clone(),
                nudge: Nudge::KeepOrNew {
                    partners: p.partners,
                    round,
                    choice: None,
                },
            });
        }
    }
    asked
}

/// Opens the note modal for one check-in answer; the check-in message
/// stays as it is until the note is saved.
pub fn open_note(request: &ActionRequest, number: u32, goal: u32) -> Outcome {
    let modal = request
        .trigger
        .clone()
        .map(|trigger| Effect::OpenCheckinNoteModal {
            trigger,
            number,
            goal,
            reply_to: request.reply_to.clone(),
        });
    Outcome::reply(Reply::Silent).with_effects(modal)
}

/// The check-in note modal's submit: an empty note removes it. The
/// check-in message is redrawn with the note when it can be.
pub async fn submit_note(
    app: &App,
    team: &TeamId,
    user: &UserId,
    number: u32,
    goal: u32,
    text: &str,
    reply_to: Option<String>,
) -> SubmitOutcome {
    let text = text.trim().to_owned();
    let length = text.chars().count();
    if length > goals::MAX_TEXT {
        return SubmitOutcome::Invalid(vec![(
            "text".into(),
            format!(
                "That is {length} characters; keep notes to {}.",
                goals::MAX_TEXT
            ),
        )]);
    }
    let updated = app
        .docs
        .update(team, user, Doc::Checkin, |c: &mut Checkin| {
            if c.number != number {
                return Err("This check-in has closed; your newest one is in your DMs.");
            }
            if goal != 0 && !c.goals.contains(&goal) {
                return Err("That goal is not part of this check-in.");
            }
            if text.is_empty() {
                c.notes.remove(&goal);
            } else {
                c.notes.insert(goal, text.clone());
            }
            Ok(())
        })
        .await;
    let checkin = match updated {
        Ok((_, c)) => c,
        Err(UpdateError::Refused(message)) => {
            return SubmitOutcome::Invalid(vec![("text".into(), message.to_owned())])
        }
        Err(_) => return SubmitOutcome::StoreDown,
    };
    let Some(reply_to) = reply_to else {
        return SubmitOutcome::Saved(AfterSave::Effects(Vec::new()));
    };
    match (
        app.docs.load::<GoalBook>(team, user, Doc::Goals).await,
        app.docs.load::<NoteBook>(team, user, Doc::Notes).await,
    ) {
        (Ok(goals), Ok(notes)) => {
            SubmitOutcome::Saved(AfterSave::Effects(vec![Effect::ReplaceMessage {
                reply_to,
                reply: Reply::Checkin(CheckinModel {
                    checkin,
                    goals,
                    notes,
                }),
            }]))
        }
        _ => SubmitOutcome::Saved(AfterSave::Effects(Vec::new())),
    }
}
