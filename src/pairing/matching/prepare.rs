//! The edges as the solver takes them: checked, each pair once, and
//! rescaled to positive, doubled weights.

use super::MAX_ABS_WEIGHT;

/// Validates, de-duplicates and rescales the edges: positive, doubled
/// weights. In place: a large round's list is hundreds of megabytes, and a
/// copy of it was that much more memory written for the first time.
pub(super) fn prepare(
    n: usize,
    mut list: Vec<(usize, usize, i64)>,
    max_cardinality: bool,
) -> Vec<(usize, usize, i64)> {
    list.retain_mut(|(a, b, w)| {
        assert!(
            *a < n && *b < n,
            "edge ({a}, {b}) names a vertex outside 0..{n}"
        );
        assert!(w.abs() <= MAX_ABS_WEIGHT, "edge weight {w} exceeds ±2^40");
        (*a, *b) = ((*a).min(*b), (*a).max(*b));
        *a != *b && (max_cardinality || *w > 0)
    });
    // Keep the heaviest copy of each pair (nothing to do for a list in
    // order without repeats, as a round's is: a check is one pass, a sort
    // of millions of edges a tenth of the cache misses).
    if !list.is_sorted_by(|x, y| (x.0, x.1) < (y.0, y.1)) {
        list.sort_unstable_by(|x, y| (x.0, x.1, y.2).cmp(&(y.0, y.1, x.2)));
        list.dedup_by(|later, first| later.0 == first.0 && later.1 == first.1);
    }
    // Among maximum-cardinality matchings every matching has the same number
    // of edges, so adding one constant to every weight keeps their order; it
    // lets the solver work with positive weights only.
    if max_cardinality {
        if let Some(min) = list.iter().map(|e| e.2).min() {
            if min <= 0 {
                let shift = 1 - min;
                list.iter_mut().for_each(|e| e.2 += shift);
            }
        }
    }
    list.iter_mut().for_each(|e| e.2 *= 2);
    list
}

#[cfg(test)]
mod tests {
    use super::prepare;

    #[test]
    fn each_pair_once_heaviest_kept_then_shifted_and_doubled() {
        // Out of order, with a lighter copy that is the least weight of
        // all: once dropped, the least left is positive, so no shift.
        let edges = vec![(1, 0, -5), (2, 3, 4), (0, 1, 3), (2, 2, 9)];
        assert_eq!(prepare(4, edges, true), vec![(0, 1, 6), (2, 3, 8)]);
        // In order: the least weight (−2) shifts every weight to 1 and up.
        let edges = vec![(0, 1, -2), (2, 3, 4)];
        assert_eq!(prepare(4, edges.clone(), true), vec![(0, 1, 2), (2, 3, 14)]);
        // Maximum weight only: what cannot add weight is dropped instead.
        assert_eq!(prepare(4, edges, false), vec![(2, 3, 8)]);
        assert!(prepare(4, Vec::new(), true).is_empty());
    }
}
