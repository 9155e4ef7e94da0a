//! The syntax of access-list entries as IOS parses and prints them:
//! `permit tcp 10.0.0.0 0.0.0.255 any eq www`, port and ICMP type names,
//! the running-config lines of a list and its `show access-lists` block.
//! The lists themselves, and matching packets against them, are
//! [`crate::proto::acl`]'s.

use std::net::Ipv4Addr;

use crate::proto::acl::{Acl, AclId, AclKind, Action, AddrMatch, Entry, PortMatch, Protocol, Rule};

/// A protocol word (`tcp`, `ospf`) or number.
fn protocol_from_word(w: &str) -> Option<Protocol> {
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

/// The word IOS prints for a protocol.
fn protocol_word(p: Protocol) -> String {
    match p {
        Protocol::Ip => "ip".into(),
        Protocol::Icmp => "icmp".into(),
        Protocol::Tcp => "tcp".into(),
        Protocol::Udp => "udp".into(),
        Protocol::Other(89) => "ospf".into(),
        Protocol::Other(47) => "gre".into(),
        Protocol::Other(50) => "esp".into(),
        Protocol::Other(51) => "ahp".into(),
        Protocol::Other(88) => "eigrp".into(),
        Protocol::Other(103) => "pim".into(),
        Protocol::Other(n) => n.to_string(),
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
    PORT_NAMES
        .iter()
        .find(|(name, _, p)| name.eq_ignore_ascii_case(w) && p.is_none_or(|p| p == proto))
        .map(|(_, n, _)| *n)
}

fn port_name(n: u16, proto: Protocol) -> String {
    PORT_NAMES
        .iter()
        .find(|(_, num, p)| *num == n && p.is_none_or(|p| p == proto))
        .map_or_else(|| n.to_string(), |(name, _, _)| name.to_string())
}

fn port_match_text(m: &PortMatch, proto: Protocol) -> String {
    let n = |p: u16| port_name(p, proto);
    match m {
        PortMatch::Eq(ports) => format!("eq {}", ports.iter().map(|&p| n(p)).collect::<Vec<_>>().join(" ")),
        PortMatch::Neq(p) => format!("neq {}", n(*p)),
        PortMatch::Gt(p) => format!("gt {}", n(*p)),
        PortMatch::Lt(p) => format!("lt {}", n(*p)),
        PortMatch::Range(a, b) => format!("range {} {}", n(*a), n(*b)),
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

/// ICMPv6 message names an `ipv6 access-list` entry takes.
const ICMP6_TYPES: &[(&str, u8)] = &[
    ("unreachable", 1),
    ("packet-too-big", 2),
    ("time-exceeded", 3),
    ("parameter-problem", 4),
    ("echo-request", 128),
    ("echo-reply", 129),
    ("router-solicitation", 133),
    ("router-advertisement", 134),
    ("nd-ns", 135),
    ("nd-na", 136),
];

/// `any`, `host A` or `A WILDCARD`; `host A` or `P/LEN` in IPv6 lists (capitals, as IOS prints them).
fn addr_text(a: &AddrMatch) -> String {
    let v6 = |a: std::net::Ipv6Addr| a.to_string().to_uppercase();
    match a {
        AddrMatch::Any => "any".into(),
        AddrMatch::Host(h) => format!("host {h}"),
        AddrMatch::Wild(a, w) => format!("{a} {w}"),
        AddrMatch::Host6(h) => format!("host {}", v6(*h)),
        AddrMatch::Prefix6(p, len) => format!("{}/{len}", v6(*p)),
    }
}

/// `any`, `host A` or `PREFIX/LEN` in an IPv6 list.
fn addr6(words: &[&str], i: &mut usize) -> Result<AddrMatch, EntryError> {
    let w = *words.get(*i).ok_or(EntryError::Incomplete)?;
    *i += 1;
    match w {
        "any" => Ok(AddrMatch::Any),
        "host" => {
            let a = words.get(*i).ok_or(EntryError::Incomplete)?;
            let a = a.parse::<std::net::Ipv6Addr>().map_err(|_| EntryError::Invalid(*i))?;
            *i += 1;
            Ok(AddrMatch::Host6(a))
        }
        _ => {
            let (a, len) = w.split_once('/').ok_or(EntryError::Invalid(*i - 1))?;
            let a = a.parse::<std::net::Ipv6Addr>().map_err(|_| EntryError::Invalid(*i - 1))?;
            let len = len.parse::<u8>().ok().filter(|l| *l <= 128).ok_or(EntryError::Invalid(*i - 1))?;
            Ok(AddrMatch::Prefix6(crate::proto::ipv6::network(a, len), len))
        }
    }
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
            let ip = crate::base::parse_ipv4(ip).ok_or(EntryError::Invalid(*i))?;
            *i += 1;
            Ok(AddrMatch::Host(ip))
        }
        _ => {
            let a = crate::base::parse_ipv4(w).ok_or(EntryError::Invalid(*i - 1))?;
            match words.get(*i).and_then(|w| crate::base::parse_ipv4(w)) {
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
    } else if kind == AclKind::Ipv6 {
        let p = words.get(i).ok_or(EntryError::Incomplete)?.to_ascii_lowercase();
        rule.protocol = match p.as_str() {
            "ipv6" => Protocol::Ip,
            "icmp" => Protocol::Icmp,
            "ip" => return Err(EntryError::Invalid(i)),
            other => protocol_from_word(other).ok_or(EntryError::Invalid(i))?,
        };
        i += 1;
        rule.src = addr6(words, &mut i)?;
        rule.src_port = ports(words, &mut i, rule.protocol)?;
        rule.dst = Some(addr6(words, &mut i)?);
        rule.dst_port = ports(words, &mut i, rule.protocol)?;
        if rule.protocol == Protocol::Icmp {
            if let Some(t) = words.get(i).and_then(|w| ICMP6_TYPES.iter().find(|(n, _)| n.eq_ignore_ascii_case(w))) {
                rule.icmp_type = Some(t.1);
                i += 1;
            }
        }
    } else {
        let p = words.get(i).ok_or(EntryError::Incomplete)?;
        rule.protocol = protocol_from_word(&p.to_ascii_lowercase()).ok_or(EntryError::Invalid(i))?;
        i += 1;
        rule.src = addr(words, &mut i)?;
        rule.src_port = ports(words, &mut i, rule.protocol)?;
        rule.dst = Some(addr(words, &mut i)?);
        rule.dst_port = ports(words, &mut i, rule.protocol)?;
        if rule.protocol == Protocol::Icmp {
            if let Some(t) = words.get(i).and_then(|w| ICMP_TYPES.iter().find(|(n, _)| n.eq_ignore_ascii_case(w))) {
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

/// The rule as IOS prints it after `permit`/`deny` (without the action).
pub fn rule_text(rule: &Rule) -> String {
    rule_text_in(rule, AclKind::Extended)
}

/// [`rule_text`] for an entry of a list of `kind` (an IPv6 list says `ipv6`
/// for every protocol, and names ICMPv6 types).
pub fn rule_text_in(rule: &Rule, kind: AclKind) -> String {
    let mut s = String::new();
    let v6 = kind == AclKind::Ipv6;
    if rule.dst.is_some() {
        let word = match rule.protocol {
            Protocol::Ip if v6 => "ipv6".to_string(),
            p => protocol_word(p),
        };
        s.push_str(&format!("{word} "));
    }
    s.push_str(&addr_text(&rule.src));
    if let Some(p) = &rule.src_port {
        s.push_str(&format!(" {}", port_match_text(p, rule.protocol)));
    }
    if let Some(d) = &rule.dst {
        s.push_str(&format!(" {}", addr_text(d)));
    }
    if let Some(p) = &rule.dst_port {
        s.push_str(&format!(" {}", port_match_text(p, rule.protocol)));
    }
    if let Some(t) = rule.icmp_type {
        let table = if v6 { ICMP6_TYPES } else { ICMP_TYPES };
        let name = table.iter().find(|(_, n)| *n == t).map_or_else(|| t.to_string(), |(n, _)| n.to_string());
        s.push_str(&format!(" {name}"));
    }
    if rule.established {
        s.push_str(" established");
    }
    if rule.log {
        s.push_str(" log");
    }
    s
}

pub fn action_word(rule: &Rule) -> &'static str {
    match rule.action {
        Action::Permit => "permit",
        Action::Deny => "deny",
    }
}

/// Lines for the running-config.
pub fn config_lines(acl: &Acl) -> Vec<String> {
    let kind = match acl.kind {
        AclKind::Standard => "standard",
        AclKind::Extended => "extended",
        AclKind::Ipv6 => return ipv6_config_lines(acl),
    };
    match &acl.id {
        AclId::Number(n) => acl
            .entries
            .iter()
            .map(|e| match e {
                Entry::Rule { rule, .. } => format!("access-list {n} {} {}", action_word(rule), rule_text(rule)),
                Entry::Remark(r) => format!("access-list {n} remark {r}"),
            })
            .collect(),
        AclId::Name(name) => {
            let mut v = vec![format!("ip access-list {kind} {name}")];
            for e in &acl.entries {
                v.push(match e {
                    Entry::Rule { rule, .. } => format!(" {:<6} {}", action_word(rule), rule_text(rule)),
                    Entry::Remark(r) => format!(" remark {r}"),
                });
            }
            v
        }
    }
}

/// An `ipv6 access-list` block: an entry off the default numbering shows its sequence.
fn ipv6_config_lines(acl: &Acl) -> Vec<String> {
    let mut v = vec![format!("ipv6 access-list {}", acl.id)];
    let mut expected = 10;
    for e in &acl.entries {
        v.push(match e {
            Entry::Rule { seq, rule, .. } => {
                let text = rule_text_in(rule, AclKind::Ipv6);
                let line = if *seq == expected {
                    format!(" {} {text}", action_word(rule))
                } else {
                    format!(" sequence {seq} {} {text}", action_word(rule))
                };
                expected = seq / 10 * 10 + 10;
                line
            }
            Entry::Remark(r) => format!(" remark {r}"),
        });
    }
    v
}

/// `show access-lists` for this list.
pub fn show_list(acl: &Acl) -> String {
    let kind = match acl.kind {
        AclKind::Standard => "Standard",
        AclKind::Extended => "Extended",
        AclKind::Ipv6 => {
            let mut s = format!("IPv6 access list {}\n", acl.id);
            for e in &acl.entries {
                if let Entry::Rule { seq, rule, matches } = e {
                    let hits = if *matches > 0 {
                        format!(" ({matches} match{})", if *matches == 1 { "" } else { "es" })
                    } else {
                        String::new()
                    };
                    let text = rule_text_in(rule, AclKind::Ipv6);
                    s.push_str(&format!("    {} {text}{hits} sequence {seq}\n", action_word(rule)));
                }
            }
            return s;
        }
    };
    let mut s = format!("{kind} IP access list {}\n", acl.id);
    for e in &acl.entries {
        if let Entry::Rule { seq, rule, matches } = e {
            let body = match (&acl.kind, rule.src) {
                (AclKind::Standard, AddrMatch::Wild(a, w)) => format!("{a}, wildcard bits {w}"),
                (AclKind::Standard, AddrMatch::Host(h)) => h.to_string(),
                _ => rule_text(rule),
            };
            let hits = if *matches > 0 {
                format!(" ({matches} match{})", if *matches == 1 { "" } else { "es" })
            } else {
                String::new()
            };
            // A standard list pads `deny` to the width of `permit`, as IOS shows it.
            let action = match acl.kind {
                AclKind::Standard => format!("{:<6}", action_word(rule)),
                AclKind::Extended | AclKind::Ipv6 => action_word(rule).to_string(),
            };
            s.push_str(&format!("    {seq} {action} {body}{hits}\n"));
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::proto::acl::PacketInfo;

    fn rule(text: &str, kind: AclKind) -> Rule {
        let words: Vec<&str> = text.split_whitespace().collect();
        parse_rule(&words, kind).unwrap()
    }

    #[test]
    fn standard_entries_round_trip() {
        let r = rule("permit 192.168.10.0 0.0.0.255", AclKind::Standard);
        assert_eq!(rule_text(&r), "192.168.10.0 0.0.0.255");
        assert_eq!(rule_text(&rule("deny any log", AclKind::Standard)), "any log");
        assert_eq!(rule_text(&rule("permit 10.10.15.15", AclKind::Standard)), "host 10.10.15.15");
        assert_eq!(rule_text(&rule("permit host 10.1.1.1", AclKind::Standard)), "host 10.1.1.1");
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
            assert_eq!(rule_text(&rule(input, AclKind::Extended)), out, "{input}");
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
        assert!(show_list(&acl).contains("    10 deny icmp host 10.0.0.1 any echo (1 match)\n    20 permit ip 10.0.0.0 0.0.0.255 any (2 matches)"), "{}", show_list(&acl));
        acl.add(Some(15), rule("permit ip any any", AclKind::Extended));
        assert!(matches!(acl.entries[1], Entry::Rule { seq: 15, .. }));
        assert_eq!(config_lines(&acl)[1], " deny   icmp host 10.0.0.1 any echo");
    }
}
