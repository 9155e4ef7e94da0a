//! Packet captures in the classic pcap format with nanosecond timestamps, one per
//! cable, so Wireshark and tshark read them as they would a real tap.

use super::Time;

/// pcap link types.
pub const LINKTYPE_ETHERNET: u32 = 1;
pub const LINKTYPE_C_HDLC: u32 = 104;

/// An in-memory pcap file.
#[derive(Clone, Debug)]
pub struct Pcap {
    bytes: Vec<u8>,
    frames: u64,
}

impl Pcap {
    pub fn new(linktype: u32) -> Self {
        let mut bytes = Vec::with_capacity(4096);
        bytes.extend_from_slice(&0xa1b2_3c4du32.to_le_bytes()); // nanosecond-resolution magic
        bytes.extend_from_slice(&2u16.to_le_bytes());
        bytes.extend_from_slice(&4u16.to_le_bytes());
        bytes.extend_from_slice(&0i32.to_le_bytes()); // thiszone
        bytes.extend_from_slice(&0u32.to_le_bytes()); // sigfigs
        bytes.extend_from_slice(&65535u32.to_le_bytes()); // snaplen
        bytes.extend_from_slice(&linktype.to_le_bytes());
        Pcap { bytes, frames: 0 }
    }

    pub fn record(&mut self, at: Time, frame: &[u8]) {
        let ns = at.nanos();
        let len = frame.len() as u32;
        self.bytes.extend_from_slice(&((ns / 1_000_000_000) as u32).to_le_bytes());
        self.bytes.extend_from_slice(&((ns % 1_000_000_000) as u32).to_le_bytes());
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(frame);
        self.frames += 1;
    }

    pub fn frames(&self) -> u64 {
        self.frames
    }

    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_and_record_layout() {
        let mut p = Pcap::new(LINKTYPE_ETHERNET);
        assert_eq!(p.bytes().len(), 24);
        p.record(Time(1_500_000_123), &[1, 2, 3]);
        let b = p.bytes();
        assert_eq!(&b[0..4], &[0x4d, 0x3c, 0xb2, 0xa1]);
        assert_eq!(u32::from_le_bytes(b[24..28].try_into().unwrap()), 1);
        assert_eq!(u32::from_le_bytes(b[28..32].try_into().unwrap()), 500_000_123);
        assert_eq!(u32::from_le_bytes(b[32..36].try_into().unwrap()), 3);
        assert_eq!(&b[40..], &[1, 2, 3]);
        assert_eq!(p.frames(), 1);
    }
}
