//! What the app hands back: replies, effects for `slack/` to carry out,
//! and the view models (Home tab, check-in, round and circle summaries)
//! that `slack::views` renders. Plain data, no behaviour beyond naming.

use super::text::Text;
use crate::domain::checkin::Checkin;
use crate::domain::circles::PromptKind;
use crate::domain::goals::GoalBook;
use crate::domain::notes::NoteBook;
use crate::domain::nudges::Nudge;
use crate::domain::pairing::Pairing;
use crate::domain::profile::Profile;
use crate::domain::shelf::Shelf;
use crate::ids::{ChannelId, UserId};
use chrono::{DateTime, Utc};

/// What became of a profile modal submission.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SubmitOutcome {
    /// Saved; what follows once Slack has its answer (`App::after_save`).
    Saved(AfterSave),
    /// (field, message) pairs, shown under the fields.
    Invalid(Vec<(String, String)>),
    StoreDown,
}

/// What follows a saved form, after Slack has been answered: a form is
/// answered as soon as it is saved, and nothing slow (asking Slack, building
/// a Home tab) holds the answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AfterSave {
    /// The member's Home tab shows the change.
    RefreshHome,
    /// The profile form: the member's time zone asked of Slack (it may have
    /// changed, and check-ins follow it), then their Home tab.
    Profile,
    /// Messages that change with it (the check-in a note is on).
    Effects(Vec<Effect>),
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
    Refused { message: Text },
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
    Done { message: Text },
    /// `/tandem leave`: confirm and cancel buttons.
    ConfirmLeave,
    /// A pairing round, planned (preview) or run.
    Round(RoundSummary),
    /// What `admin circles` formed (or would form).
    Circles(CirclesSummary),
    /// A member's check-in, as it now stands (answers marked).
    Checkin(CheckinModel),
    /// `admin stats`: program health, counts only.
    Stats(crate::domain::figures::ProgramStats),
    /// `admin remove @x`: confirm and cancel buttons.
    ConfirmRemove { member: UserId },
    /// A keep-or-new answer, shown with the choice marked (buttons kept:
    /// it can change until the next round).
    KeepChoice {
        partners: Vec<UserId>,
        round: u32,
        keep: bool,
    },
    /// `admin log`: the last admin actions, newest first.
    AdminLog(Vec<crate::domain::admin_log::LogEntry>),
    /// The member's shelf after `headline`.
    Shelf { headline: Text, shelf: Shelf },
    /// A listed command that is not built yet.
    ComingSoon { usage: &'static str },
    /// An unknown subcommand; `word` is what they typed, trimmed for display.
    Unknown { word: String },
    /// A reply to a button press shown to the presser alone, leaving the
    /// pressed message (which others may share, like an intro) as it is.
    ToPresser(Box<Reply>),
}

impl Reply {
    /// Whether answering a button press with this reply replaces the
    /// pressed message (the usual case: the message shows the new state).
    /// A refusal or a store outage does not: it is said to the presser
    /// alone, and the message keeps its buttons for another try.
    pub fn replaces_pressed_message(&self) -> bool {
        !matches!(
            self,
            Reply::ToPresser(_) | Reply::Silent | Reply::StoreDown | Reply::Refused { .. }
        )
    }

    /// A name for logs and metrics (never the content).
    pub fn kind(&self) -> &'static str {
        match self {
            Reply::Help => "help",
            Reply::Usage { .. } => "usage",
            Reply::Goals { .. } => "goals",
            Reply::Notes { .. } => "notes",
            Reply::Refused { .. } => "refused",
            Reply::StoreDown => "store_down",
            Reply::Silent => "silent",
            Reply::ConfirmForget => "confirm_forget",
            Reply::Forgotten => "forgotten",
            Reply::ForgetCancelled => "forget_cancelled",
            Reply::Profile { .. } => "profile",
            Reply::Status { .. } => "status",
            Reply::Done { .. } => "done",
            Reply::ConfirmLeave => "confirm_leave",
            Reply::Shelf { .. } => "shelf",
            Reply::Round(_) => "round",
            Reply::Circles(_) => "circles",
            Reply::Checkin(_) => "checkin",
            Reply::Stats(_) => "stats",
            Reply::ConfirmRemove { .. } => "confirm_remove",
            Reply::AdminLog(_) => "admin_log",
            Reply::KeepChoice { .. } => "keep_choice",
            Reply::ComingSoon { .. } => "coming_soon",
            Reply::Unknown { .. } => "unknown",
            Reply::ToPresser(inner) => inner.kind(),
        }
    }
}

