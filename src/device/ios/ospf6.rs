//! OSPFv3 on an IOS box: which IPv6 interfaces the `ipv6 router ospf`
//! processes see (link-local and global addresses, link kinds, bandwidths,
//! `ipv6 ospf` settings), the packets of next header 89 handed to them,
//! their timers, what they send (from the interface's link-local address,
//! hop limit 1), the `%OSPFv3` log lines, and their routes put into the IPv6
//! routing table at distance 110.

use super::*;
use crate::proto::decision::Decision;
use crate::proto::ip6_stack::{Hop6, Route6, Source6};
use crate::proto::ospf3::{packet, AdjacencyLog, Event, Instance, Link, LinkKind, NeighborState, DEFAULT_MTU};
use smoltcp::wire::IpProtocol;

impl Ios {
    /// The IPv6 interfaces as OSPFv3 sees them.
    fn ospf6_links(&self) -> Vec<Link> {
        self.ifaces
            .iter()
            .filter_map(|i| {
                let s = i.stack?;
                let ip6 = &self.stack6.ifaces[s];
                let kind = match (i.name.kind, ip6.encap) {
                    (IfaceKind::Loopback, _) => LinkKind::Loopback,
                    (_, Encap::Hdlc) => LinkKind::PointToPoint,
                    _ => LinkKind::Broadcast,
                };
                let usable =
                    |a: &&crate::proto::ip6_stack::Addr6| a.state != crate::proto::ip6_stack::AddrState::Duplicate;
                Some(Link {
                    iface: s,
                    name: i.name.clone(),
                    link_local: ip6.link_local().filter(|_| ip6.enabled),
                    addrs: ip6.globals().filter(usable).map(|a| (a.addr, a.len)).collect(),
                    up: ip6.up && ip6.enabled,
                    kind,
                    bandwidth_kbps: i.bandwidth.unwrap_or_else(|| super::ospf::default_bandwidth(i.name.kind)),
                    mtu: DEFAULT_MTU,
                    settings: i.ospf6.clone(),
                })
            })
            .collect()
    }

    /// The router ID IOS gives OSPFv3 when none is configured: the highest
    /// IPv4 address of an up loopback, else of any up interface.
    fn ospf6_fallback_id(&self) -> Option<Ipv4Addr> {
        let highest = |loopback: bool| {
            self.ifaces
                .iter()
                .filter(|i| !loopback || i.name.kind == IfaceKind::Loopback)
                .filter_map(|i| i.stack)
                .filter(|s| self.stack.ifaces[*s].up)
                .filter_map(|s| self.stack.ifaces[s].addr.map(|(a, _)| a))
                .max()
        };
        highest(true).or_else(|| highest(false))
    }

    /// Bring the OSPFv3 processes in step with the configuration and the
    /// interfaces. Cheap when nothing changed.
    pub fn ospf6_sync(&mut self, now: Time) {
        if self.routing.ospf6.is_empty() && self.routing.ospf6_running.is_empty() {
            return;
        }
        let links = self.ospf6_links();
        let fallback = self.ospf6_fallback_id();
        // IPv6 routing must be on for the processes to run.
        let configs = if self.routing.ipv6_routing { self.routing.ospf6.clone() } else { Vec::new() };
        let seen = (configs.clone(), links.clone(), fallback);
        if self.routing.ospf6_seen.as_ref() == Some(&seen) {
            return;
        }
        self.routing.ospf6_seen = Some(seen);
        let before: Vec<u32> = self.routing.ospf6_running.keys().copied().collect();
        self.routing.ospf6_running.retain(|pid, _| configs.iter().any(|c| c.pid == *pid));
        if self.routing.ospf6_running.len() != before.len() {
            // A process stopped: its routes go with it.
            self.install_ospf6_routes();
        }
        for cfg in &configs {
            let instance = self.routing.ospf6_running.entry(cfg.pid).or_insert_with(|| Instance::new(cfg.pid, now));
            let rid_pending = instance.configure(now, cfg, &links, fallback);
            if instance.router_id.is_none() && !before.contains(&cfg.pid) {
                self.pending_log.push_str(&format!(
                    "\n%OSPFv3-4-NORTRID: Process OSPFv3-{}-IPv6 could not pick a router-id, please configure manually\n",
                    cfg.pid
                ));
            }
            if rid_pending && !instance.has_neighbors() {
                instance.clear(now, &links, fallback);
            }
        }
        let protocol = Binding::Protocol(packet::PROTOCOL);
        if self.routing.ospf6_running.is_empty() {
            self.stack6.unbind(protocol);
        } else {
            self.stack6.bind(protocol);
        }
        let enabled: Vec<usize> =
            self.routing.ospf6_running.values().flat_map(|o| o.ifaces.iter().map(|f| f.link.iface)).collect();
        for s in 0..self.stack6.ifaces.len() {
            for group in [packet::ALL_SPF_ROUTERS, packet::ALL_D_ROUTERS] {
                if enabled.contains(&s) {
                    self.stack6.join(s, group);
                } else {
                    self.stack6.leave(s, group);
                }
            }
        }
        self.ospf6_flush(now);
    }

