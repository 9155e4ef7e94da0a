//! Dynamic Trunking Protocol (Cisco): the frame (SNAP, PID 0x2004, to
//! 01:00:0c:cc:cc:cc) with domain, status, type and neighbour TLVs, and the
//! rule that decides whether a link trunks from both ends' modes.

use super::dissect::{self, u16_at, Dissected, Layer, LayerBuilder};
use super::vlan::PortMode;
use super::Mac;

/// The PDU, from its first byte (after the SNAP header): a version, then TLVs.
mod field {
    use core::ops::RangeFrom;
    pub type Rest = RangeFrom<usize>;

    pub const VERSION: usize = 0;
    pub const TLVS: Rest = 1..;
}

/// A TLV, from its first byte. Its length counts the type and length fields.
mod tlv_field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const TYPE: Field = 0..2;
    pub const LENGTH: Field = 2..4;
    pub const VALUE: Rest = 4..;

    /// The status TLV's one byte: the administrative mode (low 3 bits) and
    /// whether the port trunks now (the high bit).
    pub const STATUS_ADMIN: u8 = 0x07;
    pub const STATUS_TRUNKING: u8 = 0x80;
}

pub const DST: Mac = Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
pub const PID: u16 = 0x2004;
const VERSION: u8 = 1;
const TLV_DOMAIN: u16 = 1;
const TLV_STATUS: u16 = 2;
const TLV_TRUNK_TYPE: u16 = 3;
const TLV_NEIGHBOR: u16 = 4;
/// An empty VTP domain, as a switch fresh from the box sends.
const EMPTY_DOMAIN: [u8; 9] = [0; 9];
/// The trunk type TLV: 802.1Q both as operated and as administered.
const TRUNK_TYPE_DOT1Q: u8 = 0xa5;
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
        Some(match c & tlv_field::STATUS_ADMIN {
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

impl Hello {
    /// The status TLV's byte.
    fn status(&self) -> [u8; 1] {
        [self.admin.code() | if self.trunking { tlv_field::STATUS_TRUNKING } else { 0 }]
    }

    /// The TLVs a hello carries, in order.
    fn tlvs<'a>(&'a self, status: &'a [u8; 1]) -> [(u16, &'a [u8]); 4] {
        [
            (TLV_DOMAIN, &EMPTY_DOMAIN),
            (TLV_STATUS, status),
            (TLV_TRUNK_TYPE, &[TRUNK_TYPE_DOT1Q]),
            (TLV_NEIGHBOR, &self.sender.0),
        ]
    }

    /// The PDU's length: the version and four TLVs.
    pub fn buffer_len(&self) -> usize {
        let tlvs = self.tlvs(&[0]);
        field::TLVS.start + tlvs.iter().map(|(_, value)| tlv_field::VALUE.start + value.len()).sum::<usize>()
    }

    /// Write the PDU into `buf` (exactly `buffer_len()` long).
    pub fn emit(&self, buf: &mut [u8]) {
        buf[field::VERSION] = VERSION;
        let status = self.status();
        let mut at = field::TLVS.start;
        for (kind, value) in self.tlvs(&status) {
            let len = tlv_field::VALUE.start + value.len();
            let tlv = &mut buf[at..at + len];
            tlv[tlv_field::TYPE].copy_from_slice(&kind.to_be_bytes());
            tlv[tlv_field::LENGTH].copy_from_slice(&(len as u16).to_be_bytes());
            tlv[tlv_field::VALUE].copy_from_slice(value);
            at += len;
        }
    }

    /// A hello (from its version byte); `None` without a status and a
    /// neighbour TLV, or if a TLV runs past the end.
    pub fn parse(pdu: &[u8]) -> Option<Self> {
        if pdu.get(field::VERSION) != Some(&VERSION) {
            return None;
        }
        let (mut admin, mut trunking, mut sender) = (None, false, None);
        let mut at = field::TLVS.start;
        while let Some(tlv) = pdu.get(at..).filter(|tlv| tlv.len() >= tlv_field::VALUE.start) {
            let kind = u16_at(tlv, tlv_field::TYPE)?;
            // A length short of the header still moves past the header.
            let len = usize::from(u16_at(tlv, tlv_field::LENGTH)?).max(tlv_field::VALUE.start);
            let value = tlv.get(tlv_field::VALUE.start..len)?;
            match (kind, value) {
                (TLV_STATUS, [status, ..]) => {
                    admin = Admin::from_code(*status);
                    trunking = status & tlv_field::STATUS_TRUNKING != 0;
                }
                (TLV_NEIGHBOR, &[a, b, c, d, e, f]) => sender = Some(Mac([a, b, c, d, e, f])),
                _ => {}
            }
            at += len;
        }
        Some(Hello { admin: admin?, trunking, sender: sender? })
    }
}

/// The whole Ethernet (802.3 + SNAP) frame.
pub fn frame(src: Mac, hello: &Hello) -> Vec<u8> {
    let mut pdu = vec![0u8; hello.buffer_len()];
    hello.emit(&mut pdu);
    super::ethernet::cisco_snap_frame(DST, src, PID, &pdu)
}

