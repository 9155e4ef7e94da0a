//! Evaluating one objective against a converged network.

use crate::cli::Terminal;
use std::net::{IpAddr, Ipv4Addr};

use crate::base::{DeviceId, IfaceName};
use crate::device::ios::{LineKind, Login};
use crate::device::FetchOutcome;
use crate::device::{Mode, Role};
use crate::lab::{parse_endpoint, AddressOrigin, Check, Expect, RemoteVia};
use crate::net::Network;
use crate::proto::dns::Resolution;
use crate::proto::ip6_stack::{Addr6, Origin, Source6};
use crate::proto::probe::{Kind, Outcome, Pace, Silent, Spec};
use crate::proto::vlan::Violation;
use crate::sim::Duration;
use ipnetwork::IpNetwork;

/// The verdict on one objective.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Verdict {
    pub passed: bool,
    pub why: Option<String>,
}

fn pass() -> Verdict {
    Verdict { passed: true, why: None }
}

fn fail(why: impl Into<String>) -> Verdict {
    Verdict { passed: false, why: Some(why.into()) }
}

/// The check in a few words, for reports.
pub fn describe(check: &Check) -> String {
    match check {
        Check::Ping { from, to } => format!("Ping {from} -> {to}"),
        Check::NoPing { from, to } => format!("NoPing {from} -> {to}"),
        Check::Traceroute { from, to, hops } => format!("Traceroute {from} -> {to} via {}", hops.join(", ")),
        Check::HostIp { device, network, origin } => format!(
            "HostIp {device} in {network}{}",
            origin.map_or(String::new(), |o| format!(" by {}", origin_word(o)))
        ),
        Check::InterfaceIp { device, interface, address } => format!("InterfaceIp {device} {interface} {address}"),
        Check::InterfaceUp { device, interface } => format!("InterfaceUp {device} {interface}"),
        Check::ConfigLine { device, line, startup: false } => format!("ConfigLine {device} \"{line}\""),
        Check::ConfigLine { device, line, startup: true } => format!("ConfigLine {device} \"{line}\" saved"),
        Check::ShowContains { device, command, text } => format!("ShowContains {device} \"{command}\" has \"{text}\""),
        Check::Route { device, prefix, code, via } => {
            format!("Route {device} {code} {prefix}{}", via.as_ref().map_or(String::new(), |v| format!(" via {v}")))
        }
        Check::NoRoute { device, prefix } => format!("NoRoute {device} {prefix}"),
        Check::Vlan { device, id, name } => {
            format!("Vlan {device} {id}{}", name.as_ref().map_or(String::new(), |n| format!(" {n}")))
        }
        Check::SwitchportMode { device, interface, mode, vlan } => {
            format!(
                "SwitchportMode {device} {interface} {mode}{}",
                vlan.map_or(String::new(), |v| format!(" vlan {v}"))
            )
        }
        Check::DhcpLease { device, network } => format!("DhcpLease {device} in {network}"),
        Check::Resolves { from, name, address } => format!("Resolves {from} {name} -> {address}"),
        Check::HttpGet { from, url, .. } => format!("HttpGet {from} {url}"),
        Check::Link { a, b } => format!("Link {a} -- {b}"),
        Check::AclHit { device, acl, seq } => {
            format!("AclHit {device} {acl}{}", seq.map_or(String::new(), |s| format!(" {s}")))
        }
        Check::NatTranslation { device, inside_local, inside_global } => format!(
            "NatTranslation {device} {inside_local}{}",
            inside_global.map_or(String::new(), |g| format!(" -> {g}"))
        ),
        Check::RemoteLogin { from, to, via, user, expect, .. } => format!(
            "RemoteLogin {from} -> {to} by {}{}{}",
            via_word(*via),
            user.as_ref().map_or(String::new(), |u| format!(" as {u}")),
            match expect {
                Expect::Allowed => "",
                Expect::Refused => " refused",
                Expect::Denied => " denied",
            }
        ),
        Check::OspfNeighbor { device, neighbor_id, state } => {
            format!("OspfNeighbor {device} {neighbor_id} {}", state.as_deref().unwrap_or("FULL"))
        }
        Check::HsrpActive { device, group, interface } => {
            format!(
                "HsrpActive {device} group {group}{}",
                interface.as_ref().map_or(String::new(), |i| format!(" on {i}"))
            )
        }
        // Passwords stay out of reports: a report is shown to the student.
        Check::EnableSecret { device, .. } => format!("EnableSecret {device}"),
        Check::LoginPassword { device, line, .. } => format!("LoginPassword {device} {line}"),
        Check::Banner { device, kind, .. } => format!("Banner {device} {}", kind.as_deref().unwrap_or("motd")),
        Check::PortSecurity { device, interface, maximum, violation, sticky } => {
            let mut s = format!("PortSecurity {device} {interface}");
            if let Some(m) = maximum {
                s += &format!(" maximum {m}");
            }
            if let Some(v) = violation {
                s += &format!(" violation {v}");
            }
            if *sticky == Some(true) {
                s += " sticky";
            }
            s
        }
    }
}

/// An address, or a device's primary address (a host's, or an IOS device's
/// first interface that has one).
pub fn resolve_target(net: &Network, to: &str) -> Option<IpAddr> {
    if let Ok(ip) = to.parse::<IpAddr>() {
        return Some(ip);
    }
    let id = net.find(to)?;
    let d = net.device(id);
    // A device's IPv4 address first; an IPv6-only one by its global address.
    d.stack()
        .ifaces
        .iter()
        .find_map(|i| i.addr.map(|(a, _)| IpAddr::V4(a)))
        .or_else(|| d.stack6().ifaces.iter().flat_map(|i| i.globals()).find(|a| a.usable()).map(|a| IpAddr::V6(a.addr)))
}

/// A route's code as `show ip route` prints it (`O*E2` for a candidate default).
fn route_code(r: &crate::proto::rib::Route) -> String {
    let code = r.source.code();
    if r.prefix != crate::proto::rib::Prefix::DEFAULT {
        return code.to_string();
    }
    match code.split_once(' ') {
        Some((a, b)) => format!("{a}*{b}"),
        None => format!("{code}*"),
    }
}

