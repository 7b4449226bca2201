//! The engine at scale and over many rounds (issue 15): candidates found
//! through the skill index, and the round-robin schedule that keeps rounds
//! fresh. `tandem match` over many rounds is in `cli.rs`; speed is in
//! `benches/`.

use crate::pairing::{at, person, random_roster, rules};
use rand::SeedableRng;
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use tandem::pairing::candidates::{indexed_edges, indexed_edges_on};
use tandem::pairing::history::History;
use tandem::pairing::roster::Roster;
use tandem::pairing::round::{
    best_of_all_pairs, candidate_edges, round_robin, SCORE_ALL_PAIRS_UP_TO,
};
use tandem::pairing::score::Scorer;
use tandem::pairing::{matching_weight, max_weight_max_cardinality_matching};

#[test]
fn the_skill_index_finds_valid_candidates_for_everyone_and_loses_little() {
    let mut rng = ChaCha8Rng::seed_from_u64(41);
    let n = 800;
    let roster = random_roster(&mut rng, n, 12);
    let everyone: Vec<usize> = (0..n).collect();
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    let edges = indexed_edges(&scorer, &everyone, 5);
    assert_eq!(edges, indexed_edges(&scorer, &everyone, 5), "deterministic");
    // Large programs search on several threads: the same edges, however
    // the people are shared out.
    for threads in [2, 3, 7] {
        assert_eq!(
            edges,
            indexed_edges_on(&scorer, &everyone, 5, threads),
            "{threads} threads"
        );
    }
    let mut seen = HashSet::new();
    let mut degree = vec![0usize; n];
    for &(a, b, s) in &edges {
        assert!(a < b, "ordered");
        assert!(seen.insert((a, b)), "{a}–{b} twice");
        assert_eq!(scorer.score(a, b), Some(s), "eligible, with its true score");
        degree[a] += 1;
        degree[b] += 1;
    }
    // Everyone who may meet anyone has candidates.
    for (p, &d) in degree.iter().enumerate() {
        let eligible = (0..n).filter(|&q| scorer.score(p, q).is_some()).count();
        assert!(
            d >= eligible.min(scorer.rules.candidates_per_person),
            "{p}: {d} of {eligible}"
        );
    }
    let weight =
        |e: &[(usize, usize, i64)]| matching_weight(&max_weight_max_cardinality_matching(n, e), e);
    let all = best_of_all_pairs(&scorer, &everyone, 5);
    let (got, best) = (weight(&edges), weight(&all));
    assert!(got as f64 >= 0.995 * best as f64, "{got} of {best}");
    // Large programs use it; small ones score all pairs.
    let big: Vec<usize> = (0..SCORE_ALL_PAIRS_UP_TO + 1).collect();
    let roster = random_roster(&mut rng, big.len(), 12);
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    assert_eq!(
        candidate_edges(&scorer, &big, 1),
        indexed_edges(&scorer, &big, 1)
    );
}

#[test]
fn the_round_robin_meets_everyone_once_whatever_the_roster_order() {
    for n in [2usize, 5, 8, 13] {
        // Listed in reverse: the schedule follows ids, not roster order.
        let roster = Roster {
            people: (0..n)
                .rev()
                .map(|i| person(&format!("p{i:02}"), "All", 3, &[0], &[0]))
                .collect(),
            skills: vec!["sql".into()],
        };
        let scorer = Scorer::new(&roster, &History::default(), rules(), at());
        let everyone: Vec<usize> = (0..n).collect();
        let rounds = if n % 2 == 0 { n - 1 } else { n };
        let mut met = HashSet::new();
        for r in 0..rounds {
            let mates = round_robin(&scorer, &everyone, r);
            assert_eq!(mates.len(), n - n % 2, "n = {n}: one bye at most");
            for (&a, &b) in &mates {
                assert_eq!(mates[&b], a);
                if a < b {
                    assert!(met.insert((a, b)), "n = {n}: {a}–{b} twice");
                }
            }
            // The next lap repeats the same schedule.
            assert_eq!(mates, round_robin(&scorer, &everyone, r + rounds));
        }
        assert_eq!(met.len(), n * (n - 1) / 2, "n = {n}: everyone met");
    }
}
