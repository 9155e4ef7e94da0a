//! Ethernet II framing (smoltcp's `EthernetFrame`), MAC addresses and the way
//! Cisco prints them (`0060.5c2b.1a01`).

use smoltcp::wire::{EthernetFrame, EthernetProtocol, EthernetRepr};

use super::dissect::{self, mac, u16_at, Dissected, Key, Layer, LayerBuilder, Next};

pub use smoltcp::wire::EthernetAddress as Mac;

/// The Ethernet header. smoltcp builds and parses Ethernet II frames; this
/// table serves the dissector and the IEEE 802.3 framing written here, whose
/// length field (where Ethernet II has its EtherType) smoltcp does not model.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const DESTINATION: Field = 0..6;
    pub const SOURCE: Field = 6..12;
    /// An EtherType (from 0x0600 up), or an 802.3 payload length (up to 1500).
    pub const TYPE_OR_LENGTH: Field = 12..14;
    pub const PAYLOAD: Rest = 14..;
}

pub const HEADER_LEN: usize = field::PAYLOAD.start;
/// The largest IEEE 802.3 length; a type-or-length value above it is an EtherType.
pub const MAX_LENGTH: u16 = 1500;
/// Frames shorter than this (without FCS) are padded, as every NIC does.
pub const MIN_FRAME_LEN: usize = 60;
pub const BROADCAST: Mac = Mac([0xff; 6]);

/// `0060.5c2b.1a01`
pub fn cisco_format(mac: Mac) -> String {
    let b = mac.0;
    format!("{:02x}{:02x}.{:02x}{:02x}.{:02x}{:02x}", b[0], b[1], b[2], b[3], b[4], b[5])
}

/// `00-60-5C-2B-1A-01`, as Windows prints a physical address.
pub fn windows_format(mac: Mac) -> String {
    let b = mac.0;
    format!("{:02X}-{:02X}-{:02X}-{:02X}-{:02X}-{:02X}", b[0], b[1], b[2], b[3], b[4], b[5])
}

/// Parse `H.H.H` (Cisco) notation.
pub fn parse_cisco(text: &str) -> Option<Mac> {
    let groups: Vec<&str> = text.split('.').collect();
    if groups.len() != 3 || groups.iter().any(|g| g.is_empty() || g.len() > 4) {
        return None;
    }
    let mut b = [0u8; 6];
    for (i, g) in groups.iter().enumerate() {
        let v = u16::from_str_radix(g, 16).ok()?;
        b[i * 2..i * 2 + 2].copy_from_slice(&v.to_be_bytes());
    }
    Some(Mac(b))
}

/// An IEEE 802.3 frame carrying LLC/SNAP with Cisco's OUI and protocol id
/// `pid` (CDP 0x2000, DTP 0x2004, PAgP 0x0104), padded to the minimum.
pub fn cisco_snap_frame(dst: Mac, src: Mac, pid: u16, pdu: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity((HEADER_LEN + 8 + pdu.len()).max(MIN_FRAME_LEN));
    f.extend_from_slice(&dst.0);
    f.extend_from_slice(&src.0);
    f.extend_from_slice(&((pdu.len() + 8) as u16).to_be_bytes());
    f.extend_from_slice(&[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c]);
    f.extend_from_slice(&pid.to_be_bytes());
    f.extend_from_slice(pdu);
    if f.len() < MIN_FRAME_LEN {
        f.resize(MIN_FRAME_LEN, 0);
    }
    f
}

/// The PDU of a Cisco SNAP frame to `dst` with protocol id `pid` (padding
/// cut off by the 802.3 length), or `None` if the frame is something else.
pub fn cisco_snap_payload(frame: &[u8], dst: Mac, pid: u16) -> Option<&[u8]> {
    let [p0, p1] = pid.to_be_bytes();
    if frame.len() < HEADER_LEN + 8
        || frame[..6] != dst.0
        || frame[14..22] != [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, p0, p1]
    {
        return None;
    }
    let len = usize::from(u16::from_be_bytes([frame[12], frame[13]])).checked_sub(8)?;
    frame.get(22..22 + len)
}

/// Build an Ethernet II frame around a payload that `fill` writes, padded to the
/// 60-byte minimum.
pub fn build(
    dst: Mac,
    src: Mac,
    ethertype: EthernetProtocol,
    payload_len: usize,
    fill: impl FnOnce(&mut [u8]),
) -> Vec<u8> {
    let len = (HEADER_LEN + payload_len).max(MIN_FRAME_LEN);
    let mut bytes = vec![0u8; len];
    let mut frame = EthernetFrame::new_unchecked(&mut bytes[..]);
    EthernetRepr { src_addr: src, dst_addr: dst, ethertype }.emit(&mut frame);
    fill(&mut frame.payload_mut()[..payload_len]);
    bytes
}

/// The header fields of a frame, or `None` if it is too short to be one.
pub fn parse(frame: &[u8]) -> Option<EthernetRepr> {
    let f = EthernetFrame::new_checked(frame).ok()?;
    EthernetRepr::parse(&f).ok()
}

