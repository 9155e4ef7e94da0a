//! HSRP at the CLI: `standby [N] ip|priority|preempt|timers` and
//! `standby version` under an interface, their running-config lines, and
//! `show standby [brief]` as IOS XE prints them.

use std::net::Ipv4Addr;

use super::tree::Arg;
use super::{arg, kw, Cx, Handler, Tree};
use crate::base::Model;
use crate::cli::Rejection;
use crate::device::ios::Ios;
use crate::device::{Device, IosIface, Role};
use crate::proto::hsrp::{self, Group, GroupConfig, State, DEFAULT_PRIORITY};
use crate::sim::Time;

fn layer3(m: Model) -> bool {
    m != Model::Switch
}

/// The commands after an optional group number.
fn group_commands() -> Tree {
    vec![
        kw("ip", "Enable HSRP and set the virtual IP address").run(standby).sub(vec![arg(
            Arg::Ipv4,
            "Virtual IP address",
        )
        .run(standby)]),
        kw("priority", "Priority level").no(standby).sub(vec![arg(Arg::Num(0, 255), "Priority value").run(standby)]),
        kw("preempt", "Overthrow lower priority Active routers").run(standby),
        kw("timers", "Hello and hold timers").no(standby).sub(vec![arg(Arg::Num(1, 254), "Hello interval in seconds")
            .sub(vec![arg(Arg::Num(2, 255), "Hold time in seconds").run(standby)])]),
    ]
}

/// `standby ...` under an interface.
pub fn interface() -> super::super::tree::Node<Handler> {
    let mut t = vec![
        kw("version", "HSRP version").no(version).sub(vec![arg(Arg::Num(1, 2), "Version number").run(version)]),
        arg(Arg::Num(0, 4095), "group number").sub(group_commands()).no(standby),
    ];
    t.extend(group_commands());
    kw("standby", "HSRP interface configuration commands").when(layer3).sub(t)
}

fn selected_ifaces(cx: &mut Cx) -> Vec<crate::base::IfaceName> {
    super::config::selected(cx)
}

fn version(cx: &mut Cx) {
    let v = if cx.negated { 1 } else { cx.num(0).unwrap_or(1) as u8 };
    let now = cx.now;
    for name in selected_ifaces(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        if i.hsrp_version != v {
            i.hsrp_version = v;
            // The groups start again in the other version.
            for g in &mut i.hsrp {
                g.down(now);
                g.config.version = v;
            }
        }
    }
}

/// Which group a `standby` line is about: the number after `standby`, or 0.
fn group_of(cx: &Cx) -> u16 {
    match cx.values.get(1) {
        Some(super::Value::Num(n)) => *n as u16,
        _ => 0,
    }
}

fn standby(cx: &mut Cx) {
    let group = group_of(cx);
    let negated = cx.negated;
    let what = ["ip", "priority", "preempt", "timers"].into_iter().find(|k| cx.has(k));
    let nums: Vec<u32> = cx
        .values
        .iter()
        .skip(if matches!(cx.values.get(1), Some(super::Value::Num(_))) { 2 } else { 1 })
        .filter_map(|v| if let super::Value::Num(n) = v { Some(*n) } else { None })
        .collect();
    let ip = cx.ip(0);
    let now = cx.now;
    for name in selected_ifaces(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        if i.stack.is_none() {
            return cx.reject(Rejection::Refused, "% HSRP is only supported on routed interfaces\n");
        }
        if group > 255 && i.hsrp_version == 1 {
            return cx.reject(Rejection::Refused, "% Group number must be in the range 0-255 for HSRP version 1\n");
        }
        let version = i.hsrp_version;
        let at = match i.hsrp.iter().position(|g| g.config.group == group) {
            Some(at) => at,
            None if negated => continue,
            None => {
                let config = GroupConfig { version, ..GroupConfig::new(group) };
                i.hsrp.push(Group::new(config, now));
                i.hsrp.sort_by_key(|g| g.config.group);
                i.hsrp.iter().position(|g| g.config.group == group).expect("just added")
            }
        };
        if negated && what.is_none() {
            i.hsrp.remove(at);
            continue;
        }
        let mut config = i.hsrp[at].config.clone();
        match what {
            Some("ip") => config.virtual_ip = if negated { None } else { ip },
            Some("priority") => config.priority = if negated { None } else { nums.first().map(|&p| p as u8) },
            Some("preempt") => config.preempt = !negated,
            Some("timers") => {
                let (hello, hold) = match nums.as_slice() {
                    [h, d] if !negated => (*h, *d),
                    _ => (hsrp::HELLO_SECS, hsrp::HOLD_SECS),
                };
                config.hello_secs = hello;
                config.hold_secs = hold;
                config.timers_configured = !negated;
            }
            _ => {}
        }
        i.hsrp[at].reconfigure(now, config);
    }
}

