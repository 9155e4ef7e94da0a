//! Switching across devices: VLAN isolation, 802.1Q tags on the wire,
//! router-on-a-stick, SVIs on a switch and routing between SVIs on a
//! multilayer switch.

mod common;
use common::*;

fn vlans() -> (wirelab::lab::Lab, wirelab::net::Network, String) {
    let (lab, mut net) = boot(&read("tests/labs/vlans.ron"));
    net.enable_capture();
    let t = transcript(&mut net, &read("tests/labs/vlans.script"));
    (lab, net, t)
}

#[test]
fn vlans_isolate_and_router_on_a_stick_routes_between_them() {
    let (_, _, t) = vlans();
    let same_vlan = section(&t, "C:\\>ping 192.168.10.13");
    assert!(same_vlan.contains("Reply from 192.168.10.13: bytes=32 time<1ms TTL=128"), "across the trunk: {same_vlan}");
    // PC4 has a VLAN 10 address but sits on a VLAN 20 port: nothing reaches it.
    let isolated = section(&t, "C:\\>ping 192.168.10.14");
    assert!(isolated.contains("Reply from 192.168.10.11: Destination host unreachable."), "{isolated}");
    let routed = section(&t, "C:\\>ping 192.168.20.12");
    assert!(
        routed.contains("Reply from 192.168.20.12: bytes=32 time<1ms TTL=127"),
        "through R1's subinterfaces: {routed}"
    );
    let brief = section(&t, "Router#show ip interface brief");
    assert!(brief.contains("GigabitEthernet0/0/0.10 192.168.10.1    YES manual up                    up"), "{brief}");
    let vlan = section(&t, "Switch#show vlan brief");
    assert!(vlan.contains("10   STAFF                            active    Fa0/1\n"), "{vlan}");
    let trunk = section(&t, "Switch#show interfaces trunk");
    assert!(trunk.contains("Gi0/2       on               802.1q         trunking      1\n"), "{trunk}");
    let macs = section(&t, "Switch#show mac address-table");
    assert!(macs.contains("  20    ") && macs.contains("DYNAMIC     Fa0/2"), "{macs}");
}

#[test]
fn tags_are_on_the_trunk_and_nowhere_else() {
    let (_, net, _) = vlans();
    let caps = net.captures();
    let trunk = caps.iter().find(|(n, _)| n == "S1-Gi0-2_S2-Gi0-2").expect("trunk capture");
    let access = caps.iter().find(|(n, _)| n == "S1-Fa0-1_PC1-Fa0").expect("access capture");
    let count_tags = |bytes: &[u8]| {
        // Walk the pcap records and count 802.1Q frames.
        let mut i = 24;
        let mut n = 0;
        while i + 16 <= bytes.len() {
            let len = u32::from_le_bytes(bytes[i + 8..i + 12].try_into().unwrap()) as usize;
            let frame = &bytes[i + 16..i + 16 + len];
            if wirelab::proto::dot1q::vlan_of(frame).is_some() {
                n += 1;
            }
            i += 16 + len;
        }
        n
    };
    assert!(count_tags(trunk.1.bytes()) > 0, "VLAN 10 and 20 frames are tagged on the trunk");
    assert_eq!(count_tags(access.1.bytes()), 0, "access ports carry untagged frames");
    let Some(ids) = tshark_fields(trunk.1.bytes(), "vlan", &["vlan.id"]) else { return };
    assert!(ids.lines().any(|l| l == "10"), "{ids}");
    assert!(ids.lines().any(|l| l == "20"), "{ids}");
}

