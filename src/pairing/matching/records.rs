//! The records the solver reads for each edge, sized for memory traffic:
//! on a 100,000-member round there are millions of each, read at random
//! or streamed by every scan.

use super::duals::Dual;
use super::forest::Best;
use super::threads::{side_by_side, threads_for};
use std::mem::MaybeUninit;
use std::ops::Range;

/// One edge; indices are `u32` to halve what the solver reads from memory
/// on large graphs (a 100,000-member round has 3.6 million edges).
#[derive(Clone, Copy)]
pub(super) struct Edge {
    pub(super) ends: [u32; 2],
    pub(super) weight: i64,
}

impl Edge {
    /// Its ends and weight.
    pub(super) fn triple(self) -> (usize, usize, i64) {
        (self.ends[0] as usize, self.ends[1] as usize, self.weight)
    }
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

/// Every vertex's edges (`ends` gives an edge's first end, second end and
/// weight), flat: vertex `v`'s are `records[first[v]..first[v + 1]]`, one
/// per edge end, in the order of the edges, made by `record(remote
/// endpoint, remote vertex, weight)` (the remote endpoint of edge `k`
/// seen from its first end is `2k + 1`, from its second `2k`). Returns
/// `(first, records)`.
///
/// A vertex's records are written where its list is, so the writes for
/// second ends land at random over all the records (86 MB on a
/// 100,000-member round). So large lists are filled a part at a time —
/// the records of a range of vertices, small enough to stay in the
/// shared cache, each part from a pass over all the edges — and the
/// parts on two threads; the records are the same.
pub(super) fn adjacency<E: Copy + Sync, T: Copy + Send>(
    n: usize,
    edges: &[E],
    ends: impl Fn(E) -> (usize, usize, i64) + Sync,
    record: impl Fn(usize, usize, i64) -> T + Sync,
) -> (Vec<usize>, Vec<T>) {
    let threads = threads_for(edges.len());
    adjacency_in_parts(n, edges, ends, record, PART_BYTES, threads)
}

/// [`adjacency`], a part being at most about `part_bytes` of records, on
/// `threads` threads (one or two).
fn adjacency_in_parts<E: Copy + Sync, T: Copy + Send>(
    n: usize,
    edges: &[E],
    ends: impl Fn(E) -> (usize, usize, i64) + Sync,
    record: impl Fn(usize, usize, i64) -> T + Sync,
    part_bytes: usize,
    threads: usize,
) -> (Vec<usize>, Vec<T>) {
    let mut first = vec![0usize; n + 1];
    for &e in edges {
        let (a, b, _) = ends(e);
        first[a + 1] += 1;
        first[b + 1] += 1;
    }
    for v in 0..n {
        first[v + 1] += first[v];
    }
    // Not written first with a placeholder: a large round's records are
    // fresh memory, and on a virtual machine writing it the first time is
    // most of what building them costs (the placeholders alone took
    // 0.10–0.16 s at 100,000 members); the parts write it, side by side.
    let len = first[n];
    let mut records: Vec<T> = Vec::with_capacity(len);
    let parts = vertex_parts(&first, part_bytes / std::mem::size_of::<T>().max(1));
    // Each part's vertices and records.
    let mut work: Vec<(Range<usize>, &mut [MaybeUninit<T>])> = Vec::with_capacity(parts.len());
    let mut rest = &mut records.spare_capacity_mut()[..len];
    for vertices in parts {
        let (here, after) = rest.split_at_mut(first[vertices.end] - first[vertices.start]);
        work.push((vertices, here));
        rest = after;
    }
    let fill = |work: &mut [(Range<usize>, &mut [MaybeUninit<T>])]| {
        for (vertices, out) in work {
            fill_part(vertices.clone(), out, &first, edges, &ends, &record);
        }
    };
    if work.len() < 2 || threads < 2 {
        fill(&mut work);
    } else {
        let half = work.len() / 2;
        let (low, high) = work.split_at_mut(half);
        side_by_side(|| fill(low), || fill(high));
    }
    // SAFETY: the parts cover records 0..len, and `fill_part` checks that
    // it wrote every record of its part (or panics first).
    unsafe { records.set_len(len) };
    (first, records)
}

/// Records of a part at most (see `adjacency`): with two threads filling
/// a part each, both stay inside a 32 MB shared cache.
const PART_BYTES: usize = 12 << 20;

/// Ranges of vertices, in order, of about `per_part` records or fewer
/// each (one range for a small graph; a vertex with more is a range).
fn vertex_parts(first: &[usize], per_part: usize) -> Vec<Range<usize>> {
    let n = first.len() - 1;
    let per_part = per_part.max(1);
    let mut parts = Vec::new();
    let mut start = 0;
    for v in 1..n {
        if first[v] - first[start] >= per_part {
            parts.push(start..v);
            start = v;
        }
    }
    parts.push(start..n);
    parts
}

/// Writes the records of `vertices` into `out` (theirs, from
/// `first[vertices.start]` on), from a pass over all the edges: every one
/// of them, or it panics.
fn fill_part<E: Copy, T>(
    vertices: Range<usize>,
    out: &mut [MaybeUninit<T>],
    first: &[usize],
    edges: &[E],
    ends: impl Fn(E) -> (usize, usize, i64),
    record: impl Fn(usize, usize, i64) -> T,
) {
    let offset = first[vertices.start];
    let mut next: Vec<usize> = first[vertices.clone()].iter().map(|f| f - offset).collect();
    for (k, &e) in edges.iter().enumerate() {
        let (a, b, w) = ends(e);
        if vertices.contains(&a) {
            out[next[a - vertices.start]].write(record(2 * k + 1, b, w));
            next[a - vertices.start] += 1;
        }
        if vertices.contains(&b) {
            out[next[b - vertices.start]].write(record(2 * k, a, w));
            next[b - vertices.start] += 1;
        }
    }
    // Each vertex's records end where the next one's begin (the last's
    // at the end of the part): all written, each once.
    let ends = first[vertices.start + 1..=vertices.end]
        .iter()
        .map(|f| f - offset);
    assert!(
        next.iter().copied().eq(ends),
        "a vertex's records were not all written"
    );
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

#[cfg(test)]
mod tests {
    use super::adjacency_in_parts;

    #[test]
    fn lists_built_in_parts_side_by_side_are_the_lists_built_whole() {
        let n = 300;
        let edges: Vec<(usize, usize, i64)> = (0..n)
            .flat_map(|a| (1..7).map(move |d| (a, (a * 13 + d * 71) % n, (a + d) as i64)))
            .filter(|&(a, b, _)| a < b)
            .collect();
        let build = |part_bytes: usize, threads: usize| {
            adjacency_in_parts(n, &edges, |e| e, |p, v, w| (p, v, w), part_bytes, threads)
        };
        let whole = build(usize::MAX, 1);
        // The lists one by one, edge by edge.
        let mut lists = vec![Vec::new(); n];
        for (k, &(a, b, w)) in edges.iter().enumerate() {
            lists[a].push((2 * k + 1, b, w));
            lists[b].push((2 * k, a, w));
        }
        for (v, list) in lists.iter().enumerate() {
            assert_eq!(&whole.1[whole.0[v]..whole.0[v + 1]], &list[..]);
        }
        // Parts of one record to a few hundred, on one thread and two.
        for part_bytes in [1, 24 * 5, 24 * 200] {
            for threads in [1, 2] {
                let parts = build(part_bytes, threads);
                assert_eq!(
                    parts, whole,
                    "parts of {part_bytes} bytes, {threads} threads"
                );
            }
        }
    }
}
