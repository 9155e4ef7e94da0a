//! Access control lists: standard and extended, numbered and named, with
//! sequence-numbered entries, and matching packets against them (first match
//! wins, implicit deny at the end, a hit counted on the entry). Their IOS
//! syntax is the CLI's (`cli::ios::acl_syntax`).
//!
//! A box's lists live in one [`AclTable`], shared between its configuration
//! and the [`AclFilter`]s installed on its interfaces (`ip access-group`), so
//! an edit takes effect at once and `show access-lists` counts what the
//! filters matched. An entry with `log` reports its first match, then at
//! most one line every five minutes, as IOS does.

use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};

use crate::sim::{Duration, Time};

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
    /// `ipv6 access-list NAME`: extended entries over IPv6 prefixes.
    Ipv6,
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

/// An address match: `any`, `host A`, or `A WILDCARD`; in an IPv6 list,
/// `host A` or `PREFIX/LEN`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrMatch {
    Any,
    Host(Ipv4Addr),
    Wild(Ipv4Addr, Ipv4Addr),
    Host6(Ipv6Addr),
    Prefix6(Ipv6Addr, u8),
}

impl AddrMatch {
    pub fn matches(&self, ip: Ipv4Addr) -> bool {
        match *self {
            AddrMatch::Any => true,
            AddrMatch::Host(h) => h == ip,
            AddrMatch::Wild(a, w) => u32::from(ip) & !u32::from(w) == u32::from(a) & !u32::from(w),
            AddrMatch::Host6(_) | AddrMatch::Prefix6(..) => false,
        }
    }

