//! DHCPv6 (RFC 8415): the messages, the server an IOS box runs for its
//! `ipv6 dhcp pool`s (stateful: addresses from a prefix; stateless: DNS
//! servers and a domain name only), a relay's wrapping, and the client a
//! Windows host runs (SOLICIT, ADVERTISE, REQUEST, REPLY for an address;
//! INFORMATION-REQUEST, REPLY for the rest). Plain state machines: time is
//! passed in, what they send waits in `out`, `poll_at` says when they need
//! the clock. They know neither devices nor command syntax.
//!
//! A message is a type, a 3-byte transaction id and options (2-byte code,
//! 2-byte length); relay messages carry a hop count and two addresses
//! instead of the transaction id, and the client's message inside an option.

use std::net::Ipv6Addr;

use super::dissect::{self, Dissected, Layer, LayerBuilder};
use super::{ipv6, Mac};
use crate::sim::{Duration, Time};

mod field {
    use core::ops::{Range, RangeFrom};
    pub type Field = Range<usize>;
    pub type Rest = RangeFrom<usize>;

    pub const MSG_TYPE: usize = 0;
    pub const TRANSACTION_ID: Field = 1..4;
    pub const OPTIONS: Rest = 4..;
    /// Relay-forward and relay-reply.
    pub const HOP_COUNT: usize = 1;
    pub const LINK_ADDRESS: Field = 2..18;
    pub const PEER_ADDRESS: Field = 18..34;
    pub const RELAY_OPTIONS: Rest = 34..;
    /// An option: code, length, value.
    pub const OPTION_CODE: Field = 0..2;
    pub const OPTION_LEN: Field = 2..4;
    pub const OPTION_VALUE: Rest = 4..;
}

pub const CLIENT_PORT: u16 = 546;
pub const SERVER_PORT: u16 = 547;
/// All_DHCP_Relay_Agents_and_Servers.
pub const ALL_SERVERS: Ipv6Addr = Ipv6Addr::new(0xff02, 0, 0, 0, 0, 0, 1, 2);

/// IOS's default lifetimes for pool addresses.
pub const VALID_SECS: u32 = 172_800;
pub const PREFERRED_SECS: u32 = 86_400;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    Solicit = 1,
    Advertise = 2,
    Request = 3,
    Renew = 5,
    Reply = 7,
    Release = 8,
    InformationRequest = 11,
    RelayForward = 12,
    RelayReply = 13,
}

impl Kind {
    fn from_byte(b: u8) -> Option<Kind> {
        Some(match b {
            1 => Kind::Solicit,
            2 => Kind::Advertise,
            3 => Kind::Request,
            5 => Kind::Renew,
            7 => Kind::Reply,
            8 => Kind::Release,
            11 => Kind::InformationRequest,
            12 => Kind::RelayForward,
            13 => Kind::RelayReply,
            _ => return None,
        })
    }

    pub fn name(b: u8) -> &'static str {
        match b {
            1 => "Solicit",
            2 => "Advertise",
            3 => "Request",
            4 => "Confirm",
            5 => "Renew",
            6 => "Rebind",
            7 => "Reply",
            8 => "Release",
            9 => "Decline",
            11 => "Information-request",
            12 => "Relay-forw",
            13 => "Relay-reply",
            _ => "Unknown",
        }
    }
}

const OPT_CLIENT_ID: u16 = 1;
const OPT_SERVER_ID: u16 = 2;
const OPT_IA_NA: u16 = 3;
const OPT_IA_ADDR: u16 = 5;
const OPT_ORO: u16 = 6;
const OPT_ELAPSED: u16 = 8;
const OPT_RELAY_MSG: u16 = 9;
const OPT_STATUS: u16 = 13;
const OPT_INTERFACE_ID: u16 = 18;
const OPT_DNS: u16 = 23;
const OPT_DOMAINS: u16 = 24;

/// An address lease inside an IA_NA.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IaAddr {
    pub addr: Ipv6Addr,
    pub preferred: u32,
    pub valid: u32,
}

/// A client's identity association for non-temporary addresses.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct IaNa {
    pub iaid: u32,
    pub t1: u32,
    pub t2: u32,
    pub addrs: Vec<IaAddr>,
    /// A status code in the IA (2: no addresses available).
    pub status: Option<u16>,
}

