//! OSPF's show commands, rendered from the running processes
//! (`ios.routing.ospf_running`) as an ISR 4321 on IOS XE 16.9 lays them out:
//! `show ip ospf` (the process summary), `show ip ospf neighbor [detail]`,
//! `show ip ospf interface [brief | IFACE]`, `show ip ospf database`, and
//! OSPF's blocks of `show ip protocols` (see [`super::protocols`]).
//!
//! Lines that describe machinery the simulator does not have (NSF, LLS,
//! flood pacing, topology tables) are printed as IOS prints them on a box
//! where that machinery is idle.

use std::net::Ipv4Addr;

use super::tree::{Arg, Node};
use super::{arg, kw, Cx, Handler};
use crate::base::{IfaceName, Model};
use crate::device::{Device, Ios, Port, Role};
use crate::proto::ospf::lsa::{self, Body};
use crate::proto::ospf::{Iface, IfaceState, Instance, LinkKind, Neighbor, NeighborState};
use crate::sim::{Duration, Time};

/// `ospf` under `show ip`.
pub fn show_ip_ospf() -> Node<Handler> {
    kw("ospf", "OSPF information").when(|m| m != Model::Switch).plain(summary).sub(vec![
        arg(Arg::Num(1, 65535), "Process ID number").plain(summary),
        kw("database", "Database summary").plain(database),
        kw("interface", "Interface information").plain(interface).sub(vec![
            kw("brief", "Brief summary of OSPF interface information").plain(interface_brief),
            arg(Arg::Iface, "").plain(interface),
        ]),
        kw("neighbor", "Neighbor list")
            .plain(neighbor)
            .sub(vec![kw("detail", "detail of all neighbors").plain(neighbor)]),
    ])
}

fn ios(dev: &Device) -> &Ios {
    match &dev.role {
        Role::Ios(i) => i,
        Role::Host(_) => unreachable!("show runs on IOS"),
    }
}

/// `hh:mm:ss`, then `1d05h` and `3w4d` past a day, as IOS prints timers.
pub fn hms(d: Duration) -> String {
    super::show::route_age(d)
}

/// `hh:mm:ss.mmm` (start times, SPF runs), or `1d05h` past a day.
fn hms_millis(d: Duration) -> String {
    let s = d.secs();
    if s >= 86_400 {
        return hms(d);
    }
    format!("{:02}:{:02}:{:02}.{:03}", s / 3600, s % 3600 / 60, s % 60, d.millis() % 1000)
}

/// The OSPF interfaces in the order IOS lists them: by area, and within an
/// area the most recently created interface first (as the ISR captures
/// show: `Lo0`, `Gi0/0/1`, `Gi0/0/0`).
fn ordered(o: &Instance) -> Vec<&Iface> {
    let mut v: Vec<&Iface> = o.ifaces.iter().collect();
    v.sort_by_key(|f| (f.area, std::cmp::Reverse(f.link.iface)));
    v
}

/// Neighbours worth showing (a neighbour in Down is only a placeholder here).
fn neighbors(f: &Iface) -> Vec<&Neighbor> {
    let mut v: Vec<&Neighbor> = f.neighbors.iter().filter(|n| n.state > NeighborState::Down).collect();
    v.sort_by_key(|n| u32::from(n.router_id));
    v
}

/// A neighbour's role on the segment, as the State column words it.
fn role(f: &Iface, n: &Neighbor) -> &'static str {
    match f.neighbor_role(n) {
        // `FULL/  -`: the dash is right-aligned under the column.
        "-" => "  -",
        role => role,
    }
}

/// The priority IOS shows for a neighbour: 0 on point-to-point links.
fn priority(f: &Iface, n: &Neighbor) -> u8 {
    if f.kind == LinkKind::Broadcast {
        n.priority
    } else {
        0
    }
}

/// Time left on a neighbour's dead timer: `00:00:38`, or `700 msec` below a second.
fn dead_time(n: &Neighbor, now: Time) -> String {
    let left = n.dead_at.since(now);
    if left.secs() == 0 {
        format!("{} msec", left.millis())
    } else {
        hms(left)
    }
}

