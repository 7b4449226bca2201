//! Nudges: a goal that has not moved for `stale_checkins` check-ins, a pair
//! that has not met for `fizzle_rounds` check-in periods (nudged once, then
//! offered a re-pair), and a pause that has ended. Worked out when a new
//! check-in starts, from the one it replaces; pure, no I/O.

use super::checkin::{Checkin, GoalAnswer, MetAnswer};
use crate::ids::UserId;
use std::collections::BTreeMap;

/// What a member is nudged about (always privately, in their DM).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Nudge {
    /// Goal `goal` has not moved in `checkins` check-ins.
    StaleGoal {
        goal: u32,
        text: String,
        checkins: u32,
    },
    /// The pair has not met in `periods` check-ins.
    Fizzle { partners: Vec<UserId>, periods: u32 },
    /// Still not met after the nudge: offer a new partner next round.
    RepairOffer { partners: Vec<UserId>, round: u32 },
    /// A pause ended today; check-ins and rounds include them again.
    PauseEnded,
    /// Several check-ins unanswered: still in, or a pause?
    StillIn,
    /// Paused by the round after an unanswered "still in?" (with Resume).
    PausedForSilence,
    /// Their partner seems away: first in line for a new one this round.
    PartnerAway,
    /// After a first reported meeting: keep meeting `partners`, or someone
    /// new next round? (`choice`: what they picked so far.)
    KeepOrNew {
        partners: Vec<UserId>,
        round: u32,
        choice: Option<bool>,
    },
    /// A new pairing: the member's own open follow-up notes, before the
    /// first meeting.
    BeforeMeeting {
        partners: Vec<UserId>,
        notes: Vec<String>,
    },
    /// A confirmed meeting with `partners` starts at `at`, in `minutes`.
    MeetingSoon {
        partners: Vec<UserId>,
        at: chrono::DateTime<chrono::Utc>,
        minutes: i64,
    },
}

/// The thresholds from `[nudges]`.
#[derive(Debug, Clone, Copy)]
pub struct Thresholds {
    pub stale_checkins: u32,
    pub fizzle_rounds: u32,
    pub silent_checkins: u32,
}

/// Counters carried from one check-in to the next, and the nudges due.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Carried {
    pub stale: BTreeMap<u32, u32>,
    pub missed: u32,
    /// (goal number, check-ins without progress) for each stale goal.
    pub stale_goals: Vec<(u32, u32)>,
    /// Check-ins without meeting, when it reaches the nudge threshold.
    pub fizzle: Option<u32>,
    /// Whether to offer a re-pair (one period after the fizzle nudge).
    pub repair: bool,
    /// Check-ins in a row left unanswered, the one replaced included.
    pub silent: u32,
    /// Asked "still in?" (now, or before and still unanswered).
    pub still_in_asked: bool,
    /// Whether to ask "still in?" now.
    pub still_in: bool,
}

