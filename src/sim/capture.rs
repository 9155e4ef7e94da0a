//! Packet captures in the classic pcap format with nanosecond timestamps, one per
//! cable, so Wireshark and tshark read them as they would a real tap.
//!
//! Records are kept in time order. A frame is recorded when it is sent,
//! stamped with when it starts on the wire; a frame waiting behind a long
//! one in its port's queue starts later than a frame the other end sends a
//! moment after, so a record can belong a little before the last ones. A
//! tap sees the wire, so such a record is put in its place.

use super::Time;

/// pcap link types.
pub const LINKTYPE_ETHERNET: u32 = 1;
pub const LINKTYPE_C_HDLC: u32 = 104;

/// An in-memory pcap file.
#[derive(Clone, Debug)]
pub struct Pcap {
    bytes: Vec<u8>,
    frames: u64,
    /// Where the newest records start, and their times (for putting a
    /// late-recorded frame in its place).
    recent: Vec<(Time, usize)>,
}

/// How many of the newest records a late frame may be put before.
const REORDER_WINDOW: usize = 64;

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
        Pcap { bytes, frames: 0, recent: Vec::new() }
    }

    pub fn record(&mut self, at: Time, frame: &[u8]) {
        let start = self.bytes.len();
        let ns = at.nanos();
        let len = frame.len() as u32;
        self.bytes.extend_from_slice(&((ns / 1_000_000_000) as u32).to_le_bytes());
        self.bytes.extend_from_slice(&((ns % 1_000_000_000) as u32).to_le_bytes());
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(&len.to_le_bytes());
        self.bytes.extend_from_slice(frame);
        self.frames += 1;
        // Almost always the newest record; otherwise it moves before the
        // first recent one that starts after it (equal times keep their order).
        let late = self.recent.last().is_some_and(|(t, _)| *t > at);
        let place = if late { self.recent.iter().position(|(t, _)| *t > at) } else { None };
        match place {
            None => self.recent.push((at, start)),
            Some(i) => {
                let offset = self.recent[i].1;
                let size = self.bytes.len() - start;
                self.bytes[offset..].rotate_right(size);
                for r in &mut self.recent[i..] {
                    r.1 += size;
                }
                self.recent.insert(i, (at, offset));
            }
        }
        if self.recent.len() > 2 * REORDER_WINDOW {
            self.recent.drain(..REORDER_WINDOW);
        }
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

    #[test]
    fn a_frame_recorded_late_is_put_in_time_order() {
        let mut p = Pcap::new(LINKTYPE_ETHERNET);
        p.record(Time(10), &[1]);
        p.record(Time(30), &[3]);
        p.record(Time(20), &[2]);
        p.record(Time(30), &[4]);
        let b = p.bytes();
        let times: Vec<u32> =
            (0..4).map(|i| u32::from_le_bytes(b[24 + i * 17 + 4..][..4].try_into().unwrap())).collect();
        let data: Vec<u8> = (0..4).map(|i| b[24 + i * 17 + 16]).collect();
        assert_eq!(times, [10, 20, 30, 30]);
        assert_eq!(data, [1, 2, 3, 4]);
    }
}
