//! [`Fabric`]: the cables between numbered nodes and the clock that moves
//! frames across them. It knows nothing of what the nodes are: a node is a
//! [`DeviceId`] with some ports, and whatever sits at a port is told about a
//! frame or a wake-up by whoever drains [`Fabric::next_event`].
//!
//! A frame sent on a cable waits for the transmitter to be free, takes its
//! serialization time at the link's speed, then its propagation delay, and
//! arrives at the far end as one event. Per-direction backlogs are bounded,
//! so a broadcast storm costs drops, not memory. Every send, delivery and drop
//! can be traced (see [`super::trace`]).

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableUnGraph};

use super::capture::{Pcap, LINKTYPE_C_HDLC, LINKTYPE_ETHERNET};
use super::trace::{LinkDrop, Trace, What};
use super::{Duration, EventQueue, Rng, Time};
use crate::base::DeviceId;

/// Default propagation delay of a cable (about 100 m of copper).
pub const DEFAULT_PROPAGATION: Duration = Duration::from_nanos(500);
/// Bytes a transmitter may have waiting before it drops (tail drop).
const MAX_BACKLOG_BYTES: u64 = 1_000_000;

/// How frames are framed on a link: what a capture records and what each
/// frame costs on the wire beyond its bytes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Framing {
    /// Ethernet II / 802.3: preamble, start delimiter, FCS and inter-frame gap.
    Ethernet,
    /// Cisco HDLC on a serial line: flags and FCS.
    CiscoHdlc,
}

impl Framing {
    fn overhead_bytes(self) -> u64 {
        match self {
            Framing::Ethernet => 8 + 4 + 12,
            Framing::CiscoHdlc => 2,
        }
    }

    fn pcap_linktype(self) -> u32 {
        match self {
            Framing::Ethernet => LINKTYPE_ETHERNET,
            Framing::CiscoHdlc => LINKTYPE_C_HDLC,
        }
    }
}

/// What a cable is: its speed, its framing and its length in time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LinkSpec {
    pub bits_per_second: u64,
    pub framing: Framing,
    pub propagation: Duration,
}

/// One end of a cable.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct End {
    pub device: DeviceId,
    pub port: usize,
}

/// A cable between two ports.
#[derive(Clone, Debug)]
pub struct Cable {
    pub ends: [End; 2],
    pub spec: LinkSpec,
    busy_until: [Time; 2],
    pub drops: u64,
    pub frames: u64,
    capture: Option<Pcap>,
}

impl Cable {
    /// Which end (0 or 1) a port is.
    fn side(&self, from: End) -> usize {
        usize::from(self.ends[1] == from)
    }
}

/// What the fabric hands out, in `(time, seq)` order.
#[derive(Debug)]
pub enum Event {
    /// A frame reached the far end of a cable.
    Deliver { to: End, frame: Vec<u8> },
    /// A node asked to be woken at this time.
    Wake { device: DeviceId },
}

#[derive(Debug)]
enum Queued {
    Deliver { cable: EdgeIndex, to_side: u8, frame: Vec<u8> },
    Wake { device: DeviceId },
}

/// Bounds on how much work one run may do (graders run untrusted labs).
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub max_events: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits { max_events: u64::MAX }
    }
}

/// Counters over the whole life of a fabric.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub events: u64,
    /// Frames delivered across a cable to the node at its far end.
    pub frame_hops: u64,
    pub drops: u64,
    /// Set when a run stopped because [`Limits::max_events`] was reached.
    pub limit_hit: bool,
}

/// Why a cable could not be plugged in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PlugError {
    /// That end already has a cable (the end given).
    Occupied(End),
    /// Both ends are the same port.
    SelfLoop,
}

/// Cables, the clock and the event queue; the trace of what crossed them.
pub struct Fabric<N = ()> {
    graph: StableUnGraph<DeviceId, Cable>,
    nodes: Vec<NodeIndex>,
    /// For each node and port, the cable plugged into it.
    port_cables: Vec<Vec<Option<EdgeIndex>>>,
    queue: EventQueue<Queued>,
    now: Time,
    pub rng: Rng,
    capture: bool,
    pub limits: Limits,
    pub stats: Stats,
    pub trace: Trace<N>,
}

impl<N> Fabric<N> {
    pub fn new(seed: u64) -> Self {
        Fabric {
            graph: StableUnGraph::default(),
            nodes: Vec::new(),
            port_cables: Vec::new(),
            queue: EventQueue::default(),
            now: Time::ZERO,
            rng: Rng::new(seed),
            capture: false,
            limits: Limits::default(),
            stats: Stats::default(),
            trace: Trace::default(),
        }
    }

