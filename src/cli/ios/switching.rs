//! Switching configuration at the CLI: the VLAN database, switchport modes
//! and VLANs, trunks, port security, spanning tree, EtherChannel membership,
//! and 802.1Q subinterfaces on routers.

use super::tree::Arg;
use super::{arg, kw, Cx, Handler, Tree};
use crate::base::{IfaceKind, Model};
use crate::cli::Rejection;
use crate::device::Mode;
use crate::proto::ethernet::parse_cisco;
use crate::proto::ip_stack::Encap;
use crate::proto::vlan::{ChannelMode, PortMode, StpConfig, Switchport, Violation, VlanSet};

fn switch(m: Model) -> bool {
    m.is_switch()
}

pub fn global() -> Tree {
    vec![
        kw("vlan", "Vlan commands").when(switch).sub(vec![
            arg(Arg::Word, "ISL VLAN IDs 1-4094").run(vlan),
            kw("internal", "internal VLAN").sub(vec![kw("allocation", "internal VLAN allocation").sub(vec![kw(
                "policy",
                "internal VLAN allocation policy",
            )
            .sub(vec![
                kw("ascending", "ascending allocation").run(internal_vlan_policy),
                kw("descending", "descending allocation").run(internal_vlan_policy),
            ])])]),
        ]),
        kw("spanning-tree", "Spanning Tree Subsystem").when(switch).sub(vec![
            kw("mode", "Spanning tree operating mode").sub(vec![
                kw("pvst", "Per-Vlan spanning tree mode").run(stp_mode),
                kw("rapid-pvst", "Per-Vlan rapid spanning tree mode").run(stp_mode),
            ]),
            kw("vlan", "VLAN Switch Spanning Tree").sub(vec![arg(Arg::Word, "VLAN IDs").run(stp_vlan_enable).sub(
                vec![
                    kw("priority", "Set the bridge priority for the spanning tree").no(stp_priority).sub(vec![arg(
                        Arg::Num(0, 61440),
                        "bridge priority in increments of 4096",
                    )
                    .run(stp_priority)]),
                    kw("root", "Configure switch as root").sub(vec![
                        kw("primary", "Configure this switch as primary root for this spanning tree").run(stp_priority),
                        kw("secondary", "Configure switch as secondary root").run(stp_priority),
                    ]),
                ],
            )]),
            kw("portfast", "Spanning tree portfast options").sub(vec![
                kw("default", "Enable portfast by default on all access ports").run(stp_defaults),
                kw("bpduguard", "Enable portfast bpdu guard on this switch").sub(vec![kw(
                    "default",
                    "Enable bdpu guard by default on all portfast edge ports",
                )
                .run(stp_defaults)]),
            ]),
            kw("loopguard", "Spanning tree loopguard options")
                .hidden()
                .sub(vec![kw("default", "").run(loopguard_default)]),
            kw("extend", "Spanning Tree 802.1t extensions").sub(vec![kw(
                "system-id",
                "Extend system-id into priority portion of the bridge id (PVST & Rapid PVST only)",
            )
            .run(extend_system_id)]),
        ]),
    ]
}

/// `errdisable recovery ...` in global configuration.
pub fn errdisable() -> super::super::tree::Node<super::Handler> {
    kw("errdisable", "Error disable").when(switch).sub(vec![kw("recovery", "Error disable recovery").sub(vec![
        kw("cause", "Enable error disable recovery for application").sub(vec![
            kw("arp-inspection", "Enable timer to recover from arp inspection error disable state")
                .run(errdisable_recovery),
            kw("bpduguard", "Enable timer to recover from BPDU Guard error").run(errdisable_recovery),
            kw("dhcp-rate-limit", "Enable timer to recover from dhcp-rate-limit error").run(errdisable_recovery),
            kw("psecure-violation", "Enable timer to recover from psecure violation error").run(errdisable_recovery),
        ]),
        kw("interval", "Error disable recovery timer value")
            .sub(vec![arg(Arg::Num(30, 86400), "timer-interval(sec)").run(errdisable_interval)]),
    ])])
}

/// The causes `errdisable recovery cause` knows, in the order IOS lists them.
const RECOVERY_CAUSES: [&str; 4] = ["arp-inspection", "bpduguard", "dhcp-rate-limit", "psecure-violation"];

