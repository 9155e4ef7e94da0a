//! DHCP server pools and NAT at the CLI: `ip dhcp pool`, excluded ranges,
//! `ip helper-address`, `ip nat pool`, `ip nat inside source ...`,
//! `ip nat inside|outside` on interfaces.

use std::net::Ipv4Addr;

use super::tree::Arg;
use super::{arg, kw, Cx, Handler, Tree};
use crate::base::Model;
use crate::cli::clock::Civil;
use crate::cli::tree::Node;
use crate::cli::Rejection;
use crate::device::Mode;
use crate::proto::dhcp::{Excluded, Lease, Pool};
use crate::proto::ipv4::{mask_of, prefix_len};
use crate::proto::nat::{NatConfig, NatPool, Rule, Side, Target};

fn layer3(m: Model) -> bool {
    m != Model::Switch
}

/// Under `ip` in global configuration.
pub fn ip_global() -> Tree {
    vec![
        kw("dhcp", "Configure DHCP server and relay parameters").sub(
            vec![
                kw("excluded-address", "Prevent DHCP from assigning certain addresses").when(layer3).sub(vec![arg(
                    Arg::Ipv4,
                    "Low IP address",
                )
                .run(excluded)
                .sub(vec![arg(Arg::Ipv4, "High IP address").run(excluded)])]),
                kw("pool", "Configure DHCP address pools")
                    .when(layer3)
                    .sub(vec![arg(Arg::Word, "Pool name").run(pool)]),
            ]
            .into_iter()
            .chain(super::snooping::global_dhcp())
            .collect(),
        ),
        super::snooping::global_arp(),
        kw("nat", "NAT configuration commands").when(layer3).sub(vec![
            kw("pool", "Define pool of addresses").sub(vec![arg(Arg::Word, "Pool name").no(nat_pool).sub(vec![arg(
                Arg::Ipv4,
                "Start IP address",
            )
            .sub(vec![arg(Arg::Ipv4, "End IP address").sub(vec![
                kw("netmask", "Specify the network mask").sub(vec![arg(Arg::Ipv4, "Network mask").run(nat_pool)]),
                kw("prefix-length", "Specify the prefix length")
                    .sub(vec![arg(Arg::Num(1, 32), "Prefix length").run(nat_pool)]),
            ])])])]),
            kw("translation", "NAT translation entry configuration").sub(
                [
                    ("timeout", "Specify timeout for dynamic NAT translations"),
                    ("tcp-timeout", "Specify timeout for NAT TCP flows"),
                    ("udp-timeout", "Specify timeout for NAT UDP flows"),
                    ("icmp-timeout", "Specify timeout for NAT ICMP flows"),
                    ("finrst-timeout", "Specify timeout for NAT TCP flows after a FIN or RST"),
                ]
                .into_iter()
                .map(|(w, h)| {
                    kw(w, h).no(nat_timeout).sub(vec![
                        arg(Arg::Num(0, 2_147_483), "Timeout in seconds").run(nat_timeout),
                        kw("never", "Never timeout").run(nat_timeout),
                    ])
                })
                .collect(),
            ),
            kw("inside", "Inside address translation").sub(vec![kw("source", "Source address translation").sub(vec![
                kw("list", "Specify access list describing local addresses").sub(vec![arg(
                    Arg::Word,
                    "Access list name or number",
                )
                .sub(vec![
                    kw("interface", "Specify interface for global address").sub(vec![arg(Arg::Iface, "")
                        .run(nat_rule)
                        .sub(vec![kw("overload", "Overload an address translation").run(nat_rule)])]),
                    kw("pool", "Name pool of global addresses").sub(vec![arg(
                        Arg::Word,
                        "Pool name for global addresses",
                    )
                    .run(nat_rule)
                    .sub(vec![kw("overload", "Overload an address translation").run(nat_rule)])]),
                ])]),
                kw("static", "Specify static local->global mapping").sub(vec![
                    arg(Arg::Ipv4, "Inside local IP address")
                        .sub(vec![arg(Arg::Ipv4, "Inside global IP address").run(nat_rule)]),
                    kw("tcp", "Transmission Control Protocol").sub(static_port()),
                    kw("udp", "User Datagram Protocol").sub(static_port()),
                ]),
            ])]),
        ]),
    ]
}

