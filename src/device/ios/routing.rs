//! Routing as configured on an IOS box: whether it routes, its static
//! routes (or a switch's default gateway), OSPF processes, RIP and IPv6 routes.
//! The routing table they produce is the IP stack's.

use std::net::Ipv4Addr;

use crate::base::Model;
use std::collections::BTreeMap;

use crate::proto::ospf::{Instance, Link, OspfProcess};
use crate::proto::rib::{DynamicRoute, Prefix, StaticRoute};
use crate::proto::rip;
use crate::sim::Time;

#[derive(Clone, Debug)]
pub struct Routing {
    /// `ip routing` on a multilayer switch (always on for routers).
    pub ip_routing: bool,
    /// `ip default-gateway` of a switch that does not route.
    pub default_gateway: Option<Ipv4Addr>,
    /// `ip route` statements, in the order they were entered.
    pub static_routes: Vec<StaticRoute>,
    /// `name`, `tag`, `permanent` and `track` options of static routes, by route.
    pub static_route_options: Vec<(StaticRoute, String)>,
    pub ospf: Vec<OspfProcess>,
    /// The running OSPF processes, by process ID.
    pub ospf_running: BTreeMap<u32, Instance>,
    /// What OSPF was last configured from, so unchanged lines cost nothing.
    pub(super) ospf_seen: Option<(Vec<OspfProcess>, Vec<Link>, bool)>,
    /// When each OSPF path was first installed: its age in `show ip route`.
    pub(super) route_since: BTreeMap<(Prefix, Option<Ipv4Addr>, usize), Time>,
    /// OSPF's routes, as last offered to the routing table.
    pub(super) ospf_routes: Vec<DynamicRoute>,
    /// `router rip`, if configured.
    pub rip: Option<rip::RipConfig>,
    /// The running RIP process.
    pub rip_running: Option<rip::Instance>,
    /// What RIP was last configured from.
    pub(super) rip_seen: Option<(rip::RipConfig, Vec<rip::Link>)>,
    /// RIP's routes, as last offered to the routing table.
    pub(super) rip_routes: Vec<DynamicRoute>,
    /// When OSPF, HSRP and RIP next have timed work, kept current by their flushes.
    pub(super) ospf_due: Option<Time>,
    pub(super) hsrp_due: Option<Time>,
    pub(super) rip_due: Option<Time>,
    pub ipv6_routing: bool,
    /// `ipv6 router ospf` processes (OSPFv3; `network` statements unused).
    pub ospf6: Vec<OspfProcess>,
    pub ospf6_running: BTreeMap<u32, crate::proto::ospf3::Instance>,
    /// What OSPFv3 was last configured from (processes, links, fallback router ID).
    pub(super) ospf6_seen: Option<(Vec<OspfProcess>, Vec<crate::proto::ospf3::Link>, Option<Ipv4Addr>)>,
    pub(super) ospf6_due: Option<Time>,
    /// `ipv6 route` statements, in the order they were entered.
    pub ipv6_routes: Vec<super::Ipv6StaticRoute>,
}

impl Routing {
    pub fn new(model: Model) -> Self {
        Routing {
            ip_routing: model == Model::Router,
            default_gateway: None,
            static_routes: Vec::new(),
            static_route_options: Vec::new(),
            ospf: Vec::new(),
            ospf_running: BTreeMap::new(),
            ospf_seen: None,
            route_since: BTreeMap::new(),
            ospf_routes: Vec::new(),
            rip: None,
            rip_running: None,
            rip_seen: None,
            rip_routes: Vec::new(),
            ospf_due: None,
            hsrp_due: None,
            rip_due: None,
            ipv6_routing: false,
            ospf6: Vec::new(),
            ospf6_running: BTreeMap::new(),
            ospf6_seen: None,
            ospf6_due: None,
            ipv6_routes: Vec::new(),
        }
    }
}
