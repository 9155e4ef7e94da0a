//! OSPFv3 packets (RFC 5340, appendix A.3): the 16-byte header, Hello,
//! Database Description, Link State Request, Update and Acknowledgment.
//!
//! They ride in IPv6 (next header 89) from the interface's link-local
//! address to FF02::5 (all SPF routers), FF02::6 (designated routers) or a
//! neighbour's link-local address, hop limit 1. The header has no
//! authentication; its checksum is the IPv6 one, over a pseudo-header, so
//! emitting and parsing need the addresses.

use std::net::{Ipv4Addr, Ipv6Addr};

use smoltcp::wire::{checksum, IpProtocol};

use super::lsa::{self, LsaHeader, LsaKey};
use crate::proto::dissect::{self, u16_at, u32_at, Dissected, Layer, LayerBuilder};

pub use crate::proto::ospf::packet::{FLAG_INIT, FLAG_MASTER, FLAG_MORE, PROTOCOL};
pub const ALL_SPF_ROUTERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 5);
pub const ALL_D_ROUTERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 0, 6);
const VERSION: u8 = 3;

pub mod field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const VERSION: usize = 0;
    pub const TYPE: usize = 1;
    pub const LENGTH: Field = 2..4;
    pub const ROUTER_ID: Field = 4..8;
    pub const AREA_ID: Field = 8..12;
    pub const CHECKSUM: Field = 12..14;
    pub const INSTANCE_ID: usize = 14;
    pub const HEADER_LEN: usize = 16;
}

mod hello_field {
    use core::ops::Range;
    pub const INTERFACE_ID: Range<usize> = 0..4;
    pub const PRIORITY: usize = 4;
    pub const OPTIONS: Range<usize> = 5..8;
    pub const HELLO_INTERVAL: Range<usize> = 8..10;
    pub const DEAD_INTERVAL: Range<usize> = 10..12;
    pub const DR: Range<usize> = 12..16;
    pub const BDR: Range<usize> = 16..20;
    pub const NEIGHBORS: usize = 20;
}

mod dbd_field {
    use core::ops::Range;
    pub const OPTIONS: Range<usize> = 1..4;
    pub const INTERFACE_MTU: Range<usize> = 4..6;
    pub const FLAGS: usize = 7;
    pub const SEQUENCE: Range<usize> = 8..12;
    pub const HEADERS: usize = 12;
}

mod lsr_field {
    use core::ops::Range;
    pub const LS_TYPE: Range<usize> = 2..4;
    pub const LINK_STATE_ID: Range<usize> = 4..8;
    pub const ADVERTISING_ROUTER: Range<usize> = 8..12;
    pub const LEN: usize = 12;
}

