//! Augmenting: flipping the matched and unmatched edges along a path
//! between two trees' roots, through the blossoms on it.

use super::{Solver, NONE};

impl Solver {
    /// Matches vertex `v` through remote endpoint `p`.
    pub(super) fn set_mate(&mut self, v: usize, p: usize) {
        self.mate[v] = p;
        self.partner[v] = self.end(p) as u32;
    }

    /// Swaps matched and unmatched edges inside blossom `b` so that vertex
    /// `v` becomes its base.
    pub(super) fn augment_blossom(&mut self, b: usize, v: usize) {
        let mut t = v;
        while self.blossom_parent[t] != b {
            t = self.blossom_parent[t];
        }
        if t >= self.n {
            self.augment_blossom(t, v);
        }
        let len = self.blossom_children[b].len() as isize;
        let i = self.blossom_children[b]
            .iter()
            .position(|&c| c == t)
            .unwrap();
        let mut j = i as isize;
        let (jstep, trick): (isize, usize) = if i & 1 == 1 {
            j -= len;
            (1, 0)
        } else {
            (-1, 1)
        };
        while j != 0 {
            j += jstep;
            let t1 = Self::at(&self.blossom_children[b], j);
            let p = Self::at(&self.blossom_endpoints[b], j - trick as isize) ^ trick;
            if t1 >= self.n {
                self.augment_blossom(t1, self.end(p));
            }
            j += jstep;
            let t2 = Self::at(&self.blossom_children[b], j);
            if t2 >= self.n {
                self.augment_blossom(t2, self.end(p ^ 1));
            }
            let (a, b) = (self.end(p), self.end(p ^ 1));
            self.set_mate(a, p ^ 1);
            self.set_mate(b, p);
        }
        self.blossom_children[b].rotate_left(i);
        self.blossom_endpoints[b].rotate_left(i);
        self.blossom_base[b] = self.blossom_base[self.blossom_children[b][0]];
    }

    /// Flips the augmenting path through edge `k` between two trees.
    pub(super) fn augment_matching(&mut self, k: usize) {
        self.unmatched -= 2;
        let (v, w) = (self.end(2 * k), self.end(2 * k + 1));
        for (mut s, mut p) in [(v, 2 * k + 1), (w, 2 * k)] {
            loop {
                let bs = self.top(s);
                if bs >= self.n {
                    self.augment_blossom(bs, s);
                }
                self.set_mate(s, p);
                if self.label_end[bs] == NONE {
                    break; // reached the root
                }
                let t = self.end(self.label_end[bs]);
                let bt = self.top(t);
                s = self.end(self.label_end[bt]);
                let j = self.end(self.label_end[bt] ^ 1);
                if bt >= self.n {
                    self.augment_blossom(bt, j);
                }
                self.set_mate(j, self.label_end[bt]);
                p = self.label_end[bt] ^ 1;
            }
        }
    }
}
