//! Matching speed: `cargo bench --bench matching [-- FILTER] [--runs N]
//! [--python PATH] [--lemon PATH] [--graph FILE]`. Times Tandem's solver and, on the same graphs in the
//! same run, the `mwmatching` crate (van Rantwijk's algorithm in Rust) and —
//! when a Python with rustworkx and networkx is given
//! (`scripts/bench-peers.sh` makes one) — rustworkx, and networkx for
//! n ≤ 500 — and, given `--lemon PATH` (the C++ driver
//! `benches/lemon_peer.cpp`, which `scripts/bench-peers.sh` builds when
//! liblemon-dev is installed), LEMON's `MaxWeightedMatching`. Every time is
//! the median of `--runs` runs (default 5); each
//! peer is timed on its solve alone (input already in its own format).
//! Prints times and ratios, and checks every peer found the same optimum.
//! `--graph FILE` also times a graph from a file in the LEMON driver's
//! format (`n m`, then `a b w` per edge).
//!
//! `TANDEM_BENCH_SMOKE=1` (what `scripts/test.sh` sets for
//! `cargo test --benches`) runs small graphs once: the agreement checks
//! run in CI, the timings mean nothing there.

#[path = "support/mod.rs"]
mod support;

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha8Rng;
use std::time::Instant;

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

/// Worst cases for a primal-dual blossom method: all weights equal (every
/// edge ties), one long odd cycle (one huge blossom), and a chain of
/// triangles whose links weigh a little more each (blossoms inside
/// blossoms).
fn equal_weights(n: usize, seed: u64) -> Edges {
    sparse(n, 18, seed)
        .into_iter()
        .map(|(a, b, _)| (a, b, 7))
        .collect()
}

fn odd_cycle(n: usize) -> Edges {
    let n = n | 1;
    (0..n)
        .map(|i| (i.min((i + 1) % n), i.max((i + 1) % n), 10))
        .collect()
}

fn triangle_chain(triangles: usize) -> Edges {
    let mut e = Vec::new();
    for t in 0..triangles {
        let (a, b, c) = (3 * t, 3 * t + 1, 3 * t + 2);
        e.extend([(a, b, 100), (b, c, 100), (a, c, 100)]);
        if t + 1 < triangles {
            e.push((c, 3 * t + 3, 100 + (t as i64 % 50)));
        }
    }
    e
}

/// The `mwmatching` crate's input: built before timing, so only its solve
/// is measured.
fn oracle_input(edges: &Edges) -> Vec<(usize, usize, i32)> {
    edges.iter().map(|e| (e.0, e.1, e.2 as i32)).collect()
}

fn oracle(input: Vec<(usize, usize, i32)>) -> Vec<Option<usize>> {
    mwmatching::Matching::new(input)
        .solve()
        .into_iter()
        .map(|u| (u != mwmatching::SENTINEL).then_some(u))
        .collect()
}

/// Runs the Python peers on `edges`; their (name, seconds) pairs.
fn python_peers(
    python: &str,
    n: usize,
    edges: &Edges,
    expected: i64,
    runs: usize,
) -> Vec<(&'static str, f64)> {
    let script = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/peers.py");
    let runs = runs.to_string();
    let json = support::run_peer(python, &[script, support::GRAPH, "500", &runs], n, edges);
    let mut peers = Vec::new();
    for name in ["rustworkx", "networkx"] {
        if let Some(secs) = json[format!("{name}_s")].as_f64() {
            assert_eq!(
                json[format!("{name}_weight")].as_i64(),
                Some(expected),
                "{name} disagrees"
            );
            peers.push((name, secs));
        }
    }
    peers
}

fn run_with(name: &str, n: usize, edges: &Edges, with_oracle: bool, options: &Options) {
    let runs = options.runs;
    let (ours, t_ours) = support::median_time(runs, || max_weight_matching(n, edges));
    let (card, t_card) =
        support::median_time(runs, || max_weight_max_cardinality_matching(n, edges));
    assert!(
        card.iter().filter(|m| m.is_some()).count() >= ours.iter().filter(|m| m.is_some()).count()
    );
    print!(
        "{name:<34} n={n:>6} m={:>8}  tandem {:>8.3}s  (max-card {:>8.3}s)",
        edges.len(),
        t_ours.as_secs_f64(),
        t_card.as_secs_f64()
    );
    if with_oracle {
        let mut times = Vec::new();
        let mut theirs = Vec::new();
        for _ in 0..runs.max(1) {
            let input = oracle_input(edges);
            let start = Instant::now();
            theirs = oracle(input);
            times.push(start.elapsed());
        }
        times.sort();
        let t_theirs = times[times.len() / 2];
        theirs.resize(n, None);
        assert_eq!(
            matching_weight(&ours, edges),
            matching_weight(&theirs, edges),
            "mwmatching found another optimum"
        );
        print!(
            "  mwmatching {:>8.3}s  ratio {:>5.1}x",
            t_theirs.as_secs_f64(),
            t_theirs.as_secs_f64() / t_ours.as_secs_f64()
        );
    }
    if let Some(lemon) = &options.lemon {
        let secs = support::lemon_seconds(lemon, n, edges, matching_weight(&ours, edges), runs);
        print!(
            "  LEMON {secs:>8.3}s  ratio {:>5.2}x",
            secs / t_ours.as_secs_f64()
        );
    }
    if let Some(python) = &options.python {
        let weight = matching_weight(&ours, edges);
        for (peer, secs) in python_peers(python, n, edges, weight, runs) {
            print!(
                "  {peer} {secs:>8.3}s  ratio {:>6.1}x",
                secs / t_ours.as_secs_f64()
            );
        }
    }
    println!();
}

struct Options {
    runs: usize,
    python: Option<String>,
    lemon: Option<String>,
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let python = support::flag_value(&args, "--python");
    let runs = support::runs(&args, 5);
    let filter = support::filter(&args);
    let want = |name: &str| filter.as_deref().is_none_or(|f| name.contains(f));
    let lemon = support::flag_value(&args, "--lemon");
    if lemon.is_none() {
        println!("LEMON: not compared (no --lemon; scripts/bench-peers.sh builds the driver when liblemon-dev is installed)");
    }
    let options = Options {
        runs,
        python,
        lemon,
    };
    let (complete_sizes, sparse_sizes): (&[usize], &[usize]) = if support::smoke() {
        (&[30, 80], &[300])
    } else {
        (&[200, 500, 1000], &[1000, 2000, 10_000])
    };
    if want("complete") {
        for &n in complete_sizes {
            run_with(
                "complete, weights 1-1000",
                n,
                &complete(n, n as u64),
                true,
                &options,
            );
        }
    }
    if want("sparse") {
        for &n in sparse_sizes {
            let edges = sparse(n, 18, n as u64);
            run_with("sparse ~36 edges/person", n, &edges, n <= 2000, &options);
        }
    }
    if let Some(path) = support::flag_value(&args, "--graph") {
        let (n, edges) = support::read_graph(&path);
        run_with(&format!("graph {path}"), n, &edges, false, &options);
    }
    if want("worst") {
        let (n, cycle, triangles) = if support::smoke() {
            (300, 301, 100)
        } else {
            (10_000, 100_001, 10_000)
        };
        let small = support::smoke();
        run_with(
            "worst: all weights equal",
            n,
            &equal_weights(n, 3),
            small,
            &options,
        );
        run_with(
            "worst: one odd cycle",
            cycle | 1,
            &odd_cycle(cycle),
            small,
            &options,
        );
        run_with(
            "worst: chain of triangles",
            3 * triangles,
            &triangle_chain(triangles),
            small,
            &options,
        );
    }
}
