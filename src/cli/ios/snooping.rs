//! DHCP snooping and dynamic ARP inspection at the CLI (switches): the
//! global and interface commands, `show ip dhcp snooping [binding]`, `show
//! ip arp inspection`, their running-config lines; and a router's `ip dhcp
//! relay information trust-all`, which takes the option 82 a snooping switch
//! adds. What they do is the device's (`device/ios/snooping.rs`).

use super::tree::{Arg, Node};
use super::{arg, kw, Cx, Handler};
use crate::base::Model;
use crate::device::ios::snooping::Snooping;
use crate::device::{Ios, IosIface};
use crate::proto::ethernet::Mac;
use crate::proto::vlan::VlanSet;

fn switch(m: Model) -> bool {
    m.is_switch()
}

fn layer3(m: Model) -> bool {
    m != Model::Switch
}

/// Under `ip dhcp` in global configuration.
pub fn global_dhcp() -> Vec<Node<Handler>> {
    vec![
        kw("snooping", "DHCP Snooping").when(switch).run(enable).sub(vec![
            kw("vlan", "DHCP Snooping vlan").sub(vec![arg(
                Arg::Word,
                "DHCP Snooping vlan first number or vlan range,example: 1,3-5,7,9-11",
            )
            .run(vlans)]),
            kw("information", "DHCP Snooping information")
                .sub(vec![kw("option", "DHCP Snooping information option").run(option82)]),
            kw("verify", "DHCP snooping verify")
                .sub(vec![kw("mac-address", "DHCP snooping verify mac-address").run(verify_mac)]),
        ]),
        kw("relay", "DHCP relay agent parameters").when(layer3).sub(vec![kw(
            "information",
            "DHCP relay agent information option",
        )
        .sub(vec![
            kw("trust-all", "Received DHCP packets may contain relay info option with zero giaddr").run(trust_all)
        ])]),
    ]
}

/// `ip arp inspection ...` in global configuration.
pub fn global_arp() -> Node<Handler> {
    kw("arp", "IP ARP global configuration").when(switch).sub(vec![kw("inspection", "Arp Inspection configuration")
        .sub(vec![
            kw("vlan", "Enable/Disable ARP Inspection on vlans").sub(vec![arg(
                Arg::Word,
                "vlan range, example: 1,3-5,7,9-11",
            )
            .run(arp_vlans)]),
            kw("validate", "Validate addresses")
                .no(validate)
                .sub(vec![arg(Arg::Rest, "src-mac, dst-mac or ip").run(validate)]),
        ])])
}

/// `ip dhcp snooping trust | limit rate N` and `ip arp inspection trust |
/// limit rate N` under an interface.
pub fn interface() -> Vec<Node<Handler>> {
    vec![
        kw("dhcp", "Configure DHCP parameters for this interface").when(switch).sub(vec![kw(
            "snooping",
            "DHCP Snooping configuration",
        )
        .sub(vec![
            kw("trust", "DHCP Snooping trust config").run(snoop_trust),
            kw("limit", "DHCP Snooping limit").sub(vec![kw("rate", "DHCP Snooping limit rate")
                .no(snoop_rate)
                .sub(vec![arg(Arg::Num(1, 2048), "DHCP snooping rate limit").run(snoop_rate)])]),
        ])]),
        kw("arp", "Configure ARP features").when(switch).sub(vec![kw("inspection", "Arp Inspection configuration")
            .sub(vec![
                kw("trust", "Configure Trust state").run(arp_trust),
                kw("limit", "Configure Rate limit of incoming ARP packets").sub(vec![kw("rate", "Rate Limit")
                    .no(arp_rate)
                    .sub(vec![arg(Arg::Num(0, 2048), "Packets per second").run(arp_rate)])]),
            ])]),
    ]
}

/// `show ip dhcp snooping [binding]`.
pub fn show_dhcp() -> Node<Handler> {
    kw("snooping", "DHCP snooping")
        .when(switch)
        .plain(show_snooping)
        .sub(vec![kw("binding", "DHCP snooping binding").plain(show_bindings)])
}

/// `show ip arp inspection`.
pub fn show_arp() -> Node<Handler> {
    kw("inspection", "ARP inspection").when(switch).plain(show_inspection)
}

fn snooping<'a>(cx: &'a mut Cx<'_>) -> &'a mut Snooping {
    &mut cx.ios().switching.snooping
}

fn enable(cx: &mut Cx) {
    let on = !cx.negated;
    snooping(cx).enabled = on;
}

