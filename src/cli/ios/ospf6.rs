//! OSPFv3 at the IOS CLI: `ipv6 router ospf N` and its mode (`router-id`,
//! `passive-interface`, `auto-cost`, `log-adjacency-changes`, the handlers
//! OSPFv2's mode uses), `ipv6 ospf N area A` and the other `ipv6 ospf`
//! interface settings (in `ipv6.rs`, through [`super::routing`]), `show
//! ipv6 ospf [neighbor | interface brief]`, `clear ipv6 ospf process` and
//! the running-config block, as IOS XE 16.9 prints them.

use super::tree::{Arg, Node, Word};
use super::{arg, kw, Cx, Handler, Tree};
use crate::base::Model;
use crate::cli::Rejection;
use crate::device::ios::Question;
use crate::device::{Device, Ios, Mode, Role};
use crate::proto::ospf::OspfProcess;
use crate::proto::ospf3::{Iface, Instance, LinkKind, NeighborState};
use crate::sim::Time;

/// `router ospf N` under `ipv6` in global configuration.
pub fn global_router() -> Node<Handler> {
    kw("router", "Enable an IPV6 routing process").sub(vec![kw("ospf", "Open Shortest Path First (OSPF)")
        .sub(vec![arg(Arg::Num(1, 65535), "Process ID").run(enter).no(enter)])])
}

/// The commands of `ipv6 router ospf` mode: OSPFv2's, less what OSPFv3
/// has no use for here (`network` statements; the default route and
/// several areas are not computed, so their commands are not offered).
pub fn router_ospf6() -> Tree {
    super::routing::router_ospf()
        .into_iter()
        .filter(|n| !matches!(n.word, Word::Key("network" | "default-information")))
        .collect()
}

/// `ipv6 router ospf N`: IPv6 routing must be on first, as IOS insists.
fn enter(cx: &mut Cx) {
    let Some(pid) = cx.num(0) else { return };
    if cx.negated {
        cx.ios().routing.ospf6.retain(|p| p.pid != pid);
        for i in &mut cx.ios().ifaces {
            if i.ospf6.process_area.is_some_and(|(p, _)| p == pid) {
                i.ospf6.process_area = None;
            }
        }
        return;
    }
    let ios = cx.ios();
    if !ios.routing.ipv6_routing {
        cx.reject(Rejection::Refused, "% IPv6 routing not enabled\n");
        return;
    }
    if !ios.routing.ospf6.iter().any(|p| p.pid == pid) {
        ios.routing.ospf6.push(OspfProcess { pid, ..Default::default() });
        ios.routing.ospf6.sort_by_key(|p| p.pid);
    }
    ios.terminal.mode = Mode::Ipv6RouterOspf { pid };
}

/// An `ipv6 router ospf` block.
pub fn process_lines(p: &OspfProcess) -> Vec<String> {
    let mut lines = super::routing::ospf_process_lines(p);
    lines[0] = format!("ipv6 router ospf {}", p.pid);
    lines
}

/// `ospf` under `show ipv6`.
pub fn show() -> Node<Handler> {
    kw("ospf", "OSPF information").when(|m| m != Model::Switch).sub(vec![
        kw("interface", "Interface information")
            .sub(vec![kw("brief", "Brief summary of OSPF interface information").plain(interface_brief)]),
        kw("neighbor", "Neighbor list").plain(neighbor),
    ])
}

/// `ospf process` under `clear ipv6`.
pub fn clear() -> Node<Handler> {
    kw("ospf", "OSPF clear commands").sub(vec![kw("process", "Reset OSPF process").plain(ask_clear)])
}

fn ask_clear(cx: &mut Cx) {
    cx.ios().terminal.question = Some(Question::ResetOspf6);
    cx.print(RESET_PROMPT);
}

pub const RESET_PROMPT: &str = "Reset selected OSPFv3 processes? [no]: ";

fn ios(dev: &Device) -> &Ios {
    match &dev.role {
        Role::Ios(i) => i,
        Role::Host(_) => unreachable!("show runs on IOS"),
    }
}

/// The heading every `show ipv6 ospf` block starts with.
fn heading(o: &Instance) -> String {
    let id = o.router_id.map_or_else(|| "0.0.0.0".to_string(), |r| r.to_string());
    format!("\n            OSPFv3 Router with ID ({id}) (Process ID {})\n", o.pid)
}

/// Interfaces as IOS lists them: the most recently enabled first.
fn ordered(o: &Instance) -> Vec<&Iface> {
    let mut v: Vec<&Iface> = o.ifaces.iter().collect();
    v.sort_by_key(|f| (f.area, std::cmp::Reverse(f.link.iface)));
    v
}

fn neighbor(cx: &mut Cx) {
    let text = neighbor_text(cx.dev, cx.now);
    cx.print(&text);
}

/// `show ipv6 ospf neighbor`.
pub fn neighbor_text(dev: &Device, now: Time) -> String {
    let mut out = String::new();
    for o in ios(dev).routing.ospf6_running.values().filter(|o| o.router_id.is_some()) {
        out.push_str(&heading(o));
        out.push_str("\nNeighbor ID     Pri   State           Dead Time   Interface ID    Interface\n");
        for f in ordered(o) {
            let mut heard: Vec<_> = f.neighbors.iter().filter(|n| n.state > NeighborState::Down).collect();
            heard.sort_by_key(|n| u32::from(n.router_id));
            for n in heard {
                let role = match f.neighbor_role(n) {
                    "-" => "  -",
                    r => r,
                };
                let priority = if f.kind == LinkKind::Broadcast { n.priority } else { 0 };
                let left = n.dead_at.since(now);
                let dead =
                    if left.secs() == 0 { format!("{} msec", left.millis()) } else { super::ospf_show::hms(left) };
                out.push_str(&format!(
                    "{:<15} {priority:>3}   {:<15} {dead:<11} {:<15} {}\n",
                    n.router_id.to_string(),
                    format!("{}/{role}", n.state.word()),
                    n.iface_id,
                    f.link.name
                ));
            }
        }
    }
    out
}

fn interface_brief(cx: &mut Cx) {
    let text = interface_brief_text(cx.dev);
    cx.print(&text);
}

/// `show ipv6 ospf interface brief`.
pub fn interface_brief_text(dev: &Device) -> String {
    let mut rows = String::new();
    for o in ios(dev).routing.ospf6_running.values() {
        for f in ordered(o) {
            let all = f.neighbors.iter().filter(|n| n.state > NeighborState::Down).count();
            let full = f.neighbors.iter().filter(|n| n.state == NeighborState::Full).count();
            let cost = if f.kind == LinkKind::Loopback { 1 } else { f.cost };
            rows.push_str(&format!(
                "{:<12} {:<5} {:<15} {:<10} {cost:<5} {:<5} {full}/{all}\n",
                f.link.name.short(),
                o.pid,
                f.area_as_written.to_string(),
                f.id,
                super::ospf_show::brief_state(f.state),
            ));
        }
    }
    if rows.is_empty() {
        return rows;
    }
    format!("Interface    PID   Area            Intf ID    Cost  State Nbrs F/C\n{rows}")
}
