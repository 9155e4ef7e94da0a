//! Port Aggregation Protocol (Cisco): the information PDU (SNAP, PID
//! 0x0104, to 01:00:0c:cc:cc:cc, the address CDP also uses) with the
//! sender's and its partner's device ids, and the device and port names.

use super::Mac;

pub const DST: Mac = Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
pub const PID: u16 = 0x0104;
const INFO_VERSION: u8 = 1;
/// Flags: the sender is in `auto` mode (it waits for a partner).
pub const AUTO: u8 = 0x02;
/// Flags: the sender's view of the link is consistent (ready to bundle).
pub const CONSISTENT: u8 = 0x04;

/// What a PAgP information PDU says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Info {
    pub flags: u8,
    pub device: Mac,
    pub port_ifindex: u32,
    pub group_ifindex: u32,
    /// The partner this port has heard (all zero before it has heard one).
    pub partner_device: Mac,
    pub device_name: String,
    pub port_name: String,
}

pub fn frame(src: Mac, info: &Info) -> Vec<u8> {
    let mut pdu = vec![INFO_VERSION, info.flags];
    pdu.extend_from_slice(&info.device.0);
    pdu.extend_from_slice(&[1, 128]); // learn capability (source-based), port priority
    pdu.extend_from_slice(&info.port_ifindex.to_be_bytes());
    pdu.extend_from_slice(&1u32.to_be_bytes()); // group capability
    pdu.extend_from_slice(&info.group_ifindex.to_be_bytes());
    pdu.extend_from_slice(&info.partner_device.0);
    pdu.extend_from_slice(&[1, 128]);
    pdu.extend_from_slice(&[0; 12]); // partner's port, group capability, group ifindex
    let heard = info.partner_device != Mac([0; 6]);
    pdu.extend_from_slice(&u16::from(heard).to_be_bytes()); // partner count
    pdu.extend_from_slice(&2u16.to_be_bytes());
    for (kind, text) in [(1u16, &info.device_name), (2, &info.port_name)] {
        pdu.extend_from_slice(&kind.to_be_bytes());
        pdu.extend_from_slice(&((text.len() + 4) as u16).to_be_bytes());
        pdu.extend_from_slice(text.as_bytes());
    }
    super::ethernet::cisco_snap_frame(DST, src, PID, &pdu)
}

pub fn parse(frame: &[u8]) -> Option<Info> {
    let p = super::ethernet::cisco_snap_payload(frame, DST, PID)?;
    if p.len() < 46 || p[0] != INFO_VERSION {
        return None;
    }
    let mac = |at: usize| Mac([p[at], p[at + 1], p[at + 2], p[at + 3], p[at + 4], p[at + 5]]);
    let word = |at: usize| u32::from_be_bytes([p[at], p[at + 1], p[at + 2], p[at + 3]]);
    let mut info = Info {
        flags: p[1],
        device: mac(2),
        port_ifindex: word(10),
        group_ifindex: word(18),
        partner_device: mac(22),
        device_name: String::new(),
        port_name: String::new(),
    };
    let tlvs = usize::from(u16::from_be_bytes([p[44], p[45]]));
    let mut i = 46;
    for _ in 0..tlvs {
        let kind = u16::from_be_bytes([*p.get(i)?, *p.get(i + 1)?]);
        let l = usize::from(u16::from_be_bytes([*p.get(i + 2)?, *p.get(i + 3)?]));
        let v = p.get(i + 4..i + l.max(4))?;
        match kind {
            1 => info.device_name = String::from_utf8_lossy(v).to_string(),
            2 => info.port_name = String::from_utf8_lossy(v).to_string(),
            _ => {}
        }
        i += l.max(4);
    }
    Some(info)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_not_a_cdp_frame() {
        let info = Info {
            flags: AUTO | CONSISTENT,
            device: Mac([0, 0x0d, 0xbd, 1, 2, 3]),
            port_ifindex: 10102,
            group_ifindex: 5001,
            partner_device: Mac([0, 0x0d, 0xbd, 4, 5, 6]),
            device_name: "S1".into(),
            port_name: "Gi0/1".into(),
        };
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &info);
        assert_eq!(parse(&f), Some(info));
        assert_eq!(crate::proto::cdp::parse(&f), None);
    }
}
