//! Link Layer Discovery Protocol (IEEE 802.1AB): the frame (EtherType
//! 0x88cc to the nearest-bridge group address 01:80:c2:00:00:0e, TLVs for
//! chassis, port, TTL, port description, system name and description,
//! capabilities, management address) and the neighbour it describes.

use std::net::Ipv4Addr;

use smoltcp::wire::EthernetProtocol;

use super::dissect::{self, ipv4_at, mac_at, u16_at, Dissected, Layer, LayerBuilder};
use super::{ethernet, Mac};

/// A TLV, from its first byte: 7 bits of type and 9 bits of value length,
/// then the value. The LLDPDU (after the Ethernet header) is TLVs to the
/// End TLV.
mod tlv_field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const HEADER: Field = 0..2;
    pub const VALUE: Rest = 2..;

    pub const TYPE_SHIFT: u32 = 9;
    pub const LENGTH_MASK: u16 = 0x01ff;
}

/// The value of a Chassis ID or Port ID TLV: a subtype, then the id.
mod id_field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const SUBTYPE: usize = 0;
    pub const ID: Rest = 1..;
    /// The id when it is a MAC address.
    pub const MAC: Field = 1..7;
}

/// The value of a TTL TLV.
mod ttl_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const SECONDS: Field = 0..2;
}

/// The value of a System Capabilities TLV.
mod capabilities_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const SUPPORTED: Field = 0..2;
    pub const ENABLED: Field = 2..4;
}

/// The value of a Management Address TLV, as sent here: an IPv4 address.
mod management_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    /// The length of the subtype and the address together.
    pub const ADDRESS_STRING_LEN: usize = 0;
    pub const ADDRESS_SUBTYPE: usize = 1;
    pub const ADDRESS: Field = 2..6;
    /// How the interface is numbered, and its number.
    pub const INTERFACE_SUBTYPE: usize = 6;
    pub const INTERFACE_NUMBER: Field = 7..11;
    /// The length of an object identifier that follows: none.
    pub const OID_LEN: usize = 11;
}

pub const DST: Mac = Mac([0x01, 0x80, 0xc2, 0x00, 0x00, 0x0e]);
pub const ETHERTYPE: u16 = 0x88cc;
/// IOS defaults: advertise every 30 s, neighbours keep an entry 120 s.
pub const TIMER_SECS: u64 = 30;
pub const HOLDTIME: u16 = 120;
/// System capability bits (802.1AB table 8-4).
pub const BRIDGE: u16 = 0x0004;
pub const ROUTER: u16 = 0x0010;

/// What an LLDP advertisement says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Advert {
    /// Chassis ID, subtype MAC address.
    pub chassis: Mac,
    /// Port ID, subtype interface name (IOS sends the short form, `Gi0/1`).
    pub port_id: String,
    pub ttl: u16,
    pub port_description: String,
    pub system_name: String,
    pub system_description: String,
    /// (supported, enabled) capability bits.
    pub capabilities: (u16, u16),
    pub address: Option<Ipv4Addr>,
}

const END: u8 = 0;
const CHASSIS_ID: u8 = 1;
const PORT_ID: u8 = 2;
const TTL: u8 = 3;
const PORT_DESCRIPTION: u8 = 4;
const SYSTEM_NAME: u8 = 5;
const SYSTEM_DESCRIPTION: u8 = 6;
const CAPABILITIES: u8 = 7;
const MANAGEMENT_ADDRESS: u8 = 8;
const ORGANIZATION_SPECIFIC: u8 = 127;
/// The TLVs every LLDPDU opens with, in this order.
const MANDATORY: [u8; 3] = [CHASSIS_ID, PORT_ID, TTL];
const CHASSIS_SUBTYPE_MAC: u8 = 4;
const PORT_SUBTYPE_MAC: u8 = 3;
const PORT_SUBTYPE_INTERFACE_NAME: u8 = 5;
const SUBTYPE_LOCAL: u8 = 7;
/// The IANA address family of IPv4.
const ADDRESS_FAMILY_IPV4: u8 = 1;
/// Interface numbering: unknown.
const INTERFACE_NUMBERING_UNKNOWN: u8 = 1;
/// The most a TLV's 9-bit length can say.
const MAX_VALUE_LEN: usize = tlv_field::LENGTH_MASK as usize;