/// `ip nat translation timeout|tcp-timeout|... SECONDS|never`.
fn nat_timeout(cx: &mut Cx) {
    let which =
        ["timeout", "tcp-timeout", "udp-timeout", "icmp-timeout", "finrst-timeout"].into_iter().find(|w| cx.has(w));
    // `never` is the longest a translation can live.
    let value = if cx.negated {
        None
    } else if cx.has("never") {
        Some(u32::MAX / 1000)
    } else {
        cx.num(0)
    };
    let t = &mut cx.ios().services.nat.timeouts;
    match which {
        Some("timeout") => t.simple = value,
        Some("tcp-timeout") => t.tcp = value,
        Some("udp-timeout") => t.udp = value,
        Some("icmp-timeout") => t.icmp = value,
        Some("finrst-timeout") => t.finrst = value,
        _ => {}
    }
}

fn static_port() -> Tree {
    vec![arg(Arg::Ipv4, "Inside local IP address")
        .sub(vec![arg(Arg::Num(1, 65535), "Local UDP/TCP port").sub(vec![arg(Arg::Ipv4, "Inside global IP address")
            .sub(vec![arg(Arg::Num(1, 65535), "Global UDP/TCP port").run(nat_rule)])])])]
}

pub fn dhcp_pool() -> Tree {
    let addresses = |h: Handler| {
        let mut n = arg(Arg::Ipv4, "IP address").run(h);
        for _ in 0..7 {
            n = arg(Arg::Ipv4, "IP address").run(h).sub(vec![n]);
        }
        n
    };
    vec![
        kw("network", "Network number and mask").no(pool_network).sub(vec![arg(
            Arg::Ipv4,
            "Network number in dotted-decimal notation",
        )
        .sub(vec![arg(Arg::Ipv4, "Network mask").run(pool_network)])]),
        kw("default-router", "Default routers").no(default_router).sub(vec![addresses(default_router)]),
        kw("dns-server", "DNS servers").no(dns_server).sub(vec![addresses(dns_server)]),
        kw("domain-name", "Domain name").no(domain).sub(vec![arg(Arg::Word, "Domain name").run(domain)]),
        kw("lease", "Address lease time").no(lease).sub(vec![
            kw("infinite", "Infinite lease").run(lease),
            arg(Arg::Num(0, 365), "Days").run(lease).sub(vec![arg(Arg::Num(0, 23), "Hours")
                .run(lease)
                .sub(vec![arg(Arg::Num(0, 59), "Minutes").run(lease)])]),
        ]),
        kw("exit", "Exit from DHCP pool configuration mode").plain(super::config::exit),
        kw("end", "Exit from configure mode").plain(super::config::end),
    ]
}

/// `ip helper-address` and `ip nat inside|outside` under an interface.
pub fn interface_ip() -> Tree {
    let mut t = super::snooping::interface();
    t.extend(vec![
        kw("helper-address", "Specify a destination address for UDP broadcasts")
            .when(layer3)
            .no(helper)
            .sub(vec![arg(Arg::Ipv4, "IP destination address").run(helper)]),
        kw("nat", "NAT interface commands").when(layer3).sub(vec![
            kw("inside", "Inside interface for address translation").run(nat_side),
            kw("outside", "Outside interface for address translation").run(nat_side),
        ]),
    ]);
    t
}

