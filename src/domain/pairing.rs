//! A member's current pairing, as stored per member (so `forget` takes it
//! with the rest of their keys).

use super::profile::Cadence;
use crate::ids::UserId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pairing {
    pub round: u32,
    pub partners: Vec<UserId>,
    /// The meeting rhythm this member chose at kickoff, if any.
    #[serde(default)]
    pub cadence: Option<Cadence>,
    /// Asked for a new partner after not meeting: matched first next round.
    #[serde(default)]
    pub repair: bool,
    /// Which group of its round this is (the round's figures count
    /// meetings by group; absent for pairings stored before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub group: Option<u32>,
    /// After their first reported meeting: keep meeting (`true`) or
    /// someone new next round (`false`); theirs alone, never shown to the
    /// partner.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub keep: Option<bool>,
    /// Whether they were asked this round (asked once).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep_asked: bool,
    /// Rounds in a row with these partners (1: their first).
    #[serde(default, skip_serializing_if = "is_zero")]
    pub together: u32,
    /// The meeting times their intro offered (Unix seconds), in order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slots: Vec<i64>,
    /// Their answer to the offered times.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pick: Option<SlotPick>,
    /// The meeting everyone picked (Unix seconds), once confirmed.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub meeting: Option<i64>,
}

/// A member's answer to the meeting times an intro offered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SlotPick {
    /// The offered time at this place (from 0).
    Time(u8),
    /// None of them works.
    NoneWork,
}

impl Pairing {
    /// The offered time `pick` names, if it names one.
    pub fn time_of(&self, pick: SlotPick) -> Option<i64> {
        match pick {
            SlotPick::Time(i) => self.slots.get(usize::from(i)).copied(),
            SlotPick::NoneWork => None,
        }
    }
}

/// The time everyone in a group picked, when they all picked the same one
/// of the same offer; `None` while anyone is undecided, picked another
/// time, or said none works.
pub fn agreed_time(pairings: &[Pairing]) -> Option<i64> {
    let first = pairings.first()?;
    let time = first.time_of(first.pick?)?;
    pairings
        .iter()
        .all(|p| p.round == first.round && p.pick.and_then(|pick| p.time_of(pick)) == Some(time))
        .then_some(time)
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}

#[cfg(test)]
mod tests {
    use super::*;

    fn picked(pick: Option<SlotPick>) -> Pairing {
        Pairing {
            round: 2,
            slots: vec![100, 200, 300],
            pick,
            ..Pairing::default()
        }
    }

    #[test]
    fn a_time_is_agreed_only_when_everyone_picked_it() {
        let t = |i| Some(SlotPick::Time(i));
        assert_eq!(agreed_time(&[picked(t(1)), picked(t(1))]), Some(200));
        assert_eq!(agreed_time(&[picked(t(1)), picked(t(2))]), None);
        assert_eq!(agreed_time(&[picked(t(1)), picked(None)]), None);
        assert_eq!(
            agreed_time(&[picked(t(0)), picked(Some(SlotPick::NoneWork))]),
            None
        );
        assert_eq!(
            agreed_time(&[picked(t(7)), picked(t(7))]),
            None,
            "no such time"
        );
        let mut older = picked(t(1));
        older.round = 1;
        assert_eq!(agreed_time(&[picked(t(1)), older]), None);
        assert_eq!(agreed_time(&[]), None);
        let json = serde_json::to_string(&picked(t(2))).unwrap();
        assert!(json.contains(r#""pick":{"time":2}"#), "{json}");
        let none = serde_json::to_string(&picked(Some(SlotPick::NoneWork))).unwrap();
        assert!(none.contains(r#""pick":"none_work""#), "{none}");
        // Pairings stored before any of this read back as before.
        let old: Pairing = serde_json::from_str(r#"{"round":1,"partners":[]}"#).unwrap();
        assert!(old.slots.is_empty() && old.pick.is_none() && old.meeting.is_none());
    }
}