#[test]
fn a_switch_answers_on_its_svi_and_a_multilayer_switch_routes_between_svis() {
    let lab = r#"Lab(title: "svi", devices: [
        Device(name: "MLS", model: L3Switch, at: (0.0, 0.0)),
        Device(name: "S1", model: Switch, at: (0.0, 100.0)),
        Device(name: "PC1", model: Pc, at: (0.0, 200.0), config: "ipconfig 10.10.0.10 255.255.255.0 10.10.0.1"),
        Device(name: "PC2", model: Pc, at: (100.0, 200.0), config: "ipconfig 10.20.0.10 255.255.255.0 10.20.0.1"),
    ], links: [("MLS:G1/0/1", "S1:G0/1"), ("S1:F0/1", "PC1:F0"), ("S1:F0/2", "PC2:F0")])"#;
    let (_, mut net) = boot(lab);
    let t = transcript(
        &mut net,
        "@S1\nen\nconf t\nvlan 10\nvlan 20\nint f0/1\nswitchport mode access\nswitchport access vlan 10\nint f0/2\nswitchport mode access\nswitchport access vlan 20\nint g0/1\nswitchport mode trunk\nint vlan 10\nip address 10.10.0.2 255.255.255.0\nno shut\nexit\nip default-gateway 10.10.0.1\nend\n\
@MLS\nen\nconf t\nip routing\nvlan 10\nvlan 20\nint g1/0/1\nswitchport mode trunk\nint vlan 10\nip address 10.10.0.1 255.255.255.0\nno shut\nint vlan 20\nip address 10.20.0.1 255.255.255.0\nno shut\nend\n@wait 35\n@MLS\nshow ip route connected\n\
@PC1\nping 10.10.0.2\nping 10.20.0.10\n@PC2\nping 10.10.0.2\n",
    );
    let svi = section(&t, "C:\\>ping 10.10.0.2");
    assert!(svi.contains("Reply from 10.10.0.2: bytes=32"), "the switch's SVI answers: {svi}");
    assert!(
        section(&t, "C:\\>ping 10.20.0.10").contains("Reply from 10.20.0.10: bytes=32 time<1ms TTL=127"),
        "routed by the multilayer switch"
    );
    let back = section(&t, "@PC2");
    assert!(
        back.contains("Reply from 10.10.0.2: bytes=32"),
        "the switch's default gateway routes replies to another VLAN: {back}"
    );
    let routes = section(&t, "Switch#show ip route connected");
    assert!(routes.contains("C        10.20.0.0/24 is directly connected, Vlan20"), "{routes}");
}

#[test]
fn port_security_learns_sticky_addresses_and_err_disables_on_violation() {
    let (_, _, t) = run_files("tests/labs/access.ron", "tests/labs/port-security.script");
    assert!(
        t.contains("%PM-4-ERR_DISABLE: psecure-violation error detected on Fa0/2, putting Fa0/2 in err-disable state"),
        "{t}"
    );
    assert!(
        t.contains("%PORT_SECURITY-2-PSECURE_VIOLATION: Security violation occurred, caused by MAC address"),
        "{t}"
    );
    let sticky = section(&t, "S1#show running-config interface fa0/1");
    assert!(
        sticky.contains(" switchport port-security mac-address sticky 0001."),
        "the learned address is in the configuration: {sticky}"
    );
    let table = section(&t, "S1#show port-security\n");
    assert!(table.contains("      Fa0/2              1            1                  1         Shutdown"), "{table}");
    assert!(section(&t, "S1#show port-security interface fa0/1").contains("Sticky MAC Addresses       : 1"));
    assert!(section(&t, "S1#show ip interface brief | include 0/2")
        .contains("FastEthernet0/2        unassigned      YES unset  down                  down"));
}

