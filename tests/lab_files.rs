//! Lab files: errors that name file, line and column; exit codes of the
//! command line; save → load → save byte-identical; atomic saves.

mod common;
use common::*;

use std::process::Command;

use wirelab::lab::{self, LabError};

fn parse_err(text: &str) -> LabError {
    lab::parse(text, "bad.ron").expect_err("should be rejected")
}

const GOOD: &str = r#"Lab(
    title: "t",
    devices: [
        Device(name: "R1", model: Router, at: (0.0, 0.0)),
        Device(name: "PC1", model: Pc),
    ],
    links: [("R1:G0/0/0", "PC1:F0")],
)"#;

#[test]
fn syntax_errors_have_line_and_column() {
    let e = parse_err("Lab(\n    title: \"t\",\n    devices: [ Device(name: \"R1\", model: Rooter) ],\n)");
    match e {
        LabError::At { line, col, ref message, .. } => {
            assert_eq!(line, 3, "{e}");
            assert!(col > 10, "{e}");
            assert!(message.contains("Rooter") || message.contains("variant"), "{e}");
        }
        other => panic!("{other}"),
    }
    assert!(parse_err("").to_string().starts_with("bad.ron:1:1:"));
    assert!(matches!(parse_err("Lab(title: \"t\", devices: [], nonsense: 3)"), LabError::At { .. }));
}

#[test]
fn semantic_errors_name_the_offender_and_where_it_is() {
    let cases = [
        (GOOD.replace("\"PC1:F0\"", "\"PC1:G0/9\""), "PC1 (Pc) has no interface GigabitEthernet0/9", 7),
        (GOOD.replace("name: \"PC1\"", "name: \"R1\""), "duplicate device name `R1`", 4),
        (GOOD.replace("\"PC1:F0\"", "\"R1:G0/0/0\""), "cannot connect R1:G0/0/0 to itself", 7),
        (
            GOOD.replace(
                "[(\"R1:G0/0/0\", \"PC1:F0\")]",
                "[(\"R1:G0/0/0\", \"PC1:F0\"), (\"R1:gi0/0/0\", \"R1:G0/0/1\")]",
            ),
            "R1 GigabitEthernet0/0/0 is cabled twice",
            7,
        ),
        (GOOD.replace("\"PC1:F0\"", "\"PC9:F0\""), "unknown device `PC9`", 7),
        (GOOD.replace("at: (0.0, 0.0)", "at: (NaN, 0.0)"), "R1 is placed at (NaN, 0.0)", 4),
        (GOOD.replace("at: (0.0, 0.0)", "at: (inf, 1e300)"), "a position is two numbers from -1000000 to 1000000", 4),
        (
            GOOD.replace(
                "[(\"R1:G0/0/0\", \"PC1:F0\")]",
                "[(\"R1:G0/0/0\", \"PC1:F0\"), (\"R1:G0/0/1\", \"R1:g0/0/1\")]",
            ),
            "cannot connect R1:G0/0/1 to itself",
            7,
        ),
    ];
    for (text, want, line) in cases {
        let e = parse_err(&text);
        let s = e.to_string();
        assert!(s.contains(want), "{s}");
        // Every problem is reported; the one the case is about comes first.
        let first = match &e {
            LabError::Several(all) => &all[0],
            e => e,
        };
        assert!(matches!(first, LabError::At { line: l, .. } if *l == line), "{s}");
    }
}

#[test]
fn save_load_save_is_byte_identical() {
    for (l, s) in [
        ("labs/two-lans.ron", "labs/two-lans.solution.txt"),
        ("tests/labs/three-routers.ron", "tests/labs/three-routers.script"),
    ] {
        let (template, net, _) = run_files(l, s);
        let first = lab::to_ron(&lab::to_lab(&template, &net));
        let (reloaded_lab, reloaded) = boot(&first);
        let second = lab::to_ron(&lab::to_lab(&reloaded_lab, &reloaded));
        assert_eq!(first, second, "{l}");
        assert!(
            first.contains("ip address 192.168.1.1 255.255.255.0")
                || first.contains("ip route 10.3.3.0 255.255.255.0 10.0.12.2")
        );
    }
}