    pub fn now(&self) -> Time {
        self.now
    }

    /// A new node with `ports` ports; nodes are numbered from 0 in the order added.
    pub fn add_node(&mut self, ports: usize) -> DeviceId {
        let id = self.nodes.len();
        self.nodes.push(self.graph.add_node(id));
        self.port_cables.push(vec![None; ports]);
        id
    }

    pub fn graph(&self) -> &StableUnGraph<DeviceId, Cable> {
        &self.graph
    }

    /// Plug a cable between two ports.
    pub fn connect(&mut self, a: End, b: End, spec: LinkSpec) -> Result<EdgeIndex, PlugError> {
        if a == b {
            return Err(PlugError::SelfLoop);
        }
        for end in [a, b] {
            if self.cable_at(end.device, end.port).is_some() {
                return Err(PlugError::Occupied(end));
            }
        }
        let cable = Cable {
            ends: [a, b],
            spec,
            busy_until: [Time::ZERO; 2],
            drops: 0,
            frames: 0,
            capture: self.capture.then(|| Pcap::new(spec.framing.pcap_linktype())),
        };
        let edge = self.graph.add_edge(self.nodes[a.device], self.nodes[b.device], cable);
        self.port_cables[a.device][a.port] = Some(edge);
        self.port_cables[b.device][b.port] = Some(edge);
        Ok(edge)
    }

    /// Unplug a cable; returns its ends. Frames in flight on it are lost
    /// (and taken out of the queue, so a cable plugged in later, which may
    /// reuse the index, never receives them).
    pub fn disconnect(&mut self, edge: EdgeIndex) -> Option<[End; 2]> {
        let cable = self.graph.remove_edge(edge)?;
        for end in cable.ends {
            self.port_cables[end.device][end.port] = None;
        }
        let lost = self.queue.remove_where(|q| matches!(q, Queued::Deliver { cable: c, .. } if *c == edge));
        let now = self.now;
        for (_, queued) in lost {
            if let Queued::Deliver { to_side, .. } = queued {
                let to = cable.ends[usize::from(to_side)];
                self.trace.record(now, to.device, Some(to.port), || What::Dropped(LinkDrop::Unplugged));
            }
        }
        Some(cable.ends)
    }

    pub fn cable(&self, edge: EdgeIndex) -> Option<&Cable> {
        self.graph.edge_weight(edge)
    }

    pub fn set_propagation(&mut self, edge: EdgeIndex, delay: Duration) {
        if let Some(c) = self.graph.edge_weight_mut(edge) {
            c.spec.propagation = delay;
        }
    }