/// A client or server message (not a relay one).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Message {
    pub kind: u8,
    pub xid: u32,
    pub client_id: Option<Vec<u8>>,
    pub server_id: Option<Vec<u8>>,
    pub ia_na: Option<IaNa>,
    pub dns: Vec<Ipv6Addr>,
    pub domains: Vec<String>,
    /// The options requested (ORO).
    pub requested: Vec<u16>,
    pub elapsed_centis: Option<u16>,
}

/// A relay's envelope around a message.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Relay {
    pub reply: bool,
    pub hops: u8,
    pub link: Ipv6Addr,
    pub peer: Ipv6Addr,
    pub interface_id: Option<Vec<u8>>,
    pub inner: Vec<u8>,
}

fn u16_at(b: &[u8], at: usize) -> Option<u16> {
    Some(u16::from_be_bytes([*b.get(at)?, *b.get(at + 1)?]))
}

fn u32_at(b: &[u8], at: usize) -> Option<u32> {
    Some(u32::from_be_bytes(b.get(at..at + 4)?.try_into().ok()?))
}

fn addr_at(b: &[u8], at: usize) -> Option<Ipv6Addr> {
    Some(Ipv6Addr::from(<[u8; 16]>::try_from(b.get(at..at + 16)?).ok()?))
}

/// The options in `bytes`: (code, value), stopping at the first malformed one.
fn options(mut bytes: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    std::iter::from_fn(move || {
        let code = u16_at(bytes, field::OPTION_CODE.start)?;
        let len = usize::from(u16_at(bytes, field::OPTION_LEN.start)?);
        let value = bytes.get(field::OPTION_VALUE.start..field::OPTION_VALUE.start + len)?;
        bytes = &bytes[field::OPTION_VALUE.start + len..];
        Some((code, value))
    })
}

fn put_option(out: &mut Vec<u8>, code: u16, value: &[u8]) {
    out.extend_from_slice(&code.to_be_bytes());
    out.extend_from_slice(&(value.len() as u16).to_be_bytes());
    out.extend_from_slice(value);
}

/// A domain name in DNS wire form (labels, then a zero).
fn encode_name(name: &str) -> Vec<u8> {
    let mut out = Vec::new();
    for label in name.trim_end_matches('.').split('.').filter(|l| !l.is_empty()) {
        out.push(label.len().min(63) as u8);
        out.extend_from_slice(&label.as_bytes()[..label.len().min(63)]);
    }
    out.push(0);
    out
}

fn decode_names(mut b: &[u8]) -> Vec<String> {
    let mut names = Vec::new();
    let mut labels = Vec::new();
    while let Some((&len, rest)) = b.split_first() {
        if len == 0 {
            names.push(labels.join("."));
            labels.clear();
            b = rest;
            continue;
        }
        let Some(label) = rest.get(..usize::from(len)) else { break };
        labels.push(String::from_utf8_lossy(label).into_owned());
        b = &rest[usize::from(len)..];
    }
    names
}

impl Message {
    pub fn new(kind: Kind, xid: u32) -> Message {
        Message { kind: kind as u8, xid: xid & 0x00ff_ffff, ..Message::default() }
    }

    pub fn kind(&self) -> Option<Kind> {
        Kind::from_byte(self.kind)
    }

    /// Parse a client or server message.
    pub fn parse(bytes: &[u8]) -> Option<Message> {
        let kind = *bytes.get(field::MSG_TYPE)?;
        if matches!(kind, 12 | 13) {
            return None;
        }
        let xid = u32::from_be_bytes([0, *bytes.get(1)?, *bytes.get(2)?, *bytes.get(3)?]);
        let mut m = Message { kind, xid, ..Message::default() };
        for (code, value) in options(bytes.get(field::OPTIONS)?) {
            match code {
                OPT_CLIENT_ID => m.client_id = Some(value.to_vec()),
                OPT_SERVER_ID => m.server_id = Some(value.to_vec()),
                OPT_IA_NA if value.len() >= 12 => {
                    let mut ia = IaNa {
                        iaid: u32_at(value, 0)?,
                        t1: u32_at(value, 4)?,
                        t2: u32_at(value, 8)?,
                        addrs: Vec::new(),
                        status: None,
                    };
                    for (code, v) in options(&value[12..]) {
                        match code {
                            OPT_IA_ADDR if v.len() >= 24 => ia.addrs.push(IaAddr {
                                addr: addr_at(v, 0)?,
                                preferred: u32_at(v, 16)?,
                                valid: u32_at(v, 20)?,
                            }),
                            OPT_STATUS => ia.status = u16_at(v, 0),
                            _ => {}
                        }
                    }
                    m.ia_na = Some(ia);
                }
                OPT_ORO => m.requested = value.chunks_exact(2).map(|c| u16::from_be_bytes([c[0], c[1]])).collect(),
                OPT_ELAPSED => m.elapsed_centis = u16_at(value, 0),
                OPT_DNS => m.dns = value.chunks_exact(16).filter_map(|c| addr_at(c, 0)).collect(),
                OPT_DOMAINS => m.domains = decode_names(value),
                _ => {}
            }
        }
        Some(m)
    }

