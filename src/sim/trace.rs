//! The trace: what happened to every frame, in order. Off by default and
//! bounded when on (the oldest records go first), like a capture; it costs
//! one branch per event when off.
//!
//! The fabric records what it sees itself: a frame put on a cable (with its
//! bytes and when it will arrive), a frame delivered, a frame lost on the
//! way. The nodes add their own decisions as notes of type `N`, which this
//! floor does not interpret (the devices' floor defines them: flooded,
//! forwarded, routed via, dropped because ...). Each record carries the time
//! and a sequence number, so records at the same instant keep their order.

use std::collections::VecDeque;

use super::Time;
use crate::base::DeviceId;

/// How many records a trace keeps unless told otherwise.
pub const DEFAULT_CAPACITY: usize = 1 << 20;

/// The bit that marks an event number as something done between engine
/// events (by a user or a script), so its records never join the decisions
/// about the frame the last engine event delivered.
pub const OUTSIDE_EVENTS: u64 = 1 << 63;

/// Why the fabric lost a frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkDrop {
    /// The transmitter's queue was full (a storm, or a link far too slow).
    BacklogFull,
    /// The cable was unplugged while the frame was on it.
    Unplugged,
}

/// What a record says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum What<N> {
    /// A frame left the port; it reaches the far end at `arrival`.
    Sent { frame: Vec<u8>, arrival: Time },
    /// A frame reached the port.
    Delivered { frame: Vec<u8> },
    /// A frame was lost on the cable.
    Dropped(LinkDrop),
    /// A node's own account of what it did.
    Note(N),
}

/// One thing that happened, at a node and maybe one of its ports.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Record<N> {
    pub at: Time,
    pub seq: u64,
    /// The engine event being handled when this happened: the records of one
    /// event (a frame arriving and what the device did with it) share it.
    /// What happens between events (a line typed, a cable plugged) gets a
    /// number of its own, with [`OUTSIDE_EVENTS`] set.
    pub event: u64,
    pub device: DeviceId,
    pub port: Option<usize>,
    pub what: What<N>,
}

/// A bounded, ordered log of records.
#[derive(Clone, Debug)]
pub struct Trace<N> {
    on: bool,
    /// Keep the bytes of every frame sent and delivered (not just the decisions).
    frames: bool,
    capacity: usize,
    records: VecDeque<Record<N>>,
    next_seq: u64,
    /// The event the records made now belong to.
    event: u64,
    /// Stretches between engine events so far.
    outside: u64,
    /// Records pushed out by the bound.
    pub forgotten: u64,
}

impl<N> Default for Trace<N> {
    fn default() -> Self {
        Trace {
            on: false,
            frames: false,
            capacity: DEFAULT_CAPACITY,
            records: VecDeque::new(),
            next_seq: 0,
            event: OUTSIDE_EVENTS,
            outside: 0,
            forgotten: 0,
        }
    }
}

impl<N> Trace<N> {
    /// Start recording, keeping at most `capacity` records; with `frames`,
    /// frames sent and delivered too (with their bytes), else only what
    /// the nodes decided and what the fabric lost.
    pub fn enable(&mut self, capacity: usize, frames: bool) {
        self.on = true;
        self.frames = frames;
        self.capacity = capacity.max(1);
    }

    pub fn disable(&mut self) {
        self.on = false;
    }

    pub fn is_on(&self) -> bool {
        self.on
    }

    /// The records made from now on belong to engine event `event`.
    #[inline]
    pub fn begin_event(&mut self, event: u64) {
        self.event = event;
    }

    /// The engine event is over: what is recorded until the next one
    /// happened between events, and is a group of its own.
    #[inline]
    pub fn end_event(&mut self) {
        self.outside += 1;
        self.event = OUTSIDE_EVENTS | self.outside;
    }

    /// Record a frame event (sent or delivered), if frames are traced.
    #[inline]
    pub fn record_frame(&mut self, at: Time, device: DeviceId, port: Option<usize>, what: impl FnOnce() -> What<N>) {
        if self.on && self.frames {
            self.push(Record { at, seq: self.next_seq, event: self.event, device, port, what: what() });
        }
    }

    /// Record what `what` builds, if the trace is on (so nothing is built when it is off).
    #[inline]
    pub fn record(&mut self, at: Time, device: DeviceId, port: Option<usize>, what: impl FnOnce() -> What<N>) {
        if self.on {
            self.push(Record { at, seq: self.next_seq, event: self.event, device, port, what: what() });
        }
    }

    /// Records made since the trace began, the forgotten ones included:
    /// the absolute index the next record will have.
    pub fn total(&self) -> u64 {
        self.forgotten + self.records.len() as u64
    }

    fn push(&mut self, record: Record<N>) {
        self.next_seq += 1;
        // (A capacity lowered while records were kept trims them here.)
        while self.records.len() >= self.capacity {
            self.records.pop_front();
            self.forgotten += 1;
        }
        self.records.push_back(record);
    }

    /// The records kept, oldest first.
    pub fn records(&self) -> impl ExactSizeIterator<Item = &Record<N>> + '_ {
        self.records.iter()
    }

    /// Take every record kept so far (the trace stays on).
    pub fn drain(&mut self) -> Vec<Record<N>> {
        self.forgotten += self.records.len() as u64;
        self.records.drain(..).collect()
    }

    /// Forget every record kept so far.
    pub fn clear(&mut self) {
        self.forgotten += self.records.len() as u64;
        self.records.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn off_records_nothing_and_builds_nothing() {
        let mut t: Trace<u8> = Trace::default();
        t.record(Time::ZERO, 0, None, || unreachable!("not built when off"));
        assert_eq!(t.records().len(), 0);
    }

    #[test]
    fn bounded_keeps_the_newest_in_order() {
        let mut t: Trace<u32> = Trace::default();
        t.enable(3, true);
        for i in 0..5 {
            t.record(Time::ZERO, 0, None, || What::Note(i));
        }
        let kept: Vec<_> = t.records().map(|r| (r.seq, r.what.clone())).collect();
        assert_eq!(kept, [(2, What::Note(2)), (3, What::Note(3)), (4, What::Note(4))]);
        assert_eq!(t.forgotten, 2);
        assert_eq!(t.total(), 5);
    }

    #[test]
    fn what_happens_between_engine_events_is_a_group_of_its_own() {
        let mut t: Trace<u32> = Trace::default();
        t.enable(10, true);
        t.begin_event(7);
        t.record(Time::ZERO, 0, None, || What::Note(1));
        t.end_event();
        t.record(Time::ZERO, 0, None, || What::Note(2));
        t.end_event();
        t.record(Time::ZERO, 0, None, || What::Note(3));
        let events: Vec<u64> = t.records().map(|r| r.event).collect();
        assert_eq!(events[0], 7);
        assert!(events[1] & OUTSIDE_EVENTS != 0 && events[2] & OUTSIDE_EVENTS != 0);
        assert_ne!(events[1], events[2]);
    }
}
