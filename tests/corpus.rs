//! Real IOS configurations from tests/fixtures/corpus/ios-configs typed into the CLI:
//! every line of the CCNA curriculum is accepted and re-rendered; anything else
//! gets an IOS error, never a panic.

use std::collections::BTreeMap;
use std::path::PathBuf;
use wirelab::cli::Terminal;

use wirelab::base::{IfaceKind, IfaceName, Model};
use wirelab::lab;

/// The configurations, carried by the repository with their sources.
fn corpus_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus/ios-configs")
}

/// Commands of the curriculum, as the start of a top-level line...
const TOP: &[&str] = &[
    "hostname ",
    "enable secret",
    "enable password",
    "service password-encryption",
    "no ip domain-lookup",
    "no ip domain lookup",
    "ip domain-name",
    "ip domain name",
    "username ",
    "banner motd",
    "banner login",
    "ip route ",
    "ip default-gateway",
    "ip routing",
    "ipv6 unicast-routing",
    "ipv6 route ",
    "router ospf ",
    "ip dhcp excluded-address",
    "ip dhcp pool",
    "access-list ",
    "ip access-list standard",
    "ip access-list extended",
    "ip nat inside source",
    "ip nat pool",
    "vlan ",
    "spanning-tree mode",
    "spanning-tree vlan",
    "spanning-tree portfast",
    "interface ",
    "line ",
    "ip ssh version",
    "crypto key generate rsa",
];
const NOT_TOP: &[&str] =
    &["ip route vrf", "vlan internal", "vlan dot1q", "vlan configuration", "vlan access-map", "vlan filter"];

/// ...and of a line inside a block, by the block's first word(s).
const SUB: &[(&str, &[&str])] = &[
    (
        "interface",
        &[
            "ip address ",
            "no ip address",
            "shutdown",
            "no shutdown",
            "description ",
            "duplex ",
            "speed ",
            "clock rate",
            "encapsulation dot1q",
            "switchport mode access",
            "switchport mode trunk",
            "switchport mode dynamic",
            "switchport access vlan",
            "switchport trunk native vlan",
            "switchport trunk allowed vlan",
            "switchport nonegotiate",
            "switchport port-security",
            "switchport voice vlan",
            "spanning-tree portfast",
            "spanning-tree bpduguard",
            "channel-group ",
            "ip access-group",
            "ip nat inside",
            "ip nat outside",
            "ip helper-address",
            "ip ospf ",
            "ipv6 address",
            "ipv6 enable",
        ],
    ),
    (
        "router ospf",
        &[
            "network ",
            "router-id",
            "passive-interface",
            "default-information originate",
            "auto-cost reference-bandwidth",
        ],
    ),
    ("ip dhcp pool", &["network ", "default-router", "dns-server", "domain-name", "lease "]),
    ("ip access-list standard", &["permit ", "deny ", "remark ", "1", "2", "3", "4", "5", "6", "7", "8", "9"]),
    ("ip access-list extended", &["permit ", "deny ", "remark ", "1", "2", "3", "4", "5", "6", "7", "8", "9"]),
    ("vlan", &["name "]),
    ("line", &["password ", "login", "exec-timeout", "logging synchronous", "transport input", "access-class"]),
];
/// Variants that are not IOS (NX-OS, ASA) or not in the curriculum.
const NOT_SUB: &[&str] = &[
    "ip address virtual",
    "ip address dhcp",
    "ip ospf message-digest-key",
    "ip ospf demand-circuit",
    "ip ospf retransmit",
    "ip ospf transmit",
    "ip ospf passive-interface",
    "ip ospf authentication",
    "ip ospf bfd",
    "ip ospf shutdown",
    "auto-cost reference-bandwidth 40 gbps",
    "no shutdown lan",
    "speed basic-",
];

/// Lines real IOS rejects too: a network address as an interface address, and
/// a subnet that overlaps another interface's.
const IOS_REJECTS: &[&str] =
    &[" ip address 2.2.2.0 255.255.255.0", " ip address 3.3.3.0 255.255.255.0", " ip address 10.0.4.1 255.255.0.0"];