fn excluded(cx: &mut Cx) {
    let Some(low) = cx.ip(0) else { return };
    let e = Excluded { low, high: cx.ip(1) };
    let negated = cx.negated;
    let ios = cx.ios();
    ios.services.dhcp_excluded.retain(|x| *x != e);
    if !negated {
        ios.services.dhcp_excluded.push(e);
    }
}

fn pool(cx: &mut Cx) {
    let Some(name) = cx.word(0).map(str::to_string) else { return };
    if cx.negated {
        cx.ios().services.dhcp_pools.retain(|p| p.name != name);
        return;
    }
    let ios = cx.ios();
    if !ios.services.dhcp_pools.iter().any(|p| p.name == name) {
        ios.services.dhcp_pools.push(Pool { name: name.clone(), ..Default::default() });
    }
    ios.terminal.mode = Mode::DhcpPool { name };
}

fn current_pool<'a>(cx: &'a mut Cx) -> Option<&'a mut Pool> {
    let Mode::DhcpPool { name } = cx.ios().terminal.mode.clone() else { return None };
    cx.ios().services.dhcp_pools.iter_mut().find(|p| p.name == name)
}

fn pool_network(cx: &mut Cx) {
    let negated = cx.negated;
    let net = match (cx.ip(0), cx.ip(1).and_then(prefix_len)) {
        (Some(a), Some(len)) if len > 0 => Some((crate::proto::ipv4::network(a, len), len)),
        (Some(_), _) => {
            cx.reject(Rejection::Refused, "% Invalid network mask\n");
            return;
        }
        _ => None,
    };
    if let Some(p) = current_pool(cx) {
        p.network = if negated { None } else { net };
    }
}

fn all_ips(cx: &Cx) -> Vec<std::net::Ipv4Addr> {
    (0..8).map_while(|i| cx.ip(i)).collect()
}

fn default_router(cx: &mut Cx) {
    let ips = if cx.negated { Vec::new() } else { all_ips(cx) };
    if let Some(p) = current_pool(cx) {
        p.default_routers = ips;
    }
}

fn dns_server(cx: &mut Cx) {
    let ips = if cx.negated { Vec::new() } else { all_ips(cx) };
    if let Some(p) = current_pool(cx) {
        p.dns_servers = ips;
    }
}

fn domain(cx: &mut Cx) {
    let d = if cx.negated { None } else { cx.word(0).map(str::to_string) };
    if let Some(p) = current_pool(cx) {
        p.domain_name = d;
    }
}

fn lease(cx: &mut Cx) {
    let l = if cx.negated {
        None
    } else if cx.has("infinite") {
        Some(Lease::Infinite)
    } else {
        Some(Lease::Days {
            days: cx.num(0).unwrap_or(1),
            hours: cx.num(1).unwrap_or(0),
            minutes: cx.num(2).unwrap_or(0),
        })
    };
    if let Some(p) = current_pool(cx) {
        p.lease = l;
    }
}

fn helper(cx: &mut Cx) {
    let ip = cx.ip(0);
    let negated = cx.negated;
    for name in super::config::selected(cx) {
        let Some(i) = cx.ios().iface_mut(&name) else { continue };
        match (negated, ip) {
            (true, None) => i.helpers.clear(),
            (true, Some(a)) => i.helpers.retain(|h| *h != a),
            (false, Some(a)) if !i.helpers.contains(&a) => i.helpers.push(a),
            _ => {}
        }
    }
}

fn nat_side(cx: &mut Cx) {
    let side = if cx.negated {
        None
    } else if cx.has("inside") {
        Some(Side::Inside)
    } else {
        Some(Side::Outside)
    };
    for name in super::config::selected(cx) {
        if let Some(i) = cx.ios().iface_mut(&name) {
            i.nat = side;
        }
    }
}