#[test]
fn cdp_lists_neighbours_and_reports_a_native_vlan_mismatch() {
    let (_, mut net) = boot(&read("tests/labs/vlans.ron"));
    let t = transcript(
        &mut net,
        "@R1\nen\nconf t\nhostname R1\nint g0/0/0\nno shut\nend\n@S1\nen\nconf t\nhostname S1\nint g0/2\nswitchport mode trunk\nswitchport trunk native vlan 99\nend\n@S2\nen\nconf t\nhostname S2\nint g0/2\nswitchport mode trunk\nend\n@wait 65\n@S2\nshow cdp neighbors\n@S1\nshow cdp neighbors\n",
    );
    let s2 = section(&t, "S2#show cdp neighbors");
    assert!(s2.contains("Device ID         Local Intrfce Holdtme    Capability   Platform   Port ID\nS1                Gig 0/2       "), "{s2}");
    assert!(s2.contains("WS-C2960-2 Gig 0/2\n"), "{s2}");
    let s1 = section(&t, "S1#show cdp neighbors");
    assert!(s1.contains("R1                Gig 0/1") && s1.contains("R          ISR4321/K9 Gig 0/0/0"), "{s1}");
    assert!(
        t.contains("%CDP-4-NATIVE_VLAN_MISMATCH: Native VLAN mismatch discovered on GigabitEthernet0/2 (1), with S1 GigabitEthernet0/2 (99)."),
        "{t}"
    );
}

#[test]
fn lldp_runs_only_where_enabled_and_its_frames_decode() {
    let (_, mut net) = boot(&read("tests/labs/vlans.ron"));
    net.enable_capture();
    let t = transcript(
        &mut net,
        "@S1\nen\nshow lldp neighbors\nconf t\nhostname S1\nlldp run\nend\n@R1\nen\nconf t\nhostname R1\nlldp run\nint g0/0/0\nno shut\nend\n@S2\nen\nconf t\nhostname S2\nlldp run\nint g0/2\nno lldp transmit\nend\n@wait 35\n@S1\nshow lldp neighbors\n@R1\nshow lldp neighbors detail\n@S2\nshow lldp neighbors\nshow running-config | include lldp\n",
    );
    assert!(t.contains("Switch#show lldp neighbors\n% LLDP is not enabled\n"), "{t}");
    let s1 = section(&t, "S1#show lldp neighbors\nCapability");
    assert!(
        s1.contains("Device ID           Local Intf     Hold-time  Capability      Port ID\nR1                  Gi0/1          120        R               Gi0/0/0\n"),
        "{s1}"
    );
    assert!(!s1.contains("S2 "), "S2 does not transmit on Gi0/2: {s1}");
    assert!(s1.contains("Total entries displayed: 1\n"), "{s1}");
    let r1 = section(&t, "R1#show lldp neighbors detail");
    assert!(
        r1.contains("Local Intf: Gi0/0/0\n") && r1.contains("Port id: Gi0/1\n") && r1.contains("System Name: S1\n"),
        "{r1}"
    );
    assert!(r1.contains("Enabled Capabilities: B\n"), "{r1}");
    let s2 = section(&t, "S2#show lldp neighbors");
    assert!(s2.contains("S1                  Gi0/2          120        B               Gi0/2\n"), "{s2}");
    assert!(t.contains("lldp run\n") && t.contains(" no lldp transmit\n"), "{t}");

    let caps = net.captures();
    let trunk = caps.iter().find(|(n, _)| n == "S1-Gi0-2_S2-Gi0-2").expect("trunk capture");
    let Some(names) = tshark_fields(trunk.1.bytes(), "lldp", &["lldp.tlv.system.name", "lldp.port.id"]) else { return };
    assert!(names.lines().any(|l| l == "S1\tGi0/2"), "{names}");
    assert_decodes_cleanly(trunk.1.bytes());
}

/// Two switches, two links; each end's channel-group mode for both links.
fn channel(s1_mode: &str, s2_mode: &str) -> (wirelab::net::Network, String) {
    let (_, mut net) = boot(&read("tests/labs/pair.ron"));
    net.enable_capture();
    let side = |dev: &str, mode: &str| {
        format!("@{dev}\nen\nconf t\ninterface range g0/1 - 2\nchannel-group 1 mode {mode}\nexit\ninterface port-channel 1\nswitchport mode trunk\nend\n")
    };
    let script = format!(
        "{}{}@wait 40\n@S1\nshow etherchannel summary\nshow spanning-tree\nshow interfaces trunk\n@S2\nshow spanning-tree\n@PC1\nping 10.0.0.2\n",
        side("S1", s1_mode),
        side("S2", s2_mode)
    );
    let t = transcript(&mut net, &script);
    (net, t)
}

