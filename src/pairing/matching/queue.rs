//! A min-queue of items by integer key, as buckets of equal keys.
//!
//! Rounds have few distinct weights, so thousands of items share a key:
//! a bucket per key makes a push or pop an append or a truncate on one
//! small vector, where a binary heap of millions of entries paid a cache
//! miss per level on every pop.

use std::collections::BTreeMap;

pub(super) struct Queue<T = usize> {
    buckets: BTreeMap<i64, Vec<T>>,
    len: usize,
}

impl<T> Default for Queue<T> {
    fn default() -> Self {
        Self {
            buckets: BTreeMap::new(),
            len: 0,
        }
    }
}

impl<T: Copy> Queue<T> {
    pub(super) fn push(&mut self, key: i64, item: T) {
        self.buckets.entry(key).or_default().push(item);
        self.len += 1;
    }

    /// The least key and one item with it.
    pub(super) fn peek(&self) -> Option<(i64, T)> {
        let (&key, items) = self.buckets.first_key_value()?;
        Some((key, *items.last().expect("no empty buckets")))
    }

    /// Removes the item `peek` returned.
    pub(super) fn pop(&mut self) {
        if let Some(mut first) = self.buckets.first_entry() {
            first.get_mut().pop();
            self.len -= 1;
            if first.get().is_empty() {
                first.remove();
            }
        }
    }

    /// The first item that falls due when its key says, and when, reading
    /// lazily: `due` tells when an item falls due now (`None`: it no longer
    /// matters, and is dropped); an item due later than its key is put back
    /// under its true key. Keys must never be later than the truth — then
    /// the first item found due at its key is due no later than any other.
    pub(super) fn least_due(&mut self, mut due: impl FnMut(T) -> Option<i64>) -> Option<(i64, T)> {
        while let Some((key, item)) = self.peek() {
            match due(item) {
                None => self.pop(),
                Some(at) if at > key => {
                    self.pop();
                    self.push(at, item);
                }
                Some(at) => return Some((at, item)),
            }
        }
        None
    }

    pub(super) fn len(&self) -> usize {
        self.len
    }

    /// Keeps only the items `keep` says still matter.
    pub(super) fn retain(&mut self, mut keep: impl FnMut(T) -> bool) {
        self.buckets.retain(|_, items| {
            items.retain(|&item| keep(item));
            !items.is_empty()
        });
        self.len = self.buckets.values().map(Vec::len).sum();
    }
}

#[cfg(test)]
mod tests {
    use super::Queue;

    #[test]
    fn pops_the_least_key_first_and_keeps_count() {
        let mut q = Queue::default();
        for (key, item) in [(5, 50), (1, 10), (3, 30), (1, 11), (9, 90)] {
            q.push(key, item);
        }
        assert_eq!(q.len(), 5);
        let mut seen = Vec::new();
        while let Some((key, item)) = q.peek() {
            seen.push((key, item));
            q.pop();
        }
        // Equal keys share a bucket; the later push comes out first.
        assert_eq!(seen, vec![(1, 11), (1, 10), (3, 30), (5, 50), (9, 90)]);
        assert_eq!(q.len(), 0);
        q.pop(); // popping an empty queue is harmless
        assert_eq!(q.peek(), None);
    }

    #[test]
    fn least_due_drops_what_no_longer_matters_and_rekeys_what_is_late() {
        let mut q = Queue::default();
        for (key, item) in [(1, 1), (2, 2), (3, 3)] {
            q.push(key, item);
        }
        // Item 1 is gone, item 2 is due at 5 (not 2), item 3 at its key.
        let due = |item: usize| match item {
            1 => None,
            2 => Some(5),
            _ => Some(3),
        };
        assert_eq!(q.least_due(due), Some((3, 3)));
        assert_eq!(q.len(), 2);
        q.pop();
        assert_eq!(q.least_due(due), Some((5, 2)));
    }

    #[test]
    fn retain_drops_items_and_empty_buckets() {
        let mut q = Queue::default();
        for (key, item) in [(2, 1), (2, 2), (4, 3), (7, 4)] {
            q.push(key, item);
        }
        q.retain(|item| item % 2 == 0);
        assert_eq!(q.len(), 2);
        assert_eq!(q.peek(), Some((2, 2)));
        q.pop();
        assert_eq!(q.peek(), Some((7, 4)));
    }
}