mod lsu_field {
    pub const COUNT: core::ops::Range<usize> = 0..4;
    pub const LSAS: usize = 4;
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hello {
    /// The sender's identifier for the interface (neighbours name it in their LSAs).
    pub iface_id: u32,
    pub priority: u8,
    pub options: u32,
    pub hello_interval: u16,
    pub dead_interval: u16,
    /// Designated and backup routers, by router ID.
    pub dr: Ipv4Addr,
    pub bdr: Ipv4Addr,
    pub neighbors: Vec<Ipv4Addr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseDescription {
    pub options: u32,
    pub mtu: u16,
    pub flags: u8,
    pub sequence: u32,
    pub headers: Vec<LsaHeader>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Hello(Hello),
    DatabaseDescription(DatabaseDescription),
    Request(Vec<LsaKey>),
    Update(Vec<Vec<u8>>),
    Ack(Vec<LsaHeader>),
}

impl Body {
    fn kind(&self) -> u8 {
        match self {
            Body::Hello(_) => 1,
            Body::DatabaseDescription(_) => 2,
            Body::Request(_) => 3,
            Body::Update(_) => 4,
            Body::Ack(_) => 5,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub router_id: Ipv4Addr,
    pub area: u32,
    /// Instance ID 0: the only one IOS uses without `ipv6 ospf ... instance`.
    pub body: Body,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    Truncated,
    BadVersion,
    BadChecksum,
    UnknownType,
}

/// The IPv6 upper-layer checksum of a packet (its checksum field zero).
fn checksum_of(src: Ipv6Addr, dst: Ipv6Addr, packet: &[u8]) -> u16 {
    let mut zeroed = packet.to_vec();
    zeroed[field::CHECKSUM].fill(0);
    let pseudo = checksum::pseudo_header_v6(&src, &dst, IpProtocol::Unknown(PROTOCOL), packet.len() as u32);
    !checksum::combine(&[pseudo, checksum::data(&zeroed)])
}

fn three_bytes(b: &[u8], at: core::ops::Range<usize>) -> Option<u32> {
    let s = b.get(at)?;
    Some(u32::from_be_bytes([0, s[0], s[1], s[2]]))
}

fn ids(b: &[u8]) -> Vec<Ipv4Addr> {
    b.chunks_exact(4).map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3])).collect()
}

impl Packet {
    /// Parse and check a packet that came from `src` to `dst`.
    pub fn parse(src: Ipv6Addr, dst: Ipv6Addr, bytes: &[u8]) -> Result<Packet, ParseError> {
        use ParseError::*;
        if bytes.len() < field::HEADER_LEN {
            return Err(Truncated);
        }
        if bytes[field::VERSION] != VERSION {
            return Err(BadVersion);
        }
        let len = usize::from(u16_at(bytes, field::LENGTH).ok_or(Truncated)?);
        if len < field::HEADER_LEN || len > bytes.len() {
            return Err(Truncated);
        }
        let packet = &bytes[..len];
        if u16_at(packet, field::CHECKSUM) != Some(checksum_of(src, dst, packet)) {
            return Err(BadChecksum);
        }
        let router_id = dissect::ipv4_at(packet, field::ROUTER_ID).ok_or(Truncated)?;
        let area = u32_at(packet, field::AREA_ID).ok_or(Truncated)?;
        let b = &packet[field::HEADER_LEN..];
        let t = |v: Option<u32>| v.ok_or(Truncated);
        let body = match packet[field::TYPE] {
            1 => Body::Hello(Hello {
                iface_id: t(u32_at(b, hello_field::INTERFACE_ID))?,
                priority: *b.get(hello_field::PRIORITY).ok_or(Truncated)?,
                options: t(three_bytes(b, hello_field::OPTIONS))?,
                hello_interval: u16_at(b, hello_field::HELLO_INTERVAL).ok_or(Truncated)?,
                dead_interval: u16_at(b, hello_field::DEAD_INTERVAL).ok_or(Truncated)?,
                dr: dissect::ipv4_at(b, hello_field::DR).ok_or(Truncated)?,
                bdr: dissect::ipv4_at(b, hello_field::BDR).ok_or(Truncated)?,
                neighbors: ids(b.get(hello_field::NEIGHBORS..).ok_or(Truncated)?),
            }),
            2 => Body::DatabaseDescription(DatabaseDescription {
                options: t(three_bytes(b, dbd_field::OPTIONS))?,
                mtu: u16_at(b, dbd_field::INTERFACE_MTU).ok_or(Truncated)?,
                flags: *b.get(dbd_field::FLAGS).ok_or(Truncated)?,
                sequence: t(u32_at(b, dbd_field::SEQUENCE))?,
                headers: b
                    .get(dbd_field::HEADERS..)
                    .ok_or(Truncated)?
                    .chunks_exact(lsa::HEADER_LEN)
                    .filter_map(LsaHeader::parse)
                    .collect(),
            }),
            3 => Body::Request(
                b.chunks_exact(lsr_field::LEN)
                    .filter_map(|e| {
                        Some(LsaKey {
                            kind: u16_at(e, lsr_field::LS_TYPE)?,
                            id: u32_at(e, lsr_field::LINK_STATE_ID)?,
                            adv: dissect::ipv4_at(e, lsr_field::ADVERTISING_ROUTER)?,
                        })
                    })
                    .collect(),
            ),
            4 => {
                let count = t(u32_at(b, lsu_field::COUNT))? as usize;
                let mut at = lsu_field::LSAS;
                let mut lsas = Vec::new();
                for _ in 0..count {
                    let header = b.get(at..).and_then(LsaHeader::parse).ok_or(Truncated)?;
                    let end = at + usize::from(header.length);
                    if usize::from(header.length) < lsa::HEADER_LEN {
                        return Err(Truncated);
                    }
                    lsas.push(b.get(at..end).ok_or(Truncated)?.to_vec());
                    at = end;
                }
                Body::Update(lsas)
            }
            5 => Body::Ack(b.chunks_exact(lsa::HEADER_LEN).filter_map(LsaHeader::parse).collect()),
            _ => return Err(UnknownType),
        };
        Ok(Packet { router_id, area, body })
    }

