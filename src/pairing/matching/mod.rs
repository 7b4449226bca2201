//! Exact maximum-weight matching in general graphs (Edmonds' blossom
//! algorithm with the primal-dual method), on a sparse edge list.
//!
//! The structure follows Galil's survey ("Efficient Algorithms for Finding
//! Maximum Matching in Graphs", ACM Computing Surveys 1986): stages that each
//! grow alternating trees from every free vertex at once, shrink odd cycles
//! into blossoms, and adjust dual variables until an augmenting path of
//! tight edges appears. Everything is integer arithmetic (weights are doubled
//! so every dual stays integral), so the result is exact.
//!
//! Dual changes are lazy and the next one is found through priority
//! queues (as in Galil, Micali and Gabow's O(nm log n) variant): a change
//! costs a few queue operations instead of a walk over every labelled
//! vertex and blossom — see `duals.rs`. A scan looks at a vertex's edges
//! only as far as they can be tight yet, and goes on later if its tree
//! still grows then (`defer.rs`).
//!
//! Pure: no I/O.

mod augment;
mod defer;
mod duals;
mod forest;
mod inside;
mod order;
mod prefetch;
mod prepare;
mod queue;
mod records;
mod sets;
mod threads;
mod work;

use duals::Dual;
use forest::Best;
use inside::SetBest;
use prepare::prepare;
use queue::Queue;
use records::{adjacency, Edge, FreeEntry, Neighbour, OuterEdge, Resume, Slot};
use std::collections::VecDeque;
pub use work::Work;

const NONE: usize = usize::MAX;

/// Largest absolute edge weight accepted; keeps every dual far from overflow.
pub const MAX_ABS_WEIGHT: i64 = 1 << 40;

/// Maximum-weight matching: the matching of largest total weight, whatever
/// its size. Returns each vertex's mate. Non-positive edges never help such a
/// matching and are ignored; duplicate edges keep their largest weight;
/// self-loops are ignored.
///
/// # Panics
/// If an edge names a vertex `>= n` or a weight's magnitude exceeds
/// [`MAX_ABS_WEIGHT`] — both are programming errors, not data errors.
pub fn max_weight_matching(n: usize, edges: &[(usize, usize, i64)]) -> Vec<Option<usize>> {
    solve(n, edges.to_vec(), false).0
}

/// Maximum-cardinality matching of maximum weight: among the matchings that
/// pair as many vertices as possible, one of largest total weight. Used for
/// rounds, so that as many people as possible get a partner. Every edge
/// counts, whatever its sign.
///
/// # Panics
/// As [`max_weight_matching`].
pub fn max_weight_max_cardinality_matching(
    n: usize,
    edges: &[(usize, usize, i64)],
) -> Vec<Option<usize>> {
    solve(n, edges.to_vec(), true).0
}

/// [`max_weight_max_cardinality_matching`] on a list it may take apart: a
/// large round's (3 million edges at 100,000 members) is not copied, and
/// its memory is free again before the matching starts.
pub fn max_weight_max_cardinality_matching_of(
    n: usize,
    edges: Vec<(usize, usize, i64)>,
) -> Vec<Option<usize>> {
    solve(n, edges, true).0
}

/// [`max_weight_max_cardinality_matching`], with what it took.
pub fn max_weight_max_cardinality_matching_counted(
    n: usize,
    edges: &[(usize, usize, i64)],
) -> (Vec<Option<usize>>, Work) {
    solve(n, edges.to_vec(), true)
}

/// Total weight of `mates` under `edges` (largest weight per pair).
pub fn matching_weight(mates: &[Option<usize>], edges: &[(usize, usize, i64)]) -> i64 {
    let mut best = std::collections::HashMap::new();
    for &(a, b, w) in edges {
        if a != b {
            let key = (a.min(b), a.max(b));
            let e = best.entry(key).or_insert(w);
            *e = (*e).max(w);
        }
    }
    mates
        .iter()
        .enumerate()
        .filter_map(|(v, m)| m.filter(|&u| v < u).map(|u| best[&(v, u)]))
        .sum()
}

