//! Devices: hosts (PC, laptop, server) and IOS boxes (router, switch,
//! multilayer switch). A device is a composition of protocol pieces from
//! [`crate::proto`] (an IP stack, a bridge, ping sessions) plus the state its
//! CLI configures. Devices never touch the event queue: they receive frames,
//! timers and typed lines, and answer through an [`Outbox`].

pub mod bridge;
mod host;
pub mod ios;

use std::net::Ipv4Addr;

pub use bridge::Bridge;
pub use host::Host;
pub use ios::{Ios, IosIface, LineConfig, Mode};

use crate::base::{IfaceName, Model};
use crate::proto::ip_stack::IpStack;
use crate::proto::probe::{self, Session};
use crate::proto::Mac;
use crate::sim::Time;

/// What a device asks the engine to wake it for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Timer {
    /// The IP stack's pending ARP resolutions.
    Arp,
    /// The running ping or traceroute.
    Probe,
    /// The switch's once-a-second housekeeping (spanning tree).
    Tick,
}

/// What a device hands back to the engine while handling an input.
#[derive(Default, Debug)]
pub struct Outbox {
    /// Frames to transmit, by port index.
    pub frames: Vec<(usize, Vec<u8>)>,
    pub timers: Vec<(Time, Timer)>,
    /// Ports whose administrative state changed (the engine recomputes the link).
    pub admin_changed: Vec<usize>,
}

/// The context of one call into a device.
pub struct Ctx<'a> {
    pub now: Time,
    pub out: &'a mut Outbox,
}

/// A physical port as the engine sees it.
#[derive(Clone, Debug)]
pub struct Port {
    pub name: IfaceName,
    pub mac: Mac,
    /// A cable is attached and both ends are administratively up.
    pub link_up: bool,
    pub cabled: bool,
    pub counters: PortCounters,
}

/// Frames and bytes through a port, as `show interfaces` counts them.
#[derive(Clone, Copy, Debug, Default)]
pub struct PortCounters {
    pub rx_frames: u64,
    pub rx_bytes: u64,
    pub rx_broadcasts: u64,
    pub tx_frames: u64,
    pub tx_bytes: u64,
}

/// The behaviour that differs between hosts and IOS boxes.
#[derive(Debug)]
pub enum Role {
    Host(Host),
    Ios(Box<Ios>),
}

/// One device of a network.
#[derive(Debug)]
pub struct Device {
    pub name: String,
    pub model: Model,
    /// Where the lab places the device on the canvas.
    pub at: (f32, f32),
    pub ports: Vec<Port>,
    pub role: Role,
    /// What the device's terminal has printed and nobody has read yet.
    pub console: String,
    /// The ping or traceroute the terminal is waiting for.
    pub session: Option<Session>,
    /// When the session wants to run next (not yet handed to the engine).
    pending_probe_wake: Option<Time>,
    /// The probe timer already in the engine's queue, so each wake is scheduled once.
    scheduled_probe: Option<Time>,
}

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Session").field("dst", &self.spec.dst).finish()
    }
}

impl Device {
    /// A device fresh out of the box, its ports' MAC addresses counted from `base_mac`.
    pub fn new(name: &str, model: Model, base_mac: Mac) -> Device {
        let ports: Vec<Port> = model
            .ports()
            .into_iter()
            .enumerate()
            .map(|(i, name)| Port {
                name,
                mac: nth_mac(base_mac, i as u8 + 1),
                link_up: false,
                cabled: false,
                counters: PortCounters::default(),
            })
            .collect();
        let role = if model.is_host() {
            Role::Host(Host::new(&ports))
        } else {
            Role::Ios(Box::new(Ios::new(model, &ports, base_mac)))
        };
        Device {
            name: name.to_string(),
            model,
            at: (0.0, 0.0),
            ports,
            role,
            console: String::new(),
            session: None,
            pending_probe_wake: None,
            scheduled_probe: None,
        }
    }

    pub fn stack(&self) -> &IpStack {
        match &self.role {
            Role::Host(h) => &h.stack,
            Role::Ios(i) => &i.stack,
        }
    }

