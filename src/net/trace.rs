//! The trace in words: each record of the engine's trace as one line a
//! student reads (or one JSON object a program reads), with the device and
//! port named, the frame summarised as Wireshark's Info column would, and
//! each decision in a sentence. `wirelab run --trace` prints these; the
//! simulation mode's event list shows the same lines.

use serde::Serialize;

use super::Network;
use crate::base::Lang;
use crate::proto::decision::{Decision, V6Step};
use crate::proto::dissect::{self, LinkType};
use crate::sim::{Framing, LinkDrop, What};

/// One trace record, rendered.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TraceLine {
    /// Simulated seconds.
    pub time: f64,
    pub seq: u64,
    /// Records of the same engine event (a frame arriving and what the device
    /// did with it) share this number; `None` for what a command typed
    /// between events did.
    pub event: Option<u64>,
    pub device: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<String>,
    /// `sent`, `received`, `lost` or `decided`.
    pub kind: &'static str,
    /// The protocol the record is about, as Wireshark names it (`ARP`, `ICMP`, `STP`, `CDP` ...).
    pub protocol: String,
    pub text: String,
    /// The frame's length in bytes, for frames.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub len: Option<usize>,
}

impl TraceLine {
    /// The line as `run --trace` prints it.
    pub fn to_text(&self) -> String {
        let place = match &self.port {
            Some(p) => format!("{} {p}", self.device),
            None => self.device.clone(),
        };
        format!("{:>14.9}  {place:<24} {:<9} {:<6} {}", self.time, self.kind, self.protocol, self.text)
    }

    /// The line as one JSON object.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// Does the line concern one of these protocols (lower case, as typed after `--filter`)?
    pub fn matches(&self, protocols: &[String]) -> bool {
        protocols.is_empty() || protocols.iter().any(|p| p.eq_ignore_ascii_case(&self.protocol))
    }
}

