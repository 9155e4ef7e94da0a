//! Reading a lab: RON parsing with positions, validation of names and cables,
//! and booting every device from its configuration.

use crate::cli::Terminal;
use std::path::Path;

use ron::extensions::Extensions;

use super::schema::Lab;
use crate::base::{DeviceId, IfaceKind, IfaceName, Model};
use crate::net::{Network, NetworkError};

/// A problem with a lab file, with the place it comes from where one is known.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum LabError {
    #[error("{file}: {message}")]
    Io { file: String, message: String },
    #[error("{file}:{line}:{col}: {message}")]
    At { file: String, line: usize, col: usize, message: String },
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    /// Every problem found, one a line.
    #[error("{}", .0.iter().map(|e| e.to_string()).collect::<Vec<_>>().join("\n"))]
    Several(Vec<LabError>),
}

/// A configuration line a device's CLI rejected while the lab booted.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BuildWarning {
    pub device: String,
    /// 1-based line within the device's `config`.
    pub line: usize,
    pub text: String,
    pub response: String,
}

/// Simulated time a lab runs for when it is opened, as devices boot: more than
/// the 30 s spanning tree takes to bring switch ports to forwarding.
pub const BOOT_TIME: crate::sim::Duration = crate::sim::Duration::from_secs(40);

/// The largest lab file read (a grader's defence against hostile input).
pub const MAX_FILE_BYTES: u64 = 16 * 1024 * 1024;

pub fn load_file(path: &Path) -> Result<(Lab, String), LabError> {
    let file = path.display().to_string();
    let io = |e: std::io::Error| LabError::Io { file: file.clone(), message: e.to_string() };
    let meta = std::fs::metadata(path).map_err(io)?;
    // Only a regular file: a FIFO would block and a device never end.
    if !meta.is_file() {
        return Err(LabError::Invalid { file, message: "not a regular file".into() });
    }
    if meta.len() > MAX_FILE_BYTES {
        return Err(LabError::Invalid {
            file,
            message: format!("file is {} bytes; the limit is {MAX_FILE_BYTES}", meta.len()),
        });
    }
    // Read no more than the limit, whatever the file grows to meanwhile.
    let mut bytes = Vec::new();
    {
        use std::io::Read;
        std::fs::File::open(path).map_err(io)?.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes).map_err(io)?;
    }
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(LabError::Invalid { file, message: format!("file is over the limit of {MAX_FILE_BYTES} bytes") });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        // Where the first bad byte is, as an editor counts: line and column.
        let good = &e.as_bytes()[..e.utf8_error().valid_up_to()];
        let line = good.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = good.iter().rposition(|&b| b == b'\n').map_or(0, |p| p + 1);
        let col = String::from_utf8_lossy(&good[line_start..]).chars().count() + 1;
        LabError::At { file: file.clone(), line, col, message: "not UTF-8 text (save the file as UTF-8)".into() }
    })?;
    let lab = parse(&text, &file)?;
    Ok((lab, text))
}

/// Parse and validate lab text; `file` names it in errors.
pub fn parse(text: &str, file: &str) -> Result<Lab, LabError> {
    let options = ron::Options::default().with_default_extension(Extensions::IMPLICIT_SOME).with_recursion_limit(64);
    let lab: Lab = options.from_str(text).map_err(|e| LabError::At {
        file: file.to_string(),
        line: e.span.start.line,
        col: e.span.start.col,
        message: e.code.to_string(),
    })?;
    validate(&lab, text, file)?;
    Ok(lab)
}

/// The 1-based line and column of the first occurrence of `needle` (a string
/// literal's contents) in the source, for errors found after parsing.
fn locate(text: &str, needle: &str) -> Option<(usize, usize)> {
    locate_raw(text, &format!("\"{needle}\""))
}

/// Where `needle` first appears, as it is written (line and column from 1).
fn locate_raw(text: &str, needle: &str) -> Option<(usize, usize)> {
    let at = text.find(needle)?;
    let before = &text[..at];
    let line = before.matches('\n').count() + 1;
    let col = before.len() - before.rfind('\n').map_or(0, |p| p + 1) + 1;
    Some((line, col))
}

fn error_at(text: &str, file: &str, needle: &str, message: String) -> LabError {
    match locate(text, needle) {
        Some((line, col)) => LabError::At { file: file.to_string(), line, col, message },
        None => LabError::Invalid { file: file.to_string(), message },
    }
}

/// `"R1:G0/0/0"` → ("R1", GigabitEthernet0/0/0)
pub fn parse_endpoint(s: &str) -> Option<(&str, IfaceName)> {
    let (dev, iface) = s.split_once(':')?;
    Some((dev.trim(), IfaceName::parse(iface).ok()?))
}

/// Check what the schema cannot: names, cables, and what objectives refer
/// to. Every problem is reported, each at its place in the file.
/// The most one objective may be worth.
const MAX_POINTS: u32 = 1000;

