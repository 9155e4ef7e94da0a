//! The routing table: connected, local and static routes and the routes
//! routing protocols hand it, chosen by administrative distance, with
//! recursive next hops; and the forwarding table (longest-prefix match)
//! derived from it, one hash map per prefix length. Rebuilt from scratch
//! whenever an input changes, so it can never drift from its sources.

use std::collections::HashMap;
use std::fmt;
use std::hash::{BuildHasherDefault, Hasher};
use std::net::Ipv4Addr;

use crate::sim::Time;

use super::ipv4::{mask_bits, network};

/// An IPv4 prefix in canonical form (host bits zero).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Prefix {
    pub addr: Ipv4Addr,
    pub len: u8,
}

impl Prefix {
    pub fn new(addr: Ipv4Addr, len: u8) -> Self {
        let len = len.min(32);
        Prefix { addr: network(addr, len), len }
    }
    pub const DEFAULT: Prefix = Prefix { addr: Ipv4Addr::UNSPECIFIED, len: 0 };

    pub fn contains(&self, ip: Ipv4Addr) -> bool {
        u32::from(ip) & mask_bits(self.len) == u32::from(self.addr)
    }
}

impl fmt::Display for Prefix {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        write!(f, "{}/{}", self.addr, self.len)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Source {
    Connected,
    Local,
    Static,
    /// OSPF intra-area.
    Ospf,
    OspfInterArea,
    OspfExternal1,
    OspfExternal2,
    Rip,
}

impl Source {
    /// The code `show ip route` prints in its first column.
    pub fn code(self) -> &'static str {
        match self {
            Source::Connected => "C",
            Source::Local => "L",
            Source::Static => "S",
            Source::Ospf => "O",
            Source::OspfInterArea => "O IA",
            Source::OspfExternal1 => "O E1",
            Source::OspfExternal2 => "O E2",
            Source::Rip => "R",
        }
    }

    /// Learned from a routing protocol (shown with its age).
    pub fn is_dynamic(self) -> bool {
        !matches!(self, Source::Connected | Source::Local | Source::Static)
    }

    pub fn is_ospf(self) -> bool {
        matches!(self, Source::Ospf | Source::OspfInterArea | Source::OspfExternal1 | Source::OspfExternal2)
    }
}

/// A route a routing protocol offers the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DynamicRoute {
    pub prefix: Prefix,
    pub source: Source,
    pub distance: u8,
    pub metric: u32,
    pub next_hop: Option<Ipv4Addr>,
    pub iface: usize,
    /// When the protocol first installed this path (for its age in `show ip route`).
    pub since: Time,
    /// RIP's "possibly down": advertised unreachable, still forwarded on until flushed.
    pub possibly_down: bool,
}

/// A configured static route (`ip route PREFIX MASK {NEXT-HOP | IFACE [NEXT-HOP]} [AD]`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct StaticRoute {
    pub prefix: Prefix,
    /// The exit interface, as an index into the owning IP stack's interfaces.
    pub iface: Option<usize>,
    pub next_hop: Option<Ipv4Addr>,
    pub distance: u8,
}

/// An installed route, one per path.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub prefix: Prefix,
    pub source: Source,
    pub distance: u8,
    pub metric: u32,
    pub next_hop: Option<Ipv4Addr>,
    pub iface: Option<usize>,
    /// When a protocol learned it.
    pub since: Option<Time>,
    /// Held down by RIP (`is possibly down` in `show ip route`).
    pub possibly_down: bool,
}

/// Where to send a packet: out of `iface`, to `next_hop` (or to the destination
/// itself when the network is directly attached).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    pub iface: usize,
    pub next_hop: Option<Ipv4Addr>,
}

/// An interface as the routing table sees it.
#[derive(Clone, Copy, Debug)]
pub struct ConnectedIface {
    pub index: usize,
    pub addr: Ipv4Addr,
    pub len: u8,
    pub up: bool,
}

/// The forwarding table: for each prefix length in use, longest first, the
/// next hop of each network, and the equal-cost paths among which a flow
/// picks one.
#[derive(Clone, Debug, Default)]
struct Fib {
    /// Up to [`SMALL_FIB`] entries, longest prefix first: a scan of a few
    /// cache lines beats hashing.
    small: Vec<(u32, u32, FibEntry)>,
    /// Beyond that, one map per prefix length, longest first.
    by_len: Vec<(u8, NetworkMap)>,
    /// Equal-cost paths of the networks that have more than one.
    ecmp: Vec<Vec<Hop>>,
}

/// The networks of one prefix length, by network number.
type NetworkMap = HashMap<u32, FibEntry, BuildHasherDefault<NetworkHasher>>;

