//! Keeping the alternating forest across augmentations: when a sweep
//! augments, only the trees of the augmenting paths are taken apart, and
//! what the other trees noted about them is worked out again from their
//! edges alone (rebuilding every tree after each sweep made large sparse
//! graphs slow). Plus the small edge helpers this needs.

use super::{Solver, FREE, INNER, NONE, OUTER};

impl Solver {
    /// Edge `k` joins FREE vertex `w` to an OUTER vertex: the least-slack
    /// such edge of `w` is kept for the next dual change.
    pub(super) fn note_free_edge(&mut self, w: usize, k: usize) {
        if self.best_edge[w] == NONE {
            self.free_with_best.push(w);
            self.best_edge[w] = k;
        } else if self.slack(k) < self.slack(self.best_edge[w]) {
            self.best_edge[w] = k;
        }
    }

    /// The end of `k` that is not in top-level blossom `b`.
    pub(super) fn far_end(&self, k: usize, b: usize) -> usize {
        let i = self.endpoint[2 * k];
        if self.in_blossom[i] == b {
            self.endpoint[2 * k + 1]
        } else {
            i
        }
    }

    /// The end of `k` that is not vertex `v`.
    pub(super) fn other_end(&self, k: usize, v: usize) -> usize {
        let i = self.endpoint[2 * k];
        if i == v {
            self.endpoint[2 * k + 1]
        } else {
            i
        }
    }

    /// Whether `x` is in a top-level OUTER blossom of a tree still growing.
    pub(super) fn live_outer(&self, x: usize) -> bool {
        let b = self.in_blossom[x];
        self.label[b] == OUTER && !self.dead[self.tree_root[x]]
    }