#[test]
fn etherchannel_bundles_with_lacp_and_pagp_and_spanning_tree_sees_one_port() {
    for (a, b, protocol) in [("active", "passive", "LACP"), ("active", "active", "LACP"), ("desirable", "auto", "PAgP")]
    {
        let (net, t) = channel(a, b);
        let caps = net.captures();
        let member = caps.iter().find(|(n, _)| n == "S1-Gi0-1_S2-Gi0-1").expect("member capture");
        if let Some(frames) = tshark_fields(member.1.bytes(), &protocol.to_lowercase(), &["frame.number"]) {
            assert!(!frames.is_empty(), "{protocol} frames on the wire");
            assert_decodes_cleanly(member.1.bytes());
        }
        let summary = section(&t, "S1#show etherchannel summary");
        assert!(
            summary.contains(&format!("1      Po1(SU)         {protocol:<10}Gi0/1(P)    Gi0/2(P)\n")),
            "{a}/{b}: {summary}"
        );
        let stp = section(&t, "S1#show spanning-tree");
        assert!(
            stp.contains("Po1                 Desg FWD 3 ") || stp.contains("Po1                 Root FWD 3 "),
            "{stp}"
        );
        assert!(!stp.contains("Gi0/1 ") && !stp.contains("Gi0/2 "), "members are not ports of their own: {stp}");
        assert!(section(&t, "S1#show interfaces trunk").contains("Po1         on               802.1q"), "{t}");
        assert!(t.contains("Received = 4, Lost = 0"), "{t}");
        assert!(t.contains("%LINK-3-UPDOWN: Interface Port-channel1, changed state to up"), "{t}");
    }
}

#[test]
fn etherchannel_modes_that_do_not_agree_leave_the_links_to_spanning_tree() {
    for (a, b) in [("passive", "passive"), ("auto", "auto"), ("active", "desirable")] {
        let (_, t) = channel(a, b);
        let summary = section(&t, "S1#show etherchannel summary");
        assert!(summary.contains("Po1(SD)"), "{a}/{b}: {summary}");
        assert!(!summary.contains("(P)"), "{a}/{b}: {summary}");
        // The two links are a loop again: one of the four ends blocks.
        let both = section(&t, "S1#show spanning-tree");
        let both = &both[..both.find("@PC1").unwrap()];
        assert_eq!(both.matches(" BLK ").count(), 1, "{a}/{b}: {both}");
        assert!(t.contains("Received = 4, Lost = 0"), "{t}");
    }
}

#[test]
fn etherchannel_fails_over_without_loss_and_takes_a_member_back() {
    let (mut net, _) = channel("active", "passive");
    let t = transcript(
        &mut net,
        "@S1\nconf t\nint g0/1\nshutdown\nend\n@PC1\nping -n 10 10.0.0.2\n@S1\nshow etherchannel summary\nconf t\nint g0/1\nno shutdown\nend\n@wait 5\n@S1\nshow etherchannel summary\n",
    );
    assert!(t.contains("Received = 10, Lost = 0"), "{t}");
    assert!(!t.contains("Port-channel1, changed state to down"), "{t}");
    assert!(t.contains("Po1(SU)         LACP      Gi0/1(D)    Gi0/2(P)\n"), "{t}");
    assert!(t.contains("Po1(SU)         LACP      Gi0/1(P)    Gi0/2(P)\n"), "{t}");

    let caps = net.captures();
    let link = caps.iter().find(|(n, _)| n == "S1-Gi0-2_S2-Gi0-2").expect("member capture");
    let Some(keys) = tshark_fields(link.1.bytes(), "lacp", &["lacp.actor.key"]) else { return };
    assert!(keys.lines().any(|l| l == "1"), "LACPDUs carry key 1: {keys}");
    assert_decodes_cleanly(link.1.bytes());
}