/// A network's first path, and its group of equal-cost paths if it has one.
#[derive(Clone, Copy, Debug)]
struct FibEntry {
    first: Hop,
    group: u32,
}

const SINGLE_PATH: u32 = u32::MAX;

/// The hash that spreads flows over equal-cost paths: both addresses and the
/// router's seed, mixed so that neighbouring addresses land apart.
fn flow_hash(src: Ipv4Addr, dst: Ipv4Addr, seed: u32) -> u32 {
    let x = (u64::from(u32::from(src)) << 32 | u64::from(u32::from(dst))) ^ u64::from(seed).wrapping_mul(0x9E37_79B9);
    let x = (x ^ (x >> 33)).wrapping_mul(0xFF51_AFD7_ED55_8CCD);
    let x = (x ^ (x >> 33)).wrapping_mul(0xC4CE_B9FE_1A85_EC53);
    ((x ^ (x >> 33)) >> 16) as u32
}

/// How many forwarding entries a table scans before it hashes.
const SMALL_FIB: usize = 64;

/// Hashes a network number with one multiplication: lookups are on the
/// forwarding path, and the keys (addresses) need no protection from
/// collisions chosen by an attacker. The fold brings the product's well-mixed
/// high bits down to the low ones that pick the bucket (network numbers end
/// in zero bits).
#[derive(Default)]
struct NetworkHasher(u64);

impl Hasher for NetworkHasher {
    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.write_u32(u32::from(*b) ^ (self.0 as u32));
        }
    }

    fn write_u32(&mut self, n: u32) {
        let p = u64::from(n).wrapping_mul(0x9E37_79B9_7F4A_7C15);
        self.0 = p ^ (p >> 29);
    }

    fn finish(&self) -> u64 {
        self.0
    }
}

impl Fib {
    /// Add a path to a network; a second, different path makes an
    /// equal-cost group (the RIB installs only paths of the best distance).
    fn insert(&mut self, prefix: Prefix, hop: Hop) {
        let at = match self.by_len.iter().position(|(l, _)| *l == prefix.len) {
            Some(at) => at,
            None => {
                self.by_len.push((prefix.len, HashMap::default()));
                self.by_len.sort_by(|a, b| b.0.cmp(&a.0));
                self.by_len.iter().position(|(l, _)| *l == prefix.len).expect("just added")
            }
        };
        let ecmp = &mut self.ecmp;
        let entry =
            self.by_len[at].1.entry(u32::from(prefix.addr)).or_insert(FibEntry { first: hop, group: SINGLE_PATH });
        if entry.first == hop {
            return;
        }
        if entry.group == SINGLE_PATH {
            entry.group = ecmp.len() as u32;
            ecmp.push(vec![entry.first]);
        }
        let group = &mut ecmp[entry.group as usize];
        if !group.contains(&hop) {
            group.push(hop);
        }
    }

    #[inline]
    fn entry(&self, dst: Ipv4Addr) -> Option<FibEntry> {
        let d = u32::from(dst);
        if self.by_len.is_empty() {
            return self.small.iter().find(|(net, mask, _)| d & mask == *net).map(|e| e.2);
        }
        self.by_len.iter().find_map(|(len, nets)| nets.get(&(d & mask_bits(*len))).copied())
    }

    /// Settle the layout once every entry is in: a short table is scanned.
    fn finish(&mut self) {
        let entries: usize = self.by_len.iter().map(|(_, m)| m.len()).sum();
        if entries <= SMALL_FIB {
            for (len, nets) in std::mem::take(&mut self.by_len) {
                let mut at_len: Vec<(u32, u32, FibEntry)> =
                    nets.into_iter().map(|(net, entry)| (net, mask_bits(len), entry)).collect();
                at_len.sort_by_key(|e| e.0);
                self.small.extend(at_len);
            }
        }
    }
}

#[derive(Clone, Debug, Default)]
pub struct Rib {
    routes: Vec<Route>,
    fib: Fib,
}

const MAX_RECURSION: usize = 8;