fn solve(
    n: usize,
    edges: Vec<(usize, usize, i64)>,
    max_cardinality: bool,
) -> (Vec<Option<usize>>, Work) {
    solve_numbered(n, edges, max_cardinality, n >= order::RENUMBER_FROM)
}

/// [`solve`], on the vertices renumbered for locality or as given
/// (`order.rs`).
fn solve_numbered(
    n: usize,
    edges: Vec<(usize, usize, i64)>,
    max_cardinality: bool,
    renumber: bool,
) -> (Vec<Option<usize>>, Work) {
    let mut prepared = prepare(n, edges, max_cardinality);
    if prepared.is_empty() {
        return (vec![None; n], Work::default());
    }
    let order = renumber.then(|| order::renumber(n, &mut prepared));
    let mut solver = Solver::new(n, prepared, max_cardinality);
    solver.run();
    let mates = match order {
        Some(order) => order::restore(&order, solver.mates()),
        None => solver.mates(),
    };
    (mates, solver.work)
}

/// Labels of top-level blossoms during a stage.
const FREE: u8 = 0;
const OUTER: u8 = 1; // "S": even distance from a free vertex
const INNER: u8 = 2; // "T": odd distance
const CRUMB: u8 = 5; // OUTER + breadcrumb while scanning for a blossom base

/// How a vertex dual moves with the total dual change, by the label of its
/// top-level blossom: OUTER vertices go down, INNER ones up.
fn vertex_sign(label: u8) -> i8 {
    match label {
        OUTER => -1,
        INNER => 1,
        _ => 0,
    }
}

/// How a top-level blossom's dual moves: the opposite of its vertices'.
fn blossom_sign(label: u8) -> i8 {
    -vertex_sign(label)
}

