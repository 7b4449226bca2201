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
}

fn is_zero(n: &u32) -> bool {
    *n == 0
}
