//! Keeping the alternating forest across augmentations: when a sweep
//! augments, only the trees of the augmenting paths are taken apart, and
//! what the other trees noted about them is worked out again from their
//! edges alone (rebuilding every tree after each sweep made large sparse
//! graphs slow). Plus the small edge helpers this needs.

use super::prefetch::AHEAD_VERTICES;
use super::threads::{side_by_side, threads_for};
use super::{Solver, FREE, INNER, NONE, OUTER};

/// How many vertices freed at once make reading their edges worth a
/// second thread: starting one costs tens of microseconds, about what
/// reading a few hundred vertices' edges does.
const TWO_THREADS_FROM_VERTICES: usize = 2048;

/// From how many vertices freed at once their edges are read on two
/// threads, on a graph of `edges` edges: never on one too small for the
/// set-up's sorts to use two (`threads_for`).
pub(super) fn split_freed_from(edges: usize) -> usize {
    if threads_for(edges) < 2 {
        usize::MAX
    } else {
        TWO_THREADS_FROM_VERTICES
    }
}

/// A vertex's least-slack edge to an OUTER vertex, with what it takes to
/// compare it against another edge without reading it: on a large round
/// the edge record and its far end's dual are two cache misses, for each
/// of tens of millions of edges scanned.
#[derive(Clone, Copy)]
pub(super) struct Best {
    /// The edge, or `u32::MAX` for none.
    pub(super) edge: u32,
    /// Its slack plus `total` minus this vertex's dual, when noted: the far
    /// end's dual falls exactly as `total` grows while it stays OUTER, so
    /// this does not change while it does. Once the far end stops being
    /// OUTER (its tree augmented and was taken apart, say) the true key
    /// only grows — no dual falls faster than an OUTER one — so this one
    /// is a lower bound: every edge compared against it since was no
    /// better than it then, and none is now. So a best edge is never
    /// dropped when its far end's tree is taken apart (reading each
    /// neighbour's best edge there was a twentieth of a 100,000-member
    /// round); it is checked when used (`best_is_current`) and worked out
    /// again from the vertex's edges if it has fallen behind.
    pub(super) key: i64,
}

impl Best {
    pub(super) const NO_EDGE: Best = Best {
        edge: u32::MAX,
        key: 0,
    };

    /// No edge: nothing to queue the vertex for.
    pub(super) fn is_empty(&self) -> bool {
        self.edge == u32::MAX
    }

    pub(super) fn edge(&self) -> usize {
        if self.edge == u32::MAX {
            NONE
        } else {
            self.edge as usize
        }
    }
}

impl Solver {
    /// Edge `k`, of slack `slack`, joins vertex `w` (not labelled itself)
    /// to an OUTER vertex: the least-slack such edge of `w` is kept (and
    /// queued, while `w` is free) for the next dual change.
    pub(super) fn note_free_edge(&mut self, w: usize, k: usize, slack: i64) {
        let best = self.slots[w].best;
        let record = self.best_record(w, k, slack);
        if best.edge() == NONE || record.key < best.key {
            self.slots[w].best = record;
            self.note_best_in_set(w);
            if self.label[self.top(w)] == FREE {
                self.queue_free(self.total + slack, w);
            }
        }
    }

    /// Edge `k`, of slack `slack` now, as vertex `w`'s best edge: two
    /// edges of `w` compare by their keys, at any later time.
    fn best_record(&self, w: usize, k: usize, slack: i64) -> Best {
        Best {
            edge: k as u32, // (fits: `Solver::new` checks)
            key: slack + self.total - self.vertex_dual(w),
        }
    }

    /// Whether vertex `w`'s best edge is still its least-slack edge to a
    /// living OUTER vertex: its far end is one, and its key has not grown
    /// since it was noted (see `Best::key`). Reads the edge.
    pub(super) fn best_is_current(&self, w: usize) -> bool {
        let best = self.slots[w].best;
        let e = best.edge();
        e != NONE
            && self.live_outer(self.other_end(e, w))
            && self.best_record(w, e, self.slack(e)).key == best.key
    }

    /// The end of `k` that is not vertex `v`.
    pub(super) fn other_end(&self, k: usize, v: usize) -> usize {
        let i = self.end(2 * k);
        if i == v {
            self.end(2 * k + 1)
        } else {
            i
        }
    }

    /// A tight edge toward endpoint `p` was dropped because its OUTER end's
    /// tree augmented first: if it came from the far end's queue entry, that
    /// entry is gone, so a free far end is queued again (now: a lower
    /// bound, its best edge is checked when it comes up).
    pub(super) fn requeue_free_end(&mut self, p: usize) {
        let w = self.end(p);
        if self.label[self.top(w)] == FREE && !self.slots[w].best.is_empty() {
            self.queue_free(self.total, w);
        }
    }

