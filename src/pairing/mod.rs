//! The pairing engine. Pure: plain data in, plain data out — no tokio, no
//! Redis, no Slack — and deterministic for a given input and seed.
//!
//! - [`matching`] — exact maximum-weight matching (Edmonds' blossoms).
//! - [`skills`], [`roster`] — people, their skills, the roster CSV.
//! - [`score`] — pair scores, hard constraints and human reasons.
//! - [`round`] — candidate pruning, the round's matching, the odd one out.
//! - [`candidates`] — a large program's candidates through a skill index.
//! - [`circles`] — groups of `size ± 1` by greedy + local search.
//! - [`history`] — past rounds, in the same shape `tandem match` prints.

pub mod candidates;
pub mod circles;
pub mod history;
pub mod matching;
mod prefetch;
pub mod roster;
pub mod round;
pub mod score;
pub mod skills;

pub use matching::{
    matching_weight, max_weight_matching, max_weight_max_cardinality_matching,
    max_weight_max_cardinality_matching_counted, max_weight_max_cardinality_matching_of, Work,
};
