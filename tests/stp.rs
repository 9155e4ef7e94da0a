//! Spanning tree across switches: the ports the priorities say should block
//! do, in PVST+ and Rapid PVST+, and a new link reaches forwarding in about
//! 30 s with 802.1D timers and within 2 s with rapid proposal/agreement.

mod common;
use common::*;
use wirelab::cli::Terminal;

use wirelab::net::Network;
use wirelab::proto::stp::{Role, State};
use wirelab::sim::Duration;

fn port_of(net: &Network, dev: &str, iface: &str) -> (usize, usize) {
    let id = net.find(dev).unwrap();
    let p = net.device(id).model.port_index(&wirelab::base::IfaceName::parse(iface).unwrap()).unwrap();
    (id, p)
}

fn role_state(net: &Network, dev: &str, iface: &str) -> (Role, State) {
    let (id, p) = port_of(net, dev, iface);
    let tree = &net.device(id).as_ios().unwrap().bridge.as_ref().unwrap().trees[&1];
    let info = &tree.ports[&p];
    (info.role, info.state)
}

fn triangle(mode: &str, s3_config: &str) -> Network {
    let text = read("tests/labs/triangle.ron")
        .replace(
            "config: \"hostname S1\"",
            &format!("config: \"hostname S1\nspanning-tree mode {mode}\nspanning-tree vlan 1 root primary\""),
        )
        .replace(
            "config: \"hostname S2\"",
            &format!("config: \"hostname S2\nspanning-tree mode {mode}\ninterface g0/2\n shutdown\""),
        )
        .replace(
            "config: \"hostname S3\"",
            &format!("config: \"hostname S3\nspanning-tree mode {mode}\n{s3_config}\""),
        );
    boot(&text).1
}

/// Bring the S2-S3 link up and measure how long until it settles: one end
/// designated and forwarding, the other alternate and blocking.
fn time_to_forwarding(net: &mut Network) -> f64 {
    let start = net.now();
    transcript(net, "@S2\nen\nconf t\nint g0/2\nno shut\nend\n");
    for _ in 0..400 {
        let ends = [role_state(net, "S2", "g0/2"), role_state(net, "S3", "g0/2")];
        let forwarding = ends.iter().any(|e| *e == (Role::Designated, State::Forwarding));
        let blocking = ends.iter().any(|e| *e == (Role::Alternate, State::Blocking));
        if forwarding && blocking {
            return net.now().since(start).nanos() as f64 / 1e9;
        }
        net.run_for(Duration::from_millis(100));
    }
    f64::INFINITY
}

#[test]
fn pvst_blocks_the_port_the_priorities_dictate_and_forwards_after_30_s() {
    // S3 has the better priority, so S2's end of the S2-S3 link blocks.
    let mut net = triangle("pvst", "spanning-tree vlan 1 priority 28672");
    assert_eq!(role_state(&net, "S2", "g0/1"), (Role::Root, State::Forwarding));
    assert_eq!(role_state(&net, "S3", "g0/1"), (Role::Root, State::Forwarding));
    let t = time_to_forwarding(&mut net);
    println!("802.1D: the new link settled in {t:.1} s");
    assert!((28.0..=33.0).contains(&t), "802.1D: listening and learning take 30 s, took {t:.1} s");
    net.run_for(Duration::from_secs(5));
    let s2 = role_state(&net, "S2", "g0/2");
    let s3 = role_state(&net, "S3", "g0/2");
    assert_eq!(s3, (Role::Designated, State::Forwarding), "the better bridge's end forwards");
    assert_eq!(s2, (Role::Alternate, State::Blocking), "S2's end blocks");
}

#[test]
fn rapid_pvst_converges_in_under_two_seconds() {
    let mut net = triangle("rapid-pvst", "");
    let t = time_to_forwarding(&mut net);
    println!("rapid: the new link settled in {t:.2} s");
    assert!(t < 2.0, "rapid: proposal and agreement, took {t:.2} s");
    net.run_for(Duration::from_secs(5));
    // S2 and S3 have the same priority: the lower MAC wins the link.
    let (s2, s3) = (role_state(&net, "S2", "g0/2"), role_state(&net, "S3", "g0/2"));
    let blocked = [s2, s3].iter().filter(|(r, s)| *r == Role::Alternate && *s == State::Blocking).count();
    assert_eq!(blocked, 1, "exactly one end of the S2-S3 link blocks: {s2:?} {s3:?}");
}