    /// The cables in the order they were plugged in (petgraph reuses the
    /// indices of removed cables, so this is the index order).
    pub fn cables(&self) -> impl Iterator<Item = (EdgeIndex, &Cable)> + '_ {
        self.graph.edge_indices().map(|e| (e, &self.graph[e]))
    }

    /// The cable plugged into a port, if any.
    pub fn cable_at(&self, device: DeviceId, port: usize) -> Option<EdgeIndex> {
        self.port_cables.get(device)?.get(port).copied().flatten()
    }

    /// The port at the other end of a port's cable.
    pub fn peer(&self, device: DeviceId, port: usize) -> Option<End> {
        let c = &self.graph[self.cable_at(device, port)?];
        let here = End { device, port };
        Some(c.ends[1 - c.side(here)])
    }

    /// Record every frame from now on, one capture per cable.
    pub fn enable_capture(&mut self) {
        self.capture = true;
        let edges: Vec<_> = self.graph.edge_indices().collect();
        for e in edges {
            let c = &mut self.graph[e];
            if c.capture.is_none() {
                c.capture = Some(Pcap::new(c.spec.framing.pcap_linktype()));
            }
        }
    }

    /// A cable's capture, if captures are on.
    pub fn capture(&self, edge: EdgeIndex) -> Option<&Pcap> {
        self.graph.edge_weight(edge)?.capture.as_ref()
    }

    /// Put a frame on the cable at `from`. The caller has checked that the
    /// link is up; a port without a cable sends nowhere.
    pub fn transmit(&mut self, from: End, frame: Vec<u8>) {
        let Some(edge) = self.cable_at(from.device, from.port) else { return };
        let now = self.now;
        let c = &mut self.graph[edge];
        let side = c.side(from);
        let start = c.busy_until[side].max(now);
        let bps = c.spec.bits_per_second;
        let backlog_ns = MAX_BACKLOG_BYTES * 8 * 1_000_000_000 / bps;
        if start.since(now).nanos() > backlog_ns {
            c.drops += 1;
            self.stats.drops += 1;
            self.trace.record(now, from.device, Some(from.port), || What::Dropped(LinkDrop::BacklogFull));
            return;
        }
        let bits = (frame.len() as u64 + c.spec.framing.overhead_bytes()) * 8;
        let serialization = Duration::from_nanos(bits * 1_000_000_000 / bps);
        c.busy_until[side] = start + serialization;
        c.frames += 1;
        if let Some(pcap) = c.capture.as_mut() {
            pcap.record(start, &frame);
        }
        let arrival = start + serialization + c.spec.propagation;
        self.trace.record_frame(now, from.device, Some(from.port), || What::Sent { frame: frame.clone(), arrival });
        self.queue.push(arrival, Queued::Deliver { cable: edge, to_side: 1 - side as u8, frame });
    }

    /// Ask for a [`Event::Wake`] of `device` at `at` (now, if `at` has passed).
    pub fn wake_at(&mut self, device: DeviceId, at: Time) {
        self.queue.push(at.max(self.now), Queued::Wake { device });
    }

    /// The next event due at or before `limit`, with the clock moved to it.
    /// `None` when nothing is due or the event limit is reached.
    pub fn next_event(&mut self, limit: Time) -> Option<Event> {
        loop {
            if self.stats.events >= self.limits.max_events {
                self.stats.limit_hit = true;
                return None;
            }
            let (at, queued) = self.queue.pop_until(limit)?;
            self.now = at;
            self.stats.events += 1;
            self.trace.begin_event(self.stats.events);
            match queued {
                Queued::Wake { device } => return Some(Event::Wake { device }),
                Queued::Deliver { cable, to_side, frame } => {
                    // Frames on a cable that is unplugged leave the queue with it.
                    let Some(c) = self.graph.edge_weight(cable) else { continue };
                    let to = c.ends[usize::from(to_side)];
                    self.stats.frame_hops += 1;
                    self.trace.record_frame(at, to.device, Some(to.port), || What::Delivered { frame: frame.clone() });
                    return Some(Event::Deliver { to, frame });
                }
            }
        }
    }

    /// The time of the next queued event.
    pub fn next_time(&self) -> Option<Time> {
        self.queue.peek_time()
    }

    /// Move the clock forward to `t` (never back) once every event before it ran.
    pub fn advance_to(&mut self, t: Time) {
        if !self.stats.limit_hit {
            self.now = self.now.max(t);
        }
    }

    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn gig() -> LinkSpec {
        LinkSpec { bits_per_second: 1_000_000_000, framing: Framing::Ethernet, propagation: DEFAULT_PROPAGATION }
    }

    #[test]
    fn a_frame_arrives_after_serialization_and_propagation() {
        let mut f: Fabric = Fabric::new(1);
        let (a, b) = (f.add_node(1), f.add_node(1));
        f.connect(End { device: a, port: 0 }, End { device: b, port: 0 }, gig()).unwrap();
        f.transmit(End { device: a, port: 0 }, vec![0; 64]);
        let Some(Event::Deliver { to, frame }) = f.next_event(Time::ZERO + Duration::from_secs(1)) else {
            panic!("delivered")
        };
        assert_eq!((to, frame.len()), (End { device: b, port: 0 }, 64));
        // (64 + 24) bytes at 1 Gb/s is 704 ns, then 500 ns of cable.
        assert_eq!(f.now().nanos(), 704 + 500);
    }

    #[test]
    fn frames_queue_behind_each_other_and_a_full_backlog_drops() {
        let mut f: Fabric = Fabric::new(1);
        let (a, b) = (f.add_node(1), f.add_node(1));
        let slow = LinkSpec { bits_per_second: 8_000_000, ..gig() };
        f.connect(End { device: a, port: 0 }, End { device: b, port: 0 }, slow).unwrap();
        for _ in 0..2000 {
            f.transmit(End { device: a, port: 0 }, vec![0; 1000]);
        }
        assert!(f.stats.drops > 0 && f.stats.drops < 2000, "{}", f.stats.drops);
    }

    #[test]
    fn a_port_takes_one_cable() {
        let mut f: Fabric = Fabric::new(1);
        let (a, b) = (f.add_node(2), f.add_node(1));
        let (a0, b0) = (End { device: a, port: 0 }, End { device: b, port: 0 });
        f.connect(a0, b0, gig()).unwrap();
        assert_eq!(f.connect(End { device: a, port: 1 }, b0, gig()), Err(PlugError::Occupied(b0)));
        assert_eq!(f.connect(a0, a0, gig()), Err(PlugError::SelfLoop));
        assert_eq!(f.peer(a, 0), Some(b0));
    }
}
