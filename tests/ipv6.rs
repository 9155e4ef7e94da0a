//! IPv6 across devices: SLAAC from a router's advertisements, static routes
//! over Ethernet and serial links, the neighbour cache over simulated time,
//! duplicate address detection, pings and traceroutes from hosts and IOS.

mod common;
use common::*;

use wirelab::cli::Terminal;
use wirelab::net::Network;
use wirelab::sim::Duration;

/// The lines of `show ipv6 neighbors` for an address.
fn neighbor_line(net: &mut Network, router: &str, addr: &str) -> String {
    let id = net.find(router).unwrap();
    let out = net.exec(id, "show ipv6 neighbors");
    out.lines().find(|l| l.starts_with(addr)).unwrap_or_else(|| panic!("{addr} not in\n{out}")).to_string()
}

#[test]
fn a_slaac_host_reaches_a_server_two_routers_away_and_the_cache_ages() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    let pc = net.find("PC1").unwrap();
    let ipconfig = net.exec(pc, "ipconfig");
    // The EUI-64 of PC1's MAC in R1's advertised prefix, and R1 as gateway.
    let mac = net.device(pc).ports[0].mac.0;
    let global = format!(
        "2001:DB8:ACAD:1:{:X}:{:X}FF:FE{:X}:{:X}",
        (u16::from(mac[0] ^ 2) << 8) | u16::from(mac[1]),
        mac[2],
        mac[3],
        (u16::from(mac[4]) << 8) | u16::from(mac[5])
    );
    assert!(ipconfig.contains(&format!("IPv6 Address....................: {global}\n")), "{ipconfig}");
    assert!(ipconfig.contains("Default Gateway.................: FE80::1\n"), "{ipconfig}");

    let ping = net.exec(pc, "ping 2001:db8:acad:2::10");
    assert!(ping.contains("Reply from 2001:db8:acad:2::10: time"), "{ping}");
    assert!(ping.contains("Received = 4"), "{ping}");
    let trace = net.exec(pc, "tracert 2001:db8:acad:2::10");
    assert!(trace.contains("2001:db8:acad:1::1\n") && trace.contains("2001:db8:acad:12::2\n"), "{trace}");

    // R1 confirmed PC1 by its own solicitation a moment ago: REACH, then
    // STALE once the reachable time (30 s) has passed with no news.
    let r1 = net.find("R1").unwrap();
    net.exec(r1, "enable");
    let reach = neighbor_line(&mut net, "R1", &global);
    assert!(reach.contains(" REACH Gi0/0/0"), "{reach}");
    net.run_for(Duration::from_secs(31));
    let stale = neighbor_line(&mut net, "R1", &global);
    assert!(stale.contains(" STALE Gi0/0/0"), "{stale}");
    // Used again, it is checked (DELAY, then PROBE) and confirmed.
    net.exec(r1, "ping 2001:db8:acad:1:0:0:0:0");
    net.exec(pc, "ping -n 1 2001:db8:acad:1::1");
    net.run_for(Duration::from_secs(7));
    let back = neighbor_line(&mut net, "R1", &global);
    assert!(back.contains(" REACH ") || back.contains(" STALE "), "{back}");
}

