//! Routers made of bare [`Instance`]s on segments that carry their messages
//! (multicast and broadcast to everyone on the segment, unicast to its
//! owner), stepped in simulated time: learning, hop counts, split horizon,
//! summarisation, versions, the default route and the timers.

use super::*;

struct Router {
    rip: Instance,
    links: Vec<Link>,
    segments: Vec<usize>,
}

struct Harness {
    routers: Vec<Router>,
    now: Time,
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn link(iface: usize, addr: &str, len: u8) -> Link {
    Link {
        iface,
        name: IfaceName::parse(&format!("GigabitEthernet0/{iface}")).unwrap(),
        addr: Some((ip(addr), len)),
        up: true,
    }
}

fn config(version: Option<u8>, networks: &[&str], auto_summary: bool) -> RipConfig {
    RipConfig { version, networks: networks.iter().map(|n| ip(n)).collect(), auto_summary, ..RipConfig::default() }
}

impl Harness {
    fn new() -> Self {
        Harness { routers: Vec::new(), now: Time::ZERO }
    }

    fn add(&mut self, config: RipConfig, links: Vec<(Link, usize)>) -> usize {
        let (links, segments): (Vec<Link>, Vec<usize>) = links.into_iter().unzip();
        let mut rip = Instance::new(self.now, self.routers.len() as u64 + 1);
        rip.configure(self.now, &config, &links);
        self.routers.push(Router { rip, links, segments });
        self.routers.len() - 1
    }

    fn deliver(&mut self) {
        for _ in 0..1000 {
            let mut moved = false;
            for r in 0..self.routers.len() {
                for o in std::mem::take(&mut self.routers[r].rip.out) {
                    moved = true;
                    let at = self.routers[r].links.iter().position(|l| l.iface == o.iface).unwrap();
                    if !self.routers[r].links[at].up {
                        continue;
                    }
                    let segment = self.routers[r].segments[at];
                    let src = self.routers[r].links[at].addr.unwrap().0;
                    let bytes = o.message.emit();
                    for t in (0..self.routers.len()).filter(|&t| t != r) {
                        for k in 0..self.routers[t].links.len() {
                            let l = &self.routers[t].links[k];
                            let to_it = o.dst.is_multicast()
                                || o.dst == Ipv4Addr::BROADCAST
                                || l.addr.is_some_and(|(a, _)| a == o.dst);
                            if self.routers[t].segments[k] == segment && l.up && to_it {
                                let (iface, now) = (l.iface, self.now);
                                self.routers[t].rip.receive(now, iface, src, &bytes);
                            }
                        }
                    }
                }
            }
            if !moved {
                return;
            }
        }
        panic!("messages never stopped");
    }

    fn run_to(&mut self, secs: u64) {
        let end = Time::ZERO + Duration::from_secs(secs);
        loop {
            self.deliver();
            match self.routers.iter().filter_map(|r| r.rip.poll_at()).min() {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    for r in &mut self.routers {
                        if r.rip.poll_at().is_some_and(|p| p <= self.now) {
                            r.rip.poll(self.now);
                        }
                    }
                }
                _ => break,
            }
        }
        self.now = self.now.max(end);
    }

    fn route(&self, r: usize, prefix: &str) -> Option<&Route> {
        let (a, l) = prefix.split_once('/').unwrap();
        self.routers[r].rip.routes.get(&Prefix::new(ip(a), l.parse().unwrap()))
    }

    fn set_up(&mut self, r: usize, iface: usize, up: bool) {
        let now = self.now;
        let router = &mut self.routers[r];
        router.links.iter_mut().find(|l| l.iface == iface).unwrap().up = up;
        let config = router.rip.config.clone();
        let links = router.links.clone();
        router.rip.configure(now, &config, &links);
    }
}

/// A chain R0 - R1 - R2 in 10.0.0.0/8 with a LAN on each end.
fn chain(version: Option<u8>) -> Harness {
    let mut h = Harness::new();
    let cfg = config(version, &["10.0.0.0"], false);
    h.add(cfg.clone(), vec![(link(0, "10.1.0.1", 24), 10), (link(1, "10.0.12.1", 30), 1)]);
    h.add(cfg.clone(), vec![(link(0, "10.0.12.2", 30), 1), (link(1, "10.0.23.1", 30), 2)]);
    h.add(cfg, vec![(link(0, "10.0.23.2", 30), 2), (link(1, "10.3.0.1", 24), 30)]);
    h
}

