//! Generated topologies for measuring the engine, shared by `wirelab bench`
//! and `benches/`: a chain of routers, a large switched LAN, a campus.

use std::fmt::Write as _;
use std::net::Ipv4Addr;

use crate::base::{DeviceId, Model};
use crate::lab::{build, DeviceSpec, Lab};
use crate::net::Network;
use crate::proto::probe::{Kind, Pace, Silent, Spec};
use crate::sim::Duration;

fn device(name: &str, model: Model, config: String) -> DeviceSpec {
    DeviceSpec { name: name.to_string(), model, at: (0.0, 0.0), config, startup: None, pages: Default::default() }
}

fn lab(title: &str, devices: Vec<DeviceSpec>, links: Vec<(String, String)>) -> Lab {
    Lab {
        title: title.into(),
        instructions: String::new(),
        seed: 1,
        devices,
        links,
        objectives: Vec::new(),
        allow: Vec::new(),
    }
}

/// End system A – R1 … Rn – end system B over GigabitEthernet, static routes
/// everywhere. A and B are routers used as end systems: PCs have only a
/// FastEthernet port, and at 100 Mb/s a 64-byte echo every 10 µs would queue.
pub fn chain_lab(routers: usize) -> Lab {
    let net = |j: usize| format!("10.{}.{}", j / 256, j % 256);
    let end_system = |ip: String, gw: String| {
        format!("interface g0/0/0\n ip address {ip} 255.255.255.0\n no shutdown\nip route 0.0.0.0 0.0.0.0 {gw}\n")
    };
    let mut devices = vec![device("A", Model::Router, end_system(format!("{}.1", net(0)), format!("{}.2", net(0))))];
    let mut links = Vec::new();
    for i in 1..=routers {
        let mut cfg = format!(
            "hostname R{i}\ninterface g0/0/0\n ip address {}.2 255.255.255.0\n no shutdown\ninterface g0/0/1\n ip address {}.1 255.255.255.0\n no shutdown\n",
            net(i - 1),
            net(i)
        );
        for j in 0..=routers {
            if j + 1 < i {
                let _ = writeln!(cfg, "ip route {}.0 255.255.255.0 {}.1", net(j), net(i - 1));
            } else if j > i {
                let _ = writeln!(cfg, "ip route {}.0 255.255.255.0 {}.2", net(j), net(i));
            }
        }
        devices.push(device(&format!("R{i}"), Model::Router, cfg));
        let left = if i == 1 { "A:Gi0/0/0".to_string() } else { format!("R{}:Gi0/0/1", i - 1) };
        links.push((left, format!("R{i}:Gi0/0/0")));
    }
    devices.push(device("B", Model::Router, end_system(format!("{}.2", net(routers)), format!("{}.1", net(routers)))));
    links.push((format!("R{routers}:Gi0/0/1"), "B:Gi0/0/0".into()));
    lab("chain", devices, links)
}

/// The chain, ready to run: A pings B every `interval`, `count` times.
pub fn chain(routers: usize, propagation: Duration, interval: Duration, count: u32) -> (Network, DeviceId) {
    let (mut net, _) = build(&chain_lab(routers)).expect("generated lab is valid");
    for c in net.cables() {
        net.set_propagation(c.id, propagation);
    }
    let a = net.find("A").expect("A exists");
    let b_ip: Ipv4Addr = format!("10.{}.{}.2", routers / 256, routers % 256).parse().expect("valid address");
    let spec = Spec {
        dst: b_ip.into(),
        kind: Kind::Echo,
        count,
        size: 64,
        timeout: Duration::from_secs(2),
        pace: Pace::Fixed { interval },
        ident: 1,
    };
    net.start_probe(a, spec, Box::new(Silent));
    (net, a)
}

