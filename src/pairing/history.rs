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

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct PastGroup {
    pub members: Vec<String>,
    /// They continued together from the round before (both chose to).
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub kept: bool,
    /// Everyone in it chose to keep meeting: the next round leaves them
    /// together (within `pairing.max_rounds_together`). Set by hand in a
    /// history file to preview that with `tandem match`.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub keep: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PastSatOut {
    pub id: String,
}

impl History {
    /// Appends a round given as groups of ids and the ids that sat out.
    pub fn push(&mut self, groups: Vec<Vec<String>>, sat_out: Vec<String>) {
        self.push_groups(
            groups
                .into_iter()
                .map(|members| PastGroup {
                    members,
                    ..PastGroup::default()
                })
                .collect(),
            sat_out,
        );
    }

    /// Appends a round of `groups` (some of them kept) and the ids that
    /// sat out.
    pub fn push_groups(&mut self, groups: Vec<PastGroup>, sat_out: Vec<String>) {
        self.rounds.push(PastRound {
            groups,
            sat_out: sat_out.into_iter().map(|id| PastSatOut { id }).collect(),
        });
    }

    /// The groups of the last round that asked to be kept together, each
    /// with how many rounds in a row (ending with the last) they have been
    /// together.
    pub fn keep_requests(&self) -> Vec<(&PastGroup, u32)> {
        let Some(last) = self.rounds.last() else {
            return Vec::new();
        };
        last.groups
            .iter()
            .filter(|g| g.keep && g.members.len() >= 2)
            .map(|g| (g, self.rounds_together(&g.members)))
            .collect()
    }

    /// Rounds in a row, ending with the last, in which exactly `members`
    /// formed one group.
    pub fn rounds_together(&self, members: &[String]) -> u32 {
        let mut wanted: Vec<&String> = members.iter().collect();
        wanted.sort();
        self.rounds
            .iter()
            .rev()
            .take_while(|r| {
                r.groups.iter().any(|g| {
                    let mut have: Vec<&String> = g.members.iter().collect();
                    have.sort();
                    have == wanted
                })
            })
            .count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn group(members: &[&str], keep: bool) -> PastGroup {
        PastGroup {
            members: members.iter().map(|m| m.to_string()).collect(),
            kept: false,
            keep,
        }
    }

    #[test]
    fn keep_requests_count_the_rounds_a_group_has_been_together() {
        let mut h = History::default();
        assert!(h.keep_requests().is_empty());
        h.push_groups(
            vec![group(&["a", "b"], false), group(&["c", "d"], false)],
            vec![],
        );
        h.push_groups(
            vec![group(&["b", "a"], true), group(&["c", "e"], true)],
            vec![],
        );
        let asked: Vec<(Vec<String>, u32)> = h
            .keep_requests()
            .into_iter()
            .map(|(g, n)| (g.members.clone(), n))
            .collect();
        assert_eq!(
            asked,
            vec![
                (vec!["b".to_string(), "a".to_string()], 2),
                (vec!["c".to_string(), "e".to_string()], 1)
            ]
        );
        // Older history files (no flags) read back, and flags are written
        // only when set.
        let old: History =
            serde_json::from_str(r#"{"rounds":[{"groups":[{"members":["a","b"]}]}]}"#).unwrap();
        assert!(!old.rounds[0].groups[0].kept && !old.rounds[0].groups[0].keep);
        let json = serde_json::to_string(&old).unwrap();
        assert!(!json.contains("kept") && !json.contains("keep"), "{json}");
    }
}
