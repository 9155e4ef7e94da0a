//! The IPv6 endpoint, beside the IPv4 one ([`super::ip_stack`]) and sharing
//! its interface indices: addresses with their origin and DAD state, the
//! neighbour cache ([`super::ndp`]), router advertisements and SLAAC, the
//! routing table (connected, local, static, the default routers hosts learn
//! from advertisements, and routes the routing protocols hand in),
//! forwarding with hop-limit decrement, ICMPv6 echo and errors.
//!
//! A received packet is delivered when it is for one of the interface's
//! addresses or groups, else routed when the stack forwards (a router with
//! `ipv6 unicast-routing`); link-local destinations are never routed.
//! Like the IPv4 stack it never transmits by itself: frames go to
//! [`Ip6Stack::out`], applications' events to [`Ip6Stack::delivered`],
//! decisions to [`Ip6Stack::notes`] when the trace is on.
//!
//! Timers (DAD, solicitations, the neighbour cache, advertisements) are
//! reported by [`Ip6Stack::poll_at`] and run by [`Ip6Stack::poll`].

use std::net::Ipv6Addr;

use smoltcp::wire::{EthernetProtocol, Icmpv6Repr, IpProtocol, NdiscNeighborFlags, NdiscRepr};

use super::decision::{Decision, V6Step};
use super::ethernet::{self, Mac};
use super::hdlc;
use super::icmp::ErrorKind;
use super::icmpv6::{self, Advert};
use super::ip_stack::{Binding, Encap, SendError};
use super::ipv6::{self, Header, ALL_NODES, ALL_ROUTERS};
use super::ndp::{Action, NeighborCache, Resolution};
use super::udp;
use crate::base::IfaceName;
use crate::sim::{Duration, Time};

/// Advertisements sent quickly when a link comes up, and their spacing (RFC 4861 §6.2.4).
const INITIAL_ADVERTS: u8 = 3;
const INITIAL_ADVERT_INTERVAL: Duration = Duration::from_secs(16);
const MIN_DELAY_BETWEEN_RAS: Duration = Duration::from_secs(3);

/// Where an address came from (what `show ipv6 interface` and `ipconfig` say).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// FE80:: with the EUI-64 of the MAC, made when IPv6 starts on the interface.
    LinkLocal,
    /// `ipv6 address X link-local`.
    ManualLinkLocal,
    /// `ipv6 address X/N` (or `ipv6config X/N`).
    Manual,
    /// `ipv6 address X/64 eui-64`.
    Eui64,
    /// Built from a prefix a router advertised.
    Slaac,
    /// Leased from a DHCPv6 server.
    Dhcp,
}

/// Duplicate address detection.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum AddrState {
    /// Being checked until the time given; not used as a source yet.
    Tentative {
        until: Time,
    },
    Preferred,
    /// Another node answered for it: not used.
    Duplicate,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Addr6 {
    pub addr: Ipv6Addr,
    pub len: u8,
    pub origin: Origin,
    pub state: AddrState,
}

impl Addr6 {
    pub fn is_link_local(&self) -> bool {
        ipv6::is_link_local(self.addr)
    }

    pub fn usable(&self) -> bool {
        self.state == AddrState::Preferred
    }
}

/// What a router says in its advertisements on an interface (`ipv6 nd ...`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RaConfig {
    /// `ipv6 nd ra suppress`: no periodic advertisements (solicitations
    /// are still answered).
    pub suppress: bool,
    /// `ipv6 nd ra suppress all`: no advertisements at all.
    pub suppress_all: bool,
    /// `ipv6 nd managed-config-flag`: addresses from DHCPv6.
    pub managed: bool,
    /// `ipv6 nd other-config-flag`: other settings (DNS) from DHCPv6.
    pub other: bool,
    /// `ipv6 nd prefix default no-autoconfig`: the prefix is advertised
    /// without the A flag, so hosts build no address from it.
    pub no_autoconfig: bool,
    pub interval: Duration,
    pub lifetime_secs: u32,
}

impl Default for RaConfig {
    fn default() -> Self {
        RaConfig {
            suppress: false,
            suppress_all: false,
            managed: false,
            other: false,
            no_autoconfig: false,
            interval: Duration::from_secs(200),
            lifetime_secs: 1800,
        }
    }
}

/// A router a host heard advertise itself, with what it said.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultRouter {
    pub addr: Ipv6Addr,
    pub iface: usize,
    pub advert: Advert,
    /// When its router lifetime runs out unless it advertises again.
    pub expires: Time,
}

#[derive(Debug)]
pub struct Ip6Iface {
    pub name: IfaceName,
    pub encap: Encap,
    pub mac: Mac,
    /// Line protocol up; kept current by the owning device.
    pub up: bool,
    /// IPv6 runs here: an address is configured, or `ipv6 enable` (a
    /// link-local address then exists and NDP answers).
    pub enabled: bool,
    /// Addresses, the link-local first once IPv6 is on.
    pub addrs: Vec<Addr6>,
    /// Groups joined beyond the automatic ones (FF02::5 for OSPFv3 ...).
    pub groups: Vec<Ipv6Addr>,
    pub ra: RaConfig,
    /// Build an address from advertised prefixes (`ipv6 address autoconfig`,
    /// `ipv6config autoconfig`).
    pub autoconfig: bool,
    /// A router's `ipv6 address autoconfig default`: the advertising
    /// router also becomes its default route (hosts always take it).
    pub autoconfig_default: bool,
    /// What the last advertisement heard here said (M and O flags for DHCPv6).
    pub heard: Option<Advert>,
    /// The filters on packets coming in and going out.
    pub inbound: Option<Box<dyn Packet6Filter>>,
    pub outbound: Option<Box<dyn Packet6Filter>>,
    next_ra: Option<Time>,
    /// When the last advertisement left (solicited ones wait for 3 s after it).
    last_ra: Option<Time>,
    /// A solicitation waits for the next advertisement (sent even when
    /// periodic ones are suppressed).
    solicited: bool,
    /// Advertisements still to send at the quicker pace of a link that just
    /// came up (RFC 4861: the first three at most 16 seconds apart).
    initial_ras: u8,
    solicits_left: u8,
    next_solicit: Option<Time>,
}

impl Ip6Iface {
    /// The link-local address in use.
    pub fn link_local(&self) -> Option<Ipv6Addr> {
        self.addrs.iter().find(|a| a.is_link_local() && a.state != AddrState::Duplicate).map(|a| a.addr)
    }

    /// Global (and unique-local) addresses.
    pub fn globals(&self) -> impl Iterator<Item = &Addr6> {
        self.addrs.iter().filter(|a| !a.is_link_local())
    }

    /// Is `addr` one of this interface's own (tentative ones included)?
    pub fn owns(&self, addr: Ipv6Addr) -> bool {
        self.addrs.iter().any(|a| a.addr == addr && a.state != AddrState::Duplicate)
    }

    fn usable(&self, addr: Ipv6Addr) -> bool {
        self.addrs.iter().any(|a| a.addr == addr && a.usable())
    }

    /// The groups the interface listens to: all-nodes, all-routers on a
    /// router, each address's solicited-node group, and joined ones.
    pub fn listens(&self, group: Ipv6Addr, router: bool) -> bool {
        group == ALL_NODES
            || (router && group == ALL_ROUTERS)
            || self.groups.contains(&group)
            || self.addrs.iter().any(|a| ipv6::solicited_node(a.addr) == group)
    }

    /// Every group the interface has joined, in the order IOS lists them.
    pub fn joined(&self, router: bool) -> Vec<Ipv6Addr> {
        let mut groups = vec![ALL_NODES];
        if router {
            groups.push(ALL_ROUTERS);
        }
        groups.extend(&self.groups);
        for a in &self.addrs {
            let g = ipv6::solicited_node(a.addr);
            if !groups.contains(&g) {
                groups.push(g);
            }
        }
        groups.sort();
        groups.dedup();
        groups
    }

