//! OSPFv2 packets (RFC 2328, appendix A.3): the common header, Hello,
//! Database Description, Link State Request, Link State Update and Link
//! State Acknowledgment. Each has its `field` table; [`Packet`] parses and
//! emits through them, and [`dissect`] shows them to the inspector.
//!
//! Packets ride in IPv4 with protocol number 89, to 224.0.0.5 (all OSPF
//! routers), 224.0.0.6 (designated routers) or a neighbour, with TTL 1.

use std::net::Ipv4Addr;

use super::lsa::{self, LsaHeader, LsaKey};
use crate::proto::dissect::{self, ipv4_at, u16_at, u32_at, Dissected, Layer, LayerBuilder};
use crate::proto::ipv4::mask_of;

/// The IP protocol number of OSPF.
pub const PROTOCOL: u8 = 89;
pub const ALL_SPF_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 5);
pub const ALL_D_ROUTERS: Ipv4Addr = Ipv4Addr::new(224, 0, 0, 6);
const VERSION: u8 = 2;

/// The 24-byte header every packet starts with.
pub mod field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const VERSION: usize = 0;
    pub const TYPE: usize = 1;
    /// Of the whole packet, header included.
    pub const LENGTH: Field = 2..4;
    pub const ROUTER_ID: Field = 4..8;
    pub const AREA_ID: Field = 8..12;
    /// The IP checksum of the packet, the authentication field excluded.
    pub const CHECKSUM: Field = 12..14;
    pub const AU_TYPE: Field = 14..16;
    pub const AUTHENTICATION: Field = 16..24;
    pub const HEADER_LEN: usize = 24;
}

/// A Hello's body (after the header).
mod hello_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const NETWORK_MASK: Field = 0..4;
    pub const HELLO_INTERVAL: Field = 4..6;
    pub const OPTIONS: usize = 6;
    pub const PRIORITY: usize = 7;
    pub const DEAD_INTERVAL: Field = 8..12;
    pub const DR: Field = 12..16;
    pub const BDR: Field = 16..20;
    /// Then one router ID (4 bytes) per neighbour heard from.
    pub const NEIGHBORS: usize = 20;
}

/// A Database Description's body.
mod dbd_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const INTERFACE_MTU: Field = 0..2;
    pub const OPTIONS: usize = 2;
    /// I (init) 0x04, M (more) 0x02, MS (master) 0x01.
    pub const FLAGS: usize = 3;
    pub const SEQUENCE: Field = 4..8;
    /// Then LSA headers, 20 bytes each.
    pub const HEADERS: usize = 8;
}

/// One Link State Request entry.
mod lsr_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const LS_TYPE: Field = 0..4;
    pub const LINK_STATE_ID: Field = 4..8;
    pub const ADVERTISING_ROUTER: Field = 8..12;
    pub const LEN: usize = 12;
}

/// A Link State Update's body: a count, then whole LSAs.
mod lsu_field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const COUNT: Field = 0..4;
    pub const LSAS: usize = 4;
}

/// The E bit: the router takes external routes (every normal area).
pub const OPTION_E: u8 = 0x02;
pub const FLAG_INIT: u8 = 0x04;
pub const FLAG_MORE: u8 = 0x02;
pub const FLAG_MASTER: u8 = 0x01;

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Hello {
    pub mask: Ipv4Addr,
    pub hello_interval: u16,
    pub options: u8,
    pub priority: u8,
    pub dead_interval: u32,
    pub dr: Ipv4Addr,
    pub bdr: Ipv4Addr,
    pub neighbors: Vec<Ipv4Addr>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DatabaseDescription {
    pub mtu: u16,
    pub options: u8,
    pub flags: u8,
    pub sequence: u32,
    pub headers: Vec<LsaHeader>,
}

/// What a packet carries.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Hello(Hello),
    DatabaseDescription(DatabaseDescription),
    Request(Vec<LsaKey>),
    /// Whole LSAs, each as its bytes (header included).
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

/// An OSPF packet.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Packet {
    pub router_id: Ipv4Addr,
    pub area: Ipv4Addr,
    pub body: Body,
}