struct Solver {
    n: usize,
    max_cardinality: bool,
    /// Edge `k`: its two ends (endpoints `2k` and `2k + 1`, see `end`)
    /// and its weight, in one record so that a slack costs one read.
    edges: Vec<Edge>,
    /// Vertex `v`'s edges are `neighbours[first_neighbour[v]..first_neighbour[v + 1]]`,
    /// flat so that a scan reads one run of memory, each with what the
    /// scan needs of it (no read of `edges` per edge).
    neighbours: Vec<Neighbour>,
    first_neighbour: Vec<usize>,
    /// For each vertex, the remote endpoint of its matched edge, or NONE.
    mate: Vec<usize>,
    /// For each vertex, its mate (the vertex at `mate`), or `u32::MAX`:
    /// labelling an INNER blossom goes on to its base's mate, and reading
    /// that through the edge records was a miss to main memory each time
    /// at 100,000 members (the records are 48 MB; this is 400 kB).
    partner: Vec<u32>,
    /// Per vertex and blossom (0..2n).
    label: Vec<u8>,
    label_end: Vec<usize>,
    /// Which top-level blossom holds each vertex, the tree it is in and
    /// how its dual moves: vertex → set → blossom, root, sign (see
    /// `sets.rs`); `top(x)` and `root_of(x)` read it.
    set_of: Vec<u32>,
    set_top: Vec<u32>,
    set_root: Vec<u32>,
    /// Per vertex and blossom (0..2n): its set while top-level, else NONE.
    set_of_top: Vec<usize>,
    free_sets: Vec<usize>,
    /// Per set: its vertices' best edges and labels from outside, read
    /// when its blossom comes apart (see `inside.rs`).
    set_best: Vec<SetBest>,
    set_labelled: Vec<Vec<u32>>,
    /// Free blossoms to put in the free queue (see `inside.rs`).
    pending_free: Vec<(i64, usize)>,
    /// Per vertex and blossom: how many vertices it holds.
    size: Vec<usize>,
    blossom_parent: Vec<usize>,
    blossom_children: Vec<Vec<usize>>,
    blossom_base: Vec<usize>,
    /// Endpoints joining consecutive children, for non-trivial blossoms.
    blossom_endpoints: Vec<Vec<usize>>,
    unused_blossoms: Vec<usize>,
    /// Duals are lazy: the dual of blossom `x` (`n..2n`) is `base + sign
    /// * total`; a vertex's is its own base (no sign) plus its set's (see
    /// `duals.rs`).
    dual: Vec<Dual>,
    /// Per vertex (and set): its own dual base, the set's dual and the
    /// vertex's least-slack edge to an OUTER vertex (see `Slot`).
    slots: Vec<Slot>,
    /// Sum of every dual change so far.
    total: i64,
    /// Largest (doubled) weight: every vertex dual starts there.
    max_weight: i64,
    /// Vertices without a mate: the roots of the alternating trees.
    unmatched: usize,
    /// Keys are the `total` at which an item becomes due; see `duals.rs`
    /// for why a stored key may be early.
    /// Free vertices by when their best edge becomes tight.
    free_queue: Queue<FreeEntry>,
    /// Per vertex: the number of its latest entry in `free_queue`.
    free_entry: Vec<u32>,
    /// Edges between OUTER vertices by when they become tight.
    outer_queue: Queue<OuterEdge>,
    /// INNER blossoms by when their dual reaches zero.
    inner_queue: Queue,
    /// The rest of OUTER vertices' scans by when their next edge can be
    /// tight (`defer.rs`), and those due now.
    resume_queue: Queue<Resume>,
    resumed: Vec<Resume>,
    /// Per vertex: how many times it has been scanned afresh.
    scan_round: Vec<u32>,
    /// OUTER vertices to scan, first labelled first: trees grow breadth
    /// first, so two trees meet while they are small, and an augmentation
    /// takes apart fewer vertices to be labelled and scanned again (on the
    /// 100,000-member round 5 % fewer scans than last labelled first).
    /// Whatever order they are scanned in, the matching is as good.
    queue: VecDeque<usize>,
    /// Per vertex: whether it waits in `queue`.
    queued: Vec<bool>,
    /// Per vertex: whether its top-level blossom is OUTER (in a tree
    /// still growing, or one that augmented this sweep and is not taken
    /// apart yet) — `label[top(v)] == OUTER` in one read of a small
    /// array instead of three dependent ones. Taking a tree apart asks
    /// it of every neighbour it reads of every vertex it frees (at
    /// 100,000 members, 35 million times; 10 million more where a best
    /// edge is worked out again). A vertex
    /// becomes OUTER only when it is queued to be scanned (`enqueue`) and
    /// stops only when its tree is taken apart.
    outer: Vec<bool>,
    /// Single edges to look at again: (OUTER vertex, remote endpoint) — an
    /// edge a dual change made tight, without rescanning all of the
    /// vertex's edges.
    tight: Vec<(usize, usize)>,
    /// Each tree's top-level blossoms and vertices (by root), listed when
    /// they join it — labelled into it, formed in it, or left by a blossom
    /// of it coming apart — so that an augmentation takes apart only its
    /// own two trees. Some listed may have left it since.
    members: Vec<Vec<usize>>,
    /// Each tree's vertices labelled INNER from it on their own, inside a
    /// blossom that may be another tree's (by root; some may have lost
    /// that label since): when the tree is taken apart, they are the ones
    /// whose label must be worked out again (`dissolve_dead_trees`).
    labelled_inside: Vec<Vec<u32>>,
    /// Trees that already augmented this stage; their labels are stale.
    dead: Vec<bool>,
    dead_roots: Vec<usize>,
    scratch_leaves: Vec<usize>,
    /// How many vertices freed at once are read on two threads
    /// (`forest.rs`); `usize::MAX`: never, on a small graph.
    split_freed_from: usize,
    work: Work,
}