fn errdisable_recovery(cx: &mut Cx) {
    let Some(cause) = RECOVERY_CAUSES.into_iter().find(|c| cx.has(c)) else { return };
    let on = !cx.negated;
    let causes = &mut cx.ios().switching.errdisable_causes;
    causes.retain(|c| *c != cause);
    if on {
        causes.push(cause);
        causes.sort_by_key(|c| RECOVERY_CAUSES.iter().position(|k| k == c));
    }
}

fn errdisable_interval(cx: &mut Cx) {
    let n = if cx.negated { 300 } else { cx.num(0).unwrap_or(300) };
    cx.ios().switching.errdisable_interval = n;
}

pub fn vlan_mode() -> Tree {
    vec![
        kw("name", "Ascii name of the VLAN")
            .no(vlan_name)
            .sub(vec![arg(Arg::Word, "The ascii name for the VLAN").run(vlan_name)]),
        kw("exit", "Apply changes, bump revision number, and exit mode").plain(super::config::exit),
        kw("end", "Apply changes, bump revision number, and exit mode").plain(super::config::end),
    ]
}

/// Switch-port commands under an interface.
pub fn interface() -> Tree {
    let vlan_id = |h: Handler| arg(Arg::Num(1, 4094), "VLAN ID of the VLAN when this port is in access mode").run(h);
    vec![
        kw("switchport", "Set switching mode characteristics").when(switch).run(switchport_toggle).sub(vec![
            kw("mode", "Set trunking mode of the interface").no(port_mode).sub(vec![
                kw("access", "Set trunking mode to ACCESS unconditionally").run(port_mode),
                kw("trunk", "Set trunking mode to TRUNK unconditionally").run(port_mode),
                kw("dynamic", "Set trunking mode to dynamically negotiate access or trunk mode").sub(vec![
                    kw("auto", "Set trunking mode dynamic negotiation parameter to AUTO").run(port_mode),
                    kw("desirable", "Set trunking mode dynamic negotiation parameter to DESIRABLE").run(port_mode),
                ]),
            ]),
            kw("access", "Set access mode characteristics of the interface").sub(vec![kw(
                "vlan",
                "Set VLAN when interface is in access mode",
            )
            .no(access_vlan)
            .sub(vec![vlan_id(access_vlan)])]),
            kw("voice", "Voice appliance attributes")
                .sub(vec![kw("vlan", "Vlan for voice traffic").no(voice_vlan).sub(vec![vlan_id(voice_vlan)])]),
            kw("trunk", "Set trunking characteristics of the interface").sub(vec![
                kw("native", "Set trunking native characteristics when interface is in trunking mode").sub(vec![kw(
                    "vlan",
                    "Set native VLAN when interface is in trunking mode",
                )
                .no(native_vlan)
                .sub(vec![vlan_id(native_vlan)])]),
                kw("allowed", "Set allowed VLAN characteristics when interface is in trunking mode").sub(vec![kw(
                    "vlan",
                    "Set allowed VLANs when interface is in trunking mode",
                )
                .no(allowed)
                .sub(vec![
                    kw("add", "add VLANs to the current list").sub(vec![arg(
                        Arg::Word,
                        "VLAN IDs of the allowed VLANs when this port is in trunking mode",
                    )
                    .run(allowed)]),
                    kw("remove", "remove VLANs from the current list").sub(vec![arg(
                        Arg::Word,
                        "VLAN IDs of disallowed VLANS when this port is in trunking mode",
                    )
                    .run(allowed)]),
                    kw("except", "all VLANs except the following").sub(vec![arg(
                        Arg::Word,
                        "VLAN IDs of disallowed VLANS when this port is in trunking mode",
                    )
                    .run(allowed)]),
                    kw("all", "all VLANs").run(allowed),
                    kw("none", "no VLANs").run(allowed),
                    arg(Arg::Word, "VLAN IDs of the allowed VLANs when this port is in trunking mode").run(allowed),
                ])]),
                kw("encapsulation", "Set trunking encapsulation when interface is in trunking mode").sub(vec![kw(
                    "dot1q",
                    "Interface uses only 802.1q trunking encapsulation when trunking",
                )
                .run(trunk_encapsulation)]),
            ]),
            kw("nonegotiate", "Device will not engage in negotiation protocol on this interface").run(nonegotiate),
            kw("port-security", "Security related command").run(port_security).sub(vec![
                kw("maximum", "Max secure addresses").no(port_security).sub(vec![arg(
                    Arg::Num(1, 132),
                    "Maximum addresses",
                )
                .run(port_security)]),
                kw("violation", "Security violation mode").no(port_security).sub(vec![
                    kw("protect", "Security violation protect mode").run(port_security),
                    kw("restrict", "Security violation restrict mode").run(port_security),
                    kw("shutdown", "Security violation shutdown mode").run(port_security),
                ]),
                kw("mac-address", "Secure mac address").sub(vec![
                    kw("sticky", "Configure dynamic secure addresses as sticky").run(port_security).sub(vec![arg(
                        Arg::Word,
                        "48 bit mac address",
                    )
                    .run(port_security)]),
                    arg(Arg::Word, "48 bit mac address").run(port_security),
                ]),
                kw("aging", "Port-security aging commands").sub(vec![kw("time", "Port-security aging time")
                    .no(psecure_aging)
                    .sub(vec![arg(Arg::Num(1, 1440), "Aging time in minutes").run(psecure_aging)])]),
            ]),
        ]),
        kw("spanning-tree", "Spanning Tree Subsystem").when(switch).sub(vec![
            kw("portfast", "Portfast options for the interface").run(portfast).sub(vec![
                kw("disable", "Disable portfast for this interface").run(portfast),
                kw("trunk", "Enable portfast on the interface even in trunk mode").run(portfast),
                kw("network", "Enable portfast network on the interface").run(portfast),
                kw("edge", "Enable portfast edge on the interface").run(portfast).sub(vec![kw(
                    "trunk",
                    "Enable portfast edge on the interface even in trunk mode",
                )
                .run(portfast)]),
            ]),
            kw("bpduguard", "Don't accept BPDUs on this interface").no(bpduguard).sub(vec![
                kw("enable", "Enable BPDU guard for this interface").run(bpduguard),
                kw("disable", "Disable BPDU guard for this interface").run(bpduguard),
            ]),
        ]),
        kw("channel-group", "Etherchannel/port bundling configuration").when(switch).no(channel_group).sub(vec![arg(
            Arg::Num(1, 48),
            "Channel group number",
        )
        .sub(vec![kw("mode", "Etherchannel Mode of the interface").sub(vec![
            kw("active", "Enable LACP unconditionally").run(channel_group),
            kw("passive", "Enable LACP only if a LACP device is detected").run(channel_group),
            kw("desirable", "Enable PAgP unconditionally").run(channel_group).sub(vec![
                kw("non-silent", "Start negotiation only after data packets received").run(channel_group),
                kw("silent", "").hidden().run(channel_group),
            ]),
            kw("auto", "Enable PAgP only if a PAgP device is detected").run(channel_group).sub(vec![
                kw("non-silent", "Start negotiation only after data packets received").run(channel_group),
                kw("silent", "").hidden().run(channel_group),
            ]),
            kw("on", "Enable Etherchannel only").run(channel_group),
        ])])]),
        kw("encapsulation", "Set encapsulation type for an interface").when(|m| m == Model::Router).sub(vec![kw(
            "dot1Q",
            "IEEE 802.1Q Virtual LAN",
        )
        .sub(vec![arg(Arg::Num(1, 4094), "IEEE 802.1Q VLAN ID required").run(encapsulation).sub(vec![kw(
            "native",
            "Make this as native vlan",
        )
        .run(encapsulation)])])]),
    ]
}

