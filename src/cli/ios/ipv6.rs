//! IPv6 at the IOS CLI: `ipv6 unicast-routing` and `ipv6 route` in global
//! configuration; `ipv6 address|enable|nd` under an interface; `show ipv6
//! interface [brief]`, `show ipv6 route`, `show ipv6 neighbors` and `clear
//! ipv6 neighbors`; the running-config lines of all of it. IOS prints
//! IPv6 addresses in capitals.

use std::net::Ipv6Addr;

use super::tree::{Arg, Node};
use super::{arg, kw, Cx, Handler, Tree};
use crate::base::{IfaceName, Model};
use crate::cli::Rejection;
use crate::device::ios::{Dhcp6Role, Ios, IosIface, Ipv6Address, Ipv6Kind, Ipv6RouteError, Ipv6StaticRoute};
use crate::device::Mode;
use crate::device::{Device, Role};
use crate::proto::dhcpv6::Pool;
use crate::proto::ip6_stack::{AddrState, Ip6Iface, Origin, Route6, Source6};
use crate::proto::ipv6;
use crate::sim::Time;

fn layer3(m: Model) -> bool {
    m != Model::Switch
}

/// IOS prints IPv6 addresses in capitals.
pub fn v6_text(a: Ipv6Addr) -> String {
    a.to_string().to_uppercase()
}

/// `2001:DB8::1/64` → (address, 64); without a length, 128 when allowed.
fn parse_v6(text: &str, needs_len: bool) -> Option<(Ipv6Addr, u8)> {
    match text.split_once('/') {
        Some((a, l)) => Some((a.parse().ok()?, l.parse::<u8>().ok().filter(|&l| l <= 128)?)),
        None if !needs_len => Some((text.parse().ok()?, 128)),
        None => None,
    }
}

/// `ipv6 ...` in global configuration.
pub fn global() -> Node<Handler> {
    let distance = || arg(Arg::Num(1, 254), "Administrative distance").run(route);
    let next_hop = || arg(Arg::Word, "IPv6 address of next-hop").run(route).sub(vec![distance()]);
    kw("ipv6", "Global IPv6 configuration commands").when(layer3).sub(vec![
        kw("unicast-routing", "Enable unicast routing").run(unicast_routing),
        kw("access-list", "Configure access lists").sub(vec![arg(
            Arg::Word,
            "User selected string identifying this access list",
        )
        .run(super::acl::ipv6_list)
        .no(super::acl::ipv6_list)]),
        kw("dhcp", "IPv6 DHCP configuration").sub(vec![kw("pool", "Configure IPv6 DHCP pool").sub(vec![arg(
            Arg::Word,
            "DHCP pool name",
        )
        .run(dhcp_pool_enter)
        .no(dhcp_pool_enter)])]),
        super::ospf6::global_router(),
        kw("route", "Configure static routes").sub(vec![arg(Arg::Word, "IPv6 prefix")
            .no(route)
            .sub(vec![arg(Arg::Iface, "").run(route).sub(vec![next_hop(), distance()]), next_hop()])]),
    ])
}

