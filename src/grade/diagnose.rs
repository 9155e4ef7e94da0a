//! Why a ping failed, in a sentence a student can act on. The evidence comes
//! from the simulation itself: what the probes came back with, and what the
//! trace recorded about the probe's own packets (its echo requests, the
//! replies and the errors about them) on every device they reached; the
//! device state then explains the drop (a shut interface, a missing route, a
//! host on the wrong segment).

use std::collections::VecDeque;
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

use crate::base::DeviceId;
use crate::device::Role;
use crate::net::Network;
use crate::proto::decision::{Decision, Flow, V6Step};
use crate::proto::icmp::ErrorKind;
use crate::proto::ip6_stack::Drop6;
use crate::proto::ip_stack::{Drop, SendError, Stage};
use crate::proto::probe::Outcome;
use crate::proto::rib::Prefix;
use crate::sim::What;

/// The device and interface that own an address.
struct Owner {
    device: DeviceId,
    iface: usize,
}

/// An IPv4 answer's address (an IPv6 one owns nothing on the IPv4 side).
fn v4(a: IpAddr) -> Ipv4Addr {
    match a {
        IpAddr::V4(a) => a,
        IpAddr::V6(_) => Ipv4Addr::UNSPECIFIED,
    }
}

fn owner(net: &Network, ip: Ipv4Addr) -> Option<Owner> {
    net.devices().iter().enumerate().find_map(|(device, d)| {
        d.stack().ifaces.iter().position(|i| i.addr.is_some_and(|(a, _)| a == ip)).map(|iface| Owner { device, iface })
    })
}

/// "route to 10.3.3.0/24" (or "default route"), and why the device at
/// `at` lacks it when one of its own interfaces is on that network but down.
fn route_to(net: &Network, at: DeviceId, ip: Ipv4Addr) -> String {
    let subnet = subnet_of(net, ip);
    if subnet == "0.0.0.0/0" {
        return "default route".into();
    }
    let d = net.device(at);
    let down = d
        .stack()
        .ifaces
        .iter()
        .enumerate()
        .find(|(_, i)| !i.up && i.addr.is_some_and(|(a, l)| Prefix::new(a, l).contains(ip)));
    match down {
        Some((idx, i)) => {
            let shut =
                d.as_ios().and_then(|ios| ios.ifaces.iter().find(|x| x.stack == Some(idx))).is_some_and(|x| x.shutdown);
            let state = if shut { "administratively down" } else { "down" };
            format!("route to {subnet}: {}, which is on that network, is {state}", i.name)
        }
        None => format!("route to {subnet}"),
    }
}

/// The subnet an address belongs to, as its owner (or anyone routing to it) sees it.
fn subnet_of(net: &Network, ip: Ipv4Addr) -> String {
    let from_owner = owner(net, ip)
        .and_then(|o| net.device(o.device).stack().ifaces[o.iface].addr)
        .map(|(a, len)| Prefix::new(a, len));
    let from_any = || {
        net.devices()
            .iter()
            .flat_map(|d| d.stack().ifaces.iter())
            .filter_map(|i| i.addr)
            .map(|(a, l)| Prefix::new(a, l))
            .find(|p| p.contains(ip) && p.len < 32)
    };
    from_owner.or_else(from_any).map_or(ip.to_string(), |p| p.to_string())
}

fn name(net: &Network, id: DeviceId) -> &str {
    &net.device(id).name
}

fn iface_name(net: &Network, id: DeviceId, iface: usize) -> String {
    net.device(id).stack().ifaces[iface].name.to_string()
}

/// The physical port an IP interface uses, if it has one of its own.
fn port_of(net: &Network, id: DeviceId, iface: usize) -> Option<usize> {
    let d = net.device(id);
    match &d.role {
        Role::Host(_) => Some(0),
        Role::Ios(ios) => ios.ifaces.iter().find(|i| i.stack == Some(iface)).and_then(|i| i.port),
    }
}

