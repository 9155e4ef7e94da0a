//! Bare OSPFv3 [`Instance`]s on segments that carry their packets as bytes
//! (multicast to everyone on the segment, unicast to the link-local
//! address's owner), stepped in simulated time.

use super::*;

struct Router {
    ospf: Instance,
    links: Vec<Link>,
    segments: Vec<usize>,
}

struct Harness {
    routers: Vec<Router>,
    now: Time,
}

fn v6(s: &str) -> Ipv6Addr {
    s.parse().unwrap()
}

fn link(iface: usize, name: &str, ll: &str, global: &str, kind: LinkKind) -> Link {
    Link {
        iface,
        name: IfaceName::parse(name).unwrap(),
        link_local: (kind != LinkKind::Loopback).then(|| v6(ll)),
        addrs: vec![(v6(global), if kind == LinkKind::Loopback { 128 } else { 64 })],
        up: true,
        kind,
        bandwidth_kbps: if kind == LinkKind::PointToPoint { 1544 } else { 1_000_000 },
        mtu: DEFAULT_MTU,
        settings: OspfIface { process_area: Some((1, Area::Number(0))), ..OspfIface::default() },
    }
}

impl Harness {
    fn add(&mut self, rid: &str, links: Vec<(Link, usize)>) -> usize {
        let (links, segments): (Vec<Link>, Vec<usize>) = links.into_iter().unzip();
        let mut ospf = Instance::new(1, self.now);
        let config = OspfProcess { pid: 1, router_id: Some(rid.parse().unwrap()), ..OspfProcess::default() };
        ospf.configure(self.now, &config, &links, None);
        self.routers.push(Router { ospf, links, segments });
        self.routers.len() - 1
    }

    fn deliver(&mut self) {
        for _ in 0..1000 {
            let mut moved = false;
            for r in 0..self.routers.len() {
                for o in std::mem::take(&mut self.routers[r].ospf.out) {
                    moved = true;
                    let at = self.routers[r].links.iter().position(|l| l.iface == o.iface).unwrap();
                    let segment = self.routers[r].segments[at];
                    let src = self.routers[r].links[at].link_local.unwrap();
                    let bytes = o.packet.emit(src, o.dst);
                    for t in (0..self.routers.len()).filter(|t| *t != r) {
                        for (k, l) in self.routers[t].links.clone().iter().enumerate() {
                            let hears = self.routers[t].segments[k] == segment
                                && (o.dst.is_multicast() || l.link_local == Some(o.dst));
                            if hears {
                                let now = self.now;
                                self.routers[t].ospf.receive(now, l.iface, src, o.dst, &bytes);
                            }
                        }
                    }
                }
            }
            if !moved {
                return;
            }
        }
        panic!("packets never stopped");
    }

    fn run_for(&mut self, secs: u64) {
        let end = self.now + Duration::from_secs(secs);
        loop {
            self.deliver();
            let next = self.routers.iter().filter_map(|r| r.ospf.poll_at()).min();
            match next {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    let now = self.now;
                    for r in &mut self.routers {
                        if r.ospf.poll_at().is_some_and(|t| t <= now) {
                            r.ospf.poll(now);
                        }
                    }
                }
                _ => break,
            }
        }
        self.now = end;
    }

    fn states(&self, r: usize) -> Vec<NeighborState> {
        self.routers[r].ospf.ifaces.iter().flat_map(|f| f.neighbors.iter().map(|n| n.state)).collect()
    }
}

