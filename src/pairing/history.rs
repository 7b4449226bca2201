//! Past rounds, as `tandem match --format json` prints them, so one run's
//! output can be the next run's `--history`.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    /// Oldest first.
    pub rounds: Vec<PastRound>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PastRound {
    pub groups: Vec<PastGroup>,
    #[serde(default)]
    pub sat_out: Vec<PastSatOut>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastGroup {
    pub members: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastSatOut {
    pub id: String,
}

impl History {
    /// Appends a round given as groups of ids and the ids that sat out.
    pub fn push(&mut self, groups: Vec<Vec<String>>, sat_out: Vec<String>) {
        self.rounds.push(PastRound {
            groups: groups
                .into_iter()
                .map(|members| PastGroup { members })
                .collect(),
            sat_out: sat_out.into_iter().map(|id| PastSatOut { id }).collect(),
        });
    }
}
