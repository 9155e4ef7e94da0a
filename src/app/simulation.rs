//! Simulation mode, free of any GUI: the network runs event by event, every
//! frame and decision lands in an event list, and going back is exact.
//!
//! The engine is deterministic, so a [`Timeline`] needs no snapshots: it
//! keeps the lab the simulation started from, every input put in since (a
//! line typed at a terminal, a PDU added) with the engine event it came
//! after, and the event counts the user stepped to. Going back rebuilds the
//! network from the lab, puts the same inputs in at the same events and runs
//! to the step before: the same bytes, the same decisions.
//!
//! A step ("Capture / Forward", as Packet Tracer calls it) runs engine events
//! until one of them puts a frame the filter shows on a cable or a port:
//! timers with nothing to say (a CDP holdtime ticking) are not steps.

use std::net::IpAddr;
use std::sync::{Arc, Mutex};

use crate::base::{DeviceId, Lang};
use crate::cli::Terminal;
use crate::lab::{self, Lab};
use crate::net::Network;
use crate::net::TraceLine;
use crate::proto::dissect::{self, Layer, LinkType};
use crate::proto::probe::{Kind, Outcome, Pace, Report, Spec};
use crate::sim::{Duration, What};

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
    Type {
        device: String,
        line: String,
    },
    /// A PDU: ICMP echoes from a device to an address.
    Ping {
        from: String,
        to: IpAddr,
        shape: PduShape,
    },
}

/// What a PDU sends: a simple one is one 32-byte echo; a complex one
/// chooses how many, how big and how far apart.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct PduShape {
    pub count: u32,
    /// Bytes of ICMP data.
    pub size: usize,
    /// Between echoes (each also waits for the previous one's answer or timeout).
    pub interval: Duration,
}

impl PduShape {
    pub const SIMPLE: PduShape = PduShape { count: 1, size: 32, interval: Duration::ZERO };
}

/// A PDU the user added, and how it ended (as Packet Tracer's scenario list).
#[derive(Clone, Debug)]
pub struct Pdu {
    pub from: String,
    pub to: String,
    pub addr: IpAddr,
    /// `None` while it is on its way; `Some(true)` when the echo came back.
    pub outcome: Arc<Mutex<Option<bool>>>,
}

