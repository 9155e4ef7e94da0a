//! Devices: hosts (PC, laptop, server) and IOS boxes (router, switch,
//! multilayer switch). A device is a composition of protocol pieces from
//! [`crate::proto`] (an IP stack, a bridge, ping sessions, DHCP, DNS, TCP)
//! plus the state its CLI configures. A host (`host.rs`) runs a DHCP client,
//! a resolver and, over TCP, `curl` and the Desktop's browser (`web.rs`); a
//! Server adds DNS zones, DHCP scopes ([`dhcp_service`]) and web pages.
//! Devices never touch the event queue: they receive frames and calls,
//! report their next deadline ([`Device::poll_at`]), are polled when it
//! comes, and answer through an [`Outbox`]. Nothing here calls the CLI: the
//! CLI calls devices (and hands them what a finished lookup or fetch prints,
//! and, as an [`Interpreter`], what runs the lines of a vty session). Remote
//! logins out of a device are [`remote`]'s; into an IOS box, its vty lines'.

pub mod bridge;
pub mod dhcp_service;
mod host;
pub mod ios;
pub mod pdu;
pub mod remote;
pub(crate) mod web;
mod words;

use std::net::Ipv4Addr;

pub use bridge::Bridge;
pub use host::{
    Addressing, Browser, BrowserPage, DhcpOutcome, DhcpWaiter, FetchWaiter, Host, LookupWaiter, NSLOOKUP,
    WINDOWS_RESOLVER,
};
pub use ios::vty::TerminalId;
pub use ios::{Ios, IosIface, LineConfig, Mode};
pub use web::{browse, page_text, FetchOutcome};

use crate::base::{IfaceName, Model};
use crate::proto::decision::Decision;
use crate::proto::ip6_stack::Ip6Stack;
use crate::proto::ip_stack::{Delivery, IpStack};
use crate::proto::probe::{self, Session};
use crate::proto::Mac;
use crate::sim::Time;

/// What a device hands back to the engine while handling an input.
#[derive(Default, Debug)]
pub struct Outbox {
    /// Frames to transmit, by port index.
    pub frames: Vec<(usize, Vec<u8>)>,
    /// Ports whose administrative state changed (the engine recomputes the link).
    pub admin_changed: Vec<usize>,
    /// Decisions for the trace (when it is on), with the port they concern.
    pub notes: Vec<(Option<usize>, Decision)>,
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
    /// When the session wants to run next.
    session_wake: Option<Time>,
    /// The terminal the session prints at (a vty session's, on an IOS box).
    session_owner: TerminalId,
    /// A simulation PDU's ICMP echoes: a ping of its own, beside the
    /// terminal's, printing nowhere (its report keeps the outcome).
    /// (Boxed: rarely there, and a device stays small on the engine's hot path.)
    pdu_probe: Option<Box<Session>>,
    pdu_wake: Option<Time>,
}

/// The CLI, as the network hands it to a device to run its vty sessions'
/// lines (the device floor cannot name the CLI; the CLI registers this).
pub type Interpreter = fn(&mut Device, &mut Ctx, &str);

impl std::fmt::Debug for Session {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.debug_struct("Session").field("dst", &self.spec.dst).finish()
    }
}

impl Device {
    /// A device fresh out of the box, its ports' MAC addresses counted from `base_mac`.
    pub fn new(name: &str, model: Model, base_mac: Mac, now: Time) -> Device {
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
            Role::Host(Host::new(&ports, model == Model::Server))
        } else {
            Role::Ios(Box::new(Ios::new(model, &ports, base_mac, now)))
        };
        Device {
            name: name.to_string(),
            model,
            at: (0.0, 0.0),
            ports,
            role,
            console: String::new(),
            session: None,
            session_wake: None,
            pdu_probe: None,
            pdu_wake: None,
            session_owner: TerminalId::Console,
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

    /// The IPv6 stack (on the IPv4 stack's interface indices).
    pub fn stack6(&self) -> &Ip6Stack {
        match &self.role {
            Role::Host(h) => &h.stack6,
            Role::Ios(i) => &i.stack6,
        }
    }

    pub fn stack6_mut(&mut self) -> &mut Ip6Stack {
        match &mut self.role {
            Role::Host(h) => &mut h.stack6,
            Role::Ios(i) => &mut i.stack6,
        }
    }

    /// Both stacks, for a ping or traceroute.
    fn stacks(role: &mut Role) -> probe::Stacks<'_> {
        match role {
            Role::Host(h) => probe::Stacks { v4: &mut h.stack, v6: &mut h.stack6 },
            Role::Ios(i) => probe::Stacks { v4: &mut i.stack, v6: &mut i.stack6 },
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
            Role::Host(h) if h.stack6.carries(0, &frame) => h.stack6.receive(ctx.now, 0, &frame),
            Role::Host(h) => h.stack.receive(ctx.now, 0, frame),
            Role::Ios(i) => i.receive(ctx.now, port, frame, &self.ports),
        }
        self.flush(ctx);
    }

