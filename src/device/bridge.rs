//! The switching fabric of a switch: MAC learning, forwarding and flooding
//! between its ports, and the path to and from its own management interface
//! (the SVI). VLAN 1 only for now; the VLAN id is already part of every lookup.

use super::Port;
use crate::proto::ethernet::{self, BROADCAST};
use crate::proto::mac_table::MacTable;
use crate::proto::Mac;
use crate::sim::Time;

/// Where a frame the bridge handled has to go.
#[derive(Debug, Default)]
pub struct Forwarded {
    pub to_ports: Vec<(usize, Vec<u8>)>,
    pub to_svi: Option<Vec<u8>>,
}

#[derive(Clone, Debug)]
pub struct Bridge {
    pub macs: MacTable,
    /// The MAC address of the management interface.
    pub svi_mac: Mac,
}

pub const DEFAULT_VLAN: u16 = 1;

impl Bridge {
    pub fn new(svi_mac: Mac) -> Self {
        Bridge { macs: MacTable::default(), svi_mac }
    }

    /// A frame came in on `in_port`.
    pub fn receive(&mut self, now: Time, in_port: usize, frame: Vec<u8>, ports: &[Port], out: &mut Forwarded) {
        let Some(eth) = ethernet::parse(&frame) else { return };
        let src = eth.src_addr;
        if src.is_unicast() {
            self.macs.learn(DEFAULT_VLAN, src, in_port, now);
        }
        let dst = eth.dst_addr;
        if dst == self.svi_mac {
            out.to_svi = Some(frame);
            return;
        }
        if dst == BROADCAST {
            out.to_svi = Some(frame.clone());
        }
        self.forward(now, Some(in_port), dst, frame, ports, out);
    }

    /// A frame from the switch's own management interface.
    pub fn send_from_svi(&mut self, now: Time, frame: Vec<u8>, ports: &[Port], out: &mut Forwarded) {
        let Some(eth) = ethernet::parse(&frame) else { return };
        self.forward(now, None, eth.dst_addr, frame, ports, out);
    }

    fn forward(
        &self,
        now: Time,
        in_port: Option<usize>,
        dst: Mac,
        frame: Vec<u8>,
        ports: &[Port],
        out: &mut Forwarded,
    ) {
        if dst.is_unicast() {
            if let Some(port) = self.macs.lookup(DEFAULT_VLAN, dst, now) {
                if Some(port) != in_port && ports[port].link_up {
                    out.to_ports.push((port, frame));
                }
                return;
            }
        }
        let targets: Vec<usize> = (0..ports.len()).filter(|&p| Some(p) != in_port && ports[p].link_up).collect();
        if let Some((&last, rest)) = targets.split_last() {
            for &p in rest {
                out.to_ports.push((p, frame.clone()));
            }
            out.to_ports.push((last, frame));
        }
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

    #[test]
    fn floods_unknown_then_forwards_learned() {
        let p = ports(4);
        let mut b = Bridge::new(Mac([0, 0, 0, 0, 2, 0]));
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 0, frame(B, A), &p, &mut out);
        let flooded: Vec<_> = out.to_ports.iter().map(|(p, _)| *p).collect();
        assert_eq!(flooded, [1, 2, 3]);
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 2, frame(A, B), &p, &mut out);
        assert_eq!(out.to_ports.iter().map(|(p, _)| *p).collect::<Vec<_>>(), [0]);
    }

    #[test]
    fn broadcasts_reach_the_svi_and_every_other_up_port() {
        let mut p = ports(3);
        p[2].link_up = false;
        let mut b = Bridge::new(Mac([0, 0, 0, 0, 2, 0]));
        let mut out = Forwarded::default();
        b.receive(Time::ZERO, 0, frame(BROADCAST, A), &p, &mut out);
        assert_eq!(out.to_ports.iter().map(|(p, _)| *p).collect::<Vec<_>>(), [1]);
        assert!(out.to_svi.is_some());
    }
}
