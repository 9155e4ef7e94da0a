//! `wirelab run --trace`: the event list a student reads, and the JSON lines
//! a program reads, of every frame and every decision.

mod common;
use common::*;

use std::process::Command;

fn run_trace(extra: &[&str]) -> String {
    let out = Command::new(bin())
        .args(["run", "labs/two-lans.ron", "--script", "labs/two-lans.solution.txt", "--trace"])
        .args(extra)
        .current_dir(root())
        .output()
        .expect("wirelab runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("UTF-8")
}

#[test]
fn an_arp_exchange_reads_as_a_story() {
    let text = run_trace(&["--filter", "arp"]);
    let story: Vec<&str> = text.lines().skip_while(|l| !l.starts_with("--- trace")).skip(1).take(8).collect();
    let want = [
        ("PC1", "decided", "ARP: who has 192.168.1.1? (asked on FastEthernet0)"),
        ("PC1 FastEthernet0", "sent", "ARP Who has 192.168.1.1? Tell 192.168.1.10"),
        ("SW1 FastEthernet0/1", "received", "ARP Who has 192.168.1.1? Tell 192.168.1.10"),
        ("SW1 FastEthernet0/1", "decided", "flooded in VLAN 1"),
        ("SW1 GigabitEthernet0/1", "sent", "ARP Who has 192.168.1.1?"),
        ("R1 GigabitEthernet0/0/0", "received", "ARP Who has 192.168.1.1?"),
        ("R1", "decided", "ARP: answered 192.168.1.10 with the MAC address of GigabitEthernet0/0/0"),
        ("R1 GigabitEthernet0/0/0", "sent", "ARP 192.168.1.1 is at"),
    ];
    for (line, (place, kind, text)) in story.iter().zip(want) {
        let cols: Vec<&str> = line.split_whitespace().collect();
        assert!(line.contains(&format!(" {place} ")), "{place} in {line}");
        assert!(cols.contains(&kind), "{kind} in {line}");
        assert!(line.contains(text), "{text} in {line}");
    }
    assert!(text.lines().skip_while(|l| !l.starts_with("--- trace")).skip(1).all(|l| l.contains(" ARP ")));
}

#[test]
fn json_lines_name_every_field_and_the_transcript_goes_to_stderr() {
    let text = run_trace(&["--json", "--filter", "icmp"]);
    let mut kinds = std::collections::BTreeSet::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert_eq!(v["protocol"], "ICMP", "{line}");
        assert!(v["time"].as_f64().is_some() && v["seq"].as_u64().is_some() && v["device"].is_string());
        kinds.insert(v["kind"].as_str().unwrap().to_string());
    }
    assert_eq!(kinds.into_iter().collect::<Vec<_>>(), ["decided", "received", "sent"]);
    assert!(!text.contains("C:\\>") && !text.contains("R1#"), "no transcript on stdout");
}

#[test]
fn the_decisions_in_french_match_the_simulation_modes() {
    let text = run_trace(&["--filter", "arp", "--lang", "fr"]);
    assert!(
        text.lines().any(|l| l.contains(" SW1 FastEthernet0/1 ")
            && l.contains(" decided ")
            && l.ends_with(
                "a diffusé la trame dans le VLAN 1 sur tous les autres ports (destination inconnue ou broadcast)"
            )),
        "{text}"
    );
    assert!(text.contains("ARP : a répondu à 192.168.1.10 avec l'adresse MAC de GigabitEthernet0/0/0"), "{text}");
    // The frames themselves are summarised as Wireshark does, in any language.
    assert!(text.contains("ARP Who has 192.168.1.1? Tell 192.168.1.10"), "{text}");
}

/// A lease, a lookup and a web page: each frame is named by what it carries,
/// as Wireshark names it, and so are the decisions taken about it; the
/// filter finds each protocol's story.
#[test]
fn dhcp_dns_and_http_are_named_by_what_they_carry() {
    let (_, mut net) = boot(&read("labs/dns-web.ron"));
    net.enable_trace(1 << 16, true);
    transcript(&mut net, &read("labs/dns-web.solution.txt"));
    let lines = net.trace_lines();
    let story = |protocol: &str| -> Vec<String> {
        let only = [protocol.to_lowercase()];
        lines.iter().filter(|l| l.matches(&only)).map(|l| format!("{} {} {}", l.device, l.kind, l.text)).collect()
    };
    let dhcp = story("DHCP");
    assert!(dhcp.iter().any(|l| l.starts_with("PC1 sent DHCP Discover - Transaction ID 0x")), "{dhcp:#?}");
    assert!(dhcp.iter().any(|l| l.starts_with("R1 sent DHCP ACK - Transaction ID 0x")), "{dhcp:#?}");
    let dns = story("DNS");
    let answer = "DNS Standard query response 0x";
    let names = " A www.ccna-lab.com CNAME server.ccna-lab.com A 192.168.10.254";
    assert!(dns.iter().any(|l| l.starts_with(&format!("SRV1 sent {answer}")) && l.ends_with(names)), "{dns:#?}");
    assert!(
        dns.iter().any(|l| l.starts_with("SRV1 decided UDP 192.168.10.11:") && l.contains(":53 is for this device")),
        "the server's decision about the query: {dns:#?}"
    );
    let http = story("HTTP");
    assert!(http.iter().any(|l| l == "PC1 sent HTTP GET / HTTP/1.1"), "{http:#?}");
    assert!(http.iter().any(|l| l == "SRV1 sent HTTP HTTP/1.1 200 OK"), "{http:#?}");
    let tcp = story("TCP");
    let ends = |l: &&String| l.starts_with("PC1 sent ") || l.starts_with("SRV1 sent ");
    let handshake: Vec<&String> = tcp.iter().filter(ends).take(3).collect();
    assert!(handshake[0].starts_with("PC1 sent TCP ") && handshake[0].contains(" → 80 [SYN] Seq="), "{tcp:#?}");
    assert!(handshake[1].starts_with("SRV1 sent TCP 80 → ") && handshake[1].contains(" [SYN, ACK] "), "{tcp:#?}");
    assert!(handshake[2].starts_with("PC1 sent TCP ") && handshake[2].contains(" [ACK] "), "{tcp:#?}");
}
