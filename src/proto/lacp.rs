//! Link Aggregation Control Protocol (IEEE 802.1AX): the LACPDU (slow
//! protocols EtherType 0x8809, subtype 1, to 01:80:c2:00:00:02) with its
//! actor, partner, collector and terminator TLVs.

use smoltcp::wire::EthernetProtocol;

use super::dissect::{self, mac_at, u16_at, Dissected, Layer, LayerBuilder};
use super::{ethernet, Mac};

/// The LACPDU, from its first byte (after the Ethernet header). Its TLVs
/// come in a fixed order at fixed places; each TLV's length counts its
/// type and length bytes.
mod field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    /// The slow protocol: 1, LACP.
    pub const SUBTYPE: usize = 0;
    pub const VERSION: usize = 1;
    pub const ACTOR_TLV_TYPE: usize = 2;
    pub const ACTOR_TLV_LEN: usize = 3;
    pub const ACTOR_INFO: Field = 4..22;
    pub const PARTNER_TLV_TYPE: usize = 22;
    pub const PARTNER_TLV_LEN: usize = 23;
    pub const PARTNER_INFO: Field = 24..42;
    pub const COLLECTOR_TLV_TYPE: usize = 42;
    pub const COLLECTOR_TLV_LEN: usize = 43;
    /// In tens of microseconds: how long the collector may hold a frame.
    pub const COLLECTOR_MAX_DELAY: Field = 44..46;
    pub const COLLECTOR_RESERVED: Field = 46..58;
    pub const TERMINATOR_TLV_TYPE: usize = 58;
    pub const TERMINATOR_TLV_LEN: usize = 59;
    /// Zeros to the fixed LACPDU size.
    pub const RESERVED: Field = 60..110;
}

/// One side's information, inside `ACTOR_INFO` or `PARTNER_INFO`.
mod info_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const SYSTEM_PRIORITY: Field = 0..2;
    pub const SYSTEM: Field = 2..8;
    pub const KEY: Field = 8..10;
    pub const PORT_PRIORITY: Field = 10..12;
    pub const PORT: Field = 12..14;
    pub const STATE: usize = 14;
    pub const RESERVED: Field = 15..18;
}

pub const DST: Mac = Mac([0x01, 0x80, 0xc2, 0x00, 0x00, 0x02]);
pub const ETHERTYPE: u16 = 0x8809;
/// The LACPDU's fixed size.
pub const LACPDU_LEN: usize = field::RESERVED.end;
const SUBTYPE: u8 = 1;
const VERSION: u8 = 1;
const ACTOR_TLV: u8 = 1;
const PARTNER_TLV: u8 = 2;
const COLLECTOR_TLV: u8 = 3;
const TERMINATOR_TLV: u8 = 0;
const INFO_TLV_LEN: u8 = (field::ACTOR_INFO.end - field::ACTOR_TLV_TYPE) as u8;
const COLLECTOR_TLV_LEN: u8 = (field::COLLECTOR_RESERVED.end - field::COLLECTOR_TLV_TYPE) as u8;
/// Actor and partner state bits.
pub const ACTIVITY: u8 = 0x01;
pub const TIMEOUT: u8 = 0x02;
pub const AGGREGATION: u8 = 0x04;
pub const SYNCHRONIZATION: u8 = 0x08;
pub const COLLECTING: u8 = 0x10;
pub const DISTRIBUTING: u8 = 0x20;
pub const DEFAULTED: u8 = 0x40;
pub const EXPIRED: u8 = 0x80;
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

impl Info {
    fn parse(bytes: &[u8]) -> Option<Self> {
        Some(Info {
            system_priority: u16_at(bytes, info_field::SYSTEM_PRIORITY)?,
            system: mac_at(bytes, info_field::SYSTEM)?,
            key: u16_at(bytes, info_field::KEY)?,
            port_priority: u16_at(bytes, info_field::PORT_PRIORITY)?,
            port: u16_at(bytes, info_field::PORT)?,
            state: *bytes.get(info_field::STATE)?,
        })
    }

    fn emit(&self, buf: &mut [u8]) {
        buf[info_field::SYSTEM_PRIORITY].copy_from_slice(&self.system_priority.to_be_bytes());
        buf[info_field::SYSTEM].copy_from_slice(&self.system.0);
        buf[info_field::KEY].copy_from_slice(&self.key.to_be_bytes());
        buf[info_field::PORT_PRIORITY].copy_from_slice(&self.port_priority.to_be_bytes());
        buf[info_field::PORT].copy_from_slice(&self.port.to_be_bytes());
        buf[info_field::STATE] = self.state;
        buf[info_field::RESERVED].fill(0);
    }
}

