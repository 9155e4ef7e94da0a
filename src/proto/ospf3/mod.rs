//! OSPFv3 (RFC 5340), single area, as IOS runs `ipv6 router ospf N` with
//! `ipv6 ospf N area A` on its interfaces.
//!
//! - [`packet`]: the five packet types, carried in IPv6 between link-local
//!   addresses;
//! - [`lsa`]: router, network, link and intra-area-prefix LSAs;
//! - [`spf`]: Dijkstra over routers and networks, then the prefixes hung on them;
//! - this file: the running process. The machinery is OSPFv2's (interface
//!   and neighbour states, DR election, database exchange, flooding with
//!   acknowledgments and retransmission, SPF scheduling) with OSPFv3's
//!   differences: neighbours are known by router ID on every kind of link,
//!   the DR and BDR too; each interface has an ID the LSAs name; link-LSAs
//!   are flooded on their own link only; addresses travel apart from the
//!   topology, so a prefix change does not touch the router-LSA.
//!
//! The instance knows no device: it is told about interfaces ([`Link`]),
//! given packets with the time, and leaves what it sends in
//! [`Instance::out`], what a console logs in [`Instance::events`].
//! [`Instance::poll_at`] says when it next needs time. Inter-area and
//! external routes (several areas, `default-information originate`) are not
//! computed.

pub mod lsa;
pub mod packet;
pub mod spf;

use std::collections::{BTreeMap, VecDeque};
use std::net::{Ipv4Addr, Ipv6Addr};

use lsa::{Body as LsaBody, Lsa, LsaHeader, LsaKey, Prefix, RouterLink};
use packet::{Body, DatabaseDescription, Hello, Packet, ALL_D_ROUTERS, ALL_SPF_ROUTERS};

use crate::base::IfaceName;
pub use crate::proto::ospf::{
    cost_of, AdjacencyLog, Area, Event, IfaceState, LinkKind, NeighborState, OspfIface, OspfProcess, DEAD_INTERVAL,
    DEFAULT_MTU, DEFAULT_REFERENCE_MBPS, HELLO_INTERVAL, RETRANSMIT_INTERVAL, SPF_DELAY, SPF_HOLD,
};
use crate::proto::ospf::{elect, Candidate};
use crate::sim::{hash_name, Duration, Time};

const AGING_INTERVAL: Duration = Duration::from_secs(60);

/// An IPv6 interface of the router, as the device describes it to OSPFv3.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The IPv6 stack's index of the interface.
    pub iface: usize,
    pub name: IfaceName,
    /// Packets leave from it; `None` (IPv6 off, or still being checked): the interface waits.
    pub link_local: Option<Ipv6Addr>,
    /// Its global addresses with their prefix lengths.
    pub addrs: Vec<(Ipv6Addr, u8)>,
    pub up: bool,
    pub kind: LinkKind,
    pub bandwidth_kbps: u32,
    pub mtu: u16,
    /// `ipv6 ospf ...` on the interface.
    pub settings: OspfIface,
}

/// A packet to send out of an interface, from its link-local address.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub iface: usize,
    pub dst: Ipv6Addr,
    pub packet: Packet,
}

/// A neighbour on one interface, known by its router ID.
#[derive(Clone, Debug)]
pub struct Neighbor {
    pub router_id: Ipv4Addr,
    /// Its link-local address (where its hellos come from).
    pub addr: Ipv6Addr,
    /// Its ID for the interface, which its LSAs use.
    pub iface_id: u32,
    pub priority: u8,
    pub dr: Ipv4Addr,
    pub bdr: Ipv4Addr,
    pub state: NeighborState,
    pub dead_at: Time,
    pub since: Time,
    master: bool,
    dd_seq: u32,
    last_dbd: Option<(u8, u32)>,
    last_sent: Option<Packet>,
    summary: VecDeque<LsaHeader>,
    peer_more: bool,
    sent_more: bool,
    pub requests: BTreeMap<LsaKey, LsaHeader>,
    pub retransmit: BTreeMap<LsaKey, LsaHeader>,
    rxmt_at: Option<Time>,
}

impl Neighbor {
    fn new(router_id: Ipv4Addr, addr: Ipv6Addr, now: Time) -> Self {
        Neighbor {
            router_id,
            addr,
            iface_id: 0,
            priority: 1,
            dr: Ipv4Addr::UNSPECIFIED,
            bdr: Ipv4Addr::UNSPECIFIED,
            state: NeighborState::Down,
            dead_at: now,
            since: now,
            master: false,
            dd_seq: 0,
            last_dbd: None,
            last_sent: None,
            summary: VecDeque::new(),
            peer_more: true,
            sent_more: true,
            requests: BTreeMap::new(),
            retransmit: BTreeMap::new(),
            rxmt_at: None,
        }
    }

    fn reset_exchange(&mut self) {
        self.last_dbd = None;
        self.last_sent = None;
        self.summary.clear();
        self.peer_more = true;
        self.sent_more = true;
        self.requests.clear();
        self.retransmit.clear();
        self.rxmt_at = None;
    }
}

/// An interface OSPFv3 runs on.
#[derive(Clone, Debug)]
pub struct Iface {
    pub link: Link,
    /// The interface ID in hellos and LSAs (IOS uses the ifIndex).
    pub id: u32,
    pub area: u32,
    pub area_as_written: Area,
    pub passive: bool,
    pub kind: LinkKind,
    pub cost: u16,
    pub hello: u32,
    pub dead: u32,
    pub priority: u8,
    pub state: IfaceState,
    /// Designated and backup routers, by router ID (0.0.0.0: none).
    pub dr: Ipv4Addr,
    pub bdr: Ipv4Addr,
    pub neighbors: Vec<Neighbor>,
    next_hello: Option<Time>,
    wait_until: Option<Time>,
    /// The link-LSAs of this link (flooded on it alone).
    pub link_db: BTreeMap<LsaKey, Stored>,
}

impl Iface {
    /// A neighbour's role on this segment, as `show ipv6 ospf neighbor` says it.
    pub fn neighbor_role(&self, n: &Neighbor) -> &'static str {
        if self.kind != LinkKind::Broadcast {
            "-"
        } else if n.router_id == self.dr {
            "DR"
        } else if n.router_id == self.bdr {
            "BDR"
        } else {
            "DROTHER"
        }
    }

    pub fn next_hello(&self) -> Option<Time> {
        self.next_hello
    }

    fn is_dr_or_bdr(&self) -> bool {
        matches!(self.state, IfaceState::Dr | IfaceState::Backup)
    }

    fn adjacent_with(&self, n: &Neighbor) -> bool {
        match self.kind {
            LinkKind::PointToPoint => true,
            LinkKind::Broadcast => self.is_dr_or_bdr() || n.router_id == self.dr || n.router_id == self.bdr,
            LinkKind::Loopback => false,
        }
    }

    fn flood_address(&self) -> Ipv6Addr {
        match self.kind {
            LinkKind::Broadcast if !self.is_dr_or_bdr() => ALL_D_ROUTERS,
            _ => ALL_SPF_ROUTERS,
        }
    }
}