    pub fn matches6(&self, ip: Ipv6Addr) -> bool {
        match *self {
            AddrMatch::Any => true,
            AddrMatch::Host6(h) => h == ip,
            AddrMatch::Prefix6(p, len) => super::ipv6::contains(p, len, ip),
            AddrMatch::Host(_) | AddrMatch::Wild(..) => false,
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

/// How often a `log` entry may report (IOS: the first match, then a summary
/// every five minutes).
pub const LOG_INTERVAL: Duration = Duration::from_secs(300);

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acl {
    pub id: AclId,
    pub kind: AclKind,
    pub entries: Vec<Entry>,
    /// When each `log` entry last reported, by sequence number.
    logged: Vec<(u32, Time)>,
}

pub use super::ipv4::PacketInfo;
pub use super::ipv6::PacketInfo6;

impl Rule {
    /// Does an IPv6 packet match (`ipv6` matches every protocol, `icmp` ICMPv6)?
    pub fn matches6(&self, p: &PacketInfo6) -> bool {
        let Some(dst) = &self.dst else { return false };
        if !self.src.matches6(p.src) || !dst.matches6(p.dst) {
            return false;
        }
        let protocol = match self.protocol {
            Protocol::Icmp => Some(58),
            other => other.number(),
        };
        self.matches_transport(protocol, p.protocol, (p.src_port, p.dst_port), p.icmp_type, p.tcp_ack_or_rst)
    }

    /// The protocol, ports, ICMP type and `established`, as both IP versions match them.
    fn matches_transport(
        &self,
        protocol: Option<u8>,
        packet_protocol: u8,
        (src_port, dst_port): (Option<u16>, Option<u16>),
        icmp_type: Option<u8>,
        ack_or_rst: bool,
    ) -> bool {
        if protocol.is_some_and(|n| n != packet_protocol) {
            return false;
        }
        let port_ok =
            |m: &Option<PortMatch>, port: Option<u16>| m.as_ref().is_none_or(|m| port.is_some_and(|p| m.matches(p)));
        port_ok(&self.src_port, src_port)
            && port_ok(&self.dst_port, dst_port)
            && self.icmp_type.is_none_or(|t| icmp_type == Some(t))
            && (!self.established || ack_or_rst)
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
        let ports = (p.src_port, p.dst_port);
        self.matches_transport(self.protocol.number(), p.protocol, ports, p.icmp_type, p.tcp_ack_or_rst)
    }
}

impl Acl {
    pub fn new(id: AclId, kind: AclKind) -> Self {
        Acl { id, kind, entries: Vec::new(), logged: Vec::new() }
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
        self.check_at(Time::ZERO, p, &mut Vec::new())
    }

    /// [`Acl::check`] at `now`; a matching `log` entry due to report adds
    /// its line (`%SEC-6-IPACCESSLOGP: ...`) to `log`.
    pub fn check_at(&mut self, now: Time, p: &PacketInfo, log: &mut Vec<String>) -> Action {
        let hit = self.entries.iter_mut().find_map(|e| match e {
            Entry::Rule { seq, rule, matches } if rule.matches(p) => {
                *matches += 1;
                Some((*seq, rule.action, rule.log, rule.protocol))
            }
            _ => None,
        });
        let Some((seq, action, logs, protocol)) = hit else { return Action::Deny };
        if logs && self.log_due(now, seq) {
            log.push(self.log_line(action, protocol, p));
        }
        action
    }

    /// An IPv6 packet against the list: first match wins; with no match,
    /// neighbour solicitations and advertisements pass (IOS's implicit
    /// `permit icmp any any nd-na` and `nd-ns`) and everything else is denied.
    pub fn check6(&mut self, now: Time, p: &PacketInfo6, log: &mut Vec<String>) -> Action {
        let hit = self.entries.iter_mut().find_map(|e| match e {
            Entry::Rule { seq, rule, matches } if rule.matches6(p) => {
                *matches += 1;
                Some((*seq, rule.action, rule.log))
            }
            _ => None,
        });
        let Some((seq, action, logs)) = hit else {
            // The implicit entries: neighbour discovery passes, the rest is denied.
            let nd = p.protocol == 58 && matches!(p.icmp_type, Some(135 | 136));
            return if nd { Action::Permit } else { Action::Deny };
        };
        if logs && self.log_due(now, seq) {
            log.push(self.log_line6(seq, action, p));
        }
        action
    }

    /// A `log` entry logs its first match, then at most once per interval.
    fn log_due(&mut self, now: Time, seq: u32) -> bool {
        let last = self.logged.iter_mut().find(|(s, _)| *s == seq);
        let due = last.as_ref().is_none_or(|(_, t)| now.since(*t) >= LOG_INTERVAL);
        if due {
            match last {
                Some(l) => l.1 = now,
                None => self.logged.push((seq, now)),
            }
        }
        due
    }

    /// The line IOS logs for a match of a `log` entry of an IPv6 list
    /// (which names the entry's sequence number after the list's name).
    fn log_line6(&self, seq: u32, action: Action, p: &PacketInfo6) -> String {
        let verb = if action == Action::Permit { "permitted" } else { "denied" };
        let (src, dst) = (p.src.to_string().to_uppercase(), p.dst.to_string().to_uppercase());
        let list = format!("{}/{seq}", self.id);
        match (p.protocol, p.src_port, p.dst_port, p.icmp_type) {
            (6 | 17, Some(sp), Some(dp), _) => {
                let name = if p.protocol == 6 { "tcp" } else { "udp" };
                format!("%IPV6_ACL-6-ACCESSLOGP: list {list} {verb} {name} {src}({sp}) -> {dst}({dp}), 1 packet")
            }
            (58, _, _, Some(t)) => {
                format!("%IPV6_ACL-6-ACCESSLOGDP: list {list} {verb} icmpv6 {src} -> {dst} ({t}/0), 1 packet")
            }
            (n, _, _, _) => format!("%IPV6_ACL-6-ACCESSLOGNP: list {list} {verb} {n} {src} -> {dst}, 1 packet"),
        }
    }

    /// The line IOS logs for a match of a `log` entry.
    fn log_line(&self, action: Action, protocol: Protocol, p: &PacketInfo) -> String {
        let verb = if action == Action::Permit { "permitted" } else { "denied" };
        let (src, dst) = (p.src.unwrap_or(Ipv4Addr::UNSPECIFIED), p.dst.unwrap_or(Ipv4Addr::UNSPECIFIED));
        let id = &self.id;
        if self.kind == AclKind::Standard {
            return format!("%SEC-6-IPACCESSLOGS: list {id} {verb} {src} 1 packet");
        }
        let name = match p.protocol {
            1 => "icmp".to_string(),
            6 => "tcp".to_string(),
            17 => "udp".to_string(),
            n if protocol == Protocol::Ip => n.to_string(),
            n => n.to_string(),
        };
        match (p.src_port, p.dst_port, p.icmp_type) {
            (Some(sp), Some(dp), _) => {
                format!("%SEC-6-IPACCESSLOGP: list {id} {verb} {name} {src}({sp}) -> {dst}({dp}), 1 packet")
            }
            (_, _, Some(t)) => {
                format!("%SEC-6-IPACCESSLOGDP: list {id} {verb} {name} {src} -> {dst} ({t}/0), 1 packet")
            }
            _ => format!("%SEC-6-IPACCESSLOGNP: list {id} {verb} {name} {src} -> {dst}, 1 packet"),
        }
    }

    /// `ip access-list resequence`: the entries numbered `start`, `start + step` ...
    pub fn resequence(&mut self, start: u32, step: u32) {
        let mut next = start;
        for e in &mut self.entries {
            if let Entry::Rule { seq, .. } = e {
                *seq = next;
                next = next.saturating_add(step);
            }
        }
        self.logged.clear();
    }

    /// `clear access-list counters`.
    pub fn clear_counters(&mut self) {
        for e in &mut self.entries {
            if let Entry::Rule { matches, .. } = e {
                *matches = 0;
            }
        }
    }
}

/// A box's access lists, shared by its configuration and the filters on its
/// interfaces (a clone is the same table, not a copy).
#[derive(Clone, Debug, Default)]
pub struct AclTable {
    lists: Arc<Mutex<Vec<Acl>>>,
    /// Lines `log` entries produced, for the console.
    log: Arc<Mutex<Vec<String>>>,
    /// Some are waiting (read on every event, so it is not a lock).
    logged: Arc<AtomicBool>,
}

impl AclTable {
    /// The lists, to read or change.
    pub fn lists(&self) -> MutexGuard<'_, Vec<Acl>> {
        // One thread uses a box at a time; a poisoned lock still holds good lists.
        self.lists.lock().unwrap_or_else(|e| e.into_inner())
    }

    /// Take the log lines matches produced.
    #[inline]
    pub fn take_log(&self) -> Vec<String> {
        // A plain load first: this runs after every event of a box.
        if !self.logged.load(Ordering::Relaxed) || !self.logged.swap(false, Ordering::Relaxed) {
            return Vec::new();
        }
        std::mem::take(&mut *self.log.lock().unwrap_or_else(|e| e.into_inner()))
    }

    /// [`AclTable::admits`] for an IPv6 packet and an `ipv6 access-list`.
    pub fn admits6(&self, now: Time, id: &AclId, p: &PacketInfo6) -> bool {
        let mut lists = self.lists();
        let Some(acl) = lists.iter_mut().find(|a| a.id == *id && a.kind == AclKind::Ipv6) else { return true };
        let mut log = Vec::new();
        let action = acl.check6(now, p, &mut log);
        self.keep_log(log);
        action == Action::Permit
    }

    fn keep_log(&self, log: Vec<String>) {
        if !log.is_empty() {
            self.log.lock().unwrap_or_else(|e| e.into_inner()).extend(log);
            self.logged.store(true, Ordering::Relaxed);
        }
    }

    /// Check a packet against list `id`. A list that does not exist lets
    /// everything through, as an `ip access-group` naming no list does on IOS.
    /// (IPv6 lists are another namespace: an IPv4 filter never finds one.)
    pub fn admits(&self, now: Time, id: &AclId, p: &PacketInfo) -> bool {
        let mut lists = self.lists();
        let Some(acl) = lists.iter_mut().find(|a| a.id == *id && a.kind != AclKind::Ipv6) else { return true };
        let mut log = Vec::new();
        let action = acl.check_at(now, p, &mut log);
        self.keep_log(log);
        action == Action::Permit
    }
}

/// A list applied to an interface's way in or out.
#[derive(Debug)]
pub struct AclFilter {
    pub table: AclTable,
    pub id: AclId,
}

impl super::ip_stack::PacketFilter for AclFilter {
    fn admits(&mut self, now: Time, packet: &PacketInfo) -> bool {
        self.table.admits(now, &self.id, packet)
    }
}

impl super::ip6_stack::Packet6Filter for AclFilter {
    fn admits(&mut self, now: Time, packet: &PacketInfo6) -> bool {
        self.table.admits6(now, &self.id, packet)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn deny_all() -> Rule {
        Rule {
            action: Action::Deny,
            protocol: Protocol::Ip,
            src: AddrMatch::Any,
            src_port: None,
            dst: Some(AddrMatch::Any),
            dst_port: None,
            icmp_type: None,
            established: false,
            log: true,
        }
    }

    #[test]
    fn ipv4_and_ipv6_lists_are_apart() {
        let table = AclTable::default();
        let mut v6 = Acl::new(AclId::Name("EDGE".into()), AclKind::Ipv6);
        v6.add(None, deny_all());
        table.lists().push(v6);
        let id = AclId::Name("EDGE".into());
        let v4 = PacketInfo {
            src: Some(Ipv4Addr::new(10, 0, 0, 1)),
            dst: Some(Ipv4Addr::new(10, 0, 0, 2)),
            ..Default::default()
        };
        assert!(table.admits(Time::ZERO, &id, &v4), "an IPv4 filter finds no IPv4 list EDGE");
        let p6 = PacketInfo6 {
            src: "2001:db8::1".parse().unwrap(),
            dst: "2001:db8::2".parse().unwrap(),
            protocol: 17,
            src_port: Some(1024),
            dst_port: Some(53),
            icmp_type: None,
            tcp_ack_or_rst: false,
        };
        assert!(!table.admits6(Time::ZERO, &id, &p6));
        assert_eq!(
            table.take_log(),
            ["%IPV6_ACL-6-ACCESSLOGP: list EDGE/10 denied udp 2001:DB8::1(1024) -> 2001:DB8::2(53), 1 packet"]
        );
        // The next match within the interval is counted, not logged.
        assert!(!table.admits6(Time::ZERO, &id, &p6));
        assert!(table.take_log().is_empty());
    }
}
