//! Scoring a candidate pair: hard constraints remove the pair; every weighted
//! term adds (or subtracts) points and, where it matters, a human reason.
//!
//! Points are fixed-point hundredths (`i64`), so matching stays exact.

use super::history::History;
use super::roster::{Person, Roster};
use crate::config::{OddOneOut, PairingConfig, Weights};
use crate::meeting_time::{shared_minutes, Workday};
use chrono::{DateTime, Offset, TimeZone, Utc};
use std::collections::HashMap;

/// Fixed-point scale: 1 point = 100.
pub const SCALE: f64 = 100.0;

/// The knobs of pairing, from `[pairing]` in the config.
#[derive(Debug, Clone)]
pub struct Rules {
    pub weights: Weights,
    pub max_level_gap: u32,
    pub min_overlap_hours: f64,
    pub no_repeat_rounds: u32,
    pub candidates_per_person: usize,
    pub odd_one_out: OddOneOut,
}

impl From<&PairingConfig> for Rules {
    fn from(c: &PairingConfig) -> Self {
        Self {
            weights: c.weights.clone(),
            max_level_gap: c.max_level_gap,
            min_overlap_hours: c.min_overlap_hours,
            no_repeat_rounds: c.no_repeat_rounds,
            candidates_per_person: c.candidates_per_person,
            odd_one_out: c.odd_one_out,
        }
    }
}

/// Why two people cannot be paired.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Blocked {
    ManagerReport,
    DoNotPair,
    LevelGap,
    TooLittleOverlap,
    PairedRecently,
}

impl Blocked {
    pub fn describe(self) -> &'static str {
        match self {
            Blocked::ManagerReport => "is their manager or report",
            Blocked::DoNotPair => "is on a do-not-pair list",
            Blocked::LevelGap => "is too far apart in level",
            Blocked::TooLittleOverlap => "shares too few working hours",
            Blocked::PairedRecently => "was paired with them recently",
        }
    }
}

/// What scoring reads of one person, in one 32-byte record (aligned, so
/// never split over two cache lines): a large program scores tens of
/// millions of pairs at random places in memory, and with these spread
/// over eight arrays each pair cost eight cache misses (`blocked` alone
/// was a tenth of a 100,000-member round); with the skills and the
/// do-not-pair lists apart, still three.
#[derive(Clone, Copy)]
#[repr(C, align(32))]
struct Card {
    /// The skills they offer and want with ids below 64: all of them in a
    /// roster of up to 64 skills (beyond, `Scorer::skills` has them all).
    offers: u64,
    wants: u64,
    /// Roster index of their manager, or [`NO_ONE`].
    manager: u32,
    team: u32,
    /// Working hours, local.
    hours: Workday,
    /// UTC offset, minutes (fits: offsets are within ±14 hours).
    offset: i16,
    level: u8,
    /// Bit 0: the team is known (not blank). Bits 1–7: a filter of who is
    /// on their do-not-pair list ([`avoid_bit`]; none set: nobody), so
    /// that the list itself — two more misses — is read for few pairs.
    flags: u8,
}

const NO_ONE: u32 = u32::MAX;
const TEAM_KNOWN: u8 = 1;

/// Person `x`'s bit in a do-not-pair filter (one of bits 1–7).
fn avoid_bit(x: usize) -> u8 {
    2 << (((x as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15) >> 32) % 7)
}

impl Card {
    fn reports_to(&self, i: usize) -> bool {
        self.manager != NO_ONE && self.manager as usize == i
    }

    fn team_known(&self) -> bool {
        self.flags & TEAM_KNOWN != 0
    }

    /// Whether person `x` may be on their do-not-pair list (if not, they
    /// certainly are not).
    fn may_avoid(&self, x: usize) -> bool {
        self.flags & avoid_bit(x) != 0
    }
}

/// Pair scores for one roster, history and moment (time zones need a date:
/// offsets change with daylight saving).
pub struct Scorer<'a> {
    pub roster: &'a Roster,
    pub rules: Rules,
    cards: Vec<Card>,
    /// Skill bitsets laid out flat, `words` per set, a person's offers
    /// then wants side by side — kept only when there are more than 64
    /// skills (up to 64, the cards have them).
    words: usize,
    skills: Vec<u64>,
    do_not_pair: Vec<Vec<usize>>,
    /// Per person: (partner, rounds ago) for every past grouping.
    past: Vec<Vec<(usize, u32)>>,
    /// Per person: sat out in the most recent round.
    sat_out_last: Vec<bool>,
    /// Rounds in the history: this round's number, from 0.
    round: usize,
}