impl Advert {
    /// The TLVs this advertisement is sent as, in order, End included.
    fn tlvs(&self) -> Vec<(u8, Vec<u8>)> {
        let mut chassis = vec![0u8; id_field::MAC.end];
        chassis[id_field::SUBTYPE] = CHASSIS_SUBTYPE_MAC;
        chassis[id_field::MAC].copy_from_slice(&self.chassis.0);
        let mut port = vec![0u8; id_field::ID.start + self.port_id.len()];
        port[id_field::SUBTYPE] = PORT_SUBTYPE_INTERFACE_NAME;
        port[id_field::ID].copy_from_slice(self.port_id.as_bytes());
        let mut ttl = vec![0u8; ttl_field::SECONDS.end];
        ttl[ttl_field::SECONDS].copy_from_slice(&self.ttl.to_be_bytes());
        let (supported, enabled) = self.capabilities;
        let mut caps = vec![0u8; capabilities_field::ENABLED.end];
        caps[capabilities_field::SUPPORTED].copy_from_slice(&supported.to_be_bytes());
        caps[capabilities_field::ENABLED].copy_from_slice(&enabled.to_be_bytes());
        let mut tlvs = vec![
            (CHASSIS_ID, chassis),
            (PORT_ID, port),
            (TTL, ttl),
            (PORT_DESCRIPTION, self.port_description.as_bytes().to_vec()),
            (SYSTEM_NAME, self.system_name.as_bytes().to_vec()),
            (SYSTEM_DESCRIPTION, self.system_description.as_bytes().to_vec()),
            (CAPABILITIES, caps),
        ];
        if let Some(ip) = self.address {
            let mut value = vec![0u8; management_field::OID_LEN + 1];
            value[management_field::ADDRESS_STRING_LEN] =
                (management_field::ADDRESS.end - management_field::ADDRESS_SUBTYPE) as u8;
            value[management_field::ADDRESS_SUBTYPE] = ADDRESS_FAMILY_IPV4;
            value[management_field::ADDRESS].copy_from_slice(&ip.octets());
            value[management_field::INTERFACE_SUBTYPE] = INTERFACE_NUMBERING_UNKNOWN;
            value[management_field::INTERFACE_NUMBER].fill(0);
            value[management_field::OID_LEN] = 0;
            tlvs.push((MANAGEMENT_ADDRESS, value));
        }
        tlvs.push((END, Vec::new()));
        tlvs
    }

    /// The LLDPDU's length. A value too long for the 9-bit length is cut at 511 bytes.
    pub fn buffer_len(&self) -> usize {
        self.tlvs().iter().map(|(_, value)| tlv_field::VALUE.start + value.len().min(MAX_VALUE_LEN)).sum()
    }

    /// Write the LLDPDU into `buf` (exactly `buffer_len()` long).
    pub fn emit(&self, buf: &mut [u8]) {
        let mut at = 0;
        for (kind, value) in self.tlvs() {
            at += emit_tlv(&mut buf[at..], kind, &value);
        }
    }

