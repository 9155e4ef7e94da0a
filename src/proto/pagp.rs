//! Port Aggregation Protocol (Cisco): the information PDU (SNAP, PID
//! 0x0104, to 01:00:0c:cc:cc:cc, the address CDP also uses) with the
//! sender's and its partner's device ids, and the device and port names.

use super::dissect::{self, mac_at, u16_at, u32_at, Dissected, Layer, LayerBuilder};
use super::Mac;

/// The information PDU, from its first byte (after the SNAP header): a fixed
/// part for the sender and its partner, then TLVs.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const VERSION: usize = 0;
    pub const FLAGS: usize = 1;
    pub const DEVICE: Field = 2..8;
    pub const LEARN_CAPABILITY: usize = 8;
    pub const PORT_PRIORITY: usize = 9;
    pub const PORT_IFINDEX: Field = 10..14;
    pub const GROUP_CAPABILITY: Field = 14..18;
    pub const GROUP_IFINDEX: Field = 18..22;
    /// What the sender has heard from the other end (zeros before it has).
    pub const PARTNER_DEVICE: Field = 22..28;
    pub const PARTNER_LEARN_CAPABILITY: usize = 28;
    pub const PARTNER_PORT_PRIORITY: usize = 29;
    pub const PARTNER_PORT_IFINDEX: Field = 30..34;
    pub const PARTNER_GROUP_CAPABILITY: Field = 34..38;
    pub const PARTNER_GROUP_IFINDEX: Field = 38..42;
    pub const PARTNER_COUNT: Field = 42..44;
    pub const TLV_COUNT: Field = 44..46;
    pub const TLVS: Rest = 46..;
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

pub const DST: Mac = Mac([0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc]);
pub const PID: u16 = 0x0104;
const INFO_VERSION: u8 = 1;
/// Flags: the sender sends its hellos slowly (every 105 s instead of 30).
pub const SLOW_HELLO: u8 = 0x01;
/// Flags: the sender is in `auto` mode (it waits for a partner).
pub const AUTO: u8 = 0x02;
/// Flags: the sender's view of the link is consistent (ready to bundle).
pub const CONSISTENT: u8 = 0x04;
/// What this implementation says of itself: it learns addresses by source
/// port, at the default port priority, in a port that can join a group.
const LEARN_BY_SOURCE: u8 = 1;
const DEFAULT_PORT_PRIORITY: u8 = 128;
const GROUP_CAPABLE: u32 = 1;
const TLV_DEVICE_NAME: u16 = 1;
const TLV_PORT_NAME: u16 = 2;
const TLV_AGPORT_MAC: u16 = 3;

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

impl Info {
    fn names(&self) -> [(u16, &str); 2] {
        [(TLV_DEVICE_NAME, &self.device_name), (TLV_PORT_NAME, &self.port_name)]
    }

    /// The PDU's length: the fixed part and the two name TLVs.
    pub fn buffer_len(&self) -> usize {
        field::TLVS.start + self.names().iter().map(|(_, name)| tlv_field::VALUE.start + name.len()).sum::<usize>()
    }