    /// Takes apart the trees that augmented: their vertices (all matched
    /// now) become unlabelled, their OUTER blossoms with a zero dual are
    /// expanded, and whatever the other trees noted about them (least-slack
    /// edges, tight edges) is worked out again from their edges alone.
    pub(super) fn dissolve_dead_trees(&mut self) {
        if self.dead_roots.is_empty() {
            return;
        }
        // Who was in a dead tree, while `dead` still says so.
        let mut gone: Vec<usize> = Vec::new();
        let mut kept = Vec::with_capacity(self.labelled.len());
        for &v in &self.labelled {
            if self.dead[self.tree_root[v]] {
                gone.push(v);
            } else {
                kept.push(v);
            }
        }
        self.labelled = kept;
        // Stale least-slack edges of the living: those reaching a dead tree.
        let stale_free: Vec<usize> = self
            .free_with_best
            .iter()
            .copied()
            .filter(|&w| {
                // Also a vertex inside an INNER blossom: its edge counts
                // again once that blossom is expanded.
                let e = self.best_edge[w];
                e != NONE && !self.live_outer(self.other_end(e, w))
            })
            .collect();
        let stale_outer: Vec<usize> = self
            .outer_with_best
            .iter()
            .copied()
            .filter(|&b| {
                let e = self.best_edge[b];
                self.blossom_parent[b] == NONE
                    && self.label[b] == OUTER
                    && !self.dead[self.tree_root[self.blossom_base[b]]]
                    && e != NONE
                    && !self.live_outer(self.far_end(e, b))
            })
            .collect();
        // Expand the dead trees' OUTER blossoms whose dual is zero, as the
        // end of a stage does.
        let mut tops: Vec<usize> = gone
            .iter()
            .map(|&v| self.in_blossom[v])
            .filter(|&b| b >= self.n)
            .collect();
        tops.sort_unstable();
        tops.dedup();
        for b in tops {
            if self.blossom_base[b] != NONE
                && self.blossom_parent[b] == NONE
                && self.label[b] == OUTER
                && self.dual[b] == 0
            {
                self.expand_blossom(b, true);
            }
        }
        // Unlabel them, with every blossom around them.
        for &v in &gone {
            self.in_labelled[v] = false;
            self.label[v] = FREE;
            self.best_edge[v] = NONE;
            self.tree_root[v] = NONE;
            let mut b = self.blossom_parent[v];
            while b != NONE {
                self.label[b] = FREE;
                self.best_edge[b] = NONE;
                self.blossom_best_edges[b] = None;
                b = self.blossom_parent[b];
            }
            for idx in 0..self.neighbours[v].len() {
                let k = self.neighbours[v][idx] / 2;
                self.allowed[k] = false;
            }
        }
        for r in self.dead_roots.drain(..) {
            self.dead[r] = false;
        }
        // A vertex inside a living INNER blossom may carry a label of its
        // own from a dead tree's vertex (it was reachable from there, for
        // when the blossom is expanded): it is reachable from the living
        // only, now.
        let mut relabel: Vec<usize> = Vec::new();
        for &v in &gone {
            for &p in &self.neighbours[v] {
                let w = self.endpoint[p];
                let bw = self.in_blossom[w];
                if bw != w
                    && self.label[w] == INNER
                    && self.label[bw] == INNER
                    && self.label_end[w] != NONE
                    && self.tree_root[self.endpoint[self.label_end[w]]] == NONE
                {
                    relabel.push(w);
                }
            }
        }
        relabel.sort_unstable();
        relabel.dedup();
        for w in relabel {
            self.label[w] = FREE;
            self.label_end[w] = NONE;
            self.best_edge[w] = NONE;
            for idx in 0..self.neighbours[w].len() {
                let q = self.neighbours[w][idx];
                let (k, u) = (q / 2, self.endpoint[q]);
                if self.in_blossom[u] == self.in_blossom[w] || !self.live_outer(u) {
                    continue;
                }
                if self.label[w] == FREE && self.slack(k) <= 0 {
                    self.allow(k);
                    self.label[w] = INNER;
                    self.label_end[w] = q;
                } else if self.label[w] == FREE {
                    self.note_free_edge(w, k);
                }
            }
        }
        // The dead trees' vertices are FREE now: their least-slack edges to
        // the living OUTER vertices, and a rescan of any such edge that is
        // already tight.
        for &v in &gone {
            if self.label[self.in_blossom[v]] != FREE {
                continue;
            }
            for idx in 0..self.neighbours[v].len() {
                let p = self.neighbours[v][idx];
                let (k, u) = (p / 2, self.endpoint[p]);
                if self.in_blossom[u] != self.in_blossom[v] && self.live_outer(u) {
                    if self.slack(k) <= 0 {
                        self.retry_edge(u, k);
                    }
                    self.note_free_edge(v, k);
                }
            }
        }
        for w in stale_free {
            self.best_edge[w] = NONE;
            for idx in 0..self.neighbours[w].len() {
                let p = self.neighbours[w][idx];
                let (k, u) = (p / 2, self.endpoint[p]);
                if self.live_outer(u) && self.in_blossom[u] != self.in_blossom[w] {
                    let e = self.best_edge[w];
                    if e == NONE || self.slack(k) < self.slack(e) {
                        self.best_edge[w] = k; // already listed in free_with_best
                    }
                }
            }
        }
        for b in stale_outer {
            self.refresh_outer_best(b);
        }
        // Keep the lists the dual changes walk to what can still matter, or
        // they grow with every sweep.
        let mut free = std::mem::take(&mut self.free_with_best);
        free.retain(|&w| self.best_edge[w] != NONE && self.label[w] == FREE);
        free.sort_unstable();
        free.dedup();
        self.free_with_best = free;
        let mut outer = std::mem::take(&mut self.outer_with_best);
        outer.retain(|&b| {
            self.best_edge[b] != NONE && self.blossom_parent[b] == NONE && self.label[b] == OUTER
        });
        outer.sort_unstable();
        outer.dedup();
        self.outer_with_best = outer;
    }

    /// Works out again the least-slack edges from OUTER blossom `b` to the
    /// other OUTER blossoms, from the edges of its vertices.
    pub(super) fn refresh_outer_best(&mut self, b: usize) {
        // Called once the dead trees are unlabelled: every OUTER blossom
        // left is a living one.
        let mut leaves = Vec::new();
        self.leaves_into(b, &mut leaves);
        let edges: Vec<usize> = leaves
            .iter()
            .flat_map(|&x| self.neighbours[x].iter().map(|&p| p / 2))
            .collect();
        let (list, best) = self.least_slack_to_outer(b, &edges);
        if b >= self.n {
            self.blossom_best_edges[b] = Some(list);
        }
        self.best_edge[b] = best;
    }
}
