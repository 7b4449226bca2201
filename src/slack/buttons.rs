//! The one button codec: every [`Action`] to the `action_id` and `value`
//! a Block Kit button carries, and back. Views build buttons only through
//! [`encode`]; presses are read only through [`decode`]; a test round-trips
//! every variant, so the two cannot drift apart.

use crate::app::Action;
use crate::domain::checkin::{GoalAnswer, MetAnswer};
use crate::domain::profile::Cadence;

/// The `action_id` and optional `value` of the button for `action`.
pub fn encode(action: &Action) -> (&'static str, Option<String>) {
    match action {
        Action::ForgetConfirm => ("forget_confirm", None),
        Action::ForgetCancel => ("forget_cancel", None),
        Action::LeaveConfirm => ("leave_confirm", None),
        Action::LeaveCancel => ("leave_cancel", None),
        Action::Join => ("join_program", None),
        Action::OpenProfile => ("open_profile", None),
        Action::OpenGoal => ("open_goal", None),
        Action::PauseTwoWeeks => ("pause_2w", None),
        Action::Resume => ("resume", None),
        // Check-in values: `<check-in>:<goal or 0>:<answer>`, so a button
        // from an older check-in is recognised and refused.
        Action::CheckinGoal {
            number,
            goal,
            answer,
        } => (
            "checkin_goal",
            Some(format!("{number}:{goal}:{}", answer.code())),
        ),
        Action::CheckinMet { number, answer } => {
            ("checkin_met", Some(format!("{number}:0:{}", answer.code())))
        }
        Action::CheckinNote { number, goal } => {
            ("checkin_note", Some(format!("{number}:{goal}:note")))
        }
        Action::Kickoff { round, cadence } => (
            "kickoff",
            Some(format!("{round}:{}", cadence_code(*cadence))),
        ),
        Action::AddStep { goal } => ("add_step", Some(goal.to_string())),
        Action::Repair { round } => ("repair", Some(round.to_string())),
        Action::KeepPartner { round } => ("keep_partner", Some(round.to_string())),
        Action::CircleJoin { circle } => ("circle_join", Some(circle.to_string())),
        Action::CircleMerge { from, into } => ("circle_merge", Some(format!("{from}:{into}"))),
        Action::AdminRemoveConfirm { member } => {
            ("admin_remove_confirm", Some(member.as_str().to_owned()))
        }
        Action::AdminRemoveCancel => ("admin_remove_cancel", None),
        Action::StillIn { keep: true } => ("still_in", None),
        Action::StillIn { keep: false } => ("pause_month", None),
        Action::StayTogether { round, keep: true } => ("keep_meeting", Some(round.to_string())),
        Action::StayTogether { round, keep: false } => ("new_partner", Some(round.to_string())),
        Action::PickTime { round, slot } => ("meeting_time", Some(format!("{round}:{slot}"))),
        Action::NoTimeWorks { round } => ("no_time_works", Some(round.to_string())),
        Action::AdminStats => ("admin_stats", None),
        Action::AdminExport => ("admin_export", None),
    }
}

/// The action behind a press of `id` carrying `value`; `None` for a button
/// Tandem does not know or a value that does not parse.
pub fn decode(id: &str, value: Option<&str>) -> Option<Action> {
    let checkin = || -> Option<(u32, u32, &str)> {
        let mut parts = value?.splitn(3, ':');
        let number = parts.next()?.parse().ok()?;
        let goal = parts.next()?.parse().ok()?;
        Some((number, goal, parts.next()?))
    };
    let number = || value?.parse::<u32>().ok();
    let pair = || {
        let (a, b) = value?.split_once(':')?;
        Some((a, b))
    };
    Some(match id {
        "forget_confirm" => Action::ForgetConfirm,
        "forget_cancel" => Action::ForgetCancel,
        "leave_confirm" => Action::LeaveConfirm,
        "leave_cancel" => Action::LeaveCancel,
        "join_program" => Action::Join,
        "open_profile" => Action::OpenProfile,
        "open_goal" => Action::OpenGoal,
        "pause_2w" => Action::PauseTwoWeeks,
        "resume" => Action::Resume,
        "checkin_goal" => {
            let (number, goal, code) = checkin()?;
            Action::CheckinGoal {
                number,
                goal,
                answer: GoalAnswer::from_code(code)?,
            }
        }
        "checkin_met" => {
            let (number, _, code) = checkin()?;
            Action::CheckinMet {
                number,
                answer: MetAnswer::from_code(code)?,
            }
        }
        "checkin_note" => {
            let (number, goal, _) = checkin()?;
            Action::CheckinNote { number, goal }
        }
        "kickoff" => {
            let (round, code) = pair()?;
            Action::Kickoff {
                round: round.parse().ok()?,
                cadence: [Cadence::Weekly, Cadence::Biweekly, Cadence::Monthly]
                    .into_iter()
                    .find(|c| cadence_code(*c) == code)?,
            }
        }
        "add_step" => Action::AddStep { goal: number()? },
        "repair" => Action::Repair { round: number()? },
        "keep_partner" => Action::KeepPartner { round: number()? },
        "circle_join" => Action::CircleJoin { circle: number()? },
        "circle_merge" => {
            let (from, into) = pair()?;
            Action::CircleMerge {
                from: from.parse().ok()?,
                into: into.parse().ok()?,
            }
        }
        "admin_remove_confirm" => Action::AdminRemoveConfirm {
            member: crate::ids::UserId::parse(value?).ok()?,
        },
        "admin_remove_cancel" => Action::AdminRemoveCancel,
        "still_in" => Action::StillIn { keep: true },
        "pause_month" => Action::StillIn { keep: false },
        "keep_meeting" => Action::StayTogether {
            round: number()?,
            keep: true,
        },
        "new_partner" => Action::StayTogether {
            round: number()?,
            keep: false,
        },
        "meeting_time" => {
            let (round, slot) = pair()?;
            Action::PickTime {
                round: round.parse().ok()?,
                slot: slot.parse().ok().filter(|s| *s < 10)?,
            }
        }
        "no_time_works" => Action::NoTimeWorks { round: number()? },
        "admin_stats" => Action::AdminStats,
        "admin_export" => Action::AdminExport,
        _ => return None,
    })
}

