//! The event queue: events ordered by (simulated time, sequence number), so two
//! events at the same instant are handled in the order they were scheduled.
//!
//! A binary heap of small keys: the heap holds only each event's time,
//! sequence number and slot packed in one 128-bit integer (compared in one
//! instruction pair), and the events wait in a slab. Sifting small keys keeps
//! the heap's cache lines few on a network of 100,000 devices, where the heap
//! holds hundreds of thousands of events.

use std::cmp::Reverse;
use std::collections::BinaryHeap;

use super::Time;

/// `time << 64 | seq << SLOT_BITS | slot`: ordered by time, then by sequence.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
struct Key(u128);

/// Slots take the low bits (16 million events queued at once), sequence
/// numbers the next 40 (a trillion events in one run).
const SLOT_BITS: u32 = 24;
const SEQ_BITS: u32 = 40;

impl Key {
    fn new(at: Time, seq: u64, slot: u32) -> Key {
        debug_assert!(slot < 1 << SLOT_BITS && seq < 1 << SEQ_BITS);
        Key(u128::from(at.0) << 64 | u128::from(seq) << SLOT_BITS | u128::from(slot))
    }

    fn at(self) -> Time {
        Time((self.0 >> 64) as u64)
    }

    fn slot(self) -> u32 {
        (self.0 & ((1 << SLOT_BITS) - 1)) as u32
    }
}

/// A min-queue of events keyed by `(time, seq)`.
pub struct EventQueue<E> {
    heap: BinaryHeap<Reverse<Key>>,
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
        self.heap.push(Reverse(Key::new(at, seq, slot)));
    }

    fn take(&mut self, slot: u32) -> E {
        self.free.push(slot);
        self.slots[slot as usize].take().expect("a queued slot holds its event")
    }

    /// Remove every event `remove` picks, handing each to it; the rest keep their order.
    pub fn remove_where(&mut self, mut remove: impl FnMut(&E) -> bool) -> Vec<(Time, E)> {
        let mut keys = std::mem::take(&mut self.heap).into_vec();
        keys.sort();
        let mut removed = Vec::new();
        let mut kept = Vec::with_capacity(keys.len());
        for Reverse(k) in keys.into_iter().rev() {
            if self.slots[k.slot() as usize].as_ref().is_some_and(&mut remove) {
                let event = self.take(k.slot());
                removed.push((k.at(), event));
            } else {
                kept.push(Reverse(k));
            }
        }
        self.heap = BinaryHeap::from(kept);
        removed
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Time> {
        self.heap.peek().map(|k| k.0.at())
    }

    /// Remove the next event if it is due at or before `limit`.
    pub fn pop_until(&mut self, limit: Time) -> Option<(Time, E)> {
        if self.heap.peek()?.0.at() > limit {
            return None;
        }
        let Reverse(k) = self.heap.pop()?;
        Some((k.at(), self.take(k.slot())))
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
