//! Circles: partition members into groups of `size` (±1) maximising the sum
//! of pairwise scores plus skill coverage (what someone wants that someone
//! else in the circle offers). Greedy construction, then swap-based local
//! search; deterministic for a given seed.

use super::roster::SkillSet;
use super::round::{mix, Group};
use super::score::{Scorer, SCALE};

/// Pairs a hard constraint forbids (manager/report, do-not-pair…) are not
/// impossible in a circle, but this penalty keeps them apart whenever any
/// other arrangement exists.
const FORBIDDEN: i64 = -1_000_000_000;

/// Upper bound on improvement passes; each pass tries every swap.
const MAX_PASSES: usize = 50;

/// Group sizes for `n` members around `size`: as equal as possible, each
/// within `size ± 1` whenever any split allows it (7 people in circles of
/// 5 ± 1 cannot be split so; then the split that strays least is used).
pub fn circle_sizes(n: usize, size: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    let split = |groups: usize| {
        let base = n / groups;
        let extra = n % groups;
        (0..groups)
            .map(|g| base + usize::from(g < extra))
            .collect::<Vec<_>>()
    };
    let stray = |sizes: &[usize]| {
        let worst = sizes.iter().map(|&s| s.abs_diff(size)).max().unwrap_or(0);
        (
            worst.saturating_sub(1),
            (n as f64 / sizes.len() as f64 - size as f64).abs(),
        )
    };
    // Only group counts near n / size can win; no need to try every one.
    let lo = (n / (size + 2)).max(1);
    let hi = (n / size.saturating_sub(2).max(1) + 1).min(n);
    (lo..=hi)
        .map(split)
        .min_by(|a, b| {
            stray(a)
                .partial_cmp(&stray(b))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .unwrap_or_default()
}

struct State {
    pair: Vec<i64>,
    m: usize,
    /// Skill bitsets, `words` per member, laid out flat.
    words: usize,
    offers: Vec<u64>,
    wants: Vec<u64>,
    coverage_weight: f64,
    groups: Vec<Vec<usize>>,
}

impl State {
    fn pair(&self, x: usize, y: usize) -> i64 {
        self.pair[x * self.m + y]
    }

    /// Skills wanted by someone and offered by someone else in `members`, as points.
    fn coverage(&self, members: &[usize]) -> i64 {
        let w = self.words;
        let mut count = 0u32;
        for (i, &x) in members.iter().enumerate() {
            for word in 0..w {
                let mut others = 0u64;
                for (j, &y) in members.iter().enumerate() {
                    if j != i {
                        others |= self.offers[y * w + word];
                    }
                }
                count += (self.wants[x * w + word] & others).count_ones();
            }
        }
        (self.coverage_weight * count as f64 * SCALE).round() as i64
    }

    fn value(&self, members: &[usize]) -> i64 {
        let mut s = self.coverage(members);
        for (i, &x) in members.iter().enumerate() {
            for &y in &members[i + 1..] {
                s += self.pair(x, y);
            }
        }
        s
    }
}

/// Forms circles among `members` (roster indices).
pub fn form_circles(scorer: &Scorer, members: &[usize], size: usize, seed: u64) -> Vec<Group> {
    let m = members.len();
    if m == 0 {
        return Vec::new();
    }
    let mut pair = vec![0i64; m * m];
    for x in 0..m {
        for y in x + 1..m {
            let (a, b) = (members[x], members[y]);
            let s = match scorer.blocked(a, b) {
                Some(_) => FORBIDDEN,
                None => scorer.points(a, b),
            };
            pair[x * m + y] = s;
            pair[y * m + x] = s;
        }
    }
    let people = &scorer.roster.people;
    let words = scorer.roster.skills.len().div_ceil(64).max(1);
    let flat = |sets: Vec<&SkillSet>| {
        let mut out = vec![0u64; m * words];
        for (x, set) in sets.into_iter().enumerate() {
            for id in set.ids() {
                out[x * words + id / 64] |= 1 << (id % 64);
            }
        }
        out
    };
    let offers = flat(members.iter().map(|&i| &people[i].offers).collect());
    let wants = flat(members.iter().map(|&i| &people[i].wants).collect());
    let mut state = State {
        pair,
        m,
        words,
        offers,
        wants,
        coverage_weight: scorer.rules.weights.teach,
        groups: Vec::new(),
    };
    let sizes = circle_sizes(m, size);

    // Greedy: visit members in a seeded order; each joins the circle with
    // room where it adds the most (empty circles first, so each gets a seed).
    let mut order: Vec<usize> = (0..m).collect();
    order.sort_by_key(|&x| mix(seed, x, usize::MAX));
    state.groups = vec![Vec::new(); sizes.len()];
    for x in order {
        let mut best: Option<(i64, usize)> = None;
        for (g, members) in state.groups.iter().enumerate() {
            if members.len() >= sizes[g] {
                continue;
            }
            let gain = if members.is_empty() {
                i64::MAX
            } else {
                members.iter().map(|&y| state.pair(x, y)).sum()
            };
            if best.is_none_or(|(b, _)| gain > b) {
                best = Some((gain, g));
            }
        }
        let (_, g) = best.expect("sizes add up to the member count");
        state.groups[g].push(x);
    }

    // Local search: apply any swap between two circles that raises the total.
    let mut values: Vec<i64> = state.groups.iter().map(|g| state.value(g)).collect();
    // Reused buffers: the search evaluates hundreds of thousands of swaps.
    let (mut a, mut b) = (Vec::new(), Vec::new());
    for _ in 0..MAX_PASSES {
        let mut improved = false;
        for g1 in 0..state.groups.len() {
            for g2 in g1 + 1..state.groups.len() {
                for i in 0..state.groups[g1].len() {
                    for j in 0..state.groups[g2].len() {
                        let (x, y) = (state.groups[g1][i], state.groups[g2][j]);
                        a.clear();
                        a.extend_from_slice(&state.groups[g1]);
                        b.clear();
                        b.extend_from_slice(&state.groups[g2]);
                        a[i] = y;
                        b[j] = x;
                        let (va, vb) = (state.value(&a), state.value(&b));
                        if va + vb > values[g1] + values[g2] {
                            state.groups[g1].copy_from_slice(&a);
                            state.groups[g2].copy_from_slice(&b);
                            values[g1] = va;
                            values[g2] = vb;
                            improved = true;
                        }
                    }
                }
            }
        }
        if !improved {
            break;
        }
    }

    let mut out: Vec<Group> = state
        .groups
        .iter()
        .zip(&values)
        .map(|(g, &v)| {
            let mut ids: Vec<usize> = g.iter().map(|&x| members[x]).collect();
            ids.sort_unstable();
            Group {
                reasons: circle_reasons(scorer, &ids),
                members: ids,
                score: v,
            }
        })
        .collect();
    out.sort_by_key(|g| g.members[0]);
    out
}

fn circle_reasons(scorer: &Scorer, ids: &[usize]) -> Vec<String> {
    let r = scorer.roster;
    let mut lines = Vec::new();
    for &x in ids {
        let mut others = SkillSet::default();
        for &y in ids {
            if y != x {
                others.union_with(&r.people[y].offers);
            }
        }
        let learn = r.skill_names(&r.people[x].wants.intersection(&others));
        if !learn.is_empty() {
            lines.push(format!(
                "{} can learn {} here",
                r.people[x].name,
                super::score::join(&learn)
            ));
        }
    }
    lines
}