    /// The earliest time one of the device's pieces has something to do:
    /// the running ping or traceroute, the IP stack's ARP retries, an IOS
    /// box's periodic protocols.
    #[inline]
    pub fn poll_at(&self) -> Option<Time> {
        let (stack, stack6, box_at) = match &self.role {
            Role::Ios(i) => (&i.stack, &i.stack6, i.poll_at()),
            Role::Host(h) => (&h.stack, &h.stack6, h.poll_at()),
        };
        let probes = earliest(self.session_wake, self.pdu_wake);
        earliest(earliest(earliest(probes, stack.poll_at()), stack6.poll_at()), box_at)
    }

    /// Run every piece whose deadline has come. The order is fixed (the
    /// application, then the IP stack, then the box's periodic protocols), so
    /// deadlines that fall at the same instant always run in the same order.
    pub fn poll(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        if self.session_wake.is_some_and(|t| t <= now) {
            self.step_session(now);
        }
        if self.pdu_wake.is_some_and(|t| t <= now) {
            self.step_pdu_probe(now);
        }
        if self.stack().poll_at().is_some_and(|t| t <= now) {
            self.stack_mut().poll(now);
        }
        if self.stack6().poll_at().is_some_and(|t| t <= now) {
            self.stack6_mut().poll(now);
        }
        match &mut self.role {
            Role::Ios(i) if i.poll_at().is_some_and(|t| t <= now) => {
                let log = i.poll(now, &self.ports);
                self.console.push_str(&log);
            }
            Role::Host(h) if h.poll_at().is_some_and(|t| t <= now) => h.poll(now),
            _ => {}
        }
        self.flush(ctx);
    }

    /// Turn the notes pieces keep for the trace on or off.
    pub fn set_tracing(&mut self, on: bool) {
        self.stack6_mut().notes = on.then(Vec::new);
        let stack = self.stack_mut();
        stack.notes = on.then(Vec::new);
        if let Role::Ios(i) = &mut self.role {
            if let Some(b) = i.bridge.as_mut() {
                b.tracing = on;
            }
        }
    }