    pub fn stack_mut(&mut self) -> &mut IpStack {
        match &mut self.role {
            Role::Host(h) => &mut h.stack,
            Role::Ios(i) => &mut i.stack,
        }
    }

    pub fn as_ios(&self) -> Option<&Ios> {
        match &self.role {
            Role::Ios(i) => Some(i),
            Role::Host(_) => None,
        }
    }

    pub fn as_host(&self) -> Option<&Host> {
        match &self.role {
            Role::Host(h) => Some(h),
            Role::Ios(_) => None,
        }
    }

    /// Does spanning tree forward on this port in every VLAN it carries?
    /// (Always, on devices without a bridge.)
    pub fn port_forwarding(&self, port: usize) -> bool {
        match &self.role {
            Role::Ios(i) => i.bridge.as_ref().is_none_or(|b| {
                // A channel member forwards when its port-channel does.
                let port = b.logical(port);
                b.trees
                    .values()
                    .all(|t| !t.ports.contains_key(&port) || t.state(port) == crate::proto::stp::State::Forwarding)
            }),
            Role::Host(_) => true,
        }
    }

    /// Is the port administratively up (not `shutdown`)?
    pub fn port_admin_up(&self, port: usize) -> bool {
        match &self.role {
            Role::Host(_) => true,
            Role::Ios(i) => i.port_admin_up(port),
        }
    }

    /// A frame arrived on a port.
    pub fn receive(&mut self, ctx: &mut Ctx, port: usize, frame: Vec<u8>) {
        if !self.ports[port].link_up {
            return;
        }
        let c = &mut self.ports[port].counters;
        c.rx_frames += 1;
        c.rx_bytes += frame.len() as u64;
        if frame.first() == Some(&0xff) {
            c.rx_broadcasts += 1;
        }
        match &mut self.role {
            Role::Host(h) => h.stack.receive(ctx.now, 0, frame),
            Role::Ios(i) => i.receive(ctx.now, port, frame, &self.ports),
        }
        self.flush(ctx);
    }

    pub fn timer(&mut self, ctx: &mut Ctx, timer: Timer) {
        match timer {
            Timer::Arp => self.stack_mut().on_timer(ctx.now),
            Timer::Tick => {
                if let Role::Ios(i) = &mut self.role {
                    let log = i.tick(ctx.now, &self.ports);
                    self.console.push_str(&log);
                    ctx.out.timers.push((ctx.now + crate::sim::Duration::from_secs(1), Timer::Tick));
                    ctx.out.admin_changed.append(&mut i.err_disabled_now);
                }
            }
            Timer::Probe => {
                if self.scheduled_probe == Some(ctx.now) {
                    self.scheduled_probe = None;
                }
                self.step_session(ctx.now)
            }
        }
        self.flush(ctx);
    }

    /// Power on: start the periodic timers the device needs.
    pub fn start(&mut self, ctx: &mut Ctx) {
        if !self.model.is_host() {
            ctx.out.timers.push((ctx.now + crate::sim::Duration::from_secs(1), Timer::Tick));
        }
    }

    /// The engine changed a port's link state.
    pub fn link_changed(&mut self, ctx: &mut Ctx, port: usize, up: bool) {
        self.ports[port].link_up = up;
        let log = match &mut self.role {
            Role::Host(h) => {
                h.stack.set_up(0, up);
                None
            }
            Role::Ios(i) => {
                let mut log = i.link_changed(port, up, &self.ports);
                // A switch takes a new link into its spanning trees at once,
                // and CDP says hello on it.
                if i.bridge.is_some() {
                    log.push_str(&i.tick(ctx.now, &self.ports));
                }
                if up {
                    i.cdp_announce(&self.ports, Some(port));
                    i.lldp_announce(&self.ports, Some(port));
                }
                Some(log)
            }
        };
        if let Some(text) = log {
            self.console.push_str(&text);
        }
        self.flush(ctx);
    }

    /// Type one line at the device's terminal.
    pub fn type_line(&mut self, ctx: &mut Ctx, line: &str) {
        crate::cli::type_line(self, ctx, line);
        self.flush(ctx);
    }

