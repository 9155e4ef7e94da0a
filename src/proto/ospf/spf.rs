//! The shortest-path-first calculation (RFC 2328, section 16): Dijkstra over
//! an area's router and network LSAs from this router, with equal-cost paths
//! kept, then the area's networks (intra-area routes), the summaries other
//! border routers advertise (inter-area), and AS-external routes.

use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

use super::lsa::{self, Body, Lsa, LsaKey};

/// How a router reaches a destination: out of an interface (the IP stack's
/// index), to a neighbour's address (`None`: directly attached).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct NextHop {
    pub iface: usize,
    pub via: Option<Ipv4Addr>,
}

/// IOS installs at most this many equal-cost paths by default.
pub const MAX_PATHS: usize = 4;

/// What the routing table gets from OSPF.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum RouteKind {
    /// `O`
    IntraArea,
    /// `O IA`
    InterArea,
    /// `O E1`
    External1,
    /// `O E2`
    External2,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OspfRoute {
    pub network: Ipv4Addr,
    pub len: u8,
    pub kind: RouteKind,
    /// The metric `show ip route` prints: the cost, or an E2 route's external metric.
    pub metric: u32,
    pub next_hops: Vec<NextHop>,
}

/// A vertex of the shortest-path tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Vertex {
    Router(Ipv4Addr),
    /// A transit network, by its designated router's interface address.
    Network(Ipv4Addr),
}

/// This router's interfaces in the area, as the calculation needs them.
#[derive(Clone, Debug)]
pub struct LocalIface {
    pub iface: usize,
    pub addr: Ipv4Addr,
    /// Full neighbours on the interface: router ID and address.
    pub neighbors: Vec<(Ipv4Addr, Ipv4Addr)>,
}

/// The result of one area's calculation.
#[derive(Clone, Debug, Default)]
pub struct AreaTree {
    /// Cost and next hops of every vertex reached.
    pub reached: BTreeMap<Vertex, (u32, Vec<NextHop>)>,
    pub routes: Vec<OspfRoute>,
    /// Border routers (B bit) and AS boundary routers (E bit) reached, with their cost and next hops.
    pub border_routers: BTreeMap<Ipv4Addr, (u32, Vec<NextHop>)>,
    pub boundary_routers: BTreeMap<Ipv4Addr, (u32, Vec<NextHop>)>,
}

fn router_lsa(db: &BTreeMap<LsaKey, Lsa>, rid: Ipv4Addr) -> Option<&Lsa> {
    db.get(&LsaKey { kind: lsa::ROUTER, id: rid, adv: rid }).filter(|l| l.header.age < lsa::MAX_AGE)
}

fn network_lsa(db: &BTreeMap<LsaKey, Lsa>, dr: Ipv4Addr) -> Option<&Lsa> {
    db.range(LsaKey { kind: lsa::NETWORK, id: dr, adv: Ipv4Addr::UNSPECIFIED }..)
        .take_while(|(k, _)| k.kind == lsa::NETWORK && k.id == dr)
        .map(|(_, l)| l)
        .find(|l| l.header.age < lsa::MAX_AGE)
}

/// Does `w`'s LSA link back to `v` (the two-way check of 16.1, step 2b)?
fn links_back(w: &Lsa, v: Vertex) -> bool {
    match (&w.body, v) {
        (Body::Router { links, .. }, Vertex::Router(rid)) => {
            links.iter().any(|l| l.kind == lsa::LINK_P2P && l.id == rid)
        }
        (Body::Router { links, .. }, Vertex::Network(dr)) => {
            links.iter().any(|l| l.kind == lsa::LINK_TRANSIT && l.id == dr)
        }
        (Body::Network { routers, .. }, Vertex::Router(rid)) => routers.contains(&rid),
        _ => false,
    }
}

fn merge(into: &mut Vec<NextHop>, from: &[NextHop]) {
    for h in from {
        if !into.contains(h) {
            into.push(*h);
        }
    }
    into.sort();
    into.truncate(MAX_PATHS);
}

