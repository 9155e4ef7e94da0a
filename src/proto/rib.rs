//! The routing table: connected, local and static routes, administrative
//! distance, recursive next hops, and the forwarding table (longest-prefix
//! match) derived from it. Rebuilt from scratch whenever an input changes, so it
//! can never drift from the configuration.

use std::fmt;
use std::net::Ipv4Addr;

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

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Source {
    Connected,
    Local,
    Static,
}

impl Source {
    /// The code `show ip route` prints in its first column.
    pub fn code(self) -> &'static str {
        match self {
            Source::Connected => "C",
            Source::Local => "L",
            Source::Static => "S",
        }
    }
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
}

/// Where to send a packet: out of `iface`, to `next_hop` (or to the destination
/// itself when the network is directly attached).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Hop {
    pub iface: usize,
    pub next_hop: Option<Ipv4Addr>,
}

#[derive(Clone, Copy, Debug)]
struct FibEntry {
    net: u32,
    mask: u32,
    hop: Hop,
}

/// An interface as the routing table sees it.
#[derive(Clone, Copy, Debug)]
pub struct ConnectedIface {
    pub index: usize,
    pub addr: Ipv4Addr,
    pub len: u8,
    pub up: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Rib {
    routes: Vec<Route>,
    fib: Vec<FibEntry>,
}

const MAX_RECURSION: usize = 8;

impl Rib {
    /// Build the table from the interfaces and the static routes.
    pub fn build(ifaces: &[ConnectedIface], statics: &[StaticRoute], with_local: bool) -> Rib {
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
                });
            }
        }
        let iface_up = |idx: usize| ifaces.iter().any(|i| i.index == idx && i.up);

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
                        routes.push(Route {
                            prefix,
                            source: Source::Static,
                            distance: s.distance,
                            metric: 0,
                            next_hop: s.next_hop,
                            iface: s.iface,
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

        let mut fib: Vec<FibEntry> = routes
            .iter()
            .filter(|r| r.source != Source::Local)
            .filter_map(|r| {
                let hop = match (r.iface, r.next_hop) {
                    (Some(iface), nh) => Hop { iface, next_hop: nh },
                    (None, Some(nh)) => resolve(&routes, nh, Some(r.prefix), 0)?,
                    (None, None) => return None,
                };
                Some(FibEntry { net: u32::from(r.prefix.addr), mask: mask_bits(r.prefix.len), hop })
            })
            .collect();
        // Longest prefix first; the sort is stable so equal-cost paths keep their order.
        fib.sort_by(|a, b| b.mask.count_ones().cmp(&a.mask.count_ones()));
        Rib { routes, fib }
    }

    /// Longest-prefix match.
    pub fn lookup(&self, dst: Ipv4Addr) -> Option<Hop> {
        let d = u32::from(dst);
        self.fib.iter().find(|e| d & e.mask == e.net).map(|e| e.hop)
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

    #[test]
    fn connected_and_local_routes() {
        let rib = Rib::build(&[iface(0, "10.0.0.1", 24, true), iface(1, "10.1.0.1", 24, false)], &[], true);
        let codes: Vec<_> = rib.routes().iter().map(|r| (r.source.code(), r.prefix.to_string())).collect();
        assert_eq!(codes, [("C", "10.0.0.0/24".to_string()), ("L", "10.0.0.1/32".to_string())]);
        assert_eq!(rib.lookup(ip("10.0.0.9")), Some(Hop { iface: 0, next_hop: None }));
        assert_eq!(rib.lookup(ip("10.1.0.9")), None, "down interface has no route");
    }

    #[test]
    fn longest_prefix_and_recursive_next_hop() {
        let ifs = [iface(0, "10.0.12.1", 30, true), iface(1, "10.0.13.1", 30, true)];
        let statics = [
            via("0.0.0.0", 0, "10.0.12.2", 1),
            via("10.3.3.0", 24, "10.0.13.2", 1),
            via("172.16.0.0", 16, "10.3.3.1", 1), // recursive through the /24 static
        ];
        let rib = Rib::build(&ifs, &statics, true);
        assert_eq!(rib.lookup(ip("10.3.3.30")), Some(Hop { iface: 1, next_hop: Some(ip("10.0.13.2")) }));
        assert_eq!(rib.lookup(ip("8.8.8.8")), Some(Hop { iface: 0, next_hop: Some(ip("10.0.12.2")) }));
        assert_eq!(rib.lookup(ip("172.16.5.5")), Some(Hop { iface: 1, next_hop: Some(ip("10.0.13.2")) }));
        assert_eq!(rib.gateway_of_last_resort().map(|g| g.0), Some(ip("10.0.12.2")));
    }

    #[test]
    fn floating_static_takes_over_when_primary_is_unusable() {
        let statics = [via("10.3.0.0", 16, "10.0.12.2", 1), via("10.3.0.0", 16, "10.0.13.2", 5)];
        let up = Rib::build(&[iface(0, "10.0.12.1", 30, true), iface(1, "10.0.13.1", 30, true)], &statics, true);
        let s: Vec<_> = up.routes().iter().filter(|r| r.source == Source::Static).collect();
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].distance, 1);
        let down = Rib::build(&[iface(0, "10.0.12.1", 30, false), iface(1, "10.0.13.1", 30, true)], &statics, true);
        let s: Vec<_> = down.routes().iter().filter(|r| r.source == Source::Static).collect();
        assert_eq!((s.len(), s[0].distance), (1, 5));
        assert_eq!(down.lookup(ip("10.3.1.1")).unwrap().iface, 1);
    }

    #[test]
    fn unresolvable_and_self_recursive_statics_are_not_installed() {
        let statics = [via("10.9.0.0", 16, "10.9.0.1", 1), via("10.8.0.0", 16, "192.168.99.1", 1)];
        let rib = Rib::build(&[iface(0, "10.0.0.1", 24, true)], &statics, true);
        assert!(rib.routes().iter().all(|r| r.source != Source::Static));
    }

    #[test]
    fn equal_cost_statics_are_both_installed() {
        let statics = [via("10.3.0.0", 16, "10.0.12.2", 1), via("10.3.0.0", 16, "10.0.13.2", 1)];
        let rib = Rib::build(&[iface(0, "10.0.12.1", 30, true), iface(1, "10.0.13.1", 30, true)], &statics, true);
        assert_eq!(rib.routes().iter().filter(|r| r.source == Source::Static).count(), 2);
    }
}
