//! IPv6 headers (smoltcp's `Ipv6Packet`, RFC 8200) and what an IPv6 node
//! derives from addresses: prefixes, the modified EUI-64 interface
//! identifier of a MAC (RFC 4291 appendix A), link-local addresses,
//! solicited-node groups and the Ethernet address of a multicast group
//! (RFC 2464: 33:33 and the group's low 32 bits).

use std::net::Ipv6Addr;

use smoltcp::wire::{IpProtocol, Ipv6Packet, Ipv6Repr};

use super::dissect::{Dissected, Key, Layer, LayerBuilder, Next};
use super::Mac;

/// The IPv6 header, for the dissector: smoltcp's `Ipv6Packet` builds and
/// parses it.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    /// Version (4 bits), traffic class (8), flow label (20).
    pub const VERSION_CLASS_FLOW: Field = 0..4;
    pub const PAYLOAD_LEN: Field = 4..6;
    pub const NEXT_HEADER: usize = 6;
    pub const HOP_LIMIT: usize = 7;
    pub const SOURCE: Field = 8..24;
    pub const DESTINATION: Field = 24..40;
    pub const PAYLOAD: Rest = 40..;
}

pub const HEADER_LEN: usize = field::PAYLOAD.start;

/// Every IPv6 link's minimum MTU: ICMPv6 errors quote no more than fits in it.
pub const MIN_MTU: usize = 1280;

/// The all-nodes and all-routers link-local groups.
pub const ALL_NODES: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 1);
pub const ALL_ROUTERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 2);

/// The header fields the engine needs of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub src: Ipv6Addr,
    pub dst: Ipv6Addr,
    pub next_header: IpProtocol,
    pub hop_limit: u8,
    /// Bytes after the fixed header.
    pub payload_len: usize,
}

impl Header {
    /// The packet's whole length.
    pub fn total_len(&self) -> usize {
        HEADER_LEN + self.payload_len
    }
}

/// Parse a packet: version and length.
pub fn parse(bytes: &[u8]) -> Option<Header> {
    let p = Ipv6Packet::new_checked(bytes).ok()?;
    if p.version() != 6 {
        return None;
    }
    let r = Ipv6Repr::parse(&p).ok()?;
    Some(Header {
        src: r.src_addr,
        dst: r.dst_addr,
        next_header: r.next_header,
        hop_limit: r.hop_limit,
        payload_len: r.payload_len,
    })
}

/// Build a packet whose payload `fill` writes.
pub fn build(
    src: Ipv6Addr,
    dst: Ipv6Addr,
    next_header: IpProtocol,
    hop_limit: u8,
    payload_len: usize,
    fill: impl FnOnce(&mut [u8]),
) -> Vec<u8> {
    let repr = Ipv6Repr { src_addr: src, dst_addr: dst, next_header, payload_len, hop_limit };
    let mut bytes = vec![0u8; HEADER_LEN + payload_len];
    let mut p = Ipv6Packet::new_unchecked(&mut bytes[..]);
    repr.emit(&mut p);
    fill(p.payload_mut());
    bytes
}

/// Decrement the hop limit in place; returns the new value.
pub fn decrement_hop_limit(bytes: &mut [u8]) -> u8 {
    let mut p = Ipv6Packet::new_unchecked(bytes);
    let hops = p.hop_limit().saturating_sub(1);
    p.set_hop_limit(hops);
    hops
}

/// The bits of a prefix length as a 128-bit mask.
fn mask_bits(len: u8) -> u128 {
    if len == 0 {
        0
    } else {
        u128::MAX << (128 - u32::from(len.min(128)))
    }
}

/// The network address of `addr` under a prefix length.
pub fn network(addr: Ipv6Addr, len: u8) -> Ipv6Addr {
    Ipv6Addr::from(u128::from(addr) & mask_bits(len))
}

/// Is `addr` inside `prefix/len`?
pub fn contains(prefix: Ipv6Addr, len: u8, addr: Ipv6Addr) -> bool {
    network(addr, len) == network(prefix, len)
}