fn is_curriculum(line: &str, block: Option<&str>, model: Model, defined: &[String]) -> bool {
    let t = line.trim();
    let lower = t.to_ascii_lowercase();
    let words: Vec<&str> = lower.split_whitespace().collect();
    if NOT_SUB.iter().any(|n| lower.starts_with(n)) || IOS_REJECTS.contains(&line) {
        return false;
    }
    // IOS indents one level by one space (some files by two); deeper is NX-OS.
    if line.starts_with("   ") {
        return false;
    }
    if line.starts_with(' ') {
        let Some(block) = block else { return false };
        if lower == "no switchport" {
            return true;
        }
        if lower.starts_with("channel-group") && !lower.contains(" mode ") {
            return false;
        }
        return SUB.iter().any(|(head, subs)| block.starts_with(head) && subs.iter().any(|s| lower.starts_with(s)));
    }
    // Hardware this model does not have is not a CLI gap.
    let on_model = |w: &str| {
        IfaceName::parse(w).is_ok_and(|n| {
            model.port_index(&n.parent()).is_some()
                || matches!(n.kind, IfaceKind::Loopback | IfaceKind::Vlan | IfaceKind::PortChannel)
                    && (lower.starts_with("interface") || defined.contains(&n.to_string()))
        })
    };
    if lower.starts_with("interface ") && !on_model(t[10..].trim()) {
        return false;
    }
    if words.len() >= 4 && (words[0] == "ip" || words[0] == "ipv6") && words[1] == "route" {
        if words[2].contains('/') && words[0] == "ip" {
            return false;
        }
        let target = if words[0] == "ip" { words.get(4).copied().unwrap_or("") } else { words[3] };
        if target.starts_with(|c: char| c.is_ascii_alphabetic()) && !on_model(target) {
            return false;
        }
    }
    if lower.starts_with("ip nat pool") && words.get(4).is_none_or(|w| w.parse::<std::net::Ipv4Addr>().is_err()) {
        return false;
    }
    if lower.starts_with("router ospf") && words.get(2).is_none_or(|w| w.parse::<u32>().is_err()) {
        return false;
    }
    TOP.iter().any(|p| lower.starts_with(p)) && !NOT_TOP.iter().any(|p| lower.starts_with(p))
}

fn model_for(file: &str) -> Model {
    if file.contains("switch") {
        Model::Switch
    } else if file.contains("hier_config") || file.contains("cisco_interface") {
        Model::L3Switch
    } else {
        Model::Router
    }
}

/// Re-home the file's physical interfaces onto the model's ports, in order of
/// appearance, so the lines inside them are tested rather than the hardware.
fn rehome(text: &str, model: Model) -> String {
    let ports = model.ports();
    let mut map: BTreeMap<String, String> = BTreeMap::new();
    let mut used: Vec<IfaceName> = Vec::new();
    for line in text.lines() {
        let Some(name) = line.strip_prefix("interface ") else { continue };
        let name = name.trim();
        // Ethernet0/0 and the like: any Ethernet-ish port is re-homed.
        let parsed = IfaceName::parse(name).ok().or_else(|| {
            let lower = name.to_ascii_lowercase();
            lower.starts_with("ethernet").then(|| IfaceName::new(IfaceKind::FastEthernet, &[99]))
        });
        let Some(parsed) = parsed else { continue };
        if matches!(parsed.kind, IfaceKind::Loopback | IfaceKind::Vlan | IfaceKind::PortChannel) {
            continue;
        }
        let parent = parsed.parent();
        if model.port_index(&parent).is_some()
            && !used.contains(&parent)
            && !map.values().any(|v| *v == parent.to_string())
        {
            used.push(parent.clone());
            map.insert(name.split('.').next().unwrap_or(name).to_string(), parent.to_string());
            continue;
        }
        let key = name.split('.').next().unwrap_or(name).to_string();
        if map.contains_key(&key) {
            continue;
        }
        if let Some(free) = ports
            .iter()
            .find(|p| !used.contains(p) && p.kind == parent.kind)
            .or_else(|| ports.iter().find(|p| !used.contains(p)))
        {
            used.push(free.clone());
            map.insert(key, free.to_string());
        }
    }
    let mut out = String::new();
    for line in text.lines() {
        let mut l = line.to_string();
        for (from, to) in &map {
            if from != to {
                l = replace_word(&l, from, to);
            }
        }
        out.push_str(&l);
        out.push('\n');
    }
    out
}

