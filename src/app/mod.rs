//! Use cases. The app decides *what* happens for a command, a button press,
//! an event or a due job; it never sees Slack's wire format (that is
//! `slack/`) nor Redis (that is `store/`).
//!
//! This file is the router: it parses the request and hands it to the one
//! feature file that owns it. Each handler returns an [`Outcome`] (the
//! reply, effects for `slack/` to carry out, whether the Home tab
//! refreshes). To add a subcommand: a row in `help.rs`, a variant in
//! `command.rs`, an arm below, the handler in its feature file.

pub mod command;
pub mod help;
pub mod key_check;

mod accounts;
mod admin;
mod admin_log;
mod admin_members;
mod avoid;
mod checkins;
mod circles;
mod constraints;
mod context;
mod documents;
mod export;
mod goals;
mod home;
mod jobs;
mod ledger;
mod meetings;
mod membership;
mod model;
mod notes;
mod org;
mod program_time;
mod queue;
mod requests;
mod roster;
mod round_delivery;
mod round_report;
mod rounds;
mod stats;
mod text;
mod workspace;

pub use context::App;
pub use documents::Corrupt;
pub use model::*;
pub use org::OrgImport;
pub use requests::*;
pub use round_delivery::Progress;
pub use text::{Span, Text};
pub use workspace::{Account, SharedFile, Workspace, WorkspaceError};

use crate::domain::goals::GoalState;
use crate::domain::pairing::SlotPick;
use crate::ids::{TeamId, UserId};
use chrono::{DateTime, Utc};
use command::Command;
use std::time::Duration;

impl App {
    /// Answers a slash command; effects (such as refreshing the Home tab
    /// after a change) follow the reply.
    pub async fn handle_command(&self, request: &CommandRequest) -> (Reply, Vec<Effect>) {
        let (app, team, user) = (self, &request.team, &request.user);
        let trigger = request.trigger.as_deref();
        let outcome = match command::parse(&request.text) {
            Command::Help => Outcome::reply(Reply::Help),
            Command::Usage(doc) => Outcome::reply(Reply::Usage { usage: doc.usage }),
            Command::ComingSoon(doc) => Outcome::reply(Reply::ComingSoon { usage: doc.usage }),
            Command::Unknown(word) => Outcome::reply(Reply::Unknown { word }),
            Command::Forget => Outcome::reply(Reply::ConfirmForget),
            Command::CheckinNow => checkins::now_for_me(app, team, user).await,
            Command::Leave => Outcome::reply(Reply::ConfirmLeave),
            Command::Join => membership::join(app, team, user, trigger).await,
            Command::Avoids => avoid::list(app, team, user).await,
            Command::Avoid(who, add) => avoid::change(app, team, user, &who, add).await,
            Command::Profile(text) if text.trim().is_empty() => {
                membership::show_profile(app, team, user, trigger).await
            }
            Command::Profile(text) => membership::set_profile(app, team, user, &text).await,
            Command::Status => membership::status(app, team, user).await,
            Command::Pause(spec) => membership::pause(app, team, user, &spec).await,
            Command::Resume => membership::resume(app, team, user).await,
            Command::Goals => goals::list(app, team, user).await,
            Command::GoalAdd(text) => goals::add(app, team, user, &text).await,
            Command::GoalStep(n, text) => goals::add_step(app, team, user, n, &text).await,
            Command::GoalDone(n) => goals::set_state(app, team, user, n, GoalState::Done).await,
            Command::GoalDrop(n) => goals::set_state(app, team, user, n, GoalState::Dropped).await,
            Command::GoalShare(n, shared) => goals::share(app, team, user, n, shared).await,
            Command::Notes => notes::list(app, team, user).await,
            Command::NoteAdd(text) => notes::add(app, team, user, &text).await,
            Command::NoteDone(n) => notes::done(app, team, user, n).await,
            Command::Share(text) => notes::share(app, team, user, &text).await,
            Command::AdminRound { preview } => rounds::admin_round(app, team, user, preview).await,
            Command::AdminCheckins => checkins::admin_send(app, team, user).await,
            Command::AdminStats(period) => stats::admin_stats(app, team, user, period).await,
            Command::AdminChart => stats::admin_chart(app, team, user).await,
            Command::AdminExport(period) => export::admin_export(app, team, user, period).await,
            Command::AdminPause(member, spec) => {
                admin_members::pause(app, team, user, &member, &spec).await
            }
            Command::AdminResume(member) => admin_members::resume(app, team, user, &member).await,
            Command::AdminRemove(member) => {
                admin_members::confirm_remove(app, team, user, &member).await
            }
            Command::AdminLog => admin_log::show(app, team, user).await,
            Command::AdminOrg => org::admin_org(app, team, user).await,
            Command::AdminCircles { preview, size } => {
                circles::admin_form(app, team, user, preview, size).await
            }
            Command::AdminBindCircle(channel) => {
                circles::admin_bind(app, team, user, &channel).await
            }
        };
        self.finish(team, user, outcome).await
    }

