//! Routing configuration beyond static routes: `router ospf` and its
//! interface settings, `ip routing` (IPv6 is in `ipv6.rs`).

use super::tree::{Arg, Node};
use super::{arg, kw, Cx, Handler, Tree};
use crate::base::Model;
use crate::cli::Rejection;
use crate::device::Mode;
use crate::proto::ospf::{Area, NetworkStatement, OspfIface, OspfProcess};

fn layer3(m: Model) -> bool {
    m != Model::Switch
}

pub fn global() -> Tree {
    vec![kw("router", "Enable a routing process").when(layer3).sub(vec![
        kw("ospf", "Open Shortest Path First (OSPF)")
            .sub(vec![arg(Arg::Num(1, 65535), "Process ID").run(enter_router_ospf)]),
        kw("rip", "Routing Information Protocol (RIP)").run(super::rip::enter),
    ])]
}

/// Under `ip` in global configuration.
pub fn ip_routing() -> Node<Handler> {
    kw("routing", "Enable IP routing").when(layer3).run(ip_routing_handler)
}

pub fn router_ospf() -> Tree {
    vec![
        kw("router-id", "router-id for this OSPF process").no(router_id).sub(vec![arg(
            Arg::Ipv4,
            "OSPF router-id in IP address format",
        )
        .run(router_id)]),
        kw("network", "Enable routing on an IP network").sub(vec![arg(Arg::Ipv4, "Network number").sub(vec![arg(
            Arg::Ipv4,
            "OSPF wild card bits",
        )
        .sub(vec![kw("area", "Set the OSPF area ID").sub(vec![arg(
            Arg::Word,
            "OSPF area ID as a decimal value or in IP address format",
        )
        .run(network)])])])]),
        kw("passive-interface", "Suppress routing updates on an interface").sub(vec![
            kw("default", "Suppress routing updates on all interfaces").run(passive),
            arg(Arg::Iface, "").run(passive),
        ]),
        kw("auto-cost", "Calculate OSPF interface cost according to bandwidth").sub(vec![kw(
            "reference-bandwidth",
            "Use reference bandwidth method to assign OSPF cost",
        )
        .no(reference_bandwidth)
        .sub(vec![arg(Arg::Num(1, 4_294_967), "The reference bandwidth in terms of Mbits per second")
            .run(reference_bandwidth)])]),
        kw("default-information", "Control distribution of default information").sub(vec![kw(
            "originate",
            "Distribute a default route",
        )
        .run(default_originate)
        .sub(vec![kw("always", "Always advertise default route").run(default_originate)])]),
        kw("log-adjacency-changes", "Log changes in adjacency state").run(log_adjacency).sub(vec![kw(
            "detail",
            "Log all state changes",
        )
        .run(log_adjacency)]),
        kw("exit", "Exit from routing protocol configuration mode").plain(super::config::exit),
        kw("end", "Exit from configure mode").plain(super::config::end),
    ]
}

/// `ip ospf ...` under an interface.
pub fn interface_ospf() -> Node<Handler> {
    interface_ospf_with(if_ospf)
}

/// `ip ospf ...` or `ipv6 ospf ...`: one tree, each version's handler.
pub(super) fn interface_ospf_with(if_ospf: Handler) -> Node<Handler> {
    kw("ospf", "OSPF interface commands").when(layer3).sub(vec![
        arg(Arg::Num(1, 65535), "Process ID")
            .sub(vec![kw("area", "Set the OSPF area ID").sub(vec![arg(
                Arg::Word,
                "OSPF area ID as a decimal value or in IP address format",
            )
            .run(if_ospf)])])
            .no(if_ospf),
        kw("cost", "Interface cost").no(if_ospf).sub(vec![arg(Arg::Num(1, 65535), "Cost").run(if_ospf)]),
        kw("priority", "Router priority").no(if_ospf).sub(vec![arg(Arg::Num(0, 255), "Priority").run(if_ospf)]),
        kw("hello-interval", "Time between HELLO packets")
            .no(if_ospf)
            .sub(vec![arg(Arg::Num(1, 65535), "Seconds").run(if_ospf)]),
        kw("dead-interval", "Interval after which a neighbor is declared dead").no(if_ospf).sub(vec![arg(
            Arg::Num(1, 65535),
            "Seconds",
        )
        .run(if_ospf)]),
        kw("network", "Network type")
            .sub(vec![kw("point-to-point", "Specify OSPF point-to-point network").run(if_ospf)]),
    ])
}

/// The process whose mode the terminal is in (`router ospf` or `ipv6 router ospf`).
fn process<'a>(cx: &'a mut Cx) -> Option<&'a mut OspfProcess> {
    match routing_mode(cx) {
        Some((pid, false)) => cx.ios().routing.ospf.iter_mut().find(|p| p.pid == pid),
        Some((pid, true)) => cx.ios().routing.ospf6.iter_mut().find(|p| p.pid == pid),
        None => None,
    }
}

