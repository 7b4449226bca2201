//! Which top-level blossom holds each vertex, which tree it is in and how
//! its dual moves, without touching every vertex whenever a blossom forms,
//! comes apart or is labelled.
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
//!
//! Everything that is the same for all of a top-level blossom's vertices
//! lives in the set too: the tree it is in, and how its vertices' duals
//! move (a vertex's dual is its own base plus its set's `base + sign ·
//! total`, see `duals.rs`). So labelling a blossom INNER, or taking a nest
//! of them apart one level at a time, costs the same for a blossom of
//! 50,000 vertices as for one vertex. Walking every vertex for each cost a
//! chain of nested blossoms' size times its depth (21 million vertex
//! visits in a 100,000-member round, against 1.1 million vertices taken
//! apart after augmentations) — one of the two walks that kept the method
//! above O(nm log n); the other, over an expanded blossom's children off
//! the alternating path, is gone too: a set also keeps its vertices' best
//! edges and labels from outside (`inside.rs`). (Labelling OUTER still
//! visits every vertex: each is to be scanned.)

use super::{Dual, Solver, NONE};

/// Marks a vertex's entry in `set_of` when the vertex is its set's
/// top-level blossom itself (in no blossom): then `top(x)` is `x` without
/// reading `set_top` — the second of two dependent misses on nearly every
/// edge looked at in a large round, where most vertices are in no
/// blossom. (So vertex and set numbers stay below 2^31.)
pub(super) const SELF_TOP: u32 = 1 << 31;

/// A set's tree root or top blossom as stored (`u32`: these arrays are read
/// for nearly every edge looked at, and a smaller array stays in cache).
fn small(x: usize) -> u32 {
    if x == NONE {
        u32::MAX
    } else {
        x as u32 // (fits: `Solver::new` checks n < 2^31)
    }
}

fn wide(x: u32) -> usize {
    if x == u32::MAX {
        NONE
    } else {
        x as usize
    }
}

impl Solver {
    /// The top-level blossom (or the vertex itself) holding vertex `x`.
    pub(super) fn top(&self, x: usize) -> usize {
        let s = self.set_of[x];
        let top = if s & SELF_TOP != 0 {
            x
        } else {
            self.set_top[s as usize] as usize
        };
        debug_assert_eq!(top, self.set_top[(s & !SELF_TOP) as usize] as usize);
        top
    }

    /// The set vertex `x` is in.
    pub(super) fn set_index(&self, x: usize) -> usize {
        (self.set_of[x] & !SELF_TOP) as usize
    }

    /// The root of the tree vertex `x` was last labelled in, or NONE.
    pub(super) fn root_of(&self, x: usize) -> usize {
        wide(self.set_root[self.set_index(x)])
    }

    /// How vertex `x`'s dual moves with its set: its dual is its own base
    /// plus this one's `base + sign · total`.
    pub(super) fn set_dual_of(&self, x: usize) -> Dual {
        self.slots[self.set_index(x)].set
    }

    /// Vertex `x` joins set `s`, as that set's top-level blossom itself
    /// (`alone`: in no blossom) or not.
    fn put_in_set(&mut self, x: usize, s: usize, alone: bool) {
        self.set_of[x] = s as u32 | if alone { SELF_TOP } else { 0 }; // (fits: n < 2^31)
    }

    /// Puts top-level blossom (or vertex) `b` in the tree of `root`.
    pub(super) fn set_root(&mut self, b: usize, root: usize) {
        let s = self.set_of_top[b];
        self.set_root[s] = small(root);
    }

    /// From now on the duals of top-level `b`'s vertices move with `sign`
    /// (each keeping its value).
    pub(super) fn set_vertex_sign(&mut self, b: usize, sign: i8) {
        let s = self.set_of_top[b];
        self.slots[s].set.turn(sign, self.total);
    }

    /// The child with the most vertices.
    fn largest(&self, children: &[usize]) -> usize {
        *children
            .iter()
            .max_by_key(|&&c| self.size[c])
            .expect("a blossom has children")
    }

    /// New top-level blossom `b` made of top-level `children`: it takes
    /// over the largest child's set, the others' vertices move into it
    /// keeping their duals, and from now on they all move with
    /// `vertex_sign`.
    pub(super) fn merge_sets(&mut self, b: usize, children: &[usize], vertex_sign: i8) {
        let keep = self.largest(children);
        let set = self.set_of_top[keep];
        self.set_top[set] = small(b);
        self.set_of_top[b] = set;
        self.set_of_top[keep] = NONE;
        if keep < self.n {
            self.put_in_set(keep, set, false);
        }
        self.set_vertex_sign(b, vertex_sign);
        self.size[b] = children.iter().map(|&c| self.size[c]).sum();
        for &c in children.iter().filter(|&&c| c != keep) {
            let old = self.set_of_top[c];
            self.free_sets.push(old);
            self.empty_set(old);
            self.set_of_top[c] = NONE;
            let leaves = self.leaves(c);
            // Same value: own base + the old set's part before, own base'
            // + the new set's part after.
            let shift = self.slots[old].set.at(self.total) - self.slots[set].set.at(self.total);
            for &x in &leaves {
                self.put_in_set(x, set, false);
                self.slots[x].vertex_base += shift;
            }
            self.give_back(leaves);
        }
    }

    /// Top-level blossom `b` comes apart into its `children`, each
    /// top-level now: the largest keeps `b`'s set, the others get fresh
    /// ones in the same tree with the same dual movement (so no vertex's
    /// own base changes).
    pub(super) fn split_set(&mut self, b: usize, children: &[usize]) {
        let keep = self.largest(children);
        let set = self.set_of_top[b];
        self.set_of_top[b] = NONE;
        self.set_top[set] = small(keep);
        self.set_of_top[keep] = set;
        if keep < self.n {
            self.put_in_set(keep, set, true);
        }
        for &c in children.iter().filter(|&&c| c != keep) {
            let fresh = self
                .free_sets
                .pop()
                .expect("at most n top-level blossoms exist");
            self.set_top[fresh] = small(c);
            self.set_root[fresh] = self.set_root[set];
            self.slots[fresh].set = self.slots[set].set;
            self.set_of_top[c] = fresh;
            let leaves = self.leaves(c);
            for &x in &leaves {
                self.put_in_set(x, fresh, c < self.n);
            }
            self.fill_set(fresh, c, &leaves);
            self.give_back(leaves);
        }
    }
}