/// The running-config lines of an interface's groups.
pub(super) fn iface_lines(i: &IosIface) -> Vec<String> {
    let mut v = Vec::new();
    if i.hsrp.is_empty() {
        return v;
    }
    if i.hsrp_version == 2 {
        v.push(" standby version 2".into());
    }
    for g in &i.hsrp {
        let c = &g.config;
        let n = if c.group == 0 { String::new() } else { format!(" {}", c.group) };
        if c.timers_configured {
            v.push(format!(" standby{n} timers {} {}", c.hello_secs, c.hold_secs));
        }
        match c.virtual_ip {
            Some(ip) => v.push(format!(" standby{n} ip {ip}")),
            None => v.push(format!(" standby{n} ip")),
        }
        if let Some(p) = c.priority {
            v.push(format!(" standby{n} priority {p}"));
        }
        if c.preempt {
            v.push(format!(" standby{n} preempt"));
        }
    }
    v
}

pub fn show() -> Tree {
    vec![kw("standby", "Hot standby protocol information")
        .plain(show_standby)
        .sub(vec![kw("brief", "Brief output").plain(show_standby)])]
}

fn ios(dev: &Device) -> Option<&Ios> {
    match &dev.role {
        Role::Ios(i) => Some(i),
        Role::Host(_) => None,
    }
}

fn show_standby(cx: &mut Cx) {
    let Some(ios) = ios(cx.dev) else { return };
    let text = if cx.has("brief") { standby_brief(ios) } else { standby_full(ios, cx.now) };
    cx.print(&text);
}

fn peer_word(local: bool, peer: Option<Ipv4Addr>) -> String {
    match (local, peer) {
        (true, _) => "local".into(),
        (false, Some(ip)) => ip.to_string(),
        (false, None) => "unknown".into(),
    }
}

/// `show standby brief`.
pub fn standby_brief(ios: &Ios) -> String {
    let mut out = String::from(
        "                     P indicates configured to preempt.\n                     |\nInterface   Grp  Pri P State   Active          Standby         Virtual IP\n",
    );
    for i in &ios.ifaces {
        for g in &i.hsrp {
            let active = peer_word(g.state == State::Active, g.active.map(|p| p.addr));
            let standby = peer_word(g.state == State::Standby, g.standby.map(|p| p.addr));
            let vip = g.virtual_ip.map_or("unknown".to_string(), |v| v.to_string());
            let p = if g.config.preempt { "P" } else { " " };
            out.push_str(&format!(
                "{:<11} {:<4} {:<3} {p} {:<7} {:<15} {:<15} {vip}\n",
                i.name.short(),
                g.config.group,
                g.config.priority(),
                g.state.word(),
                active,
                standby,
            ));
        }
    }
    out
}

fn expires_in(now: Time, at: Time) -> String {
    let ms = at.since(now).millis();
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

/// `show standby`.
pub fn standby_full(ios: &Ios, now: Time) -> String {
    let mut out = String::new();
    for i in &ios.ifaces {
        for g in &i.hsrp {
            let c = &g.config;
            let v2 = i.hsrp_version == 2;
            out.push_str(&format!("{} - Group {}{}\n", i.name, c.group, if v2 { " (version 2)" } else { "" }));
            out.push_str(&format!("  State is {}\n", g.state.word()));
            let changes = g.state_changes;
            out.push_str(&format!(
                "    {changes} state change{}, last state change {}\n",
                if changes == 1 { "" } else { "s" },
                super::show::route_age(now.since(g.last_change))
            ));
            match g.virtual_ip {
                Some(ip) => out.push_str(&format!("  Virtual IP address is {ip}\n")),
                None => out.push_str("  Virtual IP address is unknown\n"),
            }
            let vmac = crate::proto::ethernet::cisco_format(hsrp::virtual_mac(i.hsrp_version, c.group));
            let in_use = if g.state == State::Active { "MAC In Use" } else { "MAC Not In Use" };
            out.push_str(&format!("  Active virtual MAC address is {vmac} ({in_use})\n"));
            out.push_str(&format!("    Local virtual MAC address is {vmac} (v{} default)\n", i.hsrp_version));
            let (hello, hold) = g.timers();
            out.push_str(&format!("  Hello time {hello} sec, hold time {hold} sec\n"));
            if let Some(t) = g.next_hello {
                out.push_str(&format!("    Next hello sent in {} secs\n", expires_in(now, t)));
            }
            out.push_str(if c.preempt { "  Preemption enabled\n" } else { "  Preemption disabled\n" });
            match (g.state == State::Active, g.active) {
                (true, _) => out.push_str("  Active router is local\n"),
                (false, Some(p)) => out.push_str(&format!(
                    "  Active router is {}, priority {} (expires in {} sec)\n",
                    p.addr,
                    p.priority,
                    expires_in(now, p.expires)
                )),
                (false, None) => out.push_str("  Active router is unknown\n"),
            }
            match (g.state == State::Standby, g.standby) {
                (true, _) => out.push_str("  Standby router is local\n"),
                (false, Some(p)) => out.push_str(&format!(
                    "  Standby router is {}, priority {} (expires in {} sec)\n",
                    p.addr,
                    p.priority,
                    expires_in(now, p.expires)
                )),
                (false, None) => out.push_str("  Standby router is unknown\n"),
            }
            match c.priority {
                Some(p) => out.push_str(&format!("  Priority {p} (configured {p})\n")),
                None => out.push_str(&format!("  Priority {DEFAULT_PRIORITY} (default {DEFAULT_PRIORITY})\n")),
            }
            let short = i.name.short();
            out.push_str(&format!("  Group name is \"hsrp-{short}-{}\" (default)\n", c.group));
        }
    }
    out
}
