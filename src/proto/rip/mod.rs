//! RIP versions 1 and 2 as IOS runs them: distance-vector routing by hop
//! count over UDP 520.
//!
//! - [`packet`]: the messages (request, response) and their dissector.
//! - [`config`]: what `router rip` holds.
//! - [`Instance`]: one `router rip` process. It is told its interfaces
//!   ([`Instance::configure`]), given the messages that arrive
//!   ([`Instance::receive`]) and the time ([`Instance::poll`] at
//!   [`Instance::poll_at`]); it leaves what it sends in [`Instance::out`] and
//!   says when its routes changed in [`Instance::routes_changed`].
//!
//! What it does, as on IOS 15: a whole-table request when an interface
//! starts, a full update every 30 s, a flash (triggered) update of what
//! changed, split horizon, classful summarisation at major-network
//! boundaries (always in version 1, with `auto-summary` in version 2), up
//! to four equal-cost paths, and the timers: a path unheard for 180 s makes
//! the route "possibly down" (advertised unreachable, held down for 180 s:
//! only its old next hop, or a better metric than it had, brings it back),
//! and 240 s after the last update it is flushed. Hop counts are kept as IOS
//! shows them (a neighbour's connected network is 1) and advertised one
//! higher.

pub mod config;
pub mod packet;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::net::Ipv4Addr;

pub use config::{classful_network, RipConfig, Timers};
use packet::{Command, Entry, Message, INFINITY, MAX_ENTRIES};

use crate::base::IfaceName;
use crate::proto::ipv4::{classful_len, mask_bits, mask_of, prefix_len};
use crate::proto::rib::Prefix;
use crate::sim::{Duration, Time};

/// RIP's administrative distance.
pub const DISTANCE: u8 = 120;
/// IOS's `maximum-paths` for RIP.
pub const MAX_PATHS: usize = 4;

/// An interface as RIP sees it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Link {
    /// The IP stack's index of the interface.
    pub iface: usize,
    pub name: IfaceName,
    pub addr: Option<(Ipv4Addr, u8)>,
    pub up: bool,
}

impl Link {
    fn subnet(&self) -> Option<Prefix> {
        self.addr.map(|(a, l)| Prefix::new(a, l))
    }
}

/// Where a route in the RIP database comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Origin {
    /// The network of an interface RIP runs on.
    Connected { iface: usize },
    /// `default-information originate`.
    DefaultOriginated,
    /// From a neighbour's update.
    Learned,
}

/// One way to a learned route.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Path {
    pub via: Ipv4Addr,
    pub iface: usize,
    /// When this neighbour last confirmed the route (the age `show ip route` prints).
    pub heard: Time,
}

/// A route that went unreachable: advertised with metric 16 and held down.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Holddown {
    /// The metric the route had before: only a better one from another neighbour ends the holddown early.
    pub metric_before: u8,
    pub until: Time,
    /// When the route leaves the database.
    pub flush_at: Time,
}

/// A route in the RIP database.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Route {
    pub origin: Origin,
    /// Hops as IOS shows them: 0 for our own networks, 1 for a neighbour's, 16 unreachable.
    pub metric: u8,
    /// Learned routes: the neighbours it goes through (several at equal cost).
    pub paths: Vec<Path>,
    /// Set while the route is "possibly down".
    pub holddown: Option<Holddown>,
    /// Changed since the last update went out (flash updates carry only these).
    changed: bool,
}

impl Route {
    pub fn is_possibly_down(&self) -> bool {
        self.holddown.is_some()
    }
}

/// A message to send: out of `iface` to `dst` (224.0.0.9, the broadcast address, or one neighbour).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Outgoing {
    pub iface: usize,
    pub dst: Ipv4Addr,
    pub message: Message,
}

/// One `router rip` process.
#[derive(Clone, Debug)]
pub struct Instance {
    pub config: RipConfig,
    /// Every IP interface of the box, as last configured.
    pub links: Vec<Link>,
    /// The database, by prefix.
    pub routes: BTreeMap<Prefix, Route>,
    /// Networks that left the database since the last update: advertised once with metric 16.
    withdrawn: Vec<Prefix>,
    /// Neighbours heard from, with when (`Routing Information Sources`).
    pub sources: BTreeMap<Ipv4Addr, Time>,
    pub next_update: Time,
    flash_at: Option<Time>,
    /// Seeded state for the update timer's jitter.
    jitter: u64,
    /// Messages to send.
    pub out: Vec<Outgoing>,
    /// Set when the routes the routing table takes from RIP changed.
    pub routes_changed: bool,
}