    /// Write the PDU into `buf` (exactly `buffer_len()` long). The partner's
    /// port details are not tracked, so they go out as zeros.
    pub fn emit(&self, buf: &mut [u8]) {
        let heard = self.partner_device != Mac([0; 6]);
        buf[field::VERSION] = INFO_VERSION;
        buf[field::FLAGS] = self.flags;
        buf[field::DEVICE].copy_from_slice(&self.device.0);
        buf[field::LEARN_CAPABILITY] = LEARN_BY_SOURCE;
        buf[field::PORT_PRIORITY] = DEFAULT_PORT_PRIORITY;
        buf[field::PORT_IFINDEX].copy_from_slice(&self.port_ifindex.to_be_bytes());
        buf[field::GROUP_CAPABILITY].copy_from_slice(&GROUP_CAPABLE.to_be_bytes());
        buf[field::GROUP_IFINDEX].copy_from_slice(&self.group_ifindex.to_be_bytes());
        buf[field::PARTNER_DEVICE].copy_from_slice(&self.partner_device.0);
        buf[field::PARTNER_LEARN_CAPABILITY] = LEARN_BY_SOURCE;
        buf[field::PARTNER_PORT_PRIORITY] = DEFAULT_PORT_PRIORITY;
        buf[field::PARTNER_PORT_IFINDEX].fill(0);
        buf[field::PARTNER_GROUP_CAPABILITY].fill(0);
        buf[field::PARTNER_GROUP_IFINDEX].fill(0);
        buf[field::PARTNER_COUNT].copy_from_slice(&u16::from(heard).to_be_bytes());
        let names = self.names();
        buf[field::TLV_COUNT].copy_from_slice(&(names.len() as u16).to_be_bytes());
        let mut at = field::TLVS.start;
        for (kind, text) in names {
            let len = tlv_field::VALUE.start + text.len();
            let tlv = &mut buf[at..at + len];
            tlv[tlv_field::TYPE].copy_from_slice(&kind.to_be_bytes());
            tlv[tlv_field::LENGTH].copy_from_slice(&(len as u16).to_be_bytes());
            tlv[tlv_field::VALUE].copy_from_slice(text.as_bytes());
            at += len;
        }
    }

    /// An information PDU (from its version byte); `None` if it is another
    /// version, or cut short before the TLVs its count promises.
    pub fn parse(pdu: &[u8]) -> Option<Self> {
        if pdu.len() < field::TLVS.start || *pdu.get(field::VERSION)? != INFO_VERSION {
            return None;
        }
        let mut info = Info {
            flags: *pdu.get(field::FLAGS)?,
            device: mac_at(pdu, field::DEVICE)?,
            port_ifindex: u32_at(pdu, field::PORT_IFINDEX)?,
            group_ifindex: u32_at(pdu, field::GROUP_IFINDEX)?,
            partner_device: mac_at(pdu, field::PARTNER_DEVICE)?,
            device_name: String::new(),
            port_name: String::new(),
        };
        let mut at = field::TLVS.start;
        for _ in 0..u16_at(pdu, field::TLV_COUNT)? {
            let tlv = pdu.get(at..)?;
            let kind = u16_at(tlv, tlv_field::TYPE)?;
            // A length short of the header still moves past the header.
            let len = usize::from(u16_at(tlv, tlv_field::LENGTH)?).max(tlv_field::VALUE.start);
            let value = tlv.get(tlv_field::VALUE.start..len)?;
            match kind {
                TLV_DEVICE_NAME => info.device_name = String::from_utf8_lossy(value).to_string(),
                TLV_PORT_NAME => info.port_name = String::from_utf8_lossy(value).to_string(),
                _ => {}
            }
            at += len;
        }
        Some(info)
    }
}

/// The whole Ethernet (802.3 + SNAP) frame.
pub fn frame(src: Mac, info: &Info) -> Vec<u8> {
    let mut pdu = vec![0u8; info.buffer_len()];
    info.emit(&mut pdu);
    super::ethernet::cisco_snap_frame(DST, src, PID, &pdu)
}

/// What a frame to [`DST`] with this protocol's SNAP id says; `None` for any other frame.
pub fn parse(frame: &[u8]) -> Option<Info> {
    Info::parse(super::ethernet::cisco_snap_payload(frame, DST, PID)?)
}

