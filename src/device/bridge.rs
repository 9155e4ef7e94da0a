//! The switching fabric of a switch: per-VLAN MAC learning, forwarding and
//! flooding between its ports, 802.1Q tags on trunks (untagged on the native
//! VLAN), and the path to and from its VLAN interfaces (SVIs).

use super::Port;
use crate::proto::dot1q;
use crate::proto::ethernet::{self, BROADCAST};
use crate::proto::mac_table::MacTable;
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

    /// A frame came in on `in_port`.
    pub fn receive(&mut self, now: Time, in_port: usize, frame: Vec<u8>, ports: &[Port], out: &mut Forwarded) {
        if ethernet::parse(&frame).is_none() {
            return;
        }
        let Some((vlan, frame)) = self.classify(in_port, frame) else { return };
        let Some(eth) = ethernet::parse(&frame) else { return };
        if eth.src_addr.is_unicast() {
            self.macs.learn(vlan, eth.src_addr, in_port, now);
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
        let usable = |p: usize| Some(p) != in_port && ports[p].link_up && self.ports[p].carries(vlan);
        if dst.is_unicast() {
            if let Some(port) = self.macs.lookup(vlan, dst, now) {
                if usable(port) {
                    out.to_ports.push((port, self.egress(port, vlan, &frame)));
                }
                return;
            }
        }
        for p in (0..ports.len()).filter(|&p| usable(p)) {
            out.to_ports.push((p, self.egress(p, vlan, &frame)));
        }
    }

    /// Does any live port carry this VLAN (so its VLAN interface can be up)?
    pub fn vlan_active(&self, vlan: u16, ports: &[Port]) -> bool {
        self.vlans.contains(vlan) && (0..ports.len()).any(|p| ports[p].link_up && self.ports[p].carries(vlan))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::device::IfaceName;
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
