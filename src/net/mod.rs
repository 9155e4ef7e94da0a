//! [`Network`]: devices on the fabric. It owns the devices, finds them by
//! name, plugs cables between their ports, and runs the event loop: each
//! event the fabric hands out (a frame arriving, a device's deadline) becomes
//! one call into one device, and what the device asks for in its outbox
//! (frames to send, ports whose state changed, notes for the trace) is carried
//! out before the next event.
//!
//! Devices never see the queue. Each reports its next deadline
//! ([`Device::poll_at`]); the network keeps one wake-up queued per device at
//! the earliest of them.
//!
//! Above this floor: the CLI (which types lines into devices through
//! [`Network::act`]), labs, grading and the app. Below: `device`, `proto`,
//! `sim`, `base`. This module never imports a floor above it: the lines
//! remote logins type at a box's vty sessions are handed to the CLI through
//! an [`Interpreter`] the CLI registers ([`Network::set_interpreter`]).

mod trace;

pub use trace::TraceLine;

use std::collections::{BTreeSet, HashMap};

use petgraph::stable_graph::{EdgeIndex, StableUnGraph};

use crate::base::{DeviceId, IfaceKind, IfaceName, Model};
use crate::device::{Ctx, Device, Interpreter, Outbox};
use crate::proto::decision::Decision;
use crate::proto::Mac;
use crate::sim::{
    hash_name, mix, Cable, Duration, End, Event, Fabric, Framing, Limits, LinkSpec, Pcap, PlugError, Record, Stats,
    Time, What, DEFAULT_PROPAGATION,
};

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

/// A trace record as the network keeps it: the fabric's frame events and the
/// devices' decisions.
pub type TraceRecord = Record<Decision>;

pub struct Network {
    pub seed: u64,
    devices: Vec<Device>,
    /// Device names in lower case, for look-ups (never iterated).
    by_name: HashMap<String, DeviceId>,
    fabric: Fabric<Decision>,
    /// The wake-up queued for each device, so each deadline is queued once.
    wake: Vec<Option<Time>>,
    used_macs: BTreeSet<[u8; 5]>,
    scratch: Vec<Outbox>,
    /// The CLI, for the lines remote logins type at vty sessions (the CLI
    /// registers it; this floor cannot name it).
    interpreter: Option<Interpreter>,
}

impl Network {
    pub fn new(seed: u64) -> Self {
        Network {
            seed,
            devices: Vec::new(),
            by_name: HashMap::new(),
            fabric: Fabric::new(seed),
            wake: Vec::new(),
            used_macs: BTreeSet::new(),
            scratch: Vec::new(),
            interpreter: None,
        }
    }

    /// Set the interpreter vty sessions' lines run through.
    pub fn set_interpreter(&mut self, interpreter: Interpreter) {
        self.interpreter = Some(interpreter);
    }

    pub fn now(&self) -> Time {
        self.fabric.now()
    }

    pub fn stats(&self) -> Stats {
        self.fabric.stats
    }

    pub fn set_limits(&mut self, limits: Limits) {
        self.fabric.limits = limits;
    }

    pub fn devices(&self) -> &[Device] {
        &self.devices
    }

    pub fn device(&self, id: DeviceId) -> &Device {
        &self.devices[id]
    }

    /// Mutable access for configuration outside the CLI (tests, the app's
    /// canvas position). Changes to ports do not reach the engine: use
    /// [`Network::act`] for anything that may send a frame or change a link.
    pub fn device_mut(&mut self, id: DeviceId) -> &mut Device {
        &mut self.devices[id]
    }

    /// A device by name, whatever its case.
    pub fn find(&self, name: &str) -> Option<DeviceId> {
        self.by_name.get(&name.to_ascii_lowercase()).copied()
    }

    /// Rename a device (names stay unique, whatever their case).
    pub fn rename(&mut self, id: DeviceId, name: &str) -> Result<(), NetworkError> {
        if self.find(name).is_some_and(|other| other != id) {
            return Err(NetworkError::DuplicateName(name.to_string()));
        }
        self.by_name.remove(&self.devices[id].name.to_ascii_lowercase());
        self.by_name.insert(name.to_ascii_lowercase(), id);
        self.devices[id].name = name.to_string();
        Ok(())
    }

