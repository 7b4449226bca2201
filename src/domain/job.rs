//! The kinds of scheduled work, and how each is named in the job queue.
//! One enum, so adding a kind means adding a variant here and an arm to the
//! one `match` that runs jobs (`app::jobs::run_job`); the compiler finds the
//! rest.

use crate::ids::UserId;
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Job {
    /// The program's pairing round (`program.round_schedule`).
    Round,
    /// A member's check-in (`program.checkin_schedule`, in their zone).
    Checkin(UserId),
    /// The one reminder about a member's check-in `number`.
    Reminder { user: UserId, number: u32 },
    /// The end of a member's dated pause (the morning after its last day).
    PauseEnd(UserId),
    /// A circle's weekly prompt (`circles.prompt_schedule`).
    CirclePrompt(u32),
    /// Round `round`'s intro of its group `group` (pairings stored, then
    /// the group DM).
    Intro { round: u32, group: u32 },
    /// The DM telling `user` why they sit out round `round`.
    SitOut { round: u32, user: UserId },
    /// `user`'s own open notes, before they meet their round-`round`
    /// partner.
    NotesBefore { round: u32, user: UserId },
    /// Offers to merge circles too small to carry on, after round `round`.
    MergeOffers { round: u32 },
    /// Round `round`'s figures recorded, and its report posted where
    /// `program.report_channel` says.
    Report { round: u32 },
    /// Group `group` of round `round` all picked one meeting time: it is
    /// confirmed, with a calendar invite in their group DM.
    Meeting { round: u32, group: u32 },
    /// `user`'s reminder of their confirmed round-`round` meeting.
    MeetingSoon { round: u32, user: UserId },
}

impl Job {
    /// The member a job is about, if it is about one.
    pub fn member(&self) -> Option<&UserId> {
        match self {
            Job::Checkin(user)
            | Job::PauseEnd(user)
            | Job::Reminder { user, .. }
            | Job::SitOut { user, .. }
            | Job::NotesBefore { user, .. }
            | Job::MeetingSoon { user, .. } => Some(user),
            Job::Round
            | Job::CirclePrompt(_)
            | Job::Intro { .. }
            | Job::MergeOffers { .. }
            | Job::Report { .. }
            | Job::Meeting { .. } => None,
        }
    }

    /// One job of every kind, for tests that must cover them all.
    pub fn examples() -> Vec<Job> {
        let user = UserId::parse("U0EXAMPLE").expect("a valid id");
        vec![
            Job::Round,
            Job::Checkin(user.clone()),
            Job::Reminder {
                user: user.clone(),
                number: 7,
            },
            Job::PauseEnd(user.clone()),
            Job::CirclePrompt(3),
            Job::Intro { round: 4, group: 0 },
            Job::SitOut {
                round: 4,
                user: user.clone(),
            },
            Job::NotesBefore {
                round: 4,
                user: user.clone(),
            },
            Job::MergeOffers { round: 4 },
            Job::Report { round: 4 },
            Job::Meeting { round: 4, group: 2 },
            Job::MeetingSoon { round: 4, user },
        ]
    }
}

impl fmt::Display for Job {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Job::Round => f.write_str("round"),
            Job::Checkin(user) => write!(f, "checkin:{user}"),
            Job::Reminder { user, number } => write!(f, "remind:{user}:{number}"),
            Job::PauseEnd(user) => write!(f, "resume:{user}"),
            Job::CirclePrompt(id) => write!(f, "circle:{id}"),
            Job::Intro { round, group } => write!(f, "intro:{round}:{group}"),
            Job::SitOut { round, user } => write!(f, "sitout:{round}:{user}"),
            Job::NotesBefore { round, user } => write!(f, "notes:{round}:{user}"),
            Job::MergeOffers { round } => write!(f, "offers:{round}"),
            Job::Report { round } => write!(f, "report:{round}"),
            Job::Meeting { round, group } => write!(f, "meeting:{round}:{group}"),
            Job::MeetingSoon { round, user } => write!(f, "meetsoon:{round}:{user}"),
        }
    }
}

/// A queue entry that names no job this version knows.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown job")]
pub struct UnknownJob;

impl FromStr for Job {
    type Err = UnknownJob;

    fn from_str(name: &str) -> Result<Self, UnknownJob> {
        let user = |u: &str| UserId::parse(u).map_err(|_| UnknownJob);
        let number = |n: &str| n.parse::<u32>().map_err(|_| UnknownJob);
        let (kind, rest) = name.split_once(':').unwrap_or((name, ""));
        match kind {
            "round" if rest.is_empty() => Ok(Job::Round),
            "checkin" => Ok(Job::Checkin(user(rest)?)),
            "remind" => {
                let (u, n) = rest.split_once(':').ok_or(UnknownJob)?;
                Ok(Job::Reminder {
                    user: user(u)?,
                    number: number(n)?,
                })
            }
            "resume" => Ok(Job::PauseEnd(user(rest)?)),
            "circle" => Ok(Job::CirclePrompt(number(rest)?)),
            "intro" | "meeting" => {
                let (r, g) = rest.split_once(':').ok_or(UnknownJob)?;
                let (round, group) = (number(r)?, number(g)?);
                Ok(if kind == "intro" {
                    Job::Intro { round, group }
                } else {
                    Job::Meeting { round, group }
                })
            }
            "sitout" | "notes" | "meetsoon" => {
                let (r, u) = rest.split_once(':').ok_or(UnknownJob)?;
                let (round, user) = (number(r)?, user(u)?);
                Ok(match kind {
                    "sitout" => Job::SitOut { round, user },
                    "notes" => Job::NotesBefore { round, user },
                    _ => Job::MeetingSoon { round, user },
                })
            }
            "offers" => Ok(Job::MergeOffers {
                round: number(rest)?,
            }),
            "report" => Ok(Job::Report {
                round: number(rest)?,
            }),
            _ => Err(UnknownJob),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_round_trips_through_its_queue_name() {
        for job in Job::examples() {
            let name = job.to_string();
            assert_eq!(name.parse::<Job>(), Ok(job), "{name}");
        }
    }

    #[test]
    fn names_are_the_ones_already_queued() {
        // Queues outlive deploys: these names must keep parsing.
        let names: Vec<String> = Job::examples().iter().map(Job::to_string).collect();
        assert_eq!(
            names,
            [
                "round",
                "checkin:U0EXAMPLE",
                "remind:U0EXAMPLE:7",
                "resume:U0EXAMPLE",
                "circle:3",
                "intro:4:0",
                "sitout:4:U0EXAMPLE",
                "notes:4:U0EXAMPLE",
                "offers:4",
                "report:4",
                "meeting:4:2",
                "meetsoon:4:U0EXAMPLE"
            ]
        );
    }

    #[test]
    fn anything_else_is_unknown() {
        for bad in [
            "",
            "round:1",
            "checkin:",
            "checkin:u1",
            "remind:U1",
            "remind:U01:x",
            "circle:-1",
            "resume:<!channel>",
            "nudge:U01",
            "intro:4",
            "intro:x:1",
            "sitout:4:<!here>",
            "notes:U01:4",
            "offers:",
            "meeting:4",
            "meetsoon:4:<!here>",
        ] {
            assert_eq!(bad.parse::<Job>(), Err(UnknownJob), "{bad:?}");
        }
    }
}