impl Lacpdu {
    /// A LACPDU (from its subtype byte); `None` unless it is a whole one with
    /// the actor and partner TLVs in their places.
    pub fn parse(pdu: &[u8]) -> Option<Self> {
        if pdu.len() < LACPDU_LEN {
            return None;
        }
        let tlv = |kind: usize, len: usize| Some((*pdu.get(kind)?, *pdu.get(len)?));
        if *pdu.get(field::SUBTYPE)? != SUBTYPE
            || tlv(field::ACTOR_TLV_TYPE, field::ACTOR_TLV_LEN)? != (ACTOR_TLV, INFO_TLV_LEN)
            || tlv(field::PARTNER_TLV_TYPE, field::PARTNER_TLV_LEN)? != (PARTNER_TLV, INFO_TLV_LEN)
        {
            return None;
        }
        Some(Lacpdu {
            actor: Info::parse(pdu.get(field::ACTOR_INFO)?)?,
            partner: Info::parse(pdu.get(field::PARTNER_INFO)?)?,
        })
    }

    /// Write the LACPDU into `buf` (exactly [`LACPDU_LEN`] long): collector
    /// max delay 0, and zeros after the terminator.
    pub fn emit(&self, buf: &mut [u8]) {
        buf[field::SUBTYPE] = SUBTYPE;
        buf[field::VERSION] = VERSION;
        buf[field::ACTOR_TLV_TYPE] = ACTOR_TLV;
        buf[field::ACTOR_TLV_LEN] = INFO_TLV_LEN;
        self.actor.emit(&mut buf[field::ACTOR_INFO]);
        buf[field::PARTNER_TLV_TYPE] = PARTNER_TLV;
        buf[field::PARTNER_TLV_LEN] = INFO_TLV_LEN;
        self.partner.emit(&mut buf[field::PARTNER_INFO]);
        buf[field::COLLECTOR_TLV_TYPE] = COLLECTOR_TLV;
        buf[field::COLLECTOR_TLV_LEN] = COLLECTOR_TLV_LEN;
        buf[field::COLLECTOR_MAX_DELAY].fill(0);
        buf[field::COLLECTOR_RESERVED].fill(0);
        buf[field::TERMINATOR_TLV_TYPE] = TERMINATOR_TLV;
        buf[field::TERMINATOR_TLV_LEN] = 0;
        buf[field::RESERVED].fill(0);
    }
}

/// The whole Ethernet II frame (124 bytes: the 110-byte LACPDU after the header).
pub fn frame(src: Mac, pdu: &Lacpdu) -> Vec<u8> {
    ethernet::build(DST, src, EthernetProtocol::from(ETHERTYPE), LACPDU_LEN, |buf| pdu.emit(buf))
}

pub fn parse(frame: &[u8]) -> Option<Lacpdu> {
    if frame.len() < ethernet::HEADER_LEN + LACPDU_LEN {
        return None;
    }
    let header = ethernet::parse(frame)?;
    if header.dst_addr != DST || u16::from(header.ethertype) != ETHERTYPE {
        return None;
    }
    Lacpdu::parse(frame.get(ethernet::HEADER_LEN..)?)
}

/// Where one side's TLV lies, and the names the dissector gives its fields.
struct Side {
    kind: u8,
    tlv_type_at: usize,
    tlv_len_at: usize,
    info_at: dissect::Field,
    tlv_type: &'static str,
    tlv_len: &'static str,
    system_priority: &'static str,
    system: &'static str,
    key: &'static str,
    port_priority: &'static str,
    port: &'static str,
    state: &'static str,
    reserved: &'static str,
}

const ACTOR: Side = Side {
    kind: ACTOR_TLV,
    tlv_type_at: field::ACTOR_TLV_TYPE,
    tlv_len_at: field::ACTOR_TLV_LEN,
    info_at: field::ACTOR_INFO,
    tlv_type: "Actor Information",
    tlv_len: "Actor Information Length",
    system_priority: "Actor System Priority",
    system: "Actor System",
    key: "Actor Key",
    port_priority: "Actor Port Priority",
    port: "Actor Port",
    state: "Actor State",
    reserved: "Actor Reserved",
};

const PARTNER: Side = Side {
    kind: PARTNER_TLV,
    tlv_type_at: field::PARTNER_TLV_TYPE,
    tlv_len_at: field::PARTNER_TLV_LEN,
    info_at: field::PARTNER_INFO,
    tlv_type: "Partner Information",
    tlv_len: "Partner Information Length",
    system_priority: "Partner System Priority",
    system: "Partner System",
    key: "Partner Key",
    port_priority: "Partner Port Priority",
    port: "Partner Port",
    state: "Partner State",
    reserved: "Partner Reserved",
};

