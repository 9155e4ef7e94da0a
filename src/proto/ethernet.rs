//! Ethernet II framing (smoltcp's `EthernetFrame`), IEEE 802.3 framing with
//! an 802.2 LLC header and SNAP (spanning tree, Cisco's CDP, DTP, PAgP and
//! PVST+), MAC addresses and the way Cisco prints them (`0060.5c2b.1a01`).

use smoltcp::wire::{EthernetFrame, EthernetProtocol, EthernetRepr};

use super::dissect::{self, mac, u16_at, Dissected, Key, Layer, LayerBuilder, Next};

pub use smoltcp::wire::EthernetAddress as Mac;

/// The Ethernet header. smoltcp builds and parses Ethernet II frames; this
/// table serves the dissector and the IEEE 802.3 framing written here, whose
/// length field (where Ethernet II has its EtherType) smoltcp does not model.
pub(super) mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const DESTINATION: Field = 0..6;
    pub const SOURCE: Field = 6..12;
    /// An EtherType (from 0x0600 up), or an 802.3 payload length (up to 1500).
    pub const TYPE_OR_LENGTH: Field = 12..14;
    pub const PAYLOAD: Rest = 14..;
}

/// The IEEE 802.2 LLC header that opens an 802.3 frame's payload, and the
/// SNAP extension that follows it when both service access points are 0xaa.
/// Offsets from the start of the LLC header.
mod llc_field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    /// Destination and source service access points: which protocol is inside.
    pub const DSAP: usize = 0;
    pub const SSAP: usize = 1;
    /// Always unnumbered information (0x03) here: connectionless, one byte.
    pub const CONTROL: usize = 2;
    pub const LLC_PAYLOAD: Rest = 3..;
    /// SNAP: the organisation that defines the protocol, and its protocol id.
    pub const OUI: Field = 3..6;
    pub const PID: Field = 6..8;
    pub const SNAP_PAYLOAD: Rest = 8..;
}

pub const HEADER_LEN: usize = field::PAYLOAD.start;
/// The largest IEEE 802.3 length; a type-or-length value above it is an EtherType.
pub const MAX_LENGTH: u16 = 1500;
/// The service access point that announces a SNAP extension.
pub const SNAP_SAP: u8 = 0xaa;
/// LLC control: unnumbered information.
pub const LLC_UI: u8 = 0x03;
pub const CISCO_OUI: [u8; 3] = [0x00, 0x00, 0x0c];
/// LLC and SNAP together.
pub const SNAP_HEADER_LEN: usize = llc_field::SNAP_PAYLOAD.start;
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
    let llc = Llc::cisco_snap(pid);
    frame_802_3(dst, src, llc.header_len() + pdu.len(), |payload| {
        llc.emit(payload);
        payload[llc_field::SNAP_PAYLOAD].copy_from_slice(pdu);
    })
}

/// An IEEE 802.3 frame carrying an LLC PDU for service access point `sap`
/// (unnumbered information), padded to the minimum.
pub fn llc_frame(dst: Mac, src: Mac, sap: u8, pdu: &[u8]) -> Vec<u8> {
    let llc = Llc { dsap: sap, ssap: sap, control: LLC_UI, snap: None };
    frame_802_3(dst, src, llc.header_len() + pdu.len(), |payload| {
        llc.emit(payload);
        payload[llc_field::LLC_PAYLOAD].copy_from_slice(pdu);
    })
}

/// An IEEE 802.3 frame: the addresses, the payload's length where Ethernet II
/// has its EtherType, and a payload that `fill` writes; padded to the minimum.
fn frame_802_3(dst: Mac, src: Mac, payload_len: usize, fill: impl FnOnce(&mut [u8])) -> Vec<u8> {
    let mut f = vec![0u8; (HEADER_LEN + payload_len).max(MIN_FRAME_LEN)];
    f[field::DESTINATION].copy_from_slice(&dst.0);
    f[field::SOURCE].copy_from_slice(&src.0);
    f[field::TYPE_OR_LENGTH].copy_from_slice(&(payload_len as u16).to_be_bytes());
    fill(&mut f[HEADER_LEN..HEADER_LEN + payload_len]);
    f
}

/// The PDU of an 802.3 LLC frame to `dst` for service access point `sap`
/// (padding cut off by the 802.3 length), or `None` if the frame is something else.
pub fn llc_payload(frame: &[u8], dst: Mac, sap: u8) -> Option<&[u8]> {
    if frame.get(field::DESTINATION)? != dst.0 {
        return None;
    }
    let payload = frame.get(field::PAYLOAD)?;
    let llc = Llc::parse(payload)?;
    if (llc.dsap, llc.ssap, llc.control, llc.snap) != (sap, sap, LLC_UI, None) {
        return None;
    }
    let len = usize::from(u16_at(frame, field::TYPE_OR_LENGTH)?).min(payload.len());
    payload.get(llc_field::LLC_PAYLOAD.start..len)
}

