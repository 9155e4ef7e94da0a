//! OSPF on an IOS box: which interfaces the processes see (their addresses,
//! link kinds, bandwidths and `ip ospf` settings), the packets of IP protocol
//! 89 handed to them, their timers, what they send, the `%OSPF` log lines,
//! and their routes put into the routing table at distance 110.

use super::*;
use crate::proto::decision::Decision;
use crate::proto::ip_stack::Encap;
use crate::proto::ospf::{
    packet, AdjacencyLog, Event, Instance, Link, LinkKind, NeighborState, RouteKind, DEFAULT_MTU,
};
use crate::proto::rib::{DynamicRoute, Source};
use smoltcp::wire::IpProtocol;

/// OSPF's administrative distance.
pub const OSPF_DISTANCE: u8 = 110;

/// The bandwidth IOS assumes for an interface, in kb/s.
pub fn default_bandwidth(kind: IfaceKind) -> u32 {
    (kind.bandwidth_bps() / 1000) as u32
}

impl Ios {
    /// The IP interfaces as OSPF sees them.
    fn ospf_links(&self) -> Vec<Link> {
        self.ifaces
            .iter()
            .filter_map(|i| {
                let s = i.stack?;
                let ip = &self.stack.ifaces[s];
                let kind = match (i.name.kind, ip.encap) {
                    (IfaceKind::Loopback, _) => LinkKind::Loopback,
                    (_, Encap::Hdlc) => LinkKind::PointToPoint,
                    _ => LinkKind::Broadcast,
                };
                Some(Link {
                    iface: s,
                    name: i.name.clone(),
                    addr: ip.addr,
                    up: ip.up,
                    kind,
                    bandwidth_kbps: i.bandwidth.unwrap_or_else(|| default_bandwidth(i.name.kind)),
                    mtu: i.ip_mtu.unwrap_or(DEFAULT_MTU),
                    settings: i.ospf.clone(),
                })
            })
            .collect()
    }

    /// A default route from elsewhere (for `default-information originate` without `always`).
    fn has_non_ospf_default(&self) -> bool {
        self.stack.rib().routes().iter().any(|r| r.prefix == Prefix::DEFAULT && !r.source.is_ospf())
    }

    /// Bring the OSPF processes in step with the configuration and the
    /// interfaces: start, reconfigure or stop them. Cheap when nothing changed.
    pub fn ospf_sync(&mut self, now: Time) {
        if self.routing.ospf.is_empty() && self.routing.ospf_running.is_empty() {
            return;
        }
        let links = self.ospf_links();
        let has_default = self.has_non_ospf_default();
        let seen = (self.routing.ospf.clone(), links.clone(), has_default);
        if self.routing.ospf_seen.as_ref() == Some(&seen) {
            return;
        }
        self.routing.ospf_seen = Some(seen);
        let configs = self.routing.ospf.clone();
        self.routing.ospf_running.retain(|pid, _| configs.iter().any(|c| c.pid == *pid));
        for cfg in &configs {
            let instance = self.routing.ospf_running.entry(cfg.pid).or_insert_with(|| Instance::new(cfg.pid, now));
            let rid_pending = instance.configure(now, cfg, &links, has_default);
            // A new router-id takes effect at once while the process has no
            // neighbours; after that only a reload or `clear ip ospf process` applies it.
            if rid_pending && !instance.has_neighbors() {
                instance.clear(now, &links);
            }
        }
        // Listen for OSPF on the interfaces it runs on.
        let protocol = Binding::Protocol(packet::PROTOCOL);
        if self.routing.ospf_running.is_empty() {
            self.stack.unbind(protocol);
        } else {
            self.stack.bind(protocol);
        }
        let enabled: Vec<usize> =
            self.routing.ospf_running.values().flat_map(|o| o.ifaces.iter().map(|f| f.link.iface)).collect();
        for s in 0..self.stack.ifaces.len() {
            for group in [packet::ALL_SPF_ROUTERS, packet::ALL_D_ROUTERS] {
                if enabled.contains(&s) {
                    self.stack.join(s, group);
                } else {
                    self.stack.leave(s, group);
                }
            }
        }
        self.ospf_flush(now);
    }

    /// `clear ip ospf process`: every process starts again.
    pub fn clear_ospf(&mut self, now: Time) {
        let links = self.ospf_links();
        for o in self.routing.ospf_running.values_mut() {
            o.clear(now, &links);
        }
        self.ospf_flush(now);
    }

    /// The startup-config has been read: IOS starts its OSPF processes only
    /// then, so a `router-id` in it is the ID they start with. Here each line
    /// took effect as it was read, and a process that chose an ID before its
    /// `router-id` line starts again with the configured one.
    pub fn ospf_startup_done(&mut self, now: Time) {
        let links = self.ospf_links();
        for o in self.routing.ospf_running.values_mut() {
            if o.config.router_id.is_some_and(|id| o.router_id != Some(id)) {
                o.clear(now, &links);
            }
        }
        self.ospf_flush(now);
    }

    /// `clear ip ospf PID process`: that process alone starts again.
    pub fn clear_ospf_process(&mut self, now: Time, pid: u32) {
        let links = self.ospf_links();
        if let Some(o) = self.routing.ospf_running.get_mut(&pid) {
            o.clear(now, &links);
        }
        self.ospf_flush(now);
    }

