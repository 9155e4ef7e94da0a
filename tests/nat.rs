//! NAT across devices: PAT for a LAN behind one outside address, a static
//! translation that publishes a server, a port forward, a dynamic pool, the
//! translations' timeouts, and packets valid on both sides of the router.

mod common;
use common::*;

use std::net::Ipv4Addr;

use wirelab::net::Network;

fn lab() -> Network {
    boot(&read("tests/labs/nat.ron")).1
}

const PAT_AND_STATIC: &str = "@R1
enable
configure terminal
access-list 1 permit 192.168.10.0 0.0.0.255
ip nat inside source list 1 interface g0/0/1 overload
ip nat inside source static 192.168.10.254 209.165.200.229
interface g0/0/0
 ip nat inside
interface g0/0/1
 ip nat outside
end
";

#[test]
fn pat_puts_two_hosts_behind_one_address_on_different_ports_and_answers_reach_each() {
    let mut net = lab();
    net.enable_capture();
    let t = transcript(
        &mut net,
        &format!("{PAT_AND_STATIC}@PC1\ncurl http://198.51.100.10/\n@PC2\ncurl http://198.51.100.10/\n@R1\nshow ip nat translations\n"),
    );
    assert_eq!(t.matches("Welcome to this server").count(), 2, "both pages came back: {t}");
    let outside = net.captures().into_iter().find(|(n, _)| n.contains("ISP")).unwrap().1.bytes().to_vec();
    let syns: Vec<_> = pcap_ipv4(&outside).into_iter().filter(|p| p.2 == 6 && p.4 == 80).collect();
    assert!(syns.iter().all(|p| p.0 == Ipv4Addr::new(209, 165, 200, 225)), "one outside address: {syns:?}");
    let ports: std::collections::BTreeSet<u16> = syns.iter().map(|p| p.3).collect();
    assert_eq!(ports.len(), 2, "two source ports: {ports:?}");
    assert!(
        !pcap_ipv4(&outside).iter().any(|p| p.0.octets()[0] == 192 || p.1.octets()[0] == 192),
        "no private address outside"
    );
    let shown = section(&t, "R1#show ip nat translations");
    assert!(shown.contains("tcp 209.165.200.225:"), "{shown}");
    assert!(shown.contains(" 192.168.10.10:") && shown.contains(" 192.168.10.11:"), "{shown}");
    assert!(shown.contains("--- 209.165.200.229    192.168.10.254     ---                ---\n"), "{shown}");
}

#[test]
fn a_static_translation_publishes_the_server_and_a_port_forward_reaches_another() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        &format!(
            "{PAT_AND_STATIC}@R1\nconfigure terminal\nip nat inside source static tcp 192.168.10.11 8080 209.165.200.230 80\nend\n@REMOTE\ncurl http://209.165.200.229/\nping 209.165.200.229\ncurl http://209.165.200.230/\n@R1\nshow ip nat translations\n"
        ),
    );
    let remote = section(&t, "@REMOTE");
    assert!(remote.contains("Welcome to this server"), "the web server by its global address: {remote}");
    assert!(remote.contains("Reply from 209.165.200.229: bytes=32"), "{remote}");
    // PC2 listens on no port 8080: its reset comes back through the forward.
    assert!(remote.contains("curl: (7) Failed to connect to 209.165.200.230 port 80"), "{remote}");
    let shown = section(&t, "R1#show ip nat translations");
    assert!(shown.contains("tcp 209.165.200.230:80 192.168.10.11:8080 "), "{shown}");
}

#[test]
fn a_pool_gives_one_address_per_host_and_runs_out() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1
enable
configure terminal
access-list 1 permit 192.168.10.0 0.0.0.255
ip nat pool PUBLIC 209.165.200.229 209.165.200.229 netmask 255.255.255.248
ip nat inside source list 1 pool PUBLIC
interface g0/0/0
 ip nat inside
interface g0/0/1
 ip nat outside
end
@PC1
ping -n 4 198.51.100.10
@PC2
ping -n 4 198.51.100.10
@R1
show ip nat translations
show ip nat statistics
",
    );
    assert!(section(&t, "@PC1").contains("Reply from 198.51.100.10"), "{t}");
    assert!(!section(&t, "@PC2").contains("Reply from 198.51.100.10"), "the pool's one address is taken: {t}");
    let shown = section(&t, "R1#show ip nat translations");
    assert!(shown.contains("--- 209.165.200.229    192.168.10.10      ---                ---\n"), "{shown}");
    let stats = section(&t, "R1#show ip nat statistics");
    assert!(stats.contains("[Id: 1] access-list 1 pool PUBLIC refcount"), "{stats}");
    assert!(stats.contains("\ttype generic, total addresses 1, allocated 1 (100%), misses 4\n"), "{stats}");
}

#[test]
fn translations_time_out_and_clear_empties_the_table() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        &format!(
            "{PAT_AND_STATIC}@PC1\nping -n 1 198.51.100.10\n@R1\nshow ip nat translations\n@wait 61\nshow ip nat translations\n@PC1\ncurl http://198.51.100.10/\n@R1\nclear ip nat translation *\nshow ip nat translations\n"
        ),
    );
    let tables: Vec<&str> = t.match_indices("R1#show ip nat translations").map(|(i, _)| &t[i..]).collect();
    assert!(tables[0].lines().nth(2).unwrap().starts_with("icmp 209.165.200.225:1 "), "{}", tables[0]);
    assert!(
        tables[1].lines().nth(2).unwrap().starts_with("--- 209.165.200.229"),
        "the echo's entry is gone after 60 s: {}",
        tables[1]
    );
    assert!(
        tables[2].lines().nth(2).unwrap().starts_with("--- 209.165.200.229"),
        "cleared, the static stays: {}",
        tables[2]
    );
}

#[test]
fn a_configured_timeout_replaces_the_default() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        &format!(
            "{PAT_AND_STATIC}@R1\nconfigure terminal\nip nat translation icmp-timeout 10\nend\n@PC1\nping -n 1 198.51.100.10\n@wait 11\n@R1\nshow ip nat translations\nshow running-config | include translation\n"
        ),
    );
    let table = section(&t, "R1#show ip nat translations");
    assert!(!table.contains("icmp "), "gone after 10 s: {table}");
    assert!(t.contains("\nip nat translation icmp-timeout 10\n"), "{t}");
}