/// The PDU of a Cisco SNAP frame to `dst` with protocol id `pid` (padding
/// cut off by the 802.3 length), or `None` if the frame is something else.
pub fn cisco_snap_payload(frame: &[u8], dst: Mac, pid: u16) -> Option<&[u8]> {
    if frame.len() < HEADER_LEN + SNAP_HEADER_LEN || frame.get(field::DESTINATION)? != dst.0 {
        return None;
    }
    let payload = frame.get(field::PAYLOAD)?;
    if Llc::parse(payload)? != Llc::cisco_snap(pid) {
        return None;
    }
    let len = usize::from(u16_at(frame, field::TYPE_OR_LENGTH)?).checked_sub(SNAP_HEADER_LEN)?;
    payload.get(llc_field::SNAP_PAYLOAD.start..llc_field::SNAP_PAYLOAD.start + len)
}

/// An IEEE 802.2 LLC header, with its SNAP extension when both service
/// access points are [`SNAP_SAP`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Llc {
    pub dsap: u8,
    pub ssap: u8,
    pub control: u8,
    pub snap: Option<Snap>,
}

/// A SNAP extension: which organisation defines the protocol, and its id.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Snap {
    pub oui: [u8; 3],
    pub pid: u16,
}

impl Llc {
    /// The header of Cisco's SNAP protocols (CDP, DTP, PAgP, PVST+).
    pub fn cisco_snap(pid: u16) -> Self {
        Llc { dsap: SNAP_SAP, ssap: SNAP_SAP, control: LLC_UI, snap: Some(Snap { oui: CISCO_OUI, pid }) }
    }

    /// The header at the start of an 802.3 payload, or `None` if it is cut short.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        let dsap = *bytes.get(llc_field::DSAP)?;
        let ssap = *bytes.get(llc_field::SSAP)?;
        let control = *bytes.get(llc_field::CONTROL)?;
        let snap = if dsap == SNAP_SAP && ssap == SNAP_SAP {
            Some(Snap { oui: bytes.get(llc_field::OUI)?.try_into().ok()?, pid: u16_at(bytes, llc_field::PID)? })
        } else {
            None
        };
        Some(Llc { dsap, ssap, control, snap })
    }

    pub fn header_len(&self) -> usize {
        match self.snap {
            Some(_) => llc_field::SNAP_PAYLOAD.start,
            None => llc_field::LLC_PAYLOAD.start,
        }
    }

    /// Write the header at the start of `buf` (at least `header_len()` long).
    pub fn emit(&self, buf: &mut [u8]) {
        buf[llc_field::DSAP] = self.dsap;
        buf[llc_field::SSAP] = self.ssap;
        buf[llc_field::CONTROL] = self.control;
        if let Some(snap) = self.snap {
            buf[llc_field::OUI].copy_from_slice(&snap.oui);
            buf[llc_field::PID].copy_from_slice(&snap.pid.to_be_bytes());
        }
    }
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

/// Dissect an 802.2 LLC header (and its SNAP extension): the payload goes on
/// by SNAP organisation and protocol id, or else by service access point.
pub fn dissect_llc(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Logical-Link Control", "LLC", bytes, base);
    let dsap = layer.byte("DSAP", llc_field::DSAP, sap_text);
    let ssap = layer.byte("SSAP", llc_field::SSAP, sap_text);
    let control = layer.byte("Control", llc_field::CONTROL, |c| match c {
        LLC_UI => "0x03 (Unnumbered Information)".to_string(),
        c => format!("0x{c:02x}"),
    });
    let next = match (dsap, ssap, control) {
        (Some(SNAP_SAP), Some(SNAP_SAP), Some(_)) => {
            let oui = layer.field("Organization Code", llc_field::OUI, |oui| match oui {
                [0x00, 0x00, 0x0c] => "Cisco (0x00000c)".to_string(),
                oui => dissect::hex(oui),
            });
            let pid = layer.u16("PID", llc_field::PID, pid_text);
            match (oui.and_then(|oui| <[u8; 3]>::try_from(oui).ok()), pid) {
                (Some(oui), Some(pid)) => {
                    layer.info(format!("SNAP {}", pid_text(pid)));
                    Some(Next { key: Key::Snap { oui, pid }, payload: llc_field::SNAP_PAYLOAD.start..bytes.len() })
                }
                _ => None,
            }
        }
        (Some(dsap), Some(ssap), Some(_)) => {
            layer.info(format!("DSAP {} SSAP {}", sap_text(dsap), sap_text(ssap)));
            Some(Next { key: Key::LlcSap(dsap), payload: llc_field::LLC_PAYLOAD.start..bytes.len() })
        }
        _ => None,
    };
    layer.finish(out)?;
    Ok(next)
}

