//! `wirelab grade`: scores, hints, integrity, formats, determinism, parallel
//! grading, and hostile submissions graded within their limits.

mod common;
use common::*;

use std::path::PathBuf;
use std::process::Command;

use wirelab::grade::{grade_all, grade_lab, grade_text, GradeLimits};
use wirelab::lab;

fn solved(lab_rel: &str, script_rel: &str) -> String {
    let (lab, net, _) = run_files(lab_rel, script_rel);
    lab::to_ron(&lab::to_lab(&lab, &net))
}

fn write(dir: &std::path::Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

#[test]
fn full_partial_and_blank_submissions_from_the_command_line() {
    let dir = tempdir("grade-cli");
    let full = write(&dir, "full.ron", &solved("labs/two-lans.ron", "labs/two-lans.solution.txt"));
    // Partial: G0/0/1 addressed but left shut down.
    let (lab, mut net) = boot(&read("labs/two-lans.ron"));
    transcript(&mut net, "@R1\nen\nconf t\nint g0/0/0\nip add 192.168.1.1 255.255.255.0\nno shut\nint g0/0/1\nip add 192.168.2.1 255.255.255.0\nend\n");
    let partial = write(&dir, "partial.ron", &lab::to_ron(&lab::to_lab(&lab, &net)));
    let lab_path = root().join("labs/two-lans.ron");

    let out = Command::new(bin()).arg("grade").arg(&lab_path).arg(&full).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stdout));
    assert!(String::from_utf8_lossy(&out.stdout).contains("10 / 10 points (100%)"));

    let out = Command::new(bin()).arg("grade").arg(&lab_path).arg(&partial).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("5 / 10 points (50%)"), "{text}");
    assert!(text.contains("FAIL    0/1   InterfaceUp R1 G0/0/1"), "{text}");
    assert!(text.contains("hint: Interfaces of a router are shut down until you enter no shutdown"), "{text}");
    assert!(text.contains("why: R1 has no route to 192.168.2.0/24: GigabitEthernet0/0/1, which is on that network, is administratively down"), "{text}");

    let out = Command::new(bin()).arg("grade").arg(&lab_path).arg(&lab_path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("0 / 10 points (0%)"));

    let out = Command::new(bin()).arg("grade").arg(&lab_path).arg(dir.join("missing.ron")).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn a_submission_cannot_rewrite_its_objectives() {
    let lab = lab::parse(&read("labs/two-lans.ron"), "lab.ron").unwrap();
    // The handed-out lab with every objective replaced by one that always passes.
    let text = read("labs/two-lans.ron");
    let start = text.find("objectives: [").unwrap();
    let cheat =
        format!("{}objectives: [Objective(points: 100, check: Link(a: \"R1\", b: \"SW1\"))],\n)\n", &text[..start]);
    let report = grade_text(&lab, &cheat, "cheat.ron", &GradeLimits::default());
    assert_eq!(report.max_points, 10, "the lab's objectives");
    assert_eq!(report.points, 0);
}

#[test]
fn a_swapped_topology_is_not_full_marks() {
    let lab = lab::parse(&read("labs/two-lans.ron"), "lab.ron").unwrap();
    let good = solved("labs/two-lans.ron", "labs/two-lans.solution.txt");
    // PC1 moved to the other LAN's switch, and a device added.
    let swapped = good.replace("(\"SW1:Fa0/1\", \"PC1:Fa0\")", "(\"SW2:Fa0/2\", \"PC1:Fa0\")");
    let report = grade_text(&lab, &swapped, "swapped.ron", &GradeLimits::default());
    assert!(!report.is_full_marks());
    assert!(report.problems.iter().any(|p| p.contains("cabling differs")), "{:?}", report.problems);
    let ping = report.objectives.iter().find(|o| o.check.starts_with("Ping")).unwrap();
    assert!(!ping.passed && ping.why.as_deref().unwrap().starts_with("not graded"), "{ping:?}");
    assert!(report.objectives[0].passed, "configuration checks still count");
}

