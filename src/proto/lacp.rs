//! Link Aggregation Control Protocol (IEEE 802.1AX): the LACPDU (slow
//! protocols EtherType 0x8809, subtype 1, to 01:80:c2:00:00:02) with its
//! actor, partner, collector and terminator TLVs.

use super::Mac;

pub const DST: Mac = Mac([0x01, 0x80, 0xc2, 0x00, 0x00, 0x02]);
pub const ETHERTYPE: u16 = 0x8809;
const SUBTYPE: u8 = 1;
const VERSION: u8 = 1;
/// Actor and partner state bits.
pub const ACTIVITY: u8 = 0x01;
pub const AGGREGATION: u8 = 0x04;
pub const SYNCHRONIZATION: u8 = 0x08;
pub const COLLECTING: u8 = 0x10;
pub const DISTRIBUTING: u8 = 0x20;
pub const DEFAULTED: u8 = 0x40;
/// IOS's default system and port priority.
pub const DEFAULT_PRIORITY: u16 = 32768;

/// One side's view of a link (actor: itself; partner: what it heard).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Info {
    pub system_priority: u16,
    pub system: Mac,
    pub key: u16,
    pub port_priority: u16,
    pub port: u16,
    pub state: u8,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Lacpdu {
    pub actor: Info,
    pub partner: Info,
}

fn put_info(out: &mut Vec<u8>, kind: u8, i: &Info) {
    out.extend_from_slice(&[kind, 20]);
    out.extend_from_slice(&i.system_priority.to_be_bytes());
    out.extend_from_slice(&i.system.0);
    out.extend_from_slice(&i.key.to_be_bytes());
    out.extend_from_slice(&i.port_priority.to_be_bytes());
    out.extend_from_slice(&i.port.to_be_bytes());
    out.push(i.state);
    out.extend_from_slice(&[0; 3]);
}

fn get_info(v: &[u8]) -> Info {
    Info {
        system_priority: u16::from_be_bytes([v[0], v[1]]),
        system: Mac([v[2], v[3], v[4], v[5], v[6], v[7]]),
        key: u16::from_be_bytes([v[8], v[9]]),
        port_priority: u16::from_be_bytes([v[10], v[11]]),
        port: u16::from_be_bytes([v[12], v[13]]),
        state: v[14],
    }
}

/// The whole Ethernet II frame (124 bytes: the 110-byte LACPDU after the header).
pub fn frame(src: Mac, pdu: &Lacpdu) -> Vec<u8> {
    let mut f = Vec::with_capacity(124);
    f.extend_from_slice(&DST.0);
    f.extend_from_slice(&src.0);
    f.extend_from_slice(&ETHERTYPE.to_be_bytes());
    f.extend_from_slice(&[SUBTYPE, VERSION]);
    put_info(&mut f, 1, &pdu.actor);
    put_info(&mut f, 2, &pdu.partner);
    // Collector information: max delay 0.
    f.extend_from_slice(&[3, 16]);
    f.extend_from_slice(&[0; 14]);
    // Terminator and its reserved padding.
    f.extend_from_slice(&[0, 0]);
    f.extend_from_slice(&[0; 50]);
    f
}

pub fn parse(frame: &[u8]) -> Option<Lacpdu> {
    if frame.len() < 14 + 110 || frame[..6] != DST.0 || frame[12..14] != ETHERTYPE.to_be_bytes() {
        return None;
    }
    let p = &frame[14..];
    if p[0] != SUBTYPE || p[2] != 1 || p[3] != 20 || p[22] != 2 || p[23] != 20 {
        return None;
    }
    Some(Lacpdu { actor: get_info(&p[4..22]), partner: get_info(&p[24..42]) })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_at_the_standard_size() {
        let pdu = Lacpdu {
            actor: Info {
                system_priority: DEFAULT_PRIORITY,
                system: Mac([0, 0x0d, 0xbd, 1, 2, 3]),
                key: 1,
                port_priority: DEFAULT_PRIORITY,
                port: 0x0102,
                state: ACTIVITY | AGGREGATION | SYNCHRONIZATION,
            },
            partner: Info { state: DEFAULTED, ..Info::default() },
        };
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &pdu);
        assert_eq!(f.len(), 124);
        assert_eq!(parse(&f), Some(pdu));
        assert_eq!(parse(&f[..100]), None);
    }
}
