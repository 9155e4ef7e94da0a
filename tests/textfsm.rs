//! Our OSPF show commands read by the parsers network engineers use on real
//! routers: the ntc-templates TextFSM templates (vendored, Apache-2.0, in
//! tests/fixtures/ntc-templates with their SOURCES.md) through Python's
//! `textfsm`. A lab of two areas runs to FULL (R1 the border router, R2 the
//! boundary router with a static default it originates, R3 in area 1, R4 a
//! priority-0 router on the backbone LAN); each command's output is parsed
//! and the records must say what the lab is.
//!
//! Without `textfsm` the test says why it skipped, except in CI (`CI` set),
//! where it fails: CI installs it.

mod common;
use common::*;

use std::io::Write;
use std::process::{Command, Stdio};

use serde_json::Value;
use wirelab::cli::Terminal;
use wirelab::net::Network;
use wirelab::sim::Duration;

const FIXTURES: &str = "tests/fixtures/ntc-templates";

/// Parse `text` with a template; `None` when textfsm is not available.
fn parse(template: &str, text: &str) -> Option<Vec<Value>> {
    let dir = root().join(FIXTURES);
    let child = Command::new("python3")
        .arg(dir.join("parse.py"))
        .arg(dir.join(template))
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let mut child = match child {
        Ok(c) => c,
        Err(e) => return unavailable(&format!("python3 cannot be run: {e}")),
    };
    child.stdin.take().expect("stdin").write_all(text.as_bytes()).expect("write to python3");
    let out = child.wait_with_output().expect("python3 runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    if out.status.code() == Some(3) {
        return unavailable(stderr.trim());
    }
    assert!(out.status.success(), "{template} failed on:\n{text}\n{stderr}");
    let records: Value = serde_json::from_slice(&out.stdout).expect("JSON from parse.py");
    Some(records.as_array().expect("a list of records").clone())
}

fn unavailable(why: &str) -> Option<Vec<Value>> {
    if std::env::var_os("CI").is_some() {
        panic!("the TextFSM check needs Python's textfsm in CI: {why}");
    }
    eprintln!("skipping the TextFSM check: {why} (pip install textfsm)");
    None
}

/// What the device prints for one command, and nothing else.
fn output(net: &mut Network, device: &str, command: &str) -> String {
    let id = net.find(device).expect("device");
    net.take_console(id);
    net.type_line(id, command);
    net.run_while_busy(id, Duration::from_secs(10));
    net.take_console(id)
}

/// The records' values of some fields, one tuple-like string per record.
fn fields(records: &[Value], names: &[&str]) -> Vec<String> {
    records
        .iter()
        .map(|r| names.iter().map(|n| r[*n].as_str().unwrap_or("?")).collect::<Vec<_>>().join(" | "))
        .collect()
}

fn sorted(mut v: Vec<String>) -> Vec<String> {
    v.sort();
    v
}

