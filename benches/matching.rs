//! Matching speed: `cargo bench --bench matching`.
//! Times Tandem's solver and, on the same graphs in the same run, the
//! `mwmatching` crate (van Rantwijk's algorithm in Rust). Prints ratios.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::{Duration, Instant};
use tandem::pairing::{matching_weight, max_weight_matching, max_weight_max_cardinality_matching};

type Edges = Vec<(usize, usize, i64)>;

fn complete(n: usize, seed: u64) -> Edges {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut e = Vec::with_capacity(n * (n - 1) / 2);
    for a in 0..n {
        for b in a + 1..n {
            e.push((a, b, rng.random_range(1..=1000)));
        }
    }
    e
}

/// Each vertex proposes `per` random partners (about 2·per edges each).
fn sparse(n: usize, per: usize, seed: u64) -> Edges {
    let mut rng = ChaCha8Rng::seed_from_u64(seed);
    let mut e = Vec::with_capacity(n * per);
    for a in 0..n {
        for _ in 0..per {
            let b = rng.random_range(0..n);
            if a != b {
                e.push((a.min(b), a.max(b), rng.random_range(1..=1000)));
            }
        }
    }
    e.sort_unstable();
    e.dedup_by(|x, y| x.0 == y.0 && x.1 == y.1);
    e
}

fn time<T>(f: impl FnOnce() -> T) -> (T, Duration) {
    let start = Instant::now();
    let out = f();
    (out, start.elapsed())
}

fn oracle(edges: &Edges, max_card: bool) -> Vec<Option<usize>> {
    let input: Vec<(usize, usize, i32)> = edges.iter().map(|e| (e.0, e.1, e.2 as i32)).collect();
    let mut m = mwmatching::Matching::new(input);
    if max_card {
        m.max_cardinality();
    }
    m.solve()
        .into_iter()
        .map(|u| (u != mwmatching::SENTINEL).then_some(u))
        .collect()
}

fn run(name: &str, n: usize, edges: &Edges, with_oracle: bool) {
    let (ours, t_ours) = time(|| max_weight_matching(n, edges));
    let (_, t_card) = time(|| max_weight_max_cardinality_matching(n, edges));
    print!(
        "{name:<34} n={n:>6} m={:>8}  tandem {:>8.3}s  (max-card {:>8.3}s)",
        edges.len(),
        t_ours.as_secs_f64(),
        t_card.as_secs_f64()
    );
    if with_oracle {
        let (theirs, t_theirs) = time(|| oracle(edges, false));
        let mut theirs = theirs;
        theirs.resize(n, None);
        assert_eq!(
            matching_weight(&ours, edges),
            matching_weight(&theirs, edges)
        );
        print!(
            "  mwmatching {:>8.3}s  ratio {:>5.1}x",
            t_theirs.as_secs_f64(),
            t_theirs.as_secs_f64() / t_ours.as_secs_f64()
        );
    }
    println!();
}

fn main() {
    let filter = std::env::args().nth(1).filter(|a| !a.starts_with('-'));
    let want = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    if want("complete") {
        for n in [200, 500, 1000] {
            run("complete, weights 1-1000", n, &complete(n, n as u64), true);
        }
    }
    if want("sparse") {
        for n in [1000, 2000, 10_000] {
            run(
                "sparse ~36 edges/person",
                n,
                &sparse(n, 18, n as u64),
                n <= 2000,
            );
        }
    }
}
