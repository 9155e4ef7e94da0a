//! IPv4 headers (smoltcp's `Ipv4Packet`), masks and prefixes.

use std::net::Ipv4Addr;

use smoltcp::wire::{IpProtocol, Ipv4Packet, Ipv4Repr};

pub const HEADER_LEN: usize = 20;

/// The mask of a prefix length: 24 → 255.255.255.0.
pub fn mask_of(len: u8) -> Ipv4Addr {
    Ipv4Addr::from(mask_bits(len))
}

pub fn mask_bits(len: u8) -> u32 {
    if len == 0 {
        0
    } else {
        u32::MAX << (32 - u32::from(len.min(32)))
    }
}

/// The prefix length of a contiguous mask; `None` for 255.0.255.0.
pub fn prefix_len(mask: Ipv4Addr) -> Option<u8> {
    let bits = u32::from(mask);
    let len = bits.leading_ones();
    (bits.checked_shl(len).unwrap_or(0) == 0).then_some(len as u8)
}

/// The network address of `addr` under a prefix length.
pub fn network(addr: Ipv4Addr, len: u8) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(addr) & mask_bits(len))
}

pub fn broadcast(addr: Ipv4Addr, len: u8) -> Ipv4Addr {
    Ipv4Addr::from(u32::from(addr) | !mask_bits(len))
}

/// The classful prefix length (A /8, B /16, C /24) IOS still uses to group routes.
pub fn classful_len(addr: Ipv4Addr) -> u8 {
    match addr.octets()[0] {
        0..=127 => 8,
        128..=191 => 16,
        _ => 24,
    }
}

/// The Ethernet address an IPv4 multicast group is sent to: 01:00:5e and
/// the group's low 23 bits (RFC 1112).
pub fn multicast_mac(group: Ipv4Addr) -> super::Mac {
    let o = group.octets();
    super::Mac([0x01, 0x00, 0x5e, o[1] & 0x7f, o[2], o[3]])
}

/// What a packet looks like to a filter (an access list): addresses,
/// protocol, ports, ICMP type and TCP flags.
#[derive(Clone, Copy, Debug, Default)]
pub struct PacketInfo {
    pub src: Option<Ipv4Addr>,
    pub dst: Option<Ipv4Addr>,
    pub protocol: u8,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    pub icmp_type: Option<u8>,
    pub tcp_ack_or_rst: bool,
}

impl PacketInfo {
    /// Read the fields from an IPv4 packet (what does not parse stays empty).
    pub fn of(packet: &[u8]) -> PacketInfo {
        let Some(h) = parse(packet) else { return PacketInfo::default() };
        let payload = packet.get(h.header_len..h.total_len.min(packet.len())).unwrap_or(&[]);
        let ports = (payload.len() >= 4)
            .then(|| (u16::from_be_bytes([payload[0], payload[1]]), u16::from_be_bytes([payload[2], payload[3]])));
        let (src_port, dst_port) = match h.protocol {
            IpProtocol::Tcp | IpProtocol::Udp => (ports.map(|p| p.0), ports.map(|p| p.1)),
            _ => (None, None),
        };
        // TCP flags: ACK 0x10, RST 0x04, in the 14th byte of the header.
        let tcp_ack_or_rst = h.protocol == IpProtocol::Tcp && payload.get(13).is_some_and(|f| f & 0x14 != 0);
        PacketInfo {
            src: Some(h.src),
            dst: Some(h.dst),
            protocol: h.protocol.into(),
            src_port,
            dst_port,
            icmp_type: (h.protocol == IpProtocol::Icmp).then(|| payload.first().copied()).flatten(),
            tcp_ack_or_rst,
        }
    }
}

/// The header fields the engine needs of a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: IpProtocol,
    pub ttl: u8,
    pub header_len: usize,
    pub total_len: usize,
}

/// Parse and check a packet: version, lengths and header checksum.
pub fn parse(bytes: &[u8]) -> Option<Header> {
    let p = Ipv4Packet::new_checked(bytes).ok()?;
    if p.version() != 4 || !p.verify_checksum() {
        return None;
    }
    Some(Header {
        src: p.src_addr(),
        dst: p.dst_addr(),
        protocol: p.next_header(),
        ttl: p.hop_limit(),
        header_len: usize::from(p.header_len()),
        total_len: usize::from(p.total_len()),
    })
}

/// Build a packet whose payload `fill` writes.
pub fn build(
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: IpProtocol,
    ttl: u8,
    ident: u16,
    payload_len: usize,
    fill: impl FnOnce(&mut [u8]),
) -> Vec<u8> {
    let repr = Ipv4Repr { src_addr: src, dst_addr: dst, next_header: protocol, payload_len, hop_limit: ttl };
    let mut bytes = vec![0u8; HEADER_LEN + payload_len];
    let mut p = Ipv4Packet::new_unchecked(&mut bytes[..]);
    repr.emit(&mut p, &Default::default());
    p.set_ident(ident);
    p.set_dont_frag(false);
    fill(p.payload_mut());
    p.fill_checksum();
    bytes
}

/// Decrement the TTL in place; returns the new TTL.
pub fn decrement_ttl(bytes: &mut [u8]) -> u8 {
    let mut p = Ipv4Packet::new_unchecked(bytes);
    let ttl = p.hop_limit().saturating_sub(1);
    p.set_hop_limit(ttl);
    p.fill_checksum();
    ttl
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn masks() {
        assert_eq!(mask_of(24), Ipv4Addr::new(255, 255, 255, 0));
        assert_eq!(mask_of(0), Ipv4Addr::new(0, 0, 0, 0));
        assert_eq!(mask_of(32), Ipv4Addr::new(255, 255, 255, 255));
        assert_eq!(prefix_len(Ipv4Addr::new(255, 255, 255, 252)), Some(30));
        assert_eq!(prefix_len(Ipv4Addr::new(0, 0, 0, 0)), Some(0));
        assert_eq!(prefix_len(Ipv4Addr::new(255, 255, 255, 255)), Some(32));
        assert_eq!(prefix_len(Ipv4Addr::new(255, 0, 255, 0)), None);
        assert_eq!(network(Ipv4Addr::new(10, 1, 2, 3), 16), Ipv4Addr::new(10, 1, 0, 0));
        assert_eq!(broadcast(Ipv4Addr::new(10, 1, 2, 3), 24), Ipv4Addr::new(10, 1, 2, 255));
        assert_eq!(classful_len(Ipv4Addr::new(172, 16, 0, 1)), 16);
    }

    #[test]
    fn build_parse_and_ttl() {
        let mut p = build(Ipv4Addr::new(1, 2, 3, 4), Ipv4Addr::new(5, 6, 7, 8), IpProtocol::Udp, 64, 9, 4, |b| {
            b.copy_from_slice(&[1, 2, 3, 4])
        });
        let h = parse(&p).unwrap();
        assert_eq!((h.ttl, h.total_len, h.header_len), (64, 24, 20));
        assert_eq!(decrement_ttl(&mut p), 63);
        assert_eq!(parse(&p).unwrap().ttl, 63, "checksum still valid");
        p[8] = 1; // corrupt the TTL without fixing the checksum
        assert!(parse(&p).is_none());
    }
}
