//! NAT (inside source): the configuration the CLI keeps (inside and outside
//! interfaces, pools, static, static-port and dynamic rules, `overload`),
//! and the translator the IP stack calls at its two NAT stages.
//!
//! - **Inside to outside** (a packet routed from an inside interface out of
//!   an outside one): a translation that exists is reused; else a static
//!   rule, a static port rule, or a dynamic rule whose access list permits
//!   the source makes one: one address for one (a pool's next free
//!   address, kept for 24 hours) or, with `overload`, one address for many,
//!   told apart by port (the inside port when free, else the next free one
//!   from 1024; the ICMP echo identifier stands for the port).
//! - **Outside to inside** (a packet arriving on an outside interface, before
//!   routing): its destination is looked up among the inside global
//!   addresses and ports, and written back to the inside local one. An ICMP
//!   error about a translated packet has the packet it quotes translated too.
//!   What matches nothing passes unchanged (traffic to the router itself).
//!
//! Every rewrite fixes the IP header checksum and the TCP, UDP or ICMP one,
//! so both sides of the router capture valid packets. Translations expire as
//! IOS's do: ICMP after 60 s, UDP after 300 s, TCP after 24 hours or 60 s
//! after a FIN or RST, a one-to-one address after 24 hours; each use
//! refreshes its entry. The table is shared ([`NatTable`]) between the
//! translator installed on the stack and the box's `show ip nat`.

use std::net::Ipv4Addr;
use std::sync::{Arc, Mutex, MutexGuard};

use smoltcp::wire::{Icmpv4Packet, Ipv4Packet, TcpPacket, UdpPacket};