impl Solver {
    fn new(n: usize, edges: Vec<(usize, usize, i64)>, max_cardinality: bool) -> Self {
        let m = edges.len();
        assert!(
            n < sets::SELF_TOP as usize && 2 * m < u32::MAX as usize,
            "the matcher takes up to 2^31 vertices and 2^31 edges"
        );
        let max_weight = edges.iter().map(|e| e.2).max().unwrap_or(0).max(0);
        // In the list's own memory (the standard library's `collect`
        // reuses it here: at 100,000 members the peak fell from 311 to
        // 283 MB): a new 58 MB list would be fresh memory, written for
        // the first time, and on a virtual machine that is slow. (Fits:
        // checked above.)
        let records: Vec<Edge> = edges
            .into_iter()
            .map(|(a, b, w)| Edge {
                ends: [a as u32, b as u32],
                weight: w,
            })
            .collect();
        let (first_neighbour, neighbours) = adjacency(n, &records, Edge::triple, Neighbour::new);
        let mut solver = Self {
            n,
            max_cardinality,
            edges: records,
            neighbours,
            first_neighbour,
            mate: vec![NONE; n],
            partner: vec![u32::MAX; n],
            label: vec![FREE; 2 * n],
            label_end: vec![NONE; 2 * n],
            set_of: (0..n as u32).map(|v| v | sets::SELF_TOP).collect(),
            set_top: (0..n as u32).collect(),
            set_root: vec![u32::MAX; n],
            set_of_top: (0..n).chain(std::iter::repeat_n(NONE, n)).collect(),
            free_sets: Vec::new(),
            set_best: vec![SetBest::new(); n],
            set_labelled: vec![Vec::new(); n],
            pending_free: Vec::new(),
            size: vec![1; 2 * n],
            blossom_parent: vec![NONE; 2 * n],
            blossom_children: vec![Vec::new(); 2 * n],
            blossom_base: (0..n).chain(std::iter::repeat_n(NONE, n)).collect(),
            blossom_endpoints: vec![Vec::new(); 2 * n],
            unused_blossoms: (n..2 * n).rev().collect(),
            dual: vec![Dual::fixed(0); 2 * n],
            slots: vec![
                Slot {
                    vertex_base: max_weight,
                    set: Dual::fixed(0),
                    best: Best::NO_EDGE,
                };
                n
            ],
            total: 0,
            max_weight,
            unmatched: n,
            free_queue: Queue::default(),
            free_entry: vec![0; n],
            outer_queue: Queue::default(),
            inner_queue: Queue::default(),
            resume_queue: Queue::default(),
            resumed: Vec::new(),
            scan_round: vec![0; n],
            queue: VecDeque::new(),
            queued: vec![false; n],
            outer: vec![false; n],
            tight: Vec::new(),
            members: vec![Vec::new(); n],
            labelled_inside: vec![Vec::new(); n],
            dead: vec![false; n],
            dead_roots: Vec::new(),
            scratch_leaves: Vec::new(),
            split_freed_from: forest::split_freed_from(m),
            work: Work::default(),
        };
        solver.order_heaviest_first();
        solver
    }

    fn mates(&self) -> Vec<Option<usize>> {
        self.mate
            .iter()
            .map(|&p| (p != NONE).then(|| self.end(p)))
            .collect()
    }

    /// The vertex at endpoint `p` (one end of edge `p / 2`).
    fn end(&self, p: usize) -> usize {
        self.edges[p >> 1].ends[p & 1] as usize
    }

    /// Vertex `v`'s edge at `idx` (into `neighbours`): (remote endpoint,
    /// remote vertex).
    fn neighbour(&self, idx: usize) -> (usize, usize) {
        let x = self.neighbours[idx];
        (x.endpoint as usize, x.vertex as usize)
    }

    fn weight(&self, k: usize) -> i64 {
        self.edges[k].weight
    }

    /// The weight of neighbour record `x`'s edge.
    fn neighbour_weight(&self, x: Neighbour) -> i64 {
        x.weight_in(&self.edges)
    }

    /// The slack of neighbour record `x`'s edge from a vertex whose dual is
    /// `dv`: from the record, where reading the edge would be a miss.
    fn neighbour_slack(&self, dv: i64, x: Neighbour) -> i64 {
        dv + self.vertex_dual(x.vertex as usize) - 2 * self.neighbour_weight(x)
    }

    /// Reduced cost of edge `k`; zero means tight.
    fn slack(&self, k: usize) -> i64 {
        let e = self.edges[k];
        self.vertex_dual(e.ends[0] as usize) + self.vertex_dual(e.ends[1] as usize) - 2 * e.weight
    }