fn validate(lab: &Lab, text: &str, file: &str) -> Result<(), LabError> {
    let mut problems = Vec::new();
    let mut too_many_points = Vec::new();
    let mut problem = |needle: &str, message: String| problems.push(error_at(text, file, needle, message));
    let mut seen: Vec<&str> = Vec::new();
    for d in &lab.devices {
        if d.name.is_empty() || d.name.contains(|c: char| c.is_whitespace() || c == ':') {
            problem(&d.name, format!("invalid device name `{}`", d.name));
        } else if seen.iter().any(|s| s.eq_ignore_ascii_case(&d.name)) {
            problem(&d.name, format!("duplicate device name `{}`", d.name));
        }
        seen.push(&d.name);
        if !d.pages.is_empty() && d.model != crate::base::Model::Server {
            problem(&d.name, format!("{} has pages, but only a Server runs a web service", d.name));
        }
        if let Some(path) = d.pages.keys().find(|p| !p.starts_with('/')) {
            problem(path, format!("page path `{path}` must start with /"));
        }
        // A position the canvas cannot draw (NaN, infinite, or so far out
        // that fitting the view loses every other device).
        if !(d.at.0.is_finite() && d.at.1.is_finite()) || d.at.0.abs() > 1e6 || d.at.1.abs() > 1e6 {
            problem(
                &d.name,
                format!("{} is placed at {:?}: a position is two numbers from -1000000 to 1000000", d.name, d.at),
            );
        }
    }
    let model_of = |name: &str| lab.devices.iter().find(|d| d.name.eq_ignore_ascii_case(name)).map(|d| d.model);
    let mut cabled: Vec<(String, IfaceName)> = Vec::new();
    for (a, b) in &lab.links {
        let mut ends = Vec::new();
        for end in [a, b] {
            let Some((dev, iface)) = parse_endpoint(end) else {
                problem(end, format!("`{end}` is not DEVICE:INTERFACE"));
                continue;
            };
            let Some(model) = model_of(dev) else {
                problem(end, format!("link names unknown device `{dev}`"));
                continue;
            };
            if model.port_index(&iface).is_none() {
                problem(end, format!("{dev} ({}) has no interface {iface}", model.name()));
                continue;
            }
            let key = (dev.to_ascii_lowercase(), iface);
            if cabled.contains(&key) {
                problem(end, format!("{dev} {} is cabled twice", key.1));
            }
            ends.push(key);
        }
        if ends.len() == 2 && ends[0] == ends[1] {
            problem(a, format!("a cable cannot connect {a} to itself"));
        }
        cabled.extend(ends);
    }
    for o in &lab.objectives {
        for dev in o.check.devices() {
            if model_of(dev).is_none() {
                problem(dev, format!("objective names unknown device `{dev}`"));
            }
        }
        for (dev, iface) in o.check.interfaces() {
            let Some(model) = model_of(dev) else { continue };
            let Ok(name) = IfaceName::parse(iface) else {
                problem(iface, format!("`{iface}` is not an interface name"));
                continue;
            };
            // Physical ports must exist on the model; logical ones are created by configuration.
            let physical =
                matches!(name.kind, IfaceKind::FastEthernet | IfaceKind::GigabitEthernet | IfaceKind::Serial);
            if physical && model.port_index(&name.parent()).is_none() {
                problem(iface, format!("objective names {dev} {name}, which a {} does not have", model.name()));
            }
        }
        if let Some((needle, message)) = o.check.invalid_value() {
            problem(&needle, message);
        }
        // Points stay in a range a sum cannot overflow.
        if o.points > MAX_POINTS {
            let message = format!("an objective is worth {} points: at most {MAX_POINTS}", o.points);
            let found = locate_raw(text, &o.points.to_string());
            too_many_points.push(match found {
                Some((line, col)) => LabError::At { file: file.to_string(), line, col, message },
                None => LabError::Invalid { file: file.to_string(), message },
            });
        }
    }
    problems.extend(too_many_points);
    match problems.len() {
        0 => Ok(()),
        1 => Err(problems.remove(0)),
        _ => Err(LabError::Several(problems)),
    }
}

/// Build a network from a lab: devices, cables, then each configuration typed
/// into its device's CLI. Returns the lines that were rejected.
pub fn build(lab: &Lab) -> Result<(Network, Vec<BuildWarning>), NetworkError> {
    build_limited(lab, crate::sim::Limits::default())
}

