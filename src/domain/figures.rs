//! Program health as counts: what `admin stats`, the round report, the
//! export and the admins' Home section show. Pure: built from the counts
//! the app keeps as things happen, the rounds' figures and the members'
//! profiles. Nothing here ever holds a word a member wrote, and any number
//! from 1 to 4 is shown as "<5" (see [`shown`]), so no figure singles out
//! fewer than five people.

use super::profile::{Format, Membership, Profile};
use chrono::{Datelike, Duration, NaiveDate};
use std::collections::{BTreeMap, HashMap};

/// Below this, a number is shown as "<5" and a share is not shown.
pub const SMALLEST_SHOWN: i64 = 5;

/// How many weeks the trends cover.
pub const TREND_WEEKS: usize = 12;

/// A number as the program's owners may see it: `0`, `<5`, or exact.
pub fn shown(n: i64) -> String {
    if n > 0 && n < SMALLEST_SHOWN {
        "<5".to_owned()
    } else {
        n.to_string()
    }
}

/// `part` of `whole` in percent (rounded), when `whole` is large enough to
/// show (a share of fewer than five would single people out).
pub fn percent(part: i64, whole: i64) -> Option<i64> {
    (whole >= SMALLEST_SHOWN).then(|| (part * 100 + whole / 2) / whole)
}

/// The period figures cover.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Period {
    Days(u32),
    All,
}

impl Period {
    /// `30d`, `90d`, `all` (empty: 30 days).
    pub fn parse(text: &str) -> Option<Period> {
        match text.trim().to_lowercase().as_str() {
            "" | "30d" | "30" => Some(Period::Days(30)),
            "90d" | "90" => Some(Period::Days(90)),
            "all" => Some(Period::All),
            _ => None,
        }
    }

    pub fn label(self) -> String {
        match self {
            Period::Days(n) => format!("last {n} days"),
            Period::All => "all time".to_owned(),
        }
    }

    /// The first day in the period ending `today` (`None`: all time).
    pub fn first_day(self, today: NaiveDate) -> Option<NaiveDate> {
        match self {
            Period::Days(n) => Some(today - Duration::days(i64::from(n) - 1)),
            Period::All => None,
        }
    }
}

/// Named counts (figure → count), as the app keeps them.
pub type Counts = HashMap<String, i64>;

/// The sum of `days` (each a day's counts), figure by figure.
pub fn sum<'a>(days: impl IntoIterator<Item = &'a Counts>) -> Counts {
    let mut total = Counts::new();
    for day in days {
        for (figure, n) in day {
            *total.entry(figure.clone()).or_default() += n;
        }
    }
    total
}

/// One figure of `counts` (0 when absent).
pub fn get(counts: &Counts, figure: &str) -> i64 {
    counts.get(figure).copied().unwrap_or(0)
}

/// Who is in the program now.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberFigures {
    pub active: i64,
    pub paused: i64,
    pub left: i64,
    /// Joined in the period.
    pub joined: i64,
    /// Active members by the format they chose: 1:1, circle, either.
    pub pair: i64,
    pub circle: i64,
    pub either: i64,
}

impl MemberFigures {
    /// Counts `profiles` (everyone who ever joined) as of `today`.
    pub fn of(profiles: &[Profile], today: NaiveDate) -> MemberFigures {
        let mut f = MemberFigures::default();
        for p in profiles {
            match p.membership {
                Membership::Out => f.left += 1,
                _ if p.is_active(today) => {
                    f.active += 1;
                    match p.format {
                        Format::Pair => f.pair += 1,
                        Format::Circle => f.circle += 1,
                        Format::Either => f.either += 1,
                    }
                }
                _ => f.paused += 1,
            }
        }
        f
    }
}

/// Why people sat a round out, as the round's figures count it.
pub const SIT_OUT_KINDS: [(&str, &str); 4] = [
    ("out_odd", "odd number"),
    ("out_needed", "partners needed elsewhere"),
    ("out_none", "nobody compatible"),
    ("out_no_third", "no pair could take a third"),
];

/// One round's figures, as stored when it was recorded: its day
/// (`YYYYMMDD`), groups, pairs, trios, sit-outs by kind, and each group's
/// best meeting answer (`g<i>`: 3 met, 2 rescheduled, 1 not yet).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundFigures {
    pub rounds: i64,
    pub pairs: i64,
    pub trios: i64,
    pub sat_out: i64,
    /// (label, count) for each kind of sit-out.
    pub sat_out_by: Vec<(&'static str, i64)>,
    /// Pairs kept together from the round before.
    pub kept: i64,
    pub repair_requests: i64,
    pub meetings: MeetingFigures,
}

/// How the groups of the period's rounds got on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MeetingFigures {
    pub groups: i64,
    pub met: i64,
    pub rescheduled: i64,
    pub not_yet: i64,
    pub unanswered: i64,
}