fn nat_pool(cx: &mut Cx) {
    let Some(name) = cx.word(0).map(str::to_string) else { return };
    if cx.negated {
        cx.ios().services.nat.pools.retain(|p| p.name != name);
        return;
    }
    let (Some(start), Some(end)) = (cx.ip(0), cx.ip(1)) else { return };
    let prefix_form = cx.has("prefix-length");
    let len = if prefix_form { cx.num(0).map(|n| n as u8) } else { cx.ip(2).and_then(prefix_len) };
    let Some(len) = len else {
        cx.reject(Rejection::Refused, "%Invalid netmask\n");
        return;
    };
    let ios = cx.ios();
    ios.services.nat.pools.retain(|p| p.name != name);
    ios.services.nat.pools.push(NatPool { name, start, end, len, prefix_form });
}

fn nat_rule(cx: &mut Cx) {
    let rule = if cx.has("list") {
        let Some(list) = cx.word(0).map(str::to_string) else { return };
        let target = match cx.iface() {
            Some(i) => Target::Interface(i.clone()),
            None => Target::Pool(cx.word(1).unwrap_or("").to_string()),
        };
        Rule::Dynamic { list, target, overload: cx.has("overload") }
    } else if cx.has("tcp") || cx.has("udp") {
        let (Some(local), Some(global), Some(lp), Some(gp)) = (cx.ip(0), cx.ip(1), cx.num(0), cx.num(1)) else {
            return;
        };
        Rule::StaticPort { tcp: cx.has("tcp"), local, local_port: lp as u16, global, global_port: gp as u16 }
    } else {
        let (Some(local), Some(global)) = (cx.ip(0), cx.ip(1)) else { return };
        Rule::Static { local, global }
    };
    let negated = cx.negated;
    let rules = &mut cx.ios().services.nat.rules;
    rules.retain(|r| *r != rule);
    if !negated {
        rules.push(rule);
    }
}

pub(super) fn dhcp_pool_lines(pool: &Pool) -> Vec<String> {
    let mut v = vec![format!("ip dhcp pool {}", pool.name)];
    let list = |ips: &[Ipv4Addr]| ips.iter().map(|i| i.to_string()).collect::<Vec<_>>().join(" ");
    if let Some((a, len)) = pool.network {
        v.push(format!(" network {a} {}", mask_of(len)));
    }
    if !pool.default_routers.is_empty() {
        v.push(format!(" default-router {}", list(&pool.default_routers)));
    }
    if !pool.dns_servers.is_empty() {
        v.push(format!(" dns-server {}", list(&pool.dns_servers)));
    }
    if let Some(d) = &pool.domain_name {
        v.push(format!(" domain-name {d}"));
    }
    match pool.lease {
        Some(Lease::Infinite) => v.push(" lease infinite".into()),
        Some(Lease::Days { days, hours, minutes }) => {
            let mut l = format!(" lease {days}");
            if hours > 0 || minutes > 0 {
                l += &format!(" {hours}");
            }
            if minutes > 0 {
                l += &format!(" {minutes}");
            }
            v.push(l);
        }
        None => {}
    }
    v
}

pub(super) fn excluded_line(e: &Excluded) -> String {
    match e.high {
        Some(h) => format!("ip dhcp excluded-address {} {h}", e.low),
        None => format!("ip dhcp excluded-address {}", e.low),
    }
}

