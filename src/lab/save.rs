//! Writing a network back to a lab file: every device's running
//! configuration, positions and cables, in a stable layout (save → load → save
//! is byte-identical), written atomically.

use std::fmt::Write as _;
use std::path::Path;

use ron::extensions::Extensions;
use ron::ser::PrettyConfig;

use super::schema::{DeviceSpec, Lab};
use crate::device::Role;
use crate::net::Network;

/// The lab as it stands now: `template`'s text and objectives, the network's
/// devices, configurations and cables.
pub fn to_lab(template: &Lab, net: &Network) -> Lab {
    let devices = net
        .devices()
        .iter()
        .map(|d| DeviceSpec {
            name: d.name.clone(),
            model: d.model,
            at: d.at,
            config: match &d.role {
                Role::Ios(_) => crate::cli::ios::running_config::for_lab(d),
                Role::Host(h) => crate::cli::host::config_lines(h).iter().map(|l| format!("{l}\n")).collect(),
            },
            startup: unsaved_startup(d),
            pages: web_pages(d),
        })
        .collect();
    let links = net
        .cables()
        .into_iter()
        .map(|c| (format!("{}:{}", c.a.0, c.a.1.short()), format!("{}:{}", c.b.0, c.b.1.short())))
        .collect();
    Lab { devices, links, ..template.clone() }
}

/// A Server's pages, when they are not the ones a new server has.
fn web_pages(d: &crate::device::Device) -> std::collections::BTreeMap<String, String> {
    let default = crate::proto::http::Site::default().pages;
    match d.as_host().and_then(|h| h.web.as_ref()) {
        Some(w) if w.site.pages != default => w.site.pages.clone(),
        _ => Default::default(),
    }
}

/// An IOS device's startup-config when it is not its running-config (the
/// changes were never saved, or NVRAM was erased): kept so that a saved lab
/// reopens with NVRAM as it was. `None` when the two agree.
fn unsaved_startup(d: &crate::device::Device) -> Option<String> {
    let Role::Ios(ios) = &d.role else { return None };
    let running = crate::cli::ios::running_config::startup_text(d);
    match &ios.system.startup_config {
        Some(saved) if *saved == running => None,
        Some(saved) => Some(saved.clone()),
        None => Some(String::new()),
    }
}

fn quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() && c != '\n' => {
                let _ = write!(out, "\\u{{{:x}}}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn float(f: f32) -> String {
    let s = format!("{f:?}");
    if s.contains('.') || s.contains('e') || s.contains("inf") || s.contains("NaN") {
        s
    } else {
        format!("{s}.0")
    }
}

/// The lab as RON text, laid out for people: one device, cable or objective per
/// line, configurations as multi-line strings.
pub fn to_ron(lab: &Lab) -> String {
    let mut out = String::from("Lab(\n");
    let _ = writeln!(out, "    title: {},", quote(&lab.title));
    let _ = writeln!(out, "    instructions: {},", quote(&lab.instructions));
    let _ = writeln!(out, "    seed: {},", lab.seed);
    out.push_str("    devices: [\n");
    for d in &lab.devices {
        let _ = write!(
            out,
            "        Device(name: {}, model: {}, at: ({}, {})",
            quote(&d.name),
            d.model.name(),
            float(d.at.0),
            float(d.at.1)
        );
        if !d.config.is_empty() {
            let _ = write!(out, ", config: {}", quote(&format!("\n{}", d.config)));
        }
        if let Some(startup) = &d.startup {
            let text = if startup.is_empty() { String::new() } else { format!("\n{startup}") };
            let _ = write!(out, ", startup: {}", quote(&text));
        }
        if !d.pages.is_empty() {
            let pages: Vec<String> =
                d.pages.iter().map(|(path, page)| format!("{}: {}", quote(path), quote(page))).collect();
            let _ = write!(out, ", pages: {{{}}}", pages.join(", "));
        }
        out.push_str("),\n");
    }
    out.push_str("    ],\n    links: [\n");
    for (a, b) in &lab.links {
        let _ = writeln!(out, "        ({}, {}),", quote(a), quote(b));
    }
    out.push_str("    ],\n    objectives: [\n");
    let config = PrettyConfig::new()
        .struct_names(true)
        .compact_structs(true)
        .compact_arrays(true)
        .extensions(Extensions::IMPLICIT_SOME);
    for o in &lab.objectives {
        let text = ron::ser::to_string_pretty(o, config.clone()).unwrap_or_default();
        let text: String = text.lines().filter(|l| !l.starts_with("#![")).collect::<Vec<_>>().join(" ");
        let _ = writeln!(out, "        {},", text.trim());
    }
    out.push_str("    ],\n");
    if !lab.allow.is_empty() {
        let names: Vec<String> = lab.allow.iter().map(|a| format!("{a:?}")).collect();
        let _ = writeln!(out, "    allow: [{}],", names.join(", "));
    }
    out.push_str(")\n");
    out
}

/// Write `text` to `path` through a temporary file and a rename, so a crash
/// leaves either the old file or the new one, never half of one.
pub fn write_atomic(path: &Path, text: &str) -> std::io::Result<()> {
    // Saving onto a symbolic link writes the file it points to, not over the link.
    let target = std::fs::canonicalize(path).ok().filter(|t| t.is_file()).unwrap_or_else(|| path.to_path_buf());
    let path = target.as_path();
    let dir = path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    let name = path.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_else(|| "lab.ron".into());
    let tmp = dir.join(format!(".{name}.{}.tmp", std::process::id()));
    let written = (|| {
        use std::io::Write;
        let mut f = std::fs::File::create(&tmp)?;
        f.write_all(text.as_bytes())?;
        f.sync_all()?;
        std::fs::rename(&tmp, path)
    })();
    // Whatever failed (a full disk, a rename refused), no temporary file stays.
    if written.is_err() {
        let _ = std::fs::remove_file(&tmp);
    }
    written
}

/// Save a lab atomically; a lab too big for the loader to read back is
/// refused before anything is replaced.
pub fn save_file(path: &Path, lab: &Lab) -> std::io::Result<()> {
    let text = to_ron(lab);
    if text.len() as u64 > super::load::MAX_FILE_BYTES {
        return Err(std::io::Error::other(format!(
            "the lab would be {} bytes; a lab file is at most {} bytes, so it could not be opened again",
            text.len(),
            super::load::MAX_FILE_BYTES
        )));
    }
    write_atomic(path, &text)
}
