//! What the solver did, counted.

/// What the solver did, counted: unlike its time, the same on every
/// machine and every run, so a change to the method can be judged on a
/// noisy machine (`cargo bench --bench engine -- round-graph` prints it).
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Edges looked at from an OUTER vertex (scans and tight edges).
    pub edge_visits: u64,
    /// OUTER vertices whose edges were scanned.
    pub scans: u64,
    /// Scans taken up again where they stopped (`defer.rs`).
    pub resumes: u64,
    /// Dual changes.
    pub dual_changes: u64,
    /// Sweeps that augmented (each followed by taking trees apart).
    pub augmenting_sweeps: u64,
    /// Vertices of trees that augmented, taken apart (summed over sweeps).
    pub vertices_taken_apart: u64,
    /// Edges between OUTER vertices queued for a later dual change.
    pub outer_edges_queued: u64,
    /// Vertices visited one by one inside blossoms: labelled OUTER (to be
    /// scanned), made OUTER by a new blossom, moved between sets, freed by
    /// an expansion. Labelling INNER and expanding level by level visit
    /// none (see `sets.rs`).
    pub blossom_vertices_walked: u64,
    /// Blossoms left off the path when an INNER blossom came apart, each
    /// freed or labelled from its own records without a walk (`inside.rs`).
    pub off_path_blossoms: u64,
}