use super::acl::{AclId, AclTable, PacketInfo};
use super::ip_stack::Translator;
use crate::base::IfaceName;
use crate::sim::{Duration, Time};

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Side {
    Inside,
    Outside,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NatPool {
    pub name: String,
    pub start: Ipv4Addr,
    pub end: Ipv4Addr,
    /// The prefix length, and whether it was given as `prefix-length` (else `netmask`).
    pub len: u8,
    pub prefix_form: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Target {
    Interface(crate::base::IfaceName),
    Pool(String),
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    Static { local: Ipv4Addr, global: Ipv4Addr },
    StaticPort { tcp: bool, local: Ipv4Addr, local_port: u16, global: Ipv4Addr, global_port: u16 },
    Dynamic { list: String, target: Target, overload: bool },
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct NatConfig {
    pub pools: Vec<NatPool>,
    pub rules: Vec<Rule>,
    /// `ip nat translation timeout|tcp-timeout|udp-timeout|icmp-timeout|finrst-timeout SECONDS`.
    pub timeouts: NatTimeouts,
}

/// Translation timeouts set in the configuration (`None`: IOS's default).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub struct NatTimeouts {
    pub simple: Option<u32>,
    pub tcp: Option<u32>,
    pub udp: Option<u32>,
    pub icmp: Option<u32>,
    pub finrst: Option<u32>,
}

impl NatTimeouts {
    fn get(set: Option<u32>, default: Duration) -> Duration {
        set.map_or(default, |s| Duration::from_secs(u64::from(s)))
    }
}

/// How long an unused translation lives.
pub const ICMP_TIMEOUT: Duration = Duration::from_secs(60);
pub const UDP_TIMEOUT: Duration = Duration::from_secs(300);
pub const TCP_TIMEOUT: Duration = Duration::from_secs(86_400);
pub const FINRST_TIMEOUT: Duration = Duration::from_secs(60);
pub const SIMPLE_TIMEOUT: Duration = Duration::from_secs(86_400);

/// The first port PAT gives out when the inside port is taken.
const FIRST_PAT_PORT: u16 = 1024;

/// One translation in the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Translation {
    /// `None`: an address-only entry (one address for one, no ports).
    pub protocol: Option<u8>,
    pub inside_local: (Ipv4Addr, u16),
    pub inside_global: (Ipv4Addr, u16),
    /// The outside host and port (`None` in an address-only entry).
    pub outside: Option<(Ipv4Addr, u16)>,
    pub created: Time,
    pub last_used: Time,
    pub timeout: Duration,
    /// Made by a static rule (it goes with the rule, not with time).
    pub from_static: bool,
}

impl Translation {
    fn expired(&self, now: Time) -> bool {
        !self.from_static && now.since(self.last_used) >= self.timeout
    }
}

/// What the translator needs to know about the box, rebuilt from its
/// configuration when it changes.
#[derive(Clone, Debug, Default)]
pub struct NatSetup {
    /// Inside or outside, by IP interface.
    pub sides: Vec<Option<Side>>,
    pub config: NatConfig,
    /// The current address of each interface an `overload` rule names.
    pub iface_addrs: Vec<(IfaceName, Option<Ipv4Addr>)>,
}

/// The translator's state: its setup, the table, and the counters `show ip
/// nat statistics` prints.
#[derive(Debug, Default)]
pub struct Nat {
    pub setup: NatSetup,
    pub entries: Vec<Translation>,
    pub hits: u64,
    pub misses: u64,
    pub expired: u64,
    /// The most translations at once, and when.
    pub peak: (usize, Time),
    acls: AclTable,
}

/// A packet's translatable fields.
#[derive(Clone, Copy, Debug)]
struct Flow {
    protocol: u8,
    src: (Ipv4Addr, u16),
    dst: (Ipv4Addr, u16),
    /// TCP FIN or RST.
    closing: bool,
}

impl Nat {
    fn purge(&mut self, now: Time) {
        let before = self.entries.len();
        self.entries.retain(|e| !e.expired(now));
        self.expired += (before - self.entries.len()) as u64;
    }

    /// The active translations at `now`, with the static rules' address
    /// entries, in the order `show ip nat translations` lists them.
    pub fn translations(&self, now: Time) -> Vec<Translation> {
        let mut out: Vec<Translation> = self.entries.iter().filter(|e| !e.expired(now)).cloned().collect();
        for r in &self.setup.config.rules {
            match *r {
                Rule::Static { local, global } => out.push(Translation {
                    protocol: None,
                    inside_local: (local, 0),
                    inside_global: (global, 0),
                    outside: None,
                    created: Time::ZERO,
                    last_used: Time::ZERO,
                    timeout: SIMPLE_TIMEOUT,
                    from_static: true,
                }),
                Rule::StaticPort { tcp, local, local_port, global, global_port } => out.push(Translation {
                    protocol: Some(if tcp { 6 } else { 17 }),
                    inside_local: (local, local_port),
                    inside_global: (global, global_port),
                    outside: None,
                    created: Time::ZERO,
                    last_used: Time::ZERO,
                    timeout: TCP_TIMEOUT,
                    from_static: true,
                }),
                Rule::Dynamic { .. } => {}
            }
        }
        out
    }

    /// The box's access lists, which dynamic rules name.
    pub fn set_acls(&mut self, acls: AclTable) {
        self.acls = acls;
    }

    /// Clear the dynamic translations (`clear ip nat translation *`).
    pub fn clear(&mut self) {
        self.entries.clear();
    }

    fn timeout_for(&self, flow: &Flow) -> Duration {
        let t = self.setup.config.timeouts;
        match flow.protocol {
            1 => NatTimeouts::get(t.icmp, ICMP_TIMEOUT),
            6 if flow.closing => NatTimeouts::get(t.finrst, FINRST_TIMEOUT),
            6 => NatTimeouts::get(t.tcp, TCP_TIMEOUT),
            _ => NatTimeouts::get(t.udp, UDP_TIMEOUT),
        }
    }

    fn touch(&mut self, i: usize, now: Time, flow: &Flow) {
        let finrst = NatTimeouts::get(self.setup.config.timeouts.finrst, FINRST_TIMEOUT);
        let e = &mut self.entries[i];
        e.last_used = now;
        if flow.closing {
            e.timeout = finrst;
        }
        self.hits += 1;
    }

    fn add(&mut self, now: Time, t: Translation) -> usize {
        self.entries.push(t);
        if self.entries.len() > self.peak.0 {
            self.peak = (self.entries.len(), now);
        }
        self.entries.len() - 1
    }

    /// A new translation for a flow (counted as a hit).
    fn add_flow(
        &mut self,
        now: Time,
        flow: &Flow,
        local: (Ipv4Addr, u16),
        global: (Ipv4Addr, u16),
        outside: (Ipv4Addr, u16),
    ) {
        let t = Translation {
            protocol: Some(flow.protocol),
            inside_local: local,
            inside_global: global,
            outside: Some(outside),
            created: now,
            last_used: now,
            timeout: self.timeout_for(flow),
            from_static: false,
        };
        self.add(now, t);
        self.hits += 1;
    }

    /// Is this inside global (address, port) taken for this protocol?
    fn global_taken(&self, protocol: u8, global: (Ipv4Addr, u16)) -> bool {
        self.entries.iter().any(|e| e.protocol == Some(protocol) && e.inside_global == global)
    }

    /// The inside global address and port for a new flow from inside, or
    /// `None` when nothing applies (the packet goes untranslated) or
    /// `Some(None)` when a rule applies but has no address left (a miss).
    fn new_global(&mut self, now: Time, flow: &Flow) -> Option<Option<((Ipv4Addr, u16), bool)>> {
        let (local, port) = flow.src;
        for r in self.setup.config.rules.clone() {
            match r {
                Rule::StaticPort { tcp, local: l, local_port, global, global_port }
                    if l == local && local_port == port && flow.protocol == if tcp { 6 } else { 17 } =>
                {
                    return Some(Some(((global, global_port), true)));
                }
                Rule::Static { local: l, global } if l == local => return Some(Some(((global, port), true))),
                _ => {}
            }
        }
        for r in self.setup.config.rules.clone() {
            let Rule::Dynamic { list, target, overload } = r else { continue };
            let info = PacketInfo {
                src: Some(local),
                dst: Some(flow.dst.0),
                protocol: flow.protocol,
                src_port: Some(port),
                dst_port: Some(flow.dst.1),
                icmp_type: None,
                tcp_ack_or_rst: false,
            };
            // A rule whose list does not exist translates nothing.
            let id = AclId::parse(&list);
            if !self.acls.lists().iter().any(|a| a.id == id) || !self.acls.admits(now, &id, &info) {
                continue;
            }
            let addresses: Vec<Ipv4Addr> = match &target {
                Target::Interface(name) => {
                    self.setup.iface_addrs.iter().filter(|(n, _)| n == name).filter_map(|(_, a)| *a).collect()
                }
                Target::Pool(name) => self
                    .setup
                    .config
                    .pools
                    .iter()
                    .find(|p| p.name == *name)
                    .map(|p| (u32::from(p.start)..=u32::from(p.end)).map(Ipv4Addr::from).collect())
                    .unwrap_or_default(),
            };
            if overload {
                for a in &addresses {
                    if !self.global_taken(flow.protocol, (*a, port)) {
                        return Some(Some(((*a, port), false)));
                    }
                    let free = (FIRST_PAT_PORT..=u16::MAX).find(|p| !self.global_taken(flow.protocol, (*a, *p)));
                    if let Some(p) = free {
                        return Some(Some(((*a, p), false)));
                    }
                }
                return Some(None);
            }
            // One address for one: this host's, or the pool's next free one.
            let held = self.entries.iter().find(|e| e.protocol.is_none() && e.inside_local.0 == local);
            let global = match held {
                Some(e) => Some(e.inside_global.0),
                None => addresses
                    .iter()
                    .copied()
                    .find(|a| !self.entries.iter().any(|e| e.protocol.is_none() && e.inside_global.0 == *a)),
            };
            let Some(global) = global else { return Some(None) };
            let simple = NatTimeouts::get(self.setup.config.timeouts.simple, SIMPLE_TIMEOUT);
            if held.is_none() {
                self.add(
                    now,
                    Translation {
                        protocol: None,
                        inside_local: (local, 0),
                        inside_global: (global, 0),
                        outside: None,
                        created: now,
                        last_used: now,
                        timeout: simple,
                        from_static: false,
                    },
                );
            } else if let Some(e) = self.entries.iter_mut().find(|e| e.protocol.is_none() && e.inside_local.0 == local)
            {
                e.last_used = now;
            }
            return Some(Some(((global, port), false)));
        }
        None
    }

    /// Translate a packet routed from inside to outside; `false` drops it
    /// (a rule applies and has no address left).
    fn inside_out(&mut self, now: Time, packet: &mut [u8]) -> bool {
        self.purge(now);
        let Some(flow) = flow_of(packet) else { return true };
        // An echo's identifier is its port at both ends, and is rewritten:
        // the outside side of an ICMP entry carries the global identifier.
        let icmp = flow.protocol == 1;
        let existing = self.entries.iter().position(|e| {
            e.protocol == Some(flow.protocol)
                && e.inside_local == flow.src
                && e.outside.is_some_and(|o| o.0 == flow.dst.0 && (icmp || o.1 == flow.dst.1))
        });
        let global = match existing {
            Some(i) => {
                self.touch(i, now, &flow);
                self.entries[i].inside_global
            }
            None => match self.new_global(now, &flow) {
                None => return true,
                Some(None) => {
                    self.misses += 1;
                    return false;
                }
                Some(Some((global, _))) => {
                    let outside = if icmp { (flow.dst.0, global.1) } else { flow.dst };
                    self.add_flow(now, &flow, flow.src, global, outside);
                    global
                }
            },
        };
        rewrite(packet, End::Src, global);
        true
    }

    /// Translate a packet arriving on an outside interface.
    fn outside_in(&mut self, now: Time, packet: &mut [u8]) -> bool {
        self.purge(now);
        if let Some(quoted) = quoted_flow(packet) {
            return self.outside_in_error(now, packet, quoted);
        }
        let Some(flow) = flow_of(packet) else { return true };
        let found = self
            .entries
            .iter()
            .position(|e| {
                e.protocol == Some(flow.protocol) && e.inside_global == flow.dst && e.outside == Some(flow.src)
            })
            .or_else(|| {
                self.entries.iter().position(|e| e.protocol == Some(flow.protocol) && e.inside_global == flow.dst)
            });
        let local = match found {
            Some(i) => {
                self.touch(i, now, &flow);
                let local = self.entries[i].inside_local;
                if self.entries[i].outside != Some(flow.src) {
                    // A new outside host on a port forwarded or statically mapped: its own entry.
                    let t = Translation {
                        outside: Some(flow.src),
                        created: now,
                        last_used: now,
                        from_static: false,
                        ..self.entries[i].clone()
                    };
                    self.add(now, t);
                }
                local
            }
            None => {
                let Some(local) = self.static_local(flow.protocol, flow.dst) else { return true };
                self.add_flow(now, &flow, local, flow.dst, flow.src);
                local
            }
        };
        rewrite(packet, End::Dst, local);
        true
    }

    /// The inside local address and port that a static rule, or a one-to-one
    /// dynamic entry, maps an inside global one to.
    fn static_local(&self, protocol: u8, global: (Ipv4Addr, u16)) -> Option<(Ipv4Addr, u16)> {
        for r in &self.setup.config.rules {
            match *r {
                Rule::StaticPort { tcp, local, local_port, global: g, global_port }
                    if (g, global_port) == global && protocol == if tcp { 6 } else { 17 } =>
                {
                    return Some((local, local_port));
                }
                _ => {}
            }
        }
        for r in &self.setup.config.rules {
            if let Rule::Static { local, global: g } = *r {
                if g == global.0 {
                    return Some((local, global.1));
                }
            }
        }
        self.entries
            .iter()
            .find(|e| e.protocol.is_none() && e.inside_global.0 == global.0)
            .map(|e| (e.inside_local.0, global.1))
    }

    /// An ICMP error from outside about a packet an inside host sent: the
    /// quoted packet's source (an inside global) and the error's destination
    /// go back to the inside local ones.
    fn outside_in_error(&mut self, now: Time, packet: &mut [u8], quoted: Flow) -> bool {
        let found = self.entries.iter().position(|e| {
            e.protocol == Some(quoted.protocol) && e.inside_global == quoted.src && e.outside == Some(quoted.dst)
        });
        let local = match found {
            Some(i) => {
                self.entries[i].last_used = now;
                self.hits += 1;
                self.entries[i].inside_local
            }
            None => match self.static_local(quoted.protocol, quoted.src) {
                Some(l) => l,
                None => return true,
            },
        };
        rewrite_quoted(packet, local);
        true
    }
}

/// A box's NAT, shared by the translator on its IP stack and its `show`
/// commands (a clone is the same table).
#[derive(Clone, Debug, Default)]
pub struct NatTable(Arc<Mutex<Nat>>);

impl NatTable {
    pub fn lock(&self) -> MutexGuard<'_, Nat> {
        // One thread uses a box at a time; a poisoned lock still holds a good table.
        self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Translator for NatTable {
    fn outside_to_inside(&mut self, now: Time, iface: usize, packet: &mut Vec<u8>) -> bool {
        let mut nat = self.lock();
        if nat.setup.sides.get(iface).copied().flatten() != Some(Side::Outside) {
            return true;
        }
        nat.outside_in(now, packet)
    }

    fn inside_to_outside(&mut self, now: Time, in_iface: usize, out_iface: usize, packet: &mut Vec<u8>) -> bool {
        let mut nat = self.lock();
        let side = |i: usize| nat.setup.sides.get(i).copied().flatten();
        if side(in_iface) != Some(Side::Inside) || side(out_iface) != Some(Side::Outside) {
            return true;
        }
        nat.inside_out(now, packet)
    }
}

/// The protocol, addresses and ports (the echo identifier for ICMP echoes)
/// of a packet NAT can translate; `None` for what it leaves alone.
fn flow_of(packet: &[u8]) -> Option<Flow> {
    let ip = Ipv4Packet::new_checked(packet).ok()?;
    let (src, dst) = (ip.src_addr(), ip.dst_addr());
    let payload = ip.payload();
    let protocol = u8::from(ip.next_header());
    let (sp, dp, closing) = match protocol {
        6 => {
            let t = TcpPacket::new_checked(payload).ok()?;
            (t.src_port(), t.dst_port(), t.fin() || t.rst())
        }
        17 => {
            let u = UdpPacket::new_checked(payload).ok()?;
            (u.src_port(), u.dst_port(), false)
        }
        1 => {
            // Echo request (8) and reply (0): the identifier is the port.
            let ty = *payload.first()?;
            if ty != 8 && ty != 0 || payload.len() < 8 {
                return None;
            }
            let id = u16::from_be_bytes([payload[4], payload[5]]);
            (id, id, false)
        }
        _ => return None,
    };
    Some(Flow { protocol, src: (src, sp), dst: (dst, dp), closing })
}

/// The packet an ICMP error quotes (as it was sent: its source is the
/// translated inside host), when `packet` is one.
fn quoted_flow(packet: &[u8]) -> Option<Flow> {
    let ip = Ipv4Packet::new_checked(packet).ok()?;
    let payload = ip.payload();
    if u8::from(ip.next_header()) != 1 || !matches!(payload.first(), Some(3 | 11 | 12)) {
        return None;
    }
    let inner = payload.get(8..)?;
    let ihl = usize::from(inner.first()? & 0x0f) * 4;
    let body = inner.get(ihl..ihl + 8)?;
    let protocol = inner[9];
    let addr = |o: usize| Ipv4Addr::new(inner[o], inner[o + 1], inner[o + 2], inner[o + 3]);
    let (sp, dp) = match protocol {
        6 | 17 => (u16::from_be_bytes([body[0], body[1]]), u16::from_be_bytes([body[2], body[3]])),
        1 => {
            let id = u16::from_be_bytes([body[4], body[5]]);
            (id, id)
        }
        _ => return None,
    };
    Some(Flow { protocol, src: (addr(12), sp), dst: (addr(16), dp), closing: false })
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum End {
    Src,
    Dst,
}

/// Write `to` (address and port) at one end of the packet and fix every checksum.
fn rewrite(packet: &mut [u8], end: End, to: (Ipv4Addr, u16)) {
    let mut ip = Ipv4Packet::new_unchecked(&mut *packet);
    match end {
        End::Src => ip.set_src_addr(to.0),
        End::Dst => ip.set_dst_addr(to.0),
    }
    ip.fill_checksum();
    let (src, dst) = (ip.src_addr(), ip.dst_addr());
    let protocol = u8::from(ip.next_header());
    let payload = ip.payload_mut();
    match protocol {
        6 => {
            let mut t = TcpPacket::new_unchecked(payload);
            match end {
                End::Src => t.set_src_port(to.1),
                End::Dst => t.set_dst_port(to.1),
            }
            t.fill_checksum(&src.into(), &dst.into());
        }
        17 => {
            let mut u = UdpPacket::new_unchecked(payload);
            match end {
                End::Src => u.set_src_port(to.1),
                End::Dst => u.set_dst_port(to.1),
            }
            // A zero checksum means none was computed; it stays so.
            if u.checksum() != 0 {
                u.fill_checksum(&src.into(), &dst.into());
            }
        }
        1 => {
            payload[4..6].copy_from_slice(&to.1.to_be_bytes());
            Icmpv4Packet::new_unchecked(payload).fill_checksum();
        }
        _ => {}
    }
}

/// An ICMP error for an inside host: the error's destination and the quoted
/// packet's source become `to`, with the quoted headers' checksums and the
/// error's own fixed.
fn rewrite_quoted(packet: &mut [u8], to: (Ipv4Addr, u16)) {
    let mut ip = Ipv4Packet::new_unchecked(&mut *packet);
    ip.set_dst_addr(to.0);
    ip.fill_checksum();
    let icmp = ip.payload_mut();
    let inner = &mut icmp[8..];
    let ihl = usize::from(inner[0] & 0x0f) * 4;
    let protocol = inner[9];
    let old_src = [inner[12], inner[13], inner[14], inner[15]];
    inner[12..16].copy_from_slice(&to.0.octets());
    Ipv4Packet::new_unchecked(&mut inner[..]).fill_checksum();
    let body = &mut inner[ihl..];
    let new_src = to.0.octets();
    match protocol {
        // Only the first eight bytes are quoted: the transport checksum is
        // adjusted for what changed (RFC 1624) rather than computed again.
        6 | 17 => {
            let old_port = [body[0], body[1]];
            body[0..2].copy_from_slice(&to.1.to_be_bytes());
            let at = if protocol == 6 { 16 } else { 6 };
            if let Some(sum) = body.get(at..at + 2).map(|b| u16::from_be_bytes([b[0], b[1]])) {
                if protocol == 6 || sum != 0 {
                    let mut old = old_src.to_vec();
                    old.extend_from_slice(&old_port);
                    let mut new = new_src.to_vec();
                    new.extend_from_slice(&to.1.to_be_bytes());
                    body[at..at + 2].copy_from_slice(&adjust(sum, &old, &new).to_be_bytes());
                }
            }
        }
        1 => {
            let old_id = [body[4], body[5]];
            body[4..6].copy_from_slice(&to.1.to_be_bytes());
            let sum = u16::from_be_bytes([body[2], body[3]]);
            body[2..4].copy_from_slice(&adjust(sum, &old_id, &to.1.to_be_bytes()).to_be_bytes());
        }
        _ => {}
    }
    Icmpv4Packet::new_unchecked(icmp).fill_checksum();
}

/// A one's-complement checksum after `old` bytes became `new` (RFC 1624:
/// HC' = ~(~HC + ~m + m')), both of even length.
fn adjust(sum: u16, old: &[u8], new: &[u8]) -> u16 {
    let mut acc = u32::from(!sum);
    for (o, n) in old.chunks(2).zip(new.chunks(2)) {
        acc += u32::from(!u16::from_be_bytes([o[0], o[1]]));
        acc += u32::from(u16::from_be_bytes([n[0], n[1]]));
    }
    while acc > 0xffff {
        acc = (acc & 0xffff) + (acc >> 16);
    }
    !(acc as u16)
}