/// The protocol a decision is about: what the decision itself says, or
/// else the top protocol of the frame it was taken about (`frame`: that
/// frame's protocols, outermost first). A decision about a TCP segment or a
/// UDP datagram names what the frame carries in it, as the frame's own line
/// does: routing a DNS query is DNS, not UDP.
fn decision_protocol(d: &Decision, frame: Option<&[&'static str]>) -> &'static str {
    let top = frame.and_then(|protocols| protocols.last().copied());
    match said_protocol(d) {
        Some(transport @ ("TCP" | "UDP")) if frame.is_some_and(|p| p.contains(&transport)) => top.unwrap_or(transport),
        Some(said) => said,
        None => top.unwrap_or("Ethernet"),
    }
}

/// The protocol a decision is about when the decision itself says it.
fn said_protocol(d: &Decision) -> Option<&'static str> {
    let ip = |p: u8| match p {
        1 => "ICMP",
        6 => "TCP",
        17 => "UDP",
        89 => "OSPF",
        _ => "IPv4",
    };
    match d {
        Decision::ArpRequest { .. } | Decision::ArpReply { .. } | Decision::ProxyArpReply { .. } => Some("ARP"),
        Decision::Received { flow, .. }
        | Decision::Routed { flow, .. }
        | Decision::HeldForArp { flow, .. }
        | Decision::IcmpError { flow, .. } => Some(ip(flow.protocol)),
        Decision::IpDropped { flow, .. } => Some(flow.map_or("IPv4", |f| ip(f.protocol))),
        Decision::Flooded { .. } | Decision::Switched { .. } | Decision::Filtered { .. } => None,
        Decision::Neighbor { protocol, .. } | Decision::Route { protocol, .. } => Some(protocol),
        Decision::Redundancy { .. } => Some("HSRP"),
        Decision::Dhcp { .. } => Some("DHCP"),
        Decision::Login { ssh: true, .. } => Some("SSH"),
        Decision::Login { ssh: false, .. } => Some("Telnet"),
        Decision::Ipv6 { step: V6Step::Routed { .. } | V6Step::Dropped(_), .. } => Some("IPv6"),
        Decision::Ipv6 { .. } => Some("ICMPv6"),
    }
}

impl Network {
    /// How frames are framed at a port (Ethernet unless its cable is serial).
    pub fn link_type(&self, device: usize, port: usize) -> LinkType {
        self.link_type_at(device, port)
    }

    fn link_type_at(&self, device: usize, port: usize) -> LinkType {
        let serial = self
            .cable_at(device, port)
            .and_then(|e| self.fabric.cable(e))
            .is_some_and(|c| c.spec.framing == Framing::CiscoHdlc);
        if serial {
            LinkType::CiscoHdlc
        } else {
            LinkType::Ethernet
        }
    }

    /// The trace kept so far, in words, oldest first.
    pub fn trace_lines(&self) -> Vec<TraceLine> {
        self.trace_lines_from(0)
    }

    /// The trace in words from record `first` on (which should start an
    /// engine event, for the decisions to know their frame's protocol).
    pub fn trace_lines_from(&self, first: usize) -> Vec<TraceLine> {
        self.trace_lines_in(first, Lang::En)
    }

    /// [`Self::trace_lines_from`], the decisions said in `lang`.
    pub fn trace_lines_in(&self, first: usize, lang: Lang) -> Vec<TraceLine> {
        let mut lines = Vec::with_capacity(self.trace().len().saturating_sub(first));
        // The protocols of the frame each engine event delivered (outermost
        // first), for the decisions taken about it.
        let mut event_protocols: Option<(u64, Vec<&'static str>)> = None;
        for r in self.trace().skip(first) {
            let device = &self.devices[r.device];
            let port = r.port.and_then(|p| device.ports.get(p)).map(|p| p.name.to_string());
            let (kind, protocol, text, len) = match &r.what {
                What::Sent { frame, .. } | What::Delivered { frame } => {
                    let link = self.link_type_at(r.device, r.port.unwrap_or(0));
                    let layers = dissect::dissect(frame, link);
                    let protocols: Vec<&'static str> =
                        layers.iter().filter(|l| l.is_protocol()).map(|l| l.protocol).collect();
                    let protocol = protocols.last().copied().unwrap_or("Ethernet");
                    let kind = if matches!(r.what, What::Sent { .. }) { "sent" } else { "received" };
                    if kind == "received" {
                        event_protocols = Some((r.event, protocols));
                    }
                    (kind, protocol.to_string(), dissect::summarize(&layers), Some(frame.len()))
                }
                What::Dropped(why) => {
                    let text = match why {
                        LinkDrop::BacklogFull => "frame dropped: the port's transmit queue is full",
                        LinkDrop::Unplugged => "frame lost: the cable was unplugged while it was on the way",
                    };
                    ("lost", "Ethernet".to_string(), text.to_string(), None)
                }
                What::Note(decision) => {
                    let frame = event_protocols.as_ref().filter(|(e, _)| *e == r.event).map(|(_, p)| p.as_slice());
                    let protocol = decision_protocol(decision, frame);
                    ("decided", protocol.to_string(), device.describe_in(decision, lang), None)
                }
            };
            lines.push(TraceLine {
                time: r.at.secs_f64(),
                seq: r.seq,
                event: (r.event & crate::sim::OUTSIDE_EVENTS == 0).then_some(r.event),
                device: device.name.clone(),
                port,
                kind,
                protocol,
                text,
                len,
            });
        }
        lines
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::decision::Flow;
    use std::net::Ipv4Addr;

    #[test]
    fn a_decision_about_a_datagram_is_named_by_what_it_carries() {
        let (pc, server) = (Ipv4Addr::new(192, 168, 1, 10), Ipv4Addr::new(192, 168, 1, 20));
        let flow = Flow { src: pc, dst: server, protocol: 17, id: 49152, seq: 53 };
        let routed = Decision::Routed { flow, iface: 0, next_hop: server };
        let query: &[&str] = &["Ethernet", "IPv4", "UDP", "DNS"];
        assert_eq!(decision_protocol(&routed, Some(query)), "DNS");
        // A datagram sent once an ARP reply came: the frame is not the datagram.
        assert_eq!(decision_protocol(&routed, Some(&["Ethernet", "ARP"])), "UDP");
        assert_eq!(decision_protocol(&routed, None), "UDP");
        let arp = Decision::ArpRequest { target: server, iface: 0 };
        assert_eq!(decision_protocol(&arp, Some(query)), "ARP", "a decision that says its protocol keeps it");
        assert_eq!(decision_protocol(&Decision::Flooded { vlan: 1 }, Some(query)), "DNS");
        assert_eq!(decision_protocol(&Decision::Flooded { vlan: 1 }, None), "Ethernet");
    }
}