    /// Whether labelled vertex `x`'s tree augmented this sweep. Most sweeps
    /// end with a dual change and no augmentation, so whether any tree
    /// did is asked first: then `x`'s tree is not read (two misses).
    fn in_dead_tree(&self, x: usize) -> bool {
        !self.dead_roots.is_empty() && self.dead[self.root_of(x)]
    }

    /// Puts vertices just made OUTER in the queue to be scanned.
    fn enqueue(&mut self, vertices: &[usize]) {
        for &v in vertices {
            self.queued[v] = true;
            self.outer[v] = true;
        }
        self.queue.extend(vertices.iter().copied());
    }

    /// Appends the vertices inside blossom `b` to `out`.
    fn leaves_into(&self, b: usize, out: &mut Vec<usize>) {
        if b < self.n {
            out.push(b);
            return;
        }
        let mut stack = vec![b];
        while let Some(x) = stack.pop() {
            for &c in self.blossom_children[x].iter().rev() {
                if c < self.n {
                    out.push(c);
                } else {
                    stack.push(c);
                }
            }
        }
    }

    fn leaves(&mut self, b: usize) -> Vec<usize> {
        let mut out = std::mem::take(&mut self.scratch_leaves);
        out.clear();
        self.leaves_into(b, &mut out);
        self.work.blossom_vertices_walked += out.len() as u64;
        out
    }

    fn give_back(&mut self, leaves: Vec<usize>) {
        self.scratch_leaves = leaves;
    }

    /// Labels the top-level blossom containing `w` with `t`, reached through
    /// endpoint `p`; an INNER blossom passes OUTER on to its base's mate.
    fn assign_label(&mut self, w: usize, t: u8, p: usize) {
        let root = self.root_through(w, p);
        self.assign_label_in(w, t, p, root);
    }

    /// [`Self::assign_label`] in the tree of `root`, which the caller
    /// knows: the root of endpoint `p`'s vertex (or `w`, for a new root).
    /// The base's mate joins the same tree, so neither label reads the
    /// edge records.
    fn assign_label_in(&mut self, mut w: usize, mut t: u8, mut p: usize, root: usize) {
        loop {
            debug_assert_eq!(root, self.root_through(w, p));
            let b = self.label_blossom_in(w, t, p, root);
            if t == OUTER {
                return;
            }
            let base = self.blossom_base[b];
            w = self.partner[base] as usize;
            t = OUTER;
            p = self.mate[base] ^ 1;
        }
    }

    /// Labels the top-level blossom containing `w` (and `w` itself) with
    /// `t`, reached through endpoint `p`, in the tree of that endpoint: its
    /// vertices' duals move with the label from now on, an INNER blossom
    /// is queued by its dual, OUTER vertices are queued for scanning.
    /// Returns the blossom.
    fn label_blossom(&mut self, w: usize, t: u8, p: usize) -> usize {
        let root = self.root_through(w, p);
        self.label_blossom_in(w, t, p, root)
    }

    /// The tree that labelling `w` through endpoint `p` puts it in: that
    /// of `p`'s vertex, or `w`'s own for a new root (`p` is NONE).
    fn root_through(&self, w: usize, p: usize) -> usize {
        if p == NONE {
            w
        } else {
            self.root_of(self.end(p))
        }
    }

    /// [`Self::label_blossom`] in the tree of `root`.
    fn label_blossom_in(&mut self, w: usize, t: u8, p: usize, root: usize) -> usize {
        let b = self.top(w);
        self.label[w] = t;
        self.label[b] = t;
        self.label_end[w] = p;
        self.label_end[b] = p;
        self.slots[w].best = Best::NO_EDGE;
        // Listed in the tree when it joins it (a blossom may change trees:
        // expanding an INNER blossom can hand part of it to the tree that
        // reached it from outside).
        if self.root_of(w) != root {
            self.members[root].push(b);
            self.set_root(b, root);
        }
        self.set_vertex_sign(b, vertex_sign(t));
        if b >= self.n {
            self.set_sign(b, blossom_sign(t));
            if t == INNER {
                self.queue_inner_blossom(b);
            }
        }
        if t == OUTER {
            // Only an OUTER blossom's vertices are visited: each is
            // scanned.
            let leaves = self.leaves(b);
            self.enqueue(&leaves);
            self.give_back(leaves);
        }
        b
    }

