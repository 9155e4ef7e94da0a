//! ARP (RFC 826): the request and reply frames (smoltcp's `ArpPacket`) and the
//! cache of resolved neighbours, with its timeout.

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

use smoltcp::wire::{ArpOperation, ArpPacket, ArpRepr, EthernetProtocol};

use super::dissect::{self, Dissected, Layer, LayerBuilder};
use super::ethernet::{self, Mac, BROADCAST};
use crate::sim::{Duration, Time};

/// An Ethernet/IPv4 ARP packet, for the dissector: smoltcp's `ArpPacket`
/// builds and parses it.
mod field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const HARDWARE_TYPE: Field = 0..2;
    pub const PROTOCOL_TYPE: Field = 2..4;
    pub const HARDWARE_LEN: usize = 4;
    pub const PROTOCOL_LEN: usize = 5;
    pub const OPERATION: Field = 6..8;
    // The addresses' places follow from the two lengths; these are Ethernet's and IPv4's.
    pub const SENDER_MAC: Field = 8..14;
    pub const SENDER_IP: Field = 14..18;
    pub const TARGET_MAC: Field = 18..24;
    pub const TARGET_IP: Field = 24..28;
}

/// IOS keeps ARP entries for four hours.
pub const IOS_TIMEOUT: Duration = Duration::from_secs(4 * 3600);
/// Hosts forget neighbours much sooner.
pub const HOST_TIMEOUT: Duration = Duration::from_secs(120);

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ArpEntry {
    pub mac: Mac,
    /// The interface (index in the owning IP stack) the neighbour is on.
    pub iface: usize,
    pub learned: Time,
}

/// Resolved neighbours, keyed by address (ordered, so `show arp` is stable).
#[derive(Clone, Debug)]
pub struct ArpCache {
    entries: BTreeMap<Ipv4Addr, ArpEntry>,
    timeout: Duration,
}

impl ArpCache {
    pub fn new(timeout: Duration) -> Self {
        ArpCache { entries: BTreeMap::new(), timeout }
    }

    pub fn lookup(&self, ip: Ipv4Addr, now: Time) -> Option<&ArpEntry> {
        self.entries.get(&ip).filter(|e| now.since(e.learned) < self.timeout)
    }

    pub fn insert(&mut self, ip: Ipv4Addr, mac: Mac, iface: usize, now: Time) {
        self.entries.insert(ip, ArpEntry { mac, iface, learned: now });
    }

    /// Refresh an entry only if one exists (RFC 826's "merge" step).
    pub fn refresh(&mut self, ip: Ipv4Addr, mac: Mac, iface: usize, now: Time) -> bool {
        match self.entries.get_mut(&ip) {
            Some(e) => {
                *e = ArpEntry { mac, iface, learned: now };
                true
            }
            None => false,
        }
    }

    /// Live entries in address order.
    pub fn entries(&self, now: Time) -> impl Iterator<Item = (Ipv4Addr, &ArpEntry)> {
        let timeout = self.timeout;
        self.entries.iter().filter(move |(_, e)| now.since(e.learned) < timeout).map(|(ip, e)| (*ip, e))
    }

    pub fn remove_iface(&mut self, iface: usize) {
        self.entries.retain(|_, e| e.iface != iface);
    }

    pub fn remove(&mut self, ip: Ipv4Addr) {
        self.entries.remove(&ip);
    }

    pub fn clear(&mut self) {
        self.entries.clear();
    }
}

fn frame(dst: Mac, repr: ArpRepr) -> Vec<u8> {
    ethernet::build(dst, source_mac(&repr), EthernetProtocol::Arp, repr.buffer_len(), |p| {
        repr.emit(&mut ArpPacket::new_unchecked(p))
    })
}

fn source_mac(repr: &ArpRepr) -> Mac {
    match *repr {
        ArpRepr::EthernetIpv4 { source_hardware_addr, .. } => source_hardware_addr,
        _ => Mac([0; 6]),
    }
}

/// A broadcast "who has `target`" frame.
pub fn request(src_mac: Mac, src_ip: Ipv4Addr, target: Ipv4Addr) -> Vec<u8> {
    frame(
        BROADCAST,
        ArpRepr::EthernetIpv4 {
            operation: ArpOperation::Request,
            source_hardware_addr: src_mac,
            source_protocol_addr: src_ip,
            target_hardware_addr: Mac([0; 6]),
            target_protocol_addr: target,
        },
    )
}

/// A unicast "`src_ip` is at `src_mac`" frame to whoever asked.
pub fn reply(src_mac: Mac, src_ip: Ipv4Addr, to_mac: Mac, to_ip: Ipv4Addr) -> Vec<u8> {
    frame(
        to_mac,
        ArpRepr::EthernetIpv4 {
            operation: ArpOperation::Reply,
            source_hardware_addr: src_mac,
            source_protocol_addr: src_ip,
            target_hardware_addr: to_mac,
            target_protocol_addr: to_ip,
        },
    )
}

/// The fields of an Ethernet/IPv4 ARP packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Arp {
    pub is_request: bool,
    pub sender_mac: Mac,
    pub sender_ip: Ipv4Addr,
    pub target_ip: Ipv4Addr,
}

pub fn parse(payload: &[u8]) -> Option<Arp> {
    let packet = ArpPacket::new_checked(payload).ok()?;
    match ArpRepr::parse(&packet).ok()? {
        ArpRepr::EthernetIpv4 {
            operation, source_hardware_addr, source_protocol_addr, target_protocol_addr, ..
        } => Some(Arp {
            is_request: operation == ArpOperation::Request,
            sender_mac: source_hardware_addr,
            sender_ip: source_protocol_addr,
            target_ip: target_protocol_addr,
        }),
        _ => None,
    }
}

