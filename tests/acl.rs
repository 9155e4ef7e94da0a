//! Access lists that filter, across devices: an extended list that stops
//! Telnet but lets ping and the web through the same interface, with
//! counters that match the packets on the wire; a standard list near the
//! destination; the implicit deny; `access-class` on the vty lines; `log`.

mod common;
use common::*;

use std::net::Ipv4Addr;

use wirelab::net::Network;

fn lab() -> Network {
    boot(&read("tests/labs/acl.ron")).1
}

#[test]
fn an_extended_list_stops_telnet_but_lets_ping_and_the_web_through_and_counts_them() {
    let mut net = lab();
    net.enable_capture();
    let t = transcript(
        &mut net,
        "@R1
enable
configure terminal
ip access-list extended LAN1-IN
 remark Telnet to anything is off; ping and the intranet are on
 deny TCP 192.168.10.0 0.0.0.255 ANY eq Telnet
 permit icmp any any
 permit tcp any host 192.168.20.254 eq www
interface g0/0/0
 ip access-group LAN1-IN in
end
@PC1
ping 192.168.20.254
curl http://192.168.20.254/
telnet 192.168.20.1
@R1
show access-lists
",
    );
    let pc = section(&t, "@PC1");
    assert!(pc.contains("Reply from 192.168.20.254: bytes=32"), "ping passes: {pc}");
    assert!(pc.contains("Welcome to this server"), "the web passes: {pc}");
    assert!(pc.contains("% Connection timed out; remote host not responding"), "telnet is stopped: {pc}");
    let pcap = net.captures().into_iter().find(|(n, _)| n.contains("PC1")).unwrap().1.bytes().to_vec();
    let sent = pcap_ipv4(&pcap);
    let from_pc1 = |proto: u8, port: Option<u16>| {
        sent.iter()
            .filter(|p| p.0 == Ipv4Addr::new(192, 168, 10, 10) && p.2 == proto && (port.is_none() || Some(p.4) == port))
            .count()
    };
    let (telnet, icmp, www) = (from_pc1(6, Some(23)), from_pc1(1, None), from_pc1(6, Some(80)));
    assert!(telnet >= 3 && icmp == 4 && www >= 4, "telnet {telnet}, icmp {icmp}, www {www}");
    let shown = section(&t, "R1#show access-lists");
    assert_eq!(
        shown,
        format!(
            "R1#show access-lists\nExtended IP access list LAN1-IN\n    10 deny tcp 192.168.10.0 0.0.0.255 any eq telnet ({telnet} matches)\n    20 permit icmp any any ({icmp} matches)\n    30 permit tcp any host 192.168.20.254 eq www ({www} matches)\n"
        )
    );
}

#[test]
fn a_standard_list_out_toward_the_server_lets_one_pc_in_and_turns_the_other_away() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1
enable
configure terminal
access-list 10 deny host 192.168.10.10
access-list 10 permit 192.168.10.0 0.0.0.255
interface g0/0/1
 ip access-group 10 out
end
@PC1
ping 192.168.20.254
@PC2
ping 192.168.20.254
@R1
ping 192.168.20.254
show access-lists 10
",
    );
    let pc1 = section(&t, "@PC1");
    assert!(pc1.contains("Reply from 192.168.10.1: Destination net unreachable."), "{pc1}");
    assert!(section(&t, "@PC2").contains("Reply from 192.168.20.254: bytes=32"), "{t}");
    // The router's own pings are not filtered on their way out.
    assert!(section(&t, "R1#ping").contains("!!!!!"), "{t}");
    assert!(t.contains("    10 deny   192.168.10.10 (4 matches)\n    20 permit 192.168.10.0, wildcard bits 0.0.0.255 (4 matches)\n"), "{t}");
}

#[test]
fn the_implicit_deny_stops_what_no_entry_permits_and_ios_pings_show_u() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1
enable
configure terminal
access-list 110 permit tcp any any eq www
interface g0/0/1
 ip access-group 110 in
end
@SRV1
ping 192.168.10.10
@PC1
curl http://192.168.20.254/
",
    );
    assert!(section(&t, "@SRV1").contains("Destination net unreachable."), "{t}");
    // The server's answers come from port 80, not to it: the implicit deny drops them.
    assert!(section(&t, "@PC1").contains("curl: (28)"), "{t}");
}

#[test]
fn a_list_named_but_not_defined_lets_everything_through_and_an_edit_applies_at_once() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1
enable
configure terminal
interface g0/0/0
 ip access-group NOTYET in
end
@PC1
ping -n 2 192.168.20.254
@R1
configure terminal
ip access-list extended NOTYET
 deny icmp any any
 permit ip any any
end
@PC1
ping -n 1 192.168.20.254
",
    );
    let pings: Vec<&str> = t.match_indices("C:\\>ping").map(|(i, _)| &t[i..]).collect();
    assert!(pings[0].contains("Reply from 192.168.20.254: bytes=32"), "{t}");
    assert!(pings[1].contains("Destination net unreachable."), "{t}");
}

#[test]
fn access_class_on_the_vty_lines_lets_only_the_admin_pc_log_in() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1
enable
configure terminal
ip access-list standard ADMIN
 permit host 192.168.10.11
line vty 0 4
 access-class ADMIN in
end
@PC1
telnet 192.168.10.1
@PC2
telnet 192.168.10.1
cisco
exit
",
    );
    assert!(section(&t, "@PC1").contains("Trying 192.168.10.1 ...\n% Connection refused by remote host"), "{t}");
    assert!(section(&t, "@PC2").contains("User Access Verification"), "{t}");
}

#[test]
fn a_log_entry_reports_its_first_match_on_the_console() {
    let mut net = lab();
    let t = transcript(
        &mut net,
        "@R1
enable
configure terminal
access-list 101 deny icmp host 192.168.10.10 any log
access-list 101 permit ip any any
interface g0/0/0
 ip access-group 101 in
end
@PC1
ping 192.168.20.254
@R1
show access-lists 101
clear access-list counters 101
show access-lists 101
",
    );
    let r1 = section(&t, "R1#show access-lists 101");
    assert!(
        t.contains("%SEC-6-IPACCESSLOGDP: list 101 denied icmp 192.168.10.10 -> 192.168.20.254 (8/0), 1 packet"),
        "{t}"
    );
    assert_eq!(t.matches("%SEC-6-IPACCESSLOGDP").count(), 1, "once, then a summary after five minutes: {t}");
    assert!(r1.contains("    10 deny icmp host 192.168.10.10 any log (4 matches)\n"), "{r1}");
    let cleared = section(r1, "R1#clear access-list counters 101");
    assert!(cleared.contains("    10 deny icmp host 192.168.10.10 any log\n"), "{cleared}");
}