/// `ipv6 ...` under an interface.
pub fn interface() -> Node<Handler> {
    let flag = |word, help| kw(word, help).run(nd);
    kw("ipv6", "IPv6 interface subcommands").when(layer3).sub(vec![
        kw("address", "Configure IPv6 address on interface").no(address).sub(vec![
            kw("autoconfig", "Obtain address using autoconfiguration").run(autoconfig).sub(vec![kw(
                "default",
                "Insert default route",
            )
            .run(autoconfig)]),
            kw("dhcp", "Obtain IPv6 address from DHCP server").run(address_dhcp),
            arg(Arg::Word, "IPv6 address / prefix").run(address).sub(vec![
                kw("link-local", "Use link-local address").run(address),
                kw("eui-64", "Use eui-64 interface identifier").run(address),
            ]),
        ]),
        kw("enable", "Enable IPv6 on interface").run(enable),
        super::routing::interface_ospf_with(super::routing::if_ospf6),
        kw("traffic-filter", "Access control list for packets").no(super::acl::traffic_filter).sub(vec![arg(
            Arg::Word,
            "Access-list name",
        )
        .no(super::acl::traffic_filter)
        .sub(vec![
            kw("in", "inbound packets").run(super::acl::traffic_filter),
            kw("out", "outbound packets").run(super::acl::traffic_filter),
        ])]),
        kw("dhcp", "IPv6 DHCP interface subcommands").sub(vec![
            kw("server", "Configure IPv6 DHCP server on this interface").no(dhcp_role).sub(vec![arg(
                Arg::Word,
                "Name of IPv6 DHCP pool",
            )
            .run(dhcp_role)]),
            kw("relay", "Act as an IPv6 DHCP relay agent").sub(vec![kw("destination", "Configure relay destination")
                .no(dhcp_role)
                .sub(vec![arg(Arg::Word, "IPv6 address")
                    .run(dhcp_role)
                    .sub(vec![arg(Arg::Iface, "").run(dhcp_role)])])]),
        ]),
        kw("nd", "IPv6 interface Neighbor Discovery subcommands").sub(vec![
            kw("prefix", "Configure IPv6 Routing Prefix Advertisement").sub(vec![kw(
                "default",
                "Specify prefix default parameters",
            )
            .sub(vec![flag("no-autoconfig", "Do not use prefix for autoconfiguration")])]),
            flag("managed-config-flag", "Hosts should use DHCP for address config"),
            flag("other-config-flag", "Hosts should use DHCP for non-address config"),
            kw("ra", "Router Advertisement control").sub(vec![
                kw("interval", "Set IPv6 Router Advertisement Interval").no(nd).sub(vec![arg(
                    Arg::Num(4, 1800),
                    "RA Interval (sec)",
                )
                .run(nd)]),
                kw("lifetime", "Set IPv6 Router Advertisement Lifetime").no(nd).sub(vec![arg(
                    Arg::Num(0, 9000),
                    "RA Lifetime (seconds)",
                )
                .run(nd)]),
                flag("suppress", "Suppress IPv6 Router Advertisements").sub(vec![flag("all", "Suppress all IPv6 RA")]),
            ]),
        ]),
    ])
}

fn unicast_routing(cx: &mut Cx) {
    let on = !cx.negated;
    cx.ios().routing.ipv6_routing = on;
}

fn address(cx: &mut Cx) {
    let negated = cx.negated;
    let kind = if cx.has("link-local") {
        Ipv6Kind::LinkLocal
    } else if cx.has("eui-64") {
        Ipv6Kind::Eui64
    } else {
        Ipv6Kind::Global
    };
    let parsed = cx.word(0).and_then(|w| parse_v6(w, kind != Ipv6Kind::LinkLocal));
    if parsed.is_none() && cx.word(0).is_some() {
        let col = cx.rest_column().unwrap_or(0);
        cx.invalid_at(col);
        return;
    }
    if let Some((addr, _)) = parsed {
        if kind == Ipv6Kind::LinkLocal && !ipv6::is_link_local(addr) {
            cx.reject(Rejection::Refused, "% Invalid link-local address\n");
            return;
        }
        if addr.is_multicast() || (kind != Ipv6Kind::LinkLocal && ipv6::is_link_local(addr)) {
            cx.reject(Rejection::Refused, &format!("% {} is not a valid IPv6 unicast address\n", v6_text(addr)));
            return;
        }
    }
    for name in super::config::selected(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        match parsed {
            None if negated => {
                i.ipv6.clear();
                i.ipv6_autoconfig = false;
                i.ipv6_dhcp_client = false;
            }
            Some((addr, len)) => {
                // One link-local at a time; a global replaces its own kind only.
                let same_link_local = kind == Ipv6Kind::LinkLocal;
                i.ipv6.retain(|x| x.kind != kind || (x.addr != addr && !same_link_local));
                if !negated {
                    i.ipv6.push(Ipv6Address { addr, len, kind });
                }
            }
            None => {}
        }
    }
}

fn autoconfig(cx: &mut Cx) {
    let on = !cx.negated;
    let default_route = on && cx.has("default");
    for name in super::config::selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.ipv6_autoconfig = on;
            i.ipv6_autoconfig_default = default_route;
        }
    }
}

/// `ipv6 address dhcp`: the interface asks a DHCPv6 server for its address.
fn address_dhcp(cx: &mut Cx) {
    let on = !cx.negated;
    for name in super::config::selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.ipv6_dhcp_client = on;
        }
    }
}

fn enable(cx: &mut Cx) {
    let on = !cx.negated;
    for name in super::config::selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.ipv6_enable = on;
        }
    }
}