/// What a check-in DM shows: the member's own goals and notes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CheckinModel {
    pub checkin: Checkin,
    pub goals: GoalBook,
    pub notes: NoteBook,
}

/// What the Home tab shows a member: only their own data.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct HomeModel {
    pub profile: Profile,
    pub goals: GoalBook,
    pub notes: NoteBook,
    pub shelf: Shelf,
    pub pairing: Pairing,
    /// My circle, if I am in one.
    pub circle: Option<CircleHome>,
    /// The day it was built, for "paused until" wording.
    pub today: Option<chrono::NaiveDate>,
    /// For program admins: the program's last 30 days (counts only).
    pub program: Option<Box<crate::domain::figures::ProgramStats>>,
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
        reasons: Vec<Text>,
        /// Each member's shared goals (only those they chose to share).
        shared_goals: Vec<(UserId, Vec<String>)>,
        /// Times to pick from for the first meeting, inside everyone's
        /// working hours (none: they share no working time this week).
        slots: Vec<chrono::DateTime<chrono::Utc>>,
        /// The meeting's length, in minutes.
        minutes: u32,
    },
    /// A pair who both chose to keep meeting: told in their group DM that
    /// they continue this round (instead of a new intro).
    Continue { round: u32, members: Vec<UserId> },
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
        conversation: ChannelId,
        thread: Option<String>,
        text: Text,
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
        channel: ChannelId,
        members: usize,
    },
    /// A reply to a press on the Home tab (which has no message to answer
    /// in), sent as a DM.
    ReplyInDm { user: UserId, reply: Reply },
    /// A plain DM telling `user` something done to their membership (by a
    /// program admin).
    Notice { user: UserId, text: Text },
    /// A round's report (counts only) in `program.report_channel`.
    RoundReport {
        channel: ChannelId,
        report: crate::domain::figures::RoundReport,
    },
    /// Offer a small circle (in its channel) to merge into another.
    CircleMergeOffer {
        channel: ChannelId,
        from: u32,
        into: u32,
        into_channel: ChannelId,
    },
    /// Post a shared resource in a circle's channel.
    ShareInChannel {
        from: UserId,
        channel: ChannelId,
        url: String,
        why: Option<String>,
    },
    /// Replace the message at `reply_to` (from [`ActionRequest::reply_to`]).
    ReplaceMessage { reply_to: String, reply: Reply },
    /// A private nudge (stale goal, a pair that has not met, a pause that
    /// ended).
    Nudge { user: UserId, nudge: Nudge },
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

/// A message whose id the app keeps (circle intros and prompts).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Post {
    CircleIntro(CircleIntro),
    CirclePrompt(CirclePrompt),
}

/// What a handler decided: the reply for the person who asked, what else
/// must happen, and whether their Home tab shows something new. The router
/// turns `refresh_home` into the Home tab's refresh, after the effects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    pub reply: Reply,
    pub effects: Vec<Effect>,
    pub refresh_home: bool,
}

impl Outcome {
    pub fn reply(reply: Reply) -> Self {
        Self {
            reply,
            effects: Vec::new(),
            refresh_home: false,
        }
    }

    /// A refusal with what to do instead.
    pub fn refused(message: impl Into<Text>) -> Self {
        Self::reply(Reply::Refused {
            message: message.into(),
        })
    }

    /// "Done", in words.
    pub fn done(message: impl Into<Text>) -> Self {
        Self::reply(Reply::Done {
            message: message.into(),
        })
    }

