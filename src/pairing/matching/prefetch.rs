//! What the matcher asks for ahead (see `pairing/prefetch.rs`): a scan
//! streams an OUTER vertex's neighbour records, and each sends it to its
//! far end's records at random.

use super::super::prefetch::line_of;
use super::records::Neighbour;
use super::Solver;

/// How many neighbour records ahead a scan asks for the far end's
/// records: far enough for a miss to the shared cache to arrive, near
/// enough that most scans (they stop at the first edge that cannot be
/// tight yet) get that far. (4 until session 24: with the scans' own
/// records asked for ahead, below, 8 was a little faster at 100,000.)
const AHEAD: usize = 8;

/// How many places ahead in the scan queue a vertex's own records are
/// asked for (its dual slot, set, scan number and where its list
/// starts), and how many its first neighbour records: the queue is known
/// in advance, and each scan began with a miss on each of them (perf at
/// 100,000 members: a fifth of the run loop's own samples on the first).
const QUEUED_AHEAD: usize = 4;
const QUEUED_LIST_AHEAD: usize = 2;

/// How many entries ahead of the one popped the tight edges and resumed
/// scans, each a stack, have their first records asked for.
const POPPED_AHEAD: usize = 4;

/// How many cache lines of a freed vertex's neighbour records are asked
/// for ahead of reading them: its list is read from the start, at a
/// random place in 72 MB, and most stop within a few lines — too short
/// a run for the processor's own prefetcher to catch up (perf: half of
/// the freed-vertex pass's samples waited on the list itself).
const LIST_LINES: usize = 4;

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
    /// its set and its first [`LIST_LINES`] lines of neighbour records.
    #[inline(always)]
    pub(super) fn prefetch_edges_of(&self, v: usize) {
        line_of(&self.slots[v]);
        line_of(&self.set_of[v]);
        let (from, end) = (self.first_neighbour[v], self.first_neighbour[v + 1]);
        let per_line = (64 / std::mem::size_of::<Neighbour>()).max(1);
        for idx in (from..end).step_by(per_line).take(LIST_LINES) {
            line_of(&self.neighbours[idx]);
        }
    }

    /// Before the scan of the vertex at the queue's front: asks for what
    /// the scans of the next ones in the queue read first.
    #[inline(always)]
    pub(super) fn prefetch_queued_ahead(&self) {
        if let Some(&u) = self.queue.get(QUEUED_AHEAD) {
            line_of(&self.scan_round[u]);
            line_of(&self.first_neighbour[u]);
            line_of(&self.slots[u]);
            line_of(&self.set_of[u]);
        }
        if let Some(&u) = self.queue.get(QUEUED_LIST_AHEAD) {
            if let Some(first) = self.neighbours.get(self.first_neighbour[u]) {
                line_of(first);
            }
        }
    }

    /// Before popping a tight edge or a resumed scan: asks for what the
    /// ones [`POPPED_AHEAD`] further down each stack read first.
    #[inline(always)]
    pub(super) fn prefetch_popped_ahead(&self) {
        if let Some(&(v, p)) = self.tight.iter().rev().nth(POPPED_AHEAD) {
            line_of(&self.edges[p >> 1]);
            line_of(&self.slots[v]);
            line_of(&self.set_of[v]);
            line_of(&self.outer[v]);
        }
        if let Some(entry) = self.resumed.iter().rev().nth(POPPED_AHEAD) {
            let v = entry.vertex as usize;
            line_of(&self.scan_round[v]);
            line_of(&self.neighbours[entry.at as usize]);
            line_of(&self.slots[v]);
            line_of(&self.set_of[v]);
        }
    }
}
