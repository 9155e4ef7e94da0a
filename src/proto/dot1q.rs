//! IEEE 802.1Q VLAN tags: the 4 bytes (TPID 0x8100, priority and VLAN id)
//! between the source address and the EtherType of a trunk's frames.

use super::dissect::{u16_at, Dissected, Layer, LayerBuilder};
use super::ethernet::{self, MIN_FRAME_LEN};

/// The tag, from its first byte (at [`TAG_OFFSET`] in the frame).
mod field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    /// The tag protocol identifier, 0x8100, where an untagged frame has its EtherType.
    pub const TPID: Field = 0..2;
    /// Tag control information: priority (3 bits), drop eligible (1 bit), VLAN id (12 bits).
    pub const TCI: Field = 2..4;
    /// Not the tag's own: the frame's EtherType (or 802.3 length), pushed back by the tag.
    pub const INNER_TYPE_OR_LENGTH: Field = 4..6;

    pub const PRIORITY_SHIFT: u32 = 13;
    pub const DROP_ELIGIBLE: u16 = 0x1000;
    pub const VLAN_MASK: u16 = 0x0fff;
}

pub const TPID: u16 = 0x8100;
pub const TAG_LEN: usize = field::TCI.end;
/// Where a tag goes in a frame: after the destination and source addresses.
pub const TAG_OFFSET: usize = ethernet::field::TYPE_OR_LENGTH.start;

/// What a tag says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Tag {
    /// 802.1p class of service, 0 to 7.
    pub priority: u8,
    pub drop_eligible: bool,
    pub vlan: u16,
}

impl Tag {
    /// The tag at the start of `bytes`, or `None` if they hold no 802.1Q tag.
    pub fn parse(bytes: &[u8]) -> Option<Self> {
        if u16_at(bytes, field::TPID)? != TPID {
            return None;
        }
        let tci = u16_at(bytes, field::TCI)?;
        Some(Tag {
            priority: (tci >> field::PRIORITY_SHIFT) as u8,
            drop_eligible: tci & field::DROP_ELIGIBLE != 0,
            vlan: tci & field::VLAN_MASK,
        })
    }

    /// Write the tag into `buf` (at least [`TAG_LEN`] long). Out-of-range
    /// priority and VLAN bits are dropped.
    pub fn emit(&self, buf: &mut [u8]) {
        let tci = u16::from(self.priority & 0x07) << field::PRIORITY_SHIFT
            | if self.drop_eligible { field::DROP_ELIGIBLE } else { 0 }
            | self.vlan & field::VLAN_MASK;
        buf[field::TPID].copy_from_slice(&TPID.to_be_bytes());
        buf[field::TCI].copy_from_slice(&tci.to_be_bytes());
    }
}

/// The VLAN id of a tagged frame.
pub fn vlan_of(frame: &[u8]) -> Option<u16> {
    // A tagged frame holds at least a whole Ethernet header besides the tag.
    if frame.len() < ethernet::HEADER_LEN + TAG_LEN {
        return None;
    }
    Tag::parse(frame.get(TAG_OFFSET..)?).map(|tag| tag.vlan)
}

/// Insert a tag (priority 0) after the source address.
pub fn tag(frame: &[u8], vlan: u16) -> Vec<u8> {
    let (addresses, rest) = frame.split_at(TAG_OFFSET.min(frame.len()));
    let mut tag = [0u8; TAG_LEN];
    Tag { priority: 0, drop_eligible: false, vlan }.emit(&mut tag);
    [addresses, &tag, rest].concat()
}

/// Remove the tag, padding the frame back to the Ethernet minimum.
pub fn untag(frame: &[u8]) -> Vec<u8> {
    let addresses = frame.get(..TAG_OFFSET).unwrap_or(frame);
    let rest = frame.get(TAG_OFFSET + TAG_LEN..).unwrap_or_default();
    let mut out = [addresses, rest].concat();
    if out.len() < MIN_FRAME_LEN {
        out.resize(MIN_FRAME_LEN, 0);
    }
    out
}

