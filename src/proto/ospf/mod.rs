//! OSPFv2 (RFC 2328), as IOS 15/16 runs it: one [`Instance`] per
//! `router ospf` process.
//!
//! - [`packet`]: the five packet types on the wire (IP protocol 89);
//! - [`lsa`]: router, network, summary and external LSAs, their checksum and
//!   which instance is newer;
//! - [`spf`]: Dijkstra over an area's database, inter-area and external routes;
//! - [`config`]: the process and interface settings the CLI keeps;
//! - this file: the running process. Interfaces go Down → Waiting →
//!   DR/Backup/DROther (broadcast) or Point-to-point; neighbours Down → Init →
//!   2-Way → ExStart → Exchange → Loading → Full; the designated router is
//!   elected without pre-emption; the database is exchanged, flooded and
//!   acknowledged with retransmissions; each area's router-LSA (and, on a DR,
//!   network-LSA) is originated when it changes; border routers summarise
//!   areas into each other; `default-information originate` makes a type-5
//!   default; SPF runs a few seconds after a change, as IOS schedules it.
//!
//! The instance knows no device: it is told about interfaces ([`Link`]), given
//! packets with the time, and leaves what it sends in [`Instance::out`], what
//! a console would log in [`Instance::events`] and its decisions in its notes.
//! [`Instance::poll_at`] says when it next needs time.

pub mod config;
pub mod lsa;
pub mod packet;
pub mod spf;

use std::collections::{BTreeMap, VecDeque};
use std::net::Ipv4Addr;

pub use config::{AdjacencyLog, Area, NetworkStatement, OspfIface, OspfProcess};
use lsa::{Body as LsaBody, Lsa, LsaHeader, LsaKey, RouterLink};
use packet::{Body, DatabaseDescription, Hello, Packet, ALL_D_ROUTERS, ALL_SPF_ROUTERS};
pub use spf::{NextHop, OspfRoute, RouteKind};

use crate::base::IfaceName;
use crate::proto::ipv4::{mask_of, network};
use crate::sim::{hash_name, Duration, Time};

/// IOS's timers.
pub const HELLO_INTERVAL: u32 = 10;
pub const DEAD_INTERVAL: u32 = 40;
pub const RETRANSMIT_INTERVAL: Duration = Duration::from_secs(5);
/// SPF runs this long after the first change (IOS XE 16.9: 5000 ms), and
/// then no more often than the hold time (10000 ms).
pub const SPF_DELAY: Duration = Duration::from_secs(5);
pub const SPF_HOLD: Duration = Duration::from_secs(10);
/// How often the database is aged (LSA refresh and MaxAge flushing).
const AGING_INTERVAL: Duration = Duration::from_secs(60);
pub const DEFAULT_REFERENCE_MBPS: u32 = 100;
/// The interface MTU a router announces in its database descriptions.
pub const DEFAULT_MTU: u16 = 1500;
/// Route tag IOS gives the default route of `default-information originate`.
const DEFAULT_ROUTE_TAG: u32 = 1;

/// How an interface attaches to its network.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LinkKind {
    /// Ethernet: a designated router is elected.
    Broadcast,
    /// A serial line (or `ip ospf network point-to-point`): no election.
    PointToPoint,
    /// A loopback: advertised as a host route, no neighbours.
    Loopback,
}

/// An IP interface of the router, as the device describes it to OSPF.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The IP stack's index of the interface.
    pub iface: usize,
    pub name: IfaceName,
    pub addr: Option<(Ipv4Addr, u8)>,
    /// Line protocol up.
    pub up: bool,
    pub kind: LinkKind,
    /// `bandwidth` (or the interface's default) in kb/s.
    pub bandwidth_kbps: u32,
    pub mtu: u16,
    pub settings: OspfIface,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum NeighborState {
    Down,
    Init,
    TwoWay,
    ExStart,
    Exchange,
    Loading,
    Full,
}

impl NeighborState {
    /// As `%OSPF-5-ADJCHG` and `show ip ospf neighbor` print it.
    pub fn word(self) -> &'static str {
        match self {
            NeighborState::Down => "DOWN",
            NeighborState::Init => "INIT",
            NeighborState::TwoWay => "2WAY",
            NeighborState::ExStart => "EXSTART",
            NeighborState::Exchange => "EXCHANGE",
            NeighborState::Loading => "LOADING",
            NeighborState::Full => "FULL",
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum IfaceState {
    Down,
    Loopback,
    Waiting,
    PointToPoint,
    DrOther,
    Backup,
    Dr,
}

impl IfaceState {
    /// As `show ip ospf interface` prints it.
    pub fn word(self) -> &'static str {
        match self {
            IfaceState::Down => "DOWN",
            IfaceState::Loopback => "LOOP",
            IfaceState::Waiting => "WAITING",
            IfaceState::PointToPoint => "P2P",
            IfaceState::DrOther => "DROTH",
            IfaceState::Backup => "BDR",
            IfaceState::Dr => "DR",
        }
    }
}

/// What a console logs about the process.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Event {
    /// `%OSPF-5-ADJCHG` (changes to FULL and to DOWN, as IOS logs by default).
    Adjacency { neighbor: Ipv4Addr, iface: IfaceName, from: NeighborState, to: NeighborState, reason: &'static str },
    /// `%OSPF-4-DUP_RTRID_NBR`
    DuplicateRouterId { router_id: Ipv4Addr, from: std::net::IpAddr, iface: IfaceName },
    /// `%OSPF-4-ERRRCV` for a packet from the backbone on a non-backbone interface.
    AreaMismatch { from: Ipv4Addr, iface: IfaceName },
    /// Any neighbour state change (`iface` is the IP stack's index), for the trace; IOS logs none of these by default.
    NeighborState {
        neighbor: Ipv4Addr,
        iface: usize,
        name: IfaceName,
        from: NeighborState,
        to: NeighborState,
        reason: &'static str,
    },
}

/// A packet to send: out of an interface, to a group or a neighbour.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub iface: usize,
    pub dst: Ipv4Addr,
    pub packet: Vec<u8>,
}

/// A neighbour on one interface.
#[derive(Clone, Debug)]
pub struct Neighbor {
    pub router_id: Ipv4Addr,
    pub addr: Ipv4Addr,
    pub priority: u8,
    /// The designated and backup routers it declares (interface addresses).
    pub dr: Ipv4Addr,
    pub bdr: Ipv4Addr,
    pub state: NeighborState,
    pub dead_at: Time,
    /// When it last changed state (`show ip ospf neighbor detail`'s up time).
    pub since: Time,
    /// How many times its state changed since it was first heard.
    pub state_changes: u32,
    master: bool,
    dd_seq: u32,
    /// The last database description heard (flags, sequence), to spot repeats.
    last_dbd: Option<(u8, u32)>,
    /// What we last sent in the exchange, for retransmission and repeats.
    last_sent: Option<Vec<u8>>,
    /// Headers still to describe to it; whether it said it has more, and
    /// whether we did in our last description.
    summary: VecDeque<LsaHeader>,
    peer_more: bool,
    sent_more: bool,
    pub requests: BTreeMap<LsaKey, LsaHeader>,
    pub retransmit: BTreeMap<LsaKey, LsaHeader>,
    rxmt_at: Option<Time>,
}

