//! `show` commands, laid out column for column as IOS prints them.

use std::net::Ipv4Addr;

use super::tree::Arg;
use super::{arg, kw};
use super::{Cx, Tree};
use crate::base::{IfaceKind, IfaceName, Model};
use crate::device::{Device, Ios, Port, Role};
use crate::proto::ethernet::cisco_format;
use crate::proto::ipv4::classful_len;
use crate::proto::rib::{Prefix, Route, Source};
use crate::sim::Time;

pub fn tree(privileged: bool) -> Tree {
    let mut t: Tree = vec![
        kw("ip", "IP information").sub(vec![
            kw("ssh", "Information on SSH").plain(ip_ssh),
            kw("interface", "IP interface status and configuration").plain(ip_interface).sub(vec![
                kw("brief", "Brief summary of IP status and configuration").plain(ip_interface_brief),
                arg(Arg::Iface, "").plain(ip_interface),
            ]),
            kw("route", "IP routing table").plain(ip_route).sub(vec![
                arg(Arg::Ipv4, "Network to display information about or host").plain(ip_route),
                kw("static", "Static routes").plain(ip_route),
                kw("connected", "Connected networks").plain(ip_route),
                kw("ospf", "Open Shortest Path First (OSPF)").plain(ip_route).sub(vec![arg(
                    Arg::Num(1, 65535),
                    "Process ID",
                )
                .plain(ip_route)]),
                kw("rip", "Routing Information Protocol (RIP)").plain(ip_route),
            ]),
            kw("arp", "IP ARP table").plain(arp).sub(vec![super::snooping::show_arp()]),
            super::ospf_show::show_ip_ospf(),
            kw("protocols", "IP routing protocol process parameters and statistics")
                .plain(super::protocols::show_ip_protocols),
            kw("rip", "IP RIP show commands")
                .sub(vec![kw("database", "IPv4 RIP database").plain(super::rip::database)]),
            super::services::show_ip_dhcp(),
            super::services::show_ip_nat(),
        ]),
        kw("arp", "ARP table").plain(arp),
        super::ipv6::show(),
        kw("interfaces", "Interface status and configuration").plain(interfaces).sub(vec![
            kw("trunk", "Show interface trunk information").when(|m| m.is_switch()).plain(trunk),
            kw("status", "Show interface line status").when(|m| m.is_switch()).plain(interfaces_status),
            arg(Arg::Iface, "").plain(interfaces).sub(vec![kw("switchport", "Show interface switchport information")
                .when(|m| m.is_switch())
                .plain(switchport)]),
        ]),
        kw("version", "System hardware and software status").plain(version),
        kw("clock", "Display the system clock").plain(clock),
        kw("history", "Display the session command history").plain(history),
        kw("users", "Display information about terminal lines").plain(users),
        kw("ssh", "Status of SSH server connections").plain(ssh_sessions),
        kw("privilege", "Show current privilege level").plain(privilege),
        kw("flash:", "display information about flash: file system").plain(flash),
        kw("mac", "MAC configuration").when(|m| m.is_switch()).sub(vec![kw("address-table", "MAC forwarding table")
            .plain(mac_table)
            .sub(vec![
                kw("dynamic", "dynamic entry type").plain(mac_table),
                kw("vlan", "VLAN keyword").sub(vec![arg(Arg::Num(1, 4094), "Vlan id number").plain(mac_table)]),
                kw("interface", "interface keyword").sub(vec![arg(Arg::Iface, "").plain(mac_table)]),
            ])]),
        kw("mac-address-table", "MAC forwarding table").when(|m| m.is_switch()).hidden().plain(mac_table),
    ];
    t.extend(super::acl::show());
    t.extend(super::hsrp::show());
    t.push(kw("cdp", "CDP information").plain(cdp_global).sub(vec![kw("neighbors", "CDP neighbor entries")
            .plain(cdp_neighbors)
            .sub(vec![kw("detail", "Show detailed information").plain(cdp_neighbors)])]));
    t.push(kw("lldp", "LLDP information").plain(lldp_global).sub(vec![kw("neighbors", "LLDP neighbor entries")
        .plain(lldp_neighbors)
        .sub(vec![kw("detail", "Show detailed information").plain(lldp_neighbors)])]));
    t.push(
        kw("port-security", "Show secure port information").when(|m| m.is_switch()).plain(port_security).sub(vec![kw(
            "interface",
            "Show secure interface",
        )
        .sub(vec![arg(Arg::Iface, "").plain(port_security)])]),
    );
    t.push(
        kw("etherchannel", "EtherChannel information").when(|m| m.is_switch()).sub(vec![kw(
            "summary",
            "One-line summary per channel-group",
        )
        .plain(etherchannel_summary)]),
    );
    t.push(kw("spanning-tree", "Spanning tree topology").when(|m| m.is_switch()).plain(spanning_tree).sub(vec![
        kw("vlan", "VLAN Switch Spanning Trees").sub(vec![arg(Arg::Num(1, 4094), "vlan number").plain(spanning_tree)]),
    ]));
    t.push(
        kw("vlan", "VTP VLAN status").when(|m| m.is_switch()).plain(vlan).sub(vec![kw(
            "brief",
            "VTP all VLAN status in brief",
        )
        .plain(vlan)]),
    );
    if privileged {
        t.extend(vec![
            kw("running-config", "Current operating configuration").plain(running_config_handler).sub(vec![kw(
                "interface",
                "Show interface configuration",
            )
            .sub(vec![arg(Arg::Iface, "").plain(running_config_interface)])]),
            kw("startup-config", "Contents of startup configuration").plain(startup_config),
        ]);
    }
    t
}

fn ios(dev: &Device) -> &Ios {
    match &dev.role {
        Role::Ios(i) => i,
        Role::Host(_) => unreachable!("show runs on IOS"),
    }
}

pub fn running_config_handler(cx: &mut Cx) {
    let text = super::running_config::render(cx.dev);
    cx.print(&text);
    cx.print("\n");
}

fn running_config_interface(cx: &mut Cx) {
    let Some(name) = cx.iface().cloned() else { return };
    let lines = super::running_config::lines(cx.dev);
    let head = format!("interface {name}");
    let Some(start) = lines.iter().position(|l| *l == head) else {
        cx.print(&format!("{}^\n% Invalid input detected at '^' marker.\n\n", " ".repeat(cx.dev.prompt().len() + 25)));
        return;
    };
    let mut body: Vec<&String> = vec![&lines[start]];
    body.extend(lines[start + 1..].iter().take_while(|l| l.starts_with(' ')));
    let text: String = body.iter().map(|l| format!("{l}\n")).collect();
    cx.print(&format!(
        "Building configuration...\n\nCurrent configuration : {} bytes\n!\n{text}end\n\n",
        text.len() + 4
    ));
}

fn startup_config(cx: &mut Cx) {
    match ios(cx.dev).system.startup_config.clone() {
        Some(body) => cx.print(&format!("Using {} out of 33554432 bytes\n{body}\n", body.len())),
        None => cx.print("startup-config is not present\n"),
    }
}

fn privilege(cx: &mut Cx) {
    let level = if ios(cx.dev).terminal.mode == crate::device::Mode::UserExec { 1 } else { 15 };
    cx.print(&format!("Current privilege level is {level}\n"));
}

/// Status and protocol of an interface, as `show ip interface brief` words them.
pub fn status(ios: &Ios, ports: &[Port], name: &IfaceName) -> (&'static str, &'static str) {
    let Some(i) = ios.iface(name) else { return ("deleted", "down") };
    if i.shutdown {
        return ("administratively down", "down");
    }
    if i.err_disabled {
        return ("down", "down");
    }
    let up = match (i.port, i.stack) {
        (Some(p), _) => ports[p].link_up,
        (None, Some(s)) => ios.stack.ifaces[s].up,
        (None, None) => {
            i.name.sub.is_some() && ios.iface(&i.name.parent()).and_then(|p| p.port).is_some_and(|p| ports[p].link_up)
        }
    };
    if up {
        ("up", "up")
    } else {
        ("down", "down")
    }
}