impl Rib {
    /// Build the table from the interfaces, the static routes and what the
    /// routing protocols offer. For each prefix only the sources with the
    /// lowest administrative distance are installed.
    pub fn build(
        ifaces: &[ConnectedIface],
        statics: &[StaticRoute],
        dynamic: &[DynamicRoute],
        with_local: bool,
    ) -> Rib {
        let mut routes = Vec::new();
        for i in ifaces.iter().filter(|i| i.up) {
            let connected = Prefix::new(i.addr, i.len);
            if !routes.iter().any(|r: &Route| r.prefix == connected && r.source == Source::Connected) {
                routes.push(Route {
                    prefix: connected,
                    source: Source::Connected,
                    distance: 0,
                    metric: 0,
                    next_hop: None,
                    iface: Some(i.index),
                    since: None,
                    possibly_down: false,
                });
            }
            if with_local && i.len < 32 {
                routes.push(Route {
                    prefix: Prefix::new(i.addr, 32),
                    source: Source::Local,
                    distance: 0,
                    metric: 0,
                    next_hop: None,
                    iface: Some(i.index),
                    since: None,
                    possibly_down: false,
                });
            }
        }
        let iface_up = |idx: usize| ifaces.iter().any(|i| i.index == idx && i.up);
        // Protocol routes first, so that a floating static (a distance above
        // theirs) stays out while they last.
        // The lowest distance first: OSPF's route keeps RIP's for the same prefix out.
        let mut offered: Vec<&DynamicRoute> = dynamic.iter().filter(|d| iface_up(d.iface)).collect();
        offered.sort_by_key(|d| d.distance);
        for d in offered {
            let better = routes.iter().any(|r| r.prefix == d.prefix && r.distance < d.distance);
            if !better {
                routes.push(Route {
                    prefix: d.prefix,
                    source: d.source,
                    distance: d.distance,
                    metric: d.metric,
                    next_hop: d.next_hop,
                    iface: Some(d.iface),
                    since: Some(d.since),
                    possibly_down: d.possibly_down,
                });
            }
        }

        // Installing one static can make another's next hop reachable, so repeat
        // until nothing changes (bounded: each pass installs at least one prefix).
        let mut installed: Vec<Prefix> = Vec::new();
        for _ in 0..=statics.len() {
            let mut changed = false;
            let mut candidates: Vec<&StaticRoute> = statics
                .iter()
                .filter(|s| !installed.contains(&s.prefix))
                .filter(|s| match (s.iface, s.next_hop) {
                    (Some(i), _) => iface_up(i),
                    (None, Some(nh)) => resolve(&routes, nh, Some(s.prefix), 0).is_some(),
                    (None, None) => false,
                })
                .collect();
            candidates.sort_by_key(|s| (s.prefix, s.distance));
            let mut i = 0;
            while i < candidates.len() {
                let prefix = candidates[i].prefix;
                let best = candidates[i].distance;
                let better_exists = routes.iter().any(|r| r.prefix == prefix && r.distance < best);
                while i < candidates.len() && candidates[i].prefix == prefix {
                    let s = candidates[i];
                    if s.distance == best && !better_exists {
                        // A static better than a protocol's route replaces it.
                        routes.retain(|r| !(r.prefix == prefix && r.source.is_dynamic() && r.distance > s.distance));
                        routes.push(Route {
                            prefix,
                            source: Source::Static,
                            distance: s.distance,
                            metric: 0,
                            next_hop: s.next_hop,
                            iface: s.iface,
                            since: None,
                            possibly_down: false,
                        });
                        changed = true;
                    }
                    i += 1;
                }
                if !better_exists {
                    installed.push(prefix);
                }
            }
            if !changed {
                break;
            }
        }
        routes.sort_by(|a, b| (a.prefix.addr, a.prefix.len, a.source).cmp(&(b.prefix.addr, b.prefix.len, b.source)));

        let mut fib = Fib::default();
        for r in routes.iter().filter(|r| r.source != Source::Local) {
            let hop = match (r.iface, r.next_hop) {
                (Some(iface), nh) => Some(Hop { iface, next_hop: nh }),
                (None, Some(nh)) => resolve(&routes, nh, Some(r.prefix), 0),
                (None, None) => None,
            };
            if let Some(hop) = hop {
                fib.insert(r.prefix, hop);
            }
        }
        fib.finish();
        Rib { routes, fib }
    }

    /// Longest-prefix match; of equal-cost paths, the first.
    #[inline]
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<Hop> {
        self.fib.entry(dst).map(|e| e.first)
    }

    /// Longest-prefix match for a flow: of equal-cost paths, the one a hash
    /// of the source and destination picks, as CEF shares load per
    /// destination by default (every packet of a conversation takes the same
    /// path, so none arrive out of order, and conversations spread over the
    /// paths). `seed` is the router's own (CEF's universal algorithm), so
    /// routers in a row do not all pick the same path.
    #[inline]
    pub fn lookup_flow(&self, src: Ipv4Addr, dst: Ipv4Addr, seed: u32) -> Option<Hop> {
        let entry = self.fib.entry(dst)?;
        if entry.group == SINGLE_PATH {
            return Some(entry.first);
        }
        let paths = &self.fib.ecmp[entry.group as usize];
        Some(paths[flow_hash(src, dst, seed) as usize % paths.len()])
    }

