//! Dynamic routing across devices: OSPF adjacencies, routes and
//! reconvergence with their simulated times; proxy ARP and default routes to
//! an exit interface.

mod common;
use common::*;

use wirelab::cli::Terminal;
use wirelab::sim::Duration;

/// The next hops `show ip route` gives for a prefix on a router.
fn routes_to(net: &mut wirelab::net::Network, router: &str, prefix: &str) -> String {
    let id = net.find(router).unwrap();
    let out = net.exec(id, &format!("show ip route | include {prefix}"));
    out.lines().filter(|l| l.contains(prefix)).collect::<Vec<_>>().join("\n")
}

#[test]
fn ospf_converges_and_reconverges_within_the_dead_interval() {
    let (_, mut net) = boot(&read("tests/labs/ospf-triangle.ron"));
    transcript(&mut net, &read("tests/labs/ospf-triangle.script"));
    let r1 = net.find("R1").unwrap();
    let log = net.take_console(r1);
    assert!(
        log.contains(
            "%OSPF-5-ADJCHG: Process 1, Nbr 192.168.2.1 on GigabitEthernet0/0/0 from LOADING to FULL, Loading Done"
        ),
        "{log}"
    );
    net.exec(r1, "enable");
    // R2's LAN through the switch: one OSPF hop, cost 1 + 1.
    let lan2 = routes_to(&mut net, "R1", "192.168.2.0");
    assert!(lan2.starts_with("O     192.168.2.0/24 [110/2] via 10.0.12.2, "), "{lan2}");
    assert!(lan2.ends_with(", GigabitEthernet0/0/0"), "{lan2}");
    let pc1 = net.find("PC1").unwrap();
    assert!(
        net.exec(pc1, "ping 192.168.2.10").contains("Received = 4")
            || net.exec(pc1, "ping 192.168.2.10").contains("Received = 4")
    );

    // R2's switch port dies. R1's own link stays up: it learns from R2's new
    // router-LSA, flooded round by R3, and its dead timer removes R2 in the end.
    let sw1 = net.find("SW1").unwrap();
    for line in ["enable", "conf t", "int g0/2", "shutdown", "end"] {
        net.type_line(sw1, line);
    }
    let cut = net.now();
    let moved = |net: &mut wirelab::net::Network| routes_to(net, "R1", "192.168.2.0").contains("via 10.0.13.3");
    let mut when = None;
    for _ in 0..45 {
        net.run_for(Duration::from_secs(1));
        if moved(&mut net) {
            when = Some(net.now().since(cut).secs());
            break;
        }
    }
    // Flooding takes milliseconds; SPF waits 5 s after a change, as IOS XE 16.9 does.
    let when = when.expect("traffic moves to R3 within the dead interval");
    assert!((5..=7).contains(&when), "moved after {when} s");
    net.run_until(cut + Duration::from_secs(41));
    let log = net.take_console(r1);
    assert!(log.contains("from FULL to DOWN, Neighbor Down: Dead timer expired"), "{log}");
    let lan2 = routes_to(&mut net, "R1", "192.168.2.0");
    assert!(lan2.contains("[110/66] via 10.0.13.3"), "one gigabit hop and the serial line: {lan2}");
    assert!(net.exec(pc1, "ping 192.168.2.10").contains("Reply from 192.168.2.10"));

    // The port comes back: the shorter path returns once the adjacency is FULL again.
    for line in ["conf t", "int g0/2", "no shutdown", "end"] {
        net.type_line(sw1, line);
    }
    let back = net.now();
    let mut when = None;
    for _ in 0..120 {
        net.run_for(Duration::from_secs(1));
        if routes_to(&mut net, "R1", "192.168.2.0").contains("via 10.0.12.2") {
            when = Some(net.now().since(back).secs());
            break;
        }
    }
    // The switch port forwards after 30 s of spanning tree, then the routers meet again.
    let when = when.expect("the path through the switch returns");
    assert!(when <= 90, "returned after {when} s");
}

