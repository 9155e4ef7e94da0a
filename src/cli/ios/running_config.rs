//! `show running-config`: the configuration rendered from device state, in
//! the order IOS prints it.

use crate::base::{IfaceKind, Model};
use crate::device::ios::{LineKind, Login, Secret};
use crate::device::{Device, Role};
use crate::proto::ipv4::mask_of;
use crate::proto::nat::Side;

fn secret_text(s: &Secret) -> String {
    match s {
        Secret::Clear(p) => p.clone(),
        Secret::Type7(e) => format!("7 {e}"),
        Secret::Type5(h) => format!("5 {h}"),
        Secret::Hashed(n, h) => format!("{n} {h}"),
    }
}

/// The configuration lines (no header, `!` separators included).
pub fn lines(dev: &Device) -> Vec<String> {
    render_lines(dev, false)
}

/// `typed`: the lines as typed commands rather than as IOS displays them:
/// interfaces that are down by default say `no shutdown` when they are up.
fn render_lines(dev: &Device, typed: bool) -> Vec<String> {
    let Role::Ios(ios) = &dev.role else { return Vec::new() };
    let router = ios.model == Model::Router;
    let mut out: Vec<String> = Vec::new();
    let bang = |out: &mut Vec<String>| {
        if out.last().map(String::as_str) != Some("!") {
            out.push("!".into());
        }
    };
    out.push("!".into());
    out.push(format!("version {}", if router { "16.9" } else { "15.0" }));
    let settings = &ios.system.settings;
    out.extend(settings.timestamps.iter().map(|t| format!("service timestamps {t}")));
    match settings.pad {
        Some(true) => out.push("service pad".into()),
        Some(false) => out.push("no service pad".into()),
        None => {}
    }
    out.push(
        if ios.system.password_encryption { "service password-encryption" } else { "no service password-encryption" }
            .into(),
    );
    if ios.services.dhcp_disabled {
        out.push("no service dhcp".into());
    }
    bang(&mut out);
    out.push(format!("hostname {}", ios.system.hostname));
    bang(&mut out);
    if settings.boot_markers {
        out.push("boot-start-marker".into());
        out.push("boot-end-marker".into());
        bang(&mut out);
    }
    if let Some(s) = &ios.system.enable_secret {
        out.push(format!("enable secret {}", secret_text(s)));
    }
    if let Some(s) = &ios.system.enable_password {
        out.push(format!("enable password {}", secret_text(s)));
    }
    bang(&mut out);
    for e in &ios.services.dhcp_excluded {
        out.push(super::services::excluded_line(e));
    }
    bang(&mut out);
    for p in &ios.services.dhcp_pools {
        out.extend(super::services::dhcp_pool_lines(p));
        bang(&mut out);
    }
    out.extend(super::ipv6::dhcp_pool_lines(ios));
    if settings.no_aaa {
        out.push("no aaa new-model".into());
    }
    if !settings.cef {
        out.push("no ip cef".into());
    }
    if !settings.subnet_zero {
        out.push("no ip subnet-zero".into());
    }
    out.extend(super::snooping::config_lines(ios));
    if !ios.system.domain_lookup {
        out.push("no ip domain-lookup".into());
    }
    if let Some(d) = &ios.system.domain_name {
        out.push(format!("ip domain-name {d}"));
    }
    for (name, addrs) in &ios.system.hosts {
        let list: Vec<String> = addrs.iter().map(|a| a.to_string()).collect();
        out.push(format!("ip host {name} {}", list.join(" ")));
    }
    if !ios.system.name_servers.is_empty() {
        let list: Vec<String> = ios.system.name_servers.iter().map(|a| a.to_string()).collect();
        out.push(format!("ip name-server {}", list.join(" ")));
    }
    if ios.model == Model::L3Switch && ios.routing.ip_routing {
        out.push("ip routing".into());
    }
    if ios.routing.ipv6_routing {
        out.push("ipv6 unicast-routing".into());
    }
    bang(&mut out);
    for u in &ios.system.users {
        let mut l = format!("username {}", u.name);
        if let Some(p) = u.privilege {
            l += &format!(" privilege {p}");
        }
        match &u.secret {
            Some(s @ (Secret::Type5(_) | Secret::Hashed(..))) => l += &format!(" secret {}", secret_text(s)),
            Some(s) => l += &format!(" password {}", secret_text(s)),
            None => {}
        }
        out.push(l);
    }
    bang(&mut out);
    if ios.model.is_switch() {
        let sw = &ios.switching;
        out.extend(sw.errdisable_causes.iter().map(|c| format!("errdisable recovery cause {c}")));
        if sw.errdisable_interval != 300 {
            out.push(format!("errdisable recovery interval {}", sw.errdisable_interval));
        }
        out.extend(super::switching::stp_lines(&ios.switching.stp));
        if ios.switching.loopguard_default {
            out.push("spanning-tree loopguard default".into());
        }
        if let Some(p) = ios.switching.internal_vlan_policy {
            out.push(format!("vlan internal allocation policy {p}"));
        }
        bang(&mut out);
        for (id, name) in ios.switching.vlans.iter().filter(|(id, _)| **id != 1) {
            out.push(format!("vlan {id}"));
            if let Some(n) = name {
                out.push(format!(" name {n}"));
            }
            bang(&mut out);
        }
    }
    for i in &ios.ifaces {
        out.push(format!("interface {}", i.name));
        if let Some(d) = &i.description {
            out.push(format!(" description {d}"));
        }
        if let Some(bw) = i.bandwidth {
            out.push(format!(" bandwidth {bw}"));
        }
        if let Some((vlan, native)) = i.dot1q {
            out.push(format!(" encapsulation dot1Q {vlan}{}", if native { " native" } else { "" }));
        }
        let (l2_head, l2_tail) = match &i.switchport {
            Some(sp) => split_switchport(super::switching::switchport_lines(sp)),
            None => (Vec::new(), Vec::new()),
        };
        if i.switchport.is_none() && ios.model == Model::L3Switch && i.port.is_some() {
            out.push(" no switchport".into());
        }
        if i.trunk_dot1q {
            out.push(" switchport trunk encapsulation dot1q".into());
        }
        out.extend(l2_head);
        if let Some(m) = i.psecure_aging {
            out.push(format!(" switchport port-security aging time {m}"));
        }
        if let Some(s) = i.stack {
            let ip = &ios.stack.ifaces[s];
            // IOS lists the secondaries before the primary.
            for &(secondary, len) in &ip.secondaries {
                out.push(format!(" ip address {secondary} {} secondary", mask_of(len)));
            }
            match ip.addr {
                _ if ios.address_from_dhcp(s) => out.push(" ip address dhcp".into()),
                Some((a, len)) => out.push(format!(" ip address {a} {}", mask_of(len))),
                None if !ip.secondaries.is_empty() => {}
                None => out.push(" no ip address".into()),
            }
        }
        out.extend(i.helpers.iter().map(|h| format!(" ip helper-address {h}")));
        if let Some(a) = &i.access_group_in {
            out.push(format!(" ip access-group {a} in"));
        }
        if let Some(a) = &i.access_group_out {
            out.push(format!(" ip access-group {a} out"));
        }
        if let Some(mtu) = i.ip_mtu {
            out.push(format!(" ip mtu {mtu}"));
        }
        if i.no_redirects {
            out.push(" no ip redirects".into());
        }
        if i.no_unreachables {
            out.push(" no ip unreachables".into());
        }
        if i.stack.is_some_and(|s| !ios.stack.ifaces[s].proxy_arp) {
            out.push(" no ip proxy-arp".into());
        }
        match i.nat {
            Some(Side::Inside) => out.push(" ip nat inside".into()),
            Some(Side::Outside) => out.push(" ip nat outside".into()),
            None => {}
        }
        out.extend(super::hsrp::iface_lines(i));
        out.extend(super::routing::ospf_iface_lines(&i.ospf, "ip"));
        out.extend(l2_tail.iter().filter(|l| l.starts_with(" channel-group")).cloned());
        out.extend(super::snooping::iface_lines(i));
        if !i.cdp_enable {
            out.push(" no cdp enable".into());
        }
        if !i.lldp_transmit {
            out.push(" no lldp transmit".into());
        }
        if !i.lldp_receive {
            out.push(" no lldp receive".into());
        }
        if i.shutdown {
            out.push(" shutdown".into());
        } else if typed && (i.port.is_some() && router || i.name.kind == IfaceKind::Vlan) {
            out.push(" no shutdown".into());
        }
        let physical_ethernet = i.port.is_some() && i.name.kind != IfaceKind::Serial && router;
        match &i.duplex {
            Some(d) => out.push(format!(" duplex {d}")),
            None if physical_ethernet => out.push(" duplex auto".into()),
            None => {}
        }
        match &i.speed {
            Some(s) => out.push(format!(" speed {s}")),
            None if physical_ethernet => out.push(" speed auto".into()),
            None => {}
        }
        if i.no_negotiation {
            out.push(" no negotiation auto".into());
        }
        if i.no_mdix {
            out.push(" no mdix auto".into());
        }
        // IPv6 after the physical settings, then a DCE's clock rate, as IOS lists them.
        out.extend(super::ipv6::iface_lines(i));
        out.extend(super::routing::ospf_iface_lines(&i.ospf6, "ipv6"));
        if let Some(r) = i.clock_rate {
            out.push(format!(" clock rate {r}"));
        }
        out.extend(l2_tail.into_iter().filter(|l| !l.starts_with(" channel-group")));
        out.push("!".into());
    }
    for p in &ios.routing.ospf {
        out.extend(super::routing::ospf_process_lines(p));
        bang(&mut out);
    }
    if let Some(rip) = &ios.routing.rip {
        out.extend(super::rip::rip_lines(rip));
        bang(&mut out);
    }
    if ios.model == Model::Switch {
        if let Some(gw) = ios.routing.default_gateway {
            out.push(format!("ip default-gateway {gw}"));
        }
    } else if settings.classless {
        out.push("ip classless".into());
    } else {
        out.push("no ip classless".into());
    }
    if !settings.forward_nd {
        out.push("no ip forward-protocol nd".into());
    }
    if ios.system.http_server {
        out.push("ip http server".into());
    }
    if settings.http_secure {
        out.push("ip http secure-server".into());
    }
    if let Some(t) = ios.system.ssh_timeout {
        out.push(format!("ip ssh time-out {t}"));
    }
    if let Some(r) = ios.system.ssh_retries {
        out.push(format!("ip ssh authentication-retries {r}"));
    }
    if let Some(v) = ios.system.ssh_version {
        out.push(format!("ip ssh version {v}"));
    }
    out.extend(super::services::nat_lines(&ios.services.nat));
    let mut routes = ios.routing.static_routes.clone();
    routes.sort_by(|a, b| (a.prefix, a.iface.is_none(), a.next_hop).cmp(&(b.prefix, b.iface.is_none(), b.next_hop)));
    for r in &routes {
        let mut l = format!("ip route {} {}", r.prefix.addr, mask_of(r.prefix.len));
        if let Some(i) = r.iface {
            l += &format!(" {}", ios.stack.ifaces[i].name);
        }
        if let Some(nh) = r.next_hop {
            l += &format!(" {nh}");
        }
        if r.distance != 1 {
            l += &format!(" {}", r.distance);
        }
        if let Some((_, opts)) = ios.routing.static_route_options.iter().find(|(x, _)| x == r) {
            l += opts;
        }
        out.push(l);
    }
    bang(&mut out);
    let lists = ios.services.acls.lists();
    for acl in lists.iter().filter(|a| matches!(a.id, crate::proto::acl::AclId::Name(_))) {
        out.extend(super::acl_syntax::config_lines(acl));
    }
    bang(&mut out);
    for acl in lists.iter().filter(|a| matches!(a.id, crate::proto::acl::AclId::Number(_))) {
        out.extend(super::acl_syntax::config_lines(acl));
    }
    bang(&mut out);
    out.extend(super::ipv6::route_lines(ios));
    for p in &ios.routing.ospf6 {
        out.extend(super::ospf6::process_lines(p));
        bang(&mut out);
    }
    if ios.discovery.lldp_run {
        out.push("lldp run".into());
    }
    if !ios.discovery.cdp_run {
        out.push("no cdp run".into());
    }
    bang(&mut out);
    if let Some(b) = &ios.system.banner_login {
        out.push(format!("banner login ^C{b}^C"));
    }
    if let Some(b) = &ios.system.banner_motd {
        out.push(format!("banner motd ^C{b}^C"));
    }
    bang(&mut out);
    for l in &ios.system.lines {
        let head = match l.kind {
            LineKind::Console => "line con 0".to_string(),
            LineKind::Aux => "line aux 0".to_string(),
            LineKind::Vty if l.first == l.last => format!("line vty {}", l.first),
            LineKind::Vty => format!("line vty {} {}", l.first, l.last),
        };
        out.push(head);
        if let Some(a) = &l.access_class_in {
            out.push(format!(" access-class {a} in"));
        }
        if let Some(a) = &l.access_class_out {
            out.push(format!(" access-class {a} out"));
        }
        if let Some((m, s)) = l.exec_timeout {
            out.push(format!(" exec-timeout {m} {s}"));
        }
        if let Some(p) = l.privilege {
            out.push(format!(" privilege level {p}"));
        }
        if let Some(n) = l.stopbits {
            out.push(format!(" stopbits {n}"));
        }
        if let Some(n) = l.history_size {
            out.push(format!(" history size {n}"));
        }
        if let Some(p) = &l.password {
            out.push(format!(" password {}", secret_text(p)));
        }
        if l.logging_synchronous {
            out.push(" logging synchronous".into());
        }
        match (l.kind, l.login) {
            (_, Login::Local) => out.push(" login local".into()),
            (_, Login::Line) => out.push(" login".into()),
            (LineKind::Vty, Login::None) => out.push(" no login".into()),
            (_, Login::None) => {}
        }
        if let Some(t) = &l.transport_input {
            out.push(format!(" transport input {t}"));
        }
    }
    out.push("!".into());
    out.push("end".into());
    out
}

