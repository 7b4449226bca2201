//! The pairing engine on generated rosters: hard constraints, determinism,
//! the odd one out, pruning, repeats and circles.

use chrono::{TimeZone, Utc};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::collections::HashSet;
use tandem::config::OddOneOut;
use tandem::pairing::circles::{circle_sizes, form_circles};
use tandem::pairing::history::History;
use tandem::pairing::roster::{Person, Roster, SkillSet};
use tandem::pairing::round::{candidate_edges, plan_round, RoundPlan};
use tandem::pairing::score::{Rules, Scorer};
use tandem::pairing::{matching_weight, max_weight_max_cardinality_matching};

const ZONES: [&str; 5] = [
    "Europe/London",
    "Europe/Berlin",
    "America/New_York",
    "Asia/Kolkata",
    "America/Los_Angeles",
];

pub(crate) fn rules() -> Rules {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("config/default.toml");
    let env = figment::providers::Env::prefixed("TANDEM_TEST_NO_OVERRIDES__");
    let config = tandem::config::load_with_env(Some(&path), env)
        .unwrap()
        .config;
    Rules::from(&config.pairing)
}

fn set(ids: &[usize]) -> SkillSet {
    let mut s = SkillSet::default();
    ids.iter().for_each(|&i| s.insert(i));
    s
}

/// A roster of `n` people over `skills` skills, with a few managers and
/// do-not-pair entries.
pub(crate) fn random_roster(rng: &mut ChaCha8Rng, n: usize, skills: usize) -> Roster {
    let mut people = Vec::new();
    for i in 0..n {
        let offers: Vec<usize> = (0..3).map(|_| rng.random_range(0..skills)).collect();
        let wants: Vec<usize> = (0..3).map(|_| rng.random_range(0..skills)).collect();
        people.push(Person {
            id: format!("p{i}"),
            name: format!("Person {i}"),
            team: format!("team{}", rng.random_range(0..6)),
            level: rng.random_range(1..=6),
            timezone: ZONES[rng.random_range(0..ZONES.len())].parse().unwrap(),
            offers: set(&offers),
            wants: set(&wants),
            manager: (i > 5 && rng.random_bool(0.2))
                .then(|| format!("p{}", rng.random_range(0..i))),
            do_not_pair: if rng.random_bool(0.1) {
                vec![format!("p{}", rng.random_range(0..n))]
            } else {
                vec![]
            },
            hours: Default::default(),
        });
    }
    Roster {
        people,
        skills: (0..skills).map(|s| format!("skill{s}")).collect(),
    }
}

pub(crate) fn at() -> chrono::DateTime<Utc> {
    Utc.with_ymd_and_hms(2026, 11, 2, 12, 0, 0).unwrap()
}

/// Everyone is in exactly one group or sits out with a reason.
fn assert_everyone_accounted(plan: &RoundPlan, n: usize) {
    let mut seen = HashSet::new();
    for g in &plan.groups {
        assert!(
            (2..=3).contains(&g.members.len()),
            "group of {}",
            g.members.len()
        );
        for &m in &g.members {
            assert!(seen.insert(m), "{m} placed twice");
        }
    }
    for s in &plan.sat_out {
        assert!(!s.reason.is_empty());
        assert!(seen.insert(s.person), "{} placed twice", s.person);
    }
    assert_eq!(seen.len(), n, "somebody disappeared");
}

#[test]
fn hard_constraints_are_never_violated_and_nobody_disappears() {
    let mut rng = ChaCha8Rng::seed_from_u64(1);
    for case in 0..40 {
        let n = rng.random_range(2..80);
        let roster = random_roster(&mut rng, n, 12);
        let mut rules = rules();
        rules.odd_one_out = if case % 2 == 0 {
            OddOneOut::Trio
        } else {
            OddOneOut::SitOut
        };
        rules.candidates_per_person = 6;
        let scorer = Scorer::new(&roster, &History::default(), rules.clone(), at());
        let everyone: Vec<usize> = (0..n).collect();
        let plan = plan_round(&scorer, &everyone, case);
        assert_everyone_accounted(&plan, n);
        for g in &plan.groups {
            for (i, &a) in g.members.iter().enumerate() {
                for &b in &g.members[i + 1..] {
                    let (a, b) = (&roster.people[a], &roster.people[b]);
                    assert_eq!(
                        violation(a, b, &rules),
                        None,
                        "case {case}: {} and {} grouped",
                        a.id,
                        b.id
                    );
                }
            }
        }
    }
}

/// The hard rule two grouped people break, judged from the roster itself
/// (not through the engine's own `Scorer::blocked`): manager ids,
/// do-not-pair lists, the level gap from config, and working hours
/// (09:00–17:00 local on the round's day) that overlap too little.
fn violation(a: &Person, b: &Person, rules: &Rules) -> Option<&'static str> {
    if a.manager.as_deref() == Some(b.id.as_str()) || b.manager.as_deref() == Some(a.id.as_str()) {
        return Some("manager and report");
    }
    if a.do_not_pair.contains(&b.id) || b.do_not_pair.contains(&a.id) {
        return Some("on a do-not-pair list");
    }
    if a.level.abs_diff(b.level) as u32 > rules.max_level_gap {
        return Some("levels too far apart");
    }
    if shared_working_hours(a, b) < rules.min_overlap_hours {
        return Some("too few shared working hours");
    }
    None
}