    /// Walks up from `v` and `w` (both OUTER) to find a common base: a new
    /// blossom. Returns NONE when the trees differ (an augmenting path).
    fn scan_blossom(&mut self, mut v: usize, mut w: usize) -> usize {
        let mut path = Vec::new();
        let mut base = NONE;
        while v != NONE || w != NONE {
            if v != NONE {
                let b = self.top(v);
                if self.label[b] == CRUMB {
                    base = self.blossom_base[b];
                    break;
                }
                path.push(b);
                self.label[b] = CRUMB;
                if self.label_end[b] == NONE {
                    v = NONE; // reached a root
                } else {
                    let t = self.end(self.label_end[b]);
                    let bt = self.top(t);
                    v = self.end(self.label_end[bt]);
                }
            }
            if w != NONE {
                std::mem::swap(&mut v, &mut w);
            }
        }
        for b in path {
            self.label[b] = OUTER;
        }
        base
    }

    /// Shrinks the odd cycle closed by edge `k` into a new blossom with `base`.
    fn add_blossom(&mut self, base: usize, k: usize) {
        let (mut v, mut w) = (self.end(2 * k), self.end(2 * k + 1));
        let bb = self.top(base);
        let mut bv = self.top(v);
        let mut bw = self.top(w);
        let b = self
            .unused_blossoms
            .pop()
            .expect("at most n blossoms exist");
        self.blossom_base[b] = base;
        self.blossom_parent[b] = NONE;
        self.blossom_parent[bb] = b;
        let mut children = Vec::new();
        let mut endps = Vec::new();
        while bv != bb {
            self.blossom_parent[bv] = b;
            children.push(bv);
            endps.push(self.label_end[bv]);
            v = self.end(self.label_end[bv]);
            bv = self.top(v);
        }
        children.push(bb);
        children.reverse();
        endps.reverse();
        endps.push(2 * k);
        while bw != bb {
            self.blossom_parent[bw] = b;
            children.push(bw);
            endps.push(self.label_end[bw] ^ 1);
            w = self.end(self.label_end[bw]);
            bw = self.top(w);
        }
        self.label[b] = OUTER;
        self.label_end[b] = self.label_end[bb];
        self.dual[b] = Dual::fixed(0);
        self.set_sign(b, blossom_sign(OUTER));
        // INNER vertices become OUTER inside the new blossom; their edges to
        // other OUTER vertices join the queue when scanned.
        for &c in &children {
            if self.label[c] == INNER {
                let leaves = self.leaves(c);
                self.enqueue(&leaves);
                self.give_back(leaves);
            }
        }
        self.merge_sets(b, &children, vertex_sign(OUTER));
        let root = self.root_of(base);
        self.members[root].push(b);
        // Inner blossoms keep their duals from now on.
        let n = self.n;
        for &child in children.iter().filter(|&&c| c >= n) {
            self.set_sign(child, 0);
        }
        self.blossom_children[b] = children;
        self.blossom_endpoints[b] = endps;
    }

    /// Index into a blossom's cyclic child list, allowing negative positions.
    fn at(list: &[usize], j: isize) -> usize {
        list[j.rem_euclid(list.len() as isize) as usize]
    }