/// Run Dijkstra over one area's database from `me`.
pub fn area_tree(db: &BTreeMap<LsaKey, Lsa>, me: Ipv4Addr, local: &[LocalIface]) -> AreaTree {
    let mut tree = AreaTree::default();
    let Some(root) = router_lsa(db, me) else { return tree };
    // Candidates by (cost, vertex), so the next one taken is deterministic.
    let mut candidates: BTreeSet<(u32, Vertex)> = BTreeSet::new();
    let mut best: BTreeMap<Vertex, (u32, Vec<NextHop>)> = BTreeMap::new();
    let root_vertex = Vertex::Router(me);
    tree.reached.insert(root_vertex, (0, Vec::new()));
    let mut current: (Vertex, Lsa, u32, Vec<NextHop>) = (root_vertex, root.clone(), 0, Vec::new());
    loop {
        let (v, v_lsa, v_cost, v_hops) = current;
        // Each vertex the LSA of `v` reaches, with the link's cost and, from
        // the root or a network next to it, the next hop it gives.
        let mut edges: Vec<(Vertex, u32, Option<NextHop>)> = Vec::new();
        match &v_lsa.body {
            Body::Router { links, .. } => {
                for l in links {
                    let w = match l.kind {
                        lsa::LINK_P2P => Vertex::Router(l.id),
                        lsa::LINK_TRANSIT => Vertex::Network(l.id),
                        _ => continue,
                    };
                    let hop = if v == root_vertex {
                        // From the root: out of the interface the link names,
                        // to the neighbour's address (a point-to-point link) or
                        // onto the network itself (a transit network).
                        let Some(out) = local.iter().find(|i| i.addr == l.data) else { continue };
                        match w {
                            Vertex::Router(rid) => {
                                let Some(&(_, via)) = out.neighbors.iter().find(|(r, _)| *r == rid) else { continue };
                                Some(NextHop { iface: out.iface, via: Some(via) })
                            }
                            Vertex::Network(_) => Some(NextHop { iface: out.iface, via: None }),
                        }
                    } else {
                        None
                    };
                    edges.push((w, u32::from(l.metric), hop));
                }
            }
            Body::Network { routers, .. } => {
                for r in routers {
                    let w = Vertex::Router(*r);
                    // From a network the root is on: the router's address on it.
                    let hop = v_hops.iter().find(|h| h.via.is_none()).and_then(|h| {
                        let Vertex::Network(dr) = v else { return None };
                        let addr = router_lsa(db, *r).and_then(|l| match &l.body {
                            Body::Router { links, .. } => {
                                links.iter().find(|k| k.kind == lsa::LINK_TRANSIT && k.id == dr).map(|k| k.data)
                            }
                            _ => None,
                        })?;
                        Some(NextHop { iface: h.iface, via: Some(addr) })
                    });
                    edges.push((w, 0, hop));
                }
            }
            _ => {}
        }
        for (w, cost, hop) in edges {
            if tree.reached.contains_key(&w) {
                continue;
            }
            let w_lsa = match w {
                Vertex::Router(rid) => router_lsa(db, rid),
                Vertex::Network(dr) => network_lsa(db, dr),
            };
            let Some(w_lsa) = w_lsa else { continue };
            if !links_back(w_lsa, v) {
                continue;
            }
            let total = v_cost + cost;
            let hops: Vec<NextHop> = match hop {
                Some(h) => vec![h],
                None if v == root_vertex => continue,
                None => v_hops.clone(),
            };
            if hops.is_empty() {
                continue;
            }
            match best.get_mut(&w) {
                Some((c, h)) if *c == total => merge(h, &hops),
                Some((c, _)) if *c < total => {}
                found => {
                    if let Some((old, _)) = found {
                        candidates.remove(&(*old, w));
                    }
                    best.insert(w, (total, hops));
                    candidates.insert((total, w));
                }
            }
        }
        // The nearest candidate joins the tree and is expanded next.
        let next = loop {
            let Some((cost, w)) = candidates.pop_first() else { break None };
            let Some((_, hops)) = best.remove(&w) else { continue };
            let w_lsa = match w {
                Vertex::Router(rid) => router_lsa(db, rid).cloned(),
                Vertex::Network(dr) => network_lsa(db, dr).cloned(),
            };
            if let Some(w_lsa) = w_lsa {
                break Some((w, w_lsa, cost, hops));
            }
        };
        let Some(next) = next else { break };
        tree.reached.insert(next.0, (next.2, next.3.clone()));
        current = next;
    }

    // Networks: transit networks, then every router's stub links.
    let mut routes: BTreeMap<(Ipv4Addr, u8), (u32, Vec<NextHop>)> = BTreeMap::new();
    let mut add = |net: Ipv4Addr, len: u8, cost: u32, hops: &[NextHop]| {
        let e = routes.entry((net, len)).or_insert((cost, hops.to_vec()));
        if cost < e.0 {
            *e = (cost, hops.to_vec());
        } else if cost == e.0 {
            merge(&mut e.1, hops);
        }
    };
    for (vertex, (cost, hops)) in &tree.reached {
        match vertex {
            Vertex::Network(dr) => {
                if let Some(l) = network_lsa(db, *dr) {
                    if let Some((net, len)) = l.prefix() {
                        // A network the root is on is connected, not an OSPF route.
                        if !hops.iter().any(|h| h.via.is_none()) {
                            add(net, len, *cost, hops);
                        }
                    }
                }
            }
            Vertex::Router(rid) => {
                let Some(l) = router_lsa(db, *rid) else { continue };
                let Body::Router { flags, links } = &l.body else { continue };
                if *rid != me {
                    if flags & lsa::FLAG_B != 0 {
                        tree.border_routers.insert(*rid, (*cost, hops.clone()));
                    }
                    if flags & lsa::FLAG_E != 0 {
                        tree.boundary_routers.insert(*rid, (*cost, hops.clone()));
                    }
                }
                if *rid == me {
                    continue;
                }
                for k in links.iter().filter(|k| k.kind == lsa::LINK_STUB) {
                    if let Some(len) = crate::proto::ipv4::prefix_len(k.data) {
                        let net = Ipv4Addr::from(u32::from(k.id) & u32::from(k.data));
                        add(net, len, cost + u32::from(k.metric), hops);
                    }
                }
            }
        }
    }
    tree.routes = routes
        .into_iter()
        .map(|((network, len), (metric, next_hops))| OspfRoute {
            network,
            len,
            kind: RouteKind::IntraArea,
            metric,
            next_hops,
        })
        .collect();
    tree
}