/// Dissect a PAgP PDU: an information PDU field by field and TLV by TLV;
/// other versions (flush PDUs) as data.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("PAgP", "PAgP", bytes, base);
    let version = layer.byte("Version", field::VERSION, |v| match v {
        INFO_VERSION => "Info (1)".to_string(),
        2 => "Flush (2)".to_string(),
        v => v.to_string(),
    });
    if version.is_some_and(|v| v != INFO_VERSION) {
        layer.finish(out)?;
        dissect::push_data(bytes.get(field::FLAGS..).unwrap_or_default(), base + field::FLAGS, out);
        return Ok(None);
    }
    let flags = layer.byte("Flags", field::FLAGS, |f| format!("0x{f:02x} ({})", flag_text(f)));
    let device = layer.field("Device ID", field::DEVICE, dissect::mac);
    layer.byte("Learn Capability", field::LEARN_CAPABILITY, learn_text);
    layer.byte("Port Priority", field::PORT_PRIORITY, |p| p.to_string());
    layer.u32("Sent Port ifIndex", field::PORT_IFINDEX, |i| i.to_string());
    layer.u32("Group Capability", field::GROUP_CAPABILITY, |g| format!("0x{g:08x}"));
    layer.u32("Sent Port Group ifIndex", field::GROUP_IFINDEX, |i| i.to_string());
    let partner = layer.field("Partner Device ID", field::PARTNER_DEVICE, dissect::mac);
    layer.byte("Partner Learn Capability", field::PARTNER_LEARN_CAPABILITY, learn_text);
    layer.byte("Partner Port Priority", field::PARTNER_PORT_PRIORITY, |p| p.to_string());
    layer.u32("Partner Sent Port ifIndex", field::PARTNER_PORT_IFINDEX, |i| i.to_string());
    layer.u32("Partner Group Capability", field::PARTNER_GROUP_CAPABILITY, |g| format!("0x{g:08x}"));
    layer.u32("Partner Sent Port Group ifIndex", field::PARTNER_GROUP_IFINDEX, |i| i.to_string());
    layer.u16("Partner Count", field::PARTNER_COUNT, |n| n.to_string());
    let count = layer.u16("Number of TLVs", field::TLV_COUNT, |n| n.to_string());
    let tlvs =
        dissect::cisco_tlvs(&mut layer, field::TLVS.start, Some(usize::from(count.unwrap_or(0))), tlv_name, tlv_text);
    let text_of = |kind| tlvs.iter().find(|t| t.kind == kind).map(|t| dissect::text(t.value));
    let (device_name, port_name) = (text_of(TLV_DEVICE_NAME), text_of(TLV_PORT_NAME));
    if let (Some(flags), Some(device), Some(partner)) = (flags, device, partner) {
        let name = device_name.unwrap_or_else(|| dissect::mac(device));
        let port = port_name.map(|p| format!(" Port {p}")).unwrap_or_default();
        layer.info(format!("Device {name}{port} Partner {} Flags: {}", dissect::mac(partner), flag_text(flags)));
    }
    layer.finish(out)?;
    Ok(None)
}

fn tlv_name(kind: u16) -> &'static str {
    match kind {
        TLV_DEVICE_NAME => "Device Name",
        TLV_PORT_NAME => "Port Name",
        TLV_AGPORT_MAC => "Agport MAC Address",
        _ => "TLV",
    }
}

fn tlv_text(kind: u16, value: &[u8]) -> String {
    match kind {
        TLV_DEVICE_NAME | TLV_PORT_NAME => dissect::text(value),
        TLV_AGPORT_MAC => dissect::mac(value),
        kind => format!("type {kind}: {}", dissect::preview(value)),
    }
}

fn flag_text(flags: u8) -> String {
    let names = [(SLOW_HELLO, "Slow Hello"), (AUTO, "Auto"), (CONSISTENT, "Consistent")];
    dissect::flag_names(u32::from(flags), &names.map(|(bit, name)| (u32::from(bit), name)))
}