    /// Dissolves blossom `b` into its children. Mid-stage (`end_stage` false)
    /// an INNER blossom relabels the part of its cycle on the alternating path.
    fn expand_blossom(&mut self, b: usize, end_stage: bool) {
        if !end_stage {
            // Its vertices keep their duals until relabelled below (the
            // children's sets start as a copy of its own).
            self.set_vertex_sign(b, 0);
        }
        let children = std::mem::take(&mut self.blossom_children[b]);
        self.split_set(b, &children);
        // The tree listed `b` (or what it was made from): it lists the
        // children now, whose vertices stay in it until relabelled.
        let root = self.root_of(self.blossom_base[b]);
        if !end_stage && root != NONE {
            self.members[root].extend_from_slice(&children);
        }
        for &s in &children {
            self.blossom_parent[s] = NONE;
            if s >= self.n && end_stage && self.dual_of(s) == 0 {
                self.expand_blossom(s, end_stage);
            }
        }
        if !end_stage && self.label[b] == INNER {
            let endps = std::mem::take(&mut self.blossom_endpoints[b]);
            let len = children.len() as isize;
            let entry_child = self.top(self.end(self.label_end[b] ^ 1));
            let mut j = children.iter().position(|&c| c == entry_child).unwrap() as isize;
            let (jstep, trick): (isize, usize) = if j & 1 == 1 {
                j -= len;
                (1, 0)
            } else {
                (-1, 1)
            };
            let endp = |j: isize| Self::at(&endps, j - trick as isize) ^ trick;
            let mut p = self.label_end[b];
            while j != 0 {
                // Relabel the INNER/OUTER pair of children along the path.
                let e1 = self.end(p ^ 1);
                self.label[e1] = FREE;
                let q = endp(j);
                let e2 = self.end(q ^ 1);
                self.label[e2] = FREE;
                self.assign_label(e1, INNER, p);
                // (The cycle's edges are tight: with the blossom's dual at
                // zero, their ends' duals alone make them so.)
                debug_assert_eq!(self.slack(q / 2), 0, "a blossom edge not tight");
                j += jstep;
                p = endp(j);
                debug_assert_eq!(self.slack(p / 2), 0, "a blossom edge not tight");
                j += jstep;
            }
            // The child the path ends at takes over the blossom's place:
            // INNER, in the same tree.
            let e = self.end(p ^ 1);
            debug_assert_eq!(self.top(e), Self::at(&children, j));
            self.label_blossom(e, INNER, p);
            j += jstep;
            while Self::at(&children, j) != entry_child {
                let bv = Self::at(&children, j);
                if self.label[bv] == OUTER {
                    j += jstep;
                    continue;
                }
                // A child off the path: reachable again only if one of its
                // vertices was labelled INNER from outside the blossom —
                // found, like its best edges, without walking its vertices
                // (`inside.rs`).
                let labelled = if bv < self.n {
                    (self.label[bv] != FREE).then_some(bv)
                } else {
                    self.work.off_path_blossoms += 1;
                    self.set_labelled_vertex(self.set_of_top[bv])
                };
                if labelled.is_none() {
                    // Free again: its best edges count again. (Still listed
                    // in the tree, as before: taken apart with it.)
                    if bv < self.n {
                        self.queue_free_vertex(bv);
                    } else {
                        self.queue_free_blossom(bv);
                    }
                }
                if let Some(x) = labelled {
                    debug_assert_eq!(self.label[x], INNER);
                    self.label[x] = FREE;
                    let base = self.blossom_base[bv];
                    let partner = self.partner[base] as usize;
                    debug_assert_eq!(partner, self.end(self.mate[base]));
                    self.label[partner] = FREE;
                    let end = self.label_end[x];
                    self.assign_label(x, INNER, end);
                }
                j += jstep;
            }
            self.blossom_endpoints[b] = endps;
        }
        self.label[b] = FREE;
        self.label_end[b] = NONE;
        self.blossom_endpoints[b].clear();
        self.blossom_base[b] = NONE;
        self.dual[b] = Dual::fixed(0);
        self.unused_blossoms.push(b);
    }