/// Hours both are at work, from each one's 09:00–17:00 in real UTC instants
/// (the other's day before, same day and day after, so midnight wraps count).
fn shared_working_hours(a: &Person, b: &Person) -> f64 {
    use chrono::{Duration, TimeZone};
    let day = at().date_naive();
    let workday = |p: &Person, d: chrono::NaiveDate| {
        let start = p
            .timezone
            .from_local_datetime(&d.and_hms_opt(9, 0, 0).unwrap())
            .unwrap();
        (
            start.with_timezone(&Utc),
            start.with_timezone(&Utc) + Duration::hours(8),
        )
    };
    let (a_start, a_end) = workday(a, day);
    [-1, 0, 1]
        .iter()
        .map(|shift| {
            let (b_start, b_end) = workday(b, day + Duration::days(*shift));
            let overlap = a_end.min(b_end) - a_start.max(b_start);
            overlap.num_minutes().max(0) as f64 / 60.0
        })
        .fold(0.0, f64::max)
}

#[test]
fn same_input_and_seed_give_the_same_plan() {
    let mut rng = ChaCha8Rng::seed_from_u64(2);
    let roster = random_roster(&mut rng, 60, 10);
    let everyone: Vec<usize> = (0..60).collect();
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    let first = plan_round(&scorer, &everyone, 42);
    assert_eq!(plan_round(&scorer, &everyone, 42), first);
    let circles = form_circles(&scorer, &everyone, 4, 9);
    assert_eq!(form_circles(&scorer, &everyone, 4, 9), circles);
}

pub(crate) fn person(id: &str, team: &str, level: u8, offers: &[usize], wants: &[usize]) -> Person {
    Person {
        id: id.into(),
        name: id.into(),
        team: team.into(),
        level,
        timezone: "Europe/Berlin".parse().unwrap(),
        offers: set(offers),
        wants: set(wants),
        manager: None,
        do_not_pair: vec![],
        hours: Default::default(),
    }
}

#[test]
fn mutual_exchange_beats_one_way_teaching_and_says_why() {
    // ana↔ben teach each other; cat and dan could each only receive.
    let roster = Roster {
        people: vec![
            person("ana", "Design", 3, &[0], &[1]),
            person("ben", "Data", 3, &[1], &[0]),
            person("cat", "Sales", 3, &[], &[0, 1]),
            person("dan", "Ops", 3, &[], &[0, 1]),
        ],
        skills: vec!["sql".into(), "public speaking".into()],
    };
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    let plan = plan_round(&scorer, &[0, 1, 2, 3], 0);
    let mut pairs: Vec<Vec<usize>> = plan.groups.iter().map(|g| g.members.clone()).collect();
    pairs.sort();
    assert_eq!(pairs, vec![vec![0, 1], vec![2, 3]]);
    let ana_ben = plan
        .groups
        .iter()
        .find(|g| g.members == vec![0, 1])
        .unwrap();
    assert_eq!(
        ana_ben.reasons[0],
        "ana can help ben with sql; ben can help ana with public speaking"
    );
    assert!(ana_ben
        .reasons
        .contains(&"different teams (Design and Data)".to_owned()));
}

#[test]
fn odd_one_out_joins_a_trio_or_sits_out_then_goes_first() {
    let mut rng = ChaCha8Rng::seed_from_u64(5);
    let mut roster = random_roster(&mut rng, 7, 3);
    for p in &mut roster.people {
        p.manager = None;
        p.do_not_pair.clear();
        p.level = 3;
        p.timezone = "Europe/Berlin".parse().unwrap();
    }
    let everyone: Vec<usize> = (0..7).collect();

    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    let plan = plan_round(&scorer, &everyone, 0);
    assert_eq!(
        plan.groups.iter().filter(|g| g.members.len() == 3).count(),
        1
    );
    assert!(plan.sat_out.is_empty());

    let mut sit = rules();
    sit.odd_one_out = OddOneOut::SitOut;
    let scorer = Scorer::new(&roster, &History::default(), sit.clone(), at());
    let plan = plan_round(&scorer, &everyone, 0);
    assert_eq!(plan.sat_out.len(), 1);
    let waited = plan.sat_out[0].person;
    assert!(
        plan.sat_out[0].reason.starts_with("odd number of people"),
        "{}",
        plan.sat_out[0].reason
    );

    let mut history = History::default();
    history.push(vec![], vec![roster.people[waited].id.clone()]);
    let scorer = Scorer::new(&roster, &history, sit, at());
    let next = plan_round(&scorer, &everyone, 0);
    assert_eq!(next.sat_out.len(), 1);
    assert_ne!(next.sat_out[0].person, waited, "who waited goes first");
}

#[test]
fn someone_nobody_may_meet_is_told_why() {
    let mut roster = Roster {
        people: vec![
            person("ana", "A", 3, &[0], &[1]),
            person("ben", "B", 3, &[1], &[0]),
            person("zed", "C", 9, &[0], &[1]),
        ],
        skills: vec!["sql".into(), "rust".into()],
    };
    roster.people[2].timezone = "Pacific/Auckland".parse().unwrap();
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    let plan = plan_round(&scorer, &[0, 1, 2], 0);
    assert_eq!(plan.sat_out.len(), 1);
    assert_eq!(plan.sat_out[0].person, 2);
    assert_eq!(
        plan.sat_out[0].reason,
        "nobody this round can be paired with them (2 is too far apart in level)"
    );
}

