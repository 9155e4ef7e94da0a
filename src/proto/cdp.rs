//! Cisco Discovery Protocol (version 2): the frame (SNAP to
//! 01:00:0c:cc:cc:cc, TLVs for device id, addresses, port, capabilities,
//! software, platform, native VLAN) and the neighbour it describes.

use std::net::Ipv4Addr;

use super::dissect::{self, ipv4_at, u16_at, u32_at, Dissected, Layer, LayerBuilder};
use super::Mac;

/// The PDU, from its first byte (after the SNAP header): a header, then TLVs.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const VERSION: usize = 0;
    /// How long, in seconds, a neighbour keeps what this PDU says.
    pub const TTL: usize = 1;
    /// The Internet checksum of the whole PDU.
    pub const CHECKSUM: Field = 2..4;
    pub const TLVS: Rest = 4..;
}

/// A TLV, from its first byte. Its length counts the type and length fields.
mod tlv_field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const TYPE: Field = 0..2;
    pub const LENGTH: Field = 2..4;
    pub const VALUE: Rest = 4..;
}

/// The addresses TLV's value as sent here: one IPv4 address.
mod address_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    /// How many addresses follow.
    pub const COUNT: Field = 0..4;
    /// How the protocol is named: 1, by NLPID.
    pub const PROTOCOL_TYPE: usize = 4;
    pub const PROTOCOL_LEN: usize = 5;
    /// The NLPID of IP, 0xcc.
    pub const PROTOCOL: usize = 6;
    pub const ADDRESS_LEN: Field = 7..9;
    pub const ADDRESS: Field = 9..13;
}

pub const DST: Mac = Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
pub const PID: u16 = 0x2000;
pub const HOLDTIME: u8 = 180;
/// Capability bits.
pub const ROUTER: u32 = 0x01;
pub const TRANSPARENT_BRIDGE: u32 = 0x02;
pub const SOURCE_ROUTE_BRIDGE: u32 = 0x04;
pub const SWITCH: u32 = 0x08;
pub const HOST: u32 = 0x10;
pub const IGMP: u32 = 0x20;
pub const REPEATER: u32 = 0x40;
const VERSION: u8 = 2;
const TLV_DEVICE_ID: u16 = 0x0001;
const TLV_ADDRESSES: u16 = 0x0002;
const TLV_PORT_ID: u16 = 0x0003;
const TLV_CAPABILITIES: u16 = 0x0004;
const TLV_SOFTWARE_VERSION: u16 = 0x0005;
const TLV_PLATFORM: u16 = 0x0006;
const TLV_NATIVE_VLAN: u16 = 0x000a;
const TLV_DUPLEX: u16 = 0x000b;
const PROTOCOL_TYPE_NLPID: u8 = 1;
const NLPID_IP: u8 = 0xcc;
const DUPLEX_HALF: u8 = 0;
const DUPLEX_FULL: u8 = 1;

/// What a CDP advertisement says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advert {
    pub device_id: String,
    pub address: Option<Ipv4Addr>,
    pub port_id: String,
    pub capabilities: u32,
    pub version: String,
    pub platform: String,
    pub native_vlan: Option<u16>,
    pub holdtime: u8,
}

