//! Routers made of bare [`Instance`]s on segments that carry their packets
//! (multicast to everyone on the segment, unicast to its owner), stepped in
//! simulated time: adjacencies, the DR election, the database exchange,
//! SPF, areas and the default route, without any device around them.

use super::*;

/// A router of the harness: its process and its interfaces.
struct Router {
    ospf: Instance,
    links: Vec<Link>,
    /// The segment each interface is on.
    segments: Vec<usize>,
}

struct Harness {
    routers: Vec<Router>,
    now: Time,
}

fn ip(s: &str) -> Ipv4Addr {
    s.parse().unwrap()
}

fn link(iface: usize, name: &str, addr: &str, len: u8, kind: LinkKind) -> Link {
    Link {
        iface,
        name: IfaceName::parse(name).unwrap(),
        addr: Some((ip(addr), len)),
        up: true,
        kind,
        bandwidth_kbps: if kind == LinkKind::PointToPoint { 1544 } else { 1_000_000 },
        mtu: DEFAULT_MTU,
        settings: OspfIface::default(),
    }
}

/// `network 0.0.0.0 255.255.255.255 area A` for every interface.
fn everything_in(area: u32) -> OspfProcess {
    OspfProcess {
        pid: 1,
        networks: vec![NetworkStatement {
            addr: Ipv4Addr::UNSPECIFIED,
            wildcard: Ipv4Addr::BROADCAST,
            area: Area::Number(area),
        }],
        ..OspfProcess::default()
    }
}

impl Harness {
    fn new() -> Self {
        Harness { routers: Vec::new(), now: Time::ZERO }
    }

    fn add(&mut self, config: OspfProcess, links: Vec<(Link, usize)>) -> usize {
        let (links, segments): (Vec<Link>, Vec<usize>) = links.into_iter().unzip();
        let mut ospf = Instance::new(1, self.now);
        ospf.configure(self.now, &config, &links, false);
        self.routers.push(Router { ospf, links, segments });
        self.routers.len() - 1
    }

