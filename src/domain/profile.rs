//! A member's profile and availability, and the text form of
//! `/tandem profile offer: sql, public speaking; learn: rust; level: 3; …`.

use crate::meeting_time::{Workday, WorkdayError};
use crate::pairing::skills::SkillNormaliser;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

/// Most skills on each side of a profile.
pub const MAX_SKILLS: usize = 10;
/// Longest skill or team name, in characters.
pub const MAX_NAME: usize = 40;
/// Longest pause, so nobody is forgotten in a pause.
pub const MAX_PAUSE_DAYS: i64 = 366;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    #[default]
    Pair,
    Circle,
    Either,
}

impl Format {
    pub fn label(self) -> &'static str {
        match self {
            Format::Pair => "1:1",
            Format::Circle => "circle",
            Format::Either => "either",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Cadence {
    Weekly,
    #[default]
    Biweekly,
    Monthly,
}

impl Cadence {
    pub fn label(self) -> &'static str {
        match self {
            Cadence::Weekly => "weekly",
            Cadence::Biweekly => "every 2 weeks",
            Cadence::Monthly => "monthly",
        }
    }
}

/// Whether the member takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case", tag = "state")]
pub enum Membership {
    /// Has a profile but has not joined (or has left).
    #[default]
    Out,
    Active,
    /// Paused until the date (inclusive), or until `resume`.
    Paused {
        until: Option<NaiveDate>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Profile {
    pub v: u32,
    pub membership: Membership,
    pub offers: Vec<String>,
    pub wants: Vec<String>,
    pub level: Option<u8>,
    pub team: Option<String>,
    pub format: Format,
    pub cadence: Cadence,
    /// IANA name from Slack (`users.info`), if known.
    #[serde(default)]
    pub timezone: Option<String>,
    /// The last day of the pause the scheduler ended, until the member
    /// changes their membership themselves: a retried pause-end job knows
    /// it ended this pause (and still owes the welcome back).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pause_ended: Option<NaiveDate>,
    /// The member's manager, if on file (from the member, or an org chart
    /// an admin loaded): never grouped with them, nor with their reports.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub manager: Option<crate::ids::UserId>,
    /// People the member asked never to be paired with. Theirs alone:
    /// nobody else — not the people on it, not admins — ever learns of it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub avoid: Vec<crate::ids::UserId>,
    /// When they work, local time; the program's `meetings.working_hours`
    /// when unset.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hours: Option<Workday>,
}

/// Most people on one avoid list.
pub const MAX_AVOID: usize = 50;

impl Default for Profile {
    fn default() -> Self {
        Self {
            v: 1,
            membership: Membership::Out,
            offers: Vec::new(),
            wants: Vec::new(),
            level: None,
            team: None,
            format: Format::default(),
            cadence: Cadence::default(),
            timezone: None,
            pause_ended: None,
            manager: None,
            avoid: Vec::new(),
            hours: None,
        }
    }
}

impl Profile {
    /// The member's own change of membership (join, pause, resume, leave).
    pub fn set_membership(&mut self, membership: Membership) {
        self.membership = membership;
        self.pause_ended = None;
    }

    /// Ends a dated pause whose last day is before `today`: active again.
    /// The pause's last day, also when an earlier try of the same job ended
    /// it; `None` when there is no such pause (resumed by hand, not over).
    pub fn end_pause(&mut self, today: NaiveDate) -> Option<NaiveDate> {
        match self.membership {
            Membership::Paused { until: Some(last) } if last < today => {
                self.membership = Membership::Active;
                self.pause_ended = Some(last);
                Some(last)
            }
            Membership::Active => self.pause_ended,
            _ => None,
        }
    }

    /// Taking part on `today`: joined, and not paused (a pause ends by itself
    /// the day after its date).
    pub fn is_active(&self, today: NaiveDate) -> bool {
        match self.membership {
            Membership::Active => true,
            Membership::Paused { until: Some(d) } => today > d,
            Membership::Paused { until: None } | Membership::Out => false,
        }
    }

    /// What is still missing before the member can be paired.
    pub fn missing(&self) -> Vec<&'static str> {
        let mut out = Vec::new();
        if self.offers.is_empty() {
            out.push("what you can offer (`offer: …`)");
        }
        if self.wants.is_empty() {
            out.push("what you want to learn (`learn: …`)");
        }
        if self.level.is_none() {
            out.push("your level from 1 to 10 (`level: …`)");
        }
        out
    }
}

/// A refused profile change; the text is shown to the member.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProfileError {
    #[error("I don't know the field `{0}`. Use offer, learn, level, team, format, cadence, hours or manager, e.g. `/tandem profile offer: sql, public speaking; learn: rust; level: 3`.")]
    UnknownKey(String),
    #[error("`{0}` needs a value, e.g. `{0}: …`.")]
    Empty(&'static str),
    #[error("Write each field as `key: value`, separated by `;`, e.g. `/tandem profile offer: sql; learn: rust`.")]
    NoColon,
    #[error("Level is a whole number from 1 (new to it) to 10 (deep expertise).")]
    BadLevel,
    #[error("Format is `1:1`, `circle` or `either`.")]
    BadFormat,
    #[error("Cadence is `weekly`, `biweekly` or `monthly`.")]
    BadCadence,
    #[error("List at most {MAX_SKILLS} skills on each side.")]
    TooMany,
    #[error("Keep each name under {MAX_NAME} characters.")]
    TooLong,
    #[error("Name your manager with an @-mention, e.g. `/tandem profile manager: @sam` (or `manager: none`).")]
    BadManager,
    #[error("{0}")]
    BadHours(#[from] WorkdayError),
}

/// Applies `offer: …; learn: …; level: …; team: …; format: …; cadence: …`
/// (any subset, any order) to `profile`. Nothing changes on an error.
pub fn apply_text(
    profile: &mut Profile,
    text: &str,
    skills: &SkillNormaliser,
) -> Result<(), ProfileError> {
    let mut next = profile.clone();
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let (key, value) = part.split_once(':').ok_or(ProfileError::NoColon)?;
        let key = key.trim().to_lowercase();
        let value = value.trim();
        let list = |field: &'static str| -> Result<Vec<String>, ProfileError> {
            let items: Vec<String> = value
                .split(',')
                .filter_map(|s| skills.normalise(s))
                .collect();
            if items.is_empty() {
                return Err(ProfileError::Empty(field));
            }
            if items.len() > MAX_SKILLS {
                return Err(ProfileError::TooMany);
            }
            if items.iter().any(|s| s.chars().count() > MAX_NAME) {
                return Err(ProfileError::TooLong);
            }
            let mut unique = Vec::new();
            for s in items {
                if !unique.contains(&s) {
                    unique.push(s);
                }
            }
            Ok(unique)
        };
        match key.as_str() {
            "offer" | "offers" | "teach" => next.offers = list("offer")?,
            "learn" | "wants" | "want" => next.wants = list("learn")?,
            "level" => {
                next.level = Some(
                    value
                        .parse::<u8>()
                        .ok()
                        .filter(|l| (1..=10).contains(l))
                        .ok_or(ProfileError::BadLevel)?,
                )
            }
            "team" => {
                if value.is_empty() {
                    return Err(ProfileError::Empty("team"));
                }
                if value.chars().count() > MAX_NAME {
                    return Err(ProfileError::TooLong);
                }
                next.team = Some(value.to_owned());
            }
            "format" => {
                next.format = match value.to_lowercase().as_str() {
                    "1:1" | "pair" | "1on1" | "one-on-one" => Format::Pair,
                    "circle" | "group" => Format::Circle,
                    "either" | "any" => Format::Either,
                    _ => return Err(ProfileError::BadFormat),
                }
            }
            "cadence" => {
                next.cadence = match value.to_lowercase().as_str() {
                    "weekly" | "every week" => Cadence::Weekly,
                    "biweekly" | "fortnightly" | "every 2 weeks" | "every two weeks" => {
                        Cadence::Biweekly
                    }
                    "monthly" | "every month" => Cadence::Monthly,
                    _ => return Err(ProfileError::BadCadence),
                }
            }
            "manager" => {
                next.manager = match value.to_lowercase().as_str() {
                    "none" | "-" | "nobody" => None,
                    // The command arrives escaped: the mention is an id.
                    _ => Some(
                        crate::ids::UserId::parse(value.trim_start_matches('@'))
                            .ok()
                            .filter(|_| {
                                value.starts_with(['U', 'W'])
                                    && value.bytes().all(|b| b.is_ascii_alphanumeric())
                            })
                            .ok_or(ProfileError::BadManager)?,
                    ),
                }
            }
            "hours" | "working hours" => {
                next.hours = match value.to_lowercase().as_str() {
                    "default" | "none" | "-" => None,
                    _ => Some(Workday::parse(value)?),
                }
            }
            other => return Err(ProfileError::UnknownKey(other.chars().take(20).collect())),
        }
    }
    *profile = next;
    Ok(())
}

/// Why a pause was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PauseError {
    #[error("Pause for a while with `/tandem pause 2w` (days `d`, weeks `w`) or until a date with `/tandem pause until 2027-01-10`.")]
    Malformed,
    #[error("That date has passed; pick one after today.")]
    Past,
    #[error("Pauses last at most a year; you can always pause again.")]
    TooLong,
}

