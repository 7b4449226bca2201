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
use super::{Solver, OUTER};

impl Solver {
    /// Orders each vertex's edges heaviest first (ties by far endpoint,
    /// so the order never depends on the sort).
    pub(super) fn order_heaviest_first(&mut self) {
        let mut neighbours = std::mem::take(&mut self.neighbours);
        for v in 0..self.n {
            let list = &mut neighbours[self.first_neighbour[v]..self.first_neighbour[v + 1]];
            list.sort_unstable_by_key(|&x: &Neighbour| {
                (std::cmp::Reverse(self.neighbour_weight(x)), x.endpoint)
            });
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
        let least_dual = self.max_weight - self.total;
        for idx in from..self.first_neighbour[v + 1] {
            let x = self.neighbours[idx];
            let weight = self.neighbour_weight(x);
            let bound = dv + least_dual - 2 * weight;
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
        self.scan_round[v] == entry.round
            && self.label[self.top(v)] == OUTER
            && !self.in_dead_tree(v)
    }

    /// When `entry`'s scan goes on: exactly at its key while it stands
    /// (see the module comment).
    pub(super) fn resume_due(&mut self, entry: Resume) -> Option<i64> {
        if !self.resume_stands(entry) {
            return None;
        }
        let v = entry.vertex as usize;
        let x = self.neighbours[entry.at as usize];
        let bound =
            self.vertex_dual(v) + self.max_weight - self.total - 2 * self.neighbour_weight(x);
        Some(self.when_bound_runs_out(bound))
    }

    /// The `total` at which a slack bound of `bound` now may have run out:
    /// half of it (both ends' duals may fall) from now, rounded up — before
    /// that the slack is still positive; now if it is not positive.
    fn when_bound_runs_out(&self, bound: i64) -> i64 {
        self.total + (bound.max(0) + 1) / 2
    }
}