#[test]
fn ios_pings_and_traces_over_a_serial_link_with_ios_wording() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    let r1 = net.find("R1").unwrap();
    net.exec(r1, "enable");
    let ping = net.exec(r1, "ping ipv6 2001:db8:acad:2::10");
    assert!(
        ping.contains("Sending 5, 100-byte ICMP Echos to 2001:DB8:ACAD:2::10, timeout is 2 seconds:\n!!!!!"),
        "{ping}"
    );
    let trace = net.exec(r1, "traceroute 2001:db8:acad:2::10");
    assert!(trace.contains("Tracing the route to 2001:DB8:ACAD:2::10\n\n  1 2001:DB8:ACAD:12::2 "), "{trace}");
    assert!(trace.contains("  2 2001:DB8:ACAD:2::10 "), "{trace}");
    // No route: the router says so at once.
    let nowhere = net.exec(r1, "ping 2001:db8:ffff::1");
    assert!(nowhere.contains("Success rate is 0 percent (0/5)"), "{nowhere}");
    // R2 has no route at all there: IOS says so after the first probe.
    let r2 = net.find("R2").unwrap();
    net.exec(r2, "enable");
    let nowhere = net.exec(r2, "ping 2001:db8:ffff::1");
    assert!(
        nowhere.ends_with(
            "timeout is 2 seconds:\n\n% No valid route for destination\nSuccess rate is 0 percent (0/1)\n\n"
        ),
        "{nowhere}"
    );
    // A probe to one of a router's own addresses is answered from that address.
    let trace = net.exec(r2, "traceroute 2001:db8:acad:1::1");
    assert!(trace.contains("\n  1 2001:DB8:ACAD:1::1 ") && !trace.contains("\n  2 "), "{trace}");
    // `show ipv6 route static` counts the whole table in its header.
    let statics = net.exec(r2, "show ipv6 route static");
    let all = net.exec(r2, "show ipv6 route");
    assert_eq!(statics.lines().next(), all.lines().next());
    // IPv6 lines follow the physical settings in the running-config.
    let run = net.exec(r2, "show running-config");
    assert!(run.contains(" speed auto\n ipv6 address"), "{run}");
}

#[test]
fn show_ipv6_route_and_interfaces_follow_the_configuration() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    let r2 = net.find("R2").unwrap();
    for line in ["enable", "conf t", "ipv6 route 2001:db8:acad:99::/64 2001:db8:acad:12::1 200", "interface g0/0/1"] {
        net.type_line(r2, line);
    }
    for line in ["ipv6 address 2001:db8:acad:7::/64 eui-64", "ipv6 nd other-config-flag", "end"] {
        net.type_line(r2, line);
    }
    let route = net.exec(r2, "show ipv6 route static");
    // A floating static route (distance 200) is the only one to its prefix: installed.
    assert!(route.contains("S   2001:DB8:ACAD:99::/64 [200/0]\n     via 2001:DB8:ACAD:12::1\n"), "{route}");
    let brief = net.exec(r2, "show ipv6 interface brief");
    assert!(brief.contains("GigabitEthernet0/0/1   [up/up]\n    FE80::2\n"), "{brief}");
    assert!(brief.contains(" [EUI]"), "{brief}");
    // A shut interface's addresses wait, tentative.
    assert!(brief.contains("GigabitEthernet0/0/2   [administratively down/down]\n    unassigned\n"), "{brief}");
    let detail = net.exec(r2, "show ipv6 interface g0/0/1");
    assert!(detail.contains("Hosts use DHCP to obtain other configuration."), "{detail}");
    let run = net.exec(r2, "show running-config | include ipv6");
    for line in [
        "ipv6 unicast-routing",
        " ipv6 address 2001:DB8:ACAD:7::/64 eui-64",
        " ipv6 nd other-config-flag",
        "ipv6 route 2001:DB8:ACAD:99::/64 2001:DB8:ACAD:12::1 200",
    ] {
        assert!(run.lines().any(|l| l == line), "missing `{line}` in\n{run}");
    }
    // A link-local next hop needs its interface, as on IOS.
    net.type_line(r2, "conf t");
    net.type_line(r2, "ipv6 route ::/0 fe80::1");
    let refused = net.take_console(r2);
    assert!(refused.contains("% Interface has to be specified for a link-local nexthop"), "{refused}");
}

#[test]
fn a_duplicate_address_is_detected_and_not_used() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    let r1 = net.find("R1").unwrap();
    for line in ["enable", "conf t", "interface g0/0/0", "ipv6 address 2001:db8:acad:1::10/64", "end"] {
        net.type_line(r1, line);
    }
    net.run_for(Duration::from_secs(2));
    let pc = net.find("PC1").unwrap();
    net.exec(pc, "ipv6config 2001:db8:acad:1::10/64 fe80::1");
    net.run_for(Duration::from_secs(2));
    let ipconfig = net.exec(pc, "ipconfig");
    // PC1 checked the address, R1 defended it: PC1 does not use it.
    assert!(!ipconfig.contains("IPv6 Address....................: 2001:DB8:ACAD:1::10\n"), "{ipconfig}");
    let brief = net.exec(r1, "show ipv6 interface brief");
    assert!(brief.contains("    2001:DB8:ACAD:1::10\n"), "R1 keeps it: {brief}");
}