    pub fn graph(&self) -> &StableUnGraph<DeviceId, Cable> {
        self.fabric.graph()
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
            h = mix(h.wrapping_add(1));
        }
    }

    pub fn add_device(&mut self, name: &str, model: Model) -> Result<DeviceId, NetworkError> {
        if self.find(name).is_some() {
            return Err(NetworkError::DuplicateName(name.to_string()));
        }
        let mac = self.allocate_mac(name, model);
        let mut device = Device::new(name, model, mac, self.now());
        device.set_tracing(self.fabric.trace.is_on());
        let id = self.fabric.add_node(device.ports.len());
        debug_assert_eq!(id, self.devices.len());
        self.by_name.insert(name.to_ascii_lowercase(), id);
        self.devices.push(device);
        self.wake.push(None);
        self.reschedule(id);
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

    /// The cable two interfaces make: the slower one's speed; HDLC framing
    /// on serial lines.
    fn link_spec(a: &IfaceName, b: &IfaceName) -> LinkSpec {
        let serial = a.kind == IfaceKind::Serial || b.kind == IfaceKind::Serial;
        LinkSpec {
            bits_per_second: a.kind.bandwidth_bps().min(b.kind.bandwidth_bps()),
            framing: if serial { Framing::CiscoHdlc } else { Framing::Ethernet },
            propagation: DEFAULT_PROPAGATION,
        }
    }

    /// Plug a cable between two ports.
    pub fn connect(&mut self, a: (DeviceId, &IfaceName), b: (DeviceId, &IfaceName)) -> Result<EdgeIndex, NetworkError> {
        let ea = End { device: a.0, port: self.port_of(a.0, a.1)? };
        let eb = End { device: b.0, port: self.port_of(b.0, b.1)? };
        let edge = self.fabric.connect(ea, eb, Self::link_spec(a.1, b.1)).map_err(|e| match e {
            PlugError::SelfLoop => {
                NetworkError::SelfLoop { device: self.devices[a.0].name.clone(), iface: a.1.to_string() }
            }
            PlugError::Occupied(end) => NetworkError::AlreadyCabled {
                device: self.devices[end.device].name.clone(),
                iface: if end == ea { a.1 } else { b.1 }.to_string(),
            },
        })?;
        self.devices[a.0].ports[ea.port].cabled = true;
        self.devices[b.0].ports[eb.port].cabled = true;
        self.update_link(edge);
        Ok(edge)
    }

    /// Unplug a cable; both ends go down.
    pub fn disconnect(&mut self, edge: EdgeIndex) {
        let Some(ends) = self.fabric.disconnect(edge) else { return };
        for end in ends {
            self.devices[end.device].ports[end.port].cabled = false;
            if self.devices[end.device].ports[end.port].link_up {
                self.act(end.device, |d, ctx| d.link_changed(ctx, end.port, false));
            }
        }
    }

    pub fn set_propagation(&mut self, edge: EdgeIndex, delay: Duration) {
        self.fabric.set_propagation(edge, delay);
    }

    fn end_names(&self, end: End) -> (String, IfaceName) {
        let d = &self.devices[end.device];
        (d.name.clone(), d.ports[end.port].name.clone())
    }

    /// Every cable, in the order they were plugged in.
    pub fn cables(&self) -> Vec<CableInfo> {
        self.fabric
            .cables()
            .map(|(id, c)| CableInfo {
                id,
                a: self.end_names(c.ends[0]),
                b: self.end_names(c.ends[1]),
                ends: c.ends,
                up: self.devices[c.ends[0].device].ports[c.ends[0].port].link_up,
            })
            .collect()
    }

    /// The cable plugged into a port, if any.
    pub fn cable_at(&self, device: DeviceId, port: usize) -> Option<EdgeIndex> {
        self.fabric.cable_at(device, port)
    }

    /// The device and port at the other end of a port's cable.
    pub fn peer(&self, device: DeviceId, port: usize) -> Option<End> {
        self.fabric.peer(device, port)
    }

    /// Record every frame from now on, one capture per cable.
    pub fn enable_capture(&mut self) {
        self.fabric.enable_capture();
    }

    /// Record every device decision from now on and, with `frames`, every
    /// frame sent and delivered with its bytes; at most `capacity` records
    /// are kept (the oldest go first).
    pub fn enable_trace(&mut self, capacity: usize, frames: bool) {
        self.fabric.trace.enable(capacity, frames);
        for d in &mut self.devices {
            d.set_tracing(true);
        }
    }

    /// Stop recording and forget what was recorded.
    pub fn disable_trace(&mut self) {
        self.fabric.trace.disable();
        self.fabric.trace.clear();
        for d in &mut self.devices {
            d.set_tracing(false);
        }
    }

    pub fn trace_on(&self) -> bool {
        self.fabric.trace.is_on()
    }

    /// Forget the records kept so far (the trace stays on).
    pub fn clear_trace(&mut self) {
        self.fabric.trace.clear();
    }

    /// The trace records kept so far, oldest first.
    pub fn trace(&self) -> impl ExactSizeIterator<Item = &TraceRecord> + '_ {
        self.fabric.trace.records()
    }

    /// How many records the trace has made, those the bound pushed out
    /// included: the first kept record's absolute index is this minus
    /// the number kept.
    pub fn trace_total(&self) -> u64 {
        self.fabric.trace.total()
    }

    /// The cables as device/port pairs, cheaply (no names): for drawing every frame.
    pub fn cable_ends(&self) -> impl Iterator<Item = [End; 2]> + '_ {
        self.fabric.cables().map(|(_, c)| c.ends)
    }

    /// How many frames each cable has carried, in `cable_ends` order: what
    /// changed since the last look is the traffic to show.
    pub fn cable_frames(&self) -> impl Iterator<Item = u64> + '_ {
        self.fabric.cables().map(|(_, c)| c.frames)
    }

    /// Each cable's capture, named after its two ends (`R1-Gi0-0-0_SW1-Gi0-1`).
    pub fn captures(&self) -> Vec<(String, &Pcap)> {
        let mut v: Vec<(String, &Pcap)> = self
            .fabric
            .cables()
            .filter_map(|(id, c)| {
                let end = |e: End| {
                    let d = &self.devices[e.device];
                    format!("{}-{}", d.name, d.ports[e.port].name.file_safe())
                };
                Some((format!("{}_{}", end(c.ends[0]), end(c.ends[1])), self.fabric.capture(id)?))
            })
            .collect();
        v.sort_by(|a, b| a.0.cmp(&b.0));
        v
    }

    /// Run one call into a device with a fresh outbox, then carry out what it
    /// asked for. This is how everything above the network (the CLI, the app,
    /// graders) makes a device act.
    pub fn act<R>(&mut self, id: DeviceId, f: impl FnOnce(&mut Device, &mut Ctx) -> R) -> R {
        let mut out = self.scratch.pop().unwrap_or_default();
        let result = {
            let mut ctx = Ctx { now: self.fabric.now(), out: &mut out };
            let device = &mut self.devices[id];
            let result = f(device, &mut ctx);
            // Lines a remote login typed: the CLI answers them now.
            if let (Some(interpret), true) = (self.interpreter, device.vty_has_input()) {
                device.serve_vty(&mut ctx, interpret);
                device.flush(&mut ctx);
            }
            result
        };
        // While the device is still in the cache: what it sent cannot change its deadlines.
        self.reschedule(id);
        self.apply(id, out);
        result
    }

    /// Keep one wake-up queued at the device's earliest deadline.
    fn reschedule(&mut self, id: DeviceId) {
        let Some(at) = self.devices[id].poll_at() else { return };
        // A deadline already past (work a piece queued for its next poll) is now.
        let at = at.max(self.fabric.now());
        if self.wake[id].is_none_or(|queued| at < queued) {
            self.wake[id] = Some(at);
            self.fabric.wake_at(id, at);
        }
    }

    fn apply(&mut self, id: DeviceId, mut out: Outbox) {
        let now = self.fabric.now();
        for (port, note) in out.notes.drain(..) {
            self.fabric.trace.record(now, id, port, || What::Note(note));
        }
        for (port, frame) in out.frames.drain(..) {
            self.transmit(id, port, frame);
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
            } else if self.devices[id].ports[port].link_up {
                // An unplugged port is down whatever its administrative state.
                self.act(id, |d, ctx| d.link_changed(ctx, port, false));
            }
        }
    }

    /// Bring a cable's link up or down from both ends' administrative state.
    fn update_link(&mut self, edge: EdgeIndex) {
        let Some(ends) = self.fabric.cable(edge).map(|c| c.ends) else { return };
        let up = ends.iter().all(|e| self.devices[e.device].port_admin_up(e.port));
        for end in ends {
            if self.devices[end.device].ports[end.port].link_up != up {
                self.act(end.device, |d, ctx| d.link_changed(ctx, end.port, up));
            }
        }
    }

    fn transmit(&mut self, device: DeviceId, port: usize, frame: Vec<u8>) {
        let p = &mut self.devices[device].ports[port];
        if !p.link_up || !p.cabled {
            return;
        }
        p.counters.tx_frames += 1;
        p.counters.tx_bytes += frame.len() as u64;
        self.fabric.transmit(End { device, port }, frame);
    }

    /// Handle the next event if it is due at or before `limit`.
    fn step(&mut self, limit: Time) -> bool {
        match self.fabric.next_event(limit) {
            None => false,
            Some(Event::Deliver { to, frame }) => {
                self.act(to.device, |d, ctx| d.receive(ctx, to.port, frame));
                self.fabric.trace.end_event();
                true
            }
            Some(Event::Wake { device }) => {
                let now = self.fabric.now();
                // A wake-up superseded by an earlier one has nothing to do.
                if self.wake[device] == Some(now) {
                    self.wake[device] = None;
                    self.act(device, |d, ctx| d.poll(ctx));
                }
                self.fabric.trace.end_event();
                true
            }
        }
    }

    /// Handle exactly one event, whenever it is due (the simulation mode's
    /// smallest step). `false` when nothing is queued or the event limit is hit.
    pub fn step_one(&mut self) -> bool {
        self.step(Time::MAX)
    }

    /// How many engine events have run since the network was made.
    pub fn events_done(&self) -> u64 {
        self.fabric.stats.events
    }

    /// Run every event up to `t`, then set the clock to `t`.
    pub fn run_until(&mut self, t: Time) {
        while self.step(t) {}
        self.fabric.advance_to(t);
    }

    pub fn run_for(&mut self, d: Duration) {
        self.run_until(self.now() + d);
    }

    /// Run until the device's ping or traceroute finishes, for at most `budget`
    /// of simulated time (then it is aborted, as a user would press Ctrl-Shift-6).
    pub fn run_while_busy(&mut self, id: DeviceId, budget: Duration) {
        let deadline = self.now() + budget;
        while self.devices[id].busy() {
            match self.fabric.next_time() {
                Some(t) if t <= deadline => {
                    if !self.step(deadline) {
                        break;
                    }
                }
                _ => break,
            }
        }
        if self.devices[id].busy() {
            // Through `act`, so what aborting sends (a TCP reset) goes on the wire.
            self.act(id, |d, ctx| {
                d.abort_session(ctx.now);
                d.flush(ctx);
            });
        }
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
        self.act(id, |d, ctx| {
            d.start_session(ctx.now, spec, report);
            d.flush(ctx);
        });
    }

    /// Send a simulation PDU's ICMP echoes (beside the terminal's own ping).
    pub fn start_pdu_probe(
        &mut self,
        id: DeviceId,
        spec: crate::proto::probe::Spec,
        report: Box<dyn crate::proto::probe::Report>,
    ) {
        self.act(id, |d, ctx| {
            d.start_pdu_probe(ctx.now, spec, report);
            d.flush(ctx);
        });
    }

    /// Send a complex PDU over TCP or UDP from a host.
    pub fn start_transport_pdu(
        &mut self,
        id: DeviceId,
        spec: crate::device::pdu::TransportSpec,
        report: Box<dyn crate::proto::probe::Report>,
    ) -> Result<(), String> {
        self.act(id, |d, ctx| {
            let started = d.start_transport_pdu(ctx.now, spec, report);
            d.flush(ctx);
            started
        })
    }

    /// Open `url` in a host's web browser.
    pub fn browse(&mut self, id: DeviceId, url: &str) {
        self.act(id, |d, ctx| {
            crate::device::browse(d, ctx.now, url);
            d.flush(ctx);
        });
    }

    /// Stop what the device's terminal waits for (a ping, a traceroute, a
    /// lookup, a remote login), as Ctrl+C or Ctrl+Shift+6 does.
    pub fn abort_session(&mut self, id: DeviceId) {
        self.act(id, |d, ctx| {
            d.abort_session(ctx.now);
            d.flush(ctx);
        });
    }

    pub fn pending_events(&self) -> usize {
        self.fabric.pending_events()
    }
}