/// Dissect a slow-protocols PDU: a LACPDU field by field, any other subtype
/// as data.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("LACP", "LACP", bytes, base);
    let subtype = layer.byte("Subtype", field::SUBTYPE, |s| match s {
        SUBTYPE => "LACP (1)".to_string(),
        2 => "Marker (2)".to_string(),
        s => s.to_string(),
    });
    if subtype.is_some_and(|s| s != SUBTYPE) {
        layer.rename("Slow Protocols");
        layer.finish(out)?;
        let rest = bytes.get(field::VERSION..).unwrap_or_default();
        dissect::push_data(rest, base + field::VERSION, out);
        return Ok(None);
    }
    layer.byte("Version", field::VERSION, |v| v.to_string());
    let actor = dissect_info(&mut layer, &ACTOR);
    let partner = dissect_info(&mut layer, &PARTNER);
    layer.byte("Collector Information", field::COLLECTOR_TLV_TYPE, |t| tlv_text(t, COLLECTOR_TLV));
    layer.byte("Collector Information Length", field::COLLECTOR_TLV_LEN, |n| n.to_string());
    layer.u16("Collector Max Delay", field::COLLECTOR_MAX_DELAY, |d| format!("{} µs", u32::from(d) * 10));
    layer.field("Collector Reserved", field::COLLECTOR_RESERVED, dissect::hex);
    layer.byte("Terminator", field::TERMINATOR_TLV_TYPE, |t| tlv_text(t, TERMINATOR_TLV));
    layer.byte("Terminator Length", field::TERMINATOR_TLV_LEN, |n| n.to_string());
    layer.field("Reserved", field::RESERVED, dissect::preview);
    if let (Some(actor), Some(partner)) = (actor, partner) {
        layer.info(format!("Actor {} Partner {}", info_summary(&actor), info_summary(&partner)));
    }
    layer.finish(out)?;
    Ok(None)
}

/// One side's TLV header and information; what it says if all of it is there.
fn dissect_info(layer: &mut LayerBuilder, side: &Side) -> Option<Info> {
    let at = |f: dissect::Field| side.info_at.start + f.start..side.info_at.start + f.end;
    let kind = layer.byte(side.tlv_type, side.tlv_type_at, |t| tlv_text(t, side.kind));
    let len = layer.byte(side.tlv_len, side.tlv_len_at, |n| n.to_string());
    layer.u16(side.system_priority, at(info_field::SYSTEM_PRIORITY), |p| p.to_string());
    layer.field(side.system, at(info_field::SYSTEM), dissect::mac);
    layer.u16(side.key, at(info_field::KEY), |k| k.to_string());
    layer.u16(side.port_priority, at(info_field::PORT_PRIORITY), |p| p.to_string());
    layer.u16(side.port, at(info_field::PORT), |p| p.to_string());
    let state = side.info_at.start + info_field::STATE;
    layer.byte(side.state, state, |s| format!("0x{s:02x} ({})", state_text(s)));
    layer.field(side.reserved, at(info_field::RESERVED), dissect::hex);
    if let (Some(kind), Some(len)) = (kind, len) {
        if (kind, len) != (side.kind, INFO_TLV_LEN) {
            layer.invalid("actor or partner TLV out of place");
        }
    }
    Info::parse(layer.bytes().get(side.info_at.clone())?)
}

/// `Actor Information (1)` where the TLV is the one expected there.
fn tlv_text(kind: u8, expected: u8) -> String {
    let name = match kind {
        ACTOR_TLV => "Actor Information",
        PARTNER_TLV => "Partner Information",
        COLLECTOR_TLV => "Collector Information",
        TERMINATOR_TLV => "Terminator",
        _ => return kind.to_string(),
    };
    let unexpected = if kind == expected { "" } else { ", out of place" };
    format!("{name} ({kind}{unexpected})")
}

/// `Activity, Aggregation, Synchronization`.
fn state_text(state: u8) -> String {
    let names = [
        (ACTIVITY, "Activity"),
        (TIMEOUT, "Short Timeout"),
        (AGGREGATION, "Aggregation"),
        (SYNCHRONIZATION, "Synchronization"),
        (COLLECTING, "Collecting"),
        (DISTRIBUTING, "Distributing"),
        (DEFAULTED, "Defaulted"),
        (EXPIRED, "Expired"),
    ];
    dissect::flag_names(u32::from(state), &names.map(|(bit, name)| (u32::from(bit), name)))
}

