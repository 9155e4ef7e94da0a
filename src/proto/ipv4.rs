//! IPv4 headers (smoltcp's `Ipv4Packet`), masks and prefixes.

use std::net::Ipv4Addr;

use smoltcp::wire::{checksum, IpProtocol, Ipv4Packet, Ipv4Repr};

use super::dissect::{self, Dissected, Key, Layer, LayerBuilder, Next};

/// The IPv4 header, for the dissector: smoltcp's `Ipv4Packet` builds and
/// parses it.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    /// Version (high nibble) and header length in words (low nibble).
    pub const VERSION_AND_LENGTH: usize = 0;
    pub const DSCP_ECN: usize = 1;
    pub const TOTAL_LEN: Field = 2..4;
    pub const IDENT: Field = 4..6;
    /// Flags (high 3 bits) and fragment offset in 8-byte units.
    pub const FLAGS_AND_OFFSET: Field = 6..8;
    pub const TTL: usize = 8;
    pub const PROTOCOL: usize = 9;
    pub const CHECKSUM: Field = 10..12;
    pub const SOURCE: Field = 12..16;
    pub const DESTINATION: Field = 16..20;
    /// Options, up to the header length.
    pub const OPTIONS: Rest = 20..;
}

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

/// Dissect an IPv4 header; the payload goes on by protocol number.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("IPv4", "IPv4", bytes, base);
    let version = layer.byte("Version", field::VERSION_AND_LENGTH, |b| (b >> 4).to_string()).map(|b| b >> 4);
    let header_len = layer
        .byte("Header Length", field::VERSION_AND_LENGTH, |b| {
            format!("{} bytes ({})", usize::from(b & 0x0f) * 4, b & 0x0f)
        })
        .map(|b| usize::from(b & 0x0f) * 4);
    layer.byte("Differentiated Services", field::DSCP_ECN, |b| format!("0x{b:02x}"));
    let total_len = layer.u16("Total Length", field::TOTAL_LEN, |n| n.to_string()).map(usize::from);
    layer.u16("Identification", field::IDENT, |id| format!("0x{id:04x} ({id})"));
    layer.u16("Flags", field::FLAGS_AND_OFFSET, |f| {
        let names = dissect::flag_names(u32::from(f), &[(0x4000, "Don't fragment"), (0x2000, "More fragments")]);
        format!("0x{:x} ({names})", f >> 13)
    });
    layer.u16("Fragment Offset", field::FLAGS_AND_OFFSET, |f| (usize::from(f & 0x1fff) * 8).to_string());
    layer.byte("Time to Live", field::TTL, |ttl| ttl.to_string());
    let protocol = layer.byte("Protocol", field::PROTOCOL, |p| match IpProtocol::from(p) {
        IpProtocol::Unknown(p) => p.to_string(),
        known => format!("{known} ({p})"),
    });
    let header = header_len.and_then(|len| bytes.get(..len));
    layer.u16("Header Checksum", field::CHECKSUM, |sum| match header {
        Some(header) if checksum::data(header) == !0 => format!("0x{sum:04x} [correct]"),
        Some(_) => format!("0x{sum:04x} [incorrect]"),
        None => format!("0x{sum:04x}"),
    });
    let src = layer.field("Source Address", field::SOURCE, dissect::ipv4);
    let dst = layer.field("Destination Address", field::DESTINATION, dissect::ipv4);
    if let Some(len) = header_len.filter(|&len| len > field::OPTIONS.start) {
        layer.field("Options", field::OPTIONS.start..len, dissect::preview);
    }
    if let (Some(src), Some(dst), Some(p)) = (src, dst, protocol) {
        layer.info(format!("{} → {} protocol {p}", dissect::ipv4(src), dissect::ipv4(dst)));
    }
    let (Some(version), Some(header_len), Some(total_len), Some(protocol)) = (version, header_len, total_len, protocol)
    else {
        layer.finish(out)?;
        return Ok(None);
    };
    if version != 4 {
        layer.invalid("IP version is not 4");
    } else if header_len < HEADER_LEN {
        layer.invalid("header length under 20 bytes");
    } else if total_len < header_len {
        layer.invalid("total length under the header length");
    }
    layer.finish(out)?;
    Ok(Some(Next { key: Key::IpProtocol(protocol), payload: header_len..total_len }))
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

    #[test]
    fn the_dissector_table_matches_smoltcp() {
        use dissect::testing::{assert_contiguous, one};
        assert_contiguous(
            &[
                ("version and length", one(field::VERSION_AND_LENGTH)),
                ("dscp", one(field::DSCP_ECN)),
                ("total len", field::TOTAL_LEN),
                ("ident", field::IDENT),
                ("flags", field::FLAGS_AND_OFFSET),
                ("ttl", one(field::TTL)),
                ("protocol", one(field::PROTOCOL)),
                ("checksum", field::CHECKSUM),
                ("source", field::SOURCE),
                ("destination", field::DESTINATION),
            ],
            field::OPTIONS.start,
        );
        assert_eq!(field::OPTIONS.start, HEADER_LEN);
        let b = build(Ipv4Addr::new(1, 2, 3, 4), Ipv4Addr::new(5, 6, 7, 8), IpProtocol::Udp, 64, 9, 4, |_| {});
        let p = Ipv4Packet::new_checked(&b[..]).unwrap();
        assert_eq!(dissect::u16_at(&b, field::TOTAL_LEN), Some(p.total_len()));
        assert_eq!(dissect::u16_at(&b, field::IDENT), Some(p.ident()));
        assert_eq!(dissect::u16_at(&b, field::CHECKSUM), Some(p.checksum()));
        assert_eq!((b[field::TTL], b[field::PROTOCOL]), (p.hop_limit(), u8::from(p.next_header())));
        assert_eq!(dissect::ipv4_at(&b, field::SOURCE), Some(p.src_addr()));
        assert_eq!(dissect::ipv4_at(&b, field::DESTINATION), Some(p.dst_addr()));
    }
}