#[test]
fn version_2_learns_hop_counts_along_a_chain() {
    let mut h = chain(Some(2));
    h.run_to(5);
    let far = h.route(0, "10.3.0.0/24").expect("R0 learned R2's LAN");
    assert_eq!(far.metric, 2);
    assert_eq!(far.paths[0].via, ip("10.0.12.2"));
    assert_eq!(h.route(0, "10.0.23.0/30").unwrap().metric, 1);
    assert_eq!(h.route(2, "10.1.0.0/24").unwrap().metric, 2);
    // Updates keep the routes fresh.
    h.run_to(600);
    assert_eq!(h.route(0, "10.3.0.0/24").unwrap().metric, 2);
    assert!(!h.route(0, "10.3.0.0/24").unwrap().is_possibly_down());
}

#[test]
fn split_horizon_keeps_a_route_off_the_interface_it_came_from() {
    let mut h = chain(Some(2));
    h.run_to(5);
    let r1 = &h.routers[1].rip;
    let toward_r0 = r1.links[0].clone();
    let told = r1.advertise(&toward_r0, false);
    assert!(told.iter().any(|(p, m)| p.to_string() == "10.3.0.0/24" && *m == 2));
    assert!(!told.iter().any(|(p, _)| p.to_string() == "10.1.0.0/24"), "R0's LAN is not told back to R0");
    assert!(!told.iter().any(|(p, _)| p.to_string() == "10.0.12.0/30"), "nor the link's own subnet");
}

#[test]
fn version_1_learns_subnets_of_its_own_mask_only_and_infers_masks() {
    let mut h = Harness::new();
    let cfg = config(None, &["10.0.0.0", "192.168.1.0"], true);
    h.add(cfg.clone(), vec![(link(0, "192.168.1.1", 24), 10), (link(1, "10.0.12.1", 24), 1)]);
    h.add(cfg, vec![(link(0, "10.0.12.2", 24), 1), (link(1, "10.0.23.1", 24), 2), (link(2, "10.9.0.1", 16), 3)]);
    h.run_to(5);
    assert_eq!(h.route(0, "10.0.23.0/24").unwrap().metric, 1, "same mask: the /24 is inferred");
    assert!(h.route(0, "10.9.0.0/16").is_none(), "a /16 cannot be told in version 1 over a /24");
    assert_eq!(h.route(1, "192.168.1.0/24").unwrap().metric, 1, "another major network: classful mask");
}

#[test]
fn auto_summary_sends_the_classful_network_across_a_boundary() {
    let mut h = Harness::new();
    let (on, off) = (config(Some(2), &["10.0.0.0", "172.16.0.0"], true), config(Some(2), &["172.16.0.0"], true));
    h.add(
        on.clone(),
        vec![(link(0, "10.1.1.1", 24), 10), (link(1, "10.2.2.1", 24), 11), (link(2, "172.16.1.1", 24), 1)],
    );
    h.add(off, vec![(link(0, "172.16.1.2", 24), 1)]);
    h.run_to(5);
    assert_eq!(h.route(1, "10.0.0.0/8").unwrap().metric, 1);
    assert!(h.route(1, "10.1.1.0/24").is_none());

    let mut h = Harness::new();
    let mut no_summary = on;
    no_summary.auto_summary = false;
    h.add(no_summary, vec![(link(0, "10.1.1.1", 24), 10), (link(2, "172.16.1.1", 24), 1)]);
    h.add(config(Some(2), &["172.16.0.0"], false), vec![(link(0, "172.16.1.2", 24), 1)]);
    h.run_to(5);
    assert!(h.route(1, "10.1.1.0/24").is_some());
    assert!(h.route(1, "10.0.0.0/8").is_none());
}

#[test]
fn version_2_ignores_version_1_and_the_default_accepts_both() {
    let mut h = Harness::new();
    h.add(config(Some(1), &["10.0.0.0"], true), vec![(link(0, "10.0.12.1", 24), 1), (link(1, "10.1.0.1", 24), 10)]);
    h.add(config(Some(2), &["10.0.0.0"], true), vec![(link(0, "10.0.12.2", 24), 1), (link(1, "10.2.0.1", 24), 20)]);
    h.add(config(None, &["10.0.0.0"], true), vec![(link(0, "10.0.12.3", 24), 1)]);
    h.run_to(5);
    assert!(h.route(1, "10.1.0.0/24").is_none(), "version 2 ignores version 1");
    assert!(h.route(0, "10.2.0.0/24").is_none(), "version 1 ignores version 2");
    assert!(h.route(2, "10.1.0.0/24").is_some() && h.route(2, "10.2.0.0/24").is_some());
}