#[test]
fn command_line_exit_codes() {
    let dir = tempdir("exit");
    let bad = dir.join("bad.ron");
    std::fs::write(&bad, GOOD.replace("\"PC1:F0\"", "\"PC1:G0/9\"")).unwrap();
    let out = Command::new(bin()).args(["validate"]).arg(&bad).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.ron:7:") && err.contains("G0/9") || err.contains("GigabitEthernet0/9"), "{err}");

    let good = dir.join("good.ron");
    std::fs::write(&good, GOOD).unwrap();
    let out = Command::new(bin()).args(["validate"]).arg(&good).output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", String::from_utf8_lossy(&out.stderr));

    let script = dir.join("s.txt");
    std::fs::write(&script, "@R1\nenable\n@R9\nshow version\n").unwrap();
    let out = Command::new(bin()).arg("run").arg(&good).arg("--script").arg(&script).output().unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("s.txt:3: unknown device `R9`"));

    let out = Command::new(bin()).args(["run", "/nonexistent/lab.ron"]).output().unwrap();
    assert_eq!(out.status.code(), Some(2));

    // IOS errors are output, not failures of `run`.
    std::fs::write(&script, "@R1\nfrobnicate the router\nshow ip int brief\n").unwrap();
    let saved = dir.join("saved.ron");
    let out = Command::new(bin())
        .arg("run")
        .arg(&good)
        .arg("--script")
        .arg(&script)
        .arg("--save")
        .arg(&saved)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        stdout.contains("R1>frobnicate the router\nTranslating \"frobnicate\"")
            || stdout.contains("% Invalid input detected at '^' marker."),
        "{stdout}"
    );
    assert!(lab::load_file(&saved).is_ok());
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "temp files left: {leftovers:?}");
}

#[test]
fn huge_and_hostile_files_are_refused_cleanly() {
    let dir = tempdir("hostile");
    let deep = dir.join("deep.ron");
    std::fs::write(&deep, format!("Lab(title: \"t\", devices: {}{})", "[".repeat(10_000), "]".repeat(10_000))).unwrap();
    assert!(lab::load_file(&deep).is_err());
    let binary = dir.join("binary.ron");
    std::fs::write(&binary, [0xffu8, 0xfe, 0, 1, 2, 3]).unwrap();
    assert!(lab::load_file(&binary).is_err());
}

/// An objective worth more than 1000 points is refused where it is written,
/// so a report's sum cannot overflow ("4294967293 / 15 points").
#[test]
fn objective_points_are_bounded() {
    let text = r#"Lab(title: "p", instructions: "x", seed: 1, devices: [Device(name: "R1", model: Router, at: (0.0, 0.0))], links: [],
    objectives: [Objective(points: 4294967293, check: ConfigLine(device: "R1", line: "hostname R1"))])"#;
    let e = wirelab::lab::parse(text, "p.ron").unwrap_err().to_string();
    assert!(e.contains("p.ron:2:") && e.contains("at most 1000"), "{e}");
}

/// Only regular files are read (a FIFO would block `grade` for ever, a link
/// to /dev/zero never end), and saving through a symbolic link writes the
/// file it points to, leaving the link and no temporary file.
#[cfg(unix)]
#[test]
fn hostile_paths_are_refused_and_saves_follow_links() {
    let dir = tempdir("hostile-paths");
    let zero = dir.join("zero.ron");
    let _ = std::fs::remove_file(&zero);
    std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
    let e = wirelab::lab::load_file(&zero).unwrap_err().to_string();
    assert!(e.contains("not a regular file"), "{e}");
    let fifo = dir.join("fifo.ron");
    let _ = std::fs::remove_file(&fifo);
    if std::process::Command::new("mkfifo").arg(&fifo).status().is_ok_and(|s| s.success()) {
        let e = wirelab::lab::load_file(&fifo).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }
    let (lab, _) = wirelab::lab::load_file(&root().join("labs/two-lans.ron")).unwrap();
    let real = dir.join("real.ron");
    std::fs::write(&real, "old").unwrap();
    let link = dir.join("link.ron");
    let _ = std::fs::remove_file(&link);
    std::os::unix::fs::symlink(&real, &link).unwrap();
    wirelab::lab::save_file(&link, &lab).unwrap();
    assert!(std::fs::symlink_metadata(&link).unwrap().file_type().is_symlink(), "the link stays a link");
    assert!(std::fs::read_to_string(&real).unwrap().starts_with("Lab("), "the target has the lab");
    let leftovers: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn a_file_that_is_not_utf8_says_where_the_bad_byte_is() {
    let dir = tempdir("latin1");
    let path = dir.join("latin1.ron");
    // "é" in Latin-1 on line 2, column 14.
    std::fs::write(&path, b"Lab(\n    title: \"R\xe9seau\",\n    devices: [], links: [])").unwrap();
    let e = lab::load_file(&path).unwrap_err();
    assert!(matches!(e, LabError::At { line: 2, col: 14, .. }), "{e}");
    assert!(e.to_string().contains("not UTF-8"), "{e}");
}
