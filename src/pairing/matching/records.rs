//! The records the solver reads for each edge, sized for memory traffic:
//! on a 100,000-member round there are millions of each, read at random
//! or streamed by every scan.

use super::duals::Dual;
use super::forest::Best;

/// One edge; indices are `u32` to halve what the solver reads from memory
/// on large graphs (a 100,000-member round has 3.6 million edges).
#[derive(Clone, Copy)]
pub(super) struct Edge {
    pub(super) ends: [u32; 2],
    pub(super) weight: i64,
}

/// One of a vertex's edges, from that vertex: 12 bytes, because every
/// scan streams a vertex's whole list of them (a 100,000-member round has
/// 7 million) and the bytes read are most of what a scan costs.
#[derive(Clone, Copy)]
pub(super) struct Neighbour {
    /// The remote endpoint (`2k` or `2k + 1` for edge `k`).
    pub(super) endpoint: u32,
    /// The remote vertex.
    pub(super) vertex: u32,
    /// The edge's weight where it fits, else [`WIDE`]: read from the edge.
    pub(super) weight: i32,
}

/// A weight too large for a neighbour record (rounds never have one).
pub(super) const WIDE: i32 = i32::MIN;

impl Neighbour {
    /// The weight of this record's edge: from the record, else (`WIDE`)
    /// from `edges`.
    pub(super) fn weight_in(self, edges: &[Edge]) -> i64 {
        if self.weight == WIDE {
            edges[self.endpoint as usize / 2].weight
        } else {
            i64::from(self.weight)
        }
    }

    pub(super) fn new(endpoint: usize, vertex: usize, weight: i64) -> Self {
        Self {
            // (Fits: `Solver::new` checks.)
            endpoint: endpoint as u32,
            vertex: vertex as u32,
            weight: i32::try_from(weight).unwrap_or(WIDE),
        }
    }
}

/// An edge between OUTER vertices, as queued: from vertex `from` to the
/// remote endpoint `endpoint` (of edge `endpoint / 2`) at vertex `to`.
#[derive(Clone, Copy)]
pub(super) struct OuterEdge {
    pub(super) from: u32,
    pub(super) endpoint: u32,
    pub(super) to: u32,
}

/// The rest of a scan, as queued (`defer.rs`): OUTER vertex `vertex`'s
/// edges from position `at` (into `Solver::neighbours`) on, for its fresh
/// scan number `round`.
#[derive(Clone, Copy)]
pub(super) struct Resume {
    pub(super) vertex: u32,
    pub(super) at: u32,
    pub(super) round: u32,
}

/// A free vertex as queued by when its best edge falls due, with the
/// number of its latest entry (`Solver::free_entry`): an older entry of
/// the same vertex is dropped on that alone, without reading its best edge
/// (most entries are older ones: a vertex is queued again each time its
/// best edge improves).
#[derive(Clone, Copy)]
pub(super) struct FreeEntry {
    pub(super) vertex: u32,
    pub(super) number: u32,
}

/// Every vertex's edges, flat: vertex `v`'s are
/// `records[first[v]..first[v + 1]]`, one per edge end, made by
/// `record(remote endpoint, remote vertex, weight)` (the remote endpoint of
/// edge `k` seen from its first end is `2k + 1`, from its second `2k`).
/// Returns `(first, records)`.
pub(super) fn adjacency<T: Copy>(
    n: usize,
    edges: &[(usize, usize, i64)],
    record: impl Fn(usize, usize, i64) -> T,
) -> (Vec<usize>, Vec<T>) {
    let mut first = vec![0usize; n + 1];
    for &(a, b, _) in edges {
        first[a + 1] += 1;
        first[b + 1] += 1;
    }
    for v in 0..n {
        first[v + 1] += first[v];
    }
    let mut records = vec![record(0, 0, 0); first[n]];
    let mut next = first.clone();
    for (k, &(a, b, w)) in edges.iter().enumerate() {
        records[next[a]] = record(2 * k + 1, b, w);
        next[a] += 1;
        records[next[b]] = record(2 * k, a, w);
        next[b] += 1;
    }
    (first, records)
}

/// What an edge visit reads of its far end `i` besides its set and label,
/// in one 32-byte slot (half a cache line) instead of three arrays: `i`'s
/// own dual base; the dual of set `i`, which is `i`'s own set from the
/// start until it joins a blossom (`sets.rs`), so that a vertex's whole
/// dual is mostly one read; and `i`'s least-slack edge to an OUTER vertex
/// (`forest.rs`), read whenever `i` is free. On a 30,000-member round
/// (callgrind, the matcher only, 32 KiB D1 and 1 MiB LL) this took a
/// sixth of the D1 read misses and a tenth of the LL ones. (`set_of` in
/// the slot too took a few more D1 misses off but put LL ones back on:
/// `top` needs its 4 bytes far more often than the rest.)
#[derive(Clone, Copy)]
#[repr(C, align(32))]
pub(super) struct Slot {
    pub(super) vertex_base: i64,
    pub(super) set: Dual,
    pub(super) best: Best,
}
