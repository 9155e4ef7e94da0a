//! Access control lists: standard and extended, numbered and named; the
//! entries' syntax as IOS parses and prints it, and matching packets against
//! them (first match wins, implicit deny at the end).

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

impl fmt::Display for AddrMatch {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            AddrMatch::Any => f.write_str("any"),
            AddrMatch::Host(h) => write!(f, "host {h}"),
            AddrMatch::Wild(a, w) => write!(f, "{a} {w}"),
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
    fn parse(w: &str) -> Option<Protocol> {
        Some(match w {
            "ip" => Protocol::Ip,
            "icmp" => Protocol::Icmp,
            "tcp" => Protocol::Tcp,
            "udp" => Protocol::Udp,
            "ospf" => Protocol::Other(89),
            "gre" => Protocol::Other(47),
            "esp" => Protocol::Other(50),
            "ahp" => Protocol::Other(51),
            "eigrp" => Protocol::Other(88),
            "pim" => Protocol::Other(103),
            n => Protocol::Other(n.parse::<u8>().ok()?),
        })
    }

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

impl fmt::Display for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Protocol::Ip => f.write_str("ip"),
            Protocol::Icmp => f.write_str("icmp"),
            Protocol::Tcp => f.write_str("tcp"),
            Protocol::Udp => f.write_str("udp"),
            Protocol::Other(89) => f.write_str("ospf"),
            Protocol::Other(47) => f.write_str("gre"),
            Protocol::Other(50) => f.write_str("esp"),
            Protocol::Other(51) => f.write_str("ahp"),
            Protocol::Other(88) => f.write_str("eigrp"),
            Protocol::Other(103) => f.write_str("pim"),
            Protocol::Other(n) => write!(f, "{n}"),
        }
    }
}

/// Well-known port names IOS accepts and prints instead of numbers.
const PORT_NAMES: &[(&str, u16, Option<Protocol>)] = &[
    ("ftp-data", 20, Some(Protocol::Tcp)),
    ("ftp", 21, Some(Protocol::Tcp)),
    ("telnet", 23, Some(Protocol::Tcp)),
    ("smtp", 25, Some(Protocol::Tcp)),
    ("domain", 53, None),
    ("bootps", 67, Some(Protocol::Udp)),
    ("bootpc", 68, Some(Protocol::Udp)),
    ("tftp", 69, Some(Protocol::Udp)),
    ("www", 80, Some(Protocol::Tcp)),
    ("pop3", 110, Some(Protocol::Tcp)),
    ("ntp", 123, Some(Protocol::Udp)),
    ("snmp", 161, Some(Protocol::Udp)),
    ("isakmp", 500, Some(Protocol::Udp)),
];

fn port_number(w: &str, proto: Protocol) -> Option<u16> {
    if let Ok(n) = w.parse::<u16>() {
        return Some(n);
    }
    PORT_NAMES.iter().find(|(name, _, p)| *name == w && p.is_none_or(|p| p == proto)).map(|(_, n, _)| *n)
}

fn port_name(n: u16, proto: Protocol) -> String {
    PORT_NAMES
        .iter()
        .find(|(_, num, p)| *num == n && p.is_none_or(|p| p == proto))
        .map_or_else(|| n.to_string(), |(name, _, _)| name.to_string())
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

    fn render(&self, proto: Protocol) -> String {
        let n = |p: u16| port_name(p, proto);
        match self {
            PortMatch::Eq(ports) => format!("eq {}", ports.iter().map(|&p| n(p)).collect::<Vec<_>>().join(" ")),
            PortMatch::Neq(p) => format!("neq {}", n(*p)),
            PortMatch::Gt(p) => format!("gt {}", n(*p)),
            PortMatch::Lt(p) => format!("lt {}", n(*p)),
            PortMatch::Range(a, b) => format!("range {} {}", n(*a), n(*b)),
        }
    }
}