    /// The source for a packet to `dst` out of this interface: the
    /// link-local for link-local and multicast link-scope destinations,
    /// else a global on the destination's prefix, else any global.
    pub fn source_toward(&self, dst: Ipv6Addr) -> Option<Ipv6Addr> {
        let link_scope = ipv6::is_link_local(dst) || (dst.is_multicast() && dst.segments()[0] & 0x000f == 2);
        let usable = || self.addrs.iter().filter(|a| a.usable());
        if link_scope {
            return usable().find(|a| a.is_link_local()).map(|a| a.addr);
        }
        usable()
            .filter(|a| !a.is_link_local())
            .find(|a| ipv6::contains(a.addr, a.len, dst))
            .or_else(|| usable().find(|a| !a.is_link_local()))
            .or_else(|| usable().find(|a| a.is_link_local()))
            .map(|a| a.addr)
    }
}

/// A filter on an interface's way in or out (an `ipv6 access-list` applied
/// with `ipv6 traffic-filter`).
pub trait Packet6Filter: Send + Sync + std::fmt::Debug {
    fn admits(&mut self, now: Time, packet: &super::ipv6::PacketInfo6) -> bool;
}

/// Where a route's packets go.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop6 {
    pub iface: usize,
    pub next_hop: Option<Ipv6Addr>,
}

/// Where a route came from, as `show ipv6 route` codes it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source6 {
    Connected,
    Local,
    Static,
    /// A default router heard in advertisements (`ND`).
    Nd,
    /// A routing protocol's route, with its code (`O`, `OI` ...).
    Dynamic(&'static str),
}

impl Source6 {
    pub fn code(self) -> &'static str {
        match self {
            Source6::Connected => "C",
            Source6::Local => "L",
            Source6::Static => "S",
            Source6::Nd => "ND",
            Source6::Dynamic(code) => code,
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route6 {
    pub prefix: Ipv6Addr,
    pub len: u8,
    pub source: Source6,
    pub distance: u8,
    pub metric: u32,
    /// Equal paths; none for a route to Null0 (IOS's `L FF00::/8`).
    pub paths: Vec<Hop6>,
}

/// `ipv6 route PREFIX [IFACE] [NEXT-HOP] [DISTANCE]`, resolved to indices.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StaticRoute6 {
    pub prefix: Ipv6Addr,
    pub len: u8,
    pub iface: Option<usize>,
    pub next_hop: Option<Ipv6Addr>,
    pub distance: u8,
}

/// How a stack behaves: Windows or IOS.
#[derive(Clone, Copy, Debug)]
pub struct Stack6Config {
    pub hop_limit: u8,
    pub reachable_time: Duration,
    pub retrans: Duration,
    /// IOS lists `L` routes and `FF00::/8` via Null0.
    pub local_routes: bool,
    /// IOS's error rate limit: a token every interval, a bucket of
    /// `error_bucket` tokens (`ipv6 icmp error-interval 100 10`); zero: no limit.
    pub error_interval: Duration,
    pub error_bucket: u32,
}

impl Stack6Config {
    pub const HOST: Stack6Config = Stack6Config {
        hop_limit: 128,
        reachable_time: Duration::from_secs(30),
        retrans: Duration::from_secs(1),
        local_routes: false,
        error_interval: Duration::ZERO,
        error_bucket: 0,
    };
    pub const IOS: Stack6Config = Stack6Config {
        hop_limit: 64,
        reachable_time: Duration::from_secs(30),
        retrans: Duration::from_secs(1),
        local_routes: true,
        error_interval: Duration::from_millis(100),
        error_bucket: 10,
    };
}

/// Something the stack hands to the device's applications.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Delivery6 {
    /// A datagram to a bound UDP port (the UDP header included), or a
    /// packet of a bound protocol.
    Payload {
        binding: Binding,
        iface: usize,
        src: Ipv6Addr,
        dst: Ipv6Addr,
        bytes: Vec<u8>,
    },
    EchoReply {
        from: Ipv6Addr,
        ident: u16,
        seq: u16,
        hop_limit: u8,
        data_len: usize,
    },
    IcmpError {
        from: Ipv6Addr,
        kind: ErrorKind,
        echo: Option<(u16, u16)>,
        udp_ports: Option<(u16, u16)>,
    },
    /// A locally sent packet was dropped: its next hop never answered.
    Unresolved {
        src: Ipv6Addr,
        echo: Option<(u16, u16)>,
        udp_ports: Option<(u16, u16)>,
    },
}

/// Why the stack dropped a packet.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Drop6 {
    NoRoute,
    HopLimit,
    Unresolved,
    IfaceDown,
    /// Link-local destinations stay on their link.
    LinkLocalNotRouted,
    /// A packet for another destination reached a node that does not
    /// route IPv6 (a router without `ipv6 unicast-routing`).
    NotRouting,
    /// An access list on the interface (in, or out) denied it.
    Filtered {
        inbound: bool,
    },
}

#[derive(Debug)]
pub struct Ip6Stack {
    pub ifaces: Vec<Ip6Iface>,
    /// Forward packets and advertise (`ipv6 unicast-routing` on a router).
    pub forwarding: bool,
    pub config: Stack6Config,
    pub statics: Vec<StaticRoute6>,
    /// Routes the routing protocols offer (the device sets them, then rebuilds).
    pub dynamic: Vec<Route6>,
    /// Routers heard advertising (hosts).
    pub routers: Vec<DefaultRouter>,
    pub neighbors: NeighborCache,
    bound: Vec<Binding>,
    routes: Vec<Route6>,
    /// The error rate limit's bucket: tokens left, as of when.
    error_tokens: (u32, Time),
    /// Work for the next poll, which comes at once: an interface that came
    /// up or started IPv6 (`None`), an address to check for duplicates.
    /// (Configuration arrives without a clock; the poll has one.)
    starting: Vec<(usize, Option<Ipv6Addr>)>,
    /// How many interfaces run IPv6 (kept by `configure`).
    enabled_ifaces: usize,
    pub out: Vec<(usize, Vec<u8>)>,
    pub delivered: Vec<Delivery6>,
    pub notes: Option<Vec<Decision>>,
}

impl Ip6Stack {
    pub fn new(config: Stack6Config, forwarding: bool) -> Self {
        Ip6Stack {
            ifaces: Vec::new(),
            forwarding,
            config,
            statics: Vec::new(),
            dynamic: Vec::new(),
            routers: Vec::new(),
            neighbors: NeighborCache::new(config.reachable_time, config.retrans),
            bound: Vec::new(),
            routes: Vec::new(),
            error_tokens: (config.error_bucket, Time::ZERO),
            starting: Vec::new(),
            enabled_ifaces: 0,
            out: Vec::new(),
            delivered: Vec::new(),
            notes: None,
        }
    }

    /// Add an interface; its index must be the IPv4 stack's for the same one.
    pub fn add_iface(&mut self, name: IfaceName, encap: Encap, mac: Mac) -> usize {
        self.ifaces.push(Ip6Iface {
            name,
            encap,
            mac,
            up: false,
            enabled: false,
            addrs: Vec::new(),
            groups: Vec::new(),
            ra: RaConfig::default(),
            autoconfig: false,
            autoconfig_default: false,
            heard: None,
            inbound: None,
            outbound: None,
            next_ra: None,
            last_ra: None,
            solicited: false,
            initial_ras: 0,
            solicits_left: 0,
            next_solicit: None,
        });
        self.ifaces.len() - 1
    }

    pub fn routes(&self) -> &[Route6] {
        &self.routes
    }

    #[inline]
    fn note(&mut self, decision: impl FnOnce() -> Decision) {
        if let Some(notes) = &mut self.notes {
            notes.push(decision());
        }
    }

    fn note_step(&mut self, step: V6Step, addr: Ipv6Addr, iface: usize) {
        self.note(|| Decision::Ipv6 { step, addr, iface });
    }

