//! Dynamic Trunking Protocol (Cisco): the frame (SNAP, PID 0x2004, to
//! 01:00:0c:cc:cc:cc) with domain, status, type and neighbour TLVs, and the
//! rule that decides whether a link trunks from both ends' modes.

use super::vlan::PortMode;
use super::Mac;

pub const DST: Mac = Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
pub const PID: u16 = 0x2004;
const VERSION: u8 = 1;
/// Hellos every 30 s; a neighbour unheard for 300 s is forgotten.
pub const HELLO_SECS: u64 = 30;
pub const TIMEOUT_SECS: u64 = 300;

/// What a port says it is administratively (the status TLV's low bits).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Admin {
    On,
    Off,
    Desirable,
    Auto,
}

impl Admin {
    pub fn of(mode: Option<PortMode>) -> Self {
        match mode {
            Some(PortMode::Trunk) => Admin::On,
            Some(PortMode::Access) => Admin::Off,
            Some(PortMode::DynamicDesirable) => Admin::Desirable,
            Some(PortMode::DynamicAuto) | None => Admin::Auto,
        }
    }

    fn code(self) -> u8 {
        match self {
            Admin::On => 1,
            Admin::Off => 2,
            Admin::Desirable => 3,
            Admin::Auto => 4,
        }
    }

    fn from_code(c: u8) -> Option<Self> {
        Some(match c & 0x07 {
            1 => Admin::On,
            2 => Admin::Off,
            3 => Admin::Desirable,
            4 => Admin::Auto,
            _ => return None,
        })
    }
}

/// Does a port in `mine` trunk, given what its neighbour said (if anything)?
/// A port that does not negotiate trunks only when set to trunk.
pub fn trunks(mine: Option<PortMode>, nonegotiate: bool, neighbour: Option<Admin>) -> bool {
    match (Admin::of(mine), nonegotiate, neighbour) {
        (Admin::On, _, _) => true,
        (Admin::Off, _, _) | (_, true, _) => false,
        (Admin::Desirable, false, Some(n)) => matches!(n, Admin::On | Admin::Desirable | Admin::Auto),
        (Admin::Auto, false, Some(n)) => matches!(n, Admin::On | Admin::Desirable),
        (_, false, None) => false,
    }
}

/// A DTP hello.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hello {
    pub admin: Admin,
    /// The sender trunks now (the status TLV's operational bit).
    pub trunking: bool,
    pub sender: Mac,
}

fn tlv(out: &mut Vec<u8>, kind: u16, value: &[u8]) {
    out.extend_from_slice(&kind.to_be_bytes());
    out.extend_from_slice(&((value.len() + 4) as u16).to_be_bytes());
    out.extend_from_slice(value);
}

pub fn frame(src: Mac, hello: &Hello) -> Vec<u8> {
    let mut pdu = vec![VERSION];
    // An empty VTP domain, as a switch fresh from the box sends.
    tlv(&mut pdu, 1, &[0; 9]);
    tlv(&mut pdu, 2, &[hello.admin.code() | if hello.trunking { 0x80 } else { 0 }]);
    // 802.1Q operational and administrative trunk type.
    tlv(&mut pdu, 3, &[0xa5]);
    tlv(&mut pdu, 4, &hello.sender.0);
    super::ethernet::cisco_snap_frame(DST, src, PID, &pdu)
}

pub fn parse(frame: &[u8]) -> Option<Hello> {
    let pdu = super::ethernet::cisco_snap_payload(frame, DST, PID)?;
    if pdu.first() != Some(&VERSION) {
        return None;
    }
    let (mut admin, mut trunking, mut sender) = (None, false, None);
    let mut i = 1;
    while i + 4 <= pdu.len() {
        let kind = u16::from_be_bytes([pdu[i], pdu[i + 1]]);
        let l = usize::from(u16::from_be_bytes([pdu[i + 2], pdu[i + 3]]));
        let v = pdu.get(i + 4..i + l.max(4))?;
        match kind {
            2 if !v.is_empty() => {
                admin = Admin::from_code(v[0]);
                trunking = v[0] & 0x80 != 0;
            }
            4 if v.len() == 6 => sender = Some(Mac([v[0], v[1], v[2], v[3], v[4], v[5]])),
            _ => {}
        }
        i += l.max(4);
    }
    Some(Hello { admin: admin?, trunking, sender: sender? })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_and_not_mistaken_for_cdp_or_pagp() {
        let h = Hello { admin: Admin::Desirable, trunking: true, sender: Mac([0, 0x0d, 0xbd, 1, 2, 3]) };
        let f = frame(Mac([0, 0x0d, 0xbd, 1, 2, 3]), &h);
        assert_eq!(parse(&f), Some(h));
        assert_eq!(crate::proto::cdp::parse(&f), None);
        assert_eq!(crate::proto::pagp::parse(&f), None);
    }

    #[test]
    fn the_trunking_matrix_of_a_2960() {
        use PortMode::*;
        let t = |a, b| trunks(a, false, Some(Admin::of(b)));
        assert!(t(Some(DynamicDesirable), Some(DynamicAuto)));
        assert!(t(Some(DynamicDesirable), Some(DynamicDesirable)));
        assert!(t(Some(DynamicAuto), Some(Trunk)));
        assert!(!t(Some(DynamicAuto), Some(DynamicAuto)), "auto with auto stays access");
        assert!(!t(None, None), "two switches out of the box do not trunk");
        assert!(!t(Some(DynamicDesirable), Some(Access)));
        assert!(!trunks(Some(DynamicDesirable), false, None), "nobody to negotiate with (a PC)");
        assert!(trunks(Some(Trunk), true, None));
        assert!(!trunks(Some(DynamicDesirable), true, Some(Admin::On)), "nonegotiate on a dynamic port");
    }
}