/// [`build`] with the boot itself held to `limits` (a grader's event
/// budget: a storm that starts at boot must not run unbounded).
pub fn build_limited(lab: &Lab, limits: crate::sim::Limits) -> Result<(Network, Vec<BuildWarning>), NetworkError> {
    let (mut net, mut warnings) = assemble(lab, false)?;
    net.set_limits(limits);
    // The lab is handed out running: let spanning tree settle as it would
    // while the devices boot, so the first command finds the ports forwarding.
    net.run_for(BOOT_TIME);
    // Then the hosts start, as PCs are switched on in a room whose network is
    // up: a PC set to DHCP asks once its switch port forwards, and the lab is
    // handed out when it has its lease (or, with no server, its APIPA address).
    let hosts: Vec<_> = lab.devices.iter().filter(|d| d.model.is_host()).collect();
    for d in &hosts {
        let id = net.find(&d.name).expect("added by assemble");
        warnings.extend(boot(&mut net, id, d.model, &d.config, None));
    }
    for d in &hosts {
        let id = net.find(&d.name).expect("added by assemble");
        net.run_while_busy(id, HOSTS_START);
    }
    // And IPv6 comes up on them: duplicate address detection, router
    // solicitations and SLAAC take a few seconds at most.
    let settling = |net: &Network| {
        hosts
            .iter()
            .any(|d| net.find(&d.name).and_then(|id| net.device(id).as_host()).is_some_and(|h| h.ipv6_settling()))
    };
    for _ in 0..100 {
        if !settling(&net) {
            break;
        }
        net.run_for(crate::sim::Duration::from_millis(100));
    }
    // Links that came up while later devices booted logged on earlier consoles.
    for id in 0..net.devices().len() {
        net.take_console(id);
    }
    Ok((net, warnings))
}

/// How long hand-out waits for the hosts' DHCP (a minute of DISCOVERs, then APIPA).
const HOSTS_START: crate::sim::Duration = crate::sim::Duration::from_secs(90);

/// The network a lab describes, every device configured, at simulated time
/// zero: `build` without the boot time (benchmarks time the two apart).
pub fn construct(lab: &Lab) -> Result<(Network, Vec<BuildWarning>), NetworkError> {
    assemble(lab, true)
}

/// Devices and cables, and the configurations of the network devices (and
/// of the hosts too, with `hosts`), typed at simulated time zero.
fn assemble(lab: &Lab, hosts: bool) -> Result<(Network, Vec<BuildWarning>), NetworkError> {
    let mut net = Network::new(lab.seed);
    for d in &lab.devices {
        let id = net.add_device(&d.name, d.model)?;
        net.device_mut(id).at = d.at;
    }
    for (a, b) in &lab.links {
        let (Some((da, ia)), Some((db, ib))) = (parse_endpoint(a), parse_endpoint(b)) else {
            return Err(NetworkError::UnknownDevice(format!("{a} / {b}")));
        };
        let ida = net.find(da).ok_or_else(|| NetworkError::UnknownDevice(da.to_string()))?;
        let idb = net.find(db).ok_or_else(|| NetworkError::UnknownDevice(db.to_string()))?;
        net.connect((ida, &ia), (idb, &ib))?;
    }
    let mut warnings = Vec::new();
    for d in lab.devices.iter().filter(|d| hosts || !d.model.is_host()) {
        let id = net.find(&d.name).expect("added above");
        warnings.extend(boot(&mut net, id, d.model, &d.config, d.startup.as_deref()));
    }
    // A Server's pages, as the lab sets them.
    for d in lab.devices.iter().filter(|d| !d.pages.is_empty()) {
        let id = net.find(&d.name).expect("added above");
        if let crate::device::Role::Host(h) = &mut net.device_mut(id).role {
            if let Some(web) = h.web.as_mut() {
                web.site.pages.extend(d.pages.iter().map(|(k, v)| (k.clone(), v.clone())));
            }
        }
    }
    Ok((net, warnings))
}

/// Type a device's configuration at boot, as IOS reads its startup-config.
fn boot(net: &mut Network, id: DeviceId, model: Model, config: &str, startup: Option<&str>) -> Vec<BuildWarning> {
    let mut warnings = Vec::new();
    let name = net.device(id).name.clone();
    if !model.is_host() {
        net.type_line(id, "enable");
        net.type_line(id, "configure terminal");
    }
    net.take_console(id);
    for (n, line) in config.lines().enumerate() {
        let response = net.type_line(id, line);
        let printed = net.take_console(id);
        if response.is_rejected() {
            warnings.push(BuildWarning {
                device: name.clone(),
                line: n + 1,
                text: line.to_string(),
                response: printed.trim().to_string(),
            });
        }
    }
    if !model.is_host() {
        net.type_line(id, "end");
        // NVRAM: what the lab says was saved, or else this very configuration.
        let startup = match startup {
            Some(saved) => Some(saved.trim_start_matches('\n').to_string()).filter(|s| !s.is_empty()),
            None => Some(crate::cli::ios::running_config::startup_text(net.device(id))),
        };
        let now = net.now();
        net.device_mut(id).boot_complete(now, startup);
    }
    net.take_console(id);
    warnings
}