/// Parse a VLAN list for `vlan`, or print IOS's complaint.
fn vlan_list(cx: &mut Cx) -> Option<Vec<u16>> {
    let text = cx.word(0).unwrap_or("").to_string();
    match VlanSet::parse(&text) {
        Some(set) => Some(set.iter().collect()),
        None => {
            let at = cx.rest_column().unwrap_or(0);
            cx.invalid_at(at);
            None
        }
    }
}

fn vlans(cx: &mut Cx) {
    let Some(list) = vlan_list(cx) else { return };
    let negated = cx.negated;
    let s = snooping(cx);
    for v in list {
        if negated {
            s.vlans.remove(&v);
        } else {
            s.vlans.insert(v);
        }
    }
}

fn arp_vlans(cx: &mut Cx) {
    let Some(list) = vlan_list(cx) else { return };
    let negated = cx.negated;
    let s = snooping(cx);
    for v in list {
        if negated {
            s.arp_vlans.remove(&v);
        } else {
            s.arp_vlans.insert(v);
        }
    }
}

fn option82(cx: &mut Cx) {
    let on = !cx.negated;
    snooping(cx).option82 = on;
}

fn verify_mac(cx: &mut Cx) {
    let on = !cx.negated;
    snooping(cx).verify_mac = on;
}

fn trust_all(cx: &mut Cx) {
    let on = !cx.negated;
    cx.ios().services.dhcp_relay_trust_all = on;
}

fn validate(cx: &mut Cx) {
    let words: Vec<String> = cx.rest().unwrap_or("").split_whitespace().map(str::to_ascii_lowercase).collect();
    let mut v = crate::device::ios::snooping::ArpValidate::default();
    for (i, w) in words.iter().enumerate() {
        match w.as_str() {
            "src-mac" => v.src_mac = true,
            "dst-mac" => v.dst_mac = true,
            "ip" => v.ip = true,
            _ => {
                let col = cx.rest_column().unwrap_or(0) + words[..i].iter().map(|w| w.len() + 1).sum::<usize>();
                cx.invalid_at(col);
                return;
            }
        }
    }
    let negated = cx.negated;
    snooping(cx).validate = if negated { Default::default() } else { v };
}

fn each_iface(cx: &mut Cx, f: impl Fn(&mut IosIface)) {
    for name in super::config::selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            f(i);
        }
    }
}

fn snoop_trust(cx: &mut Cx) {
    let on = !cx.negated;
    each_iface(cx, |i| i.snoop_trust = on);
}

fn snoop_rate(cx: &mut Cx) {
    let rate = if cx.negated { None } else { cx.num(0) };
    each_iface(cx, |i| i.snoop_rate = rate);
}

fn arp_trust(cx: &mut Cx) {
    let on = !cx.negated;
    each_iface(cx, |i| i.arp_trust = on);
}

fn arp_rate(cx: &mut Cx) {
    let rate = if cx.negated { None } else { cx.num(0) };
    each_iface(cx, |i| i.arp_rate = rate);
}

fn set_text(vlans: &std::collections::BTreeSet<u16>) -> String {
    let mut set = VlanSet::none();
    for v in vlans {
        set.insert(*v);
    }
    set.render()
}

fn show_snooping(cx: &mut Cx) {
    let ios = cx.ios();
    let s = &ios.switching.snooping;
    let mac = ios.bridge.as_ref().map_or(Mac([0; 6]), |b| b.svi_mac);
    let operational: std::collections::BTreeSet<u16> =
        s.vlans.iter().copied().filter(|v| ios.switching.vlans.contains_key(v)).collect();
    let mut out = format!(
        "Switch DHCP snooping is {}\nSwitch DHCP gleaning is disabled\nDHCP snooping is configured on following VLANs:\n{}\nDHCP snooping is operational on following VLANs:\n{}\nDHCP snooping is configured on the following L3 Interfaces:\n\nInsertion of option 82 is {}\n   circuit-id default format: vlan-mod-port\n   remote-id: {} (MAC)\nOption 82 on untrusted port is not allowed\nVerification of hwaddr field is {}\nVerification of giaddr field is enabled\nDHCP snooping trust/rate is configured on the following Interfaces:\n\nInterface                  Trusted    Allow option    Rate limit (pps)\n-----------------------    -------    ------------    ----------------   \n",
        if s.enabled { "enabled" } else { "disabled" },
        if s.vlans.is_empty() { "none".to_string() } else { set_text(&s.vlans) },
        if operational.is_empty() || !s.enabled { "none".to_string() } else { set_text(&operational) },
        if s.option82 { "enabled" } else { "disabled" },
        crate::proto::ethernet::cisco_format(mac),
        if s.verify_mac { "enabled" } else { "disabled" },
    );
    for i in ios.ifaces.iter().filter(|i| i.snoop_trust || i.snoop_rate.is_some()) {
        out.push_str(&format!(
            "{:<27}{:<11}{:<16}{}\n  Custom circuit-ids:\n",
            i.name.to_string(),
            if i.snoop_trust { "yes" } else { "no" },
            if i.snoop_trust { "yes" } else { "no" },
            i.snoop_rate.map_or("unlimited".to_string(), |r| r.to_string())
        ));
    }
    cx.print(&out);
}