    /// An LLDPDU (from its first TLV); `None` unless the three mandatory
    /// TLVs open it in order and an End TLV closes it.
    pub fn parse(pdu: &[u8]) -> Option<Self> {
        let mut a = Advert {
            chassis: Mac([0; 6]),
            port_id: String::new(),
            ttl: 0,
            port_description: String::new(),
            system_name: String::new(),
            system_description: String::new(),
            capabilities: (0, 0),
            address: None,
        };
        let mut at = 0;
        let mut index = 0;
        while let Some(header) = u16_at(pdu, at + tlv_field::HEADER.start..at + tlv_field::HEADER.end) {
            let kind = (header >> tlv_field::TYPE_SHIFT) as u8;
            let len = usize::from(header & tlv_field::LENGTH_MASK);
            let value = pdu.get(at + tlv_field::VALUE.start..at + tlv_field::VALUE.start + len)?;
            if MANDATORY.get(index).is_some_and(|&expected| kind != expected) {
                return None;
            }
            let text = || String::from_utf8_lossy(value).to_string();
            let subtype = value.get(id_field::SUBTYPE).copied();
            match kind {
                END => return Some(a),
                CHASSIS_ID if value.len() == id_field::MAC.end && subtype == Some(CHASSIS_SUBTYPE_MAC) => {
                    a.chassis = mac_at(value, id_field::MAC)?
                }
                CHASSIS_ID if subtype.is_some() => {}
                PORT_ID if subtype.is_some() => {
                    a.port_id = String::from_utf8_lossy(value.get(id_field::ID)?).to_string()
                }
                TTL if value.len() == ttl_field::SECONDS.end => a.ttl = u16_at(value, ttl_field::SECONDS)?,
                CHASSIS_ID | PORT_ID | TTL => return None,
                PORT_DESCRIPTION => a.port_description = text(),
                SYSTEM_NAME => a.system_name = text(),
                SYSTEM_DESCRIPTION => a.system_description = text(),
                CAPABILITIES if value.len() == capabilities_field::ENABLED.end => {
                    a.capabilities =
                        (u16_at(value, capabilities_field::SUPPORTED)?, u16_at(value, capabilities_field::ENABLED)?)
                }
                MANAGEMENT_ADDRESS if is_ipv4_management(value) => {
                    a.address = ipv4_at(value, management_field::ADDRESS)
                }
                _ => {}
            }
            index += 1;
            at += tlv_field::VALUE.start + len;
        }
        // No End TLV: a truncated PDU.
        None
    }
}

/// Write a TLV at the start of `buf`; its length. A value too long for the
/// 9-bit length is cut at 511 bytes.
fn emit_tlv(buf: &mut [u8], kind: u8, value: &[u8]) -> usize {
    let value = &value[..value.len().min(MAX_VALUE_LEN)];
    let len = tlv_field::VALUE.start + value.len();
    let tlv = &mut buf[..len];
    tlv[tlv_field::HEADER]
        .copy_from_slice(&(u16::from(kind) << tlv_field::TYPE_SHIFT | value.len() as u16).to_be_bytes());
    tlv[tlv_field::VALUE].copy_from_slice(value);
    len
}

/// Whether a management address value holds an IPv4 address.
fn is_ipv4_management(value: &[u8]) -> bool {
    value.len() >= management_field::ADDRESS.end
        && value.get(management_field::ADDRESS_STRING_LEN)
            == Some(&((management_field::ADDRESS.end - management_field::ADDRESS_SUBTYPE) as u8))
        && value.get(management_field::ADDRESS_SUBTYPE) == Some(&ADDRESS_FAMILY_IPV4)
}

/// The whole Ethernet II frame.
pub fn frame(src: Mac, a: &Advert) -> Vec<u8> {
    ethernet::build(DST, src, EthernetProtocol::from(ETHERTYPE), a.buffer_len(), |pdu| a.emit(pdu))
}

/// Parse an LLDPDU; `None` unless the three mandatory TLVs open it in order.
pub fn parse(frame: &[u8]) -> Option<Advert> {
    let header = ethernet::parse(frame)?;
    if header.dst_addr != DST || u16::from(header.ethertype) != ETHERTYPE {
        return None;
    }
    Advert::parse(frame.get(ethernet::HEADER_LEN..)?)
}