    /// The equal-cost paths to `dst` (one when there is no choice).
    pub fn paths(&self, dst: Ipv4Addr) -> Vec<Hop> {
        match self.fib.entry(dst) {
            None => Vec::new(),
            Some(e) if e.group == SINGLE_PATH => vec![e.first],
            Some(e) => self.fib.ecmp[e.group as usize].clone(),
        }
    }

    /// Installed routes in address order.
    pub fn routes(&self) -> &[Route] {
        &self.routes
    }

    /// The next hop of the installed default route, if any.
    pub fn gateway_of_last_resort(&self) -> Option<(Ipv4Addr, Prefix)> {
        self.routes
            .iter()
            .find(|r| r.prefix == Prefix::DEFAULT)
            .map(|r| (r.next_hop.unwrap_or(Ipv4Addr::UNSPECIFIED), r.prefix))
    }
}

/// Resolve a next hop recursively to an exit interface, never through the
/// route being resolved (`excluding`).
fn resolve(routes: &[Route], nh: Ipv4Addr, excluding: Option<Prefix>, depth: usize) -> Option<Hop> {
    if depth > MAX_RECURSION {
        return None;
    }
    let best = routes
        .iter()
        .filter(|r| r.source != Source::Local && Some(r.prefix) != excluding && r.prefix.contains(nh))
        .max_by_key(|r| r.prefix.len)?;
    match (best.source, best.iface, best.next_hop) {
        (Source::Connected, Some(iface), _) => Some(Hop { iface, next_hop: Some(nh) }),
        (_, Some(iface), None) => Some(Hop { iface, next_hop: Some(nh) }),
        (_, Some(iface), Some(nh2)) => Some(Hop { iface, next_hop: Some(nh2) }),
        (_, None, Some(nh2)) => resolve(routes, nh2, Some(best.prefix), depth + 1),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ip(s: &str) -> Ipv4Addr {
        s.parse().unwrap()
    }
    fn iface(index: usize, addr: &str, len: u8, up: bool) -> ConnectedIface {
        ConnectedIface { index, addr: ip(addr), len, up }
    }
    fn via(prefix: &str, len: u8, nh: &str, distance: u8) -> StaticRoute {
        StaticRoute { prefix: Prefix::new(ip(prefix), len), iface: None, next_hop: Some(ip(nh)), distance }
    }

    impl Rib {
        fn build_test(ifaces: &[ConnectedIface], statics: &[StaticRoute], with_local: bool) -> Rib {
            Rib::build(ifaces, statics, &[], with_local)
        }
    }

    #[test]
    fn connected_and_local_routes() {
        let rib = Rib::build_test(&[iface(0, "10.0.0.1", 24, true), iface(1, "10.1.0.1", 24, false)], &[], true);
        let codes: Vec<_> = rib.routes().iter().map(|r| (r.source.code(), r.prefix.to_string())).collect();
        assert_eq!(codes, [("C", "10.0.0.0/24".to_string()), ("L", "10.0.0.1/32".to_string())]);
        assert_eq!(rib.lookup(ip("10.0.0.9")), Some(Hop { iface: 0, next_hop: None }));
        assert_eq!(rib.lookup(ip("10.1.0.9")), None, "down interface has no route");
    }

    #[test]
    fn equal_cost_paths_share_flows_and_keep_each_flow_on_one_path() {
        let ifs = [iface(0, "10.0.12.1", 30, true), iface(1, "10.0.13.1", 30, true)];
        let statics = [via("0.0.0.0", 0, "10.0.12.2", 1), via("0.0.0.0", 0, "10.0.13.2", 1)];
        for entries in [0, 70] {
            // A small table is scanned, a large one hashed: both keep the group.
            let mut more: Vec<StaticRoute> = statics.to_vec();
            more.extend((0..entries).map(|k| via(&format!("172.20.{k}.0"), 24, "10.0.12.2", 1)));
            let rib = Rib::build_test(&ifs, &more, true);
            assert_eq!(rib.paths(ip("8.8.8.8")).len(), 2);
            let mut used = [0; 2];
            for k in 0..64u8 {
                let (src, dst) = (ip(&format!("192.168.1.{k}")), ip("8.8.8.8"));
                let hop = rib.lookup_flow(src, dst, 7).unwrap();
                assert_eq!(rib.lookup_flow(src, dst, 7), Some(hop), "a flow keeps its path");
                used[hop.iface] += 1;
            }
            assert!(used[0] > 16 && used[1] > 16, "flows spread over both paths: {used:?}");
            assert_eq!(rib.lookup(ip("8.8.8.8")), Some(Hop { iface: 0, next_hop: Some(ip("10.0.12.2")) }));
        }
    }

    #[test]
    fn longest_prefix_and_recursive_next_hop() {
        let ifs = [iface(0, "10.0.12.1", 30, true), iface(1, "10.0.13.1", 30, true)];
        let statics = [
            via("0.0.0.0", 0, "10.0.12.2", 1),
            via("10.3.3.0", 24, "10.0.13.2", 1),
            via("172.16.0.0", 16, "10.3.3.1", 1), // recursive through the /24 static
        ];
        let rib = Rib::build_test(&ifs, &statics, true);
        assert_eq!(rib.lookup(ip("10.3.3.30")), Some(Hop { iface: 1, next_hop: Some(ip("10.0.13.2")) }));
        assert_eq!(rib.lookup(ip("8.8.8.8")), Some(Hop { iface: 0, next_hop: Some(ip("10.0.12.2")) }));
        assert_eq!(rib.lookup(ip("172.16.5.5")), Some(Hop { iface: 1, next_hop: Some(ip("10.0.13.2")) }));
        assert_eq!(rib.gateway_of_last_resort().map(|g| g.0), Some(ip("10.0.12.2")));
    }

    #[test]
    fn floating_static_takes_over_when_primary_is_unusable() {
        let statics = [via("10.3.0.0", 16, "10.0.12.2", 1), via("10.3.0.0", 16, "10.0.13.2", 5)];
        let up = Rib::build_test(&[iface(0, "10.0.12.1", 30, true), iface(1, "10.0.13.1", 30, true)], &statics, true);
        let s: Vec<_> = up.routes().iter().filter(|r| r.source == Source::Static).collect();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].distance, 1);
        let down =
            Rib::build_test(&[iface(0, "10.0.12.1", 30, false), iface(1, "10.0.13.1", 30, true)], &statics, true);
        let s: Vec<_> = down.routes().iter().filter(|r| r.source == Source::Static).collect();
        assert_eq!((s.len(), s[0].distance), (1, 5));
        assert_eq!(down.lookup(ip("10.3.1.1")).unwrap().iface, 1);
    }

    #[test]
    fn unresolvable_and_self_recursive_statics_are_not_installed() {
        let statics = [via("10.9.0.0", 16, "10.9.0.1", 1), via("10.8.0.0", 16, "192.168.99.1", 1)];
        let rib = Rib::build_test(&[iface(0, "10.0.0.1", 24, true)], &statics, true);
        assert!(rib.routes().iter().all(|r| r.source != Source::Static));
    }

    #[test]
    fn equal_cost_statics_are_both_installed() {
        let statics = [via("10.3.0.0", 16, "10.0.12.2", 1), via("10.3.0.0", 16, "10.0.13.2", 1)];
        let rib = Rib::build_test(&[iface(0, "10.0.12.1", 30, true), iface(1, "10.0.13.1", 30, true)], &statics, true);
        assert_eq!(rib.routes().iter().filter(|r| r.source == Source::Static).count(), 2);
    }

    #[test]
    fn a_protocol_route_keeps_a_floating_static_out_and_loses_to_a_static() {
        let ifs = [iface(0, "10.0.12.1", 30, true), iface(1, "10.0.13.1", 30, true)];
        let ospf = DynamicRoute {
            prefix: Prefix::new(ip("10.3.0.0"), 16),
            source: Source::Ospf,
            distance: 110,
            metric: 65,
            next_hop: Some(ip("10.0.12.2")),
            iface: 0,
            since: Time::ZERO,
            possibly_down: false,
        };
        let floating = via("10.3.0.0", 16, "10.0.13.2", 120);
        let rib = Rib::build(&ifs, &[floating.clone()], &[ospf.clone()], true);
        let sources: Vec<_> = rib.routes().iter().filter(|r| r.prefix.len == 16).map(|r| r.source).collect();
        assert_eq!(sources, [Source::Ospf]);
        let primary = via("10.3.0.0", 16, "10.0.13.2", 1);
        let rib = Rib::build(&ifs, &[primary], &[ospf], true);
        let sources: Vec<_> = rib.routes().iter().filter(|r| r.prefix.len == 16).map(|r| r.source).collect();
        assert_eq!(sources, [Source::Static]);
        assert_eq!(rib.lookup(ip("10.3.9.9")).unwrap().iface, 1);
    }
}
