//! The house keeps its floors: each room of the crate may use the rooms on
//! its own floor or below, never one above (so the fabric knows no devices,
//! protocols know neither devices nor the CLI, and devices never call the
//! CLI). This test reads the sources, so the rule holds without anyone having
//! to remember it; the map is the one at the top of `src/lib.rs`.

mod common;

use std::path::{Path, PathBuf};

/// Each room and its floor, from the ground up.
const FLOORS: &[(&str, u8)] = &[
    ("base", 0),
    ("sim", 1),
    ("proto", 2),
    ("device", 3),
    ("net", 4),
    ("cli", 5),
    ("lab", 6),
    ("script", 6),
    ("grade", 7),
    ("bench", 7),
    ("app", 8),
    ("gui", 9),
];

fn floor(room: &str) -> Option<u8> {
    FLOORS.iter().find(|(r, _)| *r == room).map(|(_, f)| *f)
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("readable source folder") {
        let path = entry.expect("entry").path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The module path of a source file below `src/`: `src/proto/stp.rs` is
/// `["proto", "stp"]`, `src/device/ios/mod.rs` is `["device", "ios"]`.
fn module_path(rel: &Path) -> Vec<String> {
    let mut parts: Vec<String> = rel.iter().map(|p| p.to_string_lossy().to_string()).collect();
    let last = parts.pop().expect("a file name");
    let stem = last.trim_end_matches(".rs").to_string();
    if stem != "mod" {
        parts.push(stem);
    }
    parts
}

/// The rooms a line names: `crate::X`, and `super::...::X` chains that climb
/// to the crate root from `module`.
fn rooms_named(line: &str, module: &[String]) -> Vec<String> {
    let mut rooms = Vec::new();
    let mut rest = line;
    while let Some(at) = rest.find("crate::") {
        let after = &rest[at + "crate::".len()..];
        let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
        rooms.push(name);
        rest = after;
    }
    let mut rest = line;
    while let Some(at) = rest.find("super::") {
        let mut after = &rest[at..];
        let mut climbs = 0;
        while let Some(next) = after.strip_prefix("super::") {
            climbs += 1;
            after = next;
        }
        // From a file, `super` is its parent module; climbing past the room reaches the root.
        if climbs >= module.len() {
            let name: String = after.chars().take_while(|c| c.is_alphanumeric() || *c == '_').collect();
            rooms.push(name);
        }
        rest = &rest[at + "super::".len() * climbs..];
    }
    rooms
}

#[test]
fn no_room_imports_a_floor_above_it() {
    let src = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    let mut wrong = Vec::new();
    for file in &files {
        let rel = file.strip_prefix(&src).expect("below src");
        let module = module_path(rel);
        let Some(room) = module.first() else { continue };
        let Some(mine) = floor(room) else { continue };
        let text = std::fs::read_to_string(file).expect("readable");
        for (n, line) in text.lines().enumerate() {
            let code = line.trim_start();
            if code.starts_with("//") {
                continue;
            }
            for other in rooms_named(code, &module) {
                if let Some(theirs) = floor(&other) {
                    if theirs > mine {
                        wrong.push(format!(
                            "{}:{}: {room} (floor {mine}) uses {other} (floor {theirs})",
                            rel.display(),
                            n + 1
                        ));
                    }
                }
            }
        }
    }
    assert!(wrong.is_empty(), "imports from a floor above:\n{}", wrong.join("\n"));
}

#[test]
fn every_room_is_on_the_map_and_every_file_says_what_it_is() {
    let src = common::root().join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    for file in &files {
        let rel = file.strip_prefix(&src).expect("below src");
        let module = module_path(rel);
        let text = std::fs::read_to_string(file).expect("readable");
        assert!(text.starts_with("//!"), "{} has no //! map at its top", rel.display());
        let room = &module[0];
        let known = floor(room).is_some() || ["lib", "main", "console"].contains(&room.as_str());
        assert!(known, "{} is in room `{room}`, which the floor plan does not list", rel.display());
    }
}

/// The test's own reading of paths, on lines like the ones it meets.
#[test]
fn reads_crate_paths_and_climbs_of_super() {
    let stp = vec!["proto".to_string(), "stp".to_string()];
    assert_eq!(rooms_named("use crate::device::Device;", &stp), ["device"]);
    assert_eq!(rooms_named("use super::Mac;", &stp), Vec::<String>::new());
    assert_eq!(rooms_named("use super::super::cli::x;", &stp), ["cli"]);
    let proto = vec!["proto".to_string()];
    assert_eq!(rooms_named("pub use super::net::Network;", &proto), ["net"]);
}
