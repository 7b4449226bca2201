//! What the vertices inside a blossom have noted — their best edges, and
//! labels given from outside — found without walking them.
//!
//! When an INNER blossom's dual reaches zero mid-stage it comes apart
//! (`expand_blossom`), and each child off the alternating path is free
//! again: either one of its vertices was labelled INNER from outside (an
//! edge to it turned tight) and the child joins that tree, or it waits in
//! the free queue for its least-slack edge. Walking every child's
//! vertices to find out cost a blossom's size per expansion, and a nest of
//! blossoms can be taken apart one level at a time — the one walk that
//! kept the method above O(nm log n) (`sets.rs` removed the others).
//!
//! So each set (the vertices of one non-trivial top-level blossom, see
//! `sets.rs`) keeps both, lazily:
//! - `set_best`: a min-heap of its vertices' best edges by due time less
//!   the set's shared dual part (`Best::key` + the vertex's own dual
//!   base), pushed whenever a vertex's best edge changes; an entry counts
//!   while its vertex is still in the set with that best edge;
//! - `set_labelled`: its vertices labelled INNER from outside, pushed when
//!   labelled; an entry counts while its vertex is still in the set with
//!   that label.
//!
//! A child off the path then costs a heap top and a list top. Splitting a
//! set walks only the children other than the largest (which keeps the
//! set, its heap and its list, stale entries filtered when read), so a
//! vertex is walked only when its set at least halves.
//!
//! A free blossom's vertices are not each in the free queue: the blossom
//! is, by the vertex at its heap's top. When that vertex's best edge is
//! found to have fallen behind, the heap's new top is queued
//! (`pending_free`): the queue always holds an entry no later than the
//! blossom's first due edge.

use std::cmp::Reverse;

use super::{Solver, INNER, NONE};

/// A set's heap of its vertices' best edges: (key + own dual base, vertex).
pub(super) type SetBest = std::collections::BinaryHeap<Reverse<(i64, u32)>>;

impl Solver {
    /// Vertex `w`'s best edge has just been written: a non-trivial set
    /// keeps it in its heap.
    pub(super) fn note_best_in_set(&mut self, w: usize) {
        let top = self.top(w);
        let s = self.set_index(w);
        let Some(key) = self.heap_key(w).filter(|_| top >= self.n) else {
            return;
        };
        self.set_best[s].push(Reverse((key, w as u32))); // (fits: n < 2^32)
        if self.set_best[s].len() > 2 * self.size[top] + 16 {
            self.compact_set_best(s);
        }
    }

    /// Vertex `w`, inside a non-trivial blossom, has just been labelled
    /// INNER from outside it.
    pub(super) fn note_labelled_in_set(&mut self, w: usize) {
        let top = self.top(w);
        if top < self.n {
            return;
        }
        let s = self.set_index(w);
        self.set_labelled[s].push(w as u32);
        if self.set_labelled[s].len() > 2 * self.size[top] + 16 {
            let mut list = std::mem::take(&mut self.set_labelled[s]);
            list.retain(|&x| self.labelled_in(s, x as usize));
            list.sort_unstable();
            list.dedup();
            self.set_labelled[s] = list;
        }
    }

    /// Vertex `x`'s best edge as its set's heap keys it, if it has one.
    fn heap_key(&self, x: usize) -> Option<i64> {
        (!self.slots[x].best.is_empty()).then(|| self.slots[x].best.key + self.slots[x].vertex_base)
    }

    fn best_in(&self, s: usize, key: i64, x: usize) -> bool {
        self.set_index(x) == s && self.heap_key(x) == Some(key)
    }

    fn labelled_in(&self, s: usize, x: usize) -> bool {
        self.set_index(x) == s && self.label[x] == INNER && self.label_end[x] != NONE
    }

    /// Drops the entries that no longer count, and repeats.
    fn compact_set_best(&mut self, s: usize) {
        let mut entries = std::mem::take(&mut self.set_best[s]).into_vec();
        entries.retain(|&Reverse((key, x))| self.best_in(s, key, x as usize));
        entries.sort_unstable();
        entries.dedup();
        self.set_best[s] = entries.into();
    }

    /// The vertex of set `s` whose best edge falls due first, with its
    /// key (its due time less the set's dual part); `None` when none of
    /// its vertices has a best edge.
    pub(super) fn set_first_due(&mut self, s: usize) -> Option<(i64, usize)> {
        while let Some(&Reverse((key, x))) = self.set_best[s].peek() {
            if self.best_in(s, key, x as usize) {
                return Some((key, x as usize));
            }
            self.set_best[s].pop();
        }
        None
    }

    /// A vertex of set `s` labelled INNER from outside, if any.
    pub(super) fn set_labelled_vertex(&mut self, s: usize) -> Option<usize> {
        while let Some(&x) = self.set_labelled[s].last() {
            if self.labelled_in(s, x as usize) {
                return Some(x as usize);
            }
            self.set_labelled[s].pop();
        }
        None
    }

    /// Free top-level blossom `b` is in the free queue by its first due
    /// vertex (see the module comment), pushed to `pending_free` — the
    /// free queue may be in use (`least_free_edge` empties it after).
    pub(super) fn queue_free_blossom(&mut self, b: usize) {
        let s = self.set_of_top[b];
        if let Some((key, x)) = self.set_first_due(s) {
            let due = key + self.slots[s].set.at(self.total);
            self.pending_free.push((due, x));
        }
    }

    /// A fresh set `s` for top-level `c`, whose `vertices` were just
    /// walked into it (`set_of` already names `s`): its heap and list from
    /// theirs.
    pub(super) fn fill_set(&mut self, s: usize, c: usize, vertices: &[usize]) {
        self.set_best[s].clear();
        self.set_labelled[s].clear();
        if c < self.n {
            return;
        }
        // (Backwards: the list is read from its end, so the first vertex
        // labelled in the child's order is found first.)
        for &x in vertices.iter().rev() {
            if let Some(key) = self.heap_key(x) {
                self.set_best[s].push(Reverse((key, x as u32)));
            }
            if self.labelled_in(s, x) {
                self.set_labelled[s].push(x as u32);
            }
        }
    }

    /// Set `s` is no longer in use.
    pub(super) fn empty_set(&mut self, s: usize) {
        self.set_best[s] = SetBest::new();
        self.set_labelled[s] = Vec::new();
    }
}
