//! The switching fabric of a switch: per-VLAN MAC learning, forwarding and
//! flooding between its ports, 802.1Q tags on trunks (untagged on the native
//! VLAN), and the path to and from its VLAN interfaces (SVIs).

use std::collections::BTreeMap;

use super::Port;
use crate::proto::decision::{Decision, L2Drop};
use crate::proto::dot1q;
use crate::proto::ethernet::{self, BROADCAST};
use crate::proto::mac_table::MacTable;
use crate::proto::stp::{self, Bpdu, State, Tree};
use crate::proto::vlan::StpConfig;
use crate::proto::vlan::VlanSet;
use crate::proto::Mac;
use crate::sim::Time;

/// How a port carries VLANs, from its switchport configuration.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortVlans {
    Access(u16),
    Trunk {
        native: u16,
        allowed: VlanSet,
    },
    /// A routed port (`no switchport`): not part of the bridge.
    Routed,
}

impl PortVlans {
    pub fn carries(&self, vlan: u16) -> bool {
        match self {
            PortVlans::Access(v) => *v == vlan,
            PortVlans::Trunk { allowed, .. } => allowed.contains(vlan),
            PortVlans::Routed => false,
        }
    }
}

/// Where a frame the bridge handled has to go.
#[derive(Debug, Default)]
pub struct Forwarded {
    pub to_ports: Vec<(usize, Vec<u8>)>,
    /// Untagged frames for the VLAN interface of a VLAN.
    pub to_svi: Vec<(u16, Vec<u8>)>,
    /// What the bridge decided, by the port the frame came in on (when tracing).
    pub notes: Vec<(Option<usize>, Decision)>,
}

#[derive(Clone, Debug)]
pub struct Bridge {
    pub macs: MacTable,
    /// The MAC address of the VLAN interfaces.
    pub svi_mac: Mac,
    /// Each port's VLAN membership (kept in step with the configuration).
    pub ports: Vec<PortVlans>,
    /// VLANs that exist in the VLAN database.
    pub vlans: VlanSet,
    /// Frames dropped for a VLAN the port does not carry or that does not exist.
    pub vlan_drops: u64,
    /// One spanning tree per VLAN.
    pub trees: BTreeMap<u16, Tree>,
    /// MAC of the bridge (the base of its ports' addresses).
    pub bridge_mac: Mac,
    /// EtherChannel: for each bundled port, the port that stands for its
    /// port-channel. Spanning tree, learning and forwarding see only that one.
    bundles: Vec<Option<usize>>,
    /// For a port that stands for a port-channel, its bundled members (empty
    /// for every other port); kept with `bundles` so forwarding need not search.
    channel_members: Vec<Vec<usize>>,
    ticks: u64,
    /// Report decisions to the trace.
    pub tracing: bool,
}

pub const DEFAULT_VLAN: u16 = 1;

impl Bridge {
    pub fn new(svi_mac: Mac, ports: usize) -> Self {
        let mut vlans = VlanSet::none();
        vlans.insert(DEFAULT_VLAN);
        Bridge {
            macs: MacTable::default(),
            svi_mac,
            ports: vec![PortVlans::Access(DEFAULT_VLAN); ports],
            vlans,
            vlan_drops: 0,
            trees: BTreeMap::new(),
            bridge_mac: svi_mac,
            bundles: vec![None; ports],
            channel_members: vec![Vec::new(); ports],
            ticks: 0,
            tracing: false,
        }
    }

    /// Bundle ports: `(member, channel port)` pairs; every other port stands alone.
    pub fn set_bundles(&mut self, bundles: &[(usize, usize)]) {
        let ports = self.bundles.len();
        let before = std::mem::replace(&mut self.bundles, vec![None; ports]);
        self.channel_members.iter_mut().for_each(Vec::clear);
        for &(member, channel) in bundles {
            self.bundles[member] = Some(channel);
            self.channel_members[channel].push(member);
        }
        // An address learned on a port that joined or left a bundle now points
        // at the wrong port (a hidden member would swallow its frames): forget it.
        for (port, was) in before.into_iter().enumerate() {
            if was != self.bundles[port] {
                self.macs.flush_port(port);
            }
        }
    }