#[test]
fn dhcpv6_stateless_on_the_lan_and_stateful_through_a_relay() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-dhcp.ron"));
    // PC1: SLAAC for the address (A flag), DHCPv6 for DNS and domain (O flag).
    let pc1 = net.find("PC1").unwrap();
    let all = net.exec(pc1, "ipconfig /all");
    assert!(all.contains("IPv6 Address....................: 2001:DB8:ACAD:1:"), "{all}");
    assert!(all.contains("DNS Servers.....................: 2001:DB8:ACAD:1::254\n"), "{all}");
    assert!(all.contains("Connection-specific DNS Suffix..: stateless.com\n"), "{all}");
    // PC3: no SLAAC (the prefix has no A flag), an address from R1's pool
    // through R2's relay (M flag), R2 as gateway.
    let pc3 = net.find("PC3").unwrap();
    let all = net.exec(pc3, "ipconfig /all");
    assert!(all.contains("IPv6 Address....................: 2001:DB8:ACAD:3:AAA:"), "{all}");
    assert!(all.contains("Default Gateway.................: FE80::2\n"), "{all}");
    assert!(net.exec(pc3, "ping 2001:db8:acad:1::1").contains("Received = 4"));
    let r1 = net.find("R1").unwrap();
    net.exec(r1, "enable");
    let pools = net.exec(r1, "show ipv6 dhcp pool");
    assert!(pools.contains("DHCPv6 pool: STATELESS\n  DNS server: 2001:DB8:ACAD:1::254\n  Domain name: stateless.com\n  Active clients: 1\n"), "{pools}");
    assert!(pools.contains("(1 in use, 0 conflicts)"), "{pools}");
    let binding = net.exec(r1, "show ipv6 dhcp binding");
    let leased = all
        .lines()
        .find(|l| l.trim_start().starts_with("IPv6 Address"))
        .unwrap()
        .rsplit(' ')
        .next()
        .unwrap()
        .to_string();
    assert!(binding.contains(&format!("    Address: {leased}\n")), "{binding}\n{leased}");
    // Saved and reloaded, the host keeps asking DHCPv6 the same way.
    net.exec(pc3, "ipv6config dhcp");
    let r2 = net.find("R2").unwrap();
    net.exec(r2, "enable");
    let run = net.exec(r2, "show running-config | include ipv6");
    assert!(run.contains(" ipv6 dhcp relay destination 2001:DB8:ACAD:2::1 GigabitEthernet0/0/1\n"), "{run}");
    assert!(run.contains(" ipv6 nd prefix default no-autoconfig\n"), "{run}");
}

