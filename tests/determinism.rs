//! The same lab and script give the same bytes: transcript, saved lab, captures.

mod common;
use common::*;

use wirelab::lab;

fn everything(lab_rel: &str, script_rel: &str) -> (String, String, Vec<(String, Vec<u8>)>) {
    let (lab, mut net) = boot(&read(lab_rel));
    net.enable_capture();
    let t = transcript(&mut net, &read(script_rel));
    let saved = lab::to_ron(&lab::to_lab(&lab, &net));
    let captures = net.captures().into_iter().map(|(n, p)| (n, p.bytes().to_vec())).collect();
    (t, saved, captures)
}

#[test]
fn same_input_same_bytes() {
    for (l, s) in [
        ("labs/two-lans.ron", "labs/two-lans.solution.txt"),
        ("tests/labs/three-routers.ron", "tests/labs/three-routers.script"),
        ("tests/labs/routing-loop.ron", "tests/labs/routing-loop.script"),
    ] {
        let a = everything(l, s);
        let b = everything(l, s);
        assert_eq!(a.0, b.0, "{l}: transcripts differ");
        assert_eq!(a.1, b.1, "{l}: saves differ");
        assert_eq!(a.2, b.2, "{l}: captures differ");
        assert!(a.2.iter().any(|(_, bytes)| bytes.len() > 24), "{l}: something was captured");
    }
}

#[test]
fn the_seed_decides_the_mac_addresses() {
    let text = read("labs/two-lans.ron");
    let (_, a) = boot(&text);
    let (_, b) = boot(&text.replace("seed: 7", "seed: 8"));
    assert_ne!(a.device(0).ports[0].mac, b.device(0).ports[0].mac);
    let (_, c) = boot(&text);
    assert_eq!(a.device(0).ports[0].mac, c.device(0).ports[0].mac);
}

/// What one `wirelab run` wrote: standard output, the saved lab, and each
/// capture file by name.
type RunOutput = (Vec<u8>, Vec<u8>, Vec<(String, Vec<u8>)>);

/// Everything `wirelab run` writes for a lab and script, from a process of
/// its own: the transcript with the trace, the saved lab, each capture.
fn run_in_a_process(lab_rel: &str, script_rel: &str, dir: &std::path::Path) -> RunOutput {
    let saved = dir.join("saved.ron");
    let pcaps = dir.join("pcap");
    let out = std::process::Command::new(bin())
        .arg("run")
        .arg(root().join(lab_rel))
        .arg("--script")
        .arg(root().join(script_rel))
        .arg("--save")
        .arg(&saved)
        .arg("--pcap")
        .arg(&pcaps)
        .arg("--trace")
        .args(["--until", "120"])
        .output()
        .expect("wirelab runs");
    assert!(out.status.success(), "{lab_rel}: {}", String::from_utf8_lossy(&out.stderr));
    let mut captures: Vec<(String, Vec<u8>)> = std::fs::read_dir(&pcaps)
        .expect("captures written")
        .map(|e| {
            let p = e.expect("entry").path();
            (p.file_name().unwrap().to_string_lossy().into_owned(), std::fs::read(&p).expect("capture"))
        })
        .collect();
    captures.sort();
    (out.stdout, std::fs::read(&saved).expect("saved lab"), captures)
}

#[test]
fn two_processes_write_the_same_bytes() {
    // Routing protocols, first-hop redundancy, spanning tree and the
    // services: timers, elections, floods and leases that a hash map's
    // order could leak into.
    for (n, (l, s)) in [
        ("labs/ospf-multi-area.ron", "labs/ospf-multi-area.solution.txt"),
        ("labs/hsrp.ron", "labs/hsrp.solution.txt"),
        ("labs/etherchannel.ron", "labs/etherchannel.solution.txt"),
        // DHCP leases, DNS ids, TCP sequence numbers, HTTP.
        ("labs/dns-web.ron", "labs/dns-web.solution.txt"),
        ("labs/dhcp.ron", "labs/dhcp.solution.txt"),
        // SSH's random fields and keys, Telnet's negotiation, vty sessions.
        ("labs/device-hardening.ron", "labs/device-hardening.solution.txt"),
    ]
    .into_iter()
    .enumerate()
    {
        let a = run_in_a_process(l, s, &tempdir(&format!("determinism-a{n}")));
        let b = run_in_a_process(l, s, &tempdir(&format!("determinism-b{n}")));
        assert!(a.0 == b.0, "{l}: transcripts and traces differ");
        assert!(a.1 == b.1, "{l}: saves differ");
        assert_eq!(a.2.len(), b.2.len(), "{l}: capture files differ");
        for (x, y) in a.2.iter().zip(&b.2) {
            assert!(x == y, "{l}: capture {} differs", x.0);
        }
        assert!(a.0.len() > 10_000 && a.2.iter().any(|(_, bytes)| bytes.len() > 1_000), "{l}: something ran");
    }
}