fn learn_text(learn: u8) -> String {
    match learn {
        LEARN_BY_SOURCE => "Source-based (1)".to_string(),
        learn => learn.to_string(),
    }
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

    #[test]
    fn the_tables_tile_the_pdu() {
        use crate::proto::dissect::testing::{assert_contiguous, one};
        assert_contiguous(
            &[
                ("version", one(field::VERSION)),
                ("flags", one(field::FLAGS)),
                ("device", field::DEVICE),
                ("learn", one(field::LEARN_CAPABILITY)),
                ("priority", one(field::PORT_PRIORITY)),
                ("ifindex", field::PORT_IFINDEX),
                ("group capability", field::GROUP_CAPABILITY),
                ("group ifindex", field::GROUP_IFINDEX),
                ("partner", field::PARTNER_DEVICE),
                ("partner learn", one(field::PARTNER_LEARN_CAPABILITY)),
                ("partner priority", one(field::PARTNER_PORT_PRIORITY)),
                ("partner ifindex", field::PARTNER_PORT_IFINDEX),
                ("partner group capability", field::PARTNER_GROUP_CAPABILITY),
                ("partner group ifindex", field::PARTNER_GROUP_IFINDEX),
                ("partner count", field::PARTNER_COUNT),
                ("tlv count", field::TLV_COUNT),
            ],
            field::TLVS.start,
        );
        assert_contiguous(&[("type", tlv_field::TYPE), ("length", tlv_field::LENGTH)], tlv_field::VALUE.start);
    }

    fn sample() -> Info {
        Info {
            flags: AUTO | CONSISTENT,
            device: Mac([0, 0x0d, 0xbd, 1, 2, 3]),
            port_ifindex: 10102,
            group_ifindex: 5001,
            partner_device: Mac([0, 0x0d, 0xbd, 4, 5, 6]),
            device_name: "S1".into(),
            port_name: "Gi0/1".into(),
        }
    }

    #[test]
    fn the_pdu_on_the_wire() {
        let info = sample();
        let mut pdu = vec![0xffu8; info.buffer_len()];
        info.emit(&mut pdu);
        let fixed = "01 06 000dbd010203 01 80 00002776 00000001 00001389 000dbd040506 01 80 00000000 00000000 00000000 0001 0002";
        let tlvs = "0001 0006 5331 0002 0009 4769302f31";
        assert_eq!(dissect::hex(&pdu), format!("0x{fixed}{tlvs}").replace(' ', ""));
        assert_eq!(Info::parse(&pdu), Some(info));
        // The count is obeyed: TLVs past it are not read, and missing ones fail.
        let mut one_tlv = pdu.clone();
        one_tlv[field::TLV_COUNT].copy_from_slice(&1u16.to_be_bytes());
        assert_eq!(Info::parse(&one_tlv).map(|i| i.port_name), Some(String::new()));
        let mut three = pdu.clone();
        three[field::TLV_COUNT].copy_from_slice(&3u16.to_be_bytes());
        assert_eq!(Info::parse(&three), None);
    }

    #[test]
    fn dissect_an_information_pdu() {
        use crate::proto::dissect::{dissect, summary, testing::*, LinkType};
        let f = frame(Mac([0, 1, 2, 3, 4, 5]), &sample());
        let layers = dissect(&f, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["IEEE 802.3 Ethernet", "Logical-Link Control", "PAgP"]);
        let pagp = &layers[2];
        assert_eq!(pagp.range, 22..f.len());
        assert_eq!(pagp.field("Flags"), Some("0x06 (Auto, Consistent)"));
        assert_eq!(pagp.field("Sent Port ifIndex"), Some("10102"));
        assert_eq!(pagp.field("Partner Device ID"), Some("000d.bd04.0506"));
        assert_eq!(pagp.field("Device Name"), Some("S1"));
        assert_eq!(pagp.field("Port Name"), Some("Gi0/1"));
        assert_eq!(
            summary(&f, LinkType::Ethernet),
            "PAgP Device S1 Port Gi0/1 Partner 000d.bd04.0506 Flags: Auto, Consistent"
        );
        assert_every_truncation_dissects(&f, LinkType::Ethernet);
        let mut bad = f.clone();
        bad[22 + field::TLVS.start + 3] = 2; // the first TLV's length under its header's
        assert!(dissect(&bad, LinkType::Ethernet).iter().any(|l| l.name == crate::proto::dissect::MALFORMED));
    }
}