fn neighbor(cx: &mut Cx) {
    let text = if cx.has("detail") { neighbor_detail_text(cx.dev, cx.now) } else { neighbor_text(cx.dev, cx.now) };
    cx.print(&text);
}

/// `show ip ospf neighbor`: nothing at all without neighbours, as IOS XE.
pub fn neighbor_text(dev: &Device, now: Time) -> String {
    let mut rows = String::new();
    for o in ios(dev).routing.ospf_running.values() {
        for f in ordered(o) {
            for n in neighbors(f) {
                let state = format!("{}/{}", n.state.word(), role(f, n));
                rows.push_str(&format!(
                    "{:<15} {:>3}   {:<15} {:<11} {:<15} {}\n",
                    n.router_id.to_string(),
                    priority(f, n),
                    state,
                    dead_time(n, now),
                    n.addr.to_string(),
                    f.link.name
                ));
            }
        }
    }
    if rows.is_empty() {
        return rows;
    }
    format!("\nNeighbor ID     Pri   State           Dead Time   Address         Interface\n{rows}")
}

/// `show ip ospf neighbor detail`.
pub fn neighbor_detail_text(dev: &Device, now: Time) -> String {
    let mut out = String::new();
    for o in ios(dev).routing.ospf_running.values() {
        let mut index = 0;
        for f in ordered(o) {
            for n in neighbors(f) {
                index += 1;
                out.push_str(&format!(" Neighbor {}, interface address {}\n", n.router_id, n.addr));
                out.push_str(&format!("    In the area {} via interface {}\n", f.area_as_written, f.link.name));
                out.push_str(&format!(
                    "    Neighbor priority is {}, State is {}, {} state changes\n",
                    priority(f, n),
                    n.state.word(),
                    n.state_changes
                ));
                out.push_str(&format!("    DR is {} BDR is {}\n", n.dr, n.bdr));
                out.push_str("    Options is 0x12 in Hello (E-bit, L-bit)\n");
                out.push_str("    Options is 0x52 in DBD (E-bit, L-bit, O-bit)\n");
                out.push_str("    LLS Options is 0x1 (LR)\n");
                out.push_str(&format!("    Dead timer due in {}\n", dead_time(n, now)));
                out.push_str(&format!("    Neighbor is up for {:<8}\n", hms(now.since(n.since))));
                out.push_str(&format!(
                    "    Index 1/{index}/{index}, retransmission queue length {}, number of retransmission 0\n",
                    n.retransmit.len()
                ));
                out.push_str("    First 0x0(0)/0x0(0)/0x0(0) Next 0x0(0)/0x0(0)/0x0(0)\n");
                out.push_str("    Last retransmission scan length is 0, maximum is 0\n");
                out.push_str("    Last retransmission scan time is 0 msec, maximum is 0 msec\n");
            }
        }
    }
    out
}

fn interface_brief(cx: &mut Cx) {
    let text = interface_brief_text(cx.dev);
    cx.print(&text);
}

/// The State column of `show ip ospf interface brief` (at most 5 characters).
pub(super) fn brief_state(state: IfaceState) -> &'static str {
    match state {
        IfaceState::Down => "DOWN",
        IfaceState::Loopback => "LOOP",
        IfaceState::Waiting => "WAIT",
        IfaceState::PointToPoint => "P2P",
        IfaceState::DrOther => "DROTH",
        IfaceState::Backup => "BDR",
        IfaceState::Dr => "DR",
    }
}

/// The cost IOS shows: a loopback's is 1 whatever the bandwidth.
fn cost(f: &Iface) -> u16 {
    if f.kind == LinkKind::Loopback {
        1
    } else {
        f.cost
    }
}