pub(super) fn nat_lines(nat: &NatConfig) -> Vec<String> {
    let mut v = Vec::new();
    for p in &nat.pools {
        let tail =
            if p.prefix_form { format!("prefix-length {}", p.len) } else { format!("netmask {}", mask_of(p.len)) };
        v.push(format!("ip nat pool {} {} {} {tail}", p.name, p.start, p.end));
    }
    for r in &nat.rules {
        v.push(match r {
            Rule::Static { local, global } => format!("ip nat inside source static {local} {global}"),
            Rule::StaticPort { tcp, local, local_port, global, global_port } => {
                let proto = if *tcp { "tcp" } else { "udp" };
                format!("ip nat inside source static {proto} {local} {local_port} {global} {global_port}")
            }
            Rule::Dynamic { list, target, overload } => {
                let t = match target {
                    Target::Interface(i) => format!("interface {i}"),
                    Target::Pool(p) => format!("pool {p}"),
                };
                format!("ip nat inside source list {list} {t}{}", if *overload { " overload" } else { "" })
            }
        });
    }
    let never = u32::MAX / 1000;
    let t = nat.timeouts;
    for (word, value) in [
        ("timeout", t.simple),
        ("tcp-timeout", t.tcp),
        ("udp-timeout", t.udp),
        ("icmp-timeout", t.icmp),
        ("finrst-timeout", t.finrst),
    ] {
        match value {
            Some(n) if n == never => v.push(format!("ip nat translation {word} never")),
            Some(n) => v.push(format!("ip nat translation {word} {n}")),
            None => {}
        }
    }
    v
}

/// `show ip dhcp ...`: the server's bindings, pools, conflicts and counters,
/// in the IOS XE 16 layouts.
pub fn show_ip_dhcp() -> Node<Handler> {
    kw("dhcp", "Show items in the DHCP database").sub(vec![
        kw("binding", "DHCP address bindings").when(layer3).plain(show_bindings),
        kw("pool", "DHCP pools information").when(layer3).plain(show_pools),
        kw("conflict", "DHCP address conflicts").when(layer3).plain(show_conflicts),
        kw("server", "Miscellaneous DHCP server information").when(layer3).sub(vec![kw(
            "statistics",
            "DHCP server statistics",
        )
        .plain(show_statistics)]),
        super::snooping::show_dhcp(),
    ])
}

/// `show ip nat translations [verbose]` and `show ip nat statistics`.
pub fn show_ip_nat() -> Node<Handler> {
    kw("nat", "IP NAT information").when(layer3).sub(vec![
        kw("translations", "Translation entries").plain(show_nat_translations).sub(vec![kw(
            "verbose",
            "Show extra information",
        )
        .plain(show_nat_translations)]),
        kw("statistics", "Translation statistics").plain(show_nat_statistics),
    ])
}

/// `clear ip nat translation *`.
pub fn clear_ip_nat() -> Node<Handler> {
    kw("nat", "Clear NAT").when(layer3).sub(vec![kw("translation", "Clear dynamic translation").sub(vec![kw(
        "*",
        "Delete all dynamic translations",
    )
    .plain(clear_nat)])])
}

fn clear_nat(cx: &mut Cx) {
    cx.ios().services.nat_table.lock().clear();
}

/// hh:mm:ss, as IOS shows ages.
fn clock(d: crate::sim::Duration) -> String {
    let s = d.secs();
    format!("{:02}:{:02}:{:02}", s / 3600, s / 60 % 60, s % 60)
}

fn show_nat_translations(cx: &mut Cx) {
    let verbose = cx.has("verbose");
    let now = cx.now;
    let nat = cx.ios().services.nat_table.lock();
    let entries = nat.translations(now);
    drop(nat);
    let mut out = String::from("Pro Inside global      Inside local       Outside local      Outside global\n");
    let ip_port =
        |a: (std::net::Ipv4Addr, u16), ports: bool| if ports { format!("{}:{}", a.0, a.1) } else { a.0.to_string() };
    for e in &entries {
        let proto = match e.protocol {
            None => "---",
            Some(1) => "icmp",
            Some(6) => "tcp",
            Some(17) => "udp",
            Some(_) => "---",
        };
        let ports = e.protocol.is_some();
        let (ol, og) = match e.outside {
            Some(o) => (ip_port(o, ports), ip_port(o, ports)),
            None => ("---".to_string(), "---".to_string()),
        };
        out.push_str(&format!(
            "{:<4}{:<18} {:<18} {:<18} {og}\n",
            format!("{proto} "),
            ip_port(e.inside_global, ports),
            ip_port(e.inside_local, ports),
            ol
        ));
        if verbose {
            let left = if e.from_static {
                String::from("never")
            } else {
                clock(crate::sim::Duration(e.timeout.0.saturating_sub(now.since(e.last_used).0)))
            };
            out.push_str(&format!(
                "  create {}, use {}, timeout: {}, left {left},\n  flags: \n{}, use_count: 0, entry-id: 0, lc_entries: 0\n",
                clock(now.since(e.created)),
                clock(now.since(e.last_used)),
                e.timeout.millis(),
                if e.from_static { "static" } else if ports { "extended" } else { "none" },
            ));
        }
    }
    cx.print(&out);
}

