//! Candidate pairs for a large program without scoring every pair.
//!
//! Scoring all n² pairs and keeping each person's best is exact but
//! quadratic: 100,000 people are 5 billion pairs. Most of a pair's score
//! is what the two can teach each other, so good partners are found through
//! an index instead: for each person, the people who offer what they want
//! *and* want what they offer (the mutual ones, indexed by the pair of
//! skills), then those who offer what they want, then those who want what
//! they offer, each list ordered by level so the nearest levels (the level
//! term, and the level-gap limit) come first. Inside a level, each person
//! reads around their own seeded place, so a thousand people with the same
//! skills do not all pick the same forty; a list and its mirror (who offers
//! what I want, who wants what I offer) share the seeded keys, so the people
//! one reads are mostly those who read them back. A few seeded random people
//! are scored too, so people with no skill in common still find partners.
//! Each person keeps their best `candidates_per_person` of what was scored,
//! plus [`EXTRA_CANDIDATES`] random eligible ones; the work is
//! O(n · lists · reach), not O(n²). The loss against the complete graph is
//! measured in `benches/engine.rs` (and `BENCHMARKS.md`).

use super::prefetch::line_of;
use super::round::{mix, EXTRA_CANDIDATES};
use super::score::Scorer;
use std::cmp::Reverse;
use std::collections::HashMap;
use std::sync::atomic::{AtomicUsize, Ordering};

/// People taking part (roster indices, once ordered: see `build_index`)
/// ordered by level, then by a seeded key, with where each level starts:
/// finding a level was a binary search through a list of tens of
/// thousands, a cache miss per step, for each of the ~15 lists of every
/// person (a fifth of a 100,000-member round's candidate search).
#[derive(Default)]
struct List {
    /// (`u32`: a 100,000-member program's lists hold 1.5 million entries,
    /// read in windows at random places — half the bytes, twice as many
    /// of them in the shared cache.)
    people: Vec<u32>,
    /// (level, index of its first person), one per level present, in order.
    starts: Vec<(u8, usize)>,
}

impl List {
    /// The range of people whose level is `level`.
    fn level_range(&self, level: u8) -> (usize, usize) {
        let from = |i: usize| self.starts.get(i).map_or(self.people.len(), |s| s.1);
        let below = self.starts.partition_point(|s| s.0 < level);
        let up_to = self.starts.partition_point(|s| s.0 <= level);
        (from(below), from(up_to))
    }
}

struct Index {
    offered_by: HashMap<usize, List>,
    wanted_by: HashMap<usize, List>,
    /// (a skill offered, a skill wanted) → who offers the one and wants
    /// the other.
    mutual: HashMap<(usize, usize), List>,
}

/// Each person's best candidates found through the skill index, plus
/// random extras: `(a, b, points)` with `a < b` roster indices, sorted.
///
/// Each person's search reads only the index and the scorer, so chunks of
/// people are searched on separate threads in a large program (the
/// candidate search was a quarter of a 100,000-member round); the result
/// is sorted afterwards, so it does not depend on the number of threads
/// or on which thread searched whom.
pub fn indexed_edges(scorer: &Scorer, people: &[usize], seed: u64) -> Vec<(usize, usize, i64)> {
    let threads = if people.len() < PARALLEL_FROM {
        1
    } else {
        std::thread::available_parallelism().map_or(1, |t| t.get().min(MAX_THREADS))
    };
    indexed_edges_on(scorer, people, seed, threads)
}

