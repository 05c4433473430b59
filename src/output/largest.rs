//! A bounded collection of the largest items seen: a min-heap of at most
//! `capacity` items whose smallest is pushed out by anything greater. The
//! views keep their files in one, so memory follows what can be shown,
//! not how many files there are.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

pub struct Largest<T: Ord> {
    heap: BinaryHeap<Reverse<T>>,
    capacity: usize,
}

impl<T: Ord> Largest<T> {
    pub fn new(capacity: usize) -> Self {
        Largest {
            heap: BinaryHeap::with_capacity(capacity.min(4096) + 1),
            capacity,
        }
    }

    /// Whether an item would be kept, judged before it is built: `beats`
    /// says whether it is greater than a given kept item (the smallest).
    pub fn would_keep(&self, beats: impl FnOnce(&T) -> bool) -> bool {
        if self.capacity == 0 {
            return false;
        }
        match self.heap.peek() {
            Some(Reverse(smallest)) if self.heap.len() == self.capacity => beats(smallest),
            _ => true,
        }
    }

    /// Keeps `item` if it is among the `capacity` greatest so far.
    pub fn push(&mut self, item: T) {
        if self.capacity == 0 {
            return;
        }
        if self.heap.len() < self.capacity {
            self.heap.push(Reverse(item));
        } else if let Some(mut smallest) = self.heap.peek_mut()
            && item > smallest.0
        {
            smallest.0 = item;
        }
    }

    /// The smallest item kept, once as many are kept as may be: nothing
    /// smaller can get in any more.
    pub fn floor(&self) -> Option<&T> {
        (self.heap.len() == self.capacity)
            .then(|| self.heap.peek().map(|r| &r.0))
            .flatten()
    }

    /// The items kept, greatest first.
    pub fn into_sorted(self) -> Vec<T> {
        // Ascending order of Reverse is descending order of the items.
        self.heap
            .into_sorted_vec()
            .into_iter()
            .map(|r| r.0)
            .collect()
    }

    pub fn clear(&mut self) {
        self.heap.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_the_greatest_in_order() {
        let mut l = Largest::new(3);
        for x in [5, 1, 9, 3, 7, 9, 2] {
            l.push(x);
        }
        assert_eq!(l.into_sorted(), [9, 9, 7]);
    }

    #[test]
    fn would_keep_matches_push() {
        let mut l = Largest::new(2);
        l.push(4);
        assert!(l.would_keep(|s| 1 > *s), "not full yet");
        l.push(6);
        assert!(!l.would_keep(|s| 3 > *s));
        assert!(l.would_keep(|s| 5 > *s));
    }
}