fn vlan(cx: &mut Cx) {
    let Some(text) = cx.word(0).map(str::to_string) else { return };
    let Some(set) = VlanSet::parse(&text) else {
        let col = cx.rest_column().unwrap_or(0);
        cx.invalid_at(col);
        return;
    };
    let ids: Vec<u16> = set.iter().collect();
    let negated = cx.negated;
    let ios = cx.ios();
    for &id in &ids {
        if (1002..=1005).contains(&id) || id == 1 {
            if negated {
                cx.reject(Rejection::Refused, &format!("%Default VLAN {id} may not be deleted.\n"));
                return;
            }
            continue;
        }
        if negated {
            ios.switching.vlans.remove(&id);
        } else {
            ios.switching.vlans.entry(id).or_insert(None);
        }
    }
    if !negated {
        cx.ios().terminal.mode = Mode::Vlan { ids };
    }
}

fn vlan_name(cx: &mut Cx) {
    let name = if cx.negated { None } else { cx.word(0).map(|w| w.chars().take(32).collect()) };
    let Mode::Vlan { ids } = cx.ios().terminal.mode.clone() else { return };
    for id in ids {
        if let Some(n) = cx.ios().switching.vlans.get_mut(&id) {
            *n = name.clone();
        }
    }
}

fn stp_mode(cx: &mut Cx) {
    let rapid = cx.has("rapid-pvst") && !cx.negated;
    cx.ios().switching.stp.rapid = rapid;
}

