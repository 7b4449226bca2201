//! Scanning an OUTER vertex's edges only as far as they can matter yet.
//!
//! Every vertex dual starts at `max_weight` and falls only while its
//! vertex is OUTER, by exactly the dual change, so no vertex dual is ever
//! below `max_weight − total`. An edge of weight `w` from OUTER vertex `v`
//! (dual `dv`) therefore has a slack of at least `dv + max_weight − total
//! − 2w` now, and that bound falls by 2 a unit of dual change at most
//! (both ends falling): until it has run out the edge cannot be tight,
//! and nothing about it can decide the next dual change. A vertex's
//! edges are kept heaviest first, so a scan stops at the first edge with
//! a positive bound — every edge after it is as light or lighter — and
//! queues the vertex to go on from there when that bound runs out
//! (`resume_queue`, keyed like the other queues by the `total` it falls
//! due at, which is exact while `v` stays OUTER).
//!
//! Most of those edges are never looked at: the vertex's tree augments
//! and is taken apart first (and taking it apart reads every edge of its
//! vertices anyway), or the matching is done. On the 100,000-member
//! skewed round, 20.7 M of the 32.4 M edges scanned had a positive bound
//! when scanned, and only 1.4 M of those fell due while their vertex was
//! still OUTER (10,000 members: 1.53 M of 1.97 M, 0.10 M) — and each of
//! the others was a read of its far end's records at random.
//!
//! An entry is dropped when its vertex is no longer in a growing tree or
//! has been scanned afresh since (labelled OUTER again after its tree was
//! taken apart): `scan_round` counts each vertex's fresh scans.

use super::records::{Neighbour, Resume};
use super::threads::{side_by_side, threads_for};
use super::Solver;
use std::cmp::Reverse;

impl Solver {
    /// Orders each vertex's edges heaviest first (ties by far endpoint,
    /// so the order never depends on the sort). A large graph's vertices
    /// are sorted in two halves on two threads: millions of short sorts
    /// (at 100,000 members, a tenth of a second on one core), each on its
    /// own vertex's edges.
    pub(super) fn order_heaviest_first(&mut self) {
        self.order_heaviest_first_on(threads_for(self.edges.len()));
    }

    /// [`Self::order_heaviest_first`] on one thread or two: the same order.
    fn order_heaviest_first_on(&mut self, threads: usize) {
        let mut neighbours = std::mem::take(&mut self.neighbours);
        let (first, edges) = (&self.first_neighbour, &self.edges);
        // Sorts the lists of `vertices`, which start at `offset` in `lists`.
        let sort = |vertices: std::ops::Range<usize>, lists: &mut [Neighbour]| {
            let offset = first[vertices.start];
            for v in vertices {
                lists[first[v] - offset..first[v + 1] - offset]
                    .sort_unstable_by_key(|&x| (Reverse(x.weight_in(edges)), x.endpoint));
            }
        };
        let n = self.n;
        if threads < 2 {
            sort(0..n, &mut neighbours);
        } else {
            let half = n / 2;
            let (low, high) = neighbours.split_at_mut(first[half]);
            side_by_side(|| sort(0..half, low), || sort(half..n, high));
        }
        self.neighbours = neighbours;
    }

    /// Scans OUTER vertex `v`'s edges, freshly labelled: any entry it has
    /// in `resume_queue` is for its last time OUTER. Whether it augmented.
    pub(super) fn scan(&mut self, v: usize) -> bool {
        self.work.scans += 1;
        self.scan_round[v] = self.scan_round[v].wrapping_add(1);
        self.scan_from(v, self.first_neighbour[v])
    }

    /// Scans OUTER vertex `v`'s edges from position `from` (into
    /// `neighbours`): labels, blossoms, augmentations on tight edges, and
    /// least-slack edges for the next dual change — up to the first edge
    /// that cannot be tight yet, where `v` is queued to go on later.
    /// Whether it augmented.
    pub(super) fn scan_from(&mut self, v: usize, from: usize) -> bool {
        // (`v`'s dual cannot change during the scan: no dual change
        // happens, and a blossom formed keeps every vertex's dual.)
        let dv = self.vertex_dual(v);
        let end = self.first_neighbour[v + 1];
        self.prefetch_first_far_ends(from, end);
        for idx in from..end {
            self.prefetch_far_end_ahead(idx, end);
            let x = self.neighbours[idx];
            let bound = self.slack_bound(dv, x);
            if bound > 0 {
                let entry = Resume {
                    // (Fits: `Solver::new` checks.)
                    vertex: v as u32,
                    at: idx as u32,
                    round: self.scan_round[v],
                };
                self.resume_queue
                    .push(self.when_bound_runs_out(bound), entry);
                return false;
            }
            let weight = self.neighbour_weight(x);
            if self.edge(v, dv, x.endpoint as usize, x.vertex as usize, weight) {
                return true;
            }
        }
        false
    }

    /// Whether `entry` still stands for the rest of a scan: its vertex is
    /// in a growing tree and has not been scanned afresh since. (Read
    /// mid-sweep too, so a tree that augmented this sweep counts as gone.)
    pub(super) fn resume_stands(&self, entry: Resume) -> bool {
        let v = entry.vertex as usize;
        self.scan_round[v] == entry.round && self.is_outer(v) && !self.in_dead_tree(v)
    }

    /// When `entry`'s scan goes on: exactly at its key while it stands
    /// (see the module comment).
    pub(super) fn resume_due(&mut self, entry: Resume) -> Option<i64> {
        if !self.resume_stands(entry) {
            return None;
        }
        let v = entry.vertex as usize;
        let x = self.neighbours[entry.at as usize];
        let bound = self.slack_bound(self.vertex_dual(v), x);
        Some(self.when_bound_runs_out(bound))
    }

    /// A lower bound on the slack of neighbour record `x`'s edge from a
    /// vertex whose dual is `dv`, without reading the far end (see the
    /// module comment).
    pub(super) fn slack_bound(&self, dv: i64, x: Neighbour) -> i64 {
        dv + self.max_weight - self.total - 2 * self.neighbour_weight(x)
    }

    /// The `total` at which a slack bound of `bound` now may have run out:
    /// half of it (both ends' duals may fall) from now, rounded up — before
    /// that the slack is still positive; now if it is not positive.
    fn when_bound_runs_out(&self, bound: i64) -> i64 {
        self.total + (bound.max(0) + 1) / 2
    }
}

#[cfg(test)]
mod tests {
    use super::super::Solver;

    #[test]
    fn two_threads_order_every_vertex_s_edges_as_one_does() {
        let n = 200;
        let edges: Vec<(usize, usize, i64)> = (0..n)
            .flat_map(|a| {
                (1..12).map(move |d| (a, (a + d * 7) % n, ((a * 31 + d * 17) % 9) as i64))
            })
            .filter(|&(a, b, _)| a < b)
            .collect();
        let mut one = Solver::new(n, edges.clone(), true);
        let mut two = Solver::new(n, edges, true);
        one.order_heaviest_first_on(1);
        two.order_heaviest_first_on(2);
        let records = |s: &Solver| -> Vec<(u32, u32, i32)> {
            s.neighbours
                .iter()
                .map(|x| (x.endpoint, x.vertex, x.weight))
                .collect()
        };
        assert_eq!(records(&one), records(&two));
        for v in 0..n {
            let list = &one.neighbours[one.first_neighbour[v]..one.first_neighbour[v + 1]];
            assert!(
                list.windows(2).all(|w| w[0].weight >= w[1].weight),
                "vertex {v}'s edges are heaviest first"
            );
        }
    }
}