fn show_nat_statistics(cx: &mut Cx) {
    use crate::proto::nat::{Rule, Side, Target};
    let now = cx.now;
    let ios = cx.ios();
    let sides = |side: Side| -> String {
        ios.ifaces.iter().filter(|i| i.nat == Some(side)).map(|i| format!("  {}\n", i.name)).collect()
    };
    let (outside, inside) = (sides(Side::Outside), sides(Side::Inside));
    let config = ios.services.nat.clone();
    let nat = ios.services.nat_table.lock();
    let entries = nat.translations(now);
    let statics = entries.iter().filter(|e| e.from_static).count();
    let extended = entries.iter().filter(|e| e.protocol.is_some()).count();
    let (peak, peak_at) = nat.peak;
    let mut out = format!(
        "Total active translations: {} ({statics} static, {} dynamic; {extended} extended)\n",
        entries.len(),
        entries.len() - statics
    );
    if peak > 0 {
        out.push_str(&format!("Peak translations: {peak}, occurred {} ago\n", clock(now.since(peak_at))));
    }
    out.push_str(&format!("Outside interfaces:\n{outside}Inside interfaces: \n{inside}"));
    out.push_str(&format!(
        "Hits: {}  Misses: {}\nCEF Translated packets: {}, CEF Punted packets: 0\nExpired translations: {}\nDynamic mappings:\n",
        nat.hits, nat.misses, nat.hits, nat.expired
    ));
    let dynamic: Vec<&Rule> = config.rules.iter().filter(|r| matches!(r, Rule::Dynamic { .. })).collect();
    if !dynamic.is_empty() {
        out.push_str("-- Inside Source\n");
    }
    for (n, r) in dynamic.iter().enumerate() {
        let Rule::Dynamic { list, target, .. } = r else { continue };
        let users = nat.entries.iter().filter(|e| e.protocol.is_none()).count();
        match target {
            Target::Interface(name) => {
                out.push_str(&format!("[Id: {}] access-list {list} interface {name} refcount {}\n", n + 1, extended))
            }
            Target::Pool(name) => {
                out.push_str(&format!(
                    "[Id: {}] access-list {list} pool {name} refcount {}\n",
                    n + 1,
                    users.max(extended)
                ));
                if let Some(p) = config.pools.iter().find(|p| p.name == *name) {
                    let total = u32::from(p.end).saturating_sub(u32::from(p.start)) + 1;
                    let allocated = nat
                        .entries
                        .iter()
                        .filter(|e| e.protocol.is_none() && (p.start..=p.end).contains(&e.inside_global.0))
                        .count() as u32;
                    out.push_str(&format!(
                        " pool {name}: netmask {}\n\tstart {} end {}\n\ttype generic, total addresses {total}, allocated {allocated} ({}%), misses {}\n",
                        crate::proto::ipv4::mask_of(p.len),
                        p.start,
                        p.end,
                        allocated * 100 / total.max(1),
                        nat.misses
                    ));
                }
            }
        }
    }
    out.push_str("Total doors: 0\nAppl doors: 0\nNormal doors: 0\nQueued Packets: 0\n");
    drop(nat);
    cx.print(&out);
}

