//! Captures open in tshark with no malformed frames and valid checksums.

mod common;
use common::*;

use std::process::Command;

/// Whether tshark can decode the captures (required in CI).
fn tshark() -> bool {
    tool_available("tshark", "the capture decode checks")
}

#[test]
fn captures_are_clean_pcaps_with_valid_checksums() {
    let (_, mut net) = boot(&read("tests/labs/three-routers.ron"));
    net.enable_capture();
    transcript(&mut net, &read("tests/labs/three-routers.script"));
    let dir = tempdir("pcap");
    let captures = net.captures();
    assert_eq!(captures.len(), 7, "one capture per cable");
    for (name, pcap) in &captures {
        std::fs::write(dir.join(format!("{name}.pcap")), pcap.bytes()).unwrap();
    }
    if !tshark() {
        return;
    }
    let mut protocols = String::new();
    for (name, pcap) in &captures {
        let file = dir.join(format!("{name}.pcap"));
        let out = Command::new("tshark")
            .arg("-r")
            .arg(&file)
            .args(["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE"])
            .args([
                "-T",
                "fields",
                "-e",
                "frame.protocols",
                "-e",
                "ip.checksum.status",
                "-e",
                "icmp.checksum.status",
                "-e",
                "_ws.malformed",
                "-e",
                "_ws.expert.severity",
            ])
            .output()
            .expect("tshark runs");
        assert!(out.status.success(), "{name}: {}", String::from_utf8_lossy(&out.stderr));
        let text = String::from_utf8_lossy(&out.stdout);
        assert_eq!(text.lines().count() as u64, pcap.frames(), "{name}: every frame decoded");
        for line in text.lines() {
            let fields: Vec<&str> = line.split('\t').collect();
            // Status 1 is "good". A header quoted in an ICMP error adds a second
            // value, "unverified" (2) where the quote is too short to check.
            let ok = |field: &str| {
                field.is_empty() || field.split(',').enumerate().all(|(i, s)| s == "1" || (i > 0 && s == "2"))
            };
            assert!(ok(fields[1]), "{name}: bad IP checksum: {line}");
            assert!(ok(fields[2]), "{name}: bad ICMP checksum: {line}");
            assert!(fields[3].is_empty(), "{name}: malformed: {line}");
            assert!(below_warning(fields[4]), "{name}: tshark warns: {line}");
        }
        protocols.push_str(&text);
    }
    for p in ["eth:ethertype:arp", "eth:ethertype:ip:icmp", "chdlc:ip:icmp", "eth:ethertype:ip:icmp:ip:icmp"] {
        assert!(protocols.contains(p), "no {p} frame captured");
    }
}