/// Dissect an LLDPDU: one field per TLV, up to the End TLV.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("LLDP", "LLDP", bytes, base);
    let (mut chassis, mut port, mut ttl, mut name) = (None, None, None, None);
    let mut at = 0;
    let mut index = 0;
    loop {
        let header = at + tlv_field::HEADER.start..at + tlv_field::HEADER.end;
        let Some(header_value) = u16_at(bytes, header.clone()) else {
            if at >= bytes.len() {
                layer.invalid("no End of LLDPDU TLV");
            } else {
                layer.field("TLV", header, dissect::hex); // cut short: marks the layer
            }
            break;
        };
        let kind = (header_value >> tlv_field::TYPE_SHIFT) as u8;
        let len = tlv_field::VALUE.start + usize::from(header_value & tlv_field::LENGTH_MASK);
        if MANDATORY.get(index).is_some_and(|&expected| kind != expected) {
            layer.invalid("Chassis ID, Port ID and TTL must open the LLDPDU, in that order");
        }
        let Some(tlv) = layer
            .field(tlv_name(kind), at..at + len, |tlv| tlv_text(kind, tlv.get(tlv_field::VALUE).unwrap_or_default()))
        else {
            break;
        };
        let value = tlv.get(tlv_field::VALUE).unwrap_or_default();
        match kind {
            END => break,
            CHASSIS_ID => chassis = Some(tlv_text(kind, value)),
            PORT_ID => port = Some(tlv_text(kind, value)),
            TTL => ttl = u16_at(value, ttl_field::SECONDS),
            SYSTEM_NAME => name = Some(dissect::text(value)),
            _ => {}
        }
        index += 1;
        at += len;
    }
    if let (Some(chassis), Some(port), Some(ttl)) = (chassis, port, ttl) {
        let name = name.map(|n| format!(" System Name = {n}")).unwrap_or_default();
        layer.info(format!("Chassis Id = {chassis} Port Id = {port} TTL = {ttl}{name}"));
    }
    layer.finish(out)?;
    Ok(None)
}

fn tlv_name(kind: u8) -> &'static str {
    match kind {
        END => "End of LLDPDU",
        CHASSIS_ID => "Chassis ID",
        PORT_ID => "Port ID",
        TTL => "Time To Live",
        PORT_DESCRIPTION => "Port Description",
        SYSTEM_NAME => "System Name",
        SYSTEM_DESCRIPTION => "System Description",
        CAPABILITIES => "System Capabilities",
        MANAGEMENT_ADDRESS => "Management Address",
        ORGANIZATION_SPECIFIC => "Organization Specific",
        _ => "TLV",
    }
}

/// What a TLV's value says: `001a.2b3c.4d5e`, `Gi0/1`, `120 s`, `Bridge, Router (enabled: Bridge)` ...
fn tlv_text(kind: u8, value: &[u8]) -> String {
    let subtype = value.get(id_field::SUBTYPE).copied();
    let id = value.get(id_field::ID).unwrap_or_default();
    match kind {
        END => String::new(),
        CHASSIS_ID | PORT_ID => match (kind, subtype) {
            (CHASSIS_ID, Some(CHASSIS_SUBTYPE_MAC)) | (PORT_ID, Some(PORT_SUBTYPE_MAC)) => dissect::mac(id),
            (PORT_ID, Some(PORT_SUBTYPE_INTERFACE_NAME)) | (_, Some(SUBTYPE_LOCAL)) => dissect::text(id),
            (_, Some(subtype)) => format!("subtype {subtype}: {}", dissect::hex(id)),
            (_, None) => String::new(),
        },
        TTL => u16_at(value, ttl_field::SECONDS).map_or_else(|| dissect::hex(value), |s| format!("{s} s")),
        PORT_DESCRIPTION | SYSTEM_NAME | SYSTEM_DESCRIPTION => dissect::text(value),
        CAPABILITIES => {
            match (u16_at(value, capabilities_field::SUPPORTED), u16_at(value, capabilities_field::ENABLED)) {
                (Some(supported), Some(enabled)) => {
                    format!("{} (enabled: {})", capability_names(supported), capability_names(enabled))
                }
                _ => dissect::hex(value),
            }
        }
        MANAGEMENT_ADDRESS if is_ipv4_management(value) => {
            value.get(management_field::ADDRESS).map_or_else(String::new, dissect::ipv4)
        }
        _ => dissect::preview(value),
    }
}