    pub fn emit(&self) -> Vec<u8> {
        let mut out = vec![self.kind];
        out.extend_from_slice(&self.xid.to_be_bytes()[1..]);
        if let Some(id) = &self.client_id {
            put_option(&mut out, OPT_CLIENT_ID, id);
        }
        if let Some(id) = &self.server_id {
            put_option(&mut out, OPT_SERVER_ID, id);
        }
        if let Some(ia) = &self.ia_na {
            let mut v = Vec::new();
            v.extend_from_slice(&ia.iaid.to_be_bytes());
            v.extend_from_slice(&ia.t1.to_be_bytes());
            v.extend_from_slice(&ia.t2.to_be_bytes());
            for a in &ia.addrs {
                let mut av = a.addr.octets().to_vec();
                av.extend_from_slice(&a.preferred.to_be_bytes());
                av.extend_from_slice(&a.valid.to_be_bytes());
                put_option(&mut v, OPT_IA_ADDR, &av);
            }
            if let Some(code) = ia.status {
                let mut sv = code.to_be_bytes().to_vec();
                sv.extend_from_slice(b"No addresses available");
                put_option(&mut v, OPT_STATUS, &sv);
            }
            put_option(&mut out, OPT_IA_NA, &v);
        }
        if !self.requested.is_empty() {
            let v: Vec<u8> = self.requested.iter().flat_map(|c| c.to_be_bytes()).collect();
            put_option(&mut out, OPT_ORO, &v);
        }
        if let Some(e) = self.elapsed_centis {
            put_option(&mut out, OPT_ELAPSED, &e.to_be_bytes());
        }
        if !self.dns.is_empty() {
            let v: Vec<u8> = self.dns.iter().flat_map(|a| a.octets()).collect();
            put_option(&mut out, OPT_DNS, &v);
        }
        if !self.domains.is_empty() {
            let v: Vec<u8> = self.domains.iter().flat_map(|d| encode_name(d)).collect();
            put_option(&mut out, OPT_DOMAINS, &v);
        }
        out
    }
}

impl Relay {
    pub fn parse(bytes: &[u8]) -> Option<Relay> {
        let kind = *bytes.get(field::MSG_TYPE)?;
        if !matches!(kind, 12 | 13) {
            return None;
        }
        let mut r = Relay {
            reply: kind == 13,
            hops: *bytes.get(field::HOP_COUNT)?,
            link: addr_at(bytes, field::LINK_ADDRESS.start)?,
            peer: addr_at(bytes, field::PEER_ADDRESS.start)?,
            interface_id: None,
            inner: Vec::new(),
        };
        for (code, value) in options(bytes.get(field::RELAY_OPTIONS)?) {
            match code {
                OPT_RELAY_MSG => r.inner = value.to_vec(),
                OPT_INTERFACE_ID => r.interface_id = Some(value.to_vec()),
                _ => {}
            }
        }
        (!r.inner.is_empty()).then_some(r)
    }

    pub fn emit(&self) -> Vec<u8> {
        let mut out = vec![if self.reply { 13 } else { 12 }, self.hops];
        out.extend_from_slice(&self.link.octets());
        out.extend_from_slice(&self.peer.octets());
        if let Some(id) = &self.interface_id {
            put_option(&mut out, OPT_INTERFACE_ID, id);
        }
        put_option(&mut out, OPT_RELAY_MSG, &self.inner);
        out
    }
}

/// DUID-LL (type 3): what IOS identifies itself with.
pub fn duid_ll(mac: Mac) -> Vec<u8> {
    let mut d = vec![0, 3, 0, 1];
    d.extend_from_slice(&mac.0);
    d
}