/// Switchport lines before the addresses, and spanning-tree/channel lines after.
fn split_switchport(lines: Vec<String>) -> (Vec<String>, Vec<String>) {
    lines.into_iter().partition(|l| l.starts_with(" switchport"))
}

/// What `copy running-config startup-config` stores: the configuration
/// without the "Building configuration..." banner.
pub fn startup_text(dev: &Device) -> String {
    lines(dev).iter().map(|l| format!("{l}\n")).collect()
}

/// The full `show running-config` output.
pub fn render(dev: &Device) -> String {
    let body: String = lines(dev).iter().map(|l| format!("{l}\n")).collect();
    format!("Building configuration...\n\nCurrent configuration : {} bytes\n{body}", body.len())
}

/// The configuration as a lab file stores it: the commands that recreate the
/// device's state when typed at its CLI, without what is default anyway
/// (empty interface and line blocks, `ip classless` ...), `!` separators
/// or the final `end`.
pub fn for_lab(dev: &Device) -> String {
    const DEFAULT_LINES: [&str; 5] = ["no service password-encryption", "ip classless", "!", "end", "line aux 0"];
    const DEFAULT_CHILDREN: [&str; 3] = [" duplex auto", " speed auto", " no ip address"];
    let ios_router = dev.model == Model::Router;
    let lines = render_lines(dev, true);
    let mut out = String::new();
    let mut i = 0;
    while i < lines.len() {
        let head = &lines[i];
        let children: Vec<&String> = lines[i + 1..].iter().take_while(|l| l.starts_with(' ')).collect();
        i += 1 + children.len();
        let children: Vec<&String> = children.into_iter().filter(|c| !DEFAULT_CHILDREN.contains(&c.as_str())).collect();
        let is_block = head.starts_with("interface ") || head.starts_with("line ");
        let default_vty = head.starts_with("line vty") && children.iter().all(|c| c.as_str() == " login");
        // Router ports and VLAN interfaces are shut until told otherwise.
        let shut_by_default = head.starts_with("interface ") && (ios_router || head.starts_with("interface Vlan"));
        let default_shut = shut_by_default && children.len() == 1 && children[0] == " shutdown";
        if DEFAULT_LINES.contains(&head.as_str())
            || head.starts_with("version ")
            || (is_block && (children.is_empty() || default_vty || default_shut))
        {
            continue;
        }
        out.push_str(head);
        out.push('\n');
        for c in children {
            out.push_str(c);
            out.push('\n');
        }
    }
    // RSA keys are kept apart from the configuration (in private NVRAM on a
    // real box); the lab file keeps the command that makes them again.
    if let Some(bits) = dev.as_ios().and_then(|i| i.system.rsa_modulus) {
        out.push_str(&format!("crypto key generate rsa general-keys modulus {bits}\n"));
    }
    out
}
