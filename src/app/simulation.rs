//! The workspace's timeline and its simulation mode, free of any GUI.
//!
//! Realtime and simulation share one [`Timeline`]: it keeps the lab the
//! network was last built from and everything put in since, in order, each
//! with the engine event it came after: a line typed, a page opened, Ctrl+C,
//! a device placed, a cable plugged or unplugged, the realtime
//! clock running on, the trace turned on or off, a PDU added. The engine is
//! deterministic, so that is the whole state: rebuilding from the lab and
//! putting the same inputs in at the same events gives the same network,
//! byte for byte. No snapshots are needed. (Where a device sits on the
//! canvas is not part of the timeline: going back never moves it.)
//!
//! Simulation mode starts where realtime is (its ARP caches, its MAC tables,
//! its clock) and traces from there. A step ("Capture / Forward", as Packet
//! Tracer calls it) runs engine events until one of them puts a frame the
//! filter shows on a cable or a port: timers with nothing to say (a CDP
//! holdtime ticking) are not steps. Going back replays the timeline to the
//! step before; the event list keeps what it listed up to there, so no
//! frame is dissected twice.

use std::collections::BTreeMap;
use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::base::{DeviceId, IfaceName, Lang, Model};
use crate::cli::Terminal;
use crate::device::pdu::{Transport, TransportSpec};
use crate::lab::{self, Lab};
use crate::net::Network;
use crate::net::TraceLine;
use crate::proto::decision::Decision;
use crate::proto::dissect::{self, Layer, LinkType};
use crate::proto::probe::{Kind, Outcome, Pace, Report, Spec, Tally};
use crate::sim::{Duration, Time, What};

/// The protocols the event list's filter offers, as the trace names them.
pub const PROTOCOLS: &[&str] = &[
    "ARP", "ICMP", "ICMPv6", "STP", "CDP", "LLDP", "DTP", "LACP", "OSPF", "RIP", "HSRP", "DHCP", "DNS", "TCP", "HTTP",
];

/// The most engine events one step runs before it gives up looking for a
/// frame to show (a quiet network), and the simulated time it may span.
const STEP_EVENT_BUDGET: u64 = 200_000;
const STEP_TIME_BUDGET: Duration = Duration::from_secs(120);

/// The trace kept in simulation mode (records, frames included).
const TRACE_CAPACITY: usize = 1 << 20;

/// Something put into the network while it runs.
#[derive(Clone, Debug, PartialEq)]
pub enum Input {
    /// A line typed at a device's terminal.
    Type { device: String, line: String },
    /// A PDU: ICMP echoes, TCP connections or UDP datagrams from a device
    /// to an address (`src_port`: the first source port a UDP PDU uses).
    Ping { from: String, to: IpAddr, shape: PduShape, src_port: u16 },
    /// A page opened in a host's web browser.
    Browse { device: String, url: String },
    /// Ctrl+C (or Ctrl+Shift+6) at a device's terminal.
    Interrupt { device: String },
    /// Realtime: the clock ran on to this moment.
    RunUntil(Time),
    /// A device placed on the canvas.
    AddDevice { name: String, model: Model, at: (f32, f32) },
    /// A cable plugged between two ports.
    Connect { a: String, a_port: IfaceName, b: String, b_port: IfaceName },
    /// The cable at a port unplugged.
    Disconnect { device: String, port: usize },
    /// A page of a Server's web service set.
    SetPage { device: String, path: String, body: String },
    /// The trace turned on (simulation mode entered) or off (left).
    Trace(bool),
}

/// What a PDU carries.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PduProtocol {
    /// ICMP echoes (a ping).
    Icmp,
    /// A TCP connection to this port: handshake, data, close.
    Tcp(u16),
    /// A UDP datagram to this port.
    Udp(u16),
}

/// What a PDU sends: a simple one is one 32-byte echo; a complex one
/// chooses the protocol (and port), how many, how big and how far apart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PduShape {
    pub protocol: PduProtocol,
    pub count: u32,
    /// Bytes of data (ICMP, TCP or UDP).
    pub size: usize,
    /// Between echoes (each also waits for the previous one's answer or timeout).
    pub interval: Duration,
}

impl PduShape {
    pub const SIMPLE: PduShape = PduShape { protocol: PduProtocol::Icmp, count: 1, size: 32, interval: Duration::ZERO };
}

/// How a PDU stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum PduState {
    OnItsWay,
    Succeeded,
    Failed,
    /// A UDP PDU no one answered, nor refused: the trace tells whether it got there.
    Unanswered,
}

/// Where a PDU's session writes how it ended.
type OutcomeCell = Arc<Mutex<PduState>>;

fn new_cell() -> OutcomeCell {
    Arc::new(Mutex::new(PduState::OnItsWay))
}

fn state(cell: &OutcomeCell) -> PduState {
    *cell.lock().unwrap_or_else(|e| e.into_inner())
}

fn set_state(cell: &OutcomeCell, state: PduState) {
    *cell.lock().unwrap_or_else(|e| e.into_inner()) = state;
}

/// A PDU the user added, and how it ended (as Packet Tracer's scenario list).
#[derive(Clone, Debug)]
pub struct Pdu {
    pub from: String,
    pub to: String,
    pub addr: IpAddr,
    pub shape: PduShape,
    /// The sender's address, and the first source port a UDP PDU uses (each
    /// datagram the next): what tells its datagrams apart in the trace.
    src_addr: Option<IpAddr>,
    src_port: u16,
    /// Each network a replay builds gets a fresh one, so the network it
    /// replaces cannot write into it.
    outcome: OutcomeCell,
}

impl Pdu {
    /// `None` while it is on its way; `Some(true)` when it succeeded: an
    /// echo came back, a TCP connection opened, a UDP datagram reached a
    /// port that listens.
    pub fn result(&self) -> Option<bool> {
        match state(&self.outcome) {
            PduState::OnItsWay | PduState::Unanswered => None,
            PduState::Succeeded => Some(true),
            PduState::Failed => Some(false),
        }
    }

    /// An unanswered UDP PDU succeeded if the destination took one of its
    /// datagrams in (an error would have failed it).
    fn settle(&self, events: &[FrameEvent]) {
        let (PduState::Unanswered, PduProtocol::Udp(port)) = (state(&self.outcome), self.shape.protocol) else {
            return;
        };
        let ports = u32::from(self.src_port)..u32::from(self.src_port) + self.shape.count;
        let arrived = events.iter().flat_map(|e| &e.notes).any(|n| {
            matches!(n, Decision::Received { flow, .. }
                if flow.protocol == 17 && IpAddr::V4(flow.dst) == self.addr && flow.seq == port
                    && ports.contains(&u32::from(flow.id))
                    && self.src_addr.is_none_or(|src| src == IpAddr::V4(flow.src)))
        });
        set_state(&self.outcome, if arrived { PduState::Succeeded } else { PduState::Failed });
    }
}

/// Records how a PDU ended: success as soon as a reply comes (an echo
/// reply, a TCP connection opened, a datagram back); failure when it ends
/// without one, or is given up before it ends (a new PDU from the same
/// device); a UDP PDU that heard nothing at all is unanswered. PDUs run
/// beside the terminals: a ping typed there and a PDU never stop each other.
struct PduReport {
    cell: OutcomeCell,
    udp: bool,
}