/// `ipv6 nd managed-config-flag | other-config-flag | ra suppress [all]`.
fn nd(cx: &mut Cx) {
    let on = !cx.negated;
    let (managed, other, suppress) = (cx.has("managed-config-flag"), cx.has("other-config-flag"), cx.has("suppress"));
    let no_autoconfig = cx.has("no-autoconfig");
    let all = cx.has("all");
    let (interval, lifetime) = (cx.has("interval"), cx.has("lifetime"));
    let value = cx.num(0);
    for name in super::config::selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            let nd = &mut i.ipv6_nd;
            if managed {
                nd.managed = on;
            }
            if other {
                nd.other = on;
            }
            if suppress && all {
                nd.suppress_all = on;
            } else if suppress {
                nd.suppress = on;
            }
            let defaults = crate::proto::ip6_stack::RaConfig::default();
            if interval {
                nd.interval =
                    value.filter(|_| on).map_or(defaults.interval, |s| crate::sim::Duration::from_secs(s.into()));
            }
            if lifetime {
                nd.lifetime_secs = value.filter(|_| on).unwrap_or(defaults.lifetime_secs);
            }
            if no_autoconfig {
                nd.no_autoconfig = on;
            }
        }
    }
}

fn route(cx: &mut Cx) {
    let Some((prefix, len)) = cx.word(0).and_then(|w| parse_v6(w, true)) else {
        let col = cx.columns.get(2).copied().unwrap_or(0);
        cx.invalid_at(col);
        return;
    };
    let next_hop = match cx.word(1) {
        Some(w) => match w.parse::<Ipv6Addr>() {
            Ok(a) => Some(a),
            Err(_) => {
                let col = cx.columns.last().copied().unwrap_or(0);
                cx.invalid_at(col);
                return;
            }
        },
        None => None,
    };
    let spec =
        Ipv6StaticRoute { prefix, len, iface: cx.iface().cloned(), next_hop, distance: cx.num(0).map(|d| d as u8) };
    let negated = cx.negated;
    match cx.ios().set_ipv6_route(spec, negated) {
        Ok(()) => {}
        Err(Ipv6RouteError::LinkLocalNeedsInterface) => {
            cx.reject(Rejection::Refused, "% Interface has to be specified for a link-local nexthop\n")
        }
        Err(Ipv6RouteError::BadNextHop) => cx.reject(Rejection::Refused, "% Invalid IPv6 nexthop\n"),
        Err(Ipv6RouteError::UnknownInterface) => cx.reject(Rejection::Refused, "%Invalid interface\n"),
    }
}

/// The interface's `ipv6` lines in the running-config.
pub fn iface_lines(i: &IosIface) -> Vec<String> {
    let mut out = Vec::new();
    for a in i.ipv6.iter().filter(|a| a.kind == Ipv6Kind::LinkLocal) {
        out.push(format!(" ipv6 address {} link-local", v6_text(a.addr)));
    }
    if i.ipv6_autoconfig {
        out.push(
            if i.ipv6_autoconfig_default { " ipv6 address autoconfig default" } else { " ipv6 address autoconfig" }
                .into(),
        );
    }
    if i.ipv6_dhcp_client {
        out.push(" ipv6 address dhcp".into());
    }
    for a in i.ipv6.iter().filter(|a| a.kind != Ipv6Kind::LinkLocal) {
        let eui = if a.kind == Ipv6Kind::Eui64 { " eui-64" } else { "" };
        out.push(format!(" ipv6 address {}/{}{eui}", v6_text(a.addr), a.len));
    }
    if i.ipv6_enable {
        out.push(" ipv6 enable".into());
    }
    if i.ipv6_nd.managed {
        out.push(" ipv6 nd managed-config-flag".into());
    }
    if i.ipv6_nd.other {
        out.push(" ipv6 nd other-config-flag".into());
    }
    if i.ipv6_nd.no_autoconfig {
        out.push(" ipv6 nd prefix default no-autoconfig".into());
    }
    let defaults = crate::proto::ip6_stack::RaConfig::default();
    if i.ipv6_nd.interval != defaults.interval {
        out.push(format!(" ipv6 nd ra interval {}", i.ipv6_nd.interval.secs()));
    }
    if i.ipv6_nd.lifetime_secs != defaults.lifetime_secs {
        out.push(format!(" ipv6 nd ra lifetime {}", i.ipv6_nd.lifetime_secs));
    }
    if i.ipv6_nd.suppress_all {
        out.push(" ipv6 nd ra suppress all".into());
    } else if i.ipv6_nd.suppress {
        out.push(" ipv6 nd ra suppress".into());
    }
    if let Some(id) = &i.traffic_filter_in {
        out.push(format!(" ipv6 traffic-filter {id} in"));
    }
    if let Some(id) = &i.traffic_filter_out {
        out.push(format!(" ipv6 traffic-filter {id} out"));
    }
    match &i.ipv6_dhcp {
        Some(Dhcp6Role::Server(pool)) => out.push(format!(" ipv6 dhcp server {pool}")),
        Some(Dhcp6Role::Relay(destinations)) => {
            for (addr, via) in destinations {
                let via = via.as_ref().map_or(String::new(), |v| format!(" {v}"));
                out.push(format!(" ipv6 dhcp relay destination {}{via}", v6_text(*addr)));
            }
        }
        None => {}
    }
    out
}