    /// Handles a button press. It acts only on the member who pressed it,
    /// whatever the message carried.
    pub async fn handle_action(&self, request: &ActionRequest) -> (Reply, Vec<Effect>) {
        let (app, team, user) = (self, &request.team, &request.user);
        // Buttons that do what a command does behave exactly like it.
        let as_command = |text: &str| CommandRequest {
            team: team.clone(),
            user: user.clone(),
            text: text.to_owned(),
            trigger: request.trigger.clone(),
        };
        let outcome = match request.action {
            Action::Join => return self.handle_command(&as_command("join")).await,
            Action::OpenProfile => return self.handle_command(&as_command("profile")).await,
            Action::PauseTwoWeeks => return self.handle_command(&as_command("pause 2w")).await,
            Action::Resume => return self.handle_command(&as_command("resume")).await,
            Action::OpenGoal => goals::open_goal(request.trigger.as_deref()),
            Action::CheckinGoal {
                number,
                goal,
                answer,
            } => {
                checkins::answer(app, request, number, |c| {
                    if c.goals.contains(&goal) {
                        c.answers.insert(goal, answer);
                    }
                })
                .await
            }
            Action::CheckinMet { number, answer } => {
                checkins::answer(app, request, number, |c| c.met = Some(answer)).await
            }
            Action::CheckinNote { number, goal } => checkins::open_note(request, number, goal),
            Action::AddStep { goal } => {
                goals::open_step(app, team, user, request.trigger.as_deref(), goal).await
            }
            Action::Kickoff { round, cadence } => {
                rounds::kickoff(app, request, round, cadence).await
            }
            Action::Repair { round } => rounds::answer_repair(app, request, round, true).await,
            Action::KeepPartner { round } => {
                rounds::answer_repair(app, request, round, false).await
            }
            Action::CircleJoin { circle } => circles::join(app, request, circle).await,
            Action::CircleMerge { from, into } => circles::merge(app, request, from, into).await,
            Action::ForgetCancel => Outcome::reply(Reply::ForgetCancelled),
            Action::ForgetConfirm => membership::forget(app, team, user).await,
            Action::LeaveCancel => Outcome::done("You're still in the program."),
            Action::LeaveConfirm => membership::leave(app, team, user).await,
            Action::AdminRemoveConfirm { ref member } => {
                admin_members::remove(app, team, user, member).await
            }
            Action::StillIn { keep } => checkins::answer_still_in(app, request, keep).await,
            Action::StayTogether { round, keep } => {
                rounds::choose_keep(app, request, round, keep).await
            }
            Action::PickTime { round, slot } => {
                meetings::pick(app, request, round, SlotPick::Time(slot)).await
            }
            Action::NoTimeWorks { round } => {
                meetings::pick(app, request, round, SlotPick::NoneWork).await
            }
            Action::AdminRemoveCancel => {
                Outcome::done("Nothing changed: they're still in the program.")
            }
            Action::AdminStats | Action::AdminExport => {
                let text = match request.action {
                    Action::AdminStats => "admin stats",
                    _ => "admin export",
                };
                let (reply, mut effects) = self.handle_command(&as_command(text)).await;
                if request.reply_to.is_some() {
                    return (reply, effects);
                }
                // From the Home tab, which has no message to answer in.
                effects.push(Effect::ReplyInDm {
                    user: user.clone(),
                    reply,
                });
                return (Reply::Silent, effects);
            }
        };
        self.finish(team, user, outcome).await
    }

    /// An outcome as the transports take it: the Home tab refresh, when
    /// asked for, goes after the other effects.
    async fn finish(&self, team: &TeamId, user: &UserId, outcome: Outcome) -> (Reply, Vec<Effect>) {
        let mut effects = outcome.effects;
        if outcome.refresh_home {
            effects.extend(home::refresh(self, team, user).await);
        }
        (outcome.reply, effects)
    }