fn ip_interface_brief(cx: &mut Cx) {
    let text = ip_interface_brief_text(cx.dev);
    cx.print(&text);
}

/// `show ip interface [IFACE]`: each interface's IP settings, its access
/// lists among them, in IOS's layout.
fn ip_interface(cx: &mut Cx) {
    let only = cx.iface().cloned();
    let dev = &*cx.dev;
    let ios = ios(dev);
    let mut out = String::new();
    for i in ios.ifaces.iter().filter(|i| only.as_ref().is_none_or(|o| *o == i.name)) {
        let (st, proto) = status(ios, &dev.ports, &i.name);
        out.push_str(&format!("{} is {st}, line protocol is {proto}\n", i.name));
        let ip = i.stack.map(|s| &ios.stack.ifaces[s]);
        let Some((ip, (addr, len))) = ip.and_then(|ip| ip.addr.map(|a| (ip, a))) else {
            out.push_str("  Internet protocol processing disabled\n");
            continue;
        };
        out.push_str(&format!("  Internet address is {addr}/{len}\n  Broadcast address is 255.255.255.255\n"));
        let how = if i.stack.is_some_and(|s| ios.address_from_dhcp(s)) { "DHCP" } else { "setup command" };
        out.push_str(&format!("  Address determined by {how}\n"));
        for (a, l) in &ip.secondaries {
            out.push_str(&format!("  Secondary address {a}/{l}\n"));
        }
        out.push_str(&format!("  MTU is {} bytes\n", i.ip_mtu.unwrap_or(1500)));
        match i.helpers.as_slice() {
            [] => out.push_str("  Helper address is not set\n"),
            [one] => out.push_str(&format!("  Helper address is {one}\n")),
            [first, rest @ ..] => {
                out.push_str(&format!("  Helper addresses are {first}\n"));
                for h in rest {
                    out.push_str(&format!("                       {h}\n"));
                }
            }
        }
        out.push_str("  Directed broadcast forwarding is disabled\n");
        if !ip.groups.is_empty() {
            let groups: Vec<String> = ip.groups.iter().map(|g| g.to_string()).collect();
            out.push_str(&format!("  Multicast reserved groups joined: {} \n", groups.join(" ")));
        }
        let list = |l: &Option<crate::proto::acl::AclId>| l.as_ref().map_or("not set".to_string(), |l| l.to_string());
        out.push_str(&format!(
            "  Outgoing Common access list is not set \n  Outgoing access list is {}\n  Inbound Common access list is not set \n  Inbound  access list is {}\n",
            list(&i.access_group_out),
            list(&i.access_group_in)
        ));
        let proxy = if ip.proxy_arp { "enabled" } else { "disabled" };
        let sent = |off: bool| if off { "never sent" } else { "always sent" };
        let cef = ios.system.settings.cef;
        out.push_str(&format!(
            "  Proxy ARP is {proxy}\n  Local Proxy ARP is disabled\n  Security level is default\n  Split horizon is enabled\n  ICMP redirects are {}\n  ICMP unreachables are {}\n  ICMP mask replies are never sent\n  IP fast switching is enabled\n  IP Flow switching is disabled\n  IP CEF switching is {}\n{}  IP Null turbo vector\n  Associated unicast routing topologies:\n        Topology \"base\", operation state is {}\n  IP multicast fast switching is enabled\n  IP multicast distributed fast switching is disabled\n  IP route-cache flags are Fast{}\n  Router Discovery is disabled\n  IP output packet accounting is disabled\n  IP access violation accounting is disabled\n  TCP/IP header compression is disabled\n  RTP/IP header compression is disabled\n  Probe proxy name replies are disabled\n  Policy routing is disabled\n",
            sent(i.no_redirects),
            sent(i.no_unreachables),
            if cef { "enabled" } else { "disabled" },
            if cef { "  IP CEF switching turbo vector\n" } else { "" },
            if proto == "up" { "UP" } else { "DOWN" },
            if cef { ", CEF" } else { "" }
        ));
        match i.nat {
            Some(side) => out.push_str(&format!(
                "  Network address translation is enabled, interface in domain {}\n",
                if side == crate::proto::nat::Side::Inside { "inside" } else { "outside" }
            )),
            None => out.push_str("  Network address translation is disabled\n"),
        }
        out.push_str("  BGP Policy Mapping is disabled\n  Input features: MCI Check\n  IPv4 WCCP Redirect outbound is disabled\n  IPv4 WCCP Redirect inbound is disabled\n  IPv4 WCCP Redirect exclude is disabled\n");
    }
    cx.print(&out);
}

pub fn ip_interface_brief_text(dev: &Device) -> String {
    let ios = ios(dev);
    let mut out = String::from("Interface              IP-Address      OK? Method Status                Protocol\n");
    for i in &ios.ifaces {
        let addr = i.stack.and_then(|s| ios.stack.ifaces[s].addr);
        let dhcp = i.stack.is_some_and(|s| ios.address_from_dhcp(s));
        let (ip, method) = match addr {
            Some((a, _)) => (a.to_string(), if dhcp { "DHCP" } else { "manual" }),
            None if dhcp => ("unassigned".to_string(), "DHCP"),
            None => ("unassigned".to_string(), "unset"),
        };
        let (st, proto) = status(ios, &dev.ports, &i.name);
        // One space at least between columns, as IOS keeps for long names.
        out.push_str(&format!(
            "{:<22} {:<15} {:<3} {:<6} {:<21} {}\n",
            i.name.to_string(),
            ip,
            "YES",
            method,
            st,
            proto
        ));
    }
    out
}

const ROUTE_CODES: &str = "Codes: L - local, C - connected, S - static, R - RIP, M - mobile, B - BGP
       D - EIGRP, EX - EIGRP external, O - OSPF, IA - OSPF inter area
       N1 - OSPF NSSA external type 1, N2 - OSPF NSSA external type 2
       E1 - OSPF external type 1, E2 - OSPF external type 2
       i - IS-IS, su - IS-IS summary, L1 - IS-IS level-1, L2 - IS-IS level-2
       ia - IS-IS inter area, * - candidate default, U - per-user static route
       o - ODR, P - periodic downloaded static route, H - NHRP, l - LISP
       + - replicated route, % - next hop override
";

fn ip_route(cx: &mut Cx) {
    let text = if let Some(ip) = cx.ip(0) {
        route_entry(ios(cx.dev), ip)
    } else {
        let only: Option<fn(Source) -> bool> = if cx.has("static") {
            Some(|s| s == Source::Static)
        } else if cx.has("connected") {
            Some(|s| matches!(s, Source::Connected | Source::Local))
        } else if cx.has("ospf") {
            Some(Source::is_ospf)
        } else if cx.has("rip") {
            Some(|s| s == Source::Rip)
        } else {
            None
        };
        ip_route_text(cx.dev, only, cx.now)
    };
    cx.print(&text);
}

/// `show ip route`, optionally only the routes of some sources (`static`,
/// `connected`, `ospf`); subnet headers still count every route, as on IOS.
pub fn ip_route_text(dev: &Device, only: Option<fn(Source) -> bool>, now: Time) -> String {
    let ios = ios(dev);
    if ios.model == Model::Switch {
        let gw = ios
            .routing
            .default_gateway
            .map_or("Default gateway is not set".to_string(), |g| format!("Default gateway is {g}"));
        return format!("{gw}\n\nHost               Gateway           Last Use    Total Uses  Interface\nICMP redirect cache is empty\n\n");
    }
    let mut out = String::from(ROUTE_CODES);
    out.push('\n');
    match ios.stack.rib().gateway_of_last_resort() {
        Some((gw, _)) => out.push_str(&format!("Gateway of last resort is {gw} to network 0.0.0.0\n\n")),
        None => out.push_str("Gateway of last resort is not set\n\n"),
    }
    let routes: Vec<&Route> = ios.stack.rib().routes().iter().collect();
    out.push_str(&route_table(ios, &routes, only, now));
    out.push('\n');
    out
}