    /// Set what IPv6 runs with on an interface: on or off, and the addresses
    /// configured (the automatic link-local and SLAAC ones are the stack's).
    /// New addresses start tentative and are checked for duplicates at the
    /// next poll. Nothing happens when nothing changed.
    pub fn configure(&mut self, iface: usize, enabled: bool, configured: &[(Ipv6Addr, u8, Origin)]) {
        let i = &mut self.ifaces[iface];
        let enabled = enabled || !configured.is_empty() || i.autoconfig;
        let mut wanted: Vec<(Ipv6Addr, u8, Origin)> = Vec::new();
        if enabled {
            match configured.iter().find(|c| c.2 == Origin::ManualLinkLocal) {
                Some(&ll) => wanted.push(ll),
                None => wanted.push((ipv6::link_local(i.mac), 64, Origin::LinkLocal)),
            }
            wanted.extend(configured.iter().filter(|c| c.2 != Origin::ManualLinkLocal));
            // What the stack made itself stays while IPv6 and autoconfiguration do.
            let kept =
                i.addrs.iter().filter(|a| a.origin == Origin::Dhcp || (i.autoconfig && a.origin == Origin::Slaac));
            wanted.extend(kept.map(|a| (a.addr, a.len, a.origin)));
        }
        let same = i.enabled == enabled
            && i.addrs.len() == wanted.len()
            && i.addrs.iter().zip(&wanted).all(|(a, w)| (a.addr, a.len, a.origin) == *w);
        if same {
            return;
        }
        let was = i.enabled;
        i.enabled = enabled;
        if enabled != was {
            self.enabled_ifaces = if enabled { self.enabled_ifaces + 1 } else { self.enabled_ifaces - 1 };
        }
        let i = &mut self.ifaces[iface];
        let old = std::mem::take(&mut i.addrs);
        for (addr, len, origin) in wanted {
            match old.iter().find(|a| a.addr == addr) {
                Some(a) => i.addrs.push(Addr6 { len, origin, ..*a }),
                None => {
                    i.addrs.push(Addr6 { addr, len, origin, state: AddrState::Tentative { until: Time::ZERO } });
                    if was && i.up {
                        self.starting.push((iface, Some(addr)));
                    }
                }
            }
        }
        if enabled && !was && self.ifaces[iface].up {
            self.starting.push((iface, None));
        }
        if !enabled {
            self.neighbors.remove_iface(iface);
            self.routers.retain(|r| r.iface != iface);
        }
        self.rebuild_routes();
    }

    /// Set the line-protocol state of an interface.
    pub fn set_up(&mut self, iface: usize, up: bool) {
        if self.ifaces[iface].up == up {
            return;
        }
        self.ifaces[iface].up = up;
        if up {
            self.starting.push((iface, None));
        } else {
            self.neighbors.remove_iface(iface);
            self.routers.retain(|r| r.iface != iface);
            let i = &mut self.ifaces[iface];
            i.next_ra = None;
            i.next_solicit = None;
        }
        self.rebuild_routes();
    }

    /// The link came up (or IPv6 started on it): check every address, ask
    /// for routers (a host), advertise (a router).
    fn start_link(&mut self, now: Time, iface: usize) {
        if !self.ifaces[iface].enabled {
            return;
        }
        let addrs: Vec<Ipv6Addr> = self.ifaces[iface].addrs.iter().map(|a| a.addr).collect();
        for addr in addrs {
            self.start_dad(now, iface, addr);
        }
        let router = self.forwarding;
        let i = &mut self.ifaces[iface];
        if router {
            // The first advertisement once DAD has made the link-local usable.
            i.next_ra = Some(now + self.config.retrans);
            i.initial_ras = INITIAL_ADVERTS;
        } else {
            i.solicits_left = 3;
            i.next_solicit = Some(now + self.config.retrans);
        }
    }

    /// The routing role changed (`ipv6 unicast-routing`).
    pub fn set_forwarding(&mut self, on: bool) {
        if self.forwarding == on {
            return;
        }
        self.forwarding = on;
        for i in &mut self.ifaces {
            i.next_ra = (on && i.up && i.enabled).then_some(Time::ZERO);
            i.initial_ras = INITIAL_ADVERTS;
        }
        if on {
            self.routers.clear();
        }
        self.rebuild_routes();
    }

    /// An interface's advertisement settings changed: advertise at once.
    pub fn set_ra(&mut self, iface: usize, ra: RaConfig) {
        let i = &mut self.ifaces[iface];
        if i.ra != ra {
            i.ra = ra;
            if self.forwarding && i.up && i.enabled {
                i.next_ra = Some(Time::ZERO);
            }
        }
    }

    /// Set (or, with `None`, remove) the address a DHCPv6 server leased on an interface.
    pub fn set_dhcp_address(&mut self, iface: usize, leased: Option<Ipv6Addr>) {
        let i = &mut self.ifaces[iface];
        let have = i.addrs.iter().find(|a| a.origin == Origin::Dhcp).map(|a| a.addr);
        if have == leased {
            return;
        }
        i.addrs.retain(|a| a.origin != Origin::Dhcp);
        if let Some(addr) = leased {
            i.addrs.push(Addr6 {
                addr,
                len: 128,
                origin: Origin::Dhcp,
                state: AddrState::Tentative { until: Time::ZERO },
            });
            if i.up {
                self.starting.push((iface, Some(addr)));
            }
        }
        self.rebuild_routes();
    }

    /// Send a UDP datagram, routed (or out of `iface` for a link-local
    /// destination), from `src` when given, else the stack's choice.
    #[allow(clippy::too_many_arguments)]
    pub fn send_udp(
        &mut self,
        now: Time,
        src: Option<Ipv6Addr>,
        dst: Ipv6Addr,
        iface: Option<usize>,
        ports: (u16, u16),
        data: &[u8],
    ) -> Result<(), SendError> {
        self.originate_from(now, src, dst, iface, IpProtocol::Udp, None, |src| udp_datagram(src, dst, ports, data))
    }

    /// Is an interface still building its addresses: one being checked for
    /// duplicates, or autoconfiguration still asking routers for a prefix?
    pub fn settling(&self, iface: usize) -> bool {
        let Some(i) = self.ifaces.get(iface).filter(|i| i.up && i.enabled) else { return false };
        let checking = i.addrs.iter().any(|a| matches!(a.state, AddrState::Tentative { .. }));
        let asking = i.autoconfig && i.solicits_left > 0 && !i.addrs.iter().any(|a| a.origin == Origin::Slaac);
        checking || asking || self.starting.iter().any(|s| s.0 == iface)
    }

    /// Turn SLAAC on or off on an interface.
    pub fn set_autoconfig(&mut self, iface: usize, on: bool, default_route: bool) {
        let i = &mut self.ifaces[iface];
        if (i.autoconfig, i.autoconfig_default) == (on, default_route) {
            return;
        }
        let was = i.autoconfig;
        i.autoconfig = on;
        i.autoconfig_default = on && default_route;
        if !on {
            i.addrs.retain(|a| a.origin != Origin::Slaac);
            if self.forwarding {
                self.routers.retain(|r| r.iface != iface);
            }
        } else if i.up && !was {
            i.solicits_left = 3;
            i.next_solicit = Some(Time::ZERO);
        }
        self.rebuild_routes();
    }

    fn start_dad(&mut self, now: Time, iface: usize, addr: Ipv6Addr) {
        let until = now + self.config.retrans;
        let Some(a) = self.ifaces[iface].addrs.iter_mut().find(|a| a.addr == addr) else { return };
        a.state = AddrState::Tentative { until };
        if self.ifaces[iface].encap != Encap::Ethernet {
            return;
        }
        let ns = icmpv6::neighbor_solicit(addr, None);
        self.send_icmp(iface, Ipv6Addr::UNSPECIFIED, ipv6::solicited_node(addr), 255, &ns);
    }