impl Pdu {
    pub fn result(&self) -> Option<bool> {
        *self.outcome.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Records a PDU's echo: success when a reply came.
struct PduReport(Arc<Mutex<Option<bool>>>);

impl Report for PduReport {
    fn start(&mut self, _: &Spec, _: &mut String) {}
    fn outcome(&mut self, _: u32, _: u8, _: &Outcome, _: &mut String) {}
    fn finish(&mut self, outcomes: &[Outcome], _: &mut String) {
        let ok = outcomes.iter().any(|o| matches!(o, Outcome::Reply { .. }));
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = Some(ok);
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
    /// What the device decided about it, in words.
    pub decisions: Vec<String>,
}

impl FrameEvent {
    /// The frame's layers, each with its fields and their byte ranges.
    pub fn layers(&self) -> Vec<Layer> {
        dissect::dissect(&self.frame, self.link)
    }
}

/// The simulation's history and where it stands.
pub struct Timeline {
    origin: Lab,
    /// Engine events the boot took: the steps count from there.
    base: u64,
    inputs: Vec<(u64, Input)>,
    /// After each step taken, oldest first: the engine event count, and how
    /// many trace records the list had shown.
    steps: Vec<(u64, usize)>,
    /// Trace records already shown in a step.
    seen: usize,
    pub pdus: Vec<Pdu>,
}

impl Timeline {
    /// Start simulating `lab` (as configured now): the network is rebuilt
    /// from it, booted, and traced from then on.
    pub fn start(lab: Lab) -> Result<(Self, Network), String> {
        let net = boot(&lab)?;
        let base = net.events_done();
        let timeline = Timeline { origin: lab, base, inputs: Vec::new(), steps: Vec::new(), seen: 0, pdus: Vec::new() };
        Ok((timeline, net))
    }

    /// How many steps were taken.
    pub fn step_count(&self) -> usize {
        self.steps.len()
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
        if net.find(from).is_none_or(|id| net.device(id).as_host().is_none() && net.device(id).as_ios().is_none()) {
            return Err(format!("no device named {from}"));
        }
        if shape.count == 0 || shape.size > 65_000 {
            return Err("a PDU sends 1 or more echoes of at most 65000 bytes".into());
        }
        let addr = crate::grade::resolve_target(net, to).ok_or_else(|| format!("{to} has no address to ping"))?;
        let outcome = Arc::new(Mutex::new(None));
        self.pdus.push(Pdu { from: from.into(), to: to.into(), addr, outcome });
        self.put(net, Input::Ping { from: from.into(), to: addr, shape })
    }

    fn put(&mut self, net: &mut Network, input: Input) -> Result<(), String> {
        let at = net.events_done();
        self.inputs.push((at, input.clone()));
        let pdu = self.pdus.len();
        apply(net, &input, self.pdu_sink(pdu))
    }

    /// Where the outcome of the PDU added as number `count` goes.
    fn pdu_sink(&self, count: usize) -> Option<Arc<Mutex<Option<bool>>>> {
        count.checked_sub(1).and_then(|i| self.pdus.get(i)).map(|p| p.outcome.clone())
    }

    /// One step forward: the frames the filter shows that the last input
    /// already put on the wire, else run until an engine event sends or
    /// receives one (or the budget runs out). Returns the new events.
    pub fn forward(&mut self, net: &mut Network, filter: &[String], lang: Lang) -> Vec<FrameEvent> {
        let start = (net.events_done(), net.now());
        let mut shown = frame_events(net, self.seen, filter, lang);
        while shown.is_empty()
            && net.events_done() - start.0 < STEP_EVENT_BUDGET
            && net.now().since(start.1) < STEP_TIME_BUDGET
        {
            let before = net.trace().len();
            if !net.step_one() {
                break;
            }
            if net.trace().len() > before {
                shown = frame_events(net, before, filter, lang);
            }
        }
        self.seen = net.trace().len();
        self.steps.push((net.events_done(), self.seen));
        shown
    }

    /// One step back, exactly: the network as it was after the step before.
    /// Returns the rebuilt network (the caller swaps it in).
    pub fn back(&mut self) -> Result<Option<Network>, String> {
        if self.steps.pop().is_none() {
            return Ok(None);
        }
        let (target, seen) = self.steps.last().copied().unwrap_or((self.base, 0));
        let net = self.replay(target)?;
        self.seen = seen;
        Ok(Some(net))
    }

    /// Back to the moment after step `step` (0: where the simulation
    /// started, inputs kept), exactly. `None` if that is now or later.
    pub fn back_to(&mut self, step: usize) -> Result<Option<Network>, String> {
        if step >= self.steps.len() {
            return Ok(None);
        }
        self.steps.truncate(step + 1);
        self.back()
    }

    /// Back to where the simulation started, with every input forgotten.
    pub fn reset(&mut self) -> Result<Network, String> {
        self.steps.clear();
        self.inputs.clear();
        self.pdus.clear();
        self.seen = 0;
        boot(&self.origin)
    }

    /// The network after exactly `target` engine events, its inputs put in where they were.
    fn replay(&mut self, target: u64) -> Result<Network, String> {
        let mut net = boot(&self.origin)?;
        self.inputs.retain(|(at, _)| *at <= target);
        let mut pdus = 0;
        for p in &self.pdus {
            *p.outcome.lock().unwrap_or_else(|e| e.into_inner()) = None;
        }
        for (at, input) in &self.inputs {
            while net.events_done() < *at && net.step_one() {}
            if matches!(input, Input::Ping { .. }) {
                pdus += 1;
            }
            apply(&mut net, input, self.pdu_sink(pdus))?;
        }
        self.pdus.truncate(pdus);
        while net.events_done() < target && net.step_one() {}
        Ok(net)
    }

    /// Every frame event of the trace so far that the filter shows, oldest first.
    pub fn events(net: &Network, filter: &[String], lang: Lang) -> Vec<FrameEvent> {
        frame_events(net, 0, filter, lang)
    }
}

/// The app's simulation mode: the timeline, the event list as filtered,
/// the row picked for the inspector, and whether it plays by itself.
pub struct SimState {
    pub timeline: Timeline,
    /// The protocols the list shows (empty: all).
    pub filter: Vec<String>,
    pub events: Vec<FrameEvent>,
    pub selected: Option<usize>,
    pub playing: bool,
    /// The language the decisions are said in.
    pub lang: Lang,
}

impl SimState {
    pub fn new(timeline: Timeline) -> Self {
        SimState { timeline, filter: Vec::new(), events: Vec::new(), selected: None, playing: false, lang: Lang::En }
    }

    /// The list again from the trace (after going back, a new filter or language).
    pub fn refresh(&mut self, net: &Network) {
        self.events = Timeline::events(net, &self.filter, self.lang);
        self.selected = self.selected.filter(|i| *i < self.events.len());
    }

    /// The event the canvas shows: the one picked, else the newest.
    pub fn current(&self) -> Option<&FrameEvent> {
        self.selected.and_then(|i| self.events.get(i)).or_else(|| self.events.last())
    }
}

/// Build and boot the lab, traced (frames and decisions) from then on.
fn boot(lab: &Lab) -> Result<Network, String> {
    let (mut net, _) = lab::build(lab).map_err(|e| e.to_string())?;
    net.enable_trace(TRACE_CAPACITY, true);
    Ok(net)
}

fn apply(net: &mut Network, input: &Input, sink: Option<Arc<Mutex<Option<bool>>>>) -> Result<(), String> {
    let find = |name: &str| net.find(name).ok_or_else(|| format!("no device named {name}"));
    match input {
        Input::Type { device, line } => {
            let id = find(device)?;
            net.type_line(id, line);
        }
        Input::Ping { from, to, shape } => {
            let id: DeviceId = find(from)?;
            let spec = Spec {
                dst: *to,
                kind: Kind::Echo,
                count: shape.count,
                size: shape.size,
                timeout: Duration::from_secs(2),
                pace: Pace::AfterOutcome { min_gap: shape.interval },
                ident: 0x5044,
            };
            let sink = sink.unwrap_or_default();
            net.start_probe(id, spec, Box::new(PduReport(sink)));
        }
    }
    Ok(())
}

/// The frame events among the trace records from index `from` on, with
/// the decisions taken about each, filtered by protocol.
fn frame_events(net: &Network, from: usize, filter: &[String], lang: Lang) -> Vec<FrameEvent> {
    let lines = net.trace_lines_from(from);
    let records: Vec<_> = net.trace().skip(from).collect();
    let mut out = Vec::new();
    for (i, r) in records.iter().enumerate() {
        let (frame, sent) = match &r.what {
            What::Sent { frame, .. } => (frame, true),
            What::Delivered { frame } => (frame, false),
            _ => continue,
        };
        let line = &lines[i];
        if !line.matches(filter) {
            continue;
        }
        let port = r.port.unwrap_or(0);
        let peer = net.peer(r.device, port).map(|e| net.device(e.device).name.clone());
        // What the device decided on receiving it: the notes of the same engine event.
        let decisions = if sent {
            Vec::new()
        } else {
            records[i + 1..]
                .iter()
                .take_while(|rec| rec.event == r.event)
                .filter(|rec| rec.device == r.device)
                .filter_map(|rec| match &rec.what {
                    What::Note(d) => Some(net.device(rec.device).describe_in(d, lang)),
                    _ => None,
                })
                .collect()
        };
        out.push(FrameEvent {
            line: line.clone(),
            peer,
            frame: frame.clone(),
            link: net.link_type(r.device, port),
            decisions,
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

    fn only(protocols: &[&str]) -> Vec<String> {
        protocols.iter().map(|p| p.to_string()).collect()
    }

    #[test]
    fn a_simple_pdu_steps_through_arp_then_icmp_and_the_second_comes_back() {
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let filter = only(&["ARP", "ICMP"]);
        let mut seen = Vec::new();
        for _ in 0..20 {
            for e in t.forward(&mut net, &filter, Lang::En) {
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
        assert_eq!(t.pdus[0].result(), Some(false));
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let mut second = Vec::new();
        for _ in 0..20 {
            second.extend(
                t.forward(&mut net, &filter, Lang::En)
                    .into_iter()
                    .map(|e| format!("{} {}", e.line.kind, e.line.device)),
            );
        }
        assert!(
            second.contains(&"received PC2".to_string()) && second.last() == Some(&"received PC1".to_string()),
            "{second:#?}"
        );
        assert_eq!(t.pdus[1].result(), Some(true));
    }

    #[test]
    fn back_twice_then_forward_twice_gives_the_same_events() {
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let filter = only(&["ARP", "ICMP"]);
        let mut steps = Vec::new();
        for _ in 0..6 {
            steps.push(t.forward(&mut net, &filter, Lang::En));
        }
        for _ in 0..2 {
            net = t.back().unwrap().expect("a step to go back from");
        }
        assert_eq!(t.step_count(), 4);
        assert_eq!(Timeline::events(&net, &filter, Lang::En), steps[..4].concat(), "back is exact");
        let again = [t.forward(&mut net, &filter, Lang::En), t.forward(&mut net, &filter, Lang::En)];
        assert_eq!(again[0], steps[4]);
        assert_eq!(again[1], steps[5]);
        // Straight back to step 1: the list as it was then.
        net = t.back_to(1).unwrap().expect("an earlier step");
        assert_eq!(t.step_count(), 1);
        assert_eq!(Timeline::events(&net, &filter, Lang::En), steps[0]);
    }

    #[test]
    fn the_switch_floods_then_forwards_and_says_so() {
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
        t.add_simple_pdu(&mut net, "PC1", "192.168.1.1").unwrap();
        let filter = only(&["ARP", "ICMP"]);
        let mut events = Vec::new();
        for _ in 0..12 {
            events.extend(t.forward(&mut net, &filter, Lang::En));
        }
        let at_switch: Vec<String> = events
            .iter()
            .filter(|e| e.line.device == "S1" && e.line.kind == "received")
            .flat_map(|e| e.decisions.clone())
            .collect();
        // The ARP request is broadcast: flooded; the reply and the echo go one way.
        assert_eq!(at_switch[0], "flooded in VLAN 1 out of every other port (destination unknown or broadcast)");
        assert!(at_switch[1..].iter().all(|d| d.starts_with("switched in VLAN 1 out ")), "{at_switch:#?}");
        // The same decisions in French.
        let fr = Timeline::events(&net, &filter, Lang::Fr);
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
            for e in t.forward(net, &[], Lang::En) {
                if e.line.device == device {
                    out.extend(e.decisions);
                }
            }
        }
        out
    }

    #[test]
    fn the_router_routes_asks_arp_and_drops_at_ttl_zero_in_words() {
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
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
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        let at_r1 = decided_at(&mut t, &mut net, "R1", 20);
        assert!(at_r1.iter().any(|d| d == "ARP: who has 192.168.2.10? (asked on GigabitEthernet0/0/1)"), "{at_r1:#?}");
    }

    #[test]
    fn port_security_filters_the_frame_and_says_why() {
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
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
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
        let shape = PduShape { count: 3, size: 1000, interval: Duration::from_secs(1) };
        t.add_pdu(&mut net, "PC1", "192.168.1.1", shape).unwrap();
        let mut echoes = Vec::new();
        for _ in 0..40 {
            for e in t.forward(&mut net, &only(&["ICMP"]), Lang::En) {
                if e.line.kind == "sent" && e.line.device == "PC1" {
                    echoes.push((e.line.time, e.line.len));
                }
            }
        }
        assert_eq!(echoes.len(), 3, "{echoes:?}");
        assert!(echoes.iter().all(|(_, len)| *len == Some(14 + 20 + 8 + 1000)), "{echoes:?}");
        assert!(echoes[2].0 - echoes[1].0 >= 1.0, "a second apart: {echoes:?}");
        assert_eq!(t.pdus[0].result(), Some(true));
        assert!(t.add_pdu(&mut net, "PC1", "PC9", shape).is_err());
    }

    #[test]
    fn reset_forgets_the_pdus() {
        let (mut t, mut net) = Timeline::start(lab()).unwrap();
        t.add_simple_pdu(&mut net, "PC1", "PC2").unwrap();
        t.forward(&mut net, &[], Lang::En);
        net = t.reset().unwrap();
        assert!(t.pdus.is_empty() && t.step_count() == 0);
        assert!(Timeline::events(&net, &only(&["ICMP"]), Lang::En).is_empty());
    }
}