impl<'a> Scorer<'a> {
    pub fn new(roster: &'a Roster, history: &History, rules: Rules, at: DateTime<Utc>) -> Self {
        let index = roster.index();
        let mut teams: HashMap<String, usize> = HashMap::new();
        let people = &roster.people;
        // An unknown (empty) team is a team of its own: nobody is "same team"
        // with it, and nobody gets the different-team bonus for it either.
        let team: Vec<usize> = people
            .iter()
            .enumerate()
            .map(|(i, p)| {
                let name = p.team.trim().to_lowercase();
                let key = if name.is_empty() {
                    format!("\u{0}{i}")
                } else {
                    name
                };
                let next = teams.len();
                *teams.entry(key).or_insert(next)
            })
            .collect();
        let offsets: Vec<i32> = people
            .iter()
            .map(|p| {
                let secs = p
                    .timezone
                    .offset_from_utc_datetime(&at.naive_utc())
                    .fix()
                    .local_minus_utc();
                secs / 60
            })
            .collect();
        let words = roster.skills.len().div_ceil(64).max(1);
        // (Up to 64 skills the cards hold them all: no flat copy.)
        let flat = if words > 1 {
            people.len() * 2 * words
        } else {
            0
        };
        let mut skills = vec![0u64; flat];
        for (i, p) in people.iter().enumerate().filter(|_| words > 1) {
            let base = i * 2 * words;
            for w in 0..words {
                skills[base + w] = p.offers.word(w);
                skills[base + words + w] = p.wants.word(w);
            }
        }
        let do_not_pair: Vec<Vec<usize>> = people
            .iter()
            .map(|p| {
                p.do_not_pair
                    .iter()
                    .filter_map(|d| index.get(d.as_str()).copied())
                    .collect()
            })
            .collect();
        let mut past = vec![Vec::new(); people.len()];
        let mut sat_out_last = vec![false; people.len()];
        let total = history.rounds.len();
        for (r, round) in history.rounds.iter().enumerate() {
            let ago = (total - r) as u32;
            for group in &round.groups {
                let ids: Vec<usize> = group
                    .members
                    .iter()
                    .filter_map(|m| index.get(m.as_str()).copied())
                    .collect();
                for &x in &ids {
                    for &y in &ids {
                        if x != y {
                            past[x].push((y, ago));
                        }
                    }
                }
            }
            if ago == 1 {
                for s in &round.sat_out {
                    if let Some(&i) = index.get(s.id.as_str()) {
                        sat_out_last[i] = true;
                    }
                }
            }
        }
        let cards = people
            .iter()
            .enumerate()
            .map(|(i, p)| Card {
                offers: p.offers.word(0),
                wants: p.wants.word(0),
                manager: p
                    .manager
                    .as_deref()
                    .and_then(|m| index.get(m))
                    .map_or(NO_ONE, |&m| compact(m)),
                team: compact(team[i]),
                hours: p.hours,
                // (Offsets are whole minutes within ±14 hours.)
                offset: offsets[i].clamp(-24 * 60, 24 * 60) as i16,
                level: p.level,
                flags: do_not_pair[i]
                    .iter()
                    .fold(u8::from(!p.team.trim().is_empty()), |f, &x| {
                        f | avoid_bit(x)
                    }),
            })
            .collect();
        Self {
            roster,
            rules,
            cards,
            words,
            skills,
            do_not_pair,
            past,
            sat_out_last,
            round: total,
        }
    }

    /// This round's number, counting from 0 (the rounds in the history).
    pub fn round_number(&self) -> usize {
        self.round
    }

    /// Whether `a` and `b` have ever been grouped (in the history given).
    pub fn met_before(&self, a: usize, b: usize) -> bool {
        self.past[a].iter().any(|&(o, _)| o == b)
    }

    pub fn person(&self, i: usize) -> &Person {
        &self.roster.people[i]
    }