/// `show ip ospf interface brief`.
pub fn interface_brief_text(dev: &Device) -> String {
    let mut out = String::new();
    for o in ios(dev).routing.ospf_running.values() {
        for f in ordered(o) {
            let all = neighbors(f);
            let full = all.iter().filter(|n| n.state == NeighborState::Full).count();
            out.push_str(&format!(
                "{:<12} {:<5} {:<15} {:<18} {:<5} {:<5} {full}/{}\n",
                f.link.name.short(),
                o.pid,
                f.area_as_written.to_string(),
                format!("{}/{}", f.addr(), f.prefix_len()),
                cost(f),
                brief_state(f.state),
                all.len()
            ));
        }
    }
    if out.is_empty() {
        return out;
    }
    format!("Interface    PID   Area            IP Address/Mask    Cost  State Nbrs F/C\n{out}")
}

fn interface(cx: &mut Cx) {
    let only = cx.iface().cloned();
    let text = interface_text(cx.dev, cx.now, only.as_ref());
    cx.print(&text);
}

/// `show ip ospf interface [IFACE]`.
pub fn interface_text(dev: &Device, now: Time, only: Option<&IfaceName>) -> String {
    let ios = ios(dev);
    let mut out = String::new();
    for o in ios.routing.ospf_running.values() {
        for f in ordered(o) {
            if only.is_none_or(|n| *n == f.link.name) {
                out.push_str(&interface_block(ios, &dev.ports, o, f, now));
            }
        }
    }
    match only {
        Some(name) if out.is_empty() => format!("%OSPF: OSPF not enabled on {name}\n"),
        _ => out,
    }
}

/// The router ID of whoever has `addr` on the segment (ourselves or a neighbour).
fn router_id_at(o: &Instance, f: &Iface, addr: Ipv4Addr) -> Ipv4Addr {
    if addr == f.addr() {
        return o.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
    }
    f.neighbors.iter().find(|n| n.addr == addr).map_or(addr, |n| n.router_id)
}

