//! Acting on check-ins and nudges: a private note on a check-in answer, a
//! smaller next step for a stalled goal, and the answer to a re-pair offer.

use super::*;

impl App {
    /// Opens the note modal for one check-in answer; the check-in message
    /// stays as it is until the note is saved.
    pub(super) fn open_checkin_note(
        &self,
        request: &ActionRequest,
        number: u32,
        goal: u32,
    ) -> (Reply, Vec<Effect>) {
        let effects = request
            .trigger
            .clone()
            .map(|trigger| Effect::OpenCheckinNoteModal {
                trigger,
                number,
                goal,
                reply_to: request.reply_to.clone(),
            })
            .into_iter()
            .collect();
        (Reply::Silent, effects)
    }

    /// Opens the "add a next step" modal for a goal that is still active.
    pub(super) async fn open_step(
        &self,
        request: &ActionRequest,
        goal: u32,
    ) -> (Reply, Vec<Effect>) {
        let book: GoalBook = match self.load(&request.team, &request.user, Doc::Goals).await {
            Ok(b) => b,
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        if !book.active().any(|g| g.number == goal) {
            return (
                Reply::Refused {
                    message: format!(
                        "Goal {goal} is no longer active. `/tandem goals` shows the ones that are."
                    ),
                },
                Vec::new(),
            );
        }
        let effects = request
            .trigger
            .clone()
            .map(|trigger| Effect::OpenStepModal { trigger, goal })
            .into_iter()
            .collect();
        (Reply::Silent, effects)
    }

    /// The step modal's submit.
    pub async fn submit_step(
        &self,
        team: &TeamId,
        user: &UserId,
        goal: u32,
        text: &str,
    ) -> SubmitOutcome {
        self.submit_goal_change(team, user, "text", |b| b.add_step(goal, text))
            .await
    }

    /// The check-in note modal's submit: an empty note removes it. The
    /// check-in message is redrawn with the note when it can be.
    pub async fn submit_checkin_note(
        &self,
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
        let updated = self
            .update(team, user, Doc::Checkin, |c: &mut checkins::Checkin| {
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
            return SubmitOutcome::Saved(Vec::new());
        };
        match (
            self.load::<GoalBook>(team, user, Doc::Goals).await,
            self.load::<NoteBook>(team, user, Doc::Notes).await,
        ) {
            (Ok(goals), Ok(notes)) => SubmitOutcome::Saved(vec![Effect::ReplaceMessage {
                reply_to,
                reply: Reply::Checkin(CheckinModel {
                    checkin,
                    goals,
                    notes,
                }),
            }]),
            _ => SubmitOutcome::Saved(Vec::new()),
        }
    }

    /// The answer to a re-pair offer made during `round`.
    pub(super) async fn repair(
        &self,
        request: &ActionRequest,
        round: u32,
        accept: bool,
    ) -> (Reply, Vec<Effect>) {
        let result = self
            .update(
                &request.team,
                &request.user,
                Doc::Pairing,
                |p: &mut rounds::Pairing| {
                    if p.round != round {
                        return Err(());
                    }
                    p.repair = accept;
                    Ok(())
                },
            )
            .await;
        let message = match result {
            Ok(_) if accept => "Done — you'll be matched first at the next round, with someone new. Nobody is told why.",
            Ok(_) => "Keep going — a short call this week is enough to get started.",
            Err(UpdateError::Refused(())) => "A new round has started since this offer; your current pairing is in your DMs.",
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        (
            Reply::Done {
                message: message.to_owned(),
            },
            Vec::new(),
        )
    }
}
