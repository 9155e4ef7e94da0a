//! Access control lists: standard and extended, numbered and named, with
//! sequence-numbered entries, and matching packets against them (first match
//! wins, implicit deny at the end). Their IOS syntax is the CLI's
//! (`cli::ios::acl_syntax`).

use std::fmt;
use std::net::Ipv4Addr;

/// A numbered list (`access-list 10`) or a named one (`ip access-list standard NAME`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum AclId {
    Number(u32),
    Name(String),
}

impl AclId {
    pub fn parse(word: &str) -> AclId {
        match word.parse::<u32>() {
            Ok(n) => AclId::Number(n),
            Err(_) => AclId::Name(word.to_string()),
        }
    }
}

impl fmt::Display for AclId {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            AclId::Number(n) => write!(f, "{n}"),
            AclId::Name(s) => f.write_str(s),
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AclKind {
    Standard,
    Extended,
}

impl AclKind {
    /// The kind a list number implies (1–99 and 1300–1999 standard, 100–199 and 2000–2699 extended).
    pub fn of_number(n: u32) -> Option<AclKind> {
        match n {
            1..=99 | 1300..=1999 => Some(AclKind::Standard),
            100..=199 | 2000..=2699 => Some(AclKind::Extended),
            _ => None,
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    Permit,
    Deny,
}

/// An address match: `any`, `host A`, or `A WILDCARD`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrMatch {
    Any,
    Host(Ipv4Addr),
    Wild(Ipv4Addr, Ipv4Addr),
}

impl AddrMatch {
    pub fn matches(&self, ip: Ipv4Addr) -> bool {
        match *self {
            AddrMatch::Any => true,
            AddrMatch::Host(h) => h == ip,
            AddrMatch::Wild(a, w) => u32::from(ip) & !u32::from(w) == u32::from(a) & !u32::from(w),
        }
    }
}

/// The protocol an extended entry matches.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Protocol {
    Ip,
    Icmp,
    Tcp,
    Udp,
    Other(u8),
}

impl Protocol {
    pub fn number(self) -> Option<u8> {
        match self {
            Protocol::Ip => None,
            Protocol::Icmp => Some(1),
            Protocol::Tcp => Some(6),
            Protocol::Udp => Some(17),
            Protocol::Other(n) => Some(n),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum PortMatch {
    Eq(Vec<u16>),
    Neq(u16),
    Gt(u16),
    Lt(u16),
    Range(u16, u16),
}

impl PortMatch {
    pub fn matches(&self, port: u16) -> bool {
        match self {
            PortMatch::Eq(ports) => ports.contains(&port),
            PortMatch::Neq(p) => port != *p,
            PortMatch::Gt(p) => port > *p,
            PortMatch::Lt(p) => port < *p,
            PortMatch::Range(a, b) => (*a..=*b).contains(&port),
        }
    }
}

/// One rule of a list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Rule {
    pub action: Action,
    pub protocol: Protocol,
    pub src: AddrMatch,
    pub src_port: Option<PortMatch>,
    /// `None` in a standard list.
    pub dst: Option<AddrMatch>,
    pub dst_port: Option<PortMatch>,
    pub icmp_type: Option<u8>,
    pub established: bool,
    pub log: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Entry {
    Rule { seq: u32, rule: Rule, matches: u64 },
    Remark(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acl {
    pub id: AclId,
    pub kind: AclKind,
    pub entries: Vec<Entry>,
}

pub use super::ipv4::PacketInfo;

impl Rule {
    pub fn matches(&self, p: &PacketInfo) -> bool {
        let (Some(src), Some(dst)) = (p.src, p.dst) else { return false };
        if !self.src.matches(src) {
            return false;
        }
        let Some(d) = &self.dst else { return true };
        if !d.matches(dst) {
            return false;
        }
        if self.protocol.number().is_some_and(|n| n != p.protocol) {
            return false;
        }
        let port_ok =
            |m: &Option<PortMatch>, port: Option<u16>| m.as_ref().is_none_or(|m| port.is_some_and(|p| m.matches(p)));
        port_ok(&self.src_port, p.src_port)
            && port_ok(&self.dst_port, p.dst_port)
            && self.icmp_type.is_none_or(|t| p.icmp_type == Some(t))
            && (!self.established || p.tcp_ack_or_rst)
    }
}

impl Acl {
    pub fn new(id: AclId, kind: AclKind) -> Self {
        Acl { id, kind, entries: Vec::new() }
    }

    /// Append a rule, or insert it at `seq`; sequence numbers go up by 10.
    pub fn add(&mut self, seq: Option<u32>, rule: Rule) {
        let next = self
            .entries
            .iter()
            .filter_map(|e| if let Entry::Rule { seq, .. } = e { Some(*seq) } else { None })
            .max()
            .map_or(10, |m| m / 10 * 10 + 10);
        let seq = seq.unwrap_or(next);
        self.entries.retain(|e| !matches!(e, Entry::Rule { seq: s, .. } if *s == seq));
        let pos = self
            .entries
            .iter()
            .position(|e| matches!(e, Entry::Rule { seq: s, .. } if *s > seq))
            .unwrap_or(self.entries.len());
        self.entries.insert(pos, Entry::Rule { seq, rule, matches: 0 });
    }

    pub fn remove_seq(&mut self, seq: u32) {
        self.entries.retain(|e| !matches!(e, Entry::Rule { seq: s, .. } if *s == seq));
    }

    pub fn remove_rule(&mut self, rule: &Rule) {
        self.entries.retain(|e| !matches!(e, Entry::Rule { rule: r, .. } if r == rule));
    }

    /// First match wins; no match is the implicit `deny any`. Counts the hit.
    pub fn check(&mut self, p: &PacketInfo) -> Action {
        for e in &mut self.entries {
            if let Entry::Rule { rule, matches, .. } = e {
                if rule.matches(p) {
                    *matches += 1;
                    return rule.action;
                }
            }
        }
        Action::Deny
    }
}
