//! ICMPv4 (smoltcp's `Icmpv4Packet`): echo, destination unreachable and time
//! exceeded, as sent by hosts and routers.

use smoltcp::wire::{
    checksum, Icmpv4DstUnreachable, Icmpv4Message, Icmpv4Packet, Icmpv4Repr, Icmpv4TimeExceeded, IpProtocol,
    Ipv4Packet, Ipv4Repr,
};

use super::dissect::{self, Dissected, Layer, LayerBuilder};

/// An ICMP message, for the dissector: smoltcp's `Icmpv4Packet` builds and
/// parses it.
mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const TYPE: usize = 0;
    pub const CODE: usize = 1;
    pub const CHECKSUM: Field = 2..4;
    /// Echo request and reply.
    pub const IDENT: Field = 4..6;
    pub const SEQUENCE: Field = 6..8;
    /// Errors: four bytes that must be zero.
    pub const UNUSED: Field = 4..8;
    /// An echo's data, or the start of the packet an error quotes.
    pub const DATA: Rest = 8..;
}

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

/// Dissect an ICMP message: echoes, and the errors with the packet they quote.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("ICMP", "ICMP", bytes, base);
    let kind = layer.byte("Type", field::TYPE, |t| format!("{t} ({})", type_name(t)));
    let code = layer.byte("Code", field::CODE, |c| c.to_string());
    layer.u16("Checksum", field::CHECKSUM, |sum| {
        let verdict = if checksum::data(bytes) == !0 { "correct" } else { "incorrect" };
        format!("0x{sum:04x} [{verdict}]")
    });
    match (kind, code) {
        (Some(kind @ (0 | 8)), _) => {
            let ident = layer.u16("Identifier", field::IDENT, |id| format!("{id} (0x{id:04x})"));
            let seq = layer.u16("Sequence Number", field::SEQUENCE, |seq| format!("{seq} (0x{seq:04x})"));
            if let Some(data) = bytes.get(field::DATA).filter(|d| !d.is_empty()) {
                layer.field("Data", field::DATA.start..bytes.len(), |_| dissect::preview(data));
            }
            if let (Some(ident), Some(seq)) = (ident, seq) {
                layer.info(format!("{} id={ident} seq={seq}", type_name(kind)));
            }
        }
        (Some(kind @ (3 | 11)), Some(code)) => {
            layer.field("Unused", field::UNUSED, dissect::hex);
            if let Some(quote) = bytes.get(field::DATA).filter(|q| !q.is_empty()) {
                layer.field("Original datagram", field::DATA.start..bytes.len(), |_| match quoted(quote) {
                    Some(q) => describe_quote(&q),
                    None => dissect::preview(quote),
                });
            }
            layer.info(format!("{} ({})", type_name(kind), code_name(kind, code)));
        }
        (Some(kind), Some(code)) => {
            if let Some(rest) = bytes.get(field::IDENT.start..).filter(|r| !r.is_empty()) {
                layer.field("Data", field::IDENT.start..bytes.len(), |_| dissect::preview(rest));
            }
            layer.info(format!("{} (code {code})", type_name(kind)));
        }
        _ => {}
    }
    layer.finish(out)?;
    Ok(None)
}

fn type_name(kind: u8) -> &'static str {
    match kind {
        0 => "Echo (ping) reply",
        3 => "Destination unreachable",
        8 => "Echo (ping) request",
        11 => "Time-to-live exceeded",
        _ => "Type",
    }
}

fn code_name(kind: u8, code: u8) -> &'static str {
    match (kind, code) {
        (3, 0) => "Network unreachable",
        (3, 1) => "Host unreachable",
        (3, 2) => "Protocol unreachable",
        (3, 3) => "Port unreachable",
        (3, 4) => "Fragmentation needed",
        (3, 9 | 10) => "Administratively prohibited",
        (3, 13) => "Communication administratively filtered",
        (11, 0) => "TTL exceeded in transit",
        (11, 1) => "Fragment reassembly time exceeded",
        _ => "unknown code",
    }
}

/// `10.0.0.2 → 10.0.0.1 ICMP Echo (ping) request id=1 seq=3`, `... UDP 49152 → 33434`.
fn describe_quote(q: &Quoted) -> String {
    let h = &q.header;
    let mut s = format!("{} → {} {}", h.src_addr, h.dst_addr, h.next_header);
    if let Some((ident, seq)) = q.echo_ids() {
        s.push_str(&format!(" {} id={ident} seq={seq}", type_name(8)));
    } else if let (IpProtocol::Udp, Some((src, dst))) = (h.next_header, super::udp::ports(q.payload)) {
        s.push_str(&format!(" {src} → {dst}"));
    }
    s
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

    #[test]
    fn the_dissector_table_matches_smoltcp() {
        use dissect::testing::{assert_contiguous, one};
        let head = [("type", one(field::TYPE)), ("code", one(field::CODE)), ("checksum", field::CHECKSUM)];
        let echo = [("ident", field::IDENT), ("sequence", field::SEQUENCE)];
        assert_contiguous(&[&head[..], &echo[..]].concat(), field::DATA.start);
        assert_contiguous(&[&head[..], &[("unused", field::UNUSED)]].concat(), field::DATA.start);
        let mut buf = vec![0u8; echo_len(4)];
        emit_echo(&mut buf, false, 0x0102, 0x0304, b"abcd");
        let p = Icmpv4Packet::new_checked(&buf[..]).unwrap();
        assert_eq!(Icmpv4Message::from(buf[field::TYPE]), p.msg_type());
        assert_eq!(buf[field::CODE], p.msg_code());
        assert_eq!(dissect::u16_at(&buf, field::CHECKSUM), Some(p.checksum()));
        assert_eq!(dissect::u16_at(&buf, field::IDENT), Some(p.echo_ident()));
        assert_eq!(dissect::u16_at(&buf, field::SEQUENCE), Some(p.echo_seq_no()));
        assert_eq!(&buf[field::DATA], p.data());
    }
}