#[test]
fn pruning_keeps_a_valid_near_optimal_matching() {
    let mut rng = ChaCha8Rng::seed_from_u64(8);
    let n = 300;
    let roster = random_roster(&mut rng, n, 20);
    let everyone: Vec<usize> = (0..n).collect();
    let mut full_rules = rules();
    full_rules.candidates_per_person = n;
    let full = Scorer::new(&roster, &History::default(), full_rules, at());
    let all_edges = candidate_edges(&full, &everyone, 0);
    let best = matching_weight(
        &max_weight_max_cardinality_matching(n, &all_edges),
        &all_edges,
    );

    let mut pruned_rules = rules();
    pruned_rules.candidates_per_person = 10;
    let pruned = Scorer::new(&roster, &History::default(), pruned_rules, at());
    let edges = candidate_edges(&pruned, &everyone, 0);
    assert!(
        edges.len() < all_edges.len() / 5,
        "pruning kept {} of {}",
        edges.len(),
        all_edges.len()
    );
    let mates = max_weight_max_cardinality_matching(n, &edges);
    let got = matching_weight(&mates, &edges);
    let full_card = max_weight_max_cardinality_matching(n, &all_edges)
        .iter()
        .flatten()
        .count();
    assert_eq!(
        mates.iter().flatten().count(),
        full_card,
        "pruning lost cardinality"
    );
    assert!(
        got as f64 >= 0.99 * best as f64,
        "pruned {got} vs full {best}"
    );
}

/// Rounds until some pair meets a second time, over `rounds` rounds.
fn first_repeat(rounds: &[Vec<Vec<usize>>]) -> Option<usize> {
    let mut seen = HashSet::new();
    for (r, groups) in rounds.iter().enumerate() {
        for g in groups {
            for (i, &a) in g.iter().enumerate() {
                for &b in &g[i + 1..] {
                    if !seen.insert((a.min(b), a.max(b))) {
                        return Some(r + 1);
                    }
                }
            }
        }
    }
    None
}

#[test]
fn twenty_people_meet_everyone_once_in_nineteen_rounds_where_random_pairs_repeat_by_the_fourth() {
    let roster = Roster {
        people: (0..20)
            .map(|i| person(&format!("p{i}"), "All", 3, &[0], &[0]))
            .collect(),
        skills: vec!["sql".into()],
    };
    let everyone: Vec<usize> = (0..20).collect();
    let mut history = History::default();
    let mut ours = Vec::new();
    for r in 0..19 {
        let scorer = Scorer::new(&roster, &history, rules(), at());
        let plan = plan_round(&scorer, &everyone, r);
        let groups: Vec<Vec<usize>> = plan.groups.iter().map(|g| g.members.clone()).collect();
        history.push(
            groups
                .iter()
                .map(|g| g.iter().map(|&i| format!("p{i}")).collect())
                .collect(),
            vec![],
        );
        ours.push(groups);
    }
    let ours_first = first_repeat(&ours).unwrap_or(20);

    // Baseline: shuffle and pair neighbours, averaged over seeds.
    let mut rng = ChaCha8Rng::seed_from_u64(99);
    let mut total = 0;
    for _ in 0..50 {
        let mut rounds = Vec::new();
        for _ in 0..19 {
            let mut order: Vec<usize> = (0..20).collect();
            for i in (1..20).rev() {
                order.swap(i, rng.random_range(0..=i));
            }
            rounds.push(order.chunks(2).map(|c| c.to_vec()).collect());
        }
        total += first_repeat(&rounds).unwrap_or(20);
    }
    let baseline = total as f64 / 50.0;
    println!(
        "first repeat: tandem round {ours_first}, random shuffle round {baseline:.1} (mean of 50)"
    );
    // The schedule bonus steers equal-score rounds along a round-robin:
    // all 190 pairs in 19 rounds, against a repeat by about round 3 for
    // random pairing.
    assert_eq!(
        ours_first, 20,
        "tandem repeated a pair in round {ours_first}"
    );
    assert!(baseline < 4.0, "random pairing repeats by round {baseline}");
    assert!(ours_first as f64 > 3.0 * baseline);
}

#[test]
fn circles_have_balanced_sizes_and_everyone_once() {
    assert_eq!(circle_sizes(13, 4), vec![5, 4, 4]);
    assert_eq!(circle_sizes(10, 4), vec![4, 3, 3]);
    assert_eq!(circle_sizes(5, 4), vec![5]);
    assert_eq!(
        circle_sizes(7, 5),
        vec![4, 3],
        "no split fits 5 ± 1; stray least"
    );
    for size in 3..=6 {
        for n in size - 1..60 {
            // A split within size ± 1 exists iff some g has g(size-1) ≤ n ≤ g(size+1).
            let possible = (1..=n).any(|g| g * (size - 1) <= n && n <= g * (size + 1));
            let sizes = circle_sizes(n, size);
            assert_eq!(sizes.iter().sum::<usize>(), n);
            if possible {
                for s in sizes {
                    assert!(
                        s + 1 >= size && s <= size + 1,
                        "n={n} size={size} gives {s}"
                    );
                }
            }
        }
    }
    let mut rng = ChaCha8Rng::seed_from_u64(4);
    let roster = random_roster(&mut rng, 13, 8);
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    let everyone: Vec<usize> = (0..13).collect();
    let circles = form_circles(&scorer, &everyone, 4, 1);
    let mut sizes: Vec<usize> = circles.iter().map(|c| c.members.len()).collect();
    sizes.sort();
    assert_eq!(sizes, vec![4, 4, 5]);
    let mut all: Vec<usize> = circles.iter().flat_map(|c| c.members.clone()).collect();
    all.sort();
    assert_eq!(all, everyone);
}