fn cadence_code(cadence: Cadence) -> &'static str {
    match cadence {
        Cadence::Weekly => "weekly",
        Cadence::Biweekly => "biweekly",
        Cadence::Monthly => "monthly",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every variant (and every answer and rhythm) at least once; the
    /// exhaustive match makes a new variant a compile error here.
    fn every_action() -> Vec<Action> {
        let mut all = vec![
            Action::ForgetConfirm,
            Action::ForgetCancel,
            Action::LeaveConfirm,
            Action::LeaveCancel,
            Action::Join,
            Action::OpenProfile,
            Action::OpenGoal,
            Action::PauseTwoWeeks,
            Action::Resume,
            Action::CheckinNote { number: 4, goal: 0 },
            Action::AddStep { goal: 2 },
            Action::Repair { round: 7 },
            Action::KeepPartner { round: 7 },
            Action::CircleJoin { circle: 3 },
            Action::CircleMerge { from: 3, into: 1 },
            Action::AdminRemoveConfirm {
                member: crate::ids::UserId::parse("U0ANA").unwrap(),
            },
            Action::AdminRemoveCancel,
            Action::StayTogether {
                round: 3,
                keep: true,
            },
            Action::StayTogether {
                round: 3,
                keep: false,
            },
            Action::StillIn { keep: true },
            Action::StillIn { keep: false },
            Action::PickTime { round: 3, slot: 2 },
            Action::NoTimeWorks { round: 3 },
            Action::AdminStats,
            Action::AdminExport,
        ];
        all.extend(GoalAnswer::ALL.map(|answer| Action::CheckinGoal {
            number: 12,
            goal: 3,
            answer,
        }));
        all.extend(MetAnswer::ALL.map(|answer| Action::CheckinMet { number: 12, answer }));
        all.extend(
            [Cadence::Weekly, Cadence::Biweekly, Cadence::Monthly]
                .map(|cadence| Action::Kickoff { round: 2, cadence }),
        );
        for a in &all {
            match a {
                Action::ForgetConfirm
                | Action::ForgetCancel
                | Action::LeaveConfirm
                | Action::LeaveCancel
                | Action::Join
                | Action::OpenProfile
                | Action::OpenGoal
                | Action::PauseTwoWeeks
                | Action::Resume
                | Action::CheckinGoal { .. }
                | Action::CheckinMet { .. }
                | Action::Kickoff { .. }
                | Action::CheckinNote { .. }
                | Action::AddStep { .. }
                | Action::Repair { .. }
                | Action::KeepPartner { .. }
                | Action::CircleJoin { .. }
                | Action::CircleMerge { .. }
                | Action::AdminRemoveConfirm { .. }
                | Action::AdminRemoveCancel
                | Action::StayTogether { .. }
                | Action::StillIn { .. }
                | Action::PickTime { .. }
                | Action::NoTimeWorks { .. }
                | Action::AdminStats
                | Action::AdminExport => {}
            }
        }
        all
    }

    #[test]
    fn every_action_round_trips() {
        let mut ids = std::collections::HashSet::new();
        for action in every_action() {
            let (id, value) = encode(&action);
            assert_eq!(decode(id, value.as_deref()), Some(action.clone()), "{id}");
            // Slack limits action ids and values; ours stay well inside.
            assert!(id.len() <= 255 && value.as_deref().unwrap_or("").len() <= 2000);
            ids.insert(id);
        }
        assert_eq!(ids.len(), 28, "each variant has its own action id");
    }

    #[test]
    fn values_that_do_not_parse_are_not_actions() {
        for (id, value) in [
            ("checkin_goal", Some("1:2:flying")),
            ("checkin_goal", None),
            ("kickoff", Some("2:daily")),
            ("repair", Some("-1")),
            ("circle_merge", Some("3")),
            ("meeting_time", Some("2:10")),
            ("meeting_time", Some("2")),
            ("admin_remove_confirm", Some("not-a-user")),
            ("nonsense", Some("1")),
        ] {
            assert_eq!(decode(id, value), None, "{id} {value:?}");
        }
    }
}
