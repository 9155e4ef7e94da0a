//! Cisco Discovery Protocol (version 2): the frame (SNAP to
//! 01:00:0c:cc:cc:cc, TLVs for device id, addresses, port, capabilities,
//! software, platform, native VLAN) and the neighbour it describes.

use std::net::Ipv4Addr;

use super::Mac;

pub const DST: Mac = Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
pub const PID: u16 = 0x2000;
pub const HOLDTIME: u8 = 180;
/// Capability bits.
pub const ROUTER: u32 = 0x01;
pub const SWITCH: u32 = 0x08;
pub const IGMP: u32 = 0x20;

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

fn tlv(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&((value.len() + 4) as u16).to_be_bytes());
    out.extend_from_slice(value);
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

/// The whole Ethernet (802.3 + SNAP) frame.
pub fn frame(src: Mac, a: &Advert) -> Vec<u8> {
    let mut pdu = vec![2, a.holdtime, 0, 0];
    tlv(&mut pdu, 0x0001, a.device_id.as_bytes());
    if let Some(ip) = a.address {
        let mut v = 1u32.to_be_bytes().to_vec();
        v.extend_from_slice(&[1, 1, 0xcc, 0, 4]);
        v.extend_from_slice(&ip.octets());
        tlv(&mut pdu, 0x0002, &v);
    }
    tlv(&mut pdu, 0x0003, a.port_id.as_bytes());
    tlv(&mut pdu, 0x0004, &a.capabilities.to_be_bytes());
    tlv(&mut pdu, 0x0005, a.version.as_bytes());
    tlv(&mut pdu, 0x0006, a.platform.as_bytes());
    if let Some(v) = a.native_vlan {
        tlv(&mut pdu, 0x000a, &v.to_be_bytes());
    }
    // Cisco's checksum treats an odd final byte its own way; a full-duplex TLV
    // (5 bytes) keeps the PDU even so every reader computes the same sum.
    if pdu.len() % 2 == 1 {
        tlv(&mut pdu, 0x000b, &[1]);
    }
    let sum = checksum(&pdu);
    pdu[2..4].copy_from_slice(&sum.to_be_bytes());
    super::ethernet::cisco_snap_frame(DST, src, PID, &pdu)
}

pub fn parse(frame: &[u8]) -> Option<Advert> {
    let pdu = super::ethernet::cisco_snap_payload(frame, DST, PID)?;
    if pdu.len() < 4 || checksum(pdu) != 0 {
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
        holdtime: pdu[1],
    };
    let mut i = 4;
    while i + 4 <= pdu.len() {
        let kind = u16::from_be_bytes([pdu[i], pdu[i + 1]]);
        let l = usize::from(u16::from_be_bytes([pdu[i + 2], pdu[i + 3]]));
        if l < 4 || i + l > pdu.len() {
            return None;
        }
        let v = &pdu[i + 4..i + l];
        let text = || String::from_utf8_lossy(v).to_string();
        match kind {
            0x0001 => a.device_id = text(),
            0x0002 if v.len() >= 13 => a.address = Some(Ipv4Addr::new(v[9], v[10], v[11], v[12])),
            0x0003 => a.port_id = text(),
            0x0004 if v.len() == 4 => a.capabilities = u32::from_be_bytes([v[0], v[1], v[2], v[3]]),
            0x0005 => a.version = text(),
            0x0006 => a.platform = text(),
            0x000a if v.len() == 2 => a.native_vlan = Some(u16::from_be_bytes([v[0], v[1]])),
            _ => {}
        }
        i += l;
    }
    Some(a)
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
}