/// The (device, port) pairs a frame from `start` can reach through live
/// cables and switches.
fn segment(net: &Network, id: DeviceId, port: usize) -> Vec<(DeviceId, usize)> {
    let mut seen = vec![(id, port)];
    let mut queue = VecDeque::from([(id, port)]);
    while let Some((d, p)) = queue.pop_front() {
        if !net.device(d).ports[p].link_up {
            continue;
        }
        let Some(peer) = net.peer(d, p) else { continue };
        let far = (peer.device, peer.port);
        if seen.contains(&far) {
            continue;
        }
        seen.push(far);
        if net.device(peer.device).model.is_switch() {
            for q in 0..net.device(peer.device).ports.len() {
                if !seen.contains(&(peer.device, q)) {
                    seen.push((peer.device, q));
                    queue.push_back((peer.device, q));
                }
            }
        }
    }
    seen
}

/// Why nobody answered ARP for `nh` asked by `asker` on its interface `iface`.
fn arp_reason(net: &Network, asker: DeviceId, iface: usize, nh: Ipv4Addr) -> String {
    let Some(o) = owner(net, nh) else {
        let gateway_of = net.device(asker).as_host().filter(|h| h.gateway == Some(nh));
        return match gateway_of {
            Some(_) => format!("no device has the address {nh}, which is {}'s default gateway", name(net, asker)),
            None => format!("no device has the address {nh}"),
        };
    };
    let od = net.device(o.device);
    let oname = iface_name(net, o.device, o.iface);
    if let Some(i) = od.as_ios().and_then(|ios| ios.ifaces.iter().find(|i| i.stack == Some(o.iface))) {
        if i.shutdown {
            return format!("{} {oname} is administratively down", od.name);
        }
    }
    let port = port_of(net, o.device, o.iface);
    if let Some(p) = port {
        if !od.ports[p].cabled {
            return format!("{} {oname} has no cable plugged in", od.name);
        }
        if !od.ports[p].link_up {
            return format!("{} {oname} is down: the device at the other end of its cable has shut its port", od.name);
        }
    }
    let asker_port = port_of(net, asker, iface);
    let reachable = match (asker_port, port) {
        (Some(ap), Some(op)) => segment(net, asker, ap).contains(&(o.device, op)),
        (Some(ap), None) => segment(net, asker, ap).iter().any(|(d, _)| *d == o.device),
        _ => true,
    };
    if !reachable {
        return format!(
            "{} {oname} ({nh}) is not on the same LAN as {} {}",
            od.name,
            name(net, asker),
            iface_name(net, asker, iface)
        );
    }
    format!("{} {oname} did not answer", od.name)
}

/// Does a traced packet belong to the probe: its echo requests (or UDP
/// probes), the replies, or an ICMP error about them?
fn is_probes(flow: &Flow, src: Ipv4Addr, ident: u16) -> bool {
    flow.id == ident && (flow.src == src || flow.dst == src) && matches!(flow.protocol, 1 | 17)
}