    /// Whether person `i` goes first in this round: they sat out the last
    /// one, or were given priority (e.g. asked for a new partner).
    pub fn sat_out_last_round(&self, i: usize) -> bool {
        self.sat_out_last[i]
    }

    /// Puts person `i` first in line this round, like someone who sat out.
    pub fn give_priority(&mut self, i: usize) {
        self.sat_out_last[i] = true;
    }

    /// Shared working hours of two people, each in their own zone.
    pub fn overlap_hours(&self, a: usize, b: usize) -> f64 {
        let (ca, cb) = (&self.cards[a], &self.cards[b]);
        let minutes = shared_minutes(
            ca.hours,
            i32::from(ca.offset),
            cb.hours,
            i32::from(cb.offset),
        );
        f64::from(minutes) / 60.0
    }

    fn level_gap(&self, a: usize, b: usize) -> u32 {
        u32::from(self.cards[a].level.abs_diff(self.cards[b].level))
    }

    /// How many of what `a` offers `b` wants.
    fn teaches(&self, a: usize, b: usize) -> u32 {
        if self.words == 1 {
            (self.cards[a].offers & self.cards[b].wants).count_ones()
        } else {
            Self::common(self.offers(a), self.wants(b))
        }
    }

    /// Whether `a` and `b` want something in common.
    fn want_alike(&self, a: usize, b: usize) -> bool {
        if self.words == 1 {
            self.cards[a].wants & self.cards[b].wants != 0
        } else {
            Self::common(self.wants(a), self.wants(b)) > 0
        }
    }

    fn offers(&self, p: usize) -> &[u64] {
        let at = p * 2 * self.words;
        &self.skills[at..at + self.words]
    }

    fn wants(&self, p: usize) -> &[u64] {
        let at = p * 2 * self.words + self.words;
        &self.skills[at..at + self.words]
    }

    /// |X ∩ Y| over two flat bitsets.
    fn common(x: &[u64], y: &[u64]) -> u32 {
        x.iter().zip(y).map(|(p, q)| (p & q).count_ones()).sum()
    }

    /// Asks for person `b`'s card, which scoring reads first, without
    /// reading it: a caller about to score many far-apart people asks for
    /// them all first, so that their cache misses overlap.
    pub fn prefetch(&self, b: usize) {
        super::prefetch::line_of(&self.cards[b]);
    }

    /// The first hard constraint that forbids pairing `a` and `b`, if any.
    pub fn blocked(&self, a: usize, b: usize) -> Option<Blocked> {
        if a == b {
            return Some(Blocked::DoNotPair);
        }
        // Cheapest checks first: this runs for every pair of a large program.
        if self.level_gap(a, b) > self.rules.max_level_gap {
            return Some(Blocked::LevelGap);
        }
        let (ca, cb) = (&self.cards[a], &self.cards[b]);
        if ca.reports_to(b) || cb.reports_to(a) {
            return Some(Blocked::ManagerReport);
        }
        if (ca.may_avoid(b) && self.do_not_pair[a].contains(&b))
            || (cb.may_avoid(a) && self.do_not_pair[b].contains(&a))
        {
            return Some(Blocked::DoNotPair);
        }
        if self.overlap_hours(a, b) < self.rules.min_overlap_hours {
            return Some(Blocked::TooLittleOverlap);
        }
        if self.past[a]
            .iter()
            .any(|&(o, ago)| o == b && ago <= self.rules.no_repeat_rounds)
        {
            return Some(Blocked::PairedRecently);
        }
        None
    }

    /// Points for pairing `a` with `b`, or `None` when a hard constraint
    /// forbids it. Symmetric.
    pub fn score(&self, a: usize, b: usize) -> Option<i64> {
        if self.blocked(a, b).is_some() {
            return None;
        }
        Some(self.points(a, b))
    }

    /// Points regardless of hard constraints (circles penalise instead).
    pub fn points(&self, a: usize, b: usize) -> i64 {
        let w = &self.rules.weights;
        let ab = f64::from(self.teaches(a, b));
        let ba = f64::from(self.teaches(b, a));
        let mut s = w.teach * (ab + ba);
        if ab > 0.0 && ba > 0.0 {
            s += w.mutual_bonus;
        }
        s += w.level_closeness * self.closeness(a, b);
        let (ca, cb) = (&self.cards[a], &self.cards[b]);
        let same_team = ca.team == cb.team;
        if !same_team && ca.team_known() && cb.team_known() {
            s += w.different_team;
        }
        s += w.overlap_per_hour * self.overlap_hours(a, b);
        s -= self.repeat_penalty(a, b);
        if same_team && self.want_alike(a, b) {
            s -= w.same_team_goal_penalty;
        }
        (s * SCALE).round() as i64
    }