    pub fn bind(&mut self, binding: Binding) {
        if let Err(at) = self.bound.binary_search(&binding) {
            self.bound.insert(at, binding);
        }
    }

    pub fn unbind(&mut self, binding: Binding) {
        self.bound.retain(|b| *b != binding);
    }

    pub fn join(&mut self, iface: usize, group: Ipv6Addr) {
        let groups = &mut self.ifaces[iface].groups;
        if !groups.contains(&group) {
            groups.push(group);
        }
    }

    pub fn leave(&mut self, iface: usize, group: Ipv6Addr) {
        self.ifaces[iface].groups.retain(|g| *g != group);
    }

    /// Is `addr` one of the stack's usable addresses on an interface that is up?
    pub fn is_local(&self, addr: Ipv6Addr) -> bool {
        self.ifaces.iter().any(|i| i.up && i.usable(addr))
    }

    /// Recompute the routing table; call after any address, link or route change.
    pub fn rebuild_routes(&mut self) {
        let mut routes: Vec<Route6> = Vec::new();
        let up = |i: &Ip6Iface| i.up && i.enabled;
        for (index, i) in self.ifaces.iter().enumerate().filter(|(_, i)| up(i)) {
            for a in i.globals().filter(|a| a.state != AddrState::Duplicate) {
                let prefix = ipv6::network(a.addr, a.len);
                let hop = Hop6 { iface: index, next_hop: None };
                if a.len < 128 && !routes.iter().any(|r| r.prefix == prefix && r.len == a.len) {
                    routes.push(Route6 {
                        prefix,
                        len: a.len,
                        source: Source6::Connected,
                        distance: 0,
                        metric: 0,
                        paths: vec![hop],
                    });
                }
                if self.config.local_routes {
                    routes.push(Route6 {
                        prefix: a.addr,
                        len: 128,
                        source: Source6::Local,
                        distance: 0,
                        metric: 0,
                        paths: vec![hop],
                    });
                }
            }
        }
        let connected = routes.clone();
        let resolve = |nh: Ipv6Addr| -> Option<usize> {
            connected
                .iter()
                .filter(|r| r.source == Source6::Connected && ipv6::contains(r.prefix, r.len, nh))
                .max_by_key(|r| r.len)
                .map(|r| r.paths[0].iface)
        };
        let mut candidates: Vec<Route6> = Vec::new();
        for s in &self.statics {
            let hop = match (s.iface, s.next_hop) {
                (Some(iface), nh) if self.ifaces.get(iface).is_some_and(up) => Some(Hop6 { iface, next_hop: nh }),
                (None, Some(nh)) if !ipv6::is_link_local(nh) => {
                    resolve(nh).map(|iface| Hop6 { iface, next_hop: Some(nh) })
                }
                _ => None,
            };
            let Some(hop) = hop else { continue };
            candidates.push(Route6 {
                prefix: ipv6::network(s.prefix, s.len),
                len: s.len,
                source: Source6::Static,
                distance: s.distance,
                metric: 0,
                paths: vec![hop],
            });
        }
        let takes_default = |r: &&DefaultRouter| !self.forwarding || self.ifaces[r.iface].autoconfig_default;
        for r in self.routers.iter().filter(|r| r.advert.router_lifetime_secs > 0).filter(takes_default) {
            candidates.push(Route6 {
                prefix: Ipv6Addr::UNSPECIFIED,
                len: 0,
                source: Source6::Nd,
                distance: 2,
                metric: 0,
                paths: vec![Hop6 { iface: r.iface, next_hop: Some(r.addr) }],
            });
        }
        candidates.extend(self.dynamic.iter().cloned());
        // Per prefix, the lowest distance wins; equal ones of one source merge their paths.
        for c in candidates {
            if routes.iter().any(|r| r.prefix == c.prefix && r.len == c.len && r.distance < c.distance) {
                continue;
            }
            if let Some(r) = routes.iter_mut().find(|r| r.prefix == c.prefix && r.len == c.len) {
                if r.distance == c.distance && r.source == c.source {
                    for p in c.paths {
                        if !r.paths.contains(&p) {
                            r.paths.push(p);
                        }
                    }
                    continue;
                }
                *r = c;
                continue;
            }
            routes.push(c);
        }
        if self.config.local_routes && self.ifaces.iter().any(|i| i.enabled) {
            let multicast = Ipv6Addr::new(0xff00, 0, 0, 0, 0, 0, 0, 0);
            routes.push(Route6 {
                prefix: multicast,
                len: 8,
                source: Source6::Local,
                distance: 0,
                metric: 0,
                paths: Vec::new(),
            });
        }
        routes.sort_by_key(|r| (r.prefix, r.len));
        self.routes = routes;
    }

    /// The longest-prefix route to `dst`.
    pub fn lookup(&self, dst: Ipv6Addr) -> Option<Hop6> {
        self.routes
            .iter()
            .filter(|r| !r.paths.is_empty() && ipv6::contains(r.prefix, r.len, dst))
            .max_by_key(|r| r.len)
            .map(|r| r.paths[0])
    }

    /// Where a packet to `dst` leaves: a link-local destination needs the
    /// interface said (`ping FE80::1` asks for it) unless only one runs IPv6.
    fn hop_for(&self, dst: Ipv6Addr, iface: Option<usize>) -> Option<Hop6> {
        if let Some(iface) = iface {
            return Some(Hop6 { iface, next_hop: None });
        }
        if ipv6::is_link_local(dst) {
            let mut on = self.ifaces.iter().enumerate().filter(|(_, i)| i.up && i.enabled);
            return match (on.next(), on.next()) {
                (Some((iface, _)), None) => Some(Hop6 { iface, next_hop: None }),
                _ => None,
            };
        }
        self.lookup(dst)
    }

    /// The source address for a packet to `dst`.
    pub fn source_for(&self, dst: Ipv6Addr) -> Option<Ipv6Addr> {
        let hop = self.hop_for(dst, None)?;
        self.source_out_of(hop.iface, dst)
    }

    /// The source for a packet to `dst` leaving by `iface`: the interface's
    /// own choice, unless that is a link-local address for a destination
    /// beyond the link, when a global address of another interface that is
    /// up serves instead (a router whose exit has only its link-local).
    fn source_out_of(&self, iface: usize, dst: Ipv6Addr) -> Option<Ipv6Addr> {
        let own = self.ifaces[iface].source_toward(dst);
        let beyond_link = !ipv6::is_link_local(dst) && !dst.is_multicast();
        if own.is_some_and(ipv6::is_link_local) && beyond_link {
            let global =
                self.ifaces.iter().filter(|i| i.up && i.enabled).flat_map(|i| i.globals()).find(|a| a.usable());
            if let Some(a) = global {
                return Some(a.addr);
            }
        }
        own
    }

    /// Build and send a packet; `payload` makes its bytes once the source is
    /// known (ICMPv6 and UDP checksums cover it).
    pub fn originate(
        &mut self,
        now: Time,
        dst: Ipv6Addr,
        iface: Option<usize>,
        next_header: IpProtocol,
        hop_limit: Option<u8>,
        payload: impl FnOnce(Ipv6Addr) -> Vec<u8>,
    ) -> Result<(), SendError> {
        self.originate_from(now, None, dst, iface, next_header, hop_limit, payload)
    }

    /// [`Ip6Stack::originate`] from a given source address (an answer
    /// leaves from the address that was asked).
    #[allow(clippy::too_many_arguments)]
    pub fn originate_from(
        &mut self,
        now: Time,
        src: Option<Ipv6Addr>,
        dst: Ipv6Addr,
        iface: Option<usize>,
        next_header: IpProtocol,
        hop_limit: Option<u8>,
        payload: impl FnOnce(Ipv6Addr) -> Vec<u8>,
    ) -> Result<(), SendError> {
        let hop = self.hop_for(dst, iface).ok_or(SendError::NoRoute)?;
        if !self.ifaces[hop.iface].up {
            return Err(SendError::NoRoute);
        }
        let src = match src {
            Some(src) => src,
            None => self.source_out_of(hop.iface, dst).ok_or(SendError::NoSourceAddress)?,
        };
        let bytes = payload(src);
        let hop_limit = hop_limit.unwrap_or(self.config.hop_limit);
        let packet = ipv6::build(src, dst, next_header, hop_limit, bytes.len(), |b| b.copy_from_slice(&bytes));
        self.transmit(now, packet, hop);
        Ok(())
    }