/// Inter-area routes from the summary-LSAs of an area (RFC 16.2): the cost to
/// the border router that advertises each, plus its metric.
pub fn inter_area(db: &BTreeMap<LsaKey, Lsa>, me: Ipv4Addr, tree: &AreaTree) -> Vec<OspfRoute> {
    let mut routes: BTreeMap<(Ipv4Addr, u8), (u32, Vec<NextHop>)> = BTreeMap::new();
    for (key, l) in db.iter().filter(|(k, _)| k.kind == lsa::SUMMARY) {
        if key.adv == me || l.header.age >= lsa::MAX_AGE {
            continue;
        }
        let Body::Summary { metric, .. } = l.body else { continue };
        if metric >= 0x00ff_ffff {
            continue;
        }
        let Some((abr_cost, hops)) = tree.border_routers.get(&key.adv) else { continue };
        let Some((net, len)) = l.prefix() else { continue };
        let cost = abr_cost + metric;
        let e = routes.entry((net, len)).or_insert((cost, hops.clone()));
        if cost < e.0 {
            *e = (cost, hops.clone());
        } else if cost == e.0 {
            merge(&mut e.1, hops);
        }
    }
    routes
        .into_iter()
        .map(|((network, len), (metric, next_hops))| OspfRoute {
            network,
            len,
            kind: RouteKind::InterArea,
            metric,
            next_hops,
        })
        .collect()
}

/// The cost and next hops to each AS boundary router an area knows of:
/// directly (intra-area) or through an ASBR-summary (type 4) of a border router.
pub fn boundary_routers(
    db: &BTreeMap<LsaKey, Lsa>,
    me: Ipv4Addr,
    tree: &AreaTree,
) -> BTreeMap<Ipv4Addr, (u32, Vec<NextHop>)> {
    let mut out = tree.boundary_routers.clone();
    for (key, l) in db.iter().filter(|(k, _)| k.kind == lsa::ASBR_SUMMARY) {
        if key.adv == me || l.header.age >= lsa::MAX_AGE || out.contains_key(&key.id) {
            continue;
        }
        let Body::Summary { metric, .. } = l.body else { continue };
        let Some((abr_cost, hops)) = tree.border_routers.get(&key.adv) else { continue };
        out.insert(key.id, (abr_cost + metric, hops.clone()));
    }
    out
}

/// AS-external routes (RFC 16.4): each type-5 LSA through the path to its
/// boundary router. E2 routes compare by external metric, then by the
/// distance to the boundary router.
pub fn external(externals: &[&Lsa], me: Ipv4Addr, asbrs: &BTreeMap<Ipv4Addr, (u32, Vec<NextHop>)>) -> Vec<OspfRoute> {
    let mut routes: BTreeMap<(Ipv4Addr, u8), (RouteKind, u32, u32, Vec<NextHop>)> = BTreeMap::new();
    for l in externals {
        if l.header.key.adv == me || l.header.age >= lsa::MAX_AGE {
            continue;
        }
        let Body::External { type2, metric, .. } = l.body else { continue };
        let Some((to_asbr, hops)) = asbrs.get(&l.header.key.adv) else { continue };
        let Some((net, len)) = l.prefix() else { continue };
        let (kind, shown, tie) =
            if type2 { (RouteKind::External2, metric, *to_asbr) } else { (RouteKind::External1, to_asbr + metric, 0) };
        let e = routes.entry((net, len)).or_insert((kind, shown, tie, hops.clone()));
        if (kind, shown, tie) < (e.0, e.1, e.2) {
            *e = (kind, shown, tie, hops.clone());
        } else if (kind, shown, tie) == (e.0, e.1, e.2) {
            merge(&mut e.3, hops);
        }
    }
    routes
        .into_iter()
        .map(|((network, len), (kind, metric, _, next_hops))| OspfRoute { network, len, kind, metric, next_hops })
        .collect()
}
