//! ICMPv6 (RFC 4443) and Neighbor Discovery (RFC 4861) messages through
//! smoltcp's `Icmpv6Repr` and `NdiscRepr`: echo, the errors (destination
//! unreachable, packet too big, time exceeded), router and neighbour
//! solicitations and advertisements. The checksum covers a pseudo-header of
//! the IPv6 addresses, so building and parsing take them.

use std::net::Ipv6Addr;

use smoltcp::phy::ChecksumCapabilities;
use smoltcp::time::Duration as WireDuration;
use smoltcp::wire::{
    Icmpv6DstUnreachable, Icmpv6Packet, Icmpv6Repr, Icmpv6TimeExceeded, Ipv6Repr, NdiscNeighborFlags,
    NdiscPrefixInfoFlags, NdiscPrefixInformation, NdiscRepr, NdiscRouterFlags, RawHardwareAddress,
};

use super::dissect::{self, Dissected, Layer, LayerBuilder};
use super::icmp::ErrorKind;
use super::{ipv6, Mac};

/// An ICMPv6 message, for the dissector: smoltcp builds and parses it.
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
    pub const ECHO_DATA: Rest = 8..;
    /// Errors: unused (the MTU in "packet too big"), then the invoking packet.
    pub const ERROR_WORD: Field = 4..8;
    pub const INVOKING: Rest = 8..;
    /// Router advertisement.
    pub const CUR_HOP_LIMIT: usize = 4;
    pub const RA_FLAGS: usize = 5;
    pub const ROUTER_LIFETIME: Field = 6..8;
    pub const REACHABLE_TIME: Field = 8..12;
    pub const RETRANS_TIMER: Field = 12..16;
    pub const RA_OPTIONS: Rest = 16..;
    /// Router solicitation: reserved, then options.
    pub const RS_RESERVED: Field = 4..8;
    pub const RS_OPTIONS: Rest = 8..;
    /// Neighbour solicitation and advertisement.
    pub const NA_FLAGS: Field = 4..8;
    pub const TARGET: Field = 8..24;
    pub const NEIGHBOR_OPTIONS: Rest = 24..;
}

pub const ECHO_REQUEST: u8 = 128;
pub const ECHO_REPLY: u8 = 129;

/// What the stack reads out of a message it received.
pub type Message<'a> = Icmpv6Repr<'a>;

/// Parse a message, its checksum checked against the pseudo-header.
pub fn parse<'a>(src: Ipv6Addr, dst: Ipv6Addr, bytes: &'a [u8]) -> Option<Message<'a>> {
    let packet = Icmpv6Packet::new_checked(bytes).ok()?;
    Icmpv6Repr::parse(&src, &dst, &packet, &ChecksumCapabilities::default()).ok()
}

/// The bytes of a message from `src` to `dst`, checksum filled.
pub fn emit(message: &Message, src: Ipv6Addr, dst: Ipv6Addr) -> Vec<u8> {
    let mut bytes = vec![0u8; message.buffer_len()];
    let mut packet = Icmpv6Packet::new_unchecked(&mut bytes[..]);
    message.emit(&src, &dst, &mut packet, &ChecksumCapabilities::default());
    bytes
}

/// Echo request or reply.
pub fn echo(reply: bool, ident: u16, seq: u16, data: &[u8]) -> Message<'_> {
    if reply {
        Icmpv6Repr::EchoReply { ident, seq_no: seq, data }
    } else {
        Icmpv6Repr::EchoRequest { ident, seq_no: seq, data }
    }
}

/// An error about `offending` (an IPv6 packet), quoting as much of it as
/// fits in the minimum MTU.
pub fn error(kind: ErrorKind, offending: &[u8]) -> Option<Message<'_>> {
    let h = ipv6::parse(offending)?;
    let header = Ipv6Repr {
        src_addr: h.src,
        dst_addr: h.dst,
        next_header: h.next_header,
        payload_len: h.payload_len,
        hop_limit: h.hop_limit,
    };
    let room = ipv6::MIN_MTU - ipv6::HEADER_LEN - 8 - ipv6::HEADER_LEN;
    let data = &offending[ipv6::HEADER_LEN..h.total_len().min(offending.len())];
    let data = &data[..data.len().min(room)];
    let unreachable = |reason| Icmpv6Repr::DstUnreachable { reason, header, data };
    Some(match kind {
        ErrorKind::NetUnreachable => unreachable(Icmpv6DstUnreachable::NoRoute),
        ErrorKind::HostUnreachable => unreachable(Icmpv6DstUnreachable::AddrUnreachable),
        ErrorKind::AdminProhibited => unreachable(Icmpv6DstUnreachable::AdminProhibit),
        ErrorKind::PortUnreachable | ErrorKind::ProtocolUnreachable => {
            unreachable(Icmpv6DstUnreachable::PortUnreachable)
        }
        ErrorKind::TtlExceeded => {
            Icmpv6Repr::TimeExceeded { reason: Icmpv6TimeExceeded::HopLimitExceeded, header, data }
        }
    })
}

