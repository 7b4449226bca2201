//! The dual change: the largest that keeps every edge feasible, and what
//! it makes tight.
//!
//! Duals are lazy. A change of δ lowers every OUTER vertex's dual by δ,
//! raises every INNER one's, and moves top-level blossoms the other way;
//! rather than walking them all, `total` sums the changes and each
//! blossom stores `base` and `sign` so that its dual is `base + sign ·
//! total`. A vertex moves with its top-level blossom, so its `base` and
//! `sign` are its set's (`sets.rs`) plus a base of its own: labelling a
//! blossom changes one sign, whatever its size.
//!
//! The next change is read from three min-queues keyed by the `total` at
//! which something becomes due: a free vertex's best edge turns tight
//! (`free_queue`), an edge between OUTER vertices turns tight
//! (`outer_queue`), an INNER blossom's dual reaches zero (`inner_queue`).
//! A stored key is never later than the truth: while an item stays as it
//! was keyed its due time does not move, and any label change since can
//! only delay it (an OUTER dual falls fastest). So the queues are read
//! lazily: an item no longer meaningful is dropped, one found to be due
//! later is put back with its true key, and the first that is due when
//! its key says is the minimum.
//!
//! A free vertex whose best edge led into a tree that augmented keeps that
//! edge and its queue entry: the edge's key is a lower bound now (see
//! `Best::key`), and every edge compared against it since was due no
//! sooner. So its best edge is checked only when its entry comes up, and
//! worked out again from its edges if it has fallen behind — most never
//! come up before the vertex is labelled. An entry taken for a tight edge
//! whose OUTER end's tree augmented first is put back (`run`). A free
//! blossom is in `free_queue` by the vertex whose best edge falls due
//! first (`inside.rs`), not by each of its vertices. A vertex is queued
//! again each time its best edge improves; its entries are numbered, and
//! only the latest is looked at — the others are dropped on their number
//! alone (at 100,000 members they were most of the queue, and checking
//! each one's best edge was 40 % of the time spent on dual changes).

use super::{FreeEntry, OuterEdge, Queue, Resume, Solver, FREE, INNER, NONE};

/// A lazy dual: its value is `base + sign · total` (see the module comment),
/// packed in one `i64` as `4 · base + (sign + 1)`: a set's dual is read
/// for nearly every edge looked at, and 8 bytes a set keep twice as many
/// of them in cache as 16. (Duals stay far inside ±2^61: weights are at
/// most 2^40, doubled and shifted.)
#[derive(Clone, Copy)]
pub(super) struct Dual(i64);

impl Dual {
    pub(super) fn pack(base: i64, sign: i64) -> Self {
        debug_assert!((-1..=1).contains(&sign));
        debug_assert!(base.unsigned_abs() < 1 << 60, "dual {base} out of range");
        Self((base << 2) | (sign + 1))
    }

    pub(super) fn base(self) -> i64 {
        self.0 >> 2
    }

    pub(super) fn sign(self) -> i64 {
        (self.0 & 3) - 1
    }

    pub(super) fn fixed(value: i64) -> Self {
        Self::pack(value, 0)
    }

    /// Its value once the dual changes add up to `total`.
    pub(super) fn at(self, total: i64) -> i64 {
        self.base() + self.sign() * total
    }

    /// From now on it moves with `sign`, keeping its value at `total`.
    pub(super) fn turn(&mut self, sign: i8, total: i64) {
        let sign = i64::from(sign);
        *self = Self::pack(self.base() + (self.sign() - sign) * total, sign);
    }
}

/// What the next dual change leads to.
enum Next {
    /// The free vertices' duals reach zero (maximum weight): done.
    Finish,
    /// Edges become tight.
    Tighten,
    /// This INNER blossom's dual reaches zero: expand it.
    Expand(usize),
}

impl Solver {
    /// The dual of vertex or blossom `x`.
    pub(super) fn dual_of(&self, x: usize) -> i64 {
        if x < self.n {
            self.vertex_dual(x)
        } else {
            self.dual[x].at(self.total)
        }
    }