    /// `clear ipv6 ospf process`: every process starts again.
    pub fn clear_ospf6(&mut self, now: Time) {
        let links = self.ospf6_links();
        let fallback = self.ospf6_fallback_id();
        for o in self.routing.ospf6_running.values_mut() {
            o.clear(now, &links, fallback);
        }
        self.ospf6_flush(now);
    }

    /// A packet of next header 89 (the `IP6_SERVICES` table sends it here).
    pub(super) fn ospf6_packet(&mut self, now: Time, d: &crate::proto::ip6_stack::Delivery6) {
        let crate::proto::ip6_stack::Delivery6::Payload { iface, src, dst, bytes, .. } = d else { return };
        for o in self.routing.ospf6_running.values_mut() {
            if o.ifaces.iter().any(|f| f.link.iface == *iface) {
                o.receive(now, *iface, *src, *dst, bytes);
            }
        }
        self.ospf6_flush(now);
    }

    pub(super) fn ospf6_deadline(&self) -> Option<Time> {
        self.routing.ospf6_due
    }

    pub(super) fn ospf6_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        for o in self.routing.ospf6_running.values_mut() {
            if o.poll_at().is_some_and(|t| t <= now) {
                o.poll(now);
            }
        }
        self.ospf6_flush(now);
        String::new()
    }

    /// Send what the processes queued, log what they report, install their routes.
    fn ospf6_flush(&mut self, now: Time) {
        let mut routes_changed = false;
        let pids: Vec<u32> = self.routing.ospf6_running.keys().copied().collect();
        for pid in pids {
            let Some(o) = self.routing.ospf6_running.get_mut(&pid) else { continue };
            let log = o.config.log_adjacency;
            let out = std::mem::take(&mut o.out);
            let events = std::mem::take(&mut o.events);
            routes_changed |= std::mem::take(&mut o.routes_changed);
            for packet in out {
                let Some(src) = self.stack6.ifaces.get(packet.iface).and_then(|i| i.link_local()) else { continue };
                let dst = packet.dst;
                let _ = self.stack6.originate_from(
                    now,
                    Some(src),
                    dst,
                    Some(packet.iface),
                    IpProtocol::Unknown(packet::PROTOCOL),
                    Some(1),
                    |src| packet.packet.emit(src, dst),
                );
            }
            for e in events {
                match e {
                    Event::NeighborState { neighbor, iface, name, from, to, reason } => {
                        let logged_anyway = to == NeighborState::Full || to == NeighborState::Down;
                        if log == AdjacencyLog::Detail && !logged_anyway {
                            self.pending_log.push_str(&format!(
                                "\n%OSPFv3-5-ADJCHG: Process {pid}, IPv6, Nbr {neighbor} on {name} from {} to {}, {reason}\n",
                                from.word(),
                                to.word()
                            ));
                        }
                        if self.stack6.notes.is_some() || self.stack.notes.is_some() {
                            let (from, to) = (from.word(), to.word());
                            let note = Decision::Neighbor { protocol: "OSPFv3", neighbor, iface, from, to };
                            self.pending_notes.push((None, note));
                        }
                    }
                    Event::Adjacency { .. } if log == AdjacencyLog::Off => {}
                    e => self.pending_log.push_str(&ospf6_log(pid, &e)),
                }
            }
        }
        if routes_changed {
            self.install_ospf6_routes();
        }
        self.routing.ospf6_due = self.routing.ospf6_running.values().filter_map(Instance::poll_at).min();
        self.refresh_due();
    }

    fn install_ospf6_routes(&mut self) {
        let mut dynamic: Vec<Route6> = Vec::new();
        for o in self.routing.ospf6_running.values() {
            for r in o.routes() {
                dynamic.push(Route6 {
                    prefix: r.prefix,
                    len: r.len,
                    source: Source6::Dynamic("O"),
                    distance: super::ospf::OSPF_DISTANCE,
                    metric: r.metric,
                    paths: r.next_hops.iter().map(|(iface, via)| Hop6 { iface: *iface, next_hop: *via }).collect(),
                });
            }
        }
        if dynamic != self.stack6.dynamic {
            self.stack6.dynamic = dynamic;
            self.stack6.rebuild_routes();
        }
    }
}

/// The console line IOS logs for an OSPFv3 event.
fn ospf6_log(pid: u32, e: &Event) -> String {
    match e {
        Event::Adjacency { neighbor, iface, from, to, reason } => {
            let why =
                if *to == NeighborState::Down { format!("Neighbor Down: {reason}") } else { reason.to_string() };
            format!(
                "\n%OSPFv3-5-ADJCHG: Process {pid}, IPv6, Nbr {neighbor} on {iface} from {} to {}, {why}\n",
                from.word(),
                to.word()
            )
        }
        Event::DuplicateRouterId { router_id, from, iface } => format!(
            "\n%OSPFv3-4-DUPRTRID: Process {pid}, IPv6, Detected duplicate router-id {router_id} from {} on interface {iface}\n",
            from.to_string().to_uppercase()
        ),
        Event::NeighborState { .. } | Event::AreaMismatch { .. } => String::new(),
    }
}