/// `ipv6 dhcp pool NAME`: create it if new, and enter its mode; `no` removes it.
fn dhcp_pool_enter(cx: &mut Cx) {
    let Some(name) = cx.word(0).map(str::to_string) else { return };
    let negated = cx.negated;
    let ios = cx.ios();
    if negated {
        ios.services.dhcpv6_pools.retain(|p| p.name != name);
        return;
    }
    if !ios.services.dhcpv6_pools.iter().any(|p| p.name == name) {
        ios.services.dhcpv6_pools.push(Pool { name: name.clone(), ..Pool::default() });
    }
    ios.terminal.mode = Mode::Dhcp6Pool { name };
}

/// The commands of `ipv6 dhcp pool` mode.
pub fn dhcp_pool() -> Tree {
    vec![
        kw("address", "Configure address allocation").sub(vec![kw("prefix", "IPv6 prefix")
            .no(pool_prefix)
            .sub(vec![arg(Arg::Word, "IPv6 x:x::y/<z>").run(pool_prefix)])]),
        kw("dns-server", "DNS servers").no(pool_dns).sub(vec![arg(Arg::Word, "DNS server address").run(pool_dns)]),
        kw("domain-name", "Domain name to complete unqualified host names").no(pool_domain).sub(vec![arg(
            Arg::Word,
            "Domain name (e.g. cisco.com)",
        )
        .run(pool_domain)]),
        kw("exit", "Exit from DHCPv6 configuration mode").plain(super::config::exit),
        kw("end", "Exit from configure mode").plain(super::config::end),
    ]
}

fn current_pool<'a>(cx: &'a mut Cx) -> Option<&'a mut Pool> {
    let Mode::Dhcp6Pool { name } = cx.ios().terminal.mode.clone() else { return None };
    cx.ios().services.dhcpv6_pools.iter_mut().find(|p| p.name == name)
}

fn pool_prefix(cx: &mut Cx) {
    let negated = cx.negated;
    let prefix = match cx.word(0) {
        Some(w) => match parse_v6(w, true) {
            Some((a, len)) => Some((ipv6::network(a, len), len)),
            None => {
                let col = cx.rest_column().unwrap_or(0);
                cx.invalid_at(col);
                return;
            }
        },
        None => None,
    };
    if let Some(p) = current_pool(cx) {
        p.prefix = if negated { None } else { prefix };
    }
}

fn pool_dns(cx: &mut Cx) {
    let negated = cx.negated;
    let addr = match cx.word(0).map(|w| w.parse::<Ipv6Addr>()) {
        Some(Ok(a)) => Some(a),
        Some(Err(_)) => {
            let col = cx.rest_column().unwrap_or(0);
            cx.invalid_at(col);
            return;
        }
        None => None,
    };
    if let Some(p) = current_pool(cx) {
        match (negated, addr) {
            (true, None) => p.dns.clear(),
            (true, Some(a)) => p.dns.retain(|d| *d != a),
            (false, Some(a)) if !p.dns.contains(&a) => p.dns.push(a),
            _ => {}
        }
    }
}

fn pool_domain(cx: &mut Cx) {
    let negated = cx.negated;
    let name = cx.word(0).map(str::to_string);
    if let Some(p) = current_pool(cx) {
        p.domain = if negated { None } else { name };
    }
}

/// `ipv6 dhcp server POOL` or `ipv6 dhcp relay destination ADDR [IFACE]` on an interface.
fn dhcp_role(cx: &mut Cx) {
    let negated = cx.negated;
    let role = if cx.has("server") {
        cx.word(0).map(|p| Dhcp6Role::Server(p.to_string()))
    } else {
        match cx.word(0).map(|w| w.parse::<Ipv6Addr>()) {
            Some(Ok(a)) if !a.is_multicast() && !a.is_unspecified() => {
                if ipv6::is_link_local(a) && cx.iface().is_none() {
                    cx.reject(Rejection::Refused, "% Interface has to be specified for a link-local destination\n");
                    return;
                }
                Some(Dhcp6Role::Relay(vec![(a, cx.iface().cloned())]))
            }
            Some(_) => {
                cx.reject(Rejection::Refused, "% Invalid destination address\n");
                return;
            }
            None => None,
        }
    };
    for name in super::config::selected(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        match (&role, negated, &mut i.ipv6_dhcp) {
            (None, true, current) => *current = None,
            (Some(Dhcp6Role::Relay(new)), true, Some(Dhcp6Role::Relay(list))) => {
                list.retain(|d| !new.contains(d));
                if list.is_empty() {
                    i.ipv6_dhcp = None;
                }
            }
            (Some(_), true, current) => *current = None,
            (Some(Dhcp6Role::Relay(new)), false, Some(Dhcp6Role::Relay(list))) => {
                for d in new {
                    if !list.contains(d) {
                        list.push(d.clone());
                    }
                }
            }
            (Some(r), false, current) => *current = Some(r.clone()),
            (None, false, _) => {}
        }
    }
}