/// Group routes under their classful network, as IOS does; print those `only` keeps.
fn route_table(ios: &Ios, routes: &[&Route], only: Option<fn(Source) -> bool>, now: Time) -> String {
    let shown = |r: &Route| only.is_none_or(|keep| keep(r.source));
    let mut out = String::new();
    let mut i = 0;
    while i < routes.len() {
        let r = routes[i];
        let major_len = classful_len(r.prefix.addr);
        if r.prefix.len < major_len {
            // Supernets and the default route stand alone.
            if shown(r) {
                out.push_str(&route_line(ios, r, true, true, routes.get(i.wrapping_sub(1)).copied(), now));
            }
            i += 1;
            continue;
        }
        let major = Prefix::new(r.prefix.addr, major_len);
        let group: Vec<&Route> = routes[i..]
            .iter()
            .take_while(|x| major.contains(x.prefix.addr) && x.prefix.len >= major_len)
            .copied()
            .collect();
        let mut subnets: Vec<Prefix> = group.iter().map(|x| x.prefix).collect();
        subnets.dedup();
        let mut masks: Vec<u8> = subnets.iter().map(|p| p.len).collect();
        masks.sort_unstable();
        masks.dedup();
        if !group.iter().any(|x| shown(x)) {
            i += group.len();
            continue;
        }
        if subnets.len() == 1 && subnets[0].len == major_len {
            for (k, x) in group.iter().enumerate().filter(|(_, x)| shown(x)) {
                out.push_str(&route_line(ios, x, true, true, if k > 0 { Some(group[k - 1]) } else { None }, now));
            }
        } else {
            let n = subnets.len();
            let plural = if n == 1 { "subnet" } else { "subnets" };
            if masks.len() == 1 {
                out.push_str(&format!("      {}/{} is subnetted, {n} {plural}\n", major.addr, masks[0]));
            } else {
                out.push_str(&format!("      {major} is variably subnetted, {n} {plural}, {} masks\n", masks.len()));
            }
            for (k, x) in group.iter().enumerate().filter(|(_, x)| shown(x)) {
                out.push_str(&route_line(
                    ios,
                    x,
                    false,
                    masks.len() > 1,
                    if k > 0 { Some(group[k - 1]) } else { None },
                    now,
                ));
            }
        }
        i += group.len();
    }
    out
}

/// A route's age as `show ip route` prints it: `00:01:23`, then `1d05h`, then `3w4d`.
pub fn route_age(age: crate::sim::Duration) -> String {
    let s = age.secs();
    let (d, h) = (s / 86_400, s % 86_400 / 3600);
    if d == 0 {
        format!("{:02}:{:02}:{:02}", s / 3600, s % 3600 / 60, s % 60)
    } else if d < 7 {
        format!("{d}d{h:02}h")
    } else {
        format!("{}w{}d", d / 7, d % 7)
    }
}

fn route_line(ios: &Ios, r: &Route, top: bool, with_len: bool, prev: Option<&Route>, now: Time) -> String {
    let mut code = r.source.code().to_string();
    if r.prefix == Prefix::DEFAULT {
        // The candidate default's star takes the place of the space: `O*E2`, `S*`.
        match code.find(' ') {
            Some(at) => code.replace_range(at..=at, "*"),
            None => code.push('*'),
        }
    }
    let width = if top { 6 } else { 9 };
    let dest = if with_len { r.prefix.to_string() } else { r.prefix.addr.to_string() };
    let iface = r.iface.map(|i| ios.stack.ifaces[i].name.to_string());
    let continuation = prev.is_some_and(|p| p.prefix == r.prefix && p.source == r.source);
    let lead = if continuation { " ".repeat(width + dest.len() + 1) } else { format!("{code:<width$}{dest} ") };
    let age = r.since.map(|t| route_age(now.since(t)));
    let body = match (r.source, r.next_hop, &iface) {
        (Source::Connected | Source::Local, _, Some(i)) => format!("is directly connected, {i}"),
        (_, Some(nh), Some(i)) if r.possibly_down => format!("is possibly down, routing via {nh}, {i}"),
        (_, Some(nh), Some(i)) if age.is_some() => {
            format!("[{}/{}] via {nh}, {}, {i}", r.distance, r.metric, age.unwrap_or_default())
        }
        (_, Some(nh), Some(i)) => format!("[{}/{}] via {nh}, {i}", r.distance, r.metric),
        (_, Some(nh), None) => format!("[{}/{}] via {nh}", r.distance, r.metric),
        (_, None, Some(i)) => format!("is directly connected, {i}"),
        _ => String::new(),
    };
    format!("{lead}{body}\n")
}

fn route_entry(ios: &Ios, ip: Ipv4Addr) -> String {
    let best = ios
        .stack
        .rib()
        .routes()
        .iter()
        .filter(|r| r.prefix.contains(ip) && r.source != Source::Local)
        .max_by_key(|r| r.prefix.len);
    let Some(r) = best else { return "% Network not in table\n\n".into() };
    let ospf_pid = ios.routing.ospf.first().map_or(1, |p| p.pid);
    let known = match r.source {
        Source::Connected | Source::Local => "connected".to_string(),
        Source::Static => "static".to_string(),
        s if s.is_ospf() => format!("ospf {ospf_pid}"),
        _ => "rip".to_string(),
    };
    let mut out = format!(
        "Routing entry for {}\n  Known via \"{known}\", distance {}, metric {}",
        r.prefix, r.distance, r.metric
    );
    if matches!(r.source, Source::Connected | Source::Local) {
        out.push_str(" (connected, via interface)");
    } else if r.prefix == Prefix::DEFAULT {
        out.push_str(", candidate default path");
    }
    out.push_str("\n  Routing Descriptor Blocks:\n");
    let paths = ios.stack.rib().routes().iter().filter(|x| x.prefix == r.prefix && x.source == r.source);
    for p in paths {
        match (p.next_hop, p.iface) {
            (Some(nh), _) => out.push_str(&format!("  * {nh}\n")),
            (None, Some(i)) => out.push_str(&format!("  * directly connected, via {}\n", ios.stack.ifaces[i].name)),
            _ => {}
        }
        out.push_str("      Route metric is 0, traffic share count is 1\n");
    }
    out.push('\n');
    out
}

fn arp(cx: &mut Cx) {
    let text = arp_text(cx.dev, cx.now);
    cx.print(&text);
}

pub fn arp_text(dev: &Device, now: Time) -> String {
    let ios = ios(dev);
    let mut rows: Vec<(Ipv4Addr, String, String, String)> = Vec::new();
    for f in &ios.stack.ifaces {
        if let (Some((a, _)), true) = (f.addr, f.up) {
            if f.name.kind != IfaceKind::Loopback && f.name.kind != IfaceKind::Serial {
                rows.push((a, "-".into(), cisco_format(f.mac), f.name.to_string()));
            }
        }
    }
    for (ip, e) in ios.stack.arp.entries(now) {
        let age = now.since(e.learned).secs() / 60;
        rows.push((ip, age.to_string(), cisco_format(e.mac), ios.stack.ifaces[e.iface].name.to_string()));
    }
    rows.sort_by_key(|r| r.0);
    let mut out = String::from("Protocol  Address          Age (min)  Hardware Addr   Type   Interface\n");
    for (ip, age, mac, iface) in rows {
        out.push_str(&format!("Internet  {:<17}{:>8}   {:<16}{:<7}{}\n", ip.to_string(), age, mac, "ARPA", iface));
    }
    out
}

fn interfaces(cx: &mut Cx) {
    let only = cx.iface().cloned();
    let ios = ios(cx.dev);
    if let Some(n) = &only {
        if ios.iface(n).is_none() {
            let pad = cx.dev.prompt().len() + 16;
            cx.print(&format!("{}^\n% Invalid input detected at '^' marker.\n\n", " ".repeat(pad)));
            return;
        }
    }
    let mut out = String::new();
    for i in ios.ifaces.iter().filter(|i| only.as_ref().is_none_or(|n| *n == i.name)) {
        out.push_str(&interface_detail(cx.dev, ios, &i.name));
    }
    cx.print(&out);
}