    /// Whether `x` is in a top-level OUTER blossom of a tree still growing.
    /// Asked only between sweeps — dual changes, the queues, the end of
    /// taking trees apart — when no tree is dead, so the label says it
    /// without reading `x`'s tree (two more misses, for each of millions
    /// of edges a large round's best edges are worked out from).
    pub(super) fn live_outer(&self, x: usize) -> bool {
        debug_assert!(self.dead_roots.is_empty(), "asked while a tree is dead");
        self.is_outer(x)
    }

    /// Whether `x`'s top-level blossom is OUTER (in a tree still growing
    /// or not yet taken apart), from `outer`.
    pub(super) fn is_outer(&self, x: usize) -> bool {
        debug_assert_eq!(self.outer[x], self.label[self.top(x)] == OUTER);
        self.outer[x]
    }

    /// Takes apart the trees that augmented: their vertices (all matched
    /// now) become unlabelled, their OUTER blossoms with a zero dual are
    /// expanded, and whatever the other trees noted about them (least-slack
    /// edges, tight edges) is worked out again from their edges alone.
    pub(super) fn dissolve_dead_trees(&mut self) {
        if self.dead_roots.is_empty() {
            return;
        }
        let mut gone: Vec<usize> = Vec::new();
        let mut leaves = std::mem::take(&mut self.scratch_leaves);
        for i in 0..self.dead_roots.len() {
            let r = self.dead_roots[i];
            // Every top-level blossom of the tree is listed (see
            // `members`); the others listed have been expanded, merged
            // into larger ones or moved to another tree since, or their
            // number is in use again elsewhere.
            let mut tops = std::mem::take(&mut self.members[r]);
            tops.retain(|&b| {
                let one = if b < self.n { b } else { self.blossom_base[b] };
                one != NONE && self.blossom_parent[b] == NONE && self.root_of(one) == r
            });
            tops.sort_unstable();
            tops.dedup();
            for b in tops {
                leaves.clear();
                self.leaves_into(b, &mut leaves);
                gone.extend_from_slice(&leaves);
            }
        }
        self.give_back(leaves);
        gone.sort_unstable();
        gone.dedup();
        self.work.augmenting_sweeps += 1;
        self.work.vertices_taken_apart += gone.len() as u64;
        // Expand the dead trees' OUTER blossoms whose dual is zero, as the
        // end of a stage does.
        for b in self.blossoms_around(&gone) {
            if self.blossom_parent[b] == NONE && self.label[b] == OUTER && self.dual_of(b) == 0 {
                self.expand_blossom(b, true);
            }
        }
        // Unlabel them, with every blossom around them; their duals stay.
        for &v in &gone {
            self.label[v] = FREE;
            self.outer[v] = false;
            self.slots[v].best = Best::NO_EDGE;
            self.set_vertex_sign(self.top(v), 0);
        }
        // (Around them now: expanding changed some.)
        let mut stack = self.blossoms_around(&gone);
        while let Some(b) = stack.pop() {
            self.label[b] = FREE;
            self.set_sign(b, 0);
            stack.extend(self.blossom_children[b].iter().filter(|&&c| c >= self.n));
        }
        // Vertices inside a living INNER blossom that carry a label of their
        // own from a dead tree's vertex (they were reachable from there,
        // for when the blossom is expanded) must be reachable from the
        // living only, now (`relabel`): each dead tree listed those it
        // labelled so (`labelled_inside`), read while `dead` still says who
        // is gone.
        let mut relabel: Vec<usize> = Vec::new();
        for i in 0..self.dead_roots.len() {
            let r = self.dead_roots[i];
            for w in std::mem::take(&mut self.labelled_inside[r]) {
                let w = w as usize;
                if self.labelled_from_dead_tree(w) {
                    relabel.push(w);
                }
            }
        }
        // The dead trees' vertices (FREE now): each one's least-slack edge
        // to a living OUTER vertex is noted, once all are seen (one queue
        // entry, not one per better edge), with a rescan of any such edge
        // already tight. (Living vertices whose least-slack edge reaches a
        // dead tree keep it: checked when used, see `Best::key`; the queues
        // drop whatever else the dead trees leave in them when they come
        // to it.)
        let found = self.least_edges_to_outer(&gone);
        for (&v, least) in gone.iter().zip(found) {
            if let Some((k, slack)) = least {
                self.note_free_edge(v, k, slack);
            }
        }
        for &v in &gone {
            self.set_root(self.top(v), NONE);
        }
        for r in self.dead_roots.drain(..) {
            self.dead[r] = false;
        }
        relabel.sort_unstable();
        relabel.dedup();
        for w in relabel {
            self.label[w] = FREE;
            self.label_end[w] = NONE;
            self.slots[w].best = Best::NO_EDGE;
            for idx in self.first_neighbour[w]..self.first_neighbour[w + 1] {
                let (q, u) = self.neighbour(idx);
                let k = q / 2;
                if self.top(u) == self.top(w) || !self.live_outer(u) {
                    continue;
                }
                let slack = self.slack(k);
                if self.label[w] == FREE && slack <= 0 {
                    self.label_inside(w, q);
                } else if self.label[w] == FREE {
                    self.note_free_edge(w, k, slack);
                }
            }
        }
        self.compact_queues();
    }