    /// Is the port trunking now (configured or negotiated)?
    pub fn is_trunk(&self, port: usize) -> bool {
        matches!(self.ports[port], PortVlans::Trunk { .. })
    }

    /// The port a frame arriving on `port` is seen on: its port-channel's, if bundled.
    pub fn logical(&self, port: usize) -> usize {
        self.bundles[port].unwrap_or(port)
    }

    /// Does `port` stand for a port-channel?
    pub fn is_channel(&self, port: usize) -> bool {
        !self.channel_members[port].is_empty()
    }

    /// The bundled members of the port-channel `port` stands for.
    pub fn members(&self, port: usize) -> impl Iterator<Item = usize> + '_ {
        self.channel_members[port].iter().copied()
    }

    /// Is the port up as spanning tree and forwarding see it? A port-channel is
    /// up while any bundled member is; its other members are not ports of their own.
    pub fn up(&self, port: usize, ports: &[Port]) -> bool {
        if self.is_channel(port) {
            self.members(port).any(|m| ports[m].link_up)
        } else {
            self.bundles[port].is_none() && ports[port].link_up
        }
    }

    /// The physical port a frame for `port` leaves by: for a port-channel, a
    /// live member picked by the source MAC address (the 2960 default,
    /// `port-channel load-balance src-mac`), so one flow stays on one link.
    fn exit(&self, port: usize, frame: &[u8], ports: &[Port]) -> Option<usize> {
        if !self.is_channel(port) {
            return Some(port);
        }
        let live = self.members(port).filter(|&m| ports[m].link_up).count();
        if live == 0 {
            return None;
        }
        let src = frame.get(6..12).map_or(0, |m| m.iter().fold(0u8, |a, b| a ^ b));
        self.members(port).filter(|&m| ports[m].link_up).nth(usize::from(src) % live)
    }

    /// The bandwidth spanning tree prices a port at: a port-channel's is its live members' sum.
    fn bandwidth(&self, port: usize, ports: &[Port]) -> u64 {
        if self.is_channel(port) {
            self.members(port).filter(|&m| ports[m].link_up).map(|m| ports[m].name.kind.bandwidth_bps()).sum()
        } else {
            ports[port].name.kind.bandwidth_bps()
        }
    }

    /// May data frames of `vlan` go in and out of `port` (spanning tree forwarding)?
    pub fn forwarding(&self, port: usize, vlan: u16) -> bool {
        self.trees.get(&vlan).is_none_or(|t| t.state(port) == State::Forwarding)
    }

    fn learning(&self, port: usize, vlan: u16) -> bool {
        self.trees.get(&vlan).is_none_or(|t| t.state(port) >= State::Learning)
    }

    /// Bring each VLAN's tree in step with ports and configuration, run its
    /// timers, and return the BPDUs to send as frames.
    pub fn run_stp(
        &mut self,
        now: crate::sim::Time,
        ports: &[Port],
        config: &StpConfig,
        edges: &[bool],
    ) -> Vec<(usize, Vec<u8>)> {
        self.ticks += 1;
        let hello_due = self.ticks % 2 == 1;
        let mut out = Vec::new();
        let vlans = &self.vlans;
        self.trees.retain(|v, _| vlans.contains(*v) && !config.disabled.contains(v));
        // The extended-range and token-ring VLANs 1002-1005 run no tree.
        let vlans: Vec<u16> = self
            .vlans
            .iter()
            .filter(|v| ((1..=1001).contains(v) || *v > 1005) && !config.disabled.contains(v))
            .collect();
        let live: Vec<(bool, u32)> =
            (0..ports.len()).map(|p| (self.up(p, ports), stp::port_cost(self.bandwidth(p, ports)))).collect();
        for vlan in vlans {
            let priority =
                config.priorities.iter().find(|(v, _)| *v == vlan).map_or(stp::DEFAULT_PRIORITY, |(_, p)| *p as u16);
            let me = stp::BridgeId { priority: priority.saturating_add(vlan), mac: self.bridge_mac.0 };
            let bridge_mac = self.bridge_mac.0;
            let tree = self.trees.entry(vlan).or_insert_with(|| Tree::new(vlan, priority, bridge_mac, config.rapid));
            if tree.me != me || tree.rapid != config.rapid {
                *tree = Tree::new(vlan, priority, bridge_mac, config.rapid);
            }
            let mut changed = false;
            for (p, &(up, cost)) in live.iter().enumerate() {
                let member = up && self.ports[p].carries(vlan);
                let present = tree.ports.contains_key(&p);
                if member {
                    tree.port_up(now, p, cost, edges.get(p).copied().unwrap_or(false));
                    changed |= !present;
                } else if present {
                    tree.port_down(p);
                    changed = true;
                }
            }
            if changed {
                tree.recompute(now);
            }
            let forwarding: Vec<usize> =
                tree.ports.iter().filter(|(_, i)| i.state == State::Forwarding).map(|(p, _)| *p).collect();
            let outgoing = tree.tick(now, hello_due);
            // A port that stops forwarding forgets the addresses learned on it.
            for p in forwarding {
                if tree.state(p) != State::Forwarding {
                    self.macs.flush_port(p);
                }
            }
            for o in outgoing {
                if let Some(frame) = self.bpdu_frame(o.port, o.vlan, &o.bpdu, ports) {
                    out.extend(self.exit(o.port, &frame, ports).map(|p| (p, frame)));
                }
            }
        }
        out
    }

    /// A BPDU as a frame: IEEE for an access port's VLAN or a trunk's native
    /// VLAN (untagged), Cisco PVST+ (tagged) for the other VLANs of a trunk.
    fn bpdu_frame(&self, port: usize, vlan: u16, bpdu: &Bpdu, ports: &[Port]) -> Option<Vec<u8>> {
        let src = ports[port].mac;
        let native = match &self.ports[port] {
            PortVlans::Access(v) => *v == vlan,
            PortVlans::Trunk { native, .. } => *native == vlan,
            PortVlans::Routed => return None,
        };
        // PVST+: the native VLAN's tree speaks IEEE BPDUs; every other VLAN's
        // goes tagged, to Cisco's address, naming its VLAN.
        Some(if native { stp::ieee_frame(src, bpdu) } else { dot1q::tag(&stp::pvst_frame(src, vlan, bpdu), vlan) })
    }

    /// A BPDU arrived on a port; returns the BPDUs to answer with at once.
    pub fn receive_bpdu(
        &mut self,
        now: crate::sim::Time,
        port: usize,
        frame: &[u8],
        ports: &[Port],
    ) -> Vec<(usize, Vec<u8>)> {
        let port = self.logical(port);
        let Some((vlan, bpdu)) = self.parse_bpdu(port, frame) else { return Vec::new() };
        let Some(tree) = self.trees.get_mut(&vlan) else { return Vec::new() };
        tree.receive(now, port, &bpdu);
        let urgent = tree.urgent();
        urgent
            .into_iter()
            .filter_map(|o| {
                let frame = self.bpdu_frame(o.port, o.vlan, &o.bpdu, ports)?;
                Some((self.exit(o.port, &frame, ports)?, frame))
            })
            .collect()
    }

    fn parse_bpdu(&self, port: usize, frame: &[u8]) -> Option<(u16, Bpdu)> {
        let tag = dot1q::vlan_of(frame);
        let untagged;
        let frame = match tag {
            Some(_) => {
                untagged = dot1q::untag(frame);
                &untagged[..]
            }
            None => frame,
        };
        match stp::parse_frame(frame)? {
            stp::BpduFrame::Ieee(bpdu) => {
                let vlan = match &self.ports[port] {
                    PortVlans::Access(v) => *v,
                    PortVlans::Trunk { native, .. } => *native,
                    PortVlans::Routed => return None,
                };
                Some((vlan, bpdu))
            }
            stp::BpduFrame::Pvst { vlan, bpdu } => Some((tag.or(vlan)?, bpdu)),
        }
    }

    /// The VLAN a frame arriving on `port` belongs to, and the frame untagged.
    fn classify(&mut self, port: usize, frame: Vec<u8>) -> Option<(u16, Vec<u8>)> {
        let tag = dot1q::vlan_of(&frame);
        let r = match (&self.ports[port], tag) {
            (PortVlans::Access(v), None) => Some((*v, frame)),
            (PortVlans::Trunk { allowed, .. }, Some(v)) if allowed.contains(v) => Some((v, dot1q::untag(&frame))),
            (PortVlans::Trunk { native, .. }, None) => Some((*native, frame)),
            _ => None,
        };
        match r {
            Some((v, f)) if self.vlans.contains(v) => Some((v, f)),
            _ => {
                self.vlan_drops += 1;
                None
            }
        }
    }

    /// The VLAN a frame coming in on `port` belongs to (`None`: the port
    /// does not take it).
    pub fn vlan_of(&self, port: usize, frame: &[u8]) -> Option<u16> {
        let port = self.logical(port);
        match (&self.ports[port], dot1q::vlan_of(frame)) {
            (PortVlans::Access(v), None) => Some(*v),
            (PortVlans::Trunk { allowed, .. }, Some(v)) if allowed.contains(v) => Some(v),
            (PortVlans::Trunk { native, .. }, None) => Some(*native),
            _ => None,
        }
    }

    /// A frame came in on `in_port`.
    pub fn receive(&mut self, now: Time, in_port: usize, frame: Vec<u8>, ports: &[Port], out: &mut Forwarded) {
        if ethernet::parse(&frame).is_none() {
            return;
        }
        let physical = in_port;
        let in_port = self.logical(in_port);
        let Some((vlan, frame)) = self.classify(in_port, frame) else {
            self.note(out, Some(physical), Decision::Filtered { vlan: None, why: L2Drop::VlanNotCarried });
            return;
        };
        let Some(eth) = ethernet::parse(&frame) else { return };
        if !self.learning(in_port, vlan) {
            self.note(out, Some(physical), Decision::Filtered { vlan: Some(vlan), why: L2Drop::PortBlocked });
            return;
        }
        if eth.src_addr.is_unicast() {
            self.macs.learn(vlan, eth.src_addr, in_port, now);
        }
        if !self.forwarding(in_port, vlan) {
            self.note(out, Some(physical), Decision::Filtered { vlan: Some(vlan), why: L2Drop::PortBlocked });
            return;
        }
        let dst = eth.dst_addr;
        if dst == self.svi_mac {
            out.to_svi.push((vlan, frame));
            return;
        }
        if dst == BROADCAST {
            out.to_svi.push((vlan, frame.clone()));
        }
        self.forward(now, vlan, Some(in_port), dst, frame, ports, out);
    }

    /// A frame from the switch's own VLAN interface.
    pub fn send_from_svi(&mut self, now: Time, vlan: u16, frame: Vec<u8>, ports: &[Port], out: &mut Forwarded) {
        let Some(eth) = ethernet::parse(&frame) else { return };
        self.forward(now, vlan, None, eth.dst_addr, frame, ports, out);
    }

    /// The frame as it leaves a port: tagged on a trunk unless in the native VLAN.
    fn egress(&self, port: usize, vlan: u16, frame: &[u8]) -> Vec<u8> {
        match &self.ports[port] {
            PortVlans::Trunk { native, .. } if *native != vlan => dot1q::tag(frame, vlan),
            _ => frame.to_vec(),
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn forward(
        &self,
        now: Time,
        vlan: u16,
        in_port: Option<usize>,
        dst: Mac,
        frame: Vec<u8>,
        ports: &[Port],
        out: &mut Forwarded,
    ) {
        let usable = |p: usize| {
            Some(p) != in_port && self.up(p, ports) && self.ports[p].carries(vlan) && self.forwarding(p, vlan)
        };
        let send = |p: usize, out: &mut Forwarded| {
            if let Some(exit) = self.exit(p, &frame, ports) {
                out.to_ports.push((exit, self.egress(p, vlan, &frame)));
            }
        };
        if dst.is_unicast() {
            if let Some(port) = self.macs.lookup(vlan, dst, now) {
                let decision = if usable(port) {
                    send(port, out);
                    Decision::Switched { vlan, port }
                } else {
                    let why = if Some(port) == in_port { L2Drop::SamePort } else { L2Drop::PortBlocked };
                    Decision::Filtered { vlan: Some(vlan), why }
                };
                self.note(out, in_port, decision);
                return;
            }
        }
        for p in (0..ports.len()).filter(|&p| usable(p)) {
            send(p, out);
        }
        self.note(out, in_port, Decision::Flooded { vlan });
    }

    fn note(&self, out: &mut Forwarded, port: Option<usize>, decision: Decision) {
        if self.tracing {
            out.notes.push((port, decision));
        }
    }

    /// Does any live port carry this VLAN (so its VLAN interface can be up)?
    pub fn vlan_active(&self, vlan: u16, ports: &[Port]) -> bool {
        self.vlans.contains(vlan)
            && (0..ports.len()).any(|p| self.up(p, ports) && self.ports[p].carries(vlan) && self.forwarding(p, vlan))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::IfaceName;
    use smoltcp::wire::EthernetProtocol;

    fn ports(n: usize) -> Vec<Port> {
        (0..n)
            .map(|i| Port {
                name: IfaceName::parse(&format!("fa0/{}", i + 1)).unwrap(),
                mac: Mac([0, 0, 0, 0, 1, i as u8]),
                link_up: true,
                cabled: true,
                counters: Default::default(),
            })
            .collect()
    }

    const A: Mac = Mac([0, 0, 0, 0, 0, 0xa]);
    const B: Mac = Mac([0, 0, 0, 0, 0, 0xb]);

    fn frame(dst: Mac, src: Mac) -> Vec<u8> {
        ethernet::build(dst, src, EthernetProtocol::Ipv4, 0, |_| {})
    }

    fn bridge(n: usize) -> Bridge {
        Bridge::new(Mac([0, 0, 0, 0, 2, 0]), n)
    }

    #[test]
    fn floods_unknown_then_forwards_learned() {
        let p = ports(4);
        let mut b = bridge(4);
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 0, frame(B, A), &p, &mut out);
        let flooded: Vec<_> = out.to_ports.iter().map(|(p, _)| *p).collect();
        assert_eq!(flooded, [1, 2, 3]);
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 2, frame(A, B), &p, &mut out);
        assert_eq!(out.to_ports.iter().map(|(p, _)| *p).collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn a_bundle_is_one_port_that_forgets_what_its_members_learned_alone() {
        let p = ports(4);
        let mut b = bridge(4);
        // A is learned on port 2 while it stands alone.
        b.receive(Time::ZERO, 2, frame(B, A), &p, &mut Forwarded::default());
        b.set_bundles(&[(1, 1), (2, 1)]);
        // Towards A: the channel (one of its members), not the hidden member's old entry.
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 0, frame(A, B), &p, &mut out);
        let to: Vec<usize> = out.to_ports.iter().map(|(p, _)| *p).collect();
        assert_eq!(to.len(), 2, "flooded once to the channel and once to port 3: {to:?}");
        assert!(to.contains(&3) && (to.contains(&1) || to.contains(&2)), "{to:?}");
        // A frame in on either member is seen on the channel, and never sent back into it.
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 2, frame(BROADCAST, A), &p, &mut out);
        let to: Vec<usize> = out.to_ports.iter().map(|(p, _)| *p).collect();
        assert_eq!(to, [0, 3]);
        assert_eq!(b.macs.lookup(1, A, Time::ZERO), Some(1));
    }

    #[test]
    fn vlans_isolate_and_trunks_tag() {
        let p = ports(4);
        let mut b = bridge(4);
        b.vlans.insert(10);
        b.vlans.insert(20);
        b.ports = vec![
            PortVlans::Access(10),
            PortVlans::Access(20),
            PortVlans::Access(10),
            PortVlans::Trunk { native: 1, allowed: VlanSet::all() },
        ];
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 0, frame(BROADCAST, A), &p, &mut out);
        let to: Vec<usize> = out.to_ports.iter().map(|(p, _)| *p).collect();
        assert_eq!(to, [2, 3], "not to the VLAN 20 port");
        let (_, trunk_frame) = &out.to_ports[1];
        assert_eq!(dot1q::vlan_of(trunk_frame), Some(10), "tagged on the trunk");
        // A tagged frame from the trunk reaches only its VLAN's access ports, untagged.
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 3, dot1q::tag(&frame(BROADCAST, B), 20), &p, &mut out);
        assert_eq!(out.to_ports.len(), 1);
        assert_eq!(out.to_ports[0].0, 1);
        assert_eq!(dot1q::vlan_of(&out.to_ports[0].1), None);
        // A VLAN missing from the database is dropped.
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 3, dot1q::tag(&frame(BROADCAST, B), 30), &p, &mut out);
        assert!(out.to_ports.is_empty() && out.to_svi.is_empty());
    }
}