#[test]
fn json_and_csv_parse_and_grading_is_deterministic_and_parallel_safe() {
    let dir = tempdir("grade-many");
    let lab = lab::parse(&read("labs/static-routing.ron"), "lab.ron").unwrap();
    let full = write(&dir, "a.ron", &solved("labs/static-routing.ron", "labs/static-routing.solution.txt"));
    let blank = write(&dir, "b.ron", &read("labs/static-routing.ron"));
    let paths = vec![full.clone(), blank.clone(), full.clone(), blank.clone(), full];
    let one_by_one: Vec<_> =
        grade_all(&lab, &paths, &GradeLimits::default(), 1).into_iter().map(|r| r.unwrap()).collect();
    let parallel: Vec<_> =
        grade_all(&lab, &paths, &GradeLimits::default(), 4).into_iter().map(|r| r.unwrap()).collect();
    assert_eq!(one_by_one, parallel);
    assert_eq!(one_by_one[0], one_by_one[2], "the same submission twice, the same report");
    assert!(one_by_one[0].is_full_marks() && !one_by_one[1].is_full_marks());

    let out = Command::new(bin())
        .arg("grade")
        .arg(root().join("labs/static-routing.ron"))
        .args(&paths)
        .arg("--json")
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    assert_eq!(json.as_array().unwrap().len(), 5);
    assert_eq!(json[0]["points"], 15);
    assert_eq!(json[1]["objectives"][0]["passed"], false);

    let out = Command::new(bin())
        .arg("grade")
        .arg(root().join("labs/static-routing.ron"))
        .args(&paths)
        .arg("--csv")
        .output()
        .unwrap();
    let csv = String::from_utf8(out.stdout).unwrap();
    let rows: Vec<&str> = csv.lines().collect();
    assert_eq!(rows.len(), 6);
    assert!(rows[0].starts_with("submission,points,max_points,percent,problems,"));
    let cols = csv_fields(rows[0]).len();
    assert_eq!(cols, 5 + 6, "{csv}");
    assert!(rows[1..].iter().all(|r| csv_fields(r).len() == cols), "{csv}");
    assert!(rows[1].contains(",15,15,100.0,"));
}

#[test]
fn hostile_submissions_are_graded_within_their_limits() {
    let dir = tempdir("grade-hostile");
    let lab = lab::parse(&read("labs/two-lans.ron"), "lab.ron").unwrap();
    let good = write(&dir, "good.ron", &solved("labs/two-lans.ron", "labs/two-lans.solution.txt"));

    // 50 MB of text.
    let huge = dir.join("huge.ron");
    std::fs::write(&huge, "x".repeat(50 * 1024 * 1024)).unwrap();

    // 10,000 devices.
    let mut many = String::from("Lab(title: \"many\", devices: [");
    for i in 0..10_000 {
        many.push_str(&format!("Device(name: \"PC{i}\", model: Pc),"));
    }
    many.push_str("])");
    let many = write(&dir, "many.ron", &many);

    // A broadcast storm: two cables between the switches (the lab allows
    // recabling) with spanning tree turned off on both.
    let mut storm_lab = lab.clone();
    storm_lab.allow = vec![lab::Allowance::Cabling];
    let looped = solved("labs/two-lans.ron", "labs/two-lans.solution.txt")
        .replace(
            "(\"SW2:Fa0/1\", \"PC2:Fa0\"),",
            "(\"SW2:Fa0/1\", \"PC2:Fa0\"),\n        (\"SW1:Fa0/23\", \"SW2:Fa0/23\"),\n        (\"SW1:Fa0/24\", \"SW2:Fa0/24\"),",
        )
        .replace("hostname SW1\n", "hostname SW1\nno spanning-tree vlan 1\n")
        .replace("hostname SW2\n", "hostname SW2\nno spanning-tree vlan 1\n");
    assert!(looped.contains("no spanning-tree vlan 1"));
    let storm = write(&dir, "storm.ron", &looped);

    let limits = GradeLimits { max_events: 2_000_000, ..GradeLimits::default() };
    let started = std::time::Instant::now();
    let reports: Vec<_> =
        grade_all(&lab, &[huge, good.clone(), many], &limits, 2).into_iter().map(|r| r.unwrap()).collect();
    assert!(reports[0].problems[0].starts_with("file size limit"), "{:?}", reports[0].problems);
    assert_eq!(reports[0].points, 0);
    assert!(reports[1].is_full_marks(), "the good one next to them");
    assert!(reports[2].problems[0].starts_with("device limit"), "{:?}", reports[2].problems);

    let storm_reports: Vec<_> =
        grade_all(&storm_lab, &[storm, good], &limits, 2).into_iter().map(|r| r.unwrap()).collect();
    assert!(storm_reports[0].problems.iter().any(|p| p.starts_with("event limit")), "{:?}", storm_reports[0]);
    let ping = storm_reports[0].objectives.iter().find(|o| o.check.starts_with("Ping")).unwrap();
    assert!(!ping.passed && ping.why.as_deref().unwrap().contains("event limit"), "{ping:?}");
    assert!(storm_reports[1].is_full_marks());
    assert!(started.elapsed().as_secs() < 120, "graded in {:?}", started.elapsed());
}