/// `hosts` PCs in one VLAN behind a core, distribution and access switches, and
/// a router as their gateway.
pub fn lan_lab(hosts: usize) -> Lab {
    let mut devices = vec![device(
        "R1",
        Model::Router,
        "interface g0/0/0\n ip address 10.0.0.1 255.255.252.0\n no shutdown\n".into(),
    )];
    let mut links = vec![("R1:Gi0/0/0".to_string(), "CORE:Gi0/1".to_string())];
    devices.push(device("CORE", Model::Switch, String::new()));
    let access_count = hosts.div_ceil(24);
    let dist_count = access_count.div_ceil(24);
    for d in 0..dist_count {
        let dname = format!("DIST{d}");
        devices.push(device(&dname, Model::Switch, String::new()));
        links.push((format!("CORE:Fa0/{}", d + 1), format!("{dname}:Gi0/1")));
    }
    for a in 0..access_count {
        let aname = format!("ACC{a}");
        devices.push(device(&aname, Model::Switch, String::new()));
        links.push((format!("DIST{}:Fa0/{}", a / 24, a % 24 + 1), format!("{aname}:Gi0/1")));
    }
    for h in 0..hosts {
        let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 0, 0, 10)) + h as u32);
        let name = format!("PC{h}");
        devices.push(device(&name, Model::Pc, format!("ipconfig {ip} 255.255.252.0 10.0.0.1\n")));
        links.push((format!("ACC{}:Fa0/{}", h / 24, h % 24 + 1), format!("{name}:Fa0")));
    }
    lab("lan", devices, links)
}

/// The LAN, ready to run: every host pings its gateway once a second.
pub fn lan(hosts: usize, pings: u32) -> Network {
    let (mut net, _) = build(&lan_lab(hosts)).expect("generated lab is valid");
    for h in 0..hosts {
        let id = net.find(&format!("PC{h}")).expect("host exists");
        let spec = Spec {
            dst: Ipv4Addr::new(10, 0, 0, 1).into(),
            kind: Kind::Echo,
            count: pings,
            size: 32,
            timeout: Duration::from_secs(4),
            pace: Pace::Fixed { interval: Duration::from_secs(1) },
            ident: 1,
        };
        net.start_probe(id, spec, Box::new(Silent));
    }
    net
}

/// A campus of `sites` sites, each a router, a core and two access switches and
/// `hosts_per_site` PCs. The site routers form a ring of serial links (a
/// chain when there are fewer than three) and run OSPF in area 0, their
/// LAN interfaces passive; each takes its router ID from its highest address.
pub fn campus_lab(sites: usize, hosts_per_site: usize) -> Lab {
    let mut devices = Vec::new();
    let mut links = Vec::new();
    let ring = sites >= 3;
    // Serial link k joins site k (.1 on its S0/1/0) to site k + 1 (.2 on its S0/1/1).
    let wan = |k: usize, host: usize| {
        let v = k * 4 + host;
        format!("172.{}.{}.{}", 16 + v / 65536, (v / 256) % 256, v % 256)
    };
    for s in 0..sites {
        let (hi, lo) = (s / 256, s % 256);
        let mut cfg =
            format!("hostname S{s}R\ninterface g0/0/0\n ip address 10.{hi}.{lo}.1 255.255.255.0\n no shutdown\n");
        let left = if s > 0 {
            Some(s - 1)
        } else if ring {
            Some(sites - 1)
        } else {
            None
        };
        if let Some(k) = left {
            let _ = write!(cfg, "interface s0/1/1\n ip address {} 255.255.255.252\n no shutdown\n", wan(k, 2));
        }
        if s + 1 < sites || ring {
            let _ = write!(cfg, "interface s0/1/0\n ip address {} 255.255.255.252\n no shutdown\n", wan(s, 1));
        }
        cfg.push_str(
            "router ospf 1\n passive-interface g0/0/0\n network 10.0.0.0 0.255.255.255 area 0\n network 172.16.0.0 0.15.255.255 area 0\n",
        );
        devices.push(device(&format!("S{s}R"), Model::Router, cfg));
        devices.push(device(&format!("S{s}CORE"), Model::Switch, String::new()));
        links.push((format!("S{s}R:Gi0/0/0"), format!("S{s}CORE:Gi0/1")));
        if let Some(k) = left {
            links.push((format!("S{k}R:Se0/1/0"), format!("S{s}R:Se0/1/1")));
        }
        let per_switch = hosts_per_site.div_ceil(2).min(24);
        for a in 0..2 {
            let aname = format!("S{s}ACC{a}");
            devices.push(device(&aname, Model::Switch, String::new()));
            links.push((format!("S{s}CORE:Fa0/{}", a + 1), format!("{aname}:Gi0/1")));
        }
        for h in 0..hosts_per_site.min(48) {
            let name = format!("S{s}PC{h}");
            devices.push(device(
                &name,
                Model::Pc,
                format!("ipconfig 10.{hi}.{lo}.{} 255.255.255.0 10.{hi}.{lo}.1\n", 10 + h),
            ));
            links.push((format!("S{s}ACC{}:Fa0/{}", h / per_switch, h % per_switch + 1), format!("{name}:Fa0")));
        }
    }
    lab("campus", devices, links)
}