    /// The dual of vertex `v`: its own base, moved as its set moves (see
    /// `sets.rs`).
    pub(super) fn vertex_dual(&self, v: usize) -> i64 {
        self.slots[v].vertex_base + self.set_dual_of(v).at(self.total)
    }

    /// From now on the dual of blossom `x` moves with `sign` (keeping its
    /// value). (A vertex's moves with its set: `set_vertex_sign`.)
    pub(super) fn set_sign(&mut self, x: usize, sign: i8) {
        debug_assert!(x >= self.n, "a vertex's dual moves with its set");
        self.dual[x].turn(sign, self.total);
    }

    /// Queues free vertex `w` by `due`, the latest of its entries: the
    /// others are dropped when they come up. (Numbers wrap around; an old
    /// entry taken for the latest is only checked in full, as every entry
    /// was before.)
    pub(super) fn queue_free(&mut self, due: i64, w: usize) {
        let number = self.free_entry[w].wrapping_add(1);
        self.free_entry[w] = number;
        let vertex = w as u32; // (fits: `Solver::new` checks n)
        self.free_queue.push(due, FreeEntry { vertex, number });
    }

    /// Whether `entry` is its vertex's latest in `free_queue`.
    pub(super) fn is_latest(&self, entry: FreeEntry) -> bool {
        self.free_entry[entry.vertex as usize] == entry.number
    }

    /// Queues FREE vertex `w`'s best edge, if it has one.
    pub(super) fn queue_free_vertex(&mut self, w: usize) {
        if self.label[self.top(w)] != FREE {
            return;
        }
        if !self.slots[w].best.is_empty() && !self.best_is_current(w) {
            self.refresh_best_edge(w);
        }
        let e = self.slots[w].best.edge();
        if e != NONE {
            self.queue_free(self.total + self.slack(e), w);
        }
    }

    /// Queues INNER blossom `b` by when its dual reaches zero.
    pub(super) fn queue_inner_blossom(&mut self, b: usize) {
        self.inner_queue.push(self.total + self.dual_of(b), b);
    }

    /// The least of `queue`'s items by when they fall due (`due`, see
    /// `Queue::least_due`): how far off that is, and the item.
    fn least_due<T: Copy>(
        &mut self,
        queue: fn(&mut Self) -> &mut Queue<T>,
        due: fn(&mut Self, T) -> Option<i64>,
    ) -> Option<(i64, T)> {
        let mut taken = std::mem::take(queue(self));
        let least = taken.least_due(|item| due(self, item));
        *queue(self) = taken;
        least.map(|(at, item)| (at - self.total, item))
    }

    /// When free vertex `w`'s best edge becomes tight; `None` when it has
    /// none or sits in a labelled blossom (queued again if that blossom is
    /// expanded). A best edge that has fallen behind is worked out again
    /// first.
    fn free_vertex_due(&mut self, entry: FreeEntry) -> Option<i64> {
        if !self.is_latest(entry) {
            return None;
        }
        let w = entry.vertex as usize;
        let best = self.slots[w].best;
        let b = self.top(w);
        if self.label[b] != FREE || best.is_empty() {
            return None;
        }
        if !self.best_is_current(w) {
            self.refresh_best_edge(w);
            if b >= self.n {
                // The blossom is queued by its first due vertex, which may
                // be another one now (see `inside.rs`).
                self.queue_free_blossom(b);
                return None;
            }
        }
        let e = self.slots[w].best.edge();
        (e != NONE).then(|| self.total + self.slack(e))
    }

    /// Whether queued edge `e` still joins two different OUTER blossoms of
    /// growing trees (read from the queue entry: most entries are dropped
    /// here, and reading the edge record for each was a cache miss).
    pub(super) fn joins_outer_blossoms(&self, e: OuterEdge) -> bool {
        let (u, v) = (e.from as usize, e.to as usize);
        self.top(u) != self.top(v) && self.live_outer(u) && self.live_outer(v)
    }

    /// When queued edge `e` between OUTER blossoms becomes tight (both
    /// ends' duals fall, so at half its slack).
    fn outer_edge_due(&mut self, e: OuterEdge) -> Option<i64> {
        self.joins_outer_blossoms(e).then(|| {
            let slack = self.slack(e.endpoint as usize / 2);
            debug_assert!(slack % 2 == 0, "odd slack between outer blossoms");
            self.total + slack / 2
        })
    }