fn sap_text(sap: u8) -> String {
    match sap {
        super::stp::LLC_SAP => "Spanning Tree BPDU (0x42)".to_string(),
        SNAP_SAP => "SNAP (0xaa)".to_string(),
        sap => format!("0x{sap:02x}"),
    }
}

/// `CDP (0x2000)`: a Cisco SNAP protocol id with its protocol's name where known.
fn pid_text(pid: u16) -> String {
    let name = match pid {
        super::cdp::PID => "CDP",
        super::dtp::PID => "DTP",
        super::pagp::PID => "PAgP",
        super::stp::PVST_PID => "PVST+",
        _ => return format!("0x{pid:04x}"),
    };
    format!("{name} (0x{pid:04x})")
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
    fn llc_and_snap_tables_are_contiguous() {
        use dissect::testing::{assert_contiguous, one};
        let llc =
            [("dsap", one(llc_field::DSAP)), ("ssap", one(llc_field::SSAP)), ("control", one(llc_field::CONTROL))];
        assert_contiguous(&llc, llc_field::LLC_PAYLOAD.start);
        assert_contiguous(&[&llc[..], &[("oui", llc_field::OUI), ("pid", llc_field::PID)]].concat(), SNAP_HEADER_LEN);
    }

    #[test]
    fn snap_frames_on_the_wire() {
        let (dst, src) = (Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]), Mac([0, 1, 2, 3, 4, 5]));
        let f = cisco_snap_frame(dst, src, 0x2004, &[9, 8, 7]);
        let mut expected = vec![1, 0, 0x0c, 0xcc, 0xcc, 0xcc, 0, 1, 2, 3, 4, 5, 0, 11];
        expected.extend_from_slice(&[0xaa, 0xaa, 0x03, 0x00, 0x00, 0x0c, 0x20, 0x04, 9, 8, 7]);
        expected.resize(MIN_FRAME_LEN, 0);
        assert_eq!(f, expected);
        assert_eq!(cisco_snap_payload(&f, dst, 0x2004), Some(&[9, 8, 7][..]), "padding cut off by the length");
        assert_eq!(cisco_snap_payload(&f, dst, 0x2000), None, "another protocol");
        assert_eq!(cisco_snap_payload(&f, src, 0x2004), None, "another destination");
        assert_eq!(cisco_snap_payload(&f[..21], dst, 0x2004), None);
        let long = cisco_snap_frame(dst, src, 0x2000, &[1; 100]);
        assert_eq!((long.len(), &long[12..14]), (122, &[0, 108][..]), "no padding past the minimum");

        let g = llc_frame(dst, src, 0x42, &[5; 4]);
        assert_eq!(&g[12..21], &[0, 7, 0x42, 0x42, 0x03, 5, 5, 5, 5]);
        assert_eq!(g.len(), MIN_FRAME_LEN);
        assert_eq!(Llc::parse(&g[14..]), Some(Llc { dsap: 0x42, ssap: 0x42, control: LLC_UI, snap: None }));
        assert_eq!(Llc::parse(&f[14..]), Some(Llc::cisco_snap(0x2004)));
        assert_eq!(Llc::parse(&f[14..20]), None, "SNAP cut short");
    }

    #[test]
    fn dissect_an_802_3_snap_frame() {
        use dissect::{dissect, testing::*, LinkType};
        let dst = Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
        let f = cisco_snap_frame(dst, Mac([0, 1, 2, 3, 4, 5]), 0x9999, &[9, 8, 7]);
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["IEEE 802.3 Ethernet", "Logical-Link Control", dissect::DATA, dissect::PADDING]);
        assert_eq!(layers[0].field("Length"), Some("11"));
        let llc = &layers[1];
        assert_eq!(llc.range, 14..22);
        assert_eq!(llc.field("DSAP"), Some("SNAP (0xaa)"));
        assert_eq!(llc.field("Organization Code"), Some("Cisco (0x00000c)"));
        assert_eq!(llc.field("PID"), Some("0x9999"));
        assert_eq!(layers[2].range, 22..25);
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
        let g = llc_frame(dst, dst, 0xe0, &[1, 2]);
        let layers = dissect(&g, LinkType::Ethernet);
        assert_eq!(layer(&layers, "Logical-Link Control").info, "DSAP 0xe0 SSAP 0xe0");
        assert_eq!(layer(&layers, dissect::DATA).range, 17..19);
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