    /// No reply to the presser: `text` is said, for everyone there, in the
    /// conversation they pressed in (a group DM), when it is known.
    pub fn said_where_pressed(conversation: Option<ChannelId>, text: Text) -> Self {
        Self::reply(Reply::Silent).with_effects(conversation.map(|conversation| {
            Effect::PostInConversation {
                conversation,
                thread: None,
                text,
            }
        }))
    }

    /// The store did not answer; nothing changed.
    pub fn store_down() -> Self {
        Self::reply(Reply::StoreDown)
    }

    pub fn with_effects(mut self, effects: impl IntoIterator<Item = Effect>) -> Self {
        self.effects.extend(effects);
        self
    }

    /// The member's Home tab is refreshed after the effects.
    pub fn refreshing_home(mut self) -> Self {
        self.refresh_home = true;
        self
    }
}

/// One group of a planned round, for replies and intros.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlannedGroup {
    pub members: Vec<UserId>,
    /// Points, in hundredths.
    pub score: i64,
    pub reasons: Vec<Text>,
}

/// A round as the admin sees it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundSummary {
    pub number: u32,
    /// Pairs kept together (both chose to keep meeting).
    pub kept: Vec<Vec<UserId>>,
    /// Guests, bots and deactivated accounts left out.
    pub not_people: usize,
    pub preview: bool,
    pub groups: Vec<PlannedGroup>,
    pub sat_out: Vec<(UserId, String)>,
    /// Joined and active but with an incomplete profile.
    pub not_ready: usize,
    /// Paused or circle-only members, not in this round.
    pub away: usize,
    /// The previous round's intros still going out (previews show it).
    pub delivering: Option<super::Progress>,
}

/// One member as a circle intro shows them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleMember {
    pub user: UserId,
    pub offers: Vec<String>,
    pub wants: Vec<String>,
}

/// The first message in a circle's channel.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleIntro {
    pub members: Vec<CircleMember>,
    pub reasons: Vec<Text>,
    pub facilitator: Option<UserId>,
    pub first_meeting: DateTime<Utc>,
    pub next_prompt: Option<DateTime<Utc>>,
}

/// The weekly prompt.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CirclePrompt {
    pub week: u32,
    pub kind: PromptKind,
    pub facilitator: Option<UserId>,
    /// Who answered last week's prompt, of how many members.
    pub answered_last: Option<(Vec<UserId>, usize)>,
}

/// What `admin circles` did (or would do).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CirclesSummary {
    pub preview: bool,
    pub size: usize,
    pub groups: Vec<PlannedGroup>,
    /// Channels created (id), with their member counts.
    pub formed: Vec<(ChannelId, usize)>,
    /// Why forming stopped early, if it did.
    pub failed: Option<String>,
    /// Channels formed whose members Slack would not add, with why.
    pub uninvited: Vec<(ChannelId, String)>,
    /// Circle-preferring members with an incomplete profile.
    pub not_ready: usize,
    /// Members who could not be placed without grouping someone with
    /// their manager or someone on a do-not-pair list (why is not said).
    pub unplaced: usize,
}

/// The Home tab's view of my circle.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CircleHome {
    pub channel: ChannelId,
    pub members: Vec<UserId>,
    /// Facilitators to come, next first.
    pub rotation: Vec<UserId>,
    pub facilitator: Option<UserId>,
    pub next_prompt: Option<DateTime<Utc>>,
}

/// What one run of a job asks for.
#[derive(Debug)]
pub struct JobRun {
    pub effects: Vec<Effect>,
    /// When the job runs again; `None` drops it.
    pub next: Option<DateTime<Utc>>,
    /// The idempotency key to record once `effects` reached Slack.
    pub mark: Option<String>,
}

impl JobRun {
    /// Nothing to send; run again at `next` (or drop the job).
    pub fn nothing(next: Option<DateTime<Utc>>) -> Self {
        Self {
            effects: Vec::new(),
            next,
            mark: None,
        }
    }
}