/// The process ID of the terminal's routing mode, and whether it is OSPFv3.
fn routing_mode(cx: &mut Cx) -> Option<(u32, bool)> {
    match cx.ios().terminal.mode {
        Mode::RouterOspf { pid } => Some((pid, false)),
        Mode::Ipv6RouterOspf { pid } => Some((pid, true)),
        _ => None,
    }
}

fn enter_router_ospf(cx: &mut Cx) {
    let Some(pid) = cx.num(0) else { return };
    if cx.negated {
        cx.ios().routing.ospf.retain(|p| p.pid != pid);
        return;
    }
    let ios = cx.ios();
    if !ios.routing.ospf.iter().any(|p| p.pid == pid) {
        ios.routing.ospf.push(OspfProcess { pid, ..Default::default() });
        ios.routing.ospf.sort_by_key(|p| p.pid);
    }
    ios.terminal.mode = Mode::RouterOspf { pid };
}

/// The new ID waits for `clear ip ospf process` (or a reload) when the
/// process already runs with another one, and IOS says so.
fn router_id(cx: &mut Cx) {
    let id = if cx.negated { None } else { cx.ip(0) };
    let Some(p) = process(cx) else { return };
    let (pid, before) = (p.pid, p.router_id);
    p.router_id = id;
    let v6 = routing_mode(cx).is_some_and(|(_, v6)| v6);
    let routing = &cx.ios().routing;
    let running = if v6 {
        routing.ospf6_running.get(&pid).filter(|o| o.has_neighbors()).and_then(|o| o.router_id)
    } else {
        routing.ospf_running.get(&pid).filter(|o| o.has_neighbors()).and_then(|o| o.router_id)
    };
    let pending = match (running, id) {
        (Some(current), Some(new)) => current != new,
        // A process without neighbours takes the new ID at once (`running` is `None` then).
        // `no router-id` after one was configured: the choice is made again at the next clear.
        (Some(_), None) => before.is_some(),
        (None, _) => false,
    };
    if pending && v6 {
        cx.print("% OSPFv3: Reload or use \"clear ipv6 ospf process\" command, for this to take effect\n");
    } else if pending {
        cx.print("% OSPF: Reload or use \"clear ip ospf process\" command, for this to take effect\n");
    }
}

fn parse_area(cx: &mut Cx) -> Option<Area> {
    let w = cx.word(0)?.to_string();
    let area = Area::parse(&w);
    if area.is_none() {
        let col = cx.rest_column().unwrap_or(0);
        cx.invalid_at(col);
    }
    area
}

/// The wildcard bits of a `network` statement as IOS takes them: wildcard
/// bits as written, or a subnet mask turned round (`255.255.255.0` is
/// `0.0.0.255`; `0.0.0.0 0.0.0.0` means everything). `None` for bits that
/// are neither, which IOS refuses.
fn network_wildcard(addr: std::net::Ipv4Addr, bits: std::net::Ipv4Addr) -> Option<std::net::Ipv4Addr> {
    let w = u32::from(bits);
    let contiguous = |x: u32| x & x.wrapping_add(1) == 0;
    if addr.is_unspecified() && w == 0 {
        Some(std::net::Ipv4Addr::BROADCAST)
    } else if contiguous(w) {
        Some(bits)
    } else if contiguous(!w) {
        Some(std::net::Ipv4Addr::from(!w))
    } else {
        None
    }
}

fn network(cx: &mut Cx) {
    let (Some(addr), Some(bits)) = (cx.ip(0), cx.ip(1)) else { return };
    let Some(wildcard) = network_wildcard(addr, bits) else {
        cx.reject(Rejection::Refused, "OSPF: Invalid address/mask combination (discontiguous mask)\n");
        return;
    };
    let Some(area) = parse_area(cx) else { return };
    let negated = cx.negated;
    let Some(p) = process(cx) else { return };
    let addr = std::net::Ipv4Addr::from(u32::from(addr) & !u32::from(wildcard));
    let st = NetworkStatement { addr, wildcard, area };
    p.networks.retain(|n| !(n.addr == st.addr && n.wildcard == st.wildcard));
    if !negated {
        p.networks.push(st);
    }
}

fn passive(cx: &mut Cx) {
    let iface = cx.iface().cloned();
    let negated = cx.negated;
    let Some(p) = process(cx) else { return };
    match iface {
        None => {
            p.passive_default = !negated;
            p.not_passive.clear();
            p.passive.clear();
        }
        Some(i) => {
            p.passive.retain(|x| *x != i);
            p.not_passive.retain(|x| *x != i);
            match (p.passive_default, negated) {
                (true, true) => p.not_passive.push(i),
                (false, false) => p.passive.push(i),
                _ => {}
            }
        }
    }
}

fn reference_bandwidth(cx: &mut Cx) {
    let bw = if cx.negated { None } else { cx.num(0) };
    if let Some(p) = process(cx) {
        p.reference_bandwidth = bw;
    }
    if bw.is_some() {
        cx.print("% OSPF: Reference bandwidth is changed.\n        Please ensure reference bandwidth is consistent across all routers.\n");
    }
}