fn checksum(data: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    for chunk in data.chunks(2) {
        let word = if chunk.len() == 2 { u16::from_be_bytes([chunk[0], chunk[1]]) } else { u16::from(chunk[0]) << 8 };
        sum += u32::from(word);
    }
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

impl Advert {
    /// The TLVs this advertisement is sent as, in order.
    fn tlvs(&self) -> Vec<(u16, Vec<u8>)> {
        let mut tlvs = vec![(TLV_DEVICE_ID, self.device_id.as_bytes().to_vec())];
        if let Some(ip) = self.address {
            let mut value = vec![0u8; address_field::ADDRESS.end];
            value[address_field::COUNT].copy_from_slice(&1u32.to_be_bytes());
            value[address_field::PROTOCOL_TYPE] = PROTOCOL_TYPE_NLPID;
            value[address_field::PROTOCOL_LEN] = 1;
            value[address_field::PROTOCOL] = NLPID_IP;
            value[address_field::ADDRESS_LEN].copy_from_slice(&(address_field::ADDRESS.len() as u16).to_be_bytes());
            value[address_field::ADDRESS].copy_from_slice(&ip.octets());
            tlvs.push((TLV_ADDRESSES, value));
        }
        tlvs.push((TLV_PORT_ID, self.port_id.as_bytes().to_vec()));
        tlvs.push((TLV_CAPABILITIES, self.capabilities.to_be_bytes().to_vec()));
        tlvs.push((TLV_SOFTWARE_VERSION, self.version.as_bytes().to_vec()));
        tlvs.push((TLV_PLATFORM, self.platform.as_bytes().to_vec()));
        if let Some(vlan) = self.native_vlan {
            tlvs.push((TLV_NATIVE_VLAN, vlan.to_be_bytes().to_vec()));
        }
        // Cisco's checksum treats an odd final byte its own way; a full-duplex
        // TLV (5 bytes) keeps the PDU even so every reader computes the same sum.
        if Self::pdu_len(&tlvs) % 2 == 1 {
            tlvs.push((TLV_DUPLEX, vec![DUPLEX_FULL]));
        }
        tlvs
    }

    fn pdu_len(tlvs: &[(u16, Vec<u8>)]) -> usize {
        field::TLVS.start + tlvs.iter().map(|(_, value)| tlv_field::VALUE.start + value.len()).sum::<usize>()
    }

    /// The PDU's length.
    pub fn buffer_len(&self) -> usize {
        Self::pdu_len(&self.tlvs())
    }

    /// Write the PDU, checksummed, into `buf` (exactly `buffer_len()` long).
    pub fn emit(&self, buf: &mut [u8]) {
        buf[field::VERSION] = VERSION;
        buf[field::TTL] = self.holdtime;
        buf[field::CHECKSUM].fill(0);
        let mut at = field::TLVS.start;
        for (kind, value) in &self.tlvs() {
            let len = tlv_field::VALUE.start + value.len();
            let tlv = &mut buf[at..at + len];
            tlv[tlv_field::TYPE].copy_from_slice(&kind.to_be_bytes());
            tlv[tlv_field::LENGTH].copy_from_slice(&(len as u16).to_be_bytes());
            tlv[tlv_field::VALUE].copy_from_slice(value);
            at += len;
        }
        let sum = checksum(buf);
        buf[field::CHECKSUM].copy_from_slice(&sum.to_be_bytes());
    }

    /// A PDU (from its version byte); `None` if its checksum is wrong or a
    /// TLV's length is under its header's or runs past the end.
    pub fn parse(pdu: &[u8]) -> Option<Self> {
        if pdu.len() < field::TLVS.start || checksum(pdu) != 0 {
            return None;
        }
        let mut a = Advert {
            device_id: String::new(),
            address: None,
            port_id: String::new(),
            capabilities: 0,
            version: String::new(),
            platform: String::new(),
            native_vlan: None,
            holdtime: *pdu.get(field::TTL)?,
        };
        let mut at = field::TLVS.start;
        while let Some(tlv) = pdu.get(at..).filter(|tlv| tlv.len() >= tlv_field::VALUE.start) {
            let kind = u16_at(tlv, tlv_field::TYPE)?;
            let len = usize::from(u16_at(tlv, tlv_field::LENGTH)?);
            if len < tlv_field::VALUE.start {
                return None;
            }
            let value = tlv.get(tlv_field::VALUE.start..len)?;
            let text = || String::from_utf8_lossy(value).to_string();
            match (kind, value) {
                (TLV_DEVICE_ID, _) => a.device_id = text(),
                (TLV_ADDRESSES, _) if value.len() >= address_field::ADDRESS.end => {
                    a.address = ipv4_at(value, address_field::ADDRESS)
                }
                (TLV_PORT_ID, _) => a.port_id = text(),
                (TLV_CAPABILITIES, &[b0, b1, b2, b3]) => a.capabilities = u32::from_be_bytes([b0, b1, b2, b3]),
                (TLV_SOFTWARE_VERSION, _) => a.version = text(),
                (TLV_PLATFORM, _) => a.platform = text(),
                (TLV_NATIVE_VLAN, &[hi, lo]) => a.native_vlan = Some(u16::from_be_bytes([hi, lo])),
                _ => {}
            }
            at += len;
        }
        Some(a)
    }
}

/// The whole Ethernet (802.3 + SNAP) frame.
pub fn frame(src: Mac, a: &Advert) -> Vec<u8> {
    let mut pdu = vec![0u8; a.buffer_len()];
    a.emit(&mut pdu);
    super::ethernet::cisco_snap_frame(DST, src, PID, &pdu)
}

/// What a frame to [`DST`] with CDP's SNAP id says; `None` for any other
/// frame or a PDU that does not check out.
pub fn parse(frame: &[u8]) -> Option<Advert> {
    Advert::parse(super::ethernet::cisco_snap_payload(frame, DST, PID)?)
}

fn tlv_name(kind: u16) -> &'static str {
    match kind {
        TLV_DEVICE_ID => "Device ID",
        TLV_ADDRESSES => "Addresses",
        TLV_PORT_ID => "Port ID",
        TLV_CAPABILITIES => "Capabilities",
        TLV_SOFTWARE_VERSION => "Software Version",
        TLV_PLATFORM => "Platform",
        TLV_NATIVE_VLAN => "Native VLAN",
        TLV_DUPLEX => "Duplex",
        _ => "TLV",
    }
}