/// Has a campus's OSPF converged: is every site router FULL with each
/// router at the far end of its serial links, with a route to every
/// network of the campus?
pub fn campus_converged(net: &Network) -> bool {
    let routers: Vec<&crate::device::Device> = net.devices().iter().filter(|d| d.model == Model::Router).collect();
    let sites = routers.len();
    let wan_links = if sites >= 3 { sites } else { sites.saturating_sub(1) };
    routers.iter().all(|d| {
        let Some(ios) = d.as_ios() else { return false };
        let serial_up =
            d.stack().ifaces.iter().filter(|i| i.up && i.name.kind == crate::base::IfaceKind::Serial).count();
        let full = ios
            .routing
            .ospf_running
            .values()
            .flat_map(|o| o.ifaces.iter().flat_map(|f| &f.neighbors))
            .filter(|n| n.state == crate::proto::ospf::NeighborState::Full)
            .count();
        let mut prefixes: Vec<_> = d
            .stack()
            .rib()
            .routes()
            .iter()
            .filter(|r| r.source != crate::proto::rib::Source::Local)
            .map(|r| r.prefix)
            .collect();
        prefixes.dedup();
        full == serial_up && prefixes.len() == sites + wan_links
    })
}

/// Place a campus lab's devices as a teacher would draw them, so the app can
/// draw it: each site in its own block, the router above its core switch,
/// the access switches below, and each access switch's PCs in rows under it.
/// The blocks tile the plane in a square.
pub fn lay_out(lab: &mut Lab) {
    const COLUMN: f32 = 90.0;
    const ROW: f32 = 100.0;
    const PCS_ACROSS: usize = 6;
    const BLOCK: (f32, f32) = (2.0 * PCS_ACROSS as f32 * COLUMN + 2.0 * COLUMN, 8.0 * ROW + ROW);
    let sites = lab.devices.iter().filter(|d| d.model == Model::Router).count().max(1);
    let across = (sites as f32).sqrt().ceil() as usize;
    // The PCs on each access switch, in cable order.
    let mut pcs_of: std::collections::BTreeMap<String, Vec<String>> = std::collections::BTreeMap::new();
    for (a, b) in &lab.links {
        let (a, b) = (a.split(':').next().unwrap_or(""), b.split(':').next().unwrap_or(""));
        if b.contains("PC") && a.contains("ACC") {
            pcs_of.entry(a.to_string()).or_default().push(b.to_string());
        }
    }
    let mut at: std::collections::BTreeMap<String, (f32, f32)> = std::collections::BTreeMap::new();
    for (site, d) in lab.devices.iter().filter(|d| d.model == Model::Router).enumerate() {
        let origin = ((site % across) as f32 * BLOCK.0, (site / across) as f32 * BLOCK.1);
        let centre = origin.0 + BLOCK.0 / 2.0 - COLUMN;
        let prefix = d.name.trim_end_matches('R');
        at.insert(d.name.clone(), (centre, origin.1));
        at.insert(format!("{prefix}CORE"), (centre, origin.1 + ROW));
        for a in 0..2 {
            let acc = format!("{prefix}ACC{a}");
            let left = origin.0 + a as f32 * (PCS_ACROSS as f32 * COLUMN + COLUMN);
            at.insert(acc.clone(), (left + (PCS_ACROSS - 1) as f32 * COLUMN / 2.0, origin.1 + 2.0 * ROW));
            for (i, pc) in pcs_of.get(&acc).into_iter().flatten().enumerate() {
                let (col, row) = (i % PCS_ACROSS, i / PCS_ACROSS);
                at.insert(pc.clone(), (left + col as f32 * COLUMN, origin.1 + (3 + row) as f32 * ROW));
            }
        }
    }
    // Anything the campus plan does not name goes on a grid below it.
    let below = (sites.div_ceil(across)) as f32 * BLOCK.1;
    let mut spare = 0;
    for d in &mut lab.devices {
        d.at = at.get(&d.name).copied().unwrap_or_else(|| {
            spare += 1;
            ((spare - 1) as f32 % 20.0 * COLUMN, below + ((spare - 1) / 20) as f32 * ROW)
        });
    }
}

/// Peak resident memory of this process, in bytes (Linux; 0 elsewhere).
pub fn peak_memory_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<u64>().ok())
        })
        .map_or(0, |kb| kb * 1024)
}
