//! People as the engine sees them, and the roster CSV
//! (`id,name,team,level,timezone,offers,wants[,manager][,do_not_pair][,hours]`,
//! lists inside a cell separated by `;`).

use super::skills::SkillNormaliser;
use crate::meeting_time::Workday;
use chrono_tz::Tz;
use std::collections::{HashMap, HashSet};

/// A set of skill ids (indices into [`Roster::skills`]) as a bitset: pair
/// scoring runs over millions of pairs, and intersecting bitsets is a few
/// machine words.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SkillSet(Vec<u64>);

impl SkillSet {
    pub fn insert(&mut self, id: usize) {
        let (word, bit) = (id / 64, id % 64);
        if self.0.len() <= word {
            self.0.resize(word + 1, 0);
        }
        self.0[word] |= 1 << bit;
    }

    pub fn contains(&self, id: usize) -> bool {
        self.0
            .get(id / 64)
            .is_some_and(|w| w & (1 << (id % 64)) != 0)
    }

    pub fn is_empty(&self) -> bool {
        self.0.iter().all(|w| *w == 0)
    }

    pub fn len(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Skills in both sets, counted.
    pub fn common_count(&self, other: &SkillSet) -> usize {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// Word `i` of the set: skills `64 i` to `64 i + 63`, one bit each.
    pub fn word(&self, i: usize) -> u64 {
        self.0.get(i).copied().unwrap_or(0)
    }

    pub fn intersection(&self, other: &SkillSet) -> SkillSet {
        SkillSet(self.0.iter().zip(&other.0).map(|(a, b)| a & b).collect())
    }

    pub fn union_with(&mut self, other: &SkillSet) {
        if self.0.len() < other.0.len() {
            self.0.resize(other.0.len(), 0);
        }
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }

    /// Skill ids in ascending order.
    pub fn ids(&self) -> impl Iterator<Item = usize> + '_ {
        self.0.iter().enumerate().flat_map(|(w, bits)| {
            (0..64)
                .filter(move |b| bits & (1u64 << b) != 0)
                .map(move |b| w * 64 + b)
        })
    }
}

#[derive(Debug, Clone)]
pub struct Person {
    pub id: String,
    pub name: String,
    pub team: String,
    /// Self-reported level, 1–10.
    pub level: u8,
    pub timezone: Tz,
    pub offers: SkillSet,
    pub wants: SkillSet,
    /// The id of this person's manager, if known.
    pub manager: Option<String>,
    /// Ids this person must never be paired with.
    pub do_not_pair: Vec<String>,
    /// When they work, in their own time zone (09:00–17:00 unless told).
    pub hours: Workday,
}

/// Everyone in a program, with the skill names their sets refer to.
#[derive(Debug, Clone, Default)]
pub struct Roster {
    pub people: Vec<Person>,
    /// Skill id → canonical name.
    pub skills: Vec<String>,
}

impl Roster {
    pub fn skill_names(&self, set: &SkillSet) -> Vec<&str> {
        set.ids().map(|id| self.skills[id].as_str()).collect()
    }

