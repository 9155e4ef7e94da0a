//! IEEE 802.1Q VLAN tags: the 4 bytes (TPID 0x8100, priority and VLAN id)
//! between the source address and the EtherType of a trunk's frames.

use super::ethernet::MIN_FRAME_LEN;

pub const TPID: u16 = 0x8100;
pub const TAG_LEN: usize = 4;

/// The VLAN id of a tagged frame.
pub fn vlan_of(frame: &[u8]) -> Option<u16> {
    if frame.len() < 18 || u16::from_be_bytes([frame[12], frame[13]]) != TPID {
        return None;
    }
    Some(u16::from_be_bytes([frame[14], frame[15]]) & 0x0fff)
}

/// Insert a tag (priority 0) after the source address.
pub fn tag(frame: &[u8], vlan: u16) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len() + TAG_LEN);
    out.extend_from_slice(&frame[..12]);
    out.extend_from_slice(&TPID.to_be_bytes());
    out.extend_from_slice(&(vlan & 0x0fff).to_be_bytes());
    out.extend_from_slice(&frame[12..]);
    out
}

/// Remove the tag, padding the frame back to the Ethernet minimum.
pub fn untag(frame: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(frame.len());
    out.extend_from_slice(&frame[..12]);
    out.extend_from_slice(&frame[16..]);
    if out.len() < MIN_FRAME_LEN {
        out.resize(MIN_FRAME_LEN, 0);
    }
    out
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
}