fn interface_detail(dev: &Device, ios: &Ios, name: &IfaceName) -> String {
    let i = ios.iface(name).expect("caller checked");
    let (st, proto) = status(ios, &dev.ports, name);
    let stack = i.stack.map(|s| &ios.stack.ifaces[s]);
    let mac = match (i.port, stack) {
        (Some(p), _) => Some(dev.ports[p].mac),
        (None, Some(s)) if name.kind != IfaceKind::Loopback => Some(s.mac),
        _ => None,
    };
    let hardware = match name.kind {
        IfaceKind::GigabitEthernet if ios.model == Model::Router => "ISR4321-2x1GE",
        IfaceKind::GigabitEthernet => "Gigabit Ethernet",
        IfaceKind::FastEthernet => "Fast Ethernet",
        IfaceKind::Serial => "WIC MBRD Serial",
        IfaceKind::Loopback => "Loopback",
        IfaceKind::Vlan => "EtherSVI",
        IfaceKind::PortChannel => "EtherChannel",
    };
    let mut out = format!("{name} is {st}, line protocol is {proto}\n");
    match mac {
        Some(m) => out.push_str(&format!(
            "  Hardware is {hardware}, address is {} (bia {})\n",
            cisco_format(m),
            cisco_format(m)
        )),
        None => out.push_str(&format!("  Hardware is {hardware}\n")),
    }
    if let Some(d) = &i.description {
        out.push_str(&format!("  Description: {d}\n"));
    }
    if let Some((a, len)) = stack.and_then(|s| s.addr) {
        out.push_str(&format!("  Internet address is {a}/{len}\n"));
    }
    // `bandwidth` changes what is shown (and what OSPF computes its cost from), not the line rate.
    let bw = i.bandwidth.map_or(name.kind.bandwidth_bps() / 1000, u64::from);
    let (mtu, dly) = match name.kind {
        IfaceKind::Loopback => (1514, 5000),
        IfaceKind::Serial => (1500, 20000),
        IfaceKind::FastEthernet => (1500, 100),
        _ => (1500, 10),
    };
    out.push_str(&format!(
        "  MTU {mtu} bytes, BW {bw} Kbit/sec, DLY {dly} usec,\n     reliability 255/255, txload 1/255, rxload 1/255\n"
    ));
    let encap = match name.kind {
        IfaceKind::Serial => "HDLC",
        IfaceKind::Loopback => "LOOPBACK",
        _ => "ARPA",
    };
    out.push_str(&format!("  Encapsulation {encap}, loopback not set\n"));
    if let Some(p) = i.port {
        if name.kind != IfaceKind::Serial {
            let speed = match name.kind {
                IfaceKind::FastEthernet => "100Mb/s",
                _ => "1000Mb/s",
            };
            let duplex =
                i.duplex.as_deref().map_or("Full-duplex", |d| if d == "half" { "Half-duplex" } else { "Full-duplex" });
            out.push_str(&format!("  Keepalive set (10 sec)\n  {duplex}, {speed}, media type is RJ45\n"));
        } else {
            out.push_str("  Keepalive set (10 sec)\n");
            if let Some(r) = i.clock_rate {
                out.push_str(&format!("  DCE V.35, clock rate {r}\n"));
            }
        }
        let port = &dev.ports[p];
        out.push_str("  ARP type: ARPA, ARP Timeout 04:00:00\n");
        out.push_str("  Last input never, output never, output hang never\n  Last clearing of \"show interface\" counters never\n");
        out.push_str("  Input queue: 0/375/0/0 (size/max/drops/flushes); Total output drops: 0\n  Queueing strategy: fifo\n  Output queue: 0/40 (size/max)\n");
        out.push_str(
            "  5 minute input rate 0 bits/sec, 0 packets/sec\n  5 minute output rate 0 bits/sec, 0 packets/sec\n",
        );
        out.push_str(&format!(
            "     {} packets input, {} bytes, 0 no buffer\n     Received {} broadcasts (0 IP multicasts)\n     0 runts, 0 giants, 0 throttles\n     0 input errors, 0 CRC, 0 frame, 0 overrun, 0 ignored, 0 abort\n     {} packets output, {} bytes, 0 underruns\n     0 output errors, 0 collisions, 0 interface resets\n",
            port.counters.rx_frames, port.counters.rx_bytes, port.counters.rx_broadcasts, port.counters.tx_frames, port.counters.tx_bytes
        ));
    }
    out
}

fn version(cx: &mut Cx) {
    let text = version_text(cx.dev, cx.now);
    cx.print(&text);
}

fn uptime(now: Time) -> String {
    let mins = now.since(Time::ZERO).secs() / 60;
    let (h, m) = (mins / 60, mins % 60);
    let plural = |n: u64, w: &str| if n == 1 { format!("{n} {w}") } else { format!("{n} {w}s") };
    if h > 0 {
        format!("{}, {}", plural(h, "hour"), plural(m, "minute"))
    } else {
        plural(m, "minute")
    }
}

fn version_text(dev: &Device, now: Time) -> String {
    let ios = ios(dev);
    let count = |k: IfaceKind| dev.ports.iter().filter(|p| p.name.kind == k).count();
    match ios.model {
        Model::Router => format!(
            "Cisco IOS XE Software, Version 16.09.04\nCisco IOS Software [Fuji], ISR Software (X86_64_LINUX_IOSD-UNIVERSALK9-M), Version 16.9.4, RELEASE SOFTWARE (fc2)\nTechnical Support: http://www.cisco.com/techsupport\nCopyright (c) 1986-2019 by Cisco Systems, Inc.\n\nROM: IOS-XE ROMMON\n\n{} uptime is {}\nSystem image file is \"bootflash:/isr4300-universalk9.16.09.04.SPA.bin\"\n\ncisco ISR4321/K9 (1RU) processor with 1795979K/6147K bytes of memory.\n{} Gigabit Ethernet interfaces\n{} Serial interfaces\n32768K bytes of non-volatile configuration memory.\n4194304K bytes of physical memory.\n3223551K bytes of flash memory at bootflash:.\n\nConfiguration register is 0x2102\n\n",
            ios.system.hostname,
            uptime(now),
            count(IfaceKind::GigabitEthernet),
            count(IfaceKind::Serial)
        ),
        _ => format!(
            "Cisco IOS Software, {} Software ({}), Version 15.0(2)SE4, RELEASE SOFTWARE (fc1)\nTechnical Support: http://www.cisco.com/techsupport\nCopyright (c) 1986-2013 by Cisco Systems, Inc.\n\nROM: Bootstrap program is C2960 boot loader\n\n{} uptime is {}\nSystem image file is \"flash:c2960-lanbasek9-mz.150-2.SE4.bin\"\n\ncisco {} (PowerPC405) processor (revision B0) with 65536K bytes of memory.\n{} FastEthernet interfaces\n{} Gigabit Ethernet interfaces\n\n64K bytes of flash-simulated non-volatile configuration memory.\nBase ethernet MAC Address       : {}\nModel number                    : {}\n\nConfiguration register is 0xF\n\n",
            if ios.model == Model::L3Switch { "C3650" } else { "C2960" },
            if ios.model == Model::L3Switch { "C3650-IPSERVICESK9-M" } else { "C2960-LANBASEK9-M" },
            ios.system.hostname,
            uptime(now),
            ios.model.platform(),
            count(IfaceKind::FastEthernet),
            count(IfaceKind::GigabitEthernet),
            ios.bridge.as_ref().map(|b| b.svi_mac).map_or(String::new(), |m| crate::proto::ethernet::windows_format(m).replace('-', ":")),
            ios.model.platform()
        ),
    }
}

fn clock(cx: &mut Cx) {
    // The simulated clock starts at 00:00 UTC on 1 March 1993, as an unset IOS clock does.
    cx.print(&format!("{}\n", crate::cli::clock::Civil::at(cx.now).ios_clock()));
}

fn history(cx: &mut Cx) {
    let text: String = ios(cx.dev).terminal.history.iter().map(|h| format!("  {h}\n")).collect();
    cx.print(&text);
}

