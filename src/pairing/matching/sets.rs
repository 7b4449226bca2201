//! Which top-level blossom holds each vertex, without relabelling every
//! vertex whenever a blossom forms or comes apart.
//!
//! On large rounds (many equal weights) blossoms nest deeply: one blossom
//! keeps absorbing small odd cycles, and writing the new blossom's id into
//! each of its vertices made forming blossoms quadratic (at 100,000 members,
//! 490 million vertex writes for 25,000 blossoms). Instead each top-level
//! blossom owns a *set* of vertices: a vertex names its set, a set names
//! its blossom. Forming a blossom hands the largest child's set to the new
//! blossom and moves only the other children's vertices into it (union by
//! size); expanding one hands its set to the largest child and gives each
//! other child a fresh set.

use super::{Solver, NONE};

impl Solver {
    /// The top-level blossom (or the vertex itself) holding vertex `x`.
    pub(super) fn top(&self, x: usize) -> usize {
        self.set_top[self.set_of[x]]
    }

    /// The child with the most vertices.
    fn largest(&self, children: &[usize]) -> usize {
        *children
            .iter()
            .max_by_key(|&&c| self.size[c])
            .expect("a blossom has children")
    }

    /// New top-level blossom `b` made of top-level `children`: it takes
    /// over the largest child's set, the others' vertices move into it.
    pub(super) fn merge_sets(&mut self, b: usize, children: &[usize]) {
        let keep = self.largest(children);
        let set = self.set_of_top[keep];
        self.set_top[set] = b;
        self.set_of_top[b] = set;
        self.set_of_top[keep] = NONE;
        self.size[b] = children.iter().map(|&c| self.size[c]).sum();
        for &c in children.iter().filter(|&&c| c != keep) {
            self.free_sets.push(self.set_of_top[c]);
            self.set_of_top[c] = NONE;
            self.move_vertices(c, set);
        }
    }

    /// Top-level blossom `b` comes apart into its `children`, each
    /// top-level now: the largest keeps `b`'s set, the others get fresh
    /// ones.
    pub(super) fn split_set(&mut self, b: usize, children: &[usize]) {
        let keep = self.largest(children);
        let set = self.set_of_top[b];
        self.set_of_top[b] = NONE;
        self.set_top[set] = keep;
        self.set_of_top[keep] = set;
        for &c in children.iter().filter(|&&c| c != keep) {
            let fresh = self
                .free_sets
                .pop()
                .expect("at most n top-level blossoms exist");
            self.set_top[fresh] = c;
            self.set_of_top[c] = fresh;
            self.move_vertices(c, fresh);
        }
    }

    /// Puts the vertices of blossom `c` in `set`.
    fn move_vertices(&mut self, c: usize, set: usize) {
        let leaves = self.leaves(c);
        for &x in &leaves {
            self.set_of[x] = set;
        }
        self.give_back(leaves);
    }
}