/// Explain the first drop of the probe's own packets.
fn explain_drop(net: &Network, src: Ipv4Addr, dst: Ipv4Addr, ident: u16) -> Option<String> {
    // A router that never resolves a next hop drops each packet as "ARP not
    // resolved yet"; that explains the failure only if it never resolved.
    let mut unresolved = None;
    for record in net.trace() {
        let What::Note(Decision::IpDropped { flow: Some(flow), why }) = &record.what else { continue };
        if !is_probes(flow, src, ident) {
            continue;
        }
        let at = record.device;
        let here = name(net, at);
        let reply = flow.src != src;
        match *why {
            Drop::NoRoute { .. } if reply => {
                return Some(format!("the echo reply was dropped at {here}: no route back to {}", subnet_of(net, src)));
            }
            Drop::NoRoute { .. } => return Some(format!("{here} has no {}", route_to(net, at, dst))),
            Drop::TtlExpired { .. } => {
                return Some(format!(
                    "the packet went round in circles until its TTL ran out at {here}: a routing loop"
                ));
            }
            Drop::ArpUnresolved { next_hop, iface } => {
                return Some(format!("ARP for {next_hop} got no reply: {}", arp_reason(net, at, iface, next_hop)));
            }
            Drop::IfaceDown { iface } => return Some(format!("{here} {} is down", iface_name(net, at, iface))),
            Drop::Filtered { stage, iface } => {
                let way = if stage == Stage::InboundFilter { "inbound" } else { "outbound" };
                return Some(format!(
                    "an {way} access list on {here} {} blocks the packets",
                    iface_name(net, at, iface)
                ));
            }
            Drop::ArpIncomplete { next_hop } => {
                let resolved = net.device(at).stack().arp.lookup(next_hop, net.now()).is_some();
                if !resolved && unresolved.is_none() {
                    let iface = net.device(at).stack().rib().lookup(next_hop).map(|hop| hop.iface);
                    unresolved = iface.map(|iface| (at, iface, next_hop));
                }
            }
            Drop::Malformed | Drop::Untranslated { .. } => {}
        }
    }
    unresolved.map(|(at, iface, next_hop)| {
        format!("ARP for {next_hop} got no reply: {}", arp_reason(net, at, iface, next_hop))
    })
}

/// Why an IPv6 ping from `from` to `dst` got no reply: the source's own
/// addressing and routes, the errors that came back, the first drop the
/// trace recorded, else who owns the address.
pub fn ping6_failed(net: &Network, from: DeviceId, dst: Ipv6Addr, outcomes: &[Outcome]) -> String {
    let d = net.device(from);
    let me = d.name.clone();
    let stack = d.stack6();
    let has_global = stack.ifaces.iter().any(|i| i.enabled && i.globals().any(|a| a.usable()));
    if !has_global && !crate::proto::ipv6::is_link_local(dst) {
        return match d.as_host() {
            Some(h) if h.ipv6_autoconfig() => {
                format!("{me} has no IPv6 address: no router advertised a prefix on its link (SLAAC)")
            }
            _ => format!("{me} has no IPv6 address"),
        };
    }
    let owner6 = |a: Ipv6Addr| {
        net.devices().iter().find(|x| x.stack6().ifaces.iter().any(|i| i.addrs.iter().any(|x| x.addr == a)))
    };
    for o in outcomes {
        match *o {
            Outcome::NotSent(SendError::NoRoute) if d.as_host().is_some() => {
                return format!("{me} has no IPv6 default gateway: none is configured and no router advertised itself")
            }
            Outcome::NotSent(SendError::NoRoute) => return format!("{me} has no IPv6 route to {dst}"),
            Outcome::NotSent(SendError::NoSourceAddress) => {
                return format!("{me} has no IPv6 address on the way to {dst}")
            }
            Outcome::Error { from: r, kind, .. } => {
                let who = match r {
                    std::net::IpAddr::V6(r) => owner6(r).map_or(r.to_string(), |x| x.name.clone()),
                    r => r.to_string(),
                };
                match kind {
                    ErrorKind::NetUnreachable => return format!("{who} has no IPv6 route to {dst}"),
                    ErrorKind::AdminProhibited => return format!("an access list on {who} blocks the packets"),
                    ErrorKind::TtlExceeded => {
                        return format!(
                            "the packet went round in circles until its hop limit ran out at {who}: a routing loop"
                        )
                    }
                    ErrorKind::HostUnreachable => {
                        return format!("{who} asked for {dst} on its link and nobody answered (neighbour discovery)")
                    }
                    _ => {}
                }
            }
            Outcome::Unresolved { .. } => {
                return format!("{me}'s next hop toward {dst} never answered its neighbour solicitations")
            }
            _ => {}
        }
    }
    for record in net.trace() {
        if let What::Note(Decision::Ipv6 { step: V6Step::Dropped(why), addr, .. }) = &record.what {
            // The echo toward `dst`, or the reply on its way back.
            let back = matches!(why, Drop6::NotRouting) && stack.ifaces.iter().any(|i| i.owns(*addr));
            let toward = *addr == dst || back;
            if toward {
                let here = name(net, record.device);
                return match why {
                    Drop6::NoRoute => format!("{here} has no IPv6 route to {dst}"),
                    Drop6::HopLimit => format!("the hop limit ran out at {here}: a routing loop"),
                    Drop6::Unresolved => format!("{here} asked for its next hop and nobody answered"),
                    Drop6::IfaceDown => format!("the exit interface of {here} is down"),
                    Drop6::LinkLocalNotRouted => format!("{here} does not route link-local addresses"),
                    Drop6::NotRouting => format!("{here} does not route IPv6: it needs ipv6 unicast-routing"),
                    Drop6::Filtered { .. } => format!("an IPv6 access list on {here} blocks the packets"),
                };
            }
        }
    }
    match owner6(dst) {
        None => format!("no device has the address {dst}"),
        Some(o) => format!("no echo reply came back from {} ({dst})", o.name),
    }
}