impl Report for PduReport {
    fn start(&mut self, _: &Spec, _: &mut String) {}
    fn outcome(&mut self, _: u32, _: u8, outcome: &Outcome, _: &mut String) {
        if let Outcome::Reply { .. } = outcome {
            set_state(&self.cell, PduState::Succeeded);
        }
    }
    fn finish(&mut self, tally: &Tally, _: &mut String) {
        let state = if tally.replies > 0 {
            PduState::Succeeded
        } else if self.udp && tally.timeouts == tally.ended {
            PduState::Unanswered
        } else {
            PduState::Failed
        };
        set_state(&self.cell, state);
    }
}

impl Drop for PduReport {
    fn drop(&mut self) {
        if state(&self.cell) == PduState::OnItsWay {
            set_state(&self.cell, PduState::Failed);
        }
    }
}

/// One frame event of the list: where it was and what it carried.
#[derive(Clone, Debug, PartialEq)]
pub struct FrameEvent {
    /// The trace line (time, device, port, kind, protocol, summary).
    pub line: TraceLine,
    /// The device it came from (for a frame received) or goes to (sent).
    pub peer: Option<String>,
    /// The frame's bytes, for the inspector.
    pub frame: Vec<u8>,
    pub link: LinkType,
    /// What the device decided about it, in words (in the timeline's language).
    pub decisions: Vec<String>,
    /// The device dropped it (the canvas draws a red cross there).
    pub dropped: bool,
    /// Where it was, and the decisions as recorded (to say them again in
    /// another language).
    device: DeviceId,
    notes: Vec<Decision>,
}

impl FrameEvent {
    /// The frame's layers, each with its fields and their byte ranges.
    pub fn layers(&self) -> Vec<Layer> {
        dissect::dissect(&self.frame, self.link)
    }
}

/// The moment after a step: what going back to it restores.
#[derive(Clone, Copy, Debug)]
struct Step {
    /// Engine events run.
    events: u64,
    /// Trace records made (absolute, the forgotten ones counted).
    records: u64,
    /// Frame events listed.
    listed: usize,
    /// Inputs in effect: those put in by then, and those put in after it
    /// before the next step began (going back to it keeps them; their
    /// frames are the next step's).
    inputs: usize,
}

/// A stretch in simulation mode: from the moment it was entered, the steps
/// taken, what they listed and the PDUs added.
struct Session {
    /// The input that turned the trace on.
    entry_input: usize,
    entered: Step,
    /// After each step taken, oldest first.
    steps: Vec<Step>,
    /// Trace records (absolute) already turned into frame events.
    seen: u64,
    /// Every frame event so far, whatever the filter, oldest first.
    events: Vec<FrameEvent>,
    pdus: Vec<Pdu>,
}

/// The network's history since it was last built from a lab.
pub struct Timeline {
    origin: Lab,
    /// Everything put in, oldest first, with the engine events run before it.
    inputs: Vec<(u64, Input)>,
    session: Option<Session>,
    /// The language the decisions are said in.
    lang: Lang,
}

/// What a simulation-only call says in realtime mode.
const NOT_IN_SIMULATION: &str = "this is for simulation mode";

impl Timeline {
    /// Build the network from `lab` and start its history there.
    pub fn start(lab: Lab) -> Result<(Self, Network), String> {
        let net = boot(&lab)?;
        Ok((Timeline { origin: lab, inputs: Vec::new(), session: None, lang: Lang::En }, net))
    }

    /// Put something into the network now, as part of the timeline. An
    /// input that cannot be carried out changes nothing and is not kept.
    pub fn put(&mut self, net: &mut Network, input: Input) -> Result<(), String> {
        if let Input::Ping { .. } | Input::Trace(_) = input {
            return Err("PDUs and the trace have their own calls".into());
        }
        self.record(net, input, None)
    }

    fn record(&mut self, net: &mut Network, input: Input, sink: Option<OutcomeCell>) -> Result<(), String> {
        let at = net.events_done();
        apply(net, &input, sink)?;
        // Realtime runs on frame after frame: one input for the whole run.
        if let (Input::RunUntil(_), Some((_, Input::RunUntil(_)))) = (&input, self.inputs.last()) {
            if let Some(last) = self.inputs.last_mut() {
                last.1 = input;
            }
            return Ok(());
        }
        self.inputs.push((at, input));
        Ok(())
    }

    /// Let realtime run until `t`.
    pub fn run_until(&mut self, net: &mut Network, t: Time) {
        // Running never fails.
        let _ = self.record(net, Input::RunUntil(t), None);
    }

    /// Enter simulation mode where the network stands: traced from now on.
    pub fn enter(&mut self, net: &mut Network) {
        if self.session.is_some() {
            return;
        }
        let _ = self.record(net, Input::Trace(true), None);
        let entered =
            Step { events: net.events_done(), records: net.trace_total(), listed: 0, inputs: self.inputs.len() };
        self.session = Some(Session {
            entry_input: self.inputs.len() - 1,
            entered,
            steps: Vec::new(),
            seen: entered.records,
            events: Vec::new(),
            pdus: Vec::new(),
        });
    }

    /// Back to realtime, untraced, the network as the simulation left it.
    pub fn leave(&mut self, net: &mut Network) {
        if self.session.take().is_some() {
            let _ = self.record(net, Input::Trace(false), None);
        }
    }

    /// How many steps were taken in this simulation.
    pub fn step_count(&self) -> usize {
        self.session.as_ref().map_or(0, |s| s.steps.len())
    }

    /// Every frame event listed in this simulation, oldest first, whatever the filter.
    pub fn events(&self) -> &[FrameEvent] {
        self.session.as_ref().map_or(&[], |s| &s.events)
    }