fn ios_of<'a>(net: &'a Network, id: DeviceId, name: &str) -> Result<&'a crate::device::Ios, Verdict> {
    net.device(id).as_ios().ok_or_else(|| fail(format!("{name} is not a router or a switch")))
}

/// Look `name` up with a host's resolver, as `ping NAME` would; `None`
/// when `id` is not a host.
fn lookup(net: &mut Network, id: DeviceId, name: &str) -> Option<Resolution> {
    use std::sync::{Arc, Mutex};
    let result: Arc<Mutex<Option<Resolution>>> = Arc::default();
    let slot = result.clone();
    let started = net.act(id, |dev, ctx| {
        let Role::Host(h) = &mut dev.role else { return None };
        let waiter: crate::device::LookupWaiter =
            Box::new(move |r, _, _| *slot.lock().expect("one grader") = Some(r.clone()));
        let asked = h.resolve(ctx.now, name, waiter);
        dev.flush(ctx);
        Some(asked)
    })?;
    net.run_while_busy(id, Duration::from_secs(30));
    let r = result.lock().expect("one grader").take();
    Some(r.unwrap_or(Resolution::TimedOut { name: started }))
}

/// Fetch a page from a host, as `curl` would; `None` when `id` is not a host.
fn fetch(net: &mut Network, id: DeviceId, url: &crate::proto::http::Url, addr: Ipv4Addr) -> Option<FetchOutcome> {
    use std::sync::{Arc, Mutex};
    let result: Arc<Mutex<Option<FetchOutcome>>> = Arc::default();
    let slot = result.clone();
    net.act(id, |dev, ctx| {
        let Role::Host(h) = &mut dev.role else { return None };
        let waiter: crate::device::FetchWaiter =
            Box::new(move |o, _| *slot.lock().expect("one grader") = Some(o.clone()));
        h.fetch(ctx.now, url, addr, false, waiter);
        dev.flush(ctx);
        Some(())
    })?;
    net.run_while_busy(id, Duration::from_secs(60));
    let r = result.lock().expect("one grader").take();
    Some(r.unwrap_or(FetchOutcome::Broken))
}

/// The diagnosis of a ping that got no reply, for its IP version.
fn why_no_reply(net: &Network, id: DeviceId, dst: IpAddr, ident: u16, outcomes: &[Outcome]) -> String {
    match dst {
        IpAddr::V4(dst) => super::diagnose::ping_failed(net, id, dst, ident, outcomes),
        IpAddr::V6(dst) => super::diagnose::ping6_failed(net, id, dst, outcomes),
    }
}

fn origin_word(o: AddressOrigin) -> &'static str {
    match o {
        AddressOrigin::Static => "static configuration",
        AddressOrigin::Slaac => "SLAAC",
        AddressOrigin::Dhcp => "DHCP",
    }
}

fn device(net: &Network, name: &str) -> Result<DeviceId, Verdict> {
    net.find(name).ok_or_else(|| fail(format!("there is no device {name}")))
}

/// How many decisions the grader's trace keeps while one probe runs.
const PROBE_TRACE: usize = 1 << 18;

/// Send probes from a device and wait for them; returns the outcomes and the
/// probes' identifier. The network's trace then holds what every device
/// decided while they ran (the diagnosis follows the probe's own packets).
pub fn probe(net: &mut Network, from: DeviceId, dst: IpAddr, trace: bool) -> (Vec<Outcome>, u16) {
    let host = net.device(from).model.is_host();
    let spec = Spec {
        dst,
        kind: if trace { Kind::Trace { per_hop: 3, max_hops: 30, udp: !host } } else { Kind::Echo },
        count: if host { 4 } else { 5 },
        size: if host { 32 } else { 72 },
        timeout: Duration::from_secs(if host { 4 } else { 2 }),
        pace: Pace::AfterOutcome { min_gap: if host && !trace { Duration::from_secs(1) } else { Duration::ZERO } },
        ident: if host { 7 } else { 49_999 },
    };
    if net.trace_on() {
        net.clear_trace();
    } else {
        net.enable_trace(PROBE_TRACE, false);
    }
    net.start_probe(from, spec, Box::new(Silent));
    net.run_while_busy(from, Duration::from_secs(600));
    let outcomes = net.device(from).session.as_ref().map(|s| s.outcomes().copied().collect()).unwrap_or_default();
    (outcomes, spec.ident)
}

/// The responding address at each TTL of a trace.
fn hops(outcomes: &[Outcome]) -> Vec<Option<IpAddr>> {
    outcomes
        .chunks(3)
        .map(|hop| {
            hop.iter().find_map(|o| match o {
                Outcome::Reply { from, .. } | Outcome::Error { from, .. } => Some(*from),
                _ => None,
            })
        })
        .collect()
}

fn iface_of(net: &Network, id: DeviceId, name: &str) -> Result<IfaceName, Verdict> {
    let parsed = IfaceName::parse(name).map_err(|_| fail(format!("`{name}` is not an interface name")))?;
    Ok(parsed).and_then(|p| {
        let dev = net.device(id);
        let known = dev.ports.iter().any(|x| x.name == p)
            || dev.stack().iface_index(&p).is_some()
            || dev.as_ios().is_some_and(|i| i.iface(&p).is_some());
        if known {
            Ok(p)
        } else {
            Err(fail(format!("{} has no interface {p}", dev.name)))
        }
    })
}

pub fn evaluate(net: &mut Network, check: &Check) -> Verdict {
    match evaluate_inner(net, check) {
        Ok(v) | Err(v) => v,
    }
}