#[test]
fn default_information_originate_gives_neighbours_a_default() {
    let mut h = chain(Some(2));
    let mut cfg = h.routers[2].rip.config.clone();
    cfg.default_originate = true;
    let links = h.routers[2].links.clone();
    h.routers[2].rip.configure(Time::ZERO, &cfg, &links);
    h.run_to(5);
    assert_eq!(h.route(1, "0.0.0.0/0").unwrap().metric, 1);
    assert_eq!(h.route(0, "0.0.0.0/0").unwrap().metric, 2);
    assert_eq!(h.route(2, "0.0.0.0/0").unwrap().origin, Origin::DefaultOriginated);
}

#[test]
fn passive_interfaces_listen_but_do_not_speak() {
    let mut h = Harness::new();
    let mut passive = config(Some(2), &["10.0.0.0"], false);
    passive.passive.push(IfaceName::parse("GigabitEthernet0/0").unwrap());
    h.add(passive, vec![(link(0, "10.0.12.1", 24), 1), (link(1, "10.1.0.1", 24), 10)]);
    h.add(config(Some(2), &["10.0.0.0"], false), vec![(link(0, "10.0.12.2", 24), 1), (link(1, "10.2.0.1", 24), 20)]);
    h.run_to(100);
    assert!(h.route(0, "10.2.0.0/24").is_some(), "the passive side still learns");
    assert!(h.route(1, "10.1.0.0/24").is_none(), "but says nothing");
}

/// A neighbour that falls silent: its routes are possibly down after the
/// invalid time (180 s) and gone at the flush time (240 s).
#[test]
fn invalid_holddown_and_flush_timers() {
    let mut h = chain(Some(2));
    h.run_to(5);
    let heard = h.route(0, "10.3.0.0/24").unwrap().paths[0].heard;
    // R1 goes silent towards R0 (its interface is cut off, not shut: R0's stays up).
    h.routers[1].segments[0] = 99;
    h.run_to(heard.since(Time::ZERO).secs() + 179);
    assert!(!h.route(0, "10.3.0.0/24").unwrap().is_possibly_down());
    h.run_to(heard.since(Time::ZERO).secs() + 181);
    let r = h.route(0, "10.3.0.0/24").unwrap();
    assert!(r.is_possibly_down());
    assert_eq!(r.metric, INFINITY);
    h.run_to(heard.since(Time::ZERO).secs() + 241);
    assert!(h.route(0, "10.3.0.0/24").is_none(), "flushed");
}

/// An interface going down poisons its routes at once (flash update), and
/// a neighbour holds the route down rather than take a worse path.
#[test]
fn a_link_failure_is_flashed_and_held_down() {
    let mut h = chain(Some(2));
    h.run_to(40);
    h.set_up(2, 1, false);
    h.run_to(41);
    let r = h.route(0, "10.3.0.0/24").unwrap();
    assert!(r.is_possibly_down(), "R0 heard the poison within a second");
    h.set_up(2, 1, true);
    h.run_to(42);
    assert!(!h.route(0, "10.3.0.0/24").unwrap().is_possibly_down(), "the same neighbour brings it back");
}

#[test]
fn equal_cost_paths_are_kept_up_to_four() {
    // R0 reaches R3's LAN through R1 and through R2, two hops each way.
    let mut h = Harness::new();
    let cfg = config(Some(2), &["10.0.0.0"], false);
    h.add(cfg.clone(), vec![(link(0, "10.0.1.1", 24), 1), (link(1, "10.0.2.1", 24), 2)]);
    h.add(cfg.clone(), vec![(link(0, "10.0.1.2", 24), 1), (link(1, "10.0.13.1", 24), 3)]);
    h.add(cfg.clone(), vec![(link(0, "10.0.2.2", 24), 2), (link(1, "10.0.23.1", 24), 4)]);
    h.add(cfg, vec![(link(0, "10.0.13.3", 24), 3), (link(1, "10.0.23.3", 24), 4), (link(2, "10.3.0.1", 24), 5)]);
    h.run_to(60);
    let r = h.route(0, "10.3.0.0/24").unwrap();
    assert_eq!(r.metric, 2);
    assert_eq!(r.paths.len(), 2);
}