/// What an error says, in the words the IPv4 side uses, with the header of
/// the packet it quotes and the start of that packet's payload.
pub fn error_kind<'a>(message: &Message<'a>) -> Option<(ErrorKind, Ipv6Repr, &'a [u8])> {
    match *message {
        Icmpv6Repr::DstUnreachable { reason, header, data } => {
            let kind = match reason {
                Icmpv6DstUnreachable::NoRoute | Icmpv6DstUnreachable::RejectRoute => ErrorKind::NetUnreachable,
                Icmpv6DstUnreachable::AdminProhibit | Icmpv6DstUnreachable::FailedPolicy => ErrorKind::AdminProhibited,
                Icmpv6DstUnreachable::PortUnreachable => ErrorKind::PortUnreachable,
                _ => ErrorKind::HostUnreachable,
            };
            Some((kind, header, data))
        }
        Icmpv6Repr::TimeExceeded { header, data, .. } => Some((ErrorKind::TtlExceeded, header, data)),
        _ => None,
    }
}

/// Is this ICMPv6 payload itself an error (never answered with another)?
pub fn is_error(payload: &[u8]) -> bool {
    payload.first().is_some_and(|&t| t < 128)
}

fn lladdr(mac: Mac) -> Option<RawHardwareAddress> {
    Some(RawHardwareAddress::from_bytes(&mac.0))
}

/// The MAC of a link-layer address option.
pub fn mac_of(lladdr: Option<RawHardwareAddress>) -> Option<Mac> {
    <[u8; 6]>::try_from(lladdr?.as_bytes()).ok().map(Mac)
}

/// A neighbour solicitation for `target` (no source link-layer option when
/// the sender has no address yet: duplicate address detection).
pub fn neighbor_solicit(target: Ipv6Addr, from: Option<Mac>) -> Message<'static> {
    Icmpv6Repr::Ndisc(NdiscRepr::NeighborSolicit { target_addr: target, lladdr: from.and_then(lladdr) })
}

/// A neighbour advertisement for `target`, from `mac`.
pub fn neighbor_advert(target: Ipv6Addr, mac: Mac, router: bool, solicited: bool) -> Message<'static> {
    let mut flags = NdiscNeighborFlags::OVERRIDE;
    flags.set(NdiscNeighborFlags::ROUTER, router);
    flags.set(NdiscNeighborFlags::SOLICITED, solicited);
    Icmpv6Repr::Ndisc(NdiscRepr::NeighborAdvert { flags, target_addr: target, lladdr: lladdr(mac) })
}

pub fn router_solicit(from: Option<Mac>) -> Message<'static> {
    Icmpv6Repr::Ndisc(NdiscRepr::RouterSolicit { lladdr: from.and_then(lladdr) })
}

/// What a router advertises on a link.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Advert {
    pub hop_limit: u8,
    pub managed: bool,
    pub other: bool,
    pub router_lifetime_secs: u32,
    pub mtu: Option<u32>,
    /// The on-link prefix.
    pub prefix: Option<(Ipv6Addr, u8)>,
    /// Hosts may build an address from it (the A flag; SLAAC).
    pub autonomous: bool,
    pub valid_secs: u32,
    pub preferred_secs: u32,
}