    /// Send an ICMPv6 message out of one interface, as given.
    fn send_icmp(&mut self, iface: usize, src: Ipv6Addr, dst: Ipv6Addr, hop_limit: u8, message: &icmpv6::Message) {
        let bytes = icmpv6::emit(message, src, dst);
        let packet = ipv6::build(src, dst, IpProtocol::Icmpv6, hop_limit, bytes.len(), |b| b.copy_from_slice(&bytes));
        let i = &self.ifaces[iface];
        let frame = match i.encap {
            Encap::Ethernet => {
                let dst_mac =
                    if dst.is_multicast() { Some(ipv6::multicast_mac(dst)) } else { self.neighbors.peek(dst, iface) };
                let Some(dst_mac) = dst_mac else { return };
                ethernet::build(dst_mac, i.mac, EthernetProtocol::Ipv6, packet.len(), |b| b.copy_from_slice(&packet))
            }
            Encap::Hdlc => hdlc::encapsulate(hdlc::PROTOCOL_IPV6, &packet),
            Encap::None => return,
        };
        self.out.push((iface, frame));
    }

    /// Send a UDP datagram from one interface's link-local address to a
    /// multicast group on its link (DHCPv6 solicits, OSPFv3 hellos).
    pub fn send_link_udp(
        &mut self,
        iface: usize,
        dst: Ipv6Addr,
        ports: (u16, u16),
        data: &[u8],
    ) -> Result<(), SendError> {
        let i = self.ifaces.get(iface).ok_or(SendError::NoRoute)?;
        let src = i.link_local().ok_or(SendError::NoSourceAddress)?;
        let bytes = udp_datagram(src, dst, ports, data);
        let packet = ipv6::build(src, dst, IpProtocol::Udp, 1, bytes.len(), |b| b.copy_from_slice(&bytes));
        self.transmit(Time::ZERO, packet, Hop6 { iface, next_hop: None });
        Ok(())
    }

    /// Encapsulate a packet and queue it, resolving the neighbour where the medium needs it.
    fn transmit(&mut self, now: Time, packet: Vec<u8>, hop: Hop6) {
        let Some(i) = self.ifaces.get(hop.iface) else { return };
        if !i.up {
            return;
        }
        match i.encap {
            Encap::None => {}
            Encap::Hdlc => self.out.push((hop.iface, hdlc::encapsulate(hdlc::PROTOCOL_IPV6, &packet))),
            Encap::Ethernet => {
                let Some(h) = ipv6::parse(&packet) else { return };
                let nh = hop.next_hop.unwrap_or(h.dst);
                let mac = i.mac;
                let dst_mac = if nh.is_multicast() {
                    Some(ipv6::multicast_mac(nh))
                } else {
                    match self.neighbors.resolve(now, nh, hop.iface, packet.clone()) {
                        Resolution::Send(mac) => Some(mac),
                        Resolution::Solicit => {
                            self.solicit(hop.iface, nh, None);
                            None
                        }
                        Resolution::Held => None,
                    }
                };
                if let Some(dst_mac) = dst_mac {
                    let frame = ethernet::build(dst_mac, mac, EthernetProtocol::Ipv6, packet.len(), |b| {
                        b.copy_from_slice(&packet)
                    });
                    self.out.push((hop.iface, frame));
                }
            }
        }
    }

    /// Ask who has `target`: to its solicited-node group, or to the MAC (a probe).
    fn solicit(&mut self, iface: usize, target: Ipv6Addr, unicast: Option<Mac>) {
        let i = &self.ifaces[iface];
        let Some(src) = i.source_toward(target) else { return };
        let ns = icmpv6::neighbor_solicit(target, Some(i.mac));
        let dst = if unicast.is_some() { target } else { ipv6::solicited_node(target) };
        let bytes = icmpv6::emit(&ns, src, dst);
        let packet = ipv6::build(src, dst, IpProtocol::Icmpv6, 255, bytes.len(), |b| b.copy_from_slice(&bytes));
        let dst_mac = unicast.unwrap_or_else(|| ipv6::multicast_mac(dst));
        let frame =
            ethernet::build(dst_mac, i.mac, EthernetProtocol::Ipv6, packet.len(), |b| b.copy_from_slice(&packet));
        self.out.push((iface, frame));
        self.note_step(V6Step::Solicited, target, iface);
    }

    /// Is this frame, as it arrives on `iface`, an IPv6 packet (its
    /// EtherType or HDLC protocol says so)?
    #[inline]
    pub fn carries(&self, iface: usize, frame: &[u8]) -> bool {
        let at = match self.ifaces.get(iface).map(|i| i.encap) {
            Some(Encap::Ethernet) => 12,
            Some(Encap::Hdlc) => 2,
            _ => return false,
        };
        frame.get(at..at + 2) == Some(&[0x86, 0xdd])
    }

    /// Handle a frame received on an interface.
    pub fn receive(&mut self, now: Time, iface: usize, frame: &[u8]) {
        let Some(i) = self.ifaces.get(iface) else { return };
        if !i.up || !i.enabled {
            return;
        }
        let packet = match i.encap {
            Encap::Ethernet => {
                let Some(eth) = ethernet::parse(frame) else { return };
                if eth.ethertype != EthernetProtocol::Ipv6 {
                    return;
                }
                let dst = eth.dst_addr;
                if dst != i.mac && !(dst.0[0] == 0x33 && dst.0[1] == 0x33) {
                    return;
                }
                &frame[ethernet::HEADER_LEN..]
            }
            Encap::Hdlc => match hdlc::parse(frame) {
                Some((hdlc::PROTOCOL_IPV6, payload)) => payload,
                _ => return,
            },
            Encap::None => return,
        };
        let Some(h) = ipv6::parse(packet) else { return };
        let Some(packet) = packet.get(..h.total_len()) else { return };
        if !self.pass_filter(now, iface, true, packet) {
            return;
        }
        let router = self.forwarding;
        let i = &self.ifaces[iface];
        let for_us =
            if h.dst.is_multicast() { i.listens(h.dst, router) } else { i.owns(h.dst) || self.is_local(h.dst) };
        if for_us {
            self.deliver_local(now, iface, packet, h);
        } else if self.forwarding && !h.dst.is_multicast() {
            self.forward(now, packet.to_vec(), h);
        } else if !h.dst.is_multicast() {
            self.note_step(V6Step::Dropped(Drop6::NotRouting), h.dst, iface);
        }
    }

    fn forward(&mut self, now: Time, mut packet: Vec<u8>, h: Header) {
        if ipv6::is_link_local(h.dst) || ipv6::is_link_local(h.src) {
            return self.note_step(V6Step::Dropped(Drop6::LinkLocalNotRouted), h.dst, 0);
        }
        if h.hop_limit <= 1 {
            self.note_step(V6Step::Dropped(Drop6::HopLimit), h.dst, 0);
            return self.send_error(now, &packet, ErrorKind::TtlExceeded);
        }
        let Some(hop) = self.lookup(h.dst) else {
            self.note_step(V6Step::Dropped(Drop6::NoRoute), h.dst, 0);
            return self.send_error(now, &packet, ErrorKind::NetUnreachable);
        };
        if !self.pass_filter(now, hop.iface, false, &packet) {
            return;
        }
        ipv6::decrement_hop_limit(&mut packet);
        self.note_step(V6Step::Routed { next_hop: hop.next_hop }, h.dst, hop.iface);
        self.transmit(now, packet, hop);
    }

