//! Numbering the vertices so that neighbours sit near each other in memory.
//!
//! Nearly every edge the solver looks at reads its far end's records (set,
//! dual, label, best edge) at random. On a 100,000-member round each of
//! those arrays is far larger than a core's cache, and in roster order a
//! vertex's neighbours are scattered over all of it. Numbered in
//! breadth-first order, a vertex's neighbours fall mostly in a few runs of
//! nearby numbers: on the 100,000-member skewed round the matching took a
//! fifth less time for 3 % more work (`BENCHMARKS.md`, session 13). Below
//! [`RENUMBER_FROM`] vertices the arrays fit in cache anyway, and the
//! order is left as given.

use super::records::adjacency;
use super::threads::{side_by_side, threads_for};

/// Graphs with at least this many vertices are renumbered.
pub(super) const RENUMBER_FROM: usize = 4000;

/// Renumbers the vertices of `edges` (each `(a, b, w)` with `a < b`, no
/// pair twice) in breadth-first order, keeping each edge's ends in order
/// and the list sorted. Returns `order`: the vertex numbered `i` was
/// `order[i]`.
pub(super) fn renumber(n: usize, edges: &mut [(usize, usize, i64)]) -> Vec<u32> {
    let order = breadth_first(n, edges);
    let mut number = vec![0u32; n];
    for (i, &v) in order.iter().enumerate() {
        number[v as usize] = i as u32; // (fits: `Solver::new` checks n)
    }
    for e in edges.iter_mut() {
        let (a, b) = (number[e.0] as usize, number[e.1] as usize);
        (e.0, e.1) = (a.min(b), a.max(b));
    }
    // In order, so that a vertex's edges are numbered together too (the
    // solver reads an edge's record by its number).
    sort_by_ends(n, edges, threads_for(edges.len()));
    order
}

/// Sorts `edges` (ends below `n`, no pair twice) by their ends, on one
/// thread or two: the edges whose first end is below a split vertex, and
/// the others, sorted each on its own (at 100,000 members, 3.5 million
/// edges took a tenth of a second on one core). The order is the same
/// either way: no two edges have the same ends.
fn sort_by_ends(n: usize, edges: &mut [(usize, usize, i64)], threads: usize) {
    if threads < 2 || edges.is_empty() {
        edges.sort_unstable_by_key(|e| (e.0, e.1));
        return;
    }
    // The split: about half the edges below it, found from a histogram of
    // first ends in 64 ranges of vertices.
    const RANGES: usize = 64;
    let width = n.div_ceil(RANGES).max(1);
    let mut counts = [0usize; RANGES];
    for e in edges.iter() {
        counts[e.0 / width] += 1;
    }
    let (mut split, mut below) = (0, 0);
    for count in counts {
        if 2 * (below + count) > edges.len() {
            break;
        }
        below += count;
        split += width;
    }
    // Those below the split to the front (in place, in one pass).
    let (mut i, mut j) = (0, edges.len());
    while i < j {
        if edges[i].0 < split {
            i += 1;
        } else {
            j -= 1;
            edges.swap(i, j);
        }
    }
    let (low, high) = edges.split_at_mut(i);
    side_by_side(
        || low.sort_unstable_by_key(|e| (e.0, e.1)),
        || high.sort_unstable_by_key(|e| (e.0, e.1)),
    );
}

/// Mates found on the renumbered graph, in the caller's numbering.
pub(super) fn restore(order: &[u32], mates: Vec<Option<usize>>) -> Vec<Option<usize>> {
    let mut out = vec![None; mates.len()];
    for (i, mate) in mates.into_iter().enumerate() {
        out[order[i] as usize] = mate.map(|j| order[j] as usize);
    }
    out
}

