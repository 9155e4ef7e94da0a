//! The app's document driven by a scripted list of UI actions (add devices,
//! cable them, type at a console, undo, save), with the saved file checked.
//! The desktop app turns clicks into exactly these actions.

mod common;
use common::*;

use wirelab::app::{Action, Workspace};
use wirelab::base::Model;
use wirelab::lab;

fn typed(ws: &mut Workspace, device: &str, lines: &[&str]) {
    for l in lines {
        ws.apply(Action::Type { device: device.into(), line: l.to_string() }).unwrap();
    }
}

#[test]
fn build_a_network_with_ui_actions_and_save_it() {
    let dir = tempdir("app");
    let mut ws = Workspace::new();
    ws.apply(Action::AddDevice { model: Model::Router, at: (300.0, 100.0) }).unwrap();
    ws.apply(Action::AddDevice { model: Model::Switch, at: (300.0, 250.0) }).unwrap();
    ws.apply(Action::AddDevice { model: Model::Pc, at: (200.0, 400.0) }).unwrap();
    ws.apply(Action::AddDevice { model: Model::Pc, at: (400.0, 400.0) }).unwrap();
    ws.apply(Action::Connect {
        a: "R1".into(),
        a_iface: Some("g0/0/0".into()),
        b: "S1".into(),
        b_iface: Some("g0/1".into()),
    })
    .unwrap();
    ws.apply(Action::Connect { a: "PC1".into(), a_iface: None, b: "S1".into(), b_iface: None }).unwrap();
    ws.apply(Action::Connect { a: "PC2".into(), a_iface: None, b: "S1".into(), b_iface: None }).unwrap();
    assert!(ws.dirty && ws.title().starts_with('*'));

    // A mistake, undone.
    ws.apply(Action::AddDevice { model: Model::Server, at: (0.0, 0.0) }).unwrap();
    assert!(ws.net.find("SRV1").is_some());
    ws.apply(Action::Undo).unwrap();
    assert!(ws.net.find("SRV1").is_none());
    ws.apply(Action::Redo).unwrap();
    ws.apply(Action::DeleteDevice { device: "SRV1".into() }).unwrap();
    assert!(ws.net.find("SRV1").is_none());

    typed(
        &mut ws,
        "R1",
        &["enable", "conf t", "int g0/0/0", "ip address 192.168.1.1 255.255.255.0", "no shutdown", "end"],
    );
    typed(&mut ws, "PC1", &["ipconfig 192.168.1.10 255.255.255.0 192.168.1.1"]);
    typed(&mut ws, "PC2", &["ipconfig 192.168.1.11 255.255.255.0 192.168.1.1"]);
    ws.apply(Action::MoveDevice { device: "PC2".into(), to: (450.0, 420.0) }).unwrap();
    ws.apply(Action::RenameDevice { device: "PC2".into(), to: "Teacher".into() }).unwrap();

    // Spanning tree brings the new switch ports to forwarding in 30 s; at
    // 10x that passes in a few seconds of frames.
    ws.speed = 10.0;
    for _ in 0..60 {
        ws.advance(1.0 / 16.0);
    }
    // A ping typed at a PC completes as simulated time passes, frame by frame.
    typed(&mut ws, "PC1", &["ping 192.168.1.1"]);
    for _ in 0..120 {
        ws.advance(1.0 / 16.0);
    }
    let pc1 = &ws.scrollback["PC1"];
    assert!(pc1.contains("Reply from 192.168.1.1: bytes=32"), "{pc1}");
    assert!(pc1.ends_with("C:\\>"), "the prompt is back: {pc1}");
    assert!(ws.scrollback["R1"].contains("Router(config-if)#no shutdown\n\n%LINK-3-UPDOWN"), "{}", ws.scrollback["R1"]);

    let file = dir.join("built.ron");
    ws.save(Some(&file)).unwrap();
    assert!(!ws.dirty && ws.title() == "built.ron - wirelab");
    let saved = std::fs::read_to_string(&file).unwrap();
    let reloaded = lab::parse(&saved, "built.ron").unwrap();
    let names: Vec<&str> = reloaded.devices.iter().map(|d| d.name.as_str()).collect();
    assert_eq!(names, ["R1", "S1", "PC1", "Teacher"]);
    assert_eq!(reloaded.devices[3].at, (450.0, 420.0));
    assert!(reloaded.links.contains(&("R1:Gi0/0/0".to_string(), "S1:Gi0/1".to_string())), "{:?}", reloaded.links);
    assert!(reloaded.links.iter().any(|(a, b)| a == "Teacher:Fa0" || b == "Teacher:Fa0"), "renamed in its cable too");
    assert!(reloaded.devices[0].config.contains("ip address 192.168.1.1 255.255.255.0"));
    assert!(reloaded.devices[3].config.contains("ipconfig 192.168.1.11 255.255.255.0 192.168.1.1"));
}

