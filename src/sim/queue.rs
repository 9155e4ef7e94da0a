//! The event queue: events ordered by (simulated time, sequence number), so two
//! events at the same instant are handled in the order they were scheduled.
//!
//! A binary heap of small keys: the heap holds only each event's time,
//! sequence number and slot (24 bytes), and the events wait in a slab. Sifting
//! small keys keeps the heap's cache lines few on a network of 100,000
//! devices, where the heap holds hundreds of thousands of events.

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use super::Time;

#[derive(Clone, Copy)]
struct Key {
    at: Time,
    seq: u64,
    slot: u32,
}

impl PartialEq for Key {
    fn eq(&self, other: &Self) -> bool {
        (self.at, self.seq) == (other.at, other.seq)
    }
}
impl Eq for Key {}
impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}
impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        // BinaryHeap is a max-heap: reverse so the earliest event comes out first.
        (other.at, other.seq).cmp(&(self.at, self.seq))
    }
}

/// A min-queue of events keyed by `(time, seq)`.
pub struct EventQueue<E> {
    heap: BinaryHeap<Key>,
    /// The events, by slot; `None` for a free slot.
    slots: Vec<Option<E>>,
    free: Vec<u32>,
    next_seq: u64,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue { heap: BinaryHeap::new(), slots: Vec::new(), free: Vec::new(), next_seq: 0 }
    }
}

impl<E> EventQueue<E> {
    pub fn push(&mut self, at: Time, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let slot = match self.free.pop() {
            Some(slot) => {
                self.slots[slot as usize] = Some(event);
                slot
            }
            None => {
                self.slots.push(Some(event));
                (self.slots.len() - 1) as u32
            }
        };
        self.heap.push(Key { at, seq, slot });
    }

    fn take(&mut self, slot: u32) -> E {
        self.free.push(slot);
        self.slots[slot as usize].take().expect("a queued slot holds its event")
    }

    /// Remove every event `remove` picks, handing each to it; the rest keep their order.
    pub fn remove_where(&mut self, mut remove: impl FnMut(&E) -> bool) -> Vec<(Time, E)> {
        let mut keys = std::mem::take(&mut self.heap).into_vec();
        keys.sort_by(|a, b| b.cmp(a));
        let mut removed = Vec::new();
        let mut kept = Vec::with_capacity(keys.len());
        for k in keys {
            if self.slots[k.slot as usize].as_ref().is_some_and(&mut remove) {
                let event = self.take(k.slot);
                removed.push((k.at, event));
            } else {
                kept.push(k);
            }
        }
        self.heap = BinaryHeap::from(kept);
        removed
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|k| k.at)
    }

    /// Remove the next event if it is due at or before `limit`.
    pub fn pop_until(&mut self, limit: Time) -> Option<(Time, E)> {
        if self.heap.peek()?.at > limit {
            return None;
        }
        let k = self.heap.pop()?;
        Some((k.at, self.take(k.slot)))
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

    /// Against a sorted list, with pushes between pops as the engine does them
    /// (never before the last event taken out).
    #[test]
    fn pops_in_key_order_like_a_sorted_list() {
        let mut q = EventQueue::default();
        let mut model: Vec<(u64, u64, u32)> = Vec::new();
        let (mut seq, mut now, mut x) = (0u64, 0u64, 12345u64);
        for step in 0..20_000u32 {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            if x % 3 != 0 || model.is_empty() {
                // Mostly near, sometimes far, sometimes at the same instant.
                let at = now + [0, 1, x % 1000, x % 1_000_000_000][(x >> 20) as usize % 4];
                q.push(Time(at), step);
                model.push((at, seq, step));
                seq += 1;
            } else {
                model.sort();
                let (at, _, want) = model.remove(0);
                assert_eq!(q.pop_until(Time::MAX), Some((Time(at), want)));
                now = at;
            }
            assert_eq!(q.len(), model.len());
        }
        model.sort();
        let rest: Vec<u32> = std::iter::from_fn(|| q.pop_until(Time::MAX)).map(|(_, e)| e).collect();
        assert_eq!(rest, model.iter().map(|m| m.2).collect::<Vec<_>>());
    }

    #[test]
    fn removed_events_come_out_in_order_and_the_rest_stay() {
        let mut q = EventQueue::default();
        for i in 0..100u64 {
            q.push(Time(1000 - i * 7), i);
        }
        let gone = q.remove_where(|e| e % 2 == 0);
        assert_eq!(gone.len(), 50);
        assert!(gone.windows(2).all(|w| w[0].0 <= w[1].0));
        let rest: Vec<u64> = std::iter::from_fn(|| q.pop_until(Time::MAX)).map(|(_, e)| e).collect();
        assert_eq!(rest.len(), 50);
        assert!(rest.iter().all(|e| e % 2 == 1));
    }

    #[test]
    fn pop_until_leaves_later_events() {
        let mut q = EventQueue::default();
        q.push(Time(10), 1);
        assert!(q.pop_until(Time(9)).is_none());
        assert_eq!(q.pop_until(Time(10)), Some((Time(10), 1)));
    }
}
