//! Check-ins: per goal, how it went; whether the pair met; a reflection
//! prompt. Answers are the member's own; a partner only ever sees counts.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// How a goal went since the last check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "snake_case")]
pub enum GoalAnswer {
    StepDone,
    Progress,
    NoProgress,
    Stuck,
}

impl GoalAnswer {
    pub const ALL: [GoalAnswer; 4] = [
        GoalAnswer::StepDone,
        GoalAnswer::Progress,
        GoalAnswer::NoProgress,
        GoalAnswer::Stuck,
    ];

    pub fn code(self) -> &'static str {
        match self {
            GoalAnswer::StepDone => "step_done",
            GoalAnswer::Progress => "progress",
            GoalAnswer::NoProgress => "no_progress",
            GoalAnswer::Stuck => "stuck",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            GoalAnswer::StepDone => "Step done",
            GoalAnswer::Progress => "Progress",
            GoalAnswer::NoProgress => "No progress",
            GoalAnswer::Stuck => "Stuck",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

/// Whether the pair met since the last check-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MetAnswer {
    Met,
    Rescheduled,
    NotYet,
}

impl MetAnswer {
    pub const ALL: [MetAnswer; 3] = [MetAnswer::Met, MetAnswer::Rescheduled, MetAnswer::NotYet];

    pub fn code(self) -> &'static str {
        match self {
            MetAnswer::Met => "met",
            MetAnswer::Rescheduled => "rescheduled",
            MetAnswer::NotYet => "not_yet",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            MetAnswer::Met => "We met",
            MetAnswer::Rescheduled => "Rescheduled",
            MetAnswer::NotYet => "Not yet",
        }
    }

    pub fn from_code(code: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|a| a.code() == code)
    }
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

/// One member's current check-in (stored per member).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Checkin {
    /// Which check-in this is (increases each time one is sent).
    pub number: u32,
    /// Goal numbers asked about.
    pub goals: Vec<u32>,
    /// Partner(s) asked about, if any.
    pub partners: Vec<crate::ids::UserId>,
    pub answers: BTreeMap<u32, GoalAnswer>,
    pub met: Option<MetAnswer>,
    /// Whether the partner summary was already sent for this check-in.
    #[serde(default)]
    pub summary_sent: bool,
    /// Optional notes on answers, by goal number (0: the meeting). The
    /// member's own words: never in a partner's summary.
    #[serde(default)]
    pub notes: BTreeMap<u32, String>,
    /// Check-ins in a row each goal has not moved (for stale-goal nudges).
    #[serde(default)]
    pub stale: BTreeMap<u32, u32>,
    /// Check-ins in a row without meeting the current partner(s).
    #[serde(default)]
    pub missed: u32,
    /// The scheduled occurrence (its job's mark) that created this
    /// check-in: a retry of that occurrence re-sends this check-in rather
    /// than starting another, so a Slack outage inflates no count.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub occurrence: Option<String>,
    /// The nudges that went out with it, sent again with it on a retry:
    /// (goal, check-ins without progress) for stale goals, ...
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub stale_nudges: Vec<(u32, u32)>,
    /// ... periods without meeting (the fizzle nudge), ...
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fizzle_nudge: Option<u32>,
    /// ... and whether a re-pair was offered.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub repair_nudge: bool,
    /// Check-ins in a row before this one left without any answer.
    #[serde(default, skip_serializing_if = "is_zero")]
    pub silent: u32,
    /// Asked "still in?" and not answered yet: the next round pauses them.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub still_in_asked: bool,
    /// Whether the "still in?" question went out with this check-in.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub still_in_nudge: bool,
}

impl Checkin {
    /// Every question has an answer.
    pub fn complete(&self) -> bool {
        self.goals.iter().all(|g| self.answers.contains_key(g))
            && (self.partners.is_empty() || self.met.is_some())
    }

    /// What a partner may see: counts, plus how each goal in `shared` (the
    /// member's shared goals: number, text) moved. Never the text of a goal
    /// that is not shared, nor a note.
    pub fn summary(&self, shared: &[(u32, String)]) -> String {
        let mut counts: BTreeMap<GoalAnswer, usize> = BTreeMap::new();
        for a in self.answers.values() {
            *counts.entry(*a).or_default() += 1;
        }
        let mut parts: Vec<String> = counts
            .iter()
            .map(|(a, n)| format!("{} {n}", a.label().to_lowercase()))
            .collect();
        if parts.is_empty() {
            parts.push("no goals to report".into());
        }
        let met = match self.met {
            Some(MetAnswer::Met) => "you met",
            Some(MetAnswer::Rescheduled) => "your meeting was rescheduled",
            Some(MetAnswer::NotYet) => "you haven't met yet",
            None => "no answer on meeting",
        };
        let named: Vec<String> = shared
            .iter()
            .filter_map(|(n, text)| {
                let answer = self.answers.get(n)?;
                Some(format!("“{text}”: {}", answer.label().to_lowercase()))
            })
            .collect();
        let mut summary = format!("goals: {}; {met}", parts.join(", "));
        if !named.is_empty() {
            summary.push_str(&format!(" ({})", named.join("; ")));
        }
        summary
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn complete_and_summary() {
        let mut c = Checkin {
            number: 1,
            goals: vec![1, 3],
            partners: vec![crate::ids::UserId::parse("U0BEN").unwrap()],
            ..Checkin::default()
        };
        assert!(!c.complete());
        c.answers.insert(1, GoalAnswer::Progress);
        c.answers.insert(3, GoalAnswer::Stuck);
        c.met = Some(MetAnswer::Met);
        assert!(c.complete());
        assert_eq!(c.summary(&[]), "goals: progress 1, stuck 1; you met");
        assert_eq!(
            c.summary(&[(3, "Give a talk".into()), (9, "Not asked".into())]),
            "goals: progress 1, stuck 1; you met (“Give a talk”: stuck)"
        );
    }
}