    fn closeness(&self, a: usize, b: usize) -> f64 {
        let gap = self.level_gap(a, b) as f64;
        let max = self.rules.max_level_gap as f64;
        if max == 0.0 {
            if gap == 0.0 {
                1.0
            } else {
                0.0
            }
        } else {
            (1.0 - gap / max).max(0.0)
        }
    }

    /// Halves with every round since the two were last grouped, but never
    /// below one hundredth of a point: however long ago, meeting again
    /// stays (a little) worse than meeting someone new.
    fn repeat_penalty(&self, a: usize, b: usize) -> f64 {
        let weight = self.rules.weights.repeat_penalty;
        let floor = if weight > 0.0 { 1.0 / SCALE } else { 0.0 };
        self.past[a]
            .iter()
            .filter(|&&(o, _)| o == b)
            .map(|&(_, ago)| (weight * 0.5f64.powi(ago as i32 - 1)).max(floor))
            .sum()
    }

    /// The human reasons behind a pair's score, most important first.
    pub fn reasons(&self, a: usize, b: usize) -> Vec<String> {
        let r = self.roster;
        let (pa, pb) = (self.person(a), self.person(b));
        let mut out = Vec::new();
        let ab = r.skill_names(&pa.offers.intersection(&pb.wants));
        let ba = r.skill_names(&pb.offers.intersection(&pa.wants));
        let teach = |x: &Person, y: &Person, skills: &[&str]| {
            format!("{} can help {} with {}", x.name, y.name, join(skills))
        };
        match (ab.is_empty(), ba.is_empty()) {
            (false, false) => out.push(format!("{}; {}", teach(pa, pb, &ab), teach(pb, pa, &ba))),
            (false, true) => out.push(teach(pa, pb, &ab)),
            (true, false) => out.push(teach(pb, pa, &ba)),
            (true, true) => {}
        }
        let (ca, cb) = (&self.cards[a], &self.cards[b]);
        if ca.team != cb.team && ca.team_known() && cb.team_known() {
            out.push(format!("different teams ({} and {})", pa.team, pb.team));
        }
        match self.level_gap(a, b) {
            0 => out.push(format!("same level ({})", pa.level)),
            g if g <= self.rules.max_level_gap => {
                out.push(format!("similar level ({} and {})", pa.level, pb.level))
            }
            _ => {}
        }
        let hours = self.overlap_hours(a, b);
        if ca.hours == cb.hours && hours >= ca.hours.hours() {
            out.push("same working hours".to_owned());
        } else if hours > 0.0 {
            out.push(format!("{} h of shared working hours", trim_float(hours)));
        }
        if let Some(ago) = self.past[a]
            .iter()
            .filter(|&&(o, _)| o == b)
            .map(|&(_, ago)| ago)
            .min()
        {
            out.push(format!("paired before, {ago} rounds ago"));
        }
        if ca.team == cb.team && pa.wants.common_count(&pb.wants) > 0 {
            out.push(format!(
                "same team and both learning {}",
                join(&r.skill_names(&pa.wants.intersection(&pb.wants)))
            ));
        }
        out
    }
}

/// A roster index as a card field. Rosters are far below 4 billion
/// people (each is a row read into memory), so this never saturates in
/// practice; if it did, a manager link would be dropped, never invented
/// (`Card::reports_to`).
fn compact(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(NO_ONE)
}

/// "a", "a and b", "a, b and c".
pub fn join(items: &[&str]) -> String {
    match items {
        [] => String::new(),
        [one] => (*one).to_owned(),
        [rest @ .., last] => format!("{} and {}", rest.join(", "), last),
    }
}

fn trim_float(x: f64) -> String {
    if x.fract() == 0.0 {
        format!("{x:.0}")
    } else {
        format!("{x:.1}")
    }
}