#[test]
fn traceroute_probes_decode_as_udp() {
    let (_, mut net) = boot(&read("labs/two-lans.ron"));
    net.enable_capture();
    transcript(&mut net, &format!("{}@R1\ntraceroute 192.168.2.10\n", read("labs/two-lans.solution.txt")));
    let dir = tempdir("pcap-udp");
    let (name, pcap) = net.captures().into_iter().find(|(n, _)| n.starts_with("R1-Gi0-0-1")).expect("capture");
    let file = dir.join(format!("{name}.pcap"));
    std::fs::write(&file, pcap.bytes()).unwrap();
    if !tshark() {
        return;
    }
    let out = Command::new("tshark")
        .arg("-r")
        .arg(&file)
        .args([
            "-o",
            "udp.check_checksum:TRUE",
            "-Y",
            "udp && !icmp",
            "-T",
            "fields",
            "-e",
            "udp.checksum.status",
            "-e",
            "udp.dstport",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.lines().count() >= 3, "{text}");
    assert!(text.lines().all(|l| l.starts_with("1\t334")), "{text}");
}

/// Are tshark's expert severities in a `_ws.expert.severity` field (a list,
/// or empty) all below "warning" (chat and note are fine)?
fn below_warning(field: &str) -> bool {
    const WARNING: u32 = 0x0060_0000;
    field.split(',').filter(|s| !s.is_empty()).all(|s| s.parse::<u32>().is_ok_and(|v| v < WARNING))
}

/// The fields of the frames `filter` keeps, a tab-separated line each, with
/// tshark verifying IP, UDP and TCP checksums (it leaves them unverified
/// unless asked).
fn checked_fields(file: &std::path::Path, filter: &str, fields: &[&str]) -> String {
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(file);
    for proto in ["ip", "udp", "tcp"] {
        cmd.args(["-o", &format!("{proto}.check_checksum:TRUE")]);
    }
    cmd.args(["-Y", filter, "-T", "fields"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("tshark runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Run a script on a lab with captures on, and write the capture of the
/// cable at `device`'s first port to a file (`None` without tshark to read it).
fn capture_at(lab: &str, script: &str, device: &str, dir: &str) -> Option<std::path::PathBuf> {
    let (_, mut net) = boot(&read(lab));
    net.enable_capture();
    transcript(&mut net, script);
    let dir = tempdir(dir);
    let (name, pcap) = net.captures().into_iter().find(|(n, _)| n.contains(device)).expect("the device's cable");
    let file = dir.join(format!("{name}.pcap"));
    std::fs::write(&file, pcap.bytes()).unwrap();
    tshark().then_some(file)
}

/// Every frame of a capture in tshark's words (`-V`), and its protocol stacks.
fn decode(file: &std::path::Path) -> (String, String) {
    // Wireshark leaves IP and UDP checksums unverified unless asked.
    let verbose = Command::new("tshark")
        .args(["-o", "ip.check_checksum:TRUE", "-o", "udp.check_checksum:TRUE", "-r"])
        .arg(file)
        .arg("-V")
        .output()
        .expect("tshark runs");
    let stacks = Command::new("tshark")
        .arg("-r")
        .arg(file)
        .args(["-T", "fields", "-e", "frame.protocols", "-e", "_ws.malformed", "-e", "_ws.expert.severity"])
        .output()
        .expect("tshark runs");
    (String::from_utf8_lossy(&verbose.stdout).into_owned(), String::from_utf8_lossy(&stacks.stdout).into_owned())
}

/// OSPF (every packet type, router, network, summary and external LSAs),
/// HSRP (both versions) and RIP (version 1 broadcasts, version 2 multicasts,
/// requests and responses) as Wireshark reads them: nothing malformed, every
/// OSPF header and LSA, IP and UDP checksum "[correct]".
#[test]
fn routing_protocol_packets_decode_with_correct_checksums() {
    let (_, mut net) = boot(&read("tests/labs/hsrp.ron"));
    net.enable_capture();
    transcript(
        &mut net,
        "@R3\nen\nconf t\nrouter ospf 1\ndefault-information originate always\nrouter rip\nnetwork 10.0.0.0\nend\n@R1\nen\nconf t\nrouter rip\nversion 2\nnetwork 10.0.0.0\nnetwork 192.168.1.0\nend\n@R1\nen\nconf t\nint g0/0/0\nstandby version 2\nstandby 1 ip 192.168.1.254\nstandby 1 priority 150\nend\n@R2\nen\nconf t\nint g0/0/0\nstandby 2 ip 192.168.1.253\nend\n@wait 90\n",
    );
    let dir = tempdir("pcap-routing");
    let mut all_stacks = String::new();
    let mut all_verbose = String::new();
    for (name, pcap) in net.captures() {
        let file = dir.join(format!("{name}.pcap"));
        std::fs::write(&file, pcap.bytes()).unwrap();
        if !tshark() {
            continue;
        }
        let (verbose, stacks) = decode(&file);
        for line in stacks.lines() {
            assert!(line.split('\t').nth(1).is_none_or(str::is_empty), "{name}: malformed: {line}");
            assert!(below_warning(line.split('\t').nth(2).unwrap_or("")), "{name}: tshark warns: {line}");
        }
        assert!(!verbose.contains("[incorrect"), "{name}: a bad checksum");
        all_stacks.push_str(&stacks);
        all_verbose.push_str(&verbose);
    }
    if !tshark() {
        return;
    }
    for p in ["eth:ethertype:ip:ospf", "eth:ethertype:ip:udp:hsrp", "eth:ethertype:ip:udp:rip"] {
        assert!(all_stacks.contains(p), "no {p} frame captured");
    }
    for what in [
        "Hello Packet",
        "DB Description",
        "LS Request",
        "LS Update",
        "LS Acknowledge",
        "Router-LSA",
        "Network-LSA",
        "AS-External-LSA",
        "Version: 2",
        "Virtual IP Address: 192.168.1.254",
        "Virtual IP Address: 192.168.1.253",
        "Version: RIPv1 (1)",
        "Version: RIPv2 (2)",
        "Command: Request (1)",
        "Command: Response (2)",
        "Netmask: 255.0.0.0",
    ] {
        assert!(all_verbose.contains(what), "no {what} in the captures");
    }
    assert!(all_verbose.matches("Checksum: 0x").count() > 10 && all_verbose.contains("[correct]"));
}

/// DHCP through a relay, with the server's pings and a release: every
/// message decodes as Wireshark's DHCP with valid IP and UDP checksums and
/// no warning.
#[test]
fn dhcp_messages_decode_with_correct_checksums() {
    let (_, mut net) = boot(&read("tests/labs/dhcp-relay.ron"));
    net.enable_capture();
    transcript(&mut net, "@PC1\nipconfig /dhcp\nipconfig /release\n@PC2\nipconfig /dhcp\n");
    let dir = tempdir("pcap-dhcp");
    let mut types = String::new();
    for (name, pcap) in net.captures() {
        let file = dir.join(format!("{name}.pcap"));
        std::fs::write(&file, pcap.bytes()).unwrap();
        if !tshark() {
            return;
        }
        let text = checked_fields(
            &file,
            "dhcp",
            &["dhcp.option.dhcp", "ip.checksum.status", "udp.checksum.status", "_ws.malformed", "_ws.expert.severity"],
        );
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            assert_eq!((f[1], f[2], f[3]), ("1", "1", ""), "{name}: {line}");
            assert!(below_warning(f[4]), "{name}: tshark warns: {line}");
            types.push_str(f[0]);
            types.push(' ');
        }
    }
    // DISCOVER, OFFER, REQUEST, ACK and RELEASE all on the wire.
    for t in ["1", "2", "3", "5", "7"] {
        assert!(types.split(' ').any(|x| x == t), "no DHCP message type {t}: {types}");
    }
}

/// DNS queries and answers (a reverse lookup, an alias, a name that does not
/// exist) decode as Wireshark's DNS with correct UDP checksums.
#[test]
fn dns_messages_decode_with_correct_checksums() {
    let script = "@PC1\nnslookup www.ccna-lab.com\nnslookup nosuch.ccna-lab.com\n";
    let Some(file) = capture_at("tests/labs/dns-office.ron", script, "PC1", "pcap-dns") else { return };
    let text = checked_fields(
        &file,
        "dns",
        &[
            "dns.flags.response",
            "dns.qry.name",
            "dns.flags.rcode",
            "dns.a",
            "dns.cname",
            "udp.checksum.status",
            "_ws.malformed",
            "_ws.expert.severity",
        ],
    );
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!((f[5], f[6]), ("1", ""), "{line}");
        assert!(below_warning(f[7]), "tshark warns: {line}");
    }
    assert!(
        text.lines()
            .any(|l| l.starts_with("False\t254.10.168.192.in-addr.arpa")
                || l.starts_with("0\t254.10.168.192.in-addr.arpa")),
        "{text}"
    );
    assert!(text.contains("www.ccna-lab.com\t0\t192.168.10.254\tserver.ccna-lab.com"), "{text}");
    assert!(text.contains("nosuch.ccna-lab.com\t3"), "NXDOMAIN: {text}");
}

/// TCP and HTTP: the handshake, a page, a 404, a reset from a closed port
/// and SYN retransmissions, all with correct TCP checksums and nothing
/// tshark calls malformed or worse than a note (retransmissions are notes).
#[test]
fn tcp_and_http_decode_with_correct_checksums() {
    let script =
        "@PC1\ncurl http://192.168.10.254/\ncurl -I http://192.168.10.254/nope.html\ncurl http://192.168.10.1/\n";
    let Some(file) = capture_at("tests/labs/dns-office.ron", script, "PC1", "pcap-tcp") else { return };
    let text = checked_fields(
        &file,
        "tcp",
        &["tcp.flags.str", "http.response.code", "tcp.checksum.status", "_ws.malformed", "_ws.expert.severity"],
    );
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!((f[2], f[3]), ("1", ""), "{line}");
        // Wireshark flags every reset as a warning ("Connection reset (RST)"):
        // a refused connection is what this capture must show.
        let reset = f[0].contains('R');
        assert!(reset || below_warning(f[4]), "tshark warns: {line}");
    }
    let codes: Vec<&str> = text.lines().filter_map(|l| l.split('\t').nth(1)).filter(|c| !c.is_empty()).collect();
    assert_eq!(codes, ["200", "404"], "{text}");
    assert!(
        text.lines().any(|l| l.contains("R") && l.contains("A") && l.starts_with("·······A·R··")),
        "a reset: {text}"
    );
}

/// A Telnet session (its option negotiation, Go Ahead after each prompt)
/// and an SSH session (version exchange, key exchange in clear, then
/// encrypted packets) from a PC to a router decode in tshark with valid
/// checksums and no warnings.
#[test]
fn telnet_and_ssh_sessions_decode_with_correct_checksums() {
    let script = "@R1\nenable\nconfigure terminal\nip domain-name ccna-lab.com\nusername admin secret Adm1nP4ss\ncrypto key generate rsa general-keys modulus 1024\nline vty 0 1\n password cisco\n login\nline vty 2 4\n login local\nend\n@PC1\ntelnet 192.168.1.1\ncisco\nshow clock\nexit\nssh -l admin 192.168.1.1\nwrong\nAdm1nP4ss\nshow clock\nexit\n";
    let Some(file) = capture_at("tests/labs/remote.ron", script, "PC1", "pcap-remote") else { return };
    let text = checked_fields(
        &file,
        "telnet || ssh",
        &[
            "frame.protocols",
            "tcp.checksum.status",
            "_ws.malformed",
            "_ws.expert.severity",
            "ssh.protocol",
            "ssh.message_code",
            "telnet.cmd",
        ],
    );
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        assert_eq!((f[1], f[2]), ("1", ""), "{line}");
        assert!(below_warning(f[3]), "tshark warns: {line}");
    }
    assert!(
        text.contains("SSH-1.99-Cisco-1.25"),
        "the server's version (both versions, as IOS without ip ssh version): {text}"
    );
    assert!(text.contains("SSH-2.0-OpenSSH_for_Windows_8.1"), "the client's version: {text}");
    // KEXINIT (20), ECDH init (30) and reply (31), NEWKEYS (21) in clear.
    for code in ["20", "30", "31", "21"] {
        assert!(
            text.lines().any(|l| l.split('\t').nth(5).is_some_and(|c| c.split(',').any(|c| c == code))),
            "message {code}: {text}"
        );
    }
    assert!(text.contains("eth:ethertype:ip:tcp:telnet"), "{text}");
    // Go Ahead (249) ends each prompt; the server offers ECHO with WILL (251).
    assert!(text.lines().any(|l| l.contains("249")), "Go Ahead: {text}");
}

/// NAT: on both sides of the translating router, every translated packet
/// (ICMP echoes, TCP, the ICMP errors a traceroute brings back with the
/// packet they quote translated too) decodes with valid IP, TCP, UDP and
/// ICMP checksums; outside, no private address is left.
#[test]
fn translated_packets_decode_with_correct_checksums_on_both_sides() {
    let (_, mut net) = boot(&read("tests/labs/nat.ron"));
    net.enable_capture();
    transcript(
        &mut net,
        "@R1\nenable\nconfigure terminal\naccess-list 1 permit 192.168.10.0 0.0.0.255\nip nat inside source list 1 interface g0/0/1 overload\nip nat inside source static 192.168.10.254 209.165.200.229\ninterface g0/0/0\n ip nat inside\ninterface g0/0/1\n ip nat outside\nend\n@PC1\nping 198.51.100.10\ncurl http://198.51.100.10/\n@PC2\nping 198.51.100.10\ntracert 198.51.100.10\n@REMOTE\ncurl http://209.165.200.229/\n",
    );
    let dir = tempdir("pcap-nat");
    let mut files = Vec::new();
    for (name, pcap) in net.captures().into_iter().filter(|(n, _)| n.starts_with("R1-")) {
        let file = dir.join(format!("{name}.pcap"));
        std::fs::write(&file, pcap.bytes()).unwrap();
        files.push((name, file));
    }
    if !tshark() {
        return;
    }
    for (name, file) in files {
        let text = checked_fields(
            &file,
            "ip && !arp",
            &[
                "ip.src",
                "ip.dst",
                "ip.checksum.status",
                "tcp.checksum.status",
                "udp.checksum.status",
                "icmp.checksum.status",
                "_ws.malformed",
                "_ws.expert.severity",
            ],
        );
        assert!(text.lines().count() > 20, "{name}: {text}");
        for line in text.lines() {
            let f: Vec<&str> = line.split('\t').collect();
            // The outer header's status comes first; a quoted packet's follow it.
            for status in [f[2], f[3], f[4], f[5]] {
                let outer = status.split(',').next().unwrap_or("");
                assert!(outer.is_empty() || outer == "1", "{name}: a bad checksum: {line}");
            }
            assert_eq!(f[6], "", "{name}: {line}");
            assert!(below_warning(f[7]), "{name}: tshark warns: {line}");
            if name.contains("ISP") {
                assert!(
                    !f[0].contains("192.168.") && !f[1].contains("192.168."),
                    "{name}: a private address outside: {line}"
                );
            }
        }
    }
}

/// IPv6 as Wireshark reads it: router and neighbour solicitations and
/// advertisements, duplicate address detection, echoes, time exceeded and
/// port unreachable from IOS and from Windows, UDP probes over a serial link;
/// nothing malformed or warned about, every ICMPv6 and UDP checksum good.
#[test]
fn ipv6_packets_decode_with_correct_checksums() {
    let (_, mut net) = boot(&read("tests/labs/ipv6-slaac.ron"));
    net.enable_capture();
    transcript(
        &mut net,
        "@PC1\nipv6config 2001:db8:acad:1::50/64 fe80::1\nipv6config autoconfig\n@wait 2\n@PC1\nping 2001:db8:acad:2::10\ntracert 2001:db8:acad:2::10\n@R1\nen\nping 2001:db8:acad:2::10\ntraceroute 2001:db8:acad:2::10\n",
    );
    // DHCPv6, stateless and stateful through a relay: the hosts ask again.
    let (_, mut dhcp) = boot(&read("tests/labs/ipv6-dhcp.ron"));
    dhcp.enable_capture();
    transcript(&mut dhcp, "@PC1\nipv6config dhcp\nipv6config autoconfig\n@PC3\nipv6config dhcp\n@wait 5\n");
    let dir = tempdir("pcap-ipv6");
    let mut seen = String::new();
    for (name, pcap) in net.captures().into_iter().chain(dhcp.captures()) {
        let file = dir.join(format!("{name}.pcap"));
        std::fs::write(&file, pcap.bytes()).unwrap();
        if !tshark() {
            return;
        }
        let fields = [
            "frame.protocols",
            "icmpv6.type",
            "icmpv6.checksum.status",
            "udp.checksum.status",
            "_ws.malformed",
            "_ws.expert.severity",
        ];
        for line in checked_fields(&file, "ipv6", &fields).lines() {
            let f: Vec<&str> = line.split('\t').collect();
            // Status 1 is "Good"; 2 "Unverified" is allowed only for a packet quoted inside an error.
            let icmp: Vec<&str> = f[2].split(',').filter(|s| !s.is_empty()).collect();
            assert!(icmp.first().is_none_or(|s| *s == "1"), "{name}: ICMPv6 checksum: {line}");
            assert!(f[3].split(',').filter(|s| !s.is_empty()).all(|s| s == "1"), "{name}: UDP checksum: {line}");
            assert!(f[4].is_empty(), "{name}: malformed: {line}");
            assert!(below_warning(f[5]), "{name}: tshark warns: {line}");
            seen.push_str(&format!("{} {}\n", f[0], f[1]));
        }
    }
    for (what, pattern) in [
        ("echo request", "icmpv6:data 128"),
        ("echo reply", "icmpv6:data 129"),
        ("router solicitation", "icmpv6 133"),
        ("router advertisement", "icmpv6 134"),
        ("neighbour solicitation", "icmpv6 135"),
        ("neighbour advertisement", "icmpv6 136"),
        ("time exceeded", " 3,128"),
        ("port unreachable", "udp:data 1"),
        ("a packet over the serial link", "chdlc:ipv6"),
        ("DHCPv6", "udp:dhcpv6"),
    ] {
        assert!(seen.contains(pattern), "no {what} ({pattern}) captured:\n{seen}");
    }
}

#[test]
fn ospfv3_packets_decode_with_correct_checksums() {
    let (_, mut net) = boot(&read("labs/dual-stack.ron"));
    net.enable_capture();
    transcript(&mut net, &read("labs/dual-stack.solution.txt"));
    let dir = tempdir("pcap-ospfv3");
    let mut messages = std::collections::BTreeSet::new();
    let mut lsa_types = std::collections::BTreeSet::new();
    for (name, pcap) in net.captures() {
        let file = dir.join(format!("{name}.pcap"));
        std::fs::write(&file, pcap.bytes()).unwrap();
        if !tshark() {
            return;
        }
        let fields = ["ospf.msg", "ospf.v3.lsa", "_ws.malformed", "_ws.expert.severity"];
        for line in checked_fields(&file, "ospf.version == 3", &fields).lines() {
            let f: Vec<&str> = line.split('\t').collect();
            assert!(f[2].is_empty(), "{name}: malformed: {line}");
            assert!(below_warning(f[3]), "{name}: tshark warns: {line}");
            messages.insert(f[0].to_string());
            lsa_types.extend(f[1].split(',').filter(|t| !t.is_empty()).map(str::to_string));
        }
        // tshark checks the OSPFv3 checksum (over the IPv6 pseudo-header)
        // and says so only in its detailed view, on the header's line.
        let out = Command::new("tshark").arg("-r").arg(&file).args(["-Y", "ospf.version == 3", "-V"]).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        let headers = text.matches("    OSPF Header\n").count();
        let correct =
            text.lines().filter(|l| l.starts_with("        Checksum: 0x") && l.ends_with("[correct]")).count();
        assert_eq!(correct, headers, "{name}: every OSPFv3 header checksum is correct");
    }
    let all: Vec<String> = (1..=5).map(|m| m.to_string()).collect();
    assert!(all.iter().all(|m| messages.contains(m)), "every message type: {messages:?}");
    for t in ["0x2001", "0x0008", "0x2009"] {
        assert!(lsa_types.contains(t), "{t} in {lsa_types:?}");
    }
}
