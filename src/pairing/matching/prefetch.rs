//! What the matcher asks for ahead (see `pairing/prefetch.rs`): a scan
//! streams an OUTER vertex's neighbour records, and each sends it to its
//! far end's records at random.

use super::super::prefetch::line_of;
use super::Solver;

/// How many neighbour records ahead a scan asks for the far end's
/// records: far enough for a miss to the shared cache to arrive, near
/// enough that most scans (they stop at the first edge that cannot be
/// tight yet) get that far.
const AHEAD: usize = 4;

/// How many vertices ahead taking a tree apart asks for a vertex's dual
/// slot and the start of its neighbour records (the vertices are in
/// order, but far apart: a miss each, the hottest line of that pass).
pub(super) const AHEAD_VERTICES: usize = 2;

impl Solver {
    /// Before a loop over neighbour records `from..end`: asks for the far
    /// ends of the first [`AHEAD`] of them.
    #[inline(always)]
    pub(super) fn prefetch_first_far_ends(&self, from: usize, end: usize) {
        for idx in from..(from + AHEAD).min(end) {
            self.prefetch_far_end(self.neighbours[idx].vertex as usize);
        }
    }

    /// In a loop over neighbour records up to `end`, at record `idx`: asks
    /// for the far end of the record [`AHEAD`] on, if there is one.
    #[inline(always)]
    pub(super) fn prefetch_far_end_ahead(&self, idx: usize, end: usize) {
        if idx + AHEAD < end {
            self.prefetch_far_end(self.neighbours[idx + AHEAD].vertex as usize);
        }
    }

    /// Asks for what visiting an edge to vertex `w` reads of it first: its
    /// set, its label and its dual slot. (Not its tree: that is read only
    /// in the rare sweeps after a tree has augmented, `in_dead_tree`.)
    #[inline(always)]
    fn prefetch_far_end(&self, w: usize) {
        line_of(&self.set_of[w]);
        line_of(&self.label[w]);
        line_of(&self.slots[w]);
    }

    /// Asks for what reading vertex `v`'s edges reads first: its dual slot,
    /// its set and its first neighbour records.
    #[inline(always)]
    pub(super) fn prefetch_edges_of(&self, v: usize) {
        line_of(&self.slots[v]);
        line_of(&self.set_of[v]);
        if let Some(first) = self.neighbours.get(self.first_neighbour[v]) {
            line_of(first);
        }
    }
}