/// An LSA in a database, with when it was installed.
#[derive(Clone, Debug)]
pub struct Stored {
    pub lsa: Lsa,
    bytes: Vec<u8>,
    installed: Time,
}

impl Stored {
    fn new(bytes: Vec<u8>, now: Time) -> Option<Stored> {
        Some(Stored { lsa: Lsa::parse(&bytes)?, bytes, installed: now })
    }

    pub fn age(&self, now: Time) -> u16 {
        let grown = now.since(self.installed).secs();
        (u64::from(self.lsa.header.age) + grown).min(u64::from(lsa::MAX_AGE)) as u16
    }

    pub fn header(&self, now: Time) -> LsaHeader {
        LsaHeader { age: self.age(now), ..self.lsa.header }
    }

    fn bytes_now(&self, now: Time) -> Vec<u8> {
        let mut b = self.bytes.clone();
        let age = (self.age(now) + 1).min(lsa::MAX_AGE);
        b[lsa::field::AGE].copy_from_slice(&age.to_be_bytes());
        b
    }
}

/// One area's database.
#[derive(Clone, Debug, Default)]
pub struct AreaDb {
    pub lsdb: BTreeMap<LsaKey, Stored>,
    pub spf_runs: u32,
}

/// A route SPF found.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub prefix: Ipv6Addr,
    pub len: u8,
    pub metric: u32,
    /// (interface, neighbour's link-local address; `None`: on the link).
    pub next_hops: Vec<(usize, Option<Ipv6Addr>)>,
}

/// One `ipv6 router ospf` process.
#[derive(Clone, Debug)]
pub struct Instance {
    pub pid: u32,
    pub router_id: Option<Ipv4Addr>,
    pub config: OspfProcess,
    pub ifaces: Vec<Iface>,
    pub areas: BTreeMap<u32, AreaDb>,
    own_seq: BTreeMap<LsaKey, u32>,
    /// One of ours to originate anew even if it says the same (an old
    /// copy of it came back).
    forced: Option<LsaKey>,
    routes: Vec<Route>,
    pub routes_changed: bool,
    spf_at: Option<Time>,
    last_spf: Option<Time>,
    aging_at: Time,
    pub started: Time,
    pub out: Vec<Outgoing>,
    pub events: Vec<Event>,
    next_deadline: Option<Time>,
}

impl Instance {
    pub fn new(pid: u32, now: Time) -> Self {
        Instance {
            pid,
            router_id: None,
            config: OspfProcess { pid, ..OspfProcess::default() },
            ifaces: Vec::new(),
            areas: BTreeMap::new(),
            own_seq: BTreeMap::new(),
            forced: None,
            routes: Vec::new(),
            routes_changed: false,
            spf_at: None,
            last_spf: None,
            aging_at: now + AGING_INTERVAL,
            started: now,
            out: Vec::new(),
            events: Vec::new(),
            next_deadline: None,
        }
    }

    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    pub fn last_spf(&self) -> Option<Time> {
        self.last_spf
    }

    pub fn has_neighbors(&self) -> bool {
        self.ifaces.iter().any(|f| !f.neighbors.is_empty())
    }

    /// Take the configuration and the interfaces as they are now. The router
    /// ID is the configured one, else (as IOS) the one the device picks from
    /// its IPv4 addresses (`fallback_id`); with neither the process does not
    /// start. Returns whether a configured ID waits for `clear ipv6 ospf process`.
    pub fn configure(
        &mut self,
        now: Time,
        config: &OspfProcess,
        links: &[Link],
        fallback_id: Option<Ipv4Addr>,
    ) -> bool {
        self.config = config.clone();
        let mut rid_pending = false;
        match self.router_id {
            None => self.router_id = config.router_id.or(fallback_id),
            Some(id) => rid_pending = config.router_id.is_some_and(|c| c != id),
        }
        if self.router_id.is_none() {
            self.update_deadline();
            return rid_pending;
        }
        let reference = config.reference_bandwidth.unwrap_or(DEFAULT_REFERENCE_MBPS);
        let wanted: Vec<(&Link, Area)> = links
            .iter()
            .filter_map(|l| l.settings.process_area.filter(|(pid, _)| *pid == self.pid).map(|(_, a)| (l, a)))
            .collect();
        let mut i = 0;
        while i < self.ifaces.len() {
            let f = &self.ifaces[i];
            let keep = wanted.iter().any(|(l, a)| l.iface == f.link.iface && a.id() == f.area);
            if keep {
                i += 1;
            } else {
                self.iface_down(now, i, "Interface down or detached");
                self.ifaces.remove(i);
            }
        }
        for (link, area) in wanted {
            self.areas.entry(area.id()).or_default();
            let kind = match link.kind {
                LinkKind::Broadcast if link.settings.point_to_point => LinkKind::PointToPoint,
                k => k,
            };
            let passive = config.is_passive(&link.name);
            let cost =
                link.settings.cost.map_or_else(|| cost_of(link.bandwidth_kbps, reference), |c| c.min(65535) as u16);
            let hello = link.settings.hello.unwrap_or(HELLO_INTERVAL);
            let dead =
                link.settings.dead.unwrap_or(if link.settings.hello.is_some() { 4 * hello } else { DEAD_INTERVAL });
            let priority = link.settings.priority.unwrap_or(1);
            let at = match self.ifaces.iter().position(|f| f.link.iface == link.iface) {
                Some(at) => at,
                None => {
                    self.ifaces.push(Iface {
                        link: link.clone(),
                        id: link.iface as u32 + 1,
                        area: area.id(),
                        area_as_written: area,
                        passive,
                        kind,
                        cost,
                        hello,
                        dead,
                        priority,
                        state: IfaceState::Down,
                        dr: Ipv4Addr::UNSPECIFIED,
                        bdr: Ipv4Addr::UNSPECIFIED,
                        neighbors: Vec::new(),
                        next_hello: None,
                        wait_until: None,
                        link_db: BTreeMap::new(),
                    });
                    self.ifaces.sort_by_key(|f| f.link.iface);
                    self.ifaces.iter().position(|f| f.link.iface == link.iface).expect("just added")
                }
            };
            let f = &mut self.ifaces[at];
            let restart = (f.hello, f.dead, f.kind, f.passive, f.link.link_local)
                != (hello, dead, kind, passive, link.link_local);
            f.link = link.clone();
            f.area_as_written = area;
            f.cost = cost;
            f.priority = priority;
            if restart && f.state != IfaceState::Down {
                self.iface_down(now, at, "Interface down or detached");
            }
            let f = &mut self.ifaces[at];
            (f.hello, f.dead, f.kind, f.passive) = (hello, dead, kind, passive);
            // An interface runs once it is up with a usable link-local address.
            let runs = link.up && (link.link_local.is_some() || kind == LinkKind::Loopback);
            if runs && f.state == IfaceState::Down {
                self.iface_up(now, at);
            } else if !runs && f.state != IfaceState::Down {
                self.iface_down(now, at, "Interface down or detached");
            }
        }
        self.areas.retain(|id, _| self.ifaces.iter().any(|f| f.area == *id));
        self.originate_all(now);
        self.update_deadline();
        rid_pending
    }