/// `000d.bd01.0203 port 258 key 1 state 0x0d`.
fn info_summary(info: &Info) -> String {
    format!("{} port {} key {} state 0x{:02x}", ethernet::cisco_format(info.system), info.port, info.key, info.state)
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

    #[test]
    fn the_tables_tile_the_lacpdu() {
        use crate::proto::dissect::testing::{assert_contiguous, one};
        assert_contiguous(
            &[
                ("subtype", one(field::SUBTYPE)),
                ("version", one(field::VERSION)),
                ("actor type", one(field::ACTOR_TLV_TYPE)),
                ("actor len", one(field::ACTOR_TLV_LEN)),
                ("actor", field::ACTOR_INFO),
                ("partner type", one(field::PARTNER_TLV_TYPE)),
                ("partner len", one(field::PARTNER_TLV_LEN)),
                ("partner", field::PARTNER_INFO),
                ("collector type", one(field::COLLECTOR_TLV_TYPE)),
                ("collector len", one(field::COLLECTOR_TLV_LEN)),
                ("max delay", field::COLLECTOR_MAX_DELAY),
                ("collector reserved", field::COLLECTOR_RESERVED),
                ("terminator type", one(field::TERMINATOR_TLV_TYPE)),
                ("terminator len", one(field::TERMINATOR_TLV_LEN)),
                ("reserved", field::RESERVED),
            ],
            LACPDU_LEN,
        );
        assert_eq!(LACPDU_LEN, 110);
        let info = [
            ("system priority", info_field::SYSTEM_PRIORITY),
            ("system", info_field::SYSTEM),
            ("key", info_field::KEY),
            ("port priority", info_field::PORT_PRIORITY),
            ("port", info_field::PORT),
            ("state", one(info_field::STATE)),
            ("reserved", info_field::RESERVED),
        ];
        assert_contiguous(&info, field::ACTOR_INFO.len());
        assert_contiguous(&info, field::PARTNER_INFO.len());
        assert_eq!((INFO_TLV_LEN, COLLECTOR_TLV_LEN), (20, 16));
    }

    fn sample() -> Lacpdu {
        Lacpdu {
            actor: Info {
                system_priority: DEFAULT_PRIORITY,
                system: Mac([0, 0x0d, 0xbd, 1, 2, 3]),
                key: 1,
                port_priority: DEFAULT_PRIORITY,
                port: 0x0102,
                state: ACTIVITY | AGGREGATION | SYNCHRONIZATION,
            },
            partner: Info { state: DEFAULTED, ..Info::default() },
        }
    }

    #[test]
    fn the_lacpdu_on_the_wire() {
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &sample());
        assert_eq!(&f[12..16], &[0x88, 0x09, 1, 1]);
        // Actor TLV: type, length, priority, system, key, port priority, port, state, reserved.
        let actor = "01 14 8000 000dbd010203 0001 8000 0102 0d 000000".replace(' ', "");
        assert_eq!(dissect::hex(&f[16..36]), format!("0x{actor}"));
        assert_eq!(&f[36..40], &[2, 20, 0, 0], "partner TLV");
        assert_eq!(f[52], DEFAULTED);
        assert_eq!(&f[56..60], &[3, 16, 0, 0], "collector TLV");
        assert_eq!(&f[72..74], &[0, 0], "terminator");
        assert!(f[74..].iter().all(|&b| b == 0));
        let mut buf = [0xffu8; LACPDU_LEN];
        sample().emit(&mut buf);
        assert_eq!(&buf[..], &f[14..], "emit writes every byte");
        assert_eq!(Lacpdu::parse(&buf), Some(sample()));
    }

    #[test]
    fn dissect_a_lacpdu() {
        use crate::proto::dissect::{dissect, summary, testing::*, LinkType, DATA};
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &sample());
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "LACP"]);
        assert_eq!(layers[0].field("Type"), Some("Slow Protocols (0x8809)"));
        let lacp = &layers[1];
        assert_eq!(lacp.range, 14..124);
        assert_eq!(lacp.field("Actor System"), Some("000d.bd01.0203"));
        assert_eq!(lacp.field("Actor Port"), Some("258"));
        assert_eq!(lacp.field("Actor State"), Some("0x0d (Activity, Aggregation, Synchronization)"));
        assert_eq!(lacp.field("Partner State"), Some("0x40 (Defaulted)"));
        assert_eq!(lacp.field("Partner Information"), Some("Partner Information (2)"));
        assert_eq!(
            summary(&f, LinkType::Ethernet),
            "LACP Actor 000d.bd01.0203 port 258 key 1 state 0x0d Partner 0000.0000.0000 port 0 key 0 state 0x40"
        );
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
        let mut marker = f.clone();
        marker[14] = 2;
        let layers = dissect(&marker, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "Slow Protocols", DATA]);
        assert_eq!(layers[2].range, 15..124);
    }
}