    /// Index of each person by id.
    pub fn index(&self) -> HashMap<&str, usize> {
        self.people
            .iter()
            .enumerate()
            .map(|(i, p)| (p.id.as_str(), i))
            .collect()
    }
}

/// A roster problem, with the 1-based line of the file it is on.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("line {line}: {message}")]
pub struct RosterError {
    pub line: u64,
    pub message: String,
}

const REQUIRED: [&str; 7] = ["id", "name", "team", "level", "timezone", "offers", "wants"];
const OPTIONAL: [&str; 3] = ["manager", "do_not_pair", "hours"];

/// Parses roster CSV text.
pub fn parse_roster(csv_text: &str, skills: &SkillNormaliser) -> Result<Roster, RosterError> {
    let mut reader = csv::ReaderBuilder::new()
        .trim(csv::Trim::All)
        .flexible(false)
        .from_reader(csv_text.as_bytes());
    let headers = reader.headers().map_err(|e| csv_error(e, 1))?.clone();
    let column: HashMap<String, usize> = headers
        .iter()
        .enumerate()
        .map(|(i, h)| (h.to_lowercase(), i))
        .collect();
    for h in headers.iter() {
        let h = h.to_lowercase();
        if !REQUIRED.contains(&h.as_str()) && !OPTIONAL.contains(&h.as_str()) {
            return Err(RosterError {
                line: 1,
                message: format!(
                    "unknown column {h:?}; the columns are id,name,team,level,timezone,offers,wants[,manager][,do_not_pair][,hours]"
                ),
            });
        }
    }
    for required in REQUIRED {
        if !column.contains_key(required) {
            return Err(RosterError {
                line: 1,
                message: format!(
                    "missing column {required:?}; the header must be id,name,team,level,timezone,offers,wants[,manager][,do_not_pair][,hours]"
                ),
            });
        }
    }

    let mut roster = Roster::default();
    let mut skill_ids: HashMap<String, usize> = HashMap::new();
    let mut seen = HashSet::new();
    for record in reader.records() {
        let record = record.map_err(|e| csv_error(e, 0))?;
        let line = record.position().map(|p| p.line()).unwrap_or(0);
        let fail = |message: String| RosterError { line, message };
        let cell = |name: &str| column.get(name).and_then(|&i| record.get(i)).unwrap_or("");
        if record.iter().all(str::is_empty) {
            continue;
        }

        let id = cell("id").to_owned();
        if id.is_empty() {
            return Err(fail("id is empty".into()));
        }
        if !seen.insert(id.clone()) {
            return Err(fail(format!("id {id:?} appears twice")));
        }
        let level: u8 = cell("level")
            .parse()
            .ok()
            .filter(|l| (1..=10).contains(l))
            .ok_or_else(|| {
                fail(format!(
                    "level {:?} is not a whole number from 1 to 10",
                    cell("level")
                ))
            })?;
        let tz_text = cell("timezone");
        let timezone: Tz = tz_text.parse().map_err(|_| {
            fail(format!(
                "time zone {tz_text:?} is not an IANA name such as Europe/Berlin or America/New_York"
            ))
        })?;
        let mut set_of = |text: &str| {
            let mut set = SkillSet::default();
            for raw in text.split(';') {
                if let Some(skill) = skills.normalise(raw) {
                    let next = skill_ids.len();
                    let id = *skill_ids.entry(skill.clone()).or_insert_with(|| {
                        roster.skills.push(skill);
                        next
                    });
                    set.insert(id);
                }
            }
            set
        };
        let offers = set_of(cell("offers"));
        let wants = set_of(cell("wants"));
        if offers.is_empty() && wants.is_empty() {
            return Err(fail(format!(
                "{id} offers nothing and wants nothing; list skills separated by ';'"
            )));
        }
        let name = match cell("name") {
            "" => id.clone(),
            n => n.to_owned(),
        };
        let manager = Some(cell("manager").to_owned()).filter(|m| !m.is_empty());
        let do_not_pair = cell("do_not_pair")
            .split(';')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect();
        let hours = match cell("hours") {
            "" => Workday::default(),
            text => Workday::parse(text).map_err(|e| fail(format!("hours {text:?}: {e}")))?,
        };
        roster.people.push(Person {
            id,
            name,
            team: cell("team").to_owned(),
            level,
            timezone,
            offers,
            wants,
            manager,
            do_not_pair,
            hours,
        });
    }
    Ok(roster)
}

fn csv_error(e: csv::Error, fallback_line: u64) -> RosterError {
    let line = e.position().map(|p| p.line()).unwrap_or(fallback_line);
    let message = match e.kind() {
        csv::ErrorKind::UnequalLengths {
            expected_len, len, ..
        } => {
            format!("has {len} cells but the header has {expected_len}")
        }
        csv::ErrorKind::Utf8 { .. } => "is not valid UTF-8".to_owned(),
        _ => e.to_string(),
    };
    RosterError { line, message }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEADER: &str = "id,name,team,level,timezone,offers,wants,manager,do_not_pair\n";

    fn parse(body: &str) -> Result<Roster, RosterError> {
        parse_roster(&format!("{HEADER}{body}"), &SkillNormaliser::default())
    }

    #[test]
    fn parses_people_and_interns_skills() {
        let r = parse(
            "ana,Ana,Design,3,Europe/Berlin,SQL; public  speaking,rust,,\n\
             ben,Ben,Data,4,America/New_York,rust,sql,ana,zed\n",
        )
        .unwrap();
        assert_eq!(r.people.len(), 2);
        assert_eq!(r.skills, ["sql", "public speaking", "rust"]);
        assert_eq!(
            r.skill_names(&r.people[0].offers),
            ["sql", "public speaking"]
        );
        assert_eq!(r.people[1].manager.as_deref(), Some("ana"));
        assert_eq!(r.people[1].do_not_pair, ["zed"]);
    }

    #[test]
    fn names_the_line_and_the_problem() {
        let err =
            parse("ana,Ana,D,3,UTC,sql,rust,,\nben,Ben,D,eleven,UTC,sql,rust,,\n").unwrap_err();
        assert_eq!(err.line, 3);
        assert!(err.message.starts_with("level \"eleven\""), "{err}");
        let err = parse("ana,Ana,D,3,Mars/Base,sql,rust,,\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2: time zone \"Mars/Base\" is not an IANA name such as Europe/Berlin or America/New_York");
        let err = parse("ana,Ana,D,3,UTC,sql\n").unwrap_err();
        assert_eq!(err.to_string(), "line 2: has 6 cells but the header has 9");
        let err = parse("ana,Ana,D,3,UTC,sql,rust,,\nana,A,D,3,UTC,sql,rust,,\n").unwrap_err();
        assert_eq!(err.to_string(), "line 3: id \"ana\" appears twice");
        let err = parse_roster("id,name\n", &SkillNormaliser::default()).unwrap_err();
        assert!(err.message.starts_with("missing column \"team\""), "{err}");
    }
}