#[test]
fn circles_keep_managers_apart_when_they_can() {
    let mut people: Vec<Person> = (0..8)
        .map(|i| person(&format!("p{i}"), "T", 3, &[i % 3], &[(i + 1) % 3]))
        .collect();
    people[1].manager = Some("p0".into());
    people[2].manager = Some("p0".into());
    people[3].manager = Some("p0".into());
    let roster = Roster {
        people,
        skills: vec!["a".into(), "b".into(), "c".into()],
    };
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    let circles = form_circles(&scorer, &(0..8).collect::<Vec<_>>(), 4, 0);
    for c in &circles {
        if c.members.contains(&0) {
            assert!(
                !c.members.iter().any(|m| [1, 2, 3].contains(m)),
                "{:?}",
                c.members
            );
        }
    }
}

/// The candidate edges pruning should keep, worked out the slow way: every
/// eligible pair scored, each person's `k` best (by points, then the seeded
/// tie key) and `EXTRA_CANDIDATES` seeded random ones, joined.
fn expected_candidates(scorer: &Scorer, n: usize, k: usize, seed: u64) -> Vec<(usize, usize, i64)> {
    use tandem::pairing::round::{mix, EXTRA_CANDIDATES};
    let mut kept = std::collections::BTreeMap::new();
    for x in 0..n {
        let mut options: Vec<(usize, i64)> = (0..n)
            .filter(|&y| y != x)
            .filter_map(|y| scorer.score(x, y).map(|s| (y, s)))
            .collect();
        options.sort_by_key(|&(y, s)| std::cmp::Reverse((s, mix(seed, x, y), y)));
        for &(y, s) in options.iter().take(k) {
            kept.insert((x.min(y), x.max(y)), s);
        }
        options.sort_by_key(|&(y, _)| std::cmp::Reverse((mix(!seed, x, y), y)));
        for &(y, s) in options.iter().take(EXTRA_CANDIDATES) {
            kept.insert((x.min(y), x.max(y)), s);
        }
    }
    kept.into_iter().map(|((a, b), s)| (a, b, s)).collect()
}

#[test]
fn pruning_keeps_exactly_each_persons_best_and_seeded_extras() {
    use tandem::pairing::round::EXTRA_CANDIDATES;
    let mut rng = ChaCha8Rng::seed_from_u64(12);
    let k = 6;
    let all_pairs = |n: usize, scorer: &Scorer| -> Vec<(usize, usize, i64)> {
        let mut edges = Vec::new();
        for a in 0..n {
            for b in a + 1..n {
                if let Some(s) = scorer.score(a, b) {
                    edges.push((a, b, s));
                }
            }
        }
        edges
    };
    // Small programs keep every eligible pair, up to and including the
    // size where everyone could keep everyone anyway.
    for n in [2, 5, k + EXTRA_CANDIDATES + 1] {
        let roster = random_roster(&mut rng, n, 4);
        let mut r = rules();
        r.candidates_per_person = k;
        let scorer = Scorer::new(&roster, &History::default(), r, at());
        let everyone: Vec<usize> = (0..n).collect();
        assert_eq!(
            candidate_edges(&scorer, &everyone, 3),
            all_pairs(n, &scorer),
            "n={n}"
        );
    }
    // Larger ones keep exactly the best k and the seeded extras.
    for (n, seed) in [(k + EXTRA_CANDIDATES + 2, 1), (20, 2), (60, 3), (120, 4)] {
        let roster = random_roster(&mut rng, n, 4);
        let mut r = rules();
        r.candidates_per_person = k;
        r.max_level_gap = 5; // more eligible pairs, so pruning has work
        let scorer = Scorer::new(&roster, &History::default(), r, at());
        let everyone: Vec<usize> = (0..n).collect();
        let got = candidate_edges(&scorer, &everyone, seed);
        assert_eq!(got, expected_candidates(&scorer, n, k, seed), "n={n}");
        if n >= 20 {
            assert!(
                got.len() < all_pairs(n, &scorer).len(),
                "n={n}: nothing pruned"
            );
        }
    }
}