impl Instance {
    /// A process started at `now`; `seed` varies its update timer's jitter
    /// from one router to the next (and makes it the same from run to run).
    pub fn new(now: Time, seed: u64) -> Instance {
        let mut rip = Instance {
            next_update: now,
            config: RipConfig::default(),
            jitter: seed | 1,
            links: Vec::new(),
            routes: BTreeMap::new(),
            withdrawn: Vec::new(),
            sources: BTreeMap::new(),
            flash_at: None,
            out: Vec::new(),
            routes_changed: false,
        };
        rip.next_update = now + rip.update_interval();
        rip
    }

    /// The time to the next full update: the update timer less up to 15%,
    /// as IOS jitters it so that routers do not fall in step.
    fn update_interval(&mut self) -> Duration {
        // xorshift64
        self.jitter ^= self.jitter << 13;
        self.jitter ^= self.jitter >> 7;
        self.jitter ^= self.jitter << 17;
        let full = u64::from(self.config.timers.update) * 1000;
        Duration::from_millis(full - self.jitter % (full * 15 / 100 + 1))
    }

    fn secs(s: u32) -> Duration {
        Duration::from_secs(u64::from(s))
    }

    /// Does RIP run on this interface (a `network` statement covers it, it is up and addressed)?
    pub fn runs_on(&self, link: &Link) -> bool {
        link.up && link.addr.is_some_and(|(a, _)| self.config.covers(a))
    }

    /// Is the interface in a `network` statement (up or not)?
    pub fn covers(&self, link: &Link) -> bool {
        link.addr.is_some_and(|(a, _)| self.config.covers(a))
    }

    fn link(&self, iface: usize) -> Option<&Link> {
        self.links.iter().find(|l| l.iface == iface)
    }

    /// Follow the configuration and the interfaces: networks appear and
    /// leave the database, and an interface that starts running RIP asks its
    /// neighbours for their tables.
    pub fn configure(&mut self, now: Time, config: &RipConfig, links: &[Link]) {
        let before: Vec<usize> = self.links.iter().filter(|l| self.runs_on(l)).map(|l| l.iface).collect();
        let timers_changed = config.timers.update != self.config.timers.update;
        self.config = config.clone();
        if timers_changed {
            self.next_update = now + self.update_interval();
        }
        self.links = links.to_vec();
        let running: Vec<Link> = self.links.iter().filter(|l| self.runs_on(l)).cloned().collect();

        // Our own networks.
        let wanted: BTreeMap<Prefix, usize> =
            running.iter().filter_map(|l| Some((l.subnet()?, l.iface))).rev().collect();
        let gone: Vec<Prefix> = self
            .routes
            .iter()
            .filter(|(p, r)| matches!(r.origin, Origin::Connected { .. }) && !wanted.contains_key(p))
            .map(|(p, _)| *p)
            .collect();
        for p in gone {
            self.routes.remove(&p);
            self.withdraw(now, p);
        }
        for (prefix, iface) in wanted {
            let fresh = Route {
                origin: Origin::Connected { iface },
                metric: 0,
                paths: Vec::new(),
                holddown: None,
                changed: true,
            };
            match self.routes.get_mut(&prefix) {
                Some(r) if r.origin == (Origin::Connected { iface }) => {}
                Some(r) => {
                    // Our own network wins over what a neighbour said about it.
                    *r = fresh;
                    self.routes_changed = true;
                    self.flash(now);
                }
                None => {
                    self.routes.insert(prefix, fresh);
                    self.flash(now);
                }
            }
        }

        // The default route we originate.
        let originated = self.routes.get(&Prefix::DEFAULT).is_some_and(|r| r.origin == Origin::DefaultOriginated);
        if self.config.default_originate && !originated {
            let route = Route {
                origin: Origin::DefaultOriginated,
                metric: 0,
                paths: Vec::new(),
                holddown: None,
                changed: true,
            };
            if self.routes.insert(Prefix::DEFAULT, route).is_some() {
                self.routes_changed = true;
            }
            self.flash(now);
        } else if !self.config.default_originate && originated {
            self.routes.remove(&Prefix::DEFAULT);
            self.withdraw(now, Prefix::DEFAULT);
        }

        // Paths out of interfaces that stopped running RIP are gone.
        let dead: Vec<usize> = self.links.iter().filter(|l| !self.runs_on(l)).map(|l| l.iface).collect();
        let lost: Vec<usize> = before.iter().copied().filter(|i| dead.contains(i) || self.link(*i).is_none()).collect();
        if !lost.is_empty() {
            self.drop_paths(now, |p| lost.contains(&p.iface));
        }

        // Newly running interfaces ask for their neighbours' tables.
        for l in running.iter().filter(|l| !before.contains(&l.iface)) {
            if !self.config.is_passive(&l.name) {
                let dst = self.destination();
                let message = Message::whole_table_request(self.config.send_version());
                self.out.push(Outgoing { iface: l.iface, dst, message });
            }
        }
    }