/// The day a round's figures give (`day` as `YYYYMMDD`).
pub fn round_day(figures: &Counts) -> Option<NaiveDate> {
    let d = get(figures, "day");
    NaiveDate::from_ymd_opt(
        (d / 10_000) as i32,
        (d / 100 % 100) as u32,
        (d % 100) as u32,
    )
}

/// A day as a round figure.
pub fn day_figure(day: NaiveDate) -> i64 {
    i64::from(day.year()) * 10_000 + i64::from(day.month()) * 100 + i64::from(day.day())
}

impl RoundFigures {
    /// Adds up the rounds whose day falls from `first` on (all with
    /// `None`); `repair_requests` comes from the period's counts.
    pub fn of(rounds: &[Counts], first: Option<NaiveDate>) -> RoundFigures {
        let mut f = RoundFigures::default();
        let mut by: BTreeMap<&str, i64> = BTreeMap::new();
        for r in rounds {
            let Some(day) = round_day(r) else { continue };
            if first.is_some_and(|first| day < first) {
                continue;
            }
            f.rounds += 1;
            f.pairs += get(r, "pairs");
            f.trios += get(r, "trios");
            f.sat_out += get(r, "sat_out");
            f.kept += get(r, "kept");
            for (key, _) in SIT_OUT_KINDS {
                *by.entry(key).or_default() += get(r, key);
            }
            let groups = get(r, "groups");
            f.meetings.groups += groups;
            for g in 0..groups {
                match get(r, &format!("g{g}")) {
                    3 => f.meetings.met += 1,
                    2 => f.meetings.rescheduled += 1,
                    1 => f.meetings.not_yet += 1,
                    _ => f.meetings.unanswered += 1,
                }
            }
        }
        f.sat_out_by = SIT_OUT_KINDS
            .iter()
            .map(|(key, label)| (*label, by.get(key).copied().unwrap_or(0)))
            .filter(|(_, n)| *n > 0)
            .collect();
        f
    }
}

/// Skills people want and offer among active members.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Demand {
    /// (skill, wanted by, offered by): wanted by more than offer it, most
    /// short first.
    pub unmet: Vec<(String, i64, i64)>,
    /// (skill, offered by), most offered first.
    pub offered: Vec<(String, i64)>,
}

/// How many skills each list of the demand report shows.
pub const DEMAND_LIST: usize = 5;

impl Demand {
    /// From active members' profiles. A skill is named only when it is in
    /// the program's catalog (`known`) or at least five people name it: a
    /// skill one person typed could say who they are.
    pub fn of(
        profiles: &[Profile],
        today: NaiveDate,
        known: &std::collections::BTreeSet<String>,
    ) -> Demand {
        let mut wanted: BTreeMap<&str, i64> = BTreeMap::new();
        let mut offered: BTreeMap<&str, i64> = BTreeMap::new();
        for p in profiles.iter().filter(|p| p.is_active(today)) {
            for s in &p.wants {
                *wanted.entry(s).or_default() += 1;
            }
            for s in &p.offers {
                *offered.entry(s).or_default() += 1;
            }
        }
        let nameable = |skill: &str, people: i64| known.contains(skill) || people >= SMALLEST_SHOWN;
        wanted.retain(|s, n| nameable(s, *n));
        let mut unmet: Vec<(String, i64, i64)> = wanted
            .iter()
            .map(|(s, w)| ((*s).to_owned(), *w, offered.get(s).copied().unwrap_or(0)))
            .filter(|(_, w, o)| w > o)
            .collect();
        unmet.sort_by(|a, b| (b.1 - b.2).cmp(&(a.1 - a.2)).then(a.0.cmp(&b.0)));
        unmet.truncate(DEMAND_LIST);
        let mut top: Vec<(String, i64)> = offered
            .iter()
            .filter(|(s, o)| nameable(s, **o))
            .map(|(s, o)| ((*s).to_owned(), *o))
            .collect();
        top.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        top.truncate(DEMAND_LIST);
        Demand {
            unmet,
            offered: top,
        }
    }
}

/// Weekly rates over the last [`TREND_WEEKS`] weeks, oldest first; `None`
/// for a week with too few answers to show.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Trends {
    /// "We met" among meeting answers, in percent.
    pub meeting_rate: Vec<Option<i64>>,
    /// Check-ins answered among those sent, in percent.
    pub answer_rate: Vec<Option<i64>>,
}

/// The days the trends read, oldest first: [`TREND_WEEKS`] weeks of seven
/// days ending `today`.
pub fn trend_days(today: NaiveDate) -> Vec<NaiveDate> {
    let n = TREND_WEEKS as i64 * 7;
    (0..n).map(|i| today - Duration::days(n - 1 - i)).collect()
}

impl Trends {
    /// From the counts of [`trend_days`], in the same order.
    pub fn of(days: &[Counts]) -> Trends {
        let mut t = Trends::default();
        for week in days.chunks(7) {
            let w = sum(week);
            let answers = get(&w, "met") + get(&w, "rescheduled") + get(&w, "not_yet");
            t.meeting_rate.push(percent(get(&w, "met"), answers));
            t.answer_rate.push(percent(
                get(&w, "checkins_answered"),
                get(&w, "checkins_sent"),
            ));
        }
        t
    }
}