fn interface_block(ios: &Ios, ports: &[Port], o: &Instance, f: &Iface, now: Time) -> String {
    let (status, protocol) = super::show::status(ios, ports, &f.link.name);
    let rid = o.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
    let attached = if f.by_interface_command { "Interface Enable" } else { "Network Statement" };
    let network_type = match f.kind {
        LinkKind::Broadcast => "BROADCAST",
        LinkKind::PointToPoint => "POINT_TO_POINT",
        LinkKind::Loopback => "LOOPBACK",
    };
    let mut out = format!("{} is {status}, line protocol is {protocol} \n", f.link.name);
    out.push_str(&format!(
        "  Internet Address {}/{}, Area {}, Attached via {attached}\n",
        f.addr(),
        f.prefix_len(),
        f.area_as_written
    ));
    out.push_str(&format!("  Process ID {}, Router ID {rid}, Network Type {network_type}, Cost: {}\n", o.pid, cost(f)));
    out.push_str("  Topology-MTID    Cost    Disabled    Shutdown      Topology Name\n");
    out.push_str(&format!("        0           {:<10}no          no            Base\n", cost(f)));
    if f.by_interface_command {
        out.push_str("  Enabled by interface config, including secondary ip addresses\n");
    }
    if f.kind == LinkKind::Loopback {
        out.push_str("  Loopback interface is treated as a stub Host\n");
        return out;
    }
    let state = match f.state {
        IfaceState::Down => "DOWN",
        IfaceState::Loopback => "LOOPBACK",
        IfaceState::Waiting => "WAITING",
        IfaceState::PointToPoint => "POINT_TO_POINT",
        IfaceState::DrOther => "DROTHER",
        IfaceState::Backup => "BDR",
        IfaceState::Dr => "DR",
    };
    if f.kind == LinkKind::Broadcast {
        out.push_str(&format!("  Transmit Delay is 1 sec, State {state}, Priority {}\n", f.priority));
        if f.dr == Ipv4Addr::UNSPECIFIED {
            out.push_str("  No designated router on this network\n");
        } else {
            out.push_str(&format!(
                "  Designated Router (ID) {}, Interface address {}\n",
                router_id_at(o, f, f.dr),
                f.dr
            ));
        }
        if f.bdr == Ipv4Addr::UNSPECIFIED {
            out.push_str("  No backup designated router on this network\n");
        } else {
            out.push_str(&format!(
                "  Backup Designated router (ID) {}, Interface address {}\n",
                router_id_at(o, f, f.bdr),
                f.bdr
            ));
        }
    } else {
        out.push_str(&format!("  Transmit Delay is 1 sec, State {state}\n"));
    }
    out.push_str(&format!(
        "  Timer intervals configured, Hello {}, Dead {}, Wait {}, Retransmit 5\n",
        f.hello, f.dead, f.dead
    ));
    out.push_str("    oob-resync timeout 40\n");
    if f.state == IfaceState::Down {
        return out;
    }
    if f.passive {
        out.push_str("    No Hellos (Passive interface) \n");
    } else if let Some(at) = f.next_hello() {
        out.push_str(&format!("    Hello due in {}\n", hms(at.since(now))));
    }
    if let Some(at) = f.wait_until() {
        out.push_str(&format!("    Wait time before Designated router selection {}\n", hms(at.since(now))));
    }
    out.push_str("  Supports Link-local Signaling (LLS)\n");
    out.push_str("  Cisco NSF helper support enabled\n");
    out.push_str("  IETF NSF helper support enabled\n");
    out.push_str("  Index 1/1/1, flood queue length 0\n");
    out.push_str("  Next 0x0(0)/0x0(0)/0x0(0)\n");
    out.push_str("  Last flood scan length is 0, maximum is 0\n");
    out.push_str("  Last flood scan time is 0 msec, maximum is 0 msec\n");
    let all = neighbors(f);
    let full: Vec<&&Neighbor> = all.iter().filter(|n| n.state == NeighborState::Full).collect();
    out.push_str(&format!("  Neighbor Count is {}, Adjacent neighbor count is {} \n", all.len(), full.len()));
    for n in full {
        let suffix = match role(f, n) {
            "DR" => "  (Designated Router)",
            "BDR" => "  (Backup Designated Router)",
            _ => "",
        };
        out.push_str(&format!("    Adjacent with neighbor {}{suffix}\n", n.router_id));
    }
    out.push_str("  Suppress hello for 0 neighbor(s)\n");
    out
}

/// `show ip ospf [PID]`.
fn summary(cx: &mut Cx) {
    let text = summary_text(cx.dev, cx.now, cx.num(0));
    cx.print(&text);
}

/// IOS's sum of LSA checksums: `0x00E181`.
fn checksum_sum<'a>(lsas: impl Iterator<Item = &'a lsa::Lsa>) -> (usize, String) {
    let (mut n, mut sum) = (0, 0u32);
    for l in lsas {
        n += 1;
        sum = sum.wrapping_add(u32::from(l.header.checksum));
    }
    (n, format!("0x{sum:06X}"))
}

/// The line naming a router's roles, if it has any.
fn role_line(o: &Instance) -> Option<&'static str> {
    match (o.is_abr(), o.originates_default()) {
        (true, true) => Some("It is an area border and autonomous system boundary router"),
        (true, false) => Some("It is an area border router"),
        (false, true) => Some("It is an autonomous system boundary router"),
        (false, false) => None,
    }
}

/// An area the way its interfaces' configuration wrote it (`0` or `0.0.0.0`).
fn area_written(o: &Instance, area: u32) -> String {
    let written = o.ifaces.iter().find(|f| f.area == area).map(|f| f.area_as_written.to_string());
    written.unwrap_or_else(|| area.to_string())
}

/// An area as `show ip ospf` names it: `BACKBONE(0)` (or `BACKBONE(0.0.0.0)`), `1`.
fn area_name(o: &Instance, area: u32) -> String {
    let written = area_written(o, area);
    if area == 0 {
        format!("BACKBONE({written})")
    } else {
        written
    }
}