#[test]
fn a_default_route_out_of_an_ethernet_interface_works_through_proxy_arp() {
    let (_, mut net) = boot(&read("tests/labs/two-routers.ron"));
    let t = transcript(
        &mut net,
        "@R1\nen\nconf t\nip route 0.0.0.0 0.0.0.0 g0/0/0\nend\n@R2\nen\nconf t\nip route 192.168.1.0 255.255.255.0 10.0.12.1\nend\n@PC1\nping 192.168.2.10\n@R1\nshow ip arp\n",
    );
    assert!(
        t.contains("%Default route without gateway, if not a point-to-point interface, may impact performance"),
        "{t}"
    );
    assert!(section(&t, "C:\\>ping").contains("Reply from 192.168.2.10"), "{t}");
    // R1 asked for the destination itself, and R2 answered for it.
    let arp = section(&t, "R1#show ip arp");
    let r2_mac = arp.lines().find(|l| l.contains("10.0.12.2 ")).unwrap().split_whitespace().nth(3).unwrap().to_string();
    let proxied = arp.lines().find(|l| l.contains("192.168.2.10 ")).expect("R1 ARPed for the PC");
    assert!(proxied.contains(&r2_mac), "answered with R2's MAC: {arp}");

    // Without proxy ARP on R2, the same route goes nowhere.
    let (_, mut net) = boot(&read("tests/labs/two-routers.ron"));
    let t = transcript(
        &mut net,
        "@R1\nen\nconf t\nip route 0.0.0.0 0.0.0.0 g0/0/0\nend\n@R2\nen\nconf t\nip route 192.168.1.0 255.255.255.0 10.0.12.1\nint g0/0/0\nno ip proxy-arp\nend\nshow running-config interface g0/0/0\n@PC1\nping 192.168.2.10\n",
    );
    assert!(t.contains(" no ip proxy-arp\n"), "{t}");
    assert!(!section(&t, "C:\\>ping").contains("Reply from 192.168.2.10"), "{t}");
}

const HSRP: &str = "@R1\nen\nconf t\nint g0/0/0\nstandby version 2\nstandby 1 ip 192.168.1.254\nstandby 1 priority 150\nstandby 1 preempt\nend\n@R2\nen\nconf t\nint g0/0/0\nstandby version 2\nstandby 1 ip 192.168.1.254\nend\n@wait 60\n";

#[test]
fn hsrp_elects_an_active_gateway_and_fails_over_within_the_hold_time() {
    let (_, mut net) = boot(&read("tests/labs/hsrp.ron"));
    transcript(&mut net, HSRP);
    let (r1, r2, pc) = (net.find("R1").unwrap(), net.find("R2").unwrap(), net.find("PC1").unwrap());
    let log1 = net.take_console(r1);
    assert!(log1.contains("%HSRP-5-STATECHANGE: GigabitEthernet0/0/0 Grp 1 state Standby -> Active"), "{log1}");
    let brief = net.exec(r1, "show standby brief");
    assert!(
        brief.contains("Gi0/0/0     1    150 P Active  local           192.168.1.3     192.168.1.254\n"),
        "{brief}"
    );
    let brief2 = net.exec(r2, "show standby brief");
    assert!(
        brief2.contains("Gi0/0/0     1    100   Standby 192.168.1.2     local           192.168.1.254\n"),
        "{brief2}"
    );
    let full = net.exec(r1, "show standby");
    assert!(full.contains("GigabitEthernet0/0/0 - Group 1 (version 2)\n  State is Active\n"), "{full}");
    assert!(full.contains("  Active virtual MAC address is 0000.0c9f.f001 (MAC In Use)\n"), "{full}");
    // The PC reaches the far side through the virtual gateway.
    let ping = net.exec(pc, "ping 8.8.8.8");
    assert!(ping.contains("Reply from 8.8.8.8"), "{ping}");
    let arp = net.exec(pc, "arp -a");
    assert!(arp.contains("192.168.1.254         0000.0c9f.f001"), "{arp}");

    // R1's LAN port fails: R2 takes over when R1's hellos stop for the hold time.
    for line in ["conf t", "int g0/0/0", "shutdown", "end"] {
        net.type_line(r1, line);
    }
    let cut = net.now();
    let (mut when, mut seen) = (None, String::new());
    for _ in 0..15 {
        net.run_for(Duration::from_secs(1));
        seen.push_str(&net.exec(r2, "show standby brief"));
        if seen.contains(" Active  local") {
            when = Some(net.now().since(cut).secs());
            break;
        }
    }
    let when = when.expect("R2 becomes active");
    assert!((8..=11).contains(&when), "took over after {when} s");
    assert!(seen.contains("%HSRP-5-STATECHANGE: GigabitEthernet0/0/0 Grp 1 state Standby -> Active"), "{seen}");
    // The PC keeps the same gateway MAC; the switch learns its new port from R2's announcement.
    net.run_for(Duration::from_secs(10));
    let ping = net.exec(pc, "ping 8.8.8.8");
    assert!(ping.contains("Reply from 8.8.8.8"), "{ping}");

    // R1 returns and, with preempt, takes the role back.
    for line in ["conf t", "int g0/0/0", "no shutdown", "end"] {
        net.type_line(r1, line);
    }
    net.run_for(Duration::from_secs(60));
    assert!(net.exec(r1, "show standby brief").contains(" Active  local"));
    let config = net.exec(r1, "show running-config interface g0/0/0");
    assert!(
        config
            .contains(" standby version 2\n standby 1 ip 192.168.1.254\n standby 1 priority 150\n standby 1 preempt\n"),
        "{config}"
    );
}