    fn iface_up(&mut self, now: Time, at: usize) {
        let f = &mut self.ifaces[at];
        f.state = match f.kind {
            LinkKind::Loopback => IfaceState::Loopback,
            LinkKind::PointToPoint => IfaceState::PointToPoint,
            LinkKind::Broadcast if f.priority == 0 => IfaceState::DrOther,
            LinkKind::Broadcast => {
                f.wait_until = Some(now + Duration::from_secs(u64::from(f.dead)));
                IfaceState::Waiting
            }
        };
        f.dr = Ipv4Addr::UNSPECIFIED;
        f.bdr = Ipv4Addr::UNSPECIFIED;
        if f.kind != LinkKind::Loopback && !f.passive {
            f.next_hello = Some(now);
        }
        self.schedule_spf(now);
    }

    fn iface_down(&mut self, now: Time, at: usize, reason: &'static str) {
        for n in (0..self.ifaces[at].neighbors.len()).rev() {
            self.set_neighbor_state(now, at, n, NeighborState::Down, reason);
        }
        let f = &mut self.ifaces[at];
        f.neighbors.clear();
        f.link_db.clear();
        f.state = IfaceState::Down;
        f.next_hello = None;
        f.wait_until = None;
        f.dr = Ipv4Addr::UNSPECIFIED;
        f.bdr = Ipv4Addr::UNSPECIFIED;
        self.schedule_spf(now);
    }

    /// `clear ipv6 ospf process`: every adjacency drops and the process
    /// starts again (with the configured router ID, if it changed).
    pub fn clear(&mut self, now: Time, links: &[Link], fallback_id: Option<Ipv4Addr>) {
        for at in 0..self.ifaces.len() {
            if self.ifaces[at].state != IfaceState::Down {
                self.iface_down(now, at, "Interface down or detached");
            }
        }
        self.ifaces.clear();
        self.areas.clear();
        self.own_seq.clear();
        self.routes.clear();
        self.routes_changed = true;
        self.router_id = None;
        self.spf_at = None;
        self.last_spf = None;
        self.started = now;
        let config = self.config.clone();
        self.configure(now, &config, links, fallback_id);
    }

    // ----- time -----

    pub fn poll_at(&self) -> Option<Time> {
        self.next_deadline
    }

    fn update_deadline(&mut self) {
        let mut at: Option<Time> = self.spf_at;
        let mut consider = |t: Option<Time>| {
            if let Some(t) = t {
                at = Some(at.map_or(t, |a| a.min(t)));
            }
        };
        consider(Some(self.aging_at).filter(|_| self.router_id.is_some() && !self.ifaces.is_empty()));
        for f in &self.ifaces {
            consider(f.next_hello);
            consider(f.wait_until);
            for n in &f.neighbors {
                if n.state > NeighborState::Down {
                    consider(Some(n.dead_at));
                }
                consider(n.rxmt_at);
            }
        }
        self.next_deadline = at;
    }

    pub fn poll(&mut self, now: Time) {
        for at in 0..self.ifaces.len() {
            if self.ifaces[at].next_hello.is_some_and(|t| t <= now) {
                self.send_hello(at);
                let f = &mut self.ifaces[at];
                f.next_hello = Some(now + Duration::from_secs(u64::from(f.hello)));
            }
            if self.ifaces[at].wait_until.is_some_and(|t| t <= now) {
                self.ifaces[at].wait_until = None;
                self.elect(now, at);
            }
            let mut n = 0;
            while n < self.ifaces[at].neighbors.len() {
                let nb = &self.ifaces[at].neighbors[n];
                if nb.state > NeighborState::Down && nb.dead_at <= now {
                    self.set_neighbor_state(now, at, n, NeighborState::Down, "Dead timer expired");
                    let gone = self.ifaces[at].neighbors.remove(n);
                    let f = &mut self.ifaces[at];
                    f.link_db.retain(|k, _| k.adv != gone.router_id);
                    if f.kind == LinkKind::Broadcast && f.state != IfaceState::Waiting {
                        self.elect(now, at);
                    }
                    continue;
                }
                if nb.rxmt_at.is_some_and(|t| t <= now) {
                    self.retransmit(now, at, n);
                }
                n += 1;
            }
        }
        if self.spf_at.is_some_and(|t| t <= now) {
            self.run_spf(now);
        }
        if now >= self.aging_at {
            self.age(now);
            self.aging_at = now + AGING_INTERVAL;
        }
        self.update_deadline();
    }

    // ----- sending -----

    fn send(&mut self, at: usize, dst: Ipv6Addr, body: Body) {
        let Some(rid) = self.router_id else { return };
        let f = &self.ifaces[at];
        let packet = Packet { router_id: rid, area: f.area, body };
        self.out.push(Outgoing { iface: f.link.iface, dst, packet });
    }

    fn send_hello(&mut self, at: usize) {
        let f = &self.ifaces[at];
        if f.passive || f.state == IfaceState::Down || f.kind == LinkKind::Loopback {
            return;
        }
        let hello = Hello {
            iface_id: f.id,
            priority: f.priority,
            options: lsa::OPTIONS,
            hello_interval: f.hello as u16,
            dead_interval: f.dead as u16,
            dr: f.dr,
            bdr: f.bdr,
            neighbors: f.neighbors.iter().filter(|n| n.state >= NeighborState::Init).map(|n| n.router_id).collect(),
        };
        self.send(at, ALL_SPF_ROUTERS, Body::Hello(hello));
    }

    // ----- receiving -----