    /// A filter on an interface's way in or out: a denied packet is
    /// dropped, noted, and answered "administratively prohibited".
    fn pass_filter(&mut self, now: Time, iface: usize, inbound: bool, packet: &[u8]) -> bool {
        let i = &mut self.ifaces[iface];
        let filter = if inbound { &mut i.inbound } else { &mut i.outbound };
        let Some(filter) = filter.as_mut() else { return true };
        let Some(info) = ipv6::PacketInfo6::of(packet) else { return true };
        if filter.admits(now, &info) {
            return true;
        }
        self.note_step(V6Step::Dropped(Drop6::Filtered { inbound }), info.dst, iface);
        self.send_error(now, packet, ErrorKind::AdminProhibited);
        false
    }

    /// Answer an offending packet with an ICMPv6 error (never an error
    /// about an error or a multicast, and at IOS's rate).
    fn send_error(&mut self, now: Time, offending: &[u8], kind: ErrorKind) {
        let Some(h) = ipv6::parse(offending) else { return };
        if h.dst.is_multicast() || h.src.is_unspecified() {
            return;
        }
        let payload = &offending[ipv6::HEADER_LEN..];
        if h.next_header == IpProtocol::Icmpv6 && icmpv6::is_error(payload) {
            return;
        }
        let interval = self.config.error_interval;
        if interval > Duration::ZERO {
            let (tokens, since) = self.error_tokens;
            let earned = (now.since(since).nanos() / interval.nanos()) as u32;
            let tokens = tokens.saturating_add(earned).min(self.config.error_bucket);
            // Tokens come at whole intervals from when the last one came.
            let since = since + Duration::from_nanos(u64::from(earned) * interval.nanos());
            if tokens == 0 {
                self.error_tokens = (0, since);
                return;
            }
            self.error_tokens = (tokens - 1, since);
        }
        if icmpv6::error(kind, offending).is_none() {
            return;
        }
        // A packet that was for us is answered from the address it was sent
        // to (RFC 4443, 2.2); one we were routing, from ours toward its sender.
        let from = self.is_local(h.dst).then_some(h.dst);
        let _ = self.originate_from(now, from, h.src, None, IpProtocol::Icmpv6, None, |src| {
            match icmpv6::error(kind, offending) {
                Some(message) => icmpv6::emit(&message, src, h.src),
                None => Vec::new(),
            }
        });
    }

    fn deliver_local(&mut self, now: Time, iface: usize, packet: &[u8], h: Header) {
        let payload = &packet[ipv6::HEADER_LEN..];
        match h.next_header {
            IpProtocol::Icmpv6 => {
                let Some(message) = icmpv6::parse(h.src, h.dst, payload) else { return };
                self.deliver_icmp(now, iface, packet, h, &message);
            }
            IpProtocol::Udp => {
                let Some((_, port)) = udp::ports(payload) else { return };
                let binding = Binding::Udp(port);
                if self.bound.binary_search(&binding).is_ok() {
                    let bytes = payload.to_vec();
                    self.delivered.push(Delivery6::Payload { binding, iface, src: h.src, dst: h.dst, bytes });
                } else if !h.dst.is_multicast() {
                    self.send_error(now, packet, ErrorKind::PortUnreachable);
                }
            }
            other => {
                let binding = Binding::Protocol(other.into());
                if self.bound.binary_search(&binding).is_ok() {
                    let bytes = payload.to_vec();
                    self.delivered.push(Delivery6::Payload { binding, iface, src: h.src, dst: h.dst, bytes });
                }
            }
        }
    }

    fn deliver_icmp(&mut self, now: Time, iface: usize, packet: &[u8], h: Header, message: &icmpv6::Message) {
        match *message {
            Icmpv6Repr::EchoRequest { ident, seq_no, data } => {
                if h.dst.is_multicast() && !ipv6::is_link_local(h.src) {
                    return;
                }
                let data = data.to_vec();
                let to = h.src;
                let from = (!h.dst.is_multicast()).then_some(h.dst);
                let pinned = ipv6::is_link_local(to).then_some(iface);
                let _ = self.originate_from(now, from, to, pinned, IpProtocol::Icmpv6, None, |src| {
                    icmpv6::emit(&icmpv6::echo(true, ident, seq_no, &data), src, to)
                });
            }
            Icmpv6Repr::EchoReply { ident, seq_no, data } => self.delivered.push(Delivery6::EchoReply {
                from: h.src,
                ident,
                seq: seq_no,
                hop_limit: h.hop_limit,
                data_len: data.len(),
            }),
            Icmpv6Repr::Ndisc(ndisc) => self.receive_ndisc(now, iface, h, ndisc),
            ref error => {
                let Some((kind, quoted, data)) = icmpv6::error_kind(error) else { return };
                let echo =
                    (quoted.next_header == IpProtocol::Icmpv6 && data.len() >= 8 && data[0] == icmpv6::ECHO_REQUEST)
                        .then(|| (u16::from_be_bytes([data[4], data[5]]), u16::from_be_bytes([data[6], data[7]])));
                let udp_ports = (quoted.next_header == IpProtocol::Udp).then(|| udp::ports(data)).flatten();
                self.delivered.push(Delivery6::IcmpError { from: h.src, kind, echo, udp_ports });
                let _ = packet;
            }
        }
    }

    fn receive_ndisc(&mut self, now: Time, iface: usize, h: Header, ndisc: NdiscRepr) {
        // Neighbor Discovery only ever comes from the link itself.
        if h.hop_limit != 255 {
            return;
        }
        let router = self.forwarding;
        match ndisc {
            NdiscRepr::NeighborSolicit { target_addr, lladdr } => {
                let i = &self.ifaces[iface];
                let Some(a) = i.addrs.iter().find(|a| a.addr == target_addr).copied() else { return };
                if let AddrState::Tentative { .. } = a.state {
                    if h.src.is_unspecified() {
                        // Someone else checks the same address at the same moment.
                        self.duplicate(iface, target_addr);
                    }
                    return;
                }
                if a.state == AddrState::Duplicate {
                    return;
                }
                let mac = i.mac;
                if h.src.is_unspecified() {
                    // Another node's DAD for our address: defend it.
                    let na = icmpv6::neighbor_advert(target_addr, mac, router, false);
                    return self.send_icmp(iface, target_addr, ALL_NODES, 255, &na);
                }
                if let Some(their) = icmpv6::mac_of(lladdr) {
                    let held = self.neighbors.learned(now, h.src, iface, their, false);
                    self.release(now, iface, h.src, held);
                }
                let na = icmpv6::neighbor_advert(target_addr, mac, router, true);
                self.send_icmp(iface, target_addr, h.src, 255, &na);
                self.note_step(V6Step::Advertised, h.src, iface);
            }
            NdiscRepr::NeighborAdvert { flags, target_addr, lladdr } => {
                let mine = self.ifaces[iface].addrs.iter().find(|a| a.addr == target_addr).copied();
                if let Some(a) = mine {
                    if matches!(a.state, AddrState::Tentative { .. }) {
                        self.duplicate(iface, target_addr);
                    }
                    return;
                }
                let solicited = flags.contains(NdiscNeighborFlags::SOLICITED);
                let is_router = flags.contains(NdiscNeighborFlags::ROUTER);
                let held =
                    self.neighbors.advertised(now, target_addr, iface, icmpv6::mac_of(lladdr), solicited, is_router);
                self.release(now, iface, target_addr, held);
            }
            NdiscRepr::RouterSolicit { lladdr } => {
                if !router || self.ifaces[iface].ra.suppress_all {
                    return;
                }
                if let (Some(mac), false) = (icmpv6::mac_of(lladdr), h.src.is_unspecified()) {
                    let held = self.neighbors.learned(now, h.src, iface, mac, false);
                    self.release(now, iface, h.src, held);
                }
                // At most one advertisement every 3 seconds (RFC 4861
                // MIN_DELAY_BETWEEN_RAS): a solicitation soon after one
                // brings the next one forward instead.
                let i = &mut self.ifaces[iface];
                match i.last_ra {
                    Some(last) if now.since(last) < MIN_DELAY_BETWEEN_RAS => {
                        let soon = last + MIN_DELAY_BETWEEN_RAS;
                        i.next_ra = Some(i.next_ra.map_or(soon, |t| t.min(soon)));
                        i.solicited = true;
                    }
                    _ => self.advertise(now, iface),
                }
            }
            NdiscRepr::RouterAdvert { .. } => {
                // A router listens to advertisements only on an interface
                // that takes its address from them.
                if (router && !self.ifaces[iface].autoconfig) || !ipv6::is_link_local(h.src) {
                    return;
                }
                let Some((ad, mac)) = icmpv6::advert_of(&Icmpv6Repr::Ndisc(ndisc)) else { return };
                if let Some(mac) = mac {
                    let held = self.neighbors.learned(now, h.src, iface, mac, true);
                    self.release(now, iface, h.src, held);
                }
                self.heard_advert(now, iface, h.src, ad);
            }
            NdiscRepr::Redirect { .. } => {}
        }
    }