/// `show users`: the console and the vty lines in use, the current one
/// marked with `*`.
fn users(cx: &mut Cx) {
    use crate::device::TerminalId;
    let now = cx.now;
    let ios = ios(cx.dev);
    // Line numbers as IOS counts them: the console, the aux port (routers), then the vtys.
    let first_vty = if ios.is_router() { 2 } else { 1 };
    let mut out = String::from("    Line       User       Host(s)              Idle       Location\n");
    let mark = |t: TerminalId| if ios.active == t { '*' } else { ' ' };
    out.push_str(&format!("{}  0 con 0                idle                 00:00:00\n", mark(TerminalId::Console)));
    let mut sessions: Vec<_> = ios.vty.sessions.iter().collect();
    sessions.sort_by_key(|s| s.line);
    for s in sessions {
        let idle = now.since(s.last_input).secs();
        out.push_str(&format!(
            "{}{:>3} {:<10}{:<11}{:<21}{:02}:{:02}:{:02} {}\n",
            mark(TerminalId::Vty(s.line)),
            first_vty + u32::from(s.line),
            format!("vty {}", s.line),
            s.user.as_deref().unwrap_or(""),
            "idle",
            idle / 3600,
            idle / 60 % 60,
            idle % 60,
            s.peer
        ));
    }
    out.push_str("\n  Interface    User               Mode         Idle     Peer Address\n\n");
    cx.print(&out);
}

/// `show ssh`: the SSH sessions, each way.
fn ssh_sessions(cx: &mut Cx) {
    let ios = ios(cx.dev);
    let mut rows = String::new();
    for s in ios.vty.sessions.iter().filter(|s| s.is_ssh()) {
        let Some((version, cipher, mac)) = s.ssh_details() else { continue };
        let state = if s.user.is_some() { "Session started" } else { "Authenticating" };
        for mode in ["IN", "OUT"] {
            rows.push_str(&format!(
                "{:<11}{:<8}{:<5}{:<12}{:<12} {:<22}{}\n",
                s.line,
                version,
                mode,
                cipher,
                mac,
                state,
                s.user.as_deref().unwrap_or("")
            ));
        }
    }
    let text = if rows.is_empty() {
        "%No SSHv2 server connections running.\n%No SSHv1 server connections running.\n".to_string()
    } else {
        format!("Connection Version Mode Encryption  Hmac         State                 Username\n{rows}%No SSHv1 server connections running.\n")
    };
    cx.print(&text);
}

/// `show ip ssh`: whether SSH is on, its version and limits.
fn ip_ssh(cx: &mut Cx) {
    let sys = &ios(cx.dev).system;
    let version = match sys.ssh_version {
        Some(1) => "1.5",
        Some(_) => "2.0",
        None => "1.99",
    };
    let mut text = match sys.rsa_modulus {
        Some(bits) if sys.ssh_version != Some(2) || bits >= 768 => format!("SSH Enabled - version {version}\n"),
        Some(_) => format!("SSH Disabled - version {version}\n%Please create RSA keys (of atleast 768 bits size) to enable SSH v2.\n"),
        None => format!("SSH Disabled - version {version}\n%Please create RSA keys to enable SSH (and of atleast 768 bits for SSH v2).\n"),
    };
    text.push_str(&format!(
        "Authentication methods:publickey,keyboard-interactive,password\nAuthentication timeout: {} secs; Authentication retries: {}\nMinimum expected Diffie Hellman key size : 1024 bits\n",
        sys.ssh_timeout.unwrap_or(120),
        sys.ssh_retries.unwrap_or(3)
    ));
    cx.print(&text);
}

fn flash(cx: &mut Cx) {
    let text = match ios(cx.dev).model {
        Model::Router => "-#- --length-- -----date/time------ path\n1    517153193 Mar 1 1993 00:00:00 isr4300-universalk9.16.09.04.SPA.bin\n\n2716778496 bytes available (517153193 bytes used)\n\n",
        _ => "Directory of flash:/\n\n    1  -rwx     4414921   Mar 1 1993 00:00:00 +00:00  c2960-lanbasek9-mz.150-2.SE4.bin\n\n64016384 bytes total (59601463 bytes free)\n\n",
    };
    cx.print(text);
}

fn mac_table(cx: &mut Cx) {
    let filter =
        MacFilter { dynamic_only: cx.has("dynamic"), vlan: cx.num(0).map(|v| v as u16), iface: cx.iface().cloned() };
    let text = mac_table_text(cx.dev, cx.now, &filter);
    cx.print(&text);
}

#[derive(Default)]
pub struct MacFilter {
    pub dynamic_only: bool,
    pub vlan: Option<u16>,
    pub iface: Option<IfaceName>,
}

/// The addresses a Catalyst switch keeps for its own CPU.
const CPU_MACS: [[u8; 6]; 20] = {
    let mut m = [[0u8; 6]; 20];
    m[0] = [0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcc];
    m[1] = [0x01, 0x00, 0x0c, 0xcc, 0xcc, 0xcd];
    let mut i = 0;
    while i < 17 {
        m[2 + i] = [0x01, 0x80, 0xc2, 0x00, 0x00, i as u8];
        i += 1;
    }
    m[19] = [0xff; 6];
    m
};

pub fn mac_table_text(dev: &Device, now: Time, filter: &MacFilter) -> String {
    let ios = ios(dev);
    let mut out = String::from("          Mac Address Table\n-------------------------------------------\n\nVlan    Mac Address       Type        Ports\n----    -----------       --------    -----\n");
    let mut count = 0;
    if !filter.dynamic_only && filter.vlan.is_none() && filter.iface.is_none() {
        for m in CPU_MACS {
            out.push_str(&format!(
                "{:>4}    {}    {:<12}{}\n",
                "All",
                cisco_format(crate::proto::Mac(m)),
                "STATIC",
                "CPU"
            ));
            count += 1;
        }
    }
    let entries = ios.bridge.as_ref().map(|b| b.macs.entries(now)).unwrap_or_default();
    for (vlan, mac, e) in &entries {
        let port = &ios.logical_port_name(e.port, &dev.ports);
        if filter.vlan.is_some_and(|v| v != *vlan) || filter.iface.as_ref().is_some_and(|i| i != port) {
            continue;
        }
        out.push_str(&format!("{:>4}    {}    {:<12}{}\n", vlan, cisco_format(*mac), "DYNAMIC", port.short()));
        count += 1;
    }
    out.push_str(&format!("Total Mac Addresses for this criterion: {count}\n"));
    out
}

fn trunk(cx: &mut Cx) {
    let text = trunk_text(cx.dev);
    cx.print(&text);
}