#[test]
fn the_tie_key_is_symmetric_spread_and_stable_across_versions() {
    use tandem::pairing::round::mix;
    // Symmetric: the pair, not its order, decides.
    assert_eq!(mix(7, 3, 9), mix(7, 9, 3));
    // Every pair of 60 people gets its own key, for two seeds, and the
    // seed changes every key.
    let mut seen = std::collections::HashSet::new();
    let mut ones = [0u32; 64];
    for a in 0..60 {
        for b in a + 1..60 {
            let key = mix(1, a, b);
            assert!(seen.insert(key), "two pairs share a tie key");
            assert_ne!(key, mix(2, a, b));
            for (bit, count) in ones.iter_mut().enumerate() {
                *count += ((key >> bit) & 1) as u32;
            }
        }
    }
    // Each bit is set in about half the keys (1,770 keys: 885 ± 15 %).
    for (bit, count) in ones.iter().enumerate() {
        assert!(
            (750..=1020).contains(count),
            "bit {bit} set in {count} keys"
        );
    }
    // Published plans (`tandem match --seed`) stay reproducible across
    // releases only if the key never changes: pinned values (computed
    // independently, in Python, from the SplitMix64 finalizer).
    assert_eq!(mix(0, 0, 1), 0x6885_0ac7_4e2e_5a26);
    assert_eq!(mix(42, 17, 5), 0xecb7_2124_8cb9_af51);
}

/// Ana and Ben teach each other; Cat can only meet Ana (Ben's level is too
/// far from hers). `cat_at` is Cat's place in the roster.
fn ana_ben_cat(cat_at: usize) -> (Roster, usize, usize, usize) {
    let mut people = vec![
        person("ana", "A", 3, &[0, 2], &[1]),
        person("ben", "B", 2, &[1], &[0, 2]),
    ];
    people.insert(cat_at, person("cat", "C", 5, &[2], &[0]));
    let at = |id: &str| people.iter().position(|p| p.id == id).unwrap();
    let (a, b, c) = (at("ana"), at("ben"), at("cat"));
    (
        Roster {
            people,
            skills: vec!["sql".into(), "rust".into(), "go".into()],
        },
        a,
        b,
        c,
    )
}

#[test]
fn whoever_goes_first_is_paired_even_at_a_cost() {
    let mut sit = rules();
    sit.odd_one_out = OddOneOut::SitOut;
    // Cat first and last in the roster: the bonus counts from either end
    // of an edge.
    for cat_at in [0, 2] {
        let (roster, ana, ben, cat) = ana_ben_cat(cat_at);
        let scorer = Scorer::new(&roster, &History::default(), sit.clone(), at());
        assert!(scorer.points(ana, ben) > scorer.points(ana, cat));
        assert_eq!(
            scorer.blocked(ben, cat),
            Some(tandem::pairing::score::Blocked::LevelGap)
        );
        let plan = plan_round(&scorer, &[0, 1, 2], 0);
        assert_eq!(plan.groups[0].members.len(), 2);
        assert!(
            plan.groups[0].members.contains(&ben),
            "the better pair, normally"
        );

        let mut scorer = Scorer::new(&roster, &History::default(), sit.clone(), at());
        scorer.give_priority(cat);
        let plan = plan_round(&scorer, &[0, 1, 2], 0);
        let mut pair = plan.groups[0].members.clone();
        pair.sort();
        let mut want = vec![ana, cat];
        want.sort();
        assert_eq!(pair, want, "cat_at {cat_at}: whoever goes first is placed");
        assert_eq!(plan.sat_out[0].person, ben);
        // Scores are the pair's points, not the bonus.
        assert_eq!(plan.groups[0].score, scorer.points(ana, cat));
        assert_eq!(plan.total, plan.groups[0].score);
    }
}

#[test]
fn those_who_waited_are_listed_first_among_those_who_sit_out() {
    // Zed and Yan can meet nobody (levels far from everyone's, and each
    // other's); Yan sat out last round.
    let mut roster = Roster {
        people: vec![
            person("ana", "A", 3, &[0], &[1]),
            person("ben", "B", 3, &[1], &[0]),
            person("yan", "C", 9, &[0], &[1]),
            person("zed", "D", 6, &[0], &[1]),
        ],
        skills: vec!["sql".into(), "rust".into()],
    };
    roster.people[3].level = 12;
    let mut history = History::default();
    history.push(vec![], vec!["yan".into()]);
    let scorer = Scorer::new(&roster, &history, rules(), at());
    let plan = plan_round(&scorer, &[0, 1, 2, 3], 0);
    let waiting: Vec<usize> = plan.sat_out.iter().map(|s| s.person).collect();
    assert_eq!(waiting, [2, 3], "yan waited last round, so yan comes first");
}