    /// A host heard a router: keep it as a default router and build an
    /// address from its prefix when autoconfiguration is on.
    fn heard_advert(&mut self, now: Time, iface: usize, from: Ipv6Addr, ad: Advert) {
        let expires = now + Duration::from_secs(u64::from(ad.router_lifetime_secs));
        let heard = DefaultRouter { addr: from, iface, advert: ad, expires };
        let known = self.routers.iter().position(|r| r.addr == from && r.iface == iface);
        let mut changed = match (known, ad.router_lifetime_secs > 0) {
            (Some(at), true) if self.routers[at].advert == ad => {
                self.routers[at].expires = expires;
                false
            }
            (Some(at), true) => {
                self.routers[at] = heard;
                true
            }
            (Some(at), false) => {
                self.routers.remove(at);
                true
            }
            (None, true) => {
                self.routers.push(heard);
                true
            }
            (None, false) => false,
        };
        let i = &mut self.ifaces[iface];
        i.heard = Some(ad);
        i.next_solicit = None;
        if let (true, true, Some((prefix, 64))) = (i.autoconfig, ad.autonomous, ad.prefix) {
            let addr = ipv6::with_interface_id(prefix, ipv6::eui64(i.mac));
            if !i.addrs.iter().any(|a| a.addr == addr) {
                i.addrs.push(Addr6 { addr, len: 64, origin: Origin::Slaac, state: AddrState::Preferred });
                self.start_dad(now, iface, addr);
                self.note_step(V6Step::Autoconfigured, addr, iface);
                changed = true;
            }
        }
        if changed {
            self.rebuild_routes();
        }
    }

    fn duplicate(&mut self, iface: usize, addr: Ipv6Addr) {
        if let Some(a) = self.ifaces[iface].addrs.iter_mut().find(|a| a.addr == addr) {
            a.state = AddrState::Duplicate;
        }
        self.note_step(V6Step::Duplicate, addr, iface);
        self.rebuild_routes();
    }

    /// Send the packets that waited for a neighbour.
    fn release(&mut self, now: Time, iface: usize, nh: Ipv6Addr, held: Vec<Vec<u8>>) {
        for packet in held {
            self.transmit(now, packet, Hop6 { iface, next_hop: Some(nh) });
        }
    }

    /// Send a router advertisement on an interface (to all nodes).
    fn advertise(&mut self, now: Time, iface: usize) {
        let i = &mut self.ifaces[iface];
        i.last_ra = Some(now);
        i.solicited = false;
        let wait = if i.initial_ras > 0 {
            i.initial_ras -= 1;
            INITIAL_ADVERT_INTERVAL.min(i.ra.interval)
        } else {
            i.ra.interval
        };
        i.next_ra = Some(now + wait);
        let Some(src) = i.link_local().filter(|ll| i.usable(*ll)) else { return };
        let prefix = i
            .globals()
            .find(|a| a.len == 64 && a.state != AddrState::Duplicate)
            .map(|a| (ipv6::network(a.addr, 64), 64));
        let ad = Advert {
            hop_limit: 64,
            managed: i.ra.managed,
            other: i.ra.other,
            router_lifetime_secs: i.ra.lifetime_secs,
            mtu: Some(1500),
            prefix,
            autonomous: !i.ra.no_autoconfig,
            valid_secs: 2_592_000,
            preferred_secs: 604_800,
        };
        let message = icmpv6::router_advert(&ad, i.mac);
        self.send_icmp(iface, src, ALL_NODES, 255, &message);
        self.note_step(V6Step::RouterAdvertised, prefix.map_or(Ipv6Addr::UNSPECIFIED, |p| p.0), iface);
    }

    /// When [`Ip6Stack::poll`] has something to do.
    #[inline]
    pub fn poll_at(&self) -> Option<Time> {
        if !self.starting.is_empty() {
            return Some(Time::ZERO);
        }
        // A box with no IPv6 anywhere (asked after every event): nothing to do.
        if self.enabled_ifaces == 0 && self.neighbors.entries().is_empty() {
            return None;
        }
        let mut at = self.neighbors.poll_at();
        let mut earlier = |t: Option<Time>| {
            if let Some(t) = t {
                at = Some(at.map_or(t, |a| a.min(t)));
            }
        };
        for i in &self.ifaces {
            if !i.up || !i.enabled {
                continue;
            }
            earlier(
                i.addrs
                    .iter()
                    .filter_map(|a| match a.state {
                        AddrState::Tentative { until } => Some(until),
                        _ => None,
                    })
                    .min(),
            );
            if self.forwarding && (!i.ra.suppress || i.solicited) && !i.ra.suppress_all {
                earlier(i.next_ra);
            }
            if (!self.forwarding || i.autoconfig) && i.solicits_left > 0 {
                earlier(i.next_solicit);
            }
        }
        earlier(self.routers.iter().map(|r| r.expires).min());
        at
    }

    /// Run the timers that are due.
    pub fn poll(&mut self, now: Time) {
        for (iface, addr) in std::mem::take(&mut self.starting) {
            match addr {
                None => self.start_link(now, iface),
                Some(addr) => self.start_dad(now, iface, addr),
            }
        }
        let mut dad_done = false;
        for iface in 0..self.ifaces.len() {
            let i = &mut self.ifaces[iface];
            if !i.up || !i.enabled {
                continue;
            }
            for a in &mut i.addrs {
                if matches!(a.state, AddrState::Tentative { until } if until <= now) {
                    a.state = AddrState::Preferred;
                    dad_done = true;
                }
            }
            let has_global = i.globals().any(|a| a.usable());
            let advertising = !i.ra.suppress_all && (!i.ra.suppress || i.solicited);
            if self.forwarding && advertising && i.next_ra.is_some_and(|t| t <= now) {
                if has_global {
                    self.advertise(now, iface);
                } else {
                    i.next_ra = Some(now + INITIAL_ADVERT_INTERVAL);
                }
            } else if (!self.forwarding || i.autoconfig)
                && i.solicits_left > 0
                && i.next_solicit.is_some_and(|t| t <= now)
            {
                i.solicits_left -= 1;
                i.next_solicit = Some(now + Duration::from_secs(4));
                let mac = i.mac;
                if let Some(src) = i.link_local().filter(|ll| i.usable(*ll)) {
                    let rs = icmpv6::router_solicit(Some(mac));
                    self.send_icmp(iface, src, ALL_ROUTERS, 255, &rs);
                } else {
                    i.solicits_left += 1;
                }
            }
        }
        // A router silent past its lifetime is no default router any more.
        let routers = self.routers.len();
        self.routers.retain(|r| r.expires > now);
        if dad_done || self.routers.len() != routers {
            self.rebuild_routes();
        }
        for action in self.neighbors.poll(now) {
            match action {
                Action::Solicit { addr, iface, unicast } => self.solicit(iface, addr, unicast),
                Action::GaveUp { addr, iface, held } => {
                    self.note_step(V6Step::Dropped(Drop6::Unresolved), addr, iface);
                    for packet in held {
                        self.unresolved(now, &packet);
                    }
                }
            }
        }
    }