/// `show interfaces trunk`: the ports trunking now.
pub fn trunk_text(dev: &Device) -> String {
    use crate::device::bridge::PortVlans;
    use crate::proto::vlan::PortMode;
    let ios = ios(dev);
    let Some(bridge) = &ios.bridge else { return String::new() };
    let trunks: Vec<(&crate::device::IosIface, usize)> = ios
        .ifaces
        .iter()
        .filter_map(|i| i.port.map(|p| (i, p)))
        // A port-channel is listed once, under its own name.
        .filter(|(_, p)| bridge.logical(*p) == *p && bridge.up(*p, &dev.ports) && bridge.is_trunk(*p))
        .collect();
    let label = |p: usize| ios.logical_port_name(p, &dev.ports).short();
    // Physical ports in their order, then the port-channels by number.
    let mut trunks = trunks;
    trunks.sort_by_key(|(_, p)| {
        let name = ios.logical_port_name(*p, &dev.ports);
        (name.kind == IfaceKind::PortChannel, name.numbers.clone(), *p)
    });
    if trunks.is_empty() {
        return String::new();
    }
    let mut out = String::from("\nPort        Mode             Encapsulation  Status        Native vlan\n");
    for (i, p) in &trunks {
        // A port-channel's members carry its interface's configuration.
        let sp = ios.iface(&ios.logical_port_name(*p, &dev.ports)).unwrap_or(i).switchport.as_ref();
        let mode = match sp.and_then(|s| s.mode) {
            Some(PortMode::DynamicDesirable) => "desirable",
            Some(PortMode::DynamicAuto) | None => "auto",
            _ if sp.is_some_and(|s| s.nonegotiate) => "nonegotiate",
            _ => "on",
        };
        let native = if let PortVlans::Trunk { native, .. } = &bridge.ports[*p] { *native } else { 1 };
        out.push_str(&format!("{:<12}{:<17}{:<15}{:<14}{}\n", label(*p), mode, "802.1q", "trunking", native));
    }
    let allowed = |p: usize| {
        if let PortVlans::Trunk { allowed, .. } = &bridge.ports[p] {
            allowed.clone()
        } else {
            crate::proto::vlan::VlanSet::none()
        }
    };
    out.push_str("\nPort        Vlans allowed on trunk\n");
    for (_, p) in &trunks {
        out.push_str(&format!("{:<12}{}\n", label(*p), allowed(*p).render()));
    }
    out.push_str("\nPort        Vlans allowed and active in management domain\n");
    for (_, p) in &trunks {
        let mut active = allowed(*p);
        let mut s = crate::proto::vlan::VlanSet::none();
        for v in active.iter().filter(|v| bridge.vlans.contains(*v)) {
            s.insert(v);
        }
        active = s;
        out.push_str(&format!("{:<12}{}\n", label(*p), active.render()));
    }
    out.push_str("\nPort        Vlans in spanning tree forwarding state and not pruned\n");
    for (_, p) in &trunks {
        let mut s = crate::proto::vlan::VlanSet::none();
        for v in allowed(*p).iter().filter(|v| bridge.vlans.contains(*v)) {
            s.insert(v);
        }
        out.push_str(&format!("{:<12}{}\n", label(*p), s.render()));
    }
    out.push('\n');
    out
}

fn switchport(cx: &mut Cx) {
    use crate::proto::vlan::PortMode;
    let Some(name) = cx.iface().cloned() else { return };
    let ios = ios(cx.dev);
    let Some(i) = ios.iface(&name) else { return };
    let vlan_name = |v: u16| {
        ios.switching
            .vlans
            .get(&v)
            .map(|n| n.clone().unwrap_or_else(|| if v == 1 { "default".into() } else { format!("VLAN{v:04}") }))
            .unwrap_or_else(|| "Inactive".into())
    };
    let text = match ios.effective_switchport(i) {
        None => format!("Name: {}\nSwitchport: Disabled\n\n", name.short()),
        Some(sp) => {
            let admin = match sp.mode {
                Some(PortMode::Access) => "static access",
                Some(PortMode::Trunk) => "trunk",
                Some(PortMode::DynamicDesirable) => "dynamic desirable",
                Some(PortMode::DynamicAuto) | None => "dynamic auto",
            };
            // A port-channel runs on the bridge port that stands for its
            // bundle, as do its bundled members.
            let port = i.port.or_else(|| {
                let group = (name.kind == IfaceKind::PortChannel).then(|| name.numbers[0])?;
                ios.switching.channels.iter().find(|(_, m)| m.group == group && m.bundled).map(|(p, _)| *p)
            });
            let (up, trunking) = match (port, ios.bridge.as_ref()) {
                (Some(p), Some(b)) => {
                    let logical = b.logical(p);
                    (b.up(logical, &cx.dev.ports), b.is_trunk(logical))
                }
                (Some(p), None) => (cx.dev.ports[p].link_up, false),
                (None, _) => (false, false),
            };
            let oper = match (up, trunking) {
                (false, _) => "down",
                (true, true) => "trunk",
                (true, false) => "static access",
            };
            let allowed = sp.allowed.as_ref().map_or("ALL".to_string(), |a| a.render());
            format!(
                "Name: {}\nSwitchport: Enabled\nAdministrative Mode: {admin}\nOperational Mode: {oper}\nAdministrative Trunking Encapsulation: dot1q\nOperational Trunking Encapsulation: {}\nNegotiation of Trunking: {}\nAccess Mode VLAN: {} ({})\nTrunking Native Mode VLAN: {} ({})\nAdministrative Native VLAN tagging: enabled\nVoice VLAN: {}\nAdministrative private-vlan host-association: none\nAdministrative private-vlan mapping: none\nOperational private-vlan: none\nTrunking VLANs Enabled: {allowed}\nPruning VLANs Enabled: 2-1001\nCapture Mode Disabled\nCapture VLANs Allowed: ALL\n\nProtected: false\nUnknown unicast blocked: disabled\nUnknown multicast blocked: disabled\nAppliance trust: none\n\n",
                name.short(),
                if oper == "trunk" { "dot1q" } else { "native" },
                if sp.nonegotiate { "Off" } else { "On" },
                sp.access_vlan,
                vlan_name(sp.access_vlan),
                sp.native_vlan,
                vlan_name(sp.native_vlan),
                sp.voice_vlan.map_or("none".to_string(), |v| v.to_string()),
            )
        }
    };
    cx.print(&text);
}
fn vlan(cx: &mut Cx) {
    let brief = cx.has("brief");
    let text = vlan_text(cx.dev, brief);
    cx.print(&text);
}

/// `show vlan [brief]`: access ports listed under their VLAN, trunks left out.
pub fn vlan_text(dev: &Device, brief: bool) -> String {
    let ios = ios(dev);
    let mut out = String::from("\nVLAN Name                             Status    Ports\n---- -------------------------------- --------- -------------------------------\n");
    for (&id, name) in &ios.switching.vlans {
        let name = name.clone().unwrap_or_else(|| if id == 1 { "default".into() } else { format!("VLAN{id:04}") });
        let ports: Vec<String> = ios
            .ifaces
            .iter()
            .filter(|i| i.port.is_some())
            .filter(|i| {
                let trunk = i.port.is_some_and(|p| ios.bridge.as_ref().is_some_and(|b| b.is_trunk(p)));
                i.switchport.as_ref().is_some_and(|s| s.access_vlan == id && !trunk && s.channel_group.is_none())
            })
            .map(|i| i.name.short())
            .collect();
        let mut lines: Vec<String> = ports.chunks(4).map(|c| c.join(", ")).collect();
        if lines.is_empty() {
            lines.push(String::new());
        }
        out.push_str(&format!("{:<5}{:<33}{:<10}{}\n", id, name, "active", lines[0]));
        for l in &lines[1..] {
            out.push_str(&format!("{:48}{l}\n", ""));
        }
    }
    for (id, name) in
        [(1002, "fddi-default"), (1003, "token-ring-default"), (1004, "fddinet-default"), (1005, "trnet-default")]
    {
        out.push_str(&format!("{:<5}{:<33}act/unsup \n", id, name));
    }
    if !brief {
        out.push_str("\nVLAN Type  SAID       MTU   Parent RingNo BridgeNo Stp  BrdgMode Trans1 Trans2\n---- ----- ---------- ----- ------ ------ -------- ---- -------- ------ ------\n");
        for &id in ios.switching.vlans.keys() {
            out.push_str(&format!(
                "{:<5}enet  {:<10} 1500  -      -      -        -    -        0      0   \n",
                id,
                100000 + u32::from(id)
            ));
        }
        for (id, t, stp, mode) in [
            (1002, "fddi ", "-   ", "-   "),
            (1003, "tr   ", "-   ", "srb "),
            (1004, "fdnet", "ieee", "-   "),
            (1005, "trnet", "ibm ", "-   "),
        ] {
            out.push_str(&format!(
                "{id} {t} {:<10} 1500  -      -      -        {stp} {mode}     0      0   \n",
                100000 + id
            ));
        }
        out.push_str("\nRemote SPAN VLANs\n------------------------------------------------------------------------------\n\n\nPrimary Secondary Type              Ports\n------- --------- ----------------- ------------------------------------------\n");
    }
    out.push('\n');
    out
}

fn spanning_tree(cx: &mut Cx) {
    let only = cx.num(0).map(|v| v as u16);
    let text = spanning_tree_text(cx.dev, only);
    cx.print(&text);
}