/// `show ip ospf`: each process's summary.
pub fn summary_text(dev: &Device, now: Time, pid: Option<u32>) -> String {
    let mut out = String::new();
    for o in ios(dev).routing.ospf_running.values().filter(|o| pid.is_none_or(|p| p == o.pid)) {
        let Some(rid) = o.router_id else { continue };
        out.push_str(&format!(" Routing Process \"ospf {}\" with ID {rid}\n", o.pid));
        out.push_str(&format!(
            " Start time: {}, Time elapsed: {}\n",
            hms_millis(o.started.since(Time::ZERO)),
            hms_millis(now.since(o.started))
        ));
        out.push_str(
            " Supports only single TOS(TOS0) routes\n Supports opaque LSA\n Supports Link-local Signaling (LLS)\n Supports area transit capability\n Supports NSSA (compatible with RFC 3101)\n Supports Database Exchange Summary List Optimization (RFC 5243)\n Event-log enabled, Maximum number of events: 1000, Mode: cyclic\n",
        );
        if let Some(line) = role_line(o) {
            out.push_str(&format!(" {line}\n"));
        }
        if o.originates_default() {
            out.push_str(" Redistributing External Routes from,\n");
        }
        out.push_str(
            " Router is not originating router-LSAs with maximum metric\n Initial SPF schedule delay 5000 msecs\n Minimum hold time between two consecutive SPFs 10000 msecs\n Maximum wait time between two consecutive SPFs 10000 msecs\n Incremental-SPF disabled\n Minimum LSA interval 5 secs\n Minimum LSA arrival 1000 msecs\n LSA group pacing timer 240 secs\n Interface flood pacing timer 33 msecs\n Retransmission pacing timer 66 msecs\n EXCHANGE/LOADING adjacency limit: initial 300, process maximum 300\n",
        );
        let (n, sum) = checksum_sum(o.externals.values().map(|s| &s.lsa));
        out.push_str(&format!(" Number of external LSA {n}. Checksum Sum {sum}\n"));
        out.push_str(" Number of opaque AS LSA 0. Checksum Sum 0x000000\n");
        out.push_str(" Number of DCbitless external and opaque AS LSA 0\n");
        out.push_str(" Number of DoNotAge external and opaque AS LSA 0\n");
        let areas = o.areas.len();
        out.push_str(&format!(" Number of areas in this router is {areas}. {areas} normal 0 stub 0 nssa\n"));
        out.push_str(" Number of areas transit capable is 0\n External flood list length 0\n");
        out.push_str(" IETF NSF helper support enabled\n Cisco NSF helper support enabled\n");
        let reference = o.config.reference_bandwidth.unwrap_or(crate::proto::ospf::DEFAULT_REFERENCE_MBPS);
        out.push_str(&format!(" Reference bandwidth unit is {reference} mbps\n"));
        for (area, db) in &o.areas {
            out.push_str(&format!("    Area {}\n", area_name(o, *area)));
            let ifaces: Vec<&Iface> = o.ifaces.iter().filter(|f| f.area == *area).collect();
            let loopbacks = ifaces.iter().filter(|f| f.kind == LinkKind::Loopback).count();
            let loopbacks = if loopbacks > 0 { format!(" ({loopbacks} loopback)") } else { String::new() };
            out.push_str(&format!("        Number of interfaces in this area is {}{loopbacks}\n", ifaces.len()));
            out.push_str("        Area has no authentication\n");
            if let Some(at) = o.last_spf() {
                out.push_str(&format!("        SPF algorithm last executed {} ago\n", hms_millis(now.since(at))));
            }
            out.push_str(&format!("        SPF algorithm executed {} times\n", db.spf_runs));
            out.push_str("        Area ranges are\n");
            let (n, sum) = checksum_sum(db.lsdb.values().map(|s| &s.lsa));
            out.push_str(&format!("        Number of LSA {n}. Checksum Sum {sum}\n"));
            out.push_str("        Number of opaque link LSA 0. Checksum Sum 0x000000\n");
            out.push_str("        Number of DCbitless LSA 0\n");
            out.push_str("        Number of indication LSA 0\n");
            out.push_str("        Number of DoNotAge LSA 0\n");
            out.push_str("        Flood list length 0\n");
        }
        out.push('\n');
    }
    out
}

