//! `router rip` and what shows it: the commands of `config-router` for RIP
//! (version, network, auto-summary, passive-interface,
//! default-information originate, timers basic), their running-config
//! block, `show ip rip database` and RIP's part of `show ip protocols`.

use std::fmt::Write as _;

use super::tree::Arg;
use super::{arg, kw, Cx, Tree};
use crate::device::{Ios, Mode};
use crate::proto::ipv4::classful_len;
use crate::proto::rib::Prefix;
use crate::proto::rip::{classful_network, Origin, RipConfig, Timers};
use crate::sim::Time;

/// `router rip` in global configuration.
pub fn enter(cx: &mut Cx) {
    let negated = cx.negated;
    let ios = cx.ios();
    if negated {
        ios.routing.rip = None;
        return;
    }
    ios.routing.rip.get_or_insert_with(RipConfig::default);
    ios.terminal.mode = Mode::RouterRip;
}

/// The `config-router` commands of RIP.
pub fn router_rip() -> Tree {
    let seconds = |help| arg(Arg::Num(0, u32::MAX), help);
    vec![
        kw("version", "Set routing protocol version")
            .no(version)
            .sub(vec![arg(Arg::Num(1, 2), "version").run(version)]),
        kw("network", "Enable routing on an IP network").sub(vec![arg(Arg::Ipv4, "Network number").run(network)]),
        kw("auto-summary", "Enable automatic network number summarization").run(auto_summary),
        kw("passive-interface", "Suppress routing updates on an interface").sub(vec![
            kw("default", "Suppress routing updates on all interfaces").run(passive),
            arg(Arg::Iface, "").run(passive),
        ]),
        kw("default-information", "Control distribution of default information").sub(vec![kw(
            "originate",
            "Distribute a default route",
        )
        .run(default_originate)]),
        kw("timers", "Adjust routing timers").sub(vec![kw("basic", "Basic routing protocol update timers")
            .no(timers)
            .sub(vec![seconds("Interval between updates for RIP").sub(vec![
                seconds("Invalid").sub(vec![seconds("Holddown").sub(vec![seconds("Flush").run(timers)])])
            ])])]),
        kw("exit", "Exit from routing protocol configuration mode").plain(super::config::exit),
        kw("end", "Exit from configure mode").plain(super::config::end),
    ]
}

fn config<'a>(cx: &'a mut Cx) -> Option<&'a mut RipConfig> {
    cx.ios().routing.rip.as_mut()
}

fn version(cx: &mut Cx) {
    let v = if cx.negated { None } else { cx.num(0).map(|n| n as u8) };
    if let Some(c) = config(cx) {
        c.version = v;
    }
}

fn network(cx: &mut Cx) {
    let Some(ip) = cx.ip(0) else { return };
    let negated = cx.negated;
    let Some(c) = config(cx) else { return };
    // IOS keeps the classful network: `network 10.1.1.0` is saved as `network 10.0.0.0`.
    let net = classful_network(ip);
    c.networks.retain(|n| *n != net);
    if !negated {
        c.networks.push(net);
        c.networks.sort();
    }
}

fn auto_summary(cx: &mut Cx) {
    let on = !cx.negated;
    if let Some(c) = config(cx) {
        c.auto_summary = on;
    }
}

fn passive(cx: &mut Cx) {
    let iface = cx.iface().cloned();
    let negated = cx.negated;
    let Some(c) = config(cx) else { return };
    match iface {
        None => {
            c.passive_default = !negated;
            c.passive.clear();
            c.not_passive.clear();
        }
        Some(i) => {
            c.passive.retain(|x| *x != i);
            c.not_passive.retain(|x| *x != i);
            match (c.passive_default, negated) {
                (true, true) => c.not_passive.push(i),
                (false, false) => c.passive.push(i),
                _ => {}
            }
        }
    }
}

fn default_originate(cx: &mut Cx) {
    let on = !cx.negated;
    if let Some(c) = config(cx) {
        c.default_originate = on;
    }
}

fn timers(cx: &mut Cx) {
    let t = match (cx.negated, cx.num(0), cx.num(1), cx.num(2), cx.num(3)) {
        (false, Some(update), Some(invalid), Some(holddown), Some(flush)) => {
            Timers { update, invalid, holddown, flush }
        }
        _ => Timers::DEFAULT,
    };
    if let Some(c) = config(cx) {
        c.timers = t;
    }
}

