//! Asking the processor for a record a few steps before it is read.
//!
//! The engine's two hot loops read records at random: the candidate
//! search reads each candidate's card, and the matcher's scans read each
//! far end's set, label and dual. On a 10,000-member round those arrays
//! fit in a core's own cache; on a 100,000-member one they do not, and
//! each read waited for its miss before the next was asked for. Naming
//! the records ahead lets the misses overlap. A hint only: it never reads
//! the record, never faults, and changes no result.

/// Asks for the cache line holding `item`.
#[inline(always)]
pub(crate) fn line_of<T>(item: &T) {
    #[cfg(target_arch = "x86_64")]
    {
        use std::arch::x86_64::{_mm_prefetch, _MM_HINT_T0};
        // SAFETY: prefetching is a hint that never faults, and the
        // address is that of a live reference.
        unsafe { _mm_prefetch::<_MM_HINT_T0>((item as *const T).cast::<i8>()) };
    }
    #[cfg(not(target_arch = "x86_64"))]
    let _ = item;
}