fn show_bindings(cx: &mut Cx) {
    let now = cx.now;
    let ios = cx.ios();
    let bindings = ios.snooping_bindings(now);
    let mut out = String::from(
        "MacAddress          IpAddress        Lease(sec)  Type           VLAN  Interface\n------------------  ---------------  ----------  -------------  ----  --------------------\n",
    );
    for b in &bindings {
        let m = b.mac.0;
        let mac = format!("{:02X}:{:02X}:{:02X}:{:02X}:{:02X}:{:02X}", m[0], m[1], m[2], m[3], m[4], m[5]);
        let port = ios.port_iface(b.port).map(|i| i.name.to_string()).unwrap_or_default();
        out.push_str(&format!(
            "{mac:<20}{:<17}{:<12}{:<15}{:<6}{port}\n",
            b.ip.to_string(),
            b.expires.since(now).secs(),
            "dhcp-snooping",
            b.vlan
        ));
    }
    out.push_str(&format!("Total number of bindings: {}\n\n", bindings.len()));
    cx.print(&out);
}

fn show_inspection(cx: &mut Cx) {
    let ios = cx.ios();
    let s = &ios.switching.snooping;
    let v = s.validate;
    let word = |on: bool| if on { "Enabled" } else { "Disabled" };
    let mut out = format!(
        "\nSource Mac Validation      : {}\nDestination Mac Validation : {}\nIP Address Validation      : {}\n\n Vlan     Configuration    Operation   ACL Match          Static ACL\n ----     -------------    ---------   ---------          ----------\n",
        word(v.src_mac),
        word(v.dst_mac),
        word(v.ip)
    );
    for vlan in &s.arp_vlans {
        let active = ios.switching.vlans.contains_key(vlan);
        out.push_str(&format!("{vlan:>5}     Enabled          {:<12}\n", if active { "Active" } else { "Inactive" }));
    }
    cx.print(&out);
}

/// The global running-config lines.
pub fn config_lines(ios: &Ios) -> Vec<String> {
    let s = &ios.switching.snooping;
    let mut out = Vec::new();
    if !s.vlans.is_empty() {
        out.push(format!("ip dhcp snooping vlan {}", set_text(&s.vlans)));
    }
    if !s.option82 {
        out.push("no ip dhcp snooping information option".into());
    }
    if !s.verify_mac {
        out.push("no ip dhcp snooping verify mac-address".into());
    }
    if s.enabled {
        out.push("ip dhcp snooping".into());
    }
    if !s.arp_vlans.is_empty() {
        out.push(format!("ip arp inspection vlan {}", set_text(&s.arp_vlans)));
    }
    let v = s.validate;
    if v.src_mac || v.dst_mac || v.ip {
        let words: Vec<&str> = [(v.src_mac, "src-mac"), (v.dst_mac, "dst-mac"), (v.ip, "ip")]
            .into_iter()
            .filter_map(|(on, w)| on.then_some(w))
            .collect();
        out.push(format!("ip arp inspection validate {}", words.join(" ")));
    }
    if ios.services.dhcp_relay_trust_all {
        out.push("ip dhcp relay information trust-all".into());
    }
    out
}

/// An interface's running-config lines.
pub fn iface_lines(i: &IosIface) -> Vec<String> {
    let mut out = Vec::new();
    if i.arp_trust {
        out.push(" ip arp inspection trust".into());
    }
    if let Some(r) = i.arp_rate {
        out.push(format!(" ip arp inspection limit rate {r}"));
    }
    if i.snoop_trust {
        out.push(" ip dhcp snooping trust".into());
    }
    if let Some(r) = i.snoop_rate {
        out.push(format!(" ip dhcp snooping limit rate {r}"));
    }
    out
}