fn evaluate_inner(net: &mut Network, check: &Check) -> Result<Verdict, Verdict> {
    Ok(match check {
        Check::Ping { from, to } | Check::NoPing { from, to } => {
            let id = device(net, from)?;
            let dst = resolve_target(net, to).ok_or_else(|| fail(format!("{to} has no IP address to ping")))?;
            let own = match dst {
                IpAddr::V4(dst) => net.device(id).stack().ifaces.iter().any(|i| i.addresses().any(|(a, _)| a == dst)),
                IpAddr::V6(dst) => net.device(id).stack6().ifaces.iter().any(|i| i.owns(dst)),
            };
            if matches!(check, Check::Ping { .. }) && own {
                // A device answers its own address: that proves nothing about the network.
                return Ok(fail(format!("{dst} is {from}'s own address: {from} must reach it on another device")));
            }
            let (outcomes, ident) = probe(net, id, dst, false);
            let replied = outcomes.iter().any(|o| matches!(o, Outcome::Reply { .. }));
            match (check, replied) {
                (Check::Ping { .. }, true) | (Check::NoPing { .. }, false) => pass(),
                (Check::Ping { .. }, false) => fail(why_no_reply(net, id, dst, ident, &outcomes)),
                _ => fail(format!("{from} can reach {dst}, and should not")),
            }
        }
        Check::Traceroute { from, to, hops: expected } => {
            let id = device(net, from)?;
            let dst = resolve_target(net, to).ok_or_else(|| fail(format!("{to} has no IP address to trace")))?;
            let (outcomes, ident) = probe(net, id, dst, true);
            let got = hops(&outcomes);
            let want: Vec<Option<IpAddr>> = expected.iter().map(|h| resolve_target(net, h)).collect();
            let got_text: Vec<String> = got.iter().map(|h| h.map_or("*".to_string(), |a| a.to_string())).collect();
            let mut with_dst = want.clone();
            with_dst.push(Some(dst));
            if got == want || got == with_dst {
                pass()
            } else if !got.contains(&Some(dst)) {
                fail(format!(
                    "the trace went {} and did not reach {dst}: {}",
                    got_text.join(", "),
                    why_no_reply(net, id, dst, ident, &outcomes)
                ))
            } else {
                fail(format!("the trace went {}, not {}", got_text.join(", "), expected.join(", ")))
            }
        }
        Check::HostIp { device: d, network: IpNetwork::V4(network), origin } => {
            let id = device(net, d)?;
            let dev = net.device(id);
            let addrs: Vec<Ipv4Addr> = dev.stack().ifaces.iter().filter_map(|i| i.addr.map(|(a, _)| a)).collect();
            let how = dev.as_host().map(|h| match h.addressing {
                crate::device::Addressing::Dhcp => AddressOrigin::Dhcp,
                _ => AddressOrigin::Static,
            });
            match (addrs.iter().any(|a| network.contains(*a)), origin) {
                (true, Some(o)) if how != Some(*o) => {
                    fail(format!("{d} has an address in {network}, but not by {}", origin_word(*o)))
                }
                (true, _) => pass(),
                (false, _) if addrs.is_empty() => fail(format!("{d} has no IPv4 address")),
                (false, _) => {
                    let list: Vec<String> = addrs.iter().map(|a| a.to_string()).collect();
                    fail(format!("{d} has {}, not an address in {network}", list.join(", ")))
                }
            }
        }
        Check::HostIp { device: d, network: IpNetwork::V6(network), origin } => {
            let id = device(net, d)?;
            let addrs: Vec<Addr6> = net.device(id).stack6().ifaces.iter().flat_map(|i| i.globals().copied()).collect();
            let inside: Vec<&Addr6> = addrs.iter().filter(|a| network.contains(a.addr) && a.usable()).collect();
            let by = |o: AddressOrigin, a: &Addr6| match o {
                AddressOrigin::Static => matches!(a.origin, Origin::Manual | Origin::Eui64),
                AddressOrigin::Slaac => a.origin == Origin::Slaac,
                AddressOrigin::Dhcp => a.origin == Origin::Dhcp,
            };
            match origin {
                _ if inside.is_empty() && addrs.is_empty() => fail(format!("{d} has no global IPv6 address")),
                _ if inside.is_empty() => {
                    let list: Vec<String> = addrs.iter().map(|a| a.addr.to_string()).collect();
                    fail(format!("{d} has {}, not an address in {network}", list.join(", ")))
                }
                Some(o) if !inside.iter().any(|a| by(*o, a)) => {
                    fail(format!("{d} has an address in {network}, but not by {}", origin_word(*o)))
                }
                _ => pass(),
            }
        }
        Check::InterfaceIp { device: d, interface, address: IpNetwork::V4(address) } => {
            let id = device(net, d)?;
            let name = iface_of(net, id, interface)?;
            let stack = net.device(id).stack();
            let have = stack.iface_index(&name).and_then(|i| stack.ifaces[i].addr);
            match have {
                Some((a, len)) if a == address.ip() && len == address.prefix() => pass(),
                Some((a, len)) => fail(format!("{d} {name} has {a}/{len}, not {address}")),
                None => fail(format!("{d} {name} has no IPv4 address")),
            }
        }
        Check::InterfaceIp { device: d, interface, address: IpNetwork::V6(address) } => {
            let id = device(net, d)?;
            let name = iface_of(net, id, interface)?;
            let dev = net.device(id);
            let index = dev.stack().iface_index(&name);
            let addrs: Vec<Addr6> = index.map(|i| dev.stack6().ifaces[i].addrs.clone()).unwrap_or_default();
            let want = (address.ip(), address.prefix());
            let ll = crate::proto::ipv6::is_link_local(want.0);
            if addrs.iter().any(|a| a.addr == want.0 && (a.len == want.1 || ll)) {
                pass()
            } else {
                let list: Vec<String> = addrs
                    .iter()
                    .filter(|a| a.is_link_local() == ll && a.origin != Origin::LinkLocal)
                    .map(|a| format!("{}/{}", a.addr, a.len))
                    .collect();
                if list.is_empty() {
                    fail(format!("{d} {name} has no IPv6 address {address}"))
                } else {
                    fail(format!("{d} {name} has {}, not {address}", list.join(", ")))
                }
            }
        }
        Check::InterfaceUp { device: d, interface } => {
            let id = device(net, d)?;
            let name = iface_of(net, id, interface)?;
            let dev = net.device(id);
            let (status, protocol) = match dev.as_ios() {
                Some(ios) => crate::cli::ios::show::status(ios, &dev.ports, &name),
                None if dev.ports[0].link_up => ("up", "up"),
                None => ("down", "down"),
            };
            if (status, protocol) == ("up", "up") {
                pass()
            } else {
                let cause = if status == "down" && dev.model.port_index(&name).is_some_and(|p| !dev.ports[p].cabled) {
                    " (no cable is plugged in)"
                } else {
                    ""
                };
                fail(format!("{d} {name} is {status}, line protocol is {protocol}{cause}"))
            }
        }
        Check::ConfigLine { device: d, line, startup } => {
            let id = device(net, d)?;
            let dev = net.device(id);
            let model = dev.model;
            let lines: Vec<String> = match &dev.role {
                Role::Ios(i) if *startup => match &i.system.startup_config {
                    Some(text) => text.lines().map(str::to_string).collect(),
                    None => return Err(fail(format!("{d} has no startup-config: nothing was saved"))),
                },
                Role::Ios(_) => crate::cli::ios::running_config::lines(dev),
                Role::Host(h) => crate::cli::host::config_lines(h),
            };
            // Free text (banners, descriptions) is not configuration.
            let lines: Vec<String> = without_free_text(&lines.join("\n")).lines().map(str::to_string).collect();
            let want = crate::cli::ios::normalize(model, line);
            let which = if *startup { "startup-config" } else { "running-config" };
            if lines.iter().any(|l| crate::cli::ios::normalize(model, l) == want) {
                pass()
            } else if *startup
                && crate::cli::ios::running_config::lines(dev)
                    .iter()
                    .any(|l| crate::cli::ios::normalize(model, l) == want)
            {
                fail(format!(
                    "{d}'s running-config has `{want}` but its startup-config does not: `copy running-config startup-config` saves it"
                ))
            } else {
                fail(format!("{d}'s {which} has no line `{want}`"))
            }
        }
        Check::ShowContains { device: d, command, text } => {
            let id = device(net, d)?;
            // Text inside a banner or a description does not count: it is
            // what a student typed, not what the device does. (Taken out
            // before an output filter, which would hide where a banner starts.)
            let output = match command.split_once('|') {
                Some((base, filter)) => {
                    let full = without_free_text(&run_privileged(net, id, base.trim_end()));
                    crate::cli::filter_output(&full, filter).unwrap_or(full)
                }
                None => without_free_text(&run_privileged(net, id, command)),
            };
            if output.contains(text.as_str()) {
                pass()
            } else {
                fail(format!("`{command}` on {d} does not show \"{text}\""))
            }
        }
        Check::Route { device: d, prefix: IpNetwork::V6(prefix), code, via } => {
            let id = device(net, d)?;
            let stack = net.device(id).stack6();
            let want = (crate::proto::ipv6::network(prefix.ip(), prefix.prefix()), prefix.prefix());
            let routes: Vec<_> = stack.routes().iter().filter(|r| (r.prefix, r.len) == want).collect();
            let name = |i: usize| stack.ifaces.get(i).map(|x| x.name.clone());
            let matching = routes.iter().filter(|r| r.source.code().eq_ignore_ascii_case(code.trim())).find(|r| {
                via.as_ref().is_none_or(|v| {
                    r.paths.iter().any(|p| {
                        p.next_hop.is_some_and(|nh| v.parse::<std::net::Ipv6Addr>().ok() == Some(nh))
                            || IfaceName::parse(v).is_ok_and(|n| name(p.iface) == Some(n))
                    })
                })
            });
            let shown = format!("{}/{}", want.0, want.1);
            match (matching, routes.first()) {
                (Some(_), _) => pass(),
                (None, Some(r)) => {
                    let how = r.paths.first().map_or(String::new(), |p| match p.next_hop {
                        Some(nh) => format!("via {nh}"),
                        None => format!("out {}", name(p.iface).map_or_else(String::new, |n| n.to_string())),
                    });
                    let wanted = via.as_ref().map_or(format!("as a {code} route"), |v| format!("{code} via {v}"));
                    fail(format!("{d} routes {shown} {how} ({}), not {wanted}", r.source.code()))
                }
                (None, None) if want.1 == 0 => fail(format!("{d} has no IPv6 default route")),
                (None, None) => fail(format!("{d} has no IPv6 route to {shown}")),
            }
        }
        Check::Route { device: d, prefix: IpNetwork::V4(prefix), code, via } => {
            let id = device(net, d)?;
            let want = crate::proto::rib::Prefix::new(prefix.ip(), prefix.prefix());
            // `S*`, `O*E2` and `O E2` name the same codes as `S` and `O E2`: the star only marks a candidate default.
            let bare = |c: &str| {
                c.chars().filter(|c| *c != '*' && !c.is_whitespace()).collect::<String>().to_ascii_uppercase()
            };
            let code = code.trim();
            let stack = net.device(id).stack();
            let routes: Vec<_> = stack.rib().routes().iter().filter(|r| r.prefix == want).collect();
            let matching = routes.iter().filter(|r| bare(r.source.code()) == bare(code)).find(|r| match via {
                None => true,
                Some(v) => {
                    r.next_hop.is_some_and(|nh| v.parse::<Ipv4Addr>().ok() == Some(nh))
                        || r.iface.is_some_and(|i| IfaceName::parse(v).is_ok_and(|n| stack.ifaces[i].name == n))
                }
            });
            match (matching, routes.first()) {
                (Some(_), _) => pass(),
                (None, Some(r)) => {
                    let how = match (r.next_hop, r.iface) {
                        (Some(n), _) => format!("via {n}"),
                        (None, Some(i)) => format!("out {}", stack.ifaces[i].name),
                        (None, None) => String::new(),
                    };
                    let wanted = via.as_ref().map_or(format!("as a {code} route"), |v| format!("{code} via {v}"));
                    fail(format!("{d} routes {want} {how} ({}), not {wanted}", route_code(r)))
                }
                (None, None) if want == crate::proto::rib::Prefix::DEFAULT => fail(format!("{d} has no default route")),
                (None, None) => fail(format!("{d} has no route to {want}")),
            }
        }
        Check::NoRoute { device: d, prefix: IpNetwork::V6(prefix) } => {
            let id = device(net, d)?;
            let stack = net.device(id).stack6();
            let inside = |r: &&crate::proto::ip6_stack::Route6| {
                r.len >= prefix.prefix() && prefix.contains(r.prefix) && r.source != Source6::Local
            };
            match stack.routes().iter().find(inside) {
                None => pass(),
                Some(r) => fail(format!(
                    "{d} has a route to {}/{} ({}): {prefix} should not be reachable by a route of its own",
                    r.prefix,
                    r.len,
                    r.source.code()
                )),
            }
        }
        Check::NoRoute { device: d, prefix: IpNetwork::V4(prefix) } => {
            let id = device(net, d)?;
            let want = crate::proto::rib::Prefix::new(prefix.ip(), prefix.prefix());
            let stack = net.device(id).stack();
            // Any route inside the prefix counts (a loopback in it is advertised as a /32).
            let inside = |r: &&crate::proto::rib::Route| r.prefix.len >= want.len && want.contains(r.prefix.addr);
            match stack.rib().routes().iter().filter(|r| r.source != crate::proto::rib::Source::Local).find(inside) {
                None => pass(),
                Some(r) => fail(format!(
                    "{d} has a route to {} ({}): {want} should not be reachable by a route of its own",
                    r.prefix,
                    route_code(r)
                )),
            }
        }
        Check::Vlan { device: d, id: vlan, name } => {
            let id = device(net, d)?;
            let Some(ios) = net.device(id).as_ios() else { return Err(fail(format!("{d} is not a switch"))) };
            match (ios.switching.vlans.get(vlan), name) {
                (None, _) => fail(format!("VLAN {vlan} does not exist on {d}")),
                (Some(have), Some(want)) => {
                    let have = have.clone().unwrap_or_else(|| format!("VLAN{vlan:04}"));
                    if have.eq_ignore_ascii_case(want) {
                        pass()
                    } else {
                        fail(format!("VLAN {vlan} on {d} is named {have}, not {want}"))
                    }
                }
                (Some(_), None) => pass(),
            }
        }
        Check::SwitchportMode { device: d, interface, mode, vlan } => {
            let id = device(net, d)?;
            let name = iface_of(net, id, interface)?;
            let Some(sp) = net.device(id).as_ios().and_then(|i| i.iface(&name)).and_then(|i| i.switchport.clone())
            else {
                return Err(fail(format!("{d} {name} is not a switch port")));
            };
            use crate::proto::vlan::PortMode;
            let have = match sp.mode {
                Some(PortMode::Access) => "access",
                Some(PortMode::Trunk) => "trunk",
                Some(PortMode::DynamicDesirable) => "dynamic desirable",
                Some(PortMode::DynamicAuto) | None => "dynamic auto",
            };
            if !have.eq_ignore_ascii_case(mode.trim()) {
                fail(format!("{d} {name} is in {have} mode, not {mode}"))
            } else if let Some(v) = vlan {
                let have_vlan = if have == "trunk" { sp.native_vlan } else { sp.access_vlan };
                if have_vlan == *v {
                    pass()
                } else {
                    fail(format!("{d} {name} is in VLAN {have_vlan}, not {v}"))
                }
            } else {
                pass()
            }
        }
        Check::Link { a, b } => {
            let end = |s: &str| -> Result<(DeviceId, Option<usize>), Verdict> {
                match parse_endpoint(s) {
                    Some((d, i)) => {
                        let id = device(net, d)?;
                        let port = net
                            .device(id)
                            .model
                            .port_index(&i)
                            .ok_or_else(|| fail(format!("{d} has no interface {i}")))?;
                        Ok((id, Some(port)))
                    }
                    None => Ok((device(net, s)?, None)),
                }
            };
            let (da, pa) = end(a)?;
            let (db, pb) = end(b)?;
            let linked = (0..net.device(da).ports.len())
                .filter(|p| pa.is_none_or(|x| x == *p))
                .any(|p| net.peer(da, p).is_some_and(|peer| peer.device == db && pb.is_none_or(|x| x == peer.port)));
            if linked {
                pass()
            } else {
                fail(format!("there is no cable between {a} and {b}"))
            }
        }
        Check::OspfNeighbor { device: d, neighbor_id, state } => {
            let id = device(net, d)?;
            let want = state.as_deref().unwrap_or("FULL").trim().to_ascii_uppercase();
            let rid = match neighbor_id.parse::<Ipv4Addr>() {
                Ok(rid) => rid,
                Err(_) => {
                    let other = device(net, neighbor_id)?;
                    super::ospf::router_id(net, other)
                        .ok_or_else(|| fail(format!("{neighbor_id} does not run OSPF")))?
                }
            };
            let Some(ios) = net.device(id).as_ios().filter(|i| !i.routing.ospf_running.is_empty()) else {
                return Err(fail(format!("{d} does not run OSPF")));
            };
            // `FULL`, or with the neighbour's role as `show ip ospf neighbor` prints it: `FULL/DR`, `2WAY/DROTHER`.
            let (want_state, want_role) = match want.split_once('/') {
                Some((s, r)) => (s.trim().replace('-', ""), Some(r.trim().to_string())),
                None => (want.replace('-', ""), None),
            };
            let seen: Vec<_> = ios
                .routing
                .ospf_running
                .values()
                .flat_map(|o| o.ifaces.iter().flat_map(|f| f.neighbors.iter().map(move |n| (n, f))))
                .collect();
            match seen.iter().find(|(n, _)| n.router_id == rid) {
                Some((n, f)) => {
                    let role = f.neighbor_role(n);
                    let have = format!("{}/{role}", n.state.word());
                    let iface = &f.link.name;
                    if n.state.word() == want_state && want_role.as_deref().is_none_or(|r| r == role) {
                        pass()
                    } else if n.state.word() == want_state {
                        fail(format!("{d}'s neighbour {rid} on {iface} is {have}, not {want}"))
                    } else if n.state < crate::proto::ospf::NeighborState::Full && want_state == "FULL" {
                        fail(format!(
                            "{d}'s neighbour {rid} on {iface} is {have}, not {want}: {}",
                            super::ospf::why_not_full(net, id, rid)
                        ))
                    } else {
                        fail(format!("{d}'s neighbour {rid} on {iface} is {have}, not {want}"))
                    }
                }
                None => fail(format!("{d} has no OSPF neighbour {rid}: {}", super::ospf::why_not_full(net, id, rid))),
            }
        }
        Check::HsrpActive { device: d, group, interface } => {
            let id = device(net, d)?;
            let on = match interface {
                Some(i) => Some(iface_of(net, id, i)?),
                None => None,
            };
            let Some(ios) = net.device(id).as_ios() else { return Err(fail(format!("{d} does not run HSRP"))) };
            let groups: Vec<_> = ios
                .ifaces
                .iter()
                .filter(|i| on.as_ref().is_none_or(|n| *n == i.name))
                .flat_map(|i| i.hsrp.iter().map(move |g| (g, &i.name)))
                .filter(|(g, _)| g.config.group == *group)
                .collect();
            match groups.first() {
                _ if groups.iter().any(|(g, _)| g.state == crate::proto::hsrp::State::Active) => pass(),
                Some((g, name)) => {
                    let active = g.active.map_or(String::new(), |p| format!("; the active router is {}", p.addr));
                    fail(format!("{d} {name} group {group} is {}{active}", g.state.word()))
                }
                None => fail(format!("{d} has no HSRP group {group}")),
            }
        }
        Check::EnableSecret { device: d, password } => {
            let id = device(net, d)?;
            let ios = ios_of(net, id, d)?;
            match (&ios.system.enable_secret, &ios.system.enable_password) {
                (Some(s), _) if s.matches(password) => pass(),
                (Some(_), _) => fail(format!("{d}'s enable secret is not the password the lab asks for")),
                (None, Some(_)) => {
                    fail(format!("{d} has an enable password, not an enable secret (which is stored hashed)"))
                }
                (None, None) => {
                    fail(format!("{d} has no enable secret: anyone at the console reaches privileged EXEC"))
                }
            }
        }
        Check::LoginPassword { device: d, line, password } => {
            let id = device(net, d)?;
            let ios = ios_of(net, id, d)?;
            let kind = match line.to_ascii_lowercase().as_str() {
                "console" | "con" => LineKind::Console,
                "vty" => LineKind::Vty,
                other => return Err(fail(format!("`{other}` is not a line: use \"console\" or \"vty\""))),
            };
            let lines: Vec<_> = ios.system.lines.iter().filter(|l| l.kind == kind).collect();
            let mut verdict = pass();
            for l in &lines {
                let name = if kind == LineKind::Console {
                    format!("line con {}", l.first)
                } else {
                    format!("line vty {} {}", l.first, l.last)
                };
                let problem = match l.login {
                    Login::None => Some(format!("{d} {name} asks for no password (no `login`)")),
                    Login::Line => match &l.password {
                        None if kind == LineKind::Console => {
                            Some(format!("{d} {name} has `login` but no password: IOS disables login on it"))
                        }
                        None => Some(format!("{d} {name} has no password: IOS refuses every remote login")),
                        Some(s) if s.matches(password) => None,
                        Some(_) => Some(format!("{d} {name}'s password is not the one the lab asks for")),
                    },
                    Login::Local => {
                        let opens =
                            ios.system.users.iter().any(|u| u.secret.as_ref().is_some_and(|s| s.matches(password)));
                        (!opens).then(|| format!("{d} {name} uses `login local`, but no user has the lab's password"))
                    }
                };
                if let Some(p) = problem {
                    verdict = fail(p);
                    break;
                }
            }
            verdict
        }
        Check::Banner { device: d, kind, contains } => {
            let id = device(net, d)?;
            let ios = ios_of(net, id, d)?;
            let (word, banner) = match kind.as_deref().map(str::to_ascii_lowercase).as_deref() {
                Some("login") => ("login", &ios.system.banner_login),
                _ => ("motd", &ios.system.banner_motd),
            };
            match (banner, contains) {
                (None, _) => fail(format!("{d} has no banner {word}")),
                (Some(text), Some(want)) if !text.to_lowercase().contains(&want.to_lowercase()) => {
                    fail(format!("{d}'s banner {word} does not say \"{want}\""))
                }
                _ => pass(),
            }
        }
        Check::PortSecurity { device: d, interface, maximum, violation, sticky } => {
            let id = device(net, d)?;
            let name = iface_of(net, id, interface)?;
            let Some(sp) = net.device(id).as_ios().and_then(|i| i.iface(&name)).and_then(|i| i.switchport.clone())
            else {
                return Err(fail(format!("{d} {name} is not a switch port")));
            };
            let ps = &sp.port_security;
            let have_violation = match ps.violation.unwrap_or(Violation::Shutdown) {
                Violation::Protect => "protect",
                Violation::Restrict => "restrict",
                Violation::Shutdown => "shutdown",
            };
            if !ps.enabled {
                fail(format!("port security is not enabled on {d} {name} (`switchport port-security`)"))
            } else if let Some(m) = maximum.filter(|m| *m != ps.maximum.unwrap_or(1)) {
                fail(format!("{d} {name} allows {} secure addresses, not {m}", ps.maximum.unwrap_or(1)))
            } else if let Some(v) = violation.as_ref().filter(|v| !v.trim().eq_ignore_ascii_case(have_violation)) {
                fail(format!("{d} {name}'s violation mode is {have_violation}, not {}", v.trim().to_ascii_lowercase()))
            } else if let Some(s) = sticky.filter(|s| *s != ps.sticky) {
                let how = if s { "does not learn" } else { "learns" };
                fail(format!("{d} {name} {how} sticky secure addresses"))
            } else {
                pass()
            }
        }
        Check::DhcpLease { device: d, network } => {
            use crate::device::Addressing;
            let id = device(net, d)?;
            let Some(host) = net.device(id).as_host() else {
                return Ok(fail(format!("{d} is not a host: only PCs, laptops and servers take DHCP leases here")));
            };
            let lease = host.dhcp.as_ref().and_then(|c| c.lease.as_ref());
            match (host.addressing, lease) {
                (Addressing::Dhcp, Some(l)) if network.contains(l.addr) => pass(),
                (Addressing::Dhcp, Some(l)) => fail(format!(
                    "{d} leased {} from {}, not an address in {network}: the pool that served it is not this LAN's",
                    l.addr, l.server
                )),
                (Addressing::Apipa, _) => fail(format!(
                    "{d} asked for an address but no DHCP server answered: it took the APIPA address {}",
                    host.addr().map_or(Ipv4Addr::UNSPECIFIED, |a| a.0)
                )),
                (Addressing::Dhcp, None) => fail(format!("{d} is set to DHCP but holds no lease (ipconfig /renew)")),
                (Addressing::Static, _) => match host.addr() {
                    Some((a, _)) => fail(format!("{d} has the static address {a}, not a lease (ipconfig /dhcp)")),
                    None => fail(format!("{d} has no IPv4 address and is not set to DHCP (ipconfig /dhcp)")),
                },
            }
        }
        Check::Resolves { from, name, address } => {
            let id = device(net, from)?;
            let want = resolve_target(net, address);
            match lookup(net, id, name) {
                None => fail(format!("{from} is not a host: only PCs, laptops and servers look names up here")),
                Some(Resolution::Found { addresses, .. })
                    if want.is_some_and(|w| addresses.iter().any(|a| IpAddr::V4(*a) == w)) =>
                {
                    pass()
                }
                Some(Resolution::Found { addresses, .. }) => {
                    let got: Vec<String> = addresses.iter().map(|a| a.to_string()).collect();
                    fail(format!("{name} resolves to {} on {from}, not {address}", got.join(", ")))
                }
                Some(Resolution::NotFound { server, .. }) => {
                    fail(format!("the DNS server {server} has no address for {name} (Non-existent domain)"))
                }
                Some(Resolution::TimedOut { .. }) => match net.device(id).as_host().and_then(|h| h.dns) {
                    None => fail(format!("{from} has no DNS server set")),
                    Some(server) => fail(format!("{from}'s DNS server {server} did not answer about {name}")),
                },
            }
        }
        Check::HttpGet { from, url, contains } => {
            let id = device(net, from)?;
            let Some(parsed) = crate::proto::http::Url::parse(url) else {
                return Ok(fail(format!("`{url}` is not an http:// URL")));
            };
            let addr = match parsed.host.parse::<Ipv4Addr>() {
                Ok(a) => a,
                Err(_) => match lookup(net, id, &parsed.host) {
                    None => {
                        return Ok(fail(format!(
                            "{from} is not a host: only PCs, laptops and servers fetch pages here"
                        )))
                    }
                    Some(Resolution::Found { addresses, .. }) => addresses[0],
                    Some(_) => return Ok(fail(format!("{from} cannot resolve {}: the page cannot load", parsed.host))),
                },
            };
            match fetch(net, id, &parsed, addr) {
                None => fail(format!("{from} is not a host: only PCs, laptops and servers fetch pages here")),
                Some(FetchOutcome::Response(r)) if r.status == 200 => match contains {
                    Some(text) if !r.body.contains(text.as_str()) => {
                        fail(format!("the page at {url} loads but does not contain \"{text}\""))
                    }
                    _ => pass(),
                },
                Some(FetchOutcome::Response(r)) => {
                    let status = r.head.lines().next().unwrap_or_default().to_string();
                    fail(format!("{addr} answered {url} with \"{status}\""))
                }
                Some(FetchOutcome::Refused { addr, port, .. }) => {
                    fail(format!("{addr} refused the connection to port {port}: no web service runs there"))
                }
                Some(FetchOutcome::TimedOut { addr, port, .. }) => {
                    fail(format!("no answer from {addr} port {port}: the connection timed out"))
                }
                Some(FetchOutcome::Broken) => fail(format!("the connection to {addr} broke before the page came")),
            }
        }
        Check::AclHit { device: d, acl, seq } => {
            use crate::proto::acl::{AclId, Entry};
            let ios = ios_of(net, device(net, d)?, d)?;
            let id = AclId::parse(acl);
            let lists = ios.services.acls.lists();
            let Some(list) = lists.iter().find(|l| l.id == id) else {
                return Ok(fail(format!("{d} has no access list {acl}")));
            };
            let hits: Vec<(u32, u64)> = list
                .entries
                .iter()
                .filter_map(|e| if let Entry::Rule { seq, matches, .. } = e { Some((*seq, *matches)) } else { None })
                .collect();
            let applied = ios
                .ifaces
                .iter()
                .any(|i| i.access_group_in == Some(id.clone()) || i.access_group_out == Some(id.clone()))
                || ios
                    .system
                    .lines
                    .iter()
                    .any(|l| l.access_class_in == Some(id.clone()) || l.access_class_out == Some(id.clone()));
            match seq {
                Some(s) => match hits.iter().find(|(q, _)| q == s) {
                    None => fail(format!("access list {acl} on {d} has no entry {s}")),
                    Some((_, 0)) if !applied => fail(format!("access list {acl} on {d} is applied nowhere (ip access-group, access-class)")),
                    Some((_, 0)) => fail(format!("entry {s} of access list {acl} on {d} matched no packet: the list is not where the traffic passes, or an earlier entry decides it")),
                    Some(_) => pass(),
                },
                None if hits.iter().any(|(_, m)| *m > 0) => pass(),
                None if !applied => fail(format!("access list {acl} on {d} is applied nowhere (ip access-group, access-class)")),
                None => fail(format!("access list {acl} on {d} matched no packet: it is not where the traffic passes")),
            }
        }
        Check::NatTranslation { device: d, inside_local, inside_global } => {
            let ios = ios_of(net, device(net, d)?, d)?;
            let now = net.now();
            let entries = ios.services.nat_table.lock().translations(now);
            let mine: Vec<_> = entries.iter().filter(|e| e.inside_local.0 == *inside_local).collect();
            let nat_configured = !ios.services.nat.rules.is_empty();
            match (mine.is_empty(), inside_global) {
                (true, _) if !nat_configured => fail(format!("{d} has no NAT rule (ip nat inside source ...)")),
                (true, _) if !ios.ifaces.iter().any(|i| i.nat.is_some()) => {
                    fail(format!("no interface of {d} is marked ip nat inside or ip nat outside"))
                }
                (true, _) => fail(format!(
                    "{d} translated nothing from {inside_local}: its rules do not match it, or its traffic does not cross from an inside to an outside interface"
                )),
                (false, Some(g)) if !mine.iter().any(|e| e.inside_global.0 == *g) => {
                    let got: Vec<String> = mine.iter().map(|e| e.inside_global.0.to_string()).collect();
                    fail(format!("{d} translates {inside_local} to {}, not {g}", got.join(", ")))
                }
                _ => pass(),
            }
        }
        Check::RemoteLogin { from, to, via, user, password, expect } => {
            let id = device(net, from)?;
            let Some(IpAddr::V4(addr)) = resolve_target(net, to) else {
                return Ok(fail(format!("{to} has no IPv4 address to connect to")));
            };
            let user = user.as_deref().unwrap_or("admin");
            let how = via_word(*via);
            match (remote_login(net, id, addr, *via, user, password), expect) {
                (LoginOutcome::Allowed, Expect::Allowed)
                | (LoginOutcome::Refused(_), Expect::Refused)
                | (LoginOutcome::Denied(_), Expect::Denied) => pass(),
                (LoginOutcome::Allowed, Expect::Refused) => {
                    fail(format!("{from} logged in to {to} by {how}: the vty lines should not take {how} at all"))
                }
                (LoginOutcome::Allowed, _) => {
                    fail(format!("{from} logged in to {to} by {how} with a password that should be turned away"))
                }
                (LoginOutcome::Denied(why), Expect::Refused) => fail(format!(
                    "{to} asked {from} to log in by {how} ({why}): the vty lines should not take {how} at all"
                )),
                (LoginOutcome::Refused(why), Expect::Denied) => fail(format!(
                    "{to} does not take {how} from {from} at all ({why}): it should ask for a login and turn this password away"
                )),
                (LoginOutcome::Refused(why) | LoginOutcome::Denied(why), _) => {
                    fail(format!("{from} could not log in to {to} by {how}: {why}"))
                }
            }
        }
    })
}