/// Why a packet was not taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ParseError {
    Truncated,
    BadVersion,
    BadChecksum,
    UnknownType,
}

/// The OSPF checksum: the IP checksum of the packet without its
/// authentication field (RFC 2328, D.4.1).
fn checksum(packet: &[u8]) -> u16 {
    let mut sum: u32 = 0;
    let mut add = |bytes: &[u8]| {
        for pair in bytes.chunks(2) {
            let word = u16::from_be_bytes([pair[0], *pair.get(1).unwrap_or(&0)]);
            sum += u32::from(word);
        }
    };
    add(&packet[..field::AUTHENTICATION.start]);
    add(&packet[field::HEADER_LEN..]);
    while sum > 0xffff {
        sum = (sum & 0xffff) + (sum >> 16);
    }
    !(sum as u16)
}

fn ip(bytes: &[u8], f: core::ops::Range<usize>) -> Option<Ipv4Addr> {
    ipv4_at(bytes, f)
}

impl Packet {
    /// Parse and check a packet (the IP payload).
    pub fn parse(bytes: &[u8]) -> Result<Packet, ParseError> {
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
        let mut zeroed = packet.to_vec();
        zeroed[field::CHECKSUM].fill(0);
        if u16_at(packet, field::CHECKSUM) != Some(checksum(&zeroed)) {
            return Err(BadChecksum);
        }
        let router_id = ip(packet, field::ROUTER_ID).ok_or(Truncated)?;
        let area = ip(packet, field::AREA_ID).ok_or(Truncated)?;
        let b = &packet[field::HEADER_LEN..];
        let body = match packet[field::TYPE] {
            1 => {
                let h = |f| ip(b, f).ok_or(Truncated);
                let neighbors = b.get(hello_field::NEIGHBORS..).ok_or(Truncated)?;
                Body::Hello(Hello {
                    mask: h(hello_field::NETWORK_MASK)?,
                    hello_interval: u16_at(b, hello_field::HELLO_INTERVAL).ok_or(Truncated)?,
                    options: b[hello_field::OPTIONS],
                    priority: b[hello_field::PRIORITY],
                    dead_interval: u32_at(b, hello_field::DEAD_INTERVAL).ok_or(Truncated)?,
                    dr: h(hello_field::DR)?,
                    bdr: h(hello_field::BDR)?,
                    neighbors: neighbors.chunks_exact(4).map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3])).collect(),
                })
            }
            2 => {
                let headers = b.get(dbd_field::HEADERS..).ok_or(Truncated)?;
                Body::DatabaseDescription(DatabaseDescription {
                    mtu: u16_at(b, dbd_field::INTERFACE_MTU).ok_or(Truncated)?,
                    options: b[dbd_field::OPTIONS],
                    flags: b[dbd_field::FLAGS],
                    sequence: u32_at(b, dbd_field::SEQUENCE).ok_or(Truncated)?,
                    headers: headers.chunks_exact(lsa::HEADER_LEN).filter_map(LsaHeader::parse).collect(),
                })
            }
            3 => Body::Request(
                b.chunks_exact(lsr_field::LEN)
                    .filter_map(|e| {
                        Some(LsaKey {
                            kind: u32_at(e, lsr_field::LS_TYPE)? as u8,
                            id: ip(e, lsr_field::LINK_STATE_ID)?,
                            adv: ip(e, lsr_field::ADVERTISING_ROUTER)?,
                        })
                    })
                    .collect(),
            ),
            4 => {
                let count = u32_at(b, lsu_field::COUNT).ok_or(Truncated)? as usize;
                let mut at = lsu_field::LSAS;
                let mut lsas = Vec::new();
                for _ in 0..count {
                    let header = b.get(at..).and_then(LsaHeader::parse).ok_or(Truncated)?;
                    let lsa = b.get(at..at + usize::from(header.length)).ok_or(Truncated)?;
                    if usize::from(header.length) < lsa::HEADER_LEN {
                        return Err(Truncated);
                    }
                    lsas.push(lsa.to_vec());
                    at += usize::from(header.length);
                }
                Body::Update(lsas)
            }
            5 => Body::Ack(b.chunks_exact(lsa::HEADER_LEN).filter_map(LsaHeader::parse).collect()),
            _ => return Err(UnknownType),
        };
        Ok(Packet { router_id, area, body })
    }

    /// The packet's bytes, checksum filled in.
    pub fn emit(&self) -> Vec<u8> {
        let mut p = vec![0u8; field::HEADER_LEN];
        p[field::VERSION] = VERSION;
        p[field::TYPE] = self.body.kind();
        p[field::ROUTER_ID].copy_from_slice(&self.router_id.octets());
        p[field::AREA_ID].copy_from_slice(&self.area.octets());
        match &self.body {
            Body::Hello(h) => {
                let mut b = vec![0u8; hello_field::NEIGHBORS];
                b[hello_field::NETWORK_MASK].copy_from_slice(&h.mask.octets());
                b[hello_field::HELLO_INTERVAL].copy_from_slice(&h.hello_interval.to_be_bytes());
                b[hello_field::OPTIONS] = h.options;
                b[hello_field::PRIORITY] = h.priority;
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
                b[dbd_field::INTERFACE_MTU].copy_from_slice(&d.mtu.to_be_bytes());
                b[dbd_field::OPTIONS] = d.options;
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
                    e[lsr_field::LS_TYPE].copy_from_slice(&u32::from(k.kind).to_be_bytes());
                    e[lsr_field::LINK_STATE_ID].copy_from_slice(&k.id.octets());
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
        let sum = checksum(&p);
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

/// Dissect an OSPF packet (the payload of IP protocol 89).
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("Open Shortest Path First", "OSPF", bytes, base);
    layer.byte("Version", field::VERSION, |v| v.to_string());
    let kind = layer.byte("Message Type", field::TYPE, |t| format!("{} ({t})", type_name(t))).unwrap_or(0);
    let len = layer.u16("Packet Length", field::LENGTH, |l| l.to_string()).map(usize::from);
    let router = layer.field("Source OSPF Router", field::ROUTER_ID, dissect::ipv4).map(dissect::ipv4);
    layer.field("Area ID", field::AREA_ID, dissect::ipv4);
    let valid = len.filter(|&l| l >= field::HEADER_LEN && l <= bytes.len()).map(|l| {
        let mut zeroed = bytes[..l].to_vec();
        zeroed[field::CHECKSUM].fill(0);
        u16_at(bytes, field::CHECKSUM) == Some(checksum(&zeroed))
    });
    layer.u16("Checksum", field::CHECKSUM, |sum| {
        let verdict = if valid == Some(true) { "correct" } else { "incorrect" };
        format!("0x{sum:04x} [{verdict}]")
    });
    layer.u16("Auth Type", field::AU_TYPE, |t| if t == 0 { "Null (0)".into() } else { t.to_string() });
    layer.field("Auth Data", field::AUTHENTICATION, dissect::hex);
    let end = len.unwrap_or(bytes.len()).min(bytes.len());
    let body = bytes.get(field::HEADER_LEN..end).unwrap_or(&[]);
    let at = |off: usize| field::HEADER_LEN + off;
    let shift = |f: core::ops::Range<usize>| at(f.start)..at(f.end);
    match kind {
        1 => {
            layer.field("Network Mask", shift(hello_field::NETWORK_MASK), dissect::ipv4);
            layer.u16("Hello Interval", shift(hello_field::HELLO_INTERVAL), |v| format!("{v} seconds"));
            layer.byte("Options", at(hello_field::OPTIONS), |o| format!("0x{o:02x}"));
            layer.byte("Router Priority", at(hello_field::PRIORITY), |p| p.to_string());
            layer.u32("Router Dead Interval", shift(hello_field::DEAD_INTERVAL), |v| format!("{v} seconds"));
            layer.field("Designated Router", shift(hello_field::DR), dissect::ipv4);
            layer.field("Backup Designated Router", shift(hello_field::BDR), dissect::ipv4);
            let mut n = hello_field::NEIGHBORS;
            while n + 4 <= body.len() {
                layer.field("Active Neighbor", at(n)..at(n + 4), dissect::ipv4);
                n += 4;
            }
        }
        2 => {
            layer.u16("Interface MTU", shift(dbd_field::INTERFACE_MTU), |v| v.to_string());
            layer.byte("Options", at(dbd_field::OPTIONS), |o| format!("0x{o:02x}"));
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
                    let kind = u32_at(b, lsr_field::LS_TYPE).unwrap_or(0);
                    let id = ipv4_at(b, lsr_field::LINK_STATE_ID).unwrap_or(Ipv4Addr::UNSPECIFIED);
                    let adv = ipv4_at(b, lsr_field::ADVERTISING_ROUTER).unwrap_or(Ipv4Addr::UNSPECIFIED);
                    format!("{} id {id} adv {adv}", lsa::type_name(kind as u8))
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
    if valid == Some(false) {
        layer.invalid("bad OSPF checksum");
    }
    layer.info(format!("{}{}", type_name(kind), router.map_or(String::new(), |r| format!(" from {r}"))));
    layer.finish(out)?;
    Ok(None)
}

/// A mask of a prefix length, for building Hellos.
pub fn mask(len: u8) -> Ipv4Addr {
    mask_of(len)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hello() -> Packet {
        Packet {
            router_id: Ipv4Addr::new(1, 1, 1, 1),
            area: Ipv4Addr::UNSPECIFIED,
            body: Body::Hello(Hello {
                mask: Ipv4Addr::new(255, 255, 255, 0),
                hello_interval: 10,
                options: OPTION_E,
                priority: 1,
                dead_interval: 40,
                dr: Ipv4Addr::new(10, 0, 0, 1),
                bdr: Ipv4Addr::UNSPECIFIED,
                neighbors: vec![Ipv4Addr::new(2, 2, 2, 2)],
            }),
        }
    }

    #[test]
    fn header_fields_are_contiguous() {
        assert_eq!(field::LENGTH.start, field::TYPE + 1);
        assert_eq!(field::ROUTER_ID.start, field::LENGTH.end);
        assert_eq!(field::AREA_ID.start, field::ROUTER_ID.end);
        assert_eq!(field::CHECKSUM.start, field::AREA_ID.end);
        assert_eq!(field::AU_TYPE.start, field::CHECKSUM.end);
        assert_eq!(field::AUTHENTICATION.start, field::AU_TYPE.end);
        assert_eq!(field::HEADER_LEN, field::AUTHENTICATION.end);
    }

    #[test]
    fn every_packet_type_round_trips() {
        let header = LsaHeader {
            age: 1,
            options: OPTION_E,
            key: LsaKey { kind: 1, id: Ipv4Addr::new(1, 1, 1, 1), adv: Ipv4Addr::new(1, 1, 1, 1) },
            sequence: 0x8000_0001,
            checksum: 0x1234,
            length: 36,
        };
        let bodies = vec![
            hello().body,
            Body::DatabaseDescription(DatabaseDescription {
                mtu: 1500,
                options: OPTION_E,
                flags: FLAG_INIT | FLAG_MORE | FLAG_MASTER,
                sequence: 7,
                headers: vec![header],
            }),
            Body::Request(vec![header.key]),
            Body::Ack(vec![header]),
        ];
        for body in bodies {
            let p = Packet { body, ..hello() };
            let bytes = p.emit();
            assert_eq!(Packet::parse(&bytes), Ok(p));
        }
    }

    #[test]
    fn a_flipped_byte_fails_the_checksum_and_truncation_never_panics() {
        let bytes = hello().emit();
        let mut bad = bytes.clone();
        bad[30] ^= 0xff;
        assert_eq!(Packet::parse(&bad), Err(ParseError::BadChecksum));
        for n in 0..bytes.len() {
            let _ = Packet::parse(&bytes[..n]);
            let mut layers = Vec::new();
            let _ = dissect(&bytes[..n], 0, &mut layers);
        }
        let mut layers = Vec::new();
        dissect(&bytes, 0, &mut layers).unwrap();
        assert_eq!(layers[0].field("Active Neighbor"), Some("2.2.2.2"));
        assert!(layers[0].field("Checksum").unwrap().ends_with("[correct]"));
    }
}
