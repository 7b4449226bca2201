//! One pairing round: candidate edges (pruned for large programs), an exact
//! maximum-cardinality maximum-weight matching, then the odd one out.

use super::matching::max_weight_max_cardinality_matching_of;
use super::score::{Blocked, Scorer};
use crate::config::OddOneOut;
use std::cmp::Reverse;
use std::collections::{BinaryHeap, HashMap};

/// Random extra candidates kept per person beyond the best ones, so that
/// pruning never strands anyone whose best candidates are taken.
pub const EXTRA_CANDIDATES: usize = 4;

/// Bonus (in points) on every edge of someone who sat out last round: large
/// enough that leaving them out again is never the better matching.
const PRIORITY_BONUS: i64 = 1 << 34;

/// Bonus (in hundredths of a point, the smallest step) on a pair of this
/// round's round-robin schedule who have never met. It only decides
/// between matchings that score the same otherwise — with identical
/// skills, most of them — and then follows a schedule in which everyone
/// meets everyone once before anyone meets twice. Without it, round after
/// round of "any best matching" paints itself into a corner: the pairs not
/// yet formed stop containing a perfect matching, and repeats come early.
const SCHEDULE_BONUS: i64 = 1;

/// Bonus (hundredths: 1.5 points) in the matching — not in the score
/// shown — for two people who have never met. The repeat penalty halves
/// every round (20 points become 1.25 five rounds on, when the hard block
/// of `no_repeat_rounds` has ended), so without it the same best pairs
/// come back every fifth round; with it a colleague met before has to be
/// worth noticeably more than a new one. On the example roster's 12 rounds:
/// 131 distinct pairs instead of 109, with the same share of pairs who
/// teach each other (BENCHMARKS.md, "Repeats").
const NEW_PARTNER_BONUS: i64 = 150;