/// Every vertex once, breadth first from the least vertex of each
/// component in turn, neighbours in the order the edges list them.
fn breadth_first(n: usize, edges: &[(usize, usize, i64)]) -> Vec<u32> {
    // (`u32`: a 100,000-member round has 7 million entries.)
    let (first, adjacent) = adjacency(n, edges, |e| e, |_, vertex, _| vertex as u32);
    let mut seen = vec![false; n];
    let mut order: Vec<u32> = Vec::with_capacity(n);
    for start in 0..n {
        if seen[start] {
            continue;
        }
        seen[start] = true;
        let mut head = order.len();
        order.push(start as u32);
        while head < order.len() {
            let v = order[head] as usize;
            head += 1;
            for &u in &adjacent[first[v]..first[v + 1]] {
                if !seen[u as usize] {
                    seen[u as usize] = true;
                    order.push(u);
                }
            }
        }
    }
    order
}

#[cfg(test)]
mod tests {
    use super::super::{matching_weight, solve_numbered};
    use super::*;

    #[test]
    fn breadth_first_lists_every_vertex_once_component_by_component() {
        // Two components (0–3–1 and 2–4) and a vertex with no edge (5).
        let edges = [(0, 3, 1), (1, 3, 1), (2, 4, 1)];
        assert_eq!(breadth_first(6, &edges), vec![0, 3, 1, 2, 4, 5]);
    }

    #[test]
    fn renumbering_keeps_edges_in_order_and_restore_undoes_it() {
        let mut edges = vec![(0, 3, 5), (1, 3, 6), (2, 4, 7)];
        let order = renumber(5, &mut edges);
        assert_eq!(order, vec![0, 3, 1, 2, 4]);
        // 0 → 0, 3 → 1, 1 → 2, 2 → 3, 4 → 4.
        assert_eq!(edges, vec![(0, 1, 5), (1, 2, 6), (3, 4, 7)]);
        let mates = vec![Some(1), Some(0), None, Some(4), Some(3)];
        assert_eq!(
            restore(&order, mates),
            vec![Some(3), None, Some(4), Some(0), Some(2)]
        );
    }

    #[test]
    fn two_threads_sort_the_edges_as_one_does() {
        let n = 1000;
        let mut edges: Vec<(usize, usize, i64)> = (0..n)
            .flat_map(|a| (1..9).map(move |d| (a, (a * 7 + d * 131) % n, d as i64)))
            .filter(|&(a, b, _)| a < b)
            .collect();
        edges.reverse();
        let mut one = edges.clone();
        sort_by_ends(n, &mut one, 1);
        sort_by_ends(n, &mut edges, 2);
        assert_eq!(one, edges);
        assert!(one.is_sorted_by_key(|e| (e.0, e.1)));
    }

    /// A sparse random graph above the threshold with few distinct
    /// weights (many ties, as rounds have): renumbered or not, the solver
    /// finds a matching of the same size and the same weight.
    #[test]
    fn renumbered_graphs_match_as_well_as_the_given_order() {
        let n = RENUMBER_FROM + 1001;
        let mut state = 0x2545_f491_4f6c_dd1du64;
        let mut next = move |below: u64| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state % below
        };
        let mut edges = Vec::new();
        for a in 0..n {
            for _ in 0..6 {
                let b = next(n as u64) as usize;
                edges.push((a, b, 100 + 10 * next(8) as i64));
            }
        }
        for max_cardinality in [true, false] {
            let (plain, _) = solve_numbered(n, edges.clone(), max_cardinality, false);
            let (renumbered, _) = solve_numbered(n, edges.clone(), max_cardinality, true);
            assert_ne!(plain, renumbered, "ties should be broken differently");
            for mates in [&plain, &renumbered] {
                for (v, m) in mates.iter().enumerate() {
                    if let Some(u) = *m {
                        assert_eq!(mates[u], Some(v), "mates are mutual");
                    }
                }
            }
            let size = |m: &[Option<usize>]| m.iter().flatten().count();
            assert_eq!(size(&plain), size(&renumbered));
            assert_eq!(
                matching_weight(&plain, &edges),
                matching_weight(&renumbered, &edges)
            );
        }
    }
}