    /// What the device did with a frame it received, on the wire: the
    /// frames it sent while handling it (forwarded, answered, flooded), each
    /// with its out layers.
    pub fn sent_for<'t>(&'t self, received: &'t FrameEvent) -> impl Iterator<Item = &'t FrameEvent> + 't {
        let group = received.line.event.filter(|_| received.line.kind == "received");
        self.events().iter().filter(move |e| {
            group.is_some() && e.line.event == group && e.line.kind == "sent" && e.device == received.device
        })
    }

    /// The PDUs added in this simulation.
    pub fn pdus(&self) -> &[Pdu] {
        self.session.as_ref().map_or(&[], |s| &s.pdus)
    }

    /// How many edits of the document (lines typed, devices placed, cables,
    /// pages) were made since the simulation began.
    pub fn edits(&self) -> usize {
        let from = self.session.as_ref().map_or(self.inputs.len(), |s| s.entry_input);
        let edit = |i: &Input| {
            matches!(
                i,
                Input::Type { .. }
                    | Input::AddDevice { .. }
                    | Input::Connect { .. }
                    | Input::Disconnect { .. }
                    | Input::SetPage { .. }
            )
        };
        self.inputs[from..].iter().filter(|(_, i)| edit(i)).count()
    }

    /// Type a line at a device, as part of the timeline.
    pub fn type_line(&mut self, net: &mut Network, device: &str, line: &str) -> Result<(), String> {
        self.put(net, Input::Type { device: device.into(), line: line.into() })
    }

    /// Add a simple PDU: one echo from `from` to `to` (a device, by its
    /// first address, or an address).
    pub fn add_simple_pdu(&mut self, net: &mut Network, from: &str, to: &str) -> Result<(), String> {
        self.add_pdu(net, from, to, PduShape::SIMPLE)
    }

    /// Add a PDU of any shape (a complex PDU).
    pub fn add_pdu(&mut self, net: &mut Network, from: &str, to: &str, shape: PduShape) -> Result<(), String> {
        if self.session.is_none() {
            return Err(NOT_IN_SIMULATION.into());
        }
        if net.find(from).is_none_or(|id| net.device(id).as_host().is_none() && net.device(id).as_ios().is_none()) {
            return Err(format!("no device named {from}"));
        }
        if shape.count == 0 || shape.count > 1000 || shape.size > 65_000 {
            return Err("a PDU sends 1 to 1000 packets of at most 65000 bytes".into());
        }
        let addr = crate::grade::resolve_target(net, to).ok_or_else(|| format!("{to} has no address to reach"))?;
        match shape.protocol {
            PduProtocol::Icmp => {}
            PduProtocol::Tcp(0) | PduProtocol::Udp(0) => {
                return Err("port 0 cannot be reached: choose 1 to 65535".into())
            }
            PduProtocol::Tcp(_) | PduProtocol::Udp(_) if addr.is_ipv6() => {
                return Err("TCP and UDP PDUs go over IPv4 for now".into())
            }
            PduProtocol::Tcp(_) | PduProtocol::Udp(_) => {
                if net.find(from).is_some_and(|id| net.device(id).as_host().is_none()) {
                    return Err(format!("{from}: TCP and UDP PDUs leave from a PC, laptop or server"));
                }
            }
        }
        // Each PDU its own source ports (up to 1000 datagrams), so the trace
        // tells their datagrams apart; below the ports Windows takes for
        // itself (49152 on), so no lookup's port is ever shared.
        let pdus = self.session.as_ref().map_or(0, |s| s.pdus.len());
        let src_port = 20_000 + (pdus % 28) as u16 * 1_024;
        let src_addr = crate::grade::resolve_target(net, from);
        let outcome = new_cell();
        self.record(net, Input::Ping { from: from.into(), to: addr, shape, src_port }, Some(outcome.clone()))?;
        if let Some(s) = self.session.as_mut() {
            s.pdus.push(Pdu { from: from.into(), to: to.into(), addr, shape, src_addr, src_port, outcome });
        }
        Ok(())
    }

    /// One step forward: the frames the filter shows that the last input
    /// already put on the wire, else run until an engine event sends or
    /// receives one (or the budget runs out). Returns the new events the
    /// filter shows (none: the network has nothing more to show for now).
    pub fn forward(&mut self, net: &mut Network, filter: &[String]) -> Vec<FrameEvent> {
        let lang = self.lang;
        let Some(s) = self.session.as_mut() else { return Vec::new() };
        // What was put in since the last step belongs with it from now on.
        s.steps.last_mut().unwrap_or(&mut s.entered).inputs = self.inputs.len();
        let start = (net.events_done(), net.now());
        let first = s.events.len();
        s.list_new(net, lang);
        while !s.events[first..].iter().any(|e| e.line.matches(filter))
            && net.events_done() - start.0 < STEP_EVENT_BUDGET
            && net.now().since(start.1) < STEP_TIME_BUDGET
        {
            if !net.step_one() {
                break;
            }
            s.list_new(net, lang);
        }
        s.steps.push(Step {
            events: net.events_done(),
            records: s.seen,
            listed: s.events.len(),
            inputs: self.inputs.len(),
        });
        s.settle_pdus();
        s.events[first..].iter().filter(|e| e.line.matches(filter)).cloned().collect()
    }

    /// One step back, exactly: the network as it was after the step before.
    /// Returns the rebuilt network (the caller swaps it in).
    pub fn back(&mut self) -> Result<Option<Network>, String> {
        match self.step_count() {
            0 => Ok(None),
            n => self.rewind(n - 1).map(Some),
        }
    }

    /// Back to the moment after step `step` (0: where the simulation
    /// started, the inputs put in before the first step kept), exactly.
    /// `None` if that is now or later.
    pub fn back_to(&mut self, step: usize) -> Result<Option<Network>, String> {
        if step >= self.step_count() {
            return Ok(None);
        }
        self.rewind(step).map(Some)
    }

    /// Back to where the simulation started, with every input since forgotten.
    pub fn reset(&mut self) -> Result<Network, String> {
        let Some(s) = self.session.as_ref() else { return Err(NOT_IN_SIMULATION.into()) };
        let (entry, entered) = (s.entry_input, s.entered);
        let (net, _) = self.replay(entry + 1, entered.events)?;
        self.inputs.truncate(entry + 1);
        if let Some(s) = self.session.as_mut() {
            s.steps.clear();
            s.pdus.clear();
            s.events.clear();
            s.seen = entered.records;
        }
        Ok(net)
    }

    /// Say every decision listed in `lang` from now on.
    pub fn set_lang(&mut self, net: &Network, lang: Lang) {
        if self.lang == lang {
            return;
        }
        self.lang = lang;
        for e in self.session.iter_mut().flat_map(|s| s.events.iter_mut()) {
            let device = net.device(e.device);
            e.decisions = e.notes.iter().map(|d| device.describe_in(d, lang)).collect();
        }
    }

    /// Keep the first `keep` steps of the simulation and forget the rest:
    /// the network rebuilt as it was after step `keep` (with the inputs put
    /// in then). Nothing changes unless the rebuild succeeds.
    fn rewind(&mut self, keep: usize) -> Result<Network, String> {
        let Some(s) = self.session.as_ref() else { return Err(NOT_IN_SIMULATION.into()) };
        let at = keep.checked_sub(1).map_or(s.entered, |i| s.steps[i]);
        // By count, not by event: a step that only lists frames an input
        // already sent runs no event, and must not keep what came after it.
        let kept = at.inputs.clamp(s.entry_input + 1, self.inputs.len());
        let (net, outcomes) = self.replay(kept, at.events)?;
        self.inputs.truncate(kept);
        if let Some(s) = self.session.as_mut() {
            s.pdus.truncate(outcomes.len());
            for (pdu, outcome) in s.pdus.iter_mut().zip(outcomes) {
                pdu.outcome = outcome;
            }
            s.steps.truncate(keep);
            // The records of inputs put in after that step are listed by the next one.
            s.events.truncate(at.listed);
            s.seen = at.records;
            s.settle_pdus();
        }
        Ok(net)
    }

    /// The network after the first `inputs` inputs and exactly `target`
    /// engine events, with fresh outcome cells for this simulation's PDUs.
    fn replay(&self, inputs: usize, target: u64) -> Result<(Network, Vec<OutcomeCell>), String> {
        let entry = self.session.as_ref().map_or(usize::MAX, |s| s.entry_input);
        let mut net = boot(&self.origin)?;
        let mut outcomes = Vec::new();
        for (i, (when, input)) in self.inputs[..inputs].iter().enumerate() {
            while net.events_done() < *when && net.step_one() {}
            // PDUs of an earlier simulation report to nobody.
            let sink = (i > entry && matches!(input, Input::Ping { .. })).then(new_cell);
            outcomes.extend(sink.clone());
            apply(&mut net, input, sink)?;
        }
        while net.events_done() < target && net.step_one() {}
        Ok((net, outcomes))
    }
}