/// The `ipv6 dhcp pool` blocks of the running-config.
pub fn dhcp_pool_lines(ios: &Ios) -> Vec<String> {
    let mut out = Vec::new();
    for p in &ios.services.dhcpv6_pools {
        out.push(format!("ipv6 dhcp pool {}", p.name));
        if let Some((prefix, len)) = p.prefix {
            out.push(format!(" address prefix {}/{len}", v6_text(prefix)));
        }
        for d in &p.dns {
            out.push(format!(" dns-server {}", v6_text(*d)));
        }
        if let Some(d) = &p.domain {
            out.push(format!(" domain-name {d}"));
        }
        out.push("!".into());
    }
    out
}

/// `show ipv6 dhcp ...`.
fn show_dhcp() -> Node<Handler> {
    kw("dhcp", "IPv6 DHCP").plain(show_dhcp_duid).sub(vec![
        kw("pool", "IPv6 DHCP pool").plain(show_dhcp_pool),
        kw("binding", "IPv6 DHCP binding").plain(show_dhcp_binding),
        kw("interface", "IPv6 DHCP interface").plain(show_dhcp_interface),
    ])
}

fn show_dhcp_duid(cx: &mut Cx) {
    let mac = cx.ios().stack6.ifaces.first().map(|i| i.mac).unwrap_or(crate::proto::Mac([0; 6]));
    let duid = crate::proto::dhcpv6::duid_ll(mac);
    let hex: String = duid.iter().map(|b| format!("{b:02X}")).collect();
    cx.print(&format!("This device's DHCPv6 unique identifier(DUID): {hex}\n"));
}

fn show_dhcp_pool(cx: &mut Cx) {
    let ios = cx.ios();
    let mut out = String::new();
    for p in &ios.services.dhcpv6_pools {
        out.push_str(&format!("DHCPv6 pool: {}\n", p.name));
        if let Some((prefix, len)) = p.prefix {
            let used = ios.dhcpv6.as_ref().map_or(0, |s| s.bindings.iter().filter(|b| b.pool == p.name).count());
            out.push_str(&format!(
                "  Address allocation prefix: {}/{len} valid {} preferred {} ({used} in use, 0 conflicts)\n",
                v6_text(prefix),
                crate::proto::dhcpv6::VALID_SECS,
                crate::proto::dhcpv6::PREFERRED_SECS
            ));
        }
        for d in &p.dns {
            out.push_str(&format!("  DNS server: {}\n", v6_text(*d)));
        }
        if let Some(d) = &p.domain {
            out.push_str(&format!("  Domain name: {d}\n"));
        }
        let active = ios.dhcpv6.as_ref().map_or(0, |s| s.active_clients(&p.name));
        out.push_str(&format!("  Active clients: {active}\n"));
    }
    cx.print(&out);
}

fn show_dhcp_binding(cx: &mut Cx) {
    let now = cx.now;
    let ios = cx.ios();
    let mut out = String::new();
    for b in ios.dhcpv6.iter().flat_map(|s| &s.bindings) {
        let duid: String = b.duid.iter().map(|x| format!("{x:02X}")).collect();
        let left = b.expires.nanos().saturating_sub(now.nanos()) / 1_000_000_000;
        out.push_str(&format!(
            "Client: {}\n  DUID: {duid}\n  Username : unassigned\n  VRF : default\n  IA NA: IA ID 0x{:08X}, T1 {}, T2 {}\n    Address: {}\n            preferred lifetime {}, valid lifetime {}\n            expires at {} ({left} seconds)\n",
            v6_text(b.client),
            b.iaid,
            crate::proto::dhcpv6::PREFERRED_SECS / 2,
            crate::proto::dhcpv6::PREFERRED_SECS * 4 / 5,
            v6_text(b.addr),
            crate::proto::dhcpv6::PREFERRED_SECS,
            crate::proto::dhcpv6::VALID_SECS,
            crate::cli::clock::Civil::at(b.expires).ios_short(),
        ));
    }
    cx.print(&out);
}

