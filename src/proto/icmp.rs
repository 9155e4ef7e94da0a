//! ICMPv4 (smoltcp's `Icmpv4Packet`): echo, destination unreachable and time
//! exceeded, as sent by hosts and routers.

use smoltcp::wire::{
    Icmpv4DstUnreachable, Icmpv4Message, Icmpv4Packet, Icmpv4Repr, Icmpv4TimeExceeded, Ipv4Packet, Ipv4Repr,
};

/// An ICMP error a router or host may send.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ErrorKind {
    NetUnreachable,
    HostUnreachable,
    ProtocolUnreachable,
    PortUnreachable,
    /// Code 13: filtered by an access list.
    AdminProhibited,
    TtlExceeded,
}

/// A parsed ICMP message.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Message<'a> {
    EchoRequest {
        ident: u16,
        seq: u16,
        data: &'a [u8],
    },
    EchoReply {
        ident: u16,
        seq: u16,
        data: &'a [u8],
    },
    /// An error quoting the start of the packet that caused it.
    Error {
        kind: ErrorKind,
        quoted: Quoted<'a>,
    },
}

/// The header of the offending packet quoted in an ICMP error, and the first
/// eight bytes of its payload (enough for ports or an echo's ident and sequence).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Quoted<'a> {
    pub header: Ipv4Repr,
    pub payload: &'a [u8],
}

impl Quoted<'_> {
    /// Ident and sequence of a quoted echo request.
    pub fn echo_ids(&self) -> Option<(u16, u16)> {
        if self.header.next_header != smoltcp::wire::IpProtocol::Icmp || self.payload.len() < 8 || self.payload[0] != 8
        {
            return None;
        }
        let p = self.payload;
        Some((u16::from_be_bytes([p[4], p[5]]), u16::from_be_bytes([p[6], p[7]])))
    }
}

pub fn parse(bytes: &[u8]) -> Option<Message<'_>> {
    let packet = Icmpv4Packet::new_checked(bytes).ok()?;
    if !packet.verify_checksum() {
        return None;
    }
    match (packet.msg_type(), packet.msg_code()) {
        (Icmpv4Message::EchoRequest, 0) => {
            Some(Message::EchoRequest { ident: packet.echo_ident(), seq: packet.echo_seq_no(), data: &bytes[8..] })
        }
        (Icmpv4Message::EchoReply, 0) => {
            Some(Message::EchoReply { ident: packet.echo_ident(), seq: packet.echo_seq_no(), data: &bytes[8..] })
        }
        (Icmpv4Message::DstUnreachable, code) => {
            let kind = match Icmpv4DstUnreachable::from(code) {
                Icmpv4DstUnreachable::NetUnreachable => ErrorKind::NetUnreachable,
                Icmpv4DstUnreachable::HostUnreachable => ErrorKind::HostUnreachable,
                Icmpv4DstUnreachable::ProtoUnreachable => ErrorKind::ProtocolUnreachable,
                Icmpv4DstUnreachable::PortUnreachable => ErrorKind::PortUnreachable,
                _ if matches!(code, 9 | 10 | 13) => ErrorKind::AdminProhibited,
                _ => ErrorKind::HostUnreachable,
            };
            Some(Message::Error { kind, quoted: quoted(&bytes[8..])? })
        }
        (Icmpv4Message::TimeExceeded, _) => {
            Some(Message::Error { kind: ErrorKind::TtlExceeded, quoted: quoted(&bytes[8..])? })
        }
        _ => None,
    }
}

/// The quoted header of an ICMP error. Parsed by hand: the quote holds only the
/// header and 8 payload bytes, so its total-length field promises more than is
/// there, which smoltcp's checked parser rightly refuses in a full packet.
fn quoted(q: &[u8]) -> Option<Quoted<'_>> {
    let first = *q.first()?;
    let ihl = usize::from(first & 0x0f) * 4;
    if first >> 4 != 4 || ihl < 20 || q.len() < ihl + 8 {
        return None;
    }
    let p = Ipv4Packet::new_unchecked(q);
    let header = Ipv4Repr {
        src_addr: p.src_addr(),
        dst_addr: p.dst_addr(),
        next_header: p.next_header(),
        payload_len: usize::from(p.total_len()).saturating_sub(ihl),
        hop_limit: p.hop_limit(),
    };
    Some(Quoted { header, payload: &q[ihl..ihl + 8] })
}