pub fn router_advert(ad: &Advert, mac: Mac) -> Message<'static> {
    let mut flags = NdiscRouterFlags::empty();
    flags.set(NdiscRouterFlags::MANAGED, ad.managed);
    flags.set(NdiscRouterFlags::OTHER, ad.other);
    let prefix_info = ad.prefix.map(|(prefix, prefix_len)| NdiscPrefixInformation {
        prefix_len,
        flags: if ad.autonomous {
            NdiscPrefixInfoFlags::ON_LINK | NdiscPrefixInfoFlags::ADDRCONF
        } else {
            NdiscPrefixInfoFlags::ON_LINK
        },
        valid_lifetime: WireDuration::from_secs(u64::from(ad.valid_secs)),
        preferred_lifetime: WireDuration::from_secs(u64::from(ad.preferred_secs)),
        prefix,
    });
    Icmpv6Repr::Ndisc(NdiscRepr::RouterAdvert {
        hop_limit: ad.hop_limit,
        flags,
        router_lifetime: WireDuration::from_secs(u64::from(ad.router_lifetime_secs)),
        reachable_time: WireDuration::ZERO,
        retrans_time: WireDuration::ZERO,
        lladdr: lladdr(mac),
        mtu: ad.mtu,
        prefix_info,
    })
}

/// Read an advertisement back.
pub fn advert_of(message: &Message) -> Option<(Advert, Option<Mac>)> {
    let Icmpv6Repr::Ndisc(NdiscRepr::RouterAdvert {
        hop_limit, flags, router_lifetime, lladdr, mtu, prefix_info, ..
    }) = *message
    else {
        return None;
    };
    let slaac = prefix_info;
    let ad = Advert {
        autonomous: prefix_info.is_some_and(|p| p.flags.contains(NdiscPrefixInfoFlags::ADDRCONF)),
        hop_limit,
        managed: flags.contains(NdiscRouterFlags::MANAGED),
        other: flags.contains(NdiscRouterFlags::OTHER),
        router_lifetime_secs: router_lifetime.secs() as u32,
        mtu,
        prefix: slaac.map(|p| (p.prefix, p.prefix_len)),
        valid_secs: slaac.map_or(0, |p| p.valid_lifetime.secs() as u32),
        preferred_secs: slaac.map_or(0, |p| p.preferred_lifetime.secs() as u32),
    };
    Some((ad, mac_of(lladdr)))
}

/// Dissect an ICMPv6 message, NDP options included.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("ICMPv6", "ICMPv6", bytes, base);
    let kind = layer.byte("Type", field::TYPE, |t| format!("{t} ({})", type_name(t)));
    let code = layer.byte("Code", field::CODE, |c| c.to_string());
    // The checksum covers the IPv6 pseudo-header, which is not at hand here.
    layer.u16("Checksum", field::CHECKSUM, |sum| format!("0x{sum:04x} [unverified]"));
    let (Some(kind), Some(code)) = (kind, code) else {
        layer.finish(out)?;
        return Ok(None);
    };
    match kind {
        ECHO_REQUEST | ECHO_REPLY => {
            let ident = layer.u16("Identifier", field::IDENT, |id| format!("{id} (0x{id:04x})"));
            let seq = layer.u16("Sequence", field::SEQUENCE, |seq| format!("{seq} (0x{seq:04x})"));
            if let Some(data) = bytes.get(field::ECHO_DATA).filter(|d| !d.is_empty()) {
                layer.field("Data", field::ECHO_DATA.start..bytes.len(), |_| dissect::preview(data));
            }
            if let (Some(ident), Some(seq)) = (ident, seq) {
                layer.info(format!("{} id=0x{ident:04x}, seq={seq}", type_name(kind)));
            }
        }
        1..=4 => {
            let word = if kind == 2 { "MTU" } else { "Reserved" };
            layer.u32(word, field::ERROR_WORD, |w| w.to_string());
            if let Some(quote) = bytes.get(field::INVOKING).filter(|q| !q.is_empty()) {
                layer.field("Invoking packet", field::INVOKING.start..bytes.len(), |_| match ipv6::parse(quote) {
                    Some(h) => format!("{} → {} next header {}", h.src, h.dst, h.next_header),
                    None => dissect::preview(quote),
                });
            }
            layer.info(format!("{} ({})", type_name(kind), code_name(kind, code)));
        }
        133 => {
            layer.u32("Reserved", field::RS_RESERVED, |r| r.to_string());
            options(&mut layer, field::RS_OPTIONS.start);
            layer.info(type_name(kind));
        }
        134 => {
            layer.byte("Cur hop limit", field::CUR_HOP_LIMIT, |h| h.to_string());
            layer.byte("Flags", field::RA_FLAGS, |f| {
                let names = dissect::flag_names(u32::from(f), &[(0x80, "Managed"), (0x40, "Other")]);
                format!("0x{f:02x} ({names})")
            });
            layer.u16("Router lifetime (s)", field::ROUTER_LIFETIME, |s| s.to_string());
            layer.u32("Reachable time (ms)", field::REACHABLE_TIME, |s| s.to_string());
            layer.u32("Retrans timer (ms)", field::RETRANS_TIMER, |s| s.to_string());
            options(&mut layer, field::RA_OPTIONS.start);
            layer.info(type_name(kind));
        }
        135 | 136 => {
            if kind == 136 {
                layer.u32("Flags", field::NA_FLAGS, |f| {
                    let names =
                        dissect::flag_names(f >> 24, &[(0x80, "Router"), (0x40, "Solicited"), (0x20, "Override")]);
                    format!("0x{f:08x} ({names})")
                });
            } else {
                layer.u32("Reserved", field::NA_FLAGS, |r| r.to_string());
            }
            let target = layer.field("Target Address", field::TARGET, ipv6::show);
            options(&mut layer, field::NEIGHBOR_OPTIONS.start);
            if let Some(target) = target {
                layer.info(format!("{} for {}", type_name(kind), ipv6::show(target)));
            }
        }
        _ => {
            if let Some(rest) = bytes.get(field::IDENT.start..).filter(|r| !r.is_empty()) {
                layer.field("Data", field::IDENT.start..bytes.len(), |_| dissect::preview(rest));
            }
            layer.info(format!("{} (code {code})", type_name(kind)));
        }
    }
    layer.finish(out)?;
    Ok(None)
}

