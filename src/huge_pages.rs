//! The `tandem` binary's allocator: jemalloc, with every large block
//! asked to sit on transparent huge pages.
//!
//! jemalloc, not the system's (glibc's): glibc hands every block above
//! 32 MiB back to the kernel when it is freed, so the next large block
//! is fresh memory, and each page of fresh memory is zeroed by the kernel
//! when first touched. A 100,000-member round makes and drops several
//! such blocks (each search thread's candidates, their merge and its sort
//! buffer, the matcher's edge records and adjacency): on a virtual
//! machine, zeroing them took a tenth of `tandem match`'s processor time
//! (perf: `clear_page_erms`), and next to none at 10,000 members, whose
//! blocks glibc keeps and reuses. jemalloc keeps freed memory a while for
//! the next allocation: `tandem match` on the 100,000-row skewed roster,
//! median 4.15 s → 4.03 s on a noisy machine, the same at 10,000, the
//! same peak memory (`BENCHMARKS.md`, session 21). (mimalloc gained as
//! much at 100,000 but took a fifth more memory, and at 10,000 every
//! other run was a fifth slower.)
//!
//! Huge pages: matching a 100,000-member round reads hundreds of megabytes
//! at random (each edge looked at reads its far end's records), and with
//! 4 KiB pages nearly every such read also misses the TLB. Linux leaves
//! huge pages to the programs that ask for them (`madvise` is the usual
//! setting of `/sys/kernel/mm/transparent_hugepage/enabled`), so large
//! blocks ask: median 7.7 s → 7.4 s on a noisy machine (session 18).
//! Small blocks are left alone: a huge page for a small vector would
//! waste memory. Where the kernel says no, this is plain jemalloc.

use std::alloc::{GlobalAlloc, Layout};
use tikv_jemallocator::Jemalloc;

/// Blocks of at least this many bytes are advised (a huge page is 2 MiB;
/// a block must span whole ones to gain anything).
const ADVISE_FROM: usize = 4 << 20;

/// jemalloc, advising large blocks onto huge pages.
pub struct HugePages;

// SAFETY: every call is passed to `Jemalloc` unchanged; `advise` only
// gives the kernel a hint about the pages the block just returned lies in.
unsafe impl GlobalAlloc for HugePages {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: the caller's contract is `Jemalloc`'s.
        let block = unsafe { Jemalloc.alloc(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        // SAFETY: as `alloc`.
        let block = unsafe { Jemalloc.alloc_zeroed(layout) };
        advise(block, layout.size());
        block
    }

    unsafe fn dealloc(&self, block: *mut u8, layout: Layout) {
        // SAFETY: as `alloc`.
        unsafe { Jemalloc.dealloc(block, layout) }
    }

    unsafe fn realloc(&self, block: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        // SAFETY: as `alloc`.
        let moved = unsafe { Jemalloc.realloc(block, layout, new_size) };
        advise(moved, new_size);
        moved
    }
}

/// Asks for huge pages under every page that `len` bytes at `block`
/// touch (nothing for a small or failed block). Only a hint: if the
/// kernel refuses, the block is as good as ever.
///
/// Every page it touches, not only those wholly inside it: where a large
/// block is its own mapping, starting a few bytes into its first page (as
/// glibc's are), a mapping advised in part is split in two or three, which
/// a later `realloc` cannot move in one piece (`mremap` fails on it).
fn advise(block: *mut u8, len: usize) {
    if block.is_null() || len < ADVISE_FROM {
        return;
    }
    #[cfg(target_os = "linux")]
    {
        const PAGE: usize = 4096;
        let start = block as usize & !(PAGE - 1);
        let end = (block as usize + len).next_multiple_of(PAGE);
        if end > start {
            // SAFETY: [start, end) holds the block just allocated, widened
            // to whole pages as madvise requires (the pages are mapped: the
            // block is in them); MADV_HUGEPAGE changes how pages are
            // backed, never their contents, so a neighbour sharing the
            // first or last page loses nothing.
            unsafe {
                libc::madvise(start as *mut libc::c_void, end - start, libc::MADV_HUGEPAGE);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn large_and_small_blocks_keep_their_contents_through_realloc() {
        let a = HugePages;
        for size in [64, ADVISE_FROM - 1, ADVISE_FROM, 3 * ADVISE_FROM + 17] {
            let layout = Layout::from_size_align(size, 8).unwrap();
            // SAFETY: non-zero size; every block is freed with its layout.
            unsafe {
                let block = a.alloc_zeroed(layout);
                assert!(!block.is_null());
                assert!(std::slice::from_raw_parts(block, size)
                    .iter()
                    .all(|&b| b == 0));
                for i in (0..size).step_by(4099) {
                    *block.add(i) = (i % 251) as u8;
                }
                let grown = a.realloc(block, layout, 2 * size);
                assert!(!grown.is_null());
                for i in (0..size).step_by(4099) {
                    assert_eq!(*grown.add(i), (i % 251) as u8, "byte {i} of {size}");
                }
                a.dealloc(grown, Layout::from_size_align(2 * size, 8).unwrap());
            }
        }
    }
}