fn tlv_text(kind: u16, value: &[u8]) -> String {
    match (kind, value) {
        (TLV_DEVICE_ID | TLV_PORT_ID | TLV_SOFTWARE_VERSION | TLV_PLATFORM, _) => dissect::text(value),
        (TLV_ADDRESSES, _) => addresses_text(value),
        (TLV_CAPABILITIES, &[b0, b1, b2, b3]) => capabilities_text(u32::from_be_bytes([b0, b1, b2, b3])),
        (TLV_NATIVE_VLAN, &[hi, lo]) => u16::from_be_bytes([hi, lo]).to_string(),
        (TLV_DUPLEX, &[DUPLEX_FULL]) => "Full".to_string(),
        (TLV_DUPLEX, &[DUPLEX_HALF]) => "Half".to_string(),
        (TLV_CAPABILITIES | TLV_NATIVE_VLAN | TLV_DUPLEX, _) => dissect::hex(value),
        (kind, _) => format!("type 0x{kind:04x}: {}", dissect::preview(value)),
    }
}

/// Dissect a CDP PDU: the header, then one field per TLV.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("CDP", "CDP", bytes, base);
    layer.byte("Version", field::VERSION, |v| v.to_string());
    layer.byte("TTL", field::TTL, |ttl| format!("{ttl} s"));
    layer.u16("Checksum", field::CHECKSUM, |sum| {
        let verdict = if checksum(bytes) == 0 { "correct" } else { "incorrect" };
        format!("0x{sum:04x} [{verdict}]")
    });
    let tlvs = dissect::cisco_tlvs(&mut layer, field::TLVS.start, None, tlv_name, tlv_text);
    let text_of = |kind| tlvs.iter().find(|t| t.kind == kind).map(|t| dissect::text(t.value));
    let (device, port) = (text_of(TLV_DEVICE_ID), text_of(TLV_PORT_ID));
    if let (Some(device), Some(port)) = (device, port) {
        layer.info(format!("Device ID: {device} Port ID: {port}"));
    }
    layer.finish(out)?;
    Ok(None)
}

/// `10.0.0.1` for the IPv4 address as sent here; other forms in hex.
fn addresses_text(value: &[u8]) -> String {
    let ip = (
        u32_at(value, address_field::COUNT),
        value.get(address_field::PROTOCOL_TYPE),
        value.get(address_field::PROTOCOL),
        u16_at(value, address_field::ADDRESS_LEN),
        ipv4_at(value, address_field::ADDRESS),
    );
    match ip {
        (Some(1), Some(&PROTOCOL_TYPE_NLPID), Some(&NLPID_IP), Some(len), Some(ip))
            if usize::from(len) == address_field::ADDRESS.len() =>
        {
            ip.to_string()
        }
        _ => dissect::preview(value),
    }
}

/// `0x00000028 (Switch, IGMP)`.
fn capabilities_text(caps: u32) -> String {
    let names = [
        (ROUTER, "Router"),
        (TRANSPARENT_BRIDGE, "Transparent Bridge"),
        (SOURCE_ROUTE_BRIDGE, "Source Route Bridge"),
        (SWITCH, "Switch"),
        (HOST, "Host"),
        (IGMP, "IGMP"),
        (REPEATER, "Repeater"),
    ];
    format!("0x{caps:08x} ({})", dissect::flag_names(caps, &names))
}