/// A pair or trio (or, for circles, a circle) with its score and reasons.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// Indices into the roster.
    pub members: Vec<usize>,
    /// Sum of pairwise points (hundredths).
    pub score: i64,
    pub reasons: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SatOut {
    pub person: usize,
    /// What the bot tells them.
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct RoundPlan {
    pub groups: Vec<Group>,
    pub sat_out: Vec<SatOut>,
    pub total: i64,
}

/// A deterministic pseudo-random key for (seed, a, b): breaks ties and picks
/// the extra candidates, so the seed changes the plan but reruns do not.
pub fn mix(seed: u64, a: usize, b: usize) -> u64 {
    let (lo, hi) = (a.min(b) as u64, a.max(b) as u64);
    let mut z =
        seed ^ lo.wrapping_mul(0x9E37_79B9_7F4A_7C15) ^ hi.wrapping_mul(0xC2B2_AE3D_27D4_EB4F);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Programs up to this size find each person's best candidates by scoring
/// every pair (exact, and quick at a million pairs); larger ones through
/// the skill index (`candidates`), which never scores all pairs.
pub const SCORE_ALL_PAIRS_UP_TO: usize = 1_500;

/// Candidate edges among `people` (indices): every eligible pair when the
/// program is small, else each person's best `candidates_per_person` plus
/// [`EXTRA_CANDIDATES`] random eligible ones — found among all pairs up to
/// [`SCORE_ALL_PAIRS_UP_TO`] people, through the skill index above.
/// Weights are points.
pub fn candidate_edges(scorer: &Scorer, people: &[usize], seed: u64) -> Vec<(usize, usize, i64)> {
    if people.len() > SCORE_ALL_PAIRS_UP_TO {
        return super::candidates::indexed_edges(scorer, people, seed);
    }
    best_of_all_pairs(scorer, people, seed)
}

/// [`candidate_edges`] by scoring every pair.
pub fn best_of_all_pairs(scorer: &Scorer, people: &[usize], seed: u64) -> Vec<(usize, usize, i64)> {
    let k = scorer.rules.candidates_per_person;
    let n = people.len();
    if n <= k + EXTRA_CANDIDATES + 1 {
        let mut edges = Vec::new();
        for (x, &a) in people.iter().enumerate() {
            for &b in &people[x + 1..] {
                if let Some(s) = scorer.score(a, b) {
                    edges.push((a, b, s));
                }
            }
        }
        return edges;
    }
    // Min-heaps of the best k (by score, then tie key) and of k random extras.
    type Best = BinaryHeap<Reverse<(i64, u64, usize)>>;
    type Extra = BinaryHeap<Reverse<(u64, usize, i64)>>;
    let mut best: Vec<Best> = vec![BinaryHeap::with_capacity(k + 1); n];
    let mut extra: Vec<Extra> = vec![BinaryHeap::with_capacity(EXTRA_CANDIDATES + 1); n];
    let keep = |heap: &mut Best, item: (i64, u64, usize)| {
        if heap.len() < k {
            heap.push(Reverse(item));
        } else if heap.peek().is_some_and(|Reverse(min)| item > *min) {
            heap.pop();
            heap.push(Reverse(item));
        }
    };
    let keep_extra = |heap: &mut Extra, item: (u64, usize, i64)| {
        if heap.len() < EXTRA_CANDIDATES {
            heap.push(Reverse(item));
        } else if heap.peek().is_some_and(|Reverse(min)| item > *min) {
            heap.pop();
            heap.push(Reverse(item));
        }
    };
    for x in 0..n {
        for y in x + 1..n {
            let (a, b) = (people[x], people[y]);
            if let Some(s) = scorer.score(a, b) {
                let tie = mix(seed, a, b);
                keep(&mut best[x], (s, tie, y));
                keep(&mut best[y], (s, tie, x));
                let r = mix(!seed, a, b);
                keep_extra(&mut extra[x], (r, y, s));
                keep_extra(&mut extra[y], (r, x, s));
            }
        }
    }
    let mut chosen: HashMap<(usize, usize), i64> = HashMap::new();
    for x in 0..n {
        for Reverse((s, _, y)) in best[x].drain() {
            chosen.insert((x.min(y), x.max(y)), s);
        }
        for Reverse((_, y, s)) in extra[x].drain() {
            chosen.insert((x.min(y), x.max(y)), s);
        }
    }
    let mut edges: Vec<(usize, usize, i64)> = chosen
        .into_iter()
        .map(|((x, y), s)| (people[x], people[y], s))
        .collect();
    edges.sort_unstable();
    edges
}

/// Each person's partner in round `round` of a round-robin over `people`
/// (the circle method over them sorted by id, so it does not depend on
/// roster order): over n − 1 rounds (n even; one more with a bye when odd)
/// everyone meets everyone exactly once.
pub fn round_robin(scorer: &Scorer, people: &[usize], round: usize) -> HashMap<usize, usize> {
    // Each id beside its person, so that a comparison reads the two ids
    // only (looking them up through the roster was two more cache misses
    // for each of the 1.7 million comparisons at 100,000 members).
    let mut by_id: Vec<(&str, usize)> = people
        .iter()
        .map(|&p| (scorer.person(p).id.as_str(), p))
        .collect();
    by_id.sort_by(|a, b| a.0.cmp(b.0));
    let mut order: Vec<Option<usize>> = by_id.into_iter().map(|(_, p)| Some(p)).collect();
    if order.len() % 2 == 1 {
        order.push(None); // the bye
    }
    let n = order.len();
    let mut mates = HashMap::with_capacity(n);
    if n < 2 {
        return mates;
    }
    // The first stays put; the others turn one place each round.
    let turn = round % (n - 1);
    let at = |k: usize| -> Option<usize> {
        if k == 0 {
            order[0]
        } else {
            order[1 + (k - 1 + turn) % (n - 1)]
        }
    };
    for k in 0..n / 2 {
        if let (Some(a), Some(b)) = (at(k), at(n - 1 - k)) {
            mates.insert(a, b);
            mates.insert(b, a);
        }
    }
    mates
}

/// The graph a round is matched on: vertices are positions in `people`,
/// weights are the pair's points plus this round's bonuses (new partner,
/// schedule pair, sat out last time).
pub fn round_graph(scorer: &Scorer, people: &[usize], seed: u64) -> Vec<(usize, usize, i64)> {
    let mut edges = candidate_edges(scorer, people, seed);
    // This round's schedule partner of each roster index (`usize::MAX`:
    // none), looked up once per edge below.
    let mut scheduled = vec![usize::MAX; scorer.roster.people.len()];
    let schedule = round_robin(scorer, people, scorer.round_number());
    for (&a, &b) in &schedule {
        scheduled[a] = b;
    }
    // Schedule pairs stay candidates even in a pruned graph.
    let mut listed = vec![false; scheduled.len()];
    for &(a, b, _) in &edges {
        if scheduled[a] == b {
            listed[a] = true;
            listed[b] = true;
        }
    }
    for (&a, &b) in &schedule {
        if a < b && !listed[a] {
            if let Some(s) = scorer.score(a, b) {
                edges.push((a, b, s));
            }
        }
    }
    // The matcher numbers vertices densely: map roster index → position
    // (a table, not a hash map: it is read twice for each of millions of
    // edges in a large program).
    let mut position = vec![usize::MAX; scorer.roster.people.len()];
    for (i, &p) in people.iter().enumerate() {
        position[p] = i;
    }
    // In order (the candidates are; the schedule pairs added are merged
    // in), so that the matcher, which orders what it is given, finds them
    // ordered already when `people` is in roster order, as rounds are —
    // sorting millions of edges was a tenth of its cache misses. Between
    // equally good matchings the choice depends on the people's order and
    // on the seed's candidates, never on chance.
    edges.sort();
    // In place: a large round's list is hundreds of megabytes (a copy was
    // that much memory written for the first time).
    for edge in &mut edges {
        let (a, b, s) = *edge;
        let mut w = s;
        if !scorer.met_before(a, b) {
            w += NEW_PARTNER_BONUS;
            if scheduled[a] == b {
                w += SCHEDULE_BONUS;
            }
        }
        if scorer.sat_out_last_round(a) {
            w += PRIORITY_BONUS;
        }
        if scorer.sat_out_last_round(b) {
            w += PRIORITY_BONUS;
        }
        *edge = (position[a], position[b], w);
    }
    edges
}

/// Plans one round for the `people` who take part (indices into the roster).
pub fn plan_round(scorer: &Scorer, people: &[usize], seed: u64) -> RoundPlan {
    let weighted = round_graph(scorer, people, seed);
    let mates = max_weight_max_cardinality_matching_of(people.len(), weighted);

    let mut groups = Vec::new();
    let mut unmatched = Vec::new();
    for (i, mate) in mates.iter().enumerate() {
        match *mate {
            Some(j) if i < j => {
                let (a, b) = (people[i], people[j]);
                groups.push(Group {
                    members: vec![a, b],
                    score: scorer.points(a, b),
                    reasons: scorer.reasons(a, b),
                });
            }
            Some(_) => {}
            None => unmatched.push(people[i]),
        }
    }
    // Those who waited last round are placed first.
    unmatched.sort_by_key(|&p| (!scorer.sat_out_last_round(p), p));

    let mut sat_out = Vec::new();
    for u in unmatched {
        let trio = match scorer.rules.odd_one_out {
            OddOneOut::Trio => best_trio(scorer, &groups, u),
            OddOneOut::SitOut => None,
        };
        match trio {
            Some(g) => {
                let group = &mut groups[g];
                let (a, b) = (group.members[0], group.members[1]);
                group.score += scorer.points(u, a) + scorer.points(u, b);
                let best_link = if scorer.points(u, a) >= scorer.points(u, b) {
                    a
                } else {
                    b
                };
                group.reasons.push(format!(
                    "{} joins as a third: {}",
                    scorer.person(u).name,
                    scorer.reasons(u, best_link).join("; ")
                ));
                group.members.push(u);
            }
            None => sat_out.push(SatOut {
                person: u,
                reason: sit_out_reason(scorer, people, u),
            }),
        }
    }
    groups.sort_by_key(|g| Reverse(g.score));
    let total = groups.iter().map(|g| g.score).sum();
    RoundPlan {
        groups,
        sat_out,
        total,
    }
}

/// The pair `u` adds the most to, among pairs where both may meet `u`.
fn best_trio(scorer: &Scorer, groups: &[Group], u: usize) -> Option<usize> {
    groups
        .iter()
        .enumerate()
        .filter(|(_, g)| g.members.len() == 2)
        .filter_map(|(i, g)| {
            let a = scorer.score(u, g.members[0])?;
            let b = scorer.score(u, g.members[1])?;
            Some((a + b, Reverse(i)))
        })
        .max()
        .map(|(_, Reverse(i))| i)
}

/// Why someone sat out, as a kind to count (the reason's own words name
/// the blocks that applied, so are not counted as they are).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SitOutKind {
    /// Nobody this round could be paired with them.
    Nobody,
    /// Every partner was needed elsewhere (again).
    NeededElsewhere,
    /// An odd number of people.
    OddNumber,
    /// Nobody could take a third.
    NoThird,
}

impl SitOutKind {
    /// The kind of a reason [`SatOut::reason`] gave.
    pub fn of(reason: &str) -> SitOutKind {
        if reason.starts_with("nobody this round") {
            SitOutKind::Nobody
        } else if reason.starts_with("every possible partner was needed") {
            SitOutKind::NeededElsewhere
        } else if reason.starts_with("every possible partner is already paired") {
            SitOutKind::NoThird
        } else {
            SitOutKind::OddNumber
        }
    }
}

fn sit_out_reason(scorer: &Scorer, people: &[usize], u: usize) -> String {
    let mut counts: HashMap<Blocked, usize> = HashMap::new();
    let mut anyone_eligible = false;
    for &v in people {
        if v == u {
            continue;
        }
        match scorer.blocked(u, v) {
            Some(b) => *counts.entry(b).or_default() += 1,
            None => anyone_eligible = true,
        }
    }
    if !anyone_eligible {
        let mut parts: Vec<(Blocked, usize)> = counts.into_iter().collect();
        parts.sort_by_key(|&(b, c)| (Reverse(c), b.describe()));
        let detail: Vec<String> = parts
            .iter()
            .map(|(b, c)| format!("{c} {}", b.describe()))
            .collect();
        return format!(
            "nobody this round can be paired with them ({})",
            detail.join(", ")
        );
    }
    if scorer.sat_out_last_round(u) {
        return "every possible partner was needed elsewhere again; they come first next round"
            .into();
    }
    match scorer.rules.odd_one_out {
        OddOneOut::SitOut => "odd number of people this round; they come first next round".into(),
        OddOneOut::Trio => {
            "every possible partner is already paired and no pair can take a third; they come first next round".into()
        }
    }
}