/// Dissect a tag (from its TPID) and the type or length after it, which
/// says what the frame carries.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("802.1Q", "802.1Q", bytes, base);
    layer.u16("TPID", field::TPID, |tpid| format!("0x{tpid:04x}"));
    let tci = layer.u16("Priority", field::TCI, |tci| (tci >> field::PRIORITY_SHIFT).to_string());
    layer.u16("DEI", field::TCI, |tci| u16::from(tci & field::DROP_ELIGIBLE != 0).to_string());
    layer.u16("VLAN ID", field::TCI, |tci| (tci & field::VLAN_MASK).to_string());
    if let Some(tci) = tci {
        layer.info(format!("VLAN {}, priority {}", tci & field::VLAN_MASK, tci >> field::PRIORITY_SHIFT));
    }
    let next = ethernet::type_or_length(&mut layer, field::INNER_TYPE_OR_LENGTH);
    layer.finish(out)?;
    Ok(next)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ethernet::{self, Mac};
    use smoltcp::wire::EthernetProtocol;

    #[test]
    fn tag_and_untag() {
        let f = ethernet::build(Mac([2, 0, 0, 0, 0, 1]), Mac([2, 0, 0, 0, 0, 2]), EthernetProtocol::Ipv4, 46, |p| {
            p.fill(9)
        });
        let t = tag(&f, 20);
        assert_eq!(t.len(), f.len() + 4);
        assert_eq!(vlan_of(&t), Some(20));
        assert_eq!(&t[12..16], &[0x81, 0x00, 0x00, 20]);
        assert_eq!(vlan_of(&f), None);
        assert_eq!(untag(&t), f);
        let short = tag(&ethernet::build(Mac([1; 6]), Mac([2; 6]), EthernetProtocol::Arp, 28, |_| {}), 5);
        assert_eq!(untag(&short).len(), MIN_FRAME_LEN);
    }

    #[test]
    fn the_table_is_the_4_byte_tag() {
        use crate::proto::dissect::testing::assert_contiguous;
        assert_contiguous(&[("tpid", field::TPID), ("tci", field::TCI)], TAG_LEN);
        assert_eq!(TAG_LEN, 4);
        assert_eq!(field::INNER_TYPE_OR_LENGTH.start, TAG_LEN);
        assert_eq!(TAG_OFFSET, 12);
    }

    #[test]
    fn tags_round_trip_with_priority_and_dei() {
        let t = Tag { priority: 5, drop_eligible: true, vlan: 4094 };
        let mut buf = [0u8; TAG_LEN];
        t.emit(&mut buf);
        assert_eq!(buf, [0x81, 0x00, 0xbf, 0xfe]);
        assert_eq!(Tag::parse(&buf), Some(t));
        assert_eq!(Tag::parse(&[0x88, 0xa8, 0, 1]), None, "another TPID");
        assert_eq!(Tag::parse(&buf[..3]), None);
        assert_eq!(untag(&[1, 2, 3]).len(), MIN_FRAME_LEN, "a runt does not panic");
    }

    #[test]
    fn dissect_a_tagged_frame() {
        use crate::proto::dissect::{dissect, testing::*, LinkType};
        let f = ethernet::build(
            Mac([2, 0, 0, 0, 0, 1]),
            Mac([2, 0, 0, 0, 0, 2]),
            EthernetProtocol::Unknown(0x9000),
            4,
            |p| p.fill(9),
        );
        let t = tag(&tag(&f, 10), 20);
        let layers = dissect(&t, LinkType::Ethernet);
        let names: Vec<&str> = layers.iter().map(|l| l.name).collect();
        assert_eq!(names, ["Ethernet II", "802.1Q", "802.1Q", "Data"]);
        assert_eq!(layers[0].range, 0..12, "the tag's TPID is the tag's");
        assert_eq!(layers[1].range, 12..16, "an inner tag's TPID is the inner tag's");
        assert_eq!(layers[1].field("VLAN ID"), Some("20"));
        assert_eq!(layers[2].range, 16..22);
        assert_eq!(layers[2].field("VLAN ID"), Some("10"));
        assert_eq!(layers[2].field("Type"), Some("0x9000"));
        assert_eq!(layers[3].range, 22..t.len());
        assert_every_truncation_dissects(&t, LinkType::Ethernet);
    }
}