/// `Bridge, Router`: the names of capability bits (802.1AB table 8-4).
fn capability_names(bits: u16) -> String {
    let names = [
        (0x0001, "Other"),
        (0x0002, "Repeater"),
        (u32::from(BRIDGE), "Bridge"),
        (0x0008, "WLAN Access Point"),
        (u32::from(ROUTER), "Router"),
        (0x0020, "Telephone"),
        (0x0040, "DOCSIS Cable Device"),
        (0x0080, "Station Only"),
    ];
    dissect::flag_names(u32::from(bits), &names)
}

/// `R`, `B`, `B,R`: the enabled capabilities as `show lldp neighbors` lists them.
pub fn capability_codes(enabled: u16) -> String {
    let mut v = Vec::new();
    if enabled & ROUTER != 0 {
        v.push("R");
    }
    if enabled & BRIDGE != 0 {
        v.push("B");
    }
    v.join(",")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Append a TLV.
    fn tlv(out: &mut Vec<u8>, kind: u8, value: &[u8]) {
        let at = out.len();
        out.resize(at + tlv_field::VALUE.start + value.len().min(MAX_VALUE_LEN), 0);
        emit_tlv(&mut out[at..], kind, value);
    }

    fn advert() -> Advert {
        Advert {
            chassis: Mac([0x00, 0x1a, 0x2b, 0x3c, 0x4d, 0x5e]),
            port_id: "Gi0/1".into(),
            ttl: HOLDTIME,
            port_description: "GigabitEthernet0/1".into(),
            system_name: "S1".into(),
            system_description: "Cisco IOS Software, C2960 Software".into(),
            capabilities: (BRIDGE | ROUTER, BRIDGE),
            address: Some(Ipv4Addr::new(192, 168, 99, 11)),
        }
    }

    #[test]
    fn round_trip() {
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &advert());
        assert_eq!(&f[12..14], &[0x88, 0xcc]);
        assert_eq!(parse(&f), Some(advert()));
        let mut bare = advert();
        bare.address = None;
        assert_eq!(parse(&frame(Mac([0, 1, 2, 3, 4, 5]), &bare)), Some(bare));
    }

    #[test]
    fn rejects_truncated_and_misordered_pdus() {
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &advert());
        // Cut inside the system description.
        assert_eq!(parse(&f[..60]), None);
        // TTL before the port ID.
        let mut g = f[..14].to_vec();
        tlv(&mut g, CHASSIS_ID, &[4, 0, 1, 2, 3, 4, 5]);
        tlv(&mut g, TTL, &120u16.to_be_bytes());
        tlv(&mut g, PORT_ID, b"\x05Gi0/1");
        tlv(&mut g, END, &[]);
        assert_eq!(parse(&g), None);
    }

    #[test]
    fn capability_codes_as_ios_lists_them() {
        assert_eq!(capability_codes(ROUTER), "R");
        assert_eq!(capability_codes(BRIDGE), "B");
        assert_eq!(capability_codes(BRIDGE | ROUTER), "R,B");
    }

    #[test]
    fn the_value_tables_are_contiguous() {
        use crate::proto::dissect::testing::{assert_contiguous, one};
        assert_eq!(tlv_field::HEADER.end, tlv_field::VALUE.start);
        assert_eq!(id_field::MAC.start, id_field::ID.start);
        assert_contiguous(&[("subtype", one(id_field::SUBTYPE)), ("mac", id_field::MAC)], 7);
        assert_contiguous(&[("seconds", ttl_field::SECONDS)], 2);
        assert_contiguous(&[("supported", capabilities_field::SUPPORTED), ("enabled", capabilities_field::ENABLED)], 4);
        assert_contiguous(
            &[
                ("string len", one(management_field::ADDRESS_STRING_LEN)),
                ("subtype", one(management_field::ADDRESS_SUBTYPE)),
                ("address", management_field::ADDRESS),
                ("interface subtype", one(management_field::INTERFACE_SUBTYPE)),
                ("interface number", management_field::INTERFACE_NUMBER),
                ("oid len", one(management_field::OID_LEN)),
            ],
            12,
        );
    }

    #[test]
    fn the_lldpdu_on_the_wire() {
        let a = Advert {
            port_id: "Gi0/1".into(),
            port_description: String::new(),
            system_name: "S1".into(),
            system_description: "IOS".into(),
            ..advert()
        };
        let mut pdu = vec![0xffu8; a.buffer_len()];
        a.emit(&mut pdu);
        let tlvs = [
            "0207 04 001a2b3c4d5e", // type 1, length 7: subtype MAC
            "0406 05 4769302f31",   // type 2: subtype interface name
            "0602 0078",            // type 3: 120 s
            "0800",                 // type 4: empty
            "0a02 5331",
            "0c03 494f53",
            "0e04 0014 0004",
            "100c 05 01 c0a8630b 01 00000000 00", // type 8: IPv4, interface unknown, no OID
            "0000",
        ];
        assert_eq!(dissect::hex(&pdu), format!("0x{}", tlvs.concat().replace(' ', "")));
        assert_eq!(Advert::parse(&pdu), Some(a));
        let long = Advert { system_description: "x".repeat(600), ..advert() };
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &long);
        assert_eq!(parse(&f).map(|a| a.system_description.len()), Some(511), "cut at the 9-bit length");
    }

    #[test]
    fn dissect_an_advertisement() {
        use crate::proto::dissect::{dissect, summary, testing::*, LinkType, MALFORMED};
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &advert());
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "LLDP"]);
        let lldp = &layers[1];
        assert_eq!(lldp.range, 14..f.len());
        assert_eq!(lldp.field("Chassis ID"), Some("001a.2b3c.4d5e"));
        assert_eq!(lldp.field("Port ID"), Some("Gi0/1"));
        assert_eq!(lldp.field("Time To Live"), Some("120 s"));
        assert_eq!(lldp.field("System Capabilities"), Some("Bridge, Router (enabled: Bridge)"));
        assert_eq!(lldp.field("Management Address"), Some("192.168.99.11"));
        assert_eq!(lldp.fields.last().map(|f| f.name), Some("End of LLDPDU"));
        assert_eq!(
            summary(&f, LinkType::Ethernet),
            "LLDP Chassis Id = 001a.2b3c.4d5e Port Id = Gi0/1 TTL = 120 System Name = S1"
        );
        assert_every_truncation_dissects(&f, LinkType::Ethernet);

        // TTL before the port ID; no End TLV.
        let mut g = f[..14].to_vec();
        tlv(&mut g, CHASSIS_ID, &[4, 0, 1, 2, 3, 4, 5]);
        tlv(&mut g, TTL, &120u16.to_be_bytes());
        tlv(&mut g, PORT_ID, b"\x05Gi0/1");
        let layers = dissect(&g, LinkType::Ethernet);
        assert_eq!(layer(&layers, MALFORMED).info, "Chassis ID, Port ID and TTL must open the LLDPDU, in that order");
        assert_eq!(layer(&layers, "LLDP").fields.len(), 3, "every TLV still shown");
        let short = &f[..f.len() - 2];
        assert_eq!(layer(&dissect(short, LinkType::Ethernet), MALFORMED).info, "no End of LLDPDU TLV");
    }
}