#[test]
fn an_ipv6_access_list_filters_what_it_says_and_counts_it() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    let r2 = net.find("R2").unwrap();
    for line in [
        "enable",
        "conf t",
        "ipv6 access-list NO-PING",
        "deny icmp any 2001:db8:acad:2::/64 echo-request log",
        "sequence 15 deny tcp host 2001:db8:acad:1::10 any eq www",
        "permit ipv6 any any",
        "interface g0/0/1",
        "ipv6 traffic-filter NO-PING out",
        "end",
    ] {
        net.type_line(r2, line);
    }
    let pc = net.find("PC1").unwrap();
    let ping = net.exec(pc, "ping 2001:db8:acad:2::10");
    assert!(ping.contains("Reply from 2001:db8:acad:12::2: Destination net unreachable."), "{ping}");
    // A `log` entry logs its first match (then once per interval).
    let console = net.exec(r2, "");
    let logged = "%IPV6_ACL-6-ACCESSLOGDP: list NO-PING/10 denied icmpv6 2001:DB8:ACAD:1:";
    assert_eq!(console.matches(logged).count(), 1, "{console}");
    // The router itself is not filtered by its own outbound list.
    assert!(net.exec(r2, "ping 2001:db8:acad:2::10").contains("!!!!!"));

    let shown = net.exec(r2, "show ipv6 access-list NO-PING");
    assert!(shown.starts_with("IPv6 access list NO-PING\n"), "{shown}");
    assert!(
        shown.contains("    deny icmp any 2001:DB8:ACAD:2::/64 echo-request log (4 matches) sequence 10\n"),
        "{shown}"
    );
    assert!(shown.contains("    deny tcp host 2001:DB8:ACAD:1::10 any eq www sequence 15\n"), "{shown}");
    let run = net.exec(r2, "show running-config");
    assert!(
        run.contains(
            "ipv6 access-list NO-PING\n deny icmp any 2001:DB8:ACAD:2::/64 echo-request log\n sequence 15 deny tcp host 2001:DB8:ACAD:1::10 any eq www\n permit ipv6 any any\n"
        ),
        "{run}"
    );
    assert!(run.contains(" ipv6 traffic-filter NO-PING out\n"), "{run}");
    // A route out of an interface the router does not have is refused.
    for line in ["conf t", "ipv6 route 2001:db8:ffff::/48 GigabitEthernet0/0/9"] {
        net.type_line(r2, line);
    }
    let console = net.exec(r2, "end");
    assert!(console.contains("%Invalid interface"), "{console}");
    // With nothing permitted, the router's own packets still leave: an
    // outbound list filters what it routes, not what it sends.
    for line in ["conf t", "ipv6 access-list NO-PING", "no permit ipv6 any any", "end"] {
        net.type_line(r2, line);
    }
    net.run_for(Duration::from_secs(60));
    let ping = net.exec(r2, "ping 2001:db8:acad:2::10");
    assert!(ping.contains("!!!!!"), "{ping}");
    // `no ipv6 traffic-filter NAME` without a direction takes it off both ways.
    for line in
        ["conf t", "interface g0/0/1", "ipv6 traffic-filter NO-PING in", "no ipv6 traffic-filter NO-PING", "end"]
    {
        net.type_line(r2, line);
    }
    assert!(!net.exec(r2, "show running-config").contains("traffic-filter"));
}

#[test]
fn an_ios_interface_takes_its_address_from_dhcpv6() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-dhcp.ron"));
    let r2 = net.find("R2").unwrap();
    for line in ["enable", "conf t", "interface g0/0/1", "ipv6 address dhcp", "end"] {
        net.type_line(r2, line);
    }
    net.run_for(Duration::from_secs(5));
    let brief = net.exec(r2, "show ipv6 interface brief");
    assert!(brief.contains("    2001:DB8:ACAD:3:AAA:"), "{brief}");
    let r1 = net.find("R1").unwrap();
    net.exec(r1, "enable");
    let binding = net.exec(r1, "show ipv6 dhcp binding");
    assert!(binding.contains("Client: FE80::2\n  DUID: 00030001"), "{binding}");
    for line in ["conf t", "interface g0/0/1", "no ipv6 address dhcp", "end"] {
        net.type_line(r2, line);
    }
    let brief = net.exec(r2, "show ipv6 interface brief");
    assert!(!brief.contains("2001:DB8:ACAD:3:AAA:"), "the lease goes with the command: {brief}");
    // ... and the server hears it given back.
    net.run_for(Duration::from_secs(1));
    let binding = net.exec(r1, "show ipv6 dhcp binding");
    assert!(!binding.contains("Client: FE80::2\n"), "{binding}");
}

#[test]
fn ra_suppress_stops_periodic_adverts_but_suppress_all_stops_answers_too() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    let r1 = net.find("R1").unwrap();
    let pc = net.find("PC1").unwrap();
    let setup = |net: &mut Network, line: &str| {
        for l in ["enable", "conf t", "interface g0/0/0", line, "ipv6 nd ra interval 30", "end"] {
            net.type_line(r1, l);
        }
    };
    // Periodic adverts off: a host that asks (ipv6config autoconfig sends a solicitation) still gets its prefix.
    setup(&mut net, "ipv6 nd ra suppress");
    net.exec(pc, "ipv6config 2001:db8:acad:1::77/64 fe80::1");
    net.exec(pc, "ipv6config autoconfig");
    net.run_for(Duration::from_secs(3));
    let ipconfig = net.exec(pc, "ipconfig");
    assert!(ipconfig.contains("IPv6 Address....................: 2001:DB8:ACAD:1:"), "{ipconfig}");
    // All adverts off: the host asks and hears nothing.
    setup(&mut net, "ipv6 nd ra suppress all");
    net.exec(pc, "ipv6config 2001:db8:acad:1::77/64 fe80::1");
    net.exec(pc, "ipv6config autoconfig");
    net.run_for(Duration::from_secs(12));
    assert!(net.exec(pc, "ipconfig").contains("IPv6 Address....................: ::\n"));
    let run = net.exec(r1, "show running-config interface g0/0/0");
    assert!(run.contains(" ipv6 nd ra interval 30\n ipv6 nd ra suppress all\n"), "{run}");
}

