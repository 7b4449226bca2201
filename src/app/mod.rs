//! Use cases. The app decides *what* happens for a command or event; it never
//! sees Slack's wire format (that is `slack/`) nor Redis (that is `store/`).
//!
//! A handler returns plain data: a [`Reply`] for the person who typed a
//! command, or [`Effect`]s that `slack/` carries out.

mod admin;
pub mod checkins;
pub mod circle_admin;
pub mod circles;
pub mod command;
mod documents;
mod followups;
pub mod goals;
pub mod help;
pub mod jobs;
pub mod notes;
pub mod nudges;
pub mod profile;
mod program_time;
pub mod rounds;
pub mod shelf;

use crate::config::Config;
use crate::crypto::{SealError, Sealer};
use crate::ids::{TeamId, UserId};
use crate::store::{Doc, Store, StoreError};
use circles::CircleBook;
use command::Command;
use goals::{GoalBook, GoalState};
use notes::NoteBook;
use profile::{Membership, Profile};
use serde::{de::DeserializeOwned, Serialize};
use std::sync::Arc;
use std::time::Duration;

/// A `/tandem …` invocation, already authenticated.
#[derive(Debug, Clone)]
pub struct CommandRequest {
    pub team: TeamId,
    pub user: UserId,
    /// Everything after `/tandem`. Free text: never logged.
    pub text: String,
    /// Opaque token that lets the bot open a modal for this command.
    pub trigger: Option<String>,
}

/// The profile modal as submitted, reduced to plain values. Field names
/// (`offers`, `wants`, `level`, `goal_1`…) are also the names errors refer to.
#[derive(Debug, Clone, Default)]
pub struct ProfileForm {
    pub offers: Vec<String>,
    pub wants: Vec<String>,
    pub level: Option<String>,
    pub team: Option<String>,
    pub format: Option<String>,
    pub cadence: Option<String>,
    /// (field, text) for each goal box filled in.
    pub goals: Vec<(String, String)>,
    /// From Slack's `users.info`, when it answered.
    pub timezone: Option<String>,
}

/// What became of a profile modal submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    Saved(Vec<Effect>),
    /// (field, message) pairs, shown under the fields.
    Invalid(Vec<(String, String)>),
    StoreDown,
}