fn show_dhcp_interface(cx: &mut Cx) {
    let ios = cx.ios();
    let mut out = String::new();
    for i in &ios.ifaces {
        match &i.ipv6_dhcp {
            Some(Dhcp6Role::Server(pool)) => out.push_str(&format!(
                "{} is in server mode\n  Using pool: {pool}\n  Preference value: 0\n  Hint from client: ignored\n  Rapid-Commit: disabled\n",
                i.name
            )),
            Some(Dhcp6Role::Relay(destinations)) => {
                out.push_str(&format!("{} is in relay mode\n  Relay destinations:\n", i.name));
                for (a, via) in destinations {
                    let via = via.as_ref().map_or(String::new(), |v| format!(" via {v}"));
                    out.push_str(&format!("    {}{via}\n", v6_text(*a)));
                }
            }
            None => {}
        }
    }
    cx.print(&out);
}

/// The global `ipv6 route` lines.
pub fn route_lines(ios: &Ios) -> Vec<String> {
    ios.routing
        .ipv6_routes
        .iter()
        .map(|r| {
            let mut line = format!("ipv6 route {}/{}", v6_text(r.prefix), r.len);
            if let Some(i) = &r.iface {
                line.push_str(&format!(" {i}"));
            }
            if let Some(nh) = r.next_hop {
                line.push_str(&format!(" {}", v6_text(nh)));
            }
            if let Some(d) = r.distance {
                line.push_str(&format!(" {d}"));
            }
            line
        })
        .collect()
}

/// `show ipv6 ...`.
pub fn show() -> Node<Handler> {
    kw("ipv6", "IPv6 information").sub(vec![
        kw("interface", "IPv6 interface status and configuration").plain(show_interface).sub(vec![
            kw("brief", "Brief summary of IPv6 status and configuration").plain(show_interface_brief),
            arg(Arg::Iface, "").plain(show_interface),
        ]),
        kw("route", "Show IPv6 route table entries").plain(show_route).sub(vec![
            kw("static", "Static routes").plain(show_route),
            kw("connected", "Connected routes").plain(show_route),
            kw("local", "Local routes").plain(show_route),
            kw("ospf", "Open Shortest Path First (OSPFv3)").plain(show_route),
        ]),
        kw("neighbors", "Show IPv6 neighbor cache entries").plain(show_neighbors),
        kw("access-list", "Summary of access lists").plain(super::acl::show_ipv6_lists).sub(vec![arg(
            Arg::Word,
            "Access list name",
        )
        .plain(super::acl::show_ipv6_lists)]),
        show_dhcp(),
        super::ospf6::show(),
    ])
}

/// `clear ipv6 neighbors`.
pub fn clear() -> Node<Handler> {
    kw("ipv6", "IPv6 clear commands")
        .sub(vec![kw("neighbors", "Clear IPv6 neighbor cache").plain(clear_neighbors), super::ospf6::clear()])
}

fn ios(dev: &Device) -> &Ios {
    match &dev.role {
        Role::Ios(i) => i,
        Role::Host(_) => unreachable!("show runs on IOS"),
    }
}

/// The IPv6 side of an interface, when it has a layer-3 one.
fn v6_iface<'a>(ios: &'a Ios, i: &IosIface) -> Option<&'a Ip6Iface> {
    i.stack.and_then(|s| ios.stack6.ifaces.get(s))
}

/// An address with IOS's marks: `[EUI]` for EUI-64, `[TEN]` while DAD runs,
/// `[DUP]` for a duplicate.
fn marked(a: &crate::proto::ip6_stack::Addr6) -> String {
    let mut text = v6_text(a.addr);
    if a.origin == Origin::Eui64 {
        text.push_str(" [EUI]");
    }
    match a.state {
        AddrState::Tentative { .. } => text.push_str(" [TEN]"),
        AddrState::Duplicate => text.push_str(" [DUP]"),
        AddrState::Preferred => {}
    }
    text
}

/// `show ipv6 interface brief`.
pub fn interface_brief_text(dev: &Device) -> String {
    let ios = ios(dev);
    let mut out = String::new();
    for i in ios.ifaces.iter().filter(|i| i.stack.is_some() || i.port.is_some()) {
        let (st, proto) = super::show::status(ios, &dev.ports, &i.name);
        out.push_str(&format!("{:<23}[{st}/{proto}]\n", i.name.to_string()));
        match v6_iface(ios, i).filter(|v| v.enabled) {
            Some(v) => {
                for a in &v.addrs {
                    out.push_str(&format!("    {}\n", marked(a)));
                }
            }
            None => out.push_str("    unassigned\n"),
        }
    }
    out
}