/// `Gig 0/1`, `Fas 0/1`, `Ser 0/1/0`: how CDP tables abbreviate interfaces.
pub fn short_port(name: &str) -> String {
    match name.find(|c: char| c.is_ascii_digit()) {
        Some(i) => format!("{} {}", &name[..3.min(i)], &name[i..]),
        None => name.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_with_valid_checksum() {
        for id in ["S2", "Router1"] {
            let a = Advert {
                device_id: id.into(),
                address: Some(Ipv4Addr::new(10, 0, 0, 1)),
                port_id: "GigabitEthernet0/1".into(),
                capabilities: SWITCH | IGMP,
                version: "Cisco IOS Software".into(),
                platform: "cisco WS-C2960-24TT-L".into(),
                native_vlan: Some(99),
                holdtime: HOLDTIME,
            };
            let f = frame(Mac([0, 1, 2, 3, 4, 5]), &a);
            assert_eq!(parse(&f), Some(a));
        }
        assert_eq!(short_port("GigabitEthernet0/1"), "Gig 0/1");
        assert_eq!(short_port("FastEthernet0/10"), "Fas 0/10");
    }

    #[test]
    fn the_tables_tile_the_header_tlvs_and_address() {
        use crate::proto::dissect::testing::{assert_contiguous, one};
        assert_contiguous(
            &[("version", one(field::VERSION)), ("ttl", one(field::TTL)), ("checksum", field::CHECKSUM)],
            field::TLVS.start,
        );
        assert_contiguous(&[("type", tlv_field::TYPE), ("length", tlv_field::LENGTH)], tlv_field::VALUE.start);
        assert_contiguous(
            &[
                ("count", address_field::COUNT),
                ("protocol type", one(address_field::PROTOCOL_TYPE)),
                ("protocol len", one(address_field::PROTOCOL_LEN)),
                ("protocol", one(address_field::PROTOCOL)),
                ("address len", address_field::ADDRESS_LEN),
                ("address", address_field::ADDRESS),
            ],
            13,
        );
    }

    fn sample() -> Advert {
        Advert {
            device_id: "S1".into(),
            address: Some(Ipv4Addr::new(10, 0, 0, 1)),
            port_id: "Fa0/1".into(),
            capabilities: SWITCH | IGMP,
            version: "IOS".into(),
            platform: "2960".into(),
            native_vlan: Some(1),
            holdtime: HOLDTIME,
        }
    }

    #[test]
    fn the_pdu_on_the_wire() {
        let mut pdu = vec![0xffu8; sample().buffer_len()];
        sample().emit(&mut pdu);
        let tlvs = [
            "0001 0006 5331",
            "0002 0011 00000001 01 01 cc 0004 0a000001",
            "0003 0009 4661302f31",
            "0004 0008 00000028",
            "0005 0007 494f53",
            "0006 0008 32393630",
            "000a 0006 0001",
            "000b 0005 01",
        ];
        let sum = dissect::hex(&pdu[field::CHECKSUM]);
        let expected = format!("0x02b4{}{}", &sum[2..], tlvs.concat().replace(' ', ""));
        assert_eq!(dissect::hex(&pdu), expected, "the duplex TLV evens out the length");
        assert_eq!(checksum(&pdu), 0);
        assert_eq!(Advert::parse(&pdu), Some(sample()));
        let even = Advert { native_vlan: None, platform: "29600".into(), ..sample() };
        assert_eq!(even.buffer_len() % 2, 0);
        assert!(even.tlvs().iter().all(|(kind, _)| *kind != TLV_DUPLEX), "no duplex TLV needed");
        let mut bad = pdu.clone();
        bad[field::TTL] ^= 1;
        assert_eq!(Advert::parse(&bad), None, "checksum");
    }

    #[test]
    fn dissect_an_advertisement() {
        use crate::proto::dissect::{dissect, summary, testing::*, LinkType};
        let a = Advert { port_id: "FastEthernet0/1".into(), ..sample() };
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &a);
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["IEEE 802.3 Ethernet", "Logical-Link Control", "CDP"]);
        let cdp = &layers[2];
        assert_eq!(cdp.range, 22..f.len());
        assert_eq!(cdp.field("TTL"), Some("180 s"));
        assert_eq!(cdp.field("Checksum").map(|c| c.ends_with("[correct]")), Some(true));
        assert_eq!(cdp.field("Device ID"), Some("S1"));
        assert_eq!(cdp.field("Addresses"), Some("10.0.0.1"));
        assert_eq!(cdp.field("Capabilities"), Some("0x00000028 (Switch, IGMP)"));
        assert_eq!(cdp.field("Native VLAN"), Some("1"));
        assert_eq!(summary(&f, LinkType::Ethernet), "CDP Device ID: S1 Port ID: FastEthernet0/1");
        assert_eq!(crate::proto::dissect::protocol(&f, LinkType::Ethernet), "CDP");
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
    }
}