/// `spanning-tree vlan N` / `no spanning-tree vlan N`: run or stop a VLAN's tree.
fn stp_vlan_enable(cx: &mut Cx) {
    let Some(set) = cx.word(0).and_then(VlanSet::parse) else {
        cx.reject(Rejection::Refused, "% Invalid VLAN list\n");
        return;
    };
    let off = cx.negated;
    let stp = &mut cx.ios().switching.stp;
    for v in set.iter() {
        stp.disabled.retain(|x| *x != v);
        if off {
            stp.disabled.push(v);
        }
    }
    stp.disabled.sort_unstable();
}

fn stp_priority(cx: &mut Cx) {
    let Some(set) = cx.word(0).and_then(VlanSet::parse) else {
        cx.reject(Rejection::Refused, "% Invalid VLAN list\n");
        return;
    };
    let priority = if cx.has("primary") {
        Some(24576)
    } else if cx.has("secondary") {
        Some(28672)
    } else {
        cx.num(0)
    };
    if let Some(p) = priority {
        if p % 4096 != 0 {
            cx.reject(Rejection::Refused, "% Bridge Priority must be in increments of 4096.\n% Allowed values are:\n  0     4096  8192  12288 16384 20480 24576 28672\n  32768 36864 40960 45056 49152 53248 57344 61440\n");
            return;
        }
    }
    let negated = cx.negated;
    let stp = &mut cx.ios().switching.stp;
    for v in set.iter() {
        stp.priorities.retain(|(vl, _)| *vl != v);
        if let (false, Some(p)) = (negated, priority) {
            stp.priorities.push((v, p));
        }
    }
    stp.priorities.sort();
}

/// `vlan internal allocation policy ascending|descending`: kept and shown
/// (this model allocates no internal VLANs).
fn internal_vlan_policy(cx: &mut Cx) {
    let policy = if cx.negated {
        None
    } else if cx.has("descending") {
        Some("descending")
    } else {
        Some("ascending")
    };
    cx.ios().switching.internal_vlan_policy = policy;
}

/// `spanning-tree loopguard default`: kept and shown.
fn loopguard_default(cx: &mut Cx) {
    let on = !cx.negated;
    cx.ios().switching.loopguard_default = on;
}

/// `spanning-tree extend system-id`: always on here, as on a 2960 (whose
/// bridge IDs carry the VLAN), and always shown.
fn extend_system_id(_: &mut Cx) {}

/// `switchport trunk encapsulation dot1q` (the only one there is): kept and shown.
fn trunk_encapsulation(cx: &mut Cx) {
    let on = !cx.negated;
    for name in super::config::selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.trunk_dot1q = on;
        }
    }
}

/// `switchport port-security aging time MINUTES`: kept and shown.
fn psecure_aging(cx: &mut Cx) {
    let minutes = if cx.negated { None } else { cx.num(0) };
    for name in super::config::selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.psecure_aging = minutes;
        }
    }
}

fn stp_defaults(cx: &mut Cx) {
    let on = !cx.negated;
    let bpdu = cx.has("bpduguard");
    let stp = &mut cx.ios().switching.stp;
    if bpdu {
        stp.bpduguard_default = on;
    } else {
        stp.portfast_default = on;
    }
}

/// Apply a change to the switchport settings of every selected interface.
fn each_port(cx: &mut Cx, f: impl Fn(&mut Switchport)) {
    for name in super::config::selected(cx) {
        let ios = cx.ios();
        let Some(i) = ios.iface_mut(&name) else { continue };
        match i.switchport.as_mut() {
            Some(sp) => f(sp),
            None => {
                cx.reject(Rejection::Refused, "% Command rejected: interface is not a switchport.\n");
                return;
            }
        }
    }
}