fn show_interface_brief(cx: &mut Cx) {
    let text = interface_brief_text(cx.dev);
    cx.print(&text);
}

fn show_interface(cx: &mut Cx) {
    let only = cx.iface().cloned();
    let text = interface_text(cx.dev, only.as_ref());
    cx.print(&text);
}

/// `show ipv6 interface [IFACE]`: every interface with IPv6 on, or the one named.
pub fn interface_text(dev: &Device, only: Option<&IfaceName>) -> String {
    let ios = ios(dev);
    let router = ios.stack6.forwarding;
    let mut out = String::new();
    for i in ios.ifaces.iter().filter(|i| only.is_none_or(|o| *o == i.name)) {
        let Some(v) = v6_iface(ios, i).filter(|v| v.enabled || only.is_some()) else { continue };
        let (st, proto) = super::show::status(ios, &dev.ports, &i.name);
        out.push_str(&format!("{} is {st}, line protocol is {proto}\n", i.name));
        if !v.enabled {
            out.push_str("  IPv6 is disabled\n");
            continue;
        }
        let state = if v.up { "enabled" } else { "tentative" };
        let ll = v.addrs.iter().find(|a| a.is_link_local());
        match ll {
            Some(a) => {
                let ten = if matches!(a.state, AddrState::Tentative { .. }) || !v.up { " [TEN]" } else { "" };
                out.push_str(&format!("  IPv6 is {state}, link-local address is {}{ten}\n", v6_text(a.addr)));
            }
            None => out.push_str(&format!("  IPv6 is {state}\n")),
        }
        out.push_str("  No Virtual link-local address(es):\n");
        if i.ipv6_autoconfig {
            out.push_str("  Stateless address autoconfig enabled\n");
        }
        let globals: Vec<_> = v.globals().collect();
        if globals.is_empty() {
            out.push_str("  No global unicast address is configured\n");
        } else {
            out.push_str("  Global unicast address(es):\n");
            for a in globals {
                let prefix = v6_text(ipv6::network(a.addr, a.len));
                let mut line = format!("    {}, subnet is {prefix}/{}", v6_text(a.addr), a.len);
                // On an interface that is down every address waits, tentative.
                match (a.origin, a.state) {
                    (_, AddrState::Duplicate) => line.push_str(" [DUP]"),
                    (_, AddrState::Tentative { .. }) => line.push_str(" [TEN]"),
                    _ if !v.up => line.push_str(" [TEN]"),
                    (Origin::Eui64, _) => line.push_str(" [EUI]"),
                    (Origin::Slaac, _) => line.push_str(" [EUI/CAL/PRE]"),
                    _ => {}
                }
                out.push_str(&format!("{line} \n"));
                if a.origin == Origin::Slaac {
                    out.push_str("      valid lifetime 2591999 preferred lifetime 604799\n");
                }
            }
        }
        out.push_str("  Joined group address(es):\n");
        for g in v.joined(router) {
            out.push_str(&format!("    {}\n", v6_text(g)));
        }
        // The IPv6 MTU is `ipv6 mtu`'s, not `ip mtu`'s (which is IPv4's alone).
        out.push_str("  MTU is 1500 bytes\n");
        out.push_str("  ICMP error messages limited to one every 100 milliseconds\n");
        out.push_str("  ICMP redirects are enabled\n  ICMP unreachables are sent\n");
        out.push_str("  ND DAD is enabled, number of DAD attempts: 1\n");
        out.push_str("  ND reachable time is 30000 milliseconds (using 30000)\n");
        out.push_str("  ND NS retransmit interval is 1000 milliseconds\n");
        // IOS XE says no more on a box that does not route IPv6.
        if router && v.encap == crate::proto::ip_stack::Encap::Ethernet {
            out.push_str("  ND advertised reachable time is 0 (unspecified)\n");
            out.push_str("  ND advertised retransmit interval is 0 (unspecified)\n");
            if v.ra.suppress_all {
                out.push_str("  ND RAs are suppressed (all)\n");
            } else if v.ra.suppress {
                out.push_str("  ND RAs are suppressed (periodic)\n");
            } else {
                out.push_str(&format!("  ND router advertisements are sent every {} seconds\n", v.ra.interval.secs()));
                out.push_str(&format!("  ND router advertisements live for {} seconds\n", v.ra.lifetime_secs));
            }
            out.push_str("  ND advertised default router preference is Medium\n");
            out.push_str(match (v.ra.managed, v.ra.other) {
                (true, _) => "  Hosts use DHCP to obtain routable addresses.\n",
                (false, true) => {
                    "  Hosts use stateless autoconfig for addresses.\n  Hosts use DHCP to obtain other configuration.\n"
                }
                (false, false) => "  Hosts use stateless autoconfig for addresses.\n",
            });
        }
    }
    out
}