impl Neighbor {
    fn new(router_id: Ipv4Addr, addr: Ipv4Addr, now: Time) -> Self {
        Neighbor {
            router_id,
            addr,
            priority: 1,
            dr: Ipv4Addr::UNSPECIFIED,
            bdr: Ipv4Addr::UNSPECIFIED,
            state: NeighborState::Down,
            dead_at: now,
            since: now,
            state_changes: 0,
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

/// An interface OSPF runs on.
#[derive(Clone, Debug)]
pub struct Iface {
    pub link: Link,
    pub area: u32,
    /// As written in the configuration (`0` or `0.0.0.0`), for show commands.
    pub area_as_written: Area,
    pub passive: bool,
    pub kind: LinkKind,
    pub cost: u16,
    pub hello: u32,
    pub dead: u32,
    pub priority: u8,
    pub state: IfaceState,
    /// Designated and backup routers (interface addresses; 0.0.0.0: none).
    pub dr: Ipv4Addr,
    pub bdr: Ipv4Addr,
    pub neighbors: Vec<Neighbor>,
    next_hello: Option<Time>,
    wait_until: Option<Time>,
    /// Enabled by `ip ospf N area A` rather than a network statement.
    pub by_interface_command: bool,
}

impl Iface {
    /// A neighbour's role on this segment: `DR`, `BDR` or `DROTHER` on a
    /// broadcast network, `-` where no router is designated.
    pub fn neighbor_role(&self, n: &Neighbor) -> &'static str {
        if self.kind != LinkKind::Broadcast {
            "-"
        } else if n.addr == self.dr {
            "DR"
        } else if n.addr == self.bdr {
            "BDR"
        } else {
            "DROTHER"
        }
    }

    pub fn addr(&self) -> Ipv4Addr {
        self.link.addr.map_or(Ipv4Addr::UNSPECIFIED, |(a, _)| a)
    }

    pub fn prefix_len(&self) -> u8 {
        self.link.addr.map_or(0, |(_, l)| l)
    }

    /// When the next hello goes out (`None`: it sends none, being down or passive).
    pub fn next_hello(&self) -> Option<Time> {
        self.next_hello
    }

    /// When the wait timer ends, while the interface is Waiting.
    pub fn wait_until(&self) -> Option<Time> {
        self.wait_until
    }

    fn is_dr_or_bdr(&self) -> bool {
        matches!(self.state, IfaceState::Dr | IfaceState::Backup)
    }

    /// Should we be adjacent with this neighbour (RFC 10.4)?
    fn adjacent_with(&self, n: &Neighbor) -> bool {
        match self.kind {
            LinkKind::PointToPoint => true,
            LinkKind::Broadcast => self.is_dr_or_bdr() || n.addr == self.dr || n.addr == self.bdr,
            LinkKind::Loopback => false,
        }
    }

    /// Where flooded packets go on this interface.
    fn flood_address(&self) -> Ipv4Addr {
        match self.kind {
            LinkKind::Broadcast if !self.is_dr_or_bdr() => ALL_D_ROUTERS,
            _ => ALL_SPF_ROUTERS,
        }
    }
}

/// An LSA in the database, with when it was installed (its age grows from there).
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

    /// Its age now.
    pub fn age(&self, now: Time) -> u16 {
        let grown = now.since(self.installed).secs();
        (u64::from(self.lsa.header.age) + grown).min(u64::from(lsa::MAX_AGE)) as u16
    }

    pub fn header(&self, now: Time) -> LsaHeader {
        LsaHeader { age: self.age(now), ..self.lsa.header }
    }

    /// Its bytes with the current age, as flooded (plus the transmit delay of 1 s).
    fn bytes_now(&self, now: Time) -> Vec<u8> {
        let mut b = self.bytes.clone();
        let age = (self.age(now) + 1).min(lsa::MAX_AGE);
        b[lsa::field::AGE].copy_from_slice(&age.to_be_bytes());
        b
    }
}

/// One area's link-state database.
#[derive(Clone, Debug, Default)]
pub struct AreaDb {
    pub lsdb: BTreeMap<LsaKey, Stored>,
    /// SPF runs in this area (`show ip ospf`).
    pub spf_runs: u32,
}

/// One running OSPF process.
#[derive(Clone, Debug)]
pub struct Instance {
    pub pid: u32,
    /// Chosen when the process starts; changes only when it is cleared.
    pub router_id: Option<Ipv4Addr>,
    pub config: OspfProcess,
    pub ifaces: Vec<Iface>,
    pub areas: BTreeMap<u32, AreaDb>,
    /// AS-external LSAs, flooded into every area.
    pub externals: BTreeMap<LsaKey, Stored>,
    /// The sequence number of each LSA this router originated last.
    own_seq: BTreeMap<LsaKey, u32>,
    routes: Vec<OspfRoute>,
    /// Whether the routes changed since the device last took them.
    pub routes_changed: bool,
    spf_at: Option<Time>,
    last_spf: Option<Time>,
    aging_at: Time,
    /// A default route from elsewhere exists (for `default-information originate`).
    has_default: bool,
    pub started: Time,
    pub out: Vec<Outgoing>,
    pub events: Vec<Event>,
    /// The earliest deadline, kept current after every call (polled often).
    next_deadline: Option<Time>,
}

fn ip_u32(ip: Ipv4Addr) -> u32 {
    u32::from(ip)
}

/// The OSPF cost of a link: reference bandwidth over the interface's, at least 1.
pub fn cost_of(bandwidth_kbps: u32, reference_mbps: u32) -> u16 {
    let cost = u64::from(reference_mbps) * 1000 / u64::from(bandwidth_kbps.max(1));
    cost.clamp(1, 65535) as u16
}

/// One router's say in a designated-router election: how the network
/// names it (OSPFv2: its interface address; OSPFv3: its router ID), its
/// router ID and priority, and whom it declares DR and BDR.
#[derive(Clone, Copy, Debug)]
pub struct Candidate<K> {
    pub id: K,
    pub router_id: Ipv4Addr,
    pub priority: u8,
    pub dr: K,
    pub bdr: K,
}

/// The DR and BDR of a network (RFC 2328, 9.4; RFC 5340 keeps it): `others`
/// are the neighbours in 2-Way or better, `none` the "no router" value.
pub fn elect<K: Copy + PartialEq>(others: &[Candidate<K>], mut mine: Candidate<K>, none: K) -> (K, K) {
    let rank = |c: &&Candidate<K>| (c.priority, u32::from(c.router_id));
    let calculate = |mine: Candidate<K>| {
        let mut all: Vec<Candidate<K>> = others.iter().filter(|c| c.priority > 0).copied().collect();
        if mine.priority > 0 {
            all.push(mine);
        }
        let not_dr: Vec<&Candidate<K>> = all.iter().filter(|c| c.dr != c.id).collect();
        let bdr = not_dr
            .iter()
            .filter(|c| c.bdr == c.id)
            .max_by_key(|c| rank(c))
            .or_else(|| not_dr.iter().max_by_key(|c| rank(c)))
            .map_or(none, |c| c.id);
        let dr = all
            .iter()
            .filter(|c| c.dr == c.id)
            .max_by_key(|c| (c.priority, u32::from(c.router_id)))
            .map_or(bdr, |c| c.id);
        (dr, bdr)
    };
    let (old_dr, old_bdr) = (mine.dr, mine.bdr);
    let (dr, bdr) = calculate(mine);
    // If we newly became (or stopped being) DR or BDR, decide again with that known.
    let me = mine.id;
    if (dr == me) != (old_dr == me) || (bdr == me) != (old_bdr == me) {
        mine.dr = dr;
        mine.bdr = bdr;
        return calculate(mine);
    }
    (dr, bdr)
}

impl Instance {
    pub fn new(pid: u32, now: Time) -> Self {
        Instance {
            pid,
            router_id: None,
            config: OspfProcess { pid, ..OspfProcess::default() },
            ifaces: Vec::new(),
            areas: BTreeMap::new(),
            externals: BTreeMap::new(),
            own_seq: BTreeMap::new(),
            routes: Vec::new(),
            routes_changed: false,
            spf_at: None,
            last_spf: None,
            aging_at: now + AGING_INTERVAL,
            has_default: false,
            started: now,
            out: Vec::new(),
            events: Vec::new(),
            next_deadline: None,
        }
    }

