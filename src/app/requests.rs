//! What reaches the app from outside, already authenticated and parsed:
//! a slash command, a button press, an event, a submitted profile form.

use crate::domain::{checkin, profile};
use crate::ids::{ChannelId, TeamId, UserId};

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
    /// "Your manager" (a user id), if chosen.
    pub manager: Option<String>,
    /// "Don't pair me with" (user ids).
    pub avoid: Vec<String>,
    /// "Your working hours" as typed (`08:30-16:30`); empty or absent:
    /// the program's.
    pub hours: Option<String>,
    /// (field, text) for each goal box filled in.
    pub goals: Vec<(String, String)>,
}

/// A button press, already authenticated: `user` is who pressed it.
#[derive(Debug, Clone)]
pub struct ActionRequest {
    pub team: TeamId,
    pub user: UserId,
    pub action: Action,
    /// Opaque token that lets the bot open a modal for this press.
    pub trigger: Option<String>,
    /// The conversation the pressed message is in.
    pub conversation: Option<ChannelId>,
    /// Opaque address for updating the pressed message later (a modal
    /// opened from it uses this to show what was saved).
    pub reply_to: Option<String>,
}

/// What a button asks for. How each is written into a button (and read
/// back) is `slack::buttons`, the one codec.
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
        answer: checkin::GoalAnswer,
    },
    /// A check-in answer about meeting the partner.
    CheckinMet {
        number: u32,
        answer: checkin::MetAnswer,
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
    /// "Still in?": yes (`true`), or pause me for a month.
    StillIn {
        keep: bool,
    },
    /// After a first meeting: keep meeting this round's partner (`true`)
    /// or someone new next round.
    StayTogether {
        round: u32,
        keep: bool,
    },
    /// The intro's meeting time at place `slot` (from 0) suits me.
    PickTime {
        round: u32,
        slot: u8,
    },
    /// None of the intro's meeting times suits me.
    NoTimeWorks {
        round: u32,
    },
    /// An admin confirms taking `member` out of the program.
    AdminRemoveConfirm {
        member: UserId,
    },
    /// ... or thinks better of it.
    AdminRemoveCancel,
    /// The admins' Home buttons: stats, and the export in their DM.
    AdminStats,
    AdminExport,
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
    /// Someone joined a channel.
    JoinedChannel { user: UserId, channel: ChannelId },
    /// The app was removed or its tokens revoked: nothing to send any more.
    Uninstalled,
    /// Someone replied in a thread (only who and where; never the text).
    ThreadReply {
        user: UserId,
        channel: ChannelId,
        thread: String,
    },
    /// Anything else; `name` is Slack's event type, for logs.
    Ignored { name: String },
}
