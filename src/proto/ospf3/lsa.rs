//! OSPFv3 link-state advertisements (RFC 5340, appendix A.4): the 20-byte
//! header (a 16-bit type whose top bits give the flooding scope) and the
//! bodies a single-area router originates and reads: router (0x2001),
//! network (0x2002), link (0x0008) and intra-area-prefix (0x2009) LSAs.
//! Unlike OSPFv2, router and network LSAs carry no addresses: prefixes
//! travel in the intra-area-prefix LSAs, and each router's link-local
//! address on a link in its link-LSA.
//!
//! The age, the Fletcher checksum and which instance is newer are as in
//! OSPFv2, and shared with it.

use std::net::{Ipv4Addr, Ipv6Addr};

use crate::proto::dissect::{ipv4_at, u16_at, u32_at};
pub use crate::proto::ospf::lsa::{checksum_ok, fletcher, INITIAL_SEQUENCE, MAX_AGE, REFRESH_TIME};

pub const HEADER_LEN: usize = 20;

pub const ROUTER: u16 = 0x2001;
pub const NETWORK: u16 = 0x2002;
pub const LINK: u16 = 0x0008;
pub const INTRA_AREA_PREFIX: u16 = 0x2009;

/// Router-LSA interface types.
pub const LINK_P2P: u8 = 1;
pub const LINK_TRANSIT: u8 = 2;

/// The options every router here announces: V6 (it routes IPv6), E (it
/// takes external routes) and R (it is a router), 0x000013 as IOS sends.
pub const OPTIONS: u32 = 0x0000_0013;

/// The LA bit of a prefix: a host address of the router (a loopback's /128).
pub const PREFIX_LA: u8 = 0x02;

pub mod field {
    use core::ops::Range;
    pub type Field = Range<usize>;

    pub const AGE: Field = 0..2;
    pub const TYPE: Field = 2..4;
    pub const LINK_STATE_ID: Field = 4..8;
    pub const ADVERTISING_ROUTER: Field = 8..12;
    pub const SEQUENCE: Field = 12..16;
    pub const CHECKSUM: Field = 16..18;
    pub const LENGTH: Field = 18..20;
}

/// A router-LSA's body: flags, options, then one 16-byte entry per interface.
mod router_field {
    use core::ops::Range;
    pub const FLAGS: usize = 0;
    pub const OPTIONS: Range<usize> = 1..4;
    pub const LINKS: usize = 4;
    pub const TYPE: usize = 0;
    pub const METRIC: Range<usize> = 2..4;
    pub const INTERFACE_ID: Range<usize> = 4..8;
    pub const NEIGHBOR_INTERFACE_ID: Range<usize> = 8..12;
    pub const NEIGHBOR_ROUTER_ID: Range<usize> = 12..16;
    pub const LINK_LEN: usize = 16;
}

/// A network-LSA's body: options, then the attached routers.
mod network_field {
    pub const OPTIONS: core::ops::Range<usize> = 1..4;
    pub const ROUTERS: usize = 4;
}

/// A link-LSA's body.
mod link_field {
    use core::ops::Range;
    pub const PRIORITY: usize = 0;
    pub const OPTIONS: Range<usize> = 1..4;
    pub const LINK_LOCAL: Range<usize> = 4..20;
    pub const PREFIX_COUNT: Range<usize> = 20..24;
    pub const PREFIXES: usize = 24;
}

/// An intra-area-prefix-LSA's body: which router or network LSA its
/// prefixes belong to, then the prefixes.
mod intra_field {
    use core::ops::Range;
    pub const PREFIX_COUNT: Range<usize> = 0..2;
    pub const REFERENCED_TYPE: Range<usize> = 2..4;
    pub const REFERENCED_ID: Range<usize> = 4..8;
    pub const REFERENCED_ROUTER: Range<usize> = 8..12;
    pub const PREFIXES: usize = 12;
}

/// A prefix in an LSA (RFC 5340, A.4.1): length, options, a 16-bit field
/// (the metric in an intra-area-prefix LSA), then as many 32-bit words of
/// address as the length needs.
mod prefix_field {
    pub const LENGTH: usize = 0;
    pub const OPTIONS: usize = 1;
    pub const METRIC: core::ops::Range<usize> = 2..4;
    pub const ADDRESS: usize = 4;
}

/// What identifies an LSA in a database.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct LsaKey {
    pub kind: u16,
    pub id: u32,
    pub adv: Ipv4Addr,
}