    /// A packet of next header 89 arrived on the IPv6 interface `iface`.
    pub fn receive(&mut self, now: Time, iface: usize, src: Ipv6Addr, dst: Ipv6Addr, bytes: &[u8]) {
        self.handle(now, iface, src, dst, bytes);
        self.update_deadline();
    }

    fn handle(&mut self, now: Time, iface: usize, src: Ipv6Addr, dst: Ipv6Addr, bytes: &[u8]) {
        let Some(at) = self.ifaces.iter().position(|f| f.link.iface == iface) else { return };
        let Ok(p) = Packet::parse(src, dst, bytes) else { return };
        let f = &self.ifaces[at];
        if f.passive || f.state == IfaceState::Down || p.area != f.area {
            return;
        }
        if dst == ALL_D_ROUTERS && !f.is_dr_or_bdr() {
            return;
        }
        if Some(p.router_id) == self.router_id {
            if matches!(p.body, Body::Hello(_)) {
                self.events.push(Event::DuplicateRouterId {
                    router_id: p.router_id,
                    from: src.into(),
                    iface: f.link.name.clone(),
                });
            }
            return;
        }
        if let Body::Hello(h) = p.body {
            self.hello(now, at, src, p.router_id, h);
            return;
        }
        let Some(n) = self.ifaces[at].neighbors.iter().position(|n| n.router_id == p.router_id) else { return };
        match p.body {
            Body::DatabaseDescription(d) => self.database_description(now, at, n, d),
            Body::Request(keys) => self.request(now, at, n, keys),
            Body::Update(lsas) => self.update(now, at, n, lsas),
            Body::Ack(headers) => self.ack(at, n, headers),
            Body::Hello(_) => {}
        }
    }

    fn hello(&mut self, now: Time, at: usize, src: Ipv6Addr, rid: Ipv4Addr, h: Hello) {
        let f = &self.ifaces[at];
        // Mismatched timers: ignored, as IOS does (no mask to compare in OSPFv3).
        if u32::from(h.hello_interval) != f.hello || u32::from(h.dead_interval) != f.dead {
            return;
        }
        let me = self.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let dead = Duration::from_secs(u64::from(f.dead));
        let n = match f.neighbors.iter().position(|n| n.router_id == rid) {
            Some(n) => n,
            None => {
                self.ifaces[at].neighbors.push(Neighbor::new(rid, src, now));
                self.ifaces[at].neighbors.len() - 1
            }
        };
        let (old_priority, old_dr, old_bdr) = {
            let nb = &mut self.ifaces[at].neighbors[n];
            let old = (nb.priority, nb.dr, nb.bdr);
            nb.addr = src;
            nb.iface_id = h.iface_id;
            nb.priority = h.priority;
            nb.dr = h.dr;
            nb.bdr = h.bdr;
            nb.dead_at = now + dead;
            old
        };
        let hears_me = h.neighbors.contains(&me);
        if self.ifaces[at].neighbors[n].state == NeighborState::Down {
            self.set_neighbor_state(now, at, n, NeighborState::Init, "Received Hello");
            if !hears_me {
                self.send_hello(at);
            }
        }
        if hears_me {
            if self.ifaces[at].neighbors[n].state == NeighborState::Init {
                self.set_neighbor_state(now, at, n, NeighborState::TwoWay, "2-Way Received");
                self.adjacency_ok(now, at, n);
            }
        } else if self.ifaces[at].neighbors[n].state >= NeighborState::TwoWay {
            self.set_neighbor_state(now, at, n, NeighborState::Init, "1-Way");
            let f = &self.ifaces[at];
            if f.kind == LinkKind::Broadcast && f.state != IfaceState::Waiting {
                self.elect(now, at);
            }
            return;
        }
        if self.ifaces[at].kind != LinkKind::Broadcast || self.ifaces[at].neighbors[n].state < NeighborState::TwoWay {
            return;
        }
        if self.ifaces[at].state == IfaceState::Waiting {
            let backup_seen = h.bdr == rid || (h.dr == rid && h.bdr == Ipv4Addr::UNSPECIFIED);
            if backup_seen {
                self.ifaces[at].wait_until = None;
                self.elect(now, at);
            }
        } else if old_priority != h.priority || (old_dr == rid) != (h.dr == rid) || (old_bdr == rid) != (h.bdr == rid) {
            self.elect(now, at);
        }
    }

    fn adjacency_ok(&mut self, now: Time, at: usize, n: usize) {
        let f = &self.ifaces[at];
        let nb = &f.neighbors[n];
        let want = f.adjacent_with(nb) && f.state != IfaceState::Waiting;
        if want && nb.state == NeighborState::TwoWay {
            self.start_exchange(now, at, n);
        } else if !want && nb.state >= NeighborState::ExStart {
            self.ifaces[at].neighbors[n].reset_exchange();
            self.set_neighbor_state(now, at, n, NeighborState::TwoWay, "AdjOK?");
        }
    }

    fn start_exchange(&mut self, now: Time, at: usize, n: usize) {
        let me = self.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let seq = (hash_name(now.nanos(), &format!("v3{me}{}", self.ifaces[at].neighbors[n].router_id)) as u32) | 1;
        let nb = &mut self.ifaces[at].neighbors[n];
        nb.reset_exchange();
        nb.master = true;
        nb.dd_seq = seq;
        self.set_neighbor_state(now, at, n, NeighborState::ExStart, "AdjOK?");
        self.send_dbd(now, at, n, packet::FLAG_INIT | packet::FLAG_MORE | packet::FLAG_MASTER, Vec::new());
    }

    fn send_dbd(&mut self, now: Time, at: usize, n: usize, flags: u8, headers: Vec<LsaHeader>) {
        let Some(rid) = self.router_id else { return };
        let f = &self.ifaces[at];
        let nb = &f.neighbors[n];
        let body = Body::DatabaseDescription(DatabaseDescription {
            options: lsa::OPTIONS,
            mtu: f.link.mtu,
            flags,
            sequence: nb.dd_seq,
            headers,
        });
        let packet = Packet { router_id: rid, area: f.area, body };
        let (iface, dst) = (f.link.iface, nb.addr);
        let nb = &mut self.ifaces[at].neighbors[n];
        nb.last_sent = Some(packet.clone());
        nb.sent_more = flags & packet::FLAG_MORE != 0;
        nb.rxmt_at = nb.master.then_some(now + RETRANSMIT_INTERVAL);
        self.out.push(Outgoing { iface, dst, packet });
    }

