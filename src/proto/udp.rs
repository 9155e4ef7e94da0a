//! UDP (smoltcp's `UdpPacket`): only what traceroute probes need so far.

use std::net::Ipv4Addr;

use smoltcp::wire::{IpAddress, UdpPacket, UdpRepr};

use super::dissect::{self, Dissected, Key, Layer, LayerBuilder, Next};

/// The UDP header, for the dissector: smoltcp's `UdpPacket` builds it.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const SRC_PORT: Field = 0..2;
    pub const DST_PORT: Field = 2..4;
    /// Header and data.
    pub const LENGTH: Field = 4..6;
    pub const CHECKSUM: Field = 6..8;
    pub const PAYLOAD: Rest = 8..;
}

pub const HEADER_LEN: usize = 8;

/// Write a UDP datagram with `data` into `buf` (which is exactly its length).
pub fn emit(buf: &mut [u8], src: Ipv4Addr, dst: Ipv4Addr, src_port: u16, dst_port: u16, data: &[u8]) {
    let repr = UdpRepr { src_port, dst_port };
    let mut p = UdpPacket::new_unchecked(buf);
    repr.emit(
        &mut p,
        &IpAddress::Ipv4(src),
        &IpAddress::Ipv4(dst),
        data.len(),
        |payload| payload.copy_from_slice(data),
        &Default::default(),
    );
}

/// Write a UDP datagram over either IP version (IPv6 needs its pseudo-header too).
pub fn emit_any(
    buf: &mut [u8],
    src: std::net::IpAddr,
    dst: std::net::IpAddr,
    src_port: u16,
    dst_port: u16,
    data: &[u8],
) {
    let repr = UdpRepr { src_port, dst_port };
    let mut p = UdpPacket::new_unchecked(buf);
    repr.emit(
        &mut p,
        &src.into(),
        &dst.into(),
        data.len(),
        |payload| payload.copy_from_slice(data),
        &Default::default(),
    );
}

/// Source and destination ports of a datagram (or of the first 8 bytes of one,
/// as quoted in an ICMP error).
pub fn ports(bytes: &[u8]) -> Option<(u16, u16)> {
    if bytes.len() < 4 {
        return None;
    }
    Some((u16::from_be_bytes([bytes[0], bytes[1]]), u16::from_be_bytes([bytes[2], bytes[3]])))
}

/// Dissect a UDP header; the data goes on by port (the destination's if a
/// dissector knows it, else the source's).
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("UDP", "UDP", bytes, base);
    let src = layer.u16("Source Port", field::SRC_PORT, |p| p.to_string());
    let dst = layer.u16("Destination Port", field::DST_PORT, |p| p.to_string());
    let len = layer.u16("Length", field::LENGTH, |n| n.to_string()).map(usize::from);
    // The checksum covers a pseudo-header from the IP layer, which is not at hand here.
    layer.u16("Checksum", field::CHECKSUM, |sum| format!("0x{sum:04x} [unverified]"));
    let (Some(src), Some(dst), Some(len)) = (src, dst, len) else {
        layer.finish(out)?;
        return Ok(None);
    };
    if len < field::PAYLOAD.start {
        layer.invalid("length under the header's");
    }
    layer.info(format!("{src} → {dst} Len={}", len.saturating_sub(field::PAYLOAD.start)));
    layer.finish(out)?;
    let port = if dissect::dissector(Key::UdpPort(dst)).is_some() { dst } else { src };
    Ok(Some(Next { key: Key::UdpPort(port), payload: field::PAYLOAD.start..len }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emits_a_checksummed_datagram() {
        let (s, d) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
        let mut buf = vec![0u8; HEADER_LEN + 3];
        emit(&mut buf, s, d, 49152, 33434, b"abc");
        let p = UdpPacket::new_checked(&buf[..]).unwrap();
        assert!(p.verify_checksum(&IpAddress::Ipv4(s), &IpAddress::Ipv4(d)));
        assert_eq!(ports(&buf), Some((49152, 33434)));
    }

    #[test]
    fn the_dissector_table_matches_smoltcp() {
        dissect::testing::assert_contiguous(
            &[
                ("src", field::SRC_PORT),
                ("dst", field::DST_PORT),
                ("length", field::LENGTH),
                ("checksum", field::CHECKSUM),
            ],
            HEADER_LEN,
        );
        let (s, d) = (Ipv4Addr::new(10, 0, 0, 1), Ipv4Addr::new(10, 0, 0, 2));
        let mut buf = vec![0u8; HEADER_LEN + 3];
        emit(&mut buf, s, d, 49152, 33434, b"abc");
        let p = UdpPacket::new_checked(&buf[..]).unwrap();
        assert_eq!(dissect::u16_at(&buf, field::SRC_PORT), Some(p.src_port()));
        assert_eq!(dissect::u16_at(&buf, field::DST_PORT), Some(p.dst_port()));
        assert_eq!(dissect::u16_at(&buf, field::LENGTH), Some(p.len()));
        assert_eq!(dissect::u16_at(&buf, field::CHECKSUM), Some(p.checksum()));
    }
}