/// RIPv2 along a chain (R3 keeps auto-summary and originates a default):
/// hop counts, the summary, the default; a lost LAN is flashed as
/// unreachable and shown "possibly down" at once, and the same neighbour
/// brings it back when it returns.
#[test]
fn rip_learns_summarises_and_holds_a_lost_network_down() {
    let (_, mut net) = boot(&read("tests/labs/rip-chain.ron"));
    transcript(&mut net, &read("tests/labs/rip-chain.script"));
    let r1 = net.find("R1").unwrap();
    let table = net.exec(r1, "show ip route rip");
    assert!(table.contains("R*    0.0.0.0/0 [120/2] via 10.0.12.2, "), "{table}");
    assert!(table.contains("R        10.0.23.0/30 [120/1] via 10.0.12.2, "), "{table}");
    assert!(table.contains("R     172.16.0.0/16 [120/2] via 10.0.12.2, "), "auto-summary at R3: {table}");
    assert!(table.contains("Gateway of last resort is 10.0.12.2 to network 0.0.0.0"), "{table}");
    let db = net.exec(r1, "show ip rip database");
    assert!(db.contains("192.168.1.0/24    directly connected, GigabitEthernet0/0/1\n"), "{db}");
    assert!(db.contains("172.16.0.0/16\n    [2] via 10.0.12.2, "), "{db}");
    let pc1 = net.find("PC1").unwrap();
    let ping = net.exec(pc1, "ping 172.16.3.10") + &net.exec(pc1, "ping 172.16.3.10");
    assert!(ping.contains("Reply from 172.16.3.10"), "{ping}");
    // R2 says nothing to R1 about R1's own LAN (split horizon), and R1's LAN is passive.
    let r2 = net.find("R2").unwrap();
    net.type_line(r2, "enable");
    assert!(net.exec(r2, "show ip route rip").contains("R     192.168.1.0/24 [120/1] via 10.0.12.1, "));

    let r3 = net.find("R3").unwrap();
    for line in ["conf t", "int g0/0/1", "shutdown", "end"] {
        net.type_line(r3, line);
    }
    net.run_for(Duration::from_secs(1));
    let table = net.exec(r1, "show ip route rip");
    assert!(
        table.contains("R     172.16.0.0/16 is possibly down, routing via 10.0.12.2, GigabitEthernet0/0/0"),
        "the flash update poisons the summary within a second: {table}"
    );
    assert!(net.exec(r1, "show ip rip database").contains("172.16.0.0/16\n    [16] via 10.0.12.2, "));
    for line in ["conf t", "int g0/0/1", "no shutdown", "end"] {
        net.type_line(r3, line);
    }
    net.run_for(Duration::from_secs(1));
    assert!(net.exec(r1, "show ip route rip").contains("R     172.16.0.0/16 [120/2] via 10.0.12.2, 00:00:0"));
}