#[test]
fn a_square_blocks_exactly_one_port_on_the_far_switch() {
    let lab = r#"Lab(title: "square", seed: 4, devices: [
        Device(name: "S1", model: Switch, at: (0.0, 0.0), config: "spanning-tree vlan 1 priority 4096"),
        Device(name: "S2", model: Switch, at: (200.0, 0.0), config: "spanning-tree vlan 1 priority 8192"),
        Device(name: "S3", model: Switch, at: (200.0, 200.0), config: "spanning-tree vlan 1 priority 32768"),
        Device(name: "S4", model: Switch, at: (0.0, 200.0), config: "spanning-tree vlan 1 priority 12288"),
    ], links: [("S1:G0/1", "S2:G0/1"), ("S2:G0/2", "S3:G0/1"), ("S3:G0/2", "S4:G0/1"), ("S4:G0/2", "S1:G0/2")])"#;
    for mode in ["pvst", "rapid-pvst"] {
        let (_, mut net) = boot(
            &lab.replace("config: \"spanning-tree", &format!("config: \"spanning-tree mode {mode}\nspanning-tree")),
        );
        net.run_for(Duration::from_secs(40));
        let mut blocked = Vec::new();
        for s in ["S1", "S2", "S3", "S4"] {
            for p in ["g0/1", "g0/2"] {
                let (r, st) = role_state(&net, s, p);
                if r == Role::Alternate {
                    assert_eq!(st, State::Blocking);
                    blocked.push(format!("{s} {p}"));
                }
            }
        }
        // S3 reaches the root through S2 (priority 8192) and blocks towards S4.
        assert_eq!(blocked, ["S3 g0/2"], "{mode}");
        let t = transcript(&mut net, "@S3\nen\nshow spanning-tree\n");
        assert!(t.contains("Gi0/2               Altn BLK 4         128.26   P2p"), "{t}");
        assert!(t.contains(if mode == "pvst" { "protocol ieee" } else { "protocol rstp" }));
    }
}

#[test]
fn bpdu_guard_err_disables_a_portfast_port_that_hears_a_bpdu() {
    let lab = r#"Lab(title: "guard", devices: [
        Device(name: "S1", model: Switch, config: "interface fa0/1\n spanning-tree portfast\n spanning-tree bpduguard enable"),
        Device(name: "S2", model: Switch),
    ], links: [("S1:F0/1", "S2:F0/1")])"#;
    let (_, mut net) = boot(lab);
    let t = transcript(&mut net, "@S1\nen\nshow ip interface brief | include FastEthernet0/1 \n");
    assert!(t.contains("FastEthernet0/1        unassigned      YES unset  down                  down"), "{t}");
    let (id, p) = port_of(&net, "S1", "fa0/1");
    assert!(net.device(id).as_ios().unwrap().ifaces.iter().find(|i| i.port == Some(p)).unwrap().err_disabled);
}

#[test]
fn a_loop_without_spanning_tree_storms_within_bounds_and_stops_when_it_returns() {
    let text = read("tests/labs/triangle.ron");
    let (_, mut net) = boot(&text);
    for s in ["S1", "S2", "S3"] {
        transcript(&mut net, &format!("@{s}\nen\nconf t\nno spanning-tree vlan 1\nend\n"));
    }
    net.run_for(Duration::from_secs(2));
    // One broadcast (PC1's ARP for an address nobody has) is enough.
    use wirelab::proto::probe::{Kind, Pace, Silent, Spec};
    let spec = Spec {
        dst: "10.0.0.99".parse().unwrap(),
        kind: Kind::Echo,
        count: 1,
        size: 32,
        timeout: Duration::from_secs(1),
        pace: Pace::AfterOutcome { min_gap: Duration::ZERO },
        ident: 1,
    };
    net.start_probe(net.find("PC1").unwrap(), spec, Box::new(Silent));
    let mut peak_events = 0;
    let hops_before = net.stats().frame_hops;
    for _ in 0..5 {
        net.run_for(Duration::from_millis(100));
        peak_events = peak_events.max(net.pending_events());
    }
    let storm_hops = net.stats().frame_hops - hops_before;
    eprintln!(
        "storm: {storm_hops} frame hops in 0.5 s, {} drops, at most {peak_events} events pending",
        net.stats().drops
    );
    assert!(storm_hops > 20_000, "the broadcast circles forever: {storm_hops} hops in 0.5 s");
    assert!(net.stats().drops > 0, "full cable queues drop frames");
    // Each cable holds at most 1 MB of backlog: a bounded number of frames in flight.
    assert!(peak_events < 200_000, "{peak_events} events pending");
    // The switches still answer their consoles in the middle of it.
    let s1 = net.find("S1").unwrap();
    assert!(net.exec(s1, "show spanning-tree vlan 1").contains("Spanning tree instance(s) for vlan 1 does not exist."));

    for s in ["S1", "S2", "S3"] {
        transcript(&mut net, &format!("@{s}\nconf t\nspanning-tree vlan 1\nend\n"));
    }
    net.run_for(Duration::from_secs(40));
    let settled = net.stats().frame_hops;
    net.run_for(Duration::from_secs(10));
    assert!(net.stats().frame_hops - settled < 1_000, "spanning tree ends the storm");
}
