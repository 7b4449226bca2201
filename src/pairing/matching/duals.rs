//! The dual change: the largest that keeps every edge feasible, and what
//! it makes tight.

use super::{Solver, FREE, INNER, NONE, OUTER};

impl Solver {
    /// Finds the largest dual change that keeps every edge feasible, applies
    /// it, and acts on what became tight. Returns false when the stage (and
    /// so the algorithm) is finished.
    pub(super) fn adjust_duals(&mut self) -> bool {
        #[derive(PartialEq)]
        enum Kind {
            None,
            Finish,
            FreeVertexEdge(usize),
            OuterOuterEdge(usize),
            ExpandInner(usize),
        }
        let mut kind = Kind::None;
        let mut delta = 0i64;
        // Every free vertex is labelled OUTER and they share the smallest
        // vertex dual, so the labelled vertices hold that minimum.
        let min_dual = self.labelled.iter().map(|&v| self.dual[v]).min();
        let Some(min_dual) = min_dual else {
            return false; // nobody is free: nothing left to augment
        };
        if !self.max_cardinality {
            kind = Kind::Finish;
            delta = min_dual;
        }
        for &v in &self.free_with_best {
            let e = self.best_edge[v];
            if self.label[self.in_blossom[v]] == FREE && e != NONE {
                let d = self.slack(e);
                if kind == Kind::None || d < delta {
                    delta = d;
                    kind = Kind::FreeVertexEdge(e);
                }
            }
        }
        for &b in &self.outer_with_best {
            let e = self.best_edge[b];
            if self.blossom_parent[b] == NONE && self.label[b] == OUTER && e != NONE {
                let s = self.slack(e);
                debug_assert!(s % 2 == 0, "odd slack between outer blossoms");
                let d = s / 2;
                if kind == Kind::None || d < delta {
                    delta = d;
                    kind = Kind::OuterOuterEdge(e);
                }
            }
        }
        for &b in &self.active_blossoms {
            if self.blossom_base[b] != NONE
                && self.blossom_parent[b] == NONE
                && self.label[b] == INNER
                && (kind == Kind::None || self.dual[b] < delta)
            {
                delta = self.dual[b];
                kind = Kind::ExpandInner(b);
            }
        }
        if kind == Kind::None {
            // Maximum cardinality reached: one last adjustment for optimality.
            kind = Kind::Finish;
            delta = min_dual.max(0);
        }
        for &v in &self.labelled {
            match self.label[self.in_blossom[v]] {
                OUTER => self.dual[v] -= delta,
                INNER => self.dual[v] += delta,
                _ => {}
            }
        }
        for &b in &self.active_blossoms {
            if self.blossom_base[b] != NONE && self.blossom_parent[b] == NONE {
                match self.label[b] {
                    OUTER => self.dual[b] += delta,
                    INNER => self.dual[b] -= delta,
                    _ => {}
                }
            }
        }
        if !matches!(kind, Kind::None | Kind::Finish) {
            // Every other best edge this change made tight too, at once:
            // with many equal weights, dozens tie, and taking them one
            // zero-sized change (one scan of every labelled vertex) at a
            // time is most of the work. Scanning the outer end allows the
            // edge and acts on it, exactly as a change of 0 would have.
            for &v in &self.free_with_best {
                let e = self.best_edge[v];
                if self.label[self.in_blossom[v]] == FREE && e != NONE && self.slack(e) == 0 {
                    self.tight.push((
                        self.other_end(e, v),
                        2 * e + usize::from(self.endpoint[2 * e + 1] == v),
                    ));
                }
            }
            for &b in &self.outer_with_best {
                let e = self.best_edge[b];
                if self.blossom_parent[b] == NONE
                    && self.label[b] == OUTER
                    && e != NONE
                    && self.slack(e) == 0
                {
                    self.tight.push((self.endpoint[2 * e], 2 * e + 1));
                }
            }
        }
        match kind {
            Kind::None | Kind::Finish => false,
            Kind::FreeVertexEdge(k) => {
                self.allow(k);
                let (i, j) = (self.endpoint[2 * k], self.endpoint[2 * k + 1]);
                let outer = if self.label[self.in_blossom[i]] == FREE {
                    j
                } else {
                    i
                };
                self.retry_edge(outer, k);
                true
            }
            Kind::OuterOuterEdge(k) => {
                self.allow(k);
                self.retry_edge(self.endpoint[2 * k], k);
                true
            }
            Kind::ExpandInner(b) => {
                self.expand_blossom(b, false);
                true
            }
        }
    }
}