#[test]
fn dtp_negotiates_trunks_as_a_2960_does() {
    let (_, mut net) = boot(&read("tests/labs/pair.ron"));
    net.enable_capture();
    let t = transcript(
        &mut net,
        "@S2\nen\nshow interfaces gi0/1 switchport\n@S1\nen\nconf t\nint g0/1\nswitchport mode dynamic desirable\nend\n@wait 3\n@S2\nshow interfaces trunk\nshow interfaces gi0/1 switchport\n@S1\nconf t\nint g0/1\nswitchport mode dynamic auto\nint g0/2\nswitchport mode trunk\nend\n@wait 3\n@S2\nshow interfaces trunk\nshow vlan brief\n",
    );
    let first = section(&t, "S2#show interfaces gi0/1 switchport");
    assert!(first.contains("Administrative Mode: dynamic auto\nOperational Mode: static access\n"), "{first}");
    let negotiated = section(&t, "S2#show interfaces trunk");
    assert!(negotiated.contains("Gi0/1       auto             802.1q         trunking      1\n"), "{negotiated}");
    assert!(negotiated.contains("Administrative Mode: dynamic auto\nOperational Mode: trunk\n"), "{negotiated}");
    // auto with auto falls back to access; auto facing a trunk trunks.
    let last = t.rsplit("S2#show interfaces trunk").next().unwrap();
    assert!(!last.contains("Gi0/1       auto"), "{last}");
    assert!(last.contains("Gi0/2       auto             802.1q         trunking      1\n"), "{last}");
    let vlan = section(&t, "S2#show vlan brief");
    assert!(vlan.contains("Gi0/1") && !vlan.contains("Gi0/2"), "a trunk is not listed under a VLAN: {vlan}");

    let caps = net.captures();
    let link = caps.iter().find(|(n, _)| n == "S1-Gi0-1_S2-Gi0-1").expect("capture");
    let Some(statuses) = tshark_fields(link.1.bytes(), "dtp", &["dtp.tas"]) else { return };
    assert!(statuses.lines().any(|l| l == "0x03"), "a desirable hello on the wire: {statuses}");
    assert_decodes_cleanly(link.1.bytes());
}

#[test]
fn etherchannel_loses_nothing_when_a_member_is_shut_in_the_middle_of_a_ping() {
    use wirelab::cli::Terminal;
    use wirelab::proto::probe::{Kind, Pace, Silent, Spec};
    use wirelab::sim::Duration;
    // Each flow keeps to one member: shutting each member in turn, at either
    // end, certainly cuts the one carrying the echoes one way or the other.
    for end in ["S1", "S2"] {
        for member in ["g0/1", "g0/2"] {
            let (mut net, _) = channel("active", "passive");
            let pc1 = net.find("PC1").unwrap();
            let spec = Spec {
                dst: "10.0.0.2".parse().unwrap(),
                kind: Kind::Echo,
                count: 40,
                size: 32,
                timeout: Duration::from_secs(1),
                pace: Pace::Fixed { interval: Duration::from_millis(100) },
                ident: 7,
            };
            net.start_probe(pc1, spec, Box::new(Silent));
            net.run_for(Duration::from_millis(1_550));
            let sw = net.find(end).unwrap();
            for line in ["conf t", &format!("interface {member}"), "shutdown", "end"] {
                net.type_line(sw, line);
            }
            net.run_for(Duration::from_secs(5));
            let session = net.device(pc1).session.as_ref().expect("the ping session");
            assert!(session.is_done(), "{end} {member}: the ping finished");
            assert_eq!(session.replies(), 40, "{end} {member}: every echo answered");
            let console = net.take_console(sw);
            assert!(!console.contains("Port-channel1, changed state to down"), "{end} {member}: {console}");
        }
    }
}