const ROUTE_CODES: &str = "\
Codes: C - Connected, L - Local, S - Static, U - Per-user Static route
       B - BGP, R - RIP, H - NHRP, I1 - ISIS L1
       I2 - ISIS L2, IA - ISIS interarea, IS - ISIS summary, D - EIGRP
       EX - EIGRP external, ND - ND Default, NDp - ND Prefix, DCE - Destination
       NDr - Redirect, RL - RPL, O - OSPF Intra, OI - OSPF Inter
       OE1 - OSPF ext 1, OE2 - OSPF ext 2, ON1 - OSPF NSSA ext 1
       ON2 - OSPF NSSA ext 2, la - LISP alt, lr - LISP site-registrations
       ld - LISP dyn-eid, lA - LISP away, le - LISP extranet-policy
       lp - LISP publications, a - Application, m - OMP
";

/// `show ipv6 route [static|connected|local]`.
pub fn route_text(dev: &Device, only: Option<&str>) -> String {
    let ios = ios(dev);
    let routes: Vec<&Route6> =
        ios.stack6.routes().iter().filter(|r| only.is_none_or(|code| r.source.code() == code)).collect();
    // The header counts the whole table, even when the listing is filtered.
    let mut out = format!("IPv6 Routing Table - default - {} entries\n{ROUTE_CODES}", ios.stack6.routes().len());
    let name = |s: usize| ios.stack6.ifaces.get(s).map_or_else(String::new, |i| i.name.to_string());
    for r in routes {
        let code = r.source.code();
        out.push_str(&format!("{code:<4}{}/{} [{}/{}]\n", v6_text(r.prefix), r.len, r.distance, r.metric));
        if r.paths.is_empty() {
            out.push_str("     via Null0, receive\n");
        }
        for p in &r.paths {
            let line = match (r.source, p.next_hop) {
                (Source6::Local, _) => format!("via {}, receive", name(p.iface)),
                (Source6::Connected, _) => format!("via {}, directly connected", name(p.iface)),
                (Source6::Static, None) => format!("via {}, directly connected", name(p.iface)),
                (Source6::Static, Some(nh)) => {
                    let pinned = ios.routing.ipv6_routes.iter().any(|s| s.next_hop == Some(nh) && s.iface.is_some());
                    if pinned || ipv6::is_link_local(nh) {
                        format!("via {}, {}", v6_text(nh), name(p.iface))
                    } else {
                        format!("via {}", v6_text(nh))
                    }
                }
                (_, Some(nh)) => format!("via {}, {}", v6_text(nh), name(p.iface)),
                (_, None) => format!("via {}, directly connected", name(p.iface)),
            };
            out.push_str(&format!("     {line}\n"));
        }
    }
    out
}

fn show_route(cx: &mut Cx) {
    let only = ["static", "connected", "local", "ospf"].into_iter().find(|k| cx.has(k)).map(|k| match k {
        "static" => "S",
        "connected" => "C",
        "ospf" => "O",
        _ => "L",
    });
    let text = route_text(cx.dev, only);
    cx.print(&text);
}

/// `show ipv6 neighbors`.
pub fn neighbors_text(dev: &Device, now: Time) -> String {
    let ios = ios(dev);
    let cache = &ios.stack6.neighbors;
    let mut out = String::from("IPv6 Address                              Age Link-layer Addr State Interface\n");
    let mut entries: Vec<_> = cache.entries().iter().collect();
    entries.sort_by_key(|e| (e.iface, e.addr));
    for e in entries {
        let state = e.state_at(now, cache.reachable_time);
        // Minutes since the neighbour last confirmed it is there.
        let age = now.since(e.since).secs() / 60;
        let age = if state == crate::proto::ndp::State::Incomplete { "0".to_string() } else { age.to_string() };
        let mac = e.mac.map_or_else(|| "-".to_string(), crate::proto::ethernet::cisco_format);
        let iface = ios.stack6.ifaces.get(e.iface).map_or_else(String::new, |i| i.name.short());
        out.push_str(&format!("{:<40}{age:>5} {mac:<15} {:<5} {iface}\n", v6_text(e.addr), state.ios_name()));
    }
    out
}

fn show_neighbors(cx: &mut Cx) {
    let now = cx.now;
    let text = neighbors_text(cx.dev, now);
    cx.print(&text);
}

fn clear_neighbors(cx: &mut Cx) {
    cx.ios().stack6.neighbors.clear();
}