/// The modified EUI-64 interface identifier of a MAC: FFFE in the middle,
/// the universal/local bit flipped.
pub fn eui64(mac: Mac) -> [u8; 8] {
    let m = mac.0;
    [m[0] ^ 0x02, m[1], m[2], 0xff, 0xfe, m[3], m[4], m[5]]
}

/// The prefix's first 64 bits with an interface identifier after them.
pub fn with_interface_id(prefix: Ipv6Addr, id: [u8; 8]) -> Ipv6Addr {
    let mut o = prefix.octets();
    o[8..].copy_from_slice(&id);
    Ipv6Addr::from(o)
}

/// The link-local address a MAC gives an interface: FE80::/64 and its EUI-64.
pub fn link_local(mac: Mac) -> Ipv6Addr {
    with_interface_id(Ipv6Addr::new(0xfe80, 0, 0, 0, 0, 0, 0, 0), eui64(mac))
}

pub fn is_link_local(addr: Ipv6Addr) -> bool {
    addr.segments()[0] & 0xffc0 == 0xfe80
}

/// The solicited-node group of an address: FF02::1:FFxx:xxxx with its low 24 bits.
pub fn solicited_node(addr: Ipv6Addr) -> Ipv6Addr {
    let o = addr.octets();
    Ipv6Addr::from([0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01, 0xff, o[13], o[14], o[15]])
}

/// The Ethernet address a multicast group is sent to.
pub fn multicast_mac(group: Ipv6Addr) -> Mac {
    let o = group.octets();
    Mac([0x33, 0x33, o[12], o[13], o[14], o[15]])
}

/// What an IPv6 packet looks like to a filter (an `ipv6 access-list`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PacketInfo6 {
    pub src: Ipv6Addr,
    pub dst: Ipv6Addr,
    pub protocol: u8,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    pub icmp_type: Option<u8>,
    pub tcp_ack_or_rst: bool,
}

impl PacketInfo6 {
    /// Read the fields from a packet; `None` if it does not parse.
    pub fn of(packet: &[u8]) -> Option<PacketInfo6> {
        let h = parse(packet)?;
        let payload = packet.get(HEADER_LEN..h.total_len().min(packet.len())).unwrap_or(&[]);
        let protocol: u8 = h.next_header.into();
        let ports = (matches!(protocol, 6 | 17) && payload.len() >= 4)
            .then(|| (u16::from_be_bytes([payload[0], payload[1]]), u16::from_be_bytes([payload[2], payload[3]])));
        Some(PacketInfo6 {
            src: h.src,
            dst: h.dst,
            protocol,
            src_port: ports.map(|p| p.0),
            dst_port: ports.map(|p| p.1),
            icmp_type: (protocol == 58).then(|| payload.first().copied()).flatten(),
            tcp_ack_or_rst: protocol == 6 && payload.get(13).is_some_and(|f| f & 0x14 != 0),
        })
    }
}

/// Show an address as Wireshark does (lower case, compressed).
pub fn show(bytes: &[u8]) -> String {
    <[u8; 16]>::try_from(bytes).map(|o| Ipv6Addr::from(o).to_string()).unwrap_or_default()
}