    /// When INNER blossom `b`'s dual reaches zero.
    fn inner_blossom_due(&mut self, b: usize) -> Option<i64> {
        let inner = self.blossom_base[b] != NONE
            && self.blossom_parent[b] == NONE
            && self.label[b] == INNER;
        inner.then(|| self.total + self.dual_of(b))
    }

    /// The least slack of a free vertex's best edge, and that vertex.
    /// (Free blossoms queued meanwhile are put in the queue and it is read
    /// again: one of them may be due first.)
    fn least_free_edge(&mut self) -> Option<(i64, usize)> {
        loop {
            for (due, x) in std::mem::take(&mut self.pending_free) {
                self.queue_free(due, x);
            }
            let least = self.least_due(|s| &mut s.free_queue, Self::free_vertex_due);
            if self.pending_free.is_empty() {
                return least.map(|(d, entry)| (d, entry.vertex as usize));
            }
        }
    }

    /// How far off the next scan to go on is, and its entry.
    fn least_resume(&mut self) -> Option<(i64, Resume)> {
        self.least_due(|s| &mut s.resume_queue, Self::resume_due)
    }

    /// Half the least slack of an edge between OUTER blossoms, and that edge.
    fn least_outer_edge(&mut self) -> Option<(i64, OuterEdge)> {
        self.least_due(|s| &mut s.outer_queue, Self::outer_edge_due)
    }

    /// Finds the largest dual change that keeps every edge feasible, applies
    /// it, and acts on what became tight. Returns false when the algorithm
    /// is finished.
    pub(super) fn adjust_duals(&mut self) -> bool {
        if self.unmatched < 2 {
            // Nobody is free, or one person: an augmenting path joins two
            // free vertices, so the matching cannot change any more (and
            // it is the best of its size, as after every augmentation).
            // An odd-sized round ends here instead of growing the last
            // free vertex's tree over everything it can reach only to find
            // no partner for it.
            return false;
        }
        // Every free vertex has been OUTER throughout, so theirs is the
        // least vertex dual: for maximum weight it may fall to zero and no
        // further.
        let mut next =
            (!self.max_cardinality).then_some((self.max_weight - self.total, Next::Finish));
        let free = self.least_free_edge().map(|(d, _)| (d, Next::Tighten));
        let outer = self.least_outer_edge().map(|(d, _)| (d, Next::Tighten));
        let inner = self
            .least_due(|s| &mut s.inner_queue, Self::inner_blossom_due)
            .map(|(d, b)| (d, Next::Expand(b)));
        let resume = self.least_resume().map(|(d, _)| (d, Next::Tighten));
        // In this order, a later kind only where strictly sooner.
        for candidate in [free, outer, inner, resume].into_iter().flatten() {
            if next.as_ref().is_none_or(|(d, _)| candidate.0 < *d) {
                next = Some(candidate);
            }
        }
        let (delta, next) = match next {
            // Finish, or (maximum cardinality) nothing left to grow.
            None | Some((_, Next::Finish)) => return false,
            Some(next) => next,
        };
        debug_assert!(delta >= 0, "negative dual change {delta}");
        self.total += delta;
        self.work.dual_changes += 1;
        // Every edge this change made tight is acted on at once: with many
        // equal weights, dozens tie, and taking them one zero-sized change
        // at a time is most of the work. Scanning an edge from its OUTER
        // end finds it tight and acts on it, as a change of 0 would have.
        while let Some((0, w)) = self.least_free_edge() {
            self.free_queue.pop();
            let e = self.slots[w].best.edge();
            let toward_w = 2 * e + usize::from(self.end(2 * e + 1) == w);
            self.tight.push((self.other_end(e, w), toward_w));
        }
        while let Some((0, e)) = self.least_outer_edge() {
            self.outer_queue.pop();
            self.tight.push((e.from as usize, e.endpoint as usize));
        }
        while let Some((0, entry)) = self.least_resume() {
            self.resume_queue.pop();
            self.resumed.push(entry);
        }
        if let Next::Expand(b) = next {
            self.expand_blossom(b, false);
        }
        true
    }
}