#[test]
fn validate_checks_objective_devices_and_interfaces() {
    let text = read("labs/two-lans.ron");
    let bad = text.replace(
        "InterfaceIp(device: \"R1\", interface: \"G0/0/0\"",
        "InterfaceIp(device: \"R1\", interface: \"G0/0/7\"",
    );
    let e = lab::parse(&bad, "bad.ron").unwrap_err().to_string();
    assert!(e.contains("R1 GigabitEthernet0/0/7") && e.starts_with("bad.ron:"), "{e}");
    let bad = text.replace("Ping(from: \"PC1\"", "Ping(from: \"PC9\"");
    assert!(lab::parse(&bad, "bad.ron").unwrap_err().to_string().contains("unknown device `PC9`"));
    // Grading the same lab against itself works on the library API too.
    let lab = lab::parse(&text, "lab.ron").unwrap();
    assert_eq!(grade_lab(&lab, &lab, "self", &GradeLimits::default()).points, 0);
}

/// Split a CSV row, honouring quotes.
fn csv_fields(row: &str) -> Vec<String> {
    let mut fields = vec![String::new()];
    let mut quoted = false;
    let mut chars = row.chars().peekable();
    while let Some(c) = chars.next() {
        match (c, quoted) {
            ('"', true) if chars.peek() == Some(&'"') => {
                chars.next();
                fields.last_mut().unwrap().push('"');
            }
            ('"', _) => quoted = !quoted,
            (',', false) => fields.push(String::new()),
            (c, _) => fields.last_mut().unwrap().push(c),
        }
    }
    fields
}

/// A score depends on the lab and the submission only: a machine too slow
/// for the wall-clock guard reports "not graded", never a lower score, in
/// every format.
#[test]
fn too_slow_a_machine_reports_not_graded_not_a_lower_score() {
    let dir = tempdir("grade-slow");
    let lab = lab::parse(&read("labs/two-lans.ron"), "lab.ron").unwrap();
    let good = write(&dir, "good.ron", &solved("labs/two-lans.ron", "labs/two-lans.solution.txt"));
    let generous = grade_all(&lab, &[good.clone()], &GradeLimits::default(), 1).remove(0).unwrap();
    assert!(generous.is_full_marks());

    let tiny = GradeLimits { wall_clock: std::time::Duration::ZERO, ..GradeLimits::default() };
    let slow = grade_all(&lab, &[good], &tiny, 1).remove(0).unwrap();
    assert!(!slow.is_graded() && !slow.is_full_marks());
    let text = wirelab::grade::text(&[slow.clone()]);
    assert!(text.contains("NOT GRADED: took too long on this machine"), "{text}");
    assert!(!text.contains("points ("), "no score is printed: {text}");
    let json: serde_json::Value = serde_json::from_str(&wirelab::grade::json(&[slow.clone()])).unwrap();
    assert_eq!(json[0]["graded"], serde_json::Value::Bool(false));
    assert!(json[0]["points"].is_null(), "{json}");
    let csv = wirelab::grade::csv(&[slow]);
    let row = csv.lines().nth(1).unwrap();
    assert!(csv_fields(row)[1].is_empty(), "no points in the CSV: {row}");
}

#[test]
fn labels_stand_for_checks_and_feedback_hides_what_it_should() {
    let text = read("labs/dhcp.ron")
        .replace(
            "label: \"PC-B leases an address on its LAN, through R2\"",
            "label: \"PC-B leases an address on its LAN, through R2\", feedback: HintOnly",
        )
        .replace("label: \"PC-B reaches PC-A\"", "label: \"PC-B reaches PC-A\", feedback: Hidden");
    let lab = wirelab::lab::parse(&text, "dhcp.ron").unwrap();
    let report = wirelab::grade::grade_lab(&lab, &lab, "handed-out", &wirelab::grade::GradeLimits::default());
    let lease_b = &report.objectives[1];
    assert_eq!(lease_b.shown(), "PC-B leases an address on its LAN, through R2");
    assert!(lease_b.check.starts_with("DhcpLease PC-B"), "the check stays for instructors: {}", lease_b.check);
    assert!(!lease_b.passed && lease_b.why.is_none() && lease_b.hint.is_some(), "{lease_b:?}");
    let ping = &report.objectives[6];
    assert!(!ping.passed && ping.why.is_none() && ping.hint.is_none(), "{ping:?}");
    let full = &report.objectives[0];
    assert!(full.why.is_some(), "Full feedback says why: {full:?}");
    let text = wirelab::grade::text(std::slice::from_ref(&report));
    assert!(text.contains("FAIL    0/2   PC-B reaches PC-A\n"), "{text}");
    // A saved lab keeps labels and feedback.
    let saved = wirelab::lab::to_ron(&lab);
    assert!(saved.contains("feedback: Hidden") && saved.contains("label: \"PC-B reaches PC-A\""), "{saved}");
}