/// The NDP options from `at` to the end: type, length in 8-byte units, value.
fn options(layer: &mut LayerBuilder, mut at: usize) {
    let bytes = layer.bytes();
    while at < bytes.len() {
        let Some(&len) = bytes.get(at + 1) else {
            layer.field("Option", at..at + 2, dissect::hex);
            return;
        };
        let end = at + usize::from(len) * 8;
        if len == 0 {
            layer.invalid("an NDP option of length 0");
            return;
        }
        let value = at + 2..end;
        match bytes[at] {
            1 => layer.field("Source link-layer address", value, |v| dissect::mac(&v[..v.len().min(6)])),
            2 => layer.field("Target link-layer address", value, |v| dissect::mac(&v[..v.len().min(6)])),
            3 => layer.field("Prefix information", value, |v| {
                let prefix = v.get(14..30).map(ipv6::show).unwrap_or_default();
                let valid = dissect::u32_at(v, 2..6).unwrap_or(0);
                let preferred = dissect::u32_at(v, 6..10).unwrap_or(0);
                format!("{prefix}/{} (valid {valid} s, preferred {preferred} s)", v[0])
            }),
            5 => layer.field("MTU", value, |v| dissect::u32_at(v, 2..6).unwrap_or(0).to_string()),
            _ => layer.field("Option", value, dissect::hex),
        };
        at = end;
    }
}

fn type_name(kind: u8) -> &'static str {
    match kind {
        1 => "Destination Unreachable",
        2 => "Packet Too Big",
        3 => "Time Exceeded",
        4 => "Parameter Problem",
        ECHO_REQUEST => "Echo (ping) request",
        ECHO_REPLY => "Echo (ping) reply",
        133 => "Router Solicitation",
        134 => "Router Advertisement",
        135 => "Neighbor Solicitation",
        136 => "Neighbor Advertisement",
        137 => "Redirect",
        143 => "Multicast Listener Report Message v2",
        _ => "Type",
    }
}