#[test]
fn the_odd_one_joins_the_pair_they_add_most_to_and_scores_add_up() {
    let mut rng = ChaCha8Rng::seed_from_u64(21);
    let mut trios = 0;
    for case in 0..60 {
        let n = 2 * rng.random_range(2..12) + 1;
        let mut roster = random_roster(&mut rng, n, 5);
        for p in &mut roster.people {
            p.timezone = "Europe/Berlin".parse().unwrap();
        }
        let scorer = Scorer::new(&roster, &History::default(), rules(), at());
        let everyone: Vec<usize> = (0..n).collect();
        let plan = plan_round(&scorer, &everyone, case);
        assert_eq!(plan.total, plan.groups.iter().map(|g| g.score).sum::<i64>());
        for g in &plan.groups {
            let m = &g.members;
            let pairwise: i64 = (0..m.len())
                .flat_map(|i| (i + 1..m.len()).map(move |j| (i, j)))
                .map(|(i, j)| scorer.points(m[i], m[j]))
                .sum();
            assert_eq!(
                g.score, pairwise,
                "case {case}: a group's score is its pairs' points"
            );
            if m.len() != 3 {
                continue;
            }
            trios += 1;
            let u = m[2];
            // The pairs u could have joined: every pair of the plan, and
            // the one it joined.
            let total = |a: usize, b: usize| Some(scorer.score(u, a)? + scorer.score(u, b)?);
            let joined = total(m[0], m[1]).expect("u may meet both");
            let best_other = plan
                .groups
                .iter()
                .filter(|o| o.members.len() == 2)
                .filter_map(|o| total(o.members[0], o.members[1]))
                .max()
                .unwrap_or(i64::MIN);
            assert!(
                joined >= best_other,
                "case {case}: joined {joined}, could add {best_other}"
            );
            // Its reason names the stronger of its two links.
            let (a, b) = (m[0], m[1]);
            let link = if scorer.points(u, a) >= scorer.points(u, b) {
                a
            } else {
                b
            };
            let expected = format!(
                "{} joins as a third: {}",
                scorer.person(u).name,
                scorer.reasons(u, link).join("; ")
            );
            assert!(
                g.reasons.contains(&expected),
                "case {case}: {:?}",
                g.reasons
            );
        }
    }
    assert!(
        trios >= 20,
        "only {trios} trios formed: the test needs more"
    );
}

#[test]
fn hard_limits_allow_exactly_the_limit() {
    use tandem::pairing::score::Blocked;
    let r = rules();
    assert_eq!(
        (r.max_level_gap, r.min_overlap_hours),
        (2, 2.0),
        "the defaults these cases use"
    );
    let zone = |p: &mut Person, z: &str| p.timezone = z.parse().unwrap();
    let mut people = vec![
        person("ana", "A", 3, &[0], &[1]),
        person("ben", "B", 5, &[1], &[0]), // two levels up: allowed
        person("cat", "C", 6, &[1], &[0]), // three: too far
        person("dan", "D", 3, &[1], &[0]),
        person("eve", "E", 3, &[1], &[0]),
    ];
    for p in &mut people[..3] {
        zone(p, "Europe/London"); // UTC+0 in November
    }
    zone(&mut people[3], "Asia/Dhaka"); // UTC+6: 2 shared hours, allowed
    zone(&mut people[4], "Asia/Bangkok"); // UTC+7: 1 hour, too few
    let roster = Roster {
        people,
        skills: vec!["sql".into(), "rust".into()],
    };
    let scorer = Scorer::new(&roster, &History::default(), r, at());
    assert_eq!(scorer.overlap_hours(0, 3), 2.0);
    assert_eq!(scorer.blocked(0, 1), None, "a gap of exactly max_level_gap");
    assert_eq!(scorer.blocked(0, 2), Some(Blocked::LevelGap));
    assert_eq!(scorer.blocked(0, 3), None, "exactly min_overlap_hours");
    assert_eq!(scorer.blocked(0, 4), Some(Blocked::TooLittleOverlap));
}

#[test]
fn a_pair_waits_exactly_no_repeat_rounds_and_only_that_pair_waits() {
    use tandem::pairing::score::Blocked;
    let roster = Roster {
        people: vec![
            person("ana", "A", 3, &[0], &[1]),
            person("ben", "B", 3, &[1], &[0]),
            person("cat", "C", 3, &[1], &[0]),
        ],
        skills: vec!["sql".into(), "rust".into()],
    };
    let r = rules();
    let wait = r.no_repeat_rounds;
    // Ana and Ben met in round 1; then rounds with other pairs followed.
    for later in 0..=wait {
        let mut history = History::default();
        history.push(vec![vec!["ana".into(), "ben".into()]], vec![]);
        for _ in 0..later {
            history.push(vec![vec!["ben".into(), "cat".into()]], vec![]);
        }
        let scorer = Scorer::new(&roster, &history, r.clone(), at());
        let ago = later + 1;
        let expected = (ago <= wait).then_some(Blocked::PairedRecently);
        assert_eq!(scorer.blocked(0, 1), expected, "{ago} rounds ago");
        // Ana never met Cat: no wait for them, whatever Ana's history.
        assert_eq!(scorer.blocked(0, 2), None);
    }
}

#[test]
fn a_long_do_not_pair_list_blocks_exactly_the_people_on_it_both_ways() {
    use tandem::pairing::score::Blocked;
    // The scorer checks a small filter of each list before the list
    // itself: twenty names set every bit of it, so for everyone else the
    // filter says "maybe" and only the list can say no.
    let mut people: Vec<Person> = (0..80)
        .map(|i| person(&format!("p{i}"), &format!("t{i}"), 3, &[0], &[1]))
        .collect();
    people[0].do_not_pair = (1..=20).map(|i| format!("p{i}")).collect();
    let roster = Roster {
        people,
        skills: vec!["s0".into(), "s1".into()],
    };
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    for other in 1..80 {
        let expected = (other <= 20).then_some(Blocked::DoNotPair);
        assert_eq!(scorer.blocked(0, other), expected, "p0 and p{other}");
        assert_eq!(scorer.blocked(other, 0), expected, "p{other} and p0");
    }
    // Nobody else is blocked by p0's list.
    assert_eq!(scorer.blocked(1, 2), None);
}