/// What the person who typed a command sees (ephemeral).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// The command list.
    Help,
    /// A known subcommand used wrongly: its usage line.
    Usage { usage: &'static str },
    /// The member's goals, after `headline` (what just changed), if any.
    Goals {
        headline: Option<String>,
        book: GoalBook,
    },
    /// The member's notes, after `headline`, if any.
    Notes {
        headline: Option<String>,
        book: NoteBook,
    },
    /// A change that was refused, with what to do instead.
    Refused { message: String },
    /// The store did not answer; nothing changed.
    StoreDown,
    /// Nothing to say to the presser (the effects say it to everyone).
    Silent,
    /// `/tandem forget`: what will go, with confirm and cancel buttons.
    ConfirmForget,
    /// Everything about the member is erased.
    Forgotten,
    /// The member cancelled `forget`.
    ForgetCancelled,
    /// A profile, after `headline` (what just changed).
    Profile { headline: String, profile: Profile },
    /// `/tandem status`.
    Status { home: HomeModel },
    /// Plain confirmation of a membership change.
    Done { message: String },
    /// `/tandem leave`: confirm and cancel buttons.
    ConfirmLeave,
    /// A pairing round, planned (preview) or run.
    Round(rounds::RoundSummary),
    /// What `admin circles` formed (or would form).
    Circles(circle_admin::CirclesSummary),
    /// A member's check-in, as it now stands (answers marked).
    Checkin(CheckinModel),
    /// The member's shelf after `headline`.
    Shelf {
        headline: String,
        shelf: shelf::Shelf,
    },
    /// A listed command that is not built yet.
    ComingSoon { usage: &'static str },
    /// An unknown subcommand; `word` is what they typed, trimmed for display.
    Unknown { word: String },
}

/// A button press, already authenticated: `user` is who pressed it.
#[derive(Debug, Clone)]
pub struct ActionRequest {
    pub team: TeamId,
    pub user: UserId,
    pub action: Action,
    /// Opaque token that lets the bot open a modal for this press.
    pub trigger: Option<String>,
    /// Opaque id of the conversation the pressed message is in.
    pub conversation: Option<String>,
    /// Opaque address for updating the pressed message later (a modal
    /// opened from it uses this to show what was saved).
    pub reply_to: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    ForgetConfirm,
    ForgetCancel,
    LeaveConfirm,
    LeaveCancel,
    /// Home tab and welcome-DM buttons.
    Join,
    OpenProfile,
    OpenGoal,
    PauseTwoWeeks,
    Resume,
    /// A check-in answer about one goal.
    CheckinGoal {
        number: u32,
        goal: u32,
        answer: checkins::GoalAnswer,
    },
    /// A check-in answer about meeting the partner.
    CheckinMet {
        number: u32,
        answer: checkins::MetAnswer,
    },
    /// A kickoff choice of meeting rhythm for `round`.
    Kickoff {
        round: u32,
        cadence: profile::Cadence,
    },
    /// Open the optional note on check-in `number`'s answer about `goal`
    /// (0: the meeting).
    CheckinNote {
        number: u32,
        goal: u32,
    },
    /// Open the "add a next step" modal for a stale goal.
    AddStep {
        goal: u32,
    },
    /// Accept the re-pair offer made during `round`.
    Repair {
        round: u32,
    },
    /// Decline it.
    KeepPartner {
        round: u32,
    },
    /// Accept a place in circle `circle`.
    CircleJoin {
        circle: u32,
    },
    /// Merge circle `from` into circle `into`.
    CircleMerge {
        from: u32,
        into: u32,
    },
}

impl Action {
    /// The `action_id` Slack sends back for each button.
    pub const FORGET_CONFIRM: &'static str = "forget_confirm";
    pub const FORGET_CANCEL: &'static str = "forget_cancel";
    pub const LEAVE_CONFIRM: &'static str = "leave_confirm";
    pub const LEAVE_CANCEL: &'static str = "leave_cancel";
    pub const JOIN: &'static str = "join_program";
    pub const OPEN_PROFILE: &'static str = "open_profile";
    pub const OPEN_GOAL: &'static str = "open_goal";
    pub const PAUSE_TWO_WEEKS: &'static str = "pause_2w";
    pub const RESUME: &'static str = "resume";
    pub const CHECKIN_GOAL: &'static str = "checkin_goal";
    pub const CHECKIN_MET: &'static str = "checkin_met";
    pub const KICKOFF: &'static str = "kickoff";
    pub const CHECKIN_NOTE: &'static str = "checkin_note";
    pub const ADD_STEP: &'static str = "add_step";
    pub const REPAIR: &'static str = "repair";
    pub const KEEP_PARTNER: &'static str = "keep_partner";
    pub const CIRCLE_JOIN: &'static str = "circle_join";
    pub const CIRCLE_MERGE: &'static str = "circle_merge";

    /// The action for a press of `id` carrying `value` (check-in buttons
    /// carry their answer in the value).
    pub fn from_press(id: &str, value: Option<&str>) -> Option<Self> {
        match id {
            Self::CHECKIN_GOAL => {
                let (number, goal, code) = checkins::decode(value?)?;
                Some(Action::CheckinGoal {
                    number,
                    goal,
                    answer: checkins::GoalAnswer::from_code(code)?,
                })
            }
            Self::CHECKIN_MET => {
                let (number, _, code) = checkins::decode(value?)?;
                Some(Action::CheckinMet {
                    number,
                    answer: checkins::MetAnswer::from_code(code)?,
                })
            }
            Self::KICKOFF => {
                let (round, cadence) = value?.split_once(':')?;
                let cadence = match cadence {
                    "weekly" => profile::Cadence::Weekly,
                    "biweekly" => profile::Cadence::Biweekly,
                    "monthly" => profile::Cadence::Monthly,
                    _ => return None,
                };
                Some(Action::Kickoff {
                    round: round.parse().ok()?,
                    cadence,
                })
            }
            Self::CHECKIN_NOTE => {
                let (number, goal, _) = checkins::decode(value?)?;
                Some(Action::CheckinNote { number, goal })
            }
            Self::ADD_STEP => Some(Action::AddStep {
                goal: value?.parse().ok()?,
            }),
            Self::REPAIR => Some(Action::Repair {
                round: value?.parse().ok()?,
            }),
            Self::KEEP_PARTNER => Some(Action::KeepPartner {
                round: value?.parse().ok()?,
            }),
            Self::CIRCLE_JOIN => Some(Action::CircleJoin {
                circle: value?.parse().ok()?,
            }),
            Self::CIRCLE_MERGE => {
                let (from, into) = value?.split_once(':')?;
                Some(Action::CircleMerge {
                    from: from.parse().ok()?,
                    into: into.parse().ok()?,
                })
            }
            other => Self::from_id(other),
        }
    }

    pub fn from_id(id: &str) -> Option<Self> {
        match id {
            Self::FORGET_CONFIRM => Some(Action::ForgetConfirm),
            Self::FORGET_CANCEL => Some(Action::ForgetCancel),
            Self::LEAVE_CONFIRM => Some(Action::LeaveConfirm),
            Self::LEAVE_CANCEL => Some(Action::LeaveCancel),
            Self::JOIN => Some(Action::Join),
            Self::OPEN_PROFILE => Some(Action::OpenProfile),
            Self::OPEN_GOAL => Some(Action::OpenGoal),
            Self::PAUSE_TWO_WEEKS => Some(Action::PauseTwoWeeks),
            Self::RESUME => Some(Action::Resume),
            _ => None,
        }
    }
}

/// A Slack event, reduced to what the app cares about.
#[derive(Debug, Clone)]
pub struct InboundEvent {
    pub team: TeamId,
    pub event_id: String,
    pub kind: EventKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EventKind {
    /// Someone opened the app's Home tab.
    AppHomeOpened { user: UserId },
    /// Someone joined a channel (Slack's channel id).
    JoinedChannel { user: UserId, channel: String },
    /// The app was removed or its tokens revoked: nothing to send any more.
    Uninstalled,
    /// Someone replied in a thread (only who and where; never the text).
    ThreadReply {
        user: UserId,
        channel: String,
        thread: String,
    },
    /// Anything else; `name` is Slack's event type, for logs.
    Ignored { name: String },
}

/// What a check-in DM shows: the member's own goals and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinModel {
    pub checkin: checkins::Checkin,
    pub goals: GoalBook,
    pub notes: NoteBook,
}

/// What the Home tab shows a member: only their own data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeModel {
    pub profile: Profile,
    pub goals: GoalBook,
    pub notes: NoteBook,
    pub shelf: shelf::Shelf,
    pub pairing: rounds::Pairing,
    /// My circle, if I am in one.
    pub circle: Option<circle_admin::CircleHome>,
    /// The day it was built, for "paused until" wording.
    pub today: Option<chrono::NaiveDate>,
}