impl LsaKey {
    /// Flooded on one link only (the link-LSA), not through the area.
    pub fn link_scope(&self) -> bool {
        self.kind & 0x6000 == 0
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LsaHeader {
    pub age: u16,
    pub key: LsaKey,
    pub sequence: u32,
    pub checksum: u16,
    pub length: u16,
}

impl LsaHeader {
    pub fn parse(b: &[u8]) -> Option<LsaHeader> {
        Some(LsaHeader {
            age: u16_at(b, field::AGE)?,
            key: LsaKey {
                kind: u16_at(b, field::TYPE)?,
                id: u32_at(b, field::LINK_STATE_ID)?,
                adv: ipv4_at(b, field::ADVERTISING_ROUTER)?,
            },
            sequence: u32_at(b, field::SEQUENCE)?,
            checksum: u16_at(b, field::CHECKSUM)?,
            length: u16_at(b, field::LENGTH)?,
        })
    }

    pub fn emit(&self) -> [u8; HEADER_LEN] {
        let mut b = [0u8; HEADER_LEN];
        b[field::AGE].copy_from_slice(&self.age.to_be_bytes());
        b[field::TYPE].copy_from_slice(&self.key.kind.to_be_bytes());
        b[field::LINK_STATE_ID].copy_from_slice(&self.key.id.to_be_bytes());
        b[field::ADVERTISING_ROUTER].copy_from_slice(&self.key.adv.octets());
        b[field::SEQUENCE].copy_from_slice(&self.sequence.to_be_bytes());
        b[field::CHECKSUM].copy_from_slice(&self.checksum.to_be_bytes());
        b[field::LENGTH].copy_from_slice(&self.length.to_be_bytes());
        b
    }

    /// Is `self` a newer instance than `other` of the same LSA?
    pub fn newer_than(&self, other: &LsaHeader) -> std::cmp::Ordering {
        crate::proto::ospf::lsa::newer_instance(
            (self.sequence, self.checksum, self.age),
            (other.sequence, other.checksum, other.age),
        )
    }
}

/// One interface of a router-LSA.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct RouterLink {
    pub kind: u8,
    pub metric: u16,
    pub iface_id: u32,
    /// Point-to-point: the neighbour's; transit: the designated router's.
    pub neighbor_iface_id: u32,
    pub neighbor: Ipv4Addr,
}

/// An IPv6 prefix as LSAs carry it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Prefix {
    pub addr: Ipv6Addr,
    pub len: u8,
    pub options: u8,
    /// The metric (intra-area-prefix LSAs; zero in link-LSAs).
    pub metric: u16,
}

/// What an LSA says.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Body {
    Router {
        flags: u8,
        links: Vec<RouterLink>,
    },
    Network {
        routers: Vec<Ipv4Addr>,
    },
    Link {
        priority: u8,
        link_local: Ipv6Addr,
        prefixes: Vec<Prefix>,
    },
    IntraAreaPrefix {
        referenced: LsaKey,
        prefixes: Vec<Prefix>,
    },
    /// A type this router does not read; kept and flooded as it came.
    Other,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Lsa {
    pub header: LsaHeader,
    pub body: Body,
}

fn options_bytes() -> [u8; 3] {
    let o = OPTIONS.to_be_bytes();
    [o[1], o[2], o[3]]
}

fn emit_prefix(p: &Prefix, out: &mut Vec<u8>) {
    out.push(p.len);
    out.push(p.options);
    out.extend_from_slice(&p.metric.to_be_bytes());
    let words = usize::from(p.len).div_ceil(32);
    out.extend_from_slice(&p.addr.octets()[..words * 4]);
}

/// The prefixes at the start of `b`, `count` of them.
fn parse_prefixes(mut b: &[u8], count: usize) -> Option<Vec<Prefix>> {
    let mut out = Vec::new();
    for _ in 0..count {
        let len = *b.get(prefix_field::LENGTH)?;
        if len > 128 {
            return None;
        }
        let bytes = usize::from(len).div_ceil(32) * 4;
        let mut octets = [0u8; 16];
        octets[..bytes].copy_from_slice(b.get(prefix_field::ADDRESS..prefix_field::ADDRESS + bytes)?);
        out.push(Prefix {
            addr: crate::proto::ipv6::network(Ipv6Addr::from(octets), len),
            len,
            options: *b.get(prefix_field::OPTIONS)?,
            metric: u16_at(b, prefix_field::METRIC)?,
        });
        b = &b[prefix_field::ADDRESS + bytes..];
    }
    Some(out)
}