/// DUID-LLT (type 1): what Windows identifies itself with (the time part
/// fixed per adapter, so runs are reproducible).
pub fn duid_llt(mac: Mac) -> Vec<u8> {
    let time = 0x2000_0000 | u32::from_be_bytes([mac.0[2], mac.0[3], mac.0[4], mac.0[5]]) >> 4;
    let mut d = vec![0, 1, 0, 1];
    d.extend_from_slice(&time.to_be_bytes());
    d.extend_from_slice(&mac.0);
    d
}

/// A pool as the server is handed it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Pool {
    pub name: String,
    /// `address prefix P/L`: stateful; none: stateless (information only).
    pub prefix: Option<(Ipv6Addr, u8)>,
    pub dns: Vec<Ipv6Addr>,
    pub domain: Option<String>,
}

/// An address the server leased.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Binding {
    pub pool: String,
    pub client: Ipv6Addr,
    pub duid: Vec<u8>,
    pub iaid: u32,
    pub addr: Ipv6Addr,
    pub expires: Time,
}

/// What the server answers with, to whom: (the client's or relay's
/// address, the interface it came in on, the UDP payload, to a relay).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Answer {
    pub to: Ipv6Addr,
    pub iface: usize,
    pub port: u16,
    pub bytes: Vec<u8>,
}

/// The DHCPv6 server of an IOS box.
#[derive(Clone, Debug, Default)]
pub struct Server {
    pub duid: Vec<u8>,
    pub bindings: Vec<Binding>,
    /// Clients served statelessly, by pool (IOS's "Active clients").
    pub informed: Vec<(String, Vec<u8>)>,
    pub out: Vec<Answer>,
}

impl Server {
    pub fn new(mac: Mac) -> Server {
        Server { duid: duid_ll(mac), ..Server::default() }
    }

    /// A message from a client (`from` on `iface`), or a relay-forward
    /// from a relay, for `pool`.
    pub fn receive(&mut self, now: Time, iface: usize, from: Ipv6Addr, bytes: &[u8], pool: &Pool) {
        if let Some(relay) = Relay::parse(bytes) {
            if relay.reply {
                return;
            }
            let Some(m) = Message::parse(&relay.inner) else { return };
            if let Some(reply) = self.answer(now, relay.peer, &m, pool) {
                let envelope = Relay { reply: true, inner: reply.emit(), ..relay };
                self.out.push(Answer { to: from, iface, port: SERVER_PORT, bytes: envelope.emit() });
            }
            return;
        }
        let Some(m) = Message::parse(bytes) else { return };
        if let Some(reply) = self.answer(now, from, &m, pool) {
            self.out.push(Answer { to: from, iface, port: CLIENT_PORT, bytes: reply.emit() });
        }
    }

    fn answer(&mut self, now: Time, client: Ipv6Addr, m: &Message, pool: &Pool) -> Option<Message> {
        let duid = m.client_id.clone()?;
        // A message for another server is not ours to answer.
        if m.server_id.as_ref().is_some_and(|s| *s != self.duid) {
            return None;
        }
        let kind = m.kind()?;
        let mut reply = Message::new(if kind == Kind::Solicit { Kind::Advertise } else { Kind::Reply }, m.xid);
        reply.client_id = Some(duid.clone());
        reply.server_id = Some(self.duid.clone());
        reply.dns = pool.dns.clone();
        reply.domains = pool.domain.iter().cloned().collect();
        match kind {
            Kind::InformationRequest => {
                if !self.informed.iter().any(|(p, d)| *p == pool.name && *d == duid) {
                    self.informed.push((pool.name.clone(), duid));
                }
            }
            Kind::Solicit | Kind::Request | Kind::Renew => {
                let ia = m.ia_na.as_ref()?;
                let addr = pool.prefix.and_then(|prefix| {
                    self.address_for(now, client, &duid, ia.iaid, pool, prefix, kind != Kind::Solicit)
                });
                reply.ia_na = Some(match addr {
                    Some(addr) => IaNa {
                        iaid: ia.iaid,
                        t1: PREFERRED_SECS / 2,
                        t2: PREFERRED_SECS * 4 / 5,
                        addrs: vec![IaAddr { addr, preferred: PREFERRED_SECS, valid: VALID_SECS }],
                        status: None,
                    },
                    // NoAddrsAvail: no `address prefix` in the pool, or the prefix is full.
                    None => IaNa { iaid: ia.iaid, t1: 0, t2: 0, addrs: Vec::new(), status: Some(2) },
                });
            }
            Kind::Release => {
                self.bindings.retain(|b| !(b.duid == duid && m.ia_na.as_ref().is_some_and(|ia| ia.iaid == b.iaid)));
                reply.dns.clear();
                reply.domains.clear();
            }
            Kind::Advertise | Kind::Reply | Kind::RelayForward | Kind::RelayReply => return None,
        }
        Some(reply)
    }