/// Something `slack/` must do on the app's behalf.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Publish the Home tab for this user.
    PublishHome { user: UserId, home: HomeModel },
    /// Introduce a new pair or trio in a group DM.
    Intro {
        round: u32,
        members: Vec<UserId>,
        reasons: Vec<String>,
        /// Each member's shared goals (only those they chose to share).
        shared_goals: Vec<(UserId, Vec<String>)>,
        first_meeting: chrono::DateTime<chrono::Utc>,
    },
    /// Post a shared resource in the group DM of `members`.
    Share {
        from: UserId,
        members: Vec<UserId>,
        url: String,
        why: Option<String>,
    },
    /// Send a member their check-in.
    CheckinDm { user: UserId, model: CheckinModel },
    /// A message everyone in a conversation sees (a group DM, a circle's
    /// channel), in `thread` when given.
    PostInConversation {
        conversation: String,
        thread: Option<String>,
        text: String,
    },
    /// The one gentle reminder about an unanswered check-in.
    Reminder { user: UserId },
    /// Tell `to` how their partner's check-in went (counts only).
    PartnerSummary {
        to: UserId,
        from: UserId,
        summary: String,
    },
    /// Tell someone why they sit out this round.
    SitOutDm { user: UserId, reason: String },
    /// Open the one-field "add a goal" modal.
    OpenGoalModal { trigger: String },
    /// Open the one-field "add a next step" modal for goal `goal`.
    OpenStepModal { trigger: String, goal: u32 },
    /// Open the optional note on a check-in answer (goal 0: the meeting).
    OpenCheckinNoteModal {
        trigger: String,
        number: u32,
        goal: u32,
        /// Where to show the updated check-in once the note is saved.
        reply_to: Option<String>,
    },
    /// Offer `user` a place in a circle with room.
    CircleJoinOffer {
        user: UserId,
        circle: u32,
        channel: String,
        members: usize,
    },
    /// Offer a small circle (in its channel) to merge into another.
    CircleMergeOffer {
        channel: String,
        from: u32,
        into: u32,
        into_channel: String,
    },
    /// Post a shared resource in a circle's channel.
    ShareInChannel {
        from: UserId,
        channel: String,
        url: String,
        why: Option<String>,
    },
    /// Replace the message at `reply_to` (from [`ActionRequest::reply_to`]).
    ReplaceMessage { reply_to: String, reply: Reply },
    /// A private nudge (stale goal, a pair that has not met, a pause that
    /// ended).
    Nudge { user: UserId, nudge: nudges::Nudge },
    /// Welcome someone who joined the program channel, with a Join button.
    WelcomeDm { user: UserId },
    /// Open the profile modal, filled with `profile`; `catalog` is the list
    /// of skills to pick from.
    OpenProfileModal {
        trigger: String,
        profile: Profile,
        catalog: Vec<String>,
    },
}

impl Effect {
    /// Modals must open within seconds of the press or command that asked.
    pub fn is_modal(&self) -> bool {
        matches!(
            self,
            Effect::OpenProfileModal { .. }
                | Effect::OpenGoalModal { .. }
                | Effect::OpenStepModal { .. }
                | Effect::OpenCheckinNoteModal { .. }
        )
    }
}

/// How carrying out an effect went, so scheduled work knows whether to move
/// on or try again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Delivery {
    Done,
    /// Slack refused for a reason that will not pass (e.g. the user is
    /// deactivated); retrying would only repeat it.
    Refused,
    /// Failed for a reason that may pass (network, Slack down, rate limit
    /// retries exhausted).
    Retry,
}

impl Delivery {
    /// The outcome of two deliveries in a row: a retry wins.
    pub fn and(self, other: Delivery) -> Delivery {
        match (self, other) {
            (Delivery::Retry, _) | (_, Delivery::Retry) => Delivery::Retry,
            (Delivery::Refused, _) | (_, Delivery::Refused) => Delivery::Refused,
            _ => Delivery::Done,
        }
    }
}

/// How often a document update is retried when another edit won the race;
/// with a short random pause between tries, even a burst of simultaneous
/// edits by one member all land.
const UPDATE_ATTEMPTS: usize = 64;

/// A stored document that is not valid JSON of the expected shape. Never
/// overwritten silently: the member's data stays as it is.
#[derive(Debug, thiserror::Error)]
#[error("stored {0} document is unreadable")]
pub struct Corrupt(&'static str);

#[derive(Debug, thiserror::Error)]
enum UpdateError<E> {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    Corrupt(#[from] Corrupt),
    #[error(transparent)]
    Sealed(#[from] SealError),
    #[error("refused")]
    Refused(E),
}

impl<E> UpdateError<E> {
    /// The refusal, or the failure as an error to pass up.
    fn refusal(self) -> Result<E, anyhow::Error> {
        match self {
            UpdateError::Refused(e) => Ok(e),
            UpdateError::Store(e) => Err(e.into()),
            UpdateError::Corrupt(e) => Err(e.into()),
            UpdateError::Sealed(e) => Err(e.into()),
        }
    }
}

/// What happened to an event, for metrics and logs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventOutcome {
    Handled,
    Duplicate,
    Ignored,
}

impl EventOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            EventOutcome::Handled => "handled",
            EventOutcome::Duplicate => "duplicate",
            EventOutcome::Ignored => "ignored",
        }
    }
}