    /// The packet's bytes from `src` to `dst`, length and checksum filled in.
    pub fn emit(&self, src: Ipv6Addr, dst: Ipv6Addr) -> Vec<u8> {
        let mut p = vec![0u8; field::HEADER_LEN];
        p[field::VERSION] = VERSION;
        p[field::TYPE] = self.body.kind();
        p[field::ROUTER_ID].copy_from_slice(&self.router_id.octets());
        p[field::AREA_ID].copy_from_slice(&self.area.to_be_bytes());
        let options = |o: u32| {
            let b = o.to_be_bytes();
            [b[1], b[2], b[3]]
        };
        match &self.body {
            Body::Hello(h) => {
                let mut b = vec![0u8; hello_field::NEIGHBORS];
                b[hello_field::INTERFACE_ID].copy_from_slice(&h.iface_id.to_be_bytes());
                b[hello_field::PRIORITY] = h.priority;
                b[hello_field::OPTIONS].copy_from_slice(&options(h.options));
                b[hello_field::HELLO_INTERVAL].copy_from_slice(&h.hello_interval.to_be_bytes());
                b[hello_field::DEAD_INTERVAL].copy_from_slice(&h.dead_interval.to_be_bytes());
                b[hello_field::DR].copy_from_slice(&h.dr.octets());
                b[hello_field::BDR].copy_from_slice(&h.bdr.octets());
                for n in &h.neighbors {
                    b.extend_from_slice(&n.octets());
                }
                p.extend_from_slice(&b);
            }
            Body::DatabaseDescription(d) => {
                let mut b = vec![0u8; dbd_field::HEADERS];
                b[dbd_field::OPTIONS].copy_from_slice(&options(d.options));
                b[dbd_field::INTERFACE_MTU].copy_from_slice(&d.mtu.to_be_bytes());
                b[dbd_field::FLAGS] = d.flags;
                b[dbd_field::SEQUENCE].copy_from_slice(&d.sequence.to_be_bytes());
                for h in &d.headers {
                    b.extend_from_slice(&h.emit());
                }
                p.extend_from_slice(&b);
            }
            Body::Request(keys) => {
                for k in keys {
                    let mut e = [0u8; lsr_field::LEN];
                    e[lsr_field::LS_TYPE].copy_from_slice(&k.kind.to_be_bytes());
                    e[lsr_field::LINK_STATE_ID].copy_from_slice(&k.id.to_be_bytes());
                    e[lsr_field::ADVERTISING_ROUTER].copy_from_slice(&k.adv.octets());
                    p.extend_from_slice(&e);
                }
            }
            Body::Update(lsas) => {
                p.extend_from_slice(&(lsas.len() as u32).to_be_bytes());
                for l in lsas {
                    p.extend_from_slice(l);
                }
            }
            Body::Ack(headers) => {
                for h in headers {
                    p.extend_from_slice(&h.emit());
                }
            }
        }
        let len = p.len() as u16;
        p[field::LENGTH].copy_from_slice(&len.to_be_bytes());
        let sum = checksum_of(src, dst, &p);
        p[field::CHECKSUM].copy_from_slice(&sum.to_be_bytes());
        p
    }
}

fn type_name(kind: u8) -> &'static str {
    match kind {
        1 => "Hello Packet",
        2 => "DB Description",
        3 => "LS Request",
        4 => "LS Update",
        5 => "LS Acknowledge",
        _ => "Unknown",
    }
}