const ICMP_TYPES: &[(&str, u8)] = &[
    ("echo-reply", 0),
    ("unreachable", 3),
    ("source-quench", 4),
    ("redirect", 5),
    ("echo", 8),
    ("router-advertisement", 9),
    ("router-solicitation", 10),
    ("time-exceeded", 11),
    ("parameter-problem", 12),
    ("timestamp-request", 13),
    ("timestamp-reply", 14),
];

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

/// What a packet looks like to an access list.
#[derive(Clone, Copy, Debug, Default)]
pub struct PacketInfo {
    pub src: Option<Ipv4Addr>,
    pub dst: Option<Ipv4Addr>,
    pub protocol: u8,
    pub src_port: Option<u16>,
    pub dst_port: Option<u16>,
    pub icmp_type: Option<u8>,
    pub tcp_ack_or_rst: bool,
}

/// Where parsing an entry failed: the index of the offending word.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EntryError {
    Invalid(usize),
    Incomplete,
}

fn addr(words: &[&str], i: &mut usize) -> Result<AddrMatch, EntryError> {
    let w = *words.get(*i).ok_or(EntryError::Incomplete)?;
    *i += 1;
    match w {
        "any" => Ok(AddrMatch::Any),
        "host" => {
            let ip = words.get(*i).ok_or(EntryError::Incomplete)?;
            let ip = crate::cli::tree::parse_ipv4(ip).ok_or(EntryError::Invalid(*i))?;
            *i += 1;
            Ok(AddrMatch::Host(ip))
        }
        _ => {
            let a = crate::cli::tree::parse_ipv4(w).ok_or(EntryError::Invalid(*i - 1))?;
            match words.get(*i).and_then(|w| crate::cli::tree::parse_ipv4(w)) {
                Some(wild) => {
                    *i += 1;
                    Ok(AddrMatch::Wild(Ipv4Addr::from(u32::from(a) & !u32::from(wild)), wild))
                }
                // A standard list takes a bare address as a host.
                None => Ok(AddrMatch::Host(a)),
            }
        }
    }
}

fn ports(words: &[&str], i: &mut usize, proto: Protocol) -> Result<Option<PortMatch>, EntryError> {
    if !matches!(proto, Protocol::Tcp | Protocol::Udp) {
        return Ok(None);
    }
    let Some(&op) = words.get(*i) else { return Ok(None) };
    let one = |i: &mut usize| -> Result<u16, EntryError> {
        let w = words.get(*i).ok_or(EntryError::Incomplete)?;
        let p = port_number(w, proto).ok_or(EntryError::Invalid(*i))?;
        *i += 1;
        Ok(p)
    };
    let m = match op {
        "eq" => {
            *i += 1;
            let mut v = vec![one(i)?];
            while let Some(p) = words.get(*i).and_then(|w| port_number(w, proto)) {
                v.push(p);
                *i += 1;
            }
            PortMatch::Eq(v)
        }
        "neq" | "gt" | "lt" => {
            *i += 1;
            let p = one(i)?;
            match op {
                "neq" => PortMatch::Neq(p),
                "gt" => PortMatch::Gt(p),
                _ => PortMatch::Lt(p),
            }
        }
        "range" => {
            *i += 1;
            let a = one(i)?;
            PortMatch::Range(a, one(i)?)
        }
        _ => return Ok(None),
    };
    Ok(Some(m))
}