/// The application core, shared by every transport.
/// What the app asks of the workspace and needs answered before it can go
/// on (who is an admin; a new channel's id; a posted message's thread).
/// Fire-and-forget messages are `Effect`s instead. Errors are log-safe
/// descriptions.
#[async_trait::async_trait]
pub trait Directory: Send + Sync {
    /// Whether `user` is a workspace admin or owner.
    async fn is_admin(&self, user: &UserId) -> Result<bool, String>;
    /// The IANA time zone Slack has for `user`, if any.
    async fn timezone(&self, user: &UserId) -> Result<Option<String>, String>;
    /// Creates a private channel named `name`; its id.
    async fn create_private_channel(&self, name: &str) -> Result<String, ChannelError>;
    /// Invites `users` to `channel`.
    async fn invite(&self, channel: &str, users: &[UserId]) -> Result<(), String>;
    /// Removes `user` from `channel`.
    async fn remove_from_channel(&self, channel: &str, user: &UserId) -> Result<(), String>;
    /// Everyone in `channel`.
    async fn channel_members(&self, channel: &str) -> Result<Vec<String>, String>;
    /// Posts `post` in `channel` (in `thread` when given); the message's id,
    /// which names its thread.
    async fn post(
        &self,
        channel: &str,
        thread: Option<&str>,
        post: &Post,
    ) -> Result<String, ChannelError>;
}

/// Why a channel could not be created or posted in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ChannelError {
    /// The name is in use (maybe by an archived channel): try another.
    NameTaken,
    /// The channel is archived or deleted, or the bot was removed from it.
    Gone,
    Other(String),
}

impl std::fmt::Display for ChannelError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ChannelError::NameTaken => f.write_str("name taken"),
            ChannelError::Gone => f.write_str("channel gone"),
            ChannelError::Other(e) => f.write_str(e),
        }
    }
}

/// A message whose id the app keeps (circle intros and prompts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Post {
    CircleIntro(circle_admin::CircleIntro),
    CirclePrompt(circle_admin::CirclePrompt),
}

#[derive(Clone)]
pub struct App {
    config: Arc<Config>,
    store: Arc<dyn Store>,
    sealer: Sealer,
    directory: Arc<dyn Directory>,
    clock: Arc<dyn crate::clock::Clock>,
    time: Arc<program_time::ProgramTime>,
}

impl App {
    pub fn new(
        config: Arc<Config>,
        store: Arc<dyn Store>,
        sealer: Sealer,
        directory: Arc<dyn Directory>,
        clock: Arc<dyn crate::clock::Clock>,
    ) -> Self {
        Self {
            time: Arc::new(program_time::ProgramTime::new(&config)),
            config,
            store,
            sealer,
            directory,
            clock,
        }
    }

    /// The current time, from the injected clock.
    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn store(&self) -> &Arc<dyn Store> {
        &self.store
    }

