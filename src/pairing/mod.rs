//! The pairing engine. Pure: plain data in, plain data out — no tokio, no
//! Redis, no Slack — and deterministic for a given input and seed.

pub mod matching;

pub use matching::{matching_weight, max_weight_matching, max_weight_max_cardinality_matching};