/// `clear ip dhcp binding|conflict *|ADDRESS`.
pub fn clear_ip_dhcp() -> Node<Handler> {
    let which = |h: Handler| -> Tree {
        vec![kw("*", "Clear all automatic bindings").plain(h), arg(Arg::Ipv4, "Clear a specific binding").plain(h)]
    };
    kw("dhcp", "Delete items from the DHCP database").when(layer3).sub(vec![
        kw("binding", "DHCP address bindings").sub(which(clear_bindings)),
        kw("conflict", "DHCP address conflicts").sub(which(clear_conflicts)),
    ])
}

fn clear_bindings(cx: &mut Cx) {
    let which = cx.ip(0);
    cx.ios().clear_dhcp_bindings(which);
}

fn clear_conflicts(cx: &mut Cx) {
    let which = cx.ip(0);
    cx.ios().clear_dhcp_conflicts(which);
}

/// A client identifier as IOS prints it: `01` (Ethernet) and the MAC, in
/// dotted groups of four hex digits.
fn client_id(mac: crate::proto::Mac) -> String {
    let hex: String = std::iter::once(1u8).chain(mac.0).map(|b| format!("{b:02x}")).collect();
    hex.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(".")
}

fn show_bindings(cx: &mut Cx) {
    let ios = cx.ios();
    let mut out = String::from(
        "Bindings from all pools not associated with VRF:\nIP address      Client-ID/              Lease expiration        Type       State      Interface\n                Hardware address/\n                User name\n",
    );
    for (addr, b) in &ios.services.dhcp_server.bindings {
        let expires = b.expires.map_or("Infinite".to_string(), |t| Civil::at(t).ios_short());
        let iface = if b.relayed {
            "Unknown".to_string()
        } else {
            ios.stack.ifaces.get(b.iface).map_or("Unknown".to_string(), |i| i.name.to_string())
        };
        out.push_str(&format!(
            "{:<16}{:<24}{:<24}{:<11}{:<11}{iface}\n",
            addr.to_string(),
            client_id(b.client),
            expires,
            "Automatic",
            "Active"
        ));
    }
    cx.print(&out);
}

fn show_pools(cx: &mut Cx) {
    let ios = cx.ios();
    let server = &ios.services.dhcp_server;
    let mut out = String::new();
    for pool in &ios.services.dhcp_pools {
        let leased = server.leased_in(&pool.name);
        let total = pool.size();
        // Excluded addresses inside the pool, counted range by range (a pool may be a /8).
        let excluded: u64 = pool.range().map_or(0, |(first, last)| {
            let mut ranges: Vec<(u32, u32)> = ios
                .services
                .dhcp_excluded
                .iter()
                .map(|e| {
                    (u32::from(e.low).max(u32::from(first)), u32::from(e.high.unwrap_or(e.low)).min(u32::from(last)))
                })
                .filter(|(a, b)| a <= b)
                .collect();
            ranges.sort();
            let (mut count, mut covered_to) = (0u64, 0u64);
            for (a, b) in ranges {
                let a = u64::from(a).max(covered_to);
                if a <= u64::from(b) {
                    count += u64::from(b) - a + 1;
                    covered_to = u64::from(b) + 1;
                }
            }
            count
        });
        out.push_str(&format!(
            "\nPool {} :\n Utilization mark (high/low)    : 100 / 0\n Subnet size (first/next)       : 0 / 0 \n Total addresses                : {}\n Leased addresses               : {leased}\n Excluded addresses             : {excluded}\n Pending event                  : none\n",
            pool.name,
            total
        ));
        match (pool.range(), server.current_index(pool)) {
            (Some((first, last)), Some(index)) => out.push_str(&format!(
                " 1 subnet is currently in the pool :\n Current index        IP address range                    Leased/Excluded/Total\n {:<21}{:<17}- {:<18}{:<6}/ {:<6}/ {}\n",
                index.to_string(),
                first.to_string(),
                last.to_string(),
                leased,
                excluded,
                total
            )),
            _ => out.push_str(" 0 subnet is currently in the pool :\n"),
        }
    }
    cx.print(&out);
}