    /// Where updates go: 224.0.0.9 in version 2, the broadcast address in version 1.
    fn destination(&self) -> Ipv4Addr {
        if self.config.send_version() == 2 {
            packet::ALL_RIP_ROUTERS
        } else {
            Ipv4Addr::BROADCAST
        }
    }

    fn flash(&mut self, now: Time) {
        self.flash_at.get_or_insert(now);
    }

    fn withdraw(&mut self, now: Time, prefix: Prefix) {
        if !self.withdrawn.contains(&prefix) {
            self.withdrawn.push(prefix);
        }
        self.routes_changed = true;
        self.flash(now);
    }

    /// Remove the learned paths `gone` picks; a route left without any goes possibly down.
    fn drop_paths(&mut self, now: Time, gone: impl Fn(&Path) -> bool) {
        let (holddown, flush) = (self.config.timers.holddown, self.config.timers.flush);
        let mut any = false;
        for r in self.routes.values_mut().filter(|r| r.origin == Origin::Learned && r.holddown.is_none()) {
            if !r.paths.iter().any(&gone) {
                continue;
            }
            any = true;
            if r.paths.iter().all(&gone) {
                let last = r.paths.iter().map(|p| p.heard).max().unwrap_or(now);
                r.holddown = Some(Holddown {
                    metric_before: r.metric,
                    until: now + Self::secs(holddown),
                    flush_at: (last + Self::secs(flush)).max(now),
                });
                r.metric = INFINITY;
                r.changed = true;
            } else {
                r.paths.retain(|p| !gone(p));
            }
        }
        if any {
            self.routes_changed = true;
            self.flash(now);
        }
    }

    /// A RIP message (the UDP payload) from `src` on interface `iface`.
    pub fn receive(&mut self, now: Time, iface: usize, src: Ipv4Addr, bytes: &[u8]) {
        let Some(link) = self.link(iface).filter(|l| self.runs_on(l)).cloned() else { return };
        let Some(message) = Message::parse(bytes) else { return };
        let Some((own, len)) = link.addr else { return };
        // IOS validates the source: a neighbour on the interface's subnet, not ourselves.
        if src == own || !Prefix::new(own, len).contains(src) {
            return;
        }
        if !self.config.accepts(message.version) {
            return;
        }
        match message.command {
            // A passive interface says nothing at all, answers included.
            Command::Request if self.config.is_passive(&link.name) => {}
            Command::Request => self.answer(&link, src, &message),
            Command::Response => {
                self.sources.insert(src, now);
                for e in message.entries.iter().filter(|e| e.family == 2) {
                    let Some(prefix) = entry_prefix(e, message.version, (own, len)) else { continue };
                    if !(1..=u32::from(INFINITY)).contains(&e.metric) {
                        continue;
                    }
                    let via = if message.version == 2
                        && e.next_hop != Ipv4Addr::UNSPECIFIED
                        && e.next_hop != own
                        && Prefix::new(own, len).contains(e.next_hop)
                    {
                        e.next_hop
                    } else {
                        src
                    };
                    // IOS keeps the hop count the neighbour sent (its connected network is 1 hop away).
                    let metric = e.metric.min(u32::from(INFINITY)) as u8;
                    self.learn(now, prefix, metric, Path { via, iface, heard: now });
                }
            }
        }
    }