    fn resend_last(&mut self, at: usize, n: usize) {
        let nb = &self.ifaces[at].neighbors[n];
        if let Some(packet) = nb.last_sent.clone() {
            let (iface, dst) = (self.ifaces[at].link.iface, nb.addr);
            self.out.push(Outgoing { iface, dst, packet });
        }
    }

    fn next_headers(&mut self, at: usize, n: usize) -> (Vec<LsaHeader>, bool) {
        let mtu = usize::from(self.ifaces[at].link.mtu);
        let per_packet = (mtu - crate::proto::ipv6::HEADER_LEN - packet::field::HEADER_LEN - 12) / lsa::HEADER_LEN;
        let nb = &mut self.ifaces[at].neighbors[n];
        let take = nb.summary.len().min(per_packet);
        let batch: Vec<LsaHeader> = nb.summary.drain(..take).collect();
        (batch, !nb.summary.is_empty())
    }

    /// The headers a neighbour on this interface is told of: the area's and the link's.
    fn database_summary(&self, now: Time, at: usize) -> VecDeque<LsaHeader> {
        let f = &self.ifaces[at];
        let area = self.areas.get(&f.area).into_iter().flat_map(|d| d.lsdb.values());
        f.link_db.values().chain(area).map(|s| s.header(now)).collect()
    }

    fn database_description(&mut self, now: Time, at: usize, n: usize, d: DatabaseDescription) {
        let me = self.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        if d.mtu > self.ifaces[at].link.mtu {
            return;
        }
        let nb = &self.ifaces[at].neighbors[n];
        let (state, rid) = (nb.state, nb.router_id);
        let init = d.flags & packet::FLAG_INIT != 0;
        let master_flag = d.flags & packet::FLAG_MASTER != 0;
        match state {
            NeighborState::Down | NeighborState::Init | NeighborState::TwoWay => {}
            NeighborState::ExStart => {
                if init && master_flag && d.headers.is_empty() && u32::from(rid) > u32::from(me) {
                    let summary = self.database_summary(now, at);
                    let nb = &mut self.ifaces[at].neighbors[n];
                    nb.master = false;
                    nb.dd_seq = d.sequence;
                    nb.summary = summary;
                    nb.last_dbd = Some((d.flags, d.sequence));
                    nb.peer_more = d.flags & packet::FLAG_MORE != 0;
                    self.set_neighbor_state(now, at, n, NeighborState::Exchange, "Negotiation Done");
                    let (batch, more) = self.next_headers(at, n);
                    self.send_dbd(now, at, n, if more { packet::FLAG_MORE } else { 0 }, batch);
                } else if !init && !master_flag && d.sequence == nb.dd_seq && u32::from(rid) < u32::from(me) {
                    let summary = self.database_summary(now, at);
                    self.ifaces[at].neighbors[n].summary = summary;
                    self.set_neighbor_state(now, at, n, NeighborState::Exchange, "Negotiation Done");
                    self.master_step(now, at, n, d);
                }
            }
            NeighborState::Exchange => {
                if init || master_flag == nb.master {
                    self.start_exchange(now, at, n);
                } else if nb.master {
                    if d.sequence == nb.dd_seq {
                        self.master_step(now, at, n, d);
                    }
                } else if nb.last_dbd.is_some_and(|(_, s)| s == d.sequence) {
                    self.resend_last(at, n);
                } else if d.sequence == nb.dd_seq.wrapping_add(1) {
                    self.slave_step(now, at, n, d);
                } else {
                    self.start_exchange(now, at, n);
                }
            }
            NeighborState::Loading | NeighborState::Full => {
                if nb.last_dbd.is_some_and(|(f, s)| s == d.sequence && f == d.flags) {
                    if !nb.master {
                        self.resend_last(at, n);
                    }
                } else {
                    self.start_exchange(now, at, n);
                }
            }
        }
    }

    fn note_headers(&mut self, now: Time, at: usize, n: usize, headers: &[LsaHeader]) {
        for h in headers {
            let ours = self.lookup(at, &h.key).map(|s| s.header(now));
            if ours.is_none_or(|o| h.newer_than(&o) == std::cmp::Ordering::Greater) {
                self.ifaces[at].neighbors[n].requests.insert(h.key, *h);
            }
        }
    }

    fn master_step(&mut self, now: Time, at: usize, n: usize, d: DatabaseDescription) {
        self.note_headers(now, at, n, &d.headers);
        let nb = &mut self.ifaces[at].neighbors[n];
        nb.last_dbd = Some((d.flags, d.sequence));
        nb.peer_more = d.flags & packet::FLAG_MORE != 0;
        if !nb.sent_more && !nb.peer_more {
            nb.rxmt_at = None;
            self.exchange_done(now, at, n);
            return;
        }
        nb.dd_seq = nb.dd_seq.wrapping_add(1);
        let (batch, more) = self.next_headers(at, n);
        self.send_dbd(now, at, n, packet::FLAG_MASTER | if more { packet::FLAG_MORE } else { 0 }, batch);
    }

    fn slave_step(&mut self, now: Time, at: usize, n: usize, d: DatabaseDescription) {
        self.note_headers(now, at, n, &d.headers);
        let nb = &mut self.ifaces[at].neighbors[n];
        nb.dd_seq = d.sequence;
        nb.last_dbd = Some((d.flags, d.sequence));
        nb.peer_more = d.flags & packet::FLAG_MORE != 0;
        let (batch, more) = self.next_headers(at, n);
        self.send_dbd(now, at, n, if more { packet::FLAG_MORE } else { 0 }, batch);
        if !more && !self.ifaces[at].neighbors[n].peer_more {
            self.exchange_done(now, at, n);
        }
    }

    fn exchange_done(&mut self, now: Time, at: usize, n: usize) {
        if self.ifaces[at].neighbors[n].requests.is_empty() {
            self.set_neighbor_state(now, at, n, NeighborState::Full, "Exchange Done");
        } else {
            self.set_neighbor_state(now, at, n, NeighborState::Loading, "Exchange Done");
            self.send_requests(now, at, n);
        }
    }

    fn send_requests(&mut self, now: Time, at: usize, n: usize) {
        let nb = &mut self.ifaces[at].neighbors[n];
        let keys: Vec<LsaKey> = nb.requests.keys().copied().take(100).collect();
        if keys.is_empty() {
            return;
        }
        nb.rxmt_at = Some(now + RETRANSMIT_INTERVAL);
        let dst = nb.addr;
        self.send(at, dst, Body::Request(keys));
    }