#[test]
fn ntc_templates_parse_the_ospf_show_commands() {
    let (_, mut net) = boot(&read("tests/labs/ospf-areas.ron"));
    net.run_for(Duration::from_secs(90));
    for d in ["R1", "R2", "R3", "R4"] {
        output(&mut net, d, "enable");
    }

    // show ip ospf neighbor, on the border router: the DR, a DROTHER, a p2p neighbour.
    let text = output(&mut net, "R1", "show ip ospf neighbor");
    let Some(neighbors) = parse("cisco_ios_show_ip_ospf_neighbor.textfsm", &text) else { return };
    assert_eq!(
        fields(&neighbors, &["neighbor_id", "priority", "state", "ip_address", "interface"]),
        [
            "2.2.2.2 | 1 | FULL/DR | 10.0.0.2 | GigabitEthernet0/0/0",
            "4.4.4.4 | 0 | FULL/DROTHER | 10.0.0.4 | GigabitEthernet0/0/0",
            "3.3.3.3 | 0 | FULL/  - | 10.1.13.2 | Serial0/1/0",
        ],
        "{text}"
    );
    for n in &neighbors {
        let dead = n["dead_time"].as_str().unwrap();
        let secs: Vec<u64> = dead.split(':').map(|p| p.parse().unwrap()).collect();
        assert!(secs[0] == 0 && secs[1] == 0 && (30..=40).contains(&secs[2]), "dead time {dead}");
    }
    // The priority-0 router sees the DR and the BDR.
    let text = output(&mut net, "R4", "show ip ospf neighbor");
    let records = parse("cisco_ios_show_ip_ospf_neighbor.textfsm", &text).expect("parsed");
    assert_eq!(
        fields(&records, &["neighbor_id", "state", "ip_address"]),
        ["1.1.1.1 | FULL/BDR | 10.0.0.1", "2.2.2.2 | FULL/DR | 10.0.0.2"],
        "{text}"
    );

    // show ip ospf interface brief
    let text = output(&mut net, "R1", "show ip ospf interface brief");
    let records = parse("cisco_ios_show_ip_ospf_interface_brief.textfsm", &text).expect("parsed");
    assert_eq!(
        fields(
            &records,
            &["interface", "process", "area", "ip_address", "prefix_length", "cost", "state", "neighbors_fc"]
        ),
        [
            "Lo0 | 1 | 0 | 1.1.1.1 | 32 | 1 | LOOP | 0/0",
            "Gi0/0/0 | 1 | 0 | 10.0.0.1 | 24 | 1 | BDR | 2/2",
            "Se0/1/0 | 1 | 1 | 10.1.13.1 | 30 | 64 | P2P | 1/1",
        ],
        "{text}"
    );
    let text = output(&mut net, "R3", "show ip ospf interface brief");
    let records = parse("cisco_ios_show_ip_ospf_interface_brief.textfsm", &text).expect("parsed");
    assert_eq!(
        fields(&records, &["interface", "area", "state", "neighbors_fc"]),
        ["Lo0 | 1 | LOOP | 0/0", "Se0/1/0 | 1 | P2P | 1/1", "Gi0/0/0 | 1 | DR | 0/0"],
        "{text}"
    );

    // show ip ospf database: both areas of the border router, and the type-5 default.
    let text = output(&mut net, "R1", "show ip ospf database");
    let records = parse("cisco_ios_show_ip_ospf_database.textfsm", &text).expect("parsed");
    // (The template clears its filled-down router ID and area at the type-5 header.)
    let in_areas = records.iter().filter(|r| r["tag"] == "");
    assert!(in_areas.clone().count() == 12, "{text}");
    assert!(in_areas.into_iter().all(|r| r["router_id"] == "1.1.1.1" && r["process_id"] == "1"), "{text}");
    let lsas = sorted(fields(&records, &["area", "link_id", "adv_router", "link_count", "tag"]));
    let expected = sorted(
        [
            // Router LSAs: R1 has its loopback and the transit LAN in area 0;
            // R2 and R4 the LAN; R1 and R3 the serial line (p2p + stub) in area 1,
            // R3 its loopback and passive LAN too.
            "0 | 1.1.1.1 | 1.1.1.1 | 2 | ",
            "0 | 2.2.2.2 | 2.2.2.2 | 1 | ",
            "0 | 4.4.4.4 | 4.4.4.4 | 1 | ",
            // The LAN's network LSA, by its DR (R2).
            "0 | 10.0.0.2 | 2.2.2.2 |  | ",
            // Area 1 summarised into the backbone.
            "0 | 3.3.3.3 | 1.1.1.1 |  | ",
            "0 | 10.1.13.0 | 1.1.1.1 |  | ",
            "0 | 192.168.3.0 | 1.1.1.1 |  | ",
            "1 | 1.1.1.1 | 1.1.1.1 | 2 | ",
            "1 | 3.3.3.3 | 3.3.3.3 | 4 | ",
            // The backbone summarised into area 1, and the ASBR-summary of R2.
            "1 | 1.1.1.1 | 1.1.1.1 |  | ",
            "1 | 10.0.0.0 | 1.1.1.1 |  | ",
            "1 | 2.2.2.2 | 1.1.1.1 |  | ",
            // The type-5 default of `default-information originate`, tag 1.
            " | 0.0.0.0 | 2.2.2.2 |  | 1",
        ]
        .map(String::from)
        .to_vec(),
    );
    assert_eq!(lsas, expected, "{text}");

    // show ip route on R3 (area 1): O IA from the backbone, O*E2 from R2.
    let text = output(&mut net, "R3", "show ip route");
    let records = parse("cisco_ios_show_ip_route.textfsm", &text).expect("parsed");
    let ospf: Vec<String> =
        fields(&records, &["protocol", "type", "network", "mask", "distance", "metric", "nexthop_ip", "nexthop_if"])
            .into_iter()
            .filter(|r| r.starts_with("O "))
            .collect();
    assert_eq!(
        ospf,
        [
            "O | E2 | 0.0.0.0 | 0 | 110 | 1 | 10.1.13.1 | Serial0/1/0",
            "O | IA | 1.1.1.1 | 32 | 110 | 65 | 10.1.13.1 | Serial0/1/0",
            "O | IA | 10.0.0.0 | 24 | 110 | 65 | 10.1.13.1 | Serial0/1/0",
        ],
        "{text}"
    );
    // On R2 (backbone): O for R1's loopback, O IA for area 1; its own default is static.
    let text = output(&mut net, "R2", "show ip route");
    let records = parse("cisco_ios_show_ip_route.textfsm", &text).expect("parsed");
    let routes: Vec<String> =
        fields(&records, &["protocol", "type", "network", "mask", "distance", "metric", "nexthop_ip"]);
    for want in [
        "S |  | 0.0.0.0 | 0 | 1 | 0 | 203.0.113.2",
        "O |  | 1.1.1.1 | 32 | 110 | 2 | 10.0.0.1",
        "O | IA | 3.3.3.3 | 32 | 110 | 66 | 10.0.0.1",
        "O | IA | 10.1.13.0 | 30 | 110 | 65 | 10.0.0.1",
        "O | IA | 192.168.3.0 | 24 | 110 | 66 | 10.0.0.1",
    ] {
        assert!(routes.iter().any(|r| r == want), "no `{want}` in {routes:#?}\n{text}");
    }
    // `show ip route ospf` keeps the header the template needs.
    let text = output(&mut net, "R3", "show ip route ospf");
    let records = parse("cisco_ios_show_ip_route.textfsm", &text).expect("parsed");
    assert_eq!(records.len(), 3, "{text}");
}