/// Parse `permit|deny ...` (the words after an optional sequence number).
pub fn parse_rule(words: &[&str], kind: AclKind) -> Result<Rule, EntryError> {
    let mut i = 0;
    let action = match words.first().copied() {
        Some("permit") => Action::Permit,
        Some("deny") => Action::Deny,
        Some(_) => return Err(EntryError::Invalid(0)),
        None => return Err(EntryError::Incomplete),
    };
    i += 1;
    let mut rule = Rule {
        action,
        protocol: Protocol::Ip,
        src: AddrMatch::Any,
        src_port: None,
        dst: None,
        dst_port: None,
        icmp_type: None,
        established: false,
        log: false,
    };
    if kind == AclKind::Standard {
        rule.src = addr(words, &mut i)?;
    } else {
        let p = words.get(i).ok_or(EntryError::Incomplete)?;
        rule.protocol = Protocol::parse(p).ok_or(EntryError::Invalid(i))?;
        i += 1;
        rule.src = addr(words, &mut i)?;
        rule.src_port = ports(words, &mut i, rule.protocol)?;
        rule.dst = Some(addr(words, &mut i)?);
        rule.dst_port = ports(words, &mut i, rule.protocol)?;
        if rule.protocol == Protocol::Icmp {
            if let Some(t) = words.get(i).and_then(|w| ICMP_TYPES.iter().find(|(n, _)| n == w)) {
                rule.icmp_type = Some(t.1);
                i += 1;
            }
        }
    }
    while let Some(&w) = words.get(i) {
        match w {
            "log" | "log-input" => rule.log = true,
            "established" if rule.protocol == Protocol::Tcp => rule.established = true,
            _ => return Err(EntryError::Invalid(i)),
        }
        i += 1;
    }
    Ok(rule)
}

impl Rule {
    /// The rule as IOS prints it after `permit`/`deny` (without the action).
    pub fn body(&self) -> String {
        let mut s = String::new();
        if self.dst.is_some() {
            s.push_str(&format!("{} ", self.protocol));
        }
        s.push_str(&self.src.to_string());
        if let Some(p) = &self.src_port {
            s.push_str(&format!(" {}", p.render(self.protocol)));
        }
        if let Some(d) = &self.dst {
            s.push_str(&format!(" {d}"));
        }
        if let Some(p) = &self.dst_port {
            s.push_str(&format!(" {}", p.render(self.protocol)));
        }
        if let Some(t) = self.icmp_type {
            let name = ICMP_TYPES.iter().find(|(_, n)| *n == t).map_or_else(|| t.to_string(), |(n, _)| n.to_string());
            s.push_str(&format!(" {name}"));
        }
        if self.established {
            s.push_str(" established");
        }
        if self.log {
            s.push_str(" log");
        }
        s
    }

