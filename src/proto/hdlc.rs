//! Cisco HDLC, the default encapsulation of IOS serial interfaces: a 4-byte
//! header (address, control, protocol) and no address resolution.

use super::dissect::{u16_at, Dissected, Key, Layer, LayerBuilder, Next};

mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    /// Unicast or broadcast (the high bit): a serial link has one other end.
    pub const ADDRESS: usize = 0;
    pub const CONTROL: usize = 1;
    /// What the payload is, as an EtherType.
    pub const PROTOCOL: Field = 2..4;
    pub const PAYLOAD: Rest = 4..;
}

/// Unicast address byte.
pub const ADDRESS_UNICAST: u8 = 0x0f;
/// Broadcast address byte: the unicast one with the high bit set.
pub const ADDRESS_BROADCAST: u8 = ADDRESS_UNICAST | BROADCAST_BIT;
const BROADCAST_BIT: u8 = 0x80;
pub const HEADER_LEN: usize = field::PAYLOAD.start;
pub const PROTOCOL_IPV4: u16 = 0x0800;
pub const PROTOCOL_IPV6: u16 = 0x86dd;

/// A Cisco HDLC header.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Header {
    pub address: u8,
    pub control: u8,
    pub protocol: u16,
}

impl Header {
    /// The header at the start of a frame, whatever its address byte says.
    pub fn parse(frame: &[u8]) -> Option<Self> {
        Some(Header {
            address: *frame.get(field::ADDRESS)?,
            control: *frame.get(field::CONTROL)?,
            protocol: u16_at(frame, field::PROTOCOL)?,
        })
    }

    /// Write the header into `buf` (at least [`HEADER_LEN`] long).
    pub fn emit(&self, buf: &mut [u8]) {
        buf[field::ADDRESS] = self.address;
        buf[field::CONTROL] = self.control;
        buf[field::PROTOCOL].copy_from_slice(&self.protocol.to_be_bytes());
    }
}

/// Wrap an IPv4 packet in a Cisco HDLC frame.
pub fn encapsulate_ipv4(packet: &[u8]) -> Vec<u8> {
    encapsulate(PROTOCOL_IPV4, packet)
}

/// Wrap a packet of a protocol (an EtherType) in a Cisco HDLC frame.
pub fn encapsulate(protocol: u16, packet: &[u8]) -> Vec<u8> {
    let mut f = vec![0u8; HEADER_LEN + packet.len()];
    Header { address: ADDRESS_UNICAST, control: 0, protocol }.emit(&mut f);
    f[field::PAYLOAD].copy_from_slice(packet);
    f
}

/// The protocol and payload of a Cisco HDLC frame.
pub fn parse(frame: &[u8]) -> Option<(u16, &[u8])> {
    let header = Header::parse(frame)?;
    // Unicast and broadcast alike: the high bit is the only difference.
    if header.address & !BROADCAST_BIT != ADDRESS_UNICAST {
        return None;
    }
    Some((header.protocol, frame.get(field::PAYLOAD)?))
}

/// Dissect a Cisco HDLC header; the payload goes on by its EtherType.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Cisco HDLC", "HDLC", bytes, base);
    layer.byte("Address", field::ADDRESS, |a| match a {
        ADDRESS_UNICAST => "0x0f (Unicast)".to_string(),
        ADDRESS_BROADCAST => "0x8f (Broadcast)".to_string(),
        a => format!("0x{a:02x}"),
    });
    layer.byte("Control", field::CONTROL, |c| format!("0x{c:02x}"));
    let protocol = layer.u16("Protocol", field::PROTOCOL, super::ethernet::ethertype_text);
    layer.finish(out)?;
    Ok(protocol.map(|p| Next { key: Key::EtherType(p), payload: field::PAYLOAD.start..bytes.len() }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let f = encapsulate_ipv4(&[0x45, 1, 2]);
        assert_eq!(f, [0x0f, 0, 0x08, 0, 0x45, 1, 2]);
        assert_eq!(parse(&f), Some((PROTOCOL_IPV4, &[0x45, 1, 2][..])));
        assert_eq!(parse(&[0x0f, 0]), None);
        assert_eq!(parse(&[0x00, 0, 8, 0]), None);
    }

    #[test]
    fn header_table_and_repr() {
        use crate::proto::dissect::testing::{assert_contiguous, one};
        assert_contiguous(
            &[("address", one(field::ADDRESS)), ("control", one(field::CONTROL)), ("protocol", field::PROTOCOL)],
            HEADER_LEN,
        );
        let h = Header { address: ADDRESS_BROADCAST, control: 0, protocol: 0x8035 };
        let mut buf = [0u8; HEADER_LEN];
        h.emit(&mut buf);
        assert_eq!(buf, [0x8f, 0, 0x80, 0x35]);
        assert_eq!(Header::parse(&buf), Some(h));
        assert_eq!(parse(&buf), Some((0x8035, &[][..])), "broadcasts are accepted");
    }

    #[test]
    fn dissect_a_ping_over_a_serial_link() {
        use crate::proto::dissect::{dissect, summary, testing::*, LinkType, TRAILER};
        use crate::proto::{icmp, ipv4};
        use std::net::Ipv4Addr;
        let mut echo = vec![0u8; icmp::echo_len(8)];
        icmp::emit_echo(&mut echo, true, 1, 2, &[7; 8]);
        let packet = ipv4::build(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 0, 0, 2),
            smoltcp::wire::IpProtocol::Icmp,
            255,
            1,
            echo.len(),
            |p| p.copy_from_slice(&echo),
        );
        let f = encapsulate_ipv4(&packet);
        let layers = dissect(&f, LinkType::CiscoHdlc);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Cisco HDLC", "IPv4", "ICMP"]);
        assert_eq!(layers[0].range, 0..4);
        assert_eq!(layers[0].field("Address"), Some("0x0f (Unicast)"));
        assert_eq!(layers[0].field("Protocol"), Some("IPv4 (0x0800)"));
        assert_eq!(summary(&f, LinkType::CiscoHdlc), "ICMP Echo (ping) reply id=1 seq=2");
        assert_every_truncation_dissects(&f, LinkType::CiscoHdlc);
        let mut trailing = f.clone();
        trailing.push(0);
        assert_eq!(dissect(&trailing, LinkType::CiscoHdlc).last().map(|l| l.name), Some(TRAILER));
    }
}