    /// The configuration typed at boot becomes the startup-config, and the
    /// terminal waits at user EXEC, as after a real boot.
    pub fn boot_complete(&mut self) {
        let startup = crate::cli::ios::running_config::startup_text(self);
        if let Role::Ios(i) = &mut self.role {
            i.startup_config = Some(startup);
            i.mode = Mode::UserExec;
            i.history.clear();
        }
    }

    /// Is the terminal waiting for the answer to a question? `Some(true)` when
    /// the answer is a password (not echoed).
    pub fn pending_question(&self) -> Option<bool> {
        match &self.role {
            // A banner being typed shows no prompt but echoes its lines.
            Role::Ios(i) if i.banner_in_progress.is_some() => Some(false),
            Role::Ios(i) => i
                .question
                .as_ref()
                .map(|q| matches!(q, ios::Question::EnablePassword { .. } | ios::Question::Confirm(_))),
            Role::Host(_) => None,
        }
    }

    /// The prompt the terminal shows now.
    pub fn prompt(&self) -> String {
        match &self.role {
            Role::Host(_) => "C:\\>".to_string(),
            Role::Ios(i) => i.prompt(),
        }
    }

    /// Is the terminal waiting for a ping or traceroute to finish?
    pub fn busy(&self) -> bool {
        self.session.as_ref().is_some_and(|s| !s.is_done())
    }

    /// Start a ping or traceroute on this device's IP stack.
    pub fn start_session(&mut self, now: Time, spec: probe::Spec, report: Box<dyn probe::Report>) {
        let mut session = Session::new(spec, report);
        let stack = match &mut self.role {
            Role::Host(h) => &mut h.stack,
            Role::Ios(i) => &mut i.stack,
        };
        let wake = session.start(now, stack, &mut self.console);
        self.session = Some(session);
        self.pending_probe_wake = wake;
    }

    fn step_session(&mut self, now: Time) {
        let Some(session) = self.session.as_mut() else { return };
        let stack = match &mut self.role {
            Role::Host(h) => &mut h.stack,
            Role::Ios(i) => &mut i.stack,
        };
        self.pending_probe_wake = session.step(now, stack, &mut self.console);
    }

    /// Stop a running ping or traceroute, printing what it had.
    pub fn abort_session(&mut self) {
        if let Some(s) = self.session.as_mut() {
            s.abort(&mut self.console);
        }
    }

    /// Move what the protocol pieces produced into the outbox.
    pub fn flush(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        // Applications first: a reply may trigger the next probe.
        let delivered: Vec<_> = std::mem::take(&mut self.stack_mut().delivered);
        if !delivered.is_empty() {
            if let Some(session) = self.session.as_mut() {
                for d in &delivered {
                    session.on_delivery(now, d, &mut self.console);
                }
            }
            self.step_session(now);
        }
        if let Some(at) = self.pending_probe_wake.take() {
            let stale = self.scheduled_probe.is_none_or(|s| s < now || at < s);
            if stale {
                self.scheduled_probe = Some(at);
                ctx.out.timers.push((at, Timer::Probe));
            }
        }
        let stack = self.stack_mut();
        for at in stack.wakeups.drain(..) {
            ctx.out.timers.push((at, Timer::Arp));
        }
        match &mut self.role {
            Role::Host(h) => {
                for (_, frame) in h.stack.out.drain(..) {
                    ctx.out.frames.push((0, frame));
                }
            }
            Role::Ios(i) => {
                i.drain_output(now, &self.ports, ctx.out);
                if !i.pending_log.is_empty() {
                    self.console.push_str(&std::mem::take(&mut i.pending_log));
                }
                ctx.out.admin_changed.append(&mut i.err_disabled_now);
            }
        }
    }
}

/// The MAC address `n` steps after `base` (in its last byte).
pub fn nth_mac(base: Mac, n: u8) -> Mac {
    let mut b = base.0;
    b[5] = b[5].wrapping_add(n);
    Mac(b)
}

/// An address and mask as IOS and Windows print them together.
pub fn addr_mask(addr: Option<(Ipv4Addr, u8)>) -> Option<(Ipv4Addr, Ipv4Addr)> {
    addr.map(|(a, len)| (a, crate::proto::ipv4::mask_of(len)))
}