/// What a frame to [`DST`] with this protocol's SNAP id says; `None` for any other frame.
pub fn parse(frame: &[u8]) -> Option<Hello> {
    Hello::parse(super::ethernet::cisco_snap_payload(frame, DST, PID)?)
}

fn tlv_name(kind: u16) -> &'static str {
    match kind {
        TLV_DOMAIN => "Domain",
        TLV_STATUS => "Status",
        TLV_TRUNK_TYPE => "DTP Type",
        TLV_NEIGHBOR => "Neighbor",
        _ => "TLV",
    }
}

fn tlv_text(kind: u16, value: &[u8]) -> String {
    match (kind, value) {
        (TLV_DOMAIN, _) => domain_text(value),
        (TLV_STATUS, [status]) => format!("0x{status:02x} ({})", status_text(*status)),
        (TLV_TRUNK_TYPE, [TRUNK_TYPE_DOT1Q]) => format!("0x{TRUNK_TYPE_DOT1Q:02x} (802.1Q)"),
        (TLV_NEIGHBOR, _) => dissect::mac(value),
        (TLV_STATUS | TLV_TRUNK_TYPE, _) => dissect::hex(value),
        (kind, _) => format!("type {kind}: {}", dissect::preview(value)),
    }
}

/// Dissect a DTP PDU: the version, then one field per TLV.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("DTP", "DTP", bytes, base);
    layer.byte("Version", field::VERSION, |v| v.to_string());
    let tlvs = dissect::cisco_tlvs(&mut layer, field::TLVS.start, None, tlv_name, tlv_text);
    let status = tlvs.iter().find_map(|t| match (t.kind, t.value) {
        (TLV_STATUS, [s]) => Some(*s),
        _ => None,
    });
    let neighbor = tlvs.iter().find_map(|t| match (t.kind, t.value) {
        (TLV_NEIGHBOR, value @ [_, _, _, _, _, _]) => Some(dissect::mac(value)),
        _ => None,
    });
    if let (Some(status), Some(neighbor)) = (status, neighbor) {
        layer.info(format!("Status {} Neighbor {neighbor}", status_text(status)));
    }
    layer.finish(out)?;
    Ok(None)
}

/// `Trunk, Desirable`: what the port does now, and its administrative mode.
fn status_text(status: u8) -> String {
    let now = if status & tlv_field::STATUS_TRUNKING != 0 { "Trunk" } else { "Access" };
    let admin = match Admin::from_code(status) {
        Some(Admin::On) => "On",
        Some(Admin::Off) => "Off",
        Some(Admin::Desirable) => "Desirable",
        Some(Admin::Auto) => "Auto",
        None => "unknown mode",
    };
    format!("{now}, {admin}")
}

/// A VTP domain name, as sent NUL-padded.
fn domain_text(value: &[u8]) -> String {
    let name = dissect::text(value);
    let name = name.trim_end_matches('\0');
    if name.is_empty() {
        "(none)".to_string()
    } else {
        name.to_string()
    }
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
    fn the_tables_and_the_pdu_on_the_wire() {
        use crate::proto::dissect::testing::{assert_contiguous, one};
        assert_contiguous(&[("version", one(field::VERSION))], field::TLVS.start);
        assert_contiguous(&[("type", tlv_field::TYPE), ("length", tlv_field::LENGTH)], tlv_field::VALUE.start);
        let h = Hello { admin: Admin::Auto, trunking: false, sender: Mac([0, 0x0d, 0xbd, 1, 2, 3]) };
        let mut pdu = vec![0xffu8; h.buffer_len()];
        h.emit(&mut pdu);
        let tlvs = "0001000d 000000000000000000 00020005 04 00030005 a5 0004000a 000dbd010203";
        assert_eq!(dissect::hex(&pdu), format!("0x01{}", tlvs.replace(' ', "")));
        assert_eq!(Hello::parse(&pdu), Some(h));
        assert_eq!(Hello::parse(&pdu[..pdu.len() - 1]), None, "the neighbour TLV runs past the end");
        assert_eq!(Hello::parse(&pdu[..pdu.len() - 10]), None, "no neighbour");
    }

    #[test]
    fn dissect_a_hello() {
        use crate::proto::dissect::{dissect, summary, testing::*, LinkType};
        let h = Hello { admin: Admin::Desirable, trunking: true, sender: Mac([0, 0x0d, 0xbd, 1, 2, 3]) };
        let f = frame(Mac([0, 0x0d, 0xbd, 1, 2, 3]), &h);
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["IEEE 802.3 Ethernet", "Logical-Link Control", "DTP", "Padding"]);
        let dtp = &layers[2];
        assert_eq!(dtp.range, 22..56);
        assert_eq!(dtp.field("Domain"), Some("(none)"));
        assert_eq!(dtp.field("Status"), Some("0x83 (Trunk, Desirable)"));
        assert_eq!(dtp.field("DTP Type"), Some("0xa5 (802.1Q)"));
        assert_eq!(dtp.field("Neighbor"), Some("000d.bd01.0203"));
        assert_eq!(layers[1].field("PID"), Some("DTP (0x2004)"));
        assert_eq!(summary(&f, LinkType::Ethernet), "DTP Status Trunk, Desirable Neighbor 000d.bd01.0203");
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
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