fn database(cx: &mut Cx) {
    let text = database_text(cx.dev, cx.now);
    cx.print(&text);
}

/// `show ip ospf database`: each area's router, network, summary and
/// ASBR-summary LSAs, then the AS-external ones.
pub fn database_text(dev: &Device, now: Time) -> String {
    let mut out = String::new();
    for o in ios(dev).routing.ospf_running.values() {
        let Some(rid) = o.router_id else { continue };
        out.push_str(&format!("\n            OSPF Router with ID ({rid}) (Process ID {})\n", o.pid));
        for (area, db) in &o.areas {
            let written = area_written(o, *area);
            for (kind, title) in [
                (lsa::ROUTER, "Router Link States"),
                (lsa::NETWORK, "Net Link States"),
                (lsa::SUMMARY, "Summary Net Link States"),
                (lsa::ASBR_SUMMARY, "Summary ASB Link States"),
            ] {
                let rows: Vec<_> = db.lsdb.values().filter(|s| s.lsa.header.key.kind == kind).collect();
                if rows.is_empty() {
                    continue;
                }
                out.push_str(&format!("\n                {title} (Area {written})\n\n"));
                let last = if kind == lsa::ROUTER { " Link count" } else { "" };
                out.push_str(&format!("Link ID         ADV Router      Age         Seq#       Checksum{last}\n"));
                for s in rows {
                    let count = match &s.lsa.body {
                        Body::Router { links, .. } if kind == lsa::ROUTER => Some(links.len() as u32),
                        _ => None,
                    };
                    out.push_str(&database_row(&s.header(now), count));
                }
            }
        }
        if !o.externals.is_empty() {
            out.push_str("\n                Type-5 AS External Link States\n\n");
            out.push_str("Link ID         ADV Router      Age         Seq#       Checksum Tag\n");
            for s in o.externals.values() {
                let tag = match s.lsa.body {
                    Body::External { tag, .. } => tag,
                    _ => 0,
                };
                out.push_str(&database_row(&s.header(now), Some(tag)));
            }
        }
    }
    out
}

fn database_row(h: &lsa::LsaHeader, last: Option<u32>) -> String {
    let row = format!(
        "{:<15} {:<15} {:<11} 0x{:08X} 0x{:06X}",
        h.key.id.to_string(),
        h.key.adv.to_string(),
        h.age,
        h.sequence,
        h.checksum
    );
    match last {
        Some(v) => format!("{row} {v}\n"),
        None => format!("{row}\n"),
    }
}