/// `show spanning-tree [vlan N]`, in the IOS layout.
pub fn spanning_tree_text(dev: &Device, only: Option<u16>) -> String {
    use crate::proto::stp::{Role, State};
    let ios = ios(dev);
    let Some(bridge) = &ios.bridge else { return String::new() };
    let mut out = String::new();
    for (vlan, tree) in bridge.trees.iter().filter(|(v, _)| only.is_none_or(|o| o == **v)) {
        if tree.ports.is_empty() {
            continue;
        }
        let protocol = if tree.rapid { "rstp" } else { "ieee" };
        out.push_str(&format!("VLAN{vlan:04}\n  Spanning tree enabled protocol {protocol}\n"));
        let root = tree.root.root;
        out.push_str(&format!(
            "  Root ID    Priority    {}\n             Address     {}\n",
            root.priority,
            cisco_format(crate::proto::Mac(root.mac))
        ));
        match tree.root_port {
            None => out.push_str("             This bridge is the root\n"),
            Some(p) => {
                let id = tree.ports[&p].id & 0x0fff;
                out.push_str(&format!(
                    "             Cost        {}\n             Port        {} ({})\n",
                    tree.root.cost,
                    id,
                    ios.logical_port_name(p, &dev.ports)
                ));
            }
        }
        out.push_str("             Hello Time   2 sec  Max Age 20 sec  Forward Delay 15 sec\n\n");
        let me = tree.me;
        out.push_str(&format!(
            "  Bridge ID  Priority    {:<6} (priority {} sys-id-ext {vlan})\n             Address     {}\n             Hello Time   2 sec  Max Age 20 sec  Forward Delay 15 sec\n             Aging Time  300 sec\n\n",
            me.priority,
            me.priority - vlan,
            cisco_format(crate::proto::Mac(me.mac))
        ));
        out.push_str("Interface           Role Sts Cost      Prio.Nbr Type\n------------------- ---- --- --------- -------- --------------------------------\n");
        for (p, info) in &tree.ports {
            let role = match info.role {
                Role::Root => "Root",
                Role::Designated => "Desg",
                Role::Alternate => "Altn",
                Role::Disabled => "Disa",
            };
            let state = match info.state {
                State::Forwarding => "FWD",
                State::Learning => "LRN",
                State::Listening => "LIS",
                State::Blocking => "BLK",
            };
            let kind = if info.edge { "P2p Edge" } else { "P2p" };
            out.push_str(&format!(
                "{:<20}{role} {state} {:<9} 128.{:<4} {kind}\n",
                ios.logical_port_name(*p, &dev.ports).short(),
                info.cost,
                info.id & 0x0fff
            ));
        }
        out.push('\n');
    }
    if out.is_empty() {
        if let Some(v) = only {
            return format!("Spanning tree instance(s) for vlan {v} does not exist.\n");
        }
        return "No spanning tree instance exists.\n".into();
    }
    out
}

fn port_security(cx: &mut Cx) {
    let text = match cx.iface().cloned() {
        Some(name) => port_security_interface(cx.dev, &name),
        None => port_security_text(cx.dev),
    };
    cx.print(&text);
}

fn violation_word(v: Option<crate::proto::vlan::Violation>) -> &'static str {
    use crate::proto::vlan::Violation;
    match v.unwrap_or(Violation::Shutdown) {
        Violation::Protect => "Protect",
        Violation::Restrict => "Restrict",
        Violation::Shutdown => "Shutdown",
    }
}

/// `show port-security`: one row per secured port.
pub fn port_security_text(dev: &Device) -> String {
    let ios = ios(dev);
    let mut out = String::from("Secure Port  MaxSecureAddr  CurrentAddr  SecurityViolation  Security Action\n                (Count)       (Count)          (Count)\n---------------------------------------------------------------------------\n");
    for i in &ios.ifaces {
        let Some(sp) = &i.switchport else { continue };
        let ps = &sp.port_security;
        if !ps.enabled {
            continue;
        }
        let current = ps.macs.len() + i.secure_learned.len();
        out.push_str(&format!(
            "{:>11}{:>15}{:>13}{:>19}{:>17}\n",
            i.name.short(),
            ps.maximum.unwrap_or(1),
            current,
            i.violations,
            violation_word(ps.violation)
        ));
    }
    out.push_str("---------------------------------------------------------------------------\nTotal Addresses in System (excluding one mac per port)     : 0\nMax Addresses limit in System (excluding one mac per port) : 8192\n");
    out
}

/// `show port-security interface X`, as the reference layout gives it.
pub fn port_security_interface(dev: &Device, name: &IfaceName) -> String {
    let ios = ios(dev);
    let Some(i) = ios.iface(name) else { return String::new() };
    let Some(sp) = &i.switchport else { return String::new() };
    let ps = &sp.port_security;
    let status = if !ps.enabled {
        "Secure-down"
    } else if i.err_disabled {
        "Secure-shutdown"
    } else if i.port.is_some_and(|p| dev.ports[p].link_up) {
        "Secure-up"
    } else {
        "Secure-down"
    };
    let sticky = ps.macs.iter().filter(|(_, s)| *s).count();
    let configured = ps.macs.len() - sticky;
    let last = i.last_source.map_or("0000.0000.0000:0".to_string(), |(m, v)| format!("{}:{v}", cisco_format(m)));
    format!(
        "Port Security              : {}\nPort Status                : {status}\nViolation Mode             : {}\nAging Time                 : 0 mins\nAging Type                 : Absolute\nSecureStatic Address Aging : Disabled\nMaximum MAC Addresses      : {}\nTotal MAC Addresses        : {}\nConfigured MAC Addresses   : {configured}\nSticky MAC Addresses       : {sticky}\nLast Source Address:Vlan   : {last}\nSecurity Violation Count   : {}\n\n",
        if ps.enabled { "Enabled" } else { "Disabled" },
        violation_word(ps.violation),
        ps.maximum.unwrap_or(1),
        ps.macs.len() + i.secure_learned.len(),
        i.violations
    )
}

fn cdp_global(cx: &mut Cx) {
    let text = if ios(cx.dev).discovery.cdp_run {
        "Global CDP information:\n\tSending CDP packets every 60 seconds\n\tSending a holdtime value of 180 seconds\n\tSending CDPv2 advertisements is  enabled\n".to_string()
    } else {
        "% CDP is not enabled\n".to_string()
    };
    cx.print(&text);
}

fn cdp_neighbors(cx: &mut Cx) {
    let detail = cx.has("detail");
    let text = cdp_neighbors_text(cx.dev, cx.now, detail);
    cx.print(&text);
}

fn cdp_caps(caps: u32) -> String {
    let mut v = Vec::new();
    if caps & crate::proto::cdp::ROUTER != 0 {
        v.push("R");
    }
    if caps & crate::proto::cdp::SWITCH != 0 {
        v.push("S");
    }
    if caps & crate::proto::cdp::IGMP != 0 {
        v.push("I");
    }
    v.join(" ")
}

fn interfaces_status(cx: &mut Cx) {
    let text = interfaces_status_text(cx.dev);
    cx.print(&text);
}

/// `show interfaces status`: one line per switch port.
pub fn interfaces_status_text(dev: &Device) -> String {
    use crate::device::bridge::PortVlans;
    let ios = ios(dev);
    let mut out = String::from("\nPort      Name               Status       Vlan       Duplex  Speed Type\n");
    for i in ios.ifaces.iter() {
        let Some(p) = i.port else { continue };
        let port = &dev.ports[p];
        let status = if i.err_disabled {
            "err-disabled"
        } else if i.shutdown {
            "disabled"
        } else if port.link_up {
            "connected"
        } else {
            "notconnect"
        };
        let vlan = match ios.bridge.as_ref().map(|b| &b.ports[p]) {
            Some(PortVlans::Trunk { .. }) => "trunk".to_string(),
            Some(PortVlans::Access(v)) => v.to_string(),
            Some(PortVlans::Routed) | None => "routed".to_string(),
        };
        let (duplex, speed, kind) = match (port.name.kind, port.link_up) {
            (IfaceKind::FastEthernet, true) => ("a-full", "a-100", "10/100BaseTX"),
            (IfaceKind::FastEthernet, false) => ("auto", "auto", "10/100BaseTX"),
            (_, true) => ("a-full", "a-1000", "10/100/1000BaseTX"),
            (_, false) => ("auto", "auto", "10/100/1000BaseTX"),
        };
        let name: String = i.description.as_deref().unwrap_or("").chars().take(18).collect();
        out.push_str(&format!(
            "{:<10}{:<19}{:<13}{:<11}{:>6} {:>6} {kind}\n",
            port.name.short(),
            name,
            status,
            vlan,
            duplex,
            speed
        ));
    }
    out
}