fn code_name(kind: u8, code: u8) -> &'static str {
    match (kind, code) {
        (1, 0) => "no route to destination",
        (1, 1) => "administratively prohibited",
        (1, 3) => "address unreachable",
        (1, 4) => "port unreachable",
        (3, 0) => "hop limit exceeded in transit",
        (2, _) => "packet too big",
        _ => "code",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::dissect::testing::assert_every_truncation_dissects;
    use crate::proto::dissect::{self as d, LinkType};
    use crate::proto::ethernet;
    use smoltcp::wire::{EthernetProtocol, IpProtocol};

    fn v6(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    fn frame(src: Ipv6Addr, dst: Ipv6Addr, message: &Message) -> Vec<u8> {
        let payload = emit(message, src, dst);
        let packet = ipv6::build(src, dst, IpProtocol::Icmpv6, 255, payload.len(), |b| b.copy_from_slice(&payload));
        ethernet::build(ipv6::multicast_mac(dst), Mac([0, 1, 2, 3, 4, 5]), EthernetProtocol::Ipv6, packet.len(), |b| {
            b.copy_from_slice(&packet)
        })
    }

    #[test]
    fn echo_round_trip_checks_the_checksum() {
        let (a, b) = (v6("2001:db8::1"), v6("2001:db8::2"));
        let bytes = emit(&echo(false, 7, 3, b"abcd"), a, b);
        assert_eq!(parse(a, b, &bytes), Some(echo(false, 7, 3, b"abcd")));
        assert_eq!(parse(a, v6("2001:db8::3"), &bytes), None, "another pseudo-header: a bad checksum");
    }

    #[test]
    fn an_advert_round_trips_with_its_prefix_and_flags() {
        let ad = Advert {
            hop_limit: 64,
            managed: false,
            other: true,
            router_lifetime_secs: 1800,
            mtu: Some(1500),
            prefix: Some((v6("2001:db8:acad:1::"), 64)),
            autonomous: true,
            valid_secs: 2_592_000,
            preferred_secs: 604_800,
        };
        let mac = Mac([0, 0x50, 0x3e, 1, 2, 3]);
        let (src, dst) = (ipv6::link_local(mac), ipv6::ALL_NODES);
        let bytes = emit(&router_advert(&ad, mac), src, dst);
        let parsed = parse(src, dst, &bytes).unwrap();
        assert_eq!(advert_of(&parsed), Some((ad, Some(mac))));
        let layers = d::dissect(&frame(src, dst, &router_advert(&ad, mac)), LinkType::Ethernet);
        let icmp = layers.iter().find(|l| l.protocol == "ICMPv6").unwrap();
        assert_eq!(
            icmp.field("Prefix information"),
            Some("2001:db8:acad:1::/64 (valid 2592000 s, preferred 604800 s)")
        );
        assert_eq!(icmp.field("Source link-layer address"), Some("0050.3e01.0203"));
    }

    #[test]
    fn an_error_quotes_the_packet_and_says_what_it_is() {
        let offending = ipv6::build(v6("2001:db8::1"), v6("2001:db8:9::9"), IpProtocol::Icmpv6, 1, 16, |b| {
            b.copy_from_slice(&emit(&echo(false, 9, 4, b"12345678"), v6("2001:db8::1"), v6("2001:db8:9::9")))
        });
        let message = error(ErrorKind::TtlExceeded, &offending).unwrap();
        let (r, src) = (v6("2001:db8::fe"), v6("2001:db8::1"));
        let bytes = emit(&message, r, src);
        let parsed = parse(r, src, &bytes).unwrap();
        let (kind, header, data) = error_kind(&parsed).unwrap();
        assert_eq!((kind, header.dst_addr), (ErrorKind::TtlExceeded, v6("2001:db8:9::9")));
        assert_eq!(&data[..4], &[ECHO_REQUEST, 0, bytes[8 + 40 + 2], bytes[8 + 40 + 3]]);
        assert!(is_error(&bytes));
    }

    #[test]
    fn neighbor_messages_dissect_and_survive_truncation() {
        let mac = Mac([0, 0x50, 0x3e, 1, 2, 3]);
        let ll = ipv6::link_local(mac);
        let target = v6("2001:db8::2");
        let ns = frame(ll, ipv6::solicited_node(target), &neighbor_solicit(target, Some(mac)));
        let layers = d::dissect(&ns, LinkType::Ethernet);
        assert_eq!(d::summarize(&layers), "ICMPv6 Neighbor Solicitation for 2001:db8::2");
        assert_every_truncation_dissects(&ns, LinkType::Ethernet);
        let na = frame(target, ll, &neighbor_advert(target, mac, true, true));
        let layers = d::dissect(&na, LinkType::Ethernet);
        let icmp = layers.iter().find(|l| l.protocol == "ICMPv6").unwrap();
        assert_eq!(icmp.field("Flags"), Some("0xe0000000 (Router, Solicited, Override)"));
        assert_every_truncation_dissects(&na, LinkType::Ethernet);
    }
}