/// Objectives that cannot be gamed: passwords and `login` written inside a
/// banner are not configuration, and a PC given the address it must ping
/// does not pass by answering itself.
#[test]
fn a_banner_cannot_carry_configuration_and_a_device_cannot_ping_itself() {
    let lab = r#"Lab(
    title: "gaming",
    instructions: "Secure the vty lines.",
    seed: 5,
    devices: [
        Device(name: "R1", model: Router, at: (0.0, 0.0), config: "hostname R1"),
        Device(name: "PC1", model: Pc, at: (0.0, 100.0)),
    ],
    links: [("R1:G0/0/0", "PC1:F0")],
    objectives: [
        Objective(points: 1, check: ShowContains(device: "R1", command: "show running-config | section line vty", text: "password 7")),
        Objective(points: 1, check: ShowContains(device: "R1", command: "show running-config", text: "enable secret 5")),
        Objective(points: 1, check: ConfigLine(device: "R1", line: "enable secret 5 $1$fake")),
        Objective(points: 1, check: Ping(from: "PC1", to: "192.168.10.1")),
    ],
)"#;
    let parsed = wirelab::lab::parse(lab, "gaming.ron").unwrap();
    let gamed = "@R1\nenable\nconfigure terminal\nbanner motd #\nenable secret 5 $1$fake\nline vty 0 4\n password 7 00\n#\ninterface g0/0/0\n description enable secret 5 and password 7\nend\n@PC1\nipconfig 192.168.10.1 255.255.255.0\n";
    let (_, mut net) = boot(lab);
    transcript(&mut net, gamed);
    let saved = wirelab::lab::to_ron(&wirelab::lab::to_lab(&parsed, &net));
    let submission = wirelab::lab::parse(&saved, "gamed.ron").unwrap();
    let report = wirelab::grade::grade_lab(&parsed, &submission, "gamed", &wirelab::grade::GradeLimits::default());
    let text = wirelab::grade::text(std::slice::from_ref(&report));
    assert_eq!(report.points, 0, "a gamed submission scores:\n{text}");
    assert!(text.contains("192.168.10.1 is PC1's own address"), "{text}");
}

/// A ping with the largest repeat count to an address with no route (a
/// "ping bomb" in a configuration or an objective's command) advances
/// simulated time probe by probe, so the command's budget ends it and the
/// grade comes back.
#[test]
fn a_ping_bomb_ends_within_the_command_budget() {
    let lab = r#"Lab(
    title: "bomb",
    instructions: "x",
    seed: 5,
    devices: [
        Device(name: "R1", model: Router, at: (0.0, 0.0), config: "hostname R1\ndo ping 1.1.1.1 repeat 2147483647"),
    ],
    links: [],
    objectives: [
        Objective(points: 1, check: ShowContains(device: "R1", command: "ping 1.1.1.1 repeat 2147483647", text: "Success rate is 0 percent")),
        Objective(points: 1, check: ConfigLine(device: "R1", line: "hostname R1")),
    ],
)"#;
    let parsed = wirelab::lab::parse(lab, "bomb.ron").unwrap();
    let started = std::time::Instant::now();
    let report = wirelab::grade::grade_lab(&parsed, &parsed, "bomb", &wirelab::grade::GradeLimits::default());
    assert_eq!(report.points, 2, "{}", wirelab::grade::text(std::slice::from_ref(&report)));
    assert!(started.elapsed().as_secs() < 60, "took {:?}", started.elapsed());
}

/// `run --until` takes seconds from 0 to a week, and says so before
/// anything runs (1e300 used to run for ever; inf and NaN failed only after
/// the script).
#[test]
fn run_until_is_checked_before_anything_runs() {
    for bad in ["1e300", "inf", "NaN", "-1"] {
        let out = std::process::Command::new(bin())
            .args(["run", "labs/two-lans.ron", "--until", bad])
            .current_dir(root())
            .output()
            .expect("wirelab runs");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{bad}: {stderr}");
        assert!(stderr.contains("not a number of seconds"), "{bad}: {stderr}");
    }
}