    fn request(&mut self, now: Time, at: usize, n: usize, keys: Vec<LsaKey>) {
        if self.ifaces[at].neighbors[n].state < NeighborState::Exchange {
            return;
        }
        let lsas: Vec<Vec<u8>> = keys.iter().filter_map(|k| self.lookup(at, k)).map(|s| s.bytes_now(now)).collect();
        if !lsas.is_empty() {
            let dst = self.ifaces[at].neighbors[n].addr;
            self.send(at, dst, Body::Update(lsas));
        }
    }

    /// An LSA as seen from an interface: its link's, or its area's.
    fn lookup(&self, at: usize, key: &LsaKey) -> Option<&Stored> {
        let f = &self.ifaces[at];
        if key.link_scope() {
            f.link_db.get(key)
        } else {
            self.areas.get(&f.area)?.lsdb.get(key)
        }
    }

    fn install(&mut self, at: usize, stored: Stored) {
        let key = stored.lsa.header.key;
        let area = self.ifaces[at].area;
        if key.link_scope() {
            self.ifaces[at].link_db.insert(key, stored);
        } else if let Some(db) = self.areas.get_mut(&area) {
            db.lsdb.insert(key, stored);
        }
    }

    fn update(&mut self, now: Time, at: usize, n: usize, lsas: Vec<Vec<u8>>) {
        if self.ifaces[at].neighbors[n].state < NeighborState::Exchange {
            return;
        }
        let mut acks = Vec::new();
        let mut changed = false;
        for bytes in lsas {
            if !lsa::checksum_ok(&bytes) {
                continue;
            }
            let Some(received) = Stored::new(bytes, now) else { continue };
            let theirs = received.lsa.header;
            let key = theirs.key;
            let ours = self.lookup(at, &key).map(|s| s.header(now));
            let order = ours.map_or(std::cmp::Ordering::Greater, |o| theirs.newer_than(&o));
            self.ifaces[at].neighbors[n].requests.remove(&key);
            match order {
                std::cmp::Ordering::Greater => {
                    acks.push(theirs);
                    if Some(key.adv) == self.router_id {
                        // An old copy of one of ours (from before a restart):
                        // outdate it with a newer instance, or flush it if we
                        // no longer originate it.
                        let seq = self.own_seq.entry(key).or_insert(theirs.sequence);
                        *seq = (*seq).max(theirs.sequence);
                        self.install(at, received);
                        self.forced = Some(key);
                        self.originate_all(now);
                        self.forced = None;
                        if self.lookup(at, &key).is_some_and(|s| s.lsa.header.sequence == theirs.sequence) {
                            self.flush(now, at, key);
                        }
                        continue;
                    }
                    self.install(at, received);
                    self.flood(now, at, key, Some(n));
                    changed = true;
                }
                std::cmp::Ordering::Equal => {
                    if self.ifaces[at].neighbors[n].retransmit.remove(&key).is_none() {
                        acks.push(theirs);
                    }
                }
                std::cmp::Ordering::Less => {
                    if let Some(s) = self.lookup(at, &key) {
                        let bytes = s.bytes_now(now);
                        let dst = self.ifaces[at].neighbors[n].addr;
                        self.send(at, dst, Body::Update(vec![bytes]));
                    }
                }
            }
        }
        if !acks.is_empty() {
            let dst = self.ifaces[at].flood_address();
            self.send(at, dst, Body::Ack(acks));
        }
        if self.ifaces[at].neighbors[n].state == NeighborState::Loading {
            if self.ifaces[at].neighbors[n].requests.is_empty() {
                self.set_neighbor_state(now, at, n, NeighborState::Full, "Loading Done");
            } else {
                self.send_requests(now, at, n);
            }
        }
        if changed {
            self.schedule_spf(now);
        }
    }

    fn ack(&mut self, at: usize, n: usize, headers: Vec<LsaHeader>) {
        let nb = &mut self.ifaces[at].neighbors[n];
        for h in headers {
            if nb.retransmit.get(&h.key).is_some_and(|ours| ours.sequence == h.sequence) {
                nb.retransmit.remove(&h.key);
            }
        }
        if nb.retransmit.is_empty() && nb.requests.is_empty() && nb.state >= NeighborState::Loading {
            nb.rxmt_at = None;
        }
    }

    fn retransmit(&mut self, now: Time, at: usize, n: usize) {
        let nb = &self.ifaces[at].neighbors[n];
        match nb.state {
            NeighborState::ExStart | NeighborState::Exchange if nb.master => {
                self.resend_last(at, n);
                self.ifaces[at].neighbors[n].rxmt_at = Some(now + RETRANSMIT_INTERVAL);
            }
            NeighborState::Loading => self.send_requests(now, at, n),
            _ => {}
        }
        let nb = &self.ifaces[at].neighbors[n];
        if !nb.retransmit.is_empty() {
            let keys: Vec<LsaKey> = nb.retransmit.keys().copied().collect();
            let lsas: Vec<Vec<u8>> = keys.iter().filter_map(|k| self.lookup(at, k)).map(|s| s.bytes_now(now)).collect();
            let dst = nb.addr;
            if !lsas.is_empty() {
                self.send(at, dst, Body::Update(lsas));
            }
            self.ifaces[at].neighbors[n].rxmt_at = Some(now + RETRANSMIT_INTERVAL);
        } else if matches!(nb.state, NeighborState::Full | NeighborState::TwoWay | NeighborState::Init) {
            self.ifaces[at].neighbors[n].rxmt_at = None;
        }
    }

    /// Flood an LSA heard on (or originated for) interface `at`: a link-LSA
    /// on that link only, others on every interface of the area, never back
    /// to the neighbour `from` it came from.
    fn flood(&mut self, now: Time, at: usize, key: LsaKey, from: Option<usize>) {
        let Some(bytes) = self.lookup(at, &key).map(|s| s.bytes_now(now)) else { return };
        let header = LsaHeader::parse(&bytes).expect("stored LSAs parse");
        let area = self.ifaces[at].area;
        for i in 0..self.ifaces.len() {
            let f = &self.ifaces[i];
            let in_scope = if key.link_scope() { i == at } else { f.area == area };
            if !in_scope || f.state == IfaceState::Down || f.passive || f.kind == LinkKind::Loopback {
                continue;
            }
            let sender = from.filter(|_| i == at);
            let mut added = false;
            for (n, nb) in self.ifaces[i].neighbors.iter_mut().enumerate() {
                if nb.state < NeighborState::Exchange || sender == Some(n) {
                    continue;
                }
                nb.retransmit.insert(key, header);
                nb.rxmt_at.get_or_insert(now + RETRANSMIT_INTERVAL);
                added = true;
            }
            if !added {
                continue;
            }
            if let Some(s) = sender {
                let f = &self.ifaces[i];
                let sender_id = f.neighbors[s].router_id;
                // On the network it came from, only the DR floods it back.
                if sender_id == f.dr || sender_id == f.bdr || f.state == IfaceState::Backup {
                    continue;
                }
                if f.kind == LinkKind::PointToPoint {
                    continue;
                }
            }
            let dst = self.ifaces[i].flood_address();
            self.send(i, dst, Body::Update(vec![bytes.clone()]));
        }
    }