#[test]
fn dhcpv6_clients_on_unplugged_links_wait_without_spinning() {
    // A PC and a router asking DHCPv6 on links with no cable: their
    // clients cannot send, so they must not ask to be woken either.
    let lab = r#"Lab(
    title: "unplugged", instructions: "", seed: 1,
    devices: [
        Device(name: "R1", model: Router, at: (0.0, 0.0), config: "
interface GigabitEthernet0/0/0
 ipv6 address dhcp
 no shutdown
"),
        Device(name: "PC1", model: Pc, at: (100.0, 0.0), config: "ipv6config dhcp"),
    ],
    links: [],
    objectives: [],
)"#;
    let (_, mut net) = boot(lab);
    net.set_limits(wirelab::sim::Limits { max_events: 100_000 });
    net.run_for(Duration::from_secs(300));
    let stats = net.stats();
    assert!(!stats.limit_hit && stats.events < 1_000, "{} events in 300 s", stats.events);
}

#[test]
fn ospfv3_learns_the_far_lan_and_forgets_it_when_told() {
    let (_, mut net, t) = run_files("labs/dual-stack.ron", "labs/dual-stack.solution.txt");
    assert!(
        t.contains("%OSPFv3-5-ADJCHG: Process 10, IPv6, Nbr 2.2.2.2 on Serial0/1/0 from LOADING to FULL, Loading Done"),
        "{t}"
    );
    let r1 = net.find("R1").unwrap();
    let neighbors = net.exec(r1, "show ipv6 ospf neighbor");
    assert!(neighbors.contains("OSPFv3 Router with ID (1.1.1.1) (Process ID 10)"), "{neighbors}");
    assert!(neighbors.contains("\n2.2.2.2           0   FULL/  -        00:00:"), "{neighbors}");
    let brief = net.exec(r1, "show ipv6 ospf interface brief");
    assert!(brief.contains("Se0/1/0      10    0  "), "{brief}");
    let route = net.exec(r1, "show ipv6 route ospf");
    assert!(route.contains("O   2001:DB8:ACAD:B::/64 [110/65]\n     via FE80::2, Serial0/1/0\n"), "{route}");
    assert!(!route.contains("C   "), "only OSPF routes: {route}");
    let running = net.exec(r1, "show running-config");
    assert!(
        running.contains(" ipv6 ospf 10 area 0\n") && running.contains("ipv6 router ospf 10\n router-id 1.1.1.1\n")
    );

    // R2 stops advertising its LAN: R1's route goes after the next SPF.
    let r2 = net.find("R2").unwrap();
    for line in ["conf t", "interface g0/0/0", "no ipv6 ospf 10 area 0", "end"] {
        net.type_line(r2, line);
    }
    net.run_for(Duration::from_secs(30));
    let route = net.exec(r1, "show ipv6 route ospf");
    assert!(!route.contains("2001:DB8:ACAD:B::/64"), "{route}");
    let ping = net.exec(net.find("PC1").unwrap(), "ping -n 1 2001:db8:acad:b::10");
    assert!(!ping.contains("Reply from 2001:db8:acad:b::10"), "{ping}");
}

#[test]
fn ospfv3_needs_a_router_id_and_ipv6_routing() {
    let lab = r#"Lab(
    title: "v3", instructions: "", seed: 1,
    devices: [Device(name: "R1", model: Router, at: (0.0, 0.0), config: "")],
    links: [], objectives: [],
)"#;
    let (_, mut net) = boot(lab);
    let r1 = net.find("R1").unwrap();
    let t = transcript(&mut net, "@R1\nenable\nconf t\nipv6 router ospf 1\nipv6 unicast-routing\ninterface g0/0/0\nipv6 enable\nipv6 ospf 1 area 0\nno shutdown\nend\n");
    assert!(t.contains("% IPv6 routing not enabled"), "{t}");
    assert!(
        t.contains("%OSPFv3-4-NORTRID: Process OSPFv3-1-IPv6 could not pick a router-id, please configure manually"),
        "{t}"
    );
    assert!(net.exec(r1, "show ipv6 ospf neighbor").is_empty());
}