/// OSPF's blocks of `show ip protocols`, one per process.
pub fn protocol_blocks(dev: &Device, now: Time) -> Vec<String> {
    let ios = ios(dev);
    let mut blocks = Vec::new();
    for o in ios.routing.ospf_running.values() {
        let config = ios.routing.ospf.iter().find(|c| c.pid == o.pid).unwrap_or(&o.config);
        let mut out = format!("Routing Protocol is \"ospf {}\"\n", o.pid);
        out.push_str("  Outgoing update filter list for all interfaces is not set\n");
        out.push_str("  Incoming update filter list for all interfaces is not set\n");
        let rid = o.router_id.unwrap_or(Ipv4Addr::UNSPECIFIED);
        out.push_str(&format!("  Router ID {rid}\n"));
        if let Some(line) = role_line(o) {
            out.push_str(&format!("  {line}\n"));
        }
        if o.originates_default() {
            // IOS prints this line one space less indented than its neighbours.
            out.push_str(" Redistributing External Routes from,\n");
        }
        let areas = o.areas.len();
        out.push_str(&format!("  Number of areas in this router is {areas}. {areas} normal 0 stub 0 nssa\n"));
        out.push_str("  Maximum path: 4\n");
        out.push_str("  Routing for Networks:\n");
        for n in &config.networks {
            out.push_str(&format!("    {} {} area {}\n", n.addr, n.wildcard, n.area));
        }
        // Interfaces enabled with `ip ospf N area A`, under each area as written.
        let explicit: Vec<&Iface> = ordered(o).into_iter().filter(|f| f.by_interface_command).collect();
        let mut areas_written: Vec<String> = Vec::new();
        for f in &explicit {
            let a = f.area_as_written.to_string();
            if !areas_written.contains(&a) {
                areas_written.push(a);
            }
        }
        for a in areas_written {
            out.push_str(&format!("  Routing on Interfaces Configured Explicitly (Area {a}):\n"));
            for f in explicit.iter().filter(|f| f.area_as_written.to_string() == a) {
                out.push_str(&format!("    {}\n", f.link.name));
            }
        }
        let passive: Vec<&IfaceName> = ios.ifaces.iter().map(|i| &i.name).filter(|n| passive_in(config, n)).collect();
        if !passive.is_empty() {
            out.push_str("  Passive Interface(s):\n");
            for n in passive {
                out.push_str(&format!("    {n}\n"));
            }
        }
        out.push_str("  Routing Information Sources:\n");
        out.push_str("    Gateway         Distance      Last Update\n");
        for (gateway, age) in information_sources(ios, o, now) {
            out.push_str(&format!("    {:<15} {:>8}      {}\n", gateway.to_string(), 110, hms(age)));
        }
        out.push_str("  Distance: (default is 110)\n");
        blocks.push(out);
    }
    blocks
}

/// Whether the process's configuration makes this interface passive.
fn passive_in(config: &crate::proto::ospf::OspfProcess, name: &IfaceName) -> bool {
    if config.passive_default {
        !config.not_passive.contains(name)
    } else {
        config.passive.contains(name)
    }
}

/// The routers OSPF routes come from (the fully adjacent neighbours), each
/// with the age of the newest route installed through it (or, when none is,
/// of the adjacency).
fn information_sources(ios: &Ios, o: &Instance, now: Time) -> Vec<(Ipv4Addr, Duration)> {
    let mut out: Vec<(Ipv4Addr, Duration)> = Vec::new();
    for f in ordered(o) {
        for n in neighbors(f).into_iter().filter(|n| n.state == NeighborState::Full) {
            let newest = ios
                .stack
                .rib()
                .routes()
                .iter()
                .filter(|r| r.source.is_ospf() && r.next_hop == Some(n.addr))
                .filter_map(|r| r.since)
                .max()
                .unwrap_or(n.since);
            let age = now.since(newest);
            match out.iter_mut().find(|(g, _)| *g == n.router_id) {
                Some(e) => e.1 = e.1.min(age),
                None => out.push((n.router_id, age)),
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn timers_print_as_ios_does() {
        assert_eq!(hms(Duration::from_secs(38)), "00:00:38");
        assert_eq!(hms_millis(Duration::from_millis(3_064_059)), "00:51:04.059");
        assert_eq!(hms_millis(Duration::from_secs(90_000)), "1d01h");
    }

    #[test]
    fn database_rows_follow_the_ios_columns() {
        let h = lsa::LsaHeader {
            age: 811,
            options: 0,
            key: lsa::LsaKey { kind: lsa::ROUTER, id: Ipv4Addr::new(1, 1, 1, 1), adv: Ipv4Addr::new(1, 1, 1, 1) },
            sequence: 0x8000_0002,
            checksum: 0x174D,
            length: 36,
        };
        // IOS 15 capture: `1.1.1.1         1.1.1.1         811         0x80000002 0x00174D 2`
        assert_eq!(database_row(&h, Some(2)), "1.1.1.1         1.1.1.1         811         0x80000002 0x00174D 2\n");
    }

    #[test]
    fn checksum_sums_are_six_hex_digits() {
        assert_eq!(checksum_sum(std::iter::empty()), (0, "0x000000".to_string()));
    }
}