fn switchport_toggle(cx: &mut Cx) {
    let l2 = !cx.negated;
    if cx.dev.model != Model::L3Switch && !l2 {
        let col = cx.dev.prompt().len() + 3;
        cx.invalid_at(col);
        return;
    }
    let ports = cx.dev.ports.clone();
    for name in super::config::selected(cx) {
        let ios = cx.ios();
        let Some(idx) = ios.ifaces.iter().position(|i| i.name == name && i.port.is_some()) else { continue };
        if l2 {
            if ios.ifaces[idx].switchport.is_none() {
                ios.ifaces[idx].switchport = Some(Switchport::default());
                if let Some(s) = ios.ifaces[idx].stack.take() {
                    ios.retire_l3_iface(s);
                }
            }
        } else if ios.ifaces[idx].switchport.is_some() {
            // A routed port: it gets its own IP interface.
            let port = ios.ifaces[idx].port.expect("physical");
            let s = ios.add_l3_iface(name.clone(), Encap::Ethernet, ports[port].mac);
            ios.set_l3_up(s, ports[port].link_up && !ios.ifaces[idx].shutdown);
            ios.ifaces[idx].switchport = None;
            ios.ifaces[idx].stack = Some(s);
        }
    }
}

fn port_mode(cx: &mut Cx) {
    let mode = if cx.negated {
        None
    } else if cx.has("access") {
        Some(PortMode::Access)
    } else if cx.has("trunk") {
        Some(PortMode::Trunk)
    } else if cx.has("desirable") {
        Some(PortMode::DynamicDesirable)
    } else {
        Some(PortMode::DynamicAuto)
    };
    each_port(cx, |sp| sp.mode = mode);
}

/// Make sure a VLAN exists, as IOS does when a port is put in it.
fn ensure_vlan(cx: &mut Cx, id: u16) {
    if !cx.ios().switching.vlans.contains_key(&id) {
        cx.print(&format!("% Access VLAN does not exist. Creating vlan {id}\n"));
        cx.ios().switching.vlans.insert(id, None);
    }
}

fn access_vlan(cx: &mut Cx) {
    let v = if cx.negated { 1 } else { cx.num(0).unwrap_or(1) as u16 };
    if !cx.negated {
        ensure_vlan(cx, v);
    }
    each_port(cx, |sp| sp.access_vlan = v);
}

fn voice_vlan(cx: &mut Cx) {
    let v = if cx.negated { None } else { cx.num(0).map(|n| n as u16) };
    each_port(cx, |sp| sp.voice_vlan = v);
}

fn native_vlan(cx: &mut Cx) {
    let v = if cx.negated { 1 } else { cx.num(0).unwrap_or(1) as u16 };
    each_port(cx, |sp| sp.native_vlan = v);
}

fn allowed(cx: &mut Cx) {
    let list = cx.word(0).map(|w| VlanSet::parse(w));
    if let Some(None) = list {
        let col = cx.rest_column().unwrap_or(0);
        cx.invalid_at(col);
        return;
    }
    let list = list.flatten();
    let (negated, add, remove, except, all, none) =
        (cx.negated, cx.has("add"), cx.has("remove"), cx.has("except"), cx.has("all"), cx.has("none"));
    each_port(cx, |sp| {
        let current = sp.allowed.clone().unwrap_or_else(VlanSet::all);
        sp.allowed = if negated || all {
            None
        } else if none {
            Some(VlanSet::none())
        } else if let Some(l) = &list {
            let mut s = current;
            if add {
                s.union(l);
            } else if remove {
                s.subtract(l);
            } else if except {
                s = VlanSet::all();
                s.subtract(l);
            } else {
                s = l.clone();
            }
            (!s.is_all()).then_some(s)
        } else {
            sp.allowed.clone()
        };
    });
}

fn nonegotiate(cx: &mut Cx) {
    let on = !cx.negated;
    each_port(cx, |sp| sp.nonegotiate = on);
}

