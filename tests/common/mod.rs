//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};

use wirelab::lab::{self, Lab};
use wirelab::script;
use wirelab::sim::Network;

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