/// `""` (until `resume`), `2w`, `10d`, `until 2027-01-10` → the last day of
/// the pause (`None`: open-ended).
pub fn parse_pause(text: &str, today: NaiveDate) -> Result<Option<NaiveDate>, PauseError> {
    let text = text.trim().to_lowercase();
    if text.is_empty() {
        return Ok(None);
    }
    let until = if let Some(date) = text.strip_prefix("until") {
        NaiveDate::parse_from_str(date.trim(), "%Y-%m-%d").map_err(|_| PauseError::Malformed)?
    } else {
        let (number, unit) = text.split_at(
            text.find(|c: char| !c.is_ascii_digit())
                .unwrap_or(text.len()),
        );
        if number.is_empty() {
            return Err(PauseError::Malformed);
        }
        let per = match unit.trim() {
            "d" | "day" | "days" => 1,
            "w" | "wk" | "week" | "weeks" => 7,
            _ => return Err(PauseError::Malformed),
        };
        // Digits only, so a number that does not fit is simply too long a
        // pause; checked so that no member's number can overflow a date.
        let days = number
            .parse::<i64>()
            .ok()
            .and_then(|n| n.checked_mul(per))
            .filter(|&d| d <= MAX_PAUSE_DAYS)
            .ok_or(PauseError::TooLong)?;
        today
            .checked_add_signed(Duration::days(days))
            .ok_or(PauseError::TooLong)?
    };
    if until <= today {
        return Err(PauseError::Past);
    }
    if until - today > Duration::days(MAX_PAUSE_DAYS) {
        return Err(PauseError::TooLong);
    }
    Ok(Some(until))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn skills() -> SkillNormaliser {
        let mut syn = HashMap::new();
        syn.insert("sql".to_owned(), vec!["mysql".to_owned()]);
        SkillNormaliser::new(&syn)
    }

    #[test]
    fn text_profile_sets_any_subset() {
        let mut p = Profile::default();
        apply_text(&mut p, "offer: SQL, public  speaking, mysql; learn: rust; level: 3; team: Design; format: circle; cadence: biweekly", &skills()).unwrap();
        assert_eq!(p.offers, ["sql", "public speaking"]);
        assert_eq!(p.wants, ["rust"]);
        assert_eq!(
            (p.level, p.team.as_deref(), p.format, p.cadence),
            (Some(3), Some("Design"), Format::Circle, Cadence::Biweekly)
        );
        apply_text(&mut p, "level: 4", &skills()).unwrap();
        assert_eq!((p.level, p.offers.len()), (Some(4), 2));
        apply_text(&mut p, "manager: U0SAM", &skills()).unwrap();
        assert_eq!(p.manager.as_ref().map(|m| m.as_str()), Some("U0SAM"));
        assert_eq!(
            apply_text(&mut p, "manager: @sam", &skills()),
            Err(ProfileError::BadManager),
            "a name typed, not a mention"
        );
        apply_text(&mut p, "manager: none", &skills()).unwrap();
        assert_eq!(p.manager, None);
    }

    #[test]
    fn bad_text_changes_nothing_and_says_why() {
        let mut p = Profile::default();
        let before = p.clone();
        assert_eq!(
            apply_text(&mut p, "level: 3; colour: blue", &skills()),
            Err(ProfileError::UnknownKey("colour".into()))
        );
        assert_eq!(
            apply_text(&mut p, "offer: ; learn: rust", &skills()),
            Err(ProfileError::Empty("offer"))
        );
        assert_eq!(
            apply_text(&mut p, "level 3", &skills()),
            Err(ProfileError::NoColon)
        );
        assert_eq!(
            apply_text(&mut p, "level: 11", &skills()),
            Err(ProfileError::BadLevel)
        );
        assert_eq!(p, before);
    }

    #[test]
    fn pauses() {
        let today = NaiveDate::from_ymd_opt(2026, 11, 27).unwrap();
        assert_eq!(parse_pause("", today), Ok(None));
        assert_eq!(
            parse_pause("2w", today),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 11))
        );
        assert_eq!(
            parse_pause("10 days", today),
            Ok(NaiveDate::from_ymd_opt(2026, 12, 7))
        );
        assert_eq!(
            parse_pause("until 2027-01-10", today),
            Ok(NaiveDate::from_ymd_opt(2027, 1, 10))
        );
        assert_eq!(
            parse_pause("until 2026-01-10", today),
            Err(PauseError::Past)
        );
        assert_eq!(parse_pause("soon", today), Err(PauseError::Malformed));
        assert_eq!(parse_pause("60w", today), Err(PauseError::TooLong));
        let mut p = Profile {
            membership: Membership::Paused {
                until: NaiveDate::from_ymd_opt(2026, 12, 1),
            },
            ..Profile::default()
        };
        assert!(!p.is_active(NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()));
        assert!(
            p.is_active(NaiveDate::from_ymd_opt(2026, 12, 2).unwrap()),
            "a pause ends by itself"
        );
        p.membership = Membership::Paused { until: None };
        assert!(!p.is_active(today));
    }

    #[test]
    fn huge_numbers_are_too_long_a_pause_not_a_panic() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        for text in [
            "4611686018427387904w",
            "9223372036854775807d",
            "99999999999999999999999w",
            "367d",
            "53w",
        ] {
            assert_eq!(parse_pause(text, today), Err(PauseError::TooLong), "{text}");
        }
        assert_eq!(parse_pause("w", today), Err(PauseError::Malformed));
        assert_eq!(
            parse_pause("until 9999-12-31", today),
            Err(PauseError::TooLong)
        );
        assert_eq!(
            parse_pause("52w", today),
            Ok(Some(NaiveDate::from_ymd_opt(2027, 11, 30).unwrap()))
        );
    }

    proptest::proptest! {
        /// Whatever a member types after `pause`, the answer is a date or
        /// a reason, never a panic — numbers of any size and any unit.
        #[test]
        fn any_pause_text_gets_an_answer(
            text in "\\PC{0,40}",
            n in proptest::num::u64::ANY,
            unit in "(d|day|days|w|wk|week|weeks|x| d| w)",
            days_from_epoch in 0i64..200_000,
        ) {
            let today = NaiveDate::from_ymd_opt(1970, 1, 1).unwrap()
                + Duration::days(days_from_epoch);
            let _ = parse_pause(&text, today);
            let _ = parse_pause(&format!("{n}{unit}"), today);
            let _ = parse_pause(&format!("until {text}"), today);
        }
    }
}
