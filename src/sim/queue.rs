//! The event queue: events ordered by (simulated time, sequence number), so two
//! events at the same instant are handled in the order they were scheduled.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Time;

struct Entry<E> {
    at: Time,
    seq: u64,
    event: E,
}

impl<E> PartialEq for Entry<E> {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl<E> Eq for Entry<E> {}
impl<E> PartialOrd for Entry<E> {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl<E> Ord for Entry<E> {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest event comes out first.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A min-queue of events keyed by `(time, seq)`.
pub struct EventQueue<E> {
    heap: BinaryHeap<Entry<E>>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), next_seq: 0 }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, at: Time, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.heap.push(Entry { at, seq, event });
    }

    /// Remove every event `remove` picks, handing each to it; the rest keep their order.
    pub fn remove_where(&mut self, mut remove: impl FnMut(&E) -> bool) -> Vec<(Time, E)> {
        let mut removed = Vec::new();
        let kept: Vec<Entry<E>> = std::mem::take(&mut self.heap)
            .into_vec()
            .into_iter()
            .filter_map(|e| {
                if remove(&e.event) {
                    removed.push((e.at, e.seq, e.event));
                    None
                } else {
                    Some(e)
                }
            })
            .collect();
        self.heap = BinaryHeap::from(kept);
        removed.sort_by_key(|(at, seq, _)| (*at, *seq));
        removed.into_iter().map(|(at, _, e)| (at, e)).collect()
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|e| e.at)
    }

    /// Remove the next event if it is due at or before `limit`.
    pub fn pop_until(&mut self, limit: Time) -> Option<(Time, E)> {
        if self.heap.peek()?.at > limit {
            return None;
        }
        self.heap.pop().map(|e| (e.at, e.event))
    }

    pub fn len(&self) -> usize {
        self.heap.len()
    }

    pub fn is_empty(&self) -> bool {
        self.heap.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_time_events_keep_their_scheduling_order() {
        let mut q = EventQueue::default();
        q.push(Time(10), "b1");
        q.push(Time(5), "a");
        q.push(Time(10), "b2");
        q.push(Time(10), "b3");
        let order: Vec<_> = std::iter::from_fn(|| q.pop_until(Time::MAX)).map(|(_, e)| e).collect();
        assert_eq!(order, ["a", "b1", "b2", "b3"]);
    }

    #[test]
    fn pop_until_leaves_later_events() {
        let mut q = EventQueue::default();
        q.push(Time(10), 1);
        assert!(q.pop_until(Time(9)).is_none());
        assert_eq!(q.pop_until(Time(10)), Some((Time(10), 1)));
    }
}
