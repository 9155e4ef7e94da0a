//! The event queue: events ordered by (simulated time, sequence number), so two
//! events at the same instant are handled in the order they were scheduled.
//!
//! It is a radix heap: the engine never schedules an event before the one it
//! last took out (time only moves forward), and for such monotone queues a
//! radix heap beats a binary heap by a wide margin on large networks. Each
//! event's key is its time and sequence number as one 128-bit number; an
//! event waits in the bucket numbered by the highest bit in which its key
//! differs from the last key taken out. The next event is the smallest key
//! of the lowest non-empty bucket; once it is out, the rest of that bucket
//! differ from it only in lower bits and spread into lower buckets. An event
//! moves down at most 127 times over its life, usually once or twice.

use super::Time;

const BUCKETS: usize = 128;

/// A min-queue of events keyed by `(time, seq)`, for times that never go back.
pub struct EventQueue<E> {
    buckets: Vec<Vec<(u128, E)>>,
    /// Bit `i` is set when bucket `i` holds events.
    occupied: u128,
    /// The key of the event last taken out (every queued key is larger).
    last: u128,
    len: usize,
    next_seq: u64,
    /// A spare bucket, so spreading one reuses its allocation.
    spare: Vec<(u128, E)>,
}

impl<E> Default for EventQueue<E> {
    fn default() -> Self {
        EventQueue {
            buckets: (0..BUCKETS).map(|_| Vec::new()).collect(),
            occupied: 0,
            last: 0,
            len: 0,
            // From 1, so every key is above the initial `last` of 0.
            next_seq: 1,
            spare: Vec::new(),
        }
    }
}

fn key_of(at: Time, seq: u64) -> u128 {
    (u128::from(at.0) << 64) | u128::from(seq)
}

fn time_of(key: u128) -> Time {
    Time((key >> 64) as u64)
}

impl<E> EventQueue<E> {
    /// Keys queued are all larger than `last`, so they differ from it in some bit.
    fn bucket_of(&self, key: u128) -> usize {
        (127 - (key ^ self.last).leading_zeros()) as usize
    }

    fn put(&mut self, key: u128, event: E) {
        let b = self.bucket_of(key);
        self.buckets[b].push((key, event));
        self.occupied |= 1 << b;
    }

    /// Schedule an event. A time before the last event taken out is taken as
    /// that event's time (the engine never schedules into the past).
    pub fn push(&mut self, at: Time, event: E) {
        let seq = self.next_seq;
        self.next_seq += 1;
        let key = key_of(at.max(time_of(self.last)), seq);
        self.put(key, event);
        self.len += 1;
    }

    /// The lowest non-empty bucket and the smallest key in it.
    fn min(&self) -> Option<(usize, u128)> {
        if self.occupied == 0 {
            return None;
        }
        let b = self.occupied.trailing_zeros() as usize;
        let key = self.buckets[b].iter().map(|(k, _)| *k).min()?;
        Some((b, key))
    }

    /// Take the event with the smallest key out.
    fn pop_min(&mut self) -> Option<(u128, E)> {
        if self.occupied == 0 {
            return None;
        }
        let b = self.occupied.trailing_zeros() as usize;
        let bucket = &mut self.buckets[b];
        let at = (0..bucket.len()).min_by_key(|&i| bucket[i].0)?;
        let (key, event) = bucket.swap_remove(at);
        // The smallest key becomes the last one; the rest of its bucket differ
        // from it only in lower bits, so they spread into lower buckets.
        self.last = key;
        self.occupied &= !(1 << b);
        if !self.buckets[b].is_empty() {
            std::mem::swap(&mut self.spare, &mut self.buckets[b]);
            let mut spread = std::mem::take(&mut self.spare);
            for (k, e) in spread.drain(..) {
                self.put(k, e);
            }
            self.spare = spread;
        }
        self.len -= 1;
        Some((key, event))
    }

    /// Remove every event `remove` picks, handing each to it; the rest keep their order.
    pub fn remove_where(&mut self, mut remove: impl FnMut(&E) -> bool) -> Vec<(Time, E)> {
        let mut removed = Vec::new();
        for b in 0..BUCKETS {
            if self.occupied & (1 << b) == 0 {
                continue;
            }
            let bucket = std::mem::take(&mut self.buckets[b]);
            for (k, e) in bucket {
                if remove(&e) {
                    removed.push((k, e));
                } else {
                    self.buckets[b].push((k, e));
                }
            }
            if self.buckets[b].is_empty() {
                self.occupied &= !(1 << b);
            }
        }
        self.len -= removed.len();
        removed.sort_by_key(|(k, _)| *k);
        removed.into_iter().map(|(k, e)| (time_of(k), e)).collect()
    }

    /// The time of the next event, if any.
    pub fn peek_time(&self) -> Option<Time> {
        self.min().map(|(_, k)| time_of(k))
    }

    /// Remove the next event if it is due at or before `limit`.
    pub fn pop_until(&mut self, limit: Time) -> Option<(Time, E)> {
        if self.peek_time()? > limit {
            return None;
        }
        self.pop_min().map(|(k, e)| (time_of(k), e))
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
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
