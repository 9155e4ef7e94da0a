//! OSPFv3's shortest-path tree (RFC 5340, 4.8): Dijkstra over routers and
//! transit networks from the router- and network-LSAs alone, each step
//! checked both ways; then every intra-area-prefix LSA hangs its prefixes on
//! the router or network it names, at that vertex's distance plus the
//! prefix's metric. Next hops are neighbours' link-local addresses, learnt
//! from their hellos on the interface the path leaves by.

use std::collections::{BTreeMap, BTreeSet};
use std::net::{Ipv4Addr, Ipv6Addr};

use super::lsa::{self, Body, Lsa, LsaKey};
use super::Route;

/// One of our interfaces in the area, with its full neighbours
/// (router ID, link-local address).
#[derive(Clone, Debug)]
pub struct LocalIface {
    pub iface: usize,
    pub id: u32,
    pub neighbors: Vec<(Ipv4Addr, Ipv6Addr)>,
}

/// A router, or a transit network named by its DR and the DR's interface ID.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Vertex {
    Router(Ipv4Addr),
    Network(Ipv4Addr, u32),
}

type Hop = (usize, Option<Ipv6Addr>);

/// The router's links: every router-LSA it originated (IOS may split them).
fn router_links<'a>(lsdb: &'a BTreeMap<LsaKey, &Lsa>, router: Ipv4Addr) -> impl Iterator<Item = &'a lsa::RouterLink> {
    lsdb.iter().filter(move |(k, _)| k.kind == lsa::ROUTER && k.adv == router).flat_map(|(_, l)| match &l.body {
        Body::Router { links, .. } => links.as_slice(),
        _ => &[],
    })
}

fn network_routers<'a>(lsdb: &'a BTreeMap<LsaKey, &Lsa>, dr: Ipv4Addr, id: u32) -> &'a [Ipv4Addr] {
    match lsdb.get(&LsaKey { kind: lsa::NETWORK, id, adv: dr }).map(|l| &l.body) {
        Some(Body::Network { routers }) => routers,
        _ => &[],
    }
}

/// The vertices a vertex links to, with the cost of each link, where the
/// other end links back.
fn edges(lsdb: &BTreeMap<LsaKey, &Lsa>, v: Vertex) -> Vec<(Vertex, u32, Option<u32>)> {
    let mut out = Vec::new();
    match v {
        Vertex::Router(r) => {
            for l in router_links(lsdb, r) {
                let far = match l.kind {
                    lsa::LINK_P2P => Vertex::Router(l.neighbor),
                    lsa::LINK_TRANSIT => Vertex::Network(l.neighbor, l.neighbor_iface_id),
                    _ => continue,
                };
                let back = match far {
                    Vertex::Router(n) => router_links(lsdb, n).any(|b| b.kind == lsa::LINK_P2P && b.neighbor == r),
                    Vertex::Network(dr, id) => network_routers(lsdb, dr, id).contains(&r),
                };
                if back {
                    out.push((far, u32::from(l.metric), Some(l.iface_id)));
                }
            }
        }
        Vertex::Network(dr, id) => {
            for &r in network_routers(lsdb, dr, id) {
                let back = router_links(lsdb, r)
                    .any(|b| b.kind == lsa::LINK_TRANSIT && b.neighbor == dr && b.neighbor_iface_id == id);
                if back {
                    out.push((Vertex::Router(r), 0, None));
                }
            }
        }
    }
    out
}

/// The routes to every prefix the area's LSAs carry, ours excluded.
pub fn routes(lsdb: &BTreeMap<LsaKey, &Lsa>, me: Ipv4Addr, local: &[LocalIface]) -> Vec<Route> {
    let root = Vertex::Router(me);
    let mut done: BTreeMap<Vertex, (u32, Vec<Hop>)> = BTreeMap::new();
    let mut tentative: BTreeMap<Vertex, (u32, Vec<Hop>)> = BTreeMap::new();
    let mut queue: BTreeSet<(u32, Vertex)> = BTreeSet::new();
    tentative.insert(root, (0, Vec::new()));
    queue.insert((0, root));
    while let Some((dist, v)) = queue.pop_first() {
        let Some(entry) = tentative.remove(&v) else { continue };
        if entry.0 != dist {
            continue;
        }
        let hops = entry.1.clone();
        done.insert(v, entry);
        for (w, cost, my_iface_id) in edges(lsdb, v) {
            if done.contains_key(&w) {
                continue;
            }
            let d = dist + cost;
            // How the path to w leaves this router.
            let via: Vec<Hop> = if v == root {
                let Some(f) = local.iter().find(|f| Some(f.id) == my_iface_id) else { continue };
                match w {
                    Vertex::Network(..) => vec![(f.iface, None)],
                    Vertex::Router(r) => {
                        f.neighbors.iter().filter(|(id, _)| *id == r).map(|(_, a)| (f.iface, Some(*a))).collect()
                    }
                }
            } else if let (Vertex::Router(r), [(iface, None)]) = (w, hops.as_slice()) {
                // Across a network we are on: straight to that router.
                let on = local.iter().find(|f| f.iface == *iface);
                on.into_iter()
                    .flat_map(|f| f.neighbors.iter().filter(|(id, _)| *id == r).map(|(_, a)| (f.iface, Some(*a))))
                    .collect()
            } else {
                hops.clone()
            };
            if via.is_empty() {
                continue;
            }
            match tentative.get_mut(&w) {
                Some((old, _)) if *old < d => {}
                Some((old, paths)) if *old == d => {
                    for h in via {
                        if !paths.contains(&h) {
                            paths.push(h);
                        }
                    }
                    paths.sort();
                }
                _ => {
                    if let Some((old, _)) = tentative.get(&w) {
                        queue.remove(&(*old, w));
                    }
                    tentative.insert(w, (d, via));
                    queue.insert((d, w));
                }
            }
        }
    }
    let mut out: BTreeMap<(Ipv6Addr, u8), Route> = BTreeMap::new();
    for (key, l) in lsdb {
        let Body::IntraAreaPrefix { referenced, prefixes } = &l.body else { continue };
        if key.kind != lsa::INTRA_AREA_PREFIX {
            continue;
        }
        let vertex = match referenced.kind {
            lsa::ROUTER => Vertex::Router(referenced.adv),
            lsa::NETWORK => Vertex::Network(referenced.adv, referenced.id),
            _ => continue,
        };
        if vertex == root {
            continue;
        }
        let Some((dist, hops)) = done.get(&vertex) else { continue };
        // NU: not to be used in routing.
        for p in prefixes.iter().filter(|p| p.options & 0x01 == 0) {
            let metric = dist + u32::from(p.metric);
            let route = Route { prefix: p.addr, len: p.len, metric, next_hops: hops.clone() };
            match out.get_mut(&(p.addr, p.len)) {
                Some(r) if r.metric < metric => {}
                Some(r) if r.metric == metric => {
                    for h in &route.next_hops {
                        if !r.next_hops.contains(h) {
                            r.next_hops.push(*h);
                        }
                    }
                    r.next_hops.sort();
                }
                _ => {
                    out.insert((p.addr, p.len), route);
                }
            }
        }
    }
    out.into_values().collect()
}
