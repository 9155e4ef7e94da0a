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
