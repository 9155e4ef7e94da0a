//! [`Network`]: the devices, the cables between them (a petgraph graph), and
//! the event loop that moves frames across cables in simulated time.
//!
//! A frame sent on a cable waits for the transmitter to be free, takes its
//! serialization time at the link's speed, then its propagation delay, and
//! arrives at the far end as one event. Per-direction backlogs are bounded, so
//! a broadcast storm costs drops, not memory.

use std::collections::BTreeSet;

use petgraph::stable_graph::{EdgeIndex, NodeIndex, StableUnGraph};

use super::capture::{Pcap, LINKTYPE_C_HDLC, LINKTYPE_ETHERNET};
use super::rng::hash_name;
use super::{Duration, EventQueue, Rng, Time};
use crate::base::{DeviceId, IfaceKind, IfaceName, Model};
use crate::device::{Ctx, Device, Outbox, Timer};
use crate::proto::Mac;

/// Default propagation delay of a cable (about 100 m of copper).
pub const DEFAULT_PROPAGATION: Duration = Duration::from_nanos(500);
/// Preamble, start delimiter, FCS and inter-frame gap: bytes a frame costs on
/// the wire beyond what a capture shows.
const ETHERNET_OVERHEAD: u64 = 8 + 4 + 12;
/// Bytes a transmitter may have waiting before it drops (tail drop).
const MAX_BACKLOG_BYTES: u64 = 1_000_000;

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
    pub propagation: Duration,
    pub bits_per_sec: u64,
    busy_until: [Time; 2],
    pub drops: u64,
    pub frames: u64,
    capture: Option<Pcap>,
    serial: bool,
}

/// What the outside world may read about a cable.
#[derive(Clone, Debug)]
pub struct CableInfo {
    pub id: EdgeIndex,
    pub a: (String, IfaceName),
    pub b: (String, IfaceName),
    /// The same ends as device and port indices.
    pub ends: [End; 2],
    pub up: bool,
}