fn log_adjacency(cx: &mut Cx) {
    use crate::proto::ospf::AdjacencyLog;
    let log = match (cx.negated, cx.has("detail")) {
        (true, true) => AdjacencyLog::Changes,
        (true, false) => AdjacencyLog::Off,
        (false, true) => AdjacencyLog::Detail,
        (false, false) => AdjacencyLog::Changes,
    };
    if let Some(p) = process(cx) {
        p.log_adjacency = log;
    }
}

fn default_originate(cx: &mut Cx) {
    let v = if cx.negated { None } else { Some(cx.has("always")) };
    if let Some(p) = process(cx) {
        p.default_originate = v;
    }
}

fn if_ospf(cx: &mut Cx) {
    if_ospf_in(cx, false);
}

/// `ipv6 ospf ...` under an interface.
pub(super) fn if_ospf6(cx: &mut Cx) {
    if_ospf_in(cx, true);
}

fn if_ospf_in(cx: &mut Cx, v6: bool) {
    let negated = cx.negated;
    let area = if cx.has("area") { parse_area(cx) } else { None };
    if cx.has("area") && area.is_none() {
        return;
    }
    let (num, pid) = (cx.num(0), cx.num(0));
    let which =
        ["cost", "priority", "hello-interval", "dead-interval", "point-to-point"].into_iter().find(|k| cx.has(k));
    for name in super::config::selected(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        let o = if v6 { &mut i.ospf6 } else { &mut i.ospf };
        match which {
            Some("cost") => o.cost = num.filter(|_| !negated),
            Some("priority") => o.priority = num.filter(|_| !negated).map(|n| n as u8),
            Some("hello-interval") => o.hello = num.filter(|_| !negated),
            Some("dead-interval") => o.dead = num.filter(|_| !negated),
            Some(_) => o.point_to_point = !negated,
            None => o.process_area = if negated { None } else { pid.zip(area) },
        }
    }
    // `ip ospf N area A` creates `router ospf N` when there is none, as IOS
    // does (and `ipv6 ospf N area A`, `ipv6 router ospf N`).
    if let (None, false, Some(pid)) = (which, negated, pid) {
        let routing = &mut cx.ios().routing;
        let processes = if v6 { &mut routing.ospf6 } else { &mut routing.ospf };
        if !processes.iter().any(|p| p.pid == pid) {
            processes.push(OspfProcess { pid, ..Default::default() });
            processes.sort_by_key(|p| p.pid);
        }
    }
}

fn ip_routing_handler(cx: &mut Cx) {
    let on = !cx.negated;
    let ios = cx.ios();
    ios.routing.ip_routing = on || ios.model == Model::Router;
    ios.stack.config.forwarding = ios.routing.ip_routing;
}

/// A `router ospf` block.
pub(super) fn ospf_process_lines(p: &OspfProcess) -> Vec<String> {
    let mut v = vec![format!("router ospf {}", p.pid)];
    if let Some(id) = p.router_id {
        v.push(format!(" router-id {id}"));
    }
    match p.log_adjacency {
        crate::proto::ospf::AdjacencyLog::Changes => {}
        crate::proto::ospf::AdjacencyLog::Detail => v.push(" log-adjacency-changes detail".into()),
        crate::proto::ospf::AdjacencyLog::Off => v.push(" no log-adjacency-changes".into()),
    }
    if let Some(bw) = p.reference_bandwidth {
        v.push(format!(" auto-cost reference-bandwidth {bw}"));
    }
    if p.passive_default {
        v.push(" passive-interface default".into());
        v.extend(p.not_passive.iter().map(|i| format!(" no passive-interface {i}")));
    }
    v.extend(p.passive.iter().map(|i| format!(" passive-interface {i}")));
    v.extend(p.networks.iter().map(|n| format!(" network {} {} area {}", n.addr, n.wildcard, n.area)));
    match p.default_originate {
        Some(true) => v.push(" default-information originate always".into()),
        Some(false) => v.push(" default-information originate".into()),
        None => {}
    }
    v
}

/// The `ip ospf` (`family` "ip") or `ipv6 ospf` lines of an interface.
pub(super) fn ospf_iface_lines(o: &OspfIface, family: &str) -> Vec<String> {
    let mut v = Vec::new();
    if let Some((p, a)) = o.process_area {
        v.push(format!(" {family} ospf {p} area {a}"));
    }
    if let Some(c) = o.cost {
        v.push(format!(" {family} ospf cost {c}"));
    }
    if let Some(p) = o.priority {
        v.push(format!(" {family} ospf priority {p}"));
    }
    if let Some(h) = o.hello {
        v.push(format!(" {family} ospf hello-interval {h}"));
    }
    if let Some(d) = o.dead {
        v.push(format!(" {family} ospf dead-interval {d}"));
    }
    if o.point_to_point {
        v.push(format!(" {family} ospf network point-to-point"));
    }
    v
}
