//! RIP on an IOS box: the `router rip` process follows the configuration
//! and the interfaces, takes the messages of UDP port 520, sends its
//! updates (224.0.0.9 or broadcast, TTL 2), and puts its routes into the
//! routing table at distance 120.

use super::*;
use crate::proto::decision::{Decision, RouteChange};
use crate::proto::rib::{DynamicRoute, Source};
use crate::proto::rip::{self, packet, Instance, Link};
use crate::proto::udp;
use smoltcp::wire::IpProtocol;

/// IOS sends RIP with a TTL of 2.
const RIP_TTL: u8 = 2;

impl Ios {
    fn rip_links(&self) -> Vec<Link> {
        self.ifaces
            .iter()
            .filter_map(|i| {
                let s = i.stack?;
                let ip = &self.stack.ifaces[s];
                Some(Link { iface: s, name: i.name.clone(), addr: ip.addr, up: ip.up })
            })
            .collect()
    }

    /// Bring the RIP process in step with the configuration and the
    /// interfaces: start, reconfigure or stop it. Cheap when nothing changed.
    pub fn rip_sync(&mut self, now: Time) {
        let Some(config) = self.routing.rip.clone() else {
            if self.routing.rip_running.take().is_some() {
                self.routing.rip_seen = None;
                self.routing.rip_due = None;
                self.refresh_due();
                self.stack.unbind(Binding::Udp(packet::PORT));
                for s in 0..self.stack.ifaces.len() {
                    self.stack.leave(s, packet::ALL_RIP_ROUTERS);
                }
                self.routing.rip_routes.clear();
                self.install_dynamic_routes();
            }
            return;
        };
        let links = self.rip_links();
        let seen = (config.clone(), links.clone());
        if self.routing.rip_seen.as_ref() == Some(&seen) {
            return;
        }
        self.routing.rip_seen = Some(seen);
        // The first interface's MAC (made from the lab's seed and the box's name) seeds the timer jitter.
        let seed = self.stack.ifaces.first().map_or(0, |i| i.mac.0.iter().fold(0u64, |h, b| h << 8 | u64::from(*b)));
        let instance = self.routing.rip_running.get_or_insert_with(|| Instance::new(now, seed));
        instance.configure(now, &config, &links);
        // Version 2 updates come to 224.0.0.9: listen there unless only version 1 is accepted.
        let hears_v2 = config.accepts(2);
        let running: Vec<usize> = links.iter().filter(|l| instance.runs_on(l)).map(|l| l.iface).collect();
        self.stack.bind(Binding::Udp(packet::PORT));
        for s in 0..self.stack.ifaces.len() {
            if running.contains(&s) && hears_v2 {
                self.stack.join(s, packet::ALL_RIP_ROUTERS);
            } else {
                self.stack.leave(s, packet::ALL_RIP_ROUTERS);
            }
        }
        self.rip_flush(now);
    }

    /// A message on UDP port 520 (the `IP_SERVICES` table sends it here).
    pub(super) fn rip_packet(&mut self, now: Time, p: &Payload, _ports: &[Port]) {
        let Some(rip) = self.routing.rip_running.as_mut() else { return };
        // RIP speaks from port 520 to port 520.
        if udp::ports(&p.bytes).map(|(src, _)| src) != Some(packet::PORT) {
            return;
        }
        if let Some(body) = p.bytes.get(udp::HEADER_LEN..) {
            rip.receive(now, p.iface, p.src, body);
        }
        self.rip_flush(now);
    }

    /// When the process next has work (kept by [`Ios::rip_flush`], which every change ends with).
    pub(super) fn rip_deadline(&self) -> Option<Time> {
        self.routing.rip_due
    }

    pub(super) fn rip_poll(&mut self, now: Time, _ports: &[Port]) -> String {
        if let Some(rip) = self.routing.rip_running.as_mut() {
            rip.poll(now);
        }
        self.rip_flush(now);
        String::new()
    }

    /// Send what the process queued and install its routes.
    fn rip_flush(&mut self, now: Time) {
        self.routing.rip_due = self.routing.rip_running.as_ref().and_then(Instance::poll_at);
        self.refresh_due();
        let Some(rip) = self.routing.rip_running.as_mut() else { return };
        let out = std::mem::take(&mut rip.out);
        let changed = std::mem::take(&mut rip.routes_changed);
        for o in out {
            let data = o.message.emit();
            let len = udp::HEADER_LEN + data.len();
            let Some((src, _)) = self.stack.ifaces.get(o.iface).and_then(|i| i.addr) else { continue };
            let _ = self.stack.originate_on(now, o.iface, o.dst, IpProtocol::Udp, RIP_TTL, len, |b| {
                udp::emit(b, src, o.dst, packet::PORT, packet::PORT, &data)
            });
        }
        if changed {
            self.install_rip_routes();
        }
    }

    fn install_rip_routes(&mut self) {
        let mut routes = Vec::new();
        if let Some(rip) = &self.routing.rip_running {
            for (prefix, r) in rip.learned() {
                for p in &r.paths {
                    routes.push(DynamicRoute {
                        prefix,
                        source: Source::Rip,
                        distance: rip::DISTANCE,
                        metric: u32::from(r.metric),
                        next_hop: Some(p.via),
                        iface: p.iface,
                        since: p.heard,
                        possibly_down: r.is_possibly_down(),
                    });
                }
            }
        }
        self.routing.rip_routes = routes;
        self.install_dynamic_routes();
    }

    /// The routing protocols' routes, all of them, into the IP stack's table
    /// (and, when the trace is on, what changed, to the trace).
    pub(super) fn install_dynamic_routes(&mut self) {
        let mut all = self.routing.ospf_routes.clone();
        all.extend(self.routing.rip_routes.iter().cloned());
        if self.stack.notes.is_some() {
            let notes = route_changes(&self.stack.dynamic, &all);
            self.pending_notes.extend(notes.into_iter().map(|n| (None, n)));
        }
        self.stack.dynamic = all;
        self.stack.rebuild_routes();
    }
}

/// Each protocol's first path to each prefix.
fn first_paths(routes: &[DynamicRoute]) -> BTreeMap<(&'static str, Prefix), &DynamicRoute> {
    let mut by_prefix = BTreeMap::new();
    for r in routes {
        let protocol = if r.source == Source::Rip { "RIP" } else { "OSPF" };
        by_prefix.entry((protocol, r.prefix)).or_insert(r);
    }
    by_prefix
}

/// The protocol routes that appeared, changed, went possibly down or left
/// between two offers to the routing table (one note per prefix).
fn route_changes(old: &[DynamicRoute], new: &[DynamicRoute]) -> Vec<Decision> {
    let (before, after) = (first_paths(old), first_paths(new));
    let mut notes = Vec::new();
    for (&(protocol, prefix), r) in &after {
        let (via, iface, metric) = (r.next_hop, r.iface, r.metric);
        let change = match before.get(&(protocol, prefix)) {
            None => RouteChange::Learned { via, iface, metric },
            Some(o) if r.possibly_down && !o.possibly_down => RouteChange::PossiblyDown,
            Some(o) if (o.next_hop, o.iface, o.metric, o.possibly_down) != (via, iface, metric, r.possibly_down) => {
                RouteChange::Changed { via, iface, metric }
            }
            Some(_) => continue,
        };
        notes.push(Decision::Route { protocol, prefix, change });
    }
    for &(protocol, prefix) in before.keys().filter(|k| !after.contains_key(k)) {
        notes.push(Decision::Route { protocol, prefix, change: RouteChange::Lost });
    }
    notes
}