    /// Install and flood a new instance of one of our LSAs (on interface
    /// `at` for a link-LSA, in its area otherwise), unless it says what the
    /// current one says.
    fn originate(&mut self, now: Time, at: usize, key: LsaKey, body: LsaBody) {
        let current = self.lookup(at, &key).filter(|s| s.lsa.header.age < lsa::MAX_AGE);
        if self.forced != Some(key) && current.is_some_and(|s| s.lsa.body == body) {
            return;
        }
        let seq =
            self.own_seq.get(&key).map_or(lsa::INITIAL_SEQUENCE, |s| s.wrapping_add(1).max(lsa::INITIAL_SEQUENCE));
        self.own_seq.insert(key, seq);
        let l = Lsa { header: LsaHeader { age: 0, key, sequence: seq, checksum: 0, length: 0 }, body };
        let Some(stored) = Stored::new(l.emit(), now) else { return };
        self.install(at, stored);
        self.flood(now, at, key, None);
        if !key.link_scope() {
            self.schedule_spf(now);
        }
    }

    fn flush(&mut self, now: Time, at: usize, key: LsaKey) {
        let Some(s) = self.lookup(at, &key) else { return };
        if s.lsa.header.age >= lsa::MAX_AGE {
            return;
        }
        let mut bytes = s.bytes.clone();
        bytes[lsa::field::AGE].copy_from_slice(&lsa::MAX_AGE.to_be_bytes());
        let Some(stored) = Stored::new(bytes, now) else { return };
        self.install(at, stored);
        self.flood(now, at, key, None);
        self.schedule_spf(now);
    }

    /// Our router-LSA and intra-area-prefix LSA in each area, a network-LSA
    /// and its prefixes where we are DR, and a link-LSA on every link.
    fn originate_all(&mut self, now: Time) {
        let Some(rid) = self.router_id else { return };
        for at in 0..self.ifaces.len() {
            let f = &self.ifaces[at];
            if f.state == IfaceState::Down || f.kind == LinkKind::Loopback {
                continue;
            }
            let Some(link_local) = f.link.link_local else { continue };
            let body = LsaBody::Link { priority: f.priority, link_local, prefixes: prefixes_of(&f.link, 0) };
            let key = LsaKey { kind: lsa::LINK, id: f.id, adv: rid };
            self.originate(now, at, key, body);
        }
        for area in self.areas.keys().copied().collect::<Vec<_>>() {
            let Some(first) = self.ifaces.iter().position(|f| f.area == area) else { continue };
            let mut links = Vec::new();
            let mut own_prefixes = Vec::new();
            for f in self.ifaces.iter().filter(|f| f.area == area && f.state != IfaceState::Down) {
                let full = |n: &&Neighbor| n.state == NeighborState::Full;
                match f.kind {
                    LinkKind::Loopback => own_prefixes.extend(f.link.addrs.iter().map(|(a, _)| Prefix {
                        addr: *a,
                        len: 128,
                        options: lsa::PREFIX_LA,
                        metric: 0,
                    })),
                    LinkKind::PointToPoint => {
                        for nb in f.neighbors.iter().filter(full) {
                            links.push(RouterLink {
                                kind: lsa::LINK_P2P,
                                metric: f.cost,
                                iface_id: f.id,
                                neighbor_iface_id: nb.iface_id,
                                neighbor: nb.router_id,
                            });
                        }
                        own_prefixes.extend(prefixes_of(&f.link, f.cost));
                    }
                    LinkKind::Broadcast => {
                        let dr = if f.state == IfaceState::Dr {
                            f.neighbors.iter().any(|n| n.state == NeighborState::Full).then_some((rid, f.id))
                        } else {
                            f.neighbors
                                .iter()
                                .filter(full)
                                .find(|n| n.router_id == f.dr)
                                .map(|n| (n.router_id, n.iface_id))
                        };
                        match dr {
                            Some((dr, dr_iface)) if f.state != IfaceState::Waiting => links.push(RouterLink {
                                kind: lsa::LINK_TRANSIT,
                                metric: f.cost,
                                iface_id: f.id,
                                neighbor_iface_id: dr_iface,
                                neighbor: dr,
                            }),
                            // A stub network: its prefixes hang on the router.
                            _ => own_prefixes.extend(prefixes_of(&f.link, f.cost)),
                        }
                    }
                }
            }
            self.originate(
                now,
                first,
                LsaKey { kind: lsa::ROUTER, id: 0, adv: rid },
                LsaBody::Router { flags: 0, links },
            );
            let router_ref = LsaKey { kind: lsa::ROUTER, id: 0, adv: rid };
            let key = LsaKey { kind: lsa::INTRA_AREA_PREFIX, id: 0, adv: rid };
            if own_prefixes.is_empty() {
                self.flush(now, first, key);
            } else {
                own_prefixes.sort();
                own_prefixes.dedup();
                self.originate(
                    now,
                    first,
                    key,
                    LsaBody::IntraAreaPrefix { referenced: router_ref, prefixes: own_prefixes },
                );
            }
            // Where we are DR: the network-LSA and the network's prefixes.
            for at in 0..self.ifaces.len() {
                let f = &self.ifaces[at];
                if f.area != area || f.kind != LinkKind::Broadcast {
                    continue;
                }
                let net_key = LsaKey { kind: lsa::NETWORK, id: f.id, adv: rid };
                let prefix_key = LsaKey { kind: lsa::INTRA_AREA_PREFIX, id: f.id << 10, adv: rid };
                let full: Vec<Ipv4Addr> =
                    f.neighbors.iter().filter(|n| n.state == NeighborState::Full).map(|n| n.router_id).collect();
                if f.state == IfaceState::Dr && !full.is_empty() {
                    let mut routers = vec![rid];
                    routers.extend(full);
                    // The link's prefixes, from every router's link-LSA on it.
                    let mut prefixes = prefixes_of(&f.link, 0);
                    for s in f.link_db.values().filter(|s| s.lsa.header.age < lsa::MAX_AGE) {
                        if let LsaBody::Link { prefixes: theirs, .. } = &s.lsa.body {
                            prefixes.extend(theirs.iter().map(|p| Prefix { metric: 0, ..*p }));
                        }
                    }
                    prefixes.sort();
                    prefixes.dedup();
                    self.originate(now, at, net_key, LsaBody::Network { routers });
                    let referenced = net_key;
                    self.originate(now, at, prefix_key, LsaBody::IntraAreaPrefix { referenced, prefixes });
                } else {
                    self.flush(now, at, net_key);
                    self.flush(now, at, prefix_key);
                }
            }
        }
    }