fn replace_word(line: &str, from: &str, to: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while let Some(pos) = rest.find(from) {
        let end = pos + from.len();
        let boundary_before = pos == 0 || !rest.as_bytes()[pos - 1].is_ascii_alphanumeric();
        let boundary_after = rest[end..].chars().next().is_none_or(|c| !c.is_ascii_digit() && c != '/');
        out.push_str(&rest[..pos]);
        out.push_str(if boundary_before && boundary_after { to } else { from });
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

#[test]
fn corpus_configs_are_accepted_and_rerendered() {
    let dir = corpus_dir();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let mut failures = Vec::new();
    for path in files {
        let name = path.file_name().unwrap().to_string_lossy().to_string();
        let raw = std::fs::read_to_string(&path).unwrap();
        let model = model_for(&name);
        let text = rehome(&raw, model);
        let lab = lab::parse(
            &format!("Lab(title: \"corpus\", devices: [Device(name: \"D\", model: {})])", model.name()),
            "corpus.ron",
        )
        .unwrap();
        let (mut net, _) = lab::build(&lab).unwrap();
        net.type_line(0, "enable");
        net.type_line(0, "configure terminal");
        net.take_console(0);
        let (mut accepted, mut rejected, mut curriculum_rejected) = (0, 0, Vec::new());
        let defined: Vec<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("interface "))
            .filter_map(|n| IfaceName::parse(n.trim()).ok())
            .map(|n| n.to_string())
            .collect();
        let mut block: Option<String> = None;
        let mut in_banner = false;
        for line in text.lines() {
            if !line.starts_with(' ') && !line.trim().is_empty() && !line.starts_with('!') {
                block = Some(line.trim().to_ascii_lowercase());
            }
            let banner_start = line.starts_with("banner ");
            let outcome = net.type_line(0, line);
            let response = net.take_console(0);
            if in_banner
                || banner_start
                || line.trim().is_empty()
                || line.trim_start().starts_with('!')
                || line.trim() == "end"
            {
                in_banner = net.device(0).as_ios().is_some_and(|i| i.terminal.banner_in_progress.is_some());
                accepted += 1;
                continue;
            }
            if outcome.is_rejected() {
                rejected += 1;
                if is_curriculum(line, block.as_deref(), model, &defined)
                    && !response.contains("may not be configured on L2 links")
                {
                    curriculum_rejected.push(format!("{line:?} -> {}", response.trim().lines().last().unwrap_or("")));
                }
            } else {
                accepted += 1;
            }
        }
        // What was accepted renders back, and the rendering is itself accepted.
        let rendered = wirelab::cli::ios::running_config::render(net.device(0));
        assert!(rendered.contains("hostname"), "{name}");
        println!(
            "{name:<45} accepted {accepted:>4}  rejected {rejected:>4}  curriculum rejected {}",
            curriculum_rejected.len()
        );
        for c in &curriculum_rejected {
            println!("    {c}");
        }
        if !curriculum_rejected.is_empty() {
            failures.push(name);
        }
    }
    assert!(failures.is_empty(), "curriculum lines rejected in {failures:?}");
}

#[test]
fn rendered_corpus_configs_reload_identically() {
    let dir = corpus_dir();
    for file in ["wirelab__branch-router-4321.txt", "wirelab__access-switch-2960.txt"] {
        let text = std::fs::read_to_string(dir.join(file)).unwrap();
        let model = model_for(file);
        let boot = |config: &str| {
            let lab = lab::Lab {
                title: "t".into(),
                instructions: String::new(),
                seed: 1,
                devices: vec![lab::DeviceSpec {
                    name: "D".into(),
                    model,
                    at: (0.0, 0.0),
                    config: config.to_string(),
                    startup: None,
                    pages: Default::default(),
                }],
                links: Vec::new(),
                objectives: Vec::new(),
                allow: Vec::new(),
            };
            let (net, _) = lab::build(&lab).unwrap();
            wirelab::cli::ios::running_config::for_lab(net.device(0))
        };
        let once = boot(&text);
        let twice = boot(&once);
        assert_eq!(once, twice, "{file}");
        for must in
            ["interface", "ip access-list", "router ospf", "ip dhcp pool", "vlan 10", "switchport", "spanning-tree"]
        {
            if text.contains(must) {
                assert!(once.contains(must), "{file}: `{must}` lost in:\n{once}");
            }
        }
    }
}