/// R3 stops RIP without a word (`no router rip`): R2's invalid timer
/// (180 s after the last update) makes R3's routes possibly down, and the
/// flush timer (240 s) removes them.
#[test]
fn rip_routes_time_out_then_flush() {
    let (_, mut net) = boot(&read("tests/labs/rip-chain.ron"));
    transcript(&mut net, &read("tests/labs/rip-chain.script"));
    let (r2, r3) = (net.find("R2").unwrap(), net.find("R3").unwrap());
    for line in ["conf t", "no router rip", "end"] {
        net.type_line(r3, line);
    }
    let gone = net.now();
    let default_route = |net: &mut wirelab::net::Network| {
        net.exec(r2, "show ip route rip").lines().find(|l| l.contains("0.0.0.0/0")).unwrap_or("").to_string()
    };
    // R2 last heard R3 at most one update interval (30 s) before it fell silent.
    net.run_until(gone + Duration::from_secs(149));
    assert!(default_route(&mut net).contains("[120/1] via 10.0.23.2"), "{}", default_route(&mut net));
    net.run_until(gone + Duration::from_secs(185));
    assert!(default_route(&mut net).contains("is possibly down"), "{}", default_route(&mut net));
    net.run_until(gone + Duration::from_secs(241));
    assert_eq!(default_route(&mut net), "", "flushed");
}

/// The routing protocols tell the trace what they decided, in words: each
/// OSPF neighbour state, each route given to or taken from the table, each
/// HSRP role.
#[test]
fn routing_decisions_reach_the_trace() {
    let (_, mut net) = boot(&read("tests/labs/rip-chain.ron"));
    net.enable_trace(1 << 16, false);
    transcript(&mut net, &read("tests/labs/rip-chain.script"));
    let r3 = net.find("R3").unwrap();
    for line in ["conf t", "int g0/0/1", "shutdown", "end"] {
        net.type_line(r3, line);
    }
    net.run_for(Duration::from_secs(2));
    let lines: Vec<String> = net
        .trace_lines()
        .iter()
        .filter(|l| l.kind == "decided" && l.protocol == "RIP")
        .map(|l| format!("{} {}", l.device, l.text))
        .collect();
    let text = lines.join("\n");
    assert!(text.contains("R1 RIP learned 172.16.0.0/16 via 10.0.12.2 (GigabitEthernet0/0/0), metric 2"), "{text}");
    assert!(text.contains("R1 RIP: 172.16.0.0/16 is possibly down"), "{text}");

    let (_, mut net) = boot(&read("tests/labs/ospf-triangle.ron"));
    net.enable_trace(1 << 18, false);
    transcript(&mut net, &read("tests/labs/ospf-triangle.script"));
    let text: String = net
        .trace_lines()
        .iter()
        .filter(|l| l.protocol == "OSPF")
        .map(|l| format!("{} {}\n", l.device, l.text))
        .collect();
    for state in ["from DOWN to INIT", "from INIT to 2WAY", "from EXCHANGE to LOADING", "from LOADING to FULL"] {
        assert!(text.contains(state), "no OSPF neighbour went {state}");
    }
    assert!(text.contains("R1 OSPF learned 192.168.2.0/24 via 10.0.12.2 (GigabitEthernet0/0/0), metric 2"), "{text}");

    let (_, mut net) = boot(&read("tests/labs/hsrp.ron"));
    net.enable_trace(1 << 16, false);
    transcript(&mut net, "@R1\nen\nconf t\nint g0/0/0\nstandby 1 ip 192.168.1.254\nend\n@wait 25\n");
    let text: String = net
        .trace_lines()
        .iter()
        .filter(|l| l.protocol == "HSRP" && l.kind == "decided")
        .map(|l| format!("{} {}\n", l.device, l.text))
        .collect();
    assert!(text.contains("R1 HSRP group 1 on GigabitEthernet0/0/0 went from Standby to Active"), "{text}");
}

