//! Cisco HDLC, the default encapsulation of IOS serial interfaces: a 4-byte
//! header (address, control, protocol) and no address resolution.

/// Unicast address byte.
pub const ADDRESS_UNICAST: u8 = 0x0f;
pub const HEADER_LEN: usize = 4;
pub const PROTOCOL_IPV4: u16 = 0x0800;

/// Wrap an IPv4 packet in a Cisco HDLC frame.
pub fn encapsulate_ipv4(packet: &[u8]) -> Vec<u8> {
    let mut f = Vec::with_capacity(HEADER_LEN + packet.len());
    f.extend_from_slice(&[ADDRESS_UNICAST, 0x00]);
    f.extend_from_slice(&PROTOCOL_IPV4.to_be_bytes());
    f.extend_from_slice(packet);
    f
}

/// The protocol and payload of a Cisco HDLC frame.
pub fn parse(frame: &[u8]) -> Option<(u16, &[u8])> {
    if frame.len() < HEADER_LEN || frame[0] & 0x7f != ADDRESS_UNICAST {
        return None;
    }
    Some((u16::from_be_bytes([frame[2], frame[3]]), &frame[HEADER_LEN..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        let f = encapsulate_ipv4(&[0x45, 1, 2]);
        assert_eq!(f, [0x0f, 0, 0x08, 0, 0x45, 1, 2]);
        assert_eq!(parse(&f), Some((PROTOCOL_IPV4, &[0x45, 1, 2][..])));
        assert_eq!(parse(&[0x0f, 0]), None);
        assert_eq!(parse(&[0x00, 0, 8, 0]), None);
    }
}