    fn run(&mut self) {
        let n = self.n;
        for v in 0..n {
            if self.mate[v] == NONE && self.label[self.top(v)] == FREE {
                self.assign_label(v, OUTER, NONE);
            }
        }
        loop {
            // Several trees may augment in one sweep: each augmentation
            // retires its two trees, and the others keep growing on the
            // edges that are already tight. Then only the retired trees are
            // taken apart (`dissolve_dead_trees`); the others stay as they
            // are — rebuilding every tree after each sweep is what made
            // large sparse graphs slow — and duals change again.
            //
            // The edges a dual change made tight come before any scan, and
            // the last found first (`adjust_duals` lists those between two
            // trees last): the trees that can augment do so before the
            // others grow, and the forest grows a layer at a time (`queue`).
            // On the 100,000-member round that took 12 % fewer edge visits
            // than scanning first. Scans that stopped at an edge not yet
            // tight and may go on now (`defer.rs`) come next, before the
            // scans of vertices labelled since.
            let mut augmented = false;
            loop {
                self.prefetch_popped_ahead();
                if let Some((v, p)) = self.tight.pop() {
                    let live = self.is_outer(v) && !self.in_dead_tree(v);
                    if !live {
                        self.requeue_free_end(p);
                    } else if self.edge(v, self.vertex_dual(v), p, self.end(p), self.weight(p / 2))
                    {
                        augmented = true;
                    }
                } else if let Some(entry) = self.resumed.pop() {
                    if self.resume_stands(entry) {
                        self.work.resumes += 1;
                        let (v, at) = (entry.vertex as usize, entry.at as usize);
                        if self.scan_from(v, at) {
                            augmented = true;
                        }
                    }
                } else if let Some(v) = self.queue.pop_front() {
                    self.prefetch_queued_ahead();
                    self.queued[v] = false;
                    if !self.in_dead_tree(v) && self.scan(v) {
                        augmented = true;
                    }
                } else {
                    break;
                }
            }
            // Once everyone is matched (or all but one), the trees that
            // augmented last need not be taken apart (at 100,000 members,
            // 34,000 vertices; at 10,000, half of them): `adjust_duals`
            // ends the run.
            if augmented && self.unmatched > 1 {
                self.dissolve_dead_trees();
                continue;
            }
            if !self.adjust_duals() {
                break;
            }
        }
    }

    /// Looks at one edge of OUTER vertex `v` (whose dual is `dv`), to
    /// remote endpoint `p` (vertex `w`), of weight `weight`.
    /// Whether it augmented.
    fn edge(&mut self, v: usize, dv: i64, p: usize, w: usize, weight: i64) -> bool {
        self.work.edge_visits += 1;
        {
            let k = p / 2;
            let bw = self.top(w);
            if self.top(v) == bw {
                return false;
            }
            let label = self.label[bw];
            if label == INNER && self.label[w] != FREE {
                // A labelled vertex of an INNER blossom: nothing to do,
                // tight or not, in a living tree or not — decided without
                // reading its tree or its dual (misses on a
                // large round; a tenth of all visits).
                return false;
            }
            if label != FREE && self.in_dead_tree(w) {
                return false;
            }
            // Its slack from the two ends' duals alone is the whole of it:
            // the ends are in different top-level blossoms, so no blossom's
            // dual counts, and it is never below zero.
            let kslack = dv + self.vertex_dual(w) - 2 * weight;
            debug_assert!(kslack >= 0, "an edge between blossoms below zero slack");
            if kslack == 0 {
                if self.label[bw] == FREE {
                    // (`w` joins `v`'s tree: known without reading the edge.)
                    let root = self.root_of(v);
                    self.assign_label_in(w, INNER, p ^ 1, root);
                } else if self.label[bw] == OUTER {
                    let base = self.scan_blossom(v, w);
                    if base != NONE {
                        self.add_blossom(base, k);
                    } else {
                        for r in [self.root_of(v), self.root_of(w)] {
                            self.dead[r] = true;
                            self.dead_roots.push(r);
                        }
                        self.augment_matching(k);
                        return true;
                    }
                } else if self.label[w] == FREE {
                    // w sits inside an INNER blossom without a label of its own.
                    self.label_inside(w, p ^ 1);
                }
            } else if self.label[bw] == OUTER {
                // (If `w` waits to be scanned, its scan queues this edge:
                // once is enough.)
                if !self.queued[w] {
                    debug_assert!(kslack % 2 == 0, "odd slack between outer vertices");
                    let entry = OuterEdge {
                        from: v as u32, // (fits: `Solver::new` checks)
                        endpoint: p as u32,
                        to: w as u32,
                    };
                    self.outer_queue.push(self.total + kslack / 2, entry);
                    self.work.outer_edges_queued += 1;
                }
            } else if self.label[w] == FREE {
                self.note_free_edge(w, k, kslack);
            }
        }
        false
    }
}
