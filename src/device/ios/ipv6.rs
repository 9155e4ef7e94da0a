//! IPv6 on an IOS box: what the CLI configured (interface addresses,
//! `ipv6 enable`, `ipv6 address autoconfig`, `ipv6 nd ...`, `ipv6 route`,
//! `ipv6 unicast-routing`) handed to the IPv6 stack, which runs beside the
//! IPv4 one on the same interface indices.

use std::net::Ipv6Addr;

use super::{Ios, Ipv6Kind};
use crate::base::{IfaceName, Model};
use crate::proto::ip6_stack::{Origin, StaticRoute6};
use crate::proto::ipv6;

/// `ipv6 route PREFIX/LEN [IFACE] [NEXT-HOP] [DISTANCE]` as typed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Ipv6StaticRoute {
    pub prefix: Ipv6Addr,
    pub len: u8,
    pub iface: Option<IfaceName>,
    pub next_hop: Option<Ipv6Addr>,
    /// `None`: the default (1), not rendered.
    pub distance: Option<u8>,
}

/// Why an `ipv6 route` is refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ipv6RouteError {
    /// A link-local next hop needs the exit interface (IOS: "% Interface has to be specified for a link-local nexthop").
    LinkLocalNeedsInterface,
    /// A multicast next hop.
    BadNextHop,
    /// An exit interface the box does not have, or one that is no layer-3 interface.
    UnknownInterface,
}

impl Ios {
    /// Does this box route IPv6 (`ipv6 unicast-routing` on a router or a multilayer switch)?
    pub fn routes_ipv6(&self) -> bool {
        self.routing.ipv6_routing && matches!(self.model, Model::Router | Model::L3Switch)
    }

    /// Add or remove (`no`) an `ipv6 route`; a repeated route with the same
    /// path replaces the old one's distance.
    pub fn set_ipv6_route(&mut self, route: Ipv6StaticRoute, remove: bool) -> Result<(), Ipv6RouteError> {
        if route.iface.as_ref().is_some_and(|name| self.iface(name).and_then(|i| i.stack).is_none()) {
            return Err(Ipv6RouteError::UnknownInterface);
        }
        if let Some(nh) = route.next_hop {
            if nh.is_multicast() || nh.is_unspecified() {
                return Err(Ipv6RouteError::BadNextHop);
            }
            if ipv6::is_link_local(nh) && route.iface.is_none() {
                return Err(Ipv6RouteError::LinkLocalNeedsInterface);
            }
        }
        let prefix = ipv6::network(route.prefix, route.len);
        let same_path = |r: &Ipv6StaticRoute| {
            r.prefix == prefix && r.len == route.len && r.iface == route.iface && r.next_hop == route.next_hop
        };
        let routes = &mut self.routing.ipv6_routes;
        if remove {
            // `no ipv6 route P` with no path removes every route to P.
            let any_path = route.iface.is_none() && route.next_hop.is_none();
            routes.retain(|r| !(r.prefix == prefix && r.len == route.len && (any_path || same_path(r))));
        } else {
            routes.retain(|r| !same_path(r));
            routes.push(Ipv6StaticRoute { prefix, ..route });
        }
        Ok(())
    }

    /// Hand the IPv6 configuration to the stack. Cheap when nothing changed
    /// (it runs after every command and every second).
    pub fn ipv6_sync(&mut self) {
        let forwarding = self.routes_ipv6();
        self.stack6.set_forwarding(forwarding);
        for i in &self.ifaces {
            let Some(s) = i.stack else { continue };
            let mac = self.stack6.ifaces[s].mac;
            let configured: Vec<(Ipv6Addr, u8, Origin)> = i
                .ipv6
                .iter()
                .map(|a| match a.kind {
                    Ipv6Kind::Global => (a.addr, a.len, Origin::Manual),
                    Ipv6Kind::Eui64 => (ipv6::with_interface_id(a.addr, ipv6::eui64(mac)), a.len, Origin::Eui64),
                    Ipv6Kind::LinkLocal => (a.addr, 64, Origin::ManualLinkLocal),
                })
                .collect();
            self.stack6.set_autoconfig(s, i.ipv6_autoconfig, i.ipv6_autoconfig_default);
            self.stack6.configure(s, i.ipv6_enable || i.ipv6_dhcp_client || i.ipv6_autoconfig, &configured);
            self.stack6.set_ra(s, i.ipv6_nd);
        }
        let statics: Vec<StaticRoute6> = self
            .routing
            .ipv6_routes
            .iter()
            .filter_map(|r| {
                let iface = match &r.iface {
                    Some(name) => Some(self.iface(name)?.stack?),
                    None => None,
                };
                Some(StaticRoute6 {
                    prefix: r.prefix,
                    len: r.len,
                    iface,
                    next_hop: r.next_hop,
                    distance: r.distance.unwrap_or(1),
                })
            })
            .collect();
        if statics != self.stack6.statics {
            self.stack6.statics = statics;
            self.stack6.rebuild_routes();
        }
    }
}
