//! Why two routers are not full OSPF neighbours, in a sentence a student
//! can act on: the settings IOS requires to match on a shared subnet
//! (addresses, masks, areas, hello and dead intervals, MTU, router IDs)
//! and the ones that keep hellos from being sent at all (an interface that
//! is down, passive, or that no `network` statement covers).

use std::net::Ipv4Addr;

use crate::base::DeviceId;
use crate::net::Network;
use crate::proto::ospf::{Iface, Instance, LinkKind};
use crate::proto::rib::Prefix;

/// The router ID a device's (first) OSPF process runs with.
pub fn router_id(net: &Network, id: DeviceId) -> Option<Ipv4Addr> {
    processes(net, id).find_map(|o| o.router_id)
}

fn processes(net: &Network, id: DeviceId) -> impl Iterator<Item = &Instance> {
    net.device(id).as_ios().into_iter().flat_map(|i| i.routing.ospf_running.values())
}

/// The OSPF interface of a device on its IP interface `iface`, if OSPF runs there.
fn ospf_iface(net: &Network, id: DeviceId, iface: usize) -> Option<&Iface> {
    processes(net, id).flat_map(|o| &o.ifaces).find(|f| f.link.iface == iface)
}

/// Why `a` has no full adjacency with the router whose ID is `rid`.
pub fn why_not_full(net: &Network, a: DeviceId, rid: Ipv4Addr) -> String {
    let name = |id: DeviceId| net.device(id).name.clone();
    let b = (0..net.devices().len()).find(|&d| d != a && router_id(net, d) == Some(rid));
    let Some(b) = b else { return format!("no other router runs OSPF with router ID {rid}") };
    if router_id(net, a) == Some(rid) {
        return format!("{} and {} both use router ID {rid}", name(a), name(b));
    }
    let (sa, sb) = (net.device(a).stack(), net.device(b).stack());
    let mut shared = Vec::new();
    for (ia, x) in sa.ifaces.iter().enumerate() {
        for (ib, y) in sb.ifaces.iter().enumerate() {
            if let (Some((xa, xl)), Some((ya, yl))) = (x.addr, y.addr) {
                if Prefix::new(xa, xl).contains(ya) || Prefix::new(ya, yl).contains(xa) {
                    shared.push((ia, ib));
                }
            }
        }
    }
    if shared.is_empty() {
        return format!("{} and {} have no subnet in common", name(a), name(b));
    }
    shared
        .iter()
        .find_map(|&(ia, ib)| link_problem(net, (a, ia), (b, ib)))
        .unwrap_or_else(|| "the adjacency is still forming".into())
}

/// What keeps two interfaces on one subnet from an adjacency, if anything.
fn link_problem(net: &Network, (a, ia): (DeviceId, usize), (b, ib): (DeviceId, usize)) -> Option<String> {
    let side = |id: DeviceId, i: usize| {
        let d = net.device(id);
        (d.name.clone(), d.stack().ifaces[i].name.to_string(), d.stack().ifaces[i].addr, d.stack().ifaces[i].up)
    };
    let (na, ifa, addr_a, up_a) = side(a, ia);
    let (nb, ifb, addr_b, up_b) = side(b, ib);
    for (n, i, up) in [(&na, &ifa, up_a), (&nb, &ifb, up_b)] {
        if !up {
            return Some(format!("{n} {i} is down"));
        }
    }
    if let (Some((_, la)), Some((_, lb))) = (addr_a, addr_b) {
        if la != lb {
            return Some(format!(
                "{na} {ifa} is a /{la} but {nb} {ifb} is a /{lb}: their hellos must agree on the mask"
            ));
        }
    }
    let (oa, ob) = (ospf_iface(net, a, ia), ospf_iface(net, b, ib));
    for (n, i, o, addr) in [(&na, &ifa, oa, addr_a), (&nb, &ifb, ob, addr_b)] {
        match o {
            None => {
                let at = addr.map_or(String::new(), |(x, _)| format!(" ({x})"));
                return Some(format!("OSPF does not run on {n} {i}: no network statement covers it{at}"));
            }
            Some(f) if f.passive => return Some(format!("{n} {i} is passive: it sends no hellos")),
            Some(_) => {}
        }
    }
    let (fa, fb) = (oa?, ob?);
    if fa.area != fb.area {
        return Some(format!(
            "{na} {ifa} is in area {} but {nb} {ifb} is in area {}",
            fa.area_as_written, fb.area_as_written
        ));
    }
    if (fa.hello, fa.dead) != (fb.hello, fb.dead) {
        return Some(format!(
            "their hello/dead intervals differ: {}/{} on {na} {ifa}, {}/{} on {nb} {ifb}",
            fa.hello, fa.dead, fb.hello, fb.dead
        ));
    }
    if fa.link.mtu != fb.link.mtu {
        return Some(format!(
            "their MTUs differ ({} on {na} {ifa}, {} on {nb} {ifb}): the database exchange stops in EXSTART",
            fa.link.mtu, fb.link.mtu
        ));
    }
    let broadcast = fa.kind == LinkKind::Broadcast && fb.kind == LinkKind::Broadcast;
    if broadcast && fa.priority == 0 && fb.priority == 0 {
        return Some(format!("both {na} {ifa} and {nb} {ifb} have priority 0: neither can become the DR"));
    }
    let is_dr_or_bdr = |f: &Iface, addr: Option<(Ipv4Addr, u8)>| addr.is_some_and(|(x, _)| x == f.dr || x == f.bdr);
    if broadcast && !is_dr_or_bdr(fa, addr_a) && !is_dr_or_bdr(fb, addr_b) {
        return Some(format!(
            "neither {na} nor {nb} is the DR or BDR on {ifa}'s segment, so they stay 2WAY (as IOS does)"
        ));
    }
    None
}