    /// Answers a slash command; effects (such as refreshing the Home tab
    /// after a change) follow the reply.
    pub async fn handle_command(&self, request: &CommandRequest) -> (Reply, Vec<Effect>) {
        let (team, user) = (&request.team, &request.user);
        let command = command::parse(&request.text);
        // Decided before the match below takes the command apart.
        let is_join = matches!(command, Command::Join);
        let is_pause = matches!(command, Command::Pause(_));
        let opens_modal = match &command {
            Command::Join => true,
            Command::Profile(t) => t.trim().is_empty(),
            _ => false,
        };
        let result = match command {
            Command::Help => return (Reply::Help, Vec::new()),
            Command::Usage(doc) => return (Reply::Usage { usage: doc.usage }, Vec::new()),
            Command::ComingSoon(doc) => return (Reply::ComingSoon { usage: doc.usage }, Vec::new()),
            Command::Unknown(word) => return (Reply::Unknown { word }, Vec::new()),
            Command::Forget => return (Reply::ConfirmForget, Vec::new()),
            Command::Leave => return (Reply::ConfirmLeave, Vec::new()),
            Command::AdminRound { preview } => return self.admin_round(team, user, preview).await,
            Command::AdminCheckins => return self.admin_checkins(team, user).await,
            Command::AdminCircles { preview, size } => {
                return self.admin_circles(team, user, preview, size).await
            }
            Command::AdminBindCircle(channel) => {
                return self.admin_bind_circle(team, user, &channel).await
            }
            Command::Share(text) => match shelf::parse_share(&text) {
                Err(e) => return (Reply::Refused { message: e.to_string() }, Vec::new()),
                Ok((url, why)) => return self.share(team, user, url, why).await,
            },
            Command::Status => self.home(team, user).await.map(|home| (Reply::Status { home }, false)),
            Command::Join => {
                // Check-ins go out in the member's own time zone, so learn it
                // now rather than only when they save the profile modal.
                let zone = self.directory.timezone(user).await.unwrap_or_else(|e| {
                    tracing::warn!(error = %e, "time zone unknown: users.info failed");
                    None
                });
                self.join(team, user).await.and(self.change_profile(team, user, |p| {
                let was = p.membership;
                p.membership = Membership::Active;
                if p.timezone.is_none() {
                    p.timezone = zone.clone();
                }
                let mut text = match was {
                    Membership::Active => "You're already in the program.".to_owned(),
                    Membership::Paused { .. } => "Welcome back — your pause is over.".to_owned(),
                    Membership::Out => "Welcome to Tandem! You're in the program.".to_owned(),
                };
                let missing = p.missing();
                if !missing.is_empty() {
                    text.push_str(&format!(
                        " To be paired, tell me {}: e.g. `/tandem profile offer: sql, public speaking; learn: rust; level: 3; team: Design`.",
                        crate::pairing::score::join(&missing)
                    ));
                }
                Ok(text)
            })
            .await)
            }
            Command::Profile(text) if text.trim().is_empty() => {
                self.load::<Profile>(team, user, Doc::Profile).await.map(|profile| {
                    let headline = "Your profile. Change any part with `/tandem profile offer: …; learn: …; level: …; team: …; format: 1:1|circle|either; cadence: weekly|biweekly|monthly`.".to_owned();
                    (Reply::Profile { headline, profile }, false)
                })
            }
            Command::Profile(text) => {
                let skills = crate::pairing::skills::SkillNormaliser::new(&self.config.skills);
                self.change_profile(team, user, |p| {
                    profile::apply_text(p, &text, &skills).map_err(|e| e.to_string())?;
                    Ok(match p.membership {
                        Membership::Out => "Saved. You haven't joined yet — `/tandem join` when you're ready.".to_owned(),
                        _ => "Saved.".to_owned(),
                    })
                })
                .await
            }
            Command::Pause(spec) => {
                let today = self.now().date_naive();
                let result = self.change_profile(team, user, |p| {
                    if p.membership == Membership::Out {
                        return Err("You haven't joined yet, so there is nothing to pause.".to_owned());
                    }
                    let until = profile::parse_pause(&spec, today).map_err(|e| e.to_string())?;
                    p.membership = Membership::Paused { until };
                    Ok(match until {
                        Some(d) => format!(
                            "Paused until {} — you won't be paired or prompted until then. `/tandem resume` comes back sooner.",
                            d.format("%a %-d %b %Y")
                        ),
                        None => "Paused — you won't be paired or prompted until you `/tandem resume`.".to_owned(),
                    })
                })
                .await;
                if result.is_ok() {
                    // A dated pause ends with a welcome-back DM the morning after.
                    if let Ok(p) = self.load::<Profile>(team, user, Doc::Profile).await {
                        if let Membership::Paused { until: Some(last) } = p.membership {
                            self.queue_pause_end(team, user, &p, last).await;
                        }
                    }
                }
                result
            }
            Command::Resume => self.change_profile(team, user, |p| match p.membership {
                Membership::Paused { .. } => {
                    p.membership = Membership::Active;
                    Ok("Welcome back! You'll be in the next round.".to_owned())
                }
                Membership::Active => Ok("You're not paused — you're already in.".to_owned()),
                Membership::Out => Err("You haven't joined yet: `/tandem join`.".to_owned()),
            })
            .await,
            Command::Goals => self.load::<GoalBook>(team, user, Doc::Goals).await.map(|book| {
                let headline = (book.active().count() == 0).then(|| {
                    "You have no active goals yet. Add one with `/tandem goal add <text>`.".to_owned()
                });
                (Reply::Goals { headline, book }, false)
            }),
            Command::Notes => self.load::<NoteBook>(team, user, Doc::Notes).await.map(|book| {
                let headline = (book.open().count() == 0).then(|| {
                    "No open notes. Add one with `/tandem note <text>`.".to_owned()
                });
                (Reply::Notes { headline, book }, false)
            }),
            Command::GoalAdd(text) => self.change_goals(team, user, |b| {
                b.add(&text).map(|n| format!("Added goal {n}. Break it into steps with `/tandem goal step {n} <next step>`."))
            })
            .await,
            Command::GoalStep(n, text) => self.change_goals(team, user, |b| {
                b.add_step(n, &text).map(|_| format!("Added a step to goal {n}."))
            })
            .await,
            Command::GoalDone(n) => self.change_goals(team, user, |b| {
                b.set_state(n, GoalState::Done).map(|_| format!("Goal {n} is done. Well done!"))
            })
            .await,
            Command::GoalDrop(n) => self.change_goals(team, user, |b| {
                b.set_state(n, GoalState::Dropped).map(|_| format!("Dropped goal {n}."))
            })
            .await,
            Command::GoalShare(n, shared) => self.change_goals(team, user, |b| {
                b.set_shared(n, shared).map(|_| if shared {
                    format!("Goal {n} is shared: your partner sees it in your intro and how it moves at check-ins. `/tandem goal private {n}` undoes it.")
                } else {
                    format!("Goal {n} is private again: partners see only counts.")
                })
            })
            .await,
            Command::NoteAdd(text) => self.change_notes(team, user, |b| {
                b.add(&text).map(|n| format!("Noted as {n}. It will be on your Home tab for your next meeting."))
            })
            .await,
            Command::NoteDone(n) => self.change_notes(team, user, |b| {
                b.done(n).map(|_| format!("Ticked off note {n}."))
            })
            .await,
        };
        if let (true, Ok(_)) = (is_join, &result) {
            if let Ok(profile) = self.load::<Profile>(team, user, Doc::Profile).await {
                self.queue_checkin(team, user, &profile).await;
            }
        }
        match result {
            Ok((reply, changed)) => {
                let mut effects = Vec::new();
                if is_pause && changed {
                    // A pause steps out of the circle too (prompts would
                    // name someone who isn't there).
                    match self.leave_circle(team, user).await {
                        Ok(e) => effects.extend(e),
                        Err(e) => {
                            tracing::warn!(error = %e, "could not take a paused member out of their circle")
                        }
                    }
                }
                if let (true, Some(trigger)) = (opens_modal, &request.trigger) {
                    if let Ok(profile) = self.load::<Profile>(team, user, Doc::Profile).await {
                        effects.push(Effect::OpenProfileModal {
                            trigger: trigger.clone(),
                            profile,
                            catalog: self.catalog(),
                        });
                    }
                }
                effects.extend(if changed {
                    match self.home(team, user).await {
                        Ok(home) => vec![Effect::PublishHome {
                            user: user.clone(),
                            home,
                        }],
                        Err(e) => {
                            tracing::warn!(error = %e, "Home tab not refreshed");
                            Vec::new()
                        }
                    }
                } else {
                    Vec::new()
                });
                (reply, effects)
            }
            Err(e) => {
                tracing::warn!(error = %e, "command not served: store problem");
                (Reply::StoreDown, Vec::new())
            }
        }
    }

