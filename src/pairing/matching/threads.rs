//! Two pieces of work side by side, for the solver's set-up on large
//! graphs (sorting millions of short lists or edges; the machines Tandem
//! runs on have a second core, and nothing else runs then).

/// Edges from which the set-up's sorts run on two threads; below,
/// starting one costs more than it saves.
const TWO_THREADS_FROM: usize = 1 << 19;

/// How many threads the set-up's sorts use on a graph of `edges` edges.
pub(super) fn threads_for(edges: usize) -> usize {
    if edges < TWO_THREADS_FROM {
        1
    } else {
        2
    }
}

/// Runs `here` on this thread and `there` on a scoped one, returning when
/// both are done. A panic in either is a bug: it is passed on as it was.
pub(super) fn side_by_side(here: impl FnOnce() + Send, there: impl FnOnce() + Send) {
    std::thread::scope(|scope| {
        let other = scope.spawn(there);
        here();
        other
            .join()
            .unwrap_or_else(|p| std::panic::resume_unwind(p));
    });
}