#[test]
fn ntc_templates_parse_show_access_lists() {
    let (_, mut net) = boot(&read("tests/labs/acl.ron"));
    for line in [
        "enable",
        "configure terminal",
        "access-list 10 deny host 192.168.10.10",
        "access-list 10 permit 192.168.10.0 0.0.0.255",
        "ip access-list extended LAN1-IN",
        "deny tcp 192.168.10.0 0.0.0.255 any eq telnet",
        "permit icmp any any",
        "permit tcp any host 192.168.20.254 eq www",
        "interface g0/0/0",
        "ip access-group LAN1-IN in",
        "end",
    ] {
        output(&mut net, "R1", line);
    }
    output(&mut net, "PC1", "ping 192.168.20.254");
    let text = output(&mut net, "R1", "show access-lists");
    let Some(records) = parse("cisco_ios_show_access-list.textfsm", &text) else { return };
    assert_eq!(
        fields(&records, &["name", "sn", "action", "protocol", "source", "destination", "modifier"]),
        [
            "10 | 10 | deny |  | 192.168.10.10 |  | ",
            "10 | 20 | permit |  | 192.168.10.0, wildcard bits 0.0.0.255 |  | ",
            "LAN1-IN | 10 | deny | tcp | 192.168.10.0 0.0.0.255 | any | eq telnet",
            "LAN1-IN | 20 | permit | icmp | any | any | ",
            "LAN1-IN | 30 | permit | tcp | any | host 192.168.20.254 | eq www",
        ],
        "{text}"
    );
    assert!(text.contains("    20 permit icmp any any (4 matches)\n"), "{text}");
}

#[test]
fn ntc_templates_parse_show_ip_interface() {
    let (_, mut net) = boot(&read("tests/labs/acl.ron"));
    for line in [
        "enable",
        "configure terminal",
        "interface g0/0/0",
        "ip address 192.168.11.1 255.255.255.0 secondary",
        "ip helper-address 192.168.20.254",
        "ip helper-address 192.168.20.253",
        "ip access-group LAN1-IN in",
        "interface g0/0/1",
        "ip access-group 10 out",
        "end",
    ] {
        output(&mut net, "R1", line);
    }
    let text = output(&mut net, "R1", "show ip interface");
    let Some(records) = parse("cisco_ios_show_ip_interface.textfsm", &text) else { return };
    let row = |r: &Value| {
        let list = |k: &str| {
            r[k].as_array()
                .map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(","))
                .unwrap_or_default()
        };
        format!(
            "{} | {} | {} | {} | {} | {} | {} | {} | {}",
            r["interface"].as_str().unwrap_or("?"),
            r["link_status"].as_str().unwrap_or("?"),
            r["protocol_status"].as_str().unwrap_or("?"),
            list("ip_address"),
            list("prefix_length"),
            r["mtu"].as_str().unwrap_or("?"),
            list("ip_helper"),
            r["inbound_acl"].as_str().unwrap_or("?"),
            r["outgoing_acl"].as_str().unwrap_or("?"),
        )
    };
    let rows: Vec<String> = records.iter().map(row).collect();
    assert_eq!(
        rows[..3],
        [
            "GigabitEthernet0/0/0 | up | up | 192.168.10.1,192.168.11.1 | 24,24 | 1500 | 192.168.20.254,192.168.20.253 | LAN1-IN | ",
            "GigabitEthernet0/0/1 | up | up | 192.168.20.1 | 24 | 1500 |  |  | 10",
            "GigabitEthernet0/0/2 | administratively down | down |  |  |  |  |  | ",
        ],
        "{text}"
    );
    assert_eq!(records.len(), 5, "every interface: {text}");
}