/// Length of an echo message carrying `data_len` bytes.
pub fn echo_len(data_len: usize) -> usize {
    8 + data_len
}

/// Write an echo request or reply into `buf` (exactly `echo_len(data.len())` long).
pub fn emit_echo(buf: &mut [u8], reply: bool, ident: u16, seq: u16, data: &[u8]) {
    let repr = if reply {
        Icmpv4Repr::EchoReply { ident, seq_no: seq, data }
    } else {
        Icmpv4Repr::EchoRequest { ident, seq_no: seq, data }
    };
    repr.emit(&mut Icmpv4Packet::new_unchecked(buf), &Default::default());
}

/// Length of the error message that quotes `offending` (an IPv4 packet).
pub fn error_len(offending: &[u8]) -> usize {
    let ihl = offending.first().map_or(20, |b| usize::from(b & 0x0f) * 4);
    8 + (ihl + 8).min(offending.len())
}

/// Write an error quoting the offending packet's header and first 8 payload bytes.
pub fn emit_error(buf: &mut [u8], kind: ErrorKind, offending: &[u8]) {
    let (msg, code) = match kind {
        ErrorKind::NetUnreachable => (Icmpv4Message::DstUnreachable, 0),
        ErrorKind::HostUnreachable => (Icmpv4Message::DstUnreachable, 1),
        ErrorKind::ProtocolUnreachable => (Icmpv4Message::DstUnreachable, 2),
        ErrorKind::PortUnreachable => (Icmpv4Message::DstUnreachable, 3),
        ErrorKind::AdminProhibited => (Icmpv4Message::DstUnreachable, 13),
        ErrorKind::TtlExceeded => (Icmpv4Message::TimeExceeded, u8::from(Icmpv4TimeExceeded::TtlExpired)),
    };
    let quoted_len = buf.len() - 8;
    // The 4 bytes after the checksum are unused and must be zero.
    buf[4..8].fill(0);
    buf[8..].copy_from_slice(&offending[..quoted_len]);
    let mut p = Icmpv4Packet::new_unchecked(buf);
    p.set_msg_type(msg);
    p.set_msg_code(code);
    p.fill_checksum();
}

/// Whether a packet is itself an ICMP error (never answered with another error).
pub fn is_error(ip_payload: &[u8]) -> bool {
    matches!(ip_payload.first(), Some(3 | 4 | 5 | 11 | 12))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::ipv4;
    use smoltcp::wire::IpProtocol;
    use std::net::Ipv4Addr;

    #[test]
    fn echo_round_trip() {
        let mut buf = vec![0u8; echo_len(4)];
        emit_echo(&mut buf, false, 1, 7, b"abcd");
        assert_eq!(parse(&buf), Some(Message::EchoRequest { ident: 1, seq: 7, data: b"abcd" }));
        emit_echo(&mut buf, true, 1, 7, b"abcd");
        assert!(matches!(parse(&buf), Some(Message::EchoReply { seq: 7, .. })));
        buf[3] ^= 1;
        assert_eq!(parse(&buf), None, "bad checksum");
    }

    #[test]
    fn errors_quote_the_offending_echo() {
        let mut echo = vec![0u8; echo_len(32)];
        emit_echo(&mut echo, false, 1, 42, &[0x61; 32]);
        let pkt = ipv4::build(
            Ipv4Addr::new(10, 0, 0, 1),
            Ipv4Addr::new(10, 9, 9, 9),
            IpProtocol::Icmp,
            1,
            5,
            echo.len(),
            |b| b.copy_from_slice(&echo),
        );
        for kind in
            [ErrorKind::TtlExceeded, ErrorKind::HostUnreachable, ErrorKind::NetUnreachable, ErrorKind::PortUnreachable]
        {
            let mut err = vec![0u8; error_len(&pkt)];
            assert_eq!(err.len(), 8 + 20 + 8);
            emit_error(&mut err, kind, &pkt);
            match parse(&err) {
                Some(Message::Error { kind: k, quoted }) => {
                    assert_eq!(k, kind);
                    assert_eq!(quoted.header.dst_addr, Ipv4Addr::new(10, 9, 9, 9));
                    assert_eq!(quoted.echo_ids(), Some((1, 42)));
                }
                other => panic!("{other:?}"),
            }
            assert!(is_error(&err));
        }
    }
}
