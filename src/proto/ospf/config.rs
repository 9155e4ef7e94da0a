//! OSPF configuration as plain data: `router ospf` processes (router-id,
//! `network ... area`, passive interfaces, reference bandwidth, default
//! origination) and the `ip ospf` settings of an interface. The CLI fills and
//! renders these; [`super::Instance`] runs from them.

use std::fmt;
use std::net::Ipv4Addr;

use crate::base::IfaceName;

/// An area as the user wrote it: `0` or `0.0.0.0`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Area {
    Number(u32),
    Dotted(Ipv4Addr),
}

impl Area {
    pub fn parse(w: &str) -> Option<Area> {
        if let Ok(n) = w.parse::<u32>() {
            return Some(Area::Number(n));
        }
        crate::base::parse_ipv4(w).map(Area::Dotted)
    }

    pub fn id(self) -> u32 {
        match self {
            Area::Number(n) => n,
            Area::Dotted(a) => u32::from(a),
        }
    }
}

impl fmt::Display for Area {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            Area::Number(n) => write!(f, "{n}"),
            Area::Dotted(a) => write!(f, "{a}"),
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NetworkStatement {
    pub addr: Ipv4Addr,
    pub wildcard: Ipv4Addr,
    pub area: Area,
}

impl NetworkStatement {
    /// Does the statement cover this address?
    pub fn covers(&self, ip: Ipv4Addr) -> bool {
        let care = !u32::from(self.wildcard);
        u32::from(ip) & care == u32::from(self.addr) & care
    }
}

/// Which neighbour changes the console logs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default)]
pub enum AdjacencyLog {
    /// Reaching FULL and falling to DOWN (IOS's default).
    #[default]
    Changes,
    /// Every state change (`log-adjacency-changes detail`).
    Detail,
    /// None (`no log-adjacency-changes`).
    Off,
}

#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OspfProcess {
    pub pid: u32,
    pub router_id: Option<Ipv4Addr>,
    pub networks: Vec<NetworkStatement>,
    pub passive_default: bool,
    pub passive: Vec<IfaceName>,
    /// Exceptions to `passive-interface default`.
    pub not_passive: Vec<IfaceName>,
    /// `auto-cost reference-bandwidth` in Mb/s (IOS's default: 100).
    pub reference_bandwidth: Option<u32>,
    /// `default-information originate` (`Some(true)` with `always`).
    pub default_originate: Option<bool>,
    /// `log-adjacency-changes [detail]` / `no log-adjacency-changes`.
    pub log_adjacency: AdjacencyLog,
}

impl OspfProcess {
    /// The area an interface with this address is in, by the most specific
    /// `network` statement that covers it.
    pub fn area_of(&self, ip: Ipv4Addr) -> Option<Area> {
        self.networks
            .iter()
            .filter(|n| n.covers(ip))
            .max_by_key(|n| (!u32::from(n.wildcard)).count_ones())
            .map(|n| n.area)
    }

    pub fn is_passive(&self, name: &IfaceName) -> bool {
        if self.passive_default {
            !self.not_passive.contains(name)
        } else {
            self.passive.contains(name)
        }
    }
}

/// `ip ospf ...` on an interface.
#[derive(Clone, Debug, PartialEq, Eq, Default)]
pub struct OspfIface {
    pub process_area: Option<(u32, Area)>,
    pub cost: Option<u32>,
    pub priority: Option<u8>,
    pub hello: Option<u32>,
    pub dead: Option<u32>,
    pub point_to_point: bool,
}