fn port_security(cx: &mut Cx) {
    let negated = cx.negated;
    let max = cx.num(0);
    let violation = if cx.has("protect") {
        Some(Violation::Protect)
    } else if cx.has("restrict") {
        Some(Violation::Restrict)
    } else if cx.has("shutdown") {
        Some(Violation::Shutdown)
    } else {
        None
    };
    let mac_word = cx.word(0).map(str::to_string);
    let mac = match &mac_word {
        Some(w) => match parse_cisco(w) {
            Some(m) => Some(m),
            None => {
                let col = cx.rest_column().unwrap_or(0);
                cx.invalid_at(col);
                return;
            }
        },
        None => None,
    };
    let (sticky, has_max, has_violation, has_mac) =
        (cx.has("sticky"), cx.has("maximum"), cx.has("violation"), cx.has("mac-address"));
    // Port security needs a port that is statically access or trunk.
    let selected = super::config::selected(cx);
    let dynamic = selected.iter().find(|n| {
        cx.ios()
            .iface(n)
            .and_then(|i| i.switchport.as_ref())
            .is_some_and(|s| !matches!(s.mode, Some(PortMode::Access | PortMode::Trunk)))
    });
    if let (false, false, false, false, Some(name)) = (negated, has_max, has_violation, has_mac, dynamic) {
        cx.reject(Rejection::Refused, &format!("Command rejected: {name} is a dynamic port.\n"));
        return;
    }
    each_port(cx, |sp| {
        let ps = &mut sp.port_security;
        if has_max {
            ps.maximum = if negated { None } else { max };
        } else if has_violation {
            ps.violation = if negated { None } else { violation.filter(|v| *v != Violation::Shutdown) };
        } else if has_mac {
            match mac {
                Some(m) => {
                    ps.macs.retain(|(x, _)| *x != m);
                    if !negated {
                        ps.macs.push((m, sticky));
                    }
                }
                None => {
                    ps.sticky = !negated;
                    if negated {
                        ps.macs.retain(|(_, s)| !s);
                    }
                }
            }
        } else {
            ps.enabled = !negated;
        }
    });
}

fn portfast(cx: &mut Cx) {
    let v = if cx.negated { None } else { Some(!cx.has("disable")) };
    each_port(cx, |sp| sp.portfast = v);
    if v == Some(true) {
        cx.print("%Warning: portfast should only be enabled on ports connected to a single\n host. Connecting hubs, concentrators, switches, bridges, etc... to this\n interface  when portfast is enabled, can cause temporary bridging loops.\n Use with CAUTION\n\n");
    }
}

fn bpduguard(cx: &mut Cx) {
    let v = if cx.negated { None } else { Some(cx.has("enable")) };
    each_port(cx, |sp| sp.bpduguard = v);
}

fn channel_group(cx: &mut Cx) {
    let group = if cx.negated {
        None
    } else {
        let Some(n) = cx.num(0) else { return };
        let mode = ["active", "passive", "desirable", "auto", "on"].into_iter().find(|m| cx.has(m)).unwrap_or("on");
        let mode = match mode {
            "active" => ChannelMode::Active,
            "passive" => ChannelMode::Passive,
            "desirable" => ChannelMode::Desirable,
            "auto" => ChannelMode::Auto,
            _ => ChannelMode::On,
        };
        Some((n, mode))
    };
    if let Some((n, _)) = group {
        let po = crate::base::IfaceName::new(IfaceKind::PortChannel, &[n]);
        let ports = cx.dev.ports.clone();
        let ios = cx.ios();
        if ios.iface(&po).is_none() {
            ios.ensure_iface(&po, &ports);
            cx.print(&format!("Creating a port-channel interface Port-channel {n}\n\n"));
        }
    }
    each_port(cx, |sp| sp.channel_group = group);
}

fn encapsulation(cx: &mut Cx) {
    let Some(vlan) = cx.num(0).map(|n| n as u16) else { return };
    let native = cx.has("native");
    let negated = cx.negated;
    let ports = cx.dev.ports.clone();
    for name in super::config::selected(cx) {
        if name.sub.is_none() {
            cx.reject(
                Rejection::Refused,
                "% Configuring IEEE 802.1Q encapsulation on the main interface is not supported\n",
            );
            continue;
        }
        let ios = cx.ios();
        let parent_port = ios.iface(&name.parent()).and_then(|p| p.port);
        let Some(i) = ios.ifaces.iter().position(|i| i.name == name) else { continue };
        if negated {
            ios.ifaces[i].dot1q = None;
            continue;
        }
        ios.ifaces[i].dot1q = Some((vlan, native));
        if ios.ifaces[i].stack.is_none() {
            let mac = parent_port.map_or(ports[0].mac, |p| ports[p].mac);
            let s = ios.add_l3_iface(name.clone(), Encap::Ethernet, mac);
            ios.ifaces[i].stack = Some(s);
        }
    }
}