/// OSPF typed the ways CCNA students type it: a router-id set before any
/// neighbour takes effect at once; `ip ospf N area A` alone creates the
/// process; a subnet mask in a `network` statement is taken as wildcard
/// bits turned round; a discontiguous wildcard is refused; `log-adjacency-changes
/// detail` logs every step.
#[test]
fn ospf_configuration_as_students_type_it() {
    let (_, mut net) = boot(&read("tests/labs/two-routers.ron"));
    let out = transcript(
        &mut net,
        "@R1\nen\nconf t\nrouter ospf 10\nrouter-id 1.1.1.1\nlog-adjacency-changes detail\nnetwork 10.0.0.0 0.255.255.0 area 0\nnetwork 10.0.12.0 255.255.255.0 area 0\nend\n@R2\nen\nconf t\nint g0/0/0\nip ospf 1 area 0\nend\n@wait 60\n",
    );
    assert!(!out.contains("Reload or use"), "no neighbour yet: the ID applies at once\n{out}");
    assert!(
        out.contains(
            "network 10.0.0.0 0.255.255.0 area 0\nOSPF: Invalid address/mask combination (discontiguous mask)\n"
        ),
        "{out}"
    );
    let (r1, r2) = (net.find("R1").unwrap(), net.find("R2").unwrap());
    let log = net.take_console(r1);
    let run = net.exec(r1, "show running-config | section router ospf");
    assert!(
        run.contains(" log-adjacency-changes detail\n") && run.contains(" network 10.0.12.0 0.0.0.255 area 0\n"),
        "{run}"
    );
    assert!(
        net.exec(r2, "show running-config | section router ospf").contains("router ospf 1"),
        "created by ip ospf 1 area 0"
    );
    let nbrs = net.exec(r2, "show ip ospf neighbor");
    assert!(nbrs.contains("1.1.1.1") && nbrs.contains("FULL/"), "{nbrs}");
    for step in [
        "from DOWN to INIT, Received Hello",
        "from INIT to 2WAY, 2-Way Received",
        "from EXCHANGE to LOADING, Exchange Done",
        "from LOADING to FULL, Loading Done",
    ] {
        assert!(log.contains(step), "no `{step}` in\n{log}");
    }
    // With a neighbour, a new router-id waits for `clear ip ospf process`.
    let out = transcript(&mut net, "@R1\nconf t\nrouter ospf 10\nrouter-id 9.9.9.9\nend\n");
    assert!(out.contains("% OSPF: Reload or use \"clear ip ospf process\" command, for this to take effect"), "{out}");
}

/// HSRP: a router without `standby timers` takes the active router's; a
/// virtual IP that differs from the active router's is logged once.
#[test]
fn hsrp_learns_timers_and_warns_of_a_different_virtual_ip() {
    let (_, mut net) = boot(&read("tests/labs/hsrp.ron"));
    transcript(
        &mut net,
        "@R1\nen\nconf t\nint g0/0/0\nstandby 1 ip 192.168.1.254\nstandby 1 priority 150\nstandby 1 timers 1 3\nend\n@R2\nen\nconf t\nint g0/0/0\nstandby 1 ip 192.168.1.253\nend\n@wait 40\n",
    );
    let r2 = net.find("R2").unwrap();
    let log = net.take_console(r2);
    let warning = "%HSRP-4-DIFFVIP1: GigabitEthernet0/0/0 Grp 1 active routers virtual IP address 192.168.1.254 is different to the locally configured address 192.168.1.253";
    assert_eq!(log.matches(warning).count(), 1, "{log}");
    assert!(net.exec(r2, "show standby").contains("Hello time 1 sec, hold time 3 sec"));
    assert!(!net.exec(r2, "show running-config").contains("standby 1 timers"), "learned, not configured");
}

#[test]
fn secondary_addresses_route_between_two_subnets_on_one_wire() {
    let (_, mut net) = boot(
        r#"Lab(
    title: "secondary",
    devices: [
        Device(name: "R1", model: Router, at: (0.0, 0.0), config: "hostname R1\ninterface g0/0/0\n ip address 192.168.1.1 255.255.255.0\n ip address 192.168.2.1 255.255.255.0 secondary\n no shutdown"),
        Device(name: "S1", model: Switch, at: (0.0, 100.0), config: "hostname S1"),
        Device(name: "PC1", model: Pc, at: (-50.0, 200.0), config: "ipconfig 192.168.1.10 255.255.255.0 192.168.1.1"),
        Device(name: "PC2", model: Pc, at: (50.0, 200.0), config: "ipconfig 192.168.2.10 255.255.255.0 192.168.2.1"),
    ],
    links: [("R1:G0/0/0", "S1:G0/1"), ("S1:F0/1", "PC1:F0"), ("S1:F0/2", "PC2:F0")],
)"#,
    );
    let r1 = net.find("R1").unwrap();
    net.exec(r1, "enable");
    let config = net.exec(r1, "show running-config interface g0/0/0");
    assert!(
        config.contains(" ip address 192.168.2.1 255.255.255.0 secondary\n ip address 192.168.1.1 255.255.255.0\n"),
        "{config}"
    );
    let routes = net.exec(r1, "show ip route");
    for line in [
        "C        192.168.1.0/24 is directly connected, GigabitEthernet0/0/0",
        "L        192.168.1.1/32 is directly connected, GigabitEthernet0/0/0",
        "C        192.168.2.0/24 is directly connected, GigabitEthernet0/0/0",
        "L        192.168.2.1/32 is directly connected, GigabitEthernet0/0/0",
    ] {
        assert!(routes.contains(line), "{line}\n{routes}");
    }
    // The gateway on the secondary subnet answers, and routes back out of the
    // same interface to the primary's subnet.
    let pc2 = net.find("PC2").unwrap();
    assert!(net.exec(pc2, "ping 192.168.2.1").contains("Received = 4"));
    net.exec(pc2, "ping 192.168.1.10");
    let ping = net.exec(pc2, "ping 192.168.1.10");
    assert!(ping.contains("Received = 4"), "{ping}");
    // Replies from the router's secondary address come from that address.
    assert!(net.exec(pc2, "tracert -d 192.168.1.10").contains("192.168.2.1"));
    // `no ip address` takes every address; the subnets leave the table.
    for line in ["conf t", "interface g0/0/0", "no ip address 192.168.2.1 255.255.255.0 secondary", "end"] {
        net.type_line(r1, line);
    }
    assert!(!net.exec(r1, "show ip route").contains("192.168.2.0/24"));
}