    /// Claims an event once, before Slack is answered: Slack's retries of
    /// the same `event_id` get [`EventOutcome::Duplicate`], and a store
    /// that does not answer is an error (the event is not acknowledged, so
    /// Slack sends it again). The work itself is [`App::act_on_event`],
    /// after the answer.
    pub async fn claim_event(
        &self,
        event: &InboundEvent,
    ) -> Result<EventOutcome, crate::store::StoreError> {
        let acted_on = match &event.kind {
            EventKind::AppHomeOpened { .. } | EventKind::ThreadReply { .. } => true,
            // Only joining the program's channel earns a welcome.
            EventKind::JoinedChannel { channel, .. } => {
                channel.as_str() == self.config.program.channel
            }
            EventKind::Uninstalled | EventKind::Ignored { .. } => false,
        };
        if !acted_on {
            return Ok(EventOutcome::Ignored);
        }
        let ttl = Duration::from_secs(self.config.store.event_dedupe_ttl_secs);
        if !self
            .store
            .claim_event(&event.team, &event.event_id, ttl)
            .await?
        {
            return Ok(EventOutcome::Duplicate);
        }
        Ok(EventOutcome::Handled)
    }

    /// What a claimed event calls for: the Home tab built, a welcome, a
    /// circle reply counted.
    pub async fn act_on_event(&self, event: &InboundEvent) -> Vec<Effect> {
        let team = &event.team;
        match &event.kind {
            EventKind::AppHomeOpened { user } => {
                let home = home::model(self, team, user).await.unwrap_or_else(|e| {
                    // The claim is made; show the tab without data rather than nothing.
                    tracing::warn!(error = %e, "Home tab shown without the member's data");
                    HomeModel::default()
                });
                vec![Effect::PublishHome {
                    user: user.clone(),
                    home,
                }]
            }
            EventKind::JoinedChannel { user, .. } => membership::welcome(self, team, user).await,
            EventKind::ThreadReply {
                user,
                channel,
                thread,
            } => {
                if let Err(e) = circles::record_reply(self, team, channel, thread, user).await {
                    tracing::warn!(error = %e, "a circle reply was not counted");
                }
                Vec::new()
            }
            EventKind::Uninstalled | EventKind::Ignored { .. } => Vec::new(),
        }
    }

    /// What follows a saved form once Slack has its answer.
    pub async fn after_save(&self, team: &TeamId, user: &UserId, after: AfterSave) -> Vec<Effect> {
        match after {
            AfterSave::Effects(effects) => effects,
            AfterSave::Profile => {
                membership::learn_timezone(self, team, user).await;
                home::refresh_all(self, team, std::slice::from_ref(user)).await
            }
            AfterSave::RefreshHome => {
                home::refresh_all(self, team, std::slice::from_ref(user)).await
            }
        }
    }

    /// The profile modal's submit (see `membership::submit_profile`).
    pub async fn submit_profile(
        &self,
        team: &TeamId,
        user: &UserId,
        form: ProfileForm,
    ) -> SubmitOutcome {
        membership::submit_profile(self, team, user, form).await
    }

    /// The "add a goal" modal's submit.
    pub async fn submit_goal(&self, team: &TeamId, user: &UserId, text: &str) -> SubmitOutcome {
        goals::submit_goal(self, team, user, text).await
    }

    /// The "add a next step" modal's submit.
    pub async fn submit_step(
        &self,
        team: &TeamId,
        user: &UserId,
        goal: u32,
        text: &str,
    ) -> SubmitOutcome {
        goals::submit_step(self, team, user, goal, text).await
    }

    /// The check-in note modal's submit.
    pub async fn submit_checkin_note(
        &self,
        team: &TeamId,
        user: &UserId,
        number: u32,
        goal: u32,
        text: &str,
        reply_to: Option<String>,
    ) -> SubmitOutcome {
        checkins::submit_note(self, team, user, number, goal, text, reply_to).await
    }

    /// Runs one due job (see `jobs::run`).
    pub async fn run_job(
        &self,
        team: &TeamId,
        job: &str,
        now: DateTime<Utc>,
    ) -> Result<JobRun, anyhow::Error> {
        jobs::run(self, team, job, now).await
    }

    /// Records that `job`'s prompt reached Slack.
    pub async fn mark_sent(
        &self,
        team: &TeamId,
        job: &str,
        mark: &str,
    ) -> Result<(), crate::store::StoreError> {
        jobs::mark_sent(self, team, job, mark).await
    }

    /// Whether this is the first try at delivering `job`'s occurrence
    /// `mark` (see `jobs::begin_delivery`).
    pub async fn begin_delivery(&self, team: &TeamId, job: &str, mark: &str) -> bool {
        jobs::begin_delivery(self, team, job, mark).await
    }

    /// When the round job should next run after `now`.
    pub fn next_round(&self, now: DateTime<Utc>) -> Option<DateTime<Utc>> {
        self.time.next_round(now)
    }

    /// When a member's check-in should next run after `now`.
    pub fn next_checkin(
        &self,
        profile: &crate::domain::profile::Profile,
        now: DateTime<Utc>,
    ) -> Option<DateTime<Utc>> {
        queue::next_checkin(self, profile, now)
    }
}