#[derive(Debug)]
enum Event {
    Deliver { cable: EdgeIndex, to: u8, frame: Vec<u8> },
    Timer { device: DeviceId, timer: Timer },
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

/// Counters over the whole life of a network.
#[derive(Clone, Copy, Debug, Default)]
pub struct Stats {
    pub events: u64,
    /// Frames delivered across a cable to the device at its far end.
    pub frame_hops: u64,
    pub drops: u64,
    /// Set when a run stopped because [`Limits::max_events`] was reached.
    pub limit_hit: bool,
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum NetworkError {
    #[error("duplicate device name `{0}`")]
    DuplicateName(String),
    #[error("no device named `{0}`")]
    UnknownDevice(String),
    #[error("{device} ({model}) has no interface {iface}")]
    UnknownInterface { device: String, model: &'static str, iface: String },
    #[error("{device} {iface} is already cabled")]
    AlreadyCabled { device: String, iface: String },
    #[error("a cable cannot connect {device} {iface} to itself")]
    SelfLoop { device: String, iface: String },
}

pub struct Network {
    pub seed: u64,
    devices: Vec<Device>,
    graph: StableUnGraph<DeviceId, Cable>,
    nodes: Vec<NodeIndex>,
    /// For each device and port, the cable plugged into it.
    port_cables: Vec<Vec<Option<EdgeIndex>>>,
    queue: EventQueue<Event>,
    now: Time,
    pub rng: Rng,
    used_macs: BTreeSet<[u8; 5]>,
    capture: bool,
    pub limits: Limits,
    pub stats: Stats,
    scratch: Vec<Outbox>,
}

impl Network {
    pub fn new(seed: u64) -> Self {
        Network {
            seed,
            devices: Vec::new(),
            graph: StableUnGraph::default(),
            nodes: Vec::new(),
            port_cables: Vec::new(),
            queue: EventQueue::default(),
            now: Time::ZERO,
            rng: Rng::new(seed),
            used_macs: BTreeSet::new(),
            capture: false,
            limits: Limits::default(),
            stats: Stats::default(),
            scratch: Vec::new(),
        }
    }

    pub fn now(&self) -> Time {
        self.now
    }

    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    pub fn device(&self, id: DeviceId) -> &Device {
        &self.devices[id]
    }

    /// Mutable access for configuration outside the CLI (tests, the app's forms
    /// issue commands instead). Changes to ports do not reach the engine.
    pub fn device_mut(&mut self, id: DeviceId) -> &mut Device {
        &mut self.devices[id]
    }

    pub fn find(&self, name: &str) -> Option<DeviceId> {
        self.devices.iter().position(|d| d.name.eq_ignore_ascii_case(name))
    }

    pub fn graph(&self) -> &StableUnGraph<DeviceId, Cable> {
        &self.graph
    }

    /// A MAC address block for a device, derived from the seed and its name;
    /// unique within the network.
    fn allocate_mac(&mut self, name: &str, model: Model) -> Mac {
        let [p0, p1] = model.mac_prefix();
        let mut h = hash_name(self.seed, name);
        loop {
            // The low 6 bits of the last byte number the ports.
            let key = [p0, p1, (h >> 16) as u8, (h >> 8) as u8, h as u8 & 0xc0];
            if self.used_macs.insert(key) {
                return Mac([0x00, key[0], key[1], key[2], key[3], key[4]]);
            }
            h = super::mix(h.wrapping_add(1));
        }
    }

    pub fn add_device(&mut self, name: &str, model: Model) -> Result<DeviceId, NetworkError> {
        if self.find(name).is_some() {
            return Err(NetworkError::DuplicateName(name.to_string()));
        }
        let mac = self.allocate_mac(name, model);
        let id = self.devices.len();
        let device = Device::new(name, model, mac);
        self.port_cables.push(vec![None; device.ports.len()]);
        self.devices.push(device);
        self.nodes.push(self.graph.add_node(id));
        self.with_device(id, |d, ctx| d.start(ctx));
        Ok(id)
    }

    fn port_of(&self, device: DeviceId, iface: &IfaceName) -> Result<usize, NetworkError> {
        let d = &self.devices[device];
        d.model.port_index(iface).ok_or_else(|| NetworkError::UnknownInterface {
            device: d.name.clone(),
            model: d.model.name(),
            iface: iface.to_string(),
        })
    }

    /// Plug a cable between two ports.
    pub fn connect(&mut self, a: (DeviceId, &IfaceName), b: (DeviceId, &IfaceName)) -> Result<EdgeIndex, NetworkError> {
        let pa = self.port_of(a.0, a.1)?;
        let pb = self.port_of(b.0, b.1)?;
        if a.0 == b.0 && pa == pb {
            return Err(NetworkError::SelfLoop { device: self.devices[a.0].name.clone(), iface: a.1.to_string() });
        }
        for (d, p, n) in [(a.0, pa, a.1), (b.0, pb, b.1)] {
            if self.port_cables[d][p].is_some() {
                return Err(NetworkError::AlreadyCabled { device: self.devices[d].name.clone(), iface: n.to_string() });
            }
        }
        let speed = |n: &IfaceName| n.kind.bandwidth_bps();
        let serial = a.1.kind == IfaceKind::Serial || b.1.kind == IfaceKind::Serial;
        let cable = Cable {
            ends: [End { device: a.0, port: pa }, End { device: b.0, port: pb }],
            propagation: DEFAULT_PROPAGATION,
            bits_per_sec: speed(a.1).min(speed(b.1)),
            busy_until: [Time::ZERO; 2],
            drops: 0,
            frames: 0,
            capture: self.capture.then(|| Pcap::new(if serial { LINKTYPE_C_HDLC } else { LINKTYPE_ETHERNET })),
            serial,
        };
        let edge = self.graph.add_edge(self.nodes[a.0], self.nodes[b.0], cable);
        self.port_cables[a.0][pa] = Some(edge);
        self.port_cables[b.0][pb] = Some(edge);
        self.devices[a.0].ports[pa].cabled = true;
        self.devices[b.0].ports[pb].cabled = true;
        self.update_link(edge);
        Ok(edge)
    }

    /// Unplug a cable; both ends go down.
    pub fn disconnect(&mut self, edge: EdgeIndex) {
        let Some(cable) = self.graph.remove_edge(edge) else { return };
        for end in cable.ends {
            self.port_cables[end.device][end.port] = None;
            self.devices[end.device].ports[end.port].cabled = false;
            if self.devices[end.device].ports[end.port].link_up {
                self.with_device(end.device, |d, ctx| d.link_changed(ctx, end.port, false));
            }
        }
    }

    pub fn set_propagation(&mut self, edge: EdgeIndex, delay: Duration) {
        if let Some(c) = self.graph.edge_weight_mut(edge) {
            c.propagation = delay;
        }
    }

    pub fn cables(&self) -> Vec<CableInfo> {
        let mut v: Vec<CableInfo> = self
            .graph
            .edge_indices()
            .map(|e| {
                let c = &self.graph[e];
                let end = |i: usize| {
                    let d = &self.devices[c.ends[i].device];
                    (d.name.clone(), d.ports[c.ends[i].port].name.clone())
                };
                CableInfo {
                    id: e,
                    a: end(0),
                    b: end(1),
                    ends: c.ends,
                    up: self.devices[c.ends[0].device].ports[c.ends[0].port].link_up,
                }
            })
            .collect();
        v.sort_by_key(|c| c.id.index());
        v
    }

    /// The cable plugged into a port, if any.
    pub fn cable_at(&self, device: DeviceId, port: usize) -> Option<EdgeIndex> {
        self.port_cables.get(device)?.get(port).copied().flatten()
    }

    /// The device and port at the other end of a port's cable.
    pub fn peer(&self, device: DeviceId, port: usize) -> Option<End> {
        let c = &self.graph[self.cable_at(device, port)?];
        let here = End { device, port };
        Some(if c.ends[0] == here { c.ends[1] } else { c.ends[0] })
    }

    /// Record every frame from now on, one capture per cable.
    pub fn enable_capture(&mut self) {
        self.capture = true;
        let edges: Vec<_> = self.graph.edge_indices().collect();
        for e in edges {
            let c = &mut self.graph[e];
            if c.capture.is_none() {
                c.capture = Some(Pcap::new(if c.serial { LINKTYPE_C_HDLC } else { LINKTYPE_ETHERNET }));
            }
        }
    }

    /// The cables as device/port pairs, cheaply (no names): for drawing every frame.
    pub fn cable_ends(&self) -> impl Iterator<Item = [End; 2]> + '_ {
        self.graph.edge_indices().map(|e| self.graph[e].ends)
    }

    /// Each cable's capture, named after its two ends (`R1-Gi0-0-0_SW1-Gi0-1`).
    pub fn captures(&self) -> Vec<(String, &Pcap)> {
        let mut v: Vec<(String, &Pcap)> = self
            .graph
            .edge_indices()
            .filter_map(|e| {
                let c = &self.graph[e];
                let end = |i: usize| {
                    let d = &self.devices[c.ends[i].device];
                    format!("{}-{}", d.name, d.ports[c.ends[i].port].name.file_safe())
                };
                Some((format!("{}_{}", end(0), end(1)), c.capture.as_ref()?))
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Run one call into a device with a fresh outbox, then carry out what it asked for.
    fn with_device(&mut self, id: DeviceId, f: impl FnOnce(&mut Device, &mut Ctx)) {
        let mut out = self.scratch.pop().unwrap_or_default();
        {
            let mut ctx = Ctx { now: self.now, out: &mut out };
            f(&mut self.devices[id], &mut ctx);
        }
        self.apply(id, out);
    }

    fn apply(&mut self, id: DeviceId, mut out: Outbox) {
        for (port, frame) in out.frames.drain(..) {
            self.transmit(id, port, frame);
        }
        for (at, timer) in out.timers.drain(..) {
            self.queue.push(at.max(self.now), Event::Timer { device: id, timer });
        }
        if out.admin_changed.is_empty() {
            self.scratch.push(out);
            return;
        }
        let changed: Vec<usize> = out.admin_changed.drain(..).collect();
        self.scratch.push(out);
        for port in changed {
            if let Some(edge) = self.cable_at(id, port) {
                self.update_link(edge);
            } else {
                // An unplugged port still reports its new administrative state.
                let up = false;
                if self.devices[id].ports[port].link_up != up {
                    self.with_device(id, |d, ctx| d.link_changed(ctx, port, up));
                }
            }
        }
    }

    /// Bring a cable's link up or down from both ends' administrative state.
    fn update_link(&mut self, edge: EdgeIndex) {
        let ends = self.graph[edge].ends;
        let up = ends.iter().all(|e| self.devices[e.device].port_admin_up(e.port));
        for end in ends {
            if self.devices[end.device].ports[end.port].link_up != up {
                self.with_device(end.device, |d, ctx| d.link_changed(ctx, end.port, up));
            }
        }
    }

    fn transmit(&mut self, device: DeviceId, port: usize, frame: Vec<u8>) {
        let Some(edge) = self.cable_at(device, port) else { return };
        if !self.devices[device].ports[port].link_up {
            return;
        }
        let now = self.now;
        let counters = &mut self.devices[device].ports[port].counters;
        counters.tx_frames += 1;
        counters.tx_bytes += frame.len() as u64;
        let c = &mut self.graph[edge];
        let from = usize::from(c.ends[1] == End { device, port });
        let start = c.busy_until[from].max(now);
        let backlog_ns = MAX_BACKLOG_BYTES * 8 * 1_000_000_000 / c.bits_per_sec;
        if start.since(now).nanos() > backlog_ns {
            c.drops += 1;
            self.stats.drops += 1;
            return;
        }
        let overhead = if c.serial { 2 } else { ETHERNET_OVERHEAD };
        let bits = (frame.len() as u64 + overhead) * 8;
        let serialization = Duration::from_nanos(bits * 1_000_000_000 / c.bits_per_sec);
        c.busy_until[from] = start + serialization;
        c.frames += 1;
        if let Some(pcap) = c.capture.as_mut() {
            pcap.record(start, &frame);
        }
        let arrival = start + serialization + c.propagation;
        self.queue.push(arrival, Event::Deliver { cable: edge, to: 1 - from as u8, frame });
    }

    /// Handle the next event if it is due at or before `limit`.
    fn step(&mut self, limit: Time) -> bool {
        if self.stats.events >= self.limits.max_events {
            self.stats.limit_hit = true;
            return false;
        }
        let Some((at, event)) = self.queue.pop_until(limit) else { return false };
        self.now = at;
        self.stats.events += 1;
        match event {
            Event::Deliver { cable, to, frame } => {
                // The cable may have been unplugged while the frame was in flight.
                let Some(c) = self.graph.edge_weight(cable) else { return true };
                let end = c.ends[usize::from(to)];
                self.stats.frame_hops += 1;
                self.with_device(end.device, |d, ctx| d.receive(ctx, end.port, frame));
            }
            Event::Timer { device, timer } => self.with_device(device, |d, ctx| d.timer(ctx, timer)),
        }
        true
    }

    /// Run every event up to `t`, then set the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.step(t) {}
        if !self.stats.limit_hit {
            self.now = self.now.max(t);
        }
    }

    pub fn run_for(&mut self, d: Duration) {
        self.run_until(self.now + d);
    }

    /// Run until the device's ping or traceroute finishes, for at most `budget`
    /// of simulated time (then it is aborted, as a user would press Ctrl-Shift-6).
    pub fn run_while_busy(&mut self, id: DeviceId, budget: Duration) {
        let deadline = self.now + budget;
        while self.devices[id].busy() {
            match self.queue.peek_time() {
                Some(t) if t <= deadline => {
                    if !self.step(deadline) {
                        break;
                    }
                }
                _ => break,
            }
        }
        if self.devices[id].busy() {
            self.devices[id].abort_session();
        }
    }

    /// Type a line at a device's terminal (the engine carries out its effects).
    pub fn type_line(&mut self, id: DeviceId, line: &str) {
        self.with_device(id, |d, ctx| d.type_line(ctx, line));
    }

    /// Type a line and, if it started a ping or traceroute, wait for it to finish.
    pub fn exec(&mut self, id: DeviceId, line: &str) -> String {
        self.type_line(id, line);
        self.run_while_busy(id, Duration::from_secs(3600));
        self.take_console(id)
    }

    /// What the device's terminal printed since the last call.
    pub fn take_console(&mut self, id: DeviceId) -> String {
        std::mem::take(&mut self.devices[id].console)
    }

    /// Start a ping from a device's IP stack without its CLI (benchmarks, graders).
    pub fn start_probe(
        &mut self,
        id: DeviceId,
        spec: crate::proto::probe::Spec,
        report: Box<dyn crate::proto::probe::Report>,
    ) {
        self.with_device(id, |d, ctx| {
            d.start_session(ctx.now, spec, report);
            d.flush(ctx);
        });
    }

    pub fn pending_events(&self) -> usize {
        self.queue.len()
    }
}