    /// One route from one neighbour.
    fn learn(&mut self, now: Time, prefix: Prefix, metric: u8, path: Path) {
        let (holddown, flush) = (self.config.timers.holddown, self.config.timers.flush);
        let fresh = || Route { origin: Origin::Learned, metric, paths: vec![path], holddown: None, changed: true };
        let same = |p: &Path| p.via == path.via && p.iface == path.iface;
        let Some(r) = self.routes.get_mut(&prefix) else {
            if metric < INFINITY {
                self.routes.insert(prefix, fresh());
                self.routes_changed = true;
                self.flash(now);
            }
            return;
        };
        if r.origin != Origin::Learned {
            return;
        }
        if let Some(h) = r.holddown {
            let from_old_path = r.paths.iter().any(same);
            if metric < INFINITY && (now >= h.until || from_old_path || metric < h.metric_before) {
                *r = fresh();
                self.routes_changed = true;
                self.flash(now);
            }
            return;
        }
        match r.paths.iter().position(same) {
            Some(k) if metric == r.metric => {
                r.paths[k].heard = now;
                self.routes_changed = true;
            }
            Some(_) if metric < r.metric => {
                *r = fresh();
                self.routes_changed = true;
                self.flash(now);
            }
            Some(k) if r.paths.len() > 1 => {
                // One of several equal paths got worse: keep the others.
                r.paths.remove(k);
                self.routes_changed = true;
            }
            Some(k) if metric >= INFINITY => {
                r.holddown = Some(Holddown {
                    metric_before: r.metric,
                    until: now + Self::secs(holddown),
                    flush_at: r.paths[k].heard + Self::secs(flush),
                });
                r.metric = INFINITY;
                r.changed = true;
                self.routes_changed = true;
                self.flash(now);
            }
            Some(k) => {
                r.metric = metric;
                r.paths[k].heard = now;
                r.changed = true;
                self.routes_changed = true;
                self.flash(now);
            }
            None if metric < r.metric => {
                *r = fresh();
                self.routes_changed = true;
                self.flash(now);
            }
            None if metric == r.metric && metric < INFINITY && r.paths.len() < MAX_PATHS => {
                r.paths.push(path);
                self.routes_changed = true;
            }
            None => {}
        }
    }

    /// Answer a request: the whole table (as an update out of that
    /// interface would carry it) or the metrics of the routes asked about.
    fn answer(&mut self, link: &Link, src: Ipv4Addr, request: &Message) {
        let version = self.config.send_version();
        let entries = if request.is_whole_table_request() {
            self.advertise(link, false)
        } else {
            request
                .entries
                .iter()
                .map(|e| {
                    let len = prefix_len(e.mask).unwrap_or(32);
                    let metric = self.routes.get(&Prefix::new(e.address, len)).map_or(INFINITY, |r| {
                        if r.holddown.is_some() {
                            INFINITY
                        } else {
                            (r.metric + 1).min(INFINITY)
                        }
                    });
                    (Prefix::new(e.address, len), metric)
                })
                .collect()
        };
        for chunk in entries.chunks(MAX_ENTRIES) {
            let message = Message { command: Command::Response, version, entries: to_entries(chunk, version) };
            self.out.push(Outgoing { iface: link.iface, dst: src, message });
        }
    }

    /// What an update out of `link` says: each route's prefix (summarised
    /// to its classful network across a major-network boundary) and metric
    /// (one more than ours, 16 when down), split horizon applied. Only what
    /// changed when `only_changed`.
    fn advertise(&self, link: &Link, only_changed: bool) -> Vec<(Prefix, u8)> {
        let Some((own, own_len)) = link.addr else { return Vec::new() };
        let version = self.config.send_version();
        let summarise = version == 1 || self.config.auto_summary;
        let own_major = classful_network(own);
        let mut out: BTreeMap<Prefix, (u8, bool)> = BTreeMap::new();
        let withdrawn = self.withdrawn.iter().map(|p| (*p, INFINITY, true));
        let held = self.routes.iter().filter_map(|(p, r)| {
            let learned_here = r.paths.iter().any(|x| x.iface == link.iface);
            let split_horizon = match r.origin {
                Origin::Connected { iface } => iface == link.iface,
                Origin::DefaultOriginated => false,
                Origin::Learned => learned_here,
            };
            if split_horizon {
                return None;
            }
            let metric = if r.holddown.is_some() { INFINITY } else { (r.metric + 1).min(INFINITY) };
            Some((*p, metric, r.changed))
        });
        for (p, metric, changed) in held.chain(withdrawn) {
            let major_len = classful_len(p.addr);
            let advertised = if p == Prefix::DEFAULT {
                p
            } else if summarise && classful_network(p.addr) != own_major {
                if p.len < major_len && version == 1 {
                    continue;
                }
                Prefix::new(p.addr, major_len.min(p.len))
            } else if version == 1 && p.len != own_len {
                // Version 1 carries no mask: only subnets with the interface's mask can be told apart.
                continue;
            } else {
                p
            };
            let e = out.entry(advertised).or_insert((INFINITY, false));
            e.0 = e.0.min(metric);
            e.1 |= changed;
        }
        out.into_iter().filter(|(_, (_, changed))| !only_changed || *changed).map(|(p, (m, _))| (p, m)).collect()
    }