    /// A packet whose next hop never answered: the sender hears "address
    /// unreachable"; our own are reported to the application.
    fn unresolved(&mut self, now: Time, packet: &[u8]) {
        let Some(h) = ipv6::parse(packet) else { return };
        if !self.is_local(h.src) {
            return self.send_error(now, packet, ErrorKind::HostUnreachable);
        }
        let payload = &packet[ipv6::HEADER_LEN..];
        let echo = (h.next_header == IpProtocol::Icmpv6 && payload.len() >= 8 && payload[0] == icmpv6::ECHO_REQUEST)
            .then(|| (u16::from_be_bytes([payload[4], payload[5]]), u16::from_be_bytes([payload[6], payload[7]])));
        let udp_ports = (h.next_header == IpProtocol::Udp).then(|| udp::ports(payload)).flatten();
        self.delivered.push(Delivery6::Unresolved { src: h.src, echo, udp_ports });
    }

    /// Forget what was learned (neighbours, routers heard); keep the configuration.
    pub fn clear_dynamic(&mut self) {
        self.neighbors.clear();
        self.routers.clear();
        self.rebuild_routes();
    }
}

/// A UDP datagram over IPv6 (its checksum is mandatory).
pub fn udp_datagram(src: Ipv6Addr, dst: Ipv6Addr, ports: (u16, u16), data: &[u8]) -> Vec<u8> {
    let mut bytes = vec![0u8; udp::HEADER_LEN + data.len()];
    udp::emit_any(&mut bytes, src.into(), dst.into(), ports.0, ports.1, data);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::IfaceKind;

    fn v6(s: &str) -> Ipv6Addr {
        s.parse().unwrap()
    }

    fn at(ms: u64) -> Time {
        Time::ZERO + Duration::from_millis(ms)
    }

    fn stack(mac: u8, router: bool, addr: Option<&str>) -> Ip6Stack {
        let config = if router { Stack6Config::IOS } else { Stack6Config::HOST };
        let mut s = Ip6Stack::new(config, router);
        let i = s.add_iface(
            IfaceName::new(IfaceKind::GigabitEthernet, &[0]),
            Encap::Ethernet,
            Mac([0, 0x50, 0, 0, 0, mac]),
        );
        let configured: Vec<_> = addr.iter().map(|a| (v6(a), 64, Origin::Manual)).collect();
        s.configure(i, !router, &configured);
        s.set_up(i, true);
        s.poll(Time::ZERO);
        s
    }

    /// Move frames between two stacks on one wire, running timers, until `until`.
    fn run(a: &mut Ip6Stack, b: &mut Ip6Stack, from: u64, until: u64) {
        let mut now = from;
        while now <= until {
            for _ in 0..10 {
                let fa: Vec<_> = a.out.drain(..).collect();
                let fb: Vec<_> = b.out.drain(..).collect();
                if fa.is_empty() && fb.is_empty() {
                    break;
                }
                fa.iter().for_each(|(_, f)| b.receive(at(now), 0, f));
                fb.iter().for_each(|(_, f)| a.receive(at(now), 0, f));
            }
            now += 100;
            a.poll(at(now));
            b.poll(at(now));
        }
    }

    #[test]
    fn a_host_autoconfigures_from_the_routers_advertisement_and_pings_it() {
        let mut r = stack(1, true, Some("2001:db8:acad:1::1"));
        let mut pc = stack(2, false, None);
        pc.set_autoconfig(0, true, true);
        run(&mut r, &mut pc, 0, 3000);
        let slaac = pc.ifaces[0].addrs.iter().find(|a| a.origin == Origin::Slaac).expect("a SLAAC address");
        assert_eq!(slaac.addr, v6("2001:db8:acad:1:250:ff:fe00:2"));
        assert!(slaac.usable());
        assert_eq!(
            pc.lookup(v6("2001:db8:ffff::1")).unwrap().next_hop,
            Some(ipv6::link_local(Mac([0, 0x50, 0, 0, 0, 1])))
        );
        let dst = v6("2001:db8:acad:1::1");
        pc.originate(at(3000), dst, None, IpProtocol::Icmpv6, None, |src| {
            icmpv6::emit(&icmpv6::echo(false, 1, 1, b"hi"), src, dst)
        })
        .unwrap();
        run(&mut r, &mut pc, 3000, 3200);
        assert!(matches!(pc.delivered.as_slice(), [Delivery6::EchoReply { from, seq: 1, .. }] if *from == dst));
        // The router learned the host from its solicitation (STALE) and
        // answered at once (DELAY); five seconds on it probes and hears back.
        use crate::proto::ndp::State;
        let host = slaac_addr(&pc);
        let state = |r: &Ip6Stack, ms| {
            let e = r.neighbors.entries().iter().find(|e| e.addr == host).unwrap();
            e.state_at(at(ms), r.neighbors.reachable_time)
        };
        assert_eq!(state(&r, 3200), State::Delay);
        run(&mut r, &mut pc, 3200, 9000);
        assert_eq!(state(&r, 9000), State::Reachable);
        assert_eq!(state(&r, 40_000), State::Stale);
    }

    fn slaac_addr(s: &Ip6Stack) -> Ipv6Addr {
        s.ifaces[0].addrs.iter().find(|a| a.origin == Origin::Slaac).unwrap().addr
    }

    #[test]
    fn the_same_address_twice_is_found_duplicate() {
        let mut a = stack(1, false, None);
        let mut b = stack(2, false, None);
        run(&mut a, &mut b, 0, 2000);
        a.configure(0, true, &[(v6("2001:db8::5"), 64, Origin::Manual)]);
        run(&mut a, &mut b, 2000, 4000);
        b.configure(0, true, &[(v6("2001:db8::5"), 64, Origin::Manual)]);
        run(&mut a, &mut b, 4000, 6000);
        let state = |s: &Ip6Stack| s.ifaces[0].addrs.iter().find(|x| x.addr == v6("2001:db8::5")).unwrap().state;
        assert_eq!(state(&a), AddrState::Preferred);
        assert_eq!(state(&b), AddrState::Duplicate);
    }

    #[test]
    fn a_router_answers_hop_limit_and_no_route_with_errors() {
        let mut r = stack(1, true, Some("2001:db8:1::1"));
        let mut pc = stack(2, false, Some("2001:db8:1::10"));
        pc.statics.push(StaticRoute6 {
            prefix: Ipv6Addr::UNSPECIFIED,
            len: 0,
            iface: None,
            next_hop: Some(v6("2001:db8:1::1")),
            distance: 1,
        });
        pc.rebuild_routes();
        run(&mut r, &mut pc, 0, 1500);
        let dst = v6("2001:db8:99::1");
        // An echo with a hop limit of 1 expires at the router; a full one finds no route.
        let mut echo = |seq: u16, hop_limit: Option<u8>, from: u64| {
            pc.originate(at(from), dst, None, IpProtocol::Icmpv6, hop_limit, |src| {
                icmpv6::emit(&icmpv6::echo(false, 4, seq, b"x"), src, dst)
            })
            .unwrap();
            run(&mut r, &mut pc, from, from + 300);
            std::mem::take(&mut pc.delivered)
        };
        assert!(matches!(
            echo(1, Some(1), 1500).as_slice(),
            [Delivery6::IcmpError { kind: ErrorKind::TtlExceeded, echo: Some((4, 1)), .. }]
        ));
        assert!(matches!(
            echo(2, None, 2000).as_slice(),
            [Delivery6::IcmpError { kind: ErrorKind::NetUnreachable, echo: Some((4, 2)), .. }]
        ));
    }
}