    /// Whether `w`, inside a living INNER blossom, carries a label of its
    /// own given from a tree now dead (or from no tree).
    fn labelled_from_dead_tree(&self, w: usize) -> bool {
        let bw = self.top(w);
        if bw == w || self.label[bw] != INNER || self.label[w] != INNER {
            return false;
        }
        let from = self.label_end[w];
        if from == NONE {
            return false;
        }
        let by = self.root_of(self.end(from));
        by == NONE || self.dead[by]
    }

    /// Labels `w`, inside an INNER blossom, INNER on its own from endpoint
    /// `p` (of an OUTER vertex), listed in that vertex's tree.
    pub(super) fn label_inside(&mut self, w: usize, p: usize) {
        self.label[w] = INNER;
        self.label_end[w] = p;
        self.note_labelled_in_set(w);
        let root = self.root_of(self.end(p));
        self.labelled_inside[root].push(w as u32); // (fits: n < 2^32)
    }

    /// The non-trivial top-level blossoms that hold `vertices`, each once,
    /// in order.
    fn blossoms_around(&self, vertices: &[usize]) -> Vec<usize> {
        let mut tops: Vec<usize> = vertices
            .iter()
            .map(|&v| self.top(v))
            .filter(|&b| b >= self.n)
            .collect();
        tops.sort_unstable();
        tops.dedup();
        tops
    }

    /// Works out vertex `w`'s least-slack edge to a living OUTER vertex
    /// again, from its edges.
    pub(super) fn refresh_best_edge(&mut self, w: usize) {
        self.slots[w].best = match self.least_edge_to_outer(w, None) {
            None => Best::NO_EDGE,
            Some((k, slack)) => self.best_record(w, k, slack),
        };
        self.note_best_in_set(w);
    }

    /// Each of `vertices`' least-slack edge to a living OUTER vertex (see
    /// `least_edge_to_outer`), in order, with their edges already tight
    /// queued to be looked at again, in the same order. Only reads: so
    /// the many vertices of trees taken apart late in a large graph are
    /// read in two halves on two threads, and what each half found is put
    /// together in order — the same as one. (At 100,000 members, nine in
    /// ten of the 940,000 vertices freed are freed 2,000 or more at a
    /// time; reading their edges took 0.33–0.39 s of the 1.7–2.0 s run,
    /// 0.28 s on two threads — bound by memory, so not half.)
    fn least_edges_to_outer(&mut self, vertices: &[usize]) -> Vec<Option<(usize, i64)>> {
        let mut tight = std::mem::take(&mut self.tight);
        let mut found = Vec::with_capacity(vertices.len());
        let this = &*self;
        if vertices.len() < self.split_freed_from {
            this.least_edges_into(vertices, &mut found, &mut tight);
        } else {
            let (low, high) = vertices.split_at(vertices.len() / 2);
            let (mut found_high, mut tight_high) = (Vec::with_capacity(high.len()), Vec::new());
            side_by_side(
                || this.least_edges_into(low, &mut found, &mut tight),
                || this.least_edges_into(high, &mut found_high, &mut tight_high),
            );
            found.append(&mut found_high);
            tight.append(&mut tight_high);
        }
        self.tight = tight;
        found
    }

    /// [`Self::least_edges_to_outer`] on one thread: appends to `found`
    /// and `tight`.
    fn least_edges_into(
        &self,
        vertices: &[usize],
        found: &mut Vec<Option<(usize, i64)>>,
        tight: &mut Vec<(usize, usize)>,
    ) {
        for (i, &v) in vertices.iter().enumerate() {
            if let Some(&next) = vertices.get(i + AHEAD_VERTICES) {
                self.prefetch_edges_of(next);
            }
            found.push(self.least_edge_to_outer(v, Some(tight)));
        }
    }