#[test]
fn skills_beyond_the_first_64_count_and_only_shared_ones_do() {
    // 70 skills: each person's skills take two 64-bit words.
    let skills: Vec<String> = (0..70).map(|i| format!("skill{i}")).collect();
    let roster = |ana_offers: &[usize], ben_wants: &[usize]| Roster {
        people: vec![
            person("cat", "C", 3, &[1], &[2]),
            person("ana", "A", 3, ana_offers, &[]),
            person("ben", "B", 3, &[], ben_wants),
        ],
        skills: skills.clone(),
    };
    let points = |r: &Roster| Scorer::new(r, &History::default(), rules(), at()).points(1, 2);
    let nothing = points(&roster(&[3], &[4]));
    let one_high = points(&roster(&[66], &[66]));
    assert!(one_high > nothing, "a shared skill above 64 counts");
    // Only the shared skill counts, not everything either mentions.
    assert_eq!(points(&roster(&[66, 5, 68], &[66, 7])), one_high);
    assert_eq!(
        points(&roster(&[66, 67], &[66, 67])),
        2 * one_high - nothing
    );
}

#[test]
fn points_follow_the_weights_term_by_term() {
    let r = rules();
    let w = r.weights.clone();
    // Points are hundredths.
    let pts = |x: f64| (x * 100.0).round() as i64;
    let london = |mut p: Person| {
        p.timezone = "Europe/London".parse().unwrap();
        p
    };
    let skills: Vec<String> = (0..6).map(|i| format!("s{i}")).collect();
    let score = |a: Person, b: Person, history: &History| {
        let roster = Roster {
            people: vec![london(a), london(b)],
            skills: skills.clone(),
        };
        Scorer::new(&roster, history, r.clone(), at()).points(0, 1)
    };
    let none = History::default();
    let full_day = w.overlap_per_hour * 8.0;

    // Each teaches the other one skill; different teams; same level.
    let mutual = score(
        person("ana", "A", 3, &[0], &[1]),
        person("ben", "B", 3, &[1], &[0]),
        &none,
    );
    assert_eq!(
        mutual,
        pts(w.teach * 2.0 + w.mutual_bonus + w.level_closeness + w.different_team + full_day)
    );
    // One way only: no mutual bonus; and teaching in the other direction
    // counts the same.
    let one_way = score(
        person("ana", "A", 3, &[0], &[4]),
        person("ben", "B", 3, &[5], &[0]),
        &none,
    );
    let other_way = score(
        person("ana", "A", 3, &[5], &[0]),
        person("ben", "B", 3, &[0], &[4]),
        &none,
    );
    let base = w.level_closeness + w.different_team + full_day;
    assert_eq!(one_way, pts(w.teach + base));
    assert_eq!(other_way, one_way);
    // Nothing to teach either way.
    let nothing = score(
        person("ana", "A", 3, &[0], &[1]),
        person("ben", "B", 3, &[2], &[3]),
        &none,
    );
    assert_eq!(nothing, pts(base));
    // A level apart: half the closeness (max gap 2).
    let apart = score(
        person("ana", "A", 3, &[0], &[1]),
        person("ben", "B", 4, &[2], &[3]),
        &none,
    );
    assert_eq!(
        apart,
        pts(w.level_closeness * 0.5 + w.different_team + full_day)
    );
    // Same team: no different-team reward; a team left blank earns none
    // either; same team and a shared want: the goal penalty.
    let same_team = score(
        person("ana", "A", 3, &[0], &[1]),
        person("ben", "A", 3, &[2], &[3]),
        &none,
    );
    assert_eq!(same_team, pts(w.level_closeness + full_day));
    for blank in ["", "  "] {
        let unknown = score(
            person("ana", blank, 3, &[0], &[1]),
            person("ben", "B", 3, &[2], &[3]),
            &none,
        );
        assert_eq!(unknown, pts(w.level_closeness + full_day), "team {blank:?}");
        let unknown = score(
            person("ana", "A", 3, &[0], &[1]),
            person("ben", blank, 3, &[2], &[3]),
            &none,
        );
        assert_eq!(unknown, pts(w.level_closeness + full_day), "team {blank:?}");
    }
    let rivals = score(
        person("ana", "A", 3, &[0], &[1]),
        person("ben", "A", 3, &[2], &[1]),
        &none,
    );
    assert_eq!(
        rivals,
        pts(w.level_closeness + full_day - w.same_team_goal_penalty)
    );
    // Met one round ago: the full repeat penalty; two rounds ago: half.
    let mut history = History::default();
    history.push(vec![vec!["ana".into(), "ben".into()]], vec![]);
    let met = |h: &History| {
        score(
            person("ana", "A", 3, &[0], &[1]),
            person("ben", "B", 3, &[2], &[3]),
            h,
        )
    };
    assert_eq!(met(&history), pts(base - w.repeat_penalty));
    history.push(vec![], vec![]);
    assert_eq!(met(&history), pts(base - w.repeat_penalty * 0.5));
}