fn show_conflicts(cx: &mut Cx) {
    use crate::proto::dhcp::ConflictMethod;
    let ios = cx.ios();
    let mut out = String::from("IP address        Detection method   Detection time          VRF\n");
    for (addr, c) in &ios.services.dhcp_server.conflicts {
        let method = match c.method {
            ConflictMethod::Ping => "Ping",
            ConflictMethod::Decline => "Gratuitous ARP",
        };
        out.push_str(&format!("{:<18}{:<19}{}\n", addr.to_string(), method, Civil::at(c.at).ios_short()));
    }
    cx.print(&out);
}

fn show_statistics(cx: &mut Cx) {
    let ios = cx.ios();
    let server = &ios.services.dhcp_server;
    let s = server.stats;
    let pools = ios.services.dhcp_pools.len();
    let bindings = server.bindings.len();
    // A plausible figure that grows with what the server keeps.
    let memory = 22_132 + 1_024 * pools + 300 * bindings;
    let f = s.forwarded;
    let line = |label: &str, n: u64| format!("{label:<21}{n}\n");
    let mut out = String::new();
    out.push_str(&format!("{:<21}{memory}\n", "Memory usage"));
    out.push_str(&format!("{:<21}{pools}\n", "Address pools"));
    out.push_str(&line("Database agents", 0));
    out.push_str(&format!("{:<21}{bindings}\n", "Automatic bindings"));
    out.push_str(&line("Manual bindings", 0));
    out.push_str(&line("Expired bindings", s.expired));
    out.push_str(&line("Malformed messages", s.malformed));
    out.push_str(&line("Secure arp entries", 0));
    out.push_str(&line("Renew messages", 0));
    out.push_str(&line("Workspace timeouts", 0));
    out.push_str(&line("Static routes", 0));
    out.push_str(&line("Relay bindings", 0));
    out.push_str("Relay bindings active        0\nRelay bindings terminated    0\nRelay bindings selecting     0\n");
    out.push_str("\nMessage              Received\n");
    for (label, n) in [
        ("BOOTREQUEST", 0),
        ("DHCPDISCOVER", s.discover),
        ("DHCPREQUEST", s.request),
        ("DHCPDECLINE", s.decline),
        ("DHCPRELEASE", s.release),
        ("DHCPINFORM", s.inform),
        ("DHCPVENDOR", 0),
        ("BOOTREPLY", 0),
        ("DHCPOFFER", s.received_offer),
        ("DHCPACK", s.received_ack),
        ("DHCPNAK", s.received_nak),
    ] {
        out.push_str(&line(label, n));
    }
    out.push_str("\nMessage              Sent\n");
    for (label, n) in [("BOOTREPLY", 0), ("DHCPOFFER", s.offer), ("DHCPACK", s.ack), ("DHCPNAK", s.nak)] {
        out.push_str(&line(label, n));
    }
    out.push_str("\nMessage              Forwarded\n");
    for (label, n) in [
        ("BOOTREQUEST", 0),
        ("DHCPDISCOVER", f[0]),
        ("DHCPREQUEST", f[1]),
        ("DHCPDECLINE", f[2]),
        ("DHCPRELEASE", f[3]),
        ("DHCPINFORM", f[4]),
        ("DHCPVENDOR", 0),
        ("BOOTREPLY", 0),
        ("DHCPOFFER", f[5]),
        ("DHCPACK", f[6]),
        ("DHCPNAK", f[7]),
    ] {
        out.push_str(&line(label, n));
    }
    out.push_str("\nDHCP-DPM Statistics\nOffer notifications sent        0\nOffer callbacks received        0\nClassname requests sent         0\nClassname callbacks received    0\n\n");
    cx.print(&out);
}
