//! Link Layer Discovery Protocol (IEEE 802.1AB): the frame (EtherType
//! 0x88cc to the nearest-bridge group address 01:80:c2:00:00:0e, TLVs for
//! chassis, port, TTL, port description, system name and description,
//! capabilities, management address) and the neighbour it describes.

use std::net::Ipv4Addr;

use super::Mac;

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

/// A TLV header is 7 bits of type and 9 bits of length.
fn tlv(out: &mut Vec<u8>, kind: u8, value: &[u8]) {
    let len = value.len().min(511) as u16;
    out.extend_from_slice(&((u16::from(kind) << 9) | len).to_be_bytes());
    out.extend_from_slice(&value[..usize::from(len)]);
}

/// The whole Ethernet II frame.
pub fn frame(src: Mac, a: &Advert) -> Vec<u8> {
    let mut f = Vec::with_capacity(128);
    f.extend_from_slice(&DST.0);
    f.extend_from_slice(&src.0);
    f.extend_from_slice(&ETHERTYPE.to_be_bytes());
    let mut chassis = vec![4];
    chassis.extend_from_slice(&a.chassis.0);
    tlv(&mut f, CHASSIS_ID, &chassis);
    let mut port = vec![5];
    port.extend_from_slice(a.port_id.as_bytes());
    tlv(&mut f, PORT_ID, &port);
    tlv(&mut f, TTL, &a.ttl.to_be_bytes());
    tlv(&mut f, PORT_DESCRIPTION, a.port_description.as_bytes());
    tlv(&mut f, SYSTEM_NAME, a.system_name.as_bytes());
    tlv(&mut f, SYSTEM_DESCRIPTION, a.system_description.as_bytes());
    let (supported, enabled) = a.capabilities;
    let mut caps = supported.to_be_bytes().to_vec();
    caps.extend_from_slice(&enabled.to_be_bytes());
    tlv(&mut f, CAPABILITIES, &caps);
    if let Some(ip) = a.address {
        // Address string length, IPv4 family, the address, then the
        // interface numbering (unknown) and an empty OID.
        let mut v = vec![5, 1];
        v.extend_from_slice(&ip.octets());
        v.extend_from_slice(&[1, 0, 0, 0, 0, 0]);
        tlv(&mut f, MANAGEMENT_ADDRESS, &v);
    }
    tlv(&mut f, END, &[]);
    if f.len() < super::ethernet::MIN_FRAME_LEN {
        f.resize(super::ethernet::MIN_FRAME_LEN, 0);
    }
    f
}

/// Parse an LLDPDU; `None` unless the three mandatory TLVs open it in order.
pub fn parse(frame: &[u8]) -> Option<Advert> {
    if frame.len() < 14 || frame[..6] != DST.0 || frame[12..14] != ETHERTYPE.to_be_bytes() {
        return None;
    }
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
    let mut i = 14;
    let mut index = 0;
    while i + 2 <= frame.len() {
        let header = u16::from_be_bytes([frame[i], frame[i + 1]]);
        let kind = (header >> 9) as u8;
        let len = usize::from(header & 0x1ff);
        let v = frame.get(i + 2..i + 2 + len)?;
        // Chassis ID, Port ID and TTL must come first, in that order.
        if index < 3 && kind != [CHASSIS_ID, PORT_ID, TTL][index] {
            return None;
        }
        let text = || String::from_utf8_lossy(v).to_string();
        match kind {
            END => return Some(a),
            CHASSIS_ID if v.len() == 7 && v[0] == 4 => a.chassis = Mac([v[1], v[2], v[3], v[4], v[5], v[6]]),
            CHASSIS_ID if !v.is_empty() => {}
            PORT_ID if !v.is_empty() => a.port_id = String::from_utf8_lossy(&v[1..]).to_string(),
            TTL if v.len() == 2 => a.ttl = u16::from_be_bytes([v[0], v[1]]),
            CHASSIS_ID | PORT_ID | TTL => return None,
            PORT_DESCRIPTION => a.port_description = text(),
            SYSTEM_NAME => a.system_name = text(),
            SYSTEM_DESCRIPTION => a.system_description = text(),
            CAPABILITIES if v.len() == 4 => {
                a.capabilities = (u16::from_be_bytes([v[0], v[1]]), u16::from_be_bytes([v[2], v[3]]))
            }
            MANAGEMENT_ADDRESS if v.len() >= 6 && v[0] == 5 && v[1] == 1 => {
                a.address = Some(Ipv4Addr::new(v[2], v[3], v[4], v[5]))
            }
            _ => {}
        }
        index += 1;
        i += 2 + len;
    }
    // No End TLV: a truncated PDU.
    None
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
}