#[test]
fn a_router_interface_autoconfigures_and_takes_a_default_route_when_asked() {
    let lab = r#"Lab(
    title: "autoconfig", instructions: "", seed: 1,
    devices: [
        Device(name: "ISP", model: Router, at: (0.0, 0.0), config: "
ipv6 unicast-routing
interface GigabitEthernet0/0/0
 ipv6 address 2001:db8:acad:1::1/64
 no shutdown
"),
        Device(name: "R1", model: Router, at: (100.0, 0.0), config: "
ipv6 unicast-routing
interface GigabitEthernet0/0/0
 ipv6 address autoconfig default
 no shutdown
"),
    ],
    links: [("ISP:Gi0/0/0", "R1:Gi0/0/0")],
    objectives: [],
)"#;
    let (_, mut net) = boot(lab);
    net.run_for(Duration::from_secs(20));
    let r1 = net.find("R1").unwrap();
    net.exec(r1, "enable");
    let brief = net.exec(r1, "show ipv6 interface brief");
    assert!(brief.contains("    2001:DB8:ACAD:1:"), "{brief}");
    let route = net.exec(r1, "show ipv6 route");
    assert!(route.contains("ND  ::/0 [2/0]\n     via FE80::"), "{route}");
    assert!(net.exec(r1, "show running-config").contains(" ipv6 address autoconfig default\n"));
    // The advertising router withdraws itself: the default route goes.
    let isp = net.find("ISP").unwrap();
    for line in ["enable", "conf t", "interface g0/0/0", "ipv6 nd ra lifetime 0", "end"] {
        net.type_line(isp, line);
    }
    net.run_for(Duration::from_secs(250));
    assert!(!net.exec(r1, "show ipv6 route").contains("::/0"));
    // And without autoconfig the address goes too.
    for line in ["conf t", "interface g0/0/0", "no ipv6 address autoconfig", "end"] {
        net.type_line(r1, line);
    }
    let brief = net.exec(r1, "show ipv6 interface brief");
    assert!(!brief.contains("2001:DB8:ACAD:1:"), "{brief}");
}

#[test]
fn a_default_router_silent_past_its_lifetime_is_forgotten() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    let (r1, pc) = (net.find("R1").unwrap(), net.find("PC1").unwrap());
    assert!(net.exec(pc, "ipconfig").contains("Default Gateway.................: FE80::1"));
    // Suppressed adverts: R1 says nothing more, and its 1800 s lifetime runs out.
    for line in ["enable", "conf t", "interface g0/0/0", "ipv6 nd ra suppress all", "end"] {
        net.type_line(r1, line);
    }
    net.run_for(Duration::from_secs(1900));
    let ipconfig = net.exec(pc, "ipconfig");
    assert!(!ipconfig.contains("Default Gateway.................: FE80::1"), "{ipconfig}");
}

#[test]
fn a_routed_port_made_a_switch_port_again_stops_routing_ipv6() {
    let lab = r#"Lab(
    title: "mls", instructions: "", seed: 1,
    devices: [Device(name: "MLS1", model: L3Switch, at: (0.0, 0.0), config: "
ipv6 unicast-routing
interface GigabitEthernet1/0/1
 no switchport
 ipv6 address 2001:db8:acad:9::1/64
")],
    links: [], objectives: [],
)"#;
    let (_, mut net) = boot(lab);
    let mls = net.find("MLS1").unwrap();
    net.exec(mls, "enable");
    let brief = net.exec(mls, "show ipv6 interface brief");
    assert!(brief.contains("2001:DB8:ACAD:9::1"), "{brief}");
    for line in ["conf t", "interface g1/0/1", "switchport", "end"] {
        net.type_line(mls, line);
    }
    net.run_for(Duration::from_secs(1));
    let brief = net.exec(mls, "show ipv6 interface brief");
    assert!(!brief.contains("2001:DB8:ACAD:9::1"), "{brief}");
    assert!(net.device(mls).stack6().ifaces.iter().all(|i| !i.enabled), "IPv6 still runs on the old routed port");
}