/// Everything `admin stats` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramStats {
    pub period: Period,
    pub members: MemberFigures,
    pub rounds: RoundFigures,
    /// The period's counts (check-ins, goals, nudges, circle prompts).
    pub counts: Counts,
    pub demand: Demand,
    pub trends: Trends,
}

/// The program's gauges for `/metrics` (no labels, no names).
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Gauges {
    pub active_members: i64,
    pub last_round_pairs: i64,
    /// Percent of the last round's groups that reported meeting (`None`
    /// under five groups).
    pub last_round_meeting_rate: Option<i64>,
    /// Percent of the last 30 days' check-ins answered (`None` under five
    /// sent).
    pub checkin_answer_rate: Option<i64>,
}

/// A round's report for `program.report_channel`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RoundReport {
    pub round: u32,
    pub figures: RoundFigures,
    pub demand: Demand,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_numbers_are_hidden() {
        assert_eq!(shown(0), "0");
        for n in 1..5 {
            assert_eq!(shown(n), "<5");
        }
        assert_eq!(shown(5), "5");
        assert_eq!(percent(2, 3), None);
        assert_eq!(percent(4, 6), Some(67));
        assert_eq!(percent(0, 5), Some(0));
    }

    #[test]
    fn periods_parse() {
        assert_eq!(Period::parse(""), Some(Period::Days(30)));
        assert_eq!(Period::parse("90D"), Some(Period::Days(90)));
        assert_eq!(Period::parse("all"), Some(Period::All));
        assert_eq!(Period::parse("7y"), None);
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            Period::Days(30).first_day(today),
            NaiveDate::from_ymd_opt(2026, 11, 2)
        );
    }

    #[test]
    fn rounds_add_up_within_the_period() {
        let round = |day: i64, pairs: i64, outcomes: &[i64]| {
            let mut c = Counts::new();
            c.insert("day".into(), day);
            c.insert("pairs".into(), pairs);
            c.insert("groups".into(), pairs);
            c.insert("out_odd".into(), 1);
            c.insert("sat_out".into(), 1);
            for (i, o) in outcomes.iter().enumerate() {
                c.insert(format!("g{i}"), *o);
            }
            c
        };
        let rounds = [round(20260101, 2, &[3, 3]), round(20261120, 3, &[3, 1])];
        let recent = RoundFigures::of(&rounds, NaiveDate::from_ymd_opt(2026, 11, 1));
        assert_eq!(recent.rounds, 1);
        assert_eq!(recent.pairs, 3);
        assert_eq!(
            recent.meetings,
            MeetingFigures {
                groups: 3,
                met: 1,
                rescheduled: 0,
                not_yet: 1,
                unanswered: 1
            }
        );
        assert_eq!(recent.sat_out_by, vec![("odd number", 1)]);
        let all = RoundFigures::of(&rounds, None);
        assert_eq!((all.rounds, all.meetings.met), (2, 3));
        assert_eq!(round_day(&rounds[1]), NaiveDate::from_ymd_opt(2026, 11, 20));
        assert_eq!(
            day_figure(NaiveDate::from_ymd_opt(2026, 11, 20).unwrap()),
            20261120
        );
    }

    #[test]
    fn demand_lists_skills_short_of_teachers() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let person = |offers: &[&str], wants: &[&str]| Profile {
            membership: Membership::Active,
            offers: offers.iter().map(|s| s.to_string()).collect(),
            wants: wants.iter().map(|s| s.to_string()).collect(),
            ..Profile::default()
        };
        let people = [
            person(&["sql"], &["rust"]),
            person(&["sql"], &["rust", "sql"]),
            person(&["rust"], &["go", "my secret hobby"]),
        ];
        let known = ["sql", "rust", "go"].map(String::from).into();
        let d = Demand::of(&people, today, &known);
        assert_eq!(d.unmet, vec![("go".into(), 1, 0), ("rust".into(), 2, 1)]);
        assert_eq!(d.offered[0], ("sql".into(), 2));
    }

    #[test]
    fn trends_are_weekly_and_hide_thin_weeks() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        let days = trend_days(today);
        assert_eq!(days.len(), 84);
        assert_eq!(days[83], today);
        let mut counts = vec![Counts::new(); 84];
        counts[83].insert("met".into(), 3);
        counts[82].insert("not_yet".into(), 3);
        counts[83].insert("checkins_sent".into(), 4);
        let t = Trends::of(&counts);
        assert_eq!(t.meeting_rate.len(), 12);
        assert_eq!(t.meeting_rate[11], Some(50));
        assert_eq!(t.answer_rate[11], None, "fewer than five sent");
        assert_eq!(t.meeting_rate[0], None);
    }
}