    /// The client's address in the pool: the one it holds, else a new one
    /// whose interface identifier is a hash of its identity (as IOS picks
    /// addresses that look random), bound when `commit`; `None` when the
    /// prefix has no free address left.
    #[allow(clippy::too_many_arguments)]
    fn address_for(
        &mut self,
        now: Time,
        client: Ipv6Addr,
        duid: &[u8],
        iaid: u32,
        pool: &Pool,
        (prefix, len): (Ipv6Addr, u8),
        commit: bool,
    ) -> Option<Ipv6Addr> {
        if let Some(b) = self.bindings.iter_mut().find(|b| b.duid == duid && b.iaid == iaid && b.pool == pool.name) {
            if commit {
                b.expires = now + Duration::from_secs(u64::from(VALID_SECS));
                b.client = client;
            }
            return Some(b.addr);
        }
        let mut hash = 0xcbf2_9ce4_8422_2325u64;
        for &byte in duid.iter().chain(&iaid.to_be_bytes()) {
            hash = (hash ^ u64::from(byte)).wrapping_mul(0x100_0000_01b3);
        }
        let host_bits = 128 - u32::from(len.min(128));
        let net = u128::from(ipv6::network(prefix, len));
        let mask = if host_bits == 0 { 0 } else { u128::MAX >> (128 - host_bits) };
        let mut candidate = u128::from(hash) | (u128::from(hash.rotate_left(17)) << 64);
        // Every binding can push the search one step on; past that many
        // steps (plus the all-zero identifier) the prefix is full.
        let tries = (self.bindings.len() as u128 + 2).min(mask.saturating_add(1).max(1));
        for _ in 0..tries {
            let addr = Ipv6Addr::from(net | (candidate & mask));
            if !self.bindings.iter().any(|b| b.addr == addr) && (candidate & mask) != 0 {
                if commit {
                    self.bindings.push(Binding {
                        pool: pool.name.clone(),
                        client,
                        duid: duid.to_vec(),
                        iaid,
                        addr,
                        expires: now + Duration::from_secs(u64::from(VALID_SECS)),
                    });
                }
                return Some(addr);
            }
            candidate = candidate.wrapping_add(1);
        }
        None
    }

    /// Stateless clients and bindings of a pool.
    pub fn active_clients(&self, pool: &str) -> usize {
        let mut clients: Vec<&[u8]> = self.bindings.iter().filter(|b| b.pool == pool).map(|b| &b.duid[..]).collect();
        clients.extend(self.informed.iter().filter(|(p, _)| p == pool).map(|(_, d)| &d[..]));
        clients.sort();
        clients.dedup();
        clients.len()
    }
}

/// Wrap a client's message for the server (a relay's relay-forward).
pub fn relay_forward(link: Ipv6Addr, peer: Ipv6Addr, iface_id: &[u8], client_bytes: &[u8]) -> Vec<u8> {
    Relay { reply: false, hops: 0, link, peer, interface_id: Some(iface_id.to_vec()), inner: client_bytes.to_vec() }
        .emit()
}

/// What a client wants from DHCPv6.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Mode {
    /// An address, and the rest (M flag, or `ipv6config dhcp`).
    Stateful,
    /// DNS servers and a domain only (O flag).
    Stateless,
}

/// What the client ended with.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientLease {
    pub addr: Option<IaAddr>,
    pub dns: Vec<Ipv6Addr>,
    pub domains: Vec<String>,
    pub server: Vec<u8>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Phase {
    Idle,
    Soliciting,
    Requesting,
    Informing,
    Bound,
}

/// Windows's DHCPv6 client on one adapter.
#[derive(Clone, Debug)]
pub struct Client {
    pub duid: Vec<u8>,
    pub iaid: u32,
    mode: Mode,
    phase: Phase,
    xid: u32,
    started: Time,
    tries: u32,
    next_at: Option<Time>,
    offer: Option<Message>,
    pub lease: Option<ClientLease>,
    /// Messages to send to All_DHCP_Relay_Agents_and_Servers.
    pub out: Vec<Vec<u8>>,
}

