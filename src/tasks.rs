//! Spawned tasks that do not outlive what spawned them.

/// A spawned task that is cancelled when its handle is dropped, so a
/// replica that is torn down (or a loop that is restarted) leaves nothing
/// running behind it.
pub(crate) struct AbortOnDrop<T>(pub(crate) tokio::task::JoinHandle<T>);

impl<T> Drop for AbortOnDrop<T> {
    fn drop(&mut self) {
        self.0.abort();
    }
}