#[test]
fn bad_actions_are_refused_without_changing_anything() {
    let mut ws = Workspace::open(&root().join("labs/two-lans.ron")).unwrap();
    let before = lab::to_ron(&ws.lab());
    assert!(
        ws.apply(Action::Connect { a: "R1".into(), a_iface: Some("g0/0/0".into()), b: "PC1".into(), b_iface: None })
            .is_err(),
        "G0/0/0 is cabled already"
    );
    assert!(ws.apply(Action::RenameDevice { device: "PC1".into(), to: "PC2".into() }).is_err());
    assert!(ws.apply(Action::RenameDevice { device: "PC1".into(), to: "has space".into() }).is_err());
    assert!(ws.apply(Action::DeleteDevice { device: "nobody".into() }).is_err());
    assert!(ws.apply(Action::Undo).is_err());
    assert_eq!(lab::to_ron(&ws.lab()), before);
}

#[test]
fn check_results_uses_the_grader_and_autosave_keeps_unsaved_work() {
    let dir = tempdir("app-grade");
    let path = dir.join("two-lans.ron");
    std::fs::copy(root().join("labs/two-lans.ron"), &path).unwrap();
    let mut ws = Workspace::open(&path).unwrap();
    assert_eq!(ws.check_results().points, 0);
    for line in
        read("labs/two-lans.solution.txt").lines().filter(|l| !l.starts_with('#') && !l.starts_with('@')).take(10)
    {
        typed(&mut ws, "R1", &[line]);
    }
    let report = ws.check_results();
    assert_eq!((report.points, report.max_points), (10, 10), "{report:?}");
    ws.autosave().unwrap();
    let recovered = lab::load_file(&ws.recovery_path()).unwrap().0;
    assert!(recovered.devices[0].config.contains("192.168.2.1"));
}

#[test]
fn simulation_mode_goes_on_from_realtime_and_back_is_exact() {
    let mut ws = Workspace::open(&root().join("tests/labs/simulation.ron")).unwrap();
    typed(&mut ws, "PC1", &["ping -n 2 192.168.2.10"]);
    ws.run_for(wirelab::sim::Duration::from_secs(10));
    let clock = ws.net.now();
    ws.enter_simulation();
    assert_eq!(ws.net.now(), clock, "the simulation starts where realtime is");
    ws.sim_add_pdu("PC1", "PC2").unwrap();
    for _ in 0..4 {
        ws.sim_forward();
    }
    // PC1 learned R1's MAC in realtime: its echo leaves at once, no ARP first.
    let first = ws.sim_row(0).unwrap();
    assert_eq!((first.line.kind, first.line.protocol.as_str()), ("sent", "ICMP"));
    // A device moved while simulating stays put when the network is rebuilt.
    ws.apply(Action::MoveDevice { device: "PC2".into(), to: (12.0, 34.0) }).unwrap();
    ws.sim_back().unwrap();
    ws.sim_go_to(0).unwrap();
    assert_eq!(ws.net.now(), clock);
    ws.sim_forward();
    assert_eq!(ws.sim_row(0).unwrap().line.protocol, "ICMP", "the same again");
    assert_eq!(ws.net.device(ws.net.find("PC2").unwrap()).at, (12.0, 34.0));
    assert!(
        ws.scrollback["PC1"].contains("Reply from 192.168.2.10"),
        "realtime's terminal kept: {}",
        ws.scrollback["PC1"]
    );
    assert!(ws.apply(Action::DeleteDevice { device: "PC2".into() }).is_err(), "a rebuild waits for realtime");
    ws.leave_simulation();
    assert!(!ws.net.trace_on());
}

#[test]
fn going_back_shows_the_terminals_as_they_were_then() {
    let mut ws = Workspace::open(&root().join("tests/labs/simulation.ron")).unwrap();
    ws.enter_simulation();
    ws.sim_forward();
    typed(&mut ws, "R1", &["enable", "configure terminal"]);
    ws.sim_forward();
    typed(&mut ws, "R1", &["interface g0/0/1"]);
    ws.sim_forward();
    assert!(ws.scrollback["R1"].ends_with("R1(config-if)#"), "{}", ws.scrollback["R1"]);
    ws.sim_back().unwrap();
    // Back to after step 2: the interface line (typed before step 3) stays, as on the box.
    assert!(ws.scrollback["R1"].ends_with("R1(config-if)#"), "{}", ws.scrollback["R1"]);
    ws.sim_go_to(1).unwrap();
    assert!(ws.scrollback["R1"].ends_with("R1(config)#"), "{}", ws.scrollback["R1"]);
    typed(&mut ws, "R1", &["do show running-config | include hostname"]);
    assert!(ws.scrollback["R1"].contains("hostname R1"), "the CLI is where the terminal says: {}", ws.scrollback["R1"]);
    ws.sim_reset().unwrap();
    assert!(ws.scrollback["R1"].ends_with("R1>"), "{}", ws.scrollback["R1"]);
    assert!(ws.dirty, "lines typed and forgotten change the document");
}