impl Lsa {
    /// Parse an LSA (its length and checksum as the header says; the body
    /// of a type this router does not read is left as [`Body::Other`]).
    pub fn parse(b: &[u8]) -> Option<Lsa> {
        let header = LsaHeader::parse(b)?;
        let b = b.get(HEADER_LEN..usize::from(header.length))?;
        let body = match header.key.kind {
            ROUTER => Body::Router {
                flags: *b.get(router_field::FLAGS)?,
                links: b
                    .get(router_field::LINKS..)?
                    .chunks_exact(router_field::LINK_LEN)
                    .map(|e| {
                        Some(RouterLink {
                            kind: e[router_field::TYPE],
                            metric: u16_at(e, router_field::METRIC)?,
                            iface_id: u32_at(e, router_field::INTERFACE_ID)?,
                            neighbor_iface_id: u32_at(e, router_field::NEIGHBOR_INTERFACE_ID)?,
                            neighbor: ipv4_at(e, router_field::NEIGHBOR_ROUTER_ID)?,
                        })
                    })
                    .collect::<Option<_>>()?,
            },
            NETWORK => Body::Network {
                routers: b
                    .get(network_field::ROUTERS..)?
                    .chunks_exact(4)
                    .map(|c| Ipv4Addr::new(c[0], c[1], c[2], c[3]))
                    .collect(),
            },
            LINK => {
                let count = u32_at(b, link_field::PREFIX_COUNT)? as usize;
                Body::Link {
                    priority: *b.get(link_field::PRIORITY)?,
                    link_local: Ipv6Addr::from(<[u8; 16]>::try_from(b.get(link_field::LINK_LOCAL)?).ok()?),
                    prefixes: parse_prefixes(b.get(link_field::PREFIXES..)?, count)?,
                }
            }
            INTRA_AREA_PREFIX => {
                let count = usize::from(u16_at(b, intra_field::PREFIX_COUNT)?);
                Body::IntraAreaPrefix {
                    referenced: LsaKey {
                        kind: u16_at(b, intra_field::REFERENCED_TYPE)?,
                        id: u32_at(b, intra_field::REFERENCED_ID)?,
                        adv: ipv4_at(b, intra_field::REFERENCED_ROUTER)?,
                    },
                    prefixes: parse_prefixes(b.get(intra_field::PREFIXES..)?, count)?,
                }
            }
            _ => Body::Other,
        };
        Some(Lsa { header, body })
    }

    /// The LSA's bytes, length and checksum filled in.
    pub fn emit(&self) -> Vec<u8> {
        let mut b = self.header.emit().to_vec();
        match &self.body {
            Body::Router { flags, links } => {
                let mut head = [0u8; router_field::LINKS];
                head[router_field::FLAGS] = *flags;
                head[router_field::OPTIONS].copy_from_slice(&options_bytes());
                b.extend_from_slice(&head);
                for l in links {
                    let mut e = [0u8; router_field::LINK_LEN];
                    e[router_field::TYPE] = l.kind;
                    e[router_field::METRIC].copy_from_slice(&l.metric.to_be_bytes());
                    e[router_field::INTERFACE_ID].copy_from_slice(&l.iface_id.to_be_bytes());
                    e[router_field::NEIGHBOR_INTERFACE_ID].copy_from_slice(&l.neighbor_iface_id.to_be_bytes());
                    e[router_field::NEIGHBOR_ROUTER_ID].copy_from_slice(&l.neighbor.octets());
                    b.extend_from_slice(&e);
                }
            }
            Body::Network { routers } => {
                let mut head = [0u8; network_field::ROUTERS];
                head[network_field::OPTIONS].copy_from_slice(&options_bytes());
                b.extend_from_slice(&head);
                for r in routers {
                    b.extend_from_slice(&r.octets());
                }
            }
            Body::Link { priority, link_local, prefixes } => {
                let mut head = [0u8; link_field::PREFIXES];
                head[link_field::PRIORITY] = *priority;
                head[link_field::OPTIONS].copy_from_slice(&options_bytes());
                head[link_field::LINK_LOCAL].copy_from_slice(&link_local.octets());
                head[link_field::PREFIX_COUNT].copy_from_slice(&(prefixes.len() as u32).to_be_bytes());
                b.extend_from_slice(&head);
                for p in prefixes {
                    emit_prefix(&Prefix { metric: 0, ..*p }, &mut b);
                }
            }
            Body::IntraAreaPrefix { referenced, prefixes } => {
                let mut head = [0u8; intra_field::PREFIXES];
                head[intra_field::PREFIX_COUNT].copy_from_slice(&(prefixes.len() as u16).to_be_bytes());
                head[intra_field::REFERENCED_TYPE].copy_from_slice(&referenced.kind.to_be_bytes());
                head[intra_field::REFERENCED_ID].copy_from_slice(&referenced.id.to_be_bytes());
                head[intra_field::REFERENCED_ROUTER].copy_from_slice(&referenced.adv.octets());
                b.extend_from_slice(&head);
                for p in prefixes {
                    emit_prefix(p, &mut b);
                }
            }
            Body::Other => {}
        }
        let len = b.len() as u16;
        b[field::LENGTH].copy_from_slice(&len.to_be_bytes());
        b[field::CHECKSUM].fill(0);
        let sum = fletcher(&b);
        b[field::CHECKSUM].copy_from_slice(&sum.to_be_bytes());
        b
    }
}

