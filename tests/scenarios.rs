//! Whole scenarios from lab files and scripts, checked on what the terminals show.

mod common;
use common::*;

#[test]
fn two_lans_through_one_router() {
    let (_, _, t) = run_files("labs/two-lans.ron", "labs/two-lans.solution.txt");
    let ping = section(&t, "C:\\>ping 192.168.2.10");
    // The first echo is lost while the router resolves PC2; the rest come back through one router.
    assert!(ping.contains("Pinging 192.168.2.10 with 32 bytes of data:\n\nRequest timed out.\nReply from 192.168.2.10: bytes=32 time<1ms TTL=127\n"), "{ping}");
    assert!(ping.contains("Packets: Sent = 4, Received = 3, Lost = 1 (25% loss),"));
    let brief = section(&t, "R1#show ip interface brief");
    assert!(brief.contains("GigabitEthernet0/0/0   192.168.1.1     YES manual up                    up\n"));
    assert!(brief.contains("GigabitEthernet0/0/2   unassigned      YES unset  administratively down down\n"));
    let ios_ping = section(&t, "R1#ping 192.168.2.10");
    assert!(ios_ping.contains("Type escape sequence to abort.\nSending 5, 100-byte ICMP Echos to 192.168.2.10, timeout is 2 seconds:\n!!!!!\nSuccess rate is 100 percent (5/5), round-trip min/avg/max = 0/0/0 ms\n"), "{ios_ping}");
}

#[test]
fn first_routed_ping_from_ios_loses_one_echo_to_arp() {
    let (_, mut net) = boot(&read("labs/two-lans.ron"));
    let t = transcript(
        &mut net,
        "@R1\nen\nconf t\nint g0/0/0\nip add 192.168.1.1 255.255.255.0\nno shut\nint g0/0/1\nip add 192.168.2.1 255.255.255.0\nno shut\nend\n@wait 35\n@R1\nping 192.168.2.10\nping 192.168.2.10\n",
    );
    let first = section(&t, "R1#ping 192.168.2.10");
    assert!(first.contains("\n.!!!!\nSuccess rate is 80 percent (4/5)"), "{first}");
    let second = &first[20..];
    assert!(section(second, "R1#ping").contains("\n!!!!!\nSuccess rate is 100 percent (5/5)"));
}

#[test]
fn three_routers_static_default_and_floating_routes() {
    let (_, _, t) = run_files("tests/labs/three-routers.ron", "tests/labs/three-routers.script");
    let ping = section(&t, "C:\\>ping 10.3.3.30");
    assert!(ping.contains("Reply from 10.3.3.30: bytes=32 time<1ms TTL=125"), "three router hops: {ping}");
    let trace = section(&t, "C:\\>tracert 10.3.3.30");
    assert!(trace.contains("  1   0 ms      0 ms      0 ms      10.1.1.1\n  2   0 ms      0 ms      0 ms      10.0.12.2\n  3   0 ms      0 ms      0 ms      10.0.23.2\n  4   0 ms      0 ms      0 ms      10.3.3.30\n\nTrace complete."), "{trace}");
    // The primary is installed; the floating route waits.
    let statics = section(&t, "R1#show ip route static");
    let statics = &statics[..statics.find("@R2").unwrap()];
    // The parent line counts every subnet of the table, not only the static
    // ones (as in real captures of `show ip route ospf` on IOS XE 16.9).
    assert!(
        statics.contains(
            "      10.0.0.0/8 is variably subnetted, 7 subnets, 3 masks\nS        10.3.3.0/24 [1/0] via 10.0.12.2\n"
        ),
        "{statics}"
    );
    assert!(!statics.contains("[5/0]"));
    let r3 = section(&t, "R3#show ip route");
    assert!(r3.contains("Gateway of last resort is 0.0.0.0 to network 0.0.0.0\n\nS*    0.0.0.0/0 is directly connected, Serial0/1/0\n"), "{r3}");
    // R2 goes down: R1 sees its link drop and the floating route takes over.
    let after = section(&t, "R2(config-if-range)#shutdown");
    assert!(after.contains("%LINK-3-UPDOWN: Interface GigabitEthernet0/0/1, changed state to down"));
    assert!(section(after, "R1#show ip route static").contains("S        10.3.3.0/24 [5/0] via 10.0.13.2\n"));
    let ping2 = section(after, "C:\\>ping 10.3.3.30");
    assert!(ping2.contains("Reply from 10.3.3.30: bytes=32 time<1ms TTL=126\n"), "two hops over the backup: {ping2}");
    let trace2 = section(after, "C:\\>tracert 10.3.3.30");
    assert!(
        trace2
            .contains("  2   0 ms      0 ms      0 ms      10.0.13.2\n  3   0 ms      0 ms      0 ms      10.3.3.30\n"),
        "{trace2}"
    );
    // With no route left, R1 answers unreachable.
    let gone = section(&t, "R1#show ip route 10.3.3.0");
    assert!(gone.contains("% Network not in table"));
    assert!(section(gone, "C:\\>ping").contains("Reply from 10.1.1.1: Destination net unreachable."));
}

#[test]
fn routing_loop_ends_in_ttl_expired() {
    let (_, _, t) = run_files("tests/labs/routing-loop.ron", "tests/labs/routing-loop.script");
    let ping = section(&t, "C:\\>ping 10.9.9.9");
    assert!(ping.contains("Reply from 10.0.12.2: TTL expired in transit."), "{ping}");
    let local = section(&t, "C:\\>ping 10.1.1.99");
    assert!(local.contains("Reply from 10.1.1.10: Destination host unreachable."), "{local}");
    let ios = section(&t, "R1>ping 10.9.9.9");
    assert!(ios.contains("&&&&&\nSuccess rate is 0 percent (0/5)\n"), "{ios}");
}

#[test]
fn host_without_gateway_cannot_leave_its_subnet() {
    let (_, mut net) = boot(&read("labs/two-lans.ron"));
    let t = transcript(&mut net, "@PC1\nipconfig 192.168.1.10 255.255.255.0\nping -n 2 192.168.2.10\nipconfig\n");
    assert!(t.contains("PING: transmit failed. General failure."), "{t}");
    assert!(t.contains("   IPv4 Address....................: 192.168.1.10\n   Subnet Mask.....................: 255.255.255.0\n   Default Gateway.................: ::\n                                     0.0.0.0\n"));
}

#[test]
fn unknown_command_at_a_host_prompt_is_windows_wording() {
    let (_, mut net) = boot(&read("labs/two-lans.ron"));
    let t = transcript(&mut net, "@PC1\nshow ip route\n");
    assert!(t.contains("'show' is not recognized as an internal or external command,\noperable program or batch file."));
}
