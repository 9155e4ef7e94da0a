//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use wirelab::lab::{self, Lab};
use wirelab::net::Network;
use wirelab::script;

pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

pub fn read(rel: &str) -> String {
    std::fs::read_to_string(root().join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

/// Load a lab from text, failing the test on any error or rejected config line.
pub fn boot(lab_text: &str) -> (Lab, Network) {
    let lab = lab::parse(lab_text, "test.ron").unwrap_or_else(|e| panic!("{e}"));
    let (net, warnings) = lab::build(&lab).unwrap_or_else(|e| panic!("{e}"));
    assert!(warnings.is_empty(), "config lines rejected: {warnings:#?}");
    (lab, net)
}

/// Run a script on a booted network and return the transcript.
pub fn transcript(net: &mut Network, script_text: &str) -> String {
    let steps = script::parse(script_text, "test.script", net).unwrap_or_else(|e| panic!("{e}"));
    let mut out = String::new();
    script::run(net, &steps, &mut out);
    out
}

/// Boot a lab file from the repository and run a script file on it.
pub fn run_files(lab_rel: &str, script_rel: &str) -> (Lab, Network, String) {
    let (lab, mut net) = boot(&read(lab_rel));
    let t = transcript(&mut net, &read(script_rel));
    (lab, net, t)
}

/// The part of a transcript from the first line containing `from` to the next prompt.
pub fn section<'a>(t: &'a str, from: &str) -> &'a str {
    let start = t.find(from).unwrap_or_else(|| panic!("`{from}` not in transcript:\n{t}"));
    &t[start..]
}

pub fn bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_wirelab"))
}

pub fn tempdir(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("wirelab-test-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("temp dir");
    dir
}

pub fn exists(p: &Path) -> bool {
    p.exists()
}

/// tshark's `fields` (tab-separated, one line per frame) for the frames of a
/// pcap that match `filter`; `None` when tshark is not installed (CI installs it).
#[allow(dead_code)]
pub fn tshark_fields(pcap: &[u8], filter: &str, fields: &[&str]) -> Option<String> {
    use std::process::Command;
    if !tool_available("tshark", "the decode check") {
        return None;
    }
    // Tests run on several threads: each call gets its own folder.
    static CALLS: std::sync::atomic::AtomicUsize = std::sync::atomic::AtomicUsize::new(0);
    let dir = tempdir(&format!("tshark-{}", CALLS.fetch_add(1, std::sync::atomic::Ordering::Relaxed)));
    let file = dir.join("capture.pcap");
    std::fs::write(&file, pcap).expect("write capture");
    let mut cmd = Command::new("tshark");
    cmd.arg("-r").arg(&file).args(["-Y", filter, "-T", "fields"]);
    for f in fields {
        cmd.args(["-e", f]);
    }
    let out = cmd.output().expect("tshark runs");
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

/// No frame of the capture is malformed or draws a warning from tshark.
#[allow(dead_code)]
pub fn assert_decodes_cleanly(pcap: &[u8]) {
    if let Some(flagged) = tshark_fields(pcap, "_ws.malformed || _ws.expert.severity >= warning", &["frame.number"]) {
        assert_eq!(flagged, "", "frames tshark flags");
    }
}

/// Whether `program` can be run. A test that needs a tool calls this and
/// returns early when it is missing on a developer's machine, but in CI (`CI`
/// set) a missing tool fails the test: a green CI never hides a suite that did
/// not run.
pub fn tool_available(program: &str, why: &str) -> bool {
    let found = std::process::Command::new(program)
        .arg("--version")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .status()
        .is_ok();
    if !found {
        if std::env::var_os("CI").is_some() {
            panic!("{program} is needed in CI ({why}) but cannot be run");
        }
        eprintln!("{program} is not installed: skipping {why} (CI installs it and fails without it)");
    }
    found
}

/// The IPv4 packets of a pcap of Ethernet frames (untagged): source,
/// destination, protocol, and the source and destination ports (the echo
/// identifier for ICMP; 0 when there is none).
pub fn pcap_ipv4(pcap: &[u8]) -> Vec<(std::net::Ipv4Addr, std::net::Ipv4Addr, u8, u16, u16)> {
    use std::net::Ipv4Addr;
    let mut out = Vec::new();
    let mut at = 24;
    while at + 16 <= pcap.len() {
        let len = u32::from_le_bytes(pcap[at + 8..at + 12].try_into().unwrap()) as usize;
        let frame = &pcap[at + 16..at + 16 + len];
        at += 16 + len;
        if frame.len() < 42 || frame[12..14] != [0x08, 0x00] {
            continue;
        }
        let ip = &frame[14..];
        let ihl = usize::from(ip[0] & 0x0f) * 4;
        let addr = |o: usize| Ipv4Addr::new(ip[o], ip[o + 1], ip[o + 2], ip[o + 3]);
        let port = |o: usize| u16::from_be_bytes([ip[ihl + o], ip[ihl + o + 1]]);
        let (sp, dp) = match ip[9] {
            6 | 17 => (port(0), port(2)),
            1 => (port(4), port(4)),
            _ => (0, 0),
        };
        out.push((addr(12), addr(16), ip[9], sp, dp));
    }
    out
}