    /// Handles a button press. It acts only on the member who pressed it,
    /// whatever the message carried.
    pub async fn handle_action(&self, request: &ActionRequest) -> (Reply, Vec<Effect>) {
        // Buttons that do what a command does behave exactly like it.
        let as_command = |text: &str| CommandRequest {
            team: request.team.clone(),
            user: request.user.clone(),
            text: text.to_owned(),
            trigger: request.trigger.clone(),
        };
        match request.action {
            Action::Join => return self.handle_command(&as_command("join")).await,
            Action::OpenProfile => return self.handle_command(&as_command("profile")).await,
            Action::PauseTwoWeeks => return self.handle_command(&as_command("pause 2w")).await,
            Action::Resume => return self.handle_command(&as_command("resume")).await,
            Action::OpenGoal => {
                let effects = request
                    .trigger
                    .clone()
                    .map(|trigger| Effect::OpenGoalModal { trigger })
                    .into_iter()
                    .collect();
                return (
                    Reply::Done {
                        message: "Add a goal with `/tandem goal add <text>`.".into(),
                    },
                    effects,
                );
            }
            _ => {}
        }
        match request.action {
            Action::Join
            | Action::OpenProfile
            | Action::PauseTwoWeeks
            | Action::Resume
            | Action::OpenGoal => unreachable!("handled above"),
            Action::CheckinGoal {
                number,
                goal,
                answer,
            } => {
                self.answer_checkin(request, number, |c| {
                    if c.goals.contains(&goal) {
                        c.answers.insert(goal, answer);
                    }
                })
                .await
            }
            Action::CheckinMet { number, answer } => {
                self.answer_checkin(request, number, |c| c.met = Some(answer))
                    .await
            }
            Action::Kickoff { round, cadence } => self.kickoff(request, round, cadence).await,
            Action::CheckinNote { number, goal } => self.open_checkin_note(request, number, goal),
            Action::AddStep { goal } => self.open_step(request, goal).await,
            Action::Repair { round } => self.repair(request, round, true).await,
            Action::KeepPartner { round } => self.repair(request, round, false).await,
            Action::CircleJoin { circle } => self.join_circle(request, circle).await,
            Action::CircleMerge { from, into } => self.merge_circles(request, from, into).await,
            Action::ForgetCancel => (Reply::ForgetCancelled, Vec::new()),
            Action::LeaveCancel => (
                Reply::Done {
                    message: "You're still in the program.".into(),
                },
                Vec::new(),
            ),
            Action::LeaveConfirm => {
                let result = self
                    .change_profile(&request.team, &request.user, |p| {
                        p.membership = Membership::Out;
                        Ok("You've left the program: no more pairing or prompts. Your goals and notes stay yours (`/tandem forget` erases them); `/tandem join` brings you back.".to_owned())
                    })
                    .await;
                match result {
                    Ok((Reply::Profile { headline, .. }, _)) => {
                        let mut effects = self
                            .leave_circle(&request.team, &request.user)
                            .await
                            .unwrap_or_else(|e| {
                                tracing::warn!(error = %e, "could not take a leaver out of their circle");
                                Vec::new()
                            });
                        if let Ok(home) = self.home(&request.team, &request.user).await {
                            effects.push(Effect::PublishHome {
                                user: request.user.clone(),
                                home,
                            });
                        }
                        (Reply::Done { message: headline }, effects)
                    }
                    Ok((reply, _)) => (reply, Vec::new()),
                    Err(_) => (Reply::StoreDown, Vec::new()),
                }
            }
            Action::ForgetConfirm => {
                let circle = match self.leave_circle(&request.team, &request.user).await {
                    Ok(effects) => effects,
                    Err(e) => {
                        tracing::warn!(error = %e, "forget failed: store problem");
                        return (Reply::StoreDown, Vec::new());
                    }
                };
                if let Err(e) = self.scrub_mentions(&request.team, &request.user).await {
                    tracing::warn!(error = %e, "forget failed: store problem");
                    return (Reply::StoreDown, Vec::new());
                }
                match self.store.erase_member(&request.team, &request.user).await {
                    Ok(removed) => {
                        tracing::info!(user = %request.user, keys = removed, "member forgotten");
                        let mut effects = circle;
                        effects.push(Effect::PublishHome {
                            user: request.user.clone(),
                            home: HomeModel::default(),
                        });
                        (Reply::Forgotten, effects)
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "forget failed: store problem");
                        (Reply::StoreDown, Vec::new())
                    }
                }
            }
        }
    }

    /// The "add a goal" modal's submit: the goal, or the reason it was refused.
    pub async fn submit_goal(&self, team: &TeamId, user: &UserId, text: &str) -> SubmitOutcome {
        self.submit_goal_change(team, user, "goal", |b| b.add(text).map(|_| ()))
            .await
    }

    /// A one-field goal modal's submit: the change saved and the Home tab
    /// refreshed, or the refusal shown on `field`.
    pub(super) async fn submit_goal_change(
        &self,
        team: &TeamId,
        user: &UserId,
        field: &str,
        change: impl Fn(&mut GoalBook) -> Result<(), goals::GoalError>,
    ) -> SubmitOutcome {
        match self.update(team, user, Doc::Goals, change).await {
            Ok(_) => SubmitOutcome::Saved(self.homes_for(team, std::slice::from_ref(user)).await),
            Err(UpdateError::Refused(e)) => {
                SubmitOutcome::Invalid(vec![(field.into(), e.to_string())])
            }
            Err(_) => SubmitOutcome::StoreDown,
        }
    }

    /// Skills offered in the modal: every canonical name in `skills.toml`.
    fn catalog(&self) -> Vec<String> {
        let mut names: Vec<String> = self
            .config
            .skills
            .keys()
            .map(|k| crate::pairing::skills::fold(k))
            .collect();
        names.sort();
        names.dedup();
        names
    }

    /// Saves a submitted profile modal: all fields are checked first, so an
    /// invalid form changes nothing; submitting it means joining.
    pub async fn submit_profile(
        &self,
        team: &TeamId,
        user: &UserId,
        form: ProfileForm,
    ) -> SubmitOutcome {
        let skills = crate::pairing::skills::SkillNormaliser::new(&self.config.skills);
        let mut errors = Vec::new();
        let mut text = Vec::new();
        let list = |items: &[String]| -> String {
            items
                .iter()
                .flat_map(|s| s.split(','))
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .collect::<Vec<_>>()
                .join(", ")
        };
        let offers = list(&form.offers);
        let wants = list(&form.wants);
        if offers.is_empty() {
            errors.push((
                "offers".to_owned(),
                "Pick or type at least one skill you can offer.".to_owned(),
            ));
        } else {
            text.push(format!("offer: {offers}"));
        }
        if wants.is_empty() {
            errors.push((
                "wants".to_owned(),
                "Pick or type at least one skill you want to learn.".to_owned(),
            ));
        } else {
            text.push(format!("learn: {wants}"));
        }
        match &form.level {
            Some(level) => text.push(format!("level: {level}")),
            None => errors.push(("level".to_owned(), "Choose your level.".to_owned())),
        }
        if let Some(team_name) = form.team.as_deref().filter(|t| !t.trim().is_empty()) {
            text.push(format!("team: {}", team_name.replace(';', ",")));
        }
        if let Some(format) = &form.format {
            text.push(format!("format: {format}"));
        }
        if let Some(cadence) = &form.cadence {
            text.push(format!("cadence: {cadence}"));
        }
        let mut profile = match self.load::<Profile>(team, user, Doc::Profile).await {
            Ok(p) => p,
            Err(_) => return SubmitOutcome::StoreDown,
        };
        if errors.is_empty() {
            if let Err(e) = profile::apply_text(&mut profile, &text.join("; "), &skills) {
                let field = match e {
                    profile::ProfileError::BadLevel => "level",
                    profile::ProfileError::TooLong if form.team.is_some() => "team",
                    _ => "offers",
                };
                errors.push((field.to_owned(), e.to_string()));
            }
        }
        // Goals are checked against the member's current book before anything is written.
        let mut book = match self.load::<GoalBook>(team, user, Doc::Goals).await {
            Ok(b) => b,
            Err(_) => return SubmitOutcome::StoreDown,
        };
        for (field, goal) in &form.goals {
            if let Err(e) = book.add(goal) {
                errors.push((field.clone(), e.to_string()));
            }
        }
        if !errors.is_empty() {
            return SubmitOutcome::Invalid(errors);
        }
        let timezone = form.timezone.clone();
        let saved = self
            .update(team, user, Doc::Profile, |p: &mut Profile| {
                let membership = p.membership;
                *p = profile.clone();
                p.membership = match membership {
                    Membership::Out => Membership::Active,
                    other => other,
                };
                if timezone.is_some() {
                    p.timezone = timezone.clone();
                }
                Ok::<(), String>(())
            })
            .await;
        if saved.is_err() || self.join(team, user).await.is_err() {
            return SubmitOutcome::StoreDown;
        }
        if let Ok((_, saved_profile)) = &saved {
            self.queue_checkin(team, user, saved_profile).await;
        }
        if !form.goals.is_empty() {
            let goals: Vec<String> = form.goals.iter().map(|(_, g)| g.clone()).collect();
            let added = self
                .update(team, user, Doc::Goals, |b: &mut GoalBook| {
                    for g in &goals {
                        b.add(g)?;
                    }
                    Ok::<(), goals::GoalError>(())
                })
                .await;
            if let Err(UpdateError::Refused(e)) = &added {
                return SubmitOutcome::Invalid(vec![("goal_1".to_owned(), e.to_string())]);
            }
            if added.is_err() {
                return SubmitOutcome::StoreDown;
            }
        }
        match self.home(team, user).await {
            Ok(home) => SubmitOutcome::Saved(vec![Effect::PublishHome {
                user: user.clone(),
                home,
            }]),
            Err(_) => SubmitOutcome::Saved(Vec::new()),
        }
    }

    /// A kickoff choice: recorded for this member; the group sees it, and
    /// when everyone chose the same rhythm, that it is agreed.
    async fn kickoff(
        &self,
        request: &ActionRequest,
        round: u32,
        cadence: profile::Cadence,
    ) -> (Reply, Vec<Effect>) {
        let (team, user) = (&request.team, &request.user);
        let updated = self
            .update(team, user, Doc::Pairing, |p: &mut rounds::Pairing| {
                if p.round != round {
                    return Err("This intro is from an earlier round.".to_owned());
                }
                p.cadence = Some(cadence);
                Ok(())
            })
            .await;
        let pairing = match updated {
            Ok((_, p)) => p,
            Err(UpdateError::Refused(message)) => return (Reply::Refused { message }, Vec::new()),
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        let mut agreed = true;
        for partner in pairing
            .partners
            .iter()
            .filter_map(|p| UserId::parse(p).ok())
        {
            match self
                .load::<rounds::Pairing>(team, &partner, Doc::Pairing)
                .await
            {
                Ok(theirs) if theirs.round == round && theirs.cadence == Some(cadence) => {}
                _ => agreed = false,
            }
        }
        let text = if agreed {
            format!(
                ":handshake: Agreed: you'll meet {}. Put the first one in your calendars!",
                cadence.label()
            )
        } else {
            format!("<@{user}> would like to meet {}. Pick the same to agree, or suggest another rhythm here.", cadence.label())
        };
        let effects = request
            .conversation
            .clone()
            .map(|conversation| Effect::PostInConversation {
                conversation,
                thread: None,
                text: text.clone(),
            })
            .into_iter()
            .collect();
        let _ = text;
        (Reply::Silent, effects)
    }

    /// Keeps a link on the member's shelf and, when they have a partner or
    /// trio, on theirs too, and posts it in the group's DM.
    async fn share(
        &self,
        team: &TeamId,
        user: &UserId,
        url: String,
        why: Option<String>,
    ) -> (Reply, Vec<Effect>) {
        match self.load_circles(team).await {
            Ok(book) => {
                if let Some(circle) = book.of_member(user.as_str()) {
                    let channel = circle.channel.clone();
                    return self.share_with_circle(team, user, &channel, url, why).await;
                }
            }
            Err(_) => return (Reply::StoreDown, Vec::new()),
        }
        let pairing: rounds::Pairing = match self.load(team, user, Doc::Pairing).await {
            Ok(p) => p,
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        let partners: Vec<UserId> = pairing
            .partners
            .iter()
            .filter_map(|p| UserId::parse(p).ok())
            .collect();
        let headline = |n: u32| {
            if partners.is_empty() {
                format!("Saved to your shelf as {n}. You don't have a partner or circle yet, so it wasn't sent to anyone; it stays on your Home tab.")
            } else {
                let who: Vec<String> = partners.iter().map(|p| format!("<@{p}>")).collect();
                format!(
                    "Sent to {} and kept on your shelves as {n}.",
                    who.join(" and ")
                )
            }
        };
        let result = self
            .change(
                team,
                user,
                Doc::Shelf,
                |s: &mut shelf::Shelf| {
                    Ok::<_, std::convert::Infallible>(headline(s.add(url.clone(), why.clone())))
                },
                |headline, shelf| Reply::Shelf { headline, shelf },
            )
            .await;
        let (reply, _) = match result {
            Ok(r) => r,
            Err(_) => return (Reply::StoreDown, Vec::new()),
        };
        let mut effects = Vec::new();
        if !partners.is_empty() {
            for p in &partners {
                let _ = self
                    .update(team, p, Doc::Shelf, |s: &mut shelf::Shelf| {
                        s.add(url.clone(), why.clone());
                        Ok::<(), std::convert::Infallible>(())
                    })
                    .await;
            }
            let mut members = vec![user.clone()];
            members.extend(partners.iter().cloned());
            effects.push(Effect::Share {
                from: user.clone(),
                members,
                url,
                why,
            });
        }
        if let Ok(home) = self.home(team, user).await {
            effects.push(Effect::PublishHome {
                user: user.clone(),
                home,
            });
        }
        (reply, effects)
    }

    /// Adds the member to the program's member set (idempotent).
    async fn join(&self, team: &TeamId, user: &UserId) -> Result<(), anyhow::Error> {
        Ok(self.store.add_member(team, user).await?)
    }

    /// Someone joined the program channel: one welcome DM with a Join
    /// button, unless they are already in.
    async fn welcome(
        &self,
        event: &InboundEvent,
        user: &UserId,
    ) -> Result<(EventOutcome, Vec<Effect>), StoreError> {
        let ttl = Duration::from_secs(self.config.store.event_dedupe_ttl_secs);
        if !self
            .store
            .claim_event(&event.team, &event.event_id, ttl)
            .await?
        {
            return Ok((EventOutcome::Duplicate, Vec::new()));
        }
        let already_in = self
            .load::<Profile>(&event.team, user, Doc::Profile)
            .await
            .map(|p| p.membership != Membership::Out)
            .unwrap_or(false);
        if already_in {
            return Ok((EventOutcome::Handled, Vec::new()));
        }
        Ok((
            EventOutcome::Handled,
            vec![Effect::WelcomeDm { user: user.clone() }],
        ))
    }

    /// Handles an event once: Slack's retries of the same `event_id` return
    /// [`EventOutcome::Duplicate`] and no effects.
    pub async fn handle_event(
        &self,
        event: &InboundEvent,
    ) -> Result<(EventOutcome, Vec<Effect>), StoreError> {
        let user = match &event.kind {
            EventKind::AppHomeOpened { user } => user,
            EventKind::JoinedChannel { user, channel }
                if !self.config.program.channel.is_empty()
                    && *channel == self.config.program.channel =>
            {
                return self.welcome(event, user).await;
            }
            EventKind::ThreadReply {
                user,
                channel,
                thread,
            } => {
                let ttl = Duration::from_secs(self.config.store.event_dedupe_ttl_secs);
                if !self
                    .store
                    .claim_event(&event.team, &event.event_id, ttl)
                    .await?
                {
                    return Ok((EventOutcome::Duplicate, Vec::new()));
                }
                if let Err(e) = self
                    .record_thread_reply(&event.team, channel, thread, user)
                    .await
                {
                    tracing::warn!(error = %e, "a circle reply was not counted");
                }
                return Ok((EventOutcome::Handled, Vec::new()));
            }
            EventKind::JoinedChannel { .. }
            | EventKind::Uninstalled
            | EventKind::Ignored { .. } => return Ok((EventOutcome::Ignored, Vec::new())),
        };
        let ttl = Duration::from_secs(self.config.store.event_dedupe_ttl_secs);
        if !self
            .store
            .claim_event(&event.team, &event.event_id, ttl)
            .await?
        {
            return Ok((EventOutcome::Duplicate, Vec::new()));
        }
        let home = match self.home(&event.team, user).await {
            Ok(home) => home,
            Err(e) => {
                // The claim is made; show the tab without data rather than nothing.
                tracing::warn!(error = %e, "Home tab shown without the member's data");
                HomeModel::default()
            }
        };
        Ok((
            EventOutcome::Handled,
            vec![Effect::PublishHome {
                user: user.clone(),
                home,
            }],
        ))
    }
}