/// Solicitations and requests before the client gives up (then it tries
/// again a minute later).
const MAX_TRIES: u32 = 4;

impl Client {
    pub fn new(mac: Mac) -> Client {
        let m = mac.0;
        Client {
            duid: duid_llt(mac),
            iaid: u32::from_be_bytes([m[2], m[3], m[4], m[5]]) & 0x0fff_ffff | 0x0400_0000,
            mode: Mode::Stateless,
            phase: Phase::Idle,
            xid: u32::from_be_bytes([0, m[3], m[4], m[5]]),
            started: Time::ZERO,
            tries: 0,
            next_at: None,
            offer: None,
            lease: None,
            out: Vec::new(),
        }
    }

    /// Is an exchange under way (not given up on, not done)?
    pub fn busy(&self) -> bool {
        matches!(self.phase, Phase::Soliciting | Phase::Requesting | Phase::Informing) && self.tries < MAX_TRIES
    }

    pub fn mode(&self) -> Option<Mode> {
        (self.phase != Phase::Idle).then_some(self.mode)
    }

    /// Start (or restart in another mode).
    pub fn start(&mut self, now: Time, mode: Mode) {
        if self.phase != Phase::Idle && self.mode == mode {
            return;
        }
        self.mode = mode;
        self.lease = None;
        self.tries = 0;
        self.started = now;
        self.phase = if mode == Mode::Stateful { Phase::Soliciting } else { Phase::Informing };
        self.next_at = Some(now);
    }

    /// Give the address back (`no ipv6 address dhcp`): a Release to the
    /// server that leased it, sent once, unanswered as far as we care.
    pub fn release(&mut self) {
        if let Some(ClientLease { addr: Some(addr), server, .. }) = self.lease.clone() {
            self.xid = self.xid.wrapping_add(0x9e37) & 0x00ff_ffff;
            self.started = Time::ZERO;
            let mut m = self.base(Kind::Release, Time::ZERO);
            m.requested.clear();
            m.server_id = Some(server);
            m.ia_na = Some(IaNa { iaid: self.iaid, t1: 0, t2: 0, addrs: vec![addr], status: None });
            self.out.push(m.emit());
        }
        self.stop();
    }

    pub fn stop(&mut self) {
        self.phase = Phase::Idle;
        self.next_at = None;
        self.lease = None;
        self.offer = None;
    }

    pub fn poll_at(&self) -> Option<Time> {
        self.next_at
    }

    fn base(&mut self, kind: Kind, now: Time) -> Message {
        let mut m = Message::new(kind, self.xid);
        m.client_id = Some(self.duid.clone());
        m.requested = vec![OPT_DNS, OPT_DOMAINS];
        m.elapsed_centis = Some((now.since(self.started).millis() / 10).min(0xffff) as u16);
        m
    }

    pub fn poll(&mut self, now: Time) {
        if self.next_at.is_none_or(|t| t > now) {
            return;
        }
        if self.tries >= MAX_TRIES {
            // No server: start over a minute later, as Windows keeps trying.
            self.tries = 0;
            self.phase = if self.mode == Mode::Stateful { Phase::Soliciting } else { Phase::Informing };
            self.next_at = Some(now + Duration::from_secs(60));
            return;
        }
        if self.tries == 0 {
            // A new exchange: a new transaction ID, and its elapsed time
            // counts from here; retransmissions keep both (RFC 8415, 15).
            self.xid = self.xid.wrapping_add(0x9e37) & 0x00ff_ffff;
            self.started = now;
        }
        self.tries += 1;
        let message = match self.phase {
            Phase::Soliciting => {
                let mut m = self.base(Kind::Solicit, now);
                m.ia_na = Some(IaNa { iaid: self.iaid, t1: 0, t2: 0, addrs: Vec::new(), status: None });
                m
            }
            Phase::Requesting => {
                let Some(offer) = self.offer.clone() else { return };
                let mut m = self.base(Kind::Request, now);
                m.server_id = offer.server_id;
                m.ia_na = offer.ia_na;
                m
            }
            Phase::Informing => self.base(Kind::InformationRequest, now),
            Phase::Idle | Phase::Bound => {
                self.next_at = None;
                return;
            }
        };
        self.out.push(message.emit());
        // RFC 8415's retransmission, doubling from one second.
        self.next_at = Some(now + Duration::from_secs(1 << (self.tries - 1).min(5)));
    }