/// Dissect an ARP packet (Ethernet and IPv4 addresses only).
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("ARP", "ARP", bytes, base);
    layer.u16("Hardware type", field::HARDWARE_TYPE, |t| match t {
        1 => "Ethernet (1)".to_string(),
        t => t.to_string(),
    });
    layer.u16("Protocol type", field::PROTOCOL_TYPE, |t| match t {
        0x0800 => "IPv4 (0x0800)".to_string(),
        t => format!("0x{t:04x}"),
    });
    let hardware_len = layer.byte("Hardware size", field::HARDWARE_LEN, |n| n.to_string());
    let protocol_len = layer.byte("Protocol size", field::PROTOCOL_LEN, |n| n.to_string());
    let operation = layer.u16("Opcode", field::OPERATION, |op| match ArpOperation::from(op) {
        ArpOperation::Request => "request (1)".to_string(),
        ArpOperation::Reply => "reply (2)".to_string(),
        ArpOperation::Unknown(op) => op.to_string(),
    });
    if (hardware_len, protocol_len) != (Some(6), Some(4)) {
        layer.invalid("ARP for other than Ethernet and IPv4");
        layer.finish(out)?;
        return Ok(None);
    }
    let sender_mac = layer.field("Sender MAC address", field::SENDER_MAC, dissect::mac);
    let sender_ip = layer.field("Sender IP address", field::SENDER_IP, dissect::ipv4);
    layer.field("Target MAC address", field::TARGET_MAC, dissect::mac);
    let target_ip = layer.field("Target IP address", field::TARGET_IP, dissect::ipv4);
    match (operation.map(ArpOperation::from), sender_mac, sender_ip, target_ip) {
        (Some(ArpOperation::Request), _, Some(sender), Some(target)) => {
            layer.info(format!("Who has {}? Tell {}", dissect::ipv4(target), dissect::ipv4(sender)))
        }
        (Some(ArpOperation::Reply), Some(mac), Some(ip), _) => {
            layer.info(format!("{} is at {}", dissect::ipv4(ip), dissect::mac(mac)))
        }
        _ => {}
    }
    layer.finish(out)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    const A: Mac = Mac([0, 1, 2, 3, 4, 5]);
    const B: Mac = Mac([0, 1, 2, 3, 4, 6]);

    #[test]
    fn request_and_reply_parse_back() {
        let ip1 = Ipv4Addr::new(10, 0, 0, 1);
        let ip2 = Ipv4Addr::new(10, 0, 0, 2);
        let req = request(A, ip1, ip2);
        let eth = ethernet::parse(&req).unwrap();
        assert_eq!(eth.dst_addr, BROADCAST);
        let arp = parse(&req[14..]).unwrap();
        assert_eq!(arp, Arp { is_request: true, sender_mac: A, sender_ip: ip1, target_ip: ip2 });
        let rep = reply(B, ip2, A, ip1);
        assert_eq!(ethernet::parse(&rep).unwrap().dst_addr, A);
        assert!(!parse(&rep[14..]).unwrap().is_request);
        assert!(parse(&[1, 2, 3]).is_none());
    }

    #[test]
    fn the_dissector_table_matches_smoltcp() {
        use dissect::testing::{assert_contiguous, one};
        assert_contiguous(
            &[
                ("hardware type", field::HARDWARE_TYPE),
                ("protocol type", field::PROTOCOL_TYPE),
                ("hardware len", one(field::HARDWARE_LEN)),
                ("protocol len", one(field::PROTOCOL_LEN)),
                ("operation", field::OPERATION),
                ("sender mac", field::SENDER_MAC),
                ("sender ip", field::SENDER_IP),
                ("target mac", field::TARGET_MAC),
                ("target ip", field::TARGET_IP),
            ],
            28,
        );
        let f = reply(A, Ipv4Addr::new(10, 0, 0, 1), B, Ipv4Addr::new(10, 0, 0, 2));
        let p = &f[14..];
        let packet = ArpPacket::new_checked(p).unwrap();
        assert_eq!(dissect::u16_at(p, field::OPERATION), Some(u16::from(packet.operation())));
        assert_eq!(p[field::SENDER_MAC], *packet.source_hardware_addr());
        assert_eq!(p[field::SENDER_IP], *packet.source_protocol_addr());
        assert_eq!(p[field::TARGET_MAC], *packet.target_hardware_addr());
        assert_eq!(p[field::TARGET_IP], *packet.target_protocol_addr());
        assert_eq!(usize::from(packet.hardware_len()), field::SENDER_MAC.len());
        assert_eq!(usize::from(packet.protocol_len()), field::SENDER_IP.len());
    }

    #[test]
    fn entries_expire() {
        let mut c = ArpCache::new(Duration::from_secs(10));
        let ip = Ipv4Addr::new(10, 0, 0, 1);
        c.insert(ip, A, 0, Time::ZERO);
        assert!(c.lookup(ip, Time::ZERO + Duration::from_secs(9)).is_some());
        assert!(c.lookup(ip, Time::ZERO + Duration::from_secs(10)).is_none());
        assert_eq!(c.entries(Time::ZERO).count(), 1);
        assert!(c.refresh(ip, B, 0, Time::ZERO));
        assert_eq!(c.lookup(ip, Time::ZERO).unwrap().mac, B);
    }
}