/// [`indexed_edges`] on `threads` threads (at least one): the same edges
/// whatever the number.
pub fn indexed_edges_on(
    scorer: &Scorer,
    people: &[usize],
    seed: u64,
    threads: usize,
) -> Vec<(usize, usize, i64)> {
    let n = people.len();
    let threads = threads.clamp(1, n.max(1));
    let levels: Vec<u8> = people.iter().map(|&p| scorer.person(p).level).collect();
    let index = build_index(scorer, people, &levels, seed);
    let search = Search {
        scorer,
        people,
        seed,
        levels: &levels,
        index: &index,
    };
    // People are handed out a chunk at a time to whichever thread is free:
    // with a half each, one thread finished a tenth later than the other at
    // 100,000 members, run after run, and the search waited for it.
    // (At least eight chunks a thread, so a small program shares out
    // evenly too.)
    let chunk = n.div_ceil(8 * threads).clamp(1, CHUNK);
    let next_chunk = AtomicUsize::new(0);
    let sorted_part = || {
        let per_person = scorer.rules.candidates_per_person + EXTRA_CANDIDATES;
        let mut part = Vec::with_capacity(n.div_ceil(threads) * per_person * 5 / 4);
        loop {
            let from = next_chunk.fetch_add(chunk, Ordering::Relaxed);
            if from >= n {
                break;
            }
            search.edges_into(from..(from + chunk).min(n), &mut part);
        }
        part.sort_unstable();
        // Two people of the same part who picked each other: once is
        // enough before the parts are joined (a smaller list to copy and
        // merge); the pairs picked across parts go below.
        part.dedup_by_key(|e| (e.0, e.1));
        part
    };
    let mut edges = if threads == 1 {
        sorted_part()
    } else {
        let parts: Vec<Vec<(usize, usize, i64)>> = std::thread::scope(|scope| {
            let workers: Vec<_> = (0..threads).map(|_| scope.spawn(sorted_part)).collect();
            workers
                .into_iter()
                // A panic in a search is a bug: pass it on as it was.
                .map(|w| w.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
                .collect()
        });
        // The first part grows to hold them all (no second copy of it).
        let rest: usize = parts.iter().skip(1).map(Vec::len).sum();
        let mut parts = parts.into_iter();
        let mut all = parts.next().unwrap_or_default();
        all.reserve_exact(rest);
        parts.for_each(|part| all.extend_from_slice(&part));
        // One sorted run per thread: a stable sort finds and merges them.
        all.sort();
        all
    };
    edges.dedup_by_key(|e| (e.0, e.1));
    edges
}

/// How many candidates ahead of the one being scored their cards are asked
/// for: enough misses in flight to hide each one's wait, few enough that
/// they are still in the cache when scored. (Asking for a whole pool, some
/// hundreds, before scoring any left most of the waits at 100,000 members:
/// perf put two thirds of `Scorer::blocked` on its first read of a card.)
const CARDS_AHEAD: usize = 16;

/// Below this many people the search runs on the calling thread: starting
/// threads would cost more than it saves.
const PARALLEL_FROM: usize = 4_000;
/// How many of a person's random extras are asked for ahead: twice as
/// many as are kept, as some are not eligible.
const EXTRAS_AHEAD: usize = 2 * EXTRA_CANDIDATES;
/// People handed to a search thread at a time, at most: few enough that
/// the threads finish together, enough that taking one costs nothing.
const CHUNK: usize = 512;
/// Threads for one candidate search at most (the search is bound by memory
/// reads; more threads mostly wait on each other's).
const MAX_THREADS: usize = 8;

/// What every person's search reads.
struct Search<'s, 'a> {
    scorer: &'s Scorer<'a>,
    people: &'s [usize],
    seed: u64,
    levels: &'s [u8],
    index: &'s Index,
}

impl Search<'_, '_> {
    /// Appends the candidate edges of the people at positions `range`
    /// (unsorted, with repeats) to `edges`.
    fn edges_into(&self, range: std::ops::Range<usize>, edges: &mut Vec<(usize, usize, i64)>) {
        let (scorer, people, seed, levels, index) =
            (self.scorer, self.people, self.seed, self.levels, self.index);
        let n = people.len();
        let k = scorer.rules.candidates_per_person;
        // How many to read from each list: enough that the best k of what is
        // read is (nearly) the best k there is. (Half of k kept 99.84 % of
        // the optimum at 10,000 with picks read at random places; three
        // quarters with mirrored places keep 99.996 % on fewer edges, see
        // BENCHMARKS.md.)
        let reach = (3 * k / 4).max(8);
        let mut pool: Vec<usize> = Vec::new();
        let mut scored: Vec<(i64, u64, usize)> = Vec::new();
        for x in range {
            // The random extras' people (below): each is two misses in a
            // row at 100,000 members (where they sit in `people`, then
            // their card), so both are asked for well before they are read.
            let extra = |i: usize| (mix(!seed, x, i + n) % n as u64) as usize;
            for i in 0..EXTRAS_AHEAD {
                line_of(&people[extra(i)]);
            }
            let me = scorer.person(people[x]);
            let (offers, wants): (Vec<usize>, Vec<usize>) =
                (me.offers.ids().collect(), me.wants.ids().collect());
            pool.clear();
            let mut read = |list: Option<&List>, tag: u64| {
                if let Some(list) = list {
                    near(list, levels[x], reach, place(seed, tag, x), &mut pool);
                }
            };
            for &s in &wants {
                for &t in &offers {
                    read(index.mutual.get(&(s, t)), mutual_tag(s, t));
                }
            }
            for &s in &wants {
                read(index.offered_by.get(&s), skill_tag(s));
            }
            for &t in &offers {
                read(index.wanted_by.get(&t), skill_tag(t));
            }
            for i in 0..reach as u64 {
                pool.push(people[(mix(seed ^ 0x0C0F_FEE0, x, i as usize) % n as u64) as usize]);
            }
            pool.sort_unstable();
            pool.dedup();

            scored.clear();
            let a = people[x];
            for i in 0..EXTRAS_AHEAD {
                scorer.prefetch(people[extra(i)]);
            }
            // Ask for candidates' cards ahead of scoring them, so that their
            // cache misses overlap: in a large program each is far away in
            // memory, and scoring them one after the other waited for each
            // miss in turn.
            for &b in pool.iter().take(CARDS_AHEAD) {
                scorer.prefetch(b);
            }
            for (i, &b) in pool.iter().enumerate() {
                if let Some(&ahead) = pool.get(i + CARDS_AHEAD) {
                    scorer.prefetch(ahead);
                }
                if b == a {
                    continue;
                }
                if let Some(s) = scorer.score(a, b) {
                    scored.push((s, mix(seed, a, b), b));
                }
            }
            if scored.len() > k {
                scored.select_nth_unstable_by_key(k, |&(s, tie, _)| Reverse((s, tie)));
                scored.truncate(k);
            }
            for &(s, _, b) in &scored {
                edges.push((a.min(b), a.max(b), s));
            }
            // A few random eligible partners, so that nobody is stranded when
            // their best candidates are taken by others.
            let mut found = 0;
            for i in 0..8 * EXTRA_CANDIDATES {
                if found == EXTRA_CANDIDATES {
                    break;
                }
                let y = extra(i);
                if y == x {
                    continue;
                }
                let b = people[y];
                if let Some(s) = scorer.score(a, b) {
                    edges.push((a.min(b), a.max(b), s));
                    found += 1;
                }
            }
        }
    }
}

fn build_index(scorer: &Scorer, people: &[usize], levels: &[u8], seed: u64) -> Index {
    let mut index = Index {
        offered_by: HashMap::new(),
        wanted_by: HashMap::new(),
        mutual: HashMap::new(),
    };
    for (x, &p) in people.iter().enumerate() {
        let x32 = u32::try_from(x).expect("a program of fewer than 2^32 people");
        let person = scorer.person(p);
        let wants: Vec<usize> = person.wants.ids().collect();
        for s in person.offers.ids() {
            index.offered_by.entry(s).or_default().people.push(x32);
            for &t in &wants {
                index.mutual.entry((s, t)).or_default().people.push(x32);
            }
        }
        for &t in &wants {
            index.wanted_by.entry(t).or_default().people.push(x32);
        }
    }
    // Ordered by position, then each position replaced by the person it
    // holds: a search reads hundreds of list entries a person, each at a
    // random place, and looking every one up in `people` was a cache miss
    // of its own at 100,000 members (perf: half of the search loop's own
    // samples).
    let order = |list: &mut List, tag: u64| {
        list.people
            .sort_unstable_by_key(|&x| (levels[x as usize], place(seed, tag, x as usize)));
        for (i, x) in list.people.iter_mut().enumerate() {
            let level = levels[*x as usize];
            if list.starts.last().is_none_or(|s| s.0 != level) {
                list.starts.push((level, i));
            }
            *x = u32::try_from(people[*x as usize]).expect("a roster of fewer than 2^32 people");
        }
    };
    index
        .offered_by
        .iter_mut()
        .for_each(|(&s, l)| order(l, skill_tag(s)));
    index
        .wanted_by
        .iter_mut()
        .for_each(|(&s, l)| order(l, skill_tag(s)));
    index
        .mutual
        .iter_mut()
        .for_each(|(&(s, t), l)| order(l, mutual_tag(s, t)));
    index
}

/// A person's seeded key in one list and its mirror: their place in the
/// list, and where they read the mirror around. The lists of who offers
/// skill s and who wants s share a key (`skill_tag`), as do the mutual
/// lists of (s, t) and (t, s) (`mutual_tag`), so two people with near keys
/// read each other: the picks are mostly mutual, which gives fewer edges
/// for the same choice, and each pair of lists has its own keys, so
/// nobody reads the same neighbours in every list.
fn place(seed: u64, tag: u64, x: usize) -> u64 {
    mix(seed ^ tag, x, x)
}

fn mutual_tag(s: usize, t: usize) -> u64 {
    mix(0x5EED_0001, s.min(t), s.max(t))
}

fn skill_tag(s: usize) -> u64 {
    mix(0x5EED_0002, s, s)
}

/// Up to `reach` people of `list` (ordered by level, then by `place`)
/// nearest to `level`: those of the same level first, read around where
/// this person's own key (`start`) would sit among them, then outwards
/// one level-neighbour at a time.
fn near(list: &List, level: u8, reach: usize, start: u64, out: &mut Vec<usize>) {
    let (lo, hi) = list.level_range(level);
    let list = &list.people;
    let take = |out: &mut Vec<usize>, run: &[u32]| out.extend(run.iter().map(|&x| x as usize));
    if list.len() <= reach {
        take(out, list);
        return;
    }
    let same = hi - lo;
    if same >= reach {
        // Where this person's own key would sit among them, less half the
        // reach: keys are uniform, so the fraction places it. The window
        // wraps round the level's end: two runs.
        let at = ((u128::from(start) * same as u128) >> 64) as usize;
        let from = (at + same - reach / 2) % same;
        let first = reach.min(same - from);
        take(out, &list[lo + from..lo + from + first]);
        take(out, &list[lo..lo + reach - first]);
        return;
    }
    take(out, &list[lo..hi]);
    let (mut below, mut above) = (lo, hi);
    let mut taken = same;
    while taken < reach && (below > 0 || above < list.len()) {
        if below > 0 {
            below -= 1;
            out.push(list[below] as usize);
            taken += 1;
        }
        if taken < reach && above < list.len() {
            out.push(list[above] as usize);
            above += 1;
            taken += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::{near, List};

    #[test]
    fn a_window_that_wraps_round_its_level_reads_both_ends() {
        // Levels 2 (positions 0–3), 3 (4–43) and 5 (44–49).
        let list = List {
            people: (100..150).collect(),
            starts: vec![(2, 0), (3, 4), (5, 44)],
        };
        let (same, reach) = (40u64, 10usize);
        for k in 0..same {
            // A key that places this person at `k` among their level.
            let start = ((k << 58) / same) << 6 | 1;
            let at = ((u128::from(start) * u128::from(same)) >> 64) as usize;
            let from = (at + same as usize - reach / 2) % same as usize;
            let mut read = Vec::new();
            near(&list, 3, reach, start, &mut read);
            let expected: Vec<usize> = (0..reach)
                .map(|i| 104 + (from + i) % same as usize)
                .collect();
            assert_eq!(read, expected, "key at {k}");
        }
        // Too few at the level: all of it, then outwards.
        let mut read = Vec::new();
        near(&list, 5, reach, 7, &mut read);
        assert_eq!(read, vec![144, 145, 146, 147, 148, 149, 143, 142, 141, 140]);
    }
}