pub fn type_name(kind: u16) -> &'static str {
    match kind {
        ROUTER => "Router-LSA",
        NETWORK => "Network-LSA",
        LINK => "Link-LSA",
        INTRA_AREA_PREFIX => "Intra-Area-Prefix-LSA",
        0x2003 => "Inter-Area-Prefix-LSA",
        0x2004 => "Inter-Area-Router-LSA",
        0x4005 => "AS-External-LSA",
        _ => "Unknown LSA",
    }
}

/// An LSA header in a few words, for the inspector.
pub fn describe_header(b: &[u8]) -> String {
    match LsaHeader::parse(b) {
        Some(h) => format!(
            "{} id {} adv {} seq 0x{:08x} age {}",
            type_name(h.key.kind),
            Ipv4Addr::from(h.key.id),
            h.key.adv,
            h.sequence,
            h.age
        ),
        None => crate::proto::dissect::hex(b),
    }
}

/// A whole LSA in a few words, for the inspector.
pub fn describe(b: &[u8]) -> String {
    let Some(l) = Lsa::parse(b) else { return crate::proto::dissect::hex(b) };
    let prefixes = |ps: &[Prefix]| ps.iter().map(|p| format!("{}/{}", p.addr, p.len)).collect::<Vec<_>>().join(", ");
    let detail = match &l.body {
        Body::Router { links, .. } => format!("{} interfaces", links.len()),
        Body::Network { routers } => {
            format!("attached {}", routers.iter().map(|r| r.to_string()).collect::<Vec<_>>().join(", "))
        }
        Body::Link { link_local, prefixes: ps, .. } => format!("{link_local}; {}", prefixes(ps)),
        Body::IntraAreaPrefix { prefixes: ps, .. } => prefixes(ps),
        Body::Other => String::new(),
    };
    format!("{}: {detail}", describe_header(b))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn header(kind: u16) -> LsaHeader {
        LsaHeader {
            age: 1,
            key: LsaKey { kind, id: 5, adv: Ipv4Addr::new(1, 1, 1, 1) },
            sequence: INITIAL_SEQUENCE,
            checksum: 0,
            length: 0,
        }
    }

    #[test]
    fn every_body_round_trips_with_a_valid_checksum() {
        let p = |s: &str, len, metric| Prefix { addr: s.parse().unwrap(), len, options: 0, metric };
        let bodies = [
            Body::Router {
                flags: 0,
                links: vec![RouterLink {
                    kind: LINK_TRANSIT,
                    metric: 1,
                    iface_id: 5,
                    neighbor_iface_id: 6,
                    neighbor: Ipv4Addr::new(2, 2, 2, 2),
                }],
            },
            Body::Network { routers: vec![Ipv4Addr::new(1, 1, 1, 1), Ipv4Addr::new(2, 2, 2, 2)] },
            Body::Link {
                priority: 1,
                link_local: "fe80::1".parse().unwrap(),
                prefixes: vec![p("2001:db8:acad:1::", 64, 0)],
            },
            Body::IntraAreaPrefix {
                referenced: LsaKey { kind: ROUTER, id: 0, adv: Ipv4Addr::new(1, 1, 1, 1) },
                prefixes: vec![p("2001:db8::1", 128, 0), p("2001:db8:acad::", 48, 10), p("::", 0, 1)],
            },
        ];
        for (kind, body) in [ROUTER, NETWORK, LINK, INTRA_AREA_PREFIX].into_iter().zip(bodies) {
            let bytes = Lsa { header: header(kind), body: body.clone() }.emit();
            assert!(checksum_ok(&bytes), "{kind:#x}");
            let back = Lsa::parse(&bytes).unwrap();
            assert_eq!(back.body, body);
            assert_eq!(usize::from(back.header.length), bytes.len());
        }
    }

    #[test]
    fn only_the_link_lsa_is_flooded_on_its_link_alone() {
        assert!(header(LINK).key.link_scope());
        assert!(!header(ROUTER).key.link_scope() && !header(INTRA_AREA_PREFIX).key.link_scope());
    }

    #[test]
    fn truncated_lsas_are_refused() {
        let bytes = Lsa {
            header: header(LINK),
            body: Body::Link { priority: 1, link_local: "fe80::1".parse().unwrap(), prefixes: vec![] },
        }
        .emit();
        for cut in 0..bytes.len() {
            assert!(Lsa::parse(&bytes[..cut]).is_none(), "{cut}");
        }
    }
}