/// The inspector's view of a packet. (Its checksum covers the IPv6
/// pseudo-header, which is not at hand here; the stack checks it.)
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Open Shortest Path First", "OSPFv3", bytes, base);
    layer.byte("Version", field::VERSION, |v| v.to_string());
    let kind = layer.byte("Message Type", field::TYPE, |t| format!("{} ({t})", type_name(t))).unwrap_or(0);
    let len = layer.u16("Packet Length", field::LENGTH, |l| l.to_string()).map(usize::from);
    let router = layer.field("Source OSPF Router", field::ROUTER_ID, dissect::ipv4).map(dissect::ipv4);
    layer.field("Area ID", field::AREA_ID, dissect::ipv4);
    layer.u16("Checksum", field::CHECKSUM, |sum| format!("0x{sum:04x}"));
    layer.byte("Instance ID", field::INSTANCE_ID, |i| i.to_string());
    let end = len.unwrap_or(bytes.len()).min(bytes.len());
    let body = bytes.get(field::HEADER_LEN..end).unwrap_or(&[]);
    let at = |off: usize| field::HEADER_LEN + off;
    let shift = |f: core::ops::Range<usize>| at(f.start)..at(f.end);
    match kind {
        1 => {
            layer.u32("Interface ID", shift(hello_field::INTERFACE_ID), |v| v.to_string());
            layer.byte("Router Priority", at(hello_field::PRIORITY), |p| p.to_string());
            layer.field("Options", shift(hello_field::OPTIONS), dissect::hex);
            layer.u16("Hello Interval", shift(hello_field::HELLO_INTERVAL), |v| format!("{v} seconds"));
            layer.u16("Router Dead Interval", shift(hello_field::DEAD_INTERVAL), |v| format!("{v} seconds"));
            layer.field("Designated Router", shift(hello_field::DR), dissect::ipv4);
            layer.field("Backup Designated Router", shift(hello_field::BDR), dissect::ipv4);
            let mut n = hello_field::NEIGHBORS;
            while n + 4 <= body.len() {
                layer.field("Active Neighbor", at(n)..at(n + 4), dissect::ipv4);
                n += 4;
            }
        }
        2 => {
            layer.field("Options", shift(dbd_field::OPTIONS), dissect::hex);
            layer.u16("Interface MTU", shift(dbd_field::INTERFACE_MTU), |v| v.to_string());
            layer.byte("DB Description", at(dbd_field::FLAGS), |f| {
                dissect::flag_names(u32::from(f), &[(4, "I"), (2, "M"), (1, "MS")])
            });
            layer.u32("DD Sequence", shift(dbd_field::SEQUENCE), |s| s.to_string());
            let mut h = dbd_field::HEADERS;
            while h + lsa::HEADER_LEN <= body.len() {
                layer.field("LSA Header", at(h)..at(h + lsa::HEADER_LEN), lsa::describe_header);
                h += lsa::HEADER_LEN;
            }
        }
        3 => {
            let mut e = 0;
            while e + lsr_field::LEN <= body.len() {
                layer.field("Link State Request", at(e)..at(e + lsr_field::LEN), |b| {
                    let kind = u16_at(b, lsr_field::LS_TYPE).unwrap_or(0);
                    let id = u32_at(b, lsr_field::LINK_STATE_ID).unwrap_or(0);
                    let adv = dissect::ipv4_at(b, lsr_field::ADVERTISING_ROUTER).unwrap_or(Ipv4Addr::UNSPECIFIED);
                    format!("{} id {} adv {adv}", lsa::type_name(kind), Ipv4Addr::from(id))
                });
                e += lsr_field::LEN;
            }
        }
        4 => {
            let count = layer.u32("Number of LSAs", shift(lsu_field::COUNT), |c| c.to_string()).unwrap_or(0);
            let mut l = lsu_field::LSAS;
            for _ in 0..count {
                let Some(h) = body.get(l..).and_then(LsaHeader::parse) else {
                    layer.invalid("an LSA is cut off");
                    break;
                };
                let len = usize::from(h.length).max(lsa::HEADER_LEN);
                if l + len > body.len() {
                    layer.invalid("an LSA is cut off");
                    break;
                }
                layer.field("LSA", at(l)..at(l + len), lsa::describe);
                l += len;
            }
        }
        5 => {
            let mut h = 0;
            while h + lsa::HEADER_LEN <= body.len() {
                layer.field("LSA Header", at(h)..at(h + lsa::HEADER_LEN), lsa::describe_header);
                h += lsa::HEADER_LEN;
            }
        }
        _ => layer.invalid("unknown OSPF message type"),
    }
    layer.info(format!("{}{}", type_name(kind), router.map_or(String::new(), |r| format!(" from {r}"))));
    layer.finish(out)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    #[test]
    fn every_packet_type_round_trips_and_the_checksum_covers_the_addresses() {
        let header = LsaHeader {
            age: 1,
            key: LsaKey { kind: lsa::ROUTER, id: 0, adv: Ipv4Addr::new(1, 1, 1, 1) },
            sequence: lsa::INITIAL_SEQUENCE,
            checksum: 0x1234,
            length: 40,
        };
        let bodies = [
            Body::Hello(Hello {
                iface_id: 5,
                priority: 1,
                options: lsa::OPTIONS,
                hello_interval: 10,
                dead_interval: 40,
                dr: Ipv4Addr::new(2, 2, 2, 2),
                bdr: Ipv4Addr::UNSPECIFIED,
                neighbors: vec![Ipv4Addr::new(2, 2, 2, 2)],
            }),
            Body::DatabaseDescription(DatabaseDescription {
                options: lsa::OPTIONS,
                mtu: 1500,
                flags: FLAG_INIT | FLAG_MORE | FLAG_MASTER,
                sequence: 7,
                headers: vec![header],
            }),
            Body::Request(vec![header.key]),
            Body::Update(vec![vec![0; 0]]),
            Body::Ack(vec![header]),
        ];
        let (src, dst) = (v6("fe80::1"), ALL_SPF_ROUTERS);
        for body in bodies {
            let body = match body {
                Body::Update(_) => Body::Update(vec![super::super::lsa::Lsa {
                    header,
                    body: super::super::lsa::Body::Network { routers: vec![Ipv4Addr::new(1, 1, 1, 1)] },
                }
                .emit()]),
                b => b,
            };
            let p = Packet { router_id: Ipv4Addr::new(1, 1, 1, 1), area: 0, body };
            let bytes = p.emit(src, dst);
            assert_eq!(Packet::parse(src, dst, &bytes), Ok(p.clone()));
            assert_eq!(Packet::parse(v6("fe80::2"), dst, &bytes), Err(ParseError::BadChecksum));
            for cut in 0..bytes.len() {
                assert!(Packet::parse(src, dst, &bytes[..cut]).is_err());
            }
        }
    }
}