#[test]
fn ntc_templates_parse_show_ip_nat_translations() {
    let (_, mut net) = boot(&read("tests/labs/nat.ron"));
    for line in [
        "enable",
        "configure terminal",
        "access-list 1 permit 192.168.10.0 0.0.0.255",
        "ip nat inside source list 1 interface g0/0/1 overload",
        "ip nat inside source static 192.168.10.254 209.165.200.229",
        "interface g0/0/0",
        "ip nat inside",
        "interface g0/0/1",
        "ip nat outside",
        "end",
    ] {
        output(&mut net, "R1", line);
    }
    output(&mut net, "PC1", "ping -n 3 198.51.100.10");
    let text = output(&mut net, "R1", "show ip nat translations");
    let Some(records) = parse("cisco_ios_show_ip_nat_translations.textfsm", &text) else { return };
    assert_eq!(
        fields(
            &records,
            &[
                "protocol",
                "inside_global_ip",
                "inside_global_port",
                "inside_local_ip",
                "inside_local_port",
                "outside_local_ip",
                "outside_global_ip"
            ]
        ),
        [
            "icmp | 209.165.200.225 | 1 | 192.168.10.10 | 1 | 198.51.100.10 | 198.51.100.10",
            "--- | 209.165.200.229 |  | 192.168.10.254 |  | --- | ---",
        ],
        "{text}"
    );
}

/// The IPv6 show commands, read by ntc-templates: `show ipv6 interface
/// brief`, `show ipv6 route` and `show ipv6 neighbors` on the IPv6 static
/// routing lab once its reference solution has run.
#[test]
fn ntc_templates_parse_the_ipv6_show_commands() {
    let (_, mut net) = boot(&read("labs/ipv6-static-routing.ron"));
    transcript(&mut net, &read("labs/ipv6-static-routing.solution.txt"));
    output(&mut net, "R2", "enable");

    let text = output(&mut net, "R2", "show ipv6 interface brief");
    let Some(records) = parse("cisco_ios_show_ipv6_interface_brief.textfsm", &text) else { return };
    let rows: Vec<String> = records
        .iter()
        .map(|r| {
            let addrs: Vec<&str> = r["ip_address"].as_array().unwrap().iter().filter_map(|a| a.as_str()).collect();
            format!(
                "{} | {} | {} | {}",
                r["interface"].as_str().unwrap(),
                r["admin"].as_str().unwrap(),
                r["protocol"].as_str().unwrap(),
                addrs.join(" ")
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            "GigabitEthernet0/0/0 | administratively down | down | unassigned",
            "GigabitEthernet0/0/1 | up | up | FE80::2 2001:DB8:ACAD:23::2",
            "GigabitEthernet0/0/2 | administratively down | down | unassigned",
            "Serial0/1/0 | up | up | FE80::2 2001:DB8:ACAD:12::2",
            "Serial0/1/1 | administratively down | down | unassigned",
        ],
        "{text}"
    );

    let text = output(&mut net, "R2", "show ipv6 route");
    let Some(records) = parse("cisco_ios_show_ipv6_route.textfsm", &text) else { return };
    assert_eq!(
        fields(&records, &["protocol", "network", "distance", "metric", "nexthop_ip", "nexthop_if"]),
        [
            "S | 2001:DB8:ACAD:1::/64 | 1 | 0 | 2001:DB8:ACAD:12::1 | ",
            "S | 2001:DB8:ACAD:3::/64 | 1 | 0 | FE80::3 | GigabitEthernet0/0/1",
            "C | 2001:DB8:ACAD:12::/64 | 0 | 0 |  | Serial0/1/0",
            "L | 2001:DB8:ACAD:12::2/128 | 0 | 0 |  | Serial0/1/0",
            "C | 2001:DB8:ACAD:23::/64 | 0 | 0 |  | GigabitEthernet0/0/1",
            "L | 2001:DB8:ACAD:23::2/128 | 0 | 0 |  | GigabitEthernet0/0/1",
            "L | FF00::/8 | 0 | 0 |  | Null0",
        ],
        "{text}"
    );

    output(&mut net, "R3", "enable");
    let text = output(&mut net, "R3", "show ipv6 neighbors");
    let Some(records) = parse("cisco_ios_show_ipv6_neighbors.textfsm", &text) else { return };
    let pc3 = fields(&records, &["address", "age", "type", "interface"]);
    assert!(pc3.contains(&"2001:DB8:ACAD:3::10 | 0 | REACH | Gi0/0/0".to_string()), "{text}\n{pc3:?}");
    assert!(pc3.iter().any(|r| r.starts_with("FE80::2 | ") && r.ends_with(" | Gi0/0/1")), "{text}\n{pc3:?}");
}