    /// A message to the client port. Returns true when a lease was just taken.
    pub fn receive(&mut self, now: Time, bytes: &[u8]) -> bool {
        let Some(m) = Message::parse(bytes) else { return false };
        if m.xid != self.xid || m.client_id.as_ref() != Some(&self.duid) {
            return false;
        }
        match (self.phase, m.kind()) {
            (Phase::Soliciting, Some(Kind::Advertise)) => {
                if m.ia_na.as_ref().is_none_or(|ia| ia.addrs.is_empty()) {
                    return false;
                }
                self.offer = Some(m);
                self.phase = Phase::Requesting;
                self.tries = 0;
                self.next_at = Some(now);
                self.poll(now);
                false
            }
            (Phase::Requesting | Phase::Informing, Some(Kind::Reply)) => {
                let addr = m.ia_na.as_ref().and_then(|ia| ia.addrs.first().copied());
                if self.phase == Phase::Requesting && addr.is_none() {
                    return false;
                }
                self.lease =
                    Some(ClientLease { addr, dns: m.dns, domains: m.domains, server: m.server_id.unwrap_or_default() });
                self.phase = Phase::Bound;
                self.next_at = None;
                true
            }
            _ => false,
        }
    }
}

/// Dissect a DHCPv6 message (relay envelopes too), its options by name.
pub fn dissect(bytes: &[u8], base: usize, out: &mut Vec<Layer>) -> Dissected {
    let mut layer = LayerBuilder::new("DHCPv6", "DHCPv6", bytes, base);
    let Some(kind) = layer.byte("Message type", field::MSG_TYPE, |t| format!("{} ({t})", Kind::name(t))) else {
        layer.finish(out)?;
        return Ok(None);
    };
    let options_at = if matches!(kind, 12 | 13) {
        layer.byte("Hop count", field::HOP_COUNT, |h| h.to_string());
        layer.field("Link address", field::LINK_ADDRESS, ipv6::show);
        layer.field("Peer address", field::PEER_ADDRESS, ipv6::show);
        field::RELAY_OPTIONS.start
    } else {
        layer.field("Transaction ID", field::TRANSACTION_ID, dissect::hex);
        field::OPTIONS.start
    };
    let mut at = options_at;
    while at < bytes.len() {
        let (Some(code), Some(len)) = (u16_at(bytes, at), u16_at(bytes, at + 2)) else {
            layer.invalid("an option cut short");
            break;
        };
        let range = at..at + 4 + usize::from(len);
        let name = match code {
            OPT_CLIENT_ID => "Client Identifier",
            OPT_SERVER_ID => "Server Identifier",
            OPT_IA_NA => "Identity Association for Non-temporary Address",
            OPT_ORO => "Option Request",
            OPT_ELAPSED => "Elapsed time",
            OPT_RELAY_MSG => "Relay Message",
            OPT_STATUS => "Status code",
            OPT_INTERFACE_ID => "Interface-Id",
            OPT_DNS => "DNS recursive name server",
            OPT_DOMAINS => "Domain Search List",
            _ => "Option",
        };
        if layer.field(name, range.clone(), |v| dissect::preview(&v[4..])).is_none() {
            break;
        }
        at = range.end;
    }
    layer.info(Kind::name(kind));
    layer.finish(out)?;
    Ok(None)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v6(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    const MAC: Mac = Mac([0, 0x01, 0x42, 0x11, 0x22, 0x33]);

    fn pool(stateful: bool) -> Pool {
        Pool {
            name: "LAN".into(),
            prefix: stateful.then(|| (v6("2001:db8:acad:1::"), 64)),
            dns: vec![v6("2001:db8:acad:1::254")],
            domain: Some("example.com".into()),
        }
    }

    /// Run a client against a server (directly or through a relay) until it is bound.
    fn exchange(client: &mut Client, server: &mut Server, pool: &Pool, relayed: bool) {
        let now = Time::ZERO;
        let ll = ipv6::link_local(MAC);
        for _ in 0..4 {
            client.poll(now);
            for bytes in std::mem::take(&mut client.out) {
                assert!(Message::parse(&bytes).is_some());
                if relayed {
                    let fwd = relay_forward(v6("2001:db8:acad:1::1"), ll, b"Gi0/0/0", &bytes);
                    server.receive(now, 0, v6("2001:db8:acad:1::1"), &fwd, pool);
                } else {
                    server.receive(now, 0, ll, &bytes, pool);
                }
            }
            for answer in std::mem::take(&mut server.out) {
                let bytes = if relayed {
                    let r = Relay::parse(&answer.bytes).expect("a relay-reply");
                    assert!(r.reply && r.peer == ll);
                    r.inner
                } else {
                    answer.bytes
                };
                client.receive(now, &bytes);
            }
        }
    }

    #[test]
    fn stateful_solicit_advertise_request_reply() {
        let (mut c, mut s) = (Client::new(MAC), Server::new(Mac([0, 0xd0, 0x97, 1, 2, 3])));
        c.start(Time::ZERO, Mode::Stateful);
        exchange(&mut c, &mut s, &pool(true), false);
        let lease = c.lease.clone().expect("bound");
        let addr = lease.addr.expect("an address").addr;
        assert!(ipv6::contains(v6("2001:db8:acad:1::"), 64, addr));
        assert_eq!(lease.dns, [v6("2001:db8:acad:1::254")]);
        assert_eq!(lease.domains, ["example.com"]);
        assert_eq!(s.bindings.len(), 1);
        assert_eq!(s.active_clients("LAN"), 1);
    }

    #[test]
    fn stateless_information_request_through_a_relay() {
        let (mut c, mut s) = (Client::new(MAC), Server::new(Mac([0, 0xd0, 0x97, 1, 2, 3])));
        c.start(Time::ZERO, Mode::Stateless);
        exchange(&mut c, &mut s, &pool(false), true);
        let lease = c.lease.clone().expect("informed");
        assert_eq!((lease.addr, lease.dns.len()), (None, 1));
        assert!(s.bindings.is_empty());
    }

    #[test]
    fn a_full_prefix_answers_no_addresses_available() {
        // A /127 holds one usable identifier (the all-zero one is never given).
        let mut tiny = pool(true);
        tiny.prefix = Some((v6("2001:db8:acad:1::"), 127));
        let mut s = Server::new(Mac([0, 0xd0, 0x97, 1, 2, 3]));
        let mut first = Client::new(MAC);
        first.start(Time::ZERO, Mode::Stateful);
        exchange(&mut first, &mut s, &tiny, false);
        assert_eq!(s.bindings.len(), 1);
        let mut second = Client::new(Mac([0, 0x01, 0x42, 0x44, 0x55, 0x66]));
        second.start(Time::ZERO, Mode::Stateful);
        exchange(&mut second, &mut s, &tiny, false);
        assert!(second.lease.is_none(), "the pool is full");
        assert_eq!(s.bindings.len(), 1);
        // A /128 has no address at all to give.
        tiny.prefix = Some((v6("2001:db8:acad:1::5"), 128));
        let mut third = Client::new(Mac([0, 0x01, 0x42, 0x77, 0x88, 0x99]));
        third.start(Time::ZERO, Mode::Stateful);
        exchange(&mut third, &mut s, &tiny, false);
        assert!(third.lease.is_none());
    }

    #[test]
    fn truncated_messages_are_refused_without_a_panic() {
        for len in 0..4 {
            assert!(Message::parse(&[1, 2, 3, 4][..len]).is_none());
            assert!(Relay::parse(&[12, 0, 0, 0][..len]).is_none());
        }
    }

    #[test]
    fn a_stateless_pool_has_no_addresses_to_give() {
        let (mut c, mut s) = (Client::new(MAC), Server::new(Mac([0, 0xd0, 0x97, 1, 2, 3])));
        c.start(Time::ZERO, Mode::Stateful);
        exchange(&mut c, &mut s, &pool(false), false);
        assert!(c.lease.is_none());
    }

    #[test]
    fn messages_round_trip_and_dissect() {
        let mut m = Message::new(Kind::Reply, 0x123456);
        m.client_id = Some(duid_llt(MAC));
        m.server_id = Some(duid_ll(MAC));
        m.ia_na = Some(IaNa {
            iaid: 7,
            t1: 1,
            t2: 2,
            addrs: vec![IaAddr { addr: v6("2001:db8::5"), preferred: 3, valid: 4 }],
            status: None,
        });
        m.dns = vec![v6("2001:db8::53")];
        m.domains = vec!["a.example".into()];
        let bytes = m.emit();
        assert_eq!(Message::parse(&bytes), Some(m));
        let mut layers = Vec::new();
        dissect(&bytes, 0, &mut layers).unwrap();
        assert_eq!(layers[0].info, "Reply");
        assert!(layers[0].field("Identity Association for Non-temporary Address").is_some());
    }
}