    /// Send an update (everything, or what changed) out of every interface RIP runs on and is not passive.
    fn send_updates(&mut self, only_changed: bool) {
        let version = self.config.send_version();
        let dst = self.destination();
        let links: Vec<Link> =
            self.links.iter().filter(|l| self.runs_on(l) && !self.config.is_passive(&l.name)).cloned().collect();
        for link in links {
            let routes = self.advertise(&link, only_changed);
            for chunk in routes.chunks(MAX_ENTRIES) {
                let message = Message { command: Command::Response, version, entries: to_entries(chunk, version) };
                self.out.push(Outgoing { iface: link.iface, dst, message });
            }
        }
        for r in self.routes.values_mut() {
            r.changed = false;
        }
        self.withdrawn.clear();
        self.flash_at = None;
    }

    /// When the process next has work: an update, a flash update, a path
    /// timing out, a route to flush.
    pub fn poll_at(&self) -> Option<Time> {
        let invalid = Self::secs(self.config.timers.invalid);
        let timers = self.routes.values().filter_map(|r| match r.holddown {
            Some(h) => Some(h.flush_at),
            None => r.paths.iter().map(|p| p.heard + invalid).min(),
        });
        [Some(self.next_update), self.flash_at].into_iter().flatten().chain(timers).min()
    }

    pub fn poll(&mut self, now: Time) {
        let invalid = Self::secs(self.config.timers.invalid);
        self.drop_paths(now, |p| p.heard + invalid <= now);
        let before = self.routes.len();
        self.routes.retain(|_, r| r.holddown.is_none_or(|h| h.flush_at > now));
        if self.routes.len() != before {
            self.routes_changed = true;
        }
        if now >= self.next_update {
            self.send_updates(false);
            self.next_update = now + self.update_interval();
        } else if self.flash_at.is_some_and(|t| t <= now) {
            self.send_updates(true);
        }
    }

    /// The routes the routing table takes: every learned route with its paths (possibly-down ones too:
    /// IOS keeps forwarding on them until they are flushed).
    pub fn learned(&self) -> impl Iterator<Item = (Prefix, &Route)> {
        self.routes.iter().filter(|(_, r)| r.origin == Origin::Learned).map(|(p, r)| (*p, r))
    }
}

/// The prefix an entry stands for. Version 1 (and a version 2 entry without
/// a mask) carries none: within the receiving interface's major network the
/// interface's mask is assumed, elsewhere the classful one, and an address
/// with host bits beyond it is a host route.
fn entry_prefix(e: &Entry, version: u8, (own, own_len): (Ipv4Addr, u8)) -> Option<Prefix> {
    if version == 2 && e.mask != Ipv4Addr::UNSPECIFIED {
        let len = prefix_len(e.mask)?;
        return Some(Prefix::new(e.address, len));
    }
    if e.address == Ipv4Addr::UNSPECIFIED {
        return Some(Prefix::DEFAULT);
    }
    let len = if classful_network(e.address) == classful_network(own) { own_len } else { classful_len(e.address) };
    let host_bits = u32::from(e.address) & !mask_bits(len) != 0;
    Some(Prefix::new(e.address, if host_bits { 32 } else { len }))
}

fn to_entries(routes: &[(Prefix, u8)], version: u8) -> Vec<Entry> {
    routes
        .iter()
        .map(|(p, m)| {
            let mask = if version == 2 { mask_of(p.len) } else { Ipv4Addr::UNSPECIFIED };
            Entry::route(p.addr, mask, *m)
        })
        .collect()
}