/// Rewrite the addresses of a frame in place (a router forwarding a packet).
pub fn set_addresses(frame: &mut [u8], dst: Mac, src: Mac) {
    frame[field::DESTINATION].copy_from_slice(&dst.0);
    frame[field::SOURCE].copy_from_slice(&src.0);
}

/// Dissect the Ethernet header: an Ethernet II frame hands its payload on by
/// EtherType, an IEEE 802.3 frame (a length instead) to its LLC header, and a
/// tagged frame to the 802.1Q tag, which starts where the EtherType would.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Ethernet II", "Ethernet", bytes, base);
    let dst = layer.field("Destination", field::DESTINATION, mac);
    let src = layer.field("Source", field::SOURCE, mac);
    if let (Some(dst), Some(src)) = (dst, src) {
        layer.info(format!("{} → {}", mac(src), mac(dst)));
    }
    let next = type_or_length(&mut layer, field::TYPE_OR_LENGTH);
    if next.as_ref().is_some_and(|n| n.key == Key::Llc) {
        layer.rename("IEEE 802.3 Ethernet");
    }
    layer.finish(out)?;
    Ok(next)
}

/// The type-or-length field that ends an Ethernet header (or an 802.1Q tag),
/// shown in `layer`, and what follows it. A TPID is not shown: it is the
/// first field of the tag that starts there.
pub(super) fn type_or_length(layer: &mut LayerBuilder, at: dissect::Field) -> Option<Next> {
    let rest = layer.bytes().len();
    match u16_at(layer.bytes(), at.clone()) {
        Some(super::dot1q::TPID) => Some(Next { key: Key::EtherType(super::dot1q::TPID), payload: at.start..rest }),
        Some(len) if len <= MAX_LENGTH => {
            layer.u16("Length", at.clone(), |len| len.to_string());
            Some(Next { key: Key::Llc, payload: at.end..at.end + usize::from(len) })
        }
        Some(ethertype) => {
            layer.u16("Type", at.clone(), ethertype_text);
            Some(Next { key: Key::EtherType(ethertype), payload: at.end..rest })
        }
        None => {
            layer.field("Type", at, dissect::hex);
            None
        }
    }
}

/// `IPv4 (0x0800)`: an EtherType with its protocol's name where known.
pub(super) fn ethertype_text(ethertype: u16) -> String {
    let name = match ethertype {
        super::dot1q::TPID => "802.1Q",
        super::lacp::ETHERTYPE => "Slow Protocols",
        super::lldp::ETHERTYPE => "LLDP",
        _ => match EthernetProtocol::from(ethertype) {
            EthernetProtocol::Ipv4 => "IPv4",
            EthernetProtocol::Arp => "ARP",
            EthernetProtocol::Ipv6 => "IPv6",
            EthernetProtocol::Unknown(_) => return format!("0x{ethertype:04x}"),
        },
    };
    format!("{name} (0x{ethertype:04x})")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cisco_notation_round_trips() {
        let m = Mac([0x00, 0x60, 0x5c, 0x2b, 0x1a, 0x01]);
        assert_eq!(cisco_format(m), "0060.5c2b.1a01");
        assert_eq!(windows_format(m), "00-60-5C-2B-1A-01");
        assert_eq!(parse_cisco("0060.5c2b.1a01"), Some(m));
        assert_eq!(parse_cisco("60.5c2b.1a01"), Some(Mac([0, 0x60, 0x5c, 0x2b, 0x1a, 1])));
        assert_eq!(parse_cisco("0060.5c2b"), None);
        assert_eq!(parse_cisco("0060.5c2b.zz01"), None);
    }

    #[test]
    fn short_frames_are_padded() {
        let f = build(BROADCAST, Mac([2, 0, 0, 0, 0, 1]), EthernetProtocol::Arp, 28, |p| p.fill(7));
        assert_eq!(f.len(), MIN_FRAME_LEN);
        let repr = parse(&f).unwrap();
        assert_eq!(repr.ethertype, EthernetProtocol::Arp);
        assert_eq!(repr.dst_addr, BROADCAST);
        assert_eq!(&f[14..42], &[7; 28]);
        assert!(f[42..].iter().all(|&b| b == 0));
    }

    #[test]
    fn the_header_table_matches_smoltcp() {
        dissect::testing::assert_contiguous(
            &[("destination", field::DESTINATION), ("source", field::SOURCE), ("type", field::TYPE_OR_LENGTH)],
            HEADER_LEN,
        );
        let f = build(BROADCAST, Mac([2, 0, 0, 0, 0, 1]), EthernetProtocol::Arp, 28, |_| {});
        let frame = EthernetFrame::new_checked(&f[..]).unwrap();
        assert_eq!(dissect::mac_at(&f, field::DESTINATION), Some(frame.dst_addr()));
        assert_eq!(dissect::mac_at(&f, field::SOURCE), Some(frame.src_addr()));
        assert_eq!(u16_at(&f, field::TYPE_OR_LENGTH), Some(u16::from(frame.ethertype())));
        let mut g = f.clone();
        set_addresses(&mut g, Mac([2, 0, 0, 0, 0, 1]), BROADCAST);
        assert_eq!((&g[..6], &g[6..12], &g[12..]), (&f[6..12], &f[..6], &f[12..]));
    }
}