    /// A packet of IP protocol 89 (the `IP_SERVICES` table sends it here).
    pub(super) fn ospf_packet(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        for o in self.routing.ospf_running.values_mut() {
            if o.ifaces.iter().any(|f| f.link.iface == p.iface) {
                o.receive(now, p.iface, p.src, p.dst, &p.bytes);
            }
        }
        self.ospf_flush(now);
    }

    /// When a process next has work (kept by [`Ios::ospf_flush`], which every change ends with:
    /// the box asks after every event it handles).
    pub(super) fn ospf_deadline(&self) -> Option<Time> {
        self.routing.ospf_due
    }

    /// The processes' timers (the `DEADLINES` table runs this when one is due).
    pub(super) fn ospf_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        for o in self.routing.ospf_running.values_mut() {
            if o.poll_at().is_some_and(|t| t <= now) {
                o.poll(now);
            }
        }
        self.ospf_flush(now);
        String::new()
    }

    /// Send what the processes queued, log what they report, and install their routes.
    fn ospf_flush(&mut self, now: Time) {
        let mut routes_changed = false;
        let pids: Vec<u32> = self.routing.ospf_running.keys().copied().collect();
        for pid in pids {
            let Some(o) = self.routing.ospf_running.get_mut(&pid) else { continue };
            let log = o.config.log_adjacency;
            let out = std::mem::take(&mut o.out);
            let events = std::mem::take(&mut o.events);
            routes_changed |= std::mem::take(&mut o.routes_changed);
            for packet in out {
                let len = packet.packet.len();
                // OSPF packets are internetwork control traffic, TTL 1 (RFC 2328, A.1).
                let _ = self.stack.originate_on(
                    now,
                    packet.iface,
                    packet.dst,
                    IpProtocol::Unknown(packet::PROTOCOL),
                    1,
                    len,
                    |b| b.copy_from_slice(&packet.packet),
                );
            }
            for e in events {
                match e {
                    Event::NeighborState { neighbor, iface, name, from, to, reason } => {
                        // `log-adjacency-changes detail` logs the steps between DOWN and FULL too.
                        let logged_anyway = to == NeighborState::Full || to == NeighborState::Down;
                        if log == AdjacencyLog::Detail && !logged_anyway {
                            self.pending_log.push_str(&format!(
                                "\n%OSPF-5-ADJCHG: Process {pid}, Nbr {neighbor} on {name} from {} to {}, {reason}\n",
                                from.word(),
                                to.word()
                            ));
                        }
                        if self.stack.notes.is_some() {
                            let (from, to) = (from.word(), to.word());
                            let note = Decision::Neighbor { protocol: "OSPF", neighbor, iface, from, to };
                            self.pending_notes.push((None, note));
                        }
                    }
                    Event::Adjacency { .. } if log == AdjacencyLog::Off => {}
                    e => self.pending_log.push_str(&ospf_log(pid, &e)),
                }
            }
        }
        if routes_changed {
            self.install_ospf_routes(now);
        }
        self.routing.ospf_due = self.routing.ospf_running.values().filter_map(Instance::poll_at).min();
        self.refresh_due();
    }

    fn install_ospf_routes(&mut self, now: Time) {
        let mut dynamic = Vec::new();
        let mut seen = BTreeMap::new();
        for o in self.routing.ospf_running.values() {
            for r in o.routes() {
                let source = match r.kind {
                    RouteKind::IntraArea => Source::Ospf,
                    RouteKind::InterArea => Source::OspfInterArea,
                    RouteKind::External1 => Source::OspfExternal1,
                    RouteKind::External2 => Source::OspfExternal2,
                };
                let prefix = Prefix::new(r.network, r.len);
                for h in &r.next_hops {
                    let key = (prefix, h.via, h.iface);
                    let since = self.routing.route_since.get(&key).copied().unwrap_or(now);
                    seen.insert(key, since);
                    dynamic.push(DynamicRoute {
                        prefix,
                        source,
                        distance: OSPF_DISTANCE,
                        metric: r.metric,
                        next_hop: h.via,
                        iface: h.iface,
                        since,
                        possibly_down: false,
                    });
                }
            }
        }
        self.routing.route_since = seen;
        self.routing.ospf_routes = dynamic;
        self.install_dynamic_routes();
    }
}

/// The console line IOS logs for an OSPF event.
fn ospf_log(pid: u32, e: &Event) -> String {
    match e {
        Event::Adjacency { neighbor, iface, from, to, reason } => {
            let why = if *to == crate::proto::ospf::NeighborState::Down {
                format!("Neighbor Down: {reason}")
            } else {
                reason.to_string()
            };
            format!(
                "\n%OSPF-5-ADJCHG: Process {pid}, Nbr {neighbor} on {iface} from {} to {}, {why}\n",
                from.word(),
                to.word()
            )
        }
        Event::DuplicateRouterId { router_id, from, iface } => format!(
            "\n%OSPF-4-DUP_RTRID_NBR: OSPF detected duplicate router-id {router_id} from {from} on interface {iface}\n"
        ),
        Event::NeighborState { .. } => String::new(),
        Event::AreaMismatch { from, iface } => format!(
            "\n%OSPF-4-ERRRCV: Received invalid packet: mismatched area ID, from backbone area must be virtual-link but not found from {from}, {iface}\n"
        ),
    }
}