fn via_word(via: RemoteVia) -> &'static str {
    match via {
        RemoteVia::Telnet => "Telnet",
        RemoteVia::Ssh => "SSH",
    }
}

/// How a remote login went, with the last words the client printed.
enum LoginOutcome {
    Allowed,
    /// No login was asked for.
    Refused(String),
    /// A login was asked for, and the credentials did not open it.
    Denied(String),
}

/// Log in from `id` as a user would type it (`telnet ADDR` or `ssh -l USER
/// ADDR`, then the user name and password when asked), and leave again.
/// The device's console and terminal are left as they were.
fn remote_login(
    net: &mut Network,
    id: DeviceId,
    to: Ipv4Addr,
    via: RemoteVia,
    user: &str,
    password: &str,
) -> LoginOutcome {
    let before = net.take_console(id);
    // A session the student left open is closed first (the check types
    // at this device's own prompt), and an IOS box types from privileged
    // EXEC whatever mode its terminal was left in.
    if net.device(id).remote().is_some() {
        net.act(id, |d, ctx| {
            d.abort_session(ctx.now);
            d.flush(ctx);
        });
    }
    let saved_mode = match &mut net.device_mut(id).role {
        Role::Ios(i) => Some(std::mem::replace(&mut i.terminal.mode, Mode::PrivExec)),
        Role::Host(_) => None,
    };
    let command = match via {
        RemoteVia::Telnet => format!("telnet {to}"),
        RemoteVia::Ssh => format!("ssh -l {user} {to}"),
    };
    let mut transcript = net.exec(id, &command);
    let mut outcome = LoginOutcome::Refused(String::new());
    let mut asked = false;
    // At most a user name and three passwords before the box decides.
    for _ in 0..6 {
        let Some(prompt) = net.device(id).remote().map(|r| r.prompt.trim_end().to_string()) else { break };
        let answer = if prompt.ends_with("Username:") {
            user
        } else if prompt.ends_with("Password:") {
            password
        } else {
            if prompt.ends_with('>') || prompt.ends_with('#') {
                outcome = LoginOutcome::Allowed;
            }
            break;
        };
        asked = true;
        transcript.push_str(&net.exec(id, answer));
    }
    if net.device(id).remote().is_some() {
        // Leave: `exit` at the remote prompt (a question left open is given up).
        net.exec(id, "exit");
        net.act(id, |d, ctx| {
            d.abort_session(ctx.now);
            d.flush(ctx);
        });
    }
    if let LoginOutcome::Refused(_) = outcome {
        let why = transcript
            .lines()
            .map(str::trim)
            .rfind(|l| l.starts_with('%'))
            .unwrap_or("the remote box never showed a prompt")
            .to_string();
        outcome = if asked { LoginOutcome::Denied(why) } else { LoginOutcome::Refused(why) };
    }
    net.take_console(id);
    if let (Some(mode), Role::Ios(i)) = (saved_mode, &mut net.device_mut(id).role) {
        i.terminal.mode = mode;
    }
    net.device_mut(id).console = before;
    outcome
}

/// A configuration (or any output) without its free text: banner blocks
/// (`banner motd ^C ... ^C`, over several lines or one) and `description`
/// lines, whose words a student chooses.
fn without_free_text(text: &str) -> String {
    let mut out = String::new();
    let mut in_banner = false;
    for line in text.lines() {
        if in_banner {
            in_banner = !line.contains("^C");
            continue;
        }
        if line.starts_with("banner ") {
            in_banner = line.matches("^C").count() < 2;
            continue;
        }
        if line.trim_start().starts_with("description ") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Run a command at privileged EXEC (whatever mode the terminal was left in) and return its output.
fn run_privileged(net: &mut Network, id: DeviceId, command: &str) -> String {
    let saved = match &mut net.device_mut(id).role {
        Role::Ios(i) => Some(std::mem::replace(&mut i.terminal.mode, Mode::PrivExec)),
        Role::Host(_) => None,
    };
    let before = net.take_console(id);
    let output = net.exec(id, command);
    if let (Some(mode), Role::Ios(i)) = (saved, &mut net.device_mut(id).role) {
        i.terminal.mode = mode;
    }
    net.device_mut(id).console = before;
    output
}