impl Session {
    /// Decide the unanswered UDP PDUs from what the list shows.
    fn settle_pdus(&self) {
        for p in &self.pdus {
            p.settle(&self.events);
        }
    }

    /// Turn the trace records made since the last call into frame events.
    fn list_new(&mut self, net: &Network, lang: Lang) {
        let total = net.trace_total();
        if total == self.seen {
            return;
        }
        // Records the trace's bound pushed out before they were listed are gone.
        let first_kept = total - net.trace().len() as u64;
        let from = self.seen.max(first_kept) - first_kept;
        self.events.extend(frame_events(net, from as usize, lang));
        self.seen = total;
    }
}

/// The app's view of simulation mode: the event list as filtered, the row
/// picked for the inspector, whether it plays by itself, and what the
/// terminals showed when it began (what they show again after going back).
#[derive(Default)]
pub struct SimState {
    /// The terminals' text when the simulation began.
    terminals: BTreeMap<String, String>,
    /// How long each terminal's text was as each step began (the text only
    /// grows meanwhile), so going back shows it as it was.
    marks: Vec<BTreeMap<String, usize>>,
    /// The protocols the list shows (empty: all).
    pub filter: Vec<String>,
    /// The rows of the list: the timeline's events the filter shows.
    rows: Vec<usize>,
    /// The event picked for the inspector (in the timeline's list, so a
    /// new filter keeps it).
    selected: Option<usize>,
    pub playing: bool,
}

impl SimState {
    /// Simulation mode, entered with the terminals showing `terminals`.
    pub fn new(terminals: BTreeMap<String, String>) -> Self {
        SimState { terminals, ..Default::default() }
    }

    /// Step `step` + 1 begins with the terminals showing `scrollback`.
    pub fn mark_terminals(&mut self, step: usize, scrollback: &BTreeMap<String, String>) {
        self.marks.truncate(step);
        self.marks.push(scrollback.iter().map(|(name, text)| (name.clone(), text.len())).collect());
    }

    /// The terminals as they were after step `step` (`None`: as the
    /// simulation found them).
    pub fn restore_terminals(&mut self, step: Option<usize>, scrollback: &mut BTreeMap<String, String>) {
        let Some(mark) = step.and_then(|k| self.marks.get(k)) else {
            self.marks.clear();
            *scrollback = self.terminals.clone();
            return;
        };
        scrollback.retain(|name, _| mark.contains_key(name));
        for (name, text) in scrollback.iter_mut() {
            // (A terminal cut down to its last 150 000 characters meanwhile keeps its text.)
            let len = mark[name];
            if len <= text.len() && text.is_char_boundary(len) {
                text.truncate(len);
            }
        }
    }

    /// The rows again from the timeline's events (after a step, going back
    /// or a new filter): no frame is dissected again.
    pub fn refresh(&mut self, timeline: &Timeline) {
        let filter = &self.filter;
        self.rows =
            timeline.events().iter().enumerate().filter(|(_, e)| e.line.matches(filter)).map(|(i, _)| i).collect();
        self.selected = self.selected.filter(|i| *i < timeline.events().len());
    }

    /// Pick the event on row `i` for the inspector.
    pub fn select_row(&mut self, i: usize) {
        self.selected = self.rows.get(i).copied();
    }

    /// Pick nothing: the canvas follows the newest row.
    pub fn unselect(&mut self) {
        self.selected = None;
    }

    /// The row of the event picked, if the filter shows it.
    pub fn selected_row(&self) -> Option<usize> {
        self.selected.and_then(|e| self.rows.iter().position(|&r| r == e))
    }

    /// The event picked for the inspector, whatever the filter.
    pub fn picked<'t>(&self, timeline: &'t Timeline) -> Option<&'t FrameEvent> {
        self.selected.and_then(|e| timeline.events().get(e))
    }

    /// How many rows the list has.
    pub fn row_count(&self) -> usize {
        self.rows.len()
    }

    /// The event on row `i`.
    pub fn row<'t>(&self, timeline: &'t Timeline, i: usize) -> Option<&'t FrameEvent> {
        self.rows.get(i).and_then(|&e| timeline.events().get(e))
    }

    /// The rows, oldest first.
    pub fn rows<'t>(&'t self, timeline: &'t Timeline) -> impl Iterator<Item = &'t FrameEvent> + 't {
        self.rows.iter().filter_map(|&e| timeline.events().get(e))
    }

    /// The row the canvas shows: the one picked, else the newest.
    pub fn current_row(&self) -> Option<usize> {
        self.selected_row().or(self.rows.len().checked_sub(1))
    }
}

/// Build and boot the lab.
fn boot(lab: &Lab) -> Result<Network, String> {
    let (net, _) = lab::build(lab).map_err(|e| e.to_string())?;
    Ok(net)
}

fn apply(net: &mut Network, input: &Input, sink: Option<OutcomeCell>) -> Result<(), String> {
    let find = |name: &str| net.find(name).ok_or_else(|| format!("no device named {name}"));
    match input {
        Input::Type { device, line } => {
            let id = find(device)?;
            net.type_line(id, line);
        }
        Input::Ping { from, to, shape, src_port } => {
            let id: DeviceId = find(from)?;
            let udp = matches!(shape.protocol, PduProtocol::Udp(_));
            let report = Box::new(PduReport { cell: sink.unwrap_or_else(new_cell), udp });
            let (transport, port) = match shape.protocol {
                PduProtocol::Icmp => {
                    let spec = Spec {
                        dst: *to,
                        kind: Kind::Echo,
                        count: shape.count,
                        size: shape.size,
                        timeout: Duration::from_secs(2),
                        pace: Pace::AfterOutcome { min_gap: shape.interval },
                        ident: 0x5044,
                    };
                    net.start_pdu_probe(id, spec, report);
                    return Ok(());
                }
                PduProtocol::Tcp(port) => (Transport::Tcp, port),
                PduProtocol::Udp(port) => (Transport::Udp, port),
            };
            let IpAddr::V4(dst) = *to else { return Err("TCP and UDP PDUs go over IPv4 for now".into()) };
            let spec = TransportSpec {
                transport,
                dst,
                port,
                size: shape.size,
                count: shape.count,
                interval: shape.interval,
                timeout: Duration::from_secs(2),
                first_port: *src_port,
            };
            net.start_transport_pdu(id, spec, report)?;
        }
        Input::Browse { device, url } => {
            let id = find(device)?;
            net.browse(id, url);
        }
        Input::Interrupt { device } => {
            let id = find(device)?;
            net.abort_session(id);
        }
        Input::RunUntil(t) => net.run_until(*t),
        Input::AddDevice { name, model, at } => {
            let id = net.add_device(name, *model).map_err(|e| e.to_string())?;
            net.device_mut(id).at = *at;
            // The terminal wakes with its prompt, as a console cable shows it.
            net.type_line(id, "");
            net.take_console(id);
        }
        Input::Connect { a, a_port, b, b_port } => {
            let (ida, idb) = (find(a)?, find(b)?);
            net.connect((ida, a_port), (idb, b_port)).map_err(|e| e.to_string())?;
        }
        Input::Disconnect { device, port } => {
            let id = find(device)?;
            let cable = net.cable_at(id, *port).ok_or_else(|| format!("{device} has no cable there"))?;
            net.disconnect(cable);
        }
        Input::SetPage { device, path, body } => {
            let id = find(device)?;
            match &mut net.device_mut(id).role {
                crate::device::Role::Host(h) => {
                    h.web.get_or_insert_with(Default::default).site.pages.insert(path.clone(), body.clone());
                }
                _ => return Err(format!("{device} runs no web service")),
            }
        }
        Input::Trace(true) => net.enable_trace(TRACE_CAPACITY, true),
        Input::Trace(false) => net.disable_trace(),
    }
    Ok(())
}