fn etherchannel_summary(cx: &mut Cx) {
    let text = etherchannel_summary_text(cx.dev);
    cx.print(&text);
}

/// `show etherchannel summary`: each group, its port-channel's flags and its members'.
pub fn etherchannel_summary_text(dev: &Device) -> String {
    use crate::proto::etherchannel::Protocol;
    let ios = ios(dev);
    let mut out = String::from(
        "Flags:  D - down        P - bundled in port-channel\n        I - stand-alone s - suspended\n        H - Hot-standby (LACP only)\n        R - Layer3      S - Layer2\n        U - in use      f - failed to allocate aggregator\n\n        M - not in use, minimum links not met\n        u - unsuitable for bundling\n        w - waiting to be aggregated\n        d - default port\n\n",
    );
    let groups = ios.channel_groups_up(&dev.ports);
    out.push_str(&format!(
        "Number of channel-groups in use: {}\nNumber of aggregators:           {}\n\n",
        groups.len(),
        groups.len()
    ));
    out.push_str("Group  Port-channel  Protocol    Ports\n------+-------------+-----------+-----------------------------------------------\n");
    for (group, up) in &groups {
        let members: Vec<(usize, &crate::proto::etherchannel::Member)> =
            ios.switching.channels.iter().filter(|(_, m)| m.group == *group).map(|(p, m)| (*p, m)).collect();
        let protocol = match members.first().and_then(|(_, m)| m.mode.protocol()) {
            Some(Protocol::Lacp) => "LACP",
            Some(Protocol::Pagp) => "PAgP",
            None => "-",
        };
        let flags: Vec<String> = members
            .iter()
            .map(|(p, m)| {
                let flag = if !dev.ports[*p].link_up {
                    "D"
                } else if m.bundled {
                    "P"
                } else if m.partner.is_some() {
                    "s"
                } else {
                    "I"
                };
                format!("{:<12}", format!("{}({flag})", dev.ports[*p].name.short()))
            })
            .collect();
        let po = format!("Po{group}(S{})", if *up { "U" } else { "D" });
        out.push_str(&format!("{:<7}{:<16}{:<10}{}\n", group, po, protocol, flags.concat().trim_end()));
    }
    out
}

fn lldp_global(cx: &mut Cx) {
    let text = if ios(cx.dev).discovery.lldp_run {
        format!(
            "\nGlobal LLDP Information:\n    Status: ACTIVE\n    LLDP advertisements are sent every {} seconds\n    LLDP hold time advertised is {} seconds\n    LLDP interface reinitialisation delay is 2 seconds\n",
            crate::proto::lldp::TIMER_SECS,
            crate::proto::lldp::HOLDTIME
        )
    } else {
        "% LLDP is not enabled\n".to_string()
    };
    cx.print(&text);
}

fn lldp_neighbors(cx: &mut Cx) {
    let detail = cx.has("detail");
    let text = lldp_neighbors_text(cx.dev, cx.now, detail);
    cx.print(&text);
}

/// `show lldp neighbors [detail]`.
pub fn lldp_neighbors_text(dev: &Device, now: Time, detail: bool) -> String {
    use crate::proto::lldp::{capability_codes, Advert};
    let ios = ios(dev);
    if !ios.discovery.lldp_run {
        return "% LLDP is not enabled\n".into();
    }
    let mut out = String::new();
    if !detail {
        out.push_str("Capability codes:\n    (R) Router, (B) Bridge, (T) Telephone, (C) DOCSIS Cable Device\n    (W) WLAN Access Point, (P) Repeater, (S) Station, (O) Other\n\n");
        out.push_str("Device ID           Local Intf     Hold-time  Capability      Port ID\n");
    }
    let names = |bits: u16| {
        let codes = capability_codes(bits);
        if codes.is_empty() {
            "not advertised".to_string()
        } else {
            codes
        }
    };
    for (port, a, expires) in &ios.discovery.lldp_neighbors {
        let Advert { chassis, port_id, ttl, port_description, system_name, system_description, capabilities, address } =
            a;
        let local = dev.ports[*port].name.short();
        if detail {
            let m = chassis.0;
            out.push_str(&format!(
                "------------------------------------------------\nLocal Intf: {local}\nChassis id: {:02x}{:02x}.{:02x}{:02x}.{:02x}{:02x}\nPort id: {port_id}\nPort Description: {port_description}\nSystem Name: {system_name}\n\nSystem Description: \n{system_description}\n\nTime remaining: {} seconds\nSystem Capabilities: {}\nEnabled Capabilities: {}\nManagement Addresses:\n{}Auto Negotiation - not supported\nPhysical media capabilities - not advertised\nMedia Attachment Unit type - not advertised\nVlan ID: - not advertised\n\n",
                m[0], m[1], m[2], m[3], m[4], m[5],
                expires.since(now).secs(),
                names(capabilities.0),
                names(capabilities.1),
                address.map_or("    not advertised\n".to_string(), |ip| format!("    IP: {ip}\n")),
            ));
        } else {
            let id: String = system_name.chars().take(20).collect();
            out.push_str(&format!("{id:<20}{local:<15}{ttl:<11}{:<16}{port_id}\n", capability_codes(capabilities.1)));
        }
    }
    out.push_str(&format!("\nTotal entries displayed: {}\n", ios.discovery.lldp_neighbors.len()));
    out
}

/// `show cdp neighbors [detail]`.
pub fn cdp_neighbors_text(dev: &Device, now: Time, detail: bool) -> String {
    use crate::proto::cdp::short_port;
    let ios = ios(dev);
    if !ios.discovery.cdp_run {
        return "% CDP is not enabled\n".into();
    }
    let mut out = String::new();
    if !detail {
        out.push_str("Capability Codes: R - Router, T - Trans Bridge, B - Source Route Bridge\n                  S - Switch, H - Host, I - IGMP, r - Repeater, P - Phone,\n                  D - Remote, C - CVTA, M - Two-port Mac Relay\n\n");
        out.push_str("Device ID         Local Intrfce Holdtme    Capability   Platform   Port ID\n");
    }
    for (port, a, expires) in &ios.discovery.cdp_neighbors {
        let hold = expires.since(now).secs();
        let local = dev.ports[*port].name.to_string();
        let platform = a.platform.trim_start_matches("cisco ").to_string();
        if detail {
            out.push_str(&format!(
                "-------------------------\nDevice ID: {}\nEntry address(es): \n{}Platform: {},  Capabilities: {}\nInterface: {local},  Port ID (outgoing port): {}\nHoldtime : {hold} sec\n\nVersion :\n{}\n\nadvertisement version: 2\n{}Duplex: full\n\n",
                a.device_id,
                a.address.map_or(String::new(), |ip| format!("  IP address: {ip}\n")),
                a.platform,
                cdp_caps(a.capabilities).replace('R', "Router").replace('S', "Switch").replace('I', "IGMP"),
                a.port_id,
                a.version,
                a.native_vlan.map_or(String::new(), |v| format!("Native VLAN: {v}\n")),
            ));
        } else {
            let platform: String = platform.chars().take(10).collect();
            out.push_str(&format!(
                "{:<18}{:<14}{:<13}{:<11}{:<11}{}\n",
                a.device_id,
                short_port(&local),
                hold,
                cdp_caps(a.capabilities),
                platform,
                short_port(&a.port_id)
            ));
        }
    }
    if !detail {
        out.push_str(&format!("\nTotal cdp entries displayed : {}\n", ios.discovery.cdp_neighbors.len()));
    }
    out
}