/// R1 ─ LAN ─ R2 ─ serial ─ R3, each with a loopback.
fn three_routers() -> Harness {
    let mut h = Harness { routers: Vec::new(), now: Time::ZERO };
    h.add(
        "1.1.1.1",
        vec![
            (link(0, "Gi0/0/0", "fe80::1", "2001:db8:acad:12::1", LinkKind::Broadcast), 0),
            (link(1, "Lo0", "", "2001:db8:1::1", LinkKind::Loopback), 10),
        ],
    );
    h.add(
        "2.2.2.2",
        vec![
            (link(0, "Gi0/0/0", "fe80::2", "2001:db8:acad:12::2", LinkKind::Broadcast), 0),
            (link(1, "S0/1/0", "fe80::2", "2001:db8:acad:23::2", LinkKind::PointToPoint), 1),
        ],
    );
    h.add(
        "3.3.3.3",
        vec![
            (link(0, "S0/1/0", "fe80::3", "2001:db8:acad:23::3", LinkKind::PointToPoint), 1),
            (link(1, "Gi0/0/1", "fe80::3", "2001:db8:acad:3::1", LinkKind::Broadcast), 11),
        ],
    );
    h
}

#[test]
fn adjacencies_reach_full_on_a_lan_and_a_serial_link() {
    let mut h = three_routers();
    h.run_for(60);
    assert_eq!(h.states(0), [NeighborState::Full]);
    assert_eq!(h.states(1), [NeighborState::Full, NeighborState::Full]);
    // On the LAN, the higher router ID is DR, the other BDR.
    let lan = &h.routers[0].ospf.ifaces[0];
    assert_eq!((lan.dr, lan.bdr), ("2.2.2.2".parse().unwrap(), "1.1.1.1".parse().unwrap()));
    assert_eq!(lan.state, IfaceState::Backup);
}

#[test]
fn spf_finds_every_prefix_through_link_local_next_hops() {
    let mut h = three_routers();
    h.run_for(60);
    let r1 = h.routers[0].ospf.routes();
    let find =
        |p: &str, len| r1.iter().find(|r| r.prefix == v6(p) && r.len == len).unwrap_or_else(|| panic!("{p} in {r1:?}"));
    // Across the LAN (cost 1) and the serial (64), then R3's LAN (1).
    let far = find("2001:db8:acad:3::", 64);
    assert_eq!((far.metric, far.next_hops.clone()), (66, vec![(0, Some(v6("fe80::2")))]));
    assert_eq!(find("2001:db8:acad:23::", 64).metric, 65);
    assert!(r1.iter().all(|r| r.prefix != v6("2001:db8:acad:12::")), "connected prefixes are not OSPF routes");
    // R1's loopback reaches R3 as a host route.
    let r3 = h.routers[2].ospf.routes();
    let lo = r3.iter().find(|r| r.prefix == v6("2001:db8:1::1")).expect("the loopback");
    assert_eq!((lo.len, lo.metric, lo.next_hops.clone()), (128, 65, vec![(0, Some(v6("fe80::2")))]));
}

#[test]
fn a_dead_neighbour_takes_its_routes_away() {
    let mut h = three_routers();
    h.run_for(60);
    // R3 falls silent: R2 declares it dead after 40 s, and R1 loses its LAN.
    h.routers[2].links.clear();
    h.routers[2].segments.clear();
    let r3 = &mut h.routers[2].ospf;
    r3.configure(h.now, &r3.config.clone(), &[], None);
    h.run_for(60);
    assert_eq!(h.states(1), [NeighborState::Full]);
    let r1 = h.routers[0].ospf.routes();
    assert!(r1.iter().all(|r| r.prefix != v6("2001:db8:acad:3::")), "{r1:?}");
}

#[test]
fn mismatched_hello_timers_form_no_adjacency() {
    let mut h = Harness { routers: Vec::new(), now: Time::ZERO };
    let mut slow = link(0, "Gi0/0/0", "fe80::2", "2001:db8::2", LinkKind::Broadcast);
    slow.settings.hello = Some(20);
    h.add("1.1.1.1", vec![(link(0, "Gi0/0/0", "fe80::1", "2001:db8::1", LinkKind::Broadcast), 0)]);
    h.add("2.2.2.2", vec![(slow, 0)]);
    h.run_for(120);
    assert!(h.states(0).is_empty() && h.states(1).is_empty());
}
