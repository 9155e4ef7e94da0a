//! `show running-config`: the configuration rendered from device state, in
//! the order IOS prints it.

use crate::device::ios::{LineKind, Login, Secret};
use crate::device::{Device, IfaceKind, Role};
use crate::proto::ipv4::mask_of;

fn secret_text(s: &Secret) -> String {
    match s {
        Secret::Clear(p) => p.clone(),
        Secret::Type7(e) => format!("7 {e}"),
        Secret::Type5(h) => format!("5 {h}"),
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
    let mut out: Vec<String> = Vec::new();
    let bang = |out: &mut Vec<String>| {
        if out.last().map(String::as_str) != Some("!") {
            out.push("!".into());
        }
    };
    out.push("!".into());
    out.push(format!("version {}", if ios.model == crate::device::Model::Router { "16.9" } else { "15.0" }));
    if ios.password_encryption {
        out.push("service password-encryption".into());
    } else {
        out.push("no service password-encryption".into());
    }
    bang(&mut out);
    out.push(format!("hostname {}", ios.hostname));
    bang(&mut out);
    if let Some(s) = &ios.enable_secret {
        out.push(format!("enable secret {}", secret_text(s)));
    }
    if let Some(s) = &ios.enable_password {
        out.push(format!("enable password {}", secret_text(s)));
    }
    bang(&mut out);
    for u in &ios.users {
        let mut l = format!("username {}", u.name);
        if let Some(p) = u.privilege {
            l += &format!(" privilege {p}");
        }
        match &u.secret {
            Some(s @ Secret::Type5(_)) => l += &format!(" secret {}", secret_text(s)),
            Some(s) => l += &format!(" password {}", secret_text(s)),
            None => {}
        }
        out.push(l);
    }
    if !ios.users.is_empty() {
        bang(&mut out);
    }
    if !ios.domain_lookup {
        out.push("no ip domain-lookup".into());
    }
    if let Some(d) = &ios.domain_name {
        out.push(format!("ip domain-name {d}"));
    }
    if let Some(v) = ios.ssh_version {
        out.push(format!("ip ssh version {v}"));
    }
    bang(&mut out);
    for i in &ios.ifaces {
        if i.name.kind == IfaceKind::Vlan && i.name.numbers != [1] && i.stack.is_none() {
            continue;
        }
        out.push(format!("interface {}", i.name));
        if let Some(d) = &i.description {
            out.push(format!(" description {d}"));
        }
        let addr = i.stack.and_then(|s| ios.stack.ifaces[s].addr);
        let routed_port = i.stack.is_some();
        match addr {
            Some((a, len)) => out.push(format!(" ip address {a} {}", mask_of(len))),
            None if routed_port => out.push(" no ip address".into()),
            None => {}
        }
        if let Some(d) = &i.duplex {
            out.push(format!(" duplex {d}"));
        } else if i.port.is_some() && i.name.kind != IfaceKind::Serial && ios.model == crate::device::Model::Router {
            out.push(" duplex auto".into());
        }
        if let Some(s) = &i.speed {
            out.push(format!(" speed {s}"));
        } else if i.port.is_some() && i.name.kind != IfaceKind::Serial && ios.model == crate::device::Model::Router {
            out.push(" speed auto".into());
        }
        if let Some(r) = i.clock_rate {
            out.push(format!(" clock rate {r}"));
        }
        if i.shutdown {
            out.push(" shutdown".into());
        } else if typed
            && (i.port.is_some() && ios.model == crate::device::Model::Router || i.name.kind == IfaceKind::Vlan)
        {
            out.push(" no shutdown".into());
        }
        out.push("!".into());
    }
    if ios.model == crate::device::Model::Switch {
        if let Some(gw) = ios.default_gateway {
            out.push(format!("ip default-gateway {gw}"));
        }
    }
    if ios.model != crate::device::Model::Switch {
        out.push("ip classless".into());
    }
    let mut routes = ios.static_routes.clone();
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
        out.push(l);
    }
    bang(&mut out);
    if let Some(b) = &ios.banner_motd {
        out.push(format!("banner motd ^C{b}^C"));
        bang(&mut out);
    }
    for l in &ios.lines {
        let head = match l.kind {
            LineKind::Console => "line con 0".to_string(),
            LineKind::Aux => "line aux 0".to_string(),
            LineKind::Vty => format!("line vty {} {}", l.first, l.last),
        };
        out.push(head);
        if let Some((m, s)) = l.exec_timeout {
            out.push(format!(" exec-timeout {m} {s}"));
        }
        if let Some(p) = &l.password {
            out.push(format!(" password {}", secret_text(p)));
        }
        if l.logging_synchronous {
            out.push(" logging synchronous".into());
        }
        match (l.kind, l.login) {
            (_, Login::Local) => out.push(" login local".into()),
            (LineKind::Vty, Login::Line) if l.password.is_some() => out.push(" login".into()),
            (LineKind::Vty, Login::Line) => out.push(" login".into()),
            (LineKind::Vty, Login::None) => out.push(" no login".into()),
            (_, Login::Line) => out.push(" login".into()),
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
    let ios_router = dev.model == crate::device::Model::Router;
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
    out
}