    pub fn action_word(&self) -> &'static str {
        match self.action {
            Action::Permit => "permit",
            Action::Deny => "deny",
        }
    }

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

    /// Lines for the running-config.
    pub fn config_lines(&self) -> Vec<String> {
        let kind = match self.kind {
            AclKind::Standard => "standard",
            AclKind::Extended => "extended",
        };
        match &self.id {
            AclId::Number(n) => self
                .entries
                .iter()
                .map(|e| match e {
                    Entry::Rule { rule, .. } => format!("access-list {n} {} {}", rule.action_word(), rule.body()),
                    Entry::Remark(r) => format!("access-list {n} remark {r}"),
                })
                .collect(),
            AclId::Name(name) => {
                let mut v = vec![format!("ip access-list {kind} {name}")];
                for e in &self.entries {
                    v.push(match e {
                        Entry::Rule { rule, .. } => format!(" {:<6} {}", rule.action_word(), rule.body()),
                        Entry::Remark(r) => format!(" remark {r}"),
                    });
                }
                v
            }
        }
    }

    /// `show access-lists` for this list.
    pub fn show(&self) -> String {
        let kind = match self.kind {
            AclKind::Standard => "Standard",
            AclKind::Extended => "Extended",
        };
        let mut s = format!("{kind} IP access list {}\n", self.id);
        for e in &self.entries {
            if let Entry::Rule { seq, rule, matches } = e {
                let body = match (&self.kind, rule.src) {
                    (AclKind::Standard, AddrMatch::Wild(a, w)) => format!("{a}, wildcard bits {w}"),
                    (AclKind::Standard, AddrMatch::Host(h)) => h.to_string(),
                    _ => rule.body(),
                };
                let hits = if *matches > 0 {
                    format!(" ({matches} match{})", if *matches == 1 { "" } else { "es" })
                } else {
                    String::new()
                };
                s.push_str(&format!("    {seq} {} {body}{hits}\n", rule.action_word()));
            }
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rule(text: &str, kind: AclKind) -> Rule {
        let words: Vec<&str> = text.split_whitespace().collect();
        parse_rule(&words, kind).unwrap()
    }

    #[test]
    fn standard_entries_round_trip() {
        let r = rule("permit 192.168.10.0 0.0.0.255", AclKind::Standard);
        assert_eq!(r.body(), "192.168.10.0 0.0.0.255");
        assert_eq!(rule("deny any log", AclKind::Standard).body(), "any log");
        assert_eq!(rule("permit 10.10.15.15", AclKind::Standard).body(), "host 10.10.15.15");
        assert_eq!(rule("permit host 10.1.1.1", AclKind::Standard).body(), "host 10.1.1.1");
    }

    #[test]
    fn extended_entries_round_trip_with_port_names() {
        for (input, out) in [
            (
                "deny tcp 192.168.20.0 0.0.0.255 192.168.99.0 0.0.0.255 eq 22",
                "tcp 192.168.20.0 0.0.0.255 192.168.99.0 0.0.0.255 eq 22",
            ),
            ("permit tcp 192.168.20.0 0.0.0.255 any eq www 443", "tcp 192.168.20.0 0.0.0.255 any eq www 443"),
            ("permit tcp any host 203.0.113.53 eq 53", "tcp any host 203.0.113.53 eq domain"),
            (
                "deny icmp 192.168.20.0 0.0.0.255 192.168.10.0 0.0.0.255 echo",
                "icmp 192.168.20.0 0.0.0.255 192.168.10.0 0.0.0.255 echo",
            ),
            ("permit udp any range 1000 2000 any", "udp any range 1000 2000 any"),
            ("permit tcp any any established", "tcp any any established"),
            ("deny ip any any", "ip any any"),
        ] {
            assert_eq!(rule(input, AclKind::Extended).body(), out, "{input}");
        }
        let words: Vec<&str> = "permit tcp any any eq nonsense".split_whitespace().collect();
        assert_eq!(parse_rule(&words, AclKind::Extended), Err(EntryError::Invalid(5)));
        let words: Vec<&str> = "permit tcp any".split_whitespace().collect();
        assert_eq!(parse_rule(&words, AclKind::Extended), Err(EntryError::Incomplete));
    }

    #[test]
    fn first_match_wins_then_implicit_deny() {
        let mut acl = Acl::new(AclId::Name("T".into()), AclKind::Extended);
        acl.add(None, rule("deny icmp host 10.0.0.1 any echo", AclKind::Extended));
        acl.add(None, rule("permit ip 10.0.0.0 0.0.0.255 any", AclKind::Extended));
        let p = |src: &str, t: u8| PacketInfo {
            src: src.parse().ok(),
            dst: "8.8.8.8".parse().ok(),
            protocol: 1,
            icmp_type: Some(t),
            ..Default::default()
        };
        assert_eq!(acl.check(&p("10.0.0.1", 8)), Action::Deny);
        assert_eq!(acl.check(&p("10.0.0.1", 0)), Action::Permit);
        assert_eq!(acl.check(&p("10.0.0.2", 8)), Action::Permit);
        assert_eq!(acl.check(&p("10.0.1.2", 8)), Action::Deny);
        assert!(acl.show().contains("    10 deny icmp host 10.0.0.1 any echo (1 match)\n    20 permit ip 10.0.0.0 0.0.0.255 any (2 matches)"), "{}", acl.show());
        acl.add(Some(15), rule("permit ip any any", AclKind::Extended));
        assert!(matches!(acl.entries[1], Entry::Rule { seq: 15, .. }));
        assert_eq!(acl.config_lines()[1], " deny   icmp host 10.0.0.1 any echo");
    }
}