#[test]
fn with_no_level_gap_allowed_only_equal_levels_are_close() {
    let mut r = rules();
    r.max_level_gap = 0;
    let w = r.weights.clone();
    let roster = Roster {
        people: vec![
            person("ana", "A", 3, &[0], &[1]),
            person("ben", "B", 3, &[2], &[3]),
            person("cat", "C", 4, &[2], &[3]),
        ],
        skills: (0..4).map(|i| format!("s{i}")).collect(),
    };
    let scorer = Scorer::new(&roster, &History::default(), r, at());
    let rest = w.different_team + w.overlap_per_hour * 8.0;
    assert_eq!(
        scorer.points(0, 1),
        ((w.level_closeness + rest) * 100.0).round() as i64
    );
    assert_eq!(scorer.points(0, 2), (rest * 100.0).round() as i64);
}

#[test]
fn reasons_say_exactly_why() {
    let zone = |mut p: Person, z: &str| {
        p.timezone = z.parse().unwrap();
        p
    };
    let reasons = |a: Person, b: Person, history: &History| {
        let roster = Roster {
            people: vec![a, b],
            skills: (0..4).map(|i| format!("s{i}")).collect(),
        };
        Scorer::new(&roster, history, rules(), at()).reasons(0, 1)
    };
    let none = History::default();
    assert_eq!(
        reasons(
            person("ana", "A", 3, &[0], &[1]),
            person("ben", "B", 3, &[1], &[0]),
            &none
        ),
        [
            "ana can help ben with s0; ben can help ana with s1",
            "different teams (A and B)",
            "same level (3)",
            "same working hours",
        ]
    );
    assert_eq!(
        reasons(
            zone(person("ana", "A", 3, &[2], &[1]), "Europe/London"),
            zone(person("ben", "", 4, &[1], &[3]), "Asia/Kolkata"),
            &none
        ),
        [
            "ben can help ana with s1",
            "similar level (3 and 4)",
            "2.5 h of shared working hours",
        ]
    );
    assert_eq!(
        reasons(
            zone(person("ana", "A", 3, &[0], &[2]), "Europe/London"),
            zone(person("ben", "A", 6, &[3], &[2]), "America/New_York"),
            &none
        ),
        [
            "3 h of shared working hours",
            "same team and both learning s2"
        ]
    );
    assert_eq!(
        reasons(
            zone(person("ana", "A", 3, &[0], &[1]), "Europe/London"),
            zone(person("ben", "B", 5, &[2], &[3]), "Pacific/Auckland"),
            &none
        ),
        ["different teams (A and B)", "similar level (3 and 5)"]
    );
    // The most recent time they met.
    let mut history = History::default();
    for groups in [
        vec![vec!["ana".into(), "ben".into()]],
        vec![],
        vec![vec!["ben".into(), "ana".into()]],
        vec![],
    ] {
        history.push(groups, vec![]);
    }
    let got = reasons(
        person("ana", "A", 3, &[0], &[1]),
        person("ben", "A", 3, &[2], &[3]),
        &history,
    );
    assert_eq!(
        got,
        [
            "same level (3)",
            "same working hours",
            "paired before, 2 rounds ago"
        ]
    );
}

#[test]
fn shared_hours_match_real_clocks_for_zones_all_round_the_world() {
    let zones = [
        "Europe/London",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Asia/Dhaka",
        "Asia/Tokyo",
        "Pacific/Auckland",
        "America/New_York",
        "America/Los_Angeles",
        "America/Sao_Paulo",
        "Pacific/Honolulu",
    ];
    let people: Vec<Person> = zones
        .iter()
        .map(|z| {
            let mut p = person(z, "T", 3, &[0], &[0]);
            p.timezone = z.parse().unwrap();
            p
        })
        .collect();
    let roster = Roster {
        people: people.clone(),
        skills: vec!["s".into()],
    };
    let scorer = Scorer::new(&roster, &History::default(), rules(), at());
    for a in 0..zones.len() {
        for b in 0..zones.len() {
            assert_eq!(
                scorer.overlap_hours(a, b),
                shared_working_hours(&people[a], &people[b]),
                "{} and {}",
                zones[a],
                zones[b]
            );
        }
    }
}

#[test]
fn up_to_k_plus_extras_plus_one_people_keep_every_pair_even_where_pruning_would_drop_some() {
    use tandem::pairing::round::EXTRA_CANDIDATES;
    let k = 6;
    let mut rng = ChaCha8Rng::seed_from_u64(33);
    let mut pruning_would_drop = 0;
    for seed in 0..150 {
        for n in [k + EXTRA_CANDIDATES, k + EXTRA_CANDIDATES + 1] {
            let roster = random_roster(&mut rng, n, 4);
            let mut r = rules();
            r.candidates_per_person = k;
            r.max_level_gap = 5;
            let scorer = Scorer::new(&roster, &History::default(), r, at());
            let everyone: Vec<usize> = (0..n).collect();
            let mut all = Vec::new();
            for a in 0..n {
                for b in a + 1..n {
                    if let Some(s) = scorer.score(a, b) {
                        all.push((a, b, s));
                    }
                }
            }
            if expected_candidates(&scorer, n, k, seed) != all {
                pruning_would_drop += 1;
            }
            assert_eq!(
                candidate_edges(&scorer, &everyone, seed),
                all,
                "n={n} seed={seed}"
            );
        }
    }
    assert!(
        pruning_would_drop > 0,
        "no case where the size threshold matters"
    );
}