    /// The routes the last SPF found.
    pub fn routes(&self) -> &[OspfRoute] {
        &self.routes
    }

    /// When SPF last ran (`None` before the first run since the process started).
    pub fn last_spf(&self) -> Option<Time> {
        self.last_spf
    }

    /// The router ID IOS would choose now: configured, else the highest
    /// address of an up loopback, else the highest of any up interface.
    fn choose_router_id(&self, links: &[Link]) -> Option<Ipv4Addr> {
        if let Some(id) = self.config.router_id {
            return Some(id);
        }
        let highest = |kind: Option<LinkKind>| {
            links
                .iter()
                .filter(|l| l.up && kind.is_none_or(|k| l.kind == k))
                .filter_map(|l| l.addr.map(|(a, _)| a))
                .max()
        };
        highest(Some(LinkKind::Loopback)).or_else(|| highest(None))
    }

    /// Take the configuration and the interfaces as they are now. Returns
    /// whether a configured router ID waits for `clear ip ospf process`.
    pub fn configure(&mut self, now: Time, config: &OspfProcess, links: &[Link], has_default: bool) -> bool {
        self.config = config.clone();
        self.has_default = has_default;
        let mut rid_pending = false;
        match self.router_id {
            None => self.router_id = self.choose_router_id(links),
            Some(id) => rid_pending = config.router_id.is_some_and(|c| c != id),
        }
        if self.router_id.is_none() {
            self.update_deadline();
            return rid_pending;
        }
        let reference = config.reference_bandwidth.unwrap_or(DEFAULT_REFERENCE_MBPS);
        // Which interfaces run OSPF, in which area.
        let mut wanted: Vec<(Link, u32, Area, bool)> = Vec::new();
        for l in links {
            let Some((addr, _)) = l.addr else { continue };
            let by_iface = l.settings.process_area.filter(|(pid, _)| *pid == self.pid).map(|(_, a)| a);
            let area = by_iface.or_else(|| config.area_of(addr));
            if let Some(area) = area {
                wanted.push((l.clone(), area.id(), area, by_iface.is_some()));
            }
        }
        // Interfaces that left, or changed area or address, go down first.
        let mut i = 0;
        while i < self.ifaces.len() {
            let keep = wanted.iter().any(|(l, area, _, _)| {
                l.iface == self.ifaces[i].link.iface
                    && *area == self.ifaces[i].area
                    && l.addr == self.ifaces[i].link.addr
            });
            if keep {
                i += 1;
            } else {
                self.iface_down(now, i, "Interface down or detached");
                self.ifaces.remove(i);
            }
        }
        for (link, area, as_written, by_iface) in wanted {
            self.areas.entry(area).or_default();
            let kind = match link.kind {
                LinkKind::Broadcast if link.settings.point_to_point => LinkKind::PointToPoint,
                k => k,
            };
            let passive = config.is_passive(&link.name);
            let cost =
                link.settings.cost.map_or_else(|| cost_of(link.bandwidth_kbps, reference), |c| c.min(65535) as u16);
            let hello = link.settings.hello.unwrap_or(HELLO_INTERVAL);
            // Changing only the hello interval makes the dead interval four times it, as on IOS.
            let dead =
                link.settings.dead.unwrap_or(if link.settings.hello.is_some() { 4 * hello } else { DEAD_INTERVAL });
            let priority = link.settings.priority.unwrap_or(1);
            let at = match self.ifaces.iter().position(|f| f.link.iface == link.iface) {
                Some(at) => at,
                None => {
                    self.ifaces.push(Iface {
                        link: link.clone(),
                        area,
                        area_as_written: as_written,
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
                        by_interface_command: by_iface,
                    });
                    self.ifaces.sort_by_key(|f| f.link.iface);
                    self.ifaces.iter().position(|f| f.link.iface == link.iface).expect("just added")
                }
            };
            let f = &mut self.ifaces[at];
            let timers_changed = f.hello != hello || f.dead != dead || f.kind != kind || f.passive != passive;
            f.link = link.clone();
            f.area_as_written = as_written;
            f.by_interface_command = by_iface;
            f.cost = cost;
            f.priority = priority;
            if timers_changed && f.state != IfaceState::Down {
                f.hello = hello;
                f.dead = dead;
                f.kind = kind;
                f.passive = passive;
                self.iface_down(now, at, "Interface down or detached");
            }
            let f = &mut self.ifaces[at];
            f.hello = hello;
            f.dead = dead;
            f.kind = kind;
            f.passive = passive;
            if link.up && f.state == IfaceState::Down {
                self.iface_up(now, at);
            } else if !link.up && f.state != IfaceState::Down {
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
        let names: Vec<usize> = (0..self.ifaces[at].neighbors.len()).collect();
        for n in names.into_iter().rev() {
            self.set_neighbor_state(now, at, n, NeighborState::Down, reason);
        }
        let f = &mut self.ifaces[at];
        f.neighbors.clear();
        f.state = IfaceState::Down;
        f.next_hello = None;
        f.wait_until = None;
        f.dr = Ipv4Addr::UNSPECIFIED;
        f.bdr = Ipv4Addr::UNSPECIFIED;
        self.schedule_spf(now);
    }

    /// `clear ip ospf process`: every adjacency drops, a new router ID is
    /// chosen, and the process starts again.
    /// Has the process heard any neighbour (in any state)?
    pub fn has_neighbors(&self) -> bool {
        self.ifaces.iter().any(|f| !f.neighbors.is_empty())
    }

    pub fn clear(&mut self, now: Time, links: &[Link]) {
        for at in 0..self.ifaces.len() {
            if self.ifaces[at].state != IfaceState::Down {
                self.iface_down(now, at, "Interface down or detached");
            }
        }
        self.ifaces.clear();
        self.areas.clear();
        self.externals.clear();
        self.routes.clear();
        self.routes_changed = true;
        self.router_id = None;
        self.spf_at = None;
        self.last_spf = None;
        self.started = now;
        let config = self.config.clone();
        let has_default = self.has_default;
        self.configure(now, &config, links, has_default);
    }

    // ----- time -----

    /// When the process next needs time.
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
        consider(Some(self.aging_at).filter(|_| self.router_id.is_some()));
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

    /// Do what is due: hellos, dead neighbours, the wait timer, retransmissions, SPF, aging.
    pub fn poll(&mut self, now: Time) {
        for at in 0..self.ifaces.len() {
            if self.ifaces[at].next_hello.is_some_and(|t| t <= now) {
                self.send_hello(now, at);
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
                    self.ifaces[at].neighbors.remove(n);
                    if self.ifaces[at].kind == LinkKind::Broadcast && self.ifaces[at].state != IfaceState::Waiting {
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

    fn send(&mut self, iface: usize, dst: Ipv4Addr, area: u32, body: Body) {
        let Some(rid) = self.router_id else { return };
        let packet = Packet { router_id: rid, area: Ipv4Addr::from(area), body }.emit();
        self.out.push(Outgoing { iface: self.ifaces[iface].link.iface, dst, packet });
    }

    fn send_hello(&mut self, _now: Time, at: usize) {
        let f = &self.ifaces[at];
        if f.passive || f.state == IfaceState::Down || f.kind == LinkKind::Loopback {
            return;
        }
        let hello = Hello {
            mask: if f.kind == LinkKind::PointToPoint { Ipv4Addr::UNSPECIFIED } else { mask_of(f.prefix_len()) },
            hello_interval: f.hello as u16,
            options: packet::OPTION_E,
            priority: f.priority,
            dead_interval: f.dead,
            dr: f.dr,
            bdr: f.bdr,
            neighbors: f.neighbors.iter().filter(|n| n.state >= NeighborState::Init).map(|n| n.router_id).collect(),
        };
        let area = f.area;
        self.send(at, ALL_SPF_ROUTERS, area, Body::Hello(hello));
    }

    // ----- receiving -----

    /// A packet for OSPF arrived on the IP interface `iface` from `src`.
    pub fn receive(&mut self, now: Time, iface: usize, src: Ipv4Addr, dst: Ipv4Addr, bytes: &[u8]) {
        self.handle(now, iface, src, dst, bytes);
        self.update_deadline();
    }

    fn handle(&mut self, now: Time, iface: usize, src: Ipv4Addr, dst: Ipv4Addr, bytes: &[u8]) {
        let Some(at) = self.ifaces.iter().position(|f| f.link.iface == iface) else { return };
        let Ok(p) = Packet::parse(bytes) else { return };
        let f = &self.ifaces[at];
        if f.passive || f.state == IfaceState::Down {
            return;
        }
        // To AllDRouters only the DR and BDR listen.
        if dst == ALL_D_ROUTERS && !f.is_dr_or_bdr() {
            return;
        }
        if ip_u32(p.area) != f.area {
            if f.area != 0 && p.area == Ipv4Addr::UNSPECIFIED {
                self.events.push(Event::AreaMismatch { from: src, iface: f.link.name.clone() });
            }
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
        // On a broadcast network the source must be on the interface's subnet.
        if f.kind == LinkKind::Broadcast && network(src, f.prefix_len()) != network(f.addr(), f.prefix_len()) {
            return;
        }
        match p.body {
            Body::Hello(h) => self.hello(now, at, src, p.router_id, h),
            body => {
                let Some(n) = self.ifaces[at].neighbors.iter().position(|n| n.router_id == p.router_id) else { return };
                match body {
                    Body::DatabaseDescription(d) => self.database_description(now, at, n, d),
                    Body::Request(keys) => self.request(now, at, n, keys),
                    Body::Update(lsas) => self.update(now, at, n, lsas),
                    Body::Ack(headers) => self.ack(at, n, headers),
                    Body::Hello(_) => {}
                }
            }
        }
    }

    fn hello(&mut self, now: Time, at: usize, src: Ipv4Addr, rid: Ipv4Addr, h: Hello) {
        let f = &self.ifaces[at];
        // Hello and dead intervals, and the mask on a broadcast network, must
        // match, or the hello is ignored (silently, as on IOS).
        if u32::from(h.hello_interval) != f.hello || h.dead_interval != f.dead {
            return;
        }
        if f.kind == LinkKind::Broadcast && h.mask != mask_of(f.prefix_len()) {
            return;
        }
        let me = self.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let dead = Duration::from_secs(u64::from(f.dead));
        let n = match self.ifaces[at].neighbors.iter().position(|n| n.router_id == rid) {
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
            nb.priority = h.priority;
            nb.dr = h.dr;
            nb.bdr = h.bdr;
            nb.dead_at = now + dead;
            old
        };
        if self.ifaces[at].neighbors[n].state == NeighborState::Down {
            self.set_neighbor_state(now, at, n, NeighborState::Init, "Received Hello");
            // A new neighbour hears from us at once ("Send immediate hello", as IOS
            // debugs it), so two-way is known without waiting a hello interval.
            if !h.neighbors.contains(&me) {
                self.send_hello(now, at);
            }
        }
        if h.neighbors.contains(&me) {
            if self.ifaces[at].neighbors[n].state == NeighborState::Init {
                self.set_neighbor_state(now, at, n, NeighborState::TwoWay, "2-Way Received");
                self.adjacency_ok(now, at, n);
            }
        } else if self.ifaces[at].neighbors[n].state >= NeighborState::TwoWay {
            self.set_neighbor_state(now, at, n, NeighborState::Init, "1-Way");
            // Losing two-way with a neighbour is a NeighborChange (RFC 2328,
            // 9.2): the election runs again, or a restarted DR stays elected
            // in the others' eyes while it elects someone else.
            let f = &self.ifaces[at];
            if f.kind == LinkKind::Broadcast && f.state != IfaceState::Waiting {
                self.elect(now, at);
            }
            return;
        }
        if self.ifaces[at].kind != LinkKind::Broadcast {
            return;
        }
        let f = &self.ifaces[at];
        if f.state == IfaceState::Waiting {
            let backup_seen = (h.bdr == src) || (h.dr == src && h.bdr == Ipv4Addr::UNSPECIFIED);
            if backup_seen && self.ifaces[at].neighbors[n].state >= NeighborState::TwoWay {
                self.ifaces[at].wait_until = None;
                self.elect(now, at);
            }
        } else {
            let declared_changed =
                old_priority != h.priority || (old_dr == src) != (h.dr == src) || (old_bdr == src) != (h.bdr == src);
            if declared_changed && self.ifaces[at].neighbors[n].state >= NeighborState::TwoWay {
                self.elect(now, at);
            }
        }
    }

    /// Start (or stop) forming an adjacency with a neighbour in 2-Way.
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

    /// ExStart: claim to be master with an initial empty description.
    fn start_exchange(&mut self, now: Time, at: usize, n: usize) {
        let me = self.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let seq = (hash_name(now.nanos(), &format!("{me}{}", self.ifaces[at].neighbors[n].router_id)) as u32) | 1;
        {
            let nb = &mut self.ifaces[at].neighbors[n];
            nb.reset_exchange();
            nb.master = true;
            nb.dd_seq = seq;
        }
        self.set_neighbor_state(now, at, n, NeighborState::ExStart, "AdjOK?");
        self.send_dbd(now, at, n, packet::FLAG_INIT | packet::FLAG_MORE | packet::FLAG_MASTER, Vec::new());
    }

    fn send_dbd(&mut self, now: Time, at: usize, n: usize, flags: u8, headers: Vec<LsaHeader>) {
        let f = &self.ifaces[at];
        let nb = &f.neighbors[n];
        let body = Body::DatabaseDescription(DatabaseDescription {
            mtu: f.link.mtu,
            options: packet::OPTION_E,
            flags,
            sequence: nb.dd_seq,
            headers,
        });
        let (dst, area) = (nb.addr, f.area);
        let Some(rid) = self.router_id else { return };
        let bytes = Packet { router_id: rid, area: Ipv4Addr::from(area), body }.emit();
        let nb = &mut self.ifaces[at].neighbors[n];
        nb.last_sent = Some(bytes.clone());
        nb.sent_more = flags & packet::FLAG_MORE != 0;
        // Only the master retransmits; the slave answers repeats.
        nb.rxmt_at = nb.master.then_some(now + RETRANSMIT_INTERVAL);
        let iface = self.ifaces[at].link.iface;
        self.out.push(Outgoing { iface, dst, packet: bytes });
    }

    /// The next batch of headers to describe: as many as fit a 1500-byte packet.
    fn next_headers(&mut self, at: usize, n: usize) -> (Vec<LsaHeader>, bool) {
        let per_packet = (usize::from(self.ifaces[at].link.mtu) - 20 - packet::field::HEADER_LEN - 8) / lsa::HEADER_LEN;
        let nb = &mut self.ifaces[at].neighbors[n];
        let take = nb.summary.len().min(per_packet);
        let batch: Vec<LsaHeader> = nb.summary.drain(..take).collect();
        let more = !nb.summary.is_empty();
        (batch, more)
    }

    /// Every LSA header of the interface's area and the AS-external ones.
    fn database_summary(&self, now: Time, area: u32) -> VecDeque<LsaHeader> {
        let db = self.areas.get(&area);
        db.into_iter().flat_map(|d| d.lsdb.values()).chain(self.externals.values()).map(|s| s.header(now)).collect()
    }

    fn database_description(&mut self, now: Time, at: usize, n: usize, d: DatabaseDescription) {
        let me = self.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let mtu = self.ifaces[at].link.mtu;
        // A neighbour whose MTU is larger than ours is refused (stuck in EXSTART, as on IOS).
        if d.mtu > mtu {
            return;
        }
        let state = self.ifaces[at].neighbors[n].state;
        let rid = self.ifaces[at].neighbors[n].router_id;
        let init = d.flags & packet::FLAG_INIT != 0;
        let master_flag = d.flags & packet::FLAG_MASTER != 0;
        match state {
            NeighborState::Down | NeighborState::Init => {}
            NeighborState::TwoWay => {}
            NeighborState::ExStart => {
                let area = self.ifaces[at].area;
                if init && master_flag && d.headers.is_empty() && ip_u32(rid) > ip_u32(me) {
                    // It is master: follow its sequence number.
                    let summary = self.database_summary(now, area);
                    let nb = &mut self.ifaces[at].neighbors[n];
                    nb.master = false;
                    nb.dd_seq = d.sequence;
                    nb.summary = summary;
                    nb.last_dbd = Some((d.flags, d.sequence));
                    nb.peer_more = d.flags & packet::FLAG_MORE != 0;
                    self.set_neighbor_state(now, at, n, NeighborState::Exchange, "Negotiation Done");
                    let (batch, more) = self.next_headers(at, n);
                    let flags = if more { packet::FLAG_MORE } else { 0 };
                    self.send_dbd(now, at, n, flags, batch);
                } else if !init
                    && !master_flag
                    && d.sequence == self.ifaces[at].neighbors[n].dd_seq
                    && ip_u32(rid) < ip_u32(me)
                {
                    // We are master and it agreed.
                    let summary = self.database_summary(now, area);
                    self.ifaces[at].neighbors[n].summary = summary;
                    self.set_neighbor_state(now, at, n, NeighborState::Exchange, "Negotiation Done");
                    self.master_step(now, at, n, d);
                }
            }
            NeighborState::Exchange => {
                let nb = &self.ifaces[at].neighbors[n];
                if init || master_flag == nb.master {
                    // SeqNumberMismatch: start again.
                    self.start_exchange(now, at, n);
                    return;
                }
                if nb.master {
                    if d.sequence == nb.dd_seq {
                        self.master_step(now, at, n, d);
                    }
                } else if nb.last_dbd.is_some_and(|(_, s)| s == d.sequence) {
                    // A repeat: answer with what we sent.
                    if let Some(bytes) = nb.last_sent.clone() {
                        let (iface, dst) = (self.ifaces[at].link.iface, nb.addr);
                        self.out.push(Outgoing { iface, dst, packet: bytes });
                    }
                } else if d.sequence == nb.dd_seq.wrapping_add(1) {
                    self.slave_step(now, at, n, d);
                } else {
                    self.start_exchange(now, at, n);
                }
            }
            NeighborState::Loading | NeighborState::Full => {
                // A repeat of the last description is answered; anything new restarts.
                let nb = &self.ifaces[at].neighbors[n];
                let repeat = nb.last_dbd.is_some_and(|(f, s)| s == d.sequence && f == d.flags);
                if repeat {
                    if !nb.master {
                        if let Some(bytes) = nb.last_sent.clone() {
                            let (iface, dst) = (self.ifaces[at].link.iface, nb.addr);
                            self.out.push(Outgoing { iface, dst, packet: bytes });
                        }
                    }
                } else {
                    self.start_exchange(now, at, n);
                }
            }
        }
    }

    /// Note the headers a description lists: request what is newer than ours.
    fn note_headers(&mut self, now: Time, at: usize, n: usize, headers: &[LsaHeader]) {
        let area = self.ifaces[at].area;
        for h in headers {
            let ours = self.lookup(area, &h.key).map(|s| s.header(now));
            let wanted = ours.is_none_or(|o| h.newer_than(&o) == std::cmp::Ordering::Greater);
            if wanted
                && matches!(h.key.kind, lsa::ROUTER | lsa::NETWORK | lsa::SUMMARY | lsa::ASBR_SUMMARY | lsa::EXTERNAL)
            {
                self.ifaces[at].neighbors[n].requests.insert(h.key, *h);
            }
        }
    }

    fn master_step(&mut self, now: Time, at: usize, n: usize, d: DatabaseDescription) {
        self.note_headers(now, at, n, &d.headers);
        let nb = &mut self.ifaces[at].neighbors[n];
        nb.last_dbd = Some((d.flags, d.sequence));
        nb.peer_more = d.flags & packet::FLAG_MORE != 0;
        // Done when neither side has more to describe.
        if !nb.sent_more && !nb.peer_more {
            nb.rxmt_at = None;
            self.exchange_done(now, at, n);
            return;
        }
        nb.dd_seq = nb.dd_seq.wrapping_add(1);
        let (batch, more) = self.next_headers(at, n);
        let flags = packet::FLAG_MASTER | if more { packet::FLAG_MORE } else { 0 };
        self.send_dbd(now, at, n, flags, batch);
    }

    fn slave_step(&mut self, now: Time, at: usize, n: usize, d: DatabaseDescription) {
        self.note_headers(now, at, n, &d.headers);
        {
            let nb = &mut self.ifaces[at].neighbors[n];
            nb.dd_seq = d.sequence;
            nb.last_dbd = Some((d.flags, d.sequence));
            nb.peer_more = d.flags & packet::FLAG_MORE != 0;
        }
        let (batch, more) = self.next_headers(at, n);
        let flags = if more { packet::FLAG_MORE } else { 0 };
        self.send_dbd(now, at, n, flags, batch);
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
        let (dst, area) = (nb.addr, self.ifaces[at].area);
        self.send(at, dst, area, Body::Request(keys));
    }

    fn request(&mut self, now: Time, at: usize, n: usize, keys: Vec<LsaKey>) {
        if self.ifaces[at].neighbors[n].state < NeighborState::Exchange {
            return;
        }
        let area = self.ifaces[at].area;
        let lsas: Vec<Vec<u8>> = keys.iter().filter_map(|k| self.lookup(area, k)).map(|s| s.bytes_now(now)).collect();
        if lsas.is_empty() {
            return;
        }
        let dst = self.ifaces[at].neighbors[n].addr;
        self.send(at, dst, area, Body::Update(lsas));
    }

    fn lookup(&self, area: u32, key: &LsaKey) -> Option<&Stored> {
        if key.kind == lsa::EXTERNAL {
            self.externals.get(key)
        } else {
            self.areas.get(&area)?.lsdb.get(key)
        }
    }

    fn is_own(&self, key: &LsaKey) -> bool {
        Some(key.adv) == self.router_id
            || key.kind == lsa::NETWORK && self.ifaces.iter().any(|f| f.link.addr.is_some_and(|(a, _)| a == key.id))
    }

    fn update(&mut self, now: Time, at: usize, n: usize, lsas: Vec<Vec<u8>>) {
        if self.ifaces[at].neighbors[n].state < NeighborState::Exchange {
            return;
        }
        let area = self.ifaces[at].area;
        let mut acks = Vec::new();
        let mut changed = false;
        for bytes in lsas {
            if !lsa::checksum_ok(&bytes) {
                continue;
            }
            let Some(received) = Stored::new(bytes, now) else { continue };
            let key = received.lsa.header.key;
            let theirs = received.lsa.header;
            let ours = self.lookup(area, &key).map(|s| s.header(now));
            let order = ours.map_or(std::cmp::Ordering::Greater, |o| theirs.newer_than(&o));
            self.ifaces[at].neighbors[n].requests.remove(&key);
            match order {
                std::cmp::Ordering::Greater => {
                    if self.is_own(&key) {
                        // An old copy of our own LSA: outdate it with a newer
                        // instance, or flush it if we no longer originate it.
                        let seq = self.own_seq.entry(key).or_insert(theirs.sequence);
                        *seq = (*seq).max(theirs.sequence);
                        acks.push(theirs);
                        if self.lookup(area, &key).is_some() {
                            self.reoriginate(now, key);
                        } else {
                            self.install(area, received, now);
                            self.flush(now, area, key);
                        }
                        continue;
                    }
                    self.install(area, received, now);
                    self.flood(now, area, key, Some((at, n)));
                    acks.push(theirs);
                    changed = true;
                }
                std::cmp::Ordering::Equal => {
                    // An implied acknowledgment, or a duplicate to acknowledge.
                    if self.ifaces[at].neighbors[n].retransmit.remove(&key).is_none() {
                        acks.push(theirs);
                    }
                }
                std::cmp::Ordering::Less => {
                    // We have a newer one: send it back.
                    if let Some(s) = self.lookup(area, &key) {
                        let bytes = s.bytes_now(now);
                        let dst = self.ifaces[at].neighbors[n].addr;
                        self.send(at, dst, area, Body::Update(vec![bytes]));
                    }
                }
            }
        }
        if !acks.is_empty() {
            let dst = match self.ifaces[at].kind {
                LinkKind::Broadcast => self.ifaces[at].flood_address(),
                _ => ALL_SPF_ROUTERS,
            };
            self.send(at, dst, area, Body::Ack(acks));
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
                if let Some(bytes) = nb.last_sent.clone() {
                    let (iface, dst) = (self.ifaces[at].link.iface, nb.addr);
                    self.out.push(Outgoing { iface, dst, packet: bytes });
                }
                self.ifaces[at].neighbors[n].rxmt_at = Some(now + RETRANSMIT_INTERVAL);
            }
            NeighborState::Loading => {
                self.send_requests(now, at, n);
            }
            _ => {}
        }
        let nb = &self.ifaces[at].neighbors[n];
        if !nb.retransmit.is_empty() {
            let area = self.ifaces[at].area;
            let keys: Vec<LsaKey> = nb.retransmit.keys().copied().collect();
            let lsas: Vec<Vec<u8>> =
                keys.iter().filter_map(|k| self.lookup(area, k)).map(|s| s.bytes_now(now)).collect();
            let dst = nb.addr;
            if !lsas.is_empty() {
                self.send(at, dst, area, Body::Update(lsas));
            }
            self.ifaces[at].neighbors[n].rxmt_at = Some(now + RETRANSMIT_INTERVAL);
        } else if matches!(nb.state, NeighborState::Full | NeighborState::TwoWay | NeighborState::Init) {
            self.ifaces[at].neighbors[n].rxmt_at = None;
        }
    }

    // ----- the database -----

    fn install(&mut self, area: u32, stored: Stored, _now: Time) {
        let key = stored.lsa.header.key;
        if key.kind == lsa::EXTERNAL {
            self.externals.insert(key, stored);
        } else if let Some(db) = self.areas.get_mut(&area) {
            db.lsdb.insert(key, stored);
        }
    }

    /// Flood an LSA of `area` (all areas for an external) to every neighbour
    /// that should get it, except the one it came from.
    fn flood(&mut self, now: Time, area: u32, key: LsaKey, from: Option<(usize, usize)>) {
        let Some(bytes) = self.lookup(area, &key).map(|s| s.bytes_now(now)) else { return };
        let header = LsaHeader::parse(&bytes).expect("stored LSAs parse");
        for at in 0..self.ifaces.len() {
            let f = &self.ifaces[at];
            if key.kind != lsa::EXTERNAL && f.area != area {
                continue;
            }
            if f.state == IfaceState::Down || f.passive || f.kind == LinkKind::Loopback {
                continue;
            }
            let mut added = false;
            for n in 0..self.ifaces[at].neighbors.len() {
                let nb = &mut self.ifaces[at].neighbors[n];
                if nb.state < NeighborState::Exchange || from == Some((at, n)) {
                    continue;
                }
                nb.retransmit.insert(key, header);
                nb.rxmt_at.get_or_insert(now + RETRANSMIT_INTERVAL);
                added = true;
            }
            if !added {
                continue;
            }
            if let Some((from_at, from_n)) = from {
                if from_at == at {
                    let f = &self.ifaces[at];
                    let sender = f.neighbors[from_n].addr;
                    // On the network it came from, only the DR floods it back.
                    if sender == f.dr || sender == f.bdr || f.state == IfaceState::Backup {
                        continue;
                    }
                    if f.kind == LinkKind::PointToPoint {
                        continue;
                    }
                }
            }
            let dst = self.ifaces[at].flood_address();
            let area_of_iface = self.ifaces[at].area;
            self.send(at, dst, area_of_iface, Body::Update(vec![bytes.clone()]));
        }
    }

    /// Install and flood a new instance of one of our LSAs.
    fn originate(&mut self, now: Time, area: u32, header_key: LsaKey, body: LsaBody) {
        let current = self.lookup(area, &header_key).filter(|s| s.lsa.header.age < lsa::MAX_AGE);
        if current.is_some_and(|s| s.lsa.body == body) {
            return;
        }
        let seq = self
            .own_seq
            .get(&header_key)
            .map_or(lsa::INITIAL_SEQUENCE, |s| s.wrapping_add(1).max(lsa::INITIAL_SEQUENCE));
        self.own_seq.insert(header_key, seq);
        let l = Lsa {
            header: LsaHeader { age: 0, options: 0x22, key: header_key, sequence: seq, checksum: 0, length: 0 },
            body,
        };
        let Some(stored) = Stored::new(l.emit(), now) else { return };
        self.install(area, stored, now);
        self.flood(now, area, header_key, None);
        self.schedule_spf(now);
    }

    /// Flush one of our LSAs: flood it at MaxAge.
    fn flush(&mut self, now: Time, area: u32, key: LsaKey) {
        let Some(s) = self.lookup(area, &key) else { return };
        if s.lsa.header.age >= lsa::MAX_AGE {
            return;
        }
        let mut bytes = s.bytes.clone();
        bytes[lsa::field::AGE].copy_from_slice(&lsa::MAX_AGE.to_be_bytes());
        let Some(stored) = Stored::new(bytes, now) else { return };
        self.install(area, stored, now);
        self.flood(now, area, key, None);
        self.schedule_spf(now);
    }

    /// Re-originate whichever of our LSAs `key` is (after meeting an old copy of it).
    fn reoriginate(&mut self, now: Time, key: LsaKey) {
        for area in self.areas.keys().copied().collect::<Vec<_>>() {
            if let Some(s) = self.lookup(area, &key) {
                let body = s.lsa.body.clone();
                // Force a new instance even if the body is the same.
                if let Some(db) = self.areas.get_mut(&area) {
                    db.lsdb.remove(&key);
                }
                if key.kind == lsa::EXTERNAL {
                    self.externals.remove(&key);
                }
                self.originate(now, area, key, body);
                return;
            }
        }
        self.originate_all(now);
    }

    /// Our router-LSA of each area, and network-LSAs where we are DR.
    fn originate_all(&mut self, now: Time) {
        let Some(rid) = self.router_id else { return };
        let abr = self.is_abr();
        let asbr = self.originates_default();
        for area in self.areas.keys().copied().collect::<Vec<_>>() {
            let mut links = Vec::new();
            for f in self.ifaces.iter().filter(|f| f.area == area && f.state != IfaceState::Down) {
                let (addr, len) = f.link.addr.unwrap_or((Ipv4Addr::UNSPECIFIED, 0));
                let stub = |len: u8| RouterLink {
                    kind: lsa::LINK_STUB,
                    id: network(addr, len),
                    data: mask_of(len),
                    metric: f.cost,
                };
                match f.kind {
                    LinkKind::Loopback => {
                        links.push(RouterLink { kind: lsa::LINK_STUB, id: addr, data: Ipv4Addr::BROADCAST, metric: 1 })
                    }
                    LinkKind::PointToPoint => {
                        for nb in f.neighbors.iter().filter(|n| n.state == NeighborState::Full) {
                            links.push(RouterLink {
                                kind: lsa::LINK_P2P,
                                id: nb.router_id,
                                data: addr,
                                metric: f.cost,
                            });
                        }
                        links.push(stub(len));
                    }
                    LinkKind::Broadcast => {
                        let dr_full = f.state == IfaceState::Dr
                            && f.neighbors.iter().any(|n| n.state == NeighborState::Full)
                            || f.neighbors.iter().any(|n| n.addr == f.dr && n.state == NeighborState::Full);
                        if dr_full && f.state != IfaceState::Waiting && f.dr != Ipv4Addr::UNSPECIFIED {
                            links.push(RouterLink { kind: lsa::LINK_TRANSIT, id: f.dr, data: addr, metric: f.cost });
                        } else {
                            links.push(stub(len));
                        }
                    }
                }
            }
            let flags = if abr { lsa::FLAG_B } else { 0 } | if asbr { lsa::FLAG_E } else { 0 };
            self.originate(
                now,
                area,
                LsaKey { kind: lsa::ROUTER, id: rid, adv: rid },
                LsaBody::Router { flags, links },
            );
            // Network-LSAs of the networks we are DR on.
            for at in 0..self.ifaces.len() {
                let f = &self.ifaces[at];
                if f.area != area || f.kind != LinkKind::Broadcast {
                    continue;
                }
                let key = LsaKey { kind: lsa::NETWORK, id: f.addr(), adv: rid };
                let full: Vec<Ipv4Addr> =
                    f.neighbors.iter().filter(|n| n.state == NeighborState::Full).map(|n| n.router_id).collect();
                if f.state == IfaceState::Dr && !full.is_empty() {
                    let mut routers = vec![rid];
                    routers.extend(full);
                    let mask = mask_of(f.prefix_len());
                    self.originate(now, area, key, LsaBody::Network { mask, routers });
                } else {
                    self.flush(now, area, key);
                }
            }
        }
        // The default route of `default-information originate`.
        let key = LsaKey { kind: lsa::EXTERNAL, id: Ipv4Addr::UNSPECIFIED, adv: rid };
        let any_area = self.areas.keys().next().copied();
        if let Some(area) = any_area {
            if asbr {
                let body = LsaBody::External {
                    mask: Ipv4Addr::UNSPECIFIED,
                    type2: true,
                    metric: 1,
                    forward: Ipv4Addr::UNSPECIFIED,
                    tag: DEFAULT_ROUTE_TAG,
                };
                self.originate(now, area, key, body);
            } else {
                self.flush(now, area, key);
            }
        }
    }

    /// A border router, as IOS counts one (RFC 3509): interfaces up in more
    /// than one area, one of them the backbone. A router in several areas
    /// without the backbone summarises nothing between them.
    pub fn is_abr(&self) -> bool {
        let mut areas: Vec<u32> = self.ifaces.iter().filter(|f| f.state != IfaceState::Down).map(|f| f.area).collect();
        areas.sort_unstable();
        areas.dedup();
        areas.len() > 1 && areas.contains(&0)
    }

    /// An AS boundary router: it originates the default route.
    pub fn originates_default(&self) -> bool {
        match self.config.default_originate {
            Some(true) => true,
            Some(false) => self.has_default,
            None => false,
        }
    }

    /// Age the database: refresh our LSAs at 30 minutes, drop others' at MaxAge.
    fn age(&mut self, now: Time) {
        let mut refresh = Vec::new();
        for (area, db) in &mut self.areas {
            db.lsdb.retain(|k, s| s.age(now) < lsa::MAX_AGE || Some(k.adv) == self.router_id);
            for (k, s) in &db.lsdb {
                if Some(k.adv) == self.router_id && s.age(now) >= lsa::REFRESH_TIME && s.lsa.header.age < lsa::MAX_AGE {
                    refresh.push((*area, *k));
                }
            }
        }
        self.externals.retain(|k, s| s.age(now) < lsa::MAX_AGE || Some(k.adv) == self.router_id);
        for (_, key) in refresh {
            self.reoriginate(now, key);
        }
    }

    // ----- DR election (RFC 2328, 9.4) -----

    fn elect(&mut self, now: Time, at: usize) {
        let f = &self.ifaces[at];
        if f.kind != LinkKind::Broadcast || f.state == IfaceState::Down {
            return;
        }
        let me = self.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        let my_addr = f.addr();
        let others: Vec<Candidate<Ipv4Addr>> = f
            .neighbors
            .iter()
            .filter(|n| n.state >= NeighborState::TwoWay)
            .map(|n| Candidate { id: n.addr, router_id: n.router_id, priority: n.priority, dr: n.dr, bdr: n.bdr })
            .collect();
        let (old_dr, old_bdr) = (f.dr, f.bdr);
        let mine = Candidate { id: my_addr, router_id: me, priority: f.priority, dr: f.dr, bdr: f.bdr };
        let (dr, bdr) = elect(&others, mine, Ipv4Addr::UNSPECIFIED);
        let f = &mut self.ifaces[at];
        f.dr = dr;
        f.bdr = bdr;
        f.state = if dr == my_addr {
            IfaceState::Dr
        } else if bdr == my_addr {
            IfaceState::Backup
        } else {
            IfaceState::DrOther
        };
        // Adjacencies follow the new DR and BDR.
        for n in 0..self.ifaces[at].neighbors.len() {
            if self.ifaces[at].neighbors[n].state >= NeighborState::TwoWay {
                self.adjacency_ok(now, at, n);
            }
        }
        if (dr, bdr) != (old_dr, old_bdr) {
            // Tell the network at once.
            self.send_hello(now, at);
            self.originate_all(now);
        }
    }

    // ----- neighbour states -----

    fn set_neighbor_state(&mut self, now: Time, at: usize, n: usize, to: NeighborState, reason: &'static str) {
        let f = &mut self.ifaces[at];
        let nb = &mut f.neighbors[n];
        let from = nb.state;
        if from == to {
            return;
        }
        nb.state = to;
        nb.since = now;
        nb.state_changes += 1;
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
        // IOS logs adjacencies reaching FULL and falling to DOWN.
        if to == NeighborState::Full || (to == NeighborState::Down && from >= NeighborState::TwoWay) {
            self.events.push(Event::Adjacency { neighbor: nb.router_id, iface: f.link.name.clone(), from, to, reason });
        }
        let full_changed = from == NeighborState::Full || to == NeighborState::Full;
        if full_changed || (to == NeighborState::Down && from >= NeighborState::TwoWay) {
            self.originate_all(now);
        }
    }

    // ----- routes -----

    fn schedule_spf(&mut self, now: Time) {
        if self.spf_at.is_some() {
            return;
        }
        let earliest = self.last_spf.map_or(now + SPF_DELAY, |last| (now + SPF_DELAY).max(last + SPF_HOLD));
        self.spf_at = Some(earliest);
    }

    fn run_spf(&mut self, now: Time) {
        self.spf_at = None;
        self.last_spf = Some(now);
        let Some(me) = self.router_id else { return };
        let abr = self.is_abr();
        let mut intra: Vec<(u32, OspfRoute)> = Vec::new();
        let mut inter: Vec<OspfRoute> = Vec::new();
        let mut asbrs: BTreeMap<Ipv4Addr, (u32, Vec<NextHop>)> = BTreeMap::new();
        let mut trees: BTreeMap<u32, spf::AreaTree> = BTreeMap::new();
        for (area, db) in &mut self.areas {
            db.spf_runs += 1;
            let local: Vec<spf::LocalIface> = self
                .ifaces
                .iter()
                .filter(|f| f.area == *area && f.state != IfaceState::Down)
                .map(|f| spf::LocalIface {
                    iface: f.link.iface,
                    addr: f.addr(),
                    neighbors: f
                        .neighbors
                        .iter()
                        .filter(|n| n.state == NeighborState::Full)
                        .map(|n| (n.router_id, n.addr))
                        .collect(),
                })
                .collect();
            let lsdb: BTreeMap<LsaKey, Lsa> =
                db.lsdb.iter().map(|(k, s)| (*k, Lsa { header: s.header(now), ..s.lsa.clone() })).collect();
            let tree = spf::area_tree(&lsdb, me, &local);
            intra.extend(tree.routes.iter().cloned().map(|r| (*area, r)));
            // A border router takes inter-area routes from the backbone only.
            if !abr || *area == 0 {
                inter.extend(spf::inter_area(&lsdb, me, &tree));
            }
            for (asbr, v) in spf::boundary_routers(&lsdb, me, &tree) {
                let e = asbrs.entry(asbr).or_insert(v.clone());
                if v.0 < e.0 {
                    *e = v;
                }
            }
            trees.insert(*area, tree);
        }
        let externals: Vec<Lsa> =
            self.externals.values().map(|s| Lsa { header: s.header(now), ..s.lsa.clone() }).collect();
        let external_refs: Vec<&Lsa> = externals.iter().collect();
        let ext = spf::external(&external_refs, me, &asbrs);
        // One route per prefix: intra-area before inter-area before external.
        let mut best: BTreeMap<(Ipv4Addr, u8), OspfRoute> = BTreeMap::new();
        let connected: Vec<(Ipv4Addr, u8)> = self
            .ifaces
            .iter()
            .filter(|f| f.state != IfaceState::Down)
            .filter_map(|f| f.link.addr.map(|(a, l)| (network(a, l), l)))
            .collect();
        for r in intra.into_iter().map(|(_, r)| r).chain(inter).chain(ext) {
            if connected.contains(&(r.network, r.len)) {
                continue;
            }
            let key = (r.network, r.len);
            match best.get_mut(&key) {
                None => {
                    best.insert(key, r);
                }
                Some(b) if (r.kind, r.metric) < (b.kind, b.metric) => *b = r,
                Some(b) if (r.kind, r.metric) == (b.kind, b.metric) => {
                    for h in r.next_hops {
                        if !b.next_hops.contains(&h) && b.next_hops.len() < spf::MAX_PATHS {
                            b.next_hops.push(h);
                        }
                    }
                    b.next_hops.sort();
                }
                Some(_) => {}
            }
        }
        let routes: Vec<OspfRoute> = best.into_values().collect();
        if routes != self.routes {
            self.routes = routes;
            self.routes_changed = true;
        }
        self.summarize(now, &trees, abr);
    }

    /// As a border router: summary-LSAs of each area's networks into the
    /// others, of the backbone's inter-area routes into the rest, and
    /// ASBR-summaries of the boundary routers it reaches.
    /// A router that is not (or no longer) a border router flushes the summaries it made.
    fn summarize(&mut self, now: Time, trees: &BTreeMap<u32, spf::AreaTree>, abr: bool) {
        let Some(me) = self.router_id else { return };
        // (area it comes from, network, len, metric)
        let mut nets: Vec<(u32, Ipv4Addr, u8, u32)> = Vec::new();
        for (area, tree) in trees {
            for r in &tree.routes {
                nets.push((*area, r.network, r.len, r.metric));
            }
        }
        // Our own interfaces' networks belong to their areas.
        for f in self.ifaces.iter().filter(|f| f.state != IfaceState::Down) {
            if let Some((a, l)) = f.link.addr {
                let (net, len) = if f.kind == LinkKind::Loopback { (a, 32) } else { (network(a, l), l) };
                let cost = if f.kind == LinkKind::Loopback { 1 } else { u32::from(f.cost) };
                nets.push((f.area, net, len, cost));
            }
        }
        // Inter-area routes heard in the backbone go on into the other areas.
        let backbone_inter: Vec<(Ipv4Addr, u8, u32)> = self
            .routes
            .iter()
            .filter(|r| r.kind == RouteKind::InterArea)
            .map(|r| (r.network, r.len, r.metric))
            .collect();
        let asbrs: Vec<(u32, Ipv4Addr, u32)> = trees
            .iter()
            .flat_map(|(area, t)| t.boundary_routers.iter().map(move |(id, (c, _))| (*area, *id, *c)))
            .collect();
        for target in self.areas.keys().copied().collect::<Vec<_>>() {
            let mut wanted: BTreeMap<LsaKey, LsaBody> = BTreeMap::new();
            if !abr {
                nets.clear();
            }
            for &(from, net, len, metric) in &nets {
                if from == target {
                    continue;
                }
                let key = LsaKey { kind: lsa::SUMMARY, id: net, adv: me };
                let body = LsaBody::Summary { mask: mask_of(len), metric };
                match wanted.get(&key) {
                    Some(LsaBody::Summary { metric: m, .. }) if *m <= metric => {}
                    _ => {
                        wanted.insert(key, body);
                    }
                }
            }
            if target != 0 && abr {
                for &(net, len, metric) in &backbone_inter {
                    let key = LsaKey { kind: lsa::SUMMARY, id: net, adv: me };
                    wanted.entry(key).or_insert(LsaBody::Summary { mask: mask_of(len), metric });
                }
            }
            for &(from, asbr, cost) in &asbrs {
                if from != target && abr {
                    let key = LsaKey { kind: lsa::ASBR_SUMMARY, id: asbr, adv: me };
                    wanted.entry(key).or_insert(LsaBody::Summary { mask: Ipv4Addr::UNSPECIFIED, metric: cost });
                }
            }
            let existing: Vec<LsaKey> = self.areas[&target]
                .lsdb
                .keys()
                .filter(|k| k.adv == me && matches!(k.kind, lsa::SUMMARY | lsa::ASBR_SUMMARY))
                .copied()
                .collect();
            for key in existing {
                if !wanted.contains_key(&key) {
                    self.flush(now, target, key);
                }
            }
            for (key, body) in wanted {
                self.originate(now, target, key, body);
            }
        }
    }
}

#[cfg(test)]
mod tests;
