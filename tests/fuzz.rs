//! Hostile input never panics: arbitrary lab text, arbitrary CLI lines in
//! every mode, arbitrary bytes on the wire.

mod common;

use proptest::prelude::*;
use wirelab::cli::Terminal;

use wirelab::base::Model;
use wirelab::device::{Ctx, Device, Outbox};
use wirelab::lab;
use wirelab::net::Network;
use wirelab::proto::Mac;
use wirelab::sim::Time;

const WORDS: &[&str] = &[
    "show",
    "ip",
    "route",
    "interface",
    "int",
    "g0/0/0",
    "fa0/1",
    "s0/1/0",
    "lo0",
    "vlan",
    "1",
    "no",
    "do",
    "end",
    "exit",
    "shutdown",
    "address",
    "10.0.0.1",
    "255.255.255.0",
    "0.0.0.0",
    "?",
    "|",
    "include",
    "ping",
    "traceroute",
    "conf",
    "t",
    "line",
    "vty",
    "0",
    "4",
    "password",
    "login",
    "banner",
    "motd",
    "#",
    "hostname",
    "enable",
    "secret",
    "range",
    "-",
    ",",
    "run",
    "copy",
    "running-config",
    "startup-config",
    "reload",
    "erase",
    "crypto",
    "key",
    "generate",
    "rsa",
    "\u{1a}",
    "\t",
    "é",
    "255.255.255.256",
    "999999999999",
    "ipconfig",
    "/all",
    "-n",
    "arp",
    "-a",
    "tracert",
    "clock",
    "rate",
    "64000",
    "description",
    "x",
    "speed",
    "100",
    "duplex",
    "full",
];

fn line() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::collection::vec(prop::sample::select(WORDS), 0..8).prop_map(|w| w.join(" ")),
        ".{0,80}",
        prop::collection::vec(any::<char>(), 0..40).prop_map(|c| c.into_iter().collect()),
    ]
}

fn network() -> Network {
    let text = r#"Lab(title: "fuzz", devices: [
        Device(name: "R1", model: Router), Device(name: "S1", model: Switch),
        Device(name: "L3", model: L3Switch), Device(name: "PC1", model: Pc)],
        links: [("R1:G0/0/0", "S1:G0/1"), ("S1:F0/1", "PC1:F0"), ("L3:G1/0/1", "S1:G0/2")])"#;
    let lab = lab::parse(text, "fuzz.ron").unwrap();
    lab::build(&lab).unwrap().0
}

/// Lines that take a terminal to each mode.
const MODES: &[&[&str]] = &[
    &[],
    &["enable"],
    &["enable", "configure terminal"],
    &["enable", "configure terminal", "interface g0/0/0"],
    &["enable", "configure terminal", "interface range g0/0/0 - 1"],
    &["enable", "configure terminal", "line vty 0 4"],
    &["enable", "configure terminal", "banner motd #"],
];

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, .. ProptestConfig::default() })]

    #[test]
    fn lab_loader_never_panics(text in ".{0,400}") {
        let _ = lab::parse(&text, "fuzz.ron");
    }

    #[test]
    fn lab_loader_never_panics_on_near_valid_files(cut in 0usize..600, junk in ".{0,8}") {
        let good = common::read("labs/two-lans.ron");
        let cut = cut.min(good.len());
        let cut = (0..=cut).rev().find(|&i| good.is_char_boundary(i)).unwrap_or(0);
        let text = format!("{}{}{}", &good[..cut], junk, &good[cut..]);
        let _ = lab::parse(&text, "fuzz.ron");
    }

    #[test]
    fn cli_lines_never_panic_in_any_mode(mode in 0usize..MODES.len(), lines in prop::collection::vec(line(), 1..6)) {
        let mut net = network();
        for id in 0..net.devices().len() {
            for l in MODES[mode] {
                net.type_line(id, l);
            }
            for l in &lines {
                net.type_line(id, l);
                net.run_while_busy(id, wirelab::sim::Duration::from_secs(120));
            }
            net.take_console(id);
        }
    }

    #[test]
    fn arbitrary_frames_never_panic(frames in prop::collection::vec(prop::collection::vec(any::<u8>(), 0..120), 1..8)) {
        for model in Model::ALL {
            let mut d = Device::new("X", model, Mac([0, 1, 2, 3, 4, 0]), Time::ZERO);
            let mut out = Outbox::default();
            let mut ctx = Ctx { now: Time::ZERO, out: &mut out };
            d.link_changed(&mut ctx, 0, true);
            for f in &frames {
                d.receive(&mut ctx, 0, f.clone());
            }
            // Frames that look like IPv4 to the right MAC exercise the stack too.
            for f in &frames {
                let mut eth = vec![0u8; 14];
                eth[..6].copy_from_slice(&d.ports[0].mac.0);
                eth[12] = 0x08;
                eth.extend_from_slice(f);
                d.receive(&mut ctx, 0, eth);
            }
        }
    }

    #[test]
    fn script_parser_never_panics(text in ".{0,300}") {
        let net = network();
        let _ = wirelab::script::parse(&text, "fuzz.script", &net);
    }
}

#[test]
fn a_100_kb_line_is_handled() {
    let mut net = network();
    let long = "show ".repeat(20_000);
    for id in 0..net.devices().len() {
        net.type_line(id, &long);
        net.type_line(id, "enable");
        net.type_line(id, "configure terminal");
        net.type_line(id, &long);
        net.type_line(id, &format!("hostname {}", "x".repeat(100_000)));
        net.take_console(id);
    }
    let _ = lab::parse(&format!("Lab(title: \"{}\")", "y".repeat(100_000)), "long.ron");
}

#[test]
fn empty_inputs() {
    assert!(lab::parse("", "empty.ron").is_err());
    let mut net = network();
    net.type_line(0, "");
    net.type_line(3, "");
    assert!(wirelab::script::parse("", "empty", &net).unwrap().is_empty());
}