/// The `router rip` block of the running-config, in IOS's order.
pub(super) fn rip_lines(c: &RipConfig) -> Vec<String> {
    let mut v = vec!["router rip".to_string()];
    if let Some(n) = c.version {
        v.push(format!(" version {n}"));
    }
    if c.timers != Timers::DEFAULT {
        let t = c.timers;
        v.push(format!(" timers basic {} {} {} {}", t.update, t.invalid, t.holddown, t.flush));
    }
    if c.passive_default {
        v.push(" passive-interface default".into());
        v.extend(c.not_passive.iter().map(|i| format!(" no passive-interface {i}")));
    }
    v.extend(c.passive.iter().map(|i| format!(" passive-interface {i}")));
    v.extend(c.networks.iter().map(|n| format!(" network {n}")));
    if c.default_originate {
        v.push(" default-information originate".into());
    }
    if !c.auto_summary {
        v.push(" no auto-summary".into());
    }
    v
}

/// `show ip rip database`.
pub fn database(cx: &mut Cx) {
    let now = cx.now;
    let text = database_text(cx.ios(), now);
    cx.print(&text);
}

pub fn database_text(ios: &Ios, now: Time) -> String {
    let Some(rip) = &ios.routing.rip_running else { return String::new() };
    let name = |i: usize| ios.stack.ifaces.get(i).map_or_else(String::new, |x| x.name.to_string());
    let mut out = String::new();
    let mut summarised: Option<Prefix> = None;
    for (prefix, r) in &rip.routes {
        // With auto-summary, each major network with subnets is listed first as a summary.
        let major_len = classful_len(prefix.addr);
        if rip.config.auto_summary && prefix.len > major_len {
            let major = Prefix::new(prefix.addr, major_len);
            if summarised != Some(major) && !rip.routes.contains_key(&major) {
                let _ = writeln!(out, "{major}    auto-summary");
            }
            summarised = Some(major);
        }
        match r.origin {
            Origin::Connected { iface } => {
                let _ = writeln!(out, "{prefix}    directly connected, {}", name(iface));
            }
            Origin::DefaultOriginated => {
                let _ = writeln!(out, "{prefix}    redistributed\n    [1] via 0.0.0.0,");
            }
            Origin::Learned => {
                let _ = writeln!(out, "{prefix}");
                for p in &r.paths {
                    let age = super::show::route_age(now.since(p.heard));
                    let _ = writeln!(out, "    [{}] via {}, {age}, {}", r.metric, p.via, name(p.iface));
                }
            }
        }
    }
    out
}

/// RIP's block of `show ip protocols`, if RIP runs.
pub fn protocols_block(ios: &Ios, now: Time) -> Option<String> {
    let rip = ios.routing.rip_running.as_ref()?;
    let c = &rip.config;
    let t = c.timers;
    let mut out = String::from("Routing Protocol is \"rip\"\n");
    out.push_str("  Outgoing update filter list for all interfaces is not set\n");
    out.push_str("  Incoming update filter list for all interfaces is not set\n");
    let due = rip.next_update.since(now).secs();
    let _ = writeln!(out, "  Sending updates every {} seconds, next due in {due} seconds", t.update);
    let _ = writeln!(out, "  Invalid after {} seconds, hold down {}, flushed after {}", t.invalid, t.holddown, t.flush);
    out.push_str("  Redistributing: rip\n");
    let (send, recv) = match c.version {
        None => ("1", "1 2"),
        Some(1) => ("1", "1"),
        Some(_) => ("2", "2"),
    };
    let _ = match c.version {
        None => writeln!(out, "  Default version control: send version 1, receive any version"),
        Some(v) => writeln!(out, "  Default version control: send version {v}, receive version {v}"),
    };
    out.push_str("    Interface             Send  Recv  Triggered RIP  Key-chain\n");
    for l in rip.links.iter().filter(|l| rip.runs_on(l) && !c.is_passive(&l.name)) {
        // IOS pads each row with spaces out past the Key-chain column.
        let _ = writeln!(out, "    {:<21} {send:<5} {recv:<37}", l.name.to_string());
    }
    let _ = writeln!(out, "  Automatic network summarization is {}in effect", if c.auto_summary { "" } else { "not " });
    out.push_str("  Maximum path: 4\n  Routing for Networks:\n");
    for n in &c.networks {
        let _ = writeln!(out, "    {n}");
    }
    let passive: Vec<_> = rip.links.iter().filter(|l| rip.covers(l) && c.is_passive(&l.name)).collect();
    if !passive.is_empty() {
        out.push_str("  Passive Interface(s):\n");
        for l in passive {
            let _ = writeln!(out, "    {}", l.name);
        }
    }
    out.push_str("  Routing Information Sources:\n    Gateway         Distance      Last Update\n");
    for (gw, at) in &rip.sources {
        let age = super::show::route_age(now.since(*at));
        let _ = writeln!(out, "    {:<15} {:>8}      {age}", gw.to_string(), crate::proto::rip::DISTANCE);
    }
    out.push_str("  Distance: (default is 120)\n");
    Some(out)
}
