//! UDP (smoltcp's `UdpPacket`): only what traceroute probes need so far.

use std::net::Ipv4Addr;

use smoltcp::wire::{IpAddress, UdpPacket, UdpRepr};

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

/// Source and destination ports of a datagram (or of the first 8 bytes of one,
/// as quoted in an ICMP error).
pub fn ports(bytes: &[u8]) -> Option<(u16, u16)> {
    if bytes.len() < 4 {
        return None;
    }
    Some((u16::from_be_bytes([bytes[0], bytes[1]]), u16::from_be_bytes([bytes[2], bytes[3]])))
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
}