    /// Refresh our LSAs at 30 minutes; drop others' at MaxAge.
    fn age(&mut self, now: Time) {
        let me = self.router_id;
        let mut stale = false;
        for db in self.areas.values_mut() {
            db.lsdb.retain(|k, s| s.age(now) < lsa::MAX_AGE || Some(k.adv) == me);
            stale |= db.lsdb.iter().any(|(k, s)| Some(k.adv) == me && s.age(now) >= lsa::REFRESH_TIME);
        }
        for f in &mut self.ifaces {
            f.link_db.retain(|k, s| s.age(now) < lsa::MAX_AGE || Some(k.adv) == me);
            stale |= f.link_db.iter().any(|(k, s)| Some(k.adv) == me && s.age(now) >= lsa::REFRESH_TIME);
        }
        if stale {
            // New instances of all our LSAs (they say the same, so drop the current copies first).
            for db in self.areas.values_mut() {
                db.lsdb.retain(|k, s| Some(k.adv) != me || s.age(now) < lsa::REFRESH_TIME);
            }
            for f in &mut self.ifaces {
                f.link_db.retain(|k, s| Some(k.adv) != me || s.age(now) < lsa::REFRESH_TIME);
            }
            self.originate_all(now);
        }
    }

    fn elect(&mut self, now: Time, at: usize) {
        let f = &self.ifaces[at];
        if f.kind != LinkKind::Broadcast || f.state == IfaceState::Down {
            return;
        }
        let me = self.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let others: Vec<Candidate<Ipv4Addr>> = f
            .neighbors
            .iter()
            .filter(|n| n.state >= NeighborState::TwoWay)
            .map(|n| Candidate { id: n.router_id, router_id: n.router_id, priority: n.priority, dr: n.dr, bdr: n.bdr })
            .collect();
        let (old_dr, old_bdr) = (f.dr, f.bdr);
        let mine = Candidate { id: me, router_id: me, priority: f.priority, dr: f.dr, bdr: f.bdr };
        let (dr, bdr) = elect(&others, mine, Ipv4Addr::UNSPECIFIED);
        let f = &mut self.ifaces[at];
        (f.dr, f.bdr) = (dr, bdr);
        f.state = if dr == me {
            IfaceState::Dr
        } else if bdr == me {
            IfaceState::Backup
        } else {
            IfaceState::DrOther
        };
        for n in 0..self.ifaces[at].neighbors.len() {
            if self.ifaces[at].neighbors[n].state >= NeighborState::TwoWay {
                self.adjacency_ok(now, at, n);
            }
        }
        if (dr, bdr) != (old_dr, old_bdr) {
            self.send_hello(at);
            self.originate_all(now);
        }
    }

    fn set_neighbor_state(&mut self, now: Time, at: usize, n: usize, to: NeighborState, reason: &'static str) {
        let f = &mut self.ifaces[at];
        let nb = &mut f.neighbors[n];
        let from = nb.state;
        if from == to {
            return;
        }
        nb.state = to;
        nb.since = now;
        if to < NeighborState::ExStart {
            nb.reset_exchange();
        }
        self.events.push(Event::NeighborState {
            neighbor: nb.router_id,
            iface: f.link.iface,
            name: f.link.name.clone(),
            from,
            to,
            reason,
        });
        if to == NeighborState::Full || (to == NeighborState::Down && from >= NeighborState::TwoWay) {
            self.events.push(Event::Adjacency { neighbor: nb.router_id, iface: f.link.name.clone(), from, to, reason });
        }
        if from == NeighborState::Full
            || to == NeighborState::Full
            || (to == NeighborState::Down && from >= NeighborState::TwoWay)
        {
            self.originate_all(now);
        }
    }

    fn schedule_spf(&mut self, now: Time) {
        if self.spf_at.is_some() {
            return;
        }
        self.spf_at = Some(self.last_spf.map_or(now + SPF_DELAY, |last| (now + SPF_DELAY).max(last + SPF_HOLD)));
    }

    fn run_spf(&mut self, now: Time) {
        self.spf_at = None;
        self.last_spf = Some(now);
        let Some(me) = self.router_id else { return };
        let connected: Vec<(Ipv6Addr, u8)> = self
            .ifaces
            .iter()
            .filter(|f| f.state != IfaceState::Down)
            .flat_map(|f| f.link.addrs.iter().map(|(a, l)| (crate::proto::ipv6::network(*a, *l), *l)))
            .collect();
        let mut best: BTreeMap<(Ipv6Addr, u8), Route> = BTreeMap::new();
        for (area, db) in &mut self.areas {
            db.spf_runs += 1;
            let local: Vec<spf::LocalIface> = self
                .ifaces
                .iter()
                .filter(|f| f.area == *area && f.state != IfaceState::Down)
                .map(|f| spf::LocalIface {
                    iface: f.link.iface,
                    id: f.id,
                    neighbors: f
                        .neighbors
                        .iter()
                        .filter(|n| n.state == NeighborState::Full)
                        .map(|n| (n.router_id, n.addr))
                        .collect(),
                })
                .collect();
            let lsdb: BTreeMap<LsaKey, &Lsa> =
                db.lsdb.iter().filter(|(_, s)| s.age(now) < lsa::MAX_AGE).map(|(k, s)| (*k, &s.lsa)).collect();
            for r in spf::routes(&lsdb, me, &local) {
                if connected.iter().any(|(p, l)| *p == r.prefix && *l == r.len) {
                    continue;
                }
                match best.get_mut(&(r.prefix, r.len)) {
                    Some(b) if b.metric <= r.metric => {}
                    _ => {
                        best.insert((r.prefix, r.len), r);
                    }
                }
            }
        }
        let routes: Vec<Route> = best.into_values().collect();
        if routes != self.routes {
            self.routes = routes;
            self.routes_changed = true;
        }
    }
}

/// A link's global prefixes as LSAs carry them, at a metric.
fn prefixes_of(link: &Link, metric: u16) -> Vec<Prefix> {
    link.addrs
        .iter()
        .map(|(a, l)| Prefix { addr: crate::proto::ipv6::network(*a, *l), len: *l, options: 0, metric })
        .collect()
}

#[cfg(test)]
mod tests;