    /// Carry every queued packet to its receivers until nothing is left.
    fn deliver(&mut self) {
        for _ in 0..1000 {
            let mut moved = false;
            for r in 0..self.routers.len() {
                let out = std::mem::take(&mut self.routers[r].ospf.out);
                for o in out {
                    moved = true;
                    let at = self.routers[r].links.iter().position(|l| l.iface == o.iface).unwrap();
                    if !self.routers[r].links[at].up {
                        continue;
                    }
                    let segment = self.routers[r].segments[at];
                    let src = self.routers[r].links[at].addr.unwrap().0;
                    for t in 0..self.routers.len() {
                        if t == r {
                            continue;
                        }
                        for k in 0..self.routers[t].links.len() {
                            let l = &self.routers[t].links[k];
                            let to_it = o.dst.is_multicast() || l.addr.is_some_and(|(a, _)| a == o.dst);
                            if self.routers[t].segments[k] == segment && l.up && to_it {
                                let iface = l.iface;
                                let now = self.now;
                                self.routers[t].ospf.receive(now, iface, src, o.dst, &o.packet);
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

    /// Run to `secs` seconds, polling whoever is due, in order.
    fn run_to(&mut self, secs: u64) {
        let end = Time::ZERO + Duration::from_secs(secs);
        loop {
            self.deliver();
            let next = self.routers.iter().filter_map(|r| r.ospf.poll_at()).min();
            match next {
                Some(t) if t <= end => {
                    self.now = self.now.max(t);
                    for r in &mut self.routers {
                        if r.ospf.poll_at().is_some_and(|p| p <= self.now) {
                            r.ospf.poll(self.now);
                        }
                    }
                }
                _ => break,
            }
        }
        self.now = self.now.max(end);
    }

    fn state(&self, r: usize, nbr: &str) -> Option<NeighborState> {
        self.routers[r].ospf.ifaces.iter().flat_map(|f| &f.neighbors).find(|n| n.router_id == ip(nbr)).map(|n| n.state)
    }

    fn route(&self, r: usize, prefix: &str) -> Option<&OspfRoute> {
        let (net, len) = prefix.split_once('/').unwrap();
        self.routers[r].ospf.routes().iter().find(|x| x.network == ip(net) && x.len == len.parse::<u8>().unwrap())
    }

    fn set_up(&mut self, r: usize, iface: usize, up: bool) {
        let config = self.routers[r].ospf.config.clone();
        self.routers[r].links[iface].up = up;
        let links = self.routers[r].links.clone();
        let now = self.now;
        self.routers[r].ospf.configure(now, &config, &links, false);
    }
}

fn loopback(iface: usize, addr: &str) -> Link {
    link(iface, &format!("lo{iface}"), addr, 32, LinkKind::Loopback)
}

#[test]
fn two_routers_on_ethernet_wait_elect_and_go_full() {
    let mut h = Harness::new();
    let a = h.add(
        everything_in(0),
        vec![(link(0, "g0/0/0", "10.0.0.1", 24, LinkKind::Broadcast), 1), (loopback(1, "1.1.1.1"), 100)],
    );
    let b = h.add(
        everything_in(0),
        vec![(link(0, "g0/0/0", "10.0.0.2", 24, LinkKind::Broadcast), 1), (loopback(1, "2.2.2.2"), 101)],
    );
    assert_eq!(h.routers[a].ospf.router_id, Some(ip("1.1.1.1")), "the highest loopback");
    h.run_to(30);
    assert_eq!(h.state(a, "2.2.2.2"), Some(NeighborState::TwoWay), "still waiting to elect");
    h.run_to(45);
    assert_eq!(h.state(a, "2.2.2.2"), Some(NeighborState::Full));
    assert_eq!(h.state(b, "1.1.1.1"), Some(NeighborState::Full));
    // The higher router ID wins the election; the other is backup.
    assert_eq!(h.routers[b].ospf.ifaces[0].state, IfaceState::Dr);
    assert_eq!(h.routers[a].ospf.ifaces[0].state, IfaceState::Backup);
    h.run_to(60);
    let r = h.route(a, "2.2.2.2/32").expect("a route to B's loopback");
    assert_eq!((r.kind, r.metric), (RouteKind::IntraArea, 2));
    assert_eq!(r.next_hops, [NextHop { iface: 0, via: Some(ip("10.0.0.2")) }]);
    let events: Vec<String> = h.routers[a]
        .ospf
        .events
        .iter()
        .map(|e| match e {
            Event::Adjacency { neighbor, from, to, reason, .. } => format!("{neighbor} {from:?}->{to:?} {reason}"),
            other => format!("{other:?}"),
        })
        .collect();
    assert!(events.iter().any(|e| e.ends_with("Full Loading Done") || e.ends_with("Full Exchange Done")), "{events:?}");
}

#[test]
fn a_serial_link_goes_full_without_an_election_and_dies_with_the_dead_timer() {
    let mut h = Harness::new();
    let a = h.add(everything_in(0), vec![(link(0, "s0/1/0", "10.1.1.1", 30, LinkKind::PointToPoint), 1)]);
    let b = h.add(
        everything_in(0),
        vec![
            (link(0, "s0/1/0", "10.1.1.2", 30, LinkKind::PointToPoint), 1),
            (link(1, "g0/0/0", "192.168.2.1", 24, LinkKind::Broadcast), 9),
        ],
    );
    h.run_to(2);
    assert_eq!(h.state(a, "192.168.2.1"), Some(NeighborState::Full));
    h.run_to(20);
    let r = h.route(a, "192.168.2.0/24").expect("B's LAN");
    // 100 Mb/s reference over 1544 kb/s is 64, plus the gigabit LAN's 1.
    assert_eq!(r.metric, 65);
    // B's side goes down: A hears nothing for the dead interval.
    h.set_up(b, 0, false);
    h.run_to(60);
    assert_eq!(h.state(a, "192.168.2.1"), None);
    let gone = h.routers[a]
        .ospf
        .events
        .iter()
        .any(|e| matches!(e, Event::Adjacency { to: NeighborState::Down, reason: "Dead timer expired", .. }));
    assert!(gone);
    h.run_to(80);
    assert!(h.route(a, "192.168.2.0/24").is_none(), "the route goes with the neighbour");
}

#[test]
fn mismatched_hello_timers_keep_the_neighbour_away() {
    let mut h = Harness::new();
    let a = h.add(everything_in(0), vec![(link(0, "s0/1/0", "10.1.1.1", 30, LinkKind::PointToPoint), 1)]);
    let mut slow = link(0, "s0/1/0", "10.1.1.2", 30, LinkKind::PointToPoint);
    slow.settings.hello = Some(5);
    h.add(everything_in(0), vec![(slow, 1)]);
    h.run_to(100);
    assert_eq!(h.state(a, "10.1.1.2"), None, "hellos with other timers are ignored");
}

#[test]
fn a_triangle_has_two_equal_paths_and_a_border_router_summarises() {
    // R1 - R2 - R3 - R1, serial; R3 also in area 1 with a LAN.
    let mut h = Harness::new();
    let r1 = h.add(
        everything_in(0),
        vec![
            (link(0, "s0/1/0", "10.0.12.1", 30, LinkKind::PointToPoint), 12),
            (link(1, "s0/1/1", "10.0.13.1", 30, LinkKind::PointToPoint), 13),
        ],
    );
    let r2 = h.add(
        everything_in(0),
        vec![
            (link(0, "s0/1/0", "10.0.12.2", 30, LinkKind::PointToPoint), 12),
            (link(1, "s0/1/1", "10.0.23.2", 30, LinkKind::PointToPoint), 23),
            (link(2, "g0/0/0", "10.2.2.1", 24, LinkKind::Broadcast), 200),
        ],
    );
    let mut abr = everything_in(0);
    abr.networks
        .insert(0, NetworkStatement { addr: ip("172.16.0.0"), wildcard: ip("0.0.255.255"), area: Area::Number(1) });
    let r3 = h.add(
        abr,
        vec![
            (link(0, "s0/1/0", "10.0.13.2", 30, LinkKind::PointToPoint), 13),
            (link(1, "s0/1/1", "10.0.23.1", 30, LinkKind::PointToPoint), 23),
            (link(2, "g0/0/0", "172.16.3.1", 24, LinkKind::Broadcast), 300),
        ],
    );
    h.run_to(30);
    assert!(h.routers[r3].ospf.is_abr());
    // R1 reaches R2's LAN directly, and R3's area-1 LAN inter-area.
    let lan2 = h.route(r1, "10.2.2.0/24").expect("R2's LAN");
    assert_eq!(lan2.kind, RouteKind::IntraArea);
    let lan3 = h.route(r1, "172.16.3.0/24").expect("R3's area-1 LAN");
    assert_eq!(lan3.kind, RouteKind::InterArea);
    assert_eq!(lan3.metric, 65);
    // The link between R2 and R3, from R1: through either, equally.
    let between = h.route(r1, "10.0.23.0/30").expect("the far link");
    assert_eq!(between.metric, 128);
    assert_eq!(between.next_hops.len(), 2, "{between:?}");
    let _ = r2;
}

#[test]
fn default_information_originate_reaches_the_others_as_e2() {
    let mut h = Harness::new();
    let mut edge = everything_in(0);
    edge.default_originate = Some(true);
    h.add(edge, vec![(link(0, "s0/1/0", "10.1.1.1", 30, LinkKind::PointToPoint), 1)]);
    let inside = h.add(everything_in(0), vec![(link(0, "s0/1/0", "10.1.1.2", 30, LinkKind::PointToPoint), 1)]);
    h.run_to(20);
    let d = h.route(inside, "0.0.0.0/0").expect("the default route");
    assert_eq!((d.kind, d.metric), (RouteKind::External2, 1));
}

#[test]
fn three_routers_on_a_lan_elect_without_preemption() {
    let mut h = Harness::new();
    let mut routers = Vec::new();
    for i in 1..=3 {
        routers.push(h.add(
            everything_in(0),
            vec![
                (link(0, "g0/0/0", &format!("10.0.0.{i}"), 24, LinkKind::Broadcast), 1),
                (loopback(1, &format!("{i}.{i}.{i}.{i}")), 100 + i),
            ],
        ));
    }
    h.run_to(60);
    let states: Vec<IfaceState> = routers.iter().map(|&r| h.routers[r].ospf.ifaces[0].state).collect();
    assert_eq!(states, [IfaceState::DrOther, IfaceState::Backup, IfaceState::Dr]);
    // DROthers stay in 2-Way with each other; everyone is Full with DR and BDR.
    assert_eq!(h.state(routers[0], "2.2.2.2"), Some(NeighborState::Full));
    assert_eq!(h.state(routers[0], "3.3.3.3"), Some(NeighborState::Full));
    // A fourth router with a higher ID arrives: it does not take over.
    let late = h.add(
        everything_in(0),
        vec![(link(0, "g0/0/0", "10.0.0.9", 24, LinkKind::Broadcast), 1), (loopback(1, "9.9.9.9"), 109)],
    );
    h.run_to(120);
    assert_eq!(h.routers[late].ospf.ifaces[0].state, IfaceState::DrOther);
    assert_eq!(h.routers[routers[2]].ospf.ifaces[0].state, IfaceState::Dr);
    assert!(h.route(late, "1.1.1.1/32").is_some());
}

#[test]
fn clearing_the_dr_hands_its_role_to_the_bdr_and_the_lan_agrees() {
    let mut h = Harness::new();
    let mut routers = Vec::new();
    for i in 1..=3 {
        routers.push(h.add(
            everything_in(0),
            vec![
                (link(0, "g0/0/0", &format!("10.0.0.{i}"), 24, LinkKind::Broadcast), 1),
                (loopback(1, &format!("{i}.{i}.{i}.{i}")), 100 + i),
            ],
        ));
    }
    h.run_to(60);
    let (dr, bdr) = (routers[2], routers[1]);
    assert_eq!(h.routers[dr].ospf.ifaces[0].state, IfaceState::Dr);
    // `clear ip ospf process` on the DR: its first hello names no neighbour,
    // which is a NeighborChange for the others. The BDR becomes DR and
    // elects a new backup among the routers it is in 2-Way with, which the
    // restarted one is not yet; then everyone agrees on both.
    let links = h.routers[dr].links.clone();
    let now = h.now;
    h.routers[dr].ospf.clear(now, &links);
    h.run_to(180);
    let states: Vec<IfaceState> = routers.iter().map(|&r| h.routers[r].ospf.ifaces[0].state).collect();
    assert_eq!(states, [IfaceState::Backup, IfaceState::Dr, IfaceState::DrOther]);
    for &r in &routers {
        let f = &h.routers[r].ospf.ifaces[0];
        assert_eq!((f.dr, f.bdr), (ip("10.0.0.2"), ip("10.0.0.1")), "router {r}");
    }
    assert_eq!(h.state(dr, "1.1.1.1"), Some(NeighborState::Full));
    assert_eq!(h.state(dr, "2.2.2.2"), Some(NeighborState::Full));
    assert_eq!(h.state(bdr, "3.3.3.3"), Some(NeighborState::Full));
}

/// Every area must touch the backbone: a router in areas 1 and 2 without an
/// area-0 interface is no border router and summarises nothing between them.
#[test]
fn areas_that_do_not_touch_the_backbone_exchange_no_routes() {
    let mut h = Harness::new();
    let mut two_areas = everything_in(1);
    two_areas
        .networks
        .insert(0, NetworkStatement { addr: ip("192.168.1.0"), wildcard: ip("0.0.0.255"), area: Area::Number(2) });
    let middle = h.add(
        two_areas,
        vec![
            (link(0, "s0/1/0", "10.0.12.1", 30, LinkKind::PointToPoint), 12),
            (link(1, "g0/0/0", "192.168.1.1", 24, LinkKind::Broadcast), 100),
        ],
    );
    let far = h.add(everything_in(1), vec![(link(0, "s0/1/0", "10.0.12.2", 30, LinkKind::PointToPoint), 12)]);
    h.run_to(60);
    assert!(!h.routers[middle].ospf.is_abr(), "no backbone interface, no border router");
    assert!(h.route(far, "192.168.1.0/24").is_none(), "area 2 is not summarised into area 1");
}