/// Dissect an IPv6 header; the payload goes on by next header.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("IPv6", "IPv6", bytes, base);
    let first = layer.u32("Version", field::VERSION_CLASS_FLOW, |v| (v >> 28).to_string());
    layer.u32("Traffic Class", field::VERSION_CLASS_FLOW, |v| format!("0x{:02x}", (v >> 20) & 0xff));
    layer.u32("Flow Label", field::VERSION_CLASS_FLOW, |v| format!("0x{:05x}", v & 0xfffff));
    let payload_len = layer.u16("Payload Length", field::PAYLOAD_LEN, |n| n.to_string()).map(usize::from);
    let next = layer.byte("Next Header", field::NEXT_HEADER, |p| match IpProtocol::from(p) {
        IpProtocol::Unknown(p) => p.to_string(),
        known => format!("{known} ({p})"),
    });
    layer.byte("Hop Limit", field::HOP_LIMIT, |h| h.to_string());
    let src = layer.field("Source Address", field::SOURCE, show);
    let dst = layer.field("Destination Address", field::DESTINATION, show);
    if let (Some(src), Some(dst), Some(p)) = (src, dst, next) {
        layer.info(format!("{} → {} next header {p}", show(src), show(dst)));
    }
    let (Some(first), Some(payload_len), Some(next)) = (first, payload_len, next) else {
        layer.finish(out)?;
        return Ok(None);
    };
    if first >> 28 != 6 {
        layer.invalid("IP version is not 6");
    }
    layer.finish(out)?;
    Ok(Some(Next { key: Key::IpProtocol(next), payload: HEADER_LEN..HEADER_LEN + payload_len }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::dissect::testing::assert_contiguous;

    fn v6(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    #[test]
    fn the_field_table_covers_the_header() {
        assert_contiguous(
            &[
                ("version/class/flow", field::VERSION_CLASS_FLOW),
                ("payload length", field::PAYLOAD_LEN),
                ("next header", field::NEXT_HEADER..field::NEXT_HEADER + 1),
                ("hop limit", field::HOP_LIMIT..field::HOP_LIMIT + 1),
                ("source", field::SOURCE),
                ("destination", field::DESTINATION),
            ],
            HEADER_LEN,
        );
    }

    #[test]
    fn eui64_and_link_local_as_ios_derives_them() {
        // IOS: MAC 0050.3e8d.6400 gives FE80::250:3EFF:FE8D:6400.
        let mac = Mac([0x00, 0x50, 0x3e, 0x8d, 0x64, 0x00]);
        assert_eq!(link_local(mac), v6("fe80::250:3eff:fe8d:6400"));
        assert_eq!(with_interface_id(v6("2001:db8:acad:1::"), eui64(mac)), v6("2001:db8:acad:1:250:3eff:fe8d:6400"));
        assert!(is_link_local(link_local(mac)));
        assert!(!is_link_local(v6("2001:db8::1")));
    }

    #[test]
    fn groups_and_their_macs() {
        assert_eq!(solicited_node(v6("2001:db8::1:2:abcd:ef01")), v6("ff02::1:ffcd:ef01"));
        assert_eq!(multicast_mac(v6("ff02::1:ffcd:ef01")), Mac([0x33, 0x33, 0xff, 0xcd, 0xef, 0x01]));
        assert_eq!(multicast_mac(ALL_NODES), Mac([0x33, 0x33, 0, 0, 0, 1]));
    }

    #[test]
    fn prefixes() {
        assert_eq!(network(v6("2001:db8:acad:1::99"), 64), v6("2001:db8:acad:1::"));
        assert_eq!(network(v6("2001:db8::1"), 0), Ipv6Addr::UNSPECIFIED);
        assert!(contains(v6("2001:db8:acad::"), 48, v6("2001:db8:acad:ff::1")));
        assert!(!contains(v6("2001:db8:acad::"), 48, v6("2001:db8:acae::1")));
    }

    #[test]
    fn build_then_parse_and_dissect() {
        let p = build(v6("2001:db8::1"), v6("2001:db8::2"), IpProtocol::Icmpv6, 64, 4, |b| b.fill(7));
        let h = parse(&p).unwrap();
        assert_eq!(
            (h.src, h.dst, h.next_header, h.hop_limit, h.total_len()),
            (v6("2001:db8::1"), v6("2001:db8::2"), IpProtocol::Icmpv6, 64, 44)
        );
        let mut q = p.clone();
        assert_eq!(decrement_hop_limit(&mut q), 63);
        let mut layers = Vec::new();
        let next = dissect(&p, 0, &mut layers).unwrap().unwrap();
        assert_eq!(next.key, Key::IpProtocol(58));
        assert_eq!(layers[0].field("Hop Limit"), Some("64"));
        assert_eq!(layers[0].field("Source Address"), Some("2001:db8::1"));
    }
}