/// Why a ping from `from` to `dst` (identified by `ident`) got no reply. The
/// network's trace must hold what happened since the probe started.
pub fn ping_failed(net: &Network, from: DeviceId, dst: Ipv4Addr, ident: u16, outcomes: &[Outcome]) -> String {
    let d = net.device(from);
    let me = d.name.clone();
    let stack = d.stack();
    let Some((src, len)) = stack.ifaces.iter().find_map(|i| i.addr) else {
        return format!("{me} has no IP address");
    };
    if let Some(h) = d.as_host() {
        if !d.ports[0].cabled {
            return format!("{me} has no cable plugged in");
        }
        if !d.ports[0].link_up {
            return format!("{me}'s link is down: the switch port it is plugged into is shut down");
        }
        let local = Prefix::new(src, len);
        if !local.contains(dst) {
            match h.gateway {
                None => return format!("{me} has no default gateway"),
                Some(gw) if !local.contains(gw) => {
                    return format!("{me}'s default gateway {gw} is not in its subnet {local}");
                }
                Some(_) => {}
            }
        }
    }
    for o in outcomes {
        match *o {
            Outcome::NotSent(SendError::NoRoute) => return format!("{me} has no {}", route_to(net, from, dst)),
            Outcome::NotSent(SendError::NoSourceAddress) => return format!("{me} has no address on the way to {dst}"),
            Outcome::Error { from: r, kind: ErrorKind::NetUnreachable, .. } => {
                return match owner(net, v4(r)) {
                    Some(o) => format!("{} has no {}", name(net, o.device), route_to(net, o.device, dst)),
                    None => format!("{r} has no route to {}", subnet_of(net, dst)),
                };
            }
            Outcome::Error { from: r, kind: ErrorKind::AdminProhibited, .. } => {
                let who = owner(net, v4(r)).map_or(r.to_string(), |o| name(net, o.device).to_string());
                return format!("an access list on {who} blocks the packets");
            }
            _ => {}
        }
    }
    if let Some(why) = explain_drop(net, src, dst, ident) {
        return why;
    }
    if let Some(o) = outcomes.iter().find_map(|o| {
        if let Outcome::Error { from, kind: ErrorKind::TtlExceeded, .. } = o {
            Some(*from)
        } else {
            None
        }
    }) {
        let who = owner(net, v4(o)).map_or(o.to_string(), |o| name(net, o.device).to_string());
        return format!("the packet went round in circles until its TTL ran out at {who}: a routing loop");
    }
    match owner(net, dst) {
        None => format!("no device has the address {dst}"),
        Some(o) => format!("no echo reply came back from {} ({dst})", name(net, o.device)),
    }
}
