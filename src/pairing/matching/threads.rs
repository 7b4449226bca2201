//! Two pieces of work side by side, for the solver's set-up on large
//! graphs (sorting millions of short lists or edges; the machines Tandem
//! runs on have a second core, and nothing else runs then).

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
