//! A failed ping is explained in a sentence a student can act on; each
//! sentence here comes from a lab with that fault.

mod common;
use common::*;

use wirelab::grade::{grade_lab, GradeLimits};
use wirelab::lab;

/// Boot the three-router lab, type `script`, then grade a ping from PC1 to PC3.
fn why(script: &str) -> String {
    let text = read("tests/labs/three-routers.ron");
    let (lab, mut net) = boot(&text);
    transcript(&mut net, script);
    let mut submission = lab::to_lab(&lab, &net);
    submission.objectives.clear();
    let mut grading = lab.clone();
    grading.objectives = vec![lab::Objective {
        points: 1,
        check: lab::Check::Ping { from: "PC1".into(), to: "10.3.3.30".into() },
        hint: None,
        label: None,
        feedback: lab::Feedback::Full,
    }];
    let report = grade_lab(&grading, &submission, "t", &GradeLimits::default());
    assert!(!report.objectives[0].passed, "the ping should fail");
    report.objectives[0].why.clone().unwrap()
}

const ROUTES: &str = "@R1\nen\nconf t\nip route 10.3.3.0 255.255.255.0 10.0.12.2\nend\n@R2\nen\nconf t\nip route 10.3.3.0 255.255.255.0 10.0.23.2\nip route 10.1.1.0 255.255.255.0 10.0.12.1\nend\n@R3\nen\nconf t\nip route 10.1.1.0 255.255.255.0 10.0.23.1\nend\n";

#[test]
fn working_routes_pass() {
    let text = read("tests/labs/three-routers.ron");
    let (lab, mut net) = boot(&text);
    transcript(&mut net, ROUTES);
    let submission = lab::to_lab(&lab, &net);
    let report = grade_lab(&lab, &submission, "t", &GradeLimits::default());
    assert!(report.is_full_marks(), "{report:?}");
}

#[test]
fn host_without_default_gateway() {
    assert_eq!(why(&format!("{ROUTES}@PC1\nipconfig 10.1.1.10 255.255.255.0\n")), "PC1 has no default gateway");
}

#[test]
fn gateway_interface_shut_down() {
    assert_eq!(
        why(&format!("{ROUTES}@R1\nconf t\nint g0/0/0\nshutdown\nend\n")),
        "ARP for 10.1.1.1 got no reply: R1 GigabitEthernet0/0/0 is administratively down"
    );
}

#[test]
fn missing_route_on_the_way() {
    assert_eq!(
        why(&ROUTES.replace("ip route 10.3.3.0 255.255.255.0 10.0.23.2\n", "")),
        "R2 has no route to 10.3.3.0/24"
    );
}

#[test]
fn reply_dropped_for_lack_of_a_route_back() {
    assert_eq!(
        why(&ROUTES.replace("ip route 10.1.1.0 255.255.255.0 10.0.23.1\n", "")),
        "the echo reply was dropped at R3: no route back to 10.1.1.0/24"
    );
}

#[test]
fn gateway_outside_the_subnet_and_a_missing_host() {
    assert_eq!(
        why(&format!("{ROUTES}@PC1\nipconfig 10.1.1.10 255.255.255.0 10.9.9.1\n")),
        "PC1's default gateway 10.9.9.1 is not in its subnet 10.1.1.0/24"
    );
    assert_eq!(
        why(&format!("{ROUTES}@PC3\nipconfig 10.3.3.31 255.255.255.0 10.3.3.1\n")),
        "ARP for 10.3.3.30 got no reply: no device has the address 10.3.3.30"
    );
}

#[test]
fn routing_loop() {
    let looped =
        ROUTES.replace("ip route 10.3.3.0 255.255.255.0 10.0.23.2\n", "ip route 10.3.3.0 255.255.255.0 10.0.12.1\n");
    assert!(why(&looped).contains("routing loop"), "{}", why(&looped));
}

/// The troubleshooting lab as handed out: PC3's gateway is mistyped
/// (172.16.3.254 instead of 172.16.3.1). The diagnosis follows PC3's own
/// echo requests, which never leave PC3's LAN, rather than whatever else
/// failed in the network at the same time (R1's LAN port is shut too).
#[test]
fn troubleshooting_lab_names_pc3s_gateway() {
    let lab = lab::parse(&read("labs/troubleshooting.ron"), "troubleshooting.ron").unwrap();
    let submission = lab.clone();
    let report = grade_lab(&lab, &submission, "t", &GradeLimits::default());
    let pc3 =
        report.objectives.iter().find(|o| o.check == "Ping PC3 -> 172.16.1.10").expect("the objective is in the lab");
    assert!(!pc3.passed);
    assert_eq!(
        pc3.why.as_deref(),
        Some(
            "ARP for 172.16.3.254 got no reply: no device has the address 172.16.3.254, which is PC3's default gateway"
        )
    );
}