/// The interface lines of a switch port's layer-2 settings, in IOS's order.
pub(super) fn switchport_lines(sp: &Switchport) -> Vec<String> {
    let mut v = Vec::new();
    if sp.access_vlan != 1 {
        v.push(format!(" switchport access vlan {}", sp.access_vlan));
    }
    if sp.native_vlan != 1 {
        v.push(format!(" switchport trunk native vlan {}", sp.native_vlan));
    }
    if let Some(a) = &sp.allowed {
        v.push(format!(" switchport trunk allowed vlan {}", a.render()));
    }
    if let Some(vv) = sp.voice_vlan {
        v.push(format!(" switchport voice vlan {vv}"));
    }
    match sp.mode {
        Some(PortMode::Access) => v.push(" switchport mode access".into()),
        Some(PortMode::Trunk) => v.push(" switchport mode trunk".into()),
        Some(PortMode::DynamicAuto) => v.push(" switchport mode dynamic auto".into()),
        Some(PortMode::DynamicDesirable) => v.push(" switchport mode dynamic desirable".into()),
        None => {}
    }
    if sp.nonegotiate {
        v.push(" switchport nonegotiate".into());
    }
    let ps = &sp.port_security;
    if let Some(m) = ps.maximum {
        v.push(format!(" switchport port-security maximum {m}"));
    }
    match ps.violation {
        Some(Violation::Protect) => v.push(" switchport port-security violation protect".into()),
        Some(Violation::Restrict) => v.push(" switchport port-security violation restrict".into()),
        Some(Violation::Shutdown) | None => {}
    }
    if ps.sticky {
        v.push(" switchport port-security mac-address sticky".into());
    }
    for (mac, sticky) in &ps.macs {
        let s = if *sticky { "sticky " } else { "" };
        v.push(format!(" switchport port-security mac-address {s}{}", crate::proto::ethernet::cisco_format(*mac)));
    }
    if ps.enabled {
        v.push(" switchport port-security".into());
    }
    if let Some((n, m)) = sp.channel_group {
        v.push(format!(" channel-group {n} mode {}", m.word()));
    }
    match sp.portfast {
        Some(true) => v.push(" spanning-tree portfast".into()),
        Some(false) => v.push(" spanning-tree portfast disable".into()),
        None => {}
    }
    match sp.bpduguard {
        Some(true) => v.push(" spanning-tree bpduguard enable".into()),
        Some(false) => v.push(" spanning-tree bpduguard disable".into()),
        None => {}
    }
    v
}

/// The global spanning-tree lines.
pub(super) fn stp_lines(stp: &StpConfig) -> Vec<String> {
    let mut v = vec![format!("spanning-tree mode {}", if stp.rapid { "rapid-pvst" } else { "pvst" })];
    if stp.portfast_default {
        v.push("spanning-tree portfast default".into());
    }
    if stp.bpduguard_default {
        v.push("spanning-tree portfast bpduguard default".into());
    }
    v.push("spanning-tree extend system-id".into());
    // VLANs with the same priority share a line, as IOS prints them.
    let mut by_prio: Vec<(u32, VlanSet)> = Vec::new();
    for &(vlan, prio) in &stp.priorities {
        match by_prio.iter_mut().find(|(p, _)| *p == prio) {
            Some((_, set)) => set.insert(vlan),
            None => {
                let mut s = VlanSet::none();
                s.insert(vlan);
                by_prio.push((prio, s));
            }
        }
    }
    for (prio, set) in by_prio {
        v.push(format!("spanning-tree vlan {} priority {prio}", set.render()));
    }
    if !stp.disabled.is_empty() {
        let mut off = VlanSet::none();
        for &d in &stp.disabled {
            off.insert(d);
        }
        v.push(format!("no spanning-tree vlan {}", off.render()));
    }
    v
}
