//! `ip route` as IOS keeps it: what a repeated route replaces, what
//! `no ip route` removes, and which routes it refuses.

use std::net::Ipv4Addr;

use super::*;
use crate::proto::ipv4::{mask_bits, prefix_len};

/// An `ip route` line's meaning.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StaticRouteSpec {
    pub network: Ipv4Addr,
    pub mask: Ipv4Addr,
    pub iface: Option<IfaceName>,
    pub next_hop: Option<Ipv4Addr>,
    pub distance: u8,
    /// `name`, `tag`, `track`, `permanent`, as the line gave them (kept for the running-config).
    pub options: String,
}

/// Why a static route was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum RouteError {
    /// The mask is not contiguous, or the network has bits outside it.
    InconsistentMask,
    /// No such layer-3 interface.
    UnknownInterface,
    /// The next hop is one of this router's own addresses.
    NextHopIsLocal,
}

impl Ios {
    fn static_route(&self, spec: &StaticRouteSpec) -> Result<StaticRoute, RouteError> {
        let len = prefix_len(spec.mask).ok_or(RouteError::InconsistentMask)?;
        if u32::from(spec.network) & !mask_bits(len) != 0 {
            return Err(RouteError::InconsistentMask);
        }
        let iface = match &spec.iface {
            Some(n) => Some(self.stack.iface_index(n).ok_or(RouteError::UnknownInterface)?),
            None => None,
        };
        Ok(StaticRoute {
            prefix: Prefix::new(spec.network, len),
            iface,
            next_hop: spec.next_hop,
            distance: spec.distance,
        })
    }

    /// `ip route`: the same prefix through the same next hop and interface
    /// replaces the old route (its distance and options), as on IOS.
    pub fn add_static_route(&mut self, spec: &StaticRouteSpec) -> Result<(), RouteError> {
        let route = self.static_route(spec)?;
        if spec.next_hop.is_some_and(|nh| self.stack.is_local(nh)) {
            return Err(RouteError::NextHopIsLocal);
        }
        let same = |r: &StaticRoute| r.prefix == route.prefix && r.next_hop == route.next_hop && r.iface == route.iface;
        self.routing.static_routes.retain(|r| !same(r));
        self.routing.static_route_options.retain(|(r, _)| !same(r));
        if !spec.options.is_empty() {
            self.routing.static_route_options.push((route.clone(), spec.options.clone()));
        }
        self.routing.static_routes.push(route);
        self.sync_routes();
        Ok(())
    }

    /// `no ip route`: without a next hop or interface, every route to the
    /// prefix goes; with them, only that one.
    pub fn remove_static_route(&mut self, spec: &StaticRouteSpec) -> Result<(), RouteError> {
        let route = self.static_route(spec)?;
        let any_path = route.next_hop.is_none() && route.iface.is_none();
        self.routing.static_routes.retain(|r| {
            !(r.prefix == route.prefix && (any_path || r.next_hop == route.next_hop && r.iface == route.iface))
        });
        self.sync_routes();
        Ok(())
    }
}