/// Works out the counters for the check-in that replaces `previous`, asking
/// about `goals` with `partners`. A goal counts as stalled when its answer
/// was "no progress", "stuck" or nothing at all; a pair as not meeting when
/// the answer was anything but "we met". A goal is nudged once per
/// `stale_checkins` stalled check-ins (its count starts again after a nudge);
/// a new partner starts the meeting count afresh.
pub fn carry(previous: &Checkin, goals: &[u32], partners: &[UserId], t: Thresholds) -> Carried {
    let mut out = Carried::default();
    for &goal in goals {
        let before = previous.stale.get(&goal).copied().unwrap_or(0);
        let asked = previous.goals.contains(&goal);
        let moved = matches!(
            previous.answers.get(&goal),
            Some(GoalAnswer::StepDone | GoalAnswer::Progress)
        );
        let count = match (asked, moved) {
            (false, _) => 0,
            (true, true) => 0,
            (true, false) => before + 1,
        };
        if t.stale_checkins > 0 && count >= t.stale_checkins {
            out.stale_goals.push((goal, count));
            out.stale.insert(goal, 0);
        } else {
            out.stale.insert(goal, count);
        }
    }
    // A check-in with no answer at all counts towards "still in?"; any
    // answer resets it (and answers the question).
    let answered = !previous.answers.is_empty() || previous.met.is_some();
    if previous.number > 0 {
        out.silent = if answered { 0 } else { previous.silent + 1 };
    }
    out.still_in_asked = previous.still_in_asked && !answered;
    if t.silent_checkins > 0 && out.silent == t.silent_checkins && !out.still_in_asked {
        out.still_in = true;
        out.still_in_asked = true;
    }
    let same_partners = !partners.is_empty() && previous.partners == partners;
    if same_partners {
        out.missed = if previous.met == Some(MetAnswer::Met) {
            0
        } else {
            previous.missed + 1
        };
        if t.fizzle_rounds > 0 {
            if out.missed == t.fizzle_rounds {
                out.fizzle = Some(out.missed);
            } else if out.missed == t.fizzle_rounds + 1 {
                out.repair = true;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const T: Thresholds = Thresholds {
        stale_checkins: 3,
        fizzle_rounds: 2,
        silent_checkins: 3,
    };

    #[test]
    fn three_silent_check_ins_ask_still_in_once_and_an_answer_resets() {
        let mut prev = Checkin {
            number: 1,
            ..Checkin::default()
        };
        let mut asked_at = Vec::new();
        for n in 2..=6 {
            let c = carry(&prev, &[], &[], T);
            if c.still_in {
                asked_at.push(n);
            }
            prev = Checkin {
                number: n,
                silent: c.silent,
                still_in_asked: c.still_in_asked,
                ..Checkin::default()
            };
        }
        assert_eq!(asked_at, vec![4], "after three unanswered, once");
        assert!(prev.still_in_asked);
        prev.met = Some(MetAnswer::NotYet);
        let c = carry(&prev, &[], &[], T);
        assert_eq!((c.silent, c.still_in_asked, c.still_in), (0, false, false));
    }

    fn next(prev: &Checkin, goal_answer: Option<GoalAnswer>, met: Option<MetAnswer>) -> Checkin {
        let mut p = prev.clone();
        if let Some(a) = goal_answer {
            p.answers.insert(1, a);
        }
        p.met = met;
        let c = carry(&p, &[1], &[UserId::parse("U0BEN").unwrap()], T);
        Checkin {
            number: p.number + 1,
            goals: vec![1],
            partners: vec![UserId::parse("U0BEN").unwrap()],
            stale: c.stale,
            missed: c.missed,
            ..Checkin::default()
        }
    }

    #[test]
    fn a_goal_is_nudged_after_three_stalled_check_ins_and_the_count_restarts() {
        let first = Checkin {
            number: 1,
            goals: vec![1],
            partners: vec![UserId::parse("U0BEN").unwrap()],
            ..Checkin::default()
        };
        let mut prev = first;
        let mut nudged_at = Vec::new();
        for i in 0..7 {
            let mut p = prev.clone();
            let answer = if i == 3 {
                None
            } else {
                Some(GoalAnswer::Stuck)
            };
            if let Some(a) = answer {
                p.answers.insert(1, a);
            }
            p.met = Some(MetAnswer::Met);
            let c = carry(&p, &[1], &[UserId::parse("U0BEN").unwrap()], T);
            if !c.stale_goals.is_empty() {
                nudged_at.push(i);
            }
            prev = next(&prev, answer, Some(MetAnswer::Met));
        }
        assert_eq!(nudged_at, vec![2, 5], "every third stalled check-in");
    }

    #[test]
    fn progress_resets_the_stale_count() {
        let mut prev = Checkin {
            number: 1,
            goals: vec![1],
            ..Checkin::default()
        };
        prev = next(&prev, Some(GoalAnswer::NoProgress), None);
        prev = next(&prev, Some(GoalAnswer::NoProgress), None);
        assert_eq!(prev.stale.get(&1), Some(&2));
        prev = next(&prev, Some(GoalAnswer::Progress), None);
        assert_eq!(prev.stale.get(&1), Some(&0));
    }

    #[test]
    fn a_pair_that_does_not_meet_is_nudged_then_offered_a_repair() {
        let mut prev = Checkin {
            number: 1,
            goals: vec![],
            partners: vec![UserId::parse("U0BEN").unwrap()],
            ..Checkin::default()
        };
        let mut seen = Vec::new();
        for met in [
            Some(MetAnswer::NotYet),
            Some(MetAnswer::Rescheduled),
            None,
            Some(MetAnswer::Met),
        ] {
            let mut p = prev.clone();
            p.met = met;
            let c = carry(&p, &[], &[UserId::parse("U0BEN").unwrap()], T);
            seen.push((c.missed, c.fizzle, c.repair));
            prev = Checkin {
                number: p.number + 1,
                partners: vec![UserId::parse("U0BEN").unwrap()],
                missed: c.missed,
                ..Checkin::default()
            };
        }
        assert_eq!(
            seen,
            vec![
                (1, None, false),
                (2, Some(2), false),
                (3, None, true),
                (0, None, false)
            ]
        );
    }

    #[test]
    fn a_new_partner_starts_the_count_afresh() {
        let prev = Checkin {
            number: 4,
            partners: vec![UserId::parse("U0BEN").unwrap()],
            missed: 5,
            ..Checkin::default()
        };
        let c = carry(&prev, &[], &[UserId::parse("U0CAT").unwrap()], T);
        assert_eq!((c.missed, c.fizzle, c.repair), (0, None, false));
    }

    #[test]
    fn zero_thresholds_turn_the_nudges_off() {
        let off = Thresholds {
            stale_checkins: 0,
            fizzle_rounds: 0,
            silent_checkins: 0,
        };
        let ben = vec![UserId::parse("U0BEN").unwrap()];
        let mut prev = Checkin {
            number: 1,
            goals: vec![1],
            partners: ben.clone(),
            ..Checkin::default()
        };
        for _ in 0..5 {
            prev.answers.insert(1, GoalAnswer::Stuck);
            prev.met = Some(MetAnswer::NotYet);
            let c = carry(&prev, &[1], &ben, off);
            assert!(c.stale_goals.is_empty(), "no stale-goal nudge");
            assert_eq!((c.fizzle, c.repair), (None, false), "no fizzle nudge");
            prev.stale = c.stale;
            prev.missed = c.missed;
        }
    }
}