    /// Vertex `v`'s least-slack edge to an OUTER vertex of another
    /// top-level blossom, as (edge, slack), with each such edge already
    /// tight put in `tight` (if given) to be looked at again from its
    /// OUTER end. Asked when no dead tree carries a label (between
    /// sweeps, or once the dead ones are unlabelled), so a labelled
    /// blossom is in a living tree: its label says enough, without
    /// reading its tree (two more misses an edge). Edges are heaviest
    /// first, so once an edge's slack bound (`defer.rs`) is positive and
    /// no less than the least slack found, no edge after it can be tight
    /// or less slack, and the rest are not read (at 100,000 members, 39 %
    /// of a dead tree's vertices' edges).
    fn least_edge_to_outer(
        &self,
        v: usize,
        mut tight: Option<&mut Vec<(usize, usize)>>,
    ) -> Option<(usize, i64)> {
        let dv = self.vertex_dual(v);
        debug_assert!(!self.is_outer(v), "a free vertex's edges are read");
        let mut least: Option<(usize, i64)> = None;
        let (from, end) = (self.first_neighbour[v], self.first_neighbour[v + 1]);
        self.prefetch_first_far_ends(from, end);
        for idx in from..end {
            self.prefetch_far_end_ahead(idx, end);
            let x = self.neighbours[idx];
            let bound = self.slack_bound(dv, x);
            if bound > 0 && least.is_some_and(|(_, s)| bound >= s) {
                break;
            }
            let (p, w) = (x.endpoint as usize, x.vertex as usize);
            debug_assert!(
                self.label[self.top(w)] == FREE
                    || self.root_of(w) != NONE && !self.dead[self.root_of(w)],
                "a labelled blossom in no living tree"
            );
            // (`v`'s blossom is not OUTER: it is free, or just taken
            // apart, so an OUTER `w` is in another one.)
            if !self.is_outer(w) {
                continue;
            }
            debug_assert_ne!(self.top(w), self.top(v));
            let slack = self.neighbour_slack(dv, x);
            if let Some(tight) = tight.as_deref_mut().filter(|_| slack <= 0) {
                // Looked at again from `w`, toward `v`.
                tight.push((w, p ^ 1));
            }
            if least.is_none_or(|(_, s)| slack < s) {
                least = Some((p / 2, slack));
            }
        }
        least
    }

    /// Drops what the queues hold for nothing, once they have grown to
    /// twice what could matter: they are read lazily, and every tree taken
    /// apart leaves entries behind.
    fn compact_queues(&mut self) {
        let limit = 2 * (self.edges.len() + self.n) + 1024;
        if self.outer_queue.len() > limit {
            let mut queue = std::mem::take(&mut self.outer_queue);
            queue.retain(|e| self.joins_outer_blossoms(e));
            self.outer_queue = queue;
        }
        if self.free_queue.len() > limit {
            let mut queue = std::mem::take(&mut self.free_queue);
            queue.retain(|entry| {
                let w = entry.vertex as usize;
                self.is_latest(entry)
                    && !self.slots[w].best.is_empty()
                    && self.label[self.top(w)] == FREE
            });
            self.free_queue = queue;
        }
        if self.resume_queue.len() > limit {
            let mut queue = std::mem::take(&mut self.resume_queue);
            queue.retain(|entry| self.resume_stands(entry));
            self.resume_queue = queue;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::{prepare, Solver};
    use rand::{Rng, SeedableRng};
    use rand_chacha::ChaCha8Rng;

    #[test]
    fn freed_vertices_read_on_two_threads_give_what_one_gives() {
        let mut taken_apart = 0;
        for seed in 0..60u64 {
            let mut rng = ChaCha8Rng::seed_from_u64(seed);
            let n = rng.random_range(20..300);
            // Few distinct weights: many ties, so trees grow large and
            // augmenting ones free many vertices at once.
            let edges: Vec<(usize, usize, i64)> = (0..n * 6)
                .map(|_| {
                    let (a, b) = (rng.random_range(0..n), rng.random_range(0..n));
                    (a, b, rng.random_range(-3..6))
                })
                .collect();
            let max_cardinality = seed % 2 == 0;
            let run = |split_from: usize| {
                let mut solver = Solver::new(
                    n,
                    prepare(n, edges.clone(), max_cardinality),
                    max_cardinality,
                );
                solver.split_freed_from = split_from;
                solver.run();
                (solver.mates(), solver.work)
            };
            let (one, two) = (run(usize::MAX), run(1));
            assert_eq!(one, two, "seed {seed}: the same mates and the same work");
            taken_apart += one.1.vertices_taken_apart;
        }
        assert!(taken_apart > 1000, "trees were taken apart: {taken_apart}");
    }
}