/// IPv4 ICMP echo requests in a pcap file.
fn echo_requests(pcap: &[u8]) -> usize {
    let mut at = 24;
    let mut n = 0;
    while at + 16 <= pcap.len() {
        let len = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        let frame = &pcap[at + 16..(at + 16 + len).min(pcap.len())];
        if frame.len() > 34 && frame[12..14] == [0x08, 0x00] && frame[23] == 1 && frame[34] == 8 {
            n += 1;
        }
        at += 16 + len;
    }
    n
}

#[test]
fn equal_cost_routes_share_load_per_destination() {
    let loopbacks: String =
        (0..8).map(|k| format!("interface loopback {k}\n ip address 10.9.{k}.1 255.255.255.0\n")).collect();
    let (_, mut net) = boot(&format!(
        r#"Lab(
    title: "ecmp",
    devices: [
        Device(name: "R1", model: Router, at: (0.0, 0.0), config: "hostname R1\ninterface g0/0/0\n ip address 10.0.12.1 255.255.255.252\n no shutdown\ninterface g0/0/1\n ip address 10.0.21.1 255.255.255.252\n no shutdown\nip route 10.9.0.0 255.255.0.0 10.0.12.2\nip route 10.9.0.0 255.255.0.0 10.0.21.2"),
        Device(name: "R2", model: Router, at: (200.0, 0.0), config: "hostname R2\ninterface g0/0/0\n ip address 10.0.12.2 255.255.255.252\n no shutdown\ninterface g0/0/1\n ip address 10.0.21.2 255.255.255.252\n no shutdown\n{}"),
    ],
    links: [("R1:G0/0/0", "R2:G0/0/0"), ("R1:G0/0/1", "R2:G0/0/1")],
)"#,
        loopbacks.replace('\n', "\\n")
    ));
    let r1 = net.find("R1").unwrap();
    net.exec(r1, "enable");
    let route = net.exec(r1, "show ip route 10.9.0.0");
    let table = net.exec(r1, "show ip route");
    assert!(
        table.contains("S        10.9.0.0/16 [1/0] via 10.0.12.2\n                     [1/0] via 10.0.21.2"),
        "{table}\n{route}"
    );
    // ARP resolves both next hops first (IOS drops the packet that starts it).
    for k in 0..8 {
        net.exec(r1, &format!("ping 10.9.{k}.1"));
    }
    net.enable_capture();
    for k in 0..8 {
        let ping = net.exec(r1, &format!("ping 10.9.{k}.1"));
        assert!(ping.contains("Success rate is 100 percent"), "{ping}");
    }
    let captures = net.captures();
    let on = |port: &str| {
        captures
            .iter()
            .filter(|(name, _)| name.starts_with(&format!("R1-{port}")))
            .map(|(_, p)| echo_requests(p.bytes()))
            .sum::<usize>()
    };
    let (first, second) = (on("Gi0-0-0"), on("Gi0-0-1"));
    assert_eq!(first + second, 40, "five echoes to each of 8 destinations");
    // Each destination's echoes all take one path (per-destination sharing);
    // the destinations spread over both.
    assert!(first % 5 == 0 && second % 5 == 0 && first > 0 && second > 0, "{first} / {second}");
}