    /// The engine changed a port's link state.
    pub fn link_changed(&mut self, ctx: &mut Ctx, port: usize, up: bool) {
        self.ports[port].link_up = up;
        let log = match &mut self.role {
            Role::Host(h) => {
                h.stack.set_up(0, up);
                h.stack6.set_up(0, up);
                None
            }
            Role::Ios(i) => {
                let mut log = i.link_changed(port, up, &self.ports);
                i.protocols_sync(ctx.now);
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

    /// Boot is over: OSPF processes start with the router ID the
    /// configuration gives them, the configuration read at boot (rendered by
    /// the caller, which knows the syntax) becomes the startup-config, and the
    /// terminal waits at user EXEC, as after a real boot.
    pub fn boot_complete(&mut self, now: Time, startup_config: Option<String>) {
        if let Role::Ios(i) = &mut self.role {
            i.ospf_startup_done(now);
            i.system.startup_config = startup_config;
            i.terminal.mode = Mode::UserExec;
            i.terminal.history.clear();
        }
    }

    /// Is the terminal waiting for the answer to a question? `Some(true)` when
    /// the answer is a password (not echoed).
    pub fn pending_question(&self) -> Option<bool> {
        if let Some(remote) = self.remote() {
            return remote.is_question().then(|| remote.asks_password());
        }
        match &self.role {
            // A banner being typed shows no prompt but echoes its lines.
            Role::Ios(i) if i.terminal.banner_in_progress.is_some() => Some(false),
            Role::Ios(i) => i
                .terminal
                .question
                .as_ref()
                .map(|q| matches!(q, ios::Question::EnablePassword { .. } | ios::Question::Confirm(_))),
            Role::Host(_) => None,
        }
    }

    /// The prompt the terminal shows now.
    pub fn prompt(&self) -> String {
        if let Some(remote) = self.remote() {
            return remote.prompt.clone();
        }
        match &self.role {
            Role::Host(_) => "C:\\>".to_string(),
            Role::Ios(i) => i.prompt(),
        }
    }

    /// The remote login open at the terminal (`telnet`, `ssh`): lines
    /// typed go to it, and its prompt is the terminal's.
    pub fn remote(&self) -> Option<&remote::RemoteSession> {
        match &self.role {
            Role::Host(h) => h.remote.as_ref(),
            Role::Ios(i) => i.clients.get(&i.active),
        }
        .filter(|r| r.is_open())
    }

    /// Is the terminal waiting for a ping, a traceroute or a DHCP exchange to finish?
    pub fn busy(&self) -> bool {
        self.session.as_ref().is_some_and(|s| !s.is_done() && self.session_is_here())
            || self.as_host().is_some_and(Host::waiting)
            || self.as_ios().is_some_and(Ios::looking_up)
    }

    /// The terminal the CLI runs for now (a vty session's, while the network
    /// hands it one of that session's lines).
    fn active_terminal(&self) -> TerminalId {
        self.as_ios().map_or(TerminalId::Console, |i| i.active)
    }

    /// Does the running ping or traceroute print at the terminal the CLI runs for?
    fn session_is_here(&self) -> bool {
        self.session_owner == self.active_terminal()
    }

    /// Send a complex PDU over TCP or UDP (from a host only).
    pub fn start_transport_pdu(
        &mut self,
        now: Time,
        spec: pdu::TransportSpec,
        report: Box<dyn probe::Report>,
    ) -> Result<(), String> {
        let Role::Host(h) = &mut self.role else {
            return Err(format!("{}: TCP and UDP PDUs leave from a PC, laptop or server", self.name));
        };
        h.start_pdu(now, spec, report);
        Ok(())
    }

    /// Send a simulation PDU's ICMP echoes, beside whatever the terminal
    /// runs (a new one gives up the last).
    pub fn start_pdu_probe(&mut self, now: Time, spec: probe::Spec, report: Box<dyn probe::Report>) {
        let mut probe = Box::new(Session::new(spec, report));
        let mut stacks = Self::stacks(&mut self.role);
        self.pdu_wake = probe.start(now, &mut stacks, &mut String::new());
        self.pdu_probe = Some(probe);
    }

    fn step_pdu_probe(&mut self, now: Time) {
        let Some(probe) = self.pdu_probe.as_mut() else { return };
        let mut stacks = Self::stacks(&mut self.role);
        self.pdu_wake = probe.step(now, &mut stacks, &mut String::new());
        if probe.is_done() {
            self.pdu_probe = None;
            self.pdu_wake = None;
        }
    }

    /// Start a ping or traceroute on this device's IP stack; it prints at
    /// the terminal that started it.
    pub fn start_session(&mut self, now: Time, spec: probe::Spec, report: Box<dyn probe::Report>) {
        // One ping at a time on a box: one that another vty session still
        // waits for is given up, and that session gets its prompt back.
        if let (Some(old), TerminalId::Vty(line), Role::Ios(i)) = (&self.session, self.session_owner, &mut self.role) {
            if !old.is_done() && self.session_owner != i.active {
                i.vty_output(now, line, "\n", true);
            }
        }
        let mut session = Session::new(spec, report);
        self.session_owner = self.active_terminal();
        let mut stacks = Self::stacks(&mut self.role);
        self.session_wake = session.start(now, &mut stacks, &mut self.console);
        self.session = Some(session);
    }

    fn step_session(&mut self, now: Time) {
        let Some(session) = self.session.as_mut() else { return };
        let mut stacks = Self::stacks(&mut self.role);
        let mut text = String::new();
        self.session_wake = session.step(now, &mut stacks, &mut text);
        self.session_print(now, &text);
    }

    /// What the running ping or traceroute printed, at its terminal; a vty
    /// session gets its prompt back when it ends.
    fn session_print(&mut self, now: Time, text: &str) {
        match (self.session_owner, &mut self.role) {
            (TerminalId::Vty(line), Role::Ios(i)) if i.active != self.session_owner => {
                let done = self.session.as_ref().is_none_or(Session::is_done);
                i.vty_output(now, line, text, done);
                if done {
                    self.session_owner = TerminalId::Console;
                    self.session = None;
                    self.session_wake = None;
                }
            }
            _ => self.console.push_str(text),
        }
    }

    /// Stop a running ping or traceroute, printing what it had, or whatever
    /// else the terminal waits for.
    pub fn abort_session(&mut self, now: Time) {
        if self.session_is_here() {
            if let Some(s) = self.session.as_mut() {
                s.abort(&mut self.console);
            }
        }
        match &mut self.role {
            Role::Host(h) => h.stop_waiting(now),
            Role::Ios(i) => i.stop_lookup(now),
        }
    }

    /// Has a vty session typed a line the CLI has not run yet?
    #[inline]
    pub fn vty_has_input(&self) -> bool {
        matches!(&self.role, Role::Ios(i) if i.vty_has_input())
    }

    /// Run the lines vty sessions typed through the CLI, each with its
    /// session's terminal swapped in; what the CLI printed goes back to the
    /// session with its prompt (later, when the command still runs).
    pub fn serve_vty(&mut self, ctx: &mut Ctx, interpret: Interpreter) {
        let now = ctx.now;
        loop {
            let Role::Ios(i) = &mut self.role else { return };
            let Some((line, text)) = i.vty_next_line() else { break };
            let owner = TerminalId::Vty(line);
            if i.clients.get(&owner).is_some_and(remote::RemoteSession::is_open) {
                i.remote_line(now, owner, &text);
                continue;
            }
            self.answer_vty(now, line, |dev| interpret(dev, ctx, &text));
        }
    }

    /// Run `f` for vty `line` (a line it typed, a lookup it waited for) and
    /// send what it printed, with the prompt unless a command still runs.
    fn answer_vty(&mut self, now: Time, line: u8, f: impl FnOnce(&mut Device)) {
        let owner = TerminalId::Vty(line);
        let printed = self.on_terminal(owner, f);
        let busy = self.busy_at(owner);
        if let Role::Ios(i) = &mut self.role {
            i.vty_output(now, line, &printed, !busy);
        }
    }

    /// Is this terminal waiting for a command to finish?
    fn busy_at(&mut self, owner: TerminalId) -> bool {
        let Role::Ios(i) = &mut self.role else { return self.busy() };
        let saved = std::mem::replace(&mut i.active, owner);
        let busy = self.busy();
        if let Role::Ios(i) = &mut self.role {
            i.active = saved;
        }
        busy
    }

    /// Run `f` for a vty session: its terminal state replaces the box's and
    /// the console collects what is printed, which is returned.
    fn on_terminal(&mut self, owner: TerminalId, f: impl FnOnce(&mut Device)) -> String {
        let (Role::Ios(i), TerminalId::Vty(line)) = (&mut self.role, owner) else {
            f(self);
            return String::new();
        };
        // The console's own state waits here, whatever the command does to
        // the session (`exit` ends it; `reload` replaces the whole box).
        let session_state = i.vty_take_terminal(line);
        let console_state = std::mem::replace(&mut i.terminal, session_state);
        let saved_active = std::mem::replace(&mut i.active, owner);
        let saved_console = std::mem::take(&mut self.console);
        f(self);
        let printed = std::mem::replace(&mut self.console, saved_console);
        let Role::Ios(i) = &mut self.role else { return printed };
        if i.active != owner {
            // The box was reloaded by the command: what it printed (the boot)
            // is the console's, and the fresh box's terminal stays.
            self.console.push_str(&printed);
            return String::new();
        }
        i.active = saved_active;
        let session_state = std::mem::replace(&mut i.terminal, console_state);
        i.vty_put_terminal(line, session_state);
        printed
    }

    /// Move what the protocol pieces produced into the outbox.
    pub fn flush(&mut self, ctx: &mut Ctx) {
        let now = ctx.now;
        // Applications first: a reply may trigger the next probe, a service's
        // answer more packets.
        let delivered: Vec<_> = std::mem::take(&mut self.stack_mut().delivered);
        if !delivered.is_empty() {
            for d in &delivered {
                // An error about a complex PDU's datagram is the PDU's.
                if let (Delivery::IcmpError { .. } | Delivery::ArpFailed { .. }, Role::Host(h)) = (d, &mut self.role) {
                    if h.pdu_error(now, d) {
                        continue;
                    }
                }
                match (d, &mut self.role) {
                    (Delivery::Payload(p), Role::Ios(i)) => i.deliver(now, p, &self.ports),
                    (Delivery::Payload(_), Role::Host(h)) => h.deliver(now, d),
                    // The DHCP server's conflict-detection ping got an answer.
                    (Delivery::EchoReply { from, ident: crate::proto::dhcp::PING_IDENT, .. }, Role::Ios(i)) => {
                        i.dhcp_echo_reply(now, *from)
                    }
                    (_, _) => {
                        let Some(answer) = probe::Answer::of(d) else { continue };
                        // A simulation PDU's echoes are told apart by their identifier.
                        if self.pdu_probe.as_mut().is_some_and(|p| p.on_delivery(now, &answer, &mut String::new())) {
                            continue;
                        }
                        if let Some(session) = self.session.as_mut() {
                            let mut text = String::new();
                            session.on_delivery(now, &answer, &mut text);
                            self.session_print(now, &text);
                        }
                    }
                }
            }
            self.step_session(now);
            self.step_pdu_probe(now);
        }
        let delivered6: Vec<_> = std::mem::take(&mut self.stack6_mut().delivered);
        if !delivered6.is_empty() {
            for d in &delivered6 {
                match (d, &mut self.role) {
                    (crate::proto::ip6_stack::Delivery6::Payload { .. }, Role::Host(h)) => h.deliver6(now, d),
                    (crate::proto::ip6_stack::Delivery6::Payload { .. }, Role::Ios(i)) => i.deliver6(now, d),
                    _ => {
                        let Some(answer) = probe::Answer::of6(d) else { continue };
                        if self.pdu_probe.as_mut().is_some_and(|p| p.on_delivery(now, &answer, &mut String::new())) {
                            continue;
                        }
                        if let Some(session) = self.session.as_mut() {
                            let mut text = String::new();
                            session.on_delivery(now, &answer, &mut text);
                            self.session_print(now, &text);
                        }
                    }
                }
            }
            self.step_session(now);
            self.step_pdu_probe(now);
        }
        // A name lookup that ended: the prompt acts on it (prints, or starts
        // the ping it was for).
        // (A waiter may start another lookup that the cache answers at once.)
        while let Some((r, waiter, owner)) = match &mut self.role {
            Role::Host(h) => h.take_resolution().map(|(r, w)| (r, w, TerminalId::Console)),
            Role::Ios(i) => i.take_resolution(now),
        } {
            match owner {
                TerminalId::Console => waiter(&r, self, now),
                TerminalId::Vty(line) => self.answer_vty(now, line, |dev| waiter(&r, dev, now)),
            }
        }
        if let Some(notes) = self.stack_mut().notes.as_mut() {
            ctx.out.notes.extend(notes.drain(..).map(|n| (None, n)));
        }
        if let Some(notes) = self.stack6_mut().notes.as_mut() {
            ctx.out.notes.extend(notes.drain(..).map(|n| (None, n)));
        }
        match &mut self.role {
            Role::Host(h) => {
                h.settle(now);
                let notes = h.take_notes();
                if h.stack.notes.is_some() {
                    ctx.out.notes.extend(notes.into_iter().map(|n| (None, n)));
                }
                self.console.push_str(&h.take_printed());
                for (_, frame) in h.stack.out.drain(..).chain(h.stack6.out.drain(..)) {
                    ctx.out.frames.push((0, frame));
                }
            }
            Role::Ios(i) => {
                i.drain_output(now, &self.ports, ctx.out);
                if !i.pending_log.is_empty() {
                    let log = std::mem::take(&mut i.pending_log);
                    if !i.vty.sessions.is_empty() {
                        i.vty_monitor(now, &log);
                    }
                    self.console.push_str(&log);
                }
                ctx.out.admin_changed.append(&mut i.err_disabled_now);
            }
        }
    }
}

/// The earlier of two optional deadlines.
#[inline]
fn earliest(a: Option<Time>, b: Option<Time>) -> Option<Time> {
    match (a, b) {
        (Some(a), Some(b)) => Some(a.min(b)),
        (a, None) => a,
        (None, b) => b,
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