/// The frame events among the trace records kept from index `from` on,
/// with the decisions taken about each.
fn frame_events(net: &Network, from: usize, lang: Lang) -> Vec<FrameEvent> {
    let lines = net.trace_lines_from(from);
    let records: Vec<_> = net.trace().skip(from).collect();
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let (frame, sent) = match &r.what {
            What::Sent { frame, .. } => (frame, true),
            What::Delivered { frame } => (frame, false),
            _ => continue,
        };
        let port = r.port.unwrap_or(0);
        let peer = net.peer(r.device, port).map(|e| net.device(e.device).name.clone());
        // What the device decided on receiving it: its notes in the same
        // engine event (one event delivers one frame).
        let notes: Vec<Decision> = if sent {
            Vec::new()
        } else {
            records[i + 1..]
                .iter()
                .take_while(|rec| rec.event == r.event)
                .filter(|rec| rec.device == r.device)
                .filter_map(|rec| match &rec.what {
                    What::Note(d) => Some(*d),
                    _ => None,
                })
                .collect()
        };
        let device = net.device(r.device);
        out.push(FrameEvent {
            line: lines[i].clone(),
            peer,
            frame: frame.clone(),
            link: net.link_type(r.device, port),
            decisions: notes.iter().map(|d| device.describe_in(d, lang)).collect(),
            dropped: notes.iter().any(Decision::is_drop),
            device: r.device,
            notes,
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn lab() -> Lab {
        let text = r#"Lab(
    title: "sim", instructions: "", seed: 7,
    devices: [
        Device(name: "R1", model: Router, at: (0.0, 0.0), config: "
interface GigabitEthernet0/0/0
 ip address 192.168.1.1 255.255.255.0
 no shutdown
interface GigabitEthernet0/0/1
 ip address 192.168.2.1 255.255.255.0
 no shutdown
"),
        Device(name: "S1", model: Switch, at: (0.0, 0.0), config: "
no cdp run
spanning-tree portfast default
"),
        Device(name: "PC1", model: Pc, at: (0.0, 0.0), config: "ipconfig 192.168.1.10 255.255.255.0 192.168.1.1"),
        Device(name: "PC2", model: Pc, at: (0.0, 0.0), config: "ipconfig 192.168.2.10 255.255.255.0 192.168.2.1"),
    ],
    links: [("R1:Gi0/0/0", "S1:Gi0/1"), ("S1:Fa0/1", "PC1:Fa0"), ("R1:Gi0/0/1", "PC2:Fa0")],
    objectives: [],
)"#;
        lab::parse(text, "sim.ron").unwrap()
    }

    /// The lab built and in simulation mode.
    fn simulating(lab: Lab) -> (Timeline, Network) {
        let (mut t, mut net) = Timeline::start(lab).unwrap();
        t.enter(&mut net);
        (t, net)
    }

    /// The events listed so far that the filter shows.
    fn listed(t: &Timeline, filter: &[String]) -> Vec<FrameEvent> {
        t.events().iter().filter(|e| e.line.matches(filter)).cloned().collect()
    }

    fn only(protocols: &[&str]) -> Vec<String> {
        protocols.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn a_simple_pdu_steps_through_arp_then_icmp_and_the_second_comes_back() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let filter = only(&["ARP", "ICMP"]);
        let mut seen = Vec::new();
        for _ in 0..20 {
            for e in t.forward(&mut net, &filter) {
                seen.push(format!("{} {} {}", e.line.kind, e.line.device, e.line.protocol));
            }
        }
        let first: Vec<&str> = seen.iter().map(String::as_str).take(9).collect();
        assert_eq!(
            first,
            [
                "sent PC1 ARP",
                "received S1 ARP",
                "sent S1 ARP",
                "received R1 ARP",
                "sent R1 ARP",
                "received S1 ARP",
                "sent S1 ARP",
                "received PC1 ARP",
                "sent PC1 ICMP"
            ],
            "{seen:#?}"
        );
        // R1 has no ARP entry for PC2: it asks, and IOS drops the packet
        // that made it ask, so the first PDU fails, as on real gear.
        assert!(
            seen.ends_with(&[
                "sent R1 ARP".into(),
                "received PC2 ARP".into(),
                "sent PC2 ARP".into(),
                "received R1 ARP".into()
            ]),
            "{seen:#?}"
        );
        assert_eq!(t.pdus()[0].result(), Some(false));
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let mut second = Vec::new();
        for _ in 0..20 {
            second
                .extend(t.forward(&mut net, &filter).into_iter().map(|e| format!("{} {}", e.line.kind, e.line.device)));
        }
        assert!(
            second.contains(&"received PC2".to_string()) && second.last() == Some(&"received PC1".to_string()),
            "{second:#?}"
        );
        assert_eq!(t.pdus()[1].result(), Some(true));
    }

    #[test]
    fn back_twice_then_forward_twice_gives_the_same_events() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let filter = only(&["ARP", "ICMP"]);
        let mut steps = Vec::new();
        for _ in 0..6 {
            steps.push(t.forward(&mut net, &filter));
        }
        for _ in 0..2 {
            net = t.back().unwrap().expect("a step to go back from");
        }
        assert_eq!(t.step_count(), 4);
        assert_eq!(listed(&t, &filter), steps[..4].concat(), "back is exact");
        let again = [t.forward(&mut net, &filter), t.forward(&mut net, &filter)];
        assert_eq!(again[0], steps[4]);
        assert_eq!(again[1], steps[5]);
        // Straight back to step 1: the list as it was then.
        t.back_to(1).unwrap().expect("an earlier step");
        assert_eq!(t.step_count(), 1);
        assert_eq!(listed(&t, &filter), steps[0]);
    }

    #[test]
    fn the_switch_floods_then_forwards_and_says_so() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "192.168.1.1").unwrap();
        let filter = only(&["ARP", "ICMP"]);
        let mut events = Vec::new();
        for _ in 0..12 {
            events.extend(t.forward(&mut net, &filter));
        }
        let at_switch: Vec<String> = events
            .iter()
            .filter(|e| e.line.device == "S1" && e.line.kind == "received")
            .flat_map(|e| e.decisions.clone())
            .collect();
        // The ARP request is broadcast: flooded; the reply and the echo go one way.
        assert_eq!(at_switch[0], "flooded in VLAN 1 out of every other port (destination unknown or broadcast)");
        assert!(at_switch[1..].iter().all(|d| d.starts_with("switched in VLAN 1 out ")), "{at_switch:#?}");
        // What the switch sent for the broadcast it received: one frame out of each other port.
        let flooded = events.iter().find(|e| e.line.device == "S1" && e.line.kind == "received").unwrap();
        let out: Vec<&FrameEvent> = t.sent_for(flooded).collect();
        assert_eq!(out.len(), 1, "S1 floods out of its only other port: {out:#?}");
        assert_eq!(out[0].line.port.as_deref(), Some("GigabitEthernet0/1"));
        // The same decisions in French.
        t.set_lang(&net, Lang::Fr);
        let fr = listed(&t, &filter);
        let s1 = fr.iter().find(|e| e.line.device == "S1" && e.line.kind == "received").unwrap();
        assert_eq!(
            s1.decisions,
            ["a diffusé la trame dans le VLAN 1 sur tous les autres ports (destination inconnue ou broadcast)"]
        );
        // The inspector's layers come from the real bytes.
        let arp = events.iter().find(|e| e.line.protocol == "ARP").unwrap();
        let names: Vec<&str> = arp.layers().iter().map(|l| l.protocol).collect();
        assert_eq!(names, ["Ethernet", "ARP", "Padding"]);
    }

    /// Every decision the list's frames led to at `device`, in order.
    fn decided_at(t: &mut Timeline, net: &mut Network, device: &str, steps: usize) -> Vec<String> {
        let mut out = Vec::new();
        for _ in 0..steps {
            for e in t.forward(net, &[]) {
                if e.line.device == device {
                    out.extend(e.decisions);
                }
            }
        }
        out
    }

    #[test]
    fn the_router_routes_asks_arp_and_drops_at_ttl_zero_in_words() {
        let (mut t, mut net) = simulating(lab());
        // Warm R1's ARP cache toward PC2 first, then one echo: routed.
        t.add_simple_pdu(&mut net, "R1", "PC2").unwrap();
        let asked = decided_at(&mut t, &mut net, "R1", 6);
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let mut at_r1 = asked;
        at_r1.extend(decided_at(&mut t, &mut net, "R1", 30));
        assert!(
            at_r1.iter().any(|d| d.starts_with("routed ICMP 192.168.1.10 -> 192.168.2.10")
                && d.contains("out GigabitEthernet0/0/1, directly connected")),
            "{at_r1:#?}"
        );
        // A trace's first probe dies at R1: TTL 1 reached it.
        t.type_line(&mut net, "PC1", "tracert -h 1 192.168.2.10").unwrap();
        let ttl = decided_at(&mut t, &mut net, "R1", 40);
        assert!(ttl.iter().any(|d| d.contains("time exceeded")), "{ttl:#?}");
    }

    #[test]
    fn a_router_with_no_arp_entry_holds_or_drops_the_packet_and_asks() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let at_r1 = decided_at(&mut t, &mut net, "R1", 20);
        assert!(at_r1.iter().any(|d| d == "ARP: who has 192.168.2.10? (asked on GigabitEthernet0/0/1)"), "{at_r1:#?}");
    }

    #[test]
    fn port_security_filters_the_frame_and_says_why() {
        let (mut t, mut net) = simulating(lab());
        for line in [
            "enable",
            "conf t",
            "interface fa0/1",
            "switchport mode access",
            "switchport port-security",
            "switchport port-security mac-address 0000.1111.2222",
            "switchport port-security violation protect",
            "end",
        ] {
            t.type_line(&mut net, "S1", line).unwrap();
        }
        t.add_simple_pdu(&mut net, "PC1", "192.168.1.1").unwrap();
        let at_s1 = decided_at(&mut t, &mut net, "S1", 2);
        assert!(
            at_s1.contains(&"dropped the frame in VLAN 1: port security refused the source address".to_string()),
            "{at_s1:#?}"
        );
    }

    #[test]
    fn a_complex_pdu_sends_its_echoes_at_its_size() {
        let (mut t, mut net) = simulating(lab());
        let shape = PduShape { protocol: PduProtocol::Icmp, count: 3, size: 1000, interval: Duration::from_secs(1) };
        t.add_pdu(&mut net, "PC1", "192.168.1.1", shape).unwrap();
        let mut echoes = Vec::new();
        for _ in 0..40 {
            for e in t.forward(&mut net, &only(&["ICMP"])) {
                if e.line.kind == "sent" && e.line.device == "PC1" {
                    echoes.push((e.line.time, e.line.len));
                }
            }
        }
        assert_eq!(echoes.len(), 3, "{echoes:?}");
        assert!(echoes.iter().all(|(_, len)| *len == Some(14 + 20 + 8 + 1000)), "{echoes:?}");
        assert!(echoes[2].0 - echoes[1].0 >= 1.0, "a second apart: {echoes:?}");
        assert_eq!(t.pdus()[0].result(), Some(true));
        assert!(t.add_pdu(&mut net, "PC1", "PC9", shape).is_err());
    }

    #[test]
    fn reset_forgets_the_pdus() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        t.forward(&mut net, &[]);
        t.reset().unwrap();
        assert!(t.pdus().is_empty() && t.step_count() == 0);
        assert!(listed(&t, &only(&["ICMP"])).is_empty());
    }

    #[test]
    fn back_then_forward_lists_each_event_once() {
        let (mut t, mut net) = simulating(lab());
        let mut sim = SimState::default();
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        for _ in 0..5 {
            t.forward(&mut net, &[]);
        }
        sim.refresh(&t);
        let rows: Vec<FrameEvent> = sim.rows(&t).cloned().collect();
        // A line typed after the last step is kept by Back to that step, and
        // its frames wait for the next step: they are not listed twice.
        t.type_line(&mut net, "PC1", "ping -n 1 192.168.1.1").unwrap();
        net = t.back().unwrap().unwrap();
        sim.refresh(&t);
        assert!(sim.row_count() < rows.len(), "the last step's events are gone");
        for _ in 0..3 {
            t.forward(&mut net, &[]);
        }
        sim.refresh(&t);
        let mut seen = std::collections::HashSet::new();
        for e in sim.rows(&t) {
            assert!(seen.insert(e.line.seq), "listed twice: {:?}", e.line);
        }
        assert_eq!(sim.rows(&t).take(rows.len() - 1).cloned().collect::<Vec<_>>(), rows[..rows.len() - 1]);
    }

    #[test]
    fn the_list_goes_on_when_the_trace_forgets_its_oldest_records() {
        let (mut t, mut net) = simulating(lab());
        net.enable_trace(40, true);
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let mut counts = Vec::new();
        for _ in 0..12 {
            t.forward(&mut net, &[]);
            counts.push(t.events().len());
        }
        assert!(counts.windows(2).all(|w| w[1] > w[0]), "every step lists something new: {counts:?}");
        let seqs: Vec<u64> = t.events().iter().map(|e| e.line.seq).collect();
        assert!(seqs.windows(2).all(|w| w[1] > w[0]), "in order, each once: {seqs:?}");
    }

    #[test]
    fn what_a_command_does_is_not_a_decision_about_the_last_frame() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "192.168.1.1").unwrap();
        // Step until the router has taken in PC1's ARP request, then make it
        // ask for an address of its own accord.
        let mut arp_at_r1 = None;
        for _ in 0..6 {
            for e in t.forward(&mut net, &[]) {
                if e.line.device == "R1" && e.line.kind == "received" {
                    arp_at_r1 = Some(e.line.seq);
                }
            }
            if arp_at_r1.is_some() {
                break;
            }
        }
        let seq = arp_at_r1.expect("R1 received the ARP request");
        for line in ["enable", "ping 192.168.2.10"] {
            t.type_line(&mut net, "R1", line).unwrap();
        }
        t.forward(&mut net, &[]);
        let e = t.events().iter().find(|e| e.line.seq == seq).unwrap();
        assert!(e.decisions.iter().all(|d| !d.contains("192.168.2.10")), "{:#?}", e.decisions);
    }

    #[test]
    fn a_pdu_given_up_for_a_new_one_from_the_same_device_fails() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        t.add_simple_pdu(&mut net, "PC1", "192.168.1.1").unwrap();
        assert_eq!(t.pdus()[0].result(), Some(false));
        assert_eq!(t.pdus()[1].result(), None);
        // Going back rebuilds the network: the network it replaces, dropped,
        // does not mark the PDUs of the new one.
        t.forward(&mut net, &[]);
        let old = std::mem::replace(&mut net, t.back().unwrap().unwrap());
        drop(old);
        assert_eq!(t.pdus()[1].result(), None);
        for _ in 0..20 {
            t.forward(&mut net, &[]);
        }
        assert_eq!(t.pdus()[1].result(), Some(true));
    }

    #[test]
    fn ctrl_c_is_part_of_the_timeline() {
        let (mut t, mut net) = simulating(lab());
        t.type_line(&mut net, "PC1", "ping -t 192.168.1.1").unwrap();
        for _ in 0..8 {
            t.forward(&mut net, &only(&["ICMP"]));
        }
        let pc1 = net.find("PC1").unwrap();
        t.put(&mut net, Input::Interrupt { device: "PC1".into() }).unwrap();
        assert!(!net.device(pc1).busy());
        t.forward(&mut net, &[]);
        net = t.back().unwrap().unwrap();
        assert!(!net.device(pc1).busy(), "the replay stops the ping too");
        let ping = Input::Ping { from: "PC1".into(), to: [1, 1, 1, 1].into(), shape: PduShape::SIMPLE, src_port: 1 };
        assert!(t.put(&mut net, ping).is_err(), "PDUs have their own call");
    }

    #[test]
    fn drops_are_marked_whatever_the_language() {
        let (mut t, mut net) = simulating(lab());
        t.set_lang(&net, Lang::Fr);
        t.type_line(&mut net, "PC1", "tracert -h 1 192.168.2.10").unwrap();
        for _ in 0..30 {
            t.forward(&mut net, &[]);
        }
        let dropped: Vec<&FrameEvent> = t.events().iter().filter(|e| e.dropped).collect();
        let said: Vec<&Vec<String>> = t.events().iter().map(|e| &e.decisions).collect();
        assert!(dropped.iter().any(|e| e.line.device == "R1"), "{said:#?}");
    }

    #[test]
    fn simulation_goes_on_from_realtime_and_back_replays_realtime_too() {
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
        // Realtime: a ping fills the ARP caches, the clock runs on.
        t.type_line(&mut net, "PC1", "ping -n 2 192.168.2.10").unwrap();
        for i in 1..=20 {
            let until = net.now() + Duration::from_millis(500);
            t.run_until(&mut net, until);
            assert!(i < 20 || !net.device(net.find("PC1").unwrap()).busy());
        }
        let (clock, events) = (net.now(), net.events_done());
        t.enter(&mut net);
        assert_eq!((net.now(), net.events_done()), (clock, events), "entering changes nothing");
        // PC1 knows R1's MAC from realtime: the echo goes out at once, no ARP.
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let first = t.forward(&mut net, &[]);
        assert_eq!(first[0].line.protocol, "ICMP", "{first:#?}");
        for _ in 0..8 {
            t.forward(&mut net, &[]);
        }
        assert_eq!(t.pdus()[0].result(), Some(true), "R1 knew PC2 too");
        // Back to where the simulation began: realtime replayed exactly.
        let listed = t.events().to_vec();
        let mut again = t.back_to(0).unwrap().unwrap();
        assert_eq!((again.now(), again.events_done()), (clock, events));
        for _ in 0..9 {
            t.forward(&mut again, &[]);
        }
        assert_eq!(t.events(), listed, "the same events again");
        // Realtime after the simulation: the trace is off and the clock runs.
        t.leave(&mut again);
        assert!(!again.trace_on());
        let until = again.now() + Duration::from_secs(5);
        t.run_until(&mut again, until);
    }

    #[test]
    fn cables_and_devices_added_in_simulation_replay() {
        let (mut t, mut net) = simulating(lab());
        t.put(&mut net, Input::AddDevice { name: "PC3".into(), model: Model::Pc, at: (5.0, 5.0) }).unwrap();
        let port = |p: &str| IfaceName::parse(p).unwrap();
        let cable = Input::Connect { a: "PC3".into(), a_port: port("Fa0"), b: "S1".into(), b_port: port("Fa0/2") };
        t.put(&mut net, cable).unwrap();
        t.type_line(&mut net, "PC3", "ipconfig 192.168.1.30 255.255.255.0 192.168.1.1").unwrap();
        t.add_simple_pdu(&mut net, "PC3", "192.168.1.1").unwrap();
        for _ in 0..10 {
            t.forward(&mut net, &[]);
        }
        let listed = t.events().to_vec();
        assert!(listed.iter().any(|e| e.line.device == "PC3"), "{listed:#?}");
        net = t.back_to(0).unwrap().unwrap();
        assert!(net.find("PC3").is_some(), "put in before the first step: kept");
        for _ in 0..10 {
            t.forward(&mut net, &[]);
        }
        assert_eq!(t.events(), listed);
        // A cable that cannot be plugged changes nothing and is not kept.
        let twice = Input::Connect { a: "PC3".into(), a_port: port("Fa0"), b: "S1".into(), b_port: port("Fa0/3") };
        assert!(t.put(&mut net, twice).is_err());
        assert!(t.back().unwrap().is_some());
    }

    /// The test lab with a server on the switch (web on port 80, DNS on 53).
    fn lab_with_server() -> Lab {
        let mut lab = lab();
        let server = r#"Lab(title: "s", instructions: "", seed: 7,
            devices: [Device(name: "SRV1", model: Server, config: "ipconfig 192.168.1.20 255.255.255.0 192.168.1.1
dnscmd /zoneadd lab.com /primary")],
            links: [], objectives: [])"#;
        lab.devices.extend(lab::parse(server, "s.ron").unwrap().devices);
        lab.links.push(("S1:Fa0/2".into(), "SRV1:Fa0".into()));
        lab
    }

    fn transport(protocol: PduProtocol) -> PduShape {
        PduShape { protocol, count: 1, size: 100, interval: Duration::ZERO }
    }

    /// Run until every PDU has ended (or 200 steps), listing every frame.
    fn settle(t: &mut Timeline, net: &mut Network) -> Vec<String> {
        let mut seen = Vec::new();
        for _ in 0..200 {
            for e in t.forward(net, &[]) {
                seen.push(format!("{} {} {} {}", e.line.kind, e.line.device, e.line.protocol, e.line.text));
            }
            if t.pdus().iter().all(|p| p.result().is_some()) {
                break;
            }
        }
        seen
    }

    #[test]
    fn a_tcp_pdu_opens_a_connection_sends_its_data_and_closes() {
        let (mut t, mut net) = simulating(lab_with_server());
        t.add_pdu(&mut net, "PC1", "SRV1", transport(PduProtocol::Tcp(80))).unwrap();
        let mut seen = settle(&mut t, &mut net);
        assert_eq!(t.pdus()[0].result(), Some(true), "succeeds as the connection opens: {seen:#?}");
        // Then the data, and the close.
        for _ in 0..20 {
            for e in t.forward(&mut net, &[]) {
                seen.push(format!("{} {} {} {}", e.line.kind, e.line.device, e.line.protocol, e.line.text));
            }
        }
        let tcp: Vec<&String> =
            seen.iter().filter(|l| l.starts_with("sent PC1 TCP") || l.starts_with("sent SRV1 TCP")).collect();
        assert!(tcp[0].contains("[SYN]") && tcp[1].contains("[SYN, ACK]") && tcp[2].contains("[ACK]"), "{tcp:#?}");
        assert!(tcp.iter().any(|l| l.contains("Len=100")), "the data: {tcp:#?}");
        assert!(tcp.iter().filter(|l| l.contains("FIN")).count() >= 2, "closed both ways: {tcp:#?}");
        // Nothing listens on 81: a reset, and the PDU fails.
        t.add_pdu(&mut net, "PC1", "SRV1", transport(PduProtocol::Tcp(81))).unwrap();
        let seen = settle(&mut t, &mut net);
        assert_eq!(t.pdus()[1].result(), Some(false));
        assert!(seen.iter().any(|l| l.starts_with("sent SRV1 TCP") && l.contains("RST")), "{seen:#?}");
    }

    #[test]
    fn a_udp_pdu_succeeds_where_a_port_listens_and_fails_where_none_does() {
        let (mut t, mut net) = simulating(lab_with_server());
        t.add_pdu(&mut net, "PC1", "SRV1", transport(PduProtocol::Udp(53))).unwrap();
        settle(&mut t, &mut net);
        assert_eq!(t.pdus()[0].result(), Some(true), "the DNS server took it in");
        // R1 has no ARP entry for PC2 yet: IOS drops the datagram that makes
        // it ask. No error comes back, and the trace shows it never arrived.
        t.add_pdu(&mut net, "PC1", "PC2", transport(PduProtocol::Udp(9999))).unwrap();
        settle(&mut t, &mut net);
        assert_eq!(t.pdus()[1].result(), Some(false), "silence is not success");
        // Now it arrives, and nothing listens on 9999.
        t.add_pdu(&mut net, "PC1", "PC2", transport(PduProtocol::Udp(9999))).unwrap();
        let seen = settle(&mut t, &mut net);
        assert_eq!(t.pdus()[2].result(), Some(false));
        assert!(seen.iter().any(|l| l.starts_with("sent PC2 ICMP") && l.contains("unreachable")), "{seen:#?}");
        // The same after going back: the replay decides the same way.
        t.back().unwrap().unwrap();
        assert_eq!(t.pdus()[0].result(), Some(true));
    }

    #[test]
    fn transport_pdus_leave_from_hosts_over_ipv4_to_a_real_port() {
        let (mut t, mut net) = simulating(lab_with_server());
        assert!(t
            .add_pdu(&mut net, "R1", "SRV1", transport(PduProtocol::Tcp(80)))
            .unwrap_err()
            .contains("PC, laptop or server"));
        assert!(t.add_pdu(&mut net, "PC1", "SRV1", transport(PduProtocol::Udp(0))).is_err());
        assert!(t.add_pdu(&mut net, "PC1", "2001:db8::1", transport(PduProtocol::Tcp(80))).is_err());
        assert!(t.pdus().is_empty(), "refused PDUs are not listed");
    }

    #[test]
    fn back_forgets_what_was_put_in_after_a_step_that_ran_no_event() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let before = net.events_done();
        // The ARP request is on the wire already: step 1 runs no event.
        t.forward(&mut net, &[]);
        assert_eq!(net.events_done(), before);
        t.type_line(&mut net, "R1", "enable").unwrap();
        t.add_simple_pdu(&mut net, "PC1", "192.168.1.1").unwrap();
        t.forward(&mut net, &[]);
        t.forward(&mut net, &[]);
        t.back_to(1).unwrap().unwrap();
        assert_eq!((t.edits(), t.pdus().len()), (1, 2), "kept: put in before step 2 began");
        t.back_to(0).unwrap().unwrap();
        assert_eq!((t.edits(), t.pdus().len()), (0, 1), "forgotten: put in after step 1");
    }

    #[test]
    fn the_picked_event_stays_picked_through_a_new_filter() {
        let (mut t, mut net) = simulating(lab());
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        for _ in 0..12 {
            t.forward(&mut net, &[]);
        }
        let mut sim = SimState::default();
        sim.refresh(&t);
        let arp = (0..sim.row_count()).find(|&i| sim.row(&t, i).unwrap().line.protocol == "ARP").unwrap();
        sim.select_row(arp);
        let picked = sim.picked(&t).unwrap().line.seq;
        sim.filter = vec!["ICMP".into()];
        sim.refresh(&t);
        assert_eq!(sim.picked(&t).unwrap().line.seq, picked, "the inspector keeps its frame");
        assert_eq!(sim.selected_row(), None, "which the list no longer shows");
    }

    #[test]
    fn a_pdu_and_a_ping_typed_at_the_same_pc_do_not_stop_each_other() {
        let (mut t, mut net) = simulating(lab());
        t.type_line(&mut net, "PC1", "ping -t 192.168.1.1").unwrap();
        t.add_simple_pdu(&mut net, "PC1", "192.168.1.1").unwrap();
        for _ in 0..30 {
            t.forward(&mut net, &[]);
        }
        let pc1 = net.find("PC1").unwrap();
        assert!(net.device(pc1).busy(), "the terminal's ping runs on");
        assert_eq!(t.pdus()[0].result(), Some(true), "and the PDU got its answer");
        let replies = net.take_console(pc1).matches("Reply from 192.168.1.1").count();
        assert!(replies >= 1, "the terminal prints only its own replies");
    }
}
